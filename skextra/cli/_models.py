"""The models the command compares and fits: default members and ensembles of them.

Members are light by default (100 trees or rounds, one thread each) so that a
comparison on a few thousand rows takes seconds per model; ``quick`` makes them
lighter still. The ensembles are skextra's (:data:`ENSEMBLES` says which
class each key builds, with which settings).
"""

from dataclasses import dataclass, field

MEMBER_KEYS = ("linear", "random-forest", "lightgbm", "xgboost")


@dataclass(frozen=True)
class EnsembleSpec:
    """How the command builds one of skextra's ensembles.

    ``settings`` names the command's settings (``cv``, ``n_jobs``,
    ``random_state``) the ensemble takes; ``params`` are fixed parameters.
    Both are passed as they are, so a name the class does not take is an
    error, never dropped. ``second_layer`` stacks a second layer of the
    members (unfitted copies, named ``<key>-2``) on the first.
    """

    key: str
    description: str
    classifier: str
    regressor: str
    settings: tuple
    params: dict = field(default_factory=dict)
    second_layer: bool = False

    def class_for(self, task):
        import skextra.ensemble as ensemble

        name = self.classifier if task == "classification" else self.regressor
        return getattr(ensemble, name)

    def build(self, task, members, **settings):
        """The unfitted ensemble of ``members`` for ``task``."""
        from sklearn.base import clone

        chosen = {name: settings[name] for name in self.settings}
        if self.second_layer:
            chosen["layers"] = [[(f"{key}-2", clone(est)) for key, est in members]]
        return self.class_for(task)(estimators=members, **chosen, **self.params)


# stacking-layers: bagged members, two layers, one or two kept on held-out rows.
_LAYERS = {
    "refit": False,
    "select_final": True,
    "passthrough": "all",
    "select_layers": True,
}

ENSEMBLES = (
    EnsembleSpec(
        "stacking",
        "stacked generalisation: a final model over out-of-fold predictions",
        "StackingClassifier",
        "StackingRegressor",
        ("cv", "n_jobs"),
    ),
    EnsembleSpec(
        "stacking-bagged",
        "stacking with bagged fold members, two repeats of the folds, and the "
        "final layer chosen out of fold (final model, convex weights or the "
        "best member)",
        "StackingClassifier",
        "StackingRegressor",
        ("cv", "n_jobs", "random_state"),
        {"refit": False, "n_repeats": 2, "select_final": True},
    ),
    EnsembleSpec(
        "stacking-layers",
        "stacking-bagged (one repeat) with a second layer of the members on "
        "the inputs and the first layer's outputs, one layer or two chosen "
        "on a held-out ninth of the rows",
        "StackingClassifier",
        "StackingRegressor",
        ("cv", "n_jobs", "random_state"),
        _LAYERS,
        second_layer=True,
    ),
    EnsembleSpec(
        "stacking-oob",
        "stacking-layers with the random forests fitted once per layer, "
        "their out-of-bag outputs stacked as their out-of-fold ones: faster, "
        "on some data less accurate",
        "StackingClassifier",
        "StackingRegressor",
        ("cv", "n_jobs", "random_state"),
        {**_LAYERS, "use_oob": True},
        second_layer=True,
    ),
    EnsembleSpec(
        "stacking-fwls",
        "feature-weighted linear stacking: each member's weight is linear in "
        "how much the members disagree on the row",
        "FeatureWeightedStackingClassifier",
        "FeatureWeightedStackingRegressor",
        ("cv", "n_jobs"),
    ),
    EnsembleSpec(
        "selection",
        "Caruana ensemble selection: greedy weighted average",
        "EnsembleSelectionClassifier",
        "EnsembleSelectionRegressor",
        ("cv", "n_jobs", "random_state"),
    ),
    EnsembleSpec(
        "mean",
        "combination rule: mean of the members' probabilities / predictions",
        "CombinationClassifier",
        "CombinationRegressor",
        ("n_jobs",),
        {"rule": "mean"},
    ),
    EnsembleSpec(
        "blending",
        "blending: a final model over hold-out predictions",
        "BlendingClassifier",
        "BlendingRegressor",
        ("n_jobs", "random_state"),
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


def ensemble_keys():
    """The ensembles the command builds, as ``{key: description}``."""
    return {spec.key: spec.description for spec in ENSEMBLES}


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


def make_ensembles(task, members, *, cv=5, n_jobs=1, random_state=0):
    """skextra's ensembles over ``members`` as ``[(key, estimator), ...]``."""
    settings = {"cv": cv, "n_jobs": n_jobs, "random_state": random_state}
    return [(spec.key, spec.build(task, members, **settings)) for spec in ENSEMBLES]


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
