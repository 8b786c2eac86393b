#!/usr/bin/python
"""Write every student's kubeconfig and user-info, with tokens renewed only when needed."""

from __future__ import annotations

DOCUMENTATION = r"""
---
module: student_access
short_description: Per-student kubeconfig files with time-limited ServiceAccount tokens, for a whole class at once
description:
  - For each student, keeps the token of the existing C(<output_dir>/kubeconfig) while it is accepted by the
    API server (TokenReview) and valid for more than O(renew_seconds); otherwise requests a new one (TokenRequest).
  - Writes C(<output_dir>/kubeconfig) (server, cluster CA, token, the student's namespace in the context) and
    C(<output_dir>/user-info.yaml), both mode 0600 in a 0700 folder, only when their content changes.
  - Returns no token, so nothing secret reaches Ansible's output.
  - With O(state=absent), removes the students' output folders.
version_added: 0.1.0
author: kubelab (!UNKNOWN)
requirements:
  - PyYAML
options:
  admin_kubeconfig:
    description: Kubeconfig of the cluster's admin, with certificates embedded; its server and CA go to the students.
    type: path
    required: true
  cluster_name:
    description: Name of the cluster and the context prefix in the students' kubeconfigs.
    type: str
    required: true
  token_seconds:
    description: Lifetime of a new token (TokenRequest expirationSeconds, at least 600).
    type: int
    default: 86400
  renew_seconds:
    description: A token with less than this left is renewed.
    type: int
    default: 3600
  state:
    description: V(present) writes the files, V(absent) removes the students' output folders.
    type: str
    choices: [present, absent]
    default: present
  students:
    description: The students of this cluster.
    type: list
    elements: dict
    required: true
    suboptions:
      name:
        description: Student name (the inventory host).
        type: str
        required: true
      namespace:
        description: The student's namespace.
        type: str
        required: true
      service_account:
        description: The ServiceAccount whose token the student gets.
        type: str
        default: student
      output_dir:
        description: The student's folder, C(output/<class>/<student>).
        type: path
        required: true
      info:
        description: Extra entries of C(user-info.yaml) (class, email, NodePorts, ...).
        type: dict
        default: {}
  published:
    description:
      - The Services the workload roles publish, by student (M(kubelab.lab.render)'s C(lab_published)); each
        student's go in the C(services) entry of their C(user-info.yaml).
    type: dict
    default: {}
  credentials:
    description:
      - "What students sign in to the exercises' apps with, by student (M(kubelab.lab.render)'s C(lab_credentials),
        C({student: {secret: {key: value}}})); each student's go in the C(credentials) entry of their
        C(user-info.yaml), which only they read. Never logged."
    type: dict
    default: {}
"""

EXAMPLES = r"""
- name: Write the students' kubeconfigs
  kubelab.lab.student_access:
    admin_kubeconfig: output/sim/admin.kubeconfig
    cluster_name: kubelab-sim
    token_seconds: 86400
    students:
      - name: alice
        namespace: alice
        output_dir: output/sim/alice
        info: {class: sim}
"""

RETURN = r"""
students:
  description: Per student, what was done and when the token expires.
  returned: always
  type: dict
  sample:
    alice: {changed: true, renewed: true, token_expires: "2026-11-26T08:00:00Z", kubeconfig: output/sim/alice/kubeconfig}
"""

import base64
import datetime
import json
import os
import shutil
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from ansible.module_utils.basic import AnsibleModule
from ansible_collections.kubelab.lab.plugins.module_utils.kube import (
    ApiError,
    KubeApi,
    dump_yaml,
    load_yaml,
    require_yaml,
)
from ansible_collections.kubelab.lab.plugins.module_utils.roster import students_option

KUBECONFIG = "kubeconfig"
USER_INFO = "user-info.yaml"
UTC = datetime.timezone.utc


def token_expiry(token: str) -> datetime.datetime | None:
    """The `exp` claim of a JWT, or None when it has none or is not a JWT."""
    try:
        payload = token.split(".")[1]
        claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
        return datetime.datetime.fromtimestamp(int(claims["exp"]), tz=UTC)
    except (IndexError, ValueError, KeyError, TypeError):
        return None


def iso(moment: datetime.datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def current_token(kubeconfig: Path) -> str | None:
    try:
        config = load_yaml(kubeconfig.read_text(), kubeconfig)
        token = config["users"][0]["user"]["token"]
    except (OSError, ValueError, KeyError, IndexError, TypeError):
        return None
    return token if isinstance(token, str) else None


def write_private(path: Path, content: str, check_mode: bool) -> bool:
    """Write ``content`` (mode 0600) unless the file already holds it; True when it changed."""
    try:
        unchanged = path.read_text() == content and path.stat().st_mode & 0o777 == 0o600
    except OSError:
        unchanged = False
    if unchanged or check_mode:
        return not unchanged
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    os.chmod(path.parent, 0o700)
    handle, temp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    with os.fdopen(handle, "w") as out:
        out.write(content)
    os.chmod(temp, 0o600)
    os.replace(temp, path)
    return True


class ClassAccess:
    """The students of one cluster, seen with the admin's credentials."""

    def __init__(self, module: AnsibleModule) -> None:
        self.module = module
        self.api = KubeApi(module.params["admin_kubeconfig"])
        self.cluster = self.api.cluster
        self.now = datetime.datetime.now(tz=UTC)

    def still_good(self, token: str | None, namespace: str, account: str) -> tuple[str, datetime.datetime] | None:
        """``token`` and its expiry when the API accepts it for the account and it is not due; else None."""
        expires = token_expiry(token) if token else None
        renew_seconds = self.module.params["renew_seconds"]
        if token is None or expires is None or (expires - self.now).total_seconds() < renew_seconds:
            return None
        review = self.api.post(
            "/apis/authentication.k8s.io/v1/tokenreviews",
            {"apiVersion": "authentication.k8s.io/v1", "kind": "TokenReview", "spec": {"token": token}},
        )
        status = review.get("status", {})
        user = status.get("user", {}).get("username")
        if not status.get("authenticated") or user != f"system:serviceaccount:{namespace}:{account}":
            return None
        return token, expires

    def new_token(self, namespace: str, account: str) -> tuple[str, datetime.datetime]:
        request = {
            "apiVersion": "authentication.k8s.io/v1",
            "kind": "TokenRequest",
            "spec": {"expirationSeconds": self.module.params["token_seconds"]},
        }
        path = f"/api/v1/namespaces/{namespace}/serviceaccounts/{account}/token"
        status = self.api.post(path, request)["status"]
        expires = datetime.datetime.fromisoformat(status["expirationTimestamp"].replace("Z", "+00:00"))
        return status["token"], expires

    def kubeconfig(self, student: dict[str, Any], token: str) -> str:
        name = f"{self.module.params['cluster_name']}-{student['name']}"
        config = {
            "apiVersion": "v1",
            "kind": "Config",
            "clusters": [{"name": self.module.params["cluster_name"], "cluster": self.cluster}],
            "users": [{"name": name, "user": {"token": token}}],
            "contexts": [
                {
                    "name": name,
                    "context": {
                        "cluster": self.module.params["cluster_name"],
                        "user": name,
                        "namespace": student["namespace"],
                    },
                }
            ],
            "current-context": name,
        }
        return dump_yaml(config)

    def user_info(self, student: dict[str, Any], expires: datetime.datetime) -> str:
        info = {
            "student": student["name"],
            "namespace": student["namespace"],
            "api_server": self.cluster["server"],
            "kubeconfig": KUBECONFIG,
            "token_expires": iso(expires),
            **student["info"],
            "services": self.module.params["published"].get(student["name"], []),
        }
        credentials = self.module.params["credentials"].get(student["name"])
        if credentials:
            info["credentials"] = credentials
        header = ("# Your Kubernetes lab. Use it with: export KUBECONFIG=<this folder>/kubeconfig\n"
                  "# Check your work with: PATH=<this folder>:$PATH kubectl kubelab-check\n")
        return header + dump_yaml(info)

    def ensure(self, student: dict[str, Any]) -> dict[str, Any]:
        folder = Path(student["output_dir"])
        kubeconfig = folder / KUBECONFIG
        namespace, account = student["namespace"], student["service_account"]
        kept = self.still_good(current_token(kubeconfig), namespace, account)
        renewed = kept is None
        if renewed and self.module.check_mode:
            return {"changed": True, "renewed": True, "token_expires": None, "kubeconfig": str(kubeconfig)}
        token, expires = kept if kept is not None else self.new_token(namespace, account)
        changed = write_private(kubeconfig, self.kubeconfig(student, token), self.module.check_mode)
        changed |= write_private(folder / USER_INFO, self.user_info(student, expires), self.module.check_mode)
        return {"changed": changed, "renewed": renewed, "token_expires": iso(expires), "kubeconfig": str(kubeconfig)}


def remove(student: dict[str, Any], check_mode: bool) -> dict[str, Any]:
    folder = Path(student["output_dir"])
    existed = folder.exists()
    if existed and not check_mode:
        shutil.rmtree(folder)
    return {"changed": existed}


def main() -> None:
    module = AnsibleModule(
        argument_spec={
            "admin_kubeconfig": {"type": "path", "required": True},
            "cluster_name": {"type": "str", "required": True},
            "token_seconds": {"type": "int", "default": 86400, "no_log": False},  # a lifetime, no secret
            "renew_seconds": {"type": "int", "default": 3600},
            "state": {"type": "str", "choices": ["present", "absent"], "default": "present"},
            "students": students_option(
                service_account={"type": "str", "default": "student"}, info={"type": "dict", "default": {}}
            ),
            "published": {"type": "dict", "default": {}},
            "credentials": {"type": "dict", "default": {}, "no_log": True},
        },
        supports_check_mode=True,
    )
    require_yaml(module)
    if module.params["state"] == "absent":
        done = {s["name"]: remove(s, module.check_mode) for s in module.params["students"]}
    else:
        if module.params["token_seconds"] < 600:
            module.fail_json(msg=f"token_seconds is {module.params['token_seconds']}; the API needs at least 600")
        try:
            access = ClassAccess(module)
            students = module.params["students"]
            # A token review or request per student: a class's go at once.
            with ThreadPoolExecutor(max_workers=8) as pool:
                done = dict(zip((s["name"] for s in students), pool.map(access.ensure, students)))
        except (ApiError, ValueError, OSError) as err:
            module.fail_json(msg=f"student access: {err}")
    module.exit_json(changed=any(r["changed"] for r in done.values()), students=done)


if __name__ == "__main__":
    main()
