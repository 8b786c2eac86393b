"""Roles on the roles path, for the lookups that read what a role declares.

Controller code (it reads Ansible's configuration), so it lives in plugin_utils: module_utils is
what modules carry to the host they run on.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from typing import Any

from ansible import constants as C
from ansible_collections.kubelab.lab.plugins.module_utils.kube import load_yaml


def roles_path(variables: Mapping[str, Any] | None) -> list[str]:
    """The configured roles path, then roles/ beside the playbook."""
    paths = [*C.config.get_config_value("DEFAULT_ROLES_PATH")]
    playbook_dir = (variables or {}).get("playbook_dir")
    if playbook_dir:
        paths.append(os.path.join(str(playbook_dir), "roles"))
    return paths


def find_role(name: str, paths: Iterable[str]) -> str | None:
    """The folder of role ``name`` in the first of ``paths`` that has it."""
    for path in paths:
        folder = os.path.join(path, name)
        if os.path.isdir(os.path.join(folder, "tasks")):
            return folder
    return None


def role_yaml(name: str, relative: str, variables: Mapping[str, Any] | None) -> Any:
    """The YAML of file ``relative`` in role ``name`` on the roles path; None when the role has no such file.

    A role on no roles path is a ValueError naming the path.
    """
    paths = roles_path(variables)
    folder = find_role(name, paths)
    if folder is None:
        raise ValueError(f"role {name} is on no roles path ({', '.join(paths)})")
    path = os.path.join(folder, relative)
    if not os.path.exists(path):
        return None
    with open(path, encoding="utf-8") as stream:
        return load_yaml(stream.read(), path) or {}
