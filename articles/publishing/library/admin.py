"""The library in the admin: a list with thumbnails, searchable by what is written about
each image; a form whose focal point is two numbers (a click on the preview sets them
where scripts run); where each image is used; and no deleting one that is in use."""

from django.contrib import admin
from django.contrib.admin.widgets import AdminFileWidget
from django.db import models
from django.urls import reverse
from django.utils.html import format_html, format_html_join


class LabelledFileWidget(AdminFileWidget):
    # Django wraps a file input in a fieldset whose legend labels nothing when there is
    # no file yet; a plain <label for> names the input for screen readers either way.
    use_fieldset = False


class ImageAdmin(admin.ModelAdmin):
    list_display = ["thumbnail", "alt", "credit", "licence", "size"]
    # The alt text heads each row and links to the image: a thumbnail link would have
    # no name, its picture being decorative beside the alt text.
    list_display_links = ["alt"]
    search_fields = ["alt", "caption", "credit"]
    list_per_page = 50
    fieldsets = [
        (None, {"fields": ["file", "preview", "alt", "caption", "credit", "licence"]}),
        (
            "Focal point",
            {
                "fields": ["focal_x", "focal_y"],
                "description": "The point crops keep in view, from the top left corner: "
                "0.5 and 0.5 is the centre. Clicking the preview sets both.",
            },
        ),
        (
            "Where it is used",
            {
                "fields": ["usage"],
                "description": "Its file, alt text, caption, credit, licence and focal point "
                "show on these pages as soon as you save: the live ones change for readers "
                "at once, everywhere.",
            },
        ),
    ]
    readonly_fields = ["preview", "usage"]
    formfield_overrides = {models.ImageField: {"widget": LabelledFileWidget}}

    class Media:
        css = {"all": ["admin/publishing/library.css"]}
        js = ["admin/publishing/focal-point.js"]

    @admin.display(description="image")
    def thumbnail(self, obj):
        thumb = obj.thumb
        if not thumb:
            return "—"
        return format_html(
            '<img src="{}" width="120" height="90" alt="" loading="lazy">', thumb["webp"]
        )

    @admin.display(description="size")
    def size(self, obj):
        return f"{obj.width} × {obj.height}" if obj.width else "—"

    @admin.display(description="preview")
    def preview(self, obj):
        widths = obj.renditions.get("widths") if obj and obj.pk else None
        if not widths:
            return "Renditions are made when the image is saved."
        shown = next((w for w in widths if w["width"] >= 480), widths[-1])
        # The site's CSP refuses style attributes: the layout is in library.css, and the
        # marker is placed from its data by focal-point.js, which shows it.
        return format_html(
            '<div class="focal-preview">'
            '<img src="{}" width="{}" height="{}" alt="{}">'
            '<span class="focal-marker" aria-hidden="true" data-x="{}" data-y="{}" hidden>'
            "</span></div>",
            shown["src"],
            shown["width"],
            shown["height"],
            obj.alt,
            round(obj.focal_x * 100, 1),
            round(obj.focal_y * 100, 1),
        )

    @admin.display(description="used by")
    def usage(self, obj):
        found = obj.usages() if obj and obj.pk else []
        if not found:
            return "Not used yet."
        return format_html(
            "<ul>{}</ul>",
            format_html_join(
                "",
                '<li><a href="{}">{}</a> ({})</li>',
                (
                    (reverse("admin:articles_article_change", args=[a.pk]), a.title, how)
                    for a, how in found
                ),
            ),
        )

    def get_deleted_objects(self, objs, request):
        """Articles that show an image in their body protect it as a hero choice does."""
        deleted, model_count, perms_needed, protected = super().get_deleted_objects(objs, request)
        protected = list(protected)
        for image in objs:
            protected += [
                format_html("Article: {} (shows it in its body)", article.title)
                for article in image.used_in_bodies()
            ]
        return deleted, model_count, perms_needed, protected
