"""Out-of-fold prediction of many members at once.

This is the one implementation of "fit each member on each training fold,
predict its held-out fold, and fit it once more on all the data" in skextra.
Stacking, blending, ensemble selection and the command line all call
:func:`fit_members_oof`; the member x fold (+ full refit) jobs go through
:func:`~skextra.utils.run_longest_first` as one flat list.
"""

import inspect
import warnings
from dataclasses import dataclass, field, replace

import numpy as np
from sklearn.base import clone, is_classifier
from sklearn.metrics import check_scoring
from sklearn.pipeline import Pipeline
from sklearn.utils import _safe_indexing
from sklearn.utils.metadata_routing import _routing_enabled, process_routing

from ._array_api import take_rows, to_host, to_numpy
from ._libraries import BOOSTING_LIBRARIES, library_of
from ._parallel import estimate_cost, run_longest_first


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


def _align_outputs(pred, method, fold_classes, n_classes):
    """Predictions for a multilabel target as one array.

    One array per output (``predict_proba`` of a forest) becomes an array of
    shape ``(n_samples, n_outputs, n_classes)``, each output aligned to its
    classes; other predictions already have one column per output.
    """
    if not isinstance(pred, list):
        return np.asarray(to_host(pred))
    if not isinstance(fold_classes, list):
        fold_classes = [None] * len(pred)
    return np.stack(
        [
            _align_to_classes(np.asarray(to_host(p)), method, classes, n)
            for p, classes, n in zip(pred, fold_classes, n_classes)
        ],
        axis=1,
    )


def _align_to_classes(pred, method, fold_classes, n_classes):
    """Give predictions one column per class of the whole training set."""
    if method == "predict" or fold_classes is None or isinstance(n_classes, list):
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


def _training_part(X, y, train, fit_params, sampler):
    """The rows (and fit parameters) a member is fitted on: ``train``, resampled."""
    if train is None:
        X_train, y_train, params = X, y, dict(fit_params or {})
    else:
        params = _slice_params(fit_params, train, y.shape[0])
        X_train, y_train = take_rows(X, train), take_rows(y, train)
    if sampler is not None:
        X_train, y_train, params = _resample(sampler, X_train, y_train, params)
    return X_train, y_train, params


def _stop_early_on(estimator, library, params, X_test, y_test, rounds):
    """Fit parameters that early-stop a boosting member on ``(X_test, y_test)``."""
    params = dict(params)
    if library == "xgboost":
        params["eval_set"] = [(X_test, y_test)]
        estimator.set_params(early_stopping_rounds=rounds)
        params.setdefault("verbose", False)
        return params
    import lightgbm

    if "eval_X" in inspect.signature(estimator.fit).parameters:
        params["eval_X"], params["eval_y"] = (X_test,), (y_test,)
    else:
        params["eval_set"] = [(X_test, y_test)]
    params["callbacks"] = list(params.get("callbacks", [])) + [
        lightgbm.early_stopping(rounds, verbose=False)
    ]
    return params


def _boosting_step(estimator):
    """``(library, step)``: how ``estimator`` early-stops, ``(None, None)`` if not.

    An XGBoost or LightGBM model stops by itself (``step`` is ``None``); a
    :class:`~sklearn.pipeline.Pipeline` ending in one stops through its last
    step, named ``step``, once its other steps have transformed the held-out
    part (a pipeline that resamples cannot: its samplers change the rows).
    """
    library = library_of(estimator)
    if library in BOOSTING_LIBRARIES:
        return library, None
    if not isinstance(estimator, Pipeline) or not estimator.steps:
        return None, None
    name, last = estimator.steps[-1]
    library = library_of(last)
    resamples = any(hasattr(step, "fit_resample") for _, step in estimator.steps)
    if library not in BOOSTING_LIBRARIES or resamples:
        return None, None
    return library, name


def _fit_pipeline_stopping_early(
    pipeline, library, X_train, y_train, params, X_test, y_test, rounds
):
    """Fit ``pipeline``, its last step early-stopping on the transformed ``X_test``.

    The steps before the last are fitted on the training part (as the
    pipeline fits them) and transform the held-out part, which becomes the
    last step's evaluation set.
    """
    last_name, last = pipeline.steps[-1]
    if _routing_enabled():
        last_params = process_routing(pipeline, "fit", **params)[last_name]["fit"]
    else:
        prefix = f"{last_name}__"
        last_params = {
            key[len(prefix) :]: value
            for key, value in params.items()
            if key.startswith(prefix)
        }
        params = {k: v for k, v in params.items() if not k.startswith(prefix)}
    X_fit, X_eval = X_train, X_test
    if len(pipeline.steps) > 1:
        head = pipeline[:-1]
        if _routing_enabled():
            consumed = head.get_metadata_routing().consumes("fit", params.keys())
            params = {key: params[key] for key in consumed}
        X_fit = head.fit_transform(X_train, y_train, **params)
        pipeline.steps = list(head.steps) + [(last_name, last)]
        X_eval = head.transform(X_test)
    last_params = _stop_early_on(last, library, last_params, X_eval, y_test, rounds)
    last.fit(X_fit, y_train, **last_params)
    return pipeline


def _rounds_used(estimator, library):
    """Number of boosting rounds an early-stopped member kept."""
    if library == "xgboost":
        return int(estimator.best_iteration) + 1
    return int(estimator.best_iteration_) or None


def _score_fold(estimator, pred, X_test, y_test, method, scorer, n_classes):
    if scorer is not None:
        return scorer(estimator, to_host(X_test), to_host(y_test))
    return _score_from_predictions(pred, np.asarray(to_host(y_test)), method, n_classes)


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
    """Fit one member on ``train``; predict and score ``test`` if given.

    Returns ``(estimator, predictions, score, rounds)``: the fitted member
    (``None`` for a fold model not kept), its predictions for ``test`` and
    their score (``None`` without ``test``) and the boosting rounds kept by
    early stopping (``None`` if it did not stop early).
    """
    estimator = clone(estimator)
    X_train, y_train, params = _training_part(X, y, train, fit_params, sampler)
    library, step = _boosting_step(estimator)
    if n_estimators is not None:
        key = "n_estimators" if step is None else f"{step}__n_estimators"
        estimator.set_params(**{key: n_estimators})
    X_test = y_test = None
    if test is not None:
        X_test, y_test = take_rows(X, test), take_rows(y, test)
    stops = bool(early_stopping_rounds) and library is not None
    stops = stops and test is not None
    best = None
    try:
        if stops and step is not None:
            _fit_pipeline_stopping_early(
                estimator,
                library,
                X_train,
                y_train,
                params,
                X_test,
                y_test,
                early_stopping_rounds,
            )
        elif stops:
            params = _stop_early_on(
                estimator, library, params, X_test, y_test, early_stopping_rounds
            )
            estimator.fit(X_train, y_train, **params)
        else:
            estimator.fit(X_train, y_train, **params)
        if stops:
            booster = estimator if step is None else estimator.steps[-1][1]
            best = _rounds_used(booster, library)
        if test is None:
            return estimator, None, None, best
        pred = getattr(estimator, method)(X_test)
    except Exception as exc:
        _reraise(exc, name, where)
    fold_classes = getattr(estimator, "classes_", None)
    if isinstance(n_classes, list):
        pred = _align_outputs(pred, method, fold_classes, n_classes)
    else:
        pred = np.asarray(to_host(pred))
    if n_classes is not None:
        pred = _align_to_classes(pred, method, fold_classes, n_classes)
    score = _score_fold(estimator, pred, X_test, y_test, method, scorer, n_classes)
    return (estimator if keep else None), pred, score, best


def _score_from_predictions(pred, y_true, method, n_classes):
    """Accuracy (classifiers) or R^2 (regressors) without predicting again.

    For a multilabel target, the accuracy is that of
    :func:`sklearn.metrics.accuracy_score`: the share of rows with every
    label right.
    """
    if isinstance(n_classes, list):
        if pred.ndim == 3:
            labels = np.argmax(pred, axis=2)
        elif method == "predict":
            labels = pred
        else:
            labels = pred > (0.5 if method == "predict_proba" else 0.0)
        return float(np.mean(np.all(labels == y_true, axis=1)))
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


def _split_rows(cv, X, y, groups, require_partition):
    """The (train, test) splits of ``cv``, and which rows some test fold holds."""
    splits = [(np.asarray(tr), np.asarray(te)) for tr, te in cv.split(X, y, groups)]
    counts = np.zeros(y.shape[0], dtype=int)
    for _, test in splits:
        counts[test] += 1
    if require_partition and not np.all(counts == 1):
        raise ValueError(
            "cv must put every sample in exactly one test fold (a partition), "
            "as for cross_val_predict; got a splitter that does not."
        )
    return splits, counts > 0


@dataclass
class _Member:
    """One member to fit: its place in the list, its data, and the keyword
    arguments of :func:`_fit_one` that are the same for all its fits."""

    index: int
    estimator: object
    X: object
    y: object
    options: dict
    oob: bool = False

    @property
    def stops_early(self):
        return self.options["early_stopping_rounds"] is not None

    def job(self, train, test, where, n_estimators=None):
        """A job for :func:`run_longest_first`: fit on ``train``, predict ``test``."""
        options = dict(self.options, where=where, n_estimators=n_estimators)
        return _fit_one, (self.estimator, self.X, self.y, train, test), options

    def cost(self, n_rows):
        return estimate_cost(self.estimator, n_rows)


def _members_to_fit(
    estimators,
    X,
    y,
    *,
    inputs,
    names,
    methods,
    fit_params,
    sampler,
    early_stopping_rounds,
    scoring,
    keep_fold_estimators,
    oob,
):
    """The members that are not dropped, with what each of their fits needs.

    With ``oob``, the bootstrap ensembles among them (see
    :func:`_has_out_of_bag`) are marked to be fitted once, with
    ``oob_score=True``.
    """
    if names is None:
        names = [f"estimator_{i}" for i in range(len(estimators))]
    if fit_params is None:
        fit_params = [{} for _ in estimators]
    if y.ndim == 2:
        n_classes = [len(np.unique(column)) for column in y.T]
    else:
        n_classes = len(np.unique(y))
    members, not_stopping = [], []
    for i, estimator in enumerate(estimators):
        if estimator is None or (isinstance(estimator, str) and estimator == "drop"):
            continue
        stops = bool(early_stopping_rounds) and (
            _boosting_step(estimator)[0] is not None
        )
        if early_stopping_rounds and not stops:
            not_stopping.append(names[i])
        scorer = None if scoring is None else check_scoring(estimator, scoring=scoring)
        options = dict(
            name=names[i],
            method=methods[i],
            fit_params=fit_params[i],
            sampler=sampler,
            early_stopping_rounds=early_stopping_rounds if stops else None,
            scorer=scorer,
            n_classes=n_classes if is_classifier(estimator) else None,
            keep=keep_fold_estimators,
        )
        X_i, y_i = (X, y) if inputs is None else inputs[i]
        bagged = oob and _has_out_of_bag(estimator, methods[i])
        if bagged:
            estimator = clone(estimator).set_params(oob_score=True)
        members.append(_Member(i, estimator, X_i, y_i, options, bagged))
    if not_stopping:
        warnings.warn(
            f"early_stopping_rounds={early_stopping_rounds} is not applied to "
            f"members {not_stopping}: only XGBoost and LightGBM models (or "
            "pipelines ending in one, without samplers) stop early; these are "
            "fitted in full.",
            UserWarning,
        )
    return members


def _fold_and_refit_jobs(members, splits, n_samples, refit):
    """Every member x fold fit, and the full refits that need no fold result."""
    jobs, costs, keys = [], [], []
    for member in members:
        if member.oob:
            jobs.append(member.job(None, None, "on the full training data"))
            costs.append(member.cost(n_samples))
            keys.append((member.index, None))
            continue
        for k, (train, test) in enumerate(splits):
            jobs.append(member.job(train, test, f"on fold {k} of {len(splits)}"))
            costs.append(member.cost(len(train)))
            keys.append((member.index, k))
        if refit and not member.stops_early:
            jobs.append(member.job(None, None, "on the full training data"))
            costs.append(member.cost(n_samples))
            keys.append((member.index, None))
    return jobs, costs, keys


def _empty_result(members, n_members, splits, predicted, keep_fold_estimators):
    """An :class:`OOFResult` with a place for every result still to come."""
    n_splits = len(splits)
    best_iterations = [None] * n_members
    for member in members:
        if member.stops_early:
            best_iterations[member.index] = [None] * n_splits
    return OOFResult(
        estimators=[None] * n_members,
        predictions=[None] * n_members,
        fold_scores=np.full((n_members, n_splits), np.nan),
        splits=splits,
        predicted=predicted,
        best_iterations=best_iterations,
        fold_estimators=(
            [[None] * n_splits for _ in range(n_members)]
            if keep_fold_estimators
            else None
        ),
    )


def _collect(keys, results, result):
    """Put each job's result (fold ``k``, or the refit) in its place of ``result``.

    A row held out by several splits (repeated folds) gets the mean of its
    predictions; a row held out by none stays NaN.
    """
    times = np.zeros(result.predicted.shape[0])
    for _, test in result.splits:
        times[test] += 1
    for (i, k), (est, pred, score, best) in zip(keys, results):
        if k is None:
            result.estimators[i] = est
            continue
        if result.predictions[i] is None:
            result.predictions[i] = np.zeros(
                (result.predicted.shape[0],) + pred.shape[1:],
                dtype=np.result_type(pred.dtype, float),
            )
        result.predictions[i][result.splits[k][1]] += pred
        result.fold_scores[i, k] = score
        if result.best_iterations[i] is not None:
            result.best_iterations[i][k] = best
        if result.fold_estimators is not None:
            result.fold_estimators[i][k] = est
    shape = (-1,) + (1,) * 8
    for pred in result.predictions:
        if pred is not None:
            scale = times.reshape(shape[: pred.ndim])
            with np.errstate(invalid="ignore", divide="ignore"):
                pred /= scale
            pred[times == 0] = np.nan
    return result


def _has_out_of_bag(estimator, method):
    """Whether ``estimator`` is a bootstrap ensemble whose out-of-bag outputs
    stand for ``method``: probabilities of a classifier, predictions of a
    regressor (random forests, bagging with ``bootstrap=True``)."""
    params = estimator.get_params(deep=False)
    if "oob_score" not in params or not params.get("bootstrap", False):
        return False
    return method == ("predict_proba" if is_classifier(estimator) else "predict")


def _out_of_bag(estimator, n_samples):
    """The out-of-bag outputs of a bootstrap ensemble fitted on all the rows,
    or ``None`` when some row was drawn by every one of its members."""
    left_out = np.zeros(n_samples, dtype=bool)
    for drawn in estimator.estimators_samples_:
        in_bag = np.zeros(n_samples, dtype=bool)
        in_bag[drawn] = True
        left_out |= ~in_bag
    pred = getattr(estimator, "oob_decision_function_", None)
    if pred is None:
        pred = estimator.oob_prediction_
    pred = np.asarray(pred, dtype=float)
    if not left_out.all() or not np.all(np.isfinite(pred)):
        return None
    return pred


class _StoredOutputs:
    """A fitted member that answers with given outputs (those of one fold),
    so that a scorer scores out-of-bag outputs without predicting again."""

    def __init__(self, estimator, method, pred):
        self.estimator, self.method, self.pred = estimator, method, pred
        self.classes_ = getattr(estimator, "classes_", None)

    def __sklearn_tags__(self):
        return self.estimator.__sklearn_tags__()

    def predict_proba(self, X):
        return self.pred

    def predict(self, X):
        if self.method == "predict":
            return self.pred
        return self.classes_[np.argmax(self.pred, axis=1)]


def _use_out_of_bag(members, result):
    """Fill the out-of-fold predictions and fold scores of the members fitted
    once from their out-of-bag outputs; return those that have none."""
    lacking = []
    for member in members:
        if not member.oob:
            continue
        i, est = member.index, result.estimators[member.index]
        pred = _out_of_bag(est, result.predicted.shape[0])
        if pred is None:
            lacking.append(member)
            continue
        pred[~result.predicted] = np.nan
        result.predictions[i] = pred
        method, scorer = member.options["method"], member.options["scorer"]
        for k, (_, test) in enumerate(result.splits):
            part = pred[test]
            X_test, y_test = take_rows(member.X, test), take_rows(member.y, test)
            result.fold_scores[i, k] = _score_fold(
                _StoredOutputs(est, method, part),
                part,
                X_test,
                y_test,
                method,
                scorer,
                member.options["n_classes"],
            )
    return lacking


def _fit_on_folds(members, result, refit, n_jobs, verbose):
    """Fit ``members``, whose one fit left rows without out-of-bag outputs, on
    the folds as the other members; with ``refit=False`` their fit on all
    the rows is dropped too, as the other members have none."""
    names = [member.options["name"] for member in members]
    warnings.warn(
        f"members {names} left no out-of-bag prediction for some rows (too "
        "few members in the bootstrap ensemble); they are fitted on the folds.",
        UserWarning,
    )
    members = [replace(member, oob=False) for member in members]
    n_samples = result.predicted.shape[0]
    jobs, costs, keys = _fold_and_refit_jobs(members, result.splits, n_samples, False)
    results = run_longest_first(jobs, costs, n_jobs=n_jobs, verbose=verbose)
    n_members = len(result.predictions)
    empty = _empty_result(
        members,
        n_members,
        result.splits,
        result.predicted,
        result.fold_estimators is not None,
    )
    folds = _collect(keys, results, empty)
    for member in members:
        i = member.index
        result.predictions[i] = folds.predictions[i]
        result.fold_scores[i] = folds.fold_scores[i]
        if result.fold_estimators is not None:
            result.fold_estimators[i] = folds.fold_estimators[i]
        if not refit:
            result.estimators[i] = None


def _refit_with_rounds_found(members, result, n_samples, n_jobs, verbose):
    """Refit the early-stopped members with the mean of their folds' rounds."""
    jobs, costs = [], []
    for member in members:
        found = [b for b in result.best_iterations[member.index] if b]
        rounds = int(round(np.mean(found))) if found else None
        jobs.append(member.job(None, None, "on the full training data", rounds))
        costs.append(member.cost(n_samples))
    fitted = run_longest_first(jobs, costs, n_jobs=n_jobs, verbose=verbose)
    for member, (est, _, _, _) in zip(members, fitted):
        result.estimators[member.index] = est


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
    inputs=None,
    sampler=None,
    early_stopping_rounds=None,
    scoring=None,
    refit=True,
    require_partition=True,
    keep_fold_estimators=False,
    oob=False,
    n_jobs=None,
    verbose=0,
):
    """Fit members on folds and on all data; collect out-of-fold predictions.

    All member x fold fits and the full refits are scheduled as one list of
    jobs, longest first. With ``early_stopping_rounds``, XGBoost and LightGBM
    members stop on each fold's held-out part and the full refit uses the
    mean number of rounds found (the refits then run after the folds).

    Each member is fed ``X`` and ``y``, or its own copy of them from
    ``inputs``: the ensembles of :mod:`skextra.ensemble` give their GPU
    members (cuML estimators, a :class:`~skextra.gpu.DeviceEstimator`,
    XGBoost on CUDA with CuPy) one shared copy on the device, so that their
    folds are cut on the device and only their predictions come back to
    the host.

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
    inputs : list of (X, y), default=None
        What each member is fed instead of ``X`` and ``y`` (the same rows,
        e.g. on a device; folds are cut with :func:`~skextra.utils.take_rows`).
        ``None`` feeds every member ``X`` and ``y``. A ``sampler`` needs
        host data.
    sampler : imbalanced-learn sampler, default=None
        Resamples each training part (never the held-out part).
    early_stopping_rounds : int, default=None
        Early stopping of XGBoost and LightGBM members (and of pipelines
        ending in one) on each held-out fold; a warning names the members
        that cannot stop early.
    scoring : str or callable, default=None
        Scorer for the per-fold scores; ``None`` computes accuracy (classifiers)
        or R^2 (regressors) from the out-of-fold predictions.
    refit : bool, default=True
        Also fit each member on all the data.
    require_partition : bool, default=True
        Demand that every row be in exactly one test fold.
    keep_fold_estimators : bool, default=False
        Keep the fold models in the result.
    oob : bool, default=False
        Fit the bootstrap ensembles among the members (random forests,
        bagging with ``bootstrap=True``, stacked on ``predict_proba`` for a
        classifier or ``predict`` for a regressor) once, on all the rows,
        with ``oob_score=True``: their out-of-bag outputs are their
        out-of-fold predictions (scored on each test fold) and that fit is
        their entry in ``estimators`` whatever ``refit``. Such a member
        that leaves some row in every bootstrap sample (too few trees) is
        fitted on the folds after all, with a warning. Not applied with a
        ``sampler`` or a multi-output ``y``.
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
    y = np.asarray(y)
    n_samples = y.shape[0]
    splits, predicted = _split_rows(cv, X, y, groups, require_partition)
    members = _members_to_fit(
        estimators,
        X,
        y,
        inputs=inputs,
        names=names,
        methods=methods,
        fit_params=fit_params,
        sampler=sampler,
        early_stopping_rounds=early_stopping_rounds,
        scoring=scoring,
        keep_fold_estimators=keep_fold_estimators,
        oob=oob and sampler is None and y.ndim == 1,
    )
    jobs, costs, keys = _fold_and_refit_jobs(members, splits, n_samples, refit)
    results = run_longest_first(jobs, costs, n_jobs=n_jobs, verbose=verbose)
    empty = _empty_result(
        members, len(estimators), splits, predicted, keep_fold_estimators
    )
    result = _collect(keys, results, empty)
    lacking = _use_out_of_bag(members, result)
    if lacking:
        _fit_on_folds(lacking, result, refit, n_jobs, verbose)
    late = [member for member in members if refit and member.stops_early]
    if late:
        _refit_with_rounds_found(late, result, n_samples, n_jobs, verbose)
    return result
