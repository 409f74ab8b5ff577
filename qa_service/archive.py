"""The archive as researchers use it: documents listed by their metadata, and paginated search
whose passages carry the offsets of the query's words, optionally grouped by document.

Document filters compare like the retriever's (:class:`index.retriever.SearchFilters`): type and
issuing body tone-folded and case-folded ("thong bao" is "THÔNG BÁO", "lam dong" finds
"UBND TỈNH LÂM ĐỒNG"), dates as ISO strings with undated documents excluded by a date filter.
"""
from __future__ import annotations

from collections.abc import Callable

from index.catalog import DocumentRecord
from index.dates import period_end
from index.retriever import ScoredChunk, SearchFilters
from index.store import NoticeStore
from ingest.vietnamese import fold
from qa_service.highlight import QueryTerms, highlight_spans
from qa_service.schemas import (
    DocumentDetail,
    DocumentFilters,
    DocumentGroup,
    DocumentList,
    DocumentListParams,
    DocumentSummary,
    Facets,
    SearchFilterFields,
    SearchHit,
    SearchParams,
    SearchResponse,
    SectionNode,
)
from qa_service.service import to_passage


def _folded(text: str) -> str:
    return " ".join(fold(text).lower().split())


def document_filter(filters: DocumentFilters) -> Callable[[DocumentRecord], bool]:
    """A predicate over stored documents for ``filters``, for listing them."""
    doc_type, issuer, folder = _folded(filters.doc_type), _folded(filters.issuer), _folded(filters.folder)
    date_from = filters.date_from.isoformat() if filters.date_from else ""
    date_to = filters.date_to.isoformat() if filters.date_to else ""

    def keep(doc: DocumentRecord) -> bool:
        if doc_type and _folded(doc.doc_type) != doc_type:
            return False
        if issuer and issuer not in _folded(doc.issuer) and issuer not in _folded(doc.province):
            return False
        if (date_from or date_to) and not doc.date:
            return False
        if (date_from and period_end(doc.date) < date_from) or (date_to and doc.date > date_to):
            return False
        if folder and folder not in _folded(doc.folder):
            return False
        if filters.role and doc.version_role != filters.role:
            return False
        return not filters.source or doc.source == filters.source

    return keep


class Archive:
    """Listing, detail and paginated search over one store.

    Args:
        store: the document store.
        search: the ranked search to page through (``QAService.search``).
        window: how many ranked results one query can page through; fixed so that the order of
            results does not change from one page to the next.
    """

    def __init__(self, store: NoticeStore, search: Callable[..., list[ScoredChunk]], window: int = 200):
        self.store = store
        self._search = search
        self.window = window

    # -- documents -----------------------------------------------------------------------------
    def list_documents(self, params: DocumentListParams) -> DocumentList:
        keep = document_filter(params)
        words = QueryTerms.of(params.q) if params.q.strip() else None
        docs = [d for d in self.store.documents()
                if keep(d) and (words is None or words.all_occur_in(f"{d.title} {d.number} {d.source}"))]
        if params.sort == "source":
            docs.sort(key=lambda d: d.source)
        else:  # undated documents last either way
            dated = sorted((d for d in docs if d.date), key=lambda d: (d.date, d.source),
                           reverse=params.sort == "date_desc")
            docs = dated + sorted((d for d in docs if not d.date), key=lambda d: d.source)
        page = docs[params.offset:params.offset + params.limit]
        return DocumentList(total=len(docs), offset=params.offset, limit=params.limit,
                            documents=[DocumentSummary(**d.to_dict()) for d in page])

    def facets(self) -> Facets:
        docs = self.store.documents()
        dates = sorted(d.date for d in docs if d.date)
        distinct = lambda values: sorted({v for v in values if v})
        return Facets(doc_types=distinct(d.doc_type for d in docs), issuers=distinct(d.issuer for d in docs),
                      provinces=distinct(d.province for d in docs),
                      date_min=dates[0] if dates else "", date_max=dates[-1] if dates else "")

    def detail(self, doc_id: str, include_text: bool = False) -> DocumentDetail | None:
        """Metadata and section tree (with the pages each section spans); the text on request."""
        detail = self.store.catalog.document_detail(doc_id)
        if detail is None:
            return None
        chunk_ids = self.store.catalog.chunk_ids_where("d.doc_id = ?", [doc_id]).tolist()
        chunks = list(self.store.chunks(chunk_ids).values())
        sections = []
        for s in detail["sections"]:
            inside = [c for c in chunks if c.char_start < s["end"] and c.char_end > s["start"]]
            sections.append(SectionNode(
                label=s["label"], title=s["title"], level=s["level"], parent=s.get("parent"),
                start=s["start"], end=s["end"],
                page_start=min((c.page_start for c in inside), default=None),
                page_end=max((c.page_end for c in inside), default=None)))
        text = detail.pop("text")
        detail["sections"] = sections
        return DocumentDetail(**detail, text=text if include_text else None)

    # -- search ---------------------------------------------------------------------------------
    @staticmethod
    def scope(filters: SearchFilterFields | None) -> SearchFilters | None:
        """The retriever's filters for the API's (None when nothing is filtered)."""
        if filters is None:
            return None
        scope = SearchFilters(doc_type=filters.doc_type.strip(), issuer=filters.issuer.strip(),
                              date_from=filters.date_from.isoformat() if filters.date_from else "",
                              date_to=filters.date_to.isoformat() if filters.date_to else "",
                              source=filters.source, section_prefix=filters.section.strip(),
                              folder=filters.folder.strip(), role=filters.role)
        return None if scope.is_empty() else scope

    def search(self, params: SearchParams) -> SearchResponse:
        """One page of the ranked results for ``params`` (of documents, when grouped), words marked."""
        terms = QueryTerms.of(params.q)
        # A passage that shows none of the query's words (a recipient list, a signature block the embedder
        # finds close) follows every passage that does; each part keeps the retriever's order.
        hits = sorted(self._search(params.q, k=self.window, filters=self.scope(params)),
                      key=lambda h: not terms.any_occur_in(f"{h.chunk.section_title} {h.chunk.text}"))
        ranked = list(enumerate(hits, start=1))
        end = params.offset + params.limit
        response = SearchResponse(passages=[], query=params.q, terms=terms.marked, offset=params.offset,
                                  limit=params.limit)
        if not params.group:
            response.total = len(ranked)
            response.passages = [_search_hit(rank, hit, terms) for rank, hit in ranked[params.offset:end]]
            return response
        by_doc: dict[str, list[tuple[int, ScoredChunk]]] = {}
        for rank, hit in ranked:
            by_doc.setdefault(hit.chunk.doc_id, []).append((rank, hit))
        response.total = len(by_doc)
        response.groups = []
        for items in list(by_doc.values())[params.offset:end]:
            best_rank, best = items[0]
            c = best.chunk
            group = DocumentGroup(doc_id=c.doc_id, source=c.source, title=c.title, doc_type=c.doc_type,
                                  number=c.number, date=c.date, best_rank=best_rank, hits=len(items),
                                  passages=[_search_hit(rank, hit, terms) for rank, hit in items[:params.per_document]])
            response.groups.append(group)
            response.passages += group.passages
        return response


def _search_hit(rank: int, hit: ScoredChunk, terms: QueryTerms) -> SearchHit:
    passage = to_passage(hit)
    return SearchHit(**passage.model_dump(), rank=rank, highlights=highlight_spans(passage.text, terms))
