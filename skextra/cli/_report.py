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


def _versus(result, best):
    """The "vs best" cell: the difference to the best member, coloured."""
    if result is best:
        return "best"
    if best is None:
        return ""
    delta = result.mean - best.mean
    colour = "green" if delta > 0 else ("red" if delta < 0 else "")
    versus = f"{delta:+.4f}"
    return f"[{colour}]{versus}[/{colour}]" if colour else versus


def _table(ordered, best, title, with_estimator):
    from rich.markup import escape
    from rich.table import Table

    table = Table(title=escape(title), title_justify="left")
    table.add_column("rank", justify="right", no_wrap=True)
    table.add_column("model", no_wrap=True)
    if with_estimator:
        table.add_column("estimator", no_wrap=True)
    table.add_column("mean ± std", justify="right", no_wrap=True)
    table.add_column("vs best", justify="right", no_wrap=True)
    table.add_column("fit (s)", justify="right", no_wrap=True)
    position = 0
    for result in ordered:
        name = f"{result.key} {BEST_MARK}" if result is best else result.key
        cells = [name, result.estimator_name] if with_estimator else [name]
        if result.failed:
            table.add_row("-", *cells, "[red]failed[/red]", "", "")
            continue
        position += 1
        table.add_row(
            str(position),
            *cells,
            f"{result.mean:.4f} ± {result.std:.4f}",
            _versus(result, best),
            f"{result.fit_time:.2f}",
            style="bold" if result.kind == "ensemble" else None,
        )
    return table


def _estimator_legend(ordered):
    from rich.table import Table

    legend = Table.grid(padding=(0, 2))
    legend.add_column(no_wrap=True)
    legend.add_column(no_wrap=True)
    for result in ordered:
        legend.add_row(result.key, result.estimator_name)
    return legend


def _summary(ordered, best, metric):
    """The lines under the table: what the columns mean and the verdict."""
    from rich.markup import escape

    lines = [
        f"{metric}: mean ± std over the folds; vs best: difference to the best "
        "single member; fit (s): mean seconds per fold"
    ]
    if best is not None:
        lines.append(f"{BEST_MARK} best single member: {best.key} ({best.mean:.4f})")
    ensembles = [r for r in ordered if r.kind == "ensemble" and not r.failed]
    if ensembles and best is not None:
        top = ensembles[0]
        verdict = "beats" if top.mean > best.mean else "does not beat"
        lines.append(
            f"best ensemble: {top.key} ({top.mean:.4f}), "
            f"{verdict} the best member by {top.mean - best.mean:+.4f}"
        )
    lines += [
        f"[red]{r.key} failed:[/red] {escape(r.error)}" for r in ordered if r.failed
    ]
    return lines


def print_leaderboard(results, *, metric, title, console=None):
    """Print the ranked table; the best single member carries ``BEST_MARK``.

    When the table with the estimators' class names is wider than the
    console, the class names move to a legend under it, so that no name is
    cut.
    """
    from rich.measure import Measurement

    console = console or make_console()
    ordered = rank(results)
    best = best_member(results)
    table = _table(ordered, best, title, with_estimator=True)
    unbounded = console.options.update_width(10 * console.width)
    folded = Measurement.get(console, unbounded, table).maximum > console.width
    if folded:
        table = _table(ordered, best, title, with_estimator=False)
    console.print(table)
    if folded:
        console.print("estimators:")
        console.print(_estimator_legend(ordered))
    for line in _summary(ordered, best, metric):
        console.print(line)


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
