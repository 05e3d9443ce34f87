"""DES-MI."""

from decimal import Decimal, getcontext

import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_array_equal

from skextra.ensemble import DESMI
from skextra.ensemble._dynamic._base import Batch
from skextra.ensemble._dynamic._desmi import class_weights

from . import _pool


def _exact_weights(y_nb, counts, alpha):
    """The normalised weights in 60-digit decimal arithmetic."""
    getcontext().prec = 60
    out = []
    for row in y_nb:
        w = [
            1 / (1 + (Decimal(alpha) * int(counts[c])).exp())
            for c in range(len(counts))
        ]
        total = sum(w[c] for c in row)
        out.append([float(v / total) if c in row else 0.0 for c, v in enumerate(w)])
    return np.array(out)


@pytest.mark.parametrize("counts", [[3, 11, 40], [903, 911, 940], [2, 5000, 5040]])
def test_class_weights_are_exact_without_underflow(counts):
    # Beyond ~830 rows, 1 / (1 + exp(0.9 n)) underflows to 0 in double
    # precision (DESlib's weights are then all 0).
    rng = np.random.RandomState(0)
    counts = np.array(counts)
    y_nb = rng.randint(0, 3, size=(25, 7))
    got = class_weights(y_nb, counts, 0.9)
    assert_allclose(got, _exact_weights(y_nb, counts, 0.9), rtol=1e-12, atol=1e-300)
    assert_allclose(np.take_along_axis(got, y_nb, axis=1).sum(axis=1), 1.0)


def test_competence_is_weighted_accuracy_and_ties_are_exact():
    X, y, X_test, _ = _pool.make_data("three_class")
    est = DESMI(pool_classifiers=_pool.make_pool("three_class"), alpha=0.3).fit(X, y)
    dist, nb = est._region(X_test)
    comp = est._competence(Batch(X=X_test, neighbors=nb, distances=dist))
    counts = np.bincount(y, minlength=3)
    w = _exact_weights(y[nb], counts, 0.3)
    hits = est.DSEL_processed_[nb]
    expected = np.einsum("nk,nkm->nm", np.take_along_axis(w, y[nb], axis=1), hits)
    assert_allclose(comp, expected, rtol=1e-12)
    # Members right on neighbours of the same classes: bitwise-equal competence.
    y_nb = y[nb]
    key = np.stack([(hits & (y_nb == c)[:, :, None]).sum(axis=1) for c in range(3)], -1)
    same = (key[:, :, None, :] == key[:, None, :, :]).all(-1)
    assert_array_equal((comp[:, :, None] == comp[:, None, :])[same], True)


def test_large_classes_weighted_accuracy_is_exact():
    # Classes of ~1500 DSEL rows: DESlib's weights all underflow and its
    # competences are 0; skextra's are the exact weighted accuracies.
    rng = np.random.RandomState(0)
    X = np.round(rng.normal(size=(3000, 6)), 6)
    y = (X[:, 0] + X[:, 1] > 0.1).astype(int)
    est = DESMI(pool_classifiers=_pool.make_pool("binary")).fit(X, y)
    dist, nb = est._region(X[:40])
    comp = est._competence(Batch(X=X[:40], neighbors=nb, distances=dist))
    w = _exact_weights(y[nb], np.bincount(y), 0.9)
    expected = np.einsum(
        "nk,nkm->nm", np.take_along_axis(w, y[nb], axis=1), est.DSEL_processed_[nb]
    )
    assert np.ptp(np.bincount(y)) > 0 and expected.max() > 0.5
    assert_allclose(comp, expected, rtol=1e-12, atol=1e-300)


def test_errors():
    X, y, _, _ = _pool.make_data("binary")
    pool = _pool.make_pool("binary")
    with pytest.raises(ValueError, match="pct_accuracy=0.05 selects no member"):
        DESMI(pool_classifiers=pool, pct_accuracy=0.05).fit(X, y)
    with pytest.raises(ValueError, match="'alpha' parameter of DESMI"):
        DESMI(pool_classifiers=pool, alpha=0.0).fit(X, y)
