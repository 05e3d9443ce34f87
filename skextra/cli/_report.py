"""What the command shows: the leaderboard table and the bar chart."""

import sys
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

BEST_MARK = "★"


@dataclass
class Result:
    """The cross-validated scores of one model."""

    key: str
    kind: str
    estimator_name: str
    scores: list = field(default_factory=list)
    fit_times: list = field(default_factory=list)
    error: str = None

    @property
    def failed(self):
        return self.error is not None

    @property
    def mean(self):
        return float(np.mean(self.scores)) if self.scores else float("nan")

    @property
    def std(self):
        return float(np.std(self.scores)) if self.scores else float("nan")

    @property
    def fit_time(self):
        return float(np.mean(self.fit_times)) if self.fit_times else float("nan")


def rank(results):
    """Results sorted best first; failed models last."""
    return sorted(results, key=lambda r: (r.failed, -r.mean if not r.failed else 0))


def best_member(results):
    members = [r for r in results if r.kind == "member" and not r.failed]
    return max(members, key=lambda r: r.mean) if members else None


def make_console(file=None, stderr=False):
    from rich.console import Console

    if file is None:
        file = sys.stderr if stderr else sys.stdout
    console = Console(file=file)
    if not console.is_terminal:
        console = Console(file=file, width=120)
    return console


def print_leaderboard(results, *, metric, title, console=None):
    """Print the ranked table; the best single member carries ``BEST_MARK``."""
    from rich.markup import escape
    from rich.table import Table

    console = console or make_console()
    ordered = rank(results)
    best = best_member(results)
    table = Table(title=escape(title), title_justify="left")
    table.add_column("rank", justify="right", no_wrap=True, min_width=4)
    table.add_column("model", no_wrap=True, min_width=15)
    table.add_column("estimator", overflow="ellipsis", no_wrap=True)
    table.add_column(metric, justify="right", no_wrap=True, min_width=15)
    table.add_column("vs best member", justify="right", no_wrap=True)
    table.add_column("fit time", justify="right", no_wrap=True)
    position = 0
    for result in ordered:
        if result.failed:
            table.add_row(
                "-", result.key, result.estimator_name, "[red]failed[/red]", "", ""
            )
            continue
        position += 1
        name = result.key
        if result is best:
            name = f"{name} {BEST_MARK}"
            versus = "best member"
        elif best is not None:
            delta = result.mean - best.mean
            colour = "green" if delta > 0 else ("red" if delta < 0 else "")
            versus = f"{delta:+.4f}"
            if colour:
                versus = f"[{colour}]{versus}[/{colour}]"
        else:
            versus = ""
        style = "bold" if result.kind == "ensemble" else None
        table.add_row(
            str(position),
            name,
            result.estimator_name,
            f"{result.mean:.4f} ± {result.std:.4f}",
            versus,
            f"{result.fit_time:.2f} s",
            style=style,
        )
    console.print(table)
    console.print(
        f"{metric}: mean ± std over the folds; fit time: mean per fold",
        soft_wrap=True,
    )
    if best is not None:
        console.print(
            f"{BEST_MARK} best single member: {best.key} ({best.mean:.4f})",
            soft_wrap=True,
        )
    ensembles = [r for r in ordered if r.kind == "ensemble" and not r.failed]
    if ensembles and best is not None:
        top = ensembles[0]
        verdict = "beats" if top.mean > best.mean else "does not beat"
        console.print(
            f"best ensemble: {top.key} ({top.mean:.4f}), "
            f"{verdict} the best member by {top.mean - best.mean:+.4f}",
            soft_wrap=True,
        )
    for result in ordered:
        if result.failed:
            console.print(
                f"[red]{result.key} failed:[/red] {escape(result.error)}",
                soft_wrap=True,
            )


def check_plot_target(path):
    """Fail early, before any model is fitted, if the plot cannot be written."""
    from ._data import CommandError

    try:
        from matplotlib.figure import Figure
    except ImportError:
        raise CommandError(
            "--plot needs matplotlib, which is not installed; install it with "
            "pip install 'skextra[plot]'"
        ) from None
    path = Path(path)
    suffix = path.suffix.lower().lstrip(".")
    supported = Figure().canvas.get_supported_filetypes()
    if suffix not in supported:
        raise CommandError(
            f"--plot {path}: unknown image format {suffix!r}; use one of "
            f"{', '.join(sorted(supported))}"
        )
    if not path.parent.exists():
        raise CommandError(f"--plot {path}: directory {path.parent} does not exist")


def write_plot(results, path, *, metric, title):
    """Horizontal bars (mean score, std as error bars), best first."""
    from matplotlib.figure import Figure

    ordered = [r for r in rank(results) if not r.failed]
    best = best_member(results)
    names = [f"{r.key} {BEST_MARK}" if r is best else r.key for r in ordered][::-1]
    means = np.array([r.mean for r in ordered])[::-1]
    stds = np.array([r.std for r in ordered])[::-1]
    colours = ["tab:orange" if r.kind == "ensemble" else "tab:blue" for r in ordered][
        ::-1
    ]

    figure = Figure(figsize=(7, 0.45 * len(ordered) + 1.5), layout="constrained")
    axes = figure.add_subplot()
    axes.barh(names, means, xerr=stds, color=colours, capsize=3)
    if best is not None:
        axes.axvline(best.mean, color="grey", linestyle="--", linewidth=1)
    low = float(np.min(means - stds))
    high = float(np.max(means + stds))
    margin = max(0.1 * (high - low), 1e-3)
    axes.set_xlim(low - margin, high + margin)
    axes.set_xlabel(f"{metric} (cross-validated mean ± std)")
    axes.set_title(title, fontsize=10)
    from matplotlib.patches import Patch

    axes.legend(
        handles=[
            Patch(color="tab:orange", label="skextra ensemble"),
            Patch(color="tab:blue", label="single member"),
        ],
        loc="lower right",
        fontsize=8,
    )
    figure.savefig(path, dpi=120)
