"""Combination rules as estimators: fixed ways of merging several members.

:class:`CombinationClassifier` and :class:`CombinationRegressor` fit their
unfitted members in parallel and merge the members' outputs with one of the
rule kernels of :mod:`skextra.ensemble._base`.
"""

from numbers import Integral

import numpy as np
from sklearn.base import ClassifierMixin, RegressorMixin, _fit_context
from sklearn.utils._param_validation import StrOptions
from sklearn.utils.validation import _check_sample_weight, check_is_fitted

from ..gpu._dispatch import members_to_device
from ..gpu._resident import member_inputs
from ..utils._array_api import get_namespace, to_numpy
from ..utils._docstring import fill_doc
from ..utils._members import member_weights
from ..utils._validation import DEVICE_CONSTRAINT
from ._base import (
    _WEIGHTED_RULES,
    ENSEMBLE_DOCS,
    HARD_RULES,
    REGRESSION_RULES,
    SOFT_RULES,
    _BaseMemberEnsemble,
    _fit_member,
    _member_fit_params,
    combine_proba,
    combine_values,
    combine_votes,
    fit_unfrozen,
)


class _BaseCombination(_BaseMemberEnsemble):
    _parameter_constraints: dict = {
        "estimators": [list],
        "weights": ["array-like", None],
        "n_jobs": [None, Integral],
        "verbose": ["verbose"],
        "device": DEVICE_CONSTRAINT,
    }

    def _live_weights(self):
        if self.weights is None:
            return None
        weights = member_weights(self.weights, self.estimators)
        if self.rule not in _WEIGHTED_RULES:
            raise ValueError(
                f"weights apply to rules {_WEIGHTED_RULES}, got rule={self.rule!r}."
            )
        return weights

    def _fit(self, X, y, sample_weight):
        names, members = self._live_members()
        X, y = self._validate_input(X, y, reset=True)
        y = self._encode_target(y)
        if sample_weight is not None:
            sample_weight = _check_sample_weight(sample_weight, X)
        weights = self._live_weights()
        members = members_to_device(members, self.device)
        inputs = member_inputs(members, X, y)

        def job_of(k, member):
            params = _member_fit_params(names[k], member, sample_weight)
            return _fit_member, (member, *inputs[k], params, names[k]), {}

        results = fit_unfrozen(
            members, job_of, len(y), n_jobs=self.n_jobs, verbose=self.verbose
        )
        fitted = [m if r is None else r for m, r in zip(members, results)]
        self._finish_members(names, fitted)
        self.weights_ = weights
        return self


@fill_doc(ENSEMBLE_DOCS)
class CombinationClassifier(ClassifierMixin, _BaseCombination):
    """Combine the class predictions of several classifiers with a fixed rule.

    Soft rules merge the members' probabilities (``predict_proba``); hard
    rules count the members' predicted labels (``predict``). Members may be
    unfitted (they are fitted in parallel on the data given to ``fit``) or
    already fitted and wrapped in :class:`sklearn.frozen.FrozenEstimator`
    (used as they are).

    Parameters
    ----------
    estimators : list of (str, estimator)
        The members, by name. A member may be ``"drop"``.
    rule : {"mean", "median", "max", "min", "product", "majority", \
            "plurality"}, default="mean"
        Soft rules, over probabilities:

        - ``"mean"``: (weighted) average of the probabilities, the same as
          scikit-learn's ``VotingClassifier(voting="soft")``;
        - ``"median"``, ``"max"``, ``"min"``: the per-class statistic over
          the members, rows rescaled to sum to one;
        - ``"product"``: the (weighted) product of the probabilities, rows
          rescaled to sum to one.

        Hard rules, over predicted labels:

        - ``"majority"``: each member votes for its predicted class and the
          class with the most (weighted) votes wins; ties go to the lowest
          class index. This is scikit-learn's ``VotingClassifier(
          voting="hard")``, which it calls majority rule voting.
        - ``"plurality"``: the same rule under its precise name (the winner
          needs the most votes, not more than half of them).

        For hard rules, ``predict_proba`` gives each class's share of the
        votes.
    weights : array-like of shape (n_estimators,), default=None
        Non-negative weight of each member (dropped ones included), for the
        rules ``"mean"``, ``"product"`` (as exponents), ``"majority"`` and
        ``"plurality"``. ``None`` weighs members equally.
    {{n_jobs}}
    {{verbose}}
    {{device}}

    Attributes
    ----------
    estimators_ : list of estimators
        The fitted members (frozen ones as given), without dropped ones.
    named_estimators_ : :class:`~sklearn.utils.Bunch`
        The fitted members by name.
    weights_ : ndarray of shape (n_members,) or None
        The weights of the members in ``estimators_``.
    classes_ : ndarray of shape (n_classes,)
        The class labels.
    n_features_in_ : int
        Number of features seen during fit.
    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Names of features seen during fit, when ``X`` has string column names.

    See Also
    --------
    sklearn.ensemble.VotingClassifier : Soft and hard voting.
    CombinationRegressor : The numeric rules for regressors.
    EnsembleSelectionClassifier : Learns the weights of a weighted mean.

    Notes
    -----
    Unfitted members are trained on the labels encoded as ``0..n_classes-1``;
    a frozen member's classes are matched to ``classes_`` by value (it may
    know a subset of them; its missing classes get probability 0).

    References
    ----------
    .. [1] Kittler, Hatef, Duin and Matas (1998). On combining classifiers.
       IEEE TPAMI 20(3), 226-239.
    .. [2] Kuncheva (2014). Combining Pattern Classifiers, 2nd ed., Wiley.

    Examples
    --------
    >>> from sklearn.datasets import load_iris
    >>> from sklearn.linear_model import LogisticRegression
    >>> from sklearn.naive_bayes import GaussianNB
    >>> from sklearn.tree import DecisionTreeClassifier
    >>> from skextra.ensemble import CombinationClassifier
    >>> X, y = load_iris(return_X_y=True)
    >>> members = [("lr", LogisticRegression(max_iter=1000)), ("nb", GaussianNB()),
    ...            ("tree", DecisionTreeClassifier(max_depth=3, random_state=0))]
    >>> clf = CombinationClassifier(members, rule="product").fit(X, y)
    >>> clf.predict(X[:3])
    array([0, 0, 0])
    >>> round(clf.score(X, y), 3)
    0.96
    """

    _parameter_constraints: dict = {
        **_BaseCombination._parameter_constraints,
        "rule": [StrOptions(set(SOFT_RULES + HARD_RULES))],
    }

    def __init__(
        self,
        estimators,
        *,
        rule="mean",
        weights=None,
        n_jobs=None,
        verbose=0,
        device=None,
    ):
        super().__init__(estimators)
        self.rule = rule
        self.weights = weights
        self.n_jobs = n_jobs
        self.verbose = verbose
        self.device = device

    @_fit_context(prefer_skip_nested_validation=False)
    def fit(self, X, y, sample_weight=None):
        """Fit the unfitted members on ``X, y``.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Training data, passed to the members as given.
        y : array-like of shape (n_samples,)
            Target labels.
        sample_weight : array-like of shape (n_samples,), default=None
            Passed to every unfitted member (they must accept it).

        Returns
        -------
        self : object
        """
        if self.rule in SOFT_RULES:
            for name, member in zip(*self._live_members()):
                if not hasattr(member, "predict_proba"):
                    raise ValueError(
                        f"rule={self.rule!r} combines probabilities, but member "
                        f"{name!r} has no predict_proba; use a hard rule "
                        "('majority') or a member with predict_proba."
                    )
        return self._fit(X, y, sample_weight)

    def _votes(self, X):
        members = range(len(self.estimators_))
        labels = np.stack(
            [
                self._member_labels(k, X_k)
                for k, X_k in zip(members, self._inputs(X, members))
            ]
        )
        return combine_votes(labels, len(self.classes_), weights=self.weights_)

    def predict_proba(self, X):
        """Combined class probabilities (vote shares for hard rules).

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)

        Returns
        -------
        proba : ndarray of shape (n_samples, n_classes)
        """
        check_is_fitted(self)
        X = self._validate_input(X, reset=False)
        if self.rule in HARD_RULES:
            votes = self._votes(X)
            return votes / np.sum(votes, axis=1, keepdims=True)
        return combine_proba(self._stack_proba(X), self.rule, weights=self.weights_)

    def predict(self, X):
        """Predict class labels.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)

        Returns
        -------
        y_pred : ndarray of shape (n_samples,)
        """
        check_is_fitted(self)
        if self.rule in HARD_RULES:
            X = self._validate_input(X, reset=False)
            scores = self._votes(X)
        else:
            scores = self.predict_proba(X)
        xp = get_namespace(scores)
        return self.classes_[to_numpy(xp.argmax(scores, axis=1))]


@fill_doc(ENSEMBLE_DOCS)
class CombinationRegressor(RegressorMixin, _BaseCombination):
    """Combine the predictions of several regressors with a fixed rule.

    Members may be unfitted (fitted in parallel on the data given to
    ``fit``) or already fitted and wrapped in
    :class:`sklearn.frozen.FrozenEstimator` (used as they are).

    Parameters
    ----------
    estimators : list of (str, estimator)
        The members, by name. A member may be ``"drop"``.
    rule : {"mean", "median", "max", "min"}, default="mean"
        ``"mean"`` is the (weighted) average, the same as scikit-learn's
        ``VotingRegressor``; the others are the per-sample statistic over the
        members' predictions.
    weights : array-like of shape (n_estimators,), default=None
        Non-negative weight of each member (dropped ones included), for
        ``rule="mean"``. ``None`` weighs members equally.
    {{n_jobs}}
    {{verbose}}
    {{device}}

    Attributes
    ----------
    estimators_ : list of estimators
        The fitted members (frozen ones as given), without dropped ones.
    named_estimators_ : :class:`~sklearn.utils.Bunch`
        The fitted members by name.
    weights_ : ndarray of shape (n_members,) or None
        The weights of the members in ``estimators_``.
    n_features_in_ : int
        Number of features seen during fit.
    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Names of features seen during fit, when ``X`` has string column names.

    See Also
    --------
    sklearn.ensemble.VotingRegressor : The weighted mean of regressors.
    CombinationClassifier : Combination rules for classifiers.
    EnsembleSelectionRegressor : Learns the weights of a weighted mean.

    Examples
    --------
    >>> from sklearn.datasets import load_diabetes
    >>> from sklearn.linear_model import Ridge
    >>> from sklearn.neighbors import KNeighborsRegressor
    >>> from sklearn.tree import DecisionTreeRegressor
    >>> from skextra.ensemble import CombinationRegressor
    >>> X, y = load_diabetes(return_X_y=True)
    >>> members = [("ridge", Ridge(alpha=0.1)), ("knn", KNeighborsRegressor(20)),
    ...            ("tree", DecisionTreeRegressor(max_depth=3, random_state=0))]
    >>> reg = CombinationRegressor(members, rule="median").fit(X, y)
    >>> reg.predict(X[:2]).round(1)
    array([199.8,  83.4])
    """

    _parameter_constraints: dict = {
        **_BaseCombination._parameter_constraints,
        "rule": [StrOptions(set(REGRESSION_RULES))],
    }

    def __init__(
        self,
        estimators,
        *,
        rule="mean",
        weights=None,
        n_jobs=None,
        verbose=0,
        device=None,
    ):
        super().__init__(estimators)
        self.rule = rule
        self.weights = weights
        self.n_jobs = n_jobs
        self.verbose = verbose
        self.device = device

    @_fit_context(prefer_skip_nested_validation=False)
    def fit(self, X, y, sample_weight=None):
        """Fit the unfitted members on ``X, y``.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Training data, passed to the members as given.
        y : array-like of shape (n_samples,)
            Target values.
        sample_weight : array-like of shape (n_samples,), default=None
            Passed to every unfitted member (they must accept it).

        Returns
        -------
        self : object
        """
        return self._fit(X, y, sample_weight)

    def predict(self, X):
        """Predict with the combined members.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)

        Returns
        -------
        y_pred : ndarray of shape (n_samples,)
        """
        check_is_fitted(self)
        X = self._validate_input(X, reset=False)
        return combine_values(
            self._stack_predictions(X), self.rule, weights=self.weights_
        )
