"""
=============================================
Stacking and ensemble selection vs. members
=============================================

Cross-validate four members and three of skextra's ensembles of them on the
same folds, and compare each ensemble with its best member. This is what the
``skextra compare`` command does on a CSV file.
"""

# %%
# Members and ensembles
# ---------------------
# The ensembles take the same ``estimators`` list as scikit-learn's
# :class:`~sklearn.ensemble.StackingClassifier`.
import matplotlib.pyplot as plt
import numpy as np
from lightgbm import LGBMClassifier
from sklearn.datasets import load_breast_cancer
from sklearn.ensemble import RandomForestClassifier
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold, cross_val_score
from sklearn.neighbors import KNeighborsClassifier
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from skextra.ensemble import (
    CombinationClassifier,
    EnsembleSelectionClassifier,
    StackingClassifier,
)

X, y = load_breast_cancer(return_X_y=True)
members = [
    ("logistic", make_pipeline(StandardScaler(), LogisticRegression())),
    ("knn", make_pipeline(StandardScaler(), KNeighborsClassifier(15))),
    ("forest", RandomForestClassifier(n_estimators=50, n_jobs=1, random_state=0)),
    ("lightgbm", LGBMClassifier(n_estimators=50, n_jobs=1, verbose=-1, random_state=0)),
]
models = dict(members)
models["stacking"] = StackingClassifier(members, cv=3)
models["selection"] = EnsembleSelectionClassifier(members, cv=3, random_state=0)
models["mean"] = CombinationClassifier(members, rule="mean")

# %%
# Cross-validation on the same folds
# ----------------------------------
folds = StratifiedKFold(5, shuffle=True, random_state=0)
scores = {
    name: cross_val_score(model, X, y, cv=folds, scoring="neg_log_loss")
    for name, model in models.items()
}
for name, score in scores.items():
    print(f"{name:>10}: log loss {-score.mean():.4f} ± {score.std():.4f}")

# %%
# The ensembles against the best member
# -------------------------------------
names = sorted(scores, key=lambda name: -scores[name].mean())
means = np.array([-scores[name].mean() for name in names])
stds = np.array([scores[name].std() for name in names])
colours = ["tab:blue" if name in dict(members) else "tab:orange" for name in names]

fig, ax = plt.subplots(figsize=(6, 3.5), layout="constrained")
ax.barh(names[::-1], means[::-1], xerr=stds[::-1], color=colours[::-1], capsize=3)
best_member = min(-scores[name].mean() for name in dict(members))
ax.axvline(best_member, color="grey", linestyle="--", linewidth=1)
ax.set_xlabel("log loss (lower is better), 5-fold CV")
ax.set_title("orange: skextra ensembles, blue: members")
plt.show()
