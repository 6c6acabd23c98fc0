"""The site's rows as a restore must reproduce them: every exported field of every
model, with each relation by the name it travels under (slug, username, place)."""

from collections import Counter

from django.apps import apps
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.db import models

from articles.publishing.importing.exchange import fields, history, library

ITEM_MODELS = ("articles.Article", "faq.FAQEntry")
# Rows named by their place in their item's record (the first revision is 1).
PLACED = ("articles.Revision", "articles.Comment")


def models_in_scope():
    """The user model and every model of the apps the export answers for."""
    yield get_user_model()
    for label in fields.APPS:
        yield from apps.get_app_config(label).get_models()


def exported_models():
    return [model for model in models_in_scope() if model._meta.label in fields.EXPORTED]


class _Names:
    """How a row of any model is named independently of this database's ids."""

    def __init__(self):
        self.items = {}
        for label in ITEM_MODELS:
            model = apps.get_model(label)
            content_type = ContentType.objects.get_for_model(model)
            for pk, slug in model._default_manager.values_list("pk", "slug"):
                self.items[(content_type.pk, pk)] = (label, slug)
        self.places = {}
        for label in PLACED:
            model = apps.get_model(label)
            counts = Counter()
            for row in model._default_manager.order_by("created_at", "pk"):
                item = self.items[(row.content_type_id, row.object_id)]
                counts[item] += 1
                self.places[(label, row.pk)] = (item, counts[item])

    def of(self, obj):
        if obj is None:
            return None
        label = obj._meta.label
        if label in PLACED:
            return self.places[(label, obj.pk)]
        if isinstance(obj, get_user_model()):
            return obj.get_username()
        if label == "auth.Group":
            return obj.name
        if label == "articles.Image":
            return obj.file.name
        return obj.slug

    def item(self, row):
        return self.items[(row.content_type_id, row.object_id)]


def snapshot():
    """{model label: Counter of rows}, each row a tuple of (field, portable value)."""
    names = _Names()
    items = [obj for label in ITEM_MODELS for obj in apps.get_model(label)._default_manager.all()]
    record = history.Record(items)
    taken = {}
    for model in exported_models():
        label = model._meta.label
        rows = Counter()
        for obj in model._default_manager.all():
            row = []
            if "content_type" in fields.BY_PLACE.get(label, ()):
                row.append(("item", names.item(obj)))
            for name in fields.EXPORTED[label]:
                field = model._meta.get_field(name)
                if field.many_to_many:
                    value = tuple(sorted(names.of(o) for o in getattr(obj, name).all()))
                elif field.is_relation:
                    value = names.of(getattr(obj, name))
                elif label == "articles.Revision" and name == "content":
                    item_model = apps.get_model(names.item(obj)[0])
                    value = repr(record.portable(item_model, obj.content))
                elif label == "articles.Article" and name == "body":
                    # Library images by file, as the document names them: ids differ.
                    value = repr(library.portable_body(obj.body, record.slugs[library.Image]))
                elif isinstance(field, models.FileField):
                    value = getattr(obj, name).name
                else:
                    value = repr(getattr(obj, name))
                row.append((name, value))
            rows[tuple(row)] += 1
        taken[label] = rows
    return taken


def unset_fields(taken):
    """Exported fields that no row holds a value of: the content proves nothing of them."""
    unset = []
    for model in exported_models():
        label = model._meta.label
        for index, name in enumerate(fields.EXPORTED[label]):
            field = model._meta.get_field(name)
            empty = {None, "", "None", "''", "[]", "{}", "()", ()}
            if not field.many_to_many and not field.is_relation and field.has_default():
                empty.add(repr(field.get_default()))
            offset = 1 if "content_type" in fields.BY_PLACE.get(label, ()) else 0
            if all(row[index + offset][1] in empty for row in taken[label]):
                unset.append(f"{label}.{name}")
    return unset


def wipe(keep):
    """An empty database but for the account ``keep`` (the one restoring) and the roles."""
    for label in reversed([m._meta.label for m in exported_models()]):
        model = apps.get_model(label)
        if model is get_user_model():
            model._default_manager.exclude(pk=keep.pk).delete()
        else:
            model._default_manager.all().delete()
