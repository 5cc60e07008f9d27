"""The three editorial roles and the model permissions each group holds.

Object-level rules (an author edits only their own drafts, a reviewer never signs
off their own article, an author or reviewer changes only their own profile and only
its biography, photo, specialties and links) are enforced in services and the admin
(authors/admin.py) on top of these.
"""

AUTHOR = "Author"
REVIEWER = "Medical reviewer"
EDITOR = "Editor"

GROUP_PERMISSIONS = {
    AUTHOR: [
        "articles.add_article", "articles.change_article", "articles.view_article",
        "articles.add_section", "articles.change_section", "articles.delete_section", "articles.view_section",
        "articles.add_reference", "articles.change_reference", "articles.delete_reference",
        "articles.view_reference",
        "articles.view_category", "authors.view_author", "authors.change_author",
        "taggit.add_tag", "taggit.view_tag",
    ],
    REVIEWER: [
        "articles.review_article",
        "articles.view_article", "articles.view_section", "articles.view_reference",
        "articles.view_category", "authors.view_author", "authors.change_author", "taggit.view_tag",
    ],
    EDITOR: [
        *[f"articles.{action}_{model}" for model in ("article", "section", "reference", "category")
          for action in ("add", "change", "delete", "view")],
        "articles.publish_article",
        "articles.view_articledailyviews",
        "articles.view_publishedversion",
        "articles.view_articletransition",
        "articles.view_contactmessage", "articles.change_contactmessage",
        "articles.view_articlefeedback", "articles.delete_articlefeedback",
        *[f"authors.{action}_author" for action in ("add", "change", "delete", "view")],
        *[f"flatpages.{action}_flatpage" for action in ("add", "change", "delete", "view")],
        *[f"taggit.{action}_tag" for action in ("add", "change", "delete", "view")],
    ],
}


def _model_in_state(apps, app_label: str, codename: str) -> bool:
    """Whether the model a permission is about exists in this (historical) app registry."""
    try:
        apps.get_model(app_label, codename.split("_", 1)[1])
    except LookupError:
        return False
    return True


def sync_groups(apps=None) -> None:
    """Create or update the groups with exactly the permissions listed above."""
    from django.apps import apps as global_apps
    from django.contrib.auth.management import create_permissions

    apps = apps or global_apps
    for app_config in global_apps.get_app_configs():
        create_permissions(app_config, verbosity=0, apps=apps)
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, codenames in GROUP_PERMISSIONS.items():
        group, _ = Group.objects.get_or_create(name=name)
        perms = []
        for dotted in codenames:
            app_label, codename = dotted.split(".")
            if apps is not global_apps and not _model_in_state(apps, app_label, codename):
                continue  # added by a later migration, which syncs the groups again
            perms.append(Permission.objects.get(content_type__app_label=app_label, codename=codename))
        group.permissions.set(perms)
