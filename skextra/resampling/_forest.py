"""Balanced random forest: every tree grows on a balanced under-sample."""

import time
import warnings
from numbers import Integral, Real

import numpy as np
from imblearn.pipeline import make_pipeline
from imblearn.under_sampling import RandomUnderSampler
from scipy import sparse
from sklearn.base import _fit_context, clone
from sklearn.metrics import accuracy_score
from sklearn.tree import DecisionTreeClassifier
from sklearn.utils._param_validation import Interval, RealNotInt, StrOptions
from sklearn.utils.class_weight import compute_sample_weight
from sklearn.utils.validation import check_is_fitted

from ..gpu._device import resolve_device
from ..utils._docstring import fill_doc
from ..utils._random import draw_seeds
from ._base import (
    RESAMPLING_DOCS,
    UNDER_SAMPLING_STRATEGY,
    BaseResampledEnsemble,
    as_float,
    average_member_outputs,
    member_output,
    picked_positions,
    run_fit_jobs,
)
from ._validation import check_sampling_strategy_feasible

__all__ = ["BalancedRandomForestClassifier"]

_TREE_PARAMS = (
    "criterion",
    "max_depth",
    "min_samples_split",
    "min_samples_leaf",
    "min_weight_fraction_leaf",
    "max_features",
    "max_leaf_nodes",
    "min_impurity_decrease",
    "ccp_alpha",
    "monotonic_cst",
)


def _n_bootstrap(n_rows, max_samples):
    if max_samples is None:
        return n_rows
    if isinstance(max_samples, Integral):
        return min(int(max_samples), n_rows)
    return max(1, int(round(n_rows * max_samples)))


def fit_balanced_tree(
    tree,
    X,
    y,
    sample_weight,
    strategy,
    replacement,
    bootstrap,
    max_samples,
    balanced_subsample,
    check_input,
    seed,
):
    """Under-sample ``(X, y)`` with ``strategy`` and grow one tree on it.

    Returns ``(sampler, tree, class_counts, seconds, in_bag)``: the fitted
    under-sampler, the tree, and the rows of ``X`` the tree was grown on
    (repeated as the bootstrap drew them).
    """
    start = time.perf_counter()
    rng = np.random.RandomState(seed)
    sampler = RandomUnderSampler(
        sampling_strategy=strategy,
        replacement=replacement,
        random_state=draw_seeds(rng),
    )
    rows = picked_positions(sampler, y)
    X_tree, y_tree = X[rows], y[rows]
    weights = None if sample_weight is None else sample_weight[rows]
    tree = clone(tree).set_params(random_state=draw_seeds(rng))
    in_bag = rows
    if bootstrap:
        drawn = rng.randint(0, rows.size, size=_n_bootstrap(rows.size, max_samples))
        in_bag = rows[drawn]
        counts = np.bincount(drawn, minlength=rows.size).astype(np.float64)
        weights = counts if weights is None else weights * counts
        if balanced_subsample:
            weights = weights * compute_sample_weight("balanced", y_tree, indices=drawn)
    elif balanced_subsample:
        balanced = compute_sample_weight("balanced", y_tree)
        weights = balanced if weights is None else weights * balanced
    tree.fit(X_tree, y_tree, sample_weight=weights, check_input=check_input)
    counts = np.bincount(y_tree.astype(np.intp))
    return sampler, tree, counts, time.perf_counter() - start, in_bag


@fill_doc(RESAMPLING_DOCS)
class BalancedRandomForestClassifier(BaseResampledEnsemble):
    """A random forest whose every tree grows on a balanced under-sample.

    Each tree is grown on the training set randomly under-sampled by
    imbalanced-learn's :class:`~imblearn.under_sampling.RandomUnderSampler`
    (by default every class, drawn with replacement, to the size of the
    smallest class), optionally followed by a bootstrap, with a random
    subset of ``max_features`` features tried at every split (Chen, Liaw &
    Breiman, 2004). Same parameters, defaults and algorithm as
    imbalanced-learn's ``BalancedRandomForestClassifier``.

    Parameters
    ----------
    n_estimators : int, default=100
        Number of trees.
    criterion : {"gini", "entropy", "log_loss"}, default="gini"
        Split quality measure of the trees.
    max_depth : int, default=None
        Maximum depth of the trees.
    min_samples_split : int or float, default=2
        Minimum number of rows to split a node.
    min_samples_leaf : int or float, default=1
        Minimum number of rows in a leaf.
    min_weight_fraction_leaf : float, default=0.0
        Minimum weighted fraction of the rows in a leaf.
    max_features : {"sqrt", "log2"}, int, float or None, default="sqrt"
        Number of features tried at every split.
    max_leaf_nodes : int, default=None
        Maximum number of leaves of the trees.
    min_impurity_decrease : float, default=0.0
        A split must decrease the impurity by at least this much.
    bootstrap : bool, default=False
        Whether every tree draws a bootstrap of its under-sample.
    oob_score : bool, default=False
        Whether to score the forest on the rows each tree was not grown on
        (needs ``bootstrap=True``).
    sampling_strategy : float, str, dict or callable, default="all"
        Under-sampling target of ``RandomUnderSampler``, checked against the
        training labels before any tree is grown.
    replacement : bool, default=True
        Whether under-sampling draws with replacement.
    {{bagging_n_jobs}}
    {{random_state}}
    {{verbose_members}}
    warm_start : bool, default=False
        When ``True``, ``fit`` keeps the trees of the previous fit and grows
        new ones up to ``n_estimators``.
    class_weight : dict, "balanced", "balanced_subsample" or None, default=None
        Class weights multiplied into ``sample_weight``; ``"balanced"`` is
        computed on the whole training set, ``"balanced_subsample"`` on each
        tree's (bootstrapped) under-sample.
    ccp_alpha : float, default=0.0
        Cost-complexity pruning parameter of the trees.
    max_samples : int or float, default=None
        With ``bootstrap=True``, the size of each tree's bootstrap (an int,
        or a fraction of the under-sample); ``None`` means the under-sample's
        size.
    monotonic_cst : array-like of int of shape (n_features,), default=None
        Monotonicity constraints of the trees.
    device : {"auto", "cpu", "gpu"} or None, default=None
        Accepted as by skextra's other ensembles and checked in ``fit``:
        ``"gpu"`` raises a ``RuntimeError`` when no GPU is usable, ``None``
        takes the global setting (:func:`skextra.set_config`). The trees
        always grow on the CPU, whatever the device (see Notes).

    Attributes
    ----------
    estimators_ : list of DecisionTreeClassifier
        The fitted trees, trained on labels encoded as ``0..n_classes-1``.
    samplers_ : list of RandomUnderSampler
        The fitted under-sampler of each tree (refitted on the encoded
        labels, it draws the tree's rows again).
    pipelines_ : list of Pipeline
        ``make_pipeline(samplers_[i], estimators_[i])`` for each tree.
    oob_score_ : float
        Accuracy of the out-of-bag predictions; only with ``oob_score=True``.
    oob_decision_function_ : ndarray of shape (n_samples, n_classes)
        Mean probability given to each row by the trees not grown on it
        (zeros for a row every tree was grown on); only with
        ``oob_score=True``.
    {{fitted_attributes}}
    feature_importances_ : ndarray of shape (`n_features_in_`,)
        Mean impurity-based importance over the trees.

    See Also
    --------
    imblearn.ensemble.BalancedRandomForestClassifier : The imbalanced-learn
        counterpart (same algorithm; this one is fitted through skextra's
        scheduler and accepts pandas, string labels and ``sample_weight`` the
        same way).
    UnderBaggingClassifier : Under-sampled bags for any member.

    Notes
    -----
    ``sample_weight`` (and class weights) follow the rows chosen by the
    under-sampler. A row is out of bag for a tree when the tree was not grown
    on it: dropped by the under-sampler or not drawn by the bootstrap.

    The trees are scikit-learn decision trees, which have no GPU
    implementation one tree at a time (cuML grows whole forests on the GPU,
    not a tree on a sample of its own), so ``device`` never moves them. For
    under-sampled forests on a GPU, use :class:`UnderBaggingClassifier` with
    ``estimator=RandomForestClassifier(...)``: each bag's forest then goes
    to cuML.

    References
    ----------
    .. [1] C. Chen, A. Liaw and L. Breiman, "Using random forest to learn
       imbalanced data", University of California, Berkeley, 2004.

    Examples
    --------
    >>> from sklearn.datasets import make_classification
    >>> from sklearn.metrics import balanced_accuracy_score
    >>> from skextra.resampling import BalancedRandomForestClassifier
    >>> X, y = make_classification(n_samples=500, weights=[0.95], random_state=0)
    >>> clf = BalancedRandomForestClassifier(n_estimators=50, random_state=0)
    >>> clf = clf.fit(X, y)
    >>> bool(balanced_accuracy_score(y, clf.predict(X)) > 0.8)
    True
    >>> clf.feature_importances_.shape
    (20,)
    """

    _parameter_constraints = {
        **{
            name: constraint
            for name, constraint in BaseResampledEnsemble._parameter_constraints.items()
            if name != "estimator"
        },
        "criterion": [StrOptions({"gini", "entropy", "log_loss"})],
        "max_depth": [Interval(Integral, 1, None, closed="left"), None],
        "min_samples_split": [
            Interval(Integral, 2, None, closed="left"),
            Interval(RealNotInt, 0.0, 1.0, closed="right"),
        ],
        "min_samples_leaf": [
            Interval(Integral, 1, None, closed="left"),
            Interval(RealNotInt, 0.0, 1.0, closed="neither"),
        ],
        "min_weight_fraction_leaf": [Interval(Real, 0.0, 0.5, closed="both")],
        "max_features": [
            Interval(Integral, 1, None, closed="left"),
            Interval(RealNotInt, 0.0, 1.0, closed="right"),
            StrOptions({"sqrt", "log2"}),
            None,
        ],
        "max_leaf_nodes": [Interval(Integral, 2, None, closed="left"), None],
        "min_impurity_decrease": [Interval(Real, 0.0, None, closed="left")],
        "bootstrap": ["boolean"],
        "sampling_strategy": UNDER_SAMPLING_STRATEGY,
        "replacement": ["boolean"],
        "class_weight": [
            StrOptions({"balanced", "balanced_subsample"}),
            dict,
            None,
        ],
        "ccp_alpha": [Interval(Real, 0.0, None, closed="left")],
        "max_samples": [
            None,
            Interval(RealNotInt, 0.0, 1.0, closed="right"),
            Interval(Integral, 1, None, closed="left"),
        ],
        "monotonic_cst": ["array-like", None],
        "oob_score": ["boolean"],
        "warm_start": ["boolean"],
    }

    def __init__(
        self,
        n_estimators=100,
        *,
        criterion="gini",
        max_depth=None,
        min_samples_split=2,
        min_samples_leaf=1,
        min_weight_fraction_leaf=0.0,
        max_features="sqrt",
        max_leaf_nodes=None,
        min_impurity_decrease=0.0,
        bootstrap=False,
        oob_score=False,
        sampling_strategy="all",
        replacement=True,
        n_jobs=None,
        random_state=None,
        verbose=0,
        warm_start=False,
        class_weight=None,
        ccp_alpha=0.0,
        max_samples=None,
        monotonic_cst=None,
        device=None,
    ):
        self.n_estimators = n_estimators
        self.criterion = criterion
        self.max_depth = max_depth
        self.min_samples_split = min_samples_split
        self.min_samples_leaf = min_samples_leaf
        self.min_weight_fraction_leaf = min_weight_fraction_leaf
        self.max_features = max_features
        self.max_leaf_nodes = max_leaf_nodes
        self.min_impurity_decrease = min_impurity_decrease
        self.bootstrap = bootstrap
        self.oob_score = oob_score
        self.sampling_strategy = sampling_strategy
        self.replacement = replacement
        self.n_jobs = n_jobs
        self.random_state = random_state
        self.verbose = verbose
        self.warm_start = warm_start
        self.class_weight = class_weight
        self.ccp_alpha = ccp_alpha
        self.max_samples = max_samples
        self.monotonic_cst = monotonic_cst
        self.device = device

    def _template(self):
        return DecisionTreeClassifier(
            **{name: getattr(self, name) for name in _TREE_PARAMS}
        )

    def _finite_check(self):
        # The trees split on NaN; they are given unchecked input.
        return "allow-nan"

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.sparse = True
        tags.input_tags.allow_nan = True
        return tags

    # The trees and under-samplers are built from parameters validated here.
    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y, sample_weight=None):
        """Grow the forest on ``(X, y)``.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Training rows; converted to ``float32`` once for all trees.
        y : array-like of shape (n_samples,)
            Class labels.
        sample_weight : array-like of shape (n_samples,), default=None
            Row weights; each tree sees the weights of the rows it was grown
            on.

        Returns
        -------
        self : object
            The fitted forest.
        """
        X, y, y_encoded, sample_weight, template = self._validate_training_data(
            X, y, sample_weight
        )
        resolve_device(self.device)  # only checked: the trees grow on the CPU
        X = self._as_tree_input(X, "csc")
        if self.class_weight is not None and self.class_weight != "balanced_subsample":
            class_weights = compute_sample_weight(self.class_weight, y)
            sample_weight = (
                class_weights
                if sample_weight is None
                else sample_weight * class_weights
            )
        check_sampling_strategy_feasible(self.sampling_strategy, y, "under-sampling")
        kept = self._n_kept_trees()
        if kept == self.n_estimators:
            warnings.warn(
                "Warm-start fitting without increasing n_estimators does not "
                "fit new trees.",
                UserWarning,
            )
            return self
        check_input = sparse.issparse(X) or bool(np.isnan(X).any())
        # float labels, as scikit-learn's forests give their trees
        y_float = as_float(y_encoded)
        seeds = draw_seeds(self.random_state, self.n_estimators)[kept:]
        args = (
            template,
            X,
            y_float,
            sample_weight,
            self._coded_strategy(),
            self.replacement,
            self.bootstrap,
            self.max_samples,
            self.class_weight == "balanced_subsample",
            check_input,
        )
        jobs = [(fit_balanced_tree, (*args, seed), {}) for seed in seeds]
        results = run_fit_jobs(jobs, template, len(y), self.n_jobs, threads=True)
        for sampler, tree, _, _, in_bag in results:
            self.samplers_.append(sampler)
            self.estimators_.append(tree)
            self.pipelines_.append(make_pipeline(sampler, tree))
            self._in_bag.append(in_bag)
        self._set_oob(X, y_encoded)
        if self.verbose:
            self._log_members([result[2:4] for result in results])
        return self

    def _n_kept_trees(self):
        """Trees a warm start keeps; starts the lists anew otherwise."""
        if self.oob_score and not self.bootstrap:
            raise ValueError("Out of bag estimation only available if bootstrap=True")
        if self.warm_start and hasattr(self, "estimators_"):
            kept = len(self.estimators_)
            if self.n_estimators < kept:
                raise ValueError(
                    f"n_estimators={self.n_estimators} must be larger or equal to "
                    f"len(estimators_)={kept} when warm_start==True"
                )
            return kept
        self.estimators_, self.samplers_, self.pipelines_, self._in_bag = [], [], [], []
        return 0

    def _set_oob(self, X, y_encoded):
        """``oob_score_`` and ``oob_decision_function_`` (or remove them)."""
        if not self.oob_score:
            for name in ("oob_score_", "oob_decision_function_"):
                self.__dict__.pop(name, None)
            return
        n_rows, n_classes = len(y_encoded), len(self.classes_)
        proba = np.zeros((n_rows, n_classes))
        n_trees = np.zeros(n_rows)
        X = self._as_tree_input(X, "csr")
        for tree, in_bag in zip(self.estimators_, self._in_bag):
            out_of_bag = np.ones(n_rows, dtype=bool)
            out_of_bag[in_bag] = False
            kwargs = {"check_input": False}
            proba[out_of_bag] += member_output(
                tree, X[np.flatnonzero(out_of_bag)], "predict_proba", n_classes, kwargs
            )
            n_trees[out_of_bag] += 1
        if np.any(n_trees == 0):
            warnings.warn(
                "Some inputs do not have OOB scores. This probably means too few "
                "trees were used to compute any reliable OOB estimates.",
                UserWarning,
            )
        self.oob_decision_function_ = proba / np.maximum(n_trees, 1)[:, np.newaxis]
        self.oob_score_ = accuracy_score(
            y_encoded, np.argmax(self.oob_decision_function_, axis=1)
        )

    def _as_tree_input(self, X, sparse_format):
        if sparse.issparse(X):
            X = X.asformat(sparse_format).astype(np.float32)
            X.sort_indices()
            return X
        return np.ascontiguousarray(X, dtype=np.float32)

    def _average(self, X, method):
        X = self._as_tree_input(self._validate_predict_data(X), "csr")
        return average_member_outputs(
            self.estimators_,
            X,
            method,
            len(self.classes_),
            n_jobs=self.n_jobs,
            kwargs={"check_input": False},
        )

    @property
    def feature_importances_(self):
        """Mean impurity-based feature importance over the trees."""
        check_is_fitted(self)
        importances = [
            tree.feature_importances_
            for tree in self.estimators_
            if tree.tree_.node_count > 1
        ]
        if not importances:
            return np.zeros(self.n_features_in_, dtype=np.float64)
        mean = np.mean(importances, axis=0, dtype=np.float64)
        return mean / np.sum(mean)
