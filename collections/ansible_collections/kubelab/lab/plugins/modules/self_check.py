#!/usr/bin/python
"""Documentation of the action plugin kubelab.lab.self_check (plugins/action/self_check.py), which does the work."""

from __future__ import annotations

DOCUMENTATION = r"""
---
module: self_check
short_description: Hand every student their own check, a kubectl plugin
description:
  - Writes into each student's folder C(kubectl-kubelab_check) (0700), the course's checks as a Python zip
    application that needs nothing but the standard library, kubectl and the student's kubeconfig; with the folder
    on their C(PATH), C(kubectl kubelab-check) grades their namespace as M(kubelab.lab.check) does.
  - Beside it, C(kubelab-check.json) (0600) - their name, namespace, NodePort block, the external host and their
    registry, what the checks compare with; no secret.
  - A file is written only when its content or mode differs; the plugin's bytes depend on the checks only.
version_added: 0.1.0
author: kubelab (!UNKNOWN)
options:
  students:
    description: The students, as M(kubelab.lab.student_access) takes them.
    type: list
    elements: dict
    required: true
    suboptions:
      name: {description: The student., type: str, required: true}
      namespace: {description: Their namespace., type: str, required: true}
      output_dir: {description: Their folder., type: path, required: true}
      info:
        description: What their C(user-info.yaml) says; its C(nodeports), C(external_host) and C(registry) are kept.
        type: dict
        default: {}
"""

EXAMPLES = r"""
- name: Hand out the self-check
  kubelab.lab.self_check:
    students: "{{ student_roster | map(attribute='access') }}"
"""

RETURN = r"""
written:
  description: The students whose files were written.
  returned: always
  type: list
  elements: str
"""
