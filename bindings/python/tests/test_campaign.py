"""The campaign's workflow from Python: participants, responsibility,
proposals, contact details and actions, pledge answers, templates, queues
and reservations, marathons, history and erasure."""

from __future__ import annotations

import datetime

import pytest

import candidats

UTC = datetime.timezone.utc


def test_open_returns_a_campaign_with_its_policy(clock):
    campaign = candidats.open("memory:", policy="automatic", clock=clock)

    assert campaign.policy == "automatic"
    assert campaign.store == "memory"
    assert campaign.now() == clock.now()
    assert campaign.with_policy("moderation").policy == "moderation"
    assert campaign.with_clock(None).now() > clock.now()


def test_the_clock_moves_on_request(campaign, clock):
    start = clock.now()

    clock.advance(datetime.timedelta(hours=2))

    assert campaign.now() == start + datetime.timedelta(hours=2)
    assert campaign.register("Bob").registered_at == start + datetime.timedelta(hours=2)


def test_reading_the_imported_election(seeded):
    campaign = seeded.campaign

    [election] = campaign.elections()
    regions = campaign.constituencies(election.id, kind="region")
    bretagne = campaign.constituency_by_code(election.id, "region", "53")
    lists = campaign.candidate_lists(election.id, constituency=bretagne.id)
    sections = campaign.sections(lists[0].id)

    assert election.name == "Régionales 2021" and election.kind == "regionales"
    assert [round.number for round in election.rounds] == [1]
    assert campaign.election_named("Régionales 2021") == election
    assert campaign.election_named("Européennes 2024") is None
    assert sorted(r.name for r in regions) == ["Bretagne", "Corse"]
    assert [l.label for l in lists] == ["Bretagne en commun", "L'Appel Inédit"]
    assert [l.label for l in campaign.candidate_lists(election.id, nuance="LREG")] == ["Corsica libera"]
    assert [s.code for s in sections] == ["22", "29"]
    assert len(campaign.constituencies(election.id, parent=bretagne.id)) == 2


def test_candidacies_by_filters(seeded):
    campaign = seeded.campaign
    bretagne = campaign.constituency_by_code(seeded.election, "region", "53")

    heads = campaign.candidacies(roles="head_of_list")
    in_bretagne = campaign.candidacies(constituency=bretagne.id)
    corse = campaign.candidacies(nuance="LREG")
    heads_in_bretagne = campaign.candidacies(candidats.Scope(roles="head_of_section"), constituency=bretagne.id)

    assert len(heads) == 3 and all(c.has_role("head_of_list") for c in heads)
    assert len(in_bretagne) == 12
    assert len(corse) == 3 and {c.nuance for c in corse} == {"LREG"}
    assert len(heads_in_bretagne) == 4
    assert len(campaign.candidacies(list=heads[0].list)) == 6
    person = campaign.person(heads[0].person)
    assert campaign.candidacies_of_person(person.id)[0] == heads[0]
    assert campaign.persons_named(person.surname, person.first_name)[0] == person
    assert len(campaign.persons()) == 15


def test_responsibility_under_moderation(seeded):
    campaign = seeded.campaign
    head = campaign.candidacies(roles="head_of_list")[0]

    request = campaign.request_responsibility(seeded.volunteer, candidacy=head.id)
    assert request.status == "requested" and request.target_kind == "candidacy"
    assert campaign.responsible_for(head.id) is None

    granted = campaign.grant(seeded.moderator, request.id)
    assert granted.status == "granted" and granted.decided_by == seeded.moderator
    assert campaign.responsible_for(head.id) == seeded.volunteer
    assert campaign.may_edit_candidacy(seeded.volunteer, head.id)
    assert campaign.may_edit_person(seeded.volunteer, head.person)

    released = campaign.release(seeded.volunteer, request.id)
    assert released.status == "released"
    assert campaign.responsible_for(head.id) is None
    assert [r.status for r in campaign.responsibilities(participant=seeded.volunteer)] == ["released"]


def test_responsibility_expires_on_the_clock(seeded):
    campaign = seeded.campaign.with_policy("automatic")
    head = campaign.candidacies(roles="head_of_list")[0]
    end = seeded.clock.now() + datetime.timedelta(days=1)

    campaign.request_responsibility(seeded.volunteer, list=head.list, expires_at=end)
    assert campaign.responsible_for(head.id) == seeded.volunteer
    seeded.clock.advance(datetime.timedelta(days=2))

    assert campaign.responsible_for(head.id) is None
    assert len(campaign.responsibilities(status="expired")) == 1
    assert len(campaign.responsibilities(status="granted")) == 0


def test_a_waiting_request_is_granted_when_the_holder_lets_go(seeded):
    campaign = seeded.campaign.with_policy("automatic")
    carol = campaign.register("Carol")
    head = campaign.candidacies(roles="head_of_list")[0]
    held = campaign.request_responsibility(seeded.volunteer, candidacy=head.id)

    waiting = campaign.request_responsibility(carol.id, candidacy=head.id, wait=True)
    assert waiting.status == "requested"
    campaign.revoke(seeded.moderator, held.id)

    assert campaign.responsibility(waiting.id).status == "granted"
    assert campaign.responsible_for(head.id) == carol.id


def test_exactly_one_target_is_asked_for(seeded):
    with pytest.raises(candidats.InvalidInputError, match="exactly one"):
        seeded.campaign.request_responsibility(seeded.volunteer)
    with pytest.raises(candidats.InvalidInputError, match="exactly one"):
        seeded.campaign.request_responsibility(seeded.volunteer, candidacy=1, list=1)


def test_an_edit_without_the_right_is_a_proposal(seeded):
    campaign = seeded.campaign
    person = campaign.candidacy(1).person

    proposed = campaign.add_contact_detail(
        seeded.volunteer, "phone", "06 12 34 56 78", source="https://example.org", person=person
    )
    assert isinstance(proposed, candidats.Proposal)
    assert proposed.status == "pending" and proposed.change == "add_contact_detail"
    assert len(campaign.contact_details(person=person, viewer=seeded.moderator)) == 0
    assert len(campaign.proposals(status="pending")) == 1

    detail = campaign.accept(seeded.moderator, proposed.id)
    assert isinstance(detail, candidats.ContactDetail)
    assert detail.value == "+33612345678" and detail.channel == "phone"
    assert detail.added_by == seeded.volunteer
    assert campaign.proposal(proposed.id).status == "accepted"


def test_a_rejected_proposal_changes_nothing(seeded):
    campaign = seeded.campaign

    proposed = campaign.set_withdrawn(seeded.volunteer, 1, True, source="journal")
    rejected = campaign.reject(seeded.moderator, proposed.id)

    assert rejected.status == "rejected"
    assert not campaign.candidacy(1).withdrawn


def test_moderators_edit_directly_and_history_reverts(seeded):
    campaign = seeded.campaign
    person = campaign.candidacy(2).person

    corrected = campaign.update_person(seeded.moderator, person, first_name="Anne-Marie", source="ballot")
    assert isinstance(corrected, candidats.Person) and corrected.first_name == "Anne-Marie"
    history = campaign.history("person", person)
    assert [entry.action for entry in history] == ["update"]

    campaign.revert(seeded.moderator, history[0].id, source="mistake")

    assert campaign.person(person).first_name != "Anne-Marie"
    assert [entry.action for entry in campaign.history("person", person)] == ["update", "revert"]


def test_private_details_are_seen_by_moderators_and_the_responsible_only(seeded):
    campaign = seeded.campaign
    person = campaign.candidacy(1).person
    campaign.add_contact_detail(
        seeded.moderator, "email", "perso@example.org", source="carnet", person=person, visibility="private"
    )
    campaign.add_contact_detail(
        seeded.moderator, "web_form", "https://liste.example.org/contact", source="site", person=person
    )

    assert len(campaign.contact_details(person=person, viewer=seeded.moderator)) == 2
    assert [d.channel for d in campaign.contact_details(person=person, viewer=seeded.volunteer)] == ["web_form"]
    assert [d.channel for d in campaign.contact_details()] == ["web_form"]
    assert len(campaign.contact_details(viewer=seeded.moderator, channel="email")) == 1
    head_of_list = candidats.Scope(roles="head_of_list")
    assert len(campaign.contact_details(viewer=seeded.moderator, scope=head_of_list)) == 2
    assert len(campaign.contact_details(viewer=seeded.moderator, scope=candidats.Scope(roles="member"))) == 0


def test_a_bounced_detail_stops_counting(seeded):
    campaign = seeded.campaign
    person = campaign.candidacy(1).person
    detail = campaign.add_contact_detail(seeded.moderator, "email", "x@example.org", source="s", person=person)

    bounced = campaign.set_detail_status(seeded.moderator, detail.id, "bounced")

    assert bounced.status == "bounced" and not bounced.usable
    assert len(campaign.contact_details(usable=True)) == 0
    assert len(campaign.contact_details(status="bounced")) == 1


def test_contact_actions_and_pledge_answers(seeded):
    campaign = seeded.campaign
    pledge = campaign.create_pledge(seeded.moderator, "Pacte du Logiciel Libre", "Je m'engage...")
    target = campaign.candidacy(1)

    action = campaign.record_action(seeded.volunteer, "email", "sent", candidacy=target.id, note="premier envoi")
    seeded.clock.advance(datetime.timedelta(days=1))
    campaign.record_action(seeded.volunteer, "phone", "promised_to_sign", candidacy=target.id)
    campaign.record_action(seeded.volunteer, "email", "sent", list=target.list)
    signed = campaign.record_answer(
        seeded.moderator, pledge.id, "signed", datetime.date(2021, 6, 3), person=target.person, evidence="mail du 3 juin"
    )

    assert action.at == seeded.clock.now() - datetime.timedelta(days=1)
    assert action.candidacy == target.id and action.list is None
    assert len(campaign.contact_actions(candidacy=target.id)) == 2
    assert len(campaign.contact_actions(list=target.list)) == 1
    assert len(campaign.contact_actions(outcome="promised_to_sign")) == 1
    assert len(campaign.contact_actions(since=seeded.clock.now())) == 2
    heads = candidats.Scope(roles="head_of_list")
    assert len(campaign.contact_actions(scope=heads)) == 2
    assert len(campaign.contact_actions(scope=candidats.Scope(roles="member"))) == 0
    assert len(campaign.contact_actions(scope=candidats.Scope(nuance="LREG"))) == 0
    assert isinstance(signed, candidats.PledgeAnswer)
    assert signed.answer == "signed" and signed.evidence == "mail du 3 juin"
    assert campaign.pledge_answers(person=target.person) == campaign.pledge_answers(pledge=pledge.id)
    assert campaign.pledges()[0] == pledge
    with pytest.raises(candidats.InvalidInputError, match="evidence"):
        campaign.record_answer(seeded.moderator, pledge.id, "signed", datetime.date(2021, 6, 3), person=target.person)


def test_templates_render_for_a_candidacy(seeded):
    campaign = seeded.campaign
    head = campaign.candidacies(roles="head_of_list")[0]
    person = campaign.person(head.person)
    campaign.add_contact_detail(seeded.moderator, "email", "tete@example.org", source="site", person=person.id)

    template = campaign.create_template(
        seeded.volunteer, "premier contact", "Pacte : {{list}}", "{{civility}} {{surname}}, {{role}} en {{region}}"
    )
    message = campaign.render(template.id, head.id, viewer=seeded.volunteer)

    assert message.subject == "Pacte : Bretagne en commun"
    assert message.body.startswith(f"Madame {person.surname}, tête de liste en Bretagne")
    assert message.mailto.startswith("mailto:tete@example.org?subject=")
    updated = campaign.update_template(seeded.volunteer, template.id, "premier contact", "Pacte", "Bonjour")
    assert campaign.template(template.id) == updated
    assert len(campaign.templates(owner=seeded.volunteer)) == 1
    with pytest.raises(candidats.InvalidInputError, match="`nom`"):
        campaign.create_template(seeded.volunteer, "t", "{{nom}}", "")
    with pytest.raises(candidats.PermissionDeniedError):
        campaign.update_template(seeded.moderator, template.id, "x", "y", "z")


def test_queues_serve_heads_first_and_reservations_hold(seeded):
    campaign = seeded.campaign

    queue = campaign.queue("to_collect", limit=5)
    taken = campaign.take_next(seeded.volunteer, "to_collect", hold=datetime.timedelta(minutes=10))

    heads = campaign.candidacies(roles="head_of_list")
    assert {queue[i].id for i in range(3)} == {c.id for c in heads}
    assert queue[3].has_role("head_of_section") and not queue[3].has_role("head_of_list")
    assert taken is not None
    reservation, candidacy = taken
    assert candidacy == queue[0] and reservation.candidacy == candidacy.id
    assert reservation.until == seeded.clock.now() + datetime.timedelta(minutes=10)
    assert campaign.queue("to_collect", limit=1)[0] == queue[1]
    assert len(campaign.reservations(participant=seeded.volunteer, active=True)) == 1

    released = campaign.release_reservation(seeded.volunteer, reservation.id)
    assert released.released_at == seeded.clock.now()
    assert campaign.queue("to_collect", limit=1)[0] == queue[0]
    assert campaign.reservation(reservation.id) == released


def test_an_empty_queue_gives_none(seeded):
    campaign = seeded.campaign

    assert campaign.take_next(seeded.volunteer, "to_follow_up") is None
    assert len(campaign.queue("to_contact", election=seeded.election)) == 0


def test_the_follow_up_queue_takes_the_delay_asked(seeded):
    campaign = seeded.campaign
    target = campaign.queue("to_collect", limit=1)[0]
    campaign.record_action(seeded.volunteer, "email", "sent", candidacy=target.id)

    seeded.clock.advance(datetime.timedelta(days=2))
    assert len(campaign.queue("to_follow_up")) == 0
    day = datetime.timedelta(days=1)
    assert [c.id for c in campaign.queue("to_follow_up", follow_up_after=day)] == [target.id]
    seeded.clock.advance(datetime.timedelta(days=6))
    assert [c.id for c in campaign.queue("to_follow_up")] == [target.id]


def test_marathons_report_their_window(seeded):
    campaign = seeded.campaign
    start = seeded.clock.now()
    goal = candidats.Scope(roles="head_of_section")
    marathon = campaign.create_marathon(
        seeded.moderator, "Contacthon n°7", start, start + datetime.timedelta(hours=3), goal=goal, number=7
    )
    head = campaign.candidacies(goal)[0]
    seeded.clock.advance(datetime.timedelta(hours=1))
    campaign.record_action(seeded.volunteer, "email", "sent", candidacy=head.id, marathon=marathon.id)

    report = campaign.marathon_report(marathon.id)

    assert marathon.goal == goal and campaign.marathons()[0] == marathon
    assert report.contact_actions == 1 and report.candidacies == 5
    assert report.participants[0].contacts_per_hour == pytest.approx(1 / 3)


def test_erasure_removes_personal_data(seeded):
    campaign = seeded.campaign
    person = campaign.candidacy(1).person
    campaign.add_contact_detail(seeded.moderator, "email", "x@example.org", source="s", person=person)

    erasure = campaign.erase_person(seeded.moderator, person, source="demande du 2 juin")

    assert erasure.contact_details == 1
    assert len(campaign.contact_details(person=person, viewer=seeded.moderator)) == 0
    assert '"person"' in campaign.export_person(seeded.moderator, person)
    with pytest.raises(candidats.PermissionDeniedError):
        campaign.export_person(seeded.volunteer, person)


def test_moderators_name_moderators(seeded):
    campaign = seeded.campaign

    promoted = campaign.set_moderator(seeded.moderator, seeded.volunteer)

    assert promoted.moderator
    with pytest.raises(candidats.PermissionDeniedError):
        campaign.register_moderator("Eve")
