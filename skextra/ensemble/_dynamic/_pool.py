"""The pool of a dynamic-selection estimator: used as given, or fitted here.

A pool of fitted members (a list, or a fitted ensemble with ``estimators_``)
is used as it is and all of ``X`` is the selection set DSEL. ``None`` (the
estimator's default pool), an unfitted ensemble or a list of unfitted members
is fitted in ``fit`` on a ``1 - DSEL_perc`` part of ``X`` and the rest is
DSEL. :func:`resolve_pool` does this for the classifiers and the regressor
alike, in the steps below; every random choice (the split, then a sampler's
seed, then the members' unset ``random_state`` in order) is drawn from one
``RandomState`` in the parent process, so a fit does not depend on
``n_jobs`` or on the joblib backend.
"""

from dataclasses import dataclass
from numbers import Integral

import numpy as np
from sklearn.base import clone
from sklearn.model_selection import train_test_split
from sklearn.utils import _safe_indexing

from ...gpu._dispatch import members_to_device
from ...gpu._resident import member_inputs
from ...utils._parallel import estimate_cost, run_longest_first
from ...utils._random import draw_seeds
from ...utils._validation import is_fitted

__all__ = [
    "Pool",
    "check_member_features",
    "check_pool_size",
    "feature_subsets",
    "resolve_pool",
    "unfreeze",
]


@dataclass
class Pool:
    """A resolved pool.

    ``fitted`` is the pool as the estimator keeps it (a list or an
    ensemble), ``members`` its members as a list, ``container`` the ensemble
    that holds them (``None`` for a list), ``dsel_rows`` the rows of ``X``
    that form DSEL and ``fitted_here`` whether the pool was fitted by
    :func:`resolve_pool`.
    """

    fitted: object
    members: list
    container: object
    dsel_rows: np.ndarray
    fitted_here: bool


def resolve_pool(
    pool,
    X,
    y,
    rng,
    *,
    name,
    kind,
    default,
    device,
    n_jobs,
    dsel_perc,
    split=True,
    resample=None,
):
    """Use or fit the pool ``pool`` (the estimator's parameter ``name``).

    Parameters
    ----------
    pool : list, estimator or None
        The parameter's value.
    X : array-like of shape (n_samples, n_features)
        Rows in the form the members take (a DataFrame when ``fit`` got one).
    y : ndarray of shape (n_samples,)
        The targets the members are fitted on.
    rng : RandomState
        The source of every random choice, drawn in a fixed order.
    name, kind : str
        The parameter's name and what its members are ("classifier"), for
        the messages.
    default : callable
        ``default(rng)`` is the pool fitted when ``pool`` is None.
    device : str
        Where a pool fitted here is fitted (``"cpu"`` or ``"gpu"``).
    n_jobs : int or None
        Parallel fits of the members of a list.
    dsel_perc : float
        Fraction of ``X`` kept as DSEL when the pool is fitted here.
    split : bool, default=True
        With False, a pool fitted here is fitted on all of ``X``, which is
        also DSEL.
    resample : callable, default=None
        ``resample(X_train, y_train, rng) -> (X_train, y_train)``, applied to
        the training part of a pool fitted here.

    Returns
    -------
    pool : Pool
    """
    pool = unfreeze(pool)
    given = _is_fitted_pool(pool, name, kind)
    if given:
        fitted, dsel_rows = _as_given(pool), np.arange(len(y))
    else:
        train_rows, dsel_rows = _split_rows(len(y), dsel_perc, rng, split)
        X_train, y_train = _safe_indexing(X, train_rows), y[train_rows]
        if resample is not None:
            X_train, y_train = resample(X_train, y_train, rng)
        fitted = _fit_pool(pool, default, X_train, y_train, rng, device, n_jobs)
    members, container = _members_of(fitted, name, kind)
    return Pool(fitted, members, container, dsel_rows, not given)


def unfreeze(estimator):
    """The estimator inside a ``FrozenEstimator``; any other as it is."""
    inner = getattr(estimator, "estimator", None)
    if type(estimator).__name__ == "FrozenEstimator" and inner is not None:
        return inner
    return estimator


def feature_subsets(container, n_members):
    """The columns each member was fitted on (``None``: all of them)."""
    subsets = getattr(container, "estimators_features_", None)
    if subsets is None:
        return [None] * n_members
    return [np.asarray(f) for f in subsets]


def check_pool_size(members, kind):
    """Raise unless the pool has at least two members."""
    if len(members) < 2:
        raise ValueError(
            f"Dynamic selection needs a pool of at least 2 {kind}s, got {len(members)}."
        )


def check_member_features(members, subsets, n_features):
    """Raise where a member was fitted on another number of features."""
    for i, (member, feats) in enumerate(zip(members, subsets)):
        expected = n_features if feats is None else len(feats)
        got = getattr(member, "n_features_in_", None)
        if isinstance(got, Integral) and got != expected:
            raise ValueError(
                f"pool member {i} ({type(member).__name__}) was fitted on "
                f"{got} features, but X has {expected}."
            )


def _is_fitted_pool(pool, name, kind):
    """Whether the pool is used as given; a list is all fitted or all not."""
    if pool is None:
        return False
    if not isinstance(pool, (list, tuple)):
        return is_fitted(pool)
    if len(pool) == 0:
        raise ValueError(f"{name} is an empty list.")
    states = [is_fitted(unfreeze(m)) for m in pool]
    if all(states) or not any(states):
        return all(states)
    raise ValueError(
        f"{name} mixes fitted and unfitted {kind}s; pass all fitted (used as "
        "is, DSEL = all of X) or all unfitted (fitted on a 1 - DSEL_perc part "
        "of X)."
    )


def _as_given(pool):
    if isinstance(pool, (list, tuple)):
        return [unfreeze(m) for m in pool]
    return pool


def _split_rows(n_samples, dsel_perc, rng, split):
    """Rows the pool is fitted on and rows of DSEL."""
    rows = np.arange(n_samples)
    if not split:
        return rows, rows
    if n_samples < 2:
        raise ValueError(
            "Fitting the pool and DSEL needs at least 2 samples, got "
            f"n_samples={n_samples}."
        )
    return train_test_split(rows, test_size=dsel_perc, random_state=rng)


def _fit_pool(pool, default, X, y, rng, device, n_jobs):
    """Fit a clone of the pool (an ensemble, or each member of a list).

    ``default(rng)`` may give a fitted-here ensemble or a list of members.
    """
    if pool is None:
        pool = default(rng)
        if not isinstance(pool, (list, tuple)):
            return _pool_to_device(pool, device).fit(X, y)
    if isinstance(pool, (list, tuple)):
        members = [_seed_estimator(clone(unfreeze(m)), rng) for m in pool]
        return _fit_members(_pool_to_device(members, device), X, y, n_jobs)
    return _pool_to_device(_seed_estimator(clone(pool), rng), device).fit(X, y)


def _fit_members(members, X, y, n_jobs):
    inputs = member_inputs(members, X, y)
    jobs = [(_fit_member, (est, *xy), {}) for est, xy in zip(members, inputs)]
    costs = [estimate_cost(est, len(y)) for est in members]
    return run_longest_first(jobs, costs, n_jobs=n_jobs)


def _fit_member(estimator, X, y):
    return estimator.fit(X, y)


def _seed_estimator(estimator, rng):
    """Give every unset ``*random_state`` of ``estimator`` a seed from ``rng``."""
    params = estimator.get_params(deep=True)
    seeds = {
        key: draw_seeds(rng)
        for key in sorted(params)
        if (key == "random_state" or key.endswith("__random_state"))
        and params[key] is None
    }
    if seeds:
        estimator.set_params(**seeds)
    return estimator


def _pool_to_device(pool, device):
    """An unfitted pool whose members will be fitted on ``device``.

    A list of members is dispatched member by member
    (:func:`skextra.gpu.members_to_device`). An ensemble keeps its class, since
    its fitted ``estimators_`` are the pool; what it is built from, its
    ``estimator`` or ``estimators`` parameter, is dispatched. ``pool`` is
    modified in place: pass a clone.
    """
    if device == "cpu":
        return pool
    if isinstance(pool, (list, tuple)):
        return members_to_device(pool, device)
    params = pool.get_params(deep=False)
    if params.get("estimator") is not None:
        pool.set_params(estimator=members_to_device([params["estimator"]], device)[0])
    if isinstance(params.get("estimators"), list):
        pool.set_params(estimators=members_to_device(params["estimators"], device))
    return pool


def _members_of(pool, name, kind):
    """The members of a fitted pool as a list, and their container."""
    if isinstance(pool, (list, tuple)):
        return list(pool), None
    members = getattr(pool, "estimators_", None)
    if members is None:
        raise ValueError(
            f"{name} must be a list of {kind}s or an ensemble with an "
            f"estimators_ attribute; got a fitted {type(pool).__name__} "
            "without estimators_."
        )
    # scikit-learn's stacking/voting keep (name, estimator) pairs in
    # named_estimators_ but plain estimators in estimators_; drop "drop"s.
    return [m for m in members if not (isinstance(m, str) and m == "drop")], pool
