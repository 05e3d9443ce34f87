"""Missing values reach the members: the ensembles leave them to their members."""

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose
from sklearn.compose import ColumnTransformer
from sklearn.datasets import make_classification, make_regression
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.ensemble import StackingClassifier as SkStackingClassifier
from sklearn.ensemble import StackingRegressor as SkStackingRegressor
from sklearn.impute import SimpleImputer
from sklearn.linear_model import LogisticRegression, Ridge
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import OneHotEncoder
from sklearn.utils import get_tags

from skextra.ensemble import (
    BlendingClassifier,
    BlendingRegressor,
    CombinationClassifier,
    CombinationRegressor,
    EnsembleSelectionClassifier,
    EnsembleSelectionRegressor,
    StackingClassifier,
    StackingRegressor,
)

CLASSIFIERS = [
    StackingClassifier,
    BlendingClassifier,
    EnsembleSelectionClassifier,
    CombinationClassifier,
]
REGRESSORS = [
    StackingRegressor,
    BlendingRegressor,
    EnsembleSelectionRegressor,
    CombinationRegressor,
]


def _with_nan(X):
    X = X.copy()
    X[::10, 0] = np.nan
    X[3::7, 2] = np.nan
    return X


@pytest.fixture(scope="module")
def classification():
    X, y = make_classification(n_samples=150, n_features=5, random_state=0)
    return _with_nan(X), y


@pytest.fixture(scope="module")
def regression():
    X, y = make_regression(n_samples=150, n_features=5, noise=5.0, random_state=0)
    return _with_nan(X), y


def _imputing(model):
    return make_pipeline(SimpleImputer(), model)


@pytest.mark.parametrize("Ensemble", CLASSIFIERS)
def test_nan_reaches_an_imputing_classifier(Ensemble, classification):
    X, y = classification
    members = [
        ("lr", _imputing(LogisticRegression())),
        ("lr_strong", _imputing(LogisticRegression(C=0.1))),
    ]
    ensemble = Ensemble(members).fit(X, y)
    proba = ensemble.predict_proba(X)
    assert proba.shape == (len(y), 2) and np.all(np.isfinite(proba))
    assert ensemble.score(X, y) > 0.8


@pytest.mark.parametrize("Ensemble", REGRESSORS)
def test_nan_reaches_an_imputing_regressor(Ensemble, regression):
    X, y = regression
    members = [("ridge", _imputing(Ridge())), ("ridge10", _imputing(Ridge(10.0)))]
    ensemble = Ensemble(members).fit(X, y)
    assert np.all(np.isfinite(ensemble.predict(X)))
    assert ensemble.score(X, y) > 0.8


def test_stacking_with_nan_predicts_as_scikit_learn(classification, regression):
    X, y = classification
    members = [("lr", _imputing(LogisticRegression()))]
    ours = StackingClassifier(members, cv=3).fit(X, y)
    theirs = SkStackingClassifier(members, cv=3).fit(X, y)
    assert_allclose(ours.predict_proba(X), theirs.predict_proba(X))
    X, y = regression
    members = [("ridge", _imputing(Ridge()))]
    ours = StackingRegressor(members, cv=3).fit(X, y)
    theirs = SkStackingRegressor(members, cv=3).fit(X, y)
    assert_allclose(ours.predict(X), theirs.predict(X))


@pytest.mark.parametrize("Ensemble", CLASSIFIERS)
def test_column_transformer_member_on_a_frame(Ensemble):
    X, y = make_classification(
        n_samples=150, n_features=3, n_informative=2, n_redundant=0, random_state=1
    )
    rng = np.random.RandomState(0)
    frame = pd.DataFrame(X, columns=["a", "b", "c"])
    frame.loc[::9, "a"] = np.nan
    colour = np.where(y == 1, "red", "blue").astype(object)
    colour[rng.rand(len(y)) < 0.2] = "green"
    colour[::11] = np.nan
    frame["colour"] = colour
    preprocess = ColumnTransformer(
        [
            ("num", SimpleImputer(), ["a", "b", "c"]),
            (
                "cat",
                make_pipeline(
                    SimpleImputer(strategy="most_frequent"),
                    OneHotEncoder(handle_unknown="ignore"),
                ),
                ["colour"],
            ),
        ]
    )
    members = [("lr", make_pipeline(preprocess, LogisticRegression()))]
    ensemble = Ensemble(members).fit(frame, y)
    assert ensemble.predict(frame).shape == y.shape
    assert ensemble.score(frame, y) > 0.8
    assert list(ensemble.feature_names_in_) == ["a", "b", "c", "colour"]


@pytest.mark.parametrize("Ensemble", CLASSIFIERS)
def test_a_member_refusing_nan_raises_its_own_error(Ensemble, classification):
    X, y = classification
    with pytest.raises(ValueError, match="Input X contains NaN"):
        Ensemble([("lr", LogisticRegression())]).fit(X, y)


@pytest.mark.parametrize("Ensemble", CLASSIFIERS)
def test_allow_nan_tag_follows_the_members(Ensemble):
    assert get_tags(
        Ensemble([("hgb", HistGradientBoostingClassifier())])
    ).input_tags.allow_nan
    assert not get_tags(
        Ensemble(
            [("hgb", HistGradientBoostingClassifier()), ("lr", LogisticRegression())]
        )
    ).input_tags.allow_nan
