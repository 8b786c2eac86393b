"""A student's own check, with their kubeconfig: ``kubectl kubelab-check`` (the plugin handed out with their files).

It reads their namespace with their kubectl, in one ``kubectl get`` of the kinds the checks look at, and grades it
with the very checks that check.yml runs, so it says what the instructor's report says of them.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

from ansible_collections.kubelab.lab.plugins.module_utils.checks.course import SECTIONS, grade, student_of
from ansible_collections.kubelab.lab.plugins.module_utils.checks.snapshot import KINDS, snapshot

# What the plugin reads beside itself: the student's name, namespace and what they were given (no secret).
INFO = "kubelab-check.json"
RESOURCES = ",".join(f"{resource}.{prefix.split('/')[2]}" if prefix.startswith("/apis/") else resource
                     for prefix, resource, kind in KINDS)


def arguments(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="kubectl kubelab-check", description=(
        "Check your work in your namespace, section by section, as your instructor's report does."))
    parser.add_argument("--info", type=Path, default=Path(sys.argv[0]).resolve().parent / INFO,
                        help=f"what you were given (default: the {INFO} beside this plugin)")
    parser.add_argument("-n", "--namespace", help="the namespace to check (default: yours)")
    parser.add_argument("--kubeconfig", help="your kubeconfig (default: kubectl's, $KUBECONFIG)")
    parser.add_argument("--context", help="the kubeconfig's context (default: its current one)")
    parser.add_argument("--json", action="store_true", help="print the result as JSON")
    return parser.parse_args(argv)


def listed(args: argparse.Namespace, namespace: str) -> list[dict[str, Any]]:
    """Every object of the checked kinds in ``namespace``, read by kubectl as the student."""
    command = ["kubectl", "get", RESOURCES, "--namespace", namespace, "--output", "json"]
    command += [f"--kubeconfig={args.kubeconfig}"] if args.kubeconfig else []
    command += [f"--context={args.context}"] if args.context else []
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise RuntimeError(done.stderr.strip() or f"kubectl exited with {done.returncode}")
    items: list[dict[str, Any]] = json.loads(done.stdout).get("items", [])
    return items


def text(result: dict[str, Any]) -> str:
    lines = [f"{result['student']} in namespace {result['namespace']}: "
             f"{result['passed']} of {result['total']} checks passed"]
    for section in SECTIONS:
        verdicts = [c for c in result["checks"] if c["section"] == section.id]
        if verdicts:
            lines += ["", section.title]
        for verdict in verdicts:
            lines.append(f"  {'pass' if verdict['passed'] else 'FAIL'}  {verdict['title']}")
            if verdict["hint"]:
                lines.append(f"        {verdict['hint']}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    """0 when every check passes, 1 when one fails, 2 when the namespace could not be read."""
    args = arguments(sys.argv[1:] if argv is None else argv)
    info: dict[str, Any] = json.loads(args.info.read_text())
    namespace = args.namespace or info["namespace"]
    try:
        items = listed(args, namespace)
    except (RuntimeError, OSError, ValueError) as err:
        print(f"kubectl kubelab-check: cannot read namespace {namespace}: {err}", file=sys.stderr)
        return 2
    kinds = {kind for prefix, resource, kind in KINDS}
    lists = [(kind, [item for item in items if item.get("kind") == kind]) for kind in sorted(kinds)]
    result = grade(snapshot(namespace, lists), student_of(info["name"], namespace, info))
    print(json.dumps(result, indent=2) if args.json else text(result))
    return 0 if result["passed"] == result["total"] else 1
