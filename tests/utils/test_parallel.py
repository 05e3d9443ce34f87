import numpy as np
import pytest
from sklearn.ensemble import RandomForestClassifier
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from skextra.utils import estimate_cost, run_longest_first


def _record(tag, log):
    log.append(tag)
    return tag * 2


def test_results_come_back_in_input_order_and_longest_starts_first():
    log = []
    jobs = [(_record, (i, log), {}) for i in range(5)]
    costs = [1.0, 5.0, 3.0, 5.0, 0.0]
    results = run_longest_first(jobs, costs, n_jobs=1)
    assert results == [0, 2, 4, 6, 8]
    # Sequential run: the order of execution is the order of decreasing cost,
    # ties kept in input order.
    assert log == [1, 3, 2, 0, 4]


def test_length_mismatch_is_an_error():
    with pytest.raises(ValueError, match="same length"):
        run_longest_first([(_record, (1, []), {})], [1.0, 2.0])


def test_cost_ranks_ensembles_above_linear_models_and_scales_with_rows():
    forest = RandomForestClassifier(n_estimators=200)
    linear = make_pipeline(StandardScaler(), LogisticRegression())
    assert estimate_cost(forest, 1000) > estimate_cost(linear, 1000)
    assert estimate_cost(forest, 2000) == pytest.approx(2 * estimate_cost(forest, 1000))
    assert estimate_cost("drop", 1000) == 0.0
    assert np.isfinite(estimate_cost(object(), 10))
