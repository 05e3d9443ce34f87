"""The ``device`` parameter of skextra's ensembles, checked on the CPU.

Without a GPU, ``device="cpu"``, ``"auto"`` and ``None`` must give the same
ensemble bit for bit and never take a GPU path; ``device="gpu"`` must raise.
With detection made to report a GPU (and a stand-in cuML whose
``StandardScaler`` really fits), the members an ensemble fits must be the
dispatched ones (XGBoost with ``device="cuda"``, cuML's scaler), while the
estimators the user gave stay as they were.
"""

import inspect
import sys
import types
import warnings

import numpy as np
import pytest
from sklearn.datasets import make_classification, make_regression
from sklearn.discriminant_analysis import LinearDiscriminantAnalysis
from sklearn.ensemble import BaggingClassifier
from sklearn.frozen import FrozenEstimator
from sklearn.naive_bayes import GaussianNB
from sklearn.neighbors import NearestNeighbors
from sklearn.pipeline import Pipeline, make_pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.tree import DecisionTreeClassifier, DecisionTreeRegressor
from xgboost import XGBClassifier, XGBRegressor

import skextra
from skextra.ensemble import (
    DESKL,
    DESKNN,
    DESMI,
    DESP,
    KNOP,
    KNORAE,
    KNORAU,
    LCA,
    MCB,
    METADES,
    MLA,
    OLA,
    RRC,
    APosteriori,
    APriori,
    BlendingClassifier,
    BlendingRegressor,
    CombinationClassifier,
    CombinationRegressor,
    DESClustering,
    DynamicSelectionRegressor,
    EnsembleSelectionClassifier,
    EnsembleSelectionRegressor,
    Exponential,
    FeatureWeightedStackingClassifier,
    FeatureWeightedStackingRegressor,
    Logarithmic,
    MinimumDifference,
    Oracle,
    Rank,
    SingleBest,
    StackedClassifier,
    StackingClassifier,
    StackingRegressor,
    StaticSelection,
)
from skextra.ensemble._dynamic._neighbors import ExactNeighbors, make_searcher
from skextra.gpu import (
    DeviceEstimator,
    GPUNeighbors,
    _device,
    _dispatch,
    members_to_device,
)
from skextra.resampling import (
    BalanceCascadeClassifier,
    BalancedBaggingClassifier,
    BalancedBoostClassifier,
    BalancedRandomForestClassifier,
    EasyEnsembleClassifier,
    OverBaggingClassifier,
    OverBoostClassifier,
    RoughlyBalancedBaggingClassifier,
    RUSBoostClassifier,
    SelfPacedEnsembleClassifier,
    SMOTEBaggingClassifier,
    SMOTEBoostClassifier,
    UnderBaggingClassifier,
)
from skextra.utils import get_namespace
from skextra.utils.discovery import all_estimators

X, y = make_classification(
    n_samples=160, n_features=5, n_informative=3, weights=[0.7], random_state=0
)
X_reg, y_reg = make_regression(n_samples=160, n_features=5, noise=5.0, random_state=0)


def xgb_member():
    return make_pipeline(
        StandardScaler(),
        XGBClassifier(n_estimators=3, max_depth=2, n_jobs=1, random_state=0),
    )


def xgb_regressor_member():
    return make_pipeline(
        StandardScaler(),
        XGBRegressor(n_estimators=3, max_depth=2, n_jobs=1, random_state=0),
    )


class WeightedPipeline(Pipeline):
    """A pipeline whose ``fit`` takes ``sample_weight`` (given to its last step)."""

    def fit(self, X, y=None, sample_weight=None):
        params = {}
        if sample_weight is not None:
            params[f"{self.steps[-1][0]}__sample_weight"] = sample_weight
        return super().fit(X, y, **params)


def weighted_xgb_member():
    return WeightedPipeline(xgb_member().steps)


def _dynamic(cls):
    def build(member, device):
        pool = [
            member,
            GaussianNB(),
            DecisionTreeClassifier(max_depth=2, random_state=1),
        ]
        return cls(pool, random_state=0, device=device)

    return build


# name -> build(member, device): the estimator, with ``member`` among its members
CLASSIFIERS = {
    "EnsembleSelectionClassifier": lambda m, d: EnsembleSelectionClassifier(
        [("m", m), ("nb", GaussianNB())], ensemble_size=4, cv=3, device=d
    ),
    "CombinationClassifier": lambda m, d: CombinationClassifier(
        [("m", m), ("nb", GaussianNB())], device=d
    ),
    "StackingClassifier": lambda m, d: StackingClassifier(
        [("m", m), ("nb", GaussianNB())], cv=3, device=d
    ),
    "BlendingClassifier": lambda m, d: BlendingClassifier(
        [("m", m), ("nb", GaussianNB())], random_state=0, device=d
    ),
    "FeatureWeightedStackingClassifier": lambda m, d: FeatureWeightedStackingClassifier(
        [("m", m), ("nb", GaussianNB())], cv=3, device=d
    ),
    "BalancedBaggingClassifier": lambda m, d: BalancedBaggingClassifier(
        m, n_estimators=3, random_state=0, device=d
    ),
    "UnderBaggingClassifier": lambda m, d: UnderBaggingClassifier(
        m, n_estimators=3, random_state=0, device=d
    ),
    "OverBaggingClassifier": lambda m, d: OverBaggingClassifier(
        m, n_estimators=3, random_state=0, device=d
    ),
    "SMOTEBaggingClassifier": lambda m, d: SMOTEBaggingClassifier(
        m, n_estimators=3, k_neighbors=3, random_state=0, device=d
    ),
    "RoughlyBalancedBaggingClassifier": lambda m, d: RoughlyBalancedBaggingClassifier(
        m, n_estimators=3, random_state=0, device=d
    ),
    "EasyEnsembleClassifier": lambda m, d: EasyEnsembleClassifier(
        n_estimators=3, estimator=m, random_state=0, device=d
    ),
    "BalanceCascadeClassifier": lambda m, d: BalanceCascadeClassifier(
        m, n_estimators=3, random_state=0, device=d
    ),
    "SelfPacedEnsembleClassifier": lambda m, d: SelfPacedEnsembleClassifier(
        m, n_estimators=3, random_state=0, device=d
    ),
    # The boosting rows get weighted_xgb_member() (see MEMBERS).
    "BalancedBoostClassifier": lambda m, d: BalancedBoostClassifier(
        m, n_estimators=3, random_state=0, device=d
    ),
    "RUSBoostClassifier": lambda m, d: RUSBoostClassifier(
        m, n_estimators=3, random_state=0, device=d
    ),
    "OverBoostClassifier": lambda m, d: OverBoostClassifier(
        m, n_estimators=3, random_state=0, device=d
    ),
    "SMOTEBoostClassifier": lambda m, d: SMOTEBoostClassifier(
        m, n_estimators=3, k_neighbors=3, random_state=0, device=d
    ),
    **{
        cls.__name__: _dynamic(cls)
        for cls in (
            OLA,
            LCA,
            MLA,
            MCB,
            Rank,
            APriori,
            APosteriori,
            KNORAE,
            KNORAU,
            KNOP,
            DESP,
            METADES,
            RRC,
            DESKL,
            Exponential,
            Logarithmic,
            MinimumDifference,
            DESKNN,
            DESClustering,
            DESMI,
            SingleBest,
            StaticSelection,
            Oracle,
            StackedClassifier,
        )
    },
}

REGRESSORS = {
    "EnsembleSelectionRegressor": lambda m, d: EnsembleSelectionRegressor(
        [("m", m), ("tree", DecisionTreeRegressor(max_depth=3, random_state=0))],
        ensemble_size=4,
        cv=3,
        device=d,
    ),
    "CombinationRegressor": lambda m, d: CombinationRegressor(
        [("m", m), ("tree", DecisionTreeRegressor(max_depth=3, random_state=0))],
        device=d,
    ),
    "StackingRegressor": lambda m, d: StackingRegressor(
        [("m", m), ("tree", DecisionTreeRegressor(max_depth=3, random_state=0))],
        cv=3,
        device=d,
    ),
    "BlendingRegressor": lambda m, d: BlendingRegressor(
        [("m", m), ("tree", DecisionTreeRegressor(max_depth=3, random_state=0))],
        random_state=0,
        device=d,
    ),
    "FeatureWeightedStackingRegressor": lambda m, d: FeatureWeightedStackingRegressor(
        [("m", m), ("tree", DecisionTreeRegressor(max_depth=3, random_state=0))],
        cv=3,
        device=d,
    ),
    "DynamicSelectionRegressor": lambda m, d: DynamicSelectionRegressor(
        [m, DecisionTreeRegressor(max_depth=3, random_state=0)],
        random_state=0,
        device=d,
    ),
}

# name -> member factory, for the rows that cannot take xgb_member(): boosting
# passes the round weights to every member's fit and rejects an estimator whose
# fit has no sample_weight parameter, which a plain Pipeline's fit has not. The
# same scaler + XGBoost pipeline, with sample_weight routed to XGBoost, keeps the
# dispatch of a pipeline under test (cuML scaler, XGBoost on "cuda").
MEMBERS = {
    name: weighted_xgb_member
    for name in (
        "BalancedBoostClassifier",
        "RUSBoostClassifier",
        "OverBoostClassifier",
        "SMOTEBoostClassifier",
    )
}

CASES = [(name, build, False) for name, build in CLASSIFIERS.items()] + [
    (name, build, True) for name, build in REGRESSORS.items()
]
IDS = [name for name, _, _ in CASES]


def _data(regressor):
    return (X_reg, y_reg) if regressor else (X, y)


def _member(regressor, name=None):
    if name in MEMBERS:
        return MEMBERS[name]()
    return xgb_regressor_member() if regressor else xgb_member()


def _outputs(estimator, X):
    outputs = [estimator.predict(X)]
    if hasattr(estimator, "predict_proba"):
        outputs.append(estimator.predict_proba(X))
    return outputs


def _fitted_members(estimator):
    members = getattr(estimator, "members_", None)
    members = estimator.estimators_ if members is None else members
    # imbalanced-learn's layout: Pipeline([("sampler", ...), ("classifier", ...)])
    return [
        m.named_steps["classifier"]
        if hasattr(m, "named_steps")
        and list(m.named_steps) == ["sampler", "classifier"]
        else m
        for m in members
    ]


@pytest.fixture
def gpu_path_forbidden(monkeypatch):
    """Fail if anything takes the GPU dispatch path."""

    def forbidden(*args, **kwargs):
        raise AssertionError("a GPU path was taken on the CPU")

    monkeypatch.setattr(_dispatch, "dispatch", forbidden)
    monkeypatch.setattr(_device, "_gpu_namespace", forbidden)


@pytest.fixture
def gpu_arrays_on_host(monkeypatch):
    """The "GPU" arrays of GPUNeighbors are NumPy arrays (no CuPy needed)."""
    numpy_namespace = get_namespace(np.empty(0))
    monkeypatch.setattr(_device, "_gpu_namespace", lambda: (numpy_namespace, None))


@pytest.fixture
def cuml_scaler(monkeypatch):
    """A cuML whose StandardScaler fits (scikit-learn's, under cuML's name)."""
    cuml = types.ModuleType("cuml")
    preprocessing = types.ModuleType("cuml.preprocessing")
    preprocessing.StandardScaler = type(
        "StandardScaler", (StandardScaler,), {"__module__": "cuml.preprocessing"}
    )
    monkeypatch.setitem(sys.modules, "cuml", cuml)
    monkeypatch.setitem(sys.modules, "cuml.preprocessing", preprocessing)
    return preprocessing.StandardScaler


def test_every_ensemble_with_a_device_parameter_is_checked_here():
    with_device = {
        name
        for name, cls in all_estimators()
        if cls.__module__.startswith(("skextra.ensemble", "skextra.resampling"))
        and "device" in inspect.signature(cls).parameters
    }
    assert with_device == set(IDS) | {"BalancedRandomForestClassifier"}


# ------------------------------------------------------------------ CPU
@pytest.mark.parametrize("name, build, regressor", CASES, ids=IDS)
def test_cpu_auto_and_none_give_identical_results(
    no_gpu, gpu_path_forbidden, name, build, regressor
):
    X_, y_ = _data(regressor)
    reference = _outputs(build(_member(regressor, name), "cpu").fit(X_, y_), X_)
    for device in ("auto", None):
        fitted = build(_member(regressor, name), device).fit(X_, y_)
        for got, want in zip(_outputs(fitted, X_), reference):
            np.testing.assert_array_equal(got, want)
    with skextra.config_context(device="cpu"):
        fitted = build(_member(regressor, name), None).fit(X_, y_)
    for got, want in zip(_outputs(fitted, X_), reference):
        np.testing.assert_array_equal(got, want)


@pytest.mark.parametrize("name, build, regressor", CASES, ids=IDS)
def test_gpu_without_a_gpu_raises(no_gpu, name, build, regressor):
    X_, y_ = _data(regressor)
    with pytest.raises(RuntimeError, match="no GPU is usable"):
        build(_member(regressor, name), "gpu").fit(X_, y_)
    with skextra.config_context(device="gpu"):
        with pytest.raises(RuntimeError, match="no GPU is usable"):
            build(_member(regressor, name), None).fit(X_, y_)


def test_balanced_random_forest_checks_the_device_and_grows_on_the_cpu(
    no_gpu, gpu_path_forbidden, monkeypatch
):
    def forest(device):
        return BalancedRandomForestClassifier(
            n_estimators=5, max_depth=3, random_state=0, device=device
        )

    reference = forest("cpu").fit(X, y).predict_proba(X)
    for device in ("auto", None):
        np.testing.assert_array_equal(
            forest(device).fit(X, y).predict_proba(X), reference
        )
    with pytest.raises(RuntimeError, match="no GPU is usable"):
        forest("gpu").fit(X, y)
    monkeypatch.setattr(_device, "_detect", lambda: "Fake GPU")
    np.testing.assert_array_equal(forest("gpu").fit(X, y).predict_proba(X), reference)


# ------------------------------------------------------------ fake GPU
@pytest.mark.parametrize("name, build, regressor", CASES, ids=IDS)
def test_gpu_fits_the_dispatched_members_and_leaves_the_given_ones(
    fake_gpu, cuml_scaler, gpu_arrays_on_host, name, build, regressor
):
    X_, y_ = _data(regressor)
    member = _member(regressor, name)
    estimator = build(member, "gpu")
    params_before = repr(estimator.get_params(deep=True))
    with warnings.catch_warnings():
        # XGBoost reports that it falls back to the CPU it really runs on.
        warnings.simplefilter("ignore")
        estimator.fit(X_, y_)
        estimator.predict(X_)

    dispatched = [m for m in _fitted_members(estimator) if hasattr(m, "steps")]
    assert dispatched
    for fitted in dispatched:
        assert type(fitted.steps[0][1]) is cuml_scaler
        assert fitted.steps[-1][1].get_params()["device"] == "cuda"
    # The given estimators: the same objects, unfitted, on the CPU.
    assert repr(estimator.get_params(deep=True)) == params_before
    assert any(value is member for value in _given_members(estimator))
    assert type(member.steps[0][1]) is StandardScaler
    assert member.steps[-1][1].get_params()["device"] is None
    assert not hasattr(member.steps[0][1], "mean_")
    if hasattr(estimator, "roc_algorithm_"):
        assert isinstance(estimator.roc_algorithm_, GPUNeighbors)
        assert estimator.roc_algorithm_.device_ == "gpu"


def _given_members(estimator):
    params = estimator.get_params(deep=False)
    if "estimators" in params:
        return [m for _, m in params["estimators"]]
    for key in ("estimator", "pool_classifiers", "pool_regressors"):
        if key in params:
            value = params[key]
            return value if isinstance(value, list) else [value]
    raise AssertionError(f"no member parameter in {type(estimator).__name__}")


def test_the_global_setting_dispatches_when_device_is_none(fake_gpu):
    model = CombinationClassifier([("m", xgb_member()), ("nb", GaussianNB())])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model.fit(X, y)
        assert model.estimators_[0][-1].get_params()["device"] == "cuda"
        with skextra.config_context(device="cpu"):
            model.fit(X, y)
    assert model.estimators_[0][-1].get_params()["device"] is None


def test_frozen_members_are_used_as_they_are(fake_gpu, monkeypatch):
    # With the array-API path on, an unfitted LDA would be wrapped for the GPU.
    monkeypatch.setenv("SCIPY_ARRAY_API", "1")
    frozen = FrozenEstimator(LinearDiscriminantAnalysis().fit(X, y))
    kept, wrapped = members_to_device([frozen, LinearDiscriminantAnalysis()], "gpu")
    assert kept is frozen
    assert isinstance(wrapped, DeviceEstimator)
    model = CombinationClassifier(
        [("frozen", frozen), ("tree", DecisionTreeClassifier(max_depth=2))],
        device="gpu",
    ).fit(X, y)
    assert model.estimators_[0] is frozen
    np.testing.assert_array_equal(model._member_proba(0, X), frozen.predict_proba(X))


def test_an_unfitted_ensemble_pool_keeps_its_class_and_dispatches_its_member(
    fake_gpu, gpu_arrays_on_host
):
    inner = XGBClassifier(n_estimators=3, max_depth=2, n_jobs=1)
    pool = BaggingClassifier(inner, n_estimators=3, random_state=0)
    model = KNORAE(pool, random_state=0, device="gpu")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model.fit(X, y)
    assert type(model.pool_classifiers_) is BaggingClassifier
    assert [m.get_params()["device"] for m in model.members_] == ["cuda"] * 3
    assert pool.estimator is inner and inner.get_params()["device"] is None
    assert not hasattr(pool, "estimators_")


# ------------------------------------------------------- neighbour search
def test_the_neighbour_search_follows_the_device():
    assert type(make_searcher("knn", device="cpu")) is ExactNeighbors
    assert type(make_searcher(None, device="cpu")) is ExactNeighbors
    on_gpu = make_searcher("knn", device="gpu")
    assert type(on_gpu) is GPUNeighbors and on_gpu.device == "gpu"
    assert type(make_searcher("sklearn", device="gpu")) is ExactNeighbors
    named = make_searcher("gpu", device="cpu")
    assert type(named) is GPUNeighbors and named.device == "cpu"
    # knne and Mahalanobis wrap the same searcher.
    assert (
        type(make_searcher("gpu", "mahalanobis", device="cpu").searcher) is GPUNeighbors
    )
    with pytest.raises(ValueError, match="'gpu'"):
        make_searcher("annoy")


def test_the_gpu_searcher_by_name_finds_the_exact_neighbours(no_gpu):
    exact = KNORAE(random_state=0, device="cpu").fit(X, y)
    brute = KNORAE(random_state=0, device="cpu", knn_classifier="gpu").fit(X, y)
    assert isinstance(brute.roc_algorithm_, GPUNeighbors)
    assert brute.roc_algorithm_.device_ == "cpu"
    np.testing.assert_array_equal(brute.predict_proba(X), exact.predict_proba(X))
    reference = NearestNeighbors(n_neighbors=7).fit(exact.DSEL_data_)
    np.testing.assert_array_equal(
        brute.roc_algorithm_.kneighbors(X[:20], 7)[1],
        reference.kneighbors(X[:20], return_distance=False),
    )


def test_the_regressor_searches_on_the_gpu_by_default(fake_gpu, gpu_arrays_on_host):
    model = DynamicSelectionRegressor(random_state=0, device="gpu").fit(X_reg, y_reg)
    reference = DynamicSelectionRegressor(random_state=0, device="cpu").fit(
        X_reg, y_reg
    )
    assert isinstance(model.roc_algorithm_, GPUNeighbors)
    np.testing.assert_allclose(model.predict(X_reg), reference.predict(X_reg))
