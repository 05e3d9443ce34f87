"""to_device / to_cpu / members_to_device / DeviceEstimator on the CPU."""

import pickle
import warnings

import numpy as np
import pytest
from lightgbm import LGBMClassifier, LGBMRegressor
from sklearn.base import clone
from sklearn.datasets import make_classification
from sklearn.ensemble import HistGradientBoostingClassifier, RandomForestClassifier
from sklearn.linear_model import LogisticRegression, Ridge
from sklearn.pipeline import Pipeline, make_pipeline
from sklearn.preprocessing import StandardScaler
from xgboost import XGBClassifier, XGBRegressor

import skextra
from skextra.gpu import (
    DeviceEstimator,
    DeviceFallbackWarning,
    members_to_device,
    to_cpu,
    to_device,
)

X, y = make_classification(n_samples=120, n_features=6, random_state=0)


# ---------------------------------------------------------------- CPU: no change
@pytest.mark.parametrize(
    "estimator",
    [
        RandomForestClassifier(n_estimators=5, random_state=0),
        LogisticRegression(),
        XGBClassifier(n_estimators=5, random_state=0, n_jobs=1),
        LGBMClassifier(n_estimators=5, random_state=0, verbose=-1, n_jobs=1),
        make_pipeline(StandardScaler(), LogisticRegression()),
    ],
    ids=lambda e: type(e).__name__,
)
@pytest.mark.parametrize("device", ["cpu", "auto"])
def test_cpu_gives_an_unchanged_clone_with_identical_results(no_gpu, estimator, device):
    out = to_device(estimator, device=device)
    assert out is not estimator
    assert type(out) is type(estimator)
    assert repr(out) == repr(estimator)
    reference = clone(estimator).fit(X, y).predict_proba(X)
    np.testing.assert_array_equal(out.fit(X, y).predict_proba(X), reference)


def test_to_device_follows_the_global_setting(fake_gpu):
    with skextra.config_context(device="cpu"):
        assert type(to_device(XGBClassifier(), device=None)).__name__ == "XGBClassifier"
        assert to_device(XGBClassifier(), device=None).get_params()["device"] is None
    assert to_device(XGBClassifier(), device=None).get_params()["device"] == "cuda"


def test_gpu_without_gpu_raises(no_gpu):
    with pytest.raises(RuntimeError, match="no GPU is usable"):
        to_device(LogisticRegression(), device="gpu")
    with pytest.raises(RuntimeError, match="no GPU is usable"):
        members_to_device([LogisticRegression()], device="gpu")
    with pytest.raises(RuntimeError, match="no GPU is usable"):
        DeviceEstimator(LogisticRegression(), device="gpu").fit(X, y)


# ------------------------------------------------------------ XGBoost, LightGBM
@pytest.mark.parametrize("cls", [XGBClassifier, XGBRegressor])
def test_xgboost_gets_cuda(fake_gpu, cls):
    estimator = cls(n_estimators=3, max_depth=2)
    out = to_device(estimator, device="gpu")
    assert out.get_params()["device"] == "cuda"
    assert out.get_params()["max_depth"] == 2
    assert estimator.get_params()["device"] is None  # the input is untouched
    assert (
        to_device(cls(device="cuda:1"), device="gpu").get_params()["device"] == "cuda:1"
    )


@pytest.mark.parametrize(
    "params, setting",
    [
        ({"tree_method": "exact"}, "tree_method='exact'"),
        ({"booster": "gblinear"}, "booster='gblinear'"),
    ],
)
def test_xgboost_settings_without_gpu_support_fall_back(fake_gpu, params, setting):
    with pytest.warns(DeviceFallbackWarning, match=setting):
        out = to_device(XGBClassifier(**params), device="gpu")
    assert out.get_params()["device"] is None


@pytest.mark.parametrize("cls", [LGBMClassifier, LGBMRegressor])
def test_lightgbm_gets_the_gpu_device_type(fake_gpu, cls):
    out = to_device(cls(n_estimators=3), device="gpu")
    assert out.get_params()["device_type"] == "gpu"
    # The alias the user already used is the one set (no conflicting aliases).
    out = to_device(cls(device="cpu"), device="gpu")
    assert out.get_params()["device"] == "gpu"
    assert "device_type" not in out.get_params()
    assert (
        to_device(cls(device_type="cuda"), device="gpu").get_params()["device_type"]
        == "cuda"
    )


# --------------------------------------------------------------------- cuML
def test_pipelines_are_dispatched_step_by_step(fake_gpu, fake_cuml):
    pipe = Pipeline(
        [
            ("scale", StandardScaler()),
            ("drop", "passthrough"),
            ("xgb", XGBClassifier(n_estimators=3)),
        ]
    )
    out = to_device(pipe, device="gpu")
    assert isinstance(out, Pipeline)
    assert [name for name, _ in out.steps] == ["scale", "drop", "xgb"]
    assert type(out.steps[0][1]).__module__ == "cuml.preprocessing"
    assert out.steps[1][1] == "passthrough"
    assert out.steps[2][1].get_params()["device"] == "cuda"
    assert type(pipe.steps[0][1]) is StandardScaler  # the input is untouched


def test_estimators_without_gpu_version_stay(fake_gpu, fake_cuml):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        out = to_device(HistGradientBoostingClassifier(max_iter=3), device="gpu")
    assert type(out) is HistGradientBoostingClassifier


def test_members_to_device(fake_gpu, fake_cuml):
    members = [
        ("lr", LogisticRegression(C=2.0)),
        ("gone", "drop"),
        ("xgb", XGBClassifier()),
        ("hgb", HistGradientBoostingClassifier()),
    ]
    out = members_to_device(members, device="gpu")
    assert [m[0] for m in out] == ["lr", "gone", "xgb", "hgb"]
    assert type(out[0][1]).__module__ == "cuml.linear_model"
    assert out[0][1].kwargs["C"] == 2.0
    assert out[1][1] == "drop"
    assert out[2][1].get_params()["device"] == "cuda"
    assert type(out[3][1]) is HistGradientBoostingClassifier
    bare = members_to_device([Ridge(), None], device="gpu")
    assert type(bare[0]).__module__ == "cuml.linear_model" and bare[1] is None


def test_members_to_device_on_cpu_returns_the_same_objects(no_gpu):
    members = [("lr", LogisticRegression()), ("xgb", XGBClassifier())]
    out = members_to_device(members, device="auto")
    assert out == members
    assert all(a[1] is b[1] for a, b in zip(out, members, strict=True))


# --------------------------------------------------------------------- to_cpu
def test_to_cpu_uses_cumls_as_sklearn(fake_gpu, fake_cuml_interop):
    gpu = to_device(Ridge(), device="gpu")
    assert to_cpu(gpu) == ("as_sklearn", gpu)


def test_to_cpu_needs_interop(fake_gpu, fake_cuml):
    gpu = to_device(Ridge(), device="gpu")
    with pytest.raises(TypeError, match=r"cuML >= 25.02 \(as_sklearn\) is needed"):
        to_cpu(gpu)


@pytest.mark.filterwarnings("ignore:.*GPU:UserWarning")
def test_to_cpu_xgboost_and_lightgbm_keep_their_predictions():
    for model in (
        XGBClassifier(n_estimators=5, random_state=0, n_jobs=1),
        LGBMClassifier(n_estimators=5, random_state=0, verbose=-1, n_jobs=1),
    ):
        model.fit(X, y)
        key = "device" if "XGB" in type(model).__name__ else "device_type"
        model.set_params(**{key: "cuda" if key == "device" else "gpu"})
        cpu = to_cpu(model)
        assert cpu.get_params()[key] == "cpu"
        assert model.get_params()[key] != "cpu"  # the input is untouched
        loaded = pickle.loads(pickle.dumps(cpu))
        np.testing.assert_array_equal(loaded.predict_proba(X), model.predict_proba(X))


def test_to_cpu_of_pipelines_and_wrappers():
    pipe = make_pipeline(StandardScaler(), XGBClassifier(n_estimators=3, device="cuda"))
    out = to_cpu(pipe)
    assert out.steps[1][1].get_params()["device"] == "cpu"
    assert pipe.steps[1][1].get_params()["device"] == "cuda"
    wrapped = DeviceEstimator(LogisticRegression(), device="cpu").fit(X, y)
    assert to_cpu(wrapped) is wrapped.estimator_
    plain = LogisticRegression().fit(X, y)
    assert to_cpu(plain) is plain


def test_to_cpu_leaves_host_attributes_as_they_are():
    from sklearn.preprocessing import OneHotEncoder

    encoder = OneHotEncoder(dtype=np.float32).fit(np.array([["a"], ["b"]]))
    encoder.scalar_ = np.float64(0.5)
    out = to_cpu(make_pipeline(encoder)).steps[0][1]
    assert out.dtype is np.float32  # a class is not an array
    assert type(out.scalar_) is np.float64  # nor a NumPy scalar a 0-d array
    assert out.categories_[0] is encoder.categories_[0]


# ------------------------------------------------------------ DeviceEstimator
def test_device_estimator_on_cpu_is_the_estimator_bit_for_bit(no_gpu):
    reference = RandomForestClassifier(n_estimators=5, random_state=0).fit(X, y)
    model = DeviceEstimator(RandomForestClassifier(n_estimators=5, random_state=0))
    model.fit(X, y)
    assert model.device_ == "cpu" and model.backend_ == "cpu"
    np.testing.assert_array_equal(model.predict_proba(X), reference.predict_proba(X))
    np.testing.assert_array_equal(model.classes_, reference.classes_)
    assert model.score(X, y) == reference.score(X, y)


def test_device_estimator_on_gpu_fits_the_dispatched_member(fake_gpu, fake_cuml):
    class FittableXGB(XGBClassifier):
        """XGBoost whose fit ignores the device, to run on this CPU machine."""

        def fit(self, X, y, **kwargs):
            self.fitted_device_ = self.get_params()["device"]
            self.set_params(device="cpu")
            return XGBClassifier.fit(self, X, y, **kwargs)

    FittableXGB.__module__ = "xgboost.sklearn"
    model = DeviceEstimator(FittableXGB(n_estimators=3, n_jobs=1), device="gpu")
    model.fit(X, y)
    assert model.backend_ == "xgboost"
    assert model.estimator_.fitted_device_ == "cuda"
    assert model.predict(X).shape == y.shape


def test_device_estimator_validates_its_device():
    with pytest.raises(ValueError, match="device"):
        DeviceEstimator(LogisticRegression(), device="cuda").fit(X, y)


# ---------------------------------------------------------------- library_of
@pytest.mark.parametrize(
    "module, expected",
    [
        ("xgboost.sklearn", "xgboost"),
        ("lightgbm", "lightgbm"),
        ("cuml.ensemble.randomforestclassifier", "cuml"),
        ("sklearn.linear_model", None),
        ("xgboostlike", None),
        ("mypackage.cuml", None),
    ],
)
def test_library_of_reads_the_module_of_the_class(module, expected):
    from skextra.gpu._libraries import library_of

    cls = type("Model", (), {"__module__": module})
    assert library_of(cls()) == expected
