"""scikit-learn's common checks over every public skextra estimator."""

import pytest
from sklearn.utils.estimator_checks import (
    check_param_validation,
    parametrize_with_checks,
)

from skextra.utils.discovery import all_estimators

from ._instances import EXPECTED_FAILED_CHECKS, expected_failed_checks, instances_of

ESTIMATORS = [est for name, cls in all_estimators() for est in instances_of(name, cls)]


@parametrize_with_checks(ESTIMATORS, expected_failed_checks=expected_failed_checks)
def test_sklearn_compatible_estimator(estimator, check):
    check(estimator)


@pytest.mark.parametrize("estimator", ESTIMATORS, ids=lambda est: type(est).__name__)
def test_param_validation(estimator):
    check_param_validation(type(estimator).__name__, estimator)


@pytest.mark.parametrize("estimator", ESTIMATORS, ids=lambda est: type(est).__name__)
def test_expected_failures_have_reasons(estimator):
    for check, reason in expected_failed_checks(estimator).items():
        assert isinstance(reason, str) and len(reason) > 10, check


def test_every_listed_failure_names_a_checked_class():
    checked = {type(est).__name__ for est in ESTIMATORS}
    assert set(EXPECTED_FAILED_CHECKS) <= checked


def test_discovery_finds_every_public_name():
    import skextra.ensemble
    import skextra.resampling

    discovered = {name for name, _ in all_estimators()}
    for module in (skextra.ensemble, skextra.resampling):
        for name in module.__all__:
            obj = getattr(module, name)
            # Neighbour searchers (fit + kneighbors) are components, not estimators.
            searcher = hasattr(obj, "kneighbors") and not hasattr(obj, "predict")
            if isinstance(obj, type) and hasattr(obj, "fit") and not searcher:
                assert name in discovered
