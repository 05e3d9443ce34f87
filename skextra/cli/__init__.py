"""The ``skextra`` command."""


def main(argv=None):
    raise SystemExit("skextra: the command is not available yet")
