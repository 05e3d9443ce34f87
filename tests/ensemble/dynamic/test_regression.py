"""Dynamic selection for regression against a plain per-row reference."""

import numpy as np
import pandas as pd
import pytest
from joblib import parallel_config
from numpy.testing import assert_allclose, assert_array_equal
from sklearn.datasets import load_diabetes, make_regression
from sklearn.ensemble import BaggingRegressor
from sklearn.linear_model import LinearRegression, Ridge
from sklearn.metrics import r2_score
from sklearn.model_selection import train_test_split
from sklearn.neighbors import KNeighborsRegressor, NearestNeighbors
from sklearn.pipeline import Pipeline
from sklearn.tree import DecisionTreeRegressor

from skextra.ensemble import DynamicSelectionRegressor


def _data():
    X, y = make_regression(n_samples=300, n_features=4, noise=10.0, random_state=0)
    y = y + 30 * np.sin(X[:, 0] * 2)
    return X[:200], y[:200], X[200:], y[200:]


def _pool(X, y):
    return [
        LinearRegression().fit(X[:100], y[:100]),
        DecisionTreeRegressor(max_depth=3, random_state=0).fit(X[:100], y[:100]),
        KNeighborsRegressor(n_neighbors=5).fit(X[:100], y[:100]),
        Ridge(alpha=50.0).fit(X[:100], y[:100]),
    ]


def _reference(pool, X_dsel, y_dsel, X_test, k, selection, tolerance, error, weighted):
    """One test row at a time, written as the definition reads."""
    nn = NearestNeighbors(n_neighbors=k).fit(X_dsel)
    dist, nbrs = nn.kneighbors(X_test)
    on_dsel = [m.predict(X_dsel) for m in pool]
    on_test = [m.predict(X_test) for m in pool]
    out = []
    for row in range(len(X_test)):
        preds = [p[row] for p in on_test]
        local = []
        for p_dsel in on_dsel:
            errs, ws = [], []
            for d, j in zip(dist[row], nbrs[row]):
                r = p_dsel[j] - y_dsel[j]
                errs.append(abs(r) if error == "absolute" else r * r)
                ws.append(1.0 / (d if d > 0 else 1e-10) if weighted else 1.0)
            local.append(sum(e * w for e, w in zip(errs, ws)) / sum(ws))
        best = min(local)
        if selection == "best":
            out.append(preds[local.index(best)])
        elif selection == "within":
            kept = [p for p, e in zip(preds, local) if e <= best * (1 + tolerance)]
            out.append(sum(kept) / len(kept))
        else:
            w = [1.0 / e for e in local]
            out.append(sum(p * wi for p, wi in zip(preds, w)) / sum(w))
    return np.array(out)


@pytest.mark.parametrize(
    ("selection", "error", "weighted"),
    [
        ("best", "absolute", False),
        ("within", "absolute", False),
        ("weighted", "squared", False),
        ("best", "squared", True),
        ("within", "absolute", True),
    ],
)
def test_matches_plain_reference(selection, error, weighted):
    X, y, X_test, _ = _data()
    pool = _pool(X, y)
    reg = DynamicSelectionRegressor(
        pool,
        k=9,
        selection=selection,
        tolerance=0.2,
        error=error,
        distance_weighting=weighted,
    ).fit(X, y)
    expected = _reference(pool, X, y, X_test[:40], 9, selection, 0.2, error, weighted)
    assert_allclose(reg.predict(X_test[:40]), expected, rtol=1e-10)


def test_zero_local_error_members_share_the_weight():
    X, y, X_test, _ = _data()
    exact = LinearRegression().fit(X, y)  # its errors are on y itself
    pool = [exact, Ridge(alpha=10.0).fit(X, y)]
    y_fit = exact.predict(X)  # DSEL where the first member is exact
    reg = DynamicSelectionRegressor(pool, selection="weighted").fit(X, y_fit)
    assert_allclose(reg.predict(X_test), exact.predict(X_test))


def test_default_pool_split_and_determinism():
    X, y, X_test, _ = _data()
    reg = DynamicSelectionRegressor(random_state=0, DSEL_perc=0.4).fit(X, y)
    train, dsel = train_test_split(
        np.arange(len(y)), test_size=0.4, random_state=np.random.RandomState(0)
    )
    assert_array_equal(reg.DSEL_data_, X[dsel])
    kinds = [type(m) for m in reg.pool_regressors_]
    assert kinds == [Pipeline, Pipeline, DecisionTreeRegressor, BaggingRegressor]
    assert reg.n_regressors_ == 4
    with parallel_config(backend="threading"):
        again = DynamicSelectionRegressor(random_state=0, DSEL_perc=0.4, n_jobs=2).fit(
            X, y
        )
    assert_array_equal(again.predict(X_test), reg.predict(X_test))


def test_selection_beats_the_pool_mean_on_a_piecewise_problem():
    rng = np.random.RandomState(0)
    X = rng.uniform(-3, 3, size=(600, 1))
    y = np.where(X[:, 0] < 0, 5 * X[:, 0], -2 * X[:, 0] + 10) + rng.normal(size=600)
    left, right = X[:, 0] < 0, X[:, 0] >= 0
    pool = [
        LinearRegression().fit(X[left], y[left]),
        LinearRegression().fit(X[right], y[right]),
    ]
    reg = DynamicSelectionRegressor(pool, selection="best").fit(X[:400], y[:400])
    err_ds = np.abs(reg.predict(X[400:]) - y[400:]).mean()
    err_mean = np.abs(
        np.mean([m.predict(X[400:]) for m in pool], axis=0) - y[400:]
    ).mean()
    assert err_ds < err_mean / 3


def test_pandas_and_unfitted_list():
    X, y, X_test, _ = _data()
    cols = ["a", "b", "c", "d"]
    reg = DynamicSelectionRegressor(
        [LinearRegression(), DecisionTreeRegressor(max_depth=3)], random_state=0
    ).fit(pd.DataFrame(X, columns=cols), y)
    assert_array_equal(reg.feature_names_in_, cols)
    assert hasattr(reg.members_[0], "feature_names_in_")
    assert reg.predict(pd.DataFrame(X_test, columns=cols)).shape == (len(X_test),)


def test_bad_pools():
    X, y, _, _ = _data()
    with pytest.raises(ValueError, match="at least 2 regressors, got 1"):
        DynamicSelectionRegressor([LinearRegression().fit(X, y)]).fit(X, y)
    with pytest.raises(
        ValueError, match=r"pool member 0 \(LinearRegression\) was fitted on 2"
    ):
        DynamicSelectionRegressor(
            [LinearRegression().fit(X[:, :2], y), Ridge().fit(X, y)]
        ).fit(X, y)
    with pytest.raises(ValueError, match="mixes fitted and unfitted"):
        DynamicSelectionRegressor([LinearRegression(), Ridge().fit(X, y)]).fit(X, y)


def test_defaults():
    reg = DynamicSelectionRegressor()
    assert (reg.selection, reg.k, reg.DSEL_perc) == ("weighted", 15, 0.2)


@pytest.mark.parametrize(
    "data",
    [
        make_regression(600, 10, noise=10, random_state=0),
        load_diabetes(return_X_y=True),
    ],
    ids=["make_regression", "diabetes"],
)
def test_defaults_beat_the_mean_of_their_members(data):
    X, y = data
    X, X_test, y, y_test = train_test_split(X, y, random_state=0)
    reg = DynamicSelectionRegressor(random_state=0).fit(X, y)
    members = np.mean([m.predict(X_test) for m in reg.members_], axis=0)
    assert r2_score(y_test, reg.predict(X_test)) > r2_score(y_test, members)
