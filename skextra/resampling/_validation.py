"""Checks shared by every estimator that resamples its training data.

Each check turns a problem that would otherwise surface as a traceback from
deep inside an imbalanced-learn sampler (or a member fitted on its output) into
a scikit-learn error type whose message names the parameter at fault.
"""

from numbers import Integral

import numpy as np
from imblearn.utils import check_sampling_strategy
from sklearn.utils import _safe_indexing

__all__ = [
    "check_n_classes",
    "check_neighbors_feasible",
    "check_resampling",
    "check_sampler",
    "check_sampling_strategy_feasible",
    "fit_resample_weighted",
    "sampling_type_of",
]

_SAMPLING_TYPES = ("over-sampling", "under-sampling", "clean-sampling")

# Parameters of imbalanced-learn's over-samplers that count neighbours inside
# the class being over-sampled: the class needs at least that many samples
# besides the one whose neighbours are searched.
_NEIGHBOR_PARAMS = ("k_neighbors", "n_neighbors")


def check_sampler(sampler, *, param="sampler", allow_none=True):
    """Check that ``sampler`` follows imbalanced-learn's sampler protocol.

    A sampler is an object with a ``fit_resample(X, y)`` method, as every
    imbalanced-learn sampler (and an imbalanced-learn ``Pipeline`` ending in
    one) has.

    Parameters
    ----------
    sampler : object or None
        The candidate sampler.
    param : str, default="sampler"
        Name of the parameter the sampler was given as, used in the message.
    allow_none : bool, default=True
        Whether ``None`` (no resampling) is accepted.

    Returns
    -------
    sampler : object or None
        ``sampler`` unchanged.

    Raises
    ------
    TypeError
        If ``sampler`` is a class instead of an instance, or has no
        ``fit_resample`` method.

    Examples
    --------
    >>> from imblearn.under_sampling import RandomUnderSampler
    >>> from sklearn.preprocessing import StandardScaler
    >>> from skextra.resampling._validation import check_sampler
    >>> check_sampler(RandomUnderSampler())
    RandomUnderSampler()
    >>> check_sampler(StandardScaler())  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    TypeError: sampler must be a sampler with a fit_resample method ...
    """
    if sampler is None:
        if allow_none:
            return None
        raise TypeError(
            f"{param} must be a sampler with a fit_resample method, got None."
        )
    if isinstance(sampler, type):
        raise TypeError(
            f"{param} must be a sampler instance, got the class {sampler.__name__}; "
            f"use {sampler.__name__}() instead."
        )
    if not callable(getattr(sampler, "fit_resample", None)):
        raise TypeError(
            f"{param} must be a sampler with a fit_resample method (such as "
            f"imbalanced-learn's RandomUnderSampler or SMOTE), got {sampler!r}."
        )
    return sampler


def sampling_type_of(sampler):
    """Return what kind of resampling ``sampler`` performs.

    Parameters
    ----------
    sampler : object
        An imbalanced-learn sampler or any object with ``fit_resample``.

    Returns
    -------
    sampling_type : {"over-sampling", "under-sampling", "clean-sampling"} or None
        The kind imbalanced-learn declares for the sampler; ``None`` when the
        sampler does not declare one (a custom sampler, a pipeline, or a
        ``FunctionSampler``), in which case its ``sampling_strategy`` cannot be
        checked ahead of resampling.

    Examples
    --------
    >>> from imblearn.over_sampling import SMOTE
    >>> from skextra.resampling._validation import sampling_type_of
    >>> sampling_type_of(SMOTE())
    'over-sampling'
    """
    kind = getattr(type(sampler), "_sampling_type", None)
    return kind if kind in _SAMPLING_TYPES else None


def check_n_classes(y, *, min_classes=2, what="y"):
    """Check that ``y`` holds at least ``min_classes`` classes.

    Parameters
    ----------
    y : array-like of shape (n_samples,)
        Class labels.
    min_classes : int, default=2
        The smallest number of distinct classes accepted.
    what : str, default="y"
        How to call ``y`` in the message (e.g. ``"the training fold"``).

    Returns
    -------
    classes : ndarray
        The sorted distinct labels.

    Raises
    ------
    ValueError
        If ``y`` has fewer than ``min_classes`` classes.

    Examples
    --------
    >>> from skextra.resampling._validation import check_n_classes
    >>> check_n_classes(["a", "a", "b"])
    array(['a', 'b'], dtype='<U1')
    >>> check_n_classes([1, 1, 1])
    Traceback (most recent call last):
    ...
    ValueError: Resampling needs at least 2 classes in y, got 1 class: [1].
    """
    classes = np.unique(np.asarray(y))
    if classes.size < min_classes:
        raise ValueError(
            f"Resampling needs at least {min_classes} classes in {what}, got "
            f"{classes.size} class{'es' if classes.size != 1 else ''}: "
            f"{classes.tolist()}."
        )
    return classes


def check_sampling_strategy_feasible(
    sampling_strategy, y, sampling_type, *, param="sampling_strategy"
):
    """Check that ``sampling_strategy`` can be met on the classes of ``y``.

    imbalanced-learn's own check is used, so every form it accepts (``str``,
    ``float``, ``dict``, ``list``, callable) is accepted here; its error is
    re-raised with the parameter's name in front.

    Parameters
    ----------
    sampling_strategy : float, str, dict, list or callable
        As for imbalanced-learn's samplers.
    y : array-like of shape (n_samples,)
        The labels the sampler will see.
    sampling_type : {"over-sampling", "under-sampling", "clean-sampling"}
        The kind of sampler the strategy is meant for.
    param : str, default="sampling_strategy"
        Name of the parameter, used in the message.

    Returns
    -------
    target : dict
        For over- and under-samplers, class label -> number of samples the
        sampler adds (over-sampling) or keeps (under-sampling); for cleaning
        samplers, the targeted classes.

    Raises
    ------
    ValueError
        If the strategy is malformed or asks for the impossible (a class
        absent from ``y``, more samples than a class has when
        under-sampling, fewer than it has when over-sampling, a float on a
        multi-class problem).

    Examples
    --------
    >>> from skextra.resampling._validation import check_sampling_strategy_feasible
    >>> y = [0] * 8 + [1] * 2
    >>> dict(check_sampling_strategy_feasible("auto", y, "under-sampling"))
    {0: 2}
    >>> check_sampling_strategy_feasible({1: 5}, y, "under-sampling")
    Traceback (most recent call last):
    ...
    ValueError: sampling_strategy={1: 5} cannot be met: With under-sampling methods, ...
    """
    y = np.asarray(y)
    try:
        target = check_sampling_strategy(sampling_strategy, y, sampling_type)
    except ValueError as exc:
        raise ValueError(f"{param}={sampling_strategy!r} cannot be met: {exc}") from exc
    return {_plain(label): int(count) for label, count in target.items()}


def _plain(value):
    """A numpy scalar as the Python scalar it holds."""
    return value.item() if isinstance(value, np.generic) else value


def _neighbors_needed(value):
    """Samples a class needs for an imbalanced-learn neighbours parameter."""
    if isinstance(value, Integral) and not isinstance(value, bool):
        return int(value) + 1
    n_neighbors = getattr(value, "n_neighbors", None)
    if isinstance(n_neighbors, Integral):
        return int(n_neighbors)
    return None


def check_neighbors_feasible(sampler, y, *, param="sampler", sampling_strategy=None):
    """Check that every class an over-sampler grows has enough neighbours.

    SMOTE and its variants (and ADASYN) look for ``k_neighbors`` (or
    ``n_neighbors``) neighbours of each sample among the samples of its own
    class, so a class that is over-sampled needs at least ``k_neighbors + 1``
    samples. Without this check scikit-learn's ``NearestNeighbors`` fails deep
    inside the sampler with a message about ``n_samples_fit``.

    Parameters
    ----------
    sampler : object
        The sampler; only over-samplers with a ``k_neighbors`` or
        ``n_neighbors`` parameter are checked, any other passes.
    y : array-like of shape (n_samples,)
        The labels the sampler will see.
    param : str or None, default="sampler"
        Name of the parameter the sampler was given as; the message starts
        with ``param=<sampler>:``. ``None`` leaves the prefix out (for a
        sampler built from other parameters).
    sampling_strategy : float, str, dict or callable, default=None
        The over-sampling target to check, in any form imbalanced-learn
        accepts, when it replaces the sampler's own ``sampling_strategy``;
        ``None`` checks the sampler's own.

    Raises
    ------
    ValueError
        If a class to be over-sampled is smaller than the sampler needs; the
        message names the class, its size and the neighbours parameter.

    Examples
    --------
    >>> from imblearn.over_sampling import SMOTE
    >>> from skextra.resampling._validation import check_neighbors_feasible
    >>> y = [0] * 20 + [1] * 4
    >>> check_neighbors_feasible(SMOTE(k_neighbors=3), y)
    >>> check_neighbors_feasible(SMOTE(k_neighbors=5), y)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    ValueError: sampler=SMOTE(): class 1 has 4 samples but SMOTE ...
    """
    if sampling_type_of(sampler) != "over-sampling":
        return
    params = sampler.get_params(deep=False) if hasattr(sampler, "get_params") else {}
    y = np.asarray(y)
    classes, counts = np.unique(y, return_counts=True)
    if classes.size < 2:
        return
    if sampling_strategy is None:
        sampling_strategy = params.get("sampling_strategy", "auto")
        strategy_param = f"{param}.sampling_strategy" if param else "sampling_strategy"
    else:
        strategy_param = "sampling_strategy"
    target = check_sampling_strategy_feasible(
        sampling_strategy, y, "over-sampling", param=strategy_param
    )
    count_of = {_plain(c): int(n) for c, n in zip(classes, counts)}
    prefix = f"{param}={sampler!r}: " if param else ""
    for name in _NEIGHBOR_PARAMS:
        if name not in params:
            continue
        needed = _neighbors_needed(params[name])
        if needed is None:
            continue
        for label, n_new in target.items():
            n_class = count_of.get(label, 0)
            if n_new > 0 and n_class < needed:
                raise ValueError(
                    f"{prefix}class {label!r} has {n_class} "
                    f"sample{'s' if n_class != 1 else ''} but "
                    f"{type(sampler).__name__} with {name}={needed - 1} needs "
                    f"at least {needed} (the sample and its {needed - 1} "
                    f"neighbours); set {name} to at most {max(n_class - 1, 0)} "
                    f"or use RandomOverSampler for this class."
                )


def check_resampling(sampler, y, *, param="sampler"):
    """Run every check a sampler needs before resampling ``y``.

    Checks, in order: ``sampler`` is a sampler, ``y`` has at least two
    classes, the sampler's own ``sampling_strategy`` can be met on ``y`` (when
    the sampler declares its kind), and over-samplers that count neighbours
    have enough samples in every class they grow.

    Parameters
    ----------
    sampler : object
        The sampler.
    y : array-like of shape (n_samples,)
        The labels the sampler will see (the full training set, or one
        training fold).
    param : str, default="sampler"
        Name of the parameter the sampler was given as, used in messages.

    Raises
    ------
    TypeError
        If ``sampler`` is not a sampler.
    ValueError
        If resampling ``y`` with ``sampler`` cannot succeed.

    Examples
    --------
    >>> from imblearn.over_sampling import SMOTE
    >>> from skextra.resampling._validation import check_resampling
    >>> check_resampling(SMOTE(k_neighbors=2), [0] * 10 + [1] * 3)
    >>> check_resampling(SMOTE(), [0] * 10 + [1] * 3)
    Traceback (most recent call last):
    ...
    ValueError: sampler=SMOTE(): class 1 has 3 samples but SMOTE with k_neighbors=5 ...
    """
    check_sampler(sampler, param=param, allow_none=False)
    check_n_classes(y)
    kind = sampling_type_of(sampler)
    if kind is None:
        return
    params = sampler.get_params(deep=False) if hasattr(sampler, "get_params") else {}
    if "sampling_strategy" in params:
        check_sampling_strategy_feasible(
            params["sampling_strategy"], y, kind, param=f"{param}.sampling_strategy"
        )
    check_neighbors_feasible(sampler, y, param=param)


def _class_mean_weights(y_out, y_in, sample_weight):
    """Weight of each output row: the mean input weight of its class."""
    weights = np.empty(len(y_out), dtype=np.float64)
    for label in np.unique(y_out):
        in_class = y_in == label
        mean = float(np.mean(sample_weight[in_class])) if in_class.any() else 1.0
        weights[y_out == label] = mean
    return weights


def fit_resample_weighted(sampler, X, y, sample_weight=None):
    """Resample ``X, y`` and carry ``sample_weight`` over to the new rows.

    Samplers do not take sample weights; the weights follow the rows instead:

    - samplers that expose ``sample_indices_`` (random under- and
      over-sampling, the cleaning under-samplers) select rows of the input,
      and each selected row keeps its weight (a row drawn twice counts twice);
    - over-samplers that synthesise rows (SMOTE and its variants, ADASYN)
      return the input rows first and the new rows after them: the input rows
      keep their weights and each synthetic row gets the mean weight of its
      class in the input;
    - samplers whose output rows are all new (``ClusterCentroids``) give every
      row the mean weight of its class in the input.

    Parameters
    ----------
    sampler : object
        A sampler (see :func:`check_sampler`); it is fitted in place.
    X : {array-like, sparse matrix} of shape (n_samples, n_features)
        Input rows.
    y : ndarray of shape (n_samples,)
        Labels.
    sample_weight : ndarray of shape (n_samples,) or None, default=None
        Weights of the input rows. ``None`` returns ``None`` weights.

    Returns
    -------
    X_res : {ndarray, sparse matrix} of shape (n_resampled, n_features)
    y_res : ndarray of shape (n_resampled,)
    sample_weight_res : ndarray of shape (n_resampled,) or None

    Examples
    --------
    >>> import numpy as np
    >>> from imblearn.under_sampling import RandomUnderSampler
    >>> from skextra.resampling._validation import fit_resample_weighted
    >>> X = np.arange(6).reshape(-1, 1)
    >>> y = np.array([0, 0, 0, 0, 1, 1])
    >>> w = np.array([1.0, 2.0, 3.0, 4.0, 5.0, 6.0])
    >>> X_res, y_res, w_res = fit_resample_weighted(
    ...     RandomUnderSampler(random_state=0), X, y, w)
    >>> bool(np.all(w_res == w[X_res.ravel()]))
    True
    """
    X_res, y_res = sampler.fit_resample(X, y)
    y_res = np.asarray(y_res)
    if sample_weight is None:
        return X_res, y_res, None
    sample_weight = np.asarray(sample_weight, dtype=np.float64)
    y = np.asarray(y)
    indices = getattr(sampler, "sample_indices_", None)
    if indices is not None and len(indices) == len(y_res):
        return X_res, y_res, _safe_indexing(sample_weight, np.asarray(indices))
    n = len(y)
    if (
        sampling_type_of(sampler) == "over-sampling"
        and len(y_res) >= n
        and np.array_equal(y_res[:n], y)
    ):
        weights = _class_mean_weights(y_res, y, sample_weight)
        weights[:n] = sample_weight
        return X_res, y_res, weights
    return X_res, y_res, _class_mean_weights(y_res, y, sample_weight)
