"""Device detection and the device setting."""

import os
import subprocess
import sys
import warnings

import pytest

import skextra
from skextra.gpu import _device, gpu_available, gpu_info, resolve_device


@pytest.fixture
def fresh_detection(monkeypatch):
    """Undo the cache around a test and fake what the driver reports."""
    _device._detect.cache_clear()
    calls = []

    def nvml():
        calls.append(1)
        return ["GPU A", "GPU B"]

    monkeypatch.setattr(_device, "_nvml_device_names", nvml)
    monkeypatch.setattr(_device, "_installed", lambda name: True)
    monkeypatch.delenv("CUDA_VISIBLE_DEVICES", raising=False)
    yield calls
    _device._detect.cache_clear()


@pytest.mark.parametrize(
    "visible, expected",
    [
        (None, "GPU A, GPU B"),
        ("1", "GPU B"),
        ("0,1", "GPU A, GPU B"),
        ("1,7", "GPU B"),
        ("7", None),
        ("", None),
        ("-1", None),
        ("0,-1,1", "GPU A"),
        ("GPU-1234abcd", "GPU A"),
    ],
)
def test_cuda_visible_devices_is_respected(
    fresh_detection, monkeypatch, visible, expected
):
    if visible is not None:
        monkeypatch.setenv("CUDA_VISIBLE_DEVICES", visible)
    assert gpu_info() == expected
    assert gpu_available() is (expected is not None)


def test_detection_is_cached(fresh_detection):
    assert gpu_info() == "GPU A, GPU B"
    assert gpu_info() == "GPU A, GPU B"
    gpu_available()
    resolve_device("auto")
    assert len(fresh_detection) == 1


def test_driver_files_when_nvml_is_missing(fresh_detection, monkeypatch):
    monkeypatch.setattr(_device, "_nvml_device_names", lambda: None)
    monkeypatch.setattr(_device, "_driver_device_names", lambda: ["Driver GPU"])
    assert gpu_info() == "Driver GPU"


def test_driver_files_are_parsed(tmp_path, monkeypatch):
    gpu_dir = tmp_path / "gpus" / "0000:01:00.0"
    gpu_dir.mkdir(parents=True)
    (gpu_dir / "information").write_text("Model: \t NVIDIA H100 80GB HBM3\nIRQ: 1\n")
    real_isdir, real_listdir, real_open = os.path.isdir, os.listdir, open
    root = "/proc/driver/nvidia/gpus"

    def redirect(path):
        return str(path).replace(root, str(tmp_path / "gpus"))

    monkeypatch.setattr(os.path, "isdir", lambda p: real_isdir(redirect(p)))
    monkeypatch.setattr(os, "listdir", lambda p: real_listdir(redirect(p)))
    monkeypatch.setattr(
        "builtins.open", lambda p, *a, **k: real_open(redirect(p), *a, **k)
    )
    assert _device._driver_device_names() == ["NVIDIA H100 80GB HBM3"]


def test_no_gpu_without_an_array_library(fresh_detection, monkeypatch):
    monkeypatch.setattr(_device, "_installed", lambda name: False)
    assert gpu_info() is None


def test_no_gpu_when_the_driver_reports_none(fresh_detection, monkeypatch):
    monkeypatch.setattr(_device, "_nvml_device_names", lambda: [])
    assert gpu_info() is None


def test_auto_is_cpu_silently_without_gpu(no_gpu):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert resolve_device("auto") == "cpu"
        assert resolve_device(None) == "cpu"


def test_gpu_without_gpu_raises_a_clear_error(no_gpu):
    with pytest.raises(RuntimeError, match="device='gpu' was asked for but no GPU"):
        resolve_device("gpu")
    with skextra.config_context(device="gpu"):
        with pytest.raises(RuntimeError, match="no GPU is usable"):
            resolve_device(None)


def test_auto_and_gpu_use_a_usable_gpu(fake_gpu):
    assert resolve_device("auto") == "gpu"
    assert resolve_device("gpu") == "gpu"
    assert resolve_device("cpu") == "cpu"
    with skextra.config_context(device="cpu"):
        assert resolve_device(None) == "cpu"
    with skextra.config_context(device="gpu"):
        assert resolve_device(None) == "gpu"


@pytest.mark.parametrize("bad", ["cuda", "GPU", 0, ""])
def test_bad_device_values(bad):
    with pytest.raises(ValueError, match="device must be 'auto', 'cpu' or 'gpu'"):
        resolve_device(bad)


def test_set_config_rejects_unknown_devices():
    with pytest.raises(ValueError, match="device must be one of"):
        skextra.set_config(device="cuda")


def test_show_versions_reports_the_device(fake_gpu, capsys):
    skextra.show_versions()
    out = capsys.readouterr().out
    assert "Device:" in out
    assert "gpu: Fake GPU 80GB" in out


def test_show_versions_reports_no_gpu(no_gpu, capsys):
    skextra.show_versions()
    assert "gpu: none usable" in capsys.readouterr().out


def test_detection_imports_no_array_library_and_creates_no_context():
    code = (
        "import sys\n"
        "from skextra.gpu import gpu_info, resolve_device\n"
        "gpu_info(); resolve_device('auto')\n"
        "bad = [m for m in ('cupy', 'torch', 'cuml', 'jax') if m in sys.modules]\n"
        "print(repr(bad))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    assert out.strip() == "[]"
