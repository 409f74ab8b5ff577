"""Structured facts from notices: tasks (who must do what, by when) and indicators (targets and results).

``extract_facts(doc)`` reads a :class:`~ingest.models.ParsedDocument` (its normalised text, section
tree and pages) and returns :class:`DocumentFacts`. Agency names are normalised with
:class:`AliasTable`; :class:`AgencyMatcher` answers lookups typed without tone marks.
"""
from __future__ import annotations

from ingest.facts.agencies import ALIASES, AgencyMatcher, AgencyParser, AliasTable
from ingest.facts.deadlines import Deadline, find_deadlines
from ingest.facts.indicators import IndicatorExtractor
from ingest.facts.layout import DocumentLayout
from ingest.facts.models import DocumentFacts, IndicatorFact, Location, TaskFact
from ingest.facts.tasks import TaskExtractor
from ingest.models import ParsedDocument

# Bump when extraction changes, so stored facts of unchanged documents are extracted again.
EXTRACTOR_VERSION = "8"


def extract_facts(doc: ParsedDocument, table: AliasTable | None = None) -> DocumentFacts:
    """Tasks and indicators of one parsed document."""
    layout = DocumentLayout(doc)
    parser = AgencyParser(table or AliasTable())
    return DocumentFacts(doc_id=doc.doc_id, tasks=TaskExtractor(parser).extract(doc, layout),
                         indicators=IndicatorExtractor().extract(doc, layout))


__all__ = [
    "ALIASES",
    "EXTRACTOR_VERSION",
    "AgencyMatcher",
    "AgencyParser",
    "AliasTable",
    "Deadline",
    "DocumentFacts",
    "IndicatorFact",
    "Location",
    "TaskFact",
    "extract_facts",
    "find_deadlines",
]
