"""Give each estimator the implementation that runs on the chosen device.

On the CPU nothing changes: :func:`to_device` returns an unchanged clone. On
the GPU, the work goes to the libraries that already do it:

* scikit-learn estimators with a RAPIDS cuML counterpart become the cuML
  estimator (cuML's own ``from_sklearn`` when it has one, else the
  translation table of :mod:`skextra.gpu._translate`);
* XGBoost estimators get ``device="cuda"``, LightGBM estimators
  ``device_type="gpu"``;
* scikit-learn estimators with array-API support are wrapped in a
  :class:`DeviceEstimator` that feeds them GPU arrays under
  ``sklearn.config_context(array_api_dispatch=True)``;
* pipelines are dispatched step by step;
* anything else stays as it is, on the CPU.
"""

import copy
import os
import warnings
from importlib import import_module

import numpy as np
import sklearn
from sklearn.base import BaseEstimator, MetaEstimatorMixin, _fit_context, clone
from sklearn.frozen import FrozenEstimator
from sklearn.metrics import accuracy_score, r2_score
from sklearn.pipeline import Pipeline
from sklearn.utils._param_validation import HasMethods
from sklearn.utils._tags import get_tags
from sklearn.utils.metaestimators import available_if
from sklearn.utils.validation import check_is_fitted

from ..utils._array_api import (
    _compat,
    get_namespace,
    is_foreign_array,
    move_to,
    to_numpy,
)
from ..utils._array_api import device as device_of
from ..utils._libraries import library_of as _library
from ..utils._validation import DEVICE_CONSTRAINT
from . import _device
from ._translate import DeviceFallbackWarning, Unsupported, counterpart_of, translate

BACKENDS = ("cpu", "cuml", "xgboost", "lightgbm", "array_api", "pipeline")


def _warn_fallback(estimator, reason):
    warnings.warn(
        f"{type(estimator).__name__}: {reason}; it stays a "
        f"{_library(estimator) or 'scikit-learn'} estimator.",
        DeviceFallbackWarning,
        stacklevel=3,
    )


def _array_api_capable(estimator):
    """Whether scikit-learn can run ``estimator`` on GPU arrays."""
    if os.environ.get("SCIPY_ARRAY_API") != "1":
        return False
    try:
        return bool(get_tags(estimator).array_api_support)
    except Exception:
        return False


def _cuml_class(counterpart):
    try:
        module = import_module(counterpart.cuml_module)
    except ImportError:
        return None
    return getattr(module, counterpart.cuml_name, None)


def _to_cuml(estimator, counterpart):
    """The cuML estimator for ``estimator``, or None (after a warning)."""
    cls = _cuml_class(counterpart)
    if cls is None:
        return None
    try:
        params = translate(estimator, counterpart)
    except Unsupported as exc:
        _warn_fallback(estimator, exc.describe())
        return None
    try:
        if hasattr(cls, "from_sklearn"):
            gpu_estimator = cls.from_sklearn(clone(estimator))
        else:
            gpu_estimator = cls(**params)
    except (ValueError, TypeError, NotImplementedError) as exc:
        _warn_fallback(estimator, f"cuML refused it: {exc}")
        return None
    # Outputs follow the inputs: NumPy in, NumPy out; CuPy in, CuPy out.
    gpu_estimator.output_type = "input"
    return gpu_estimator


def _xgboost_to_gpu(estimator):
    params = estimator.get_params(deep=False)
    if params.get("tree_method") == "exact":
        raise Unsupported("tree_method", "exact", "use 'hist' or 'approx'")
    if params.get("booster") == "gblinear":
        raise Unsupported("booster", "gblinear", "XGBoost trains it on the CPU only")
    out = clone(estimator)
    current = params.get("device")
    if not (isinstance(current, str) and current.startswith(("cuda", "gpu"))):
        out.set_params(device="cuda")
    return out


def _lightgbm_device_key(params):
    return "device" if "device" in params else "device_type"


def _lightgbm_to_gpu(estimator):
    params = estimator.get_params(deep=False)
    key = _lightgbm_device_key(params)
    out = clone(estimator)
    if params.get(key) not in ("gpu", "cuda"):
        out.set_params(**{key: "gpu"})
    return out


def _pipeline_to_gpu(pipeline, wrap_array_api):
    dispatched = []
    for name, step in pipeline.steps:
        if step is None or (isinstance(step, str) and step == "passthrough"):
            dispatched.append((name, step, None))
        else:
            dispatched.append((name, *_dispatch(step, wrap_array_api=False)))
    backends = [backend for _, _, backend in dispatched if backend is not None]
    if backends and all(backend == "array_api" for backend in backends):
        # One transfer for the whole pipeline instead of one per step.
        if not wrap_array_api:
            return clone(pipeline), "array_api"
        return DeviceEstimator(clone(pipeline), device="gpu"), "array_api"
    new = clone(pipeline)
    new.steps = [
        (name, DeviceEstimator(step, device="gpu") if backend == "array_api" else step)
        for name, step, backend in dispatched
    ]
    return new, "pipeline"


def _dispatch(estimator, *, wrap_array_api=True):
    """The GPU implementation of ``estimator`` and the backend that runs it.

    Returns an unfitted estimator and one of :data:`BACKENDS`. With
    ``wrap_array_api=False`` an array-API estimator comes back as a plain
    clone (the caller feeds it GPU arrays itself).
    """
    if isinstance(estimator, DeviceEstimator):
        return _dispatch(estimator.estimator, wrap_array_api=wrap_array_api)
    if isinstance(estimator, Pipeline):
        return _pipeline_to_gpu(estimator, wrap_array_api)
    library = _library(estimator)
    if library in ("xgboost", "lightgbm"):
        try:
            if library == "xgboost":
                return _xgboost_to_gpu(estimator), library
            return _lightgbm_to_gpu(estimator), library
        except Unsupported as exc:
            _warn_fallback(estimator, exc.describe())
            return clone(estimator), "cpu"
    if library == "cuml":
        return clone(estimator), "cuml"
    counterpart = counterpart_of(estimator)
    if counterpart is not None:
        gpu_estimator = _to_cuml(estimator, counterpart)
        if gpu_estimator is not None:
            return gpu_estimator, "cuml"
    if _array_api_capable(estimator):
        if wrap_array_api:
            return DeviceEstimator(clone(estimator), device="gpu"), "array_api"
        return clone(estimator), "array_api"
    return clone(estimator), "cpu"


def to_device(estimator, device="auto"):
    """Return an unfitted copy of ``estimator`` that runs on ``device``.

    Parameters
    ----------
    estimator : estimator instance
        A scikit-learn, XGBoost, LightGBM or cuML estimator, or a
        :class:`~sklearn.pipeline.Pipeline` of them. Fitted state is not
        carried over: the result is to be fitted.
    device : {"auto", "cpu", "gpu"} or None, default="auto"
        See :func:`resolve_device`. ``None`` takes the global setting.

    Returns
    -------
    estimator : estimator instance
        On the CPU, ``clone(estimator)``: same class, same parameters, so the
        same results bit for bit. On the GPU: the cuML estimator for
        scikit-learn classes that have one (RandomForest, LogisticRegression,
        Ridge, Lasso, ElasticNet, LinearRegression, KNeighbors, SVC, SVR, PCA,
        KMeans, StandardScaler, MinMaxScaler), XGBoost with
        ``device="cuda"``, LightGBM with ``device_type="gpu"``, a
        :class:`DeviceEstimator` around scikit-learn estimators with
        array-API support (when ``SCIPY_ARRAY_API=1`` is set), the same
        dispatch applied to each step of a pipeline, else an unchanged clone.

    Warns
    -----
    DeviceFallbackWarning
        When a setting has no GPU counterpart (the message names it); the
        estimator then stays with its CPU library.

    Raises
    ------
    RuntimeError
        If ``device="gpu"`` and no GPU is usable.

    See Also
    --------
    to_cpu : Bring a fitted GPU model back to a CPU estimator.
    members_to_device : The same for the members of an ensemble.
    DeviceEstimator : A meta-estimator that applies this at fit time.

    Examples
    --------
    >>> from sklearn.ensemble import RandomForestClassifier
    >>> from skextra.gpu import to_device
    >>> to_device(RandomForestClassifier(n_estimators=10), device="cpu")
    RandomForestClassifier(n_estimators=10)

    On a machine with a GPU and cuML, ``device="gpu"`` gives cuML's class:

    >>> gpu_rf = to_device(RandomForestClassifier(), device="gpu")  # doctest: +SKIP
    >>> type(gpu_rf).__module__.split(".")[0]  # doctest: +SKIP
    'cuml'
    """
    if _device.resolve_device(device) == "cpu":
        return clone(estimator)
    return _dispatch(estimator)[0]


def members_to_device(estimators, device=None):
    """Dispatch the members of an ensemble to ``device`` in one call.

    Ensembles call this at the start of ``fit``; the device is resolved once
    for all members.

    Parameters
    ----------
    estimators : list of estimators or of (name, estimator) tuples
        The members, as an ensemble's ``estimators`` parameter holds them.
        ``None`` and ``"drop"`` entries, and fitted members wrapped in
        :class:`~sklearn.frozen.FrozenEstimator`, are kept as they are.
    device : {"auto", "cpu", "gpu"} or None, default=None
        See :func:`resolve_device`; ``None`` takes the global setting.

    Returns
    -------
    estimators : list
        Same shape as the input. On the CPU the very same objects (nothing
        is copied, so results are those of the members as given); on the GPU
        each member is replaced by ``to_device(member, "gpu")``.

    See Also
    --------
    to_device : Dispatch one estimator.

    Examples
    --------
    >>> from sklearn.linear_model import LogisticRegression
    >>> from sklearn.tree import DecisionTreeClassifier
    >>> from skextra.gpu import members_to_device
    >>> members = [("lr", LogisticRegression()), ("tree", DecisionTreeClassifier())]
    >>> members_to_device(members, device="cpu") == members
    True
    """
    if _device.resolve_device(device) == "cpu":
        return list(estimators)
    out = []
    for member in estimators:
        if isinstance(member, tuple):
            name, estimator, *rest = member
            if _kept_as_is(estimator):
                out.append(member)
            else:
                out.append((name, _dispatch(estimator)[0], *rest))
        elif _kept_as_is(member):
            out.append(member)
        else:
            out.append(_dispatch(member)[0])
    return out


def _kept_as_is(member):
    """Dropped members and already fitted (frozen) ones are not dispatched."""
    if member is None or (isinstance(member, str) and member == "drop"):
        return True
    return isinstance(member, FrozenEstimator)


def _arrays_to_numpy(value):
    if is_foreign_array(value):
        return to_numpy(value)
    if isinstance(value, (list, tuple)):
        converted = [_arrays_to_numpy(v) for v in value]
        if all(new is old for new, old in zip(converted, value)):
            return value
        return type(value)(converted)
    if isinstance(value, dict):
        converted = {k: _arrays_to_numpy(v) for k, v in value.items()}
        if all(converted[k] is v for k, v in value.items()):
            return value
        new = copy.copy(value)  # keeps the mapping's type (a Bunch stays a Bunch)
        new.update(converted)
        return new
    if isinstance(value, BaseEstimator):
        return to_cpu(value)
    if type(value).__module__.startswith("skextra.") and hasattr(value, "__dict__"):
        # skextra's helper objects (neighbour searchers wrapping others).
        return _state_to_numpy(value, every_key=True)
    return value


def _state_to_numpy(obj, every_key=False):
    """A copy of ``obj`` whose array attributes on a device are NumPy arrays.

    Fitted attributes (``name_``) are converted in depth, and with
    ``every_key`` all attributes; a private array left on a device (a
    neighbour index) is converted whatever its name. ``obj`` itself is
    returned when nothing is to convert.
    """
    new = None
    for key, value in vars(obj).items():
        if key.startswith("__"):
            continue
        if is_foreign_array(value):
            converted = to_numpy(value)
        elif every_key or key.endswith("_"):
            converted = _arrays_to_numpy(value)
        else:
            continue
        if converted is not value:
            if new is None:
                new = copy.copy(obj)
            setattr(new, key, converted)
    return obj if new is None else new


def to_cpu(estimator):
    """Bring a (fitted) GPU model back to a plain CPU estimator.

    Use it before saving a model that was fitted on a GPU, so that it loads
    and predicts on a machine without one.

    Parameters
    ----------
    estimator : estimator instance
        A cuML estimator, an XGBoost or LightGBM estimator set to a GPU, a
        :class:`DeviceEstimator`, a pipeline of these, or a scikit-learn
        estimator fitted on GPU arrays.

    Returns
    -------
    estimator : estimator instance
        cuML estimators become their scikit-learn counterpart
        (``as_sklearn()``, which needs cuML >= 25.02), XGBoost gets
        ``device="cpu"``, LightGBM ``device_type="cpu"``, a
        :class:`DeviceEstimator` gives its inner estimator, array attributes
        on the GPU are copied to NumPy. An ensemble (skextra's or
        scikit-learn's) is converted in depth: its fitted members, its final
        estimator and a neighbour index kept on the GPU. A CPU estimator is
        returned as is.

    Raises
    ------
    TypeError
        If a cuML estimator has no ``as_sklearn`` (cuML older than 25.02).

    See Also
    --------
    to_device : The other direction.

    Examples
    --------
    >>> import numpy as np
    >>> from xgboost import XGBClassifier
    >>> from skextra.gpu import to_cpu
    >>> model = XGBClassifier(n_estimators=2, device="cuda")
    >>> to_cpu(model).get_params()["device"]
    'cpu'
    """
    if isinstance(estimator, DeviceEstimator):
        inner = getattr(estimator, "estimator_", None)
        return to_cpu(estimator.estimator if inner is None else inner)
    if isinstance(estimator, Pipeline):
        new = copy.copy(estimator)
        new.steps = [
            (name, step if step is None or step == "passthrough" else to_cpu(step))
            for name, step in estimator.steps
        ]
        return new
    library = _library(estimator)
    if library == "cuml":
        if not hasattr(estimator, "as_sklearn"):
            raise TypeError(
                f"{type(estimator).__name__} cannot be converted to a CPU "
                "estimator: cuML >= 25.02 (as_sklearn) is needed."
            )
        return estimator.as_sklearn()
    if library == "xgboost":
        new = copy.deepcopy(estimator)
        new.set_params(device="cpu")
        return new
    if library == "lightgbm":
        new = copy.deepcopy(estimator)
        params = new.get_params(deep=False)
        new.set_params(**{_lightgbm_device_key(params): "cpu"})
        return new
    if isinstance(estimator, BaseEstimator):
        return _state_to_numpy(estimator)
    return estimator


# --------------------------------------------------------------------------
# The meta-estimator.


def _estimator_has(attr):
    def check(self):
        if hasattr(self, "estimator_"):
            return hasattr(self.estimator_, attr)
        return hasattr(self.estimator, attr)

    return check


class DeviceEstimator(MetaEstimatorMixin, BaseEstimator):
    """Fit and apply an estimator on the device the setting chooses.

    At ``fit`` the device is resolved (:func:`resolve_device`) and the
    estimator replaced by its implementation for that device (see
    :func:`to_device`): cuML, XGBoost or LightGBM on the GPU, or the
    scikit-learn estimator itself fed GPU arrays under
    ``sklearn.config_context(array_api_dispatch=True)`` when it supports the
    array API. Inputs may be NumPy or pandas (copied to the GPU once per
    call) or GPU arrays (used in place); outputs come back in the
    library of the input. On the CPU it is a thin wrapper whose results are
    those of ``estimator`` bit for bit.

    Parameters
    ----------
    estimator : estimator instance
        The estimator to run (not modified: a clone or a converted copy is
        fitted).
    device : {"auto", "cpu", "gpu"} or None, default="auto"
        Where to run. ``"auto"`` uses a GPU when one is usable, ``"gpu"``
        raises an error when none is, ``None`` takes the global setting
        (:func:`skextra.set_config`).

    Attributes
    ----------
    estimator_ : estimator instance
        The fitted implementation (a cuML, XGBoost, LightGBM or scikit-learn
        estimator).
    device_ : {"cpu", "gpu"}
        The device it was fitted on.
    backend_ : str
        What runs it: ``"cpu"``, ``"cuml"``, ``"xgboost"``, ``"lightgbm"``,
        ``"array_api"`` or ``"pipeline"``.
    classes_ : ndarray of shape (n_classes,)
        The class labels (classifiers only), as a NumPy array.
    n_features_in_ : int
        Number of features seen during fit.
    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Names of features seen during fit, when ``X`` has string column
        names (not on the array-API path, which works on bare arrays).

    See Also
    --------
    to_device : The dispatch applied at fit time.
    to_cpu : Bring the fitted model back to a plain CPU estimator.

    Notes
    -----
    The array-API path needs ``SCIPY_ARRAY_API=1`` in the environment before
    SciPy is imported (a requirement of scikit-learn); without it those
    estimators run on the CPU.

    Examples
    --------
    >>> from sklearn.datasets import load_iris
    >>> from sklearn.linear_model import LogisticRegression
    >>> from skextra.gpu import DeviceEstimator
    >>> X, y = load_iris(return_X_y=True)
    >>> model = DeviceEstimator(LogisticRegression(max_iter=500), device="cpu")
    >>> model.fit(X, y).predict(X[:3])
    array([0, 0, 0])
    >>> model.backend_
    'cpu'
    """

    _parameter_constraints = {
        "estimator": [HasMethods(["fit"])],
        "device": DEVICE_CONSTRAINT,
    }

    def __init__(self, estimator, *, device="auto"):
        self.estimator = estimator
        self.device = device

    def __sklearn_tags__(self):
        tags = copy.deepcopy(get_tags(self.estimator))
        tags.array_api_support = False
        return tags

    @staticmethod
    def _move_in(array):
        if array is None:
            return None
        xp, device = _device._gpu_namespace()
        if not is_foreign_array(array):
            array = np.asarray(array)
        return move_to(array, xp=xp, device=device)

    def _move_fit_params(self, fit_params, n_samples):
        moved = {}
        for key, value in fit_params.items():
            if (
                hasattr(value, "shape")
                and len(value) == n_samples
                and np.issubdtype(
                    np.asarray(
                        to_numpy(value) if is_foreign_array(value) else value
                    ).dtype,
                    np.number,
                )
            ):
                moved[key] = self._move_in(value)
            else:
                moved[key] = value
        return moved

    def _back(self, result, X):
        if is_foreign_array(X):
            return result
        if isinstance(result, tuple):
            return tuple(self._back(r, X) for r in result)
        if is_foreign_array(result):
            return to_numpy(result)
        return result

    def _forward(self, result, X):
        """A host result of a host-only backend, put where the device input ``X`` is."""
        if not is_foreign_array(X):
            return result
        if isinstance(result, tuple):
            return tuple(self._forward(r, X) for r in result)
        if isinstance(result, np.ndarray) and np.issubdtype(result.dtype, np.number):
            return move_to(result, xp=get_namespace(X), device=device_of(X))
        return result

    def _native(self, array):
        """``array`` as the (non array-API) inner estimator takes it."""
        if not is_foreign_array(array) or self.backend_ == "cuml":
            return array
        if self.backend_ == "xgboost" and _compat.is_cupy_array(array):
            return array
        return to_numpy(array)

    def _run(self, method, X, *args, **kwargs):
        check_is_fitted(self)
        inner = getattr(self.estimator_, method)
        if self.backend_ != "array_api":
            args = tuple(self._native(a) for a in args)
            return self._forward(inner(self._native(X), *args, **kwargs), X)
        X_dev = self._move_in(X)
        with sklearn.config_context(array_api_dispatch=True):
            return self._back(inner(X_dev, *args, **kwargs), X)

    def _fit(self, method, X, y, **fit_params):
        self.device_ = _device.resolve_device(self.device)
        if self.device_ == "cpu":
            estimator, backend = clone(self.estimator), "cpu"
        else:
            estimator, backend = _dispatch(self.estimator, wrap_array_api=False)
        self.estimator_ = estimator
        self.backend_ = backend
        if backend != "array_api":
            out = getattr(estimator, method)(
                self._native(X), self._native(y), **fit_params
            )
            return out if out is estimator else self._forward(out, X)
        X_dev = self._move_in(X)
        y_dev = y
        if y is not None:
            y_np = to_numpy(y) if is_foreign_array(y) else np.asarray(y)
            if np.issubdtype(y_np.dtype, np.number):
                y_dev = self._move_in(y)
        fit_params = self._move_fit_params(fit_params, X_dev.shape[0])
        with sklearn.config_context(array_api_dispatch=True):
            out = getattr(estimator, method)(X_dev, y_dev, **fit_params)
        return out if out is estimator else self._back(out, X)

    @_fit_context(prefer_skip_nested_validation=False)
    def fit(self, X, y=None, **fit_params):
        """Resolve the device, dispatch the estimator, and fit it.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Training data: NumPy, pandas, or GPU arrays (CuPy, PyTorch).
        y : array-like of shape (n_samples,) or None, default=None
            Targets.
        **fit_params : dict
            Passed to the estimator's ``fit``.

        Returns
        -------
        self : DeviceEstimator
            The fitted wrapper.
        """
        self._fit("fit", X, y, **fit_params)
        return self

    @available_if(_estimator_has("fit_transform"))
    @_fit_context(prefer_skip_nested_validation=False)
    def fit_transform(self, X, y=None, **fit_params):
        """Fit the estimator and transform ``X``.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Training data.
        y : array-like of shape (n_samples,) or None, default=None
            Targets.
        **fit_params : dict
            Passed to the estimator's ``fit_transform``.

        Returns
        -------
        X_new : array
            Transformed data, in the library of ``X``.
        """
        return self._fit("fit_transform", X, y, **fit_params)

    @available_if(_estimator_has("predict"))
    def predict(self, X, **params):
        """Predict with the fitted estimator.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Data.
        **params : dict
            Passed to the estimator's ``predict``.

        Returns
        -------
        y : array
            Predictions, in the library of ``X``.
        """
        return self._run("predict", X, **params)

    @available_if(_estimator_has("predict_proba"))
    def predict_proba(self, X):
        """Class probabilities from the fitted estimator.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Data.

        Returns
        -------
        proba : array of shape (n_samples, n_classes)
            In the library of ``X``.
        """
        return self._run("predict_proba", X)

    @available_if(_estimator_has("predict_log_proba"))
    def predict_log_proba(self, X):
        """Log of the class probabilities from the fitted estimator.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Data.

        Returns
        -------
        log_proba : array of shape (n_samples, n_classes)
            In the library of ``X``.
        """
        return self._run("predict_log_proba", X)

    @available_if(_estimator_has("decision_function"))
    def decision_function(self, X):
        """Decision function of the fitted estimator.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Data.

        Returns
        -------
        scores : array
            In the library of ``X``.
        """
        return self._run("decision_function", X)

    @available_if(_estimator_has("transform"))
    def transform(self, X):
        """Transform ``X`` with the fitted estimator.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Data.

        Returns
        -------
        X_new : array
            In the library of ``X``.
        """
        return self._run("transform", X)

    @available_if(_estimator_has("inverse_transform"))
    def inverse_transform(self, X):
        """Undo the transformation of the fitted estimator.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_components)
            Transformed data.

        Returns
        -------
        X_original : array
            In the library of ``X``.
        """
        return self._run("inverse_transform", X)

    @available_if(_estimator_has("score"))
    def score(self, X, y, sample_weight=None):
        """Score of the fitted estimator on ``(X, y)``.

        Classifiers give the accuracy, regressors the R² of their
        predictions, other estimators their own ``score``.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Data.
        y : array-like of shape (n_samples,)
            True targets.
        sample_weight : array-like of shape (n_samples,), default=None
            Sample weights.

        Returns
        -------
        score : float
        """
        check_is_fitted(self)
        kind = get_tags(self).estimator_type
        if kind == "classifier":
            return float(
                accuracy_score(y, self.predict(X), sample_weight=sample_weight)
            )
        if kind == "regressor":
            return float(r2_score(y, self.predict(X), sample_weight=sample_weight))
        if sample_weight is None:
            return self._run("score", X, y)
        return self._run("score", X, y, sample_weight=sample_weight)

    @property
    def classes_(self):
        """The class labels seen at fit, as a NumPy array."""
        check_is_fitted(self)
        classes = self.estimator_.classes_
        return to_numpy(classes) if is_foreign_array(classes) else classes

    @property
    def n_features_in_(self):
        """Number of features seen during fit."""
        check_is_fitted(self)
        return self.estimator_.n_features_in_

    @property
    def feature_names_in_(self):
        """Names of features seen during fit."""
        check_is_fitted(self)
        return self.estimator_.feature_names_in_

    def __sklearn_is_fitted__(self):
        return hasattr(self, "estimator_")
