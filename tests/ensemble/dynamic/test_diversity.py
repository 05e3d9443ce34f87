"""DESlib's pairwise diversity functions (skextra.ensemble.diversity)."""

import itertools
import math
import sys

import numpy as np
import pytest
from numpy.testing import assert_array_equal

from skextra.ensemble import DESKNN, DESClustering
from skextra.ensemble._dynamic._diversity import _pair_values, pairwise_diversity
from skextra.ensemble.diversity import (
    Q_statistic,
    agreement_measure,
    compute_pairwise_diversity,
    correlation_coefficient,
    disagreement_measure,
    double_fault,
    negative_double_fault,
    ratio_errors,
)

from . import _pool

ALL = [
    double_fault,
    negative_double_fault,
    Q_statistic,
    ratio_errors,
    disagreement_measure,
    agreement_measure,
    correlation_coefficient,
]
KERNEL = {"DF": negative_double_fault, "Q": Q_statistic, "ratio": ratio_errors}


def _pair(hits1, hits2, n_classes=3):
    """Labels and two predictions with the given oracle outputs."""
    y = np.arange(len(hits1)) % n_classes
    wrong = (y + 1) % n_classes
    return y, np.where(hits1, y, wrong), np.where(hits2, y, wrong)


# 8 samples: N11 = 3, N10 = 2, N01 = 1, N00 = 2.
EXAMPLE = _pair([1, 1, 1, 1, 1, 0, 0, 0], [1, 1, 1, 0, 0, 1, 0, 0])


@pytest.mark.parametrize(
    "func, expected",
    [
        (double_fault, 2 / 8),
        (negative_double_fault, -2 / 8),
        (Q_statistic, (3 * 2 - 1 * 2) / (3 * 2 + 1 * 2)),
        (ratio_errors, (1 + 2) / 2),
        (disagreement_measure, 3 / 8),
        (agreement_measure, 5 / 8),
        (correlation_coefficient, (3 * 2 - 2 * 1) / math.sqrt(4 * 4 * 5 * 3)),
    ],
)
def test_known_values(func, expected):
    value = func(*EXAMPLE)
    assert isinstance(value, float)
    assert value == pytest.approx(expected, rel=1e-15)


def test_symmetric_measures_do_not_depend_on_the_order():
    y, p1, p2 = EXAMPLE
    for func in ALL:
        assert func(y, p1, p2) == func(y, p2, p1), func.__name__


def test_q_where_the_denominator_is_zero():
    # Both always right: identical oracle outputs.
    assert Q_statistic(*_pair([1, 1, 1], [1, 1, 1])) == 1.0
    # N11 = N10 = 1/2, N01 = N00 = 0: not identical.
    assert Q_statistic(*_pair([1, 1], [1, 0])) == 0.0
    # Never right together, never wrong together.
    assert Q_statistic(*_pair([1, 0], [0, 1])) == -1.0


def test_ratio_without_common_errors_is_the_largest_float():
    assert ratio_errors(*_pair([1, 0, 1], [0, 1, 1])) == sys.float_info.max
    assert double_fault(*_pair([1, 0, 1], [0, 1, 1])) == 0.0


def test_correlation_is_nan_when_a_classifier_is_constant():
    assert math.isnan(correlation_coefficient(*_pair([1, 1, 1], [1, 0, 1])))
    assert correlation_coefficient(*_pair([1, 0], [1, 0])) == 1.0


def test_pairwise_sum_of_known_values():
    y, p1, p2 = EXAMPLE
    p3 = y.copy()  # always right: no double fault with anyone
    matrix = np.column_stack([p1, p2, p3])
    assert_array_equal(
        compute_pairwise_diversity(y, matrix, double_fault), [2 / 8, 2 / 8, 0.0]
    )


def _random_predictions(seed, n_samples, n_members):
    rng = np.random.default_rng(seed)
    y = rng.integers(0, 3, n_samples)
    # Members right about two times in three, so that all four counts occur.
    right = rng.random((n_samples, n_members)) < 0.65
    return y, np.where(right, y[:, None], (y[:, None] + 1) % 3)


@pytest.mark.parametrize("metric", sorted(KERNEL))
@pytest.mark.parametrize("seed, n_samples", [(0, 3), (1, 4), (2, 40)])
def test_functions_equal_the_vectorised_kernel(metric, seed, n_samples):
    y, predictions = _random_predictions(seed, n_samples, 9)
    hits = (predictions == y[:, None])[None]
    func = KERNEL[metric]
    pairs = _pair_values(hits, metric)[0]
    for i, j in itertools.combinations(range(9), 2):
        assert func(y, predictions[:, i], predictions[:, j]) == pairs[i, j]
    assert_array_equal(
        compute_pairwise_diversity(y, predictions, func),
        pairwise_diversity(hits, metric)[0],
    )


def _deslib_diversity():
    from tests.peers import _sources

    if _sources.fetch_deslib() is None:
        pytest.skip(f"DESlib {_sources.DESLIB_VERSION} could not be downloaded")
    if str(_sources.DESLIB_ROOT) not in sys.path:
        sys.path.append(str(_sources.DESLIB_ROOT))
    return pytest.importorskip("deslib.util.diversity")


@pytest.mark.parametrize("func", ALL, ids=lambda f: f.__name__)
def test_functions_equal_deslib(func):
    deslib = getattr(_deslib_diversity(), func.__name__)
    y, predictions = _random_predictions(3, 30, 6)
    for i, j in itertools.combinations(range(6), 2):
        ours = func(y, predictions[:, i], predictions[:, j])
        assert ours == deslib(y, predictions[:, i], predictions[:, j])
    assert_array_equal(
        compute_pairwise_diversity(y, predictions, func),
        _deslib_diversity().compute_pairwise_diversity(y, predictions, deslib),
    )


def test_bad_input():
    y, p1, p2 = EXAMPLE
    with pytest.raises(ValueError, match="inconsistent numbers of samples"):
        Q_statistic(y, p1[:-1], p2)
    with pytest.raises(ValueError, match="y is empty"):
        double_fault([], [], [])
    with pytest.raises(TypeError, match="diversity_func must be a callable"):
        compute_pairwise_diversity(y, np.column_stack([p1, p2]), "Q")
    with pytest.raises(ValueError, match="prediction_matrix must be 2-D"):
        compute_pairwise_diversity(y, p1, Q_statistic)


@pytest.mark.parametrize("metric", sorted(KERNEL))
def test_diversity_func_of_each_metric(metric):
    X, y, _, _ = _pool.make_data("three_class")
    pool = _pool.make_pool("three_class")
    clustering = DESClustering(pool, metric_diversity=metric, random_state=0)
    assert clustering.fit(X, y).diversity_func_ is KERNEL[metric]
    knn = DESKNN(pool, metric=metric).fit(X, y)
    assert knn.diversity_func_ is KERNEL[metric]
