"""CI guard: the dev evaluation through the harness must stay above the floors in eval/floors.json."""
from __future__ import annotations

import pytest

from eval.configs import parse_config
from eval.datasets import load_notices
from eval.floors import check_floors, load_floors
from eval.runner import ConfigResult, run_product_configs

pytestmark = pytest.mark.shared


def test_dev_metrics_stay_above_their_floors(shared_container, shared_dir):
    floors = load_floors()
    questions = load_notices(shared_dir / "eval" / floors["questions"])
    results = run_product_configs(shared_container, questions, [parse_config(name) for name in floors["configs"]])
    failures = check_floors(results, floors)
    measured = "; ".join(f"{r.config.name}: " + ", ".join(f"{m}={r.summary[m]:.3f}" for m in floors["configs"]
                                                          [r.config.name].get("min", {})) for r in results)
    assert not failures, "\n".join(failures) + f"\nmeasured: {measured}"


def test_a_metric_under_its_floor_is_reported():
    result = ConfigResult(parse_config("hybrid"), [], [], {"hit@5": 0.5, "false_abstention": 0.3}, {})
    floors = {"configs": {"hybrid": {"min": {"hit@5": 0.9, "mrr@10": 0.1}, "max": {"false_abstention": 0.2}},
                          "dense": {"min": {"hit@5": 0.1}}}}
    failures = check_floors([result], floors)
    assert failures == ["hybrid: hit@5 = 0.500, min 0.9", "hybrid: mrr@10 = missing, min 0.1",
                        "hybrid: false_abstention = 0.300, max 0.2", "dense: configuration did not run"]
