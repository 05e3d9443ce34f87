"""Instances used by the common checks, one module per family.

Each family module defines ``INSTANCES`` (class name -> list of instances; a
class not listed is checked as ``cls()``) and ``EXPECTED_FAILED_CHECKS`` (class
name -> {check name: reason}, or a function of the instance returning that
dict). A reason is mandatory.
"""

from importlib import import_module

_FAMILIES = ("ensemble", "selection", "dynamic", "resampling", "gpu", "unsupervised")


def _merged(attribute):
    merged = {}
    for family in _FAMILIES:
        module = import_module(f"{__name__}.{family}")
        for name, value in getattr(module, attribute, {}).items():
            if name in merged:
                raise RuntimeError(f"{name} is listed twice in tests/_instances")
            merged[name] = value
    return merged


INSTANCES = _merged("INSTANCES")
EXPECTED_FAILED_CHECKS = _merged("EXPECTED_FAILED_CHECKS")


def instances_of(name, cls):
    """The instances the common checks run on for one class."""
    return INSTANCES.get(name) or [cls()]


def expected_failed_checks(estimator):
    """The checks ``estimator`` is known to fail, with their reasons.

    A family may list a function of the instance instead of a dict, for the
    failures that come with one setting.
    """
    checks = EXPECTED_FAILED_CHECKS.get(type(estimator).__name__, {})
    return checks(estimator) if callable(checks) else checks
