"""Fixtures shared by the tests: campaigns on a fresh store, and small
candidate files in the official layouts, written for the tests."""

from __future__ import annotations

import datetime
import pathlib
from dataclasses import dataclass

import pytest

import candidats

UTC = datetime.timezone.utc
START = datetime.datetime(2021, 6, 1, 9, 0, tzinfo=UTC)

# The official files, beside the repository: `../shared/data` from its root.
SHARED_DATA = pathlib.Path(__file__).resolve().parents[4] / "shared" / "data"

REGIONAL_HEADER = (
    ",region_code,region_name,geo_code,geo_name,board_number,list_code,list_name,"
    "political_color,lead,position,gender,surname,name,birth_surname,birth_name,"
    "birthday,occupation,age"
)


def regional_rows():
    """A régionales 2021 file in the cleaned layout: Bretagne with two lists
    of two sections (the head of the second list stands second in their
    section), and Corse with one list and a single section."""
    lists = [
        # region code, name, panel, label, nuance, sections [(code, name)]
        ("53", "Bretagne", 1, "Bretagne en commun", "LUG", [("22", "Côtes-d'Armor"), ("29", "Finistère")]),
        ("53", "Bretagne", 2, "L'Appel Inédit", "LDVC", [("22", "Côtes-d'Armor"), ("29", "Finistère")]),
        ("94", "Corse", 1, "Corsica libera", "LREG", [("", "")]),
    ]
    surnames = ["LE GALL", "D'ALMEIDA", "MAÎTRE", "KERMARREC", "SANTONI", "ALBERTINI"]
    rows = []
    index = 0
    for region_code, region, panel, label, nuance, sections in lists:
        for section_number, (code, name) in enumerate(sections):
            for order in (1, 2, 3):
                head = (panel == 1 and section_number == 0 and order == 1) or (
                    panel == 2 and section_number == 1 and order == 2
                )
                surname = surnames[(index * 7) % len(surnames)]
                first = f"Prénom{index}"
                sex = "F" if index % 2 == 0 else "M"
                birthday = f"19{50 + index % 40}-0{1 + index % 9}-1{index % 10}"
                rows.append(
                    f"{index},{region_code},{region},{code},{name},{panel},{panel},\"{label}\","
                    f"{nuance},{'Oui' if head else 'Non'},{order},{sex},{surname},{first},"
                    f"{surname},{first},{birthday},Profession,50.0"
                )
                index += 1
    return rows


REGIONAL_ROWS = regional_rows()

LEGISLATIVES = (
    "Code département;Département;Code circonscription;Libellé circonscription;"
    "Numéro de panneau;N° dépôt;Sexe du candidat;Nom du candidat;Prénom du candidat;"
    "Date de naissance du candidat;Code nuance;Profession;Sortant;Sexe remplaçant;"
    "Nom remplaçant;Prénom remplaçant;Date de naissance remplaçant;Sortant remplaçant\r\n"
    "1;Ain;101;1ère circonscription;1;2;M;LAHY;Éric;24/02/1966;EXG;Professeur;;M;DUPONT;Jean;06/07/1960;\r\n"
    "1;Ain;101;1ère circonscription;2;5;F;D'ALMEIDA;Marie;01/03/1970;DVG;Médecin;OUI;F;LE GALL;Anne;02/04/1980;\r\n"
    "1;Ain;102;2e circonscription;1;7;M;MAÎTRE;Paul;05/05/1975;RN;Artisan;;M;MARTIN;Luc;06/06/1966;\r\n"
)


@pytest.fixture
def clock() -> candidats.ManualClock:
    """A clock standing at 1 June 2021, 09:00 UTC."""
    return candidats.ManualClock(START)


@pytest.fixture
def campaign(clock) -> candidats.Campaign:
    """A campaign on a fresh in-memory store, on the manual clock."""
    return candidats.open("memory:", clock=clock)


@pytest.fixture
def regional_file(tmp_path) -> pathlib.Path:
    path = tmp_path / "regionales-2021-t1.csv"
    path.write_text(REGIONAL_HEADER + "\n" + "\n".join(REGIONAL_ROWS) + "\n", encoding="utf-8")
    return path


@pytest.fixture
def legislatives_file(tmp_path) -> pathlib.Path:
    path = tmp_path / "legislatives-2024-t1.csv"
    path.write_bytes(LEGISLATIVES.encode("utf-8"))
    return path


@dataclass
class Seeded:
    """A campaign with the regional file imported, a moderator and a volunteer."""

    campaign: candidats.Campaign
    clock: candidats.ManualClock
    election: int
    moderator: int
    volunteer: int


@pytest.fixture
def seeded(campaign, clock, regional_file) -> Seeded:
    [summary] = campaign.import_files(regional_file)
    alice = campaign.register_moderator("Alice", "alice@example.org")
    bob = campaign.register("Bob")
    assert summary.election is not None
    return Seeded(campaign, clock, summary.election, alice.id, bob.id)
