"""Regions, the English local authorities, and postcode district and sector
centroids, from homes/data/ (provenance and licences in PROVENANCE.md)."""

import csv
from pathlib import Path

from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations

DATA = Path(__file__).resolve().parent.parent / "data"


def load(apps, schema_editor):
    Region = apps.get_model("homes", "Region")
    LocalAuthority = apps.get_model("homes", "LocalAuthority")
    PostcodeArea = apps.get_model("homes", "PostcodeArea")

    with open(DATA / "english_local_authorities.csv", encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    regions = {}
    for row in rows:
        if row["region_code"] not in regions:
            regions[row["region_code"]] = Region.objects.create(code=row["region_code"], name=row["region"])

    def build(row):
        alt = [name for name in row["alt_names"].split("|") if name]
        alt += [code for code in row["former_gss_codes"].split("|") if code]
        return LocalAuthority(
            gss_code=row["gss_code"],
            name=row["name"],
            official_name=row["official_name"],
            kind=row["kind"],
            is_social_care_authority=row["is_social_care_authority"] == "Y",
            region=regions[row["region_code"]],
            alt_names=alt,
            latitude=float(row["lat"]) if row["lat"] else None,
            longitude=float(row["lng"]) if row["lng"] else None,
        )

    upper = LocalAuthority.objects.bulk_create([build(r) for r in rows if r["tier"] == "upper"])
    by_code = {la.gss_code: la for la in upper}
    districts = []
    for row in rows:
        if row["tier"] != "upper":
            la = build(row)
            la.upper_tier = by_code.get(row["upper_tier_gss_code"])
            districts.append(la)
    LocalAuthority.objects.bulk_create(districts)

    areas = []
    for filename, column, is_sector in [("postcode_districts.csv", "outcode", False), ("postcode_sectors.csv", "sector", True)]:
        with open(DATA / filename, encoding="utf-8", newline="") as f:
            for row in csv.DictReader(f):
                council = by_code.get(row["utla_code"])
                areas.append(
                    PostcodeArea(
                        code=row[column],
                        is_sector=is_sector,
                        latitude=float(row["lat"]),
                        longitude=float(row["lng"]),
                        local_authority=council,
                    )
                )
    PostcodeArea.objects.bulk_create(areas, batch_size=2000)


def unload(apps, schema_editor):
    apps.get_model("homes", "PostcodeArea").objects.all().delete()
    apps.get_model("homes", "LocalAuthority").objects.filter(upper_tier__isnull=False).delete()
    apps.get_model("homes", "LocalAuthority").objects.all().delete()
    apps.get_model("homes", "Region").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("homes", "0002_initial")]

    operations = [
        TrigramExtension(),
        migrations.RunPython(load, unload),
    ]
