"""Faults of the sim cluster's processes: one site.yml run converges, teardown.yml always finishes.

Each fault is what a machine does to the class's processes: a crash or the
OOM killer (SIGKILL), a stopped process (SIGSTOP: a debugger, a suspended
shell job), a shutdown (SIGTERM to everything), and the hang the shutdown
leaves: etcd gone under a kube-apiserver that then stays in its shutdown for
good, alive and serving nothing. One class serves every test; a teardown test
stands it up again for the next.
"""

from __future__ import annotations

import os
import signal
import ssl
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from kube import Kubectl, eventually
from labclass import LabClass, PlaybookRun, standing
from procs import cluster_pids, component_pids, process_state

PORT_BASE = 16550
COMPONENTS = ("etcd", "kube-apiserver", "kube-controller-manager", "kube-scheduler", "kwok-controller")
ETCD_PORT = PORT_BASE + 1


@pytest.fixture(scope="module")
def lab(tmp_path_factory: pytest.TempPathFactory, binaries: dict[str, Path]) -> Iterator[LabClass]:
    with standing(LabClass("faults", tmp_path_factory.mktemp("faults"), port_base=PORT_BASE)) as lab:
        yield lab


@pytest.fixture(scope="module")
def kubectl(lab: LabClass, binaries: dict[str, Path]) -> Kubectl:
    return Kubectl(binaries["kubectl"], lab.admin_kubeconfig)


def pid_of(lab: LabClass, component: str) -> int:
    pids = component_pids(lab.cluster_dir, component)
    assert len(pids) == 1, f"{component}: {pids}"
    return pids[0]


def hit(lab: LabClass, component: str, sig: signal.Signals) -> int:
    """Send ``sig`` to the component and wait until it took effect."""
    pid = pid_of(lab, component)
    os.kill(pid, sig)
    if sig == signal.SIGSTOP:
        eventually(lambda: process_state(pid) == "T", 10, f"{component} to stop")
    elif sig == signal.SIGKILL:
        eventually(lambda: process_state(pid) in ("", "Z"), 10, f"{component} to die")
    return pid


def cluster_tls(lab: LabClass) -> ssl.SSLContext:
    """TLS as the cluster's admin: its CA and the admin certificate."""
    pki = lab.cluster_dir / "pki"
    context = ssl.create_default_context(cafile=str(pki / "ca.crt"))
    context.load_cert_chain(str(pki / "admin.crt"), str(pki / "admin.key"))
    return context


def shutting_down(lab: LabClass) -> bool:
    """The apiserver is in its shutdown: it says so on /readyz, or listens no more."""
    try:
        urllib.request.urlopen(f"https://127.0.0.1:{PORT_BASE}/readyz", context=cluster_tls(lab), timeout=5)
    except urllib.error.HTTPError as err:
        return "[-]shutdown failed" in err.read().decode()
    except OSError:
        return True
    return False


def hang_the_apiserver(lab: LabClass) -> int:
    """etcd killed, then the apiserver told to shut down: it waits on etcd for good, alive and useless."""
    hit(lab, "etcd", signal.SIGKILL)
    pid = hit(lab, "kube-apiserver", signal.SIGTERM)
    eventually(lambda: shutting_down(lab), 30, "the apiserver to begin its shutdown")
    time.sleep(2)
    assert process_state(pid) not in ("", "Z"), "the apiserver exited instead of hanging"
    return pid


def sigterm_everything(lab: LabClass) -> None:
    """What a machine that shuts down sends, to every process at once."""
    for pid in cluster_pids(lab.cluster_dir):
        os.kill(pid, signal.SIGTERM)
    eventually(lambda: component_pids(lab.cluster_dir, "etcd") == [], 30, "etcd to exit on SIGTERM")


def kill_everything(lab: LabClass) -> None:
    for pid in cluster_pids(lab.cluster_dir):
        os.kill(pid, signal.SIGKILL)
    eventually(lambda: not cluster_pids(lab.cluster_dir), 10, "the killed processes to exit")


def stop_everything(lab: LabClass) -> None:
    for component in COMPONENTS:
        hit(lab, component, signal.SIGSTOP)


@pytest.fixture(scope="module")
def marks(lab: LabClass, kubectl: Kubectl) -> dict[str, Any]:
    """What must survive every fault: objects of the students (their uids) and one that site.yml does not make."""
    kubectl.run("-n", "carol", "create", "configmap", "survivor", "--from-literal=kept=yes")
    return {
        "alice": kubectl.get("-n", "alice", "deployment", "emailservice-deployment-demo")["metadata"]["uid"],
        "bob": kubectl.get("-n", "bob", "configmap", "email-templates")["metadata"]["uid"],
        "carol": kubectl.get("-n", "carol", "service", "my-emailservice")["metadata"]["uid"],
    }


def assert_intact(kubectl: Kubectl, marks: dict[str, Any]) -> None:
    assert kubectl.get("-n", "carol", "configmap", "survivor")["data"] == {"kept": "yes"}
    assert kubectl.get("-n", "alice", "deployment", "emailservice-deployment-demo")["metadata"]["uid"] == marks["alice"]
    assert kubectl.get("-n", "bob", "configmap", "email-templates")["metadata"]["uid"] == marks["bob"]
    assert kubectl.get("-n", "carol", "service", "my-emailservice")["metadata"]["uid"] == marks["carol"]
    deployment = kubectl.get("-n", "alice", "deployment", "emailservice-deployment-demo")
    pods = kubectl.get("-n", "alice", "pods")["items"]
    nodes = kubectl.get("nodes")["items"]
    assert deployment["status"].get("availableReplicas") == 3, (
        deployment["status"],
        [(p["metadata"]["name"], p["status"].get("phase"), p["status"].get("conditions")) for p in pods],
        [(n["metadata"]["name"], n["status"].get("conditions"), n["spec"].get("taints")) for n in nodes],
    )


def assert_converged(lab: LabClass, kubectl: Kubectl, marks: dict[str, Any], run: PlaybookRun) -> None:
    assert run.changed > 0, "the faulty component was restarted"
    assert sorted(len(component_pids(lab.cluster_dir, c)) for c in COMPONENTS) == [1] * 5
    assert all(process_state(pid) not in ("T", "Z", "") for pid in cluster_pids(lab.cluster_dir))
    assert_intact(kubectl, marks)
    rerun = lab.up()
    assert rerun.changed == 0, rerun.changed_tasks()


def restarted(run: PlaybookRun) -> str:
    """What the run said was unhealthy."""
    said = run.results("Say what is unhealthy and why")
    assert said, "no component was found unhealthy"
    return str(said[0]["msg"])


@pytest.mark.parametrize("component", COMPONENTS)
@pytest.mark.parametrize("sig", [signal.SIGKILL, signal.SIGSTOP], ids=["killed", "stopped"])
def test_one_run_converges_after_a_component_is(
    lab: LabClass, kubectl: Kubectl, marks: dict[str, Any], component: str, sig: signal.Signals
) -> None:
    old = hit(lab, component, sig)
    run = lab.up()
    assert component in restarted(run)
    assert pid_of(lab, component) != old
    assert_converged(lab, kubectl, marks, run)


def test_one_run_converges_when_the_apiserver_hangs_without_etcd(
    lab: LabClass, kubectl: Kubectl, marks: dict[str, Any]
) -> None:
    hung = hang_the_apiserver(lab)
    run = lab.up()
    assert "kube-apiserver" in restarted(run) and "etcd" in restarted(run)
    assert process_state(hung) in ("", "Z"), "the hung apiserver was killed"
    assert_converged(lab, kubectl, marks, run)


def test_one_run_converges_after_a_shutdown(lab: LabClass, kubectl: Kubectl, marks: dict[str, Any]) -> None:
    sigterm_everything(lab)
    run = lab.up()
    assert_converged(lab, kubectl, marks, run)


def test_a_pod_the_node_controller_marked_not_ready_is_ready_again(kubectl: Kubectl) -> None:
    # What the controller-manager does to every pod when it heard from no node for its grace period.
    pod = kubectl.get("-n", "alice", "pod", "emailservice-pod-test")["metadata"]["name"]
    not_ready = '{"status":{"conditions":[{"type":"Ready","status":"False","reason":"NodeNotReady"}]}}'
    kubectl.run("-n", "alice", "patch", "pod", pod, "--subresource=status", "--type=strategic", "-p", not_ready)

    def ready() -> bool:
        conditions = kubectl.get("-n", "alice", "pod", pod)["status"]["conditions"]
        return any(c["type"] == "Ready" and c["status"] == "True" for c in conditions)

    # A kwok that the test before restarted takes the nodes over only when the node leases of the one it
    # replaced run out (40 s after their last renewal: kwokctl.yaml.j2); until then no stage moves their pods.
    eventually(ready, 120, "kwok to make the pod Ready again")


def test_etcd_refuses_clients_without_the_clusters_certificate(lab: LabClass) -> None:
    # Plain HTTP, as kwokctl's etcd would take it: every local user reaches loopback.
    with pytest.raises(OSError):
        urllib.request.urlopen(f"http://127.0.0.1:{ETCD_PORT}/v3/kv/range", data=b'{"key":"L3JlZ2lzdHJ5"}', timeout=5)
    anyone = ssl.create_default_context()
    anyone.check_hostname = False
    anyone.verify_mode = ssl.CERT_NONE
    with pytest.raises(OSError):
        urllib.request.urlopen(f"https://127.0.0.1:{ETCD_PORT}/health", context=anyone, timeout=5).read()
    with urllib.request.urlopen(f"https://127.0.0.1:{ETCD_PORT}/health", context=cluster_tls(lab), timeout=5) as reply:
        assert b'"health":"true"' in reply.read()


def test_removing_a_student_whose_namespace_is_gone_already_succeeds(lab: LabClass, kubectl: Kubectl) -> None:
    kubectl.run("delete", "namespace", "bob", "--wait=true")
    run = lab.down("--limit", "bob")
    assert run.results("Delete the students' namespaces and wait until they are gone, one call per cluster")[0]["gone"] == ["bob"]
    assert not lab.student_dir("bob").exists()
    lab.up()


def test_removing_a_student_from_a_cluster_that_does_not_answer_fails_naming_it(lab: LabClass) -> None:
    kill_everything(lab)
    run = lab.playbook("teardown.yml", "--limit", "alice")
    assert run.failed
    assert f"the cluster https://127.0.0.1:{PORT_BASE}" in run.messages()
    assert "does not answer" in run.messages()
    assert lab.student_dir("alice").exists(), "nothing of alice went while her namespace stays"
    lab.up()


FAULTS = {
    "every component stopped": stop_everything,
    "the apiserver hanging without etcd": hang_the_apiserver,
    "a shutdown": sigterm_everything,
    "every process killed, as by a reboot": kill_everything,
}


@pytest.mark.parametrize("fault", FAULTS)
def test_teardown_finishes_after(lab: LabClass, fault: str) -> None:
    if not lab.admin_kubeconfig.exists():
        lab.up()  # the previous test tore the class down
    FAULTS[fault](lab)
    start = time.monotonic()
    run = lab.down()
    seconds = time.monotonic() - start
    said = run.results("Say that the namespaces go with their clusters")
    assert said and "not deleted one by one" in str(said[0]["msg"])
    assert cluster_pids(lab.cluster_dir) == []
    assert not lab.output_dir.exists(), "no state and no output folder left"
    assert seconds < 60, f"teardown took {seconds:.0f} s"
