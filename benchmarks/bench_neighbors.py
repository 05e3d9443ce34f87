"""Exact neighbour search: which algorithm is fastest for a DSEL shape.

Times, on one thread, skextra's exact float32 search ``BlockNeighbors``
(float32 products, a rigorous rounding bound, exact float64 distances of
the rows kept) in its two ways, "blas all" (every query times every row)
and "blas cells" (only the cells that can hold a neighbour), and
scikit-learn's ``NearestNeighbors`` brute force and k-d tree: fit +
``kneighbors`` of 2,000 queries with ``k=7`` on ``make_classification``
data (rounded to 6 decimals), best of 3, over a grid of DSEL sizes and
feature counts, and checks that all four find the same neighbours (after
ordering equal distances by index). The rules of
``skextra.ensemble._dynamic._search.choose_exact`` and ``_scans_all`` were
read from this table::

    OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 \\
        .venv/bin/python benchmarks/bench_neighbors.py

``--n-dsel`` and ``--features`` take another grid, ``--queries`` another
number of queries.
"""

import argparse
import time

import numpy as np
from sklearn.datasets import make_classification
from sklearn.neighbors import NearestNeighbors
from threadpoolctl import threadpool_limits

from skextra.ensemble._dynamic import _search
from skextra.ensemble._dynamic._neighbors import canonical_order

N_QUERIES, K = 2000, 7
ALGORITHMS = ("blas all", "blas cells", "brute", "kd_tree")


def _searcher(name):
    if name.startswith("blas"):
        return _search.BlockNeighbors()
    return NearestNeighbors(algorithm=name)


def best_time(name, X, Q, repeats=3):
    rule = _search._scans_all
    if name.startswith("blas"):
        _search._scans_all = lambda n_rows, n_features: name == "blas all"
    try:
        best = np.inf
        for _ in range(repeats):
            t0 = time.perf_counter()
            dist, ind = _searcher(name).fit(X).kneighbors(Q, K)
            best = min(best, time.perf_counter() - t0)
    finally:
        _search._scans_all = rule
    return best, canonical_order(dist, ind)[1]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--n-dsel", type=int, nargs="+", default=[500, 1800, 4000, 10000, 30000, 100000]
    )
    parser.add_argument("--features", type=int, nargs="+", default=[4, 8, 16, 32, 48])
    parser.add_argument("--queries", type=int, default=N_QUERIES)
    args = parser.parse_args()
    print(
        "| n_dsel | n_features | blas all (s) | blas cells (s) | sklearn brute (s) "
        "| kd_tree (s) | fastest | same neighbours |"
    )
    print("|---:|---:|---:|---:|---:|---:|---|---|")
    for d in args.features:
        for n in args.n_dsel:
            X, _ = make_classification(
                n_samples=n + args.queries,
                n_features=d,
                n_informative=max(2, d // 2),
                n_redundant=d // 4,
                random_state=0,
            )
            X = np.round(X, 6)
            with threadpool_limits(1):
                runs = {a: best_time(a, X[:n], X[n:]) for a in ALGORITHMS}
            times = {a: t for a, (t, _) in runs.items()}
            ref = runs["blas all"][1]
            same = all(np.array_equal(i, ref) for _, i in runs.values())
            cells = " | ".join(f"{times[a]:.4f}" for a in ALGORITHMS)
            print(
                f"| {n} | {d} | {cells} | {min(times, key=times.get)} | {same} |",
                flush=True,
            )


if __name__ == "__main__":
    main()
