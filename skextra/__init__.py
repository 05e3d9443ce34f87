"""skextra: ensembles for tabular data that fit scikit-learn.

Subpackages
-----------
ensemble
    Stacking, blending, ensemble selection, combination rules and dynamic
    ensemble selection.
resampling
    Imbalance-aware ensembles built on imbalanced-learn samplers.
gpu
    Device choice and dispatch of members to GPU implementations.
utils
    Discovery of estimators, out-of-fold prediction, parallel scheduling.
"""

from ._config import config_context, get_config, set_config
from ._show_versions import show_versions

__version__ = "0.1.0"

__all__ = [
    "__version__",
    "config_context",
    "get_config",
    "set_config",
    "show_versions",
]
