"""Common-check instances for stacking (also feature-weighted) and blending."""

from sklearn.ensemble import RandomForestClassifier, RandomForestRegressor
from sklearn.linear_model import LogisticRegression, Ridge
from sklearn.tree import DecisionTreeClassifier, DecisionTreeRegressor

from skextra.ensemble import (
    BlendingClassifier,
    BlendingRegressor,
    FeatureWeightedStackingClassifier,
    FeatureWeightedStackingRegressor,
    StackingClassifier,
    StackingRegressor,
)


def _classifiers():
    return [
        ("lr", LogisticRegression()),
        ("tree", DecisionTreeClassifier(max_depth=3, random_state=0)),
    ]


def _regressors():
    return [
        ("ridge", Ridge()),
        ("tree", DecisionTreeRegressor(max_depth=3, random_state=0)),
    ]


INSTANCES = {
    "StackingClassifier": [
        StackingClassifier(estimators=_classifiers(), cv=3),
        StackingClassifier(
            estimators=[
                ("tree0", DecisionTreeClassifier(max_depth=3, random_state=0)),
                ("tree1", DecisionTreeClassifier(max_depth=3, random_state=1)),
            ],
            final_estimator=DecisionTreeClassifier(max_depth=3, random_state=2),
            layers=[[("top", DecisionTreeClassifier(max_depth=2, random_state=0))]],
            passthrough="all",
            cv=3,
        ),
        StackingClassifier(
            estimators=_classifiers(),
            cv=3,
            refit=False,
            select_final=True,
        ),
        StackingClassifier(
            estimators=_classifiers(),
            layers=[[("top", DecisionTreeClassifier(max_depth=2, random_state=0))]],
            passthrough="all",
            cv=3,
            select_layers=True,
            random_state=0,
        ),
        StackingClassifier(
            estimators=[
                ("lr", LogisticRegression()),
                ("forest", RandomForestClassifier(20, max_depth=3, random_state=0)),
            ],
            cv=3,
            refit=False,
            use_oob=True,
        ),
    ],
    "StackingRegressor": [
        StackingRegressor(estimators=_regressors(), cv=3),
        StackingRegressor(
            estimators=_regressors(),
            layers=[[("top", Ridge())]],
            passthrough="layers",
            cv=3,
        ),
        StackingRegressor(
            estimators=_regressors(),
            cv=3,
            refit=False,
            select_final=True,
        ),
        StackingRegressor(
            estimators=_regressors(),
            layers=[[("top", Ridge())]],
            cv=3,
            select_layers=True,
            random_state=0,
        ),
        StackingRegressor(
            estimators=[
                ("ridge", Ridge()),
                ("forest", RandomForestRegressor(20, max_depth=3, random_state=0)),
            ],
            cv=3,
            use_oob=True,
        ),
    ],
    "BlendingClassifier": [
        BlendingClassifier(estimators=_classifiers(), holdout_size=0.3, random_state=0)
    ],
    "BlendingRegressor": [
        BlendingRegressor(estimators=_regressors(), holdout_size=0.3, random_state=0)
    ],
    "FeatureWeightedStackingClassifier": [
        FeatureWeightedStackingClassifier(estimators=_classifiers(), cv=3),
        FeatureWeightedStackingClassifier(
            estimators=_classifiers(), meta_features="inputs", cv=3
        ),
    ],
    "FeatureWeightedStackingRegressor": [
        FeatureWeightedStackingRegressor(estimators=_regressors(), cv=3),
        FeatureWeightedStackingRegressor(
            estimators=_regressors(), meta_features=[0], alpha=1.0, cv=3
        ),
    ],
}

_HOLDOUT_REASON = (
    "the hold-out split is drawn over rows, so repeating a row changes which "
    "rows are held out; weights cannot match repetitions"
)

_SAMPLE_WEIGHT_CHECKS = (
    "check_sample_weight_equivalence_on_dense_data",
    "check_sample_weight_equivalence_on_sparse_data",
)


_OOB_REASON = (
    "use_oob: a forest's bootstrap draws rows, so a weight of 2 is not a "
    "repeated row (scikit-learn's forests fail this check too)"
)


def _held_out_layers(estimator):
    """A stack that chooses its layers on held-out rows fails what Blending
    fails; one with out-of-bag members what their forests fail."""
    if estimator.select_layers:
        reason = f"select_layers: {_HOLDOUT_REASON}"
    elif estimator.use_oob:
        reason = _OOB_REASON
    else:
        return {}
    return dict.fromkeys(_SAMPLE_WEIGHT_CHECKS, reason)


EXPECTED_FAILED_CHECKS = {
    **{
        name: dict.fromkeys(_SAMPLE_WEIGHT_CHECKS, _HOLDOUT_REASON)
        for name in ("BlendingClassifier", "BlendingRegressor")
    },
    "StackingClassifier": _held_out_layers,
    "StackingRegressor": _held_out_layers,
}
