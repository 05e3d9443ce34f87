"""``skextra fit``: fit one model on a CSV file and save it in the skops format."""

import time
import warnings
from contextlib import nullcontext
from pathlib import Path

from ._data import (
    CommandError,
    check_folds,
    describe,
    load_dataset_of,
    make_preprocessor,
)
from ._models import make_candidates
from ._report import make_console

FORMAT = "skextra-model"
FORMAT_VERSION = 1


def add_arguments(parser, model_keys):
    parser.add_argument(
        "--model",
        default="stacking",
        choices=model_keys,
        help="the model to fit (default: stacking)",
    )
    parser.add_argument(
        "--out",
        required=True,
        metavar="MODEL.skops",
        help="where to save the fitted model (skops format)",
    )
    parser.add_argument(
        "--cv",
        type=int,
        default=5,
        metavar="K",
        help="folds the ensembles use for their out-of-fold predictions (default: 5)",
    )


def _candidate(args, dataset):
    """The model ``--model`` names, its member set to ``--n-jobs``."""
    candidates = make_candidates(
        dataset.task,
        quick=args.quick,
        cv=args.cv,
        n_jobs=args.n_jobs,
        random_state=args.random_state,
        only=args.model,
    )
    if not candidates:
        raise CommandError(f"--model {args.model} is not available for {dataset.task}")
    candidate = candidates[0]
    if candidate.kind == "member":
        last = candidate.estimator
        last = last.steps[-1][1] if hasattr(last, "steps") else last
        if "n_jobs" in last.get_params():
            last.set_params(n_jobs=args.n_jobs)
    return candidate


def _fit(model, candidate, dataset, progress):
    """Fit ``model``; an ensemble shows its own progress bar, a member a spinner."""
    import skextra

    spinner = progress and candidate.kind == "member"
    with (
        make_console(stderr=True).status(
            f"fitting {candidate.key} ({candidate.estimator_name})", spinner="dots"
        )
        if spinner
        else nullcontext()
    ):
        with skextra.config_context(progress=progress), warnings.catch_warnings():
            warnings.simplefilter("ignore")
            model.fit(dataset.X, dataset.y)


def _save(bundle, out):
    import skops.io as sio

    try:
        sio.dump(bundle, out)
    except OSError as exc:
        raise CommandError(f"cannot write {out}: {exc.strerror or exc}") from None


def run(args):
    """Run ``skextra fit`` with parsed arguments; return the exit code."""
    from sklearn.pipeline import Pipeline

    import skextra
    from skextra.gpu import to_cpu

    if args.cv < 2:
        raise CommandError(f"--cv must be at least 2, got {args.cv}")
    out = Path(args.out)
    if not out.parent.exists():
        raise CommandError(f"--out {out}: directory {out.parent} does not exist")
    dataset = load_dataset_of(args)
    check_folds(dataset, args.cv)
    candidate = _candidate(args, dataset)
    model = Pipeline(
        [
            ("preprocess", make_preprocessor(dataset.numeric, dataset.categorical)),
            ("model", candidate.estimator),
        ]
    )
    console = make_console()
    console.print(describe(dataset), soft_wrap=True, markup=False)
    start = time.perf_counter()
    _fit(model, candidate, dataset, progress=not args.no_progress)
    elapsed = time.perf_counter() - start
    bundle = {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "skextra_version": skextra.__version__,
        # A model fitted on a GPU is saved as its CPU counterpart, so that it
        # loads on any machine (and with the types `skextra predict` trusts).
        "model": to_cpu(model),
        "model_key": candidate.key,
        "task": dataset.task,
        "target": dataset.target,
        "label_encoder": dataset.label_encoder,
    }
    _save(bundle, out)
    console.print(
        f"fitted {candidate.key} ({candidate.estimator_name}) in {elapsed:.1f} s; "
        f"saved to {out}",
        soft_wrap=True,
        markup=False,
    )
    return 0
