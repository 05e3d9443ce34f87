"""Find the public estimators of skextra."""

import inspect
import pkgutil
from importlib import import_module

from sklearn.base import (
    BaseEstimator,
    ClassifierMixin,
    ClusterMixin,
    RegressorMixin,
    TransformerMixin,
)

_TYPE_FILTERS = {
    "classifier": ClassifierMixin,
    "regressor": RegressorMixin,
    "transformer": TransformerMixin,
    "cluster": ClusterMixin,
}


def _public_modules():
    import skextra

    for info in pkgutil.walk_packages(skextra.__path__, prefix="skextra."):
        parts = info.name.split(".")
        if any(part.startswith("_") for part in parts[1:]):
            continue
        if parts[1] in ("cli",):
            continue
        yield import_module(info.name)


def all_estimators(type_filter=None):
    """List every public estimator class of skextra.

    An estimator is public when its class name does not start with ``_``, it
    is not abstract, and it is exported by a public module (one whose dotted
    name has no part starting with ``_``).

    Parameters
    ----------
    type_filter : {"classifier", "regressor", "transformer", "cluster"} \
            or list of those, default=None
        Keep only estimators of these kinds. ``None`` keeps all.

    Returns
    -------
    estimators : list of (name, class) tuples
        Sorted by name, each class once.

    Examples
    --------
    >>> from skextra.utils.discovery import all_estimators
    >>> names = [name for name, _ in all_estimators(type_filter="classifier")]
    >>> "StackingClassifier" in names
    True
    """
    if type_filter is None:
        wanted = None
    else:
        kinds = [type_filter] if isinstance(type_filter, str) else list(type_filter)
        unknown = [kind for kind in kinds if kind not in _TYPE_FILTERS]
        if unknown:
            raise ValueError(
                f"type_filter must be None or among {sorted(_TYPE_FILTERS)}, "
                f"got {unknown}."
            )
        wanted = tuple(_TYPE_FILTERS[kind] for kind in kinds)

    found = {}
    for module in _public_modules():
        for name, cls in inspect.getmembers(module, inspect.isclass):
            if name.startswith("_") or not cls.__module__.startswith("skextra"):
                continue
            if not issubclass(cls, BaseEstimator) or inspect.isabstract(cls):
                continue
            if wanted is not None and not issubclass(cls, wanted):
                continue
            found[name] = cls
    return sorted(found.items())
