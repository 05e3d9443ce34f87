"""Combination rules: the kernels against NumPy references and array-api-strict,
the estimators against scikit-learn's VotingClassifier/VotingRegressor."""

import array_api_strict as xps
import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_array_equal
from sklearn.datasets import make_classification, make_regression
from sklearn.ensemble import VotingClassifier, VotingRegressor
from sklearn.frozen import FrozenEstimator
from sklearn.linear_model import LinearRegression, LogisticRegression, Ridge
from sklearn.naive_bayes import GaussianNB
from sklearn.neighbors import KNeighborsClassifier, KNeighborsRegressor
from sklearn.svm import SVC
from sklearn.tree import DecisionTreeClassifier, DecisionTreeRegressor

from skextra.ensemble import CombinationClassifier, CombinationRegressor
from skextra.ensemble._base import combine_proba, combine_values, combine_votes
from skextra.utils import get_namespace, to_numpy


@pytest.fixture(scope="module")
def probas():
    rng = np.random.RandomState(0)
    raw = rng.dirichlet(np.ones(4), size=(5, 30))  # 5 members, 30 rows, 4 classes
    return raw


@pytest.fixture(scope="module")
def multiclass():
    X, y = make_classification(
        n_samples=200, n_features=8, n_informative=5, n_classes=3, random_state=0
    )
    return X, y


def _classifiers():
    return [
        ("lr", LogisticRegression(max_iter=500)),
        ("nb", GaussianNB()),
        ("tree", DecisionTreeClassifier(max_depth=3, random_state=0)),
        ("knn", KNeighborsClassifier(7)),
    ]


# --------------------------------------------------------------------------
# kernels
# --------------------------------------------------------------------------


def test_combine_values_matches_numpy(probas):
    values = probas[:, :, 0]
    weights = np.array([1.0, 2.0, 0.0, 0.5, 3.0])
    assert_allclose(combine_values(values, "mean"), values.mean(axis=0), rtol=1e-15)
    assert_allclose(
        combine_values(values, "mean", weights=weights),
        np.average(values, axis=0, weights=weights),
        rtol=1e-15,
    )
    assert_array_equal(combine_values(values, "median"), np.median(values, axis=0))
    assert_array_equal(
        combine_values(values[:4], "median"), np.median(values[:4], axis=0)
    )
    assert_array_equal(combine_values(values, "max"), values.max(axis=0))
    assert_array_equal(combine_values(values, "min"), values.min(axis=0))


def test_combine_proba_rules_match_definitions(probas):
    def rescale(a):
        return a / a.sum(axis=1, keepdims=True)

    assert_allclose(combine_proba(probas, "mean"), probas.mean(axis=0), rtol=1e-15)
    assert_allclose(
        combine_proba(probas, "max"), rescale(probas.max(axis=0)), rtol=1e-14
    )
    assert_allclose(
        combine_proba(probas, "min"), rescale(probas.min(axis=0)), rtol=1e-14
    )
    assert_allclose(
        combine_proba(probas, "median"), rescale(np.median(probas, axis=0)), rtol=1e-14
    )
    assert_allclose(
        combine_proba(probas, "product"), rescale(probas.prod(axis=0)), rtol=1e-12
    )
    weights = np.array([1.0, 2.0, 0.0, 0.5, 3.0])
    weighted_product = np.prod(probas ** weights[:, None, None], axis=0)
    assert_allclose(
        combine_proba(probas, "product", weights=weights),
        rescale(weighted_product),
        rtol=1e-12,
    )


def test_product_rule_survives_zeros_and_underflow():
    # 400 members each giving 1e-3 to class 1: the plain product underflows to 0.
    probas = np.tile(np.array([[[0.999, 0.001]]]), (400, 1, 1))
    proba = combine_proba(probas, "product")
    assert_array_equal(proba, [[1.0, 0.0]])
    # A single zero does not veto a class that every other member prefers.
    probas = np.array([[[0.0, 1.0]], [[0.1, 0.9]], [[0.1, 0.9]]])
    assert combine_proba(probas, "product")[0, 1] > 0.99
    # All-zero rows (min over disagreeing members) give uniform probabilities.
    probas = np.array([[[1.0, 0.0]], [[0.0, 1.0]]])
    assert_array_equal(combine_proba(probas, "min"), [[0.5, 0.5]])


def test_combine_votes_matches_weighted_bincount():
    rng = np.random.RandomState(1)
    labels = rng.randint(0, 3, size=(4, 50))
    weights = np.array([0.1, 0.2, 0.3, 0.4])
    votes = combine_votes(labels, 3, weights=weights)
    expected = np.array(
        [np.bincount(labels[:, i], weights=weights, minlength=3) for i in range(50)]
    )
    assert_allclose(votes, expected, rtol=1e-15)
    plain = combine_votes(labels, 3)
    assert_array_equal(plain.sum(axis=1), np.full(50, 4.0))
    # Ties go to the lowest class index (first argmax).
    tie = combine_votes(np.array([[2], [1]]), 3)
    assert int(np.argmax(tie[0])) == 1


@pytest.mark.parametrize(
    "rule, weighted",
    [(rule, False) for rule in ("mean", "median", "max", "min", "product")]
    + [("mean", True), ("product", True)],
)
def test_proba_kernels_same_under_array_api_strict(probas, rule, weighted):
    weights = np.array([1.0, 2.0, 0.0, 0.5, 3.0]) if weighted else None
    expected = combine_proba(probas, rule, weights=weights)
    strict = combine_proba(
        xps.asarray(probas),
        rule,
        weights=None if weights is None else xps.asarray(weights),
    )
    assert get_namespace(strict) is xps
    assert_allclose(to_numpy(strict), expected, rtol=1e-15, atol=0)


@pytest.mark.parametrize("rule", ["mean", "median", "max", "min"])
def test_value_kernels_same_under_array_api_strict(probas, rule):
    values = probas[:, :, 1] * 10
    expected = combine_values(values, rule)
    strict = combine_values(xps.asarray(values), rule)
    assert get_namespace(strict) is xps
    assert_allclose(to_numpy(strict), expected, rtol=1e-15, atol=0)


def test_vote_kernel_same_under_array_api_strict():
    labels = np.random.RandomState(2).randint(0, 4, size=(5, 40))
    weights = np.array([1.0, 2.0, 0.0, 0.5, 3.0])
    expected = combine_votes(labels, 4, weights=weights)
    strict = combine_votes(xps.asarray(labels), 4, weights=xps.asarray(weights))
    assert get_namespace(strict) is xps
    assert_array_equal(to_numpy(strict), expected)


def test_kernel_errors():
    values = np.ones((3, 4))
    with pytest.raises(ValueError, match="weights apply to rule='mean' only"):
        combine_values(values, "max", weights=[1, 1, 1])
    with pytest.raises(ValueError, match="one value per member"):
        combine_values(values, "mean", weights=[1, 1])
    with pytest.raises(ValueError, match="rule must be one of"):
        combine_proba(np.ones((3, 4, 2)), "vote")


# --------------------------------------------------------------------------
# estimators vs scikit-learn's voting
# --------------------------------------------------------------------------


@pytest.mark.parametrize("weights", [None, [1.0, 2.0, 0.5, 3.0]])
def test_mean_rule_equals_sklearn_soft_voting(multiclass, weights):
    X, y = multiclass
    ours = CombinationClassifier(_classifiers(), rule="mean", weights=weights).fit(X, y)
    ref = VotingClassifier(_classifiers(), voting="soft", weights=weights).fit(X, y)
    assert_allclose(ours.predict_proba(X), ref.predict_proba(X), rtol=1e-12, atol=1e-15)
    assert_array_equal(ours.predict(X), ref.predict(X))


@pytest.mark.parametrize("rule", ["majority", "plurality"])
@pytest.mark.parametrize("weights", [None, [1.0, 1.0, 2.0, 1.0]])
def test_hard_rules_equal_sklearn_hard_voting(rule, weights):
    # Two-member ties happen often with 3 classes and two disagreeing members.
    X, y = make_classification(
        n_samples=300,
        n_features=6,
        n_informative=4,
        n_classes=3,
        flip_y=0.3,
        random_state=3,
    )
    members = _classifiers() if weights else _classifiers()[:2]
    ours = CombinationClassifier(members, rule=rule, weights=weights).fit(X, y)
    ref = VotingClassifier(members, voting="hard", weights=weights).fit(X, y)
    assert_array_equal(ours.predict(X), ref.predict(X))
    if weights is None:
        labels = np.stack([est.predict(X) for est in ref.estimators_])
        ties = labels[0] != labels[1]
        assert ties.sum() > 10  # the tie-breaking is exercised
        assert_array_equal(
            ours.predict(X)[ties], np.minimum(labels[0], labels[1])[ties]
        )
    proba = ours.predict_proba(X)
    assert_allclose(proba.sum(axis=1), 1.0)
    assert_array_equal(ours.classes_[np.argmax(proba, axis=1)], ours.predict(X))


@pytest.mark.parametrize("weights", [None, [2.0, 1.0, 0.5]])
def test_regressor_mean_equals_sklearn_voting_regressor(weights):
    X, y = make_regression(n_samples=120, n_features=5, noise=5.0, random_state=0)
    members = [
        ("ridge", Ridge()),
        ("tree", DecisionTreeRegressor(max_depth=4, random_state=0)),
        ("knn", KNeighborsRegressor(5)),
    ]
    ours = CombinationRegressor(members, weights=weights).fit(X, y)
    ref = VotingRegressor(members, weights=weights).fit(X, y)
    assert_allclose(ours.predict(X), ref.predict(X), rtol=1e-12)


@pytest.mark.parametrize("rule", ["median", "max", "min"])
def test_regressor_rules_match_numpy(rule):
    X, y = make_regression(n_samples=80, n_features=4, noise=5.0, random_state=1)
    members = [
        ("lin", LinearRegression()),
        ("tree", DecisionTreeRegressor(max_depth=3, random_state=0)),
        ("knn", KNeighborsRegressor(3)),
    ]
    reg = CombinationRegressor(members, rule=rule).fit(X, y)
    stacked = np.stack([est.predict(X) for est in reg.estimators_])
    assert_array_equal(reg.predict(X), getattr(np, rule)(stacked, axis=0))


def test_frozen_members_are_used_as_given(multiclass):
    X, y = multiclass
    lr = LogisticRegression(max_iter=500).fit(X[:100], y[:100])
    nb = GaussianNB().fit(X[:100], y[:100])
    clf = CombinationClassifier(
        [("lr", FrozenEstimator(lr)), ("nb", FrozenEstimator(nb))], rule="product"
    ).fit(X[100:], y[100:])
    assert clf.estimators_[0].estimator is lr
    expected = lr.predict_proba(X) * nb.predict_proba(X)
    expected /= expected.sum(axis=1, keepdims=True)
    assert_allclose(clf.predict_proba(X), expected, rtol=1e-10)


def test_frozen_member_knowing_fewer_classes_and_string_labels(multiclass):
    X, y = multiclass
    names = np.array(["ant", "bee", "cat"])[y]
    two = names != "cat"
    small = LogisticRegression(max_iter=500).fit(X[two], names[two])
    clf = CombinationClassifier(
        [("small", FrozenEstimator(small)), ("nb", GaussianNB())], rule="mean"
    ).fit(X, names)
    assert_array_equal(clf.classes_, ["ant", "bee", "cat"])
    nb = clf.estimators_[1]
    padded = np.column_stack([small.predict_proba(X), np.zeros(len(X))])
    assert_allclose(
        clf.predict_proba(X), (padded + nb.predict_proba(X)) / 2, rtol=1e-12
    )
    hard = CombinationClassifier(
        [("small", FrozenEstimator(small)), ("nb", GaussianNB())], rule="majority"
    ).fit(X, names)
    assert set(hard.predict(X)) <= {"ant", "bee", "cat"}
    # where the two disagree, the lower class wins
    a, b = small.predict(X), hard.estimators_[1].predict(X)
    b = hard.classes_[b]
    disagree = a != b
    lower = np.where(a < b, a, b)
    assert disagree.sum() > 5
    assert_array_equal(hard.predict(X)[disagree], lower[disagree])


def test_frozen_member_with_unknown_class_is_rejected(multiclass):
    X, y = multiclass
    lr = LogisticRegression(max_iter=500).fit(X, y)
    keep = y != 2
    with pytest.raises(ValueError, match=r"Member 'lr' was fitted on classes \[2\]"):
        CombinationClassifier([("lr", FrozenEstimator(lr))]).fit(X[keep], y[keep])


def test_drop_and_set_params(multiclass):
    X, y = multiclass
    clf = CombinationClassifier(_classifiers(), weights=[1, 5, 1, 1])
    clf.set_params(nb="drop", tree__max_depth=2)
    clf.fit(X, y)
    assert clf.named_estimators_["nb"] == "drop"
    assert clf.named_estimators_["tree"].max_depth == 2
    assert_array_equal(clf.weights_, [1.0, 1.0, 1.0])
    ref = (
        VotingClassifier([m for m in _classifiers() if m[0] != "nb"], voting="soft")
        .set_params(tree__max_depth=2)
        .fit(X, y)
    )
    assert_allclose(clf.predict_proba(X), ref.predict_proba(X), rtol=1e-12)


def test_sample_weight_reaches_members(multiclass):
    X, y = multiclass
    sw = np.random.RandomState(0).uniform(0.1, 3.0, size=len(y))
    members = [("lr", LogisticRegression(max_iter=500)), ("nb", GaussianNB())]
    clf = CombinationClassifier(members).fit(X, y, sample_weight=sw)
    lr = LogisticRegression(max_iter=500).fit(X, y, sample_weight=sw)
    nb = GaussianNB().fit(X, y, sample_weight=sw)
    expected = (lr.predict_proba(X) + nb.predict_proba(X)) / 2
    assert_allclose(clf.predict_proba(X), expected, rtol=1e-10)


def test_same_result_for_any_n_jobs(multiclass):
    X, y = multiclass
    one = CombinationClassifier(_classifiers(), n_jobs=1).fit(X, y).predict_proba(X)
    two = CombinationClassifier(_classifiers(), n_jobs=2).fit(X, y).predict_proba(X)
    assert_array_equal(one, two)


def test_bad_configurations(multiclass):
    X, y = multiclass
    with pytest.raises(ValueError, match="weights apply to rules"):
        CombinationClassifier(_classifiers(), rule="max", weights=[1, 1, 1, 1]).fit(
            X, y
        )
    with pytest.raises(ValueError, match="got 2 weights for 4 estimators"):
        CombinationClassifier(_classifiers(), weights=[1, 1]).fit(X, y)
    with pytest.raises(ValueError, match="finite and non-negative"):
        CombinationClassifier(_classifiers(), weights=[1, -1, 1, 1]).fit(X, y)
    with pytest.raises(ValueError, match="Member 'ridge' .* is not a classifier"):
        CombinationClassifier([("ridge", Ridge())]).fit(X, y)
    with pytest.raises(ValueError, match="Member 'lr' .* is not a regressor"):
        CombinationRegressor([("lr", LogisticRegression())]).fit(X, y.astype(float))
    with pytest.raises(ValueError, match="member 'svc' has no predict_proba"):
        CombinationClassifier([("svc", SVC())], rule="mean").fit(X, y)
    with pytest.raises(TypeError, match="Member 'knn' .* does not support sample"):
        CombinationClassifier([("knn", KNeighborsClassifier())]).fit(
            X, y, sample_weight=np.ones(len(y))
        )
    with pytest.raises(ValueError, match="All estimators are dropped"):
        CombinationClassifier([("lr", "drop")]).fit(X, y)
    with pytest.raises(ValueError, match="Member 'broken' failed to fit"):
        CombinationClassifier([("broken", LogisticRegression(C=-1.0))]).fit(X, y)


def test_hard_rule_works_without_predict_proba(multiclass):
    X, y = multiclass
    members = [
        ("svc", SVC()),
        ("tree", DecisionTreeClassifier(max_depth=3, random_state=0)),
    ]
    ours = CombinationClassifier(members, rule="majority").fit(X, y)
    ref = VotingClassifier(members, voting="hard").fit(X, y)
    assert_array_equal(ours.predict(X), ref.predict(X))


def test_pandas_input_keeps_feature_names(multiclass):
    pd = pytest.importorskip("pandas")
    X, y = multiclass
    df = pd.DataFrame(X, columns=[f"f{i}" for i in range(X.shape[1])])
    clf = CombinationClassifier(_classifiers()[:2]).fit(df, y)
    assert_array_equal(clf.feature_names_in_, df.columns)
    assert_array_equal(clf.estimators_[0].feature_names_in_, df.columns)
    assert_allclose(clf.predict_proba(df), to_numpy(clf.predict_proba(df)))


@pytest.mark.gpu
@pytest.mark.parametrize("library", ["cupy", "torch"])
def test_kernels_same_on_gpu_arrays(probas, library):
    module = pytest.importorskip(library)
    if library == "torch":
        if not module.cuda.is_available():
            pytest.skip("PyTorch has no CUDA device")
        to_gpu = lambda a: module.asarray(a, device="cuda")  # noqa: E731
    else:
        to_gpu = module.asarray
    weights = np.array([1.0, 2.0, 0.0, 0.5, 3.0])
    for rule in ("mean", "median", "max", "min", "product"):
        w = weights if rule in ("mean", "product") else None
        expected = combine_proba(probas, rule, weights=w)
        got = combine_proba(
            to_gpu(probas), rule, weights=None if w is None else to_gpu(w)
        )
        assert_allclose(to_numpy(got), expected, rtol=1e-12)
    labels = np.argmax(probas, axis=2)
    assert_array_equal(
        to_numpy(combine_votes(to_gpu(labels), 4, weights=to_gpu(weights))),
        combine_votes(labels, 4, weights=weights),
    )
