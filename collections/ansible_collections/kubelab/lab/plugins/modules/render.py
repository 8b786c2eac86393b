#!/usr/bin/python
"""Documentation of the action plugin kubelab.lab.render (plugins/action/render.py), which does the work."""

from __future__ import annotations

DOCUMENTATION = r"""
---
module: render
short_description: Render a workload role's template for the students of each cluster and add the objects to the class's
version_added: 0.1.0
author: kubelab (!UNKNOWN)
description:
  - The contract between a workload role and the deploy role. The template (in the calling role's C(templates/))
    is rendered once per cluster, with C(students) the students of that cluster, and must give a YAML list of
    Kubernetes objects (or nothing).
  - "The objects are added to the fact C(lab_objects), C({first|after|last: {cluster admin kubeconfig: [object,
    ...]}}), which the play hands to the deploy role; C(after) holds what follows a first rollout, C(last) what
    follows that."
  - "The Services named in O(publish) are added, per student, to the fact C(lab_published),
    C({student: [{name, type, address and port_forward|nodePort}, ...]}), which the play hands to the students'
    user-info files."
  - "The C(stringData) of the Secrets named in O(credentials) is added, per student, to the fact C(lab_credentials),
    C({student: {secret: {key: value}}}), which the play hands to the students' user-info files (mode 0600): what a
    student signs in to an exercise's app with, shown to them alone."
  - "With O(section), only the students whose roster entry's C(solutions) holds it are rendered for (and get the
    Services and credentials published): the class's C(lab_solutions) decides which sections' solutions a student
    gets."
  - "Runs on the controller; changes nothing. Its result is always censored, as with C(no_log), whatever the task
    says: the class's objects may hold Secrets."
options:
  template:
    description: The template, a name in the calling role's C(templates/).
    type: str
    required: true
  students:
    description: The students to render for (entries of the student role's roster, with any fields the role added).
    type: list
    elements: dict
    required: true
  phase:
    description: C(first); C(after) for objects applied after the first rollout; C(last) for those after that.
    type: str
    choices: [first, after, last]
    default: first
  publish:
    description:
      - Services to publish in each student's user-info; a name is a Service of the student's namespace, a
        C(<namespace>/<name>) one that the students of a cluster share (the Dashboard's NodePort).
    type: list
    elements: str
    default: []
  credentials:
    description: Names of Secrets (with C(stringData)) of each student's namespace whose values go to their user-info.
    type: list
    elements: str
    default: []
  section:
    description: The section (one of C(lab_sections)) whose solution the objects are; unset for what every student
      gets whatever their C(lab_solutions) (what the exercises need from outside).
    type: str
"""

EXAMPLES = r"""
- name: Render the Secret, ConfigMap, Pod and Services
  kubelab.lab.render:
    template: emailservice.yaml.j2
    students: "{{ emailservice_students }}"
    publish: [my-emailservice, my-emailservice-external]
    section: emailservice
"""

RETURN = r"""
objects:
  description: How many objects this call rendered.
  returned: always
  type: int
clusters:
  description: How many clusters it rendered for.
  returned: always
  type: int
"""
