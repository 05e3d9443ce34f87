"""Checks shared by the resampling estimators."""

import numpy as np
import pytest
from imblearn.over_sampling import ADASYN, SMOTE, RandomOverSampler
from imblearn.under_sampling import ClusterCentroids, RandomUnderSampler
from sklearn.neighbors import NearestNeighbors
from sklearn.preprocessing import StandardScaler

from skextra.resampling._validation import (
    check_n_classes,
    check_neighbors_feasible,
    check_resampling,
    check_sampler,
    check_sampling_strategy_feasible,
    fit_resample_weighted,
    sampling_type_of,
)

Y = np.array([0] * 30 + [1] * 10 + [2] * 4)


def test_check_sampler_accepts_samplers_and_none():
    sampler = SMOTE()
    assert check_sampler(sampler) is sampler
    assert check_sampler(None) is None


def test_check_sampler_rejects_none_when_required():
    with pytest.raises(TypeError, match="sampler must be a sampler"):
        check_sampler(None, allow_none=False)


def test_check_sampler_rejects_a_class():
    with pytest.raises(TypeError, match=r"instance.*RandomUnderSampler\(\)"):
        check_sampler(RandomUnderSampler)


def test_check_sampler_rejects_a_transformer_and_names_the_parameter():
    with pytest.raises(
        TypeError, match="^my_sampler must be a sampler with a fit_resample"
    ):
        check_sampler(StandardScaler(), param="my_sampler")


def test_sampling_type_of():
    assert sampling_type_of(RandomUnderSampler()) == "under-sampling"
    assert sampling_type_of(ADASYN()) == "over-sampling"
    assert sampling_type_of(object()) is None


def test_check_n_classes():
    np.testing.assert_array_equal(check_n_classes(Y), [0, 1, 2])
    with pytest.raises(
        ValueError, match=r"at least 2 classes in y, got 1 class: \['a'\]"
    ):
        check_n_classes(["a", "a"])
    with pytest.raises(ValueError, match="at least 3 classes in the fold"):
        check_n_classes([0, 1], min_classes=3, what="the fold")


def test_feasible_strategy_returns_plain_counts():
    target = check_sampling_strategy_feasible("auto", Y, "under-sampling")
    assert target == {0: 4, 1: 4}
    assert all(type(k) is int and type(v) is int for k, v in target.items())
    added = check_sampling_strategy_feasible("auto", Y, "over-sampling")
    assert added == {1: 20, 2: 26}


@pytest.mark.parametrize(
    "strategy, kind, message",
    [
        ({0: 50}, "under-sampling", "less or equal"),
        ({2: 2}, "over-sampling", "greater or equal"),
        ({7: 3}, "under-sampling", "not present"),
        (0.5, "under-sampling", "binary"),
    ],
)
def test_infeasible_strategy_names_the_parameter(strategy, kind, message):
    with pytest.raises(
        ValueError, match=rf"^sampling_strategy=.* cannot be met: .*{message}"
    ):
        check_sampling_strategy_feasible(strategy, Y, kind)


def test_neighbors_check_names_class_and_parameter():
    with pytest.raises(
        ValueError,
        match=r"class 2 has 4 samples but SMOTE with k_neighbors=5 needs at least 6.*"
        r"k_neighbors to at most 3",
    ):
        check_neighbors_feasible(SMOTE(), Y)
    check_neighbors_feasible(SMOTE(k_neighbors=3), Y)


def test_neighbors_check_other_parameters_and_objects():
    with pytest.raises(ValueError, match="ADASYN with n_neighbors=5"):
        check_neighbors_feasible(ADASYN(), Y)
    with pytest.raises(ValueError, match="needs at least 6"):
        check_neighbors_feasible(SMOTE(k_neighbors=NearestNeighbors(n_neighbors=6)), Y)
    check_neighbors_feasible(SMOTE(k_neighbors=NearestNeighbors(n_neighbors=4)), Y)


def test_neighbors_check_ignores_classes_not_grown_and_undersamplers():
    # only class 1 (10 samples) is over-sampled: class 2 is never searched
    check_neighbors_feasible(SMOTE(sampling_strategy={1: 30}), Y)
    check_neighbors_feasible(RandomUnderSampler(), Y)
    check_neighbors_feasible(RandomOverSampler(), Y)


def test_check_resampling_runs_every_check():
    with pytest.raises(TypeError, match="fit_resample"):
        check_resampling(StandardScaler(), Y)
    with pytest.raises(ValueError, match="1 class"):
        check_resampling(SMOTE(), np.zeros(10))
    with pytest.raises(ValueError, match=r"^sampler.sampling_strategy=\{0: 99\}"):
        check_resampling(RandomUnderSampler(sampling_strategy={0: 99}), Y)
    with pytest.raises(ValueError, match="k_neighbors"):
        check_resampling(SMOTE(), Y)
    check_resampling(SMOTE(k_neighbors=3), Y)


def _data():
    rng = np.random.RandomState(0)
    X = np.column_stack([np.arange(Y.size), rng.normal(size=Y.size)]).astype(float)
    weights = rng.uniform(0.5, 2.0, size=Y.size)
    return X, weights


@pytest.mark.parametrize(
    "sampler",
    [RandomUnderSampler(random_state=0), RandomOverSampler(random_state=0)],
)
def test_weights_follow_selected_rows(sampler):
    X, weights = _data()
    X_res, y_res, w_res = fit_resample_weighted(sampler, X, Y, weights)
    rows = X_res[:, 0].astype(int)
    np.testing.assert_array_equal(Y[rows], y_res)
    np.testing.assert_array_equal(w_res, weights[rows])


def test_synthetic_rows_get_their_class_mean_weight():
    X, weights = _data()
    smote = SMOTE(k_neighbors=3, random_state=0)
    X_res, y_res, w_res = fit_resample_weighted(smote, X, Y, weights)
    n = Y.size
    np.testing.assert_array_equal(w_res[:n], weights)
    for label in (1, 2):
        new = y_res[n:] == label
        assert new.sum() > 0
        np.testing.assert_allclose(w_res[n:][new], weights[Y == label].mean())


def test_all_new_rows_get_their_class_mean_weight():
    X, weights = _data()
    _, y_res, w_res = fit_resample_weighted(
        ClusterCentroids(random_state=0), X, Y, weights
    )
    for label in (0, 1, 2):
        np.testing.assert_allclose(w_res[y_res == label], weights[Y == label].mean())


def test_no_weights_stay_none():
    X, _ = _data()
    _, _, w_res = fit_resample_weighted(RandomUnderSampler(random_state=0), X, Y)
    assert w_res is None
