"""What the collection's action plugins share: their arguments checked as a module's are, files written once."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from ansible.errors import AnsibleActionFail
from ansible.module_utils.common.arg_spec import ArgumentSpecValidator


def validated(name: str, spec: dict[str, Any], args: dict[str, Any]) -> dict[str, Any]:
    """The task's arguments checked against ``spec`` (as AnsibleModule does), or the action fails naming why."""
    checked = ArgumentSpecValidator(spec).validate(args)
    if checked.error_messages:
        raise AnsibleActionFail(f"{name}: {'; '.join(checked.error_messages)}")
    parameters: dict[str, Any] = checked.validated_parameters
    return parameters


def write_file(path: Path, data: bytes, mode: int, check_mode: bool = False) -> bool:
    """Write ``data`` with ``mode`` (atomically) when the file holds something else or has another mode; whether it
    did, or in check mode would."""
    if path.is_file() and path.read_bytes() == data and path.stat().st_mode & 0o777 == mode:
        return False
    if not check_mode:
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        temporary = path.with_name(f".{path.name}.tmp")
        temporary.write_bytes(data)
        os.chmod(temporary, mode)
        os.replace(temporary, path)
    return True
