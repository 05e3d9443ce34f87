"""Blending: stacking with one hold-out split instead of k folds."""

import math
from numbers import Integral

import numpy as np
from sklearn.base import ClassifierMixin, RegressorMixin, _fit_context, is_classifier
from sklearn.model_selection import ShuffleSplit, StratifiedShuffleSplit
from sklearn.utils._param_validation import Interval, RealNotInt, StrOptions

from ..utils._docstring import fill_doc
from ._base import ENSEMBLE_DOCS
from ._base_stacking import (
    STACKING_CV_DOCS,
    _BaseStacking,
    _StackClassifierMixin,
    _StackRegressorMixin,
)

_BLENDING_CONSTRAINTS = {
    **_BaseStacking._parameter_constraints,
    "passthrough": ["boolean"],
    "holdout_size": [
        Interval(RealNotInt, 0, 1, closed="neither"),
        Interval(Integral, 1, None, closed="left"),
    ],
    "shuffle": ["boolean"],
    "random_state": ["random_state"],
    "refit": ["boolean"],
}


class _Blending:
    """The out-of-fold plan of blending (shared by both estimators)."""

    def _oof_plan(self, X, y, groups):
        n_samples = len(y)
        if n_samples < 2:
            raise ValueError(
                f"{type(self).__name__} needs at least 2 samples to hold some "
                f"out; got n_samples={n_samples} (1 sample)."
            )
        if isinstance(self.holdout_size, Integral):
            n_test = int(self.holdout_size)
        else:
            n_test = int(math.ceil(self.holdout_size * n_samples))
        if not 1 <= n_test < n_samples:
            raise ValueError(
                f"holdout_size={self.holdout_size} leaves {n_test} hold-out "
                f"rows of n_samples={n_samples}; both parts must be non-empty."
            )
        if self.shuffle:
            stratify = is_classifier(self) and getattr(self, "stratify", False)
            splitter_class = StratifiedShuffleSplit if stratify else ShuffleSplit
            splitter = splitter_class(
                n_splits=1, test_size=n_test, random_state=self.random_state
            )
            train, test = next(splitter.split(np.zeros((n_samples, 1)), y))
            train, test = np.sort(train), np.sort(test)
        else:
            train = np.arange(n_samples - n_test)
            test = np.arange(n_samples - n_test, n_samples)
        self.holdout_indices_ = test
        return dict(
            cv=_OneSplit(train, test),
            require_partition=False,
            refit=self.refit,
            rows=test,
        )


class _OneSplit:
    """A splitter that yields one fixed (train, test) split."""

    def __init__(self, train, test):
        self.train = train
        self.test = test

    def split(self, X=None, y=None, groups=None):
        yield self.train, self.test

    def get_n_splits(self, X=None, y=None, groups=None):
        return 1


@fill_doc(ENSEMBLE_DOCS, STACKING_CV_DOCS)
class BlendingClassifier(
    _Blending, _StackClassifierMixin, ClassifierMixin, _BaseStacking
):
    """Blend of classifiers: a final classifier on hold-out predictions.

    The rows are split once: the members are fitted on the training part,
    and the final estimator on their predictions for the hold-out part.
    Cheaper than :class:`StackingClassifier` (one fit per member instead of
    k + 1) and free of the leakage between folds, at the cost of training
    the final estimator on fewer rows.

    Parameters
    ----------
    estimators : list of (str, estimator)
        The members: tuples of a name and a classifier. A member can be set to
        ``"drop"`` with ``set_params``.

    final_estimator : estimator, default=None
        The classifier trained on the members' hold-out predictions. ``None``
        means :class:`~sklearn.linear_model.LogisticRegression`.

    {{holdout}}

    stratify : bool, default=True
        Keep the class proportions in both parts (only when
        ``shuffle=True``).

    {{holdout_random_state}}

    {{refit}}

    stack_method : {'auto', 'predict_proba', 'decision_function', 'predict'}, \
            default='auto'
        The method of each member whose output is blended; ``'auto'`` tries
        ``predict_proba``, ``decision_function`` and ``predict`` in order.

    {{n_jobs}}

    passthrough : bool, default=False
        Also train the final estimator on the original inputs.

    {{verbose}}

    {{sampler}}

    {{early_stopping_rounds}}

    {{scoring}}

    {{device}}

    Attributes
    ----------
    classes_ : ndarray of shape (n_classes,)
        Class labels.

    estimators_ : list of estimators
        The fitted members that predict (fitted on the training part, or on
        all rows with ``refit=True``).

    named_estimators_ : :class:`~sklearn.utils.Bunch`
        The fitted members by name.

    stack_method_ : list of str
        The method used by each member.

    {{one_layer_attributes}}

    final_estimator_ : estimator
        The classifier trained on the hold-out predictions.

    holdout_indices_ : ndarray of int
        The hold-out rows (sorted).

    oof_predictions_ : dict of str to ndarray of shape (n_holdout, ...)
        Each member's predictions for the hold-out rows, in the order of
        ``holdout_indices_``.

    cv_scores_ : dict of str to ndarray of shape (1,)
        Each member's score on the hold-out rows (see ``scoring``).

    best_iterations_ : dict of str to list of int
        Boosting rounds found by early stopping, for the members that
        early-stopped.

    n_features_in_ : int
        Number of features seen during ``fit``.

    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Names of features seen during ``fit``. Defined only when `X`
        has feature names that are all strings.

    See Also
    --------
    BlendingRegressor : Blend of regressors.
    StackingClassifier : The same with k folds and several layers.

    Examples
    --------
    >>> from sklearn.datasets import load_breast_cancer
    >>> from sklearn.linear_model import LogisticRegression
    >>> from sklearn.model_selection import train_test_split
    >>> from sklearn.pipeline import make_pipeline
    >>> from sklearn.preprocessing import StandardScaler
    >>> from sklearn.tree import DecisionTreeClassifier
    >>> from skextra.ensemble import BlendingClassifier
    >>> X, y = load_breast_cancer(return_X_y=True)
    >>> X_train, X_test, y_train, y_test = train_test_split(
    ...     X, y, stratify=y, random_state=0)
    >>> clf = BlendingClassifier(
    ...     estimators=[("lr", make_pipeline(StandardScaler(), LogisticRegression())),
    ...                 ("tree", DecisionTreeClassifier(max_depth=3, random_state=0))],
    ...     holdout_size=0.25, random_state=0)
    >>> round(clf.fit(X_train, y_train).score(X_test, y_test), 2)
    0.96
    >>> clf.oof_predictions_["lr"].shape
    (107, 2)
    """

    _parameter_constraints: dict = {
        **_BLENDING_CONSTRAINTS,
        "stratify": ["boolean"],
        "stack_method": [
            StrOptions({"auto", "predict_proba", "decision_function", "predict"})
        ],
    }

    def __init__(
        self,
        estimators,
        final_estimator=None,
        *,
        holdout_size=0.2,
        shuffle=True,
        stratify=True,
        random_state=None,
        refit=False,
        stack_method="auto",
        n_jobs=None,
        passthrough=False,
        verbose=0,
        sampler=None,
        early_stopping_rounds=None,
        scoring=None,
        device=None,
    ):
        self.estimators = estimators
        self.final_estimator = final_estimator
        self.holdout_size = holdout_size
        self.shuffle = shuffle
        self.stratify = stratify
        self.random_state = random_state
        self.refit = refit
        self.stack_method = stack_method
        self.n_jobs = n_jobs
        self.passthrough = passthrough
        self.verbose = verbose
        self.sampler = sampler
        self.early_stopping_rounds = early_stopping_rounds
        self.scoring = scoring
        self.device = device

    def _stack_method_param(self):
        return self.stack_method

    @_fit_context(prefer_skip_nested_validation=False)
    def fit(self, X, y, *, sample_weight=None, **fit_params):
        """Fit the members on the training part, the final estimator on the rest.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Training vectors.

        y : array-like of shape (n_samples,)
            Target values.

        sample_weight : array-like of shape (n_samples,), default=None
            Weights of the samples, given to every member (their part) and to
            the final estimator (the hold-out part).

        **fit_params : dict
            Other metadata, routed to the members and the final estimator
            that request it; only with
            ``sklearn.set_config(enable_metadata_routing=True)``.

        Returns
        -------
        self : object
            The fitted estimator.
        """
        return self._fit_stack(X, y, sample_weight=sample_weight, **fit_params)


@fill_doc(ENSEMBLE_DOCS, STACKING_CV_DOCS)
class BlendingRegressor(_Blending, _StackRegressorMixin, RegressorMixin, _BaseStacking):
    """Blend of regressors: a final regressor on hold-out predictions.

    The rows are split once: the members are fitted on the training part,
    and the final estimator on their predictions for the hold-out part.

    Parameters
    ----------
    estimators : list of (str, estimator)
        The members: tuples of a name and a regressor. A member can be set to
        ``"drop"`` with ``set_params``.

    final_estimator : estimator, default=None
        The regressor trained on the members' hold-out predictions. ``None``
        means :class:`~sklearn.linear_model.RidgeCV`.

    {{holdout}}

    {{holdout_random_state}}

    {{refit}}

    {{n_jobs}}

    passthrough : bool, default=False
        Also train the final estimator on the original inputs.

    {{verbose}}

    {{sampler}}

    {{early_stopping_rounds}}

    {{scoring}}

    {{device}}

    Attributes
    ----------
    estimators_ : list of estimators
        The fitted members that predict.

    named_estimators_ : :class:`~sklearn.utils.Bunch`
        The fitted members by name.

    stack_method_ : list of str
        The method used by each member (``"predict"``).

    {{one_layer_attributes}}

    final_estimator_ : estimator
        The regressor trained on the hold-out predictions.

    holdout_indices_ : ndarray of int
        The hold-out rows (sorted).

    oof_predictions_ : dict of str to ndarray of shape (n_holdout,)
        Each member's predictions for the hold-out rows.

    cv_scores_ : dict of str to ndarray of shape (1,)
        Each member's score on the hold-out rows.

    best_iterations_ : dict of str to list of int
        Boosting rounds found by early stopping, for the members that
        early-stopped.

    n_features_in_ : int
        Number of features seen during ``fit``.

    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Names of features seen during ``fit``. Defined only when `X`
        has feature names that are all strings.

    See Also
    --------
    BlendingClassifier : Blend of classifiers.
    StackingRegressor : The same with k folds and several layers.

    Examples
    --------
    >>> from sklearn.datasets import load_diabetes
    >>> from sklearn.linear_model import RidgeCV
    >>> from sklearn.tree import DecisionTreeRegressor
    >>> from skextra.ensemble import BlendingRegressor
    >>> X, y = load_diabetes(return_X_y=True)
    >>> reg = BlendingRegressor(
    ...     estimators=[("ridge", RidgeCV()),
    ...                 ("tree", DecisionTreeRegressor(max_depth=3, random_state=0))],
    ...     random_state=0).fit(X, y)
    >>> len(reg.holdout_indices_), reg.cv_scores_["ridge"].shape
    (89, (1,))
    """

    _parameter_constraints: dict = dict(_BLENDING_CONSTRAINTS)

    def __init__(
        self,
        estimators,
        final_estimator=None,
        *,
        holdout_size=0.2,
        shuffle=True,
        random_state=None,
        refit=False,
        n_jobs=None,
        passthrough=False,
        verbose=0,
        sampler=None,
        early_stopping_rounds=None,
        scoring=None,
        device=None,
    ):
        self.estimators = estimators
        self.final_estimator = final_estimator
        self.holdout_size = holdout_size
        self.shuffle = shuffle
        self.random_state = random_state
        self.refit = refit
        self.n_jobs = n_jobs
        self.passthrough = passthrough
        self.verbose = verbose
        self.sampler = sampler
        self.early_stopping_rounds = early_stopping_rounds
        self.scoring = scoring
        self.device = device

    @_fit_context(prefer_skip_nested_validation=False)
    def fit(self, X, y, *, sample_weight=None, **fit_params):
        """Fit the members on the training part, the final estimator on the rest.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Training vectors.

        y : array-like of shape (n_samples,)
            Target values.

        sample_weight : array-like of shape (n_samples,), default=None
            Weights of the samples, given to every member (their part) and to
            the final estimator (the hold-out part).

        **fit_params : dict
            Other metadata, routed to the members and the final estimator
            that request it; only with
            ``sklearn.set_config(enable_metadata_routing=True)``.

        Returns
        -------
        self : object
            The fitted estimator.
        """
        return self._fit_stack(X, y, sample_weight=sample_weight, **fit_params)
