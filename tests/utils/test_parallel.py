import io

import joblib
import numpy as np
import pytest
from rich.console import Console
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.datasets import make_classification
from sklearn.ensemble import RandomForestClassifier
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

import skextra
from skextra.ensemble import StackingClassifier
from skextra.utils import _parallel, estimate_cost, run_longest_first


def _record(tag, log):
    log.append(tag)
    return tag * 2


def test_results_come_back_in_input_order_and_longest_starts_first():
    log = []
    jobs = [(_record, (i, log), {}) for i in range(5)]
    costs = [1.0, 5.0, 3.0, 5.0, 0.0]
    results = run_longest_first(jobs, costs, n_jobs=1)
    assert results == [0, 2, 4, 6, 8]
    # Sequential run: the order of execution is the order of decreasing cost,
    # ties kept in input order.
    assert log == [1, 3, 2, 0, 4]


def test_length_mismatch_is_an_error():
    with pytest.raises(ValueError, match="same length"):
        run_longest_first([(_record, (1, []), {})], [1.0, 2.0])


def test_cost_ranks_ensembles_above_linear_models_and_scales_with_rows():
    forest = RandomForestClassifier(n_estimators=200)
    linear = make_pipeline(StandardScaler(), LogisticRegression())
    assert estimate_cost(forest, 1000) > estimate_cost(linear, 1000)
    assert estimate_cost(forest, 2000) == pytest.approx(2 * estimate_cost(forest, 1000))
    assert estimate_cost("drop", 1000) == 0.0
    assert np.isfinite(estimate_cost(object(), 10))


def _settings():
    return skextra.get_config()


@pytest.mark.parametrize("backend", ["loky", "threading"])
def test_skextra_settings_reach_the_workers(backend):
    with joblib.parallel_config(backend=backend):
        with skextra.config_context(device="cpu", progress=True):
            seen = run_longest_first([(_settings, (), {})] * 4, [1.0] * 4, n_jobs=2)
    assert [s["device"] for s in seen] == ["cpu"] * 4
    assert [s["progress"] for s in seen] == [True] * 4
    assert skextra.get_config()["device"] == "auto"


class _DeviceRecorder(ClassifierMixin, BaseEstimator):
    """A member that records the device setting it was fitted under."""

    def fit(self, X, y):
        self.device_seen_ = skextra.get_config()["device"]
        self.classes_ = np.unique(y)
        return self

    def predict_proba(self, X):
        return np.full((len(X), len(self.classes_)), 1 / len(self.classes_))

    def predict(self, X):
        return np.full(len(X), self.classes_[0])


@pytest.mark.parametrize("backend", ["loky", "threading"])
def test_members_fitted_in_workers_see_the_callers_device_setting(backend):
    X, y = make_classification(n_samples=60, random_state=0)
    stack = StackingClassifier(
        [("a", _DeviceRecorder()), ("b", _DeviceRecorder())], cv=2, n_jobs=2
    )
    with joblib.parallel_config(backend=backend), skextra.config_context(device="cpu"):
        stack.fit(X, y)
    assert [m.device_seen_ for m in stack.estimators_] == ["cpu", "cpu"]


@pytest.fixture
def terminal(monkeypatch):
    out = io.StringIO()
    console = Console(file=out, force_terminal=True, width=100)
    monkeypatch.setattr(_parallel, "_progress_console", lambda: console)
    return out


def _nested(n):
    return sum(run_longest_first([(_record, (i, []), {}) for i in range(n)], [1] * n))


def test_progress_bar_counts_the_finished_jobs(terminal):
    with skextra.config_context(progress=True):
        results = run_longest_first(
            [(_record, (i, []), {}) for i in range(3)], [1.0] * 3, description="bags"
        )
    assert results == [0, 2, 4]
    assert "bags" in terminal.getvalue()
    assert "3/3" in terminal.getvalue()


def test_progress_bar_is_off_by_default(terminal):
    run_longest_first([(_record, (i, []), {}) for i in range(3)], [1.0] * 3)
    assert terminal.getvalue() == ""


def test_nested_runs_show_one_bar(terminal):
    with skextra.config_context(progress=True):
        results = run_longest_first([(_nested, (2,), {}), (_nested, (3,), {})], [1, 1])
    assert results == [2, 6]
    assert "2/2" in terminal.getvalue()
    assert "3/3" not in terminal.getvalue()


def test_an_ensemble_fit_shows_its_progress(terminal):
    X, y = make_classification(n_samples=60, random_state=0)
    stack = StackingClassifier([("lr", LogisticRegression())], cv=3)
    with skextra.config_context(progress=True):
        stack.fit(X, y)
    assert "4/4" in terminal.getvalue()  # 3 folds and the refit
