"""Tables for the terminal and the same figures as JSON."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path


@dataclass
class Table:
    """One section's figures: printed rows (strings) and JSON records (numbers)."""

    key: str  # JSON key of the section
    title: str
    columns: list[str]
    rows: list[list[str]] = field(default_factory=list)
    records: list[dict] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    targets: list[tuple[str, bool]] = field(default_factory=list)  # (what, passed)

    def add(self, row: list[object], record: dict | None = None) -> None:
        self.rows.append(["" if cell is None else str(cell) for cell in row])
        if record is not None:
            self.records.append(record)

    def target(self, what: str, passed: bool) -> str:
        self.targets.append((what, passed))
        return verdict(passed)

    def render(self) -> str:
        widths = [len(c) for c in self.columns]
        for row in self.rows:
            for i, cell in enumerate(row):
                widths[i] = max(widths[i], len(cell))

        def line(cells: list[str]) -> str:
            out = []
            for i, cell in enumerate(cells):
                # Numbers (and ratios, sizes, times) read best right-aligned.
                numeric = cell[:1].isdigit() or cell[:1] in "-<>~" or cell.endswith(("x", "ms", " s", "kB", "µs"))
                out.append(cell.rjust(widths[i]) if numeric and i > 0 else cell.ljust(widths[i]))
            return "  ".join(out).rstrip()

        rule = "-" * (sum(widths) + 2 * (len(widths) - 1))
        parts = [self.title, rule, line(self.columns), rule]
        parts += [line(r + [""] * (len(self.columns) - len(r))) for r in self.rows]
        parts.append(rule)
        parts += [f"  {note}" for note in self.notes]
        return "\n".join(parts)

    def as_json(self) -> dict:
        return {
            "title": self.title,
            "records": self.records,
            "notes": self.notes,
            "targets": [{"target": what, "result": verdict(ok)} for what, ok in self.targets],
        }


def verdict(passed: bool) -> str:
    return "PASS" if passed else "MISS"


def seconds(value: float | None) -> str:
    """A duration as people read it: 850 µs, 12.3 ms, 1.42 s."""
    if value is None:
        return "—"
    if value < 1e-5:
        return f"{value * 1e6:.2f} µs"
    if value < 1e-3:
        return f"{value * 1e6:.0f} µs"
    if value < 1:
        return f"{value * 1e3:.1f} ms" if value < 0.1 else f"{value * 1e3:.0f} ms"
    return f"{value:.2f} s"


def ratio(value: float | None) -> str:
    if value is None:
        return "—"
    if value >= 100:
        return f"{value:,.0f}x"
    return f"{value:.2f}x" if value < 10 else f"{value:.1f}x"


def kilobytes(size: int) -> str:
    return f"{size / 1000:,.0f} kB"


def count(value: int) -> str:
    return f"{value:,}"


def write_json(path: Path, data: dict) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(data, indent=2, default=str) + "\n", encoding="utf-8")
    tmp.replace(path)
