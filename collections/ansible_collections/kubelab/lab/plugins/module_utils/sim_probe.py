"""The probes of kubelab.lab.sim_health (module and lookup): a sim cluster's processes and health endpoints.

The verdicts are sim_health.py's pure functions; this is their I/O, on this machine's /proc and loopback.
"""

from __future__ import annotations

import http.client
import os
import socket
import ssl
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, Union

from ansible_collections.kubelab.lab.plugins.module_utils.sim_health import (
    COMPONENTS,
    ENDPOINTS,
    Endpoint,
    component_of,
    component_problem,
    process_problem,
    process_state,
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


def probe(cluster_dir: Path, ports: dict[str, Any], timeout: float) -> dict[str, Any]:
    """Each component's health and the unhealthy ones, in kwokctl's order; ValueError when a port is missing."""
    missing = [name for name in COMPONENTS if name not in ports]
    if missing:
        raise ValueError(f"ports: no port for {', '.join(missing)}")
    components = check(cluster_dir, {name: int(ports[name]) for name in COMPONENTS}, timeout)
    return {"components": components, "unhealthy": [name for name in COMPONENTS if not components[name]["healthy"]]}
