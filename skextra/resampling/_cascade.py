"""Ensembles of under-sampled bags: EasyEnsemble, BalanceCascade, Self-Paced Ensemble.

EasyEnsemble's bags are independent and fitted in parallel. BalanceCascade
and the Self-Paced Ensemble choose each bag from what the earlier members got
right, so their members are fitted one after another; their ``n_jobs`` runs
the members' predictions in parallel.
"""

import time
from functools import partial
from numbers import Integral

import numpy as np
from imblearn.under_sampling import RandomUnderSampler
from sklearn.ensemble import AdaBoostClassifier
from sklearn.utils._param_validation import Interval, StrOptions

from ..gpu._resident import device_input
from ..utils import take_rows
from ..utils._docstring import fill_doc
from ._base import (
    RESAMPLING_DOCS,
    UNDER_SAMPLING_STRATEGY,
    BaseResampledEnsemble,
    BaseSamplerBagging,
    as_float,
    bag_of_rows,
    fit_seeded,
    member_output,
    under_sample_positions,
)
from ._validation import check_sampling_strategy_feasible

__all__ = [
    "BalanceCascadeClassifier",
    "EasyEnsembleClassifier",
    "SelfPacedEnsembleClassifier",
]


@fill_doc(RESAMPLING_DOCS)
class EasyEnsembleClassifier(BaseSamplerBagging):
    """EasyEnsemble (Liu, Wu & Zhou, 2009): AdaBoost on independent under-samples.

    Each member is an AdaBoost ensemble fitted on the whole minority class
    and a random under-sample of every other class (imbalanced-learn's
    :class:`~imblearn.under_sampling.RandomUnderSampler`, by default down to
    the size of the minority class). The members are independent, so they
    are fitted in parallel. Same parameters, defaults and algorithm as
    imbalanced-learn's ``EasyEnsembleClassifier``.

    Parameters
    ----------
    n_estimators : int, default=10
        Number of under-sampled bags (AdaBoost members).
    estimator : estimator object, default=None
        The member; ``None`` means
        :class:`~sklearn.ensemble.AdaBoostClassifier` with its defaults (50
        decision stumps).
    sampling_strategy : float, str, dict or callable, default="auto"
        Under-sampling target of ``RandomUnderSampler``, checked against the
        training labels before any member is fitted.
    {{warm_start}}
    {{under_replacement}}
    {{n_jobs}}
    {{random_state}}
    {{verbose_members}}
    {{device}}

    Attributes
    ----------
    {{pipeline_attributes}}
    {{fitted_attributes}}

    See Also
    --------
    BalanceCascadeClassifier : Bags that drop the majority rows already
        learnt.
    imblearn.ensemble.EasyEnsembleClassifier : The imbalanced-learn
        counterpart.

    Notes
    -----
    Predictions average the members' probabilities. ``sample_weight`` follows
    the rows the under-sampler keeps.

    References
    ----------
    .. [1] X.-Y. Liu, J. Wu and Z.-H. Zhou, "Exploratory undersampling for
       class-imbalance learning", IEEE Transactions on Systems, Man, and
       Cybernetics, Part B 39(2), 2009.

    Examples
    --------
    >>> from sklearn.datasets import make_classification
    >>> from skextra.resampling import EasyEnsembleClassifier
    >>> X, y = make_classification(n_samples=300, weights=[0.9], random_state=0)
    >>> clf = EasyEnsembleClassifier(n_estimators=3, random_state=0).fit(X, y)
    >>> [type(member[-1]).__name__ for member in clf.estimators_]
    ['AdaBoostClassifier', 'AdaBoostClassifier', 'AdaBoostClassifier']
    """

    _parameter_constraints = {
        **BaseResampledEnsemble._parameter_constraints,
        "warm_start": ["boolean"],
        "sampling_strategy": UNDER_SAMPLING_STRATEGY,
        "replacement": ["boolean"],
    }

    bootstrap = False
    _imblearn_layout = True

    def __init__(
        self,
        n_estimators=10,
        estimator=None,
        *,
        warm_start=False,
        sampling_strategy="auto",
        replacement=False,
        n_jobs=None,
        random_state=None,
        verbose=0,
        device=None,
    ):
        self.n_estimators = n_estimators
        self.estimator = estimator
        self.warm_start = warm_start
        self.sampling_strategy = sampling_strategy
        self.replacement = replacement
        self.n_jobs = n_jobs
        self.random_state = random_state
        self.verbose = verbose
        self.device = device

    def _default_estimator(self):
        return AdaBoostClassifier()

    def _sampler(self):
        return RandomUnderSampler(replacement=self.replacement)


# ---------------------------------------------------------------------------
# Sequential cascades
# ---------------------------------------------------------------------------


def _fit_on_rows(template, X, y, sample_weight, rows, rng):
    return fit_seeded(template, *bag_of_rows(X, y, sample_weight, rows), rng)


def _under_sample_rows(rows, y, target, replacement, rng):
    """Rows kept by a random under-sample of ``rows`` to ``target``."""
    kept = under_sample_positions(as_float(y[rows]), target, replacement, rng)
    return np.sort(rows[kept])


def _keep_ratios(counts, target, n_rounds):
    """Fraction of each pool kept per round: ``counts`` shrinks to ``target``."""
    keep = np.ones(counts.size)
    for label, n_target in target.items():
        if n_rounds > 1 and counts[label] > 0:
            keep[label] = (n_target / counts[label]) ** (1.0 / (n_rounds - 1))
    return keep


def _pooled_under_sample(pools, target, y, replacement, rng):
    """Under-sample the union of the class pools, each to at most its size."""
    rows = np.sort(np.concatenate(pools))
    bag_target = {label: min(n, pools[label].size) for label, n in target.items()}
    return _under_sample_rows(rows, y, bag_target, replacement, rng)


class _BaseCascade(BaseResampledEnsemble):
    """Members fitted one after another on bags chosen from the earlier ones.

    Subclasses define :meth:`_fit_cascade` and say, in ``_proba_use``, what
    they need the members' ``predict_proba`` for.
    """

    _proba_use = None

    def _fit_members(self, X, y, y_encoded, sample_weight, template, seeds):
        if not hasattr(template, "predict_proba"):
            raise ValueError(
                f"{type(self).__name__} needs an estimator with predict_proba "
                f"to {self._proba_use}; {type(template).__name__} has none."
            )
        # Every bag is a choice of rows: cut from one device copy for GPU members.
        X = device_input(template, X, {})
        target = self._targets(y)
        return self._fit_cascade(X, y_encoded, sample_weight, template, seeds, target)

    def _fit_round(self, choose_rows, template, X, y_encoded, sample_weight, seed):
        """Fit a member on the rows ``choose_rows(rng)`` picks.

        Returns the member and its ``(class_counts, seconds)`` for the log.
        """
        start = time.perf_counter()
        rng = np.random.RandomState(seed)
        rows = choose_rows(rng)
        member = _fit_on_rows(template, X, y_encoded, sample_weight, rows, rng)
        counts = np.bincount(y_encoded[rows], minlength=len(self.classes_))
        return member, (counts, time.perf_counter() - start)

    def _targets(self, y):
        return self._encode_target(
            check_sampling_strategy_feasible(
                self.sampling_strategy, y, "under-sampling"
            )
        )

    def _own_class_proba(self, member, X, y, rows):
        """Probability each member gives ``rows`` of belonging to their class."""
        proba = member_output(
            member, take_rows(X, rows), "predict_proba", len(self.classes_), {}
        )
        return proba[np.arange(rows.size), y[rows]]


@fill_doc(RESAMPLING_DOCS)
class BalanceCascadeClassifier(_BaseCascade):
    """BalanceCascade (Liu, Wu & Zhou, 2009): drop the majority rows already learnt.

    Like EasyEnsemble, every member is fitted on the minority class and an
    equal-sized random under-sample of each larger class. After each member,
    the rows of each larger class that the member classifies correctly with
    the most confidence are removed from that class's pool: the threshold is
    set so that a fraction ``f = (n_target / n_class) ** (1 / (n_estimators -
    1))`` of the pool is kept (the member's false-positive rate on the class),
    so the pool shrinks geometrically from ``n_class`` rows to exactly
    ``n_target`` rows for the last member. Later members thus concentrate on
    the majority rows that earlier members got wrong. With more than two
    classes, every under-sampled class has its own pool and rate, and a row's
    confidence is the member's probability of the row's own class.

    Parameters
    ----------
    estimator : estimator object, default=None
        The member; it needs ``predict_proba``. ``None`` means
        :class:`~sklearn.ensemble.AdaBoostClassifier` with its defaults, as
        in the paper.
    n_estimators : int, default=10
        Number of members (rounds of the cascade).
    sampling_strategy : float, str, dict or callable, default="auto"
        Under-sampling target per class, as for imbalanced-learn's
        ``RandomUnderSampler``; it sets both the size of each bag and the
        final size of each pool.
    {{under_replacement}}
    {{sequential_n_jobs}}
    {{random_state}}
    {{verbose_members}}
    {{device}}

    Attributes
    ----------
    {{members_attribute}}
    keep_ratios_ : ndarray of shape (n_classes,)
        The false-positive rate ``f`` of each class: the fraction of its pool
        kept after each round (1 for classes that are not under-sampled).
    pool_sizes_ : ndarray of shape (n_estimators, n_classes)
        Size of each class's pool when each member's bag was drawn.
    thresholds_ : ndarray of shape (n_estimators - 1, n_classes)
        After each round but the last, the member's own-class probability at
        the cut: the rows of the pool whose probability is at most this value
        are kept (NaN for classes that are not under-sampled).
    {{fitted_attributes}}

    See Also
    --------
    EasyEnsembleClassifier : Independent under-sampled bags.
    SelfPacedEnsembleClassifier : Bags drawn by hardness of the whole
        ensemble.

    Notes
    -----
    Rows tied at the threshold are kept in their original order, so exactly
    ``round(n_class * f ** i)`` rows remain after round ``i``. Predictions
    average the members' probabilities (the paper's per-member threshold
    offsets are used to shrink the pools, not to predict).
    ``sample_weight`` follows the rows.

    References
    ----------
    .. [1] X.-Y. Liu, J. Wu and Z.-H. Zhou, "Exploratory undersampling for
       class-imbalance learning", IEEE Transactions on Systems, Man, and
       Cybernetics, Part B 39(2), 2009.

    Examples
    --------
    >>> from sklearn.datasets import make_classification
    >>> from skextra.resampling import BalanceCascadeClassifier
    >>> X, y = make_classification(n_samples=1100, weights=[10 / 11], flip_y=0,
    ...                            random_state=0)
    >>> clf = BalanceCascadeClassifier(n_estimators=3, random_state=0).fit(X, y)
    >>> clf.keep_ratios_.round(4)
    array([0.3162, 1.    ])
    >>> clf.pool_sizes_
    array([[1000,  100],
           [ 316,  100],
           [ 100,  100]])
    """

    _parameter_constraints = {
        **BaseResampledEnsemble._parameter_constraints,
        "sampling_strategy": UNDER_SAMPLING_STRATEGY,
        "replacement": ["boolean"],
    }

    def __init__(
        self,
        estimator=None,
        n_estimators=10,
        *,
        sampling_strategy="auto",
        replacement=False,
        n_jobs=None,
        random_state=None,
        verbose=0,
        device=None,
    ):
        self.estimator = estimator
        self.n_estimators = n_estimators
        self.sampling_strategy = sampling_strategy
        self.replacement = replacement
        self.n_jobs = n_jobs
        self.random_state = random_state
        self.verbose = verbose
        self.device = device

    _proba_use = "rank the rows it removes"

    def _default_estimator(self):
        return AdaBoostClassifier()

    def _fit_cascade(self, X, y_encoded, sample_weight, template, seeds, target):
        n_classes = len(self.classes_)
        counts = np.bincount(y_encoded, minlength=n_classes)
        n_rounds = len(seeds)
        keep = _keep_ratios(counts, target, n_rounds)
        pools = [np.flatnonzero(y_encoded == label) for label in range(n_classes)]
        pool_sizes = np.zeros((n_rounds, n_classes), dtype=np.intp)
        thresholds = np.full((max(n_rounds - 1, 0), n_classes), np.nan)
        members, log = [], []
        for i, seed in enumerate(seeds):
            pool_sizes[i] = [pool.size for pool in pools]
            choose = partial(
                _pooled_under_sample, pools, target, y_encoded, self.replacement
            )
            member, entry = self._fit_round(
                choose, template, X, y_encoded, sample_weight, seed
            )
            members.append(member)
            log.append(entry)
            if i == n_rounds - 1:
                break
            for label in target:
                n_keep = max(
                    int(round(counts[label] * keep[label] ** (i + 1))), target[label]
                )
                pools[label], thresholds[i, label] = self._shrink_pool(
                    member, X, y_encoded, pools[label], n_keep
                )
        self.keep_ratios_ = keep
        self.pool_sizes_ = pool_sizes
        self.thresholds_ = thresholds
        return members, log

    def _shrink_pool(self, member, X, y_encoded, pool, n_keep):
        """The ``n_keep`` rows of ``pool`` the member is least sure of, and the cut."""
        n_keep = min(n_keep, pool.size)
        own = self._own_class_proba(member, X, y_encoded, pool)
        kept = np.argsort(own, kind="stable")[:n_keep]
        threshold = own[kept[-1]] if n_keep else np.nan
        return np.sort(pool[kept]), threshold


# ---------------------------------------------------------------------------
# Self-paced ensemble
# ---------------------------------------------------------------------------


def _absolute_error(proba_true):
    return 1.0 - proba_true


def _squared_error(proba_true):
    return (1.0 - proba_true) ** 2


def _cross_entropy(proba_true):
    return -np.log(np.clip(proba_true, 1e-15, 1.0))


_HARDNESS = {
    "absolute_error": _absolute_error,
    "squared_error": _squared_error,
    "cross_entropy": _cross_entropy,
}


def hardness_bins(hardness, k_bins):
    """Bin of every row: ``k_bins`` equal-width bins over ``[min, max]`` hardness."""
    hardness = np.asarray(hardness, dtype=np.float64)
    low, high = hardness.min(), hardness.max()
    if high <= low:
        return np.zeros(hardness.size, dtype=np.intp)
    scaled = (hardness - low) / (high - low) * k_bins
    return np.minimum(scaled.astype(np.intp), k_bins - 1)


def self_paced_counts(hardness, n_target, k_bins, alpha):
    """How many rows to draw from each hardness bin (Liu et al. 2020, Alg. 1).

    Bin ``l`` with mean hardness ``h_l`` gets weight ``1 / (h_l + alpha)``
    (empty bins none); ``n_target`` rows are shared in proportion to the
    weights, rounded by largest remainder, and a bin that cannot supply its
    share passes the rest on to the other bins in proportion to their
    weights.

    Parameters
    ----------
    hardness : array-like of shape (n_rows,)
        Hardness of every row of the class.
    n_target : int
        Rows to draw in total (at most ``n_rows``).
    k_bins : int
        Number of bins.
    alpha : float
        The self-paced factor.

    Returns
    -------
    counts : ndarray of shape (k_bins,)
        Rows to draw from each bin.
    bins : ndarray of shape (n_rows,)
        The bin of every row.
    """
    bins = hardness_bins(hardness, k_bins)
    sizes = np.bincount(bins, minlength=k_bins)
    sums = np.bincount(
        bins, weights=np.asarray(hardness, dtype=np.float64), minlength=k_bins
    )
    weights = np.zeros(k_bins)
    filled = sizes > 0
    weights[filled] = 1.0 / (sums[filled] / sizes[filled] + alpha)
    if not np.all(np.isfinite(weights[filled])) or weights[filled].sum() <= 0:
        weights[filled] = 1.0
    counts = np.zeros(k_bins, dtype=np.intp)
    remaining = min(int(n_target), int(sizes.sum()))
    open_bins = filled.copy()
    while remaining > 0:
        share = np.where(open_bins, weights, 0.0)
        share = share / share.sum() * remaining
        whole = np.floor(share).astype(np.intp)
        left = remaining - whole.sum()
        if left > 0:
            order = np.argsort(-(share - whole), kind="stable")
            whole[order[:left]] += 1
        room = sizes - counts
        add = np.minimum(whole, room)
        counts += add
        remaining -= int(add.sum())
        open_bins = open_bins & (counts < sizes)
    return counts, bins


@fill_doc(RESAMPLING_DOCS)
class SelfPacedEnsembleClassifier(_BaseCascade):
    """Self-Paced Ensemble (Liu et al., 2020): under-sample by hardness.

    The first member is fitted on the minority class and a random
    under-sample of every larger class. Then, for member ``i = 1 .. n``
    (``n = n_estimators - 1``), the rows of every larger class are cut into
    ``k_bins`` equal-width bins of *hardness* (how badly the ensemble of the
    members so far predicts them); bin ``l`` with mean hardness ``h_l``
    gets weight ``1 / (h_l + alpha)`` with the self-paced factor
    ``alpha = tan(i * pi / (2 * n))``, and the class's under-sample is drawn
    from the bins in proportion to these weights. Early members thus see
    many hard rows (``alpha`` small, hardness-harmonised sampling); as
    ``alpha`` grows the bins are drawn from evenly, which keeps easy rows
    from being forgotten and noisy ones from dominating.

    Parameters
    ----------
    estimator : estimator object, default=None
        The member; it needs ``predict_proba``. ``None`` means
        :class:`~sklearn.tree.DecisionTreeClassifier`.
    {{n_members}}
    k_bins : int, default=5
        Number of hardness bins.
    hardness : {"absolute_error", "squared_error", "cross_entropy"} or \
            callable, default="absolute_error"
        Hardness of a row given the ensemble's probability ``p`` of its own
        class: ``1 - p``, ``(1 - p) ** 2`` or ``-log(p)``. A callable is
        called as ``hardness(y_true, y_proba)`` with the rows' labels and the
        ensemble's probabilities (columns in ``classes_`` order) and returns
        one non-negative value per row.
    sampling_strategy : float, str, dict or callable, default="auto"
        Under-sampling target per class, as for imbalanced-learn's
        ``RandomUnderSampler``.
    {{sequential_n_jobs}}
    {{random_state}}
    {{verbose_members}}
    {{device}}

    Attributes
    ----------
    {{members_attribute}}
    self_paced_factors_ : ndarray of shape (n_estimators - 1,)
        ``alpha`` used for members ``1 .. n_estimators - 1``.
    {{fitted_attributes}}

    See Also
    --------
    BalanceCascadeClassifier : Drops the rows already learnt instead.
    EasyEnsembleClassifier : Random under-samples.

    Notes
    -----
    Each bin supplies at most all of its rows (drawn without replacement);
    a bin's unmet share goes to the others, so every bag is exactly balanced
    as ``sampling_strategy`` asks. For the last member ``alpha`` is
    ``tan(pi / 2)``, i.e. the bins are drawn from evenly. Hardness is
    measured with the mean probability of the members fitted so far.
    ``sample_weight`` follows the rows.

    References
    ----------
    .. [1] Z. Liu, W. Cao, Z. Gao, J. Bian, H. Chen, Y. Chang and T.-Y. Liu,
       "Self-paced Ensemble for Highly Imbalanced Massive Data
       Classification", IEEE ICDE, 2020.

    Examples
    --------
    >>> from sklearn.datasets import make_classification
    >>> from skextra.resampling import SelfPacedEnsembleClassifier
    >>> X, y = make_classification(n_samples=500, weights=[0.9], random_state=0)
    >>> clf = SelfPacedEnsembleClassifier(n_estimators=5, random_state=0)
    >>> clf.fit(X, y).self_paced_factors_[:3].round(3)
    array([0.414, 1.   , 2.414])
    """

    _parameter_constraints = {
        **BaseResampledEnsemble._parameter_constraints,
        "k_bins": [Interval(Integral, 1, None, closed="left")],
        "hardness": [StrOptions(set(_HARDNESS)), callable],
        "sampling_strategy": UNDER_SAMPLING_STRATEGY,
    }

    def __init__(
        self,
        estimator=None,
        n_estimators=10,
        *,
        k_bins=5,
        hardness="absolute_error",
        sampling_strategy="auto",
        n_jobs=None,
        random_state=None,
        verbose=0,
        device=None,
    ):
        self.estimator = estimator
        self.n_estimators = n_estimators
        self.k_bins = k_bins
        self.hardness = hardness
        self.sampling_strategy = sampling_strategy
        self.n_jobs = n_jobs
        self.random_state = random_state
        self.verbose = verbose
        self.device = device

    _proba_use = "measure hardness"

    def _hardness(self, proba, y_encoded, rows):
        if callable(self.hardness):
            values = np.asarray(
                self.hardness(self.classes_[y_encoded[rows]], proba), dtype=np.float64
            ).ravel()
            if values.shape != (rows.size,) or not np.all(np.isfinite(values)):
                raise ValueError(
                    f"hardness must return one finite value per row, got an "
                    f"array of shape {values.shape}."
                )
            return values
        return _HARDNESS[self.hardness](proba[np.arange(rows.size), y_encoded[rows]])

    def _fit_cascade(self, X, y_encoded, sample_weight, template, seeds, target):
        n_classes = len(self.classes_)
        n = len(seeds) - 1
        self.self_paced_factors_ = np.tan(np.arange(1, n + 1) * np.pi / (2 * max(n, 1)))
        reduced = np.flatnonzero(np.isin(y_encoded, list(target)))
        kept = np.flatnonzero(~np.isin(y_encoded, list(target)))
        proba_sum = np.zeros((reduced.size, n_classes))
        members, log = [], []
        for i, seed in enumerate(seeds):
            if i == 0:
                choose = partial(
                    _under_sample_rows,
                    np.arange(y_encoded.size),
                    y_encoded,
                    target,
                    False,
                )
            else:
                hardness = self._hardness(proba_sum / i, y_encoded, reduced)
                choose = partial(
                    self._self_paced_rows,
                    kept,
                    reduced,
                    y_encoded,
                    hardness,
                    target,
                    self.self_paced_factors_[i - 1],
                )
            member, entry = self._fit_round(
                choose, template, X, y_encoded, sample_weight, seed
            )
            members.append(member)
            log.append(entry)
            if i < n:
                proba_sum += member_output(
                    member, take_rows(X, reduced), "predict_proba", n_classes, {}
                )
        return members, log

    def _self_paced_rows(self, kept, reduced, y_encoded, hardness, target, alpha, rng):
        """A bag: the ``kept`` rows, and each reduced class drawn by hardness bins."""
        parts = [kept]
        for label, n_target in target.items():
            in_class = y_encoded[reduced] == label
            rows = reduced[in_class]
            counts, bins = self_paced_counts(
                hardness[in_class], n_target, self.k_bins, alpha
            )
            for b in np.flatnonzero(counts):
                parts.append(rng.choice(rows[bins == b], counts[b], replace=False))
        return np.sort(np.concatenate(parts))
