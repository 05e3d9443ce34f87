"""DESlib's public methods and ``explain``: they reproduce what ``predict`` does."""

import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_array_equal
from sklearn import config_context
from sklearn.datasets import make_classification
from sklearn.ensemble import BaggingClassifier
from sklearn.neighbors import NearestNeighbors
from sklearn.tree import DecisionTreeClassifier

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
    DESClustering,
    Oracle,
    SingleBest,
    StackedClassifier,
    StaticSelection,
)
from skextra.ensemble._dynamic._neighbors import canonical_order


@pytest.fixture(scope="module")
def data():
    X, y = make_classification(
        n_samples=600, n_classes=3, n_informative=5, random_state=0
    )
    pool = BaggingClassifier(
        DecisionTreeClassifier(max_depth=3), n_estimators=10, random_state=0
    ).fit(X[:300], y[:300])
    X_test = X[450:]
    # y is 0, 1, 2: the members' outputs are class indices into classes_.
    preds = np.column_stack([m.predict(X_test) for m in pool.estimators_])
    probas = np.stack([m.predict_proba(X_test) for m in pool.estimators_], axis=1)
    return pool, X[300:450], y[300:450], X_test, preds.astype(np.intp), probas


def _fit(cls, data, **params):
    pool, X_dsel, y_dsel = data[:3]
    return cls(pool, random_state=0, **params).fit(X_dsel, y_dsel)


def _region(clf, X_test):
    if isinstance(clf, DESClustering):
        return None, clf.clustering_.predict(X_test)
    if not hasattr(clf, "roc_algorithm_"):
        return None, None
    return clf.get_competence_region(X_test)


def test_get_competence_region_is_the_nearest_dsel_rows(data):
    clf = _fit(OLA, data, k=5)
    X_test = data[3]
    distances, neighbors = clf.get_competence_region(X_test)
    ref_dist, ref_nb = NearestNeighbors(n_neighbors=5).fit(data[1]).kneighbors(X_test)
    assert_array_equal(neighbors, ref_nb)
    assert_allclose(distances, ref_dist)
    assert clf.get_competence_region(X_test, k=2)[1].shape == (len(X_test), 2)


@pytest.mark.parametrize(
    "cls, definition",
    [
        (OLA, lambda hits: hits.mean(axis=1)),
        (DESP, lambda hits: hits.mean(axis=1)),
        (KNORAU, lambda hits: hits.sum(axis=1)),
        (KNORAE, lambda hits: np.cumprod(hits, axis=1).sum(axis=1)),
    ],
)
def test_estimate_competence_matches_the_definition(data, cls, definition):
    clf = _fit(cls, data)
    distances, neighbors = clf.get_competence_region(data[3])
    competences = clf.estimate_competence(neighbors, distances, data[4])
    assert competences.shape == (len(data[3]), clf.n_classifiers_)
    assert_allclose(competences, definition(clf.DSEL_processed_[neighbors]))


@pytest.mark.parametrize(
    "cls, params",
    [
        (OLA, {}),
        (LCA, {}),
        (MLA, {}),
        (MCB, {}),
        (APosteriori, {}),
        (KNORAE, {}),
        (KNORAU, {}),
        (DESP, {}),
        (DESMI, {}),
        (RRC, {"k": 7}),
        (RRC, {}),
    ],
)
def test_estimate_competence_is_what_predict_uses(data, cls, params):
    clf = _fit(cls, data, **params)
    X_test, preds = data[3], data[4]
    distances, neighbors = clf.get_competence_region(X_test)
    competences = clf.estimate_competence(neighbors, distances, preds)
    assert_allclose(clf.explain(X_test).competences, competences, atol=1e-12)


def test_estimate_competence_from_proba_is_what_predict_uses(data):
    X_test, probas = data[3], data[5]
    metades = _fit(METADES, data)
    _, neighbors = metades.get_competence_region(X_test)
    assert_allclose(
        metades.estimate_competence_from_proba(neighbors, probas),
        metades.explain(X_test).competences,
    )
    knop = _fit(KNOP, data)
    competences = knop.estimate_competence_from_proba(probas)
    assert_allclose(competences, knop.explain(X_test).competences)
    # KNOP's competence: hits on the k nearest output profiles of DSEL, the
    # lowest indices among profiles tied at the k-th distance.
    profiles = knop.dsel_scores_.reshape(len(data[1]), -1)
    nn = NearestNeighbors(n_neighbors=len(profiles)).fit(profiles)
    _, op = canonical_order(*nn.kneighbors(probas.reshape(len(X_test), -1)))
    hits = knop.DSEL_processed_[op[:, : knop.k_]].sum(axis=1)
    assert_allclose(competences, hits)


def test_methods_from_probabilities_have_no_estimate_competence():
    # As in DESlib: META-DES and KNOP read the members' probabilities.
    assert not hasattr(METADES(), "estimate_competence")
    assert not hasattr(KNOP(), "estimate_competence")


def test_compute_meta_features_follows_deslib(data):
    clf = _fit(METADES, data, meta_classifier=None)
    X_test, probas = data[3], data[5]
    _, nb = clf.get_competence_region(X_test)
    _, op = clf.op_knn_.kneighbors(probas.reshape(len(X_test), -1), clf.Kp_)
    features = clf.compute_meta_features(probas, nb, op)
    # DESlib's five sets, written as in its compute_meta_features.
    k, kp, m = clf.k_, clf.Kp_, clf.n_classifiers_
    hits = clf.DSEL_processed_
    true_proba = clf.dsel_scores_[nb, :, clf.DSEL_target_[nb]]
    expected = np.hstack(
        [
            hits[nb].swapaxes(1, 2).reshape(-1, k),
            true_proba.swapaxes(1, 2).reshape(-1, k),
            hits[nb].mean(axis=1).reshape(-1, 1),
            hits[op].swapaxes(1, 2).reshape(-1, kp),
            probas.max(axis=2).reshape(-1, 1),
        ]
    )
    assert features.shape == (len(X_test) * m, clf.n_meta_features_)
    assert_allclose(features, expected)


CASES = [
    (OLA, {}),
    (OLA, {"selection_method": "random"}),
    (OLA, {"selection_method": "all", "DFP": True}),
    (MCB, {}),
    (MLA, {}),
    (KNORAE, {}),
    (KNORAE, {"DFP": True, "voting": "soft"}),
    (KNORAU, {}),
    (DESP, {}),
    (DESP, {"mode": "hybrid", "DFP": True}),
    (METADES, {}),
    (METADES, {"mode": "weighting", "voting": "soft"}),
    (KNOP, {}),
    (KNOP, {"DFP": True}),
    (DESKNN, {}),
    (DESMI, {}),
    (RRC, {}),
    (RRC, {"k": 7, "DFP": True}),
    (DESClustering, {}),
]


def _case_id(case):
    cls, params = case
    return cls.__name__ + "".join(f"-{k}={v}" for k, v in params.items())


@pytest.mark.parametrize("case", CASES, ids=_case_id)
def test_classify_with_ds_reproduces_predict(data, case):
    cls, params = case
    clf = _fit(cls, data, **params)
    X_test, preds, probas = data[3], data[4], data[5]
    # predict gives rows on which all members agree their common class;
    # classify_with_ds is the dynamic selection of the other rows.
    rows = (preds != preds[:, :1]).any(axis=1)
    assert rows.sum() > 20
    distances, neighbors = _region(clf, X_test)
    args = [
        preds[rows],
        probas[rows],
        None if neighbors is None else neighbors[rows],
        None if distances is None else distances[rows],
    ]
    labels = clf.classify_with_ds(*args)
    assert_array_equal(clf.classes_.take(labels), clf.predict(X_test)[rows])
    assert_allclose(clf.predict_proba_with_ds(*args), clf.predict_proba(X_test)[rows])


def test_classify_with_ds_takes_a_given_dfp_mask(data):
    clf = _fit(KNORAU, data, DFP=True)
    X_test, preds = data[3], data[4]
    distances, neighbors = clf.get_competence_region(X_test)
    mask = np.zeros_like(preds, dtype=float)
    mask[:, 3] = 1.0  # only member 3 keeps a weight
    labels = clf.classify_with_ds(preds, None, neighbors, distances, mask)
    competent = clf.estimate_competence(neighbors, distances, preds)[:, 3] > 0
    assert_array_equal(labels[competent], preds[competent, 3])


def test_soft_voting_needs_the_probabilities(data):
    clf = _fit(KNORAE, data, voting="soft")
    _, neighbors = clf.get_competence_region(data[3])
    with pytest.raises(ValueError, match="needs the members' probabilities"):
        clf.classify_with_ds(data[4], None, neighbors)


def test_select_follows_deslib():
    X, y = make_classification(n_samples=120, n_classes=3, n_informative=4)
    competences = np.array([[0.2, 0.5, 0.9], [0.1, 0.2, 0.3], [0.9, 0.9, 0.1]])
    desp = DESP(k=3).fit(X, y)
    assert_array_equal(
        desp.select(competences),
        [[False, True, True], [True, True, True], [True, True, False]],
    )
    assert_array_equal(OLA(k=3).fit(X, y).select(competences), [2, 2, 0])
    dcs_all = OLA(k=3, selection_method="all").fit(X, y)
    assert_array_equal(
        dcs_all.select(competences),
        [[False, False, True], [False, False, True], [True, True, False]],
    )
    assert_array_equal(
        KNORAE(k=3).fit(X, y).select(competences[2]), [[True, True, False]]
    )


def test_desknn_competence_and_select_follow_deslib(data):
    clf = _fit(DESKNN, data)
    X_test = data[3]
    _, neighbors = clf.get_competence_region(X_test)
    accuracy, diversity = clf.estimate_competence(neighbors)
    assert_allclose(accuracy, clf.DSEL_processed_[neighbors].mean(axis=1))
    chosen = clf.select(accuracy, diversity)
    assert chosen.shape == (len(X_test), clf.J_)
    report = clf.explain(X_test)
    rows = report.decided_by == "selection"
    selected = np.zeros_like(report.selected)
    np.put_along_axis(selected, chosen, True, axis=1)
    assert_array_equal(selected[rows], report.selected[rows])


def _vote(report, classes):
    """The class of largest weighted vote, the first class on ties."""
    support = np.stack(
        [(report.weights * (report.predictions == c)).sum(axis=1) for c in classes],
        axis=1,
    )
    return classes[support.argmax(axis=1)]


@pytest.mark.parametrize(
    "case",
    [
        (OLA, {}),
        (OLA, {"selection_method": "diff"}),
        (KNORAE, {}),
        (KNORAU, {}),
        (DESP, {"mode": "weighting", "DFP": True}),
        (METADES, {"mode": "hybrid"}),
        (KNOP, {}),
        (DESKNN, {}),
        (DESMI, {}),
        (RRC, {}),
        (DESClustering, {}),
    ],
    ids=_case_id,
)
def test_explain_weighted_vote_of_selected_members_is_predict(data, case):
    cls, params = case
    clf = _fit(cls, data, **params)
    X_test = data[3]
    report = clf.explain(X_test)
    y_pred = clf.predict(X_test)
    assert_array_equal(report.y_pred, y_pred)
    assert set(report.decided_by) == {"agreement", "selection"}
    assert not (report.weights[~report.selected] != 0).any()
    assert_array_equal(_vote(report, clf.classes_), y_pred)
    if clf._mode() == "selection":
        plain = report.selected.astype(float)
        assert_array_equal(report.weights, plain)


def test_explain_fields(data):
    clf = _fit(KNORAE, data, k=5)
    X_test, preds = data[3], data[4]
    report = clf.explain(X_test)
    n, m = len(X_test), clf.n_classifiers_
    assert report.competences.shape == report.selected.shape == (n, m)
    assert report.selected.dtype == bool
    assert_array_equal(report.predictions, clf.classes_.take(preds))
    distances, neighbors = clf.get_competence_region(X_test)
    assert_array_equal(report.neighbors, neighbors)
    assert_allclose(report.distances, distances)
    agree = (preds == preds[:, :1]).all(axis=1)
    assert_array_equal(report.decided_by == "agreement", agree)
    assert report.selected[agree].all()
    # KNORA-E keeps the members with the longest run of correct neighbours.
    rest = ~agree
    best = report.competences[rest].max(axis=1, keepdims=True)
    assert_array_equal(report.selected[rest], report.competences[rest] == best)
    assert _fit(KNOP, data).explain(X_test).neighbors is None


def test_explain_marks_rows_the_neighbours_decide(data):
    clf = _fit(KNORAU, data, with_IH=True, IH_rate=0.3)
    X_test = data[3]
    report = clf.explain(X_test)
    easy = report.decided_by == "hardness"
    assert easy.any()
    assert not report.selected[easy].any()
    y_nb = clf.DSEL_target_[report.neighbors[easy, : clf.safe_k_]]
    majority = np.array(
        [np.bincount(r, minlength=clf.n_classes_).argmax() for r in y_nb]
    )
    assert_array_equal(report.y_pred[easy], clf.classes_.take(majority))
    assert_array_equal(report.y_pred, clf.predict(X_test))


def test_explain_with_random_choice_matches_predict_across_batches(data):
    clf = _fit(OLA, data, selection_method="random")
    X_test = data[3]
    with config_context(working_memory=0.05):
        assert clf._batch_size() < len(X_test)
        assert_array_equal(clf.explain(X_test).y_pred, clf.predict(X_test))


@pytest.mark.parametrize(
    "cls", [SingleBest, StaticSelection, Oracle, StackedClassifier]
)
def test_static_methods_have_no_selection_methods(cls):
    for name in ("explain", "classify_with_ds", "estimate_competence", "select"):
        assert not hasattr(cls(), name)


@pytest.mark.parametrize(
    "cls, given, missing",
    [
        (LCA, {"distances": None}, "predictions"),
        (MLA, {"predictions": True}, "distances"),
        (RRC, {}, "distances"),
    ],
)
def test_estimate_competence_names_a_missing_input(data, cls, given, missing):
    clf = _fit(cls, data, k=5)
    _, neighbors = clf.get_competence_region(data[3])
    preds = data[4] if given.get("predictions") else None
    with pytest.raises(ValueError, match=f"competence needs {missing}; got None"):
        clf.estimate_competence(neighbors, None, preds)


def test_classify_with_ds_reads_predictions_from_probabilities(data):
    clf = _fit(MCB, data)
    distances, neighbors = clf.get_competence_region(data[3])
    assert_array_equal(
        clf.classify_with_ds(None, data[5], neighbors, distances),
        clf.classify_with_ds(data[4], data[5], neighbors, distances),
    )


# The fitted attributes under DESlib's names that a step method reads.
HAND_SET = [
    (APriori, {}, ("dsel_scores_", "DSEL_target_")),
    (APosteriori, {}, ("dsel_scores_", "DSEL_target_")),
    (DESMI, {}, ("DSEL_processed_", "DSEL_target_", "n_classes_", "N_")),
    (RRC, {"k": 7}, ("dsel_scores_", "DSEL_target_", "n_classes_")),
    (DESKL, {"k": 7}, ("dsel_scores_", "DSEL_processed_", "n_classes_")),
]


@pytest.mark.parametrize(
    "cls, params, names", HAND_SET, ids=[c.__name__ for c, _, _ in HAND_SET]
)
def test_an_instance_set_up_by_hand_estimates_what_the_fitted_one_does(
    data, cls, params, names
):
    clf = _fit(cls, data, **params)
    hand = cls(**params)
    hand.n_classifiers_ = clf.n_classifiers_
    for name in names:
        setattr(hand, name, getattr(clf, name))
    if hasattr(clf, "C_src_"):
        hand.C_src_ = hand.source_competence()
        assert_array_equal(hand.C_src_, clf.C_src_)
    distances, neighbors = clf.get_competence_region(data[3])
    assert_array_equal(
        hand.estimate_competence(neighbors, distances, data[4]),
        clf.estimate_competence(neighbors, distances, data[4]),
    )


def test_desmi_select_gives_the_members_predict_uses(data):
    clf = _fit(DESMI, data)
    X_test = data[3]
    distances, neighbors = clf.get_competence_region(X_test)
    chosen = clf.select(clf.estimate_competence(neighbors, distances))
    assert chosen.shape == (len(X_test), clf.N_)
    report = clf.explain(X_test)
    rows = report.decided_by == "selection"
    selected = np.zeros_like(report.selected)
    np.put_along_axis(selected, chosen, True, axis=1)
    assert_array_equal(selected[rows], report.selected[rows])


def test_desmi_classify_with_ds_goes_through_its_public_steps(data):
    # As in DESlib: a subclass's estimate_competence decides the members.
    class LastMembers(DESMI):
        def estimate_competence(
            self, competence_region, distances=None, predictions=None
        ):
            return np.tile(
                np.arange(self.n_classifiers_, dtype=float), (len(competence_region), 1)
            )

    clf = _fit(LastMembers, data, pct_accuracy=0.1)
    distances, neighbors = clf.get_competence_region(data[3])
    labels = clf.classify_with_ds(data[4], None, neighbors, distances)
    assert_array_equal(labels, data[4][:, -1])
