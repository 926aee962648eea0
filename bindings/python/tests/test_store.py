"""Opening stores by URL, as the Rust library's `candidats::open` does, and
finding the same records after reopening a file store."""

from __future__ import annotations

import pytest

import candidats


def test_memory_stores_start_empty():
    campaign = candidats.open("memory:")

    assert campaign.store == "memory"
    assert len(campaign.elections()) == 0
    assert len(candidats.open("memory:").participants()) == 0


@pytest.mark.parametrize("name", ["campaign.db", "campaign.sqlite", "campaign.SQLITE3"])
def test_a_bare_database_path_opens_sqlite(tmp_path, name):
    path = tmp_path / name

    campaign = candidats.open(str(path))

    assert campaign.store.startswith("sqlite:")
    assert path.exists()


@pytest.mark.parametrize(
    "url",
    [
        lambda tmp: f"sqlite:{tmp / 'campaign.db'}",
        lambda tmp: str(tmp / "campaign.db"),
        lambda tmp: f"csv:{tmp / 'campaign'}",
    ],
    ids=["sqlite:PATH", "PATH.db", "csv:DIR"],
)
def test_file_stores_keep_everything_when_reopened(tmp_path, regional_file, clock, url):
    first = candidats.open(url(tmp_path), clock=clock)
    [summary] = first.import_files(regional_file)
    alice = first.register_moderator("Alice")
    first.record_action(alice.id, "email", "sent", candidacy=1)
    report = first.report()
    del first

    again = candidats.open(url(tmp_path), clock=clock)

    assert again.participants()[0] == alice
    assert len(again.candidacies()) == summary.candidacies == 15
    assert again.report().to_json() == report.to_json()


def test_sqlite_in_memory():
    campaign = candidats.open("sqlite::memory:")

    assert campaign.store == "sqlite::memory:"
    assert campaign.register("Bob").id == 1


def test_empty_locations_are_refused():
    with pytest.raises(candidats.InvalidInputError, match="sqlite:"):
        candidats.open("sqlite:")
    with pytest.raises(candidats.InvalidInputError, match="csv:"):
        candidats.open("csv:")


def test_unknown_schemes_name_the_accepted_ones():
    with pytest.raises(candidats.UnsupportedError) as raised:
        candidats.open("ftp://example.org/campaign")

    assert "sqlite:PATH" in str(raised.value) and "memory:" in str(raised.value)


def test_a_folder_is_not_a_database(tmp_path):
    folder = tmp_path / "campaign.db"
    folder.mkdir()

    with pytest.raises(candidats.BackendError, match="cannot open") as raised:
        candidats.open(str(folder))

    assert "unable to open database file" in str(raised.value.__cause__)


def test_every_store_gives_the_same_records(tmp_path, regional_file, clock):
    urls = ["memory:", f"sqlite:{tmp_path / 'a.db'}", f"csv:{tmp_path / 'a'}"]
    results = []
    for url in urls:
        campaign = candidats.open(url, clock=clock)
        campaign.import_files(regional_file)
        bob = campaign.register("Bob")
        campaign.record_action(bob.id, "web_form", "no_answer", candidacy=3)
        results.append(
            (
                campaign.candidacies().to_columns(),
                campaign.candidate_lists(1).to_columns(),
                campaign.persons().to_columns(),
                campaign.contact_actions().to_columns(),
                campaign.report(roles="head_of_section").to_json(),
            )
        )

    assert results[1] == results[0]
    assert results[2] == results[0]
