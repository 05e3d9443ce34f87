"""Consensus clustering: one partition from the partitions of several clusterers.

Cluster labels are arbitrary names, so the members' partitions cannot be
averaged as they are. Two ways to agree:

- *label alignment*: each member's clusters are renamed after the clusters
  of a reference member they overlap most (a maximum-weight matching of the
  contingency table, :func:`scipy.optimize.linear_sum_assignment`), then
  every row takes the (weighted) majority of the renamed labels;
- *evidence accumulation* (Fred and Jain 2005): the co-association of two
  rows is the (weighted) share of members that put them in one cluster; a
  hierarchical clustering of ``1 - co-association`` cuts the final clusters.

Noise (label ``-1``, as DBSCAN gives) is an abstention: it votes for no
cluster and co-associates with nothing.
"""

from numbers import Integral

import numpy as np
from scipy.optimize import linear_sum_assignment
from sklearn.base import (
    ClusterMixin,
    _fit_context,
    clone,
    is_clusterer,
    is_outlier_detector,
)
from sklearn.cluster import AgglomerativeClustering
from sklearn.utils import Bunch
from sklearn.utils._param_validation import Interval, StrOptions
from sklearn.utils.metaestimators import available_if
from sklearn.utils.validation import check_is_fitted, validate_data

from ..utils._chunking import row_batches
from ..utils._docstring import fill_doc
from ..utils._members import is_frozen, live_members, member_weights
from ..utils._oof import _reraise
from ..utils._validation import is_dataframe
from ._base import _NamedMembers, fit_unfrozen

CONSENSUS = ("alignment", "coassociation")


def _validated(ensemble, X, *, reset):
    """Validate ``X``; members get a dataframe as given (pipelines use names)."""
    checked = validate_data(ensemble, X, reset=reset)
    return X if is_dataframe(X) else checked


def _check_clusterer(name, member):
    inner = member.estimator if is_frozen(member) else member
    if is_outlier_detector(inner) or not (
        is_clusterer(inner) or hasattr(inner, "fit_predict")
    ):
        raise ValueError(
            f"Member {name!r} ({type(inner).__name__}) is not a clusterer; "
            "ClusteringEnsemble combines clusterers only (estimators with "
            "fit_predict, such as KMeans or GaussianMixture)."
        )


def _with_n_clusters(member, n_clusters):
    """A clone of ``member`` asked for ``n_clusters`` clusters, where it can be."""
    member = clone(member)
    if n_clusters is None:
        return member
    prefix, last = "", member
    while hasattr(last, "steps"):
        prefix += last.steps[-1][0] + "__"
        last = last.steps[-1][1]
    params = last.get_params(deep=False)
    for key in ("n_clusters", "n_components"):
        if key in params:
            return member.set_params(**{prefix + key: n_clusters})
    return member


def _fit_member(member, X, name):
    """Fit one (cloned) member; return it and its labels of ``X``."""
    try:
        labels = member.fit_predict(X)
    except Exception as exc:
        _reraise(exc, name, "to fit")
    return member, np.asarray(labels).reshape(-1)


def _frozen_labels(name, member, X):
    seen = getattr(member, "n_features_in_", None)
    if seen is not None and seen != X.shape[1]:
        raise ValueError(
            f"Member {name!r} was fitted on {seen} features, but X has "
            f"{X.shape[1]} features."
        )
    if hasattr(member, "predict"):
        return _member_predict(name, member, X)
    labels = getattr(member, "labels_", None)
    if labels is None or len(labels) != X.shape[0]:
        raise ValueError(
            f"Member {name!r} is frozen but cannot predict, and its labels_ do "
            f"not cover the {X.shape[0]} rows of X: a frozen member without "
            "predict must have been fitted on the same X."
        )
    return np.asarray(labels).reshape(-1)


def _member_predict(name, member, X):
    try:
        return np.asarray(member.predict(X)).reshape(-1)
    except Exception as exc:
        _reraise(exc, name, "to predict")


def _encode(labels, values):
    """Codes ``0..len(values)-1`` of ``labels``; noise and unknown labels -1."""
    if len(values) == 0:
        return np.full(labels.shape, -1)
    codes = np.clip(np.searchsorted(values, labels), 0, len(values) - 1)
    return np.where((labels >= 0) & (values[codes] == labels), codes, -1)


def align_labels(labels, reference, n_reference):
    """Map each cluster of ``labels`` to the cluster of ``reference`` it matches.

    The clusters are matched one to one so that the matched rows are as many
    as possible (:func:`scipy.optimize.linear_sum_assignment` on the
    contingency table). When ``labels`` has more clusters than the
    reference, each unmatched cluster goes to the reference cluster it
    overlaps most; a cluster that overlaps none goes to ``-1``.

    Parameters
    ----------
    labels : ndarray of int of shape (n_samples,)
        Codes ``0..k-1``, ``-1`` for noise.
    reference : ndarray of int of shape (n_samples,)
        Codes ``0..n_reference-1``, ``-1`` for noise.
    n_reference : int
        Number of clusters of the reference.

    Returns
    -------
    mapping : ndarray of int of shape (k,)
        ``mapping[c]`` is the reference cluster of cluster ``c``.

    Examples
    --------
    >>> import numpy as np
    >>> from skextra.ensemble._clustering import align_labels
    >>> align_labels(np.array([2, 2, 0, 0, 1]), np.array([0, 0, 1, 1, 2]), 3)
    array([1, 2, 0])
    """
    k = int(labels.max()) + 1 if labels.size and labels.max() >= 0 else 0
    both = (labels >= 0) & (reference >= 0)
    overlap = np.bincount(
        labels[both] * n_reference + reference[both], minlength=k * n_reference
    ).reshape(k, n_reference)
    rows, columns = linear_sum_assignment(overlap, maximize=True)
    mapping = np.full(k, -1)
    mapping[rows] = columns
    extra = np.flatnonzero(mapping < 0)
    mapping[extra] = np.where(
        overlap[extra].sum(axis=1) > 0, overlap[extra].argmax(axis=1), -1
    )
    return mapping


def _one_hot(codes, n_clusters, weights):
    """Rows x (all members' clusters) indicator, weighted per member."""
    columns = []
    for code, k, w in zip(codes, n_clusters, weights):
        columns.append((code[:, None] == np.arange(k)) * np.float32(w))
    return np.hstack(columns)


def coassociation_matrix(codes, n_clusters, *, weights=None):
    """The (weighted) share of members that put each pair of rows together.

    Built block of rows by block of rows within scikit-learn's
    ``working_memory`` (:func:`sklearn.config_context`); the result itself
    is ``n_samples x n_samples`` float32.

    Parameters
    ----------
    codes : ndarray of int of shape (n_members, n_samples)
        Each member's cluster codes ``0..k-1``, ``-1`` for noise (noise rows
        are together with no row).
    n_clusters : sequence of int of length n_members
        The number of clusters of each member.
    weights : array-like of shape (n_members,), default=None
        Member weights (equal when ``None``).

    Returns
    -------
    coassociation : ndarray of shape (n_samples, n_samples), dtype float32

    Examples
    --------
    >>> import numpy as np
    >>> from skextra.ensemble._clustering import coassociation_matrix
    >>> codes = np.array([[0, 0, 1], [0, 1, 1]])
    >>> coassociation_matrix(codes, [2, 2])
    array([[1. , 0.5, 0. ],
           [0.5, 1. , 0.5],
           [0. , 0.5, 1. ]], dtype=float32)
    """
    codes = np.asarray(codes)
    n_members, n_samples = codes.shape
    weights = np.ones(n_members) if weights is None else np.asarray(weights, float)
    weights = weights / weights.sum()
    weighted = _one_hot(codes, n_clusters, weights)
    indicator = _one_hot(codes, n_clusters, np.ones(n_members))
    result = np.empty((n_samples, n_samples), dtype=np.float32)
    for rows in row_batches(n_samples, 4 * n_samples):
        np.matmul(weighted[rows], indicator.T, out=result[rows])
    return result


@fill_doc()
class ClusteringEnsemble(ClusterMixin, _NamedMembers):
    """Consensus of several clusterers: one partition they agree on.

    The members' partitions of the training rows are merged by label
    alignment and voting, or by evidence accumulation over a co-association
    matrix (see ``consensus``). This is what combo's ``ClustererEnsemble``
    and ``EAC`` do, as a scikit-learn estimator.

    Parameters
    ----------
    estimators : list of (str, estimator)
        The members, by name: clusterers with ``fit_predict`` (``KMeans``,
        ``GaussianMixture``, ``AgglomerativeClustering``,
        ``SpectralClustering``, ``DBSCAN``, a ``Pipeline`` ending in one). A
        member wrapped in :class:`sklearn.frozen.FrozenEstimator` is used as
        fitted: it labels ``X`` with its ``predict``, or, without one, with
        its ``labels_`` (it must then have been fitted on the same rows). A
        member may be ``"drop"``.
    consensus : {"alignment", "coassociation"}, default="alignment"
        - ``"alignment"``: the reference is the first member with
          ``n_clusters`` clusters (an integer ``n_clusters`` is also given
          to every unfitted member that has an ``n_clusters`` or
          ``n_components`` parameter, its pipeline's last step included,
          as combo's ensemble wants all members to share it); every
          member's clusters are matched one
          to one with the reference's (maximum overlap), a member with more
          clusters sends each extra cluster to the reference cluster it
          overlaps most, and each row takes the cluster with the most
          (weighted) votes, ties to the lowest.
        - ``"coassociation"``: evidence accumulation: the co-association of
          rows ``i`` and ``j`` is the (weighted) share of members that put
          them in one cluster; ``AgglomerativeClustering`` with ``linkage``
          on the precomputed distance ``1 - co-association`` cuts
          ``n_clusters`` clusters. Quadratic in the rows: see
          ``max_coassociation_samples``.
    n_clusters : int, default=None
        Number of consensus clusters. ``None`` takes the number of clusters
        of the first member and leaves every member's own setting.
    weights : array-like of shape (n_estimators,), default=None
        Non-negative weight of each member's vote (dropped ones included).
        ``None`` weighs members equally.
    linkage : {"average", "complete", "single"}, default="average"
        The linkage of the cut of ``consensus="coassociation"``.
    max_coassociation_samples : int, default=10_000
        ``consensus="coassociation"`` refuses more training rows than this
        (a ``ValueError``): its matrix holds ``n_samples**2`` float32 values
        (400 MB for 10,000 rows) and the hierarchical cut needs about three
        times as much.
    {{n_jobs}}
    {{verbose}}

    Attributes
    ----------
    labels_ : ndarray of shape (n_samples,)
        The consensus cluster of each training row, ``0..n_clusters_-1``;
        ``-1`` for a row that every member calls noise (or, with alignment,
        a row whose votes all go to no cluster).
    n_clusters_ : int
        Number of consensus clusters in ``labels_``.
    estimators_ : list of estimators
        The fitted members (frozen ones as given), without dropped ones.
    named_estimators_ : :class:`~sklearn.utils.Bunch`
        The fitted members by name.
    member_labels_ : ndarray of shape (n_members, n_samples)
        Each member's labels of the training rows.
    weights_ : ndarray of shape (n_members,) or None
        The weights of the members in ``estimators_``.
    n_features_in_ : int
        Number of features seen during fit.
    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Names of features seen during fit, when ``X`` has string column names.

    See Also
    --------
    sklearn.cluster.AgglomerativeClustering : The cut of the co-association.
    DetectorCombination : Combination of outlier detectors.

    Notes
    -----
    Members may find different numbers of clusters. ``predict`` exists when
    every member can predict; with alignment it votes as ``fit`` did (so on
    the training rows of members whose ``predict`` repeats their labels it
    gives ``labels_``); with co-association it gives each row the consensus
    cluster whose training rows it co-associates with most on average.

    References
    ----------
    .. [1] Fred and Jain (2005). Combining multiple clusterings using
       evidence accumulation. IEEE TPAMI 27(6), 835-850.
    .. [2] Strehl and Ghosh (2002). Cluster ensembles: a knowledge reuse
       framework for combining multiple partitions. JMLR 3, 583-617.

    Examples
    --------
    >>> from sklearn.cluster import KMeans
    >>> from sklearn.datasets import make_blobs
    >>> from sklearn.metrics import adjusted_rand_score
    >>> from sklearn.mixture import GaussianMixture
    >>> from skextra.ensemble import ClusteringEnsemble
    >>> X, y = make_blobs(n_samples=150, centers=3, cluster_std=0.6, random_state=0)
    >>> members = [("km", KMeans(3, n_init=3, random_state=0)),
    ...            ("gmm", GaussianMixture(3, random_state=0)),
    ...            ("km5", KMeans(5, n_init=3, random_state=0))]
    >>> ensemble = ClusteringEnsemble(members, consensus="coassociation").fit(X)
    >>> adjusted_rand_score(y, ensemble.labels_)
    1.0
    >>> ensemble.n_clusters_
    3
    """

    _required_parameters = ["estimators"]
    _parameter_constraints: dict = {
        "estimators": [list],
        "consensus": [StrOptions(set(CONSENSUS))],
        "n_clusters": [Interval(Integral, 1, None, closed="left"), None],
        "weights": ["array-like", None],
        "linkage": [StrOptions({"average", "complete", "single"})],
        "max_coassociation_samples": [Interval(Integral, 1, None, closed="left")],
        "n_jobs": [None, Integral],
        "verbose": ["verbose"],
    }

    def __init__(
        self,
        estimators,
        *,
        consensus="alignment",
        n_clusters=None,
        weights=None,
        linkage="average",
        max_coassociation_samples=10_000,
        n_jobs=None,
        verbose=0,
    ):
        self.estimators = estimators
        self.consensus = consensus
        self.n_clusters = n_clusters
        self.weights = weights
        self.linkage = linkage
        self.max_coassociation_samples = max_coassociation_samples
        self.n_jobs = n_jobs
        self.verbose = verbose

    def _check_input_size(self, n_samples):
        if self.n_clusters is not None and self.n_clusters > n_samples:
            raise ValueError(
                f"n_clusters={self.n_clusters} is larger than the number of "
                f"samples (n_samples={n_samples})."
            )
        too_many = n_samples > self.max_coassociation_samples
        if self.consensus == "coassociation" and too_many:
            raise ValueError(
                f"consensus='coassociation' builds an n_samples x n_samples "
                f"matrix; n_samples={n_samples} is above "
                f"max_coassociation_samples={self.max_coassociation_samples}. "
                "Raise max_coassociation_samples if the memory allows "
                "(4 * n_samples**2 bytes and about three times as much for the "
                "cut), or use consensus='alignment'."
            )

    def _member_labels(self, names, members, X):
        frozen = {
            k: _frozen_labels(name, member, X)
            for k, (name, member) in enumerate(zip(names, members))
            if is_frozen(member)
        }
        n_clusters = self.n_clusters if self.consensus == "alignment" else None

        def job_of(k, member):
            member = _with_n_clusters(member, n_clusters)
            return _fit_member, (member, X, names[k]), {}

        results = fit_unfrozen(
            members, job_of, X.shape[0], n_jobs=self.n_jobs, verbose=self.verbose
        )
        fitted = [m if r is None else r[0] for m, r in zip(members, results)]
        labels = [frozen[k] if r is None else r[1] for k, r in enumerate(results)]
        return fitted, np.stack(labels)

    @_fit_context(prefer_skip_nested_validation=False)
    def fit(self, X, y=None):
        """Fit the unfitted members on ``X`` and find the consensus partition.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Training data.
        y : None
            Ignored.

        Returns
        -------
        self : object
        """
        names, members = live_members(self.estimators, type(self).__name__)
        for name, member in zip(names, members):
            _check_clusterer(name, member)
        X = _validated(self, X, reset=True)
        self._check_input_size(X.shape[0])
        self.weights_ = member_weights(self.weights, self.estimators)
        fitted, labels = self._member_labels(names, members, X)
        self._names, self.estimators_, self.member_labels_ = names, fitted, labels
        self.named_estimators_ = Bunch(**dict(zip(names, fitted)))
        self._values = [np.unique(row[row >= 0]) for row in labels]
        codes = np.stack([_encode(row, v) for row, v in zip(labels, self._values)])
        sizes = [len(v) for v in self._values]
        n_clusters = self.n_clusters or sizes[0]
        if n_clusters == 0:
            raise ValueError(
                f"Member {names[0]!r} labels every row as noise; with "
                "n_clusters=None the first member must find at least one cluster."
            )
        if self.consensus == "alignment":
            self.labels_ = self._fit_alignment(codes, sizes, n_clusters)
        else:
            self.labels_ = self._fit_coassociation(codes, sizes, n_clusters)
        self.n_clusters_ = int(self.labels_.max()) + 1
        return self

    def _fit_alignment(self, codes, sizes, n_clusters):
        candidates = [k for k, size in enumerate(sizes) if size == n_clusters]
        if not candidates:
            found = dict(zip(self._names, sizes))
            raise ValueError(
                f"consensus='alignment' needs a member with n_clusters="
                f"{n_clusters} clusters as reference; the members found {found}."
            )
        reference = codes[candidates[0]]
        self._n_reference = n_clusters
        self._mappings = [align_labels(c, reference, n_clusters) for c in codes]
        votes = self._alignment_votes(codes, n_clusters)
        winners = np.where(votes.sum(axis=1) > 0, votes.argmax(axis=1), -1)
        self._kept = np.unique(winners[winners >= 0])
        return self._alignment_labels(votes)

    def _alignment_votes(self, codes, n_clusters):
        votes = np.zeros((codes.shape[1], n_clusters))
        weights = np.ones(len(codes)) if self.weights_ is None else self.weights_
        for code, mapping, weight in zip(codes, self._mappings, weights):
            if not len(mapping):
                continue  # a member that calls every row noise
            target = np.where(code >= 0, mapping[np.maximum(code, 0)], -1)
            voted = target >= 0
            votes[np.flatnonzero(voted), target[voted]] += weight
        return votes

    def _alignment_labels(self, votes):
        votes = votes[:, self._kept]
        return np.where(votes.sum(axis=1) > 0, votes.argmax(axis=1), -1)

    def _fit_coassociation(self, codes, sizes, n_clusters):
        clustered = np.flatnonzero((codes >= 0).any(axis=0))
        if n_clusters > len(clustered):
            raise ValueError(
                f"n_clusters={n_clusters} is larger than the number of rows "
                f"that some member clusters ({len(clustered)}; the others are "
                "noise for every member)."
            )
        distance = coassociation_matrix(
            codes[:, clustered], sizes, weights=self.weights_
        )
        np.subtract(1.0, distance, out=distance)
        np.fill_diagonal(distance, 0.0)
        cut = AgglomerativeClustering(
            n_clusters=n_clusters, metric="precomputed", linkage=self.linkage
        )
        labels = np.full(codes.shape[1], -1)
        labels[clustered] = cut.fit_predict(distance)
        self._profiles = self._cluster_profiles(codes, sizes, labels)
        return labels

    def _cluster_profiles(self, codes, sizes, labels):
        """Per member, the share of each consensus cluster in each of its clusters."""
        n_final = int(labels.max()) + 1
        size_of = np.bincount(labels[labels >= 0], minlength=n_final)
        profiles = []
        for code, k in zip(codes, sizes):
            both = (code >= 0) & (labels >= 0)
            counts = np.bincount(
                code[both] * n_final + labels[both], minlength=k * n_final
            ).reshape(k, n_final)
            profiles.append(counts / size_of)
        return profiles

    def _can_predict(self):
        members = getattr(self, "estimators_", None)
        names = getattr(self, "_names", None)
        if members is None:
            try:
                names, members = live_members(self.estimators, type(self).__name__)
            except (TypeError, ValueError):
                return True  # fit says what is wrong with the members
        for name, member in zip(names, members):
            if not hasattr(member, "predict"):
                raise AttributeError(
                    f"Member {name!r} ({type(member).__name__}) has no predict, "
                    "so the ensemble cannot predict new rows; use labels_ or "
                    "fit_predict."
                )
        return True

    @available_if(_can_predict)
    def predict(self, X):
        """The consensus cluster of new rows, from the members' predictions.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)

        Returns
        -------
        labels : ndarray of shape (n_samples,)
            Clusters ``0..n_clusters_-1`` of ``labels_``; ``-1`` where no
            member's cluster points to any.
        """
        check_is_fitted(self)
        X = _validated(self, X, reset=False)
        codes = np.stack(
            [
                _encode(_member_predict(name, member, X), values)
                for name, member, values in zip(
                    self._names, self.estimators_, self._values
                )
            ]
        )
        if self.consensus == "alignment":
            votes = self._alignment_votes(codes, self._n_reference)
            return self._alignment_labels(votes)
        weights = np.ones(len(codes)) if self.weights_ is None else self.weights_
        affinity = np.zeros((X.shape[0], self.n_clusters_))
        for code, profile, weight in zip(codes, self._profiles, weights):
            known = code >= 0
            affinity[known] += weight * profile[code[known]]
        return np.where(affinity.sum(axis=1) > 0, affinity.argmax(axis=1), -1)
