"""The tutorial's "what happened? why?" steps, run live in a student's namespace.

Each drill acts through the student's own kubeconfig (so it also proves their
rights suffice), waits for the controllers to react, checks the outcome,
removes what it made, and returns short sentences saying what happened and why.
A failed check raises DrillFailed with what was seen instead.
"""

from __future__ import annotations

import copy
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from ansible_collections.kubelab.lab.plugins.module_utils.kube import ApiError, KubeApi, api_base, retried
from ansible_collections.kubelab.lab.plugins.module_utils.readiness import (
    condition,
    deployment_problem,
    pod_ready,
    waiting_reasons,
)

T = TypeVar("T")
REVISION = "deployment.kubernetes.io/revision"


class DrillFailed(Exception):
    """A drill's check did not hold; the message says what was seen."""


@dataclass(frozen=True)
class Images:
    repository: str
    first: str
    final: str
    missing: str

    def at(self, version: str) -> str:
        return f"{self.repository}:{version}"


@dataclass
class Namespace:
    """A student's namespace, seen through their kubeconfig."""

    api: KubeApi
    name: str
    timeout: float = 60.0

    def path(self, group: str, resource: str, name: str = "") -> str:
        return f"{api_base(group or 'v1')}/namespaces/{self.name}/{resource}" + (f"/{name}" if name else "")

    def pods(self, selector: str) -> list[dict[str, Any]]:
        items = self.api.get(self.path("", "pods"), labelSelector=selector)["items"]
        return [p for p in items if not p["metadata"].get("deletionTimestamp")]

    def deployment(self, name: str) -> dict[str, Any]:
        return self.api.get(self.path("apps/v1", "deployments", name))

    def until(self, probe: Callable[[], T | None], what: str, timeout: float | None = None) -> T:
        deadline = time.monotonic() + (timeout or self.timeout)
        while True:
            seen = probe()
            if seen:
                return seen
            if time.monotonic() > deadline:
                raise DrillFailed(f"timed out waiting for {what}")
            time.sleep(0.2)

    def ready_pods(self, selector: str, count: int) -> list[dict[str, Any]]:
        """Wait until exactly ``count`` pods match and all are Ready."""

        def probe() -> list[dict[str, Any]] | None:
            pods = self.pods(selector)
            return pods if len(pods) == count and all(pod_ready(p) for p in pods) else None

        return self.until(probe, f"{count} ready pods with {selector}")

    def rolled_out(self, name: str) -> dict[str, Any]:
        def probe() -> dict[str, Any] | None:
            deployment = self.deployment(name)
            return deployment if deployment_problem(deployment) is None else None

        return self.until(probe, f"Deployment {name} to roll out")

    def create(self, group: str, resource: str, manifest: dict[str, Any], patience: float = 10.0) -> None:
        """Create, again while the refusal is one that passes (the namespace's quota update lost a race)."""
        retried(lambda: self.api.post(self.path(group, resource), manifest), patience)

    def delete(self, group: str, resource: str, name: str) -> None:
        """Delete, and its dependents after it; already gone is fine."""
        try:
            self.api.delete(self.path(group, resource, name))
        except ApiError as err:
            if err.status != 404:
                raise

    def gone(self, group: str, resource: str, name: str) -> None:
        def probe() -> bool:
            try:
                self.api.get(self.path(group, resource, name))
            except ApiError as err:
                return err.status == 404
            return False

        self.until(probe, f"{resource} {name} to be deleted")


def deployment_manifest(name: str, image: str, **spec: Any) -> dict[str, Any]:
    return {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {"name": name, "labels": {"app": name}},
        "spec": {
            "replicas": 3,
            "selector": {"matchLabels": {"app": name}},
            "strategy": {"type": "RollingUpdate", "rollingUpdate": {"maxSurge": "25%", "maxUnavailable": "25%"}},
            "template": {
                "metadata": {"labels": {"app": name}},
                "spec": {"containers": [{"name": "server", "image": image}]},
            },
            **spec,
        },
    }


def set_image(ns: Namespace, name: str, image: str) -> None:
    ops = [{"op": "replace", "path": "/spec/template/spec/containers/0/image", "value": image}]
    ns.api.patch(ns.path("apps/v1", "deployments", name), ops, "json")


def names(objects: list[dict[str, Any]]) -> set[str]:
    return {o["metadata"]["name"] for o in objects}


def images_of(pods: list[dict[str, Any]]) -> set[str]:
    return {c["image"] for p in pods for c in p["spec"]["containers"]}


@dataclass
class PodCensus:
    """Every pod event of a selector, from a watch: the most pods and the fewest Ready seen."""

    ns: Namespace
    selector: str
    most: int = 0
    fewest_ready: int = 1 << 30
    _pods: dict[str, bool] = field(default_factory=dict)
    _thread: threading.Thread | None = None
    _stop: threading.Event = field(default_factory=threading.Event)

    def start(self) -> None:
        listing = self.ns.api.get(self.ns.path("", "pods"), labelSelector=self.selector)
        for pod in listing["items"]:
            if not pod["metadata"].get("deletionTimestamp"):
                self._pods[pod["metadata"]["name"]] = pod_ready(pod)
        self._count()
        version = listing["metadata"]["resourceVersion"]
        self._thread = threading.Thread(target=self._follow, args=(version,), daemon=True)
        self._thread.start()

    def _follow(self, version: str) -> None:
        for event in self.ns.api.watch(self.ns.path("", "pods"), version, 120, labelSelector=self.selector):
            if self._stop.is_set():
                return
            pod = event["object"]
            name = pod["metadata"]["name"]
            if event["type"] == "DELETED" or pod["metadata"].get("deletionTimestamp"):
                self._pods.pop(name, None)
            else:
                self._pods[name] = pod_ready(pod)
            self._count()

    def _count(self) -> None:
        self.most = max(self.most, len(self._pods))
        self.fewest_ready = min(self.fewest_ready, sum(self._pods.values()))

    def stop(self) -> None:
        time.sleep(0.5)  # the last events of the rollout
        self._stop.set()


def replicaset(ns: Namespace, images: Images) -> list[str]:
    """The ReplicaSet section: self-healing, scaling, adoption, and why it does not update pods."""
    name, selector = "emailservice-replicaset-demo", "app=emailservice-replicaset-demo"
    manifest = {
        "apiVersion": "apps/v1",
        "kind": "ReplicaSet",
        "metadata": {"name": name, "labels": {"app": "emailservice-replicaset-demo"}},
        "spec": {
            "replicas": 3,
            "selector": {"matchLabels": {"app": "emailservice-replicaset-demo"}},
            "template": {
                "metadata": {"labels": {"app": "emailservice-replicaset-demo"}},
                "spec": {"containers": [{"name": "server", "image": images.at(images.first)}]},
            },
        },
    }
    rs_path = ns.path("apps/v1", "replicasets")
    ns.create("apps/v1", "replicasets", manifest)
    said = []
    try:
        first_pods = names(ns.ready_pods(selector, 3))
        victim = sorted(first_pods)[0]
        ns.delete("", "pods", victim)
        replaced = ns.until(lambda: names(ns.ready_pods(selector, 3)) - first_pods, "a replacement pod")
        said.append(f"deleted pod {victim}: the ReplicaSet created {', '.join(replaced)} to keep 3 replicas")
        for replicas in (5, 3):
            ns.api.patch(f"{rs_path}/{name}", {"spec": {"replicas": replicas}})
            ns.ready_pods(selector, replicas)
        said.append("scaled to 5 and back to 3 by changing .spec.replicas: pods were added, then removed")
        before = names(ns.pods(selector))
        bare = {
            "apiVersion": "v1",
            "kind": "Pod",
            "metadata": {"name": "emailservice-bare-pod", "labels": {"app": "emailservice-replicaset-demo"}},
            "spec": {"containers": [{"name": "server", "image": images.at(images.first)}]},
        }
        ns.create("", "pods", bare)

        def surplus_removed() -> set[str] | None:
            # Done when 3 pods are left and the ReplicaSet owns them all (it adopts a matching orphan).
            pods = ns.pods(selector)
            owned = all(p["metadata"].get("ownerReferences") for p in pods)
            return names(pods) if len(pods) == 3 and owned else None

        after = ns.until(surplus_removed, "the ReplicaSet to remove the surplus pod")
        removed = sorted((before | {"emailservice-bare-pod"}) - after)
        if len(removed) != 1:
            raise DrillFailed(f"after the bare pod, removed {removed} instead of one surplus pod")
        said.append(
            f"created a bare pod with the template's labels: the ReplicaSet adopted it, counted 4 pods for 3 "
            f"replicas and deleted {removed[0]}"
        )
        ns.api.patch(
            f"{rs_path}/{name}",
            {"spec": {"template": {"spec": {"containers": [{"name": "server", "image": images.at(images.final)}]}}}},
        )
        time.sleep(2)
        running = images_of(ns.ready_pods(selector, 3))
        if running != {images.at(images.first)}:
            raise DrillFailed(f"a template change replaced running pods: images now {sorted(running)}")
        said.append(
            f"changed the template to {images.final}: the pods kept {images.first}, a ReplicaSet only makes "
            "pods when there are too few (a Deployment rolls them)"
        )
    finally:
        ns.delete("apps/v1", "replicasets", name)
        for pod in ns.pods(selector):
            ns.delete("", "pods", pod["metadata"]["name"])
        ns.gone("apps/v1", "replicasets", name)
    said.append("deleted the ReplicaSet, as the tutorial says, and its pods with it")
    return said


def rolling_update(ns: Namespace, images: Images) -> list[str]:
    """The Deployment section: a RollingUpdate with 25% surge and 25% unavailable of 3 replicas."""
    name = "emailservice-rollout-drill"
    ns.create("apps/v1", "deployments", deployment_manifest(name, images.at(images.first)))
    try:
        ns.rolled_out(name)
        census = PodCensus(ns, f"app={name}")
        census.start()
        set_image(ns, name, images.at(images.final))
        ns.rolled_out(name)
        census.stop()
        if census.most > 4 or census.fewest_ready < 3:
            raise DrillFailed(f"saw {census.most} pods and {census.fewest_ready} ready: beyond 4 and 3")
        sets = ns.api.get(ns.path("apps/v1", "replicasets"), labelSelector=f"app={name}")["items"]
        sizes = {
            s["spec"]["template"]["spec"]["containers"][0]["image"].rsplit(":", 1)[1]: s["spec"]["replicas"]
            for s in sets
        }
        if sizes != {images.first: 0, images.final: 3}:
            raise DrillFailed(f"ReplicaSets after the rollout: {sizes}")
    finally:
        ns.delete("apps/v1", "deployments", name)
        ns.gone("apps/v1", "deployments", name)
    return [
        f"rolled {images.first} -> {images.final}: a new ReplicaSet scaled up to 3 while the old one scaled "
        f"down to 0; at most {census.most} pods and at least {census.fewest_ready} ready at any moment "
        "(maxSurge 25% of 3 rounds up to 1, maxUnavailable 25% rounds down to 0)"
    ]


def revisions(ns: Namespace, name: str) -> dict[int, dict[str, Any]]:
    sets = ns.api.get(ns.path("apps/v1", "replicasets"), labelSelector=f"app={name}")["items"]
    return {int(s["metadata"]["annotations"][REVISION]): s for s in sets}


def undo(ns: Namespace, name: str, to_revision: int | None = None) -> int:
    """What `kubectl rollout undo` does: put an older ReplicaSet's pod template back."""
    current = int(ns.deployment(name)["metadata"]["annotations"][REVISION])
    history = revisions(ns, name)
    target = to_revision if to_revision is not None else max(r for r in history if r < current)
    template = copy.deepcopy(history[target]["spec"]["template"])
    template["metadata"]["labels"].pop("pod-template-hash", None)
    replace = [{"op": "replace", "path": "/spec/template", "value": template}]
    ns.api.patch(ns.path("apps/v1", "deployments", name), replace, "json")
    return target


def rollback(ns: Namespace, images: Images, deadline: int) -> list[str]:
    """The bad-image drill: a tag that does not exist stalls the rollout; undo recovers."""
    name = "emailservice-rollback-drill"
    manifest = deployment_manifest(name, images.at(images.first), progressDeadlineSeconds=deadline)
    ns.create("apps/v1", "deployments", manifest)
    said = []
    try:
        ns.rolled_out(name)
        set_image(ns, name, images.at(images.final))
        ns.rolled_out(name)
        set_image(ns, name, images.at(images.missing))

        def stalled_deployment() -> dict[str, Any] | None:
            deployment = ns.deployment(name)
            return deployment if condition(deployment, "Progressing").get("reason") == "ProgressDeadlineExceeded" else None

        stalled = ns.until(stalled_deployment, "the rollout to stall", timeout=deadline + 60)
        stuck = [p for p in ns.pods(f"app={name}") if images_of([p]) == {images.at(images.missing)}]
        reasons = {r for p in stuck for r in waiting_reasons(p)}
        if reasons != {"ImagePullBackOff"} or stalled["status"].get("availableReplicas") != 3:
            raise DrillFailed(f"the stalled rollout showed {reasons} with {stalled['status']} ")
        said.append(
            f"set {images.missing}, a tag that does not exist: its pod stayed in ImagePullBackOff, the old pods "
            f"kept serving (3 available), and after {deadline}s the Deployment reported ProgressDeadlineExceeded"
        )
        previous = undo(ns, name)
        ns.rolled_out(name)
        said.append(f"rollout undo: back to revision {previous} ({images.final}), rolled out")
        first = revision_of(ns, name, images.at(images.first))
        undo(ns, name, first)
        ns.rolled_out(name)
        history = {
            revision: s["spec"]["template"]["spec"]["containers"][0]["image"].rsplit(":", 1)[1]
            for revision, s in sorted(revisions(ns, name).items())
        }
        image = ns.deployment(name)["spec"]["template"]["spec"]["containers"][0]["image"]
        if image != images.at(images.first) or images.missing not in history.values():
            raise DrillFailed(f"after the undos the image is {image}, the history {history}")
        said.append(
            f"rollout undo --to-revision={first}: back to {images.first}; history now "
            + ", ".join(f"{revision}={tag}" for revision, tag in history.items())
            + " (an undo makes the old template the newest revision)"
        )
    finally:
        ns.delete("apps/v1", "deployments", name)
        ns.gone("apps/v1", "deployments", name)
    return said


def revision_of(ns: Namespace, name: str, image: str) -> int:
    return next(
        revision
        for revision, s in revisions(ns, name).items()
        if s["spec"]["template"]["spec"]["containers"][0]["image"] == image
    )


def ready_endpoints(ns: Namespace, service: str) -> set[str]:
    path = ns.path("discovery.k8s.io/v1", "endpointslices")
    slices = ns.api.get(path, labelSelector=f"kubernetes.io/service-name={service}")
    return {
        address
        for piece in slices["items"]
        for endpoint in piece.get("endpoints") or []
        if endpoint.get("conditions", {}).get("ready")
        for address in endpoint["addresses"]
    }


def endpoints_settle(ns: Namespace, service: str, count: int) -> set[str]:
    def probe() -> set[str] | None:
        seen = ready_endpoints(ns, service)
        return seen if len(seen) == count else None

    return ns.until(probe, f"{service} to list {count} ready endpoints")


def services(ns: Namespace, nodeport: int | None) -> list[str]:
    """The Services section: endpoints follow the pods; the NodePort is the one the student was told."""
    external = ns.api.get(ns.path("", "services", "my-emailservice-external"))
    published = external["spec"]["ports"][0].get("nodePort")
    if published != nodeport:
        raise DrillFailed(f"my-emailservice-external listens on NodePort {published}, the student was told {nodeport}")
    deployment = ns.path("apps/v1", "deployments", "emailservice-deployment-demo")
    replicas = ns.deployment("emailservice-deployment-demo")["spec"]["replicas"]
    counts = []
    try:
        for scale in (1, replicas):
            ns.api.patch(deployment, {"spec": {"replicas": scale}})
            counts.append(len(endpoints_settle(ns, "my-emailservice", scale)))
    finally:
        ns.api.patch(deployment, {"spec": {"replicas": replicas}})
    ns.rolled_out("emailservice-deployment-demo")
    return [
        f"scaled the Deployment to 1: my-emailservice's endpoints went to {counts[0]}; back to {replicas}: "
        f"{counts[1]} — a Service follows the pods its selector matches",
        f"my-emailservice-external answers on NodePort {nodeport}, the port in user-info.yaml",
    ]
