#!/usr/bin/python
"""Delete cluster-scoped objects by name and label, an object already gone being success; wait until they are gone."""

from __future__ import annotations

DOCUMENTATION = r"""
---
module: k8s_delete
short_description: Delete cluster-scoped objects that carry a label, and wait until they are gone
description:
  - Lists the objects of one cluster-scoped resource that match O(label_selector) and deletes those of them named
    in O(names) (all of them when O(names) is not given), one request each; then, with O(wait), polls until they
    are gone and fails after O(wait) seconds naming those that are left.
  - An object that is already gone, or already being deleted, is success - a namespace can finish terminating
    between any read and its delete. An object named in O(names) that exists without the label is left alone and
    returned in RV(kept) (it belongs to somebody else).
  - A cluster that does not answer fails the task with a message naming its server.
  - It speaks REST itself, so a run costs a fraction of a second where M(kubernetes.core.k8s) pays the import of
    the kubernetes package first.
version_added: 0.1.0
author: kubelab (!UNKNOWN)
requirements:
  - PyYAML
extends_documentation_fragment: [kubelab.lab.kubeconfig]
options:
  api_version:
    description: C(v1) or C(<group>/<version>), e.g. C(admissionregistration.k8s.io/v1).
    type: str
    required: true
  resource:
    description: The plural name of a cluster-scoped resource, e.g. C(namespaces).
    type: str
    required: true
  names:
    description: Delete only these; all that match O(label_selector) when not given.
    type: list
    elements: str
  label_selector:
    description: What an object must carry to be deleted, e.g. C(kubelab.io/class=sim).
    type: str
    required: true
  owner_label:
    description:
      - A label whose value each object named in O(owners) must carry as well, e.g. C(kubelab.io/student); an
        object with another value (or none) is left alone and returned in RV(kept).
    type: str
  owners:
    description: "The value of O(owner_label) that each named object must carry, by name, e.g. C({alice: alice})."
    type: dict
  wait:
    description:
      - Seconds the wait until the deleted objects are gone may go on with none of them going; each time one goes
        the clock starts again, so 200 namespaces are waited for while they go. C(0) does not wait.
    type: int
    default: 0
"""

EXAMPLES = r"""
- name: Delete the namespaces of alice and bob, if they are the class's, and wait until they are gone
  kubelab.lab.k8s_delete:
    kubeconfig: output/sim/admin.kubeconfig
    api_version: v1
    resource: namespaces
    names: [alice, bob]
    label_selector: kubelab.io/class=sim
    owner_label: kubelab.io/student
    owners: {alice: alice, bob: bob}
    wait: 300

- name: Delete the class's admission policies
  kubelab.lab.k8s_delete:
    kubeconfig: output/sim/admin.kubeconfig
    api_version: admissionregistration.k8s.io/v1
    resource: validatingadmissionpolicies
    label_selector: kubelab.io/class=sim
"""

RETURN = r"""
deleted:
  description: Names of the objects this run deleted.
  returned: always
  type: list
  elements: str
  sample: [alice]
gone:
  description: Names in O(names) that were gone already, or already being deleted.
  returned: always
  type: list
  elements: str
kept:
  description: Names in O(names) that exist without the label (or O(owner_label)'s value), left alone.
  returned: always
  type: list
  elements: str
seconds:
  description: How long the deletes (and the wait) took.
  returned: always
  type: float
"""

import time
from typing import Any

from ansible.module_utils.basic import AnsibleModule
from ansible_collections.kubelab.lab.plugins.module_utils.kube import ApiError, KubeApi, api_base, require_yaml

# The object is gone, or being deleted already (a namespace that terminates answers 409).
GONE = (404, 409)


class Unreachable(Exception):
    """The cluster gave no HTTP answer."""


def listed(api: KubeApi, path: str, selector: str | None) -> dict[str, dict[str, str]]:
    """The labels of the resource's objects by name (those with the label, when a selector is given); none where
    the API lacks the resource."""
    try:
        items = api.get(path, **({"labelSelector": selector} if selector else {})).get("items", [])
    except ApiError as err:
        if err.status == 404:
            return {}  # the cluster does not serve this resource: nothing of it to delete
        raise
    except OSError as err:
        raise Unreachable(str(getattr(err, "reason", err))) from None
    return {item["metadata"]["name"]: item["metadata"].get("labels") or {} for item in items}


def delete(api: KubeApi, path: str, names: list[str]) -> tuple[list[str], list[str]]:
    """Delete each object: (those this call deleted, those gone or going already)."""
    deleted, gone = [], []
    for name in names:
        try:
            api.request("DELETE", f"{path}/{name}")
            deleted.append(name)
        except ApiError as err:
            if err.status not in GONE:
                raise
            gone.append(name)
        except OSError as err:
            raise Unreachable(str(getattr(err, "reason", err))) from None
    return deleted, gone


def choose(
    api: KubeApi, path: str, names: list[str] | None, selector: str, owner: tuple[str, dict[str, str]] | None
) -> tuple[set[str], set[str], set[str]]:
    """What to delete; which of ``names`` are gone already; which exist without the label or their owner's (kept)."""
    label, owners = owner or ("", {})
    labelled = {
        name for name, labels in listed(api, path, selector).items() if name not in owners or labels.get(label) == owners[name]
    }
    if names is None:
        return labelled, set(), set()
    others = set(listed(api, path, None)) if set(names) - labelled else labelled
    return labelled & set(names), set(names) - others, (set(names) & others) - labelled


def left_after(api: KubeApi, path: str, selector: str, names: set[str], seconds: int) -> set[str]:
    """Which of ``names`` are still there once ``seconds`` passed with none gone; none asked about when not waiting."""
    if seconds <= 0:
        return set()
    deadline = time.monotonic() + seconds
    while names:
        still = names & set(listed(api, path, selector))
        if still != names:
            deadline = time.monotonic() + seconds
        names = still
        if not names or time.monotonic() > deadline:
            break
        time.sleep(0.5)
    return names


def main() -> None:
    module = AnsibleModule(
        argument_spec={
            "kubeconfig": {"type": "path", "required": True},
            "api_version": {"type": "str", "required": True},
            "resource": {"type": "str", "required": True},
            "names": {"type": "list", "elements": "str"},
            "label_selector": {"type": "str", "required": True},
            "owner_label": {"type": "str"},
            "owners": {"type": "dict"},
            "wait": {"type": "int", "default": 0},
        },
        required_together=[("owner_label", "owners")],
        supports_check_mode=True,
    )
    require_yaml(module)
    params = module.params
    path = f"{api_base(params['api_version'])}/{params['resource']}"
    selector, start = params["label_selector"], time.monotonic()
    result: dict[str, Any] = {"deleted": [], "gone": [], "kept": []}
    try:
        api = KubeApi(params["kubeconfig"])
    except (ValueError, OSError) as err:
        module.fail_json(msg=f"{params['kubeconfig']}: {err}", **result)
    try:
        owner = (params["owner_label"], params["owners"]) if params["owners"] is not None else None
        wanted, gone, kept = choose(api, path, params["names"], selector, owner)
        deleted, going = (sorted(wanted), []) if module.check_mode else delete(api, path, sorted(wanted))
        result.update(deleted=deleted, gone=sorted(gone | set(going)), kept=sorted(kept))
        left = set() if module.check_mode else left_after(api, path, selector, set(deleted), params["wait"])
    except Unreachable as err:
        module.fail_json(msg=f"the cluster {api.server} ({params['kubeconfig']}) does not answer: {err}", **result)
    except ApiError as err:
        module.fail_json(msg=f"deleting {params['resource']} on {api.server}: {err}", **result)
    result["seconds"] = round(time.monotonic() - start, 2)
    if left:
        shown = ", ".join(sorted(left)[:10]) + (f" and {len(left) - 10} more" if len(left) > 10 else "")
        stalled = f"still there after {params['wait']} s with none gone ({result['seconds']:.0f} s in all)"
        module.fail_json(msg=f"{params['resource']} on {api.server} {stalled}: {shown}", **result)
    module.exit_json(changed=bool(deleted), **result)


if __name__ == "__main__":
    main()
