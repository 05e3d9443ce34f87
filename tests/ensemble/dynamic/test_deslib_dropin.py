"""Where DESlib accepts an input, so does skextra: members without usable
``classes_``, parameters by position, scoring by the member's own ``score``,
``select`` before ``fit``, a clustering with attributes set on it."""

import ast
import inspect
from unittest.mock import MagicMock

import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_array_equal
from sklearn.cluster import KMeans
from sklearn.datasets import make_classification
from sklearn.exceptions import NotFittedError
from sklearn.tree import DecisionTreeClassifier

import skextra.ensemble as ensemble
from skextra.ensemble import (
    DESP,
    KNOP,
    KNORAE,
    KNORAU,
    METADES,
    DESClustering,
    Exponential,
    Oracle,
    SingleBest,
    StaticSelection,
)
from tests.peers._sources import DESLIB_ROOT, REPLACED

# DESlib's classes (not its diversity functions).
DESLIB_NAMES = sorted(
    name
    for _, target, names in REPLACED["deslib"]
    if target == "skextra.ensemble"
    for name in names
)
_ABSENT = object()


class _WithoutClasses:
    """A fitted classifier seen through a ``classes_`` that is missing or
    not a usable 1-d array of labels."""

    def __init__(self, clf, classes=_ABSENT):
        self.clf_ = clf
        if classes is not _ABSENT:
            self.classes_ = classes

    def fit(self, X, y):
        return self

    def predict(self, X):
        return self.clf_.predict(X)

    def predict_proba(self, X):
        return self.clf_.predict_proba(X)


@pytest.fixture(scope="module")
def data():
    X, y = make_classification(
        n_samples=300, n_informative=4, n_classes=3, random_state=0
    )
    pool = [
        DecisionTreeClassifier(max_depth=d, random_state=d).fit(X[:150], y[:150])
        for d in (1, 2, 3, 4, 6)
    ]
    return X, y, pool


UNUSABLE = {
    "absent": _ABSENT,
    "none": None,
    "mock": MagicMock(),
    "empty": np.array([]),
    "2-d": np.array([[0, 1, 2]]),
}


@pytest.mark.parametrize("classes", UNUSABLE.values(), ids=UNUSABLE.keys())
@pytest.mark.parametrize(
    "make",
    [
        lambda pool: KNORAE(pool),
        lambda pool: KNORAU(pool, voting="soft"),
        lambda pool: METADES(pool),
        lambda pool: SingleBest(pool),
        lambda pool: StaticSelection(pool),
        lambda pool: Oracle(pool),
    ],
    ids=["KNORAE", "KNORAU-soft", "METADES", "SingleBest", "StaticSelection", "Oracle"],
)
def test_member_without_usable_classes_predicts_ensemble_labels(data, make, classes):
    # Its predictions are labels of y's classes and its probability columns
    # follow classes_: the same outputs as the members seen with classes_.
    X, y, pool = data
    hidden = [_WithoutClasses(m, classes) for m in pool]
    real = make(pool).fit(X[150:250], y[150:250])
    seen = make(hidden).fit(X[150:250], y[150:250])
    assert_array_equal(seen.classes_, real.classes_)
    assert_array_equal(seen.predict(X[250:]), real.predict(X[250:]))
    assert_allclose(seen.predict_proba(X[250:]), real.predict_proba(X[250:]))


def test_member_without_classes_predicting_an_unknown_label_raises(data):
    X, y, pool = data
    hidden = [_WithoutClasses(m) for m in pool]
    rows = np.flatnonzero(y[150:] != 2) + 150  # y without class 2
    with pytest.raises(ValueError, match="predicted labels \\[2\\]"):
        KNORAE(hidden).fit(X[rows], y[rows])


def _deslib_positional(name):
    """The parameters of DESlib's ``__init__`` of class ``name``, in order."""
    for path in sorted(DESLIB_ROOT.joinpath("deslib").rglob("*.py")):
        if "tests" in path.parts:
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ClassDef) and node.name == name:
                init = next(
                    f
                    for f in node.body
                    if isinstance(f, ast.FunctionDef) and f.name == "__init__"
                )
                return [a.arg for a in init.args.args[1:]]
    raise LookupError(name)


@pytest.mark.parametrize("name", DESLIB_NAMES)
def test_deslib_parameters_are_positional_in_deslib_order(name):
    if not DESLIB_ROOT.is_dir():
        pytest.skip("DESlib's sources are not in .peer-cache")
    params = inspect.signature(getattr(ensemble, name).__init__).parameters.values()
    positional = [p.name for p in params if p.kind == p.POSITIONAL_OR_KEYWORD]
    assert positional[1:] == _deslib_positional(name)
    # skextra's own parameters are keyword-only.
    assert all(p.kind in (p.POSITIONAL_OR_KEYWORD, p.KEYWORD_ONLY) for p in params)


def test_positional_parameters_reach_their_names():
    assert StaticSelection(None, 0.25).pct_classifiers == 0.25
    knorau = KNORAU(None, 5, False, False, None, 0.3, 0, "soft")
    assert (knorau.k, knorau.random_state, knorau.voting) == (5, 0, "soft")
    # DESlib's Exponential takes safe_k before with_IH.
    exponential = Exponential(None, 7, False, 3, True)
    assert (exponential.safe_k, exponential.with_IH) == (3, True)
    # DESlib's 13 parameters of KNORAE, then skextra's, keyword-only.
    deslib_args = [None, 7, False, False, None, 0.3, 0, "knn", "minkowski"]
    deslib_args += [False, 0.5, 1, "hard"]
    assert KNORAE(*deslib_args).voting == "hard"
    with pytest.raises(TypeError):
        KNORAE(*deslib_args, None)


class _OwnScore(DecisionTreeClassifier):
    """A classifier whose ``score`` is not accuracy."""

    def score(self, X, y, sample_weight=None):
        return self.own_score


def test_static_selection_scores_with_the_members_own_score(data):
    X, y, _ = data
    pool = []
    for i, value in enumerate([0.2, 0.9, 0.5, 0.7]):
        member = _OwnScore(max_depth=i + 1, random_state=0).fit(X[:150], y[:150])
        member.own_score = value
        pool.append(member)
    best = SingleBest(pool).fit(X[150:], y[150:])
    assert best.best_clf_index_ == 1
    assert_array_equal(best.performances_, [0.2, 0.9, 0.5, 0.7])
    static = StaticSelection(pool, 0.5).fit(X[150:], y[150:])
    assert_array_equal(static.clf_indices_, [1, 3])


@pytest.mark.parametrize(
    "cls, competences, expected",
    [
        (KNORAE, [[0, 2, 2]], [[False, True, True]]),
        (KNORAE, [[0, 0, 0]], [[True, True, True]]),
        (KNORAU, [0, 1, 3], [[False, True, True]]),
        (KNOP, [[0, 0, 0]], [[True, True, True]]),
    ],
)
def test_select_reads_only_the_competences_before_fit(cls, competences, expected):
    assert_array_equal(cls().select(competences), expected)


def test_select_that_reads_the_fit_needs_it():
    with pytest.raises(NotFittedError):
        DESP().select([[0.1, 0.9]])


def test_clustering_is_copied_with_what_is_set_on_it(data):
    X, y, pool = data
    clustering = KMeans(n_clusters=2, n_init=1, random_state=0)
    clustering.predict = lambda rows: (rows[:, 0] > 0).astype(int)
    clf = DESClustering(pool, clustering=clustering).fit(X[150:], y[150:])
    assert not hasattr(clustering, "cluster_centers_")
    clusters = (clf.DSEL_data_[:, 0] > 0).astype(int)
    for c in (0, 1):
        assert_allclose(
            clf.performance_cluster_[c], clf.DSEL_processed_[clusters == c].mean(0)
        )
