"""What the command writes: through pipes, on narrow terminals, progress."""

import io
import os
import pathlib
import shlex
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest
from rich.console import Console

import skextra
from skextra.cli import EXIT_BROKEN_PIPE, main
from skextra.cli._models import make_candidates
from skextra.cli._report import Result, print_leaderboard

FAST = ["--quick", "--n-jobs", "1", "--no-progress"]
ROOT = pathlib.Path(skextra.__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def model_and_rows(tmp_path_factory):
    """A saved linear model and 20000 rows to predict (more than a pipe holds)."""
    folder = tmp_path_factory.mktemp("pipe")
    rng = np.random.RandomState(0)
    train = pd.DataFrame(rng.normal(size=(80, 3)), columns=["a", "b", "c"])
    train["y"] = train["a"] - 2 * train["b"] + rng.normal(scale=0.1, size=80)
    train.to_csv(folder / "train.csv", index=False)
    model = folder / "model.skops"
    argv = ["fit", "--data", str(folder / "train.csv"), "--target", "y"]
    assert main([*argv, "--model", "linear", "--out", str(model), *FAST]) == 0
    rows = pd.DataFrame(rng.normal(size=(20000, 3)), columns=["a", "b", "c"])
    rows.to_csv(folder / "rows.csv", index=False)
    return model, folder / "rows.csv"


def _predict_command(model, rows):
    return [sys.executable, "-m", "skextra", "predict", "--model", str(model)] + [
        "--data",
        str(rows),
    ]


def _environment():
    path = os.environ.get("PYTHONPATH")
    return {
        **os.environ,
        "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), path])),
    }


def test_predict_into_head_stops_quietly(model_and_rows):
    command = " ".join(map(shlex.quote, _predict_command(*model_and_rows)))
    done = subprocess.run(
        ["bash", "-c", f"set -o pipefail; {command} | head -1"],
        capture_output=True,
        text=True,
        env=_environment(),
        timeout=120,
    )
    assert done.stdout == "y\n"
    assert done.stderr == ""
    assert done.returncode == EXIT_BROKEN_PIPE


def test_predict_into_a_closed_pipe_stops_quietly(model_and_rows):
    read_end, write_end = os.pipe()
    os.close(read_end)
    try:
        done = subprocess.run(
            _predict_command(*model_and_rows),
            stdout=write_end,
            stderr=subprocess.PIPE,
            text=True,
            env=_environment(),
            timeout=120,
        )
    finally:
        os.close(write_end)
    assert done.stderr == ""
    assert done.returncode == EXIT_BROKEN_PIPE


def _results():
    candidates = make_candidates("classification", quick=True)
    results = []
    for i, candidate in enumerate(candidates):
        result = Result(candidate.key, candidate.kind, candidate.estimator_name)
        result.scores, result.fit_times = [0.9 - 0.01 * i, 0.91 - 0.01 * i], [0.5, 1]
        results.append(result)
    results[-1].scores, results[-1].error = [], "ValueError: no"
    return results


@pytest.mark.parametrize("width", [80, 100, 200])
def test_leaderboard_names_every_model_in_full(width):
    console = Console(width=width, record=True, color_system=None)
    results = _results()
    title = "breast_cancer (scikit-learn): neg_root_mean_squared_error, 5-fold"
    print_leaderboard(
        results, metric="neg_root_mean_squared_error", title=title, console=console
    )
    text = console.export_text()
    lines = text.splitlines()
    assert "…" not in text
    assert max(len(line.rstrip()) for line in lines) <= width
    for result in results:
        # The model and its class on one line: in its row, or in the legend.
        assert any(
            result.key in line and result.estimator_name in line for line in lines
        ), (result.key, text)


class _Terminal:
    """A console for progress bars that records what they draw."""

    def __init__(self):
        self.file = io.StringIO()

    def __call__(self):
        return Console(file=self.file, force_terminal=True, width=80)


@pytest.mark.parametrize("progress", [True, False])
def test_fit_shows_the_ensembles_progress_bar(progress, tmp_path, monkeypatch):
    import skextra.utils._parallel as parallel

    terminal = _Terminal()
    monkeypatch.setattr(parallel, "_progress_console", terminal)
    rng = np.random.RandomState(0)
    frame = pd.DataFrame(rng.normal(size=(60, 3)), columns=["a", "b", "c"])
    frame["y"] = (frame["a"] > 0).astype(int)
    frame.to_csv(tmp_path / "train.csv", index=False)
    argv = ["fit", "--data", str(tmp_path / "train.csv"), "--target", "y"]
    argv += ["--model", "mean", "--out", str(tmp_path / "m.skops"), "--cv", "2"]
    argv += ["--quick", "--n-jobs", "1"] + ([] if progress else ["--no-progress"])
    assert main(argv) == 0
    assert ("fitting" in terminal.file.getvalue()) is progress
    assert skextra.get_config()["progress"] is False
