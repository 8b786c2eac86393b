#!/usr/bin/python
"""Health of each component of a sim cluster, by its processes and its health endpoint; optionally wait for it."""

from __future__ import annotations

DOCUMENTATION = r"""
---
module: sim_health
short_description: Which components of a sim cluster are healthy, and why the others are not
description:
  - Looks at the processes of a sim cluster (those started from its C(bin/) folder, as kwokctl's binary runtime
    runs them) and asks each component's health endpoint on loopback, all at once - etcd's C(/health) and the
    kube-apiserver's C(/readyz) with the cluster's admin certificate, the controller-manager's and the scheduler's
    C(/healthz) on their secure ports, the kwok controller's C(/healthz).
  - A component is healthy when exactly one live process of the cluster runs it and its endpoint says so. A
    process that is stopped (SIGSTOP), a zombie, an apiserver stuck in its shutdown, an endpoint that refuses,
    fails a check or does not answer within O(timeout) seconds all count as unhealthy, each with its reason.
  - With O(wait), polls until every component is healthy and fails after O(wait) seconds naming those that are
    not and why.
  - Read-only; a run on a healthy cluster takes a few milliseconds beyond the module's start.
version_added: 0.1.0
author: kubelab (!UNKNOWN)
extends_documentation_fragment: [kubelab.lab.sim_health]
options:
  cluster_dir:
    description: The cluster's folder in kwokctl's work dir, C(<workdir>/clusters/<name>) (holds C(bin/) and C(pki/)).
    type: path
    required: true
  wait:
    description: Seconds to wait until every component is healthy; C(0) reports at once.
    type: int
    default: 0
"""

EXAMPLES = r"""
- name: Probe the components of the class's sim cluster
  kubelab.lab.sim_health:
    cluster_dir: output/sim/.sim/kwok/clusters/kubelab-sim
    ports: {etcd: 16441, kube-apiserver: 16440, kube-controller-manager: 16443, kube-scheduler: 16444,
            kwok-controller: 16445}
  register: health

- name: Wait up to a minute until every component is healthy
  kubelab.lab.sim_health:
    cluster_dir: output/sim/.sim/kwok/clusters/kubelab-sim
    ports: "{{ health_ports }}"
    wait: 60
"""

RETURN = r"""
components:
  description: Each component's health, the reason when unhealthy, and the pids of its processes.
  returned: always
  type: dict
  sample:
    etcd: {healthy: true, problem: null, pids: [4242]}
    kube-apiserver: {healthy: false, problem: "/readyz gave no answer: connection refused", pids: [4243]}
unhealthy:
  description: The unhealthy components, in the order kwokctl starts them.
  returned: always
  type: list
  elements: str
  sample: [kube-apiserver]
seconds:
  description: How long the probes (and the wait) took.
  returned: always
  type: float
"""

import time
from pathlib import Path

from ansible.module_utils.basic import AnsibleModule
from ansible_collections.kubelab.lab.plugins.module_utils.sim_health import summary
from ansible_collections.kubelab.lab.plugins.module_utils.sim_probe import probe


def main() -> None:
    module = AnsibleModule(
        argument_spec={
            "cluster_dir": {"type": "path", "required": True},
            "ports": {"type": "dict", "required": True},
            "timeout": {"type": "float", "default": 5},
            "wait": {"type": "int", "default": 0},
        },
        supports_check_mode=True,
    )
    params = module.params
    start = time.monotonic()
    while True:
        try:
            health = probe(Path(params["cluster_dir"]), params["ports"], params["timeout"])
        except ValueError as err:
            module.fail_json(msg=str(err))
        elapsed = round(time.monotonic() - start, 2)
        if not health["unhealthy"] or elapsed >= params["wait"]:
            break
        time.sleep(0.5)
    if health["unhealthy"] and params["wait"] > 0:
        problems = {name: health["components"][name]["problem"] for name in health["unhealthy"]}
        module.fail_json(msg=f"not healthy after {params['wait']} s: {summary(problems)}", seconds=elapsed, **health)
    module.exit_json(changed=False, seconds=elapsed, **health)


if __name__ == "__main__":
    main()
