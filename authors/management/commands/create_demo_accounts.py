"""Create (or reset) one login per editorial role for the demo site and print them."""

import os
import secrets

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from articles.workflow import roles
from authors.models import Author

# username, group, author slug to link (None: not a writer), superuser
ACCOUNTS = [
    ("admin", roles.EDITOR, None, True),
    ("editor", roles.EDITOR, None, False),
    ("author", roles.AUTHOR, "dr-hannah-okafor", False),
    ("reviewer", roles.REVIEWER, "dr-meera-iyer", False),
]
DEV_PASSWORD = "bonespine-demo-{username}"


class Command(BaseCommand):
    help = "Create demo accounts for the editor, author and reviewer roles and print how to log in."

    def add_arguments(self, parser):
        parser.add_argument(
            "--random-passwords",
            action="store_true",
            help="Generate random passwords (required when DEBUG is off).",
        )

    @transaction.atomic
    def handle(self, *args, random_passwords=False, **options):
        if not settings.DEBUG and not random_passwords:
            raise CommandError("DEBUG is off: refusing fixed demo passwords. Use --random-passwords.")
        roles.sync_groups()
        User = get_user_model()
        lines = []
        for username, group_name, author_slug, is_superuser in ACCOUNTS:
            password = secrets.token_urlsafe(12) if random_passwords else DEV_PASSWORD.format(username=username)
            user, _ = User.objects.get_or_create(username=username, defaults={"email": f"{username}@bonespine.example"})
            user.is_staff = True
            user.is_superuser = is_superuser
            user.set_password(password)
            user.save()
            user.groups.set([Group.objects.get(name=group_name)])
            if author_slug:
                Author.objects.filter(user=user).exclude(slug=author_slug).update(user=None)
                Author.objects.filter(slug=author_slug).update(user=user)
            role = "Superuser" if is_superuser else group_name
            lines.append(f"  {role:<17} user: {username:<9} password: {password}")
        port = os.environ.get("PORT", "8000")
        self.stdout.write("\nDemo accounts (log in at http://127.0.0.1:%s/admin/):\n%s\n" % (port, "\n".join(lines)))
