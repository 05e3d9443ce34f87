"""The table the command works on: a CSV file or a bundled dataset.

Reading, choosing the task, checking the target and the feature columns, and
the preprocessing step that turns the columns into numbers. Every problem with
the user's input raises :class:`CommandError` with a message that names it.
"""

import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
from pandas.api import types as ptypes

# Text columns with at most this many distinct values are one-hot encoded;
# columns with more are refused (free text, identifiers, dates).
MAX_CATEGORIES = 20
# With ``--task auto`` a numeric target with at most this many distinct values
# is a classification target.
MAX_AUTO_CLASSES = 20
# Column names that say "identifier": id, ID, Id, customer_id, customerId, id_2.
ID_NAME = re.compile(
    r"^(id|ID|Id)$|[_\-\s](id|ID|Id)$|[a-z0-9](Id|ID)$|^(id|ID|Id)[_\-\s]"
)


class CommandError(Exception):
    """A problem with the user's input, reported as one line with exit code 2."""


@dataclass
class Dataset:
    """A table split into features and an encoded target.

    Attributes
    ----------
    X : pandas.DataFrame
        The feature columns.
    y : ndarray
        The target; for classification encoded as 0..n_classes-1.
    task : {"classification", "regression"}
    name : str
        Where the data came from, for the report.
    target : str
        The name of the target column.
    numeric, categorical : list of str
        The numeric and the one-hot encoded feature columns.
    label_encoder : LabelEncoder or None
        Maps the encoded classes back to the original labels.
    task_reason : str
        Why ``task`` was chosen, for the report.
    identifiers : dict
        The columns left out because they look like row identifiers, with
        the reason (see :func:`identifier_reason`).
    """

    X: pd.DataFrame
    y: np.ndarray
    task: str
    name: str
    target: str
    numeric: list = field(default_factory=list)
    categorical: list = field(default_factory=list)
    label_encoder: object = None
    task_reason: str = ""
    identifiers: dict = field(default_factory=dict)

    @property
    def n_classes(self):
        if self.label_encoder is None:
            return None
        return len(self.label_encoder.classes_)


def read_csv(path):
    """Read a CSV file into a DataFrame; every failure is a CommandError."""
    path = Path(path)
    try:
        frame = pd.read_csv(path)
    except FileNotFoundError:
        raise CommandError(f"cannot read {path}: no such file") from None
    except IsADirectoryError:
        raise CommandError(f"cannot read {path}: it is a directory") from None
    except PermissionError:
        raise CommandError(f"cannot read {path}: permission denied") from None
    except pd.errors.EmptyDataError:
        raise CommandError(f"{path} is empty: no header and no rows") from None
    except UnicodeDecodeError:
        raise CommandError(f"{path} is not a UTF-8 text (CSV) file") from None
    except pd.errors.ParserError as exc:
        reason = str(exc).strip().splitlines()[-1] if str(exc).strip() else ""
        raise CommandError(f"{path} is not a valid CSV file: {reason}") from None
    except (OSError, ValueError) as exc:
        raise CommandError(f"cannot read {path} as CSV: {exc}") from None
    if frame.shape[0] == 0:
        raise CommandError(f"{path} has a header but no rows")
    return frame


def _list_columns(columns, limit=30):
    names = [str(column) for column in columns]
    shown = ", ".join(names[:limit])
    if len(names) > limit:
        shown += f", ... ({len(names) - limit} more)"
    return shown


def _bundled(task):
    from sklearn.datasets import load_breast_cancer, load_diabetes

    if task == "regression":
        bunch, name = load_diabetes(as_frame=True), "diabetes (scikit-learn)"
    else:
        bunch, name = load_breast_cancer(as_frame=True), "breast_cancer (scikit-learn)"
    return bunch.frame, "target", name


def infer_task(y):
    """Choose classification or regression from the target column.

    Classification when the target is not numeric (text, booleans,
    categories) or has at most ``MAX_AUTO_CLASSES`` distinct values;
    regression otherwise.
    """
    n_unique = y.nunique(dropna=True)
    if ptypes.is_bool_dtype(y) or not ptypes.is_numeric_dtype(y):
        return "classification", "auto: the target is not numeric"
    if n_unique <= MAX_AUTO_CLASSES:
        return (
            "classification",
            f"auto: the target has {n_unique} distinct values "
            f"(at most {MAX_AUTO_CLASSES})",
        )
    return (
        "regression",
        f"auto: the numeric target has {n_unique} distinct values "
        f"(more than {MAX_AUTO_CLASSES})",
    )


def _split_columns(X, source):
    """Numeric and low-cardinality text columns; refuse everything else."""
    numeric, categorical, refused = [], [], []
    for column in X.columns:
        values = X[column]
        if ptypes.is_bool_dtype(values) or ptypes.is_numeric_dtype(values):
            numeric.append(column)
        elif ptypes.is_datetime64_any_dtype(values) or ptypes.is_timedelta64_dtype(
            values
        ):
            refused.append(f"{column!r} (dates)")
        else:
            n_unique = values.nunique(dropna=True)
            if n_unique <= MAX_CATEGORIES:
                categorical.append(column)
            else:
                refused.append(f"{column!r} ({n_unique} distinct values)")
    if refused:
        what = "column" if len(refused) == 1 else "columns"
        raise CommandError(
            f"{source}: {what} {', '.join(refused)} cannot be used as features: "
            f"only numeric columns and text columns with at most {MAX_CATEGORIES} "
            "distinct values are encoded; drop them with --drop NAME or encode "
            "them yourself"
        )
    return numeric, categorical


def _read_table(data, target, task):
    """The table, its target column and its name for messages."""
    if data is None:
        if target is not None:
            raise CommandError("--target needs --data FILE.csv")
        return _bundled(task)
    frame, name = read_csv(data), str(data)
    if target is None:
        raise CommandError(
            f"--data needs --target COLUMN; the columns of {name} are: "
            f"{_list_columns(frame.columns)}"
        )
    return frame, target, name


def _check_named_columns(frame, name, target, options):
    """Every column the user named (``{option: [columns]}``) is in the table."""
    if target not in frame.columns:
        raise CommandError(
            f"target column {target!r} is not in {name}; its columns are: "
            f"{_list_columns(frame.columns)}"
        )
    for option, columns in options.items():
        unknown = [column for column in columns if column not in frame.columns]
        if unknown:
            raise CommandError(
                f"{option}: {', '.join(map(repr, unknown))} not in {name}; its "
                f"columns are: {_list_columns(frame.columns)}"
            )
    if target in options.get("--id", ()):
        raise CommandError(f"--id {target}: the target cannot be the id column")


def identifier_reason(column, values):
    """Why ``column`` looks like a row identifier, or None when it does not.

    An identifier is named like one (``id``, ``ID``, ``Id``, ``*_id``,
    ``customerId``, ``id_*``) or holds a different value on every row, each
    an integer or a single word (no spaces: a code, a key, a UUID).
    """
    if ID_NAME.search(str(column)):
        return "named like an id"
    if len(values) < 2 or values.isna().any() or not values.is_unique:
        return None
    if ptypes.is_integer_dtype(values) and not ptypes.is_bool_dtype(values):
        return "a different integer on every row"
    if all(isinstance(value, str) and len(value.split()) == 1 for value in values):
        return "a different word on every row"
    return None


def find_identifiers(X, keep=()):
    """The columns of ``X`` that look like row identifiers, as ``{column: why}``."""
    found = {}
    for column in X.columns:
        if column not in keep:
            reason = identifier_reason(column, X[column])
            if reason is not None:
                found[column] = reason
    return found


def _features(frame, name, target, left_out, keep):
    """The feature columns and the identifiers found among the others."""
    X = frame.drop(columns=[target, *[c for c in left_out if c != target]])
    identifiers = find_identifiers(X, keep)
    X = X.drop(columns=list(identifiers))
    if X.shape[1] == 0:
        reason = f"{name} has no feature columns besides the target {target!r}"
        if identifiers:
            reason += (
                f" and the id column(s) {', '.join(map(repr, identifiers))}; "
                "--keep COLUMN uses one as a feature"
            )
        raise CommandError(reason)
    return X, identifiers


def _choose_task(y, task):
    if task == "auto":
        return infer_task(y)
    return task, "chosen with --task"


def _encode_target(y, task, target):
    """The target as the estimators take it, and the label encoder (or None)."""
    from sklearn.preprocessing import LabelEncoder

    if task == "classification":
        classes = y.unique()
        if len(classes) < 2:
            raise CommandError(
                f"target column {target!r} has a single class "
                f"({_scalar(classes[0])!r}); classification needs at least two"
            )
        encoder = LabelEncoder()
        return encoder.fit_transform(y.to_numpy()), encoder
    if ptypes.is_bool_dtype(y) or not ptypes.is_numeric_dtype(y):
        raise CommandError(
            f"target column {target!r} is not numeric (e.g. {y.iloc[0]!r}); "
            "regression needs numbers, use --task classification"
        )
    values = y.to_numpy(dtype=float)
    if not np.all(np.isfinite(values)):
        raise CommandError(f"target column {target!r} has infinite values")
    return values, None


def load_dataset(data=None, target=None, task="auto", drop=(), id_column=None, keep=()):
    """Read the table, pick the task and check what the command needs.

    Parameters
    ----------
    data : str or path, default=None
        A CSV file with a header row. ``None`` uses a dataset that ships with
        scikit-learn (breast cancer; diabetes for ``task="regression"``).
    target : str, default=None
        The target column; required with ``data``.
    task : {"auto", "classification", "regression"}, default="auto"
    drop : sequence of str, default=()
        Columns to leave out.
    id_column : str, default=None
        The column that identifies the rows: left out of the features.
    keep : sequence of str, default=()
        Columns used as features even if they look like identifiers (see
        :func:`identifier_reason`); every other such column is left out.

    Returns
    -------
    Dataset
    """
    frame, target, name = _read_table(data, target, task)
    drop, keep = list(drop or ()), list(keep or ())
    ids = [] if id_column is None else [id_column]
    _check_named_columns(
        frame, name, target, {"--drop": drop, "--id": ids, "--keep": keep}
    )
    X, identifiers = _features(frame, name, target, [*drop, *ids], keep)
    y = frame[target]
    n_missing = int(y.isna().sum())
    if n_missing:
        raise CommandError(
            f"target column {target!r} has {n_missing} missing values; remove "
            "those rows first"
        )
    task, reason = _choose_task(y, task)
    numeric, categorical = _split_columns(X, name)
    y_encoded, encoder = _encode_target(y, task, target)
    return Dataset(
        X=X,
        y=y_encoded,
        task=task,
        name=name,
        target=target,
        numeric=numeric,
        categorical=categorical,
        label_encoder=encoder,
        task_reason=reason,
        identifiers=identifiers,
    )


def load_dataset_of(args):
    """:func:`load_dataset` for a command's parsed data arguments.

    The identifier columns it leaves out are named on standard error.
    """
    dataset = load_dataset(
        args.data,
        args.target,
        args.task,
        drop=args.drop,
        id_column=args.id,
        keep=args.keep,
    )
    note = identifier_note(dataset)
    if note is not None:
        print(note, file=sys.stderr)
    return dataset


def identifier_note(dataset):
    """One line naming the columns left out as identifiers, or None."""
    if not dataset.identifiers:
        return None
    found = ", ".join(f"{c!r} ({why})" for c, why in dataset.identifiers.items())
    what = "column" if len(dataset.identifiers) == 1 else "columns"
    return (
        f"skextra: left out the id {what} {found}; --keep COLUMN uses one as a feature"
    )


def check_folds(dataset, n_splits, option="--cv"):
    """Refuse data too small for ``n_splits`` folds, naming the smallest class."""
    if dataset.task == "classification":
        counts = np.bincount(dataset.y)
        smallest = int(np.argmin(counts))
        if counts[smallest] < n_splits:
            label = _scalar(dataset.label_encoder.classes_[smallest])
            hint = f"use a smaller {option} or remove that class"
            if len(counts) > MAX_AUTO_CLASSES:
                hint = (
                    f"the target has {len(counts)} distinct values: for a "
                    "numeric target use --task regression"
                )
            raise CommandError(
                f"class {label!r} of target {dataset.target!r} has "
                f"{counts[smallest]} rows, fewer than the {n_splits} folds of "
                f"{option} {n_splits}; {hint}"
            )
    else:
        needed = 2 * n_splits
        if len(dataset.y) < needed:
            raise CommandError(
                f"{dataset.name} has {len(dataset.y)} rows; {option} {n_splits} "
                f"needs at least {needed}"
            )


def inner_folds(dataset, n_splits, default):
    """Folds the ensembles can use inside each of ``n_splits`` training parts.

    ``default``, or fewer when the smallest class (or the data, for
    regression) of a training part is too small for it.
    """
    if dataset.task == "classification":
        smallest = int(np.bincount(dataset.y).min())
    else:
        smallest = len(dataset.y) // 2
    in_training = smallest * (n_splits - 1) // n_splits
    folds = min(default, in_training)
    if folds < 2:
        raise CommandError(
            f"{dataset.name} is too small: with --cv {n_splits} the smallest "
            f"class has {in_training} rows in a training part, and the "
            "ensembles need at least 2 for their own folds"
        )
    return folds


def _scalar(value):
    """A NumPy scalar as the Python value it holds (for messages)."""
    return value.item() if isinstance(value, np.generic) else value


def make_preprocessor(numeric, categorical):
    """Impute numeric columns, impute and one-hot encode the text columns."""
    from sklearn.compose import ColumnTransformer
    from sklearn.impute import SimpleImputer
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import OneHotEncoder

    transformers = []
    if numeric:
        transformers.append(
            (
                "numeric",
                SimpleImputer(strategy="median", keep_empty_features=True),
                list(numeric),
            )
        )
    if categorical:
        transformers.append(
            (
                "categorical",
                make_pipeline(
                    SimpleImputer(strategy="most_frequent", keep_empty_features=True),
                    OneHotEncoder(handle_unknown="ignore", sparse_output=False),
                ),
                list(categorical),
            )
        )
    return ColumnTransformer(transformers, remainder="drop", sparse_threshold=0.0)


def describe(dataset):
    """One line about the data for the report."""
    n_rows, n_columns = dataset.X.shape
    features = "feature" if n_columns == 1 else "features"
    text = f"{dataset.name}: {n_rows} rows x {n_columns} {features}"
    if dataset.categorical:
        text += f" ({len(dataset.categorical)} one-hot encoded)"
    text += f", target {dataset.target!r}, {dataset.task}"
    if dataset.task == "classification":
        text += f" ({dataset.n_classes} classes)"
    if dataset.task_reason.startswith("auto"):
        text += f" [{dataset.task_reason}; --task overrides]"
    return text
