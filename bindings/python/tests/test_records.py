"""Records: typed, frozen, comparable; Records collections: a sequence
that converts to columns and to pandas."""

from __future__ import annotations

import datetime
import sys

import pytest

import candidats


def test_records_are_frozen_and_compare_by_value(seeded):
    first = seeded.campaign.candidacy(1)

    with pytest.raises(AttributeError):
        first.withdrawn = True  # type: ignore[misc]
    assert first == seeded.campaign.candidacy(1)
    assert first != seeded.campaign.candidacy(2)


def test_attributes_are_typed(seeded):
    candidacy = seeded.campaign.candidacy(1)
    person = seeded.campaign.person(candidacy.person)
    participant = seeded.campaign.participant(seeded.moderator)

    assert isinstance(candidacy.id, int) and isinstance(candidacy.roles, list)
    assert candidacy.roles == ["head_of_list", "head_of_section"]
    assert candidacy.has_role("head_of_list") and not candidacy.has_role("member")
    assert isinstance(person.birth_date, datetime.date)
    assert not isinstance(person.birth_date, datetime.datetime)
    assert participant.registered_at.tzinfo is not None
    assert participant.registered_at.utcoffset() == datetime.timedelta(0)
    assert participant.registered_at == seeded.clock.now()


def test_instants_in_any_zone_are_read_as_utc(campaign, clock):
    paris = datetime.timezone(datetime.timedelta(hours=2))

    clock.set(datetime.datetime(2021, 6, 20, 20, 0, tzinfo=paris))

    assert campaign.now() == datetime.datetime(2021, 6, 20, 18, 0, tzinfo=datetime.timezone.utc)
    assert campaign.now().tzinfo == datetime.timezone.utc


def test_records_is_a_sequence(seeded):
    candidacies = seeded.campaign.candidacies()

    assert len(candidacies) == 15
    assert candidacies.record_class == "Candidacy"
    assert [c.id for c in candidacies] == list(range(1, 16))
    assert candidacies[-1].id == 15
    assert candidacies.to_list()[0] == candidacies[0]
    assert [c.id for c in candidacies[2:5]] == [3, 4, 5]
    assert [c.id for c in candidacies[::-7]] == [15, 8, 1]
    assert candidacies[2:5].to_columns()["id"] == [3, 4, 5]
    assert candidacies == candidacies.to_list() and candidacies != candidacies[1:]
    with pytest.raises(IndexError):
        candidacies[15]
    assert "15 records" in repr(candidacies)


def test_records_can_be_subscripted_in_annotations():
    alias = candidats.Records[candidats.Candidacy]

    assert alias.__origin__ is candidats.Records
    assert alias.__args__ == (candidats.Candidacy,)


def test_to_columns_gives_one_list_per_attribute(seeded):
    candidacies = seeded.campaign.candidacies()

    columns = candidacies.to_columns()

    assert list(columns) == candidacies.columns
    assert columns["id"] == [c.id for c in candidacies]
    assert columns["roles"][0] == ["head_of_list", "head_of_section"]
    assert all(len(values) == len(candidacies) for values in columns.values())


def test_to_dict_gives_the_attributes(seeded):
    candidacy = seeded.campaign.candidacy(2)

    assert candidacy.to_dict() == {name: getattr(candidacy, name) for name in candidacy.to_dict()}
    assert set(candidacy.to_dict()) == set(seeded.campaign.candidacies().columns)
    assert repr(candidacy).startswith("Candidacy(id=2, person=")


def test_empty_collections_keep_their_columns(campaign):
    elections = campaign.elections()

    assert len(elections) == 0
    assert campaign.elections().to_columns() == {"id": [], "kind": [], "name": [], "rounds": []}


def test_to_pandas(seeded):
    pandas = pytest.importorskip("pandas")

    frame = seeded.campaign.candidacies().to_pandas()

    assert isinstance(frame, pandas.DataFrame)
    assert len(frame) == 15
    assert list(frame.columns) == seeded.campaign.candidacies().columns
    assert frame["id"].tolist() == list(range(1, 16))
    registered = seeded.campaign.participants().to_pandas()["registered_at"]
    assert str(registered.dt.tz) == "UTC"
    empty = seeded.campaign.proposals().to_pandas()
    assert len(empty) == 0 and "status" in empty.columns


def test_to_pandas_types_each_column(seeded):
    pandas = pytest.importorskip("pandas")
    candidacies = seeded.campaign.candidacies()

    frame = candidacies.to_pandas()

    assert str(frame["id"].dtype) == "int64"
    assert str(frame["list"].dtype) == "Int64"
    assert str(frame["withdrawn"].dtype) == "bool"
    assert pandas.api.types.is_string_dtype(frame["seat"])
    columns = candidacies.to_columns()

    def missing(value):
        return not isinstance(value, list) and pandas.isna(value)

    for name in frame.columns:
        values = [None if missing(value) else value for value in frame[name].tolist()]
        assert values == columns[name], name


def test_to_pandas_without_pandas_says_how_to_get_it(seeded, monkeypatch):
    monkeypatch.setitem(sys.modules, "pandas", None)

    with pytest.raises(ImportError, match="pip install pandas"):
        seeded.campaign.candidacies().to_pandas()


def test_scopes_are_built_from_keywords():
    since = datetime.datetime(2021, 6, 1, tzinfo=datetime.timezone.utc)

    scope = candidats.Scope(election=1, roles=["head_of_list", "head_of_section"], since=since)

    assert scope.election == 1
    assert scope.roles == ["head_of_list", "head_of_section"]
    assert scope.since == since and scope.until is None
    assert not scope.include_substitutes
    assert candidats.Scope(roles="substitute").include_substitutes
    assert scope.replace(election=2).election == 2
    assert scope.replace(election=2).roles == scope.roles
    assert scope == candidats.Scope(**scope.to_dict())
    assert repr(candidats.Scope(round=1)) == "Scope(round=1)"
    with pytest.raises(TypeError):
        candidats.Scope(1)  # type: ignore[misc]
