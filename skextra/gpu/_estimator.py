"""A meta-estimator that fits and applies its estimator on the chosen device."""

import copy

import numpy as np
import sklearn
from sklearn.base import BaseEstimator, MetaEstimatorMixin, _fit_context, clone
from sklearn.metrics import accuracy_score, r2_score
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
from ..utils._validation import DEVICE_CONSTRAINT
from . import _device


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
            # Imported here: _dispatch imports this module (it wraps the
            # array-API steps of pipelines in DeviceEstimator).
            from ._dispatch import dispatch

            estimator, backend = dispatch(self.estimator, wrap_array_api=False)
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
