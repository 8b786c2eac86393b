"""Exercise breaking_rollingupdate: v1, rolled to v2, rolled back to v1, all in the history."""

from __future__ import annotations

from ansible_collections.kubelab.lab.plugins.module_utils.checks.rules import Check, History, RolledOut, Running, Section, Serves, Tag

APP = Running("breaking-rollingupdate")

SECTION = Section("breaking_rollingupdate", "Breaking rolling update", (
    Check("deployment", "The app's Deployment is rolled out", RolledOut(APP)),
    Check("version", "It runs v1 again", Tag(APP, "v1")),
    Check("history", "Its rollout history holds v2, then v1 (rolled back)", History(APP, ("v2", "v1"))),
    Check("service", "A Service on 8080 reaches the app", Serves(APP, 8080, 8080)),
), needs=("registry",))
