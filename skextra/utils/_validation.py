"""Checks shared by the estimators: the device parameter, DataFrame inputs,
members' tags and fitted state."""

from sklearn.utils import Tags, TargetTags, get_tags
from sklearn.utils._param_validation import StrOptions

from .._config import DEVICES

DEVICE_CONSTRAINT = [StrOptions(set(DEVICES)), None]


def is_dataframe(X):
    """Whether ``X`` is a dataframe (pandas, or any with ``__dataframe__``).

    Examples
    --------
    >>> import pandas as pd
    >>> from skextra.utils._validation import is_dataframe
    >>> is_dataframe(pd.DataFrame({"a": [1]})), is_dataframe([[1]])
    (True, False)
    """
    return (hasattr(X, "iloc") and hasattr(X, "columns")) or hasattr(X, "__dataframe__")


def member_tags(estimator):
    """scikit-learn's tags of ``estimator``; for an object without
    ``__sklearn_tags__`` (not a ``BaseEstimator``), the tags ``BaseEstimator``
    gives by default.

    Examples
    --------
    >>> from skextra.utils._validation import member_tags
    >>> class Member:
    ...     def fit(self, X, y):
    ...         return self
    >>> member_tags(Member()).estimator_type is None
    True
    """
    if hasattr(estimator, "__sklearn_tags__"):
        return get_tags(estimator)
    return Tags(estimator_type=None, target_tags=TargetTags(required=False))


def is_fitted(estimator):
    """Whether ``estimator`` is fitted: it has ``classes_`` (as DESlib
    judges its members), or ``check_is_fitted`` would pass.

    Examples
    --------
    >>> from sklearn.linear_model import LogisticRegression
    >>> from skextra.utils._validation import is_fitted
    >>> model = LogisticRegression()
    >>> before = is_fitted(model)
    >>> before, is_fitted(model.fit([[0], [1]], [0, 1]))
    (False, True)
    """
    if hasattr(estimator, "classes_"):
        return True
    if not hasattr(estimator, "fit"):
        return False
    if not member_tags(estimator).requires_fit:
        return True
    if hasattr(estimator, "__sklearn_is_fitted__"):
        return bool(estimator.__sklearn_is_fitted__())
    return any(k.endswith("_") and not k.startswith("__") for k in vars(estimator))
