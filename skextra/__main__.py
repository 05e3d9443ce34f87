"""``python -m skextra``: the ``skextra`` command."""

from skextra.cli import main

if __name__ == "__main__":
    raise SystemExit(main())
