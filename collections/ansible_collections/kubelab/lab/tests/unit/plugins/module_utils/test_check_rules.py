"""The check rules on small objects: each finds what the tutorial lets a student name freely, and each hint says why."""

from __future__ import annotations

from typing import Any

from ansible_collections.kubelab.lab.plugins.module_utils.checks.objects import image_name, image_tag
from ansible_collections.kubelab.lab.plugins.module_utils.checks.rules import (
    History,
    NodePort,
    Named,
    RolledOut,
    Running,
    Serves,
    Student,
    ToExternalHost,
)
from ansible_collections.kubelab.lab.plugins.module_utils.checks.simple_nodejs_webserver import counts
from ansible_collections.kubelab.lab.plugins.module_utils.checks.snapshot import snapshot

ALICE = Student("alice", "alice", nodeports=(30100, 30109), external_host=("10.1.2.3", 8080))


def meta(name: str, **fields: Any) -> dict[str, Any]:
    return {"name": name, "namespace": "alice", "uid": f"uid-{name}", **fields}


def deployment(name: str, image: str, labels: dict[str, str]) -> dict[str, Any]:
    template = {"metadata": {"labels": labels},
                "spec": {"containers": [{"name": "c", "image": image, "ports": [{"name": "http", "containerPort": 80}]}]}}
    return {"metadata": meta(name), "spec": {"replicas": 1, "selector": {"matchLabels": labels}, "template": template}}


def pod(name: str, labels: dict[str, str], ready: bool, waiting: str = "") -> dict[str, Any]:
    status: dict[str, Any] = {"phase": "Running" if ready else "Pending",
                              "conditions": [{"type": "Ready", "status": "True" if ready else "False"}]}
    if waiting:
        status["containerStatuses"] = [{"image": "x:typo", "state": {"waiting": {"reason": waiting}}}]
    return {"metadata": meta(name, labels=labels), "status": status}


def service(name: str, selector: dict[str, str] | None, port: int, target: Any) -> dict[str, Any]:
    spec: dict[str, Any] = {"ports": [{"port": port, "targetPort": target}]}
    if selector:
        spec["selector"] = selector
    return {"metadata": meta(name), "spec": spec}


def endpoint_slice(service_name: str, address: str, port: int, ready: bool = True) -> dict[str, Any]:
    return {"metadata": meta(f"{service_name}-x", labels={"kubernetes.io/service-name": service_name}),
            "ports": [{"port": port}], "endpoints": [{"addresses": [address], "conditions": {"ready": ready}}]}


def test_an_image_is_named_by_its_repository_without_registry_tag_or_digest() -> None:
    assert image_name("alexwhen/docker-2048:latest@sha256:4913") == "docker-2048"
    assert image_name("registry.local:5000/kubelab-sim/alice/flask-app:1.0.0") == "flask-app"
    assert image_tag("registry.local:5000/kubelab-sim/alice/flask-app:1.0.0") == "1.0.0"
    assert image_tag("nginx") == ""


def test_the_game_is_found_by_its_image_whatever_the_student_named_it() -> None:
    snap = snapshot("alice", [("Deployment", [deployment("my-game", "alexwhen/docker-2048:latest", {"app": "g"}),
                                              deployment("web", "nginx:1.25.2", {"app": "w"})])])
    found = Running("2048", partial=True, name="game-2048").find(snap)
    assert found is not None and found["metadata"]["name"] == "my-game"


def test_a_missing_workload_is_named_in_plain_english() -> None:
    empty = snapshot("alice", [("Deployment", []), ("Job", [])])
    assert RolledOut(Running("emailservice")).hint(empty, ALICE) == \
        "there is no Deployment running the image emailservice (kubectl get deployments -o wide)"
    assert RolledOut(Running("busybox", kind="Job", standalone=True)).hint(empty, ALICE) == \
        "there is no Job of its own running the image busybox (kubectl get jobs -o wide)"


def test_a_service_with_a_typo_in_its_selector_says_it_matches_no_pod() -> None:
    game = deployment("game", "alexwhen/docker-2048", {"app": "game"})
    snap = snapshot("alice", [("Deployment", [game]), ("Pod", [pod("game-1", {"app": "game"}, True)]),
                              ("Service", [service("game", {"app": "gmae"}, 5858, "http")])])
    assert Serves(Running("2048", partial=True), 5858, 80, name="game").hint(snap, ALICE) == (
        "Service game has no endpoints: its selector app=gmae matches no pod (kubectl get pods --show-labels)")


def test_a_service_whose_pods_are_not_ready_says_why() -> None:
    game = deployment("game", "alexwhen/docker-2048", {"app": "game"})
    snap = snapshot("alice", [("Deployment", [game]), ("Pod", [pod("game-1", {"app": "game"}, False, "ImagePullBackOff")]),
                              ("Service", [service("game", {"app": "game"}, 5858, 80)])])
    assert Serves(Running("2048", partial=True), 5858, 80).hint(snap, ALICE) == (
        "Service game has no endpoints: its selector app=game matches 1 pods, none Ready: ImagePullBackOff (image x:typo)")


def test_a_service_to_the_wrong_container_port_is_named_and_a_named_target_port_resolves() -> None:
    game = deployment("game", "alexwhen/docker-2048", {"app": "game"})
    wrong = snapshot("alice", [("Deployment", [game]), ("Service", [service("game", {"app": "game"}, 5858, 8080)])])
    assert Serves(Running("2048", partial=True), 5858, 80).hint(wrong, ALICE) == (
        "Service game sends its port 5858 to 8080; the container listens on 80")
    right = snapshot("alice", [("Deployment", [game]), ("Service", [service("game", {"app": "game"}, 5858, "http")]),
                               ("EndpointSlice", [endpoint_slice("game", "10.0.0.5", 80)])])
    assert Serves(Running("2048", partial=True), 5858, 80).hint(right, ALICE) is None


def test_the_history_must_hold_the_tags_in_order_a_rollback_making_its_tag_the_latest() -> None:
    app = deployment("app", "reg/alice/breaking-rollingupdate:v1", {"app": "b"})

    def replica_set(revision: int, tag: str) -> dict[str, Any]:
        owned = meta(f"app-{revision}", ownerReferences=[{"uid": "uid-app"}],
                     annotations={"deployment.kubernetes.io/revision": str(revision)})
        template = {"spec": {"containers": [{"image": f"reg/alice/breaking-rollingupdate:{tag}"}]}}
        return {"metadata": owned, "spec": {"template": template}}

    rule = History(Running("breaking-rollingupdate"), ("v2", "v1"))
    rolled_back = snapshot("alice", [("Deployment", [app]), ("ReplicaSet", [replica_set(3, "v1"), replica_set(2, "v2")])])
    assert rule.hint(rolled_back, ALICE) is None
    only_rolled = snapshot("alice", [("Deployment", [app]), ("ReplicaSet", [replica_set(1, "v1"), replica_set(2, "v2")])])
    assert rule.hint(only_rolled, ALICE) == (
        "the rollout history of Deployment app holds 1: v1, 2: v2; the exercise goes through v2 -> v1 "
        "(kubectl rollout history deployment/app)")


def test_a_nodeport_outside_the_students_block_is_named() -> None:
    external = service("ext", {"app": "e"}, 8080, 8080)
    external["spec"].update(type="NodePort", ports=[{"port": 8080, "nodePort": 30002}])
    snap = snapshot("alice", [("Service", [external])])
    assert NodePort(Named("Service", "ext")).hint(snap, ALICE) == (
        "Service ext has the NodePort 30002, outside your block 30100-30109 (your user-info.yaml)")
    assert NodePort(Named("Service", "ext")).hint(snap, Student("alice", "alice")) is None


def test_the_tutorials_brace_loop_is_refused_and_a_counting_loop_passes() -> None:
    assert "busybox sh does no brace expansion: 'for run in {1..10}' runs once" in str(
        counts(["/bin/sh", "-c", "for run in {1..10}; do wget -q -O- http://web:5858; done"]))
    assert counts(["/bin/sh", "-c", 'i=0; while [ "$i" -lt 10 ]; do wget -q -O- http://web:5858; i=$((i+1)); done']) is None


def test_a_service_without_a_selector_must_have_a_slice_to_the_external_host() -> None:
    bare = service("external-web", None, 80, 8080)
    rule = ToExternalHost()
    wrong = snapshot("alice", [("Service", [bare]), ("EndpointSlice", [endpoint_slice("external-web", "10.9.9.9", 8080)])])
    assert rule.hint(wrong, ALICE) == (
        "no EndpointSlice of the Services without a selector (external-web) points at 10.1.2.3:8080, the "
        "external_host of your user-info.yaml (label it kubernetes.io/service-name: <service>)")
    right = snapshot("alice", [("Service", [bare]), ("EndpointSlice", [endpoint_slice("external-web", "10.1.2.3", 8080)])])
    assert rule.hint(right, ALICE) is None


def test_a_secret_keeps_only_its_name_and_labels_in_a_snapshot_not_the_applied_data() -> None:
    applied = {"kubectl.kubernetes.io/last-applied-configuration": '{"stringData": {"password": "secret"}}'}
    secret = {"metadata": meta("s", annotations=applied, labels={"a": "b"}), "type": "Opaque",
              "data": {"password": "c2VjcmV0"}}
    assert snapshot("alice", [("Secret", [secret])]).all("Secret") == [
        {"kind": "Secret", "metadata": meta("s", labels={"a": "b"}), "type": "Opaque"}]
