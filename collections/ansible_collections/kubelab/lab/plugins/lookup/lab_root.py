"""The kubelab checkout this collection is part of: the one root of the repository for every play."""

from __future__ import annotations

DOCUMENTATION = r"""
---
name: lab_root
short_description: The folder of the kubelab checkout that holds this collection
version_added: 0.1.0
author: kubelab (!UNKNOWN)
description:
  - The repository's root, found from where this collection lives in it (C(collections/ansible_collections/kubelab/lab)),
    so it is the same for a play beside C(site.yml), one under C(playbooks/) and one of a molecule scenario, whatever
    the current folder and whichever C(ansible.cfg) is in use.
options: {}
"""

EXAMPLES = r"""
- name: Where the class's output goes unless the inventory says otherwise
  ansible.builtin.debug:
    msg: "{{ lookup('kubelab.lab.lab_root') }}/output"
"""

RETURN = r"""
_raw:
  description: The checkout's root folder, an absolute path.
  type: list
  elements: str
"""

from pathlib import Path
from typing import Any

from ansible.errors import AnsibleLookupError
from ansible.plugins.lookup import LookupBase

# This file is <root>/collections/ansible_collections/kubelab/lab/plugins/lookup/lab_root.py.
COLLECTION_IN_ROOT = ("collections", "ansible_collections", "kubelab", "lab", "plugins", "lookup")


def checkout_root(plugin_file: str) -> Path:
    """The checkout that holds the plugin at ``plugin_file``; a collection installed elsewhere is an error."""
    folder = Path(plugin_file).resolve().parent
    inside = folder.parts[-len(COLLECTION_IN_ROOT):] == COLLECTION_IN_ROOT
    root = folder.parents[len(COLLECTION_IN_ROOT) - 1] if inside else folder
    if not inside or not (root / "site.yml").is_file():
        raise ValueError(f"kubelab.lab at {folder.parent.parent} is not the collection of a kubelab checkout "
                         "(collections/ansible_collections/kubelab/lab beside site.yml)")
    return root


class LookupModule(LookupBase):  # type: ignore[misc]  # ansible ships no types
    def run(self, terms: list[Any], variables: dict[str, Any] | None = None, **kwargs: Any) -> list[str]:
        try:
            return [str(checkout_root(__file__))]
        except ValueError as err:
            raise AnsibleLookupError(str(err)) from err
