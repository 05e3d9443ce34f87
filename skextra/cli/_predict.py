"""``skextra predict``: load a model saved by ``skextra fit`` and predict a CSV file."""

import sys
import zipfile
from pathlib import Path

import pandas as pd

from ._data import CommandError, read_csv
from ._fit import FORMAT

# Types are loaded only from these libraries (plus skops' own defaults).
TRUSTED_PREFIXES = ("skextra.", "sklearn.", "numpy.", "xgboost.", "lightgbm.")
# Plain containers some of those libraries keep inside their models.
TRUSTED_TYPES = ("collections.OrderedDict",)


def add_arguments(parser):
    parser.add_argument(
        "--model",
        required=True,
        metavar="MODEL.skops",
        help="a model saved by `skextra fit`",
    )
    parser.add_argument(
        "--data",
        required=True,
        metavar="FILE.csv",
        help="the rows to predict, with the columns the model was fitted on",
    )
    parser.add_argument(
        "--out",
        default=None,
        metavar="PRED.csv",
        help="where to write the predictions (default: standard output)",
    )
    parser.add_argument(
        "--proba",
        action="store_true",
        help="add one probability column per class (classifiers)",
    )
    parser.add_argument(
        "--id",
        default=None,
        metavar="COLUMN",
        help="copy this column of --data into the output, first",
    )


def untrusted_types(path):
    """The types in ``path`` that skops would not load by default and we refuse."""
    import skops.io as sio

    found = sio.get_untrusted_types(file=path)
    refused = [
        name
        for name in found
        if not name.startswith(TRUSTED_PREFIXES) and name not in TRUSTED_TYPES
    ]
    return found, refused


def load_model(path):
    """Load a bundle saved by ``skextra fit``, refusing foreign types."""
    import skops.io as sio

    path = Path(path)
    if not path.is_file():
        raise CommandError(f"cannot read {path}: no such file")
    try:
        found, refused = untrusted_types(path)
    except (zipfile.BadZipFile, KeyError, ValueError):
        raise CommandError(
            f"{path} is not a model saved by `skextra fit` (not a skops file)"
        ) from None
    if refused:
        raise CommandError(
            f"{path} contains types outside skextra, scikit-learn, NumPy, XGBoost "
            f"and LightGBM; refusing to load it: {', '.join(refused)}"
        )
    bundle = sio.load(path, trusted=found)
    if not isinstance(bundle, dict) or bundle.get("format") != FORMAT:
        raise CommandError(f"{path} is not a model saved by `skextra fit`")
    return bundle


def predict_frame(bundle, frame, *, proba=False, id_column=None, source="--data"):
    """The predictions of ``bundle`` for ``frame`` as a DataFrame."""
    model = bundle["model"]
    needed = list(model.feature_names_in_)
    missing = [column for column in needed if column not in frame.columns]
    if missing:
        raise CommandError(
            f"{source} lacks {len(missing)} column(s) the model was fitted on: "
            f"{', '.join(map(str, missing[:20]))}"
        )
    if id_column is not None and id_column not in frame.columns:
        raise CommandError(f"--id column {id_column!r} is not in {source}")
    X = frame[needed]
    out = pd.DataFrame(index=frame.index)
    if id_column is not None:
        out[id_column] = frame[id_column]
    encoder = bundle.get("label_encoder")
    try:
        prediction = model.predict(X)
        if encoder is not None:
            prediction = encoder.inverse_transform(prediction.astype(int))
        out[bundle["target"]] = prediction
        if proba:
            if encoder is None or not hasattr(model, "predict_proba"):
                raise CommandError("--proba needs a classifier")
            probabilities = model.predict_proba(X)
            for j, label in enumerate(encoder.classes_):
                out[f"proba_{label}"] = probabilities[:, j]
    except CommandError:
        raise
    except (ValueError, TypeError) as exc:
        reason = str(exc).strip().splitlines()
        raise CommandError(
            f"cannot predict {source}: {reason[0] if reason else type(exc).__name__}"
        ) from None
    return out


def run(args):
    """Run ``skextra predict`` with parsed arguments; return the exit code."""
    bundle = load_model(args.model)
    frame = read_csv(args.data)
    predictions = predict_frame(
        bundle, frame, proba=args.proba, id_column=args.id, source=str(args.data)
    )
    if args.out is None:
        predictions.to_csv(sys.stdout, index=False)
    else:
        out = Path(args.out)
        if not out.parent.exists():
            raise CommandError(f"--out {out}: directory {out.parent} does not exist")
        try:
            predictions.to_csv(out, index=False)
        except OSError as exc:
            raise CommandError(f"cannot write {out}: {exc.strerror or exc}") from None
        print(f"{len(predictions)} predictions written to {out}", file=sys.stderr)
    return 0
