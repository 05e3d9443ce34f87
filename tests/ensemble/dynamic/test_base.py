"""The shared machinery of dynamic selection: pools, labels, DSEL, search, batches."""

import pickle
import warnings

import numpy as np
import pandas as pd
import pytest
from joblib import parallel_config
from numpy.testing import assert_allclose, assert_array_equal
from scipy.stats import mode
from sklearn import config_context
from sklearn.base import BaseEstimator, ClassifierMixin, clone
from sklearn.datasets import make_classification
from sklearn.ensemble import BaggingClassifier, RandomForestClassifier
from sklearn.frozen import FrozenEstimator
from sklearn.linear_model import LogisticRegression, Perceptron
from sklearn.model_selection import GridSearchCV, train_test_split
from sklearn.naive_bayes import GaussianNB
from sklearn.neighbors import KNeighborsClassifier, NearestNeighbors
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.tree import DecisionTreeClassifier

from skextra.ensemble import (
    DESP,
    KNOP,
    KNORAE,
    KNORAU,
    MCB,
    METADES,
    OLA,
    Oracle,
    StackingClassifier,
    StaticSelection,
)
from skextra.ensemble._dynamic._kernels import dfp_mask, hardness
from skextra.ensemble._dynamic._neighbors import canonical_order


def _data(n=300, n_classes=3, seed=0):
    X, y = make_classification(
        n_samples=n,
        n_features=6,
        n_informative=4,
        n_classes=n_classes,
        n_clusters_per_class=1,
        flip_y=0.1,
        random_state=seed,
    )
    return X[: 2 * n // 3], y[: 2 * n // 3], X[2 * n // 3 :], y[2 * n // 3 :]


def _reference_knorae(member_preds_dsel, y_dsel, member_preds_test, X_dsel, X_test, k):
    """KNORA-E written plainly, one test row at a time (labels as given)."""
    nn = NearestNeighbors(n_neighbors=k).fit(X_dsel)
    _, neighbors = nn.kneighbors(X_test)
    out = []
    for row, nbrs in enumerate(neighbors):
        preds = member_preds_test[row]
        if all(p == preds[0] for p in preds):
            out.append(preds[0])
            continue
        competence = []
        for m in range(member_preds_dsel.shape[1]):
            run = 0
            for j in nbrs:
                if member_preds_dsel[j, m] != y_dsel[j]:
                    break
                run += 1
            competence.append(run)
        best = max(competence)
        votes = {}
        for m, c in enumerate(competence):
            if c == best:
                votes[preds[m]] = votes.get(preds[m], 0) + 1
        top = max(votes.values())
        out.append(min(label for label, v in votes.items() if v == top))
    return np.array(out)


class _Constant(ClassifierMixin, BaseEstimator):
    """Predicts one label whatever the input; knows ``classes``."""

    def __init__(self, label=0, classes=(0, 1, 2)):
        self.label = label
        self.classes = classes

    def fit(self, X, y=None):
        self.classes_ = np.asarray(self.classes)
        self.n_features_in_ = np.asarray(X).shape[1]
        return self

    def predict(self, X):
        return np.full(np.asarray(X).shape[0], self.label)

    def predict_proba(self, X):
        proba = np.zeros((np.asarray(X).shape[0], len(self.classes_)))
        proba[:, list(self.classes_).index(self.label)] = 1.0
        return proba


# ----------------------------------------------------------------------------
# Pools of every kind
# ----------------------------------------------------------------------------


def test_fitted_pool_of_mixed_libraries_matches_plain_reference():
    lgb = pytest.importorskip("lightgbm")
    xgb = pytest.importorskip("xgboost")
    X_dsel, y_dsel, X_test, _ = _data()
    X_train, y_train = X_dsel[:100], y_dsel[:100]
    pool = [
        LogisticRegression().fit(X_train, y_train),
        DecisionTreeClassifier(max_depth=3, random_state=0).fit(X_train, y_train),
        GaussianNB().fit(X_train, y_train),
        lgb.LGBMClassifier(n_estimators=5, verbose=-1, random_state=0).fit(
            X_train, y_train
        ),
        xgb.XGBClassifier(n_estimators=5, max_depth=2, random_state=0).fit(
            X_train, y_train
        ),
    ]
    est = KNORAE(pool).fit(X_dsel, y_dsel)
    pd_ = np.column_stack([m.predict(X_dsel) for m in pool])
    pt = np.column_stack([m.predict(X_test) for m in pool])
    expected = _reference_knorae(pd_, y_dsel, pt, X_dsel, X_test, 7)
    assert_array_equal(est.predict(X_test), expected)
    assert est.pool_classifiers_ is not pool and est.members_[3] is pool[3]


def test_string_labels_and_pandas_with_members_fitted_on_strings():
    X_dsel, y_dsel, X_test, _ = _data()
    names = np.array(["ant", "bee", "cow"])
    cols = [f"f{i}" for i in range(X_dsel.shape[1])]
    Xd, Xt = pd.DataFrame(X_dsel, columns=cols), pd.DataFrame(X_test, columns=cols)
    pool = [
        LogisticRegression().fit(Xd[:100], names[y_dsel[:100]]),
        DecisionTreeClassifier(max_depth=3, random_state=0).fit(
            Xd[:100], names[y_dsel[:100]]
        ),
        GaussianNB().fit(Xd[:100], names[y_dsel[:100]]),
    ]
    with warnings.catch_warnings():
        # members fitted with feature names get a DataFrame, not an array
        warnings.simplefilter("error", UserWarning)
        est = KNORAE(pool).fit(Xd, names[y_dsel])
        pred = est.predict(Xt)
    assert_array_equal(est.feature_names_in_, cols)
    pd_ = np.column_stack([m.predict(Xd) for m in pool])
    pt = np.column_stack([m.predict(Xt) for m in pool])
    expected = _reference_knorae(pd_, names[y_dsel], pt, X_dsel, X_test, 7)
    assert_array_equal(pred, expected)
    assert_array_equal(est.classes_, names)


def test_stacking_members_as_pool_map_their_encoded_labels():
    X_dsel, y_dsel, X_test, _ = _data()
    names = np.array(["ant", "bee", "cow"])
    stack = StackingClassifier(
        [
            ("lr", LogisticRegression()),
            ("tree", DecisionTreeClassifier(max_depth=3, random_state=0)),
            ("nb", GaussianNB()),
        ],
        cv=3,
    ).fit(X_dsel[:100], names[y_dsel[:100]])
    est = KNORAE(stack).fit(X_dsel, names[y_dsel])
    # members of a stacking predict class positions; the reference maps them
    pd_ = np.column_stack(
        [stack.classes_[m.predict(X_dsel)] for m in stack.estimators_]
    )
    pt = np.column_stack([stack.classes_[m.predict(X_test)] for m in stack.estimators_])
    expected = _reference_knorae(pd_, names[y_dsel], pt, X_dsel, X_test, 7)
    assert_array_equal(est.predict(X_test), expected)


def test_unfitted_list_pool_is_fitted_on_the_training_part_only():
    X, y, X_test, _ = _data()
    pool = [LogisticRegression(), DecisionTreeClassifier(max_depth=3)]
    est = KNORAE(pool, random_state=0).fit(X, y)
    rows = np.arange(len(y))
    train, dsel = train_test_split(
        rows, test_size=0.5, random_state=np.random.RandomState(0)
    )
    assert_array_equal(est.DSEL_data_, X[dsel])
    assert_array_equal(est.classes_[est.DSEL_target_], y[dsel])
    assert not hasattr(pool[0], "coef_")  # the user's estimators are not fitted
    lr = LogisticRegression().fit(X[train], y[train])
    assert_allclose(est.members_[0].coef_, lr.coef_)
    # the same fit twice, and for any n_jobs / joblib backend
    again = KNORAE(pool, random_state=0, n_jobs=2)
    with parallel_config(backend="threading"):
        again.fit(X, y)
    assert_array_equal(again.predict(X_test), est.predict(X_test))
    assert_array_equal(
        est.members_[1].predict(X_test), again.members_[1].predict(X_test)
    )


def test_default_pool_same_for_any_n_jobs():
    X, y, X_test, _ = _data()
    one = KNORAU(random_state=3, n_jobs=1).fit(X, y)
    two = KNORAU(random_state=3, n_jobs=2).fit(X, y)
    assert_array_equal(one.predict_proba(X_test), two.predict_proba(X_test))
    assert one.n_classifiers_ == 10
    assert isinstance(one.pool_classifiers_, BaggingClassifier)


def test_pool_as_a_grid_search_parameter_and_frozen_pool():
    X, y, _, _ = _data()
    search = GridSearchCV(
        KNORAE(random_state=0),
        {"pool_classifiers": [None, [LogisticRegression(), GaussianNB()]], "k": [3, 7]},
        cv=3,
    ).fit(X, y)
    assert set(search.cv_results_["param_k"]) == {3, 7}
    assert search.best_estimator_.n_classifiers_ in (2, 10)
    fitted = BaggingClassifier(DecisionTreeClassifier(max_depth=3), random_state=0).fit(
        X[:80], y[:80]
    )
    frozen = KNORAE(FrozenEstimator(fitted))
    cloned = clone(frozen).fit(X, y)  # a frozen pool survives clone()
    plain = KNORAE(fitted).fit(X, y)
    assert_array_equal(cloned.predict(X), plain.predict(X))
    assert cloned.n_samples_ == len(y)


def test_pipeline_and_pickle():
    X, y, X_test, _ = _data()
    pipe = make_pipeline(StandardScaler(), KNORAE(random_state=0)).fit(X, y)
    restored = pickle.loads(pickle.dumps(pipe))
    assert_array_equal(restored.predict(X_test), pipe.predict(X_test))


# ----------------------------------------------------------------------------
# Prediction in batches, ties and random choices
# ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "est",
    [
        KNORAE(random_state=0, DFP=True),
        KNORAU(random_state=0, with_IH=True),
        MCB(random_state=4),
        OLA(selection_method="random", random_state=2),
        METADES(random_state=0),
    ],
    ids=lambda e: type(e).__name__,
)
def test_batches_give_the_same_predictions(est):
    X, y, X_test, _ = _data()
    est.fit(X, y)
    pred, proba = est.predict(X_test), est.predict_proba(X_test)
    assert est._batch_size() > len(X_test)
    with config_context(working_memory=0.02):  # about 100 rows a batch
        assert est._batch_size() < len(X_test)
        assert_array_equal(est.predict(X_test), pred)
        assert_allclose(est.predict_proba(X_test), proba)
    assert_array_equal(est.predict(X_test), pred)  # random draws restart per call


def test_equally_distant_neighbours_are_ordered_by_index():
    dist = np.array([[0.0, 2.0, 1.0, 1.0]])
    ind = np.array([[7, 1, 9, 3]])
    d, i = canonical_order(dist, ind)
    assert_array_equal(i, [[7, 3, 9, 1]])
    assert_array_equal(d, [[0.0, 1.0, 1.0, 2.0]])


def test_all_zero_weights_fall_back_to_a_plain_vote():
    # DSEL holds only class 0 and every member always predicts 1 or 2, so
    # every member has competence 0 everywhere; DESlib returns NaN there.
    X = np.random.RandomState(0).normal(size=(30, 2))
    y = np.zeros(30, dtype=int)
    pool = [_Constant(1).fit(X), _Constant(1).fit(X), _Constant(2).fit(X)]
    est = KNORAU(pool).fit(X, y)
    assert_array_equal(est.predict(X[:3]), [1, 1, 1])
    assert_allclose(est.predict_proba(X[:1]), [[0.0, 2 / 3, 1 / 3]])
    desp = DESP(pool, mode="weighting", voting="soft").fit(X, y)
    assert_allclose(desp.predict_proba(X[:1]).sum(), 1.0)
    assert desp.predict(X[:1])[0] == 1


# ----------------------------------------------------------------------------
# Sampler: only the pool's training part is resampled
# ----------------------------------------------------------------------------


def test_sampler_resamples_the_pool_training_part_only():
    from imblearn.under_sampling import RandomUnderSampler

    X, y = make_classification(n_samples=400, weights=[0.85, 0.15], random_state=0)
    est = KNORAE(
        [DecisionTreeClassifier(random_state=0), GaussianNB()],
        sampler=RandomUnderSampler(random_state=0),
        random_state=1,
    ).fit(X, y)
    train, dsel = train_test_split(
        np.arange(400), test_size=0.5, random_state=np.random.RandomState(1)
    )
    # DSEL is untouched: the same rows, the same labels, the same imbalance
    assert_array_equal(est.DSEL_data_, X[dsel])
    assert_array_equal(est.DSEL_target_, y[dsel])
    # the members saw a balanced training part drawn from the training rows
    root_counts = (
        est.members_[0].tree_.value[0, 0]
        * est.members_[0].tree_.weighted_n_node_samples[0]
    )
    minority = np.bincount(y[train]).min()
    assert_allclose(root_counts, [minority, minority])
    assert_allclose(est.members_[1].class_count_, [minority, minority])
    with pytest.warns(UserWarning, match="sampler is ignored"):
        KNORAE([m for m in est.members_], sampler=RandomUnderSampler()).fit(X, y)


# ----------------------------------------------------------------------------
# Neighbour search
# ----------------------------------------------------------------------------


class _BruteSearch:
    """A user's searcher: brute force with NumPy."""

    def fit(self, X):
        self.X_ = np.asarray(X)
        return self

    def kneighbors(self, X, n_neighbors, return_distance=True):
        d = np.sqrt(((np.asarray(X)[:, None, :] - self.X_[None]) ** 2).sum(-1))
        ind = np.argsort(d, axis=1, kind="stable")[:, :n_neighbors]
        return np.take_along_axis(d, ind, axis=1), ind


@pytest.mark.parametrize(
    "searcher", [_BruteSearch(), KNeighborsClassifier, "knn", None]
)
def test_exchangeable_neighbour_search(searcher):
    X, y, X_test, _ = _data()
    ref = KNORAE(random_state=0).fit(X, y)
    est = KNORAE(random_state=0, knn_classifier=searcher).fit(X, y)
    assert_array_equal(est.predict(X_test), ref.predict(X_test))


def test_unknown_searcher_name():
    X, y, _, _ = _data()
    with pytest.raises(ValueError, match="knn_classifier='annoy' is not a known"):
        KNORAE(knn_classifier="annoy").fit(X, y)


def test_mahalanobis_neighbours_match_scikit_learn():
    rng = np.random.RandomState(0)
    X, X_test = rng.normal(size=(200, 5)), rng.normal(size=(40, 5))
    X, X_test = [a * [1, 10, 0.1, 1, 3] + a[:, :1] for a in (X, X_test)]  # correlated
    y = (X[:, 0] + X[:, 1] > 0).astype(int)
    est = KNORAE(random_state=0, knn_metric="mahalanobis").fit(X, y)
    VI = np.linalg.inv(np.cov(est.DSEL_data_, rowvar=False))
    ref = NearestNeighbors(
        n_neighbors=7, metric="mahalanobis", metric_params={"VI": VI}, algorithm="brute"
    ).fit(est.DSEL_data_)
    d_ref, i_ref = ref.kneighbors(X_test)
    d, i = est.roc_algorithm_.kneighbors(X_test, n_neighbors=7)
    assert_array_equal(i, i_ref)
    assert_allclose(d, d_ref, rtol=1e-7)


# ----------------------------------------------------------------------------
# Kernels against their definitions written plainly
# ----------------------------------------------------------------------------


def test_dfp_mask_matches_the_definition():
    rng = np.random.RandomState(0)
    y = rng.randint(0, 3, size=50)
    hits = rng.uniform(size=(50, 6)) < 0.6
    neighbors = rng.randint(0, 50, size=(40, 7))
    neighbors[0] = np.flatnonzero(y == 1)[:7]  # a one-class region
    expected = np.zeros((40, 6))
    for s, nbrs in enumerate(neighbors):
        if len(set(y[nbrs])) == 1:
            expected[s] = 1
            continue
        for m in range(6):
            if len(set(y[nbrs][hits[nbrs, m]])) > 1:
                expected[s, m] = 1
        if not expected[s].any():
            expected[s] = 1
    assert_array_equal(dfp_mask(neighbors, y, hits), expected)


def test_hardness_matches_scipy_mode():
    rng = np.random.RandomState(1)
    y = rng.randint(0, 4, size=60)
    neighbors = rng.randint(0, 60, size=(30, 9))
    h, majority, _ = hardness(neighbors, y, 5, 4)
    m, count = mode(y[neighbors[:, :5]], axis=1)
    assert_array_equal(majority, m.ravel())
    assert_allclose(h, (5 - count.ravel()) / 5)


# ----------------------------------------------------------------------------
# Bad input
# ----------------------------------------------------------------------------


def test_pool_of_one_member():
    X, y, _, _ = _data()
    with pytest.raises(ValueError, match="at least 2 classifiers, got 1"):
        KNORAE([LogisticRegression().fit(X, y)]).fit(X, y)


def test_pool_fitted_on_other_features():
    X, y, _, _ = _data()
    pool = [LogisticRegression().fit(X[:, :4], y), GaussianNB().fit(X, y)]
    with pytest.raises(
        ValueError,
        match=r"pool member 0 \(LogisticRegression\) was "
        "fitted on 4 features, but X has 6",
    ):
        KNORAE(pool).fit(X, y)


def test_k_larger_than_dsel_uses_all_dsel():
    X, y, X_test, _ = _data()
    pool = [LogisticRegression().fit(X, y), GaussianNB().fit(X, y)]
    with pytest.warns(RuntimeWarning, match="k=50 is larger than DSEL"):
        est = KNORAU(pool, k=50).fit(X[:20], y[:20])
    assert est.k_ == 20
    ref = KNORAU(pool, k=20).fit(X[:20], y[:20])
    assert_array_equal(est.predict_proba(X_test), ref.predict_proba(X_test))


def test_dsel_class_no_member_predicts():
    X, y, X_test, _ = _data()
    keep = y < 2
    pool = [
        LogisticRegression().fit(X[keep], y[keep]),
        DecisionTreeClassifier(max_depth=2).fit(X[keep], y[keep]),
    ]
    with pytest.warns(
        UserWarning, match=r"No member of the pool predicts the classes \[2\]"
    ):
        est = KNORAE(pool).fit(X, y)
    assert_array_equal(est.classes_, [0, 1, 2])
    proba = est.predict_proba(X_test)
    assert proba.shape == (len(X_test), 3)
    assert_allclose(proba[:, 2], 0.0)


def test_members_predicting_other_labels_than_y():
    X, y, _, _ = _data()
    names = np.array(["ant", "bee", "cow"])
    pool = [LogisticRegression().fit(X, y), GaussianNB().fit(X, y)]
    with pytest.raises(ValueError, match="another type than y"):
        KNORAE(pool).fit(X, names[y])


@pytest.mark.parametrize(
    ("pool", "match"),
    [
        ([], "empty list"),
        ([LogisticRegression(), "fitted"], "mixes fitted and unfitted"),
    ],
)
def test_bad_pools(pool, match):
    X, y, _, _ = _data()
    if pool and pool[1] == "fitted":
        pool = [pool[0], GaussianNB().fit(X, y)]
    with pytest.raises(ValueError, match=match):
        KNORAE(pool).fit(X, y)


def test_safe_k_larger_than_k():
    X, y, _, _ = _data()
    with pytest.raises(ValueError, match="safe_k must be <= k"):
        KNORAE(k=5, safe_k=7, with_IH=True).fit(X, y)


def test_members_without_probabilities():
    X, y, X_test, _ = _data()
    pool = [
        Perceptron(random_state=0).fit(X, y),
        Perceptron(random_state=1, alpha=0.1).fit(X, y),
    ]
    est = KNORAE(pool).fit(X, y)
    assert est.predict(X_test).shape == (len(X_test),)
    assert not hasattr(est, "predict_proba")
    with pytest.raises(
        ValueError, match=r"KNOP needs probability estimates, but pool member 0"
    ):
        KNOP(pool).fit(X, y)


# ----------------------------------------------------------------------------
# Static baselines
# ----------------------------------------------------------------------------


def test_oracle_definition_and_pool_vote_without_labels():
    X, y, X_test, y_test = _data()
    pool = [
        LogisticRegression().fit(X[:60], y[:60]),
        GaussianNB().fit(X[:60], y[:60]),
        DecisionTreeClassifier(max_depth=2, random_state=0).fit(X[:60], y[:60]),
    ]
    oracle = Oracle(pool).fit(X, y)
    preds = np.column_stack([m.predict(X_test) for m in pool])
    assert oracle.score(X_test, y_test) == pytest.approx(
        (preds == y_test[:, None]).any(axis=1).mean()
    )
    votes = np.array([np.bincount(r, minlength=3).argmax() for r in preds])
    assert_array_equal(oracle.predict(X_test), votes)


def test_static_selection_scoring_and_at_least_one_member():
    X, y, X_test, _ = _data()
    pool = [
        LogisticRegression().fit(X[:60], y[:60]),
        GaussianNB().fit(X[:60], y[:60]),
        DecisionTreeClassifier(max_depth=2, random_state=0).fit(X[:60], y[:60]),
    ]
    est = StaticSelection(pool, pct_classifiers=0.1, scoring="balanced_accuracy").fit(
        X, y
    )
    from sklearn.metrics import balanced_accuracy_score

    scores = [balanced_accuracy_score(y, m.predict(X)) for m in pool]
    assert est.clf_indices_.tolist() == [int(np.argmax(scores))]
    assert_array_equal(
        est.predict(X_test), pool[int(np.argmax(scores))].predict(X_test)
    )


def test_forest_pool_members_encoded_labels():
    X, y, X_test, _ = _data()
    names = np.array(["ant", "bee", "cow"])
    forest = RandomForestClassifier(n_estimators=5, max_depth=3, random_state=0).fit(
        X[:80], names[y[:80]]
    )
    est = KNORAE(forest).fit(X, names[y])
    pd_ = np.column_stack(
        [forest.classes_[t.predict(X).astype(int)] for t in forest.estimators_]
    )
    pt = np.column_stack(
        [forest.classes_[t.predict(X_test).astype(int)] for t in forest.estimators_]
    )
    assert_array_equal(
        est.predict(X_test), _reference_knorae(pd_, names[y], pt, X, X_test, 7)
    )


def test_unfitted_ensemble_pool_is_fitted_on_the_training_part():
    X, y, X_test, _ = _data()
    bagging = BaggingClassifier(DecisionTreeClassifier(max_depth=3), n_estimators=6)
    est = KNORAE(bagging, random_state=0).fit(X, y)
    assert not hasattr(bagging, "estimators_") and est.n_classifiers_ == 6
    train, dsel = train_test_split(
        np.arange(len(y)), test_size=0.5, random_state=np.random.RandomState(0)
    )
    assert_array_equal(est.DSEL_data_, X[dsel])
    again = KNORAE(bagging, random_state=0).fit(X, y)  # seeded from random_state
    assert_array_equal(again.predict(X_test), est.predict(X_test))


def test_skops_round_trip():
    sio = pytest.importorskip("skops.io")
    X, y, X_test, _ = _data()
    est = KNORAU(random_state=0, DFP=True).fit(X, y)
    dumped = sio.dumps(est)
    loaded = sio.loads(dumped, trusted=sio.get_untrusted_types(data=dumped))
    assert_array_equal(loaded.predict_proba(X_test), est.predict_proba(X_test))


@pytest.mark.parametrize("estimator", [KNORAE, DESP, KNORAU])
def test_soft_voting_needs_members_with_predict_proba(estimator):
    X, y = make_classification(n_samples=60, random_state=0)
    pool = [Perceptron(random_state=i).fit(X, y) for i in range(3)]
    estimator(pool_classifiers=pool, voting="hard").fit(X, y)
    with pytest.raises(ValueError, match="voting='soft' needs probability"):
        estimator(pool_classifiers=pool, voting="soft").fit(X, y)


class _DuckClassifier:
    """A fitted classifier that is not a BaseEstimator (no scikit-learn tags)."""

    def __init__(self, model):
        self.model = model
        self.classes_ = model.classes_

    def fit(self, X, y):
        return self

    def predict(self, X):
        return self.model.predict(X)

    def predict_proba(self, X):
        return self.model.predict_proba(X)


def test_fitted_members_without_scikit_learn_tags_are_used_as_given():
    X, y = make_classification(n_samples=80, random_state=0)
    pool = [
        DecisionTreeClassifier(max_depth=2, random_state=i).fit(X, y) for i in range(3)
    ]
    reference = KNORAU(pool_classifiers=pool).fit(X, y)
    duck = KNORAU(pool_classifiers=[_DuckClassifier(m) for m in pool]).fit(X, y)
    assert_array_equal(duck.predict(X), reference.predict(X))
