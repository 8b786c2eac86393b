"""The course's checks, section by section, and what a student's user-info.yaml gives them."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ansible_collections.kubelab.lab.plugins.module_utils.checks import (
    availability,
    breaking_rollingupdate,
    emailservice,
    external_service,
    game_2048,
    grafana,
    nginx_flask_mongodb,
    simple_nodejs_webserver,
)
from ansible_collections.kubelab.lab.plugins.module_utils.checks.rules import Section, Student, verdicts
from ansible_collections.kubelab.lab.plugins.module_utils.checks.snapshot import Snapshot

SECTIONS: tuple[Section, ...] = (
    emailservice.SECTION,
    game_2048.SECTION,
    simple_nodejs_webserver.SECTION,
    nginx_flask_mongodb.SECTION,
    breaking_rollingupdate.SECTION,
    availability.SECTION,
    grafana.SECTION,
    external_service.SECTION,
)


def student_of(name: str, namespace: str, info: Mapping[str, Any]) -> Student:
    """The student as their user-info.yaml describes what they were given."""
    nodeports = info.get("nodeports") or {}
    external = info.get("external_host") or {}
    registry = info.get("registry") or {}
    return Student(
        name=name,
        namespace=namespace,
        nodeports=(int(nodeports["first"]), int(nodeports["last"])) if nodeports else None,
        external_host=(str(external["address"]), int(external["port"])) if external else None,
        registry=bool(registry),
        pull_secret=str(registry.get("pull_secret") or ""),
    )


def grade(snap: Snapshot, student: Student) -> dict[str, Any]:
    """A student's result: every check of the sections that apply to them, and the counts."""
    checks = verdicts(SECTIONS, snap, student)
    passed = sum(1 for c in checks if c["passed"])
    return {"student": student.name, "namespace": student.namespace, "passed": passed, "total": len(checks),
            "checks": checks}
