"""The processes of a sim cluster and the sockets they listen on, read from /proc."""

from __future__ import annotations

import os
from pathlib import Path

# /proc/net/tcp state 0A is LISTEN; UDP sockets have no listen state, any bound one counts.
TCP_LISTEN = "0A"


def cluster_pids(cluster_dir: Path) -> list[int]:
    """Pids of the processes started from the cluster's bin/ folder."""
    prefix = str(cluster_dir / "bin") + "/"
    pids = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            argv0 = (entry / "cmdline").read_bytes().split(b"\0", 1)[0].decode()
        except OSError:
            continue
        if argv0.startswith(prefix):
            pids.append(int(entry.name))
    return pids


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
