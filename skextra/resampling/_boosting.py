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

import numpy as np
from imblearn.over_sampling import SMOTE, RandomOverSampler
from imblearn.under_sampling import RandomUnderSampler
from scipy.special import softmax
from sklearn.base import BaseEstimator, ClassifierMixin, _fit_context, clone
from sklearn.ensemble._base import _set_random_states
from sklearn.tree import DecisionTreeClassifier
from sklearn.utils import check_random_state, get_tags
from sklearn.utils._param_validation import HasMethods, Interval, StrOptions
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
from ..utils._docstring import fill_doc as fill_shared_doc
from ..utils._validation import DEVICE_CONSTRAINT
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

_MAX_SEED = np.iinfo(np.int32).max

_UNDER_SAMPLING_STRATEGY = [
    Interval(numbers.Real, 0, 1, closed="right"),
    StrOptions({"auto", "majority", "not minority", "not majority", "all"}),
    dict,
    callable,
]
_OVER_SAMPLING_STRATEGY = [
    Interval(numbers.Real, 0, 1, closed="right"),
    StrOptions({"auto", "minority", "not minority", "not majority", "all"}),
    dict,
    callable,
]


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


class _BaseResampledBoost(ClassifierMixin, BaseEstimator):
    """SAMME boosting loop with a sampler in every round.

    Subclasses only say which sampler to use (:meth:`_make_sampler`) and how
    to check it against the training labels (:meth:`_check_sampler`).
    """

    _parameter_constraints = {
        "estimator": [HasMethods(["fit", "predict"]), None],
        "n_estimators": [Interval(numbers.Integral, 1, None, closed="left")],
        "learning_rate": [Interval(numbers.Real, 0, None, closed="neither")],
        "max_retries": [Interval(numbers.Integral, 0, None, closed="left")],
        "random_state": ["random_state"],
        "verbose": ["verbose"],
        "device": DEVICE_CONSTRAINT,
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

    def _fit_round(self, estimator, sampler, X, y, sample_weight, seeds, shared):
        """Resample, fit one member; return it and its predictions on ``X``.

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
        return member, to_host(member.predict(X_member))

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
        sample_weight /= sample_weight.sum()
        initial_weight = sample_weight.copy()

        estimator = self._validate_estimator()
        # The member is dispatched once; every round clones the dispatched
        # template. On the CPU it is the very object given (bit-identical).
        estimator = members_to_device([estimator], self.device)[0]
        sampler = self._make_sampler()
        self._check_sampler(sampler, y)
        y_encoded = np.searchsorted(self.classes_, y)

        n_classes = self.n_classes_
        chance = 1.0 - 1.0 / n_classes
        n_attempts = self.max_retries + 1
        random_state = check_random_state(self.random_state)
        first_seeds = random_state.randint(_MAX_SEED, size=(self.n_estimators, 2))
        retry_seeds = random_state.randint(
            _MAX_SEED, size=(self.n_estimators, 2 * n_attempts - 1, 2)
        )

        estimators, weights, errors, restarts = [], [], [], []
        shared = {}
        n_discarded = 0
        epsilon = np.finfo(np.float64).eps
        at_initial_weights = True
        while len(estimators) < self.n_estimators:
            iboost = len(estimators)
            sample_weight = np.clip(sample_weight, epsilon, None)
            attempt, member, error = 0, None, None
            while True:
                seeds = (
                    first_seeds[iboost]
                    if attempt == 0
                    else retry_seeds[iboost, attempt - 1]
                )
                member, y_pred = self._fit_round(
                    estimator, sampler, X, y, sample_weight, seeds, shared
                )
                incorrect = y_pred != y_encoded
                error = float(np.average(incorrect, weights=sample_weight))
                attempt += 1
                if error < chance:
                    break
                n_discarded += 1
                self._log(
                    f"round {iboost + 1}: error {error:.4f} >= chance "
                    f"{chance:.4f}, resample discarded"
                )
                if attempt % n_attempts:
                    continue
                if at_initial_weights:
                    member = None
                    break
                self._log(f"round {iboost + 1}: sample weights reset")
                restarts.append(iboost)
                sample_weight = initial_weight.copy()
                at_initial_weights = True

            if member is None:
                if not estimators:
                    raise ValueError(
                        f"{type(self).__name__}: every one of the {n_attempts} "
                        "resamples of the first round gave a member no better "
                        f"than chance (weighted error {error:.4f} >= {chance:.4f}) "
                        "on the original training rows: trained on resampled "
                        "data, it misclassifies too many rows of the large "
                        "classes. Use a stronger estimator (e.g. "
                        "DecisionTreeClassifier(max_depth=3)) or a milder "
                        "sampling_strategy."
                    )
                warnings.warn(
                    f"{type(self).__name__}: round {iboost + 1} reached "
                    f"chance-level error ({error:.4f} >= {chance:.4f}) in "
                    f"{n_attempts} resamples, also with the initial sample "
                    f"weights; boosting stopped with {len(estimators)} of "
                    f"{self.n_estimators} members.",
                    ChanceErrorWarning,
                )
                break

            estimators.append(member)
            errors.append(error)
            if error <= 0:
                weights.append(1.0)
                self._log(f"round {iboost + 1}: error 0, boosting stopped")
                break
            alpha = self.learning_rate * (
                np.log((1.0 - error) / error) + np.log(n_classes - 1.0)
            )
            weights.append(alpha)
            self._log(f"round {iboost + 1}: error {error:.4f}, weight {alpha:.4f}")
            sample_weight = sample_weight * np.exp(alpha * incorrect)
            total = sample_weight.sum()
            if not np.isfinite(total):
                warnings.warn(
                    f"{type(self).__name__}: sample weights overflowed in round "
                    f"{iboost + 1}; boosting stopped. Lower learning_rate.",
                    UserWarning,
                )
                break
            sample_weight /= total
            at_initial_weights = False

        self.estimators_ = estimators
        self.estimator_weights_ = np.asarray(weights, dtype=np.float64)
        self.estimator_errors_ = np.asarray(errors, dtype=np.float64)
        self.restarts_ = np.asarray(restarts, dtype=np.intp)
        self.n_discarded_ = n_discarded
        return self

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


_COMMON_PARAMS = """
    n_estimators : int, default=50
        Number of members (boosting rounds that are kept).

    learning_rate : float, default=1.0
        Shrinks each member's SAMME weight
        ``learning_rate * (log((1 - err) / err) + log(n_classes - 1))``.

    max_retries : int, default=1
        How many times a round whose member is no better than chance
        (weighted error ``>= 1 - 1 / n_classes`` on the training rows) is
        discarded and tried again on a new resample; see Notes.

    random_state : int, RandomState instance or None, default=None
        Seeds of the members and of the samplers, all drawn before the first
        round. Pass an int for reproducible results.

    verbose : int, default=0
        When positive, print one line per round (error, weight, discarded
        resamples, weight resets).
"""

_COMMON_ATTRIBUTES = """
    estimators_ : list of estimators
        The fitted members, in boosting order. Members are fitted on the
        labels encoded as ``0 .. n_classes - 1``.

    estimator_weights_ : ndarray of shape (n_members,)
        SAMME weight of each member.

    estimator_errors_ : ndarray of shape (n_members,)
        Weighted error of each member on the original training rows.

    restarts_ : ndarray of int
        Indices of the rounds at which the sample weights were reset to their
        initial values (see Notes).

    n_discarded_ : int
        Number of members fitted and discarded because their error was at
        chance level (see Notes).

    classes_ : ndarray of shape (n_classes,)
        Class labels.

    n_classes_ : int
        Number of classes.

    n_features_in_ : int
        Number of features seen during :term:`fit`.

    feature_names_in_ : ndarray of shape (n_features_in_,)
        Names of the features seen during :term:`fit`, when ``X`` has string
        column names.
"""

_COMMON_NOTES = """
    Each round draws a resample of the training rows (the sampler ignores the
    boosting weights), fits the member on it with the rows' current weights
    (which sum to 1 over the training rows, as in scikit-learn's
    ``AdaBoostClassifier``), measures the member's weighted error ``err`` on
    the original, un-resampled training rows, and multiplies the weight of
    every misclassified row by ``exp(alpha)``, ``alpha = learning_rate *
    (log((1 - err) / err) + log(n_classes - 1))`` (SAMME). Predictions are the
    ``alpha``-weighted vote, as in scikit-learn's ``AdaBoostClassifier``.

    **Rounds at chance level.** A member trained on balanced data is biased
    towards the small classes, so once boosting has moved weight onto the
    rows the previous member got wrong, a round often scores
    ``err >= 1 - 1 / n_classes`` on the imbalanced training rows.
    imbalanced-learn's ``RUSBoostClassifier`` (like ``AdaBoostClassifier``)
    then stops, frequently with one or two members. Here such a round is
    discarded and tried again on a new resample, up to ``max_retries`` times;
    if every try fails, the sample weights are reset to their initial values
    and the round is tried again, up to ``max_retries + 1`` times (a restart,
    as in Bauer & Kohavi 1999 and Webb's MultiBoost), recorded in
    ``restarts_``. Only if the round also fails with the initial weights does
    boosting stop, with a ``ChanceErrorWarning`` that names the round; if this
    happens in the first round, ``fit`` raises a
    ``ValueError``. A member with zero error ends boosting with weight 1, as
    in scikit-learn.
"""


def _doc(template):
    return (
        template.replace("%(common_params)s", _COMMON_PARAMS.strip("\n"))
        .replace("%(common_attributes)s", _COMMON_ATTRIBUTES.strip("\n"))
        .replace("%(common_notes)s", _COMMON_NOTES.strip("\n"))
    )


@fill_shared_doc()
class BalancedBoostClassifier(_BaseResampledBoost):
    __doc__ = _doc(
        """SAMME boosting with any imbalanced-learn sampler in every round.

    The generic form of :class:`RUSBoostClassifier`,
    :class:`SMOTEBoostClassifier` and :class:`OverBoostClassifier`: ``sampler``
    may be any object with ``fit_resample`` (``NearMiss``, ``ADASYN``,
    ``BorderlineSMOTE``, ``SMOTEENN``, an imbalanced-learn ``Pipeline``, ...).

    Parameters
    ----------
    estimator : estimator object, default=None
        The member; it must accept ``sample_weight`` in ``fit``. ``None``
        means ``DecisionTreeClassifier(max_depth=1)``, as in imbalanced-learn.

    sampler : sampler object, default=None
        The sampler applied in every round, cloned and re-seeded each time.
        ``None`` means ``RandomUnderSampler()``. Rows kept from the input keep
        their boosting weight; synthetic rows get the mean current weight of
        their class.

%(common_params)s

    {{device}}

    Attributes
    ----------
%(common_attributes)s

    See Also
    --------
    RUSBoostClassifier : Random under-sampling in every round.
    SMOTEBoostClassifier : SMOTE in every round.
    OverBoostClassifier : Random over-sampling in every round.

    Notes
    -----
%(common_notes)s

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
    )

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


@fill_shared_doc()
class RUSBoostClassifier(_BaseResampledBoost):
    __doc__ = _doc(
        """RUSBoost: random under-sampling in every boosting round.

    Seiffert et al. (2010). Same parameters as imbalanced-learn's
    ``RUSBoostClassifier`` (SAMME only), plus ``max_retries`` and ``verbose``;
    rounds at chance level do not end the ensemble early (see Notes).

    Parameters
    ----------
    estimator : estimator object, default=None
        The member; it must accept ``sample_weight`` in ``fit``. ``None``
        means ``DecisionTreeClassifier(max_depth=1)``, as in imbalanced-learn.

%(common_params)s

    sampling_strategy : float, str, dict or callable, default="auto"
        Passed to imbalanced-learn's ``RandomUnderSampler``: which classes to
        under-sample and to what size.

    replacement : bool, default=False
        Whether the under-sampler draws with replacement.

    {{device}}

    Attributes
    ----------
%(common_attributes)s

    See Also
    --------
    SMOTEBoostClassifier : SMOTE in every round.
    BalancedBoostClassifier : Any sampler in every round.

    Notes
    -----
%(common_notes)s

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
    )

    _parameter_constraints = {
        **_BaseResampledBoost._parameter_constraints,
        "sampling_strategy": _UNDER_SAMPLING_STRATEGY,
        "replacement": ["boolean"],
    }

    def __init__(
        self,
        estimator=None,
        *,
        n_estimators=50,
        learning_rate=1.0,
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
        self.sampling_strategy = sampling_strategy
        self.replacement = replacement

    def _make_sampler(self):
        return RandomUnderSampler(
            sampling_strategy=self.sampling_strategy, replacement=self.replacement
        )

    def _check_sampler(self, sampler, y):
        check_sampling_strategy_feasible(self.sampling_strategy, y, "under-sampling")


@fill_shared_doc()
class OverBoostClassifier(_BaseResampledBoost):
    __doc__ = _doc(
        """Random over-sampling in every boosting round.

    Each round duplicates rows of the small classes at random
    (imbalanced-learn's ``RandomOverSampler``); duplicated rows carry their
    own boosting weight.

    Parameters
    ----------
    estimator : estimator object, default=None
        The member; it must accept ``sample_weight`` in ``fit``. ``None``
        means ``DecisionTreeClassifier(max_depth=1)``.

%(common_params)s

    sampling_strategy : float, str, dict or callable, default="auto"
        Passed to imbalanced-learn's ``RandomOverSampler``: which classes to
        over-sample and to what size.

    {{device}}

    Attributes
    ----------
%(common_attributes)s

    See Also
    --------
    RUSBoostClassifier : Random under-sampling in every round.
    SMOTEBoostClassifier : SMOTE in every round.

    Notes
    -----
%(common_notes)s

    Examples
    --------
    >>> from sklearn.datasets import make_classification
    >>> from skextra.resampling import OverBoostClassifier
    >>> X, y = make_classification(n_samples=500, weights=[0.9], random_state=0)
    >>> clf = OverBoostClassifier(n_estimators=10, random_state=0).fit(X, y)
    >>> clf.classes_
    array([0, 1])
    """
    )

    _parameter_constraints = {
        **_BaseResampledBoost._parameter_constraints,
        "sampling_strategy": _OVER_SAMPLING_STRATEGY,
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


@fill_shared_doc()
class SMOTEBoostClassifier(_BaseResampledBoost):
    __doc__ = _doc(
        """SMOTEBoost: SMOTE over-sampling in every boosting round.

    Chawla et al. (2003). Each round adds synthetic rows of the small
    classes with imbalanced-learn's ``SMOTE``; the original rows keep their
    boosting weight and each synthetic row gets the mean current weight of
    its class, so a class's share of the weight grows with its number of
    rows, as it does under random over-sampling. The error that drives the
    weight update is measured on the original rows only.

    Parameters
    ----------
    estimator : estimator object, default=None
        The member; it must accept ``sample_weight`` in ``fit``. ``None``
        means ``DecisionTreeClassifier(max_depth=1)``.

%(common_params)s

    sampling_strategy : float, str, dict or callable, default="auto"
        Passed to ``SMOTE``: which classes to over-sample and to what size.

    k_neighbors : int, default=5
        Number of same-class neighbours SMOTE interpolates towards. Every
        class SMOTE over-samples needs more than ``k_neighbors`` rows.

    {{device}}

    Attributes
    ----------
%(common_attributes)s

    See Also
    --------
    RUSBoostClassifier : Random under-sampling in every round.
    BalancedBoostClassifier : Any sampler in every round.

    Notes
    -----
%(common_notes)s

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
    )

    _parameter_constraints = {
        **_BaseResampledBoost._parameter_constraints,
        "sampling_strategy": _OVER_SAMPLING_STRATEGY,
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
