"""A deterministic classifier pool and data for comparing with DESlib.

This module imports nothing from skextra and uses only numpy's legacy
``RandomState`` and elementwise arithmetic, so the pool and the data are the
same bit for bit under the scikit-learn 1.5 / numpy 1.26 environment that runs
DESlib (``benchmarks/deslib_reference.py`` loads this file by path) and under
the project's environment (``test_deslib_equivalence.py``).

It also holds the table of methods and parameter settings that the reference
script runs and the equivalence test replays, so the two cannot drift apart.
"""

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin

DATASETS = {
    # name: (n_classes, n_features, n_dsel, n_test, seed)
    "binary": (2, 6, 240, 150, 0),
    "three_class": (3, 6, 240, 150, 1),
}
N_MEMBERS = 10


def _linear_scores(X, weights, bias):
    """``X @ weights + bias`` summed feature by feature, in a fixed order.

    A matrix product may round differently under two BLAS builds; this loop
    does not, so the pool predicts the same in both environments.
    """
    scores = np.tile(bias, (X.shape[0], 1))
    for j in range(X.shape[1]):
        scores = scores + X[:, j : j + 1] * weights[j]
    return scores


class FixedLinearClassifier(ClassifierMixin, BaseEstimator):
    """Linear classifier with given weights; ``fit`` only records ``classes_``.

    Parameters
    ----------
    weights : ndarray of shape (n_features, n_classes)
    bias : ndarray of shape (n_classes,)
    temperature : float
        Scores are divided by it before the softmax of ``predict_proba``.
    features : ndarray of int or None
        Columns of X the member looks at (None: all).
    """

    def __init__(self, weights=None, bias=None, temperature=1.0, features=None):
        self.weights = weights
        self.bias = bias
        self.temperature = temperature
        self.features = features

    def fit(self, X, y):
        self.classes_ = np.unique(y)
        self.n_features_in_ = np.asarray(X).shape[1]
        return self

    def __sklearn_is_fitted__(self):
        return hasattr(self, "classes_")

    def decision_function(self, X):
        X = np.asarray(X, dtype=np.float64)
        if self.features is not None:
            X = X[:, self.features]
        return _linear_scores(X, np.asarray(self.weights), np.asarray(self.bias))

    def predict_proba(self, X):
        scores = self.decision_function(X) / self.temperature
        scores = scores - scores.max(axis=1, keepdims=True)
        # exp of small integers-free inputs; rounded to 12 digits so that two
        # libm/SIMD exp implementations give the same probabilities.
        expd = np.round(np.exp(scores), 12)
        return expd / expd.sum(axis=1, keepdims=True)

    def predict(self, X):
        return self.classes_[np.argmax(self.predict_proba(X), axis=1)]


class LookupClassifier(ClassifierMixin, BaseEstimator):
    """Returns stored probabilities: row ``X[i, 0]`` of ``table``."""

    def __init__(self, table=None):
        self.table = table

    def fit(self, X, y):
        self.classes_ = np.arange(np.asarray(self.table).shape[1])
        self.n_features_in_ = np.asarray(X).shape[1]
        return self

    def __sklearn_is_fitted__(self):
        return hasattr(self, "classes_")

    def predict_proba(self, X):
        return np.asarray(self.table)[np.asarray(X)[:, 0].astype(int)]

    def predict(self, X):
        return self.classes_[np.argmax(self.predict_proba(X), axis=1)]


def make_edge_problem(n_classes, n_members=4, n_rows=60, seed=7):
    """Probabilities with exact 0, 1 and ties, for the source competences.

    Returns X (the row number, then one noise feature), y, and a fitted pool
    of :class:`LookupClassifier`.
    """
    rng = np.random.RandomState(seed + n_classes)
    special = [
        np.eye(n_classes)[0],
        np.eye(n_classes)[1],
        np.full(n_classes, 1.0 / n_classes),
    ]
    half = np.zeros(n_classes)
    half[:2] = 0.5
    special.append(half)
    tables = []
    for _ in range(n_members):
        table = rng.dirichlet(np.ones(n_classes), size=n_rows)
        table = np.round(table, 6)
        table[:, -1] = 1.0 - table[:, :-1].sum(axis=1)
        pick = rng.uniform(size=n_rows) < 0.3
        table[pick] = np.array(special)[rng.randint(len(special), size=pick.sum())]
        tables.append(np.clip(table, 0.0, 1.0))
    X = np.column_stack([np.arange(n_rows), np.round(rng.normal(size=n_rows), 6)])
    y = rng.randint(0, n_classes, size=n_rows)
    y[:n_classes] = np.arange(n_classes)
    pool = [LookupClassifier(t).fit(X, y) for t in tables]
    return X.astype(np.float64), y, pool


def make_data(name):
    """Data of one named problem: X_dsel, y_dsel, X_test, y_test.

    The label of a point is the argmax of a fixed non-linear score, with 10 %
    of the labels flipped at random, so a linear member is competent in some
    regions and not in others.
    """
    n_classes, n_features, n_dsel, n_test, seed = DATASETS[name]
    rng = np.random.RandomState(seed)
    A = rng.normal(size=(n_features, n_classes))
    B = rng.normal(size=(n_features, n_classes))
    X = rng.normal(size=(n_dsel + n_test, n_features))
    X = np.round(X, 6)
    scores = _linear_scores(X, A, np.zeros(n_classes))
    scores = scores + 1.5 * np.sign(_linear_scores(X, B, np.zeros(n_classes)))
    y = np.argmax(scores, axis=1)
    flip = rng.uniform(size=y.size) < 0.1
    y[flip] = rng.randint(0, n_classes, size=flip.sum())
    return X[:n_dsel], y[:n_dsel], X[n_dsel:], y[n_dsel:]


def make_pool(name, n_members=N_MEMBERS):
    """A fitted pool of ``n_members`` noisy copies of the true linear part."""
    n_classes, n_features, n_dsel, _, seed = DATASETS[name]
    X_dsel, y_dsel, _, _ = make_data(name)
    rng = np.random.RandomState(seed)
    A = rng.normal(size=(n_features, n_classes))
    B = rng.normal(size=(n_features, n_classes))
    rng = np.random.RandomState(1000 + seed)
    pool = []
    for _ in range(n_members):
        noise = np.round(rng.normal(scale=0.8, size=A.shape), 6)
        mix = rng.uniform()
        weights = np.round(A + mix * B, 6) + noise
        bias = np.round(rng.normal(scale=0.5, size=n_classes), 6)
        temperature = float(np.round(rng.uniform(0.5, 2.0), 3))
        member = FixedLinearClassifier(weights, bias, temperature)
        pool.append(member.fit(X_dsel, y_dsel))
    return pool


# --------------------------------------------------------------------------
# Methods and settings replayed by the equivalence test. ``module`` is where
# DESlib 0.3.7 defines the class; the skextra class has the same name.
# --------------------------------------------------------------------------
METHODS = {
    "OLA": "deslib.dcs",
    "LCA": "deslib.dcs",
    "MCB": "deslib.dcs",
    "MLA": "deslib.dcs",
    "Rank": "deslib.dcs",
    "APriori": "deslib.dcs",
    "APosteriori": "deslib.dcs",
    "KNORAE": "deslib.des",
    "KNORAU": "deslib.des",
    "KNOP": "deslib.des",
    "DESP": "deslib.des",
    "METADES": "deslib.des",
    "RRC": "deslib.des",
    "DESKL": "deslib.des",
    "Exponential": "deslib.des",
    "Logarithmic": "deslib.des",
    "MinimumDifference": "deslib.des",
    "DESKNN": "deslib.des",
    "DESClustering": "deslib.des",
    "DESMI": "deslib.des",
    "SingleBest": "deslib.static",
    "StaticSelection": "deslib.static",
    "Oracle": "deslib.static",
}

DCS = ("OLA", "LCA", "MCB", "MLA", "Rank", "APriori", "APosteriori")
PROBABILISTIC = ("RRC", "DESKL", "Exponential", "Logarithmic", "MinimumDifference")
STATIC = ("SingleBest", "StaticSelection", "Oracle")


def settings_for(method):
    """Parameter settings (name -> kwargs) run for ``method``.

    ``random_state`` is fixed for every method that has one; a setting whose
    keys the DESlib class does not accept is skipped by both sides.
    """
    if method in STATIC:
        return {"default": {}}
    settings = {"default": {}}
    if method == "DESClustering":
        return {
            "default": {"random_state": 0},
            "n_clusters3": {"random_state": 0, "n_clusters": 3},
            "Q_less_diverse": {
                "random_state": 0,
                "metric_diversity": "ratio",
                "more_diverse": False,
            },
            "soft": {"random_state": 0, "voting": "soft"},
        }
    settings["DFP"] = {"DFP": True}
    settings["with_IH"] = {"with_IH": True, "IH_rate": 0.2}
    settings["k5"] = {"k": 5}
    if method in DCS:
        settings["sel_all"] = {"selection_method": "all"}
        settings["sel_random"] = {"selection_method": "random", "random_state": 3}
        settings["sel_diff_rs"] = {
            "selection_method": "diff",
            "diff_thresh": 0.15,
            "random_state": 3,
        }
    if method in ("METADES",) + PROBABILISTIC:
        settings["weighting"] = {"mode": "weighting"}
        settings["hybrid"] = {"mode": "hybrid"}
    if method in PROBABILISTIC:
        settings["k15_DFP"] = {"k": 15, "DFP": True}
        settings["k7_IH"] = {"k": 7, "with_IH": True, "IH_rate": 0.2}
    if (
        method
        in ("KNORAE", "KNORAU", "KNOP", "DESP", "METADES", "DESKNN", "DESMI")
        + PROBABILISTIC
    ):
        settings["soft"] = {"voting": "soft"}
    if method == "DESKNN":
        settings["ratio"] = {"metric": "ratio", "k": 9}
        settings["Q"] = {"metric": "Q", "k": 9}
        settings["less_diverse"] = {"more_diverse": False, "pct_accuracy": 0.6}
    if method == "DESMI":
        settings["alpha"] = {"alpha": 0.3, "pct_accuracy": 0.5}
    if method in ("APriori", "APosteriori", "MCB", "DESP", "KNOP", "METADES"):
        for name in list(settings):
            settings[name] = {"random_state": 0, **settings[name]}
    return settings
