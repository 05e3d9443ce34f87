"""Imbalance-aware dynamic selection: resampled pool, untouched DSEL.

The recommended configuration (doc/imbalanced.rst) is KNORA-U with
K-nearest-neighbours equality over a pool of trees trained on under-sampled
bags. Only the pool's training part is resampled; the selection set (DSEL), on
which every member's competence is measured, keeps the original rows and the
original class proportions.
"""

import numpy as np
import pytest
from imblearn.over_sampling import SMOTE
from sklearn.datasets import make_classification
from sklearn.ensemble import BaggingClassifier
from sklearn.metrics import balanced_accuracy_score
from sklearn.model_selection import train_test_split
from sklearn.tree import DecisionTreeClassifier

from skextra.ensemble import KNORAE, KNORAU
from skextra.resampling import SMOTEBaggingClassifier, UnderBaggingClassifier


@pytest.fixture(scope="module")
def data():
    X, y = make_classification(
        n_samples=1200, n_features=10, n_informative=5, weights=[0.93], random_state=0
    )
    return X, y


def _rows_of(X, rows):
    """Index in ``X`` of each row of ``rows``; -1 where a row is not in ``X``."""
    lookup = {row.tobytes(): i for i, row in enumerate(X)}
    return np.array([lookup.get(row.tobytes(), -1) for row in rows])


def _check_dsel_untouched(model, X, y, dsel_perc):
    where = _rows_of(X, model.DSEL_data_)
    # Every DSEL row is an original row (nothing synthetic), none drawn twice ...
    assert np.all(where >= 0)
    assert np.unique(where).size == where.size
    assert where.size == int(np.ceil(dsel_perc * len(y)))
    # ... with its original label, and the imbalance is left as it was.
    np.testing.assert_array_equal(model.classes_[model.DSEL_target_], y[where])
    assert abs(np.mean(y[where]) - np.mean(y)) < 0.03
    # The competence data are the members' outputs on exactly those rows.
    assert model.DSEL_processed_.shape == (where.size, model.n_classifiers_)
    return where


@pytest.mark.parametrize("Selector", [KNORAU, KNORAE])
def test_resampled_bag_pool_leaves_dsel_untouched(data, Selector):
    X, y = data
    pool = UnderBaggingClassifier(DecisionTreeClassifier(), n_estimators=10)
    model = Selector(pool_classifiers=pool, knne=True, DSEL_perc=0.3, random_state=0)
    model.fit(X, y)
    _check_dsel_untouched(model, X, y, 0.3)
    # The members did learn on balanced bags: the class weights at each root
    # are equal, while the minority is 7% of X and of DSEL.
    for member in model.members_:
        np.testing.assert_allclose(member.tree_.value[0, 0], [0.5, 0.5])


def test_sampler_resamples_the_pool_part_only(data):
    X, y = data
    pool = BaggingClassifier(DecisionTreeClassifier(), n_estimators=5, bootstrap=False)
    plain = KNORAU(pool_classifiers=pool, DSEL_perc=0.3, random_state=0).fit(X, y)
    smote = KNORAU(
        pool_classifiers=pool, sampler=SMOTE(), DSEL_perc=0.3, random_state=0
    ).fit(X, y)
    # Same DSEL rows with and without the sampler ...
    np.testing.assert_array_equal(smote.DSEL_data_, plain.DSEL_data_)
    np.testing.assert_array_equal(smote.DSEL_target_, plain.DSEL_target_)
    _check_dsel_untouched(smote, X, y, 0.3)
    # ... while the pool was fitted on SMOTE-balanced data, with rows not in X.
    member = smote.members_[0]
    np.testing.assert_allclose(member.tree_.value[0, 0], [0.5, 0.5])
    n_pool_rows = member.tree_.n_node_samples[0]
    n_train = len(y) - smote.DSEL_data_.shape[0]
    assert n_pool_rows > n_train


def test_smote_bagging_pool_leaves_dsel_untouched(data):
    X, y = data
    pool = SMOTEBaggingClassifier(DecisionTreeClassifier(), n_estimators=5)
    model = KNORAU(pool_classifiers=pool, knne=True, DSEL_perc=0.3, random_state=0)
    model.fit(X, y)
    _check_dsel_untouched(model, X, y, 0.3)


def test_recommended_configuration_beats_plain_pool(data):
    X, y = data
    X_train, X_test, y_train, y_test = train_test_split(
        X, y, stratify=y, test_size=0.4, random_state=0
    )
    tree = DecisionTreeClassifier()
    recommended = KNORAU(
        pool_classifiers=UnderBaggingClassifier(tree, n_estimators=20),
        knne=True,
        DSEL_perc=0.3,
        random_state=0,
    ).fit(X_train, y_train)
    plain = KNORAU(
        pool_classifiers=BaggingClassifier(tree, n_estimators=20),
        DSEL_perc=0.3,
        random_state=0,
    ).fit(X_train, y_train)
    ours = balanced_accuracy_score(y_test, recommended.predict(X_test))
    base = balanced_accuracy_score(y_test, plain.predict(X_test))
    assert ours > base + 0.01
