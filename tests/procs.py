"""The processes of a sim cluster and the sockets they listen on, read from /proc."""

from __future__ import annotations

import os
from pathlib import Path

# /proc/net/tcp state 0A is LISTEN; UDP sockets have no listen state, any bound one counts.
TCP_LISTEN = "0A"


def argv0s() -> dict[int, str]:
    """argv[0] of every process of this machine, by pid (empty for zombies and kernel threads)."""
    found = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            found[int(entry.name)] = (entry / "cmdline").read_bytes().split(b"\0", 1)[0].decode()
        except OSError:
            continue
    return found


def cluster_pids(cluster_dir: Path) -> list[int]:
    """Pids of the processes started from the cluster's bin/ folder."""
    prefix = str(cluster_dir / "bin") + "/"
    return [pid for pid, argv0 in argv0s().items() if argv0.startswith(prefix)]


def component_pids(cluster_dir: Path, component: str) -> list[int]:
    """Pids of the processes of one component (kube-apiserver, etcd, ...) of the cluster."""
    binary = str(cluster_dir / "bin" / component)
    return [pid for pid, argv0 in argv0s().items() if argv0 == binary]


def process_state(pid: int) -> str:
    """The state letter of a process (S sleeping, T stopped, Z zombie), or "" when it is gone."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return ""
    return stat[stat.rindex(")") + 1 :].split()[0]


def socket_inodes(pid: int) -> set[str]:
    inodes = set()
    for fd in Path(f"/proc/{pid}/fd").iterdir():
        try:
            target = os.readlink(fd)
        except OSError:
            continue
        if target.startswith("socket:["):
            inodes.add(target[len("socket:[") : -1])
    return inodes


def decode_address(hex_address: str) -> tuple[str, int]:
    host, port = hex_address.split(":")
    if len(host) == 8:
        ip = ".".join(str(b) for b in reversed(bytes.fromhex(host)))
    else:
        words = [bytes.fromhex(host[i : i + 8])[::-1].hex() for i in range(0, 32, 8)]
        ip = ":".join("".join(words)[i : i + 4] for i in range(0, 32, 4))
    return ip, int(port, 16)


def listening(pids: list[int]) -> set[tuple[str, str, int]]:
    """(protocol, ip, port) of every listening TCP or bound UDP socket of ``pids``."""
    inodes = set().union(*(socket_inodes(pid) for pid in pids)) if pids else set()
    found = set()
    for proto in ("tcp", "tcp6", "udp", "udp6"):
        lines = Path(f"/proc/net/{proto}").read_text().splitlines()[1:]
        for line in lines:
            fields = line.split()
            local, state, inode = fields[1], fields[3], fields[9]
            if inode in inodes and (proto.startswith("udp") or state == TCP_LISTEN):
                ip, port = decode_address(local)
                found.add((proto, ip, port))
    return found
