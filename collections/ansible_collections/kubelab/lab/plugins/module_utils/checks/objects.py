"""What the checks read off an object: its pod template, containers, images, volumes and selectors."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

TEMPLATE_PATHS = {
    "Deployment": ("spec", "template"),
    "ReplicaSet": ("spec", "template"),
    "Job": ("spec", "template"),
    "CronJob": ("spec", "jobTemplate", "spec", "template"),
}


def dig(obj: Mapping[str, Any], *path: str) -> Any:
    """The value at ``path``, or None where a step is missing."""
    value: Any = obj
    for step in path:
        if not isinstance(value, Mapping):
            return None
        value = value.get(step)
    return value


def template(obj: Mapping[str, Any]) -> dict[str, Any]:
    """The pod template of a workload; a Pod is its own."""
    if obj.get("kind") == "Pod":
        return dict(obj)
    return dig(obj, *TEMPLATE_PATHS.get(obj.get("kind", ""), ("-",))) or {}


def containers(obj: Mapping[str, Any]) -> list[dict[str, Any]]:
    return list(dig(template(obj), "spec", "containers") or [])


def image_name(image: str) -> str:
    """The image's repository without registry, path, tag or digest: ``alexwhen/docker-2048@sha256:..`` -> docker-2048."""
    last = image.split("@")[0].rsplit("/", 1)[-1]
    return last.split(":")[0]


def image_tag(image: str) -> str:
    last = image.split("@")[0].rsplit("/", 1)[-1]
    return last.split(":", 1)[1] if ":" in last else ""


def runs(obj: Mapping[str, Any], name: str) -> bool:
    return any(image_name(c.get("image", "")) == name for c in containers(obj))


def image_of(obj: Mapping[str, Any], name: str) -> str:
    """The image of the first container that runs ``name``; empty when none does."""
    return next((c["image"] for c in containers(obj) if image_name(c.get("image", "")) == name), "")


def selector_text(selector: Mapping[str, str]) -> str:
    return ",".join(f"{key}={value}" for key, value in sorted(selector.items())) or "(none)"


def volumes(obj: Mapping[str, Any]) -> list[dict[str, Any]]:
    return list(dig(template(obj), "spec", "volumes") or [])


def mounts(obj: Mapping[str, Any]) -> Iterator[dict[str, Any]]:
    """Each volume mount of every container of the pod template."""
    for container in containers(obj):
        yield from container.get("volumeMounts") or []


def env(obj: Mapping[str, Any]) -> Iterator[dict[str, Any]]:
    """Each environment entry of every container."""
    for container in containers(obj):
        yield from container.get("env") or []


def name_of(obj: Mapping[str, Any]) -> str:
    return f"{obj.get('kind', '')} {obj['metadata']['name']}"
