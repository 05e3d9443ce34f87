"""SMOTEBagging: skextra against imbalanced-ensemble, side by side.

Fits ``skextra.resampling.SMOTEBaggingClassifier`` and imbalanced-ensemble's
``SMOTEBaggingClassifier`` (same decision-tree members, same number of them)
on the same 5-fold stratified splits of three problems of
``bench_imbalanced.py`` and prints, per problem, the fit-time ratio (CPU
seconds of the fits summed over the folds: both run with ``n_jobs=1`` and one
BLAS/OpenMP thread, so the load of a shared machine does not enter) and the
balanced accuracy of both. imbalanced-ensemble runs in its own interpreter
(it pins an older scikit-learn), one subprocess per problem right after
skextra's folds on it::

    python3 -m venv /tmp/imbens-venv
    /tmp/imbens-venv/bin/pip install imbalanced-ensemble
    PYTHONPATH=. python benchmarks/bench_smotebagging.py \\
        --imbens /tmp/imbens-venv/bin/python

imbalanced-ensemble's default ``k_neighbors`` is 1 and skextra's is
imbalanced-learn's 5; ``--k-neighbors K`` gives both the same value (5 by
default) and ``--imbens-k-neighbors 1`` runs imbalanced-ensemble at its own
default, as ``bench_imbalanced.py`` does.
"""

import os

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
from sklearn.metrics import balanced_accuracy_score  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent))
import bench_imbalanced as B  # noqa: E402

PROBLEMS = ("gen-ir10", "moons-ir20", "breast-cancer-ir10")


def imbens_maker(n_estimators, k_neighbors):
    import imbens.ensemble as E

    return lambda: E.SMOTEBaggingClassifier(
        estimator=B._tree(),
        n_estimators=n_estimators,
        k_neighbors=k_neighbors,
        random_state=0,
    )


def skextra_maker(n_estimators, k_neighbors):
    from skextra.resampling import SMOTEBaggingClassifier

    return lambda: SMOTEBaggingClassifier(
        B._tree(), n_estimators=n_estimators, k_neighbors=k_neighbors, random_state=0
    )


def score(X, y, make, folds):
    """CPU seconds of the fits over the folds and out-of-fold balanced accuracy."""
    pred, seconds = np.empty_like(y), 0.0
    for test in folds:
        train = np.setdiff1d(np.arange(len(y)), test)
        model = make()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            start = time.process_time()
            model.fit(X[train], y[train])
            seconds += time.process_time() - start
        pred[test] = model.predict(X[test])
    return seconds, balanced_accuracy_score(y, pred)


def _worker(data_path, n_estimators, k_neighbors):
    data = np.load(data_path)
    folds = [data[f"fold_{j}"] for j in range(B.N_FOLDS)]
    seconds, ba = score(
        data["X"], data["y"], imbens_maker(n_estimators, k_neighbors), folds
    )
    print(json.dumps({"seconds": seconds, "ba": ba}))


def run_imbens(python, X, y, folds, n_estimators, k_neighbors):
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "data.npz"
        np.savez(path, X=X, y=y, **{f"fold_{j}": f for j, f in enumerate(folds)})
        args = [python, __file__, "--worker", str(path)]
        args += ["--n-estimators", str(n_estimators), "--k-neighbors", str(k_neighbors)]
        done = subprocess.run(args, check=True, stdout=subprocess.PIPE, text=True)
    out = json.loads(done.stdout.strip().splitlines()[-1])
    return out["seconds"], out["ba"]


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--imbens", help="python of the imbalanced-ensemble venv")
    parser.add_argument("--n-estimators", type=int, default=30)
    parser.add_argument("--k-neighbors", type=int, default=5)
    parser.add_argument("--imbens-k-neighbors", type=int, default=None)
    parser.add_argument("--problems", nargs="*", default=list(PROBLEMS))
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    m, k = args.n_estimators, args.k_neighbors
    if args.worker:
        return _worker(args.worker, m, k)
    problems = B.make_problems()
    k_imbens = k if args.imbens_k_neighbors is None else args.imbens_k_neighbors
    print(
        f"n_estimators={m}, k_neighbors={k} (imbalanced-ensemble {k_imbens}), "
        f"{B.N_FOLDS} folds"
    )
    print("| problem | n | skextra CPU s | imbens CPU s | ratio | BA sk | BA imbens |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    ratios = []
    for name in args.problems:
        X, y = problems[name]
        folds = B.folds_of(y, B.N_FOLDS)
        sk_s, sk_ba = score(X, y, skextra_maker(m, k), folds)
        im_s, im_ba = run_imbens(args.imbens, X, y, folds, m, k_imbens)
        ratios.append(sk_s / im_s)
        print(
            f"| {name} | {len(y)} | {sk_s:.2f} | {im_s:.2f} | {sk_s / im_s:.2f}x "
            f"| {sk_ba:.4f} | {im_ba:.4f} |",
            flush=True,
        )
    print(f"geometric mean ratio: {np.exp(np.mean(np.log(ratios))):.2f}x")


if __name__ == "__main__":
    main()
