"""site.yml and teardown.yml on a class of their own: idempotence, recovery, loopback, cleanup."""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml

from kube import Kubectl, eventually
from labclass import LabClass, PlaybookRun, standing
from procs import cluster_pids, listening

PORT_BASE = 16490


@pytest.fixture(scope="module")
def lab(tmp_path_factory: pytest.TempPathFactory, binaries: dict[str, Path]) -> Iterator[LabClass]:
    with standing(LabClass("lifecycle", tmp_path_factory.mktemp("lifecycle"), port_base=PORT_BASE)) as lab:
        yield lab


@pytest.fixture(scope="module")
def kubectl(lab: LabClass, binaries: dict[str, Path]) -> Kubectl:
    return Kubectl(binaries["kubectl"], lab.admin_kubeconfig)


def kill_cluster(lab: LabClass) -> None:
    """Kill every process of the cluster at once, as a reboot or a crash would."""
    subprocess.run(["pkill", "-KILL", "-f", f"^{lab.cluster_dir}/bin/"], check=True)
    eventually(lambda: not cluster_pids(lab.cluster_dir), 10, "the killed processes to exit")


APPLY_TASK = re.compile(r"created/patched/unchanged: (\d+)/(\d+)/(\d+)$")


def apply_counts(run: PlaybookRun) -> tuple[int, int]:
    """What the first apply's wait task says: objects written, objects the cluster already held as rendered."""
    names = [task["task"]["name"] for play in run.report["plays"] for task in play["tasks"]]
    counts = [(int(m.group(1)) + int(m.group(2)), int(m.group(3))) for m in map(APPLY_TASK.search, names) if m]
    assert counts, names
    return counts[0]


@pytest.fixture(scope="module")
def rerun(lab: LabClass) -> PlaybookRun:
    """site.yml again on the class as the first run left it."""
    return lab.up()


def test_a_second_run_changes_nothing(rerun: PlaybookRun) -> None:
    assert rerun.changed == 0, rerun.changed_tasks()
    written, unchanged = apply_counts(rerun)
    assert written == 0 and unchanged > 3, "every object of the three students is left alone, none is sent"


def test_a_rerun_puts_back_what_was_changed_and_sends_nothing_else(
    lab: LabClass, kubectl: Kubectl, rerun: PlaybookRun
) -> None:
    kubectl.run("-n", "alice", "scale", "deployment/emailservice-deployment-demo", "--replicas=1")
    kubectl.run("-n", "bob", "delete", "configmap", "email-templates")
    kubectl.run("-n", "carol", "label", "service", "my-emailservice", "kubelab.io/student=mallory", "--overwrite")
    putback = lab.up()
    assert putback.changed > 0
    assert apply_counts(putback) == (3, apply_counts(rerun)[1] - 3)
    assert kubectl.get("-n", "alice", "deployment", "emailservice-deployment-demo")["spec"]["replicas"] == 3
    assert "confirmation.html" in kubectl.get("-n", "bob", "configmap", "email-templates")["data"]
    assert kubectl.get("-n", "carol", "service", "my-emailservice")["metadata"]["labels"]["kubelab.io/student"] == "carol"
    assert lab.up().changed == 0


def test_what_the_api_refuses_is_reported_and_a_rerun_recovers(lab: LabClass, kubectl: Kubectl) -> None:
    service = ("-n", "bob", "service", "my-emailservice-external")
    port = kubectl.get(*service)["spec"]["ports"][0]["nodePort"]
    kubectl.run("-n", "bob", "delete", "service", "my-emailservice-external")
    squatter = ("-n", "default", "service", "squatter")
    kubectl.run("-n", "default", "create", "service", "nodeport", "squatter", "--tcp=80:80", f"--node-port={port}")
    try:
        run = lab.playbook("site.yml")
        assert run.failed
        assert "Applying failed" in run.messages()
        assert "provided port is already allocated" in run.messages()
    finally:
        kubectl.run("delete", *squatter)
    assert lab.up().changed > 0
    assert kubectl.get(*service)["spec"]["ports"][0]["nodePort"] == port


def test_the_cluster_has_cluster_ips_for_hundreds_of_students(kubectl: Kubectl) -> None:
    assert kubectl.get("servicecidr", "kubernetes")["spec"]["cidrs"] == ["10.96.0.0/16"]


def test_the_admin_kubeconfig_is_private(lab: LabClass) -> None:
    assert lab.admin_kubeconfig.stat().st_mode & 0o777 == 0o600


def test_every_socket_of_the_control_plane_is_on_loopback(lab: LabClass) -> None:
    pids = cluster_pids(lab.cluster_dir)
    assert len(pids) == 5, "etcd, kube-apiserver, kube-controller-manager, kube-scheduler, kwok-controller"
    sockets = listening(pids)
    assert {port for _, _, port in sockets} == set(range(PORT_BASE, PORT_BASE + 6))
    assert {ip for _, ip, _ in sockets} == {"127.0.0.1"}, sockets


def test_a_killed_control_plane_is_restarted_with_its_objects(lab: LabClass, kubectl: Kubectl) -> None:
    kubectl.run("create", "configmap", "survivor", "--from-literal=kept=yes")
    kill_cluster(lab)
    restart = lab.up()
    assert restart.changed > 0
    assert kubectl.get("configmap", "survivor")["data"] == {"kept": "yes"}
    assert lab.up().changed == 0


def test_a_half_created_cluster_is_recreated(lab: LabClass, kubectl: Kubectl) -> None:
    kill_cluster(lab)
    (lab.cluster_dir / "kwok.yaml").unlink()
    lab.up()
    nodes = kubectl.get("nodes")["items"]
    assert len(nodes) == 2
    assert lab.up().changed == 0


def test_changed_settings_are_reported_not_ignored(lab: LabClass) -> None:
    run = lab.playbook("site.yml", "-e", f"sim_port_base={PORT_BASE + 100}")
    assert run.failed
    assert "other settings" in run.messages()
    assert len(cluster_pids(lab.cluster_dir)) == 5


EXTERNAL = "kubelab-lifecycle"


def external_pids() -> list[str]:
    listed = subprocess.run(["ip", "netns", "pids", EXTERNAL], capture_output=True, text=True, check=False)
    return listed.stdout.split() if listed.returncode == 0 else []


def external_page(lab: LabClass) -> str:
    host = yaml.safe_load((lab.student_dir("alice") / "user-info.yaml").read_text())["external_host"]
    with urllib.request.urlopen(f"http://{host['address']}:{host['port']}/", timeout=5) as answer:
        page: str = answer.read().decode()
        return page


def test_the_external_host_runs_as_nobody_and_a_hung_or_rebooted_one_is_made_again(lab: LabClass) -> None:
    [pid] = external_pids()
    assert Path(f"/proc/{pid}/status").read_text().count("\t65534") >= 2, "uid and gid nobody"
    os.kill(int(pid), signal.SIGSTOP)
    assert lab.up().changed > 0
    assert "external host of class lifecycle" in external_page(lab)
    # A reboot: no process, no namespace.
    for pid in external_pids():
        os.kill(int(pid), signal.SIGKILL)
    subprocess.run(["ip", "netns", "delete", EXTERNAL], check=True)
    assert lab.up().changed > 0
    assert "external host of class lifecycle" in external_page(lab)
    assert lab.up().changed == 0


def claim(kubectl: Kubectl, name: str) -> Path:
    """A claim of 1Gi in alice's namespace, bound at once: the folder of its volume."""
    alice = kubectl.in_namespace("alice")
    alice.apply({
        "apiVersion": "v1", "kind": "PersistentVolumeClaim", "metadata": {"name": name},
        "spec": {"accessModes": ["ReadWriteOnce"], "resources": {"requests": {"storage": "1Gi"}}},
    })

    def bound() -> str | None:
        pvc = alice.get("pvc", name)
        volume: str | None = pvc["spec"].get("volumeName") if pvc["status"].get("phase") == "Bound" else None
        return volume

    volume = kubectl.get("pv", eventually(bound, 30, f"claim {name} to be bound"))
    assert volume["spec"]["storageClassName"] == "standard"
    folder = Path(volume["spec"]["hostPath"]["path"])
    assert folder.parent == Path("/tmp/hostpath_pv") and folder.is_dir()
    return folder


def test_a_claim_binds_at_once_and_its_volume_goes_with_it(kubectl: Kubectl) -> None:
    folder = claim(kubectl, "scratch")
    kubectl.in_namespace("alice").run("delete", "pvc", "scratch")
    eventually(lambda: not folder.exists() or None, 30, "the released volume's folder to be removed")


def test_teardown_leaves_nothing_behind(lab: LabClass, kubectl: Kubectl) -> None:
    folder = claim(kubectl, "kept")
    lab.down()
    assert not folder.exists(), "the provisioned volume's folder goes with the cluster"
    assert EXTERNAL not in subprocess.run(["ip", "netns", "list"], capture_output=True, text=True, check=True).stdout
    assert subprocess.run(["ip", "link", "show", f"kl{PORT_BASE}"], capture_output=True, check=False).returncode != 0
    assert cluster_pids(lab.cluster_dir) == []
    assert not lab.output_dir.exists()
    for port in range(PORT_BASE, PORT_BASE + 6):
        with socket.socket() as probe:
            assert probe.connect_ex(("127.0.0.1", port)) != 0, f"port {port} still open"
    assert lab.down().changed == 0
