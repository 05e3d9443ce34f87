"""Shared machinery of the dynamic-selection classifiers.

A dynamic-selection (DS) classifier holds a pool of fitted classifiers and a
selection set (DSEL). For each test row it finds the row's *region of
competence* (its ``k_`` nearest DSEL rows), estimates the competence of every
member there, selects and/or weights the members, and combines their outputs.
:class:`BaseDynamicSelection` does everything but the method-specific part,
for a whole batch of test rows at once, with array operations only (no Python
loop per test row), one memory-bounded batch after another.

What :meth:`BaseDynamicSelection.fit` prepares (DESlib's attribute names)
------------------------------------------------------------------------
``pool_classifiers_`` (the pool; ``members_`` its classifiers as a list),
``n_classifiers_``, ``classes_``, ``n_classes_``, ``DSEL_data_`` (n_dsel x
n_features float array), ``DSEL_target_`` (n_dsel,) class indices into
``classes_``, ``BKS_DSEL_`` (n_dsel x n_members) each member's predicted class
index on DSEL, ``DSEL_processed_`` (n_dsel x n_members) bool, whether it was
right (these two unless the class sets ``_needs_dsel_predictions = False``),
``dsel_scores_`` (n_dsel x n_members x n_classes) members' probabilities on
DSEL (only when the class sets ``_needs_dsel_proba``),
``n_samples_`` (DSEL size), ``k_``, ``safe_k_``, ``roc_algorithm_`` (the
fitted neighbour searcher, see ``_neighbors.py``).

Extension points a method implements (every array holds a batch of n_b rows)
---------------------------------------------------------------------------
``_competence(self, batch) -> ndarray of shape (n_b, n_members)`` (required)
    Competence of each member for each row of the batch. ``batch`` is a
    :class:`Batch` with ``X`` (n_b x n_features float rows), ``neighbors``
    (n_b x k_ DSEL row indices, nearest first; ``None`` when
    ``_uses_region`` is False), ``distances`` (n_b x k_), ``predictions``
    (n_b x n_members class indices of the members' outputs for the rows),
    ``probabilities`` (n_b x n_members x n_classes, or ``None`` unless the
    class sets ``_needs_proba`` or the call needs them) and ``rng`` (a
    ``RandomState``, the same stream for all batches of one predict call).
    When ``DFP=True`` the result is multiplied by the frienemy-pruning mask.

``_select(self, competences, batch) -> bool ndarray (n_b, n_members)``
    (required) Which members are selected for each row. Helpers:
    :func:`select_max`, :func:`select_above`, :func:`select_top`.

Optional hooks and declarations:

``_fit_selection(self)``
    Extra fitted state once DSEL is processed (output-profile searchers,
    meta-classifiers, source competences, clusters...). Uses the attributes
    listed above; ``self._dsel_input`` holds DSEL in the form the members
    take (a DataFrame when ``fit`` got one) during this call only.
``_region(self, X) -> (distances, indices)``
    The region of competence of rows ``X``; default: the ``k_`` nearest DSEL
    rows from ``roc_algorithm_``. Override for clusters or all-DSEL methods.
``_dfp_mask(self, batch) -> ndarray (n_b, n_members)``
    The frienemy-pruning mask multiplied into the competences when
    ``DFP=True``; default :func:`dfp_mask` over ``batch.neighbors``.
``_row_bytes(self) -> int``
    Working memory one test row needs; sets the batch size (scikit-learn's
    ``working_memory`` setting is the budget).
``_needs_proba`` (class attribute, default False)
    The members' probabilities for the test rows are always computed (the
    members' predictions are then their argmax, as in DESlib).
``_needs_dsel_proba`` (default False): compute ``dsel_scores_`` in fit.
``_needs_dsel_predictions`` (default True): compute ``BKS_DSEL_`` and
    ``DSEL_processed_`` in fit. A method that never reads the members'
    outputs on DSEL (the Oracle; SingleBest and StaticSelection when a
    ``scoring`` is given, which scores the members itself) declares False
    and ``fit`` skips those predictions, which are most of its time; the two
    attributes are then not set. It may be a property when the need depends
    on a parameter. ``DFP=True`` needs them.
``_uses_region`` (default True): fit ``roc_algorithm_`` and search the
    rows' neighbours (KNOP, whose competence is read elsewhere, declares it
    as a property true only with ``DFP`` or ``with_IH``).
``_fixed_mode`` (default "selection"): the combination when the class has
    no ``mode`` parameter. With a ``mode`` parameter, its value is used.

How the selected members are combined (``mode`` x ``voting``, as DESlib)
-----------------------------------------------------------------------
selection/hard: vote counts of the selected members; probabilities are the
vote fractions. selection/soft: mean of the selected members' probabilities.
weighting/hard: votes weighted by competence; hybrid/hard: the same over the
selected members only; probabilities = weighted votes / their sum.
weighting/soft: softmax of the mean over all members of probability x
competence; hybrid/soft: softmax of the mean over the selected members.
The prediction is the class of largest support, the first class on ties.
Where DESlib's formulas break, skextra differs: a row whose weights are all
zero is combined with equal weights (DESlib: NaN probabilities, first class),
and weighted votes that do not form a distribution (negative or zero sum) are
turned into probabilities with a softmax, which keeps the class of largest
weighted vote (DESlib divides by the sum, which flips the decision when it is
negative).

The members are asked for their outputs once per batch (and once on DSEL in
``fit``, only for what the class declares it needs). Decision-tree members
(the default pool's) share one float32 copy of the rows, which they would
otherwise each validate and convert (see ``_prepare_member_calls``).

The kernels below use only elementwise operations, reductions and integer
indexing of arrays, so that they can run on the array-API namespaces of CuPy
and PyTorch unchanged.
Rows on which all members agree are given their common prediction (and the
mean probability); with ``with_IH=True`` rows whose ``safe_k`` nearest DSEL
rows are nearly all of one class (hardness < ``IH_rate``) are given the
majority class of those neighbours.
"""

import copy
import functools
import inspect
import warnings
from dataclasses import dataclass
from numbers import Integral, Real

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin, _fit_context, clone
from sklearn.ensemble import BaggingClassifier
from sklearn.exceptions import NotFittedError
from sklearn.model_selection import train_test_split
from sklearn.tree import BaseDecisionTree, DecisionTreeClassifier
from sklearn.utils import _safe_indexing, check_random_state
from sklearn.utils._param_validation import HasMethods, Interval, StrOptions
from sklearn.utils.metaestimators import available_if
from sklearn.utils.multiclass import check_classification_targets
from sklearn.utils.validation import check_is_fitted, validate_data

from ...gpu._device import resolve_device
from ...gpu._dispatch import members_to_device
from ...gpu._resident import device_input, member_inputs
from ...utils._array_api import to_host, to_numpy
from ...utils._docstring import SHARED_DOCS
from ...utils._docstring import fill_doc as fill_shared_doc
from ...utils._parallel import estimate_cost, run_longest_first
from ._neighbors import canonical_order, fit_searcher, make_searcher

__all__ = [
    "BaseDynamicSelection",
    "Batch",
    "dfp_mask",
    "hardness",
    "select_above",
    "select_max",
    "select_top",
    "softmax",
]

MAX_SEED = np.iinfo(np.int32).max


# --------------------------------------------------------------------------
# Kernels: plain array operations over a batch (no per-row Python loop).
# --------------------------------------------------------------------------


def select_max(competences):
    """Members whose competence equals the row's maximum (KNORA-E, DCS "all").

    Examples
    --------
    >>> import numpy as np
    >>> from skextra.ensemble._dynamic._base import select_max
    >>> select_max(np.array([[1.0, 3.0, 3.0]])).tolist()
    [[False, True, True]]
    """
    return competences == competences.max(axis=1, keepdims=True)


def select_above(competences, threshold):
    """Members with competence > ``threshold``; all members where none is.

    Examples
    --------
    >>> import numpy as np
    >>> from skextra.ensemble._dynamic._base import select_above
    >>> select_above(np.array([[0.2, 0.6], [0.1, 0.3]]), 0.5).tolist()
    [[False, True], [True, True]]
    """
    selected = competences > threshold
    selected[~selected.any(axis=1)] = True
    return selected


def select_top(competences, n_selected, *, ties="last"):
    """The ``n_selected`` most competent members of each row.

    ``ties="last"`` orders as DESlib's ``np.argsort(c)[:, ::-1]`` with a stable
    sort: among equal competences the member of higher index comes first.
    ``ties="first"`` prefers the lower index.

    Examples
    --------
    >>> import numpy as np
    >>> from skextra.ensemble._dynamic._base import select_top
    >>> select_top(np.array([[0.5, 0.9, 0.5]]), 2).tolist()
    [[False, True, True]]
    """
    if ties == "last":
        order = np.argsort(competences, axis=1, kind="stable")[:, ::-1]
    else:
        order = np.argsort(-competences, axis=1, kind="stable")
    selected = np.zeros(competences.shape, dtype=bool)
    np.put_along_axis(selected, order[:, :n_selected], True, axis=1)
    return selected


def softmax(w):
    """Row-wise softmax (DESlib's, without the max shift that would change
    nothing but overflow).

    Examples
    --------
    >>> import numpy as np
    >>> from skextra.ensemble._dynamic._base import softmax
    >>> softmax(np.zeros((1, 2))).tolist()
    [[0.5, 0.5]]
    """
    e = np.exp(w - w.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


def dfp_mask(neighbors, y_dsel, processed):
    """Dynamic frienemy pruning (Oliveira et al. 2017) for a batch.

    In a region with neighbours of several classes a member is kept only if it
    classifies correctly neighbours of at least two different classes; in a
    single-class region all members are kept, and so are they all where the
    rule would keep none.

    Parameters
    ----------
    neighbors : ndarray of shape (n_b, k)
    y_dsel : ndarray of shape (n_dsel,)
        DSEL class indices.
    processed : ndarray of shape (n_dsel, n_members)
        Whether each member is right on each DSEL row.

    Returns
    -------
    mask : ndarray of shape (n_b, n_members), 0.0 or 1.0

    Examples
    --------
    >>> import numpy as np
    >>> from skextra.ensemble._dynamic._base import dfp_mask
    >>> y = np.array([0, 1, 1])
    >>> hits = np.array([[1, 1], [1, 0], [0, 0]], dtype=bool)
    >>> dfp_mask(np.array([[0, 1, 2]]), y, hits).tolist()
    [[1.0, 0.0]]
    """
    y_nb = y_dsel[neighbors]
    hits = processed[neighbors]
    n_classes_big = int(y_dsel.max(initial=0)) + 1
    lowest = np.where(hits, y_nb[:, :, None], n_classes_big).min(axis=1)
    highest = np.where(hits, y_nb[:, :, None], -1).max(axis=1)
    crosses = highest > lowest
    several = (y_nb != y_nb[:, :1]).any(axis=1)
    mask = np.where(several[:, None], crosses, True)
    mask[~mask.any(axis=1)] = True
    return mask.astype(np.float64)


def hardness(neighbors, y_dsel, safe_k, n_classes):
    """Instance hardness of each row from its ``safe_k`` nearest DSEL rows.

    Returns the hardness ``(safe_k - n_majority) / safe_k``, the majority
    class (the smallest class index among ties, as ``scipy.stats.mode``) and
    the class counts among those neighbours.

    Examples
    --------
    >>> import numpy as np
    >>> from skextra.ensemble._dynamic._base import hardness
    >>> h, major, counts = hardness(np.array([[0, 1, 2]]), np.array([1, 1, 0]), 3, 2)
    >>> round(float(h[0]), 3), int(major[0])
    (0.333, 1)
    """
    y_nb = y_dsel[neighbors[:, :safe_k]]
    counts = (y_nb[:, :, None] == np.arange(n_classes)).sum(axis=1)
    majority = counts.argmax(axis=1)
    n_major = counts.max(axis=1)
    return (safe_k - n_major) / safe_k, majority, counts


def vote_counts(predictions, selected, n_classes, weights=None):
    """Votes (or weighted votes) of the selected members for each class.

    Examples
    --------
    >>> import numpy as np
    >>> from skextra.ensemble._dynamic._base import vote_counts
    >>> vote_counts(np.array([[0, 1, 1]]), np.array([[True, True, False]]), 2).tolist()
    [[1.0, 1.0]]
    """
    w = selected.astype(np.float64) if weights is None else weights * selected
    onehot = predictions[:, :, None] == np.arange(n_classes)
    return np.einsum("bm,bmc->bc", w, onehot.astype(np.float64))


def _normalized_support(support):
    """Support / its sum; a softmax where that is not a distribution."""
    total = support.sum(axis=1, keepdims=True)
    ok = (total[:, 0] > 0) & (support >= 0).all(axis=1)
    proba = np.empty_like(support)
    proba[ok] = support[ok] / total[ok]
    if not ok.all():
        proba[~ok] = softmax(support[~ok])
    return proba


@dataclass
class Batch:
    """The arrays a method's kernels see for one batch of test rows.

    See the module docstring for the meaning of each field.
    """

    X: np.ndarray
    neighbors: np.ndarray = None
    distances: np.ndarray = None
    predictions: np.ndarray = None
    probabilities: np.ndarray = None
    rng: np.random.RandomState = None


# --------------------------------------------------------------------------
# The pool: resolve, fit when asked, map members' labels to class indices.
# --------------------------------------------------------------------------


def _default_pool(random_state, n_jobs):
    """DESlib's default pool: bagging of 10 decision trees."""
    return BaggingClassifier(
        estimator=DecisionTreeClassifier(), random_state=random_state, n_jobs=n_jobs
    )


def _is_fitted(estimator):
    try:
        check_is_fitted(estimator)
    except NotFittedError:
        return False
    except TypeError:
        return hasattr(estimator, "classes_")
    return True


def _unfreeze(pool):
    inner = getattr(pool, "estimator", None)
    if type(pool).__name__ == "FrozenEstimator" and inner is not None:
        return inner
    return pool


def _pool_to_device(pool, device):
    """An unfitted pool whose members will be fitted on ``device``.

    A list of classifiers is dispatched member by member
    (:func:`skextra.gpu.members_to_device`). An ensemble keeps its class, since
    its fitted ``estimators_`` are the pool; what it is built from, its
    ``estimator`` or ``estimators`` parameter, is dispatched. ``pool`` is
    modified in place: pass a clone.
    """
    if device == "cpu":
        return pool
    if isinstance(pool, (list, tuple)):
        return members_to_device(pool, device)
    params = pool.get_params(deep=False)
    if params.get("estimator") is not None:
        pool.set_params(estimator=members_to_device([params["estimator"]], device)[0])
    if isinstance(params.get("estimators"), list):
        pool.set_params(estimators=members_to_device(params["estimators"], device))
    return pool


def _seed_estimator(estimator, rng):
    """Give every unset ``*random_state`` of ``estimator`` a seed from ``rng``."""
    params = estimator.get_params(deep=True)
    seeds = {
        key: int(rng.randint(MAX_SEED))
        for key in sorted(params)
        if (key == "random_state" or key.endswith("__random_state"))
        and params[key] is None
    }
    if seeds:
        estimator.set_params(**seeds)
    return estimator


def _fit_member(estimator, X, y):
    return estimator.fit(X, y)


def _members_of(pool):
    """The list of classifiers of a fitted pool (list or ensemble)."""
    if isinstance(pool, (list, tuple)):
        return list(pool), None
    members = getattr(pool, "estimators_", None)
    if members is None:
        raise ValueError(
            "pool_classifiers must be a list of classifiers or an ensemble with "
            f"an estimators_ attribute; got a fitted {type(pool).__name__} "
            "without estimators_."
        )
    members = list(members)
    # scikit-learn's stacking/voting keep (name, estimator) pairs in
    # named_estimators_ but plain estimators in estimators_; drop "drop"s.
    members = [m for m in members if not (isinstance(m, str) and m == "drop")]
    return members, pool


def _member_label_space(member, container):
    """The labels a member predicts, expressed in its container's labels.

    scikit-learn's ensembles (bagging, forests, voting, stacking) fit their
    members on class positions 0..C-1 of the container's ``classes_``; their
    member labels are mapped back through ``container.classes_``.
    """
    classes = getattr(member, "classes_", None)
    if classes is None:
        raise ValueError(
            f"pool member {type(member).__name__} has no classes_: the pool must "
            "hold fitted classifiers."
        )
    classes = np.asarray(classes)
    if container is None:
        return classes
    outer = getattr(container, "classes_", None)
    if outer is None:
        return classes
    outer = np.asarray(outer)
    if classes.shape == outer.shape and np.array_equal(classes, outer):
        return classes
    if (
        classes.dtype.kind in "iuf"
        and np.all(classes == np.round(classes))
        and (classes.size == 0 or (classes.min() >= 0 and classes.max() < outer.size))
    ):
        return outer[classes.astype(np.intp)]
    return classes


class BaseDynamicSelection(ClassifierMixin, BaseEstimator):
    """Base class of the dynamic-selection classifiers (see module docstring).

    Not to be used directly.
    """

    _needs_proba = False
    _needs_dsel_proba = False
    _needs_dsel_predictions = True
    _uses_region = True
    _fixed_mode = "selection"
    _dcs = False
    _dsel_split = True

    _parameter_constraints: dict = {
        "pool_classifiers": [None, list, tuple, HasMethods(["fit", "predict"])],
        "k": [Interval(Integral, 1, None, closed="left"), None],
        "DFP": ["boolean"],
        "with_IH": ["boolean"],
        "safe_k": [Interval(Integral, 1, None, closed="left"), None],
        "IH_rate": [Interval(Real, 0, 0.5, closed="both")],
        "random_state": ["random_state"],
        "knn_classifier": [str, None, HasMethods(["fit", "kneighbors"])],
        "knn_metric": [StrOptions({"minkowski", "mahalanobis"})],
        "knne": ["boolean"],
        "DSEL_perc": [Interval(Real, 0, 1, closed="neither")],
        "n_jobs": [Integral, None],
        "sampler": [None, HasMethods(["fit_resample"])],
    }

    # ------------------------------------------------------------------ fit

    @_fit_context(prefer_skip_nested_validation=False)
    def fit(self, X, y):
        """Fit the pool if needed, then prepare DSEL and the neighbour search.

        When ``pool_classifiers`` is None, or an unfitted classifier or list of
        unfitted classifiers, the pool is fitted on a ``1 - DSEL_perc`` part of
        ``X`` (resampled by ``sampler`` if given) and the other part is DSEL.
        A fitted pool is used as is and all of ``X`` is DSEL.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            The training data.
        y : array-like of shape (n_samples,)
            The class labels.

        Returns
        -------
        self : object
        """
        X_in = X
        X, y = validate_data(self, X, y, dtype=np.float64)
        check_classification_targets(y)
        if not _is_dataframe(X_in):
            X_in = X
        rng = check_random_state(self.random_state)
        device = self._device()
        dsel_rows = self._setup_pool(X_in, X, y, rng, device)
        self._prepare_member_calls()
        if np.array_equal(dsel_rows, np.arange(X.shape[0])):  # all of X: no copy
            X_dsel, y_dsel, X_dsel_in = X, self._encode_y(y), X_in
        else:
            X_dsel = X[dsel_rows]
            y_dsel = self._encode_y(y[dsel_rows])
            X_dsel_in = X_dsel if X_in is X else _safe_indexing(X_in, dsel_rows)
        self._set_dsel(X_dsel, y_dsel)
        self._check_members_features(X.shape[1])
        if self._needs_dsel_proba:
            self._check_members_proba()
            _, self.dsel_scores_ = self._member_outputs(X_dsel_in, X_dsel, proba=True)
        if self._needs_dsel_predictions:
            self.BKS_DSEL_, _ = self._member_outputs(X_dsel_in, X_dsel, proba=False)
            self.DSEL_processed_ = self.BKS_DSEL_ == self.DSEL_target_[:, None]
        if self._uses_region:
            self.roc_algorithm_ = fit_searcher(
                make_searcher(
                    getattr(self, "knn_classifier", "knn"),
                    getattr(self, "knn_metric", "minkowski"),
                    n_jobs=self.n_jobs,
                    knne=getattr(self, "knne", False),
                    k=self.k_,
                    device=device,
                ),
                self.DSEL_data_,
                self.DSEL_target_,
            )
        self._dsel_input = X_dsel_in
        try:
            self._fit_selection()
        finally:
            del self._dsel_input
        return self

    def _fit_selection(self):
        """Method-specific fitted state (override when needed)."""

    def _device(self):
        """The ``device`` parameter resolved; ``"cpu"`` for a class without one."""
        return resolve_device(getattr(self, "device", "cpu"))

    def _setup_pool(self, X_in, X, y, rng, device):
        """Resolve (and if needed fit) the pool; return DSEL row indices.

        A pool fitted here is first dispatched to ``device``.
        """
        pool = _unfreeze(self.pool_classifiers)
        n = X.shape[0]
        all_rows = np.arange(n)
        if pool is None:
            fitted, container = False, _default_pool(None, self.n_jobs)
        elif isinstance(pool, (list, tuple)):
            if len(pool) == 0:
                raise ValueError("pool_classifiers is an empty list.")
            states = [_is_fitted(_unfreeze(m)) for m in pool]
            if all(states):
                fitted, container = True, None
            elif not any(states):
                fitted, container = False, None
            else:
                raise ValueError(
                    "pool_classifiers mixes fitted and unfitted classifiers; pass "
                    "all fitted (used as is, DSEL = all of X) or all unfitted "
                    "(fitted on a 1 - DSEL_perc part of X)."
                )
        else:
            fitted, container = _is_fitted(pool), pool

        if fitted:
            if getattr(self, "sampler", None) is not None:
                warnings.warn(
                    "sampler is ignored: pool_classifiers is already fitted.",
                    UserWarning,
                )
            if isinstance(pool, (list, tuple)):
                self.pool_classifiers_ = [_unfreeze(m) for m in pool]
            else:
                self.pool_classifiers_ = pool
            members, container = _members_of(self.pool_classifiers_)
            label_spaces = [_member_label_space(m, container) for m in members]
            self._set_classes(y, label_spaces)
            self.members_ = members
            self._member_index_ = [
                self._labels_to_columns(s, m) for s, m in zip(label_spaces, members)
            ]
            self._members_on_codes_ = False
            self._set_member_features(container, members, X.shape[1])
            return all_rows

        if not self._dsel_split:
            train_rows, dsel_rows = all_rows, all_rows
        else:
            if n < 2:
                raise ValueError(
                    "Fitting the pool and DSEL needs at least 2 samples, got n_samples="
                    f"{n}."
                )
            train_rows, dsel_rows = train_test_split(
                all_rows, test_size=getattr(self, "DSEL_perc", 0.5), random_state=rng
            )
        self._set_classes(y, [])
        y_codes = np.searchsorted(self.classes_, y)
        X_train = _safe_indexing(X_in, train_rows)
        y_train = y_codes[train_rows]
        if getattr(self, "sampler", None) is not None:
            sampler = clone(self.sampler)
            if "random_state" in sampler.get_params() and sampler.random_state is None:
                sampler.set_params(random_state=int(rng.randint(MAX_SEED)))
            X_train, y_train = sampler.fit_resample(X_train, y_train)
        if container is not None:
            if pool is None:
                estimator = _default_pool(rng, self.n_jobs)
            else:
                estimator = _seed_estimator(clone(container), rng)
            estimator = _pool_to_device(estimator, device)
            self.pool_classifiers_ = estimator.fit(X_train, y_train)
            members, container = _members_of(self.pool_classifiers_)
        else:
            estimators = [_seed_estimator(clone(_unfreeze(m)), rng) for m in pool]
            estimators = _pool_to_device(estimators, device)
            inputs = member_inputs(estimators, X_train, y_train)
            jobs = [
                (_fit_member, (est, *xy), {}) for est, xy in zip(estimators, inputs)
            ]
            costs = [estimate_cost(est, len(y_train)) for est in estimators]
            members = run_longest_first(jobs, costs, n_jobs=self.n_jobs)
            self.pool_classifiers_ = members
        self.members_ = members
        self._members_on_codes_ = True
        self._member_index_ = []
        for member in members:
            codes = _member_label_space(member, container).astype(np.intp)
            self._member_index_.append(codes)
        self._set_member_features(container, members, X.shape[1])
        return dsel_rows

    def _set_classes(self, y, label_spaces):
        labels = [np.unique(y)] + [np.asarray(s) for s in label_spaces]

        def numeric(a):
            return a.dtype.kind in "biuf"

        other = [a for a in labels[1:] if numeric(a) != numeric(labels[0])]
        if other:
            raise ValueError(
                "The pool's members predict labels of another type than y "
                f"(y: {labels[0][:3].tolist()}..., members: "
                f"{other[0][:3].tolist()}...); fit the pool on the same labels as y."
            )
        classes = np.unique(np.concatenate(labels))
        self.classes_ = classes
        self.n_classes_ = classes.size

    def _labels_to_columns(self, labels, member):
        cols = np.searchsorted(self.classes_, labels)
        cols = np.clip(cols, 0, self.n_classes_ - 1)
        if not np.array_equal(self.classes_[cols], labels):
            raise ValueError(
                f"pool member {type(member).__name__} has classes {labels!r} "
                f"that do not match y's classes {self.classes_!r}."
            )
        return cols.astype(np.intp)

    def _set_member_features(self, container, members, n_features):
        subsets = getattr(container, "estimators_features_", None)
        if subsets is not None:
            self.estimator_features_ = [np.asarray(f) for f in subsets]
        else:
            self.estimator_features_ = [None] * len(members)
        self.n_classifiers_ = len(members)
        if self.n_classifiers_ < 2:
            raise ValueError(
                "Dynamic selection needs a pool of at least 2 classifiers, got "
                f"{self.n_classifiers_}."
            )
        for member in members:
            if not callable(getattr(member, "predict", None)):
                raise ValueError(
                    f"pool member {type(member).__name__} has no predict method."
                )

    def _check_members_features(self, n_features):
        for i, member in enumerate(self.members_):
            feats = self.estimator_features_[i]
            expected = n_features if feats is None else len(feats)
            got = getattr(member, "n_features_in_", None)
            if got is not None and got != expected:
                raise ValueError(
                    f"pool member {i} ({type(member).__name__}) was fitted on "
                    f"{got} features, but X has {expected}."
                )

    def _check_members_proba(self):
        for i, member in enumerate(self.members_):
            if not hasattr(member, "predict_proba"):
                raise ValueError(
                    f"{type(self).__name__} needs probability estimates, but pool "
                    f"member {i} ({type(member).__name__}) has no predict_proba."
                )

    def _encode_y(self, y):
        return np.searchsorted(self.classes_, y).astype(np.intp)

    def _set_dsel(self, X_dsel, y_dsel):
        self.DSEL_data_ = X_dsel
        self.DSEL_target_ = y_dsel
        self.n_samples_ = y_dsel.size
        missing = np.setdiff1d(
            np.unique(y_dsel),
            np.unique(np.concatenate(self._member_index_)),
        )
        if missing.size:
            warnings.warn(
                f"No member of the pool predicts the classes "
                f"{self.classes_[missing].tolist()} present in DSEL; they can "
                "only be predicted through the neighbours (with_IH).",
                UserWarning,
            )
        k = getattr(self, "k", None)
        if k is None:
            self.k_ = self.n_samples_
        elif k > self.n_samples_:
            warnings.warn(
                f"k={k} is larger than DSEL ({self.n_samples_} rows); all DSEL "
                "rows are used as the region of competence.",
                RuntimeWarning,
            )
            self.k_ = self.n_samples_
        else:
            self.k_ = k
        safe_k = getattr(self, "safe_k", None)
        if safe_k is not None and k is not None and safe_k > k:
            raise ValueError(f"safe_k must be <= k, got safe_k={safe_k} and k={k}.")
        if safe_k is None:
            safe_k = k if k is not None else 7
        self.safe_k_ = min(safe_k, self.k_)
        if getattr(self, "with_IH", False):
            highest = (
                self.safe_k_ - np.ceil(self.safe_k_ / self.n_classes_)
            ) / self.safe_k_
            if self.IH_rate > highest:
                warnings.warn(
                    f"IH_rate={self.IH_rate} is above the highest possible "
                    f"hardness ({highest:.3f}); no row is treated as easy.",
                    RuntimeWarning,
                )

    # ---------------------------------------------------------- members

    def _member_inputs(self, i, X_in, X):
        member = self.members_[i]
        feats = self.estimator_features_[i]
        if feats is not None:
            return X[:, feats]
        if X_in is not X and hasattr(member, "feature_names_in_"):
            return X_in
        return X

    def _prepare_member_calls(self):
        """Per-member lookups of the output mapping, computed once in fit.

        ``_label_lookup_[i]``: the member's sorted labels and, aligned with
        them, the class columns they map to; ``_proba_columns_[i]``: the class
        columns of its probabilities (a slice when they are all classes in
        order). ``_tree_members_[i]``: the member is a scikit-learn decision
        tree, which is given one shared float32 copy of the already
        validated rows with ``check_input=False`` (as scikit-learn's forests
        call their trees) instead of validating and converting the same rows
        once per member. A tree fitted on other feature names than the
        estimator's keeps its own checks.
        """
        own_names = getattr(self, "feature_names_in_", None)
        self._label_lookup_ = []
        self._proba_columns_ = []
        self._tree_members_ = []
        all_columns = np.arange(self.n_classes_)
        for member, index in zip(self.members_, self._member_index_):
            classes = to_numpy(member.classes_)
            order = np.argsort(classes, kind="stable")
            self._label_lookup_.append((classes[order], index[order]))
            in_order = np.array_equal(index, all_columns)
            self._proba_columns_.append(slice(None) if in_order else index)
            names = getattr(member, "feature_names_in_", None)
            self._tree_members_.append(
                _unchecked_tree(type(member))
                and getattr(member, "n_outputs_", 1) == 1
                and (
                    names is None
                    or (own_names is not None and np.array_equal(names, own_names))
                )
            )

    def _call_member(self, i, method, X_in, X, shared):
        """``method`` of member ``i`` on the rows; ``shared`` caches, for one
        pass over the pool, the float32 rows given to decision trees and the
        device copy given to GPU members."""
        member = self.members_[i]
        if not self._tree_members_[i]:
            X_i = self._member_inputs(i, X_in, X)
            if X_i is X:
                X_i = device_input(member, X, shared)
            return to_host(getattr(member, method)(X_i))
        if "float32" not in shared:
            shared["float32"] = np.asarray(X, dtype=np.float32)
        X32 = shared["float32"]
        feats = self.estimator_features_[i]
        X_i = X32 if feats is None else X32[:, feats]
        return getattr(member, method)(X_i, check_input=False)

    def _member_outputs(self, X_in, X, proba, members=None):
        """Members' outputs as class indices (and aligned probabilities).

        ``members`` (indices) restricts the output to those members.
        """
        members = range(self.n_classifiers_) if members is None else members
        n, m, c = X.shape[0], len(members), self.n_classes_
        shared = {}
        if proba:
            probas = np.zeros((n, m, c))
            for j, i in enumerate(members):
                p = self._call_member(i, "predict_proba", X_in, X, shared)
                probas[:, j, self._proba_columns_[i]] = np.asarray(p)
            return probas.argmax(axis=2), probas
        preds = np.empty((n, m), dtype=np.intp)
        for j, i in enumerate(members):
            raw = self._call_member(i, "predict", X_in, X, shared)
            preds[:, j] = self._predicted_columns(i, np.asarray(raw))
        return preds, None

    def _predicted_columns(self, i, raw):
        labels, columns = self._label_lookup_[i]
        pos = np.searchsorted(labels, raw)
        np.clip(pos, 0, labels.size - 1, out=pos)
        if not np.array_equal(labels[pos], raw.astype(labels.dtype, copy=False)):
            bad = np.setdiff1d(raw, labels)
            raise ValueError(
                f"pool member {i} ({type(self.members_[i]).__name__}) predicted "
                f"labels {bad[:5].tolist()} that are not in its classes_."
            )
        return columns[pos]

    def _members_have_proba(self):
        if hasattr(self, "members_"):
            return all(hasattr(m, "predict_proba") for m in self.members_)
        pool = _unfreeze(self.pool_classifiers)
        if pool is None:
            return True
        if isinstance(pool, (list, tuple)):
            return all(hasattr(_unfreeze(m), "predict_proba") for m in pool)
        members = getattr(pool, "estimators_", None)
        if members is not None:
            return all(hasattr(m, "predict_proba") for m in members)
        return hasattr(pool, "predict_proba")

    # ---------------------------------------------------------- predict

    def _mode(self):
        return getattr(self, "mode", self._fixed_mode)

    def _voting(self, for_proba):
        """Voting used to combine: DCS returns its members' probabilities."""
        if self._dcs:
            return "soft" if for_proba else "hard"
        return getattr(self, "voting", "hard")

    def _row_bytes(self):
        m, c, k = self.n_classifiers_, self.n_classes_, max(self.k_, 1)
        return 8 * (4 * m * k + 3 * m * c + 2 * k + 2 * c)

    def _batch_size(self):
        from sklearn import get_config

        budget = get_config()["working_memory"] * 2**20
        return int(max(1, min(100_000, budget // max(self._row_bytes(), 1))))

    def _region(self, X):
        distances, indices = self.roc_algorithm_.kneighbors(
            X, n_neighbors=self.k_, return_distance=True
        )
        distances = np.atleast_2d(to_numpy(distances))
        indices = np.atleast_2d(to_numpy(indices)).astype(np.intp)
        if not getattr(self, "knne", False):
            # Equally distant neighbours in index order, whatever the search.
            distances, indices = canonical_order(distances, indices)
        return distances, indices

    def _predict_indices(self, X_in, X, want_proba):
        """Class indices (and probabilities) of all rows, batch by batch."""
        n = X.shape[0]
        labels = np.empty(n, dtype=np.intp)
        proba = np.zeros((n, self.n_classes_)) if want_proba else None
        rng = check_random_state(copy.deepcopy(self.random_state))
        step = self._batch_size()
        for start in range(0, n, step):
            rows = slice(start, min(n, start + step))
            X_b = X[rows]
            X_b_in = X_b if X_in is X else _safe_indexing(X_in, np.arange(n)[rows])
            lab, pro = self._predict_batch(X_b_in, X_b, want_proba, rng)
            labels[rows] = lab
            if want_proba:
                proba[rows] = pro
        return labels, proba

    def _predict_batch(self, X_in, X, want_proba, rng):
        voting = self._voting(want_proba)
        need_proba = want_proba or self._needs_proba or voting == "soft"
        preds, probas = self._member_outputs(X_in, X, proba=need_proba)
        n = X.shape[0]
        labels = np.empty(n, dtype=np.intp)
        proba = np.zeros((n, self.n_classes_)) if want_proba else None
        agree = (preds == preds[:, :1]).all(axis=1)
        labels[agree] = preds[agree, 0]
        if want_proba:
            proba[agree] = probas[agree].mean(axis=1)
        rest = np.flatnonzero(~agree)
        if rest.size == 0:
            return labels, proba
        batch = Batch(
            X=X[rest],
            predictions=preds[rest],
            probabilities=None if probas is None else probas[rest],
            rng=rng,
        )
        if self._uses_region:
            batch.distances, batch.neighbors = self._region(batch.X)
        if getattr(self, "with_IH", False):
            h, majority, counts = hardness(
                batch.neighbors, self.DSEL_target_, self.safe_k_, self.n_classes_
            )
            easy = h < self.IH_rate
            if easy.any():
                labels[rest[easy]] = majority[easy]
                if want_proba:
                    proba[rest[easy]] = counts[easy] / self.safe_k_
                keep = ~easy
                rest = rest[keep]
                if rest.size == 0:
                    return labels, proba
                batch = Batch(
                    X=batch.X[keep],
                    neighbors=batch.neighbors[keep],
                    distances=None
                    if batch.distances is None
                    else batch.distances[keep],
                    predictions=batch.predictions[keep],
                    probabilities=None
                    if batch.probabilities is None
                    else batch.probabilities[keep],
                    rng=rng,
                )
        competences = np.asarray(self._competence(batch), dtype=np.float64)
        if getattr(self, "DFP", False):
            competences = competences * self._dfp_mask(batch)
        lab, pro = self._combine(competences, batch, voting, want_proba)
        labels[rest] = lab
        if want_proba:
            proba[rest] = pro
        return labels, proba

    def _dfp_mask(self, batch):
        """Frienemy-pruning mask of a batch; override for other regions."""
        return dfp_mask(batch.neighbors, self.DSEL_target_, self.DSEL_processed_)

    def _combine(self, competences, batch, voting, want_proba):
        """Select/weight the members and combine their outputs."""
        mode = self._mode()
        if mode == "weighting":
            selected = np.ones(competences.shape, dtype=bool)
        else:
            selected = np.asarray(self._select(competences, batch), dtype=bool)
        c = self.n_classes_
        if mode == "selection":
            weights = None
        else:
            weights = competences * selected
            zero = ~(weights != 0).any(axis=1)
            if zero.any():
                weights = weights.copy()
                weights[zero] = selected[zero]
        if voting == "hard":
            support = vote_counts(batch.predictions, selected, c, weights)
            label = support.argmax(axis=1)
            return label, (_normalized_support(support) if want_proba else None)
        probs = batch.probabilities
        if weights is None:
            sel = selected[:, :, None]
            proba = (probs * sel).sum(axis=1) / sel.sum(axis=1)
        else:
            weighted = (probs * weights[:, :, None]).sum(axis=1)
            proba = softmax(weighted / selected.sum(axis=1, keepdims=True))
        return proba.argmax(axis=1), proba

    def _competence(self, batch):  # pragma: no cover - abstract
        raise NotImplementedError

    def _select(self, competences, batch):  # pragma: no cover - abstract
        raise NotImplementedError

    def _validated_X(self, X):
        check_is_fitted(self)
        X_in = X
        X = validate_data(self, X, reset=False, dtype=np.float64)
        if not _is_dataframe(X_in):
            X_in = X
        return X_in, X

    def predict(self, X):
        """Predict the class of each row of ``X``.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)

        Returns
        -------
        y : ndarray of shape (n_samples,)
        """
        X_in, X = self._validated_X(X)
        labels, _ = self._predict_indices(X_in, X, want_proba=False)
        return self.classes_.take(labels)

    @available_if(_members_have_proba)
    def predict_proba(self, X):
        """Class probabilities of each row of ``X``.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)

        Returns
        -------
        proba : ndarray of shape (n_samples, n_classes)
            Columns follow ``classes_``.
        """
        X_in, X = self._validated_X(X)
        self._check_members_proba()
        _, proba = self._predict_indices(X_in, X, want_proba=True)
        return proba

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.allow_nan = False
        tags.input_tags.sparse = False
        return tags


def _is_dataframe(X):
    return hasattr(X, "iloc") and hasattr(X, "columns")


@functools.lru_cache(maxsize=64)
def _unchecked_tree(cls):
    """Whether ``cls`` is a scikit-learn tree classifier whose ``predict`` and
    ``predict_proba`` take ``check_input``."""
    if not issubclass(cls, BaseDecisionTree):
        return False
    try:
        return all(
            "check_input" in inspect.signature(getattr(cls, name)).parameters
            for name in ("predict", "predict_proba")
        )
    except (AttributeError, TypeError, ValueError):  # pragma: no cover
        return False


# --------------------------------------------------------------------------
# Parameter descriptions shared by the docstrings ("{{name}}" placeholders).
# --------------------------------------------------------------------------

_DOCS = {
    "pool_classifiers": """pool_classifiers : list of classifiers, ensemble or None, \
default=None
        The pool. Fitted classifiers (a list, a fitted ensemble with
        ``estimators_`` such as ``BaggingClassifier``, a random forest,
        a stacking or voting classifier, or a ``FrozenEstimator`` of one)
        are used as they are, and all of ``X`` is the selection set DSEL.
        ``None`` (a bagging of 10 decision trees, as DESlib), an unfitted
        ensemble or a list of unfitted classifiers are fitted in ``fit`` on
        a ``1 - DSEL_perc`` part of ``X`` and the rest is DSEL; this is
        what makes the pool a parameter that ``GridSearchCV`` can tune.""",
    "k": """k : int, default=7
        Size of the region of competence (nearest DSEL rows). When larger
        than DSEL, all DSEL rows are used (with a warning).""",
    "DFP": """DFP : bool, default=False
        Dynamic frienemy pruning: in a region with several classes, keep only
        members that classify correctly neighbours of two classes or more.""",
    "with_IH": """with_IH : bool, default=False
        Instance hardness: rows whose ``safe_k`` nearest DSEL rows have
        hardness below ``IH_rate`` get the majority class of those
        neighbours (k-NN) instead of dynamic selection.""",
    "safe_k": """safe_k : int, default=None
        Neighbours used for the hardness; None means ``k``.""",
    "IH_rate": """IH_rate : float, default=0.3
        Hardness threshold of ``with_IH``.""",
    "random_state": """random_state : int, RandomState instance or None, default=None
        Seeds the split into pool training part and DSEL and the pool fitted
        by the estimator; for DCS methods also the random choice among
        equally competent members (the same draws at every predict call).""",
    "knn_classifier": """knn_classifier : "knn", "sklearn", "gpu", None, str or \
object, default="knn"
        The neighbour search: ``"knn"``/None for exact search (on the CPU
        scikit-learn's k-d tree or brute force, chosen from the DSEL shape;
        :class:`skextra.gpu.GPUNeighbors` when ``device`` resolves to
        ``"gpu"``), ``"sklearn"`` for scikit-learn's exact search on any
        device, ``"gpu"`` for :class:`~skextra.gpu.GPUNeighbors` on the
        device ``device`` resolves to (NumPy on the CPU), ``"faiss"`` /
        ``"faiss-hnsw"`` for approximate search (:class:`ANNNeighbors`,
        extra ``skextra[ann]``), a registered name, or an object with
        ``fit(X)`` and ``kneighbors(X, n_neighbors, return_distance=True)``
        such as :class:`PrecomputedNeighbors`.""",
    "device": SHARED_DOCS["device"],
    "knn_metric": """knn_metric : {"minkowski", "mahalanobis"}, default="minkowski"
        Distance of the neighbour search. Mahalanobis uses the inverse of the
        DSEL feature covariance.""",
    "knne": """knne : bool, default=False
        K-nearest neighbours equality: take the same number of neighbours
        from each class.""",
    "DSEL_perc": """DSEL_perc : float, default=0.5
        Fraction of ``X`` kept as DSEL when the estimator fits the pool.""",
    "n_jobs": """n_jobs : int, default=None
        Parallel jobs for fitting the pool and for the neighbour search.
        (DESlib's default is -1.)""",
    "sampler": """sampler : imbalanced-learn sampler, default=None
        When the estimator fits the pool, the pool's training part is
        resampled with it; DSEL is never resampled.""",
    "voting": """voting : {"hard", "soft"}, default="hard"
        Combine the selected members by majority vote or by averaging their
        probabilities.""",
    "mode": """mode : {"selection", "weighting", "hybrid"}, default="selection"
        Use the selected members, all members weighted by competence, or the
        selected members weighted by competence.""",
    "selection_method": """selection_method : {"best", "all", "random", "diff"}, \
default="best"
        How one member is chosen from the competences: the most competent
        (lowest index on ties), all the most competent (majority vote), a
        random one among the most competent, or a random one among those
        within ``diff_thresh`` of the best.""",
    "diff_thresh": """diff_thresh : float, default=0.1
        Threshold of ``selection_method="diff"``.""",
    "attributes": """pool_classifiers_ : list or ensemble
        The pool that is used (fitted).
    members_ : list of classifiers
        The pool's classifiers.
    n_classifiers_ : int
        Number of members.
    classes_ : ndarray of shape (n_classes,)
        The class labels (those of ``y`` and of the pool's members).
    n_classes_ : int
    DSEL_data_ : ndarray of shape (n_dsel, n_features)
    DSEL_target_ : ndarray of shape (n_dsel,)
        DSEL labels as indices into ``classes_``.
    BKS_DSEL_ : ndarray of shape (n_dsel, n_members)
        Each member's predicted class index on DSEL.
    DSEL_processed_ : ndarray of shape (n_dsel, n_members)
        Whether each member is right on each DSEL row.
    k_ : int
        Region-of-competence size used.
    safe_k_ : int
        Neighbours used for the instance hardness.
    roc_algorithm_ : object
        The fitted neighbour search.
    n_features_in_ : int
    feature_names_in_ : ndarray of shape (n_features_in_,)
        Defined only when ``X`` has string feature names.""",
}


fill_doc = fill_shared_doc(_DOCS)
"""Decorator: the shared texts of :data:`SHARED_DOCS` and of dynamic selection."""
