"""kubelab.lab.nodeports_taken: a student's NodePort block that someone else's Service holds is named."""

from __future__ import annotations

from typing import Any

from ansible_collections.kubelab.lab.plugins.filter.nodeports_taken import FilterModule, nodeports_taken

STUDENTS = [
    {"name": "alice", "namespace": "fall-alice", "nodeports": {"first": 30100, "last": 30109}},
    {"name": "bob", "namespace": "fall-bob", "nodeports": {"first": 30110, "last": 30119}},
]


def service(namespace: str, name: str, *node_ports: int) -> dict[str, Any]:
    ports = [{"port": 80, **({"nodePort": p} if p else {})} for p in node_ports]
    return {"metadata": {"namespace": namespace, "name": name}, "spec": {"ports": ports}}


def test_a_students_own_service_and_ports_outside_every_block_are_free() -> None:
    services = [service("fall-alice", "web", 30100), service("other", "x", 30099, 30120), service("other", "y", 0)]
    assert nodeports_taken(STUDENTS, services) == []


def test_a_port_of_a_block_held_outside_the_students_namespace_is_named() -> None:
    services = [service("fall-bob", "web", 30105), service("monitoring", "grafana", 30119)]
    assert nodeports_taken(STUDENTS, services) == [
        "alice's NodePort 30105 is held by Service fall-bob/web",
        "bob's NodePort 30119 is held by Service monitoring/grafana",
    ]


def test_a_service_without_ports_and_a_class_of_none_are_nothing() -> None:
    assert nodeports_taken(STUDENTS, [{"metadata": {"namespace": "a", "name": "b"}, "spec": {}}]) == []
    assert nodeports_taken([], [service("other", "x", 30100)]) == []


def test_the_filter_is_registered_under_its_name() -> None:
    assert FilterModule().filters()["nodeports_taken"] is nodeports_taken
