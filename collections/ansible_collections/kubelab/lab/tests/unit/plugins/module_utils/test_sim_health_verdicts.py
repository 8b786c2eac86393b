"""kubelab.lab's sim_health verdicts: when a component of a sim cluster is healthy, and if not, why."""

from __future__ import annotations

import pytest

from ansible_collections.kubelab.lab.plugins.module_utils.sim_health import (
    COMPONENTS,
    ENDPOINTS,
    VERDICTS,
    checks_verdict,
    component_of,
    component_problem,
    etcd_verdict,
    process_problem,
    process_state,
    summary,
)

APISERVER_WITHOUT_ETCD = "[+]ping ok\n[+]log ok\n[-]etcd failed: reason withheld\n[+]informer-sync ok\nreadyz check failed\n"


def test_every_component_has_an_endpoint_and_a_verdict() -> None:
    assert set(ENDPOINTS) == set(VERDICTS) == set(COMPONENTS)


def test_etcd_is_healthy_when_it_says_so() -> None:
    assert etcd_verdict(200, '{"health":"true","reason":""}') is None


@pytest.mark.parametrize(
    ("status", "body"),
    [(503, '{"health":"false","reason":"RAFT NO LEADER"}'), (200, '{"health":"false"}'), (200, "not json"), (200, "[]")],
)
def test_etcd_without_a_leader_or_with_a_garbled_answer_is_not(status: int, body: str) -> None:
    problem = etcd_verdict(status, body)
    assert problem is not None and str(status) in problem


def test_a_ready_apiserver_is_healthy() -> None:
    assert checks_verdict(200, "ok") is None


def test_an_apiserver_without_etcd_names_the_failed_check() -> None:
    assert checks_verdict(500, APISERVER_WITHOUT_ETCD) == "answered 500: etcd failed: reason withheld"


def test_an_answer_without_checks_is_quoted() -> None:
    assert checks_verdict(403, "forbidden: User cannot get path /healthz\n") == (
        "answered 403: forbidden: User cannot get path /healthz"
    )


@pytest.mark.parametrize(
    ("stat", "state"),
    [
        ("4242 (etcd) S 1 4242 4242 0 -1", "S"),
        ("4243 (kube-apiserver) T 1 4243", "T"),
        ("77 (a (weird) name) Z 1 77", "Z"),
    ],
)
def test_the_state_is_read_after_the_command_name(stat: str, state: str) -> None:
    assert process_state(stat) == state


@pytest.mark.parametrize(
    ("argv0", "component"),
    [
        ("/out/.sim/kwok/clusters/kubelab-a/bin/etcd", "etcd"),
        ("/out/.sim/kwok/clusters/kubelab-a/bin/kwok-controller", "kwok-controller"),
        ("/out/.sim/kwok/clusters/kubelab-ab/bin/etcd", None),
        ("/out/.sim/kwok/clusters/kubelab-a/bin/etcdctl", None),
        ("/usr/bin/etcd", None),
        ("", None),
    ],
)
def test_a_process_belongs_to_a_component_of_this_cluster_only(argv0: str, component: str | None) -> None:
    assert component_of(argv0, "/out/.sim/kwok/clusters/kubelab-a/bin") == component


@pytest.mark.parametrize(
    ("states", "problem"),
    [
        ([], "not running"),
        (["S"], None),
        (["R"], None),
        (["T"], "stopped (SIGSTOP)"),
        (["Z"], "exited, not yet reaped"),
        (["S", "S"], "2 processes run it"),
    ],
)
def test_only_one_live_process_can_be_healthy(states: list[str], problem: str | None) -> None:
    assert process_problem(states) == problem


def test_the_process_speaks_before_the_endpoint() -> None:
    assert component_problem("kube-scheduler", ["T"], "none within 5 s") == "stopped (SIGSTOP)"


def test_an_endpoint_that_gave_no_answer_is_named() -> None:
    assert component_problem("kube-apiserver", ["S"], "connection refused") == "/readyz gave no answer: connection refused"


def test_a_live_process_whose_endpoint_says_ok_is_healthy() -> None:
    assert component_problem("kwok-controller", ["S"], (200, "ok")) is None


def test_the_summary_names_each_unhealthy_component() -> None:
    assert summary({"etcd": "not running", "kube-apiserver": None, "kube-scheduler": "stopped (SIGSTOP)"}) == (
        "etcd: not running; kube-scheduler: stopped (SIGSTOP)"
    )
