"""ClusteringEnsemble: alignment, co-association, protocol and bad input."""

import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_array_equal
from sklearn import config_context
from sklearn.base import clone
from sklearn.cluster import DBSCAN, AgglomerativeClustering, KMeans, SpectralClustering
from sklearn.datasets import make_blobs
from sklearn.ensemble import IsolationForest
from sklearn.frozen import FrozenEstimator
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import adjusted_rand_score
from sklearn.mixture import GaussianMixture
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from skextra.ensemble import ClusteringEnsemble
from skextra.ensemble._clustering import align_labels, coassociation_matrix


@pytest.fixture(scope="module")
def blobs():
    centers = [[0, 0], [6, 0], [0, 6], [6, 6]]
    return make_blobs(n_samples=240, centers=centers, cluster_std=0.8, random_state=0)


def _members():
    return [
        ("km", KMeans(4, n_init=3, random_state=0)),
        ("gmm", GaussianMixture(4, random_state=0)),
        ("ward", AgglomerativeClustering(4)),
        (
            "spectral",
            SpectralClustering(4, random_state=0, affinity="nearest_neighbors"),
        ),
    ]


def _predicting_members():
    return [
        ("km", KMeans(4, n_init=3, random_state=0)),
        ("gmm", GaussianMixture(4, random_state=0)),
        (
            "scaled",
            make_pipeline(StandardScaler(), KMeans(4, n_init=3, random_state=1)),
        ),
    ]


# --------------------------------------------------------------------------
# alignment
# --------------------------------------------------------------------------


def test_align_labels_recovers_a_permutation():
    rng = np.random.RandomState(0)
    reference = rng.randint(0, 5, size=300)
    permutation = rng.permutation(5)
    mapping = align_labels(permutation[reference], reference, 5)
    assert_array_equal(mapping[permutation], np.arange(5))


def test_align_labels_with_more_clusters_and_noise():
    reference = np.array([0, 0, 0, 1, 1, 1, -1])
    labels = np.array([3, 3, 2, 0, 0, 1, -1])
    # 3 -> 0 and 0 -> 1 are matched; the extra clusters 2 and 1 go to the
    # reference cluster they overlap most
    assert_array_equal(align_labels(labels, reference, 2), [1, 1, 0, 0])


@pytest.mark.parametrize("consensus", ["alignment", "coassociation"])
def test_easy_blobs_are_found(blobs, consensus):
    X, y = blobs
    ensemble = ClusteringEnsemble(_members(), consensus=consensus).fit(X)
    assert adjusted_rand_score(y, ensemble.labels_) == 1.0
    assert ensemble.n_clusters_ == 4
    assert ensemble.member_labels_.shape == (4, len(X))


def test_alignment_vote_equals_hand_count():
    # three members on eight rows; their names of the clusters differ
    labels = np.array(
        [
            [0, 0, 0, 1, 1, 1, 2, 2],
            [5, 5, 7, 7, 7, 7, 6, 6],
            [1, 0, 0, 2, 2, 2, 0, 1],
        ]
    )
    members = [(f"m{k}", FrozenEstimator(_Fixed(row))) for k, row in enumerate(labels)]
    ensemble = ClusteringEnsemble(members, weights=[1, 1, 1]).fit(np.zeros((8, 1)))
    # aligned to member 0: m1 5->0, 7->1, 6->2; m2 0->0, 2->1, 1->2
    aligned = np.array(
        [[0, 0, 0, 1, 1, 1, 2, 2], [0, 0, 1, 1, 1, 1, 2, 2], [2, 0, 0, 1, 1, 1, 0, 2]]
    )
    votes = np.stack([(aligned == c).sum(axis=0) for c in range(3)], axis=1)
    assert_array_equal(ensemble.labels_, votes.argmax(axis=1))
    weighted = ClusteringEnsemble(members, weights=[1, 0, 3]).fit(np.zeros((8, 1)))
    assert_array_equal(weighted.labels_, [2, 0, 0, 1, 1, 1, 0, 2])


class _Fixed:
    """A fitted clusterer that only knows its training labels (as DBSCAN)."""

    _estimator_type = "clusterer"

    def __init__(self, labels):
        self.labels_ = np.asarray(labels)

    def fit(self, X, y=None):
        return self

    def fit_predict(self, X, y=None):
        return self.labels_

    def get_params(self, deep=True):
        return {"labels": self.labels_}

    def __sklearn_tags__(self):
        from sklearn.utils import Tags, TargetTags

        return Tags(estimator_type="clusterer", target_tags=TargetTags(required=False))


def test_predict_on_training_rows_gives_labels(blobs):
    X, y = blobs
    ensemble = ClusteringEnsemble(_predicting_members()).fit(X)
    assert_array_equal(ensemble.predict(X), ensemble.labels_)
    X_new = X[:30] + 0.05
    expected = ensemble.labels_[:30]
    assert adjusted_rand_score(expected, ensemble.predict(X_new)) == 1.0


def test_fit_predict_equals_labels(blobs):
    X, _ = blobs
    ensemble = ClusteringEnsemble(_predicting_members())
    assert_array_equal(ensemble.fit_predict(X), clone(ensemble).fit(X).labels_)


def test_members_with_different_numbers_of_clusters(blobs):
    X, y = blobs
    members = [
        ("km4", KMeans(4, n_init=3, random_state=0)),
        ("km6", KMeans(6, n_init=3, random_state=0)),
        ("km8", KMeans(8, n_init=3, random_state=0)),
    ]
    for consensus in ("alignment", "coassociation"):
        ensemble = ClusteringEnsemble(members, consensus=consensus).fit(X)
        assert ensemble.n_clusters_ == 4
        assert adjusted_rand_score(y, ensemble.labels_) == 1.0


def test_n_clusters_is_given_to_members_for_alignment(blobs):
    X, _ = blobs
    ensemble = ClusteringEnsemble(_predicting_members(), n_clusters=3).fit(X)
    assert ensemble.n_clusters_ == 3
    assert ensemble.named_estimators_["km"].n_clusters == 3
    assert ensemble.named_estimators_["gmm"].n_components == 3
    assert ensemble.named_estimators_["scaled"][-1].n_clusters == 3


# --------------------------------------------------------------------------
# co-association
# --------------------------------------------------------------------------


def test_coassociation_matrix_equals_pairwise_count():
    rng = np.random.RandomState(0)
    codes = rng.randint(-1, 4, size=(5, 60))
    weights = np.array([1.0, 2.0, 0.5, 0.0, 1.5])
    same = (codes[:, :, None] == codes[:, None, :]) & (codes[:, :, None] >= 0)
    expected = np.tensordot(weights, same, axes=1) / weights.sum()
    with config_context(working_memory=0.001):  # many small blocks
        result = coassociation_matrix(codes, [4] * 5, weights=weights)
    assert result.dtype == np.float32
    assert_allclose(result, expected, rtol=1e-6)


def test_coassociation_cut_equals_agglomerative_on_hand_matrix(blobs):
    X, _ = blobs
    members = _predicting_members()
    labels = np.stack([clone(m).fit_predict(X) for _, m in members])
    same = (labels[:, :, None] == labels[:, None, :]).mean(axis=0)
    cut = AgglomerativeClustering(4, metric="precomputed", linkage="average")
    expected = cut.fit_predict(1 - same)
    ensemble = ClusteringEnsemble(members, consensus="coassociation").fit(X)
    assert adjusted_rand_score(expected, ensemble.labels_) == 1.0


def test_noise_labels(blobs):
    X, y = blobs
    X_noise = np.vstack([X, [[40.0, 40.0], [-40.0, 40.0]]])
    members = [
        ("dbscan", DBSCAN(eps=1.0)),
        ("dbscan2", DBSCAN(eps=1.2)),
    ]
    fitted = [clone(m).fit(X_noise).labels_ for _, m in members]
    assert all((f[-2:] == -1).all() for f in fitted)
    n_found = len(np.unique(fitted[0][fitted[0] >= 0]))
    for consensus in ("alignment", "coassociation"):
        ensemble = ClusteringEnsemble(members, consensus=consensus).fit(X_noise)
        assert_array_equal(ensemble.labels_[-2:], [-1, -1])
        core = ensemble.labels_ >= 0
        assert np.unique(ensemble.labels_[core]).tolist() == list(range(n_found))
        assert not hasattr(ensemble, "predict")


def test_coassociation_refuses_large_inputs(blobs):
    X, _ = blobs
    ensemble = ClusteringEnsemble(
        _members(), consensus="coassociation", max_coassociation_samples=100
    )
    with pytest.raises(ValueError, match="n_samples=240 is above max_coassociation"):
        ensemble.fit(X)
    ClusteringEnsemble(_members(), max_coassociation_samples=100).fit(X)


# --------------------------------------------------------------------------
# bad input
# --------------------------------------------------------------------------


def test_predict_needs_every_member_to_predict(blobs):
    X, _ = blobs
    ensemble = ClusteringEnsemble(_members())
    assert not hasattr(ensemble, "predict")
    ensemble.fit(X)
    with pytest.raises(AttributeError, match="has no attribute 'predict'") as error:
        ensemble.predict(X)
    # as in scikit-learn's meta-estimators, the cause says which member
    assert "Member 'ward' (AgglomerativeClustering) has no predict" in str(
        error.value.__cause__
    )


@pytest.mark.parametrize(
    "member", [LogisticRegression(), IsolationForest()], ids=["classifier", "detector"]
)
def test_wrong_kind_of_member(blobs, member):
    X, _ = blobs
    with pytest.raises(ValueError, match="Member 'odd' .*not a clusterer"):
        ClusteringEnsemble([*_members(), ("odd", member)]).fit(X)


def test_frozen_member_with_other_n_features(blobs):
    X, _ = blobs
    narrow = FrozenEstimator(KMeans(4, n_init=1, random_state=0).fit(X[:, :1]))
    members = [*_predicting_members(), ("narrow", narrow)]
    with pytest.raises(ValueError, match="Member 'narrow' was fitted on 1 features"):
        ClusteringEnsemble(members).fit(X)


def test_frozen_member_without_predict_needs_same_rows(blobs):
    X, _ = blobs
    ward = FrozenEstimator(AgglomerativeClustering(4).fit(X[:100]))
    with pytest.raises(ValueError, match="Member 'ward' is frozen but cannot predict"):
        ClusteringEnsemble([("ward", ward)]).fit(X)


def test_n_clusters_larger_than_rows(blobs):
    X, _ = blobs
    with pytest.raises(ValueError, match="n_clusters=300 is larger than the number"):
        ClusteringEnsemble(_predicting_members(), n_clusters=300).fit(X)


def test_alignment_needs_a_reference_with_n_clusters(blobs):
    X, _ = blobs
    members = [("ward", FrozenEstimator(AgglomerativeClustering(4).fit(X)))]
    with pytest.raises(ValueError, match="needs a member with n_clusters=3"):
        ClusteringEnsemble(members, n_clusters=3).fit(X)


def test_member_failure_names_the_member(blobs):
    X, _ = blobs
    members = [("huge", KMeans(500, n_init=1))]
    with pytest.raises(ValueError, match="Member 'huge' failed to fit"):
        ClusteringEnsemble(members).fit(X)


def test_member_that_calls_everything_noise(blobs):
    X, y = blobs
    members = [*_predicting_members(), ("empty", DBSCAN(eps=1e-6))]
    for consensus in ("alignment", "coassociation"):
        ensemble = ClusteringEnsemble(members, consensus=consensus).fit(X)
        assert adjusted_rand_score(y, ensemble.labels_) == 1.0
    with pytest.raises(ValueError, match="Member 'empty' labels every row as noise"):
        ClusteringEnsemble(members[::-1]).fit(X)
