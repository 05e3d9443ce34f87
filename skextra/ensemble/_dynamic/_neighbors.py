"""Neighbour search for dynamic selection: one exchangeable component.

Every dynamic-selection estimator finds the region of competence of a query
(its ``k`` nearest rows of the selection set, DSEL) through a *searcher*, an
object with this interface::

    searcher.fit(X, y=None) -> searcher
        Index the rows of ``X`` (DSEL). ``y`` is passed when ``fit`` accepts
        it (scikit-learn's ``KNeighborsClassifier`` needs it).
    searcher.kneighbors(X, n_neighbors, return_distance=True)
        -> (distances, indices), each of shape (n_queries, n_neighbors)
        For each query row, the indices of its ``n_neighbors`` nearest indexed
        rows and their distances, nearest first.

The estimators' ``knn_classifier`` parameter chooses the searcher:

- ``"knn"`` (default) or ``None``: exact search, on the CPU by the fastest
  algorithm for the DSEL shape (:class:`ExactNeighbors`: scikit-learn's
  k-d tree, or skextra's float32 cell search
  :class:`~._search.BlockNeighbors`, by the measured rule of
  :func:`~._search.choose_exact`), or with
  :class:`skextra.gpu.GPUNeighbors` on the GPU when the estimator's
  ``device`` resolves to ``"gpu"``;
- ``"sklearn"``: scikit-learn's exact search with its own choice of
  algorithm (as DESlib), whatever the device;
- ``"faiss"`` / ``"faiss-hnsw"``: approximate search with faiss's
  inverted-file index or HNSW graph (:class:`~._search.ANNNeighbors`; the optional
  extra ``skextra[ann]``);
- ``"gpu"``: :class:`skextra.gpu.GPUNeighbors` (exact brute-force search
  written against the array API), run on the device the estimator's
  ``device`` resolves to (NumPy on the CPU);
- a name added with :func:`register_searcher`;
- an instance with the two methods above (cloned before fitting), such as
  :class:`~._search.PrecomputedNeighbors` (neighbours found beforehand) or
  a configured :class:`~._search.ANNNeighbors`, or a class that takes
  ``n_neighbors`` as a keyword (as in DESlib).

Every searcher returns equally distant neighbours in index order, so the
exact ones give the same regions of competence whatever their algorithm.

``knn_metric="mahalanobis"`` whitens the data with the pseudo-inverse of the
DSEL feature covariance (a ``n_features x n_features`` matrix) and searches
with the Euclidean distance, which gives the Mahalanobis neighbours exactly.
``knne=True`` wraps the searcher in :class:`EqualityNeighbors` (K-nearest
neighbours equality: the same number of neighbours from every class).
"""

import copy
import functools
import inspect

import numpy as np
from sklearn.base import clone
from sklearn.neighbors import NearestNeighbors
from threadpoolctl import ThreadpoolController

from ._search import (
    ANNNeighbors,
    BlockNeighbors,
    PrecomputedNeighbors,
    _exact_order,
    choose_exact,
)

__all__ = [
    "ANNNeighbors",
    "BlockNeighbors",
    "EqualityNeighbors",
    "PrecomputedNeighbors",
    "canonical_order",
    "ExactNeighbors",
    "WhitenedNeighbors",
    "make_searcher",
    "register_searcher",
]


_SMALL_SEARCH = 2_000_000
_CONTROLLER = []


def _one_thread():
    """A context limiting BLAS and OpenMP to one thread.

    The controller is created once (``threadpool_limits`` rescans the loaded
    libraries at every call, which costs milliseconds).
    """
    if not _CONTROLLER:
        _CONTROLLER.append(ThreadpoolController())
    return _CONTROLLER[0].limit(limits=1)


class ExactNeighbors:
    """Exact nearest neighbours, by the fastest algorithm for the shape.

    Parameters
    ----------
    metric : str, default="minkowski"
        Any metric :class:`~sklearn.neighbors.NearestNeighbors` accepts.
    n_jobs : int, default=None
        Number of parallel jobs of the search.
    algorithm : {"auto", "sklearn", "blas", "brute", "kd_tree", "ball_tree"}, \
default="auto"
        ``"auto"`` picks scikit-learn's k-d tree or ``"blas"`` (or, for
        another metric, its brute force) from the DSEL shape at ``fit``, by
        the rule of
        :func:`~skextra.ensemble._dynamic._search.choose_exact`;
        ``"sklearn"`` lets scikit-learn choose (as DESlib does); ``"blas"``
        is the float32 cell search of
        :class:`~skextra.ensemble._dynamic._search.BlockNeighbors`, whose
        distances are those of scikit-learn's trees bit for bit (exact even
        far from the origin) and which keeps the lowest indices among rows
        tied at the ``k``-th distance (scikit-learn's algorithms keep any of
        them). Otherwise all return the same neighbours once equal distances
        are ordered by index: the Euclidean distances of scikit-learn's
        brute force, which its product rounds differently for copies of a
        row, are recomputed exactly.
    n_neighbors : int, default=None
        The ``k`` the rule assumes; ``None`` assumes 7 (DESlib's default).

    Attributes
    ----------
    algorithm_ : str
        The algorithm used.
    """

    def __init__(
        self, metric="minkowski", n_jobs=None, algorithm="auto", n_neighbors=None
    ):
        self.metric = metric
        self.n_jobs = n_jobs
        self.algorithm = algorithm
        self.n_neighbors = n_neighbors

    def fit(self, X, y=None):
        algorithm = self.algorithm
        if algorithm == "auto":
            n, d = np.shape(X)
            algorithm = choose_exact(n, d, self.n_neighbors or 7, self.metric)
        self.algorithm_ = algorithm
        if algorithm == "blas":
            self.nn_ = BlockNeighbors(n_jobs=self.n_jobs).fit(X)
        else:
            algorithm = "auto" if algorithm == "sklearn" else algorithm
            self.nn_ = NearestNeighbors(
                metric=self.metric, n_jobs=self.n_jobs, algorithm=algorithm
            ).fit(X)
        return self

    @property
    def _fit_X(self):
        """The fitted rows, under scikit-learn's neighbours' name."""
        return self.nn_._fit_X

    def kneighbors(self, X, n_neighbors, return_distance=True):
        if X.shape[0] * self.nn_.n_samples_fit_ < _SMALL_SEARCH:
            # Starting OpenMP threads costs more than a small search.
            with _one_thread():
                dist, ind = self.nn_.kneighbors(X, n_neighbors=n_neighbors)
        else:
            dist, ind = self.nn_.kneighbors(X, n_neighbors=n_neighbors)
        if self._rounds_apart():
            fit_X = np.asarray(self.nn_._fit_X, dtype=np.float64)
            dist, ind = _exact_order(fit_X, np.asarray(X, dtype=np.float64), ind)
        else:
            dist, ind = canonical_order(dist, ind)
        return (dist, ind) if return_distance else ind

    def _rounds_apart(self):
        """Whether the distances come from scikit-learn's Euclidean product,
        whose rounding depends on the BLAS kernel and on a row's place in
        its block (copies of a row can get different distances)."""
        return (
            self.algorithm_ != "blas"
            and self.nn_._fit_method == "brute"
            and self.nn_.effective_metric_ == "euclidean"
        )


class WhitenedNeighbors:
    """Mahalanobis neighbours: whiten the features, then search Euclidean.

    The whitening matrix ``W`` satisfies ``W @ W.T = pinv(cov(X))``, so the
    Euclidean distance between ``x @ W`` and ``z @ W`` is the Mahalanobis
    distance between ``x`` and ``z``. Only ``n_features x n_features``
    matrices are built.

    Parameters
    ----------
    searcher : searcher
        The Euclidean searcher used on the whitened data.
    """

    def __init__(self, searcher):
        self.searcher = searcher

    def fit(self, X, y=None):
        X = np.asarray(X, dtype=np.float64)
        if X.shape[0] < 2:
            raise ValueError(
                "knn_metric='mahalanobis' needs at least 2 DSEL rows to estimate "
                f"the feature covariance, got {X.shape[0]}."
            )
        cov = np.atleast_2d(np.cov(X, rowvar=False))
        eigval, eigvec = np.linalg.eigh(cov)
        keep = eigval > eigval.max(initial=0.0) * X.shape[1] * np.finfo(float).eps
        self.whitening_ = eigvec[:, keep] / np.sqrt(eigval[keep])
        _fit_searcher(self.searcher, X @ self.whitening_, y)
        return self

    def kneighbors(self, X, n_neighbors, return_distance=True):
        X = np.asarray(X, dtype=np.float64) @ self.whitening_
        return self.searcher.kneighbors(
            X, n_neighbors=n_neighbors, return_distance=return_distance
        )


class EqualityNeighbors:
    """K-nearest neighbours equality (KNN-E): neighbours from every class.

    For ``n_neighbors = q * n_classes + r``, each query gets the ``q`` nearest
    rows of every class, sorted by distance, followed by the ``r`` nearest
    among the ``(q + 1)``-th nearest rows of the classes (as DESlib's
    ``KNNE``).

    Parameters
    ----------
    make_searcher : callable
        Called with no argument, returns a fresh searcher for one class.
    """

    def __init__(self, make_searcher):
        self.make_searcher = make_searcher

    def fit(self, X, y):
        if y is None:
            raise ValueError("knne=True needs the DSEL labels.")
        y = np.asarray(y)
        self.classes_ = np.unique(y)
        self.rows_ = []
        self.searchers_ = []
        for label in self.classes_:
            rows = np.flatnonzero(y == label)
            self.rows_.append(rows)
            self.searchers_.append(_fit_searcher(self.make_searcher(), X[rows], None))
        return self

    def kneighbors(self, X, n_neighbors, return_distance=True):
        n_classes = len(self.classes_)
        if n_neighbors < n_classes:
            raise ValueError(
                f"knne=True needs k >= the number of classes ({n_classes}), "
                f"got k={n_neighbors}."
            )
        per_class, extra = divmod(n_neighbors, n_classes)
        n_query = per_class + (1 if extra else 0)
        for rows, label in zip(self.rows_, self.classes_):
            if rows.size < n_query:
                raise ValueError(
                    f"knne=True needs {n_query} DSEL rows of every class for "
                    f"k={n_neighbors}, but class {label!r} has {rows.size}."
                )
        dists, inds, extra_d, extra_i = [], [], [], []
        for rows, searcher in zip(self.rows_, self.searchers_):
            d, i = searcher.kneighbors(X, n_neighbors=n_query, return_distance=True)
            i = rows[i]
            dists.append(d[:, :per_class])
            inds.append(i[:, :per_class])
            if extra:
                extra_d.append(d[:, -1:])
                extra_i.append(i[:, -1:])
        dist, ind = _sorted_by_distance(dists, inds)
        if extra:
            d, i = _sorted_by_distance(extra_d, extra_i)
            dist = np.hstack((dist, d[:, :extra]))
            ind = np.hstack((ind, i[:, :extra]))
        return (dist, ind) if return_distance else ind


def canonical_order(dist, ind):
    """Sort each row's neighbours by distance, then by index.

    The search returns equally distant neighbours in an order that depends on
    how the queries were batched; this order does not, so a row gets the same
    region of competence whatever rows it is predicted with.

    Examples
    --------
    >>> import numpy as np
    >>> from skextra.ensemble._dynamic._neighbors import canonical_order
    >>> d, i = canonical_order(np.array([[0.0, 1.0, 1.0]]), np.array([[4, 9, 2]]))
    >>> i.tolist()
    [[4, 2, 9]]
    """
    dist, ind = np.asarray(dist), np.asarray(ind)
    d0, d1, i0, i1 = dist[:, :-1], dist[:, 1:], ind[:, :-1], ind[:, 1:]
    # Rows already in that order (most of them) are left as they are.
    unordered = ((d1 < d0) | ((d1 == d0) & (i1 < i0))).any(axis=1)
    if not unordered.any():
        return dist, ind
    rows = np.flatnonzero(unordered)
    d, i = dist[rows], ind[rows]
    by_index = np.argsort(i, axis=1, kind="stable")
    d = np.take_along_axis(d, by_index, axis=1)
    i = np.take_along_axis(i, by_index, axis=1)
    by_dist = np.argsort(d, axis=1, kind="stable")
    dist, ind = dist.copy(), ind.copy()
    dist[rows] = np.take_along_axis(d, by_dist, axis=1)
    ind[rows] = np.take_along_axis(i, by_dist, axis=1)
    return dist, ind


def _sorted_by_distance(dists, inds):
    dist = np.concatenate(dists, axis=1)
    ind = np.concatenate(inds, axis=1)
    order = np.argsort(dist, axis=1, kind="stable")
    return (
        np.take_along_axis(dist, order, axis=1),
        np.take_along_axis(ind, order, axis=1),
    )


@functools.cache
def _fit_takes_y(searcher_type):
    try:
        return "y" in inspect.signature(searcher_type.fit).parameters
    except (TypeError, ValueError):  # pragma: no cover - builtins
        return True


def _fit_searcher(searcher, X, y):
    if _fit_takes_y(type(searcher)):
        searcher.fit(X, y)
    else:
        searcher.fit(X)
    return searcher


_REGISTRY = {
    "faiss": lambda metric, n_jobs: ANNNeighbors(index="ivf"),
    "faiss-hnsw": lambda metric, n_jobs: ANNNeighbors(index="hnsw"),
}


def register_searcher(name, factory):
    """Make ``knn_classifier=name`` build searchers with ``factory``.

    Parameters
    ----------
    name : str
        The value users pass as ``knn_classifier``.
    factory : callable
        Called as ``factory(metric=..., n_jobs=...)``; returns an unfitted
        searcher (see the module docstring for the interface).

    Examples
    --------
    >>> from skextra.ensemble._dynamic._neighbors import (
    ...     ExactNeighbors, make_searcher, register_searcher)
    >>> register_searcher("exact-copy", ExactNeighbors)
    >>> type(make_searcher("exact-copy")).__name__
    'ExactNeighbors'
    """
    _REGISTRY[name] = factory


def make_searcher(
    knn_classifier="knn",
    knn_metric="minkowski",
    *,
    n_jobs=None,
    knne=False,
    k=None,
    device="cpu",
):
    """An unfitted searcher for the ``knn_classifier``/``knn_metric``/``knne``
    parameters of the dynamic-selection estimators.

    Parameters
    ----------
    knn_classifier : {"knn"}, None, str, searcher instance or class
        See the module docstring.
    knn_metric : {"minkowski", "mahalanobis"}, default="minkowski"
    n_jobs : int, default=None
    knne : bool, default=False
    k : int, default=None
        Passed as ``n_neighbors`` to a searcher class.
    device : {"cpu", "gpu"}, default="cpu"
        The estimator's resolved device: where ``"gpu"`` searches, and
        whether ``"knn"`` searches with :class:`skextra.gpu.GPUNeighbors`.

    Returns
    -------
    searcher : object with ``fit`` and ``kneighbors``

    Examples
    --------
    >>> import numpy as np
    >>> from skextra.ensemble._dynamic._neighbors import make_searcher
    >>> X = np.array([[0.0], [1.0], [3.0]])
    >>> searcher = make_searcher().fit(X)
    >>> dist, ind = searcher.kneighbors(np.array([[0.9]]), n_neighbors=2)
    >>> ind.tolist()
    [[1, 0]]
    """

    def base():
        name = knn_classifier if isinstance(knn_classifier, str) else None
        default = knn_classifier is None or name == "knn"
        if name == "gpu" or (default and device == "gpu"):
            from ...gpu import GPUNeighbors

            return GPUNeighbors(device=device, n_jobs=n_jobs)
        if default or name == "sklearn":
            return ExactNeighbors(
                n_jobs=n_jobs, algorithm="auto" if default else "sklearn", n_neighbors=k
            )
        if isinstance(knn_classifier, str):
            if knn_classifier not in _REGISTRY:
                known = sorted({"knn", "sklearn", "gpu", "faiss", *_REGISTRY})
                raise ValueError(
                    f"knn_classifier={knn_classifier!r} is not a known neighbour "
                    f"search; use one of {known}, None, or an object with fit and "
                    "kneighbors."
                )
            return _REGISTRY[knn_classifier](metric="minkowski", n_jobs=n_jobs)
        if isinstance(knn_classifier, type):
            return knn_classifier(n_neighbors=k) if k is not None else knn_classifier()
        if not (
            callable(getattr(knn_classifier, "fit", None))
            and callable(getattr(knn_classifier, "kneighbors", None))
        ):
            raise TypeError(
                "knn_classifier must be 'knn', None, a registered name, or an "
                "object with fit and kneighbors methods; got "
                f"{type(knn_classifier).__name__}."
            )
        try:
            return clone(knn_classifier)
        except TypeError:
            return copy.deepcopy(knn_classifier)

    if knn_metric not in ("minkowski", "mahalanobis"):
        raise ValueError(
            f"knn_metric must be 'minkowski' or 'mahalanobis', got {knn_metric!r}."
        )
    searcher = EqualityNeighbors(base) if knne else base()
    if knn_metric == "mahalanobis":
        searcher = WhitenedNeighbors(searcher)
    return searcher


def fit_searcher(searcher, X, y=None):
    """Fit ``searcher`` on ``X`` (and ``y`` when its ``fit`` accepts it)."""
    return _fit_searcher(searcher, X, y)
