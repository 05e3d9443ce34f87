"""Dynamic ensemble selection (the DESlib method set, vectorised)."""

from ._dcs import LCA, MCB, MLA, OLA, APosteriori, APriori, Rank
from ._des_clustering import DESClustering
from ._desknn import DESKNN
from ._desmi import DESMI
from ._desp import DESP
from ._knop import KNOP
from ._knora import KNORAE, KNORAU
from ._metades import METADES
from ._neighbors import ANNNeighbors, PrecomputedNeighbors
from ._probabilistic import DESKL, RRC, Exponential, Logarithmic, MinimumDifference
from ._regression import DynamicSelectionRegressor
from ._stacked import StackedClassifier
from ._static import Oracle, SingleBest, StaticSelection

__all__ = [
    "ANNNeighbors",
    "PrecomputedNeighbors",
    "DESClustering",
    "DESKL",
    "DESKNN",
    "DESMI",
    "Exponential",
    "Logarithmic",
    "MinimumDifference",
    "RRC",
    "APosteriori",
    "APriori",
    "DESP",
    "DynamicSelectionRegressor",
    "KNOP",
    "KNORAE",
    "KNORAU",
    "LCA",
    "METADES",
    "MCB",
    "MLA",
    "OLA",
    "Oracle",
    "Rank",
    "SingleBest",
    "StackedClassifier",
    "StaticSelection",
]
