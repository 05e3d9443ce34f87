"""Bagging with resampled bags: what each member sees, and how it predicts."""

import numpy as np
import pandas as pd
import pytest
from imblearn import FunctionSampler
from imblearn.ensemble import BalancedBaggingClassifier as ImbBalancedBagging
from imblearn.over_sampling import SMOTE
from imblearn.pipeline import Pipeline
from imblearn.under_sampling import RandomUnderSampler
from joblib import parallel_config
from scipy import sparse
from sklearn.base import BaseEstimator, ClassifierMixin, clone
from sklearn.datasets import make_classification
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import balanced_accuracy_score
from sklearn.model_selection import train_test_split
from sklearn.neighbors import KNeighborsClassifier, NearestNeighbors
from sklearn.preprocessing import StandardScaler
from sklearn.tree import DecisionTreeClassifier
from sklearn.utils import check_random_state

from skextra.resampling import (
    BalancedBaggingClassifier,
    OverBaggingClassifier,
    RoughlyBalancedBaggingClassifier,
    SMOTEBaggingClassifier,
    UnderBaggingClassifier,
)
from skextra.utils._random import MAX_SEED


class Recorder(ClassifierMixin, BaseEstimator):
    """Keeps the rows, labels and weights it is fitted on; predicts its prior."""

    def __init__(self, random_state=None):
        self.random_state = random_state

    def fit(self, X, y, sample_weight=None):
        X = X.toarray() if sparse.issparse(X) else X
        self.X_ = np.asarray(X, dtype=float)
        self.y_ = np.asarray(y)
        self.sample_weight_ = (
            None if sample_weight is None else np.asarray(sample_weight)
        )
        self.classes_, counts = np.unique(y, return_counts=True)
        self.prior_ = counts / counts.sum()
        return self

    def predict_proba(self, X):
        return np.tile(self.prior_, (len(X), 1))

    def predict(self, X):
        return self.classes_[np.argmax(self.predict_proba(X), axis=1)]


def imbalanced(sizes=(120, 40, 12), seed=0):
    """Column 0 is the row's index, so a member's rows can be traced back."""
    rng = np.random.RandomState(seed)
    y = np.repeat(np.arange(len(sizes)), sizes)
    X = np.column_stack([np.arange(y.size), rng.normal(size=(y.size, 3)) + y[:, None]])
    return X, y


def fitted_members(ensemble):
    """The fitted estimators, out of the ``Pipeline(sampler, classifier)`` members."""
    return [m[-1] if isinstance(m, Pipeline) else m for m in ensemble.estimators_]


def row_ids(member):
    return member.X_[:, 0]


def is_original(member, X, y):
    """Which of the member's rows are rows of ``X`` with their own label."""
    ids = row_ids(member)
    whole = np.isclose(ids, np.round(ids)) & (ids >= 0) & (ids < len(y))
    out = np.zeros(len(ids), dtype=bool)
    idx = np.round(ids[whole]).astype(int)
    out[whole] = np.all(X[idx] == member.X_[whole], axis=1) & (
        y[idx] == member.y_[whole]
    )
    return out


def assert_same_for_any_n_jobs(estimator, X, y):
    """Same random_state: identical predictions for n_jobs=1/2, loky and threads."""
    reference = clone(estimator).set_params(n_jobs=1).fit(X, y).predict_proba(X)
    for backend in ("loky", "threading"):
        with parallel_config(backend=backend):
            proba = clone(estimator).set_params(n_jobs=2).fit(X, y).predict_proba(X)
        np.testing.assert_array_equal(proba, reference)


# ---------------------------------------------------------------------------
# What the members see
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "ensemble",
    [UnderBaggingClassifier(Recorder()), BalancedBaggingClassifier(Recorder())],
)
def test_under_bags_are_balanced_real_rows(ensemble):
    X, y = imbalanced()
    ensemble.set_params(n_estimators=6, random_state=0).fit(X, y)
    for member in fitted_members(ensemble):
        np.testing.assert_array_equal(np.bincount(member.y_), [12, 12, 12])
        assert is_original(member, X, y).all()


def test_without_bootstrap_every_minority_row_is_in_every_bag():
    X, y = imbalanced()
    clf = UnderBaggingClassifier(
        Recorder(), n_estimators=4, bootstrap=False, random_state=0
    )
    clf.fit(X, y)
    for member in fitted_members(clf):
        ids = row_ids(member)
        np.testing.assert_array_equal(
            np.sort(ids[member.y_ == 2]), np.flatnonzero(y == 2)
        )
        assert np.unique(ids).size == ids.size


def test_bootstrap_keeps_class_sizes_and_draws_with_replacement():
    X, y = imbalanced()
    clf = OverBaggingClassifier(Recorder(), n_estimators=4, random_state=0).fit(X, y)
    for member in fitted_members(clf):
        np.testing.assert_array_equal(np.bincount(member.y_), [120, 120, 120])
        assert is_original(member, X, y).all()
        majority = row_ids(member)[member.y_ == 0]
        assert np.unique(majority).size < 120


def test_dict_strategy_uses_the_users_labels():
    X, y = imbalanced()
    labels = np.array(["maj", "mid", "min"])[y]
    clf = UnderBaggingClassifier(
        Recorder(),
        n_estimators=3,
        sampling_strategy={"maj": 30, "mid": 20},
        random_state=0,
    ).fit(X, labels)
    np.testing.assert_array_equal(clf.classes_, ["maj", "mid", "min"])
    for member in fitted_members(clf):
        np.testing.assert_array_equal(np.bincount(member.y_), [30, 20, 12])


def test_balanced_bagging_with_smote_synthesises_minority_rows():
    X, y = imbalanced()
    clf = BalancedBaggingClassifier(
        Recorder(),
        n_estimators=3,
        sampler=SMOTE(k_neighbors=3),
        bootstrap=False,
        random_state=0,
    ).fit(X, y)
    for member in fitted_members(clf):
        np.testing.assert_array_equal(np.bincount(member.y_), [120, 120, 120])
        original = is_original(member, X, y)
        np.testing.assert_array_equal(np.bincount(member.y_[original]), [120, 40, 12])


def test_smote_bagging_bootstraps_a_rate_and_synthesises_the_rest():
    X, y = imbalanced()
    clf = SMOTEBaggingClassifier(
        Recorder(), n_estimators=12, k_neighbors=3, random_state=0
    )
    clf.fit(X, y)
    expected_rates = [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0, 0.1, 0.2]
    np.testing.assert_allclose(clf.resampling_rates_, expected_rates)
    for rate, member in zip(expected_rates, clf.estimators_):
        np.testing.assert_array_equal(np.bincount(member.y_), [120, 120, 120])
        original = is_original(member, X, y)
        n_drawn = int(round(rate * 120))
        np.testing.assert_array_equal(
            np.bincount(member.y_[original], minlength=3), [120, n_drawn, n_drawn]
        )


def test_smote_bagging_custom_rates_need_no_neighbours_when_all_bootstrapped():
    X, y = imbalanced(sizes=(50, 3))
    clf = SMOTEBaggingClassifier(Recorder(), n_estimators=2, resampling_rates=[1.0])
    clf.fit(X, y)
    for member in fitted_members(clf):
        assert is_original(member, X, y).all()
        np.testing.assert_array_equal(np.bincount(member.y_), [50, 50])


class CountingNeighbors(NearestNeighbors):
    """NearestNeighbors that records the size of every set it is fitted on."""

    fitted_sizes = []

    def fit(self, X, y=None):
        CountingNeighbors.fitted_sizes.append(X.shape[0])
        return super().fit(X, y)


class PerBagSMOTE(SMOTE):
    """Plain SMOTE under another type: SMOTEBagging runs it in every bag."""


def test_smote_bagging_fits_each_class_neighbour_graph_once():
    X, y = imbalanced()
    CountingNeighbors.fitted_sizes.clear()
    sampler = SMOTE(k_neighbors=CountingNeighbors(n_neighbors=4))
    SMOTEBaggingClassifier(
        Recorder(), n_estimators=10, sampler=sampler, random_state=0
    ).fit(X, y)
    # One fit per over-sampled class (40 and 12 rows), not one per bag.
    assert sorted(CountingNeighbors.fitted_sizes) == [12, 40]


def test_smote_bagging_synthetic_rows_lie_between_a_row_and_its_neighbour():
    X, y = imbalanced()
    k = 3
    clf = SMOTEBaggingClassifier(Recorder(), n_estimators=5, k_neighbors=k)
    clf.fit(X, y)
    for member in fitted_members(clf):
        original = is_original(member, X, y)
        assert not original.all()
        for label in (1, 2):
            X_class = X[y == label]
            graph = NearestNeighbors(n_neighbors=k + 1).fit(X_class)
            neighbours = graph.kneighbors(X_class, return_distance=False)[:, 1:]
            start = np.repeat(X_class, k, axis=0)
            segment = X_class[neighbours.ravel()] - start
            for row in member.X_[~original & (member.y_ == label)]:
                t = np.einsum("ij,ij->i", row - start, segment) / np.einsum(
                    "ij,ij->i", segment, segment
                )
                gap = np.linalg.norm(start + t[:, None] * segment - row, axis=1)
                best = np.argmin(gap)
                assert gap[best] < 1e-9
                assert -1e-12 <= t[best] <= 1 + 1e-12


@pytest.mark.parametrize("as_sparse", [False, True])
@pytest.mark.parametrize("weighted", [False, True])
def test_smote_bagging_shared_graphs_make_the_bags_smote_makes_per_bag(
    as_sparse, weighted
):
    X, y = imbalanced()
    X = sparse.csr_matrix(X) if as_sparse else X
    weights = np.random.RandomState(2).uniform(0.5, 2.0, y.size) if weighted else None
    shared, per_bag = (
        SMOTEBaggingClassifier(
            Recorder(), n_estimators=6, sampler=sampler, random_state=0
        ).fit(X, y, sample_weight=weights)
        for sampler in (SMOTE(k_neighbors=3), PerBagSMOTE(k_neighbors=3))
    )
    for a, b in zip(shared.estimators_, per_bag.estimators_):
        np.testing.assert_array_equal(a.X_, b.X_)
        np.testing.assert_array_equal(a.y_, b.y_)
        if weighted:
            np.testing.assert_array_equal(a.sample_weight_, b.sample_weight_)


def test_roughly_balanced_bag_sizes_are_the_seeded_negative_binomial_draws():
    X, y = imbalanced(sizes=(300, 30))
    clf = RoughlyBalancedBaggingClassifier(Recorder(), n_estimators=20, random_state=7)
    clf.fit(X, y)
    seeds = check_random_state(7).randint(MAX_SEED, size=20)
    expected = [
        max(1, np.random.RandomState(s).negative_binomial(30, 0.5)) for s in seeds
    ]
    seen = [np.bincount(member.y_, minlength=2) for member in clf.estimators_]
    np.testing.assert_array_equal([s[0] for s in seen], expected)
    np.testing.assert_array_equal([s[1] for s in seen], [30] * 20)
    assert len(set(expected)) > 5


def test_roughly_balanced_majority_size_has_negative_binomial_moments():
    X, y = imbalanced(sizes=(300, 30))
    clf = RoughlyBalancedBaggingClassifier(Recorder(), n_estimators=400, random_state=0)
    clf.fit(X, y)
    sizes = np.array([np.sum(member.y_ == 0) for member in clf.estimators_])
    # NB(30, 0.5): mean 30, variance 60
    assert abs(sizes.mean() - 30) < 4 * np.sqrt(60 / 400)
    assert 45 < sizes.var() < 75


# ---------------------------------------------------------------------------
# Sample weights
# ---------------------------------------------------------------------------


def test_weights_follow_the_selected_rows():
    X, y = imbalanced()
    weights = np.random.RandomState(1).uniform(0.5, 2.0, size=y.size)
    clf = UnderBaggingClassifier(Recorder(), n_estimators=3, random_state=0)
    clf.fit(X, y, sample_weight=weights)
    for member in fitted_members(clf):
        np.testing.assert_array_equal(
            member.sample_weight_, weights[row_ids(member).astype(int)]
        )


def test_synthetic_rows_weigh_their_class_mean():
    X, y = imbalanced()
    weights = np.random.RandomState(1).uniform(0.5, 2.0, size=y.size)
    clf = BalancedBaggingClassifier(
        Recorder(),
        n_estimators=2,
        sampler=SMOTE(k_neighbors=3),
        bootstrap=False,
        random_state=0,
    ).fit(X, y, sample_weight=weights)
    for member in fitted_members(clf):
        original = is_original(member, X, y)
        ids = row_ids(member)[original].astype(int)
        np.testing.assert_array_equal(member.sample_weight_[original], weights[ids])
        for label in (1, 2):
            synthetic = ~original & (member.y_ == label)
            np.testing.assert_allclose(
                member.sample_weight_[synthetic], weights[y == label].mean()
            )


def test_sample_weight_refused_when_the_member_cannot_take_it():
    X, y = imbalanced()
    clf = UnderBaggingClassifier(KNeighborsClassifier())
    with pytest.raises(
        ValueError, match="KNeighborsClassifier does not accept sample_weight"
    ):
        clf.fit(X, y, sample_weight=np.ones(y.size))


def test_sample_weight_reaches_the_trees():
    X, y = imbalanced()
    weights = np.where(y == 2, 50.0, 1.0)
    plain = UnderBaggingClassifier(random_state=0).fit(X, y)
    weighted = UnderBaggingClassifier(random_state=0).fit(X, y, sample_weight=weights)
    tree_plain, tree_weighted = plain.estimators_[0], weighted.estimators_[0]
    np.testing.assert_array_equal(tree_plain.tree_.n_node_samples[0], 36)
    assert tree_weighted.tree_.weighted_n_node_samples[0] == 12 + 12 + 12 * 50


# ---------------------------------------------------------------------------
# Prediction
# ---------------------------------------------------------------------------


def test_predict_proba_and_decision_function_average_the_members():
    X, y = imbalanced()
    clf = BalancedBaggingClassifier(
        LogisticRegression(), n_estimators=4, random_state=0
    ).fit(X[:, 1:], y)
    members = clf.estimators_
    np.testing.assert_allclose(
        clf.predict_proba(X[:, 1:]),
        np.mean([m.predict_proba(X[:, 1:]) for m in members], axis=0),
    )
    np.testing.assert_allclose(
        clf.decision_function(X[:, 1:]),
        np.mean([m.decision_function(X[:, 1:]) for m in members], axis=0),
    )
    np.testing.assert_array_equal(
        clf.predict(X[:, 1:]), np.argmax(clf.predict_proba(X[:, 1:]), axis=1)
    )


def test_members_missing_a_class_give_it_zero_probability():
    X, y = imbalanced()

    def drop_last_class(X, y):
        keep = y != 2
        return X[keep], y[keep]

    clf = BalancedBaggingClassifier(
        DecisionTreeClassifier(),
        n_estimators=3,
        sampler=FunctionSampler(func=drop_last_class),
        random_state=0,
    ).fit(X, y)
    proba = clf.predict_proba(X)
    assert proba.shape == (y.size, 3)
    np.testing.assert_array_equal(proba[:, 2], 0.0)
    np.testing.assert_allclose(proba.sum(axis=1), 1.0)


def test_members_without_predict_proba_vote():
    X, y = imbalanced()
    from sklearn.svm import LinearSVC

    clf = UnderBaggingClassifier(LinearSVC(), n_estimators=5, random_state=0).fit(
        X[:, 1:], y
    )
    assert not hasattr(clf, "predict_proba")
    votes = np.stack([m.predict(X[:, 1:]) for m in clf.estimators_])
    majority = [np.bincount(col, minlength=3).argmax() for col in votes.T]
    np.testing.assert_array_equal(clf.predict(X[:, 1:]), majority)


def test_pandas_and_string_labels_give_the_same_model_as_arrays():
    X, y = imbalanced()
    labels = np.array(["dog", "cat", "emu"])[y]
    frame = pd.DataFrame(X, columns=["id", "a", "b", "c"])
    from_frame = UnderBaggingClassifier(random_state=0).fit(frame, pd.Series(labels))
    from_array = UnderBaggingClassifier(random_state=0).fit(X, labels)
    np.testing.assert_array_equal(from_frame.feature_names_in_, ["id", "a", "b", "c"])
    np.testing.assert_array_equal(from_frame.classes_, ["cat", "dog", "emu"])
    np.testing.assert_array_equal(from_frame.predict(frame), from_array.predict(X))
    assert set(from_frame.predict(frame)) <= {"cat", "dog", "emu"}


@pytest.mark.parametrize(
    "ensemble",
    [
        BalancedBaggingClassifier(n_estimators=4, sampler=SMOTE(k_neighbors=3)),
        UnderBaggingClassifier(n_estimators=4),
        OverBaggingClassifier(n_estimators=4),
        SMOTEBaggingClassifier(n_estimators=4, k_neighbors=3),
        RoughlyBalancedBaggingClassifier(n_estimators=4),
    ],
    ids=lambda est: type(est).__name__,
)
def test_same_result_for_any_n_jobs_and_backend(ensemble):
    X, y = imbalanced()
    assert_same_for_any_n_jobs(ensemble.set_params(random_state=3), X, y)


def test_verbose_logs_one_line_per_member(capsys):
    X, y = imbalanced()
    labels = np.array(["a", "b", "c"])[y]
    UnderBaggingClassifier(n_estimators=3, verbose=1, random_state=0).fit(X, labels)
    lines = capsys.readouterr().out.strip().splitlines()
    assert len(lines) == 3
    expected = "[UnderBaggingClassifier] member 1/3: 36 rows (a: 12, b: 12, c: 12)"
    assert lines[0].startswith(expected)


# ---------------------------------------------------------------------------
# Same algorithm as imbalanced-learn
# ---------------------------------------------------------------------------


PROBLEMS = [
    dict(n_samples=1200, weights=[0.9], n_informative=5, random_state=1),
    dict(
        n_samples=1200,
        weights=[0.8, 0.15, 0.05],
        n_classes=3,
        n_informative=6,
        random_state=2,
    ),
    dict(n_samples=1200, weights=[0.95], flip_y=0.02, n_informative=4, random_state=3),
]


def mean_balanced_accuracy(make, seeds=range(4)):
    scores = []
    for problem in PROBLEMS:
        X, y = make_classification(**problem)
        X_train, X_test, y_train, y_test = train_test_split(
            X, y, stratify=y, test_size=0.5, random_state=0
        )
        for seed in seeds:
            model = make(seed).fit(X_train, y_train)
            scores.append(balanced_accuracy_score(y_test, model.predict(X_test)))
    return np.mean(scores)


def test_balanced_bagging_matches_imbalanced_learn():
    seeds = range(10)
    ours = mean_balanced_accuracy(
        lambda s: BalancedBaggingClassifier(random_state=s), seeds
    )
    theirs = mean_balanced_accuracy(lambda s: ImbBalancedBagging(random_state=s), seeds)
    assert abs(ours - theirs) < 0.015


# ---------------------------------------------------------------------------
# Bad input
# ---------------------------------------------------------------------------


def test_too_small_class_for_smote_names_k_neighbors():
    X, y = imbalanced(sizes=(50, 20, 4))
    with pytest.raises(
        ValueError, match=r"^class 2 has 4 samples.*k_neighbors=5.*at most 3"
    ):
        SMOTEBaggingClassifier().fit(X, y)
    with pytest.raises(ValueError, match=r"^sampler=SMOTE\(\): class 2 has 4 samples"):
        BalancedBaggingClassifier(sampler=SMOTE()).fit(X, y)


@pytest.mark.parametrize(
    "ensemble, message",
    [
        (UnderBaggingClassifier(sampling_strategy={2: 50}), "less or equal"),
        (OverBaggingClassifier(sampling_strategy={0: 10}), "greater or equal"),
        (OverBaggingClassifier(sampling_strategy=0.5), "binary"),
        (RoughlyBalancedBaggingClassifier(sampling_strategy={9: 3}), "not present"),
        (BalancedBaggingClassifier(sampling_strategy={0: 500}), "less or equal"),
    ],
)
def test_impossible_sampling_strategy_names_the_parameter(ensemble, message):
    X, y = imbalanced()
    with pytest.raises(
        ValueError, match=rf"^sampling_strategy=.* cannot be met: .*{message}"
    ):
        ensemble.fit(X, y)


@pytest.mark.parametrize(
    "ensemble",
    [
        BalancedBaggingClassifier(),
        UnderBaggingClassifier(),
        OverBaggingClassifier(),
        SMOTEBaggingClassifier(),
        RoughlyBalancedBaggingClassifier(),
    ],
    ids=lambda est: type(est).__name__,
)
def test_single_class_is_refused(ensemble):
    X, _ = imbalanced()
    with pytest.raises(ValueError, match="at least 2 classes in y, got 1 class"):
        ensemble.fit(X, np.zeros(len(X)))


def test_sampler_that_is_not_a_sampler():
    X, y = imbalanced()
    with pytest.raises((TypeError, ValueError), match="'sampler' parameter"):
        BalancedBaggingClassifier(sampler=StandardScaler()).fit(X, y)
    with pytest.raises(TypeError, match="sampler must be a sampler instance"):
        BalancedBaggingClassifier(sampler=RandomUnderSampler).fit(X, y)
    with pytest.raises(TypeError, match="sampler must be an over-sampler"):
        SMOTEBaggingClassifier(sampler=RandomUnderSampler()).fit(X, y)


def test_bad_resampling_rates():
    X, y = imbalanced()
    with pytest.raises(ValueError, match="resampling_rates must be .* in \\[0, 1\\]"):
        SMOTEBaggingClassifier(resampling_rates=[0.5, 1.5]).fit(X, y)
