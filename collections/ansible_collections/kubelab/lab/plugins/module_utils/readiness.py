"""When a workload object is ready, and if not, why: shared by k8s_wait and the drills."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

Problem = Callable[[dict[str, Any]], "str | None"]


def condition(obj: dict[str, Any], kind: str) -> dict[str, Any]:
    conditions = obj.get("status", {}).get("conditions") or []
    return next((c for c in conditions if c.get("type") == kind), {})


def deployment_problem(obj: dict[str, Any]) -> str | None:
    """None when the Deployment is rolled out: updated, available, no old replicas."""
    spec, status = obj["spec"], obj.get("status", {})
    want = spec.get("replicas", 1)
    progressing = condition(obj, "Progressing")
    if progressing.get("reason") == "ProgressDeadlineExceeded":
        return f"stalled: {progressing.get('message', '')}"
    unseen = observed_problem(obj)
    if unseen:
        return unseen
    counts = (status.get("updatedReplicas", 0), status.get("availableReplicas", 0), status.get("replicas", 0))
    if counts != (want, want, want):
        return f"updated/available/total {counts[0]}/{counts[1]}/{counts[2]} of {want}"
    return None


def observed_problem(obj: dict[str, Any]) -> str | None:
    """None once the object's controller has seen its latest spec (for a Deployment: its revision recorded)."""
    if obj.get("status", {}).get("observedGeneration", 0) < obj["metadata"].get("generation", 0):
        return "not yet seen by its controller"
    return None


def statefulset_problem(obj: dict[str, Any]) -> str | None:
    status, want = obj.get("status", {}), obj["spec"].get("replicas", 1)
    if status.get("readyReplicas", 0) != want or status.get("updatedReplicas", 0) != want:
        return f"ready {status.get('readyReplicas', 0)} of {want}"
    return None


def job_problem(obj: dict[str, Any]) -> str | None:
    if condition(obj, "Complete").get("status") == "True":
        return None
    failed = condition(obj, "Failed")
    return f"failed: {failed.get('message', '')}" if failed.get("status") == "True" else "not complete"


def pod_ready(obj: dict[str, Any]) -> bool:
    return bool(condition(obj, "Ready").get("status") == "True")


def waiting_reasons(obj: dict[str, Any]) -> list[str]:
    return [
        c["state"]["waiting"].get("reason", "")
        for c in obj.get("status", {}).get("containerStatuses") or []
        if c.get("state", {}).get("waiting")
    ]


def pod_problem(obj: dict[str, Any]) -> str | None:
    status = obj.get("status", {})
    if status.get("phase") == "Succeeded" or pod_ready(obj):
        return None
    return ", ".join(waiting_reasons(obj)) or f"phase {status.get('phase', 'unknown')}"


def node_problem(obj: dict[str, Any]) -> str | None:
    return None if condition(obj, "Ready").get("status") == "True" else "not Ready"


PROBLEMS: dict[str, Problem] = {
    "Node": node_problem,
    "Deployment": deployment_problem,
    "StatefulSet": statefulset_problem,
    "Job": job_problem,
    "Pod": pod_problem,
}
