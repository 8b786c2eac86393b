"""The `existing` provider: a class on a cluster kubelab did not make, reached through a kubeconfig only.

The foreign cluster is the session's sim cluster; its admin identity reaches it
through an exec credential plugin, as EKS and GKE kubeconfigs do.
"""

from __future__ import annotations

import base64
import json
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml

from kube import Kubectl
from labclass import LabClass, PlaybookRun, standing

STUDENTS = ("dave", "erin")
EXTERNAL = "10.250.0.7"


def exec_kubeconfig(admin_kubeconfig: Path, workdir: Path) -> Path:
    """A kubeconfig of two contexts whose admin user gets its certificate from a credential plugin."""
    config = yaml.safe_load(admin_kubeconfig.read_text())
    user = config["users"][0]["user"]
    credential = {
        "apiVersion": "client.authentication.k8s.io/v1",
        "kind": "ExecCredential",
        "status": {
            "clientCertificateData": base64.b64decode(user["client-certificate-data"]).decode(),
            "clientKeyData": base64.b64decode(user["client-key-data"]).decode(),
        },
    }
    plugin = workdir / "credential-plugin"
    plugin.write_text(f"#!/bin/sh\ncat <<'EOF'\n{json.dumps(credential)}\nEOF\n")
    plugin.chmod(0o700)
    cluster = config["clusters"][0]
    config = {
        "apiVersion": "v1",
        "kind": "Config",
        "clusters": [cluster, {"name": "elsewhere", "cluster": {"server": "https://127.0.0.1:1"}}],
        "users": [
            {
                "name": "instructor",
                "user": {
                    "exec": {
                        "apiVersion": "client.authentication.k8s.io/v1",
                        "command": str(plugin),
                        "interactiveMode": "Never",
                    }
                },
            }
        ],
        "contexts": [
            {"name": "elsewhere", "context": {"cluster": "elsewhere", "user": "instructor"}},
            {"name": "university", "context": {"cluster": cluster["name"], "user": "instructor"}},
        ],
        "current-context": "elsewhere",
    }
    path = workdir / "instructor.kubeconfig"
    path.touch(mode=0o600)
    path.write_text(yaml.safe_dump(config))
    return path


def byo_class(workdir: Path, kubeconfig: Path, name: str = "byo", context: str = "university") -> LabClass:
    options = {
        "lab_provider": "existing",
        "existing_kubeconfig": str(kubeconfig),
        "existing_context": context,
        "student_namespace_prefix": f"{name}-",
        # The session's sim class holds the NodePorts from 30100 on this cluster.
        "student_nodeport_base": 31100,
        # The university's machine outside the cluster, in a private range.
        "lab_external_host": {"address": EXTERNAL},
    }
    return LabClass(name, workdir, port_base=0, students=STUDENTS, options=options)


@pytest.fixture(scope="module")
def instructor_kubeconfig(sim_class: LabClass, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return exec_kubeconfig(sim_class.admin_kubeconfig, tmp_path_factory.mktemp("instructor"))


@pytest.fixture(scope="module")
def lab(instructor_kubeconfig: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[LabClass]:
    with standing(byo_class(tmp_path_factory.mktemp("byo"), instructor_kubeconfig)) as lab:
        yield lab


def class_namespaces(admin: Kubectl, name: str) -> list[str]:
    items = admin.get("namespaces", "-l", f"kubelab.io/class={name}")["items"]
    return sorted(item["metadata"]["name"] for item in items)


def assert_refused_unchanged(run: PlaybookRun, lab: LabClass, admin: Kubectl, *named: str) -> None:
    assert run.failed
    for text in named:
        assert text in run.messages(), f"{text!r} not named in: {run.messages()}"
    assert not lab.output_dir.exists(), "the class's output folder was made"
    assert class_namespaces(admin, lab.name) == []


def test_every_student_gets_a_namespace_on_the_existing_cluster(lab: LabClass, admin: Kubectl) -> None:
    assert class_namespaces(admin, "byo") == ["byo-dave", "byo-erin"]


def test_the_tutorial_deployment_rolls_out_there(lab: LabClass, admin: Kubectl) -> None:
    for student in STUDENTS:
        deployment = admin.in_namespace(f"byo-{student}").get("deployment", "emailservice-deployment-demo")
        assert deployment["status"].get("availableReplicas") == 3


def test_a_rerun_changes_nothing(lab: LabClass) -> None:
    rerun = lab.up()
    assert rerun.changed == 0, rerun.changed_tasks()


def test_the_admin_kubeconfig_is_the_chosen_context_alone_and_private(lab: LabClass) -> None:
    assert lab.admin_kubeconfig.stat().st_mode & 0o777 == 0o600
    config = yaml.safe_load(lab.admin_kubeconfig.read_text())
    assert [c["name"] for c in config["contexts"]] == ["university"]
    assert config["current-context"] == "university"
    assert "certificate-authority-data" in config["clusters"][0]["cluster"]


def test_a_student_works_in_their_namespace_only(lab: LabClass, binaries: dict[str, Path]) -> None:
    dave = Kubectl(binaries["kubectl"], lab.student_dir("dave") / "kubeconfig")
    assert dave.get("deployments")["items"], "dave sees his own Deployment"
    assert "forbidden" in dave.run("get", "pods", "-n", "byo-erin", check=False).stderr


def endpoint_slice(name: str, address: str) -> dict[str, object]:
    return {"apiVersion": "discovery.k8s.io/v1", "kind": "EndpointSlice",
            "metadata": {"name": name, "labels": {"kubernetes.io/service-name": "mine"}},
            "addressType": "IPv4", "ports": [{"port": 80}], "endpoints": [{"addresses": [address]}]}


def test_the_inventorys_external_host_is_reachable_in_a_private_range_and_no_other_address_there(
    lab: LabClass, admin: Kubectl, binaries: dict[str, Path]
) -> None:
    info = yaml.safe_load((lab.student_dir("dave") / "user-info.yaml").read_text())
    assert info["external_host"] == {"address": EXTERNAL, "port": 80}
    slices = admin.in_namespace("byo-dave").get("endpointslices", "-l", "kubernetes.io/service-name=external-web")
    assert [s["endpoints"][0]["addresses"] for s in slices["items"]] == [[EXTERNAL]]
    policy = admin.in_namespace("byo-dave").get("networkpolicy", "isolate-student")["spec"]
    assert {"ipBlock": {"cidr": f"{EXTERNAL}/32"}} in [to for rule in policy["egress"] for to in rule["to"]]
    dave = Kubectl(binaries["kubectl"], lab.student_dir("dave") / "kubeconfig")
    dave.apply(endpoint_slice("to-the-external-host", EXTERNAL))
    refused = dave.run("apply", "-f", "-", stdin=yaml.safe_dump(endpoint_slice("elsewhere", "10.250.0.8")),
                       check=False)
    assert refused.returncode != 0 and f"external hosts of the class: {EXTERNAL}/32" in refused.stderr


def test_a_kubeconfig_without_rights_fails_before_anything_changes(
    lab: LabClass, admin: Kubectl, tmp_path: Path
) -> None:
    student_kubeconfig = lab.student_dir("dave") / "kubeconfig"
    denied = byo_class(tmp_path, student_kubeconfig, name="denied", context="")
    run = denied.playbook("site.yml")
    assert_refused_unchanged(run, denied, admin, str(student_kubeconfig), "may not create namespaces")


def test_nodeports_another_class_holds_are_refused_before_any_namespace_is_made(
    instructor_kubeconfig: Path, admin: Kubectl, sim_class: LabClass, tmp_path: Path
) -> None:
    clash = byo_class(tmp_path, instructor_kubeconfig, name="clash")
    clash.options["student_nodeport_base"] = 30100  # the session class's blocks
    clash.write_inventory()
    run = clash.playbook("site.yml")
    assert run.failed
    assert "dave's NodePort 30100 is held by Service alice/my-emailservice-external" in run.messages()
    assert "another student_nodeport_base" in run.messages()
    assert class_namespaces(admin, "clash") == []


def test_an_unreachable_cluster_fails_naming_the_kubeconfig_and_context(
    instructor_kubeconfig: Path, admin: Kubectl, tmp_path: Path
) -> None:
    away = byo_class(tmp_path, instructor_kubeconfig, name="away", context="elsewhere")
    run = away.playbook("site.yml")
    assert_refused_unchanged(run, away, admin, str(instructor_kubeconfig), "context elsewhere", "cannot reach")


def test_a_class_without_existing_kubeconfig_is_refused(admin: Kubectl, tmp_path: Path) -> None:
    unset = byo_class(tmp_path, Path(), name="unset")
    run = unset.playbook("site.yml", "-e", "existing_kubeconfig=''")
    assert_refused_unchanged(run, unset, admin, "existing_kubeconfig is not set")


def test_a_namespace_someone_else_has_is_refused_and_survives_teardown(
    instructor_kubeconfig: Path, admin: Kubectl, tmp_path: Path
) -> None:
    admin.run("create", "namespace", "taken-dave")
    try:
        taken = byo_class(tmp_path, instructor_kubeconfig, name="taken")
        run = taken.playbook("site.yml")
        assert run.failed
        assert "taken-dave (for dave; its labels: kubelab.io/class=none, kubelab.io/student=none)" in run.messages()
        assert class_namespaces(admin, "taken") == []
        taken.down()
        assert admin.get("namespace", "taken-dave")["status"]["phase"] == "Active"
    finally:
        admin.run("delete", "namespace", "taken-dave", "--wait=false")


def test_the_dashboard_another_class_runs_is_left_alone(lab: LabClass, admin: Kubectl, sim_class: LabClass) -> None:
    labels = admin.get("namespace", "kubernetes-dashboard")["metadata"]["labels"]
    assert labels["kubelab.io/class"] == sim_class.name
    said = [r.get("msg", "") for r in lab.up().results("Say which clusters keep the Dashboard they have")]
    assert any("class byo did not make: kubelab leaves that Dashboard alone" in m for m in said), said


def test_the_class_brings_its_own_admission_policies(lab: LabClass, admin: Kubectl) -> None:
    policies = admin.get("validatingadmissionpolicies", "-l", "kubelab.io/class=byo")["items"]
    assert {p["metadata"]["name"] for p in policies} == {
        f"kubelab-byo-{name}" for name in ("pods", "nodeports", "token-secrets", "endpoints", "endpointslices")
    }
    # Its inventory gives no class registry: no repository of a student's to pull always.
    assert admin.get("mutatingadmissionpolicies", "-l", "kubelab.io/class=byo")["items"] == []
    dave = admin.in_namespace("byo-dave")
    refused = dave.run("create", "service", "nodeport", "far", "--tcp=80:80", "--node-port=31200", "--dry-run=server", check=False)
    assert "NodePort 31200 is outside your block 31100-31109" in refused.stderr


def test_teardown_from_a_fresh_controller_removes_the_class_and_leaves_the_cluster(
    lab: LabClass, admin: Kubectl, sim_class: LabClass
) -> None:
    shutil.rmtree(lab.output_dir)
    lab.down()
    assert class_namespaces(admin, "byo") == []
    for kind in ("validatingadmissionpolicies", "validatingadmissionpolicybindings"):
        assert admin.get(kind, "-l", "kubelab.io/class=byo")["items"] == []
        assert admin.get(kind, "-l", f"kubelab.io/class={sim_class.name}")["items"], "the other class keeps its own"
    assert class_namespaces(admin, sim_class.name), "the cluster's own class is still there"
    assert not lab.output_dir.exists()
