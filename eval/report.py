"""Render evaluation runs: a terminal table, a JSON document, a Markdown report with a PNG chart."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from eval.qaset import QAItem
from eval.scorer import METRIC_NAMES, EvalRun

LATENCY_METRICS = frozenset({"latency_p50_ms", "latency_p95_ms"})
CHART_METRICS: tuple[str, ...] = tuple(m for m in METRIC_NAMES if m not in LATENCY_METRICS)
LABELS = {
    "answer_accuracy": "answer accuracy",
    "strict_accuracy": "strict accuracy (≤200 chars or in the short answer)",
    "right_document": "right document",
    "citation_precision": "citation precision",
    "abstention_precision": "abstention precision",
    "abstention_recall": "abstention recall",
    "coverage": "coverage (share answered)",
    "answered_precision": "precision of answered",
    "headline_figures_quoted": "headline figures found in the cited text",
    "aurc": "risk–coverage area (AURC)",
    "ece": "calibration error (ECE)",
    "recall@1": "Recall@1",
    "recall@3": "Recall@3",
    "recall@5": "Recall@5",
    "mrr": "MRR",
    "latency_p50_ms": "latency p50 (ms)",
    "latency_p95_ms": "latency p95 (ms)",
}
REPORT_NAME = "report.md"
CHART_NAME = "modes.png"
_GOT_CHARS = 120


def format_value(metric: str, value: float | None) -> str:
    """0.7134 → 「71.3%」, MRR as 0.713, latencies in whole ms, None → 「n/a」 (undefined: no such items)."""
    if value is None:
        return "n/a"
    if metric in LATENCY_METRICS:
        return f"{value:.0f}"
    if metric in ("mrr", "aurc", "ece"):
        return f"{value:.3f}"
    return f"{100 * value:.1f}%"


def _set_description(items: Sequence[QAItem]) -> str:
    answerable = sum(item.answerable for item in items)
    return f"{len(items)} questions ({answerable} answerable, {len(items) - answerable} unanswerable)"


def _aligned(rows: list[list[str]]) -> list[str]:
    """Columns padded to a common display width (CJK characters count double)."""

    def width(text: str) -> int:
        return sum(2 if ord(ch) > 0x2E7F else 1 for ch in text)

    widths = [max(width(row[i]) for row in rows) for i in range(len(rows[0]))]
    return ["  ".join(cell + " " * (widths[i] - width(cell)) for i, cell in enumerate(row)).rstrip() for row in rows]


def _breakdown_rows(runs: Sequence[EvalRun], attribute: str) -> list[list[str]]:
    tables = [getattr(run, attribute)() for run in runs]
    groups = list(dict.fromkeys(group for table in tables for group in table))
    rows = [["", "n", *(run.label for run in runs)]]
    for group in groups:
        count = next(table[group]["count"] for table in tables if group in table)
        cells = [format_value("accuracy", table.get(group, {}).get("accuracy")) for table in tables]
        rows.append([group, str(count), *cells])
    return rows


def split_rows(runs: Sequence[EvalRun], held_out: frozenset[str]) -> list[list[str]]:
    """Headline metrics on the documents held out from fitting vs the rest, per run (empty without a split)."""
    names = ("strict_accuracy", "right_document", "abstention_precision", "abstention_recall")
    rows = [["split", "metric", *(run.label for run in runs)]]
    splits = [run.by_split(held_out) for run in runs]
    for split in ("held-out", "fit"):
        if not any(split in s for s in splits):
            continue
        for metric in names:
            rows.append([split, LABELS[metric], *(format_value(metric, s.get(split, {}).get(metric)) for s in splits)])
    return rows if len(rows) > 1 else []


def terminal_table(runs: Sequence[EvalRun], items: Sequence[QAItem], source: str,
                   held_out: frozenset[str] = frozenset()) -> str:
    """Metrics with the runs side by side, then accuracy by type and by difficulty."""
    header = [
        f"Q&A set: {source} — {_set_description(items)}",
        f"model: {runs[0].model_id} · k={runs[0].k}",
        "",
    ]
    rows = [["metric", *(run.label for run in runs)]]
    for metric in METRIC_NAMES:
        rows.append([LABELS[metric], *(format_value(metric, run.metrics[metric]) for run in runs)])
    lines = header + _aligned(rows)
    lines += ["", "accuracy by type (unanswerable: share declined)", *_aligned(_breakdown_rows(runs, "by_type"))]
    lines += ["", "accuracy by difficulty", *_aligned(_breakdown_rows(runs, "by_difficulty"))]
    if split := split_rows(runs, held_out):
        lines += ["", f"documents held out from fitting ({len(held_out)}) vs the rest", *_aligned(split)]
    counts = ", ".join(f"{run.label} {len(run.failures())}" for run in runs)
    lines += ["", f"failures: {counts} (listed by --json / --report)"]
    return "\n".join(lines)


def json_document(runs: Sequence[EvalRun], items: Sequence[QAItem], source: str) -> dict[str, Any]:
    """Everything measured, JSON-ready: the set, each run's metrics, breakdowns, failures and items."""
    return {
        "qa_file": source,
        "questions": len(items),
        "answerable": sum(item.answerable for item in items),
        "evaluated_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "primary_metric": "answer_accuracy",
        "runs": {run.label: run.to_dict() for run in runs},
    }


def write_json(path: Path, document: dict[str, Any]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(document, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")


def _cell(text: str) -> str:
    """A Markdown table cell: one line, pipes escaped."""
    return " ".join(str(text).split()).replace("|", "\\|")


def _markdown_table(rows: list[list[str]]) -> list[str]:
    lines = ["| " + " | ".join(_cell(c) for c in rows[0]) + " |", "|" + "---|" * len(rows[0])]
    lines += ["| " + " | ".join(_cell(c) for c in row) + " |" for row in rows[1:]]
    return lines


def markdown_report(runs: Sequence[EvalRun], items: Sequence[QAItem], source: str, chart_name: str) -> str:
    """The report: configuration, metrics side by side, chart, breakdowns, failures per run."""
    lines = [
        "# planqa evaluation",
        "",
        f"- Q&A set: `{source}` — {_set_description(items)}",
        f"- model: `{runs[0].model_id}`, k = {runs[0].k}",
        f"- runs: {', '.join(f'`{run.label}` (mode {run.mode}, answerer {run.answerer})' for run in runs)}",
        f"- date: {datetime.now(UTC).strftime('%Y-%m-%d %H:%M UTC')}",
        "",
        "## Metrics",
        "",
    ]
    rows = [["metric", *(run.label for run in runs)]]
    rows += [[LABELS[m], *(format_value(m, run.metrics[m]) for run in runs)] for m in METRIC_NAMES]
    lines += _markdown_table(rows)
    lines += [
        "",
        "Answer accuracy: answerable questions answered with every expected string; citation precision: "
        "answered questions whose first citation holds the evidence; abstention: 「not found」 as a "
        "prediction of the unanswerable questions; Recall@n / MRR: rank of the first cited passage "
        "holding the evidence (answerable questions).",
        "",
        f"![metrics by run]({chart_name})",
        "",
        "## Accuracy by question type",
        "",
        *_markdown_table(_breakdown_rows(runs, "by_type")),
        "",
        "## Accuracy by difficulty",
        "",
        *_markdown_table(_breakdown_rows(runs, "by_difficulty")),
    ]
    for run in runs:
        failures = run.failures()
        lines += ["", f"## Failures: {run.label} ({len(failures)})", ""]
        if not failures:
            lines.append("None.")
            continue
        rows = [["id", "type", "question", "expected", "why", "got", "cited"]]
        for f in failures:
            got = f["got"] if len(f["got"]) <= _GOT_CHARS else f["got"][:_GOT_CHARS] + "……"
            rows.append([f["id"], f["type"], f["question"], "、".join(f["expected"]) or "—", f["reason"], got,
                         f["cited_path"]])
        lines += _markdown_table(rows)
    return "\n".join(lines) + "\n"


def write_chart(path: Path, runs: Sequence[EvalRun]) -> None:
    """A grouped bar chart of the ratio metrics, one bar colour per run."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(11, 4.5), dpi=100)
    width = 0.8 / len(runs)
    for i, run in enumerate(runs):
        values = [100 * (run.metrics[m] or 0.0) for m in CHART_METRICS]
        positions = [x + (i - (len(runs) - 1) / 2) * width for x in range(len(CHART_METRICS))]
        ax.bar(positions, values, width, label=run.label)
    ax.set_xticks(range(len(CHART_METRICS)), [LABELS[m] for m in CHART_METRICS], rotation=20, ha="right")
    ax.set_ylabel("% (MRR × 100)")
    ax.set_ylim(0, 100)
    ax.set_title(f"planqa evaluation ({len(runs[0].results)} questions, {runs[0].model_id})")
    ax.grid(axis="y", alpha=0.3)
    ax.legend()
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)


def write_report(directory: Path, runs: Sequence[EvalRun], items: Sequence[QAItem], source: str) -> Path:
    """Write report.md and modes.png into ``directory``; returns the Markdown path."""
    directory.mkdir(parents=True, exist_ok=True)
    write_chart(directory / CHART_NAME, runs)
    report = directory / REPORT_NAME
    report.write_text(markdown_report(runs, items, source, CHART_NAME), encoding="utf-8")
    return report


def fit_table(cv: dict[str, Any], held_out: dict[str, Any], model: Any) -> str:
    """What `planqa fit` measured: the decision's numbers cross-validated over the fitting documents
    and on the held-out documents, the reliability table, and the risk–coverage curve."""
    names = ("questions", "coverage", "answered_precision", "answered_wrong", "accuracy_answerable",
             "abstention_recall", "declined_without_answer", "ece", "aurc")
    rows = [["", "cross-validated (fitting documents)", "held-out documents"]]
    rows += [[name, str(cv.get(name)), str(held_out.get(name))] for name in names]
    bare_cv, bare_held = cv.get("headingless", {}), held_out.get("headingless", {})
    rows += [[f"headingless {name}", str(bare_cv.get(name)), str(bare_held.get(name))]
             for name in names if name in bare_cv]  # each question again, its passages' headings taken away
    spread = cv.get("threshold_spread")
    lines = [f"support model: C={cv.get('C')}, thresholds answer ≥ {model.answer_at:.3f}, "
             f"tentative ≥ {model.tentative_at:.3f}"
             + (f" (answer threshold over documents resampled: 5th–95th percentile {spread[0]:.3f}–{spread[2]:.3f},"
                f" median {spread[1]:.3f})" if spread else ""), "", *_aligned(rows), ""]
    for title, data in (("cross-validated", cv), ("held-out", held_out)):
        if not data:
            continue
        table = [["confidence", "questions", "mean confidence", "share right"]]
        table += [[f"{lo:.1f}–{hi:.1f}", str(n), str(mean), str(right)]
                  for lo, hi, n, mean, right in data["reliability"]]
        lines += [f"reliability ({title})", *_aligned(table), ""]
        lines += [f"risk–coverage ({title}): " + curve_text(data["curve"]), ""]
    return "\n".join(lines)


def curve_text(curve: Sequence[Sequence[float]], points: Sequence[float] = (0.5, 0.6, 0.7, 0.8, 0.85, 0.9, 1.0)) -> str:
    """The precision of the answered at a few coverages of a risk–coverage curve (threshold, coverage, precision)."""
    out = []
    for target in points:
        reached = [p for p in curve if p[1] >= target]
        if reached:
            out.append(f"{target:.0%}→{reached[0][2]:.1%}")
    return ", ".join(out)
