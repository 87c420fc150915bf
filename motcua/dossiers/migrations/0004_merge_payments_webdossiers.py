# Joins two branches of the dossiers schema developed in parallel (payments' gateway
# fields, the web pages' import uploads and search key). Neither depends on the other.
from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("dossiers", "0002_payments_gateway_fields"),
        ("dossiers", "0003_webdossiers_applicant_key"),
    ]

    operations: list[migrations.operations.base.Operation] = []
