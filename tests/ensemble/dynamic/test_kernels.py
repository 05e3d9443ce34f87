"""The neighbour-by-neighbour kernels give the values of the gathered forms."""

import numpy as np
import pytest
from numpy.testing import assert_array_equal

from skextra.ensemble._dynamic._dcs import _masked_mean, _neighbour_mean
from skextra.ensemble._dynamic._kernels import (
    consecutive_hits,
    hits_by_class,
    neighbour_hits,
    vote_counts,
)


def _case(n_members, k, seed=0):
    rng = np.random.default_rng(seed)
    n, rows = 300, 60
    return dict(
        hits=rng.random((n, n_members)) < 0.7,
        proba=rng.random((n, n_members)),
        y=rng.integers(0, 3, n),
        pred=rng.integers(0, 3, (rows, n_members)),
        nb=rng.integers(0, n, (rows, k)),
        w=1 / rng.random((rows, k)),
        keep=rng.random((rows, k)) < 0.4,
    )


@pytest.mark.parametrize("n_members", [1, 2, 16])
@pytest.mark.parametrize("k", [1, 7, 9, 33])
def test_neighbour_mean_is_masked_mean(n_members, k):
    c = _case(n_members, k)
    nb, y, pred = c["nb"], c["y"], c["pred"]
    same = y[nb][:, :, None] == pred[:, None, :]

    def same_class(j):
        return y[nb[:, j], None] == pred

    for values, weights in [
        (c["hits"], None),
        (c["hits"], c["w"]),
        (c["proba"], c["w"]),
    ]:
        want = _masked_mean(
            values[nb], same, None if weights is None else weights[:, :, None]
        )
        got = _neighbour_mean(values, nb, same_class, weights)
        assert_array_equal(got, want)
    keep = c["keep"]
    assert_array_equal(
        _neighbour_mean(c["hits"], nb, lambda j: keep[:, j, None]),
        _masked_mean(c["hits"][nb], keep[:, :, None]),
    )


@pytest.mark.parametrize("k", [1, 7, 16])
def test_hit_kernels_are_their_gathered_forms(k):
    c = _case(16, k)
    gathered = c["hits"][c["nb"]]
    assert_array_equal(
        neighbour_hits(c["nb"], c["hits"]), gathered.sum(axis=1, dtype=float)
    )
    assert_array_equal(
        consecutive_hits(c["nb"], c["hits"]),
        np.logical_and.accumulate(gathered, axis=1).sum(axis=1).astype(float),
    )
    y_nb = c["y"][c["nb"]]
    want = [(gathered & (y_nb == cls)[:, :, None]).sum(axis=1) for cls in range(4)]
    assert_array_equal(hits_by_class(c["nb"], c["hits"], c["y"], 4), want)
    onehot = (c["pred"][:, :, None] == np.arange(3)).astype(float)
    selected = c["hits"][c["nb"][:, 0]]
    assert_array_equal(
        vote_counts(c["pred"], selected, 3),
        np.einsum("bm,bmc->bc", selected.astype(float), onehot),
    )
