"""Stacking classifier and regressor: scikit-learn's, with layers and more."""

from numbers import Real

from sklearn.base import ClassifierMixin, RegressorMixin, _fit_context
from sklearn.utils._param_validation import Interval, StrOptions

from ..utils._docstring import fill_doc
from ._base import ENSEMBLE_DOCS
from ._base_stacking import (
    STACKING_CV_DOCS,
    _BaseStacking,
    _StackClassifierMixin,
    _StackingCV,
    _StackRegressorMixin,
)

_STACKING_CONSTRAINTS = {
    **_BaseStacking._parameter_constraints,
    **_StackingCV._parameter_constraints,
    "layers": [None, list],
    "select_final": ["boolean"],
    "select_layers": ["boolean", Interval(Real, 0, 1, closed="neither")],
}


_STACKING_DOCS = {
    "n_layers_": """n_layers_ : int
        Number of layers fitted: all of them, or with ``select_layers`` the
        number chosen (``layers_`` and the final layer are those of the cut
        stack).""",
    "select_final": """select_final : bool, default=False
        Choose the final layer out of fold among three candidates: the
        ``final_estimator``; Caruana's weighted ensemble of the last layer's
        outputs (:class:`ConvexWeightsClassifier` / ``Regressor`` with
        ``method="greedy"``: with replacement, first pick = best single
        member, best prefix of 25 picks kept); and the best single member of
        the last layer (the same selection stopped after one pick). With
        ``passthrough="layers"`` or ``"all"`` the last two choose among the
        members of every layer, as the final estimator sees them. Each is
        scored by a second cross-validation over the meta-features on the
        stack's folds (the first repeat's), by log loss (classifiers, when
        all give probabilities; accuracy otherwise) or squared error
        (regressors); the best is refitted on all the meta-features and
        becomes ``final_estimator_`` (see ``final_choice_`` and
        ``final_scores_``). The best-member candidate's score is the best
        member's own out-of-fold score whenever the same member is the best
        on every training part, so the chosen final layer does not score
        below the best member out of fold. The weighted candidates need the
        probabilities of the layers they choose from (``predict_proba``
        and, with more than two classes, ``drop_proba_col=None``); otherwise
        only the final estimator is left. Leakage: a meta-feature of a row
        used to fit a candidate was made by a member model that saw the rows
        the candidate is scored on; this second-order leak is the same for
        all candidates of one layer and small next to the first-order one
        that out-of-fold meta-features remove. A later layer's members carry
        more of it (their own inputs are out-of-fold outputs), so a choice
        among every layer can favour them.""",
    "select_layers": """select_layers : bool or float, default=False
        Choose how many layers to keep on rows held out from the stack, as
        AutoGluon's dynamic stacking does against stacked overfitting: the
        out-of-fold outputs a later layer learns from leak a little (see
        ``select_final``), so its own out-of-fold score flatters it and
        cannot decide. ``True`` holds out 1/9 of the rows (a float: that
        share), stratified for classifiers, by ``groups`` when given, drawn
        with ``random_state``. The whole stack is fitted on the other rows;
        the stack cut after each layer (its final layer fitted again on the
        layers kept, as ``passthrough`` says, and chosen again with
        ``select_final``) is scored on the held-out rows by log loss
        (classifiers with probabilities; accuracy otherwise) or squared
        error, weighted by ``sample_weight``. Then the stack is fitted on
        all the rows with the number of layers that scored best (the fewest
        on ties): ``n_layers_``, with each cut's score in
        ``holdout_scores_``. It costs one more fit of the whole stack on the
        rows not held out; without ``layers`` there is nothing to choose and
        no row is held out. ``cv`` must split any rows (``None``, an int or a
        splitter); an iterable of splits or ``"prefit"`` raises a
        ``ValueError``.""",
}


@fill_doc(ENSEMBLE_DOCS, STACKING_CV_DOCS, _STACKING_DOCS)
class StackingClassifier(
    _StackingCV, _StackClassifierMixin, ClassifierMixin, _BaseStacking
):
    """Stack of classifiers in one or more layers with a final classifier.

    A drop-in superset of :class:`sklearn.ensemble.StackingClassifier`: with
    the same arguments it makes the same predictions. Each member is fitted
    on every training fold and on all the data; its out-of-fold predictions
    train the next layer (or the final estimator). Beyond scikit-learn it
    schedules the member x fold fits together (longest first), stacks several
    layers, restacks earlier layers and inputs, early-stops XGBoost/LightGBM
    members on each held-out fold, resamples training folds with an
    imbalanced-learn sampler, and keeps the out-of-fold predictions and each
    member's fold scores.

    Parameters
    ----------
    estimators : list of (str, estimator)
        The members of the first layer. Each element is a tuple of a name and
        a classifier. A member can be set to ``"drop"`` with ``set_params``.
        A member already fitted can be given as
        :class:`sklearn.frozen.FrozenEstimator` (see Notes).

    final_estimator : estimator, default=None
        The classifier trained on the out-of-fold predictions of the last
        layer. ``None`` means :class:`~sklearn.linear_model.LogisticRegression`.

    layers : list of list of (str, estimator), default=None
        More layers between ``estimators`` and ``final_estimator``:
        ``layers[0]`` is trained on the out-of-fold predictions of
        ``estimators``, ``layers[1]`` on those of ``layers[0]``, and so on
        (each with the same folds). Names are unique across all layers, so
        ``set_params(name__param=...)`` reaches any member.

    cv : int, cross-validation generator, iterable, or "prefit", default=None
        The splits that give the out-of-fold predictions:

        * ``None``, 5-fold;
        * an int, the number of folds of a
          :class:`~sklearn.model_selection.StratifiedKFold` (for binary or
          multiclass targets, :class:`~sklearn.model_selection.KFold`
          otherwise), without shuffling;
        * a splitter (its ``split`` gets the ``groups`` passed to ``fit``);
        * an iterable of (train, test) index arrays;
        * ``"prefit"``: the members are already fitted and are not fitted
          again; the final estimator is trained on their in-sample
          predictions, with a high risk of overfitting.

        Every row must be in exactly one test fold.

    stack_method : {'auto', 'predict_proba', 'decision_function', 'predict'}, \
            default='auto'
        The method of each member whose output is stacked. ``'auto'`` tries
        ``predict_proba``, ``decision_function`` and ``predict`` in that
        order, for each member.

    {{n_jobs}}

    {{passthrough}}

    {{verbose}}

    {{sampler}}

    {{early_stopping_rounds}}

    {{scoring}}

    {{device}}

    {{refit}}

    {{n_repeats}}

    {{use_oob}}

    {{random_state}}

    {{select_final}}

    {{select_layers}}

    drop_proba_col : {"first", "last"} or None, default=None
        With more than two classes, drop the first or the last probability
        column of each member stacked on ``predict_proba`` (the columns sum
        to one, so one is redundant), as mlxtend's stacking does. ``None``
        keeps them all. Binary targets always give one column per member.

    Attributes
    ----------
    classes_ : ndarray of shape (n_classes,) or list of ndarray
        Class labels (for a multilabel target, those of each output).

    estimators_ : list of estimators
        The members of the first layer fitted on all the training data
        (``"drop"`` members left out). With ``cv="prefit"``, the given
        members. With ``refit=False``, each member bagged over its fold
        models (kept in its ``estimators_``); with ``use_oob``, the
        bootstrap ensembles are their one fit on all the rows.

    named_estimators_ : :class:`~sklearn.utils.Bunch`
        Every fitted member of every layer, by name (``"drop"`` for dropped
        ones).

    layers_ : list of list of estimators
        The fitted members of each layer; ``layers_[0] is estimators_``.

    stack_method_ : list of str
        The method used by each member of the first layer.

    layers_stack_method_ : list of list of str
        The method used by each member of each layer.

    final_estimator_ : estimator
        The classifier trained on the out-of-fold predictions (with
        ``select_final=True``, the candidate chosen).

    final_choice_ : str
        With ``select_final=True``: ``"final_estimator"``,
        ``"weighted_ensemble"`` or ``"best_member"``.

    final_scores_ : dict of str to float
        With ``select_final=True``: each candidate's out-of-fold score
        (``-log_loss``, or accuracy), greater is better.

    {{n_layers_}}

    holdout_scores_ : ndarray of shape (1 + len(layers),)
        With ``select_layers`` and ``layers``: the held-out score of the
        stack cut after each layer (``-log_loss``, or accuracy), greater is better.

    oof_predictions_ : dict of str to ndarray of shape (n_samples, ...)
        Each member's out-of-fold predictions (what its stack method returned
        on the held-out folds), rows in the order of ``X``. With
        ``cv="prefit"``, in-sample predictions.

    cv_scores_ : dict of str to ndarray of shape (n_splits,)
        Each member's score on each held-out fold (see ``scoring``), of
        every repeat (``n_splits * n_repeats`` scores). Empty with
        ``cv="prefit"``.

    best_iterations_ : dict of str to list of int
        Boosting rounds found by early stopping on each fold, for the members
        that early-stopped.

    n_features_in_ : int
        Number of features seen during ``fit``.

    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Names of features seen during ``fit``. Defined only when `X`
        has feature names that are all strings.

    See Also
    --------
    StackingRegressor : Stack of regressors.
    BlendingClassifier : The same with one hold-out split instead of folds.
    sklearn.ensemble.StackingClassifier : The two-level stack it extends.

    Notes
    -----
    As in scikit-learn, with ``predict_proba`` the first probability column of
    each member is dropped for binary targets (the two are collinear), and
    ``y`` is label-encoded before the members see it.

    As in scikit-learn, members may be regressors (they predict the encoded
    classes, e.g. of an ordinal target; encode ``y`` yourself when the order
    matters); the final estimator must be a classifier. A multilabel
    (indicator) target is encoded column by column; ``classes_`` is then a
    list of arrays, and ``predict_proba`` of a final estimator that gives one
    array per output returns the first column of each, as scikit-learn's
    does.

    A :class:`~sklearn.frozen.FrozenEstimator` member is not refitted on the
    folds, so its "out-of-fold" predictions are in-sample: if it was fitted
    on the rows the stack is fitted on, the final estimator learns from
    leaked predictions and overrates it. Freeze members fitted on other data.

    ``sample_weight`` reaches every member (sliced per fold) and the final
    estimator; ``groups`` reaches the splitter. With
    ``sklearn.set_config(enable_metadata_routing=True)`` any metadata is
    routed to the members, the final estimator and the splitter that request
    it.

    References
    ----------
    .. [1] Wolpert, David H. "Stacked generalization." Neural networks 5.2
       (1992): 241-259.

    Examples
    --------
    >>> from sklearn.datasets import load_iris
    >>> from sklearn.linear_model import LogisticRegression
    >>> from sklearn.model_selection import train_test_split
    >>> from sklearn.tree import DecisionTreeClassifier
    >>> from skextra.ensemble import StackingClassifier
    >>> X, y = load_iris(return_X_y=True)
    >>> X_train, X_test, y_train, y_test = train_test_split(
    ...     X, y, stratify=y, random_state=42)
    >>> clf = StackingClassifier(
    ...     estimators=[("lr", LogisticRegression(max_iter=1000)),
    ...                 ("tree", DecisionTreeClassifier(max_depth=3, random_state=0))],
    ...     layers=[[("top", LogisticRegression(max_iter=1000))]],
    ...     passthrough="all", cv=3)
    >>> round(clf.fit(X_train, y_train).score(X_test, y_test), 2)
    0.95
    >>> sorted(clf.cv_scores_), clf.oof_predictions_["lr"].shape
    (['lr', 'top', 'tree'], (112, 3))
    """

    _parameter_constraints: dict = {
        **_STACKING_CONSTRAINTS,
        "stack_method": [
            StrOptions({"auto", "predict_proba", "decision_function", "predict"})
        ],
        "drop_proba_col": [None, StrOptions({"first", "last"})],
    }

    def __init__(
        self,
        estimators,
        final_estimator=None,
        *,
        layers=None,
        cv=None,
        stack_method="auto",
        n_jobs=None,
        passthrough=False,
        verbose=0,
        sampler=None,
        early_stopping_rounds=None,
        scoring=None,
        device=None,
        refit=True,
        n_repeats=1,
        use_oob=False,
        random_state=None,
        select_final=False,
        select_layers=False,
        drop_proba_col=None,
    ):
        self.estimators = estimators
        self.final_estimator = final_estimator
        self.layers = layers
        self.cv = cv
        self.stack_method = stack_method
        self.n_jobs = n_jobs
        self.passthrough = passthrough
        self.verbose = verbose
        self.sampler = sampler
        self.early_stopping_rounds = early_stopping_rounds
        self.scoring = scoring
        self.device = device
        self.refit = refit
        self.n_repeats = n_repeats
        self.use_oob = use_oob
        self.random_state = random_state
        self.select_final = select_final
        self.select_layers = select_layers
        self.drop_proba_col = drop_proba_col

    def _stack_method_param(self):
        return self.stack_method

    @_fit_context(prefer_skip_nested_validation=False)
    def fit(self, X, y, *, sample_weight=None, groups=None, **fit_params):
        """Fit the members out of fold, then the final estimator.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Training vectors.

        y : array-like of shape (n_samples,) or (n_samples, n_outputs)
            Target values, or a multilabel indicator matrix. They are
            label-encoded (sorted, column by column) before the members see
            them.

        sample_weight : array-like of shape (n_samples,), default=None
            Weights of the samples, given to every member (sliced per fold)
            and to the final estimator; all of them must accept it.

        groups : array-like of shape (n_samples,), default=None
            Group labels given to ``cv.split`` (e.g. for
            :class:`~sklearn.model_selection.GroupKFold`).

        **fit_params : dict
            Other metadata, routed to the members, the final estimator and
            the splitter that request it; only with
            ``sklearn.set_config(enable_metadata_routing=True)``.

        Returns
        -------
        self : object
            The fitted estimator.
        """
        return self._fit_stack(
            X, y, sample_weight=sample_weight, groups=groups, **fit_params
        )


@fill_doc(ENSEMBLE_DOCS, STACKING_CV_DOCS, _STACKING_DOCS)
class StackingRegressor(
    _StackingCV, _StackRegressorMixin, RegressorMixin, _BaseStacking
):
    """Stack of regressors in one or more layers with a final regressor.

    A drop-in superset of :class:`sklearn.ensemble.StackingRegressor`: with
    the same arguments it makes the same predictions. Each member is fitted
    on every training fold and on all the data; its out-of-fold predictions
    train the next layer (or the final estimator). Beyond scikit-learn it
    schedules the member x fold fits together (longest first), stacks several
    layers, restacks earlier layers and inputs, early-stops XGBoost/LightGBM
    members on each held-out fold, and keeps the out-of-fold predictions and
    each member's fold scores.

    Parameters
    ----------
    estimators : list of (str, estimator)
        The members of the first layer. Each element is a tuple of a name and
        a regressor. A member can be set to ``"drop"`` with ``set_params``.
        A member already fitted can be given as
        :class:`sklearn.frozen.FrozenEstimator` (see Notes).

    final_estimator : estimator, default=None
        The regressor trained on the out-of-fold predictions of the last
        layer. ``None`` means :class:`~sklearn.linear_model.RidgeCV`.

    layers : list of list of (str, estimator), default=None
        More layers between ``estimators`` and ``final_estimator``:
        ``layers[0]`` is trained on the out-of-fold predictions of
        ``estimators``, ``layers[1]`` on those of ``layers[0]``, and so on
        (each with the same folds). Names are unique across all layers.

    cv : int, cross-validation generator, iterable, or "prefit", default=None
        The splits that give the out-of-fold predictions: ``None`` (5-fold
        :class:`~sklearn.model_selection.KFold`), an int (number of folds), a
        splitter (its ``split`` gets the ``groups`` passed to ``fit``), an
        iterable of (train, test) index arrays, or ``"prefit"`` (members
        already fitted, final estimator trained on their in-sample
        predictions). Every row must be in exactly one test fold.

    {{n_jobs}}

    {{passthrough}}

    {{verbose}}

    {{sampler}}

    {{early_stopping_rounds}}

    {{scoring}}

    {{device}}

    {{refit}}

    {{n_repeats}}

    {{use_oob}}

    {{random_state}}

    {{select_final}}

    {{select_layers}}

    Attributes
    ----------
    estimators_ : list of estimators
        The members of the first layer fitted on all the training data
        (``"drop"`` members left out). With ``refit=False``, each member
        bagged over its fold models (kept in its ``estimators_``); with
        ``use_oob``, the bootstrap ensembles are their one fit on all the
        rows.

    named_estimators_ : :class:`~sklearn.utils.Bunch`
        Every fitted member of every layer, by name.

    layers_ : list of list of estimators
        The fitted members of each layer; ``layers_[0] is estimators_``.

    stack_method_ : list of str
        The method used by each member of the first layer (``"predict"``).

    layers_stack_method_ : list of list of str
        The method used by each member of each layer.

    final_estimator_ : estimator
        The regressor trained on the out-of-fold predictions (with
        ``select_final=True``, the candidate chosen).

    final_choice_ : str
        With ``select_final=True``: ``"final_estimator"``,
        ``"weighted_ensemble"`` or ``"best_member"``.

    final_scores_ : dict of str to float
        With ``select_final=True``: each candidate's out-of-fold score
        (``-mean_squared_error``), greater is better.

    {{n_layers_}}

    holdout_scores_ : ndarray of shape (1 + len(layers),)
        With ``select_layers`` and ``layers``: the held-out score of the
        stack cut after each layer (``-mean_squared_error``), greater is better.

    oof_predictions_ : dict of str to ndarray of shape (n_samples,)
        Each member's out-of-fold predictions, rows in the order of ``X``.

    cv_scores_ : dict of str to ndarray of shape (n_splits,)
        Each member's score on each held-out fold (see ``scoring``).

    best_iterations_ : dict of str to list of int
        Boosting rounds found by early stopping on each fold, for the members
        that early-stopped.

    n_features_in_ : int
        Number of features seen during ``fit``.

    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Names of features seen during ``fit``. Defined only when `X`
        has feature names that are all strings.

    See Also
    --------
    StackingClassifier : Stack of classifiers.
    BlendingRegressor : The same with one hold-out split instead of folds.
    sklearn.ensemble.StackingRegressor : The two-level stack it extends.

    Notes
    -----
    Every member and the final estimator must be regressors. A
    :class:`~sklearn.frozen.FrozenEstimator` member is not refitted on the
    folds, so its out-of-fold predictions are in-sample (leaked when it was
    fitted on the same rows). ``sample_weight`` reaches every member and the
    final estimator; ``groups`` reaches the splitter; with metadata routing
    enabled any metadata goes where it is requested.

    Examples
    --------
    >>> from sklearn.datasets import load_diabetes
    >>> from sklearn.linear_model import RidgeCV
    >>> from sklearn.model_selection import train_test_split
    >>> from sklearn.tree import DecisionTreeRegressor
    >>> from skextra.ensemble import StackingRegressor
    >>> X, y = load_diabetes(return_X_y=True)
    >>> X_train, X_test, y_train, y_test = train_test_split(X, y, random_state=42)
    >>> reg = StackingRegressor(
    ...     estimators=[("ridge", RidgeCV()),
    ...                 ("tree", DecisionTreeRegressor(max_depth=3, random_state=0))],
    ...     cv=5)
    >>> round(reg.fit(X_train, y_train).score(X_test, y_test), 2)
    0.49
    >>> reg.cv_scores_["ridge"].shape
    (5,)
    """

    _parameter_constraints: dict = dict(_STACKING_CONSTRAINTS)

    def __init__(
        self,
        estimators,
        final_estimator=None,
        *,
        layers=None,
        cv=None,
        n_jobs=None,
        passthrough=False,
        verbose=0,
        sampler=None,
        early_stopping_rounds=None,
        scoring=None,
        device=None,
        refit=True,
        n_repeats=1,
        use_oob=False,
        random_state=None,
        select_final=False,
        select_layers=False,
    ):
        self.estimators = estimators
        self.final_estimator = final_estimator
        self.layers = layers
        self.cv = cv
        self.n_jobs = n_jobs
        self.passthrough = passthrough
        self.verbose = verbose
        self.sampler = sampler
        self.early_stopping_rounds = early_stopping_rounds
        self.scoring = scoring
        self.device = device
        self.refit = refit
        self.n_repeats = n_repeats
        self.use_oob = use_oob
        self.random_state = random_state
        self.select_final = select_final
        self.select_layers = select_layers

    @_fit_context(prefer_skip_nested_validation=False)
    def fit(self, X, y, *, sample_weight=None, groups=None, **fit_params):
        """Fit the members out of fold, then the final estimator.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Training vectors.

        y : array-like of shape (n_samples,)
            Target values.

        sample_weight : array-like of shape (n_samples,), default=None
            Weights of the samples, given to every member (sliced per fold)
            and to the final estimator; all of them must accept it.

        groups : array-like of shape (n_samples,), default=None
            Group labels given to ``cv.split``.

        **fit_params : dict
            Other metadata, routed to the members, the final estimator and
            the splitter that request it; only with
            ``sklearn.set_config(enable_metadata_routing=True)``.

        Returns
        -------
        self : object
            The fitted estimator.
        """
        return self._fit_stack(
            X, y, sample_weight=sample_weight, groups=groups, **fit_params
        )
