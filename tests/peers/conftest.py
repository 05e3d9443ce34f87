"""Writes the peers' test files, rewritten to import skextra's classes, into
``_generated/`` before pytest walks this directory, and marks each test that
``known_failures.py`` lists as a strict xfail."""

import pytest

from tests.peers import _sources
from tests.peers.known_failures import lookup

MISSING_PEERS = _sources.generate()


def _peer_test_id(item):
    """``('deslib/tests/des/test_knorae.py', 'test_select[0-expected0]')``."""
    relative = item.path.relative_to(_sources.GENERATED).as_posix()
    return relative, item.name


def pytest_collection_modifyitems(config, items):
    for item in items:
        if _sources.GENERATED not in item.path.parents:
            continue
        path, name = _peer_test_id(item)
        entry = lookup(path, name)
        if entry is not None:
            item.add_marker(pytest.mark.xfail(reason=entry[1], strict=True))
