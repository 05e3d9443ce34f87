"""Common-check instances for this family (see tests/_instances/__init__.py)."""

from sklearn.linear_model import LogisticRegression, Ridge
from sklearn.tree import DecisionTreeClassifier, DecisionTreeRegressor

from skextra.ensemble import (
    CombinationClassifier,
    CombinationRegressor,
    ConvexWeightsClassifier,
    ConvexWeightsRegressor,
    EnsembleSelectionClassifier,
    EnsembleSelectionRegressor,
)


def _classifiers():
    return [
        ("lr", LogisticRegression(max_iter=200)),
        ("tree", DecisionTreeClassifier(max_depth=3, random_state=0)),
    ]


def _regressors():
    return [
        ("ridge", Ridge()),
        ("tree", DecisionTreeRegressor(max_depth=3, random_state=0)),
    ]


INSTANCES = {
    "ConvexWeightsClassifier": [
        ConvexWeightsClassifier(),
        ConvexWeightsClassifier(method="greedy", ensemble_size=5),
    ],
    "ConvexWeightsRegressor": [
        ConvexWeightsRegressor(),
        ConvexWeightsRegressor(method="greedy", ensemble_size=5),
    ],
    "CombinationClassifier": [
        CombinationClassifier(_classifiers()),
        CombinationClassifier(_classifiers(), rule="majority"),
    ],
    "CombinationRegressor": [CombinationRegressor(_regressors(), rule="median")],
    "EnsembleSelectionClassifier": [
        EnsembleSelectionClassifier(
            _classifiers(), ensemble_size=5, cv=3, random_state=0
        )
    ],
    "EnsembleSelectionRegressor": [
        EnsembleSelectionRegressor(_regressors(), ensemble_size=5, cv=3, random_state=0)
    ],
}

_PROBABILITIES_ONLY = (
    "fits on members' probabilities: raises ValueError on the unbounded "
    "features the check feeds it"
)

EXPECTED_FAILED_CHECKS = {
    "ConvexWeightsClassifier": {
        check: _PROBABILITIES_ONLY
        for check in (
            "check_all_zero_sample_weights_error",
            "check_classifier_data_not_an_array",
            "check_classifiers_classes",
            "check_classifiers_train",
            "check_decision_proba_consistency",
            "check_dict_unchanged",
            "check_dont_overwrite_parameters",
            "check_dtype_object",
            "check_estimators_dtypes",
            "check_estimators_fit_returns_self",
            "check_estimators_overwrite_params",
            "check_estimators_pickle",
            "check_f_contiguous_array_estimator",
            "check_fit2d_1feature",
            "check_fit2d_predict1d",
            "check_fit_check_is_fitted",
            "check_fit_idempotent",
            "check_methods_sample_order_invariance",
            "check_methods_subset_invariance",
            "check_n_features_in",
            "check_n_features_in_after_fitting",
            "check_pipeline_consistency",
            "check_positive_only_tag_during_fit",
            "check_readonly_memmap_input",
            "check_sample_weights_not_an_array",
            "check_sample_weights_not_overwritten",
            "check_sample_weights_pandas_series",
            "check_sample_weights_shape",
        )
    }
}
