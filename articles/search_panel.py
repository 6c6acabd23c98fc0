"""What the editor's search panel shows for an article, saved or not."""

from urllib.parse import urlsplit

from django.urls import reverse
from django.utils.text import slugify

from . import meta
from .publishing import jsonld
from .publishing.analysis import GOOD, IMPROVE, MAX_META_TITLE, MIN_DESCRIPTION, PROBLEM
from .publishing.models import META_DESCRIPTION_LIMIT, META_TITLE_LIMIT


def _counter(label, length, low, high, hard_limit):
    if not length:
        status, verdict = PROBLEM, "missing"
    elif length > hard_limit:
        status, verdict = PROBLEM, "too long to save"
    elif length > high:
        status, verdict = IMPROVE, "will be cut in results"
    elif length < low:
        status, verdict = IMPROVE, "short"
    else:
        status, verdict = GOOD, "good"
    return {
        "label": label,
        "length": length,
        "limit": high,
        "low": low,
        "max": hard_limit,
        "status": status,
        "verdict": verdict,
    }


def context(article):
    """Template context for ``admin/articles/article/search_panel.html``."""
    if not article.slug:
        # Unsaved and unnamed: show the address it would get.
        article.slug = slugify(article.title) or "new-article"
    page = meta.article(article)
    checks = article.analysis()
    problems = sum(check.status == PROBLEM for check in checks)
    improve = sum(check.status == IMPROVE for check in checks)
    parts = [f"{problems} problem{'s' if problems > 1 else ''}"] if problems else []
    parts += [f"{improve} to improve"] if improve else []
    summary = ", ".join(parts)
    return {
        "meta": page,
        "site_host": urlsplit(page.canonical).netloc,
        "checks": checks,
        "summary": f"({summary})" if summary else "(all good)",
        "counters": [
            _counter("Search title", len(page.title), 30, META_TITLE_LIMIT, MAX_META_TITLE),
            _counter(
                "Meta description",
                len(article.meta_description.strip()),
                MIN_DESCRIPTION,
                META_DESCRIPTION_LIMIT,
                500,
            ),
        ],
        "jsonld_text": str(jsonld.script(page.jsonld)),
        "panel_url": reverse("admin:articles_article_search_panel")
        + (f"?pk={article.pk}" if article.pk else ""),
    }
