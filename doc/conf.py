"""Sphinx configuration of skextra's documentation."""

import socket
import sys
from pathlib import Path
from urllib.parse import urlsplit

import skextra

HERE = Path(__file__).parent
sys.path.insert(0, str(HERE))

from _api import write as _write_api  # noqa: E402

_write_api()

project = "skextra"
author = "skextra developers"
copyright = "skextra developers"
release = skextra.__version__
version = ".".join(release.split(".")[:2])

extensions = [
    "sphinx.ext.autodoc",
    "sphinx.ext.autosummary",
    "sphinx.ext.intersphinx",
    "sphinx.ext.mathjax",
    "sphinx.ext.viewcode",
    "numpydoc",
    "sphinx_gallery.gen_gallery",
]

templates_path = ["_templates"]
exclude_patterns = ["_build", "auto_examples/*.ipynb", "auto_examples/*.py"]
root_doc = "index"
default_role = "literal"

autosummary_generate = True
autodoc_default_options = {"members": True}
numpydoc_show_class_members = False
numpydoc_class_members_toctree = False

_INTERSPHINX = {
    "python": ("https://docs.python.org/3", None),
    "numpy": ("https://numpy.org/doc/stable", None),
    "sklearn": ("https://scikit-learn.org/stable", None),
    "imblearn": ("https://imbalanced-learn.org/stable", None),
    "joblib": ("https://joblib.readthedocs.io/en/stable", None),
}


def _reachable(url, timeout=2.0):
    """Whether a TCP connection to ``url``'s host opens within ``timeout`` s."""
    parts = urlsplit(url)
    port = parts.port or (443 if parts.scheme == "https" else 80)
    try:
        socket.create_connection((parts.hostname, port), timeout=timeout).close()
    except OSError:
        return False
    return True


# Offline, the inventories cannot be fetched and each would be a warning:
# link to the other projects only when the first of them answers.
if _reachable(next(iter(_INTERSPHINX.values()))[0]):
    intersphinx_mapping = _INTERSPHINX
else:
    intersphinx_mapping = {}
    print(
        "note: offline, so no links to the documentation of "
        + ", ".join(_INTERSPHINX)
        + " (intersphinx)"
    )
intersphinx_timeout = 5

sphinx_gallery_conf = {
    "examples_dirs": "examples",
    "gallery_dirs": "auto_examples",
    "filename_pattern": r"/plot_",
    "doc_module": ("skextra",),
    "backreferences_dir": "generated/backreferences",
    "reference_url": {"skextra": None},
    "download_all_examples": False,
    "remove_config_comments": True,
}

html_theme = "pydata_sphinx_theme"
html_title = f"skextra {release}"
html_static_path = []


def _skip_metadata_request_methods(app, what, name, obj, skip, options):
    """The generated ``set_*_request`` methods are scikit-learn's, not ours."""
    if name.startswith("set_") and name.endswith("_request"):
        return True
    return None


def setup(app):
    app.connect("autodoc-skip-member", _skip_metadata_request_methods)
