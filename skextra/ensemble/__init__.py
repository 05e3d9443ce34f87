"""Stacking (also feature-weighted), blending, ensemble selection, combination
rules, outlier-detector and clusterer ensembles, and dynamic selection."""

from ._blending import BlendingClassifier, BlendingRegressor
from ._clustering import ClusteringEnsemble
from ._combination import CombinationClassifier, CombinationRegressor
from ._detection import DetectorCombination
from ._dynamic import *  # noqa: F403 - the dynamic-selection classifiers
from ._dynamic import __all__ as _dynamic_all
from ._final import ConvexWeightsClassifier, ConvexWeightsRegressor
from ._fwls import (
    FeatureWeightedStackingClassifier,
    FeatureWeightedStackingRegressor,
)
from ._selection import EnsembleSelectionClassifier, EnsembleSelectionRegressor
from ._stacking import StackingClassifier, StackingRegressor

__all__ = [
    "BlendingClassifier",
    "BlendingRegressor",
    "ClusteringEnsemble",
    "CombinationClassifier",
    "CombinationRegressor",
    "ConvexWeightsClassifier",
    "ConvexWeightsRegressor",
    "DetectorCombination",
    "EnsembleSelectionClassifier",
    "EnsembleSelectionRegressor",
    "FeatureWeightedStackingClassifier",
    "FeatureWeightedStackingRegressor",
    "StackingClassifier",
    "StackingRegressor",
]
__all__ += _dynamic_all
