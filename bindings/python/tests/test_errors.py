"""Each library error becomes its own exception, with its details as
attributes; file errors become Python's own OSError subclasses."""

from __future__ import annotations

import datetime

import pytest

import candidats


def test_every_error_derives_from_candidats_error():
    for cls in (
        candidats.NotFoundError,
        candidats.ConflictError,
        candidats.PermissionDeniedError,
        candidats.InvalidInputError,
        candidats.UnsupportedError,
        candidats.BackendError,
    ):
        assert issubclass(cls, candidats.CandidatsError)
        assert cls.__module__ == "candidats"
    assert issubclass(candidats.CandidatsError, Exception)


def test_not_found_names_the_kind_and_the_key(campaign):
    with pytest.raises(candidats.NotFoundError) as raised:
        campaign.candidacy(404)

    assert raised.value.kind == "candidacy"
    assert raised.value.key == "404"
    assert str(raised.value) == "candidacy 404 not found"


def test_conflict_names_the_holder(seeded):
    campaign = seeded.campaign.with_policy("automatic")
    carol = campaign.register("Carol")
    head = campaign.candidacies(roles="head_of_list")[0]
    campaign.request_responsibility(seeded.volunteer, candidacy=head.id)

    with pytest.raises(candidats.ConflictError) as raised:
        campaign.request_responsibility(carol.id, list=head.list)

    assert raised.value.holder == seeded.volunteer
    assert "Bob" in str(raised.value)


def test_a_conflict_without_holder_has_holder_none(seeded):
    campaign = seeded.campaign
    person = campaign.candidacies()[0].person
    campaign.add_contact_detail(
        seeded.moderator, "email", "a@example.org", source="leaflet", person=person
    )

    with pytest.raises(candidats.ConflictError) as raised:
        campaign.add_contact_detail(
            seeded.moderator, "email", "a@example.org", source="leaflet", person=person
        )

    assert raised.value.holder is None


def test_permission_denied(seeded):
    with pytest.raises(candidats.PermissionDeniedError, match="only moderators"):
        seeded.campaign.create_pledge(seeded.volunteer, "Pacte", "texte")


def test_invalid_input_outside_a_file_has_no_position(campaign):
    with pytest.raises(candidats.InvalidInputError) as raised:
        campaign.register("")

    error = raised.value
    assert (error.file, error.line, error.column, error.field) == (None, None, None, None)


def test_invalid_input_in_a_file_names_file_line_column_and_field(campaign, tmp_path):
    from conftest import REGIONAL_HEADER, REGIONAL_ROWS

    rows = list(REGIONAL_ROWS)
    rows[4] = rows[4].replace(",Non,2,F,", ",Non,deux,F,", 1)
    assert "deux" in rows[4]
    path = tmp_path / "broken.csv"
    path.write_text(REGIONAL_HEADER + "\n" + "\n".join(rows) + "\n", encoding="utf-8")

    with pytest.raises(candidats.InvalidInputError) as raised:
        campaign.import_files(path)

    error = raised.value
    assert error.file is not None and error.file.endswith("broken.csv")
    assert error.line == 6
    assert error.column == 11
    assert error.field == "position"
    assert "line 6" in str(error)


def test_bad_names_of_values_are_invalid_input(seeded):
    with pytest.raises(candidats.InvalidInputError, match="expected a role"):
        candidats.Scope(roles="mayor")
    with pytest.raises(candidats.InvalidInputError, match="expected a policy"):
        candidats.open("memory:", policy="anarchy")
    with pytest.raises(candidats.InvalidInputError, match="expected a queue"):
        seeded.campaign.queue("to_do")
    with pytest.raises(candidats.InvalidInputError, match="e-mail"):
        seeded.campaign.add_contact_detail(
            seeded.moderator, "email", "marie@", source="x", person=1
        )


def test_naive_datetimes_are_refused():
    with pytest.raises(ValueError, match="timezone-aware"):
        candidats.ManualClock(datetime.datetime(2021, 6, 1))


def test_unsupported_store():
    with pytest.raises(candidats.UnsupportedError, match="unknown store"):
        candidats.open("mysql://localhost/campaign")


def test_a_missing_file_is_file_not_found(campaign, tmp_path):
    missing = tmp_path / "nowhere.csv"

    with pytest.raises(FileNotFoundError) as raised:
        campaign.import_files(missing)

    assert raised.value.errno == 2
    assert raised.value.filename == str(missing)
    assert not isinstance(raised.value, candidats.CandidatsError)


def test_a_folder_for_a_file_is_an_os_error(campaign, tmp_path):
    with pytest.raises(IsADirectoryError) as raised:
        campaign.import_files(tmp_path)

    assert raised.value.errno == 21
    assert raised.value.strerror.startswith("cannot read: ")
    assert raised.value.filename == str(tmp_path)


def test_a_file_that_fits_no_layout_is_refused(campaign, tmp_path):
    path = tmp_path / "not-a-candidate-file.csv"
    path.write_text("a;b;c\n1;2;3\n", encoding="utf-8")

    with pytest.raises(candidats.CandidatsError) as raised:
        campaign.import_files(path)

    assert "layout" in str(raised.value)


def test_backend_errors_keep_their_causes(tmp_path):
    garbage = tmp_path / "garbage.db"
    garbage.write_bytes(b"this is not a database" * 100)

    with pytest.raises(candidats.BackendError) as raised:
        candidats.open(str(garbage))

    assert str(garbage) in str(raised.value)
    cause = raised.value.__cause__
    assert isinstance(cause, Exception) and "not a database" in str(cause)
