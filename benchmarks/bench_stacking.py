"""Stacking: skextra against scikit-learn and mlxtend, side by side in one process.

The same members (LogisticRegression, RandomForestClassifier, LGBMClassifier,
XGBClassifier, each with ``n_jobs=1`` so that only the ensemble's scheduling
differs), the same 5 stratified folds (no shuffling), the same final
LogisticRegression, on ``make_classification`` data (30,000 training rows x 30
features, 10,000 test rows). The three stackers do the same fits and, with the
same folds, reach the same predictions (the script prints the largest
difference of the predicted probabilities). What differs is how the 4 members
x (5 folds + 1 refit) fits are spread over the workers:

* scikit-learn: one ``Parallel`` over the members for the refits, then one
  ``Parallel`` over the members, each running ``cross_val_predict`` (itself a
  ``Parallel`` over the folds, nested);
* mlxtend: members one after the other, each a ``cross_val_predict`` over the
  folds, then the refits one after the other;
* skextra: one flat list of 24 jobs, longest first.

Each stacker is fitted with ``n_jobs=2`` and ``n_jobs=1``; within one
``n_jobs`` setting the three run back to back, so the ratios compare them on
the same (possibly loaded) machine. ``CPU (s)`` is the CPU time used by this
process and its workers during the fit (the work, about the same for all
three; needs psutil) and ``busy`` is that time over ``fit time x n_jobs``:
how much of the workers' time went into fitting. On a machine loaded by other
processes, ``busy`` drops for all and the ratios move towards 1.

Usage::

    python benchmarks/bench_stacking.py              # full run (about 6 minutes)
    python benchmarks/bench_stacking.py --repeat 2   # each fit twice, keep the fastest
    python benchmarks/bench_stacking.py --quick      # smoke run, seconds
"""

import argparse
import os
import platform
import time
import warnings

import numpy as np
from sklearn.datasets import make_classification
from sklearn.ensemble import RandomForestClassifier
from sklearn.ensemble import StackingClassifier as SkStackingClassifier
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import accuracy_score, roc_auc_score

from skextra.ensemble import StackingClassifier


def members(n_estimators):
    from lightgbm import LGBMClassifier
    from xgboost import XGBClassifier

    return [
        ("lr", LogisticRegression(max_iter=1000)),
        (
            "rf",
            RandomForestClassifier(n_estimators=n_estimators, n_jobs=1, random_state=0),
        ),
        (
            "lgbm",
            LGBMClassifier(
                n_estimators=n_estimators, n_jobs=1, random_state=0, verbose=-1
            ),
        ),
        ("xgb", XGBClassifier(n_estimators=n_estimators, n_jobs=1, random_state=0)),
    ]


def stackers(n_estimators, n_folds, n_jobs):
    from mlxtend.classifier import StackingCVClassifier

    return {
        "skextra": StackingClassifier(
            members(n_estimators), LogisticRegression(), cv=n_folds, n_jobs=n_jobs
        ),
        "sklearn": SkStackingClassifier(
            members(n_estimators), LogisticRegression(), cv=n_folds, n_jobs=n_jobs
        ),
        "mlxtend": StackingCVClassifier(
            [est for _, est in members(n_estimators)],
            meta_classifier=LogisticRegression(),
            cv=n_folds,
            use_probas=True,
            drop_proba_col="first",
            shuffle=False,
            stratify=True,
            n_jobs=n_jobs,
        ),
    }


def cpu_seconds():
    """CPU seconds used so far by this process and each of its children, by pid."""
    try:
        import psutil
    except ImportError:
        return None
    me = psutil.Process()
    used = {}
    for process in [me] + me.children(recursive=True):
        try:
            times = process.cpu_times()
        except psutil.Error:
            continue
        used[process.pid] = times.user + times.system
    return used


def cpu_used(before, after):
    if before is None or after is None:
        return float("nan")
    return sum(seconds - before.get(pid, 0.0) for pid, seconds in after.items())


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small smoke run")
    parser.add_argument(
        "--n-jobs", default="2,1", help="comma-separated n_jobs values (default 2,1)"
    )
    parser.add_argument(
        "--repeat",
        type=int,
        default=1,
        help="fit each stacker this many times (order rotated) and keep the fastest",
    )
    args = parser.parse_args(argv)

    if args.quick:
        n_train, n_features, n_estimators, n_folds = 2_000, 10, 20, 3
    else:
        n_train, n_features, n_estimators, n_folds = 30_000, 30, 100, 5
    n_test = n_train // 3
    X, y = make_classification(
        n_samples=n_train + n_test,
        n_features=n_features,
        n_informative=n_features // 2,
        n_redundant=n_features // 5,
        flip_y=0.03,
        random_state=0,
    )
    X_train, X_test, y_train, y_test = (
        X[:n_train],
        X[n_train:],
        y[:n_train],
        y[n_train:],
    )

    import joblib
    import lightgbm
    import mlxtend
    import sklearn
    import xgboost

    import skextra

    print(
        f"data: {n_train} train x {n_features} features, {n_test} test; "
        f"{n_folds} folds; members LR, RF, LGBM, XGB with n_estimators={n_estimators}, "
        "n_jobs=1 each"
    )
    print(
        f"machine: {platform.processor() or platform.machine()}, "
        f"{os.cpu_count()} CPUs, "
        f"load average {os.getloadavg()[0]:.1f}"
    )
    print(
        f"versions: skextra {skextra.__version__}, scikit-learn {sklearn.__version__}, "
        f"mlxtend {mlxtend.__version__}, xgboost {xgboost.__version__}, "
        f"lightgbm {lightgbm.__version__}, joblib {joblib.__version__}"
    )
    print()
    header = (
        f"{'stacker':<9} {'n_jobs':>6} {'fit (s)':>9} {'/sklearn':>9} {'CPU (s)':>8} "
        f"{'busy':>6} {'accuracy':>9} {'ROC AUC':>8} {'max |dP|':>9}"
    )
    print(header, flush=True)
    print("-" * len(header))
    for n_jobs in [int(value) for value in args.n_jobs.split(",")]:
        # Start the workers and import the libraries in them before timing.
        for stacker in stackers(5, 2, n_jobs).values():
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                stacker.fit(X_train[:200], y_train[:200])
        times, cpu, probas, runs = {}, {}, {}, {}
        names = list(stackers(1, 2, n_jobs))
        for repeat in range(args.repeat):
            # Rotate the order so that no stacker always runs first.
            order = names[repeat % len(names) :] + names[: repeat % len(names)]
            for name in order:
                stacker = stackers(n_estimators, n_folds, n_jobs)[name]
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")
                    before = cpu_seconds()
                    start = time.perf_counter()
                    stacker.fit(X_train, y_train)
                    elapsed = time.perf_counter() - start
                    used = cpu_used(before, cpu_seconds())
                    probas[name] = stacker.predict_proba(X_test)[:, 1]
                runs.setdefault(name, []).append(elapsed)
                if elapsed <= times.get(name, np.inf):
                    times[name], cpu[name] = elapsed, used
        times = {name: times[name] for name in names}
        for name in times:
            accuracy = accuracy_score(y_test, (probas[name] > 0.5).astype(int))
            auc = roc_auc_score(y_test, probas[name])
            gap = np.max(np.abs(probas[name] - probas["sklearn"]))
            busy = cpu[name] / (times[name] * n_jobs)
            print(
                f"{name:<9} {n_jobs:>6} {times[name]:>9.2f} "
                f"{times[name] / times['sklearn']:>8.2f}x "
                f"{cpu[name]:>8.1f} {busy:>6.0%} "
                f"{accuracy:>9.4f} {auc:>8.4f} {gap:>9.1e}",
                flush=True,
            )
        if args.repeat > 1:
            for name in names:
                listed = ", ".join(f"{value:.1f}" for value in runs[name])
                print(f"    {name} n_jobs={n_jobs} runs (s): {listed}", flush=True)
    print()
    print(f"load average after: {os.getloadavg()[0]:.1f}", flush=True)


if __name__ == "__main__":
    main()
