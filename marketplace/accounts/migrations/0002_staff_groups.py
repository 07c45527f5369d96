"""Create the staff groups (moderators, support, finance, logistics) with their permissions."""

from django.db import migrations


def create_groups(apps, schema_editor):
    from django.apps import apps as global_apps

    from marketplace.accounts.roles import sync_staff_groups

    # Permissions are normally created after all migrations; make them exist now so the groups
    # receive them on the first migrate too.
    from django.contrib.auth.management import create_permissions

    for config in global_apps.get_app_configs():
        create_permissions(config, verbosity=0, apps=global_apps)
    sync_staff_groups(apps=apps)


def remove_groups(apps, schema_editor):
    from marketplace.accounts.roles import STAFF_GROUP_PERMISSIONS

    apps.get_model("auth", "Group").objects.filter(name__in=STAFF_GROUP_PERMISSIONS).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_groups, remove_groups)]
