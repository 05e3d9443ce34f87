"""Stacked classifier: a meta-classifier over the pool's probabilities on DSEL."""

import warnings

import numpy as np
from sklearn.base import clone
from sklearn.dummy import DummyClassifier
from sklearn.linear_model import LogisticRegression
from sklearn.utils._param_validation import HasMethods
from sklearn.utils.metaestimators import available_if

from ...utils._validation import DEVICE_CONSTRAINT
from ._base import BaseDynamicSelection, fill_doc

__all__ = ["StackedClassifier"]

_CONSTRAINTS = BaseDynamicSelection._parameter_constraints


@fill_doc
class StackedClassifier(BaseDynamicSelection):
    """Stacking of a pool: a meta-classifier learns from the members' outputs.

    The meta-classifier is trained on the members' probabilities on the
    selection set DSEL (with the features beside them when
    ``passthrough=True``), and predicts from the members' probabilities on
    new rows (Wolpert 1992). Same parameters as DESlib's
    ``deslib.static.StackedClassifier``, plus ``DSEL_perc`` and ``device``.

    Parameters
    ----------
    {{pool_classifiers}}
    meta_classifier : classifier or None, default=None
        The meta-classifier, cloned and fitted on DSEL. None is a
        ``LogisticRegression(max_iter=1000)``, as in DESlib.
    passthrough : bool, default=False
        Give the meta-classifier the features of the rows beside the
        members' probabilities.
    {{random_state}}
    {{DSEL_perc}}
    {{n_jobs}}
    {{device}}

    Attributes
    ----------
    meta_classifier_ : classifier
        The fitted meta-classifier; its classes are class indices into
        ``classes_``.
    dsel_scores_ : ndarray of shape (n_dsel, n_members, n_classes)
        The members' probabilities on DSEL.
    pool_classifiers_ : list or ensemble
        The pool that is used (fitted).
    members_ : list of classifiers
        The pool's classifiers.
    n_classifiers_ : int
    classes_ : ndarray of shape (n_classes,)
    n_classes_ : int
    DSEL_data_ : ndarray of shape (n_dsel, n_features)
    DSEL_target_ : ndarray of shape (n_dsel,)
        DSEL labels as indices into ``classes_``.
    n_features_in_ : int
    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Defined only when ``X`` has string feature names.

    See Also
    --------
    skextra.ensemble.StackingClassifier : stacking with out-of-fold
        predictions of members fitted by cross-validation.

    Notes
    -----
    The meta-classifier's input is, for each member, its probabilities of
    every class in the order of ``classes_`` (with two classes, only the
    probability of the first class, the other being its complement), as in
    DESlib. Differences with DESlib: a pool fitted by the estimator is fitted
    on a ``1 - DSEL_perc`` part of ``X`` and the meta-classifier on the rest,
    so that it learns from outputs on rows the members have not seen (DESlib
    fits both on all of ``X``); a fitted pool is used as is, with all of
    ``X`` as DSEL, as in DESlib. The given ``meta_classifier`` is cloned, not
    fitted in place. A ``y`` of a single class is refused (``ValueError``),
    as in DESlib; when only the DSEL part of a larger ``y`` holds a single
    class, the meta-classifier is a constant prediction of it (with a
    warning).

    References
    ----------
    D. H. Wolpert, "Stacked generalization", Neural Networks 5 (1992).

    Examples
    --------
    >>> from sklearn.datasets import make_classification
    >>> from skextra.ensemble import StackedClassifier
    >>> X, y = make_classification(n_samples=300, random_state=0)
    >>> clf = StackedClassifier(random_state=0).fit(X[:200], y[:200])
    >>> clf.predict_proba(X[200:203]).shape
    (3, 2)
    >>> round(clf.score(X[200:], y[200:]), 2) > 0.8
    True
    """

    _uses_region = False
    _selects = False
    _needs_dsel_proba = True
    _needs_dsel_predictions = False

    _parameter_constraints: dict = {
        "pool_classifiers": _CONSTRAINTS["pool_classifiers"],
        "meta_classifier": [None, HasMethods(["fit", "predict"])],
        "passthrough": ["boolean"],
        "random_state": ["random_state"],
        "DSEL_perc": _CONSTRAINTS["DSEL_perc"],
        "n_jobs": _CONSTRAINTS["n_jobs"],
        "device": DEVICE_CONSTRAINT,
    }

    def __init__(
        self,
        pool_classifiers=None,
        meta_classifier=None,
        passthrough=False,
        random_state=None,
        n_jobs=None,
        *,
        DSEL_perc=0.5,
        device=None,
    ):
        self.pool_classifiers = pool_classifiers
        self.meta_classifier = meta_classifier
        self.passthrough = passthrough
        self.random_state = random_state
        self.DSEL_perc = DSEL_perc
        self.n_jobs = n_jobs
        self.device = device

    def _setup_pool(self, X_in, y, rng, device):
        if np.unique(y).size < 2:
            raise ValueError(
                "y holds one class; the meta-classifier needs at least two."
            )
        return super()._setup_pool(X_in, y, rng, device)

    def _fit_selection(self):
        if np.unique(self.DSEL_target_).size < 2:
            warnings.warn(
                "DSEL holds a single class; the meta-classifier is replaced by "
                "a constant prediction of it.",
                UserWarning,
            )
            meta = DummyClassifier(strategy="prior")
        elif self.meta_classifier is None:
            meta = LogisticRegression(max_iter=1000)
        else:
            meta = clone(self.meta_classifier)
        features = self._meta_input(self.dsel_scores_, self.DSEL_data_)
        self.meta_classifier_ = meta.fit(features, self.DSEL_target_)

    def _meta_input(self, scores, X):
        """The meta-classifier's input rows: members' probabilities (and X)."""
        flat = scores.reshape(scores.shape[0], -1)
        if self.n_classes_ == 2:
            flat = flat[:, ::2]
        return np.hstack((flat, X)) if self.passthrough else flat

    def _meta_output(self, method, X):
        """The meta-classifier's ``method`` on ``X``, block by block of rows
        (the members' probabilities of a block are its input)."""
        X_in, X = self._validated_X(X)
        self._check_members_proba()
        row_bytes = self._member_row_bytes(self.n_classifiers_, 2 * X.shape[1])

        def block(X_b_in, X_b, rows):
            _, scores = self._member_outputs(X_b_in, X_b, proba=True)
            return getattr(self.meta_classifier_, method)(self._meta_input(scores, X_b))

        return self._map_rows(X_in, X, block, row_bytes)

    def predict(self, X):
        """Predict the class of each row of ``X`` with the meta-classifier.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)

        Returns
        -------
        y : ndarray of shape (n_samples,)
        """
        labels = self._meta_output("predict", X)
        return self.classes_.take(np.asarray(labels, dtype=np.intp))

    def _meta_has_proba(self):
        meta = getattr(self, "meta_classifier_", self.meta_classifier)
        return meta is None or hasattr(meta, "predict_proba")

    @available_if(_meta_has_proba)
    def predict_proba(self, X):
        """The meta-classifier's class probabilities of each row of ``X``.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)

        Returns
        -------
        proba : ndarray of shape (n_samples, n_classes)
            Columns follow ``classes_`` (zero for a class absent from DSEL).
        """
        proba = self._meta_output("predict_proba", X)
        out = np.zeros((proba.shape[0], self.n_classes_))
        out[:, np.asarray(self.meta_classifier_.classes_, dtype=np.intp)] = proba
        return out
