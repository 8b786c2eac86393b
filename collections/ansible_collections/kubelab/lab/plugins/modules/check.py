#!/usr/bin/python
"""Check every student's namespace against the course's checks, section by section, with a hint for each failure."""

from __future__ import annotations

DOCUMENTATION = r"""
---
module: check
short_description: Grade what each student built, from one read of their namespace
description:
  - Reads each student's namespace once (one list request per kind it looks at; Secrets as metadata only) and runs
    every check of the course's sections on it - an object there, rolled out, a Service with ready endpoints, a Job
    complete, a Secret or ConfigMap consumed, an image in the rollout history - each failure with a hint that says
    what is wrong and how to see it.
  - A check finds what it checks as the tutorial lets a student name it, by name where the tutorial fixes it, else
    by what it runs.
  - What a student was given (their NodePort block, the external host, the registry) comes from their
    C(user-info.yaml); a section whose needs the class does not give is left out. A student without that file is
    reported as not set up.
  - Reads only; never writes to the cluster.
version_added: 0.1.0
author: kubelab (!UNKNOWN)
requirements:
  - PyYAML
options:
  students:
    description: The students to check.
    type: list
    elements: dict
    required: true
    suboptions:
      name: {description: The student., type: str, required: true}
      namespace: {description: Their namespace., type: str, required: true}
      admin_kubeconfig: {description: A kubeconfig that may read their namespace (their cluster's admin)., type: path, required: true}
      output_dir: {description: Their files; their C(user-info.yaml) is read from it., type: path, required: true}
  workers:
    description: Namespaces read at once.
    type: int
    default: 8
"""

EXAMPLES = r"""
- name: Check alice
  kubelab.lab.check:
    students:
      - name: alice
        namespace: alice
        admin_kubeconfig: output/sim/admin.kubeconfig
        output_dir: output/sim/alice
"""

RETURN = r"""
results:
  description: One entry per student, by name - C(student), C(namespace), C(passed), C(total), C(checks) (each
    C(section), C(check), C(title), C(passed), C(hint)) and C(error) when they could not be checked.
  returned: always
  type: list
  elements: dict
sections:
  description: The sections and their checks, in the course's order (C(id), C(title), C(checks) of C(id), C(title)).
  returned: always
  type: list
  elements: dict
seconds:
  description: How long the reads and checks took.
  returned: always
  type: float
"""

import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from ansible.module_utils.basic import AnsibleModule
from ansible_collections.kubelab.lab.plugins.module_utils.checks.course import SECTIONS, grade, student_of
from ansible_collections.kubelab.lab.plugins.module_utils.checks.snapshot import (
    METADATA_ACCEPT,
    METADATA_ONLY,
    Lister,
    read,
)
from ansible_collections.kubelab.lab.plugins.module_utils.kube import ApiError, KubeApi, load_yaml, require_yaml
from ansible_collections.kubelab.lab.plugins.module_utils.roster import students_option


def lister(api: KubeApi, namespace: str) -> Lister:
    """The list requests of one namespace, as the admin; Secrets as metadata only."""

    def listing(prefix: str, resource: str, kind: str) -> list[dict[str, Any]]:
        accept = METADATA_ACCEPT if kind in METADATA_ONLY else None
        items: list[dict[str, Any]] = api.get(f"{prefix}/namespaces/{namespace}/{resource}", accept=accept).get("items", [])
        return items

    return listing


def check_one(student: dict[str, Any], apis: dict[str, KubeApi]) -> dict[str, Any]:
    base = {"student": student["name"], "namespace": student["namespace"], "passed": 0, "total": 0, "checks": []}
    info_file = Path(student["output_dir"]) / "user-info.yaml"
    if not info_file.is_file():
        return {**base, "error": f"{info_file} does not exist: site.yml has not set this student up"}
    info = load_yaml(info_file.read_text(), info_file) or {}
    try:
        snap = read(student["namespace"], lister(apis[student["admin_kubeconfig"]], student["namespace"]))
    except (ApiError, OSError) as err:
        return {**base, "error": f"reading namespace {student['namespace']}: {err}"}
    return grade(snap, student_of(student["name"], student["namespace"], info))


def sections() -> list[dict[str, Any]]:
    return [{"id": s.id, "title": s.title, "checks": [{"id": f"{s.id}.{c.id}", "title": c.title} for c in s.checks]}
            for s in SECTIONS]


def main() -> None:
    module = AnsibleModule(
        argument_spec={
            "students": students_option(admin_kubeconfig={"type": "path", "required": True}),
            "workers": {"type": "int", "default": 8},
        },
        supports_check_mode=True,
    )
    require_yaml(module)
    start = time.monotonic()
    students = module.params["students"]
    try:
        apis = {path: KubeApi(path) for path in {s["admin_kubeconfig"] for s in students}}
    except (ValueError, OSError) as err:
        module.fail_json(msg=f"reading a kubeconfig: {err}")
    with ThreadPoolExecutor(max_workers=max(1, module.params["workers"])) as pool:
        results = list(pool.map(lambda s: check_one(s, apis), students))
    results.sort(key=lambda r: r["student"])
    module.exit_json(changed=False, results=results, sections=sections(), seconds=round(time.monotonic() - start, 2))


if __name__ == "__main__":
    main()
