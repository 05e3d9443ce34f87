"""Device choice: is a GPU usable, and where should an estimator run.

Detection never creates a CUDA context and never imports CuPy or PyTorch: it
asks NVML (through ``pynvml``, shipped by ``nvidia-ml-py``) or reads the
driver's files under ``/proc/driver/nvidia``, and only checks that an array
library is installed. It is therefore safe to call before joblib starts worker
processes, and cheap: the answer is cached for the life of the process.
"""

import functools
import importlib.util
import os
import sys

from .._config import get_config

_DEVICES = ("auto", "cpu", "gpu")
_ARRAY_LIBRARIES = ("cupy", "torch")


def _visible_devices():
    """Parse ``CUDA_VISIBLE_DEVICES``.

    Returns None when the variable is unset (every device is visible), an
    empty list when it hides every device, and otherwise the list of its
    entries (indices or UUIDs). As in CUDA, parsing stops at the first
    invalid index.
    """
    visible = os.environ.get("CUDA_VISIBLE_DEVICES")
    if visible is None:
        return None
    entries = []
    for entry in visible.split(","):
        entry = entry.strip()
        if not entry:
            break
        if entry.lstrip("-").isdigit():
            if int(entry) < 0:
                break
            entries.append(int(entry))
        else:
            entries.append(entry)
    return entries


def _select_visible(names, visible):
    if visible is None:
        return names
    if all(isinstance(entry, int) for entry in visible):
        selected = []
        for index in visible:
            if index >= len(names):
                break
            selected.append(names[index])
        return selected
    # UUIDs or MIG names cannot be matched without NVML handles; each entry
    # names one device.
    return names[: len(visible)]


def _nvml_device_names():
    try:
        import pynvml  # shipped by nvidia-ml-py
    except ImportError:
        return None
    try:
        pynvml.nvmlInit()
    except Exception:
        return []
    try:
        names = []
        for i in range(pynvml.nvmlDeviceGetCount()):
            name = pynvml.nvmlDeviceGetName(pynvml.nvmlDeviceGetHandleByIndex(i))
            names.append(name.decode() if isinstance(name, bytes) else name)
        return names
    except Exception:
        return []
    finally:
        try:
            pynvml.nvmlShutdown()
        except Exception:
            pass


def _driver_device_names():
    root = "/proc/driver/nvidia/gpus"
    if not os.path.isdir(root):
        return []
    names = []
    for entry in sorted(os.listdir(root)):
        try:
            with open(os.path.join(root, entry, "information")) as fh:
                for line in fh:
                    if line.startswith("Model:"):
                        names.append(line.split(":", 1)[1].strip())
                        break
                else:
                    names.append("NVIDIA GPU")
        except OSError:
            names.append("NVIDIA GPU")
    return names


def _installed(module):
    try:
        return importlib.util.find_spec(module) is not None
    except (ImportError, ValueError):
        return module in sys.modules


def _array_libraries():
    """The GPU array libraries installed, without importing them."""
    return [name for name in _ARRAY_LIBRARIES if _installed(name)]


@functools.lru_cache(maxsize=1)
def _detect():
    visible = _visible_devices()
    if visible == []:
        return None
    names = _nvml_device_names()
    if names is None:
        names = _driver_device_names()
    names = _select_visible(names, visible)
    if not names:
        return None
    if not _array_libraries():
        return None
    return ", ".join(names)


def gpu_info():
    """Describe the usable GPU, or return None when there is none.

    A GPU is usable when the NVIDIA driver reports one, it is not hidden by
    ``CUDA_VISIBLE_DEVICES``, and CuPy or PyTorch is installed. The answer is
    cached; no CUDA context is created and neither CuPy nor PyTorch is
    imported.

    Returns
    -------
    info : str or None
        The names of the visible devices, comma-separated, or None.

    See Also
    --------
    gpu_available : The same answer as a bool.
    resolve_device : Turn a ``device`` parameter into ``"cpu"`` or ``"gpu"``.

    Examples
    --------
    >>> from skextra.gpu import gpu_info
    >>> gpu_info() is None or isinstance(gpu_info(), str)
    True
    """
    return _detect()


def gpu_available():
    """Return whether a GPU is usable (see :func:`gpu_info`).

    Returns
    -------
    available : bool

    See Also
    --------
    gpu_info : The names of the usable devices.

    Examples
    --------
    >>> from skextra.gpu import gpu_available
    >>> isinstance(gpu_available(), bool)
    True
    """
    return _detect() is not None


def resolve_device(device=None):
    """Turn a ``device`` parameter into ``"cpu"`` or ``"gpu"``.

    Parameters
    ----------
    device : {"auto", "cpu", "gpu"} or None, default=None
        ``None`` takes the global setting (:func:`skextra.set_config`).
        ``"auto"`` gives ``"gpu"`` when a GPU is usable and ``"cpu"``
        otherwise, silently.

    Returns
    -------
    device : {"cpu", "gpu"}

    Raises
    ------
    ValueError
        If ``device`` is not one of the accepted values.
    RuntimeError
        If ``device="gpu"`` and no GPU is usable.

    See Also
    --------
    gpu_available : Whether a GPU is usable.

    Examples
    --------
    >>> from skextra.gpu import resolve_device
    >>> resolve_device("cpu")
    'cpu'
    >>> resolve_device("auto") in ("cpu", "gpu")
    True
    """
    if device is None:
        device = get_config()["device"]
    if not isinstance(device, str) or device not in _DEVICES:
        raise ValueError(f"device must be 'auto', 'cpu' or 'gpu', got {device!r}.")
    if device == "cpu":
        return "cpu"
    if gpu_available():
        return "gpu"
    if device == "gpu":
        raise RuntimeError(
            "device='gpu' was asked for but no GPU is usable: it needs an "
            "NVIDIA driver, a visible device (CUDA_VISIBLE_DEVICES) and CuPy "
            "or PyTorch installed."
        )
    return "cpu"


def _gpu_namespace():
    """The array namespace and device that hold data on the GPU.

    CuPy when it is installed, else PyTorch on ``"cuda"``. Only called once a
    device resolved to ``"gpu"``: this is where the array library is imported
    and the CUDA context created.
    """
    from ..utils._array_api import get_namespace

    if _installed("cupy"):
        import cupy

        return get_namespace(cupy.empty(0)), None
    import torch

    return get_namespace(torch.empty(0)), "cuda"
