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

import sys

import numpy as np

__all__ = ["DIVERSITY_METRICS", "pairwise_diversity"]

DIVERSITY_METRICS = ("DF", "Q", "ratio")


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
    n11, n10, n01, n00 = n11 / size, n10 / size, n01 / size, n00 / size
    if metric == "DF":
        values = -n00
    elif metric == "Q":
        num = n11 * n00 - n01 * n10
        den = n11 * n00 + n01 * n10
        undefined = den == 0
        with np.errstate(divide="ignore", invalid="ignore"):
            values = num / den
        identical = (n01 == 0) & (n10 == 0)
        values[undefined] = np.where(identical[undefined], 1.0, 0.0)
    elif metric == "ratio":
        with np.errstate(divide="ignore", invalid="ignore"):
            values = (n01 + n10) / n00
        values[n00 == 0] = sys.float_info.max
    else:  # pragma: no cover - validated by the estimators
        raise ValueError(f"unknown diversity metric {metric!r}")
    diag = np.arange(n_members)
    values[:, diag, diag] = 0.0
    return values


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
    values = _pair_values(np.asarray(hits, dtype=bool), metric)
    diversity = np.zeros(values.shape[:2])
    # Added member by member in pool order, as DESlib's pairwise loop does.
    with np.errstate(over="ignore"):  # sums of "ratio" maxima are inf
        for j in range(values.shape[2]):
            diversity += values[:, :, j]
    return diversity
