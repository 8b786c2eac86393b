"""The options that roles declare in their meta/argument_specs.yml, found on the roles path."""

from __future__ import annotations

DOCUMENTATION = r"""
---
name: role_options
short_description: The options that roles declare in their argument specs
version_added: 0.1.0
author: kubelab (!UNKNOWN)
description:
  - For each role named, finds it on the roles path (the configured C(roles_path), then C(roles/) beside the
    playbook) and returns the names of the options that any of its entry points declares in
    C(meta/argument_specs.yml), each once.
  - A role that is on no roles path is an error naming the paths searched; a role without argument specs declares
    nothing.
options:
  _terms:
    description: Role names.
    type: list
    elements: str
    required: true
"""

EXAMPLES = r"""
- name: Find every option the roles declare
  ansible.builtin.set_fact:
    known: "{{ query('kubelab.lab.role_options', 'student', 'deploy') }}"
"""

RETURN = r"""
_raw:
  description: The declared option names, sorted.
  type: list
  elements: str
"""

import os
from collections.abc import Mapping
from typing import Any

from ansible.errors import AnsibleLookupError
from ansible.plugins.lookup import LookupBase
from ansible_collections.kubelab.lab.plugins.plugin_utils.roles import role_yaml


def declared(specs: Mapping[str, Any] | None) -> set[str]:
    """The option names of every entry point of one argument_specs.yml document."""
    entry_points = (specs or {}).get("argument_specs") or {}
    return {name for entry in entry_points.values() for name in ((entry or {}).get("options") or {})}


class LookupModule(LookupBase):  # type: ignore[misc]  # ansible ships no types
    def run(self, terms: list[str], variables: dict[str, Any] | None = None, **kwargs: Any) -> list[str]:
        options: set[str] = set()
        for name in terms:
            try:
                options |= declared(role_yaml(name, os.path.join("meta", "argument_specs.yml"), variables))
            except ValueError as err:
                raise AnsibleLookupError(str(err)) from err
        return sorted(options)
