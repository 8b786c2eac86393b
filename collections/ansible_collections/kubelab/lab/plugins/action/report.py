"""Write the class report of kubelab.lab.check's results: HTML grid, a page per student, JUnit XML, results.json.

Documented in plugins/modules/report.py.
"""

from __future__ import annotations

import datetime
import json
from pathlib import Path
from typing import Any

import jinja2

from ansible.plugins.action import ActionBase
from ansible_collections.kubelab.lab.plugins.plugin_utils.actions import validated, write_file
from ansible_collections.kubelab.lab.plugins.plugin_utils.report import pages, summary

ARGUMENTS = {
    "class_name": {"type": "str", "required": True},
    "results": {"type": "list", "elements": "dict", "required": True},
    "sections": {"type": "list", "elements": "dict", "required": True},
    "dest": {"type": "path", "required": True},
}


class ActionModule(ActionBase):  # type: ignore[misc]  # ansible ships no types
    TRANSFERS_FILES = False

    def run(self, tmp: Any = None, task_vars: dict[str, Any] | None = None) -> dict[str, Any]:
        result: dict[str, Any] = super().run(tmp, task_vars)
        args = validated("kubelab.lab.report", ARGUMENTS, self._task.args)
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
        written = [name for name, text in files.items() if write_file(dest / name, text.encode(), 0o644)]
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
