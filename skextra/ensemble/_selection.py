"""Ensemble selection from a library of models (Caruana et al., 2004).

Greedy forward selection with replacement over the members' out-of-fold
predictions: start from the ``n_init`` best members, then repeatedly add the
member (possibly one already in) whose addition to the average gives the best
score. The number of times a member was picked, divided by the ensemble size,
is its weight in a weighted mean of the members' outputs.

The hill climbing (:func:`~skextra.ensemble._hill_climb.hill_climb`) and the
vectorised scores of the common metrics live in ``_hill_climb.py``, written
against the array-API namespace, so they run on NumPy, CuPy and PyTorch
arrays alike.
"""

from numbers import Integral, Real

import numpy as np
from sklearn.base import (
    ClassifierMixin,
    RegressorMixin,
    _fit_context,
)
from sklearn.metrics import get_scorer_names
from sklearn.model_selection import check_cv
from sklearn.utils import check_random_state
from sklearn.utils._param_validation import HasMethods, Interval, StrOptions
from sklearn.utils.validation import _check_sample_weight, check_is_fitted

from ..gpu._dispatch import members_to_device
from ..utils._array_api import get_namespace, to_numpy
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
from ._hill_climb import hill_climb, make_ensemble_scorer

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
