"""
=========================================
Combining outlier detectors
=========================================

:class:`~skextra.ensemble.DetectorCombination` puts the scores of several
outlier detectors on one scale (z-scores of the training scores by
default) and merges them by a rule. Here three detectors of different
kinds look at two clusters with scattered outliers; the ensemble's
decision boundary (``decision_function == 0``, with ``contamination``
setting the threshold) is drawn over each member's.
"""

import matplotlib.pyplot as plt
import numpy as np
from sklearn.covariance import EllipticEnvelope
from sklearn.ensemble import IsolationForest
from sklearn.metrics import roc_auc_score
from sklearn.neighbors import LocalOutlierFactor

from skextra.ensemble import DetectorCombination

rng = np.random.RandomState(0)
inliers = np.vstack([rng.normal(-2, 0.6, (150, 2)), rng.normal(2, 0.9, (150, 2))])
outliers = rng.uniform(-6, 6, (30, 2))
X = np.vstack([inliers, outliers])
is_outlier = np.r_[np.zeros(len(inliers)), np.ones(len(outliers))]

members = [
    ("iforest", IsolationForest(random_state=0)),
    ("lof", LocalOutlierFactor(n_neighbors=25, novelty=True)),
    ("envelope", EllipticEnvelope(random_state=0)),
]
detectors = {
    rule: DetectorCombination(
        members, rule=rule, n_buckets=2, contamination=0.1, random_state=0
    ).fit(X)
    for rule in ("average", "max", "aom")
}
for name, member in detectors["average"].named_estimators_.items():
    auc = roc_auc_score(is_outlier, -member.score_samples(X))
    print(f"ROC AUC of {name:>9}: {auc:.3f}")
for rule, detector in detectors.items():
    auc = roc_auc_score(is_outlier, -detector.score_samples(X))
    print(f"ROC AUC of rule {rule:>7}: {auc:.3f}")

# %%
# The members' boundaries (thin) and the average rule's (thick)
grid = np.stack(np.meshgrid(np.linspace(-7, 7, 150), np.linspace(-7, 7, 150)), -1)
flat = grid.reshape(-1, 2)
fig, ax = plt.subplots(figsize=(5, 5), layout="constrained")
ax.scatter(*X.T, c=is_outlier, cmap="coolwarm", s=12)
ensemble = detectors["average"]
for (name, member), color in zip(ensemble.named_estimators_.items(), "gbm"):
    level = member.decision_function(flat).reshape(grid.shape[:2])
    ax.contour(grid[..., 0], grid[..., 1], level, levels=[0], colors=color)
level = ensemble.decision_function(flat).reshape(grid.shape[:2])
ax.contour(grid[..., 0], grid[..., 1], level, levels=[0], colors="k", linewidths=3)
ax.set_title("iforest (g), lof (b), envelope (m), average (black)")
plt.show()
