"""The models the command compares and fits: default members and ensembles of them.

Members are light by default (100 trees or rounds, one thread each) so that a
comparison on a few thousand rows takes seconds per model; ``quick`` makes them
lighter still. The ensembles are skextra's, built from whatever
:mod:`skextra.ensemble` provides.
"""

from dataclasses import dataclass

MEMBER_KEYS = ("linear", "random-forest", "lightgbm", "xgboost")

# key, description, (classifier class names, regressor class names), extra
# parameters. The first class name that skextra.ensemble exports is used.
_ENSEMBLES = (
    (
        "stacking",
        "stacked generalisation: a final model over out-of-fold predictions",
        (("StackingClassifier",), ("StackingRegressor",)),
        {},
    ),
    (
        "selection",
        "Caruana ensemble selection: greedy weighted average",
        (("EnsembleSelectionClassifier",), ("EnsembleSelectionRegressor",)),
        {},
    ),
    (
        "mean",
        "combination rule: mean of the members' probabilities / predictions",
        (
            ("MeanClassifier", "AverageClassifier", "CombinationClassifier"),
            ("MeanRegressor", "AverageRegressor", "CombinationRegressor"),
        ),
        {"rule": "mean", "voting": "soft"},
    ),
    (
        "blending",
        "blending: a final model over hold-out predictions",
        (("BlendingClassifier",), ("BlendingRegressor",)),
        {},
    ),
)


@dataclass
class Candidate:
    """One model of the comparison."""

    key: str
    kind: str  # "member" or "ensemble"
    estimator: object

    @property
    def estimator_name(self):
        last = self.estimator
        if hasattr(last, "steps"):
            last = last.steps[-1][1]
        return type(last).__name__


def _ensemble_class(names):
    import skextra.ensemble as ensemble

    for name in names:
        cls = getattr(ensemble, name, None)
        if isinstance(cls, type):
            return cls
    return None


def ensemble_keys(task=None):
    """The ensembles skextra provides, as ``{key: description}``."""
    keys = {}
    for key, description, (classifiers, regressors), _ in _ENSEMBLES:
        names = {
            "classification": classifiers,
            "regression": regressors,
            None: classifiers + regressors,
        }[task]
        if _ensemble_class(names) is not None:
            keys[key] = description
    return keys


def model_keys():
    """Every value ``--model`` accepts."""
    return list(MEMBER_KEYS) + list(ensemble_keys())


def make_members(task, *, quick=False, random_state=0):
    """The default members as ``[(key, estimator), ...]``."""
    from lightgbm import LGBMClassifier, LGBMRegressor
    from sklearn.ensemble import RandomForestClassifier, RandomForestRegressor
    from sklearn.linear_model import LogisticRegression, Ridge
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler
    from xgboost import XGBClassifier, XGBRegressor

    n_estimators = 20 if quick else 100
    trees = dict(n_estimators=n_estimators, random_state=random_state, n_jobs=1)
    boosting = dict(trees, learning_rate=0.1)
    if quick:
        trees["max_depth"] = 6
        boosting["max_depth"] = 3
    if task == "classification":
        linear = make_pipeline(StandardScaler(), LogisticRegression(max_iter=1000))
        forest = RandomForestClassifier(**trees)
        lightgbm = LGBMClassifier(**boosting, verbose=-1)
        xgboost = XGBClassifier(**boosting, verbosity=0)
    else:
        linear = make_pipeline(StandardScaler(), Ridge())
        forest = RandomForestRegressor(**trees)
        lightgbm = LGBMRegressor(**boosting, verbose=-1)
        xgboost = XGBRegressor(**boosting, verbosity=0)
    return [
        ("linear", linear),
        ("random-forest", forest),
        ("lightgbm", lightgbm),
        ("xgboost", xgboost),
    ]


def _build(cls, members, params):
    accepted = cls._get_param_names()
    kwargs = {key: value for key, value in params.items() if key in accepted}
    if "estimators" not in accepted:
        raise TypeError(f"{cls.__name__} takes no 'estimators' parameter")
    return cls(estimators=members, **kwargs)


def make_ensembles(task, members, *, cv=5, n_jobs=1, random_state=0):
    """skextra's ensembles over ``members`` as ``[(key, estimator), ...]``."""
    built = []
    for key, _, (classifiers, regressors), extra in _ENSEMBLES:
        cls = _ensemble_class(classifiers if task == "classification" else regressors)
        if cls is None:
            continue
        params = {"cv": cv, "n_jobs": n_jobs, "random_state": random_state, **extra}
        built.append((key, _build(cls, members, params)))
    return built


def make_candidates(task, *, quick=False, cv=5, n_jobs=1, random_state=0, only=None):
    """Members and ensembles, each wrapped with ``preprocessor`` later.

    Parameters
    ----------
    only : str, default=None
        Build just the model with this key.
    """
    members = make_members(task, quick=quick, random_state=random_state)
    candidates = [Candidate(key, "member", estimator) for key, estimator in members]
    ensembles = make_ensembles(
        task, members, cv=cv, n_jobs=n_jobs, random_state=random_state
    )
    candidates += [Candidate(key, "ensemble", est) for key, est in ensembles]
    if only is not None:
        candidates = [c for c in candidates if c.key == only]
    return candidates
