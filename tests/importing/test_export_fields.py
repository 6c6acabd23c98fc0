"""Every concrete field of every model is exported, derived or left out with a reason."""

from django.apps import apps

from articles.publishing.importing.exchange import fields

from .snapshot import models_in_scope


def _fields(model):
    return [*model._meta.concrete_fields, *model._meta.many_to_many]


def test_every_field_of_every_model_is_accounted_for():
    """A new field fails here until the export carries it or fields.py says why not."""
    unaccounted = []
    for model in models_in_scope():
        label = model._meta.label
        if label in fields.MODELS_LEFT_OUT:
            continue
        named = {
            fields.OWN_ID,
            *fields.EXPORTED.get(label, ()),
            *fields.DERIVED.get(label, {}),
            *fields.LEFT_OUT.get(label, {}),
            *fields.BY_PLACE.get(label, ()),
        }
        unaccounted += [f"{label}.{f.name}" for f in _fields(model) if f.name not in named]
    assert unaccounted == []


def test_the_tables_name_only_real_models_and_fields_each_once():
    """No name in fields.py is stale or claimed twice, and every reason is written out."""
    in_scope = {model._meta.label for model in models_in_scope()}
    tables = [fields.EXPORTED, fields.DERIVED, fields.LEFT_OUT, fields.BY_PLACE]
    assert set(fields.MODELS_LEFT_OUT) <= in_scope
    assert all(reason.strip() for reason in fields.MODELS_LEFT_OUT.values())
    for label in in_scope - set(fields.MODELS_LEFT_OUT):
        real = {f.name for f in _fields(apps.get_model(label))}
        claimed = [name for table in tables for name in table.get(label, ())]
        assert set(claimed) <= real, label
        assert len(claimed) == len(set(claimed)), label
    for table in (fields.DERIVED, fields.LEFT_OUT):
        assert set(table) <= in_scope
        assert all(reason.strip() for reasons in table.values() for reason in reasons.values())
