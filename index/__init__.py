"""Index: embed chunks, store them (FAISS + SQLite + lexical postings) and retrieve them."""
