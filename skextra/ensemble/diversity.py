"""Pairwise diversity of two classifiers, from their oracle outputs.

DESlib's ``deslib.util.diversity`` functions under DESlib's names and
signatures: each takes the true labels and two classifiers' predictions and
measures, from the fractions of samples both get right (``N11``), only one
(``N10``, ``N01``) or neither (``N00``), how differently they err (Kuncheva,
*Combining Pattern Classifiers*, 2004). The same formulas rank the members of
:class:`~skextra.ensemble.DESKNN` and :class:`~skextra.ensemble.DESClustering`,
vectorised over all pairs.
"""

from ._dynamic._diversity import (
    Q_statistic,
    agreement_measure,
    compute_pairwise_diversity,
    correlation_coefficient,
    disagreement_measure,
    double_fault,
    negative_double_fault,
    ratio_errors,
)

__all__ = [
    "Q_statistic",
    "agreement_measure",
    "compute_pairwise_diversity",
    "correlation_coefficient",
    "disagreement_measure",
    "double_fault",
    "negative_double_fault",
    "ratio_errors",
]
