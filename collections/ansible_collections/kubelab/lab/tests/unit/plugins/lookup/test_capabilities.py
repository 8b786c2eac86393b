"""kubelab.lab.capabilities: what a provider's clusters are, declared by the provider, checked."""

from __future__ import annotations

from pathlib import Path

import pytest

from ansible.errors import AnsibleLookupError
from ansible_collections.kubelab.lab.plugins.lookup.capabilities import CAPABILITIES, LookupModule, checked

ALL = {name: False for name in CAPABILITIES}


def test_a_full_declaration_is_returned_as_declared() -> None:
    assert checked("ec2", {**ALL, "cluster_per_student": True}) == {**ALL, "cluster_per_student": True}


def test_a_missing_unknown_or_non_boolean_capability_is_refused_by_name() -> None:
    declared = {"cluster_per_student": "yes", "cluster_goes_with_class": True, "gpu": True}
    with pytest.raises(ValueError) as refused:
        checked("odd", declared)
    assert str(refused.value) == (
        "provider odd declares its capabilities wrongly (missing: cluster_shared_with_others; unknown: gpu; "
        "not true or false: cluster_per_student)"
    )
    with pytest.raises(ValueError, match="missing: cluster_per_student, cluster_goes_with_class"):
        checked("empty", None)


def test_the_lookup_reads_the_providers_vars_and_names_a_provider_without_them(tmp_path: Path) -> None:
    role = tmp_path / "roles" / "cloud"
    (role / "tasks").mkdir(parents=True)
    (role / "vars").mkdir()
    (role / "vars" / "capabilities.yml").write_text(
        "cloud_capabilities:\n  cluster_per_student: true\n  cluster_goes_with_class: true\n"
        "  cluster_shared_with_others: false\n"
    )
    (tmp_path / "roles" / "bare" / "tasks").mkdir(parents=True)
    lookup = LookupModule()
    assert lookup.run(["cloud"], {"playbook_dir": str(tmp_path)}) == [
        {"cluster_per_student": True, "cluster_goes_with_class": True, "cluster_shared_with_others": False}
    ]
    with pytest.raises(AnsibleLookupError, match="provider bare has no roles/bare/vars/capabilities.yml"):
        lookup.run(["bare"], {"playbook_dir": str(tmp_path)})


def test_every_provider_of_kubelab_declares_all_of_them() -> None:
    root = Path(__file__).resolve().parents[8]
    for provider in ("sim", "minikube", "existing", "ec2"):
        assert LookupModule().run([provider], {"playbook_dir": str(root)})[0].keys() == set(CAPABILITIES)
