"""Dynamic selection: skextra vs DESlib 0.3.7, side by side in one run.

DESlib does not run on scikit-learn >= 1.6, so it runs in a scratch
environment, in a worker subprocess of this script::

    python3 -m venv /tmp/deslib-venv
    /tmp/deslib-venv/bin/pip install scikit-learn==1.5.2 deslib==0.3.7 "numpy<2"

    .venv/bin/python benchmarks/bench_dynamic.py            # every method
    .venv/bin/python benchmarks/bench_dynamic.py --scale    # KNORA-E at scale

The parent makes the data (binary 20,000 x 16 and three-class 6,000 x 20,
split 40 % pool training / 30 % DSEL / 30 % test) and the bootstrap rows of a
pool of 16 depth-10 decision trees, and saves them to an ``.npz``. Two
workers, one per library, load that file and fit the *same* trees (same rows,
same seeds); each reports its pool's test predictions, and the parent checks
they are identical. Then, method by method, the parent asks the two workers
in turn for one fit and predict each, run after run, so both see the same
machine load, and keeps each library's best fit and best predict time of up
to 11 runs (a library stops repeating once a run takes over 0.5 s) and its
first run's predictions; the methods that run under 0.5 s in both libraries
get a second pass of up to 11 runs each once every method has had its first
(``--rounds``), and the best times of both passes count, so that a few slower
seconds of the machine weigh on one pass only. ``n_jobs=1`` everywhere.
Before each timed run a worker keeps its core busy for 30 ms (``--warm-ms``;
0 turns it off): on the development VM a core that sat idle, as each worker
does while the other runs (the faster library's the longer), runs its next
milliseconds slower, which weighed on the faster library's ratio.

Each worker also allocates and frees one 16 MB array once its pool is fitted
(``_settle_allocator``), as any process that has held a large array has:
until then glibc's malloc may give the top few MB of its heap back to the
system after every call and fault them in again on the next. The skextra
worker did (1,810 page faults, about 6 ms, per binary fit + predict, until
META-DES freed a larger block), the DESlib worker, after its own larger
blocks, did not.

DESlib's probabilistic methods (``k=None``) gather an ``n_test x n_dsel x
n_members`` array; the DESlib worker predicts them 500 test rows at a time so
that it fits in memory (this does not slow it down).

``--scale``: DSEL 200,000 rows, 50,000 test rows, 20 members, 32 features
(``--n-dsel``, ``--n-test``, ``--n-features`` change them): KNORA-E fit +
predict time, accuracy and peak memory (``ru_maxrss`` and the traced peak,
each run in its own process) for DESlib, skextra's exact search
(``knn_classifier="knn"``) and its approximate search (``"faiss"``, an
inverted-file index; needs ``pip install -e ".[ann]"``), interleaved, best of
``--repeats``.
"""

import argparse
import json
import math
import os
import resource
import subprocess
import sys
import tempfile
import time
import warnings
from pathlib import Path

import numpy as np

DESLIB_PYTHON = os.environ.get("DESLIB_PYTHON", "/tmp/deslib-venv/bin/python")

METHODS = {
    "OLA": "dcs",
    "LCA": "dcs",
    "MCB": "dcs",
    "MLA": "dcs",
    "Rank": "dcs",
    "APriori": "dcs",
    "APosteriori": "dcs",
    "KNORAE": "des",
    "KNORAU": "des",
    "KNOP": "des",
    "DESP": "des",
    "METADES": "des",
    "RRC": "des",
    "DESKL": "des",
    "Exponential": "des",
    "Logarithmic": "des",
    "MinimumDifference": "des",
    "DESKNN": "des",
    "DESClustering": "des",
    "DESMI": "des",
    "SingleBest": "static",
    "StaticSelection": "static",
    "Oracle": "static",
}
PROBABILISTIC = {"RRC", "DESKL", "Exponential", "Logarithmic", "MinimumDifference"}
WITH_RANDOM_STATE = {
    "APriori",
    "APosteriori",
    "MCB",
    "DESClustering",
    "METADES",
    "KNOP",
    "DESP",
}
# One thread for BLAS and OpenMP in both workers: on a shared machine, OpenMP
# threads that spin-wait for a busy core distort the times of both libraries.
SINGLE_THREAD = {
    "OMP_NUM_THREADS": "1",
    "OPENBLAS_NUM_THREADS": "1",
    "MKL_NUM_THREADS": "1",
}
N_MEMBERS = 16
# Runs shorter than 0.5 s are repeated and the best time kept.
REPEATS = 11
MAX_DEPTH = 10
# Each worker keeps its core busy this long before a timed run (``--warm-ms``).
WARM_MS = 30
# Passes over the methods (``--rounds``); a method's best times are kept.
ROUNDS = 2


# ---------------------------------------------------------------- data/pool


def make_problem(path, n_samples, n_features, n_classes, seed, n_members=N_MEMBERS):
    from sklearn.datasets import make_classification

    X, y = make_classification(
        n_samples=n_samples,
        n_features=n_features,
        n_informative=n_features // 2,
        n_redundant=n_features // 4,
        n_classes=n_classes,
        n_clusters_per_class=2,
        flip_y=0.03,
        random_state=seed,
    )
    X = np.round(X, 6)
    rng = np.random.RandomState(seed)
    order = rng.permutation(n_samples)
    n_train, n_dsel = int(0.4 * n_samples), int(0.3 * n_samples)
    train, dsel, test = np.split(order, [n_train, n_train + n_dsel])
    boot = rng.randint(0, n_train, size=(n_members, n_train))
    np.savez(
        path,
        X_train=X[train],
        y_train=y[train],
        X_dsel=X[dsel],
        y_dsel=y[dsel],
        X_test=X[test],
        y_test=y[test],
        boot=boot,
        seeds=rng.randint(0, 2**31 - 1, size=n_members),
    )


def fit_pool(data):
    from sklearn.tree import DecisionTreeClassifier

    pool = []
    for rows, seed in zip(data["boot"], data["seeds"]):
        tree = DecisionTreeClassifier(max_depth=MAX_DEPTH, random_state=int(seed))
        pool.append(tree.fit(data["X_train"][rows], data["y_train"][rows]))
    return pool


# ------------------------------------------------------------------- worker


def _estimator(lib, name, pool):
    if lib == "deslib":
        import importlib

        cls = getattr(importlib.import_module(f"deslib.{METHODS[name]}"), name)
    else:
        import skextra.ensemble

        cls = getattr(skextra.ensemble, name)
    params = {"pool_classifiers": pool}
    import inspect

    accepted = inspect.signature(cls.__init__).parameters
    if "n_jobs" in accepted:
        params["n_jobs"] = 1
    if name in WITH_RANDOM_STATE and "random_state" in accepted:
        params["random_state"] = 0
    return cls(**params)


def _predict(lib, name, est, X, y):
    args = (y,) if name == "Oracle" else ()
    if lib == "deslib" and name in PROBABILISTIC:
        return np.concatenate(
            [est.predict(X[i : i + 500]) for i in range(0, len(X), 500)]
        )
    return est.predict(X, *args)


def _timed(lib, name, pool, data, search="knn"):
    """One fit and predict of a fresh estimator: their times and predictions."""
    est = _estimator(lib, name, pool)
    if lib == "skextra" and "knn_classifier" in est.get_params():
        est.set_params(knn_classifier=search)
    t0 = time.perf_counter()
    est.fit(data["X_dsel"], data["y_dsel"])
    t1 = time.perf_counter()
    pred = _predict(lib, name, est, data["X_test"], data["y_test"])
    t2 = time.perf_counter()
    return t1 - t0, t2 - t1, pred


TIE_SENSITIVE = {"DESKNN", "DESClustering", "DESMI", "StaticSelection"}


def _exact_ties_predict(name, pool, data):
    """DESlib's predictions with platform-independent ties (untimed)."""
    import importlib.util

    spec = importlib.util.spec_from_file_location(
        "deslib_reference", Path(__file__).with_name("deslib_reference.py")
    )
    ref = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(ref)
    ref.set_exact_ties(True)
    try:
        est = _estimator("deslib", name, pool).fit(data["X_dsel"], data["y_dsel"])
        return _predict("deslib", name, est, data["X_test"], data["y_test"])
    finally:
        ref.set_exact_ties(False)


def _keep_busy(ms):
    """Spin for ``ms`` milliseconds: a core that sat idle runs the next few
    milliseconds slower, a cost unrelated to the code timed next."""
    end = time.perf_counter() + ms / 1e3
    while time.perf_counter() < end:
        pass


def _settle_allocator():
    """Allocate and free one 16 MB array: glibc's malloc then keeps up to
    twice that much freed memory at the top of its heap for the next call."""
    np.ones(2**21)


def worker(lib, data_path, search="knn", warm_ms=WARM_MS):
    warnings.simplefilter("ignore")
    data = dict(np.load(data_path))
    pool = fit_pool(data)
    _settle_allocator()
    pool_pred = np.column_stack([m.predict(data["X_test"]) for m in pool])
    print(json.dumps({"pool_predict": pool_pred.tolist()}), flush=True)
    for line in sys.stdin:
        if not line.strip():
            break
        name, *first = line.split()
        try:
            _keep_busy(warm_ms)
            fit_s, pred_s, pred = _timed(lib, name, pool, data, search)
            out = {"fit": fit_s, "predict": pred_s}
            if first:
                out["pred"] = pred.tolist()
            if first and lib == "deslib" and name in TIE_SENSITIVE:
                out["pred_exact"] = _exact_ties_predict(name, pool, data).tolist()
        except Exception as exc:  # noqa: BLE001 - reported in the table
            out = {"error": f"{type(exc).__name__}: {exc}"[:200]}
        print(json.dumps(out), flush=True)


# ------------------------------------------------------------------- parent


class _Worker:
    def __init__(self, python, lib, data_path, search="knn", warm_ms=WARM_MS):
        self.proc = subprocess.Popen(
            [python, __file__, "--worker", lib, "--data", str(data_path)]
            + ["--search", search, "--warm-ms", str(warm_ms)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            env={**os.environ, **SINGLE_THREAD, "PYTHONWARNINGS": "ignore"},
        )
        self.ready = json.loads(self.proc.stdout.readline())

    def run(self, name):
        self.proc.stdin.write(name + "\n")
        self.proc.stdin.flush()
        out = json.loads(self.proc.stdout.readline())
        if "error" not in out:
            out["last"] = out["fit"] + out["predict"]
        return out

    def close(self):
        self.proc.stdin.write("\n")
        self.proc.stdin.close()
        self.proc.wait()


def compare(problems, methods, search="knn", warm_ms=WARM_MS, rounds=ROUNDS):
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for label, spec in problems.items():
            path = Path(tmp) / f"{label}.npz"
            make_problem(path, **spec)
            sk = _Worker(sys.executable, "skextra", path, search, warm_ms)
            ds = _Worker(DESLIB_PYTHON, "deslib", path, warm_ms=warm_ms)
            same_pool = sk.ready["pool_predict"] == ds.ready["pool_predict"]
            print(
                f"\n{label}: identical pool predictions in both environments: "
                f"{same_pool}",
                flush=True,
            )
            if not same_pool:
                raise SystemExit("the two pools differ; the comparison is void")
            runs = {name: _interleaved(sk, ds, name) for name in methods}
            for _ in range(rounds - 1):
                for name, best in runs.items():
                    if all("error" not in r and r["last"] <= 0.5 for r in best):
                        _keep_best(best, _interleaved(sk, ds, name, first=False))
            for name, (a, b) in runs.items():
                row = {"problem": label, "method": name, "sk": a, "ds": b}
                if "pred" in a and "pred" in b:
                    pa = np.array(a["pred"])
                    row["agree"] = float(np.mean(pa == np.array(b["pred"])))
                    ref = np.array(b.get("pred_exact", b["pred"]))
                    row["agree_exact"] = float(np.mean(pa == ref))
                rows.append(row)
                print(_line(row), flush=True)
            sk.close()
            ds.close()
    return rows


def _interleaved(sk, ds, name, first=True):
    """Each library's best fit and predict times of up to ``REPEATS`` runs,
    taken in turn (so both see the same machine load) until a library's run
    takes more than 0.5 s, and (``first``) its first run's predictions."""
    request = name + " first" if first else name
    results = [sk.run(request), ds.run(request)]
    for _ in range(REPEATS - 1):
        for worker, best in zip((sk, ds), results):
            if "error" in best or best["last"] > 0.5:
                continue
            _keep_best([best], [worker.run(name)])
    return results


def _keep_best(best, runs):
    """Each library's best fit and predict times over ``best`` and ``runs``."""
    for b, run in zip(best, runs):
        b["fit"] = min(b["fit"], run["fit"])
        b["predict"] = min(b["predict"], run["predict"])
        b["last"] = run["fit"] + run["predict"]


def _line(row):
    a, b = row["sk"], row["ds"]
    if "error" in a or "error" in b:
        return (
            f"{row['problem']:11s} {row['method']:17s} skextra: "
            f"{a.get('error', 'ok')} | DESlib: {b.get('error', 'ok')}"
        )
    ta, tb = a["fit"] + a["predict"], b["fit"] + b["predict"]
    return (
        f"{row['problem']:11s} {row['method']:17s} skextra fit {a['fit']:8.3f} s "
        f"predict {a['predict']:8.3f} s | DESlib fit {b['fit']:8.3f} s predict "
        f"{b['predict']:8.3f} s | ratio {ta / tb:6.3f} ({tb / ta:6.1f}x) | "
        f"same predictions {row['agree']:.4f} ({row['agree_exact']:.4f} exact ties)"
    )


def markdown(rows):
    lines = [
        "| problem | method | skextra fit (s) | skextra predict (s) | DESlib fit (s) "
        "| DESlib predict (s) | ratio skextra/DESlib | speed-up | same predictions "
        "| same, exact ties |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    ratios = []
    for row in rows:
        a, b = row["sk"], row["ds"]
        if "error" in a or "error" in b:
            lines.append(
                f"| {row['problem']} | {row['method']} | "
                f"{a.get('error', '')} | | {b.get('error', '')} | | | | | |"
            )
            continue
        ta, tb = a["fit"] + a["predict"], b["fit"] + b["predict"]
        ratios.append(ta / tb)
        lines.append(
            f"| {row['problem']} | {row['method']} | {a['fit']:.3f} "
            f"| {a['predict']:.3f} "
            f"| {b['fit']:.3f} | {b['predict']:.3f} | {ta / tb:.3f} | {tb / ta:.1f}x "
            f"| {row['agree']:.4f} | {row['agree_exact']:.4f} |"
        )
    gmean = math.exp(np.mean(np.log(ratios))) if ratios else float("nan")
    lines.append("")
    lines.append(
        f"Geometric mean of the time ratio skextra/DESlib (fit + predict, "
        f"{len(ratios)} runs): **{gmean:.3f}**; slowest ratio "
        f"{max(ratios):.3f}."
    )
    return "\n".join(lines)


# -------------------------------------------------------------------- scale


def scale_worker(lib, data_path, method, n_test, search="knn"):
    import tracemalloc

    warnings.simplefilter("ignore")
    data = dict(np.load(data_path))
    data["X_test"] = data["X_test"][:n_test]
    data["y_test"] = data["y_test"][:n_test]
    pool = fit_pool(data)
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    est = _estimator(lib, method, pool)
    if lib == "skextra":
        est.set_params(knn_classifier=search)
    t0 = time.perf_counter()
    est.fit(data["X_dsel"], data["y_dsel"])
    t1 = time.perf_counter()
    pred = est.predict(data["X_test"])
    t2 = time.perf_counter()
    after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    del est
    # Second, untimed run: peak of the memory allocated during fit + predict
    # (numpy's arrays included) above what the process held before.
    tracemalloc.start()
    est = _estimator(lib, method, pool)
    if lib == "skextra":
        est.set_params(knn_classifier=search)
    est.fit(data["X_dsel"], data["y_dsel"])
    est.predict(data["X_test"])
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    print(
        json.dumps(
            {
                "fit": t1 - t0,
                "predict": t2 - t1,
                "maxrss_mb": after / 1024,
                "maxrss_before_mb": before / 1024,
                "traced_peak_mb": peak / 2**20,
                "accuracy": float(np.mean(pred == data["y_test"])),
            }
        )
    )


def scale(
    run_deslib=True,
    repeats=3,
    n_dsel=200_000,
    n_test=50_000,
    n_features=32,
    methods=("KNORAE",),
):
    from sklearn.datasets import make_classification

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "scale.npz"
        n_train = 50_000
        X, y = make_classification(
            n_samples=n_train + n_dsel + n_test,
            n_features=n_features,
            n_informative=n_features // 2,
            n_redundant=n_features // 4,
            flip_y=0.03,
            random_state=0,
        )
        rng = np.random.RandomState(0)
        np.savez(
            path,
            X_train=X[:n_train],
            y_train=y[:n_train],
            X_dsel=X[n_train : n_train + n_dsel],
            y_dsel=y[n_train : n_train + n_dsel],
            X_test=X[n_train + n_dsel :],
            y_test=y[n_train + n_dsel :],
            boot=rng.randint(0, n_train, size=(20, n_train)),
            seeds=rng.randint(0, 2**31 - 1, size=20),
        )
        runs = []
        for method in methods:
            runs.append(("skextra", sys.executable, method, n_test, "knn"))
            if method == "KNORAE":
                runs.append(("skextra", sys.executable, method, n_test, "faiss"))
            if run_deslib:
                runs.append(("DESlib", DESLIB_PYTHON, method, n_test, "knn"))
        runs = runs * repeats  # interleaved, best time of each
        results = {}
        for lib, python, method, n, search in runs:
            res = subprocess.run(
                [
                    python,
                    __file__,
                    "--scale-worker",
                    lib.lower(),
                    "--data",
                    str(path),
                    "--method",
                    method,
                    "--n-test",
                    str(n),
                    "--search",
                    search,
                ],
                capture_output=True,
                text=True,
                check=True,
                env={**os.environ, **SINGLE_THREAD},
            )
            r = json.loads(res.stdout.strip().splitlines()[-1])
            print(
                f"{lib:8s} {method:7s} {search:6s} DSEL {n_dsel} test {n}: "
                f"fit {r['fit']:.2f} s, "
                f"predict {r['predict']:.2f} s, peak RSS {r['maxrss_mb']:.0f} MB "
                f"(after data+pool {r['maxrss_before_mb']:.0f} MB), traced peak of "
                f"fit+predict {r['traced_peak_mb']:.0f} MB, accuracy "
                f"{r['accuracy']:.4f}",
                flush=True,
            )
            best = results.setdefault(
                (lib, method, search),
                dict(r, lib=lib, method=method, n_test=n, search=search),
            )
            for key in ("fit", "predict"):
                best[key] = min(best[key], r[key])
        print()
        print(
            "| library | method | search | DSEL | test rows | fit (s) | predict (s) "
            "| DESlib time / this | accuracy | traced peak (MB) | peak RSS (MB) |"
        )
        print("|---|---|---|---:|---:|---:|---:|---:|---:|---:|---:|")
        for r in results.values():
            ref = results.get(("DESlib", r["method"], "knn"))
            speed = (
                (ref["fit"] + ref["predict"]) / (r["fit"] + r["predict"]) if ref else 0
            )
            print(
                f"| {r['lib']} | {r['method']} | {r['search']} | {n_dsel}x{n_features} "
                f"| {r['n_test']} | {r['fit']:.2f} | {r['predict']:.2f} | "
                f"{speed:.2f}x | {r['accuracy']:.4f} | {r['traced_peak_mb']:.0f} | "
                f"{r['maxrss_mb']:.0f} |"
            )
        return list(results.values())


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--worker")
    parser.add_argument("--scale-worker")
    parser.add_argument("--data")
    parser.add_argument("--method")
    parser.add_argument("--n-test", type=int)
    parser.add_argument("--search", default="knn", help="skextra's knn_classifier")
    parser.add_argument("--n-dsel", type=int, default=200_000)
    parser.add_argument("--n-features", type=int, default=32)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument(
        "--warm-ms",
        type=float,
        default=WARM_MS,
        help="busy milliseconds before each timed run (0: none)",
    )
    parser.add_argument(
        "--rounds",
        type=int,
        default=ROUNDS,
        help="passes over the methods, best times kept (methods under 0.5 s)",
    )
    parser.add_argument("--scale", action="store_true")
    parser.add_argument(
        "--no-deslib", action="store_true", help="with --scale: skip DESlib's KNORA-E"
    )
    parser.add_argument(
        "--methods", help="comma-separated subset (with --scale: default KNORAE)"
    )
    parser.add_argument("--quick", action="store_true", help="small data (smoke test)")
    parser.add_argument("--json", help="also save the raw results here")
    args = parser.parse_args(argv)
    if args.worker:
        return worker(args.worker, args.data, args.search, args.warm_ms)
    if args.scale_worker:
        return scale_worker(
            args.scale_worker, args.data, args.method, args.n_test, args.search
        )
    if args.scale:
        out = scale(
            run_deslib=not args.no_deslib,
            repeats=args.repeats,
            n_dsel=args.n_dsel,
            n_test=args.n_test or 50_000,
            n_features=args.n_features,
            methods=args.methods.split(",") if args.methods else ("KNORAE",),
        )
        if args.json:
            Path(args.json).write_text(json.dumps(out, indent=1))
        return 0
    factor = 10 if args.quick else 1
    problems = {
        "binary": dict(n_samples=20_000 // factor, n_features=16, n_classes=2, seed=0),
        "three-class": dict(
            n_samples=6_000 // factor, n_features=20, n_classes=3, seed=1
        ),
    }
    methods = args.methods.split(",") if args.methods else list(METHODS)
    rows = compare(problems, methods, args.search, args.warm_ms, args.rounds)
    print()
    print(markdown(rows))
    if args.json:
        Path(args.json).write_text(
            json.dumps(
                [
                    {k: v for k, v in r.items() if k not in ("sk", "ds")}
                    | {
                        "sk": {k: v for k, v in r["sk"].items() if k != "pred"},
                        "ds": {k: v for k, v in r["ds"].items() if k != "pred"},
                    }
                    for r in rows
                ],
                indent=1,
            )
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
