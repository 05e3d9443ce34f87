"""Common-check instances for this family (see tests/_instances/__init__.py)."""

from sklearn.linear_model import LogisticRegression, Ridge
from sklearn.tree import DecisionTreeClassifier, DecisionTreeRegressor

from skextra.ensemble import (
    CombinationClassifier,
    CombinationRegressor,
    EnsembleSelectionClassifier,
    EnsembleSelectionRegressor,
)


def _classifiers():
    return [
        ("lr", LogisticRegression(max_iter=200)),
        ("tree", DecisionTreeClassifier(max_depth=3, random_state=0)),
    ]


def _regressors():
    return [
        ("ridge", Ridge()),
        ("tree", DecisionTreeRegressor(max_depth=3, random_state=0)),
    ]


INSTANCES = {
    "CombinationClassifier": [
        CombinationClassifier(_classifiers()),
        CombinationClassifier(_classifiers(), rule="majority"),
    ],
    "CombinationRegressor": [CombinationRegressor(_regressors(), rule="median")],
    "EnsembleSelectionClassifier": [
        EnsembleSelectionClassifier(
            _classifiers(), ensemble_size=5, cv=3, random_state=0
        )
    ],
    "EnsembleSelectionRegressor": [
        EnsembleSelectionRegressor(_regressors(), ensemble_size=5, cv=3, random_state=0)
    ],
}

EXPECTED_FAILED_CHECKS = {}
