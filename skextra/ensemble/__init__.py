"""Stacking, blending, ensemble selection, combination rules and dynamic selection."""

__all__ = []
