"""kubelab.lab.k8s_delete on the session's cluster: only what carries the label, a gone object is success."""

from __future__ import annotations

import json
import uuid
from typing import Any

import pytest

from kube import Kubectl
from labclass import PlaybookRun, run_playbook

LABEL = "kubelab.io/class=delete-test"


def delete(admin: Kubectl, **args: Any) -> PlaybookRun:
    extra = {"delete_kubeconfig": str(admin.kubeconfig), "delete_selector": LABEL, **args}
    return run_playbook("tests/cluster/playbooks/k8s_delete.yml", "-e", json.dumps(extra))


def result(run: PlaybookRun) -> dict[str, Any]:
    assert not run.failed, run.messages()
    return run.results("Delete what the test names")[0]


@pytest.fixture
def suffix() -> str:
    return uuid.uuid4().hex[:6]


def labelled_namespace(admin: Kubectl, name: str) -> None:
    admin.run("create", "namespace", name)
    admin.run("label", "namespace", name, LABEL)


def test_named_namespaces_go_unless_gone_already_or_someone_elses(admin: Kubectl, suffix: str) -> None:
    ours, foreign, gone = f"ours-{suffix}", f"foreign-{suffix}", f"gone-{suffix}"
    labelled_namespace(admin, ours)
    admin.run("create", "namespace", foreign)
    try:
        done = result(delete(admin, delete_api_version="v1", delete_resource="namespaces",
                             delete_names=[ours, foreign, gone], delete_wait=60))
        assert (done["deleted"], done["gone"], done["kept"]) == ([ours], [gone], [foreign])
        assert done["changed"]
        assert admin.run("get", "namespace", ours, check=False).returncode != 0, "waited until it was gone"
        assert admin.get("namespace", foreign)["metadata"]["name"] == foreign
    finally:
        admin.run("delete", "namespace", foreign, "--wait=false")


def test_a_namespace_of_the_class_but_another_student_is_kept(admin: Kubectl, suffix: str) -> None:
    alice, bob = f"alice-{suffix}", f"bob-{suffix}"
    for name, student in ((alice, alice), (bob, "mallory")):
        labelled_namespace(admin, name)
        admin.run("label", "namespace", name, f"kubelab.io/student={student}")
    try:
        done = result(delete(admin, delete_api_version="v1", delete_resource="namespaces", delete_names=[alice, bob],
                             delete_owner_label="kubelab.io/student", delete_owners={alice: alice, bob: bob}))
        assert (done["deleted"], done["gone"], done["kept"]) == ([alice], [], [bob])
        assert admin.get("namespace", bob)["metadata"]["labels"]["kubelab.io/student"] == "mallory"
    finally:
        admin.run("delete", "namespace", alice, bob, "--wait=false", check=False)


def test_every_labelled_object_goes_without_waiting_and_a_second_run_changes_nothing(
    admin: Kubectl, suffix: str
) -> None:
    names = [f"delete-test-{suffix}-{i}" for i in range(3)]
    for name in names:
        admin.run("create", "clusterrole", name, "--verb=get", "--resource=pods")
        admin.run("label", "clusterrole", name, LABEL)
    args = {"delete_api_version": "rbac.authorization.k8s.io/v1", "delete_resource": "clusterroles"}
    assert result(delete(admin, **args))["deleted"] == names
    again = result(delete(admin, **args))
    assert again["deleted"] == [] and not again["changed"]


def test_a_resource_the_cluster_does_not_serve_has_nothing_to_delete(admin: Kubectl) -> None:
    done = result(delete(admin, delete_api_version="example.com/v1", delete_resource="widgets"))
    assert done["deleted"] == [] and not done["changed"]
