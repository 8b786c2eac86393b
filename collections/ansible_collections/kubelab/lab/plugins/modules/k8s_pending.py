#!/usr/bin/python
"""Which rendered objects an apply would change: one list request per kind and cluster, not a get per object."""

from __future__ import annotations

DOCUMENTATION = r"""
---
module: k8s_pending
short_description: Keep only the objects that an apply of kubernetes.core.k8s would change
description:
  - For each cluster, lists every kind of the given objects that carries O(label_selector), in every namespace, and
    keeps the objects that are missing or that C(kubernetes.core.k8s) with C(apply=true) would patch; the decision is
    that module's own (its client-side apply against the object's last-applied configuration).
  - An apply of a whole class then goes only to what it would change - a re-run that changes nothing sends no object at
    all, a student added to a class of 30 sends only theirs - where C(kubernetes.core.k8s) reads each object back three
    times before it finds there is nothing to do.
  - Objects of a kind the cluster does not serve are kept, so the apply reports them.
version_added: 0.1.0
author: kubelab (!UNKNOWN)
requirements:
  - PyYAML
options:
  clusters:
    description: The objects to apply to each cluster.
    type: list
    elements: dict
    required: true
    suboptions:
      kubeconfig:
        description: Admin kubeconfig of the cluster.
        type: path
        required: true
      objects:
        description: The objects, as given to C(kubernetes.core.k8s) in O(clusters[].objects).
        type: list
        elements: dict
        required: true
  label_selector:
    description: A label that every object carries, e.g. C(kubelab.io/class=sim); an object without it is always kept.
    type: str
    required: true
"""

EXAMPLES = r"""
- name: Keep what an apply would change
  kubelab.lab.k8s_pending:
    clusters:
      - kubeconfig: output/sim/admin.kubeconfig
        objects: "{{ rendered }}"
    label_selector: kubelab.io/class=sim
  register: pending
  no_log: true
"""

RETURN = r"""
clusters:
  description: For each cluster in the given order, its kubeconfig and the objects to apply, in their given order.
  returned: always
  type: list
  elements: dict
unchanged:
  description: How many objects the clusters hold as rendered.
  returned: always
  type: int
"""

from concurrent.futures import ThreadPoolExecutor
from typing import Any

from ansible.module_utils.basic import AnsibleModule
from ansible_collections.kubelab.lab.plugins.module_utils.kube import ApiError, KubeApi, require_yaml
from ansible_collections.kubernetes.core.plugins.module_utils.apply import apply_patch

Key = tuple[str, str, str, str]


def key(obj: dict[str, Any]) -> Key:
    meta = obj.get("metadata", {})
    return obj.get("apiVersion", ""), obj.get("kind", ""), meta.get("namespace", ""), meta.get("name", "")


def collection_paths(api: KubeApi, kinds: set[tuple[str, str]]) -> dict[tuple[str, str], str]:
    """The list path of each (apiVersion, kind) the cluster serves, from its discovery documents."""
    paths: dict[tuple[str, str], str] = {}
    for group_version in {gv for gv, _kind in kinds}:
        base = "/api/v1" if group_version == "v1" else f"/apis/{group_version}"
        try:
            served = api.get(base).get("resources", [])
        except ApiError as err:
            if err.status == 404:
                continue
            raise
        for resource in served:
            if "/" not in resource["name"] and (group_version, resource["kind"]) in kinds:
                paths[(group_version, resource["kind"])] = f"{base}/{resource['name']}"
    return paths


def live_objects(api: KubeApi, objects: list[dict[str, Any]], selector: str) -> dict[Key, dict[str, Any]]:
    """The cluster's objects of the given ones' kinds that carry the label, as a get of each would return them."""
    live: dict[Key, dict[str, Any]] = {}
    for (group_version, kind), path in collection_paths(api, {key(o)[:2] for o in objects}).items():
        for item in api.get(path, labelSelector=selector).get("items", []):
            # A list's items lack the type that a get of one object carries.
            item.update(apiVersion=group_version, kind=kind)
            live[key(item)] = item
    return live


def merge_patched(target: Any, patch: Any) -> Any:
    """``target`` with a JSON merge patch (RFC 7386) applied, as the API server applies it."""
    if not isinstance(patch, dict):
        return patch
    result = dict(target) if isinstance(target, dict) else {}
    for name, value in patch.items():
        if value is None:
            result.pop(name, None)
        else:
            result[name] = merge_patched(result.get(name), value)
    return result


def pending(objects: list[dict[str, Any]], live: dict[Key, dict[str, Any]]) -> list[dict[str, Any]]:
    """The objects that are missing or that kubernetes.core's apply would change.

    Its patch may restate what the object already holds (a list it merges is sent whole): such an object is left out.
    """
    kept = []
    for desired in objects:
        actual = live.get(key(desired))
        if actual is None:
            kept.append(desired)
            continue
        # apply_patch hands back the live object itself when there is nothing to patch: it merges to itself.
        if merge_patched(actual, apply_patch(actual, desired)[1]) != actual:
            kept.append(desired)
    return kept


def cluster_pending(cluster: dict[str, Any], selector: str) -> dict[str, Any]:
    try:
        api = KubeApi(cluster["kubeconfig"])
        kept = pending(cluster["objects"], live_objects(api, cluster["objects"], selector))
    except (ApiError, ValueError, OSError) as err:
        return {"kubeconfig": cluster["kubeconfig"], "error": f"reading the class's objects: {err}"}
    return {"kubeconfig": cluster["kubeconfig"], "objects": kept}


def main() -> None:
    module = AnsibleModule(
        argument_spec={
            "clusters": {
                "type": "list",
                "elements": "dict",
                "required": True,
                "options": {
                    "kubeconfig": {"type": "path", "required": True},
                    "objects": {"type": "list", "elements": "dict", "required": True},
                },
            },
            "label_selector": {"type": "str", "required": True},
        },
        supports_check_mode=True,
    )
    require_yaml(module)
    clusters = module.params["clusters"]
    # A cluster per student (ec2) is far away: they are read at once.
    with ThreadPoolExecutor(max_workers=max(1, min(16, len(clusters)))) as pool:
        result = list(pool.map(lambda c: cluster_pending(c, module.params["label_selector"]), clusters))
    failed = [f"{r['kubeconfig']}: {r['error']}" for r in result if "error" in r]
    if failed:
        module.fail_json(msg="; ".join(failed))
    unchanged = sum(len(c["objects"]) for c in clusters) - sum(len(r["objects"]) for r in result)
    module.exit_json(changed=False, clusters=result, unchanged=unchanged)


if __name__ == "__main__":
    main()
