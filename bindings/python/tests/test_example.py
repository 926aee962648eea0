"""The example script a campaign analyst would write, run on a store."""

from __future__ import annotations

import pathlib
import subprocess
import sys

import candidats

EXAMPLE = pathlib.Path(__file__).resolve().parents[3] / "examples" / "coverage.py"


def run(*arguments: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, str(EXAMPLE), *arguments], capture_output=True, text=True, check=False, timeout=120
    )


def test_coverage_on_a_store_with_some_work(tmp_path, regional_file):
    store = tmp_path / "campaign.db"
    campaign = candidats.open(str(store))
    campaign.import_files(regional_file)
    alice = campaign.register_moderator("Alice")
    heads = campaign.candidacies(roles="head_of_section")
    campaign.record_action(alice.id, "email", "sent", candidacy=heads[0].id)
    campaign.add_contact_detail(alice.id, "email", "a@example.org", source="site", person=heads[1].person)
    del campaign

    result = run(str(store))

    assert result.returncode == 0, result.stderr
    output = result.stdout
    assert "Régionales 2021: 15 candidacies" in output
    assert "Coverage by region" in output and "Bretagne" in output and "Corse" in output
    assert "head_of_section" in output
    assert "Heads of section still to contact: 4" in output
    assert "known" in output and "to find" in output


def test_coverage_imports_first_when_asked(regional_file):
    result = run("memory:", "--import", str(regional_file), "--limit", "2")

    assert result.returncode == 0, result.stderr
    assert "imported 15 candidacies (0 lines rejected)" in result.stdout
    assert "Heads of section still to contact: 5 (first 2)" in result.stdout


def test_coverage_says_when_there_is_no_election():
    result = run("memory:")

    assert result.returncode == 1
    assert "no such election" in result.stderr
