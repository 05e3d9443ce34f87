"""Work the dynamic-selection machinery skips or shares, and proof that the
results stay those of the plain computation."""

from unittest import mock

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_array_equal
from sklearn.datasets import make_classification
from sklearn.ensemble import BaggingClassifier
from sklearn.linear_model import LogisticRegression
from sklearn.naive_bayes import GaussianNB
from sklearn.tree import DecisionTreeClassifier
from threadpoolctl import threadpool_info

from skextra.ensemble import (
    DESKNN,
    KNOP,
    KNORAE,
    KNORAU,
    METADES,
    RRC,
    Oracle,
    SingleBest,
    StaticSelection,
)
from skextra.ensemble._dynamic import _base
from skextra.ensemble._dynamic._metades import (
    _BINS,
    binned_meta_features,
    meta_features,
)
from skextra.ensemble._dynamic._neighbors import (
    ExactNeighbors,
    _one_thread,
    canonical_order,
)


def _data(n=450, seed=0):
    X, y = make_classification(
        n_samples=n,
        n_features=6,
        n_informative=4,
        n_classes=3,
        n_clusters_per_class=1,
        flip_y=0.1,
        random_state=seed,
    )
    return X[:150], y[:150], X[150:350], y[150:350], X[350:], y[350:]


def _pool(X, y):
    return [
        GaussianNB().fit(X, y),
        LogisticRegression().fit(X[:60], y[:60]),
        DecisionTreeClassifier(max_depth=2, random_state=0).fit(X, y),
    ]


def _spy(cls, name):
    original = getattr(cls, name)
    return mock.patch.object(cls, name, autospec=True, side_effect=original)


# ---------------------------------------------------------------------------
# DSEL predictions only for the methods that read them
# ---------------------------------------------------------------------------


def test_fit_predicts_the_pool_on_dsel_only_where_the_method_reads_it():
    X_tr, y_tr, X, y, _, _ = _data()
    pool = _pool(X_tr, y_tr)
    with _spy(GaussianNB, "predict") as spy:
        oracle = Oracle(pool).fit(X, y)
        assert spy.call_count == 0
        assert not hasattr(oracle, "BKS_DSEL_")
        assert not hasattr(oracle, "DSEL_processed_")

        knorae = KNORAE(pool).fit(X, y)
        assert spy.call_count == 1
        assert_array_equal(knorae.BKS_DSEL_[:, 0], pool[0].predict(X))

        best = SingleBest(pool).fit(X, y)  # accuracy read from DSEL_processed_
        assert hasattr(best, "DSEL_processed_")
        scored = SingleBest(pool, scoring="balanced_accuracy").fit(X, y)
        assert not hasattr(scored, "DSEL_processed_")
        static = StaticSelection(pool, scoring="accuracy").fit(X, y)
        assert not hasattr(static, "BKS_DSEL_")
    accuracy = [np.mean(m.predict(X) == y) for m in pool]
    assert best.best_clf_index_ == int(np.argmax(accuracy))
    assert static.performances_.tolist() == pytest.approx(accuracy)


def test_oracle_predicts_with_the_first_right_member_and_asks_later_members_less():
    X_tr, y_tr, _, _, X_test, y_test = _data()
    pool = _pool(X_tr, y_tr)
    oracle = Oracle(pool).fit(X_tr, y_tr)
    preds = np.column_stack([m.predict(X_test) for m in pool])
    expected = []
    for row, truth in zip(preds, y_test):
        right = np.flatnonzero(row == truth)
        expected.append(row[right[0]] if right.size else row[0])
    assert (~(preds == y_test[:, None]).any(axis=1)).sum() > 0  # rows nobody gets
    # Tree members' classes are read from the leaves they send the rows to.
    with _spy(_base.BaseDynamicSelection, "_tree_leaves") as spy:
        got = oracle.predict(X_test, y_test)
    assert_array_equal(got, expected)
    # The last member only sees the rows the first two got wrong.
    n_wrong = int(((preds[:, 0] != y_test) & (preds[:, 1] != y_test)).sum())
    assert spy.call_args.args[1] == 2
    assert spy.call_args.args[2].shape[0] == n_wrong
    names = [f"f{i}" for i in range(X_test.shape[1])]
    frame_pool = _pool(pd.DataFrame(X_tr, columns=names), y_tr)
    frame_oracle = Oracle(frame_pool).fit(pd.DataFrame(X_tr, columns=names), y_tr)
    assert_array_equal(
        frame_oracle.predict(pd.DataFrame(X_test, columns=names), y_test), expected
    )


# ---------------------------------------------------------------------------
# Decision-tree members: one float32 copy, no per-member validation
# ---------------------------------------------------------------------------


def _tree_pools(X, y):
    names = [f"f{i}" for i in range(X.shape[1])]
    frame = pd.DataFrame(X, columns=names)
    trees = [
        DecisionTreeClassifier(max_depth=d, random_state=d).fit(X, y) for d in (2, 4, 6)
    ]
    subspaces = BaggingClassifier(
        DecisionTreeClassifier(max_depth=4),
        n_estimators=4,
        max_features=0.6,
        random_state=0,
    ).fit(X, y)
    named = [
        DecisionTreeClassifier(max_depth=d, random_state=d).fit(frame, y)
        for d in (2, 4)
    ] + [LogisticRegression().fit(frame, y)]
    return {
        "trees": (trees, False),
        "subspaces": (subspaces, False),
        "named": (named, True),
    }


@pytest.mark.parametrize("sorted_rows", [True, False])
@pytest.mark.parametrize("pool_name", ["trees", "subspaces", "named"])
@pytest.mark.parametrize("cls", [KNORAU, METADES, RRC, Oracle])
def test_tree_members_give_the_same_outputs_without_per_member_checks(
    monkeypatch, cls, pool_name, sorted_rows
):
    # sorted_rows: the trees get the rows ordered by the first tree's leaves.
    monkeypatch.setattr(_base, "_SORTED_TREE_ROWS", 1 if sorted_rows else 10**9)
    X_tr, y_tr, X, y, X_test, y_test = _data()
    pool, named = _tree_pools(X_tr, y_tr)[pool_name]
    if named:
        columns = [f"f{i}" for i in range(X.shape[1])]
        X, X_test = (
            pd.DataFrame(X, columns=columns),
            pd.DataFrame(X_test, columns=columns),
        )
    args = (X_test, y_test) if cls is Oracle else (X_test,)
    tree_rows = []
    tree_input = _base.BaseDynamicSelection._tree_input

    def record(self, i, X, shared):
        tree_rows.append(tree_input(self, i, X, shared))
        return tree_rows[-1]

    with monkeypatch.context() as patch:
        patch.setattr(_base.BaseDynamicSelection, "_tree_input", record)
        with _spy(DecisionTreeClassifier, "predict_proba") as spy:
            fast = cls(pool, random_state=0).fit(X, y)
            fast_outputs = [fast.predict(*args), fast.predict_proba(*args)]
    # Plain trees are read from the leaves they send the rows to.
    assert spy.call_count == 0
    assert tree_rows[-1].dtype == np.float32
    if pool_name != "subspaces":
        in_order = np.array_equal(tree_rows[-1], np.asarray(X_test, np.float32))
        assert in_order != sorted_rows
    is_tree = [isinstance(m, DecisionTreeClassifier) for m in fast.members_]
    assert fast._tree_members_ == is_tree

    monkeypatch.setattr(_base, "_unchecked_tree", lambda cls: False)
    plain = cls(pool, random_state=0).fit(X, y)
    assert not any(plain._tree_members_)
    for got, want in zip(
        fast_outputs, [plain.predict(*args), plain.predict_proba(*args)]
    ):
        assert_array_equal(got, want)


def test_trees_fitted_on_other_feature_names_keep_their_checks():
    X_tr, y_tr, X, y, _, _ = _data()
    tree = DecisionTreeClassifier(max_depth=3, random_state=0).fit(
        pd.DataFrame(X_tr, columns=list("abcdef")), y_tr
    )
    other = DecisionTreeClassifier(max_depth=2, random_state=0).fit(
        pd.DataFrame(X_tr, columns=list("fedcba")), y_tr
    )
    with pytest.raises(ValueError, match="feature names should match"):
        KNORAE([tree, other]).fit(pd.DataFrame(X, columns=list("abcdef")), y)
    with pytest.warns(UserWarning, match="does not have valid feature names"):
        est = KNORAE([tree, other]).fit(X, y)
    assert est._tree_members_ == [False, False]


# ---------------------------------------------------------------------------
# Neighbour searches: none that the competence does not read
# ---------------------------------------------------------------------------


def test_knop_searches_the_feature_space_only_for_dfp_and_hardness():
    X_tr, y_tr, X, y, X_test, _ = _data()
    pool = _pool(X_tr, y_tr)
    plain = KNOP(pool).fit(X, y)
    assert not hasattr(plain, "roc_algorithm_")
    with _spy(ExactNeighbors, "kneighbors") as spy:
        plain.predict(X_test)
    assert [c.args[0] for c in spy.call_args_list] == [plain.op_knn_]
    for params in ({"DFP": True}, {"with_IH": True}):
        est = KNOP(pool, **params).fit(X, y)
        assert isinstance(est.roc_algorithm_, ExactNeighbors)
        with _spy(ExactNeighbors, "kneighbors") as spy:
            est.predict(X_test)
        assert est.roc_algorithm_ in [c.args[0] for c in spy.call_args_list]


def test_canonical_order_only_reorders_rows_with_ties_or_disorder():
    rng = np.random.RandomState(0)
    dist = np.sort(rng.randint(0, 4, size=(200, 6)).astype(float), axis=1)
    ind = np.array([rng.permutation(50)[:6] for _ in range(200)])
    d, i = canonical_order(dist, ind)
    order = [np.lexsort((r_i, r_d)) for r_d, r_i in zip(dist, ind)]
    assert_array_equal(i, np.take_along_axis(ind, np.array(order), axis=1))
    assert_array_equal(d, np.sort(dist, axis=1))
    # An already canonical result comes back as it is.
    d2, i2 = canonical_order(d, i)
    assert d2 is d and i2 is i


def test_one_thread_limits_blas_and_openmp():
    with _one_thread():
        assert {info["num_threads"] for info in threadpool_info()} == {1}


# ---------------------------------------------------------------------------
# META-DES: the naive Bayes input without binning every meta-feature
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("k, kp", [(7, 5), (1, 1), (3, 9)])
def test_binned_meta_features_are_the_digitized_meta_features(k, kp):
    rng = np.random.RandomState(k)
    n_dsel, m, n = 40, 6, 25
    processed = rng.rand(n_dsel, m) > 0.4
    true_proba = np.round(rng.rand(n_dsel, m), rng.choice([1, 2, 8]))
    true_proba[:5] = [0.0, 0.1, 0.7, 1.0, 0.3][:m] + [0.5] * (m - 5)
    neighbors = rng.randint(0, n_dsel, size=(n, k))
    op_neighbors = rng.randint(0, n_dsel, size=(n, kp))
    max_proba = np.round(rng.rand(n, m), 1)
    expected = np.digitize(
        meta_features(processed, true_proba, neighbors, op_neighbors, max_proba), _BINS
    )
    got = binned_meta_features(
        processed, np.digitize(true_proba, _BINS), neighbors, op_neighbors, max_proba
    )
    assert_array_equal(got, expected)


def test_device_parameter_reaches_the_neighbour_search_of_every_method():
    X_tr, y_tr, X, y, _, _ = _data()
    for cls in (RRC, DESKNN):
        est = cls(_pool(X_tr, y_tr), device="cpu", knn_classifier="gpu").fit(X, y)
        assert type(est.roc_algorithm_).__name__ == "GPUNeighbors"
        assert est.roc_algorithm_.device_ == "cpu"
