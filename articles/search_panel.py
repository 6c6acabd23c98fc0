"""What the editor's search panel shows for an article, saved or not."""

from urllib.parse import urlsplit

from django.urls import reverse
from django.utils.text import slugify

from . import meta
from .publishing import jsonld
from .publishing.analysis import IMPROVE, PROBLEM, meters


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
        # Each meter is drawn from its check, so the two never disagree.
        "meters": meters(checks),
        "suggestions": article.link_suggestions(),
        "jsonld_text": str(jsonld.script(page.jsonld)),
        "panel_url": reverse("admin:articles_article_search_panel")
        + (f"?pk={article.pk}" if article.pk else ""),
    }
