"""DES-KNN: the most accurate, then the most diverse members of the region."""

from numbers import Real

import numpy as np
from sklearn.utils._param_validation import Interval, StrOptions

from ...utils._validation import DEVICE_CONSTRAINT
from ._base import BaseDynamicSelection, fill_doc
from ._diversity import DIVERSITY_FUNCTIONS, DIVERSITY_METRICS, pairwise_diversity
from ._kernels import accuracy_diversity_sizes, accuracy_then_diversity

__all__ = ["DESKNN"]


@fill_doc
class DESKNN(BaseDynamicSelection):
    """Dynamic ensemble selection by accuracy and diversity in the k nearest
    neighbours (DES-KNN).

    In the region of competence of a query, the ``N = int(n_members *
    pct_accuracy)`` most accurate members are kept; among them, the ``J =
    ceil(n_members * pct_diversity)`` members with the largest (or smallest)
    summed pairwise diversity with the whole pool in the region form the
    ensemble (Soares et al. 2006). Same parameters and predictions as
    DESlib's ``DESKNN``.

    Parameters
    ----------
    {{pool_classifiers}}
    {{k}}
    {{DFP}}
    {{with_IH}}
    {{safe_k}}
    {{IH_rate}}
    pct_accuracy : float, default=0.5
        Fraction of the pool kept by accuracy.
    pct_diversity : float, default=0.3
        Fraction of the pool kept by diversity, among the accurate members.
    more_diverse : bool, default=True
        Keep the members of largest diversity value (False: smallest).
    metric : {"DF", "Q", "ratio"}, default="DF"
        Pairwise diversity: negative double fault, Yule's Q statistic, or the
        ratio between different and same errors.
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
    N_ : int
        Number of members kept by accuracy.
    J_ : int
        Number of members in each ensemble.
    diversity_func_ : callable
        The function of ``metric`` (``"DF"``:
        :func:`~skextra.ensemble.diversity.negative_double_fault`, ``"Q"``:
        :func:`~skextra.ensemble.diversity.Q_statistic`, ``"ratio"``:
        :func:`~skextra.ensemble.diversity.ratio_errors`), as in DESlib; the
        ranking computes the same values with a vectorised kernel.

    See Also
    --------
    DESClustering : the same ranking computed once per cluster of DSEL.

    Notes
    -----
    DESlib loops over test rows and member pairs (``O(n_test k L^2)`` Python
    operations). skextra gets the four pair counts of every pair in every
    region from one batched matrix product of the regions' correctness
    matrices, and sums the pair values in the same order as DESlib, so the
    diversity values are equal to the last bit.

    With ``metric="Q"`` a larger value means *more similar* members (Q = 1 for
    identical oracle outputs), so ``more_diverse=True`` keeps the most
    similar members, as in DESlib; pass ``more_diverse=False`` for the most
    diverse. DESlib raises ``ZeroDivisionError`` when Q is 0/0 for a pair
    (``N11 N00 + N01 N10 = 0``, frequent in small regions); skextra uses Q = 1
    for identical outputs and Q = 0 otherwise. Ties are broken as DESlib with
    numpy's stable sort (on CPUs with AVX-512, DESlib's default sort breaks
    ties differently from one numpy version to the next).

    References
    ----------
    R. G. F. Soares, A. Santana, A. M. P. Canuto, M. C. P. de Souto, "Using
    accuracy and diversity to select classifiers to build ensembles", IJCNN
    (2006) 1310-1316.

    Examples
    --------
    >>> from sklearn.datasets import make_classification
    >>> from skextra.ensemble import DESKNN
    >>> X, y = make_classification(n_samples=300, random_state=0)
    >>> clf = DESKNN(random_state=0).fit(X[:200], y[:200])
    >>> clf.N_, clf.J_
    (5, 3)
    >>> round(clf.score(X[200:], y[200:]), 2) > 0.8
    True
    """

    _parameter_constraints: dict = {
        **BaseDynamicSelection._parameter_constraints,
        "pct_accuracy": [Interval(Real, 0, 1, closed="right")],
        "pct_diversity": [Interval(Real, 0, 1, closed="right")],
        "more_diverse": ["boolean"],
        "metric": [StrOptions(set(DIVERSITY_METRICS))],
        "voting": [StrOptions({"hard", "soft"})],
        "device": DEVICE_CONSTRAINT,
    }

    def __init__(
        self,
        pool_classifiers=None,
        k=7,
        DFP=False,
        with_IH=False,
        safe_k=None,
        IH_rate=0.3,
        pct_accuracy=0.5,
        pct_diversity=0.3,
        more_diverse=True,
        metric="DF",
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
        self.pool_classifiers = pool_classifiers
        self.k = k
        self.DFP = DFP
        self.with_IH = with_IH
        self.safe_k = safe_k
        self.IH_rate = IH_rate
        self.pct_accuracy = pct_accuracy
        self.pct_diversity = pct_diversity
        self.more_diverse = more_diverse
        self.metric = metric
        self.random_state = random_state
        self.knn_classifier = knn_classifier
        self.knn_metric = knn_metric
        self.knne = knne
        self.DSEL_perc = DSEL_perc
        self.n_jobs = n_jobs
        self.voting = voting
        self.sampler = sampler
        self.device = device

    def _fit_selection(self):
        self.N_, self.J_ = accuracy_diversity_sizes(
            self.n_classifiers_, self.pct_accuracy, self.pct_diversity
        )
        self.diversity_func_ = DIVERSITY_FUNCTIONS[self.metric]

    def _row_bytes(self):
        m = self.n_classifiers_
        return super()._row_bytes() + 8 * 6 * m * m

    def estimate_competence(self, competence_region, distances=None, predictions=None):
        """Local accuracy and diversity of each member (DESlib's method).

        Parameters
        ----------
        competence_region : array-like of shape (n_samples, n_neighbors)
            Indices into ``DSEL_data_`` of each row's region of competence.
        distances, predictions : ignored
            Present for DESlib's signature.

        Returns
        -------
        accuracy : ndarray of shape (n_samples, n_members)
        diversity : ndarray of shape (n_samples, n_members)
        """
        accuracy = super().estimate_competence(competence_region)
        hits = self.DSEL_processed_[np.atleast_2d(competence_region)]
        return accuracy, pairwise_diversity(hits, self.metric)

    def select(self, accuracy, diversity):
        """The most accurate, then most diverse members (DESlib's method).

        Parameters
        ----------
        accuracy, diversity : array-like of shape (n_samples, n_members)
            As returned by :meth:`estimate_competence`.

        Returns
        -------
        selected : ndarray of shape (n_samples, `J_`)
            Indices of the selected members of each row.
        """
        return accuracy_then_diversity(
            np.atleast_2d(accuracy),
            np.atleast_2d(diversity),
            self.N_,
            self.J_,
            self.more_diverse,
        )

    def _competence(self, batch):
        hits = self.DSEL_processed_[batch.neighbors]
        return hits.mean(axis=1)

    def _select(self, competences, batch):
        diversity = pairwise_diversity(
            self.DSEL_processed_[batch.neighbors], self.metric
        )
        members = accuracy_then_diversity(
            competences, diversity, self.N_, self.J_, self.more_diverse
        )
        selected = np.zeros(competences.shape, dtype=bool)
        np.put_along_axis(selected, members, True, axis=1)
        return selected
