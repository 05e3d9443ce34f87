"""Combination rules: fixed ways of merging the outputs of several members.

The rule kernels (:func:`combine_values`, :func:`combine_proba`,
:func:`combine_votes`) are pure functions from the members' stacked outputs
to the combined output, written against the array-API namespace so that they
run on NumPy, CuPy and PyTorch arrays alike. Ensemble selection and dynamic
selection reuse them; :class:`CombinationClassifier` and
:class:`CombinationRegressor` make estimators of them.

This module also holds what every "ensemble of named members" here shares
(:class:`_BaseMemberEnsemble`): the ``estimators`` parameter, frozen
members, fitting of unfitted ones, alignment of the members' classes.
"""

from abc import abstractmethod
from numbers import Integral

import numpy as np
from sklearn.base import (
    ClassifierMixin,
    RegressorMixin,
    _fit_context,
    clone,
    is_classifier,
    is_regressor,
)
from sklearn.frozen import FrozenEstimator
from sklearn.preprocessing import LabelEncoder
from sklearn.utils import Bunch, get_tags
from sklearn.utils._param_validation import StrOptions
from sklearn.utils.metaestimators import _BaseComposition
from sklearn.utils.multiclass import check_classification_targets
from sklearn.utils.validation import (
    _check_sample_weight,
    check_is_fitted,
    column_or_1d,
    has_fit_parameter,
    validate_data,
)

from ..gpu._dispatch import members_to_device
from ..gpu._resident import member_inputs
from ..utils._array_api import (
    device,
    get_namespace,
    max_float_dtype,
    move_to,
    to_host,
    to_numpy,
)
from ..utils._docstring import fill_doc as fill_shared_doc
from ..utils._oof import _reraise
from ..utils._parallel import estimate_cost, run_longest_first
from ..utils._validation import DEVICE_CONSTRAINT

SOFT_RULES = ("mean", "median", "max", "min", "product")
HARD_RULES = ("majority", "plurality")
REGRESSION_RULES = ("mean", "median", "max", "min")
_WEIGHTED_RULES = ("mean", "product", "majority", "plurality")


# --------------------------------------------------------------------------
# Rule kernels (array-API generic)
# --------------------------------------------------------------------------


def _check_weights(weights, n_members, xp, dtype, device):
    if weights is None:
        return None
    w = move_to(weights, xp=xp, device=device)
    w = xp.astype(w, dtype)
    if w.ndim != 1 or w.shape[0] != n_members:
        raise ValueError(
            f"weights must have one value per member ({n_members}), "
            f"got shape {tuple(w.shape)}."
        )
    return w


def _broadcast(w, ndim, xp):
    return xp.reshape(w, (w.shape[0],) + (1,) * (ndim - 1))


def _median(values, xp):
    ordered = xp.sort(values, axis=0)
    n = ordered.shape[0]
    if n % 2:
        return ordered[n // 2, ...]
    return (ordered[n // 2 - 1, ...] + ordered[n // 2, ...]) / 2


def combine_values(values, rule, *, weights=None):
    """Merge the members' outputs, reducing over the first axis.

    Parameters
    ----------
    values : array of shape (n_members, n_samples, ...)
        The members' outputs stacked along the first axis (NumPy, CuPy,
        PyTorch or any array-API array).
    rule : {"mean", "median", "max", "min"}
        ``"mean"`` is the (weighted) average, as :func:`numpy.average`.
    weights : array-like of shape (n_members,), default=None
        Member weights; only for ``rule="mean"``.

    Returns
    -------
    combined : array of shape (n_samples, ...)
        In the namespace and on the device of ``values``.

    Examples
    --------
    >>> import numpy as np
    >>> from skextra.ensemble._combination import combine_values
    >>> values = np.array([[1.0, 2.0], [3.0, 4.0], [8.0, 0.0]])
    >>> combine_values(values, "median")
    array([3., 2.])
    >>> combine_values(values, "mean", weights=[1, 1, 0])
    array([2., 3.])
    """
    xp = get_namespace(values)
    if rule not in REGRESSION_RULES:
        raise ValueError(f"rule must be one of {REGRESSION_RULES}, got {rule!r}.")
    if weights is not None and rule != "mean":
        raise ValueError(f"weights apply to rule='mean' only, got rule={rule!r}.")
    if rule == "mean":
        w = _check_weights(weights, values.shape[0], xp, values.dtype, device(values))
        if w is None:
            return xp.mean(values, axis=0)
        return xp.sum(values * _broadcast(w, values.ndim, xp), axis=0) / xp.sum(w)
    if rule == "median":
        return _median(values, xp)
    if rule == "max":
        return xp.max(values, axis=0)
    return xp.min(values, axis=0)


def _normalize_rows(scores, xp):
    total = xp.sum(scores, axis=-1, keepdims=True)
    n_classes = scores.shape[-1]
    uniform = xp.ones_like(scores) / n_classes
    safe = xp.where(total > 0, total, xp.ones_like(total))
    return xp.where(total > 0, scores / safe, uniform)


def combine_proba(probas, rule, *, weights=None):
    """Merge the members' class probabilities into probabilities.

    Parameters
    ----------
    probas : array of shape (n_members, n_samples, n_classes)
        Each member's ``predict_proba`` output, stacked.
    rule : {"mean", "median", "max", "min", "product"}
        ``"mean"``: (weighted) average, as scikit-learn's soft voting.
        ``"median"``, ``"max"``, ``"min"``: the per-class statistic over the
        members. ``"product"``: the (weighted) product of the probabilities,
        computed in log space (each probability floored at the float
        resolution so that one zero does not veto a class). Except for
        ``"mean"``, the rows are rescaled to sum to one (a row of zeros gives
        uniform probabilities).
    weights : array-like of shape (n_members,), default=None
        Member weights; for ``"mean"`` and ``"product"`` (exponents) only.

    Returns
    -------
    proba : array of shape (n_samples, n_classes)

    Examples
    --------
    >>> import numpy as np
    >>> from skextra.ensemble._combination import combine_proba
    >>> probas = np.array([[[0.9, 0.1]], [[0.4, 0.6]], [[0.3, 0.7]]])
    >>> combine_proba(probas, "mean")
    array([[0.53333333, 0.46666667]])
    >>> combine_proba(probas, "max")
    array([[0.5625, 0.4375]])
    """
    xp = get_namespace(probas)
    if rule not in SOFT_RULES:
        raise ValueError(f"rule must be one of {SOFT_RULES}, got {rule!r}.")
    if weights is not None and rule not in ("mean", "product"):
        raise ValueError(
            f"weights apply to rules 'mean' and 'product', got rule={rule!r}."
        )
    if rule != "product":
        combined = combine_values(probas, rule, weights=weights)
        return combined if rule == "mean" else _normalize_rows(combined, xp)
    w = _check_weights(weights, probas.shape[0], xp, probas.dtype, device(probas))
    eps = xp.finfo(probas.dtype).eps
    logs = xp.log(xp.clip(probas, eps, None))
    if w is not None:
        logs = logs * _broadcast(w, logs.ndim, xp)
    summed = xp.sum(logs, axis=0)
    summed = summed - xp.max(summed, axis=-1, keepdims=True)
    return _normalize_rows(xp.exp(summed), xp)


def combine_votes(labels, n_classes, *, weights=None):
    """Count the (weighted) votes of hard members for each class.

    Parameters
    ----------
    labels : array of int of shape (n_members, n_samples)
        Each member's predicted class index in ``0..n_classes-1``.
    n_classes : int
        Number of classes.
    weights : array-like of shape (n_members,), default=None
        Weight of each member's vote (1 each when ``None``).

    Returns
    -------
    votes : array of shape (n_samples, n_classes)
        The vote total of each class. The winner is its first ``argmax``,
        so ties go to the lowest class index, as in scikit-learn's
        ``VotingClassifier(voting="hard")``.

    Examples
    --------
    >>> import numpy as np
    >>> from skextra.ensemble._combination import combine_votes
    >>> labels = np.array([[0, 2], [1, 2], [1, 0]])
    >>> combine_votes(labels, 3)
    array([[1., 2., 0.],
           [1., 0., 2.]])
    """
    xp = get_namespace(labels)
    where = device(labels)
    dtype = max_float_dtype(xp, where)
    classes = xp.arange(n_classes, dtype=labels.dtype, device=where)
    onehot = xp.astype(labels[..., None] == classes, dtype)
    w = _check_weights(weights, labels.shape[0], xp, dtype, where)
    if w is not None:
        onehot = onehot * _broadcast(w, onehot.ndim, xp)
    return xp.sum(onehot, axis=0)


# --------------------------------------------------------------------------
# Members: validation, fitting, class alignment
# --------------------------------------------------------------------------


def _is_frozen(estimator):
    return isinstance(estimator, FrozenEstimator)


def _fit_member(estimator, X, y, fit_params, name):
    """Fit a clone of one member (a job for :func:`run_longest_first`)."""
    estimator = clone(estimator)
    try:
        estimator.fit(X, y, **fit_params)
    except Exception as exc:
        _reraise(exc, name, "to fit")
    return estimator


def _member_fit_params(name, estimator, sample_weight):
    if sample_weight is None or _is_frozen(estimator):
        return {}
    if not has_fit_parameter(estimator, "sample_weight"):
        raise TypeError(
            f"Member {name!r} ({type(estimator).__name__}) does not support "
            "sample weights."
        )
    return {"sample_weight": sample_weight}


class _BaseMemberEnsemble(_BaseComposition):
    """What ensembles over a list of named ``(name, estimator)`` members share."""

    _required_parameters = ["estimators"]

    @abstractmethod
    def __init__(self, estimators):
        self.estimators = estimators

    def get_params(self, deep=True):
        """Get the parameters of the ensemble and, if deep, of its members.

        Parameters
        ----------
        deep : bool, default=True
            Also return the members and their parameters
            (``<member name>__<parameter>``).

        Returns
        -------
        params : dict
        """
        return self._get_params("estimators", deep=deep)

    def set_params(self, **params):
        """Set parameters, including a member (by name) or a member's parameter.

        Parameters
        ----------
        **params : keyword arguments
            ``<member name>=estimator`` (or ``"drop"``) replaces a member;
            ``<member name>__<parameter>=value`` sets a member's parameter.

        Returns
        -------
        self : object
        """
        self._set_params("estimators", **params)
        return self

    @property
    def named_estimators(self):
        """The members by name (a :class:`~sklearn.utils.Bunch`)."""
        return Bunch(**dict(self.estimators))

    def _live_members(self):
        """Validate ``estimators``; return (names, members) without "drop"."""
        if not isinstance(self.estimators, list) or not self.estimators:
            raise ValueError(
                "estimators must be a non-empty list of (name, estimator) tuples."
            )
        try:
            names, members = zip(*self.estimators)
        except (TypeError, ValueError) as exc:
            raise ValueError(
                "estimators must be a list of (name, estimator) tuples."
            ) from exc
        self._validate_names(names)
        self._check_estimators_are_instances([m for m in members if m != "drop"])
        live = [(n, m) for n, m in zip(names, members) if m is not None and m != "drop"]
        if not live:
            raise ValueError("All estimators are dropped; at least one is required.")
        want, check = (
            ("classifier", is_classifier)
            if isinstance(self, ClassifierMixin)
            else ("regressor", is_regressor)
        )
        for name, member in live:
            if not check(member):
                raise ValueError(
                    f"Member {name!r} ({type(member).__name__}) is not a {want}; "
                    f"{type(self).__name__} combines {want}s only."
                )
        return [n for n, _ in live], [m for _, m in live]

    def _member_tags(self):
        try:
            _, members = self._live_members()
            return [get_tags(m) for m in members]
        except Exception:
            return []

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        member_tags = self._member_tags()
        if member_tags:
            tags.input_tags.allow_nan = all(t.input_tags.allow_nan for t in member_tags)
            tags.input_tags.sparse = all(t.input_tags.sparse for t in member_tags)
            tags.input_tags.categorical = all(
                t.input_tags.categorical for t in member_tags
            )
            tags.input_tags.string = all(t.input_tags.string for t in member_tags)
        return tags

    def _validate_input(self, X, y="no_validation", *, reset):
        """Validate X (and y) for the checks; return what members receive.

        Members get ``X`` as given (a DataFrame keeps its columns for member
        pipelines) once it has passed validation.
        """
        tags = self.__sklearn_tags__()
        kwargs = dict(
            accept_sparse=["csr", "csc"] if tags.input_tags.sparse else False,
            ensure_all_finite=not tags.input_tags.allow_nan,
            dtype=None if hasattr(X, "iloc") or tags.input_tags.string else "numeric",
        )
        if isinstance(y, str) and y == "no_validation":
            X_checked = validate_data(self, X, reset=reset, **kwargs)
            return X if hasattr(X, "iloc") else X_checked
        X_checked, y = validate_data(
            self,
            X,
            y,
            reset=reset,
            y_numeric=not isinstance(self, ClassifierMixin),
            **kwargs,
        )
        return (X if hasattr(X, "iloc") else X_checked), y

    def _encode_target(self, y):
        """Label-encode y for classifiers; set ``classes_``. Floats for regressors."""
        if isinstance(self, ClassifierMixin):
            check_classification_targets(y)
            y = column_or_1d(y, warn=True)
            self._label_encoder = LabelEncoder().fit(y)
            self.classes_ = self._label_encoder.classes_
            if len(self.classes_) < 2:
                raise ValueError(
                    f"{type(self).__name__} needs samples of at least 2 classes "
                    f"in y; got 1 class: {self.classes_.tolist()}."
                )
            return self._label_encoder.transform(y)
        return column_or_1d(y, warn=True).astype(np.float64, copy=False)

    def _class_maps(self):
        """For each fitted member, the index of each of its classes in ``classes_``."""
        maps = []
        for name, member in zip(self._names, self.estimators_):
            member_classes = np.asarray(member.classes_)
            if _is_frozen(member):
                known = np.isin(member_classes, self.classes_)
                if not known.all():
                    raise ValueError(
                        f"Member {name!r} was fitted on classes "
                        f"{member_classes[~known].tolist()} that are not in y."
                    )
                index = np.searchsorted(self.classes_, member_classes)
            else:
                index = member_classes.astype(int)
            maps.append(index)
        return maps

    def _member_proba(self, k, X):
        """Member ``k``'s probabilities, one column per class of ``classes_``."""
        proba = self.estimators_[k].predict_proba(X)
        index = self._class_maps_[k]
        n_classes = len(self.classes_)
        if len(index) == n_classes and np.array_equal(index, np.arange(n_classes)):
            return proba
        # Classes the member does not know read a column of zeros.
        position = np.full(n_classes, len(index))
        position[index] = np.arange(len(index))
        xp = get_namespace(proba)
        padded = xp.concat([proba, xp.zeros_like(proba[:, :1])], axis=1)
        return xp.take(padded, move_to(position, xp=xp, device=device(proba)), axis=1)

    def _member_labels(self, k, X):
        """Member ``k``'s predicted class indices into ``classes_``."""
        member = self.estimators_[k]
        pred = to_numpy(member.predict(X))
        return self._class_maps_[k][np.searchsorted(to_numpy(member.classes_), pred)]

    def _inputs(self, X, members):
        """``X`` for each of ``members``: one device copy for the GPU ones."""
        return [
            X_k for X_k, _ in member_inputs([self.estimators_[k] for k in members], X)
        ]

    def _stack_proba(self, X, members=None):
        members = range(len(self.estimators_)) if members is None else members
        outputs = [
            to_host(self._member_proba(k, X_k))
            for k, X_k in zip(members, self._inputs(X, members))
        ]
        xp = get_namespace(*outputs)
        return xp.stack(outputs)

    def _stack_predictions(self, X, members=None):
        members = range(len(self.estimators_)) if members is None else members
        outputs = [
            to_host(self.estimators_[k].predict(X_k))
            for k, X_k in zip(members, self._inputs(X, members))
        ]
        xp = get_namespace(*outputs)
        outputs = [xp.reshape(o, (-1,)) if o.ndim > 1 else o for o in outputs]
        return xp.stack([xp.astype(o, xp.float64) for o in outputs])

    def _finish_members(self, names, fitted):
        self._names = list(names)
        self.estimators_ = list(fitted)
        self.named_estimators_ = Bunch()
        fitted_iter = iter(fitted)
        for name, member in self.estimators:
            live = member is not None and member != "drop"
            self.named_estimators_[name] = next(fitted_iter) if live else "drop"
        if isinstance(self, ClassifierMixin):
            self._class_maps_ = self._class_maps()


# --------------------------------------------------------------------------
# Estimators
# --------------------------------------------------------------------------


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
        weights = np.asarray(self.weights, dtype=float)
        if weights.ndim != 1 or len(weights) != len(self.estimators):
            raise ValueError(
                f"weights must have one value per estimator: got "
                f"{weights.size} weights for {len(self.estimators)} estimators."
            )
        if self.rule not in _WEIGHTED_RULES:
            raise ValueError(
                f"weights apply to rules {_WEIGHTED_RULES}, got rule={self.rule!r}."
            )
        live = np.array(
            [m is not None and m != "drop" for _, m in self.estimators], dtype=bool
        )
        weights = weights[live]
        if not np.all(np.isfinite(weights)) or np.any(weights < 0):
            raise ValueError("weights must be finite and non-negative.")
        if weights.sum() <= 0:
            raise ValueError("weights of the estimators that are kept sum to zero.")
        return weights

    def _fit(self, X, y, sample_weight):
        names, members = self._live_members()
        X, y = self._validate_input(X, y, reset=True)
        y = self._encode_target(y)
        if sample_weight is not None:
            sample_weight = _check_sample_weight(sample_weight, X)
        weights = self._live_weights()
        members = members_to_device(members, self.device)
        fitted = list(members)
        jobs, costs, todo = [], [], []
        inputs = member_inputs(members, X, y)
        for k, (name, member) in enumerate(zip(names, members)):
            if _is_frozen(member):
                continue
            params = _member_fit_params(name, member, sample_weight)
            jobs.append((_fit_member, (member, *inputs[k], params, name), {}))
            costs.append(estimate_cost(member, len(y)))
            todo.append(k)
        results = run_longest_first(
            jobs, costs, n_jobs=self.n_jobs, verbose=self.verbose
        )
        for k, est in zip(todo, results):
            fitted[k] = est
        self._finish_members(names, fitted)
        self.weights_ = weights
        return self


@fill_shared_doc()
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
    n_jobs : int, default=None
        Number of members fitted at once (joblib; ``-1`` uses all cores).
    verbose : int, default=0
        joblib's verbosity.
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
    feature_names_in_ : ndarray of shape (n_features_in_,)
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


@fill_shared_doc()
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
    n_jobs : int, default=None
        Number of members fitted at once (joblib; ``-1`` uses all cores).
    verbose : int, default=0
        joblib's verbosity.
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
    feature_names_in_ : ndarray of shape (n_features_in_,)
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
