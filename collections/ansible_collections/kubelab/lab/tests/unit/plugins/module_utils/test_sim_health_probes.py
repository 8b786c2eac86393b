"""module_utils/sim_probe (kubelab.lab.sim_health's I/O), on real processes and sockets of this machine."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import ssl
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from ansible.errors import AnsibleLookupError
from ansible_collections.kubelab.lab.plugins.lookup.sim_health import LookupModule
from ansible_collections.kubelab.lab.plugins.module_utils.sim_health import COMPONENTS, ENDPOINTS
from ansible_collections.kubelab.lab.plugins.module_utils.sim_probe import ask, processes


@pytest.fixture
def bin_dir(tmp_path: Path) -> Path:
    """A cluster's bin/ folder whose etcd and kube-scheduler are copies of sleep."""
    folder = tmp_path / "bin"
    folder.mkdir()
    sleep = shutil.which("sleep")
    assert sleep
    for name in ("etcd", "kube-scheduler"):
        shutil.copy(sleep, folder / name)
    return folder


@pytest.fixture
def started(bin_dir: Path) -> Iterator[list[subprocess.Popen[bytes]]]:
    procs: list[subprocess.Popen[bytes]] = []
    yield procs
    for proc in procs:
        proc.kill()
        proc.wait()


def run(started: list[subprocess.Popen[bytes]], binary: Path) -> subprocess.Popen[bytes]:
    proc = subprocess.Popen([str(binary), "60"])
    started.append(proc)
    return proc


def settled(bin_dir: Path, component: str, state: str) -> list[tuple[int, str]]:
    """The component's processes once one is in ``state`` (a signal is delivered a moment later)."""
    deadline = time.monotonic() + 5
    while True:
        found = processes(str(bin_dir))[component]
        if any(found_state == state for _pid, found_state in found) or time.monotonic() > deadline:
            return found
        time.sleep(0.05)


def test_processes_are_found_by_component_with_their_state(
    bin_dir: Path, started: list[subprocess.Popen[bytes]]
) -> None:
    etcd = run(started, bin_dir / "etcd")
    scheduler = run(started, bin_dir / "kube-scheduler")
    os.kill(scheduler.pid, signal.SIGSTOP)
    assert settled(bin_dir, "etcd", "S") == [(etcd.pid, "S")]
    assert settled(bin_dir, "kube-scheduler", "T") == [(scheduler.pid, "T")]
    assert processes(str(bin_dir))["kube-apiserver"] == []


def test_a_process_of_another_folder_is_not_the_clusters(
    bin_dir: Path, tmp_path: Path, started: list[subprocess.Popen[bytes]]
) -> None:
    other = tmp_path / "other" / "bin"
    other.mkdir(parents=True)
    shutil.copy(bin_dir / "etcd", other / "etcd")
    run(started, other / "etcd")
    assert processes(str(bin_dir))["etcd"] == []


def anyone() -> ssl.SSLContext:
    context = ssl.create_default_context()
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    return context


def test_a_closed_port_refuses() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    assert ask(ENDPOINTS["kwok-controller"], port, anyone(), 1) == "connection refused"


@pytest.mark.parametrize("component", ["kwok-controller", "kube-scheduler"])
def test_a_port_that_accepts_and_never_answers_times_out(component: str) -> None:
    # A listening socket that nobody serves: what a SIGSTOPped component looks like from outside.
    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen()
        answer = ask(ENDPOINTS[component], silent.getsockname()[1], anyone(), 0.5)
    assert answer == "none within 0.5 s"


def test_the_lookup_finds_a_cluster_with_no_process_unhealthy_and_refuses_a_missing_port(bin_dir: Path) -> None:
    ports = {name: 1 for name in COMPONENTS}
    [health] = LookupModule().run([str(bin_dir.parent)], ports=ports)
    assert health["unhealthy"] == list(COMPONENTS)
    assert all(not c["healthy"] and c["problem"] and c["pids"] == [] for c in health["components"].values())
    del ports["kwok-controller"]
    with pytest.raises(AnsibleLookupError, match="no port for kwok-controller"):
        LookupModule().run([str(bin_dir.parent)], ports=ports)
