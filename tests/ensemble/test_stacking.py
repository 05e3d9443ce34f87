"""StackingClassifier / StackingRegressor: scikit-learn's results, and more."""

import numpy as np
import pytest
import sklearn
from joblib import parallel_config
from sklearn.base import BaseEstimator, ClassifierMixin, clone
from sklearn.datasets import make_classification, make_regression
from sklearn.ensemble import RandomForestClassifier
from sklearn.ensemble import StackingClassifier as SkStackingClassifier
from sklearn.ensemble import StackingRegressor as SkStackingRegressor
from sklearn.frozen import FrozenEstimator
from sklearn.linear_model import LogisticRegression, Ridge
from sklearn.metrics import accuracy_score, log_loss
from sklearn.model_selection import (
    GroupKFold,
    KFold,
    StratifiedKFold,
    cross_val_predict,
)
from sklearn.naive_bayes import GaussianNB
from sklearn.neighbors import KNeighborsClassifier
from sklearn.svm import LinearSVC
from sklearn.tree import DecisionTreeClassifier, DecisionTreeRegressor

from skextra.ensemble import StackingClassifier, StackingRegressor


@pytest.fixture(scope="module")
def binary():
    return make_classification(
        n_samples=160, n_features=6, n_informative=4, random_state=0
    )


@pytest.fixture(scope="module")
def multiclass():
    return make_classification(
        n_samples=180, n_features=6, n_informative=4, n_classes=3, random_state=1
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


def _regressors():
    return [
        ("ridge", Ridge(alpha=1.0)),
        ("tree", DecisionTreeRegressor(max_depth=3, random_state=0)),
    ]


class Recorder(ClassifierMixin, BaseEstimator):
    """A logistic regression that keeps what it was fitted on."""

    def fit(self, X, y, sample_weight=None):
        self.X_fit_ = np.asarray(X).copy()
        self.y_fit_ = np.asarray(y).copy()
        self.sample_weight_ = sample_weight
        self.model_ = LogisticRegression().fit(X, y, sample_weight=sample_weight)
        self.classes_ = self.model_.classes_
        return self

    def predict(self, X):
        return self.model_.predict(X)

    def predict_proba(self, X):
        return self.model_.predict_proba(X)


class FailsWithoutMarker(ClassifierMixin, BaseEstimator):
    """Fails to fit when the row whose first feature is 1000 is not in X."""

    def fit(self, X, y):
        if not np.any(np.asarray(X)[:, 0] == 1000):
            raise RuntimeError("the marker row is missing")
        self.classes_ = np.unique(y)
        return self

    def predict_proba(self, X):
        return np.full((len(X), len(self.classes_)), 1.0 / len(self.classes_))


def _assert_same_classifier(ours, theirs, X):
    np.testing.assert_allclose(ours.transform(X), theirs.transform(X))
    np.testing.assert_allclose(ours.predict_proba(X), theirs.predict_proba(X))
    np.testing.assert_array_equal(ours.predict(X), theirs.predict(X))
    np.testing.assert_array_equal(ours.classes_, theirs.classes_)
    assert ours.stack_method_ == theirs.stack_method_
    np.testing.assert_array_equal(
        ours.get_feature_names_out(), theirs.get_feature_names_out()
    )


# --------------------------------------------------------- same as scikit-learn
@pytest.mark.parametrize(
    "params",
    [
        {},
        {"passthrough": True},
        {"stack_method": "predict_proba"},
        {"stack_method": "predict"},
        {"cv": KFold(4, shuffle=True, random_state=0)},
        {
            "cv": 3,
            "final_estimator": DecisionTreeClassifier(max_depth=2, random_state=0),
        },
    ],
    ids=["default", "passthrough", "proba", "predict", "kfold", "tree_final"],
)
@pytest.mark.parametrize("data", ["binary", "multiclass"])
def test_classifier_matches_sklearn(params, data, request):
    X, y = request.getfixturevalue(data)
    labels = np.array(["no", "yes", "maybe"])[y]
    ours = StackingClassifier(_classifiers(), **params).fit(X, labels)
    theirs = SkStackingClassifier(_classifiers(), **params).fit(X, labels)
    _assert_same_classifier(ours, theirs, X)


def test_classifier_decision_function_matches_sklearn(binary):
    X, y = binary
    members = [("lr", LogisticRegression()), ("svc", LinearSVC(random_state=0))]
    ours = StackingClassifier(members, stack_method="decision_function").fit(X, y)
    theirs = SkStackingClassifier(members, stack_method="decision_function").fit(X, y)
    _assert_same_classifier(ours, theirs, X)
    np.testing.assert_allclose(ours.decision_function(X), theirs.decision_function(X))
    assert ours.stack_method_ == ["decision_function", "decision_function"]

    without_proba = StackingClassifier(members, final_estimator=LinearSVC())
    assert not hasattr(without_proba, "predict_proba")
    assert hasattr(StackingClassifier(members), "predict_proba")
    assert not hasattr(without_proba.fit(X, y), "predict_proba")
    assert hasattr(without_proba, "decision_function")


def test_classifier_sample_weight_matches_sklearn(multiclass):
    X, y = multiclass
    weights = np.random.RandomState(0).uniform(0.1, 3.0, size=len(y))
    ours = StackingClassifier(_classifiers(), cv=3).fit(X, y, sample_weight=weights)
    theirs = SkStackingClassifier(_classifiers(), cv=3).fit(X, y, sample_weight=weights)
    _assert_same_classifier(ours, theirs, X)
    unweighted = StackingClassifier(_classifiers(), cv=3).fit(X, y)
    assert not np.allclose(unweighted.predict_proba(X), ours.predict_proba(X))


def test_drop_member_and_iterable_cv_match_sklearn(multiclass):
    X, y = multiclass
    splits = list(StratifiedKFold(3, shuffle=True, random_state=2).split(X, y))
    ours = (
        StackingClassifier(_classifiers(), cv=splits).set_params(tree="drop").fit(X, y)
    )
    theirs = (
        SkStackingClassifier(_classifiers(), cv=splits)
        .set_params(tree="drop")
        .fit(X, y)
    )
    _assert_same_classifier(ours, theirs, X)
    assert ours.named_estimators_["tree"] == "drop"
    assert [type(est) for est in ours.estimators_] == [LogisticRegression, GaussianNB]


def test_prefit_matches_sklearn(binary):
    X, y = binary
    members = [(name, clone(est).fit(X, y)) for name, est in _classifiers()]
    ours = StackingClassifier(members, cv="prefit").fit(X, y)
    theirs = SkStackingClassifier(members, cv="prefit").fit(X, y)
    _assert_same_classifier(ours, theirs, X)
    assert ours.estimators_[0] is members[0][1]


@pytest.mark.parametrize(
    "params",
    [{}, {"passthrough": True}, {"cv": KFold(3, shuffle=True, random_state=1)}],
    ids=["default", "passthrough", "kfold"],
)
def test_regressor_matches_sklearn(params, regression):
    X, y = regression
    weights = np.linspace(0.5, 2.0, len(y))
    for sample_weight in (None, weights):
        fit_params = {} if sample_weight is None else {"sample_weight": sample_weight}
        ours = StackingRegressor(_regressors(), **params).fit(X, y, **fit_params)
        theirs = SkStackingRegressor(_regressors(), **params).fit(X, y, **fit_params)
        np.testing.assert_allclose(ours.predict(X), theirs.predict(X))
        np.testing.assert_allclose(ours.transform(X), theirs.transform(X))
        np.testing.assert_array_equal(
            ours.get_feature_names_out(), theirs.get_feature_names_out()
        )


def test_groups_reach_the_splitter(binary):
    X, y = binary
    groups = np.arange(len(y)) % 7
    ours = StackingClassifier(_classifiers(), cv=GroupKFold(3)).fit(X, y, groups=groups)
    splits = list(GroupKFold(3).split(X, y, groups))
    theirs = SkStackingClassifier(_classifiers(), cv=splits).fit(X, y)
    _assert_same_classifier(ours, theirs, X)
    with pytest.raises(ValueError, match="groups"):
        StackingClassifier(_classifiers(), cv=GroupKFold(3)).fit(X, y)


def test_pandas_in_and_out(binary):
    pd = pytest.importorskip("pandas")
    X, y = binary
    frame = pd.DataFrame(X, columns=[f"f{i}" for i in range(X.shape[1])])
    stack = StackingClassifier(_classifiers(), passthrough=True, cv=3).fit(frame, y)
    np.testing.assert_array_equal(stack.feature_names_in_, frame.columns)
    out = stack.set_output(transform="pandas").transform(frame)
    assert list(out.columns) == list(stack.get_feature_names_out())
    assert list(out.columns[-6:]) == list(frame.columns)


# ----------------------------------------------------------------------- layers
def _oof(model, X, y, cv, method):
    pred = cross_val_predict(model, X, y, cv=cv, method=method)
    return pred[:, 1:] if method == "predict_proba" else pred.reshape(len(y), -1)


def test_two_layers_equal_the_manual_construction(binary):
    X, y = binary
    cv = StratifiedKFold(3)
    top = ("top", LogisticRegression(C=0.5))
    stack = StackingClassifier(_classifiers(), layers=[[top]], cv=3).fit(X, y)

    first = np.hstack(
        [_oof(est, X, y, cv, "predict_proba") for _, est in _classifiers()]
    )
    second = _oof(top[1], first, y, cv, "predict_proba")
    final = LogisticRegression().fit(second, y)
    np.testing.assert_allclose(stack.final_estimator_.coef_, final.coef_)

    refits = [clone(est).fit(X, y) for _, est in _classifiers()]
    first_test = np.hstack([m.predict_proba(X)[:, 1:] for m in refits])
    second_test = clone(top[1]).fit(first, y).predict_proba(first_test)[:, 1:]
    np.testing.assert_allclose(stack.predict_proba(X), final.predict_proba(second_test))
    assert [len(layer) for layer in stack.layers_] == [3, 1]
    assert stack.layers_stack_method_[1] == ["predict_proba"]
    np.testing.assert_allclose(stack.oof_predictions_["top"][:, 1:], second)


@pytest.mark.parametrize(
    "passthrough, expected",
    [
        (False, ["top"]),
        (True, ["top", "x0", "x1"]),
        ("inputs", ["top", "x0", "x1"]),
        ("layers", ["lr", "tree", "top"]),
        ("all", ["lr", "tree", "top", "x0", "x1"]),
    ],
)
def test_passthrough_modes(passthrough, expected):
    X, y = make_classification(
        n_samples=90, n_features=2, n_informative=2, n_redundant=0, random_state=0
    )
    stack = StackingClassifier(
        [("lr", LogisticRegression()), ("tree", DecisionTreeClassifier(max_depth=2))],
        layers=[[("top", LogisticRegression())]],
        passthrough=passthrough,
        cv=3,
    ).fit(X, y)
    names = [
        name.replace("stackingclassifier_", "")
        for name in stack.get_feature_names_out()
    ]
    assert names == expected
    meta = stack.transform(X)
    assert meta.shape == (len(y), len(expected))
    if "x0" in expected:
        np.testing.assert_allclose(meta[:, -2:], X)
    # The second layer sees the inputs too when they are passed through.
    sees_inputs = passthrough in (True, "inputs", "all")
    assert stack.layers_[1][0].n_features_in_ == (4 if sees_inputs else 2)


def test_layer_members_are_parameters(binary):
    X, y = binary
    stack = StackingClassifier(
        _classifiers(), layers=[[("top", DecisionTreeClassifier(max_depth=3))]], cv=3
    )
    params = stack.get_params()
    assert params["top__max_depth"] == 3 and params["lr__C"] == 1.0
    original_layers = stack.layers
    stack.set_params(top__max_depth=1, lr__C=0.1)
    assert stack.layers[0][0][1].max_depth == 1
    assert stack.estimators[0][1].C == 0.1
    stack.set_params(top=LogisticRegression(C=2.0))
    assert stack.layers[0][0][1].C == 2.0
    assert original_layers is not stack.layers
    clone(stack).fit(X, y)


def test_layer_names_must_be_unique(binary):
    X, y = binary
    stack = StackingClassifier(_classifiers(), layers=[[("lr", GaussianNB())]])
    with pytest.raises(ValueError, match=r"not unique: \['lr'\]"):
        stack.fit(X, y)
    with pytest.raises(ValueError, match=r"layers\[0\] should be a non-empty list"):
        StackingClassifier(_classifiers(), layers=[[]]).fit(X, y)


# ------------------------------------------------------ out-of-fold attributes
def test_oof_predictions_and_fold_scores(multiclass):
    X, y = multiclass
    cv = StratifiedKFold(3)
    stack = StackingClassifier(_classifiers(), cv=3).fit(X, y)
    for name, est in _classifiers():
        expected = cross_val_predict(est, X, y, cv=cv, method="predict_proba")
        np.testing.assert_allclose(stack.oof_predictions_[name], expected)
        folds = [
            accuracy_score(y[test], expected[test].argmax(1))
            for _, test in cv.split(X, y)
        ]
        np.testing.assert_allclose(stack.cv_scores_[name], folds)
    assert stack.best_iterations_ == {}

    scored = StackingClassifier(_classifiers(), cv=3, scoring="neg_log_loss").fit(X, y)
    expected = cross_val_predict(
        LogisticRegression(), X, y, cv=cv, method="predict_proba"
    )
    folds = [
        -log_loss(y[test], expected[test], labels=[0, 1, 2])
        for _, test in cv.split(X, y)
    ]
    np.testing.assert_allclose(scored.cv_scores_["lr"], folds)


@pytest.mark.parametrize("library", ["xgboost", "lightgbm"])
def test_early_stopping_refits_with_the_mean_rounds(library, binary):
    X, y = binary
    if library == "xgboost":
        xgboost = pytest.importorskip("xgboost")
        booster = xgboost.XGBClassifier(
            n_estimators=200, learning_rate=0.5, max_depth=2, n_jobs=1, random_state=0
        )
    else:
        lightgbm = pytest.importorskip("lightgbm")
        booster = lightgbm.LGBMClassifier(
            n_estimators=200,
            learning_rate=0.5,
            num_leaves=4,
            min_child_samples=5,
            n_jobs=1,
            random_state=0,
            verbose=-1,
        )
    stack = StackingClassifier(
        [("boost", booster), ("lr", LogisticRegression())],
        cv=3,
        early_stopping_rounds=5,
    ).fit(X, y)
    rounds = stack.best_iterations_["boost"]
    assert len(rounds) == 3 and max(rounds) < 200
    assert "lr" not in stack.best_iterations_
    refit = stack.named_estimators_["boost"]
    assert refit.n_estimators == int(round(np.mean(rounds)))
    if library == "xgboost":
        assert refit.get_booster().num_boosted_rounds() == refit.n_estimators
    else:
        assert refit.booster_.num_trees() == refit.n_estimators
    plain = StackingClassifier([("boost", booster), ("lr", LogisticRegression())], cv=3)
    assert plain.fit(X, y).named_estimators_["boost"].n_estimators == 200


# ------------------------------------------------------------ frozen members
def test_frozen_member_is_used_as_fitted(binary):
    X, y = binary
    other_X, other_y = make_classification(
        n_samples=100, n_features=6, n_informative=4, random_state=5
    )
    fitted = LogisticRegression().fit(other_X, other_y)
    coef = fitted.coef_.copy()
    stack = StackingClassifier(
        [
            ("frozen", FrozenEstimator(fitted)),
            ("tree", DecisionTreeClassifier(max_depth=2)),
        ],
        cv=3,
    ).fit(X, y)
    np.testing.assert_array_equal(fitted.coef_, coef)
    np.testing.assert_allclose(
        stack.oof_predictions_["frozen"], fitted.predict_proba(X)
    )
    assert stack.estimators_[0].estimator is fitted


# -------------------------------------------------------------------- sampler
def test_sampler_touches_only_training_folds(binary):
    imblearn = pytest.importorskip("imblearn")
    X, y = binary
    keep = np.r_[np.flatnonzero(y == 0), np.flatnonzero(y == 1)[:30]]
    X, y = X[keep], y[keep]
    sampler = imblearn.over_sampling.SMOTE(random_state=0)
    stack = StackingClassifier(
        [
            ("lr", LogisticRegression()),
            ("tree", DecisionTreeClassifier(max_depth=3, random_state=0)),
        ],
        final_estimator=Recorder(),
        cv=3,
        sampler=sampler,
    ).fit(X, y)
    cv = StratifiedKFold(3)
    expected = np.zeros((len(y), 2))
    for train, test in cv.split(X, y):
        X_res, y_res = clone(sampler).fit_resample(X[train], y[train])
        assert len(y_res) > len(train)
        expected[test] = LogisticRegression().fit(X_res, y_res).predict_proba(X[test])
    np.testing.assert_allclose(stack.oof_predictions_["lr"], expected)
    folds = [
        accuracy_score(y[test], expected[test].argmax(1)) for _, test in cv.split(X, y)
    ]
    np.testing.assert_allclose(stack.cv_scores_["lr"], folds)
    final = stack.final_estimator_
    assert final.X_fit_.shape == (len(y), 2)
    np.testing.assert_array_equal(final.y_fit_, y)
    np.testing.assert_allclose(final.X_fit_[:, 0], expected[:, 1])
    X_res, y_res = clone(sampler).fit_resample(X, y)
    refit = LogisticRegression().fit(X_res, y_res)
    np.testing.assert_allclose(stack.estimators_[0].coef_, refit.coef_)


# ------------------------------------------------------------------ routing
def test_metadata_routing(binary):
    X, y = binary
    weights = np.random.RandomState(3).uniform(0.2, 2.0, size=len(y))
    groups = np.arange(len(y)) % 5
    expected = StackingClassifier(_classifiers(), cv=GroupKFold(3)).fit(
        X, y, sample_weight=weights, groups=groups
    )
    with sklearn.config_context(enable_metadata_routing=True):
        members = [
            (name, clone(est).set_fit_request(sample_weight=True))
            for name, est in _classifiers()
        ]
        routed = StackingClassifier(members, cv=GroupKFold(3)).fit(
            X, y, sample_weight=weights, groups=groups
        )
        np.testing.assert_allclose(routed.predict_proba(X), expected.predict_proba(X))

        members[1] = ("tree", members[1][1].set_fit_request(sample_weight=False))
        final = LogisticRegression().set_fit_request(sample_weight=True)
        ours = StackingClassifier(members, final, cv=3).fit(X, y, sample_weight=weights)
        theirs = SkStackingClassifier(members, final, cv=3).fit(
            X, y, sample_weight=weights
        )
        np.testing.assert_allclose(ours.predict_proba(X), theirs.predict_proba(X))

        unrequested = [(name, clone(est)) for name, est in _classifiers()]
        with pytest.raises(Exception, match="sample_weight"):
            StackingClassifier(unrequested, cv=3).fit(X, y, sample_weight=weights)


def test_extra_fit_params_need_routing(binary):
    X, y = binary
    message = (
        r"Passing extra keyword arguments to StackingClassifier.fit is only "
        r"supported if enable_metadata_routing=True.*\{'foo'\}"
    )
    with pytest.raises(ValueError, match=message):
        StackingClassifier(_classifiers()).fit(X, y, foo=1)


def test_member_without_sample_weight_is_named(binary):
    X, y = binary
    stack = StackingClassifier(
        [("knn", KNeighborsClassifier()), ("lr", LogisticRegression())]
    )
    with pytest.raises(TypeError, match="knn .*does not support sample weights"):
        stack.fit(X, y, sample_weight=np.ones(len(y)))


# ------------------------------------------------------------------- errors
def test_member_failing_on_one_fold_is_named():
    X, y = make_classification(n_samples=30, n_features=4, random_state=0)
    X[15, 0] = 1000
    stack = StackingClassifier(
        [("lr", LogisticRegression()), ("fragile", FailsWithoutMarker())], cv=KFold(3)
    )
    message = "Member 'fragile' failed on fold 1 of 3: the marker row is missing"
    with pytest.raises(RuntimeError, match=message):
        stack.fit(X, y)


def test_regressor_members_in_classifier_stack(multiclass):
    # As in scikit-learn (e.g. for ordinal targets): the regressor predicts
    # the encoded classes.
    X, y = multiclass
    members = _classifiers()[:1] + [("ridge", Ridge())]
    ours = StackingClassifier(members, cv=3).fit(X, y)
    theirs = SkStackingClassifier(members, cv=3).fit(X, y)
    assert ours.stack_method_ == ["predict_proba", "predict"]
    np.testing.assert_allclose(ours.predict_proba(X), theirs.predict_proba(X))
    layered = StackingClassifier(
        _classifiers(), layers=[[("ridge", Ridge())]], cv=3
    ).fit(X, y)
    assert layered.transform(X).shape == (len(y), 1)


def test_regressor_as_final_estimator_of_classifier_stack(binary):
    X, y = binary
    match = "'final_estimator' parameter should be a classifier"
    with pytest.raises(ValueError, match=match):
        StackingClassifier(_classifiers(), final_estimator=Ridge()).fit(X, y)


def test_classifier_in_regressor_stack(regression):
    X, y = regression
    message = r"Member 'lr' \(LogisticRegression\) of 'estimators' is not a regressor"
    with pytest.raises(ValueError, match=message):
        StackingRegressor(_regressors() + [("lr", LogisticRegression())]).fit(X, y)


def test_all_dropped_and_missing_method(binary):
    X, y = binary
    with pytest.raises(ValueError, match="All estimators of 'estimators' are dropped"):
        StackingClassifier([("lr", "drop")]).fit(X, y)
    with pytest.raises(ValueError, match="does not implement the method"):
        StackingClassifier(
            [("nb", GaussianNB())], stack_method="decision_function"
        ).fit(X, y)


# --------------------------------------------------------------- determinism
def test_same_result_for_any_n_jobs_and_backend(multiclass):
    X, y = multiclass
    members = [
        ("rf", RandomForestClassifier(n_estimators=10, random_state=0)),
        ("lr", LogisticRegression()),
    ]
    layers = [[("top", RandomForestClassifier(n_estimators=5, random_state=1))]]
    results = []
    for backend, n_jobs in [("loky", 1), ("loky", 2), ("threading", 2)]:
        with parallel_config(backend=backend):
            stack = StackingClassifier(
                members, layers=layers, passthrough="all", cv=3, n_jobs=n_jobs
            )
            results.append(stack.fit(X, y))
    for other in results[1:]:
        np.testing.assert_array_equal(
            other.predict_proba(X), results[0].predict_proba(X)
        )
        for name in ("rf", "lr", "top"):
            np.testing.assert_array_equal(
                other.oof_predictions_[name], results[0].oof_predictions_[name]
            )


def test_sparse_inputs_pass_through_sparse(binary):
    scipy_sparse = pytest.importorskip("scipy.sparse")
    X, y = binary
    X_sparse = scipy_sparse.csr_matrix(X)
    members = _classifiers()[:2]
    ours = StackingClassifier(members, passthrough=True, cv=3).fit(X_sparse, y)
    theirs = SkStackingClassifier(members, passthrough=True, cv=3).fit(X_sparse, y)
    meta = ours.transform(X_sparse)
    assert scipy_sparse.issparse(meta) and meta.format == "csr"
    np.testing.assert_allclose(meta.toarray(), theirs.transform(X_sparse).toarray())
    np.testing.assert_allclose(
        ours.predict_proba(X_sparse), theirs.predict_proba(X_sparse)
    )
    with pytest.raises(TypeError, match="Sparse data was passed"):
        StackingClassifier(_classifiers(), cv=3).fit(X_sparse, y)


def test_multilabel_targets_as_scikit_learn(multiclass):
    X, labels = multiclass
    Y = np.column_stack([labels == 0, labels == 1, labels == 2]).astype(int)
    Y[::4, 1] = 1
    members = [
        ("rf", RandomForestClassifier(n_estimators=10, random_state=0)),
        ("knn", KNeighborsClassifier()),
    ]
    final = KNeighborsClassifier()
    ours = StackingClassifier(members, final, passthrough=True, cv=3).fit(X, Y)
    theirs = SkStackingClassifier(members, final, passthrough=True, cv=3).fit(X, Y)
    np.testing.assert_allclose(ours.transform(X), theirs.transform(X))
    np.testing.assert_array_equal(ours.predict(X), theirs.predict(X))
    np.testing.assert_allclose(ours.predict_proba(X), theirs.predict_proba(X))
    np.testing.assert_array_equal(ours.classes_, theirs.classes_)
    assert ours.oof_predictions_["rf"].shape == (len(Y), 3, 2)


def test_multilabel_target_reaches_the_members(binary):
    X, y = binary
    Y = np.column_stack([y, 1 - y])
    with pytest.raises(ValueError, match="Member 'lr' failed .*y should be a 1d"):
        StackingClassifier(_classifiers()).fit(X, Y)


def test_multiclass_multioutput_targets_are_refused(multiclass):
    X, y = multiclass
    Y = np.column_stack([y, (y + 1) % 3])
    with pytest.raises(ValueError, match="does not support multiclass-multioutput"):
        StackingClassifier(_classifiers()).fit(X, Y)
