"""Bring a model fitted on a GPU back to plain CPU estimators and NumPy arrays."""

import copy

from sklearn.base import BaseEstimator
from sklearn.pipeline import Pipeline

from ..utils._array_api import is_foreign_array, to_numpy
from ._estimator import DeviceEstimator
from ._libraries import library_of, lightgbm_device_key


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
    library = library_of(estimator)
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
        new.set_params(**{lightgbm_device_key(params): "cpu"})
        return new
    if isinstance(estimator, BaseEstimator):
        return _state_to_numpy(estimator)
    return estimator
