"""QA service: answer questions over the index with cited sections; CLI and HTTP API."""
