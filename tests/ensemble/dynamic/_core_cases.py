"""Extra DESlib comparison cases: default pools, ensembles as pools, modes, KNN-E.

Imports nothing from skextra, so ``benchmarks/deslib_reference_core.py`` runs
the same cases with DESlib 0.3.7 (scikit-learn 1.5) and
``test_core_reference.py`` replays them. Pools of decision trees are rebuilt in
each environment: they are identical there because the data are rounded and the
trees' algorithm did not change between the two scikit-learn versions (the test
checks the rebuilt pool against the recorded one).

Cases where the members' output profiles are full of exact ties (META-DES and
KNOP over tree pools) are left out: which of several equally distant DSEL rows
is a neighbour is arbitrary there, in DESlib as in skextra.
"""

import numpy as np

DCS = ("OLA", "LCA", "MLA", "MCB", "Rank", "APriori", "APosteriori")
STATIC = ("SingleBest", "StaticSelection")


def make_data(seed, n_classes=3, strings=False):
    """X_dsel, y_dsel, X_test, y_test of one case."""
    from sklearn.datasets import make_classification

    X, y = make_classification(
        n_samples=600,
        n_features=8,
        n_informative=5,
        n_classes=n_classes,
        n_clusters_per_class=1,
        flip_y=0.05,
        random_state=seed,
    )
    X = np.round(X, 6)
    if strings:
        y = np.array(["cat", "dog", "emu", "fox"])[y]
    return X[:400], y[:400], X[400:], y[400:]


def make_pool(kind, X, y):
    """A fitted pool: "bagging" (feature subspaces) or "forest"; None: default."""
    from sklearn.ensemble import BaggingClassifier, RandomForestClassifier
    from sklearn.tree import DecisionTreeClassifier

    if kind == "bagging":
        return BaggingClassifier(
            DecisionTreeClassifier(max_depth=4),
            n_estimators=12,
            max_features=0.6,
            random_state=0,
        ).fit(X, y)
    if kind == "forest":
        return RandomForestClassifier(n_estimators=10, max_depth=4, random_state=0).fit(
            X, y
        )
    return None


def cases():
    """(name, data kwargs, pool kind or None, method, params)."""
    out = []
    for method, params in [
        ("KNORAE", {}),
        ("KNORAU", {}),
        ("OLA", {}),
        ("DESP", {}),
        ("KNOP", {}),
        ("MCB", {"selection_method": "best"}),
        ("APriori", {"selection_method": "best"}),
    ]:
        out.append(
            (
                f"default_pool/{method}",
                {"seed": 0},
                None,
                method,
                {"random_state": 0, **params},
            )
        )
    out.append(
        (
            "default_pool_dsel03/KNORAE",
            {"seed": 1},
            None,
            "KNORAE",
            {"random_state": 5, "DSEL_perc": 0.3},
        )
    )
    for method in (
        "KNORAE",
        "KNORAU",
        "LCA",
        "MLA",
        "APosteriori",
        "DESP",
        "SingleBest",
        "StaticSelection",
    ):
        params = {} if method in STATIC else {"random_state": 0}
        if method == "APosteriori":
            params["selection_method"] = "best"
        out.append(
            (
                f"bagging_strings/{method}",
                {"seed": 2, "strings": True},
                "bagging",
                method,
                params,
            )
        )
        out.append((f"forest/{method}", {"seed": 3}, "forest", method, params))
    for mode in ("weighting", "hybrid"):
        for voting in ("hard", "soft"):
            out.append(
                (
                    f"desp_{mode}_{voting}/DESP",
                    {"seed": 4},
                    "bagging",
                    "DESP",
                    {"mode": mode, "voting": voting},
                )
            )
    for method in ("KNORAE", "OLA", "KNORAU", "Rank"):
        out.append((f"knne/{method}", {"seed": 5}, "bagging", method, {"knne": True}))
    out.append(
        (
            "knne_k8/KNORAE",
            {"seed": 5, "n_classes": 2},
            "bagging",
            "KNORAE",
            {"knne": True, "k": 8},
        )
    )
    out.append(
        (
            "dfp_ih/KNORAE",
            {"seed": 6},
            "bagging",
            "KNORAE",
            {"DFP": True, "with_IH": True, "safe_k": 5, "IH_rate": 0.3},
        )
    )
    out.append(
        (
            "dfp_ih/OLA",
            {"seed": 6},
            "bagging",
            "OLA",
            {"DFP": True, "with_IH": True, "safe_k": 5, "IH_rate": 0.3},
        )
    )
    return out


def module_of(method):
    if method in STATIC:
        return "deslib.static"
    return "deslib.dcs" if method in DCS else "deslib.des"
