"""
=========================================
Consensus of several clusterers
=========================================

:class:`~skextra.ensemble.ClusteringEnsemble` merges the partitions of
several clusterers. With ``consensus="alignment"`` each member's clusters
are renamed after a reference member's (a maximum-overlap matching) and the
rows vote; with ``consensus="coassociation"`` (evidence accumulation, Fred
and Jain 2005) the share of members that put two rows together is a
similarity, cut by average-linkage clustering. Members may find different
numbers of clusters: many k-means with too many clusters, whose
co-association is cut into the right number, recover shapes that no single
k-means finds.
"""

import matplotlib.pyplot as plt
from sklearn.cluster import KMeans
from sklearn.datasets import make_moons
from sklearn.metrics import adjusted_rand_score

from skextra.ensemble import ClusteringEnsemble

X, y = make_moons(n_samples=300, noise=0.05, random_state=0)
members = [
    (f"km{k}_{seed}", KMeans(k, n_init=1, random_state=seed))
    for k in (8, 12)
    for seed in range(3)
]
ensemble = ClusteringEnsemble(members, consensus="coassociation", n_clusters=2)
ensemble.fit(X)
two_means = KMeans(2, n_init=3, random_state=0).fit(X)
for name, labels in (("consensus", ensemble.labels_), ("2-means", two_means.labels_)):
    print(f"ARI of {name:>9}: {adjusted_rand_score(y, labels):.3f}")

# %%
# One member, and the consensus
fig, (left, right) = plt.subplots(1, 2, figsize=(8, 3.5), layout="constrained")
left.scatter(*X.T, c=ensemble.member_labels_[0], cmap="tab20", s=10)
left.set_title(f"member {members[0][0]}")
right.scatter(*X.T, c=ensemble.labels_, cmap="coolwarm", s=10)
right.set_title("co-association consensus")
plt.show()
