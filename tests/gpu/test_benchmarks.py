"""The GPU benchmark's logic at tiny sizes, with PyTorch-CPU as the GPU library."""

import importlib.util
from pathlib import Path

import numpy as np
import pytest

BENCH = Path(__file__).resolve().parents[2] / "benchmarks" / "bench_gpu_knorae.py"


def _load():
    spec = importlib.util.spec_from_file_location("bench_gpu_knorae", BENCH)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_bench_gpu_knorae_logic_on_tiny_data(fake_gpu, monkeypatch):
    torch = pytest.importorskip("torch")
    from skextra.gpu import _device
    from skextra.utils import get_namespace

    monkeypatch.setattr(
        _device, "_gpu_namespace", lambda: (get_namespace(torch.empty(0)), "cpu")
    )
    bench = _load()
    results = bench.run(
        n_train=300,
        n_dsel=500,
        n_test=120,
        n_features=6,
        n_members=4,
        k=5,
        library="torch",
        torch_device="cpu",
        batch_size=37,
    )
    by_run = {r["run"]: r for r in results}
    assert list(by_run) == list(bench.RUNS)
    for name in ("cpu-brute", "gpu"):
        assert by_run[name]["differ"] == 0
        np.testing.assert_array_equal(
            by_run[name]["predictions"], by_run["cpu-sklearn"]["predictions"]
        )
    searcher = by_run["gpu"]["searcher"]
    assert searcher.device_ == "gpu"
    assert isinstance(searcher._fit_X, torch.Tensor)
    assert by_run["gpu-kernel"]["neighbours_differ"] == 0
    assert by_run["gpu-kernel"]["neighbours"].shape == (120, 5)
    assert by_run["cpu-sklearn"]["speedup"] == 1.0


def test_bench_gpu_knorae_rejects_unknown_runs():
    bench = _load()
    with pytest.raises(SystemExit):
        bench.main(["--runs", "cpu-brute,warp-drive"])
