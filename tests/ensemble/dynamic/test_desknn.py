"""DES-KNN and the pairwise diversity kernel."""

import sys

import numpy as np
import pytest
from numpy.testing import assert_array_equal
from sklearn import config_context
from sklearn.neighbors import NearestNeighbors

from skextra.ensemble import DESKNN
from skextra.ensemble._dynamic._diversity import pairwise_diversity
from skextra.ensemble._dynamic._kernels import accuracy_then_diversity

from . import _pool


def _pair(metric, h1, h2):
    """Kuncheva's pairwise measures on oracle outputs, one pair at a time."""
    n = len(h1)
    n11 = sum(a and b for a, b in zip(h1, h2)) / n
    n10 = sum(a and not b for a, b in zip(h1, h2)) / n
    n01 = sum(b and not a for a, b in zip(h1, h2)) / n
    n00 = sum(not a and not b for a, b in zip(h1, h2)) / n
    if metric == "DF":
        return -n00
    if metric == "ratio":
        return sys.float_info.max if n00 == 0 else (n01 + n10) / n00
    den = n11 * n00 + n01 * n10
    if den == 0:  # skextra's convention where Yule's Q is 0/0
        return 1.0 if n01 == 0 and n10 == 0 else 0.0
    return (n11 * n00 - n01 * n10) / den


def _summed(metric, hits):
    n_members = hits.shape[1]
    out = np.zeros(n_members)
    with np.errstate(over="ignore"):  # sums of "ratio" maxima
        for i in range(n_members):
            for j in range(i + 1, n_members):
                v = _pair(metric, hits[:, i], hits[:, j])
                out[i] += v
                out[j] += v
    return out


@pytest.mark.parametrize("metric", ["DF", "Q", "ratio"])
def test_pairwise_diversity_equals_pair_by_pair_sums(metric):
    rng = np.random.RandomState(0)
    hits = rng.uniform(size=(40, 9, 7)) < rng.uniform(0.2, 0.95, size=(40, 1, 7))
    hits[0] = True  # identical members: Q is 0/0
    hits[1, :, :3] = False  # N00 = 1 for the first members
    expected = np.array([_summed(metric, h) for h in hits])
    with np.errstate(over="ignore"):
        assert_array_equal(pairwise_diversity(hits, metric), expected)


def test_ratio_without_common_errors_is_infinite():
    hits = np.array([[[True, False, True], [False, True, True]]])
    div = pairwise_diversity(hits, "ratio")
    assert np.isinf(div[0, 2]) and np.isinf(div[0, 0])


def test_accuracy_then_diversity_ties_as_deslib_stable():
    # DESlib: a = argsort(acc)[::-1][:N], then a[argsort(div[a])[::-1][:J]]
    # with a stable sort: the accurate members come in the order 2, 1, 0 (ties
    # reversed), and the diversity ties are reversed again.
    acc = np.array([[0.5, 0.5, 0.5, 0.2]])
    div = np.array([[-0.1, -0.1, -0.3, -0.1]])
    assert accuracy_then_diversity(acc, div, 2, 1).tolist() == [[1]]
    assert accuracy_then_diversity(acc, div, 3, 2).tolist() == [[0, 1]]
    assert accuracy_then_diversity(acc, div, 3, 1, more_diverse=False).tolist() == [[2]]
    assert accuracy_then_diversity(acc, div, 3, 2, more_diverse=False).tolist() == [
        [2, 1]
    ]


def _reference_predict(est, X_test):
    """DES-KNN row by row, straight from the definition."""
    base = np.column_stack([m.predict(X_test) for m in est.members_])
    nb = (
        NearestNeighbors()
        .fit(est.DSEL_data_)
        .kneighbors(X_test, est.k_, return_distance=False)
    )
    out = []
    for row, idx in zip(base, nb):
        if (row == row[0]).all():
            out.append(row[0])
            continue
        hits = est.DSEL_processed_[idx]
        acc = hits.mean(axis=0)
        div = _summed(est.metric, hits)
        ranked = sorted(range(len(acc)), key=lambda m: (-acc[m], -m))[: est.N_]
        pos = list(range(len(ranked)))
        if est.more_diverse:
            pos.sort(key=lambda p: (-div[ranked[p]], -p))
        else:
            pos.sort(key=lambda p: (div[ranked[p]], p))
        chosen = [ranked[p] for p in pos[: est.J_]]
        out.append(np.bincount(row[chosen], minlength=est.n_classes_).argmax())
    return np.array(out)


@pytest.mark.parametrize(
    "params",
    [
        {"metric": "Q", "k": 9},
        {"metric": "Q", "k": 9, "more_diverse": False},
        {"metric": "ratio", "pct_accuracy": 0.8, "pct_diversity": 0.5},
    ],
)
def test_vectorised_equals_row_by_row_definition(params):
    # DESlib raises ZeroDivisionError for "Q" on these data; the reference
    # here follows the documented convention.
    X, y, X_test, _ = _pool.make_data("three_class")
    est = DESKNN(pool_classifiers=_pool.make_pool("three_class"), **params).fit(X, y)
    assert_array_equal(est.predict(X_test), _reference_predict(est, X_test))
    with config_context(working_memory=0.01):
        assert_array_equal(est.predict(X_test), _reference_predict(est, X_test))


def test_sizes_and_errors():
    X, y, _, _ = _pool.make_data("binary")
    pool = _pool.make_pool("binary")  # 10 members
    est = DESKNN(pool_classifiers=pool, pct_accuracy=0.55, pct_diversity=0.21).fit(X, y)
    assert (est.N_, est.J_) == (5, 3)
    with pytest.raises(ValueError, match="pct_diversity=0.6 keeps 6 members"):
        DESKNN(pool_classifiers=pool, pct_accuracy=0.5, pct_diversity=0.6).fit(X, y)
    with pytest.raises(ValueError, match="pct_accuracy=0.05 keeps no member"):
        DESKNN(pool_classifiers=pool, pct_accuracy=0.05).fit(X, y)
    with pytest.raises(ValueError, match="'metric' parameter of DESKNN"):
        DESKNN(pool_classifiers=pool, metric="kappa").fit(X, y)
