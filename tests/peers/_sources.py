"""The peers' own test files, with only the imports of the classes (and
DESlib's diversity functions) under test pointed at skextra's of the same
name.

scikit-learn's and imbalanced-learn's files are read from the installed
packages; DESlib's from its 0.3.7 wheel, downloaded once into ``.peer-cache/``
(DESlib itself imports on current scikit-learn, so its test utilities and
fixtures are used as they are, but its estimators no longer fit).

Run ``python -m tests.peers._sources`` to print what each rewrite changed.
"""

import ast
import functools
import importlib.util
import os
import pathlib
import shutil
import subprocess
import sys
import tempfile
import zipfile

REPO = pathlib.Path(__file__).resolve().parents[2]
GENERATED = pathlib.Path(__file__).resolve().parent / "_generated"
CACHE = REPO / ".peer-cache"
DESLIB_VERSION = "0.3.7"
DESLIB_ROOT = CACHE / f"deslib-{DESLIB_VERSION}"

# What skextra offers under a peer's name, by peer: rules ``(peer module,
# skextra module, names)``; an import of one of the names from the peer module
# or one of its submodules is taken from the skextra module instead.
REPLACED = {
    "sklearn": [
        ("sklearn", "skextra.ensemble", {"StackingClassifier", "StackingRegressor"}),
    ],
    "imblearn": [
        (
            "imblearn",
            "skextra.resampling",
            {
                "BalancedBaggingClassifier",
                "BalancedRandomForestClassifier",
                "EasyEnsembleClassifier",
                "RUSBoostClassifier",
            },
        ),
    ],
    "deslib": [
        (
            "deslib",
            "skextra.ensemble",
            set(
                "KNORAE KNORAU OLA LCA MCB MLA Rank APriori APosteriori KNOP DESP "
                "METADES RRC DESKL Exponential Logarithmic MinimumDifference "
                "DESKNN DESClustering DESMI SingleBest StaticSelection Oracle "
                "StackedClassifier".split()
            ),
        ),
        (
            "deslib.util.diversity",
            "skextra.ensemble.diversity",
            set(
                "double_fault negative_double_fault Q_statistic ratio_errors "
                "disagreement_measure agreement_measure correlation_coefficient "
                "compute_pairwise_diversity".split()
            ),
        ),
    ],
}


def in_module(module, package):
    """Whether ``module`` is ``package`` or one of its submodules."""
    return module == package or module.startswith(package + ".")


def replacement(peer, module, name):
    """The skextra module offering ``module``'s ``name``, or None."""
    for peer_module, target, names in REPLACED[peer]:
        if name in names and in_module(module, peer_module):
            return target
    return None


# Test files whose class under test skextra offers, by peer, relative to the
# peer package's directory. DESlib's files left out test what skextra does not
# offer: its base classes (des/test_base.py, dcs/test_base.py, test_base.py)
# and its utilities (util/,
# test_metric.py); des/test_meta_des.py does not collect under pytest >= 8
# (a bare value where ``parametrize`` wants a sequence), whichever METADES it
# imports.
PEER_FILES = {
    "sklearn": ["ensemble/tests/test_stacking.py"],
    "imblearn": [
        "ensemble/tests/test_bagging.py",
        "ensemble/tests/test_easy_ensemble.py",
        "ensemble/tests/test_forest.py",
        "ensemble/tests/test_weight_boosting.py",
    ],
    "deslib": [
        "tests/dcs/test_a_posteriori.py",
        "tests/dcs/test_a_priori.py",
        "tests/dcs/test_lca.py",
        "tests/dcs/test_mcb.py",
        "tests/dcs/test_mla.py",
        "tests/dcs/test_ola.py",
        "tests/dcs/test_rank.py",
        "tests/des/test_des_clustering.py",
        "tests/des/test_des_knn.py",
        "tests/des/test_des_mi.py",
        "tests/des/test_desp.py",
        "tests/des/test_knop.py",
        "tests/des/test_knorae.py",
        "tests/des/test_knorau.py",
        "tests/des/test_probabilistic.py",
        "tests/static/test_oracle.py",
        "tests/static/test_single_best.py",
        "tests/static/test_stacked.py",
        "tests/static/test_static_selection.py",
        "tests/test_des_integration.py",
        "tests/test_des_integration_multiclass.py",
        "tests/test_integration_DFP_IH.py",
        "tests/test_integration_dfp.py",
    ],
}
# Fixture files the peer's tests need beside them, copied unchanged.
PEER_SUPPORT = {"deslib": ["tests/conftest.py"]}


def fetch_deslib():
    """Unpack DESlib's wheel into the cache (downloading it once); return the
    directory to put on ``sys.path``, or None when it cannot be had."""
    if (DESLIB_ROOT / "deslib" / "__init__.py").is_file():
        return DESLIB_ROOT
    CACHE.mkdir(exist_ok=True)
    with tempfile.TemporaryDirectory(dir=CACHE) as tmp:
        command = [sys.executable, "-m", "pip", "download", "--no-deps"]
        command += ["--quiet", "-d", tmp, f"deslib=={DESLIB_VERSION}"]
        try:
            subprocess.run(command, check=True, timeout=120, capture_output=True)
        except (OSError, subprocess.SubprocessError):
            return None
        (wheel,) = pathlib.Path(tmp).glob("*.whl")
        with zipfile.ZipFile(wheel) as archive:
            archive.extractall(pathlib.Path(tmp) / "tree")
        try:
            os.replace(pathlib.Path(tmp) / "tree", DESLIB_ROOT)
        except OSError:  # unpacked at the same time by another worker
            pass
    return DESLIB_ROOT if (DESLIB_ROOT / "deslib").is_dir() else None


def peer_root(peer):
    """The directory of the installed peer package, or None."""
    if peer == "deslib":
        root = fetch_deslib()
        if root is None:
            return None
        if str(root) not in sys.path:
            sys.path.append(str(root))
    spec = importlib.util.find_spec(peer)
    return pathlib.Path(spec.origin).parent if spec else None


def rewrite_imports(source, peer):
    """``source`` with the peer's import of each replaced name taken from
    skextra instead; other names of the same statement stay with the peer.

    Returns the new source and a list of ``(line, old, new)`` changes. The
    line count is kept, so the peer's line numbers still hold.
    """
    lines = source.splitlines(keepends=True)
    changes = []
    nodes = [
        node
        for node in ast.walk(ast.parse(source))
        if isinstance(node, ast.ImportFrom)
        and node.level == 0
        and any(replacement(peer, node.module, a.name) for a in node.names)
    ]
    for node in sorted(nodes, key=lambda n: n.lineno, reverse=True):
        if any(alias.asname for alias in node.names):
            raise ValueError(f"line {node.lineno}: an aliased import is not handled")
        by_module = {}
        for alias in node.names:
            module = replacement(peer, node.module, alias.name) or node.module
            by_module.setdefault(module, []).append(alias.name)
        indent = lines[node.lineno - 1][: node.col_offset]
        new = [
            f"{indent}from {module} import {', '.join(names)}\n"
            for module, names in sorted(
                by_module.items(), key=lambda item: item[0] != node.module
            )
        ]
        span = node.end_lineno - node.lineno + 1
        new += ["\n"] * max(span - len(new), 0)
        old = "".join(lines[node.lineno - 1 : node.end_lineno])
        if len(new) > span:  # join onto one line to keep the count
            new = [indent + "; ".join(s.strip() for s in new) + "\n"]
        lines[node.lineno - 1 : node.end_lineno] = new
        changes.append((node.lineno, old.strip(), "".join(new).strip()))
    return "".join(lines), sorted(changes)


def _write(path, text):
    """Write ``text`` unless already there; atomic, as xdist workers race."""
    if path.is_file() and path.read_text() == text:
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.NamedTemporaryFile("w", dir=path.parent, delete=False) as f:
        f.write(text)
    os.replace(f.name, path)


def generated_path(peer, relative):
    """Where the rewritten copy of a peer file lives."""
    return GENERATED / peer / relative


def peer_key(peer, relative):
    """The peer file's path as the peer's repository names it."""
    return f"{peer}/{relative}"


@functools.cache
def generate():
    """Write every rewritten peer file; return the peers that are missing."""
    missing = []
    _write(GENERATED / "__init__.py", "")
    for peer, files in PEER_FILES.items():
        root = peer_root(peer)
        if root is None:
            missing.append(peer)
            shutil.rmtree(GENERATED / peer, ignore_errors=True)
            continue
        for relative in files + PEER_SUPPORT.get(peer, []):
            source = (root / relative).read_text()
            if relative in files:
                source, _ = rewrite_imports(source, peer)
            out = generated_path(peer, relative)
            _write(out, source)
            for parent in out.relative_to(GENERATED).parents:
                _write(GENERATED / parent / "__init__.py", "")
    return tuple(missing)


def main():
    for peer, files in PEER_FILES.items():
        root = peer_root(peer)
        for relative in files:
            _, changes = rewrite_imports((root / relative).read_text(), peer)
            for line, old, new in changes:
                print(f"{peer_key(peer, relative)}:{line}\n  - {old}\n  + {new}")


if __name__ == "__main__":
    main()
