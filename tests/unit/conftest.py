"""The build script of the sim provider, imported from its role."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest

from labclass import ROOT


@pytest.fixture(scope="session")
def sim_build() -> ModuleType:
    spec = importlib.util.spec_from_file_location("sim_build", ROOT / "roles/sim/files/sim_build.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="session")
def hello_build_dir() -> Path:
    """A tiny real wrapper module, built like the sim components are."""
    return Path(__file__).resolve().parent / "gomod"
