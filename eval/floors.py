"""Quality floors for CI: ``eval/floors.json`` holds, per configuration, minimums (and maximums for
metrics where lower is better) kept just under the values measured on the dev set. The lead raises
them as quality rises; :func:`check_floors` lists every metric that fell through its floor.
"""
from __future__ import annotations

import json
from pathlib import Path

from eval.runner import ConfigResult

FLOORS_FILE = Path(__file__).with_name("floors.json")


def load_floors(path: str | Path = FLOORS_FILE) -> dict:
    """``{"questions": ..., "configs": {name: {"min": {metric: value}, "max": {metric: value}}}}``."""
    return json.loads(Path(path).read_text(encoding="utf-8"))


def check_floors(results: list[ConfigResult], floors: dict) -> list[str]:
    """One message per violated floor (a configuration or metric that did not run is a violation too)."""
    by_name = {r.config.name: r for r in results}
    failures = []
    for name, limits in floors["configs"].items():
        result = by_name.get(name)
        if result is None:
            failures.append(f"{name}: configuration did not run")
            continue
        for bound, compare in (("min", lambda v, f: v >= f), ("max", lambda v, f: v <= f)):
            for metric, limit in limits.get(bound, {}).items():
                value = result.summary.get(metric)
                if value is None or not compare(value, limit):
                    shown = "missing" if value is None else f"{value:.3f}"
                    failures.append(f"{name}: {metric} = {shown}, {bound} {limit}")
    return failures
