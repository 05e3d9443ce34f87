"""Neighbour searchers beyond scikit-learn's: BLAS brute force, approximate
(faiss, hnswlib) and precomputed.

Each class has the searcher interface of ``_neighbors.py`` (``fit(X)`` and
``kneighbors(X, n_neighbors, return_distance=True)``) and can be passed as
``knn_classifier`` to every dynamic-selection estimator.

:class:`BlockNeighbors` is exact. Each block of query rows (sized with
``working_memory``) is one matrix product giving approximate squared
distances; every row keeping all candidates within a rounding bound of its
``k``-th smallest value, so the true ``k`` nearest are among them; their
distances are recomputed exactly (``sqrt(sum((x - q) ** 2))`` on the
original float64 data, the formula scikit-learn's trees use) and sorted by
distance, then index. The result is the canonical order of
``canonical_order`` whatever the rounding of the product, including ties on
duplicated rows.
"""

import numbers

import numpy as np

from ...utils._chunking import row_batches

__all__ = [
    "ANNNeighbors",
    "BlockNeighbors",
    "PrecomputedNeighbors",
    "choose_exact",
]

# Rounding bound of the product-based squared distance, in units of
# eps * (n_features + 4) * (|q|^2 + max |x|^2) on centred data.
_ROUNDING_FACTOR = 8.0
_CANDIDATE_BYTES = 2**22  # temporary memory for the exact recomputation
_FLOAT32_LIMIT = 1e30
_BLOCK_BYTES = 2**21  # squared distances of one block of queries  # largest squared norm searched in float32


def choose_exact(n_dsel, n_features, k, metric="minkowski"):
    """The exact algorithm ``knn_classifier="knn"`` uses for a DSEL shape.

    The rule, measured on a 2-core x86-64 machine with OpenBLAS (one thread,
    2,000 queries, ``k`` from 1 to 15): scikit-learn's k-d tree is fastest
    for few features and many rows (``n_features <= 8`` and
    ``n_dsel > 20_000``); otherwise the BLAS brute force of
    :class:`BlockNeighbors` for small DSEL sets (``n_dsel <= 4_000``) and
    scikit-learn's brute force (its fused product and heap, which touches
    each distance once) above. A metric other than Euclidean/Minkowski
    (``p=2``) is left to scikit-learn.

    Parameters
    ----------
    n_dsel : int
        Number of indexed rows.
    n_features : int
        Number of features.
    k : int
        Number of neighbours asked for.
    metric : str, default="minkowski"
        The distance.

    Returns
    -------
    algorithm : {"blas", "kd_tree", "brute"}
        ``"blas"`` means :class:`BlockNeighbors`, the other two
        scikit-learn's ``NearestNeighbors(algorithm=...)``.

    Examples
    --------
    >>> from skextra.ensemble._dynamic._search import choose_exact
    >>> choose_exact(6_000, 16, 7), choose_exact(100_000, 4, 7)
    ('brute', 'kd_tree')
    >>> choose_exact(1_800, 20, 7)
    'blas'
    """
    if metric not in ("minkowski", "euclidean"):
        return "brute"
    if n_features <= 8 and n_dsel > 20_000:
        return "kd_tree"
    if n_dsel <= 4_000:
        return "blas"
    return "brute"


def _check_k(n_neighbors, n_fit):
    if not isinstance(n_neighbors, numbers.Integral) or n_neighbors < 1:
        raise ValueError(
            f"n_neighbors must be a positive integer, got {n_neighbors!r}."
        )
    if n_neighbors > n_fit:
        raise ValueError(
            f"Expected n_neighbors <= n_samples_fit, but n_neighbors = "
            f"{n_neighbors}, n_samples_fit = {n_fit}"
        )
    return int(n_neighbors)


def _check_queries(X, n_features, name):
    X = np.asarray(X, dtype=np.float64)
    if X.ndim != 2 or X.shape[1] != n_features:
        raise ValueError(
            f"X has shape {X.shape}, but {name} is expecting 2D arrays with "
            f"{n_features} features."
        )
    return X


def _exact_distances(fit_X, Q, rows, cols):
    """``|fit_X[cols] - Q[rows]|`` in float64, in bounded memory."""
    out = np.empty(cols.size)
    step = max(1, _CANDIDATE_BYTES // (8 * max(fit_X.shape[1], 1)))
    for start in range(0, cols.size, step):
        part = slice(start, start + step)
        diff = fit_X[cols[part]] - Q[rows[part]]
        out[part] = np.sqrt(np.einsum("ij,ij->i", diff, diff))
    return out


def _first_k(rows, cols, dist, n_rows, k):
    """Each row's ``k`` candidates of smallest (distance, index)."""
    order = np.lexsort((cols, dist, rows))
    counts = np.bincount(rows, minlength=n_rows)
    starts = np.cumsum(counts) - counts
    take = order[starts[:, None] + np.arange(k)]
    return dist[take], cols[take]


class BlockNeighbors:
    """Exact Euclidean neighbours by brute force through BLAS.

    Parameters
    ----------
    n_jobs : int, default=None
        Accepted for compatibility with other searchers; the matrix product
        uses the threads BLAS is given.

    Attributes
    ----------
    n_samples_fit_ : int
        Number of indexed rows.

    Examples
    --------
    >>> import numpy as np
    >>> from skextra.ensemble._dynamic._search import BlockNeighbors
    >>> X = np.array([[0.0, 0.0], [1.0, 0.0], [3.0, 0.0], [1.0, 0.0]])
    >>> dist, ind = BlockNeighbors().fit(X).kneighbors([[0.9, 0.0]], 3)
    >>> ind
    array([[1, 3, 0]])
    >>> dist.round(2)
    array([[0.1, 0.1, 0.9]])
    """

    def __init__(self, n_jobs=None):
        self.n_jobs = n_jobs

    def fit(self, X, y=None):
        X = np.asarray(X, dtype=np.float64)
        if X.ndim != 2 or X.shape[0] < 1:
            raise ValueError(f"Expected a non-empty 2D array, got shape {X.shape}.")
        self._X = X
        # Rounding the mean keeps integer data exact; centring reduces the
        # norms the rounding bound grows with.
        self._mean = np.round(X.mean(axis=0))
        centred = X - self._mean
        sqnorm = np.einsum("ij,ij->i", centred, centred)
        self._max_sqnorm = float(sqnorm.max())
        use32 = self._max_sqnorm < _FLOAT32_LIMIT
        self._dtype = np.float32 if use32 else np.float64
        self._fit_T = np.ascontiguousarray(centred.T, dtype=self._dtype)
        self._sqnorm = sqnorm.astype(self._dtype)
        self.n_samples_fit_ = X.shape[0]
        return self

    def kneighbors(self, X, n_neighbors, return_distance=True):
        k = _check_k(n_neighbors, self.n_samples_fit_)
        Q = _check_queries(X, self._X.shape[1], type(self).__name__)
        dist = np.empty((Q.shape[0], k))
        ind = np.empty((Q.shape[0], k), dtype=np.intp)
        itemsize = np.dtype(self._dtype).itemsize
        row_bytes = self.n_samples_fit_ * (2 * itemsize + 1)
        # Blocks that stay in cache beat large ones, whatever the budget.
        cap = max(8, _BLOCK_BYTES // (itemsize * self.n_samples_fit_))
        for rows in row_batches(Q.shape[0], row_bytes, max_n_rows=cap):
            dist[rows], ind[rows] = self._search(Q[rows], k)
        return (dist, ind) if return_distance else ind

    def _search(self, Q, k):
        centred = Q - self._mean
        q_sqnorm = np.einsum("ij,ij->i", centred, centred)
        c = centred.astype(self._dtype)
        d2 = c @ self._fit_T
        d2 *= -2
        d2 += q_sqnorm.astype(self._dtype)[:, None]
        d2 += self._sqnorm
        kth = d2.copy()
        kth.partition(k - 1, axis=1)
        kth = kth[:, k - 1].astype(np.float64)
        eps = np.finfo(self._dtype).eps
        slack = _ROUNDING_FACTOR * (Q.shape[1] + 4) * eps
        bound = kth + slack * (q_sqnorm + self._max_sqnorm)
        bound = np.nextafter(bound.astype(self._dtype), np.inf)
        rows, cols = np.nonzero(d2 <= bound[:, None])
        exact = _exact_distances(self._X, Q, rows, cols)
        return _first_k(rows, cols, exact, Q.shape[0], k)


def import_optional(module, extra):
    """Import ``module``, or raise an ImportError naming the extra to install.

    Examples
    --------
    >>> from skextra.ensemble._dynamic._search import import_optional
    >>> import_optional("math", "ann").__name__
    'math'
    """
    import importlib

    try:
        return importlib.import_module(module)
    except ImportError as exc:
        raise ImportError(
            f"this neighbour search needs the optional package {module!r}; "
            f'install it with `pip install "skextra[{extra}]"`.'
        ) from exc


def _exact_order(fit_X, Q, ind):
    """Exact distances of the found neighbours, sorted by (distance, index)."""
    n_rows, k = ind.shape
    rows = np.repeat(np.arange(n_rows), k)
    cols = ind.reshape(-1)
    dist = _exact_distances(fit_X, Q, rows, cols)
    return _first_k(rows, cols, dist, n_rows, k)


class ANNNeighbors:
    """Approximate Euclidean neighbours with faiss (CPU).

    The index finds the neighbours; their distances are then recomputed
    exactly and sorted (equal distances by index), so only *which* rows are
    found is approximate. Rows for which the index returns fewer than
    ``n_neighbors`` results are searched exactly.

    faiss is an optional dependency: ``pip install "skextra[ann]"``
    (the ``faiss-cpu`` package). Its threads follow ``OMP_NUM_THREADS``.

    Parameters
    ----------
    index : {"hnsw", "ivf", "flat"}, default="hnsw"
        ``"hnsw"``: ``IndexHNSWFlat`` (graph search, the fastest for the
        recall); ``"ivf"``: ``IndexIVFFlat`` (k-means cells, ``n_probe`` of
        them searched); ``"flat"``: ``IndexFlatL2`` (brute force in float32).
    M : int, default=32
        Graph degree of ``"hnsw"``.
    ef_construction : int, default=40
        Candidate list size while building the ``"hnsw"`` graph.
    ef_search : int, default=32
        Candidate list size of an ``"hnsw"`` query (at least
        ``n_neighbors`` is used); larger is slower and more exact.
    n_lists : int, default=None
        Cells of ``"ivf"``; ``None`` uses ``4 * sqrt(n_samples)``.
    n_probe : int, default=8
        Cells searched per query by ``"ivf"``.
    random_state : int, default=0
        Seed of the ``"ivf"`` k-means.

    Attributes
    ----------
    n_samples_fit_ : int
        Number of indexed rows.

    Examples
    --------
    >>> import numpy as np
    >>> from skextra.ensemble import ANNNeighbors
    >>> faiss = pytest.importorskip("faiss")  # doctest: +SKIP
    >>> X = np.random.RandomState(0).normal(size=(200, 4))
    >>> nn = ANNNeighbors(index="flat").fit(X)  # doctest: +SKIP
    >>> nn.kneighbors(X[:2], 1, return_distance=False).ravel()  # doctest: +SKIP
    array([0, 1])
    """

    def __init__(
        self,
        index="hnsw",
        *,
        M=32,
        ef_construction=40,
        ef_search=32,
        n_lists=None,
        n_probe=8,
        random_state=0,
    ):
        self.index = index
        self.M = M
        self.ef_construction = ef_construction
        self.ef_search = ef_search
        self.n_lists = n_lists
        self.n_probe = n_probe
        self.random_state = random_state

    def fit(self, X, y=None):
        faiss = import_optional("faiss", "ann")
        if self.index not in ("hnsw", "ivf", "flat"):
            raise ValueError(
                f"index must be 'hnsw', 'ivf' or 'flat', got {self.index!r}."
            )
        X = np.asarray(X, dtype=np.float64)
        if X.ndim != 2 or X.shape[0] < 1:
            raise ValueError(f"Expected a non-empty 2D array, got shape {X.shape}.")
        self._X = X
        self._mean = X.mean(axis=0)
        data = np.ascontiguousarray(X - self._mean, dtype=np.float32)
        d = X.shape[1]
        if self.index == "hnsw":
            index = faiss.IndexHNSWFlat(d, self.M)
            index.hnsw.efConstruction = self.ef_construction
        elif self.index == "ivf":
            n_lists = self.n_lists or max(1, int(4 * np.sqrt(X.shape[0])))
            n_lists = min(n_lists, X.shape[0])
            index = faiss.IndexIVFFlat(faiss.IndexFlatL2(d), d, n_lists)
            index.cp.seed = int(self.random_state)
            index.train(data)
            index.nprobe = self.n_probe
        else:
            index = faiss.IndexFlatL2(d)
        index.add(data)
        self.index_ = index
        self.n_samples_fit_ = X.shape[0]
        return self

    def kneighbors(self, X, n_neighbors, return_distance=True):
        k = _check_k(n_neighbors, self.n_samples_fit_)
        Q = _check_queries(X, self._X.shape[1], type(self).__name__)
        if self.index == "hnsw":
            self.index_.hnsw.efSearch = max(self.ef_search, k)
        queries = np.ascontiguousarray(Q - self._mean, dtype=np.float32)
        _, ind = self.index_.search(queries, k)
        missing = (ind < 0).any(axis=1)
        if missing.any():
            exact = BlockNeighbors().fit(self._X)
            ind[missing] = exact.kneighbors(Q[missing], k, return_distance=False)
        dist, ind = _exact_order(self._X, Q, ind.astype(np.intp))
        return (dist, ind) if return_distance else ind
