"""The writing tools above a Markdown field: the addresses its toolbar reads.

- links: the live articles whose title holds what was typed (never a draft, an item in
  review or a scheduled one), for the internal-link picker;
- images: the library, searchable, with thumbnails, for the image chooser;
- images/upload: a new library image, made through the library admin's own form, so it
  is validated and given renditions exactly as the library page does.

Each answers JSON, to staff only (the admin's own view wrapper, with its CSRF check),
and checks the permission its answer needs.
"""

from django.contrib.admin.widgets import ForeignKeyRawIdWidget
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import JsonResponse
from django.urls import path, reverse
from django.utils.text import Truncator
from markdownx.models import MarkdownxField

from ..library.models import Image

LIMIT = 10
# A search longer than any title gains nothing; it is cut.
MAX_QUERY = 200
UPLOAD_FIELDS = ["file", "alt", "caption", "credit", "licence"]


def _query(request):
    return " ".join((request.GET.get("q") or "").split())[:MAX_QUERY]


def _thumb(image):
    thumb = image.thumb or {}
    if thumb.get("webp") or thumb.get("src"):
        return thumb.get("webp") or thumb.get("src")
    widths = image.renditions.get("widths") or []
    return widths[0]["src"] if widths else ""


def _image_json(image):
    return {
        "id": image.pk,
        "alt": image.alt,
        "caption": image.caption,
        "thumb": _thumb(image),
        "markdown": f"![{image.alt}](image:{image.pk})",
    }


class ImageChooser(ForeignKeyRawIdWidget):
    """A library image's number, as the admin's raw id field, with a thumbnail of the
    choice; the script adds Choose (the library's search and upload dialog) and Remove.
    Without scripts the number and the admin's lookup still work."""

    template_name = "admin/publishing/image_chooser.html"

    def get_context(self, name, value, attrs):
        self.chosen = None
        context = super().get_context(name, value, attrs)
        context["chosen"] = self.chosen
        return context

    def label_and_url_for_value(self, value):
        # The admin's own lookup, once: the label, the link and the thumbnail.
        try:
            image = Image.objects.only("pk", "alt", "renditions").get(pk=value)
        except (ValueError, Image.DoesNotExist, ValidationError):
            return "", ""
        self.chosen = {"thumb": _thumb(image), "alt": image.alt}
        url = reverse("admin:articles_image_change", args=[image.pk])
        return Truncator(image).words(14), url


class WritingToolsMixin:
    def writing_urls(self):
        name = f"{self.opts.app_label}_{self.opts.model_name}"
        wrap = self.admin_site.admin_view
        return [
            path("writing/links/", wrap(self.writing_links_view), name=f"{name}_writing_links"),
            path("writing/images/", wrap(self.writing_images_view),
                 name=f"{name}_writing_images"),
            path("writing/images/upload/", wrap(self.writing_upload_view),
                 name=f"{name}_writing_upload"),
        ]  # fmt: skip

    def _writing_attrs(self, request):
        return writing_attrs(request, self.opts)

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        """Markdown fields carry the addresses their toolbar reads."""
        formfield = super().formfield_for_dbfield(db_field, request, **kwargs)
        if isinstance(db_field, MarkdownxField) and formfield is not None:
            formfield.widget.attrs.update(self._writing_attrs(request))
        return formfield

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        """A library image is chosen from the library's own dialog, as the body's are."""
        if db_field.related_model is Image and "widget" not in kwargs:
            attrs = {**self._writing_attrs(request), "data-image-chooser": "1"}
            kwargs["widget"] = ImageChooser(
                db_field.remote_field, self.admin_site, attrs=attrs, using=kwargs.get("using")
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def _writing_allowed(self, request):
        if not self.has_view_or_change_permission(request):
            raise PermissionDenied

    @staticmethod
    def _image_admin(admin_site):
        return admin_site._registry[Image]

    @staticmethod
    def _refused(message, status=403):
        return JsonResponse({"error": message}, status=status)

    def writing_links_view(self, request):
        """Up to ten live articles whose title holds the query: title and path."""
        from articles.models import Article

        self._writing_allowed(request)
        return _only_get(request) or JsonResponse({"results": _live_articles(Article, request)})

    def writing_images_view(self, request):
        """Up to ten library images, newest first, searched by alt, caption and credit."""
        self._writing_allowed(request)
        if not self._image_admin(self.admin_site).has_view_or_change_permission(request):
            return self._refused("You may not see the image library.")
        if refused := _only_get(request):
            return refused
        images = Image.objects.only("pk", "alt", "caption", "renditions")
        if query := _query(request):
            images, _ = self._image_admin(self.admin_site).get_search_results(
                request, images, query
            )
        return JsonResponse({"results": [_image_json(image) for image in images[:LIMIT]]})

    def writing_upload_view(self, request):
        """A new library image from a multipart POST, through the library's own form."""
        self._writing_allowed(request)
        image_admin = self._image_admin(self.admin_site)
        if not image_admin.has_add_permission(request):
            return self._refused("You may not add images to the library.")
        if request.method != "POST":
            return self._refused("Send the image with POST.", status=405)
        form_class = image_admin.get_form(request, None, change=False, fields=UPLOAD_FIELDS)
        form = form_class(request.POST, request.FILES)
        if not form.is_valid():
            errors = {field: [str(e) for e in problems] for field, problems in form.errors.items()}
            first = next(iter(errors.values()))[0]
            label = next(iter(errors))
            name = form.fields[label].label if label in form.fields else ""
            return JsonResponse(
                {"error": f"{name}: {first}" if name else first, "errors": errors}, status=400
            )
        image = form.save()
        return JsonResponse(_image_json(image), status=201)


def writing_attrs(request, opts):
    """The addresses a Markdown field's toolbar reads, on the admin of `opts`'s model."""
    name = f"admin:{opts.app_label}_{opts.model_name}"
    return {
        "data-writing-links": reverse(f"{name}_writing_links"),
        "data-writing-images": reverse(f"{name}_writing_images"),
        "data-writing-upload": reverse(f"{name}_writing_upload"),
        "data-writing-can-upload": "1" if request.user.has_perm("articles.add_image") else "",
    }


class WritingToolsInlineMixin:
    """An inline's Markdown fields (an article's FAQ answers) get the toolbar too, reading
    the addresses of the page they sit on."""

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        formfield = super().formfield_for_dbfield(db_field, request, **kwargs)
        if isinstance(db_field, MarkdownxField) and formfield is not None:
            formfield.widget.attrs.update(writing_attrs(request, self.parent_model._meta))
        return formfield


def _only_get(request):
    if request.method != "GET":
        return JsonResponse({"error": "Use GET."}, status=405)
    return None


def _live_articles(article_model, request):
    query = _query(request)
    articles = article_model.objects.published().only("pk", "title", "slug")
    if query:
        articles = articles.filter(title__icontains=query)
    articles = articles.order_by("title", "pk")[:LIMIT]
    return [{"title": a.title, "path": a.get_absolute_url()} for a in articles]
