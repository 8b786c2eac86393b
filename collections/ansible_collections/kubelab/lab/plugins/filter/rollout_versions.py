"""The version each student's rollout of a workload starts at."""

from __future__ import annotations

DOCUMENTATION = r"""
---
name: rollout_versions
short_description: Each student with the version their Deployment is rendered at first
version_added: 0.1.0
author: kubelab (!UNKNOWN)
description:
  - A student whose namespace does not hold the workload yet (C(fresh)) starts at O(first); the tutorial's rollout
    to O(final) follows (the deploy role's C(after) phase), so both stand in the ReplicaSet history. A student who
    has it is rendered at O(final).
options:
  _input:
    description: The students, roster entries with C(namespace).
    type: list
    elements: dict
    required: true
  have:
    description: The namespaces that hold the workload already.
    type: list
    elements: str
    required: true
  first:
    description: The version a fresh student's rollout starts at.
    type: str
    required: true
  final:
    description: The version every student ends at.
    type: str
    required: true
"""

EXAMPLES = r"""
- name: Work out each student's Deployment version
  ansible.builtin.set_fact:
    emailservice_students: "{{ student_roster | kubelab.lab.rollout_versions(have, 'v0.8.0', 'v0.8.1') }}"
"""

RETURN = r"""
_value:
  description: Each student with C(fresh) (bool) and C(version).
  type: list
  elements: dict
"""

from typing import Any, Callable


def rollout_versions(students: list[dict[str, Any]], have: list[str], first: str, final: str) -> list[dict[str, Any]]:
    held = set(have)
    return [
        {**student, "fresh": student["namespace"] not in held,
         "version": final if student["namespace"] in held else first}
        for student in students
    ]


class FilterModule:
    def filters(self) -> dict[str, Callable[..., list[dict[str, Any]]]]:
        return {"rollout_versions": rollout_versions}
