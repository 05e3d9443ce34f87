"""Estimators and data shared by the scale-out tests (Dask, Ray)."""

from sklearn.datasets import make_classification
from sklearn.linear_model import LogisticRegression
from sklearn.tree import DecisionTreeClassifier


def make_data():
    X, y = make_classification(
        n_samples=300,
        n_features=8,
        n_informative=5,
        weights=[0.8, 0.2],
        random_state=0,
    )
    return X[:220], y[:220], X[220:]


def stacking():
    from skextra.ensemble import StackingClassifier

    return StackingClassifier(
        [
            ("lr", LogisticRegression()),
            ("tree", DecisionTreeClassifier(max_depth=3, random_state=0)),
        ],
        cv=3,
    )


def bagging():
    from skextra.resampling import BalancedBaggingClassifier

    return BalancedBaggingClassifier(
        DecisionTreeClassifier(max_depth=3), n_estimators=6, random_state=0
    )


def dynamic():
    from skextra.ensemble import KNORAE

    return KNORAE(k=5, random_state=0)


ESTIMATORS = [stacking, bagging, dynamic]
IDS = ["stacking", "bagging", "knorae"]
