"""Whether each component of a sim cluster is healthy, and if not, why: for kubelab.lab.sim_health.

A process that exists is not a component that works: after a SIGTERM with
etcd gone the kube-apiserver stays alive in its shutdown for good, serving
nothing, and a stopped (SIGSTOP) process keeps its port but never answers. So a component is healthy
when exactly one live process of the cluster runs it and its health endpoint
says so. Short pure functions and a table per component; sim_probe.py does the I/O.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass

# In the order kwokctl starts them.
COMPONENTS = ("etcd", "kube-apiserver", "kube-controller-manager", "kube-scheduler", "kwok-controller")


@dataclass(frozen=True)
class Endpoint:
    """Where a component says how it is, and how to ask."""

    scheme: str
    path: str
    # The component serves the cluster's own certificate (signed by its CA) and
    # wants the admin client certificate; otherwise it serves a self-signed one
    # and lets anybody read the path.
    cluster_tls: bool


# The components' health endpoints as kwokctl's binary runtime configures them
# (roles/sim/templates/kwokctl.yaml.j2 puts etcd behind client certificates).
ENDPOINTS: dict[str, Endpoint] = {
    "etcd": Endpoint("https", "/health", cluster_tls=True),
    "kube-apiserver": Endpoint("https", "/readyz", cluster_tls=True),
    "kube-controller-manager": Endpoint("https", "/healthz", cluster_tls=False),
    "kube-scheduler": Endpoint("https", "/healthz", cluster_tls=False),
    "kwok-controller": Endpoint("http", "/healthz", cluster_tls=False),
}

# /proc/<pid>/stat states of a process that will never answer again by itself.
STUCK_STATES = {"T": "stopped (SIGSTOP)", "t": "stopped by a debugger", "Z": "exited, not yet reaped", "X": "dead"}

Verdict = Callable[[int, str], "str | None"]


def etcd_verdict(status: int, body: str) -> str | None:
    """etcd's /health: {"health": "true"} when it has a leader and serves."""
    try:
        health = json.loads(body).get("health") if status == 200 else None
    except (ValueError, AttributeError):
        health = None
    return None if health == "true" else f"/health answered {status}: {body.strip()[:200]}"


def checks_verdict(status: int, body: str) -> str | None:
    """A Kubernetes /readyz or /healthz: 200, or the checks that failed ("[-]etcd failed: ...")."""
    if status == 200:
        return None
    failed = [line[3:].strip() for line in body.splitlines() if line.startswith("[-]")]
    return f"answered {status}" + (f": {'; '.join(failed)}" if failed else f": {body.strip()[:200]}")


VERDICTS: dict[str, Verdict] = {
    "etcd": etcd_verdict,
    "kube-apiserver": checks_verdict,
    "kube-controller-manager": checks_verdict,
    "kube-scheduler": checks_verdict,
    "kwok-controller": checks_verdict,
}


def process_state(stat: str) -> str:
    """The state letter of a /proc/<pid>/stat line (the command name may hold spaces and parentheses)."""
    return stat[stat.rindex(")") + 1 :].split()[0]


def component_of(argv0: str, bin_dir: str) -> str | None:
    """Which component a process runs, from its argv[0]: <cluster>/bin/<component>."""
    prefix = bin_dir.rstrip("/") + "/"
    name = argv0[len(prefix) :] if argv0.startswith(prefix) else ""
    return name if name in COMPONENTS else None


def process_problem(states: list[str]) -> str | None:
    """Why the processes of a component cannot be healthy, or None for exactly one live process."""
    if not states:
        return "not running"
    if len(states) > 1:
        return f"{len(states)} processes run it"
    return STUCK_STATES.get(states[0])


def component_problem(component: str, states: list[str], answer: tuple[int, str] | str) -> str | None:
    """None when healthy. ``answer`` is the endpoint's (status, body), or why it gave none."""
    problem = process_problem(states)
    if problem is not None:
        return problem
    if isinstance(answer, str):
        return f"{ENDPOINTS[component].path} gave no answer: {answer}"
    return VERDICTS[component](*answer)


def summary(problems: dict[str, str | None]) -> str:
    """One line naming each unhealthy component and why."""
    return "; ".join(f"{name}: {problem}" for name, problem in problems.items() if problem is not None)
