"""A stacking fit on a 2-worker Dask LocalCluster against joblib's default backend.

The same ``skextra.ensemble.StackingClassifier`` (member x fold jobs through
joblib) is fitted, interleaved, with:

* ``n_jobs=1`` (no parallelism, the reference),
* ``n_jobs=2`` on joblib's default backend (loky worker processes),
* ``n_jobs=2`` under ``joblib.parallel_config(backend="dask")`` on a
  ``distributed.LocalCluster`` of 2 worker processes with one thread each
  (cluster start-up is timed separately, once).

Predictions of the three runs are compared bit for bit. On one small machine
Dask only adds overhead (serialising the data to the workers, scheduling);
its use is a cluster of several machines, where the same code spreads the
jobs over all of them.

Usage::

    python benchmarks/bench_dask.py                 # a few minutes
    python benchmarks/bench_dask.py --n-samples 5000 --repeat 2
"""

import argparse
import statistics
import time

import joblib
import numpy as np
from sklearn.datasets import make_classification
from sklearn.ensemble import ExtraTreesClassifier, RandomForestClassifier
from sklearn.linear_model import LogisticRegression
from sklearn.neighbors import KNeighborsClassifier


def make_stacking(n_jobs):
    from skextra.ensemble import StackingClassifier

    members = [
        ("rf", RandomForestClassifier(n_estimators=100, random_state=0, n_jobs=1)),
        ("et", ExtraTreesClassifier(n_estimators=100, random_state=0, n_jobs=1)),
        ("lr", LogisticRegression(max_iter=1000)),
        ("knn", KNeighborsClassifier(n_neighbors=15, n_jobs=1)),
    ]
    return StackingClassifier(members, cv=5, n_jobs=n_jobs)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n-samples", type=int, default=10000)
    parser.add_argument("--n-features", type=int, default=20)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)

    import dask
    import distributed

    X, y = make_classification(
        n_samples=args.n_samples + 2000,
        n_features=args.n_features,
        n_informative=10,
        random_state=0,
    )
    X, X_test, y = X[: args.n_samples], X[args.n_samples :], y[: args.n_samples]

    start = time.perf_counter()
    cluster = distributed.LocalCluster(
        n_workers=2,
        processes=True,
        threads_per_worker=1,
        dashboard_address=None,
        silence_logs=40,
    )
    client = distributed.Client(cluster)
    startup = time.perf_counter() - start

    runs = {
        "n_jobs=1 (sequential)": (1, None),
        "n_jobs=2, joblib default (loky)": (2, None),
        "n_jobs=2, Dask LocalCluster (2 workers)": (2, "dask"),
    }
    times = {name: [] for name in runs}
    outputs = {}
    for _ in range(args.repeat):
        for name, (n_jobs, backend) in runs.items():
            model = make_stacking(n_jobs)
            start = time.perf_counter()
            if backend is None:
                model.fit(X, y)
            else:
                with joblib.parallel_config(backend=backend):
                    model.fit(X, y)
            times[name].append(time.perf_counter() - start)
            outputs[name] = model.predict_proba(X_test)
    client.close()
    cluster.close()

    reference = outputs["n_jobs=1 (sequential)"]
    base = statistics.median(times["n_jobs=1 (sequential)"])
    print(
        f"dask {dask.__version__}, distributed {distributed.__version__}, "
        f"joblib {joblib.__version__}"
    )
    print(
        f"StackingClassifier, 4 members x 5 folds (+ 4 refits), "
        f"{args.n_samples} x {args.n_features}, median of {args.repeat} "
        "interleaved runs"
    )
    print(f"LocalCluster start-up (once): {startup:.2f} s\n")
    print(
        "| run | fit (s) | speed-up vs n_jobs=1 | predictions identical to n_jobs=1 |"
    )
    print("|---|---|---|---|")
    for name in runs:
        median = statistics.median(times[name])
        same = np.array_equal(outputs[name], reference)
        print(
            f"| {name} | {median:.2f} | {base / median:.2f} | "
            f"{'yes' if same else 'NO'} |"
        )


if __name__ == "__main__":
    main()
