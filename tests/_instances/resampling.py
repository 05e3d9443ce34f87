"""Common-check instances for this family (see tests/_instances/__init__.py)."""

from sklearn.ensemble import AdaBoostClassifier
from sklearn.tree import DecisionTreeClassifier

from skextra.resampling import (
    BalanceCascadeClassifier,
    BalancedBaggingClassifier,
    BalancedBoostClassifier,
    BalancedRandomForestClassifier,
    EasyEnsembleClassifier,
    OverBaggingClassifier,
    OverBoostClassifier,
    RoughlyBalancedBaggingClassifier,
    RUSBoostClassifier,
    SelfPacedEnsembleClassifier,
    SMOTEBaggingClassifier,
    SMOTEBoostClassifier,
    UnderBaggingClassifier,
)

_TREE = DecisionTreeClassifier(max_depth=3)
_ADA = AdaBoostClassifier(n_estimators=5)

_WEIGHTED_BAGS = (
    "each bag is drawn at random from the rows, so integer weights and "
    "repeated rows give different bags"
)

INSTANCES = {
    "BalancedBaggingClassifier": [
        BalancedBaggingClassifier(_TREE, n_estimators=5, random_state=0)
    ],
    "UnderBaggingClassifier": [
        UnderBaggingClassifier(_TREE, n_estimators=5, random_state=0)
    ],
    "OverBaggingClassifier": [
        OverBaggingClassifier(_TREE, n_estimators=5, random_state=0)
    ],
    "SMOTEBaggingClassifier": [
        SMOTEBaggingClassifier(_TREE, n_estimators=5, k_neighbors=2, random_state=0)
    ],
    "RoughlyBalancedBaggingClassifier": [
        RoughlyBalancedBaggingClassifier(_TREE, n_estimators=5, random_state=0)
    ],
    "BalancedRandomForestClassifier": [
        BalancedRandomForestClassifier(n_estimators=5, max_depth=3, random_state=0)
    ],
    "EasyEnsembleClassifier": [EasyEnsembleClassifier(5, _ADA, random_state=0)],
    "BalanceCascadeClassifier": [
        BalanceCascadeClassifier(_ADA, n_estimators=5, random_state=0)
    ],
    "SelfPacedEnsembleClassifier": [
        SelfPacedEnsembleClassifier(_TREE, n_estimators=5, random_state=0)
    ],
}

_RANDOM_BAGS = {
    "check_sample_weight_equivalence_on_dense_data": _WEIGHTED_BAGS,
    "check_sample_weight_equivalence_on_sparse_data": _WEIGHTED_BAGS,
}

EXPECTED_FAILED_CHECKS = {
    "BalancedBaggingClassifier": _RANDOM_BAGS,
    "UnderBaggingClassifier": _RANDOM_BAGS,
    "OverBaggingClassifier": _RANDOM_BAGS,
    "SMOTEBaggingClassifier": _RANDOM_BAGS,
    "RoughlyBalancedBaggingClassifier": _RANDOM_BAGS,
    "BalancedRandomForestClassifier": _RANDOM_BAGS,
    "EasyEnsembleClassifier": _RANDOM_BAGS,
    "BalanceCascadeClassifier": _RANDOM_BAGS,
    "SelfPacedEnsembleClassifier": _RANDOM_BAGS,
}

_RESAMPLED_ROUNDS = (
    "each boosting round resamples the rows at random, so integer weights and "
    "repeated rows give different resamples"
)
_BOOSTING = {
    "RUSBoostClassifier": [RUSBoostClassifier(n_estimators=5, random_state=0)],
    "SMOTEBoostClassifier": [
        SMOTEBoostClassifier(n_estimators=5, k_neighbors=2, random_state=0)
    ],
    "OverBoostClassifier": [OverBoostClassifier(n_estimators=5, random_state=0)],
    "BalancedBoostClassifier": [
        BalancedBoostClassifier(n_estimators=5, random_state=0)
    ],
}
INSTANCES.update(_BOOSTING)
EXPECTED_FAILED_CHECKS.update(
    {
        name: {
            "check_sample_weight_equivalence_on_dense_data": _RESAMPLED_ROUNDS,
            "check_sample_weight_equivalence_on_sparse_data": _RESAMPLED_ROUNDS,
        }
        for name in _BOOSTING
    }
)
