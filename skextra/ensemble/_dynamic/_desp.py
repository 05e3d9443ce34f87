"""DES-Performance (DES-P)."""

from sklearn.utils._param_validation import StrOptions

from ._base import _DES_CONSTRAINTS, _BaseKNORA, fill_doc
from ._kernels import neighbour_hits, select_above


@fill_doc
class DESP(_BaseKNORA):
    """Dynamic ensemble selection performance (DES-P).

    A member's competence is its accuracy on the region of competence; the
    members better than random guessing (accuracy above ``1 / n_classes``)
    are selected, all members when none is (Woloszynski et al. 2012). Same
    parameters and predictions as DESlib's ``DESP``.

    Parameters
    ----------
    {{pool_classifiers}}
    {{k}}
    {{DFP}}
    {{with_IH}}
    {{safe_k}}
    {{IH_rate}}
    {{mode}}
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

    Notes
    -----
    See :class:`KNORAE` and :class:`KNORAU` for the differences with DESlib.

    Examples
    --------
    >>> from sklearn.datasets import make_classification
    >>> from skextra.ensemble import DESP
    >>> X, y = make_classification(n_samples=300, random_state=0)
    >>> clf = DESP(random_state=0).fit(X[:200], y[:200])
    >>> clf.predict(X[200:203]).shape
    (3,)
    """

    _parameter_constraints: dict = {
        **_DES_CONSTRAINTS,
        "mode": [StrOptions({"selection", "weighting", "hybrid"})],
    }

    def __init__(
        self,
        pool_classifiers=None,
        k=7,
        DFP=False,
        with_IH=False,
        safe_k=None,
        IH_rate=0.3,
        mode="selection",
        random_state=None,
        knn_classifier="knn",
        knn_metric="minkowski",
        knne=False,
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
        self.mode = mode

    def _competence(self, batch):
        nb = batch.neighbors
        return neighbour_hits(nb, self.DSEL_processed_) / nb.shape[1]

    def _select(self, competences, batch):
        return select_above(competences, 1.0 / self.n_classes_)
