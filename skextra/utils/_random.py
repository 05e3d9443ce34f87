"""Seeding: every random choice of a fit is drawn up front, in the parent."""

import numpy as np
from sklearn.utils import check_random_state

MAX_SEED = np.iinfo(np.int32).max


def draw_seeds(random_state, size=None):
    """Draw integer seeds from ``random_state`` before any job is dispatched.

    Drawing the seeds once, in order, in the parent process is what makes a
    fit independent of ``n_jobs`` and of the joblib backend.

    Parameters
    ----------
    random_state : int, RandomState instance or None
        Passed through :func:`sklearn.utils.check_random_state`.
    size : int or tuple of int, default=None
        ``None`` draws one seed (a Python ``int``); otherwise an array of
        that shape.

    Returns
    -------
    seeds : int or ndarray of int
        Values in ``[0, MAX_SEED)``.

    Examples
    --------
    >>> from skextra.utils._random import draw_seeds
    >>> draw_seeds(0, 3).tolist() == draw_seeds(0, 3).tolist()
    True
    >>> isinstance(draw_seeds(0), int)
    True
    """
    rng = check_random_state(random_state)
    if size is None:
        return int(rng.randint(MAX_SEED))
    return rng.randint(MAX_SEED, size=size)
