"""KNORA-E with its neighbour search on a GPU against the CPU, side by side.

For an NVIDIA GPU machine with CuPy or PyTorch (cuML is not needed). A pool
of decision trees is fitted on a training set; KNORA-E then uses a DSEL of
``--n-dsel`` rows (1,000,000 x 32 by default) and predicts ``--n-test`` rows
(200,000 by default). Runs, in this order, in one process:

``cpu-sklearn``
    KNORA-E with the default exact search (scikit-learn ``NearestNeighbors``).
``cpu-brute``
    KNORA-E with ``GPUNeighbors(device="cpu")``: the same brute-force kernel
    on NumPy.
``gpu``
    KNORA-E with ``GPUNeighbors(device="gpu")``: DSEL copied to the GPU once
    at fit, query batches searched there; the competence and the vote stay
    in NumPy.
``gpu-kernel``
    The neighbour search alone on GPU arrays (DSEL and queries created on
    the device), timed with a device synchronisation; its neighbours of the
    first 1000 test rows are checked against scikit-learn's.

Fit and predict times, the speed-up over ``cpu-sklearn`` and the number of
test rows whose prediction differs from ``cpu-sklearn`` are printed as a
Markdown table.

Usage (on the GPU machine)::

    python benchmarks/bench_gpu_knorae.py                       # full size
    python benchmarks/bench_gpu_knorae.py --library torch       # PyTorch
    python benchmarks/bench_gpu_knorae.py --n-dsel 100000 --n-test 20000

``--runs cpu-brute,gpu`` selects runs (the CPU runs at full size take
minutes). The tests run :func:`run` at tiny sizes on the CPU, with PyTorch-CPU
standing in for the GPU library.
"""

import argparse
import platform
import time

import numpy as np
from sklearn.datasets import make_classification
from sklearn.neighbors import NearestNeighbors
from sklearn.tree import DecisionTreeClassifier

RUNS = ("cpu-sklearn", "cpu-brute", "gpu", "gpu-kernel")


def make_data(n_train, n_dsel, n_test, n_features, seed=0):
    n = n_train + n_dsel + n_test
    X, y = make_classification(
        n_samples=n,
        n_features=n_features,
        n_informative=n_features // 2,
        n_redundant=0,
        n_classes=3,
        n_clusters_per_class=2,
        flip_y=0.05,
        random_state=seed,
    )
    a, b = n_train, n_train + n_dsel
    return X[:a], y[:a], X[a:b], y[a:b], X[b:]


def make_pool(X_train, y_train, n_members, seed=0):
    rng = np.random.RandomState(seed)
    pool = []
    for _ in range(n_members):
        rows = rng.randint(0, len(y_train), len(y_train))
        tree = DecisionTreeClassifier(max_depth=8, random_state=rng.randint(2**31))
        pool.append(tree.fit(X_train[rows], y_train[rows]))
    return pool


def _synchronize(library):
    if library == "cupy":
        import cupy

        cupy.cuda.Device().synchronize()
    elif library == "torch":
        import torch

        if torch.cuda.is_available():
            torch.cuda.synchronize()


def _device_arrays(library, *arrays, torch_device="cuda"):
    if library == "cupy":
        import cupy

        return [cupy.asarray(a) for a in arrays]
    import torch

    return [torch.asarray(a, device=torch_device) for a in arrays]


def run(
    n_train=20000,
    n_dsel=1_000_000,
    n_test=200_000,
    n_features=32,
    n_members=10,
    k=7,
    library="cupy",
    runs=RUNS,
    batch_size=None,
    torch_device="cuda",
):
    """Run the benchmark; return a list of result dicts (one per run)."""
    from skextra.ensemble import KNORAE
    from skextra.gpu import GPUNeighbors
    from skextra.utils import to_numpy

    X_train, y_train, X_dsel, y_dsel, X_test = make_data(
        n_train, n_dsel, n_test, n_features
    )
    pool = make_pool(X_train, y_train, n_members)
    searchers = {
        "cpu-sklearn": "knn",
        "cpu-brute": GPUNeighbors(device="cpu", batch_size=batch_size),
        "gpu": GPUNeighbors(device="gpu", batch_size=batch_size),
    }
    results = []
    reference = None
    for name in runs:
        if name == "gpu-kernel":
            dsel_dev, test_dev = _device_arrays(
                library, X_dsel, X_test, torch_device=torch_device
            )
            _synchronize(library)
            start = time.perf_counter()
            nn = GPUNeighbors(batch_size=batch_size).fit(dsel_dev)
            _synchronize(library)
            fit_time = time.perf_counter() - start
            start = time.perf_counter()
            _, ind = nn.kneighbors(test_dev, n_neighbors=k)
            _synchronize(library)
            predict_time = time.perf_counter() - start
            ind = to_numpy(ind)
            check = min(1000, len(X_test))
            _, ref = (
                NearestNeighbors(n_neighbors=k).fit(X_dsel).kneighbors(X_test[:check])
            )
            results.append(
                {
                    "run": name,
                    "fit": fit_time,
                    "predict": predict_time,
                    "neighbours": ind,
                    "predictions": None,
                    "neighbours_differ": int(
                        np.sum(np.any(ind[:check] != ref, axis=1))
                    ),
                }
            )
            continue
        model = KNORAE(pool, k=k, knn_classifier=searchers[name])
        start = time.perf_counter()
        model.fit(X_dsel, y_dsel)
        fit_time = time.perf_counter() - start
        start = time.perf_counter()
        predictions = model.predict(X_test)
        predict_time = time.perf_counter() - start
        results.append(
            {
                "run": name,
                "fit": fit_time,
                "predict": predict_time,
                "predictions": predictions,
                "neighbours": None,
                "searcher": model.roc_algorithm_,
            }
        )
        if reference is None:
            reference = predictions
    base = results[0]["fit"] + results[0]["predict"]
    for result in results:
        total = result["fit"] + result["predict"]
        result["speedup"] = base / total
        if result["predictions"] is not None and reference is not None:
            result["differ"] = int(np.sum(result["predictions"] != reference))
        else:
            result["differ"] = None
    return results


def _describe_device(library):
    try:
        if library == "cupy":
            import cupy

            props = cupy.cuda.runtime.getDeviceProperties(0)
            return f"{props['name'].decode()}, CuPy {cupy.__version__}"
        import torch

        return f"{torch.cuda.get_device_name(0)}, PyTorch {torch.__version__}"
    except Exception as exc:  # noqa: BLE001 - printed for the record
        return f"unknown ({exc})"


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n-dsel", type=int, default=1_000_000)
    parser.add_argument("--n-test", type=int, default=200_000)
    parser.add_argument("--n-features", type=int, default=32)
    parser.add_argument("--n-train", type=int, default=20000)
    parser.add_argument("--n-members", type=int, default=10)
    parser.add_argument("--k", type=int, default=7)
    parser.add_argument("--library", choices=("cupy", "torch"), default="cupy")
    parser.add_argument("--batch-size", type=int, default=None)
    parser.add_argument("--runs", default=",".join(RUNS))
    args = parser.parse_args(argv)
    runs = [r for r in args.runs.split(",") if r]
    unknown = set(runs) - set(RUNS)
    if unknown:
        parser.error(f"unknown runs {sorted(unknown)}; choose among {RUNS}")

    import sklearn

    import skextra
    from skextra.gpu import gpu_info

    print(
        f"skextra {skextra.__version__}, scikit-learn {sklearn.__version__}, "
        f"numpy {np.__version__}, {platform.platform()}"
    )
    print(f"GPU: {gpu_info()} ({_describe_device(args.library)})")
    print(
        f"KNORA-E, k={args.k}, pool of {args.n_members} trees, DSEL "
        f"{args.n_dsel} x {args.n_features}, {args.n_test} test rows\n"
    )
    results = run(
        n_train=args.n_train,
        n_dsel=args.n_dsel,
        n_test=args.n_test,
        n_features=args.n_features,
        n_members=args.n_members,
        k=args.k,
        library=args.library,
        runs=runs,
        batch_size=args.batch_size,
    )
    print(
        "| run | fit (s) | predict (s) | speed-up vs first run | "
        "predictions differing from first run |"
    )
    print("|---|---|---|---|---|")
    for r in results:
        if r["differ"] is None:
            differ = (
                f"search only: {r['neighbours_differ']} of the first 1000 "
                "rows have other neighbours than scikit-learn"
            )
        else:
            differ = r["differ"]
        print(
            f"| {r['run']} | {r['fit']:.2f} | {r['predict']:.2f} | "
            f"{r['speedup']:.1f} | {differ} |"
        )


if __name__ == "__main__":
    main()
