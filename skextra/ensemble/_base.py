"""What the ensembles over named members share: stacking, blending, ensemble
selection and combination rules.

- :data:`ENSEMBLE_DOCS`: the paragraphs their docstrings share, filled in by
  :func:`skextra.utils._docstring.fill_doc` (``{{name}}`` placeholders).
- The combination rule kernels (:func:`combine_values`,
  :func:`combine_proba`, :func:`combine_votes`): pure functions from the
  members' stacked outputs to the combined output, written against the
  array-API namespace so that they run on NumPy, CuPy and PyTorch arrays
  alike. Combination rules and ensemble selection make estimators of them.
- :class:`_BaseMemberEnsemble`: the ``estimators`` parameter of a list of
  ``(name, estimator)`` members, frozen members, input validation, fitting
  of unfitted members, alignment of the members' classes.
- :func:`fit_members_oof_device_aware`: out-of-fold fitting of members
  (:func:`skextra.utils.fit_members_oof`) with one device copy of the data
  shared by the GPU members.
"""

from abc import abstractmethod

import numpy as np
from sklearn.base import (
    ClassifierMixin,
    clone,
    is_classifier,
    is_regressor,
)
from sklearn.preprocessing import LabelEncoder
from sklearn.utils import Bunch, get_tags
from sklearn.utils.metaestimators import _BaseComposition
from sklearn.utils.multiclass import check_classification_targets
from sklearn.utils.validation import (
    column_or_1d,
    has_fit_parameter,
    validate_data,
)

from ..gpu._resident import member_inputs
from ..utils._array_api import (
    device,
    get_namespace,
    max_float_dtype,
    move_to,
    to_host,
    to_numpy,
)
from ..utils._members import is_frozen
from ..utils._oof import _reraise, fit_members_oof
from ..utils._parallel import estimate_cost, run_longest_first

ENSEMBLE_DOCS = {
    "passthrough": """passthrough : bool or {"inputs", "layers", "all"}, default=False
        What each layer after the first, and the final estimator, is trained
        on besides the predictions of the layer just before it:

        * ``False``: nothing else (scikit-learn's default);
        * ``True`` or ``"inputs"``: also the original inputs ``X``
          (scikit-learn's ``passthrough=True``);
        * ``"layers"``: also the predictions of every earlier layer
          (restacking of the layers);
        * ``"all"``: the predictions of every earlier layer and ``X``.

        With a single layer, ``"layers"`` is ``False`` and ``"all"`` is
        ``True``. Columns come layer by layer in order, then ``X``.""",
    "sampler": """sampler : imbalanced-learn sampler, default=None
        Any object with ``fit_resample`` (e.g. ``RandomUnderSampler``,
        ``SMOTE``). It resamples the training part of every member fit and
        the data of the full refits, never the rows that are predicted out of
        fold: the out-of-fold predictions, their scores and what is learnt
        from them keep the original rows in their order.""",
    "early_stopping_rounds": """early_stopping_rounds : int, default=None
        When set, XGBoost and LightGBM members stop boosting on each fold's
        held-out part after this many rounds without improvement, and the
        refit on all the data uses the mean of the rounds found (rounded).
        So does a :class:`~sklearn.pipeline.Pipeline` member ending in one:
        its other steps, fitted on the training part, transform the held-out
        part it is evaluated on. Other members are fitted in full, with a
        warning that names them.""",
    "scoring": """scoring : str or callable, default=None
        Scorer of the members' held-out predictions stored in
        ``cv_scores_`` (any name of :func:`sklearn.metrics.get_scorer_names`
        or a callable ``scorer(estimator, X, y)``; ``y`` is label-encoded for
        classifiers). ``None`` uses accuracy for classifiers and R^2 for
        regressors, computed from the held-out predictions.""",
    "holdout": """holdout_size : float or int, default=0.2
        The hold-out part: a fraction of the rows (float in (0, 1)) or a
        number of rows (int). The members are fitted on the other rows and
        the final estimator on their predictions for the hold-out rows.

    shuffle : bool, default=True
        Draw the hold-out rows at random. With ``False`` the last rows are
        the hold-out part (for data ordered in time).""",
    "holdout_random_state": """random_state : int, RandomState instance or None, \
default=None
        Draws the hold-out rows when ``shuffle=True``. Pass an int for the
        same split at every fit.""",
    "refit": """refit : bool, default=False
        Also fit the members on all the rows, and predict with those. The
        default keeps the members fitted on the training part: the final
        estimator has learnt how exactly these models behave on unseen rows,
        which is what blending means, and a member refitted on more rows is
        more confident than the one the final estimator saw. ``True`` gives
        the members more data (as stacking does) at the cost of one more fit
        each, scheduled together with the fits on the training part.""",
    "selection_estimators": """estimators : list of (str, estimator)
        The library of members, by name. A member may be ``"drop"``. Unfitted
        members are fitted on each training fold of ``cv`` (their held-out
        predictions drive the selection) and once more on all the data.
        Members wrapped in :class:`sklearn.frozen.FrozenEstimator` are used as
        they are: the selection then runs on their predictions for the data
        given to ``fit``, so give ``fit`` data they were not trained on (a
        validation set), or their scores will be optimistic.""",
    "ensemble_size": """ensemble_size : int, default=50
        Number of selection rounds (picks, initial ones included); a member's
        weight is the number of times it was picked divided by the number of
        picks kept.""",
    "n_init": """n_init : int or "auto", default=1
        Sorted initialisation: the ensemble starts with the ``n_init`` best
        members (each once, capped at the number of members). ``"auto"``
        starts with the number of best members whose average scores best.
        1 is plain greedy selection. Must not exceed ``ensemble_size``.""",
    "n_bags": """n_bags : int, default=1
        Bagged selection: run the selection ``n_bags`` times, each on a
        random subset of the members, and average the weights. 1 runs a
        single selection over all members.""",
    "bag_fraction": """bag_fraction : float in (0, 1], default=0.5
        Fraction of the members drawn (without replacement) for each bag;
        used only when ``n_bags > 1``.""",
    "use_best_round": """use_best_round : bool, default=True
        Keep the ensemble after the round with the best score (the earliest
        on ties), as in Caruana et al.; ``False`` keeps the ensemble after
        the last round.""",
    "bags_random_state": """random_state : int, RandomState instance or None, \
default=None
        Draws the bags. Members keep their own ``random_state``. The result
        does not depend on ``n_jobs``.""",
    "selection_attributes": """estimators_ : list of estimators
        The members fitted on all the data (frozen ones as given), without
        dropped ones.
    named_estimators_ : :class:`~sklearn.utils.Bunch`
        The fitted members by name.
    weights_ : ndarray of shape (n_members,)
        Weight of each member of ``estimators_``; non-negative, sums to one.
    scores_ : ndarray of shape (ensemble_size,) or (n_bags, ensemble_size)
        The score of the ensemble after each round (of each bag).
    member_scores_ : ndarray of shape (n_members,)
        Each member's own score on the data the selection ran on.""",
}
"""The paragraphs of the family's docstrings (see :data:`SHARED_DOCS
<skextra.utils._docstring.SHARED_DOCS>` for random_state, n_jobs, verbose
and device)."""


# --------------------------------------------------------------------------
# Combination rules
# --------------------------------------------------------------------------

SOFT_RULES = ("mean", "median", "max", "min", "product")
HARD_RULES = ("majority", "plurality")
REGRESSION_RULES = ("mean", "median", "max", "min")
_WEIGHTED_RULES = ("mean", "product", "majority", "plurality")


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
    >>> from skextra.ensemble._base import combine_values
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
    >>> from skextra.ensemble._base import combine_proba
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
    >>> from skextra.ensemble._base import combine_votes
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


def _fit_member(estimator, X, y, fit_params, name):
    """Fit a clone of one member (a job for :func:`run_longest_first`)."""
    estimator = clone(estimator)
    try:
        estimator.fit(X, y, **fit_params)
    except Exception as exc:
        _reraise(exc, name, "to fit")
    return estimator


def fit_unfrozen(members, job_of, n_samples, *, n_jobs, verbose):
    """Run ``job_of(k, member)`` for every member not frozen, longest first.

    Returns a list with each job's result at its member's position and
    ``None`` at the frozen members'.
    """
    todo = [k for k, member in enumerate(members) if not is_frozen(member)]
    jobs = [job_of(k, members[k]) for k in todo]
    costs = [estimate_cost(members[k], n_samples) for k in todo]
    results = [None] * len(members)
    ran = run_longest_first(jobs, costs, n_jobs=n_jobs, verbose=verbose)
    for k, result in zip(todo, ran):
        results[k] = result
    return results


def _member_fit_params(name, estimator, sample_weight):
    if sample_weight is None or is_frozen(estimator):
        return {}
    if not has_fit_parameter(estimator, "sample_weight"):
        raise TypeError(
            f"Member {name!r} ({type(estimator).__name__}) does not support "
            "sample weights."
        )
    return {"sample_weight": sample_weight}


class _NamedMembers(_BaseComposition):
    """``get_params``/``set_params`` over a list of ``(name, estimator)`` members."""

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


class _BaseMemberEnsemble(_NamedMembers):
    """What ensembles over a list of named ``(name, estimator)`` members share."""

    _required_parameters = ["estimators"]

    @abstractmethod
    def __init__(self, estimators):
        self.estimators = estimators

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

        Members get a pandas ``X`` as given (a DataFrame keeps its columns
        and dtypes for member pipelines) once it has passed validation, and
        the validated array otherwise. Missing and infinite values are left
        for the members to handle or refuse (an imputing pipeline takes NaN).
        """
        tags = self.__sklearn_tags__()
        pandas = hasattr(X, "iloc")
        kwargs = dict(
            accept_sparse=["csr", "csc"] if tags.input_tags.sparse else False,
            ensure_all_finite=False,
            dtype=None if pandas or tags.input_tags.string else "numeric",
        )
        if isinstance(y, str) and y == "no_validation":
            X_checked = validate_data(self, X, reset=reset, **kwargs)
            return X if pandas else X_checked
        X_checked, y = validate_data(
            self,
            X,
            y,
            reset=reset,
            y_numeric=not isinstance(self, ClassifierMixin),
            **kwargs,
        )
        return (X if pandas else X_checked), y

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
            if is_frozen(member):
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
# Out-of-fold fitting
# --------------------------------------------------------------------------


def fit_members_oof_device_aware(estimators, X, y, *, sampler=None, **kwargs):
    """:func:`~skextra.utils.fit_members_oof`, the GPU members sharing a device copy.

    Members that run on the GPU (cuML estimators, a
    :class:`~skextra.gpu.DeviceEstimator`, XGBoost on CUDA with CuPy) share
    one copy of ``X`` and ``y`` on the device, made here once; their folds
    are cut on the device and only their predictions come back to the host.
    With a ``sampler`` every member gets the host data (samplers work on
    the host). The other parameters are those of ``fit_members_oof``.
    """
    inputs = None if sampler is not None else member_inputs(estimators, X, y)
    return fit_members_oof(estimators, X, y, inputs=inputs, sampler=sampler, **kwargs)
