"""Identifier columns are left out of the features, and the command says so."""

import numpy as np
import pandas as pd
import pytest

from skextra.cli import main
from skextra.cli._data import identifier_reason, load_dataset
from skextra.cli._predict import load_model

FAST = ["--quick", "--n-jobs", "1", "--no-progress"]
N = 60


@pytest.mark.parametrize(
    "name, values, expected",
    [
        ("id", np.arange(N) % 3, "named like an id"),
        ("ID", np.arange(N), "named like an id"),
        ("Id", np.arange(N), "named like an id"),
        ("customer_id", ["a"] * N, "named like an id"),
        ("PassengerId", np.arange(N), "named like an id"),
        ("id_2", np.arange(N), "named like an id"),
        ("ticket", np.arange(N)[::-1] + 1000, "a different integer on every row"),
        ("code", [f"K{i:04d}" for i in range(N)], "a different word on every row"),
        ("paid", np.arange(N) % 7, None),
        ("valid", np.linspace(0, 1, N), None),
        ("comment", [f"note number {i}" for i in range(N)], None),
        ("grid", np.arange(N) % 2 == 0, None),
        ("count", [*range(N - 1), None], None),
    ],
)
def test_identifier_reason(name, values, expected):
    assert identifier_reason(name, pd.Series(values, name=name)) == expected


@pytest.fixture
def table_with_ids(tmp_path):
    rng = np.random.RandomState(0)
    frame = pd.DataFrame(
        {
            "id": rng.permutation(N) + 1,
            "ref": [f"R-{i:03d}" for i in range(N)],
            "x0": rng.normal(size=N),
            "x1": rng.normal(size=N),
            "batch": np.arange(N) % 4,
            "label": ["yes", "no"] * (N // 2),
        }
    )
    path = tmp_path / "rows.csv"
    frame.to_csv(path, index=False)
    return str(path)


def _fit(path, tmp_path, *extra):
    out = tmp_path / "model.skops"
    argv = ["fit", "--data", path, "--target", "label", "--model", "linear"]
    assert main([*argv, "--out", str(out), *FAST, *extra]) == 0
    return list(load_model(out)["model"].feature_names_in_)


def _note(stderr):
    lines = stderr.strip().splitlines()
    assert len(lines) == 1, stderr
    return lines[0]


def test_fit_leaves_out_identifiers_and_says_so(table_with_ids, tmp_path, capsys):
    features = _fit(table_with_ids, tmp_path)
    captured = capsys.readouterr()
    assert features == ["x0", "x1", "batch"]
    note = _note(captured.err)
    assert "'id' (named like an id)" in note
    assert "'ref' (a different word on every row)" in note
    assert "--keep" in note
    assert "'id'" not in captured.out


def test_fit_keep_and_explicit_id(table_with_ids, tmp_path, capsys):
    features = _fit(table_with_ids, tmp_path, "--keep", "id", "--id", "batch")
    captured = capsys.readouterr()
    assert features == ["id", "x0", "x1"]
    note = _note(captured.err)
    assert "'ref'" in note and "'id'" not in note and "batch" not in note


def test_compare_applies_the_same_rule(table_with_ids, capsys):
    argv = ["compare", "--data", table_with_ids, "--target", "label"]
    assert main([*argv, "--models", "linear", "--cv", "2", *FAST]) == 0
    captured = capsys.readouterr()
    assert "'id' (named like an id)" in _note(captured.err)
    assert "3 features" in captured.out


def test_only_identifiers_left_is_an_error(tmp_path, capsys):
    path = tmp_path / "ids.csv"
    pd.DataFrame({"row_id": range(20), "y": [0, 1] * 10}).to_csv(path, index=False)
    with pytest.raises(SystemExit) as exc:
        main(["compare", "--data", str(path), "--target", "y", *FAST])
    assert exc.value.code == 2
    error = capsys.readouterr().err.strip().splitlines()[-1]
    assert "no feature columns" in error and "'row_id'" in error


@pytest.mark.parametrize(
    "extra, fragment",
    [
        (["--id", "nope"], "--id: 'nope' not in"),
        (["--keep", "nope"], "--keep: 'nope' not in"),
        (["--id", "label"], "the target cannot be the id column"),
    ],
)
def test_unknown_id_or_keep_column(extra, fragment, table_with_ids, capsys):
    with pytest.raises(SystemExit):
        main(["compare", "--data", table_with_ids, "--target", "label", *FAST, *extra])
    assert fragment in capsys.readouterr().err


def test_bundled_data_has_no_identifier():
    assert load_dataset().identifiers == {}
