"""GPUNeighbors gives scikit-learn's exact neighbours on every namespace."""

import numpy as np
import pytest
from sklearn.neighbors import NearestNeighbors

from skextra.gpu import GPUNeighbors
from skextra.utils import get_namespace, to_numpy

xps = pytest.importorskip("array_api_strict")


def _namespaces():
    yield "numpy"
    yield "array_api_strict"
    try:
        import torch  # noqa: F401
    except ImportError:
        return
    yield "torch"


def _as(namespace, array):
    if namespace == "numpy":
        return array
    if namespace == "array_api_strict":
        return xps.asarray(array)
    import torch

    return torch.asarray(array)


def _library(array):
    return type(array).__module__.split(".")[0]


@pytest.fixture(scope="module")
def data():
    rng = np.random.RandomState(42)
    X = rng.normal(size=(400, 6)) * 3 + 50.0
    Q = rng.normal(size=(90, 6)) * 3 + 50.0
    return X, Q


@pytest.mark.parametrize("namespace", list(_namespaces()))
@pytest.mark.parametrize("batch_size", [None, 1, 17])
@pytest.mark.parametrize("k", [1, 5, 30])
def test_same_neighbours_as_sklearn(data, namespace, batch_size, k):
    X, Q = data
    ref_dist, ref_ind = NearestNeighbors(n_neighbors=k).fit(X).kneighbors(Q)
    nn = GPUNeighbors(batch_size=batch_size, device="cpu").fit(_as(namespace, X))
    dist, ind = nn.kneighbors(_as(namespace, Q), n_neighbors=k)
    assert _library(ind) == _library(_as(namespace, Q))
    np.testing.assert_array_equal(to_numpy(ind), ref_ind)
    np.testing.assert_allclose(to_numpy(dist), ref_dist, rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("namespace", list(_namespaces()))
def test_query_the_indexed_rows_excludes_each_row(data, namespace):
    X, _ = data
    ref_dist, ref_ind = NearestNeighbors(n_neighbors=6).fit(X).kneighbors()
    nn = GPUNeighbors(n_neighbors=6, batch_size=64, device="cpu").fit(_as(namespace, X))
    dist, ind = nn.kneighbors()
    np.testing.assert_array_equal(to_numpy(ind), ref_ind)
    np.testing.assert_allclose(to_numpy(dist), ref_dist, rtol=1e-12, atol=1e-12)
    only_ind = nn.kneighbors(return_distance=False)
    np.testing.assert_array_equal(to_numpy(only_ind), ref_ind)


@pytest.mark.parametrize("namespace", list(_namespaces()))
@pytest.mark.parametrize("batch_size", [None, 3])
def test_ties_are_broken_by_row_index(namespace, batch_size):
    # Small integer features: many exactly equal distances.
    rng = np.random.RandomState(0)
    X = rng.randint(0, 3, size=(300, 3)).astype(float) + 1000.0
    Q = rng.randint(0, 3, size=(60, 3)).astype(float) + 1000.0
    k = 12
    exact = np.sqrt(((Q[:, None, :] - X[None, :, :]) ** 2).sum(axis=2))
    expected = np.argsort(exact, axis=1, kind="stable")[:, :k]
    nn = GPUNeighbors(batch_size=batch_size, device="cpu").fit(_as(namespace, X))
    dist, ind = nn.kneighbors(_as(namespace, Q), n_neighbors=k)
    np.testing.assert_array_equal(to_numpy(ind), expected)
    # scikit-learn returns the same distances; which of the tied rows it
    # returns is not defined, so only the distances are compared with it.
    ref_dist, _ = NearestNeighbors(n_neighbors=k).fit(X).kneighbors(Q)
    np.testing.assert_array_equal(to_numpy(dist), ref_dist)


def test_ties_with_self_exclusion():
    X = np.repeat(np.arange(5.0)[:, None], 4, axis=0)  # every row four times
    dist, ind = GPUNeighbors(device="cpu").fit(X).kneighbors(n_neighbors=3)
    assert (dist == 0).all()
    for row in range(len(X)):
        assert row not in ind[row]
        twins = np.flatnonzero(X[:, 0] == X[row, 0])
        np.testing.assert_array_equal(ind[row], twins[twins != row])


def test_float32_stays_float32(data):
    X, Q = data
    nn = GPUNeighbors(device="cpu").fit(X.astype(np.float32))
    dist, ind = nn.kneighbors(Q.astype(np.float32), n_neighbors=3)
    assert dist.dtype == np.float32
    _, ref_ind = NearestNeighbors(n_neighbors=3).fit(X).kneighbors(Q)
    assert (ind == ref_ind).mean() > 0.99


def test_pandas_and_lists_are_accepted(data):
    pd = pytest.importorskip("pandas")
    X, Q = data
    nn = GPUNeighbors(device="cpu").fit(pd.DataFrame(X, columns=list("abcdef")))
    _, ind = nn.kneighbors(pd.DataFrame(Q, columns=list("abcdef")), n_neighbors=2)
    _, ref = NearestNeighbors(n_neighbors=2).fit(X).kneighbors(Q)
    np.testing.assert_array_equal(ind, ref)
    _, ind = GPUNeighbors(device="cpu").fit(X.tolist()).kneighbors(Q.tolist(), 2)
    np.testing.assert_array_equal(ind, ref)


@pytest.mark.parametrize("namespace", list(_namespaces()))
def test_errors(data, namespace):
    X, Q = data
    nn = GPUNeighbors(device="cpu").fit(_as(namespace, X[:10]))
    with pytest.raises(ValueError, match="Expected n_neighbors <= n_samples_fit"):
        nn.kneighbors(_as(namespace, Q), n_neighbors=11)
    with pytest.raises(ValueError, match="Expected n_neighbors < n_samples_fit"):
        nn.kneighbors(n_neighbors=10)
    with pytest.raises(
        ValueError, match="X has 3 features, but GPUNeighbors is expecting 6"
    ):
        nn.kneighbors(_as(namespace, Q[:, :3]), n_neighbors=2)
    with pytest.raises(ValueError, match="n_neighbors must be a positive integer"):
        nn.kneighbors(_as(namespace, Q), n_neighbors=0)
    bad = X[:10].copy()
    bad[3, 2] = np.nan
    with pytest.raises(ValueError, match="NaN"):
        GPUNeighbors(device="cpu").fit(_as(namespace, bad))


def test_without_gpu_device_gpu_raises(no_gpu, data):
    with pytest.raises(RuntimeError, match="no GPU is usable"):
        GPUNeighbors(device="gpu").fit(data[0])


def test_numpy_data_is_searched_on_the_gpu_namespace(fake_gpu, monkeypatch, data):
    """device='gpu' moves NumPy data to the GPU library and brings results back."""
    from skextra.gpu import _device

    monkeypatch.setattr(_device, "_gpu_namespace", lambda: (xps, None))
    X, Q = data
    nn = GPUNeighbors(device="auto").fit(X)
    assert nn.device_ == "gpu"
    assert get_namespace(nn._fit_X) is xps
    dist, ind = nn.kneighbors(Q, n_neighbors=4)
    assert isinstance(ind, np.ndarray) and isinstance(dist, np.ndarray)
    assert isinstance(nn.kneighbors(n_neighbors=2, return_distance=False), np.ndarray)
    _, ref = NearestNeighbors(n_neighbors=4).fit(X).kneighbors(Q)
    np.testing.assert_array_equal(ind, ref)


@pytest.mark.gpu
def test_same_neighbours_on_a_real_gpu(data):
    X, Q = data
    nn = GPUNeighbors(device="gpu").fit(X)
    _, ind = nn.kneighbors(Q, n_neighbors=7)
    _, ref = NearestNeighbors(n_neighbors=7).fit(X).kneighbors(Q)
    np.testing.assert_array_equal(ind, ref)


def test_dynamic_selection_with_the_gpu_searcher_predicts_the_same():
    from sklearn.datasets import make_classification

    from skextra.ensemble import KNORAE

    X, y = make_classification(n_samples=300, n_features=6, random_state=1)
    default = KNORAE(k=7, random_state=0).fit(X[:200], y[:200])
    gpu = KNORAE(k=7, random_state=0, knn_classifier=GPUNeighbors(device="cpu"))
    gpu.fit(X[:200], y[:200])
    np.testing.assert_array_equal(gpu.predict(X[200:]), default.predict(X[200:]))
    np.testing.assert_array_equal(
        gpu.predict_proba(X[200:]), default.predict_proba(X[200:])
    )
