"""
======================================
Weights found by ensemble selection
======================================

:class:`~skextra.ensemble.EnsembleSelectionRegressor` (Caruana et al., 2004)
adds, round after round, the member whose addition most improves the score of
the averaged out-of-fold predictions; a member may be added several times.
The fitted ``weights_`` say how much each member counts, ``scores_`` how the
score evolved over the rounds.
"""

import matplotlib.pyplot as plt
from lightgbm import LGBMRegressor
from sklearn.datasets import load_diabetes
from sklearn.ensemble import RandomForestRegressor
from sklearn.linear_model import Ridge
from sklearn.model_selection import train_test_split
from sklearn.neighbors import KNeighborsRegressor
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from skextra.ensemble import EnsembleSelectionRegressor

X, y = load_diabetes(return_X_y=True)
X_train, X_test, y_train, y_test = train_test_split(X, y, random_state=0)
members = [
    ("ridge", Ridge(alpha=0.1)),
    ("knn", make_pipeline(StandardScaler(), KNeighborsRegressor(20))),
    (
        "forest",
        RandomForestRegressor(
            n_estimators=50, min_samples_leaf=5, n_jobs=1, random_state=0
        ),
    ),
    (
        "lightgbm",
        LGBMRegressor(
            n_estimators=50, learning_rate=0.05, n_jobs=1, verbose=-1, random_state=0
        ),
    ),
]
selection = EnsembleSelectionRegressor(members, ensemble_size=20, cv=5).fit(
    X_train, y_train
)
print(f"test R^2 of the selected ensemble: {selection.score(X_test, y_test):.3f}")
for name, member in selection.named_estimators_.items():
    print(f"test R^2 of {name:>8}: {member.score(X_test, y_test):.3f}")

# %%
# The weights and the score over the rounds
fig, (left, right) = plt.subplots(1, 2, figsize=(8, 3), layout="constrained")
left.bar([name for name, _ in members], selection.weights_)
left.set_ylabel("weight")
right.plot(range(1, len(selection.scores_) + 1), selection.scores_, marker="o")
right.set_xlabel("round")
right.set_ylabel("out-of-fold R^2")
plt.show()
