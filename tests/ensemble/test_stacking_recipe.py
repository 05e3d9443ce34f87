"""Bagged members, repeated folds, constrained and selected final layers."""

import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_array_equal
from scipy.optimize import minimize_scalar
from sklearn.base import clone
from sklearn.datasets import load_breast_cancer, load_diabetes, load_iris
from sklearn.dummy import DummyClassifier, DummyRegressor
from sklearn.ensemble import RandomForestClassifier, RandomForestRegressor
from sklearn.ensemble import StackingClassifier as SkStackingClassifier
from sklearn.linear_model import LogisticRegression, Ridge
from sklearn.metrics import log_loss
from sklearn.model_selection import (
    KFold,
    RepeatedKFold,
    RepeatedStratifiedKFold,
    StratifiedKFold,
    cross_val_predict,
    train_test_split,
)
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.tree import DecisionTreeClassifier, DecisionTreeRegressor

from skextra.ensemble import (
    ConvexWeightsClassifier,
    ConvexWeightsRegressor,
    StackingClassifier,
    StackingRegressor,
)
from skextra.ensemble._layer_choice import holdout_split


def _classifiers():
    return [
        ("lr", LogisticRegression(max_iter=1000)),
        ("tree", DecisionTreeClassifier(max_depth=3, random_state=0)),
    ]


def _regressors():
    return [
        ("ridge", Ridge()),
        ("tree", DecisionTreeRegressor(max_depth=3, random_state=0)),
    ]


@pytest.fixture(scope="module")
def iris():
    X, y = load_iris(return_X_y=True)
    return X[::2], y[::2], X[1::2]


@pytest.fixture(scope="module")
def diabetes():
    X, y = load_diabetes(return_X_y=True)
    return X[::2], y[::2], X[1::2]


# ---------------------------------------------------------------- bagged members
def test_bagged_classifier_predicts_with_mean_of_fold_models(iris):
    X, y, X_new = iris
    cv = StratifiedKFold(4, shuffle=True, random_state=0)
    stack = StackingClassifier(_classifiers(), cv=cv, refit=False).fit(X, y)
    splits = list(cv.split(X, y))
    blocks = []
    for _, member in _classifiers():
        folds = [clone(member).fit(X[tr], y[tr]) for tr, _ in splits]
        blocks.append(np.mean([f.predict_proba(X_new) for f in folds], axis=0))
    expected_meta = np.hstack(blocks)
    assert_allclose(stack.transform(X_new), expected_meta)
    oof = np.hstack(
        [
            cross_val_predict(m, X, y, cv=splits, method="predict_proba")
            for _, m in _classifiers()
        ]
    )
    final = LogisticRegression().fit(oof, y)
    assert_allclose(stack.predict_proba(X_new), final.predict_proba(expected_meta))
    assert all(len(est.estimators_) == 4 for est in stack.estimators_)


def test_bagged_regressor_predicts_with_mean_of_fold_models(diabetes):
    X, y, X_new = diabetes
    cv = KFold(3, shuffle=True, random_state=1)
    stack = StackingRegressor(_regressors(), cv=cv, refit=False).fit(X, y)
    splits = list(cv.split(X, y))
    expected = np.column_stack(
        [
            np.mean([clone(m).fit(X[tr], y[tr]).predict(X_new) for tr, _ in splits], 0)
            for _, m in _regressors()
        ]
    )
    assert_allclose(stack.transform(X_new), expected)


def test_bagged_classifier_on_predict_votes(iris):
    X, y, X_new = iris
    cv = StratifiedKFold(3)
    stack = StackingClassifier(
        _classifiers(), cv=cv, refit=False, stack_method="predict"
    ).fit(X, y)
    member = _classifiers()[1][1]
    labels = np.array(
        [clone(member).fit(X[tr], y[tr]).predict(X_new) for tr, _ in cv.split(X, y)]
    )
    votes = np.stack([(labels == k).sum(axis=0) for k in range(3)], axis=1)
    assert_array_equal(stack.transform(X_new)[:, 1], np.argmax(votes, axis=1))


# ---------------------------------------------------------------- repeated folds
def test_one_repeat_is_scikit_learns_stacking(iris):
    X, y, X_new = iris
    ours = StackingClassifier(_classifiers(), cv=3, n_repeats=1).fit(X, y)
    theirs = SkStackingClassifier(_classifiers(), cv=3).fit(X, y)
    assert_allclose(ours.predict_proba(X_new), theirs.predict_proba(X_new))


def test_two_repeats_average_two_shuffled_partitions(iris):
    X, y, _ = iris
    stack = StackingClassifier(_classifiers(), cv=4, n_repeats=2, random_state=3)
    stack.fit(X, y)
    splits = list(
        RepeatedStratifiedKFold(n_splits=4, n_repeats=2, random_state=3).split(X, y)
    )
    for name, member in _classifiers():
        per_repeat = [
            cross_val_predict(
                member, X, y, cv=splits[r * 4 : (r + 1) * 4], method="predict_proba"
            )
            for r in range(2)
        ]
        assert_allclose(stack.oof_predictions_[name], np.mean(per_repeat, axis=0))
        assert stack.cv_scores_[name].shape == (8,)


def test_repeats_of_a_regressor_splitter(diabetes):
    X, y, _ = diabetes
    cv = KFold(3)
    stack = StackingRegressor(_regressors(), cv=cv, n_repeats=3, random_state=0)
    stack.fit(X, y)
    splits = list(RepeatedKFold(n_splits=3, n_repeats=3, random_state=0).split(X))
    member = _regressors()[1][1]
    expected = np.mean(
        [
            cross_val_predict(member, X, y, cv=splits[r * 3 : r * 3 + 3])
            for r in range(3)
        ],
        axis=0,
    )
    assert_allclose(stack.oof_predictions_["tree"], expected)


def test_repeats_and_bagging_give_the_same_stack_for_any_n_jobs(iris):
    X, y, X_new = iris
    params = dict(cv=3, n_repeats=2, refit=False, random_state=0)
    one = StackingClassifier(_classifiers(), n_jobs=1, **params).fit(X, y)
    two = StackingClassifier(_classifiers(), n_jobs=2, **params).fit(X, y)
    assert_array_equal(one.predict_proba(X_new), two.predict_proba(X_new))
    assert len(one.estimators_[0].estimators_) == 6


# ------------------------------------------------------------- out-of-bag members
def _with_forest(classifier):
    forest = RandomForestClassifier if classifier else RandomForestRegressor
    members = _classifiers() if classifier else _regressors()
    return members[:1] + [("forest", forest(30, max_depth=3, random_state=0))]


@pytest.mark.parametrize("refit", [True, False])
def test_oob_classifier_stacks_the_forest_out_of_bag(iris, refit):
    X, y, X_new = iris
    cv = StratifiedKFold(3, shuffle=True, random_state=0)
    members = _with_forest(True)
    stack = StackingClassifier(members, cv=cv, refit=refit, use_oob=True)
    stack.fit(X, y)
    forest = clone(members[1][1]).set_params(oob_score=True).fit(X, y)
    assert_allclose(stack.oof_predictions_["forest"], forest.oob_decision_function_)
    assert_allclose(stack.transform(X_new)[:, 3:], forest.predict_proba(X_new))
    lr = members[0][1]
    oof = cross_val_predict(lr, X, y, cv=cv, method="predict_proba")
    assert_allclose(stack.oof_predictions_["lr"], oof)
    meta = np.hstack([oof, forest.oob_decision_function_])
    final = LogisticRegression().fit(meta, y)
    assert_allclose(
        stack.predict_proba(X_new), final.predict_proba(stack.transform(X_new))
    )
    assert isinstance(stack.named_estimators_["forest"], RandomForestClassifier)
    assert hasattr(stack.estimators_[0], "estimators_") is not refit


def test_oob_regressor_and_the_same_stack_for_any_n_jobs(diabetes):
    X, y, X_new = diabetes
    params = dict(cv=3, refit=False, use_oob=True, n_repeats=2, random_state=0)
    one = StackingRegressor(_with_forest(False), n_jobs=1, **params).fit(X, y)
    two = StackingRegressor(_with_forest(False), n_jobs=2, **params).fit(X, y)
    assert_array_equal(one.predict(X_new), two.predict(X_new))
    forest = _with_forest(False)[1][1].set_params(oob_score=True).fit(X, y)
    assert_allclose(one.oof_predictions_["forest"], forest.oob_prediction_)
    assert one.cv_scores_["forest"].shape == (6,)


def _cv_and_members(cv, X, y):
    """``cv`` as the stack takes it ("splits": a list of KFold's) and members
    fitted already with "prefit"."""
    members = _classifiers()
    if cv == "splits":
        cv = list(KFold(3).split(X))
    if cv == "prefit":
        members = [(name, clone(m).fit(X, y)) for name, m in members]
    return cv, members


@pytest.mark.parametrize(
    "cv, params, match",
    [
        ("splits", dict(n_repeats=2), "n_repeats=2 needs a cv splitter"),
        ("prefit", dict(n_repeats=2), "n_repeats=2 cannot repeat cv='prefit'"),
        ("prefit", dict(refit=False), "refit=False keeps the fold models"),
        ("prefit", dict(use_oob=True), "use_oob=True fits the bootstrap"),
    ],
)
def test_settings_that_cannot_apply_are_value_errors(iris, cv, params, match):
    X, y, _ = iris
    cv, members = _cv_and_members(cv, X, y)
    with pytest.raises(ValueError, match=match):
        StackingClassifier(members, cv=cv, **params).fit(X, y)


# ---------------------------------------------------------- convex final layers
def test_regressor_puts_all_weight_on_the_exact_member():
    rng = np.random.RandomState(0)
    y = rng.normal(size=60)
    X = np.column_stack([y + rng.normal(size=60), y, 0.5 * y, rng.normal(size=60)])
    for method in ("exact", "greedy"):
        reg = ConvexWeightsRegressor(method=method).fit(X, y)
        assert_allclose(reg.weights_, [0, 1, 0, 0], atol=1e-6)
        assert_allclose(reg.predict(X), y, atol=1e-6)


def test_regressor_two_columns_match_the_closed_form():
    rng = np.random.RandomState(1)
    y = rng.normal(size=80)
    x1, x2 = y + rng.normal(size=80), y + 0.5 * rng.normal(size=80)
    reg = ConvexWeightsRegressor().fit(np.column_stack([x1, x2]), y)
    a = np.clip(np.dot(x1 - x2, y - x2) / np.dot(x1 - x2, x1 - x2), 0, 1)
    assert_allclose(reg.weights_, [a, 1 - a], atol=1e-6)


def test_classifier_two_members_match_a_one_dimensional_search():
    rng = np.random.RandomState(2)
    y = rng.randint(0, 2, size=200)
    p1 = np.clip(0.5 + 0.3 * (2 * y - 1) + 0.3 * rng.normal(size=200), 0.01, 0.99)
    p2 = np.clip(0.5 + 0.2 * (2 * y - 1) + 0.2 * rng.normal(size=200), 0.01, 0.99)

    def loss(a):
        return log_loss(y, a * p1 + (1 - a) * p2)

    a = minimize_scalar(
        loss, bounds=(0, 1), method="bounded", options={"xatol": 1e-10}
    ).x
    clf = ConvexWeightsClassifier().fit(np.column_stack([p1, p2]), y)
    assert_allclose(clf.weights_, [a, 1 - a], atol=1e-4)
    mixed = a * p1 + (1 - a) * p2
    assert_allclose(
        clf.predict_proba(np.column_stack([p1, p2]))[:, 1], mixed, atol=1e-4
    )


def test_classifier_multiclass_blocks_and_greedy_best_prefix(iris):
    X, y, _ = iris
    onehot = np.eye(3)[y]
    rng = np.random.RandomState(0)
    noise = rng.dirichlet(np.ones(3), size=len(y))
    for method in ("exact", "greedy"):
        clf = ConvexWeightsClassifier(method=method).fit(np.hstack([noise, onehot]), y)
        assert_allclose(clf.weights_, [0, 1], atol=1e-6)
    greedy = ConvexWeightsClassifier(method="greedy", ensemble_size=10)
    weights = greedy.fit(np.hstack([noise, onehot]), y).weights_
    assert_allclose(weights, [0, 1])


@pytest.mark.parametrize(
    "X, match",
    [
        (np.array([[-0.1, 0.5], [0.2, 0.4], [0.3, 0.9]]), "X of probabilities in"),
        (np.full((3, 4), 0.3), "one block of n_classes=3 probability columns"),
    ],
)
def test_classifier_rejects_what_is_not_probabilities(X, match):
    y = np.array([0, 1, 2]) if X.shape[1] == 4 else np.array([0, 1, 0])
    with pytest.raises(ValueError, match=match):
        ConvexWeightsClassifier().fit(X, y)


def test_stacks_with_convex_final_layers(iris, diabetes):
    X, y, X_new = iris
    stack = StackingClassifier(
        _classifiers(), final_estimator=ConvexWeightsClassifier(), cv=3
    ).fit(X, y)
    weights = stack.final_estimator_.weights_
    members = np.stack([est.predict_proba(X_new) for est in stack.estimators_])
    assert_allclose(stack.predict_proba(X_new), np.tensordot(weights, members, 1))
    X, y, X_new = diabetes
    stack = StackingRegressor(
        _regressors(), final_estimator=ConvexWeightsRegressor(), cv=3
    ).fit(X, y)
    members = np.column_stack([est.predict(X_new) for est in stack.estimators_])
    assert_allclose(stack.predict(X_new), members @ stack.final_estimator_.weights_)


# ------------------------------------------------------------ selected final
@pytest.fixture(scope="module")
def one_member_far_better():
    X, y = load_breast_cancer(return_X_y=True)
    members = [
        ("lr", make_pipeline(StandardScaler(), LogisticRegression())),
        ("stump", DecisionTreeClassifier(max_depth=1, random_state=0)),
        ("prior", DummyClassifier()),
    ]
    return X, y, members


def test_selected_final_never_scores_below_the_best_member(one_member_far_better):
    X, y, members = one_member_far_better
    cv = StratifiedKFold(5, shuffle=True, random_state=0)
    stack = StackingClassifier(members, cv=cv, select_final=True).fit(X, y)
    member_scores = {
        name: -log_loss(y, stack.oof_predictions_[name]) for name, _ in members
    }
    best = max(member_scores.values())
    assert stack.final_scores_[stack.final_choice_] >= best
    assert_allclose(stack.final_scores_["best_member"], best)
    meta = np.column_stack([stack.oof_predictions_[n][:, 1] for n, _ in members])
    nested = cross_val_predict(
        LogisticRegression(), meta, y, cv=cv, method="predict_proba"
    )
    assert_allclose(stack.final_scores_["final_estimator"], -log_loss(y, nested))
    assert stack.final_choice_ == max(stack.final_scores_, key=stack.final_scores_.get)


def test_selected_final_regressor_and_the_chosen_layer_predicts(diabetes):
    X, y, X_new = diabetes
    members = [("ridge", Ridge(alpha=0.01)), ("prior", DummyRegressor())]
    stack = StackingRegressor(
        members, final_estimator=DecisionTreeRegressor(max_depth=1), cv=4
    )
    stack.set_params(select_final=True).fit(X, y)
    best = max(-np.mean((y - stack.oof_predictions_[n]) ** 2) for n, _ in members)
    assert stack.final_scores_[stack.final_choice_] >= best
    weights = stack.final_estimator_.estimator_.weights_
    members_new = np.column_stack([est.predict(X_new) for est in stack.estimators_])
    assert_allclose(stack.predict(X_new), members_new @ weights)


@pytest.mark.parametrize("passthrough", [False, "inputs", "layers", "all"])
def test_selected_final_chooses_among_every_layer_passed_through(diabetes, passthrough):
    # Layer 2 holds only a constant: the best member is layer 1's ridge when
    # the layers are passed through, the constant otherwise.
    X, y, _ = diabetes
    members = [("ridge", Ridge(alpha=0.01)), ("prior", DummyRegressor())]
    stack = StackingRegressor(
        members,
        layers=[[("prior2", DummyRegressor())]],
        passthrough=passthrough,
        select_final=True,
        cv=KFold(4, shuffle=True, random_state=0),
    ).fit(X, y)
    scores = {n: -np.mean((y - p) ** 2) for n, p in stack.oof_predictions_.items()}
    best = "ridge" if passthrough in ("layers", "all") else "prior2"
    assert_allclose(stack.final_scores_["best_member"], scores[best])


def test_selected_final_needs_folds(iris):
    X, y, _ = iris
    members = [(name, clone(m).fit(X, y)) for name, m in _classifiers()]
    with pytest.raises(ValueError, match="select_final=True .* cv='prefit'"):
        StackingClassifier(members, cv="prefit", select_final=True).fit(X, y)


# ----------------------------------------------------------- drop_proba_col
@pytest.mark.parametrize(
    "drop, kept",
    [(None, slice(None)), ("first", slice(1, None)), ("last", slice(None, -1))],
)
def test_drop_proba_col_drops_one_column_per_member(iris, drop, kept):
    X, y, X_new = iris
    stack = StackingClassifier(_classifiers(), cv=3, drop_proba_col=drop).fit(X, y)
    expected = np.hstack(
        [est.predict_proba(X_new)[:, kept] for est in stack.estimators_]
    )
    assert stack.transform(X_new).shape == (len(X_new), 6 if drop is None else 4)
    assert_allclose(stack.transform(X_new), expected)
    assert len(stack.get_feature_names_out()) == expected.shape[1]


def test_drop_proba_col_leaves_binary_targets_one_column(iris):
    X, y, X_new = iris
    binary = y == 2
    stack = StackingClassifier(_classifiers(), cv=3, drop_proba_col="last")
    assert stack.fit(X, binary).transform(X_new).shape == (len(X_new), 2)


def test_classifier_decision_function_is_the_log_odds():
    X = np.array([[0.2, 0.6], [0.9, 0.7], [0.4, 0.1], [0.8, 0.95]])
    y = np.array([0, 1, 0, 1])
    clf = ConvexWeightsClassifier().fit(X, y)
    p = clf.predict_proba(X)[:, 1]
    assert_allclose(clf.decision_function(X), np.log(p / (1 - p)))
    assert_array_equal(clf.predict(X), (clf.decision_function(X) > 0).astype(int))


# ------------------------------------------------------------- select_layers
def _two_layer_classifier(**params):
    return StackingClassifier(
        [
            ("lr", make_pipeline(StandardScaler(), LogisticRegression())),
            ("tree", DecisionTreeClassifier(max_depth=3, random_state=0)),
        ],
        layers=[[("top", DecisionTreeClassifier(max_depth=2, random_state=0))]],
        passthrough="all",
        cv=StratifiedKFold(3, shuffle=True, random_state=0),
        **params,
    )


@pytest.mark.parametrize("select_final", [False, True])
def test_select_layers_scores_each_cut_on_the_held_out_rows(select_final):
    X, y = load_breast_cancer(return_X_y=True)
    X, y = X[::3], y[::3]
    stack = _two_layer_classifier(
        select_layers=0.25, select_final=select_final, random_state=0
    ).fit(X, y)
    fit_rows, held = train_test_split(
        np.arange(len(y)), test_size=0.25, stratify=y, random_state=0
    )
    cuts = [
        _two_layer_classifier(select_final=select_final).set_params(layers=None),
        _two_layer_classifier(select_final=select_final),
    ]
    expected = [
        -log_loss(y[held], cut.fit(X[fit_rows], y[fit_rows]).predict_proba(X[held]))
        for cut in cuts
    ]
    assert_allclose(stack.holdout_scores_, expected)
    assert stack.n_layers_ == np.argmax(expected) + 1
    reference = cuts[stack.n_layers_ - 1].fit(X, y)
    assert len(stack.layers_) == stack.n_layers_
    assert_allclose(stack.predict_proba(X), reference.predict_proba(X))


def test_select_layers_keeps_the_fewest_on_ties_and_weights_the_held_out_rows(
    diabetes,
):
    # A constant final layer: every cut predicts the weighted mean of y.
    X, y, _ = diabetes
    weight = np.linspace(0.5, 2, len(y))
    stack = StackingRegressor(
        _regressors(),
        final_estimator=DummyRegressor(),
        layers=[[("again", Ridge())]],
        cv=3,
        select_layers=True,
        random_state=0,
    ).fit(X, y, sample_weight=weight)
    fit_rows, held = train_test_split(
        np.arange(len(y)), test_size=1 / 9, random_state=0
    )
    mean = np.average(y[fit_rows], weights=weight[fit_rows])
    error = np.average((y[held] - mean) ** 2, weights=weight[held])
    assert_allclose(stack.holdout_scores_, [-error, -error])
    assert stack.n_layers_ == 1 and len(stack.layers_) == 1
    assert list(stack.get_feature_names_out()) == [
        "stackingregressor_ridge",
        "stackingregressor_tree",
    ]


def test_select_layers_gives_the_same_stack_for_any_n_jobs(iris):
    X, y, X_new = iris
    one, two = (
        _two_layer_classifier(select_layers=True, random_state=0, n_jobs=n_jobs)
        for n_jobs in (1, 2)
    )
    one.fit(X, y)
    assert_array_equal(one.predict_proba(X_new), two.fit(X, y).predict_proba(X_new))
    assert_array_equal(one.holdout_scores_, two.holdout_scores_)


def test_select_layers_without_layers_holds_nothing_out(iris):
    X, y, X_new = iris
    params = dict(cv=3, refit=False, random_state=0)
    chosen = StackingClassifier(_classifiers(), select_layers=True, **params)
    plain = StackingClassifier(_classifiers(), **params).fit(X, y)
    assert_array_equal(
        chosen.fit(X, y).predict_proba(X_new), plain.predict_proba(X_new)
    )
    assert chosen.n_layers_ == 1 and not hasattr(chosen, "holdout_scores_")


def test_refit_without_select_layers_drops_the_held_out_scores(iris):
    X, y, _ = iris
    stack = _two_layer_classifier(select_layers=True, random_state=0).fit(X, y)
    assert stack.holdout_scores_.shape == (2,)
    stack.set_params(select_layers=False).fit(X, y)
    assert stack.n_layers_ == 2 and not hasattr(stack, "holdout_scores_")


def test_refit_without_select_final_drops_the_final_choice(iris):
    X, y, _ = iris
    stack = StackingClassifier(_classifiers(), cv=3, select_final=True).fit(X, y)
    assert stack.final_choice_ in stack.final_scores_
    stack.set_params(select_final=False).fit(X, y)
    assert not hasattr(stack, "final_choice_")
    assert not hasattr(stack, "final_scores_")


def test_select_layers_holds_out_whole_groups():
    y = np.arange(60) % 2
    groups = np.arange(60) // 4
    fit_rows, held = holdout_split(y, groups, 0.2, 0, stratify=True)
    assert not set(groups[fit_rows]) & set(groups[held])
    assert len(fit_rows) + len(held) == 60


@pytest.mark.parametrize(
    "cv, y_change, match",
    [
        ("splits", None, "select_layers fits the stack again .* cv must be"),
        ("prefit", None, "select_layers fits the stack again .* 'prefit'"),
        (3, "lone class", "least populated class of y has only 1 sample"),
    ],
)
def test_select_layers_settings_that_cannot_apply(iris, cv, y_change, match):
    X, y, _ = iris
    cv, members = _cv_and_members(cv, X, y)
    if y_change:
        y = y.copy()
        y[0] = 3
    top = [[("top", LogisticRegression())]]
    stack = StackingClassifier(members, layers=top, cv=cv, select_layers=True)
    with pytest.raises(ValueError, match=match):
        stack.fit(X, y)
