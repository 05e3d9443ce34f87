"""Array-namespace helpers for skextra's own numeric kernels.

skextra's kernels (combination rules, ensemble-selection hill climbing,
neighbour search and competence of dynamic selection) are written once against
the `array API standard <https://data-apis.org/array-api/>`_ and run unchanged
on NumPy, CuPy and PyTorch arrays (and on ``array_api_strict``, which the tests
use to prove that a kernel stays inside the standard). A kernel asks
:func:`get_namespace` for the namespace ``xp`` of its inputs and only calls
functions of ``xp``; :func:`to_numpy` and :func:`move_to` cross between the
host and the device at the edges.

Unlike :func:`sklearn.utils._array_api.get_namespace`, :func:`get_namespace`
here follows the arrays it is given whatever scikit-learn's
``array_api_dispatch`` setting says: a kernel runs where its inputs are.
"""

import numpy as np
from sklearn.utils import _safe_indexing

try:  # the standalone package when installed: it may know newer libraries
    import array_api_compat as _compat
except ImportError:  # pragma: no cover - scikit-learn >= 1.6 vendors it
    from sklearn.externals import array_api_compat as _compat

_NON_ARRAYS = (str, list, tuple, dict, int, float, bool)


def _arrays_only(arrays):
    return [
        a
        for a in arrays
        if a is not None and not isinstance(a, _NON_ARRAYS) and not _is_sparse(a)
    ]


def is_foreign_array(value):
    """Whether ``value`` is an array of a library other than NumPy (CuPy, PyTorch...).

    NumPy arrays and scalars, and classes (``np.float64`` itself), are not.
    """
    if isinstance(value, (np.ndarray, np.generic, type)):
        return False
    return _compat.is_array_api_obj(value)


def _is_sparse(array):
    module = type(array).__module__
    return module.startswith("scipy.sparse") or module.startswith("cupyx.scipy.sparse")


def get_namespace(*arrays, xp=None):
    """Return the array-API namespace shared by ``arrays``.

    ``None``, Python scalars, lists and sparse matrices are ignored. NumPy
    arrays give ``array_api_compat.numpy`` (NumPy with the standard's function
    names), CuPy and PyTorch arrays their ``array_api_compat`` wrappers, and
    libraries that follow the standard natively (``array_api_strict``) their
    own module.

    Parameters
    ----------
    *arrays : array objects
        The arrays a kernel works on; they must share one namespace.
    xp : module, default=None
        A namespace already known to the caller; returned as is.

    Returns
    -------
    xp : module
        The namespace. With no arrays at all, the NumPy namespace.

    Raises
    ------
    TypeError
        If the arrays come from different libraries.

    Examples
    --------
    >>> import numpy as np
    >>> from skextra.utils import get_namespace
    >>> xp = get_namespace(np.ones(3), None)
    >>> float(xp.sum(xp.ones(3)))
    3.0
    >>> is_numpy = xp.__name__.endswith("numpy")
    >>> is_numpy
    True
    """
    if xp is not None:
        return xp
    arrays = _arrays_only(arrays)
    if not arrays:
        return _compat.array_namespace(np.empty(0))
    try:
        return _compat.array_namespace(*arrays)
    except TypeError as exc:
        kinds = sorted({type(a).__module__.split(".")[0] for a in arrays})
        raise TypeError(
            f"arrays from different libraries cannot be mixed: got {kinds}."
        ) from exc


def is_numpy_namespace(xp):
    """Whether ``xp`` is NumPy or its array-API wrapper.

    Parameters
    ----------
    xp : module
        A namespace returned by :func:`get_namespace`.

    Returns
    -------
    is_numpy : bool

    Examples
    --------
    >>> import numpy as np
    >>> from skextra.utils import get_namespace, is_numpy_namespace
    >>> is_numpy_namespace(get_namespace(np.ones(2)))
    True
    """
    return xp is np or _compat.is_numpy_namespace(xp)


def device(*arrays):
    """Return the device the arrays live on.

    Parameters
    ----------
    *arrays : array objects
        Arrays on one device; ``None`` and non-arrays are ignored.

    Returns
    -------
    device : object
        The namespace's device object (``"cpu"`` for NumPy arrays), or
        ``None`` when no array is given.

    Raises
    ------
    ValueError
        If the arrays are on different devices.

    Examples
    --------
    >>> import numpy as np
    >>> from skextra.utils import device
    >>> device(np.ones(2), np.zeros(3))
    'cpu'
    """
    arrays = _arrays_only(arrays)
    if not arrays:
        return None
    devices = [_compat.device(a) for a in arrays]
    first = devices[0]
    for other in devices[1:]:
        if other != first:
            raise ValueError(
                f"arrays must be on one device, got {first!r} and {other!r}."
            )
    return first


def to_numpy(array, xp=None):
    """Copy an array of any supported library into a NumPy array on the host.

    Parameters
    ----------
    array : array object
        A NumPy, CuPy, PyTorch or other array-API array.
    xp : module, default=None
        Its namespace, if already known.

    Returns
    -------
    array : numpy.ndarray

    Examples
    --------
    >>> import array_api_strict as xps
    >>> from skextra.utils import to_numpy
    >>> to_numpy(xps.asarray([1.0, 2.0]))
    array([1., 2.])
    """
    if isinstance(array, np.ndarray):
        return array
    xp = get_namespace(array, xp=xp)
    if is_numpy_namespace(xp):
        return np.asarray(array)
    if _compat.is_cupy_namespace(xp):
        return array.get()
    if _compat.is_torch_namespace(xp):
        return array.detach().cpu().numpy()
    try:
        return np.from_dlpack(array)
    except Exception:
        return np.asarray(array)


def to_host(array):
    """``array`` as a NumPy array when it lives in another namespace, else as is.

    Unlike :func:`to_numpy`, host objects (pandas, lists, sparse matrices)
    are returned unchanged.

    Parameters
    ----------
    array : object
        Anything.

    Returns
    -------
    array : object

    Examples
    --------
    >>> import array_api_strict as xps
    >>> from skextra.utils import to_host
    >>> to_host(xps.asarray([1, 2]))
    array([1, 2])
    >>> to_host([1, 2])
    [1, 2]
    """
    return to_numpy(array) if is_foreign_array(array) else array


def move_to(array, *, xp, device=None):
    """Put a NumPy (or other) array into namespace ``xp`` on ``device``.

    Parameters
    ----------
    array : array-like
        The data to move.
    xp : module
        The target namespace.
    device : object, default=None
        The target device (as returned by :func:`device`); ``None`` uses the
        namespace's default device.

    Returns
    -------
    array : array object of namespace ``xp``

    Examples
    --------
    >>> import numpy as np
    >>> import array_api_strict as xps
    >>> from skextra.utils import move_to, get_namespace
    >>> a = move_to(np.arange(3.0), xp=xps)
    >>> get_namespace(a) is xps
    True
    """
    if is_numpy_namespace(xp):
        return np.asarray(array if isinstance(array, np.ndarray) else to_numpy(array))
    if not isinstance(array, np.ndarray) and get_namespace(array) is not xp:
        array = to_numpy(array)
    if device is None:
        return xp.asarray(array)
    return xp.asarray(array, device=device)


def take_rows(array, indices):
    """Rows ``indices`` of ``array``, on the array's own device.

    NumPy arrays, pandas objects, lists and sparse matrices are indexed with
    :func:`sklearn.utils._safe_indexing`; arrays of another namespace (CuPy,
    PyTorch) with ``xp.take``, the indices being copied to their device, so
    the rows never leave it.

    Parameters
    ----------
    array : array-like of shape (n_samples, ...)
        The data.
    indices : array-like of int
        Row indices.

    Returns
    -------
    rows : same kind as ``array``

    Examples
    --------
    >>> import array_api_strict as xps
    >>> from skextra.utils import take_rows, to_numpy
    >>> to_numpy(take_rows(xps.asarray([[1.0], [2.0], [3.0]]), [2, 0]))
    array([[3.],
           [1.]])
    """
    if not is_foreign_array(array):
        return _safe_indexing(array, indices)
    xp = get_namespace(array)
    if is_numpy_namespace(xp):
        return _safe_indexing(array, indices)
    where = _compat.device(array)
    return xp.take(array, xp.asarray(np.asarray(indices), device=where), axis=0)


def max_float_dtype(xp, device=None):
    """The widest real floating dtype ``xp`` supports on ``device``.

    float64 where the device has it (CPU, CUDA), float32 otherwise (for
    example PyTorch on Apple's MPS).

    Parameters
    ----------
    xp : module
        An array namespace.
    device : object, default=None
        A device of ``xp``.

    Returns
    -------
    dtype : dtype of ``xp``

    Examples
    --------
    >>> import numpy as np
    >>> from skextra.utils import get_namespace, max_float_dtype
    >>> max_float_dtype(get_namespace(np.ones(1))) == np.float64
    True
    """
    try:
        info = xp.__array_namespace_info__()
        floats = info.dtypes(device=device, kind="real floating")
    except Exception:
        return xp.float64
    return floats.get("float64", xp.float32)
