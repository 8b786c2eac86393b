"""kubelab.lab.quantity: Kubernetes quantities as numbers."""

from __future__ import annotations

from decimal import Decimal

import pytest
from ansible.errors import AnsibleFilterError

from ansible_collections.kubelab.lab.plugins.filter.quantity import FilterModule, quantity, value


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("500m", Decimal("0.5")),
        ("2", Decimal(2)),
        ("0.5", Decimal("0.5")),
        ("512Mi", Decimal(512 * 2**20)),
        ("2Gi", Decimal(2**31)),
        ("1.5G", Decimal("1.5e9")),
        ("1e3", Decimal(1000)),
        ("100n", Decimal("1e-7")),
        ("1Ki", Decimal(1024)),
        (" 8 ", Decimal(8)),
        (4096, Decimal(4096)),
        (0.25, Decimal("0.25")),
    ],
)
def test_a_quantity_has_the_value_kubernetes_gives_it(text: object, expected: Decimal) -> None:
    assert value(text) == expected


def test_milli_cores_compare_with_cores() -> None:
    assert quantity("500m") < quantity("1")
    assert quantity("2000m") == quantity("2")


def test_binary_and_decimal_suffixes_differ() -> None:
    assert quantity("1Gi") > quantity("1G")


@pytest.mark.parametrize("text", ["lots", "1.2.3", "5 Gi", "Gi", "", "1gi", "0x10", True])
def test_what_is_no_quantity_fails_naming_it(text: object) -> None:
    with pytest.raises(AnsibleFilterError, match="not a Kubernetes quantity"):
        quantity(text)


def test_the_filter_is_registered_as_quantity() -> None:
    assert FilterModule().filters()["quantity"] is quantity
