"""Static baselines of dynamic selection: single best, static selection, oracle."""

from numbers import Integral, Real

import numpy as np
from sklearn.base import ClassifierMixin
from sklearn.metrics import check_scoring
from sklearn.utils import _safe_indexing
from sklearn.utils._param_validation import Interval
from sklearn.utils.metaestimators import available_if
from sklearn.utils.validation import check_is_fitted

from ...utils._validation import DEVICE_CONSTRAINT
from ._base import BaseDynamicSelection, fill_doc

_STATIC_CONSTRAINTS = {
    "pool_classifiers": BaseDynamicSelection._parameter_constraints["pool_classifiers"],
    "random_state": ["random_state"],
    "n_jobs": [Integral, None],
    "device": DEVICE_CONSTRAINT,
}


def _scores_accuracy(member):
    """Whether the member is scored by accuracy: its ``score`` is
    scikit-learn's classifier accuracy, or it has no ``score``."""
    own = getattr(member, "score", None)
    return (
        not callable(own)
        or getattr(type(member), "score", None) is ClassifierMixin.score
    )


class _BaseStatic(BaseDynamicSelection):
    """A pool used the same way for every row; the pool is fitted on all X."""

    _uses_region = False
    _dsel_split = False
    _selects = False
    _parameter_constraints: dict = dict(_STATIC_CONSTRAINTS)

    @property
    def _needs_dsel_predictions(self):
        # Accuracy is read from DSEL_processed_; a scoring scores the members.
        return getattr(self, "scoring", None) is None

    def _member_scores(self, scoring):
        """Each member's score on the fit data: ``scoring``, or with None
        the member's own ``score`` (as DESlib) and accuracy for a member
        without one. Accuracy, the ``score`` of scikit-learn's classifiers,
        is read from ``DSEL_processed_``."""
        accuracy = self.DSEL_processed_.mean(axis=0) if scoring is None else None
        X_in, X = self._dsel_input, self.DSEL_data_
        scores = np.empty(self.n_classifiers_)
        for i, member in enumerate(self.members_):
            if scoring is None and _scores_accuracy(member):
                scores[i] = accuracy[i]
                continue
            scorer = check_scoring(member, scoring)
            scores[i] = scorer(
                member, self._member_inputs(i, X_in, X), self._member_labels(i)
            )
        return scores

    def _majority_vote(self, X_in, X, members):
        """Class indices of the plurality vote of ``members``, block by block."""
        c = self.n_classes_

        def block(X_b_in, X_b, rows):
            preds, _ = self._member_outputs(X_b_in, X_b, False, members)
            return (preds[:, :, None] == np.arange(c)).sum(axis=1).argmax(axis=1)

        row_bytes = self._member_row_bytes(len(members), X.shape[1])
        return self._map_rows(X_in, X, block, row_bytes)

    def _mean_proba(self, X_in, X, members):
        """The mean probabilities of ``members``, block by block."""

        def block(X_b_in, X_b, rows):
            return self._member_outputs(X_b_in, X_b, True, members)[1].mean(axis=1)

        row_bytes = self._member_row_bytes(len(members), X.shape[1])
        return self._map_rows(X_in, X, block, row_bytes)

    def _member_labels(self, i):
        """DSEL labels written in member ``i``'s own labels."""
        member_classes = self._own_classes(self.members_[i])
        lookup = np.full(self.n_classes_, -1, dtype=np.intp)
        lookup[self._member_index_[i]] = np.arange(member_classes.size)
        pos = lookup[self.DSEL_target_]
        if (pos < 0).any():
            raise ValueError(
                f"pool member {i} ({type(self.members_[i]).__name__}) does not "
                "know every class of y, so it cannot be scored with scoring="
                f"{self.scoring!r}."
            )
        return member_classes[pos]


@fill_doc
class SingleBest(_BaseStatic):
    """The single best member of the pool.

    Every member is scored on the fit data and the best one (the first on
    ties) makes all predictions. Same parameters and predictions as DESlib's
    ``SingleBest``.

    Parameters
    ----------
    pool_classifiers : list of classifiers, ensemble or None, default=None
        As in :class:`KNORAE`, but a pool fitted by the estimator is fitted
        on all of ``X`` (no DSEL is kept apart), as in DESlib.
    scoring : str, callable or None, default=None
        How members are scored (scikit-learn's scoring); None: each member's
        own ``score`` (accuracy for scikit-learn's classifiers), as in DESlib.
    {{random_state}}
    {{n_jobs}}
    {{device}}

    Attributes
    ----------
    best_clf_index_ : int
        Index of the best member.
    best_clf_ : classifier
        The best member.
    performances_ : ndarray of shape (n_members,)
        Each member's score.
    pool_classifiers_ : list or ensemble
    members_ : list of classifiers
    n_classifiers_ : int
    classes_ : ndarray of shape (n_classes,)
    n_features_in_ : int
    feature_names_in_ : ndarray of shape (`n_features_in_`,)

    Examples
    --------
    >>> from sklearn.datasets import make_classification
    >>> from skextra.ensemble import SingleBest
    >>> X, y = make_classification(n_samples=200, random_state=0)
    >>> clf = SingleBest(random_state=0).fit(X, y)
    >>> int(clf.best_clf_index_) in range(clf.n_classifiers_)
    True
    """

    _parameter_constraints: dict = {
        **_STATIC_CONSTRAINTS,
        "scoring": [None, str, callable],
    }

    def __init__(
        self,
        pool_classifiers=None,
        scoring=None,
        random_state=None,
        n_jobs=None,
        *,
        device=None,
    ):
        self.pool_classifiers = pool_classifiers
        self.scoring = scoring
        self.random_state = random_state
        self.n_jobs = n_jobs
        self.device = device

    def _fit_selection(self):
        self.performances_ = self._member_scores(self.scoring)
        self.best_clf_index_ = int(np.argmax(self.performances_))
        self.best_clf_ = self.members_[self.best_clf_index_]

    def predict(self, X):
        """Predict with the best member.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)

        Returns
        -------
        y : ndarray of shape (n_samples,)
        """
        X_in, X = self._validated_X(X)
        return self.classes_.take(self._majority_vote(X_in, X, [self.best_clf_index_]))

    def _best_has_proba(self):
        if hasattr(self, "best_clf_"):
            return hasattr(self.best_clf_, "predict_proba")
        return self._members_have_proba()

    @available_if(_best_has_proba)
    def predict_proba(self, X):
        """Probabilities of the best member (columns follow ``classes_``).

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)

        Returns
        -------
        proba : ndarray of shape (n_samples, n_classes)
        """
        X_in, X = self._validated_X(X)
        return self._mean_proba(X_in, X, [self.best_clf_index_])


@fill_doc
class StaticSelection(_BaseStatic):
    """A fixed ensemble of the best members of the pool.

    The ``pct_classifiers`` fraction of members with the best scores on the
    fit data make a majority vote (mean probabilities). Same parameters and
    predictions as DESlib's ``StaticSelection``.

    Parameters
    ----------
    pool_classifiers : list of classifiers, ensemble or None, default=None
        As in :class:`SingleBest`.
    pct_classifiers : float, default=0.5
        Fraction of the pool kept (at least one member).
    scoring : str, callable or None, default=None
        How members are scored; None: each member's own ``score``, as in
        :class:`SingleBest`.
    {{random_state}}
    {{n_jobs}}
    {{device}}

    Attributes
    ----------
    clf_indices_ : ndarray of int
        Indices of the kept members, best first.
    ensemble_ : list of classifiers
        The kept members.
    n_classifiers_ensemble_ : int
    performances_ : ndarray of shape (n_members,)
    pool_classifiers_ : list or ensemble
    members_ : list of classifiers
    n_classifiers_ : int
    classes_ : ndarray of shape (n_classes,)
    n_features_in_ : int
    feature_names_in_ : ndarray of shape (`n_features_in_`,)

    Notes
    -----
    Members with equal scores are ranked as in DESlib with a stable sort:
    the one of higher index first. Ties of the vote go to the first class.
    Where ``pct_classifiers`` would keep no member, DESlib fails; skextra
    keeps the best one.

    Examples
    --------
    >>> from sklearn.datasets import make_classification
    >>> from skextra.ensemble import StaticSelection
    >>> X, y = make_classification(n_samples=200, random_state=0)
    >>> clf = StaticSelection(random_state=0).fit(X, y)
    >>> clf.n_classifiers_ensemble_
    5
    """

    _parameter_constraints: dict = {
        **_STATIC_CONSTRAINTS,
        "pct_classifiers": [Interval(Real, 0, 1, closed="both")],
        "scoring": [None, str, callable],
    }

    def __init__(
        self,
        pool_classifiers=None,
        pct_classifiers=0.5,
        scoring=None,
        random_state=None,
        n_jobs=None,
        *,
        device=None,
    ):
        self.pool_classifiers = pool_classifiers
        self.pct_classifiers = pct_classifiers
        self.scoring = scoring
        self.random_state = random_state
        self.n_jobs = n_jobs
        self.device = device

    def _fit_selection(self):
        self.performances_ = self._member_scores(self.scoring)
        self.n_classifiers_ensemble_ = max(
            1, int(self.n_classifiers_ * self.pct_classifiers)
        )
        order = np.argsort(self.performances_, kind="stable")[::-1]
        self.clf_indices_ = order[: self.n_classifiers_ensemble_]
        self.ensemble_ = [self.members_[i] for i in self.clf_indices_]

    def predict(self, X):
        """Majority vote of the kept members.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)

        Returns
        -------
        y : ndarray of shape (n_samples,)
        """
        X_in, X = self._validated_X(X)
        return self.classes_.take(self._majority_vote(X_in, X, self.clf_indices_))

    def _kept_have_proba(self):
        if hasattr(self, "ensemble_"):
            return all(hasattr(m, "predict_proba") for m in self.ensemble_)
        return self._members_have_proba()

    @available_if(_kept_have_proba)
    def predict_proba(self, X):
        """Mean probabilities of the kept members.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)

        Returns
        -------
        proba : ndarray of shape (n_samples, n_classes)
        """
        X_in, X = self._validated_X(X)
        return self._mean_proba(X_in, X, self.clf_indices_)


@fill_doc
class Oracle(_BaseStatic):
    """The oracle: the upper bound of any selection from the pool.

    Given the true labels, a row is predicted right whenever at least one
    member is right. Same parameters and predictions as DESlib's ``Oracle``;
    ``score(X, y)`` is the oracle accuracy.

    Parameters
    ----------
    pool_classifiers : list of classifiers, ensemble or None, default=None
        As in :class:`SingleBest`.
    {{random_state}}
    {{n_jobs}}
    {{device}}

    Attributes
    ----------
    pool_classifiers_ : list or ensemble
    members_ : list of classifiers
    n_classifiers_ : int
    classes_ : ndarray of shape (n_classes,)
    n_features_in_ : int
    feature_names_in_ : ndarray of shape (`n_features_in_`,)

    Notes
    -----
    ``predict(X, y)`` returns the prediction of the first member that is
    right on each row (of the first member where none is), asking each
    member only about the rows the members before it got wrong;
    ``predict_proba(X, y)`` the probabilities of the member most confident
    in the true class. Without ``y`` (as in a pipeline) the oracle cannot
    look at the labels: ``predict(X)`` is then the majority vote of the pool
    and ``predict_proba(X)`` its mean probabilities. ``fit`` asks the pool
    nothing: the oracle does not use the fit data beyond its labels.
    DESlib's ``Oracle`` fails on string labels; skextra's does not.

    Examples
    --------
    >>> from sklearn.datasets import make_classification
    >>> from skextra.ensemble import Oracle
    >>> X, y = make_classification(n_samples=200, random_state=0)
    >>> oracle = Oracle(random_state=0).fit(X[:100], y[:100])
    >>> oracle.score(X[100:], y[100:]) >= 0.9
    True
    """

    # The oracle reads the true labels at predict time, never DSEL.
    _needs_dsel_predictions = False

    def __init__(
        self,
        pool_classifiers=None,
        random_state=None,
        n_jobs=None,
        *,
        device=None,
    ):
        self.pool_classifiers = pool_classifiers
        self.random_state = random_state
        self.n_jobs = n_jobs
        self.device = device

    def _true_columns(self, y, n):
        y = np.asarray(y)
        if y.shape[0] != n:
            raise ValueError(f"y has {y.shape[0]} labels but X has {n} rows.")
        cols = np.clip(np.searchsorted(self.classes_, y), 0, self.n_classes_ - 1)
        if not np.array_equal(self.classes_[cols], y):
            unseen = np.setdiff1d(y, self.classes_)
            raise ValueError(f"y contains labels unseen in fit: {unseen[:5].tolist()}.")
        return cols

    def predict(self, X, y=None):
        """Oracle predictions (with ``y``) or the pool's majority vote.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
        y : array-like of shape (n_samples,), default=None
            The true labels.

        Returns
        -------
        y_pred : ndarray of shape (n_samples,)
        """
        X_in, X = self._validated_X(X)
        if y is None:
            members = range(self.n_classifiers_)
            return self.classes_.take(self._majority_vote(X_in, X, members))
        truth = self._true_columns(y, X.shape[0])
        labels = self._map_rows(
            X_in,
            X,
            lambda X_b_in, X_b, rows: self._oracle_labels(X_b_in, X_b, truth[rows]),
            self._member_row_bytes(1, X.shape[1]),
        )
        return self.classes_.take(labels)

    def _oracle_labels(self, X_in, X, truth):
        """Each member predicts only the rows all members before it got wrong;
        rows no member gets right keep the first member's prediction."""
        labels = self._member_outputs(X_in, X, False, [0])[0][:, 0]
        pending = np.flatnonzero(labels != truth)
        for i in range(1, self.n_classifiers_):
            if pending.size == 0:
                break
            X_rows = X[pending]
            X_rows_in = X_rows if X_in is X else _safe_indexing(X_in, pending)
            pred = self._member_outputs(X_rows_in, X_rows, False, [i])[0][:, 0]
            right = pred == truth[pending]
            labels[pending[right]] = pred[right]
            pending = pending[~right]
        return labels

    @available_if(BaseDynamicSelection._members_have_proba)
    def predict_proba(self, X, y=None):
        """Probabilities of the member most confident in the true class.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
        y : array-like of shape (n_samples,), default=None
            The true labels; without them, the pool's mean probabilities.

        Returns
        -------
        proba : ndarray of shape (n_samples, n_classes)
        """
        X_in, X = self._validated_X(X)
        if y is None:
            return self._mean_proba(X_in, X, range(self.n_classifiers_))
        truth = self._true_columns(y, X.shape[0])

        def block(X_b_in, X_b, rows):
            _, probas = self._member_outputs(X_b_in, X_b, True)
            n = np.arange(X_b.shape[0])
            return probas[n, probas[n, :, truth[rows]].argmax(axis=1)]

        row_bytes = self._member_row_bytes(self.n_classifiers_, X.shape[1])
        return self._map_rows(X_in, X, block, row_bytes)

    def score(self, X, y, sample_weight=None):
        """Oracle accuracy: the fraction of rows some member gets right.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
        y : array-like of shape (n_samples,)
        sample_weight : array-like of shape (n_samples,), default=None

        Returns
        -------
        score : float
        """
        from sklearn.metrics import accuracy_score

        check_is_fitted(self)
        return accuracy_score(y, self.predict(X, y), sample_weight=sample_weight)
