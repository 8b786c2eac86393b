"""Write the class report of kubelab.lab.check's results: HTML grid, a page per student, JUnit XML, results.json.

Documented in plugins/modules/report.py.
"""

from __future__ import annotations

import datetime
import json
import os
from pathlib import Path
from typing import Any

import jinja2

from ansible.errors import AnsibleActionFail
from ansible.module_utils.common.arg_spec import ArgumentSpecValidator
from ansible.plugins.action import ActionBase
from ansible_collections.kubelab.lab.plugins.plugin_utils.report import pages, summary

ARGUMENTS = {
    "class_name": {"type": "str", "required": True},
    "results": {"type": "list", "elements": "dict", "required": True},
    "sections": {"type": "list", "elements": "dict", "required": True},
    "dest": {"type": "path", "required": True},
}


def write(path: Path, text: str) -> bool:
    """Write ``text`` when the file holds something else; whether it did."""
    if path.is_file() and path.read_text() == text:
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.tmp")
    temporary.write_text(text)
    os.replace(temporary, path)
    return True


class ActionModule(ActionBase):  # type: ignore[misc]  # ansible ships no types
    TRANSFERS_FILES = False

    def run(self, tmp: Any = None, task_vars: dict[str, Any] | None = None) -> dict[str, Any]:
        result: dict[str, Any] = super().run(tmp, task_vars)
        checked = ArgumentSpecValidator(ARGUMENTS).validate(self._task.args)
        if checked.error_messages:
            raise AnsibleActionFail("; ".join(checked.error_messages))
        args = checked.validated_parameters
        templates = Path(self._find_needle("templates", "report/index.html.j2")).parent
        environment = jinja2.Environment(
            loader=jinja2.FileSystemLoader(str(templates)),
            autoescape=lambda name: str(name).endswith((".html.j2", ".xml.j2")),
            undefined=jinja2.StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
            keep_trailing_newline=True,
        )
        generated = datetime.datetime.now(datetime.timezone.utc).replace(microsecond=0).isoformat()
        report = summary(args["class_name"], generated, args["sections"], args["results"])
        dest = Path(args["dest"])
        files = pages(report, lambda name, **values: environment.get_template(name).render(**values))
        files["results.json"] = json.dumps(report, indent=2) + "\n"
        written = [name for name, text in files.items() if write(dest / name, text)]
        stale = [p for p in (dest / "students").glob("*.html") if f"students/{p.name}" not in files]
        for page in stale:
            page.unlink()
        totals = report["summary"]
        result.update(
            changed=bool(written or stale),
            written=sorted(written),
            removed=sorted(f"students/{p.name}" for p in stale),
            summary=totals,
            summary_lines=[
                f"{totals['students']} students, {totals['passed']} of {totals['checks']} checks passed"
                + (f", {totals['errors']} not checked" if totals["errors"] else ""),
                *(f"{s['student']}: {s['passed']}/{s['total']}" + (f" ({s['error']})" if s.get("error") else "")
                  for s in report["students"]),
                f"report: {dest / 'index.html'}",
            ],
        )
        return result
