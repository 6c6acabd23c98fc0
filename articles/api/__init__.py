"""The read-only content API: published articles, FAQ entries, topics and authors as
JSON under /api/v1/, with its OpenAPI document and browsable docs (see urls.py)."""
