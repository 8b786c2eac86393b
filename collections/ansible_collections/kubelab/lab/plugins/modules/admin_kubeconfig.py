#!/usr/bin/python
"""Check that a kubeconfig reaches its cluster with the rights kubelab needs; write it self-contained."""

from __future__ import annotations

DOCUMENTATION = r"""
---
module: admin_kubeconfig
short_description: Check an admin kubeconfig (reachable, allowed what kubelab does) and write a self-contained copy
description:
  - Reads one context of a kubeconfig (client certificates, a token or an exec credential plugin, as EKS and
    GKE use), asks the API server for its version, then asks with C(SelfSubjectAccessReview) whether its user
    may do each of O(rights) in every namespace. Fails, naming the kubeconfig, the context and every missing
    right, before anything is changed.
  - With O(dest), writes that one context as a kubeconfig of its own (certificate files embedded), mode 0600;
    changed only when the content differs. Supports check mode.
version_added: 0.1.0
author: kubelab (!UNKNOWN)
requirements:
  - PyYAML
options:
  kubeconfig:
    description: The kubeconfig to check.
    type: path
    required: true
  context:
    description: The context to use; the kubeconfig's current context when empty.
    type: str
    default: ""
  rights:
    description:
      - What the user must be allowed, each as C(<verb> <resource>[/<subresource>][.<group>]) as
        C(kubectl auth can-i) writes it, e.g. C(create rolebindings.rbac.authorization.k8s.io).
    type: list
    elements: str
    default: []
  dest:
    description: Where to write the self-contained kubeconfig (its folder is made, 0700); nothing is written when empty.
    type: path
    default: ""
"""

EXAMPLES = r"""
- name: Check the university cluster and keep its admin kubeconfig for the class
  kubelab.lab.admin_kubeconfig:
    kubeconfig: ~/.kube/config
    context: university-admin
    rights: [create namespaces, create rolebindings.rbac.authorization.k8s.io]
    dest: output/fall/admin.kubeconfig
"""

RETURN = r"""
server:
  description: The API server's URL.
  returned: always
  type: str
  sample: https://k8s.example.edu:6443
version:
  description: The API server's version.
  returned: always
  type: str
  sample: v1.37.2
"""

import os
import tempfile
from pathlib import Path
from typing import Any

from ansible.module_utils.basic import AnsibleModule
from ansible_collections.kubelab.lab.plugins.module_utils.kube import ApiError, KubeApi, dump_yaml, require_yaml

REVIEWS = "/apis/authorization.k8s.io/v1/selfsubjectaccessreviews"


def attributes(right: str) -> dict[str, str]:
    """``create rolebindings.rbac.authorization.k8s.io`` as a SelfSubjectAccessReview's resourceAttributes."""
    verb, target = right.partition(" ")[::2]
    resource, group = target.strip().partition(".")[::2]
    resource, subresource = resource.partition("/")[::2]
    return {"verb": verb, "resource": resource, "subresource": subresource, "group": group}


def allowed(api: KubeApi, right: str) -> bool:
    review = {
        "apiVersion": "authorization.k8s.io/v1",
        "kind": "SelfSubjectAccessReview",
        "spec": {"resourceAttributes": attributes(right)},
    }
    return bool(api.post(REVIEWS, review).get("status", {}).get("allowed"))


def write_private(dest: Path, content: str) -> None:
    """Write ``content`` to ``dest``, mode 0600 from the start, replacing it at once."""
    dest.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    with tempfile.NamedTemporaryFile("w", dir=dest.parent, delete=False) as tmp:
        os.chmod(tmp.name, 0o600)
        tmp.write(content)
    os.replace(tmp.name, dest)


def main() -> None:
    module = AnsibleModule(
        argument_spec={
            "kubeconfig": {"type": "path", "required": True},
            "context": {"type": "str", "default": ""},
            "rights": {"type": "list", "elements": "str", "default": []},
            "dest": {"type": "path", "default": ""},
        },
        supports_check_mode=True,
    )
    require_yaml(module)
    params: dict[str, Any] = module.params
    source = f"{params['kubeconfig']} (context {params['context'] or 'current'})"
    try:
        api = KubeApi(params["kubeconfig"], params["context"] or None)
        version = str(api.get("/version").get("gitVersion", ""))
        denied = [right for right in params["rights"] if not allowed(api, right)]
    except ApiError as err:
        hint = " (the credentials are refused)" if err.status in (401, 403) else ""
        module.fail_json(msg=f"{source}: the API server answered {err}{hint}")
    except (OSError, ValueError, KeyError, TypeError) as err:
        module.fail_json(msg=f"{source}: cannot reach the cluster: {err}")
    if denied:
        module.fail_json(
            msg=f"{source}: its user may not {'; '.join(denied)}. kubelab needs these rights in every namespace "
            "to give students their namespaces; use an admin identity of the cluster.",
            denied=denied,
        )
    changed = False
    if params["dest"]:
        content = dump_yaml(api.config)
        dest = Path(params["dest"])
        changed = not (dest.is_file() and dest.read_text() == content)
        if changed and not module.check_mode:
            write_private(dest, content)
    module.exit_json(changed=changed, server=api.server, version=version)


if __name__ == "__main__":
    main()
