"""Abstract models every publishable content type is built from."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import BooleanField, ExpressionWrapper, Q
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
    # Deleted, for TRASH_DAYS: restorable with its revisions, history and address.
    TRASHED = "trashed", "In the trash"


def _published():
    """The one definition of "visible to the public"; a future date means scheduled, and
    a past Unpublish at means gone, from that moment, whether or not the task worker
    has logged it yet.

    ``live`` is set and cleared only by the workflow; the row holds the live content, so
    this stays one indexed filter however many drafts pile up.
    """
    now = timezone.now()
    return Q(live=True, published_at__lte=now) & (
        Q(expires_at__isnull=True) | Q(expires_at__gt=now)
    )


class PublishableQuerySet(models.QuerySet):
    def published(self):
        return self.filter(_published())

    def with_liveness(self):
        """Annotate ``is_live`` from the same condition, read from the row itself: no
        query per row, and no subquery for the database to plan."""
        return self.annotate(is_live=ExpressionWrapper(_published(), BooleanField()))


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
    # The state of the working copy: "published" means it is what readers see.
    status = models.CharField(
        max_length=20, choices=Status.choices, default=Status.DRAFT, db_index=True, editable=False
    )
    # Whether the row's content is public (from published_at on). While live, the row
    # holds the live version and edits go to the latest revision until published.
    live = models.BooleanField(default=False, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    first_published_at = models.DateTimeField(null=True, blank=True, editable=False)
    published_at = models.DateTimeField(
        null=True,
        blank=True,
        db_index=True,
        editable=False,
        help_text="Set by publishing; a future time schedules the first publication.",
    )
    # When it went to the trash (emptied TRASH_DAYS later); empty when it is not there.
    trashed_at = models.DateTimeField(null=True, blank=True, editable=False)
    # Content, like the text: it is reviewed, versioned and takes effect when published.
    expires_at = models.DateTimeField(
        "unpublish at",
        null=True,
        blank=True,
        help_text="The page comes down at this time, for guidance that must not outlive "
        "its season; readers, search, the feed and the sitemap lose it at once. Day/month/"
        "year and time. Takes effect when this version is published.",
    )
    latest_revision = models.ForeignKey(
        "articles.Revision", null=True, blank=True, editable=False,
        on_delete=models.SET_NULL, related_name="+",
    )  # fmt: skip
    live_revision = models.ForeignKey(
        "articles.Revision", null=True, blank=True, editable=False,
        on_delete=models.SET_NULL, related_name="+",
    )  # fmt: skip
    # Who created it: the writer told about reviews and shown it under "My drafts".
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, editable=False,
        on_delete=models.SET_NULL, related_name="+",
    )  # fmt: skip

    objects = PublishableQuerySet.as_manager()

    # Written only by the workflow service, never by a form or a content save.
    workflow_fields = frozenset(
        {"status", "live", "published_at", "first_published_at", "live_revision", "trashed_at"}
    )
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
        """Save the working copy: a revision, and the row unless it holds the live version.

        Every path (admin, importer, shell) goes through here, so none can change a
        live page or a workflow field; see revisions.save for the options.
        """
        from .revisions import save

        return save(self, **kwargs)

    def save_row(self, **kwargs):
        """Write the row itself; for the revisions and workflow services only."""
        from .revisions import commit_files

        if not self.slug:
            self.slug = self._unique_slug()
        commit_files(self)
        self.render()
        super().save(**kwargs)

    def prepare(self):
        """Settle the working copy's own fields before it is saved (every save path)."""

    def render(self):
        """Store derived HTML; subclasses render their Markdown fields here."""

    def _unique_slug(self):
        base = slugify(self.title)[:180] or type(self)._meta.model_name
        # One query for the whole family (base, base-2, base-3…), as a range so it
        # uses the slug index ("." sorts right after "-").
        taken = set(
            type(self)
            ._default_manager.exclude(pk=self.pk)
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
        return self.live and self.published_at is not None and self.published_at > timezone.now()

    @property
    def has_expired(self):
        """Past its Unpublish at: readers no longer see it, whatever the row says yet."""
        return self.live and self.expires_at is not None and self.expires_at <= timezone.now()

    @property
    def has_draft_changes(self):
        """Live, with a working copy that readers do not see yet."""
        return self.live and self.status != Status.PUBLISHED

    def state_label(self):
        """The state as editors read it: "Live · draft changes in review", say."""
        if not self.live:
            return self.get_status_display()
        if self.status == Status.TRASHED:
            return "In the trash"
        if self.has_expired:
            return "Came down at its Unpublish at"
        live = "Scheduled" if self.is_scheduled else "Live"
        if self.status == Status.DRAFT:
            return f"{live} · draft changes"
        if self.status == Status.IN_REVIEW:
            return f"{live} · draft changes in review"
        return live

    # Versioning: what a revision holds. Children are parts edited and shown with
    # this item (an article's FAQ entries); a child's content lives in its parent's
    # revisions, so it has none of its own.
    # Reverse relations to the parts versioned with this item (an article's "faqs").
    revision_relations = ()

    def revision_children(self):
        """{name: queryset} of the parts versioned with this item."""
        return {name: getattr(self, name).all() for name in self.revision_relations}

    def revision_parent(self):
        """The item whose revisions hold this one's content, if any."""
        return None

    @staticmethod
    def pages_q():
        """A filter for the items that are pages of their own, not parts of another's."""
        return Q()

    @classmethod
    def content_fields(cls):
        """The editable content a revision holds: everything but the workflow's fields."""
        return [
            field
            for field in cls._meta.concrete_fields
            if field.editable and not field.primary_key and field.name not in cls.workflow_fields
        ]

    @classmethod
    def derived_fields(cls):
        """Fields computed from the content on save (stored HTML and its outline)."""
        return [
            field
            for field in cls._meta.concrete_fields
            if not field.editable and field.name not in cls.workflow_fields
            and field.name not in {"latest_revision", "created_at", "updated_at"}
        ]  # fmt: skip

    def revisions(self):
        """This item's revisions, newest first."""
        return Revision.objects.for_object(self)

    def publication_problems(self):
        """What stops this item being published; empty when it may go live."""
        return []

    # Medical review (see MedicallyReviewed); content types without it keep these.
    medical_fields = ()
    takes_sign_off = False
    review_fields = frozenset()

    def needs_medical_review(self):
        """Whether publishing waits for a medical reviewer's sign-off on the version."""
        return False

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

    def publish(self, user, note="", at=None):
        return self._transition("publish", user, note, at=at)

    def request_changes(self, user, note):
        return self._transition("request_changes", user, note)

    def unpublish(self, user, note=""):
        return self._transition("unpublish", user, note)

    def sign_off(self, user, note=""):
        return self._transition("sign_off", user, note)

    def move_to_trash(self, user, note=""):
        """Delete, restorably: see trash.py (which also offers a 301 instead of 410)."""
        return self._transition("trash", user, note)

    def restore_from_trash(self, user, note=""):
        return self._transition("untrash", user, note)

    def _transition(self, action, user, note, **options):
        from articles.publishing.workflow import transition

        return transition(self, action, user, note=note, **options)


def publishable_models():
    """Every concrete content model built on Publishable (articles, FAQ entries)."""
    from django.apps import apps

    return [model for model in apps.get_models() if issubclass(model, Publishable)]


def earliest(field, **filters):
    """The earliest ``field`` among the rows ``filters`` keep, across every publishable
    model: one indexed read each. None when there is none."""
    found = []
    for model in publishable_models():
        rows = model._default_manager.filter(**filters).exclude(**{f"{field}__isnull": True})
        if (when := rows.order_by(field).values_list(field, flat=True).first()) is not None:
            found.append(when)
    return min(found, default=None)


# How long a medical review holds, unless the topic or the item says otherwise.
DEFAULT_REVIEW_MONTHS = 12


class MedicallyReviewed(models.Model):
    """Health content: each version is signed off by a clinician before it goes live.

    For a Publishable with a ``topic`` (a Topic, whose ``medical`` flag makes its content
    health content). The review fields are written only by the workflow's sign-off step
    (see workflow/steps.py): a sign-off sets them on the version it approved, when that
    version is what readers see.
    """

    takes_sign_off = True
    # The fields of a version the review covers; subclasses name them.
    medical_fields = ()
    review_fields = frozenset(
        {"reviewed_by", "last_reviewed", "review_due", "reviewed_digest", "live_digest"}
    )

    medical_review = models.BooleanField(
        "needs medical review",
        default=False,
        help_text="Require a medical reviewer's sign-off even if its topic does not.",
    )
    review_interval = models.PositiveSmallIntegerField(
        "review every (months)",
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(60)],
        help_text="Overrides the topic’s review interval.",
    )
    reviewed_by = models.ForeignKey(
        "articles.Author",
        null=True,
        blank=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="reviewed_%(class)ss",
        help_text="The clinician who signed off the live version.",
    )
    last_reviewed = models.DateField(null=True, blank=True, editable=False)
    review_due = models.DateField(null=True, blank=True, editable=False)
    # Digests of the medical content signed off and of the live version: they differ
    # when a live page changed after its review.
    reviewed_digest = models.CharField(max_length=64, blank=True, editable=False)
    live_digest = models.CharField(max_length=64, blank=True, editable=False)

    class Meta:
        abstract = True

    @property
    def review_lapsed(self):
        """Live, and its review overdue past the site's grace period (REVIEW_GRACE_DAYS)."""
        from .review import grace_ends

        return bool(
            self.live and self.review_due and self.review_due < grace_ends(timezone.localdate())
        )

    @property
    def shows_review_note(self):
        """Whether readers are told the page is being reviewed (REVIEW_LAPSED_NOTE)."""
        return settings.REVIEW_LAPSED_NOTE and self.review_lapsed

    def needs_medical_review(self):
        return self.medical_review or bool(self.topic_id and self.topic.medical)

    @staticmethod
    def medical_review_q():
        """needs_medical_review() as a filter."""
        return Q(medical_review=True) | Q(topic__medical=True)

    def review_months(self):
        if self.review_interval:
            return self.review_interval
        return self.topic.review_interval if self.topic_id else DEFAULT_REVIEW_MONTHS


class TransitionQuerySet(models.QuerySet):
    def for_object(self, obj):
        from django.contrib.contenttypes.models import ContentType

        content_type = ContentType.objects.get_for_model(obj)
        return self.filter(content_type=content_type, object_id=obj.pk).select_related("user")


class Revision(models.Model):
    """One saved version of an item's complete editable content; never changed once written."""

    SAVE, OVERWRITE, RESTORE = "save", "overwrite", "restore"
    IMPORT, BASELINE = "import", "baseline"
    KINDS = [
        (SAVE, "Saved"),
        (OVERWRITE, "Saved over a newer version"),
        (RESTORE, "Restored"),
        (IMPORT, "Imported"),
        (BASELINE, "Version before history began"),
    ]

    content_type = models.ForeignKey("contenttypes.ContentType", on_delete=models.CASCADE)
    object_id = models.PositiveBigIntegerField()
    object_repr = models.CharField(max_length=200)
    # {"fields": {name: value}, "children": {name: [{"pk": id, "fields": {…}}]}}
    content = models.JSONField()
    # Labels of the fields that differ from the previous revision, for the history list.
    changed = models.JSONField(default=list)
    kind = models.CharField(max_length=20, choices=KINDS, default=SAVE)
    # The revision the editor's form was opened on, when that was not the latest.
    based_on = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    message = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    objects = TransitionQuerySet.as_manager()

    class Meta:
        app_label = "articles"
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["content_type", "object_id", "-created_at"])]

    def __str__(self):
        return f"Revision {self.pk} of {self.object_repr}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValueError("Revisions are immutable: write a new one instead.")
        super().save(*args, **kwargs)

    @property
    def author_name(self):
        return _display_name(self.user)


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
    # The revision the move acted on: the one published, sent for review, taken down.
    revision = models.ForeignKey(
        Revision, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    objects = TransitionQuerySet.as_manager()

    class Meta:
        app_label = "articles"
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["content_type", "object_id"])]

    def __str__(self):
        return f"{self.object_repr}: {self.from_status} → {self.to_status}"

    @property
    def author_name(self):
        return _display_name(self.user)


def _display_name(user):
    if user is None:
        return "the system"
    return user.get_full_name() or user.get_username()


class CommentQuerySet(TransitionQuerySet):
    def unresolved(self):
        return self.filter(resolved_at__isnull=True)


class Comment(models.Model):
    """A remark on an item, threaded, optionally about one field, resolved when dealt with."""

    content_type = models.ForeignKey("contenttypes.ContentType", on_delete=models.CASCADE)
    object_id = models.PositiveBigIntegerField()
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="replies"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    # The form field it is about ("body", "meta_description"), or blank for the whole item.
    field = models.CharField(max_length=100, blank=True)
    text = models.TextField()
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )  # fmt: skip

    objects = CommentQuerySet.as_manager()

    class Meta:
        app_label = "articles"
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["content_type", "object_id", "created_at"])]

    def __str__(self):
        return self.text[:60]

    @property
    def author_name(self):
        return _display_name(self.user)


class Autosave(models.Model):
    """One person's unsaved form for one item (or for a new one), kept as they type and
    offered back when they open the form again. One slot, replaced each time: the saves
    are what make revisions."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    content_type = models.ForeignKey("contenttypes.ContentType", on_delete=models.CASCADE)
    # 0 for the add form: a new item has no id yet.
    object_id = models.PositiveBigIntegerField()
    # The form's fields as posted: {name: [values]}.
    data = models.JSONField()
    saved_at = models.DateTimeField(default=timezone.now)

    class Meta:
        app_label = "articles"
        constraints = [
            models.UniqueConstraint(
                fields=["user", "content_type", "object_id"], name="one_autosave_per_person"
            )
        ]

    def __str__(self):
        return f"{self.user} {self.content_type_id}:{self.object_id}"


class NotificationQuerySet(models.QuerySet):
    def due(self, now):
        """E-mail to send now: unsent, its next attempt come, and no run holding it."""
        return self.filter(emailed_at=None, next_attempt_at__lte=now).filter(
            Q(claimed_until=None) | Q(claimed_until__lte=now)
        )

    def undelivered(self):
        """E-mail that failed at least once, or was given up, and is not sent yet."""
        return self.filter(emailed_at=None).filter(Q(attempts__gt=0) | Q(next_attempt_at=None))


class Notification(models.Model):
    """Something a person should know about an item; shown in the admin and e-mailed.

    The e-mail's delivery is kept here too (see delivery.py): how often it failed and why,
    when it is tried next, and which run holds it, until when.
    """

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    verb = models.CharField(max_length=40)
    message = models.TextField()
    # Where the recipient acts on it: the item's change page.
    url = models.CharField(max_length=500)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    read_at = models.DateTimeField(null=True, blank=True)
    emailed_at = models.DateTimeField(null=True, blank=True)
    # Failed sends so far, and the last one's error.
    attempts = models.PositiveSmallIntegerField(default=0, editable=False)
    last_error = models.TextField(blank=True, editable=False)
    # When the e-mail is due; None once sent, or given up after the last attempt.
    next_attempt_at = models.DateTimeField(
        null=True, blank=True, default=timezone.now, editable=False
    )
    # The run sending it, and until when that run holds it: a run cut off mid-send
    # leaves the claim behind, and another may take the e-mail over once it runs out.
    claim = models.CharField(max_length=32, blank=True, editable=False)
    claimed_until = models.DateTimeField(null=True, blank=True, editable=False)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        app_label = "articles"
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["recipient", "read_at"]),
            # The few unsent rows, read by every sweep however large the table grows.
            models.Index(
                fields=["next_attempt_at"], condition=Q(emailed_at=None), name="notification_unsent"
            ),
        ]
        verbose_name_plural = "inbox"

    def __str__(self):
        return self.message[:80]


class UndeliveredMail(Notification):
    """Notifications whose e-mail failed: the editors' list, to see why and retry."""

    class Meta:
        proxy = True
        app_label = "articles"
        verbose_name = "undelivered e-mail"
        verbose_name_plural = "undelivered e-mail"
        permissions = [("retry_undeliveredmail", "Can retry delivery")]


class ReviewReminder(models.Model):
    """A reminder sent about one review falling due; the daily run sends each only once."""

    SOON, OVERDUE = "soon", "overdue"

    content_type = models.ForeignKey("contenttypes.ContentType", on_delete=models.CASCADE)
    object_id = models.PositiveBigIntegerField()
    due = models.DateField()
    kind = models.CharField(max_length=10, choices=[(SOON, "Due soon"), (OVERDUE, "Overdue")])
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        app_label = "articles"
        constraints = [
            models.UniqueConstraint(
                fields=["content_type", "object_id", "due", "kind"], name="one_reminder_per_due"
            )
        ]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.due}"


class SiteState(models.Model):
    """How many times what readers see has changed, and how many of those changes took
    text away (withdrawals): one row, counted in the transaction that makes the change.

    The page cache's durable record (see pagecache/generation.py). Each increment waits
    for the one before it to commit, so every server reading the row sees the counts
    rise in the order the changes happened, and a change that could not reach the shared
    cache still reaches every server that reads the database.
    """

    changes = models.BigIntegerField(default=0)
    withdrawals = models.BigIntegerField(default=0)
    changed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        app_label = "articles"

    def __str__(self):
        return f"{self.changes} changes, {self.withdrawals} withdrawals"


class ShareLinkQuerySet(models.QuerySet):
    def for_object(self, obj):
        from django.contrib.contenttypes.models import ContentType

        content_type = ContentType.objects.get_for_model(obj)
        return self.filter(content_type=content_type, object_id=obj.pk)

    def active(self, now=None):
        return self.filter(revoked_at=None, expires_at__gt=now or timezone.now())


class ShareLink(models.Model):
    """A secret address at which someone without an account reviews one item's working
    copy, until it expires or is revoked. Only a digest of the token is kept: the address
    is shown once, to the person who made it (see sharing.py)."""

    content_type = models.ForeignKey("contenttypes.ContentType", on_delete=models.CASCADE)
    object_id = models.PositiveBigIntegerField()
    token_digest = models.CharField(max_length=64, unique=True, editable=False)
    # Who it is for ("For Dr Lee"), as the person who made it wrote it.
    label = models.CharField(max_length=100, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )  # fmt: skip
    opened_count = models.PositiveIntegerField(default=0)
    last_opened_at = models.DateTimeField(null=True, blank=True)
    # Feedback left through it: bounded, so an address passed around cannot flood the item.
    feedback_count = models.PositiveIntegerField(default=0)

    objects = ShareLinkQuerySet.as_manager()

    class Meta:
        app_label = "articles"
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["content_type", "object_id", "expires_at"])]

    def __str__(self):
        return self.label or f"Share link {self.pk}"

    def is_active(self, now=None):
        return self.revoked_at is None and self.expires_at > (now or timezone.now())

    @property
    def author_name(self):
        return _display_name(self.created_by)
