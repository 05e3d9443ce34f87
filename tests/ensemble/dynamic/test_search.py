"""Exchangeable neighbour searches: BLAS brute force, approximate, precomputed."""

import pickle
import sys

import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_array_equal
from sklearn.datasets import make_classification
from sklearn.ensemble import BaggingClassifier
from sklearn.model_selection import train_test_split
from sklearn.neighbors import NearestNeighbors
from sklearn.tree import DecisionTreeClassifier

from skextra.ensemble import (
    DESP,
    KNORAE,
    KNORAU,
    MCB,
    MLA,
    OLA,
    RRC,
    ANNNeighbors,
    PrecomputedNeighbors,
)
from skextra.ensemble._dynamic._neighbors import (
    ExactNeighbors,
    canonical_order,
    make_searcher,
)
from skextra.ensemble._dynamic._search import (
    BlockNeighbors,
    _fold_max,
    _hits,
    _sort_within_rows,
    choose_exact,
)


def _with_duplicates(seed=0, n=400, d=5, offset=0.0, scale=1.0):
    rng = np.random.RandomState(seed)
    X = rng.normal(size=(n, d)) * scale + offset
    X = np.vstack([X, X[:40], X[:15]])  # rows 0..14 appear three times
    Q = np.vstack([X[:30], rng.normal(size=(50, d)) * scale + offset])
    return X, Q


@pytest.fixture(params=["scan_all", "cells"])
def mode(request, monkeypatch):
    """Both ways of ``BlockNeighbors``: every row of DSEL multiplied by
    every query, or only the cells that can hold a neighbour."""
    from skextra.ensemble._dynamic import _search

    scans_all = request.param == "scan_all"
    monkeypatch.setattr(_search, "_scans_all", lambda n_rows, n_features: scans_all)
    return request.param


def _full_sort(X, Q, k):
    """The k nearest by (exact distance, index), from all distances."""
    dist = np.sqrt(((Q[:, None, :] - X[None, :, :]) ** 2).sum(axis=2))
    index = np.broadcast_to(np.arange(X.shape[0]), dist.shape)
    return np.lexsort((index, dist), axis=1)[:, :k]


def _exact_ranked(X, Q, ind):
    """The rows ``ind`` ordered by (exact distance, index)."""
    dist = np.linalg.norm(Q[:, None, :] - X[ind], axis=2)
    return np.take_along_axis(ind, np.lexsort((ind, dist), axis=1), axis=1)


@pytest.mark.parametrize("k", [1, 3, 16, 56])
def test_block_search_matches_sklearn_brute_including_duplicated_rows(k, mode):
    X, Q = _with_duplicates()
    sk_dist, sk_ind = NearestNeighbors(algorithm="brute").fit(X).kneighbors(Q, k)
    dist, ind = BlockNeighbors().fit(X).kneighbors(Q, k)
    assert_array_equal(ind, _full_sort(X, Q, k))
    assert_allclose(dist, np.sort(sk_dist, axis=1), atol=1e-7)
    # scikit-learn's product rounds copies of a row apart (by the BLAS
    # kernel and the row's place in its block), so it may keep any copy at
    # the k-th place and order copies any way; elsewhere the rows found
    # are the same.
    exact = np.sort(np.linalg.norm(Q[:, None] - X[None], axis=2), axis=1)
    clear = exact[:, k - 1] < exact[:, k]
    assert clear.sum() >= 40
    assert_array_equal(ind[clear], _exact_ranked(X, Q, sk_ind)[clear])
    # Queries equal to a row tripled in X get its three copies first.
    assert_array_equal(ind[:15, : min(k, 3)], np.c_[:15, 400:415, 440:455][:, :k])


@pytest.mark.parametrize(
    "offset, scale", [(1e6, 1.0), (1e8, 1e3), (-3.0, 1e-4), (0.0, 1e12), (5e16, 1e16)]
)
def test_block_search_is_exact_far_from_the_origin(offset, scale, mode):
    X, Q = _with_duplicates(seed=1, offset=offset, scale=scale)
    for k in (1, 7):
        ind = BlockNeighbors().fit(X).kneighbors(Q, k, return_distance=False)
        assert_array_equal(ind, _full_sort(X, Q, k))


def test_block_search_breaks_ties_of_integer_data_by_index(mode):
    rng = np.random.RandomState(2)
    X = rng.randint(0, 3, size=(300, 4)).astype(float)
    Q = rng.randint(0, 3, size=(60, 4)).astype(float)
    ind = BlockNeighbors().fit(X).kneighbors(Q, 12, return_distance=False)
    assert_array_equal(ind, _full_sort(X, Q, 12))


def test_block_search_in_small_blocks_gives_the_same_result(mode):
    from sklearn import config_context

    X, Q = _with_duplicates(seed=3)
    whole = BlockNeighbors().fit(X).kneighbors(Q, 5)
    with config_context(working_memory=0.01):
        small = BlockNeighbors().fit(X).kneighbors(Q, 5)
    assert_array_equal(small[1], whole[1])
    assert_array_equal(small[0], whole[0])


@pytest.mark.parametrize("algorithm", ["auto", "sklearn", "blas", "brute"])
def test_every_exact_algorithm_gives_the_canonical_neighbours(algorithm):
    X, Q = _with_duplicates(seed=4)
    searcher = ExactNeighbors(algorithm=algorithm).fit(X)
    dist, ind = searcher.kneighbors(Q, 6)
    expected = _full_sort(X, Q, 6)
    # Exact distances whatever the algorithm: the trees' bit for bit.
    trees = NearestNeighbors(algorithm="kd_tree").fit(X).kneighbors(Q, 6)[0]
    assert_array_equal(dist, trees)
    if algorithm in ("blas", "auto"):
        assert_array_equal(ind, expected)
    # Trees and scikit-learn's product may keep any of the rows tied at the
    # k-th distance; where none tie there, every algorithm agrees.
    exact = np.sort(np.linalg.norm(Q[:, None] - X[None], axis=2), axis=1)
    clear = exact[:, 5] < exact[:, 6]
    assert_array_equal(ind[clear], expected[clear])


def test_block_search_rejects_bad_queries():
    searcher = BlockNeighbors().fit(np.zeros((5, 2)))
    with pytest.raises(ValueError, match="n_neighbors <= n_samples_fit"):
        searcher.kneighbors(np.zeros((1, 2)), 6)
    with pytest.raises(ValueError, match="expecting 2D arrays with 2 features"):
        searcher.kneighbors(np.zeros((1, 3)), 2)


def test_rule_follows_the_measured_crossover():
    assert choose_exact(100_000, 4, 7) == "kd_tree"
    assert choose_exact(6_000, 16, 7) == "blas"
    assert choose_exact(3_000, 16, 7) == "blas"
    assert choose_exact(400, 16, 7) == "blas"
    assert choose_exact(30, 5, 7) == "blas"
    assert choose_exact(100_000, 4, 7, metric="manhattan") == "brute"
    searcher = make_searcher("knn", k=7).fit(np.zeros((50_000, 3)))
    assert searcher.algorithm_ == "kd_tree"
    searcher = make_searcher("knn", k=7).fit(np.zeros((5_000, 8)))
    assert searcher.algorithm_ == "blas"


def _clustered(seed, n, d, dtype=np.float64):
    X, _ = make_classification(
        n_samples=n, n_features=d, n_informative=d // 2, random_state=seed
    )
    return X.astype(dtype)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("k", [1, 7, 30])
def test_block_search_equals_the_trees_bit_for_bit(dtype, k, mode):
    X = _clustered(7, 5000, 12, dtype)
    X, Q = X[:4000], X[4000:]
    dist, ind = BlockNeighbors().fit(X).kneighbors(Q, k)
    # float32 rows are searched as the float64 numbers they are.
    X, Q = X.astype(np.float64), Q.astype(np.float64)
    for algorithm in ("kd_tree", "ball_tree"):
        nn = NearestNeighbors(algorithm=algorithm).fit(X)
        sk_dist, sk_ind = canonical_order(*nn.kneighbors(Q, k))
        assert_array_equal(ind, sk_ind)
        assert_array_equal(dist, sk_dist)
    sk_dist, sk_ind = canonical_order(
        *NearestNeighbors(algorithm="brute").fit(X).kneighbors(Q, k)
    )
    assert_array_equal(ind, sk_ind)
    assert_allclose(dist, sk_dist, rtol=1e-9)


@pytest.mark.parametrize("k", [1, 5, 40])
def test_block_search_keeps_the_lowest_indices_among_many_ties(k, mode):
    rng = np.random.RandomState(8)
    base = rng.randint(0, 4, size=(150, 6)).astype(float)
    X = np.vstack([base] * 30)  # 4,500 rows, each repeated 30 times
    Q = np.vstack([base[:40], rng.randint(0, 4, size=(40, 6)) + 0.5])
    ind = BlockNeighbors().fit(X).kneighbors(Q, k, return_distance=False)
    assert_array_equal(ind, _full_sort(X, Q, k))


@pytest.mark.parametrize("k", [1, 4, 9, 700])
def test_block_search_over_distinct_rows_keeps_the_lowest_copies(mode, k):
    rng = np.random.RandomState(11)
    base = rng.randint(0, 3, size=(8, 3)).astype(float)
    X = base[rng.randint(0, 8, size=3000)]
    # Zeros of either sign are equal values with different bytes.
    X[::5] = np.where(X[::5] == 0, -0.0, X[::5])
    Q = np.vstack([base, rng.randint(0, 3, size=(30, 3)) + 0.5])
    searcher = BlockNeighbors().fit(X)
    assert searcher._rows.shape[0] < 16
    assert searcher._by_cells == (mode == "cells")
    dist, ind = searcher.kneighbors(Q, k)
    assert_array_equal(ind, _full_sort(X, Q, k))
    assert_array_equal(dist, np.linalg.norm(X[ind] - Q[:, None], axis=2))


@pytest.mark.parametrize("name, value", [("_SAFETY", -1e6), ("_MAX_CANDIDATES", 0)])
def test_block_search_over_all_rows_for_crowded_or_broken_queries(
    monkeypatch, mode, name, value
):
    from skextra.ensemble._dynamic import _search

    X, Q = _with_duplicates(seed=9, n=3000)
    expected = _full_sort(X, Q, 6)
    # A negative rounding bound keeps (almost) no candidate, a cap of 0
    # candidates makes every query crowded: every row is then searched
    # with float64 products over all of DSEL.
    monkeypatch.setattr(_search, name, value)
    ind = BlockNeighbors().fit(X).kneighbors(Q, 6, return_distance=False)
    assert_array_equal(ind, expected)


@pytest.mark.parametrize("cls", [KNORAE, KNORAU, OLA, MLA, DESP])
def test_every_exact_search_gives_the_same_predictions(cls):
    # Continuous data: no two DSEL rows tie at a k-th distance, where the
    # algorithms may keep different rows (the searcher tests cover ties).
    X, y = make_classification(
        n_samples=9000, n_features=10, n_informative=5, random_state=10
    )
    pool = BaggingClassifier(
        DecisionTreeClassifier(max_depth=5), n_estimators=8, random_state=0
    ).fit(X[:3000], y[:3000])
    outputs = []
    for algorithm in ("blas", "brute", "kd_tree"):
        est = cls(pool, knn_classifier=ExactNeighbors(algorithm=algorithm))
        est.fit(X[3000:7500], y[3000:7500])
        outputs.append((est.predict(X[7500:]), est.predict_proba(X[7500:])))
    default = cls(pool).fit(X[3000:7500], y[3000:7500])
    assert default.roc_algorithm_.algorithm_ == "blas"
    outputs.append((default.predict(X[7500:]), default.predict_proba(X[7500:])))
    for labels, proba in outputs[1:]:
        assert_array_equal(labels, outputs[0][0])
        assert_array_equal(proba, outputs[0][1])


def _problem(seed=0, n=900):
    X, y = make_classification(
        n_samples=n, n_features=6, n_informative=4, random_state=seed
    )
    X_train, X_rest, y_train, y_rest = train_test_split(X, y, random_state=seed)
    X_dsel, X_test, y_dsel, _ = train_test_split(X_rest, y_rest, random_state=seed)
    pool = BaggingClassifier(
        DecisionTreeClassifier(max_depth=4), n_estimators=10, random_state=seed
    ).fit(X_train, y_train)
    return pool, X_dsel, y_dsel, X_test


@pytest.mark.parametrize("cls", [KNORAE, KNORAU, OLA, MCB, DESP])
def test_precomputed_neighbours_predict_as_the_exact_search(cls):
    pool, X_dsel, y_dsel, X_test = _problem()
    exact = cls(pool, k=7, random_state=0).fit(X_dsel, y_dsel)
    dist, ind = exact.roc_algorithm_.kneighbors(X_test, 7)
    for distances in (None, dist):
        stored = PrecomputedNeighbors(ind, distances, X=X_test)
        est = cls(pool, k=7, random_state=0, knn_classifier=stored)
        est.fit(X_dsel, y_dsel)
        assert_array_equal(est.predict(X_test), exact.predict(X_test))
        assert_allclose(est.predict_proba(X_test), exact.predict_proba(X_test))


def test_precomputed_neighbours_without_rows_need_the_same_queries():
    X, Q = _with_duplicates(seed=5)
    dist, ind = BlockNeighbors().fit(X).kneighbors(Q, 4)
    stored = PrecomputedNeighbors(ind[:, ::-1]).fit(X)
    d, i = stored.kneighbors(Q, 3)
    assert_array_equal(i, ind[:, :3])
    assert_allclose(d, dist[:, :3])
    with pytest.raises(ValueError, match=r"expected X of shape \(80, 5\)"):
        stored.kneighbors(Q[:10], 3)


def test_precomputed_neighbours_name_the_shape_expected():
    X = np.zeros((10, 2))
    with pytest.raises(ValueError, match=r"inside DSEL: expected values in \[0, 10\)"):
        PrecomputedNeighbors(np.array([[0, 10]])).fit(X)
    with pytest.raises(ValueError, match=r"shape \(n_queries, n_neighbors\)"):
        PrecomputedNeighbors(np.array([0, 1])).fit(X)
    with pytest.raises(ValueError, match=r"distances must have shape \(1, 2\)"):
        PrecomputedNeighbors(np.array([[0, 1]]), np.zeros((1, 3))).fit(X)
    with pytest.raises(ValueError, match=r"X must have shape \(1, 2\)"):
        PrecomputedNeighbors(np.array([[0, 1]]), X=np.zeros((2, 2))).fit(X)
    stored = PrecomputedNeighbors(np.array([[0, 1]]), X=np.ones((1, 2))).fit(X)
    with pytest.raises(ValueError, match=r"needs indices of shape \(1, 3\)"):
        stored.kneighbors(np.ones((1, 2)), 3)
    with pytest.raises(ValueError, match="1 of the 1 query rows are not among"):
        stored.kneighbors(np.zeros((1, 2)), 2)


def test_approximate_search_names_the_extra_when_faiss_is_missing(monkeypatch):
    monkeypatch.setitem(sys.modules, "faiss", None)
    with pytest.raises(ImportError, match=r"skextra\[ann\]"):
        make_searcher("faiss").fit(np.zeros((5, 2)))


@pytest.mark.parametrize("index", ["flat", "hnsw", "ivf"])
def test_approximate_search_finds_most_exact_neighbours(index):
    pytest.importorskip("faiss")
    rng = np.random.RandomState(6)
    X, Q = rng.normal(size=(3000, 8)), rng.normal(size=(300, 8))
    exact = BlockNeighbors().fit(X).kneighbors(Q, 7, return_distance=False)
    dist, ind = ANNNeighbors(index=index).fit(X).kneighbors(Q, 7)
    recall = np.mean([np.isin(a, b).mean() for a, b in zip(ind, exact)])
    assert recall >= (1.0 if index == "flat" else 0.9)
    # Distances are exact and sorted, ties by index.
    assert_allclose(dist, np.linalg.norm(X[ind] - Q[:, None], axis=2), rtol=1e-12)
    assert_array_equal(canonical_order(dist, ind)[1], ind)


def test_faiss_by_name_in_an_estimator():
    pytest.importorskip("faiss")
    pool, X_dsel, y_dsel, X_test = _problem(seed=1)
    exact = KNORAE(pool).fit(X_dsel, y_dsel).predict(X_test)
    approx = KNORAE(pool, knn_classifier="faiss").fit(X_dsel, y_dsel)
    assert np.mean(approx.predict(X_test) == exact) >= 0.95
    loaded = pickle.loads(pickle.dumps(approx))
    assert_array_equal(loaded.predict(X_test), approx.predict(X_test))


class _FirstClassTree(DecisionTreeClassifier):
    def predict(self, X, check_input=True):
        return np.full(np.shape(X)[0], self.classes_[0])

    def predict_proba(self, X, check_input=True):
        return np.repeat([[1.0, 0.0]], np.shape(X)[0], axis=0)


def test_tree_members_with_their_own_predict_are_asked():
    pool, X_dsel, y_dsel, X_test = _problem(seed=2)
    trees = [t for t in pool.estimators_]
    own = []
    for tree in trees:
        copy = _FirstClassTree(max_depth=4).fit(X_dsel, y_dsel)
        copy.tree_ = tree.tree_
        own.append(copy)
    plain = KNORAE(trees).fit(X_dsel, y_dsel).predict(X_test)
    assert_array_equal(plain, KNORAE(pool).fit(X_dsel, y_dsel).predict(X_test))
    assert len(set(plain)) == 2
    # Every member predicts the first class: they agree on every row.
    assert_array_equal(KNORAE(own).fit(X_dsel, y_dsel).predict(X_test), 0)
    assert_array_equal(RRC(own).fit(X_dsel, y_dsel).predict_proba(X_test)[:, 0], 1)


@pytest.mark.parametrize("layout", ["sorted", "shuffled", "one wide row"])
def test_sort_within_rows_is_lexsort(layout):
    rng = np.random.default_rng(0)
    rows = np.sort(rng.integers(0, 300, 3000))
    if layout == "one wide row":
        rows = np.concatenate([rows, np.full(5000, 7)])
    dist = np.round(rng.random(rows.size), 2)  # many ties
    if layout == "shuffled":
        order = rng.permutation(rows.size)
        rows, dist = rows[order], dist[order]
    assert_array_equal(_sort_within_rows(rows, dist, 300), np.lexsort((dist, rows)))


@pytest.mark.parametrize(
    "n, width, folds, kept",
    [(6000, 46, 7, 3), (1800, 28, 6, 3), (64, 8, 3, 3), (100, 25, 2, 1), (9, 9, 0, 0)],
)
def test_fold_max_and_hits(n, width, folds, kept):
    rng = np.random.default_rng(0)
    g = np.round(rng.standard_normal((13, n)), 1).astype(np.float32)  # ties
    span = width << folds
    wide = width << (folds - kept)
    level = np.empty((13, wide), dtype=np.float32)
    rest = np.empty((13, max(1, wide // 2)), dtype=np.float32)
    best, level = _fold_max(g, width, folds, kept, level, rest)
    groups = g[:, :span].reshape(13, 1 << folds, width)
    assert_array_equal(best, groups.max(axis=1))
    assert_array_equal(level, g[:, :span].reshape(13, 1 << kept, wide).max(axis=1))
    thr = np.quantile(g, 0.99, axis=1).astype(np.float32)
    above = np.empty(level.size, dtype=bool)
    expected = np.flatnonzero(g >= thr[:, None])
    assert expected.size > 13
    assert_array_equal(_hits(g, level, thr, span, above), expected)
