"""Same pool, same DSEL, same parameters: same predictions as DESlib 0.3.7.

DESlib does not run on the project's scikit-learn, so its outputs were
recorded once by ``benchmarks/deslib_reference.py`` (run in a scikit-learn
1.5.2 environment) into ``data/deslib_<dataset>.npz``. The pool and the data
are rebuilt here from ``_pool.py``, bit for bit, and every method of
``skextra.ensemble`` with a DESlib counterpart is replayed under every
recorded parameter setting.

Two kinds of rows are compared differently, because DESlib is wrong there:

- with ``mode="weighting"``/``"hybrid"`` and hard voting, DESlib predicts the
  argmax of the weighted votes divided by their sum, i.e. the class of the
  *smallest* vote when the competences sum to a negative number; the test
  expects the class of the largest weighted vote (recorded from DESlib);
- probabilities DESlib returns outside [0, 1] (those rows) or NaN (0/0) are
  not compared; skextra's must be a distribution there.

Settings under which DESlib raises are listed in the fixtures' metadata and
are tested against their documented behaviour in the methods' own tests.
"""

import inspect
import json
import warnings
from pathlib import Path

import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_array_equal

import skextra.ensemble

from . import _pool

DATA = Path(__file__).parent / "data"


def _fixture(dataset):
    data = np.load(DATA / f"deslib_{dataset}.npz")
    return data, json.loads(str(data["meta"]))


def _cases():
    cases = []
    for dataset in _pool.DATASETS:
        _, meta = _fixture(dataset)
        for key, params in sorted(meta["params"].items()):
            if key in meta["errors"]:
                continue
            method, setting = key.split("/")
            cases.append(
                pytest.param(
                    dataset, method, setting, params, id=f"{dataset}-{method}-{setting}"
                )
            )
    return cases


_CACHE = {}


def _problem(dataset):
    if dataset not in _CACHE:
        _CACHE[dataset] = (_pool.make_data(dataset), _pool.make_pool(dataset))
    return _CACHE[dataset]


@pytest.mark.parametrize("dataset", list(_pool.DATASETS))
def test_pool_is_rebuilt_bit_for_bit(dataset):
    data, _ = _fixture(dataset)
    (_, _, X_test, _), pool = _problem(dataset)
    assert_array_equal(
        np.column_stack([m.predict(X_test) for m in pool]), data["pool_predict"]
    )
    assert_array_equal(
        np.stack([m.predict_proba(X_test) for m in pool], axis=1), data["pool_proba"]
    )


def test_every_deslib_method_is_covered():
    missing = sorted(set(_pool.METHODS) - set(skextra.ensemble.__all__))
    assert not missing, f"methods without a skextra counterpart: {missing}"


def test_deslib_fails_only_where_documented():
    # skextra's behaviour there is tested in test_probabilistic.py
    # (with_IH with k=None) and test_desknn.py (Yule's Q of 0/0).
    expected = {
        **{f"{m}/with_IH": "TypeError" for m in _pool.PROBABILISTIC},
        "DESKNN/Q": "ZeroDivisionError",
    }
    for dataset in _pool.DATASETS:
        _, meta = _fixture(dataset)
        errors = {k: v.split(":")[0] for k, v in meta["errors"].items()}
        assert errors == expected, dataset


def _predict(est, method, X, y, proba=False):
    fn = est.predict_proba if proba else est.predict
    if "y" in inspect.signature(fn).parameters:  # the Oracle
        return fn(X, y)
    return fn(X)


@pytest.mark.parametrize(("dataset", "method", "setting", "params"), _cases())
def test_same_outputs_as_deslib(dataset, method, setting, params):
    if method not in skextra.ensemble.__all__:
        pytest.skip(f"skextra.ensemble has no {method} yet")
    data, meta = _fixture(dataset)
    key = f"{method}/{setting}"
    (X_dsel, y_dsel, X_test, y_test), pool = _problem(dataset)
    est = getattr(skextra.ensemble, method)(pool_classifiers=pool, **params)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        est.fit(X_dsel, y_dsel)
        pred = _predict(est, method, X_test, y_test)

    expected = data[f"{key}/predict"].copy()
    votes_key = f"{key}/weighted_votes"
    flipped = np.zeros(expected.size, dtype=bool)
    if votes_key in data.files:
        votes = data[votes_key]
        with np.errstate(invalid="ignore"):
            flipped = votes.sum(axis=1) < 0
        expected[flipped] = np.argmax(votes[flipped], axis=1)
    assert_array_equal(
        pred,
        expected,
        err_msg=f"{key} ({flipped.sum()} rows "
        "where DESlib's weighted votes sum to < 0)",
    )

    if f"{key}/proba" not in data.files:
        return
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        proba = _predict(est, method, X_test, y_test, proba=True)
    ref = data[f"{key}/proba"]
    valid = np.isfinite(ref).all(axis=1) & (ref >= 0).all(axis=1) & ~flipped
    assert_allclose(proba[valid], ref[valid], rtol=1e-9, atol=1e-12, err_msg=key)
    assert_allclose(proba.sum(axis=1), 1.0, rtol=1e-9)
    assert (proba >= 0).all()
