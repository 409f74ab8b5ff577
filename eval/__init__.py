"""Evaluation: datasets, metrics, runs and reports over the QA pipeline."""
