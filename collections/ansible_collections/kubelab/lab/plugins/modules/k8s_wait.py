#!/usr/bin/python
"""Wait until every Node, Deployment, StatefulSet, Job and Pod with a label is ready, in one run."""

from __future__ import annotations

DOCUMENTATION = r"""
---
module: k8s_wait
short_description: Wait, once for a whole class, until its workloads are ready
description:
  - Lists the objects of the given kinds that carry O(label_selector), in every namespace, and polls until each
    is ready - a Node Ready, a Deployment rolled out (updated, available, no old replicas), a StatefulSet rolled out, a Job
    complete, a Pod Ready (or Succeeded) - or O(timeout) passes with no more of them ready; then fails naming what is not ready and why
    (an ImagePullBackOff, a progress deadline).
  - One list request per kind and poll, whatever the number of students, and no import of the kubernetes
    package; it speaks REST itself.
version_added: 0.1.0
author: kubelab (!UNKNOWN)
requirements:
  - PyYAML
extends_documentation_fragment: [kubelab.lab.kubeconfig]
options:
  label_selector:
    description: Which objects, e.g. C(kubelab.io/class=sim).
    type: str
    required: true
  kinds:
    description: Kinds to wait for.
    type: list
    elements: str
    choices: [Node, Deployment, StatefulSet, Job, Pod]
    default: [Deployment, Pod]
  until:
    description:
      - C(ready) waits for what the description says; C(observed) only until each object's controller has seen its
        latest spec (C(status.observedGeneration)) - for a new Deployment, until its first revision is recorded, so
        that a change applied next is a rollout of its own.
    type: str
    choices: [ready, observed]
    default: ready
  timeout:
    description:
      - Seconds the wait may go on without progress; each time more objects are ready the clock starts again, so
        a class of 200 is waited for as long as it makes headway and a stalled one (a typo'd tag) fails as soon
        as a class of 3.
    type: int
    default: 180
"""

EXAMPLES = r"""
- name: Wait for the class's workloads
  kubelab.lab.k8s_wait:
    kubeconfig: output/sim/admin.kubeconfig
    label_selector: kubelab.io/class=sim
"""

RETURN = r"""
ready:
  description: How many objects of each kind are ready.
  returned: always
  type: dict
  sample: {Deployment: 60, Pod: 30}
seconds:
  description: How long the wait took.
  returned: always
  type: float
"""

import time
from ansible.module_utils.basic import AnsibleModule
from ansible_collections.kubelab.lab.plugins.module_utils.kube import ApiError, KubeApi, require_yaml
from ansible_collections.kubelab.lab.plugins.module_utils.readiness import PROBLEMS, Problem, observed_problem

PATHS = {
    "Node": "/api/v1/nodes",
    "Deployment": "/apis/apps/v1/deployments",
    "StatefulSet": "/apis/apps/v1/statefulsets",
    "Job": "/apis/batch/v1/jobs",
    "Pod": "/api/v1/pods",
}


def unready(api: KubeApi, kinds: list[str], selector: str, until: str) -> tuple[dict[str, int], list[str]]:
    ready: dict[str, int] = {}
    waiting: list[str] = []
    for kind in kinds:
        ready[kind] = 0
        verdict: Problem = observed_problem if until == "observed" else PROBLEMS[kind]
        for obj in api.get(PATHS[kind], labelSelector=selector).get("items", []):
            meta = obj["metadata"]
            problem = verdict(obj)
            if problem is None:
                ready[kind] += 1
            else:
                waiting.append(f"{kind} {meta.get('namespace')}/{meta['name']}: {problem}")
    return ready, waiting


def main() -> None:
    module = AnsibleModule(
        argument_spec={
            "kubeconfig": {"type": "path", "required": True},
            "label_selector": {"type": "str", "required": True},
            "kinds": {"type": "list", "elements": "str", "default": ["Deployment", "Pod"], "choices": list(PATHS)},
            "until": {"type": "str", "default": "ready", "choices": ["ready", "observed"]},
            "timeout": {"type": "int", "default": 180},
        },
        supports_check_mode=True,
    )
    require_yaml(module)
    params = module.params
    start = time.monotonic()
    progress, most = start, -1
    try:
        api = KubeApi(params["kubeconfig"])
        while True:
            ready, waiting = unready(api, params["kinds"], params["label_selector"], params["until"])
            now = time.monotonic()
            if sum(ready.values()) > most:
                progress, most = now, sum(ready.values())
            elapsed = now - start
            if not waiting or now - progress > params["timeout"]:
                break
            time.sleep(0.5)
    except (ApiError, ValueError, OSError) as err:
        module.fail_json(msg=f"waiting: {err}")
    if waiting:
        shown = "; ".join(waiting[:10]) + (f"; and {len(waiting) - 10} more" if len(waiting) > 10 else "")
        stalled = f"not ready after {params['timeout']} s without progress ({elapsed:.0f} s in all)"
        module.fail_json(msg=f"{stalled}: {shown}", ready=ready, seconds=elapsed)
    module.exit_json(changed=False, ready=ready, seconds=round(elapsed, 2))


if __name__ == "__main__":
    main()
