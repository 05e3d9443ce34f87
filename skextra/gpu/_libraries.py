"""Which library an estimator comes from, judged without importing any."""

GPU_LIBRARIES = ("xgboost", "lightgbm", "cuml")


def library_of(estimator):
    """The library of ``estimator``'s class: one of :data:`GPU_LIBRARIES` or None.

    Read from the class's module name, so nothing is imported; scikit-learn
    and every other library give None.

    Examples
    --------
    >>> from sklearn.linear_model import Ridge
    >>> from xgboost import XGBRegressor
    >>> from skextra.gpu._libraries import library_of
    >>> library_of(XGBRegressor()), library_of(Ridge())
    ('xgboost', None)
    """
    module = type(estimator).__module__
    for library in GPU_LIBRARIES:
        if module == library or module.startswith(library + "."):
            return library
    return None


def lightgbm_device_key(params):
    """The name under which a LightGBM estimator's ``params`` hold its device."""
    return "device" if "device" in params else "device_type"
