"""Dynamic classifier selection: one member per test row.

OLA, LCA, MCB, MLA, Rank, A Priori and A Posteriori differ only in how the
competence of a member in the region of competence is estimated; the choice of
the member (``selection_method``) is shared.
"""

from numbers import Real

import numpy as np
from sklearn.utils._param_validation import Interval, StrOptions

from ...utils._validation import DEVICE_CONSTRAINT
from ._base import BaseDynamicSelection, fill_doc
from ._kernels import consecutive_hits, neighbour_hits, select_max

_DCS_CONSTRAINTS = {
    **BaseDynamicSelection._parameter_constraints,
    "selection_method": [StrOptions({"best", "all", "random", "diff"})],
    "diff_thresh": [Interval(Real, 0, 0.5, closed="left")],
    "device": DEVICE_CONSTRAINT,
}


def _inverse_distances(distances):
    d = np.where(distances == 0, 1e-10, distances)
    return 1.0 / d


def _masked_mean(values, mask, weights=None):
    """Mean of ``values`` over the neighbours in ``mask`` (axis 1); 0 if none."""
    w = mask.astype(np.float64) if weights is None else weights * mask
    num = (values * w).sum(axis=1)
    den = w.sum(axis=1)
    out = np.zeros_like(num)
    np.divide(num, den, out=out, where=den > 0)
    return out


def _neighbour_mean(table, neighbors, mask, weights=None):
    """:func:`_masked_mean` of ``table[neighbors]`` (DSEL rows x members)
    over the neighbours ``j`` where ``mask(j)`` holds (shape (rows,
    members) or (rows, 1)), weighted by ``weights[:, j]``, without the
    (rows, k, members) arrays and with the same values: integer counts
    unweighted, weighted sums in neighbour order, the order NumPy sums a
    middle axis in (but for one member, where it sums 9 or more pairwise)."""
    k = neighbors.shape[1]
    if weights is not None and k > 8 and table.shape[1] == 1:
        masks = np.stack([mask(j) for j in range(k)], axis=1)
        return _masked_mean(table[neighbors], masks, weights[:, :, None])
    num = den = 0
    for j in range(k):
        kept = mask(j)
        kept = kept.astype(np.intp) if weights is None else kept * weights[:, j, None]
        num = num + table[neighbors[:, j]] * kept
        den = den + kept
    out = np.zeros(np.shape(num))
    np.divide(num, den, out=out, where=den > 0)
    return out


class _BaseDCS(BaseDynamicSelection):
    """Shared selection of one member (or all the best ones)."""

    _dcs = True
    _parameter_constraints: dict = dict(_DCS_CONSTRAINTS)
    _default_selection = "best"

    def __init__(
        self,
        pool_classifiers=None,
        k=7,
        DFP=False,
        with_IH=False,
        safe_k=None,
        IH_rate=0.3,
        selection_method="best",
        diff_thresh=0.1,
        random_state=None,
        knn_classifier="knn",
        knn_metric="minkowski",
        knne=False,
        DSEL_perc=0.5,
        n_jobs=None,
        *,
        sampler=None,
        device=None,
    ):
        self.pool_classifiers = pool_classifiers
        self.k = k
        self.DFP = DFP
        self.with_IH = with_IH
        self.safe_k = safe_k
        self.IH_rate = IH_rate
        self.selection_method = selection_method
        self.diff_thresh = diff_thresh
        self.random_state = random_state
        self.knn_classifier = knn_classifier
        self.knn_metric = knn_metric
        self.knne = knne
        self.DSEL_perc = DSEL_perc
        self.n_jobs = n_jobs
        self.sampler = sampler
        self.device = device

    def select(self, competences):
        """The member chosen for each row (DESlib's method).

        Parameters
        ----------
        competences : array-like of shape (n_samples, n_members)

        Returns
        -------
        selected : ndarray of shape (n_samples,) or (n_samples, n_members)
            Index of the chosen member of each row; with
            ``selection_method="all"``, a boolean mask of the most competent
            members (as DESlib).
        """
        selected = super().select(competences)
        if self.selection_method == "all":
            return selected
        return selected.argmax(axis=1)

    def _same_class(self, batch):
        """Neighbour ``j``'s mask (rows x members): the member predicts the
        row's class as the neighbour's true class."""
        nb, target = batch.neighbors, self.DSEL_target_
        return lambda j: target[nb[:, j], None] == batch.predictions

    def _select(self, competences, batch):
        method = self.selection_method
        if method == "all":
            return select_max(competences)
        n, m = competences.shape
        if method == "best":
            chosen = competences.argmax(axis=1)
        else:
            best = competences.max(axis=1, keepdims=True)
            if method == "random":
                candidates = competences == best
            else:
                candidates = (best - competences) < self.diff_thresh
                candidates[~candidates.any(axis=1)] = True
            # One draw per row in row order: the same stream as DESlib's
            # per-row ``rng.choice`` over the candidates' indices.
            counts = candidates.sum(axis=1)
            pick = batch.rng.randint(0, counts)
            rank = np.cumsum(candidates, axis=1) - 1
            chosen = np.argmax(candidates & (rank == pick[:, None]), axis=1)
        selected = np.zeros((n, m), dtype=bool)
        selected[np.arange(n), chosen] = True
        return selected


@fill_doc
class OLA(_BaseDCS):
    """Overall local accuracy (OLA).

    A member's competence is its accuracy on the region of competence (Woods,
    Kegelmeyer & Bowyer 1997); the most competent member classifies the row.
    Same parameters and predictions as DESlib's ``OLA``.

    Parameters
    ----------
    {{pool_classifiers}}
    {{k}}
    {{DFP}}
    {{with_IH}}
    {{safe_k}}
    {{IH_rate}}
    {{selection_method}}
    {{diff_thresh}}
    {{dcs_random_state}}
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

    Notes
    -----
    {{dcs_notes}}

    Examples
    --------
    >>> from sklearn.datasets import make_classification
    >>> from skextra.ensemble import OLA
    >>> X, y = make_classification(n_samples=300, random_state=0)
    >>> clf = OLA(random_state=0).fit(X[:200], y[:200])
    >>> clf.predict(X[200:203]).shape
    (3,)
    """

    def _competence(self, batch):
        nb = batch.neighbors
        return neighbour_hits(nb, self.DSEL_processed_) / nb.shape[1]


@fill_doc
class LCA(_BaseDCS):
    """Local class accuracy (LCA).

    A member's competence is its accuracy on the neighbours whose class is
    the one it predicts for the row (0 when there is none). Same parameters
    and predictions as DESlib's ``LCA``.

    Parameters
    ----------
    {{pool_classifiers}}
    {{k}}
    {{DFP}}
    {{with_IH}}
    {{safe_k}}
    {{IH_rate}}
    {{selection_method}}
    {{diff_thresh}}
    {{dcs_random_state}}
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

    Notes
    -----
    {{dcs_notes}}

    Examples
    --------
    >>> from sklearn.datasets import make_classification
    >>> from skextra.ensemble import LCA
    >>> X, y = make_classification(n_samples=300, random_state=0)
    >>> clf = LCA(random_state=0).fit(X[:200], y[:200])
    >>> clf.predict(X[200:203]).shape
    (3,)
    """

    _competence_inputs = ("neighbors", "predictions")

    def __init__(
        self,
        pool_classifiers=None,
        k=7,
        DFP=False,
        with_IH=False,
        safe_k=None,
        IH_rate=0.3,
        selection_method="best",
        diff_thresh=0.1,
        random_state=None,
        knn_classifier="knn",
        knn_metric="minkowski",
        DSEL_perc=0.5,
        knne=False,
        n_jobs=None,
        *,
        sampler=None,
        device=None,
    ):
        super().__init__(
            pool_classifiers=pool_classifiers,
            k=k,
            DFP=DFP,
            with_IH=with_IH,
            safe_k=safe_k,
            IH_rate=IH_rate,
            selection_method=selection_method,
            diff_thresh=diff_thresh,
            random_state=random_state,
            knn_classifier=knn_classifier,
            knn_metric=knn_metric,
            DSEL_perc=DSEL_perc,
            knne=knne,
            n_jobs=n_jobs,
            sampler=sampler,
            device=device,
        )

    def _competence(self, batch):
        return _neighbour_mean(
            self.DSEL_processed_, batch.neighbors, self._same_class(batch)
        )


@fill_doc
class MLA(_BaseDCS):
    """Modified local accuracy (MLA).

    LCA with each neighbour weighted by the inverse of its distance to the
    row. Same parameters and predictions as DESlib's ``MLA``.

    Parameters
    ----------
    {{pool_classifiers}}
    {{k}}
    {{DFP}}
    {{with_IH}}
    {{safe_k}}
    {{IH_rate}}
    {{selection_method}}
    {{diff_thresh}}
    {{dcs_random_state}}
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

    Notes
    -----
    {{dcs_notes}}

    Examples
    --------
    >>> from sklearn.datasets import make_classification
    >>> from skextra.ensemble import MLA
    >>> X, y = make_classification(n_samples=300, random_state=0)
    >>> clf = MLA(random_state=0).fit(X[:200], y[:200])
    >>> clf.predict(X[200:203]).shape
    (3,)
    """

    _competence_inputs = ("neighbors", "distances", "predictions")

    def _competence(self, batch):
        return _neighbour_mean(
            self.DSEL_processed_,
            batch.neighbors,
            self._same_class(batch),
            _inverse_distances(batch.distances),
        )


@fill_doc
class MCB(_BaseDCS):
    """Multiple classifier behaviour (MCB).

    The region of competence keeps only the neighbours whose behaviour
    knowledge space (the pool's predictions) is similar to the row's: the
    fraction of members predicting the same for both exceeds
    ``similarity_threshold`` (all neighbours when none does). The competence
    is the accuracy on those neighbours (Giacinto & Roli 2001). Same
    parameters and predictions as DESlib's ``MCB``.

    Parameters
    ----------
    {{pool_classifiers}}
    {{k}}
    {{DFP}}
    {{with_IH}}
    {{safe_k}}
    {{IH_rate}}
    similarity_threshold : float, default=0.7
        Minimum behaviour similarity of a neighbour.
    {{selection_method_diff}}
    {{diff_thresh}}
    {{dcs_random_state}}
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

    Examples
    --------
    >>> from sklearn.datasets import make_classification
    >>> from skextra.ensemble import MCB
    >>> X, y = make_classification(n_samples=300, random_state=0)
    >>> clf = MCB(random_state=0).fit(X[:200], y[:200])
    >>> clf.predict(X[200:203]).shape
    (3,)
    """

    _parameter_constraints: dict = {
        **_DCS_CONSTRAINTS,
        "similarity_threshold": [Interval(Real, 0, 1, closed="both")],
    }

    def __init__(
        self,
        pool_classifiers=None,
        k=7,
        DFP=False,
        with_IH=False,
        safe_k=None,
        IH_rate=0.3,
        similarity_threshold=0.7,
        selection_method="diff",
        diff_thresh=0.1,
        random_state=None,
        knn_classifier="knn",
        knn_metric="minkowski",
        knne=False,
        DSEL_perc=0.5,
        n_jobs=None,
        *,
        sampler=None,
        device=None,
    ):
        super().__init__(
            pool_classifiers,
            k=k,
            DFP=DFP,
            with_IH=with_IH,
            safe_k=safe_k,
            IH_rate=IH_rate,
            selection_method=selection_method,
            diff_thresh=diff_thresh,
            random_state=random_state,
            knn_classifier=knn_classifier,
            knn_metric=knn_metric,
            knne=knne,
            DSEL_perc=DSEL_perc,
            n_jobs=n_jobs,
            sampler=sampler,
            device=device,
        )
        self.similarity_threshold = similarity_threshold

    _competence_inputs = ("neighbors", "predictions")

    def _competence(self, batch):
        nb = batch.neighbors
        same = self.BKS_DSEL_[nb] == batch.predictions[:, None, :]
        similarity = same.sum(axis=2) / self.n_classifiers_
        keep = similarity > self.similarity_threshold
        keep[~keep.any(axis=1)] = True
        return _neighbour_mean(self.DSEL_processed_, nb, lambda j: keep[:, j, None])


@fill_doc
class Rank(_BaseDCS):
    """Modified classifier rank.

    A member's competence is the number of nearest neighbours it classifies
    correctly before its first error (Sabourin et al. 1993). Same parameters
    and predictions as DESlib's ``Rank``.

    Parameters
    ----------
    {{pool_classifiers}}
    {{k}}
    {{DFP}}
    {{with_IH}}
    {{safe_k}}
    {{IH_rate}}
    {{selection_method}}
    {{diff_thresh}}
    {{dcs_random_state}}
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

    Notes
    -----
    {{dcs_notes}}

    Examples
    --------
    >>> from sklearn.datasets import make_classification
    >>> from skextra.ensemble import Rank
    >>> X, y = make_classification(n_samples=300, random_state=0)
    >>> clf = Rank(random_state=0).fit(X[:200], y[:200])
    >>> clf.predict(X[200:203]).shape
    (3,)
    """

    def _competence(self, batch):
        return consecutive_hits(batch.neighbors, self.DSEL_processed_)


class _ProbabilisticDCS(_BaseDCS):
    _needs_dsel_proba = True

    def __init__(
        self,
        pool_classifiers=None,
        k=7,
        DFP=False,
        with_IH=False,
        safe_k=None,
        IH_rate=0.3,
        selection_method="diff",
        diff_thresh=0.1,
        random_state=None,
        knn_classifier="knn",
        knn_metric="minkowski",
        knne=False,
        DSEL_perc=0.5,
        n_jobs=None,
        *,
        sampler=None,
        device=None,
    ):
        super().__init__(
            pool_classifiers,
            k=k,
            DFP=DFP,
            with_IH=with_IH,
            safe_k=safe_k,
            IH_rate=IH_rate,
            selection_method=selection_method,
            diff_thresh=diff_thresh,
            random_state=random_state,
            knn_classifier=knn_classifier,
            knn_metric=knn_metric,
            knne=knne,
            DSEL_perc=DSEL_perc,
            n_jobs=n_jobs,
            sampler=sampler,
            device=device,
        )

    def _true_class_proba(self, neighbors):
        """Each member's probability of the true class of each neighbour,
        shape (n_b, k, n_members), read from ``dsel_scores_``."""
        return self._true_class_table()[neighbors]

    def _true_class_table(self):
        """Each member's probability of each DSEL row's true class, shape
        (n_dsel, n_members): one row per DSEL row, before the neighbours'."""
        n = self.dsel_scores_.shape[0]
        return self.dsel_scores_[np.arange(n), :, self.DSEL_target_]


@fill_doc
class APriori(_ProbabilisticDCS):
    """A priori dynamic classifier selection.

    A member's competence is its probability for the true class of the
    neighbours, averaged with weights inverse to their distances (Giacinto &
    Roli 1999). Same parameters and predictions as DESlib's ``APriori``.

    Parameters
    ----------
    {{pool_classifiers}}
    {{k}}
    {{DFP}}
    {{with_IH}}
    {{safe_k}}
    {{IH_rate}}
    {{selection_method_diff}}
    {{diff_thresh}}
    {{dcs_random_state}}
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

    Examples
    --------
    >>> from sklearn.datasets import make_classification
    >>> from skextra.ensemble import APriori
    >>> X, y = make_classification(n_samples=300, random_state=0)
    >>> clf = APriori(random_state=0).fit(X[:200], y[:200])
    >>> clf.predict(X[200:203]).shape
    (3,)
    """

    _competence_inputs = ("neighbors", "distances")

    def _competence(self, batch):
        w = _inverse_distances(batch.distances)
        scores = self._true_class_proba(batch.neighbors) * w[:, :, None]
        return scores.sum(axis=1) / w.sum(axis=1, keepdims=True)


@fill_doc
class APosteriori(_ProbabilisticDCS):
    """A posteriori dynamic classifier selection.

    As :class:`APriori`, but only over the neighbours whose class is the one
    the member predicts for the row (0 when there is none). Same parameters
    and predictions as DESlib's ``APosteriori``.

    Parameters
    ----------
    {{pool_classifiers}}
    {{k}}
    {{DFP}}
    {{with_IH}}
    {{safe_k}}
    {{IH_rate}}
    {{selection_method_diff}}
    {{diff_thresh}}
    {{dcs_random_state}}
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

    Examples
    --------
    >>> from sklearn.datasets import make_classification
    >>> from skextra.ensemble import APosteriori
    >>> X, y = make_classification(n_samples=300, random_state=0)
    >>> clf = APosteriori(random_state=0).fit(X[:200], y[:200])
    >>> clf.predict(X[200:203]).shape
    (3,)
    """

    _competence_inputs = ("neighbors", "distances", "predictions")

    def _competence(self, batch):
        return _neighbour_mean(
            self._true_class_table(),
            batch.neighbors,
            self._same_class(batch),
            _inverse_distances(batch.distances),
        )
