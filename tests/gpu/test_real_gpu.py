"""Checks that need an NVIDIA GPU (skipped elsewhere by the ``gpu`` marker).

They were written without access to a GPU machine; see doc/gpu.rst for what
has and has not been run on real hardware.
"""

import os
import subprocess
import sys

import numpy as np
import pytest
from sklearn.datasets import make_classification
from sklearn.neighbors import NearestNeighbors

from skextra.gpu import DeviceEstimator, GPUNeighbors, to_cpu, to_device

pytestmark = pytest.mark.gpu

X, y = make_classification(n_samples=2000, n_features=10, random_state=0)


def _gpu_array_libraries():
    found = []
    for name in ("cupy", "torch"):
        try:
            __import__(name)
            found.append(name)
        except ImportError:
            pass
    return found


@pytest.mark.parametrize("library", _gpu_array_libraries())
def test_neighbours_on_gpu_arrays_match_sklearn(library):
    if library == "cupy":
        import cupy

        Xg, Qg = cupy.asarray(X[:1500]), cupy.asarray(X[1500:])
    else:
        import torch

        Xg = torch.asarray(X[:1500], device="cuda")
        Qg = torch.asarray(X[1500:], device="cuda")
    dist, ind = GPUNeighbors().fit(Xg).kneighbors(Qg, n_neighbors=9)
    assert type(ind).__module__.split(".")[0] == library
    from skextra.utils import to_numpy

    ref_dist, ref_ind = (
        NearestNeighbors(n_neighbors=9).fit(X[:1500]).kneighbors(X[1500:])
    )
    np.testing.assert_array_equal(to_numpy(ind), ref_ind)
    np.testing.assert_allclose(to_numpy(dist), ref_dist, rtol=1e-10)


def test_knorae_with_the_gpu_searcher_predicts_like_the_cpu():
    from skextra.ensemble import KNORAE

    cpu = KNORAE(k=7, random_state=0).fit(X[:1500], y[:1500])
    gpu = KNORAE(k=7, random_state=0, knn_classifier=GPUNeighbors(device="gpu"))
    gpu.fit(X[:1500], y[:1500])
    np.testing.assert_array_equal(gpu.predict(X[1500:]), cpu.predict(X[1500:]))


def test_xgboost_on_cuda_and_back():
    xgb = pytest.importorskip("xgboost")
    model = to_device(xgb.XGBClassifier(n_estimators=20, max_depth=3), device="gpu")
    assert model.get_params()["device"] == "cuda"
    model.fit(X, y)
    cpu = to_cpu(model)
    assert cpu.get_params()["device"] == "cpu"
    np.testing.assert_allclose(cpu.predict_proba(X), model.predict_proba(X), rtol=1e-5)


def test_cuml_random_forest_round_trip():
    pytest.importorskip("cuml")
    from sklearn.ensemble import RandomForestClassifier

    model = DeviceEstimator(
        RandomForestClassifier(n_estimators=20, max_depth=8, random_state=0),
        device="gpu",
    )
    model.fit(X.astype(np.float32), y)
    assert model.backend_ == "cuml"
    accuracy = (model.predict(X.astype(np.float32)) == y).mean()
    assert accuracy > 0.9
    cpu = to_cpu(model)
    assert type(cpu) is RandomForestClassifier
    assert (cpu.predict(X.astype(np.float32)) == y).mean() > 0.9


def test_array_api_path_on_the_gpu():
    code = (
        "import numpy as np\n"
        "from sklearn.datasets import make_regression\n"
        "from sklearn.linear_model import Ridge\n"
        "import sys; sys.modules['cuml'] = None\n"
        "from skextra.gpu import DeviceEstimator\n"
        "X, y = make_regression(n_samples=500, n_features=8, random_state=0)\n"
        "m = DeviceEstimator(Ridge(solver='svd'), device='gpu').fit(X, y)\n"
        "assert m.backend_ == 'array_api', m.backend_\n"
        "ref = Ridge(solver='svd').fit(X, y).predict(X)\n"
        "np.testing.assert_allclose(m.predict(X), ref, rtol=1e-8)\n"
        "print('OK')\n"
    )
    env = dict(os.environ, SCIPY_ARRAY_API="1")
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env
    )
    assert done.returncode == 0, done.stderr[-3000:]
