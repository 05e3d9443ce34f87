"""Shared machinery: discovery, out-of-fold prediction, parallel scheduling."""

from ._oof import OOFResult, fit_members_oof
from ._parallel import estimate_cost, run_longest_first

__all__ = [
    "OOFResult",
    "estimate_cost",
    "fit_members_oof",
    "run_longest_first",
]
