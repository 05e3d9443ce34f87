"""Device choice, dispatch of estimators to GPU libraries, GPU neighbour search.

``device="auto"`` (the default of :func:`skextra.set_config`) runs on a GPU
when one is usable and on the CPU otherwise, with the same results on the
CPU as if no GPU code existed. Nothing here imports CuPy, PyTorch, cuML,
XGBoost or LightGBM until a GPU path is taken.
"""

from ._device import gpu_available, gpu_info, resolve_device
from ._dispatch import members_to_device, to_device
from ._estimator import DeviceEstimator
from ._neighbors import GPUNeighbors
from ._to_cpu import to_cpu
from ._translate import DeviceFallbackWarning

__all__ = [
    "DeviceEstimator",
    "DeviceFallbackWarning",
    "GPUNeighbors",
    "gpu_available",
    "gpu_info",
    "members_to_device",
    "resolve_device",
    "to_cpu",
    "to_device",
]
