"""The class on the foreign cluster after converge; a kubeconfig without rights is refused."""

from __future__ import annotations

import os
from pathlib import Path

from kube import Kubectl, sim_binaries
from labclass import ROOT, PlaybookRun, run_playbook

testinfra_hosts = ["local://"]

FOREIGN = Kubectl(sim_binaries()["kubectl"], Path(os.environ["MOLECULE_EPHEMERAL_DIRECTORY"]) / "foreign/admin.kubeconfig")
INVENTORY = Path(os.environ["MOLECULE_SCENARIO_DIRECTORY"]) / "inventory"
OUTPUT = ROOT / "output"


def class_namespaces(lab_class: str) -> list[str]:
    items = FOREIGN.get("namespaces", "-l", f"kubelab.io/class={lab_class}")["items"]
    return sorted(item["metadata"]["name"] for item in items)


def site(*args: str) -> PlaybookRun:
    return run_playbook("site.yml", "-i", str(INVENTORY), *args)


def test_every_student_has_a_namespace_on_the_foreign_cluster_and_the_class_its_dashboard() -> None:
    assert class_namespaces("byo") == ["byo-dave", "byo-erin", "kubernetes-dashboard"]


def test_the_admin_kubeconfig_is_a_private_copy() -> None:
    assert (OUTPUT / "byo/admin.kubeconfig").stat().st_mode & 0o777 == 0o600


def test_a_student_works_in_their_own_namespace() -> None:
    dave = Kubectl(FOREIGN.binary, OUTPUT / "byo/dave/kubeconfig")
    assert [d["metadata"]["name"] for d in dave.get("deployments")["items"]] == [
        "emailservice-deployment-demo", "game-2048", "grafana", "redis-cart"
    ]
    assert "forbidden" in dave.run("get", "pods", "-n", "byo-erin", check=False).stderr


def test_a_kubeconfig_without_rights_is_refused_and_changes_nothing() -> None:
    students_kubeconfig = OUTPUT / "byo/dave/kubeconfig"
    run = site("-e", "lab_class=denied", "-e", f"existing_kubeconfig={students_kubeconfig}")
    assert run.failed
    assert f"{students_kubeconfig} (context current): its user may not create namespaces" in run.messages()
    assert not (OUTPUT / "denied").exists()
    assert class_namespaces("denied") == []
