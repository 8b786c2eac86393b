"""The NodePorts of the students' blocks that a Service outside the student's namespace holds."""

from __future__ import annotations

DOCUMENTATION = r"""
---
name: nodeports_taken
short_description: The students' NodePorts that a cluster's Services outside their namespaces hold
version_added: 0.1.0
author: kubelab (!UNKNOWN)
description:
  - Given the students of one cluster and that cluster's Services, each NodePort of a student's block
    (C(nodeports.first) to C(nodeports.last)) that a Service in another namespace holds, so a class on a cluster others
    share stops before its apply would fail half-way.
options:
  _input:
    description: The students on the cluster, roster entries with C(name), C(namespace) and C(nodeports).
    type: list
    elements: dict
    required: true
  services:
    description: The cluster's Service objects, as C(kubernetes.core.k8s_info) returns them.
    type: list
    elements: dict
    required: true
"""

EXAMPLES = r"""
- name: Refuse NodePorts someone else holds
  ansible.builtin.assert:
    that: students | kubelab.lab.nodeports_taken(listed.resources) | length == 0
"""

RETURN = r"""
_value:
  description: One line per NodePort held, naming the student, the port and the Service, in the Services' order.
  type: list
  elements: str
"""

from typing import Any, Callable


def nodeports_taken(students: list[dict[str, Any]], services: list[dict[str, Any]]) -> list[str]:
    owner = {
        port: student
        for student in students
        for port in range(int(student["nodeports"]["first"]), int(student["nodeports"]["last"]) + 1)
    }
    found = []
    for service in services:
        meta = service["metadata"]
        for port in (service.get("spec") or {}).get("ports") or []:
            student = owner.get(port.get("nodePort"))
            if student and meta["namespace"] != student["namespace"]:
                found.append(
                    f"{student['name']}'s NodePort {port['nodePort']} is held by Service {meta['namespace']}/{meta['name']}"
                )
    return found


class FilterModule:
    def filters(self) -> dict[str, Callable[..., list[str]]]:
        return {"nodeports_taken": nodeports_taken}
