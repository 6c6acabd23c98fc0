"""The publishing kernel shared by every content type: workflow, SEO, JSON-LD, Markdown."""
