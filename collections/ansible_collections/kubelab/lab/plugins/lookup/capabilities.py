"""What a provider's clusters are, as the provider declares it in its roles/<provider>/vars/capabilities.yml."""

from __future__ import annotations

DOCUMENTATION = r"""
---
name: capabilities
short_description: What the clusters of a provider are, as the provider declares it
version_added: 0.1.0
author: kubelab (!UNKNOWN)
description:
  - Reads C(<provider>_capabilities) from C(vars/capabilities.yml) of the provider's role (found on the roles path)
    and checks it, so that nothing outside a provider needs to know providers by name. Each capability is a boolean
    and all must be declared (see RETURN).
options:
  _terms:
    description: The provider, one name.
    type: list
    elements: str
    required: true
"""

EXAMPLES = r"""
- name: Each student gets a cluster of their own where the provider says so
  ansible.builtin.debug:
    msg: "{{ lookup('kubelab.lab.capabilities', lab_provider).cluster_per_student }}"
"""

RETURN = r"""
_raw:
  description:
    - C(cluster_per_student), each student has a cluster of their own (the provider writes its admin kubeconfig
      beside the student's files).
    - C(cluster_goes_with_class), the class's clusters are its own and go when it is torn down, so teardown need
      not empty them first, nor reach them.
    - C(cluster_shared_with_others), the cluster is not the class's, others may hold namespaces and NodePorts on
      it, so both are checked before anything is made.
  type: list
  elements: dict
"""

import os
from collections.abc import Mapping
from typing import Any

from ansible.errors import AnsibleLookupError
from ansible.plugins.lookup import LookupBase
from ansible_collections.kubelab.lab.plugins.plugin_utils.roles import role_yaml

CAPABILITIES = ("cluster_per_student", "cluster_goes_with_class", "cluster_shared_with_others")


def checked(provider: str, declared: Mapping[str, Any] | None) -> dict[str, bool]:
    """The provider's declaration, refused unless it declares every capability, each a boolean, and no other."""
    found = dict(declared or {})
    missing = [name for name in CAPABILITIES if name not in found]
    unknown = sorted(set(found) - set(CAPABILITIES))
    wrong = [name for name in CAPABILITIES if name in found and not isinstance(found[name], bool)]
    if missing or unknown or wrong:
        problems = [f"{label}: {', '.join(names)}" for label, names in
                    (("missing", missing), ("unknown", unknown), ("not true or false", wrong)) if names]
        raise ValueError(f"provider {provider} declares its capabilities wrongly ({'; '.join(problems)})")
    return {name: found[name] for name in CAPABILITIES}


class LookupModule(LookupBase):  # type: ignore[misc]  # ansible ships no types
    def run(self, terms: list[str], variables: dict[str, Any] | None = None, **kwargs: Any) -> list[dict[str, bool]]:
        found = []
        for provider in terms:
            try:
                document = role_yaml(provider, os.path.join("vars", "capabilities.yml"), variables)
                if document is None:
                    raise ValueError(f"provider {provider} has no roles/{provider}/vars/capabilities.yml")
                found.append(checked(provider, document.get(f"{provider}_capabilities")))
            except ValueError as err:
                raise AnsibleLookupError(str(err)) from err
        return found
