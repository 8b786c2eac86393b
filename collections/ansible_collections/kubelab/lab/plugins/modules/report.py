#!/usr/bin/python
"""Documentation of the action plugin kubelab.lab.report (plugins/action/report.py), which does the work."""

from __future__ import annotations

DOCUMENTATION = r"""
---
module: report
short_description: Write the class report of M(kubelab.lab.check)'s results
description:
  - Writes, under O(dest), C(index.html) (the class grid, students by checks, pass or fail in words, progress per
    student and per check, when it was generated), C(students/<student>.html) (every check with its hint),
    C(junit.xml) (one testcase per student and check) and C(results.json).
  - Static files, readable without JavaScript, rendered with Jinja2 from the calling role's C(templates/report/)
    (HTML and XML escaped). A student page of a student not in O(results) is removed.
  - The results hold no secret; neither does the report.
version_added: 0.1.0
author: kubelab (!UNKNOWN)
options:
  class_name: {description: The class., type: str, required: true}
  results: {description: M(kubelab.lab.check)'s C(results)., type: list, elements: dict, required: true}
  sections: {description: M(kubelab.lab.check)'s C(sections)., type: list, elements: dict, required: true}
  dest: {description: The report's folder., type: path, required: true}
"""

EXAMPLES = r"""
- name: Write the report
  kubelab.lab.report:
    class_name: sim
    results: "{{ graded.results }}"
    sections: "{{ graded.sections }}"
    dest: output/sim/report
"""

RETURN = r"""
summary:
  description: C(students), C(checks), C(passed), C(failed), C(errors) (students not checked).
  returned: always
  type: dict
summary_lines:
  description: The summary and each student's count, as lines to show.
  returned: always
  type: list
  elements: str
written:
  description: The files written, under O(dest).
  returned: always
  type: list
  elements: str
removed:
  description: The student pages removed.
  returned: always
  type: list
  elements: str
"""
