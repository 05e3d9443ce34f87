"""Common-check instances for this family (see tests/_instances/__init__.py)."""

from sklearn.cluster import AgglomerativeClustering, KMeans
from sklearn.covariance import EllipticEnvelope
from sklearn.ensemble import IsolationForest
from sklearn.mixture import GaussianMixture
from sklearn.neighbors import LocalOutlierFactor
from sklearn.svm import OneClassSVM

from skextra.ensemble import ClusteringEnsemble, DetectorCombination


def _detectors():
    return [
        ("iforest", IsolationForest(n_estimators=20, random_state=0)),
        ("svm", OneClassSVM(nu=0.1)),
        ("envelope", EllipticEnvelope(random_state=0)),
    ]


def _clusterers():
    return [
        ("km", KMeans(n_clusters=3, n_init=2, random_state=0)),
        ("gmm", GaussianMixture(n_components=3, random_state=0)),
        ("km4", KMeans(n_clusters=4, n_init=2, random_state=1)),
    ]


INSTANCES = {
    "DetectorCombination": [
        DetectorCombination(_detectors()),
        DetectorCombination(_detectors(), rule="aom", n_buckets=2, random_state=0),
        DetectorCombination(_detectors(), rule="vote", normalization="rank"),
        DetectorCombination(
            [*_detectors(), ("lof", LocalOutlierFactor(novelty=True))],
            rule="median",
            normalization="minmax",
        ),
    ],
    "ClusteringEnsemble": [
        ClusteringEnsemble(_clusterers()),
        ClusteringEnsemble(_clusterers(), consensus="coassociation", weights=[2, 1, 1]),
        ClusteringEnsemble(
            [*_clusterers(), ("ward", AgglomerativeClustering(n_clusters=3))],
            consensus="coassociation",
        ),
    ],
}

EXPECTED_FAILED_CHECKS = {}
