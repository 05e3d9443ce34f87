"""The cuML counterparts of scikit-learn estimators, and their parameters.

Each entry of :data:`COUNTERPARTS` names the cuML class that stands for one
scikit-learn class and a function that turns the scikit-learn parameters into
cuML ones. A setting that cuML cannot honour raises :class:`Unsupported`,
which names it; the caller then keeps the scikit-learn estimator and warns.
Parameters a translation does not take are accepted only at their default
value, so a parameter scikit-learn adds later falls back to the CPU instead
of being silently dropped.

Where cuML has its own interop (``from_sklearn``, cuML >= 25.02) the
dispatcher still runs these checks first, then lets cuML build the estimator;
the translations below are used with older cuML releases.
"""

import inspect
import math
import numbers
from dataclasses import dataclass, field


class DeviceFallbackWarning(UserWarning):
    """Warning issued when an estimator stays on the CPU on a GPU device.

    It is raised when a setting of the estimator has no GPU counterpart (the
    message names the setting) or when the GPU library refused it; the
    estimator then runs unchanged with its CPU library.

    Examples
    --------
    >>> import warnings
    >>> from skextra.gpu import DeviceFallbackWarning
    >>> issubclass(DeviceFallbackWarning, UserWarning)
    True
    """


class Unsupported(Exception):
    """A setting of a scikit-learn estimator that the GPU library lacks."""

    def __init__(self, setting, value, why=""):
        self.setting = setting
        self.value = value
        self.why = why
        super().__init__(self.describe())

    def describe(self):
        text = f"{self.setting}={self.value!r} is not supported on the GPU"
        return f"{text} ({self.why})" if self.why else text


class _Params:
    """The parameters of an estimator, tracking which ones were consumed."""

    def __init__(self, params):
        self._params = dict(params)
        self._taken = set()

    def take(self, name):
        self._taken.add(name)
        return self._params[name]

    def require(self, name, ok, why=""):
        value = self.take(name)
        if not ok(value):
            raise Unsupported(name, value, why)
        return value

    def has(self, name):
        return name in self._params

    def ignore(self, *names):
        self._taken.update(name for name in names if name in self._params)

    def leftovers(self):
        return {k: v for k, v in self._params.items() if k not in self._taken}


def _same(value, default):
    if value is default:
        return True
    try:
        return bool(value == default)
    except Exception:
        return False


def _is_int_seed(value):
    return value is None or isinstance(value, numbers.Integral)


def _seed(p):
    return p.require(
        "random_state", _is_int_seed, "an int or None is needed on the GPU"
    )


def _no(value):
    return not value


# --------------------------------------------------------------------------
# One translation per family. Each returns the cuML keyword arguments.

_RF_CRITERIA = {
    "gini": "gini",
    "entropy": "entropy",
    "squared_error": "mse",
    "poisson": "poisson",
}


def _forest(p, classifier):
    p.require("oob_score", _no)
    p.require("warm_start", _no)
    p.require("monotonic_cst", lambda v: v is None)
    p.require("ccp_alpha", lambda v: v == 0)
    p.require("min_weight_fraction_leaf", lambda v: v == 0)
    if classifier:
        p.require("class_weight", lambda v: v is None)
    criterion = p.require("criterion", lambda v: v in _RF_CRITERIA)
    max_samples = p.require(
        "max_samples",
        lambda v: (
            v is None
            or isinstance(v, numbers.Real)
            and not isinstance(v, numbers.Integral)
        ),
        "only a fraction (float) or None",
    )
    max_depth = p.take("max_depth")
    max_leaf_nodes = p.take("max_leaf_nodes")
    max_features = p.take("max_features")
    params = {
        "n_estimators": p.take("n_estimators"),
        "split_criterion": _RF_CRITERIA[criterion],
        "min_samples_split": p.take("min_samples_split"),
        "min_samples_leaf": p.take("min_samples_leaf"),
        "max_features": 1.0 if max_features is None else max_features,
        "max_leaves": -1 if max_leaf_nodes is None else max_leaf_nodes,
        "min_impurity_decrease": p.take("min_impurity_decrease"),
        "bootstrap": p.take("bootstrap"),
        "max_samples": 1.0 if max_samples is None else max_samples,
        "random_state": _seed(p),
    }
    # cuML trees need a finite depth; None keeps cuML's default (16).
    if max_depth is not None:
        params["max_depth"] = max_depth
    p.ignore("n_jobs", "verbose")
    return params


def _random_forest_classifier(p):
    return _forest(p, classifier=True)


def _random_forest_regressor(p):
    return _forest(p, classifier=False)


_LOGISTIC_SOLVERS = ("lbfgs", "newton-cg", "newton-cholesky", "sag", "saga")


def _logistic_regression(p):
    p.require("dual", _no)
    p.require("warm_start", _no)
    p.require("intercept_scaling", lambda v: v == 1)
    p.require(
        "solver",
        lambda v: v in _LOGISTIC_SOLVERS,
        "liblinear also penalises the intercept",
    )
    C = p.take("C")
    l1_ratio = p.take("l1_ratio")
    penalty = p.take("penalty") if p.has("penalty") else "deprecated"
    if penalty == "deprecated":
        if l1_ratio is None or l1_ratio == 0:
            penalty = "l2"
        elif l1_ratio == 1:
            penalty = "l1"
        else:
            penalty = "elasticnet"
    if penalty is None or math.isinf(C):
        penalty, C = "none", 1.0
    params = {
        "penalty": penalty,
        "C": C,
        "fit_intercept": p.take("fit_intercept"),
        "tol": p.take("tol"),
        "max_iter": p.take("max_iter"),
        "class_weight": p.take("class_weight"),
    }
    if penalty == "elasticnet":
        params["l1_ratio"] = l1_ratio
    p.ignore("random_state", "n_jobs", "verbose")
    return params


def _ridge(p):
    p.require("positive", _no)
    p.require(
        "alpha",
        lambda v: isinstance(v, numbers.Real),
        "one alpha per target needs the CPU",
    )
    solver = p.take("solver")
    p.ignore("max_iter", "tol", "random_state", "copy_X")
    return {
        "alpha": p.take("alpha"),
        "fit_intercept": p.take("fit_intercept"),
        "solver": "svd" if solver == "svd" else "eig",
    }


def _lasso_family(p, elastic):
    p.require("positive", _no)
    p.require("warm_start", _no)
    params = {
        "alpha": p.take("alpha"),
        "fit_intercept": p.take("fit_intercept"),
        "max_iter": p.take("max_iter"),
        "tol": p.take("tol"),
        "selection": p.take("selection"),
    }
    if elastic:
        params["l1_ratio"] = p.take("l1_ratio")
    p.ignore("precompute", "copy_X", "random_state")
    return params


def _lasso(p):
    return _lasso_family(p, elastic=False)


def _elastic_net(p):
    return _lasso_family(p, elastic=True)


def _linear_regression(p):
    p.require("positive", _no)
    p.ignore("tol", "n_jobs")
    return {"fit_intercept": p.take("fit_intercept"), "copy_X": p.take("copy_X")}


_KNN_METRICS = (
    "minkowski",
    "euclidean",
    "l2",
    "manhattan",
    "l1",
    "cityblock",
    "chebyshev",
    "cosine",
)


def _k_neighbors(p):
    p.require("weights", lambda v: v == "uniform")
    metric = p.require("metric", lambda v: isinstance(v, str) and v in _KNN_METRICS)
    p.require("metric_params", lambda v: v is None)
    power = p.take("p")
    params = {"n_neighbors": p.take("n_neighbors"), "algorithm": "brute"}
    if metric == "minkowski" and power == 2:
        params["metric"] = "euclidean"
    elif metric == "minkowski" and power == 1:
        params["metric"] = "manhattan"
    else:
        params["metric"] = metric
        if metric == "minkowski":
            params["p"] = power
    p.ignore("algorithm", "leaf_size", "n_jobs")
    return params


_SVM_KERNELS = ("linear", "poly", "rbf", "sigmoid")


def _svm_common(p):
    p.require("kernel", lambda v: isinstance(v, str) and v in _SVM_KERNELS)
    p.ignore("shrinking", "verbose")
    return {
        "C": p.take("C"),
        "kernel": p.take("kernel"),
        "degree": p.take("degree"),
        "gamma": p.take("gamma"),
        "coef0": p.take("coef0"),
        "tol": p.take("tol"),
        "cache_size": p.take("cache_size"),
        "max_iter": p.take("max_iter"),
    }


def _svc(p):
    p.require("break_ties", _no)
    params = _svm_common(p)
    params.update(
        class_weight=p.take("class_weight"),
        probability=p.take("probability"),
        random_state=_seed(p),
        # scikit-learn trains one-vs-one whatever the decision shape.
        multiclass_strategy="ovo",
    )
    p.ignore("decision_function_shape")
    return params


def _svr(p):
    params = _svm_common(p)
    params["epsilon"] = p.take("epsilon")
    return params


def _pca(p):
    p.require(
        "n_components",
        lambda v: v is None or isinstance(v, numbers.Integral),
        "'mle' and explained-variance fractions need the CPU",
    )
    p.ignore(
        "svd_solver",
        "tol",
        "iterated_power",
        "n_oversamples",
        "power_iteration_normalizer",
        "random_state",
    )
    return {
        "n_components": p.take("n_components"),
        "whiten": p.take("whiten"),
        "copy": p.take("copy"),
        "svd_solver": "full",
    }


def _kmeans(p):
    init = p.require("init", lambda v: not callable(v), "a callable init")
    n_init = p.take("n_init")
    if isinstance(init, str):
        cuml_init = {"k-means++": "scalable-k-means++"}.get(init, init)
    else:
        cuml_init = init
    if n_init == "auto":
        n_init = 10 if isinstance(init, str) and init == "random" else 1
    params = {
        "n_clusters": p.take("n_clusters"),
        "init": cuml_init,
        "n_init": n_init,
        "max_iter": p.take("max_iter"),
        "tol": p.take("tol"),
    }
    seed = _seed(p)
    if seed is not None:
        params["random_state"] = seed
    p.ignore("verbose", "copy_x", "algorithm")
    return params


def _standard_scaler(p):
    return {
        "copy": p.take("copy"),
        "with_mean": p.take("with_mean"),
        "with_std": p.take("with_std"),
    }


def _min_max_scaler(p):
    params = {"feature_range": p.take("feature_range"), "copy": p.take("copy")}
    # Older cuML releases have no clip; pass it only when it is asked for.
    if p.take("clip"):
        params["clip"] = True
    return params


@dataclass(frozen=True)
class Counterpart:
    """The cuML class standing for one scikit-learn class."""

    sklearn_name: str
    cuml_path: str
    translate: object = field(repr=False)

    @property
    def cuml_module(self):
        return self.cuml_path.rpartition(".")[0]

    @property
    def cuml_name(self):
        return self.cuml_path.rpartition(".")[2]


COUNTERPARTS = {
    entry.sklearn_name: entry
    for entry in (
        Counterpart(
            "RandomForestClassifier",
            "cuml.ensemble.RandomForestClassifier",
            _random_forest_classifier,
        ),
        Counterpart(
            "RandomForestRegressor",
            "cuml.ensemble.RandomForestRegressor",
            _random_forest_regressor,
        ),
        Counterpart(
            "LogisticRegression",
            "cuml.linear_model.LogisticRegression",
            _logistic_regression,
        ),
        Counterpart("Ridge", "cuml.linear_model.Ridge", _ridge),
        Counterpart("Lasso", "cuml.linear_model.Lasso", _lasso),
        Counterpart("ElasticNet", "cuml.linear_model.ElasticNet", _elastic_net),
        Counterpart(
            "LinearRegression", "cuml.linear_model.LinearRegression", _linear_regression
        ),
        Counterpart(
            "KNeighborsClassifier", "cuml.neighbors.KNeighborsClassifier", _k_neighbors
        ),
        Counterpart(
            "KNeighborsRegressor", "cuml.neighbors.KNeighborsRegressor", _k_neighbors
        ),
        Counterpart("SVC", "cuml.svm.SVC", _svc),
        Counterpart("SVR", "cuml.svm.SVR", _svr),
        Counterpart("PCA", "cuml.decomposition.PCA", _pca),
        Counterpart("KMeans", "cuml.cluster.KMeans", _kmeans),
        Counterpart(
            "StandardScaler", "cuml.preprocessing.StandardScaler", _standard_scaler
        ),
        Counterpart("MinMaxScaler", "cuml.preprocessing.MinMaxScaler", _min_max_scaler),
    )
}


def counterpart_of(estimator):
    """The :class:`Counterpart` of a scikit-learn estimator, or None.

    Only scikit-learn's own classes match: a subclass may change what the
    estimator does, so it is never swapped for cuML's class.
    """
    cls = type(estimator)
    if not cls.__module__.startswith("sklearn."):
        return None
    return COUNTERPARTS.get(cls.__name__)


def _defaults(cls):
    signature = inspect.signature(cls.__init__)
    return {
        name: parameter.default
        for name, parameter in signature.parameters.items()
        if parameter.default is not inspect.Parameter.empty
    }


def translate(estimator, counterpart=None):
    """Check ``estimator``'s settings and translate them for cuML.

    Parameters
    ----------
    estimator : scikit-learn estimator
        An estimator whose class has a counterpart.
    counterpart : Counterpart, default=None
        Its entry of :data:`COUNTERPARTS` (looked up when None).

    Returns
    -------
    params : dict
        Keyword arguments for the cuML class.

    Raises
    ------
    Unsupported
        Naming the first setting cuML cannot honour.
    """
    if counterpart is None:
        counterpart = counterpart_of(estimator)
    p = _Params(estimator.get_params(deep=False))
    params = counterpart.translate(p)
    defaults = _defaults(type(estimator))
    for name, value in sorted(p.leftovers().items()):
        if name not in defaults or not _same(value, defaults[name]):
            raise Unsupported(name, value, "no cuML counterpart for this setting")
    return params
