#!/usr/bin/python
"""Run the tutorial's drills live, for every student of the run at once."""

from __future__ import annotations

DOCUMENTATION = r"""
---
module: drill
short_description: The tutorial's hands-on drills, run live in every student's namespace
description:
  - For each student, as the student - with the files they were handed (their kubeconfig and C(user-info.yaml)) -
    runs the drills in order - C(replicaset) (self-healing,
    scaling, adoption of a bare pod, a template change that leaves pods alone), C(rolling_update) (25% surge and
    unavailable of 3 replicas, watched pod by pod), C(rollback) (a missing tag stalls the rollout, undo to the
    previous and to a named revision), C(services) (endpoints follow the pods; the NodePort is the one in the
    student's C(user-info.yaml)).
  - Each drill waits for the controllers, checks the outcome, removes what it made and says what happened and why.
  - Students run in parallel; the module fails when any drill of any student fails, with what was seen.
version_added: 0.1.0
author: kubelab (!UNKNOWN)
requirements:
  - PyYAML
options:
  students:
    description: The students.
    type: list
    elements: dict
    required: true
    suboptions:
      name:
        description: Student name.
        type: str
        required: true
      output_dir:
        description: The folder of the student's files, C(kubeconfig) (namespace in its context) and C(user-info.yaml).
        type: path
        required: true
      namespace:
        description: The student's namespace.
        type: str
        required: true
  drills:
    description: Which drills, in this order.
    type: list
    elements: str
    choices: [replicaset, rolling_update, rollback, services]
    default: [replicaset, rolling_update, rollback, services]
  image:
    description: Repository of the emailservice image.
    type: str
    required: true
  first_version:
    description: The tag a drill starts at.
    type: str
    required: true
  version:
    description: The tag a drill rolls to.
    type: str
    required: true
  missing_version:
    description: A tag that does not exist in the registry.
    type: str
    required: true
  progress_deadline:
    description: progressDeadlineSeconds of the rollback drill's Deployment.
    type: int
    default: 10
  parallel:
    description: Students drilled at once.
    type: int
    default: 10
  timeout:
    description: Seconds a drill waits for the controllers at each step.
    type: int
    default: 60
"""

EXAMPLES = r"""
- name: Drill alice
  kubelab.lab.drill:
    students:
      - {name: alice, output_dir: output/sim/alice, namespace: alice}
    image: gcr.io/google-samples/microservices-demo/emailservice
    first_version: v0.7.0
    version: v0.8.0
    missing_version: v0.7.1
"""

RETURN = r"""
report:
  description: One line per student and drill, in name order - what happened, and why.
  returned: always
  type: list
  elements: str
  sample: ["alice replicaset (6.1s): deleted pod ...: the ReplicaSet created ... to keep 3 replicas"]
students:
  description: Per student and drill, whether it passed, the seconds it took, and what happened.
  returned: always
  type: dict
  sample:
    alice:
      replicaset: {passed: true, seconds: 6.1, said: ["deleted pod ...: the ReplicaSet created ... to keep 3 replicas"]}
"""

import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from ansible.module_utils.basic import AnsibleModule
from ansible_collections.kubelab.lab.plugins.module_utils import drills
from ansible_collections.kubelab.lab.plugins.module_utils.kube import ApiError, KubeApi, load_yaml, require_yaml
from ansible_collections.kubelab.lab.plugins.module_utils.roster import students_option


def told_nodeport(files: Path) -> int | None:
    """The NodePort of my-emailservice-external that the student's user-info.yaml gives."""
    info = load_yaml((files / "user-info.yaml").read_text(), files / "user-info.yaml") or {}
    ports = [s.get("nodePort") for s in info.get("services") or [] if s.get("name") == "my-emailservice-external"]
    return ports[0] if ports else None


def drill_student(student: dict[str, Any], params: dict[str, Any]) -> dict[str, Any]:
    images = drills.Images(params["image"], params["first_version"], params["version"], params["missing_version"])
    files = Path(student["output_dir"])
    ns = drills.Namespace(KubeApi(files / "kubeconfig"), student["namespace"], params["timeout"])
    actions = {
        "replicaset": lambda: drills.replicaset(ns, images),
        "rolling_update": lambda: drills.rolling_update(ns, images),
        "rollback": lambda: drills.rollback(ns, images, params["progress_deadline"]),
        "services": lambda: drills.services(ns, told_nodeport(files)),
    }
    done: dict[str, Any] = {}
    for name in params["drills"]:
        start = time.monotonic()
        try:
            done[name] = {"passed": True, "said": actions[name]()}
        except (drills.DrillFailed, ApiError, OSError, ValueError) as err:
            done[name] = {"passed": False, "said": [f"FAILED: {err}"]}
        done[name]["seconds"] = round(time.monotonic() - start, 1)
    return done


def main() -> None:
    module = AnsibleModule(
        argument_spec={
            "students": students_option(),
            "drills": {
                "type": "list",
                "elements": "str",
                "default": ["replicaset", "rolling_update", "rollback", "services"],
                "choices": ["replicaset", "rolling_update", "rollback", "services"],
            },
            "image": {"type": "str", "required": True},
            "first_version": {"type": "str", "required": True},
            "version": {"type": "str", "required": True},
            "missing_version": {"type": "str", "required": True},
            "progress_deadline": {"type": "int", "default": 10},
            "parallel": {"type": "int", "default": 10},
            "timeout": {"type": "int", "default": 60},
        },
    )
    require_yaml(module)
    params = module.params
    with ThreadPoolExecutor(max_workers=max(1, params["parallel"])) as pool:
        futures = {s["name"]: pool.submit(drill_student, s, params) for s in params["students"]}
        results = {name: future.result() for name, future in futures.items()}
    failed = [f"{student}: {drill}" for student, done in results.items() for drill, r in done.items() if not r["passed"]]
    report = [
        f"{student} {drill} ({r['seconds']}s): {'; '.join(r['said'])}"
        for student, done in sorted(results.items())
        for drill, r in done.items()
    ]
    if failed:
        module.fail_json(msg=f"drills failed: {', '.join(failed)}", students=results, report=report)
    # Every drill changes the cluster and puts it back as it was.
    module.exit_json(changed=False, students=results, report=report)


if __name__ == "__main__":
    main()
