"""Kubernetes resource quantities as numbers, so that the validation can compare them."""

from __future__ import annotations

DOCUMENTATION = r"""
---
name: quantity
short_description: The value of a Kubernetes resource quantity
version_added: 0.1.0
author: kubelab (!UNKNOWN)
description:
  - The number a Kubernetes quantity stands for (C(500m) is 0.5, C(2Gi) is 2147483648, C(1e3) is 1000), so that two
    quantities of one resource can be compared.
  - Fails naming the text when it is no quantity.
options:
  _input:
    description: A quantity as Kubernetes writes it (C(500m), C(2), C(512Mi), C(1.5G)); a number is taken as is.
    type: raw
    required: true
"""

EXAMPLES = r"""
- name: Refuse a default request above its limit
  ansible.builtin.assert:
    that:
      - student_default_request_cpu | kubelab.lab.quantity <= student_default_limit_cpu | kubelab.lab.quantity
"""

RETURN = r"""
_value:
  description: The quantity's value (cores for CPU, bytes for memory and storage).
  type: float
"""

import re
from decimal import Decimal, InvalidOperation
from typing import Any, Callable

from ansible.errors import AnsibleFilterError

SUFFIXES: dict[str, Decimal] = {
    "n": Decimal("1e-9"),
    "u": Decimal("1e-6"),
    "m": Decimal("1e-3"),
    "": Decimal(1),
    "k": Decimal("1e3"),
    "M": Decimal("1e6"),
    "G": Decimal("1e9"),
    "T": Decimal("1e12"),
    "P": Decimal("1e15"),
    "E": Decimal("1e18"),
    **{f"{p}i": Decimal(1024) ** (n + 1) for n, p in enumerate("KMGTPE")},
}

# Kubernetes' own grammar: a signed decimal number, then a suffix or a decimal exponent.
QUANTITY = re.compile(r"^([+-]?(?:\d+\.?\d*|\.\d+))(Ki|Mi|Gi|Ti|Pi|Ei|[numkMGTPE]|[eE][+-]?\d+)?$")


def value(text: Any) -> Decimal:
    """The exact value of a quantity."""
    if isinstance(text, bool):
        raise ValueError(f"{text!r} is not a Kubernetes quantity")
    if isinstance(text, (int, float)):
        return Decimal(str(text))
    match = QUANTITY.match(str(text).strip())
    if not match:
        raise ValueError(f"{text!r} is not a Kubernetes quantity (like 500m, 2, 512Mi)")
    number, suffix = match.group(1), match.group(2) or ""
    try:
        if suffix[:1] in ("e", "E"):
            return Decimal(number) * Decimal(10) ** int(suffix[1:])
        return Decimal(number) * SUFFIXES[suffix]
    except InvalidOperation as err:
        raise ValueError(f"{text!r} is not a Kubernetes quantity") from err


def quantity(text: Any) -> float:
    try:
        return float(value(text))
    except ValueError as err:
        raise AnsibleFilterError(str(err)) from err


class FilterModule:
    def filters(self) -> dict[str, Callable[[Any], float]]:
        return {"quantity": quantity}
