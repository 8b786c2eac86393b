"""A curious student with her own kubeconfig: every way out of her namespace is denied, with its reason.

Run against the session class's real API server (its admission is real): server-side dry runs, and real creates
where only a real one can tell (quota counts). The tutorial's own objects, made again by the student, are admitted.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml

from kube import Kubectl, eventually
from labclass import LabClass

IMAGE = "gcr.io/google-samples/microservices-demo/emailservice:v0.8.0"
WEBSERVER = "simple-nodejs-webserver:1.0.0"


def pod(name: str, spec: dict[str, Any] | None = None, **container: Any) -> dict[str, Any]:
    return {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {"name": name},
        "spec": {"containers": [{"name": "main", "image": IMAGE, **container}], **(spec or {})},
    }


def service(name: str, node_port: int | None = None, **spec: Any) -> dict[str, Any]:
    port: dict[str, Any] = {"port": 80, "targetPort": 8080}
    if node_port:
        port["nodePort"] = node_port
    return {
        "apiVersion": "v1",
        "kind": "Service",
        "metadata": {"name": name},
        "spec": {"type": "NodePort" if node_port else "ClusterIP", "selector": {"app": name}, "ports": [port], **spec},
    }


def endpoints(name: str, ip: str) -> dict[str, Any]:
    return {
        "apiVersion": "v1",
        "kind": "Endpoints",
        "metadata": {"name": name},
        "subsets": [{"addresses": [{"ip": ip}], "ports": [{"port": 80}]}],
    }


def endpoint_slice(name: str, ip: str) -> dict[str, Any]:
    return {
        "apiVersion": "discovery.k8s.io/v1",
        "kind": "EndpointSlice",
        "metadata": {"name": name, "labels": {"kubernetes.io/service-name": name}},
        "addressType": "IPv4",
        "endpoints": [{"addresses": [ip]}],
        "ports": [{"port": 80}],
    }


@dataclass(frozen=True)
class Attempt:
    """Something a student tries, and the words of the refusal she must get."""

    what: str
    manifest: dict[str, Any]
    refusal: str


def attempts(classmate_pod_ip: str, classmate_service_ip: str, class_name: str = "pytest") -> list[Attempt]:
    registry = f"registry.kubelab.test/kubelab-{class_name}"
    return [
        Attempt("a privileged pod", pod("root", securityContext={"privileged": True}), 'PodSecurity "baseline'),
        Attempt(
            "a pod mounting the node's /",
            pod(
                "hostfs",
                {"volumes": [{"name": "host", "hostPath": {"path": "/"}}]},
                volumeMounts=[{"name": "host", "mountPath": "/host"}],
            ),
            "hostPath volumes",
        ),
        Attempt("a pod in the node's PID namespace", pod("pid", {"hostPID": True}), "hostPID=true"),
        Attempt("a pod on the node's network", pod("net", {"hostNetwork": True}), "hostNetwork=true"),
        Attempt("a pod on a port of the node", pod("hostport", ports=[{"containerPort": 80, "hostPort": 80}]), "hostPort"),
        Attempt(
            "a pod with NET_ADMIN",
            pod("caps", securityContext={"capabilities": {"add": ["NET_ADMIN"]}}),
            "non-default capabilities",
        ),
        # The multi-tenancy benchmarks' ids (kubectl-mtb, profile level 1) where one is about it.
        Attempt(
            "MTB-PL1-BC-CPI-3: a pod adding SETPCAP, which Pod Security baseline allows",
            pod("setpcap", securityContext={"capabilities": {"add": ["SETPCAP"]}}),
            "container main adds the capabilities SETPCAP: the course needs none",
        ),
        Attempt(
            "MTB-PL1-BC-CPI-6: a pod allowing privilege escalation",
            pod("escalate", securityContext={"allowPrivilegeEscalation": True}),
            "container main sets securityContext.allowPrivilegeEscalation: true",
        ),
        Attempt(
            "an init container allowing privilege escalation",
            {**pod("escalate-init"), "spec": {**pod("x")["spec"], "initContainers": [
                {"name": "init", "image": IMAGE, "securityContext": {"allowPrivilegeEscalation": True}}]}},
            "container init sets securityContext.allowPrivilegeEscalation: true",
        ),
        Attempt(
            "a pod of an image in bob's repository of the class registry",
            pod("bobs", {"imagePullSecrets": [{"name": "registry-pull"}]}, image=f"{registry}/bob/{WEBSERVER}"),
            f"image {registry}/bob/{WEBSERVER} is not in your repository of the class registry {registry}/alice",
        ),
        Attempt(
            "MTB-PL1-CC-FNS-2: a ReplicationController",
            {"apiVersion": "v1", "kind": "ReplicationController", "metadata": {"name": "rc"},
             "spec": {"selector": {"app": "rc"}, "template": {"metadata": {"labels": {"app": "rc"}},
                                                             "spec": pod("x")["spec"]}}},
            "cannot create resource \"replicationcontrollers\"",
        ),
        Attempt(
            "MTB-PL1-CC-FNS-1: a pod asking more of the node's disk than her quota",
            pod("disk", resources={"requests": {"ephemeral-storage": "5Gi"}, "limits": {"ephemeral-storage": "5Gi"}}),
            "requests.ephemeral-storage=5Gi",
        ),
        Attempt(
            "a pod without seccomp",
            pod("seccomp", securityContext={"seccompProfile": {"type": "Unconfined"}}),
            "seccompProfile",
        ),
        Attempt(
            "a token Secret that never expires",
            {
                "apiVersion": "v1",
                "kind": "Secret",
                "metadata": {"name": "forever", "annotations": {"kubernetes.io/service-account.name": "student"}},
                "type": "kubernetes.io/service-account-token",
            },
            "kubernetes.io/service-account-token are not allowed",
        ),
        Attempt(
            "a NodePort of bob's block",
            service("squat", 30111),
            "NodePort 30111 is outside your block 30100-30109",
        ),
        Attempt(
            "a NodePort far outside her block",
            service("far", 32000),
            "NodePort 32000 is outside your block 30100-30109",
        ),
        Attempt(
            "the Dashboard's NodePort",
            service("dashboard", 30099),
            "30099: provided port is already allocated",
        ),
        Attempt(
            "a Service with external IPs",
            service("mitm", externalIPs=["203.0.113.7"]),
            "spec.externalIPs is not allowed",
        ),
        Attempt("a load balancer", service("lb", 30108, type="LoadBalancer"), "services.loadbalancers=0"),
        Attempt(
            "Endpoints to a classmate's pod",
            endpoints("to-bob", classmate_pod_ip),
            f"address {classmate_pod_ip} is inside the cluster",
        ),
        Attempt(
            "an EndpointSlice to a classmate's Service",
            endpoint_slice("to-bob-svc", classmate_service_ip),
            f"address {classmate_service_ip} is inside the cluster",
        ),
        Attempt(
            "an EndpointSlice to the cloud's metadata service",
            endpoint_slice("metadata", "169.254.169.254"),
            # The API's own validation refuses link-local and loopback EndpointSlice addresses (the policy too).
            "may not be in the link-local range",
        ),
        Attempt(
            "an EndpointSlice to the node's loopback",
            endpoint_slice("loopback", "127.0.0.1"),
            "may not be in the loopback range",
        ),
        Attempt(
            "Endpoints to a node's private address",
            endpoints("to-node", "192.168.49.2"),
            "address 192.168.49.2 is inside the cluster or a private network",
        ),
        Attempt(
            "a volume bigger than her storage quota",
            {
                "apiVersion": "v1",
                "kind": "PersistentVolumeClaim",
                "metadata": {"name": "huge"},
                "spec": {"accessModes": ["ReadWriteOnce"], "resources": {"requests": {"storage": "11Gi"}}},
            },
            "requests.storage=11Gi",
        ),
        Attempt(
            "a role binding to cluster-admin",
            {
                "apiVersion": "rbac.authorization.k8s.io/v1",
                "kind": "RoleBinding",
                "metadata": {"name": "escalate"},
                "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "ClusterRole", "name": "cluster-admin"},
                "subjects": [{"kind": "ServiceAccount", "name": "student", "namespace": "alice"}],
            },
            "forbidden",
        ),
        Attempt("a pod in bob's namespace", {**pod("visitor"), "metadata": {"name": "visitor", "namespace": "bob"}}, "forbidden"),
    ]


@pytest.fixture(scope="module")
def alice(sim_class: LabClass, binaries: dict[str, Path]) -> Kubectl:
    return Kubectl(binaries["kubectl"], sim_class.student_dir("alice") / "kubeconfig")


@pytest.fixture(scope="module")
def classmate(admin: Kubectl) -> tuple[str, str]:
    """The address of one of bob's pods and of one of his Services."""
    bob = admin.in_namespace("bob")

    def pod_ip() -> str | None:
        pods = bob.get("pods", "-l", "app=emailservice-demo")["items"]
        return next((p["status"]["podIP"] for p in pods if p.get("status", {}).get("podIP")), None)

    ip = eventually(pod_ip, 30, "an address of one of bob's pods")
    return ip, bob.get("service", "my-emailservice")["spec"]["clusterIP"]


def create(student: Kubectl, manifest: dict[str, Any], *, dry_run: bool = True) -> Any:
    args = ["create", "-f", "-"] + (["--dry-run=server"] if dry_run else [])
    return student.run(*args, stdin=yaml.safe_dump(manifest), check=False)


ATTEMPTS = attempts("10.0.0.2", "10.96.0.10")


@pytest.mark.parametrize("index", range(len(ATTEMPTS)), ids=[a.what for a in ATTEMPTS])
def test_every_escape_is_denied_with_its_reason(
    sim_class: LabClass, alice: Kubectl, classmate: tuple[str, str], index: int
) -> None:
    attempt = attempts(*classmate, sim_class.name)[index]
    result = create(alice, attempt.manifest)
    assert result.returncode != 0, f"{attempt.what} was admitted: {result.stdout}"
    assert attempt.refusal.lower() in result.stderr.lower(), result.stderr


def test_a_nodeport_of_her_own_block_and_an_outside_endpoint_are_admitted(alice: Kubectl) -> None:
    for manifest in (service("mine", 30109), endpoint_slice("outside", "192.0.2.10"), endpoints("outside", "203.0.113.9")):
        result = create(alice, manifest)
        assert result.returncode == 0, result.stderr


def test_a_pod_of_her_own_repository_is_pulled_always_with_her_credentials(sim_class: LabClass, alice: Kubectl) -> None:
    """MTB-PL1-CC-DI-1: a pod of her repository may not run what a node holds (IfNotPresent, Never): admission sets
    Always on each of its containers from the class registry, and leaves the others as they are."""
    image = f"registry.kubelab.test/kubelab-{sim_class.name}/alice/{WEBSERVER}"
    manifest = pod("mine", {"imagePullSecrets": [{"name": "registry-pull"}],
                            "initContainers": [{"name": "init", "image": image, "imagePullPolicy": "Never"}]},
                   image=image, imagePullPolicy="IfNotPresent")
    manifest["spec"]["containers"].append({"name": "other", "image": IMAGE, "imagePullPolicy": "IfNotPresent"})
    made = alice.run("create", "-f", "-", "--dry-run=server", "-o", "json", stdin=yaml.safe_dump(manifest))
    spec = json.loads(made.stdout)["spec"]
    policies = {c["name"]: c["imagePullPolicy"] for c in spec["initContainers"] + spec["containers"]}
    assert policies == {"init": "Always", "main": "Always", "other": "IfNotPresent"}


def test_without_the_mutating_policy_such_a_pod_is_refused_saying_how_to_fix_it(
    sim_class: LabClass, admin: Kubectl, alice: Kubectl
) -> None:
    """A cluster that serves no MutatingAdmissionPolicy (before 1.36) gets none (kubelab.io/if-served): there the
    policy pods refuses the pod instead. Shown here by pointing the mutating policy's binding at no policy for a
    while (and back, so that the class is as site.yml renders it)."""
    name = f"kubelab-{sim_class.name}-pull-always"
    image = f"registry.kubelab.test/kubelab-{sim_class.name}/alice/{WEBSERVER}"
    manifest = yaml.safe_dump(pod("lax", {"imagePullSecrets": [{"name": "registry-pull"}]}, image=image,
                                  imagePullPolicy="IfNotPresent"))

    def refusal() -> str | None:
        done = alice.run("create", "-f", "-", "--dry-run=server", stdin=manifest, check=False)
        return done.stderr if done.returncode != 0 else None

    def bind(policy: str) -> None:
        admin.run("patch", "mutatingadmissionpolicybinding", name, "--type=merge",
                  "-p", json.dumps({"spec": {"policyName": policy}}))

    bind("no-such-policy")
    try:
        refused = eventually(refusal, 30, "the pod to be refused once no policy sets Always")
        assert f"container main pulls {image} with imagePullPolicy IfNotPresent" in refused
        assert "set imagePullPolicy: Always" in refused
    finally:
        bind(name)
    eventually(lambda: refusal() is None, 30, "the mutating policy to set Always again")


def test_kubectl_get_all_works_for_her(alice: Kubectl) -> None:
    """`kubectl get all` lists ReplicationControllers too: she may read them (and make none)."""
    listed = alice.run("get", "all", check=False)
    assert listed.returncode == 0, listed.stderr
    assert "deployment.apps/emailservice-deployment-demo" in listed.stdout


def test_a_privileged_deployment_gets_no_pods(alice: Kubectl) -> None:
    """PSA enforces on pods: the Deployment is stored (with a warning), its ReplicaSet may create no pod."""
    template = pod("root", securityContext={"privileged": True})
    deployment = {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {"name": "root"},
        "spec": {
            "selector": {"matchLabels": {"app": "root"}},
            "template": {"metadata": {"labels": {"app": "root"}}, "spec": template["spec"]},
        },
    }
    made = create(alice, deployment, dry_run=False)
    assert made.returncode == 0 and "would violate PodSecurity" in made.stderr, made.stderr
    try:

        def refused() -> str | None:
            events = alice.get("events", "--field-selector", "reason=FailedCreate")["items"]
            return next((e["message"] for e in events if "PodSecurity" in e["message"]), None)

        assert 'violates PodSecurity "baseline' in eventually(refused, 30, "the ReplicaSet's refused pod")
        assert alice.get("pods", "-l", "app=root")["items"] == []
    finally:
        alice.run("delete", "deployment", "root")


def test_counts_are_bounded_by_the_quota(alice: Kubectl) -> None:
    maps = [
        {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": f"pile-{i}", "labels": {"pile": "yes"}}}
        for i in range(25)
    ]
    result = alice.run("create", "-f", "-", stdin=yaml.safe_dump({"apiVersion": "v1", "kind": "List", "items": maps}), check=False)
    try:
        assert result.returncode != 0
        assert "exceeded quota: student" in result.stderr and "configmaps" in result.stderr
    finally:
        alice.run("delete", "configmaps", "-l", "pile=yes")


def test_she_cannot_lift_the_class_limits(sim_class: LabClass, alice: Kubectl) -> None:
    for args in (
        ("label", "namespace", "alice", "pod-security.kubernetes.io/enforce=privileged", "--overwrite"),
        ("annotate", "namespace", "alice", "kubelab.io/nodeport-last=32767", "--overwrite"),
        ("delete", "validatingadmissionpolicybinding", f"kubelab-{sim_class.name}-nodeports"),
        ("delete", "validatingadmissionpolicy", f"kubelab-{sim_class.name}-endpoints"),
        ("create", "token", "student", "--duration=8760h"),
    ):
        result = alice.run(*args, check=False)
        assert result.returncode != 0 and "forbidden" in result.stderr.lower(), (args, result.stderr)


# What the platform applies, by label: the endpoints of the Service without a selector are its own; the others,
# which carry the class's label too, are the controllers' (copied from their Services).
APPLIED = {
    "pods,deployments,services,secrets,configmaps,cronjobs,jobs,persistentvolumeclaims": "",
    "endpointslices.discovery.k8s.io": ",endpointslice.kubernetes.io/managed-by=kubelab.io",
    "endpoints": ",endpointslice.kubernetes.io/skip-mirror=true",
}


def tutorial_objects(admin: Kubectl, lab: LabClass, namespace: str) -> Iterator[dict[str, Any]]:
    """The class's objects in a namespace as the platform applied them (their last-applied configuration)."""
    items = [item for kinds, selector in APPLIED.items()
             for item in admin.in_namespace(namespace).get(kinds, "-l", f"kubelab.io/class={lab.name}{selector}")["items"]]
    for item in items:
        applied = item["metadata"].get("annotations", {}).get("kubectl.kubernetes.io/last-applied-configuration")
        assert applied, f"{item['kind']} {item['metadata']['name']} carries no last-applied configuration"
        yield json.loads(applied)


def as_new_object(manifest: dict[str, Any], node_port: int) -> dict[str, Any]:
    """The same object under a new name; a NodePort moves to another port of the same block."""
    again = copy.deepcopy(manifest)
    again["metadata"]["name"] += "-again"
    again["metadata"].pop("namespace", None)
    for port in again.get("spec", {}).get("ports", []):
        if "nodePort" in port:
            port["nodePort"] = node_port
    return again


def test_every_tutorial_object_is_admitted_when_the_student_makes_it(
    sim_class: LabClass, admin: Kubectl, alice: Kubectl
) -> None:
    objects = list(tutorial_objects(admin, sim_class, "alice"))
    assert {o["kind"] for o in objects} >= {
        "Pod", "Deployment", "Service", "Secret", "ConfigMap", "CronJob", "Job", "PersistentVolumeClaim",
        "EndpointSlice", "Endpoints",
    }
    refused = []
    for manifest in objects:
        result = create(alice, as_new_object(manifest, 30105))
        if result.returncode != 0:
            refused.append(f"{manifest['kind']} {manifest['metadata']['name']}: {result.stderr}")
    assert refused == []
