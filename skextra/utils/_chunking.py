"""Blocks of rows sized from scikit-learn's ``working_memory``."""

from sklearn.utils import gen_batches
from sklearn.utils._chunking import get_chunk_n_rows

# The functions under their parameter validation, which costs more than the
# small searches they size blocks for.
_chunk_n_rows = getattr(get_chunk_n_rows, "__wrapped__", get_chunk_n_rows)
_batches = getattr(gen_batches, "__wrapped__", gen_batches)


def row_batches(n_rows, row_bytes, *, max_n_rows=None):
    """Slices over ``n_rows`` rows, each block within ``working_memory``.

    Parameters
    ----------
    n_rows : int
        Number of rows to cover.
    row_bytes : int
        Bytes of temporary memory one row needs.
    max_n_rows : int, default=None
        Upper bound on the rows of a block.

    Returns
    -------
    batches : generator of slice
        At least one row per block; when one row exceeds the budget,
        scikit-learn warns and the blocks have one row.

    Examples
    --------
    >>> from sklearn import config_context
    >>> from skextra.utils._chunking import row_batches
    >>> with config_context(working_memory=1):
    ...     [s.stop for s in row_batches(5, 2**19)]
    [2, 4, 5]
    """
    size = _chunk_n_rows(int(row_bytes), max_n_rows=max_n_rows)
    return _batches(n_rows, size)
