"""Final estimators that weight the members: non-negative weights summing to one.

A stack's final estimator sees the members' out-of-fold outputs as columns.
The estimators here combine those columns with a convex combination (the
"super learner" of van der Laan et al. 2007, and AutoGluon's weighted
ensemble): the stack's output is a weighted mean of the members' outputs,
so it cannot leave the range they span, and a member with weight 0 is
unused. The weights are found either exactly (constrained optimisation over
the simplex) or greedily (Caruana's ensemble selection with replacement).
"""

from numbers import Integral

import numpy as np
import scipy.sparse as sparse
from scipy.optimize import minimize
from sklearn.base import (
    BaseEstimator,
    ClassifierMixin,
    MetaEstimatorMixin,
    RegressorMixin,
    _fit_context,
    clone,
    is_classifier,
)
from sklearn.metrics import accuracy_score, log_loss, mean_squared_error
from sklearn.model_selection import cross_val_predict
from sklearn.preprocessing import LabelEncoder
from sklearn.utils import get_tags
from sklearn.utils._param_validation import Interval, StrOptions
from sklearn.utils.multiclass import check_classification_targets
from sklearn.utils.validation import (
    _check_sample_weight,
    check_is_fitted,
    validate_data,
)

from ._hill_climb import hill_climb, make_ensemble_scorer

_FINAL_CONSTRAINTS = {
    "method": [StrOptions({"exact", "greedy"})],
    "ensemble_size": [Interval(Integral, 1, None, closed="left")],
}


def _simplex_minimize(loss, n_weights):
    """Minimise the convex ``loss(w) -> (value, gradient)`` over the simplex."""
    if n_weights == 1:
        return np.ones(1)
    start = np.full(n_weights, 1.0 / n_weights)
    found = minimize(
        loss,
        start,
        jac=True,
        method="SLSQP",
        bounds=[(0.0, 1.0)] * n_weights,
        constraints=[
            {"type": "eq", "fun": lambda w: w.sum() - 1.0, "jac": np.ones_like}
        ],
        options={"ftol": 1e-12, "maxiter": 1000},
    )
    weights = np.clip(found.x, 0.0, None)
    return weights / weights.sum()


def _greedy_weights(predictions, y, scoring, classes, sample_weight, ensemble_size):
    """Caruana's selection; the best prefix of the path gives the weights."""
    score = make_ensemble_scorer(
        scoring, y, classes=classes, sample_weight=sample_weight
    )
    counts, _ = hill_climb(
        predictions, score, ensemble_size=ensemble_size, n_init=1, use_best_round=True
    )
    return counts / counts.sum()


class ConvexWeightsRegressor(RegressorMixin, BaseEstimator):
    """Weighted mean of the input columns, weights non-negative and summing to one.

    As the final estimator of a :class:`StackingRegressor`, each column is a
    member's out-of-fold predictions and the stack predicts their weighted
    mean (no intercept).

    Parameters
    ----------
    method : {"exact", "greedy"}, default="exact"
        ``"exact"`` minimises the (weighted) squared error over the simplex
        of weights (SLSQP from :func:`scipy.optimize.minimize`): the
        least-squares super learner. ``"greedy"`` is Caruana's ensemble
        selection on the squared error: with replacement, the first pick is
        the best single column, and the best prefix of the
        ``ensemble_size`` picks is kept (its pick counts, normalised, are
        the weights), as AutoGluon's weighted ensemble.

    ensemble_size : int, default=25
        Number of greedy picks (``method="greedy"`` only). 1 keeps the best
        single column.

    Attributes
    ----------
    weights_ : ndarray of shape (n_features_in_,)
        The weight of each column; non-negative, summing to one.

    n_features_in_ : int
        Number of features seen during :term:`fit`.

    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Names of features seen during :term:`fit`. Defined only when `X`
        has feature names that are all strings.

    See Also
    --------
    ConvexWeightsClassifier : The same on the members' probabilities.
    EnsembleSelectionRegressor : Caruana's selection over unfitted members.

    References
    ----------
    .. [1] van der Laan, Polley and Hubbard. "Super learner." Statistical
       Applications in Genetics and Molecular Biology 6.1 (2007).
    .. [2] Caruana, Niculescu-Mizil, Crew and Ksikes. "Ensemble selection
       from libraries of models." ICML 2004.

    Examples
    --------
    >>> import numpy as np
    >>> from skextra.ensemble import ConvexWeightsRegressor
    >>> y = np.array([1.0, 2.0, 3.0, 4.0])
    >>> X = np.column_stack([y + 1.0, y - 1.0, np.full(4, 2.5)])
    >>> ConvexWeightsRegressor().fit(X, y).weights_.round(3)
    array([0.5, 0.5, 0. ])
    """

    _parameter_constraints: dict = dict(_FINAL_CONSTRAINTS)

    def __init__(self, method="exact", ensemble_size=25):
        self.method = method
        self.ensemble_size = ensemble_size

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y, sample_weight=None):
        """Find the weights of the columns of X.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            The members' predictions, one column each.

        y : array-like of shape (n_samples,)
            Target values.

        sample_weight : array-like of shape (n_samples,), default=None
            Weights of the rows in the squared error.

        Returns
        -------
        self : object
            The fitted estimator.
        """
        X, y = validate_data(self, X, y, y_numeric=True, dtype=np.float64)
        w = _check_sample_weight(sample_weight, X) / len(y)
        if self.method == "greedy":
            self.weights_ = _greedy_weights(
                X.T, y, "neg_mean_squared_error", None, w, self.ensemble_size
            )
            return self
        scale = max(
            float(np.average((y - np.average(y, weights=w)) ** 2, weights=w)), 1e-12
        )
        weighted = w / (w.sum() * scale)

        def loss(weights):
            residual = X @ weights - y
            return residual**2 @ weighted, 2.0 * (X.T @ (residual * weighted))

        self.weights_ = _simplex_minimize(loss, X.shape[1])
        return self

    def predict(self, X):
        """Weighted mean of the columns of X.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            The members' predictions.

        Returns
        -------
        y_pred : ndarray of shape (n_samples,)
            ``X @ weights_``.
        """
        check_is_fitted(self)
        X = validate_data(self, X, reset=False, dtype=np.float64)
        return X @ self.weights_


class ConvexWeightsClassifier(ClassifierMixin, BaseEstimator):
    """Weighted mean of the members' probabilities, weights on the simplex.

    As the final estimator of a :class:`StackingClassifier` (with
    ``stack_method="predict_proba"``), the input holds each member's
    probabilities: for a binary target one column per member (the
    probability of the second class, as stacking gives it), otherwise one
    block of ``n_classes`` columns per member, in the order of ``classes_``.
    The predicted probabilities are the weighted mean of the members'
    probabilities.

    Parameters
    ----------
    method : {"exact", "greedy"}, default="exact"
        ``"exact"`` minimises the (weighted) log loss of the mixed
        probabilities over the simplex of weights (SLSQP from
        :func:`scipy.optimize.minimize`; the log loss is convex in the
        weights). ``"greedy"`` is Caruana's ensemble selection on the log
        loss: with replacement, first pick the best single member, keep the
        best prefix of the ``ensemble_size`` picks, as AutoGluon's weighted
        ensemble.

    ensemble_size : int, default=25
        Number of greedy picks (``method="greedy"`` only). 1 keeps the best
        single member.

    Attributes
    ----------
    classes_ : ndarray of shape (n_classes,)
        Class labels.

    weights_ : ndarray of shape (n_members,)
        The weight of each member (block of columns); non-negative, summing
        to one.

    n_features_in_ : int
        Number of features seen during :term:`fit`.

    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Names of features seen during :term:`fit`. Defined only when `X`
        has feature names that are all strings.

    See Also
    --------
    ConvexWeightsRegressor : The same on predictions, by least squares.
    EnsembleSelectionClassifier : Caruana's selection over unfitted members.

    Notes
    -----
    The input must be probabilities: a value outside [0, 1], or a number of
    columns that is not a multiple of ``n_classes`` (more than two
    classes), raises a ``ValueError``. Use it with
    ``drop_proba_col=False`` (the default) on more than two classes.

    Examples
    --------
    >>> import numpy as np
    >>> from skextra.ensemble import ConvexWeightsClassifier
    >>> y = np.array([0, 1, 1, 0])
    >>> X = np.column_stack([[0.1, 0.9, 0.8, 0.2], [0.9, 0.1, 0.5, 0.5]])
    >>> clf = ConvexWeightsClassifier().fit(X, y)
    >>> clf.weights_.round(3)
    array([1., 0.])
    >>> clf.predict(X)
    array([0, 1, 1, 0])
    """

    _parameter_constraints: dict = dict(_FINAL_CONSTRAINTS)

    def __init__(self, method="exact", ensemble_size=25):
        self.method = method
        self.ensemble_size = ensemble_size

    def _blocks(self, X):
        """The members' probabilities, shape (n_members, n_samples, n_classes)."""
        if X.size and (X.min() < 0.0 or X.max() > 1.0):
            raise ValueError(
                f"{type(self).__name__} needs X of probabilities in [0, 1] (the "
                f"members' predict_proba columns); got values from {X.min():.3g} "
                f"to {X.max():.3g}."
            )
        n_classes = len(self.classes_)
        if n_classes == 2:
            return np.stack([1.0 - X.T, X.T], axis=-1)
        if X.shape[1] % n_classes:
            raise ValueError(
                f"{type(self).__name__} needs X with one block of n_classes="
                f"{n_classes} probability columns per member; got "
                f"{X.shape[1]} columns."
            )
        return X.reshape(X.shape[0], -1, n_classes).transpose(1, 0, 2)

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y, sample_weight=None):
        """Find the weights of the members.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            The members' probabilities (see the class description).

        y : array-like of shape (n_samples,)
            Class labels.

        sample_weight : array-like of shape (n_samples,), default=None
            Weights of the rows in the log loss.

        Returns
        -------
        self : object
            The fitted estimator.
        """
        X, y = validate_data(self, X, y, dtype=np.float64)
        check_classification_targets(y)
        encoder = LabelEncoder().fit(y)
        self.classes_ = encoder.classes_
        if len(self.classes_) < 2:
            raise ValueError(
                f"{type(self).__name__} needs at least 2 classes in y; got "
                f"{len(self.classes_)} class."
            )
        y = encoder.transform(y)
        blocks = self._blocks(X)
        w = _check_sample_weight(sample_weight, X)
        if self.method == "greedy":
            self.weights_ = _greedy_weights(
                blocks, y, "neg_log_loss", self.classes_, w, self.ensemble_size
            )
            return self
        true_class = blocks[:, np.arange(len(y)), y].T
        eps = np.finfo(float).eps
        weighted = w / w.sum()

        def loss(weights):
            p = np.clip(true_class @ weights, eps, None)
            return -np.log(p) @ weighted, -true_class.T @ (weighted / p)

        self.weights_ = _simplex_minimize(loss, blocks.shape[0])
        return self

    def predict_proba(self, X):
        """Weighted mean of the members' probabilities.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            The members' probabilities.

        Returns
        -------
        proba : ndarray of shape (n_samples, n_classes)
            Class probabilities, columns in the order of ``classes_``.
        """
        check_is_fitted(self)
        X = validate_data(self, X, reset=False, dtype=np.float64)
        proba = np.tensordot(self.weights_, self._blocks(X), axes=1)
        # float32 members (XGBoost) sum to one only to float32 precision.
        total = proba.sum(axis=1, keepdims=True)
        return np.divide(proba, total, out=proba, where=total > 0)

    def decision_function(self, X):
        """Log-odds (binary) or log probabilities of the mixed probabilities.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            The members' probabilities.

        Returns
        -------
        decisions : ndarray of shape (n_samples,) or (n_samples, n_classes)
            ``log(p / (1 - p))`` of the second class for a binary target,
            ``log(p)`` of each class otherwise; ordered as
            :meth:`predict_proba`.
        """
        eps = np.finfo(float).eps
        proba = np.clip(self.predict_proba(X), eps, 1.0)
        if proba.shape[1] == 2:
            return np.log(proba[:, 1]) - np.log(proba[:, 0])
        return np.log(proba)

    def predict(self, X):
        """Class with the highest weighted mean probability.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            The members' probabilities.

        Returns
        -------
        y_pred : ndarray of shape (n_samples,)
            Predicted class labels.
        """
        proba = self.predict_proba(X)
        return self.classes_[np.argmax(proba, axis=1)]


class _OnColumns(MetaEstimatorMixin, BaseEstimator):
    """``estimator`` fitted on, and predicting from, some columns of X only."""

    def __init__(self, estimator, columns):
        self.estimator = estimator
        self.columns = columns

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        inner = get_tags(self.estimator)
        tags.estimator_type = inner.estimator_type
        tags.classifier_tags = inner.classifier_tags
        tags.regressor_tags = inner.regressor_tags
        return tags

    def _part(self, X):
        X = X[:, list(self.columns)]
        return X.toarray() if sparse.issparse(X) else X

    def fit(self, X, y, **fit_params):
        self.estimator_ = clone(self.estimator).fit(self._part(X), y, **fit_params)
        if hasattr(self.estimator_, "classes_"):
            self.classes_ = self.estimator_.classes_
        return self

    def predict(self, X):
        return self.estimator_.predict(self._part(X))

    def predict_proba(self, X):
        return self.estimator_.predict_proba(self._part(X))

    def decision_function(self, X):
        return self.estimator_.decision_function(self._part(X))


def _last_layer(columns, final):
    """``final`` on the given columns of the stack's meta-features only."""
    return _OnColumns(final, tuple(columns))


def _candidates(final, columns, classifier, probabilities):
    """The final layers to choose from, by name."""
    candidates = {"final_estimator": final}
    if classifier and not probabilities:
        return candidates
    weights = ConvexWeightsClassifier if classifier else ConvexWeightsRegressor
    candidates["weighted_ensemble"] = _last_layer(
        columns, weights(method="greedy", ensemble_size=25)
    )
    candidates["best_member"] = _last_layer(
        columns, weights(method="greedy", ensemble_size=1)
    )
    return candidates


def _out_of_fold_score(candidate, X, y, splits, fit_params, use_proba):
    """Score of ``candidate`` fitted on the training part of each split."""
    method = "predict_proba" if use_proba else "predict"
    pred = cross_val_predict(
        candidate, X, y, cv=splits, method=method, params=fit_params or None
    )
    weight = (fit_params or {}).get("sample_weight")
    weight = None if weight is None else np.asarray(weight)
    if use_proba:
        return -log_loss(y, pred, sample_weight=weight, labels=np.unique(y))
    if is_classifier(candidate):
        return accuracy_score(y, pred, sample_weight=weight)
    return -mean_squared_error(y, pred, sample_weight=weight)


def select_final_estimator(
    final, X_meta, y, *, columns, splits, probabilities, fit_params=None
):
    """Choose among the final estimator, a weighted ensemble and the best member.

    Each candidate is scored out of fold on the meta-features (a second
    cross-validation on ``splits``): ``final`` itself; Caruana's weighted
    ensemble of the members' outputs in ``columns`` (the last layer's, or
    every layer's); the best single member among them (the same selection
    stopped after its first pick). Classifiers are scored by log loss when
    every candidate gives probabilities (accuracy otherwise), regressors by
    squared error.

    Returns
    -------
    name : str
        The chosen candidate: ``"final_estimator"``, ``"weighted_ensemble"``
        or ``"best_member"``.
    chosen : estimator
        The unfitted candidate with the best score (the first on ties, in
        the order above).
    scores : dict of str to float
        Each candidate's out-of-fold score; greater is better
        (``-log_loss``, accuracy or ``-mean_squared_error``).
    """
    classifier = is_classifier(final)
    candidates = _candidates(final, columns, classifier, probabilities)
    use_proba = classifier and all(
        hasattr(candidate, "predict_proba") for candidate in candidates.values()
    )
    scores = {
        name: _out_of_fold_score(
            clone(candidate), X_meta, y, splits, fit_params, use_proba
        )
        for name, candidate in candidates.items()
    }
    best = max(scores, key=scores.get)
    return best, candidates[best], scores
