"""Device choice and dispatch of work to a GPU when one is usable."""

from ._device import gpu_available, gpu_info, resolve_device

__all__ = ["gpu_available", "gpu_info", "resolve_device"]
