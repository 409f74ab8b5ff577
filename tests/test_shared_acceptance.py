"""Acceptance on the real shared corpus (skipped where ../shared is absent)."""
from __future__ import annotations

import pytest

pytestmark = pytest.mark.shared


def test_finance_department_budget_question(shared_container):
    result = shared_container.service.ask("Sở Tài chính được giao nhiệm vụ gì về thu ngân sách năm 2024?")
    assert not result.abstained
    assert any(c.source == "000_896d6478cf7fb18b.txt" and "Sở Tài chính chủ trì, phối hợp với Cục Thuế tỉnh" in c.text
               for c in result.citations)
