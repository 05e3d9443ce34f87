"""The models the command builds: each key gives the class and settings it names."""

import numpy as np
import pytest
from sklearn.base import clone
from sklearn.datasets import make_classification

from skextra.cli._models import (
    ENSEMBLES,
    MEMBER_KEYS,
    EnsembleSpec,
    make_candidates,
    make_members,
)
from skextra.ensemble import (
    BlendingClassifier,
    BlendingRegressor,
    CombinationClassifier,
    CombinationRegressor,
    EnsembleSelectionClassifier,
    EnsembleSelectionRegressor,
    FeatureWeightedStackingClassifier,
    FeatureWeightedStackingRegressor,
    StackingClassifier,
    StackingRegressor,
)

CLASSES = {
    "classification": {
        "stacking": StackingClassifier,
        "stacking-bagged": StackingClassifier,
        "stacking-layers": StackingClassifier,
        "stacking-oob": StackingClassifier,
        "stacking-fwls": FeatureWeightedStackingClassifier,
        "selection": EnsembleSelectionClassifier,
        "mean": CombinationClassifier,
        "blending": BlendingClassifier,
    },
    "regression": {
        "stacking": StackingRegressor,
        "stacking-bagged": StackingRegressor,
        "stacking-layers": StackingRegressor,
        "stacking-oob": StackingRegressor,
        "stacking-fwls": FeatureWeightedStackingRegressor,
        "selection": EnsembleSelectionRegressor,
        "mean": CombinationRegressor,
        "blending": BlendingRegressor,
    },
}
# What each ensemble takes from the command's --cv, --n-jobs, --random-state.
SETTINGS = {
    "stacking": {"cv": 4, "n_jobs": 2},
    "stacking-bagged": {
        "cv": 4,
        "n_jobs": 2,
        "random_state": 7,
        "refit": False,
        "n_repeats": 2,
        "select_final": True,
    },
    "stacking-layers": {
        "cv": 4,
        "n_jobs": 2,
        "random_state": 7,
        "refit": False,
        "select_final": True,
        "passthrough": "all",
        "select_layers": True,
    },
    "stacking-fwls": {"cv": 4, "n_jobs": 2},
    "selection": {"cv": 4, "n_jobs": 2, "random_state": 7},
    "mean": {"n_jobs": 2, "rule": "mean"},
    "blending": {"n_jobs": 2, "random_state": 7},
}
SETTINGS["stacking-oob"] = {**SETTINGS["stacking-layers"], "use_oob": True}


@pytest.mark.parametrize("task", ["classification", "regression"])
def test_every_ensemble_has_its_class_and_settings(task):
    candidates = make_candidates(task, quick=True, cv=4, n_jobs=2, random_state=7)
    ensembles = {c.key: c.estimator for c in candidates if c.kind == "ensemble"}
    assert set(ensembles) == set(CLASSES[task])
    for key, ensemble in ensembles.items():
        assert type(ensemble) is CLASSES[task][key]
        params = ensemble.get_params(deep=False)
        assert {name: params[name] for name in SETTINGS[key]} == SETTINGS[key], key
        assert [name for name, _ in ensemble.estimators] == list(MEMBER_KEYS)
    layers = ensembles["stacking-layers"].layers
    assert [name for name, _ in layers[0]] == [f"{k}-2" for k in MEMBER_KEYS]
    first = dict(ensembles["stacking-layers"].estimators)
    for name, member in layers[0]:
        assert member is not first[name[:-2]]
        assert repr(member) == repr(first[name[:-2]])


def test_mean_averages_the_members_probabilities():
    X, y = make_classification(n_samples=120, n_features=5, random_state=0)
    mean = make_candidates("classification", quick=True, only="mean")[0].estimator
    members = make_members("classification", quick=True)
    expected = np.mean(
        [clone(member).fit(X, y).predict_proba(X) for _, member in members], axis=0
    )
    np.testing.assert_allclose(mean.fit(X, y).predict_proba(X), expected, rtol=1e-10)


def test_a_setting_the_class_does_not_take_is_an_error():
    spec = EnsembleSpec(
        "mean", "", "CombinationClassifier", "CombinationRegressor", ("cv",)
    )
    members = make_members("classification", quick=True)
    with pytest.raises(TypeError, match="cv"):
        spec.build("classification", members, cv=3, n_jobs=1, random_state=0)


def test_keys_are_unique():
    keys = list(MEMBER_KEYS) + [spec.key for spec in ENSEMBLES]
    assert len(keys) == len(set(keys))
