"""What the export carries of each model, and why the rest stays behind.

Every concrete field of every model of the site's apps is one of three things: exported
(listed here under its model), derived (made again from what is exported when the row is
saved) or left out for a stated reason. tests/importing/test_export_fields.py enumerates
the models' fields against these tables, so a new field cannot be forgotten.
"""

# Content, by the names the document uses; relations are named by slug or username.
SEO = ["meta_title", "meta_description", "focus_keyword", "canonical_url", "noindex"]
CONTENT = [
    "slug", "title", "status", *SEO, "owner",
    "published_at", "first_published_at", "created_at", "updated_at", "expires_at",
    "trashed_at",
]  # fmt: skip
# The medical review's record: written by the workflow's sign-off, restored only with
# the rest of the workflow's state (see exchange.restore).
REVIEW_STATE = ["reviewed_by", "last_reviewed", "review_due", "reviewed_digest", "live_digest"]
REVIEW = ["medical_review", "review_interval", *REVIEW_STATE]
ARTICLE = [
    *CONTENT, *REVIEW, "summary", "body", "topic", "author",
    "hero", "hero_image", "hero_image_alt", "sources", "cornerstone",
]  # fmt: skip
# The image library; an image is named by its file's name in the media storage.
IMAGE = ["file", "alt", "caption", "credit", "licence", "focal_x", "focal_y"]
FAQ = [*CONTENT, *REVIEW, "answer", "topic", "article", "order"]
# Kept beside an item's history (see history.py): which version is live and latest.
POINTERS = ["live", "latest_revision", "live_revision"]

EXPORTED = {
    "auth.User": [
        "username",
        "first_name",
        "last_name",
        "email",
        "is_staff",
        "is_active",
        "date_joined",
        "groups",
    ],  # fmt: skip
    "articles.Author": ["slug", "name", "job_title", "bio", "website", "same_as", "user"],
    "articles.Image": IMAGE,
    "articles.Topic": ["slug", "name", "description", "medical", "review_interval"],
    "articles.Article": [*ARTICLE, *POINTERS],
    "faq.FAQEntry": [*FAQ, *POINTERS],
    # Listed under their item, each named by its place in the item's history.
    "articles.Revision": [
        "content",
        "changed",
        "kind",
        "based_on",
        "user",
        "message",
        "created_at",
    ],  # fmt: skip
    "articles.Transition": [
        "action",
        "from_status",
        "to_status",
        "user",
        "note",
        "revision",
        "created_at",
    ],  # fmt: skip
    "articles.Comment": [
        "parent",
        "user",
        "field",
        "text",
        "created_at",
        "resolved_at",
        "resolved_by",
    ],  # fmt: skip
    "articles.ReviewReminder": ["due", "kind", "created_at"],
    "redirects.Redirect": ["old_path", "new_path"],
}

# Every row's own id, and the item a revision, log entry, comment or reminder belongs
# to, are given by where the row sits in the document; a redirect's site is the one
# restored into.
OWN_ID = "id"
_UNDER_ITS_ITEM = {"content_type", "object_id"}
BY_PLACE = {
    "articles.Revision": _UNDER_ITS_ITEM,
    "articles.Transition": _UNDER_ITS_ITEM,
    "articles.Comment": _UNDER_ITS_ITEM,
    "articles.ReviewReminder": _UNDER_ITS_ITEM,
    "redirects.Redirect": {"site"},
}

DERIVED = {
    "articles.Article": {
        "body_html": "rendered from body", "search_text": "read from body_html",
        "sections": "read from body_html",
        "linked_articles": "read from body_html", "word_count": "counted in body_html",
        "hero_image_width": "read from the hero image file",
        "hero_image_height": "read from the hero image file",
        "hero_renditions": "made from the hero image file",
    },
    "articles.Image": {
        "width": "read from the image file",
        "height": "read from the image file",
        "renditions": "made from the image file and its focal point",
    },
    "faq.FAQEntry": {
        "answer_html": "rendered from answer", "search_text": "read from answer_html",
    },
    "articles.Revision": {"object_repr": "the item's title when the revision is written"},
    "articles.Transition": {"object_repr": "the item's title when the log is written"},
}  # fmt: skip

LEFT_OUT = {
    "auth.User": {
        "password": "credentials never leave in a content export: restored accounts set "
        "a new password through “Forgotten your password?”",
        "last_login": "a record of signing in here, not content",
        "is_superuser": "never granted by a file",
        "user_permissions": "roles are groups, which are exported",
    },
}

# Whole models that are not content: what a restore starts empty, and why.
MODELS_LEFT_OUT = {
    "articles.Notification": "each person's inbox, linking to this database's ids; a "
    "restore starts with empty inboxes and sends nothing again",
    "articles.UndeliveredMail": "the mail queue's failures, kept for this database's editors",
    "articles.SiteState": "the page cache's change counters for this database",
    "articles.Autosave": "each person's unsaved form, kept only until their next save and "
    "tied to this database's revision ids; a backup holds what was saved",
    "articles.ShareLink": "addresses for outside review, kept only as digests of their "
    "tokens and tied to this database's ids; a restore starts with none, so no old "
    "address opens a page again",
    "articles.SourceCheck": "what the link checker last found at each cited address: "
    "operational, and made again by its next run",
    "articles.Webhook": "a partner's address and signing secret: a secret never leaves in "
    "a content file, and a restored site must not post to partners on its own; editors "
    "register them again",
    "articles.WebhookDelivery": "the log of what was sent to each partner from this "
    "database, and the retries still due",
    "articles.IndexNowUrl": "addresses waiting a few seconds to go to IndexNow: a queue, "
    "not content",
}

# The apps whose models the export answers for (auth only for its accounts).
APPS = ("articles", "faq", "redirects")

# Added since the first exports: a file without them leaves what is here as it is.
OPTIONAL = {"sources", "owner", "user", "medical", "cornerstone", "hero", *REVIEW}
