"""Write ``api.rst`` from the ``__all__`` of skextra's public modules.

Run by ``conf.py`` at every build, so the reference lists every public name
without anyone editing it by hand; ``python doc/_api.py`` writes it too.
"""

import inspect
from importlib import import_module
from pathlib import Path

# (module, title, intro); names are grouped by the private module defining them.
MODULES = (
    ("skextra", "Configuration", "Global settings and environment report."),
    (
        "skextra.ensemble",
        "skextra.ensemble",
        "Stacking, blending, ensemble selection, combination rules, "
        "outlier-detector and clusterer ensembles, and dynamic ensemble selection.",
    ),
    (
        "skextra.ensemble.diversity",
        "skextra.ensemble.diversity",
        "DESlib's pairwise diversity measures of two classifiers' oracle outputs.",
    ),
    (
        "skextra.resampling",
        "skextra.resampling",
        "Imbalance-aware ensembles built on imbalanced-learn samplers.",
    ),
    (
        "skextra.gpu",
        "skextra.gpu",
        "Device detection and dispatch of members to GPU implementations.",
    ),
    (
        "skextra.utils",
        "skextra.utils",
        "Shared machinery: out-of-fold prediction, scheduling, array namespace.",
    ),
    (
        "skextra.utils.discovery",
        "skextra.utils.discovery",
        "Finding skextra's public estimators.",
    ),
)

GROUP_TITLES = {
    "_stacking": "Stacking",
    "_fwls": "Feature-weighted linear stacking",
    "_final": "Final estimators with convex weights",
    "_blending": "Blending",
    "_selection": "Ensemble selection",
    "_combination": "Combination rules",
    "_detection": "Outlier-detector ensembles",
    "_clustering": "Clusterer ensembles",
    "_dynamic": "Dynamic ensemble selection",
}

# A paragraph under a group's title, where the title alone does not say enough.
GROUP_INTROS = {
    "Feature-weighted linear stacking": (
        "Stacking whose blend weights are linear functions of meta-features "
        "of the\nrow (Sill et al. 2009): a regularised linear model on the "
        "products of the\nmembers' out-of-fold outputs and the meta-features."
    ),
    "Final estimators with convex weights": (
        "Non-negative weights summing to one over the members' out-of-fold "
        "outputs,\nfor ``final_estimator=``; ``select_final=True`` of the "
        "stacking estimators\nchooses among the final estimator, a greedy "
        "weighted ensemble and the best\nmember out of fold."
    ),
}


def _public_names(module):
    names = getattr(module, "__all__", None)
    if names is None:
        names = [
            n
            for n in dir(module)
            if getattr(getattr(module, n), "__module__", None) == module.__name__
        ]
    return [n for n in names if not n.startswith("_")]


def _group(module_name, obj):
    defined = getattr(obj, "__module__", "") or ""
    if not defined.startswith(module_name + "."):
        return ""
    part = defined[len(module_name) + 1 :].split(".")[0]
    if part in GROUP_TITLES:
        return GROUP_TITLES[part]
    if inspect.isclass(obj) and issubclass(obj, Warning):
        return "Warnings"
    if inspect.isclass(obj):
        return "Classes"
    return "Functions"


def render():
    lines = [
        ".. This file is written by doc/_api.py at every build; edit that file.",
        "",
        ".. _api:",
        "",
        "API reference",
        "=============",
        "",
    ]
    for module_name, title, intro in MODULES:
        module = import_module(module_name)
        names = [
            n
            for n in _public_names(module)
            if n != "__version__"
            and (inspect.isclass(getattr(module, n)) or callable(getattr(module, n)))
        ]
        if not names:
            continue
        lines += [
            title,
            "-" * len(title),
            "",
            intro,
            "",
            f".. currentmodule:: {module_name}",
            "",
        ]
        groups = {}
        for name in names:
            group = _group(module_name, getattr(module, name))
            groups.setdefault(group, []).append(name)
        known = list(GROUP_TITLES.values())
        order = sorted(
            groups,
            key=lambda g: (
                g in ("Warnings", "Functions"),
                known.index(g) if g in known else len(known),
                g,
            ),
        )
        for group in order:
            if group and len(groups) > 1:
                lines += [group, "~" * len(group), ""]
                if group in GROUP_INTROS:
                    lines += [GROUP_INTROS[group], ""]
            lines += [
                ".. autosummary::",
                "   :toctree: generated/",
                "   :nosignatures:",
                "",
            ]
            lines += [f"   {name}" for name in sorted(groups[group], key=str.lower)]
            lines.append("")
    return "\n".join(lines)


def write(path=None):
    path = Path(path or Path(__file__).with_name("api.rst"))
    text = render()
    if not path.exists() or path.read_text() != text:
        path.write_text(text)
    return path


if __name__ == "__main__":
    print(write())
