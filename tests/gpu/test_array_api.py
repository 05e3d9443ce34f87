"""The array-API path, with PyTorch-CPU or array_api_strict standing in for the GPU.

scikit-learn's array-API dispatch needs ``SCIPY_ARRAY_API=1`` before SciPy is
imported, so these checks run in a fresh interpreter.
"""

import os
import subprocess
import sys
import textwrap

import pytest

SCRIPT = textwrap.dedent(
    """
    import warnings
    import numpy as np
    from sklearn.datasets import make_classification
    from sklearn.ensemble import RandomForestClassifier
    from sklearn.linear_model import LogisticRegression, Ridge
    from sklearn.neighbors import NearestNeighbors
    from sklearn.pipeline import Pipeline, make_pipeline
    from sklearn.preprocessing import StandardScaler

    from skextra.gpu import (
        DeviceEstimator,
        DeviceFallbackWarning,
        GPUNeighbors,
        _device,
        to_cpu,
        to_device,
    )
    from skextra.utils import get_namespace

    NAMESPACE = {namespace!r}
    if NAMESPACE == "torch":
        import torch
        xp, dev = get_namespace(torch.empty(0)), "cpu"
        is_device_array = lambda a: isinstance(a, torch.Tensor)
    else:
        import array_api_strict as xp
        dev = None
        is_device_array = lambda a: type(a).__module__.startswith("array_api_strict")
    _device._detect = lambda: "Fake GPU"
    _device._gpu_namespace = lambda: (xp, dev)
    warnings.simplefilter("error", DeviceFallbackWarning)

    X, y = make_classification(n_samples=150, n_features=5, random_state=0)
    target = X @ np.arange(1.0, 6.0) + 0.1 * y

    ridge = DeviceEstimator(Ridge(alpha=0.5, solver="svd"), device="gpu").fit(X, target)
    assert ridge.backend_ == "array_api", ridge.backend_
    assert is_device_array(ridge.estimator_.coef_)
    expected = Ridge(alpha=0.5, solver="svd").fit(X, target).predict(X)
    got = ridge.predict(X)
    assert isinstance(got, np.ndarray)
    np.testing.assert_allclose(got, expected, rtol=1e-10)
    on_device = ridge.predict(xp.asarray(X, device=dev))
    assert is_device_array(on_device)

    cpu_ridge = to_cpu(ridge)
    assert type(cpu_ridge) is Ridge and isinstance(cpu_ridge.coef_, np.ndarray)
    np.testing.assert_allclose(cpu_ridge.predict(X), expected, rtol=1e-10)

    logreg = DeviceEstimator(LogisticRegression(C=0.7), device="gpu").fit(X, y)
    assert logreg.backend_ == "array_api"
    reference = LogisticRegression(C=0.7).fit(X, y)
    assert isinstance(logreg.classes_, np.ndarray)
    np.testing.assert_array_equal(logreg.classes_, reference.classes_)
    np.testing.assert_array_equal(logreg.predict(X), reference.predict(X))
    np.testing.assert_allclose(
        logreg.predict_proba(X), reference.predict_proba(X), rtol=1e-5, atol=1e-7)

    pipe = to_device(make_pipeline(StandardScaler(), Ridge(solver="svd")), device="gpu")
    assert isinstance(pipe, DeviceEstimator) and isinstance(pipe.estimator, Pipeline)
    np.testing.assert_allclose(
        pipe.fit(X, target).predict(X),
        make_pipeline(StandardScaler(), Ridge(solver="svd")).fit(X, target).predict(X),
        rtol=1e-10)

    forest = to_device(RandomForestClassifier(n_estimators=3), device="gpu")
    assert type(forest) is RandomForestClassifier

    nn = GPUNeighbors(device="gpu").fit(X)
    assert is_device_array(nn._fit_X)
    dist, ind = nn.kneighbors(X[:20], n_neighbors=4)
    assert isinstance(ind, np.ndarray)
    ref_dist, ref_ind = NearestNeighbors(n_neighbors=4).fit(X).kneighbors(X[:20])
    np.testing.assert_array_equal(ind, ref_ind)
    np.testing.assert_allclose(dist, ref_dist, rtol=1e-12, atol=1e-12)
    print("OK")
    """
)


def _run(script, namespace):
    """Run ``script`` for ``namespace`` in a fresh interpreter; it must print OK."""
    if namespace == "torch":
        pytest.importorskip("torch")
    env = dict(os.environ, SCIPY_ARRAY_API="1")
    done = subprocess.run(
        [sys.executable, "-c", script.format(namespace=namespace)],
        capture_output=True,
        text=True,
        env=env,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    assert done.stdout.strip().endswith("OK")


@pytest.mark.parametrize("namespace", ["torch", "array_api_strict"])
def test_array_api_estimators_run_on_the_device_namespace(namespace):
    _run(SCRIPT, namespace)


def test_without_scipy_array_api_the_estimator_stays_on_the_cpu(
    fake_gpu, monkeypatch, no_cuml
):
    from sklearn.linear_model import Ridge

    from skextra.gpu import to_device

    monkeypatch.delenv("SCIPY_ARRAY_API", raising=False)
    assert type(to_device(Ridge(), device="gpu")) is Ridge


RESIDENT_SCRIPT = textwrap.dedent(
    """
    import sys
    import numpy as np
    from sklearn.datasets import make_classification
    from sklearn.discriminant_analysis import LinearDiscriminantAnalysis
    from sklearn.naive_bayes import GaussianNB
    from sklearn.tree import DecisionTreeClassifier

    from skextra.ensemble import (
        KNORAE, CombinationClassifier, EnsembleSelectionClassifier, StackingClassifier)
    from skextra.resampling import (
        BalanceCascadeClassifier, RUSBoostClassifier, SelfPacedEnsembleClassifier,
        UnderBaggingClassifier)
    from skextra.gpu import _device, to_cpu
    from skextra.utils import _array_api

    if {namespace!r} == "torch":
        import torch
        from skextra.utils import get_namespace
        xp, device1 = get_namespace(torch.empty(0)), torch.device("cpu")
    else:  # a second device, which refuses to mix with the host's arrays
        import array_api_strict as xp
        device1 = xp.Device("device1")
    _device._detect = lambda: "Fake GPU"
    _device._gpu_namespace = lambda: (xp, device1)

    X, y = make_classification(n_samples=240, n_features=6, n_informative=4,
                               n_classes=3, random_state=0)
    copies = []
    move_to = _array_api.move_to

    def counted(array, **kwargs):
        if kwargs["xp"] is not xp:
            return move_to(array, **kwargs)
        if isinstance(array, np.ndarray) and array.shape[1:] == (X.shape[1],):
            copies.append(array.shape[0])
        out = move_to(array, **kwargs)
        assert out.device == device1
        return out

    for name, module in list(sys.modules.items()):
        if name.startswith("skextra") and getattr(module, "move_to", None) is move_to:
            module.move_to = counted

    def on_device(obj, seen):  # paths of the device arrays held in obj
        if id(obj) in seen:
            return []
        seen.add(id(obj))
        if _array_api.is_foreign_array(obj):
            return ["array"]
        if isinstance(obj, dict):
            items = obj.items()
        elif isinstance(obj, (list, tuple)):
            items = enumerate(obj)
        elif type(obj).__module__.startswith(("skextra", "sklearn")) and hasattr(
            obj, "__dict__"
        ):
            items = vars(obj).items()
        else:
            return []
        return [f"{{key}}.{{path}}" for key, value in items
                for path in on_device(value, seen)]

    def check_to_cpu(model, proba):  # no array left on the device, same output
        assert on_device(model, set()), type(model).__name__
        saved = to_cpu(model)
        assert not on_device(saved, set()), on_device(saved, set())
        if hasattr(model, "named_estimators_"):
            assert type(saved.named_estimators_) is type(model.named_estimators_)
        np.testing.assert_allclose(
            saved.predict_proba(X), proba, rtol=1e-10, atol=1e-12
        )

    def members():
        return [("lda", LinearDiscriminantAnalysis()), ("nb", GaussianNB()),
                ("tree", DecisionTreeClassifier(max_depth=3, random_state=0))]

    # Rows of X copied to the device at fit and at predict (without the
    # shared copy, every GPU member would make its own at every call). Stacking and
    # ensemble selection: X once, shared by the 2 GPU members' 3 fold fits,
    # 3 fold predictions and refit. Combination: X once for both fits.
    # KNORA-E: the pool's training half, then the DSEL half once for the
    # members and once for the neighbour index; at predict the rows once for
    # the members and the undecided rows for the neighbour search.
    # Under-bagging: X once, all 5 bags cut from that copy; at predict, once.
    # RUSBoost and the cascades likewise: every round's sample cut from one
    # copy, and every round's predictions made from it.
    cases = [
        (lambda d: StackingClassifier(members(), cv=3, device=d), [240], [240]),
        (lambda d: EnsembleSelectionClassifier(members(), cv=3, ensemble_size=5,
                                               device=d), [240], [240]),
        (lambda d: CombinationClassifier(members(), device=d), [240], [240]),
        (lambda d: UnderBaggingClassifier(LinearDiscriminantAnalysis(), n_estimators=5,
                                          random_state=0, device=d), [240], [240]),
        (lambda d: RUSBoostClassifier(GaussianNB(), n_estimators=5, random_state=0,
                                      device=d), [240], [240]),
        (lambda d: BalanceCascadeClassifier(GaussianNB(), n_estimators=4,
                                            random_state=0, device=d), [240], [240]),
        (lambda d: SelfPacedEnsembleClassifier(GaussianNB(), n_estimators=4,
                                               random_state=0, device=d), [240], [240]),
        (lambda d: KNORAE([m for _, m in members()], random_state=0, device=d),
         [120, 120, 120], None),
    ]
    for build, at_fit, at_predict in cases:
        cpu = build("cpu").fit(X, y)
        expected = cpu.predict_proba(X)
        assert not copies
        gpu = build("gpu").fit(X, y)
        assert copies == at_fit, (type(gpu).__name__, copies)
        del copies[:]
        proba = gpu.predict_proba(X)
        if at_predict is not None:
            assert copies == at_predict, (type(gpu).__name__, copies)
        else:
            assert copies[0] == X.shape[0] and len(copies) <= 2, copies
        del copies[:]
        assert isinstance(proba, np.ndarray)
        np.testing.assert_allclose(proba, expected, rtol=1e-6, atol=1e-8)
        np.testing.assert_array_equal(gpu.predict(X), cpu.predict(X))
        del copies[:]
        check_to_cpu(gpu, proba)

    # Searchers that wrap others keep their index on the device too.
    for options in ({{"knne": True}}, {{"knn_metric": "mahalanobis"}}):
        model = KNORAE([m for _, m in members()], random_state=0, device="gpu",
                       **options).fit(X, y)
        check_to_cpu(model, model.predict_proba(X))
    del copies[:]

    # Dynamic selection of regressors, as KNORA-E: the pool's training half,
    # the DSEL half for the members and for the neighbour index; at predict
    # the rows for the members and for the neighbour search.
    from sklearn.datasets import make_regression
    from sklearn.linear_model import Ridge
    from sklearn.tree import DecisionTreeRegressor
    from skextra.ensemble import DynamicSelectionRegressor

    X_reg, y_reg = make_regression(n_samples=240, n_features=6, noise=5.0,
                                   random_state=0)

    def regressors(d):
        pool = [Ridge(solver="svd"), Ridge(alpha=30.0, solver="svd"),
                DecisionTreeRegressor(max_depth=3, random_state=0)]
        return DynamicSelectionRegressor(pool, DSEL_perc=0.5, random_state=0,
                                         device=d)

    expected = regressors("cpu").fit(X_reg, y_reg).predict(X_reg)
    assert not copies
    gpu = regressors("gpu").fit(X_reg, y_reg)
    assert copies == [120, 120, 120], copies
    del copies[:]
    np.testing.assert_allclose(gpu.predict(X_reg), expected, rtol=1e-8)
    assert copies == [240, 240], copies
    del copies[:]

    # A DeviceEstimator whose estimator has no GPU path takes device arrays
    # too: it fits on their host copy and answers on their device.
    from sklearn.ensemble import RandomForestClassifier
    from skextra.gpu import DeviceEstimator
    from skextra.utils import to_numpy

    X_dev, y_dev = xp.asarray(X, device=device1), xp.asarray(y, device=device1)
    forest = DeviceEstimator(RandomForestClassifier(n_estimators=5, random_state=0),
                             device="gpu").fit(X_dev, y_dev)
    assert forest.backend_ == "cpu"
    reference = RandomForestClassifier(n_estimators=5, random_state=0).fit(X, y)
    proba = forest.predict_proba(X_dev)
    assert proba.device == device1
    np.testing.assert_array_equal(to_numpy(proba), reference.predict_proba(X))
    np.testing.assert_array_equal(forest.predict(X), reference.predict(X))
    print("OK")
    """
)


@pytest.mark.parametrize("namespace", ["torch", "array_api_strict"])
def test_members_on_the_device_share_one_copy_of_the_data(namespace):
    _run(RESIDENT_SCRIPT, namespace)
