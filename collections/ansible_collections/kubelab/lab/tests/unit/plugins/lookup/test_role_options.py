"""kubelab.lab.role_options: the options roles declare, found on the roles path."""

from __future__ import annotations

from pathlib import Path

import pytest

from ansible.errors import AnsibleLookupError
from ansible_collections.kubelab.lab.plugins.lookup.role_options import LookupModule, declared
from ansible_collections.kubelab.lab.plugins.plugin_utils.roles import find_role

SPECS = """
argument_specs:
  main:
    options: &opts
      web_port: {type: int}
      web_image: {type: str}
  preflight:
    options:
      <<: *opts
      web_check: {type: bool}
  teardown: {}
"""


def role(root: Path, name: str, specs: str | None) -> Path:
    (root / name / "tasks").mkdir(parents=True)
    if specs is not None:
        (root / name / "meta").mkdir()
        (root / name / "meta" / "argument_specs.yml").write_text(specs)
    return root / name


def test_every_entry_points_options_count_anchors_merged_and_an_empty_entry_point_none() -> None:
    import yaml

    assert declared(yaml.safe_load(SPECS)) == {"web_port", "web_image", "web_check"}
    assert declared(None) == set()


def test_the_first_roles_path_that_has_the_role_wins(tmp_path: Path) -> None:
    first, second = tmp_path / "a", tmp_path / "b"
    found = role(second, "web", None)
    (first / "web").mkdir(parents=True)  # no tasks/: not a role
    assert find_role("web", [str(first), str(second)]) == str(found)
    assert find_role("db", [str(first), str(second)]) is None


def test_the_lookup_reads_roles_beside_the_playbook_and_names_a_missing_one(tmp_path: Path) -> None:
    role(tmp_path / "roles", "web", SPECS)
    role(tmp_path / "roles", "bare", None)
    lookup = LookupModule()
    assert lookup.run(["web", "bare"], {"playbook_dir": str(tmp_path)}) == ["web_check", "web_image", "web_port"]
    with pytest.raises(AnsibleLookupError, match="role nowhere is on no roles path"):
        lookup.run(["nowhere"], {"playbook_dir": str(tmp_path)})
