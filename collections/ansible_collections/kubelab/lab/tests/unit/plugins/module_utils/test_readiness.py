"""When a Deployment counts as seen by its controller, and as rolled out."""

from __future__ import annotations

from typing import Any

from ansible_collections.kubelab.lab.plugins.module_utils.readiness import deployment_problem, observed_problem


def deployment(generation: int, observed: int | None, counts: tuple[int, int, int] = (3, 3, 3)) -> dict[str, Any]:
    status: dict[str, Any] = dict(zip(("updatedReplicas", "availableReplicas", "replicas"), counts))
    if observed is not None:
        status["observedGeneration"] = observed
    return {"metadata": {"name": "web", "generation": generation}, "spec": {"replicas": 3}, "status": status}


def test_a_new_deployment_is_observed_once_its_controller_wrote_its_generation() -> None:
    assert observed_problem(deployment(1, None, (0, 0, 0))) == "not yet seen by its controller"
    assert observed_problem(deployment(1, 1, (0, 0, 0))) is None, "observed is not rolled out: its pods may not exist"
    assert observed_problem(deployment(2, 1)) == "not yet seen by its controller"


def test_rolled_out_needs_the_latest_generation_seen_and_every_replica_updated_and_available() -> None:
    assert deployment_problem(deployment(2, 1)) == "not yet seen by its controller"
    assert deployment_problem(deployment(1, 1, (1, 3, 4))) == "updated/available/total 1/3/4 of 3"
    assert deployment_problem(deployment(1, 1)) is None
