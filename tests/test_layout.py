"""The dependency between the apps runs one way: faq imports articles, never the reverse."""

import ast
from pathlib import Path

ARTICLES = Path(__file__).resolve().parents[1] / "articles"


def imported_modules(path):
    """Every module ``path`` imports, at the top or inside a function."""
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            yield node.module


def test_articles_never_imports_faq():
    """No module under articles/ imports faq, at the top or inside a function."""
    offenders = [
        f"{path.relative_to(ARTICLES.parent)}: {module}"
        for path in sorted(ARTICLES.rglob("*.py"))
        for module in imported_modules(path)
        if module == "faq" or module.startswith("faq.")
    ]
    assert offenders == []
