"""Render a workload role's template for the students of each cluster and add the objects to the class's.

Documented in plugins/modules/render.py.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Any

import yaml

from ansible.errors import AnsibleActionFail, AnsibleError
from ansible.plugins.action import ActionBase, VariableLayer
from ansible.template import trust_as_template
from ansible_collections.kubelab.lab.plugins.module_utils.kube import SafeLoader
from ansible_collections.kubelab.lab.plugins.module_utils.workloads import (
    PHASES,
    add_credentials,
    add_objects,
    add_published,
    by_cluster,
    with_solution,
)
from ansible_collections.kubelab.lab.plugins.plugin_utils.actions import validated

ARGUMENTS = {
    "template": {"type": "str", "required": True},
    "students": {"type": "list", "elements": "dict", "required": True},
    "phase": {"type": "str", "choices": list(PHASES), "default": "first"},
    "publish": {"type": "list", "elements": "str", "default": []},
    "credentials": {"type": "list", "elements": "str", "default": []},
    "section": {"type": "str"},
}


# What goes to the students' user-info: the option naming it, the fact holding it, how it is added.
HANDED_OUT: list[tuple[str, str, Callable[..., Any]]] = [
    ("publish", "lab_published", add_published),
    ("credentials", "lab_credentials", add_credentials),
]


def handed_out(args: dict[str, Any], task_vars: dict[str, Any], clusters: dict[str, list[Any]],
               rendered: dict[str, list[dict[str, Any]]]) -> dict[str, Any]:
    """The facts of what ``args`` publishes, each student's from their own cluster's objects (where a Service
    that the students of a cluster share is). A class where no student gets the section still has the facts,
    empty."""
    facts = {}
    for option, fact, add in HANDED_OUT:
        if args[option]:
            value = task_vars.get(fact) or {}
            for cluster, students in clusters.items():
                value = add(value, students, rendered[cluster], args[option])
            facts[fact] = value
    return facts


class ActionModule(ActionBase):  # type: ignore[misc]  # ansible ships no types
    TRANSFERS_FILES = False
    _requires_connection = False

    def run(self, tmp: Any = None, task_vars: dict[str, Any] | None = None) -> dict[str, Any]:
        result: dict[str, Any] = super().run(tmp, task_vars)
        task_vars = task_vars or {}
        args = validated("kubelab.lab.render", ARGUMENTS, self._task.args)
        try:
            source = self._find_needle("templates", args["template"])
        except AnsibleError as err:
            raise AnsibleActionFail(str(err)) from err
        text = trust_as_template(self._loader.get_text_file_contents(source))
        # As the template action: {% include %} finds the role's other templates.
        searchpath = [*task_vars.get("ansible_search_path", []), self._loader.get_basedir(), os.path.dirname(source)]
        searchpath = [path for base in searchpath for path in (os.path.join(base, "templates"), base)]
        try:
            chosen = with_solution(args["students"], args["section"], task_vars.get("lab_sections") or [])
        except ValueError as err:
            raise AnsibleActionFail(f"{args['template']}: {err}") from err
        clusters = by_cluster(chosen)
        rendered: dict[str, list[dict[str, Any]]] = {}
        for cluster, students in clusters.items():
            templar = self._templar.copy_with_new_env(
                searchpath=searchpath, available_variables={**task_vars, "students": students}
            )
            objects = yaml.load(str(templar.template(text, escape_backslashes=False)), Loader=SafeLoader) or []
            if not isinstance(objects, list):
                raise AnsibleActionFail(f"{args['template']} must give a list of objects, not {type(objects).__name__}")
            rendered[cluster] = objects
        facts: dict[str, Any] = {
            "lab_objects": add_objects(task_vars.get("lab_objects"), args["phase"], rendered)
        }
        try:
            facts.update(handed_out(args, task_vars, clusters, rendered))
        except ValueError as err:
            raise AnsibleActionFail(f"{args['template']}: {err}") from err
        # As set_fact does: the objects are the run's variables, not cached facts. In the fact cache, every
        # task of every host would copy them again (ansible-core cleans the facts on each variable lookup).
        self.register_host_variables({}, VariableLayer.CACHEABLE_FACT)
        self.register_host_variables(facts, VariableLayer.EPHEMERAL_FACT)
        result.update(
            changed=False,
            objects=sum(len(objects) for objects in rendered.values()),
            clusters=len(rendered),
            # The class's objects may hold Secrets: never shown, whatever the task says.
            _ansible_no_log=True,
        )
        return result
