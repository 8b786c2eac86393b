#!/usr/bin/python
"""Apply a class's objects to its clusters: only what changed, the writes of each wave at once."""

from __future__ import annotations

DOCUMENTATION = r"""
---
module: k8s_apply
short_description: Apply many objects to one or more clusters, writing only what an apply would change
description:
  - For each cluster, lists every kind of the given objects that carries O(label_selector), in every namespace (one
    request per kind), and writes only what C(kubernetes.core.k8s) with C(apply=true) would write - the decision and
    the request bodies are that collection's own client-side apply (a missing object is created with its
    last-applied configuration, a present one merge-patched against it), so the objects stay theirs to apply too.
  - The writes go in waves - Namespaces and cluster-wide policies, then what a namespace's Pods need (quota, limits,
    ServiceAccounts, RBAC, network policy), then the rest, then CronJobs (they fire once made) - each wave
    O(workers) at a time and namespace by namespace (writes at once into one namespace share one update of its
    quota's usage); a refusal that lasts only until a controller catches up (a quota without status yet, a
    ServiceAccount being made) is tried again for a few seconds.
  - C(kubernetes.core.k8s) reads each object twice before it writes it and writes one at a time; for a class of 30
    (about 460 objects) this module takes a half of that time.
  - The clusters are worked on at once. A re-run that changes nothing makes no write.
  - An object annotated C(kubelab.io/if-served) is left out on a cluster that does not serve its kind (RV(clusters)
    names it under C(not_served)); any other object of a kind the cluster does not serve fails the cluster.
version_added: 0.1.0
author: kubelab (!UNKNOWN)
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
        description: The objects, as given to C(kubernetes.core.k8s) in its O(kubernetes.core.k8s#module:definition).
        type: list
        elements: dict
        required: true
  label_selector:
    description: A label that every object carries, e.g. C(kubelab.io/class=sim).
    type: str
    required: true
  workers:
    description: Writes at once per cluster.
    type: int
    default: 8
notes:
  - The objects may hold Secrets; give the task C(no_log) and report RV(msg) of the registered result.
  - In check mode nothing is written and the result says what would be.
"""

EXAMPLES = r"""
- name: Apply the class's objects
  kubelab.lab.k8s_apply:
    clusters:
      - kubeconfig: output/sim/admin.kubeconfig
        objects: "{{ rendered }}"
    label_selector: kubelab.io/class=sim
  register: applied
  ignore_errors: true
  no_log: true

- name: Report what the API refused
  ansible.builtin.fail:
    msg: "{{ applied.msg }}"
  when: applied is failed
"""

RETURN = r"""
clusters:
  description: For each cluster in the given order, its kubeconfig, whether anything was written, the objects
    created and patched (C(Kind namespace/name)), C(not_served) - the objects annotated C(kubelab.io/if-served) left
    out as the cluster does not serve their kind, and C(unlisted) - the cluster's objects of the given kinds that
    carry O(label_selector) but are not among the given ones (C(apiVersion), C(kind), C(metadata.name) and
    C(metadata.namespace)), for a play to prune.
  returned: always
  type: list
  elements: dict
unchanged:
  description: How many objects the clusters held as rendered.
  returned: always
  type: int
msg:
  description: On failure, each refused object with the API's reason; never an object's content.
  returned: failure
  type: str
"""

import sys
from concurrent.futures import ThreadPoolExecutor
from functools import partial
from typing import Any

# kubernetes.core's apply module_utils tries to import the kubernetes client (0.4 s of this module's start)
# for an exception that apply_patch and annotate never raise; this process has no use for the client.
sys.modules.setdefault("kubernetes", None)  # type: ignore[arg-type]

from ansible.module_utils.basic import AnsibleModule  # noqa: E402
from ansible_collections.kubelab.lab.plugins.module_utils.kube import ApiError, KubeApi, require_yaml  # noqa: E402
from ansible_collections.kubelab.lab.plugins.module_utils.writes import (  # noqa: E402
    discovery,
    live_objects,
    plan,
    run_waves,
    send,
    servable,
    served,
    unlisted,
)


def apply_cluster(cluster: dict[str, Any], selector: str, workers: int, check_mode: bool) -> dict[str, Any]:
    outcome: dict[str, Any] = {"kubeconfig": cluster["kubeconfig"], "changed": False, "created": [], "patched": [],
                               "not_served": []}
    objects: list[dict[str, Any]] = cluster["objects"]
    try:
        api = KubeApi(cluster["kubeconfig"])
        resources = served(discovery(api, objects), {(o.get("apiVersion", ""), o.get("kind", "")) for o in objects})
        objects, outcome["not_served"] = servable(objects, resources)
        live = live_objects(api, resources, selector)
        waves = plan(objects, live, resources)
    except (ApiError, ValueError, OSError) as err:
        return {**outcome, "unlisted": [], "failures": [f"reading the class's objects: {err}"]}
    outcome["unlisted"] = unlisted(live, objects)
    writes = [write for wave in waves for write in wave]
    outcome.update(
        changed=bool(writes),
        created=[w.name for w in writes if w.method == "POST"],
        patched=[w.name for w in writes if w.method == "PATCH"],
        unchanged=len(objects) - len(writes),
    )
    outcome["failures"] = [] if check_mode else run_waves(waves, partial(send, api), workers)
    return outcome


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
            "workers": {"type": "int", "default": 8},
        },
        supports_check_mode=True,
    )
    require_yaml(module)
    params = module.params
    clusters = params["clusters"]
    # A cluster per student (ec2) is far away: they are worked on at once.
    with ThreadPoolExecutor(max_workers=max(1, min(16, len(clusters)))) as pool:
        outcomes = list(
            pool.map(
                lambda c: apply_cluster(c, params["label_selector"], params["workers"], module.check_mode), clusters
            )
        )
    failures = [f"{o['kubeconfig']}: {failure}" for o in outcomes for failure in o.pop("failures")]
    result = {
        "changed": any(o["changed"] for o in outcomes),
        "clusters": outcomes,
        "unchanged": sum(o.get("unchanged", 0) for o in outcomes),
    }
    if failures:
        module.fail_json(msg="Applying failed: " + "; ".join(failures), **result)
    module.exit_json(**result)


if __name__ == "__main__":
    main()
