"""DES-Clustering: one ensemble per cluster of DSEL, chosen in fit."""

import copy
import warnings
from numbers import Integral, Real

import numpy as np
from sklearn import metrics
from sklearn.cluster import KMeans
from sklearn.utils._param_validation import HasMethods, Interval, StrOptions
from sklearn.utils.validation import check_is_fitted

from ...utils._validation import DEVICE_CONSTRAINT, member_tags
from ._base import BaseDynamicSelection, fill_doc
from ._diversity import DIVERSITY_FUNCTIONS, DIVERSITY_METRICS, pairwise_diversity
from ._kernels import accuracy_diversity_sizes, accuracy_then_diversity

__all__ = ["DESClustering"]


def _metric_function(metric):
    if callable(metric):
        return metric
    func = getattr(metrics, metric, None)
    if not callable(func) or not metric.endswith("_score"):
        raise ValueError(
            f"metric_performance={metric!r} is not a scikit-learn metric; use "
            "the name of a function of sklearn.metrics such as 'accuracy_score' "
            "or 'balanced_accuracy_score', or a callable (y_true, y_pred)."
        )
    return func


@fill_doc
class DESClustering(BaseDynamicSelection):
    """Dynamic ensemble selection by clustering (DES-Clustering).

    DSEL is partitioned by a clustering (k-means by default). In each
    cluster the ``N = int(n_members * pct_accuracy)`` members of best
    ``metric_performance`` are kept, and among them the ``J = ceil(n_members *
    pct_diversity)`` of largest (or smallest) summed pairwise diversity on the
    cluster (Soares et al. 2006). A query is classified by the ensemble of its
    cluster. Same parameters and predictions as DESlib's ``DESClustering``.

    Parameters
    ----------
    {{pool_classifiers}}
    clustering : clustering estimator or None, default=None
        An unfitted clusterer with ``fit`` and ``predict`` (copied, then fitted
        on DSEL), with an ``n_clusters`` attribute or parameter. None:
        ``KMeans(n_clusters=n_clusters, random_state=random_state)``.
    pct_accuracy : float, default=0.5
        Fraction of the pool kept by performance in each cluster.
    {{voting}}
    pct_diversity : float, default=0.33
        Fraction of the pool kept by diversity, among those members.
    more_diverse : bool, default=True
        Keep the members of largest diversity value (False: smallest).
    metric_diversity : {"DF", "Q", "ratio"}, default="DF"
        Pairwise diversity (see :class:`DESKNN`).
    metric_performance : str or callable, default="accuracy_score"
        Name of a function of :mod:`sklearn.metrics` ``(y_true, y_pred)``, or
        such a callable; larger is better.
    n_clusters : int, default=5
        Number of clusters of the default k-means (at most the DSEL size).
    random_state : int, RandomState instance or None, default=None
        Seeds the split into pool training part and DSEL, the pool fitted by
        the estimator, and the default k-means (which gets ``random_state``
        itself, as in DESlib).
    {{DSEL_perc}}
    {{n_jobs}}
    {{sampler}}
    {{device}}

    Attributes
    ----------
    {{attributes}}
    clustering_ : clustering estimator
        The fitted clusterer.
    n_clusters_ : int
    performance_cluster_ : ndarray of shape (n_clusters, n_members)
        Each member's performance on each cluster.
    diversity_cluster_ : ndarray of shape (n_clusters, n_members)
        Each member's summed pairwise diversity on each cluster.
    indices_ : ndarray of shape (n_clusters, `J_`)
        The members of each cluster's ensemble.
    N_ : int
    J_ : int
    diversity_func_ : callable
        The function of ``metric_diversity`` (``"DF"``:
        :func:`~skextra.ensemble.diversity.negative_double_fault`, ``"Q"``:
        :func:`~skextra.ensemble.diversity.Q_statistic`, ``"ratio"``:
        :func:`~skextra.ensemble.diversity.ratio_errors`), as in DESlib; the
        fit computes the same values with a vectorised kernel.

    See Also
    --------
    DESKNN : the same ranking in each query's nearest neighbours.

    Notes
    -----
    Differences with DESlib: a cluster left without DSEL rows (DESlib raises
    in ``np.apply_along_axis``) gets the ensemble ranked on all of DSEL; a
    given ``clustering`` is copied (with everything set on it) and the copy
    is fitted, leaving the given one as it is (DESlib fits it in place). See
    :class:`DESKNN` for the diversity measures and the order of ties.
    ``k``, ``DFP`` and ``with_IH`` do not apply (DESlib ignores them too).

    References
    ----------
    R. G. F. Soares, A. Santana, A. M. P. Canuto, M. C. P. de Souto, "Using
    accuracy and diversity to select classifiers to build ensembles", IJCNN
    (2006) 1310-1316.

    Examples
    --------
    >>> from sklearn.datasets import make_classification
    >>> from skextra.ensemble import DESClustering
    >>> X, y = make_classification(n_samples=300, random_state=0)
    >>> clf = DESClustering(random_state=0).fit(X[:200], y[:200])
    >>> clf.indices_.shape
    (5, 4)
    >>> round(clf.score(X[200:], y[200:]), 2) > 0.8
    True
    """

    _uses_region = False

    _parameter_constraints: dict = {
        "pool_classifiers": BaseDynamicSelection._parameter_constraints[
            "pool_classifiers"
        ],
        "clustering": [None, HasMethods(["fit", "predict"])],
        "pct_accuracy": [Interval(Real, 0, 1, closed="right")],
        "voting": [StrOptions({"hard", "soft"})],
        "pct_diversity": [Interval(Real, 0, 1, closed="right")],
        "more_diverse": ["boolean"],
        "metric_diversity": [StrOptions(set(DIVERSITY_METRICS))],
        "metric_performance": [str, callable],
        "n_clusters": [Interval(Integral, 1, None, closed="left")],
        "random_state": ["random_state"],
        "DSEL_perc": BaseDynamicSelection._parameter_constraints["DSEL_perc"],
        "n_jobs": BaseDynamicSelection._parameter_constraints["n_jobs"],
        "sampler": BaseDynamicSelection._parameter_constraints["sampler"],
        "device": DEVICE_CONSTRAINT,
    }

    def __init__(
        self,
        pool_classifiers=None,
        clustering=None,
        pct_accuracy=0.5,
        voting="hard",
        pct_diversity=0.33,
        more_diverse=True,
        metric_diversity="DF",
        metric_performance="accuracy_score",
        n_clusters=5,
        random_state=None,
        DSEL_perc=0.5,
        n_jobs=None,
        *,
        sampler=None,
        device=None,
    ):
        self.pool_classifiers = pool_classifiers
        self.clustering = clustering
        self.pct_accuracy = pct_accuracy
        self.voting = voting
        self.pct_diversity = pct_diversity
        self.more_diverse = more_diverse
        self.metric_diversity = metric_diversity
        self.metric_performance = metric_performance
        self.n_clusters = n_clusters
        self.random_state = random_state
        self.DSEL_perc = DSEL_perc
        self.n_jobs = n_jobs
        self.sampler = sampler
        self.device = device

    def _fit_selection(self):
        self.N_, self.J_ = accuracy_diversity_sizes(
            self.n_classifiers_, self.pct_accuracy, self.pct_diversity
        )
        score = _metric_function(self.metric_performance)
        self.diversity_func_ = DIVERSITY_FUNCTIONS[self.metric_diversity]
        if self.clustering is None:
            n_clusters = self.n_clusters
            if self.n_samples_ < n_clusters:
                warnings.warn(
                    f"n_clusters={n_clusters} is larger than DSEL "
                    f"({self.n_samples_} rows); using {self.n_samples_} clusters.",
                    RuntimeWarning,
                    stacklevel=2,
                )
                n_clusters = self.n_samples_
            self.clustering_ = KMeans(
                n_clusters=n_clusters, random_state=self.random_state
            )
        elif member_tags(self.clustering).estimator_type != "clusterer":
            raise ValueError(
                "clustering must be a clustering estimator (such as KMeans), got "
                f"{type(self.clustering).__name__}."
            )
        else:
            self.clustering_ = copy.deepcopy(self.clustering)
        self.clustering_.fit(self.DSEL_data_)
        labels = np.asarray(self.clustering_.predict(self.DSEL_data_))
        self.n_clusters_ = int(
            getattr(self.clustering_, "n_clusters", labels.max(initial=-1) + 1)
        )
        m = self.n_classifiers_
        self.performance_cluster_ = np.zeros((self.n_clusters_, m))
        self.diversity_cluster_ = np.zeros((self.n_clusters_, m))
        for c in range(self.n_clusters_):
            rows = np.flatnonzero(labels == c)
            if rows.size == 0:
                rows = np.arange(self.n_samples_)
            hits = self.DSEL_processed_[rows]
            if self.metric_performance == "accuracy_score":
                self.performance_cluster_[c] = hits.mean(axis=0)
            else:
                targets = self.DSEL_target_[rows]
                self.performance_cluster_[c] = [
                    score(targets, self.BKS_DSEL_[rows, i]) for i in range(m)
                ]
            self.diversity_cluster_[c] = pairwise_diversity(
                hits[None], self.metric_diversity
            )[0]
        self.indices_ = accuracy_then_diversity(
            self.performance_cluster_,
            self.diversity_cluster_,
            self.N_,
            self.J_,
            self.more_diverse,
        )

    def _row_bytes(self):
        m, c = self.n_classifiers_, self.n_classes_
        return 8 * (3 * m * c + 4 * m + self.n_clusters_)

    def _competence(self, batch):
        # The region of competence is the query's cluster; _select reads it.
        # The public methods are given the clusters as DESlib's region.
        if batch.X is None:
            batch.cluster = batch.neighbors.reshape(-1)
        else:
            batch.cluster = np.asarray(self.clustering_.predict(batch.X), np.intp)
        return self.performance_cluster_[batch.cluster]

    def estimate_competence(self, competence_region, distances=None, predictions=None):
        """Competences of the members in each row's cluster (DESlib's method).

        Parameters
        ----------
        competence_region : array-like of shape (n_samples,)
            Each row's cluster (``clustering_.predict``), as in DESlib.
        distances, predictions : ignored
            Present for DESlib's signature.

        Returns
        -------
        competences : ndarray of shape (n_samples, n_members)
        """
        return self.performance_cluster_[np.asarray(competence_region, np.intp)]

    def select(self, competences):
        """The ensemble of each row's cluster (DESlib's method).

        Parameters
        ----------
        competences : array-like of shape (n_samples,)
            Each row's cluster, as in DESlib (the ensembles are chosen per
            cluster in ``fit``).

        Returns
        -------
        selected : ndarray of shape (n_samples, `J_`)
            Indices of the members of each row's ensemble.
        """
        return self.indices_[np.asarray(competences, np.intp)]

    def classify_with_ds(
        self,
        predictions,
        probabilities=None,
        neighbors=None,
        distances=None,
        DFP_mask=None,
    ):
        """Predict rows from the members' outputs and clusters (DESlib's method).

        As in DESlib, the members are those :meth:`select` returns for the
        rows' clusters.

        Parameters
        ----------
        predictions : array-like of shape (n_samples, n_members)
            The members' predictions as class indices into ``classes_``.
        probabilities : array-like of shape (n_samples, n_members, n_classes), \
default=None
            The members' probabilities; needed with ``voting="soft"``.
        neighbors : array-like of shape (n_samples,), default=None
            Each row's cluster (``clustering_.predict``; DESlib's
            ``competence_region``).
        distances, DFP_mask : ignored
            Present for DESlib's signature.

        Returns
        -------
        labels : ndarray of shape (n_samples,)
            Predicted class indices into ``classes_``.
        """
        return self._cluster_vote(predictions, probabilities, neighbors, False)[0]

    def predict_proba_with_ds(
        self,
        predictions,
        probabilities=None,
        neighbors=None,
        distances=None,
        DFP_mask=None,
    ):
        """Class probabilities from the members' outputs (DESlib's method).

        Arguments as in :meth:`classify_with_ds`.

        Returns
        -------
        proba : ndarray of shape (n_samples, n_classes)
        """
        return self._cluster_vote(predictions, probabilities, neighbors, True)[1]

    def _cluster_vote(self, predictions, probabilities, clusters, want_proba):
        check_is_fitted(self)
        batch = self._given_batch(
            None, None, predictions, probabilities, needs=("predictions",)
        )
        return self._vote_members(self.select(clusters), batch, want_proba)

    def _select(self, competences, batch):
        selected = np.zeros(competences.shape, dtype=bool)
        np.put_along_axis(selected, self.indices_[batch.cluster], True, axis=1)
        return selected
