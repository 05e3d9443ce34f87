"""Out-of-fold prediction of many members at once.

This is the one implementation of "fit each member on each training fold,
predict its held-out fold, and fit it once more on all the data" in skextra.
Stacking, blending, ensemble selection and the command line all call
:func:`fit_members_oof`; the member x fold (+ full refit) jobs go through
:func:`~skextra.utils.run_longest_first` as one flat list.
"""

import inspect
from dataclasses import dataclass, field

import numpy as np
from sklearn.base import clone, is_classifier
from sklearn.metrics import check_scoring
from sklearn.utils import _safe_indexing

from ._array_api import take_rows, to_host, to_numpy
from ._parallel import estimate_cost, run_longest_first

_PREDICT_METHODS = ("predict_proba", "decision_function", "predict")


@dataclass
class OOFResult:
    """What :func:`fit_members_oof` returns.

    Attributes
    ----------
    estimators : list
        Each member fitted on all the data (``None`` where ``refit=False`` or
        the member is ``"drop"``).
    predictions : list of ndarray
        Each member's out-of-fold predictions, rows aligned with ``X``; rows
        that are in no test fold hold NaN.
    fold_scores : ndarray of shape (n_members, n_splits)
        Each member's score on each held-out fold.
    splits : list of (train, test) index arrays
    predicted : ndarray of bool of shape (n_samples,)
        Rows that are in a test fold.
    best_iterations : list of (list of int or None)
        Boosting rounds found by early stopping on each fold, per member.
    fold_estimators : list of list, or None
        The fold models, kept only when asked for.
    """

    estimators: list
    predictions: list
    fold_scores: np.ndarray
    splits: list
    predicted: np.ndarray
    best_iterations: list = field(default_factory=list)
    fold_estimators: list = None


def _library_of(estimator):
    module = type(estimator).__module__
    for library in ("xgboost", "lightgbm"):
        if module.startswith(library):
            return library
    return None


def _sample_aligned(value, n_samples):
    """Whether ``value`` holds one entry per sample (array-like of that length)."""
    if value is None or isinstance(value, (str, bytes, dict)) or np.isscalar(value):
        return False
    shape = getattr(value, "shape", None)
    if shape is not None:
        return len(shape) > 0 and shape[0] == n_samples
    if hasattr(value, "__len__"):
        return len(value) == n_samples
    if hasattr(value, "__array__"):
        shape = np.asarray(value).shape
        return len(shape) > 0 and shape[0] == n_samples
    return False


def _slice_params(params, indices, n_samples):
    """Index the sample-aligned values of ``params`` with ``indices``."""
    if not params:
        return {}
    sliced = {}
    for key, value in params.items():
        if _sample_aligned(value, n_samples):
            if not hasattr(value, "__len__"):
                value = np.asarray(value)
            sliced[key] = _safe_indexing(value, indices)
        else:
            sliced[key] = value
    return sliced


def _resample(sampler, X, y, params):
    """Resample a training part; keep sample-aligned params only if we can."""
    sampler = clone(sampler)
    X_res, y_res = sampler.fit_resample(X, y)
    if not params:
        return X_res, y_res, params
    aligned = {
        key: value for key, value in params.items() if _sample_aligned(value, len(y))
    }
    if not aligned:
        return X_res, y_res, params
    indices = getattr(sampler, "sample_indices_", None)
    if indices is None:
        raise ValueError(
            f"{type(sampler).__name__} creates new samples, so "
            f"{sorted(aligned)} cannot follow the resampled rows; use a sampler "
            "that exposes sample_indices_ (an under-sampler) or drop these "
            "fit parameters."
        )
    return X_res, y_res, _slice_params(params, indices, len(y))


def _reraise(exc, name, where):
    message = f"Member {name!r} failed {where}: {exc}"
    try:
        new = type(exc)(message)
    except Exception:
        raise exc
    raise new from exc


def _align_to_classes(pred, method, fold_classes, n_classes):
    """Give predictions one column per class of the whole training set."""
    if method == "predict" or fold_classes is None:
        return pred
    fold_classes = to_numpy(fold_classes)
    if len(fold_classes) == n_classes:
        return pred
    if method == "decision_function" and (n_classes <= 2 or pred.ndim == 1):
        raise ValueError(
            "a training fold holds only classes "
            f"{fold_classes.tolist()} of {n_classes}: decision_function "
            "cannot be aligned; use stratified folds or predict_proba."
        )
    fill = 0.0 if method == "predict_proba" else np.finfo(pred.dtype).min
    full = np.full((pred.shape[0], n_classes), fill, dtype=pred.dtype)
    full[:, fold_classes.astype(int)] = pred
    return full


def _fit_one(
    estimator,
    X,
    y,
    train,
    test,
    *,
    name,
    where,
    method,
    fit_params,
    sampler,
    early_stopping_rounds,
    n_estimators,
    scorer,
    n_classes,
    keep,
):
    """Fit one member on ``train``; predict and score ``test`` if given."""
    n_samples = y.shape[0]
    estimator = clone(estimator)
    if train is None:
        params = dict(fit_params or {})
    else:
        params = _slice_params(fit_params, train, n_samples)
    X_train = X if train is None else take_rows(X, train)
    y_train = y if train is None else take_rows(y, train)
    if sampler is not None:
        X_train, y_train, params = _resample(sampler, X_train, y_train, params)
    library = _library_of(estimator)
    if n_estimators is not None:
        estimator.set_params(n_estimators=n_estimators)
    X_test = y_test = None
    if test is not None:
        X_test = take_rows(X, test)
        y_test = take_rows(y, test)
    best = None
    try:
        if early_stopping_rounds and library is not None and test is not None:
            params = dict(params)
            if library == "xgboost":
                params["eval_set"] = [(X_test, y_test)]
                estimator.set_params(early_stopping_rounds=early_stopping_rounds)
                params.setdefault("verbose", False)
            else:
                import lightgbm

                if "eval_X" in inspect.signature(estimator.fit).parameters:
                    params["eval_X"], params["eval_y"] = (X_test,), (y_test,)
                else:
                    params["eval_set"] = [(X_test, y_test)]
                params["callbacks"] = list(params.get("callbacks", [])) + [
                    lightgbm.early_stopping(early_stopping_rounds, verbose=False)
                ]
            estimator.fit(X_train, y_train, **params)
            if library == "xgboost":
                best = int(estimator.best_iteration) + 1
            else:
                best = int(estimator.best_iteration_) or None
        else:
            estimator.fit(X_train, y_train, **params)
        if test is None:
            return estimator, None, None, best
        pred = getattr(estimator, method)(X_test)
    except Exception as exc:
        _reraise(exc, name, where)
    pred = np.asarray(to_host(pred))
    if n_classes is not None:
        pred = _align_to_classes(
            pred, method, getattr(estimator, "classes_", None), n_classes
        )
    if scorer is not None:
        score = scorer(estimator, to_host(X_test), to_host(y_test))
    else:
        score = _score_from_predictions(
            pred, np.asarray(to_host(y_test)), method, n_classes
        )
    return (estimator if keep else None), pred, score, best


def _score_from_predictions(pred, y_true, method, n_classes):
    """Accuracy (classifiers) or R^2 (regressors) without predicting again."""
    if n_classes is not None:
        if method == "predict":
            labels = pred
        elif pred.ndim == 1:
            labels = (pred > (0.5 if method == "predict_proba" else 0.0)).astype(int)
        else:
            labels = np.argmax(pred, axis=1)
        return float(np.mean(labels == y_true))
    if pred.ndim > 1 and pred.shape[1] == 1:
        pred = pred.ravel()
    residual = np.sum((y_true - pred) ** 2, axis=0)
    total = np.sum((y_true - np.mean(y_true, axis=0)) ** 2, axis=0)
    with np.errstate(divide="ignore", invalid="ignore"):
        r2 = np.where(total > 0, 1.0 - residual / np.where(total > 0, total, 1.0), 0.0)
    return float(np.mean(r2))


def fit_members_oof(
    estimators,
    X,
    y,
    *,
    cv,
    methods,
    groups=None,
    names=None,
    fit_params=None,
    sampler=None,
    early_stopping_rounds=None,
    scoring=None,
    refit=True,
    require_partition=True,
    keep_fold_estimators=False,
    n_jobs=None,
    verbose=0,
):
    """Fit members on folds and on all data; collect out-of-fold predictions.

    All member x fold fits and the full refits are scheduled as one list of
    jobs, longest first. With ``early_stopping_rounds``, XGBoost and LightGBM
    members stop on each fold's held-out part and the full refit uses the
    mean number of rounds found (the refits then run after the folds).

    Members that run on the GPU (cuML estimators, a
    :class:`~skextra.gpu.DeviceEstimator`, XGBoost on CUDA with CuPy) share
    one copy of ``X`` and ``y`` on the device, made here once; their folds
    are cut on the device and only their predictions come back to the host.

    Parameters
    ----------
    estimators : list of estimators or "drop"
        The members. ``"drop"`` members are skipped (their entries are None).
    X : array-like of shape (n_samples, n_features)
    y : array-like of shape (n_samples,)
        For classifiers, labels encoded as ``0..n_classes-1``.
    cv : cross-validation splitter
        An object with ``split(X, y, groups)`` (see
        :func:`sklearn.model_selection.check_cv`).
    methods : list of str
        The prediction method of each member: ``"predict_proba"``,
        ``"decision_function"`` or ``"predict"``.
    groups : array-like, default=None
        Passed to ``cv.split``.
    names : list of str, default=None
        Member names used in error messages.
    fit_params : list of dict, default=None
        Each member's fit parameters; sample-aligned values are sliced per fold.
    sampler : imbalanced-learn sampler, default=None
        Resamples each training part (never the held-out part).
    early_stopping_rounds : int, default=None
        Early stopping of XGBoost and LightGBM members on each held-out fold.
    scoring : str or callable, default=None
        Scorer for the per-fold scores; ``None`` computes accuracy (classifiers)
        or R^2 (regressors) from the out-of-fold predictions.
    refit : bool, default=True
        Also fit each member on all the data.
    require_partition : bool, default=True
        Demand that every row be in exactly one test fold.
    keep_fold_estimators : bool, default=False
        Keep the fold models in the result.
    n_jobs : int, default=None
        Number of jobs run at once.
    verbose : int, default=0
        joblib's verbosity.

    Returns
    -------
    result : OOFResult

    Examples
    --------
    >>> from sklearn.datasets import load_iris
    >>> from sklearn.linear_model import LogisticRegression
    >>> from sklearn.model_selection import StratifiedKFold
    >>> from skextra.utils import fit_members_oof
    >>> X, y = load_iris(return_X_y=True)
    >>> res = fit_members_oof([LogisticRegression(max_iter=500)], X, y,
    ...                       cv=StratifiedKFold(5), methods=["predict_proba"])
    >>> res.predictions[0].shape, res.fold_scores.shape
    ((150, 3), (1, 5))
    """
    n_members = len(estimators)
    names = (
        list(names)
        if names is not None
        else [f"estimator_{i}" for i in range(n_members)]
    )
    fit_params = (
        list(fit_params) if fit_params is not None else [{} for _ in estimators]
    )
    y = np.asarray(y)
    n_samples = y.shape[0]
    splits = [(np.asarray(tr), np.asarray(te)) for tr, te in cv.split(X, y, groups)]
    n_splits = len(splits)
    counts = np.zeros(n_samples, dtype=int)
    for _, test in splits:
        counts[test] += 1
    if require_partition and not np.all(counts == 1):
        raise ValueError(
            "cv must put every sample in exactly one test fold (a partition), "
            "as for cross_val_predict; got a splitter that does not."
        )
    predicted = counts > 0

    live = [i for i, est in enumerate(estimators) if est is not None and est != "drop"]
    scorers = {}
    for i in live:
        if scoring is not None:
            scorers[i] = check_scoring(estimators[i], scoring=scoring)
    n_found = len(np.unique(y))
    n_classes = {i: n_found if is_classifier(estimators[i]) else None for i in live}
    stopping = {
        i: bool(early_stopping_rounds) and _library_of(estimators[i]) is not None
        for i in live
    }

    # GPU members share one device copy of X and y; samplers work on the host.
    if sampler is None:
        from ..gpu._resident import member_inputs

        inputs = dict(zip(live, member_inputs([estimators[i] for i in live], X, y)))
    else:
        inputs = {i: (X, y) for i in live}

    def job(i, train, test, where, n_estimators=None):
        return (
            _fit_one,
            (estimators[i], *inputs[i], train, test),
            dict(
                name=names[i],
                where=where,
                method=methods[i],
                fit_params=fit_params[i],
                sampler=sampler,
                early_stopping_rounds=early_stopping_rounds if stopping[i] else None,
                n_estimators=n_estimators,
                scorer=scorers.get(i),
                n_classes=n_classes[i],
                keep=keep_fold_estimators,
            ),
        )

    jobs, costs, keys = [], [], []
    for i in live:
        for k, (train, test) in enumerate(splits):
            jobs.append(job(i, train, test, f"on fold {k} of {n_splits}"))
            costs.append(estimate_cost(estimators[i], len(train)))
            keys.append((i, k))
        if refit and not stopping[i]:
            jobs.append(job(i, None, None, "on the full training data"))
            costs.append(estimate_cost(estimators[i], n_samples))
            keys.append((i, None))
    results = run_longest_first(jobs, costs, n_jobs=n_jobs, verbose=verbose)

    fitted = [None] * n_members
    predictions = [None] * n_members
    fold_scores = np.full((n_members, n_splits), np.nan)
    best_iterations = [None] * n_members
    fold_estimators = (
        [[None] * n_splits for _ in range(n_members)] if keep_fold_estimators else None
    )
    for (i, k), (est, pred, score, best) in zip(keys, results):
        if k is None:
            fitted[i] = est
            continue
        test = splits[k][1]
        if predictions[i] is None:
            shape = (n_samples,) + pred.shape[1:]
            predictions[i] = np.full(
                shape, np.nan, dtype=np.result_type(pred.dtype, float)
            )
        predictions[i][test] = pred
        fold_scores[i, k] = score
        if stopping[i]:
            if best_iterations[i] is None:
                best_iterations[i] = [None] * n_splits
            best_iterations[i][k] = best
        if keep_fold_estimators:
            fold_estimators[i][k] = est

    late = [i for i in live if refit and stopping[i]]
    if late:
        late_jobs = []
        for i in late:
            found = [b for b in best_iterations[i] if b]
            rounds = int(round(np.mean(found))) if found else None
            late_jobs.append(job(i, None, None, "on the full training data", rounds))
        late_costs = [estimate_cost(estimators[i], n_samples) for i in late]
        for i, (est, _, _, _) in zip(
            late,
            run_longest_first(late_jobs, late_costs, n_jobs=n_jobs, verbose=verbose),
        ):
            fitted[i] = est

    return OOFResult(
        estimators=fitted,
        predictions=predictions,
        fold_scores=fold_scores,
        splits=splits,
        predicted=predicted,
        best_iterations=best_iterations,
        fold_estimators=fold_estimators,
    )
