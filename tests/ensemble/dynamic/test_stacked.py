"""StackedClassifier (DESlib's stacking of a pool) against a hand computation."""

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose, assert_array_equal
from sklearn.base import clone
from sklearn.datasets import make_classification
from sklearn.ensemble import BaggingClassifier
from sklearn.linear_model import LogisticRegression, Perceptron
from sklearn.naive_bayes import GaussianNB
from sklearn.tree import DecisionTreeClassifier

from skextra.ensemble import StackedClassifier


def _pool(X, y, n_estimators=5):
    return BaggingClassifier(
        DecisionTreeClassifier(max_depth=3), n_estimators=n_estimators, random_state=0
    ).fit(X, y)


def _member_probas(pool, X):
    return np.hstack([m.predict_proba(X) for m in pool.estimators_])


@pytest.mark.parametrize("n_classes", [2, 3])
def test_meta_classifier_is_a_logistic_regression_on_member_probabilities(n_classes):
    X, y = make_classification(
        n_samples=400, n_classes=n_classes, n_informative=4, random_state=0
    )
    pool = _pool(X[:150], y[:150])
    X_dsel, y_dsel, X_test = X[150:300], y[150:300], X[300:]
    clf = StackedClassifier(pool).fit(X_dsel, y_dsel)

    def meta_input(X):
        probas = _member_probas(pool, X)
        # Two classes: the first class's probability of each member (DESlib).
        return probas[:, ::2] if n_classes == 2 else probas

    ref = LogisticRegression(max_iter=1000).fit(meta_input(X_dsel), y_dsel)
    assert_array_equal(clf.predict(X_test), ref.predict(meta_input(X_test)))
    assert_allclose(clf.predict_proba(X_test), ref.predict_proba(meta_input(X_test)))
    assert_allclose(clf.meta_classifier_.coef_, ref.coef_)


def test_passthrough_adds_the_features():
    X, y = make_classification(n_samples=300, n_classes=3, n_informative=4)
    pool = _pool(X[:100], y[:100])
    meta = GaussianNB()
    clf = StackedClassifier(pool, meta, passthrough=True).fit(X[100:200], y[100:200])
    ref = clone(meta).fit(
        np.hstack([_member_probas(pool, X[100:200]), X[100:200]]), y[100:200]
    )
    features = np.hstack([_member_probas(pool, X[200:]), X[200:]])
    assert_allclose(clf.predict_proba(X[200:]), ref.predict_proba(features))
    assert not hasattr(meta, "classes_")  # the given meta-classifier is cloned


def test_labels_and_dataframes():
    X, y = make_classification(n_samples=300, random_state=1)
    labels = np.array(["no", "yes"])[y]
    df = pd.DataFrame(X, columns=[f"f{i}" for i in range(X.shape[1])])
    clf = StackedClassifier(random_state=0, passthrough=True).fit(df, labels)
    assert_array_equal(clf.classes_, ["no", "yes"])
    assert set(clf.predict(df)) <= {"no", "yes"}
    features = np.hstack([m.predict_proba(X)[:, :1] for m in clf.members_] + [X])
    expected = clf.classes_.take(clf.meta_classifier_.predict(features))
    assert_array_equal(clf.predict(df), expected)
    # The pool fitted here sees 1 - DSEL_perc of the rows; the meta-classifier the rest.
    assert clf.DSEL_data_.shape[0] == 150
    assert clf.dsel_scores_.shape == (150, clf.n_classifiers_, 2)


def test_meta_classifier_without_predict_proba():
    X, y = make_classification(n_samples=200, random_state=0)
    clf = StackedClassifier(meta_classifier=Perceptron(), random_state=0)
    assert not hasattr(clf, "predict_proba")
    clf.fit(X, y)
    assert not hasattr(clf, "predict_proba")
    assert_array_equal(
        clf.predict(X),
        clf.meta_classifier_.predict(
            np.hstack([m.predict_proba(X) for m in clf.members_])[:, ::2]
        ),
    )


def test_members_need_predict_proba():
    X, y = make_classification(n_samples=200, random_state=0)
    pool = [Perceptron().fit(X, y), DecisionTreeClassifier().fit(X, y)]
    with pytest.raises(ValueError, match="has no predict_proba"):
        StackedClassifier(pool).fit(X, y)


def test_single_class_dsel_is_predicted_with_a_warning():
    X, _ = make_classification(n_samples=40, random_state=0)
    y = np.zeros(40, dtype=int)
    y[0] = 1
    with pytest.warns(UserWarning, match="DSEL holds a single class"):
        clf = StackedClassifier(random_state=0).fit(X, y)
    assert_array_equal(np.unique(clf.DSEL_target_), [0])
    assert_array_equal(clf.predict(X), np.zeros(len(X)))
    assert_allclose(clf.predict_proba(X), np.tile([1.0, 0.0], (len(X), 1)))


def test_single_class_y_is_refused_as_deslib_does():
    X, y = make_classification(n_samples=200, random_state=0)
    pool = _pool(X, y)
    with pytest.raises(ValueError, match="y holds one class"):
        StackedClassifier(pool).fit(X[:20], np.zeros(20, dtype=int))
