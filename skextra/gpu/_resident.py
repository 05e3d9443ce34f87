"""One copy of the data on the device, shared by the members that take it.

An ensemble fits and applies many members to the same ``X``. Fed NumPy
arrays, each GPU member would copy ``X`` (or its fold) to the device on every
call. Instead, :func:`member_inputs` copies ``X`` (and a numeric ``y``) to
the device once; the members that accept device arrays get that copy, and
folds are cut from it on the device (:func:`skextra.utils.take_rows`). Members
that need host arrays (scikit-learn estimators without a GPU path, LightGBM,
pipelines of mixed steps) get the host data, unchanged.
"""

import numpy as np

from ..utils._array_api import _compat, _is_sparse, is_foreign_array, move_to
from . import _device
from ._estimator import DeviceEstimator
from ._libraries import library_of


def _gpu_xgboost(estimator):
    if library_of(estimator) != "xgboost":
        return False
    device = estimator.get_params(deep=False).get("device")
    return isinstance(device, str) and device.startswith(("cuda", "gpu"))


def _wants_device(estimator):
    """Whether ``estimator`` runs on the GPU, judged without importing anything."""
    if isinstance(estimator, DeviceEstimator):
        return getattr(estimator, "device_", estimator.device) == "gpu"
    return library_of(estimator) == "cuml" or _gpu_xgboost(estimator)


def takes_device_arrays(estimator, xp):
    """Whether ``estimator`` is to be fed arrays of namespace ``xp`` as they are.

    cuML estimators and :class:`DeviceEstimator` on the GPU take any device
    array; XGBoost on the GPU takes CuPy arrays.
    """
    if not _wants_device(estimator):
        return False
    if _gpu_xgboost(estimator):
        return _compat.is_cupy_namespace(xp)
    return True


def _numeric(array):
    if is_foreign_array(array):
        return True
    dtype = getattr(array, "dtype", None)
    if dtype is None and hasattr(array, "dtypes"):
        return all(np.issubdtype(d, np.number) for d in array.dtypes)
    return dtype is not None and np.issubdtype(dtype, np.number)


def device_input(estimator, array, cache, key="X"):
    """``array`` as ``estimator`` is fed it: the device copy for a GPU member.

    The copy is made once per ``cache`` (a dict the caller keeps for one
    pass over the members) and shared by every member that takes it.

    Parameters
    ----------
    estimator : estimator instance
        A member, dispatched already (see :func:`members_to_device`).
    array : array-like, sparse matrix or None
        Host data (or data already on the device).
    cache : dict
        Holds the namespace and the copies between calls.
    key : str, default="X"
        Name of the copy in ``cache``: one per distinct ``array``.

    Returns
    -------
    array : the device copy, or ``array`` itself for a member that needs
        host data, on a machine without a GPU, and for sparse or
        non-numeric data.
    """
    if (
        array is None
        or not _wants_device(estimator)
        or _is_sparse(array)
        or not _numeric(array)
    ):
        return array
    if "xp" not in cache:
        cache["xp"] = cache["where"] = None
        if _device.resolve_device("auto") == "gpu":
            cache["xp"], cache["where"] = _device._gpu_namespace()
    xp = cache["xp"]
    if xp is None or not takes_device_arrays(estimator, xp):
        return array
    if key not in cache:
        cache[key] = (
            array
            if is_foreign_array(array)
            else move_to(np.asarray(array), xp=xp, device=cache["where"])
        )
    return cache[key]


def member_inputs(estimators, X, y=None):
    """The ``(X, y)`` each member is fed, with one device copy for those that take it.

    Parameters
    ----------
    estimators : list of estimators
        The members (dispatched already, see :func:`members_to_device`).
    X : array-like or sparse matrix of shape (n_samples, n_features)
        Host data.
    y : array-like of shape (n_samples,), default=None
        Targets; copied to the device with ``X`` when numeric.

    Returns
    -------
    inputs : list of (X, y)
        One pair per member. Without a GPU member (always on a machine
        without a GPU) every pair is ``(X, y)`` itself, nothing copied.
    """
    cache, inputs = {}, []
    for estimator in estimators:
        X_member = device_input(estimator, X, cache)
        on_device = X_member is not X
        inputs.append(
            (X_member, device_input(estimator, y, cache, "y") if on_device else y)
        )
    return inputs
