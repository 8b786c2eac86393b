"""Exercise grafana: Grafana with basic auth, its admin from a Secret, the Redis plugin, provisioning as code."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from ansible_collections.kubelab.lab.plugins.module_utils.checks.objects import dig, mounts, name_of, volumes
from ansible_collections.kubelab.lab.plugins.module_utils.checks.rules import (
    Check,
    Env,
    Finder,
    Provisioned,
    RolledOut,
    Running,
    SecretEnv,
    Section,
    Serves,
    Student,
    missing,
)
from ansible_collections.kubelab.lab.plugins.module_utils.checks.snapshot import Snapshot

try:
    import yaml
except ImportError:  # a student's Python without PyYAML reads JSON only
    yaml = None

# grafana/grafana, grafana/grafana-oss, grafana/grafana-enterprise: the tutorial's name first when several run.
GRAFANA = Running("grafana", name="grafana", partial=True)
PROVISIONING = "/etc/grafana/provisioning"
PLUGIN_VARIABLES = ("GF_PLUGINS_PREINSTALL_SYNC", "GF_PLUGINS_PREINSTALL", "GF_INSTALL_PLUGINS")


def parsed(text: str) -> Any:
    """A provisioning file as Grafana reads it (YAML, of which JSON is a part); None when it does not parse."""
    try:
        return json.loads(text)
    except ValueError:
        pass
    if yaml is None:
        return None
    try:
        return yaml.safe_load(text)
    except yaml.YAMLError:
        return None


def entries(texts: list[str], key: str) -> tuple[list[dict[str, Any]], int]:
    """The ``key`` entries (datasources, providers) of every file that parses, and how many did not."""
    found, broken = [], 0
    for text in texts:
        document = parsed(text)
        if not isinstance(document, dict):
            broken += 1
            continue
        found += [e for e in document.get(key) or [] if isinstance(e, dict)]
    return found, broken


def redis_datasource(texts: list[str]) -> str | None:
    datasources, broken = entries(texts, "datasources")
    if any(d.get("type") == "redis-datasource" and "redis-cart:6379" in str(d.get("url", "")) for d in datasources):
        return None
    why = f"{broken} file(s) do not parse as YAML or JSON (the tutorial's JSON misses a comma after \"version\": 2); " if broken else ""
    return why + "no datasource of type redis-datasource reads redis-cart:6379"


def file_provider(texts: list[str]) -> str | None:
    providers, broken = entries(texts, "providers")
    if any(p.get("type", "file") == "file" and dig(p, "options", "path") for p in providers):
        return None
    return ("no dashboard provider of type file with options.path" + (f" ({broken} file(s) do not parse)" if broken else ""))


@dataclass(frozen=True)
class RedisDashboard:
    """A ConfigMap mounted at the file provider's path holds a dashboard whose panels read the Redis datasource."""

    target: Finder

    def hint(self, snap: Snapshot, student: Student) -> str | None:
        workload = self.target.find(snap)
        if workload is None:
            return missing(self.target)
        at = {m.get("mountPath", "").rstrip("/"): m.get("name") for m in mounts(workload)}
        maps = {v["name"]: dig(v, "configMap", "name") for v in volumes(workload) if dig(v, "configMap", "name")}
        texts = [str(t) for t in ((snap.named("ConfigMap", maps.get(at.get(f"{PROVISIONING}/dashboards"), "")) or {})
                                  .get("data") or {}).values()]
        paths = [str(dig(p, "options", "path")).rstrip("/") for p in entries(texts, "providers")[0] if dig(p, "options", "path")]
        if not paths:
            return "no dashboard provider says where the dashboards are (options.path)"
        for path in paths:
            dashboard = (snap.named("ConfigMap", maps.get(at.get(path), "")) or {}).get("data") or {}
            for text in dashboard.values():
                if '"redis-datasource"' in str(text) and isinstance(parsed(str(text)), dict):
                    return None
        return f"{name_of(workload)} mounts no dashboard JSON reading the Redis datasource at {', '.join(paths)}"


SECTION = Section("grafana", "Grafana with Redis", (
    Check("deployment", "Grafana is rolled out", RolledOut(GRAFANA)),
    Check("basic-auth", "GF_AUTH_BASIC_ENABLED is true", Env(GRAFANA, ("GF_AUTH_BASIC_ENABLED",), "true")),
    Check("admin-secret", "The admin's password comes from a Secret",
          SecretEnv(GRAFANA, variable="GF_SECURITY_ADMIN_PASSWORD")),
    Check("redis-plugin", "The Redis plugin is installed", Env(GRAFANA, PLUGIN_VARIABLES, "redis-datasource")),
    Check("datasource", "The Redis datasource on redis-cart:6379 is provisioned from a ConfigMap",
          Provisioned(GRAFANA, f"{PROVISIONING}/datasources", redis_datasource)),
    Check("dashboard-provider", "A dashboard provider is provisioned from a ConfigMap",
          Provisioned(GRAFANA, f"{PROVISIONING}/dashboards", file_provider)),
    Check("dashboard", "A Redis dashboard is provisioned as code", RedisDashboard(GRAFANA)),
    Check("service", "A Service on 3000 reaches Grafana", Serves(GRAFANA, 3000, 3000)),
))
