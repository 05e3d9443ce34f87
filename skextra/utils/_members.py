"""Lists of named members, ``[(name, estimator), ...]``: checks shared by ensembles."""

import numpy as np
from sklearn.frozen import FrozenEstimator


def live_members(estimators, owner):
    """Check a list of ``(name, estimator)``; return names and members kept.

    Members set to ``"drop"`` (or ``None``) are left out.

    Parameters
    ----------
    estimators : list of (str, estimator)
        The members, by name.
    owner : str
        The name of the ensemble, for the messages.

    Returns
    -------
    names : list of str
    members : list of estimators

    Examples
    --------
    >>> from sklearn.ensemble import IsolationForest
    >>> from skextra.utils._members import live_members
    >>> live_members([("a", IsolationForest()), ("b", "drop")], "Ensemble")
    (['a'], [IsolationForest()])
    """
    if not isinstance(estimators, list) or not estimators:
        raise ValueError(
            f"{owner}: estimators must be a non-empty list of (name, estimator) "
            f"tuples, got {estimators!r}."
        )
    for entry in estimators:
        if not (isinstance(entry, tuple) and len(entry) == 2):
            raise ValueError(
                f"{owner}: estimators must be a list of (name, estimator) tuples; "
                f"got {entry!r}."
            )
    names = [name for name, _ in estimators]
    if len(set(names)) != len(names):
        raise ValueError(f"{owner}: member names must be unique, got {names}.")
    kept = [(n, m) for n, m in estimators if m is not None and not _is_drop(m)]
    for name, member in kept:
        if isinstance(member, type) or not hasattr(member, "fit"):
            raise TypeError(
                f"{owner}: member {name!r} must be an estimator instance with a "
                f"fit method, got {member!r}."
            )
    if not kept:
        raise ValueError(f"{owner}: all members are dropped; at least one is needed.")
    return [n for n, _ in kept], [m for _, m in kept]


def _is_drop(member):
    return isinstance(member, str) and member == "drop"


def final_step(estimator):
    """The estimator that does the work: inside a frozen wrapper, a pipeline's last.

    Examples
    --------
    >>> from sklearn.frozen import FrozenEstimator
    >>> from sklearn.pipeline import make_pipeline
    >>> from sklearn.preprocessing import StandardScaler
    >>> from sklearn.svm import OneClassSVM
    >>> from skextra.utils._members import final_step
    >>> final_step(FrozenEstimator(make_pipeline(StandardScaler(), OneClassSVM())))
    OneClassSVM()
    """
    while True:
        if isinstance(estimator, FrozenEstimator):
            estimator = estimator.estimator
        elif hasattr(estimator, "steps"):
            estimator = estimator.steps[-1][1]
        else:
            return estimator


def is_frozen(estimator):
    """Whether ``estimator`` is already fitted and must not be refitted."""
    return isinstance(estimator, FrozenEstimator)


def member_weights(weights, estimators):
    """The weights of the members kept, checked; ``None`` stays ``None``.

    Parameters
    ----------
    weights : array-like of shape (len(estimators),) or None
        One weight per entry of ``estimators``, dropped ones included.
    estimators : list of (str, estimator)

    Returns
    -------
    weights : ndarray of shape (n_kept,) or None

    Examples
    --------
    >>> from skextra.utils._members import member_weights
    >>> member_weights([1, 2, 3], [("a", object()), ("b", "drop"), ("c", object())])
    array([1., 3.])
    """
    if weights is None:
        return None
    weights = np.asarray(weights, dtype=float)
    if weights.ndim != 1 or len(weights) != len(estimators):
        raise ValueError(
            f"weights must have one value per estimator: got {weights.size} "
            f"weights for {len(estimators)} estimators."
        )
    kept = [m is not None and not _is_drop(m) for _, m in estimators]
    weights = weights[np.asarray(kept, dtype=bool)]
    if not np.all(np.isfinite(weights)) or np.any(weights < 0):
        raise ValueError(f"weights must be finite and non-negative, got {weights}.")
    if weights.sum() <= 0:
        raise ValueError("weights of the members that are kept sum to zero.")
    return weights
