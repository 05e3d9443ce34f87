"""Memory of dynamic selection stays within ``working_memory``.

Each test runs a step under ``config_context(working_memory=1)`` (1 MiB
blocks) and checks with ``tracemalloc`` that its peak is bounded by what the
step must hold anyway (its result, the fitted state) plus a few blocks, not
by the number of test rows or of DSEL rows; and that the blocked result is
identical to the one computed in a single block.
"""

import tracemalloc

import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_array_equal
from sklearn import config_context
from sklearn.datasets import make_classification, make_regression
from sklearn.ensemble import BaggingClassifier, BaggingRegressor
from sklearn.naive_bayes import GaussianNB
from sklearn.tree import DecisionTreeClassifier, DecisionTreeRegressor

from skextra import ensemble as E

MiB = 2**20
CLASSIFIERS = [
    "OLA",
    "LCA",
    "MCB",
    "MLA",
    "Rank",
    "APriori",
    "APosteriori",
    "KNORAE",
    "KNORAU",
    "KNOP",
    "DESP",
    "METADES",
    "RRC",
    "DESKL",
    "Exponential",
    "Logarithmic",
    "MinimumDifference",
    "DESKNN",
    "DESClustering",
    "DESMI",
    "SingleBest",
    "StaticSelection",
    "Oracle",
    "StackedClassifier",
]


def _traced(func):
    """``func()`` and the peak of the memory it allocated."""
    tracemalloc.start()
    try:
        out = func()
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return out, peak


@pytest.fixture(scope="module")
def data():
    X, y = make_classification(
        n_samples=62_000,
        n_features=8,
        n_informative=5,
        n_classes=3,
        random_state=0,
    )
    pool = BaggingClassifier(
        DecisionTreeClassifier(max_depth=6), n_estimators=10, random_state=0
    ).fit(X[:1000], y[:1000])
    return X, y, pool


@pytest.mark.parametrize("name", CLASSIFIERS)
def test_predict_memory_does_not_grow_with_test_rows(data, name):
    # 40,000 test rows x 10 members x 3 classes of probabilities are 9.6 MB;
    # in 1 MiB blocks only the result (0.96 MB) grows with the test rows.
    X, y, pool = data
    est = getattr(E, name)(pool)
    if "random_state" in est.get_params():
        est.set_params(random_state=0)
    est.fit(X[1000:2000], y[1000:2000])
    X_test, y_test = X[2000:42_000], y[2000:42_000]
    args = (y_test,) if name == "Oracle" else ()
    whole = est.predict_proba(X_test, *args)
    with config_context(working_memory=1):
        blocked, peak = _traced(lambda: est.predict_proba(X_test, *args))
        labels = est.predict(X_test, *args)
    if name == "StackedClassifier":
        # The meta-classifier multiplies its block through BLAS, whose kernel
        # (so the last bit) can depend on the block's size.
        assert_allclose(blocked, whole, rtol=1e-13, atol=0)
    else:
        assert_array_equal(blocked, whole)
    assert_array_equal(labels, est.predict(X_test, *args))
    assert peak - blocked.nbytes < 2 * MiB


def test_regressor_predict_memory_does_not_grow_with_test_rows():
    X, y = make_regression(n_samples=42_000, n_features=8, random_state=0)
    pool = BaggingRegressor(
        DecisionTreeRegressor(max_depth=6), n_estimators=10, random_state=0
    ).fit(X[:1000], y[:1000])
    est = E.DynamicSelectionRegressor(pool).fit(X[1000:2000], y[1000:2000])
    whole = est.predict(X[2000:])
    with config_context(working_memory=1):
        blocked, peak = _traced(lambda: est.predict(X[2000:]))
    assert_array_equal(blocked, whole)
    assert peak - blocked.nbytes < 2 * MiB


@pytest.mark.parametrize("name", ["KNORAE", "Exponential", "METADES"])
def test_explain_holds_one_report(data, name):
    # The report is filled block by block: the peak is the report (and the
    # labels it gives), not the report twice (blocks, then their concatenation).
    X, y, pool = data
    est = getattr(E, name)(pool).fit(X[1000:2000], y[1000:2000])
    X_test = X[2000:42_000]
    whole = est.explain(X_test)
    with config_context(working_memory=1):
        report, peak = _traced(lambda: est.explain(X_test))
    size = sum(v.nbytes for v in report.values() if v is not None)
    for key, value in whole.items():
        if key in ("distances", "competences", "weights") and value is not None:
            # Matrix products (distances, all-DSEL potentials) round
            # differently in blocks of other sizes.
            assert_allclose(report[key], value, rtol=1e-9, atol=1e-12)
        else:
            assert_array_equal(report[key], value)
    assert peak < 1.5 * size


def _metades_meta_rows(est):
    agreement = est.DSEL_processed_.mean(axis=1)
    keep = (agreement < est.Hc) | (agreement > 1 - est.Hc)
    return int(keep.sum()) * est.n_classifiers_


def test_metades_fit_never_holds_the_meta_training_set(data):
    # 20,000 DSEL rows x 10 members x 21 meta-features: 34 MB of meta-training
    # set, which the default naive Bayes learns block by block.
    X, y, pool = data
    X_dsel, y_dsel = X[2000:22_000], y[2000:22_000]
    whole = E.METADES(pool).fit(X_dsel, y_dsel)
    prefitted = E.METADES(pool, meta_classifier=whole.meta_classifier_)
    with config_context(working_memory=1):
        blocked, peak = _traced(lambda: E.METADES(pool).fit(X_dsel, y_dsel))
        _, peak_without = _traced(lambda: prefitted.fit(X_dsel, y_dsel))
    meta_bytes = 8 * _metades_meta_rows(whole) * whole.n_meta_features_
    for attr in ("class_count_", "feature_count_", "feature_log_prob_"):
        assert_array_equal(
            getattr(blocked.meta_classifier_, attr),
            getattr(whole.meta_classifier_, attr),
        )
    assert_array_equal(blocked.predict_proba(X[:2000]), whole.predict_proba(X[:2000]))
    # Above the fit without meta-training: the neighbours and a few blocks.
    assert peak - peak_without < meta_bytes / 2


def test_metades_other_meta_classifier_gets_the_same_set_in_blocks(data):
    X, y, pool = data
    X_dsel, y_dsel = X[2000:6000], y[2000:6000]
    whole = E.METADES(pool, meta_classifier=GaussianNB()).fit(X_dsel, y_dsel)
    with config_context(working_memory=1):
        blocked = E.METADES(pool, meta_classifier=GaussianNB()).fit(X_dsel, y_dsel)
    assert_array_equal(blocked.meta_classifier_.theta_, whole.meta_classifier_.theta_)
    assert_array_equal(blocked.predict_proba(X[:2000]), whole.predict_proba(X[:2000]))


def test_metades_no_row_passes_the_consensus_filter():
    from sklearn.dummy import DummyClassifier

    X = np.random.RandomState(0).normal(size=(60, 3))
    y = np.arange(60) % 2
    pool = [DummyClassifier(strategy="constant", constant=c).fit(X, y) for c in (0, 1)]
    with pytest.raises(ValueError, match="No DSEL row passes the consensus filter"):
        E.METADES(pool, Hc=0.5).fit(X, y)


@pytest.mark.parametrize("name", ["RRC", "DESKL", "MinimumDifference"])
def test_source_competences_in_blocks(data, name):
    # The source competences' temporaries (RRC: beta CDFs per row, member,
    # class and integration point) are computed block by block of DSEL rows.
    X, y, pool = data
    X_dsel, y_dsel = X[2000:22_000], y[2000:22_000]
    whole = getattr(E, name)(pool).fit(X_dsel, y_dsel)
    with config_context(working_memory=1):
        blocked, peak = _traced(lambda: getattr(E, name)(pool).fit(X_dsel, y_dsel))
    assert_array_equal(blocked.C_src_, whole.C_src_)
    assert peak < 3 * whole.dsel_scores_.nbytes
