"""Health of each component of a sim cluster, probed from the controller, where the cluster runs."""

from __future__ import annotations

DOCUMENTATION = r"""
---
name: sim_health
short_description: Which components of a sim cluster are healthy, and why the others are not
version_added: 0.1.0
author: kubelab (!UNKNOWN)
extends_documentation_fragment: [kubelab.lab.sim_health]
description:
  - The probe of M(kubelab.lab.sim_health) without its wait, for the plays that only read a cluster's state. A sim
    cluster runs on the controller, so a lookup sees its processes and loopback ports, without the start of a
    module (about 0.5 s of a re-run that otherwise finds little to do).
options:
  _terms:
    description: The cluster's folder in kwokctl's work dir, C(<workdir>/clusters/<name>) (holds C(bin/) and C(pki/)).
    type: list
    elements: path
    required: true
"""

EXAMPLES = r"""
- name: Probe the components of the class's sim cluster
  ansible.builtin.set_fact:
    health: "{{ lookup('kubelab.lab.sim_health', 'output/sim/.sim/kwok/clusters/kubelab-sim', ports=health_ports) }}"
"""

RETURN = r"""
_raw:
  description:
    - For each folder, C(components) (each component's health, the reason when unhealthy, the pids of its processes)
      and C(unhealthy) (the unhealthy components, in the order kwokctl starts them), as M(kubelab.lab.sim_health)
      returns them.
  type: list
  elements: dict
"""

from pathlib import Path
from typing import Any

from ansible.errors import AnsibleLookupError
from ansible.plugins.lookup import LookupBase
from ansible_collections.kubelab.lab.plugins.module_utils.sim_probe import probe


class LookupModule(LookupBase):  # type: ignore[misc]  # ansible ships no types
    def run(self, terms: list[str], variables: dict[str, Any] | None = None, **kwargs: Any) -> list[dict[str, Any]]:
        try:
            return [probe(Path(folder), kwargs["ports"], float(kwargs.get("timeout", 5))) for folder in terms]
        except KeyError:
            raise AnsibleLookupError("kubelab.lab.sim_health needs ports") from None
        except ValueError as err:
            raise AnsibleLookupError(f"kubelab.lab.sim_health: {err}") from err
