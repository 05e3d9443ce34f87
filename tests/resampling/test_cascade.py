"""EasyEnsemble, BalanceCascade and the Self-Paced Ensemble."""

import numpy as np
import pytest
from imblearn.ensemble import EasyEnsembleClassifier as ImbEasyEnsemble
from sklearn.ensemble import AdaBoostClassifier
from sklearn.linear_model import LogisticRegression
from sklearn.svm import LinearSVC

from skextra.resampling import (
    BalanceCascadeClassifier,
    EasyEnsembleClassifier,
    SelfPacedEnsembleClassifier,
)
from skextra.resampling._cascade import hardness_bins, self_paced_counts

from .test_bagging import (
    Recorder,
    assert_same_for_any_n_jobs,
    fitted_members,
    imbalanced,
    is_original,
    mean_balanced_accuracy,
    row_ids,
)


class RecordingLogistic(LogisticRegression):
    """A logistic regression that keeps the rows it was fitted on.

    Column 0 of the data is a row id: it is recorded but not used to fit.
    """

    def fit(self, X, y, sample_weight=None):
        self.X_ = np.asarray(X, dtype=float)
        self.y_ = np.asarray(y)
        self.sample_weight_ = sample_weight
        return super().fit(self.X_[:, 1:], y, sample_weight=sample_weight)

    def predict_proba(self, X):
        return super().predict_proba(np.asarray(X, dtype=float)[:, 1:])


def own_class_proba(member, X, y):
    return member.predict_proba(X)[np.arange(len(y)), y]


# ---------------------------------------------------------------------------
# EasyEnsemble
# ---------------------------------------------------------------------------


def test_easy_ensemble_bags_hold_every_minority_row_and_an_equal_under_sample():
    X, y = imbalanced()
    clf = EasyEnsembleClassifier(4, Recorder(), random_state=0).fit(X, y)
    for member in fitted_members(clf):
        np.testing.assert_array_equal(np.bincount(member.y_), [12, 12, 12])
        ids = row_ids(member)
        assert is_original(member, X, y).all() and np.unique(ids).size == ids.size
        np.testing.assert_array_equal(
            np.sort(ids[member.y_ == 2]), np.flatnonzero(y == 2)
        )


def test_easy_ensemble_default_member_is_adaboost():
    X, y = imbalanced()
    clf = EasyEnsembleClassifier(2, random_state=0).fit(X, y)
    assert all(type(m) is AdaBoostClassifier for m in fitted_members(clf))
    np.testing.assert_allclose(
        clf.decision_function(X),
        np.mean([m.decision_function(X) for m in clf.estimators_], axis=0),
    )


def test_easy_ensemble_matches_imbalanced_learn():
    ada = AdaBoostClassifier(n_estimators=10)
    ours = mean_balanced_accuracy(
        lambda s: EasyEnsembleClassifier(5, ada, random_state=s), seeds=range(3)
    )
    theirs = mean_balanced_accuracy(
        lambda s: ImbEasyEnsemble(5, ada, random_state=s), seeds=range(3)
    )
    assert abs(ours - theirs) < 0.015


# ---------------------------------------------------------------------------
# BalanceCascade
# ---------------------------------------------------------------------------


def test_balance_cascade_pools_shrink_by_the_false_positive_rate():
    X, y = imbalanced(sizes=(1000, 100))
    clf = BalanceCascadeClassifier(RecordingLogistic(), n_estimators=5, random_state=0)
    clf.fit(X, y)
    f = 0.1 ** (1 / 4)
    np.testing.assert_allclose(clf.keep_ratios_, [f, 1.0])
    np.testing.assert_array_equal(clf.pool_sizes_[:, 0], [1000, 562, 316, 178, 100])
    np.testing.assert_array_equal(clf.pool_sizes_[:, 1], [100] * 5)
    for member in fitted_members(clf):
        np.testing.assert_array_equal(np.bincount(member.y_), [100, 100])
    # the last member sees the whole final pool: the majority rows the
    # earlier members found hardest
    assert (
        np.unique(row_ids(clf.estimators_[-1])[clf.estimators_[-1].y_ == 0]).size == 100
    )


def test_balance_cascade_threshold_keeps_the_false_positives():
    X, y = imbalanced(sizes=(1000, 100))
    clf = BalanceCascadeClassifier(RecordingLogistic(), n_estimators=5, random_state=0)
    clf.fit(X, y)
    majority = np.flatnonzero(y == 0)
    first = own_class_proba(clf.estimators_[0], X[majority], y[majority])
    # the first cut keeps the 562 majority rows the first member is least sure of
    kept = first <= clf.thresholds_[0, 0]
    assert kept.sum() == 562
    # the second member's majority rows all come from that pool
    second = clf.estimators_[1]
    second_ids = row_ids(second)[second.y_ == 0].astype(int)
    assert np.isin(second_ids, majority[kept]).all()
    assert np.isnan(clf.thresholds_[:, 1]).all()


def test_balance_cascade_multiclass_pools_end_at_their_targets():
    X, y = imbalanced(sizes=(300, 90, 30))
    clf = BalanceCascadeClassifier(RecordingLogistic(), n_estimators=4, random_state=0)
    clf.fit(X, y)
    np.testing.assert_allclose(
        clf.keep_ratios_, [0.1 ** (1 / 3), (1 / 3) ** (1 / 3), 1.0]
    )
    np.testing.assert_array_equal(clf.pool_sizes_[:, 0], [300, 139, 65, 30])
    np.testing.assert_array_equal(clf.pool_sizes_[:, 1], [90, 62, 43, 30])
    np.testing.assert_array_equal(clf.pool_sizes_[-1], [30, 30, 30])


def test_balance_cascade_needs_predict_proba():
    X, y = imbalanced()
    with pytest.raises(
        ValueError, match="needs an estimator with predict_proba.*LinearSVC"
    ):
        BalanceCascadeClassifier(LinearSVC()).fit(X, y)


# ---------------------------------------------------------------------------
# Self-paced ensemble
# ---------------------------------------------------------------------------


def test_self_paced_factor_schedule():
    X, y = imbalanced(sizes=(200, 20))
    clf = SelfPacedEnsembleClassifier(Recorder(), n_estimators=5, random_state=0).fit(
        X, y
    )
    np.testing.assert_allclose(
        clf.self_paced_factors_[:3], [0.41421356237, 1.0, 2.41421356237], rtol=1e-10
    )
    assert clf.self_paced_factors_[3] > 1e15  # tan(pi / 2): bins drawn evenly


def test_self_paced_counts_known_values():
    hardness = np.array([0.0] * 6 + [0.5] * 3 + [1.0])
    np.testing.assert_array_equal(hardness_bins(hardness, 2), [0] * 6 + [1] * 4)
    # weights 1/(0 + 1) and 1/(0.625 + 1): shares 3.095 and 1.905 of 5
    counts, _ = self_paced_counts(hardness, 5, k_bins=2, alpha=1.0)
    np.testing.assert_array_equal(counts, [3, 2])
    # alpha -> infinity: every bin the same share
    counts, _ = self_paced_counts(hardness, 4, k_bins=2, alpha=np.tan(np.pi / 2))
    np.testing.assert_array_equal(counts, [2, 2])


def test_self_paced_counts_pass_a_full_bins_share_on():
    hardness = np.array([0.0] * 2 + [1.0] * 10)
    # shares 5.5 and 0.5: the easy bin has only 2 rows, the hard bin takes the rest
    counts, _ = self_paced_counts(hardness, 6, k_bins=2, alpha=0.1)
    np.testing.assert_array_equal(counts, [2, 4])
    counts, _ = self_paced_counts(np.full(5, 0.3), 3, k_bins=4, alpha=0.5)
    np.testing.assert_array_equal(counts, [3, 0, 0, 0])


def test_self_paced_bags_follow_the_bins_of_the_ensemble_so_far():
    X, y = imbalanced(sizes=(400, 40))
    clf = SelfPacedEnsembleClassifier(
        RecordingLogistic(), n_estimators=4, k_bins=4, random_state=0
    ).fit(X, y)
    majority = np.flatnonzero(y == 0)
    hardness = 1.0 - own_class_proba(clf.estimators_[0], X[majority], y[majority])
    expected, bins = self_paced_counts(hardness, 40, 4, clf.self_paced_factors_[0])
    second = clf.estimators_[1]
    ids = row_ids(second)[second.y_ == 0].astype(int)
    position = np.searchsorted(majority, ids)
    np.testing.assert_array_equal(np.bincount(bins[position], minlength=4), expected)
    assert np.unique(ids).size == 40
    for member in fitted_members(clf):
        np.testing.assert_array_equal(np.bincount(member.y_), [40, 40])


def test_self_paced_custom_hardness():
    X, y = imbalanced(sizes=(200, 20))
    seen = []

    def hardness(y_true, proba):
        seen.append((y_true.copy(), proba.shape))
        return 1.0 - proba[:, 0]

    labels = np.array(["neg", "pos"])[y]
    SelfPacedEnsembleClassifier(Recorder(), n_estimators=3, hardness=hardness).fit(
        X, labels
    )
    assert len(seen) == 2
    assert set(seen[0][0]) == {"neg"} and seen[0][1] == (200, 2)

    def bad(y_true, proba):
        return np.ones(3)

    with pytest.raises(
        ValueError, match="hardness must return one finite value per row"
    ):
        SelfPacedEnsembleClassifier(Recorder(), n_estimators=2, hardness=bad).fit(X, y)


def test_self_paced_needs_predict_proba():
    X, y = imbalanced()
    with pytest.raises(
        ValueError, match="needs an estimator with predict_proba.*LinearSVC"
    ):
        SelfPacedEnsembleClassifier(LinearSVC()).fit(X, y)


# ---------------------------------------------------------------------------
# Shared behaviour
# ---------------------------------------------------------------------------


CASCADES = [
    EasyEnsembleClassifier(3, AdaBoostClassifier(n_estimators=5)),
    BalanceCascadeClassifier(AdaBoostClassifier(n_estimators=5), n_estimators=3),
    SelfPacedEnsembleClassifier(n_estimators=4, hardness="cross_entropy"),
]


@pytest.mark.parametrize("ensemble", CASCADES, ids=lambda est: type(est).__name__)
def test_same_result_for_any_n_jobs_and_backend(ensemble):
    X, y = imbalanced()
    assert_same_for_any_n_jobs(ensemble.set_params(random_state=2), X, y)


@pytest.mark.parametrize("ensemble", CASCADES, ids=lambda est: type(est).__name__)
def test_weights_follow_the_rows(ensemble):
    X, y = imbalanced()
    weights = np.random.RandomState(0).uniform(0.5, 2, size=y.size)
    clf = ensemble.set_params(estimator=Recorder(), random_state=0)
    if isinstance(clf, BalanceCascadeClassifier):
        clf.set_params(estimator=RecordingLogistic())
    clf.fit(X, y, sample_weight=weights)
    for member in fitted_members(clf):
        np.testing.assert_array_equal(
            member.sample_weight_, weights[row_ids(member).astype(int)]
        )


@pytest.mark.parametrize("ensemble", CASCADES, ids=lambda est: type(est).__name__)
def test_bad_input(ensemble):
    X, y = imbalanced()
    with pytest.raises(ValueError, match="at least 2 classes in y, got 1 class"):
        ensemble.fit(X, np.zeros(len(y)))
    with pytest.raises(ValueError, match=r"^sampling_strategy=\{2: 30\} cannot be met"):
        ensemble.set_params(sampling_strategy={2: 30}).fit(X, y)
