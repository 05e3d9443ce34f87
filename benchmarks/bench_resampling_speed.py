"""Fit time of skextra's resampling ensembles next to imbalanced-learn's.

Pairs with the same algorithm and settings (BalancedBagging, EasyEnsemble,
BalancedRandomForest) are fitted on the same imbalanced problems, with
``n_jobs=1`` and ``n_jobs=2``. Runs are interleaved (skextra, peer, skextra,
peer, ...) and the best of ``--repeats`` runs is kept, so a loaded machine
slows both sides alike; the ratio skextra / imbalanced-learn is what to read.
For ``n_jobs=1`` the ratio of the process's CPU time is printed too; it is
less disturbed by other processes on a shared machine. Balanced accuracy on a
held-out half is printed as a sanity check.

Usage::

    python benchmarks/bench_resampling_speed.py            # full run
    python benchmarks/bench_resampling_speed.py --quick    # smoke run
"""

import argparse
import time

import numpy as np
from imblearn import ensemble as imb
from sklearn.datasets import make_classification
from sklearn.metrics import balanced_accuracy_score
from sklearn.model_selection import train_test_split
from sklearn.utils.parallel import Parallel, delayed

from skextra import resampling as skx

PAIRS = [
    (
        "BalancedBagging",
        skx.BalancedBaggingClassifier,
        imb.BalancedBaggingClassifier,
        {"n_estimators": 50},
    ),
    (
        "EasyEnsemble",
        skx.EasyEnsembleClassifier,
        imb.EasyEnsembleClassifier,
        {"n_estimators": 10},
    ),
    (
        "BalancedRandomForest",
        skx.BalancedRandomForestClassifier,
        imb.BalancedRandomForestClassifier,
        {"n_estimators": 100},
    ),
]


def problems(quick):
    n = 4000 if quick else 20000
    yield (
        "binary IR=19",
        make_classification(
            n_samples=n, n_features=20, n_informative=8, weights=[0.95], random_state=0
        ),
    )
    yield (
        "3-class IR=20",
        make_classification(
            n_samples=n,
            n_features=20,
            n_informative=8,
            n_classes=3,
            weights=[0.8, 0.16, 0.04],
            random_state=1,
        ),
    )


def timed_fit(cls, params, X, y):
    model = cls(**params)
    start, start_cpu = time.perf_counter(), time.process_time()
    model.fit(X, y)
    return time.perf_counter() - start, time.process_time() - start_cpu, model


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small data, 1 repeat")
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    repeats = 1 if args.quick else args.repeats
    # start the process pool once, so neither side pays for it
    Parallel(n_jobs=2)(delayed(abs)(i) for i in range(4))

    header = (
        f"{'problem':<15} {'method':<21} {'n_jobs':>6} {'skextra s':>10} "
        f"{'imblearn s':>10} {'ratio':>6} {'cpu ratio':>9} {'bal.acc sk':>10} "
        f"{'bal.acc imb':>11}"
    )
    print(header)
    print("-" * len(header))
    ratios = []
    for problem, (X, y) in problems(args.quick):
        X_train, X_test, y_train, y_test = train_test_split(
            X, y, stratify=y, test_size=0.5, random_state=0
        )
        for name, ours, theirs, params in PAIRS:
            for n_jobs in (1, 2):
                times = {"sk": [], "imb": []}
                cpu = {"sk": [], "imb": []}
                scores = {}
                for repeat in range(repeats):
                    for key, cls in (("sk", ours), ("imb", theirs)):
                        seconds, cpu_seconds, model = timed_fit(
                            cls,
                            {**params, "n_jobs": n_jobs, "random_state": repeat},
                            X_train,
                            y_train,
                        )
                        times[key].append(seconds)
                        cpu[key].append(cpu_seconds)
                        if repeat == 0:
                            scores[key] = balanced_accuracy_score(
                                y_test, model.predict(X_test)
                            )
                sk, im = min(times["sk"]), min(times["imb"])
                ratios.append(sk / im)
                # CPU time of this process: comparable only when nothing runs
                # in worker processes
                cpu_ratio = (
                    f"{min(cpu['sk']) / min(cpu['imb']):>9.2f}"
                    if n_jobs == 1
                    else f"{'-':>9}"
                )
                print(
                    f"{problem:<15} {name:<21} {n_jobs:>6} {sk:>10.3f} {im:>10.3f} "
                    f"{sk / im:>6.2f} {cpu_ratio} {scores['sk']:>10.4f} "
                    f"{scores['imb']:>11.4f}"
                )
    print(
        f"\ngeometric mean ratio skextra / imbalanced-learn: "
        f"{np.exp(np.mean(np.log(ratios))):.2f} (max {max(ratios):.2f})"
    )


if __name__ == "__main__":
    main()
