"""The Kubernetes Dashboard of the class: upstream's pinned release, no skip-login, a ServiceAccount of few rights."""

from __future__ import annotations

import base64
import json

import yaml

from kube import Kubectl
from labclass import LabClass

DASHBOARD_SA = "system:serviceaccount:kubernetes-dashboard:kubernetes-dashboard"


def can(admin: Kubectl, *args: str) -> bool:
    answer = admin.run("auth", "can-i", f"--as={DASHBOARD_SA}", *args, check=False).stdout.strip()
    return answer == "yes"


def test_the_dashboard_is_the_pinned_release_and_asks_for_a_login(admin: Kubectl) -> None:
    dashboard = admin.in_namespace("kubernetes-dashboard").get("deployment", "kubernetes-dashboard")
    container = dashboard["spec"]["template"]["spec"]["containers"][0]
    assert container["image"] == "kubernetesui/dashboard:v2.7.0"
    assert container["args"] == ["--auto-generate-certificates", "--namespace=kubernetes-dashboard"]
    assert dashboard["status"]["availableReplicas"] == 1



def test_students_reach_the_dashboard_on_a_nodeport_outside_their_blocks_as_their_user_info_says(
    admin: Kubectl, sim_class: LabClass
) -> None:
    service = admin.in_namespace("kubernetes-dashboard").get("service", "kubernetes-dashboard")
    assert service["spec"]["type"] == "NodePort"
    assert [port["nodePort"] for port in service["spec"]["ports"]] == [30099]
    for student in ("alice", "bob", "carol"):
        info = yaml.safe_load((sim_class.student_dir(student) / "user-info.yaml").read_text())
        assert {"name": "kubernetes-dashboard", "type": "NodePort", "namespace": "kubernetes-dashboard",
                "nodePort": 30099} in info["services"]
        block = info["nodeports"]
        assert not block["first"] <= 30099 <= block["last"]


def test_the_dashboards_own_rights_reach_no_student(admin: Kubectl) -> None:
    assert can(admin, "get", "secret/kubernetes-dashboard-csrf", "-n", "kubernetes-dashboard")
    for denied in (
        ("list", "secrets", "--all-namespaces"),
        ("get", "pods", "-n", "alice"),
        ("get", "secret/emailservice-user-pass", "-n", "alice"),
        ("create", "pods", "-n", "kubernetes-dashboard"),
        ("list", "namespaces"),
    ):
        assert not can(admin, *denied), denied
    bindings = admin.get("clusterrolebindings")["items"]
    to_dashboard = [b for b in bindings if any(s.get("namespace") == "kubernetes-dashboard" for s in b.get("subjects") or [])]
    assert [b["roleRef"]["name"] for b in to_dashboard] == ["kubernetes-dashboard"], "never cluster-admin"
    rules = admin.get("clusterrole", "kubernetes-dashboard")["rules"]
    assert rules == [{"apiGroups": ["metrics.k8s.io"], "resources": ["pods", "nodes"], "verbs": ["get", "list", "watch"]}]


def test_a_rerun_keeps_what_the_dashboard_wrote_in_its_secrets(sim_class: LabClass, admin: Kubectl) -> None:
    dashboard = admin.in_namespace("kubernetes-dashboard")
    key = base64.b64encode(b"the Dashboard's own csrf key").decode()
    dashboard.run("patch", "secret", "kubernetes-dashboard-csrf", "-p", json.dumps({"data": {"csrf": key}}))
    rerun = sim_class.up("--limit", "alice")
    assert rerun.changed == 0, rerun.changed_tasks()
    assert dashboard.get("secret", "kubernetes-dashboard-csrf")["data"]["csrf"] == key
