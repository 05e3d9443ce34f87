"""The one docstring mechanism of skextra: ``{{name}}`` placeholders.

A class or function docstring writes ``{{random_state}}`` where the shared
paragraph goes, indented as a parameter entry, and is decorated with
:func:`fill_doc`. The shared paragraphs live in :data:`SHARED_DOCS`; a family
adds its own with ``fill_doc(FAMILY_DOCS)`` (later tables win). A placeholder
that no table fills is an error at import time, so a typo cannot reach the
rendered documentation.
"""

import re

from .._config import DEVICES

_PLACEHOLDER = re.compile(r"\{\{(\w+)\}\}")

_DEVICE_VALUES = "{" + ", ".join(f'"{d}"' for d in DEVICES) + "}"

SHARED_DOCS = {
    "random_state": """random_state : int, RandomState instance or None, default=None
        Seeds every random choice of the fit (splits, bags, samplers and
        the members' own ``random_state``); the same seed gives the same
        ensemble for any ``n_jobs`` and joblib backend.""",
    "n_jobs": """n_jobs : int, default=None
        Number of fits run at once, scheduled longest first. ``None`` means
        1 unless in a :func:`joblib.parallel_config` context; ``-1`` uses
        all processors. The joblib backend (loky, threading, Dask, Ray) does
        not change the results.""",
    "verbose": """verbose : int, default=0
        joblib's verbosity while fitting the members. A progress bar is
        shown instead with :func:`skextra.set_config` ``(progress=True)``.""",
    "device": f"""device : {_DEVICE_VALUES} or None, default=None
        Where the members are fitted. On a GPU, each member still to be
        fitted is replaced at ``fit`` by its GPU implementation (see
        :func:`skextra.gpu.members_to_device`): the cuML estimator for a
        scikit-learn estimator that has one, XGBoost with
        ``device="cuda"``, LightGBM with ``device_type="gpu"``; any other
        member stays on the CPU. The GPU members share one device copy of
        the data instead of each copying it at every call. ``"auto"`` uses
        a GPU when one is usable, ``"cpu"`` never does, ``"gpu"`` raises a
        ``RuntimeError`` when none is usable, and ``None`` takes the global
        setting (:func:`skextra.set_config`). The estimators given are not
        modified; on the CPU the results are those of ``device="cpu"``, bit
        for bit.""",
}


def fill_doc(*tables):
    """Decorator: fill the ``{{name}}`` placeholders of a docstring.

    Parameters
    ----------
    *tables : dict of str to str
        Extra paragraphs, by placeholder name; they override
        :data:`SHARED_DOCS` and each other from left to right.

    Returns
    -------
    decorate : callable
        Sets ``obj.__doc__`` with every placeholder filled and returns
        ``obj``.

    Examples
    --------
    >>> from skextra.utils._docstring import fill_doc
    >>> @fill_doc({"alpha": "alpha : float\\n        Strength."})
    ... def f(alpha):
    ...     '''Parameters
    ...     ----------
    ...     {{alpha}}
    ...     '''
    >>> print(f.__doc__.strip())
    Parameters
        ----------
        alpha : float
            Strength.
    """
    texts = dict(SHARED_DOCS)
    for table in tables:
        texts.update(table)

    def decorate(obj):
        if obj.__doc__:
            obj.__doc__ = substitute(obj.__doc__, texts, where=obj.__qualname__)
        return obj

    return decorate


def substitute(doc, texts, *, where="docstring"):
    """Return ``doc`` with every ``{{name}}`` replaced by ``texts[name]``."""

    def replace(match):
        name = match.group(1)
        if name not in texts:
            raise KeyError(f"{where}: no text for the placeholder {{{{{name}}}}}.")
        return texts[name]

    return _PLACEHOLDER.sub(replace, doc)
