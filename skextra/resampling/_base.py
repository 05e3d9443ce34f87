"""The base of the resampling ensembles: what every one of them shares.

A resampled ensemble draws one seed per member up front (so results do not
depend on ``n_jobs`` or on the joblib backend), builds each member's training
set with an imbalanced-learn sampler or a bag-size rule from the literature,
fits a clone of ``estimator`` on it and averages the members' outputs.

- :class:`BaseResampledEnsemble` validates the data, draws the seeds, fits
  the members (one job per member through
  :func:`skextra.utils.run_longest_first`, or one after another where a
  subclass overrides :meth:`~BaseResampledEnsemble._fit_members`) and
  predicts. A subclass says how a bag is made (:meth:`_bag_maker`, a
  callable ``(X, y, sample_weight, rng, index) -> (X_bag, y_bag, w_bag)``)
  and what its default member is.
- :class:`BaseSamplerBagging` makes the bags with one sampler
  (:meth:`_sampler`), its ``sampling_strategy`` checked and set once, and
  holds imbalanced-learn's bagging parameters (``max_samples``,
  ``max_features``, ``bootstrap_features``, ``oob_score``, ``warm_start``)
  and its layout of members as ``Pipeline(sampler, classifier)``.
- The module-level functions are what joblib ships to the workers
  (:func:`fit_member`) and what the estimator modules share to cut, seed and
  fit bags and to combine the members' outputs.
- :data:`RESAMPLING_DOCS` holds the docstring paragraphs of the family, for
  :func:`skextra.utils._docstring.fill_doc`.
"""

import time
import warnings
from numbers import Integral, Real

import numpy as np
from imblearn.over_sampling import RandomOverSampler
from imblearn.pipeline import Pipeline
from imblearn.under_sampling import RandomUnderSampler
from joblib import effective_n_jobs, parallel_config
from sklearn.base import BaseEstimator, ClassifierMixin, _fit_context, clone
from sklearn.metrics import accuracy_score
from sklearn.tree import DecisionTreeClassifier
from sklearn.utils import get_tags
from sklearn.utils._param_validation import (
    HasMethods,
    Interval,
    RealNotInt,
    StrOptions,
)
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
from ..utils._docstring import SHARED_DOCS
from ..utils._random import draw_seeds
from ..utils._validation import DEVICE_CONSTRAINT
from ._validation import (
    check_n_classes,
    check_neighbors_feasible,
    check_sampling_strategy_feasible,
    fit_resample_weighted,
    sampling_type_of,
)


def _sampling_strategy(strings, *types):
    """The forms of imbalanced-learn's ``sampling_strategy``, with these strings."""
    common = {"auto", "not minority", "not majority", "all"}
    return [
        Interval(Real, 0, 1, closed="right"),
        StrOptions(common | strings),
        dict,
        *types,
        callable,
    ]


UNDER_SAMPLING_STRATEGY = _sampling_strategy({"majority"})
OVER_SAMPLING_STRATEGY = _sampling_strategy({"minority"})
ANY_SAMPLING_STRATEGY = _sampling_strategy({"minority", "majority"}, list)

# Parameters every resampled ensemble takes, with the same meaning.
MEMBER_CONSTRAINTS = {
    "estimator": [HasMethods(["fit", "predict"]), None],
    "n_estimators": [Interval(Integral, 1, None, closed="left")],
    "random_state": ["random_state"],
    "verbose": ["verbose"],
    "device": DEVICE_CONSTRAINT,
}

_COUNT_OR_FRACTION = [
    Interval(Integral, 1, None, closed="left"),
    Interval(RealNotInt, 0, 1, closed="right"),
]

# imbalanced-learn's (and scikit-learn's) bagging parameters.
BAGGING_CONSTRAINTS = {
    "max_samples": _COUNT_OR_FRACTION,
    "max_features": _COUNT_OR_FRACTION,
    "bootstrap_features": ["boolean"],
    "oob_score": ["boolean"],
    "warm_start": ["boolean"],
}


# ---------------------------------------------------------------------------
# Docstring paragraphs of the family (filled by ``fill_doc(RESAMPLING_DOCS)``)
# ---------------------------------------------------------------------------

_FITTED_ATTRIBUTES = """classes_ : ndarray of shape (n_classes,)
        The class labels.
    n_features_in_ : int
        Number of features seen during fit.
    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Names of features seen during fit, when ``X`` has string column
        names."""

RESAMPLING_DOCS = {
    "bag_estimator": """estimator : estimator object, default=None
        The member fitted on every bag; ``None`` means a
        :class:`~sklearn.tree.DecisionTreeClassifier`.""",
    "n_members": """n_estimators : int, default=10
        Number of members.""",
    "bootstrap": """bootstrap : bool, default=True
        Whether every bag starts from a class-wise bootstrap of the rows;
        ``False`` resamples the whole training set in every bag.""",
    "under_replacement": """replacement : bool, default=False
        Whether under-sampling draws with replacement.""",
    "bagging_n_jobs": SHARED_DOCS["n_jobs"]
    + """
        Tree and forest members are fitted in threads unless a joblib
        backend is set.""",
    "sequential_n_jobs": """n_jobs : int, default=None
        Number of members predicting at once in ``predict`` and
        ``predict_proba``; the members themselves are fitted one after
        another.""",
    "verbose_members": """verbose : int, default=0
        If positive, print one line per member: bag size per class and fit
        time.""",
    "bagging_params": """max_samples : int or float, default=1.0
        Rows drawn for each bag before the sampler resamples them: a count,
        or a fraction of the training rows. They are drawn class by class,
        every class in proportion to its size.
    max_features : int or float, default=1.0
        Columns each member is fitted on: a count, or a fraction of the
        columns.
    bootstrap_features : bool, default=False
        Whether the columns are drawn with replacement.
    oob_score : bool, default=False
        Whether to score the ensemble on the rows each bag did not draw
        (needs ``bootstrap=True``).""",
    "warm_start": """warm_start : bool, default=False
        When ``True``, ``fit`` keeps the members of the previous fit and adds
        new ones up to ``n_estimators``.""",
    "pipeline_attributes": """estimator_ : Pipeline
        The unfitted ``Pipeline([("sampler", ...), ("classifier", ...)])``
        each member is a copy of.
    estimators_ : list of Pipeline
        The fitted members, each a ``Pipeline`` whose ``"sampler"`` step is
        the bag's fitted sampler and whose ``"classifier"`` step is the
        fitted estimator (trained on labels encoded as ``0..n_classes-1``).
    estimators_samples_ : list of ndarray
        The rows drawn for each bag, before its sampler resampled them.
    estimators_features_ : list of ndarray
        The columns each member is fitted on.""",
    "oob_attributes": """oob_score_ : float
        Accuracy of the out-of-bag predictions; only with ``oob_score=True``.
    oob_decision_function_ : ndarray of shape (n_samples, n_classes)
        Mean of the probabilities (or votes) of the members whose bag did not
        draw the row; NaN for a row every bag drew. Only with
        ``oob_score=True``.""",
    "members_attribute": """estimators_ : list of estimators
        The fitted members, trained on labels encoded as ``0..n_classes-1``.""",
    "fitted_attributes": _FITTED_ATTRIBUTES,
    "bagging_notes": """Each member's bag is a bootstrap drawn class by class (every
    class keeps its size, so a rare class cannot vanish from a bag and
    ``sampling_strategy`` means the same in every bag), resampled by the
    sampler. ``sample_weight`` follows the rows: a row the sampler selects or
    repeats keeps its weight; a row it synthesises (SMOTE and its variants) gets
    the mean weight of its class, and so does every row of a sampler whose
    output rows are all new (``ClusterCentroids``).""",
    "boost_estimator": """estimator : estimator object, default=None
        The member; it must accept ``sample_weight`` in ``fit``. ``None``
        means ``DecisionTreeClassifier(max_depth=1)``, as in imbalanced-learn.""",
    "boost_params": """n_estimators : int, default=50
        Number of members (boosting rounds that are kept).
    learning_rate : float, default=1.0
        Shrinks each member's SAMME weight
        ``learning_rate * (log((1 - err) / err) + log(n_classes - 1))``.
    max_retries : int, default=1
        How many times a round whose member is no better than chance
        (weighted error ``>= 1 - 1 / n_classes`` on the training rows) is
        discarded and tried again on a new resample; see Notes.""",
    "verbose_rounds": """verbose : int, default=0
        When positive, print one line per round (error, weight, discarded
        resamples, weight resets).""",
    "boost_attributes": """estimators_ : list of estimators
        The fitted members, in boosting order. Members are fitted on the
        labels encoded as ``0 .. n_classes - 1``.
    estimator_weights_ : ndarray of shape (n_members,)
        SAMME weight of each member.
    estimator_errors_ : ndarray of shape (n_members,)
        Weighted error of each member on the original training rows.
    samplers_ : list of samplers
        The fitted sampler of each member, seeded as it was in its round.
    pipelines_ : list of Pipeline
        ``make_pipeline(samplers_[i], estimators_[i])`` for each member.
    restarts_ : ndarray of int
        Indices of the rounds at which the sample weights were reset to their
        initial values (see Notes).
    n_discarded_ : int
        Number of members fitted and discarded because their error was at
        chance level (see Notes).
    balanced_from_ : int or None
        The round from which the initial weights are class-balanced (see
        Notes), or None if they stayed the given ones.
    n_classes_ : int
        Number of classes.
    """
    + _FITTED_ATTRIBUTES,
    "boost_notes": """Each round draws a resample of the training rows (the sampler
    ignores the boosting weights), fits the member on it with the rows' current
    weights (which sum to 1 over the training rows, as in scikit-learn's
    ``AdaBoostClassifier``), measures the member's weighted error ``err`` on the
    original, un-resampled training rows, and multiplies the weight of every
    misclassified row by ``exp(alpha)``, ``alpha = learning_rate * (log((1 -
    err) / err) + log(n_classes - 1))`` (SAMME). Predictions are the
    ``alpha``-weighted vote, as in scikit-learn's ``AdaBoostClassifier``.

    **Rounds at chance level.** A member trained on balanced data is biased
    towards the small classes, so once boosting has moved weight onto the rows
    the previous member got wrong, a round often scores ``err >= 1 - 1 /
    n_classes`` on the imbalanced training rows. imbalanced-learn's
    ``RUSBoostClassifier`` (like ``AdaBoostClassifier``) then stops, frequently
    with one or two members. Here such a round is discarded and tried again on a
    new resample, up to ``max_retries`` times; if every try fails, the sample
    weights are reset to their initial values and the round is tried again, up
    to ``max_retries + 1`` times (a restart, as in Bauer & Kohavi 1999 and
    Webb's MultiBoost), recorded in ``restarts_``. If it also fails with the
    initial weights, these are made class-balanced once (each class weighs
    ``1 / n_classes``, the given weights kept in proportion within a class;
    ``balanced_from_`` says from which round) and the round is tried as often
    again: where every split that keeps a small class keeps most rows, a stump
    fitted on balanced data errs on more than half of the uniform weight from
    the first round on (KEEL ``car_good``), and imbalanced-learn's
    ``RUSBoostClassifier`` refuses the data. Only if the round also fails with
    the class-balanced weights does boosting stop, with a
    ``ChanceErrorWarning`` that names the round; if this happens in the first
    round, ``fit`` raises a ``ValueError``. A member with zero error ends
    boosting with weight 1, as in scikit-learn.""",
}


# ---------------------------------------------------------------------------
# Helpers shipped to the workers
# ---------------------------------------------------------------------------


def seed_estimator(estimator, rng):
    """Give every ``random_state`` parameter of ``estimator`` a seed from ``rng``."""
    if not hasattr(estimator, "get_params"):
        return estimator
    params = estimator.get_params(deep=True)
    seeds = {
        key: draw_seeds(rng)
        for key in sorted(params)
        if key == "random_state" or key.endswith("__random_state")
    }
    if seeds:
        estimator.set_params(**seeds)
    return estimator


def stratified_bootstrap(y, rng, sizes=None):
    """Indices of a bootstrap drawn class by class: every class keeps its size.

    ``y`` holds the class codes ``0..n_classes-1``; ``sizes`` (one per class
    code) replaces the class sizes as the number of rows drawn.
    """
    parts = []
    counts = np.bincount(y)
    sizes = counts if sizes is None else sizes
    for label in np.flatnonzero(counts):
        members = np.flatnonzero(y == label)
        parts.append(members[rng.randint(0, members.size, size=sizes[label])])
    return np.sort(np.concatenate(parts))


def stratified_subsample(y, sizes, rng):
    """Indices of ``sizes[c]`` distinct rows of each class ``c``, sorted."""
    parts = []
    for label in np.flatnonzero(sizes):
        members = np.flatnonzero(y == label)
        parts.append(rng.permutation(members)[: sizes[label]])
    return np.sort(np.concatenate(parts))


def class_shares(y, n_rows):
    """``n_rows`` split over the classes of ``y`` in proportion to their sizes.

    Largest remainders round the shares, so they sum to ``n_rows`` exactly.
    """
    counts = np.bincount(y)
    quota = counts * (n_rows / counts.sum())
    sizes = np.floor(quota).astype(np.intp)
    short = n_rows - sizes.sum()
    if short > 0:
        sizes[np.argsort(sizes - quota, kind="stable")[:short]] += 1
    return sizes


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


def is_index_sampler(sampler):
    """Whether the sampler picks rows by looking at ``y`` only."""
    if type(sampler) is RandomUnderSampler:
        return True
    return type(sampler) is RandomOverSampler and sampler.shrinkage is None


class SamplerBag:
    """A bag: a class-wise draw of rows and columns, then the sampler's resampling.

    ``n_rows`` rows are drawn (all of them by default), split over the classes
    in proportion to their sizes, with replacement when ``bootstrap``;
    ``n_columns`` of ``n_features`` columns are drawn (with replacement when
    ``bootstrap_features``) unless every column is kept in order.
    ``picks_rows``: the bag is a choice of rows made from ``y`` alone, so
    ``X`` may live on a GPU (the rows are cut there).
    """

    def __init__(
        self,
        sampler,
        bootstrap,
        *,
        n_rows=None,
        n_features=None,
        n_columns=None,
        bootstrap_features=False,
    ):
        self.sampler = sampler
        self.bootstrap = bootstrap
        self.n_rows = n_rows
        self.n_features = n_features
        self.n_columns = n_columns
        self.bootstrap_features = bootstrap_features
        self.picks_rows = is_index_sampler(sampler)

    def draw_columns(self, rng):
        """The column subset of a bag, or ``None`` for every column in order."""
        if self.n_columns is None or (
            self.n_columns == self.n_features and not self.bootstrap_features
        ):
            return None
        if self.bootstrap_features:
            return rng.randint(0, self.n_features, size=self.n_columns)
        return rng.permutation(self.n_features)[: self.n_columns]

    def draw_rows(self, y, rng):
        """The rows given to the sampler, before it resamples them."""
        if self.n_rows is None or self.n_rows == len(y):
            return stratified_bootstrap(y, rng) if self.bootstrap else np.arange(len(y))
        sizes = class_shares(y, self.n_rows)
        if self.bootstrap:
            return stratified_bootstrap(y, rng, sizes)
        return stratified_subsample(y, sizes, rng)

    def draw(self, X, y, sample_weight, rng):
        """``(X_bag, y_bag, w_bag, fitted sampler, drawn rows, columns)``."""
        columns = self.draw_columns(rng)
        drawn = self.draw_rows(y, rng)
        sampler = seed_estimator(clone(self.sampler), rng)
        if is_index_sampler(sampler):
            rows = drawn[picked_positions(sampler, as_float(y[drawn]))]
            bag = bag_of_rows(X, y, sample_weight, rows)
        else:
            bag = fit_resample_weighted(
                sampler, *bag_of_rows(X, y, sample_weight, drawn)
            )
        if columns is not None:
            bag = (bag[0][:, columns], *bag[1:])
        return (*bag, sampler, drawn, columns)

    def __call__(self, X, y, sample_weight, rng, index):
        return self.draw(X, y, sample_weight, rng)[:3]


def fit_bagged_member(bag, estimator, X, y, sample_weight, seed, as_pipeline):
    """Draw a :class:`SamplerBag` and fit a clone of ``estimator`` on it.

    Returns ``(member, class_counts, seconds, drawn_rows, columns)``; with
    ``as_pipeline`` the member is ``Pipeline([("sampler", fitted sampler),
    ("classifier", fitted member)])``, as in imbalanced-learn.
    """
    start = time.perf_counter()
    rng = np.random.RandomState(seed)
    X_bag, y_bag, w_bag, sampler, drawn, columns = bag.draw(X, y, sample_weight, rng)
    member = fit_seeded(estimator, X_bag, y_bag, w_bag, rng)
    if as_pipeline:
        member = Pipeline([("sampler", sampler), ("classifier", member)])
    counts = np.bincount(np.asarray(y_bag, dtype=np.intp))
    return member, counts, time.perf_counter() - start, drawn, columns


def fit_seeded(estimator, X, y, sample_weight, rng):
    """Fit a clone of ``estimator`` seeded from ``rng``; weights only if given."""
    member = seed_estimator(clone(estimator), rng)
    if sample_weight is None:
        member.fit(X, y)
    else:
        member.fit(X, y, sample_weight=sample_weight)
    return member


def bag_of_rows(X, y, sample_weight, rows):
    """``X``, ``y`` and ``sample_weight`` (``None`` stays ``None``) at ``rows``."""
    weights = None if sample_weight is None else sample_weight[rows]
    return take_rows(X, rows), y[rows], weights


def picked_positions(sampler, y):
    """Positions an index sampler (see :func:`is_index_sampler`) picks from ``y``.

    Only ``y`` is looked at; the rows are cut afterwards, where they live.
    """
    sampler.fit_resample(np.arange(len(y)).reshape(-1, 1), y)
    return sampler.sample_indices_


def under_sample_positions(y, target, replacement, rng):
    """Positions kept by a random under-sample of ``y``, seeded from ``rng``."""
    sampler = RandomUnderSampler(
        sampling_strategy=target, replacement=replacement, random_state=draw_seeds(rng)
    )
    return picked_positions(sampler, y)


def fit_member(make_bag, estimator, X, y, sample_weight, seed, index):
    """Build bag ``index`` and fit a clone of ``estimator`` on it."""
    start = time.perf_counter()
    rng = np.random.RandomState(seed)
    X_bag, y_bag, w_bag = make_bag(X, y, sample_weight, rng, index)
    member = fit_seeded(estimator, X_bag, y_bag, w_bag, rng)
    counts = np.bincount(np.asarray(y_bag, dtype=np.intp))
    return member, counts, time.perf_counter() - start


def run_fit_jobs(jobs, template, n_rows, n_jobs, *, threads):
    """Run fitting jobs of equal cost, longest first; their results in order.

    ``threads`` runs them in threads unless a joblib backend is set.
    """
    costs = [estimate_cost(template, n_rows)] * len(jobs)
    if threads:
        with parallel_config(prefer="threads"):
            return run_longest_first(jobs, costs, n_jobs=n_jobs)
    return run_longest_first(jobs, costs, n_jobs=n_jobs)


def run_member_jobs(jobs, template, n_rows, n_jobs, *, threads):
    """Run one fitting job per member, longest first.

    Every job returns ``(member, class_counts, seconds)``. Returns the members
    and the ``(class_counts, seconds)`` of each, for the verbose log.
    """
    results = run_fit_jobs(jobs, template, n_rows, n_jobs, threads=threads)
    members = [member for member, _, _ in results]
    return members, [(counts, seconds) for _, counts, seconds in results]


class CodedStrategy:
    """A callable ``sampling_strategy`` seen through the ensemble's class codes.

    The sampler in a bag sees the codes ``0..n_classes-1``; the user's
    callable gets the labels and its answer is turned back into codes.
    """

    def __init__(self, func, classes):
        self.func = func
        self.classes = classes

    def __call__(self, y):
        target = self.func(self.classes[np.asarray(y, dtype=np.intp)])
        codes = np.searchsorted(self.classes, list(target))
        return {int(c): int(n) for c, n in zip(codes, target.values())}


def member_output(member, X, method, n_classes, kwargs):
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


def member_outputs(members, X, method, n_classes, kwargs=None, features=None):
    """The members' ``method`` outputs (``predict``: one-hot votes), in order.

    ``features``: one column subset per member (``None``: all columns).
    """
    kwargs = kwargs or {}
    features = features or [None] * len(members)
    return [
        member_output(
            member, X if cols is None else X[:, cols], method, n_classes, kwargs
        )
        for member, cols in zip(members, features)
    ]


def average_member_outputs(
    members, X, method, n_classes, *, n_jobs=None, kwargs=None, features=None
):
    """Mean of the members' outputs, computed in threads, summed in member order.

    The sum runs in the members' order whatever ``n_jobs`` is, so the result
    is the same to the last bit for any number of jobs. ``features`` gives
    each member's column subset (``None``: every member sees all columns).
    """
    features = features or [None] * len(members)
    n_jobs = min(effective_n_jobs(n_jobs), len(members))
    # The members are clones of one estimator: one device copy serves all.
    X = device_input(members[0], X, {})
    if n_jobs <= 1:
        outputs = member_outputs(members, X, method, n_classes, kwargs, features)
    else:
        chunks = np.array_split(np.arange(len(members)), n_jobs)
        jobs = [
            (
                member_outputs,
                (
                    [members[i] for i in chunk],
                    X,
                    method,
                    n_classes,
                    kwargs,
                    [features[i] for i in chunk],
                ),
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

    ``fit`` runs, in order: :meth:`_validate_training_data`, the member's
    device dispatch, :meth:`_member_seeds` and :meth:`_fit_members`.
    Subclasses define :meth:`_default_estimator` and :meth:`_bag_maker` (one
    bag per member, fitted in parallel) or override :meth:`_fit_members`
    (members that depend on earlier ones, as in cascades).
    """

    _parameter_constraints = {**MEMBER_CONSTRAINTS, "n_jobs": [None, Integral]}

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
        X, y = validate_data(
            self,
            X,
            y,
            accept_sparse=["csr", "csc"],
            dtype=None,
            ensure_all_finite=self._finite_check(),
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

    def _coded_strategy(self):
        """``sampling_strategy`` with the user's labels replaced by the codes."""
        strategy = self.sampling_strategy
        if isinstance(strategy, dict):
            return self._encode_target(strategy)
        if isinstance(strategy, list):
            return sorted(self._encode_target(dict.fromkeys(strategy, 0)))
        if callable(strategy):
            return CodedStrategy(strategy, self.classes_)
        return strategy

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
        seeds = self._member_seeds()
        self.estimators_, counts = self._fit_members(
            X, y, y_encoded, sample_weight, template, seeds
        )
        if self.verbose:
            self._log_members(counts)
        return self

    def _member_seeds(self):
        """One seed per member, drawn before any member is fitted."""
        return draw_seeds(self.random_state, self.n_estimators)

    def _bag_maker(self, X, y, y_encoded):
        """The callable ``(X, y, sample_weight, rng, index) -> (X, y, weights)``.

        It builds bag ``index`` in a worker from the encoded labels ``y``,
        drawing from ``rng`` only. A ``picks_rows = True`` attribute says the
        bag is a choice of rows made from ``y`` alone (so ``X`` may be a
        device copy).
        """
        raise NotImplementedError

    def _fit_members(self, X, y, y_encoded, sample_weight, template, seeds):
        """Fit one member per seed; return them and their verbose log entries."""
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
        threads = releases_gil(template) or X_bags is not X
        return run_member_jobs(
            jobs, template, len(y_encoded), self.n_jobs, threads=threads
        )

    def __len__(self):
        """Number of fitted members."""
        return len(self.estimators_)

    def __getitem__(self, index):
        """The fitted member at ``index``."""
        return self.estimators_[index]

    def __iter__(self):
        """Iterate over the fitted members."""
        return iter(self.estimators_)

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
        return validate_data(
            self,
            X,
            reset=False,
            accept_sparse=["csr", "csc"],
            dtype=None,
            ensure_all_finite=self._finite_check(),
        )

    def _finite_check(self):
        """``ensure_all_finite`` of the input checks.

        As in scikit-learn's meta-estimators, the members (and the samplers
        that pick rows) accept or refuse NaN and infinity; rows synthesised
        from NaN would be meaningless, so ensembles that synthesise rows
        refuse them.
        """
        return self._resamples_synthetic_rows()

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


def _proba_available(self):
    return self._imblearn_layout or hasattr(self._template(), "predict_proba")


class BaseSamplerBagging(BaseResampledEnsemble):
    """Bagging whose bags go through one imbalanced-learn sampler.

    Besides the sampler, a bag is set by imbalanced-learn's (and
    scikit-learn's) bagging parameters ``max_samples``, ``max_features``,
    ``bootstrap_features``; ``warm_start`` adds members to a fitted ensemble
    and ``oob_score`` scores the members on the rows their bag did not draw.
    The class attributes below are their values in the subclasses that do not
    take them as parameters.
    """

    max_samples = 1.0
    max_features = 1.0
    bootstrap_features = False
    oob_score = False
    warm_start = False
    # imbalanced-learn's layout: each member is ``Pipeline([("sampler", ...),
    # ("classifier", ...)])`` and ``predict_proba`` exists for any member.
    _imblearn_layout = False

    def _sampler(self):
        raise NotImplementedError

    def _configured_sampler(self, y, y_encoded, *, whole_classes=True):
        """The sampler with ``sampling_strategy`` checked and set on the codes.

        ``whole_classes``: every bag draws each class at its full size, so the
        strategy is fixed once as class sizes; otherwise it is given as the
        user wrote it (on the codes), to be read on each bag.
        """
        sampler = self._sampler()
        kind = sampling_type_of(sampler)
        if kind is None or "sampling_strategy" not in sampler.get_params(deep=False):
            return sampler
        target = check_sampling_strategy_feasible(self.sampling_strategy, y, kind)
        if not whole_classes:
            return sampler.set_params(sampling_strategy=self._coded_strategy())
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
        return not (is_index_sampler(sampler) or type(sampler) is RandomOverSampler)

    def _n_drawn(self, value, total, name):
        n = value if isinstance(value, Integral) else max(1, int(value * total))
        if name == "max_features" and n > total:
            raise ValueError(f"max_features must be <= n_features={total}, got {n}.")
        if name == "max_samples" and not self.bootstrap and n > total:
            raise ValueError(
                f"max_samples={n} must be <= n_samples={total} when bootstrap=False."
            )
        return n

    def _bag_maker(self, X, y, y_encoded):
        n_rows = self._n_drawn(self.max_samples, len(y), "max_samples")
        n_columns = self._n_drawn(self.max_features, X.shape[1], "max_features")
        self._max_samples, self._max_features = n_rows, n_columns
        sampler = self._configured_sampler(y, y_encoded, whole_classes=n_rows == len(y))
        self.sampler_ = sampler
        if self._imblearn_layout:
            self.estimator_ = Pipeline(
                [("sampler", clone(sampler)), ("classifier", self._template())]
            )
        return SamplerBag(
            sampler,
            self.bootstrap,
            n_rows=n_rows,
            n_features=X.shape[1],
            n_columns=n_columns,
            bootstrap_features=self.bootstrap_features,
        )

    def _n_kept_members(self):
        """Members a warm start keeps (the bag records start anew otherwise).

        Also checks that the warm-start and OOB settings go together.
        """
        if self.oob_score and not self.bootstrap:
            raise ValueError("Out of bag estimation only available if bootstrap=True")
        if self.warm_start and self.oob_score:
            raise ValueError("Out of bag estimate only available if warm_start=False")
        if not self.warm_start or not hasattr(self, "estimators_"):
            self.estimators_samples_, self.estimators_features_ = [], []
            return 0
        kept = len(self.estimators_)
        if self.n_estimators < kept:
            raise ValueError(
                f"n_estimators={self.n_estimators} must be larger or equal to "
                f"len(estimators_)={kept} when warm_start==True"
            )
        return kept

    def _fit_members(self, X, y, y_encoded, sample_weight, template, seeds):
        kept = self._n_kept_members()
        if kept == self.n_estimators:
            warnings.warn(
                "Warm-start fitting without increasing n_estimators does not "
                "fit new trees.",
                UserWarning,
            )
            return self.estimators_, []
        make_bag = self._bag_maker(X, y, y_encoded)
        X_bags = X
        if make_bag.picks_rows:
            X_bags = device_input(template, X, {})
        args = (make_bag, template, X_bags, y_encoded, sample_weight)
        jobs = [
            (fit_bagged_member, (*args, seed, self._imblearn_layout), {})
            for seed in seeds[kept:]
        ]
        threads = releases_gil(template) or X_bags is not X
        results = run_fit_jobs(
            jobs, template, len(y_encoded), self.n_jobs, threads=threads
        )
        members = list(self.estimators_[:kept]) if kept else []
        for member, _, _, rows, columns in results:
            members.append(member)
            self.estimators_samples_.append(rows)
            all_columns = np.arange(X.shape[1]) if columns is None else columns
            self.estimators_features_.append(all_columns)
        self._set_oob(members, X, y_encoded, template)
        return members, [(counts, seconds) for _, counts, seconds, _, _ in results]

    def _member_columns(self):
        """Each member's column subset, ``None`` where it sees every column."""
        every = np.arange(self.n_features_in_)
        return [
            None if np.array_equal(cols, every) else cols
            for cols in self.estimators_features_
        ]

    def _set_oob(self, members, X, y_encoded, template):
        """``oob_score_`` and ``oob_decision_function_`` (or remove them)."""
        if not self.oob_score:
            for name in ("oob_score_", "oob_decision_function_"):
                self.__dict__.pop(name, None)
            return
        method = "predict_proba" if hasattr(template, "predict_proba") else "predict"
        n_classes = len(self.classes_)
        votes = np.zeros((len(y_encoded), n_classes))
        for member, rows, cols in zip(
            members, self.estimators_samples_, self.estimators_features_
        ):
            out_of_bag = np.ones(len(y_encoded), dtype=bool)
            out_of_bag[rows] = False
            X_oob = take_rows(X, np.flatnonzero(out_of_bag))[:, cols]
            votes[out_of_bag] += member_output(member, X_oob, method, n_classes, {})
        if np.any(votes.sum(axis=1) == 0):
            warnings.warn(
                "Some inputs do not have OOB scores. This probably means too few "
                "estimators were used to compute any reliable oob estimates.",
                UserWarning,
            )
        with np.errstate(invalid="ignore", divide="ignore"):
            self.oob_decision_function_ = votes / votes.sum(axis=1)[:, np.newaxis]
        self.oob_score_ = accuracy_score(y_encoded, np.argmax(votes, axis=1))

    @available_if(_proba_available)
    def predict_proba(self, X):
        """Class probabilities: the mean of the members' probabilities.

        Members without ``predict_proba`` contribute their one-hot votes, as
        in scikit-learn's ``BaggingClassifier``.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Rows to predict.

        Returns
        -------
        proba : ndarray of shape (n_samples, n_classes)
            Columns follow ``classes_``.
        """
        if hasattr(self._template(), "predict_proba"):
            return self._average(X, "predict_proba")
        return self._average(X, "predict")

    @available_if(_proba_available)
    def predict_log_proba(self, X):
        """Logarithm of :meth:`predict_proba`.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Rows to predict.

        Returns
        -------
        log_proba : ndarray of shape (n_samples, n_classes)
            Columns follow ``classes_``.
        """
        with np.errstate(divide="ignore"):
            return np.log(self.predict_proba(X))

    def _average(self, X, method):
        X = self._validate_predict_data(X)
        return average_member_outputs(
            self.estimators_,
            X,
            method,
            len(self.classes_),
            n_jobs=self.n_jobs,
            features=self._member_columns(),
        )
