"""A class that changes: adding, rebuilding and removing single students; tokens; full teardown."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from kube import Kubectl
from labclass import LabClass, standing
from procs import cluster_pids

ACCESS_TASK = "Write every student's kubeconfig and user-info, renewing only expired tokens"
CLASS_KINDS = "namespaces,rolebindings,clusterrolebindings,roles,serviceaccounts"
STUDENT_KINDS = "serviceaccounts,roles,rolebindings,resourcequotas,limitranges,networkpolicies"
# Online Boutique's eleven services and redis-cart.
SHOP = {
    "emailservice", "checkoutservice", "recommendationservice", "frontend", "paymentservice", "productcatalogservice",
    "cartservice", "loadgenerator", "currencyservice", "shippingservice", "adservice", "redis-cart",
}


@pytest.fixture(scope="module")
def lab(tmp_path_factory: pytest.TempPathFactory, binaries: dict[str, Path]) -> Iterator[LabClass]:
    with standing(LabClass("roster", tmp_path_factory.mktemp("roster"), port_base=16510, students=("alice", "bob"))) as lab:
        yield lab


@pytest.fixture(scope="module")
def admin(lab: LabClass, binaries: dict[str, Path]) -> Kubectl:
    return Kubectl(binaries["kubectl"], lab.admin_kubeconfig)


def content(obj: dict[str, Any]) -> str:
    """An object as written, its uid included: without the status and the version that its controllers change
    (a ResourceQuota's counts move whenever the CronJob's pods come and go)."""
    meta = {k: v for k, v in obj["metadata"].items() if k not in ("resourceVersion", "managedFields")}
    return json.dumps({**{k: v for k, v in obj.items() if k != "status"}, "metadata": meta}, sort_keys=True)


def fingerprint(lab: LabClass, admin: Kubectl, student: str) -> dict[str, str]:
    """Each of the student's objects as written, and the mtime of their files."""
    objects = admin.get(STUDENT_KINDS, "-n", student, "-l", "kubelab.io/class=roster")["items"]
    found = {f"{o['kind']}/{o['metadata']['name']}": content(o) for o in objects}
    found["Namespace"] = content(admin.get("namespace", student))
    for name in ("kubeconfig", "user-info.yaml"):
        found[name] = str((lab.student_dir(student) / name).stat().st_mtime_ns)
    return found


def renewed(run_result: list[dict[str, object]]) -> set[str]:
    students = run_result[0]["students"]
    assert isinstance(students, dict)
    return {name for name, outcome in students.items() if outcome["renewed"]}


def token(lab: LabClass, student: str) -> str:
    config = yaml.safe_load((lab.student_dir(student) / "kubeconfig").read_text())
    value: str = config["users"][0]["user"]["token"]
    return value


def test_a_rerun_changes_nothing(lab: LabClass) -> None:
    run = lab.up()
    assert run.changed == 0, run.changed_tasks()
    assert renewed(run.results(ACCESS_TASK)) == set()


def test_adding_a_student_touches_only_that_student(lab: LabClass, admin: Kubectl) -> None:
    before = {s: fingerprint(lab, admin, s) for s in ("alice", "bob")}
    lab.students = ("alice", "bob", "dave")
    lab.write_inventory()
    run = lab.up()
    assert renewed(run.results(ACCESS_TASK)) == {"dave"}
    assert {s: fingerprint(lab, admin, s) for s in ("alice", "bob")} == before
    assert (lab.student_dir("dave") / "kubeconfig").exists()


def test_limit_rebuilds_one_student(lab: LabClass, admin: Kubectl) -> None:
    admin.run("delete", "rolebinding", "student", "-n", "alice")
    (lab.student_dir("alice") / "kubeconfig").unlink()
    bob = fingerprint(lab, admin, "bob")
    run = lab.up("--limit", "alice")
    assert renewed(run.results(ACCESS_TASK)) == {"alice"}
    assert admin.get("rolebinding", "student", "-n", "alice")["subjects"][0]["namespace"] == "alice"
    assert fingerprint(lab, admin, "bob") == bob


def test_a_rejected_token_is_renewed_and_the_others_kept(lab: LabClass) -> None:
    kubeconfig = lab.student_dir("bob") / "kubeconfig"
    config = yaml.safe_load(kubeconfig.read_text())
    alices_token = token(lab, "alice")
    config["users"][0]["user"]["token"] = alices_token  # valid, but for the wrong account
    kubeconfig.write_text(yaml.safe_dump(config))
    run = lab.up()
    assert renewed(run.results(ACCESS_TASK)) == {"bob"}
    assert token(lab, "bob") != alices_token
    assert token(lab, "alice") == alices_token


def test_tokens_due_for_renewal_are_renewed_and_reported(lab: LabClass) -> None:
    old = token(lab, "alice")
    run = lab.up("-e", "student_token_renew_hours=25")  # more than the 24 h a token lives
    assert renewed(run.results(ACCESS_TASK)) == {"alice", "bob", "dave"}
    assert run.changed > 0 and token(lab, "alice") != old
    assert lab.up().changed == 0


def test_the_whole_online_boutique_on_request(lab: LabClass, admin: Kubectl) -> None:
    run = lab.up("-e", "online_boutique_full=true", "--limit", "alice")
    assert run.changed > 0
    shop = admin.in_namespace("alice").get("deployments")["items"]
    ready = {d["metadata"]["name"] for d in shop if d["status"].get("availableReplicas") == 1}
    assert SHOP <= ready, SHOP - ready


def test_teardown_limit_removes_exactly_that_student(lab: LabClass, admin: Kubectl) -> None:
    alice = fingerprint(lab, admin, "alice")
    lab.down("--limit", "bob")
    assert admin.run("get", "namespace", "bob", check=False).returncode != 0
    assert not lab.student_dir("bob").exists()
    assert fingerprint(lab, admin, "alice") == alice
    assert len(cluster_pids(lab.cluster_dir)) == 5


def test_removing_every_student_leaves_nothing_of_theirs(lab: LabClass, admin: Kubectl) -> None:
    lab.down("--limit", "students")
    assert admin.get(CLASS_KINDS, "-A", "-l", "kubelab.io/class=roster,kubelab.io/student")["items"] == []
    # What the class has once per cluster (its admission policies, the Dashboard) stays with the cluster.
    namespaces = admin.get("namespaces", "-l", "kubelab.io/class=roster")["items"]
    assert [n["metadata"]["name"] for n in namespaces] == ["kubernetes-dashboard"]
    assert sorted(p.name for p in lab.output_dir.iterdir()) == [".sim", "admin.kubeconfig"]


def test_teardown_removes_the_class(lab: LabClass) -> None:
    lab.down()
    assert not lab.output_dir.exists()
    assert cluster_pids(lab.cluster_dir) == []
