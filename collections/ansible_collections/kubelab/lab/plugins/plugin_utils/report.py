"""The class report's content from kubelab.lab.check's results: counts per student and per check, the files."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

Render = Callable[..., str]


def per_check(sections: list[dict[str, Any]], results: list[dict[str, Any]]) -> dict[str, dict[str, int]]:
    """For each check, how many of the students it applied to passed it."""
    counts = {c["id"]: {"passed": 0, "total": 0} for s in sections for c in s["checks"]}
    for result in results:
        for check in result["checks"]:
            counts[check["check"]]["total"] += 1
            counts[check["check"]]["passed"] += int(check["passed"])
    return counts


def summary(class_name: str, generated: str, sections: list[dict[str, Any]],
            results: list[dict[str, Any]]) -> dict[str, Any]:
    """What results.json holds, and what every page is made of."""
    checks = sum(r["total"] for r in results)
    passed = sum(r["passed"] for r in results)
    return {
        "class": class_name,
        "generated": generated,
        "summary": {"students": len(results), "checks": checks, "passed": passed, "failed": checks - passed,
                    "errors": sum(1 for r in results if r.get("error"))},
        "sections": sections,
        "per_check": per_check(sections, results),
        "students": results,
    }


def pages(report: dict[str, Any], render: Render) -> dict[str, str]:
    """Every file of the report but results.json, by its path under the report's folder."""
    grid = {s["student"]: {c["check"]: c for c in s["checks"]} for s in report["students"]}
    files = {
        "index.html": render("index.html.j2", report=report, grid=grid),
        "junit.xml": render("junit.xml.j2", report=report),
    }
    for student in report["students"]:
        files[f"students/{student['student']}.html"] = render("student.html.j2", report=report, student=student)
    return files
