"""Balanced random forest: balanced trees, same algorithm as imbalanced-learn."""

import numpy as np
import pandas as pd
import pytest
from imblearn.ensemble import BalancedRandomForestClassifier as ImbBalancedRandomForest
from scipy import sparse
from sklearn.base import clone

from skextra.resampling import BalancedRandomForestClassifier

from .test_bagging import assert_same_for_any_n_jobs, imbalanced, mean_balanced_accuracy


def root_class_weight(tree):
    """Total weight of each class at a tree's root."""
    return tree.tree_.value[0, 0] * tree.tree_.weighted_n_node_samples[0]


def test_every_tree_grows_on_a_balanced_under_sample():
    X, y = imbalanced()
    forest = BalancedRandomForestClassifier(n_estimators=5, random_state=0).fit(X, y)
    for tree in forest.estimators_:
        assert tree.tree_.n_node_samples[0] == 36
        np.testing.assert_allclose(root_class_weight(tree), [12, 12, 12])


def test_bootstrap_draws_max_samples_rows_of_the_under_sample():
    X, y = imbalanced()
    forest = BalancedRandomForestClassifier(
        n_estimators=5, bootstrap=True, max_samples=0.5, random_state=0
    ).fit(X, y)
    for tree in forest.estimators_:
        assert tree.tree_.weighted_n_node_samples[0] == 18


def test_dict_strategy_and_string_labels():
    X, y = imbalanced()
    labels = np.array(["c", "b", "a"])[y]
    forest = BalancedRandomForestClassifier(
        n_estimators=3, sampling_strategy={"c": 40, "b": 20}, random_state=0
    ).fit(pd.DataFrame(X), labels)
    np.testing.assert_array_equal(forest.classes_, ["a", "b", "c"])
    for tree in forest.estimators_:
        np.testing.assert_allclose(root_class_weight(tree), [12, 20, 40])
    assert set(forest.predict(pd.DataFrame(X))) <= {"a", "b", "c"}


def test_class_weights():
    X, y = imbalanced()
    subsample = BalancedRandomForestClassifier(
        n_estimators=3,
        bootstrap=True,
        class_weight="balanced_subsample",
        sampling_strategy={0: 30},
        random_state=0,
    ).fit(X, y)
    for tree in subsample.estimators_:
        fractions = tree.tree_.value[0, 0]
        np.testing.assert_allclose(fractions, [1 / 3] * 3)
    fixed = BalancedRandomForestClassifier(
        n_estimators=3, class_weight={0: 1, 1: 1, 2: 5}, random_state=0
    ).fit(X, y)
    for tree in fixed.estimators_:
        np.testing.assert_allclose(tree.tree_.value[0, 0], [1 / 7, 1 / 7, 5 / 7])


def test_sample_weight_follows_the_rows():
    X, y = imbalanced()
    forest = BalancedRandomForestClassifier(n_estimators=3, random_state=0)
    forest.fit(X, y, sample_weight=np.full(y.size, 2.0))
    for tree in forest.estimators_:
        np.testing.assert_allclose(root_class_weight(tree), [24, 24, 24])


def test_sparse_input_gives_the_dense_forest():
    X, y = imbalanced()
    dense = BalancedRandomForestClassifier(n_estimators=5, random_state=0).fit(X, y)
    csr = BalancedRandomForestClassifier(n_estimators=5, random_state=0).fit(
        sparse.csr_matrix(X), y
    )
    np.testing.assert_array_equal(
        csr.predict_proba(sparse.csr_matrix(X)), dense.predict_proba(X)
    )


def test_feature_importances_are_the_mean_over_trees():
    X, y = imbalanced()
    forest = BalancedRandomForestClassifier(n_estimators=5, random_state=0).fit(X, y)
    mean = np.mean([tree.feature_importances_ for tree in forest.estimators_], axis=0)
    np.testing.assert_allclose(forest.feature_importances_, mean / mean.sum())
    np.testing.assert_allclose(forest.feature_importances_.sum(), 1.0)


def test_same_result_for_any_n_jobs_and_backend():
    X, y = imbalanced()
    assert_same_for_any_n_jobs(
        BalancedRandomForestClassifier(n_estimators=6, random_state=1), X, y
    )


def test_matches_imbalanced_learn():
    ours = mean_balanced_accuracy(
        lambda s: BalancedRandomForestClassifier(n_estimators=30, random_state=s)
    )
    theirs = mean_balanced_accuracy(
        lambda s: ImbBalancedRandomForest(n_estimators=30, random_state=s)
    )
    assert abs(ours - theirs) < 0.015


def test_impossible_strategy_and_single_class():
    X, y = imbalanced()
    with pytest.raises(ValueError, match=r"^sampling_strategy=\{2: 40\} cannot be met"):
        BalancedRandomForestClassifier(sampling_strategy={2: 40}).fit(X, y)
    with pytest.raises(ValueError, match="at least 2 classes in y, got 1 class"):
        BalancedRandomForestClassifier().fit(X, np.ones(len(y)))


def test_verbose_logs_one_line_per_tree(capsys):
    X, y = imbalanced()
    BalancedRandomForestClassifier(n_estimators=2, verbose=1, random_state=0).fit(X, y)
    lines = capsys.readouterr().out.strip().splitlines()
    assert len(lines) == 2
    assert "36 rows (0: 12, 1: 12, 2: 12)" in lines[1]


def test_samplers_and_pipelines_redraw_each_trees_rows():
    X, y = imbalanced()
    forest = BalancedRandomForestClassifier(n_estimators=4, random_state=0).fit(X, y)
    assert len(forest.samplers_) == len(forest.pipelines_) == 4
    for sampler, tree, pipe in zip(
        forest.samplers_, forest.estimators_, forest.pipelines_
    ):
        assert list(pipe.named_steps) == [
            "randomundersampler",
            "decisiontreeclassifier",
        ]
        X_res, y_res = clone(sampler).fit_resample(X, y)
        np.testing.assert_array_equal(np.bincount(y_res), [12, 12, 12])
        refit = clone(tree).fit(X_res.astype(np.float32), y_res)
        np.testing.assert_array_equal(refit.predict(X), tree.predict(X).astype(int))


def test_oob_score_is_the_accuracy_of_the_out_of_bag_mean_probability():
    X, y = imbalanced()
    forest = BalancedRandomForestClassifier(
        n_estimators=30, bootstrap=True, oob_score=True, random_state=0
    ).fit(X, y)
    proba = forest.oob_decision_function_
    covered = proba.sum(axis=1) > 0
    assert covered.all()
    np.testing.assert_allclose(proba.sum(axis=1), 1.0)
    assert forest.oob_score_ == np.mean(proba.argmax(axis=1) == y)
    # rows dropped by the under-sampler are out of bag: most majority rows
    assert 0.5 < forest.oob_score_ <= 1.0


def test_oob_on_random_labels_is_near_chance():
    rng = np.random.RandomState(42)
    X = np.arange(1000, dtype=float).reshape(-1, 1)
    y = rng.binomial(1, 0.2, size=1000)
    forest = BalancedRandomForestClassifier(
        bootstrap=True, oob_score=True, random_state=0, sampling_strategy="not minority"
    ).fit(X, y)
    assert abs(forest.oob_score_ - 0.5) < 0.1


def test_oob_needs_bootstrap():
    X, y = imbalanced()
    with pytest.raises(ValueError, match="only available if bootstrap=True"):
        BalancedRandomForestClassifier(oob_score=True).fit(X, y)


def test_warm_start_keeps_the_first_trees_and_matches_a_cold_fit():
    X, y = imbalanced()
    forest = BalancedRandomForestClassifier(
        n_estimators=5, warm_start=True, random_state=3
    ).fit(X, y)
    first = list(forest.estimators_)
    forest.set_params(n_estimators=10).fit(X, y)
    assert len(forest) == 10 and all(a is b for a, b in zip(first, forest.estimators_))
    assert len(forest.samplers_) == len(forest.pipelines_) == 10
    cold = BalancedRandomForestClassifier(n_estimators=10, random_state=3).fit(X, y)
    np.testing.assert_array_equal(forest.predict_proba(X), cold.predict_proba(X))
    with pytest.warns(UserWarning, match="without increasing n_estimators"):
        forest.fit(X, y)
    with pytest.raises(ValueError, match="must be larger or equal to"):
        forest.set_params(n_estimators=3).fit(X, y)


def test_nan_and_infinity():
    X, y = imbalanced()
    X = X.copy()
    X[::10, 1] = np.nan
    forest = BalancedRandomForestClassifier(n_estimators=5, random_state=0).fit(X, y)
    assert np.isfinite(forest.predict_proba(X)).all()
    X[0, 1] = np.inf
    with pytest.raises(ValueError, match="Input X contains infinity"):
        BalancedRandomForestClassifier(n_estimators=2).fit(X, y)
