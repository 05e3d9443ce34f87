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
    (required) Which members are selected for each row. Helpers (in
    ``_kernels.py``): ``select_max``, ``select_above``, ``select_top``.

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
``_select_reads_fit`` (default True): False when ``_select`` reads the
    competences only, so that the public ``select`` works before ``fit``
    (as DESlib's does for KNORA-E, KNORA-U and KNOP).

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

Public methods beside fit/predict
---------------------------------
DESlib's: ``get_competence_region``, ``estimate_competence``, ``select``,
``classify_with_ds`` and ``predict_proba_with_ds`` (META-DES and KNOP:
``estimate_competence_from_proba``; META-DES: ``compute_meta_features``),
each a thin wrapper that builds a :class:`Batch` from the given arrays
(``X=None``) and calls the method's own ``_competence``/``_select``, so no
competence is written twice. ``explain(X)`` runs predict's steps (``_route``,
``_competences``, ``_weights``) and returns what they computed per row. The
static baselines (``_selects = False``) have none of them.

The members are asked for their outputs once per batch (and once on DSEL in
``fit``, only for what the class declares it needs). Decision-tree members
(the default pool's) share one float32 copy of the rows, which they would
otherwise each validate and convert (see ``_prepare_member_calls``).

The pool is resolved (used as given, or fitted on a part of ``X``) by
``_pool.py``, which the regressor shares; the vectorised kernels the methods
share are in ``_kernels.py``.

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
from sklearn.tree import BaseDecisionTree, DecisionTreeClassifier
from sklearn.utils import Bunch, _safe_indexing, check_random_state
from sklearn.utils._param_validation import HasMethods, Interval, StrOptions
from sklearn.utils.metaestimators import available_if
from sklearn.utils.multiclass import check_classification_targets
from sklearn.utils.validation import check_is_fitted, validate_data

from ...gpu._device import resolve_device
from ...gpu._resident import device_input
from ...utils._array_api import to_host, to_numpy
from ...utils._chunking import row_batches
from ...utils._docstring import SHARED_DOCS
from ...utils._docstring import fill_doc as fill_shared_doc
from ...utils._random import draw_seeds
from ...utils._validation import DEVICE_CONSTRAINT, is_dataframe
from ._kernels import dfp_mask, hardness, normalized_support, softmax, vote_counts
from ._neighbors import canonical_order, fit_searcher, make_searcher
from ._pool import (
    check_member_features,
    check_pool_size,
    feature_subsets,
    resolve_pool,
    unfreeze,
)

__all__ = ["BaseDynamicSelection", "Batch", "fill_doc"]


_MAX_BATCH_ROWS = 100_000
_SORTED_TREE_ROWS = 1_000


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


def _take(batch, rows):
    """The batch restricted to ``rows`` (indices or a boolean mask)."""

    def part(a):
        return None if a is None else a[rows]

    return Batch(
        X=part(batch.X),
        neighbors=part(batch.neighbors),
        distances=part(batch.distances),
        predictions=part(batch.predictions),
        probabilities=part(batch.probabilities),
        rng=batch.rng,
    )


@dataclass
class _Route:
    """How the rows of a batch are decided (see ``_route``): ``agree`` (bool
    mask), ``easy`` (indices) with their neighbours' ``majority`` class and
    class ``counts``, ``rest`` (indices) and their :class:`Batch`."""

    agree: np.ndarray
    easy: np.ndarray
    majority: np.ndarray
    counts: np.ndarray
    rest: np.ndarray
    batch: Batch


def row_blocks(X_in, X, batches):
    """``(rows, X_in[rows], X[rows])`` for each slice of ``batches``; ``X_in``
    is the caller's input (a data frame, say) and ``X`` its validated array."""
    n = X.shape[0]
    for rows in batches:
        X_b = X[rows]
        X_b_in = X_b if X_in is X else _safe_indexing(X_in, np.arange(n)[rows])
        yield rows, X_b_in, X_b


def _default_pool(random_state, n_jobs):
    """DESlib's default pool: bagging of 10 decision trees."""
    return BaggingClassifier(
        estimator=DecisionTreeClassifier(), random_state=random_state, n_jobs=n_jobs
    )


def _member_classes(member):
    """A member's ``classes_`` as a 1-d NumPy array, or None when it has none
    usable (missing, not an array, empty or not 1-d, as a mock's).

    A member without usable ``classes_`` is taken as DESlib takes every
    member: its predictions are labels of the estimator's ``classes_`` and
    its probability columns follow ``classes_``.
    """
    classes = getattr(member, "classes_", None)
    if classes is None:
        return None
    try:
        classes = to_numpy(classes)
    except TypeError:
        return None
    if classes.ndim != 1 or classes.size == 0:
        return None
    return classes


def _member_label_space(member, container):
    """The labels a member predicts, expressed in its container's labels
    (None when the member has no usable ``classes_``).

    scikit-learn's ensembles (bagging, forests, voting, stacking) fit their
    members on class positions 0..C-1 of the container's ``classes_``; their
    member labels are mapped back through ``container.classes_``.
    """
    classes = _member_classes(member)
    if classes is None or container is None:
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
        and (classes.min() >= 0 and classes.max() < outer.size)
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
    _selects = True
    _competence_inputs = ("neighbors",)
    _select_reads_fit = True

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
        if y.dtype.kind not in "biu":  # 1-D integers are binary or multiclass
            check_classification_targets(y)
        if not is_dataframe(X_in):
            X_in = X
        rng = check_random_state(self.random_state)
        device = self._device()
        dsel_rows = self._setup_pool(X_in, y, rng, device)
        self._prepare_member_calls()
        if np.array_equal(dsel_rows, np.arange(X.shape[0])):  # all of X: no copy
            X_dsel, y_dsel, X_dsel_in = X, self._encode_y(y), X_in
        else:
            X_dsel = X[dsel_rows]
            y_dsel = self._encode_y(y[dsel_rows])
            X_dsel_in = X_dsel if X_in is X else _safe_indexing(X_in, dsel_rows)
        self._set_dsel(X_dsel, y_dsel)
        self._check_members_features(X.shape[1])
        if self._needs_dsel_proba or self._voting(False) == "soft":
            self._check_members_proba()
        if self._needs_dsel_proba:
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

    def _setup_pool(self, X_in, y, rng, device):
        """Resolve (and if needed fit) the pool; return DSEL row indices.

        A pool fitted here is first dispatched to ``device``; it is fitted on
        class indices, which its members' labels then are.
        """
        self._set_classes(y, [])
        pool = resolve_pool(
            self.pool_classifiers,
            X_in,
            np.searchsorted(self.classes_, y),
            rng,
            name="pool_classifiers",
            kind="classifier",
            default=functools.partial(_default_pool, n_jobs=self.n_jobs),
            device=device,
            n_jobs=self.n_jobs,
            dsel_perc=getattr(self, "DSEL_perc", 0.5),
            split=self._dsel_split,
            resample=self._resample,
        )
        self.pool_classifiers_ = pool.fitted
        self.members_ = pool.members
        spaces = [_member_label_space(m, pool.container) for m in pool.members]
        if pool.fitted_here:
            self._member_index_ = [s.astype(np.intp) for s in spaces]
        else:
            self._warn_unused_sampler()
            self._set_classes(y, [s for s in spaces if s is not None])
            self._member_index_ = [
                np.arange(self.n_classes_)
                if s is None
                else self._labels_to_columns(s, m)
                for s, m in zip(spaces, pool.members)
            ]
        self._set_member_features(pool.container, pool.members)
        return pool.dsel_rows

    def _resample(self, X, y, rng):
        """The pool's training part resampled by ``sampler``, if any."""
        if getattr(self, "sampler", None) is None:
            return X, y
        sampler = clone(self.sampler)
        if "random_state" in sampler.get_params() and sampler.random_state is None:
            sampler.set_params(random_state=draw_seeds(rng))
        return sampler.fit_resample(X, y)

    def _warn_unused_sampler(self):
        if getattr(self, "sampler", None) is not None:
            warnings.warn(
                "sampler is ignored: pool_classifiers is already fitted.",
                UserWarning,
            )

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

    def _set_member_features(self, container, members):
        self.estimator_features_ = feature_subsets(container, len(members))
        self.n_classifiers_ = len(members)
        check_pool_size(members, "classifier")
        for member in members:
            if not callable(getattr(member, "predict", None)):
                raise ValueError(
                    f"pool member {type(member).__name__} has no predict method."
                )

    def _check_members_features(self, n_features):
        check_member_features(self.members_, self.estimator_features_, n_features)

    def _check_members_proba(self):
        for i, member in enumerate(self.members_):
            if not hasattr(member, "predict_proba"):
                needs = type(self).__name__
                if not self._needs_dsel_proba:
                    needs += " with voting='soft'"
                raise ValueError(
                    f"{needs} needs probability estimates, but pool "
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
        estimator's keeps its own checks. ``_leaf_columns_[i]``: for such a
        tree whose ``predict`` is scikit-learn's, the class column each node
        predicts (the argmax of its value, what ``predict`` takes), so its
        predictions are read from the leaves it sends the rows to;
        ``_leaf_proba_[i]``, when its ``predict_proba`` is scikit-learn's, its
        nodes' values (the probabilities ``predict_proba`` reads).
        """
        own_names = getattr(self, "feature_names_in_", None)
        self._label_lookup_ = []
        self._proba_columns_ = []
        self._tree_members_ = []
        self._leaf_columns_ = []
        self._leaf_proba_ = []
        all_columns = np.arange(self.n_classes_)
        for member, index in zip(self.members_, self._member_index_):
            classes = self._own_classes(member)
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
            tree = self._tree_members_[-1]
            values = member.tree_.value[:, 0, :] if tree else None
            plain = tree and _plain(member, "predict")
            self._leaf_columns_.append(index[values.argmax(axis=1)] if plain else None)
            plain = tree and _plain(member, "predict_proba")
            self._leaf_proba_.append(values[:, : member.n_classes_] if plain else None)

    def _own_classes(self, member):
        """The labels ``member`` predicts: its ``classes_``, or the
        estimator's when it has none usable (see :func:`_member_classes`)."""
        classes = _member_classes(member)
        return self.classes_ if classes is None else classes

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
        out = getattr(member, method)(self._tree_input(i, X, shared), check_input=False)
        return _unsorted(out, shared)

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
                if self._leaf_proba_[i] is not None:
                    p = self._leaf_proba_[i][self._tree_leaves(i, X, shared)]
                else:
                    p = self._call_member(i, "predict_proba", X_in, X, shared)
                probas[:, j, self._proba_columns_[i]] = np.asarray(p)
            return probas.argmax(axis=2), probas
        preds = np.empty((n, m), dtype=np.intp)
        for j, i in enumerate(members):
            if self._leaf_columns_[i] is not None:
                preds[:, j] = self._leaf_columns_[i][self._tree_leaves(i, X, shared)]
                continue
            raw = self._call_member(i, "predict", X_in, X, shared)
            preds[:, j] = self._predicted_columns(i, np.asarray(raw))
        return preds, None

    def _tree_leaves(self, i, X, shared):
        """The leaf decision tree ``i`` sends each row to."""
        X_i = self._tree_input(i, X, shared)
        first, leaves = shared.get("first_leaves", (None, None))
        if i != first:
            leaves = _unsorted(self.members_[i].tree_.apply(X_i), shared)
        return leaves

    def _tree_input(self, i, X, shared):
        """Tree ``i``'s rows: one float32 copy of ``X`` for a pass over the
        pool, in ``shared``. From ``_SORTED_TREE_ROWS`` rows and two trees,
        the copy is ordered by the leaf the first tree sends each row to
        (``shared["inverse"]`` restores the order): rows that take the same
        branches one after another make every tree's descent faster (1.5x
        for 6,000 rows of 16 features and depth-10 trees)."""
        if "float32" not in shared:
            X32 = np.asarray(X, dtype=np.float32)
            trees = np.flatnonzero(self._tree_members_)
            if X.shape[0] >= _SORTED_TREE_ROWS and trees.size >= 2:
                first = self.members_[trees[0]].tree_
                shared["float32"] = X32
                leaves = first.apply(self._tree_input(trees[0], X, shared))
                shared["first_leaves"] = (trees[0], leaves)
                order = np.argsort(
                    leaves.astype(np.min_scalar_type(first.node_count)), kind="stable"
                )
                X32 = X32[order]
                shared["inverse"] = np.empty_like(order)
                shared["inverse"][order] = np.arange(order.size)
            shared["float32"] = X32
        feats = self.estimator_features_[i]
        return shared["float32"] if feats is None else shared["float32"][:, feats]

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
        pool = unfreeze(self.pool_classifiers)
        if pool is None:
            return True
        if isinstance(pool, (list, tuple)):
            return all(hasattr(unfreeze(m), "predict_proba") for m in pool)
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

    def _batches(self, n_rows):
        """The row blocks of a predict call, each within ``working_memory``."""
        return row_batches(n_rows, self._row_bytes(), max_n_rows=_MAX_BATCH_ROWS)

    def _member_row_bytes(self, n_members, n_features):
        """Bytes a row needs when ``n_members`` give their probabilities: the
        members' input copy, their outputs and the arrays they fill."""
        return 8 * n_features + 32 * n_members * self.n_classes_

    def _map_rows(self, X_in, X, func, row_bytes):
        """``func(X_in_b, X_b, rows)`` over blocks of rows within
        ``working_memory`` (``row_bytes`` of temporaries a row), the blocks'
        results written into one array (no list of parts concatenated)."""
        n = X.shape[0]
        out = None
        batches = row_batches(n, row_bytes, max_n_rows=_MAX_BATCH_ROWS)
        for rows, X_b_in, X_b in row_blocks(X_in, X, batches):
            part = np.asarray(func(X_b_in, X_b, rows))
            if out is None:
                out = np.empty((n, *part.shape[1:]), dtype=part.dtype)
            out[rows] = part
        return out

    def _batch_size(self):
        """Rows in one block of :meth:`_batches`."""
        return next(self._batches(_MAX_BATCH_ROWS)).stop

    def _region(self, X):
        return self._kneighbors(X, self.k_)

    def _kneighbors(self, X, k):
        """The ``k`` nearest DSEL rows, equally distant ones in index order."""
        distances, indices = self.roc_algorithm_.kneighbors(
            X, n_neighbors=k, return_distance=True
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
        for rows, X_b_in, X_b in row_blocks(X_in, X, self._batches(n)):
            lab, pro = self._predict_batch(X_b_in, X_b, want_proba, rng)
            labels[rows] = lab
            if want_proba:
                proba[rows] = pro
        return labels, proba

    def _predict_batch(self, X_in, X, want_proba, rng):
        voting = self._voting(want_proba)
        need_proba = want_proba or self._needs_proba or voting == "soft"
        preds, probas = self._member_outputs(X_in, X, proba=need_proba)
        labels = np.empty(X.shape[0], dtype=np.intp)
        proba = np.zeros((X.shape[0], self.n_classes_)) if want_proba else None
        route = self._route(X, preds, probas, rng)
        labels[route.agree] = preds[route.agree, 0]
        if want_proba:
            proba[route.agree] = probas[route.agree].mean(axis=1)
        labels[route.easy] = route.majority
        if want_proba:
            proba[route.easy] = route.counts / self.safe_k_
        if route.rest.size:
            competences = self._competences(route.batch)
            lab, pro = self._combine(competences, route.batch, voting, want_proba)
            labels[route.rest] = lab
            if want_proba:
                proba[route.rest] = pro
        return labels, proba

    def _route(self, X, preds, probas, rng):
        """Which rows the members' agreement, the hardness (``with_IH``) and
        dynamic selection decide; the :class:`Batch` of the last ones."""
        agree = (preds == preds[:, :1]).all(axis=1)
        rest = np.flatnonzero(~agree)
        batch = _take(
            Batch(X=X, predictions=preds, probabilities=probas, rng=rng), rest
        )
        easy, majority = rest[:0], rest[:0]
        counts = np.zeros((0, self.n_classes_))
        if rest.size and self._uses_region:
            batch.distances, batch.neighbors = self._region(batch.X)
        if rest.size and getattr(self, "with_IH", False):
            h, majority, counts = hardness(
                batch.neighbors, self.DSEL_target_, self.safe_k_, self.n_classes_
            )
            is_easy = h < self.IH_rate
            easy, majority, counts = rest[is_easy], majority[is_easy], counts[is_easy]
            if is_easy.any():
                rest, batch = rest[~is_easy], _take(batch, ~is_easy)
        return _Route(agree, easy, majority, counts, rest, batch)

    def _competences(self, batch):
        """The competences dynamic selection uses: frienemy-pruned with DFP."""
        competences = np.asarray(self._competence(batch), dtype=np.float64)
        if getattr(self, "DFP", False):
            competences = competences * self._dfp_mask(batch)
        return competences

    def _dfp_mask(self, batch):
        """Frienemy-pruning mask of a batch; override for other regions."""
        return dfp_mask(batch.neighbors, self.DSEL_target_, self.DSEL_processed_)

    def _weights(self, competences, batch):
        """The selected members and the weight of each member's output.

        Returns ``selected`` (bool, n_b x n_members) and ``weights`` (None
        when the selected members count equally).
        """
        mode = self._mode()
        if mode == "weighting":
            selected = np.ones(competences.shape, dtype=bool)
        else:
            selected = np.asarray(self._select(competences, batch), dtype=bool)
        if mode == "selection":
            return selected, None
        weights = competences * selected
        zero = ~(weights != 0).any(axis=1)
        if zero.any():
            weights[zero] = selected[zero]
        return selected, weights

    def _combine(self, competences, batch, voting, want_proba):
        """Select/weight the members and combine their outputs."""
        selected, weights = self._weights(competences, batch)
        return self._vote(selected, weights, batch, voting, want_proba)

    def _vote(self, selected, weights, batch, voting, want_proba):
        """Combine the outputs of the selected members (weighted or not)."""
        if voting == "hard":
            support = vote_counts(batch.predictions, selected, self.n_classes_, weights)
            label = support.argmax(axis=1)
            return label, (normalized_support(support) if want_proba else None)
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
        if not is_dataframe(X_in):
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

    # ------------------------------------------ DESlib's public methods

    def _selects_dynamically(self):
        return self._selects

    def _estimates_from_regions(self):
        return self._selects and not self._needs_proba

    @available_if(_selects_dynamically)
    def get_competence_region(self, query, k=None):
        """The ``k`` nearest DSEL rows of each query row (DESlib's method).

        Parameters
        ----------
        query : array-like of shape (n_samples, n_features)
            The rows.
        k : int, default=None
            Number of neighbours; None means ``k_``.

        Returns
        -------
        distances : ndarray of shape (n_samples, k)
            Distances to the neighbours, nearest first.
        neighbors : ndarray of shape (n_samples, k)
            Indices of the neighbours into ``DSEL_data_``.
        """
        _, X = self._validated_X(query)
        if not hasattr(self, "roc_algorithm_"):
            raise AttributeError(
                f"{type(self).__name__} with these parameters has no region of "
                "competence (no roc_algorithm_)."
            )
        return self._kneighbors(X, self.k_ if k is None else k)

    @available_if(_estimates_from_regions)
    def estimate_competence(self, competence_region, distances=None, predictions=None):
        """Competence of each member for each row (DESlib's method).

        The same kernel ``predict`` uses, without frienemy pruning (``DFP``
        is applied by :meth:`classify_with_ds`, as in DESlib).

        Parameters
        ----------
        competence_region : array-like of shape (n_samples, n_neighbors)
            Indices into ``DSEL_data_`` of each row's region of competence,
            e.g. the second output of :meth:`get_competence_region`.
        distances : array-like of shape (n_samples, n_neighbors), default=None
            Distances to those rows (needed by the methods that weight the
            neighbours by distance: MLA, A Priori, A Posteriori and the
            probabilistic methods).
        predictions : array-like of shape (n_samples, n_members), default=None
            The members' predictions for the rows as class indices into
            ``classes_`` (needed by LCA, MLA, MCB, A Posteriori).

        Returns
        -------
        competences : ndarray of shape (n_samples, n_members)
        """
        check_is_fitted(self)
        batch = self._given_batch(competence_region, distances, predictions, None)
        return np.asarray(self._competence(batch), dtype=np.float64)

    @available_if(_selects_dynamically)
    def select(self, competences):
        """Which members are selected given their competences (DESlib's method).

        Parameters
        ----------
        competences : array-like of shape (n_samples, n_members)

        Returns
        -------
        selected : ndarray of shape (n_samples, n_members)
            True for the selected members. A random choice among equally
            competent members draws from ``random_state`` afresh at each
            call, as ``predict`` does.
        """
        if self._select_reads_fit:
            check_is_fitted(self)
        competences = np.atleast_2d(np.asarray(competences, dtype=np.float64))
        rng = check_random_state(copy.deepcopy(self.random_state))
        return np.asarray(self._select(competences, Batch(X=None, rng=rng)), bool)

    @available_if(_selects_dynamically)
    def classify_with_ds(
        self,
        predictions,
        probabilities=None,
        neighbors=None,
        distances=None,
        DFP_mask=None,
    ):
        """Predict rows from the members' outputs and regions (DESlib's method).

        Dynamic selection alone: unlike ``predict``, rows on which all
        members agree and (with ``with_IH``) easy rows are not treated apart.

        Parameters
        ----------
        predictions : array-like of shape (n_samples, n_members)
            The members' predictions as class indices into ``classes_``.
        probabilities : array-like of shape (n_samples, n_members, n_classes), \
default=None
            The members' probabilities (columns follow ``classes_``); needed
            with ``voting="soft"`` and by META-DES and KNOP.
        neighbors : array-like of shape (n_samples, n_neighbors), default=None
            Indices into ``DSEL_data_`` of each row's region of competence
            (DES-Clustering: each row's cluster). DESlib's DES classes call
            this argument ``competence_region``.
        distances : array-like of shape (n_samples, n_neighbors), default=None
            Distances to those rows.
        DFP_mask : array-like of shape (n_samples, n_members), default=None
            Frienemy-pruning mask applied when ``DFP=True``; None computes it
            from ``neighbors``.

        Returns
        -------
        labels : ndarray of shape (n_samples,)
            Predicted class indices into ``classes_`` (as DESlib's).
        """
        batch = self._given_batch(neighbors, distances, predictions, probabilities)
        return self._classify_given(batch, DFP_mask, want_proba=False)[0]

    @available_if(_selects_dynamically)
    def predict_proba_with_ds(
        self,
        predictions,
        probabilities=None,
        neighbors=None,
        distances=None,
        DFP_mask=None,
    ):
        """Class probabilities from the members' outputs (DESlib's method).

        Parameters
        ----------
        predictions, probabilities, neighbors, distances, DFP_mask
            As in :meth:`classify_with_ds`.

        Returns
        -------
        proba : ndarray of shape (n_samples, n_classes)
        """
        batch = self._given_batch(neighbors, distances, predictions, probabilities)
        return self._classify_given(batch, DFP_mask, want_proba=True)[1]

    def _given_batch(
        self, neighbors, distances, predictions, probabilities, needs=None
    ):
        """A :class:`Batch` of arrays given to the public methods; ``needs``
        (default: ``_competence_inputs``) are the fields that may not be None."""

        def rows(a, dtype):
            return None if a is None else np.atleast_2d(np.asarray(a, dtype=dtype))

        if probabilities is not None:
            probabilities = np.asarray(probabilities, dtype=np.float64)
            if probabilities.ndim == 2:
                probabilities = probabilities[None]
        batch = Batch(
            X=None,
            neighbors=rows(neighbors, np.intp),
            distances=rows(distances, np.float64),
            predictions=rows(predictions, np.intp),
            probabilities=probabilities,
            rng=check_random_state(copy.deepcopy(self.random_state)),
        )
        if batch.predictions is None and probabilities is not None:
            batch.predictions = probabilities.argmax(axis=2)
        needs = self._competence_inputs if needs is None else needs
        missing = [k for k in needs if getattr(batch, k) is None]
        if missing:
            raise ValueError(
                f"{type(self).__name__}'s competence needs {' and '.join(missing)}; "
                "got None."
            )
        return batch

    def _classify_given(self, batch, DFP_mask, want_proba):
        check_is_fitted(self)
        voting = self._voting(want_proba)
        if batch.probabilities is None and (voting == "soft" or self._needs_proba):
            raise ValueError(
                f"{type(self).__name__} needs the members' probabilities "
                "(probabilities=None)."
            )
        competences = np.asarray(self._competence(batch), dtype=np.float64)
        if getattr(self, "DFP", False):
            mask = self._dfp_mask(batch) if DFP_mask is None else DFP_mask
            competences = competences * np.asarray(mask)
        return self._combine(competences, batch, voting, want_proba)

    def _vote_members(self, members, batch, want_proba):
        """Combine the outputs of the members given by index, as DESlib's
        ``select`` of DES-MI and DES-Clustering returns them: (n_b,
        n_selected), or one row for all rows."""
        voting = self._voting(want_proba)
        if batch.probabilities is None and voting == "soft":
            raise ValueError(
                f"{type(self).__name__} with voting='soft' needs the members' "
                "probabilities (probabilities=None)."
            )
        members = np.atleast_2d(np.asarray(members, dtype=np.intp))
        members = np.broadcast_to(members, (len(batch.predictions), members.shape[1]))
        selected = np.zeros(batch.predictions.shape, dtype=bool)
        np.put_along_axis(selected, members, True, axis=1)
        return self._vote(selected, None, batch, voting, want_proba)

    # ------------------------------------------------- explaining a row

    @available_if(_selects_dynamically)
    def explain(self, X):
        """For each row: the members' competences, which ones decide, and why.

        Runs ``predict``'s own steps and keeps what they compute, so that the
        selected members are exactly those behind :meth:`predict`: the
        weighted vote ``weights`` of the members' ``predictions`` is the
        prediction of every row decided by ``"selection"`` or
        ``"agreement"`` (with ``voting="soft"``, the weighted mean of their
        probabilities).

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)

        Returns
        -------
        report : :class:`~sklearn.utils.Bunch`
            With the fields

            - ``y_pred`` (n_samples,): the prediction, as :meth:`predict`.
            - ``predictions`` (n_samples, n_members): each member's
              predicted label.
            - ``competences`` (n_samples, n_members): each member's
              competence on the row (frienemy-pruned with ``DFP=True``),
              computed for every row, also those not decided by selection.
            - ``selected`` (n_samples, n_members) bool: the members whose
              outputs make the prediction (all members where they agree,
              none where ``with_IH`` lets the neighbours decide).
            - ``weights`` (n_samples, n_members): the weight of each
              member's output in the combination (1 for a selected member
              in ``mode="selection"``, its competence in ``"weighting"`` and
              ``"hybrid"``, 0 for the others).
            - ``decided_by`` (n_samples,) str: ``"agreement"`` (all members
              predict the same class), ``"hardness"`` (``with_IH``: the
              majority class of the ``safe_k`` nearest DSEL rows) or
              ``"selection"``.
            - ``neighbors`` (n_samples, n_neighbors): indices into
              ``DSEL_data_`` of each row's region of competence, None for a
              method without one (e.g. KNOP, whose region lies in the space
              of output profiles, DES-Clustering); ``distances`` likewise.

        Examples
        --------
        >>> from sklearn.datasets import make_classification
        >>> from skextra.ensemble import KNORAE
        >>> X, y = make_classification(n_samples=300, random_state=0)
        >>> clf = KNORAE(random_state=0).fit(X[:200], y[:200])
        >>> report = clf.explain(X[200:205])
        >>> report.selected.shape, report.neighbors.shape
        ((5, 10), (5, 7))
        >>> bool((report.y_pred == clf.predict(X[200:205])).all())
        True
        """
        X_in, X = self._validated_X(X)
        n = X.shape[0]
        report = None
        rng = check_random_state(copy.deepcopy(self.random_state))
        for rows, X_b_in, X_b in row_blocks(X_in, X, self._batches(n)):
            part = self._explain_batch(X_b_in, X_b, rng)
            if report is None:  # the report's arrays, filled block by block
                report = {
                    key: None if v is None else np.empty((n, *v.shape[1:]), v.dtype)
                    for key, v in part.items()
                }
            for key, v in part.items():
                if v is not None:
                    report[key][rows] = v
        report["y_pred"] = self.classes_.take(report["y_pred"])
        report["predictions"] = self.classes_.take(report["predictions"])
        return Bunch(**report)

    def _explain_batch(self, X_in, X, rng):
        voting = self._voting(False)
        preds, probas = self._member_outputs(
            X_in, X, proba=self._needs_proba or voting == "soft"
        )
        n, m = preds.shape
        route = self._route(X, preds, probas, rng)
        others = np.setdiff1d(np.arange(n), route.rest)
        other = _take(Batch(X=X, predictions=preds, probabilities=probas), others)
        if others.size and self._uses_region:
            other.distances, other.neighbors = self._region(other.X)
        out = {
            "y_pred": np.empty(n, dtype=np.intp),
            "predictions": preds,
            "competences": np.empty((n, m)),
            "selected": np.zeros((n, m), dtype=bool),
            "weights": np.zeros((n, m)),
            "decided_by": np.full(n, "agreement", dtype=object),
            "neighbors": None,
            "distances": None,
        }
        out["y_pred"][route.agree] = preds[route.agree, 0]
        out["y_pred"][route.easy] = route.majority
        out["decided_by"][route.easy] = "hardness"
        out["decided_by"][route.rest] = "selection"
        out["selected"][route.agree] = True
        out["weights"][route.agree] = 1.0
        for idx, batch in ((others, other), (route.rest, route.batch)):
            if not idx.size:
                continue
            out["competences"][idx] = self._competences(batch)
            for key in ("neighbors", "distances"):
                values = getattr(batch, key)
                if values is not None:
                    if out[key] is None:
                        out[key] = np.zeros((n, values.shape[1]), values.dtype)
                    out[key][idx] = values
        if route.rest.size:
            competences = out["competences"][route.rest]
            selected, weights = self._weights(competences, route.batch)
            out["selected"][route.rest] = selected
            out["weights"][route.rest] = selected if weights is None else weights
            out["y_pred"][route.rest] = self._vote(
                selected, weights, route.batch, voting, False
            )[0]
        return out

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.allow_nan = False
        tags.input_tags.sparse = False
        return tags


_DES_CONSTRAINTS = {
    **BaseDynamicSelection._parameter_constraints,
    "voting": [StrOptions({"hard", "soft"})],
    "device": DEVICE_CONSTRAINT,
}


class _BaseKNORA(BaseDynamicSelection):
    """Parameters of KNORA-E, KNORA-U, DES-P, KNOP and META-DES (DESlib's)."""

    _parameter_constraints: dict = dict(_DES_CONSTRAINTS)

    def __init__(
        self,
        pool_classifiers=None,
        k=7,
        DFP=False,
        with_IH=False,
        safe_k=None,
        IH_rate=0.3,
        random_state=None,
        knn_classifier="knn",
        knn_metric="minkowski",
        knne=False,
        DSEL_perc=0.5,
        n_jobs=None,
        voting="hard",
        *,
        sampler=None,
        device=None,
    ):
        self.pool_classifiers = pool_classifiers
        self.k = k
        self.DFP = DFP
        self.with_IH = with_IH
        self.safe_k = safe_k
        self.IH_rate = IH_rate
        self.random_state = random_state
        self.knn_classifier = knn_classifier
        self.knn_metric = knn_metric
        self.knne = knne
        self.DSEL_perc = DSEL_perc
        self.n_jobs = n_jobs
        self.voting = voting
        self.sampler = sampler
        self.device = device


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


def _plain(tree, method):
    """Whether the tree's ``predict`` (the label of the largest leaf value)
    or ``predict_proba`` (the leaf's value) is scikit-learn's, not a
    subclass's own."""
    return getattr(type(tree), method) is getattr(DecisionTreeClassifier, method)


def _unsorted(out, shared):
    """Outputs of the rows of :meth:`BaseDynamicSelection._tree_input`, in
    the rows' own order."""
    inverse = shared.get("inverse")
    return out if inverse is None else np.asarray(out)[inverse]


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
    "selection_method_diff": """selection_method : {"best", "all", "random", "diff"}, \
default="diff"
        See :class:`OLA`.""",
    "diff_thresh": """diff_thresh : float, default=0.1
        Threshold of ``selection_method="diff"``.""",
    "dcs_random_state": """random_state : int, RandomState instance or None, \
default=None
        Seeds the split into pool training part and DSEL and the pool fitted
        by the estimator, and the random choice among equally competent
        members (the same draws at every predict call).""",
    "dcs_notes": """``predict`` uses the chosen member's prediction (a majority
    vote of the chosen members with ``selection_method="all"``);
    ``predict_proba`` their mean probabilities, as in DESlib. With
    ``"random"`` and ``"diff"`` the draws come from ``random_state`` afresh
    at each call, so repeated calls agree. See :class:`KNORAE` for the other
    differences with DESlib.""",
    "k_all_dsel": """k : int or None, default=None
        Number of nearest DSEL rows whose source competences are averaged;
        None (DESlib's default) averages over all DSEL rows, computed
        exactly in memory-bounded batches (see Notes). When larger than
        DSEL, all DSEL rows are used.""",
    "safe_k_all_dsel": """safe_k : int, default=None
        Neighbours used for the hardness of ``with_IH``; None means ``k``,
        or 7 when ``k`` is None.""",
    "all_dsel_notes": """With ``k=None`` the competence of a query averages the source
    competences of all DSEL rows with Gaussian potentials. DESlib obtains
    them from a dense ``n_test x n_dsel`` neighbour query (and an
    ``n_test x n_dsel x n_members`` array), which does not fit in memory for
    large DSEL; skextra computes the same sums with two matrix products per
    batch of test rows, exactly (up to floating-point rounding), in memory
    proportional to ``batch x n_dsel``. The batch size follows
    scikit-learn's ``working_memory``.

    With ``k=None`` the distances are Euclidean, or Mahalanobis with
    ``knn_metric="mahalanobis"`` (computed after whitening the features);
    ``knn_classifier`` then only finds the ``safe_k`` neighbours of
    ``with_IH`` and ``knne`` does not apply.

    Differences with DESlib, where DESlib fails: ``with_IH=True`` with
    ``k=None`` raises ``TypeError`` in DESlib; skextra measures the hardness on
    the ``safe_k`` nearest DSEL rows (``safe_k`` defaults to 7 when ``k`` is
    None). ``DFP=True`` with ``k=None`` prunes with the whole DSEL as region
    (as DESlib does, computed once in ``fit``). A ``k`` larger than DSEL
    uses all DSEL rows (DESlib: all but the farthest).""",
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
    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Defined only when ``X`` has string feature names.""",
}


fill_doc = fill_shared_doc(_DOCS)
"""Decorator: the shared texts of :data:`SHARED_DOCS` and of dynamic selection."""
