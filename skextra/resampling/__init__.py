"""Imbalance-aware ensembles built on imbalanced-learn samplers."""

__all__ = []
