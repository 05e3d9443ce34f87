"""Neighbour searchers beyond scikit-learn's: exact float32 cell search,
approximate (faiss) and precomputed.

Each class has the searcher interface of ``_neighbors.py`` (``fit(X)`` and
``kneighbors(X, n_neighbors, return_distance=True)``) and can be passed as
``knn_classifier`` to every dynamic-selection estimator.

:class:`BlockNeighbors` is exact: float32 products over the cells of DSEL
that can hold a neighbour, a rigorous bound on their rounding, and exact
float64 distances of the rows within it (the formula and order of
operations of scikit-learn's trees), sorted by distance, then index. The
result is the canonical order of ``canonical_order`` whatever the rounding
of the products, including ties on duplicated rows.
"""

import numbers

import numpy as np
from scipy.spatial.distance import cdist

from ...utils._chunking import row_batches

__all__ = [
    "ANNNeighbors",
    "BlockNeighbors",
    "PrecomputedNeighbors",
    "choose_exact",
]

_FLOAT32_LIMIT = 1e30  # largest squared norm searched in float32
_CANDIDATE_BYTES = 2**22  # temporary memory of the exact recomputation
_MAX_CELLS = 1024
# Queries with more candidates are searched over all of DSEL in float64.
_MAX_CANDIDATES = 512
_BLOCK_ROWS = 256  # queries multiplied by a cell at once
_SCAN_BYTES = 2**22  # products of one block of queries in ``_scan_all``
_KEPT_FOLDS = 3  # 2^_KEPT_FOLDS slices of products compared as their maxima
# Safety factors on the rounding bounds of the float32 products and of the
# float64 products of the queries searched over all of DSEL.
_SAFETY = 4.0
_DENSE_SAFETY = 4.0


def choose_exact(n_dsel, n_features, k, metric="minkowski"):
    """The exact algorithm ``knn_classifier="knn"`` uses for a DSEL shape.

    Measured on the 2-core x86-64 development machine (OpenBLAS and OpenMP
    on one thread, 2,000 queries, ``k=7``, ``make_classification`` data;
    ``benchmarks/bench_neighbors.py``, table in
    ``benchmarks/results/dynamic.md``): scikit-learn's k-d tree is the
    fastest for ``n_features <= 4``; from 500 DSEL rows and 5 features
    :class:`BlockNeighbors` (``"blas"``: float32 products with every row
    up to 10,000 rows, with the cells that can hold a neighbour above) is
    the fastest, 1.5-1.9x faster than scikit-learn's brute force (a fused
    float64 product and heap, ``ArgKmin``) at 1,800-4,000 rows and 2-6x
    from 10,000 rows, and faster than the k-d tree from 8 features. It is
    kept below 500 rows too, where scikit-learn's brute force is faster by
    at most 2 ms per 2,000 queries (and within 0.1 ms for 50 queries),
    because its distances are exact: scikit-learn's product rounds copies
    of a row to different distances, depending on the BLAS kernel and on
    the row's place in its block, so which copy it keeps at the ``k``-th
    place depends on how the queries were batched. All three keep the same
    neighbours once equal distances are ordered by index
    (:class:`~._neighbors.ExactNeighbors` recomputes the distances of the
    brute force exactly); ``"blas"`` also keeps the lowest
    indices among rows tied at the ``k``-th distance. A metric other than
    Euclidean/Minkowski is left to scikit-learn's brute force. Only ``k=7``
    (DESlib's default) was measured; ``k`` is accepted for a rule that
    depends on it.

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
    algorithm : {"kd_tree", "brute", "blas"}
        scikit-learn's ``NearestNeighbors(algorithm=...)``, or ``"blas"``
        for :class:`BlockNeighbors`.

    Examples
    --------
    >>> from skextra.ensemble._dynamic._search import choose_exact
    >>> choose_exact(6_000, 16, 7), choose_exact(100_000, 4, 7)
    ('blas', 'kd_tree')
    >>> choose_exact(400, 8, 7), choose_exact(100_000, 8, 7, metric="manhattan")
    ('blas', 'brute')
    """
    if metric not in ("minkowski", "euclidean"):
        return "brute"
    return "kd_tree" if n_features <= 4 else "blas"


def _scans_all(n_rows, n_features):
    """Whether :class:`BlockNeighbors` multiplies every query by every row
    rather than by the cells that can hold its neighbours: the faster of
    the two up to 500 rows per feature and 10,000 rows
    (``benchmarks/bench_neighbors.py``)."""
    return n_rows <= min(10_000, 500 * n_features)


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


def _exact_sqdist(fit_X, Q, rows, cols):
    """``sum((fit_X[cols] - Q[rows]) ** 2)`` in float64, feature by feature.

    The same operations in the same order as scikit-learn's trees (round
    each difference, square, add to the running sum), so the same values bit
    for bit; in bounded memory.
    """
    out = np.empty(cols.size)
    step = _CANDIDATE_BYTES // 32
    fit_T, Q_T = fit_X.T, Q.T
    for start in range(0, cols.size, step):
        c, r = cols[start : start + step], rows[start : start + step]
        acc = np.square(fit_T[0].take(c) - Q_T[0].take(r))
        for j in range(1, fit_T.shape[0]):
            diff = fit_T[j].take(c)
            diff -= Q_T[j].take(r)
            diff *= diff
            acc += diff
        out[start : start + step] = acc
    return out


def _exact_distances(fit_X, Q, rows, cols):
    """``|fit_X[cols] - Q[rows]|`` in float64, as scikit-learn's trees."""
    return np.sqrt(_exact_sqdist(fit_X, Q, rows, cols))


def _first_k(rows, cols, dist, n_rows, k):
    """Each row's ``k`` candidates of smallest (distance, index).

    Every row must have at least ``k`` candidates, each pair once.
    """
    if n_rows == 0:
        return np.empty((0, k)), np.empty((0, k), dtype=np.intp)
    order = np.argsort(rows * (int(cols.max()) + 1) + cols)
    rows, cols, dist = rows[order], cols[order], dist[order]
    counts = np.bincount(rows, minlength=n_rows)
    wide = counts > max(4 * k, 64)
    if wide.any():
        # Rows with many candidates: keep those within their k-th distance.
        sub = wide[rows]
        kth = np.full(n_rows, np.inf)
        rank = np.cumsum(wide) - 1
        table = _row_table(rank[rows[sub]], dist[sub], int(wide.sum()), np.inf)
        kth[wide] = np.partition(table, k - 1, axis=1)[:, k - 1]
        keep = dist <= kth[rows]
        rows, cols, dist = rows[keep], cols[keep], dist[keep]
        counts = np.bincount(rows, minlength=n_rows)
    if counts.max() > max(4 * k, 64):
        # Many rows tied at the k-th distance.
        order = np.lexsort((cols, dist, rows))
        take = order[(np.cumsum(counts) - counts)[:, None] + np.arange(k)]
        return dist[take], cols[take]
    table = _row_table(rows, dist, n_rows, np.inf)
    index = _row_table(rows, cols, n_rows, 0)
    # Each row's candidates are in index order: a stable sort by distance
    # breaks ties by index.
    by = np.argsort(table, axis=1, kind="stable")[:, :k]
    return np.take_along_axis(table, by, 1), np.take_along_axis(index, by, 1)


def _sort_within_rows(rows, dist, n_rows):
    """The order of ``np.lexsort((dist, rows))`` (by row, then distance,
    stable), from one sort of a table of each row's distances when the rows
    hold similar numbers of candidates (a table not much larger than the
    candidates), as the scans give them, in row order."""
    counts = np.bincount(rows, minlength=n_rows)
    if counts.max(initial=0) * n_rows > 4 * rows.size + 1024:
        return np.lexsort((dist, rows))
    first = None
    if (rows[1:] < rows[:-1]).any():
        first = np.argsort(rows, kind="stable")
        rows, dist = rows[first], dist[first]
    by = np.argsort(_row_table(rows, dist, n_rows, np.inf), axis=1, kind="stable")
    starts = np.cumsum(counts) - counts
    order = (starts[:, None] + by)[np.arange(by.shape[1]) < counts[:, None]]
    return order if first is None else first[order]


def _row_table(rows, values, n_rows, fill):
    """``values`` in a table of one row per ``rows`` value (sorted), padded
    with ``fill``."""
    counts = np.bincount(rows, minlength=n_rows)
    pos = np.arange(rows.size) - (np.cumsum(counts) - counts)[rows]
    table = np.full((n_rows, int(counts.max(initial=1))), fill, dtype=values.dtype)
    table[rows, pos] = values
    return table


class BlockNeighbors:
    """Exact Euclidean neighbours: float32 products with the rows that can
    be neighbours, checked in float64.

    ``fit`` keeps one copy of each distinct row (a row repeated in DSEL is
    indexed once and given back as its copies' indices), centres the rows
    and stores them transposed, in float32, with a row of ``-|x|^2 / 2``
    (so one product with ``[q, 1]`` gives ``q.x - |x|^2 / 2``, which orders
    the rows as their distance to ``q``). Up to 10,000 rows (and 500 per
    feature) every query is multiplied by every row: the best products of
    ``4 k`` to ``8 k`` groups of rows bound the ``k``-th smallest distance.
    Above, the rows are split into ``sqrt(n) / 2`` cells, each row in the
    cell of its nearest seed (seeds drawn at random among the rows), stored
    cell by cell, and ``kneighbors``, for each query ``q``:

    1. takes the ``k`` rows of its nearest seed's cell with the largest
       products and computes their exact float64 squared distances; the
       largest, ``B``, is at least the ``k``-th smallest exact one;
    2. skips every cell that cannot hold a row within ``sqrt(B)``: its rows
       are nearer their own seed ``s_j`` than ``q``'s nearest seed ``s_i``,
       so at least ``(|q - s_j|^2 - |q - s_i|^2) / (2 |s_i - s_j|)`` from
       ``q``, and within the cell's radius of ``s_j`` (both bounds widened
       by the rounding of the assignment and of the seed distances);
    3. multiplies ``q`` by the other cells and keeps every row whose product
       is within the rounding bound of ``B``: with ``u`` the unit roundoff
       and ``R`` the largest norm of a centred DSEL row, a product of length
       ``n_features + 1`` is within ``(n_features + 4) u (|q| R + R^2 / 2)``
       of its exact value (taken here times 4), so no row at most ``B``
       away is missed;
    4. computes the kept rows' exact distances (the operations of
       scikit-learn's trees, in their order) and returns the ``k`` smallest
       by distance, then index: of the distinct rows, the nearest until
       they hold ``k`` copies, all those at that last distance included,
       each as its lowest indices.

    The result is therefore exactly the canonical one of
    :func:`~skextra.ensemble._dynamic._neighbors.canonical_order` over all
    DSEL rows, ties at the ``k``-th distance included (the lowest indices
    are kept), whatever the rounding of the products. Data whose squared
    norms reach ``1e30`` is multiplied in float64 with the float64 bound.

    Parameters
    ----------
    n_jobs : int, default=None
        Accepted for compatibility with other searchers; the products use
        the threads BLAS is given.

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
        self._fit_X = X
        self.n_samples_fit_ = X.shape[0]
        self._copies = _copies(X)
        if self._copies is not None:
            starts, _, members = self._copies
            X = X[members[starts]]
        self._rows = X
        # Rounding the mean keeps integer data exact; centring reduces the
        # norms the rounding bound grows with.
        self._mean = np.round(X.mean(axis=0))
        n = X.shape[0]
        sqnorm = np.empty(n)
        # One buffer for the centred rows of every block: fresh pages cost
        # more than the subtraction.
        blocks = _blocks(n)
        buf = np.empty((blocks[0].stop, X.shape[1]))
        for rows in blocks:
            centred = np.subtract(
                X[rows], self._mean, out=buf[: rows.stop - rows.start]
            )
            sqnorm[rows] = np.einsum("ij,ij->i", centred, centred)
        self._max_sqnorm = float(sqnorm.max())
        use32 = self._max_sqnorm < _FLOAT32_LIMIT
        dtype = np.dtype(np.float32 if use32 else np.float64)
        self._by_cells = not _scans_all(n, X.shape[1])
        if not self._by_cells:
            # Rows in a fixed random order, so that the groups of
            # ``_scan_all`` are random samples of DSEL.
            self._order = np.random.default_rng(0).permutation(n)
            self._start = np.array([0, n])
        else:
            self._make_cells(X, sqnorm, dtype)
        self._fit_T = np.empty((X.shape[1] + 1, n), dtype=dtype)
        for rows in blocks:
            # mode="clip": the positions are valid, and "raise" buffers out.
            centred = X.take(
                self._order[rows],
                axis=0,
                out=buf[: rows.stop - rows.start],
                mode="clip",
            )
            centred -= self._mean
            self._fit_T[:-1, rows] = centred.T
        self._fit_T[-1] = -0.5 * sqnorm[self._order]
        return self

    def _make_cells(self, X, sqnorm, dtype):
        """Seeds, each row's cell (rows stored cell by cell), the cells'
        radii and the seeds' separations."""
        n = X.shape[0]
        n_cells = int(min(_MAX_CELLS, max(1, np.sqrt(n) / 2)))
        seeds = np.sort(np.random.default_rng(0).choice(n, n_cells, replace=False))
        self._seeds = X[seeds] - self._mean
        self._seed_sq = sqnorm[seeds]
        seeds_T = _augmented(self._seeds, self._seed_sq, dtype)
        cells, products = _nearest_seed(X, self._mean, seeds_T)
        self._order = np.argsort(cells, kind="stable")
        cells = cells[self._order]
        self._start = np.searchsorted(cells, np.arange(n_cells + 1))
        # Each row's squared distance to its seed from the same products.
        slack = 2 * _SAFETY * _rounding(dtype, X.shape[1], 1.5 * self._max_sqnorm)
        own = (sqnorm - 2 * products)[self._order] + slack
        filled = np.flatnonzero(np.diff(self._start))
        self._radius = np.zeros(n_cells)
        self._radius[filled] = np.sqrt(
            np.maximum.reduceat(own, self._start[filled]).clip(0.0)
        )
        self._seed_sep = cdist(self._seeds, self._seeds) * (1 + 1e-12)
        # A row's squared distance to its seed exceeds that to another seed
        # by at most this much (rounding of the assignment's products).
        self._assign_slack = (
            4 * _SAFETY * _rounding(dtype, X.shape[1], 1.5 * self._max_sqnorm)
        )

    def kneighbors(self, X, n_neighbors, return_distance=True):
        k = _check_k(n_neighbors, self.n_samples_fit_)
        Q = _check_queries(X, self._fit_X.shape[1], type(self).__name__)
        dist = np.empty((Q.shape[0], k))
        ind = np.empty((Q.shape[0], k), dtype=np.intp)
        row_bytes = 8 * (2 * Q.shape[1] + 64 * k + 8 * self._start.size)
        for rows in row_batches(Q.shape[0], row_bytes, max_n_rows=4096):
            dist[rows], ind[rows] = self._search(Q[rows], k)
        return (dist, ind) if return_distance else ind

    def _search(self, Q, k):
        # The index holds each distinct row once: ``k_rows`` distinct rows.
        k_rows = min(k, self._rows.shape[0])
        centred = Q - self._mean
        q_sq = np.einsum("ij,ij->i", centred, centred)
        fit_T = self._fit_T
        if fit_T.dtype == np.float32 and q_sq.max() >= _FLOAT32_LIMIT:
            fit_T = fit_T.astype(np.float64)
        if not self._by_cells:
            bound, rows, cols, crowded = self._scan_all(Q, centred, q_sq, k_rows, fit_T)
        else:
            seed_d2 = q_sq[:, None] - 2 * centred @ self._seeds.T + self._seed_sq
            near = seed_d2.argmin(axis=1)
            bound = self._probe_bound(Q, centred, near, k_rows)
            scan = self._cells_to_scan(q_sq, seed_d2, near, bound)
            rows, cols, crowded = self._candidates(centred, q_sq, bound, scan, fit_T)
        sqdist = _exact_sqdist(self._rows, Q, rows, cols)
        keep = sqdist <= bound[rows]
        rows, cols, sqdist = rows[keep], cols[keep], sqdist[keep]
        # Rows with too many candidates (queries far from DSEL, whose
        # distances are all alike), or too few (products that broke their
        # bound), are searched over all of DSEL in float64.
        dense = crowded | (np.bincount(rows, minlength=Q.shape[0]) < k_rows)
        sparse = ~dense[rows]
        rank = np.cumsum(~dense) - 1
        found = (rank[rows[sparse]], cols[sparse], sqdist[sparse], int((~dense).sum()))
        dist = np.empty((Q.shape[0], k))
        ind = np.empty((Q.shape[0], k), dtype=np.intp)
        if self._copies is None:
            dist[~dense], ind[~dense] = _first_k(*found, k)
        else:
            dist[~dense], ind[~dense] = self._first_k_copies(*found, k)
        if dense.any():
            dist[dense], ind[dense] = self._dense_search(Q[dense], k)
        return np.sqrt(dist), ind

    def _first_k_copies(self, rows, cols, sqdist, n_rows, k):
        """:func:`_first_k` of the DSEL rows, from candidates among the
        distinct rows: the nearest distinct rows until they hold ``k`` rows,
        with every distinct row at that last distance, each as its (at most
        ``k``) lowest indices."""
        if n_rows == 0:
            return _first_k(rows, cols, sqdist, 0, k)
        starts, sizes, members = self._copies
        order = _sort_within_rows(rows, sqdist, n_rows)
        rows, cols, sqdist = rows[order], cols[order], sqdist[order]
        held = np.cumsum(sizes[cols])
        per_row = np.bincount(rows, minlength=n_rows)
        row_start = np.cumsum(per_row) - per_row
        held -= np.repeat((held - sizes[cols])[row_start], per_row)
        # The first candidate of each row at which it holds k rows.
        full = np.flatnonzero(held >= k)
        full = full[np.r_[True, rows[full[1:]] != rows[full[:-1]]]]
        last = np.empty(n_rows)
        last[rows[full]] = sqdist[full]
        keep = sqdist <= last[rows]
        rows, cols, sqdist = rows[keep], cols[keep], sqdist[keep]
        take = np.minimum(sizes[cols], k)
        ends = np.cumsum(take)
        pos = np.arange(ends[-1]) + np.repeat(starts[cols] - (ends - take), take)
        return _first_k(
            np.repeat(rows, take), members[pos], np.repeat(sqdist, take), n_rows, k
        )

    def _dense_search(self, Q, k):
        """Squared distances and indices of the ``k`` nearest rows of each
        query, from float64 products with every DSEL row."""
        centred = Q - self._mean
        q_sq = np.einsum("ij,ij->i", centred, centred)
        n = self.n_samples_fit_
        radius = np.sqrt(self._max_sqnorm)
        sqdist = np.empty((Q.shape[0], k))
        ind = np.empty((Q.shape[0], k), dtype=np.intp)
        for rows in row_batches(Q.shape[0], 16 * n):
            d2 = np.empty((rows.stop - rows.start, n))
            for cols in row_batches(n, 16 * Q.shape[1], max_n_rows=8192):
                block = self._fit_X[cols] - self._mean
                d2[:, cols] = -2 * centred[rows] @ block.T
                d2[:, cols] += np.einsum("ij,ij->i", block, block)
            d2 += q_sq[rows, None]
            # Rows within twice the rounding of the k-th smallest product
            # hold every row at most the k-th exact distance away.
            slack = (
                2
                * _DENSE_SAFETY
                * _rounding(
                    np.float64, Q.shape[1], np.square(np.sqrt(q_sq[rows]) + radius)
                )
            )
            kth = np.partition(d2, k - 1, axis=1)[:, k - 1]
            r, c = np.nonzero(d2 <= (kth + slack)[:, None])
            exact = _exact_sqdist(self._fit_X, Q[rows], r, c)
            sqdist[rows], ind[rows] = _first_k(r, c, exact, d2.shape[0], k)
        return sqdist, ind

    def _probe_bound(self, Q, centred, near, k):
        """Per query, the largest exact squared distance of ``k`` rows of
        its nearest seed's cell (with the nearest cells where it has fewer
        than ``k``): at least its ``k``-th smallest."""
        by_cell = np.argsort(near, kind="stable")
        starts = np.searchsorted(near[by_cell], np.arange(self._start.size))
        best = np.empty((Q.shape[0], k), dtype=np.intp)
        fit_T = self._fit_T
        for c in np.flatnonzero(np.diff(starts)):
            queries = by_cell[starts[c] : starts[c + 1]]
            members = self._probe_members(c, k)
            g = centred[queries].astype(fit_T.dtype) @ fit_T[:-1, members]
            g += fit_T[-1, members]
            top = np.argpartition(g, g.shape[1] - k, axis=1)[:, -k:]
            if isinstance(members, slice):
                best[queries] = members.start + top
            else:
                best[queries] = members[top]
        rows = np.repeat(np.arange(Q.shape[0]), k)
        sq = _exact_sqdist(self._rows, Q, rows, self._order[best.reshape(-1)])
        return sq.reshape(-1, k).max(axis=1)

    def _probe_members(self, c, k):
        """Stored positions of cell ``c``'s rows (a slice), with those of the
        cells of the seeds nearest its own until there are ``k``."""
        lo, hi = self._start[c], self._start[c + 1]
        if hi - lo >= k:
            return slice(lo, hi)
        near = np.argsort(self._seed_sep[c])
        enough = np.searchsorted(np.cumsum(np.diff(self._start)[near]), k) + 1
        return np.concatenate(
            [np.arange(self._start[j], self._start[j + 1]) for j in near[:enough]]
        )

    def _cells_to_scan(self, q_sq, seed_d2, near, bound):
        """Which cells may hold a row within ``sqrt(bound)`` of each query."""
        d = self._seeds.shape[1]
        radius = np.sqrt(self._seed_sq.max())
        norms = np.sqrt(q_sq) + radius
        slack = 2 * _SAFETY * _rounding(np.float64, d, norms**2)[:, None]
        # The bound is from the original rows, the cells from centred ones.
        reach = np.sqrt(bound) * (1 + 1e-12) + _SAFETY * _rounding(np.float64, d, norms)
        reach = reach[:, None]
        gap = seed_d2 - seed_d2[np.arange(near.size), near][:, None]
        with np.errstate(divide="ignore", invalid="ignore"):
            plane = (gap - self._assign_slack - slack) / (2 * self._seed_sep[near])
        seed_dist = np.sqrt(np.maximum(seed_d2 - slack, 0.0))
        far = (plane > reach) | (seed_dist - self._radius > reach)
        far[np.arange(near.size), near] = False
        return ~far

    def _product_error(self, q_sq, dtype):
        """Rounding bound of the products ``q.x - |x|^2 / 2`` in ``dtype``
        and of float64 terms whose absolute values sum to ``q_sq + terms``,
        as ``(base, per_term)``: the bound is ``base + per_term * terms``."""
        d = self._fit_X.shape[1]
        scale = np.sqrt(q_sq * self._max_sqnorm) + self._max_sqnorm / 2
        base = _rounding(dtype, d, scale) + _rounding(np.float64, d, q_sq)
        per_term = (d + 4) * np.finfo(np.float64).eps / 2
        return _SAFETY * base, _SAFETY * per_term

    def _threshold(self, q_sq, bound, error, dtype):
        """The smallest product ``q.x - |x|^2 / 2`` a row within
        ``sqrt(bound)`` of the query can have, less its rounding bound
        (``error``, from :meth:`_product_error`)."""
        base, per_term = error
        thr = 0.5 * (q_sq - bound) - (base + per_term * bound)
        return np.nextafter(thr.astype(dtype), -np.inf)

    def _scan_all(self, Q, centred, q_sq, k, fit_T):
        """Bounds and candidates from the products with every DSEL row.

        The stored rows are dealt into ``n_groups`` groups (position
        modulo ``n_groups``, between ``4 k`` and ``8 k``); the best
        products of the ``k`` groups whose best is largest belong to ``k``
        distinct rows, so the ``k``-th largest product is at least the
        smallest of them, ``p``, less its rounding, and the ``k``-th
        smallest squared distance at most ``|q|^2 - 2 p`` plus twice that
        rounding. A bound too small for rounding this analysis missed
        leaves fewer than ``k`` rows within it, which ``_search`` sends to
        the float64 search. The products are compared with the threshold
        in the maxima of ``2^_KEPT_FOLDS`` slices of the row
        (:func:`_fold_max`, :func:`_hits`). Returns the bounds, the (query,
        DSEL row) pairs within them and the crowded queries, as
        :meth:`_candidates`.
        """
        n = fit_T.shape[1]
        folds = max(0, int(np.log2(n / (4 * k))))
        n_groups = n >> folds
        kept = min(_KEPT_FOLDS, folds)
        Qa = _augmented_queries(centred, fit_T.dtype)
        bound = np.empty(Q.shape[0])
        base, per_term = self._product_error(q_sq, fit_T.dtype)
        found_rows, found_cols = [], []
        # The products, their maxima and the comparison, in cache, in
        # buffers allocated once: fresh pages for each block cost as much as
        # the product.
        wide = n_groups << (folds - kept)
        row_bytes = fit_T.itemsize * (n + wide + wide // 2) + wide
        cap = max(1, _SCAN_BYTES // row_bytes)
        blocks = list(row_batches(Q.shape[0], row_bytes, max_n_rows=cap))
        cap = blocks[0].stop
        products = np.empty((cap, n), dtype=fit_T.dtype)
        level = np.empty((cap, wide), dtype=fit_T.dtype)
        rest = np.empty((cap, max(1, wide // 2)), dtype=fit_T.dtype)
        above = np.empty(cap * wide, dtype=bool)
        for block in blocks:
            size = block.stop - block.start
            g = np.matmul(Qa[block], fit_T, out=products[:size])
            best, after = _fold_max(g, n_groups, folds, kept, level[:size], rest[:size])
            p = np.partition(best, n_groups - k, axis=1)[:, n_groups - k]
            p = p.astype(np.float64)
            err = base[block] + per_term * 2 * np.abs(p)
            bound[block] = np.maximum(q_sq[block] - 2 * p + 2 * err, 0.0)
            error = (base[block], per_term)
            thr = self._threshold(q_sq[block], bound[block], error, fit_T.dtype)
            hit = _hits(g, after, thr, n_groups << folds, above)
            found_rows.append(block.start + hit // n)
            found_cols.append(self._order[hit % n])
        rows, cols = np.concatenate(found_rows), np.concatenate(found_cols)
        crowded = np.bincount(rows, minlength=Q.shape[0]) > _MAX_CANDIDATES
        keep = ~crowded[rows]
        return bound, rows[keep], cols[keep], crowded

    def _candidates(self, centred, q_sq, bound, scan, fit_T):
        """The (query, DSEL row) pairs of the scanned cells whose product is
        within the rounding bound of ``bound``, and which queries had more
        than ``_MAX_CANDIDATES`` (no pairs returned for those)."""
        n_queries = centred.shape[0]
        error = self._product_error(q_sq, fit_T.dtype)
        thr = self._threshold(q_sq, bound, error, fit_T.dtype)
        Qa = _augmented_queries(centred, fit_T.dtype)
        found_rows, found_cols = [], []
        counts = np.zeros(n_queries, dtype=np.intp)
        scan = scan & (np.diff(self._start) > 0)
        by_cell = np.ascontiguousarray(scan.T)
        for c in np.flatnonzero(by_cell.any(axis=1)):
            lo, hi = self._start[c], self._start[c + 1]
            todo = np.flatnonzero(by_cell[c] & (counts <= _MAX_CANDIDATES))
            # Blocks of queries whose products stay in cache.
            for start in range(0, todo.size, _BLOCK_ROWS):
                queries = todo[start : start + _BLOCK_ROWS]
                g = Qa[queries] @ fit_T[:, lo:hi]
                hit = np.flatnonzero(g >= thr[queries, None])
                if hit.size:
                    rows = queries[hit // (hi - lo)]
                    counts += np.bincount(rows, minlength=n_queries)
                    found_rows.append(rows)
                    found_cols.append(self._order[lo + hit % (hi - lo)])
        crowded = counts > _MAX_CANDIDATES
        if not found_rows:
            return np.empty(0, np.intp), np.empty(0, np.intp), crowded
        rows, cols = np.concatenate(found_rows), np.concatenate(found_cols)
        keep = ~crowded[rows]
        return rows[keep], cols[keep], crowded


def _rounding(dtype, n_features, scale):
    """Bound of the rounding of a product of length ``n_features + 1`` (and
    of its inputs) whose terms' absolute values sum to ``scale``."""
    info = np.finfo(dtype)
    return (n_features + 4) * (info.eps / 2 * scale + info.tiny)


def _augmented(centred, sqnorm, dtype):
    """``[centred.T; -sqnorm / 2]`` in ``dtype``: products with ``[q, 1]``
    are ``q.x - |x|^2 / 2``."""
    out = np.empty((centred.shape[1] + 1, centred.shape[0]), dtype=dtype)
    out[:-1] = centred.T
    out[-1] = -0.5 * sqnorm
    return out


def _copies(X):
    """Where ``X`` repeats rows: ``(starts, sizes, members)``, ``members``
    every row's index ordered by distinct row, then index, the distinct
    rows in the order of their first index ``members[starts]``, ``sizes``
    their numbers of copies; ``None`` when the rows are all distinct.

    Products with a random vector rule duplicates out cheaply (equal rows
    have equal products); equal products are checked by sorting the rows'
    bytes.
    """
    digest = X @ np.random.default_rng(0).uniform(1.0, 2.0, size=X.shape[1])
    digest.sort()
    if not (digest[1:] == digest[:-1]).any():
        return None
    rows = np.ascontiguousarray(X).view(np.dtype((np.void, 8 * X.shape[1]))).ravel()
    _, first, inverse = np.unique(rows, return_index=True, return_inverse=True)
    if first.size == X.shape[0]:
        return None
    by_first = np.argsort(first)
    rank = np.empty_like(by_first)
    rank[by_first] = np.arange(by_first.size)
    inverse = rank[inverse.reshape(-1)]
    members = np.argsort(inverse, kind="stable")
    sizes = np.bincount(inverse)
    return np.cumsum(sizes) - sizes, sizes, members


def _fold_max(g, width, folds, kept, level, rest):
    """Per row of ``g``, the largest of the columns ``j, j + width, ...,
    j + (2^folds - 1) width`` for each ``j < width``: the elementwise
    maximum of ``g``'s first ``2^kept`` slices of ``width << (folds -
    kept)`` columns, written into ``level`` (``g`` itself when ``kept`` is
    0), then ``folds - kept`` halvings of it, each the elementwise maximum
    of its two halves, into ``rest``. Returns the maxima and ``level``."""
    wide = width << (folds - kept)
    if kept == 0:
        level = g[:, :wide]
    else:
        level = level[:, :wide]
        np.maximum(g[:, :wide], g[:, wide : 2 * wide], out=level)
        for m in range(2, 1 << kept):
            np.maximum(level, g[:, m * wide : (m + 1) * wide], out=level)
    out, half = level, wide
    for _ in range(folds - kept):
        half //= 2
        np.maximum(out[:, :half], out[:, half : 2 * half], out=rest[:, :half])
        out = rest[:, :half]
    return out, level


def _hits(g, level, thr, span, above):
    """Flat positions in ``g`` of the products at least ``thr`` (per row):
    those of the first ``span`` columns from ``level``, whose column ``j``
    is the largest of ``g``'s columns ``j + m w`` (``w`` its width, ``m <
    span / w``), so that only ``level`` is compared in full; those past
    ``span`` directly. In increasing order, as ``np.flatnonzero``.
    ``above`` is a buffer of at least ``level.size`` booleans."""
    n = g.shape[1]
    w = level.shape[1]
    above = above[: level.size].reshape(level.shape)
    at = np.flatnonzero(np.greater_equal(level, thr[:, None], out=above))
    rows, cols = np.divmod(at, w)
    pos = (rows * n + cols)[:, None] + w * np.arange(span // w)
    pos = pos[g.reshape(-1)[pos] >= thr[rows, None]]
    if span < n:
        tail = np.flatnonzero(g[:, span:] >= thr[:, None])
        width = n - span
        pos = np.concatenate([pos, tail // width * n + span + tail % width])
    pos.sort()
    return pos


def _augmented_queries(centred, dtype):
    """``[centred, 1]`` in ``dtype``."""
    out = np.ones((centred.shape[0], centred.shape[1] + 1), dtype=dtype)
    out[:, :-1] = centred
    return out


def _blocks(n_rows):
    """Blocks of rows for the temporary float64 copies of ``fit``."""
    return list(row_batches(n_rows, 2**10, max_n_rows=8192))


def _nearest_seed(X, mean, seeds_T):
    """Each centred row's seed of largest product ``x.s - |s|^2 / 2``
    (rounded, which the bounds allow), and that product."""
    cells = np.empty(X.shape[0], dtype=np.intp)
    products = np.empty(X.shape[0])
    for rows in row_batches(X.shape[0], 4 * seeds_T.shape[1], max_n_rows=4096):
        g = (X[rows] - mean).astype(seeds_T.dtype) @ seeds_T[:-1]
        g += seeds_T[-1]
        cells[rows] = g.argmax(axis=1)
        products[rows] = g[np.arange(g.shape[0]), cells[rows]]
    return cells, products


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
    index : {"ivf", "hnsw", "flat"}, default="ivf"
        ``"ivf"``: ``IndexIVFFlat`` (k-means cells, ``n_probe`` of them
        searched); ``"hnsw"``: ``IndexHNSWFlat`` (graph search: faster
        queries for the recall, but a build 10-20x longer than the IVF's,
        which dominates when DSEL is indexed for one predict);
        ``"flat"``: ``IndexFlatL2`` (brute force in float32).

        Measured (one thread, DSEL 50,000 x 32 ``make_classification`` rows,
        5,000 queries, ``k=7``; scikit-learn's exact brute force 3.5 s):
        ``"ivf"`` build 0.31 s + search 0.38 s, recall@7 0.952 (``n_probe=16``:
        0.28 + 0.62 s, recall 0.993; ``n_probe=4``: 0.27 s search, 0.838);
        ``"hnsw"`` build 18.1 s + search 1.4 s, recall 0.999 (``M=16``:
        10.8 + 1.0 s, 0.992; this run on a busier machine, exact 4.7 s).
    M : int, default=32
        Graph degree of ``"hnsw"``.
    ef_construction : int, default=40
        Candidate list size while building the ``"hnsw"`` graph.
    ef_search : int, default=32
        Candidate list size of an ``"hnsw"`` query (at least
        ``n_neighbors`` is used); larger is slower and more exact.
    n_lists : int, default=None
        Cells of ``"ivf"``; ``None`` uses ``sqrt(n_samples)`` (at most
        ``n_samples / 39``).
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
    >>> from skextra.ensemble import ANNNeighbors, KNORAE
    >>> searcher = ANNNeighbors(index="ivf", n_probe=32)
    >>> model = KNORAE(knn_classifier=searcher)  # or knn_classifier="faiss"
    >>> model.knn_classifier.n_probe
    32
    """

    def __init__(
        self,
        index="ivf",
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
        self._fit_X = X
        self._mean = X.mean(axis=0)
        data = np.ascontiguousarray(X - self._mean, dtype=np.float32)
        d = X.shape[1]
        if self.index == "hnsw":
            index = faiss.IndexHNSWFlat(d, self.M)
            index.hnsw.efConstruction = self.ef_construction
        elif self.index == "ivf":
            # faiss asks for 39 training rows per cell.
            default = min(np.sqrt(X.shape[0]), X.shape[0] / 39)
            n_lists = min(self.n_lists or max(1, int(default)), X.shape[0])
            index = faiss.IndexIVFFlat(faiss.IndexFlatL2(d), d, n_lists)
            index.cp.seed = int(self.random_state)
            # k-means on a sample of 64 rows per cell: 10x shorter than
            # faiss's default of 256 for a recall lower by about 0.01.
            index.cp.max_points_per_centroid = 64
            index.train(data)
            index.nprobe = self.n_probe
        else:
            index = faiss.IndexFlatL2(d)
        index.add(data)
        self.index_ = index
        self.n_samples_fit_ = X.shape[0]
        return self

    def __getstate__(self):
        # faiss indexes are not picklable; their serialized bytes are.
        state = self.__dict__.copy()
        if "index_" in state:
            faiss = import_optional("faiss", "ann")
            state["index_"] = faiss.serialize_index(state["index_"])
        return state

    def __setstate__(self, state):
        if "index_" in state:
            faiss = import_optional("faiss", "ann")
            state["index_"] = faiss.deserialize_index(state["index_"])
        self.__dict__.update(state)

    def kneighbors(self, X, n_neighbors, return_distance=True):
        k = _check_k(n_neighbors, self.n_samples_fit_)
        Q = _check_queries(X, self._fit_X.shape[1], type(self).__name__)
        if self.index == "hnsw":
            self.index_.hnsw.efSearch = max(self.ef_search, k)
        queries = np.ascontiguousarray(Q - self._mean, dtype=np.float32)
        _, ind = self.index_.search(queries, k)
        missing = (ind < 0).any(axis=1)
        if missing.any():
            exact = BlockNeighbors().fit(self._fit_X)
            ind[missing] = exact.kneighbors(Q[missing], k, return_distance=False)
        dist, ind = _exact_order(self._fit_X, Q, ind.astype(np.intp))
        return (dist, ind) if return_distance else ind


def _row_keys(X):
    """Hashable keys of the rows of a float64 array (``-0.0`` as ``0.0``)."""
    X = np.ascontiguousarray(np.asarray(X, dtype=np.float64) + 0.0)
    return [row.tobytes() for row in X]


class PrecomputedNeighbors:
    """Neighbours computed beforehand, served as a neighbour search.

    Pass it as ``knn_classifier`` to use neighbourhoods found elsewhere (a
    search run once for several estimators, a vector database, a GPU job).
    ``fit(DSEL)`` checks that every index points to a DSEL row;
    ``kneighbors(X, k)`` returns the stored neighbours of the rows of ``X``,
    sorted by distance, then index, and cut to ``k`` columns.

    The estimators search only the rows on which their members disagree,
    in batches: give the rows the neighbours belong to as ``X`` and each
    query row is looked up by its values. Without ``X``, ``kneighbors``
    must be called with exactly the stored rows, in order. The
    neighbourhoods of KNOP's and META-DES's output profiles and of
    ``knne=True`` or ``knn_metric="mahalanobis"`` are other searches, which
    a precomputed feature-space result cannot answer (they raise the
    ValueError of a row not found).

    Parameters
    ----------
    indices : array-like of int, shape (n_queries, n_neighbors)
        DSEL row indices of the neighbours of each query row.
    distances : array-like of shape (n_queries, n_neighbors), default=None
        Their distances; ``None`` recomputes the Euclidean distances from
        the DSEL rows given to ``fit``.
    X : array-like of shape (n_queries, n_features), default=None
        The query rows, to look them up by value.

    Attributes
    ----------
    n_samples_fit_ : int
        Number of DSEL rows.

    See Also
    --------
    BlockNeighbors : The exact search whose results this can replay.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn.neighbors import NearestNeighbors
    >>> from skextra.ensemble import PrecomputedNeighbors
    >>> dsel = np.array([[0.0], [1.0], [3.0]])
    >>> test = np.array([[0.9], [2.5]])
    >>> ind = NearestNeighbors().fit(dsel).kneighbors(test, 2, return_distance=False)
    >>> nn = PrecomputedNeighbors(ind, X=test).fit(dsel)
    >>> dist, ind = nn.kneighbors(test[::-1], n_neighbors=1)
    >>> ind.tolist(), dist.round(2).tolist()
    ([[2], [1]], [[0.5], [0.1]])
    """

    def __init__(self, indices, distances=None, X=None):
        self.indices = indices
        self.distances = distances
        self.X = X

    def fit(self, X, y=None):
        ind = np.asarray(self.indices)
        if (
            ind.ndim != 2
            or ind.shape[1] < 1
            or not np.issubdtype(ind.dtype, np.integer)
        ):
            raise ValueError(
                "PrecomputedNeighbors expects integer indices of shape "
                f"(n_queries, n_neighbors), got {ind.dtype} of shape {ind.shape}."
            )
        X = np.asarray(X, dtype=np.float64)
        n = X.shape[0]
        if ind.size and (ind.min() < 0 or ind.max() >= n):
            raise ValueError(
                f"PrecomputedNeighbors indices must point inside DSEL: expected "
                f"values in [0, {n}) for a DSEL of shape {X.shape}, got values "
                f"in [{ind.min()}, {ind.max()}]."
            )
        for name, value, shape in (
            ("distances", self.distances, ind.shape),
            ("X", self.X, (ind.shape[0], X.shape[1])),
        ):
            if value is not None and np.shape(value) != shape:
                raise ValueError(
                    f"PrecomputedNeighbors {name} must have shape {shape} (as "
                    f"the indices and DSEL), got {np.shape(value)}."
                )
        self._dsel = X
        self._indices = ind.astype(np.intp)
        self._distances = (
            None if self.distances is None else np.asarray(self.distances, float)
        )
        self._rows = None
        if self.X is not None:
            self._rows = {}
            for i, key in enumerate(_row_keys(self.X)):
                self._rows.setdefault(key, i)
        self.n_samples_fit_ = n
        return self

    def _positions(self, X):
        n_stored = self._indices.shape[0]
        if self._rows is None:
            if X.shape[0] != n_stored:
                raise ValueError(
                    f"PrecomputedNeighbors holds the neighbours of {n_stored} "
                    f"rows: expected X of shape ({n_stored}, "
                    f"{self._dsel.shape[1]}), got {X.shape}. Pass the query "
                    "rows as X=... to look them up by value."
                )
            return np.arange(n_stored)
        pos = [self._rows.get(key, -1) for key in _row_keys(X)]
        pos = np.asarray(pos, dtype=np.intp)
        if (pos < 0).any():
            raise ValueError(
                f"{int((pos < 0).sum())} of the {X.shape[0]} query rows are not "
                "among the rows the neighbours were precomputed for (X=...)."
            )
        return pos

    def kneighbors(self, X, n_neighbors, return_distance=True):
        Q = _check_queries(X, self._dsel.shape[1], type(self).__name__)
        stored = self._indices.shape
        if not isinstance(n_neighbors, numbers.Integral) or not (
            1 <= n_neighbors <= stored[1]
        ):
            raise ValueError(
                f"PrecomputedNeighbors holds {stored[1]} neighbours per row "
                f"(shape {stored}); n_neighbors={n_neighbors!r} needs indices of "
                f"shape ({stored[0]}, {n_neighbors}) or more columns."
            )
        pos = self._positions(Q)
        ind = self._indices[pos]
        if self._distances is None:
            dist, ind = _exact_order(self._dsel, Q, ind)
        else:
            dist = self._distances[pos]
            order = np.lexsort((ind, dist), axis=1)
            dist = np.take_along_axis(dist, order, axis=1)
            ind = np.take_along_axis(ind, order, axis=1)
        dist, ind = dist[:, :n_neighbors], ind[:, :n_neighbors]
        return (dist, ind) if return_distance else ind
