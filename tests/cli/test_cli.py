"""The ``skextra`` command, run in-process on small data."""

import re

import numpy as np
import pandas as pd
import pytest
from sklearn.datasets import make_classification, make_regression
from sklearn.model_selection import StratifiedKFold, cross_val_score
from sklearn.pipeline import Pipeline

from skextra.cli import _normalise, main
from skextra.cli._data import MAX_CATEGORIES, load_dataset, make_preprocessor
from skextra.cli._models import make_candidates
from skextra.cli._predict import load_model
from skextra.cli._report import BEST_MARK

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
FAST = ["--quick", "--n-jobs", "1", "--no-progress"]


@pytest.fixture(scope="module")
def classification_csv(tmp_path_factory):
    X, y = make_classification(
        n_samples=150, n_features=6, n_informative=4, random_state=0
    )
    frame = pd.DataFrame(X, columns=[f"x{i}" for i in range(6)])
    frame["colour"] = np.array(["red", "green", "blue"])[np.arange(150) % 3]
    frame.loc[::17, "x0"] = np.nan
    frame["label"] = np.where(y == 1, "yes", "no")
    path = tmp_path_factory.mktemp("data") / "train.csv"
    frame.to_csv(path, index=False)
    return path


@pytest.fixture(scope="module")
def regression_csv(tmp_path_factory):
    X, y = make_regression(n_samples=120, n_features=5, noise=5.0, random_state=0)
    frame = pd.DataFrame(X, columns=[f"x{i}" for i in range(5)])
    frame["price"] = y
    path = tmp_path_factory.mktemp("data") / "houses.csv"
    frame.to_csv(path, index=False)
    return path


def _rows(stdout):
    """Leaderboard rows as {model: (rank, score)} from rich's table."""
    rows = {}
    for line in stdout.splitlines():
        cells = [cell.strip() for cell in line.split("│")[1:-1]]
        if len(cells) == 6 and cells[0].isdigit():
            name = cells[1].replace(BEST_MARK, "").strip()
            score = float(cells[3].split("±")[0])
            rows[name] = (int(cells[0]), score, BEST_MARK in cells[1])
    return rows


def test_compare_leaderboard_and_plot(classification_csv, tmp_path, capsys):
    plot = tmp_path / "board.png"
    status = main(
        [
            "compare",
            "--data",
            str(classification_csv),
            "--target",
            "label",
            "--cv",
            "3",
            "--plot",
            str(plot),
            *FAST,
        ]
    )
    out = capsys.readouterr().out
    assert status == 0
    rows = _rows(out)
    candidates = make_candidates("classification", quick=True, cv=3)
    assert set(rows) == {c.key for c in candidates}
    for candidate in candidates:
        assert candidate.estimator_name in out
    assert "accuracy" in out

    members = {c.key for c in candidates if c.kind == "member"}
    best = max(members, key=lambda key: rows[key][1])
    marked = [name for name, (_, _, mark) in rows.items() if mark]
    assert marked == [best]
    ranks = sorted(rows.values())
    assert [score for _, score, _ in ranks] == sorted(
        (score for _, score, _ in ranks), reverse=True
    )
    assert plot.read_bytes()[:8] == PNG_MAGIC

    # The printed score is scikit-learn's cross_val_score on the same folds.
    dataset = load_dataset(classification_csv, "label")
    linear = next(c for c in candidates if c.key == "linear").estimator
    model = Pipeline(
        [
            ("preprocess", make_preprocessor(dataset.numeric, dataset.categorical)),
            ("model", linear),
        ]
    )
    folds = StratifiedKFold(3, shuffle=True, random_state=0)
    expected = cross_val_score(model, dataset.X, dataset.y, cv=folds).mean()
    assert rows["linear"][1] == pytest.approx(expected, abs=5e-5)


def test_compare_includes_skextra_ensembles():
    keys = {c.key for c in make_candidates("classification", quick=True)}
    assert {"stacking", "selection", "mean"} <= keys
    keys = {c.key for c in make_candidates("regression", quick=True)}
    assert {"stacking", "selection", "mean"} <= keys


def test_compare_regression_auto_task(regression_csv, capsys):
    status = main(
        [
            "--data",
            str(regression_csv),
            "--target",
            "price",
            "--cv",
            "3",
            "--models",
            "linear,random-forest",
            *FAST,
        ]
    )
    out = capsys.readouterr().out
    assert status == 0
    assert "regression" in out and "r2" in out
    rows = _rows(out)
    assert set(rows) == {"linear", "random-forest"}
    # A linear target: Ridge is the best member.
    assert rows["linear"][2] and rows["linear"][1] > 0.95


def test_compare_same_result_for_any_n_jobs(regression_csv, capsys):
    args = [
        "compare",
        "--data",
        str(regression_csv),
        "--target",
        "price",
        "--cv",
        "3",
        "--models",
        "xgboost,lightgbm",
        "--quick",
        "--no-progress",
    ]
    main([*args, "--n-jobs", "1"])
    sequential = _rows(capsys.readouterr().out)
    main([*args, "--n-jobs", "2"])
    parallel = _rows(capsys.readouterr().out)
    assert sequential == parallel


def test_no_arguments_runs_compare_on_bundled_data(capsys):
    assert _normalise([]) == ["compare"]
    status = main(["--cv", "2", "--models", "linear", *FAST])
    out = capsys.readouterr().out
    assert status == 0
    assert "breast_cancer" in out and "569 rows x 30 features" in out
    assert _rows(out)["linear"][1] > 0.9


def test_version(capsys):
    import skextra

    with pytest.raises(SystemExit) as exc:
        main(["--version"])
    assert exc.value.code == 0
    assert skextra.__version__ in capsys.readouterr().out


def _write(tmp_path, name, content, mode="w"):
    path = tmp_path / name
    if mode == "wb":
        path.write_bytes(content)
    else:
        path.write_text(content)
    return str(path)


def _frame_csv(tmp_path, frame):
    path = tmp_path / "bad.csv"
    frame.to_csv(path, index=False)
    return str(path)


def _expect_error(argv, capsys, *fragments):
    with pytest.raises(SystemExit) as exc:
        main(argv)
    assert exc.value.code == 2
    captured = capsys.readouterr()
    lines = captured.err.strip().splitlines()
    assert len(lines) == 1, captured.err
    assert lines[0].startswith("skextra: error: ")
    for fragment in fragments:
        assert fragment in lines[0], lines[0]
    assert captured.out == ""


BAD_TABLES = {
    "one-class": (
        pd.DataFrame({"a": np.arange(20) % 5, "y": ["only"] * 20}),
        "y",
        ("single class", "'only'"),
    ),
    "too-small-for-inner-folds": (
        pd.DataFrame({"a": np.arange(20) % 5, "y": ["a"] * 18 + ["b"] * 2}),
        "y",
        ("too small", "--cv 2", "1 rows in a training part"),
    ),
    "free-text": (
        pd.DataFrame(
            {
                "a": np.arange(40) % 5,
                "comment": [f"text number {i}" for i in range(40)],
                "y": [0, 1] * 20,
            }
        ),
        "y",
        ("'comment'", "40 distinct values", f"at most {MAX_CATEGORIES}", "--drop"),
    ),
    "missing-target-values": (
        pd.DataFrame({"a": np.arange(20) % 5, "y": [0.0, 1.0, np.nan, 1.0] * 5}),
        "y",
        ("target column 'y'", "5 missing values"),
    ),
    "tiny-class": (
        pd.DataFrame({"a": np.arange(20) % 5, "y": ["a"] * 18 + ["b"] * 2}),
        "y",
        ("class 'b'", "2 rows", "--cv 5"),
    ),
    "only-target": (
        pd.DataFrame({"y": [0, 1] * 10}),
        "y",
        ("no feature columns",),
    ),
}


@pytest.mark.parametrize("case", sorted(BAD_TABLES))
def test_bad_table(case, tmp_path, capsys):
    frame, target, fragments = BAD_TABLES[case]
    path = _frame_csv(tmp_path, frame)
    cv = ["--cv", "2"] if case == "too-small-for-inner-folds" else []
    _expect_error(
        ["compare", "--data", path, "--target", target, *cv, *FAST], capsys, *fragments
    )


def test_missing_target_column_lists_columns(classification_csv, capsys):
    _expect_error(
        ["compare", "--data", str(classification_csv), "--target", "lable", *FAST],
        capsys,
        "'lable'",
        "x0, x1",
        "colour, label",
    )


def test_regression_needs_numeric_target(classification_csv, capsys):
    _expect_error(
        [
            "compare",
            "--data",
            str(classification_csv),
            "--target",
            "label",
            "--task",
            "regression",
            *FAST,
        ],
        capsys,
        "not numeric",
        "--task classification",
    )


@pytest.mark.parametrize(
    "content, fragments",
    [
        (None, ("no such file",)),
        ("", ("is empty",)),
        ("a,b,y\n", ("no rows",)),
        (b"\x89PNG\r\n\x1a\n\x00\xff\xfe binary", ("not a UTF-8",)),
        ('a,b\n1,2\n3,"4\n', ("not a valid CSV",)),
    ],
    ids=["missing", "empty", "header-only", "binary", "unclosed-quote"],
)
def test_unreadable_csv(content, fragments, tmp_path, capsys):
    if content is None:
        path = str(tmp_path / "nowhere.csv")
    elif isinstance(content, bytes):
        path = _write(tmp_path, "data.csv", content, mode="wb")
    else:
        path = _write(tmp_path, "data.csv", content)
    _expect_error(
        ["compare", "--data", path, "--target", "y", *FAST], capsys, path, *fragments
    )


@pytest.mark.parametrize(
    "extra, fragments",
    [
        (["--cv", "1"], ("--cv must be at least 2",)),
        (["--scoring", "acuracy"], ("'acuracy'", "not a scikit-learn scorer")),
        (["--plot", "board.xyz"], ("unknown image format 'xyz'",)),
        (["--plot", "no/such/dir/board.png"], ("does not exist",)),
        (["--models", "linear,catboost"], ("catboost", "choose among")),
        (["--drop", "nope"], ("--drop", "'nope'")),
        (["--target", "y"], ("--target needs --data",)),
    ],
    ids=["cv", "scoring", "plot-format", "plot-dir", "models", "drop", "target"],
)
def test_bad_options(extra, fragments, capsys):
    _expect_error(["compare", *FAST, *extra], capsys, *fragments)


def test_missing_matplotlib(monkeypatch, capsys, tmp_path):
    import sys

    monkeypatch.setitem(sys.modules, "matplotlib", None)
    monkeypatch.setitem(sys.modules, "matplotlib.figure", None)
    _expect_error(
        ["compare", "--plot", str(tmp_path / "b.png"), *FAST],
        capsys,
        "needs matplotlib",
        "skextra[plot]",
    )


def _fitted_in_memory(dataset, key):
    candidate = make_candidates(
        dataset.task, quick=True, cv=3, n_jobs=1, random_state=0, only=key
    )[0]
    model = Pipeline(
        [
            ("preprocess", make_preprocessor(dataset.numeric, dataset.categorical)),
            ("model", candidate.estimator),
        ]
    )
    return model.fit(dataset.X, dataset.y)


def _round_trip_keys():
    keys = [
        c.key
        for c in make_candidates("classification", quick=True)
        if c.kind == "ensemble"
    ]
    return ["lightgbm", "xgboost", *keys]


@pytest.mark.parametrize("key", _round_trip_keys())
def test_fit_predict_round_trip(key, classification_csv, tmp_path, capsys):
    model_path = tmp_path / "model.skops"
    pred_path = tmp_path / "pred.csv"
    assert (
        main(
            [
                "fit",
                "--data",
                str(classification_csv),
                "--target",
                "label",
                "--model",
                key,
                "--out",
                str(model_path),
                "--cv",
                "3",
                *FAST,
            ]
        )
        == 0
    )
    assert (
        main(
            [
                "predict",
                "--model",
                str(model_path),
                "--data",
                str(classification_csv),
                "--out",
                str(pred_path),
                "--proba",
            ]
        )
        == 0
    )
    capsys.readouterr()
    written = pd.read_csv(pred_path)
    assert list(written.columns) == ["label", "proba_no", "proba_yes"]

    dataset = load_dataset(classification_csv, "label")
    reference = _fitted_in_memory(dataset, key)
    expected = dataset.label_encoder.inverse_transform(reference.predict(dataset.X))
    np.testing.assert_array_equal(written["label"].to_numpy(), expected)
    np.testing.assert_allclose(
        written[["proba_no", "proba_yes"]].to_numpy(),
        reference.predict_proba(dataset.X),
        rtol=1e-6,
    )
    loaded = load_model(model_path)["model"]
    np.testing.assert_array_equal(
        loaded.predict_proba(dataset.X), reference.predict_proba(dataset.X)
    )


def test_predict_regression_to_stdout_with_id(regression_csv, tmp_path, capsys):
    model_path = tmp_path / "model.skops"
    main(
        [
            "fit",
            "--data",
            str(regression_csv),
            "--target",
            "price",
            "--model",
            "linear",
            "--out",
            str(model_path),
            *FAST,
        ]
    )
    frame = pd.read_csv(regression_csv).drop(columns="price")
    frame.insert(0, "id", np.arange(len(frame)) + 1000)
    data = _frame_csv(tmp_path, frame)
    capsys.readouterr()
    assert (
        main(["predict", "--model", str(model_path), "--data", data, "--id", "id"]) == 0
    )
    from io import StringIO

    written = pd.read_csv(StringIO(capsys.readouterr().out))
    assert list(written.columns) == ["id", "price"]
    np.testing.assert_array_equal(written["id"], frame["id"])
    loaded = load_model(model_path)["model"]
    np.testing.assert_allclose(written["price"], loaded.predict(frame), rtol=1e-9)


def test_predict_refuses_foreign_types(tmp_path, capsys):
    import fractions

    import skops.io as sio

    path = tmp_path / "evil.skops"
    sio.dump({"format": "skextra-model", "model": fractions.Fraction(1, 3)}, path)
    _expect_error(
        ["predict", "--model", str(path), "--data", "x.csv"],
        capsys,
        "refusing to load",
        "fractions.Fraction",
    )


def test_predict_bad_model_file_and_missing_columns(regression_csv, tmp_path, capsys):
    not_a_model = _write(tmp_path, "model.skops", "hello")
    _expect_error(
        ["predict", "--model", not_a_model, "--data", "x.csv"],
        capsys,
        "not a model saved by `skextra fit`",
    )

    model_path = tmp_path / "linear.skops"
    main(
        [
            "fit",
            "--data",
            str(regression_csv),
            "--target",
            "price",
            "--model",
            "linear",
            "--out",
            str(model_path),
            *FAST,
        ]
    )
    capsys.readouterr()
    frame = pd.read_csv(regression_csv).drop(columns=["x1", "x3"])
    _expect_error(
        ["predict", "--model", str(model_path), "--data", _frame_csv(tmp_path, frame)],
        capsys,
        "2 column(s)",
        "x1, x3",
    )


def test_help_mentions_every_command(capsys):
    with pytest.raises(SystemExit):
        main(["--help"])
    out = capsys.readouterr().out
    for command in ("compare", "fit", "predict"):
        assert re.search(rf"\b{command}\b", out)
