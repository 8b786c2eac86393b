"""The kinds of check a section declares: each says None when the namespace passes it, else why not (a hint).

A rule finds what it checks the way the tutorial lets a student name it: by name where the tutorial fixes it,
else by what it runs (the 2048 Deployment is the one running the 2048 image, whatever its name).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Protocol

from ansible_collections.kubelab.lab.plugins.module_utils.checks.objects import (
    containers,
    dig,
    env,
    image_name,
    image_of,
    image_tag,
    mounts,
    name_of,
    selector_text,
    template,
    volumes,
)
from ansible_collections.kubelab.lab.plugins.module_utils.checks.snapshot import Snapshot, labels_match
from ansible_collections.kubelab.lab.plugins.module_utils.readiness import (
    condition,
    deployment_problem,
    job_problem,
    pod_ready,
    waiting_reasons,
)


@dataclass(frozen=True)
class Student:
    """What a student was given that the checks compare with: their NodePorts, the external host, the pull Secret."""

    name: str
    namespace: str
    nodeports: tuple[int, int] | None = None
    external_host: tuple[str, int] | None = None
    registry: bool = False
    pull_secret: str = ""


class Rule(Protocol):
    def hint(self, snap: Snapshot, student: Student) -> str | None:
        """None when the namespace passes; else what is missing or wrong, and how to see it."""


class Finder(Protocol):
    @property
    def kind(self) -> str:
        """The kind of the object looked for."""

    @property
    def what(self) -> str:
        """What is looked for, in words."""

    def find(self, snap: Snapshot) -> dict[str, Any] | None:
        """The object, or None."""


@dataclass(frozen=True)
class Named:
    """The object of a kind with a name the tutorial fixes."""

    kind: str
    name: str

    @property
    def what(self) -> str:
        return f"{self.kind} {self.name}"

    def find(self, snap: Snapshot) -> dict[str, Any] | None:
        return snap.named(self.kind, self.name)


@dataclass(frozen=True)
class Running:
    """The workload of a kind that runs an image (by repository name, or a part of it with ``partial``), the
    tutorial's name first when several do; ``standalone``: one no controller made (a Job, not a CronJob's)."""

    image: str
    kind: str = "Deployment"
    name: str = ""
    partial: bool = False
    standalone: bool = False

    @property
    def what(self) -> str:
        return f"{self.kind}{' of its own' if self.standalone else ''} running the image {self.image}"

    def fits(self, obj: Mapping[str, Any]) -> bool:
        if self.standalone and obj["metadata"].get("ownerReferences"):
            return False
        names = [image_name(c.get("image", "")) for c in containers(obj)]
        return any(self.image in name if self.partial else self.image == name for name in names)

    def find(self, snap: Snapshot) -> dict[str, Any] | None:
        found = [o for o in snap.all(self.kind) if self.fits(o)]
        return next((o for o in found if o["metadata"]["name"] == self.name), found[0] if found else None)


def missing(finder: Finder) -> str:
    """That the object is not there, and the command that lists what there is (with the images, when it is found
    by its image)."""
    wide = " -o wide" if isinstance(finder, Running) else ""
    return f"there is no {finder.what} (kubectl get {finder.kind.lower()}s{wide})"


def pods_of(snap: Snapshot, workload: Mapping[str, Any]) -> list[dict[str, Any]]:
    return snap.matching("Pod", dig(workload, "spec", "selector", "matchLabels") or {})


def pod_trouble(pods: list[dict[str, Any]]) -> str:
    """Why the pods are not Ready, as the kubelet says: ImagePullBackOff (image x), or their phase."""
    reasons = []
    for pod in pods:
        if pod_ready(pod):
            continue
        for status in dig(pod, "status", "containerStatuses") or []:
            waiting = dig(status, "state", "waiting") or {}
            if waiting:
                reasons.append(f"{waiting.get('reason', 'waiting')} (image {status.get('image', '?')})")
        if not waiting_reasons(pod):
            reasons.append(f"pod {pod['metadata']['name']} {dig(pod, 'status', 'phase') or 'Pending'}")
    return "; ".join(sorted(set(reasons)))


@dataclass(frozen=True)
class RolledOut:
    """The workload is rolled out: every replica updated and available; ``replicas`` of them when given."""

    target: Finder
    replicas: int | None = None

    def hint(self, snap: Snapshot, student: Student) -> str | None:
        obj = self.target.find(snap)
        if obj is None:
            return missing(self.target)
        want = dig(obj, "spec", "replicas")
        if self.replicas is not None and want != self.replicas:
            return f"{name_of(obj)} has {want} replicas; the exercise asks for {self.replicas}"
        problem = deployment_problem(obj)
        if problem is None:
            return None
        trouble = pod_trouble(pods_of(snap, obj))
        return f"{name_of(obj)} is not rolled out: {problem}" + (f"; its pods: {trouble}" if trouble else "") + (
            f" (kubectl rollout status deployment/{obj['metadata']['name']})")


@dataclass(frozen=True)
class PodUp:
    """The Pod exists, carries the labels, and is Ready."""

    target: Finder
    labels: Mapping[str, str]

    def hint(self, snap: Snapshot, student: Student) -> str | None:
        pod = self.target.find(snap)
        if pod is None:
            return missing(self.target)
        labels = pod["metadata"].get("labels") or {}
        if not labels_match(self.labels, labels):
            return f"{name_of(pod)} has the labels {selector_text(labels)}; the tutorial gives it {selector_text(self.labels)}"
        if not pod_ready(pod):
            return f"{name_of(pod)} is not Ready: {pod_trouble([pod])} (kubectl describe pod {pod['metadata']['name']})"
        return None


@dataclass(frozen=True)
class Tag:
    """The workload's container runs ``image`` at ``tag`` now."""

    target: Running
    tag: str

    def hint(self, snap: Snapshot, student: Student) -> str | None:
        obj = self.target.find(snap)
        if obj is None:
            return missing(self.target)
        image = image_of(obj, self.target.image)
        if image_tag(image) != self.tag:
            return f"{name_of(obj)} runs {image}; the exercise ends at the tag {self.tag}"
        return None


def revisions(snap: Snapshot, deployment: Mapping[str, Any], image: str) -> list[tuple[int, str]]:
    """The Deployment's ReplicaSets as (revision, tag of ``image``), oldest first: its rollout history."""
    history = []
    for replica_set in snap.owned_by("ReplicaSet", deployment):
        revision = (replica_set["metadata"].get("annotations") or {}).get("deployment.kubernetes.io/revision", "0")
        history.append((int(revision), image_tag(image_of(replica_set, image))))
    return sorted(history)


def holds_in_order(tags: list[str], wanted: tuple[str, ...]) -> bool:
    rest = iter(tags)
    return all(any(tag == want for tag in rest) for want in wanted)


@dataclass(frozen=True)
class History:
    """The Deployment's rollout history holds the tags in this order (a rollback makes its tag the latest)."""

    target: Running
    tags: tuple[str, ...]

    def hint(self, snap: Snapshot, student: Student) -> str | None:
        obj = self.target.find(snap)
        if obj is None:
            return missing(self.target)
        history = revisions(snap, obj, self.target.image)
        if holds_in_order([tag for revision, tag in history], self.tags):
            return None
        held = ", ".join(f"{revision}: {tag or '?'}" for revision, tag in history) or "nothing"
        return (f"the rollout history of {name_of(obj)} holds {held}; the exercise goes through "
                f"{' -> '.join(self.tags)} (kubectl rollout history deployment/{obj['metadata']['name']})")


def port_of(service: Mapping[str, Any], port: int) -> dict[str, Any] | None:
    return next((p for p in dig(service, "spec", "ports") or [] if p.get("port") == port), None)


def target_number(workload: Mapping[str, Any], target: Any) -> int | None:
    """A Service's targetPort as the number of a container port (a name resolves in the pod template)."""
    if isinstance(target, int):
        return target
    for container in containers(workload):
        for port in container.get("ports") or []:
            if port.get("name") == target:
                return int(port["containerPort"])
    return int(target) if str(target).isdigit() else None


def ready_endpoints(snap: Snapshot, service: str) -> int:
    slices = snap.matching("EndpointSlice", {"kubernetes.io/service-name": service})
    return sum(1 for s in slices for e in s.get("endpoints") or [] if dig(e, "conditions", "ready") is not False)


@dataclass(frozen=True)
class Serves:
    """A Service on ``port`` to the workload's ``target`` port, with ready endpoints; named when the tutorial fixes it."""

    target: Finder
    port: int
    to: int
    name: str = ""

    def service(self, snap: Snapshot, workload: Mapping[str, Any]) -> dict[str, Any] | None:
        if self.name:
            return snap.named("Service", self.name)
        labels = dig(template(workload), "metadata", "labels") or {}
        fitting = [s for s in snap.all("Service")
                   if dig(s, "spec", "selector") and labels_match(dig(s, "spec", "selector"), labels)]
        return next((s for s in fitting if port_of(s, self.port)), fitting[0] if fitting else None)

    def hint(self, snap: Snapshot, student: Student) -> str | None:
        workload = self.target.find(snap)
        if workload is None:
            return missing(self.target)
        service = self.service(snap, workload)
        if service is None:
            return f"no Service {self.name or 'selects the pods of ' + name_of(workload)}"
        return self.wrong(snap, service, workload)

    def wrong(self, snap: Snapshot, service: Mapping[str, Any], workload: Mapping[str, Any]) -> str | None:
        name = service["metadata"]["name"]
        port = port_of(service, self.port)
        if port is None:
            ports = ", ".join(str(p.get("port")) for p in dig(service, "spec", "ports") or [])
            return f"Service {name} has the ports {ports or 'none'}; the exercise gives it {self.port}"
        target = target_number(workload, port.get("targetPort", self.port))
        if target != self.to:
            return f"Service {name} sends its port {self.port} to {port.get('targetPort')}; the container listens on {self.to}"
        selector = dig(service, "spec", "selector") or {}
        pods = snap.matching("Pod", selector)
        if ready_endpoints(snap, name):
            return None
        if not selector:
            return f"Service {name} has no selector: it reaches no pod of {name_of(workload)}"
        if not pods:
            return (f"Service {name} has no endpoints: its selector {selector_text(selector)} matches no pod"
                    f" (kubectl get pods --show-labels)")
        return (f"Service {name} has no endpoints: its selector {selector_text(selector)} matches "
                f"{len(pods)} pods, none Ready: {pod_trouble(pods)}")


@dataclass(frozen=True)
class NodePort:
    """The Service is a NodePort whose ports lie in the student's block."""

    target: Finder

    def hint(self, snap: Snapshot, student: Student) -> str | None:
        service = self.target.find(snap)
        if service is None:
            return missing(self.target)
        if dig(service, "spec", "type") != "NodePort":
            return f"{name_of(service)} is of type {dig(service, 'spec', 'type') or 'ClusterIP'}, not NodePort"
        if student.nodeports is None:
            return None
        first, last = student.nodeports
        outside = [p.get("nodePort") for p in dig(service, "spec", "ports") or [] if not first <= p.get("nodePort", 0) <= last]
        if outside:
            return f"{name_of(service)} has the NodePort {outside[0]}, outside your block {first}-{last} (your user-info.yaml)"
        return None


@dataclass(frozen=True)
class Mounted:
    """A volume of the kind (``secret``, ``configMap``, ``persistentVolumeClaim``) and name is mounted at ``path``."""

    target: Finder
    source: str
    name: str
    path: str = ""

    def volume_names(self, workload: Mapping[str, Any]) -> set[str]:
        keys = {"secret": "secretName", "configMap": "name", "persistentVolumeClaim": "claimName"}
        return {v["name"] for v in volumes(workload) if dig(v, self.source, keys[self.source]) == self.name}

    def hint(self, snap: Snapshot, student: Student) -> str | None:
        workload = self.target.find(snap)
        if workload is None:
            return missing(self.target)
        kind = {"secret": "Secret", "configMap": "ConfigMap", "persistentVolumeClaim": "PersistentVolumeClaim"}[self.source]
        if snap.named(kind, self.name) is None:
            return f"there is no {kind} {self.name}"
        names = self.volume_names(workload)
        if not names:
            return f"{name_of(workload)} has no volume of {kind} {self.name}"
        paths = [str(m.get("mountPath", "")) for m in mounts(workload) if m.get("name") in names]
        if not paths:
            return f"{name_of(workload)} has a volume of {kind} {self.name} but mounts it in no container"
        if self.path and self.path not in paths:
            return f"{name_of(workload)} mounts {kind} {self.name} at {', '.join(paths)}, not at {self.path}"
        return None


@dataclass(frozen=True)
class ClaimBound:
    """The workload mounts a PersistentVolumeClaim, and it is Bound."""

    target: Finder

    def hint(self, snap: Snapshot, student: Student) -> str | None:
        workload = self.target.find(snap)
        if workload is None:
            return missing(self.target)
        mounted = {m.get("name") for m in mounts(workload)}
        claims = [dig(v, "persistentVolumeClaim", "claimName") for v in volumes(workload)
                  if v["name"] in mounted and dig(v, "persistentVolumeClaim", "claimName")]
        if not claims:
            return f"{name_of(workload)} mounts no PersistentVolumeClaim: its data goes with its pod"
        for name in claims:
            claim = snap.named("PersistentVolumeClaim", name)
            if claim is None:
                return f"{name_of(workload)} mounts PersistentVolumeClaim {name}, which does not exist"
            phase = dig(claim, "status", "phase") or "Pending"
            if phase != "Bound":
                return f"PersistentVolumeClaim {name} is {phase}, not Bound (kubectl describe pvc {name})"
        return None


@dataclass(frozen=True)
class SecretEnv:
    """A container's environment takes ``variable`` (any, when empty) from the Secret ``secret`` (any, when empty)."""

    target: Finder
    secret: str = ""
    variable: str = ""

    def hint(self, snap: Snapshot, student: Student) -> str | None:
        workload = self.target.find(snap)
        if workload is None:
            return missing(self.target)
        if self.secret and snap.named("Secret", self.secret) is None:
            return f"there is no Secret {self.secret}"
        for entry in env(workload):
            ref = dig(entry, "valueFrom", "secretKeyRef") or {}
            if ref and (not self.secret or ref.get("name") == self.secret) and (not self.variable or entry.get("name") == self.variable):
                return None
        if self.secret and any(dig(c, "secretRef", "name") == self.secret for x in containers(workload) for c in x.get("envFrom") or []):
            return None
        wanted = f"{self.variable} " if self.variable else ""
        source = f"Secret {self.secret}" if self.secret else "a Secret"
        return f"{name_of(workload)} takes no environment variable {wanted}from {source} (valueFrom.secretKeyRef)"


@dataclass(frozen=True)
class Env:
    """One of ``variables`` is set in a container with a value that holds ``holds``."""

    target: Finder
    variables: tuple[str, ...]
    holds: str

    def hint(self, snap: Snapshot, student: Student) -> str | None:
        workload = self.target.find(snap)
        if workload is None:
            return missing(self.target)
        values = {e.get("name"): str(e.get("value", "")) for e in env(workload)}
        if any(self.holds in values.get(name, "") for name in self.variables):
            return None
        return f"{name_of(workload)} sets none of {', '.join(self.variables)} to a value with {self.holds}"


@dataclass(frozen=True)
class PullsWith:
    """The pod template pulls with the student's registry Secret (their user-info.yaml's registry.pull_secret)."""

    target: Finder

    def hint(self, snap: Snapshot, student: Student) -> str | None:
        workload = self.target.find(snap)
        if workload is None:
            return missing(self.target)
        if not student.pull_secret:
            return None
        secrets = [s.get("name") for s in dig(template(workload), "spec", "imagePullSecrets") or []]
        if student.pull_secret in secrets:
            return None
        return f"{name_of(workload)} does not pull with the Secret {student.pull_secret} (imagePullSecrets; your user-info.yaml's registry)"


Script = Callable[[list[str]], "str | None"]


def script_trouble(obj: Mapping[str, Any], script: Script) -> str | None:
    """What ``script`` finds wrong in the command and arguments of the object's containers."""
    for container in containers(obj):
        wrong = script(list(container.get("command") or []) + list(container.get("args") or []))
        if wrong:
            return f"{name_of(obj)}: {wrong}"
    return None


@dataclass(frozen=True)
class Runs:
    """The workload's containers run what ``script`` accepts (None), else the hint says what is wrong."""

    target: Finder
    script: Script

    def hint(self, snap: Snapshot, student: Student) -> str | None:
        obj = self.target.find(snap)
        return missing(self.target) if obj is None else script_trouble(obj, self.script)


@dataclass(frozen=True)
class JobDone:
    """The Job completed."""

    target: Finder

    def hint(self, snap: Snapshot, student: Student) -> str | None:
        job = self.target.find(snap)
        if job is None:
            return missing(self.target)
        problem = job_problem(job)
        if problem is None:
            return None
        said = problem if problem.startswith("failed") else f"is {problem}"
        return f"{name_of(job)} {said} (kubectl logs job/{job['metadata']['name']})"


@dataclass(frozen=True)
class CronJobRan:
    """The CronJob has had a Job complete."""

    target: Finder

    def hint(self, snap: Snapshot, student: Student) -> str | None:
        cron = self.target.find(snap)
        if cron is None:
            return missing(self.target)
        if dig(cron, "status", "lastSuccessfulTime"):
            return None
        if dig(cron, "spec", "suspend"):
            return f"{name_of(cron)} is suspended"
        jobs = snap.owned_by("Job", cron)
        failed = [j for j in jobs if condition(j, "Failed").get("status") == "True"]
        if failed:
            return f"no Job of {name_of(cron)} completed; {failed[-1]['metadata']['name']} {job_problem(failed[-1])}"
        return f"no Job of {name_of(cron)} completed yet (it runs on {dig(cron, 'spec', 'schedule')}; kubectl get jobs)"


@dataclass(frozen=True)
class ToExternalHost:
    """A Service without a selector whose EndpointSlice points at the class's external host."""

    def hint(self, snap: Snapshot, student: Student) -> str | None:
        if student.external_host is None:
            return "the class has no external host (user-info.yaml)"
        address, port = student.external_host
        bare = [s for s in snap.all("Service") if not dig(s, "spec", "selector")]
        if not bare:
            return "there is no Service without a selector"
        for service in bare:
            for piece in snap.matching("EndpointSlice", {"kubernetes.io/service-name": service["metadata"]["name"]}):
                ports = {p.get("port") for p in piece.get("ports") or []}
                if port in ports and any(address in (e.get("addresses") or []) for e in piece.get("endpoints") or []):
                    return None
        names = ", ".join(s["metadata"]["name"] for s in bare)
        return (f"no EndpointSlice of the Services without a selector ({names}) points at {address}:{port}, the "
                "external_host of your user-info.yaml (label it kubernetes.io/service-name: <service>)")


@dataclass(frozen=True)
class Provisioned:
    """A ConfigMap mounted at ``path`` in the workload holds a file that ``valid`` accepts (None), else why not."""

    target: Finder
    path: str
    valid: Callable[[list[str]], "str | None"]

    def hint(self, snap: Snapshot, student: Student) -> str | None:
        workload = self.target.find(snap)
        if workload is None:
            return missing(self.target)
        names = {m.get("name") for m in mounts(workload) if m.get("mountPath", "").rstrip("/") == self.path}
        maps = [dig(v, "configMap", "name") for v in volumes(workload) if v["name"] in names and dig(v, "configMap", "name")]
        if not maps:
            return f"{name_of(workload)} mounts no ConfigMap at {self.path}"
        texts = [str(text) for name in maps for text in ((snap.named("ConfigMap", name) or {}).get("data") or {}).values()]
        if not texts:
            return f"ConfigMap {', '.join(maps)} mounted at {self.path} is missing or empty"
        wrong = self.valid(texts)
        return f"{', '.join(maps)} at {self.path}: {wrong}" if wrong else None


@dataclass(frozen=True)
class Check:
    """One line of the report: a rule and what it means to pass it."""

    id: str
    title: str
    rule: Rule


@dataclass(frozen=True)
class Section:
    """The checks of one section of the tutorial; ``needs`` names what the class must give for it to apply."""

    id: str
    title: str
    checks: tuple[Check, ...]
    needs: tuple[str, ...] = ()

    def applies(self, student: Student) -> bool:
        given = {"external_host": student.external_host is not None, "registry": student.registry}
        return all(given.get(need, False) for need in self.needs)


def verdicts(sections: tuple[Section, ...], snap: Snapshot, student: Student) -> list[dict[str, Any]]:
    """Every applying check of every section on ``snap``: section, check, title, passed, hint."""
    out = []
    for section in sections:
        if not section.applies(student):
            continue
        for check in section.checks:
            hint = check.rule.hint(snap, student)
            out.append({"section": section.id, "check": f"{section.id}.{check.id}", "title": check.title,
                        "passed": hint is None, "hint": hint or ""})
    return out
