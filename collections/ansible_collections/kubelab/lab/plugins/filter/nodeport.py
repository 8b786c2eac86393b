"""A NodePort of a workload for each student: the tutorial's on a cluster of their own, one of their block elsewhere."""

from __future__ import annotations

DOCUMENTATION = r"""
---
name: nodeport
short_description: Each student with the NodePort of a workload's Service
version_added: 0.1.0
author: kubelab (!UNKNOWN)
description:
  - On a cluster of their own a student gets O(fixed) (the tutorial's number); on a cluster students share, the
    first port of their block plus O(offset), which must lie in the block.
options:
  _input:
    description: The students, roster entries with C(shared), C(nodeport_first) and C(nodeports).
    type: list
    elements: dict
    required: true
  key:
    description: The field the port goes in.
    type: str
    required: true
  fixed:
    description: The port on a cluster of one student.
    type: int
    required: true
  offset:
    description: The port's offset in the block on a shared cluster.
    type: int
    required: true
"""

EXAMPLES = r"""
- name: Work out each student's NodePort
  ansible.builtin.set_fact:
    emailservice_students: "{{ student_roster | kubelab.lab.nodeport('emailservice_nodeport', 30002, 0) }}"
"""

RETURN = r"""
_value:
  description: Each student with O(key) set to their port.
  type: list
  elements: dict
"""

from typing import Any, Callable


def nodeport(students: list[dict[str, Any]], key: str, fixed: int, offset: int) -> list[dict[str, Any]]:
    found = []
    for student in students:
        if not student["shared"]:
            found.append({**student, key: int(fixed)})
            continue
        port = int(student["nodeport_first"]) + int(offset)
        if not student["nodeports"]["first"] <= port <= student["nodeports"]["last"]:
            raise ValueError(f"{key} {port} of {student['name']} is outside their block "
                             f"{student['nodeports']['first']}-{student['nodeports']['last']}: the offset is {offset}")
        found.append({**student, key: port})
    return found


class FilterModule:
    def filters(self) -> dict[str, Callable[..., list[dict[str, Any]]]]:
        return {"nodeport": nodeport}
