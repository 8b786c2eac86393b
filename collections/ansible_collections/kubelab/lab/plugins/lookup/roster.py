"""The students of the run, one entry each: namespace, slot, NodePort block, cluster, files."""

from __future__ import annotations

DOCUMENTATION = r"""
---
name: roster
short_description: The students of the run with their namespace, slot, NodePort block, cluster and files
version_added: 0.1.0
author: kubelab (!UNKNOWN)
description:
  - "One entry per student of the run (the play's hosts in group C(students), sorted, so C(--limit) works), knowing
    the whole class. A student's slot is their C(student_slot) or their position in the group, their cluster their
    C(student_admin_kubeconfig), the provider's cluster of their own (O(own_kubeconfig)) or the class's, and the
    cluster is shared when more than one student of the class is on it. On a shared cluster a student's NodePort
    block is O(nodeports_per_student) ports from O(nodeport_base) plus their slot's; alone, O(own_range). A
    student's C(solutions) are the O(sections) their C(lab_solutions) names."
  - With O(whole_class), every student of the class, whatever the play's hosts.
options:
  lab_class: {description: The class id., type: str, required: true}
  namespace_prefix: {description: Prefix of every student's namespace., type: str, default: ""}
  nodeport_base: {description: First NodePort of slot 0 on a shared cluster., type: int, required: true}
  nodeports_per_student: {description: The size of a block., type: int, required: true}
  own_range:
    description: The NodePorts of a student alone on their cluster, first and last.
    type: list
    elements: int
    required: true
  class_kubeconfig: {description: The admin kubeconfig of the class's cluster., type: str, required: true}
  own_kubeconfig:
    description: "With C(%s) for the student, the admin kubeconfig of their own cluster; empty when the provider gives none."
    type: str
    default: ""
  output_dir: {description: The class's output folder; a student's files go to its <student>/., type: str, required: true}
  sections:
    description: The workloads whose objects are a section's solution; a student's C(lab_solutions) (all, none, or
      a list of them; all when unset) picks those they get.
    type: list
    elements: str
    default: []
  external_host:
    description: The class's external host (C(address), C(port)), which every student's user-info gives; empty for
      none.
    type: dict
    default: {}
  registry:
    description: "The class's registry: C(server), C(repository) (C({student}) stands for the student's name) and
      C(pull_secret), the Secret in a student's namespace their pods pull with (empty when the cluster needs none);
      every student's entry and user-info give theirs. Empty for none."
    type: dict
    default: {}
  whole_class:
    description: Every student of the class, not only the play's.
    type: bool
    default: false
"""

EXAMPLES = r"""
- name: List the students of this run
  ansible.builtin.set_fact:
    student_roster: >-
      {{ query('kubelab.lab.roster', lab_class=lab_class, nodeport_base=30100, nodeports_per_student=10,
               own_range=[30000, 30098], class_kubeconfig=lab_admin_kubeconfig, output_dir=lab_output_dir) }}
"""

RETURN = r"""
_raw:
  description: "One entry per student, C(name), C(namespace), C(slot), C(nodeport_first), C(nodeports) (C(first),
    C(last)), C(admin_kubeconfig), C(shared), C(output_dir) (their files), C(registry) (C(server), C(repository), C(pull_secret); none when the class has
    no registry), C(solutions) and C(access) (what M(kubelab.lab.student_access) needs)."
  type: list
  elements: dict
"""

from typing import Any

from ansible.errors import AnsibleLookupError
from ansible.plugins.lookup import LookupBase
from ansible_collections.kubelab.lab.plugins.module_utils.roster import Settings, roster

PER_STUDENT = ("student_slot", "student_admin_kubeconfig", "student_email", "lab_solutions")


class LookupModule(LookupBase):  # type: ignore[misc]  # ansible ships no types
    def run(self, terms: list[Any], variables: dict[str, Any] | None = None, **kwargs: Any) -> list[dict[str, Any]]:
        self.set_options(var_options=variables, direct=kwargs)
        variables = variables or {}
        students = list(variables.get("groups", {}).get("students", []))
        play = students if self.get_option("whole_class") else list(variables.get("ansible_play_hosts", []))
        hostvars = variables.get("hostvars", {})
        per_student = {
            name: {key: hostvars[name][key] for key in PER_STUDENT if key in hostvars[name]} for name in students
        }
        low, high = (int(port) for port in self.get_option("own_range"))
        settings = Settings(
            lab_class=self.get_option("lab_class"),
            namespace_prefix=self.get_option("namespace_prefix"),
            nodeport_base=self.get_option("nodeport_base"),
            nodeports_per_student=self.get_option("nodeports_per_student"),
            own_range=(low, high),
            class_kubeconfig=self.get_option("class_kubeconfig"),
            own_kubeconfig=self.get_option("own_kubeconfig") or None,
            output_dir=self.get_option("output_dir"),
            sections=tuple(self.get_option("sections")),
            external_host=self.get_option("external_host") or None,
            registry=self.get_option("registry") or None,
        )
        try:
            return roster(play, students, per_student, settings)
        except ValueError as err:
            raise AnsibleLookupError(str(err)) from err
