"""The layers of the package: imports point one way, estimators never import
a sibling estimator module (they share code through their family's base)."""

import ast
import importlib
import pathlib

import pytest

import skextra
from skextra.utils.discovery import all_estimators

ROOT = pathlib.Path(skextra.__file__).parent

# Top-level subpackages, lowest first: a module may import from its own
# subpackage and from those below it.
LAYERS = ["_config", "utils", "gpu", "ensemble", "resampling", "cli"]
BELOW = {
    "_config": set(),
    "utils": {"_config"},
    "gpu": {"_config", "utils"},
    "ensemble": {"_config", "utils", "gpu"},
    "resampling": {"_config", "utils", "gpu"},
    "cli": set(LAYERS),
}


def _module_name(path):
    parts = list(path.relative_to(ROOT.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _imported_modules(path):
    """Absolute names of the skextra modules that ``path`` imports."""
    name = _module_name(path)
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")
                anchor = anchor[: len(anchor) - node.level + 1]
                base = ".".join(anchor + ([base] if base else []))
            found.add(base)
            found.update(f"{base}.{a.name}" for a in node.names)
    return {m for m in found if m == "skextra" or m.startswith("skextra.")}


def _existing_module(name):
    """The longest prefix of ``name`` that is a module of the package."""
    while name:
        relative = name.split(".")[1:]
        path = ROOT.joinpath(*relative)
        if path.with_suffix(".py").is_file() or (path / "__init__.py").is_file():
            return name
        name = name.rpartition(".")[0]
    return name


def _layer(module):
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else None


SOURCES = sorted(ROOT.rglob("*.py"))


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: str(p.relative_to(ROOT)))
def test_imports_point_down_the_layers(path):
    own = _layer(_module_name(path))
    if own not in BELOW:
        return
    upward = sorted(
        module
        for module in map(_existing_module, _imported_modules(path))
        if _layer(module) in BELOW
        and _layer(module) != own
        and _layer(module) not in BELOW[own]
    )
    assert upward == [], f"{path.name} imports from a higher layer: {upward}"


def _estimator_modules():
    return {cls.__module__ for _, cls in all_estimators()}


def test_no_estimator_module_imports_a_sibling_estimator_module():
    estimator_modules = _estimator_modules()
    offenders = []
    for module in sorted(estimator_modules):
        path = pathlib.Path(importlib.import_module(module).__file__)
        imported = {_existing_module(m) for m in _imported_modules(path)}
        siblings = {
            m
            for m in estimator_modules - {module}
            if m.rpartition(".")[0] == module.rpartition(".")[0]
        }
        offenders += [f"{module} -> {other}" for other in sorted(imported & siblings)]
    assert offenders == []
