"""Ensemble selection: the greedy search against a plain reference and known
answers, the out-of-fold inputs against cross_val_predict, the array-API
kernel against NumPy."""

import array_api_strict as xps
import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_array_equal
from sklearn.base import BaseEstimator, RegressorMixin
from sklearn.datasets import make_classification, make_regression
from sklearn.frozen import FrozenEstimator
from sklearn.linear_model import LogisticRegression, Ridge
from sklearn.metrics import (
    accuracy_score,
    balanced_accuracy_score,
    get_scorer,
    log_loss,
    mean_absolute_error,
    mean_squared_error,
    r2_score,
)
from sklearn.model_selection import (
    GroupKFold,
    KFold,
    StratifiedKFold,
    cross_val_predict,
)
from sklearn.naive_bayes import GaussianNB
from sklearn.neighbors import KNeighborsClassifier, KNeighborsRegressor
from sklearn.svm import SVC
from sklearn.tree import DecisionTreeClassifier, DecisionTreeRegressor

from skextra.ensemble import EnsembleSelectionClassifier, EnsembleSelectionRegressor
from skextra.ensemble._selection import hill_climb, make_ensemble_scorer
from skextra.utils import get_namespace, to_numpy


def _classifiers():
    return [
        ("lr", LogisticRegression(max_iter=500)),
        ("nb", GaussianNB()),
        ("tree", DecisionTreeClassifier(max_depth=3, random_state=0)),
        ("knn", KNeighborsClassifier(7)),
    ]


def _regressors():
    return [
        ("ridge", Ridge(alpha=10.0)),
        ("tree", DecisionTreeRegressor(max_depth=3, random_state=0)),
        ("knn", KNeighborsRegressor(7)),
    ]


@pytest.fixture(scope="module")
def multiclass():
    return make_classification(
        n_samples=240, n_features=8, n_informative=5, n_classes=3, random_state=0
    )


@pytest.fixture(scope="module")
def regression():
    return make_regression(n_samples=200, n_features=6, noise=20.0, random_state=0)


def reference_greedy(predictions, metric, ensemble_size, use_best_round=True):
    """Caruana's forward selection with replacement, written plainly."""
    chosen, scores = [], []
    for _ in range(ensemble_size):
        best, best_score = None, -np.inf
        for k in range(len(predictions)):
            average = np.mean([predictions[j] for j in chosen + [k]], axis=0)
            score = metric(average)
            if score > best_score:  # strict: ties keep the lowest index
                best, best_score = k, score
        chosen.append(best)
        scores.append(best_score)
    kept = int(np.argmax(scores)) + 1 if use_best_round else ensemble_size
    weights = np.bincount(chosen[:kept], minlength=len(predictions)) / kept
    return weights, np.asarray(scores)


def random_probas(n_members=6, n_samples=80, n_classes=3, seed=0):
    rng = np.random.RandomState(seed)
    y = rng.randint(0, n_classes, size=n_samples)
    probas = rng.dirichlet(np.ones(n_classes), size=(n_members, n_samples))
    # members of varying skill: push some probability onto the true class
    for k in range(n_members):
        probas[k, np.arange(n_samples), y] += 0.15 * k
    probas /= probas.sum(axis=2, keepdims=True)
    return probas, y


# --------------------------------------------------------------------------
# the greedy search
# --------------------------------------------------------------------------


@pytest.mark.parametrize("n_classes", [2, 3])
@pytest.mark.parametrize(
    "scoring, metric",
    [
        ("neg_log_loss", lambda y, p: -log_loss(y, p, labels=np.arange(p.shape[1]))),
        ("accuracy", lambda y, p: accuracy_score(y, p.argmax(axis=1))),
        (
            "balanced_accuracy",
            lambda y, p: balanced_accuracy_score(y, p.argmax(axis=1)),
        ),
    ],
)
def test_hill_climb_matches_plain_reference_classification(n_classes, scoring, metric):
    probas, y = random_probas(n_classes=n_classes)
    score = make_ensemble_scorer(scoring, y, classes=np.arange(n_classes))
    counts, scores = hill_climb(probas, score, ensemble_size=12)
    weights, ref_scores = reference_greedy(list(probas), lambda p: metric(y, p), 12)
    assert_allclose(counts / counts.sum(), weights)
    assert_allclose(scores, ref_scores, rtol=1e-12)


@pytest.mark.parametrize(
    "scoring, metric",
    [
        ("r2", r2_score),
        ("neg_mean_squared_error", lambda y, p: -mean_squared_error(y, p)),
        ("neg_mean_absolute_error", lambda y, p: -mean_absolute_error(y, p)),
        ("neg_median_absolute_error", None),
    ],
)
@pytest.mark.parametrize("use_best_round", [True, False])
def test_hill_climb_matches_plain_reference_regression(scoring, metric, use_best_round):
    rng = np.random.RandomState(1)
    y = rng.normal(size=60)
    predictions = y + rng.normal(scale=np.linspace(0.3, 2.0, 7)[:, None], size=(7, 60))
    predictions[3] += 0.8  # a biased member that helps in combination
    if metric is None:
        scorer = get_scorer(scoring)
        metric = lambda y, p: scorer._sign * scorer._score_func(y, p)  # noqa: E731
    score = make_ensemble_scorer(scoring, y)
    counts, scores = hill_climb(
        predictions, score, ensemble_size=15, use_best_round=use_best_round
    )
    weights, ref_scores = reference_greedy(
        list(predictions), lambda p: metric(y, p), 15, use_best_round
    )
    assert_allclose(counts / counts.sum(), weights)
    assert_allclose(scores, ref_scores, rtol=1e-12)


class _Offset(RegressorMixin, BaseEstimator):
    """Predicts the first feature plus a constant (a known, fixed member)."""

    def __init__(self, offset=0.0):
        self.offset = offset

    def fit(self, X, y):
        self.n_features_in_ = np.asarray(X).shape[1]
        return self

    def predict(self, X):
        return np.asarray(X)[:, 0] + self.offset


def test_known_answer_by_hand():
    # Members predict y+1, y-1 and y+0.5. Squared errors of the averages:
    # round 1: C alone 0.25 (A, B: 1). round 2: C+B -> y-0.25: 0.0625.
    # round 3: C+B+C -> y: 0. round 4: C+B+C+C -> y+0.125: 0.015625.
    y = np.array([1.0, 2.0, 3.0, 4.0])
    X = y[:, None]
    members = [
        (name, FrozenEstimator(_Offset(o).fit(X, y)))
        for name, o in (("a", 1.0), ("b", -1.0), ("c", 0.5))
    ]
    reg = EnsembleSelectionRegressor(
        members, ensemble_size=4, scoring="neg_mean_squared_error"
    ).fit(X, y)
    assert_allclose(reg.scores_, [-0.25, -0.0625, 0.0, -0.015625])
    assert_allclose(reg.weights_, [0.0, 1 / 3, 2 / 3])
    assert_allclose(reg.predict(X), y)
    last = reg.set_params(use_best_round=False).fit(X, y)
    assert_allclose(last.weights_, [0.0, 0.25, 0.75])
    # the same members unfitted go through the folds and give the same answer
    unfitted = [(name, _Offset(o)) for name, o in (("a", 1.0), ("b", -1.0), ("c", 0.5))]
    reg = EnsembleSelectionRegressor(
        unfitted, ensemble_size=4, scoring="neg_mean_squared_error", cv=2
    ).fit(X, y)
    assert_allclose(reg.weights_, [0.0, 1 / 3, 2 / 3])


def test_sorted_initialisation():
    probas, y = random_probas(n_members=6, seed=3)
    score = make_ensemble_scorer("neg_log_loss", y, classes=np.arange(3))
    alone = score(probas)
    best3 = np.argsort(-alone, kind="stable")[:3]
    counts, scores = hill_climb(
        probas, score, ensemble_size=3, n_init=3, use_best_round=False
    )
    assert_array_equal(np.flatnonzero(counts), np.sort(best3))
    assert_allclose(scores[0], alone.max())
    expected = score(probas[best3].mean(axis=0)[None])[0]
    assert_allclose(scores[2], expected, rtol=1e-12)
    # "auto" starts with the best-scoring prefix of the sorted members
    prefix = [
        score(probas[np.argsort(-alone, kind="stable")[: n + 1]].mean(axis=0)[None])[0]
        for n in range(6)
    ]
    n_auto = int(np.argmax(prefix)) + 1
    counts, scores = hill_climb(
        probas, score, ensemble_size=6, n_init="auto", use_best_round=False
    )
    assert_allclose(scores[n_auto - 1], max(prefix), rtol=1e-12)


def test_one_round_equals_best_member(multiclass):
    X, y = multiclass
    clf = EnsembleSelectionClassifier(_classifiers(), ensemble_size=1, cv=3).fit(X, y)
    best = int(np.argmax(clf.member_scores_))
    expected = np.zeros(len(_classifiers()))
    expected[best] = 1.0
    assert_array_equal(clf.weights_, expected)
    assert_array_equal(clf.predict_proba(X), clf.estimators_[best].predict_proba(X))
    assert_allclose(clf.scores_, [clf.member_scores_.max()])


def test_selection_runs_on_out_of_fold_predictions(multiclass):
    X, y = multiclass
    cv = StratifiedKFold(3)
    clf = EnsembleSelectionClassifier(_classifiers(), ensemble_size=10, cv=cv).fit(X, y)
    oof = [
        cross_val_predict(est, X, y, cv=cv, method="predict_proba")
        for _, est in _classifiers()
    ]
    weights, scores = reference_greedy(
        oof, lambda p: -log_loss(y, p, labels=[0, 1, 2]), 10
    )
    assert_allclose(clf.weights_, weights)
    assert_allclose(clf.scores_, scores, rtol=1e-12)
    single = [-log_loss(y, p) for p in oof]
    assert_allclose(clf.member_scores_, single, rtol=1e-12)
    # predict_proba is the weighted mean of the members refitted on all data
    expected = sum(
        w * est.predict_proba(X) for w, est in zip(clf.weights_, clf.estimators_)
    )
    assert_allclose(clf.predict_proba(X), expected, rtol=1e-12)


def test_regressor_on_out_of_fold_predictions(regression):
    X, y = regression
    cv = KFold(4, shuffle=True, random_state=0)
    reg = EnsembleSelectionRegressor(_regressors(), ensemble_size=10, cv=cv).fit(X, y)
    oof = [cross_val_predict(est, X, y, cv=cv) for _, est in _regressors()]
    weights, scores = reference_greedy(oof, lambda p: r2_score(y, p), 10)
    assert_allclose(reg.weights_, weights)
    assert_allclose(reg.scores_, scores, rtol=1e-12)
    expected = sum(w * est.predict(X) for w, est in zip(reg.weights_, reg.estimators_))
    assert_allclose(reg.predict(X), expected, rtol=1e-12)


def test_groups_reach_the_splitter(regression):
    X, y = regression
    groups = np.arange(len(y)) % 7
    cv = GroupKFold(3)
    reg = EnsembleSelectionRegressor(_regressors(), ensemble_size=8, cv=cv)
    reg.fit(X, y, groups=groups)
    oof = [
        cross_val_predict(est, X, y, cv=cv, groups=groups) for _, est in _regressors()
    ]
    weights, _ = reference_greedy(oof, lambda p: r2_score(y, p), 8)
    assert_allclose(reg.weights_, weights)


def test_sample_weight_weighs_members_and_score(multiclass):
    X, y = multiclass
    sw = np.random.RandomState(0).uniform(0.2, 3.0, size=len(y))
    members = [
        ("lr", LogisticRegression(max_iter=500)),
        ("nb", GaussianNB()),
        ("tree", DecisionTreeClassifier(max_depth=3, random_state=0)),
    ]
    cv = StratifiedKFold(3)
    clf = EnsembleSelectionClassifier(members, ensemble_size=8, cv=cv)
    clf.fit(X, y, sample_weight=sw)
    oof = [
        cross_val_predict(
            est, X, y, cv=cv, method="predict_proba", params={"sample_weight": sw}
        )
        for _, est in members
    ]
    weights, _ = reference_greedy(
        oof, lambda p: -log_loss(y, p, sample_weight=sw, labels=[0, 1, 2]), 8
    )
    assert_allclose(clf.weights_, weights)


def test_sampler_resamples_training_folds_only(multiclass):
    pytest.importorskip("imblearn")
    from imblearn.pipeline import make_pipeline
    from imblearn.under_sampling import RandomUnderSampler

    X, y = multiclass
    keep = (y != 2) | (np.arange(len(y)) % 4 == 0)  # make class 2 rare
    X, y = X[keep], y[keep]
    sampler = RandomUnderSampler(random_state=0)
    cv = StratifiedKFold(3)
    clf = EnsembleSelectionClassifier(
        _classifiers(), ensemble_size=6, cv=cv, sampler=sampler
    ).fit(X, y)
    oof = [
        cross_val_predict(
            make_pipeline(sampler, est), X, y, cv=cv, method="predict_proba"
        )
        for _, est in _classifiers()
    ]
    weights, _ = reference_greedy(oof, lambda p: -log_loss(y, p, labels=[0, 1, 2]), 6)
    assert_allclose(clf.weights_, weights)


# --------------------------------------------------------------------------
# bagging, determinism
# --------------------------------------------------------------------------


def test_bagged_selection_averages_the_bags(multiclass):
    X, y = multiclass
    cv = StratifiedKFold(3)
    clf = EnsembleSelectionClassifier(
        _classifiers(),
        ensemble_size=6,
        n_bags=5,
        bag_fraction=0.5,
        cv=cv,
        random_state=42,
    ).fit(X, y)
    assert clf.scores_.shape == (5, 6)
    assert_allclose(clf.weights_.sum(), 1.0)
    oof = np.stack(
        [
            cross_val_predict(est, X, y, cv=cv, method="predict_proba")
            for _, est in _classifiers()
        ]
    )
    rng = np.random.RandomState(42)
    expected = np.zeros(4)
    for _ in range(5):
        subset = np.sort(rng.choice(4, size=2, replace=False))
        w, _ = reference_greedy(
            list(oof[subset]), lambda p: -log_loss(y, p, labels=[0, 1, 2]), 6
        )
        expected[subset] += w / 5
    assert_allclose(clf.weights_, expected)


def test_same_random_state_same_weights_for_any_n_jobs(multiclass):
    X, y = multiclass
    params = dict(ensemble_size=8, n_bags=4, cv=3, random_state=7)
    one = EnsembleSelectionClassifier(_classifiers(), n_jobs=1, **params).fit(X, y)
    two = EnsembleSelectionClassifier(_classifiers(), n_jobs=2, **params).fit(X, y)
    assert_array_equal(one.weights_, two.weights_)
    assert_array_equal(one.predict_proba(X), two.predict_proba(X))
    from joblib import parallel_config

    with parallel_config(backend="threading", n_jobs=2):
        threads = EnsembleSelectionClassifier(_classifiers(), **params).fit(X, y)
    assert_array_equal(one.weights_, threads.weights_)


def test_ties_go_to_the_lowest_index():
    y = np.array([0, 1, 0, 1])
    same = np.array(
        [[0.75, 0.25], [0.25, 0.75], [0.5, 0.5], [0.25, 0.75]]
    )  # exact in binary
    probas = np.stack([same * 0 + 0.5, same, same, same])
    score = make_ensemble_scorer("neg_log_loss", y, classes=np.array([0, 1]))
    counts, scores = hill_climb(probas, score, ensemble_size=3, use_best_round=False)
    assert_array_equal(counts, [0, 3, 0, 0])
    assert scores[0] == scores[1] == scores[2]
    # on a plateau, the best round kept is the first (the smallest ensemble)
    counts, _ = hill_climb(probas, score, ensemble_size=3)
    assert_array_equal(counts, [0, 1, 0, 0])


# --------------------------------------------------------------------------
# array API
# --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name, kind",
    [
        ("neg_log_loss", 2),
        ("neg_log_loss", 3),
        ("accuracy", 3),
        ("r2", 0),
        ("neg_mean_squared_error", 0),
        ("neg_root_mean_squared_error", 0),
        ("neg_mean_absolute_error", 0),
    ],
)
@pytest.mark.parametrize("weighted", [False, True])
def test_vectorised_scores_equal_sklearn_scorers(name, kind, weighted):
    rng = np.random.RandomState(0)
    sw = rng.uniform(0.1, 2.0, size=50) if weighted else None
    if kind:
        candidates, y = random_probas(n_members=4, n_samples=50, n_classes=kind)
        classes = np.arange(kind)
    else:
        y = rng.normal(size=50)
        candidates = y + rng.normal(size=(4, 50))
        classes = None
    fast = make_ensemble_scorer(name, y, classes=classes, sample_weight=sw)(candidates)
    general = make_ensemble_scorer(
        get_scorer(name), y, classes=classes, sample_weight=sw
    )
    assert_allclose(fast, general(candidates), rtol=1e-12)


@pytest.mark.parametrize(
    "scoring, classification",
    [
        ("neg_log_loss", True),
        ("accuracy", True),
        ("balanced_accuracy", True),
        ("r2", False),
        ("neg_mean_absolute_error", False),
    ],
)
def test_hill_climb_same_weights_under_array_api_strict(scoring, classification):
    if classification:
        predictions, y = random_probas(n_members=5, seed=4)
        classes = np.arange(3)
    else:
        rng = np.random.RandomState(4)
        y = rng.normal(size=70)
        predictions = y + rng.normal(
            scale=np.linspace(0.5, 2, 5)[:, None], size=(5, 70)
        )
        classes = None
    score = make_ensemble_scorer(scoring, y, classes=classes)
    counts, scores = hill_climb(predictions, score, ensemble_size=10, n_init="auto")
    y_strict = xps.asarray(y)
    score_strict = make_ensemble_scorer(scoring, y_strict, classes=classes)
    p_strict = xps.asarray(predictions)
    assert get_namespace(score_strict(p_strict)) is xps
    counts_strict, scores_strict = hill_climb(
        p_strict, score_strict, ensemble_size=10, n_init="auto"
    )
    assert_array_equal(counts_strict, counts)
    assert_allclose(scores_strict, scores, rtol=1e-14)


# --------------------------------------------------------------------------
# frozen members, errors
# --------------------------------------------------------------------------


def test_frozen_members_select_on_the_data_given_to_fit(multiclass):
    X, y = multiclass
    fitted = [
        (name, FrozenEstimator(est.fit(X[:120], y[:120])))
        for name, est in _classifiers()
    ]
    clf = EnsembleSelectionClassifier(fitted, ensemble_size=10).fit(X[120:], y[120:])
    outputs = [est.predict_proba(X[120:]) for _, est in fitted]
    weights, _ = reference_greedy(
        outputs, lambda p: -log_loss(y[120:], p, labels=[0, 1, 2]), 10
    )
    assert_allclose(clf.weights_, weights)
    assert clf.estimators_[0].estimator is fitted[0][1].estimator


def test_mixed_frozen_and_unfitted_members(regression):
    X, y = regression
    ridge = FrozenEstimator(Ridge().fit(X[:100], y[:100]))
    members = [
        ("frozen", ridge),
        ("tree", DecisionTreeRegressor(max_depth=3, random_state=0)),
    ]
    cv = KFold(3)
    reg = EnsembleSelectionRegressor(members, ensemble_size=6, cv=cv).fit(
        X[100:], y[100:]
    )
    outputs = [
        ridge.predict(X[100:]),
        cross_val_predict(members[1][1], X[100:], y[100:], cv=cv),
    ]
    weights, _ = reference_greedy(outputs, lambda p: r2_score(y[100:], p), 6)
    assert_allclose(reg.weights_, weights)


def test_string_labels_and_drop(multiclass):
    X, y = multiclass
    labels = np.array(["x", "y", "z"])[y]
    clf = EnsembleSelectionClassifier(_classifiers(), ensemble_size=5, cv=3)
    clf.set_params(knn="drop").fit(X, labels)
    assert len(clf.weights_) == 3
    assert clf.named_estimators_["knn"] == "drop"
    assert set(clf.predict(X)) <= {"x", "y", "z"}
    assert_array_equal(clf.classes_, ["x", "y", "z"])


def test_errors(multiclass):
    X, y = multiclass
    with pytest.raises(
        ValueError, match=r"n_init \(5\) cannot exceed ensemble_size \(3\)"
    ):
        EnsembleSelectionClassifier(_classifiers(), n_init=5, ensemble_size=3).fit(X, y)
    with pytest.raises(ValueError, match="Member 'svc' .* has no predict_proba"):
        EnsembleSelectionClassifier([("svc", SVC())]).fit(X, y)
    with pytest.raises(ValueError, match="Member 'ridge' .* is not a classifier"):
        EnsembleSelectionClassifier([("ridge", Ridge())]).fit(X, y)
    with pytest.raises(ValueError, match="Member 'bad' failed (on fold|on the full)"):
        EnsembleSelectionClassifier([("bad", LogisticRegression(C=-1.0))], cv=3).fit(
            X, y
        )
    with pytest.raises(ValueError, match="at least 2 classes"):
        EnsembleSelectionClassifier(_classifiers()).fit(X, np.zeros(len(y)))


def test_predict_skips_members_with_zero_weight(multiclass):
    X, y = multiclass

    class Exploding(GaussianNB):
        def predict_proba(self, X):
            if len(X) == 7:
                raise AssertionError("a member with weight 0 was asked to predict")
            return super().predict_proba(X)

    members = [("lr", LogisticRegression(max_iter=500)), ("bad", Exploding())]
    clf = EnsembleSelectionClassifier(members, ensemble_size=1, cv=3).fit(X, y)
    if clf.weights_[1] == 0:
        assert to_numpy(clf.predict_proba(X[:7])).shape == (7, 3)


@pytest.mark.gpu
@pytest.mark.parametrize("library", ["cupy", "torch"])
def test_hill_climb_same_weights_on_gpu_arrays(library):
    module = pytest.importorskip(library)
    if library == "torch":
        if not module.cuda.is_available():
            pytest.skip("PyTorch has no CUDA device")
        to_gpu = lambda a: module.asarray(a, device="cuda")  # noqa: E731
    else:
        to_gpu = module.asarray
    predictions, y = random_probas(n_members=8, n_samples=500, seed=5)
    classes = np.arange(3)
    for scoring in ("neg_log_loss", "accuracy", "balanced_accuracy"):
        counts, scores = hill_climb(
            predictions,
            make_ensemble_scorer(scoring, y, classes=classes),
            ensemble_size=20,
        )
        score_gpu = make_ensemble_scorer(scoring, to_gpu(y), classes=classes)
        counts_gpu, scores_gpu = hill_climb(
            to_gpu(predictions), score_gpu, ensemble_size=20
        )
        assert_array_equal(counts_gpu, counts)
        assert_allclose(scores_gpu, scores, rtol=1e-10)
