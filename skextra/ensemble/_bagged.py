"""A member bagged over its fold models: the k fold fits predict, averaged.

With ``refit=False`` a stack keeps the models fitted on the training folds
instead of refitting each member on all the rows (AutoGluon's bagging): the
out-of-fold predictions and the predictions for new rows then come from the
same models, and the refit is saved.
"""

import numpy as np

from ..utils import to_host
from ..utils._oof import _align_to_classes


class _FoldAverage:
    """Predicts with the mean of its fold models' outputs.

    Parameters
    ----------
    estimators : list of fitted estimators
        The fold models (of every repeat).
    n_classes : int or None
        Number of classes of the stack's (encoded) target; ``None`` for a
        regressor. Each fold model's columns are aligned to them.
    """

    def __init__(self, estimators, n_classes):
        self.estimators_ = list(estimators)
        self.n_classes = n_classes
        if n_classes is not None:
            self.classes_ = np.arange(n_classes)

    def _mean(self, method, X):
        total = None
        for est in self.estimators_:
            pred = np.asarray(to_host(getattr(est, method)(X)), dtype=float)
            if self.n_classes is not None:
                classes = getattr(est, "classes_", None)
                pred = _align_to_classes(pred, method, classes, self.n_classes)
            total = pred if total is None else total + pred
        return total / len(self.estimators_)

    def predict_proba(self, X):
        return self._mean("predict_proba", X)

    def decision_function(self, X):
        return self._mean("decision_function", X)

    def predict(self, X):
        if self.n_classes is None:
            return self._mean("predict", X)
        # The fold models vote; ties go to the lowest class.
        labels = [
            np.asarray(to_host(est.predict(X))).astype(int) for est in self.estimators_
        ]
        votes = np.zeros((labels[0].shape[0], self.n_classes))
        rows = np.arange(labels[0].shape[0])
        for fold_labels in labels:
            votes[rows, fold_labels] += 1
        return np.argmax(votes, axis=1)
