"""DES-Clustering."""

import numpy as np
import pytest
from numpy.testing import assert_array_equal
from sklearn.base import BaseEstimator, ClusterMixin
from sklearn.cluster import KMeans
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import balanced_accuracy_score

from skextra.ensemble import DESClustering
from skextra.ensemble._dynamic._diversity import pairwise_diversity

from . import _pool


def _data():
    X, y, X_test, _ = _pool.make_data("three_class")
    return X, y, X_test, _pool.make_pool("three_class")


def test_clusters_performance_and_ensembles_from_definition():
    X, y, X_test, pool = _data()
    est = DESClustering(pool_classifiers=pool, n_clusters=4, random_state=1).fit(X, y)
    km = KMeans(n_clusters=4, random_state=1).fit(X)
    labels = km.predict(X)
    base = np.column_stack([m.predict(X) for m in pool])
    for c in range(4):
        rows = labels == c
        hits = base[rows] == y[rows, None]
        assert_array_equal(est.performance_cluster_[c], hits.mean(axis=0))
        div = pairwise_diversity(hits[None], "DF")[0]
        # Stable ranking, ties reversed, as DESlib's argsort(...)[::-1].
        accurate = sorted(range(10), key=lambda m: (-hits.mean(axis=0)[m], -m))[:5]
        pos = sorted(range(5), key=lambda p: (-div[accurate[p]], -p))[: est.J_]
        assert_array_equal(est.indices_[c], [accurate[p] for p in pos])
    test_base = np.column_stack([m.predict(X_test) for m in pool])
    cluster = km.predict(X_test)
    votes = np.stack(
        [
            np.bincount(row[est.indices_[c]], minlength=3)
            for row, c in zip(test_base, cluster)
        ]
    )
    agree = (test_base == test_base[:, :1]).all(axis=1)
    expected = np.where(agree, test_base[:, 0], votes.argmax(axis=1))
    assert_array_equal(est.predict(X_test), expected)


def test_metric_performance_and_given_clustering():
    X, y, X_test, pool = _data()
    clustering = KMeans(n_clusters=3, random_state=0)
    est = DESClustering(
        pool_classifiers=pool,
        clustering=clustering,
        metric_performance="balanced_accuracy_score",
    ).fit(X, y)
    assert not hasattr(clustering, "cluster_centers_")  # copied, not fitted
    labels = est.clustering_.predict(X)
    rows = labels == 1
    expected = [balanced_accuracy_score(y[rows], m.predict(X[rows])) for m in pool]
    assert_array_equal(est.performance_cluster_[1], expected)
    with pytest.raises(ValueError, match="not a scikit-learn metric"):
        DESClustering(pool_classifiers=pool, metric_performance="kmeans").fit(X, y)


class _TwoOfThree(ClusterMixin, BaseEstimator):
    """Three clusters, the last one never used on the fitted data."""

    n_clusters = 3

    def fit(self, X, y=None):
        self.median_ = np.median(X[:, 0])
        return self

    def predict(self, X):
        return (X[:, 0] > self.median_).astype(int) + 2 * (X[:, 0] > 1e9)


def test_empty_cluster_ranks_on_all_dsel():
    # DESlib raises in np.apply_along_axis on an empty cluster.
    X, y, X_test, pool = _data()
    est = DESClustering(pool_classifiers=pool, clustering=_TwoOfThree()).fit(X, y)
    hits = np.column_stack([m.predict(X) for m in pool]) == y[:, None]
    assert_array_equal(est.performance_cluster_[2], hits.mean(axis=0))


def test_more_clusters_than_dsel_rows_warns():
    X, y, _, pool = _data()
    with pytest.warns(RuntimeWarning, match="n_clusters=20 is larger than DSEL"):
        est = DESClustering(pool_classifiers=pool, n_clusters=20, random_state=0)
        est.fit(X[:12], y[:12])
    assert est.n_clusters_ == 12


def test_clustering_that_is_not_a_clusterer_is_refused():
    X, y, _, pool = _data()
    with pytest.raises(ValueError, match="clustering must be a clustering estimator"):
        DESClustering(pool_classifiers=pool, clustering=LogisticRegression()).fit(X, y)
