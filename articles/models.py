from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from markdownx.models import MarkdownxField

from .publishing import analysis, images, pagecache, redirects, review
from .publishing.analysis import Page, analyse
from .publishing.indexnow import IndexNowUrl
from .publishing.library.embed import embed
from .publishing.library.models import Image, referenced_ids
from .publishing.markdown import MarkdownValidator, render_markdown
from .publishing.models import (
    DEFAULT_REVIEW_MONTHS,
    Autosave,
    Comment,
    MedicallyReviewed,
    Notification,
    Publishable,
    ReviewReminder,
    Revision,
    ShareLink,
    Status,
    Transition,
    UndeliveredMail,
)
from .publishing.paths import slug_path
from .publishing.sourcecheck.models import SourceCheck
from .publishing.sourcecheck.models import for_urls as source_checks
from .publishing.sources import SourcesField, entries
from .publishing.text import (
    html_to_text,
    outline,
    plain_text,
    reading_minutes,
    truncate,
    web_url,
    word_count,
)
from .publishing.webhooks.models import Webhook, WebhookDelivery

__all__ = [
    "PLACEHOLDER_SLUG_PREFIX",
    "PLACEHOLDER_TITLE_PREFIX",
    "Article",
    "Autosave",
    "Author",
    "Comment",
    "Image",
    "IndexNowUrl",
    "Notification",
    "ReviewReminder",
    "Revision",
    "ShareLink",
    "SourceCheck",
    "Status",
    "Topic",
    "Transition",
    "UndeliveredMail",
    "Webhook",
    "WebhookDelivery",
]

# Imported files without a title get this; publishing refuses it until an editor writes one.
PLACEHOLDER_TITLE_PREFIX = "[Untitled import]"
# ...and an address from the file name, replaced by one from the title once it has one.
PLACEHOLDER_SLUG_PREFIX = "untitled-"
# An "on this page" list helps from this many sections on.
MIN_SECTIONS_FOR_CONTENTS = 3
# Held by the Medical reviewer group: a clinician's approval of a version (see review.py).
SIGN_OFF_PERMISSION = ("sign_off", "Can sign off medical review")


class MovesWithSlug(models.Model):
    """A page whose address comes from its slug: renaming it leaves a redirect behind."""

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        old = type(self).objects.filter(pk=self.pk).first() if self.pk else None
        super().save(*args, **kwargs)
        if old is not None:
            self.saved_over(old)

    def saved_over(self, old):
        """What follows from changing ``old`` into this; subclasses add their own."""
        if old.slug != self.slug:
            redirects.moved(old.get_absolute_url(), self.get_absolute_url())


class Author(MovesWithSlug):
    name = models.CharField(max_length=120)
    # A medical reviewer signs off as this profile: its name and credentials are what the
    # page and the schema show, so they come from here, never from a form on the article.
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="author_profile",
        help_text="The staff account that signs off as this person.",
    )
    slug = models.SlugField(max_length=120, unique=True)
    job_title = models.CharField(
        "job title and credentials",
        max_length=160,
        blank=True,
        help_text="For example “Clinical psychologist, DClinPsy”.",
    )
    bio = models.TextField(blank=True)
    website = models.URLField("URL", blank=True)
    same_as = models.TextField(
        "profiles elsewhere",
        blank=True,
        help_text="One URL a line: professional register, LinkedIn, ORCID…",
    )

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return slug_path("articles:author", self.slug)

    # Only http(s) reaches a link or the JSON-LD, whatever was written to the database.
    def website_link(self):
        return web_url(self.website)

    def same_as_links(self):
        return [url for line in self.same_as.splitlines() if (url := web_url(line))]

    def clean(self):
        validator = models.URLField().run_validators
        for line in filter(None, map(str.strip, self.same_as.splitlines())):
            try:
                validator(line)
            except ValidationError:
                raise ValidationError({"same_as": f"“{line}” is not a valid URL."}) from None


class Topic(MovesWithSlug):
    name = models.CharField(max_length=120)
    slug = models.SlugField(max_length=120, unique=True)
    description = models.TextField(blank=True)
    medical = models.BooleanField(
        "health topic",
        default=False,
        help_text="Its articles are health content: each version needs a medical "
        "reviewer's sign-off before it is published, and is marked up for search engines "
        "as a medical web page with its reviewer and review date.",
    )
    review_interval = models.PositiveSmallIntegerField(
        "review every (months)",
        default=DEFAULT_REVIEW_MONTHS,
        validators=[MinValueValidator(1), MaxValueValidator(60)],
        help_text="How long a medical review of its articles holds before it is due again.",
    )

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return slug_path("articles:topic", self.slug)

    def saved_over(self, old):
        super().saved_over(old)
        if old.review_interval != self.review_interval:
            self.reschedule_reviews()

    def reschedule_reviews(self):
        """Move the due dates of its articles and FAQ entries that follow the topic's
        interval: one update per review date, not one per item."""
        # FAQ entries through the reverse relation: articles never import faq.
        for items in (self.articles, self.faqs):
            following = items.filter(review_interval__isnull=True, last_reviewed__isnull=False)
            days = following.order_by().values_list("last_reviewed", flat=True).distinct()
            for day in list(days):
                following.filter(last_reviewed=day).update(
                    review_due=review.due_date(day, self.review_interval)
                )


# About 9,000 words: far beyond a long guide, and a bound on what one save may cost.
BODY_MAX_LENGTH = 60_000


class Article(MedicallyReviewed, Publishable):
    # The lists an article appears in, besides every list of articles: its topic's, and
    # the pages of the people who wrote and reviewed it (surrogate keys, see pagecache).
    listed_by = ("topic", "author", "reviewed_by")
    # The FAQ entries shown on the page are versioned with it (reverse relation only).
    revision_relations = ("faqs",)
    # What search reads, strongest first (see publishing/search.py): the body as readers
    # read it, never its Markdown.
    search_fields = ("title", "summary", "search_text")
    # What a medical reviewer signs off: an edit to these after sign-off needs a new one.
    medical_fields = ("title", "summary", "body", "sources")
    workflow_fields = Publishable.workflow_fields | MedicallyReviewed.review_fields

    summary = models.TextField(
        blank=True, help_text="One or two sentences for lists, feeds and the meta description."
    )
    body = MarkdownxField(
        help_text="Markdown. Headings start at ## (the title is the page’s h1).",
        validators=[MarkdownValidator(BODY_MAX_LENGTH)],
    )
    body_html = models.TextField(editable=False, blank=True)
    # Derived from body_html on save, like it: the body's words, which search indexes and
    # quotes in its snippets.
    search_text = models.TextField(editable=False, blank=True)
    # Ordered references, versioned with the text: [^1] in the body cites the first.
    sources = SourcesField(
        default=list,
        blank=True,
        help_text="Cite a source in the text as [^1], [^2]… by its number here. Each needs "
        "a URL or a DOI before the article can be published.",
    )
    # Derived from body_html on save, like it: the sections for the in-page contents list.
    sections = models.JSONField(editable=False, default=list, blank=True)
    # Derived from body_html on save, like it: the slugs of the other articles the body
    # links to. While live the row holds the live version, so the admin's "orphaned"
    # filter finds the live articles no other live article links to in one query.
    linked_articles = models.JSONField(editable=False, default=list, blank=True)
    # Yoast's cornerstone content: the site's key articles, held to a longer text.
    cornerstone = models.BooleanField(
        "cornerstone content",
        default=False,
        help_text="One of the site's most important articles, which others should link to. "
        "Its checks ask for a longer text.",
    )
    word_count = models.PositiveIntegerField(editable=False, default=0)
    topic = models.ForeignKey(
        Topic, null=True, blank=True, on_delete=models.SET_NULL, related_name="articles"
    )
    author = models.ForeignKey(
        Author, null=True, blank=True, on_delete=models.PROTECT, related_name="articles"
    )
    # The hero, from the image library: its renditions, alt text and credit come with it.
    hero = models.ForeignKey(
        Image,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="hero_of",
        verbose_name="hero from the library",
        help_text="Choose it from the image library, where its alt text and licence are.",
    )
    # An image uploaded with the article before the library: shown when no hero is chosen.
    hero_image = models.ImageField(
        upload_to="articles/%Y/%m/", blank=True, validators=[images.validate_upload]
    )
    # Read from the file on save, so pages never open the image (or fail if it is gone).
    hero_image_width = models.PositiveIntegerField(null=True, blank=True, editable=False)
    hero_image_height = models.PositiveIntegerField(null=True, blank=True, editable=False)
    # Widths, WebP copies and share crops of the hero image, made when it is saved.
    hero_renditions = models.JSONField(default=dict, blank=True, editable=False)
    hero_image_alt = models.CharField(
        "hero image alt text",
        max_length=250,
        blank=True,
        help_text="Describe the image for readers who cannot see it. Required with an image.",
    )

    class Meta:
        ordering = ["-published_at", "-updated_at"]
        permissions = [
            (f"{action}_article", f"{label} (article)")
            for action, label in (*Publishable.workflow_permissions, SIGN_OFF_PERMISSION)
        ]
        indexes = [
            models.Index(fields=["live", "published_at"]),
            # The home, topic and author lists, newest first: a deep page's ids are read
            # from these alone (see publishing/paging.py), Unpublish at included, which
            # published() reads.
            models.Index(
                fields=["-published_at", "-updated_at", "-id"],
                condition=Q(live=True),
                include=["expires_at"],
                name="article_live_order",
            ),
            models.Index(
                fields=["topic", "-published_at", "-updated_at", "-id"],
                condition=Q(live=True),
                include=["expires_at"],
                name="article_topic_date",
            ),
            models.Index(
                fields=["author", "-published_at", "-updated_at", "-id"],
                condition=Q(live=True),
                include=["expires_at"],
                name="article_author_date",
            ),
            # The admin's list by state, newest first.
            models.Index(fields=["status", "published_at"], name="article_status_date"),
            # The sitemap index's date, and the admin's list by last change.
            models.Index(fields=["updated_at"], name="article_updated"),
            # Reviews falling due: the dashboard, the filter and the daily reminder.
            models.Index(fields=["review_due"], condition=Q(live=True), name="article_review_due"),
            # The "orphaned" filter: the live articles' slugs, read from the index alone.
            models.Index(
                fields=["published_at", "id", "slug"],
                condition=Q(live=True),
                include=["expires_at"],
                name="article_live_slugs",
            ),
        ]

    def get_absolute_url(self):
        # A readers' page that links an article shows it: purged when it changes.
        pagecache.keys.tag(pagecache.keys.item(self))
        return slug_path("articles:detail", self.slug)

    def render_body(self):
        self.body_html = embed(render_markdown(self.body))
        self.search_text = plain_text(self.body_html)

    def render(self):
        self.render_body()
        self.sections = outline(self.body_html)
        self.word_count = word_count(self.body_html)
        self.linked_articles = self._linked_articles()
        self.hero_image_width, self.hero_image_height = image_size(self.hero_image)
        source = self.hero_image.name if self.hero_image else ""
        if (self.hero_renditions or {}).get("source") != source:
            made = images.make(self.hero_image)
            self.hero_renditions = {"source": source, **made} if made else {}

    def _linked_articles(self):
        """The slugs of the other articles the stored HTML links to; no query."""
        # (links.py reads the models defined here, so it is imported only now.)
        from .links import article_slugs

        page = Page(
            title=self.title,
            html=self.body_html,
            site_url=settings.SITE_URL,
            path=self.get_absolute_url() if self.slug else "",
        )
        return [slug for slug in article_slugs(analysis.site_paths(page)) if slug != self.slug]

    @property
    def hero_srcset(self):
        """The legacy hero image's widths and list thumbnail."""
        widths = (self.hero_renditions or {}).get("widths", [])
        return {
            "src": ", ".join(f"{w['src']} {w['width']}w" for w in widths),
            "webp": ", ".join(f"{w['webp']} {w['width']}w" for w in widths),
            "thumb": widths[0] if widths else None,
        }

    @property
    def list_thumb(self):
        """{"src", "width", "height"} for list cards: the library hero's WebP thumbnail."""
        if self.hero_id:
            thumb = self.hero.thumb
            if not thumb:
                return None
            return {"src": thumb["webp"], "width": thumb["width"], "height": thumb["height"]}
        return self.hero_srcset["thumb"]

    @property
    def hero_alt(self):
        return self.hero.alt if self.hero_id else self.hero_image_alt

    @property
    def has_hero(self):
        return bool(self.hero_id or self.hero_image)

    def share_images(self):
        """Absolute-path share crops (16:9 first), or none when there is no hero image."""
        if self.hero_id:
            return self.hero.share
        share = (self.hero_renditions or {}).get("share", {})
        return [share[ratio] for ratio in ("16x9", "4x3", "1x1") if ratio in share]

    def clean(self):
        super().clean()
        if self.hero_image and not self.hero_image_alt.strip():
            raise ValidationError({"hero_image_alt": "Describe the image: alt text is required."})

    def prepare(self):
        # An untitled import's address is a placeholder too: the first real title, before
        # anything was published, gives it its own, so the placeholder never goes live.
        # Every save comes here (the admin's form posts the placeholder slug back as it is).
        if (
            self.has_placeholder_slug
            and not self.has_placeholder_title
            and self.first_published_at is None
        ):
            self.slug = self._unique_slug()

    def needs_medical_review(self):
        # A health question shown on the page makes the page health content: its FAQ
        # entries are signed off with it, so the page waits for the sign-off.
        return super().needs_medical_review() or (
            self.pk is not None and self.faqs.filter(MedicallyReviewed.medical_review_q()).exists()
        )

    @staticmethod
    def medical_review_q():
        """needs_medical_review() as a filter."""
        parts = Article._meta.get_field("faqs").related_model._default_manager
        health_parts = parts.filter(MedicallyReviewed.medical_review_q(), article=OuterRef("pk"))
        return MedicallyReviewed.medical_review_q() | Q(Exists(health_parts))

    def analysis(self):
        """The search and readability checks on this version of the article."""
        keyphrase = " ".join(self.focus_keyword.split())
        used_by = (
            Article.objects.exclude(pk=self.pk)
            .filter(focus_keyword__iexact=keyphrase)
            .values_list("title", flat=True)[:3]
            if keyphrase
            else []
        )
        page = Page(
            title=self.title,
            html=self.body_html,
            meta_title=self.meta_title,
            meta_description=self.meta_description,
            slug=self.slug,
            keyphrase=keyphrase,
            site_url=settings.SITE_URL,
            path=self.get_absolute_url() if self.slug else "",
            placeholder_title=self.has_placeholder_title,
            hero_image=self.has_hero,
            hero_image_alt=self.hero_alt,
            keyphrase_used_by=list(used_by),
            cornerstone=self.cornerstone,
            sources=self.source_list,
            missing_images=self._missing_images(),
            medical=MedicallyReviewed.needs_medical_review(self),
            source_max_age_years=settings.SOURCE_MAX_AGE_YEARS,
            today=timezone.localdate(),
        )
        if page.medical and self.pk is not None:
            # The FAQ answers shown on the page: their figures are the page's claims too.
            page.answers = list(self.faqs.values_list("answer_html", flat=True))
        # What the link checker last found at the sources' addresses: one query, none
        # without sources.
        page.source_checks = source_checks(
            url for source in page.sources for _, url in analysis.source_addresses(source)
        )
        # Which of its links to this site open a page: a query per kind of page linked.
        # (links.py reads the models defined here, so it is imported only now.)
        from .links import check

        page.broken_links, page.moved_links = check(analysis.site_paths(page))
        return analyse(page)

    def _missing_images(self):
        """The library ids the body shows that are not in the library; no query without."""
        shown = referenced_ids(self.body)
        if not shown:
            return ()
        held = set(Image.objects.filter(pk__in=shown).values_list("pk", flat=True))
        return tuple(pk for pk in shown if pk not in held)

    def link_suggestions(self):
        """Up to five related live articles this one does not link to yet, from the search
        index, for the editor to link: unsaved Articles with a title and an address."""
        from .publishing.search import prominent_terms, related

        terms = prominent_terms(self.title, self.focus_keyword, self.search_text)
        found = related(
            Article, terms, exclude_pks=[self.pk], exclude_slugs=[self.slug, *self.linked_articles]
        )
        return [Article(pk=pk, title=title, slug=slug) for pk, title, slug in found]

    def publication_problems(self, checks=None):
        problems = []
        if not self.author_id:
            problems.append("It has no author; choose one first.")
        if not self.body_html.strip():
            problems.append("Its body is empty.")
        if self.has_placeholder_slug and not self.has_placeholder_title:
            problems.append(
                f"Its address is still the untitled import’s “{self.slug}”; save it once "
                "with its title to give it its own."
            )
        return problems + analysis.problems(self.analysis() if checks is None else checks)

    def workflow_children(self):
        # Its FAQ entries, through the reverse relation: this app never imports faq.
        return self.faqs.all()

    @property
    def has_placeholder_title(self):
        return self.title.startswith(PLACEHOLDER_TITLE_PREFIX)

    @property
    def has_placeholder_slug(self):
        return self.slug.startswith(PLACEHOLDER_SLUG_PREFIX)

    @property
    def contents(self):
        return self.sections if len(self.sections) >= MIN_SECTIONS_FOR_CONTENTS else []

    @property
    def source_list(self):
        """The sources as the page shows them, numbered, links checked."""
        return entries(self.sources)

    @property
    def reading_minutes(self):
        return reading_minutes(self.word_count)

    def seo_description(self):
        return self.meta_description or truncate(self.summary, 160) or self.excerpt()

    def card(self):
        """What a page that links this article shows of it: its card in a list (title,
        thumbnail, byline, date, reading time, description) or a link's title. A live
        edit that changes none of it purges only the article's own pages (see keys.py)."""
        return (
            self.title, self.slug, self.hero_id, self.hero_image.name, self.author_id,
            self.topic_id, self.published_at, self.reading_minutes, self.seo_description(),
        )  # fmt: skip

    def excerpt(self, limit=160):
        return truncate(html_to_text(self.body_html), limit)


def image_size(image):
    """(width, height) of an image field's file, or (None, None) when there is none to read."""
    if not image:
        return None, None
    try:
        return image.width, image.height
    except (OSError, TypeError, ValueError):
        return None, None


def part_model(name):
    """The model of an article's parts ("faqs"), through the reverse relation, so this
    app never imports the one that defines it."""
    return Article._meta.get_field(name).related_model
