"""Quotas and limits that contradict each other, or a node, fail before anything changes, naming both values."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from labclass import LabClass, run_playbook
from test_bad_input import assert_refused

PORT_BASE = 16540


@pytest.fixture
def lab(tmp_path: Path) -> LabClass:
    return LabClass("badlimits", tmp_path, port_base=PORT_BASE)


@pytest.mark.parametrize(
    ("options", "named"),
    [
        (
            {"student_default_request_cpu": "1", "student_default_limit_cpu": "500m"},
            "student_default_request_cpu (1) is more than student_default_limit_cpu (500m)",
        ),
        (
            {"student_default_limit_memory": "24Gi"},
            "student_default_limit_memory (24Gi) is more than student_quota_limits_memory (20Gi)",
        ),
        (
            {"student_quota_requests_cpu": "24"},
            "student_quota_requests_cpu (24) is more than student_quota_limits_cpu (20)",
        ),
        ({"student_quota_storage": "ten gigs"}, "student_quota_storage is \"ten gigs\", not a Kubernetes quantity"),
        ({"student_external_cidrs": ["10.42.0.17/24"]}, '"10.42.0.17/24" is not a network'),
        ({"student_pod_security_version": "1.37"}, "it must be v1.N (like v1.37) or latest"),
        ({"dashboard_nodeport": 30105}, "dashboard_nodeport is 30105: it must be 0 (no NodePort) or a port of"),
        ({"dashboard_nodeport": 30002}, "30000-30098 on a cluster of one student"),
    ],
    ids=["request above limit", "limit above quota", "quota requests above limits", "storage", "cidr", "psa version",
         "dashboard port in a block", "dashboard port a student's own"],
)
def test_contradicting_limits_are_refused_naming_both(lab: LabClass, options: dict[str, object], named: str) -> None:
    run = lab.playbook("site.yml", "-e", json.dumps(options))
    assert_refused(lab, run, named)


def test_a_quota_bigger_than_a_node_is_refused() -> None:
    node = {"cpu": "2", "memory": "4096Mi", "source": "minikube_cpus, minikube_memory_mb"}
    run = run_playbook(
        "tests/playbooks/capacity.yml",
        "-e",
        json.dumps({"student_node": node, "student_quota_requests_cpu": "8", "student_quota_requests_memory": "3Gi"}),
    )
    assert run.failed
    assert "student_quota_requests_cpu is 8" in run.messages()
    assert "a node has 2 CPUs, 4096Mi of memory and an unknown disk (minikube_cpus, minikube_memory_mb)" in run.messages()


def test_a_quota_of_more_disk_than_the_node_has_is_refused() -> None:
    node = {"cpu": "2", "memory": "4096Mi", "ephemeral_storage": "20Gi", "source": "minikube_disk_size"}
    run = run_playbook(
        "tests/playbooks/capacity.yml", "-e",
        json.dumps({"student_node": node, "student_quota_requests_ephemeral_storage": "30Gi"}),
    )
    assert run.failed
    assert "student_quota_requests_ephemeral_storage 30Gi" in run.messages()
    assert "4096Mi of memory and 20Gi disk (minikube_disk_size)" in run.messages()


def test_a_quota_that_fits_the_node_passes_and_an_unknown_node_is_not_checked() -> None:
    node = {"cpu": "2", "memory": "4096Mi", "source": "minikube_cpus, minikube_memory_mb"}
    fits = run_playbook("tests/playbooks/capacity.yml", "-e", json.dumps({"student_node": node}))
    assert not fits.failed, fits.messages()
    assert not run_playbook("tests/playbooks/capacity.yml", "-e", json.dumps({"student_node": {}})).failed


def test_minikubes_dashboard_addon_is_refused(lab: LabClass) -> None:
    run = lab.playbook("site.yml", "-e", json.dumps({"lab_provider": "minikube", "minikube_addons": ["dashboard"]}))
    assert_refused(lab, run, "minikube_addons lists dashboard", "cluster-admin", "--enable-skip-login")
