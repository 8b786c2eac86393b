"""kubectl, the real one built for the sim cluster, bound to a kubeconfig."""

from __future__ import annotations

import json
import os
import subprocess
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, TypeVar

import yaml

from labclass import ROOT, VENV_BIN

T = TypeVar("T")


def sim_binaries() -> dict[str, Path]:
    """Where the cached sim binaries are (they must be built: `make binaries`)."""
    return cached_binaries("sim", None, "binaries")


def cached_binaries(cache: str, build_dir: Path | None, make_target: str) -> dict[str, Path]:
    """The binaries sim_build.py built from ``build_dir``'s wrapper modules into the ``cache`` folder."""
    argv = [str(VENV_BIN / "python"), str(ROOT / "roles/sim/files/sim_build.py"), "--plan"]
    argv += ["--build-dir", str(build_dir)] if build_dir else []
    out = subprocess.run([*argv, str(cache_dir(cache))], capture_output=True, text=True, check=True)
    plan = json.loads(out.stdout)
    assert not plan["missing"], f"not built: {plan['missing']} (run `make {make_target}`)"
    return {name: Path(path) for name, path in plan["binaries"].items()}


def cache_dir(cache: str = "sim") -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "kubelab" / cache


def eventually(probe: Callable[[], T | None], timeout: float, what: str, interval: float = 0.5) -> T:
    """Poll ``probe`` until it returns something truthy; fail naming ``what``."""
    deadline = time.monotonic() + timeout
    while True:
        result = probe()
        if result:
            return result
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout}s waiting for {what}")
        time.sleep(interval)


@dataclass(frozen=True)
class Kubectl:
    binary: Path
    kubeconfig: Path
    namespace: str | None = None

    def in_namespace(self, namespace: str) -> Kubectl:
        return replace(self, namespace=namespace)

    def as_token(self, token: str, name: str) -> Kubectl:
        """kubectl that authenticates with ``token`` only (no client certificate)."""
        config = yaml.safe_load(self.kubeconfig.read_text())
        context = config["contexts"][0]["context"]
        cluster = next(c for c in config["clusters"] if c["name"] == context["cluster"])
        token_config = {
            "apiVersion": "v1",
            "kind": "Config",
            "clusters": [cluster],
            "users": [{"name": name, "user": {"token": token}}],
            "contexts": [{"name": name, "context": {"cluster": cluster["name"], "user": name}}],
            "current-context": name,
        }
        path = self.kubeconfig.with_name(f"{name}.kubeconfig")
        path.touch(mode=0o600)
        path.write_text(yaml.safe_dump(token_config))
        return replace(self, kubeconfig=path)

    def run(self, *args: str, stdin: str | None = None, check: bool = True) -> subprocess.CompletedProcess[str]:
        cmd = [str(self.binary), "--kubeconfig", str(self.kubeconfig)]
        if self.namespace:
            cmd += ["--namespace", self.namespace]
        proc = subprocess.run([*cmd, *args], input=stdin, capture_output=True, text=True, check=False)
        if check and proc.returncode != 0:
            raise AssertionError(f"kubectl {' '.join(args)} failed ({proc.returncode}): {proc.stderr}")
        return proc

    def get(self, *args: str) -> dict[str, Any]:
        result: dict[str, Any] = json.loads(self.run("get", *args, "-o", "json").stdout)
        return result

    def apply(self, *objects: dict[str, Any]) -> None:
        self.run("apply", "-f", "-", stdin=yaml.safe_dump_all(objects))


def ready_endpoint_ips(ns: Kubectl, service: str) -> set[str]:
    """The addresses of the ready endpoints of ``service`` in the namespace of ``ns``, from its EndpointSlices."""
    slices = ns.get("endpointslices", "-l", f"kubernetes.io/service-name={service}")["items"]
    return {
        address
        for piece in slices
        for endpoint in piece.get("endpoints") or []
        if endpoint.get("conditions", {}).get("ready")
        for address in endpoint["addresses"]
    }
