"""Pass counts of the peers' own test files: against the peer's class, and
against skextra's class of the same name (the files of ``tests/peers``).

    .venv/bin/python benchmarks/bench_peer_tests.py \
        [--deslib-python /tmp/deslib-venv/bin/python]

The peer column runs each file untouched, from the installed scikit-learn and
imbalanced-learn, and from DESlib's 0.3.7 wheel (``.peer-cache/``) on this
environment's scikit-learn. ``--deslib-python`` adds a column for DESlib in a
scratch environment with the scikit-learn it was written for::

    python3 -m venv /tmp/deslib-venv
    /tmp/deslib-venv/bin/pip install scikit-learn==1.5.2 "numpy<2" "scipy<1.14" \
        pytest deslib==0.3.7

The skextra column counts passed tests with the known failures
(``tests/peers/known_failures.py``) run as the strict xfails they are.
"""

import argparse
import collections
import os
import pathlib
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET

REPO = pathlib.Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from tests.peers import _sources  # noqa: E402


def _counts(junit, key_of):
    """``{file key: (passed, total)}`` from a JUnit XML report."""
    passed, total = collections.Counter(), collections.Counter()
    for case in ET.parse(junit).getroot().iter("testcase"):
        key = key_of(case.get("classname"))
        total[key] += 1
        if not any(c.tag in ("failure", "error", "skipped") for c in case):
            passed[key] += 1
    return {key: (passed[key], total[key]) for key in total}


def _run(python, paths, cwd, key_of, env=None, extra=()):
    """Run pytest on ``paths``; return its ``{file key: (passed, total)}``."""
    with tempfile.TemporaryDirectory() as tmp:
        junit = pathlib.Path(tmp) / "report.xml"
        command = [python, "-m", "pytest", "-q", "-p", "no:cacheprovider"]
        command += ["-o", "addopts=", "-W", "ignore", f"--junitxml={junit}"]
        if cwd != REPO:  # the peer's files, away from this project's settings
            command += ["-c", os.devnull, "--rootdir", str(cwd)]
            command += ["--confcutdir", str(cwd)]
        command += [*extra, *paths]
        subprocess.run(command, cwd=cwd, env=env, capture_output=True)
        return _counts(junit, key_of)


def _key_from_module(classname):
    """A JUnit class name (``...site-packages.sklearn.ensemble.tests.test_x``,
    or the generated copy's module) -> ``sklearn/ensemble/tests/test_x.py``."""
    parts = classname.split(".")
    start = next(i for i, p in enumerate(parts) if p in _sources.PEER_FILES)
    return "/".join(parts[start:]) + ".py"


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--deslib-python", help="a Python with DESlib installed")
    args = parser.parse_args()
    _sources.generate()
    deslib_root = _sources.fetch_deslib()
    files = {
        peer: [_sources.peer_key(peer, f) for f in fs]
        for peer, fs in _sources.PEER_FILES.items()
    }
    peer = {}
    for name in ("sklearn", "imblearn"):
        modules = [f[:-3].replace("/", ".") for f in files[name]]
        peer.update(
            _run(sys.executable, modules, "/", _key_from_module, extra=["--pyargs"])
        )
    env = dict(os.environ, PYTHONPATH=str(deslib_root))
    peer.update(
        _run(sys.executable, files["deslib"], deslib_root, _key_from_module, env)
    )
    old = {}
    if args.deslib_python:
        old = _run(args.deslib_python, files["deslib"], deslib_root, _key_from_module)
    ours = _run(
        sys.executable,
        ["tests/peers/_generated", "-n", "2"],
        REPO,
        _key_from_module,
        extra=["--import-mode=prepend"],
    )
    head = "| peer test file | tests | peer's class | skextra's class |"
    rule = "|---|---:|---:|---:|"
    if old:
        head = head.replace("peer's class |", "peer's class | DESlib, sklearn 1.5 |")
        rule += "---:|"
    print(head)
    print(rule)
    totals = collections.Counter()
    for key in [k for fs in files.values() for k in fs]:
        p, n = peer.get(key, (0, 0))
        o, _ = ours.get(key, (0, 0))
        cells = [f"`{key}`", str(n), str(p)]
        if old:
            o_p, o_n = old.get(key, (0, 0))
            cells.append(str(o_p) if o_n == n else f"{o_p} of {o_n}")
        cells.append(str(o))
        totals.update(n=n, p=p, o=o, old=old.get(key, (0, 0))[0])
        print("| " + " | ".join(cells) + " |")
    cells = ["**all**", str(totals["n"]), str(totals["p"])]
    if old:
        cells.append(str(totals["old"]))
    print("| " + " | ".join(cells + [str(totals["o"])]) + " |")


if __name__ == "__main__":
    main()
