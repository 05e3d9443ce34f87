"""Every peer test that skextra's class does not pass, with its reason.

Keys are the peer's file (as in the peer's repository) and the test's name:
a bare function name covers all its parametrizations, a name with ``[...]``
one of them. Each entry is run as ``xfail(strict=True)``: when skextra comes
to pass it, the suite fails until the entry is removed. The kinds:

- ``design``: an intentional difference, documented on the migration page;
- ``missing``: a feature skextra does not have yet;
- ``peer``: the test depends on the peer's own internals, version or files.

``python -m tests.peers.known_failures`` writes them into
``doc/guide/migrating.rst`` (between its ``known-failures`` markers).
"""

import pathlib

DOC = pathlib.Path(__file__).resolve().parents[2] / "doc" / "guide" / "migrating.rst"
BEGIN, END = ".. known-failures-begin\n\n", "\n.. known-failures-end"

DESIGN, MISSING, PEER = "design", "missing", "peer"
KINDS = {
    DESIGN: "Intentional differences",
    MISSING: "Not there yet",
    PEER: "Tests of the peer's own internals, version or files",
}


_NO_NPY = (
    PEER,
    "loads ``deslib/tests/expected_values/*.npy``, which neither DESlib's wheel "
    "nor its sdist ships (DESlib fails it too)",
)
_ADABOOST_POOL = (
    PEER,
    "its ``AdaBoostClassifier`` pool is not the one the score was recorded on "
    "(scikit-learn 1.6 removed ``algorithm='SAMME.R'``, the default then; "
    "DESlib passes it on scikit-learn 1.5), so the scores cannot be compared",
)
_ACCURACY_TIES = (
    DESIGN,
    "DESlib ranks the members by accuracy with numpy's default (unstable) "
    "``argsort``; on one test row the cut at ``N = 50`` members falls inside "
    "a group of members tied at accuracy 6/7, and which of them are kept "
    "depends on numpy's sort implementation (its AVX-512 sort and its "
    "introsort keep different ones). skextra breaks ties as a stable sort "
    "does, which gives the same result on every platform: DESlib's own "
    "``DESKNN`` with ``np.argsort(kind='stable')`` scores 0.9734, as skextra, "
    "instead of the 0.9787 recorded",
)
_PROFILE_TIES = (
    DESIGN,
    "many DSEL rows share one output profile (the members' probabilities), "
    "and which of the equally distant profiles form the ``Kp`` nearest, and "
    "which one the meta-training set drops as the row itself, depends on "
    "the search: DESlib takes its k-d tree's order, skextra orders equal "
    "distances by index. DESlib's own ``METADES`` with an index-ordered "
    "output-profile search scores what skextra scores (0.8936 without a "
    "pool, 0.9030 with ``DFP``)",
)
_KNOP_PROFILE_TIES = (
    DESIGN,
    "KNOP's neighbours are output profiles (the members' probabilities), "
    "which many of the 670 DSEL rows share, and the score recorded follows "
    "the order scikit-learn's brute force gives equally distant profiles "
    "(its float64 rounding): skextra's KNOP scores it, 0.8106, with "
    "``knn_classifier=ExactNeighbors(algorithm='brute')``, 0.8136 with the "
    "k-d tree's order and 0.8091 with equal distances ordered by index, its "
    "default",
)
_BASE_PROBABILISTIC = (
    PEER,
    "tests DESlib's own ``BaseProbabilistic``, which fails on ``_validate_data`` "
    "(removed in scikit-learn 1.6)",
)


KNOWN_FAILURES = {
    "sklearn/ensemble/tests/test_stacking.py": {
        "test_stacking_without_n_features_in": (
            DESIGN,
            "skextra validates ``X`` itself and sets ``n_features_in_`` in ``fit``; "
            "scikit-learn reads it from the first member, so it is missing when "
            "that member has none",
        ),
    },
    "imblearn/ensemble/tests/test_bagging.py": {
        "test_balanced_bagging_classifier_samplers": (
            DESIGN,
            "skextra bootstraps each class separately, so every class keeps its "
            "size in a bag; the test asserts the row count that imbalanced-learn's "
            "plain bootstrap happens to draw with its seed",
        ),
    },
    "deslib/tests/des/test_probabilistic.py": {
        "test_not_predict_proba": _BASE_PROBABILISTIC,
        "test_knne_not_allowed": _BASE_PROBABILISTIC,
    },
    "deslib/tests/static/test_stacked.py": {
        "test_not_predict_proba_meta": (
            DESIGN,
            "without a meta-classifier that has ``predict_proba`` the estimator "
            "has none (``AttributeError``, scikit-learn's ``available_if``, as "
            "its ``StackingClassifier``); DESlib has the method and raises "
            "``ValueError`` when it is called",
        ),
    },
    "deslib/tests/test_des_integration.py": {
        **{
            f"test_{name}[{search}]": _NO_NPY
            for name in ("kne_proba", "desp_proba", "ola_proba", "knop_proba")
            for search in ("None", "faiss")
        },
        **{
            f"test_desknn[{search}-{voting}]": _ACCURACY_TIES
            for search in ("None", "faiss")
            for voting in ("hard", "soft")
        },
        "test_label_encoder_integration_sklearn_ensembles_not_encoding": (
            _ADABOOST_POOL
        ),
        "test_meta_no_pool_of_classifiers": _PROFILE_TIES,
    },
    "deslib/tests/test_des_integration_multiclass.py": {
        **{
            name: _ADABOOST_POOL
            for name in (
                "test_desp",
                "test_mcb",
                "test_apriori",
                "test_meta",
                "test_mi",
            )
        },
        "test_knop": _KNOP_PROFILE_TIES,
    },
    "deslib/tests/test_integration_dfp.py": {
        "test_desp_proba": _NO_NPY,
        "test_ola_proba": _NO_NPY,
        "test_mcb_proba": _NO_NPY,
        "test_desknn_proba": _NO_NPY,
        "test_kne_proba": _NO_NPY,
        "test_meta[False-0.9090909090909091]": _PROFILE_TIES,
    },
}


def lookup(path, name):
    """The ``(kind, reason)`` listed for a test, or None."""
    listed = KNOWN_FAILURES.get(path, {})
    return listed.get(name) or listed.get(name.partition("[")[0])


def render_rst():
    """The known failures as reStructuredText, one table per kind."""
    out = []
    for kind, title in KINDS.items():
        out += [title, "~" * len(title), ""]
        out += [".. list-table::", "   :header-rows: 1", "   :widths: 45 55", ""]
        out += ["   * - peer test", "     - reason"]
        for path, tests in KNOWN_FAILURES.items():
            for name, (entry_kind, reason) in tests.items():
                if entry_kind == kind:
                    out += [f"   * - ``{path}::{name}``", f"     - {reason}"]
        out.append("")
    return "\n".join(out)


def documented_block(text):
    """The part of the migration page between the markers."""
    return text[text.index(BEGIN) + len(BEGIN) : text.index(END)]


def write_doc():
    text = DOC.read_text()
    old = documented_block(text)
    DOC.write_text(text.replace(BEGIN + old + END, BEGIN + render_rst() + END))


if __name__ == "__main__":
    write_doc()
