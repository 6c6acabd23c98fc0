"""The image library: each image by its file's name in the media storage, with what is
written about it. Its sizes and renditions are made again from the file on restore."""

from django.core.files.storage import default_storage

from articles.models import Image

from ..base import ItemReport, save
from .fields import EXPORTED
from .values import assign, dump, rows

FIELDS = EXPORTED["articles.Image"]


def build():
    return [dump(image, FIELDS) for image in Image.objects.order_by("file")]


def restore(data, options, report):
    user = options.user
    if data.get("images") and user is not None and not user.has_perm("articles.add_image"):
        report.warnings.append("images not imported: you may not add library images")
        return
    for where, row in rows(data, "images", FIELDS):
        name = row["file"]
        if not isinstance(name, str) or not name or not default_storage.exists(name):
            report.warnings.append(f"{where}: “{name}” is not in the media storage; left out")
            continue
        image = Image.objects.filter(file=name).first()
        action = "updated" if image else "created"
        image = image or Image()
        assign(image, row, FIELDS, where, report)
        save(image, options)  # checked as the admin's form would: alt, licence, focal point
        report.items.append(ItemReport(action, "library image", name))
