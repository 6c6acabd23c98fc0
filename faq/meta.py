from django.urls import reverse

from articles.meta import listing
from articles.publishing import jsonld
from articles.publishing.seo import site

TITLE = "Frequently asked questions"


def index(page_obj):
    description = (
        f"Answers to common questions about mental health and wellbeing from {site().name}."
    )
    # The hub shows questions, not answers: each is marked up on its topic's page.
    return listing(TITLE, description, reverse("faq:index"), page_obj)


def topic(name, slug, page_obj):
    path = reverse("faq:topic", kwargs={"slug": slug})
    description = f"Questions and answers about {name.lower()} from {site().name}."
    # Google wants each question marked up once across the site: a question shown on a
    # live article is marked up there, and this page marks up only the rest.
    own = [entry for entry in page_obj.object_list if not entry.article_is_live]
    url = site().absolute(path)
    return listing(
        f"{name}: {TITLE.lower()}",
        description,
        path,
        page_obj,
        page_type=["WebPage", "FAQPage"] if own else "CollectionPage",
        parents=[(TITLE, reverse("faq:index"))],
        mainEntity=[jsonld.question(entry, url) for entry in own],
    )
