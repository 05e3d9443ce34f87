"""Device choice: is a GPU usable, and where should an estimator run.

Detection never creates a CUDA context (it asks NVML, or looks for the
driver's files), so it is safe to call before joblib starts worker processes.
"""

import functools
import importlib.util
import os

from .._config import get_config


def _visible_devices_hidden():
    visible = os.environ.get("CUDA_VISIBLE_DEVICES")
    return visible is not None and visible.strip() in ("", "-1")


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
    finally:
        pynvml.nvmlShutdown()


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


@functools.lru_cache(maxsize=1)
def _detect():
    if _visible_devices_hidden():
        return None
    names = _nvml_device_names()
    if names is None:
        names = _driver_device_names()
    if not names:
        return None
    has_array_lib = any(
        importlib.util.find_spec(mod) is not None for mod in ("cupy", "torch")
    )
    if not has_array_lib:
        return None
    return ", ".join(names)


def gpu_info():
    """Describe the usable GPU, or return None when there is none.

    A GPU is usable when the NVIDIA driver reports one, it is not hidden by
    ``CUDA_VISIBLE_DEVICES``, and CuPy or PyTorch is installed. The answer is
    cached; no CUDA context is created.

    Returns
    -------
    info : str or None
        The device names, or None.

    Examples
    --------
    >>> from skextra.gpu import gpu_info
    >>> gpu_info() is None or isinstance(gpu_info(), str)
    True
    """
    return _detect()


def gpu_available():
    """Return whether a GPU is usable (see :func:`gpu_info`).

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

    Returns
    -------
    device : {"cpu", "gpu"}

    Raises
    ------
    ValueError
        If ``device`` is not one of the accepted values.
    RuntimeError
        If ``device="gpu"`` and no GPU is usable.

    Examples
    --------
    >>> from skextra.gpu import resolve_device
    >>> resolve_device("cpu")
    'cpu'
    """
    if device is None:
        device = get_config()["device"]
    if device not in ("auto", "cpu", "gpu"):
        raise ValueError(
            f"device must be 'auto', 'cpu' or 'gpu', got {device!r}."
        )
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
