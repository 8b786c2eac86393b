"""Names of the objects of one resource in every namespace of some clusters, by label and field selector."""

from __future__ import annotations

DOCUMENTATION = r"""
---
name: k8s_names
short_description: Names of the objects of one resource in every namespace, by label and field selector
version_added: 0.1.0
author: kubelab (!UNKNOWN)
description:
  - A fast, read-only listing for decisions a play makes before it renders objects (which students already have a
    Deployment, say). It runs on the controller and speaks REST itself, where a module would pay its start (about
    0.5 s) and M(kubernetes.core.k8s_info) the import of the kubernetes package besides.
requirements:
  - PyYAML
options:
  _terms:
    description: Admin kubeconfigs, one per cluster to list.
    type: list
    elements: path
    required: true
  api_version:
    description: C(v1) or C(<group>/<version>), e.g. C(apps/v1).
    type: str
    required: true
  resource:
    description: The plural resource name, e.g. C(deployments).
    type: str
    required: true
  label_selector:
    description: A label selector, e.g. C(kubelab.io/class=sim).
    type: str
    default: ""
  field_selector:
    description: A field selector, e.g. C(metadata.name=emailservice-deployment-demo).
    type: str
    default: ""
"""

EXAMPLES = r"""
- name: Which namespaces have the tutorial's Deployment
  ansible.builtin.debug:
    msg: >-
      {{ query('kubelab.lab.k8s_names', 'output/sim/admin.kubeconfig', api_version='apps/v1',
               resource='deployments', field_selector='metadata.name=emailservice-deployment-demo') | first }}
"""

RETURN = r"""
_raw:
  description: For each kubeconfig, in their order, the sorted C(<namespace>/<name>) of every object found there (just
    C(<name>) for cluster-scoped ones). Use C(query), which keeps one list per cluster.
  type: list
  elements: list
  sample: [[alice/emailservice-deployment-demo, bob/emailservice-deployment-demo]]
"""

from typing import Any

from ansible.errors import AnsibleLookupError
from ansible.plugins.lookup import LookupBase
from ansible_collections.kubelab.lab.plugins.module_utils.kube import ApiError, KubeApi, api_base


def names_of(listing: dict[str, Any]) -> list[str]:
    """``namespace/name`` (or ``name``) of every item of a list response."""
    return [
        "/".join(part for part in (item["metadata"].get("namespace"), item["metadata"]["name"]) if part)
        for item in listing.get("items", [])
    ]


class LookupModule(LookupBase):  # type: ignore[misc]  # ansible ships no types
    def run(self, terms: list[str], variables: dict[str, Any] | None = None, **kwargs: Any) -> list[list[str]]:
        try:
            path = f"{api_base(kwargs['api_version'])}/{kwargs['resource']}"
        except KeyError as err:
            raise AnsibleLookupError(f"kubelab.lab.k8s_names needs {err.args[0]}") from None
        query = {
            key: kwargs[option]
            for key, option in (("labelSelector", "label_selector"), ("fieldSelector", "field_selector"))
            if kwargs.get(option)
        }
        found = []
        for kubeconfig in terms:
            try:
                found.append(sorted(names_of(KubeApi(kubeconfig).get(path, **query))))
            except (ApiError, ValueError, OSError) as err:
                raise AnsibleLookupError(f"listing {kwargs['resource']} with {kubeconfig}: {err}") from err
        return found
