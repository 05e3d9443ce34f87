"""Common-check instances for stacking (also feature-weighted) and blending."""

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

EXPECTED_FAILED_CHECKS = {
    name: {
        "check_sample_weight_equivalence_on_dense_data": _HOLDOUT_REASON,
        "check_sample_weight_equivalence_on_sparse_data": _HOLDOUT_REASON,
    }
    for name in ("BlendingClassifier", "BlendingRegressor")
}
