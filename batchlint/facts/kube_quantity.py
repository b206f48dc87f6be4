"""Kubernetes resource quantities (``500m``, ``2``, ``1.5``, ``4Gi``, ``4096Mi``, ``1G``, ``1e3``).

The grammar is Kubernetes' ``resource.Quantity``: a signed decimal number and an
optional suffix, binary (``Ki`` ``Mi`` ``Gi`` ``Ti`` ``Pi`` ``Ei``), decimal (``n`` ``u``
``m`` ``k`` ``M`` ``G`` ``T`` ``P`` ``E``) or a decimal exponent (``e3``, ``E-2``).
https://kubernetes.io/docs/reference/kubernetes-api/common-definitions/quantity/

AWS Batch documents narrower forms for EKS jobs (``cpu`` in whole numbers or steps of
0.25, ``memory`` in whole MiB with an ``Mi`` suffix); anything Kubernetes reads is read
here, so a template that Batch would still reject is sized as Kubernetes would size it.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

_QUANTITY = re.compile(
    r"^\s*(?P<number>[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+))"
    r"(?:(?P<suffix>Ki|Mi|Gi|Ti|Pi|Ei|n|u|m|k|M|G|T|P|E)|[eE](?P<exponent>[+-]?[0-9]{1,3}))?\s*$")
_FACTOR = {
    "Ki": Decimal(2) ** 10, "Mi": Decimal(2) ** 20, "Gi": Decimal(2) ** 30,
    "Ti": Decimal(2) ** 40, "Pi": Decimal(2) ** 50, "Ei": Decimal(2) ** 60,
    "n": Decimal("1e-9"), "u": Decimal("1e-6"), "m": Decimal("1e-3"), "k": Decimal("1e3"),
    "M": Decimal("1e6"), "G": Decimal("1e9"), "T": Decimal("1e12"), "P": Decimal("1e15"),
    "E": Decimal("1e18"),
}
MIB = Decimal(2) ** 20


def parse(text: str) -> Decimal | None:
    """The quantity in base units (cores, bytes, devices), or None if it is not one."""
    match = _QUANTITY.match(text) if len(text) < 64 else None
    if match is None:
        return None
    try:
        number = Decimal(match["number"])
    except InvalidOperation:  # pragma: no cover - the pattern admits only decimals
        return None
    if match["suffix"]:
        return number * _FACTOR[match["suffix"]]
    if match["exponent"]:
        return number.scaleb(int(match["exponent"]))
    return number


def has_unit(text: str) -> bool:
    """Whether a quantity names a suffix or exponent (``4096`` does not: bytes to
    Kubernetes, but AWS Batch documents EKS memory in MiB)."""
    match = _QUANTITY.match(text)
    return bool(match and (match["suffix"] or match["exponent"]))
