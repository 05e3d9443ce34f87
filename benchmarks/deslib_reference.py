"""Make the DESlib reference fixtures used by tests/ensemble/dynamic.

DESlib 0.3.7 does not run on scikit-learn >= 1.6, so this script runs in a
scratch environment that is not part of the project::

    python3 -m venv /tmp/deslib-venv
    /tmp/deslib-venv/bin/pip install scikit-learn==1.5.2 deslib==0.3.7 "numpy<2"
    /tmp/deslib-venv/bin/python benchmarks/deslib_reference.py

It rebuilds the deterministic pool and data of ``tests/ensemble/dynamic/_pool.py``
(loaded by path: skextra is not installed there), runs every DESlib method
under every setting listed there, and writes predictions and ``predict_proba``
to ``tests/ensemble/dynamic/data/deslib_<dataset>.npz``. A setting under which
DESlib raises is recorded with its error message instead.

Ties. DESlib orders members with ``np.argsort`` (default kind) in DES-KNN,
DES-Clustering, DES-MI and Static Selection. On CPUs with AVX-512, numpy >= 1.25
sorts with an unstable SIMD network, so which of two tied members wins depends
on the CPU and on the numpy version; on other CPUs numpy's introsort puts
short rows through an insertion sort, which is stable. The fixtures are made
with that stable order on every machine (``np.argsort`` inside DESlib's
modules is given ``kind="stable"``), which is also what skextra does.
DES-MI's competences of two members right on neighbours of the same classes
are equal in exact arithmetic, but DESlib sums them in neighbour order, so the
last bit (and the tie) depends on numpy's ``exp``; the fixtures round DESlib's
DES-MI competences (relative to the row's largest) to 12 decimals so that such
ties are exact, as they are in skextra. The script prints, per method, how
many test predictions change without these two adjustments.
"""

import importlib
import importlib.util
import inspect
import json
import sys
import types
import warnings
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
POOL_FILE = ROOT / "tests" / "ensemble" / "dynamic" / "_pool.py"
OUT_DIR = ROOT / "tests" / "ensemble" / "dynamic" / "data"

# Modules of DESlib that call np.argsort where ties decide the selection.
_ARGSORT_MODULES = (
    "deslib.des.des_knn",
    "deslib.des.des_clustering",
    "deslib.des.des_mi",
    "deslib.static.static_selection",
)


def load_pool_module():
    spec = importlib.util.spec_from_file_location("_deslib_pool", POOL_FILE)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _stable_numpy():
    proxy = types.ModuleType("numpy_stable_argsort")
    proxy.__dict__.update(np.__dict__)

    def argsort(a, axis=-1, kind=None, order=None):
        return np.argsort(a, axis=axis, kind="stable", order=order)

    proxy.argsort = argsort
    return proxy


_DESMI_COMPETENCE = None


def _desmi_exact_ties(self, competence_region, distances=None, predictions=None):
    """DESlib's DES-MI competence, rounded so that mathematical ties are exact."""
    c = _DESMI_COMPETENCE(self, competence_region, distances, predictions)
    scale = c.max(axis=1, keepdims=True)
    scale[scale == 0] = 1.0
    return np.round(c / scale, 12)


def set_exact_ties(exact):
    """Break DESlib's ties the platform-independent way, or restore it."""
    global _DESMI_COMPETENCE
    proxy = _stable_numpy() if exact else np
    for name in _ARGSORT_MODULES:
        importlib.import_module(name).np = proxy
    from deslib.des import DESMI

    if _DESMI_COMPETENCE is None:
        _DESMI_COMPETENCE = DESMI.estimate_competence
    DESMI.estimate_competence = _desmi_exact_ties if exact else _DESMI_COMPETENCE


class _WeightedVotes:
    """Records the weighted votes DESlib's DES methods compute in predict.

    With ``mode="weighting"``/``"hybrid"`` and hard voting DESlib predicts
    ``argmax(w / w.sum())``, which is the class of the *smallest* weighted
    vote when the competences (DES-KL, Exponential, ...) sum to a negative
    number. The raw votes let the test tell those rows apart.
    """

    def __init__(self):
        import deslib.des.base as des_base

        self.module = des_base
        self.original = des_base.get_weighted_votes
        self.calls = []

    def __enter__(self):
        def record(votes, weights, labels_set=None):
            out = self.original(votes, weights, labels_set)
            self.calls.append(out[0])
            return out

        self.module.get_weighted_votes = record
        return self

    def __exit__(self, *exc):
        self.module.get_weighted_votes = self.original


def run_method(cls, params, pool, X_dsel, y_dsel, X_test, y_test):
    """Predictions, probabilities and weighted votes of one DESlib method."""
    est = cls(pool_classifiers=pool, **params)
    # The Oracle needs the true labels to predict.
    extra = (y_test,) if cls.__name__ == "Oracle" else ()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        est.fit(X_dsel, y_dsel)
        with _WeightedVotes() as recorder:
            pred = est.predict(X_test, *extra)
        votes = None
        if recorder.calls:
            base = np.column_stack([m.predict(X_test) for m in pool])
            ds_rows = np.flatnonzero((base != base[:, :1]).any(axis=1))
            recorded = np.vstack(recorder.calls)
            if recorded.shape[0] == ds_rows.size:
                votes = np.full((X_test.shape[0], recorded.shape[1]), np.nan)
                votes[ds_rows] = recorded
        try:
            proba = est.predict_proba(X_test, *extra)
        except Exception as exc:  # noqa: BLE001 - recorded, not hidden
            proba = f"{type(exc).__name__}: {exc}"
    return pred, proba, votes


def source_competences(mod):
    """DESlib's source competences (``C_src_``) of the probabilistic methods."""
    from deslib import des

    arrays = {}
    problems = {f"{d}": (mod.make_data(d)[:2], mod.make_pool(d)) for d in mod.DATASETS}
    for n_classes in (2, 3):
        X, y, pool = mod.make_edge_problem(n_classes)
        problems[f"edge{n_classes}"] = ((X, y), pool)
    for name, ((X, y), pool) in problems.items():
        for method in mod.PROBABILISTIC:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                est = getattr(des, method)(pool_classifiers=pool).fit(X, y)
            arrays[f"{name}/{method}"] = est.C_src_
    path = OUT_DIR / "deslib_source_competence.npz"
    np.savez_compressed(path, **arrays)
    print(f"wrote {path.relative_to(ROOT)} ({path.stat().st_size / 1024:.0f} KiB)")


def main():
    mod = load_pool_module()
    OUT_DIR.mkdir(parents=True, exist_ok=True)
    import deslib
    import sklearn

    print(
        f"DESlib {deslib.__version__}, scikit-learn {sklearn.__version__}, "
        f"numpy {np.__version__}"
    )
    for dataset in mod.DATASETS:
        X_dsel, y_dsel, X_test, y_test = mod.make_data(dataset)
        pool = mod.make_pool(dataset)
        arrays = {
            "pool_predict": np.column_stack([m.predict(X_test) for m in pool]),
            "pool_proba": np.stack([m.predict_proba(X_test) for m in pool], axis=1),
        }
        meta = {"errors": {}, "proba_errors": {}, "params": {}, "unstable_diff": {}}
        for method, module_name in mod.METHODS.items():
            cls = getattr(importlib.import_module(module_name), method)
            accepted = set(inspect.signature(cls.__init__).parameters)
            for setting, params in mod.settings_for(method).items():
                key = f"{method}/{setting}"
                if not set(params) <= accepted:
                    continue
                meta["params"][key] = params
                set_exact_ties(True)
                try:
                    pred, proba, votes = run_method(
                        cls, params, pool, X_dsel, y_dsel, X_test, y_test
                    )
                except Exception as exc:  # noqa: BLE001 - recorded, not hidden
                    meta["errors"][key] = f"{type(exc).__name__}: {exc}"
                    print(f"{dataset:12s} {key:40s} DESlib raises {type(exc).__name__}")
                    continue
                arrays[f"{key}/predict"] = pred
                if votes is not None:
                    arrays[f"{key}/weighted_votes"] = votes
                if isinstance(proba, str):
                    meta["proba_errors"][key] = proba
                else:
                    arrays[f"{key}/proba"] = proba
                set_exact_ties(False)
                pred_default, _, _ = run_method(
                    cls, params, pool, X_dsel, y_dsel, X_test, y_test
                )
                n_diff = int((pred_default != pred).sum())
                meta["unstable_diff"][key] = n_diff
                note = (
                    f"  ({n_diff} predictions differ without exact ties)"
                    if n_diff
                    else ""
                )
                print(f"{dataset:12s} {key:40s} ok{note}")
        arrays["meta"] = np.array(json.dumps(meta, sort_keys=True))
        path = OUT_DIR / f"deslib_{dataset}.npz"
        np.savez_compressed(path, **arrays)
        print(f"wrote {path.relative_to(ROOT)} ({path.stat().st_size / 1024:.0f} KiB)")
    source_competences(mod)
    return 0


if __name__ == "__main__":
    sys.exit(main())
