"""Common-check instances for this family (see tests/_instances/__init__.py).

The dynamic-selection classifiers are checked with their default pool (a
bagging of 10 decision trees fitted in ``fit``), which is light already.
"""

_RANDOM_CHOICE = (
    "selection_method='diff' (the default here) picks a random member among "
    "the nearly best ones with one draw per row in row order, as DESlib does, "
    "so a row's prediction can depend on the rows predicted before it"
)


def _instances():
    from sklearn.cluster import KMeans
    from sklearn.naive_bayes import GaussianNB

    from skextra.ensemble import DESKNN, RRC, DESClustering, StackedClassifier

    # Besides the defaults: the k-nearest path of the probabilistic methods,
    # the Q statistic with pruning, a user-given clustering, and stacking with
    # the features passed through to another meta-classifier.
    return {
        "RRC": [RRC(), RRC(k=5, DFP=True, mode="hybrid")],
        "DESKNN": [DESKNN(), DESKNN(metric="Q", DFP=True)],
        "DESClustering": [
            DESClustering(),
            DESClustering(clustering=KMeans(n_clusters=3, n_init=1, random_state=0)),
        ],
        "StackedClassifier": [
            StackedClassifier(),
            StackedClassifier(meta_classifier=GaussianNB(), passthrough=True),
        ],
    }


INSTANCES = _instances()

EXPECTED_FAILED_CHECKS = {
    name: {
        "check_methods_sample_order_invariance": _RANDOM_CHOICE,
        "check_methods_subset_invariance": _RANDOM_CHOICE,
    }
    for name in ("APriori", "APosteriori", "MCB")
}
