"""Imbalanced classification: skextra.resampling against its peers, side by side.

Every method of ``skextra.resampling`` is run with imbalanced-learn's
counterpart (same algorithm, same settings), plain ``RandomForestClassifier``,
``HistGradientBoostingClassifier(class_weight="balanced")`` and skextra's
imbalance-aware dynamic-selection configuration, on the same 5-fold stratified
splits of 12 imbalanced problems made offline (``make_classification`` at
imbalance ratios 10-100, ``make_hastie_10_2``/``make_moons``, and
scikit-learn's bundled datasets made imbalanced with
``imblearn.datasets.make_imbalance``). Metrics: balanced accuracy, G-mean
(``imblearn.metrics.geometric_mean_score``) and average precision (of the
minority class; macro one-vs-rest on multi-class problems), plus fit time.
All methods run one after the other in this process with ``n_jobs=1``, so the
fit-time ratios compare peers on the same (possibly loaded) machine.

imbalanced-ensemble 0.2.3 pins scikit-learn 1.6.0, so it cannot share this
environment. With ``--imbens PYTHON`` its methods run in a subprocess of that
interpreter (a scratch venv) on the same data and folds, and are merged in::

    python3.11 -m venv /tmp/imbens-venv
    /tmp/imbens-venv/bin/pip install imbalanced-ensemble==0.2.3

Usage::

    python benchmarks/bench_imbalanced.py --quick             # smoke run, ~1 min
    python benchmarks/bench_imbalanced.py --imbens /tmp/imbens-venv/bin/python \\
        --json /tmp/imbalanced.json --markdown /tmp/imbalanced.md

``--report FILE.json`` re-prints the tables of a saved run. The module level
imports only numpy and scikit-learn, so the same file serves as the worker run
by the imbalanced-ensemble interpreter (``--imbens-worker``).
"""

import os

# One thread per process for BLAS/OpenMP: the methods run with n_jobs=1 on a
# shared machine, and oversubscribed OpenMP threads make timings meaningless.
for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import argparse  # noqa: E402
import json  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
import warnings  # noqa: E402
from pathlib import Path  # noqa: E402

import numpy as np  # noqa: E402
from sklearn.datasets import (  # noqa: E402
    load_breast_cancer,
    load_digits,
    load_wine,
    make_classification,
    make_hastie_10_2,
    make_moons,
)
from sklearn.model_selection import StratifiedKFold  # noqa: E402
from sklearn.tree import DecisionTreeClassifier  # noqa: E402

N_FOLDS = 5

# skextra method -> its imbalanced-learn counterpart (same algorithm). These
# pairs carry the targets: balanced accuracy within 0.01, fit time <= 1.1x.
PAIRS = {
    "sk:BalancedBagging": "imb:BalancedBagging",
    "sk:UnderBagging": "imb:BalancedBagging",
    "sk:OverBagging": "imb:BalancedBagging(ROS)",
    "sk:EasyEnsemble": "imb:EasyEnsemble",
    "sk:BalancedRandomForest": "imb:BalancedRandomForest",
    "sk:RUSBoost": "imb:RUSBoost",
}
# skextra method -> imbalanced-ensemble's method of the same name.
IMBENS_PAIRS = {
    f"sk:{name}": f"imbens:{name}"
    for name in (
        "UnderBagging",
        "OverBagging",
        "SMOTEBagging",
        "EasyEnsemble",
        "BalancedRandomForest",
        "BalanceCascade",
        "SelfPacedEnsemble",
        "RUSBoost",
        "SMOTEBoost",
        "OverBoost",
    )
}


# --------------------------------------------------------------------------
# Problems
# --------------------------------------------------------------------------


def _imbalance(X, y, counts, seed):
    from imblearn.datasets import make_imbalance

    return make_imbalance(X, y, sampling_strategy=counts, random_state=seed)


def _generated(n, ir, seed, n_classes=2, **kwargs):
    if n_classes == 2:
        weights = [ir / (ir + 1.0)]
    else:
        weights = kwargs.pop("weights")
    params = dict(n_features=20, n_informative=6, n_redundant=2, flip_y=0.01)
    params.update(kwargs)
    return make_classification(
        n_samples=n, n_classes=n_classes, weights=weights, random_state=seed, **params
    )


def _minority_one(X, y, ir, seed):
    """Binary y with 1 as minority, under-sampled to imbalance ratio ``ir``."""
    n_major = int((y == 0).sum())
    return _imbalance(X, y, {0: n_major, 1: max(int(round(n_major / ir)), 10)}, seed)


def make_problems(quick=False):
    """The benchmark problems: name -> (X, y). Deterministic, offline."""
    scale = 0.25 if quick else 1.0

    def n(rows):
        return int(rows * scale)

    problems = {}
    problems["gen-ir10"] = _generated(n(4000), 10, 1)
    if not quick:
        problems["gen-ir20-sep0.8"] = _generated(n(4000), 20, 2, class_sep=0.8)
        problems["gen-ir50"] = _generated(
            n(6000), 50, 3, n_informative=8, n_clusters_per_class=2
        )
        problems["gen-ir100"] = _generated(n(10000), 100, 4, n_informative=8)
        problems["gen-ir30-noisy"] = _generated(n(5000), 30, 5, flip_y=0.03)
        problems["gen-3class-ir22"] = _generated(
            n(6000), None, 6, n_classes=3, weights=[0.88, 0.08]
        )
        X, y = make_hastie_10_2(n_samples=n(8000), random_state=7)
        problems["hastie-ir20"] = _minority_one(X, (y > 0).astype(int), 20, 7)
        X, y = make_moons(n_samples=n(8000), noise=0.3, random_state=8)
        X = np.hstack([X, np.random.RandomState(8).normal(size=(len(X), 4))])
        problems["moons-ir20"] = _minority_one(X, y, 20, 8)
    data = load_breast_cancer()
    problems["breast-cancer-ir10"] = _minority_one(data.data, 1 - data.target, 10, 9)
    if not quick:
        data = load_wine()
        problems["wine-ir8-ovr"] = _minority_one(
            data.data, (data.target == 0).astype(int), 8, 10
        )
        data = load_digits()
        problems["digits-0-ir30-ovr"] = _minority_one(
            data.data, (data.target == 0).astype(int), 30, 11
        )
    data = load_digits()
    counts = {k: int(round(np.sum(data.target == k) * 0.75**k)) for k in range(10)}
    problems["digits-10class-ir13"] = _imbalance(data.data, data.target, counts, 12)
    return problems


# --------------------------------------------------------------------------
# Methods
# --------------------------------------------------------------------------


def _tree():
    return DecisionTreeClassifier()


def _weak():
    """Boosting member for every library (stumps cannot beat chance on the
    original rows of the IR-100 and 3-class problems once trained balanced)."""
    return DecisionTreeClassifier(max_depth=3)


def _two_to_one(y):
    """Under-sample every class to at most twice the smallest one."""
    labels, counts = np.unique(y, return_counts=True)
    return {label: int(min(n, 2 * counts.min())) for label, n in zip(labels, counts)}


def skextra_methods(n_estimators):
    """skextra.resampling (every public classifier) and the DS configuration."""
    from imblearn.under_sampling import RandomUnderSampler

    import skextra.resampling as R
    from skextra.ensemble import KNORAE, KNORAU

    m = n_estimators
    methods = {
        "sk:BalancedBagging": lambda: R.BalancedBaggingClassifier(
            _tree(), n_estimators=m, random_state=0
        ),
        "sk:UnderBagging": lambda: R.UnderBaggingClassifier(
            _tree(), n_estimators=m, random_state=0
        ),
        "sk:OverBagging": lambda: R.OverBaggingClassifier(
            _tree(), n_estimators=m, random_state=0
        ),
        "sk:SMOTEBagging": lambda: R.SMOTEBaggingClassifier(
            _tree(), n_estimators=m, random_state=0
        ),
        "sk:RoughlyBalancedBagging": lambda: R.RoughlyBalancedBaggingClassifier(
            _tree(), n_estimators=m, random_state=0
        ),
        "sk:BalancedRandomForest": lambda: R.BalancedRandomForestClassifier(
            n_estimators=m, random_state=0
        ),
        "sk:EasyEnsemble": lambda: R.EasyEnsembleClassifier(
            n_estimators=max(m // 3, 2), random_state=0
        ),
        "sk:BalanceCascade": lambda: R.BalanceCascadeClassifier(
            _tree(), n_estimators=m, random_state=0
        ),
        "sk:SelfPacedEnsemble": lambda: R.SelfPacedEnsembleClassifier(
            _tree(), n_estimators=m, random_state=0
        ),
        "sk:RUSBoost": lambda: R.RUSBoostClassifier(
            _weak(), n_estimators=m, random_state=0
        ),
        "sk:SMOTEBoost": lambda: R.SMOTEBoostClassifier(
            _weak(), n_estimators=m, random_state=0
        ),
        "sk:OverBoost": lambda: R.OverBoostClassifier(
            _weak(), n_estimators=m, random_state=0
        ),
        "sk:BalancedBoost(RUS 2:1)": lambda: R.BalancedBoostClassifier(
            _weak(),
            sampler=RandomUnderSampler(sampling_strategy=_two_to_one),
            n_estimators=m,
            random_state=0,
        ),
        "sk:KNORAU+UnderBagging": lambda: KNORAU(
            pool_classifiers=R.UnderBaggingClassifier(_tree(), n_estimators=m),
            knne=True,
            DSEL_perc=0.3,
            random_state=0,
        ),
        "sk:KNORAE+UnderBagging": lambda: KNORAE(
            pool_classifiers=R.UnderBaggingClassifier(_tree(), n_estimators=m),
            knne=True,
            DSEL_perc=0.3,
            random_state=0,
        ),
    }
    known = {type(f()).__name__ for f in methods.values()}
    for name in R.__all__:
        obj = getattr(R, name)
        if isinstance(obj, type) and hasattr(obj, "fit") and name not in known:
            methods[f"sk:{name.removesuffix('Classifier')}"] = lambda obj=obj: obj(
                random_state=0
            )
    return methods


def peer_methods(n_estimators):
    """imbalanced-learn's four ensembles and two scikit-learn baselines."""
    from imblearn import ensemble as E
    from imblearn.over_sampling import SMOTE, RandomOverSampler
    from imblearn.pipeline import make_pipeline
    from sklearn.ensemble import (
        AdaBoostClassifier,
        HistGradientBoostingClassifier,
        RandomForestClassifier,
    )

    m = n_estimators
    return {
        "imb:BalancedBagging": lambda: E.BalancedBaggingClassifier(
            _tree(), n_estimators=m, random_state=0
        ),
        "imb:BalancedBagging(ROS)": lambda: E.BalancedBaggingClassifier(
            _tree(), n_estimators=m, sampler=RandomOverSampler(), random_state=0
        ),
        "imb:BalancedBagging(SMOTE)": lambda: E.BalancedBaggingClassifier(
            _tree(), n_estimators=m, sampler=SMOTE(), random_state=0
        ),
        "imb:BalancedRandomForest": lambda: E.BalancedRandomForestClassifier(
            n_estimators=m, random_state=0
        ),
        "imb:EasyEnsemble": lambda: E.EasyEnsembleClassifier(
            n_estimators=max(m // 3, 2), random_state=0
        ),
        "imb:RUSBoost": lambda: E.RUSBoostClassifier(
            _weak(), n_estimators=m, random_state=0
        ),
        "imb:SMOTE+AdaBoost": lambda: make_pipeline(
            SMOTE(random_state=0),
            AdaBoostClassifier(_weak(), n_estimators=m, random_state=0),
        ),
        "sklearn:RandomForest": lambda: RandomForestClassifier(
            n_estimators=m, random_state=0
        ),
        "sklearn:HGB(balanced)": lambda: HistGradientBoostingClassifier(
            class_weight="balanced", random_state=0
        ),
    }


def imbens_methods(n_estimators):
    """imbalanced-ensemble 0.2.3 (only in its own scikit-learn 1.6 venv)."""
    import imbens.ensemble as E

    m = n_estimators
    tree_members = (
        "UnderBagging",
        "OverBagging",
        "SMOTEBagging",
        "BalanceCascade",
        "SelfPacedEnsemble",
    )
    methods = {
        f"imbens:{name}": (
            lambda name=name: getattr(E, f"{name}Classifier")(
                estimator=_tree(), n_estimators=m, random_state=0
            )
        )
        for name in tree_members
    }
    methods["imbens:BalancedRandomForest"] = lambda: E.BalancedRandomForestClassifier(
        n_estimators=m, random_state=0
    )
    methods["imbens:EasyEnsemble"] = lambda: E.EasyEnsembleClassifier(
        n_estimators=max(m // 3, 2), random_state=0
    )
    for name in ("RUSBoost", "SMOTEBoost", "OverBoost"):
        methods[f"imbens:{name}"] = lambda name=name: getattr(E, f"{name}Classifier")(
            estimator=_weak(), n_estimators=m, random_state=0
        )
    return methods


# --------------------------------------------------------------------------
# Running
# --------------------------------------------------------------------------


def folds_of(y, n_folds):
    cv = StratifiedKFold(n_splits=n_folds, shuffle=True, random_state=0)
    return [test for _, test in cv.split(np.zeros(len(y)), y)]


def run_one(make, X, y, test_folds):
    """Fit on each training fold; return fit times, predictions, probabilities."""
    n = len(y)
    pred = np.empty(n, dtype=y.dtype)
    proba = np.zeros((n, np.unique(y).size))
    times, members = [], []
    for test in test_folds:
        train = np.setdiff1d(np.arange(n), test)
        model = make()
        if model.get_params().get("knne"):
            # K-nearest-neighbours equality takes k // n_classes per class.
            model.set_params(k=max(model.get_params()["k"], proba.shape[1]))
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            start = time.perf_counter()
            model.fit(X[train], y[train])
            times.append(time.perf_counter() - start)
            # Members fitted, counting those a boosting round discarded.
            members.append(
                len(getattr(model, "estimators_", [None]))
                + getattr(model, "n_discarded_", 0)
            )
            pred[test] = model.predict(X[test])
            p = model.predict_proba(X[test])
        columns = np.searchsorted(np.unique(y), model.classes_)
        proba[np.ix_(test, columns)] = p
    return {"fit_time": times, "members": members, "pred": pred, "proba": proba}


def run_methods(methods, problems, folds, *, log=sys.stderr):
    results = {}
    for pname, (X, y) in problems.items():
        for mname, make in methods.items():
            try:
                out = run_one(make, X, y, folds[pname])
            except Exception as exc:  # a failing method is recorded, not fatal
                out = {"error": f"{type(exc).__name__}: {str(exc)[:200]}"}
            results[(pname, mname)] = out
            took = sum(out.get("fit_time", [float("nan")]))
            print(
                f"  {pname:22s} {mname:30s} fit {took:8.2f}s {out.get('error', '')}",
                file=log,
                flush=True,
            )
    return results


def _imbens_worker(data_path, out_path, n_estimators):
    data = np.load(data_path, allow_pickle=False)
    names = json.loads(str(data["names"]))
    problems = {p: (data[f"X_{i}"], data[f"y_{i}"]) for i, p in enumerate(names)}
    folds = {
        p: [data[f"fold_{i}_{j}"] for j in range(int(data["n_folds"]))]
        for i, p in enumerate(names)
    }
    results = run_methods(imbens_methods(n_estimators), problems, folds)
    arrays, meta = {}, {}
    for k, ((pname, mname), out) in enumerate(results.items()):
        meta[str(k)] = {
            "problem": pname,
            "method": mname,
            "fit_time": out.get("fit_time"),
            "members": out.get("members"),
            "error": out.get("error"),
        }
        if "pred" in out:
            arrays[f"pred_{k}"] = out["pred"]
            arrays[f"proba_{k}"] = out["proba"]
    np.savez(out_path, meta=json.dumps(meta), **arrays)


def run_imbens(python, problems, folds, n_estimators):
    with tempfile.TemporaryDirectory() as tmp:
        data_path, out_path = Path(tmp) / "data.npz", Path(tmp) / "out.npz"
        arrays = {"names": json.dumps(list(problems)), "n_folds": N_FOLDS}
        for i, (pname, (X, y)) in enumerate(problems.items()):
            arrays[f"X_{i}"], arrays[f"y_{i}"] = X, y
            for j, test in enumerate(folds[pname]):
                arrays[f"fold_{i}_{j}"] = test
        np.savez(data_path, **arrays)
        subprocess.run(
            [
                python,
                __file__,
                "--imbens-worker",
                str(data_path),
                str(out_path),
                "--n-estimators",
                str(n_estimators),
            ],
            check=True,
        )
        out = np.load(out_path, allow_pickle=False)
        meta = json.loads(str(out["meta"]))
        results = {}
        for k, entry in meta.items():
            if entry["error"]:
                results[(entry["problem"], entry["method"])] = {"error": entry["error"]}
            else:
                results[(entry["problem"], entry["method"])] = {
                    "fit_time": entry["fit_time"],
                    "members": entry["members"],
                    "pred": out[f"pred_{k}"],
                    "proba": out[f"proba_{k}"],
                }
        return results


# --------------------------------------------------------------------------
# Scoring and report
# --------------------------------------------------------------------------


def score(y, out):
    from imblearn.metrics import geometric_mean_score
    from sklearn.metrics import average_precision_score, balanced_accuracy_score
    from sklearn.preprocessing import label_binarize

    classes, counts = np.unique(y, return_counts=True)
    if classes.size == 2:
        minority = int(np.argmin(counts))
        ap = average_precision_score(y == classes[minority], out["proba"][:, minority])
    else:
        ap = average_precision_score(
            label_binarize(y, classes=classes), out["proba"], average="macro"
        )
    return {
        "balanced_accuracy": balanced_accuracy_score(y, out["pred"]),
        "g_mean": geometric_mean_score(y, out["pred"]),
        "average_precision": ap,
        "fit_time": float(np.sum(out["fit_time"])),
        "members": float(np.mean(out["members"])),
    }


METRICS = ("balanced_accuracy", "g_mean", "average_precision")


def summarise(labels, results):
    """problem -> method -> scores, or the error of a method that failed."""
    table = {}
    for (pname, mname), out in results.items():
        y = labels[pname]
        if "error" in out:
            table.setdefault(pname, {})[mname] = {"error": out["error"]}
        else:
            table.setdefault(pname, {})[mname] = score(y, out)
    return table


def mean_ranks(table, metric):
    from scipy.stats import rankdata

    methods = sorted({m for row in table.values() for m in row if m != "_info"})
    ranks = {m: [] for m in methods}
    for row in table.values():
        ok = [m for m in methods if metric in row.get(m, {})]
        values = np.array([row[m][metric] for m in ok])
        for m, r in zip(ok, rankdata(-values)):
            ranks[m].append(r)
    return {m: float(np.mean(r)) for m, r in ranks.items() if r}


def report(table, *, n_estimators, seconds=None):
    problems = list(table)
    methods = sorted({m for row in table.values() for m in row if m != "_info"})
    lines = []
    lines.append(
        f"{len(problems)} problems x {N_FOLDS}-fold stratified CV, "
        f"n_estimators={n_estimators}, n_jobs=1"
        + (f", run took {seconds / 60:.1f} min" if seconds else "")
        + ".\n"
    )
    lines.append("### Mean rank per metric (1 = best; lower is better)\n")
    ranks = {metric: mean_ranks(table, metric) for metric in METRICS}
    mean_values = {
        metric: {
            m: float(
                np.mean(
                    [
                        table[p][m][metric]
                        for p in problems
                        if metric in table[p].get(m, {})
                    ]
                )
            )
            for m in methods
            if any(metric in table[p].get(m, {}) for p in problems)
        }
        for metric in METRICS
    }
    failures = {
        m: sum("error" in table[p].get(m, {}) for p in problems) for m in methods
    }
    order = sorted(ranks["balanced_accuracy"], key=ranks["balanced_accuracy"].get)
    lines.append(
        "| method | rank BA | rank G-mean | rank AP | mean BA | mean G-mean "
        "| mean AP | total fit s | failed |"
    )
    lines.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|")
    for m in order + [m for m in methods if m not in order]:
        total = sum(
            table[p][m]["fit_time"]
            for p in problems
            if "fit_time" in table[p].get(m, {})
        )
        cells = [f"{ranks[k].get(m, float('nan')):.2f}" for k in METRICS]
        cells += [f"{mean_values[k].get(m, float('nan')):.4f}" for k in METRICS]
        lines.append(
            f"| {m} | " + " | ".join(cells) + f" | {total:.1f} | {failures[m] or ''} |"
        )
    lines.append("")

    def pair_lines(pairs, title):
        lines.append(f"### {title}\n")
        lines.append(
            "| skextra | peer | mean ΔBA | worst ΔBA | fit-time ratio "
            "(geo. mean) | total-time ratio | time-per-fit ratio | "
            "fits (sk / peer) | problems |"
        )
        lines.append("|---|---|---:|---:|---:|---:|---:|---:|---:|")
        verdicts = []
        for ours, peer in pairs.items():
            both = [
                p
                for p in problems
                if "fit_time" in table[p].get(ours, {})
                and "fit_time" in table[p].get(peer, {})
            ]
            if not both:
                continue
            diff = np.array(
                [
                    table[p][ours]["balanced_accuracy"]
                    - table[p][peer]["balanced_accuracy"]
                    for p in both
                ]
            )
            ratio = np.array(
                [table[p][ours]["fit_time"] / table[p][peer]["fit_time"] for p in both]
            )
            total = sum(table[p][ours]["fit_time"] for p in both) / sum(
                table[p][peer]["fit_time"] for p in both
            )
            geo = float(np.exp(np.mean(np.log(ratio))))
            n_ours = np.mean([table[p][ours]["members"] for p in both])
            n_peer = np.mean([table[p][peer]["members"] for p in both])
            per_member = np.exp(
                np.mean(
                    np.log(
                        [
                            (table[p][ours]["fit_time"] / table[p][ours]["members"])
                            / (table[p][peer]["fit_time"] / table[p][peer]["members"])
                            for p in both
                        ]
                    )
                )
            )
            lines.append(
                f"| {ours} | {peer} | {diff.mean():+.4f} | {diff.min():+.4f} "
                f"| {geo:.2f}x | {total:.2f}x | {per_member:.2f}x | "
                f"{n_ours:.1f} / {n_peer:.1f} | {len(both)} |"
            )
            verdicts.append((ours, peer, diff.mean(), geo))
        lines.append("")
        return verdicts

    verdicts = pair_lines(PAIRS, "skextra vs imbalanced-learn (same algorithm)")
    if any(m.startswith("imbens:") for m in methods):
        pair_lines(
            IMBENS_PAIRS,
            "skextra vs imbalanced-ensemble 0.2.3 (separate "
            "process, scikit-learn 1.6.0; times not side by side)",
        )

    lines.append("### Targets\n")
    for ours, peer, diff, geo in verdicts:
        ok_ba = diff >= -0.01
        ok_t = geo <= 1.1
        lines.append(
            f"- {ours} vs {peer}: ΔBA {diff:+.4f} "
            f"({'met' if ok_ba else 'MISSED'}), fit time {geo:.2f}x "
            f"({'met' if ok_t else 'MISSED'})"
        )
    best = order[0]
    best_sk = next(m for m in order if m.startswith("sk:"))
    lines.append(
        f"- best mean balanced-accuracy rank: {best} "
        f"({ranks['balanced_accuracy'][best]:.2f}); best skextra: {best_sk} "
        f"({ranks['balanced_accuracy'][best_sk]:.2f}) -> "
        f"{'met' if best == best_sk else 'MISSED'}"
    )
    lines.append("")

    errors = [
        (p, m, table[p][m]["error"])
        for p in problems
        for m in methods
        if "error" in table[p].get(m, {})
    ]
    if errors:
        lines.append("### Failures\n")
        lines += [f"- {m} on {p}: {e}" for p, m, e in errors]
        lines.append("")

    lines.append("### Balanced accuracy per problem\n")
    lines.append("| problem | n | IR | " + " | ".join(order) + " |")
    lines.append("|---|---:|---:|" + "---:|" * len(order))
    for p in problems:
        info = table[p].get("_info", {})
        row = []
        for m in order:
            cell = table[p].get(m, {})
            row.append(
                f"{cell['balanced_accuracy']:.3f}"
                if "balanced_accuracy" in cell
                else "err"
            )
        lines.append(
            f"| {p} | {info.get('n', '')} | {info.get('ir', '')} | "
            + " | ".join(row)
            + " |"
        )
    lines.append("")
    return "\n".join(lines)


def _to_json(table):
    return json.dumps(table, indent=1, default=float)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--quick",
        action="store_true",
        help="3 small problems, 3 folds, 5 members: a smoke run",
    )
    parser.add_argument("--n-estimators", type=int, default=None)
    parser.add_argument(
        "--imbens",
        metavar="PYTHON",
        default=None,
        help="python of a venv with imbalanced-ensemble 0.2.3",
    )
    parser.add_argument(
        "--only",
        default=None,
        help="comma-separated substrings: run only matching methods",
    )
    parser.add_argument("--json", default=None, help="save the scores here")
    parser.add_argument("--markdown", default=None, help="save the report here")
    parser.add_argument(
        "--report", default=None, help="print the report of a saved run"
    )
    parser.add_argument(
        "--imbens-worker", nargs=2, default=None, help=argparse.SUPPRESS
    )
    args = parser.parse_args(argv)

    global N_FOLDS
    if args.quick:
        N_FOLDS = 3
    n_estimators = args.n_estimators or (5 if args.quick else 30)

    if args.imbens_worker:
        _imbens_worker(*args.imbens_worker, n_estimators)
        return
    if args.report:
        saved = json.loads(Path(args.report).read_text())
        N_FOLDS = saved["n_folds"]
        print(
            report(
                saved["table"],
                n_estimators=saved["n_estimators"],
                seconds=saved.get("seconds"),
            )
        )
        return

    start = time.perf_counter()
    problems = make_problems(quick=args.quick)
    folds = {p: folds_of(y, N_FOLDS) for p, (X, y) in problems.items()}
    methods = {**skextra_methods(n_estimators), **peer_methods(n_estimators)}
    if args.only:
        keys = args.only.split(",")
        methods = {k: v for k, v in methods.items() if any(s in k for s in keys)}
    print(f"{len(problems)} problems, {len(methods)} methods", file=sys.stderr)
    results = run_methods(methods, problems, folds)
    if args.imbens:
        results.update(run_imbens(args.imbens, problems, folds, n_estimators))
    table = summarise({p: y for p, (X, y) in problems.items()}, results)
    for p, (X, y) in problems.items():
        counts = np.bincount(np.unique(y, return_inverse=True)[1])
        table[p]["_info"] = {
            "n": int(len(y)),
            "ir": f"{counts.max() / counts.min():.0f}",
        }
    seconds = time.perf_counter() - start
    text = report(table, n_estimators=n_estimators, seconds=seconds)
    print(text)
    if args.json:
        Path(args.json).write_text(
            _to_json(
                {
                    "table": table,
                    "n_folds": N_FOLDS,
                    "n_estimators": n_estimators,
                    "seconds": seconds,
                }
            )
        )
    if args.markdown:
        Path(args.markdown).write_text(text)


if __name__ == "__main__":
    main()
