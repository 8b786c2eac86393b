"""The roles, of those named, that declare an entry point in their meta/argument_specs.yml."""

from __future__ import annotations

DOCUMENTATION = r"""
---
name: entry_points
short_description: The roles, of those named, that declare an entry point
version_added: 0.1.0
author: kubelab (!UNKNOWN)
description:
  - For each role named, finds it on the roles path (the configured C(roles_path), then C(roles/) beside the
    playbook) and keeps it when its C(meta/argument_specs.yml) declares entry point O(entry_point). Every entry point
    a play includes is declared there, so a play can include one in every role that has it.
  - A role that is on no roles path is an error naming the paths searched.
options:
  _terms:
    description: Role names.
    type: list
    elements: str
    required: true
  entry_point:
    description: The entry point, e.g. C(preflight) for C(tasks/preflight.yml).
    type: str
    required: true
"""

EXAMPLES = r"""
- name: Run the preflight of every workload that has one
  ansible.builtin.include_role:
    name: "{{ item }}"
    tasks_from: preflight
  loop: "{{ query('kubelab.lab.entry_points', *lab_workloads, entry_point='preflight') }}"
"""

RETURN = r"""
_raw:
  description: The roles that declare the entry point, in the order named.
  type: list
  elements: str
"""

import os
from typing import Any

from ansible.errors import AnsibleLookupError
from ansible.plugins.lookup import LookupBase
from ansible_collections.kubelab.lab.plugins.plugin_utils.roles import role_yaml


class LookupModule(LookupBase):  # type: ignore[misc]  # ansible ships no types
    def run(self, terms: list[str], variables: dict[str, Any] | None = None, **kwargs: Any) -> list[str]:
        wanted = kwargs.get("entry_point")
        if not wanted:
            raise AnsibleLookupError("entry_points needs entry_point, e.g. entry_point='preflight'")
        found = []
        for name in terms:
            try:
                specs = role_yaml(name, os.path.join("meta", "argument_specs.yml"), variables) or {}
            except ValueError as err:
                raise AnsibleLookupError(str(err)) from err
            if wanted in (specs.get("argument_specs") or {}):
                found.append(name)
        return found
