"""Parallel scheduling of independent fits: one flat list of jobs, longest first.

Every ensemble in skextra turns its work (member x fold, member x bag, ...) into
one list of jobs and hands it here, so the two cores of a laptop or the workers
of a Dask cluster stay busy until the end instead of waiting on the slowest
member of each small batch.
"""

import threading
from contextlib import contextmanager

import numpy as np
from sklearn.utils.parallel import Parallel, delayed

from .._config import config_context, get_config

# Rough relative cost per training row, by the family an estimator belongs to.
# Only the order matters: the longest jobs are started first.
_FAMILY_COST = (
    ("xgboost", 4.0),
    ("lightgbm", 3.0),
    ("catboost", 6.0),
    ("GradientBoosting", 8.0),
    ("HistGradientBoosting", 3.0),
    ("Forest", 4.0),
    ("Trees", 3.0),
    ("Bagging", 3.0),
    ("AdaBoost", 3.0),
    ("SV", 10.0),
    ("MLP", 6.0),
    ("Neighbors", 0.5),
    ("Tree", 1.0),
)


def estimate_cost(estimator, n_samples):
    """Guess the relative cost of fitting ``estimator`` on ``n_samples`` rows.

    The guess only serves to start long jobs first; it does not need to be
    accurate, only to rank forests and boosting above linear models.

    Parameters
    ----------
    estimator : estimator instance
        The unfitted estimator.
    n_samples : int
        Number of training rows.

    Returns
    -------
    cost : float

    Examples
    --------
    >>> from sklearn.linear_model import LogisticRegression
    >>> from sklearn.ensemble import RandomForestClassifier
    >>> from skextra.utils import estimate_cost
    >>> rf = RandomForestClassifier(n_estimators=100)
    >>> estimate_cost(rf, 1000) > estimate_cost(LogisticRegression(), 1000)
    True
    """
    if estimator is None or estimator == "drop":
        return 0.0
    last = estimator
    if hasattr(estimator, "steps"):
        last = estimator.steps[-1][1]
    kind = f"{type(last).__module__}.{type(last).__name__}"
    factor = 0.5
    for key, value in _FAMILY_COST:
        if key in kind:
            factor = value
            break
    try:
        params = last.get_params(deep=False)
    except Exception:
        params = {}
    n_rounds = params.get("n_estimators") or params.get("max_iter") or 1
    if not isinstance(n_rounds, (int, np.integer)):
        n_rounds = 1
    if "linear_model" in kind:
        n_rounds = 1
    rounds = max(1.0, float(n_rounds) / 10.0)
    return factor * rounds * float(n_samples)


def _aligned(value):
    if isinstance(value, np.ndarray) and not value.flags.aligned:
        return np.require(value, requirements="A")
    return value


def _call_in_worker(config, position, function, /, *args, **kwargs):
    """Run one job under the parent's skextra settings; return its position too.

    joblib's workers (loky processes, threads, Dask or Ray workers) start
    with skextra's default settings; scikit-learn's ``Parallel`` carries only
    scikit-learn's. The parent's settings travel with every job instead.

    Dask (and Ray) may deliver arrays at unaligned addresses; BLAS then takes
    other code paths whose sums differ in the last bits, so fits would not be
    identical to a local run. Copying the (rare) unaligned arrays fixes that.
    The arguments stay top-level so that joblib's Dask backend can scatter
    large arrays once instead of sending them with every job.
    """
    args = tuple(_aligned(a) for a in args)
    kwargs = {k: _aligned(v) for k, v in kwargs.items()}
    _state.in_job = getattr(_state, "in_job", 0) + 1
    try:
        with config_context(**config):
            return position, function(*args, **kwargs)
    finally:
        _state.in_job -= 1


_state = threading.local()


def _progress_console():
    from rich.console import Console

    return Console(stderr=True)


@contextmanager
def _progress(total, description):
    """Yield a callable that advances a progress bar by one finished job.

    The bar exists only with ``skextra.set_config(progress=True)``, on a
    terminal or in a notebook, and only for the outermost run of the thread:
    jobs that run other ensembles (nested runs, or runs inside a worker)
    count as one job of the bar that is already shown.
    """
    shown = (
        get_config()["progress"]
        and not getattr(_state, "in_job", 0)
        and not getattr(_state, "bar", False)
    )
    if not shown:
        yield lambda: None
        return
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeElapsedColumn,
    )

    console = _progress_console()
    bar = Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console,
        transient=True,
        disable=not (console.is_terminal or console.is_jupyter),
    )
    _state.bar = True
    try:
        with bar:
            task = bar.add_task(description, total=total)
            yield lambda: bar.advance(task)
    finally:
        _state.bar = False


def _parallel(n_jobs, verbose, progress_shown):
    """joblib's ``Parallel`` that yields results as they finish, where it can."""
    if progress_shown:
        try:
            return Parallel(
                n_jobs=n_jobs,
                verbose=verbose,
                batch_size=1,
                return_as="generator_unordered",
            )
        except ValueError:  # a backend that cannot return a generator
            pass
    return Parallel(n_jobs=n_jobs, verbose=verbose, batch_size=1)


def run_longest_first(jobs, costs, *, n_jobs=None, verbose=0, description="fitting"):
    """Run independent jobs in parallel, longest first; return results in order.

    Every job runs under the caller's skextra settings
    (:func:`skextra.get_config`), whatever the joblib backend. With
    ``skextra.set_config(progress=True)`` a progress bar counts the finished
    jobs.

    Parameters
    ----------
    jobs : list of (callable, tuple, dict)
        Each job is a function and its positional and keyword arguments. The
        function must be picklable (a module-level function).
    costs : array-like of float
        Estimated cost of each job (higher starts earlier).
    n_jobs : int, default=None
        Number of jobs to run at once, as in joblib; joblib's
        ``parallel_config`` chooses the backend (loky, threads, Dask, Ray).
    verbose : int, default=0
        joblib's verbosity.
    description : str, default="fitting"
        The label of the progress bar.

    Returns
    -------
    results : list
        ``results[i]`` is what ``jobs[i]`` returned, whatever order they ran in.

    Examples
    --------
    >>> from operator import add
    >>> from skextra.utils import run_longest_first
    >>> run_longest_first([(add, (1, 2), {}), (add, (3, 4), {})], [1.0, 5.0])
    [3, 7]
    """
    jobs = list(jobs)
    if len(jobs) != len(costs):
        raise ValueError(
            f"jobs and costs must have the same length, got {len(jobs)} and "
            f"{len(costs)}."
        )
    order = np.argsort(-np.asarray(costs, dtype=float), kind="stable")
    config = get_config()
    tasks = (
        delayed(_call_in_worker)(config, i, jobs[i][0], *jobs[i][1], **jobs[i][2])
        for i in order
    )
    results = [None] * len(jobs)
    with _progress(len(jobs), description) as advance:
        shown = getattr(_state, "bar", False)
        for position, result in _parallel(n_jobs, verbose, shown)(tasks):
            results[position] = result
            advance()
    return results
