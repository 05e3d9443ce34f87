"""Tests of the resampling boosting family (RUSBoost, SMOTEBoost, ...)."""

import re
import warnings

import numpy as np
import pandas as pd
import pytest
from imblearn.ensemble import RUSBoostClassifier as ImbRUSBoost
from imblearn.over_sampling import SMOTE
from imblearn.under_sampling import NearMiss, RandomUnderSampler
from sklearn.datasets import make_classification
from sklearn.dummy import DummyClassifier
from sklearn.ensemble import AdaBoostClassifier
from sklearn.metrics import balanced_accuracy_score
from sklearn.model_selection import train_test_split
from sklearn.neighbors import KNeighborsClassifier
from sklearn.preprocessing import StandardScaler
from sklearn.tree import DecisionTreeClassifier
from sklearn.utils._param_validation import InvalidParameterError

from skextra.resampling import (
    BalancedBoostClassifier,
    ChanceErrorWarning,
    OverBoostClassifier,
    RUSBoostClassifier,
    SMOTEBoostClassifier,
)

ALL = [
    RUSBoostClassifier,
    SMOTEBoostClassifier,
    OverBoostClassifier,
    BalancedBoostClassifier,
]


def _problem(seed, weights=(0.8,), n_samples=600):
    X, y = make_classification(
        n_samples=n_samples,
        n_features=8,
        n_informative=4,
        n_classes=len(weights) + 1,
        weights=list(weights),
        random_state=seed,
    )
    return train_test_split(X, y, stratify=y, test_size=0.3, random_state=seed)


def _keep_all(y):
    """An under-sampler that keeps every row (so boosting is plain SAMME)."""
    labels, counts = np.unique(y, return_counts=True)
    return RandomUnderSampler(
        sampling_strategy=dict(zip(labels.tolist(), counts.tolist()))
    )


# -- reference: imbalanced-learn's RUSBoostClassifier ------------------------------


@pytest.mark.parametrize(
    "seed, weights",
    [(3, (0.8,)), (4, (0.8,)), (0, (0.7,)), (1, (0.6, 0.3)), (2, (0.6, 0.3))],
)
def test_rusboost_equals_imbalanced_learn_when_it_runs_every_round(seed, weights):
    X_train, X_test, y_train, y_test = _problem(seed, weights)
    tree = DecisionTreeClassifier(max_depth=3)
    ref = ImbRUSBoost(tree, n_estimators=10, random_state=seed).fit(X_train, y_train)
    assert len(ref.estimators_) == 10  # a problem where imbalanced-learn does not stop
    ours = RUSBoostClassifier(tree, n_estimators=10, random_state=seed).fit(
        X_train, y_train
    )

    assert len(ours.estimators_) == 10
    np.testing.assert_allclose(ours.estimator_weights_, ref.estimator_weights_)
    np.testing.assert_allclose(ours.estimator_errors_, ref.estimator_errors_)
    np.testing.assert_array_equal(ours.predict(X_test), ref.predict(X_test))
    np.testing.assert_allclose(ours.predict_proba(X_test), ref.predict_proba(X_test))
    np.testing.assert_allclose(
        ours.decision_function(X_test), ref.decision_function(X_test)
    )
    assert balanced_accuracy_score(y_test, ours.predict(X_test)) == pytest.approx(
        balanced_accuracy_score(y_test, ref.predict(X_test)), abs=1e-12
    )


def _one_round_problem():
    # Stumps trained on balanced resamples of a 1:9 problem: imbalanced-learn's
    # second round reaches weighted error >= 0.5 and it keeps a single member.
    X, y = make_classification(
        n_samples=2000, weights=[0.9], n_informative=5, flip_y=0.01, random_state=23
    )
    return train_test_split(X, y, stratify=y, test_size=0.3, random_state=0)


def test_imbalanced_learn_stops_after_one_round_and_skextra_does_not():
    X_train, X_test, y_train, y_test = _one_round_problem()
    ref = ImbRUSBoost(n_estimators=30, random_state=0).fit(X_train, y_train)
    assert len(ref.estimators_) == 1

    with warnings.catch_warnings():
        warnings.simplefilter("error", ChanceErrorWarning)
        ours = RUSBoostClassifier(n_estimators=30, random_state=0).fit(X_train, y_train)
    assert len(ours.estimators_) == 30
    assert ours.restarts_.size > 0
    assert np.all(ours.estimator_errors_ < 0.5)
    # Same seeds: the first round is imbalanced-learn's single member.
    assert ours.estimator_errors_[0] == pytest.approx(ref.estimator_errors_[0])
    np.testing.assert_array_equal(
        ours.estimators_[0].predict(X_test), ref.estimators_[0].predict(X_test)
    )
    ref_score = balanced_accuracy_score(y_test, ref.predict(X_test))
    our_score = balanced_accuracy_score(y_test, ours.predict(X_test))
    assert our_score > ref_score + 0.03


def test_chance_error_stops_with_a_warning_naming_the_round():
    X, y = make_classification(n_samples=300, weights=[0.7], random_state=0)
    clf = RUSBoostClassifier(
        DummyClassifier(strategy="uniform"),
        n_estimators=50,
        max_retries=0,
        random_state=1,
    )
    with pytest.warns(
        ChanceErrorWarning, match=r"round (\d+) reached chance"
    ) as record:
        clf.fit(X, y)
    round_number = int(re.search(r"round (\d+)", str(record[0].message)).group(1))
    assert len(clf.estimators_) == round_number - 1 < 50
    assert np.all(clf.estimator_errors_ < 0.5)


def test_first_round_at_chance_raises():
    X, y = make_classification(n_samples=200, weights=[0.9], random_state=0)
    clf = RUSBoostClassifier(DummyClassifier(strategy="constant", constant=1))
    with pytest.raises(ValueError, match="first round .* no better than chance"):
        clf.fit(X, y)


def test_retries_are_used_before_weights_are_reset():
    X_train, _, y_train, _ = _one_round_problem()
    restarts = []
    for retries in (0, 3, 10):
        clf = RUSBoostClassifier(n_estimators=30, max_retries=retries, random_state=0)
        clf.fit(X_train, y_train)
        # Each reset comes after max_retries + 1 discarded resamples.
        assert clf.n_discarded_ >= (retries + 1) * clf.restarts_.size
        restarts.append(clf.restarts_.size)
    # A successful retry keeps the boosting chain going, so fewer resets.
    assert restarts[0] > restarts[1] > restarts[2] > 0


# -- SAMME against a hand computation and scikit-learn's AdaBoost ------------------


@pytest.mark.parametrize(
    "learning_rate, errors, weights",
    [
        (1.0, [1 / 3, 1 / 6], [np.log(4.0), np.log(10.0)]),
        (0.5, [1 / 3, 1 / 4], [np.log(2.0), 0.5 * np.log(6.0)]),
    ],
)
def test_samme_update_matches_hand_computation(learning_rate, errors, weights):
    # Six points, three classes on a line: a stump always gets one class wrong.
    # Round 1: err = 2/6, alpha = lr * (log(2) + log(2)); the two wrong rows'
    # weights grow by exp(alpha). Round 2 then misclassifies one of the two
    # classes that round 1 got right.
    X = np.arange(6.0).reshape(-1, 1)
    y = np.array([0, 0, 1, 1, 2, 2])
    clf = BalancedBoostClassifier(
        DecisionTreeClassifier(max_depth=1),
        sampler=_keep_all(y),
        n_estimators=2,
        learning_rate=learning_rate,
        random_state=0,
    ).fit(X, y)
    np.testing.assert_allclose(clf.estimator_errors_, errors)
    np.testing.assert_allclose(clf.estimator_weights_, weights)

    # decision_function: +w for the predicted class, -w / (K - 1) for the others,
    # divided by the sum of the weights.
    votes = np.array([m.predict(X) for m in clf.estimators_])
    expected = np.zeros((6, 3))
    for member_votes, w in zip(votes, clf.estimator_weights_):
        expected += np.where(member_votes[:, None] == np.arange(3), w, -w / 2)
    expected /= clf.estimator_weights_.sum()
    np.testing.assert_allclose(clf.decision_function(X), expected)
    proba = np.exp(expected / 2) / np.exp(expected / 2).sum(axis=1, keepdims=True)
    np.testing.assert_allclose(clf.predict_proba(X), proba)


@pytest.mark.parametrize("n_classes", [2, 3])
def test_no_op_sampler_equals_sklearn_adaboost(n_classes):
    X, y = make_classification(
        n_samples=300, n_classes=n_classes, n_informative=4, random_state=0
    )
    ref = AdaBoostClassifier(n_estimators=15, random_state=0).fit(X, y)
    ours = BalancedBoostClassifier(
        sampler=_keep_all(y), n_estimators=15, random_state=0
    ).fit(X, y)
    np.testing.assert_allclose(ours.estimator_weights_, ref.estimator_weights_)
    np.testing.assert_allclose(ours.decision_function(X), ref.decision_function(X))
    np.testing.assert_allclose(ours.predict_proba(X), ref.predict_proba(X))
    for ours_stage, ref_stage in zip(ours.staged_predict(X), ref.staged_predict(X)):
        np.testing.assert_array_equal(ours_stage, ref_stage)
    np.testing.assert_allclose(ours.feature_importances_, ref.feature_importances_)


# -- weights carried through the samplers ------------------------------------------


class _RecordingTree(DecisionTreeClassifier):
    def fit(self, X, y, sample_weight=None, check_input=True):
        self.fit_X_ = np.asarray(X)
        self.fit_weight_ = np.asarray(sample_weight)
        return super().fit(X, y, sample_weight=sample_weight, check_input=check_input)


def test_smoteboost_gives_synthetic_rows_the_mean_class_weight():
    X, y = make_classification(n_samples=200, weights=[0.85], random_state=0)
    weight = np.random.RandomState(0).uniform(0.5, 2.0, size=len(y))
    clf = SMOTEBoostClassifier(
        _RecordingTree(max_depth=1), n_estimators=1, random_state=0
    )
    clf.fit(X, y, sample_weight=weight)
    member = clf.estimators_[0]
    n = len(y)
    normalised = weight / weight.sum()
    np.testing.assert_array_equal(member.fit_X_[:n], X)
    np.testing.assert_allclose(member.fit_weight_[:n], normalised)
    n_new = (y == 0).sum() - (y == 1).sum()
    assert member.fit_weight_.shape == (n + n_new,)
    np.testing.assert_allclose(member.fit_weight_[n:], normalised[y == 1].mean())


def test_rusboost_member_sees_the_weights_of_the_kept_rows():
    X, y = make_classification(n_samples=200, weights=[0.85], random_state=0)
    weight = np.random.RandomState(0).uniform(0.5, 2.0, size=len(y))
    clf = RUSBoostClassifier(
        _RecordingTree(max_depth=1), n_estimators=1, random_state=0
    )
    clf.fit(X, y, sample_weight=weight)
    member = clf.estimators_[0]
    rows = [int(np.flatnonzero((X == row).all(axis=1))[0]) for row in member.fit_X_]
    np.testing.assert_allclose(member.fit_weight_, weight[rows] / weight.sum())
    assert np.bincount(y[rows]).tolist() == [(y == 1).sum()] * 2


@pytest.mark.parametrize("Est", ALL)
def test_zero_sample_weight_is_the_same_as_dropping_rows(Est):
    X, y = make_classification(n_samples=200, weights=[0.8], random_state=0)
    weight = np.ones(len(y))
    weight[::7] = 0.0
    kept = weight > 0
    a = Est(n_estimators=5, random_state=0).fit(X, y, sample_weight=weight)
    b = Est(n_estimators=5, random_state=0).fit(X[kept], y[kept])
    np.testing.assert_allclose(a.decision_function(X), b.decision_function(X))


# -- API ---------------------------------------------------------------------------


@pytest.mark.parametrize("Est", ALL)
def test_random_state_reproducible_and_seed_sensitive(Est):
    X, y = make_classification(n_samples=300, weights=[0.85], random_state=0)
    a = Est(n_estimators=5, random_state=0).fit(X, y).predict_proba(X)
    b = Est(n_estimators=5, random_state=0).fit(X, y).predict_proba(X)
    c = Est(n_estimators=5, random_state=1).fit(X, y).predict_proba(X)
    np.testing.assert_array_equal(a, b)
    assert not np.allclose(a, c)


@pytest.mark.parametrize("Est", ALL)
def test_pandas_and_string_labels(Est):
    X, y = make_classification(
        n_samples=300, n_classes=3, n_informative=4, weights=[0.7, 0.2], random_state=0
    )
    names = np.array(["a-low", "b-mid", "c-high"])
    frame = pd.DataFrame(X, columns=[f"f{i}" for i in range(X.shape[1])])
    clf = Est(n_estimators=5, random_state=0).fit(frame, names[y])
    num = Est(n_estimators=5, random_state=0).fit(X, y)
    assert list(clf.classes_) == ["a-low", "b-mid", "c-high"]
    assert list(clf.feature_names_in_) == list(frame.columns)
    # Label names do not change the fit, only the names of the predictions.
    order = np.searchsorted(clf.classes_, names)
    np.testing.assert_allclose(clf.predict_proba(frame)[:, order], num.predict_proba(X))
    np.testing.assert_array_equal(clf.predict(frame), names[num.predict(X)])


def test_staged_predict_ends_at_predict():
    X, y = make_classification(n_samples=300, weights=[0.85], random_state=0)
    clf = SMOTEBoostClassifier(n_estimators=7, random_state=0).fit(X, y)
    stages = list(clf.staged_predict(X))
    assert len(stages) == 7
    np.testing.assert_array_equal(stages[-1], clf.predict(X))
    probas = list(clf.staged_predict_proba(X))
    np.testing.assert_allclose(probas[-1], clf.predict_proba(X))


def test_generic_sampler_is_used():
    X, y = make_classification(n_samples=300, weights=[0.85], random_state=0)
    clf = BalancedBoostClassifier(
        _RecordingTree(max_depth=1), sampler=NearMiss(), n_estimators=1, random_state=0
    ).fit(X, y)
    expected_X, _ = NearMiss().fit_resample(X, y)
    np.testing.assert_array_equal(clf.estimators_[0].fit_X_, expected_X)


def test_verbose_prints_one_line_per_round(capsys):
    X, y = make_classification(n_samples=300, weights=[0.6], random_state=0)
    clf = RUSBoostClassifier(
        DecisionTreeClassifier(max_depth=3), n_estimators=3, verbose=1, random_state=0
    ).fit(X, y)
    lines = [line for line in capsys.readouterr().out.splitlines() if "weight" in line]
    assert len(lines) == 3
    assert f"{clf.estimator_weights_[0]:.4f}" in lines[0]


# -- bad input ---------------------------------------------------------------------


def test_k_neighbors_larger_than_minority_class():
    X, y = make_classification(n_samples=100, weights=[0.95], flip_y=0, random_state=0)
    assert (y == 1).sum() == 5
    with pytest.raises(ValueError, match=r"k_neighbors=5 .* class 1 has 5"):
        SMOTEBoostClassifier(k_neighbors=5).fit(X, y)
    SMOTEBoostClassifier(k_neighbors=4, n_estimators=2).fit(X, y)


def test_sampler_that_is_not_a_sampler():
    X, y = make_classification(n_samples=100, random_state=0)
    with pytest.raises(InvalidParameterError, match="'sampler' parameter"):
        BalancedBoostClassifier(sampler=StandardScaler()).fit(X, y)


def test_generic_smote_with_too_few_neighbours_names_the_sampler():
    X, y = make_classification(n_samples=100, weights=[0.95], flip_y=0, random_state=0)
    with pytest.raises(ValueError, match=r"sampler=SMOTE.*k_neighbors=5"):
        BalancedBoostClassifier(sampler=SMOTE()).fit(X, y)


@pytest.mark.parametrize(
    "Est, strategy",
    [
        (RUSBoostClassifier, {0: 500}),
        (OverBoostClassifier, {1: 2}),
        (RUSBoostClassifier, {7: 3}),
    ],
)
def test_impossible_sampling_strategy(Est, strategy):
    X, y = make_classification(n_samples=100, weights=[0.8], random_state=0)
    with pytest.raises(ValueError, match="sampling_strategy=.* cannot be met"):
        Est(sampling_strategy=strategy).fit(X, y)


def test_estimator_without_sample_weight():
    X, y = make_classification(n_samples=100, random_state=0)
    with pytest.raises(ValueError, match="KNeighborsClassifier.*sample_weight"):
        RUSBoostClassifier(KNeighborsClassifier()).fit(X, y)


def test_one_class_after_dropping_zero_weights():
    X, y = make_classification(n_samples=100, random_state=0)
    with pytest.raises(ValueError, match="2 classes"):
        RUSBoostClassifier().fit(X, y, sample_weight=(y == 1).astype(float))


def test_no_chance_warning_on_easy_data():
    X, y = make_classification(
        n_samples=300, weights=[0.7], class_sep=2, random_state=0
    )
    with warnings.catch_warnings():
        warnings.simplefilter("error", ChanceErrorWarning)
        RUSBoostClassifier(n_estimators=10, random_state=0).fit(X, y)


def test_rusboost_samplers_and_pipelines():
    X, _, y, _ = _problem(0)
    clf = RUSBoostClassifier(n_estimators=10, random_state=0).fit(X, y)
    assert len(clf.samplers_) == len(clf.pipelines_) == len(clf.estimators_)
    assert len({s.random_state for s in clf.samplers_}) == len(clf.samplers_)
    for sampler, member, pipe in zip(clf.samplers_, clf.estimators_, clf.pipelines_):
        assert pipe[0] is sampler and pipe[-1] is member
        assert isinstance(sampler, RandomUnderSampler)
        np.testing.assert_array_equal(pipe.predict(X), member.predict(X))


@pytest.mark.parametrize("algorithm", ["SAMME", "SAMME.R"])
def test_rusboost_algorithm_is_deprecated_and_always_samme(algorithm):
    X, X_test, y, _ = _problem(1)
    plain = RUSBoostClassifier(n_estimators=5, random_state=0).fit(X, y)
    with pytest.warns(FutureWarning, match="`algorithm` parameter is deprecated"):
        clf = RUSBoostClassifier(
            n_estimators=5, algorithm=algorithm, random_state=0
        ).fit(X, y)
    np.testing.assert_array_equal(
        clf.decision_function(X_test), plain.decision_function(X_test)
    )
    with pytest.raises(InvalidParameterError, match="algorithm"):
        RUSBoostClassifier(algorithm="real").fit(X, y)


# -- first round at chance with the given weights: class-balanced weights ------


def _minority_inside_a_large_region():
    # Every split that keeps the minority keeps most rows: a stump fitted on
    # balanced data misclassifies more than half of the (uniform) weight.
    rng = np.random.RandomState(0)
    X = rng.uniform(size=(2000, 3))
    y = (X[:, 0] > 0.3) & (X[:, 1] > 0.3) & (np.abs(X[:, 2] - 0.5) < 0.1)
    return train_test_split(X, y.astype(int), stratify=y, random_state=0)


@pytest.mark.parametrize("Boost", [RUSBoostClassifier, SMOTEBoostClassifier])
def test_default_run_completes_with_class_balanced_weights(Boost):
    X_train, X_test, y_train, y_test = _minority_inside_a_large_region()
    with pytest.raises(ValueError, match="worse than random"):
        ImbRUSBoost(random_state=0).fit(X_train, y_train)
    with warnings.catch_warnings():
        warnings.simplefilter("error", ChanceErrorWarning)
        clf = Boost(random_state=0).fit(X_train, y_train)
    assert clf.balanced_from_ == 0
    assert len(clf.estimators_) == 50
    # The first error is measured with each class weighing one half.
    counts = np.bincount(y_train)
    weights = 1.0 / (2 * counts[y_train])
    wrong = clf.estimators_[0].predict(X_train) != y_train
    assert clf.estimator_errors_[0] == pytest.approx(np.average(wrong, weights=weights))
    assert balanced_accuracy_score(y_test, clf.predict(X_test)) > 0.6


def test_given_weights_are_kept_when_the_first_round_beats_chance():
    X_train, _, y_train, _ = _one_round_problem()
    clf = RUSBoostClassifier(n_estimators=5, random_state=0).fit(X_train, y_train)
    assert clf.balanced_from_ is None
