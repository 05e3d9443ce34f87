"""Fixtures that stand in for a GPU and for RAPIDS cuML on a CPU machine."""

import sys
import types

import pytest

from skextra.gpu import _device
from skextra.gpu._translate import COUNTERPARTS


@pytest.fixture
def fake_gpu(monkeypatch):
    """Make device detection report one GPU (nothing is imported)."""
    monkeypatch.setattr(_device, "_detect", lambda: "Fake GPU 80GB")
    return "Fake GPU 80GB"


@pytest.fixture
def no_gpu(monkeypatch):
    monkeypatch.setattr(_device, "_detect", lambda: None)


@pytest.fixture
def no_cuml(monkeypatch):
    """Make ``import cuml`` fail even if it were installed."""
    monkeypatch.setitem(sys.modules, "cuml", None)


class FakeCumlBase:
    """Records the keyword arguments a cuML class was built with."""

    def __init__(self, **kwargs):
        self.kwargs = kwargs
        self.output_type = None

    def get_params(self, deep=True):
        return dict(self.kwargs)


def _install(monkeypatch, interop):
    modules = {"cuml": types.ModuleType("cuml")}
    for entry in COUNTERPARTS.values():
        module = modules.setdefault(
            entry.cuml_module, types.ModuleType(entry.cuml_module)
        )
        namespace = {"__module__": entry.cuml_module}
        if interop:
            namespace.update(_interop_methods(entry.sklearn_name))
        setattr(
            module, entry.cuml_name, type(entry.cuml_name, (FakeCumlBase,), namespace)
        )
    for name, module in modules.items():
        monkeypatch.setitem(sys.modules, name, module)
    return modules


def _interop_methods(sklearn_name):
    @classmethod
    def from_sklearn(cls, model):
        if getattr(model, "n_jobs", None) == -7:  # a trigger for the refusal test
            raise ValueError("`n_jobs=-7` is not supported")
        out = cls(**{"from_sklearn": model})
        return out

    def as_sklearn(self):
        return ("as_sklearn", self)

    return {"from_sklearn": from_sklearn, "as_sklearn": as_sklearn}


@pytest.fixture
def fake_cuml(monkeypatch):
    """A cuML without interop (before 25.02): built from the translation table."""
    return _install(monkeypatch, interop=False)


@pytest.fixture
def fake_cuml_interop(monkeypatch):
    """A cuML with ``from_sklearn``/``as_sklearn`` (25.02 and later)."""
    return _install(monkeypatch, interop=True)
