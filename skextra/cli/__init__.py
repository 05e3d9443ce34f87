"""The ``skextra`` command: compare, fit and predict from a CSV file.

``skextra compare`` cross-validates default members (a linear model, a random
forest, LightGBM, XGBoost) and skextra's ensembles of them on the same folds
and prints a leaderboard; ``skextra fit`` fits one of them and saves it with
skops; ``skextra predict`` loads it and predicts a CSV file. Without
arguments, ``skextra`` runs ``compare`` on a dataset that ships with
scikit-learn.
"""

import argparse
import os
import sys

from ._data import MAX_CATEGORIES, CommandError

_COMMANDS = ("compare", "fit", "predict")
# The status of a command-line tool stopped by SIGPIPE (128 + 13), as when
# ``seq 100000 | head -1`` stops ``seq``.
EXIT_BROKEN_PIPE = 141

_EPILOG = f"""\
CSV files need a header row. Numeric columns are used as they are (missing
values are imputed with the median); text columns with at most {MAX_CATEGORIES}
distinct values are one-hot encoded; other text columns (free text, dates)
are refused: leave them out with --drop. Identifier columns -- named like an
id (id, ID, Id, *_id, customerId) or holding a different integer or word on
every row -- are left out, with a note on standard error; --keep COLUMN uses
one as a feature. Without --data, compare uses scikit-learn's breast cancer
dataset (diabetes with --task regression).
"""


def _add_data_arguments(parser, required):
    parser.add_argument(
        "--data",
        required=required,
        default=None,
        metavar="FILE.csv",
        help="a CSV file with a header row"
        + ("" if required else " (default: a dataset bundled with scikit-learn)"),
    )
    parser.add_argument(
        "--target",
        required=required,
        default=None,
        metavar="COLUMN",
        help="the column to predict",
    )
    parser.add_argument(
        "--task",
        choices=("auto", "classification", "regression"),
        default="auto",
        help="auto: classification when the target is not numeric or has at most "
        "20 distinct values (default: auto)",
    )
    parser.add_argument(
        "--drop",
        action="append",
        default=[],
        metavar="COLUMN",
        help="leave this column out (repeatable)",
    )
    parser.add_argument(
        "--id",
        default=None,
        metavar="COLUMN",
        help="the column that identifies the rows: left out of the features",
    )
    parser.add_argument(
        "--keep",
        action="append",
        default=[],
        metavar="COLUMN",
        help="use this column as a feature even if it looks like an identifier "
        "(repeatable)",
    )
    parser.add_argument(
        "--n-jobs",
        type=int,
        default=-1,
        metavar="N",
        help="parallel jobs; -1 uses every core (default: -1)",
    )
    parser.add_argument(
        "--random-state",
        type=int,
        default=0,
        metavar="SEED",
        help="seed of the folds and the members (default: 0)",
    )
    parser.add_argument(
        "--quick",
        action="store_true",
        help="lighter members (20 trees / rounds) and 3 inner folds",
    )
    parser.add_argument(
        "--no-progress",
        action="store_true",
        help="no progress bar",
    )


def build_parser():
    """The argument parser of the ``skextra`` command."""
    import skextra

    from . import _compare, _fit, _predict
    from ._models import model_keys

    parser = argparse.ArgumentParser(
        prog="skextra",
        description="Compare, fit and save ensembles of tabular models.",
        epilog=_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "--version", action="version", version=f"skextra {skextra.__version__}"
    )
    commands = parser.add_subparsers(dest="command", metavar="{compare,fit,predict}")

    compare = commands.add_parser(
        "compare",
        help="cross-validated leaderboard of members and ensembles (default)",
        description="Cross-validate default members and skextra's ensembles of\n"
        "them on the same folds and print a leaderboard.",
        epilog=f"models: {', '.join(model_keys())}\n\n{_EPILOG}",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    _add_data_arguments(compare, required=False)
    _compare.add_arguments(compare)

    fit = commands.add_parser(
        "fit",
        help="fit one model on a CSV file and save it (skops format)",
        description="Fit one model on every row of a CSV file, preprocessing\n"
        "included, and save it in the skops format.",
        epilog=_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    _add_data_arguments(fit, required=True)
    _fit.add_arguments(fit, model_keys())

    predict = commands.add_parser(
        "predict",
        help="predict a CSV file with a model saved by `skextra fit`",
        description="Load a model saved by `skextra fit` (only types from\n"
        "skextra, scikit-learn, NumPy, XGBoost and LightGBM are loaded) and\n"
        "write its predictions for the rows of a CSV file.",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    _predict.add_arguments(predict)
    return parser


def _normalise(argv):
    argv = list(sys.argv[1:] if argv is None else argv)
    if not argv:
        return ["compare"]
    if argv[0] not in _COMMANDS and argv[0] not in ("-h", "--help", "--version"):
        return ["compare", *argv]
    return argv


def _quiet_stdout():
    """Point standard output at the null device, so that nothing more is written.

    Once the reader of a pipe (``skextra predict ... | head -1``) has gone,
    Python would report the failure of its final flush at exit.
    """
    try:
        descriptor = sys.stdout.fileno()
    except (AttributeError, OSError, ValueError):  # not a real file
        return
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, descriptor)
    os.close(devnull)


def main(argv=None):
    """Run the ``skextra`` command.

    Parameters
    ----------
    argv : list of str, default=None
        The arguments; ``None`` reads ``sys.argv``. Without a sub-command,
        ``compare`` runs.

    Returns
    -------
    status : int
        0 on success. Problems with the input print one line
        ``skextra: error: ...`` on standard error and exit with status 2.
        When the reader of standard output goes away (``| head``), the
        command stops quietly with status 141, as one stopped by SIGPIPE.

    Examples
    --------
    >>> from skextra.cli import main
    >>> main(["compare", "--models", "linear", "--cv", "2", "--n-jobs", "1",
    ...       "--no-progress"])  # doctest: +ELLIPSIS, +NORMALIZE_WHITESPACE
    breast_cancer (scikit-learn): 569 rows x 30 features, ...
    ...│ linear ★ │ LogisticRegression │ 0.9859 ± 0.0000 │ best │ ...
    0
    """
    from . import _compare, _fit, _predict

    args = build_parser().parse_args(_normalise(argv))
    commands = {"compare": _compare.run, "fit": _fit.run, "predict": _predict.run}
    try:
        status = commands[args.command](args)
        sys.stdout.flush()
        return status
    except BrokenPipeError:
        _quiet_stdout()
        raise SystemExit(EXIT_BROKEN_PIPE) from None
    except CommandError as exc:
        print(f"skextra: error: {exc}", file=sys.stderr)
        raise SystemExit(2) from None
    except KeyboardInterrupt:
        print("skextra: interrupted", file=sys.stderr)
        raise SystemExit(130) from None


__all__ = ["main"]
