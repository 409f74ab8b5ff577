"""Ingestion: files -> documents -> sections -> chunks."""
