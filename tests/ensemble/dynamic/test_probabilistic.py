"""DES-RRC, DES-KL, Exponential, Logarithmic, Minimum Difference."""

import tracemalloc
import warnings
from pathlib import Path

import numpy as np
import pytest
from joblib import parallel_config
from numpy.testing import assert_allclose, assert_array_equal
from sklearn import config_context
from sklearn.ensemble import BaggingClassifier
from sklearn.linear_model import Perceptron
from sklearn.neighbors import NearestNeighbors
from sklearn.tree import DecisionTreeClassifier

from skextra.ensemble import DESKL, RRC, Exponential, Logarithmic, MinimumDifference
from skextra.ensemble._dynamic._probabilistic import (
    all_dsel_competence,
    potential_competence,
)

from . import _pool

METHODS = [RRC, DESKL, Exponential, Logarithmic, MinimumDifference]
SOURCE = np.load(Path(__file__).parent / "data" / "deslib_source_competence.npz")


def _problem(name):
    if name.startswith("edge"):
        return _pool.make_edge_problem(int(name[-1]))
    X, y = _pool.make_data(name)[:2]
    return X, y, _pool.make_pool(name)


@pytest.mark.parametrize("key", SOURCE.files)
def test_source_competence_equals_deslib(key):
    # DESlib's C_src_ on the equivalence pools and on probabilities with exact
    # 0, 1 and ties (one-hot, uniform, two halves).
    name, method = key.split("/")
    X, y, pool = _problem(name)
    est = globals()[method](pool_classifiers=pool).fit(X, y)
    assert_allclose(est.C_src_, SOURCE[key], rtol=1e-13, atol=1e-15)


def test_all_dsel_competence_is_the_dense_sum_in_any_chunking():
    rng = np.random.RandomState(0)
    X_dsel, X = rng.normal(size=(300, 4)), rng.normal(size=(37, 4)) * 2
    C_src = rng.uniform(-1, 1, size=(300, 5))
    dist = np.sqrt(((X[:, None] - X_dsel[None]) ** 2).sum(-1))
    dense = potential_competence(dist, np.tile(np.arange(300), (37, 1)), C_src)
    for chunk_bytes in (1, 8 * 300 * 5, 1 << 30):
        got = all_dsel_competence(X, X_dsel, C_src, chunk_bytes=chunk_bytes)
        assert_allclose(got, dense, rtol=1e-12)


def test_all_dsel_mahalanobis():
    from scipy.spatial.distance import cdist

    X, y, X_test, _ = _pool.make_data("three_class")
    X = X * np.array([1.0, 5.0, 0.2, 1.0, 3.0, 1.0])  # unequal scales
    est = RRC(pool_classifiers=_pool.make_pool("three_class"), knn_metric="mahalanobis")
    est.fit(X, y)
    VI = np.linalg.pinv(np.cov(X, rowvar=False))
    d = cdist(X_test, X, metric="mahalanobis", VI=VI)
    expected = potential_competence(
        d, np.tile(np.arange(len(X)), (len(X_test), 1)), est.C_src_
    )
    got = est._competence(type("B", (), {"X": X_test})())
    assert_allclose(got, expected, rtol=1e-9)


def test_underflowing_potentials_count_as_1e_20():
    # Far from all DSEL rows every potential underflows; DESlib replaces them
    # by 1e-20, so the competence is the plain mean of the source competences.
    X_dsel = np.array([[0.0], [1.0], [2.0]])
    C_src = np.array([[1.0, 0.0], [0.0, 0.0], [0.5, 1.0]])
    far = np.array([[100.0]])
    assert_allclose(all_dsel_competence(far, X_dsel, C_src), [[0.5, 1 / 3]])
    d = np.abs(far - X_dsel.T)
    assert_allclose(
        potential_competence(d, np.array([[0, 1, 2]]), C_src), [[0.5, 1 / 3]]
    )


@pytest.mark.parametrize("method", METHODS)
def test_batches_do_not_change_predictions(method):
    X, y, X_test, _ = _pool.make_data("three_class")
    pool = _pool.make_pool("three_class")
    est = method(pool_classifiers=pool).fit(X, y)
    proba = est.predict_proba(X_test)
    with config_context(working_memory=0.01):  # a few rows per batch
        assert_array_equal(est.predict(X_test), proba.argmax(axis=1))
        assert_allclose(est.predict_proba(X_test), proba, rtol=1e-12)


@pytest.mark.parametrize("method", [RRC, MinimumDifference])
def test_with_IH_and_all_dsel(method):
    # DESlib raises TypeError for with_IH=True with k=None. skextra measures
    # the hardness on the safe_k (default 7) nearest DSEL rows: easy rows get
    # their majority class, the others the dynamic-selection prediction.
    X, y, X_test, _ = _pool.make_data("binary")
    pool = _pool.make_pool("binary")
    for dfp in (False, True):
        plain = method(pool_classifiers=pool, DFP=dfp).fit(X, y).predict(X_test)
        ih = method(pool_classifiers=pool, DFP=dfp, with_IH=True, IH_rate=0.2)
        got = ih.fit(X, y).predict(X_test)
        nb = NearestNeighbors().fit(X).kneighbors(X_test, 7, return_distance=False)
        counts = np.stack([(y[nb] == c).sum(axis=1) for c in (0, 1)], axis=1)
        hardness = (7 - counts.max(axis=1)) / 7
        base = np.column_stack([m.predict(X_test) for m in pool])
        easy = (hardness < 0.2) & (base != base[:, :1]).any(axis=1)
        assert 0 < easy.sum() < easy.size
        assert_array_equal(got[easy], counts[easy].argmax(axis=1))
        assert_array_equal(got[~easy], plain[~easy])
        assert ih.safe_k_ == 7 and ih.safe_k is None


def test_DFP_with_all_dsel_prunes_members_right_on_one_class():
    # A member that predicts class 0 everywhere is right on rows of one class
    # only: with k=None and DFP=True it is pruned for every query.
    X, y, X_test, _ = _pool.make_data("binary")
    pool = _pool.make_pool("binary")
    const = _pool.FixedLinearClassifier(np.zeros((6, 2)), np.array([1.0, 0.0])).fit(
        X, y
    )
    est = Exponential(pool_classifiers=pool + [const], DFP=True).fit(X, y)
    mask = est._dfp_mask(type("B", (), {"X": X_test})())
    assert_array_equal(mask[:, -1], 0.0)
    assert_array_equal(mask[:, :-1], 1.0)


def test_large_dsel_fits_in_memory():
    # 200,000 DSEL rows: DESlib's k=None needs n_test x n_dsel x n_members
    # floats (3.2 GB for 250 test rows and 8 members); skextra stays within
    # the batch of potentials.
    rng = np.random.RandomState(0)
    n_dsel, n_test = 200_000, 250
    X = rng.normal(size=(n_dsel + n_test, 4))
    y = (X[:, 0] + 0.3 * rng.normal(size=len(X)) > 0).astype(int)
    pool = [
        _pool.FixedLinearClassifier(np.column_stack([-w, w]), np.zeros(2)).fit(X, y)
        for w in rng.normal(size=(8, 4)) + np.array([1.0, 0, 0, 0])
    ]
    est = Exponential(pool_classifiers=pool).fit(X[:n_dsel], y[:n_dsel])
    tracemalloc.start()
    try:
        with config_context(working_memory=64):
            pred = est.predict(X[n_dsel:])
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 256 * 2**20
    assert (pred == y[n_dsel:]).mean() > 0.8


def test_default_pool_same_for_any_n_jobs_and_backend():
    X, y, X_test, _ = _pool.make_data("three_class")
    est = Exponential(random_state=0, k=9)
    p1 = est.set_params(n_jobs=1).fit(X, y).predict_proba(X_test)
    p2 = est.set_params(n_jobs=2).fit(X, y).predict_proba(X_test)
    with parallel_config(backend="threading"):
        p3 = est.set_params(n_jobs=2).fit(X, y).predict_proba(X_test)
    assert_array_equal(p1, p2)
    assert_array_equal(p1, p3)


def test_bad_input():
    X, y, _, _ = _pool.make_data("binary")
    pool = _pool.make_pool("binary")
    with pytest.raises(ValueError, match="at least 2 classifiers"):
        RRC(pool_classifiers=pool[:1]).fit(X, y)
    perceptrons = BaggingClassifier(Perceptron(), n_estimators=3, random_state=0)
    with pytest.raises(ValueError, match="predict_proba"):
        DESKL(pool_classifiers=perceptrons.fit(X, y)).fit(X, y)
    with pytest.raises(ValueError, match="features"):
        RRC(pool_classifiers=pool).fit(X[:, :4], y)
    with pytest.raises(ValueError, match="'k' parameter of RRC must be an int"):
        RRC(pool_classifiers=pool, k=0).fit(X, y)
    single = DecisionTreeClassifier().fit(X, np.zeros_like(y))
    with pytest.raises(ValueError, match="needs at least 2 classes"):
        Logarithmic(pool_classifiers=[single, single]).fit(X, np.zeros_like(y))


def test_k_larger_than_dsel_uses_all_rows():
    X, y, X_test, _ = _pool.make_data("binary")
    pool = _pool.make_pool("binary")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        expected = RRC(pool_classifiers=pool).fit(X, y).predict_proba(X_test)
    with pytest.warns(RuntimeWarning, match="larger than DSEL"):
        est = RRC(pool_classifiers=pool, k=10_000).fit(X, y)
    assert_allclose(est.predict_proba(X_test), expected)
