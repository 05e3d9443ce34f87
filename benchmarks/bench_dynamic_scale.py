"""Dynamic selection at scale: skextra (exact and faiss) vs DESlib 0.3.7.

KNORA-E, META-DES, DES-P and OLA on DSEL 200,000 x 32 with 50,000 test rows
and DSEL 1,000,000 x 32 with 200,000 test rows (``--sizes``), 20 depth-10
trees fitted on another 50,000 rows. DESlib runs in its scratch environment
(see ``bench_dynamic.py``)::

    .venv/bin/python benchmarks/bench_dynamic_scale.py --timeout-min 60 \\
        --out scale.jsonl
    .venv/bin/python benchmarks/bench_dynamic_scale.py --table scale.jsonl

Every run is a subprocess of its own (``n_jobs=1``, one BLAS/OpenMP thread)
that loads the data and the pool (fitted once per environment, untimed),
then times ``fit`` and ``predict`` and reports the accuracy and its peak
RSS (Linux's ``VmHWM``, the data and the pool included, and the peak before
the fit; ``resource.getrusage``'s ``ru_maxrss`` is kept too, but it also
holds the parent's peak at the fork). A second,
untimed run of the same configuration under ``tracemalloc`` gives the
traced peak of fit + predict (numpy's arrays included) when the timed run
took under ``--trace-limit-s`` seconds. A run still going after
``--timeout-min`` minutes is killed and reported as not finished. Each
result is appended to ``--out`` as one JSON line as soon as it is known, and
runs already there are skipped (so a stopped run resumes). Per size, the
approximate runs come first, then the exact ones; ``--parallel 2`` runs the
skextra and DESlib runs of one configuration at the same time, each on one
core (both see the same machine load).
"""

import argparse
import json
import os
import resource
import subprocess
import sys
import time
import warnings
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_dynamic import DESLIB_PYTHON, SINGLE_THREAD, _estimator, fit_pool  # noqa: E402

METHODS = ("KNORAE", "METADES", "DESP", "OLA")
SIZES = ((200_000, 50_000), (1_000_000, 200_000))
N_TRAIN, N_FEATURES, N_MEMBERS = 50_000, 32, 20
LIBS = ("skextra-knn", "deslib", "skextra-faiss")


def make_data(path, n_dsel, n_test, n_features=N_FEATURES):
    from sklearn.datasets import make_classification

    X, y = make_classification(
        n_samples=N_TRAIN + n_dsel + n_test,
        n_features=n_features,
        n_informative=n_features // 2,
        n_redundant=n_features // 4,
        flip_y=0.03,
        random_state=0,
    )
    rng = np.random.RandomState(0)
    a, b = N_TRAIN, N_TRAIN + n_dsel
    np.savez(
        path,
        X_train=X[:a],
        y_train=y[:a],
        X_dsel=X[a:b],
        y_dsel=y[a:b],
        X_test=X[b:],
        y_test=y[b:],
        boot=rng.randint(0, N_TRAIN, size=(N_MEMBERS, N_TRAIN)),
        seeds=rng.randint(0, 2**31 - 1, size=N_MEMBERS),
    )


def _peak_rss_mb():
    """This process's peak resident memory (MB).

    ``ru_maxrss`` keeps the peak of the process before ``exec`` (here the
    parent at the fork), so it is only an upper bound; Linux's ``VmHWM`` is
    the peak of this program alone.
    """
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    try:
        with open("/proc/self/status") as f:
            fields = dict(line.split(":", 1) for line in f)
        return rss, int(fields["VmHWM"].split()[0]) / 1024
    except (OSError, KeyError, ValueError):  # not Linux
        return rss, rss


def _cached_pool(data_path, data):
    """The pool, fitted once per environment (scikit-learn version)."""
    import pickle

    import sklearn

    path = Path(f"{data_path}.pool-{sklearn.__version__}.pkl")
    if path.exists():
        return pickle.loads(path.read_bytes())
    pool = fit_pool(data)
    tmp = path.with_suffix(f".{os.getpid()}")
    tmp.write_bytes(pickle.dumps(pool))
    tmp.replace(path)
    return pool


def worker(lib, data_path, method, n_dsel, n_test, trace):
    warnings.simplefilter("ignore")
    data = dict(np.load(data_path))
    X_dsel, y_dsel = data["X_dsel"][:n_dsel], data["y_dsel"][:n_dsel]
    X_test, y_test = data["X_test"][:n_test], data["y_test"][:n_test]
    pool = _cached_pool(data_path, data)
    del data
    name, _, search = lib.partition("-")
    est = _estimator(name, method, pool)
    if name == "skextra":
        est.set_params(knn_classifier=search)
    if trace:
        import tracemalloc

        tracemalloc.start()
    _, before = _peak_rss_mb()
    t0 = time.perf_counter()
    est.fit(X_dsel, y_dsel)
    t1 = time.perf_counter()
    pred = est.predict(X_test)
    t2 = time.perf_counter()
    ru_maxrss, hwm = _peak_rss_mb()
    out = {
        "fit": t1 - t0,
        "predict": t2 - t1,
        "ru_maxrss_mb": ru_maxrss,
        "maxrss_mb": hwm,
        "maxrss_before_mb": before,
        "accuracy": float(np.mean(pred == y_test)),
    }
    if trace:
        out["traced_peak_mb"] = tracemalloc.get_traced_memory()[1] / 2**20
    print(json.dumps(out), flush=True)


def _key(job):
    return f"{job['lib']}|{job['method']}|{job['n_dsel']}|{job['n_test']}|{job['mode']}"


def _run(job, data_path, timeout_s):
    python = DESLIB_PYTHON if job["lib"] == "deslib" else sys.executable
    cmd = [python, __file__, "--worker", job["lib"], "--data", str(data_path)]
    cmd += ["--method", job["method"], "--n-dsel", str(job["n_dsel"])]
    cmd += ["--n-test", str(job["n_test"])]
    cmd += ["--trace"] if job["mode"] == "trace" else []
    env = {**os.environ, **SINGLE_THREAD, "PYTHONWARNINGS": "ignore"}
    t0 = time.perf_counter()
    try:
        res = subprocess.run(
            cmd, capture_output=True, text=True, timeout=timeout_s, env=env
        )
    except subprocess.TimeoutExpired:
        return dict(job, error=f"did not finish within {timeout_s / 60:.0f} min")
    if res.returncode:
        tail = (res.stderr.strip().splitlines() or ["?"])[-1]
        return dict(job, error=f"exit {res.returncode}: {tail[:160]}")
    out = json.loads(res.stdout.strip().splitlines()[-1])
    return dict(job, **out, wall=time.perf_counter() - t0)


def _line(r):
    head = f"{r['lib']:13s} {r['method']:7s} {r['n_dsel']:>7d}/{r['n_test']:<6d} "
    head += f"{r['mode']:5s} "
    if "error" in r:
        return head + r["error"]
    traced = f", traced {r['traced_peak_mb']:.0f} MB" if "traced_peak_mb" in r else ""
    return head + (
        f"fit {r['fit']:8.2f} s predict {r['predict']:8.2f} s acc {r['accuracy']:.4f}"
        f" RSS {r['maxrss_mb']:.0f} MB (before fit {r['maxrss_before_mb']:.0f})"
        + traced
    )


def run(args):
    out = Path(args.out)
    done = {}
    if out.exists():
        for line in out.read_text().splitlines():
            r = json.loads(line)
            done[_key(r)] = r
    sizes = [tuple(map(int, s.split("x"))) for s in args.sizes.split(",")]
    methods, libs = args.methods.split(","), args.libs.split(",")
    data_path = Path(args.data)
    if not data_path.exists():  # in a subprocess: the workers inherit no peak
        n_dsel, n_test = map(max, zip(*sizes))
        cmd = [sys.executable, __file__, "--make-data", "--data", str(data_path)]
        cmd += ["--n-dsel", str(n_dsel), "--n-test", str(n_test)]
        subprocess.run(cmd, check=True)
    timeout_s = args.timeout_min * 60
    for python in {DESLIB_PYTHON if "deslib" in libs else None, sys.executable}:
        if python:  # the pools, fitted once per environment before any timing
            cmd = [python, __file__, "--fit-pool", "--data", str(data_path)]
            subprocess.run(cmd, check=True, env={**os.environ, **SINGLE_THREAD})

    def record(r):
        done[_key(r)] = r
        with out.open("a") as f:
            f.write(json.dumps(r) + "\n")
        print(_line(r), flush=True)

    def job(lib, method, size, mode):
        return dict(lib=lib, method=method, n_dsel=size[0], n_test=size[1], mode=mode)

    def groups(size):
        """Per size: the approximate runs (short) first, then the exact ones
        in (skextra, DESlib) pairs; each timed, then traced."""
        approx = [lib for lib in libs if lib.endswith("faiss")]
        exact = [lib for lib in libs if lib not in approx]
        for mode in ("time", "trace"):
            yield [job(lib, m, size, mode) for m in methods for lib in approx]
        for mode in ("time", "trace"):
            for m in methods:
                yield [job(lib, m, size, mode) for lib in exact]

    def traced_worth(job):
        timed = done.get(_key(dict(job, mode="time")), {})
        return "fit" in timed and timed["fit"] + timed["predict"] < args.trace_limit_s

    with ThreadPoolExecutor(args.parallel) as pool:
        for size in sizes:
            for group in groups(size):
                todo = [j for j in group if _key(j) not in done]
                todo = [j for j in todo if j["mode"] == "time" or traced_worth(j)]
                for r in pool.map(lambda j: _run(j, data_path, timeout_s), todo):
                    record(r)
    print()
    print(table(list(done.values())))


def table(results):
    by = {_key(r): r for r in results}
    lines = [
        "| DSEL x 32 | test rows | method | library (search) | fit (s) | predict (s) "
        "| total (s) | DESlib / this | accuracy | traced peak (MB) "
        "| peak RSS (MB) | RSS before fit (MB) |",
        "|---:|---:|---|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    combos = sorted(
        {(r["n_dsel"], r["n_test"], r["method"]) for r in results},
        key=lambda c: (c[0], METHODS.index(c[2]) if c[2] in METHODS else 9),
    )
    for n_dsel, n_test, method in combos:

        def get(lib, mode):
            k = f"{lib}|{method}|{n_dsel}|{n_test}|{mode}"
            return by.get(k)

        ref = get("deslib", "time")
        ref_total = ref["fit"] + ref["predict"] if ref and "fit" in ref else None
        for lib in LIBS:
            r = get(lib, "time")
            if r is None:
                continue
            label = {"deslib": "DESlib"}.get(lib, lib.replace("-", " (") + ")")
            start = f"| {n_dsel:,} | {n_test:,} | {method} | {label} |"
            if "error" in r:
                lines.append(f"{start} {r['error']} | | | | | | | |")
                continue
            total = r["fit"] + r["predict"]
            ratio = f"{ref_total / total:.2f}x" if ref_total else "-"
            tr = get(lib, "trace")
            traced = (
                f"{tr['traced_peak_mb']:.0f}" if tr and "traced_peak_mb" in tr else "-"
            )
            lines.append(
                f"{start} {r['fit']:.2f} | {r['predict']:.2f} | {total:.2f} | {ratio} "
                f"| {r['accuracy']:.4f} | {traced} | {r['maxrss_mb']:.0f} "
                f"| {r['maxrss_before_mb']:.0f} |"
            )
    return "\n".join(lines)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--worker")
    parser.add_argument("--data", default="/tmp/bench_dynamic_scale.npz")
    parser.add_argument("--method")
    parser.add_argument("--n-dsel", type=int)
    parser.add_argument("--n-test", type=int)
    parser.add_argument("--trace", action="store_true")
    parser.add_argument("--fit-pool", action="store_true")
    parser.add_argument("--make-data", action="store_true")
    parser.add_argument(
        "--sizes",
        default=",".join(f"{a}x{b}" for a, b in SIZES),
        help="DSELxTEST,...",
    )
    parser.add_argument("--methods", default=",".join(METHODS))
    parser.add_argument("--libs", default=",".join(LIBS))
    parser.add_argument("--timeout-min", type=float, default=60)
    parser.add_argument("--trace-limit-s", type=float, default=300)
    parser.add_argument("--parallel", type=int, default=1)
    parser.add_argument("--out", default="bench_dynamic_scale.jsonl")
    parser.add_argument("--table", help="print the table of a results file")
    args = parser.parse_args(argv)
    if args.worker:
        return worker(
            args.worker, args.data, args.method, args.n_dsel, args.n_test, args.trace
        )
    if args.make_data:
        make_data(args.data, args.n_dsel, args.n_test)
        return 0
    if args.fit_pool:
        _cached_pool(args.data, dict(np.load(args.data)))
        return 0
    if args.table:
        lines = Path(args.table).read_text().splitlines()
        print(table([json.loads(line) for line in lines]))
        return 0
    run(args)
    return 0


if __name__ == "__main__":
    sys.exit(main())
