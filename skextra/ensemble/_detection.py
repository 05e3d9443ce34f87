"""Outlier-detector ensembles: normalise the members' scores, then combine them.

Every member's score is turned into an *outlyingness* (higher = more
abnormal, PyOD's convention: the opposite of scikit-learn's
``decision_function``), normalised with statistics of the training rows so
that members of different scales can be merged, and combined by a fixed rule
(Aggarwal and Sathe 2015). The ensemble then speaks scikit-learn's outlier
protocol again: ``score_samples`` is the negated combined outlyingness and
``decision_function`` is ``score_samples - offset_``.
"""

from numbers import Integral, Real

import numpy as np
from sklearn.base import OutlierMixin, _fit_context, is_outlier_detector
from sklearn.utils import Bunch, check_random_state, get_tags
from sklearn.utils._param_validation import Interval, StrOptions
from sklearn.utils.validation import check_is_fitted, validate_data

from ..utils._docstring import fill_doc
from ..utils._members import final_step, is_frozen, live_members, member_weights
from ..utils._oof import _reraise
from ..utils._validation import is_dataframe
from ._base import _fit_member, _NamedMembers, fit_unfrozen

SCORE_RULES = ("average", "max", "median", "aom", "moa")
RULES = SCORE_RULES + ("vote",)
NORMALIZATIONS = ("zscore", "rank", "minmax")
_WEIGHTED_RULES = ("average", "vote")


def _is_pyod(estimator):
    return type(final_step(estimator)).__module__.split(".")[0] == "pyod"


def _check_detector(name, member):
    if not (is_outlier_detector(member) or _is_pyod(member)):
        raise ValueError(
            f"Member {name!r} ({type(member).__name__}) is not an outlier "
            "detector; DetectorCombination combines outlier detectors only "
            "(scikit-learn's, such as IsolationForest, or PyOD's)."
        )
    if not hasattr(member, "decision_function"):
        raise ValueError(
            f"Member {name!r} ({type(member).__name__}) cannot score new rows "
            "(no decision_function); a LocalOutlierFactor needs novelty=True."
        )


def _check_n_features(name, member, n_features):
    seen = getattr(member, "n_features_in_", None)
    if seen is not None and seen != n_features:
        raise ValueError(
            f"Member {name!r} was fitted on {seen} features, but X has "
            f"{n_features} features."
        )


def _outlyingness(member, X, name):
    """The member's score on ``X``, higher = more abnormal."""
    try:
        score = np.asarray(member.decision_function(X), dtype=np.float64)
    except Exception as exc:
        _reraise(exc, name, "to score")
    return score.reshape(-1) if _is_pyod(member) else -score.reshape(-1)


def _own_threshold(member):
    """The member's own outlier threshold on its outlyingness."""
    return float(member.threshold_) if _is_pyod(member) else 0.0


def _is_outlier(member, X, name):
    try:
        labels = np.asarray(member.predict(X)).reshape(-1)
    except Exception as exc:
        _reraise(exc, name, "to predict")
    return (labels == 1) if _is_pyod(member) else (labels == -1)


def _normalizer(train, kind):
    """Statistics of the training scores (n_samples, n_members) for ``kind``."""
    if kind == "rank":
        return np.sort(train, axis=0)
    if kind == "zscore":
        center, scale = train.mean(axis=0), train.std(axis=0)
    else:
        center, scale = train.min(axis=0), np.ptp(train, axis=0)
    return center, np.where(scale > 0, scale, 1.0)


def _normalize(scores, kind, stats):
    if kind != "rank":
        center, scale = stats
        return (scores - center) / scale
    n_train = stats.shape[0]
    columns = [
        np.searchsorted(stats[:, k], scores[:, k], side="right")
        for k in range(stats.shape[1])
    ]
    return np.stack(columns, axis=1) / n_train


def combine_scores(scores, rule, *, weights=None, buckets=None):
    """Merge the members' outlyingness, one column per member.

    Parameters
    ----------
    scores : ndarray of shape (n_samples, n_members)
        Normalised outlyingness (higher = more abnormal).
    rule : {"average", "max", "median", "aom", "moa"}
        ``"aom"``: the average over the buckets of the maximum within each
        bucket; ``"moa"``: the maximum over the buckets of the average.
    weights : array-like of shape (n_members,), default=None
        Member weights, for ``"average"`` only.
    buckets : list of ndarray of int, default=None
        The members (column indices) of each bucket, for ``"aom"`` and
        ``"moa"``.

    Returns
    -------
    combined : ndarray of shape (n_samples,)

    Examples
    --------
    >>> import numpy as np
    >>> from skextra.ensemble._detection import combine_scores
    >>> scores = np.array([[0.0, 1.0, 2.0, 5.0]])
    >>> combine_scores(scores, "aom", buckets=[np.array([0, 1]), np.array([2, 3])])
    array([3.])
    >>> combine_scores(scores, "moa", buckets=[np.array([0, 3]), np.array([1, 2])])
    array([2.5])
    """
    if rule == "average":
        return np.average(scores, axis=1, weights=weights)
    if rule == "max":
        return scores.max(axis=1)
    if rule == "median":
        return np.median(scores, axis=1)
    per_bucket = [
        scores[:, b].max(axis=1) if rule == "aom" else scores[:, b].mean(axis=1)
        for b in buckets
    ]
    return np.mean(per_bucket, axis=0) if rule == "aom" else np.max(per_bucket, axis=0)


@fill_doc()
class DetectorCombination(OutlierMixin, _NamedMembers):
    """Combine the scores of several outlier detectors with a fixed rule.

    Each member's score is turned into an outlyingness (higher = more
    abnormal), normalised with statistics of the training rows, and
    combined by ``rule``; the result follows scikit-learn's outlier
    protocol (higher ``score_samples`` = more normal, ``predict`` gives
    ``+1`` for inliers and ``-1`` for outliers). This is what combo's
    ``SimpleDetectorAggregator`` and ``aom``/``moa`` do, as a scikit-learn
    estimator.

    Parameters
    ----------
    estimators : list of (str, estimator)
        The members, by name: scikit-learn outlier detectors
        (``IsolationForest``, ``LocalOutlierFactor(novelty=True)``,
        ``OneClassSVM``, ``EllipticEnvelope``, a ``Pipeline`` ending in one)
        or PyOD detectors. A member wrapped in
        :class:`sklearn.frozen.FrozenEstimator` is used as fitted; the others
        are cloned and fitted on the data given to ``fit``. A member may be
        ``"drop"``.
    rule : {"average", "max", "median", "aom", "moa", "vote"}, \
            default="average"
        How the normalised outlyingness of the members is merged:

        - ``"average"``: (weighted) mean;
        - ``"max"``: maximum (the most alarmed member decides);
        - ``"median"``: median;
        - ``"aom"``: average of maximum: the members are split at random into
          ``n_buckets`` buckets, the maximum is taken within each bucket and
          averaged over the buckets;
        - ``"moa"``: maximum of average, the other way round;
        - ``"vote"``: (weighted) majority vote of the members' own labels
          (their ``predict``); the outlyingness is the share of votes for
          "outlier" and ``normalization`` does not apply.
    normalization : {"zscore", "rank", "minmax"}, default="zscore"
        How each member's outlyingness is put on a common scale, with
        statistics of the training rows (fitted once, applied unchanged to
        new rows): ``"zscore"`` subtracts the training mean and divides by
        the training standard deviation; ``"rank"`` gives the fraction of
        training scores at or below the score (an empirical percentile, in
        [0, 1]); ``"minmax"`` maps the training range to [0, 1].
    weights : array-like of shape (n_estimators,), default=None
        Non-negative weight of each member (dropped ones included), for
        ``rule="average"`` and ``rule="vote"``. ``None`` weighs members
        equally.
    n_buckets : int, default=5
        Number of buckets for ``"aom"`` and ``"moa"``; at most the number of
        members. The members are shuffled with ``random_state`` and split
        into buckets of sizes as equal as possible.
    contamination : "auto" or float, default="auto"
        Sets ``offset_``, the threshold of ``predict``. With a float in
        (0, 0.5], that fraction of the training rows is labelled outlier.
        With ``"auto"``, each member's own threshold (0 of a scikit-learn
        ``decision_function``, ``threshold_`` of a PyOD detector) is
        normalised and combined by ``rule`` like the scores; for
        ``rule="vote"`` a row is an outlier when more than half of the
        (weighted) votes say so.
    {{random_state}}
    {{n_jobs}}
    {{verbose}}

    Attributes
    ----------
    estimators_ : list of estimators
        The fitted members (frozen ones as given), without dropped ones.
    named_estimators_ : :class:`~sklearn.utils.Bunch`
        The fitted members by name.
    weights_ : ndarray of shape (n_members,) or None
        The weights of the members in ``estimators_``.
    buckets_ : list of ndarray of int or None
        For ``"aom"`` and ``"moa"``, the indices into ``estimators_`` of the
        members of each bucket.
    offset_ : float
        ``decision_function = score_samples - offset_``.
    n_features_in_ : int
        Number of features seen during fit.
    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Names of features seen during fit, when ``X`` has string column names.

    See Also
    --------
    sklearn.ensemble.IsolationForest : A detector that is itself an ensemble.
    ClusteringEnsemble : Consensus of several clusterers.

    Notes
    -----
    PyOD is optional: a PyOD detector is recognised by its module and its
    ``decision_function`` (higher = more abnormal) is used as it is, while a
    scikit-learn detector's ``decision_function`` is negated.

    References
    ----------
    .. [1] Aggarwal and Sathe (2015). Theoretical foundations and algorithms
       for outlier ensembles. ACM SIGKDD Explorations 17(1), 24-47.
    .. [2] Zhao, Nasrullah, Hryniewicki and Li (2019). combo: a Python
       toolbox for machine learning model combination. AAAI.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn.ensemble import IsolationForest
    >>> from sklearn.neighbors import LocalOutlierFactor
    >>> from sklearn.svm import OneClassSVM
    >>> from skextra.ensemble import DetectorCombination
    >>> rng = np.random.RandomState(0)
    >>> X = np.vstack([rng.normal(size=(95, 2)), rng.uniform(6, 8, size=(5, 2))])
    >>> members = [("iforest", IsolationForest(random_state=0)),
    ...            ("lof", LocalOutlierFactor(novelty=True)),
    ...            ("svm", OneClassSVM(nu=0.05))]
    >>> detector = DetectorCombination(members, contamination=0.05).fit(X)
    >>> detector.predict(X[-6:])
    array([ 1, -1, -1, -1, -1, -1])
    """

    _required_parameters = ["estimators"]
    _parameter_constraints: dict = {
        "estimators": [list],
        "rule": [StrOptions(set(RULES))],
        "normalization": [StrOptions(set(NORMALIZATIONS))],
        "weights": ["array-like", None],
        "n_buckets": [Interval(Integral, 1, None, closed="left")],
        "contamination": [
            StrOptions({"auto"}),
            Interval(Real, 0, 0.5, closed="right"),
        ],
        "random_state": ["random_state"],
        "n_jobs": [None, Integral],
        "verbose": ["verbose"],
    }

    def __init__(
        self,
        estimators,
        *,
        rule="average",
        normalization="zscore",
        weights=None,
        n_buckets=5,
        contamination="auto",
        random_state=None,
        n_jobs=None,
        verbose=0,
    ):
        self.estimators = estimators
        self.rule = rule
        self.normalization = normalization
        self.weights = weights
        self.n_buckets = n_buckets
        self.contamination = contamination
        self.random_state = random_state
        self.n_jobs = n_jobs
        self.verbose = verbose

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        try:
            member_tags = [get_tags(m) for m in live_members(self.estimators, "")[1]]
        except Exception:
            member_tags = []
        if member_tags:
            tags.input_tags.allow_nan = all(t.input_tags.allow_nan for t in member_tags)
        return tags

    def _live_weights(self):
        if self.weights is not None and self.rule not in _WEIGHTED_RULES:
            raise ValueError(
                f"weights apply to rules {_WEIGHTED_RULES}, got rule={self.rule!r}."
            )
        return member_weights(self.weights, self.estimators)

    def _draw_buckets(self, n_members):
        if self.rule not in ("aom", "moa"):
            return None
        if self.n_buckets > n_members:
            raise ValueError(
                f"n_buckets={self.n_buckets} is larger than the number of "
                f"members ({n_members})."
            )
        order = check_random_state(self.random_state).permutation(n_members)
        return np.array_split(order, self.n_buckets)

    def _fit_members(self, names, members, X):
        for name, member in zip(names, members):
            if is_frozen(member):
                _check_n_features(name, member, X.shape[1])

        def job_of(k, member):
            return _fit_member, (member, X, None, {}, names[k]), {}

        results = fit_unfrozen(
            members, job_of, X.shape[0], n_jobs=self.n_jobs, verbose=self.verbose
        )
        return [m if r is None else r for m, r in zip(members, results)]

    @_fit_context(prefer_skip_nested_validation=False)
    def fit(self, X, y=None):
        """Fit the unfitted members on ``X`` and the normalisation of the scores.

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
            _check_detector(name, member)
        X = self._validate(X, reset=True)
        self.weights_ = self._live_weights()
        self.buckets_ = self._draw_buckets(len(members))
        self.estimators_ = self._fit_members(names, members, X)
        self._names = names
        self.named_estimators_ = Bunch(**dict(zip(names, self.estimators_)))
        raw = self._raw(X)
        if self.rule != "vote":
            self._stats = _normalizer(raw, self.normalization)
        train = self._combined(raw)
        if self.contamination != "auto":
            self.offset_ = float(np.percentile(-train, 100 * self.contamination))
        elif self.rule == "vote":
            self.offset_ = -0.5
        else:
            thresholds = np.array([[_own_threshold(m) for m in self.estimators_]])
            self.offset_ = -float(self._combined(thresholds)[0])
        return self

    def _validate(self, X, *, reset):
        """Validate ``X``; members get a dataframe as given (pipelines use names)."""
        allow_nan = self.__sklearn_tags__().input_tags.allow_nan
        checked = validate_data(self, X, reset=reset, ensure_all_finite=not allow_nan)
        return X if is_dataframe(X) else checked

    def _raw(self, X):
        """What the rule combines, one column per member, before normalising."""
        members = zip(self._names, self.estimators_)
        if self.rule == "vote":
            columns = [_is_outlier(m, X, name) for name, m in members]
        else:
            columns = [_outlyingness(m, X, name) for name, m in members]
        return np.stack(columns, axis=1).astype(np.float64)

    def _combined(self, raw):
        """The combined outlyingness (higher = more abnormal)."""
        if self.rule == "vote":
            return np.average(raw, axis=1, weights=self.weights_)
        scores = _normalize(raw, self.normalization, self._stats)
        return combine_scores(
            scores, self.rule, weights=self.weights_, buckets=self.buckets_
        )

    def score_samples(self, X):
        """The combined score of each row: the higher, the more normal.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)

        Returns
        -------
        scores : ndarray of shape (n_samples,)
            The negated combined outlyingness of the members.
        """
        check_is_fitted(self)
        X = self._validate(X, reset=False)
        return -self._combined(self._raw(X))

    def decision_function(self, X):
        """``score_samples - offset_``: negative for outliers, positive for inliers.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)

        Returns
        -------
        scores : ndarray of shape (n_samples,)
        """
        return self.score_samples(X) - self.offset_

    def predict(self, X):
        """Label each row: ``+1`` for an inlier, ``-1`` for an outlier.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)

        Returns
        -------
        labels : ndarray of shape (n_samples,)
        """
        return np.where(self.decision_function(X) >= 0, 1, -1)
