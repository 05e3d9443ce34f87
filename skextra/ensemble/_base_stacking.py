"""What stacking and blending share: layers of members, meta-features, routing.

A stack is a list of layers (the first is ``estimators``, more come from
``layers``) and a final estimator. Each layer is fitted out of fold through
:func:`~skextra.utils.fit_members_oof`; the subclasses only decide which
splits are used (k folds for stacking, one hold-out split for blending) and
which fitted members predict.
"""

import inspect
import warnings
from abc import ABCMeta, abstractmethod
from copy import deepcopy
from numbers import Integral

import numpy as np
import scipy.sparse as sparse
from sklearn import get_config as _sklearn_get_config
from sklearn.base import (
    BaseEstimator,
    MetaEstimatorMixin,
    TransformerMixin,
    clone,
    is_classifier,
    is_regressor,
)
from sklearn.metrics import get_scorer_names
from sklearn.model_selection import check_cv
from sklearn.preprocessing import LabelEncoder
from sklearn.utils import Bunch, _safe_indexing, check_random_state, get_tags
from sklearn.utils._param_validation import HasMethods, Interval, StrOptions
from sklearn.utils.metadata_routing import (
    MetadataRequest,
    MetadataRouter,
    MethodMapping,
    _raise_for_params,
    get_routing_for_object,
    process_routing,
)
from sklearn.utils.metaestimators import available_if
from sklearn.utils.multiclass import check_classification_targets, type_of_target
from sklearn.utils.validation import (
    _check_feature_names_in,
    check_is_fitted,
    column_or_1d,
    has_fit_parameter,
    validate_data,
)

from ..gpu._dispatch import members_to_device
from ..gpu._resident import member_inputs
from ..utils import to_host
from ..utils._oof import _slice_params
from ..utils._validation import DEVICE_CONSTRAINT, is_dataframe
from ._bagged import _FoldAverage
from ._base import fit_members_oof_device_aware
from ._final import select_final_estimator
from ._layer_choice import check_splittable, held_out_score, holdout_split

_AUTO_METHODS = ("predict_proba", "decision_function", "predict")

# What the layers after the first (and the final estimator) see, besides the
# outputs of the layer just before them: (earlier layers' outputs, inputs X).
_PASSTHROUGH = {
    False: (False, False),
    True: (False, True),
    "inputs": (False, True),
    "layers": (True, False),
    "all": (True, True),
}


def _is_drop(estimator):
    return isinstance(estimator, str) and estimator == "drop"


def _default_final_estimator(classifier):
    from sklearn.linear_model import LogisticRegression, RidgeCV

    final = LogisticRegression() if classifier else RidgeCV()
    if _sklearn_get_config().get("enable_metadata_routing", False):
        final.set_fit_request(sample_weight=True)
    return final


def _response_method(name, estimator, method):
    candidates = _AUTO_METHODS if method == "auto" else (method,)
    for candidate in candidates:
        if hasattr(estimator, candidate):
            return candidate
    wanted = list(candidates) if method == "auto" else method
    raise ValueError(
        f"Underlying estimator {name} does not implement the method {wanted}."
    )


def _final_has(attr):
    """``available_if`` check: the (fitted or given) final estimator has ``attr``.

    The final estimator's own ``AttributeError`` becomes the ``__cause__`` of
    the one ``available_if`` raises, as in scikit-learn.
    """

    def check(self):
        if hasattr(self, "final_estimator_"):
            final = self.final_estimator_
        else:
            final = self._final_template()
        getattr(final, attr)
        return True

    return check


class _BaseStacking(
    TransformerMixin, MetaEstimatorMixin, BaseEstimator, metaclass=ABCMeta
):
    """Layers of members fitted out of fold, and a final estimator on top."""

    # Set only by select_final / select_layers: a fit without them drops them.
    _SETTING_ATTRIBUTES = ("final_choice_", "final_scores_", "holdout_scores_")

    _parameter_constraints: dict = {
        "estimators": [list],
        "final_estimator": [None, HasMethods("fit")],
        "passthrough": ["boolean", StrOptions({"inputs", "layers", "all"})],
        "n_jobs": [None, Integral],
        "verbose": ["verbose"],
        "sampler": [None, HasMethods(["fit_resample"])],
        "early_stopping_rounds": [None, Interval(Integral, 1, None, closed="left")],
        "scoring": [None, StrOptions(set(get_scorer_names())), callable],
        "device": DEVICE_CONSTRAINT,
    }

    @abstractmethod
    def __init__(self):
        pass

    # ----------------------------------------------------------------- params
    def _layer_params(self):
        """The layers as given: ``estimators`` then each of ``layers``."""
        more = getattr(self, "layers", None)
        if not isinstance(more, (list, tuple)):
            more = []
        return [self.estimators] + list(more)

    @property
    def named_estimators(self):
        """Every member of every layer, by name (as given, unfitted).

        Returns
        -------
        :class:`~sklearn.utils.Bunch`
        """
        named = Bunch()
        for layer in self._layer_params():
            named.update(dict(layer))
        return named

    def get_params(self, deep=True):
        """Get the parameters of the stack and of its members.

        Parameters
        ----------
        deep : bool, default=True
            Also return the members of every layer by name, and their
            parameters as ``name__param``.

        Returns
        -------
        params : dict
            Parameter names mapped to their values.
        """
        out = super().get_params(deep=deep)
        if not deep:
            return out
        for layer in self._layer_params():
            try:
                members = dict(layer)
            except (TypeError, ValueError):
                continue
            out.update(members)
            for name, estimator in members.items():
                if hasattr(estimator, "get_params"):
                    for key, value in estimator.get_params(deep=True).items():
                        out[f"{name}__{key}"] = value
        return out

    def set_params(self, **params):
        """Set the parameters of the stack and of its members.

        A member of any layer can be replaced (or set to ``"drop"``) by its
        name, and its parameters set with ``name__param``.

        Parameters
        ----------
        **params : keyword arguments
            Parameter names mapped to their new values.

        Returns
        -------
        self : object
            The estimator.
        """
        for attr in ("estimators", "layers"):
            if attr in params:
                setattr(self, attr, params.pop(attr))
        own = set(super().get_params(deep=False))
        for key in list(params):
            if "__" in key or key in own:
                continue
            if self._replace_member(key, params[key]):
                params.pop(key)
        super().set_params(**params)
        return self

    def _replace_member(self, name, value):
        layers = self._layer_params()
        for index, layer in enumerate(layers):
            try:
                names = [item[0] for item in layer]
            except (TypeError, IndexError):
                continue
            if name not in names:
                continue
            new_layer = list(layer)
            position = names.index(name)
            new_layer[position] = (name, value)
            if index == 0:
                self.estimators = new_layer
            else:
                new_layers = list(self.layers)
                new_layers[index - 1] = new_layer
                self.layers = new_layers
            return True
        return False

    # -------------------------------------------------------------- validation
    def _validate_layers(self):
        """Check the layers; return them as lists of names and of members."""
        classifier = is_classifier(self)
        layers = self._layer_params()
        seen = []
        checked = []
        for index, layer in enumerate(layers):
            where = "'estimators'" if index == 0 else f"layers[{index - 1}]"
            if (
                not isinstance(layer, (list, tuple))
                or len(layer) == 0
                or not all(
                    isinstance(item, (tuple, list))
                    and len(item) == 2
                    and isinstance(item[0], str)
                    for item in layer
                )
            ):
                raise ValueError(
                    f"Invalid {where} attribute, {where} should be a non-empty "
                    "list of (string, estimator) tuples."
                )
            names, estimators = (list(part) for part in zip(*layer))
            if all(_is_drop(est) for est in estimators):
                raise ValueError(
                    f"All estimators of {where} are dropped. At least one is "
                    "required to be an estimator."
                )
            for name, est in zip(names, estimators):
                if _is_drop(est):
                    continue
                if not hasattr(est, "fit"):
                    raise TypeError(
                        f"Member {name!r} of {where} should be an estimator "
                        f"implementing 'fit' or 'drop', got {est!r}."
                    )
                # As in scikit-learn, a classifier stack accepts regressors
                # (e.g. for ordinal targets); a regressor stack does not
                # accept classifiers.
                if not classifier and not is_regressor(est):
                    raise ValueError(
                        f"Member {name!r} ({type(est).__name__}) of {where} is "
                        f"not a regressor; every member of a "
                        f"{type(self).__name__} must be a regressor."
                    )
            seen.extend(names)
            checked.append((names, estimators))
        self._validate_member_names(seen)
        return checked

    def _validate_member_names(self, names):
        duplicated = sorted({name for name in names if names.count(name) > 1})
        if duplicated:
            raise ValueError(
                f"Names provided are not unique: {duplicated} appear more than "
                "once across the layers."
            )
        clashing = sorted(set(names) & set(super().get_params(deep=False)))
        if clashing:
            raise ValueError(
                f"Estimator names conflict with constructor arguments: {clashing}"
            )
        with_dunder = [name for name in names if "__" in name]
        if with_dunder:
            raise ValueError(f"Estimator names must not contain __: got {with_dunder}")

    def _final_template(self):
        """The final estimator as given (or the default), unfitted."""
        if self.final_estimator is None:
            return _default_final_estimator(is_classifier(self))
        return self.final_estimator

    def _make_final_estimator(self):
        classifier = is_classifier(self)
        final = clone(self._final_template())
        if classifier and not is_classifier(final):
            raise ValueError(
                f"'final_estimator' parameter should be a classifier. Got {final}"
            )
        if not classifier and not is_regressor(final):
            raise ValueError(
                f"'final_estimator' parameter should be a regressor. Got {final}"
            )
        return final

    def _stack_method_param(self):
        return "predict"

    def _passthrough_mode(self):
        return _PASSTHROUGH[self.passthrough]

    def _validate_X_y(self, X, y):
        """Check X and y as the stack sees them; X reaches the members as given.

        Data frames go to the members unchanged (their own pipelines may need
        column names and dtypes); other inputs are converted to arrays (or
        CSR/CSC matrices). Missing and infinite values are left for the
        members to handle or refuse (an imputing pipeline takes NaN).
        """
        tags = self.__sklearn_tags__().input_tags
        classifier = is_classifier(self)
        X_checked, y = validate_data(
            self,
            X,
            y,
            accept_sparse=["csr", "csc"] if tags.sparse else False,
            dtype=None,
            ensure_all_finite=False,
            y_numeric=not classifier,
            multi_output=True,
        )
        if y.ndim == 2 and y.shape[1] == 1:
            y = column_or_1d(y, warn=True)
        elif y.ndim == 2 and not (
            classifier and type_of_target(y) == "multilabel-indicator"
        ):
            kind = "multiclass-multioutput" if classifier else "multi-output"
            raise ValueError(
                f"{type(self).__name__} does not support {kind} targets; got y "
                f"of shape {y.shape}. Fit one stack per target column."
            )
        if not is_dataframe(X):
            X = X_checked
        return X, y

    def _validate_X_predict(self, X):
        tags = self.__sklearn_tags__().input_tags
        X_checked = validate_data(
            self,
            X,
            reset=False,
            accept_sparse=["csr", "csc"] if tags.sparse else False,
            dtype=None,
            ensure_all_finite=False,
        )
        if not is_dataframe(X):
            X = X_checked
        return X

    def _encode_y(self, y):
        """Label-encode a classifier's target (each column of a multilabel one)."""
        if not is_classifier(self):
            return y
        check_classification_targets(y)
        if y.ndim == 2:
            self._label_encoder = [LabelEncoder().fit(column) for column in y.T]
            self.classes_ = [encoder.classes_ for encoder in self._label_encoder]
            return np.column_stack(
                [enc.transform(col) for enc, col in zip(self._label_encoder, y.T)]
            )
        self._label_encoder = LabelEncoder().fit(y)
        self.classes_ = self._label_encoder.classes_
        return self._label_encoder.transform(y)

    def _decode_y(self, y):
        """The inverse of :meth:`_encode_y` for predicted labels."""
        if isinstance(self._label_encoder, list):
            return np.column_stack(
                [
                    encoder.inverse_transform(column)
                    for encoder, column in zip(self._label_encoder, y.T)
                ]
            )
        return self._label_encoder.inverse_transform(y)

    # ---------------------------------------------------------------- routing
    def get_metadata_routing(self):
        """Get the metadata routing of this object.

        Members of every layer receive what they request in ``fit``; the
        final estimator receives what it requests in ``predict``, and in
        ``fit`` what it requests or leaves unset (as scikit-learn's stacking
        gives it the metadata of ``fit``); the cross-validation splitter
        receives ``groups`` in ``split`` when it requests them (e.g.
        :class:`~sklearn.model_selection.GroupKFold`).

        Returns
        -------
        routing : MetadataRouter
            A :class:`~sklearn.utils.metadata_routing.MetadataRouter`
            encapsulating routing information.
        """
        router = MetadataRouter(owner=self)
        for layer in self._layer_params():
            for name, estimator in layer:
                if _is_drop(estimator):
                    continue
                router.add(
                    **{name: estimator},
                    method_mapping=MethodMapping().add(caller="fit", callee="fit"),
                )
        if hasattr(self, "final_estimator_"):
            final = self.final_estimator_
        else:
            final = self._final_template()
        router.add(
            final_estimator_=_unset_fit_requests_accepted(final),
            method_mapping=MethodMapping()
            .add(caller="fit", callee="fit")
            .add(caller="predict", callee="predict"),
        )
        splitter = self._splitter_for_routing()
        if splitter is not None:
            router.add(
                splitter=splitter,
                method_mapping=MethodMapping().add(caller="fit", callee="split"),
            )
        return router

    def _splitter_for_routing(self):
        return None

    def _route_fit_params(self, member_names, sample_weight, groups, fit_params):
        """Return (params per member name, final estimator params, groups)."""
        routing = _sklearn_get_config().get("enable_metadata_routing", False)
        if routing:
            params = dict(fit_params)
            if sample_weight is not None:
                params["sample_weight"] = sample_weight
            if groups is not None:
                params["groups"] = groups
            routed = process_routing(self, "fit", **params)
            members = {name: dict(routed[name]["fit"]) for name in member_names}
            final = dict(routed["final_estimator_"]["fit"])
            if self._splitter_for_routing() is not None:
                groups = routed["splitter"]["split"].get("groups")
            else:
                groups = None
            return members, final, groups
        members = {name: {} for name in member_names}
        final = {}
        if sample_weight is not None:
            for name in member_names:
                members[name] = {"sample_weight": sample_weight}
            final = {"sample_weight": sample_weight}
        return members, final, groups

    # ---------------------------------------------------------- meta-features
    def _meta_block(self, pred, method):
        """One member's predictions as 2D meta-features.

        The first probability column of a binary target is dropped (it is
        collinear with the other), and so it is for each output of a
        multilabel target whose probabilities come one array per output.
        """
        if isinstance(pred, list):
            pred = np.stack([np.asarray(to_host(p)) for p in pred], axis=1)
        pred = np.asarray(to_host(pred))
        if pred.ndim == 1:
            return pred.reshape(-1, 1)
        if pred.ndim == 3:
            return pred[:, :, 1:].reshape(pred.shape[0], -1)
        if (
            method == "predict_proba"
            and is_classifier(self)
            and not isinstance(self.classes_, list)
            and len(self.classes_) == 2
        ):
            return pred[:, 1:]
        drop = getattr(self, "drop_proba_col", None)
        if method == "predict_proba" and drop == "first":
            return pred[:, 1:]
        if method == "predict_proba" and drop == "last":
            return pred[:, :-1]
        return pred

    def _next_input(self, X, layer_outputs):
        """What the next layer (or the final estimator) sees."""
        keep_layers, keep_inputs = self._passthrough_mode()
        blocks = list(layer_outputs) if keep_layers else [layer_outputs[-1]]
        if keep_inputs:
            if sparse.issparse(X):
                return sparse.hstack(blocks + [X], format=X.format)
            blocks.append(X)
        return np.hstack(blocks)

    def _fit_final_input(self, X, X_meta, y, final_params, plan):
        """What the final estimator is trained on, from the last layer's input.

        ``X`` are the training inputs (as the members saw them), ``X_meta``
        what :meth:`_next_input` made of the layers' out-of-fold outputs,
        ``y`` the encoded target, ``plan`` what :meth:`_oof_plan` returned.
        A subclass that derives more from them fits what it needs here.
        """
        return X_meta

    def _final_input(self, X, X_meta):
        """What the final estimator predicts from (see :meth:`_fit_final_input`)."""
        return X_meta

    def _check_sample_weight_support(self, layers, member_params, final, final_params):
        for names, estimators in layers:
            for name, est in zip(names, estimators):
                if _is_drop(est) or "sample_weight" not in member_params[name]:
                    continue
                if not _accepts(est, "sample_weight"):
                    raise TypeError(
                        f"Underlying estimator {name} ({type(est).__name__}) "
                        "does not support sample weights."
                    )
        if "sample_weight" in final_params and not _accepts(final, "sample_weight"):
            raise TypeError(
                f"Underlying estimator final_estimator ({type(final).__name__}) "
                "does not support sample weights."
            )

    # -------------------------------------------------------------------- fit
    @abstractmethod
    def _oof_plan(self, X, y, groups):
        """How members are fitted out of fold.

        Returns a dict with ``cv`` (a splitter, or ``"prefit"``),
        ``require_partition``, ``refit`` and ``rows`` (indices of the rows the
        final estimator is trained on, ``None`` for all).
        """

    def _fit_stack(self, X, y, sample_weight=None, groups=None, **fit_params):
        _raise_for_params(fit_params, self, "fit")
        n_layers = None
        for attribute in self._SETTING_ATTRIBUTES:
            vars(self).pop(attribute, None)
        if getattr(self, "select_layers", False) and len(self._layer_params()) > 1:
            n_layers = self._select_layers(X, y, sample_weight, groups, fit_params)
        fit = self._fit_layers(X, y, sample_weight, groups, fit_params, n_layers)
        self._fit_final(fit, len(fit.outputs))
        return self

    def _fit_layers(self, X, y, sample_weight, groups, fit_params, n_layers=None):
        """Fit the first ``n_layers`` layers (all with ``None``) out of fold.

        Returns what :meth:`_fit_final` fits a final layer from: the inputs,
        the encoded target, each layer's out-of-fold outputs, the unfitted
        final estimator and its parameters, the out-of-fold plan, and each
        layer's fitted members, methods and output widths.
        """
        layers = self._validate_layers()[:n_layers]
        final = members_to_device([self._make_final_estimator()], self.device)[0]
        X, y = self._validate_X_y(X, y)
        y = self._encode_y(y)
        member_names = [
            name
            for names, estimators in layers
            for name, est in zip(names, estimators)
            if not _is_drop(est)
        ]
        member_params, final_params, groups = self._route_fit_params(
            member_names, sample_weight, groups, fit_params
        )
        if not _sklearn_get_config().get("enable_metadata_routing", False):
            self._check_sample_weight_support(
                layers, member_params, final, final_params
            )

        plan = self._oof_plan(X, y, groups)
        prefit = isinstance(plan["cv"], str) and plan["cv"] == "prefit"
        if prefit and self.early_stopping_rounds is not None:
            warnings.warn(
                f"early_stopping_rounds={self.early_stopping_rounds} is not "
                f"applied with cv='prefit': members {member_names} are not fitted.",
                UserWarning,
            )
        stack_method = self._stack_method_param()
        self.layers_, self.layers_stack_method_ = [], []
        self.named_estimators_ = Bunch()
        self.oof_predictions_, self.cv_scores_, self.best_iterations_ = {}, {}, {}
        self._n_feature_outs = []
        outputs = []
        layer_input = X
        for names, estimators in layers:
            live = [
                (name, est) for name, est in zip(names, estimators) if not _is_drop(est)
            ]
            live_names = [name for name, _ in live]
            live_estimators = members_to_device([est for _, est in live], self.device)
            methods = [_response_method(name, est, stack_method) for name, est in live]
            if prefit:
                fitted, preds = self._predict_prefit(
                    live_names, live_estimators, methods, layer_input
                )
            else:
                fitted, preds = self._fit_layer_oof(
                    live_names,
                    live_estimators,
                    methods,
                    layer_input,
                    y,
                    plan,
                    [member_params[name] for name in live_names],
                )
            fitted_by_name = dict(zip(live_names, fitted))
            for name in names:
                self.named_estimators_[name] = fitted_by_name.get(name, "drop")
            self.layers_.append(fitted)
            self.layers_stack_method_.append(methods)
            blocks = [
                self._meta_block(pred, method) for pred, method in zip(preds, methods)
            ]
            self._n_feature_outs.append([block.shape[1] for block in blocks])
            outputs.append(np.hstack(blocks))
            layer_input = self._next_input(X, outputs)
        return Bunch(
            X=X,
            y=y,
            outputs=outputs,
            final=final,
            final_params=final_params,
            plan=plan,
            layers=self.layers_,
            methods=self.layers_stack_method_,
            widths=self._n_feature_outs,
        )

    def _fit_final(self, fit, n_layers):
        """Fit the final layer on the first ``n_layers`` layers of ``fit``."""
        self.layers_ = fit.layers[:n_layers]
        self.layers_stack_method_ = fit.methods[:n_layers]
        self._n_feature_outs = fit.widths[:n_layers]
        self.n_layers_ = n_layers
        self.estimators_ = self.layers_[0]
        self.stack_method_ = self.layers_stack_method_[0]
        X, y, plan = fit.X, fit.y, fit.plan
        final, final_params = clone(fit.final), fit.final_params
        layer_input = self._next_input(X, fit.outputs[:n_layers])
        layer_input = self._fit_final_input(X, layer_input, y, final_params, plan)
        rows = plan["rows"]
        if rows is not None:
            layer_input = _safe_indexing(layer_input, rows)
            final_params = _slice_params(final_params, rows, len(y))
            y = y[rows]
        if getattr(self, "select_final", False):
            final = self._select_final(final, layer_input, y, final_params, plan)
        self.final_estimator_ = final
        final.fit(layer_input, y, **final_params)

    def _select_layers(self, X, y, sample_weight, groups, fit_params):
        """The number of layers that scores best on rows held out from the stack.

        The whole stack is fitted on the other rows; each cut of it (its
        final layer fitted again on the layers kept) is scored on the
        held-out rows (see ``select_layers``).
        """
        check_splittable(self.cv)
        X, y = self._validate_X_y(X, y)
        classifier = is_classifier(self)
        if classifier:
            check_classification_targets(y)
        if sample_weight is not None:
            sample_weight = np.asarray(sample_weight)
        share = 1 / 9 if self.select_layers is True else self.select_layers
        fit_rows, held = holdout_split(
            y, groups, share, self.random_state, classifier and y.ndim == 1
        )

        def rows(values, index):
            return None if values is None else _safe_indexing(values, index)

        probe = clone(self).set_params(select_layers=False)
        fit = probe._fit_layers(
            rows(X, fit_rows),
            y[fit_rows],
            rows(sample_weight, fit_rows),
            rows(groups, fit_rows),
            _slice_params(fit_params, fit_rows, len(y)),
        )
        scores = []
        for n_layers in range(1, len(fit.outputs) + 1):
            probe._fit_final(fit, n_layers)
            scores.append(
                held_out_score(
                    probe,
                    rows(X, held),
                    y[held],
                    rows(sample_weight, held),
                    probe.classes_ if classifier else None,
                )
            )
        self.holdout_scores_ = np.asarray(scores)
        return int(np.argmax(scores)) + 1

    def _select_final(self, final, X_meta, y, final_params, plan):
        """The best-scoring final layer out of fold (see ``select_final``)."""
        if isinstance(plan["cv"], str):
            raise ValueError(
                "select_final=True scores the final layers out of fold, but "
                "cv='prefit' has no folds. Use select_final=False."
            )
        keep_layers, _ = self._passthrough_mode()
        widths = [sum(layer) for layer in self._n_feature_outs]
        methods = (
            self.layers_stack_method_
            if keep_layers
            else [self.layers_stack_method_[-1]]
        )
        full_blocks = len(getattr(self, "classes_", ())) == 2 or not getattr(
            self, "drop_proba_col", None
        )
        probabilities = full_blocks and all(
            m == "predict_proba" for layer in methods for m in layer
        )
        splits = list(plan["cv"].split(X_meta, y))
        splits = splits[: len(splits) // getattr(self, "n_repeats", 1)]
        self.final_choice_, chosen, self.final_scores_ = select_final_estimator(
            final,
            X_meta,
            y,
            columns=range(sum(widths) if keep_layers else widths[-1]),
            splits=splits,
            probabilities=probabilities,
            fit_params=final_params,
        )
        return chosen

    def _predict_prefit(self, names, estimators, methods, X):
        for est in estimators:
            check_is_fitted(est)
        inputs = member_inputs(estimators, X)
        preds = [
            to_host(getattr(est, method)(X_in))
            for est, method, (X_in, _) in zip(estimators, methods, inputs)
        ]
        for name, pred in zip(names, preds):
            if isinstance(pred, list):
                pred = np.stack(pred, axis=1)
            self.oof_predictions_[name] = np.asarray(pred)
        return list(estimators), preds

    def _fit_layer_oof(self, names, estimators, methods, X, y, plan, fit_params):
        result = fit_members_oof_device_aware(
            estimators,
            X,
            y,
            cv=plan["cv"],
            methods=methods,
            names=names,
            fit_params=fit_params,
            sampler=self.sampler,
            early_stopping_rounds=self.early_stopping_rounds,
            scoring=self.scoring,
            refit=plan["refit"],
            require_partition=plan["require_partition"],
            keep_fold_estimators=not plan["refit"],
            oob=plan.get("oob", False),
            n_jobs=self.n_jobs,
            verbose=self.verbose,
        )
        rows = plan["rows"]
        if plan["refit"]:
            fitted = list(result.estimators)
        elif plan.get("bagged", False):
            n_classes = len(self.classes_) if is_classifier(self) else None
            fitted = [
                _FoldAverage(folds, n_classes) if est is None else est
                for est, folds in zip(result.estimators, result.fold_estimators)
            ]
        else:
            fitted = [folds[0] for folds in result.fold_estimators]
        preds = []
        for i, name in enumerate(names):
            pred = result.predictions[i]
            preds.append(pred)
            self.oof_predictions_[name] = pred if rows is None else pred[rows]
            self.cv_scores_[name] = result.fold_scores[i].copy()
            if result.best_iterations[i] is not None:
                self.best_iterations_[name] = list(result.best_iterations[i])
        return fitted, preds

    # ---------------------------------------------------------------- predict
    def _transform(self, X):
        return self._final_input(*self._stack_inputs(X))

    def _stack_inputs(self, X):
        """``X`` validated, and what :meth:`_next_input` makes of the last layer."""
        check_is_fitted(self)
        X = self._validate_X_predict(X)
        outputs = []
        layer_input = X
        for fitted, methods in zip(self.layers_, self.layers_stack_method_):
            inputs = member_inputs(fitted, layer_input)
            blocks = [
                self._meta_block(getattr(est, method)(X_in), method)
                for est, method, (X_in, _) in zip(fitted, methods, inputs)
            ]
            outputs.append(np.hstack(blocks))
            layer_input = self._next_input(X, outputs)
        return X, layer_input

    def transform(self, X):
        """Return what the final estimator sees for ``X``.

        The predictions of the last layer (and of the earlier layers and the
        inputs, as ``passthrough`` says), made by the members fitted on the
        training data.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Input samples.

        Returns
        -------
        X_meta : ndarray or sparse matrix of shape (n_samples, n_meta_features)
            The meta-features, named by :meth:`get_feature_names_out`.
        """
        return self._transform(X)

    def get_feature_names_out(self, input_features=None):
        """Get output feature names for transformation.

        Parameters
        ----------
        input_features : array-like of str or None, default=None
            Input features, only used when the inputs are passed through.
            If ``None``, ``feature_names_in_`` is used, or generated names
            ``[x0, x1, ...]`` when it is not defined. If given, they must
            match ``feature_names_in_`` if that is defined.

        Returns
        -------
        feature_names_out : ndarray of str objects
            Names of the columns of :meth:`transform`: ``<class>_<member>``
            (or ``<class>_<member><k>`` when a member gives several columns).
        """
        check_is_fitted(self, "n_features_in_")
        keep_layers, keep_inputs = self._passthrough_mode()
        input_features = _check_feature_names_in(
            self, input_features, generate_names=keep_inputs
        )
        class_name = type(self).__name__.lower()
        layer_names = []
        for (names, estimators), widths in zip(
            self._fitted_layer_names(), self._n_feature_outs
        ):
            out = []
            for name, width in zip(names, widths):
                if width == 1:
                    out.append(f"{class_name}_{name}")
                else:
                    out.extend(f"{class_name}_{name}{k}" for k in range(width))
            layer_names.append(out)
        kept = (
            [n for layer in layer_names for n in layer]
            if keep_layers
            else layer_names[-1]
        )
        if keep_inputs:
            return np.concatenate((np.asarray(kept, dtype=object), input_features))
        return np.asarray(kept, dtype=object)

    def _fitted_layer_names(self):
        layers = []
        for fitted_layer, layer in zip(self.layers_, self._layer_params()):
            names = [name for name, est in layer if not _is_drop(est)]
            layers.append((names, fitted_layer))
        return layers

    def _predict_meta(self, X, **predict_params):
        if _sklearn_get_config().get("enable_metadata_routing", False):
            routed = process_routing(self, "predict", **predict_params)
            predict_params = routed["final_estimator_"]["predict"]
        return self.final_estimator_.predict(self.transform(X), **predict_params)

    # ------------------------------------------------------------------- tags
    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        try:
            keep_layers, keep_inputs = self._passthrough_mode()
            layers = self._layer_params()
            seeing_inputs = list(layers[0])
            if keep_inputs:
                for layer in layers[1:]:
                    seeing_inputs.extend(layer)
            members = [est for _, est in seeing_inputs if not _is_drop(est)]
            if keep_inputs and self.final_estimator is not None:
                members.append(self.final_estimator)
            tags.input_tags.allow_nan = all(
                get_tags(est).input_tags.allow_nan for est in members
            )
            tags.input_tags.sparse = all(
                get_tags(est).input_tags.sparse for est in members
            )
        except Exception:
            # Invalid members are reported by fit, not here.
            pass
        tags.transformer_tags.preserves_dtype = []
        return tags


def _unset_fit_requests_accepted(final):
    """The final estimator's metadata request, its unset ``fit`` requests granted.

    scikit-learn's stacking fits its final estimator with the metadata given
    to ``fit``; here the metadata the final estimator explicitly refuses (or
    aliases) is respected, and what it leaves unset reaches it as there.
    """
    request = get_routing_for_object(final)
    if isinstance(request, MetadataRequest):
        for param, alias in request.fit.requests.items():
            if alias is None:
                request.fit.add_request(param=param, alias=True)
    return request


def _accepts(estimator, param):
    if has_fit_parameter(estimator, param):
        return True
    try:
        parameters = inspect.signature(estimator.fit).parameters.values()
    except (TypeError, ValueError):
        return True
    return any(p.kind is inspect.Parameter.VAR_KEYWORD for p in parameters)


class _StackClassifierMixin:
    """Predictions of a classifier stack: its final estimator on the meta-features."""

    @available_if(_final_has("predict"))
    def predict(self, X, **predict_params):
        """Predict class labels for X.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Input samples.

        **predict_params : dict of str -> obj
            Parameters of the final estimator's ``predict`` (routed to it
            when metadata routing is enabled).

        Returns
        -------
        y_pred : ndarray of shape (n_samples,)
            Predicted class labels.
        """
        check_is_fitted(self)
        return self._decode_y(self._predict_meta(X, **predict_params))

    @available_if(_final_has("predict_proba"))
    def predict_proba(self, X):
        """Predict class probabilities for X with the final estimator.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Input samples.

        Returns
        -------
        proba : ndarray of shape (n_samples, n_classes) or (n_samples, n_outputs)
            Class probabilities, columns in the order of ``classes_``. For a
            multilabel target whose final estimator gives one array per
            output, the first column of each (as scikit-learn's stack does).
        """
        check_is_fitted(self)
        proba = self.final_estimator_.predict_proba(self.transform(X))
        if isinstance(self._label_encoder, list) and isinstance(proba, list):
            return np.array([output[:, 0] for output in proba]).T
        return proba

    @available_if(_final_has("decision_function"))
    def decision_function(self, X):
        """Decision function of the final estimator for X.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Input samples.

        Returns
        -------
        decisions : ndarray of shape (n_samples,) or (n_samples, n_classes)
            The final estimator's decision function.
        """
        check_is_fitted(self)
        return self.final_estimator_.decision_function(self.transform(X))


class _StackRegressorMixin:
    """Predictions of a regressor stack: its final estimator on the meta-features."""

    @available_if(_final_has("predict"))
    def predict(self, X, **predict_params):
        """Predict targets for X.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Input samples.

        **predict_params : dict of str -> obj
            Parameters of the final estimator's ``predict`` (e.g.
            ``return_std``), routed to it when metadata routing is enabled.

        Returns
        -------
        y_pred : ndarray of shape (n_samples,)
            Predicted targets.
        """
        check_is_fitted(self)
        return self._predict_meta(X, **predict_params)


STACKING_CV_DOCS = {
    "one_layer_attributes": """layers_ : list of list of estimators
        ``[estimators_]``.

    layers_stack_method_ : list of list of str
        ``[stack_method_]``.

    n_layers_ : int
        ``1``: one layer of members.""",
    "refit": """refit : bool, default=True
        Refit each member on all the training rows after the folds, and
        predict with that refit (scikit-learn's behaviour). ``False`` bags
        the members instead (as AutoGluon does): the models fitted on the
        training folds are kept and predict new rows with the mean of their
        outputs (probabilities, decision values or predictions; for a
        classifier stacked on ``predict``, their majority vote). The
        out-of-fold predictions and the predictions for new rows then come
        from the same models, and the refit is saved.""",
    "n_repeats": """n_repeats : int, default=1
        Number of differently shuffled partitions by ``cv``; each row's
        out-of-fold prediction is the mean over the repeats (less noisy
        meta-features). Repeat ``r`` is ``cv`` with ``shuffle=True`` and the
        random state drawn from ``random_state``, as in
        :class:`~sklearn.model_selection.RepeatedStratifiedKFold`, so the
        splits are the same for any ``n_jobs``. With ``refit=False`` the
        fold models of every repeat are averaged. Values above 1 need a
        splitter with ``shuffle`` and ``random_state`` (an int ``cv``,
        :class:`~sklearn.model_selection.KFold`,
        :class:`~sklearn.model_selection.StratifiedKFold`, ...); an iterable
        of splits or ``"prefit"`` raises a ``ValueError``. 1 keeps ``cv`` as
        given.""",
    "use_oob": """use_oob : bool, default=False
        Fit the members that are bootstrap ensembles (a random forest, a
        bagging ensemble with ``bootstrap=True``; stacked on
        ``predict_proba`` for a classifier, ``predict`` for a regressor)
        once, on all the training rows, with ``oob_score=True``, instead
        of once per fold: their out-of-bag outputs are their out-of-fold
        predictions (each row's from the trees that did not draw it), and
        that one fit predicts new rows, whatever ``refit`` (AutoGluon's
        ``use_child_oof``). It saves these members' fold fits, and with
        ``refit=False`` they still see every row. A forest too small to
        leave every row out of some tree is fitted on the folds as the
        other members, with a warning. Not applied with a ``sampler`` or a
        multi-output target.""",
    "random_state": """random_state : int, RandomState instance or None, default=None
        Seeds the shuffles of the repeated folds (``n_repeats > 1``); the
        same seed gives the same stack for any ``n_jobs`` and joblib
        backend. Unused with ``n_repeats=1``.""",
}


def _repeated_splits(cv, n_repeats, random_state, X, y, groups):
    """``n_repeats`` partitions by ``cv``, each reshuffled (as ``RepeatedKFold``)."""
    if not (hasattr(cv, "shuffle") and hasattr(cv, "random_state")):
        raise ValueError(
            f"n_repeats={n_repeats} needs a cv splitter that can be reshuffled "
            "(one with shuffle and random_state, such as KFold or "
            f"StratifiedKFold); got {type(cv).__name__}. Use n_repeats=1 "
            "with this cv."
        )
    rng = check_random_state(random_state)
    splits = []
    for _ in range(n_repeats):
        repeat = deepcopy(cv)
        repeat.shuffle, repeat.random_state = True, rng
        part = [
            (np.asarray(tr), np.asarray(te)) for tr, te in repeat.split(X, y, groups)
        ]
        counts = np.bincount(np.concatenate([te for _, te in part]), minlength=len(y))
        if not np.all(counts == 1):
            raise ValueError(
                "cv must put every sample in exactly one test fold (a "
                "partition), as for cross_val_predict; got a splitter that "
                "does not."
            )
        splits.extend(part)
    return splits


class _StackingCV:
    """The out-of-fold plan of k-fold stacking (shared by the k-fold stacks)."""

    _parameter_constraints: dict = {
        "cv": ["cv_object", StrOptions({"prefit"})],
        "refit": ["boolean"],
        "n_repeats": [Interval(Integral, 1, None, closed="left")],
        "use_oob": ["boolean"],
        "random_state": ["random_state"],
    }

    def _splitter_for_routing(self):
        if isinstance(self.cv, str) and self.cv == "prefit":
            return None
        return check_cv(self.cv)

    def _oof_plan(self, X, y, groups):
        if isinstance(self.cv, str) and self.cv == "prefit":
            if self.n_repeats > 1:
                raise ValueError(
                    f"n_repeats={self.n_repeats} cannot repeat cv='prefit': "
                    "the members are not fitted again. Use n_repeats=1."
                )
            if not self.refit:
                raise ValueError(
                    "refit=False keeps the fold models, but cv='prefit' fits "
                    "no fold models. Use refit=True."
                )
            if self.use_oob:
                raise ValueError(
                    "use_oob=True fits the bootstrap ensembles on all the "
                    "rows, but cv='prefit' fits no member. Use use_oob=False."
                )
            return dict(cv="prefit", require_partition=True, refit=True, rows=None)
        cv = check_cv(self.cv, y=y, classifier=is_classifier(self))
        if self.n_repeats > 1:
            splits = _repeated_splits(
                cv, self.n_repeats, self.random_state, X, y, groups
            )
        else:
            if hasattr(cv, "random_state") and cv.random_state is None:
                # Every layer must see the same folds.
                cv = deepcopy(cv)
                cv.random_state = np.random.RandomState()
            splits = [
                (np.asarray(train), np.asarray(test))
                for train, test in cv.split(X, y, groups)
            ]
        return dict(
            cv=check_cv(splits),
            require_partition=self.n_repeats == 1,
            refit=self.refit,
            bagged=not self.refit,
            oob=self.use_oob,
            rows=None,
        )
