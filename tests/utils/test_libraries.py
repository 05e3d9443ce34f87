import pytest
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline

from skextra.utils._libraries import library_of


def test_scikit_learn_estimators_and_pipelines_belong_to_no_library():
    assert library_of(LogisticRegression()) is None
    assert library_of(make_pipeline(LogisticRegression())) is None


@pytest.mark.parametrize(
    "library, name", [("xgboost", "XGBClassifier"), ("lightgbm", "LGBMClassifier")]
)
def test_boosting_estimators_are_recognised(library, name):
    module = pytest.importorskip(library)
    assert library_of(getattr(module, name)()) == library
