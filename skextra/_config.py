"""Global settings of skextra, overridable per thread with a context manager."""

import threading
from contextlib import contextmanager

DEVICES = ("auto", "cpu", "gpu")

_global_config = {
    "device": "auto",
    "progress": False,
}
_threadlocal = threading.local()


def _thread_config():
    if not hasattr(_threadlocal, "config"):
        _threadlocal.config = _global_config.copy()
    return _threadlocal.config


def get_config():
    """Return the current skextra settings.

    Returns
    -------
    config : dict
        Keys are the parameter names of :func:`set_config`.

    See Also
    --------
    set_config : Change the settings.
    config_context : Change the settings inside a ``with`` block.

    Examples
    --------
    >>> import skextra
    >>> skextra.get_config()["device"]
    'auto'
    """
    return _thread_config().copy()


def set_config(device=None, progress=None):
    """Set skextra's settings for the current thread.

    Parameters
    ----------
    device : {"auto", "cpu", "gpu"}, default=None
        Where estimators that can use a GPU run when their own ``device``
        parameter is ``None``. ``"auto"`` uses a GPU when one is usable and
        the CPU otherwise; ``"gpu"`` raises an error when none is usable.
        ``None`` leaves the setting unchanged.
    progress : bool, default=None
        Whether long fits show a progress bar. ``None`` leaves the setting
        unchanged.

    See Also
    --------
    get_config : Read the settings.
    config_context : Change the settings inside a ``with`` block.

    Examples
    --------
    >>> import skextra
    >>> skextra.set_config(device="cpu")
    >>> skextra.get_config()["device"]
    'cpu'
    >>> skextra.set_config(device="auto")
    """
    config = _thread_config()
    if device is not None:
        if device not in DEVICES:
            raise ValueError(f"device must be one of {DEVICES}, got {device!r}.")
        config["device"] = device
    if progress is not None:
        if not isinstance(progress, bool):
            raise TypeError(f"progress must be a bool, got {progress!r}.")
        config["progress"] = progress


@contextmanager
def config_context(*, device=None, progress=None):
    """Change skextra's settings inside a ``with`` block.

    Parameters
    ----------
    device : {"auto", "cpu", "gpu"}, default=None
        See :func:`set_config`.
    progress : bool, default=None
        See :func:`set_config`.

    Yields
    ------
    None

    See Also
    --------
    set_config : Change the settings.

    Examples
    --------
    >>> import skextra
    >>> with skextra.config_context(device="cpu"):
    ...     skextra.get_config()["device"]
    'cpu'
    >>> skextra.get_config()["device"]
    'auto'
    """
    old = get_config()
    set_config(device=device, progress=progress)
    try:
        yield
    finally:
        set_config(**old)
