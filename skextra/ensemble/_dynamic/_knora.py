"""K-nearest oracles: KNORA-Eliminate and KNORA-Union."""

from ._base import _BaseKNORA, fill_doc
from ._kernels import consecutive_hits, neighbour_hits, select_above, select_max


@fill_doc
class KNORAE(_BaseKNORA):
    """K-nearest oracles eliminate (KNORA-E).

    A member's competence is the number of nearest DSEL rows it classifies
    correctly before its first error; the members of maximal competence are
    selected (Ko, Sabourin & Britto 2008). Same parameters and predictions as
    DESlib's ``KNORAE``.

    Parameters
    ----------
    {{pool_classifiers}}
    {{k}}
    {{DFP}}
    {{with_IH}}
    {{safe_k}}
    {{IH_rate}}
    {{random_state}}
    {{knn_classifier}}
    {{knn_metric}}
    {{knne}}
    {{DSEL_perc}}
    {{n_jobs}}
    {{voting}}
    {{sampler}}
    {{device}}

    Attributes
    ----------
    {{attributes}}

    See Also
    --------
    KNORAU : weights every member by its number of correct neighbours.

    Notes
    -----
    When no member classifies the nearest neighbour correctly, all members
    have competence 0 and all are selected, as in DESlib. Where DESlib's
    behaviour was a bug, skextra differs: ``k`` larger than DSEL uses all
    DSEL rows (DESlib: all but one); with ``with_IH=True``,
    ``predict_proba`` of easy rows is the class distribution of the
    ``safe_k`` neighbours that ``predict`` votes with (DESlib uses ``k``);
    ``knn_metric="mahalanobis"`` uses the inverse feature covariance
    (DESlib passes an ``n x n`` sample covariance and fails); the
    estimator does not change its parameters in ``fit`` (``safe_k_`` holds
    the value used).

    References
    ----------
    A. H. R. Ko, R. Sabourin, A. S. Britto Jr, "From dynamic classifier
    selection to dynamic ensemble selection", Pattern Recognition 41 (2008).

    Examples
    --------
    >>> from sklearn.datasets import make_classification
    >>> from skextra.ensemble import KNORAE
    >>> X, y = make_classification(n_samples=300, random_state=0)
    >>> clf = KNORAE(random_state=0).fit(X[:200], y[:200])
    >>> clf.predict(X[200:205]).shape
    (5,)
    >>> round(clf.score(X[200:], y[200:]), 2) > 0.8
    True
    """

    _select_reads_fit = False

    def _competence(self, batch):
        return consecutive_hits(batch.neighbors, self.DSEL_processed_)

    def _select(self, competences, batch):
        return select_max(competences)


@fill_doc
class KNORAU(_BaseKNORA):
    """K-nearest oracles union (KNORA-U).

    Every member votes with a weight equal to the number of nearest DSEL
    rows it classifies correctly (Ko, Sabourin & Britto 2008). Same
    parameters and predictions as DESlib's ``KNORAU``.

    Parameters
    ----------
    {{pool_classifiers}}
    {{k}}
    {{DFP}}
    {{with_IH}}
    {{safe_k}}
    {{IH_rate}}
    {{random_state}}
    {{knn_classifier}}
    {{knn_metric}}
    {{knne}}
    {{DSEL_perc}}
    {{n_jobs}}
    {{voting}}
    {{sampler}}
    {{device}}

    Attributes
    ----------
    {{attributes}}

    See Also
    --------
    KNORAE : keeps only the members with the longest run of correct
        neighbours.

    Notes
    -----
    Where no member classifies any neighbour correctly, all weights are zero;
    DESlib then returns NaN probabilities and the first class. skextra gives
    every member weight 1 there (a plain majority vote). See :class:`KNORAE`
    for the other differences with DESlib.

    Examples
    --------
    >>> from sklearn.datasets import make_classification
    >>> from skextra.ensemble import KNORAU
    >>> X, y = make_classification(n_samples=300, random_state=0)
    >>> clf = KNORAU(random_state=0).fit(X[:200], y[:200])
    >>> clf.predict_proba(X[200:203]).shape
    (3, 2)
    """

    _fixed_mode = "weighting"
    _select_reads_fit = False

    def __init__(
        self,
        pool_classifiers=None,
        k=7,
        DFP=False,
        with_IH=False,
        safe_k=None,
        IH_rate=0.3,
        random_state=None,
        voting="hard",
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
            pool_classifiers=pool_classifiers,
            k=k,
            DFP=DFP,
            with_IH=with_IH,
            safe_k=safe_k,
            IH_rate=IH_rate,
            random_state=random_state,
            voting=voting,
            knn_classifier=knn_classifier,
            knn_metric=knn_metric,
            knne=knne,
            DSEL_perc=DSEL_perc,
            n_jobs=n_jobs,
            sampler=sampler,
            device=device,
        )

    def _competence(self, batch):
        return neighbour_hits(batch.neighbors, self.DSEL_processed_)

    def _select(self, competences, batch):
        return select_above(competences, 0)
