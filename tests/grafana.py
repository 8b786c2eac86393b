"""Grafana's provisioning formats (apiVersion 1), as Grafana reads them: what a file may hold, what it must.

The fields and their types are those of Grafana's own configuration structs for datasources
(``pkg/services/provisioning/datasources``) and dashboard providers (``.../dashboards``); a field Grafana does not
know is reported, as a misspelt key (``isdefault``) is silently ignored by Grafana and the setting lost.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

import yaml

Fields = Mapping[str, type | tuple[type, ...]]

DATASOURCES_FILE: Fields = {"apiVersion": int, "datasources": list, "deleteDatasources": list, "prune": bool}
DATASOURCE: Fields = {
    "orgId": int, "version": int, "uid": str, "name": str, "type": str, "access": str, "url": str, "user": str,
    "database": str, "basicAuth": bool, "basicAuthUser": str, "withCredentials": bool, "isDefault": bool,
    "correlations": list, "jsonData": dict, "secureJsonData": dict, "editable": bool, "apiVersion": str,
}
DELETED_DATASOURCE: Fields = {"name": str, "orgId": int, "uid": str}
PROVIDERS_FILE: Fields = {"apiVersion": int, "providers": list}
PROVIDER: Fields = {
    "name": str, "type": str, "orgId": int, "folder": str, "folderUid": str, "editable": bool,
    "disableDeletion": bool, "updateIntervalSeconds": int, "allowUiUpdates": bool, "options": dict,
}
PROVIDER_OPTIONS: Fields = {"path": str, "foldersFromFilesStructure": bool}


def fields(where: str, value: Any, known: Fields, required: tuple[str, ...] = ()) -> list[str]:
    """What is wrong with the mapping ``value`` against ``known`` fields and types, and the ``required`` ones."""
    if not isinstance(value, dict):
        return [f"{where} is a {type(value).__name__}, not a mapping"]
    problems = [f"{where}: unknown field {name}" for name in value if name not in known]
    problems += [f"{where}: {name} is missing" for name in required if value.get(name) in (None, "")]
    for name, kinds in known.items():
        # bool is an int to Python; not to Grafana.
        wrong = isinstance(value.get(name), bool) and bool not in (kinds if isinstance(kinds, tuple) else (kinds,))
        if name in value and (wrong or not isinstance(value[name], kinds)):
            problems.append(f"{where}: {name} is {value[name]!r}, not of type {getattr(kinds, '__name__', kinds)}")
    return problems


def parse(text: str) -> tuple[Any, list[str]]:
    try:
        return yaml.safe_load(text), []
    except yaml.YAMLError as err:
        return None, [f"not YAML: {err}"]


def datasources(text: str) -> list[str]:
    """What is wrong with a datasource provisioning file (empty: Grafana provisions it)."""
    document, problems = parse(text)
    if problems:
        return problems
    problems = fields("file", document, DATASOURCES_FILE, ("apiVersion",))
    if problems:
        return problems
    if document["apiVersion"] != 1:
        problems.append(f"apiVersion is {document['apiVersion']}, not 1")
    entries = document.get("datasources") or []
    for index, entry in enumerate(entries):
        problems += fields(f"datasources[{index}]", entry, DATASOURCE, ("name", "type"))
    for index, entry in enumerate(document.get("deleteDatasources") or []):
        problems += fields(f"deleteDatasources[{index}]", entry, DELETED_DATASOURCE, ("name",))
    defaults = [e for e in entries if isinstance(e, dict) and e.get("isDefault")]
    if len(defaults) > 1:
        problems.append("more than one datasource isDefault")
    return problems


def providers(text: str) -> list[str]:
    """What is wrong with a dashboard provider file (empty: Grafana loads its dashboards)."""
    document, problems = parse(text)
    if problems:
        return problems
    problems = fields("file", document, PROVIDERS_FILE, ("apiVersion", "providers"))
    if problems:
        return problems
    for index, entry in enumerate(document["providers"]):
        where = f"providers[{index}]"
        found = fields(where, entry, PROVIDER, ("name", "options"))
        if not found and entry.get("type", "file") == "file":
            found = fields(f"{where}.options", entry["options"], PROVIDER_OPTIONS, ("path",))
        problems += found
    return problems


def dashboard(text: str, datasource_uids: set[str]) -> list[str]:
    """What is wrong with a dashboard's JSON: a title, panels placed on the grid, each query with its refId, and
    every datasource named by a uid among ``datasource_uids`` (the provisioned ones)."""
    try:
        document = json.loads(text)
    except json.JSONDecodeError as err:
        return [f"not JSON: {err}"]
    if not isinstance(document, dict) or not document.get("title"):
        return ["a dashboard needs a title"]
    problems = []
    if len(document.get("uid", "")) > 40:
        problems.append("uid is longer than 40 characters")
    for panel in document.get("panels", []):
        where = f"panel {panel.get('id')} ({panel.get('title')})"
        if not {"h", "w", "x", "y"} <= set(panel.get("gridPos", {})):
            problems.append(f"{where}: gridPos needs h, w, x and y")
        refs = [panel.get("datasource"), *(target.get("datasource") for target in panel.get("targets", []))]
        problems += [f"{where}: datasource {ref!r} is not provisioned" for ref in refs
                     if ref is not None and (not isinstance(ref, dict) or ref.get("uid") not in datasource_uids)]
        problems += [f"{where}: a query without refId" for target in panel.get("targets", [])
                     if not target.get("refId")]
    return problems
