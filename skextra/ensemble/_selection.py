"""Ensemble selection from a library of models (Caruana et al., 2004).

Greedy forward selection with replacement over the members' out-of-fold
predictions: start from the ``n_init`` best members, then repeatedly add the
member (possibly one already in) whose addition to the average gives the best
score. The number of times a member was picked, divided by the ensemble size,
is its weight in a weighted mean of the members' outputs.

The hill climbing (:func:`hill_climb`) and the vectorised scores of the
common metrics are written against the array-API namespace, so they run on
NumPy, CuPy and PyTorch arrays alike.
"""

import math
from numbers import Integral, Real

import numpy as np
from sklearn.base import (
    BaseEstimator,
    ClassifierMixin,
    RegressorMixin,
    _fit_context,
)
from sklearn.metrics import get_scorer, get_scorer_names
from sklearn.model_selection import check_cv
from sklearn.utils import check_random_state
from sklearn.utils._param_validation import HasMethods, Interval, StrOptions
from sklearn.utils.validation import _check_sample_weight, check_is_fitted

from ..gpu._dispatch import members_to_device
from ..utils._array_api import device, get_namespace, move_to, to_numpy
from ..utils._docstring import fill_doc
from ..utils._validation import DEVICE_CONSTRAINT
from ._base import (
    ENSEMBLE_DOCS,
    _BaseMemberEnsemble,
    _member_fit_params,
    combine_proba,
    combine_values,
    fit_members_oof_device_aware,
    is_frozen,
)

# Chunks of candidate ensembles are scored together; a chunk holds at most
# this many numbers, so memory stays bounded for large libraries and data.
_CHUNK_ELEMENTS = 2**25


# --------------------------------------------------------------------------
# Scores of candidate ensembles, vectorised over the candidates
# --------------------------------------------------------------------------


def _mean(values, sample_weight, xp):
    """Mean over the last axis, weighted by ``sample_weight`` if given."""
    if sample_weight is None:
        return xp.mean(values, axis=-1)
    return xp.sum(values * sample_weight, axis=-1) / xp.sum(sample_weight)


def _proba_of_true_class(proba, y, xp):
    if proba.shape[-1] == 2:
        # As scikit-learn's scorers: the positive column p, the other 1 - p.
        positive = proba[..., 1]
        return xp.where(y == 1, positive, 1 - positive)
    where = device(proba)
    classes = xp.arange(proba.shape[-1], dtype=y.dtype, device=where)
    onehot = y[:, None] == classes
    return xp.sum(xp.where(onehot, proba, xp.zeros_like(proba)), axis=-1)


def _neg_log_loss(proba, y, sample_weight, xp):
    eps = xp.finfo(proba.dtype).eps
    p = xp.clip(_proba_of_true_class(proba, y, xp), eps, 1 - eps)
    return -_mean(-xp.log(p), sample_weight, xp)


def _accuracy(proba, y, sample_weight, xp):
    hits = xp.astype(xp.argmax(proba, axis=-1) == y, proba.dtype)
    return _mean(hits, sample_weight, xp)


def _neg_mse(pred, y, sample_weight, xp):
    return -_mean((pred - y) ** 2, sample_weight, xp)


def _neg_rmse(pred, y, sample_weight, xp):
    return -xp.sqrt(_mean((pred - y) ** 2, sample_weight, xp))


def _neg_mae(pred, y, sample_weight, xp):
    return -_mean(xp.abs(pred - y), sample_weight, xp)


def _r2(pred, y, sample_weight, xp):
    y_mean = _mean(y, sample_weight, xp)
    residual = _mean((pred - y) ** 2, sample_weight, xp)
    total = _mean((y - y_mean) ** 2, sample_weight, xp)
    if float(total) == 0.0:
        # scikit-learn's convention for a constant target.
        return xp.where(residual == 0, xp.ones_like(residual), xp.zeros_like(residual))
    return 1 - residual / total


_VECTORISED_SCORES = {
    "classifier": {"neg_log_loss": _neg_log_loss, "accuracy": _accuracy},
    "regressor": {
        "neg_mean_squared_error": _neg_mse,
        "neg_root_mean_squared_error": _neg_rmse,
        "neg_mean_absolute_error": _neg_mae,
        "r2": _r2,
    },
}


class _FixedPredictions:
    """Stands in for a fitted estimator whose outputs are already known.

    Lets any scikit-learn scorer score a candidate ensemble: the scorer calls
    ``predict``/``predict_proba`` and gets the ensemble's output.
    """

    def __init__(self, output, classes, tags):
        self.output = output
        self.classes_ = classes
        self._tags = tags

    def __sklearn_tags__(self):
        return self._tags

    def predict(self, X):
        if self.classes_ is None:
            return self.output
        return self.classes_[np.argmax(self.output, axis=1)]

    def predict_proba(self, X):
        return self.output


class _AnyClassifier(ClassifierMixin, BaseEstimator):
    pass


class _AnyRegressor(RegressorMixin, BaseEstimator):
    pass


def make_ensemble_scorer(scoring, y, *, classes=None, sample_weight=None, xp=None):
    """Turn a scorer into a function that scores many candidate ensembles at once.

    Parameters
    ----------
    scoring : str or callable
        A scikit-learn scorer name or a callable ``scorer(estimator, X, y)``.
        ``"neg_log_loss"`` and ``"accuracy"`` (classifiers),
        ``"r2"``, ``"neg_mean_squared_error"``,
        ``"neg_root_mean_squared_error"`` and ``"neg_mean_absolute_error"``
        (regressors) are computed in the array namespace of the candidates,
        all at once; any other scorer runs candidate by candidate on NumPy
        copies.
    y : array of shape (n_samples,)
        For classifiers, class indices ``0..n_classes-1``. In the namespace
        and on the device of the candidates (NumPy for NumPy candidates).
    classes : ndarray of shape (n_classes,), default=None
        The class labels (classifiers), used by general scorers; ``None``
        for a regressor.
    sample_weight : array of shape (n_samples,), default=None
        Weights of the rows in the score.
    xp : module, default=None
        Namespace of the candidates; defaults to that of ``y``.

    Returns
    -------
    score : callable
        ``score(candidates) -> scores``: ``candidates`` has shape
        ``(n_candidates, n_samples[, n_classes])``, ``scores`` shape
        ``(n_candidates,)`` (greater is better), in ``xp``.

    Examples
    --------
    >>> import numpy as np
    >>> from skextra.ensemble._selection import make_ensemble_scorer
    >>> score = make_ensemble_scorer("accuracy", np.array([0, 1, 1]),
    ...                              classes=np.array([0, 1]))
    >>> candidates = np.array([[[0.9, 0.1], [0.2, 0.8], [0.6, 0.4]],
    ...                        [[0.6, 0.4], [0.4, 0.6], [0.3, 0.7]]])
    >>> score(candidates)
    array([0.66666667, 1.        ])
    """
    xp = get_namespace(y, xp=xp)
    kind = "regressor" if classes is None else "classifier"
    fast = _VECTORISED_SCORES[kind].get(scoring) if isinstance(scoring, str) else None
    if fast is not None:
        y_xp = y
        w_xp = None
        if sample_weight is not None:
            w_xp = move_to(sample_weight, xp=xp, device=device(y_xp))

        def score(candidates):
            w = None if w_xp is None else xp.astype(w_xp, candidates.dtype)
            target = y_xp if classes is not None else xp.astype(y_xp, candidates.dtype)
            return fast(candidates, target, w, xp)

        return score

    scorer = get_scorer(scoring) if isinstance(scoring, str) else scoring
    y_np = to_numpy(y)
    labels = y_np if classes is None else np.asarray(classes)[y_np.astype(int)]
    w_np = None if sample_weight is None else to_numpy(sample_weight)
    tags = (_AnyRegressor() if classes is None else _AnyClassifier()).__sklearn_tags__()
    dummy_X = np.zeros((len(y_np), 1))

    def score(candidates):
        xp_c = get_namespace(candidates)
        values = []
        for k in range(candidates.shape[0]):
            output = to_numpy(candidates[k, ...])
            kwargs = {} if w_np is None else {"sample_weight": w_np}
            fixed = _FixedPredictions(output, classes, tags)
            values.append(float(scorer(fixed, dummy_X, labels, **kwargs)))
        return move_to(np.asarray(values), xp=xp_c, device=device(candidates))

    return score


# --------------------------------------------------------------------------
# Hill climbing (array-API generic)
# --------------------------------------------------------------------------


def _score_candidates(base, count, predictions, score, xp):
    """Score ``(base + predictions[k]) / (count + 1)`` for every member k."""
    n_members = predictions.shape[0]
    per_member = math.prod(predictions.shape[1:])
    step = max(1, _CHUNK_ELEMENTS // max(per_member, 1))
    parts = []
    for start in range(0, n_members, step):
        block = predictions[start : min(start + step, n_members), ...]
        parts.append(score((base[None, ...] + block) / (count + 1)))
    scores = xp.concat(parts) if len(parts) > 1 else parts[0]
    return xp.where(xp.isnan(scores), xp.full_like(scores, -xp.inf), scores)


def hill_climb(predictions, score, *, ensemble_size, n_init=1, use_best_round=True):
    """Greedy forward selection with replacement (Caruana et al., 2004).

    Parameters
    ----------
    predictions : array of shape (n_members, n_samples, ...)
        The members' (out-of-fold) outputs, in any array-API namespace.
    score : callable
        ``score(candidates) -> scores`` for a batch of candidate ensemble
        outputs of shape ``(n_candidates, n_samples, ...)``; greater is
        better (see :func:`make_ensemble_scorer`).
    ensemble_size : int
        Number of picks (rounds), initial ones included.
    n_init : int or "auto", default=1
        Sorted initialisation: the first picks are the ``n_init`` best
        members by their own score, each once (capped at the number of
        members). ``"auto"`` takes the number of best members whose average
        scores best. 1 is plain greedy selection.
    use_best_round : bool, default=True
        Keep the ensemble after the round with the best score (the first
        such round on ties), as in step 4 of Caruana et al.; otherwise keep
        the ensemble after the last round.

    Returns
    -------
    counts : ndarray of int of shape (n_members,)
        How many times each member was picked in the kept ensemble.
    scores : ndarray of shape (ensemble_size,)
        The score after each round.

    Notes
    -----
    Ties between candidates go to the lowest member index (the first
    ``argmax``), so the result is deterministic.

    Examples
    --------
    >>> import numpy as np
    >>> from skextra.ensemble._selection import hill_climb, make_ensemble_scorer
    >>> y = np.array([1.0, 2.0, 3.0])
    >>> predictions = np.array([[1.5, 2.5, 3.5], [0.5, 1.5, 2.5], [3.0, 3.0, 3.0]])
    >>> score = make_ensemble_scorer("r2", y)
    >>> counts, scores = hill_climb(predictions, score, ensemble_size=4)
    >>> scores
    array([0.625     , 1.        , 0.95833333, 1.        ])
    >>> counts  # the ensemble after round 2, the first with the best score
    array([1, 1, 0])
    """
    xp = get_namespace(predictions)
    n_members = predictions.shape[0]
    empty = xp.zeros_like(predictions[0, ...])
    alone = to_numpy(_score_candidates(empty, 0, predictions, score, xp))
    order = np.argsort(-alone, kind="stable")
    if n_init == "auto":
        prefix_scores = []
        total = xp.zeros_like(predictions[0, ...])
        for r in range(min(n_members, ensemble_size)):
            total = total + predictions[int(order[r]), ...]
            prefix_scores.append(
                float(to_numpy(score((total / (r + 1))[None, ...]))[0])
            )
        n_init = int(np.argmax(prefix_scores)) + 1
    n_init = min(n_init, n_members)

    picks, scores = [], []
    total = xp.zeros_like(predictions[0, ...])
    for r in range(ensemble_size):
        if r < n_init:
            best = int(order[r])
            if r == 0:
                value = float(alone[best])
            else:
                candidate = (total + predictions[best, ...]) / (r + 1)
                value = float(to_numpy(score(candidate[None, ...]))[0])
        else:
            candidate_scores = _score_candidates(total, r, predictions, score, xp)
            best = int(to_numpy(xp.argmax(candidate_scores)))
            value = float(to_numpy(candidate_scores)[best])
        total = total + predictions[best, ...]
        picks.append(best)
        scores.append(value)
    scores = np.asarray(scores, dtype=float)
    kept = int(np.argmax(scores)) + 1 if use_best_round else ensemble_size
    counts = np.bincount(np.asarray(picks[:kept], dtype=int), minlength=n_members)
    return counts, scores


# --------------------------------------------------------------------------
# Estimators
# --------------------------------------------------------------------------


class _BaseEnsembleSelection(_BaseMemberEnsemble):
    _parameter_constraints: dict = {
        "estimators": [list],
        "ensemble_size": [Interval(Integral, 1, None, closed="left")],
        "n_init": [Interval(Integral, 1, None, closed="left"), StrOptions({"auto"})],
        "n_bags": [Interval(Integral, 1, None, closed="left")],
        "bag_fraction": [Interval(Real, 0, 1, closed="right")],
        "use_best_round": ["boolean"],
        "scoring": [StrOptions(set(get_scorer_names())), callable, None],
        "cv": ["cv_object"],
        "sampler": [HasMethods(["fit_resample"]), None],
        "early_stopping_rounds": [Interval(Integral, 1, None, closed="left"), None],
        "n_jobs": [None, Integral],
        "random_state": ["random_state"],
        "verbose": ["verbose"],
        "device": DEVICE_CONSTRAINT,
    }

    def __init__(
        self,
        estimators,
        *,
        ensemble_size=50,
        n_init=1,
        n_bags=1,
        bag_fraction=0.5,
        use_best_round=True,
        scoring=None,
        cv=None,
        sampler=None,
        early_stopping_rounds=None,
        n_jobs=None,
        random_state=None,
        verbose=0,
        device=None,
    ):
        super().__init__(estimators)
        self.ensemble_size = ensemble_size
        self.n_init = n_init
        self.n_bags = n_bags
        self.bag_fraction = bag_fraction
        self.use_best_round = use_best_round
        self.scoring = scoring
        self.cv = cv
        self.sampler = sampler
        self.early_stopping_rounds = early_stopping_rounds
        self.n_jobs = n_jobs
        self.random_state = random_state
        self.verbose = verbose
        self.device = device

    def _member_outputs(self, names, members, X, y, sample_weight, groups):
        """Out-of-fold outputs of unfitted members, in-sample ones of frozen ones."""
        classifier = isinstance(self, ClassifierMixin)
        method = "predict_proba" if classifier else "predict"
        to_fit = [k for k, m in enumerate(members) if not is_frozen(m)]
        fitted = list(members)
        outputs = [None] * len(members)
        if to_fit:
            cv = check_cv(self.cv, y, classifier=classifier)
            result = fit_members_oof_device_aware(
                [members[k] for k in to_fit],
                X,
                y,
                cv=cv,
                groups=groups,
                methods=[method] * len(to_fit),
                names=[names[k] for k in to_fit],
                fit_params=[
                    _member_fit_params(names[k], members[k], sample_weight)
                    for k in to_fit
                ],
                sampler=self.sampler,
                early_stopping_rounds=self.early_stopping_rounds,
                n_jobs=self.n_jobs,
                verbose=self.verbose,
            )
            for k, est, pred in zip(to_fit, result.estimators, result.predictions):
                fitted[k] = est
                outputs[k] = pred
        self._finish_members(names, fitted)
        for k, member in enumerate(members):
            if is_frozen(member):
                outputs[k] = (
                    to_numpy(self._member_proba(k, X))
                    if classifier
                    else to_numpy(member.predict(X)).reshape(-1)
                )
        return np.stack([np.asarray(o, dtype=np.float64) for o in outputs])

    def _fit(self, X, y, sample_weight, groups):
        names, members = self._live_members()
        X, y = self._validate_input(X, y, reset=True)
        y = self._encode_target(y)
        if sample_weight is not None:
            sample_weight = _check_sample_weight(sample_weight, X)
        if self.n_init != "auto" and self.n_init > self.ensemble_size:
            raise ValueError(
                f"n_init ({self.n_init}) cannot exceed ensemble_size "
                f"({self.ensemble_size})."
            )
        classifier = isinstance(self, ClassifierMixin)
        if classifier:
            for name, member in zip(names, members):
                if not hasattr(member, "predict_proba"):
                    raise ValueError(
                        f"Member {name!r} ({type(member).__name__}) has no "
                        "predict_proba; ensemble selection averages probabilities."
                    )
        members = members_to_device(members, self.device)
        predictions = self._member_outputs(names, members, X, y, sample_weight, groups)
        scoring = self.scoring
        if scoring is None:
            scoring = "neg_log_loss" if classifier else "r2"
        score = make_ensemble_scorer(
            scoring,
            y,
            classes=self.classes_ if classifier else None,
            sample_weight=sample_weight,
        )
        self.weights_, self.scores_ = self._select(predictions, score)
        self.member_scores_ = to_numpy(score(predictions))
        return self

    def _select(self, predictions, score):
        """Run (bagged) hill climbing; return the weights and score trajectories."""
        n_members = predictions.shape[0]
        rng = check_random_state(self.random_state)
        if self.n_bags == 1:
            subsets = [np.arange(n_members)]
        else:
            size = max(1, int(round(self.bag_fraction * n_members)))
            subsets = [
                np.sort(rng.choice(n_members, size=size, replace=False))
                for _ in range(self.n_bags)
            ]
        weights = np.zeros(n_members)
        trajectories = []
        for subset in subsets:
            counts, scores = hill_climb(
                predictions[subset],
                score,
                ensemble_size=self.ensemble_size,
                n_init=self.n_init,
                use_best_round=self.use_best_round,
            )
            weights[subset] += counts / counts.sum()
            trajectories.append(scores)
        weights /= len(subsets)
        scores = trajectories[0] if self.n_bags == 1 else np.stack(trajectories)
        return weights, scores

    def _used(self):
        return [k for k, w in enumerate(self.weights_) if w > 0]


@fill_doc(ENSEMBLE_DOCS)
class EnsembleSelectionClassifier(ClassifierMixin, _BaseEnsembleSelection):
    """Weighted average of classifiers chosen by greedy ensemble selection.

    Caruana et al.'s ensemble selection: forward selection with replacement
    of the members whose averaged out-of-fold probabilities score best, with
    sorted initialisation and optional bagged selection. ``predict_proba``
    is the weighted mean of the members' probabilities.

    Parameters
    ----------
    {{selection_estimators}}
    {{ensemble_size}}
    {{n_init}}
    {{n_bags}}
    {{bag_fraction}}
    {{use_best_round}}
    scoring : str or callable, default=None
        Any scikit-learn scorer (name or callable), greater is better.
        ``None`` uses ``"neg_log_loss"``: a smooth, proper score that
        rarely ties, so each round makes a real choice (accuracy is flat over
        most small changes of the average).
    cv : int, cross-validation generator or iterable, default=None
        How out-of-fold predictions are made (``None``: 5 folds, stratified).
        Every sample must be in exactly one test fold.
    {{sampler}}
    {{early_stopping_rounds}}
    {{n_jobs}}
    {{bags_random_state}}
    {{verbose}}
    {{device}}

    Attributes
    ----------
    {{selection_attributes}}
    classes_ : ndarray of shape (n_classes,)
        The class labels.
    n_features_in_ : int
        Number of features seen during fit.
    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Names of features seen during fit, when ``X`` has string column names.

    See Also
    --------
    EnsembleSelectionRegressor : The same for regressors.
    CombinationClassifier : Fixed combination rules.

    Notes
    -----
    Ties between members are broken by the lowest index, so the same data
    give the same weights. Members are fitted on labels encoded as
    ``0..n_classes-1``.

    References
    ----------
    .. [1] Caruana, Niculescu-Mizil, Crew and Ksikes (2004). Ensemble
       selection from libraries of models. ICML.

    Examples
    --------
    >>> from sklearn.datasets import load_breast_cancer
    >>> from sklearn.linear_model import LogisticRegression
    >>> from sklearn.naive_bayes import GaussianNB
    >>> from sklearn.pipeline import make_pipeline
    >>> from sklearn.preprocessing import StandardScaler
    >>> from sklearn.tree import DecisionTreeClassifier
    >>> from skextra.ensemble import EnsembleSelectionClassifier
    >>> X, y = load_breast_cancer(return_X_y=True)
    >>> members = [
    ...     ("lr", make_pipeline(StandardScaler(), LogisticRegression())),
    ...     ("nb", GaussianNB()),
    ...     ("tree", DecisionTreeClassifier(max_depth=4, random_state=0)),
    ... ]
    >>> clf = EnsembleSelectionClassifier(members, ensemble_size=10).fit(X, y)
    >>> clf.weights_
    array([0.9, 0.1, 0. ])
    >>> clf.predict(X[:3])
    array([0, 0, 0])
    """

    @_fit_context(prefer_skip_nested_validation=False)
    def fit(self, X, y, sample_weight=None, groups=None):
        """Fit the members out of fold and select the weights.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Training data, passed to the members as given.
        y : array-like of shape (n_samples,)
            Target labels.
        sample_weight : array-like of shape (n_samples,), default=None
            Passed to every unfitted member (they must accept it) and used in
            the score that drives the selection.
        groups : array-like of shape (n_samples,), default=None
            Group labels passed to ``cv.split`` (e.g. with
            :class:`~sklearn.model_selection.GroupKFold`).

        Returns
        -------
        self : object
        """
        return self._fit(X, y, sample_weight, groups)

    def predict_proba(self, X):
        """Weighted mean of the members' probabilities.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)

        Returns
        -------
        proba : ndarray of shape (n_samples, n_classes)
        """
        check_is_fitted(self)
        X = self._validate_input(X, reset=False)
        used = self._used()
        return combine_proba(
            self._stack_proba(X, used), "mean", weights=self.weights_[used]
        )

    def predict(self, X):
        """Predict class labels (the most probable class).

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)

        Returns
        -------
        y_pred : ndarray of shape (n_samples,)
        """
        proba = self.predict_proba(X)
        xp = get_namespace(proba)
        return self.classes_[to_numpy(xp.argmax(proba, axis=1))]


@fill_doc(ENSEMBLE_DOCS)
class EnsembleSelectionRegressor(RegressorMixin, _BaseEnsembleSelection):
    """Weighted average of regressors chosen by greedy ensemble selection.

    Caruana et al.'s ensemble selection: forward selection with replacement
    of the members whose averaged out-of-fold predictions score best, with
    sorted initialisation and optional bagged selection. ``predict`` is the
    weighted mean of the members' predictions.

    Parameters
    ----------
    {{selection_estimators}}
    {{ensemble_size}}
    {{n_init}}
    {{n_bags}}
    {{bag_fraction}}
    {{use_best_round}}
    scoring : str or callable, default=None
        Any scikit-learn scorer (name or callable), greater is better.
        ``None`` uses ``"r2"`` (the same choices as the mean squared
        error, on a readable scale).
    cv : int, cross-validation generator or iterable, default=None
        How out-of-fold predictions are made (``None``: 5 folds).
        Every sample must be in exactly one test fold.
    {{sampler}}
    {{early_stopping_rounds}}
    {{n_jobs}}
    {{bags_random_state}}
    {{verbose}}
    {{device}}

    Attributes
    ----------
    {{selection_attributes}}
    n_features_in_ : int
        Number of features seen during fit.
    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Names of features seen during fit, when ``X`` has string column names.

    See Also
    --------
    EnsembleSelectionClassifier : The same for classifiers.
    CombinationRegressor : Fixed combination rules.

    References
    ----------
    .. [1] Caruana, Niculescu-Mizil, Crew and Ksikes (2004). Ensemble
       selection from libraries of models. ICML.

    Examples
    --------
    >>> from sklearn.datasets import load_diabetes
    >>> from sklearn.linear_model import Ridge
    >>> from sklearn.neighbors import KNeighborsRegressor
    >>> from sklearn.tree import DecisionTreeRegressor
    >>> from skextra.ensemble import EnsembleSelectionRegressor
    >>> X, y = load_diabetes(return_X_y=True)
    >>> members = [("ridge", Ridge(alpha=0.1)), ("knn", KNeighborsRegressor(20)),
    ...            ("tree", DecisionTreeRegressor(max_depth=3, random_state=0))]
    >>> reg = EnsembleSelectionRegressor(members, ensemble_size=10).fit(X, y)
    >>> reg.weights_.round(3)
    array([0.714, 0.286, 0.   ])
    >>> reg.member_scores_.round(3)
    array([0.493, 0.464, 0.328])
    >>> round(float(reg.scores_.max()), 3)
    0.498
    """

    @_fit_context(prefer_skip_nested_validation=False)
    def fit(self, X, y, sample_weight=None, groups=None):
        """Fit the members out of fold and select the weights.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Training data, passed to the members as given.
        y : array-like of shape (n_samples,)
            Target values.
        sample_weight : array-like of shape (n_samples,), default=None
            Passed to every unfitted member (they must accept it) and used in
            the score that drives the selection.
        groups : array-like of shape (n_samples,), default=None
            Group labels passed to ``cv.split`` (e.g. with
            :class:`~sklearn.model_selection.GroupKFold`).

        Returns
        -------
        self : object
        """
        return self._fit(X, y, sample_weight, groups)

    def predict(self, X):
        """Weighted mean of the members' predictions.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)

        Returns
        -------
        y_pred : ndarray of shape (n_samples,)
        """
        check_is_fitted(self)
        X = self._validate_input(X, reset=False)
        used = self._used()
        return combine_values(
            self._stack_predictions(X, used), "mean", weights=self.weights_[used]
        )
