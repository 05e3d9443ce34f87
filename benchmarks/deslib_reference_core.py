"""Record DESlib's outputs for tests/ensemble/dynamic/_core_cases.py.

Runs in the scratch DESlib environment (see ``deslib_reference.py``)::

    /tmp/deslib-venv/bin/python benchmarks/deslib_reference_core.py

and writes ``tests/ensemble/dynamic/data/deslib_core.npz``: for each case the
predictions, the probabilities and, for fitted pools, the pool's predictions
(to prove the pool was rebuilt identically).
"""

import importlib
import importlib.util
import sys
import warnings
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
CASES = ROOT / "tests" / "ensemble" / "dynamic" / "_core_cases.py"
OUT = ROOT / "tests" / "ensemble" / "dynamic" / "data" / "deslib_core.npz"


def main():
    spec = importlib.util.spec_from_file_location("_core_cases", CASES)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    arrays = {}
    for name, data_kwargs, pool_kind, method, params in mod.cases():
        X_dsel, y_dsel, X_test, _ = mod.make_data(**data_kwargs)
        pool = mod.make_pool(pool_kind, X_dsel[:200], y_dsel[:200])
        cls = getattr(importlib.import_module(mod.module_of(method)), method)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            est = cls(pool_classifiers=pool, **params).fit(X_dsel, y_dsel)
            arrays[f"{name}/predict"] = est.predict(X_test)
            arrays[f"{name}/proba"] = est.predict_proba(X_test)
        if pool is not None:
            features = getattr(
                pool, "estimators_features_", [slice(None)] * len(pool.estimators_)
            )
            arrays[f"{name}/pool"] = np.column_stack(
                [m.predict(X_test[:, f]) for m, f in zip(pool.estimators_, features)]
            )
        print(f"{name:40s} ok")
    np.savez_compressed(OUT, **arrays)
    print(f"wrote {OUT.relative_to(ROOT)} ({OUT.stat().st_size / 1024:.0f} KiB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
