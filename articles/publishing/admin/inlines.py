"""Parts edited inline (an article's FAQ entries), versioned with their parent: read
from its working copy, and saved in its revision."""

from .. import revisions
from .forms import NormalizedTextMixin


def _relation_names(obj):
    return set(type(obj).revision_relations)


def parts_from(formset):
    """The parts the inline forms describe, in order, and those marked for deletion.

    Also sets what formset.save() would, for the admin's change message.
    """
    parts, removed = [], []
    formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], removed
    for form in formset.forms:
        instance = form.instance
        if formset.can_delete and formset._should_delete_form(form):
            if instance.pk is not None:
                removed.append(instance)
            continue
        if instance.pk is None and not form.has_changed():
            continue
        if instance.pk is None:
            formset.new_objects.append(instance)
        elif form.has_changed():
            formset.changed_objects.append((instance, form.changed_data))
        parts.append(instance)
    parts.sort(key=lambda part: (getattr(part, "order", 0), part.pk or 0))
    return parts, removed


class WorkingCopyInlineMixin(NormalizedTextMixin):
    """Inline parts as the parent's working copy has them, not as the live rows are."""

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        name = formset.fk.remote_field.get_accessor_name()

        class WorkingCopyFormSet(formset):
            def get_queryset(self):
                if not hasattr(self, "_working"):
                    parent = self.instance
                    if parent is None or parent.pk is None:
                        self._working = []
                    else:
                        self._working = revisions.working_children(parent).get(name, [])
                return self._working

        return WorkingCopyFormSet
