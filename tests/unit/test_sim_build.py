"""sim_build.py: builds once, trusts only intact caches, explains what Go it needs."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest

from labclass import ROOT

SCRIPT = ROOT / "roles/sim/files/sim_build.py"


def run_script(*args: str, path: str | None = None) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ)
    if path is not None:
        env["PATH"] = path
    return subprocess.run([sys.executable, str(SCRIPT), *args], capture_output=True, text=True, env=env, check=False)


def test_builds_once_then_reuses_the_cache(tmp_path: Path, hello_build_dir: Path) -> None:
    first = run_script("--build-dir", str(hello_build_dir), str(tmp_path))
    assert first.returncode == 0, first.stderr
    result = json.loads(first.stdout)
    assert result["built"] == ["hello"]
    hello = Path(result["binaries"]["hello"])
    assert subprocess.run([hello], capture_output=True, text=True, check=True).stdout.startswith("Hello")
    built_at = hello.stat().st_mtime_ns

    second = json.loads(run_script("--build-dir", str(hello_build_dir), str(tmp_path)).stdout)
    assert second == {**result, "built": [], "changed": False}
    assert hello.stat().st_mtime_ns == built_at


def test_a_corrupt_binary_is_rebuilt_not_trusted(tmp_path: Path, hello_build_dir: Path) -> None:
    result = json.loads(run_script("--build-dir", str(hello_build_dir), str(tmp_path)).stdout)
    hello = Path(result["binaries"]["hello"])
    hello.write_bytes(hello.read_bytes()[:4096])

    plan = json.loads(run_script("--plan", "--build-dir", str(hello_build_dir), str(tmp_path)).stdout)
    assert plan["missing"] == ["hello"]
    rebuild = run_script("--build-dir", str(hello_build_dir), str(tmp_path))
    assert "is not the file that was built" in rebuild.stderr
    assert json.loads(rebuild.stdout)["built"] == ["hello"]
    assert subprocess.run([hello], capture_output=True, text=True, check=True).stdout.startswith("Hello")


def test_a_cache_without_manifest_is_rebuilt(tmp_path: Path, hello_build_dir: Path) -> None:
    result = json.loads(run_script("--build-dir", str(hello_build_dir), str(tmp_path)).stdout)
    (Path(result["binaries"]["hello"]).parent / "manifest.json").unlink()
    rebuild = run_script("--build-dir", str(hello_build_dir), str(tmp_path))
    assert "manifest is missing" in rebuild.stderr
    assert json.loads(rebuild.stdout)["built"] == ["hello"]


def test_without_go_the_plan_and_the_build_say_what_to_install(tmp_path: Path, hello_build_dir: Path) -> None:
    no_go = "/usr/sbin:/usr/bin:/sbin:/bin"
    plan = json.loads(run_script("--plan", "--build-dir", str(hello_build_dir), str(tmp_path), path=no_go).stdout)
    assert plan["missing"] == ["hello"]
    assert "no `go` is on PATH" in plan["go_error"] and "install Go" in plan["go_error"]
    build = run_script("--build-dir", str(hello_build_dir), str(tmp_path), path=no_go)
    assert build.returncode == 1
    assert "install Go" in build.stderr
    assert not any(tmp_path.glob("hello-*"))


def test_an_old_go_is_refused_naming_both_versions(sim_build: ModuleType) -> None:
    problem = sim_build.go_version_problem("/opt/go/bin/go", "go1.21.13", (1, 26))
    assert "go1.21.13" in problem and "Go 1.26 or newer" in problem
    assert sim_build.go_version_problem("go", "go1.26.8", (1, 26)) is None
    assert sim_build.go_version_problem("go", "go1.30.0", (1, 26)) is None


def test_the_components_pin_the_versions_of_the_design(sim_build: ModuleType) -> None:
    versions = {c.name: c.version for c in sim_build.load_components(sim_build.BUILD_DIR)}
    assert versions["kubernetes"] == "v1.37.2"
    assert versions["etcd"].startswith("v3.6.")
    assert versions["kwok"] == "v0.8.0"


def test_every_kubernetes_staging_module_is_replaced_by_its_published_release() -> None:
    gomod = (ROOT / "roles/sim/files/build/kubernetes/go.mod").read_text()
    replaced = [line.split() for line in gomod.splitlines() if "=>" in line]
    assert len(replaced) >= 30
    assert all(old == new and version == "v0.37.2" for old, _, new, version in replaced)
