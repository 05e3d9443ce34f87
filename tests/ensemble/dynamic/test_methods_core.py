"""Documented behaviours of KNORA, DCS, KNOP, DES-P, META-DES and the static
methods where they differ from DESlib or where DESlib fails."""

import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_array_equal
from sklearn.datasets import make_classification
from sklearn.linear_model import LogisticRegression
from sklearn.naive_bayes import GaussianNB, MultinomialNB
from sklearn.neighbors import NearestNeighbors
from sklearn.tree import DecisionTreeClassifier

from skextra.ensemble import KNOP, KNORAE, METADES, OLA, SingleBest


def _data(seed=0):
    X, y = make_classification(
        n_samples=240,
        n_features=5,
        n_informative=3,
        n_redundant=0,
        flip_y=0.1,
        random_state=seed,
    )
    return X[:160], y[:160], X[160:], y[160:]


def test_metades_clones_an_unfitted_meta_classifier_and_keeps_a_fitted_one():
    X, y, X_test, _ = _data()
    pool = [
        LogisticRegression().fit(X[:60], y[:60]),
        GaussianNB().fit(X[:60], y[:60]),
        DecisionTreeClassifier(max_depth=2, random_state=0).fit(X[:60], y[:60]),
    ]
    meta = MultinomialNB()
    est = METADES(pool, meta_classifier=meta).fit(X, y)
    assert not hasattr(meta, "classes_") and est.meta_classifier_ is not meta
    default = METADES(pool).fit(X, y)
    assert_array_equal(est.predict(X_test), default.predict(X_test))
    reused = METADES(pool, meta_classifier=est.meta_classifier_).fit(X, y)
    assert reused.meta_classifier_ is est.meta_classifier_
    assert_array_equal(reused.predict(X_test), est.predict(X_test))


def test_metades_when_every_member_is_always_right_on_dsel():
    X, y, X_test, _ = _data()
    pool = [
        DecisionTreeClassifier(random_state=s, max_features=2).fit(X, y)
        for s in range(3)
    ]
    est = METADES(pool).fit(X, y)  # every DSEL answer is right: one meta class
    preds = np.column_stack([m.predict(X_test) for m in pool])
    votes = np.array([np.bincount(r, minlength=2) for r in preds])
    assert_array_equal(est.predict(X_test), votes.argmax(axis=1))
    assert_allclose(est.predict_proba(X_test), votes / 3)


def test_metades_kp_capped_by_dsel():
    X, y, _, _ = _data()
    pool = [LogisticRegression().fit(X, y), GaussianNB().fit(X, y)]
    with pytest.warns(RuntimeWarning, match="Kp=50 is not smaller than DSEL"):
        est = METADES(pool, Kp=50, k=5).fit(X[:30], y[:30])
    assert est.Kp_ == 29 and est.n_meta_features_ == 2 * 5 + 29 + 2


@pytest.mark.parametrize("cls", [KNOP, METADES])
def test_one_class_is_refused(cls):
    X, y, _, _ = _data()
    with pytest.raises(ValueError, match="at least 2 classes"):
        cls(random_state=0).fit(X, np.zeros_like(y))


def test_with_ih_easy_rows_vote_with_safe_k_neighbours():
    X, y, X_test, _ = _data()
    pool = [
        LogisticRegression().fit(X[:60], y[:60]),
        DecisionTreeClassifier(max_depth=1, random_state=0).fit(X[:60], y[:60]),
    ]
    est = KNORAE(pool, with_IH=True, safe_k=5, IH_rate=0.3).fit(X, y)
    proba, pred = est.predict_proba(X_test), est.predict(X_test)
    _, nbrs = NearestNeighbors(n_neighbors=5).fit(X).kneighbors(X_test)
    counts = np.array([np.bincount(y[n], minlength=2) for n in nbrs])
    members = np.column_stack([m.predict(X_test) for m in pool])
    easy = (counts.max(axis=1) >= 4) & (members[:, 0] != members[:, 1])
    assert easy.sum() > 5
    assert_array_equal(pred[easy], counts[easy].argmax(axis=1))
    assert_allclose(proba[easy], counts[easy] / 5)
    assert_array_equal(proba.argmax(axis=1), pred)


def test_dcs_random_choice_is_reproducible_and_depends_on_random_state():
    X, y, X_test, _ = _data()
    a = OLA(selection_method="random", random_state=0).fit(X, y)
    b = OLA(selection_method="random", random_state=0).fit(X, y)
    assert_array_equal(a.predict(X_test), b.predict(X_test))
    assert_array_equal(a.predict(X_test), a.predict(X_test))


def test_single_best_is_the_most_accurate_member():
    X, y, X_test, _ = _data()
    pool = [
        DecisionTreeClassifier(max_depth=1, random_state=0).fit(X[:60], y[:60]),
        LogisticRegression().fit(X[:60], y[:60]),
    ]
    est = SingleBest(pool).fit(X, y)
    accs = [(m.predict(X) == y).mean() for m in pool]
    assert est.best_clf_index_ == int(np.argmax(accs))
    assert_allclose(
        est.predict_proba(X_test), pool[est.best_clf_index_].predict_proba(X_test)
    )
