"""DetectorCombination against scores normalised and combined by hand."""

import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_array_equal
from sklearn.base import clone
from sklearn.covariance import EllipticEnvelope
from sklearn.ensemble import IsolationForest
from sklearn.frozen import FrozenEstimator
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import roc_auc_score
from sklearn.model_selection import GridSearchCV, StratifiedKFold
from sklearn.neighbors import LocalOutlierFactor
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.svm import OneClassSVM

from skextra.ensemble import DetectorCombination
from skextra.ensemble._detection import combine_scores


@pytest.fixture(scope="module")
def data():
    rng = np.random.RandomState(0)
    inliers = rng.normal(size=(190, 3))
    outliers = rng.uniform(-6, 6, size=(10, 3))
    X = np.vstack([inliers, outliers])
    is_outlier = np.r_[np.zeros(190), np.ones(10)]
    X_new = rng.normal(scale=2, size=(40, 3))
    return X, is_outlier, X_new


def _members():
    return [
        ("iforest", IsolationForest(n_estimators=50, random_state=0)),
        ("lof", LocalOutlierFactor(n_neighbors=15, novelty=True)),
        ("svm", make_pipeline(StandardScaler(), OneClassSVM(nu=0.1))),
        ("envelope", EllipticEnvelope(random_state=0)),
    ]


def _outlyingness(X_fit, X):
    """Each member's -decision_function, fitted independently: (n, n_members)."""
    return np.column_stack(
        [-clone(est).fit(X_fit).decision_function(X) for _, est in _members()]
    )


def _zscore(train, scores):
    return (scores - train.mean(axis=0)) / train.std(axis=0)


@pytest.mark.parametrize(
    "rule, reference",
    [
        ("average", lambda z: z.mean(axis=1)),
        ("max", lambda z: z.max(axis=1)),
        ("median", lambda z: np.median(z, axis=1)),
    ],
)
def test_rules_equal_zscored_member_scores(data, rule, reference):
    X, _, X_new = data
    train, new = _outlyingness(X, X), _outlyingness(X, X_new)
    detector = DetectorCombination(_members(), rule=rule).fit(X)
    assert_allclose(detector.score_samples(X), -reference(_zscore(train, train)))
    assert_allclose(detector.score_samples(X_new), -reference(_zscore(train, new)))


def test_weighted_average(data):
    X, _, X_new = data
    train, new = _outlyingness(X, X), _outlyingness(X, X_new)
    weights = np.array([3.0, 1.0, 0.5, 0.0])
    detector = DetectorCombination(_members(), weights=weights).fit(X)
    expected = -(_zscore(train, new) * weights).sum(axis=1) / weights.sum()
    assert_allclose(detector.score_samples(X_new), expected)


@pytest.mark.parametrize("rule", ["aom", "moa"])
def test_group_rules(data, rule):
    X, _, X_new = data
    train, new = _outlyingness(X, X), _outlyingness(X, X_new)
    detector = DetectorCombination(
        _members(), rule=rule, n_buckets=2, random_state=3
    ).fit(X)
    order = np.random.RandomState(3).permutation(4)
    buckets = [order[:2], order[2:]]
    assert [b.tolist() for b in detector.buckets_] == [b.tolist() for b in buckets]
    z = _zscore(train, new)
    if rule == "aom":
        expected = (z[:, buckets[0]].max(axis=1) + z[:, buckets[1]].max(axis=1)) / 2
    else:
        expected = np.maximum(z[:, buckets[0]].mean(axis=1), z[:, buckets[1]].mean(1))
    assert_allclose(detector.score_samples(X_new), -expected)


def test_uneven_buckets():
    scores = np.arange(15, dtype=float).reshape(3, 5)
    buckets = np.array_split(np.arange(5), 2)  # sizes 3 and 2
    assert_allclose(
        combine_scores(scores, "aom", buckets=buckets),
        (scores[:, :3].max(axis=1) + scores[:, 3:].max(axis=1)) / 2,
    )


def test_rank_and_minmax_normalisation(data):
    X, _, X_new = data
    train, new = _outlyingness(X, X), _outlyingness(X, X_new)
    rank = DetectorCombination(_members(), normalization="rank").fit(X)
    fractions = np.column_stack(
        [(train[:, k][None, :] <= new[:, k][:, None]).mean(axis=1) for k in range(4)]
    )
    assert_allclose(rank.score_samples(X_new), -fractions.mean(axis=1))
    minmax = DetectorCombination(_members(), normalization="minmax").fit(X)
    low, high = train.min(axis=0), train.max(axis=0)
    expected = -((new - low) / (high - low)).mean(axis=1)
    assert_allclose(minmax.score_samples(X_new), expected)


def test_vote_is_majority_of_member_labels(data):
    X, _, X_new = data
    votes = np.column_stack(
        [clone(est).fit(X).predict(X_new) == -1 for _, est in _members()]
    )
    detector = DetectorCombination(_members(), rule="vote").fit(X)
    assert_allclose(detector.score_samples(X_new), -votes.mean(axis=1))
    expected = np.where(votes.mean(axis=1) > 0.5, -1, 1)
    assert_array_equal(detector.predict(X_new), expected)


def test_auto_threshold_combines_member_thresholds(data):
    X, _, X_new = data
    train = _outlyingness(X, X)
    detector = DetectorCombination(_members()).fit(X)
    # each member's own threshold is outlyingness 0 (decision_function 0)
    expected_offset = -_zscore(train, np.zeros((1, 4))).mean()
    assert detector.offset_ == pytest.approx(expected_offset)
    assert_allclose(
        detector.decision_function(X_new),
        detector.score_samples(X_new) - expected_offset,
    )


@pytest.mark.parametrize("contamination", [0.05, 0.1, 0.25])
def test_contamination_sets_share_of_training_outliers(data, contamination):
    X, _, _ = data
    detector = DetectorCombination(_members(), contamination=contamination)
    labels = detector.fit_predict(X)
    assert np.sum(labels == -1) == int(contamination * len(X))
    assert set(np.unique(labels)) == {-1, 1}


def test_ensemble_finds_the_planted_outliers(data):
    X, is_outlier, _ = data
    detector = DetectorCombination(_members()).fit(X)
    assert roc_auc_score(is_outlier, -detector.score_samples(X)) > 0.95


def test_frozen_members_are_used_as_fitted(data):
    X, _, X_new = data
    X_other = X[::-1][:150] + 0.1
    fitted = [(name, clone(est).fit(X_other)) for name, est in _members()]
    frozen = [(name, FrozenEstimator(est)) for name, est in fitted]
    detector = DetectorCombination(frozen).fit(X)
    for (_, est), member in zip(fitted, detector.estimators_):
        assert member.estimator is est
    train = np.column_stack([-est.decision_function(X) for _, est in fitted])
    new = np.column_stack([-est.decision_function(X_new) for _, est in fitted])
    expected = -_zscore(train, new).mean(axis=1)
    assert_allclose(detector.score_samples(X_new), expected)


def test_members_given_are_not_modified_and_grid_search_works(data):
    X, is_outlier, _ = data
    members = _members()
    DetectorCombination(members).fit(X)
    assert not hasattr(members[0][1], "estimators_")
    search = GridSearchCV(
        DetectorCombination(_members(), contamination=0.05),
        {"rule": ["average", "max"], "iforest__n_estimators": [10, 20]},
        scoring="roc_auc",
        cv=StratifiedKFold(2, shuffle=True, random_state=0),
    )
    search.fit(X, np.where(is_outlier == 1, -1, 1))
    assert search.best_score_ > 0.9
    assert set(search.cv_results_["param_rule"]) == {"average", "max"}


def test_dropped_member_and_named_estimators(data):
    X, _, _ = data
    members = _members()
    members[1] = ("lof", "drop")
    detector = DetectorCombination(members, weights=[1, 5, 1, 1]).fit(X)
    assert list(detector.named_estimators_) == ["iforest", "svm", "envelope"]
    assert_array_equal(detector.weights_, [1, 1, 1])


def test_pyod_detector_sign(data):
    pyod_iforest = pytest.importorskip("pyod.models.iforest")
    X, is_outlier, _ = data
    members = [
        ("pyod", pyod_iforest.IForest(n_estimators=50, random_state=0)),
        ("sk", IsolationForest(n_estimators=50, random_state=0)),
    ]
    detector = DetectorCombination(members, rule="max").fit(X)
    pyod_member = detector.named_estimators_["pyod"]
    raw = np.column_stack(
        [
            pyod_member.decision_function(X),
            -detector.estimators_[1].decision_function(X),
        ]
    )
    assert_allclose(detector.score_samples(X), -_zscore(raw, raw).max(axis=1))


# --------------------------------------------------------------------------
# bad input
# --------------------------------------------------------------------------


def test_classifier_member_is_refused(data):
    X, _, _ = data
    members = [*_members(), ("lr", LogisticRegression())]
    with pytest.raises(ValueError, match="Member 'lr' .*not an outlier detector"):
        DetectorCombination(members).fit(X)


def test_member_that_cannot_score_new_rows_is_refused(data):
    X, _, _ = data
    members = [*_members(), ("transductive", LocalOutlierFactor())]
    with pytest.raises(ValueError, match="Member 'transductive' .*novelty=True"):
        DetectorCombination(members).fit(X)


def test_frozen_member_with_other_n_features(data):
    X, _, _ = data
    members = [
        ("iforest", IsolationForest(random_state=0)),
        ("narrow", FrozenEstimator(IsolationForest(random_state=0).fit(X[:, :2]))),
    ]
    with pytest.raises(ValueError, match="Member 'narrow' was fitted on 2 features"):
        DetectorCombination(members).fit(X)


def test_member_failure_names_the_member(data):
    X, _, _ = data
    members = [("bad", OneClassSVM(kernel="precomputed"))]
    with pytest.raises(ValueError, match="Member 'bad' failed to fit"):
        DetectorCombination(members).fit(X)


def test_wrong_n_features_at_predict(data):
    X, _, _ = data
    detector = DetectorCombination(_members()).fit(X)
    with pytest.raises(ValueError, match="3 features"):
        detector.predict(X[:, :2])


@pytest.mark.parametrize(
    "params, message",
    [
        ({"rule": "max", "weights": [1, 1, 1, 1]}, "weights apply to rules"),
        ({"weights": [1, 1]}, "one value per estimator"),
        ({"weights": [1, -1, 1, 1]}, "non-negative"),
        ({"rule": "aom", "n_buckets": 5}, "n_buckets=5 is larger"),
    ],
)
def test_bad_parameters(data, params, message):
    X, _, _ = data
    with pytest.raises(ValueError, match=message):
        DetectorCombination(_members(), **params).fit(X)


def test_empty_or_malformed_members(data):
    X, _, _ = data
    with pytest.raises(ValueError, match="non-empty list"):
        DetectorCombination([]).fit(X)
    with pytest.raises(TypeError, match="estimator instance"):
        DetectorCombination([("cls", IsolationForest)]).fit(X)


def test_dataframe_reaches_members_with_its_columns(data):
    pd = pytest.importorskip("pandas")
    from sklearn.compose import make_column_transformer

    X, _, X_new = data
    frame = pd.DataFrame(X, columns=["a", "b", "c"])
    select = make_column_transformer(("passthrough", ["a", "c"]))
    members = [("iforest", make_pipeline(select, IsolationForest(random_state=0)))]
    detector = DetectorCombination(members).fit(frame)
    assert_array_equal(detector.feature_names_in_, ["a", "b", "c"])
    expected = IsolationForest(random_state=0).fit(X[:, [0, 2]])
    new = pd.DataFrame(X_new, columns=["a", "b", "c"])
    train = -expected.decision_function(X[:, [0, 2]])
    assert_allclose(
        detector.score_samples(new),
        -_zscore(train, -expected.decision_function(X_new[:, [0, 2]])),
    )
