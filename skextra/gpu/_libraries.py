"""The device settings of the GPU-capable libraries (which library: utils)."""

from ..utils._libraries import LIBRARIES as GPU_LIBRARIES
from ..utils._libraries import library_of

__all__ = ["GPU_LIBRARIES", "library_of", "lightgbm_device_key"]


def lightgbm_device_key(params):
    """The name under which a LightGBM estimator's ``params`` hold its device."""
    return "device" if "device" in params else "device_type"
