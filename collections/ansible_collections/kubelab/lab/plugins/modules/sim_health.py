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
options:
  cluster_dir:
    description: The cluster's folder in kwokctl's work dir, C(<workdir>/clusters/<name>) (holds C(bin/) and C(pki/)).
    type: path
    required: true
  ports:
    description: The loopback port of each component, by name (C(etcd), C(kube-apiserver), C(kube-controller-manager),
      C(kube-scheduler), C(kwok-controller)).
    type: dict
    required: true
  timeout:
    description: Seconds an endpoint may take to answer.
    type: float
    default: 5
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

import http.client
import os
import socket
import ssl
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, Union

from ansible.module_utils.basic import AnsibleModule
from ansible_collections.kubelab.lab.plugins.module_utils.sim_health import (
    COMPONENTS,
    ENDPOINTS,
    Endpoint,
    component_of,
    component_problem,
    process_problem,
    process_state,
    summary,
)

# An endpoint's status and body, or why it gave none. Union, not |: ansible-test lints modules for the oldest
# Python a module may run on, where | of two types fails at run time.
Answer = Union[tuple[int, str], str]


def processes(bin_dir: str) -> dict[str, list[tuple[int, str]]]:
    """(pid, state) of every process of the cluster, by component."""
    found: dict[str, list[tuple[int, str]]] = {name: [] for name in COMPONENTS}
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            argv0 = Path(entry.path, "cmdline").read_bytes().split(b"\0", 1)[0].decode(errors="replace")
            name = component_of(argv0, bin_dir)
            if name is not None:
                found[name].append((int(entry.name), process_state(Path(entry.path, "stat").read_text())))
        except (OSError, ValueError):
            continue  # gone meanwhile
    return found


def tls_contexts(pki: Path) -> tuple[ssl.SSLContext | str, ssl.SSLContext]:
    """The cluster's own TLS (its CA, the admin certificate) or why not; and one that trusts any certificate."""
    # Built bare, not with ssl.create_default_context(): the system's CA store is of no use on loopback.
    anyone = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    anyone.check_hostname = False
    anyone.verify_mode = ssl.CERT_NONE
    try:
        cluster = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
        cluster.load_verify_locations(cafile=str(pki / "ca.crt"))
        cluster.load_cert_chain(str(pki / "admin.crt"), str(pki / "admin.key"))
    except (OSError, ssl.SSLError) as err:
        return f"the cluster's certificates in {pki}: {err}", anyone
    return cluster, anyone


def ask(endpoint: Endpoint, port: int, context: ssl.SSLContext, timeout: float) -> Answer:
    """The endpoint's status and body, or why it gave none."""
    conn: http.client.HTTPConnection
    if endpoint.scheme == "https":
        conn = http.client.HTTPSConnection("127.0.0.1", port, timeout=timeout, context=context)
    else:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        conn.request("GET", endpoint.path)
        reply = conn.getresponse()
        return reply.status, reply.read(4096).decode(errors="replace")
    except (TimeoutError, socket.timeout):
        return f"none within {timeout:g} s"
    except ConnectionRefusedError:
        return "connection refused"
    except (OSError, http.client.HTTPException) as err:
        return str(err) or type(err).__name__
    finally:
        conn.close()


def check(cluster_dir: Path, ports: dict[str, int], timeout: float) -> dict[str, dict[str, Any]]:
    procs = processes(str(cluster_dir / "bin"))
    cluster_tls, anyone = tls_contexts(cluster_dir / "pki")

    def answer(name: str) -> Answer:
        if process_problem([state for _pid, state in procs[name]]) is not None:
            return "not asked"  # no single live process: its problem is known without asking
        endpoint = ENDPOINTS[name]
        context = cluster_tls if endpoint.cluster_tls else anyone
        return context if isinstance(context, str) else ask(endpoint, ports[name], context, timeout)

    with ThreadPoolExecutor(max_workers=len(COMPONENTS)) as pool:
        answers = dict(zip(COMPONENTS, pool.map(answer, COMPONENTS)))
    result = {}
    for name in COMPONENTS:
        problem = component_problem(name, [state for _pid, state in procs[name]], answers[name])
        result[name] = {"healthy": problem is None, "problem": problem, "pids": sorted(pid for pid, _state in procs[name])}
    return result


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
    missing = [name for name in COMPONENTS if name not in params["ports"]]
    if missing:
        module.fail_json(msg=f"ports: no port for {', '.join(missing)}")
    ports = {name: int(params["ports"][name]) for name in COMPONENTS}
    start = time.monotonic()
    while True:
        components = check(Path(params["cluster_dir"]), ports, params["timeout"])
        unhealthy = [name for name in COMPONENTS if not components[name]["healthy"]]
        elapsed = round(time.monotonic() - start, 2)
        if not unhealthy or elapsed >= params["wait"]:
            break
        time.sleep(0.5)
    if unhealthy and params["wait"] > 0:
        problems = {name: components[name]["problem"] for name in unhealthy}
        module.fail_json(
            msg=f"not healthy after {params['wait']} s: {summary(problems)}",
            components=components, unhealthy=unhealthy, seconds=elapsed,
        )
    module.exit_json(changed=False, components=components, unhealthy=unhealthy, seconds=elapsed)


if __name__ == "__main__":
    main()
