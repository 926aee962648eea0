"""The progress report from Python: its figures, its breakdowns, and the
same report as the Rust library serialises it."""

from __future__ import annotations

import datetime
import json
import os
import pathlib
import subprocess

import pytest

import candidats

UTC = datetime.timezone.utc


def iso(instant: datetime.datetime | None) -> str | None:
    """An instant as serde writes a chrono DateTime<Utc>."""
    if instant is None:
        return None
    assert instant.utcoffset() == datetime.timedelta(0)
    text = instant.replace(tzinfo=None).isoformat()
    return text + "Z"


def figures(role: candidats.RoleFigures) -> dict:
    return {
        "total": role.total,
        "contacted": role.contacted,
        "signatories": role.signatories,
        "contacted_percent": role.contacted_percent,
        "signatories_percent_of_contacted": role.signatories_percent_of_contacted,
    }


def breakdown(line: candidats.Breakdown) -> dict:
    key = line.code if line.kind == "nuance" else line.id
    return {
        "key": {"kind": line.kind, "key": key},
        "name": line.name,
        "code": line.code,
        "tally": {
            "candidacies": line.candidacies,
            "contacted": line.contacted,
            "contact_actions": line.contact_actions,
            "signatories": line.signatories,
            "declined": line.declined,
            "to_follow_up": line.to_follow_up,
            "without_contact_detail": line.without_contact_detail,
            "heads_of_section_to_contact": line.heads_of_section_to_contact,
            "roles": {
                name: {"total": f.total, "contacted": f.contacted, "signatories": f.signatories}
                for name, f in line.roles.items()
            },
        },
        "contacted_percent": line.contacted_percent,
    }


def scope_dict(scope: candidats.Scope) -> dict:
    return {
        "election": scope.election,
        "round": scope.round,
        "constituency": scope.constituency,
        "list": scope.list,
        "nuance": scope.nuance,
        "roles": scope.roles,
        "from": iso(scope.since),
        "until": iso(scope.until),
        "pledge": scope.pledge,
        "include_substitutes": scope.include_substitutes,
        "include_withdrawn": scope.include_withdrawn,
    }


def from_attributes(report: candidats.ProgressReport) -> dict:
    """The report rebuilt from the Python objects' attributes alone, in the
    shape the Rust library serialises it."""
    return {
        "scope": scope_dict(report.scope),
        "generated_at": iso(report.generated_at),
        "candidacies": report.candidacies,
        "signatories": report.signatories,
        "contacted": report.contacted,
        "contacted_percent": report.contacted_percent,
        "contact_actions": report.contact_actions,
        "declined": report.declined,
        "heads_of_list": figures(report.heads_of_list),
        "heads_of_section": figures(report.heads_of_section),
        "members": figures(report.members),
        "roles": {name: figures(f) for name, f in report.roles.items()},
        "heads_of_section_to_contact": report.heads_of_section_to_contact,
        "to_follow_up": report.to_follow_up,
        "without_contact_detail": report.without_contact_detail,
        "by_constituency": [breakdown(line) for line in report.by_constituency],
        "by_list": [breakdown(line) for line in report.by_list],
        "by_nuance": [breakdown(line) for line in report.by_nuance],
        "daily": [
            {
                "day": day.day.isoformat(),
                "contact_actions": day.contact_actions,
                "contacted": day.contacted,
                "signatures": day.signatures,
            }
            for day in report.daily
        ],
        "participants": [
            {
                "participant": p.participant,
                "name": p.name,
                "contact_actions": p.contact_actions,
                "candidacies": p.candidacies,
                "contacts_per_hour": p.contacts_per_hour,
            }
            for p in report.participants
        ],
    }


@pytest.fixture
def busy(seeded):
    """The seeded campaign after two days of work: contacts, a detail, a
    bounce, a signature and a refusal."""
    campaign, clock = seeded.campaign, seeded.clock
    pledge = campaign.create_pledge(seeded.moderator, "Pacte du Logiciel Libre", "Je m'engage")
    heads = campaign.candidacies(roles="head_of_section")
    for head in heads[:3]:
        campaign.record_action(seeded.volunteer, "email", "sent", candidacy=head.id)
    clock.advance(datetime.timedelta(days=1))
    campaign.record_action(seeded.moderator, "phone", "answered", candidacy=heads[0].id)
    campaign.record_action(seeded.moderator, "web_form", "sent", candidacy=14)
    campaign.add_contact_detail(
        seeded.moderator, "email", "tete@example.org", source="site", person=heads[0].person
    )
    bounced = campaign.add_contact_detail(
        seeded.moderator, "email", "old@example.org", source="2015", person=heads[1].person
    )
    campaign.set_detail_status(seeded.moderator, bounced.id, "bounced")
    campaign.record_answer(
        seeded.moderator, pledge.id, "signed", datetime.date(2021, 6, 2), person=heads[0].person, evidence="courriel"
    )
    campaign.record_answer(seeded.moderator, pledge.id, "declined", datetime.date(2021, 6, 2), person=heads[1].person)
    clock.advance(datetime.timedelta(hours=3))
    return seeded


def test_headline_figures(busy):
    report = busy.campaign.report()

    assert (report.candidacies, report.contacted, report.contact_actions) == (15, 4, 5)
    assert (report.signatories, report.declined, report.to_follow_up) == (1, 1, 2)
    assert report.contacted_percent == pytest.approx(100 * 4 / 15)
    assert report.without_contact_detail == 14
    assert (report.heads_of_section.total, report.heads_of_section.contacted) == (5, 3)
    assert report.heads_of_section.signatories_percent_of_contacted == pytest.approx(100 / 3)
    assert report.heads_of_section_to_contact == 2
    assert report.heads_of_list == report.roles["head_of_list"]
    assert report.members.total == 9
    assert report.generated_at == busy.clock.now()


def test_breakdowns_and_series(busy):
    report = busy.campaign.report()

    regions = {line.name: line for line in report.by_constituency}
    assert sorted(regions) == ["Bretagne", "Corse"]
    assert regions["Bretagne"].kind == "constituency" and regions["Bretagne"].code == "53"
    assert regions["Bretagne"].candidacies == 12 and regions["Corse"].contacted == 1
    assert sum(line.candidacies for line in report.by_list) == 15
    assert {line.code for line in report.by_nuance} == {"LUG", "LDVC", "LREG"}
    assert [day.contact_actions for day in report.daily] == [3, 2]
    assert [day.signatures for day in report.daily] == [0, 1]
    assert {p.name: p.contact_actions for p in report.participants} == {"Alice": 2, "Bob": 3}
    assert all(p.contacts_per_hour is None for p in report.participants)


@pytest.mark.parametrize(
    "scope",
    [
        {},
        {"roles": "head_of_section"},
        {"roles": ["head_of_list", "member"], "round": 1},
        {"nuance": "LUG"},
        {"list": 2},
        {"constituency": 1},
        {
            "since": datetime.datetime(2021, 6, 2, tzinfo=UTC),
            "until": datetime.datetime(2021, 6, 3, tzinfo=UTC),
        },
        {"include_withdrawn": True, "include_substitutes": True},
    ],
    ids=["all", "heads-of-section", "roles", "nuance", "list", "region", "period", "everyone"],
)
def test_the_python_report_is_the_rust_report(busy, scope):
    report = busy.campaign.report(**scope)

    assert from_attributes(report) == json.loads(report.to_json())


def test_a_scope_object_and_keywords_give_the_same_report(busy):
    scope = candidats.Scope(roles="head_of_section")

    by_object = busy.campaign.report(scope)
    by_keywords = busy.campaign.report(roles="head_of_section")
    overridden = busy.campaign.report(scope, roles="member")

    assert by_object.to_json() == by_keywords.to_json()
    assert overridden.scope.roles == ["member"]
    assert overridden.candidacies == 9


def test_a_period_limits_actions_not_candidacies(busy):
    day_two = datetime.datetime(2021, 6, 2, tzinfo=UTC)

    report = busy.campaign.report(since=day_two)

    assert report.candidacies == 15
    assert report.contact_actions == 2
    assert report.scope.since == day_two


def test_breakdowns_convert_to_columns(busy):
    report = busy.campaign.report()

    columns = report.by_constituency.to_columns()

    assert columns["name"] == [line.name for line in report.by_constituency]
    assert columns["contacted_percent"] == [line.contacted_percent for line in report.by_constituency]


def test_breakdowns_convert_to_pandas(busy):
    pytest.importorskip("pandas")
    report = busy.campaign.report()

    frame = report.by_list.to_pandas().set_index("name")

    assert frame.loc["Bretagne en commun", "contacted"] == 2
    assert frame["candidacies"].sum() == 15


@pytest.fixture
def report_program():
    """The `report` example program of the Rust library, which test.sh
    builds and names in CANDIDATS_REPORT_BIN."""
    program = os.environ.get("CANDIDATS_REPORT_BIN")
    if not program:
        pytest.skip("CANDIDATS_REPORT_BIN is not set: run bindings/python/test.sh")
    assert pathlib.Path(program).is_file(), f"{program} does not exist"
    return program


@pytest.mark.parametrize(
    "options,scope",
    [
        ([], {}),
        (["--election", "Régionales 2021"], {"election": 1}),
        (["--nuance", "LUG"], {"nuance": "LUG"}),
        (["--constituency", "region:53"], {"constituency": 1}),
        (["--from", "2021-06-02", "--until", "2021-06-02"], {
            "since": datetime.datetime(2021, 6, 2, tzinfo=UTC),
            "until": datetime.datetime(2021, 6, 3, tzinfo=UTC),
        }),
    ],
    ids=["all", "election", "nuance", "region", "day"],
)
def test_the_python_report_is_the_report_program_s(tmp_path, regional_file, clock, report_program, options, scope):
    store = tmp_path / "campaign.db"
    campaign = candidats.open(f"sqlite:{store}", clock=clock)
    campaign.import_files(regional_file)
    assert campaign.constituency(1).code == "53"
    alice = campaign.register_moderator("Alice")
    pledge = campaign.create_pledge(alice.id, "Pacte", "Je m'engage")
    for candidacy in (1, 2, 5, 14):
        campaign.record_action(alice.id, "email", "sent", candidacy=candidacy)
    clock.advance(datetime.timedelta(days=1))
    campaign.record_action(alice.id, "phone", "answered", candidacy=1)
    campaign.record_answer(alice.id, pledge.id, "signed", datetime.date(2021, 6, 2), person=1, evidence="courriel")

    python = from_attributes(campaign.report(**scope))
    result = subprocess.run(
        [report_program, "--store", f"sqlite:{store}", "--json", *options],
        capture_output=True, text=True, check=False, timeout=120,
    )

    assert result.returncode == 0, result.stderr
    rust = json.loads(result.stdout)
    assert python.pop("generated_at") is not None and rust.pop("generated_at") is not None
    assert python == rust
