"""The Writer, Editor and Medical reviewer groups, created by data migrations."""

WRITER = "Writer"
EDITOR = "Editor"
MEDICAL_REVIEWER = "Medical reviewer"

# Per content model: what each role may do. Editors get everything writers get.
WRITER_ACTIONS = ("add", "change", "view", "submit")
EDITOR_ACTIONS = (*WRITER_ACTIONS, "delete", "publish", "request_changes", "unpublish")


def grant(apps, app_label, content_models, reference_models=(), audit_models=()):
    """Give both groups their workflow permissions on ``content_models``.

    ``reference_models`` (authors, topics) are viewable by writers and managed by editors;
    ``audit_models`` (the transition log) are readable by editors.
    Run from a migration with its historical ``apps``, or with the real ones to put the
    groups back after a test database flush.
    """
    _create_permissions(apps, app_label)

    def codenames(models, actions):
        return [f"{action}_{model}" for model in models for action in actions]

    plan = {
        WRITER: codenames(content_models, WRITER_ACTIONS) + codenames(reference_models, ["view"]),
        EDITOR: codenames(content_models, EDITOR_ACTIONS)
        + codenames(reference_models, ["add", "change", "view", "delete"])
        + codenames(audit_models, ["view"]),
    }
    for group_name, wanted in plan.items():
        _give(apps, group_name, app_label, wanted)


def grant_reviewers(apps, app_label, codenames):
    """Give the Medical reviewer group ``codenames`` of ``app_label``: reading what they
    review, signing it off and sending it back; never editing or publishing it."""
    _create_permissions(apps, app_label)
    _give(apps, MEDICAL_REVIEWER, app_label, codenames)


def grant_editors(apps, app_label, codenames):
    """Give the Editor group ``codenames`` of ``app_label`` beyond the content workflow."""
    _create_permissions(apps, app_label)
    _give(apps, EDITOR, app_label, codenames)


def grant_library(apps, app_label, model):
    """Writers add and describe library images; editors also delete those not in use;
    medical reviewers see them."""
    _create_permissions(apps, app_label)
    everyday = [f"{action}_{model}" for action in ("add", "change", "view")]
    _give(apps, WRITER, app_label, everyday)
    _give(apps, EDITOR, app_label, [*everyday, f"delete_{model}"])
    _give(apps, MEDICAL_REVIEWER, app_label, [f"view_{model}"])


def _create_permissions(apps, app_label):
    from django.contrib.auth.management import create_permissions

    # Permissions are normally created after migrate; the groups need them now.
    # The historical app config is a stub without models_module, which
    # create_permissions checks only to skip apps that have no models.
    app_config = apps.get_app_config(app_label)
    stub = getattr(app_config, "models_module", None) is None
    if stub:
        app_config.models_module = True
    try:
        create_permissions(app_config, verbosity=0, apps=apps)
    finally:
        if stub:
            app_config.models_module = None


def _give(apps, group_name, app_label, wanted):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name=group_name)
    permissions = Permission.objects.filter(content_type__app_label=app_label, codename__in=wanted)
    missing = set(wanted) - set(permissions.values_list("codename", flat=True))
    if missing:
        raise RuntimeError(f"Permissions not found for {group_name}: {sorted(missing)}")
    group.permissions.add(*permissions)
