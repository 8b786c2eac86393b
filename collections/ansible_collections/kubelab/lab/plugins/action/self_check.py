"""Hand every student their own check: the kubectl plugin kubectl-kubelab_check and what it reads beside it.

Documented in plugins/modules/self_check.py.
"""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path
from typing import Any

from ansible.plugins.action import ActionBase
from ansible_collections.kubelab.lab.plugins.plugin_utils.actions import validated, write_file

PLUGIN = "kubectl-kubelab_check"
INFO = "kubelab-check.json"
ARGUMENTS = {
    "students": {
        "type": "list",
        "elements": "dict",
        "required": True,
        "options": {
            "name": {"type": "str", "required": True},
            "namespace": {"type": "str", "required": True},
            "output_dir": {"type": "path", "required": True},
            "info": {"type": "dict", "default": {}},
        },
    },
}
# The collection's plugins folder, and what of it the checks need on a student's machine.
PLUGINS = Path(__file__).resolve().parents[1]
PACKAGES = ("ansible_collections", "ansible_collections/kubelab", "ansible_collections/kubelab/lab",
            "ansible_collections/kubelab/lab/plugins", "ansible_collections/kubelab/lab/plugins/module_utils",
            "ansible_collections/kubelab/lab/plugins/plugin_utils")
MAIN = (b"from ansible_collections.kubelab.lab.plugins.plugin_utils.selfcheck import main\n"
        b"raise SystemExit(main())\n")
# The archive's entries carry this date, so that the same checks give the same bytes (a re-run writes nothing).
DATE = (2020, 1, 1, 0, 0, 0)


def plugin() -> bytes:
    """The checks as a Python zip application (PEP 441) run by the student's python3; the standard library only."""
    buffer = io.BytesIO()
    buffer.write(b"#!/usr/bin/env python3\n")
    sources = [PLUGINS / "module_utils" / "readiness.py", *sorted((PLUGINS / "module_utils" / "checks").glob("*.py")),
               PLUGINS / "plugin_utils" / "selfcheck.py"]
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:

        def add(name: str, data: bytes) -> None:
            archive.writestr(zipfile.ZipInfo(name, DATE), data, compress_type=zipfile.ZIP_DEFLATED)

        add("__main__.py", MAIN)
        for package in PACKAGES:
            add(f"{package}/__init__.py", b"")
        for source in sources:
            add(f"ansible_collections/kubelab/lab/plugins/{source.relative_to(PLUGINS)}", source.read_bytes())
    return buffer.getvalue()


def student_info(student: dict[str, Any]) -> bytes:
    """What the plugin compares with: the student's name and namespace, their NodePorts, external host, registry."""
    given = {key: student["info"][key] for key in ("nodeports", "external_host", "registry") if key in student["info"]}
    return (json.dumps({"name": student["name"], "namespace": student["namespace"], **given}, indent=2) + "\n").encode()


class ActionModule(ActionBase):  # type: ignore[misc]  # ansible ships no types
    TRANSFERS_FILES = False

    def run(self, tmp: Any = None, task_vars: dict[str, Any] | None = None) -> dict[str, Any]:
        result: dict[str, Any] = super().run(tmp, task_vars)
        args = validated("kubelab.lab.self_check", ARGUMENTS, self._task.args)
        code = plugin()
        written = []
        for student in args["students"]:
            folder = Path(student["output_dir"])
            changed = [write_file(folder / PLUGIN, code, 0o700, self._task.check_mode),
                       write_file(folder / INFO, student_info(student), 0o600, self._task.check_mode)]
            if any(changed):
                written.append(student["name"])
        result.update(changed=bool(written), written=written)
        return result
