"""The rewritten peer files change only the imports of the replaced classes,
every known failure names a test of its file, and the migration page lists
every known failure."""

import ast

import pytest

from tests.peers import _sources
from tests.peers.known_failures import (
    DOC,
    KNOWN_FAILURES,
    documented_block,
    render_rst,
)

PEERS = [
    pytest.param(
        peer,
        marks=pytest.mark.skipif(
            peer in _sources.generate(),
            reason=f"{peer} {_sources.DESLIB_VERSION} could not be downloaded",
        ),
    )
    for peer in _sources.PEER_FILES
]


def test_split_import_keeps_the_peer_names_and_the_line_count():
    source = (
        "from sklearn.ensemble import (\n"
        "    RandomForestClassifier,\n"
        "    StackingClassifier,\n"
        ")\n"
        "x = StackingClassifier\n"
    )
    new, changes = _sources.rewrite_imports(source, "sklearn")
    assert new.splitlines() == [
        "from sklearn.ensemble import RandomForestClassifier",
        "from skextra.ensemble import StackingClassifier",
        "",
        "",
        "x = StackingClassifier",
    ]
    assert [line for line, _, _ in changes] == [1]


def test_aliased_import_is_refused():
    with pytest.raises(ValueError, match="aliased import"):
        _sources.rewrite_imports(
            "from imblearn.ensemble import RUSBoostClassifier as R\n", "imblearn"
        )


def test_a_name_goes_to_the_module_of_its_rule():
    source = (
        "from deslib.util.diversity import Q_statistic, \\\n"
        "    _process_predictions\n"
        "from deslib.util import Q_statistic\n"
        "from deslib.des.knora_e import KNORAE\n"
    )
    new, changes = _sources.rewrite_imports(source, "deslib")
    assert new.splitlines() == [
        "from deslib.util.diversity import _process_predictions",
        "from skextra.ensemble.diversity import Q_statistic",
        "from deslib.util import Q_statistic",
        "from skextra.ensemble import KNORAE",
    ]
    assert [line for line, _, _ in changes] == [1, 4]


def _imported(tree, module_matches):
    return {
        (node.module, alias.name)
        for node in ast.walk(tree)
        if isinstance(node, ast.ImportFrom)
        and node.module
        and module_matches(node.module)
        for alias in node.names
    }


@pytest.mark.parametrize("peer", PEERS)
def test_only_the_imports_of_replaced_classes_change(peer):
    rules = _sources.REPLACED[peer]
    root = _sources.peer_root(peer)
    for relative in _sources.PEER_FILES[peer]:
        old = (root / relative).read_text().splitlines()
        new = _sources.generated_path(peer, relative).read_text().splitlines()
        assert len(old) == len(new)
        changed = [i for i, (a, b) in enumerate(zip(old, new)) if a != b]
        assert changed, relative
        tree = ast.parse("\n".join(new))
        targets = {target for _, target, _ in rules}
        ours = _imported(tree, targets.__contains__)
        assert ours, relative
        for module, name in ours:
            assert any(
                module == target and name in names for _, target, names in rules
            ), f"{relative}: {name} from {module}"
        still_peer = _imported(tree, lambda m: m.split(".")[0] == peer)
        left = {
            (module, name)
            for module, name in still_peer
            if _sources.replacement(peer, module, name)
        }
        assert not left, relative


def _test_functions(path):
    tree = ast.parse(path.read_text())
    return {n.name for n in tree.body if isinstance(n, ast.FunctionDef)}


@pytest.mark.parametrize("peer", PEERS)
def test_every_known_failure_names_a_test_of_its_file(peer):
    for key, tests in KNOWN_FAILURES.items():
        listed_peer, _, relative = key.partition("/")
        if listed_peer != peer:
            continue
        assert relative in _sources.PEER_FILES[peer], key
        defined = _test_functions(_sources.generated_path(peer, relative))
        unknown = {name.partition("[")[0] for name in tests} - defined
        assert not unknown, f"{key}: {sorted(unknown)}"


def test_migration_page_lists_every_known_failure():
    generated = documented_block(DOC.read_text())
    assert generated.strip() == render_rst().strip(), (
        "doc/guide/migrating.rst is stale: paste the output of "
        "`python -m tests.peers.known_failures` to rewrite it"
    )
    for key, tests in KNOWN_FAILURES.items():
        for name in tests:
            assert f"``{key}::{name}``" in generated
