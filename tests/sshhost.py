"""A test host: sshd in a network namespace of its own, reached over a veth pair.

The namespace has no route anywhere else, so the host is offline, as a fresh
instance whose package mirrors are out of reach; its filesystem is this
machine's.
"""

from __future__ import annotations

import os
import socket
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

SSHD = Path("/usr/sbin/sshd")


@dataclass(frozen=True)
class SshHost:
    address: str
    user: str
    private_key: Path


def ip(*args: str, namespace: str | None = None) -> None:
    prefix = ["ip", "netns", "exec", namespace] if namespace else []
    subprocess.run([*prefix, "ip", *args], check=True, capture_output=True, text=True)


@dataclass(frozen=True)
class Netns:
    """A network namespace reached from this machine over a veth pair: <net>.1 here, <net>.2 inside."""

    name: str
    net: str

    @property
    def address(self) -> str:
        return f"{self.net}.2"


@contextmanager
def netns(prefix: str, subnet: int) -> Iterator[Netns]:
    """A new namespace ``kubelab-<prefix><pid>`` on 10.<subnet>.<pid>.0/30 with its loopback up; removed after."""
    tag = f"{prefix}{os.getpid() % 100000}"
    name, outside, inside = f"kubelab-{tag}", f"{tag}h", f"{tag}n"
    net = f"10.{subnet}.{os.getpid() % 250}"
    try:
        ip("netns", "add", name)
        ip("link", "add", outside, "type", "veth", "peer", "name", inside)
        ip("link", "set", inside, "netns", name)
        ip("addr", "add", f"{net}.1/30", "dev", outside)
        ip("link", "set", outside, "up")
        ip("addr", "add", f"{net}.2/30", "dev", inside, namespace=name)
        ip("link", "set", inside, "up", namespace=name)
        ip("link", "set", "lo", "up", namespace=name)
        yield Netns(name, net)
    finally:
        subprocess.run(["ip", "netns", "del", name], check=False, capture_output=True)
        subprocess.run(["ip", "link", "del", outside], check=False, capture_output=True)


def wait_for_port(address: str, port: int, seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        with socket.socket() as probe:
            probe.settimeout(0.5)
            if probe.connect_ex((address, port)) == 0:
                return
        time.sleep(0.1)
    raise AssertionError(f"sshd did not listen on {address}:{port} within {seconds}s")


def keypair(path: Path) -> Path:
    subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", str(path)], check=True)
    return path


@contextmanager
def ssh_host(workdir: Path) -> Iterator[SshHost]:
    """sshd on <net>.2:22 in a new namespace, root login with a fresh key; all removed afterwards."""
    client, host_key = keypair(workdir / "client"), keypair(workdir / "host_key")
    (workdir / "authorized_keys").write_text(client.with_suffix(".pub").read_text())
    Path("/run/sshd").mkdir(mode=0o755, exist_ok=True)
    with netns("kl", 251) as host:
        config = workdir / "sshd_config"
        config.write_text(
            f"ListenAddress {host.address}\nPort 22\nHostKey {host_key}\nPidFile {workdir}/sshd.pid\n"
            f"AuthorizedKeysFile {workdir}/authorized_keys\nPermitRootLogin prohibit-password\n"
            "PasswordAuthentication no\nKbdInteractiveAuthentication no\nUsePAM no\nStrictModes no\n"
            "Subsystem sftp internal-sftp\n"
        )
        with open(workdir / "sshd.log", "wb") as log:
            sshd = subprocess.Popen(
                ["ip", "netns", "exec", host.name, str(SSHD), "-D", "-e", "-f", str(config)], stdout=log, stderr=log
            )
        try:
            wait_for_port(host.address, 22, 10)
            yield SshHost(address=host.address, user="root", private_key=client)
        finally:
            sshd.terminate()
            sshd.wait(10)
