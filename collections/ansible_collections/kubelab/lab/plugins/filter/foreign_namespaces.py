"""The students' namespaces that a shared cluster already has for someone else."""

from __future__ import annotations

DOCUMENTATION = r"""
---
name: foreign_namespaces
short_description: The students' namespaces that a cluster already has, not made for them by this class
version_added: 0.1.0
author: kubelab (!UNKNOWN)
description:
  - Given the students of one cluster and the namespaces that cluster has, the namespaces of those students that exist
    without both labels C(kubelab.io/class=<class>) and C(kubelab.io/student=<student>), each described with the labels
    it has, so a class never adopts a namespace someone else made.
options:
  _input:
    description: The students on the cluster, roster entries with C(name) and C(namespace).
    type: list
    elements: dict
    required: true
  namespaces:
    description: The cluster's Namespace objects, as C(kubernetes.core.k8s_info) returns them.
    type: list
    elements: dict
    required: true
  lab_class:
    description: The class id.
    type: str
    required: true
"""

EXAMPLES = r"""
- name: Refuse namespaces someone else has
  ansible.builtin.assert:
    that: students | kubelab.lab.foreign_namespaces(listed.resources, lab_class) | length == 0
"""

RETURN = r"""
_value:
  description: One line per foreign namespace, naming it, its student and the labels it has.
  type: list
  elements: str
"""

from typing import Any, Callable

CLASS_LABEL = "kubelab.io/class"
STUDENT_LABEL = "kubelab.io/student"


def foreign_namespaces(students: list[dict[str, Any]], namespaces: list[dict[str, Any]], lab_class: str) -> list[str]:
    labels_of = {ns["metadata"]["name"]: ns["metadata"].get("labels") or {} for ns in namespaces}
    found = []
    for student in students:
        labels = labels_of.get(student["namespace"])
        if labels is None:
            continue
        if labels.get(CLASS_LABEL) != lab_class or labels.get(STUDENT_LABEL) != student["name"]:
            found.append(
                f"{student['namespace']} (for {student['name']}; its labels: "
                f"{CLASS_LABEL}={labels.get(CLASS_LABEL, 'none')}, {STUDENT_LABEL}={labels.get(STUDENT_LABEL, 'none')})"
            )
    return found


class FilterModule:
    def filters(self) -> dict[str, Callable[..., list[str]]]:
        return {"foreign_namespaces": foreign_namespaces}
