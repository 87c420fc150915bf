"""Creates the five role groups (names as in motcua.accounts.roles.GROUP_NAMES)."""

from django.db import migrations

# Frozen copy: a migration must not change when the code's constants do.
GROUPS = [
    "Quản trị",
    "Giám sát cấp tỉnh",
    "Lãnh đạo đơn vị",
    "Cán bộ một cửa",
    "Chuyên viên xử lý",
]


def create_groups(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    for name in GROUPS:
        Group.objects.get_or_create(name=name)


def remove_groups(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Group.objects.filter(name__in=GROUPS).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [migrations.RunPython(create_groups, remove_groups)]
