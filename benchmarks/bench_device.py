"""device="auto" against device="cpu" on a machine without a GPU, side by side.

On a machine with no usable GPU, ``device="auto"`` must give bit-identical
results to ``device="cpu"`` at no measurable cost. This script measures, in
one process and interleaved (auto, cpu, auto, cpu, ...) so that a loaded
machine affects both alike:

1. the device choice itself: ``resolve_device`` (first, uncached call and
   cached calls) and ``to_device`` of one estimator, against ``clone``;
2. a whole fit: a stacking ensemble whose members go through
   ``members_to_device`` and a ``DeviceEstimator`` around a random forest,
   with ``device="auto"``, with ``device="cpu"`` and with no device code at
   all; the predictions of the three are compared bit for bit.

Usage::

    python benchmarks/bench_device.py            # about a minute
    python benchmarks/bench_device.py --repeat 7 --n-samples 5000
"""

import argparse
import platform
import statistics
import sys
import time
import timeit

import numpy as np
from sklearn.base import clone
from sklearn.datasets import make_classification
from sklearn.ensemble import RandomForestClassifier
from sklearn.linear_model import LogisticRegression
from sklearn.tree import DecisionTreeClassifier

import skextra
from skextra.gpu import (
    DeviceEstimator,
    _device,
    gpu_info,
    members_to_device,
    resolve_device,
    to_device,
)


def _members():
    return [
        ("lr", LogisticRegression(max_iter=500)),
        ("tree", DecisionTreeClassifier(max_depth=6, random_state=0)),
        (
            "rf",
            RandomForestClassifier(
                n_estimators=30, max_depth=8, random_state=0, n_jobs=1
            ),
        ),
    ]


def _stacking(members):
    from skextra.ensemble import StackingClassifier

    return StackingClassifier(members, cv=5, n_jobs=1)


def _per_call(stmt, number):
    return min(timeit.repeat(stmt, number=number, repeat=5)) / number


def micro():
    rows = []
    _device._detect.cache_clear()
    start = time.perf_counter()
    resolve_device("auto")
    rows.append(
        (
            "resolve_device('auto'), first call (detection)",
            time.perf_counter() - start,
            None,
        )
    )
    auto = _per_call(lambda: resolve_device("auto"), 20000)
    cpu = _per_call(lambda: resolve_device("cpu"), 20000)
    rows.append(("resolve_device, cached", auto, cpu))
    rf = RandomForestClassifier(n_estimators=100)
    auto = _per_call(lambda: to_device(rf, "auto"), 2000)
    cpu = _per_call(lambda: to_device(rf, "cpu"), 2000)
    base = _per_call(lambda: clone(rf), 2000)
    rows.append(("to_device(RandomForestClassifier)", auto, cpu))
    rows.append(("clone(RandomForestClassifier) (no device code)", base, None))
    members = _members()
    auto = _per_call(lambda: members_to_device(members, "auto"), 20000)
    cpu = _per_call(lambda: members_to_device(members, "cpu"), 20000)
    rows.append(("members_to_device(3 members)", auto, cpu))
    return rows


def fits(X, y, X_test, repeat):
    cases = {
        "stacking (3 members, 5 folds)": {
            "auto": lambda: _stacking(members_to_device(_members(), "auto")),
            "cpu": lambda: _stacking(members_to_device(_members(), "cpu")),
            "none": lambda: _stacking(_members()),
        },
        "DeviceEstimator(RandomForest 100 trees)": {
            "auto": lambda: DeviceEstimator(
                RandomForestClassifier(n_estimators=100, random_state=0, n_jobs=1),
                device="auto",
            ),
            "cpu": lambda: DeviceEstimator(
                RandomForestClassifier(n_estimators=100, random_state=0, n_jobs=1),
                device="cpu",
            ),
            "none": lambda: RandomForestClassifier(
                n_estimators=100, random_state=0, n_jobs=1
            ),
        },
    }
    rows = []
    for name, makers in cases.items():
        times = {key: [] for key in makers}
        outputs = {}
        for _ in range(repeat):
            for key, make in makers.items():
                model = make()
                start = time.perf_counter()
                model.fit(X, y)
                times[key].append(time.perf_counter() - start)
                outputs[key] = model.predict_proba(X_test)
        identical = all(
            np.array_equal(outputs["auto"], outputs[key]) for key in ("cpu", "none")
        )
        rows.append(
            (name, {k: statistics.median(v) for k, v in times.items()}, identical)
        )
    return rows


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--n-samples", type=int, default=3000)
    args = parser.parse_args(argv)

    print(
        f"python {sys.version.split()[0]}, {platform.platform()}, "
        f"skextra {skextra.__version__}"
    )
    print(
        f"gpu_info(): {gpu_info()!r}  resolve_device('auto') -> "
        f"{resolve_device('auto')!r}"
    )
    if resolve_device("auto") != "cpu":
        print("A GPU is usable here: this benchmark is meant for a CPU-only machine.")

    print("\n## Cost of the device choice (seconds per call, best of 5)\n")
    print("| operation | device='auto' | device='cpu' | auto / cpu |")
    print("|---|---|---|---|")
    for name, auto, cpu in micro():
        ratio = f"{auto / cpu:.2f}" if cpu else ""
        cpu_text = f"{cpu:.2e}" if cpu else ""
        print(f"| {name} | {auto:.2e} | {cpu_text} | {ratio} |")

    X, y = make_classification(
        n_samples=args.n_samples + 1000, n_features=20, n_informative=10, random_state=0
    )
    X, X_test, y = X[: args.n_samples], X[args.n_samples :], y[: args.n_samples]
    print(
        f"\n## Whole fits, {args.n_samples} x 20, median of {args.repeat} "
        "interleaved runs (seconds)\n"
    )
    print(
        "| fit | device='auto' | device='cpu' | no device code | auto / cpu "
        "| predictions bit-identical |"
    )
    print("|---|---|---|---|---|---|")
    for name, times, identical in fits(X, y, X_test, args.repeat):
        print(
            f"| {name} | {times['auto']:.3f} | {times['cpu']:.3f} | "
            f"{times['none']:.3f} | {times['auto'] / times['cpu']:.3f} | "
            f"{'yes' if identical else 'NO'} |"
        )


if __name__ == "__main__":
    main()
