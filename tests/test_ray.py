"""skextra's ensembles on Ray's joblib backend give the predictions of a local run.

Ray is not among the test dependencies: this module runs where Ray is
installed and is skipped elsewhere.
"""

import os

import joblib
import numpy as np
import pytest
from sklearn.base import clone

from ._scaleout import ESTIMATORS, IDS, make_data

ray = pytest.importorskip("ray")


@pytest.fixture(scope="module")
def ray_backend():
    from ray.util.joblib import register_ray

    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False)
    register_ray()
    yield
    ray.shutdown()


def test_jobs_run_in_ray_workers(ray_backend):
    from skextra.utils import run_longest_first

    with joblib.parallel_config(backend="ray"):
        pids = run_longest_first(
            [(os.getpid, (), {}) for _ in range(4)], [1.0] * 4, n_jobs=2
        )
    assert os.getpid() not in pids


@pytest.mark.parametrize("make", ESTIMATORS, ids=IDS)
def test_ray_backend_gives_the_local_predictions(ray_backend, make):
    X, y, X_test = make_data()
    local = clone(make()).set_params(n_jobs=1).fit(X, y)
    with joblib.parallel_config(backend="ray"):
        remote = clone(make()).set_params(n_jobs=2).fit(X, y)
    np.testing.assert_array_equal(remote.predict(X_test), local.predict(X_test))
    np.testing.assert_array_equal(
        remote.predict_proba(X_test), local.predict_proba(X_test)
    )
