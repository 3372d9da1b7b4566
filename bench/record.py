"""What every benchmark does with its figures: print them and append them to its file in bench/results/."""

from __future__ import annotations

from pathlib import Path


def record(results: Path, text: str) -> None:
    print(text)
    results.parent.mkdir(parents=True, exist_ok=True)
    with results.open("a", encoding="utf-8") as fh:
        fh.write(text.rstrip("\n") + "\n")
