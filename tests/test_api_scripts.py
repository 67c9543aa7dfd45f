"""The scripts in docs/api.md, run as written against a live server (issue 14's "done when"):
a provider's system posts its 3 homes' figures; a partner keeps an exact copy of a council's
homes through the changes feed."""

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.utils import timezone

from accounts.models import Role
from api import keys
from api.models import WRITE_KEY_LIFETIME, ApiKey
from registers.choices import HomeStatus
from tests.factories import CareHomeFactory, MembershipFactory, ProviderFactory
from tests.vacancy_helpers import give_figures
from vacancies.holds import hold_bed
from vacancies.models import CategoryVacancy, VacancyUpdate

pytestmark = pytest.mark.django_db(transaction=True)

DOC = (Path(__file__).resolve().parent.parent / "docs" / "api.md").read_text()


def block(language: str, first_line: str = "") -> str:
    for found in re.findall(rf"```{language}\n(.*?)```", DOC, flags=re.DOTALL):
        if found.startswith(first_line):
            return found
    raise AssertionError(f"no {language} block starting {first_line!r} in docs/api.md")


def run(tmp_path, script: str, key: str, live_server, *args, **env) -> subprocess.CompletedProcess:
    path = tmp_path / "script.py"
    path.write_text(script)
    environment = {"CCT_BASE_URL": f"{live_server.url}/api/v1", "CCT_API_KEY": key, "PATH": "/usr/bin:/bin", **env}
    done = subprocess.run([sys.executable, str(path), *args], capture_output=True, text=True, timeout=120,
                          env=environment, cwd=tmp_path)  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr
    return done


def test_the_providers_script_posts_its_three_homes(tmp_path, live_server, provider_admin, leeds):
    group = ProviderFactory(name="Aire Valley Care Ltd")
    admin = MembershipFactory(role=Role.PROVIDER_ADMIN, provider=group, user=provider_admin).user
    ids = ["1-998000000101", "1-998000000102", "1-998000000103"]
    homes = [CareHomeFactory(cqc_location_id=cqc_id, provider=group, local_authority=leeds) for cqc_id in ids]
    give_figures(homes[0], nursing={"capacity": 30, "vacant_accepting": 5})  # the others have none yet
    _, key = keys.make(name="Aire Valley system", kind=ApiKey.Kind.PROVIDER, user=admin, provider=group,
                       expires_at=timezone.now() + WRITE_KEY_LIFETIME)  # fmt: skip
    (tmp_path / "figures.csv").write_text(block("csv", "cqc_location_id"))
    done = run(tmp_path, block("python", "# provider.py"), key, live_server, "figures.csv")
    assert done.stdout.count("version") == 3
    rows = {(row.home.cqc_location_id, row.category): row for row in CategoryVacancy.objects.select_related("home")}
    assert len(rows) == 7
    nursing = rows[("1-998000000101", "nursing")]
    assert (nursing.capacity, nursing.occupied, nursing.vacant_accepting, nursing.vacant_unavailable) == (30, 27, 2, 1)
    assert rows[("1-998000000103", "d2a")].vacant_accepting == 1
    updates = VacancyUpdate.objects.filter(kind=VacancyUpdate.Kind.UPDATE).exclude(via="")
    assert {update.home_id for update in updates} == {home.pk for home in homes}


def listing(client, key) -> dict:
    homes, cursor = {}, None
    while True:
        page = client.get("/api/v1/homes", {"cursor": cursor} if cursor else {},
                          HTTP_AUTHORIZATION=f"Bearer {key}").json()  # fmt: skip
        homes.update({str(home["id"]): home for home in page["homes"]})
        if (cursor := page["next"]) is None:
            return homes


def test_the_partners_script_keeps_an_exact_copy(tmp_path, live_server, client, council_admin, leeds, bradford,
                                                 coordinator, settings):  # fmt: skip
    settings.API_REQUESTS_PER_MINUTE = 1000
    _, key = keys.make(name="Leeds ICB copy", kind=ApiKey.Kind.COUNCIL, user=council_admin, local_authority=leeds)
    homes = [CareHomeFactory(local_authority=leeds) for _ in range(4)]
    for home in homes:
        give_figures(home, nursing={"capacity": 20, "vacant_accepting": 2})
    CareHomeFactory(local_authority=bradford)
    script = block("python", "# partner_copy.py")
    run(tmp_path, script, key, live_server, "--once", CCT_COPY="homes.json")
    assert json.loads((tmp_path / "homes.json").read_text())["homes"] == listing(client, key)

    # A day's changes: figures, a closure, a held bed, a home archived, a home added, a home
    # moved to another council (as a reorganisation of councils moves them).
    give_figures(homes[0], version=1, nursing={"capacity": 20, "vacant_accepting": 0})
    hold_bed(homes[1], "nursing", hours=8, user=coordinator, held_for="Leeds hub")
    homes[2].status, homes[2].archived_reason = HomeStatus.ARCHIVED, "Deregistered"
    homes[2].save()
    added = CareHomeFactory(local_authority=leeds)
    CareHomeFactory(local_authority=bradford)
    homes[3].local_authority = bradford
    homes[3].save()
    done = run(tmp_path, script, key, live_server, "--once", CCT_COPY="homes.json")
    copy = json.loads((tmp_path / "homes.json").read_text())["homes"]
    assert copy == listing(client, key)
    assert str(added.pk) in copy
    assert str(homes[2].pk) not in copy
    assert str(homes[3].pk) not in copy
    assert copy[str(homes[1].pk)]["vacancies"][0]["held"] == 1
    assert "3 homes" in done.stdout
