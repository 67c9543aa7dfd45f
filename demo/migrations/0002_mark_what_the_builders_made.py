"""Mark what the demo and dataset builders made before they marked it themselves.

Until this migration, build_dataset recognised its rows by a CQC ID prefix
("1-5") that real CQC IDs share, and seed_demo its homes by IDs a real home
could have. Every row they made is marked here by what only they wrote (the
dataset's names and emails, the demo's exact homes and accounts), so that
from now on the builders delete and change only what is marked
(docs/adr/010-synthetic-data.md). Nothing real is marked: a provider with
any real home, and every snapshot when a real home exists, stay unmarked.
"""

import re

from django.db import migrations

DATASET_HOME = re.compile(r"^Dataset (Care|Nursing) Home \d+$")
DATASET_PROVIDER = re.compile(r"^Dataset (Care Group|Single Home Owner) \d+$")
DATASET_EMAIL = "@dataset.example"
OLD_DEMO_HOMES = {
    "1-900000101": "Headingley Park Care Home",
    "1-900000102": "Roundhay Lodge",
    "1-900000103": "Alwoodley Grange Nursing Home",
    "1-900000201": "Armley Heights",
    "1-900000202": "Lawnswood House",
    "1-900000301": "Heaton Grove Care Home",
}
OLD_DEMO_PROVIDERS = {
    "1-900000001": "Aire Valley Care Ltd",
    "1-900000002": "Rosewood Homes",
    "1-900000003": "Moorside Care Partnership",
}
DEMO_ACCOUNTS = [
    "admin@example.org", "council@example.org", "coordinator@example.org", "provider@example.org",
    "manager@example.org",
]  # fmt: skip


def mark(apps, schema_editor):
    CareHome = apps.get_model("homes", "CareHome")
    Provider = apps.get_model("homes", "Provider")
    User = apps.get_model("accounts", "User")
    CapacitySnapshot = apps.get_model("vacancies", "CapacitySnapshot")
    FreshnessSnapshot = apps.get_model("vacancies", "FreshnessSnapshot")
    DatasetBuild = apps.get_model("demo", "DatasetBuild")

    dataset = [home for home in CareHome.objects.filter(email__endswith=DATASET_EMAIL) if DATASET_HOME.match(home.name)]
    for home in dataset:
        if not home.cqc_location_id.startswith("1-99"):
            # The dataset's new numbering (1-99 then ten digits) is one no CQC ID has.
            home.cqc_location_id = "1-99" + home.cqc_location_id.removeprefix("1-5").zfill(10)
        home.is_synthetic = True
    CareHome.objects.bulk_update(dataset, ["cqc_location_id", "is_synthetic"], batch_size=2000)
    demo = []
    for old_id, name in OLD_DEMO_HOMES.items():
        home = CareHome.objects.filter(cqc_location_id=old_id, name=name).first()
        if home is not None:
            home.cqc_location_id, home.is_synthetic = "1-998000000" + old_id[-3:], True
            demo.append(home)
    CareHome.objects.bulk_update(demo, ["cqc_location_id", "is_synthetic"])

    def only_synthetic_homes(provider) -> bool:
        return not CareHome.objects.filter(provider=provider, is_synthetic=False).exists()

    for provider in Provider.objects.filter(name__startswith="Dataset "):
        if DATASET_PROVIDER.match(provider.name) and only_synthetic_homes(provider):
            provider.cqc_provider_id, provider.is_synthetic = None, True
            provider.save(update_fields=["cqc_provider_id", "is_synthetic"])
    for old_id, name in OLD_DEMO_PROVIDERS.items():
        provider = Provider.objects.filter(cqc_provider_id=old_id, name=name).first()
        if provider is not None and only_synthetic_homes(provider):
            provider.cqc_provider_id, provider.is_synthetic = None, True
            provider.save(update_fields=["cqc_provider_id", "is_synthetic"])
    marker = Provider.objects.filter(cqc_provider_id="1-500000000", name__startswith="Dataset marker ").first()
    if marker is not None and not CareHome.objects.filter(provider=marker).exists():
        scale, _, seed = marker.name.removeprefix("Dataset marker ").partition(":")
        if seed.isdigit():
            DatasetBuild.objects.create(scale=scale, seed=int(seed), homes=len(dataset))
        marker.delete()

    User.objects.filter(email__endswith=DATASET_EMAIL).update(is_synthetic=True)
    User.objects.filter(email__in=DEMO_ACCOUNTS).update(is_synthetic=True)
    if not CareHome.objects.filter(is_synthetic=False).exists():
        # Every home is synthetic: so is every snapshot of their councils.
        CapacitySnapshot.objects.update(is_synthetic=True)
        FreshnessSnapshot.objects.update(is_synthetic=True)


class Migration(migrations.Migration):
    dependencies = [
        ("demo", "0001_initial"),
        ("homes", "0006_importcolumnmapping_and_more"),
        ("accounts", "0006_user_is_synthetic"),
        ("vacancies", "0005_capacitysnapshot_is_synthetic_and_more"),
    ]

    operations = [migrations.RunPython(mark, migrations.RunPython.noop)]
