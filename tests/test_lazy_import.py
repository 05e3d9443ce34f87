"""Importing skextra loads no GPU library, no boosting library and no Dask."""

import json
import subprocess
import sys

HEAVY = ("cupy", "torch", "cuml", "xgboost", "lightgbm", "dask", "distributed")


def _loaded_after(statements):
    code = (
        "import sys, json\n"
        + statements
        + f"\nprint(json.dumps([m for m in {HEAVY!r} if m in sys.modules]))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_importing_the_package_loads_no_heavy_library():
    loaded = _loaded_after(
        "import skextra, skextra.ensemble, skextra.resampling, skextra.gpu, "
        "skextra.utils"
    )
    assert loaded == []


def test_device_choice_and_cpu_dispatch_load_no_heavy_library():
    loaded = _loaded_after(
        "import numpy as np\n"
        "from sklearn.linear_model import LogisticRegression\n"
        "import skextra\n"
        "from skextra.gpu import DeviceEstimator, GPUNeighbors, members_to_device, "
        "resolve_device, to_device\n"
        "skextra.show_versions()\n"
        "resolve_device('auto')\n"
        "to_device(LogisticRegression(), device='cpu')\n"
        "members_to_device([LogisticRegression()], device='auto')\n"
        "X = np.random.RandomState(0).normal(size=(20, 3))\n"
        "y = (X[:, 0] > 0).astype(int)\n"
        "DeviceEstimator(LogisticRegression(), device='cpu').fit(X, y).predict(X)\n"
        "GPUNeighbors(device='cpu').fit(X).kneighbors(X, 2)\n"
    )
    assert loaded == []
