"""imbalanced-learn's bagging parameters: bag sizes, columns, OOB, warm start, NaN."""

import numpy as np
import pytest
from imblearn.pipeline import Pipeline
from imblearn.under_sampling import RandomUnderSampler
from sklearn.base import clone
from sklearn.impute import SimpleImputer
from sklearn.linear_model import LogisticRegression, Perceptron
from sklearn.metrics import accuracy_score
from sklearn.pipeline import make_pipeline

from skextra.resampling import BalancedBaggingClassifier, EasyEnsembleClassifier

from .test_bagging import Recorder, assert_same_for_any_n_jobs, imbalanced, row_ids


def test_max_samples_draws_that_share_of_every_class_before_the_sampler():
    X, y = imbalanced()  # class sizes 120, 40, 12
    clf = BalancedBaggingClassifier(
        Recorder(), n_estimators=4, max_samples=0.5, bootstrap=False, random_state=0
    ).fit(X, y)
    assert clf._max_samples == len(y) // 2
    for member, rows in zip(clf.estimators_, clf.estimators_samples_):
        assert rows.dtype.kind == "i" and np.unique(rows).size == len(y) // 2
        np.testing.assert_array_equal(np.bincount(y[rows]), [60, 20, 6])
        recorder = member.named_steps["classifier"]
        np.testing.assert_array_equal(np.bincount(recorder.y_), [6, 6, 6])
        assert set(row_ids(recorder).astype(int)) <= set(rows)


def test_integer_max_samples_with_bootstrap_repeats_rows():
    X, y = imbalanced()
    clf = BalancedBaggingClassifier(
        Recorder(), n_estimators=3, max_samples=86, random_state=0
    ).fit(X, y)
    for rows in clf.estimators_samples_:
        assert rows.size == 86 and np.unique(rows).size < 86


def test_max_samples_above_n_samples_without_bootstrap_is_refused():
    X, y = imbalanced()
    with pytest.raises(ValueError, match="max_samples=500 must be <= n_samples=172"):
        BalancedBaggingClassifier(max_samples=500, bootstrap=False).fit(X, y)


def test_max_features_members_see_their_columns():
    X, y = imbalanced()
    X = X[:, 1:]
    clf = BalancedBaggingClassifier(
        LogisticRegression(), n_estimators=5, max_features=2, random_state=0
    ).fit(X, y)
    expected = np.mean(
        [
            member.predict_proba(X[:, cols])
            for member, cols in zip(clf.estimators_, clf.estimators_features_)
        ],
        axis=0,
    )
    for cols in clf.estimators_features_:
        assert cols.size == 2 and np.unique(cols).size == 2
    np.testing.assert_allclose(clf.predict_proba(X), expected)


def test_bootstrap_features_draws_columns_with_replacement():
    X, y = imbalanced()
    clf = BalancedBaggingClassifier(
        LogisticRegression(),
        n_estimators=10,
        bootstrap_features=True,
        random_state=0,
    ).fit(X[:, 1:], y)
    assert all(cols.size == 3 for cols in clf.estimators_features_)
    assert min(np.unique(cols).size for cols in clf.estimators_features_) < 3


def test_members_are_sampler_classifier_pipelines_that_refit_identically():
    X, y = imbalanced()
    X = X[:, 1:]
    clf = BalancedBaggingClassifier(
        LogisticRegression(), n_estimators=3, max_samples=0.5, random_state=1
    ).fit(X, y)
    assert isinstance(clf.estimator_, Pipeline)
    for member, rows, cols in zip(
        clf.estimators_, clf.estimators_samples_, clf.estimators_features_
    ):
        assert list(member.named_steps) == ["sampler", "classifier"]
        sampler = member.named_steps["sampler"]
        assert isinstance(sampler, RandomUnderSampler)
        assert isinstance(sampler.random_state, int)
        coef = member[-1].coef_.copy()
        refit = clone(member).fit(X[rows][:, cols], y[rows])
        np.testing.assert_allclose(refit[-1].coef_, coef)


def test_oob_score_is_the_accuracy_of_the_out_of_bag_mean_probability():
    X, y = imbalanced()
    X = X[:, 1:]
    labels = np.array(["a", "b", "c"])[y]
    clf = BalancedBaggingClassifier(
        LogisticRegression(), n_estimators=8, oob_score=True, random_state=0
    ).fit(X, labels)
    total = np.zeros((len(y), 3))
    for member, rows, cols in zip(
        clf.estimators_, clf.estimators_samples_, clf.estimators_features_
    ):
        out = np.setdiff1d(np.arange(len(y)), rows)
        total[out] += member.predict_proba(X[out][:, cols])
    expected = total / total.sum(axis=1, keepdims=True)
    np.testing.assert_allclose(clf.oob_decision_function_, expected)
    assert clf.oob_score_ == accuracy_score(labels, clf.classes_[expected.argmax(1)])


def test_oob_needs_bootstrap_and_no_warm_start():
    X, y = imbalanced()
    with pytest.raises(ValueError, match="only available if bootstrap=True"):
        BalancedBaggingClassifier(oob_score=True, bootstrap=False).fit(X, y)
    with pytest.raises(ValueError, match="only available if warm_start=False"):
        BalancedBaggingClassifier(oob_score=True, warm_start=True).fit(X, y)
    with pytest.warns(UserWarning, match="Some inputs do not have OOB scores"):
        BalancedBaggingClassifier(n_estimators=1, oob_score=True).fit(X, y)


@pytest.mark.parametrize("cls", [BalancedBaggingClassifier, EasyEnsembleClassifier])
def test_warm_start_keeps_the_first_members_and_matches_a_cold_fit(cls):
    X, y = imbalanced()
    X = X[:, 1:]
    clf = cls(estimator=LogisticRegression(), n_estimators=3, warm_start=True)
    clf.set_params(random_state=5).fit(X, y)
    first = list(clf.estimators_)
    clf.set_params(n_estimators=6).fit(X, y)
    assert len(clf) == 6 and all(a is b for a, b in zip(first, clf.estimators_))
    cold = cls(estimator=LogisticRegression(), n_estimators=6, random_state=5)
    np.testing.assert_array_equal(clf.predict_proba(X), cold.fit(X, y).predict_proba(X))
    with pytest.warns(UserWarning, match="without increasing n_estimators"):
        clf.fit(X, y)
    with pytest.raises(ValueError, match="must be larger or equal to"):
        clf.set_params(n_estimators=2).fit(X, y)


def test_warm_start_without_oob_removes_the_oob_attributes():
    X, y = imbalanced()
    clf = BalancedBaggingClassifier(n_estimators=4, oob_score=True, random_state=0)
    clf.fit(X, y)
    clf.set_params(warm_start=True, oob_score=False, n_estimators=6).fit(X, y)
    assert not hasattr(clf, "oob_score_")
    assert not hasattr(clf, "oob_decision_function_")


def test_same_bags_and_oob_for_any_n_jobs():
    X, y = imbalanced()
    clf = BalancedBaggingClassifier(
        LogisticRegression(),
        n_estimators=6,
        max_samples=0.7,
        max_features=2,
        oob_score=True,
        random_state=3,
    )
    assert_same_for_any_n_jobs(clf, X[:, 1:], y)
    one = clone(clf).set_params(n_jobs=1).fit(X[:, 1:], y)
    two = clone(clf).set_params(n_jobs=2).fit(X[:, 1:], y)
    np.testing.assert_array_equal(
        one.oob_decision_function_, two.oob_decision_function_
    )
    for a, b in zip(one.estimators_samples_, two.estimators_samples_):
        np.testing.assert_array_equal(a, b)


def test_members_without_predict_proba_give_vote_fractions():
    X, y = imbalanced()
    X = X[:, 1:]
    clf = BalancedBaggingClassifier(Perceptron(), n_estimators=5, random_state=0)
    clf.fit(X, y)
    votes = np.stack([member.predict(X) for member in clf.estimators_])
    fractions = np.stack([(votes == c).mean(axis=0) for c in range(3)], axis=1)
    np.testing.assert_allclose(clf.predict_proba(X), fractions)
    with np.errstate(divide="ignore"):
        np.testing.assert_allclose(clf.predict_log_proba(X), np.log(fractions))


@pytest.mark.parametrize("cls", [BalancedBaggingClassifier, EasyEnsembleClassifier])
def test_nan_goes_to_a_member_that_imputes(cls):
    X, y = imbalanced()
    X = X[:, 1:].copy()
    X[::10, 0] = np.nan
    member = make_pipeline(SimpleImputer(), LogisticRegression())
    clf = cls(estimator=member, n_estimators=3, random_state=0).fit(X, y)
    assert np.isfinite(clf.predict_proba(X)).all()
    with pytest.raises(ValueError, match="Input X contains NaN"):
        cls(estimator=LogisticRegression(), n_estimators=2).fit(X, y)
