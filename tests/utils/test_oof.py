import numpy as np
import pytest
from imblearn.under_sampling import RandomUnderSampler
from joblib import parallel_config
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.datasets import make_classification, make_regression
from sklearn.ensemble import RandomForestClassifier
from sklearn.linear_model import LogisticRegression, Ridge
from sklearn.metrics import log_loss
from sklearn.model_selection import (
    KFold,
    ShuffleSplit,
    StratifiedKFold,
    cross_val_predict,
)
from sklearn.tree import DecisionTreeClassifier

from skextra.utils import fit_members_oof


@pytest.fixture(scope="module")
def clf_data():
    return make_classification(
        n_samples=300, n_features=8, n_classes=3, n_informative=5, random_state=0
    )


def test_oof_predictions_equal_cross_val_predict(clf_data):
    X, y = clf_data
    members = [LogisticRegression(max_iter=500), DecisionTreeClassifier(random_state=0)]
    methods = ["predict_proba", "predict"]
    cv = StratifiedKFold(4, shuffle=True, random_state=1)
    result = fit_members_oof(members, X, y, cv=cv, methods=methods, n_jobs=2)
    for member, method, pred in zip(members, methods, result.predictions):
        expected = cross_val_predict(member, X, y, cv=cv, method=method)
        np.testing.assert_allclose(pred, expected)
    full = LogisticRegression(max_iter=500).fit(X, y)
    np.testing.assert_allclose(result.estimators[0].coef_, full.coef_)


def test_fold_scores_are_fold_accuracies(clf_data):
    X, y = clf_data
    cv = KFold(3)
    result = fit_members_oof(
        [DecisionTreeClassifier(random_state=0)], X, y, cv=cv, methods=["predict_proba"]
    )
    for k, (train, test) in enumerate(cv.split(X)):
        tree = DecisionTreeClassifier(random_state=0).fit(X[train], y[train])
        assert result.fold_scores[0, k] == pytest.approx(tree.score(X[test], y[test]))


def test_regression_scores_are_r2():
    X, y = make_regression(n_samples=200, n_features=5, noise=5.0, random_state=0)
    cv = KFold(5)
    result = fit_members_oof([Ridge()], X, y, cv=cv, methods=["predict"])
    for k, (train, test) in enumerate(cv.split(X)):
        ridge = Ridge().fit(X[train], y[train])
        assert result.fold_scores[0, k] == pytest.approx(ridge.score(X[test], y[test]))


def test_same_result_for_any_n_jobs_and_backend(clf_data):
    X, y = clf_data
    members = [DecisionTreeClassifier(random_state=3), LogisticRegression(max_iter=500)]
    kwargs = dict(cv=StratifiedKFold(3), methods=["predict_proba"] * 2)
    ref = fit_members_oof(members, X, y, n_jobs=1, **kwargs)
    with parallel_config(backend="threading"):
        threaded = fit_members_oof(members, X, y, n_jobs=2, **kwargs)
    loky = fit_members_oof(members, X, y, n_jobs=2, **kwargs)
    for other in (threaded, loky):
        for a, b in zip(ref.predictions, other.predictions):
            np.testing.assert_array_equal(a, b)


def test_drop_members_are_skipped(clf_data):
    X, y = clf_data
    result = fit_members_oof(
        ["drop", LogisticRegression(max_iter=500)],
        X,
        y,
        cv=KFold(3),
        methods=[None, "predict_proba"],
    )
    assert result.estimators[0] is None and result.predictions[0] is None
    assert np.isnan(result.fold_scores[0]).all()


def test_not_a_partition_is_refused_unless_allowed(clf_data):
    X, y = clf_data
    cv = ShuffleSplit(n_splits=1, test_size=0.25, random_state=0)
    with pytest.raises(ValueError, match="partition"):
        fit_members_oof([LogisticRegression()], X, y, cv=cv, methods=["predict"])
    result = fit_members_oof(
        [LogisticRegression(max_iter=500)],
        X,
        y,
        cv=cv,
        methods=["predict_proba"],
        require_partition=False,
    )
    assert result.predicted.sum() == 75
    assert np.isnan(result.predictions[0][~result.predicted]).all()
    assert not np.isnan(result.predictions[0][result.predicted]).any()


class _FailsOnSmallData(ClassifierMixin, BaseEstimator):
    def fit(self, X, y):
        if len(X) < 250:
            raise ValueError("too few rows")
        self.classes_ = np.unique(y)
        return self

    def predict(self, X):
        return np.zeros(len(X), dtype=int)


def test_member_failure_names_member_and_fold(clf_data):
    X, y = clf_data
    with pytest.raises(
        ValueError, match=r"Member 'fragile' failed on fold 0 of 3: too few rows"
    ):
        fit_members_oof(
            [_FailsOnSmallData()],
            X,
            y,
            cv=KFold(3),
            methods=["predict"],
            names=["fragile"],
        )


def test_missing_class_in_a_fold_gets_zero_probability():
    X = np.arange(40, dtype=float).reshape(-1, 1)
    y = np.array([0] * 18 + [1] * 18 + [2] * 4)
    result = fit_members_oof(
        [DecisionTreeClassifier(random_state=0)],
        X,
        y,
        cv=KFold(2),
        methods=["predict_proba"],
    )
    proba = result.predictions[0]
    assert proba.shape == (40, 3)
    # The first fold's model never saw class 2 (all in the second half).
    assert np.all(proba[20:, 2] == 0.0)
    np.testing.assert_allclose(proba.sum(axis=1), 1.0)


def test_sample_weight_is_sliced_per_fold(clf_data):
    X, y = clf_data
    weights = np.random.RandomState(0).uniform(0.1, 2.0, size=len(y))
    cv = KFold(3)
    result = fit_members_oof(
        [LogisticRegression(max_iter=500)],
        X,
        y,
        cv=cv,
        methods=["predict_proba"],
        fit_params=[{"sample_weight": weights}],
    )
    expected = cross_val_predict(
        LogisticRegression(max_iter=500),
        X,
        y,
        cv=cv,
        method="predict_proba",
        params={"sample_weight": weights},
    )
    np.testing.assert_allclose(result.predictions[0], expected)
    full = LogisticRegression(max_iter=500).fit(X, y, sample_weight=weights)
    np.testing.assert_allclose(result.estimators[0].coef_, full.coef_)


class _RowCounter(ClassifierMixin, BaseEstimator):
    """Remembers how many rows it was trained on."""

    def fit(self, X, y):
        self.classes_ = np.unique(y)
        self.n_rows_ = len(X)
        return self

    def predict_proba(self, X):
        return np.full((len(X), len(self.classes_)), 1.0 / len(self.classes_))


def test_sampler_resamples_training_parts_only():
    from imblearn.over_sampling import RandomOverSampler

    X, y = make_classification(n_samples=200, weights=[0.9], random_state=0)
    cv = StratifiedKFold(4)
    result = fit_members_oof(
        [_RowCounter()],
        X,
        y,
        cv=cv,
        methods=["predict_proba"],
        sampler=RandomOverSampler(random_state=0),
        keep_fold_estimators=True,
    )
    assert result.predictions[0].shape == (200, 2)
    for k, (train, _) in enumerate(cv.split(X, y)):
        n_major = np.bincount(y[train]).max()
        assert result.fold_estimators[0][k].n_rows_ == 2 * n_major
    assert result.estimators[0].n_rows_ == 2 * np.bincount(y).max()


def test_early_stopping_refit_uses_mean_of_fold_rounds(clf_data):
    xgboost = pytest.importorskip("xgboost")
    X, y = clf_data
    member = xgboost.XGBClassifier(
        n_estimators=300, learning_rate=0.3, max_depth=2, random_state=0, n_jobs=1
    )
    result = fit_members_oof(
        [member],
        X,
        y,
        cv=StratifiedKFold(3),
        methods=["predict_proba"],
        early_stopping_rounds=5,
    )
    rounds = result.best_iterations[0]
    assert len(rounds) == 3 and all(0 < r < 300 for r in rounds)
    assert result.estimators[0].n_estimators == int(round(np.mean(rounds)))
    assert result.estimators[0].get_params()["early_stopping_rounds"] is None


def test_early_stopping_lightgbm(clf_data):
    lightgbm = pytest.importorskip("lightgbm")
    X, y = clf_data
    member = lightgbm.LGBMClassifier(
        n_estimators=300,
        learning_rate=0.3,
        num_leaves=4,
        random_state=0,
        n_jobs=1,
        verbose=-1,
    )
    result = fit_members_oof(
        [member],
        X,
        y,
        cv=StratifiedKFold(3),
        methods=["predict_proba"],
        early_stopping_rounds=5,
    )
    rounds = result.best_iterations[0]
    assert all(0 < r < 300 for r in rounds)
    assert result.estimators[0].n_estimators == int(round(np.mean(rounds)))


def test_members_are_not_modified(clf_data):
    X, y = clf_data
    member = DecisionTreeClassifier(random_state=0)
    fit_members_oof([member], X, y, cv=KFold(3), methods=["predict"])
    assert not hasattr(member, "tree_")


class _DtypeRecorder(ClassifierMixin, BaseEstimator):
    """Remembers the dtype of the rows it was trained on."""

    def fit(self, X, y):
        self.classes_ = np.unique(y)
        self.dtype_ = X.dtype
        return self

    def predict_proba(self, X):
        return np.full((len(X), len(self.classes_)), 1.0 / len(self.classes_))


def test_each_member_is_fed_its_own_inputs(clf_data):
    X, y = clf_data
    X32 = X.astype(np.float32)
    result = fit_members_oof(
        [_DtypeRecorder(), _DtypeRecorder()],
        X,
        y,
        cv=KFold(3),
        methods=["predict_proba"] * 2,
        inputs=[(X, y), (X32, y)],
        keep_fold_estimators=True,
    )
    assert [est.dtype_ for est in result.estimators] == [np.float64, np.float32]
    assert [est.dtype_ for est in result.fold_estimators[1]] == [np.float32] * 3


# ------------------------------------------------------------- out-of-bag members
def _forest(n_estimators=40):
    return RandomForestClassifier(n_estimators, max_depth=4, random_state=0)


def test_oob_forest_is_fitted_once_and_its_out_of_bag_outputs_are_the_oof(clf_data):
    X, y = clf_data
    cv = StratifiedKFold(3, shuffle=True, random_state=0)
    members = [LogisticRegression(max_iter=500), _forest()]
    result = fit_members_oof(
        members,
        X,
        y,
        cv=cv,
        methods=["predict_proba"] * 2,
        scoring="neg_log_loss",
        refit=False,
        keep_fold_estimators=True,
        oob=True,
    )
    reference = _forest().set_params(oob_score=True).fit(X, y)
    np.testing.assert_allclose(result.predictions[1], reference.oob_decision_function_)
    np.testing.assert_allclose(
        result.estimators[1].predict_proba(X), reference.predict_proba(X)
    )
    assert result.estimators[0] is None
    assert result.fold_estimators[1] == [None] * 3
    expected_lr = cross_val_predict(members[0], X, y, cv=cv, method="predict_proba")
    np.testing.assert_allclose(result.predictions[0], expected_lr)
    for k, (_, test) in enumerate(cv.split(X, y)):
        part = reference.oob_decision_function_[test]
        assert result.fold_scores[1, k] == pytest.approx(-log_loss(y[test], part))


def test_oob_needs_probabilities_and_no_sampler(clf_data):
    X, y = clf_data
    cv = KFold(3)
    expected = cross_val_predict(_forest(), X, y, cv=cv)
    on_labels = fit_members_oof([_forest()], X, y, cv=cv, methods=["predict"], oob=True)
    np.testing.assert_array_equal(on_labels.predictions[0], expected)
    sampled = fit_members_oof(
        [_forest()],
        X,
        y,
        cv=cv,
        methods=["predict_proba"],
        sampler=RandomUnderSampler(random_state=0),
        oob=True,
    )
    assert not hasattr(sampled.estimators[0], "oob_decision_function_")


@pytest.mark.filterwarnings("ignore:Some inputs do not have OOB scores")
def test_oob_forest_that_leaves_rows_in_every_bag_is_fitted_on_the_folds(clf_data):
    X, y = clf_data
    cv = KFold(3)
    with pytest.warns(UserWarning, match=r"members \['tiny'\] left no out-of-bag"):
        result = fit_members_oof(
            [_forest(n_estimators=1)],
            X,
            y,
            cv=cv,
            names=["tiny"],
            methods=["predict_proba"],
            refit=False,
            keep_fold_estimators=True,
            oob=True,
        )
    expected = cross_val_predict(_forest(1), X, y, cv=cv, method="predict_proba")
    np.testing.assert_allclose(result.predictions[0], expected)
    assert result.estimators[0] is None
    assert len(result.fold_estimators[0]) == 3
