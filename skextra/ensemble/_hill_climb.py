"""Greedy forward selection with replacement (Caruana et al., 2004).

The hill climbing (:func:`hill_climb`) over members' outputs and the
vectorised scores of the common metrics, written against the array-API
namespace, so they run on NumPy, CuPy and PyTorch arrays alike. Ensemble
selection and the weighted final estimators of stacking both use them.
"""

import math

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin, RegressorMixin
from sklearn.metrics import get_scorer

from ..utils._array_api import device, get_namespace, move_to, to_numpy

# Chunks of candidate ensembles are scored together; a chunk holds at most
# this many numbers, so memory stays bounded for large libraries and data.
_CHUNK_ELEMENTS = 2**25


# --------------------------------------------------------------------------
# Scores of candidate ensembles, vectorised over the candidates
# --------------------------------------------------------------------------


def _mean(values, sample_weight, xp):
    """Mean over the last axis, weighted by ``sample_weight`` if given."""
    if sample_weight is None:
        return xp.mean(values, axis=-1)
    return xp.sum(values * sample_weight, axis=-1) / xp.sum(sample_weight)


def _proba_of_true_class(proba, y, xp):
    if proba.shape[-1] == 2:
        # As scikit-learn's scorers: the positive column p, the other 1 - p.
        positive = proba[..., 1]
        return xp.where(y == 1, positive, 1 - positive)
    where = device(proba)
    classes = xp.arange(proba.shape[-1], dtype=y.dtype, device=where)
    onehot = y[:, None] == classes
    return xp.sum(xp.where(onehot, proba, xp.zeros_like(proba)), axis=-1)


def _neg_log_loss(proba, y, sample_weight, xp):
    eps = xp.finfo(proba.dtype).eps
    p = xp.clip(_proba_of_true_class(proba, y, xp), eps, 1 - eps)
    return -_mean(-xp.log(p), sample_weight, xp)


def _accuracy(proba, y, sample_weight, xp):
    hits = xp.astype(xp.argmax(proba, axis=-1) == y, proba.dtype)
    return _mean(hits, sample_weight, xp)


def _neg_mse(pred, y, sample_weight, xp):
    return -_mean((pred - y) ** 2, sample_weight, xp)


def _neg_rmse(pred, y, sample_weight, xp):
    return -xp.sqrt(_mean((pred - y) ** 2, sample_weight, xp))


def _neg_mae(pred, y, sample_weight, xp):
    return -_mean(xp.abs(pred - y), sample_weight, xp)


def _r2(pred, y, sample_weight, xp):
    y_mean = _mean(y, sample_weight, xp)
    residual = _mean((pred - y) ** 2, sample_weight, xp)
    total = _mean((y - y_mean) ** 2, sample_weight, xp)
    if float(total) == 0.0:
        # scikit-learn's convention for a constant target.
        return xp.where(residual == 0, xp.ones_like(residual), xp.zeros_like(residual))
    return 1 - residual / total


_VECTORISED_SCORES = {
    "classifier": {"neg_log_loss": _neg_log_loss, "accuracy": _accuracy},
    "regressor": {
        "neg_mean_squared_error": _neg_mse,
        "neg_root_mean_squared_error": _neg_rmse,
        "neg_mean_absolute_error": _neg_mae,
        "r2": _r2,
    },
}


class _FixedPredictions:
    """Stands in for a fitted estimator whose outputs are already known.

    Lets any scikit-learn scorer score a candidate ensemble: the scorer calls
    ``predict``/``predict_proba`` and gets the ensemble's output.
    """

    def __init__(self, output, classes, tags):
        self.output = output
        self.classes_ = classes
        self._tags = tags

    def __sklearn_tags__(self):
        return self._tags

    def predict(self, X):
        if self.classes_ is None:
            return self.output
        return self.classes_[np.argmax(self.output, axis=1)]

    def predict_proba(self, X):
        return self.output


class _AnyClassifier(ClassifierMixin, BaseEstimator):
    pass


class _AnyRegressor(RegressorMixin, BaseEstimator):
    pass


def make_ensemble_scorer(scoring, y, *, classes=None, sample_weight=None, xp=None):
    """Turn a scorer into a function that scores many candidate ensembles at once.

    Parameters
    ----------
    scoring : str or callable
        A scikit-learn scorer name or a callable ``scorer(estimator, X, y)``.
        ``"neg_log_loss"`` and ``"accuracy"`` (classifiers),
        ``"r2"``, ``"neg_mean_squared_error"``,
        ``"neg_root_mean_squared_error"`` and ``"neg_mean_absolute_error"``
        (regressors) are computed in the array namespace of the candidates,
        all at once; any other scorer runs candidate by candidate on NumPy
        copies.
    y : array of shape (n_samples,)
        For classifiers, class indices ``0..n_classes-1``. In the namespace
        and on the device of the candidates (NumPy for NumPy candidates).
    classes : ndarray of shape (n_classes,), default=None
        The class labels (classifiers), used by general scorers; ``None``
        for a regressor.
    sample_weight : array of shape (n_samples,), default=None
        Weights of the rows in the score.
    xp : module, default=None
        Namespace of the candidates; defaults to that of ``y``.

    Returns
    -------
    score : callable
        ``score(candidates) -> scores``: ``candidates`` has shape
        ``(n_candidates, n_samples[, n_classes])``, ``scores`` shape
        ``(n_candidates,)`` (greater is better), in ``xp``.

    Examples
    --------
    >>> import numpy as np
    >>> from skextra.ensemble._hill_climb import make_ensemble_scorer
    >>> score = make_ensemble_scorer("accuracy", np.array([0, 1, 1]),
    ...                              classes=np.array([0, 1]))
    >>> candidates = np.array([[[0.9, 0.1], [0.2, 0.8], [0.6, 0.4]],
    ...                        [[0.6, 0.4], [0.4, 0.6], [0.3, 0.7]]])
    >>> score(candidates)
    array([0.66666667, 1.        ])
    """
    xp = get_namespace(y, xp=xp)
    kind = "regressor" if classes is None else "classifier"
    fast = _VECTORISED_SCORES[kind].get(scoring) if isinstance(scoring, str) else None
    if fast is not None:
        y_xp = y
        w_xp = None
        if sample_weight is not None:
            w_xp = move_to(sample_weight, xp=xp, device=device(y_xp))

        def score(candidates):
            w = None if w_xp is None else xp.astype(w_xp, candidates.dtype)
            target = y_xp if classes is not None else xp.astype(y_xp, candidates.dtype)
            return fast(candidates, target, w, xp)

        return score

    scorer = get_scorer(scoring) if isinstance(scoring, str) else scoring
    y_np = to_numpy(y)
    labels = y_np if classes is None else np.asarray(classes)[y_np.astype(int)]
    w_np = None if sample_weight is None else to_numpy(sample_weight)
    tags = (_AnyRegressor() if classes is None else _AnyClassifier()).__sklearn_tags__()
    dummy_X = np.zeros((len(y_np), 1))

    def score(candidates):
        xp_c = get_namespace(candidates)
        values = []
        for k in range(candidates.shape[0]):
            output = to_numpy(candidates[k, ...])
            kwargs = {} if w_np is None else {"sample_weight": w_np}
            fixed = _FixedPredictions(output, classes, tags)
            values.append(float(scorer(fixed, dummy_X, labels, **kwargs)))
        return move_to(np.asarray(values), xp=xp_c, device=device(candidates))

    return score


# --------------------------------------------------------------------------
# Hill climbing (array-API generic)
# --------------------------------------------------------------------------


def _score_candidates(base, count, predictions, score, xp):
    """Score ``(base + predictions[k]) / (count + 1)`` for every member k."""
    n_members = predictions.shape[0]
    per_member = math.prod(predictions.shape[1:])
    step = max(1, _CHUNK_ELEMENTS // max(per_member, 1))
    parts = []
    for start in range(0, n_members, step):
        block = predictions[start : min(start + step, n_members), ...]
        parts.append(score((base[None, ...] + block) / (count + 1)))
    scores = xp.concat(parts) if len(parts) > 1 else parts[0]
    return xp.where(xp.isnan(scores), xp.full_like(scores, -xp.inf), scores)


def hill_climb(predictions, score, *, ensemble_size, n_init=1, use_best_round=True):
    """Greedy forward selection with replacement (Caruana et al., 2004).

    Parameters
    ----------
    predictions : array of shape (n_members, n_samples, ...)
        The members' (out-of-fold) outputs, in any array-API namespace.
    score : callable
        ``score(candidates) -> scores`` for a batch of candidate ensemble
        outputs of shape ``(n_candidates, n_samples, ...)``; greater is
        better (see :func:`make_ensemble_scorer`).
    ensemble_size : int
        Number of picks (rounds), initial ones included.
    n_init : int or "auto", default=1
        Sorted initialisation: the first picks are the ``n_init`` best
        members by their own score, each once (capped at the number of
        members). ``"auto"`` takes the number of best members whose average
        scores best. 1 is plain greedy selection.
    use_best_round : bool, default=True
        Keep the ensemble after the round with the best score (the first
        such round on ties), as in step 4 of Caruana et al.; otherwise keep
        the ensemble after the last round.

    Returns
    -------
    counts : ndarray of int of shape (n_members,)
        How many times each member was picked in the kept ensemble.
    scores : ndarray of shape (ensemble_size,)
        The score after each round.

    Notes
    -----
    Ties between candidates go to the lowest member index (the first
    ``argmax``), so the result is deterministic.

    Examples
    --------
    >>> import numpy as np
    >>> from skextra.ensemble._hill_climb import hill_climb, make_ensemble_scorer
    >>> y = np.array([1.0, 2.0, 3.0])
    >>> predictions = np.array([[1.5, 2.5, 3.5], [0.5, 1.5, 2.5], [3.0, 3.0, 3.0]])
    >>> score = make_ensemble_scorer("r2", y)
    >>> counts, scores = hill_climb(predictions, score, ensemble_size=4)
    >>> scores
    array([0.625     , 1.        , 0.95833333, 1.        ])
    >>> counts  # the ensemble after round 2, the first with the best score
    array([1, 1, 0])
    """
    xp = get_namespace(predictions)
    n_members = predictions.shape[0]
    empty = xp.zeros_like(predictions[0, ...])
    alone = to_numpy(_score_candidates(empty, 0, predictions, score, xp))
    order = np.argsort(-alone, kind="stable")
    if n_init == "auto":
        prefix_scores = []
        total = xp.zeros_like(predictions[0, ...])
        for r in range(min(n_members, ensemble_size)):
            total = total + predictions[int(order[r]), ...]
            prefix_scores.append(
                float(to_numpy(score((total / (r + 1))[None, ...]))[0])
            )
        n_init = int(np.argmax(prefix_scores)) + 1
    n_init = min(n_init, n_members)

    picks, scores = [], []
    total = xp.zeros_like(predictions[0, ...])
    for r in range(ensemble_size):
        if r < n_init:
            best = int(order[r])
            if r == 0:
                value = float(alone[best])
            else:
                candidate = (total + predictions[best, ...]) / (r + 1)
                value = float(to_numpy(score(candidate[None, ...]))[0])
        else:
            candidate_scores = _score_candidates(total, r, predictions, score, xp)
            best = int(to_numpy(xp.argmax(candidate_scores)))
            value = float(to_numpy(candidate_scores)[best])
        total = total + predictions[best, ...]
        picks.append(best)
        scores.append(value)
    scores = np.asarray(scores, dtype=float)
    kept = int(np.argmax(scores)) + 1 if use_best_round else ensemble_size
    counts = np.bincount(np.asarray(picks[:kept], dtype=int), minlength=n_members)
    return counts, scores
