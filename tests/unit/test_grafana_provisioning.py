"""The checker of Grafana's provisioning files finds what Grafana would reject or silently drop."""

from __future__ import annotations

import json

import grafana

# The tutorial's ConfigMap, as printed: no comma after "version":2.
TUTORIAL = ('{ "apiVersion": 1, "datasources": [ { "version":2 "name":"Redis", "type":"redis-datasource", '
            '"url":"redis-cart:6379", "isDefault":true } ] }')
PROVIDERS = """
apiVersion: 1
providers:
  - name: redis
    type: file
    options:
      path: /etc/grafana/dashboards
"""


def test_the_tutorials_datasource_misses_its_name_and_has_a_text_version() -> None:
    # YAML reads the missing comma as one value, '2 "name":"Redis"': Grafana gets no name and no number.
    assert grafana.datasources(TUTORIAL) == [
        "datasources[0]: name is missing",
        "datasources[0]: version is '2 \"name\":\"Redis\"', not of type int",
    ]


def test_the_tutorials_datasource_with_the_comma_is_valid() -> None:
    assert grafana.datasources(TUTORIAL.replace('"version":2 ', '"version":2, ')) == []


def test_a_misspelt_or_mistyped_field_and_a_second_default_are_found() -> None:
    text = """
apiVersion: 1
datasources:
  - {name: Redis, type: redis-datasource, isdefault: true, editable: "no"}
  - {name: Other, type: redis-datasource, isDefault: true}
  - {name: Third, type: redis-datasource, isDefault: true}
"""
    assert grafana.datasources(text) == [
        "datasources[0]: unknown field isdefault",
        "datasources[0]: editable is 'no', not of type bool",
        "more than one datasource isDefault",
    ]


def test_a_file_that_is_not_yaml_or_of_another_version_is_refused() -> None:
    assert grafana.datasources("apiVersion: [1")[0].startswith("not YAML")
    assert grafana.datasources("apiVersion: 2\ndatasources: []") == ["apiVersion is 2, not 1"]
    assert grafana.datasources("- a list") == ["file is a list, not a mapping"]


def test_a_file_provider_needs_a_path_and_known_fields() -> None:
    assert grafana.providers(PROVIDERS) == []
    assert grafana.providers(PROVIDERS.replace("path:", "folder:")) == [
        "providers[0].options: unknown field folder",
        "providers[0].options: path is missing",
    ]
    assert grafana.providers(PROVIDERS.replace("type: file", "type: file\n    orgId: one")) == [
        "providers[0]: orgId is 'one', not of type int"
    ]


def test_a_dashboards_panels_must_name_a_provisioned_datasource_and_sit_on_the_grid() -> None:
    panel = {"id": 1, "title": "Ops", "gridPos": {"h": 6, "w": 6, "x": 0, "y": 0},
             "datasource": {"type": "redis-datasource", "uid": "redis-cart"}, "targets": [{"refId": "A"}]}
    good = {"title": "Redis", "panels": [panel]}
    assert grafana.dashboard(json.dumps(good), {"redis-cart"}) == []
    assert grafana.dashboard(json.dumps(good), {"other"}) == [
        "panel 1 (Ops): datasource {'type': 'redis-datasource', 'uid': 'redis-cart'} is not provisioned"
    ]
    broken = {"title": "Redis", "panels": [{**panel, "gridPos": {"h": 6}, "targets": [{}]}]}
    assert grafana.dashboard(json.dumps(broken), {"redis-cart"}) == [
        "panel 1 (Ops): gridPos needs h, w, x and y",
        "panel 1 (Ops): a query without refId",
    ]
    assert grafana.dashboard("{}", set()) == ["a dashboard needs a title"]
    assert grafana.dashboard("{", set())[0].startswith("not JSON")
