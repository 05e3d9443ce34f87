"""Report the versions of skextra's dependencies and the device found."""

import importlib.metadata
import platform
import sys

_PACKAGES = (
    "skextra",
    "scikit-learn",
    "numpy",
    "scipy",
    "joblib",
    "imbalanced-learn",
    "xgboost",
    "lightgbm",
    "pandas",
    "cupy",
    "torch",
    "cuml",
    "dask",
    "distributed",
)


def _versions():
    found = {}
    for name in _PACKAGES:
        try:
            found[name] = importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            found[name] = None
    return found


def show_versions():
    """Print the Python, platform and dependency versions, and the device.

    Importing a package is avoided: versions come from the installed
    metadata, and the GPU is looked up without creating a CUDA context.

    Examples
    --------
    >>> import skextra
    >>> skextra.show_versions()  # doctest: +ELLIPSIS
    System:
    ...
    """
    from .gpu import gpu_info

    print("System:")
    print(f"    python: {sys.version.split()[0]}")
    print(f"  platform: {platform.platform()}")
    print("Dependencies:")
    for name, version in _versions().items():
        print(f"  {name:>16}: {version}")
    print("Device:")
    info = gpu_info()
    if info is None:
        print("       gpu: none usable")
    else:
        print(f"       gpu: {info}")
