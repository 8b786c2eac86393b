"""Every student of the session class: private files, their own namespace, nothing more."""

from __future__ import annotations

import datetime
import ipaddress
from pathlib import Path
from typing import Any

import pytest
import yaml

from kube import Kubectl, eventually
from labclass import LabClass

NGINX = "nginx"


@pytest.fixture(scope="module")
def alice(sim_class: LabClass, binaries: dict[str, Path]) -> Kubectl:
    return Kubectl(binaries["kubectl"], sim_class.student_dir("alice") / "kubeconfig")


@pytest.fixture(scope="module")
def bobs_pod(admin: Kubectl) -> str:
    """A running pod in bob's namespace, made by the admin."""
    bob = admin.in_namespace("bob")
    bob.run("run", "bobs-pod", f"--image={NGINX}")
    bob.run("wait", "--for=condition=Ready", "pod/bobs-pod", "--timeout=30s")
    return "bobs-pod"


def user_info(lab: LabClass, student: str) -> dict[str, Any]:
    info: dict[str, Any] = yaml.safe_load((lab.student_dir(student) / "user-info.yaml").read_text())
    return info


def forbidden(result: Any) -> bool:
    return bool(result.returncode != 0 and "forbidden" in result.stderr.lower())


@pytest.mark.parametrize("student", ["alice", "bob", "carol"])
def test_every_student_gets_private_files(sim_class: LabClass, student: str) -> None:
    folder = sim_class.student_dir(student)
    assert folder.stat().st_mode & 0o777 == 0o700
    for name in ("kubeconfig", "user-info.yaml"):
        assert (folder / name).stat().st_mode & 0o777 == 0o600
    kubeconfig = yaml.safe_load((folder / "kubeconfig").read_text())
    assert kubeconfig["contexts"][0]["context"]["namespace"] == student
    assert "client-certificate-data" not in kubeconfig["users"][0]["user"]


def test_user_info_names_namespace_api_nodeports_and_expiry(sim_class: LabClass) -> None:
    infos = {s: user_info(sim_class, s) for s in sim_class.students}
    assert infos["alice"]["namespace"] == "alice"
    assert infos["alice"]["api_server"] == f"https://127.0.0.1:{sim_class.port_base}"
    expires = datetime.datetime.fromisoformat(infos["alice"]["token_expires"].replace("Z", "+00:00"))
    lifetime = expires - datetime.datetime.now(tz=datetime.UTC)
    assert datetime.timedelta(hours=23) < lifetime <= datetime.timedelta(hours=24)
    blocks = [range(i["nodeports"]["first"], i["nodeports"]["last"] + 1) for i in infos.values()]
    ports = [port for block in blocks for port in block]
    assert len(ports) == len(set(ports)) == 30
    assert all(30000 <= port <= 32767 for port in ports)


def test_alice_can_deploy_and_read_secrets_in_her_namespace(alice: Kubectl) -> None:
    alice.run("create", "deployment", "web", f"--image={NGINX}", "--replicas=2")
    alice.run("rollout", "status", "deployment/web", "--timeout=30s")
    alice.run("create", "secret", "generic", "mine", "--from-literal=password=39528$vdg7Jb")
    assert alice.get("secret", "mine")["data"]["password"]


def test_alice_may_exec_and_port_forward_in_her_namespace(alice: Kubectl) -> None:
    for verb in ("pods/exec", "pods/portforward", "pods/log"):
        assert alice.run("auth", "can-i", "create" if verb != "pods/log" else "get", verb).stdout.strip() == "yes"
    alice.run("run", "shell", f"--image={NGINX}")
    alice.run("wait", "--for=condition=Ready", "pod/shell", "--timeout=30s")
    # Simulated pods have no container to enter: the request passes RBAC and fails further on.
    attempt = alice.run("exec", "shell", "--", "true", check=False)
    assert "Forbidden" not in attempt.stderr


def test_alice_cannot_read_bobs_pods_or_secrets(alice: Kubectl, bobs_pod: str) -> None:
    assert forbidden(alice.run("get", "pods", "-n", "bob", check=False))
    assert forbidden(alice.run("get", "secrets", "-n", "bob", check=False))
    assert forbidden(alice.run("exec", "-n", "bob", bobs_pod, "--", "true", check=False))
    assert alice.run("auth", "can-i", "get", "secrets", "-n", "bob", check=False).stdout.strip() == "no"


def test_alice_cannot_list_namespaces_or_create_cluster_objects(alice: Kubectl) -> None:
    assert forbidden(alice.run("get", "namespaces", check=False))
    assert forbidden(alice.run("create", "namespace", "alices-own", check=False))
    assert forbidden(alice.run("create", "clusterrole", "mine", "--verb=get", "--resource=pods", check=False))
    assert forbidden(
        alice.run("create", "clusterrolebinding", "mine", "--clusterrole=cluster-admin", "--user=x", check=False)
    )


def test_alice_cannot_lift_her_own_limits(alice: Kubectl) -> None:
    assert forbidden(alice.run("patch", "resourcequota", "student", "-p", '{"spec":{"hard":{"pods":"999"}}}', check=False))
    assert forbidden(alice.run("delete", "limitrange", "student", check=False))
    assert forbidden(alice.run("delete", "networkpolicy", "isolate-student", check=False))
    assert forbidden(
        alice.run("create", "rolebinding", "more", "--clusterrole=admin", "--serviceaccount=alice:student", check=False)
    )


def test_each_namespace_is_labelled_limited_and_isolated(sim_class: LabClass, admin: Kubectl, alice: Kubectl) -> None:
    labels = admin.get("namespace", "alice")["metadata"]["labels"]
    assert labels["kubelab.io/class"] == sim_class.name and labels["kubelab.io/student"] == "alice"
    quota = admin.in_namespace("alice").get("resourcequota", "student")
    assert quota["spec"]["hard"]["pods"] == "40"
    alice.run("run", "bare", f"--image={NGINX}")
    container = alice.get("pod", "bare")["spec"]["containers"][0]
    assert container["resources"]["limits"] == {"cpu": "500m", "memory": "512Mi", "ephemeral-storage": "512Mi"}

    def quota_counts_pods() -> bool:
        used = admin.in_namespace("alice").get("resourcequota", "student")["status"].get("used", {})
        return int(used.get("pods", "0")) > 0

    eventually(quota_counts_pods, 20, "the quota to count alice's pods")
    assert quota["spec"]["hard"]["services.loadbalancers"] == "0"
    assert {"secrets", "configmaps", "count/jobs.batch", "persistentvolumeclaims", "requests.storage",
            "requests.ephemeral-storage", "limits.ephemeral-storage"} <= set(quota["spec"]["hard"])
    # MTB-PL1-CC-FNS-2: no ReplicationController (the course has none), no second quota.
    assert (quota["spec"]["hard"]["replicationcontrollers"], quota["spec"]["hard"]["resourcequotas"]) == ("0", "1")


def test_the_network_policy_isolates_both_ways(admin: Kubectl) -> None:
    policy = admin.in_namespace("alice").get("networkpolicy", "isolate-student")["spec"]
    assert policy["policyTypes"] == ["Ingress", "Egress"]
    sources = policy["ingress"][0]["from"]
    assert sources[0] == {"podSelector": {}}
    names = sources[1]["namespaceSelector"]["matchExpressions"][0]
    assert names["key"] == "kubernetes.io/metadata.name" and "kube-system" in names["values"]
    assert not any(student in names["values"] for student in ("alice", "bob", "carol"))
    destinations = [rule["to"][0] for rule in policy["egress"]]
    assert destinations[0] == {"podSelector": {}}
    assert destinations[1]["podSelector"] == {"matchLabels": {"k8s-app": "kube-dns"}}
    internet = destinations[-1]["ipBlock"]
    assert internet["cidr"] == "0.0.0.0/0"
    assert {"10.0.0.0/8", "169.254.0.0/16", "172.16.0.0/12", "192.168.0.0/16"} <= set(internet["except"])
    excluded = [ipaddress.ip_network(cidr) for cidr in internet["except"]]
    bob = admin.in_namespace("bob")
    classmates = [p["status"]["podIP"] for p in bob.get("pods")["items"] if p["status"].get("podIP")]
    classmates.append(bob.get("service", "my-emailservice")["spec"]["clusterIP"])
    for address in [*classmates, "169.254.169.254"]:
        assert any(ipaddress.ip_address(address) in net for net in excluded), f"{address} is reachable as internet"
