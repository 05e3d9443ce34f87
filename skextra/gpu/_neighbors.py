"""Exact brute-force k nearest neighbours on any array-API namespace.

Written once against the array-API standard, the search runs unchanged on
NumPy, CuPy and PyTorch arrays (and on ``array_api_strict``). Queries are
processed in batches small enough for the device memory; each batch is one
matrix product, a k-th smallest selection and a sort of ``k`` candidates.
"""

import numbers

import numpy as np
from sklearn.base import BaseEstimator, _fit_context
from sklearn.utils._param_validation import Interval, StrOptions
from sklearn.utils.validation import check_is_fitted, validate_data

from ..utils._array_api import (
    get_namespace,
    is_foreign_array,
    is_numpy_namespace,
    move_to,
    to_numpy,
)
from . import _device

_BYTES_PER_CELL = 32  # squared distances, masks and ranks of one (query, row) pair
_MIN_DEVICE_MEMORY_MIB = 4096  # batches on a GPU are larger than on the host


def _kth_smallest(xp, d2, k):
    """The k-th smallest value of each row of ``d2`` (k >= 1)."""
    if is_numpy_namespace(xp):
        return np.partition(d2, k - 1, axis=1)[:, k - 1]
    name = xp.__name__
    if "torch" in name:
        import torch

        return torch.topk(d2, k, dim=1, largest=False, sorted=False).values.amax(dim=1)
    if "cupy" in name:
        import cupy

        return cupy.partition(d2, k - 1, axis=1)[:, k - 1]
    return xp.sort(d2, axis=1)[:, k - 1]


def _select(xp, d2, k):
    """Column indices of the k smallest values of each row, ties by index.

    Among equal values the lowest column indices are kept, so the result
    does not depend on how the selection algorithm orders ties. Returned in
    increasing column order.
    """
    n_rows = d2.shape[0]
    kth = _kth_smallest(xp, d2, k)[:, None]
    chosen = d2 <= kth
    counts = xp.sum(xp.astype(chosen, xp.int32), axis=1)
    if bool(xp.any(counts > k)):
        # More rows than needed tie with the k-th value: keep the first ones.
        less = d2 < kth
        need = k - xp.sum(xp.astype(less, xp.int32), axis=1)
        equal = xp.astype(d2 == kth, xp.int32)
        rank = xp.cumulative_sum(equal, axis=1)
        chosen = less | ((equal > 0) & (rank <= need[:, None]))
    _, cols = xp.nonzero(chosen)
    return xp.reshape(cols, (n_rows, k))


class GPUNeighbors(BaseEstimator):
    """Exact nearest neighbours by brute force, on GPU arrays or NumPy.

    Distances from a batch of queries to all indexed rows are one matrix
    product (``|q|² - 2 q·x + |x|²`` on centred data); the ``k`` smallest
    are selected per row (``argpartition`` on NumPy and CuPy,
    ``torch.topk`` on PyTorch) and sorted by their exactly recomputed
    Euclidean distance. Equal distances are ordered by row index, so the
    result is deterministic and the same on every array library.

    It has the interface of the neighbour search of skextra's
    dynamic-selection estimators (``fit`` and ``kneighbors``), so it can be
    passed as their ``knn_classifier``.

    Parameters
    ----------
    n_neighbors : int, default=5
        Number of neighbours returned when ``kneighbors`` is not told.
    metric : {"minkowski", "euclidean"}, default="minkowski"
        Only the Euclidean distance (Minkowski with ``p=2``) is computed.
    batch_size : int or None, default=None
        Number of query rows per batch. ``None`` sizes batches at about 32
        bytes per (query, indexed row) pair within scikit-learn's
        ``working_memory`` on NumPy, and within at least 4 GiB on other
        array libraries (GPU memory).
    device : {"auto", "cpu", "gpu"} or None, default="auto"
        Where NumPy data is searched: ``"gpu"`` copies the indexed rows to
        the GPU at ``fit`` (CuPy, else PyTorch) and each query batch at
        ``kneighbors``. Data that is already a CuPy or PyTorch array is
        searched where it lives, whatever this says. ``None`` takes the
        global setting.
    n_jobs : None
        Accepted for compatibility with other searchers; unused.

    Attributes
    ----------
    n_features_in_ : int
        Number of features of the indexed rows.
    n_samples_fit_ : int
        Number of indexed rows.
    device_ : {"cpu", "gpu"}
        Where NumPy inputs are searched.

    See Also
    --------
    sklearn.neighbors.NearestNeighbors : The CPU exact search (its ties among
        equal distances are in no defined order).

    Examples
    --------
    >>> import numpy as np
    >>> from skextra.gpu import GPUNeighbors
    >>> X = np.array([[0.0, 0.0], [1.0, 0.0], [3.0, 0.0], [1.0, 0.0]])
    >>> nn = GPUNeighbors(device="cpu").fit(X)
    >>> dist, ind = nn.kneighbors(np.array([[0.9, 0.0]]), n_neighbors=3)
    >>> ind
    array([[1, 3, 0]])
    >>> dist.round(2)
    array([[0.1, 0.1, 0.9]])
    """

    _parameter_constraints = {
        "n_neighbors": [Interval(numbers.Integral, 1, None, closed="left")],
        "metric": [StrOptions({"minkowski", "euclidean"})],
        "batch_size": [Interval(numbers.Integral, 1, None, closed="left"), None],
        "device": [StrOptions({"auto", "cpu", "gpu"}), None],
        "n_jobs": [None, numbers.Integral],
    }

    def __init__(
        self,
        n_neighbors=5,
        *,
        metric="minkowski",
        batch_size=None,
        device="auto",
        n_jobs=None,
    ):
        self.n_neighbors = n_neighbors
        self.metric = metric
        self.batch_size = batch_size
        self.device = device
        self.n_jobs = n_jobs

    def _check_foreign(self, X, reset):
        xp = get_namespace(X)
        if X.ndim != 2:
            raise ValueError(
                f"Expected a 2D array, got an array of shape {tuple(X.shape)}."
            )
        if X.shape[0] < 1:
            raise ValueError(
                "Found array with 0 sample(s) while a minimum of 1 is required."
            )
        if not xp.isdtype(X.dtype, "real floating"):
            X = xp.astype(X, xp.float64 if xp.isdtype(X.dtype, "integral") else X.dtype)
        if not bool(xp.all(xp.isfinite(X))):
            raise ValueError("Input X contains NaN or infinity.")
        if reset:
            self.n_features_in_ = int(X.shape[1])
        elif X.shape[1] != self.n_features_in_:
            raise ValueError(
                f"X has {X.shape[1]} features, but {type(self).__name__} is "
                f"expecting {self.n_features_in_} features as input."
            )
        return X

    def _validate(self, X, reset):
        if is_foreign_array(X) and not is_numpy_namespace(get_namespace(X)):
            return self._check_foreign(X, reset)
        return validate_data(self, X, reset=reset, dtype=[np.float64, np.float32])

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y=None):
        """Index the rows of ``X``.

        Parameters
        ----------
        X : array of shape (n_samples, n_features)
            NumPy (or pandas, or a list), CuPy, PyTorch or other array-API
            array.
        y : None
            Ignored.

        Returns
        -------
        self : GPUNeighbors
            The fitted searcher.
        """
        X = self._validate(X, reset=True)
        self.device_ = _device.resolve_device(self.device)
        self._numpy_input = isinstance(X, np.ndarray)
        if self._numpy_input and self.device_ == "gpu":
            xp, device = _device._gpu_namespace()
            X = move_to(X, xp=xp, device=device)
        xp = get_namespace(X)
        # Shifting by the rounded mean keeps integer data exact (so equal
        # distances stay equal) and reduces cancellation for data far from 0.
        self._mean = xp.round(xp.mean(X, axis=0))
        self._fit_X = X - self._mean
        self._fit_sqnorm = xp.sum(self._fit_X * self._fit_X, axis=1)
        self.n_samples_fit_ = int(X.shape[0])
        return self

    def _batch_rows(self, xp, n_rows):
        if self.batch_size is not None:
            return self.batch_size
        working = _working_memory_mib()
        if not is_numpy_namespace(xp):
            working = max(working, _MIN_DEVICE_MEMORY_MIB)
        working *= 2**20
        return max(1, int(working // (_BYTES_PER_CELL * max(n_rows, 1))))

    def kneighbors(self, X=None, n_neighbors=None, return_distance=True):
        """Find the nearest indexed rows of each query row.

        Parameters
        ----------
        X : array of shape (n_queries, n_features) or None, default=None
            Query rows. ``None`` queries the indexed rows themselves, each
            excluding itself (as scikit-learn does).
        n_neighbors : int, default=None
            Number of neighbours; ``None`` uses the constructor's.
        return_distance : bool, default=True
            Whether to return the distances too.

        Returns
        -------
        distances : array of shape (n_queries, n_neighbors)
            Euclidean distances, nearest first. Only if ``return_distance``.
        indices : array of shape (n_queries, n_neighbors)
            Row indices into the indexed data. Both in the array library of
            ``X`` (NumPy for NumPy queries, even when searched on the GPU).
        """
        check_is_fitted(self)
        if n_neighbors is None:
            n_neighbors = self.n_neighbors
        if not isinstance(n_neighbors, numbers.Integral) or n_neighbors < 1:
            raise ValueError(
                f"n_neighbors must be a positive integer, got {n_neighbors!r}."
            )
        n_neighbors = int(n_neighbors)
        exclude_self = X is None
        fit_xp = get_namespace(self._fit_X)
        n_fit = self.n_samples_fit_
        if exclude_self and n_neighbors >= n_fit:
            raise ValueError(
                f"Expected n_neighbors < n_samples_fit, but n_neighbors = "
                f"{n_neighbors}, n_samples_fit = {n_fit}, n_samples = {n_fit}"
            )
        if n_neighbors > n_fit:
            raise ValueError(
                f"Expected n_neighbors <= n_samples_fit, but n_neighbors = "
                f"{n_neighbors}, n_samples_fit = {n_fit}"
            )
        if exclude_self:
            queries = self._fit_X
            # Results go back to the library the indexed data came in.
            to_caller = np.empty(0) if self._numpy_input else self._fit_X
        else:
            to_caller = self._validate(X, reset=False)
            queries = move_to(to_caller, xp=fit_xp, device=_array_device(self._fit_X))
            queries = _astype(fit_xp, queries, self._fit_X.dtype) - self._mean
        dist, ind = self._search(fit_xp, queries, n_neighbors, exclude_self)
        dist, ind = _like(dist, to_caller), _like(ind, to_caller)
        return (dist, ind) if return_distance else ind

    def _search(self, xp, queries, k, exclude_self):
        fit_X, sqnorm = self._fit_X, self._fit_sqnorm
        n_queries = queries.shape[0]
        if exclude_self:
            k += 1
        step = self._batch_rows(xp, fit_X.shape[0])
        dists, inds = [], []
        columns = xp.arange(fit_X.shape[0])
        for start in range(0, n_queries, step):
            stop = min(start + step, n_queries)
            Q = queries[start:stop, ...]
            d2 = (
                xp.sum(Q * Q, axis=1)[:, None]
                - 2 * (Q @ xp.permute_dims(fit_X, (1, 0)))
                + sqnorm[None, :]
            )
            d2 = xp.where(d2 > 0, d2, xp.zeros_like(d2))
            if exclude_self:
                rows = xp.arange(start, stop)[:, None]
                d2 = xp.where(columns[None, :] == rows, -xp.ones_like(d2), d2)
            cols = _select(xp, d2, k)
            neigh = xp.take(fit_X, xp.reshape(cols, (-1,)), axis=0)
            diff = xp.reshape(neigh, (stop - start, k, -1)) - Q[:, None, :]
            dist = xp.sqrt(xp.sum(diff * diff, axis=2))
            if exclude_self:
                # The query itself was forced first in index order; drop it.
                is_self = cols == xp.arange(start, stop)[:, None]
                dist = xp.where(is_self, -xp.ones_like(dist), dist)
            order = xp.argsort(dist, axis=1, stable=True)
            dist = xp.take_along_axis(dist, order, axis=1)
            cols = xp.take_along_axis(cols, order, axis=1)
            if exclude_self:
                dist, cols = dist[:, 1:], cols[:, 1:]
            dists.append(dist)
            inds.append(cols)
        return xp.concat(dists, axis=0), xp.concat(inds, axis=0)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.array_api_support = True
        return tags


def _astype(xp, X, dtype):
    return X if X.dtype == dtype else xp.astype(X, dtype)


def _working_memory_mib():
    from sklearn import get_config

    return get_config()["working_memory"]


def _array_device(X):
    from ..utils._array_api import device

    return device(X)


def _like(result, reference):
    """Give ``result`` the array library of ``reference`` (host or device)."""
    if isinstance(reference, np.ndarray):
        return to_numpy(result)
    xp = get_namespace(reference)
    if get_namespace(result) is xp:
        return result
    return move_to(result, xp=xp, device=_array_device(reference))
