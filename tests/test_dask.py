"""skextra's ensembles on a Dask cluster give the predictions of a local run.

All member fitting goes through joblib, so ``joblib.parallel_config(
backend="dask")`` sends it to the workers of a ``distributed.Client``.
"""

import joblib
import numpy as np
import pytest
from sklearn.base import clone

from ._scaleout import ESTIMATORS, IDS, make_data

distributed = pytest.importorskip("distributed")


@pytest.fixture(scope="module")
def client():
    cluster = distributed.LocalCluster(
        n_workers=2,
        processes=True,
        threads_per_worker=1,
        dashboard_address=None,
        silence_logs=40,
    )
    client = distributed.Client(cluster)
    yield client
    client.close()
    cluster.close()


@pytest.fixture(scope="module")
def data():
    return make_data()


@pytest.mark.parametrize("make", ESTIMATORS, ids=IDS)
def test_dask_backend_gives_the_local_predictions(client, data, make):
    X, y, X_test = data
    local = clone(make()).set_params(n_jobs=1).fit(X, y)
    with distributed.get_task_stream(client) as stream:
        with joblib.parallel_config(backend="dask"):
            remote = clone(make()).set_params(n_jobs=2).fit(X, y)
    assert len(stream.data) > 0, "nothing ran on the Dask workers"
    workers = {task["worker"] for task in stream.data}
    assert workers <= set(client.scheduler_info()["workers"])
    np.testing.assert_array_equal(remote.predict(X_test), local.predict(X_test))
    np.testing.assert_array_equal(
        remote.predict_proba(X_test), local.predict_proba(X_test)
    )


def test_unaligned_arrays_are_realigned_before_a_job_runs():
    from skextra.utils import run_longest_first

    buffer = np.zeros(8 * 40 + 1, dtype=np.uint8)
    unaligned = buffer[1:].view(np.float64).reshape(8, 5)
    assert not unaligned.flags.aligned

    def flags(a, b=None):
        return a.flags.aligned, b.flags.aligned, np.array_equal(a, unaligned)

    assert run_longest_first([(flags, (unaligned,), {"b": unaligned})], [1.0]) == [
        (True, True, True)
    ]
