"""The drills' creates: a refusal that passes is made again, any other is the drill's failure."""

from __future__ import annotations

from typing import Any

import pytest

from ansible_collections.kubelab.lab.plugins.module_utils.drills import Namespace
from ansible_collections.kubelab.lab.plugins.module_utils.kube import ApiError

QUOTA_RACE = ApiError(409, "Conflict", 'Operation cannot be fulfilled on resourcequotas "q": the object has been '
                                       "modified; please apply your changes to the latest version and try again")


class RefusingApi:
    """An API that refuses the first creates with the given errors, then takes them."""

    def __init__(self, *refusals: ApiError) -> None:
        self.refusals = list(refusals)
        self.posts: list[str] = []

    def post(self, path: str, body: dict[str, Any]) -> dict[str, Any]:
        self.posts.append(path)
        if self.refusals:
            raise self.refusals.pop(0)
        return body


def test_a_create_that_lost_the_quota_race_is_made_again() -> None:
    api = RefusingApi(QUOTA_RACE)
    Namespace(api, "alice").create("apps/v1", "deployments", {"kind": "Deployment"})  # type: ignore[arg-type]
    assert api.posts == ["/apis/apps/v1/namespaces/alice/deployments"] * 2


def test_a_create_refused_for_good_fails_at_once() -> None:
    api = RefusingApi(ApiError(409, "Conflict", 'deployments.apps "d" already exists'))
    with pytest.raises(ApiError, match="already exists"):
        Namespace(api, "alice").create("apps/v1", "deployments", {"kind": "Deployment"})  # type: ignore[arg-type]
    assert len(api.posts) == 1


def test_a_race_lost_beyond_the_patience_is_the_drills_failure() -> None:
    api = RefusingApi(*[QUOTA_RACE] * 3)
    with pytest.raises(ApiError, match="resourcequotas"):
        Namespace(api, "alice").create("", "pods", {"kind": "Pod"}, patience=0)  # type: ignore[arg-type]
    assert api.posts == ["/api/v1/namespaces/alice/pods"]
