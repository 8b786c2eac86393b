"""kubelab.lab.entry_points: the roles that declare an entry point, found on the roles path."""

from __future__ import annotations

from pathlib import Path

import pytest

from ansible.errors import AnsibleLookupError
from ansible_collections.kubelab.lab.plugins.lookup.entry_points import LookupModule


def role(root: Path, name: str, specs: str | None) -> None:
    (root / name / "tasks").mkdir(parents=True)
    if specs is not None:
        (root / name / "meta").mkdir()
        (root / name / "meta" / "argument_specs.yml").write_text(specs)


def test_only_the_roles_that_declare_the_entry_point_are_kept_in_the_order_named(tmp_path: Path) -> None:
    role(tmp_path / "roles", "web", "argument_specs: {main: {}, preflight: {options: {}}}")
    role(tmp_path / "roles", "db", "argument_specs: {main: {}}")
    role(tmp_path / "roles", "bare", None)
    role(tmp_path / "roles", "cache", "argument_specs:\n  preflight: {}\n")
    found = LookupModule().run(["web", "db", "bare", "cache"], {"playbook_dir": str(tmp_path)}, entry_point="preflight")
    assert found == ["web", "cache"]


def test_a_role_on_no_roles_path_is_named(tmp_path: Path) -> None:
    with pytest.raises(AnsibleLookupError, match="role nowhere is on no roles path"):
        LookupModule().run(["nowhere"], {"playbook_dir": str(tmp_path)}, entry_point="preflight")
