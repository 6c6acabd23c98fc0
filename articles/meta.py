"""Head tags and JSON-LD for each public page, built from what the page shows."""

from django.conf import settings
from django.urls import reverse

from .publishing import jsonld, sources
from .publishing.paths import slug_path
from .publishing.seo import PageMeta, site


def _crumbs(s, *trail):
    return [("Home", s.url + "/"), *((name, s.absolute(path)) for name, path in trail)]


def _page_url(s, path, page_obj=None):
    # Each page of a list is its own canonical URL; page 1 is the bare path.
    if page_obj is not None and page_obj.number > 1:
        path = f"{path}?page={page_obj.number}"
    return s.absolute(path)


def home(page_obj=None):
    s = site()
    url = _page_url(s, "/", page_obj)
    return PageMeta(
        title=s.name,
        description=s.description,
        canonical=url,
        jsonld=jsonld.graph(
            jsonld.website(s),
            jsonld.organization(s),
            # The home page is the top of every trail: it has no breadcrumb of its own.
            jsonld.webpage(
                s, url, s.name, s.description, page_type="CollectionPage", breadcrumb=None
            ),
        ),
    )


def article(obj, faqs=()):
    s = site()
    url = obj.canonical_url or s.absolute(obj.get_absolute_url())
    # Share crops of the hero image, or the site's default share image.
    shares = [s.absolute(path) for path in obj.share_images()]
    if not shares and obj.hero_image and not obj.hero_id:
        shares = [s.absolute(obj.hero_image.url)]
    image = shares[0] if shares else s.absolute(settings.DEFAULT_SHARE_IMAGE)
    trail = [(obj.topic.name, obj.topic.get_absolute_url())] if obj.topic else []
    trail.append((obj.title, obj.get_absolute_url()))
    # Health content is a MedicalWebPage (a WebPage to schema.org), about its topic.
    medical = obj.topic is not None and obj.topic.medical
    page = jsonld.webpage(
        s,
        url,
        obj.seo_title(),
        obj.seo_description(),
        page_type="MedicalWebPage" if medical else "WebPage",
        about=jsonld.topic(s, obj.topic) if medical else None,
        datePublished=jsonld.iso(obj.published_at),
        dateModified=jsonld.iso(obj.updated_at),
        primaryImageOfPage=jsonld.image_object(image, obj.hero_alt),
        # schema.org defines review on the page, not on the Article itself.
        reviewedBy=jsonld.person(s, obj.reviewed_by) if obj.reviewed_by else None,
        lastReviewed=jsonld.iso(obj.last_reviewed),
        # Health pages name their evidence on the page as well as on the Article.
        citation=sources.citations(obj.sources) if medical else None,
    )
    return PageMeta(
        title=obj.seo_title(),
        description=obj.seo_description(),
        canonical=url,
        og_type="article",
        image=image,
        image_alt=obj.hero_alt,
        noindex=obj.noindex,
        published=obj.published_at,
        modified=obj.updated_at,
        markdown=slug_path("articles:markdown", obj.slug),
        jsonld=jsonld.graph(
            jsonld.website(s),
            jsonld.organization(s),
            page,
            jsonld.article(s, obj, url, shares or [image]),
            jsonld.breadcrumb_list(url, _crumbs(s, *trail)),
            jsonld.faq_page(faqs, url),
        ),
    )


def listing(
    title, description, path, page_obj=None, page_type="CollectionPage", empty=None,
    parents=(), **extra,
):  # fmt: skip
    """Topic, author and index pages: a collection, with a trail from the home page.

    An empty page is kept out of search engines; ``empty`` overrides the page's own list.
    ``parents`` are (name, path) pairs between the home page and this one."""
    s = site()
    url = _page_url(s, path, page_obj)
    if empty is None:
        empty = page_obj is not None and not page_obj.object_list
    return PageMeta(
        title=title,
        description=description,
        canonical=url,
        noindex=empty,
        jsonld=jsonld.graph(
            jsonld.website(s),
            jsonld.organization(s),
            jsonld.webpage(s, url, title, description, page_type=page_type, **extra),
            jsonld.breadcrumb_list(url, _crumbs(s, *parents, (title, path))),
        ),
    )


def topic(obj, page_obj=None):
    description = obj.description or f"Articles about {obj.name} from {site().name}."
    return listing(obj.name, description, obj.get_absolute_url(), page_obj)


def author(obj, page_obj=None, reviewed=()):
    """A byline's page; a clinician who only reviews is not an empty page."""
    s = site()
    description = obj.bio or f"Articles by {obj.name} for {s.name}."
    # Google asks bylines to lead to a page about the person: a ProfilePage.
    meta = listing(
        obj.name,
        description,
        obj.get_absolute_url(),
        page_obj,
        page_type="ProfilePage",
        empty=page_obj is not None and not page_obj.object_list and not reviewed,
        mainEntity=jsonld.person(s, obj),
    )
    meta.og_type = "profile"
    return meta


def topic_index():
    description = f"Every topic {site().name} writes about, with its latest articles."
    return listing("Topics", description, reverse("articles:topics"))


def author_index(people):
    s = site()
    description = f"The writers and clinical reviewers behind {s.name}, with their credentials."
    people_list = {
        "@type": "ItemList",
        "itemListElement": [
            {"@type": "ListItem", "position": n, "item": jsonld.person(s, person)}
            for n, person in enumerate(people, start=1)
        ],
    }
    return listing(
        "Authors and reviewers",
        description,
        reverse("articles:authors"),
        mainEntity=people_list if people else None,
    )


def search(query):
    s = site()
    path = reverse("articles:search")
    url = s.absolute(path)
    title = f"Search: {query}" if query else "Search"
    description = f"Search the articles and answers of {s.name}."
    # Results pages are for readers, not for search engines.
    return PageMeta(
        title=title,
        description=description,
        canonical=url,
        noindex=True,
        jsonld=jsonld.graph(
            jsonld.website(s),
            jsonld.organization(s),
            jsonld.webpage(s, url, title, description, page_type="SearchResultsPage"),
            jsonld.breadcrumb_list(url, _crumbs(s, ("Search", path))),
        ),
    )


def feed_url():
    return site().absolute(reverse("articles:feed"))
