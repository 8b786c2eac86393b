"""After site.yml every student has the tutorial's objects, as they work on a real cluster."""

from __future__ import annotations

import base64
from pathlib import Path
from typing import Any

import pytest
import yaml

from kube import Kubectl, ready_endpoint_ips
from labclass import ROOT, LabClass

EMAIL = "gcr.io/google-samples/microservices-demo/emailservice"
STUDENTS = ["alice", "bob", "carol"]


@pytest.fixture(params=STUDENTS)
def student(request: pytest.FixtureRequest, admin: Kubectl) -> Kubectl:
    """The admin's view of one student's namespace."""
    return admin.in_namespace(request.param)


def containers(obj: dict[str, Any]) -> list[dict[str, Any]]:
    pods: list[dict[str, Any]] = obj["spec"]["template"]["spec"]["containers"]
    return pods


def test_the_bare_pod_has_the_tutorials_labels(student: Kubectl) -> None:
    pod = student.get("pod", "emailservice-pod-test")
    labels = pod["metadata"]["labels"]
    assert (labels["project"], labels["env"], labels["release"]) == ("online-boutique", "prod", "v0.7.0-stable")
    assert pod["spec"]["containers"][0]["image"] == f"{EMAIL}:v0.7.0"
    assert pod["status"]["phase"] == "Running"


def test_the_deployment_ends_at_v080_rolled_out_from_v070(student: Kubectl) -> None:
    deployment = student.get("deployment", "emailservice-deployment-demo")
    spec = deployment["spec"]
    assert spec["replicas"] == 3 and deployment["status"]["availableReplicas"] == 3
    assert spec["selector"]["matchLabels"] == {"app": "emailservice-demo"}
    assert spec["strategy"] == {"type": "RollingUpdate", "rollingUpdate": {"maxSurge": "25%", "maxUnavailable": "25%"}}
    assert containers(deployment)[0]["image"] == f"{EMAIL}:v0.8.0"
    history = {
        rs["metadata"]["annotations"]["deployment.kubernetes.io/revision"]: containers(rs)[0]["image"]
        for rs in student.get("replicasets", "-l", "app=emailservice-demo")["items"]
        if rs["metadata"]["ownerReferences"][0]["name"] == "emailservice-deployment-demo"
    }
    assert history == {"1": f"{EMAIL}:v0.7.0", "2": f"{EMAIL}:v0.8.0"}


def test_the_deployment_reads_the_secret_as_env_and_mounts_it_and_the_templates(student: Kubectl) -> None:
    server = containers(student.get("deployment", "emailservice-deployment-demo"))[0]
    env = {e["name"]: e for e in server["env"]}
    assert env["EMAIL_SERVER"]["value"] == "smtp.gmail.com"
    for name, key in (("EMAIL_SERVER_ADMIN_USER", "username"), ("EMAIL_SERVER_ADMIN_PASSWORD", "password")):
        assert env[name]["valueFrom"]["secretKeyRef"] == {"name": "emailservice-user-pass", "key": key}
    mounts = {m["mountPath"]: m for m in server["volumeMounts"]}
    assert mounts["/etc/secret-volume"]["readOnly"] is True
    volumes = {
        v["name"]: v
        for v in student.get("deployment", "emailservice-deployment-demo")["spec"]["template"]["spec"]["volumes"]
    }
    assert volumes[mounts["/etc/secret-volume"]["name"]]["secret"]["secretName"] == "emailservice-user-pass"
    assert volumes[mounts["/email_server/templates"]["name"]]["configMap"]["name"] == "email-templates"


def test_the_secret_holds_the_inventorys_credentials(student: Kubectl) -> None:
    secret = student.get("secret", "emailservice-user-pass")
    assert secret["type"] == "Opaque"
    decoded = {key: base64.b64decode(value).decode() for key, value in secret["data"].items()}
    assert decoded == {"username": "online-boutique-emailer", "password": "39528$vdg7Jb"}


def test_the_configmap_carries_the_confirmation_template(student: Kubectl) -> None:
    template = (ROOT / "roles/emailservice/files/confirmation.html").read_text()
    assert student.get("configmap", "email-templates")["data"]["confirmation.html"].strip() == template.strip()


def test_both_services_route_to_the_deployments_pods(student: Kubectl) -> None:
    pods = {
        p["status"]["podIP"]
        for p in student.get("pods", "-l", "app=emailservice-demo")["items"]
        if p["metadata"]["ownerReferences"][0]["kind"] == "ReplicaSet"
    }
    assert len(pods) == 3
    internal = student.get("service", "my-emailservice")["spec"]
    assert internal["type"] == "ClusterIP"
    assert [(p["port"], p["targetPort"]) for p in internal["ports"]] == [(8080, 8080)]
    assert ready_endpoint_ips(student, "my-emailservice") == pods
    assert ready_endpoint_ips(student, "my-emailservice-external") == pods


def test_the_nodeport_is_the_one_in_the_students_user_info(sim_class: LabClass, student: Kubectl) -> None:
    assert student.namespace
    info = yaml.safe_load((sim_class.student_dir(student.namespace) / "user-info.yaml").read_text())
    documented = next(s["nodePort"] for s in info["services"] if s["name"] == "my-emailservice-external")
    assert documented == info["nodeports"]["first"]
    external = student.get("service", "my-emailservice-external")["spec"]
    assert external["type"] == "NodePort" and external["ports"][0]["nodePort"] == documented


def test_redis_cart_serves_on_6379(student: Kubectl) -> None:
    assert student.get("deployment", "redis-cart")["status"]["availableReplicas"] == 1
    service = student.get("service", "redis-cart")["spec"]
    assert [p["port"] for p in service["ports"]] == [6379]
    assert len(ready_endpoint_ips(student, "redis-cart")) == 1


def test_secrets_never_reach_ansibles_output_and_a_rerun_keeps_the_grafana_passwords(
    sim_class: LabClass, admin: Kubectl
) -> None:
    def grafana_passwords() -> list[str]:
        return [admin.in_namespace(name).get("secret", "grafana-admin")["data"]["admin-password"] for name in STUDENTS]

    before = grafana_passwords()
    secrets = ["39528$vdg7Jb", *(base64.b64decode(password).decode() for password in before)]
    secret_forms = [*secrets, *(base64.b64encode(secret.encode()).decode() for secret in secrets)]
    run = sim_class.playbook("site.yml", "-vvv", env={"ANSIBLE_STDOUT_CALLBACK": "default"})
    assert not run.failed
    output = run.stdout + run.stderr
    assert "Secret emailservice-user-pass" in output or "censored" in output
    assert not [form for form in secret_forms if form in output]
    assert grafana_passwords() == before
