"""Which paths on this site lead nowhere: what a request for each would answer.

A path is resolved as a request for it would be. A page of one object (an article, a
topic, an author, a topic's questions) opens only while that object does, so each kind is
looked up once for all its slugs, however many links there are. A path that would answer
404 may still answer 301, from an address a page moved away from (see
publishing/redirects.py), and that lookup is one more query.
"""

from django.conf import settings
from django.contrib.redirects.models import Redirect
from django.urls import Resolver404, resolve

from .models import Article, Author, Topic

# Pages of one object each, by URL name: the kind of object their slug names.
BY_SLUG = {
    "articles:detail": "article",
    "articles:markdown": "article",
    "articles:topic": "topic",
    "articles:author": "author",
    "faq:topic": "topic",
}
# The FAQ page of entries with no topic (faq.models.GENERAL; this app never imports faq).
FAQ_GENERAL = "general"
# Staff's pages exist, but a reader following a link there meets a login form.
STAFF_ROUTES = ("admin/", "markdownx/")


def _opened(kind, slugs):
    """The slugs among ``slugs`` whose page of ``kind`` opens: one query."""
    if kind == "article":
        objects = Article.objects.published()
    elif kind == "author":
        objects = Author.objects.all()
    else:
        objects = Topic.objects.all()
    return set(objects.filter(slug__in=slugs).values_list("slug", flat=True))


def _page(path):
    """(kind, slug) for a page of one object, ("", "") for any other page readers can
    open, None for a path that opens nothing."""
    if path.startswith((settings.STATIC_URL, settings.MEDIA_URL)):
        return "", ""  # files, served beside the pages: no page to look up
    candidates = [path]
    if settings.APPEND_SLASH and not path.endswith("/"):
        candidates.append(f"{path}/")  # CommonMiddleware redirects there
    for candidate in candidates:
        try:
            match = resolve(candidate)
        except Resolver404:
            continue
        if match.route.startswith(STAFF_ROUTES):
            return None
        kind = BY_SLUG.get(match.view_name)
        if not kind or (match.view_name == "faq:topic" and match.kwargs["slug"] == FAQ_GENERAL):
            return "", ""
        return kind, match.kwargs["slug"]
    return None


def _moved(paths):
    """{path: new path} of the paths that answer with a redirect: one query."""
    if not paths:
        return {}
    # As the redirects middleware tries them: as written, then with a slash appended.
    spellings = {path: [path, *([] if path.endswith("/") else [f"{path}/"])] for path in paths}
    redirects = dict(
        Redirect.objects.filter(
            site_id=settings.SITE_ID,
            old_path__in=[old for olds in spellings.values() for old in olds],
        )
        .exclude(new_path="")  # an empty new path answers 410 Gone
        .values_list("old_path", "new_path")
    )
    return {
        path: new
        for path, olds in spellings.items()
        if (new := next((redirects[old] for old in olds if old in redirects), None))
    }


def article_slugs(paths):
    """The slugs of the articles whose pages ``paths`` open, each once, in order: what an
    article stores of its links, for the admin's "orphaned" filter. No query."""
    pages = (_page(path) for path in paths)
    return list(dict.fromkeys(page[1] for page in pages if page and page[0] == "article"))


def check(paths):
    """(broken, moved) for site paths: a frozenset of those that would answer 404, and
    {path: new path} of those that answer with a redirect. At most one query for each kind
    of page linked to, and one for redirects when some path opens no page."""
    missing, wanted = [], {}
    for path in paths:
        page = _page(path)
        if page is None:
            missing.append(path)
        elif page[0]:
            wanted.setdefault(page[0], {}).setdefault(page[1], []).append(path)
    for kind, by_slug in wanted.items():
        opened = _opened(kind, list(by_slug))
        missing += [path for slug, found in by_slug.items() if slug not in opened for path in found]
    moved = _moved(missing)
    return frozenset(path for path in missing if path not in moved), moved
