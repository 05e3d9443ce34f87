"""Boosting with a resampling step in every round (RUSBoost, SMOTEBoost, ...).

Multi-class AdaBoost (SAMME, Zhu et al. 2009) written over scikit-learn's
public API. In each round an imbalanced-learn sampler resamples the training
data, the member is fitted on the resampled rows with their current boosting
weights, its weighted error is measured on the original training rows, and the
weights are updated by SAMME.
"""

import numbers
import warnings
from abc import abstractmethod
from dataclasses import dataclass, field
from functools import partial

import numpy as np
from imblearn.over_sampling import SMOTE, RandomOverSampler
from imblearn.pipeline import make_pipeline
from imblearn.under_sampling import RandomUnderSampler
from scipy.special import softmax
from sklearn.base import BaseEstimator, ClassifierMixin, _fit_context, clone
from sklearn.ensemble._base import _set_random_states
from sklearn.tree import DecisionTreeClassifier
from sklearn.utils import check_random_state, get_tags
from sklearn.utils._param_validation import HasMethods, Hidden, Interval, StrOptions
from sklearn.utils.multiclass import check_classification_targets
from sklearn.utils.validation import (
    _check_sample_weight,
    check_is_fitted,
    has_fit_parameter,
    validate_data,
)

from ..gpu._dispatch import members_to_device
from ..gpu._resident import device_input
from ..utils import take_rows, to_host
from ..utils._docstring import fill_doc
from ..utils._random import draw_seeds
from ._base import (
    MEMBER_CONSTRAINTS,
    OVER_SAMPLING_STRATEGY,
    RESAMPLING_DOCS,
    UNDER_SAMPLING_STRATEGY,
)
from ._validation import (
    check_n_classes,
    check_resampling,
    check_sampling_strategy_feasible,
    fit_resample_weighted,
)

__all__ = [
    "BalancedBoostClassifier",
    "ChanceErrorWarning",
    "OverBoostClassifier",
    "RUSBoostClassifier",
    "SMOTEBoostClassifier",
]

_EPSILON = np.finfo(np.float64).eps


def _seeded(estimator, seed):
    """Clone ``estimator`` and seed its ``random_state`` parameters from ``seed``.

    A single ``random_state`` gets ``seed`` itself (as imbalanced-learn and
    scikit-learn's AdaBoost do); several get distinct seeds derived from it.
    """
    estimator = clone(estimator)
    keys = [
        key
        for key in estimator.get_params(deep=True)
        if key == "random_state" or key.endswith("__random_state")
    ]
    if len(keys) == 1:
        estimator.set_params(**{keys[0]: seed})
    else:
        _set_random_states(estimator, seed)
    return estimator


class ChanceErrorWarning(UserWarning):
    """Boosting stopped early because no resample beat chance-level error."""


@dataclass
class _WeightChain:
    """The boosting weights of the training rows along the rounds.

    ``at_initial``: the weights are the initial ones (no member has moved
    them since the start or the last reset). ``restarts`` lists the rounds
    at which they were reset; ``n_discarded`` counts the members discarded
    at chance level; ``balanced_from`` is the round from which the initial
    weights are class-balanced (None while they are the given ones).
    """

    initial: np.ndarray
    weights: np.ndarray = field(init=False)
    at_initial: bool = True
    restarts: list = field(default_factory=list)
    n_discarded: int = 0
    balanced_from: int = None

    def __post_init__(self):
        self.weights = self.initial.copy()

    def reset(self, iboost):
        self.weights = self.initial.copy()
        self.at_initial = True
        self.restarts.append(iboost)

    def rebalance(self, y_encoded, iboost):
        """Make each class weigh the same; ``False`` if it already does."""
        totals = np.bincount(y_encoded, weights=self.initial)
        if self.balanced_from is not None or np.allclose(totals, totals[0]):
            return False
        self.initial = self.initial / (totals.size * totals[y_encoded])
        self.weights = self.initial.copy()
        self.at_initial = True
        self.balanced_from = iboost
        return True

    def boost(self, alpha, incorrect):
        """SAMME update; ``False`` (weights left as they were) on overflow."""
        weights = self.weights * np.exp(alpha * incorrect)
        total = weights.sum()
        if not np.isfinite(total):
            return False
        self.weights = weights / total
        self.at_initial = False
        return True


class _BaseResampledBoost(ClassifierMixin, BaseEstimator):
    """SAMME boosting loop with a sampler in every round.

    Subclasses only say which sampler to use (:meth:`_make_sampler`) and how
    to check it against the training labels (:meth:`_check_sampler`).
    """

    _parameter_constraints = {
        **MEMBER_CONSTRAINTS,
        "learning_rate": [Interval(numbers.Real, 0, None, closed="neither")],
        "max_retries": [Interval(numbers.Integral, 0, None, closed="left")],
    }

    @abstractmethod
    def __init__(
        self,
        estimator=None,
        *,
        n_estimators=50,
        learning_rate=1.0,
        max_retries=1,
        random_state=None,
        verbose=0,
        device=None,
    ):
        self.estimator = estimator
        self.n_estimators = n_estimators
        self.learning_rate = learning_rate
        self.max_retries = max_retries
        self.random_state = random_state
        self.verbose = verbose
        self.device = device

    @abstractmethod
    def _make_sampler(self):
        """Return a new, unfitted sampler for one round."""

    @abstractmethod
    def _check_sampler(self, sampler, y):
        """Raise a clear error if ``sampler`` cannot resample ``y``."""

    def _validate_estimator(self):
        estimator = (
            DecisionTreeClassifier(max_depth=1)
            if self.estimator is None
            else self.estimator
        )
        if not has_fit_parameter(estimator, "sample_weight"):
            raise ValueError(
                f"estimator={estimator!r} does not accept sample_weight in fit, "
                "which boosting needs to pass the round weights to the member."
            )
        return estimator

    def _log(self, message):
        if self.verbose:
            print(f"[{type(self).__name__}] {message}", flush=True)

    def _validate_training_data(self, X, y, sample_weight):
        """Checked ``X, y`` without the zero-weight rows, and weights summing to 1."""
        X, y = validate_data(
            self, X, y, accept_sparse=["csr", "csc"], dtype=None, ensure_min_samples=1
        )
        check_classification_targets(y)
        sample_weight = _check_sample_weight(
            sample_weight, X, dtype=np.float64, copy=True, ensure_non_negative=True
        )
        self.classes_ = np.unique(y)
        self.n_classes_ = len(self.classes_)
        check_n_classes(y)
        kept = sample_weight > 0
        if not kept.all():
            X, y, sample_weight = X[kept], y[kept], sample_weight[kept]
            check_n_classes(y, what="the rows with non-zero sample_weight")
        return X, y, sample_weight / sample_weight.sum()

    def _draw_seeds(self):
        """The (member, sampler) seeds of every try of every round, drawn up front.

        ``seeds[i, t]`` seeds try ``t`` of round ``i``. The first tries of all
        rounds are drawn before any retry, so the rounds that need no retry
        get the same seeds whatever ``max_retries`` is.
        """
        rng = check_random_state(self.random_state)
        n_tries = self._n_tries()
        first = draw_seeds(rng, (self.n_estimators, 2))
        retries = draw_seeds(rng, (self.n_estimators, 2 * n_tries - 1, 2))
        balanced = draw_seeds(rng, (self.n_estimators, n_tries, 2))
        return np.concatenate([first[:, np.newaxis], retries, balanced], axis=1)

    def _n_tries(self):
        """Tries of a round at one set of weights."""
        return self.max_retries + 1

    def _chance_error(self):
        return 1.0 - 1.0 / self.n_classes_

    def _fit_try(
        self, estimator, sampler, X, y, y_encoded, shared, seeds, sample_weight
    ):
        """Resample, fit one member; ``(member, sampler)``, its mistakes, its error.

        ``shared`` keeps, across rounds, the device copy of ``X`` given to a
        GPU member: rows picked by the sampler are cut from it, and every
        round predicts from it.
        """
        member = _seeded(estimator, int(seeds[0]))
        sampler = clone(sampler)
        if "random_state" in sampler.get_params(deep=False):
            sampler.set_params(random_state=int(seeds[1]))
        try:
            X_res, y_res, w_res = fit_resample_weighted(sampler, X, y, sample_weight)
        except ValueError as exc:
            raise ValueError(
                f"{type(sampler).__name__} could not resample the training data: {exc}"
            ) from exc
        y_res = np.searchsorted(self.classes_, y_res)
        X_member = device_input(member, X, shared)
        picked = getattr(sampler, "sample_indices_", None)
        # Rows a sampler picks (not perturbed by a shrinkage) are the same
        # rows of the device copy.
        if (
            X_member is not X
            and picked is not None
            and getattr(sampler, "shrinkage", None) is None
        ):
            X_res = take_rows(X_member, picked)
        member.fit(X_res, y_res, sample_weight=w_res)
        incorrect = to_host(member.predict(X_member)) != y_encoded
        error = float(np.average(incorrect, weights=sample_weight))
        return (member, sampler), incorrect, error

    def _boost_round(self, fit_try, iboost, chain, seeds, y_encoded):
        """Fit round ``iboost``, on new resamples until a member beats chance.

        After ``max_retries + 1`` tries at chance level the weights are reset
        to their initial values (unless they are there already) and the round
        is tried as often again; then, once, as often with class-balanced
        initial weights. Returns ``(member, incorrect, error)`` of the member
        kept, or ``member=None`` and the last error when every try failed.
        """
        chain.weights = np.clip(chain.weights, _EPSILON, None)
        n_tries, chance = self._n_tries(), self._chance_error()
        # A round ends within 3 * n_tries tries: boosted, initial and
        # class-balanced weights, n_tries each.
        for attempt in range(3 * n_tries):
            member, incorrect, error = fit_try(seeds[attempt], chain.weights)
            # Rounding of the weights must not let a chance-level member pass.
            if error < chance - 1e-9:
                return member, incorrect, error
            chain.n_discarded += 1
            self._log(
                f"round {iboost + 1}: error {error:.4f} >= chance "
                f"{chance:.4f}, resample discarded"
            )
            if (attempt + 1) % n_tries:
                continue
            if chain.at_initial:
                if not chain.rebalance(y_encoded, iboost):
                    break
                self._log(f"round {iboost + 1}: class-balanced sample weights")
                continue
            self._log(f"round {iboost + 1}: sample weights reset")
            chain.reset(iboost)
        return None, None, error

    def _samme_weight(self, error):
        return self.learning_rate * (
            np.log((1.0 - error) / error) + np.log(self.n_classes_ - 1.0)
        )

    def _stop_at_chance(self, iboost, error, n_members):
        """Round ``iboost`` failed every try: raise in the first round, else warn."""
        name, n_tries, chance = (
            type(self).__name__,
            self._n_tries(),
            self._chance_error(),
        )
        if not n_members:
            raise ValueError(
                f"{name}: every one of the {n_tries} resamples of the first round "
                f"gave a member no better than chance (weighted error {error:.4f} "
                f">= {chance:.4f}) on the original training rows, also with "
                "class-balanced sample weights: trained on "
                "resampled data, it misclassifies too many rows of the large "
                "classes. Use a stronger estimator (e.g. "
                "DecisionTreeClassifier(max_depth=3)) or a milder "
                "sampling_strategy."
            )
        warnings.warn(
            f"{name}: round {iboost + 1} reached chance-level error ({error:.4f} "
            f">= {chance:.4f}) in {n_tries} resamples, also with the initial "
            "and the class-balanced sample weights; boosting stopped with "
            f"{n_members} of {self.n_estimators} members.",
            ChanceErrorWarning,
        )

    def _warn_overflow(self, iboost):
        warnings.warn(
            f"{type(self).__name__}: sample weights overflowed in round "
            f"{iboost + 1}; boosting stopped. Lower learning_rate.",
            UserWarning,
        )

    @_fit_context(prefer_skip_nested_validation=False)
    def fit(self, X, y, sample_weight=None):
        """Build the boosted ensemble from the training set ``(X, y)``.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Training data.
        y : array-like of shape (n_samples,)
            Class labels.
        sample_weight : array-like of shape (n_samples,), default=None
            Initial weights of the training rows (uniform when ``None``).
            Rows with zero weight are left out of every resample.

        Returns
        -------
        self : object
            The fitted estimator.
        """
        self._warn_algorithm()
        X, y, sample_weight = self._validate_training_data(X, y, sample_weight)
        # The member is dispatched once; every round clones the dispatched
        # template. On the CPU it is the very object given (bit-identical).
        estimator = members_to_device([self._validate_estimator()], self.device)[0]
        sampler = self._make_sampler()
        self._check_sampler(sampler, y)
        y_encoded = np.searchsorted(self.classes_, y)
        fit_try = partial(self._fit_try, estimator, sampler, X, y, y_encoded, {})
        seeds = self._draw_seeds()
        chain = _WeightChain(sample_weight)
        members, samplers, alphas, errors = [], [], [], []
        for iboost in range(self.n_estimators):
            fitted, incorrect, error = self._boost_round(
                fit_try, iboost, chain, seeds[iboost], y_encoded
            )
            if fitted is None:
                self._stop_at_chance(iboost, error, len(members))
                break
            members.append(fitted[0])
            samplers.append(fitted[1])
            errors.append(error)
            if error <= 0:
                alphas.append(1.0)
                self._log(f"round {iboost + 1}: error 0, boosting stopped")
                break
            alphas.append(self._samme_weight(error))
            self._log(f"round {iboost + 1}: error {error:.4f}, weight {alphas[-1]:.4f}")
            if not chain.boost(alphas[-1], incorrect):
                self._warn_overflow(iboost)
                break
        self.estimators_ = members
        self.samplers_ = samplers
        self.pipelines_ = [make_pipeline(*pair) for pair in zip(samplers, members)]
        self.estimator_weights_ = np.asarray(alphas, dtype=np.float64)
        self.estimator_errors_ = np.asarray(errors, dtype=np.float64)
        self.restarts_ = np.asarray(chain.restarts, dtype=np.intp)
        self.n_discarded_ = chain.n_discarded
        self.balanced_from_ = chain.balanced_from
        return self

    def _warn_algorithm(self):
        """imbalanced-learn's deprecated ``algorithm``: SAMME is always used."""
        if getattr(self, "algorithm", "deprecated") != "deprecated":
            warnings.warn(
                "`algorithm` parameter is deprecated in 0.12 and will be removed in "
                "0.14. In the future, the SAMME algorithm will always be used. "
                f"{type(self).__name__} always uses SAMME, also for "
                f"algorithm={self.algorithm!r}.",
                FutureWarning,
            )

    def _member_scores(self, X):
        """Yield each member's SAMME vote matrix and weight."""
        classes = np.arange(self.n_classes_)
        shared = {}
        for member, weight in zip(self.estimators_, self.estimator_weights_):
            pred = to_host(member.predict(device_input(member, X, shared)))
            hit = pred[:, np.newaxis] == classes
            yield np.where(hit, weight, -weight / (self.n_classes_ - 1)), weight

    def _reduce(self, score):
        if self.n_classes_ == 2:
            return score[:, 1] - score[:, 0]
        return score

    def staged_decision_function(self, X):
        """Yield the decision function after each boosting round.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Input samples.

        Yields
        ------
        score : ndarray of shape (n_samples,) or (n_samples, n_classes)
            As :meth:`decision_function`, using the first members only.
        """
        check_is_fitted(self)
        X = validate_data(
            self, X, accept_sparse=["csr", "csc"], dtype=None, reset=False
        )
        total, norm = None, 0.0
        for score, weight in self._member_scores(X):
            total = score if total is None else total + score
            norm += weight
            yield self._reduce(total / norm)

    def decision_function(self, X):
        """Weighted SAMME vote of the members.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Input samples.

        Returns
        -------
        score : ndarray of shape (n_samples,) or (n_samples, n_classes)
            Each member adds its weight to the class it predicts and takes
            ``weight / (n_classes - 1)`` from the others; the sum is divided
            by the total weight. For two classes, the score of the second
            class minus that of the first.
        """
        score = None
        for score in self.staged_decision_function(X):
            pass
        return score

    def _proba(self, decision):
        if self.n_classes_ == 2:
            decision = np.column_stack([-decision, decision]) / 2.0
        else:
            decision = decision / (self.n_classes_ - 1)
        return softmax(decision, axis=1)

    def predict_proba(self, X):
        """Class probabilities: softmax of the SAMME decision function.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Input samples.

        Returns
        -------
        proba : ndarray of shape (n_samples, n_classes)
            Columns follow ``classes_``.
        """
        return self._proba(self.decision_function(X))

    def staged_predict_proba(self, X):
        """Yield class probabilities after each boosting round.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Input samples.

        Yields
        ------
        proba : ndarray of shape (n_samples, n_classes)
        """
        for decision in self.staged_decision_function(X):
            yield self._proba(decision)

    def _label(self, decision):
        if self.n_classes_ == 2:
            return self.classes_[(decision > 0).astype(np.intp)]
        return self.classes_[np.argmax(decision, axis=1)]

    def predict(self, X):
        """Predict the class with the largest weighted vote.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Input samples.

        Returns
        -------
        y : ndarray of shape (n_samples,)
            Predicted labels.
        """
        return self._label(self.decision_function(X))

    def staged_predict(self, X):
        """Yield the predicted labels after each boosting round.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Input samples.

        Yields
        ------
        y : ndarray of shape (n_samples,)
        """
        for decision in self.staged_decision_function(X):
            yield self._label(decision)

    @property
    def feature_importances_(self):
        """Mean of the members' ``feature_importances_``, weighted as they vote.

        Returns
        -------
        feature_importances_ : ndarray of shape (n_features,)
        """
        check_is_fitted(self)
        try:
            stacked = np.array([m.feature_importances_ for m in self.estimators_])
        except AttributeError as exc:
            raise AttributeError(
                "The members have no feature_importances_ attribute."
            ) from exc
        return np.average(stacked, axis=0, weights=self.estimator_weights_)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        estimator = (
            DecisionTreeClassifier() if self.estimator is None else self.estimator
        )
        tags.input_tags.sparse = get_tags(estimator).input_tags.sparse
        return tags


@fill_doc(RESAMPLING_DOCS)
class BalancedBoostClassifier(_BaseResampledBoost):
    """SAMME boosting with any imbalanced-learn sampler in every round.

    The generic form of :class:`RUSBoostClassifier`,
    :class:`SMOTEBoostClassifier` and :class:`OverBoostClassifier`: ``sampler``
    may be any object with ``fit_resample`` (``NearMiss``, ``ADASYN``,
    ``BorderlineSMOTE``, ``SMOTEENN``, an imbalanced-learn ``Pipeline``, ...).

    Parameters
    ----------
    {{boost_estimator}}
    sampler : sampler object, default=None
        The sampler applied in every round, cloned and re-seeded each time.
        ``None`` means ``RandomUnderSampler()``. Rows kept from the input keep
        their boosting weight; synthetic rows get the mean current weight of
        their class.
    {{boost_params}}
    {{random_state}}
    {{verbose_rounds}}
    {{device}}

    Attributes
    ----------
    {{boost_attributes}}

    See Also
    --------
    RUSBoostClassifier : Random under-sampling in every round.
    SMOTEBoostClassifier : SMOTE in every round.
    OverBoostClassifier : Random over-sampling in every round.

    Notes
    -----
    {{boost_notes}}

    Examples
    --------
    >>> from imblearn.under_sampling import NearMiss
    >>> from sklearn.datasets import make_classification
    >>> from skextra.resampling import BalancedBoostClassifier
    >>> X, y = make_classification(n_samples=500, weights=[0.9], random_state=0)
    >>> clf = BalancedBoostClassifier(sampler=NearMiss(), n_estimators=10,
    ...                               random_state=0).fit(X, y)
    >>> clf.predict_proba(X[:2]).shape
    (2, 2)
    """

    _parameter_constraints = {
        **_BaseResampledBoost._parameter_constraints,
        "sampler": [HasMethods(["fit_resample"]), None],
    }

    def __init__(
        self,
        estimator=None,
        *,
        sampler=None,
        n_estimators=50,
        learning_rate=1.0,
        max_retries=1,
        random_state=None,
        verbose=0,
        device=None,
    ):
        super().__init__(
            estimator,
            n_estimators=n_estimators,
            learning_rate=learning_rate,
            max_retries=max_retries,
            random_state=random_state,
            verbose=verbose,
            device=device,
        )
        self.sampler = sampler

    def _make_sampler(self):
        return RandomUnderSampler() if self.sampler is None else clone(self.sampler)

    def _check_sampler(self, sampler, y):
        check_resampling(sampler, y, param="sampler")


@fill_doc(RESAMPLING_DOCS)
class RUSBoostClassifier(_BaseResampledBoost):
    """RUSBoost: random under-sampling in every boosting round.

    Seiffert et al. (2010). Same parameters as imbalanced-learn's
    ``RUSBoostClassifier`` (SAMME only), plus ``max_retries`` and ``verbose``;
    rounds at chance level do not end the ensemble early (see Notes).

    Parameters
    ----------
    {{boost_estimator}}
    {{boost_params}}
    algorithm : {"SAMME", "SAMME.R"}, default="deprecated"
        Deprecated in imbalanced-learn 0.12, accepted for compatibility:
        setting it warns (``FutureWarning``), and SAMME is used whatever its
        value.
    sampling_strategy : float, str, dict or callable, default="auto"
        Passed to imbalanced-learn's ``RandomUnderSampler``: which classes to
        under-sample and to what size.
    {{under_replacement}}
    {{random_state}}
    {{verbose_rounds}}
    {{device}}

    Attributes
    ----------
    {{boost_attributes}}

    See Also
    --------
    SMOTEBoostClassifier : SMOTE in every round.
    BalancedBoostClassifier : Any sampler in every round.

    Notes
    -----
    {{boost_notes}}

    References
    ----------
    .. [1] C. Seiffert, T. M. Khoshgoftaar, J. Van Hulse, A. Napolitano,
       "RUSBoost: A hybrid approach to alleviating class imbalance", IEEE
       Trans. SMC-A 40(1), 2010.
    .. [2] J. Zhu, H. Zou, S. Rosset, T. Hastie, "Multi-class AdaBoost",
       2009.

    Examples
    --------
    >>> from sklearn.datasets import make_classification
    >>> from sklearn.metrics import balanced_accuracy_score
    >>> from skextra.resampling import RUSBoostClassifier
    >>> X, y = make_classification(n_samples=1000, weights=[0.95], random_state=0)
    >>> clf = RUSBoostClassifier(n_estimators=20, random_state=0).fit(X, y)
    >>> len(clf.estimators_)
    20
    >>> bool(balanced_accuracy_score(y, clf.predict(X)) > 0.8)
    True
    """

    _parameter_constraints = {
        **_BaseResampledBoost._parameter_constraints,
        "algorithm": [
            StrOptions({"SAMME", "SAMME.R"}),
            Hidden(StrOptions({"deprecated"})),
        ],
        "sampling_strategy": UNDER_SAMPLING_STRATEGY,
        "replacement": ["boolean"],
    }

    def __init__(
        self,
        estimator=None,
        *,
        n_estimators=50,
        learning_rate=1.0,
        algorithm="deprecated",
        max_retries=1,
        sampling_strategy="auto",
        replacement=False,
        random_state=None,
        verbose=0,
        device=None,
    ):
        super().__init__(
            estimator,
            n_estimators=n_estimators,
            learning_rate=learning_rate,
            max_retries=max_retries,
            random_state=random_state,
            verbose=verbose,
            device=device,
        )
        self.algorithm = algorithm
        self.sampling_strategy = sampling_strategy
        self.replacement = replacement

    def _make_sampler(self):
        return RandomUnderSampler(
            sampling_strategy=self.sampling_strategy, replacement=self.replacement
        )

    def _check_sampler(self, sampler, y):
        check_sampling_strategy_feasible(self.sampling_strategy, y, "under-sampling")


@fill_doc(RESAMPLING_DOCS)
class OverBoostClassifier(_BaseResampledBoost):
    """Random over-sampling in every boosting round.

    Each round duplicates rows of the small classes at random
    (imbalanced-learn's ``RandomOverSampler``); duplicated rows carry their
    own boosting weight.

    Parameters
    ----------
    {{boost_estimator}}
    {{boost_params}}
    sampling_strategy : float, str, dict or callable, default="auto"
        Passed to imbalanced-learn's ``RandomOverSampler``: which classes to
        over-sample and to what size.
    {{random_state}}
    {{verbose_rounds}}
    {{device}}

    Attributes
    ----------
    {{boost_attributes}}

    See Also
    --------
    RUSBoostClassifier : Random under-sampling in every round.
    SMOTEBoostClassifier : SMOTE in every round.

    Notes
    -----
    {{boost_notes}}

    Examples
    --------
    >>> from sklearn.datasets import make_classification
    >>> from skextra.resampling import OverBoostClassifier
    >>> X, y = make_classification(n_samples=500, weights=[0.9], random_state=0)
    >>> clf = OverBoostClassifier(n_estimators=10, random_state=0).fit(X, y)
    >>> clf.classes_
    array([0, 1])
    """

    _parameter_constraints = {
        **_BaseResampledBoost._parameter_constraints,
        "sampling_strategy": OVER_SAMPLING_STRATEGY,
    }

    def __init__(
        self,
        estimator=None,
        *,
        n_estimators=50,
        learning_rate=1.0,
        max_retries=1,
        sampling_strategy="auto",
        random_state=None,
        verbose=0,
        device=None,
    ):
        super().__init__(
            estimator,
            n_estimators=n_estimators,
            learning_rate=learning_rate,
            max_retries=max_retries,
            random_state=random_state,
            verbose=verbose,
            device=device,
        )
        self.sampling_strategy = sampling_strategy

    def _make_sampler(self):
        return RandomOverSampler(sampling_strategy=self.sampling_strategy)

    def _check_sampler(self, sampler, y):
        check_sampling_strategy_feasible(self.sampling_strategy, y, "over-sampling")


@fill_doc(RESAMPLING_DOCS)
class SMOTEBoostClassifier(_BaseResampledBoost):
    """SMOTEBoost: SMOTE over-sampling in every boosting round.

    Chawla et al. (2003). Each round adds synthetic rows of the small
    classes with imbalanced-learn's ``SMOTE``; the original rows keep their
    boosting weight and each synthetic row gets the mean current weight of
    its class, so a class's share of the weight grows with its number of
    rows, as it does under random over-sampling. The error that drives the
    weight update is measured on the original rows only.

    Parameters
    ----------
    {{boost_estimator}}
    {{boost_params}}
    sampling_strategy : float, str, dict or callable, default="auto"
        Passed to ``SMOTE``: which classes to over-sample and to what size.
    k_neighbors : int, default=5
        Number of same-class neighbours SMOTE interpolates towards. Every
        class SMOTE over-samples needs more than ``k_neighbors`` rows.
    {{random_state}}
    {{verbose_rounds}}
    {{device}}

    Attributes
    ----------
    {{boost_attributes}}

    See Also
    --------
    RUSBoostClassifier : Random under-sampling in every round.
    BalancedBoostClassifier : Any sampler in every round.

    Notes
    -----
    {{boost_notes}}

    References
    ----------
    .. [1] N. V. Chawla, A. Lazarevic, L. O. Hall, K. W. Bowyer, "SMOTEBoost:
       Improving prediction of the minority class in boosting", PKDD 2003.

    Examples
    --------
    >>> from sklearn.datasets import make_classification
    >>> from skextra.resampling import SMOTEBoostClassifier
    >>> X, y = make_classification(n_samples=500, weights=[0.9], random_state=0)
    >>> clf = SMOTEBoostClassifier(n_estimators=10, random_state=0).fit(X, y)
    >>> clf.predict(X[:3]).shape
    (3,)
    """

    _parameter_constraints = {
        **_BaseResampledBoost._parameter_constraints,
        "sampling_strategy": OVER_SAMPLING_STRATEGY,
        "k_neighbors": [Interval(numbers.Integral, 1, None, closed="left")],
    }

    def __init__(
        self,
        estimator=None,
        *,
        n_estimators=50,
        learning_rate=1.0,
        max_retries=1,
        sampling_strategy="auto",
        k_neighbors=5,
        random_state=None,
        verbose=0,
        device=None,
    ):
        super().__init__(
            estimator,
            n_estimators=n_estimators,
            learning_rate=learning_rate,
            max_retries=max_retries,
            random_state=random_state,
            verbose=verbose,
            device=device,
        )
        self.sampling_strategy = sampling_strategy
        self.k_neighbors = k_neighbors

    def _make_sampler(self):
        return SMOTE(
            sampling_strategy=self.sampling_strategy, k_neighbors=self.k_neighbors
        )

    def _check_sampler(self, sampler, y):
        target = check_sampling_strategy_feasible(
            self.sampling_strategy, y, "over-sampling"
        )
        labels, counts = np.unique(y, return_counts=True)
        count_of = dict(zip(labels.tolist(), counts.tolist()))
        for label, n_new in target.items():
            n_class = count_of.get(label, 0)
            if n_new > 0 and n_class <= self.k_neighbors:
                raise ValueError(
                    f"k_neighbors={self.k_neighbors} needs more than "
                    f"{self.k_neighbors} rows in every class SMOTE over-samples, "
                    f"but class {label!r} has {n_class}; "
                    + (
                        f"set k_neighbors to at most {n_class - 1} or "
                        if n_class > 1
                        else ""
                    )
                    + "use OverBoostClassifier."
                )
