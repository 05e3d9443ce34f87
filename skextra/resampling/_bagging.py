"""Bagging with a resampling step in every bag.

Every estimator here draws one bag per member, resamples it with an
imbalanced-learn sampler (or a bag-size rule from the literature) and fits a
clone of ``estimator`` on it; predictions average the members' probabilities.
The bags are built and the members fitted in parallel by the family's base
(:mod:`skextra.resampling._base`); a class here only says how its bags are
made.
"""

from numbers import Integral, Real

import numpy as np
from imblearn.over_sampling import SMOTE, RandomOverSampler
from imblearn.under_sampling import RandomUnderSampler
from imblearn.utils import check_neighbors_object
from scipy import sparse
from sklearn.base import clone
from sklearn.utils._param_validation import HasMethods, Interval

from ..utils import take_rows
from ..utils._docstring import fill_doc
from ._base import (
    ANY_SAMPLING_STRATEGY,
    BAGGING_CONSTRAINTS,
    OVER_SAMPLING_STRATEGY,
    RESAMPLING_DOCS,
    UNDER_SAMPLING_STRATEGY,
    BaseResampledEnsemble,
    BaseSamplerBagging,
    bag_of_rows,
    seed_estimator,
)
from ._validation import (
    check_neighbors_feasible,
    check_sampler,
    check_sampling_strategy_feasible,
    fit_resample_weighted,
    sampling_type_of,
)

__all__ = [
    "BalancedBaggingClassifier",
    "OverBaggingClassifier",
    "RoughlyBalancedBaggingClassifier",
    "SMOTEBaggingClassifier",
    "UnderBaggingClassifier",
]


def stack_rows(parts):
    """Stack row blocks that are all dense or all sparse."""
    if any(sparse.issparse(part) for part in parts):
        return sparse.vstack(parts, format="csr")
    return np.concatenate([np.asarray(part) for part in parts])


@fill_doc(RESAMPLING_DOCS)
class BalancedBaggingClassifier(BaseSamplerBagging):
    """Bagging whose every bag is balanced by an imbalanced-learn sampler.

    Each member is fitted on a class-wise bootstrap of the training set
    resampled by ``sampler`` (by default random under-sampling of every class
    but the smallest). Any imbalanced-learn sampler can be given, which makes
    this the generic form of under-bagging, over-bagging, SMOTE-bagging and
    their cleaning-sampler variants.

    Parameters
    ----------
    {{bag_estimator}}
    {{n_members}}
    sampler : sampler object, default=None
        Any object with ``fit_resample`` (an imbalanced-learn sampler or
        pipeline). ``None`` means
        ``RandomUnderSampler(replacement=replacement)``.
    sampling_strategy : float, str, dict, list or callable, default="auto"
        Given to the sampler (as in imbalanced-learn) when it declares
        over-, under- or clean-sampling; checked against the training labels
        before any member is fitted.
    replacement : bool, default=False
        Whether the default random under-sampler draws with replacement.
    {{bootstrap}}
    {{bagging_params}}
    {{warm_start}}
    {{bagging_n_jobs}}
    {{random_state}}
    {{verbose_members}}
    {{device}}

    Attributes
    ----------
    {{pipeline_attributes}}
    sampler_ : sampler object
        The sampler each bag clones, its ``sampling_strategy`` set on the
        encoded labels.
    {{oob_attributes}}
    {{fitted_attributes}}

    See Also
    --------
    UnderBaggingClassifier : The same with random under-sampling.
    OverBaggingClassifier : The same with random over-sampling.
    SMOTEBaggingClassifier : Bags over-sampled by bootstrap and SMOTE.
    imblearn.ensemble.BalancedBaggingClassifier : The imbalanced-learn
        counterpart.

    Notes
    -----
    {{bagging_notes}}

    Unlike imbalanced-learn's, this class accepts ``sample_weight``.

    Examples
    --------
    >>> from imblearn.over_sampling import SMOTE
    >>> from sklearn.datasets import make_classification
    >>> from skextra.resampling import BalancedBaggingClassifier
    >>> X, y = make_classification(n_samples=300, weights=[0.9], random_state=0)
    >>> clf = BalancedBaggingClassifier(sampler=SMOTE(), random_state=0).fit(X, y)
    >>> clf.predict_proba(X[:2]).shape
    (2, 2)
    >>> len(clf.estimators_)
    10
    >>> type(clf.estimators_[0].named_steps["sampler"]).__name__
    'SMOTE'
    """

    _parameter_constraints = {
        **BaseResampledEnsemble._parameter_constraints,
        **BAGGING_CONSTRAINTS,
        "sampler": [HasMethods(["fit_resample"]), None],
        "sampling_strategy": ANY_SAMPLING_STRATEGY,
        "replacement": ["boolean"],
        "bootstrap": ["boolean"],
    }

    _imblearn_layout = True

    def __init__(
        self,
        estimator=None,
        n_estimators=10,
        *,
        max_samples=1.0,
        max_features=1.0,
        bootstrap=True,
        bootstrap_features=False,
        oob_score=False,
        warm_start=False,
        sampler=None,
        sampling_strategy="auto",
        replacement=False,
        n_jobs=None,
        random_state=None,
        verbose=0,
        device=None,
    ):
        self.estimator = estimator
        self.n_estimators = n_estimators
        self.max_samples = max_samples
        self.max_features = max_features
        self.bootstrap = bootstrap
        self.bootstrap_features = bootstrap_features
        self.oob_score = oob_score
        self.warm_start = warm_start
        self.sampler = sampler
        self.sampling_strategy = sampling_strategy
        self.replacement = replacement
        self.n_jobs = n_jobs
        self.random_state = random_state
        self.verbose = verbose
        self.device = device

    def _sampler(self):
        if self.sampler is None:
            return RandomUnderSampler(replacement=self.replacement)
        return clone(check_sampler(self.sampler))


@fill_doc(RESAMPLING_DOCS)
class UnderBaggingClassifier(BaseSamplerBagging):
    """Bagging with random under-sampling in every bag (under-bagging).

    Each member is fitted on a class-wise bootstrap of the training set in
    which the classes named by ``sampling_strategy`` are randomly
    under-sampled (by default every class down to the size of the smallest),
    with imbalanced-learn's :class:`~imblearn.under_sampling.RandomUnderSampler`.

    Parameters
    ----------
    {{bag_estimator}}
    {{n_members}}
    sampling_strategy : float, str, dict or callable, default="auto"
        Under-sampling target, as for imbalanced-learn's
        ``RandomUnderSampler``; checked against the training labels before
        any member is fitted.
    {{under_replacement}}
    {{bootstrap}}
    {{bagging_n_jobs}}
    {{random_state}}
    {{verbose_members}}
    {{device}}

    Attributes
    ----------
    {{members_attribute}}
    {{fitted_attributes}}

    See Also
    --------
    BalancedBaggingClassifier : The same with any sampler.
    EasyEnsembleClassifier : Under-sampled bags without bootstrap, AdaBoost
        members.

    Notes
    -----
    {{bagging_notes}}

    Examples
    --------
    >>> from sklearn.datasets import make_classification
    >>> from sklearn.metrics import balanced_accuracy_score
    >>> from skextra.resampling import UnderBaggingClassifier
    >>> X, y = make_classification(n_samples=400, weights=[0.9], random_state=0)
    >>> clf = UnderBaggingClassifier(n_estimators=20, random_state=0).fit(X, y)
    >>> bool(balanced_accuracy_score(y, clf.predict(X)) > 0.8)
    True
    """

    _parameter_constraints = {
        **BaseResampledEnsemble._parameter_constraints,
        "sampling_strategy": UNDER_SAMPLING_STRATEGY,
        "replacement": ["boolean"],
        "bootstrap": ["boolean"],
    }

    def __init__(
        self,
        estimator=None,
        n_estimators=10,
        *,
        sampling_strategy="auto",
        replacement=False,
        bootstrap=True,
        n_jobs=None,
        random_state=None,
        verbose=0,
        device=None,
    ):
        self.estimator = estimator
        self.n_estimators = n_estimators
        self.sampling_strategy = sampling_strategy
        self.replacement = replacement
        self.bootstrap = bootstrap
        self.n_jobs = n_jobs
        self.random_state = random_state
        self.verbose = verbose
        self.device = device

    def _sampler(self):
        return RandomUnderSampler(replacement=self.replacement)


@fill_doc(RESAMPLING_DOCS)
class OverBaggingClassifier(BaseSamplerBagging):
    """Bagging with random over-sampling in every bag (over-bagging).

    Each member is fitted on a class-wise bootstrap of the training set in
    which the classes named by ``sampling_strategy`` are randomly
    over-sampled (by default every class up to the size of the largest), with
    imbalanced-learn's :class:`~imblearn.over_sampling.RandomOverSampler`.

    Parameters
    ----------
    {{bag_estimator}}
    {{n_members}}
    sampling_strategy : float, str, dict or callable, default="auto"
        Over-sampling target, as for imbalanced-learn's
        ``RandomOverSampler``; checked against the training labels before
        any member is fitted.
    shrinkage : float or None, default=None
        Smoothed bootstrap of ``RandomOverSampler``: ``None`` repeats rows,
        a positive value draws new rows around them.
    {{bootstrap}}
    {{bagging_n_jobs}}
    {{random_state}}
    {{verbose_members}}
    {{device}}

    Attributes
    ----------
    {{members_attribute}}
    {{fitted_attributes}}

    See Also
    --------
    SMOTEBaggingClassifier : Over-sampling by bootstrap and SMOTE.
    UnderBaggingClassifier : Under-sampling instead.

    Notes
    -----
    {{bagging_notes}}

    With ``shrinkage`` set, the new rows are synthesised and get the mean
    weight of their class.

    Examples
    --------
    >>> from sklearn.datasets import make_classification
    >>> from skextra.resampling import OverBaggingClassifier
    >>> X, y = make_classification(n_samples=300, weights=[0.9], random_state=0)
    >>> clf = OverBaggingClassifier(n_estimators=5, random_state=0).fit(X, y)
    >>> clf.classes_
    array([0, 1])
    """

    _parameter_constraints = {
        **BaseResampledEnsemble._parameter_constraints,
        "sampling_strategy": OVER_SAMPLING_STRATEGY,
        "shrinkage": [Interval(Real, 0, None, closed="left"), None],
        "bootstrap": ["boolean"],
    }

    def __init__(
        self,
        estimator=None,
        n_estimators=10,
        *,
        sampling_strategy="auto",
        shrinkage=None,
        bootstrap=True,
        n_jobs=None,
        random_state=None,
        verbose=0,
        device=None,
    ):
        self.estimator = estimator
        self.n_estimators = n_estimators
        self.sampling_strategy = sampling_strategy
        self.shrinkage = shrinkage
        self.bootstrap = bootstrap
        self.n_jobs = n_jobs
        self.random_state = random_state
        self.verbose = verbose
        self.device = device

    def _sampler(self):
        return RandomOverSampler(shrinkage=self.shrinkage)


# ---------------------------------------------------------------------------
# SMOTEBagging
# ---------------------------------------------------------------------------


def class_neighbor_graphs(sampler, X, y, labels):
    """Each class's rows and their nearest neighbours within the class.

    ``labels -> (positions, neighbours)``: ``positions`` are the rows of the
    class in ``X`` and ``neighbours[i]`` the positions (within the class) of
    the ``k_neighbors`` nearest other rows of row ``positions[i]``, found by
    the neighbour search SMOTE would fit on the class.
    """
    search = check_neighbors_object(
        "k_neighbors", sampler.k_neighbors, additional_neighbor=1
    )
    graphs = {}
    for label in labels:
        positions = np.flatnonzero(y == label)
        X_class = take_rows(X, positions)
        nn = clone(search).fit(X_class)
        graphs[label] = positions, nn.kneighbors(X_class, return_distance=False)[:, 1:]
    return graphs


def interpolate(X, graph, n_new, seed):
    """``n_new`` SMOTE rows from a class graph (see :func:`class_neighbor_graphs`).

    Each new row lies on the segment from a row of the class towards one of
    its neighbours, drawn as imbalanced-learn's ``SMOTE(random_state=seed)``
    draws them, so the rows are the ones it would make.
    """
    positions, neighbours = graph
    rng = np.random.RandomState(seed)
    picks = rng.randint(low=0, high=neighbours.size, size=n_new)
    steps = rng.uniform(size=n_new)[:, np.newaxis]
    rows, cols = np.divmod(picks, neighbours.shape[1])
    X_class = take_rows(X, positions)
    base = X_class[rows]
    diffs = X_class[neighbours[rows, cols]] - base
    if sparse.issparse(X_class):
        new = base + getattr(sparse, type(X_class).__name__)(steps).multiply(diffs)
    else:
        new = base + steps * diffs
    return new.astype(X_class.dtype)


class SMOTEBag:
    """A SMOTEBagging bag: bootstrap ``rate`` of each grown class, SMOTE the rest.

    With ``graphs`` (plain SMOTE) the synthetic rows come from each class's
    neighbour graph, computed once per fit; otherwise ``sampler`` runs on the
    data in every bag.
    """

    def __init__(self, sampler, target, rates, graphs=None):
        self.sampler = sampler
        self.target = target
        self.rates = rates
        self.graphs = graphs

    def __call__(self, X, y, sample_weight, rng, index):
        rate = self.rates[index % len(self.rates)]
        rows, synthetic = [], {}
        counts = np.bincount(y)
        for label in range(counts.size):
            members = np.flatnonzero(y == label)
            total = counts[label] + self.target.get(label, 0)
            n_drawn = total
            if self.target.get(label, 0) > 0:
                n_drawn = int(round(rate * total))
                if total - n_drawn > 0:
                    synthetic[label] = total - n_drawn
            rows.append(members[rng.randint(0, members.size, size=n_drawn)])
        rows = np.sort(np.concatenate(rows))
        X_parts, y_parts = [take_rows(X, rows)], [y[rows]]
        w_parts = None if sample_weight is None else [sample_weight[rows]]
        sampler = seed_estimator(clone(self.sampler), rng)
        if synthetic and self.graphs is not None:
            for label, n_new in synthetic.items():
                graph = self.graphs[label]
                X_parts.append(interpolate(X, graph, n_new, sampler.random_state))
                y_parts.append(np.full(n_new, label, dtype=y.dtype))
                if w_parts is not None:
                    mean = float(np.mean(sample_weight[graph[0]]))
                    w_parts.append(np.full(n_new, mean))
        elif synthetic:
            strategy = {label: counts[label] + n for label, n in synthetic.items()}
            sampler.set_params(sampling_strategy=strategy)
            X_res, y_res, w_res = fit_resample_weighted(sampler, X, y, sample_weight)
            n = len(y)
            X_parts.append(take_rows(X_res, np.arange(n, len(y_res))))
            y_parts.append(np.asarray(y_res)[n:])
            if w_parts is not None:
                w_parts.append(w_res[n:])
        weights = None if w_parts is None else np.concatenate(w_parts)
        return stack_rows(X_parts), np.concatenate(y_parts), weights


@fill_doc(RESAMPLING_DOCS)
class SMOTEBaggingClassifier(BaseResampledEnsemble):
    """SMOTEBagging (Wang & Yao, 2009): bags over-sampled by bootstrap and SMOTE.

    Every bag keeps a bootstrap of each class that is not over-sampled and
    brings each over-sampled class to its target size (by default the size
    of the largest class) in two parts: a fraction ``rate`` of the target is
    drawn with replacement from the class's rows (random over-sampling), the
    rest is synthesised by SMOTE from the class's rows. The rate changes from
    bag to bag, cycling through ``resampling_rates`` (10%, 20%, ..., 100% by
    default), so the bags range from mostly synthetic to purely bootstrapped,
    which is where the ensemble's diversity comes from. Multi-class problems
    treat every over-sampled class the same way.

    Parameters
    ----------
    {{bag_estimator}}
    {{n_members}}
    sampling_strategy : float, str, dict or callable, default="auto"
        Over-sampling target, as for imbalanced-learn's over-samplers.
    k_neighbors : int, default=5
        Neighbours used by SMOTE; every over-sampled class needs at least
        ``k_neighbors + 1`` rows unless its bags are purely bootstrapped.
    resampling_rates : array-like of float in [0, 1], default=None
        The bootstrapped fraction of each over-sampled class, bag ``i``
        using ``resampling_rates[i % len(resampling_rates)]``. ``None``
        means ``(0.1, 0.2, ..., 1.0)``.
    sampler : sampler object, default=None
        The over-sampler that synthesises rows; ``None`` means
        ``SMOTE(k_neighbors=k_neighbors)``. Any imbalanced-learn
        over-sampler whose ``sampling_strategy`` accepts a dict can be given
        (``BorderlineSMOTE``, ``SVMSMOTE``, ``SMOTENC``, ...), in which case
        ``k_neighbors`` is not used.
    {{bagging_n_jobs}}
    {{random_state}}
    {{verbose_members}}
    {{device}}

    Attributes
    ----------
    {{members_attribute}}
    resampling_rates_ : ndarray of shape (n_estimators,)
        The bootstrapped fraction used by each member's bag.
    {{fitted_attributes}}

    See Also
    --------
    OverBaggingClassifier : Over-sampling by bootstrap only.
    BalancedBaggingClassifier : Any sampler, e.g. plain SMOTE in every bag.

    Notes
    -----
    ``sample_weight`` follows the rows: bootstrapped rows keep their weight,
    synthetic rows get the mean weight of their class.

    With the default SMOTE (or a plain ``SMOTE`` as ``sampler``), each
    over-sampled class's neighbour graph is computed once per fit and every
    bag draws its synthetic rows from it: the bags are those SMOTE run in
    every bag would make, without a neighbour search per bag.

    References
    ----------
    .. [1] S. Wang and X. Yao, "Diversity analysis on imbalanced data sets by
       using ensemble models", IEEE Symposium on Computational Intelligence
       and Data Mining, 2009.

    Examples
    --------
    >>> from sklearn.datasets import make_classification
    >>> from skextra.resampling import SMOTEBaggingClassifier
    >>> X, y = make_classification(n_samples=300, weights=[0.9], random_state=0)
    >>> clf = SMOTEBaggingClassifier(n_estimators=4, random_state=0).fit(X, y)
    >>> clf.resampling_rates_
    array([0.1, 0.2, 0.3, 0.4])
    """

    _parameter_constraints = {
        **BaseResampledEnsemble._parameter_constraints,
        "sampling_strategy": OVER_SAMPLING_STRATEGY,
        "k_neighbors": [Interval(Integral, 1, None, closed="left")],
        "resampling_rates": ["array-like", None],
        "sampler": [HasMethods(["fit_resample"]), None],
    }

    def __init__(
        self,
        estimator=None,
        n_estimators=10,
        *,
        sampling_strategy="auto",
        k_neighbors=5,
        resampling_rates=None,
        sampler=None,
        n_jobs=None,
        random_state=None,
        verbose=0,
        device=None,
    ):
        self.estimator = estimator
        self.n_estimators = n_estimators
        self.sampling_strategy = sampling_strategy
        self.k_neighbors = k_neighbors
        self.resampling_rates = resampling_rates
        self.sampler = sampler
        self.n_jobs = n_jobs
        self.random_state = random_state
        self.verbose = verbose
        self.device = device

    def _resamples_synthetic_rows(self):
        return True

    def _rates(self):
        if self.resampling_rates is None:
            return np.round(np.arange(1, 11) / 10.0, 1)
        rates = np.asarray(self.resampling_rates, dtype=np.float64).ravel()
        if (
            rates.size == 0
            or np.any(~np.isfinite(rates))
            or np.any((rates < 0) | (rates > 1))
        ):
            raise ValueError(
                "resampling_rates must be a non-empty sequence of fractions in "
                f"[0, 1], got {self.resampling_rates!r}."
            )
        return rates

    def _bag_maker(self, X, y, y_encoded):
        rates = self._rates()
        if self.sampler is None:
            sampler = SMOTE(k_neighbors=self.k_neighbors)
        else:
            sampler = clone(check_sampler(self.sampler))
            if sampling_type_of(sampler) != "over-sampling":
                raise TypeError(
                    f"sampler must be an over-sampler that synthesises rows "
                    f"(SMOTE, BorderlineSMOTE, ...), got {self.sampler!r}."
                )
        target = check_sampling_strategy_feasible(
            self.sampling_strategy, y, "over-sampling"
        )
        used = rates[np.arange(self.n_estimators) % rates.size]
        self.resampling_rates_ = used
        if np.any(used < 1.0):
            check_neighbors_feasible(
                sampler,
                y,
                param="sampler" if self.sampler is not None else None,
                sampling_strategy=self.sampling_strategy,
            )
        target = self._encode_target(target)
        graphs = None
        if type(sampler) is SMOTE and np.any(used < 1.0):
            grown = [label for label, n in target.items() if n > 0]
            graphs = class_neighbor_graphs(sampler, X, y_encoded, grown)
        return SMOTEBag(sampler, target, rates, graphs)


# ---------------------------------------------------------------------------
# Roughly balanced bagging
# ---------------------------------------------------------------------------


class RoughlyBalancedBag:
    """A roughly balanced bag: negative-binomial sizes for the reduced classes."""

    picks_rows = True

    def __init__(self, target):
        self.target = target

    def __call__(self, X, y, sample_weight, rng, index):
        counts = np.bincount(y)
        rows = []
        for label in range(counts.size):
            members = np.flatnonzero(y == label)
            if label in self.target:
                size = max(1, int(rng.negative_binomial(self.target[label], 0.5)))
            else:
                size = members.size
            rows.append(members[rng.randint(0, members.size, size=size)])
        return bag_of_rows(X, y, sample_weight, np.sort(np.concatenate(rows)))


@fill_doc(RESAMPLING_DOCS)
class RoughlyBalancedBaggingClassifier(BaseResampledEnsemble):
    """Roughly balanced bagging (Hido & Kashima, 2009).

    Every bag draws the minority class with replacement at its own size and
    each under-sampled class with replacement at a size drawn from a negative
    binomial distribution ``NB(n, 0.5)``, whose mean ``n`` is the class's
    under-sampling target (by default the size of the minority class). The
    bags are balanced on average but vary in size, which keeps bagging's
    diversity where exactly balanced bags would fix it.

    Parameters
    ----------
    {{bag_estimator}}
    {{n_members}}
    sampling_strategy : float, str, dict or callable, default="auto"
        Under-sampling target, as for imbalanced-learn's
        ``RandomUnderSampler``: the classes it names get negative-binomial
        bag sizes with the target as mean; the others are bootstrapped at
        their own size.
    {{bagging_n_jobs}}
    {{random_state}}
    {{verbose_members}}
    {{device}}

    Attributes
    ----------
    {{members_attribute}}
    {{fitted_attributes}}

    See Also
    --------
    UnderBaggingClassifier : Exactly balanced bags.

    Notes
    -----
    For bag ``i`` the seed ``s_i`` is drawn up front from ``random_state``;
    the bag's sizes are then ``RandomState(s_i).negative_binomial(n_c, 0.5)``
    for the under-sampled classes ``c`` in increasing label order (at least
    one row each). ``sample_weight`` follows the drawn rows.

    References
    ----------
    .. [1] S. Hido and H. Kashima, "Roughly balanced bagging for imbalanced
       data", Statistical Analysis and Data Mining 2(5-6), 2009.

    Examples
    --------
    >>> from sklearn.datasets import make_classification
    >>> from skextra.resampling import RoughlyBalancedBaggingClassifier
    >>> X, y = make_classification(n_samples=300, weights=[0.9], random_state=0)
    >>> clf = RoughlyBalancedBaggingClassifier(random_state=0).fit(X, y)
    >>> [len(tree.tree_.value) > 1 for tree in clf.estimators_[:2]]
    [True, True]
    """

    _parameter_constraints = {
        **BaseResampledEnsemble._parameter_constraints,
        "sampling_strategy": UNDER_SAMPLING_STRATEGY,
    }

    def __init__(
        self,
        estimator=None,
        n_estimators=10,
        *,
        sampling_strategy="auto",
        n_jobs=None,
        random_state=None,
        verbose=0,
        device=None,
    ):
        self.estimator = estimator
        self.n_estimators = n_estimators
        self.sampling_strategy = sampling_strategy
        self.n_jobs = n_jobs
        self.random_state = random_state
        self.verbose = verbose
        self.device = device

    def _bag_maker(self, X, y, y_encoded):
        target = check_sampling_strategy_feasible(
            self.sampling_strategy, y, "under-sampling"
        )
        return RoughlyBalancedBag(self._encode_target(target))
