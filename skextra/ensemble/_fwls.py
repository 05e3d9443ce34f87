"""Feature-weighted linear stacking (Sill et al. 2009): blend weights that vary.

Each member's weight is a linear function of meta-features of the row,
``w_i(x) = sum_j v_ij f_j(x)``, so the blend ``sum_i w_i(x) g_i(x)`` is a
linear model on the products ``g_i(x) f_j(x)`` of the members' out-of-fold
outputs and the meta-features. The constant meta-feature ``f_0 = 1`` is
always there: with it alone the blend is plain linear stacking.
"""

from numbers import Integral, Real

import numpy as np
import scipy.sparse as sparse
from sklearn.base import (
    ClassifierMixin,
    RegressorMixin,
    _fit_context,
    clone,
    is_classifier,
)
from sklearn.compose import make_column_selector
from sklearn.linear_model import LogisticRegression, Ridge, RidgeCV
from sklearn.metrics import log_loss
from sklearn.model_selection import check_cv, cross_val_predict
from sklearn.preprocessing import FunctionTransformer, StandardScaler
from sklearn.utils import _safe_indexing
from sklearn.utils._param_validation import HasMethods, Interval, StrOptions
from sklearn.utils.validation import (
    _check_feature_names_in,
    _check_sample_weight,
    check_is_fitted,
)

from ..utils._docstring import fill_doc
from ..utils._validation import is_dataframe
from ._base import ENSEMBLE_DOCS
from ._base_stacking import (
    STACKING_CV_DOCS,
    _BaseStacking,
    _StackClassifierMixin,
    _StackingCV,
    _StackRegressorMixin,
)

_BUILT_IN = {"constant", "inputs", "disagreement"}

_FWLS_CONSTRAINTS = {
    **{
        key: value
        for key, value in _BaseStacking._parameter_constraints.items()
        if key not in ("final_estimator", "passthrough")
    },
    **_StackingCV._parameter_constraints,
    "meta_scale": [Interval(Real, 0, None, closed="left"), "array-like"],
    "meta_features": [
        StrOptions(_BUILT_IN),
        HasMethods(["fit", "transform"]),
        callable,
        "array-like",
    ],
}

_FWLS_DOCS = {
    "meta_features": """meta_features : str, list of str or int, transformer or \
callable, default="disagreement"
        The meta-features ``f_j(x)`` the members' weights are linear in; the
        constant 1 is always the first of them.

        * ``"disagreement"``: how much the members disagree on the row,
          standardised on the training rows: the standard deviation of
          their outputs across members (averaged over the output columns)
          and, when every member gives probabilities, the entropy of their
          mean probability (divided by the log of the number of classes).
          One or two meta-features whatever the width of ``X``; on the
          benchmark datasets of ``benchmarks/bench_vs_best_member.py`` it
          scored as well as ``"inputs"`` or better on the classification
          sets, at a fraction of the cost on wide data (64 inputs, 10
          classes: 2 600 products with ``"inputs"``, 120 with it);
        * ``"inputs"``: the numeric columns of ``X``, standardised on the
          training rows (missing values become 0, their mean);
        * ``"constant"``: the constant alone (plain linear stacking);
        * a list of column names (``X`` a data frame) or of column indices:
          those columns of ``X``, standardised;
        * a transformer: cloned, fitted on the training rows of ``X``, its
          output on ``X`` used as it is;
        * a callable: ``meta_features(X)`` gives the meta-features as an
          array of shape (n_samples, n_meta_features) (no fitting).""",
    "meta_scale": """meta_scale : float or array-like of float, \
default=(0.0, 0.1, 0.3, 1.0)
        How far the blend may move away from plain linear stacking: the
        standardised products with the meta-features other than the
        constant are multiplied by it, so that the L2 penalty on their
        weights is divided by its square (0 leaves plain linear stacking, 1
        penalises every product alike). Several values: the one whose blend
        scores best out of fold is kept, the smallest on a tie (see
        ``meta_scale_`` and ``meta_scale_scores_``): for a classifier, the
        log loss of the logistic regression on the stack's folds (the first
        repeat's; 5 folds with ``cv="prefit"``); for a regressor, the
        leave-one-out squared error of the best ``alpha``, as
        :class:`~sklearn.linear_model.RidgeCV` computes it.""",
    "fwls_attributes": """meta_scale_ : float
        The ``meta_scale`` used.

    meta_scale_scores_ : dict of float to float
        With several ``meta_scale`` values, the out-of-fold score of the
        blend with each (greater is better); empty otherwise.

    meta_feature_names_ : ndarray of str of shape \
(n_meta_features,)
        Names of the meta-features, ``"constant"`` first.

    meta_transformer_ : transformer or None
        The fitted transformer into meta-features: the given transformer (or
        the callable's :class:`~sklearn.preprocessing.FunctionTransformer`);
        for the built-in meta-features, the
        :class:`~sklearn.preprocessing.StandardScaler` of the columns
        ``meta_columns_`` (of the disagreement measures for
        ``"disagreement"``); ``None`` for ``"constant"``.

    meta_columns_ : list or None
        The columns of ``X`` the built-in meta-features are made of (names
        or indices); ``None`` when they are all of ``X``'s, or not columns of
        ``X``.

    member_columns_ : ndarray of str of shape (n_member_columns,)
        Names of the members' output columns: the member's name, with the
        column's index appended when a member gives several.

    product_scaler_ : :class:`~sklearn.preprocessing.StandardScaler`
        Standardises the products (fitted on the training rows with their
        sample weights), so that the regularisation treats them alike.

    final_estimator_ : estimator
        The linear model fitted on the standardised products.

    estimators_ : list of estimators
        The members fitted on all the training rows (with ``refit=False``,
        each bagged over its fold models; with ``use_oob``, the bootstrap
        ensembles fitted once on all the rows).

    named_estimators_ : :class:`~sklearn.utils.Bunch`
        The fitted members by name.

    stack_method_ : list of str
        The method of each member whose output is blended.

    oof_predictions_ : dict of str to ndarray of shape (n_samples, ...)
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
        has feature names that are all strings.""",
}


def _products(outputs, meta):
    """Every member column times every meta-feature, member-major."""
    return (outputs[:, :, None] * meta[:, None, :]).reshape(len(outputs), -1)


def _disagreement(outputs, widths, probabilities):
    """Spread of the members' outputs and, for probabilities, their entropy."""
    if len(set(widths)) != 1:
        raise ValueError(
            "meta_features='disagreement' compares the members' outputs column "
            f"by column, but the members give different numbers of columns "
            f"({list(widths)}); use the same stack_method for every member."
        )
    per_member = outputs.reshape(len(outputs), len(widths), widths[0])
    columns = [per_member.std(axis=1).mean(axis=1)]
    if probabilities:
        mean = per_member.mean(axis=1)
        if mean.shape[1] == 1:
            mean = np.hstack([1 - mean, mean])
        mean = np.clip(mean, 1e-12, 1)
        entropy = -(mean * np.log(mean)).sum(axis=1) / np.log(mean.shape[1])
        columns.append(entropy)
    return np.column_stack(columns)


def _as_dense(array):
    if sparse.issparse(array):
        array = array.toarray()
    array = np.asarray(array, dtype=np.float64)
    return array.reshape(len(array), -1)


class _FeatureWeighted(_StackingCV):
    """Meta-features, their products with the members' outputs, the weights."""

    def _passthrough_mode(self):
        return False, False

    def _meta_columns(self):
        """The columns named by ``meta_features``, or None for the other kinds."""
        spec = self.meta_features
        if isinstance(spec, str) or hasattr(spec, "fit") or callable(spec):
            return None
        return list(spec)

    def _validate_X_y(self, X, y):
        X, y = super()._validate_X_y(X, y)
        if y.ndim == 2:
            raise ValueError(
                f"{type(self).__name__} does not support multilabel targets; "
                f"got y of shape {y.shape}."
            )
        self._check_meta_columns(X)
        return X, y

    def _check_meta_columns(self, X):
        columns = self._meta_columns()
        if columns is None:
            return
        if not columns:
            raise ValueError(
                "meta_features is an empty list; use meta_features='constant' "
                "for plain linear stacking."
            )
        if all(isinstance(c, str) for c in columns):
            if not is_dataframe(X):
                raise ValueError(
                    f"meta_features names columns {columns}, but X is not a "
                    "data frame; give column indices instead."
                )
            missing = [c for c in columns if c not in list(X.columns)]
            if missing:
                raise ValueError(
                    f"meta_features names columns that X does not have: "
                    f"{missing}. X has the columns {list(X.columns)}."
                )
            return
        integers = all(
            isinstance(c, Integral) and not isinstance(c, (bool, np.bool_))
            for c in columns
        )
        if not integers:
            raise ValueError(
                "meta_features must list column names (str) or column indices "
                f"(int), all of one kind; got {columns}."
            )
        n_features = X.shape[1]
        out_of_range = [c for c in columns if not -n_features <= c < n_features]
        if out_of_range:
            raise ValueError(
                f"meta_features has column indices out of range for X with "
                f"{n_features} features: {out_of_range}."
            )

    def _built_in(self):
        """Whether skextra makes the meta-features (and standardises them)."""
        return isinstance(self.meta_features, str) or self._meta_columns() is not None

    def _meta_selection(self, X):
        """The columns of ``X`` a built-in meta-feature uses (None: all)."""
        spec = self.meta_features
        if isinstance(spec, str):
            if spec == "inputs" and is_dataframe(X):
                return make_column_selector(dtype_include=np.number)(X)
            return None
        return self._meta_columns()

    def _meta_source(self, X, outputs):
        """What the meta-feature transformer is applied to."""
        spec = self.meta_features
        if isinstance(spec, str) and spec == "disagreement":
            probabilities = all(m == "predict_proba" for m in self.stack_method_)
            return _disagreement(outputs, self._n_feature_outs[0], probabilities)
        if self.meta_columns_ is not None:
            return _safe_indexing(X, self.meta_columns_, axis=1)
        return X

    def _meta_matrix(self, X, outputs):
        """The meta-features of the rows, the constant first."""
        constant = np.ones((len(outputs), 1))
        if self.meta_transformer_ is None:
            return constant
        meta = _as_dense(
            self.meta_transformer_.transform(self._meta_source(X, outputs))
        )
        if self._built_in():
            meta = np.nan_to_num(meta, nan=0.0)
        return np.hstack([constant, meta])

    def _fit_meta_transformer(self, X, outputs, sample_weight):
        spec = self.meta_features
        self.meta_columns_ = None
        self.meta_transformer_ = None
        if isinstance(spec, str) and spec == "constant":
            return
        if self._built_in():
            self.meta_columns_ = self._meta_selection(X)
            transformer = StandardScaler()
            source = self._meta_source(X, outputs)
            self.meta_transformer_ = transformer.fit(
                source, sample_weight=sample_weight
            )
            return
        transformer = clone(spec) if hasattr(spec, "fit") else FunctionTransformer(spec)
        self.meta_transformer_ = transformer.fit(X)

    def _fit_final_input(self, X, X_meta, y, final_params, plan):
        sample_weight = final_params.get("sample_weight")
        if sample_weight is not None:
            sample_weight = _check_sample_weight(sample_weight, X_meta)
        self._fit_meta_transformer(X, X_meta, sample_weight)
        meta = self._meta_matrix(X, X_meta)
        self.meta_feature_names_ = self._meta_names(X, meta.shape[1] - 1)
        self.member_columns_ = self._member_column_names()
        products = _products(X_meta, meta)
        self.product_scaler_ = StandardScaler().fit(
            products, sample_weight=sample_weight
        )
        products = self.product_scaler_.transform(products)
        modulating = np.arange(products.shape[1]) % meta.shape[1] != 0
        self._choose_meta_scale(products, y, modulating, sample_weight, plan)
        self._column_scale = np.where(modulating, self.meta_scale_, 1.0)
        return products * self._column_scale

    def _final_input(self, X, X_meta):
        products = _products(X_meta, self._meta_matrix(X, X_meta))
        return self.product_scaler_.transform(products) * self._column_scale

    def _choose_meta_scale(self, products, y, modulating, sample_weight, plan):
        """Set ``meta_scale_``, the candidate whose blend scores best."""
        scales = sorted(float(v) for v in np.ravel(self.meta_scale))
        self.meta_scale_scores_ = {}
        if len(scales) == 1 or not modulating.any():
            self.meta_scale_ = scales[-1]
            return
        splits = self._selection_splits(products, y, plan)
        for scale in scales:
            scaled = products * np.where(modulating, scale, 1.0)
            self.meta_scale_scores_[scale] = self._blend_score(
                scaled, y, sample_weight, splits
            )
        scores = self.meta_scale_scores_
        self.meta_scale_ = max(scores, key=scores.get)

    def _selection_splits(self, products, y, plan):
        """The stack's folds (of the first repeat), or 5 folds for ``"prefit"``."""
        if isinstance(plan["cv"], str):
            cv = check_cv(5, y, classifier=is_classifier(self))
            return list(cv.split(products, y))
        splits = list(plan["cv"].split(products, y))
        return splits[: len(splits) // self.n_repeats]

    def _meta_names(self, X, n_meta):
        spec, names = self.meta_features, None
        if isinstance(spec, str) and spec == "disagreement":
            names = ["spread", "entropy"][:n_meta]
        elif self._built_in():
            columns = self.meta_columns_
            if columns is None:
                columns = range(n_meta)
            if not is_dataframe(X):
                columns = [f"x{c % X.shape[1]}" for c in columns]
            elif columns and isinstance(list(columns)[0], Integral):
                columns = [X.columns[c] for c in columns]
            names = list(columns)
        elif hasattr(self.meta_transformer_, "get_feature_names_out"):
            try:
                names = list(self.meta_transformer_.get_feature_names_out())
            except (AttributeError, ValueError, TypeError):
                names = None
        if names is None or len(names) != n_meta:
            names = [f"meta{j}" for j in range(n_meta)]
        return np.asarray(["constant", *map(str, names)], dtype=object)

    def _member_column_names(self):
        (names, _), widths = self._fitted_layer_names()[0], self._n_feature_outs[0]
        columns = []
        for name, width in zip(names, widths):
            columns += [name] if width == 1 else [f"{name}{k}" for k in range(width)]
        return np.asarray(columns, dtype=object)

    def _unscaled_coefficients(self):
        """The linear model's coefficients and intercept on the raw products."""
        final = self.final_estimator_
        scale = self._column_scale / self.product_scaler_.scale_
        coef = np.atleast_2d(final.coef_) * scale
        intercept = np.atleast_1d(final.intercept_) - coef @ self.product_scaler_.mean_
        shape = (len(coef), len(self.member_columns_), len(self.meta_feature_names_))
        return coef.reshape(shape), intercept

    def blend_weights(self, X):
        """The weight of each member column on each row, ``w_i(x)``.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Input samples.

        Returns
        -------
        weights : ndarray of shape (n_samples, n_member_columns) or \
(n_samples, n_rows, n_member_columns)
            ``sum_j weights_[..., i, j] * f_j(x)``: the prediction (the
            decision function of a classifier) is ``intercept_`` plus the
            sum over ``i`` of these weights times the members' outputs. The
            second shape is a classifier's, with ``n_rows`` as in
            ``weights_``.
        """
        X, outputs = self._stack_inputs(X)
        meta = self._meta_matrix(X, outputs)
        return np.einsum("nj,...ij->n...i", meta, self.weights_)

    def transform(self, X):
        """Return the standardised products the linear model sees for ``X``.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Input samples.

        Returns
        -------
        X_products : ndarray of shape (n_samples, n_member_columns * \
n_meta_features)
            ``g_i(x) f_j(x)`` standardised, member-major (named by
            :meth:`get_feature_names_out`).
        """
        return self._transform(X)

    def get_feature_names_out(self, input_features=None):
        """Get output feature names for transformation.

        Parameters
        ----------
        input_features : array-like of str or None, default=None
            Only checked against ``feature_names_in_``.

        Returns
        -------
        feature_names_out : ndarray of str objects
            ``<member column>*<meta-feature>`` for each column of
            :meth:`transform`.
        """
        check_is_fitted(self, "meta_feature_names_")
        _check_feature_names_in(self, input_features, generate_names=False)
        return np.asarray(
            [
                f"{column}*{meta}"
                for column in self.member_columns_
                for meta in self.meta_feature_names_
            ],
            dtype=object,
        )

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.sparse = False
        return tags

    def _fit_weighted(self, X, y, sample_weight, groups, fit_params):
        self._fit_stack(X, y, sample_weight=sample_weight, groups=groups, **fit_params)
        weights, intercept = self._unscaled_coefficients()
        if is_classifier(self):
            self.weights_, self.intercept_ = weights, intercept
        else:
            self.weights_, self.intercept_ = weights[0], float(intercept[0])
        return self


_FIT_DOC = """Fit the members out of fold, then the weights of the blend.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Training vectors.

        y : array-like of shape (n_samples,)
            Target values{encoded}.

        sample_weight : array-like of shape (n_samples,), default=None
            Weights of the samples, given to every member (sliced per fold)
            and to the linear model; all of them must accept it.

        groups : array-like of shape (n_samples,), default=None
            Group labels given to ``cv.split``.

        **fit_params : dict
            Other metadata, routed to the members, the linear model and the
            splitter that request it; only with
            ``sklearn.set_config(enable_metadata_routing=True)``.

        Returns
        -------
        self : object
            The fitted estimator.
        """


@fill_doc(ENSEMBLE_DOCS, STACKING_CV_DOCS, _FWLS_DOCS)
class FeatureWeightedStackingClassifier(
    _FeatureWeighted, _StackClassifierMixin, ClassifierMixin, _BaseStacking
):
    """Feature-weighted linear stacking of classifiers (FWLS).

    The members' out-of-fold probabilities are blended with weights that
    are linear functions of meta-features of the row (Sill et al. 2009):
    a logistic regression on the products of each member's probability
    columns with each meta-feature, ``sum_i sum_j v_ij f_j(x) g_i(x)``.
    With the constant meta-feature alone it is a
    :class:`StackingClassifier` with a logistic regression on the
    standardised probabilities; meta-features such as the inputs let the
    blend trust a different member in different regions of the input space.
    The members are fitted out of fold as by :class:`StackingClassifier`
    (same ``cv``, ``refit``, ``n_repeats``, ``stack_method``).

    Parameters
    ----------
    estimators : list of (str, estimator)
        The members, as tuples of a name and a classifier. A member can be
        set to ``"drop"`` with ``set_params``.

    {{meta_features}}

    C : float, default=1.0
        Inverse strength of the L2 regularisation of the logistic regression
        on the standardised products (that of the default final estimator of
        :class:`StackingClassifier`).

    {{meta_scale}}

    cv : int, cross-validation generator, iterable, or "prefit", default=None
        The splits that give the out-of-fold outputs, as for
        :class:`StackingClassifier`: ``None`` (5-fold
        :class:`~sklearn.model_selection.StratifiedKFold`), an int, a
        splitter, an iterable of (train, test) index arrays, or
        ``"prefit"`` (members already fitted; their in-sample outputs).

    stack_method : {'auto', 'predict_proba', 'decision_function', 'predict'}, \
            default='auto'
        The method of each member whose output is blended. ``'auto'`` tries
        ``predict_proba``, ``decision_function`` and ``predict`` in that
        order, for each member.

    {{n_jobs}}

    {{verbose}}

    {{sampler}}

    {{early_stopping_rounds}}

    {{scoring}}

    {{device}}

    {{refit}}

    {{n_repeats}}

    {{use_oob}}

    {{random_state}}

    Attributes
    ----------
    classes_ : ndarray of shape (n_classes,)
        Class labels.

    weights_ : ndarray of shape (n_rows, n_member_columns, n_meta_features)
        ``v_ij``: the weight of member column ``i`` is
        ``sum_j weights_[:, i, j] * f_j(x)`` (see :meth:`blend_weights`),
        on the members' raw outputs and the meta-features as
        ``meta_transformer_`` gives them. ``n_rows`` is 1 for a binary
        target (the logit of ``classes_[1]``) and ``n_classes`` otherwise
        (one multinomial logit per class). A binary target gives one column
        per member (the probability of ``classes_[1]``), more classes all
        of each member's probability columns.

    intercept_ : ndarray of shape (n_rows,)
        The intercept of each logit, on the raw products.

    {{fwls_attributes}}

    {{one_layer_attributes}}

    See Also
    --------
    FeatureWeightedStackingRegressor : The same for regression.
    StackingClassifier : Stacking with any final estimator.

    Notes
    -----
    The products are standardised before the logistic regression, so ``C``
    acts on every product alike; ``weights_`` and ``intercept_`` are mapped
    back to the raw products, so that the decision function of ``classes_[1]``
    (binary) is ``intercept_[0] + sum_ij weights_[0, i, j] g_i(x) f_j(x)``.

    References
    ----------
    .. [1] Sill, J., Takacs, G., Mackey, L. and Lin, D. "Feature-Weighted
       Linear Stacking." arXiv:0911.0460 (2009).

    Examples
    --------
    >>> from sklearn.datasets import load_breast_cancer
    >>> from sklearn.linear_model import LogisticRegression
    >>> from sklearn.model_selection import train_test_split
    >>> from sklearn.pipeline import make_pipeline
    >>> from sklearn.preprocessing import StandardScaler
    >>> from sklearn.tree import DecisionTreeClassifier
    >>> from skextra.ensemble import FeatureWeightedStackingClassifier
    >>> X, y = load_breast_cancer(return_X_y=True, as_frame=True)
    >>> X_train, X_test, y_train, y_test = train_test_split(
    ...     X, y, stratify=y, random_state=0)
    >>> clf = FeatureWeightedStackingClassifier(
    ...     estimators=[
    ...         ("lr", make_pipeline(StandardScaler(), LogisticRegression())),
    ...         ("tree", DecisionTreeClassifier(max_depth=3, random_state=0))],
    ...     meta_features=["mean radius", "mean texture"], cv=5)
    >>> round(clf.fit(X_train, y_train).score(X_test, y_test), 2)
    0.95
    >>> clf.meta_feature_names_.tolist()
    ['constant', 'mean radius', 'mean texture']
    >>> clf.weights_.shape  # (logits, member columns, meta-features)
    (1, 2, 3)
    """

    _parameter_constraints: dict = {
        **_FWLS_CONSTRAINTS,
        "C": [Interval(Real, 0, None, closed="neither")],
        "stack_method": [
            StrOptions({"auto", "predict_proba", "decision_function", "predict"})
        ],
    }

    def __init__(
        self,
        estimators,
        meta_features="disagreement",
        *,
        C=1.0,
        meta_scale=(0.0, 0.1, 0.3, 1.0),
        cv=None,
        stack_method="auto",
        n_jobs=None,
        verbose=0,
        sampler=None,
        early_stopping_rounds=None,
        scoring=None,
        device=None,
        refit=True,
        n_repeats=1,
        use_oob=False,
        random_state=None,
    ):
        self.estimators = estimators
        self.meta_features = meta_features
        self.C = C
        self.meta_scale = meta_scale
        self.cv = cv
        self.stack_method = stack_method
        self.n_jobs = n_jobs
        self.verbose = verbose
        self.sampler = sampler
        self.early_stopping_rounds = early_stopping_rounds
        self.scoring = scoring
        self.device = device
        self.refit = refit
        self.n_repeats = n_repeats
        self.use_oob = use_oob
        self.random_state = random_state

    def _stack_method_param(self):
        return self.stack_method

    def _final_template(self):
        return LogisticRegression(C=self.C, max_iter=1000)

    def _blend_score(self, products, y, sample_weight, splits):
        """Out-of-fold log loss (negated) of the logistic blend of ``products``."""
        params = {} if sample_weight is None else {"sample_weight": sample_weight}
        proba = cross_val_predict(
            self._final_template(),
            products,
            y,
            cv=splits,
            method="predict_proba",
            params=params,
        )
        return -log_loss(y, proba, sample_weight=sample_weight, labels=self._labels())

    def _labels(self):
        return np.arange(len(self.classes_))

    @_fit_context(prefer_skip_nested_validation=False)
    def fit(self, X, y, *, sample_weight=None, groups=None, **fit_params):
        return self._fit_weighted(X, y, sample_weight, groups, fit_params)

    fit.__doc__ = _FIT_DOC.format(
        encoded=" (label-encoded before the members see them)"
    )


@fill_doc(ENSEMBLE_DOCS, STACKING_CV_DOCS, _FWLS_DOCS)
class FeatureWeightedStackingRegressor(
    _FeatureWeighted, _StackRegressorMixin, RegressorMixin, _BaseStacking
):
    """Feature-weighted linear stacking of regressors (FWLS).

    The members' out-of-fold predictions are blended with weights that are
    linear functions of meta-features of the row (Sill et al. 2009): a ridge
    regression on the products of each member's prediction with each
    meta-feature, ``sum_i sum_j v_ij f_j(x) g_i(x)``. With the constant
    meta-feature alone it is linear stacking (a ridge regression on the
    standardised predictions); meta-features such as the inputs let the
    blend trust a different member in different regions of the input space.
    The members are fitted out of fold as by :class:`StackingRegressor`
    (same ``cv``, ``refit``, ``n_repeats``).

    Parameters
    ----------
    estimators : list of (str, estimator)
        The members, as tuples of a name and a regressor. A member can be
        set to ``"drop"`` with ``set_params``.

    {{meta_features}}

    alpha : float or array-like of float, default=(0.1, 1.0, 10.0, 100.0)
        Strength of the L2 regularisation of the ridge regression on the
        standardised products. Several values: the best by efficient
        leave-one-out cross-validation (:class:`~sklearn.linear_model.RidgeCV`).

    {{meta_scale}}

    cv : int, cross-validation generator, iterable, or "prefit", default=None
        The splits that give the out-of-fold predictions, as for
        :class:`StackingRegressor`: ``None`` (5-fold
        :class:`~sklearn.model_selection.KFold`), an int, a splitter, an
        iterable of (train, test) index arrays, or ``"prefit"`` (members
        already fitted; their in-sample predictions).

    {{n_jobs}}

    {{verbose}}

    {{sampler}}

    {{early_stopping_rounds}}

    {{scoring}}

    {{device}}

    {{refit}}

    {{n_repeats}}

    {{use_oob}}

    {{random_state}}

    Attributes
    ----------
    weights_ : ndarray of shape (n_members, n_meta_features)
        ``v_ij``: the weight of member ``i`` is
        ``sum_j weights_[i, j] * f_j(x)`` (see :meth:`blend_weights`), on the
        members' raw predictions and the meta-features as
        ``meta_transformer_`` gives them.

    intercept_ : float
        The intercept on the raw products: the prediction is
        ``intercept_ + sum_ij weights_[i, j] g_i(x) f_j(x)``.

    {{fwls_attributes}}

    {{one_layer_attributes}}

    See Also
    --------
    FeatureWeightedStackingClassifier : The same for classification.
    StackingRegressor : Stacking with any final estimator.

    Notes
    -----
    The products are standardised before the ridge regression, so ``alpha``
    acts on every product alike; ``weights_`` and ``intercept_`` are mapped
    back to the raw products.

    References
    ----------
    .. [1] Sill, J., Takacs, G., Mackey, L. and Lin, D. "Feature-Weighted
       Linear Stacking." arXiv:0911.0460 (2009).

    Examples
    --------
    >>> from sklearn.datasets import load_diabetes
    >>> from sklearn.linear_model import RidgeCV
    >>> from sklearn.model_selection import train_test_split
    >>> from sklearn.tree import DecisionTreeRegressor
    >>> from skextra.ensemble import FeatureWeightedStackingRegressor
    >>> X, y = load_diabetes(return_X_y=True)
    >>> X_train, X_test, y_train, y_test = train_test_split(X, y, random_state=42)
    >>> reg = FeatureWeightedStackingRegressor(
    ...     estimators=[("ridge", RidgeCV()),
    ...                 ("tree", DecisionTreeRegressor(max_depth=3, random_state=0))],
    ...     meta_features=[0, 2], cv=5)
    >>> round(reg.fit(X_train, y_train).score(X_test, y_test), 2)
    0.49
    >>> reg.weights_.shape  # (members, meta-features: constant, x0, x2)
    (2, 3)
    >>> reg.blend_weights(X_test[:2]).shape
    (2, 2)
    """

    _parameter_constraints: dict = {
        **_FWLS_CONSTRAINTS,
        "alpha": [Interval(Real, 0, None, closed="left"), "array-like"],
    }

    def __init__(
        self,
        estimators,
        meta_features="disagreement",
        *,
        alpha=(0.1, 1.0, 10.0, 100.0),
        meta_scale=(0.0, 0.1, 0.3, 1.0),
        cv=None,
        n_jobs=None,
        verbose=0,
        sampler=None,
        early_stopping_rounds=None,
        scoring=None,
        device=None,
        refit=True,
        n_repeats=1,
        use_oob=False,
        random_state=None,
    ):
        self.estimators = estimators
        self.meta_features = meta_features
        self.alpha = alpha
        self.meta_scale = meta_scale
        self.cv = cv
        self.n_jobs = n_jobs
        self.verbose = verbose
        self.sampler = sampler
        self.early_stopping_rounds = early_stopping_rounds
        self.scoring = scoring
        self.device = device
        self.refit = refit
        self.n_repeats = n_repeats
        self.use_oob = use_oob
        self.random_state = random_state

    def _final_template(self):
        if isinstance(self.alpha, Real):
            return Ridge(alpha=self.alpha)
        return RidgeCV(alphas=np.ravel(self.alpha))

    def _blend_score(self, products, y, sample_weight, splits):
        """Leave-one-out squared error (negated) of the best ``alpha``."""
        model = RidgeCV(alphas=np.ravel(self.alpha))
        return float(model.fit(products, y, sample_weight=sample_weight).best_score_)

    @_fit_context(prefer_skip_nested_validation=False)
    def fit(self, X, y, *, sample_weight=None, groups=None, **fit_params):
        return self._fit_weighted(X, y, sample_weight, groups, fit_params)

    fit.__doc__ = _FIT_DOC.format(encoded="")
