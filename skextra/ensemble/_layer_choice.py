"""How many layers a stack keeps: the choice on rows held out from the stack.

Later layers learn from out-of-fold outputs that still leak: a row's
out-of-fold output was made by models fitted on the rows a later layer is
scored on out of fold. Their out-of-fold scores are then too good, and the
number of layers cannot be chosen from them ("stacked overfitting", which
AutoGluon detects on a held-out share of the rows). Here the whole stack is
fitted on most rows and each cut of it is scored on the rest.
"""

from numbers import Integral

import numpy as np
from sklearn.metrics import accuracy_score, log_loss, mean_squared_error
from sklearn.model_selection import GroupShuffleSplit, train_test_split


def check_splittable(cv):
    """Raise unless ``cv`` can split any rows (not fixed splits, not prefit)."""
    if not isinstance(cv, str) and (
        cv is None or isinstance(cv, Integral) or hasattr(cv, "split")
    ):
        return
    raise ValueError(
        "select_layers fits the stack again on the rows it does not hold "
        "out, so cv must be None, an int or a splitter; got "
        f"{cv!r}. Use select_layers=False with this cv."
    )


def holdout_split(y, groups, share, random_state, stratify):
    """Indices of the rows the stack is fitted on and of the held-out rows.

    By ``groups`` when given (no group on both sides), stratified by ``y``
    when ``stratify`` (at least one row of each class held out), otherwise
    at random.
    """
    rows = np.arange(len(y))
    if groups is not None:
        splitter = GroupShuffleSplit(1, test_size=share, random_state=random_state)
        return next(splitter.split(rows, y, groups))
    n_held = int(np.ceil(share * len(y)))
    if stratify:
        _, counts = np.unique(y, return_counts=True)
        if counts.min() < 2:
            raise ValueError(
                "select_layers holds out a share of every class, but the "
                "least populated class of y has only 1 sample. Use "
                "select_layers=False."
            )
        n_held = max(n_held, len(counts))
    if n_held >= len(y):
        raise ValueError(
            f"select_layers holds out {n_held} of n_samples={len(y)} rows, "
            "leaving none to fit the stack on. Use select_layers=False."
        )
    return train_test_split(
        rows,
        test_size=n_held,
        stratify=y if stratify else None,
        random_state=random_state,
    )


def held_out_score(stack, X, y, sample_weight, classes):
    """The fitted ``stack``'s score on held-out rows; greater is better.

    ``-log_loss`` for a classifier with ``predict_proba`` and one output,
    accuracy for other classifiers, ``-mean_squared_error`` for regressors
    (as ``select_final`` scores its candidates).
    """
    if classes is None:
        return -mean_squared_error(y, stack.predict(X), sample_weight=sample_weight)
    if np.ndim(y) == 1 and hasattr(stack, "predict_proba"):
        proba = stack.predict_proba(X)
        return -log_loss(y, proba, sample_weight=sample_weight, labels=classes)
    return accuracy_score(y, stack.predict(X), sample_weight=sample_weight)
