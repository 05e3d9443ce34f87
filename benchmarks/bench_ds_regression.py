"""Dynamic selection for regression: selection rules, k, DSEL share, pools.

Each configuration of ``DynamicSelectionRegressor`` is scored by 3-fold CV
R^2 on several regression sets, next to the plain average of the same
members (the pool the selector builds, fitted on the same rows) and next to
the default pool fitted on all training rows.

    PYTHONPATH=. .venv/bin/python -u benchmarks/bench_ds_regression.py
"""

import argparse
import itertools

import numpy as np
from sklearn.datasets import (
    load_diabetes,
    make_friedman1,
    make_friedman2,
    make_friedman3,
    make_regression,
)
from sklearn.ensemble import BaggingRegressor
from sklearn.linear_model import RidgeCV
from sklearn.metrics import r2_score
from sklearn.model_selection import KFold
from sklearn.neighbors import KNeighborsRegressor
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.tree import DecisionTreeRegressor

from skextra.ensemble import DynamicSelectionRegressor


def datasets():
    sets = {
        "regression": make_regression(1000, 10, noise=10, random_state=0),
        "friedman1": make_friedman1(1000, noise=1.0, random_state=0),
        "friedman2": make_friedman2(1000, noise=100, random_state=0),
        "friedman3": make_friedman3(1000, noise=0.1, random_state=0),
        "diabetes": load_diabetes(return_X_y=True),
    }
    try:
        from sklearn.datasets import fetch_california_housing

        X, y = fetch_california_housing(return_X_y=True, download_if_missing=False)
        rows = np.random.RandomState(0).choice(len(y), 2000, replace=False)
        sets["california2000"] = (X[rows], y[rows])
    except OSError:
        pass
    return sets


def pools():
    return {
        "bag10": lambda: BaggingRegressor(DecisionTreeRegressor(), n_estimators=10),
        "bag10-depth6": lambda: BaggingRegressor(
            DecisionTreeRegressor(max_depth=6), n_estimators=10
        ),
        "mixed": lambda: [
            make_pipeline(StandardScaler(), RidgeCV()),
            make_pipeline(StandardScaler(), KNeighborsRegressor(10)),
            DecisionTreeRegressor(max_depth=6),
            BaggingRegressor(DecisionTreeRegressor(), n_estimators=10),
        ],
    }


def score_fold(X, y, train, test, pool, k, dsel, seed):
    reg = DynamicSelectionRegressor(pool(), k=k, DSEL_perc=dsel, random_state=seed).fit(
        X[train], y[train]
    )
    out = {}
    for rule in ("best", "within", "weighted"):
        reg.set_params(selection=rule)
        out[rule] = r2_score(y[test], reg.predict(X[test]))
    preds = reg._member_predictions(X[test], X[test])
    out["pool-mean"] = r2_score(y[test], preds.mean(axis=1))
    return out


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--folds", type=int, default=3)
    args = parser.parse_args()
    ks = (7, 15, 30)
    dsels = (0.2, 0.5)
    rows = []
    for name, (X, y) in datasets().items():
        folds = list(KFold(args.folds, shuffle=True, random_state=0).split(X))
        full = np.mean(
            [
                r2_score(
                    y[te],
                    BaggingRegressor(DecisionTreeRegressor(), random_state=0)
                    .fit(X[tr], y[tr])
                    .predict(X[te]),
                )
                for tr, te in folds
            ]
        )
        print(f"## {name} {X.shape}: bagging of 10 trees on all rows R2 {full:.3f}")
        for (pname, pool), k, dsel in itertools.product(pools().items(), ks, dsels):
            scores = [score_fold(X, y, tr, te, pool, k, dsel, 0) for tr, te in folds]
            mean = {key: np.mean([s[key] for s in scores]) for key in scores[0]}
            rows.append((name, pname, k, dsel, mean))
            print(
                f"{name:15s} {pname:13s} k={k:2d} dsel={dsel:.1f} "
                + " ".join(f"{key}={v:.3f}" for key, v in mean.items()),
                flush=True,
            )


if __name__ == "__main__":
    main()
