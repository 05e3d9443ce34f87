"""Early stopping of boosting members, bare or at the end of a pipeline."""

import numpy as np
import pytest
from sklearn.datasets import make_classification, make_regression
from sklearn.linear_model import LogisticRegression, Ridge
from sklearn.model_selection import StratifiedKFold
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from skextra.ensemble import (
    BlendingClassifier,
    EnsembleSelectionClassifier,
    StackingClassifier,
    StackingRegressor,
)
from skextra.utils import fit_members_oof

N_ESTIMATORS = 200


@pytest.fixture(scope="module")
def noisy():
    return make_classification(n_samples=300, n_features=8, flip_y=0.2, random_state=0)


def _booster(library, regressor=False):
    if library == "xgboost":
        xgboost = pytest.importorskip("xgboost")
        model = xgboost.XGBRegressor if regressor else xgboost.XGBClassifier
        return model(
            n_estimators=N_ESTIMATORS,
            learning_rate=0.5,
            max_depth=2,
            n_jobs=1,
            random_state=0,
        )
    lightgbm = pytest.importorskip("lightgbm")
    model = lightgbm.LGBMRegressor if regressor else lightgbm.LGBMClassifier
    return model(
        n_estimators=N_ESTIMATORS,
        learning_rate=0.5,
        num_leaves=4,
        n_jobs=1,
        random_state=0,
        verbose=-1,
    )


class _Recorder(StandardScaler):
    """A scaler that keeps the rows it transformed."""

    def transform(self, X, copy=None):
        self.seen_ = getattr(self, "seen_", []) + [len(X)]
        return super().transform(X, copy=copy)


@pytest.mark.parametrize("library", ["xgboost", "lightgbm"])
def test_pipeline_member_stops_early(library, noisy):
    X, y = noisy
    pipe = make_pipeline(StandardScaler(), _booster(library))
    with pytest.warns(UserWarning, match=r"not applied to members \['lr'\]"):
        stack = StackingClassifier(
            [("pipe", pipe), ("lr", LogisticRegression())],
            cv=3,
            early_stopping_rounds=10,
        ).fit(X, y)
    rounds = stack.best_iterations_["pipe"]
    assert len(rounds) == 3 and max(rounds) < N_ESTIMATORS
    assert "lr" not in stack.best_iterations_
    refit = stack.named_estimators_["pipe"]
    assert refit[-1].n_estimators == int(round(np.mean(rounds)))
    assert refit[0].n_features_in_ == X.shape[1]


def test_pipeline_held_out_part_is_transformed_by_fitted_steps(noisy):
    X, y = noisy
    pipe = make_pipeline(_Recorder(), _booster("xgboost"))
    cv = StratifiedKFold(3)
    result = fit_members_oof(
        [pipe],
        X,
        y,
        cv=cv,
        methods=["predict_proba"],
        early_stopping_rounds=10,
        keep_fold_estimators=True,
    )
    for (train, test), fold in zip(cv.split(X, y), result.fold_estimators[0]):
        scaler, booster = fold[0], fold[-1]
        np.testing.assert_allclose(scaler.mean_, X[train].mean(axis=0))
        # training part, held-out part (eval set), held-out part (predict)
        assert scaler.seen_ == [len(train), len(test), len(test)]
        assert booster.best_iteration + 1 < N_ESTIMATORS
    assert result.estimators[0][0].seen_ == [len(y)]


def test_pipeline_stops_like_the_bare_booster_on_scaled_data(noisy):
    # Scaling is fitted on each training part; a tree booster is invariant to
    # it, so the pipeline stops at the rounds of the bare booster.
    X, y = noisy
    bare = StackingClassifier(
        [("m", _booster("xgboost"))], cv=3, early_stopping_rounds=10
    ).fit(X, y)
    pipe = StackingClassifier(
        [("m", make_pipeline(StandardScaler(), _booster("xgboost")))],
        cv=3,
        early_stopping_rounds=10,
    ).fit(X, y)
    assert pipe.best_iterations_["m"] == bare.best_iterations_["m"]
    np.testing.assert_allclose(pipe.oof_predictions_["m"], bare.oof_predictions_["m"])


def test_regressor_pipeline_stops_early():
    X, y = make_regression(n_samples=300, n_features=6, noise=30.0, random_state=0)
    stack = StackingRegressor(
        [("pipe", make_pipeline(StandardScaler(), _booster("xgboost", True)))],
        cv=3,
        early_stopping_rounds=10,
    ).fit(X, y)
    assert max(stack.best_iterations_["pipe"]) < N_ESTIMATORS


@pytest.mark.parametrize("Ensemble", [BlendingClassifier, EnsembleSelectionClassifier])
def test_other_ensembles_stop_a_pipeline_early(Ensemble, noisy):
    X, y = noisy
    pipe = make_pipeline(StandardScaler(), _booster("lightgbm"))
    ensemble = Ensemble([("pipe", pipe)], early_stopping_rounds=10).fit(X, y)
    if hasattr(ensemble, "best_iterations_"):
        (rounds,) = ensemble.best_iterations_["pipe"]
    else:
        rounds = ensemble.estimators_[0][-1].n_estimators
    assert rounds < N_ESTIMATORS


def test_member_that_cannot_stop_early_is_named(noisy):
    X, y = noisy
    members = [
        ("scaled_lr", make_pipeline(StandardScaler(), LogisticRegression())),
        ("ridge", Ridge()),
    ]
    message = (
        r"early_stopping_rounds=5 is not applied to members "
        r"\['scaled_lr', 'ridge'\]"
    )
    with pytest.warns(UserWarning, match=message):
        StackingClassifier(members, cv=3, early_stopping_rounds=5).fit(X, y)


def test_prefit_members_are_not_stopped_early_with_a_warning(noisy):
    X, y = noisy
    fitted = LogisticRegression().fit(X, y)
    stack = StackingClassifier([("lr", fitted)], cv="prefit", early_stopping_rounds=5)
    with pytest.warns(UserWarning, match=r"with cv='prefit': members \['lr'\]"):
        stack.fit(X, y)
