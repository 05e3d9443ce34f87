"""Checks shared by the estimators: the device parameter, DataFrame inputs."""

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
