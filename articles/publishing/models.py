"""Abstract models every publishable content type is built from."""

from django.conf import settings
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.text import slugify

# What search results show before cutting off (Google, as Yoast measures it).
META_TITLE_LIMIT = 60
META_DESCRIPTION_LIMIT = 160


class Status(models.TextChoices):
    DRAFT = "draft", "Draft"
    IN_REVIEW = "in_review", "In review"
    PUBLISHED = "published", "Published"


class PublishableQuerySet(models.QuerySet):
    def published(self):
        """The one definition of "visible to the public"; a future date means scheduled."""
        return self.filter(status=Status.PUBLISHED, published_at__lte=timezone.now())

    def with_liveness(self):
        """Annotate ``is_live`` from published(), so lists need no query per row."""
        live = self.model._default_manager.published().filter(pk=OuterRef("pk"))
        return self.annotate(is_live=Exists(live))


class SeoFields(models.Model):
    # Generous limits: search engines truncate, they do not reject, so neither do we.
    meta_title = models.CharField(
        max_length=200,
        blank=True,
        help_text=f"Shown in search results; falls back to the title. "
        f"Up to {META_TITLE_LIMIT} characters show in full.",
    )
    meta_description = models.CharField(
        max_length=500,
        blank=True,
        help_text=f"Shown in search results; falls back to the summary. "
        f"Up to {META_DESCRIPTION_LIMIT} characters show in full.",
    )
    focus_keyword = models.CharField(
        max_length=100, blank=True, help_text="The phrase this page should rank for."
    )
    canonical_url = models.URLField(
        "canonical URL override",
        blank=True,
        help_text="Only when this content first appeared elsewhere; leave blank otherwise.",
    )
    noindex = models.BooleanField(
        "hide from search engines",
        default=False,
        help_text="Adds robots noindex and leaves the page out of the sitemap.",
    )

    class Meta:
        abstract = True


class Publishable(SeoFields):
    title = models.CharField(max_length=200)
    slug = models.SlugField(max_length=200, unique=True, blank=True)
    status = models.CharField(
        max_length=20, choices=Status.choices, default=Status.DRAFT, db_index=True, editable=False
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    first_published_at = models.DateTimeField(null=True, blank=True, editable=False)
    published_at = models.DateTimeField(
        null=True,
        blank=True,
        db_index=True,
        help_text="Set a future time to schedule; left blank, publishing sets it to now.",
    )

    objects = PublishableQuerySet.as_manager()

    # Each model names its permissions "<action>_<model_name>"; see workflow.TRANSITIONS.
    workflow_permissions = (
        ("submit", "Can submit for review"),
        ("publish", "Can publish"),
        ("request_changes", "Can request changes"),
        ("unpublish", "Can unpublish"),
    )

    class Meta:
        abstract = True

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = self._unique_slug()
        self.render()
        super().save(*args, **kwargs)

    def render(self):
        """Store derived HTML; subclasses render their Markdown fields here."""

    def _unique_slug(self):
        base = slugify(self.title)[:180] or type(self)._meta.model_name
        # One query for the whole family (base, base-2, base-3…), as a range so it
        # uses the slug index ("." sorts right after "-").
        taken = set(
            type(self)._default_manager.exclude(pk=self.pk)
            .filter(Q(slug=base) | Q(slug__gt=f"{base}-", slug__lt=f"{base}."))
            .values_list("slug", flat=True)
        )
        slug, n = base, 2
        while slug in taken:
            slug, n = f"{base}-{n}", n + 1
        return slug

    @cached_property
    def is_live(self):
        """Whether published() includes this item: one query, or none when annotated."""
        return type(self)._default_manager.published().filter(pk=self.pk).exists()

    @property
    def is_scheduled(self):
        return self.status == Status.PUBLISHED and not self.is_live

    def publication_problems(self):
        """What stops this item being published; empty when it may go live."""
        return []

    def workflow_children(self):
        """Items that move through the workflow with this one (a queryset)."""
        return type(self)._default_manager.none()

    def seo_title(self):
        return self.meta_title or self.title

    def seo_description(self):
        return self.meta_description

    def transitions(self):
        """The log of state changes, newest first."""
        return Transition.objects.for_object(self)

    # The workflow, as methods: each one is a call to the single service function.
    def submit_for_review(self, user, note=""):
        return self._transition("submit", user, note)

    def publish(self, user, note=""):
        return self._transition("publish", user, note)

    def request_changes(self, user, note):
        return self._transition("request_changes", user, note)

    def unpublish(self, user, note=""):
        return self._transition("unpublish", user, note)

    def _transition(self, action, user, note):
        from articles.publishing.workflow import transition

        return transition(self, action, user, note=note)


class TransitionQuerySet(models.QuerySet):
    def for_object(self, obj):
        from django.contrib.contenttypes.models import ContentType

        content_type = ContentType.objects.get_for_model(obj)
        return self.filter(content_type=content_type, object_id=obj.pk).select_related("user")


class Transition(models.Model):
    """Who moved what from which state to which, when and why."""

    content_type = models.ForeignKey("contenttypes.ContentType", on_delete=models.CASCADE)
    object_id = models.PositiveBigIntegerField()
    object_repr = models.CharField(max_length=200)
    action = models.CharField(max_length=30)
    from_status = models.CharField(max_length=20, choices=Status.choices)
    to_status = models.CharField(max_length=20, choices=Status.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    note = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    objects = TransitionQuerySet.as_manager()

    class Meta:
        app_label = "articles"
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["content_type", "object_id"])]

    def __str__(self):
        return f"{self.object_repr}: {self.from_status} → {self.to_status}"
