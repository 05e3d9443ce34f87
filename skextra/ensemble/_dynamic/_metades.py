"""META-DES: competence predicted by a meta-classifier."""

import warnings
from numbers import Integral, Real

import numpy as np
from sklearn.base import clone
from sklearn.naive_bayes import MultinomialNB
from sklearn.utils._param_validation import HasMethods, Interval, StrOptions
from sklearn.utils.validation import check_is_fitted

from ...utils._chunking import row_batches
from ._base import _DES_CONSTRAINTS, _BaseKNORA, fill_doc
from ._kernels import output_profiles, select_above
from ._neighbors import fit_searcher, make_searcher

_BINS = np.linspace(0.1, 1, 10)
_META_BLOCK_BYTES = 32 << 20


def meta_features(processed, true_proba, neighbors, op_neighbors, max_proba):
    """META-DES meta-features of every (row, member) pair.

    For each row and member: its hits on the ``k`` nearest neighbours (f1),
    its probability of their true class (f2), its local accuracy (f3), its
    hits on the ``Kp`` nearest output profiles (f4) and its confidence on the
    row (f5, the largest probability). Rows of the result are ordered row by
    row, member by member.

    Parameters
    ----------
    processed : ndarray of shape (n_dsel, n_members)
    true_proba : ndarray of shape (n_dsel, n_members)
    neighbors : ndarray of shape (n, k)
    op_neighbors : ndarray of shape (n, Kp)
    max_proba : ndarray of shape (n, n_members)

    Returns
    -------
    features : ndarray of shape (n * n_members, 2 * k + Kp + 2)

    Examples
    --------
    >>> import numpy as np
    >>> from skextra.ensemble._dynamic._metades import meta_features
    >>> hits = np.array([[True, False], [True, True]])
    >>> proba = np.array([[0.9, 0.4], [0.7, 0.6]])
    >>> f = meta_features(hits, proba, np.array([[0, 1]]), np.array([[1]]),
    ...                   np.array([[0.8, 0.55]]))
    >>> f.tolist()
    [[1.0, 1.0, 0.9, 0.7, 1.0, 1.0, 0.8], [0.0, 1.0, 0.4, 0.6, 0.5, 1.0, 0.55]]
    """
    n, k = neighbors.shape
    m = processed.shape[1]
    kp = op_neighbors.shape[1]
    # Written in place into one (n, m, features) array: no stacking copies.
    out = np.empty((n, m, 2 * k + kp + 2))
    hits = processed[neighbors]
    out[:, :, :k] = hits.transpose(0, 2, 1)
    out[:, :, k : 2 * k] = true_proba[neighbors].transpose(0, 2, 1)
    out[:, :, 2 * k] = hits.mean(axis=1)
    out[:, :, 2 * k + 1 : 2 * k + 1 + kp] = processed[op_neighbors].transpose(0, 2, 1)
    out[:, :, -1] = max_proba
    return out.reshape(n * m, -1)


def binned_meta_features(
    processed, true_proba_bins, neighbors, op_neighbors, max_proba
):
    """``np.digitize(meta_features(...), bins)`` for the bins 0.1, 0.2, ..., 1
    (DESlib's input of the default multinomial naive Bayes), without
    searching every meta-feature in the bins.

    Hits (f1, f4) are 0 or 1, so their bins are 0 or 10; the probabilities
    of the true class (f2) are binned once per DSEL row and member
    (``true_proba_bins``) and gathered; only the local accuracy (f3) and the
    confidence (f5) are binned here.

    Parameters
    ----------
    processed : ndarray of shape (n_dsel, n_members)
    true_proba_bins : ndarray of shape (n_dsel, n_members)
        ``np.digitize(true_proba, bins)``.
    neighbors, op_neighbors, max_proba
        As :func:`meta_features`.

    Returns
    -------
    features : ndarray of int of shape (n * n_members, 2 * k + Kp + 2)

    Examples
    --------
    >>> import numpy as np
    >>> from skextra.ensemble._dynamic._metades import (
    ...     _BINS, binned_meta_features, meta_features)
    >>> hits = np.array([[True, False], [True, True]])
    >>> proba = np.array([[0.9, 0.4], [0.7, 0.6]])
    >>> args = (np.array([[0, 1]]), np.array([[1]]), np.array([[0.8, 0.55]]))
    >>> binned = binned_meta_features(hits, np.digitize(proba, _BINS), *args)
    >>> binned.tolist()
    [[10, 10, 9, 6, 10, 10, 8], [0, 10, 4, 6, 5, 10, 5]]
    >>> np.array_equal(binned, np.digitize(meta_features(hits, proba, *args), _BINS))
    True
    """
    n, k = neighbors.shape
    m = processed.shape[1]
    kp = op_neighbors.shape[1]
    out = np.empty((n, m, 2 * k + kp + 2), dtype=np.intp)
    hits = processed[neighbors]
    np.multiply(hits.transpose(0, 2, 1), 10, out=out[:, :, :k])
    out[:, :, k : 2 * k] = true_proba_bins[neighbors].transpose(0, 2, 1)
    out[:, :, 2 * k] = np.searchsorted(_BINS, hits.mean(axis=1), side="right")
    np.multiply(
        processed[op_neighbors].transpose(0, 2, 1), 10, out=out[:, :, 2 * k + 1 : -1]
    )
    out[:, :, -1] = np.searchsorted(_BINS, max_proba, side="right")
    return out.reshape(n * m, -1)


@fill_doc
class METADES(_BaseKNORA):
    """META-DES: a meta-classifier predicts each member's competence.

    For every DSEL row and member, meta-features describe the member's
    behaviour around the row (hits and probabilities on the ``k`` nearest
    neighbours, local accuracy, hits on the ``Kp`` nearest output profiles,
    confidence); a meta-classifier learns from them whether the member is
    right. At prediction its probability of "right" is the competence, and
    members above ``selection_threshold`` are selected (Cruz et al. 2015).
    Same parameters and predictions as DESlib's ``METADES``.

    Parameters
    ----------
    {{pool_classifiers}}
    meta_classifier : classifier, default=None
        The meta-classifier; None means ``MultinomialNB()`` on meta-features
        binned into 10 intervals (as DESlib). An unfitted classifier is
        cloned and fitted on the meta-training set; a fitted one is used as
        is.
    {{k}}
    Kp : int, default=5
        Number of nearest output profiles.
    Hc : float, default=1.0
        Consensus threshold of the meta-training set: DSEL rows whose
        fraction of right members is below ``Hc`` or above ``1 - Hc`` are
        used.
    selection_threshold : float, default=0.5
        Members whose competence exceeds it are selected.
    {{mode}}
    {{DFP}}
    {{with_IH}}
    {{safe_k}}
    {{IH_rate}}
    {{random_state}}
    {{knn_classifier}}
    {{knne}}
    {{knn_metric}}
    {{DSEL_perc}}
    {{n_jobs}}
    {{voting}}
    {{sampler}}
    {{device}}

    Attributes
    ----------
    {{attributes}}
    meta_classifier_ : classifier
        The fitted meta-classifier.
    op_knn_ : object
        The neighbour search over the DSEL output profiles.
    Kp_ : int
        Number of output-profile neighbours used.
    n_meta_features_ : int

    Notes
    -----
    Since ``Hc >= 0.5``, the consensus rule (DESlib's) keeps every DSEL row.
    The meta-training set takes ``k + 1`` neighbours of each DSEL row and
    drops the first (the row itself), so ``k`` and ``Kp`` are capped at
    ``n_dsel - 1``. When every DSEL answer of every member is right (or
    wrong), the meta-classifier sees one class; skextra then gives all
    members competence 1 (or 0), where DESlib fails. An unfitted
    ``meta_classifier`` is cloned, not fitted in place. See
    :class:`KNORAU` for the other differences with DESlib.

    Examples
    --------
    >>> from sklearn.datasets import make_classification
    >>> from skextra.ensemble import METADES
    >>> X, y = make_classification(n_samples=300, random_state=0)
    >>> clf = METADES(random_state=0).fit(X[:200], y[:200])
    >>> clf.predict(X[200:203]).shape
    (3,)
    """

    _parameter_constraints: dict = {
        **_DES_CONSTRAINTS,
        "meta_classifier": [None, HasMethods(["fit", "predict_proba"])],
        "Kp": [Interval(Integral, 1, None, closed="left")],
        "Hc": [Interval(Real, 0.5, None, closed="left")],
        "selection_threshold": [Interval(Real, 0.5, None, closed="left")],
        "mode": [StrOptions({"selection", "weighting", "hybrid"})],
    }
    _needs_proba = True
    _needs_dsel_proba = True
    _competence_inputs = ("neighbors", "probabilities")

    def __init__(
        self,
        pool_classifiers=None,
        meta_classifier=None,
        k=7,
        Kp=5,
        Hc=1.0,
        selection_threshold=0.5,
        mode="selection",
        DFP=False,
        with_IH=False,
        safe_k=None,
        IH_rate=0.3,
        random_state=None,
        knn_classifier="knn",
        knne=False,
        knn_metric="minkowski",
        DSEL_perc=0.5,
        n_jobs=None,
        voting="hard",
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
            random_state=random_state,
            knn_classifier=knn_classifier,
            knn_metric=knn_metric,
            knne=knne,
            DSEL_perc=DSEL_perc,
            n_jobs=n_jobs,
            voting=voting,
            sampler=sampler,
            device=device,
        )
        self.meta_classifier = meta_classifier
        self.Kp = Kp
        self.Hc = Hc
        self.selection_threshold = selection_threshold
        self.mode = mode

    def _row_bytes(self):
        width = 2 * self.k_ + self.Kp_ + 2
        return super()._row_bytes() + 16 * self.n_classifiers_ * width

    def _fit_selection(self):
        if self.n_classes_ < 2:
            raise ValueError("METADES needs at least 2 classes in y; got 1 class.")
        n = self.n_samples_
        if n < 2:
            raise ValueError(f"METADES needs at least 2 DSEL rows, got n_samples={n}.")
        if self.k_ >= n:
            self.k_ = n - 1
        self.safe_k_ = min(self.safe_k_, self.k_)
        if self.Kp >= n:
            warnings.warn(
                f"Kp={self.Kp} is not smaller than DSEL ({n} rows); using Kp={n - 1}.",
                RuntimeWarning,
            )
            self.Kp_ = n - 1
        else:
            self.Kp_ = self.Kp
        self.dsel_true_proba_ = self.dsel_scores_[np.arange(n), :, self.DSEL_target_]
        self._true_proba_bins_ = np.searchsorted(
            _BINS, self.dsel_true_proba_, side="right"
        )
        profiles = output_profiles(self.dsel_scores_)
        self.op_knn_ = fit_searcher(
            make_searcher(
                self.knn_classifier,
                "minkowski",
                n_jobs=self.n_jobs,
                knne=self.knne,
                k=self.Kp_,
                device=self._device(),
            ),
            profiles,
            self.DSEL_target_,
        )
        self.n_meta_features_ = 2 * self.k_ + self.Kp_ + 2

        if self.meta_classifier is None:
            self.meta_classifier_ = MultinomialNB()
        elif hasattr(self.meta_classifier, "classes_"):
            self.meta_classifier_ = self.meta_classifier
            return
        else:
            self.meta_classifier_ = clone(self.meta_classifier)

        agreement = self.DSEL_processed_.sum(axis=1) / self.n_classifiers_
        keep = (agreement < self.Hc) | (agreement > 1 - self.Hc)
        if not keep.any():
            raise ValueError(
                f"No DSEL row passes the consensus filter Hc={self.Hc} (the "
                "members' agreement is exactly 1 - Hc on every row); the "
                "meta-classifier has nothing to learn from. Use a larger Hc."
            )
        self._fit_meta_classifier(np.flatnonzero(keep), profiles)

    def _fit_meta_classifier(self, rows, profiles):
        """Meta-train on the DSEL ``rows``, block by block of rows.

        The default naive Bayes learns block by block (``partial_fit`` sums
        the same integer counts as ``fit``, so the model is identical), from
        blocks within ``working_memory`` and 32 MiB; any other
        meta-classifier gets the whole meta-training set, written block by
        block into one array.
        """
        m, width = self.n_classifiers_, self.n_meta_features_
        y_meta = self.DSEL_processed_[rows].reshape(-1)
        incremental = type(self.meta_classifier_) is MultinomialNB
        X_meta = None
        classes = np.unique(y_meta)
        # One search over all rows (the searchers work in blocks themselves):
        # the neighbours do not depend on how the rows are blocked here.
        # Every row kept: no copies of the DSEL arrays.
        sel = slice(None) if rows.size == self.n_samples_ else rows
        _, neighbors = self.roc_algorithm_.kneighbors(
            self.DSEL_data_[sel], n_neighbors=self.k_ + 1, return_distance=True
        )
        _, op_neighbors = self.op_knn_.kneighbors(
            profiles[sel], n_neighbors=self.Kp_ + 1, return_distance=True
        )
        neighbors = np.atleast_2d(neighbors)[:, 1:]
        op_neighbors = np.atleast_2d(op_neighbors)[:, 1:]
        row_bytes = 8 * m * (2 * width + self.k_ + 4)
        # Learning block by block, larger blocks save no time: at most 32 MiB.
        cap = max(1, _META_BLOCK_BYTES // row_bytes) if incremental else None
        for block in row_batches(rows.size, row_bytes, max_n_rows=cap):
            features = self._meta_features(
                neighbors[block],
                op_neighbors[block],
                self.dsel_scores_[rows[block]].max(axis=2),
            )
            meta_rows = slice(block.start * m, block.stop * m)
            if incremental:
                self.meta_classifier_.partial_fit(
                    features, y_meta[meta_rows], classes=classes
                )
            else:
                if X_meta is None:
                    X_meta = np.empty((y_meta.size, width), features.dtype)
                X_meta[meta_rows] = features
        if not incremental:
            self.meta_classifier_.fit(X_meta, y_meta)

    def _meta_features(self, neighbors, op_neighbors, max_proba):
        """The meta-classifier's input: binned for the naive Bayes."""
        if not isinstance(self.meta_classifier_, MultinomialNB):
            return meta_features(
                self.DSEL_processed_,
                self.dsel_true_proba_,
                neighbors,
                op_neighbors,
                max_proba,
            )
        return binned_meta_features(
            self.DSEL_processed_,
            self._true_proba_bins_,
            neighbors,
            op_neighbors,
            max_proba,
        )

    def compute_meta_features(self, scores, idx_neighbors, idx_neighbors_op):
        """META-DES's meta-features of each (row, member) pair (DESlib's method).

        Parameters
        ----------
        scores : array-like of shape (n_samples, n_members, n_classes)
            The members' probabilities for the rows.
        idx_neighbors : array-like of shape (n_samples, `k_`)
            Indices into DSEL of each row's nearest neighbours.
        idx_neighbors_op : array-like of shape (n_samples, `Kp_`)
            Indices into DSEL of each row's nearest output profiles.

        Returns
        -------
        meta_features : ndarray of shape (n_samples * n_members, `n_meta_features_`)
            Row by row, member by member (not binned; ``predict`` bins them
            for the default ``MultinomialNB``, as DESlib).
        """
        check_is_fitted(self)
        scores = np.asarray(scores, dtype=np.float64)
        return meta_features(
            self.DSEL_processed_,
            self.dsel_true_proba_,
            np.atleast_2d(np.asarray(idx_neighbors, np.intp)),
            np.atleast_2d(np.asarray(idx_neighbors_op, np.intp)),
            scores.reshape(-1, *scores.shape[-2:]).max(axis=2),
        )

    def estimate_competence_from_proba(self, neighbors, probabilities, distances=None):
        """Competences predicted by the meta-classifier (DESlib's method).

        Parameters
        ----------
        neighbors : array-like of shape (n_samples, `k_`)
            Indices into DSEL of each row's region of competence.
        probabilities : array-like of shape (n_samples, n_members, n_classes)
            The members' probabilities for the rows.
        distances : ignored
            Present for DESlib's signature.

        Returns
        -------
        competences : ndarray of shape (n_samples, n_members)
        """
        check_is_fitted(self)
        batch = self._given_batch(neighbors, distances, None, probabilities)
        return self._competence(batch)

    def _competence(self, batch):
        _, op_neighbors = self.op_knn_.kneighbors(
            output_profiles(batch.probabilities),
            n_neighbors=self.Kp_,
            return_distance=True,
        )
        X_meta = self._meta_features(
            batch.neighbors[:, : self.k_],
            np.atleast_2d(op_neighbors),
            batch.probabilities.max(axis=2),
        )
        proba = self.meta_classifier_.predict_proba(X_meta)
        classes = np.asarray(self.meta_classifier_.classes_)
        right = np.flatnonzero(classes == 1)
        if right.size:
            competence = proba[:, right[0]]
        else:
            competence = np.zeros(proba.shape[0])
        return competence.reshape(-1, self.n_classifiers_)

    def _select(self, competences, batch):
        return select_above(competences, self.selection_threshold)
