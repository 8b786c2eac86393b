"""The sim cluster's binaries as built and cached (the cluster tier needs them; `make check` does not)."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest


@pytest.mark.parametrize("binary", ["kube-apiserver", "kube-controller-manager", "kube-scheduler"])
def test_the_built_control_plane_reports_its_release(binaries: dict[str, Path], binary: str) -> None:
    out = subprocess.run([binaries[binary], "--version"], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "Kubernetes v1.37.2"
