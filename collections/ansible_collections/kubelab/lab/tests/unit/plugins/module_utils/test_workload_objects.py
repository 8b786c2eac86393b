"""The workload contract's pure functions: objects per phase and cluster, Services and credentials published per
student."""

from __future__ import annotations

from typing import Any

import pytest

from ansible_collections.kubelab.lab.plugins.module_utils.workloads import (
    add_credentials,
    add_objects,
    add_published,
    by_cluster,
    service_entry,
    with_solution,
)

SIM = "output/sim/admin.kubeconfig"
WEB_FORWARD = "kubectl port-forward service/web 8080:8080"


def student(name: str, cluster: str = SIM) -> dict[str, Any]:
    return {"name": name, "namespace": f"fall-{name}", "admin_kubeconfig": cluster}


def config_map(namespace: str) -> dict[str, Any]:
    return {"kind": "ConfigMap", "metadata": {"name": "c", "namespace": namespace}}


def service(namespace: str, name: str, node_port: int | None = None, port: int = 8080,
            selector: bool = True) -> dict[str, Any]:
    spec: dict[str, Any] = {"ports": [{"port": port, **({"nodePort": node_port} if node_port else {})}],
                            **({"selector": {"app": name}} if selector else {})}
    if node_port:
        spec["type"] = "NodePort"
    return {"kind": "Service", "metadata": {"name": name, "namespace": namespace}, "spec": spec}


def secret(namespace: str, name: str, **data: Any) -> dict[str, Any]:
    return {"kind": "Secret", "metadata": {"name": name, "namespace": namespace}, "stringData": data}


def test_students_group_by_cluster_in_the_order_clusters_first_appear() -> None:
    grouped = by_cluster([student("bob", "b"), student("alice", "a"), student("carol", "b")])
    assert list(grouped) == ["b", "a"]
    assert [s["name"] for s in grouped["b"]] == ["bob", "carol"]


def test_a_class_of_one_gets_one_cluster_and_an_empty_after_phase() -> None:
    objects = add_objects(None, "first", {SIM: [config_map("fall-alice")]})
    assert objects == {"first": {SIM: [config_map("fall-alice")]}, "after": {}, "last": {}}


def test_objects_append_to_their_phase_and_cluster_without_changing_the_input() -> None:
    before = add_objects(None, "first", {SIM: [config_map("a")]})
    after = add_objects(before, "first", {SIM: [config_map("b")], "other": [config_map("c")]})
    assert [o["metadata"]["namespace"] for o in after["first"][SIM]] == ["a", "b"]
    assert after["first"]["other"] == [config_map("c")]
    assert before["first"][SIM] == [config_map("a")], "the input is left as it was"
    rollout = add_objects(after, "after", {SIM: [config_map("d")]})
    assert rollout["after"] == {SIM: [config_map("d")]} and rollout["first"] == after["first"]


def test_an_unknown_phase_is_refused() -> None:
    with pytest.raises(ValueError, match="phase must be one of first, after, last, not 'later'"):
        add_objects(None, "later", {})


def test_a_clusterip_service_is_published_by_address_and_port_forward_and_a_nodeport_by_its_port() -> None:
    assert service_entry(service("n", "web")) == {
        "name": "web", "type": "ClusterIP", "address": "web:8080", "port_forward": WEB_FORWARD
    }
    assert service_entry(service("n", "web", 30002)) == {"name": "web", "type": "NodePort", "nodePort": 30002}


def test_a_privileged_port_is_forwarded_from_an_unprivileged_one_and_a_portless_service_has_no_forward() -> None:
    assert service_entry(service("n", "nginx", port=80))["port_forward"] == "kubectl port-forward service/nginx 8080:80"
    assert service_entry(service("n", "game-2048", port=5858))["port_forward"].endswith(" 5858:5858")
    headless = {"kind": "Service", "metadata": {"name": "db", "namespace": "n"}, "spec": {}}
    assert "port_forward" not in service_entry(headless)


def test_each_student_gets_the_named_services_of_their_own_namespace_in_the_named_order() -> None:
    students = [student("alice"), student("bob", "other")]
    objects = [service(f"fall-{name}", svc, port) for name, port in (("alice", 30100), ("bob", 30110))
               for svc in ("web", "web-external")]
    objects = [o if o["metadata"]["name"] == "web-external" else service(o["metadata"]["namespace"], "web")
               for o in objects]
    published = add_published(None, students, objects, ["web-external", "web"])
    assert published["alice"] == [
        {"name": "web-external", "type": "NodePort", "nodePort": 30100},
        {"name": "web", "type": "ClusterIP", "address": "web:8080", "port_forward": WEB_FORWARD},
    ]
    assert published["bob"][0]["nodePort"] == 30110


def test_a_student_added_to_a_running_class_joins_what_others_published() -> None:
    earlier = {"alice": [{"name": "web", "type": "ClusterIP", "address": "web:8080", "port_forward": WEB_FORWARD}]}
    published = add_published(earlier, [student("dave")], [service("fall-dave", "web")], ["web"])
    assert published == {**earlier, "dave": [{"name": "web", "type": "ClusterIP", "address": "web:8080", "port_forward": WEB_FORWARD}]}
    assert list(earlier) == ["alice"]


def test_a_service_the_students_of_a_cluster_share_is_published_with_its_namespace() -> None:
    dashboard = service("kubernetes-dashboard", "kubernetes-dashboard", node_port=30099, port=443)
    internal = service("shared", "cache", port=6379)
    objects = [dashboard, internal, service("fall-alice", "web")]
    names = ["web", "kubernetes-dashboard/kubernetes-dashboard", "shared/cache"]
    published = add_published(None, [student("alice")], objects, names)
    assert published["alice"][1:] == [
        {"name": "kubernetes-dashboard", "type": "NodePort", "namespace": "kubernetes-dashboard", "nodePort": 30099},
        {"name": "cache", "type": "ClusterIP", "namespace": "shared", "address": "cache.shared:6379"},
    ], "no port-forward: a student may not forward into another namespace"
    with pytest.raises(ValueError, match="no Service kubernetes-dashboard/kubernetes-dashboard rendered"):
        add_published(None, [student("alice")], objects[2:], ["kubernetes-dashboard/kubernetes-dashboard"])


def test_a_service_without_a_selector_has_no_port_forward_which_needs_a_pod() -> None:
    assert service_entry(service("fall-alice", "external-web", port=80, selector=False)) == {
        "name": "external-web", "type": "ClusterIP", "address": "external-web:80"
    }


def test_a_named_service_the_template_did_not_render_is_an_error() -> None:
    with pytest.raises(ValueError, match="no Service web-external rendered in namespace fall-alice"):
        add_published(None, [student("alice")], [service("fall-alice", "web")], ["web", "web-external"])


def test_a_sections_objects_go_to_the_students_with_its_solution_and_the_rest_to_everyone() -> None:
    sections = ["emailservice", "game_2048"]
    students = [{**student("alice"), "solutions": ["game_2048"]}, {**student("bob"), "solutions": []}]
    assert [s["name"] for s in with_solution(students, "game_2048", sections)] == ["alice"]
    assert with_solution(students, "emailservice", sections) == []
    assert [s["name"] for s in with_solution(students, None, sections)] == ["alice", "bob"]
    with pytest.raises(ValueError, match="section grafana is not one of lab_sections \\(emailservice, game_2048\\)"):
        with_solution(students, "grafana", sections)


def test_each_student_gets_the_string_data_of_their_own_named_secrets_only() -> None:
    objects = [
        secret("fall-alice", "grafana-admin", user="admin", password="a1"),
        secret("fall-bob", "grafana-admin", user="admin", password="b2"),
        secret("fall-alice", "other", token="never"),
        config_map("fall-alice"),
    ]
    earlier = {"carol": {"grafana-admin": {"user": "admin", "password": "c3"}}}
    credentials = add_credentials(earlier, [student("alice"), student("bob")], objects, ["grafana-admin"])
    assert credentials == {
        "carol": {"grafana-admin": {"user": "admin", "password": "c3"}},
        "alice": {"grafana-admin": {"user": "admin", "password": "a1"}},
        "bob": {"grafana-admin": {"user": "admin", "password": "b2"}},
    }
    assert list(earlier) == ["carol"], "the input is left as it was"


def test_a_named_secret_missing_or_without_string_data_is_an_error() -> None:
    empty = {"kind": "Secret", "metadata": {"name": "grafana-admin", "namespace": "fall-alice"}, "data": {"a": "YQ=="}}
    for objects in ([], [empty], [secret("fall-bob", "grafana-admin", user="admin")]):
        with pytest.raises(ValueError, match="no Secret grafana-admin with stringData rendered in namespace fall-alice"):
            add_credentials(None, [student("alice")], objects, ["grafana-admin"])
