"""Importing official files from Python, through the library's readers."""

from __future__ import annotations

import csv
import datetime
import pathlib

import pytest

import candidats
from conftest import REGIONAL_HEADER, REGIONAL_ROWS, SHARED_DATA


def test_layouts_are_listed():
    assert {"legislatives-2024", "regionales-2021"} <= set(candidats.layouts())


def test_a_regional_file_is_recognised_and_imported(campaign, regional_file):
    [summary] = campaign.import_files(regional_file)

    assert isinstance(summary, candidats.ImportSummary)
    assert (summary.rows, summary.candidacies, summary.persons) == (15, 15, 15)
    assert (summary.lists, summary.sections, summary.heads_of_list, summary.heads_of_section) == (3, 5, 3, 5)
    assert summary.created == 15 and summary.rejected == 0
    assert campaign.election(summary.election).name == "Régionales 2021"


def test_importing_again_changes_nothing(campaign, regional_file):
    campaign.import_files(regional_file)

    [again] = campaign.import_files(str(regional_file))

    assert (again.created, again.updated, again.withdrawn, again.unchanged) == (0, 0, 0, 15)


def test_a_corrected_file_withdraws_who_left(campaign, regional_file, tmp_path):
    campaign.import_files(regional_file)
    corrected = tmp_path / "corrected.csv"
    corrected.write_text(REGIONAL_HEADER + "\n" + "\n".join(REGIONAL_ROWS[:-1]) + "\n", encoding="utf-8")

    [summary] = campaign.import_files(corrected)

    assert summary.withdrawn == 1
    assert len(campaign.candidacies()) == 14
    assert len(campaign.candidacies(include_withdrawn=True)) == 15


def test_several_files_give_one_summary_each(campaign, regional_file, legislatives_file):
    summaries = campaign.import_files([regional_file, legislatives_file])

    assert [s.candidacies for s in summaries] == [15, 3]
    assert [s.substitutes for s in summaries] == [0, 3]
    assert summaries.to_columns()["election"] == [1, 2]
    assert [e.name for e in campaign.elections()] == ["Régionales 2021", "Législatives 2024"]


def test_options_name_the_election_round_and_layout(campaign, legislatives_file):
    [summary] = campaign.import_files(
        legislatives_file,
        round=2,
        election="Législatives anticipées",
        layout="legislatives-2024",
        encoding="utf-8",
        round_date=datetime.date(2024, 7, 7),
        person_match="never",
    )

    election = campaign.election(summary.election)
    assert election.name == "Législatives anticipées"
    assert [(r.number, r.date) for r in election.rounds][-1] == (2, datetime.date(2024, 7, 7))
    assert summary.round == 2
    substitutes = campaign.candidacies(roles="substitute")
    assert len(substitutes) == 3 and substitutes[0].substitute_of is not None


def test_a_layout_file_can_be_given(campaign, tmp_path):
    layout = tmp_path / "mine.layout"
    builtin = pathlib.Path(__file__).resolve().parents[3] / "adapters" / "import" / "layouts" / "regionales-2021.layout"
    layout.write_text(
        builtin.read_text(encoding="utf-8").replace("name = regionales-2021", "name = mine"),
        encoding="utf-8",
    )
    path = tmp_path / "renamed.csv"
    path.write_text(REGIONAL_HEADER + "\n" + "\n".join(REGIONAL_ROWS) + "\n", encoding="utf-8")

    [summary] = campaign.import_files(path, layout=layout, election="Régionales (ma copie)")

    assert summary.candidacies == 15


def test_bad_lines_refuse_the_whole_file_by_default(campaign, tmp_path):
    rows = list(REGIONAL_ROWS)
    rows[7] = rows[7].replace(",M,", ",X,", 1)
    path = tmp_path / "bad.csv"
    path.write_text(REGIONAL_HEADER + "\n" + "\n".join(rows) + "\n", encoding="utf-8")

    with pytest.raises(candidats.InvalidInputError) as raised:
        campaign.import_files(path)

    assert raised.value.line == 9 and raised.value.field == "gender"
    assert len(campaign.candidacies()) == 0


def test_skipped_lines_are_counted_and_written_to_rejects(campaign, tmp_path):
    rows = list(REGIONAL_ROWS)
    rows[7] = rows[7].replace(",M,", ",X,", 1)
    path = tmp_path / "bad.csv"
    path.write_text(REGIONAL_HEADER + "\n" + "\n".join(rows) + "\n", encoding="utf-8")
    rejects = tmp_path / "rejects.csv"

    [summary] = campaign.import_files(path, skip_invalid=True, rejects=rejects)

    assert summary.rejected == 1 and summary.candidacies == 14
    with rejects.open(encoding="utf-8", newline="") as file:
        lines = list(csv.DictReader(file))
    assert len(lines) == 1
    assert lines[0]["line"] == "9" and lines[0]["field"] == "gender"


def test_unknown_option_values_are_refused(campaign, regional_file):
    with pytest.raises(candidats.InvalidInputError, match="person match"):
        campaign.import_files(regional_file, person_match="guess")
    with pytest.raises(candidats.InvalidInputError, match="encoding"):
        campaign.import_files(regional_file, encoding="ebcdic")
    with pytest.raises(FileNotFoundError):
        campaign.import_files(regional_file, layout="no-such-layout")


@pytest.fixture
def shared_data():
    if not SHARED_DATA.is_dir():
        print("skipping: ../shared/data not found")
        pytest.skip("skipping: ../shared/data not found")
    return SHARED_DATA


def test_the_real_legislatives_2024_file(shared_data):
    campaign = candidats.open("memory:")
    path = shared_data / "legislatives-2024-candidatures-france-entiere-tour-1-2024-06-28.csv"

    [summary] = campaign.import_files(path)

    assert summary.candidacies == 4009
    assert summary.constituencies == 577
    report = campaign.report(roles="single_seat")
    assert report.candidacies == 4009 and report.without_contact_detail == 4009


def test_the_real_regionales_2021_file(shared_data, tmp_path):
    campaign = candidats.open(f"sqlite:{tmp_path / 'campaign.db'}")
    path = shared_data / "regionales-2021-t1-candidats-derived.csv"

    [summary] = campaign.import_files(path)

    # One person (same names, same date of birth) stands on two lists.
    assert (summary.rows, summary.candidacies, summary.persons) == (19084, 19084, 19083)
    assert (summary.lists, summary.sections, summary.rejected) == (155, 934, 0)
    report = campaign.report()
    assert (report.heads_of_list.total, report.heads_of_section.total) == (155, 934)
    assert len(report.by_constituency) == 17
