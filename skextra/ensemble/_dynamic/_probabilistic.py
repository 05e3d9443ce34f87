"""Probabilistic dynamic ensemble selection: DES-RRC, DES-KL, Exponential,
Logarithmic and Minimum Difference (Woloszynski and Kurzynski's family).

Each member gets a *source competence* on every DSEL row, computed from the
probabilities it gives there (:func:`source_competence`). The competence at
a query ``x`` is the average of the source competences of the DSEL rows
weighted by the Gaussian potential ``exp(-d(x, x_j) ** 2)``:

.. math::

    c_m(x) = \\frac{\\sum_j C_{src}[j, m] \\, e^{-d(x, x_j)^2}}
                  {\\sum_j e^{-d(x, x_j)^2}}

over the ``k`` nearest DSEL rows, or over all of DSEL when ``k=None`` (the
default, as in DESlib). As DESlib, a potential that underflows to 0 is
replaced by 1e-20. DESlib evaluates the all-DSEL case by asking its neighbour
search for ``n_dsel`` neighbours of every test row at once, i.e. dense
``n_test x n_dsel`` distance/index matrices and an ``n_test x n_dsel x
n_members`` gather, which does not fit in memory for large DSEL. skextra
computes the same sums exactly, without sorting and without a gather: for a
batch of test rows the squared distances to all DSEL rows come from one
matrix product, the potentials are exponentiated in place, and the weighted
sums are a second matrix product with ``C_src``. Memory is
``batch x n_dsel`` floats, with the batch size set by scikit-learn's
``working_memory``; the results equal DESlib's up to floating-point rounding
in the order of the sum.
"""

from numbers import Integral

import numpy as np
from scipy.special import betainc
from scipy.stats import entropy
from sklearn.utils import gen_batches
from sklearn.utils._param_validation import Interval, StrOptions
from sklearn.utils.validation import check_is_fitted

from ...utils._array_api import to_numpy
from ...utils._chunking import row_batches
from ...utils._validation import DEVICE_CONSTRAINT
from ._base import BaseDynamicSelection, fill_doc
from ._kernels import select_above

__all__ = [
    "DESKL",
    "RRC",
    "Exponential",
    "Logarithmic",
    "MinimumDifference",
    "source_competence",
]

_TINY_POTENTIAL = 1e-20
# At most this many bytes of potentials are computed at once by the all-DSEL
# competence: blocks that stay in cache, whose pages are reused (32 MB blocks
# were 20-30 % slower at 6,000 DSEL rows).
_CHUNK_BYTES = 4 << 20


# ---------------------------------------------------------------------------
# Source competence of every member on every DSEL row, all members at once.
# The formulas and the order of the floating-point operations are DESlib's
# (deslib.util.prob_functions), so the values are equal to the last bit.
# ---------------------------------------------------------------------------


def _correct_support(scores, y):
    """Support each member gives to the true class: (n_dsel, n_members)."""
    return np.take_along_axis(scores, y[:, None, None], axis=2)[:, :, 0]


def rrc_source_competence(scores, y, n_points=20):
    """Randomized reference classifier (Woloszynski and Kurzynski, 2011).

    Each member's supports ``s`` are read as the means of independent beta
    variables ``Beta(C s_c, C (1 - s_c))``; the competence is the probability
    that the true class's variable is the largest, integrated with the
    trapezoidal rule on ``n_points`` points of [0, 1].
    """
    n, n_members, n_classes = scores.shape
    x = np.linspace(0, 1, n_points)
    out = np.empty((n, n_members))
    # The beta CDFs depend on the support value only: evaluate betainc once
    # per distinct value (trees and other members repeat few values).
    values, inverse = np.unique(np.minimum(scores, 1.0), return_inverse=True)
    inverse = inverse.reshape(scores.shape)
    a = n_classes * values
    b = n_classes - a
    a[a <= 1e-20] = 1e-20
    b[b <= 1e-20] = 1e-20
    table = betainc(a[:, None], b[:, None], x)
    # Blocks of rows of (rows, members, classes, points) arrays: the CDFs,
    # their midpoints, the true class's, the masses and the products; at
    # most 128 Ki values (1 MB) an array, which keeps them in cache (blocks
    # of 32 MB arrays faulted their pages in anew, up to 6x slower).
    per_row = n_members * n_classes * n_points
    cap = max(1, (128 << 10) // per_row)
    for block in row_batches(n, 48 * per_row, max_n_rows=cap):
        cdf = table[inverse[block]]
        true = y[block]
        cdf_true = np.take_along_axis(cdf, true[:, None, None, None], axis=2)[:, :, 0]
        mass = cdf_true[..., 1:] - cdf_true[..., :-1]
        mid = (cdf[..., :-1] + cdf[..., 1:]) / 2
        prod = None
        for c in range(n_classes):
            factor = np.where((true == c)[:, None, None], 1.0, mid[:, :, c])
            prod = factor if prod is None else prod * factor
        out[block] = np.sum(mass * prod, axis=-1)
    return out


def kl_source_competence(scores, y, hits):
    """DES-KL: normalised entropy of the supports, plus 1 if right, -1 if wrong."""
    n_classes = scores.shape[2]
    s = np.clip(scores, 0.0, 1.0)
    return 1.0 / np.log(n_classes) * entropy(s, axis=2) + (2 * hits - 1)


def exponential_source_competence(scores, y):
    """Exponential competence: ``1 - 2 ** (1 - (C - 1) s / (1 - s))``, 1 when s = 1."""
    n_classes = scores.shape[2]
    s = _correct_support(scores, y)
    s = np.where(s <= 0.0, 0.0, s)
    out = np.ones_like(s)
    below = s < 1
    sb = s[below]
    out[below] = 1.0 - 2 ** (1.0 - (n_classes - 1.0) * sb / (1.0 - sb))
    return out


def log_source_competence(scores, y):
    """Logarithmic competence ``2 s ** (log 2 / log C) - 1`` (``2 s - 1`` if C = 2)."""
    n_classes = scores.shape[2]
    s = np.clip(_correct_support(scores, y), 0.0, 1.0)
    if n_classes == 2:
        return 2 * s - 1
    return 2 * s ** (np.log(2) / np.log(n_classes)) - 1


def min_difference_source_competence(scores, y):
    """Smallest difference between the true class's support and another's."""
    n_classes = scores.shape[2]
    s_true = _correct_support(scores, y)
    out = None
    for c in range(n_classes):
        diff = np.where((y == c)[:, None], np.inf, s_true - scores[:, :, c])
        out = diff if out is None else np.minimum(out, diff)
    return out


def source_competence(kind, scores, y, hits=None):
    """Source competence of every member on every DSEL row.

    Parameters
    ----------
    kind : {"rrc", "kl", "exponential", "logarithmic", "min_difference"}
    scores : ndarray of shape (n_dsel, n_members, n_classes)
        The members' probabilities on DSEL.
    y : ndarray of shape (n_dsel,) or None
        DSEL class indices (DES-KL reads them only when ``hits`` is None).
    hits : ndarray of shape (n_dsel, n_members), default=None
        Whether each member's prediction is right (DES-KL only); by default
        whether the class of largest probability is ``y``.

    Returns
    -------
    C_src : ndarray of shape (n_dsel, n_members)

    Examples
    --------
    >>> import numpy as np
    >>> from skextra.ensemble._dynamic._probabilistic import source_competence
    >>> scores = np.array([[[0.9, 0.1], [0.4, 0.6]]])  # 1 row, 2 members
    >>> source_competence("min_difference", scores, np.array([0])).round(2)
    array([[ 0.8, -0.2]])
    >>> source_competence("logarithmic", scores, np.array([0])).round(2)
    array([[ 0.8, -0.2]])
    """
    scores = np.asarray(scores, dtype=np.float64)
    y = None if y is None else np.asarray(y, dtype=np.intp)
    if kind == "rrc":
        return rrc_source_competence(scores, y)
    if kind == "kl":
        if hits is None:
            hits = scores.argmax(axis=2) == y[:, None]
        return kl_source_competence(scores, y, hits)
    if kind == "exponential":
        return exponential_source_competence(scores, y)
    if kind == "logarithmic":
        return log_source_competence(scores, y)
    if kind == "min_difference":
        return min_difference_source_competence(scores, y)
    raise ValueError(f"unknown source competence {kind!r}")


def _potentials(sq_dist):
    """Gaussian potential, in place; underflows replaced by 1e-20 as DESlib."""
    np.negative(sq_dist, out=sq_dist)
    np.exp(sq_dist, out=sq_dist)
    sq_dist[sq_dist == 0] = _TINY_POTENTIAL
    return sq_dist


def potential_competence(distances, neighbors, C_src):
    """Potential-weighted mean of the neighbours' source competences.

    Parameters
    ----------
    distances, neighbors : ndarray of shape (n_queries, k)
    C_src : ndarray of shape (n_dsel, n_members)

    Returns
    -------
    competences : ndarray of shape (n_queries, n_members)

    Examples
    --------
    >>> import numpy as np
    >>> from skextra.ensemble._dynamic._probabilistic import potential_competence
    >>> C_src = np.array([[1.0, 0.0], [0.0, 1.0]])
    >>> potential_competence(np.array([[0.0, 1.0]]), np.array([[0, 1]]), C_src).round(3)
    array([[0.731, 0.269]])
    """
    potential = _potentials(np.asarray(distances, dtype=np.float64) ** 2)
    total = potential.sum(axis=1)
    weighted = np.einsum("ijk,ij->ik", C_src[neighbors], potential)
    return weighted / total[:, None]


def all_dsel_competence(X, X_dsel, C_src, *, dsel_sq_norms=None, chunk_bytes=None):
    """:func:`potential_competence` over all DSEL rows, without a dense
    ``n_queries x n_dsel`` matrix of neighbours.

    Rows of ``X`` are processed in chunks of at most ``chunk_bytes`` of
    potentials (None: a quarter of scikit-learn's ``working_memory``, at
    most 32 MiB); each chunk costs two matrix products (squared distances,
    then the weighted sums).

    Examples
    --------
    >>> import numpy as np
    >>> from skextra.ensemble._dynamic._probabilistic import (
    ...     all_dsel_competence, potential_competence)
    >>> rng = np.random.RandomState(0)
    >>> X_dsel, X = rng.normal(size=(50, 3)), rng.normal(size=(4, 3))
    >>> C_src = rng.uniform(size=(50, 2))
    >>> d = np.sqrt(((X[:, None] - X_dsel[None]) ** 2).sum(-1))
    >>> nb = np.tile(np.arange(50), (4, 1))
    >>> np.allclose(all_dsel_competence(X, X_dsel, C_src),
    ...             potential_competence(d, nb, C_src))
    True
    """
    X = np.asarray(X, dtype=np.float64)
    X_dsel = np.asarray(X_dsel, dtype=np.float64)
    if dsel_sq_norms is None:
        dsel_sq_norms = np.einsum("ij,ij->i", X_dsel, X_dsel)
    out = np.empty((X.shape[0], C_src.shape[1]))
    for rows in _potential_chunks(X.shape[0], X_dsel.shape[0], chunk_bytes):
        Xc = X[rows]
        # -|x - z|^2 = 2 x.z - |x|^2 - |z|^2, clipped at 0 like a distance.
        neg_sq = Xc @ X_dsel.T
        neg_sq *= 2.0
        neg_sq -= np.einsum("ij,ij->i", Xc, Xc)[:, None]
        neg_sq -= dsel_sq_norms[None, :]
        np.minimum(neg_sq, 0.0, out=neg_sq)
        np.exp(neg_sq, out=neg_sq)
        neg_sq[neg_sq == 0] = _TINY_POTENTIAL
        out[rows] = (neg_sq @ C_src) / neg_sq.sum(axis=1)[:, None]
    return out


def _potential_chunks(n, n_dsel, chunk_bytes):
    """Row blocks of :func:`all_dsel_competence` (``n_dsel`` potentials a row)."""
    row_bytes = 8 * max(n_dsel, 1)
    cap = max(1, min(n, _CHUNK_BYTES // row_bytes))
    if chunk_bytes is None:
        return row_batches(n, 4 * row_bytes, max_n_rows=cap)
    return gen_batches(n, int(max(1, min(n, chunk_bytes // row_bytes))))


def _crossing_members(y_dsel, processed):
    """DFP over all of DSEL: members right on rows of two classes or more."""
    y_big = int(y_dsel.max(initial=0)) + 1
    lowest = np.where(processed, y_dsel[:, None], y_big).min(axis=0)
    highest = np.where(processed, y_dsel[:, None], -1).max(axis=0)
    keep = highest > lowest
    if np.unique(y_dsel).size < 2 or not keep.any():
        keep[:] = True
    return keep.astype(np.float64)


class _BaseProbabilistic(BaseDynamicSelection):
    """Shared fit/competence/selection of the probabilistic methods."""

    _needs_dsel_proba = True
    _source = None
    _threshold = 0.0  # None: 1 / n_classes

    _parameter_constraints: dict = {
        **BaseDynamicSelection._parameter_constraints,
        "k": [Interval(Integral, 1, None, closed="left"), None],
        "mode": [StrOptions({"selection", "weighting", "hybrid"})],
        "voting": [StrOptions({"hard", "soft"})],
        "device": DEVICE_CONSTRAINT,
    }

    def __init__(
        self,
        pool_classifiers=None,
        k=None,
        DFP=False,
        with_IH=False,
        safe_k=None,
        IH_rate=0.3,
        mode="selection",
        random_state=None,
        knn_classifier="knn",
        knn_metric="minkowski",
        DSEL_perc=0.5,
        n_jobs=None,
        voting="hard",
        *,
        knne=False,
        sampler=None,
        device=None,
    ):
        self.pool_classifiers = pool_classifiers
        self.k = k
        self.DFP = DFP
        self.with_IH = with_IH
        self.safe_k = safe_k
        self.IH_rate = IH_rate
        self.mode = mode
        self.voting = voting
        self.random_state = random_state
        self.knn_classifier = knn_classifier
        self.knn_metric = knn_metric
        self.knne = knne
        self.DSEL_perc = DSEL_perc
        self.n_jobs = n_jobs
        self.sampler = sampler
        self.device = device

    def _all_dsel(self):
        return self.k is None or self.k_ >= self.n_samples_

    def _fit_selection(self):
        if self.n_classes_ < 2:
            raise ValueError(
                f"{type(self).__name__} needs at least 2 classes; got "
                f"{self.n_classes_} class."
            )
        self.C_src_ = self.source_competence()
        # Mahalanobis distances are Euclidean ones after whitening.
        self._whitening_ = getattr(self.roc_algorithm_, "whitening_", None)
        self._dsel_space_ = self._to_distance_space(self.DSEL_data_)
        self._dsel_sq_norms_ = np.einsum(
            "ij,ij->i", self._dsel_space_, self._dsel_space_
        )
        self._dfp_all_dsel_ = _crossing_members(self.DSEL_target_, self.DSEL_processed_)

    def source_competence(self):
        """Source competence of each member on each DSEL row (DESlib's method).

        Computed from ``dsel_scores_`` and ``DSEL_target_`` (DES-KL:
        ``dsel_scores_`` and ``DSEL_processed_``); ``fit`` stores it as
        ``C_src_``.

        Returns
        -------
        C_src : ndarray of shape (n_dsel, n_members)
        """
        check_is_fitted(self)
        scores = np.asarray(self.dsel_scores_)
        n, m, c = scores.shape
        kl = self._source == "kl"
        hits = np.asarray(self.DSEL_processed_, dtype=bool) if kl else None
        y = None if kl else np.asarray(self.DSEL_target_)
        out = np.empty((n, m))
        # Block by block of DSEL rows: the formulas' temporaries are a few
        # (rows, members, classes) arrays.
        for rows in row_batches(n, 48 * m * c):
            out[rows] = source_competence(
                self._source,
                scores[rows],
                None if kl else y[rows],
                hits[rows] if kl else None,
            )
        return out

    def _to_distance_space(self, X):
        return X if self._whitening_ is None else X @ self._whitening_

    def _row_bytes(self):
        m, c = self.n_classifiers_, self.n_classes_
        k = self.safe_k_ if self._all_dsel() else self.k_
        return 8 * (4 * m * k + 3 * m * c + 2 * k + 2 * c)

    def _region(self, X):
        if not self._all_dsel():
            return super()._region(X)
        if not self.with_IH:
            return None, None
        # Only the hardness needs neighbours: the safe_k nearest.
        distances, indices = self.roc_algorithm_.kneighbors(
            X, n_neighbors=self.safe_k_, return_distance=True
        )
        distances = np.atleast_2d(to_numpy(distances))
        return distances, np.atleast_2d(to_numpy(indices)).astype(np.intp)

    def _dfp_mask(self, batch):
        if self._all_dsel():
            rows = batch.predictions if batch.X is None else batch.X
            return np.broadcast_to(
                self._dfp_all_dsel_, (len(rows), self.n_classifiers_)
            )
        return super()._dfp_mask(batch)

    _competence_inputs = ("neighbors", "distances")

    def _competence(self, batch):
        # A region given to the public methods (no rows X) is used as given.
        if batch.X is not None and self._all_dsel():
            return all_dsel_competence(
                self._to_distance_space(batch.X),
                self._dsel_space_,
                self.C_src_,
                dsel_sq_norms=self._dsel_sq_norms_,
            )
        return potential_competence(batch.distances, batch.neighbors, self.C_src_)

    def _select(self, competences, batch):
        threshold = (
            1.0 / self.n_classes_ if self._threshold is None else self._threshold
        )
        return select_above(competences, threshold)


@fill_doc
class RRC(_BaseProbabilistic):
    """Dynamic ensemble selection with the randomized reference classifier
    (DES-RRC).

    A member's source competence on a DSEL row is the probability that a
    randomized reference classifier (beta-distributed supports with the
    member's probabilities as means) gives the true class the largest
    support (Woloszynski and Kurzynski 2011). Members whose competence at
    the query exceeds ``1 / n_classes`` are selected. Same parameters and
    predictions as DESlib's ``RRC``.

    Parameters
    ----------
    {{pool_classifiers}}
    {{k_all_dsel}}
    {{DFP}}
    {{with_IH}}
    {{safe_k_all_dsel}}
    {{IH_rate}}
    {{mode}}
    {{voting}}
    {{random_state}}
    {{knn_classifier}}
    {{knn_metric}}
    {{knne}}
    {{DSEL_perc}}
    {{n_jobs}}
    {{sampler}}
    {{device}}

    Attributes
    ----------
    {{attributes}}
    dsel_scores_ : ndarray of shape (n_dsel, n_members, n_classes)
        The members' probabilities on DSEL.
    C_src_ : ndarray of shape (n_dsel, n_members)
        Source competence of each member on each DSEL row.

    See Also
    --------
    DESKL, Exponential, Logarithmic, MinimumDifference : the other source
        competences of the same family.

    Notes
    -----
    {{all_dsel_notes}}

    References
    ----------
    T. Woloszynski, M. Kurzynski, "A probabilistic model of classifier
    competence for dynamic ensemble selection", Pattern Recognition 44
    (2011) 2656-2668.

    Examples
    --------
    >>> from sklearn.datasets import make_classification
    >>> from skextra.ensemble import RRC
    >>> X, y = make_classification(n_samples=300, random_state=0)
    >>> clf = RRC(random_state=0).fit(X[:200], y[:200])
    >>> clf.C_src_.shape
    (100, 10)
    >>> round(clf.score(X[200:], y[200:]), 2) > 0.8
    True
    """

    _source = "rrc"
    _threshold = None


@fill_doc
class DESKL(_BaseProbabilistic):
    """Dynamic ensemble selection with the Kullback-Leibler competence
    (DES-KL).

    A member's source competence on a DSEL row is the entropy of its
    probabilities normalised by ``log(n_classes)``, plus 1 when it is right
    and minus 1 when it is wrong, as DESlib computes it (Woloszynski et al.
    2012). Members with a positive competence at the query are selected.
    Same parameters and predictions as DESlib's ``DESKL``.

    Parameters
    ----------
    {{pool_classifiers}}
    {{k_all_dsel}}
    {{DFP}}
    {{with_IH}}
    {{safe_k_all_dsel}}
    {{IH_rate}}
    {{mode}}
    {{voting}}
    {{random_state}}
    {{knn_classifier}}
    {{knn_metric}}
    {{knne}}
    {{DSEL_perc}}
    {{n_jobs}}
    {{sampler}}
    {{device}}

    Attributes
    ----------
    {{attributes}}
    dsel_scores_ : ndarray of shape (n_dsel, n_members, n_classes)
        The members' probabilities on DSEL.
    C_src_ : ndarray of shape (n_dsel, n_members)
        Source competence of each member on each DSEL row.

    See Also
    --------
    RRC, Exponential, Logarithmic, MinimumDifference

    Notes
    -----
    {{all_dsel_notes}}

    References
    ----------
    T. Woloszynski, M. Kurzynski, P. Podsiadlo, G. W. Stachowiak, "A measure
    of competence based on random classification for dynamic ensemble
    selection", Information Fusion 13 (2012) 207-213.

    Examples
    --------
    >>> from sklearn.datasets import make_classification
    >>> from skextra.ensemble import DESKL
    >>> X, y = make_classification(n_samples=300, random_state=0)
    >>> clf = DESKL(k=15, random_state=0).fit(X[:200], y[:200])
    >>> clf.predict(X[200:205]).shape
    (5,)
    """

    _source = "kl"
    _threshold = 0.0


@fill_doc
class Exponential(_BaseProbabilistic):
    """Dynamic ensemble selection with the exponential competence.

    A member's source competence on a DSEL row is
    ``1 - 2 ** (1 - (C - 1) s / (1 - s))`` for the probability ``s`` it gives
    the true class (1 when ``s = 1``), which is positive when ``s > 1 / C``
    (Antosik and Kurzynski 2011). Members with a positive competence at the
    query are selected. Same parameters and predictions as DESlib's
    ``Exponential``.

    Parameters
    ----------
    {{pool_classifiers}}
    {{k_all_dsel}}
    {{DFP}}
    {{with_IH}}
    {{safe_k_all_dsel}}
    {{IH_rate}}
    {{mode}}
    {{voting}}
    {{random_state}}
    {{knn_classifier}}
    {{knn_metric}}
    {{knne}}
    {{DSEL_perc}}
    {{n_jobs}}
    {{sampler}}
    {{device}}

    Attributes
    ----------
    {{attributes}}
    dsel_scores_ : ndarray of shape (n_dsel, n_members, n_classes)
        The members' probabilities on DSEL.
    C_src_ : ndarray of shape (n_dsel, n_members)
        Source competence of each member on each DSEL row.

    See Also
    --------
    RRC, DESKL, Logarithmic, MinimumDifference

    Notes
    -----
    {{all_dsel_notes}}

    References
    ----------
    B. Antosik, M. Kurzynski, "New measures of classifier competence -
    heuristics and application to the design of multiple classifier
    systems", Computer Recognition Systems 4 (2011) 197-206.

    Examples
    --------
    >>> from sklearn.datasets import make_classification
    >>> from skextra.ensemble import Exponential
    >>> X, y = make_classification(n_samples=300, random_state=0)
    >>> clf = Exponential(random_state=0).fit(X[:200], y[:200])
    >>> clf.predict_proba(X[200:203]).shape
    (3, 2)
    """

    _source = "exponential"
    _threshold = 0.0

    def __init__(
        self,
        pool_classifiers=None,
        k=None,
        DFP=False,
        safe_k=None,
        with_IH=False,
        IH_rate=0.3,
        mode="selection",
        random_state=None,
        knn_classifier="knn",
        knn_metric="minkowski",
        DSEL_perc=0.5,
        n_jobs=None,
        voting="hard",
        *,
        knne=False,
        sampler=None,
        device=None,
    ):
        super().__init__(
            pool_classifiers=pool_classifiers,
            k=k,
            DFP=DFP,
            safe_k=safe_k,
            with_IH=with_IH,
            IH_rate=IH_rate,
            mode=mode,
            random_state=random_state,
            knn_classifier=knn_classifier,
            knn_metric=knn_metric,
            DSEL_perc=DSEL_perc,
            n_jobs=n_jobs,
            voting=voting,
            knne=knne,
            sampler=sampler,
            device=device,
        )


@fill_doc
class Logarithmic(_BaseProbabilistic):
    """Dynamic ensemble selection with the logarithmic competence.

    A member's source competence on a DSEL row is
    ``2 s ** (log 2 / log C) - 1`` for the probability ``s`` it gives the true
    class (``2 s - 1`` with two classes) (Antosik and Kurzynski 2011).
    Members whose competence at the query exceeds ``1 / n_classes`` are
    selected, as in DESlib. Same parameters and predictions as DESlib's
    ``Logarithmic``.

    Parameters
    ----------
    {{pool_classifiers}}
    {{k_all_dsel}}
    {{DFP}}
    {{with_IH}}
    {{safe_k_all_dsel}}
    {{IH_rate}}
    {{mode}}
    {{voting}}
    {{random_state}}
    {{knn_classifier}}
    {{knn_metric}}
    {{knne}}
    {{DSEL_perc}}
    {{n_jobs}}
    {{sampler}}
    {{device}}

    Attributes
    ----------
    {{attributes}}
    dsel_scores_ : ndarray of shape (n_dsel, n_members, n_classes)
        The members' probabilities on DSEL.
    C_src_ : ndarray of shape (n_dsel, n_members)
        Source competence of each member on each DSEL row.

    See Also
    --------
    RRC, DESKL, Exponential, MinimumDifference

    Notes
    -----
    {{all_dsel_notes}}

    References
    ----------
    B. Antosik, M. Kurzynski, "New measures of classifier competence -
    heuristics and application to the design of multiple classifier
    systems", Computer Recognition Systems 4 (2011) 197-206.

    Examples
    --------
    >>> from sklearn.datasets import make_classification
    >>> from skextra.ensemble import Logarithmic
    >>> X, y = make_classification(n_samples=300, random_state=0)
    >>> clf = Logarithmic(random_state=0).fit(X[:200], y[:200])
    >>> clf.predict(X[200:205]).shape
    (5,)
    """

    _source = "logarithmic"
    _threshold = None


@fill_doc
class MinimumDifference(_BaseProbabilistic):
    """Dynamic ensemble selection with the minimum-difference competence.

    A member's source competence on a DSEL row is the smallest difference
    between the probability it gives the true class and the probability it
    gives any other class: positive exactly when it is right with a margin
    (Antosik and Kurzynski 2011). Members with a positive competence at the
    query are selected. Same parameters and predictions as DESlib's
    ``MinimumDifference``.

    Parameters
    ----------
    {{pool_classifiers}}
    {{k_all_dsel}}
    {{DFP}}
    {{with_IH}}
    {{safe_k_all_dsel}}
    {{IH_rate}}
    {{mode}}
    {{voting}}
    {{random_state}}
    {{knn_classifier}}
    {{knn_metric}}
    {{knne}}
    {{DSEL_perc}}
    {{n_jobs}}
    {{sampler}}
    {{device}}

    Attributes
    ----------
    {{attributes}}
    dsel_scores_ : ndarray of shape (n_dsel, n_members, n_classes)
        The members' probabilities on DSEL.
    C_src_ : ndarray of shape (n_dsel, n_members)
        Source competence of each member on each DSEL row.

    See Also
    --------
    RRC, DESKL, Exponential, Logarithmic

    Notes
    -----
    {{all_dsel_notes}}

    References
    ----------
    B. Antosik, M. Kurzynski, "New measures of classifier competence -
    heuristics and application to the design of multiple classifier
    systems", Computer Recognition Systems 4 (2011) 197-206.

    Examples
    --------
    >>> from sklearn.datasets import make_classification
    >>> from skextra.ensemble import MinimumDifference
    >>> X, y = make_classification(n_samples=300, random_state=0)
    >>> clf = MinimumDifference(random_state=0).fit(X[:200], y[:200])
    >>> clf.predict(X[200:205]).shape
    (5,)
    """

    _source = "min_difference"
    _threshold = 0.0
