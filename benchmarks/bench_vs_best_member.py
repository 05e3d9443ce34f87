"""Ensembles against their best single member, on held-out data.

For each dataset (bundled with scikit-learn or generated, no download) and
each of ``--repeats`` random train/test splits (75 % / 25 %, stratified for
classification):

* the members are LogisticRegression (scaled) or Ridge (scaled),
  RandomForest, LightGBM and XGBoost (``n_jobs=1`` each);
* the **best member** is chosen by 5-fold cross-validation on the training
  part (out-of-fold score; log loss and accuracy are chosen separately for
  the two classification tables), refitted on the whole training part and
  scored on the test part;
* **ensemble selection** (:class:`skextra.ensemble.EnsembleSelectionClassifier`
  / ``Regressor`` with default parameters), skextra's **stacking** (default
  final estimator: LogisticRegression / RidgeCV), **stacking select** (the
  same with ``select_final=True``), **stacking bagged** (``refit=False,
  n_repeats=2, select_final=True``: AutoGluon's recipe), the **mean** combination
  (:class:`skextra.ensemble.CombinationClassifier` / ``Regressor``,
  ``rule="mean"``) and feature-weighted linear stacking
  (:class:`skextra.ensemble.FeatureWeightedStackingClassifier` /
  ``Regressor``) with the inputs (**fwls inputs**) or the members'
  disagreement (**fwls disagreement**) as meta-features are fitted on the
  training part and scored on the test part. Ensemble selection, stacking and
  FWLS use the same 5 shuffled folds as the choice of the best member.

The tables show the test score averaged over the splits, and each ensemble's
difference to the best member (positive is better for accuracy and R^2,
negative is better for log loss), with the number of splits it won.

Usage::

    python benchmarks/bench_vs_best_member.py               # full run
    python benchmarks/bench_vs_best_member.py --quick       # smoke run
    python benchmarks/bench_vs_best_member.py --methods stacking,"fwls inputs"
"""

import argparse
import os
import platform
import sys
import time
import warnings

import numpy as np
from sklearn.datasets import (
    load_breast_cancer,
    load_diabetes,
    load_digits,
    load_wine,
    make_classification,
    make_friedman1,
)
from sklearn.ensemble import RandomForestClassifier, RandomForestRegressor
from sklearn.linear_model import LogisticRegression, Ridge
from sklearn.metrics import accuracy_score, log_loss, r2_score
from sklearn.model_selection import KFold, StratifiedKFold, train_test_split
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from skextra.ensemble import (
    CombinationClassifier,
    CombinationRegressor,
    EnsembleSelectionClassifier,
    EnsembleSelectionRegressor,
    FeatureWeightedStackingClassifier,
    FeatureWeightedStackingRegressor,
    StackingClassifier,
    StackingRegressor,
)
from skextra.utils import fit_members_oof


def datasets():
    return {
        "breast_cancer": ("clf", *load_breast_cancer(return_X_y=True)),
        "wine": ("clf", *load_wine(return_X_y=True)),
        "digits": ("clf", *load_digits(return_X_y=True)),
        "make_clf_2class": (
            "clf",
            *make_classification(
                n_samples=2000,
                n_features=20,
                n_informative=8,
                flip_y=0.03,
                random_state=1,
            ),
        ),
        "make_clf_4class": (
            "clf",
            *make_classification(
                n_samples=2000,
                n_features=30,
                n_informative=10,
                n_redundant=5,
                n_classes=4,
                class_sep=0.7,
                flip_y=0.05,
                random_state=2,
            ),
        ),
        "diabetes": ("reg", *load_diabetes(return_X_y=True)),
        "friedman1": (
            "reg",
            *make_friedman1(n_samples=2000, noise=1.0, random_state=3),
        ),
    }


def members(task, n_estimators, seed):
    from lightgbm import LGBMClassifier, LGBMRegressor
    from xgboost import XGBClassifier, XGBRegressor

    if task == "clf":
        return [
            ("lr", make_pipeline(StandardScaler(), LogisticRegression(max_iter=2000))),
            ("rf", RandomForestClassifier(n_estimators, n_jobs=1, random_state=seed)),
            (
                "lgbm",
                LGBMClassifier(
                    n_estimators=n_estimators, n_jobs=1, random_state=seed, verbose=-1
                ),
            ),
            (
                "xgb",
                XGBClassifier(n_estimators=n_estimators, n_jobs=1, random_state=seed),
            ),
        ]
    return [
        ("ridge", make_pipeline(StandardScaler(), Ridge())),
        ("rf", RandomForestRegressor(n_estimators, n_jobs=1, random_state=seed)),
        (
            "lgbm",
            LGBMRegressor(
                n_estimators=n_estimators, n_jobs=1, random_state=seed, verbose=-1
            ),
        ),
        ("xgb", XGBRegressor(n_estimators=n_estimators, n_jobs=1, random_state=seed)),
    ]


# AutoGluon's recipe: bagged fold models, repeated folds, a selected final layer.
_BAGGED_SELECTED = dict(refit=False, n_repeats=2, select_final=True)


def ensembles(task, base, cv, n_jobs, seed):
    if task == "clf":
        return {
            "selection": EnsembleSelectionClassifier(
                base, cv=cv, n_jobs=n_jobs, random_state=seed
            ),
            "stacking": StackingClassifier(base, cv=cv, n_jobs=n_jobs),
            "stacking select": StackingClassifier(
                base, cv=cv, n_jobs=n_jobs, select_final=True
            ),
            "stacking bagged": StackingClassifier(
                base, cv=cv, n_jobs=n_jobs, **_BAGGED_SELECTED, random_state=seed
            ),
            "mean": CombinationClassifier(base, rule="mean", n_jobs=n_jobs),
            "fwls inputs": FeatureWeightedStackingClassifier(
                base, "inputs", cv=cv, n_jobs=n_jobs
            ),
            "fwls disagreement": FeatureWeightedStackingClassifier(
                base, "disagreement", cv=cv, n_jobs=n_jobs
            ),
        }
    return {
        "selection": EnsembleSelectionRegressor(
            base, cv=cv, n_jobs=n_jobs, random_state=seed
        ),
        "stacking": StackingRegressor(base, cv=cv, n_jobs=n_jobs),
        "stacking select": StackingRegressor(
            base, cv=cv, n_jobs=n_jobs, select_final=True
        ),
        "stacking bagged": StackingRegressor(
            base, cv=cv, n_jobs=n_jobs, **_BAGGED_SELECTED, random_state=seed
        ),
        "mean": CombinationRegressor(base, rule="mean", n_jobs=n_jobs),
        "fwls inputs": FeatureWeightedStackingRegressor(
            base, "inputs", cv=cv, n_jobs=n_jobs
        ),
        "fwls disagreement": FeatureWeightedStackingRegressor(
            base, "disagreement", cv=cv, n_jobs=n_jobs
        ),
    }


METHODS = (
    "selection",
    "stacking",
    "stacking select",
    "stacking bagged",
    "mean",
    "fwls inputs",
    "fwls disagreement",
)

METRICS = {
    "clf": {
        "accuracy": (lambda y, p: accuracy_score(y, np.argmax(p, axis=1)), True),
        "log loss": (lambda y, p: log_loss(y, p, labels=np.unique(y)), False),
    },
    "reg": {"R^2": (r2_score, True)},
}


def run_split(task, X, y, seed, n_estimators, n_jobs, methods):
    """Scores on one split: {metric: {method: score}}, best names, fit times."""
    stratify = y if task == "clf" else None
    X_tr, X_te, y_tr, y_te = train_test_split(
        X, y, test_size=0.25, random_state=seed, stratify=stratify
    )
    base = members(task, n_estimators, seed)
    splitter = StratifiedKFold if task == "clf" else KFold
    cv = splitter(5, shuffle=True, random_state=seed)
    method = "predict_proba" if task == "clf" else "predict"

    start = time.perf_counter()
    oof = fit_members_oof(
        [est for _, est in base],
        X_tr,
        y_tr,
        cv=cv,
        methods=[method] * len(base),
        names=[name for name, _ in base],
        n_jobs=n_jobs,
    )
    times = {"members (CV + refit)": time.perf_counter() - start}
    test_outputs = {
        name: getattr(est, method)(X_te) for (name, _), est in zip(base, oof.estimators)
    }
    scores, best = {}, {}
    for metric, (fn, greater) in METRICS[task].items():
        cv_scores = [fn(y_tr, pred) for pred in oof.predictions]
        k = int(np.argmax(cv_scores) if greater else np.argmin(cv_scores))
        best[metric] = base[k][0]
        scores[metric] = {"best member": fn(y_te, test_outputs[base[k][0]])}

    weights = {}
    for name, ens in ensembles(task, base, cv, n_jobs, seed).items():
        if name not in methods:
            continue
        start = time.perf_counter()
        ens.fit(X_tr, y_tr)
        times[name] = time.perf_counter() - start
        out = getattr(ens, method)(X_te)
        for metric, (fn, _) in METRICS[task].items():
            scores[metric][name] = fn(y_te, out)
        if name == "selection":
            weights = dict(zip([n for n, _ in base], np.round(ens.weights_, 2)))
    return scores, best, times, weights


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small smoke run")
    parser.add_argument("--repeats", type=int, default=3, help="train/test splits")
    parser.add_argument("--n-jobs", type=int, default=2)
    parser.add_argument("--n-estimators", type=int, default=100)
    parser.add_argument("--only", default=None, help="comma-separated dataset names")
    parser.add_argument(
        "--methods",
        default=",".join(METHODS),
        help=f"comma-separated ensembles to run (default: all of {', '.join(METHODS)})",
    )
    args = parser.parse_args(argv)
    n_estimators = 10 if args.quick else args.n_estimators
    repeats = 1 if args.quick else args.repeats

    import lightgbm
    import sklearn
    import xgboost

    import skextra

    print(
        f"machine: {platform.processor() or platform.machine()}, "
        f"{os.cpu_count()} CPUs, "
        f"load average {os.getloadavg()[0]:.1f}; versions: skextra "
        f"{skextra.__version__}, scikit-learn {sklearn.__version__}, xgboost "
        f"{xgboost.__version__}, lightgbm {lightgbm.__version__}"
    )
    print(
        f"members: LR/Ridge (scaled), RF, LightGBM, XGBoost with n_estimators="
        f"{n_estimators}, n_jobs=1 each; ensembles n_jobs={args.n_jobs}; "
        f"{repeats} split(s) per dataset, 25 % test, 5-fold CV on the training part"
    )
    chosen = datasets()
    if args.only:
        chosen = {k: v for k, v in chosen.items() if k in args.only.split(",")}
    methods = tuple(m.strip() for m in args.methods.split(","))
    unknown = sorted(set(methods) - set(METHODS))
    if unknown:
        parser.error(f"unknown --methods {unknown}; choose from {list(METHODS)}")
    rows = {}
    total_times = {}
    for name, (task, X, y) in chosen.items():
        runs = []
        for r in range(repeats):
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                runs.append(
                    run_split(task, X, y, r, n_estimators, args.n_jobs, methods)
                )
        for metric in METRICS[task]:
            best_names = [run[1][metric] for run in runs]
            best_mean = np.mean([run[0][metric]["best member"] for run in runs])
            greater = METRICS[task][metric][1]
            cells = {}
            for m in methods:
                values = np.array([run[0][metric][m] for run in runs])
                ref = np.array([run[0][metric]["best member"] for run in runs])
                wins = int(np.sum(values > ref) if greater else np.sum(values < ref))
                cells[m] = (values.mean(), values.mean() - best_mean, wins)
            rows.setdefault(metric, []).append(
                (name, X.shape, best_names, best_mean, cells, runs[-1][3])
            )
        print(
            f"  {name}: {sum(sum(run[2].values()) for run in runs):.0f} s",
            file=sys.stderr,
        )
        for run in runs:
            for key, value in run[2].items():
                total_times.setdefault(name, {}).setdefault(key, 0.0)
                total_times[name][key] += value / repeats

    for metric, metric_rows in rows.items():
        better = (
            "higher"
            if METRICS["clf" if metric != "R^2" else "reg"][metric][1]
            else "lower"
        )
        print()
        print(
            f"### {metric} on the test part ({better} is better; mean of {repeats} "
            f"split(s); delta = ensemble - best member, wins = splits better than it)"
        )
        print()
        header = "| dataset | n x d | best member (by CV) | best | " + " | ".join(
            f"{m} (delta, wins)" for m in methods
        )
        print(header + " |")
        print("|" + "---|" * (4 + len(methods)))
        for name, shape, best_names, best_mean, cells, _ in metric_rows:
            names = ",".join(sorted(set(best_names), key=best_names.index))
            parts = [
                f"{cells[m][0]:.4f} ({cells[m][1]:+.4f}, {cells[m][2]}/{repeats})"
                for m in methods
            ]
            print(
                f"| {name} | {shape[0]}x{shape[1]} | {names} | {best_mean:.4f} | "
                + " | ".join(parts)
                + " |"
            )

    if "selection" in methods:
        print()
        print("### ensemble selection weights (last split)")
        print()
        seen = set()
        for metric_rows in rows.values():
            for name, _, _, _, _, weights in metric_rows:
                if name not in seen:
                    seen.add(name)
                    print(
                        f"- {name}: "
                        + ", ".join(f"{k} {v}" for k, v in weights.items())
                    )
    print()
    print("### mean fit time per split (s)")
    print()
    keys = ["members (CV + refit)", *methods]
    print("| dataset | " + " | ".join(keys) + " |")
    print("|" + "---|" * (len(keys) + 1))
    for name, t in total_times.items():
        print(f"| {name} | " + " | ".join(f"{t[k]:.1f}" for k in keys) + " |")


if __name__ == "__main__":
    main()
