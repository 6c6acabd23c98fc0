from django.urls import reverse

from articles.meta import listing
from articles.publishing import jsonld
from articles.publishing.seo import site

TITLE = "Frequently asked questions"


def index(entries):
    description = (
        f"Answers to common questions about mental health and wellbeing from {site().name}."
    )
    # Google wants each question marked up once across the site: a question shown on a
    # live article is marked up there, and this page marks up only the rest.
    own = [entry for entry in entries if not getattr(entry, "article_is_live", False)]
    url = site().absolute(reverse("faq:index"))
    return listing(
        TITLE,
        description,
        reverse("faq:index"),
        page_type=["WebPage", "FAQPage"] if own else "CollectionPage",
        mainEntity=[jsonld.question(entry, url) for entry in own],
    )
