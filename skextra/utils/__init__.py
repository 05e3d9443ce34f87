"""Shared machinery: discovery, out-of-fold prediction, parallel scheduling."""

from ._array_api import (
    device,
    get_namespace,
    is_numpy_namespace,
    max_float_dtype,
    move_to,
    take_rows,
    to_host,
    to_numpy,
)
from ._oof import OOFResult, fit_members_oof
from ._parallel import estimate_cost, run_longest_first

__all__ = [
    "OOFResult",
    "device",
    "estimate_cost",
    "fit_members_oof",
    "get_namespace",
    "is_numpy_namespace",
    "max_float_dtype",
    "move_to",
    "run_longest_first",
    "take_rows",
    "to_host",
    "to_numpy",
]
