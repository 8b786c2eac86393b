#!/usr/bin/python
"""List the namespace/name of the objects of one resource across a cluster."""

from __future__ import annotations

DOCUMENTATION = r"""
---
module: k8s_names
short_description: Names of the objects of one resource in every namespace, by label and field selector
description:
  - A fast, read-only listing for decisions a play makes before it renders objects (which students already
    have a Deployment, say). It speaks REST itself, so a run costs a fraction of a second where
    M(kubernetes.core.k8s_info) pays the import of the kubernetes package first.
version_added: 0.1.0
author: kubelab (!UNKNOWN)
requirements:
  - PyYAML
extends_documentation_fragment: [kubelab.lab.kubeconfig]
options:
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
  kubelab.lab.k8s_names:
    kubeconfig: output/sim/admin.kubeconfig
    api_version: apps/v1
    resource: deployments
    field_selector: metadata.name=emailservice-deployment-demo
  register: found
"""

RETURN = r"""
names:
  description: C(<namespace>/<name>) of every object found (just C(<name>) for cluster-scoped ones).
  returned: always
  type: list
  elements: str
  sample: [alice/emailservice-deployment-demo]
"""

from ansible.module_utils.basic import AnsibleModule
from ansible_collections.kubelab.lab.plugins.module_utils.kube import ApiError, KubeApi, require_yaml


def main() -> None:
    module = AnsibleModule(
        argument_spec={
            "kubeconfig": {"type": "path", "required": True},
            "api_version": {"type": "str", "required": True},
            "resource": {"type": "str", "required": True},
            "label_selector": {"type": "str", "default": ""},
            "field_selector": {"type": "str", "default": ""},
        },
        supports_check_mode=True,
    )
    require_yaml(module)
    params = module.params
    prefix = "/api" if params["api_version"] == "v1" else "/apis"
    query = {
        key: value
        for key, value in (("labelSelector", params["label_selector"]), ("fieldSelector", params["field_selector"]))
        if value
    }
    try:
        listing = KubeApi(params["kubeconfig"]).get(f"{prefix}/{params['api_version']}/{params['resource']}", **query)
    except (ApiError, ValueError, OSError) as err:
        module.fail_json(msg=f"listing {params['resource']}: {err}")
    names = sorted(
        "/".join(part for part in (item["metadata"].get("namespace"), item["metadata"]["name"]) if part)
        for item in listing.get("items", [])
    )
    module.exit_json(changed=False, names=names)


if __name__ == "__main__":
    main()
