"""Which library an estimator comes from, judged without importing anything."""

LIBRARIES = ("xgboost", "lightgbm", "cuml")
BOOSTING_LIBRARIES = ("xgboost", "lightgbm")


def library_of(estimator):
    """The library of ``LIBRARIES`` that defines ``estimator``'s class, or None.

    Examples
    --------
    >>> from sklearn.linear_model import Ridge
    >>> from skextra.utils._libraries import library_of
    >>> print(library_of(Ridge()))
    None
    """
    module = type(estimator).__module__
    for library in LIBRARIES:
        if module == library or module.startswith(library + "."):
            return library
    return None
