"""Exact neighbour search: which algorithm is fastest for a DSEL shape.

Times, on one thread, skextra's float32 cell search ``BlockNeighbors``
("blas": float32 products over the cells that can hold a neighbour, a
rigorous rounding bound, exact float64 distances of the rows kept) and
scikit-learn's ``NearestNeighbors`` brute force and k-d tree, fit +
``kneighbors`` of 2,000 queries with ``k=7`` on ``make_classification``
data, best of 3, over a grid of DSEL sizes and feature counts, and checks
that the three find the same neighbours (after ordering equal distances by
index). The rule of ``skextra.ensemble._dynamic._search.choose_exact`` was
read from this table::

    OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 \\
        .venv/bin/python benchmarks/bench_neighbors.py
"""

import time

import numpy as np
from sklearn.datasets import make_classification
from sklearn.neighbors import NearestNeighbors
from threadpoolctl import threadpool_limits

from skextra.ensemble._dynamic._neighbors import canonical_order
from skextra.ensemble._dynamic._search import BlockNeighbors

N_QUERIES, K = 2000, 7
ALGORITHMS = ("blas", "brute", "kd_tree")


def best_time(name, X, Q, repeats=3):
    best = np.inf
    for _ in range(repeats):
        t0 = time.perf_counter()
        searcher = (
            BlockNeighbors() if name == "blas" else NearestNeighbors(algorithm=name)
        )
        searcher.fit(X)
        dist, ind = searcher.kneighbors(Q, K)
        best = min(best, time.perf_counter() - t0)
    return best, canonical_order(dist, ind)[1]


def main():
    print(
        "| n_dsel | n_features | blas (s) | sklearn brute (s) | kd_tree (s) "
        "| fastest | same neighbours |"
    )
    print("|---:|---:|---:|---:|---:|---|---|")
    for d in (4, 8, 16, 32):
        for n in (1000, 4000, 10000, 30000, 100000):
            X, _ = make_classification(
                n_samples=n + N_QUERIES,
                n_features=d,
                n_informative=max(2, d // 2),
                n_redundant=d // 4,
                random_state=0,
            )
            with threadpool_limits(1):
                runs = {a: best_time(a, X[:n], X[n:]) for a in ALGORITHMS}
            times = {a: t for a, (t, _) in runs.items()}
            same = all(np.array_equal(i, runs["blas"][1]) for _, i in runs.values())
            cells = " | ".join(f"{times[a]:.4f}" for a in ALGORITHMS)
            print(
                f"| {n} | {d} | {cells} | {min(times, key=times.get)} | {same} |",
                flush=True,
            )


if __name__ == "__main__":
    main()
