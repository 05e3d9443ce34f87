"""Feature-weighted linear stacking: linear stacking as its special case, and more."""

import numpy as np
import pandas as pd
import pytest
from sklearn.base import BaseEstimator, RegressorMixin, clone
from sklearn.compose import make_column_transformer
from sklearn.datasets import make_classification, make_regression
from sklearn.ensemble import RandomForestRegressor
from sklearn.frozen import FrozenEstimator
from sklearn.linear_model import LinearRegression, LogisticRegression, Ridge
from sklearn.metrics import accuracy_score, log_loss, r2_score
from sklearn.model_selection import KFold, StratifiedKFold, cross_val_predict
from sklearn.naive_bayes import GaussianNB
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler
from sklearn.tree import DecisionTreeClassifier, DecisionTreeRegressor

from skextra.ensemble import (
    FeatureWeightedStackingClassifier,
    FeatureWeightedStackingRegressor,
    StackingClassifier,
    StackingRegressor,
)


def _classifiers():
    return [
        ("lr", LogisticRegression()),
        ("tree", DecisionTreeClassifier(max_depth=3, random_state=0)),
        ("nb", GaussianNB()),
    ]


def _regressors():
    return [
        ("ridge", Ridge(alpha=1.0)),
        ("tree", DecisionTreeRegressor(max_depth=3, random_state=0)),
    ]


def _reference_blend(members, final, X, y, X_test, cv, method, keep):
    """A linear model fitted by hand on the members' out-of-fold outputs."""
    oof = np.hstack(
        [keep(cross_val_predict(est, X, y, cv=cv, method=method)) for _, est in members]
    )
    test = np.hstack(
        [keep(getattr(clone(est).fit(X, y), method)(X_test)) for _, est in members]
    )
    model = make_pipeline(StandardScaler(), final).fit(oof, y)
    return model, test


@pytest.mark.parametrize("alpha", [1.0, (0.1, 1.0, 10.0)])
def test_constant_meta_feature_is_a_ridge_blend_of_the_oof_predictions(alpha):
    X, y = make_regression(n_samples=150, n_features=5, noise=10.0, random_state=0)
    X_train, X_test, y_train = X[:110], X[110:], y[:110]
    cv = KFold(5, shuffle=True, random_state=0)
    fwls = FeatureWeightedStackingRegressor(
        _regressors(), "constant", alpha=alpha, cv=cv
    ).fit(X_train, y_train)
    final = Ridge(alpha=alpha) if np.isscalar(alpha) else _ridge_cv(alpha)
    model, test = _reference_blend(
        _regressors(), final, X_train, y_train, X_test, cv, "predict", _column
    )
    np.testing.assert_allclose(fwls.predict(X_test), model.predict(test), rtol=1e-9)
    assert fwls.weights_.shape == (2, 1)
    assert fwls.meta_feature_names_.tolist() == ["constant"]


def _ridge_cv(alphas):
    from sklearn.linear_model import RidgeCV

    return RidgeCV(alphas=alphas)


def _column(pred):
    return pred.reshape(len(pred), -1)


@pytest.mark.parametrize("n_classes", [2, 3])
def test_constant_meta_feature_is_a_logistic_blend_of_the_oof_probabilities(
    n_classes,
):
    X, y = make_classification(
        n_samples=200, n_features=6, n_informative=4, n_classes=n_classes,
        random_state=1,
    )  # fmt: skip
    X_train, X_test, y_train = X[:150], X[150:], y[:150]
    cv = StratifiedKFold(5, shuffle=True, random_state=0)
    fwls = FeatureWeightedStackingClassifier(
        _classifiers(), "constant", C=0.5, cv=cv
    ).fit(X_train, y_train)

    def keep(proba):
        return proba[:, 1:] if n_classes == 2 else proba

    final = LogisticRegression(C=0.5, max_iter=1000)
    model, test = _reference_blend(
        _classifiers(), final, X_train, y_train, X_test, cv, "predict_proba", keep
    )
    np.testing.assert_allclose(
        fwls.predict_proba(X_test), model.predict_proba(test), rtol=1e-6, atol=1e-9
    )
    n_rows = 1 if n_classes == 2 else n_classes
    n_columns = 3 if n_classes == 2 else 3 * n_classes
    assert fwls.weights_.shape == (n_rows, n_columns, 1)


@pytest.mark.parametrize("refit, n_repeats", [(True, 1), (False, 1), (False, 2)])
def test_constant_meta_feature_equals_a_stack_with_a_scaled_ridge(refit, n_repeats):
    X, y = make_regression(n_samples=120, n_features=4, noise=5.0, random_state=2)
    cv = KFold(4, shuffle=True, random_state=1)
    options = dict(cv=cv, refit=refit, n_repeats=n_repeats, random_state=0)
    fwls = FeatureWeightedStackingRegressor(
        _regressors(), "constant", alpha=3.0, **options
    ).fit(X, y)
    final = make_pipeline(StandardScaler(), Ridge(alpha=3.0))
    stack = StackingRegressor(_regressors(), final, **options).fit(X, y)
    np.testing.assert_allclose(fwls.predict(X), stack.predict(X), rtol=1e-9)


def _regional_data(n, seed):
    """Member A's half (x0 < 0) follows one rule, member B's half another."""
    rng = np.random.RandomState(seed)
    X = rng.uniform(-1, 1, size=(n, 3))
    left = X[:, 0] < 0
    return X, left, rng


def _frozen_halves(make, X, y, left):
    """Member a fitted on the rows with x0 < 0, member b on the others."""
    return [
        ("a", FrozenEstimator(make().fit(X[left], y[left]))),
        ("b", FrozenEstimator(make().fit(X[~left], y[~left]))),
    ]


def test_meta_feature_that_says_which_member_is_right_beats_linear_stacking():
    X, left, rng = _regional_data(600, 0)
    y = np.where(left, 3 * X[:, 1], -3 * X[:, 1]) + 0.1 * rng.normal(size=len(X))
    members = _frozen_halves(LinearRegression, X[:300], y[:300], left[:300])
    cv = KFold(5, shuffle=True, random_state=0)
    fwls = FeatureWeightedStackingRegressor(members, [0], cv=cv).fit(X[:300], y[:300])
    stack = StackingRegressor(members, cv=cv).fit(X[:300], y[:300])
    fwls_r2 = r2_score(y[300:], fwls.predict(X[300:]))
    stack_r2 = r2_score(y[300:], stack.predict(X[300:]))
    # sign(x0) is linear in x0 up to R^2 = 0.75; linear stacking cannot use it.
    assert fwls_r2 > 0.6
    assert stack_r2 < 0.1
    # Member a's weight falls as x0 rises, member b's rises.
    assert fwls.weights_[0, 1] < 0 < fwls.weights_[1, 1]


def test_classifier_meta_feature_that_says_which_member_is_right():
    X, left, _ = _regional_data(800, 1)
    y = np.where(left, X[:, 1] > 0, X[:, 1] < 0).astype(int)
    members = _frozen_halves(LogisticRegression, X[:400], y[:400], left[:400])
    cv = StratifiedKFold(5, shuffle=True, random_state=0)
    fwls = FeatureWeightedStackingClassifier(members, [0], C=10.0, cv=cv)
    stack = StackingClassifier(members, cv=cv)
    fwls_accuracy = accuracy_score(y[400:], fwls.fit(X[:400], y[:400]).predict(X[400:]))
    stack_accuracy = accuracy_score(
        y[400:], stack.fit(X[:400], y[:400]).predict(X[400:])
    )
    assert fwls_accuracy > 0.9
    assert stack_accuracy < 0.65


def test_weights_give_the_predictions():
    X, y = make_regression(n_samples=120, n_features=4, noise=5.0, random_state=3)
    fwls = FeatureWeightedStackingRegressor(_regressors(), "inputs", cv=3).fit(X, y)
    outputs = np.column_stack([est.predict(X) for est in fwls.estimators_])
    meta = np.hstack([np.ones((len(X), 1)), fwls.meta_transformer_.transform(X)])
    by_hand = fwls.intercept_ + np.einsum("ni,ij,nj->n", outputs, fwls.weights_, meta)
    np.testing.assert_allclose(fwls.predict(X), by_hand, rtol=1e-9)
    blend = fwls.blend_weights(X)
    np.testing.assert_allclose(
        fwls.predict(X), fwls.intercept_ + (blend * outputs).sum(axis=1), rtol=1e-9
    )
    assert fwls.weights_.shape == (2, 5)
    assert fwls.get_feature_names_out()[:3].tolist() == [
        "ridge*constant",
        "ridge*x0",
        "ridge*x1",
    ]


def test_classifier_weights_give_the_decision_function():
    X, y = make_classification(
        n_samples=150, n_features=5, n_informative=3, n_classes=3, random_state=4
    )
    fwls = FeatureWeightedStackingClassifier(_classifiers(), [1, -1], cv=3).fit(X, y)
    outputs = np.hstack([est.predict_proba(X) for est in fwls.estimators_])
    blend = fwls.blend_weights(X)
    assert blend.shape == (150, 3, 9)
    by_hand = fwls.intercept_ + (blend * outputs[:, None, :]).sum(axis=2)
    np.testing.assert_allclose(fwls.decision_function(X), by_hand, rtol=1e-9)
    assert fwls.meta_feature_names_.tolist() == ["constant", "x1", "x4"]
    assert fwls.member_columns_.tolist()[:4] == ["lr0", "lr1", "lr2", "tree0"]


def test_data_frame_columns_by_name():
    X, y = make_regression(n_samples=120, n_features=3, noise=5.0, random_state=5)
    frame = pd.DataFrame(X, columns=["a", "b", "c"])
    frame["colour"] = np.where(X[:, 0] > 0, "red", "blue")
    encode = make_column_transformer(
        (OneHotEncoder(), ["colour"]), remainder="passthrough"
    )
    members = [
        ("ridge", make_pipeline(encode, Ridge())),
        ("tree", make_pipeline(clone(encode), DecisionTreeRegressor(max_depth=3))),
    ]
    named = FeatureWeightedStackingRegressor(members, ["c", "a"], cv=3).fit(frame, y)
    assert named.meta_feature_names_.tolist() == ["constant", "c", "a"]
    assert named.get_feature_names_out().tolist()[:3] == [
        "ridge*constant",
        "ridge*c",
        "ridge*a",
    ]
    by_index = FeatureWeightedStackingRegressor(members, [2, 0], cv=3).fit(frame, y)
    assert by_index.meta_feature_names_.tolist() == ["constant", "c", "a"]
    np.testing.assert_allclose(named.predict(frame), by_index.predict(frame))
    # "inputs" takes the numeric columns only.
    inputs = FeatureWeightedStackingRegressor(members, "inputs", cv=3)
    inputs.fit(frame, y)
    assert inputs.meta_columns_ == ["a", "b", "c"]
    assert inputs.meta_feature_names_.tolist() == ["constant", "a", "b", "c"]


class _RefusesToFit(RegressorMixin, BaseEstimator):
    def fit(self, X, y):
        raise RuntimeError("members must not be fitted")

    def predict(self, X):
        return np.zeros(len(X))


@pytest.mark.parametrize(
    "meta_features, frame, message",
    [
        (["a", "nope", "gone"], True, r"does not have: \['nope', 'gone'\]"),
        (["a"], False, r"names columns \['a'\], but X is not a data frame"),
        ([0, 7, -9], False, r"out of range for X with 3 features: \[7, -9\]"),
        ([0, "a"], True, r"column names \(str\) or column indices \(int\)"),
        ([], False, r" is an empty list"),
    ],
)
def test_bad_meta_feature_columns_raise_before_any_member_is_fitted(
    meta_features, frame, message
):
    X, y = make_regression(n_samples=30, n_features=3, random_state=0)
    if frame:
        X = pd.DataFrame(X, columns=["a", "b", "c"])
    fwls = FeatureWeightedStackingRegressor(
        [("refuses", _RefusesToFit())], meta_features, cv=3
    )
    with pytest.raises(ValueError, match=r"meta_features[\s\S]*" + message):
        fwls.fit(X, y)


def test_transformer_is_fitted_on_the_training_rows_and_callable_is_applied():
    X, y = make_regression(n_samples=120, n_features=3, noise=5.0, random_state=6)
    cv = KFold(3, shuffle=True, random_state=0)
    inputs = FeatureWeightedStackingRegressor(_regressors(), "inputs", cv=cv)
    inputs.fit(X, y)
    scaler = FeatureWeightedStackingRegressor(
        _regressors(), StandardScaler(), cv=cv
    ).fit(X, y)
    np.testing.assert_allclose(scaler.predict(X), inputs.predict(X), rtol=1e-9)
    np.testing.assert_allclose(scaler.meta_transformer_.mean_, X.mean(axis=0))
    assert scaler.meta_feature_names_.tolist() == ["constant", "x0", "x1", "x2"]

    squares = FeatureWeightedStackingRegressor(
        _regressors(), lambda X: X[:, :1] ** 2, cv=cv
    ).fit(X, y)
    assert squares.meta_feature_names_.tolist() == ["constant", "meta0"]
    meta = np.hstack([np.ones((len(X), 1)), X[:, :1] ** 2])
    outputs = np.column_stack([est.predict(X) for est in squares.estimators_])
    np.testing.assert_allclose(
        squares.blend_weights(X), meta @ squares.weights_.T, rtol=1e-12
    )
    by_hand = squares.intercept_ + (squares.blend_weights(X) * outputs).sum(axis=1)
    np.testing.assert_allclose(squares.predict(X), by_hand, rtol=1e-9)


def test_disagreement_is_the_spread_and_entropy_of_the_oof_outputs():
    X, y = make_classification(n_samples=150, n_features=5, random_state=7)
    fwls = FeatureWeightedStackingClassifier(_classifiers(), "disagreement", cv=3).fit(
        X, y
    )
    p = np.column_stack([fwls.oof_predictions_[n][:, 1] for n, _ in _classifiers()])
    spread = p.std(axis=1)
    mean = np.clip(p.mean(axis=1), 1e-12, 1 - 1e-12)
    entropy = -(mean * np.log(mean) + (1 - mean) * np.log(1 - mean)) / np.log(2)
    np.testing.assert_allclose(
        fwls.meta_transformer_.mean_, [spread.mean(), entropy.mean()]
    )
    assert fwls.meta_feature_names_.tolist() == ["constant", "spread", "entropy"]

    X, y = make_regression(n_samples=100, n_features=3, noise=5.0, random_state=8)
    reg = FeatureWeightedStackingRegressor(_regressors(), "disagreement", cv=3)
    reg.fit(X, y)
    oof = np.column_stack([reg.oof_predictions_[n] for n, _ in _regressors()])
    np.testing.assert_allclose(reg.meta_transformer_.mean_, [oof.std(axis=1).mean()])
    assert reg.meta_feature_names_.tolist() == ["constant", "spread"]


def test_disagreement_needs_members_with_as_many_columns():
    X, y = make_classification(
        n_samples=90, n_features=5, n_classes=3, n_informative=3, random_state=0
    )
    members = [("lr", LogisticRegression()), ("ridge", Ridge())]
    fwls = FeatureWeightedStackingClassifier(members, "disagreement", cv=3)
    with pytest.raises(ValueError, match=r"different numbers of columns \(\[3, 1\]\)"):
        fwls.fit(X, y)


def test_multilabel_target_is_refused():
    X, y = make_classification(n_samples=60, n_features=4, random_state=0)
    Y = np.column_stack([y, 1 - y])
    fwls = FeatureWeightedStackingClassifier(_classifiers(), cv=3)
    with pytest.raises(ValueError, match="does not support multilabel targets"):
        fwls.fit(X, Y)


def test_meta_scale_is_chosen_by_the_out_of_fold_log_loss():
    X, y = make_classification(n_samples=160, n_features=4, random_state=9)
    cv = StratifiedKFold(4, shuffle=True, random_state=0)
    fwls = FeatureWeightedStackingClassifier(
        _classifiers(), "inputs", meta_scale=[1.0, 0.0, 0.5], cv=cv
    ).fit(X, y)
    p = np.column_stack([fwls.oof_predictions_[n][:, 1] for n, _ in _classifiers()])
    meta = np.hstack([np.ones((len(X), 1)), StandardScaler().fit_transform(X)])
    products = StandardScaler().fit_transform(
        np.hstack([p[:, [i]] * meta for i in range(p.shape[1])])
    )
    modulating = np.arange(products.shape[1]) % meta.shape[1] != 0
    expected = {}
    for scale in (0.0, 0.5, 1.0):
        scaled = products * np.where(modulating, scale, 1.0)
        proba = cross_val_predict(
            LogisticRegression(max_iter=1000), scaled, y, cv=cv, method="predict_proba"
        )
        expected[scale] = -log_loss(y, proba)
    assert list(fwls.meta_scale_scores_) == [0.0, 0.5, 1.0]
    np.testing.assert_allclose(
        list(fwls.meta_scale_scores_.values()), list(expected.values()), rtol=1e-6
    )
    assert fwls.meta_scale_ == max(expected, key=expected.get)


def test_meta_scale_zero_is_plain_linear_stacking():
    X, y = make_regression(n_samples=120, n_features=4, noise=5.0, random_state=10)
    cv = KFold(4, shuffle=True, random_state=0)
    plain = FeatureWeightedStackingRegressor(
        _regressors(), "constant", alpha=2.0, cv=cv
    ).fit(X, y)
    zero = FeatureWeightedStackingRegressor(
        _regressors(), alpha=2.0, meta_scale=0.0, cv=cv
    ).fit(X, y)
    np.testing.assert_allclose(zero.predict(X), plain.predict(X), rtol=1e-9)
    np.testing.assert_array_equal(zero.weights_[:, 1:], 0.0)
    # Several values: RidgeCV's leave-one-out score of each.
    chosen = FeatureWeightedStackingRegressor(_regressors(), cv=cv).fit(X, y)
    scores = chosen.meta_scale_scores_
    assert list(scores) == [0.0, 0.1, 0.3, 1.0]
    assert chosen.meta_scale_ == max(scores, key=scores.get)


def test_use_oob_blends_the_forest_out_of_bag_outputs():
    X, y = make_regression(n_samples=150, n_features=5, noise=5.0, random_state=0)
    forest = RandomForestRegressor(30, max_depth=4, random_state=0)
    fwls = FeatureWeightedStackingRegressor(
        [("ridge", Ridge()), ("forest", forest)], cv=3, refit=False, use_oob=True
    ).fit(X, y)
    reference = clone(forest).set_params(oob_score=True).fit(X, y)
    oof = fwls.oof_predictions_["forest"]
    np.testing.assert_allclose(oof, reference.oob_prediction_)
    np.testing.assert_allclose(
        fwls.named_estimators_["forest"].predict(X), reference.predict(X)
    )
