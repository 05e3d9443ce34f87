"""Bagging with a resampling step in every bag.

Every estimator here draws one bag per member, resamples it with an
imbalanced-learn sampler (or a bag-size rule from the literature) and fits a
clone of ``estimator`` on it; predictions average the members' probabilities.
Bags are built and members fitted in parallel, one job per member, through
:func:`skextra.utils.run_longest_first`; the seed of every member is drawn up
front, so results do not depend on ``n_jobs`` or on the joblib backend.
"""

import time
from numbers import Integral, Real

import numpy as np
from imblearn.over_sampling import SMOTE, RandomOverSampler
from imblearn.under_sampling import RandomUnderSampler
from joblib import effective_n_jobs, parallel_config
from scipy import sparse
from sklearn.base import BaseEstimator, ClassifierMixin, _fit_context, clone
from sklearn.tree import DecisionTreeClassifier
from sklearn.utils import check_random_state, get_tags
from sklearn.utils._param_validation import HasMethods, Interval, StrOptions
from sklearn.utils.metaestimators import available_if
from sklearn.utils.multiclass import check_classification_targets
from sklearn.utils.validation import (
    _check_sample_weight,
    check_is_fitted,
    has_fit_parameter,
    validate_data,
)

from ..gpu._dispatch import members_to_device
from ..gpu._resident import device_input
from ..utils import estimate_cost, run_longest_first, take_rows, to_host, to_numpy
from ..utils._docstring import fill_doc as fill_shared_doc
from ..utils._validation import DEVICE_CONSTRAINT
from ._validation import (
    check_n_classes,
    check_neighbors_feasible,
    check_sampler,
    check_sampling_strategy_feasible,
    fit_resample_weighted,
    sampling_type_of,
)

__all__ = [
    "BalancedBaggingClassifier",
    "OverBaggingClassifier",
    "RoughlyBalancedBaggingClassifier",
    "SMOTEBaggingClassifier",
    "UnderBaggingClassifier",
]

MAX_SEED = np.iinfo(np.int32).max

UNDER_SAMPLING_STRATEGY = [
    Interval(Real, 0, 1, closed="right"),
    StrOptions({"auto", "majority", "not minority", "not majority", "all"}),
    dict,
    callable,
]
OVER_SAMPLING_STRATEGY = [
    Interval(Real, 0, 1, closed="right"),
    StrOptions({"auto", "minority", "not minority", "not majority", "all"}),
    dict,
    callable,
]
ANY_SAMPLING_STRATEGY = [
    Interval(Real, 0, 1, closed="right"),
    StrOptions({"auto", "minority", "majority", "not minority", "not majority", "all"}),
    dict,
    list,
    callable,
]


# ---------------------------------------------------------------------------
# Helpers shipped to the workers
# ---------------------------------------------------------------------------


def seed_estimator(estimator, rng):
    """Give every ``random_state`` parameter of ``estimator`` a seed from ``rng``."""
    if not hasattr(estimator, "get_params"):
        return estimator
    params = estimator.get_params(deep=True)
    seeds = {
        key: int(rng.randint(MAX_SEED))
        for key in sorted(params)
        if key == "random_state" or key.endswith("__random_state")
    }
    if seeds:
        estimator.set_params(**seeds)
    return estimator


def stratified_bootstrap(y, rng):
    """Indices of a bootstrap drawn class by class: every class keeps its size.

    ``y`` holds the class codes ``0..n_classes-1``.
    """
    parts = []
    for label in np.flatnonzero(np.bincount(y)):
        members = np.flatnonzero(y == label)
        parts.append(members[rng.randint(0, members.size, size=members.size)])
    return np.sort(np.concatenate(parts))


def stack_rows(parts):
    """Stack row blocks that are all dense or all sparse."""
    if any(sparse.issparse(part) for part in parts):
        return sparse.vstack(parts, format="csr")
    return np.concatenate([np.asarray(part) for part in parts])


def final_class_sizes(added, y):
    """Over-sampling target as class sizes after resampling (what a dict means)."""
    labels, counts = np.unique(y, return_counts=True)
    size = {
        label.item() if isinstance(label, np.generic) else label: int(n)
        for label, n in zip(labels, counts)
    }
    return {label: size[label] + int(n) for label, n in added.items()}


_GIL_FREE_MEMBERS = (
    "sklearn.tree.",
    "sklearn.ensemble._forest.",
    "sklearn.ensemble._hist_gradient_boosting.",
)


def releases_gil(estimator):
    """Whether fitting ``estimator`` runs mostly outside the GIL (trees, forests).

    Such members are fitted in threads unless a joblib backend is set: threads
    share ``X`` instead of sending a copy to every job.
    """
    last = estimator.steps[-1][1] if hasattr(estimator, "steps") else estimator
    return type(last).__module__.startswith(_GIL_FREE_MEMBERS)


def as_float(codes):
    """Class codes as floats, which imbalanced-learn's checks handle faster."""
    return codes.astype(np.float64)


def _is_index_sampler(sampler):
    """Whether the sampler picks rows by looking at ``y`` only."""
    if type(sampler) is RandomUnderSampler:
        return True
    return type(sampler) is RandomOverSampler and sampler.shrinkage is None


class SamplerBag:
    """A bag: an optional class-wise bootstrap, then the sampler's resampling.

    ``picks_rows``: the bag is a choice of rows made from ``y`` alone, so
    ``X`` may live on a GPU (the rows are cut there).
    """

    def __init__(self, sampler, bootstrap):
        self.sampler = sampler
        self.bootstrap = bootstrap
        self.picks_rows = _is_index_sampler(sampler)

    def __call__(self, X, y, sample_weight, rng, index):
        rows = stratified_bootstrap(y, rng) if self.bootstrap else np.arange(len(y))
        sampler = seed_estimator(clone(self.sampler), rng)
        if _is_index_sampler(sampler):
            sampler.fit_resample(np.arange(rows.size).reshape(-1, 1), as_float(y[rows]))
            rows = rows[sampler.sample_indices_]
            weights = None if sample_weight is None else sample_weight[rows]
            return take_rows(X, rows), y[rows], weights
        weights = None if sample_weight is None else sample_weight[rows]
        return fit_resample_weighted(sampler, take_rows(X, rows), y[rows], weights)


def fit_member(make_bag, estimator, X, y, sample_weight, seed, index):
    """Build bag ``index`` and fit a clone of ``estimator`` on it."""
    start = time.perf_counter()
    rng = np.random.RandomState(seed)
    X_bag, y_bag, w_bag = make_bag(X, y, sample_weight, rng, index)
    member = seed_estimator(clone(estimator), rng)
    if w_bag is None:
        member.fit(X_bag, y_bag)
    else:
        member.fit(X_bag, y_bag, sample_weight=w_bag)
    counts = np.bincount(np.asarray(y_bag, dtype=np.intp))
    return member, counts, time.perf_counter() - start


def _member_output(member, X, method, n_classes, kwargs):
    """A member's ``method`` output with one column per class of the ensemble."""
    out = to_host(getattr(member, method)(X, **kwargs))
    if method == "predict":
        return np.eye(n_classes)[np.asarray(out, dtype=np.intp)]
    member_classes = np.asarray(to_numpy(member.classes_), dtype=np.intp)
    if method == "decision_function" and n_classes == 2:
        return out if out.ndim == 1 else out[:, -1]
    if member_classes.size == n_classes:
        return out
    if out.ndim == 1:
        out = np.column_stack([-out, out])
    full = np.zeros((out.shape[0], n_classes), dtype=np.float64)
    full[:, member_classes] = out
    return full


def member_outputs(members, X, method, n_classes, kwargs=None):
    """The members' ``method`` outputs (``predict``: one-hot votes), in order."""
    kwargs = kwargs or {}
    return [_member_output(member, X, method, n_classes, kwargs) for member in members]


def average_member_outputs(members, X, method, n_classes, *, n_jobs=None, kwargs=None):
    """Mean of the members' outputs, computed in threads, summed in member order.

    The sum runs in the members' order whatever ``n_jobs`` is, so the result
    is the same to the last bit for any number of jobs.
    """
    n_jobs = min(effective_n_jobs(n_jobs), len(members))
    # The members are clones of one estimator: one device copy serves all.
    X = device_input(members[0], X, {})
    if n_jobs <= 1:
        outputs = member_outputs(members, X, method, n_classes, kwargs)
    else:
        chunks = np.array_split(np.arange(len(members)), n_jobs)
        jobs = [
            (
                member_outputs,
                ([members[i] for i in chunk], X, method, n_classes, kwargs),
                {},
            )
            for chunk in chunks
        ]
        with parallel_config(prefer="threads"):
            parts = run_longest_first(jobs, [len(c) for c in chunks], n_jobs=n_jobs)
        outputs = [out for part in parts for out in part]
    total = outputs[0].astype(np.float64, copy=True)
    for out in outputs[1:]:
        total += out
    return total / len(outputs)


# ---------------------------------------------------------------------------
# Shared estimator base
# ---------------------------------------------------------------------------


def _estimator_has(attr):
    def check(self):
        return hasattr(self._template(), attr)

    return check


class BaseResampledEnsemble(ClassifierMixin, BaseEstimator):
    """What every resampling ensemble shares: validation, fitting, prediction.

    Subclasses define :meth:`_default_estimator`, :meth:`_bag_maker` (one bag
    per member, fitted in parallel) or override :meth:`_fit_members` (members
    that depend on earlier ones, as in cascades).
    """

    _parameter_constraints = {
        "estimator": [HasMethods(["fit", "predict"]), None],
        "n_estimators": [Interval(Integral, 1, None, closed="left")],
        "n_jobs": [None, Integral],
        "random_state": ["random_state"],
        "verbose": ["verbose"],
        "device": DEVICE_CONSTRAINT,
    }

    def _default_estimator(self):
        return DecisionTreeClassifier()

    def _template(self):
        if self.estimator is None:
            return self._default_estimator()
        return clone(self.estimator)

    def _resamples_synthetic_rows(self):
        return False

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        member_tags = get_tags(self._template())
        tags.input_tags.sparse = member_tags.input_tags.sparse
        tags.input_tags.allow_nan = (
            member_tags.input_tags.allow_nan and not self._resamples_synthetic_rows()
        )
        return tags

    def _validate_training_data(self, X, y, sample_weight):
        allow_nan = self.__sklearn_tags__().input_tags.allow_nan
        X, y = validate_data(
            self,
            X,
            y,
            accept_sparse=["csr", "csc"],
            dtype=None,
            ensure_all_finite="allow-nan" if allow_nan else True,
            multi_output=False,
        )
        check_classification_targets(y)
        self.classes_, y_encoded = np.unique(y, return_inverse=True)
        check_n_classes(y)
        template = self._template()
        if sample_weight is not None:
            sample_weight = _check_sample_weight(
                sample_weight, X, dtype=np.float64, ensure_non_negative=True
            )
            if not has_fit_parameter(template, "sample_weight"):
                raise ValueError(
                    f"sample_weight was given but the estimator "
                    f"{type(template).__name__} does not accept sample_weight "
                    f"in fit."
                )
        return X, y, np.asarray(y_encoded, dtype=np.intp), sample_weight, template

    def _encode_target(self, target):
        """A per-class dict in the user's labels as a dict over the codes 0..C-1."""
        labels = np.asarray(list(target), dtype=self.classes_.dtype)
        codes = np.searchsorted(self.classes_, labels)
        return {int(code): int(count) for code, count in zip(codes, target.values())}

    @_fit_context(prefer_skip_nested_validation=False)
    def fit(self, X, y, sample_weight=None):
        """Fit the ensemble on ``(X, y)``.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Training rows.
        y : array-like of shape (n_samples,)
            Class labels.
        sample_weight : array-like of shape (n_samples,), default=None
            Row weights, given to the members; each resampled row carries the
            weight of the row it was drawn from (see Notes of the class).
            Only accepted when ``estimator`` accepts ``sample_weight``.

        Returns
        -------
        self : object
            The fitted ensemble.
        """
        X, y, y_encoded, sample_weight, template = self._validate_training_data(
            X, y, sample_weight
        )
        template = members_to_device([template], self.device)[0]
        rng = check_random_state(self.random_state)
        seeds = rng.randint(MAX_SEED, size=self.n_estimators)
        self.estimators_, counts = self._fit_members(
            X, y, y_encoded, sample_weight, template, seeds
        )
        if self.verbose:
            self._log_members(counts)
        return self

    def _fit_members(self, X, y, y_encoded, sample_weight, template, seeds):
        make_bag = self._bag_maker(X, y, y_encoded)
        X_bags = X
        if getattr(make_bag, "picks_rows", False):
            # Bags are cut from one device copy when the members run on a GPU.
            X_bags = device_input(template, X, {})
        jobs = [
            (
                fit_member,
                (make_bag, template, X_bags, y_encoded, sample_weight, seed, i),
                {},
            )
            for i, seed in enumerate(seeds)
        ]
        costs = [estimate_cost(template, len(y_encoded))] * len(jobs)
        if releases_gil(template) or X_bags is not X:
            with parallel_config(prefer="threads"):
                results = run_longest_first(jobs, costs, n_jobs=self.n_jobs)
        else:
            results = run_longest_first(jobs, costs, n_jobs=self.n_jobs)
        members = [member for member, _, _ in results]
        log = [(counts, seconds) for _, counts, seconds in results]
        return members, log

    def _log_members(self, log):
        name = type(self).__name__
        for i, (counts, seconds) in enumerate(log):
            sizes = ", ".join(
                f"{label}: {int(n)}" for label, n in zip(self.classes_, counts)
            )
            print(
                f"[{name}] member {i + 1}/{len(log)}: {int(np.sum(counts))} rows "
                f"({sizes}), fitted in {seconds:.3f}s"
            )

    def _validate_predict_data(self, X):
        check_is_fitted(self)
        allow_nan = self.__sklearn_tags__().input_tags.allow_nan
        return validate_data(
            self,
            X,
            reset=False,
            accept_sparse=["csr", "csc"],
            dtype=None,
            ensure_all_finite="allow-nan" if allow_nan else True,
        )

    def _average(self, X, method):
        X = self._validate_predict_data(X)
        return average_member_outputs(
            self.estimators_, X, method, len(self.classes_), n_jobs=self.n_jobs
        )

    @available_if(_estimator_has("predict_proba"))
    def predict_proba(self, X):
        """Class probabilities: the mean of the members' probabilities.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Rows to predict.

        Returns
        -------
        proba : ndarray of shape (n_samples, n_classes)
            Columns follow ``classes_``.
        """
        return self._average(X, "predict_proba")

    @available_if(_estimator_has("decision_function"))
    def decision_function(self, X):
        """The mean of the members' decision functions.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Rows to predict.

        Returns
        -------
        score : ndarray of shape (n_samples,) or (n_samples, n_classes)
            One column per class of ``classes_``; for two classes, the score
            of ``classes_[1]``.
        """
        return self._average(X, "decision_function")

    def predict(self, X):
        """Predict the class of each row of ``X``.

        The class with the highest mean probability when the members have
        ``predict_proba``, the majority vote of the members otherwise.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Rows to predict.

        Returns
        -------
        y : ndarray of shape (n_samples,)
            Predicted labels.
        """
        if hasattr(self._template(), "predict_proba"):
            scores = self._average(X, "predict_proba")
        else:
            scores = self._average(X, "predict")
        return self.classes_[np.argmax(scores, axis=1)]


# ---------------------------------------------------------------------------
# Bagging with a sampler
# ---------------------------------------------------------------------------


class BaseSamplerBagging(BaseResampledEnsemble):
    """Bagging whose bags go through one imbalanced-learn sampler."""

    def _sampler(self):
        raise NotImplementedError

    def _sampling_kind(self):
        return sampling_type_of(self._sampler())

    def _configured_sampler(self, y, y_encoded):
        """The sampler with ``sampling_strategy`` checked and set on the codes."""
        sampler = self._sampler()
        kind = sampling_type_of(sampler)
        if kind is None or "sampling_strategy" not in sampler.get_params(deep=False):
            return sampler
        target = check_sampling_strategy_feasible(self.sampling_strategy, y, kind)
        if kind == "clean-sampling":
            codes = sorted(self._encode_target(target))
            return sampler.set_params(sampling_strategy=codes)
        check_neighbors_feasible(
            sampler if getattr(self, "sampler", None) is None else self.sampler,
            y,
            param="sampler",
            sampling_strategy=self.sampling_strategy,
        )
        if kind == "over-sampling":
            target = final_class_sizes(target, y)
        return sampler.set_params(sampling_strategy=self._encode_target(target))

    def _resamples_synthetic_rows(self):
        sampler = self._sampler()
        return not (_is_index_sampler(sampler) or type(sampler) is RandomOverSampler)

    def _bag_maker(self, X, y, y_encoded):
        return SamplerBag(self._configured_sampler(y, y_encoded), self.bootstrap)


_BAGGING_NOTES = """
    Each member's bag is a bootstrap drawn class by class (every class keeps
    its size, so a rare class cannot vanish from a bag and
    ``sampling_strategy`` means the same in every bag), resampled by the
    sampler. ``sample_weight`` follows the rows: a row the sampler selects or
    repeats keeps its weight; a row it synthesises (SMOTE and its variants)
    gets the mean weight of its class, and so does every row of a sampler
    whose output rows are all new (``ClusterCentroids``).
"""


@fill_shared_doc()
class BalancedBaggingClassifier(BaseSamplerBagging):
    """Bagging whose every bag is balanced by an imbalanced-learn sampler.

    Each member is fitted on a class-wise bootstrap of the training set
    resampled by ``sampler`` (by default random under-sampling of every class
    but the smallest). Any imbalanced-learn sampler can be given, which makes
    this the generic form of under-bagging, over-bagging, SMOTE-bagging and
    their cleaning-sampler variants.

    Parameters
    ----------
    estimator : estimator object, default=None
        The member fitted on every bag; ``None`` means a
        :class:`~sklearn.tree.DecisionTreeClassifier`.
    n_estimators : int, default=10
        Number of members.
    sampler : sampler object, default=None
        Any object with ``fit_resample`` (an imbalanced-learn sampler or
        pipeline). ``None`` means
        ``RandomUnderSampler(replacement=replacement)``.
    sampling_strategy : float, str, dict, list or callable, default="auto"
        Given to the sampler (as in imbalanced-learn) when it declares
        over-, under- or clean-sampling; checked against the training labels
        before any member is fitted.
    replacement : bool, default=False
        Whether the default random under-sampler draws with replacement.
    bootstrap : bool, default=True
        Whether every bag starts from a class-wise bootstrap of the rows;
        ``False`` resamples the whole training set in every bag.
    n_jobs : int, default=None
        Number of members fitted at once (joblib semantics). Tree and forest
        members are fitted in threads unless a joblib backend is set.
    random_state : int, RandomState instance or None, default=None
        Seeds every bag, sampler and member; the same seed gives the same
        ensemble for any ``n_jobs`` and joblib backend.
    verbose : int, default=0
        If positive, print one line per member: bag size per class and fit
        time.
    {{device}}

    Attributes
    ----------
    estimators_ : list of estimators
        The fitted members, trained on labels encoded as ``0..n_classes-1``.
    classes_ : ndarray of shape (n_classes,)
        The class labels.
    n_features_in_ : int
        Number of features seen during fit.
    feature_names_in_ : ndarray of shape (n_features_in_,)
        Names of features seen during fit, when ``X`` has string column
        names.

    See Also
    --------
    UnderBaggingClassifier : The same with random under-sampling.
    OverBaggingClassifier : The same with random over-sampling.
    SMOTEBaggingClassifier : Bags over-sampled by bootstrap and SMOTE.
    imblearn.ensemble.BalancedBaggingClassifier : The imbalanced-learn
        counterpart.

    Notes
    -----%(notes)s
    Unlike imbalanced-learn's, this class accepts ``sample_weight``.

    Examples
    --------
    >>> from imblearn.over_sampling import SMOTE
    >>> from sklearn.datasets import make_classification
    >>> from skextra.resampling import BalancedBaggingClassifier
    >>> X, y = make_classification(n_samples=300, weights=[0.9], random_state=0)
    >>> clf = BalancedBaggingClassifier(sampler=SMOTE(), random_state=0).fit(X, y)
    >>> clf.predict_proba(X[:2]).shape
    (2, 2)
    >>> len(clf.estimators_)
    10
    """

    _parameter_constraints = {
        **BaseResampledEnsemble._parameter_constraints,
        "sampler": [HasMethods(["fit_resample"]), None],
        "sampling_strategy": ANY_SAMPLING_STRATEGY,
        "replacement": ["boolean"],
        "bootstrap": ["boolean"],
    }

    def __init__(
        self,
        estimator=None,
        n_estimators=10,
        *,
        sampler=None,
        sampling_strategy="auto",
        replacement=False,
        bootstrap=True,
        n_jobs=None,
        random_state=None,
        verbose=0,
        device=None,
    ):
        self.estimator = estimator
        self.n_estimators = n_estimators
        self.sampler = sampler
        self.sampling_strategy = sampling_strategy
        self.replacement = replacement
        self.bootstrap = bootstrap
        self.n_jobs = n_jobs
        self.random_state = random_state
        self.verbose = verbose
        self.device = device

    def _sampler(self):
        if self.sampler is None:
            return RandomUnderSampler(replacement=self.replacement)
        return clone(check_sampler(self.sampler))


BalancedBaggingClassifier.__doc__ = BalancedBaggingClassifier.__doc__ % {
    "notes": _BAGGING_NOTES
}


@fill_shared_doc()
class UnderBaggingClassifier(BaseSamplerBagging):
    """Bagging with random under-sampling in every bag (under-bagging).

    Each member is fitted on a class-wise bootstrap of the training set in
    which the classes named by ``sampling_strategy`` are randomly
    under-sampled (by default every class down to the size of the smallest),
    with imbalanced-learn's :class:`~imblearn.under_sampling.RandomUnderSampler`.

    Parameters
    ----------
    estimator : estimator object, default=None
        The member fitted on every bag; ``None`` means a
        :class:`~sklearn.tree.DecisionTreeClassifier`.
    n_estimators : int, default=10
        Number of members.
    sampling_strategy : float, str, dict or callable, default="auto"
        Under-sampling target, as for imbalanced-learn's
        ``RandomUnderSampler``; checked against the training labels before
        any member is fitted.
    replacement : bool, default=False
        Whether under-sampling draws with replacement.
    bootstrap : bool, default=True
        Whether every bag starts from a class-wise bootstrap of the rows.
    n_jobs : int, default=None
        Number of members fitted at once (joblib semantics). Tree and forest
        members are fitted in threads unless a joblib backend is set.
    random_state : int, RandomState instance or None, default=None
        Seeds every bag and member; the same seed gives the same ensemble for
        any ``n_jobs`` and joblib backend.
    verbose : int, default=0
        If positive, print one line per member: bag size per class and fit
        time.
    {{device}}

    Attributes
    ----------
    estimators_ : list of estimators
        The fitted members, trained on labels encoded as ``0..n_classes-1``.
    classes_ : ndarray of shape (n_classes,)
        The class labels.
    n_features_in_ : int
        Number of features seen during fit.
    feature_names_in_ : ndarray of shape (n_features_in_,)
        Names of features seen during fit, when ``X`` has string column
        names.

    See Also
    --------
    BalancedBaggingClassifier : The same with any sampler.
    EasyEnsembleClassifier : Under-sampled bags without bootstrap, AdaBoost
        members.

    Notes
    -----%(notes)s
    Examples
    --------
    >>> from sklearn.datasets import make_classification
    >>> from sklearn.metrics import balanced_accuracy_score
    >>> from skextra.resampling import UnderBaggingClassifier
    >>> X, y = make_classification(n_samples=400, weights=[0.9], random_state=0)
    >>> clf = UnderBaggingClassifier(n_estimators=20, random_state=0).fit(X, y)
    >>> bool(balanced_accuracy_score(y, clf.predict(X)) > 0.8)
    True
    """

    _parameter_constraints = {
        **BaseResampledEnsemble._parameter_constraints,
        "sampling_strategy": UNDER_SAMPLING_STRATEGY,
        "replacement": ["boolean"],
        "bootstrap": ["boolean"],
    }

    def __init__(
        self,
        estimator=None,
        n_estimators=10,
        *,
        sampling_strategy="auto",
        replacement=False,
        bootstrap=True,
        n_jobs=None,
        random_state=None,
        verbose=0,
        device=None,
    ):
        self.estimator = estimator
        self.n_estimators = n_estimators
        self.sampling_strategy = sampling_strategy
        self.replacement = replacement
        self.bootstrap = bootstrap
        self.n_jobs = n_jobs
        self.random_state = random_state
        self.verbose = verbose
        self.device = device

    def _sampler(self):
        return RandomUnderSampler(replacement=self.replacement)


UnderBaggingClassifier.__doc__ = UnderBaggingClassifier.__doc__ % {
    "notes": _BAGGING_NOTES
}


@fill_shared_doc()
class OverBaggingClassifier(BaseSamplerBagging):
    """Bagging with random over-sampling in every bag (over-bagging).

    Each member is fitted on a class-wise bootstrap of the training set in
    which the classes named by ``sampling_strategy`` are randomly
    over-sampled (by default every class up to the size of the largest), with
    imbalanced-learn's :class:`~imblearn.over_sampling.RandomOverSampler`.

    Parameters
    ----------
    estimator : estimator object, default=None
        The member fitted on every bag; ``None`` means a
        :class:`~sklearn.tree.DecisionTreeClassifier`.
    n_estimators : int, default=10
        Number of members.
    sampling_strategy : float, str, dict or callable, default="auto"
        Over-sampling target, as for imbalanced-learn's
        ``RandomOverSampler``; checked against the training labels before
        any member is fitted.
    shrinkage : float or None, default=None
        Smoothed bootstrap of ``RandomOverSampler``: ``None`` repeats rows,
        a positive value draws new rows around them.
    bootstrap : bool, default=True
        Whether every bag starts from a class-wise bootstrap of the rows.
    n_jobs : int, default=None
        Number of members fitted at once (joblib semantics). Tree and forest
        members are fitted in threads unless a joblib backend is set.
    random_state : int, RandomState instance or None, default=None
        Seeds every bag and member; the same seed gives the same ensemble for
        any ``n_jobs`` and joblib backend.
    verbose : int, default=0
        If positive, print one line per member: bag size per class and fit
        time.
    {{device}}

    Attributes
    ----------
    estimators_ : list of estimators
        The fitted members, trained on labels encoded as ``0..n_classes-1``.
    classes_ : ndarray of shape (n_classes,)
        The class labels.
    n_features_in_ : int
        Number of features seen during fit.
    feature_names_in_ : ndarray of shape (n_features_in_,)
        Names of features seen during fit, when ``X`` has string column
        names.

    See Also
    --------
    SMOTEBaggingClassifier : Over-sampling by bootstrap and SMOTE.
    UnderBaggingClassifier : Under-sampling instead.

    Notes
    -----%(notes)s
    With ``shrinkage`` set, the new rows are synthesised and get the mean
    weight of their class.

    Examples
    --------
    >>> from sklearn.datasets import make_classification
    >>> from skextra.resampling import OverBaggingClassifier
    >>> X, y = make_classification(n_samples=300, weights=[0.9], random_state=0)
    >>> clf = OverBaggingClassifier(n_estimators=5, random_state=0).fit(X, y)
    >>> clf.classes_
    array([0, 1])
    """

    _parameter_constraints = {
        **BaseResampledEnsemble._parameter_constraints,
        "sampling_strategy": OVER_SAMPLING_STRATEGY,
        "shrinkage": [Interval(Real, 0, None, closed="left"), None],
        "bootstrap": ["boolean"],
    }

    def __init__(
        self,
        estimator=None,
        n_estimators=10,
        *,
        sampling_strategy="auto",
        shrinkage=None,
        bootstrap=True,
        n_jobs=None,
        random_state=None,
        verbose=0,
        device=None,
    ):
        self.estimator = estimator
        self.n_estimators = n_estimators
        self.sampling_strategy = sampling_strategy
        self.shrinkage = shrinkage
        self.bootstrap = bootstrap
        self.n_jobs = n_jobs
        self.random_state = random_state
        self.verbose = verbose
        self.device = device

    def _sampler(self):
        return RandomOverSampler(shrinkage=self.shrinkage)


OverBaggingClassifier.__doc__ = OverBaggingClassifier.__doc__ % {
    "notes": _BAGGING_NOTES
}


# ---------------------------------------------------------------------------
# SMOTEBagging
# ---------------------------------------------------------------------------


class SMOTEBag:
    """A SMOTEBagging bag: bootstrap ``rate`` of each grown class, SMOTE the rest."""

    def __init__(self, sampler, target, rates):
        self.sampler = sampler
        self.target = target
        self.rates = rates

    def __call__(self, X, y, sample_weight, rng, index):
        rate = self.rates[index % len(self.rates)]
        rows, synthetic = [], {}
        counts = np.bincount(y)
        for label in range(counts.size):
            members = np.flatnonzero(y == label)
            total = counts[label] + self.target.get(label, 0)
            n_drawn = total
            if self.target.get(label, 0) > 0:
                n_drawn = int(round(rate * total))
                if total - n_drawn > 0:
                    synthetic[label] = counts[label] + total - n_drawn
            rows.append(members[rng.randint(0, members.size, size=n_drawn)])
        rows = np.sort(np.concatenate(rows))
        X_parts, y_parts = [take_rows(X, rows)], [y[rows]]
        w_parts = None if sample_weight is None else [sample_weight[rows]]
        sampler = seed_estimator(clone(self.sampler), rng)
        if synthetic:
            sampler.set_params(sampling_strategy=synthetic)
            X_res, y_res, w_res = fit_resample_weighted(sampler, X, y, sample_weight)
            n = len(y)
            X_parts.append(take_rows(X_res, np.arange(n, len(y_res))))
            y_parts.append(np.asarray(y_res)[n:])
            if w_parts is not None:
                w_parts.append(w_res[n:])
        weights = None if w_parts is None else np.concatenate(w_parts)
        return stack_rows(X_parts), np.concatenate(y_parts), weights


@fill_shared_doc()
class SMOTEBaggingClassifier(BaseResampledEnsemble):
    """SMOTEBagging (Wang & Yao, 2009): bags over-sampled by bootstrap and SMOTE.

    Every bag keeps a bootstrap of each class that is not over-sampled and
    brings each over-sampled class to its target size (by default the size
    of the largest class) in two parts: a fraction ``rate`` of the target is
    drawn with replacement from the class's rows (random over-sampling), the
    rest is synthesised by SMOTE from the class's rows. The rate changes from
    bag to bag, cycling through ``resampling_rates`` (10%, 20%, ..., 100% by
    default), so the bags range from mostly synthetic to purely bootstrapped,
    which is where the ensemble's diversity comes from. Multi-class problems
    treat every over-sampled class the same way.

    Parameters
    ----------
    estimator : estimator object, default=None
        The member fitted on every bag; ``None`` means a
        :class:`~sklearn.tree.DecisionTreeClassifier`.
    n_estimators : int, default=10
        Number of members.
    sampling_strategy : float, str, dict or callable, default="auto"
        Over-sampling target, as for imbalanced-learn's over-samplers.
    k_neighbors : int, default=5
        Neighbours used by SMOTE; every over-sampled class needs at least
        ``k_neighbors + 1`` rows unless its bags are purely bootstrapped.
    resampling_rates : array-like of float in [0, 1], default=None
        The bootstrapped fraction of each over-sampled class, bag ``i``
        using ``resampling_rates[i % len(resampling_rates)]``. ``None``
        means ``(0.1, 0.2, ..., 1.0)``.
    sampler : sampler object, default=None
        The over-sampler that synthesises rows; ``None`` means
        ``SMOTE(k_neighbors=k_neighbors)``. Any imbalanced-learn
        over-sampler whose ``sampling_strategy`` accepts a dict can be given
        (``BorderlineSMOTE``, ``SVMSMOTE``, ``SMOTENC``, ...), in which case
        ``k_neighbors`` is not used.
    n_jobs : int, default=None
        Number of members fitted at once (joblib semantics). Tree and forest
        members are fitted in threads unless a joblib backend is set.
    random_state : int, RandomState instance or None, default=None
        Seeds every bag, SMOTE and member; the same seed gives the same
        ensemble for any ``n_jobs`` and joblib backend.
    verbose : int, default=0
        If positive, print one line per member: bag size per class and fit
        time.
    {{device}}

    Attributes
    ----------
    estimators_ : list of estimators
        The fitted members, trained on labels encoded as ``0..n_classes-1``.
    resampling_rates_ : ndarray of shape (n_estimators,)
        The bootstrapped fraction used by each member's bag.
    classes_ : ndarray of shape (n_classes,)
        The class labels.
    n_features_in_ : int
        Number of features seen during fit.
    feature_names_in_ : ndarray of shape (n_features_in_,)
        Names of features seen during fit, when ``X`` has string column
        names.

    See Also
    --------
    OverBaggingClassifier : Over-sampling by bootstrap only.
    BalancedBaggingClassifier : Any sampler, e.g. plain SMOTE in every bag.

    Notes
    -----
    ``sample_weight`` follows the rows: bootstrapped rows keep their weight,
    synthetic rows get the mean weight of their class.

    References
    ----------
    .. [1] S. Wang and X. Yao, "Diversity analysis on imbalanced data sets by
       using ensemble models", IEEE Symposium on Computational Intelligence
       and Data Mining, 2009.

    Examples
    --------
    >>> from sklearn.datasets import make_classification
    >>> from skextra.resampling import SMOTEBaggingClassifier
    >>> X, y = make_classification(n_samples=300, weights=[0.9], random_state=0)
    >>> clf = SMOTEBaggingClassifier(n_estimators=4, random_state=0).fit(X, y)
    >>> clf.resampling_rates_
    array([0.1, 0.2, 0.3, 0.4])
    """

    _parameter_constraints = {
        **BaseResampledEnsemble._parameter_constraints,
        "sampling_strategy": OVER_SAMPLING_STRATEGY,
        "k_neighbors": [Interval(Integral, 1, None, closed="left")],
        "resampling_rates": ["array-like", None],
        "sampler": [HasMethods(["fit_resample"]), None],
    }

    def __init__(
        self,
        estimator=None,
        n_estimators=10,
        *,
        sampling_strategy="auto",
        k_neighbors=5,
        resampling_rates=None,
        sampler=None,
        n_jobs=None,
        random_state=None,
        verbose=0,
        device=None,
    ):
        self.estimator = estimator
        self.n_estimators = n_estimators
        self.sampling_strategy = sampling_strategy
        self.k_neighbors = k_neighbors
        self.resampling_rates = resampling_rates
        self.sampler = sampler
        self.n_jobs = n_jobs
        self.random_state = random_state
        self.verbose = verbose
        self.device = device

    def _resamples_synthetic_rows(self):
        return True

    def _rates(self):
        if self.resampling_rates is None:
            return np.round(np.arange(1, 11) / 10.0, 1)
        rates = np.asarray(self.resampling_rates, dtype=np.float64).ravel()
        if (
            rates.size == 0
            or np.any(~np.isfinite(rates))
            or np.any((rates < 0) | (rates > 1))
        ):
            raise ValueError(
                "resampling_rates must be a non-empty sequence of fractions in "
                f"[0, 1], got {self.resampling_rates!r}."
            )
        return rates

    def _bag_maker(self, X, y, y_encoded):
        rates = self._rates()
        if self.sampler is None:
            sampler = SMOTE(k_neighbors=self.k_neighbors)
        else:
            sampler = clone(check_sampler(self.sampler))
            if sampling_type_of(sampler) != "over-sampling":
                raise TypeError(
                    f"sampler must be an over-sampler that synthesises rows "
                    f"(SMOTE, BorderlineSMOTE, ...), got {self.sampler!r}."
                )
        target = check_sampling_strategy_feasible(
            self.sampling_strategy, y, "over-sampling"
        )
        used = rates[np.arange(self.n_estimators) % rates.size]
        self.resampling_rates_ = used
        if np.any(used < 1.0):
            check_neighbors_feasible(
                sampler,
                y,
                param="sampler" if self.sampler is not None else None,
                sampling_strategy=self.sampling_strategy,
            )
        return SMOTEBag(sampler, self._encode_target(target), rates)


# ---------------------------------------------------------------------------
# Roughly balanced bagging
# ---------------------------------------------------------------------------


class RoughlyBalancedBag:
    """A roughly balanced bag: negative-binomial sizes for the reduced classes."""

    picks_rows = True

    def __init__(self, target):
        self.target = target

    def __call__(self, X, y, sample_weight, rng, index):
        counts = np.bincount(y)
        rows = []
        for label in range(counts.size):
            members = np.flatnonzero(y == label)
            if label in self.target:
                size = max(1, int(rng.negative_binomial(self.target[label], 0.5)))
            else:
                size = members.size
            rows.append(members[rng.randint(0, members.size, size=size)])
        rows = np.sort(np.concatenate(rows))
        weights = None if sample_weight is None else sample_weight[rows]
        return take_rows(X, rows), y[rows], weights


@fill_shared_doc()
class RoughlyBalancedBaggingClassifier(BaseResampledEnsemble):
    """Roughly balanced bagging (Hido & Kashima, 2009).

    Every bag draws the minority class with replacement at its own size and
    each under-sampled class with replacement at a size drawn from a negative
    binomial distribution ``NB(n, 0.5)``, whose mean ``n`` is the class's
    under-sampling target (by default the size of the minority class). The
    bags are balanced on average but vary in size, which keeps bagging's
    diversity where exactly balanced bags would fix it.

    Parameters
    ----------
    estimator : estimator object, default=None
        The member fitted on every bag; ``None`` means a
        :class:`~sklearn.tree.DecisionTreeClassifier`.
    n_estimators : int, default=10
        Number of members.
    sampling_strategy : float, str, dict or callable, default="auto"
        Under-sampling target, as for imbalanced-learn's
        ``RandomUnderSampler``: the classes it names get negative-binomial
        bag sizes with the target as mean; the others are bootstrapped at
        their own size.
    n_jobs : int, default=None
        Number of members fitted at once (joblib semantics). Tree and forest
        members are fitted in threads unless a joblib backend is set.
    random_state : int, RandomState instance or None, default=None
        Seeds every bag and member; the same seed gives the same ensemble for
        any ``n_jobs`` and joblib backend.
    verbose : int, default=0
        If positive, print one line per member: bag size per class and fit
        time.
    {{device}}

    Attributes
    ----------
    estimators_ : list of estimators
        The fitted members, trained on labels encoded as ``0..n_classes-1``.
    classes_ : ndarray of shape (n_classes,)
        The class labels.
    n_features_in_ : int
        Number of features seen during fit.
    feature_names_in_ : ndarray of shape (n_features_in_,)
        Names of features seen during fit, when ``X`` has string column
        names.

    See Also
    --------
    UnderBaggingClassifier : Exactly balanced bags.

    Notes
    -----
    For bag ``i`` the seed ``s_i`` is drawn up front from ``random_state``;
    the bag's sizes are then ``RandomState(s_i).negative_binomial(n_c, 0.5)``
    for the under-sampled classes ``c`` in increasing label order (at least
    one row each). ``sample_weight`` follows the drawn rows.

    References
    ----------
    .. [1] S. Hido and H. Kashima, "Roughly balanced bagging for imbalanced
       data", Statistical Analysis and Data Mining 2(5-6), 2009.

    Examples
    --------
    >>> from sklearn.datasets import make_classification
    >>> from skextra.resampling import RoughlyBalancedBaggingClassifier
    >>> X, y = make_classification(n_samples=300, weights=[0.9], random_state=0)
    >>> clf = RoughlyBalancedBaggingClassifier(random_state=0).fit(X, y)
    >>> [len(tree.tree_.value) > 1 for tree in clf.estimators_[:2]]
    [True, True]
    """

    _parameter_constraints = {
        **BaseResampledEnsemble._parameter_constraints,
        "sampling_strategy": UNDER_SAMPLING_STRATEGY,
    }

    def __init__(
        self,
        estimator=None,
        n_estimators=10,
        *,
        sampling_strategy="auto",
        n_jobs=None,
        random_state=None,
        verbose=0,
        device=None,
    ):
        self.estimator = estimator
        self.n_estimators = n_estimators
        self.sampling_strategy = sampling_strategy
        self.n_jobs = n_jobs
        self.random_state = random_state
        self.verbose = verbose
        self.device = device

    def _bag_maker(self, X, y, y_encoded):
        target = check_sampling_strategy_feasible(
            self.sampling_strategy, y, "under-sampling"
        )
        return RoughlyBalancedBag(self._encode_target(target))
