"""The molecule class on this machine after converge: private, on loopback, ready.

What pytest's cluster tier asserts on a class made by the same site.yml (the drills for every student,
the students' rights, the tutorial's objects) is not asserted again here.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from kube import sim_binaries

testinfra_hosts = ["local://"]

PORT_BASE = 16460
PROJECT = Path(os.environ["MOLECULE_PROJECT_DIRECTORY"])
OUTPUT = PROJECT / "output" / "molecule"
KUBECONFIG = OUTPUT / "admin.kubeconfig"
COMPONENTS = ["etcd", "kube-apiserver", "kube-controller-manager", "kube-scheduler", "kwok-controller"]


KUBECTL = sim_binaries()["kubectl"]


def kubectl_json(host: Any, *args: str) -> dict[str, Any]:
    out = host.check_output(f"{KUBECTL} --kubeconfig {KUBECONFIG} get {' '.join(args)} -o json")
    result: dict[str, Any] = json.loads(out)
    return result


def test_every_control_plane_socket_is_on_loopback(host: Any) -> None:
    ours = range(PORT_BASE, PORT_BASE + 6)
    sockets = [s for s in host.socket.get_listening_sockets() if s.rsplit(":", 1)[-1].isdigit()]
    mine = [s for s in sockets if int(s.rsplit(":", 1)[-1]) in ours]
    assert sorted(mine) == sorted(f"tcp://127.0.0.1:{port}" for port in ours)


def test_the_five_components_run(host: Any) -> None:
    cluster_bin = str(OUTPUT / ".sim/kwok/clusters/kubelab-molecule/bin")
    running = {p.args.split()[0].rsplit("/", 1)[-1] for p in host.process.filter() if p.args.startswith(cluster_bin)}
    assert running == set(COMPONENTS)


def test_the_admin_kubeconfig_is_private(host: Any) -> None:
    kubeconfig = host.file(str(KUBECONFIG))
    assert kubeconfig.is_file
    assert kubeconfig.mode == 0o600


def test_the_cluster_state_is_private(host: Any) -> None:
    assert host.file(str(OUTPUT / ".sim")).mode == 0o700


def test_three_simulated_nodes_are_ready(host: Any) -> None:
    nodes = kubectl_json(host, "nodes", "-l", "kubelab.io/class=molecule")["items"]
    ready = [n for n in nodes for c in n["status"]["conditions"] if c["type"] == "Ready" and c["status"] == "True"]
    assert len(ready) == 3


def test_every_stage_is_explicit(host: Any) -> None:
    stages = {s["metadata"]["name"] for s in kubectl_json(host, "stages.kwok.x-k8s.io")["items"]}
    assert stages == {
        "node-initialize",
        "node-heartbeat-with-lease",
        "pod-ready",
        "pod-ready-unknown-image",
        "pod-ready-again",
        "pod-image-pull-backoff",
        "pod-complete",
        "pod-delete",
    }


def test_every_student_has_private_access_files(host: Any) -> None:
    for student in ("alice", "bob", "carol"):
        folder = host.file(str(OUTPUT / student))
        assert folder.is_directory and folder.mode == 0o700
        for name in ("kubeconfig", "user-info.yaml"):
            assert host.file(str(OUTPUT / student / name)).mode == 0o600


def test_a_student_sees_only_their_own_namespace(host: Any) -> None:
    alice = f"{KUBECTL} --kubeconfig {OUTPUT / 'alice' / 'kubeconfig'}"
    assert host.check_output(f"{alice} auth can-i create deployments") == "yes"
    assert host.run(f"{alice} auth can-i list pods -n bob").stdout.strip() == "no"
    denied = host.run(f"{alice} get secrets -n bob")
    assert denied.rc != 0 and "Forbidden" in denied.stderr

