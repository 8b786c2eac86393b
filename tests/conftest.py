"""Fixtures: a real sim cluster for the session (one per pytest worker), a namespace per test."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from kube import Kubectl, sim_binaries
from labclass import LabClass, standing


@pytest.fixture(scope="session")
def binaries() -> dict[str, Path]:
    return sim_binaries()


# What the inventory gives carol as her Grafana password (alice and bob get generated ones).
GRAFANA_GIVEN_PASSWORD = "carol-from-the-vault-7"


@pytest.fixture(scope="session")
def sim_class(tmp_path_factory: pytest.TempPathFactory, binaries: dict[str, Path]) -> Iterator[LabClass]:
    """The class `pytest`, brought up by site.yml and torn down by teardown.yml. The cluster tier's workers
    (pytest-xdist, a module on one worker) each have their own: `pytest-gw1` on other ports, and so on."""
    options = {"grafana_admin_passwords": {"carol": GRAFANA_GIVEN_PASSWORD}}
    worker = os.environ.get("PYTEST_XDIST_WORKER", "gw0")
    name, port_base = ("pytest", 16480) if worker == "gw0" else (f"pytest-{worker}", 16600 + 10 * int(worker[2:]))
    with standing(LabClass(name, tmp_path_factory.mktemp("pytest-class"), port_base=port_base, options=options)) as lab:
        yield lab


@pytest.fixture(scope="session")
def admin(sim_class: LabClass, binaries: dict[str, Path]) -> Kubectl:
    return Kubectl(binaries["kubectl"], sim_class.admin_kubeconfig)


@pytest.fixture
def ns(admin: Kubectl) -> Iterator[Kubectl]:
    """kubectl bound to a fresh namespace, deleted after the test."""
    name = f"t-{uuid.uuid4().hex[:8]}"
    admin.run("create", "namespace", name)
    yield admin.in_namespace(name)
    admin.run("delete", "namespace", name, "--wait=false")
