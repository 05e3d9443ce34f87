"""The scikit-learn -> cuML table, checked against a fake cuML on the CPU."""

import inspect
import warnings

import numpy as np
import pytest
from sklearn.base import BaseEstimator
from sklearn.cluster import KMeans
from sklearn.decomposition import PCA
from sklearn.ensemble import RandomForestClassifier, RandomForestRegressor
from sklearn.linear_model import (
    ElasticNet,
    Lasso,
    LinearRegression,
    LogisticRegression,
    Ridge,
)
from sklearn.neighbors import KNeighborsClassifier, KNeighborsRegressor
from sklearn.preprocessing import MinMaxScaler, StandardScaler
from sklearn.svm import SVC, SVR

from skextra.gpu import DeviceFallbackWarning, to_device
from skextra.gpu._translate import COUNTERPARTS, Unsupported, counterpart_of, translate

DEFAULTS = [
    RandomForestClassifier(),
    RandomForestRegressor(),
    LogisticRegression(),
    Ridge(),
    Lasso(),
    ElasticNet(),
    LinearRegression(),
    KNeighborsClassifier(),
    KNeighborsRegressor(),
    SVC(),
    SVR(),
    PCA(),
    KMeans(),
    StandardScaler(),
    MinMaxScaler(),
]


def test_the_table_covers_the_promised_classes():
    assert sorted(type(e).__name__ for e in DEFAULTS) == sorted(COUNTERPARTS)


@pytest.mark.parametrize("estimator", DEFAULTS, ids=lambda e: type(e).__name__)
def test_defaults_translate_and_reach_cuml(fake_gpu, fake_cuml, estimator):
    with warnings.catch_warnings():
        warnings.simplefilter("error", DeviceFallbackWarning)
        gpu = to_device(estimator, device="gpu")
    entry = COUNTERPARTS[type(estimator).__name__]
    assert type(gpu).__module__ == entry.cuml_module
    assert type(gpu).__name__ == entry.cuml_name
    assert gpu.kwargs == translate(estimator)
    assert gpu.output_type == "input"
    cuml_cls = type(gpu)
    # Every keyword is one the (real) cuML class of that name takes.
    assert set(gpu.kwargs) <= KNOWN_CUML_PARAMS[entry.cuml_name]
    assert cuml_cls is getattr(fake_cuml[entry.cuml_module], entry.cuml_name)


# The keyword arguments of the real cuML classes (cuML 24.x/25.x signatures).
KNOWN_CUML_PARAMS = {
    "RandomForestClassifier": {
        "n_estimators",
        "split_criterion",
        "bootstrap",
        "max_samples",
        "max_depth",
        "max_leaves",
        "max_features",
        "n_bins",
        "min_samples_leaf",
        "min_samples_split",
        "min_impurity_decrease",
        "random_state",
    },
    "LogisticRegression": {
        "penalty",
        "tol",
        "C",
        "fit_intercept",
        "class_weight",
        "max_iter",
        "l1_ratio",
        "solver",
    },
    "Ridge": {"alpha", "solver", "fit_intercept"},
    "Lasso": {"alpha", "fit_intercept", "max_iter", "tol", "selection"},
    "ElasticNet": {
        "alpha",
        "l1_ratio",
        "fit_intercept",
        "max_iter",
        "tol",
        "selection",
    },
    "LinearRegression": {"algorithm", "fit_intercept", "copy_X"},
    "KNeighborsClassifier": {"n_neighbors", "algorithm", "metric", "p", "weights"},
    "SVC": {
        "C",
        "kernel",
        "degree",
        "gamma",
        "coef0",
        "tol",
        "cache_size",
        "max_iter",
        "class_weight",
        "probability",
        "random_state",
        "multiclass_strategy",
    },
    "SVR": {
        "C",
        "kernel",
        "degree",
        "gamma",
        "coef0",
        "tol",
        "epsilon",
        "cache_size",
        "max_iter",
    },
    "PCA": {
        "n_components",
        "whiten",
        "copy",
        "svd_solver",
        "tol",
        "iterated_power",
        "random_state",
    },
    "KMeans": {
        "n_clusters",
        "init",
        "n_init",
        "max_iter",
        "tol",
        "random_state",
        "oversampling_factor",
        "max_samples_per_batch",
    },
    "StandardScaler": {"copy", "with_mean", "with_std"},
    "MinMaxScaler": {"feature_range", "copy", "clip"},
}
KNOWN_CUML_PARAMS["RandomForestRegressor"] = KNOWN_CUML_PARAMS["RandomForestClassifier"]
KNOWN_CUML_PARAMS["KNeighborsRegressor"] = KNOWN_CUML_PARAMS["KNeighborsClassifier"]


@pytest.mark.parametrize(
    "estimator, expected",
    [
        (
            RandomForestClassifier(
                n_estimators=7,
                max_depth=5,
                random_state=3,
                max_features=None,
                criterion="entropy",
            ),
            {
                "n_estimators": 7,
                "max_depth": 5,
                "random_state": 3,
                "max_features": 1.0,
                "split_criterion": "entropy",
                "max_leaves": -1,
                "max_samples": 1.0,
            },
        ),
        (
            RandomForestRegressor(max_leaf_nodes=31, max_samples=0.5),
            {"split_criterion": "mse", "max_leaves": 31, "max_samples": 0.5},
        ),
        (LogisticRegression(C=0.5), {"penalty": "l2", "C": 0.5}),
        (LogisticRegression(l1_ratio=1.0, solver="saga"), {"penalty": "l1"}),
        (
            LogisticRegression(l1_ratio=0.3, solver="saga"),
            {"penalty": "elasticnet", "l1_ratio": 0.3},
        ),
        (LogisticRegression(C=np.inf), {"penalty": "none"}),
        (Ridge(alpha=2.0, solver="svd"), {"alpha": 2.0, "solver": "svd"}),
        (Ridge(solver="cholesky"), {"solver": "eig"}),
        (
            ElasticNet(alpha=0.1, l1_ratio=0.2, selection="random"),
            {"alpha": 0.1, "l1_ratio": 0.2, "selection": "random"},
        ),
        (
            KNeighborsClassifier(n_neighbors=3),
            {"n_neighbors": 3, "metric": "euclidean"},
        ),
        (KNeighborsRegressor(p=1), {"metric": "manhattan"}),
        (KNeighborsRegressor(p=3), {"metric": "minkowski", "p": 3}),
        (
            SVC(kernel="poly", degree=2, probability=True),
            {
                "kernel": "poly",
                "degree": 2,
                "probability": True,
                "multiclass_strategy": "ovo",
            },
        ),
        (SVR(epsilon=0.3), {"epsilon": 0.3, "kernel": "rbf"}),
        (PCA(n_components=3, whiten=True), {"n_components": 3, "whiten": True}),
        (
            KMeans(n_clusters=4, random_state=0),
            {
                "n_clusters": 4,
                "init": "scalable-k-means++",
                "n_init": 1,
                "random_state": 0,
            },
        ),
        (KMeans(init="random"), {"init": "random", "n_init": 10}),
        (
            MinMaxScaler(feature_range=(-1, 1), clip=True),
            {"feature_range": (-1, 1), "clip": True},
        ),
        (StandardScaler(with_mean=False), {"with_mean": False, "with_std": True}),
    ],
    ids=lambda v: type(v).__name__ if isinstance(v, BaseEstimator) else "",
)
def test_parameters_are_translated(estimator, expected):
    params = translate(estimator)
    for key, value in expected.items():
        assert params[key] == value, key
    if isinstance(estimator, RandomForestRegressor):
        assert "max_depth" not in params  # None: cuML's own default depth


@pytest.mark.parametrize(
    "estimator, setting",
    [
        (RandomForestClassifier(criterion="log_loss"), "criterion='log_loss'"),
        (RandomForestClassifier(class_weight="balanced"), "class_weight='balanced'"),
        (RandomForestClassifier(oob_score=True), "oob_score=True"),
        (RandomForestRegressor(max_samples=50), "max_samples=50"),
        (RandomForestRegressor(ccp_alpha=0.1), "ccp_alpha=0.1"),
        (RandomForestRegressor(random_state=np.random.RandomState(0)), "random_state="),
        (LogisticRegression(solver="liblinear"), "solver='liblinear'"),
        (LogisticRegression(dual=True), "dual=True"),
        (LogisticRegression(warm_start=True), "warm_start=True"),
        (Ridge(positive=True), "positive=True"),
        (Ridge(alpha=np.array([1.0, 2.0])), "alpha=array"),
        (Lasso(positive=True), "positive=True"),
        (LinearRegression(positive=True), "positive=True"),
        (KNeighborsClassifier(weights="distance"), "weights='distance'"),
        (KNeighborsRegressor(metric="haversine"), "metric='haversine'"),
        (SVC(kernel="precomputed"), "kernel='precomputed'"),
        (SVC(break_ties=True), "break_ties=True"),
        (PCA(n_components=0.9), "n_components=0.9"),
        (PCA(n_components="mle"), "n_components='mle'"),
        (KMeans(init=lambda X, k, random_state: X[:k]), "init=<function"),
    ],
    ids=lambda v: type(v).__name__ if isinstance(v, BaseEstimator) else v,
)
def test_unsupported_settings_warn_and_fall_back(
    fake_gpu, fake_cuml, estimator, setting
):
    with pytest.raises(Unsupported):
        translate(estimator)
    with pytest.warns(DeviceFallbackWarning) as record:
        out = to_device(estimator, device="gpu")
    assert len(record) == 1
    message = str(record[0].message)
    assert setting in message
    assert type(estimator).__name__ in message
    assert "not supported on the GPU" in message
    assert type(out) is type(estimator)
    assert out is not estimator
    for key, value in estimator.get_params().items():
        if not isinstance(value, np.random.RandomState):
            assert repr(out.get_params()[key]) == repr(value), key


def test_a_setting_unknown_to_the_table_falls_back_unless_default(fake_gpu, fake_cuml):
    class Ridge(BaseEstimator):  # stands for a future scikit-learn Ridge
        def __init__(
            self,
            alpha=1.0,
            fit_intercept=True,
            copy_X=True,
            max_iter=None,
            tol=1e-4,
            solver="auto",
            positive=False,
            random_state=None,
            new_option="off",
        ):
            for name, value in locals().items():
                if name != "self":
                    setattr(self, name, value)

    Ridge.__module__ = "sklearn.linear_model._ridge"
    assert counterpart_of(Ridge()) is COUNTERPARTS["Ridge"]
    assert translate(Ridge())["alpha"] == 1.0
    with pytest.raises(Unsupported, match="new_option='on'"):
        translate(Ridge(new_option="on"))
    with pytest.warns(DeviceFallbackWarning, match="new_option='on' is not supported"):
        out = to_device(Ridge(new_option="on"), device="gpu")
    assert type(out) is Ridge


def test_every_parameter_of_the_sklearn_classes_is_handled():
    """A parameter the table does not know would make defaults fall back."""
    for estimator in DEFAULTS:
        assert isinstance(translate(estimator), dict)
        signature = inspect.signature(type(estimator).__init__)
        assert set(estimator.get_params(deep=False)) == {
            n for n in signature.parameters if n != "self"
        }


def test_subclasses_are_not_swapped(fake_gpu, fake_cuml):
    class MyForest(RandomForestClassifier):
        pass

    assert counterpart_of(MyForest()) is None
    out = to_device(MyForest(n_estimators=3), device="gpu")
    assert type(out) is MyForest


def test_interop_uses_cumls_from_sklearn(fake_gpu, fake_cuml_interop):
    estimator = RandomForestClassifier(n_estimators=5)
    estimator.fit([[0.0], [1.0]], [0, 1])
    gpu = to_device(estimator, device="gpu")
    given = gpu.kwargs["from_sklearn"]
    assert type(given) is RandomForestClassifier
    assert given.get_params() == estimator.get_params()
    assert not hasattr(given, "estimators_")  # an unfitted clone was converted
    assert gpu.output_type == "input"


def test_interop_checks_the_table_first(fake_gpu, fake_cuml_interop):
    with pytest.warns(DeviceFallbackWarning, match="class_weight='balanced'"):
        out = to_device(RandomForestClassifier(class_weight="balanced"), device="gpu")
    assert type(out) is RandomForestClassifier


def test_interop_refusal_warns_with_cumls_reason(fake_gpu, fake_cuml_interop):
    with pytest.warns(DeviceFallbackWarning, match="cuML refused it: `n_jobs=-7`"):
        out = to_device(RandomForestClassifier(n_jobs=-7), device="gpu")
    assert type(out) is RandomForestClassifier


def test_without_cuml_estimators_stay_silently(fake_gpu, no_cuml):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        out = to_device(RandomForestClassifier(n_estimators=3), device="gpu")
    assert type(out) is RandomForestClassifier
