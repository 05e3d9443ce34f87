"""Pairwise diversity of pool members on groups of samples, vectorised.

DES-KNN (one group per query: its region of competence) and DES-Clustering
(one group per cluster) rank members by their summed pairwise diversity with
the rest of the pool. Diversity is measured on oracle outputs (correct or
not) with the four counts of Kuncheva's book: ``N11`` (both members right),
``N00`` (both wrong), ``N10``/``N01`` (only one right), each divided by the
group size. All pairs of all groups come from one product of the correctness
matrices, ``N11 = H.T @ H``; the other counts follow from it and the number
of hits of each member.

The values and the order of the floating-point operations are those of
DESlib 0.3.7 (``deslib.util.diversity``), so that sums are equal to the last
bit and rankings break ties the same way. Where DESlib divides by zero:

- ``"Q"`` (Yule's Q statistic) is ``0/0`` when ``N11 * N00 + N01 * N10 = 0``
  (DESlib raises ``ZeroDivisionError``). skextra sets ``Q = 1`` when the two
  members have identical oracle outputs (``N01 = N10 = 0``) and ``Q = 0``
  otherwise.
- ``"ratio"`` (ratio of errors) is ``sys.float_info.max`` when ``N00 = 0``, as in
  DESlib.
"""

import itertools
import sys

import numpy as np
from sklearn.utils.validation import check_consistent_length, column_or_1d

from ...utils._docstring import fill_doc

__all__ = [
    "DIVERSITY_FUNCTIONS",
    "DIVERSITY_METRICS",
    "Q_statistic",
    "agreement_measure",
    "compute_pairwise_diversity",
    "correlation_coefficient",
    "disagreement_measure",
    "double_fault",
    "negative_double_fault",
    "pairwise_diversity",
    "ratio_errors",
]

DIVERSITY_METRICS = ("DF", "Q", "ratio")

# The formulas, on the four fractions (scalars or arrays of the same shape).


def _double_fault(n11, n10, n01, n00):
    return n00


def _negative_double_fault(n11, n10, n01, n00):
    return -n00


def _q_statistic(n11, n10, n01, n00):
    num = n11 * n00 - n01 * n10
    den = n11 * n00 + n01 * n10
    identical = (n01 == 0) & (n10 == 0)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(den == 0, np.where(identical, 1.0, 0.0), num / den)


def _ratio_errors(n11, n10, n01, n00):
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(n00 == 0, sys.float_info.max, (n01 + n10) / n00)


def _disagreement(n11, n10, n01, n00):
    return n10 + n01


def _agreement(n11, n10, n01, n00):
    return n00 + n11


def _correlation(n11, n10, n01, n00):
    num = n11 * n00 - n10 * n01
    den = np.sqrt((n11 + n01) * (n10 + n00) * (n11 + n10) * (n01 + n00))
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(den == 0, np.nan, num / np.where(den == 0, 1.0, den))


_KERNEL_FORMULAS = {
    "DF": _negative_double_fault,
    "Q": _q_statistic,
    "ratio": _ratio_errors,
}


def _pair_values(hits, metric):
    """Diversity of every pair of members in every group.

    Parameters
    ----------
    hits : ndarray of shape (n_groups, group_size, n_members), bool
        Whether each member is right on each sample of each group.
    metric : {"DF", "Q", "ratio"}

    Returns
    -------
    values : ndarray of shape (n_groups, n_members, n_members)
        Symmetric; the diagonal is 0.
    """
    n_groups, size, n_members = hits.shape
    h = hits.astype(np.float64)
    n11 = np.matmul(h.transpose(0, 2, 1), h)
    n_hit = h.sum(axis=1)
    n10 = n_hit[:, :, None] - n11
    n01 = n_hit[:, None, :] - n11
    n00 = size - n_hit[:, :, None] - n_hit[:, None, :] + n11
    # Fractions, as DESlib computes them before combining them.
    fractions = n11 / size, n10 / size, n01 / size, n00 / size
    values = np.array(_KERNEL_FORMULAS[metric](*fractions), dtype=np.float64)
    diag = np.arange(n_members)
    values[:, diag, diag] = 0.0
    return values


def _sum_over_pairs(values):
    """Sum of the last axis, added member by member in pool order, as DESlib's
    pairwise loop does."""
    diversity = np.zeros(values.shape[:-1])
    with np.errstate(over="ignore"):  # sums of "ratio" maxima are inf
        for j in range(values.shape[-1]):
            diversity += values[..., j]
    return diversity


def _fractions(y, y_pred1, y_pred2):
    """Fractions of samples both members get right (N11), only the first
    (N10), only the second (N01), neither (N00)."""
    y, y_pred1, y_pred2 = (column_or_1d(a) for a in (y, y_pred1, y_pred2))
    check_consistent_length(y, y_pred1, y_pred2)
    if y.size == 0:
        raise ValueError("y is empty: diversity needs at least one sample.")
    hit1, hit2 = y_pred1 == y, y_pred2 == y
    counts = (hit1 & hit2, hit1 & ~hit2, ~hit1 & hit2, ~hit1 & ~hit2)
    return tuple(np.count_nonzero(c) / y.size for c in counts)


_DOCS = {
    "pair": """y : array-like of shape (n_samples,)
        True labels.
    y_pred1 : array-like of shape (n_samples,)
        Labels predicted by the first classifier.
    y_pred2 : array-like of shape (n_samples,)
        Labels predicted by the second classifier.""",
}


@fill_doc(_DOCS)
def double_fault(y, y_pred1, y_pred2):
    """Fraction of the samples both classifiers get wrong (``N00``).

    Lower is more diverse (Giacinto and Roli 2001).

    Parameters
    ----------
    {{pair}}

    Returns
    -------
    df : float

    Examples
    --------
    >>> from skextra.ensemble.diversity import double_fault
    >>> double_fault([0, 0, 1, 1], [0, 1, 0, 1], [0, 1, 1, 0])
    0.25
    """
    return float(_double_fault(*_fractions(y, y_pred1, y_pred2)))


@fill_doc(_DOCS)
def negative_double_fault(y, y_pred1, y_pred2):
    """Minus the double fault (:func:`double_fault`); higher is more diverse.

    ``DESClustering(metric_diversity="DF")`` and ``DESKNN(metric="DF")``
    rank members by it.

    Parameters
    ----------
    {{pair}}

    Returns
    -------
    ndf : float

    Examples
    --------
    >>> from skextra.ensemble.diversity import negative_double_fault
    >>> negative_double_fault([0, 0, 1, 1], [0, 1, 0, 1], [0, 1, 1, 0])
    -0.25
    """
    return float(_negative_double_fault(*_fractions(y, y_pred1, y_pred2)))


@fill_doc(_DOCS)
def Q_statistic(y, y_pred1, y_pred2):
    """Yule's Q statistic of the two classifiers' oracle outputs.

    ``(N11 * N00 - N01 * N10) / (N11 * N00 + N01 * N10)``, in ``[-1, 1]``:
    positive when they tend to be right on the same samples, 0 for
    independent classifiers; lower is more diverse.

    Parameters
    ----------
    {{pair}}

    Returns
    -------
    q : float
        Where the denominator is 0 (DESlib raises ``ZeroDivisionError``):
        1 when the two classifiers are right on the same samples, else 0.

    Examples
    --------
    >>> from skextra.ensemble.diversity import Q_statistic
    >>> Q_statistic([0, 0, 1, 1, 1], [0, 1, 0, 1, 1], [0, 1, 1, 0, 1])
    0.3333333333333333
    """
    return float(_q_statistic(*_fractions(y, y_pred1, y_pred2)))


@fill_doc(_DOCS)
def ratio_errors(y, y_pred1, y_pred2):
    """Ratio of the different errors to the same errors.

    ``(N01 + N10) / N00``; higher is more diverse (Aksela 2003).

    Parameters
    ----------
    {{pair}}

    Returns
    -------
    ratio : float
        ``sys.float_info.max`` when no sample is missed by both (``N00 = 0``),
        as in DESlib.

    Examples
    --------
    >>> from skextra.ensemble.diversity import ratio_errors
    >>> ratio_errors([0, 0, 1, 1], [0, 1, 0, 1], [0, 1, 1, 0])
    2.0
    """
    return float(_ratio_errors(*_fractions(y, y_pred1, y_pred2)))


@fill_doc(_DOCS)
def disagreement_measure(y, y_pred1, y_pred2):
    """Fraction of the samples exactly one classifier gets right.

    ``N10 + N01``; higher is more diverse.

    Parameters
    ----------
    {{pair}}

    Returns
    -------
    disagreement : float

    Examples
    --------
    >>> from skextra.ensemble.diversity import disagreement_measure
    >>> disagreement_measure([0, 0, 1, 1], [0, 1, 0, 1], [0, 1, 1, 0])
    0.5
    """
    return float(_disagreement(*_fractions(y, y_pred1, y_pred2)))


@fill_doc(_DOCS)
def agreement_measure(y, y_pred1, y_pred2):
    """Fraction of the samples both classifiers get right or both wrong.

    ``N00 + N11``; lower is more diverse.

    Parameters
    ----------
    {{pair}}

    Returns
    -------
    agreement : float

    Examples
    --------
    >>> from skextra.ensemble.diversity import agreement_measure
    >>> agreement_measure([0, 0, 1, 1], [0, 1, 0, 1], [0, 1, 1, 0])
    0.5
    """
    return float(_agreement(*_fractions(y, y_pred1, y_pred2)))


@fill_doc(_DOCS)
def correlation_coefficient(y, y_pred1, y_pred2):
    """Correlation of the two classifiers' oracle outputs, in ``[-1, 1]``.

    ``(N11 * N00 - N10 * N01) / sqrt((N11 + N01) (N10 + N00) (N11 + N10)
    (N01 + N00))``; lower is more diverse.

    Parameters
    ----------
    {{pair}}

    Returns
    -------
    rho : float
        NaN when a classifier is always right or always wrong (a zero
        denominator; DESlib returns NaN with a ``RuntimeWarning``).

    Examples
    --------
    >>> from skextra.ensemble.diversity import correlation_coefficient
    >>> correlation_coefficient([0, 0, 1, 1], [0, 1, 0, 1], [0, 0, 0, 1])
    0.5773502691896258
    """
    return float(_correlation(*_fractions(y, y_pred1, y_pred2)))


def compute_pairwise_diversity(targets, prediction_matrix, diversity_func):
    """Summed diversity of each classifier with every other one of the pool.

    Parameters
    ----------
    targets : array-like of shape (n_samples,)
        True labels.
    prediction_matrix : array-like of shape (n_samples, n_classifiers)
        Labels predicted by each classifier.
    diversity_func : callable
        ``(y, y_pred1, y_pred2) -> float``, such as :func:`Q_statistic`.

    Returns
    -------
    diversity : ndarray of shape (n_classifiers,)
        Added in pool order, as DESlib adds them.

    Examples
    --------
    >>> import numpy as np
    >>> from skextra.ensemble.diversity import (
    ...     compute_pairwise_diversity, negative_double_fault)
    >>> predictions = np.array([[0, 1, 0], [1, 1, 0], [0, 0, 0]])
    >>> compute_pairwise_diversity([0, 1, 1], predictions, negative_double_fault)
    array([-0.66666667, -0.66666667, -0.66666667])
    """
    if not callable(diversity_func):
        raise TypeError(
            "diversity_func must be a callable (y, y_pred1, y_pred2) -> float, "
            f"got {type(diversity_func).__name__}."
        )
    predictions = np.asarray(prediction_matrix)
    if predictions.ndim != 2:
        raise ValueError(
            "prediction_matrix must be 2-D (n_samples, n_classifiers), got "
            f"shape {predictions.shape}."
        )
    n_members = predictions.shape[1]
    values = np.zeros((n_members, n_members))
    for i, j in itertools.combinations(range(n_members), 2):
        values[i, j] = values[j, i] = diversity_func(
            targets, predictions[:, i], predictions[:, j]
        )
    return _sum_over_pairs(values)


# The function of each ``metric_diversity`` (DESKNN's ``metric``).
DIVERSITY_FUNCTIONS = {
    "DF": negative_double_fault,
    "Q": Q_statistic,
    "ratio": ratio_errors,
}


def pairwise_diversity(hits, metric="DF"):
    """Summed pairwise diversity of each member with the others, per group.

    Parameters
    ----------
    hits : ndarray of shape (n_groups, group_size, n_members), bool
        Whether each member is right on each sample of each group.
    metric : {"DF", "Q", "ratio"}, default="DF"
        ``"DF"``: negative double fault (minus the fraction of samples both
        members get wrong); ``"Q"``: Yule's Q statistic; ``"ratio"``: ratio
        between different and same errors. See the module docstring for the
        cases where a ratio is undefined.

    Returns
    -------
    diversity : ndarray of shape (n_groups, n_members)

    Examples
    --------
    >>> import numpy as np
    >>> from skextra.ensemble._dynamic._diversity import pairwise_diversity
    >>> hits = np.array([[[True, False, True],
    ...                   [False, False, True],
    ...                   [True, True, True]]])
    >>> pairwise_diversity(hits, "DF")
    array([[-0.33333333, -0.33333333,  0.        ]])
    """
    return _sum_over_pairs(_pair_values(np.asarray(hits, dtype=bool), metric))
