"""Exercise simple_nodejs_webserver: the course's app from the student's repository, its Service, the load test."""

from __future__ import annotations

import re

from ansible_collections.kubelab.lab.plugins.module_utils.checks.rules import (
    Check,
    JobDone,
    PullsWith,
    RolledOut,
    Running,
    Runs,
    Section,
    Serves,
)

WEBSERVER = Running("simple-nodejs-webserver")
LOAD_TEST = Running("busybox", kind="Job", name="load-test", standalone=True)
BRACES = re.compile(r"\{\d+\.\.\d+\}")


def counts(words: list[str]) -> str | None:
    """busybox sh does no brace expansion: the tutorial's loop runs once, with the literal word."""
    braced = next((match.group(0) for word in words for match in [BRACES.search(word)] if match), None)
    if braced:
        return (f"busybox sh does no brace expansion: 'for run in {braced}' runs once, with the word {braced}; "
                'count instead: i=0; while [ "$i" -lt 10 ]; do ...; i=$((i + 1)); done')
    return None


SECTION = Section("simple_nodejs_webserver", "simple_nodejs_webserver and its load test", (
    Check("deployment", "A Deployment of 2 webserver replicas is rolled out", RolledOut(WEBSERVER, 2)),
    Check("pull-secret", "It pulls with your registry Secret", PullsWith(WEBSERVER)),
    Check("service", "A Service on 5858 reaches the webserver's port 8080", Serves(WEBSERVER, 5858, 8080)),
    Check("load-test-loop", "The load-test Job's loop counts its requests", Runs(LOAD_TEST, counts)),
    Check("load-test", "The load-test Job completed", JobDone(LOAD_TEST)),
), needs=("registry",))
