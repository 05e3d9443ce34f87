"""Vectorised kernels shared by the dynamic-selection methods.

Plain array operations over a batch of test rows (no per-row Python loop):
selection rules, frienemy pruning, instance hardness, vote counts, output
profiles and DES-KNN's two-stage ranking. They use only elementwise
operations, reductions and integer indexing, so that they can run on the
array-API namespaces of CuPy and PyTorch unchanged.
"""

import numpy as np

__all__ = [
    "accuracy_diversity_sizes",
    "accuracy_then_diversity",
    "consecutive_hits",
    "dfp_mask",
    "hardness",
    "hits_by_class",
    "neighbour_hits",
    "normalized_support",
    "output_profiles",
    "select_above",
    "select_max",
    "select_top",
    "softmax",
    "top_members",
    "vote_counts",
]


def select_max(competences):
    """Members whose competence equals the row's maximum (KNORA-E, DCS "all").

    Examples
    --------
    >>> import numpy as np
    >>> from skextra.ensemble._dynamic._kernels import select_max
    >>> select_max(np.array([[1.0, 3.0, 3.0]])).tolist()
    [[False, True, True]]
    """
    return competences == competences.max(axis=1, keepdims=True)


def select_above(competences, threshold):
    """Members with competence > ``threshold``; all members where none is.

    Examples
    --------
    >>> import numpy as np
    >>> from skextra.ensemble._dynamic._kernels import select_above
    >>> select_above(np.array([[0.2, 0.6], [0.1, 0.3]]), 0.5).tolist()
    [[False, True], [True, True]]
    """
    selected = competences > threshold
    selected[~selected.any(axis=1)] = True
    return selected


def select_top(competences, n_selected, *, ties="last"):
    """The ``n_selected`` most competent members of each row.

    ``ties="last"`` orders as DESlib's ``np.argsort(c)[:, ::-1]`` with a stable
    sort: among equal competences the member of higher index comes first.
    ``ties="first"`` prefers the lower index.

    Examples
    --------
    >>> import numpy as np
    >>> from skextra.ensemble._dynamic._kernels import select_top
    >>> select_top(np.array([[0.5, 0.9, 0.5]]), 2).tolist()
    [[False, True, True]]
    """
    selected = np.zeros(competences.shape, dtype=bool)
    members = top_members(competences, n_selected, ties=ties)
    np.put_along_axis(selected, members, True, axis=1)
    return selected


def top_members(competences, n_selected, *, ties="last"):
    """Indices of the ``n_selected`` most competent members of each row, most
    competent first (ties as :func:`select_top`).

    Examples
    --------
    >>> import numpy as np
    >>> from skextra.ensemble._dynamic._kernels import top_members
    >>> top_members(np.array([[0.5, 0.9, 0.5]]), 2).tolist()
    [[1, 2]]
    """
    if ties == "last":
        order = np.argsort(competences, axis=1, kind="stable")[:, ::-1]
    else:
        order = np.argsort(-competences, axis=1, kind="stable")
    return order[:, :n_selected]


def softmax(w):
    """Row-wise softmax (DESlib's, without the max shift that would change
    nothing but overflow).

    Examples
    --------
    >>> import numpy as np
    >>> from skextra.ensemble._dynamic._kernels import softmax
    >>> softmax(np.zeros((1, 2))).tolist()
    [[0.5, 0.5]]
    """
    e = np.exp(w - w.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


def dfp_mask(neighbors, y_dsel, processed):
    """Dynamic frienemy pruning (Oliveira et al. 2017) for a batch.

    In a region with neighbours of several classes a member is kept only if it
    classifies correctly neighbours of at least two different classes; in a
    single-class region all members are kept, and so are they all where the
    rule would keep none.

    Parameters
    ----------
    neighbors : ndarray of shape (n_b, k)
    y_dsel : ndarray of shape (n_dsel,)
        DSEL class indices.
    processed : ndarray of shape (n_dsel, n_members)
        Whether each member is right on each DSEL row.

    Returns
    -------
    mask : ndarray of shape (n_b, n_members), 0.0 or 1.0

    Examples
    --------
    >>> import numpy as np
    >>> from skextra.ensemble._dynamic._kernels import dfp_mask
    >>> y = np.array([0, 1, 1])
    >>> hits = np.array([[1, 1], [1, 0], [0, 0]], dtype=bool)
    >>> dfp_mask(np.array([[0, 1, 2]]), y, hits).tolist()
    [[1.0, 0.0]]
    """
    y_nb = y_dsel[neighbors]
    hits = processed[neighbors]
    n_classes_big = int(y_dsel.max(initial=0)) + 1
    lowest = np.where(hits, y_nb[:, :, None], n_classes_big).min(axis=1)
    highest = np.where(hits, y_nb[:, :, None], -1).max(axis=1)
    crosses = highest > lowest
    several = (y_nb != y_nb[:, :1]).any(axis=1)
    mask = np.where(several[:, None], crosses, True)
    mask[~mask.any(axis=1)] = True
    return mask.astype(np.float64)


def hardness(neighbors, y_dsel, safe_k, n_classes):
    """Instance hardness of each row from its ``safe_k`` nearest DSEL rows.

    Returns the hardness ``(safe_k - n_majority) / safe_k``, the majority
    class (the smallest class index among ties, as ``scipy.stats.mode``) and
    the class counts among those neighbours.

    Examples
    --------
    >>> import numpy as np
    >>> from skextra.ensemble._dynamic._kernels import hardness
    >>> h, major, counts = hardness(np.array([[0, 1, 2]]), np.array([1, 1, 0]), 3, 2)
    >>> round(float(h[0]), 3), int(major[0])
    (0.333, 1)
    """
    y_nb = y_dsel[neighbors[:, :safe_k]]
    counts = (y_nb[:, :, None] == np.arange(n_classes)).sum(axis=1)
    majority = counts.argmax(axis=1)
    n_major = counts.max(axis=1)
    return (safe_k - n_major) / safe_k, majority, counts


def vote_counts(predictions, selected, n_classes, weights=None):
    """Votes (or weighted votes) of the selected members for each class.

    Examples
    --------
    >>> import numpy as np
    >>> from skextra.ensemble._dynamic._kernels import vote_counts
    >>> vote_counts(np.array([[0, 1, 1]]), np.array([[True, True, False]]), 2).tolist()
    [[1.0, 1.0]]
    """
    if weights is None:
        counts = np.empty((predictions.shape[0], n_classes))
        for c in range(n_classes):
            counts[:, c] = np.count_nonzero(selected & (predictions == c), axis=1)
        return counts
    onehot = predictions[:, :, None] == np.arange(n_classes)
    return np.einsum("bm,bmc->bc", weights * selected, onehot.astype(np.float64))


def normalized_support(support):
    """Support / its sum; a softmax where that is not a distribution."""
    total = support.sum(axis=1, keepdims=True)
    ok = (total[:, 0] > 0) & (support >= 0).all(axis=1)
    proba = np.empty_like(support)
    proba[ok] = support[ok] / total[ok]
    if not ok.all():
        proba[~ok] = softmax(support[~ok])
    return proba


def consecutive_hits(neighbors, processed):
    """Number of nearest neighbours each member gets right before its first
    error (KNORA-E's competence and Rank's).

    Examples
    --------
    >>> import numpy as np
    >>> from skextra.ensemble._dynamic._kernels import consecutive_hits
    >>> hits = np.array([[1, 1], [1, 0], [0, 1]], dtype=bool)
    >>> consecutive_hits(np.array([[0, 1, 2]]), hits).tolist()
    [[2.0, 1.0]]
    """
    # Neighbour by neighbour: a running AND over a gather of (rows, members)
    # is 5x faster than an accumulate over the middle axis of all of them.
    run = processed[neighbors[:, 0]]
    hits = run.astype(np.float64)
    for j in range(1, neighbors.shape[1]):
        run &= processed[neighbors[:, j]]
        hits += run
    return hits


def neighbour_hits(neighbors, processed):
    """Number of nearest neighbours each member gets right (KNORA-U's
    competence; over ``k``, OLA's and DES-P's),
    ``processed[neighbors].sum(axis=1)`` without the ``(rows, k, members)``
    gather.

    Examples
    --------
    >>> import numpy as np
    >>> from skextra.ensemble._dynamic._kernels import neighbour_hits
    >>> hits = np.array([[1, 1], [1, 0], [0, 1]], dtype=bool)
    >>> neighbour_hits(np.array([[0, 1, 2]]), hits).tolist()
    [[2.0, 2.0]]
    """
    hits = processed[neighbors[:, 0]].astype(np.float64)
    for j in range(1, neighbors.shape[1]):
        hits += processed[neighbors[:, j]]
    return hits


def hits_by_class(neighbors, processed, y, n_classes):
    """Per class, how many of each row's neighbours of that class each
    member gets right (DES-MI's counts): ``(n_classes, n_rows, n_members)``
    integers, ``(processed[neighbors] & (y[neighbors] == c)[..., None])
    .sum(axis=1)`` for each class ``c``, without the ``(rows, k,
    members)`` gather.

    Examples
    --------
    >>> import numpy as np
    >>> from skextra.ensemble._dynamic._kernels import hits_by_class
    >>> hits = np.array([[1, 1], [1, 0], [0, 1]], dtype=bool)
    >>> hits_by_class(np.array([[0, 1, 2]]), hits, np.array([0, 1, 1]), 2).tolist()
    [[[1, 1]], [[1, 1]]]
    """
    n_rows = neighbors.shape[0]
    counts = np.zeros((n_classes * n_rows, processed.shape[1]), dtype=np.intp)
    rows = np.arange(n_rows)
    for j in range(neighbors.shape[1]):
        # One neighbour per row: its class's counts of each row, no repeats.
        counts[y[neighbors[:, j]] * n_rows + rows] += processed[neighbors[:, j]]
    return counts.reshape(n_classes, n_rows, -1)


def accuracy_then_diversity(
    accuracy, diversity, n_accurate, n_diverse, more_diverse=True
):
    """Members kept by DES-KNN's two-stage ranking, for every row at once.

    The ``n_accurate`` most accurate members are kept, then among them the
    ``n_diverse`` most (or least) diverse. Both stages order as DESlib's
    ``np.argsort(v)[::-1]`` with a stable sort: among equally accurate members
    the one later in the pool ranks first, and among the kept members of
    equal diversity the one ranked later by accuracy (the one ranked earlier
    with ``more_diverse=False``).

    Parameters
    ----------
    accuracy, diversity : ndarray of shape (n_rows, n_members)
    n_accurate, n_diverse : int
    more_diverse : bool, default=True

    Returns
    -------
    selected : ndarray of shape (n_rows, n_diverse)
        Member indices.

    Examples
    --------
    >>> import numpy as np
    >>> from skextra.ensemble._dynamic._kernels import accuracy_then_diversity
    >>> acc = np.array([[0.9, 0.5, 0.8, 0.7]])
    >>> div = np.array([[-0.1, -0.5, -0.4, -0.2]])
    >>> accuracy_then_diversity(acc, div, 3, 2).tolist()
    [[0, 3]]
    """
    accurate = np.argsort(accuracy, axis=1, kind="stable")[:, ::-1][:, :n_accurate]
    div_of_accurate = np.take_along_axis(diversity, accurate, axis=1)
    order = np.argsort(div_of_accurate, axis=1, kind="stable")
    order = order[:, ::-1][:, :n_diverse] if more_diverse else order[:, :n_diverse]
    return np.take_along_axis(accurate, order, axis=1)


def accuracy_diversity_sizes(n_members, pct_accuracy, pct_diversity):
    """The ``(N, J)`` of :func:`accuracy_then_diversity` for a pool of
    ``n_members``: ``int(n_members * pct_accuracy)`` and
    ``ceil(n_members * pct_diversity)``, checked.

    Examples
    --------
    >>> from skextra.ensemble._dynamic._kernels import accuracy_diversity_sizes
    >>> accuracy_diversity_sizes(10, 0.5, 0.3)
    (5, 3)
    """
    n_accurate = int(n_members * pct_accuracy)
    n_diverse = int(np.ceil(n_members * pct_diversity))
    if n_accurate < 1:
        raise ValueError(
            f"pct_accuracy={pct_accuracy} keeps no member of a pool of "
            f"{n_members}; int(n_members * pct_accuracy) must be >= 1."
        )
    if n_diverse > n_accurate:
        raise ValueError(
            f"pct_diversity={pct_diversity} keeps {n_diverse} members but "
            f"pct_accuracy={pct_accuracy} keeps only {n_accurate}; the diverse "
            "members are chosen among the accurate ones."
        )
    return n_accurate, n_diverse


def output_profiles(probabilities):
    """Members' probabilities as one vector per row (the output profile).

    With two classes only the first class's probability of each member is
    kept (the other is redundant), as DESlib does.

    Examples
    --------
    >>> import numpy as np
    >>> from skextra.ensemble._dynamic._kernels import output_profiles
    >>> p = np.array([[[0.2, 0.8], [0.6, 0.4]]])
    >>> output_profiles(p).tolist()
    [[0.2, 0.6]]
    """
    n, m, c = probabilities.shape
    if c == 2:
        return np.ascontiguousarray(probabilities[:, :, 0])
    return probabilities.reshape(n, m * c)
