"""Imbalance-aware ensembles built on imbalanced-learn samplers."""

from ._bagging import (
    BalancedBaggingClassifier,
    OverBaggingClassifier,
    RoughlyBalancedBaggingClassifier,
    SMOTEBaggingClassifier,
    UnderBaggingClassifier,
)
from ._boosting import (
    BalancedBoostClassifier,
    ChanceErrorWarning,
    OverBoostClassifier,
    RUSBoostClassifier,
    SMOTEBoostClassifier,
)
from ._cascade import (
    BalanceCascadeClassifier,
    EasyEnsembleClassifier,
    SelfPacedEnsembleClassifier,
)
from ._forest import BalancedRandomForestClassifier

__all__ = [
    "BalanceCascadeClassifier",
    "BalancedBaggingClassifier",
    "BalancedBoostClassifier",
    "BalancedRandomForestClassifier",
    "ChanceErrorWarning",
    "EasyEnsembleClassifier",
    "OverBaggingClassifier",
    "OverBoostClassifier",
    "RoughlyBalancedBaggingClassifier",
    "RUSBoostClassifier",
    "SMOTEBaggingClassifier",
    "SMOTEBoostClassifier",
    "SelfPacedEnsembleClassifier",
    "UnderBaggingClassifier",
]
