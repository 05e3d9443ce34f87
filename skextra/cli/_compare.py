"""``skextra compare``: a cross-validated leaderboard of members and ensembles.

Every model, member or ensemble, is cross-validated as a whole estimator with
:func:`sklearn.model_selection.cross_validate` on the same folds, so the scores
are comparable. The model x fold jobs run as one flat list in parallel.
"""

import time
import warnings

from ._data import (
    CommandError,
    check_folds,
    describe,
    inner_folds,
    load_dataset_of,
    make_preprocessor,
)
from ._models import make_candidates
from ._report import (
    Result,
    check_plot_target,
    make_console,
    print_leaderboard,
    write_plot,
)

DEFAULT_SCORING = {"classification": "accuracy", "regression": "r2"}


def add_arguments(parser):
    parser.add_argument(
        "--cv",
        type=int,
        default=5,
        metavar="K",
        help="number of cross-validation folds (default: 5)",
    )
    parser.add_argument(
        "--scoring",
        default=None,
        metavar="NAME",
        help="a scikit-learn scorer name (default: accuracy for classification, "
        "r2 for regression)",
    )
    parser.add_argument(
        "--models",
        default=None,
        metavar="KEY,KEY",
        help="compare only these models, e.g. xgboost,stacking (default: all; "
        "ensembles always combine every member)",
    )
    parser.add_argument(
        "--plot",
        default=None,
        metavar="FILE.png",
        help="write a bar chart of the leaderboard (needs matplotlib)",
    )


def _check_scoring(name):
    from sklearn.metrics import get_scorer_names

    if name not in get_scorer_names():
        raise CommandError(
            f"--scoring {name!r} is not a scikit-learn scorer; e.g. accuracy, "
            "balanced_accuracy, roc_auc, neg_log_loss, r2, "
            "neg_root_mean_squared_error"
        )


def _splits(dataset, n_splits, random_state):
    from sklearn.model_selection import KFold, StratifiedKFold

    if dataset.task == "classification":
        splitter = StratifiedKFold(n_splits, shuffle=True, random_state=random_state)
    else:
        splitter = KFold(n_splits, shuffle=True, random_state=random_state)
    return list(splitter.split(dataset.X, dataset.y))


def _score_fold(index, model, X, y, split, scoring):
    """Cross-validate ``model`` on one fold.

    Returns ``(index, fit_time, score, error)``; a failure is returned as its
    message, so that one failing model does not stop the comparison.
    """
    from sklearn.model_selection import cross_validate

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            scores = cross_validate(
                model, X, y, cv=[split], scoring=scoring, error_score="raise"
            )
        except Exception as exc:  # reported in the leaderboard, not raised
            lines = str(exc).strip().splitlines()
            message = f"{type(exc).__name__}: {lines[0] if lines else ''}"
            return index, None, None, message
    return index, float(scores["fit_time"][0]), float(scores["test_score"][0]), None


def cross_validate_all(candidates, dataset, splits, *, scoring, n_jobs, progress=True):
    """Cross-validate every candidate on ``splits``; one :class:`Result` each."""
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeElapsedColumn,
    )
    from sklearn.pipeline import Pipeline
    from sklearn.utils.parallel import Parallel, delayed

    preprocessor = make_preprocessor(dataset.numeric, dataset.categorical)
    models = [
        Pipeline([("preprocess", preprocessor), ("model", c.estimator)])
        for c in candidates
    ]
    results = [Result(c.key, c.kind, c.estimator_name) for c in candidates]
    # Ensembles fit their members several times: start them first.
    order = [i for i, c in enumerate(candidates) if c.kind == "ensemble"]
    order += [i for i, c in enumerate(candidates) if c.kind != "ensemble"]
    jobs = [
        delayed(_score_fold)(i, models[i], dataset.X, dataset.y, split, scoring)
        for i in order
        for split in splits
    ]
    columns = (
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("model x fold fits"),
        TimeElapsedColumn(),
    )
    console = make_console(stderr=True)
    progress_bar = Progress(
        *columns, console=console, transient=True, disable=not progress
    )
    with progress_bar as bar:
        task = bar.add_task("cross-validating", total=len(jobs))
        parallel = Parallel(
            n_jobs=n_jobs, return_as="generator_unordered", batch_size=1
        )
        for index, fit_time, score, error in parallel(jobs):
            result = results[index]
            if error is not None:
                result.error = result.error or error
            else:
                result.scores.append(score)
                result.fit_times.append(fit_time)
            bar.advance(task)
    for result in results:
        if result.failed:
            result.scores, result.fit_times = [], []
    return results


def run(args):
    """Run ``skextra compare`` with parsed arguments; return the exit code."""
    import skextra

    if args.cv < 2:
        raise CommandError(f"--cv must be at least 2, got {args.cv}")
    if args.plot is not None:
        check_plot_target(args.plot)
    dataset = load_dataset_of(args)
    scoring = args.scoring or DEFAULT_SCORING[dataset.task]
    _check_scoring(scoring)
    check_folds(dataset, args.cv)
    inner_cv = inner_folds(dataset, args.cv, 3 if args.quick else 5)

    candidates = make_candidates(
        dataset.task,
        quick=args.quick,
        cv=inner_cv,
        n_jobs=1,
        random_state=args.random_state,
    )
    if args.models is not None:
        wanted = [key.strip() for key in args.models.split(",") if key.strip()]
        known = [c.key for c in candidates]
        unknown = [key for key in wanted if key not in known]
        if unknown or not wanted:
            raise CommandError(
                f"--models: unknown model(s) {', '.join(unknown) or '(none given)'}; "
                f"choose among {', '.join(known)}"
            )
        candidates = [c for c in candidates if c.key in wanted]
    splits = _splits(dataset, args.cv, args.random_state)
    console = make_console()
    console.print(describe(dataset), soft_wrap=True, markup=False)
    console.print(
        f"{len(candidates)} models x {args.cv} folds, metric: {scoring}, "
        f"ensembles' inner folds: {inner_cv}, n_jobs={args.n_jobs}, "
        f"random_state={args.random_state}" + (", quick members" if args.quick else ""),
        soft_wrap=True,
    )
    start = time.perf_counter()
    # One bar for the whole comparison: the ensembles show none of their own.
    with skextra.config_context(progress=False):
        results = cross_validate_all(
            candidates,
            dataset,
            splits,
            scoring=scoring,
            n_jobs=args.n_jobs,
            progress=not args.no_progress,
        )
    elapsed = time.perf_counter() - start
    if all(result.failed for result in results):
        raise CommandError(f"every model failed; first error: {results[0].error}")

    title = f"{dataset.name}: {scoring}, {args.cv}-fold cross-validation"
    print_leaderboard(results, metric=scoring, title=title, console=console)
    console.print(f"wall time: {elapsed:.1f} s", soft_wrap=True)
    if args.plot is not None:
        write_plot(results, args.plot, metric=scoring, title=title)
        console.print(f"plot written to {args.plot}", soft_wrap=True, markup=False)
    return 0
