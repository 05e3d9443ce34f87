"""Array-namespace helpers: namespaces, devices, host/device copies."""

import array_api_strict as xps
import numpy as np
import pytest
from numpy.testing import assert_array_equal
from scipy import sparse

from skextra.utils import (
    device,
    get_namespace,
    is_numpy_namespace,
    max_float_dtype,
    move_to,
    to_numpy,
)


def test_get_namespace_follows_the_arrays():
    xp = get_namespace(np.ones(2))
    assert is_numpy_namespace(xp)
    assert xp.__name__.endswith("numpy")
    assert get_namespace(xps.asarray([1.0])) is xps
    # None, scalars, lists and sparse matrices are ignored
    assert get_namespace(None, 3, [1, 2], sparse.eye(2), xps.asarray([1.0])) is xps
    # with no array at all: NumPy
    assert is_numpy_namespace(get_namespace())
    # a namespace given by the caller is returned as is
    assert get_namespace(np.ones(2), xp=xps) is xps


def test_get_namespace_ignores_sklearn_dispatch_setting():
    from sklearn import config_context

    with config_context(array_api_dispatch=False):
        assert get_namespace(xps.asarray([1.0])) is xps


def test_mixed_libraries_are_rejected():
    with pytest.raises(TypeError, match="different libraries"):
        get_namespace(np.ones(2), xps.asarray([1.0]))


def test_to_numpy_and_move_to_round_trip():
    data = np.arange(6.0).reshape(2, 3)
    strict = move_to(data, xp=xps)
    assert get_namespace(strict) is xps
    back = to_numpy(strict)
    assert isinstance(back, np.ndarray)
    assert_array_equal(back, data)
    assert to_numpy(data) is data
    # moving into NumPy gives a plain ndarray
    assert isinstance(move_to(strict, xp=get_namespace(data)), np.ndarray)


def test_device_of_arrays():
    assert device(np.ones(2), None) == "cpu"
    assert device() is None
    cpu = xps.asarray([1.0])
    other = xps.asarray([1.0], device=xps.Device("device1"))
    assert device(cpu, xps.asarray([2.0])) == device(cpu)
    with pytest.raises(ValueError, match="one device"):
        device(cpu, other)
    moved = move_to(np.ones(3), xp=xps, device=xps.Device("device1"))
    assert device(moved) == xps.Device("device1")


def test_max_float_dtype():
    assert max_float_dtype(get_namespace(np.ones(1))) == np.float64
    assert max_float_dtype(xps) == xps.float64


def test_importing_skextra_imports_no_gpu_library():
    import subprocess
    import sys

    code = (
        "import sys, skextra, skextra.utils, skextra.ensemble; "
        "print(sorted(m for m in ('torch', 'cupy', 'cuml') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert out.stdout.strip() == "[]", out.stderr
