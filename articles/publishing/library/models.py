"""The library's Image: one stored picture, described once and used anywhere."""

import re

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models, transaction
from django.db.models.deletion import ProtectedError

from .. import images
from . import renditions

UNIT = [MinValueValidator(0.0), MaxValueValidator(1.0)]


def body_reference(pk):
    """What a Markdown body holds where it shows the image: ``![alt](image:42)``."""
    return f"(image:{pk})"


class Image(models.Model):
    file = models.ImageField(
        upload_to="library/%Y/%m/",
        max_length=200,
        validators=[images.validate_upload],
        help_text="A JPEG, PNG or WebP file; its renditions are made when it is saved.",
    )
    alt = models.CharField(
        "alt text",
        max_length=250,
        help_text="Describe the image for readers who cannot see it.",
    )
    caption = models.CharField(max_length=500, blank=True)
    credit = models.CharField(
        max_length=250, blank=True, help_text="Who made it, as it should be credited."
    )
    licence = models.CharField(
        max_length=250,
        help_text="The terms we use it under, for example “CC BY 4.0” or “Licensed from "
        "Example Photos, 2026”.",
    )
    focal_x = models.FloatField(
        "focal point across",
        default=0.5,
        validators=UNIT,
        help_text="0 is the left edge, 1 the right; crops keep this point in view.",
    )
    focal_y = models.FloatField(
        "focal point down",
        default=0.5,
        validators=UNIT,
        help_text="0 is the top edge, 1 the bottom.",
    )
    # Read from the stored file on save, so pages never open it.
    width = models.PositiveIntegerField(null=True, blank=True, editable=False)
    height = models.PositiveIntegerField(null=True, blank=True, editable=False)
    renditions = models.JSONField(default=dict, blank=True, editable=False)

    class Meta:
        ordering = ["-id"]
        verbose_name = "library image"

    def __str__(self):
        return self.alt or self.file.name

    def save(self, *args, **kwargs):
        from .embed import refresh_bodies

        # The row, its renditions, the bodies that show it and the purge of their pages
        # commit together: no reader is served a page made from half of it.
        with transaction.atomic():
            made_from = self.renditions.get("source")
            # Stored first: the renditions are made from the stored file, never the upload.
            super().save(*args, **kwargs)
            if self.make_renditions() is not None:
                type(self).objects.filter(pk=self.pk).update(
                    width=self.width, height=self.height, renditions=self.renditions
                )
            # Bodies that show it carry its alt text, caption and sizes in their HTML.
            bodies = refresh_bodies(self)
            # A new file takes the old picture down: no old copy of a page may show it.
            self.purge_pages(bodies, withdrawal=bool(made_from) and made_from != self.file.name)

    def purge_pages(self, bodies, withdrawal=False):
        """Readers' pages that show the image (its live articles' own pages, and the lists
        whose cards show it as a thumbnail) render afresh on every server and cache."""
        from .. import pagecache

        shown = {article.pk: article for article in self.hero_of.filter(live=True)}
        shown.update((article.pk, article) for article in bodies if article.live)
        names = set()
        for article in shown.values():
            names |= pagecache.keys.of_change(article)
        if names:
            pagecache.purged(names, withdrawal=withdrawal)

    def clean(self):
        super().clean()
        if not self.alt.strip():
            raise ValidationError({"alt": "Describe the image: alt text is required."})
        if not self.licence.strip():
            raise ValidationError({"licence": "Say under what terms the image is used."})

    @property
    def focal(self):
        return (self.focal_x, self.focal_y)

    def make_renditions(self):
        """Make the renditions when the file or focal point changed; None when not."""
        key = {"source": self.file.name, "focal": [self.focal_x, self.focal_y]}
        if all(self.renditions.get(k) == v for k, v in key.items()) and self.width:
            return None
        try:
            self.width, self.height = self.file.width, self.file.height
        except (OSError, TypeError, ValueError):
            self.width = self.height = None
        made = renditions.make(self.file, self.focal)
        self.renditions = {**key, **made} if made else {}
        return self.renditions

    def delete(self, *args, **kwargs):
        if used := self.used_in_bodies():
            raise ProtectedError(
                f"“{self}” is shown in the body of {len(used)} article(s); take it out first.",
                set(used),
            )
        return super().delete(*args, **kwargs)

    def used_in_bodies(self):
        from articles.models import Article

        return list(Article.objects.filter(body__contains=body_reference(self.pk)))

    def usages(self):
        """(article, how it is used) for every article that shows it."""
        found = [(article, "hero image") for article in self.hero_of.order_by("title")]
        found += [(article, "in the body") for article in self.used_in_bodies()]
        return found

    # The page's renditions, as the templates read them.
    @property
    def srcset(self):
        widths = self.renditions.get("widths", [])
        return ", ".join(f"{w['src']} {w['width']}w" for w in widths)

    @property
    def webp_srcset(self):
        widths = self.renditions.get("widths", [])
        return ", ".join(f"{w['webp']} {w['width']}w" for w in widths)

    @property
    def avif_srcset(self):
        """Empty unless every width has one (an image made before AVIF, or without it)."""
        widths = self.renditions.get("widths", [])
        if not widths or not all(w.get("avif") for w in widths):
            return ""
        return ", ".join(f"{w['avif']} {w['width']}w" for w in widths)

    @property
    def thumb(self):
        return self.renditions.get("thumb")

    @property
    def share(self):
        share = self.renditions.get("share", {})
        return [share[ratio] for ratio in renditions.SHARE_RATIOS if ratio in share]


_REFERENCE = re.compile(r"\(image:(\d{1,9})\)")


def referenced_ids(text):
    """The library images a Markdown text shows, in order, each once."""
    return list(dict.fromkeys(int(pk) for pk in _REFERENCE.findall(text or "")))
