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

import os
import warnings
from importlib import import_module

from sklearn.base import clone
from sklearn.frozen import FrozenEstimator
from sklearn.pipeline import Pipeline
from sklearn.utils._tags import get_tags

from . import _device
from ._estimator import DeviceEstimator
from ._libraries import library_of, lightgbm_device_key
from ._translate import DeviceFallbackWarning, Unsupported, counterpart_of, translate

BACKENDS = ("cpu", "cuml", "xgboost", "lightgbm", "array_api", "pipeline")


def _warn_fallback(estimator, reason):
    warnings.warn(
        f"{type(estimator).__name__}: {reason}; it stays a "
        f"{library_of(estimator) or 'scikit-learn'} estimator.",
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


def _lightgbm_to_gpu(estimator):
    params = estimator.get_params(deep=False)
    key = lightgbm_device_key(params)
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
            dispatched.append((name, *dispatch(step, wrap_array_api=False)))
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


def dispatch(estimator, *, wrap_array_api=True):
    """The GPU implementation of ``estimator`` and the backend that runs it.

    Returns an unfitted estimator and one of :data:`BACKENDS`. With
    ``wrap_array_api=False`` an array-API estimator comes back as a plain
    clone (the caller feeds it GPU arrays itself).
    """
    if isinstance(estimator, DeviceEstimator):
        return dispatch(estimator.estimator, wrap_array_api=wrap_array_api)
    if isinstance(estimator, Pipeline):
        return _pipeline_to_gpu(estimator, wrap_array_api)
    library = library_of(estimator)
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
    return dispatch(estimator)[0]


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
                out.append((name, dispatch(estimator)[0], *rest))
        elif _kept_as_is(member):
            out.append(member)
        else:
            out.append(dispatch(member)[0])
    return out


def _kept_as_is(member):
    """Dropped members and already fitted (frozen) ones are not dispatched."""
    if member is None or (isinstance(member, str) and member == "drop"):
        return True
    return isinstance(member, FrozenEstimator)
