"""BlendingClassifier / BlendingRegressor against the hold-out construction by hand."""

import numpy as np
import pytest
from joblib import parallel_config
from sklearn.base import clone
from sklearn.datasets import make_classification, make_regression
from sklearn.ensemble import RandomForestClassifier
from sklearn.linear_model import LogisticRegression, Ridge, RidgeCV
from sklearn.metrics import accuracy_score, r2_score
from sklearn.model_selection import ShuffleSplit, StratifiedShuffleSplit
from sklearn.naive_bayes import GaussianNB
from sklearn.tree import DecisionTreeClassifier, DecisionTreeRegressor

from skextra.ensemble import BlendingClassifier, BlendingRegressor

from .test_stacking import Recorder


@pytest.fixture(scope="module")
def multiclass():
    return make_classification(
        n_samples=200, n_features=6, n_informative=4, n_classes=3, random_state=1
    )


@pytest.fixture(scope="module")
def regression():
    return make_regression(n_samples=150, n_features=5, noise=10.0, random_state=0)


def _classifiers():
    return [
        ("lr", LogisticRegression()),
        ("tree", DecisionTreeClassifier(max_depth=3, random_state=0)),
        ("nb", GaussianNB()),
    ]


def _by_hand(members, final, X, y, train, test, method="predict_proba", refit=False):
    fitted = [clone(est).fit(X[train], y[train]) for _, est in members]
    meta = np.hstack(
        [getattr(m, method)(X[test]).reshape(len(test), -1) for m in fitted]
    )
    final = clone(final).fit(meta, y[test])
    if refit:
        fitted = [clone(est).fit(X, y) for _, est in members]
    return fitted, final


@pytest.mark.parametrize("refit", [False, True])
def test_classifier_equals_the_hold_out_construction(refit, multiclass):
    X, y = multiclass
    blend = BlendingClassifier(
        _classifiers(), holdout_size=0.25, random_state=3, refit=refit
    ).fit(X, y)
    splitter = StratifiedShuffleSplit(n_splits=1, test_size=50, random_state=3)
    train, test = (np.sort(part) for part in next(splitter.split(X, y)))
    np.testing.assert_array_equal(blend.holdout_indices_, test)
    fitted, final = _by_hand(
        _classifiers(), LogisticRegression(), X, y, train, test, refit=refit
    )
    meta = np.hstack([m.predict_proba(X) for m in fitted])
    np.testing.assert_allclose(blend.predict_proba(X), final.predict_proba(meta))
    np.testing.assert_allclose(blend.transform(X), meta)
    np.testing.assert_allclose(blend.estimators_[0].coef_, fitted[0].coef_)
    on_train, _ = _by_hand(_classifiers(), LogisticRegression(), X, y, train, test)
    for (name, _), model in zip(_classifiers(), on_train):
        expected = model.predict_proba(X[test])
        np.testing.assert_allclose(blend.oof_predictions_[name], expected)
        np.testing.assert_allclose(
            blend.cv_scores_[name], [accuracy_score(y[test], expected.argmax(1))]
        )


def test_regressor_equals_the_hold_out_construction(regression):
    X, y = regression
    members = [
        ("ridge", Ridge()),
        ("tree", DecisionTreeRegressor(max_depth=3, random_state=0)),
    ]
    blend = BlendingRegressor(
        members, holdout_size=30, random_state=0, passthrough=True
    ).fit(X, y)
    train, test = next(ShuffleSplit(n_splits=1, test_size=30, random_state=0).split(X))
    train, test = np.sort(train), np.sort(test)
    fitted = [clone(est).fit(X[train], y[train]) for _, est in members]
    meta_test = np.column_stack([m.predict(X[test]) for m in fitted] + [X[test]])
    final = RidgeCV().fit(meta_test, y[test])
    meta = np.column_stack([m.predict(X) for m in fitted] + [X])
    np.testing.assert_allclose(blend.predict(X), final.predict(meta))
    assert blend.cv_scores_["ridge"][0] == pytest.approx(
        r2_score(y[test], fitted[0].predict(X[test]))
    )
    assert list(blend.get_feature_names_out()[:2]) == [
        "blendingregressor_ridge",
        "blendingregressor_tree",
    ]


def test_no_shuffle_holds_out_the_last_rows(multiclass):
    X, y = multiclass
    blend = BlendingClassifier(_classifiers(), holdout_size=0.2, shuffle=False).fit(
        X, y
    )
    np.testing.assert_array_equal(blend.holdout_indices_, np.arange(160, 200))
    assert blend.estimators_[0].n_features_in_ == 6
    fitted, final = _by_hand(
        _classifiers(), LogisticRegression(), X, y, np.arange(160), np.arange(160, 200)
    )
    meta = np.hstack([m.predict_proba(X) for m in fitted])
    np.testing.assert_allclose(blend.predict_proba(X), final.predict_proba(meta))


def test_sample_weight_reaches_members_and_final(multiclass):
    X, y = multiclass
    weights = np.random.RandomState(0).uniform(0.1, 3.0, size=len(y))
    blend = BlendingClassifier(
        [("lr", LogisticRegression())], final_estimator=Recorder(), random_state=0
    ).fit(X, y, sample_weight=weights)
    test = blend.holdout_indices_
    train = np.setdiff1d(np.arange(len(y)), test)
    member = LogisticRegression().fit(X[train], y[train], sample_weight=weights[train])
    np.testing.assert_allclose(blend.estimators_[0].coef_, member.coef_)
    np.testing.assert_allclose(blend.final_estimator_.sample_weight_, weights[test])


def test_sampler_never_touches_the_hold_out(multiclass):
    imblearn = pytest.importorskip("imblearn")
    X, y = multiclass
    sampler = imblearn.over_sampling.RandomOverSampler(random_state=0)
    blend = BlendingClassifier(
        _classifiers(), final_estimator=Recorder(), sampler=sampler, random_state=1
    ).fit(X, y)
    test = blend.holdout_indices_
    train = np.setdiff1d(np.arange(len(y)), test)
    X_res, y_res = clone(sampler).fit_resample(X[train], y[train])
    member = LogisticRegression().fit(X_res, y_res)
    np.testing.assert_allclose(
        blend.oof_predictions_["lr"], member.predict_proba(X[test])
    )
    assert blend.final_estimator_.X_fit_.shape == (len(test), 9)
    np.testing.assert_array_equal(blend.final_estimator_.y_fit_, y[test])


def test_early_stopping_on_the_hold_out(multiclass):
    xgboost = pytest.importorskip("xgboost")
    X, y = multiclass
    booster = xgboost.XGBClassifier(
        n_estimators=200, learning_rate=0.5, max_depth=2, n_jobs=1, random_state=0
    )
    blend = BlendingClassifier(
        [("xgb", booster), ("lr", LogisticRegression())],
        early_stopping_rounds=5,
        refit=True,
        random_state=0,
    ).fit(X, y)
    (rounds,) = blend.best_iterations_["xgb"]
    assert rounds < 200
    assert blend.named_estimators_["xgb"].n_estimators == rounds


def test_errors(multiclass, regression):
    X, y = multiclass
    with pytest.raises(ValueError, match="holdout_size=190 leaves 190 hold-out rows"):
        BlendingClassifier(_classifiers(), holdout_size=190).fit(X[:150], y[:150])
    with pytest.raises(
        ValueError, match="'final_estimator' parameter should be a classifier"
    ):
        BlendingClassifier(_classifiers(), Ridge()).fit(X, y)
    X_reg, y_reg = regression
    with pytest.raises(
        ValueError, match="'final_estimator' parameter should be a regressor"
    ):
        BlendingRegressor([("ridge", Ridge())], LogisticRegression()).fit(X_reg, y_reg)


def test_same_result_for_any_n_jobs_and_backend(multiclass):
    X, y = multiclass
    members = [
        ("rf", RandomForestClassifier(n_estimators=10, random_state=0)),
        ("lr", LogisticRegression()),
    ]
    results = []
    for backend, n_jobs in [("loky", 1), ("loky", 2), ("threading", 2)]:
        with parallel_config(backend=backend):
            blend = BlendingClassifier(
                members, random_state=0, refit=True, n_jobs=n_jobs
            )
            results.append(blend.fit(X, y).predict_proba(X))
    for other in results[1:]:
        np.testing.assert_array_equal(other, results[0])
