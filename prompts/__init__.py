"""Prompt templates as plain text files, loaded by name."""
from __future__ import annotations

from pathlib import Path

_DIR = Path(__file__).resolve().parent


def load(name: str) -> str:
    """The template ``prompts/<name>.txt``."""
    return (_DIR / f"{name}.txt").read_text(encoding="utf-8")
