#!/usr/bin/env python3
"""Build the sim cluster's binaries once from Go modules and cache them.

Each component (kubernetes, etcd, kwok) is a wrapper Go module under
``build/<component>/`` whose go.mod/go.sum pin every dependency. Binaries land
in ``<cache>/<component>-<version>-<digest>/`` where the digest covers the
go.mod, go.sum and build recipe, so a changed pin builds anew and an unchanged
one is never rebuilt. A cache entry is trusted only when every binary has the
size and modification time recorded right after its build (a truncated,
replaced or missing binary does not); anything else is rebuilt. Checking is a
few stat calls, so every playbook run can afford it.

Usage: sim_build.py [--plan] [--log FILE] [--build-dir DIR] CACHE_DIR

The tests' own binaries (tests/apps/build: a MongoDB-wire server) are built the
same way from their --build-dir.

Progress goes to stderr (and --log); stdout gets one JSON object: the binary
paths, and what was built (or, with --plan, what would be and whether Go can).
"""

from __future__ import annotations

import argparse
import fcntl
import hashlib
import json
import logging
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

BUILD_DIR = Path(__file__).resolve().parent / "build"
MANIFEST = "manifest.json"
HEARTBEAT_SECONDS = 30.0


class BuildError(Exception):
    """A build cannot start or did not finish; the message says why."""


@dataclass(frozen=True)
class Component:
    name: str
    module_dir: Path
    module: str
    version: str
    binaries: dict[str, str]
    version_vars: dict[str, str]

    @property
    def digest(self) -> str:
        sha = hashlib.sha256()
        for part in ("go.mod", "go.sum"):
            sha.update((self.module_dir / part).read_bytes())
        sha.update(json.dumps([self.binaries, self.version_vars], sort_keys=True).encode())
        return sha.hexdigest()[:12]

    @property
    def cache_name(self) -> str:
        return f"{self.name}-{self.version}-{self.digest}"

    def ldflags(self) -> str:
        bare = self.version.lstrip("v")
        major, minor = bare.split(".")[:2]
        values = {"version": self.version, "bare_version": bare, "major": major, "minor": minor}
        stamps = [f"-X {var}={tmpl.format(**values)}" for var, tmpl in self.version_vars.items()]
        return " ".join(["-s", "-w", *stamps])


def required_version(gomod: str, module: str) -> str:
    """The version of ``module`` that a go.mod requires."""
    match = re.search(rf"^\s*(?:require\s+)?{re.escape(module)}\s+(v\S+)", gomod, re.MULTILINE)
    if not match:
        raise BuildError(f"go.mod does not require {module}")
    return match.group(1)


def go_directive(gomod: str) -> tuple[int, int]:
    match = re.search(r"^go\s+(\d+)\.(\d+)", gomod, re.MULTILINE)
    if not match:
        raise BuildError("go.mod has no go directive")
    return int(match.group(1)), int(match.group(2))


def load_components(build_dir: Path) -> list[Component]:
    spec = json.loads((build_dir / "components.json").read_text())
    components = []
    for name, entry in spec.items():
        module_dir = build_dir / name
        gomod = (module_dir / "go.mod").read_text()
        components.append(
            Component(
                name=name,
                module_dir=module_dir,
                module=entry["module"],
                version=required_version(gomod, entry["module"]),
                binaries=entry["binaries"],
                version_vars=entry["version_vars"],
            )
        )
    return components


def fingerprint(path: Path) -> dict[str, int]:
    stat = path.stat()
    return {"size": stat.st_size, "mtime_ns": stat.st_mtime_ns}


def cache_problem(entry: Path, component: Component) -> str | None:
    """Why the cache entry cannot be used, or None when every binary is intact."""
    if not entry.exists():
        return "not built yet"
    try:
        recorded = json.loads((entry / MANIFEST).read_text())
    except (OSError, ValueError):
        return "its manifest is missing or unreadable"
    for binary in component.binaries:
        path = entry / binary
        if not path.is_file() or not os.access(path, os.X_OK):
            return f"{binary} is missing"
        if recorded.get(binary) != fingerprint(path):
            return f"{binary} is not the file that was built (size or time differ)"
    return None


def go_problem(components: list[Component]) -> str | None:
    """Why the Go toolchain here cannot build the components, or None."""
    need = max(go_directive((c.module_dir / "go.mod").read_text()) for c in components)
    go = shutil.which("go")
    if go is None:
        return (
            f"the sim cluster's binaries are built from Go modules and need Go {need[0]}.{need[1]} "
            "or newer, but no `go` is on PATH: install Go (golang) and run again"
        )
    out = subprocess.run([go, "env", "GOVERSION"], capture_output=True, text=True, check=False)
    return go_version_problem(go, out.stdout.strip() or out.stderr.strip(), need)


def go_version_problem(go: str, reported: str, need: tuple[int, int]) -> str | None:
    """Why the Go that reported ``reported`` (e.g. go1.26.8) is too old, or None."""
    match = re.match(r"go(\d+)\.(\d+)", reported)
    if not match:
        return f"could not read the version of {go} ({reported!r})"
    if (int(match.group(1)), int(match.group(2))) < need:
        return (
            f"{go} is {reported}; building the sim cluster needs Go {need[0]}.{need[1]} or newer: "
            "install it and run again"
        )
    return None


def elapsed(seconds: float) -> str:
    minutes, secs = divmod(int(seconds), 60)
    return f"{minutes}m{secs:02d}s" if minutes else f"{secs}s"


LOG = logging.getLogger("sim-build")


def say(message: str) -> None:
    LOG.info(message)


def setup_logging(log_file: Path | None) -> None:
    handlers: list[logging.Handler] = [logging.StreamHandler(sys.stderr)]
    if log_file is not None:
        log_file.parent.mkdir(parents=True, exist_ok=True)
        handlers.append(logging.FileHandler(log_file))
    for handler in handlers:
        handler.setFormatter(logging.Formatter("[sim-build] %(message)s"))
        LOG.addHandler(handler)
    LOG.setLevel(logging.INFO)


def go_env(cache_root: Path) -> dict[str, str]:
    env = dict(os.environ)
    env.update({"GOTOOLCHAIN": "local", "CGO_ENABLED": "0", "GOFLAGS": "-mod=readonly", "GOWORK": "off"})
    env.setdefault("GOMODCACHE", str(cache_root / "go-mod"))
    return env


def run_with_heartbeat(cmd: list[str], cwd: Path, env: dict[str, str], label: str) -> None:
    start = time.monotonic()
    with tempfile.TemporaryFile("w+") as log:
        proc = subprocess.Popen(cmd, cwd=cwd, env=env, stdout=log, stderr=subprocess.STDOUT)
        while True:
            try:
                proc.wait(timeout=HEARTBEAT_SECONDS)
                break
            except subprocess.TimeoutExpired:
                say(f"{label}: still building, {elapsed(time.monotonic() - start)} elapsed")
        if proc.returncode != 0:
            log.seek(0)
            tail = log.read()[-4000:]
            raise BuildError(f"{label}: go build failed (exit {proc.returncode}):\n{tail}")
    say(f"{label}: built in {elapsed(time.monotonic() - start)}")


def build(component: Component, entry: Path, cache_root: Path) -> None:
    staging = Path(tempfile.mkdtemp(prefix=f".{component.name}-", dir=cache_root))
    try:
        env = go_env(cache_root)
        for binary, package in component.binaries.items():
            label = f"{binary} ({component.name} {component.version})"
            say(f"{label}: building")
            cmd = ["go", "build", "-trimpath", "-ldflags", component.ldflags(), "-o", str(staging / binary), package]
            run_with_heartbeat(cmd, component.module_dir, env, label)
        manifest = {binary: fingerprint(staging / binary) for binary in component.binaries}
        (staging / MANIFEST).write_text(json.dumps(manifest, indent=2, sort_keys=True) + "\n")
        if entry.exists():
            shutil.rmtree(entry)
        staging.rename(entry)
    finally:
        if staging.exists():
            shutil.rmtree(staging)


class CacheLock:
    """One build at a time per cache directory, across processes."""

    def __init__(self, cache_root: Path) -> None:
        cache_root.mkdir(parents=True, exist_ok=True)
        self._handle = (cache_root / ".lock").open("w")

    def __enter__(self) -> CacheLock:
        fcntl.flock(self._handle, fcntl.LOCK_EX)
        return self

    def __exit__(self, *_: object) -> None:
        fcntl.flock(self._handle, fcntl.LOCK_UN)
        self._handle.close()


def problems(components: list[Component], cache_root: Path) -> Iterator[tuple[Component, str]]:
    for component in components:
        problem = cache_problem(cache_root / component.cache_name, component)
        if problem is not None:
            yield component, problem


def binary_paths(components: list[Component], cache_root: Path) -> dict[str, str]:
    return {
        binary: str(cache_root / c.cache_name / binary) for c in components for binary in c.binaries
    }


def ensure(components: list[Component], cache_root: Path) -> list[str]:
    """Build what is missing or corrupt; return the names of the components built."""
    with CacheLock(cache_root):
        todo = list(problems(components, cache_root))
        if todo:
            go_error = go_problem(components)
            if go_error:
                raise BuildError(go_error)
        start = time.monotonic()
        for component, problem in todo:
            say(f"{component.name} {component.version}: {problem}; building into {cache_root / component.cache_name}")
            build(component, cache_root / component.cache_name, cache_root)
        if todo:
            say(f"all built in {elapsed(time.monotonic() - start)}")
        return [component.name for component, _ in todo]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("cache_dir", type=Path, help="cache directory for the built binaries")
    parser.add_argument("--plan", action="store_true", help="only report what would be built and whether Go can")
    parser.add_argument("--log", type=Path, help="also append progress lines to this file")
    parser.add_argument(
        "--build-dir", type=Path, default=BUILD_DIR,
        help="folder of components.json and the wrapper modules (default: the sim cluster's)",
    )
    args = parser.parse_args(argv)
    setup_logging(args.log)
    cache_root: Path = args.cache_dir.expanduser().resolve()
    components = load_components(args.build_dir)
    result: dict[str, object] = {"binaries": binary_paths(components, cache_root)}
    try:
        if args.plan:
            missing = [c.name for c, _ in problems(components, cache_root)]
            result.update(missing=missing, go_error=go_problem(components) if missing else None)
        else:
            built = ensure(components, cache_root)
            result.update(changed=bool(built), built=built)
            say(f"binaries ready in {cache_root}")
    except BuildError as err:
        LOG.error("%s", err)
        return 1
    print(json.dumps(result, sort_keys=True))
    return 0


if __name__ == "__main__":
    sys.exit(main())
