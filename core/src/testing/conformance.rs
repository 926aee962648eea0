//! The conformance suite: each behaviour of a store, written once.
//!
//! Every function takes a maker of fresh, empty stores and panics when the
//! store misbehaves. Run them all with [`conformance_tests!`](crate::conformance_tests).

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;
use std::thread;

use chrono::Duration;

use super::fixtures::{self, day, ok, start, Fixture};
use crate::*;

fn fixture<S: Store>(make: impl Fn() -> S) -> Fixture<S> {
    Fixture::new(make())
}

fn email(value: &str) -> ContactPoint {
    ok(ContactPoint::new(Channel::Email, value))
}

fn detail(owner: Owner, value: &str, visibility: Visibility) -> NewContactDetail {
    NewContactDetail {
        owner,
        point: email(value),
        source: "https://example.org/contact".into(),
        visibility,
        label: Some("campagne".into()),
        note: None,
    }
}

fn write<S: Store, T>(store: &S, f: impl FnMut(&mut dyn CampaignWrite) -> Result<T>) -> T {
    ok(store.write_with(f))
}

fn read<S: Store, T>(store: &S, f: impl FnMut(&dyn CampaignRead) -> Result<T>) -> T {
    ok(store.read_with(f))
}

/// One record of every kind, written then read back identical.
pub fn records_round_trip<S: Store>(make: impl Fn() -> S) {
    let store = make();
    let now = start();
    let records = write(&store, |w| {
        let election = Election::new(
            ElectionId::new(w.allocate(RecordKind::Election)?),
            ElectionKind::Departementales,
            "Départementales 2028 « test »",
            vec![
                Round {
                    number: 1,
                    date: Some(day(20)),
                },
                Round {
                    number: 2,
                    date: Some(day(27)),
                },
            ],
        )?;
        w.put_election(&election)?;
        let parent = Constituency {
            id: ConstituencyId::new(w.allocate(RecordKind::Constituency)?),
            election: election.id(),
            parent: None,
            kind: ConstituencyKind::Departement,
            code: "2A".into(),
            name: Name::new("Corse-du-Sud")?,
        };
        w.put_constituency(&parent)?;
        let canton = Constituency {
            id: ConstituencyId::new(w.allocate(RecordKind::Constituency)?),
            election: election.id(),
            parent: Some(parent.id),
            kind: ConstituencyKind::Canton,
            code: "2A01".into(),
            name: Name::new("Ajaccio-1")?,
        };
        w.put_constituency(&canton)?;
        let list = CandidateList {
            id: ListId::new(w.allocate(RecordKind::List)?),
            election: election.id(),
            round: 2,
            constituency: parent.id,
            panel: Some(7),
            short_label: None,
            label: Name::new("Liste \"quotes\", virgules; et =formules")?,
            nuance: Some(Nuance {
                code: "LDIV".into(),
                label: Some("Divers".into()),
            }),
        };
        w.put_list(&list)?;
        let section = Section {
            id: SectionId::new(w.allocate(RecordKind::Section)?),
            list: list.id,
            constituency: canton.id,
            code: String::new(),
            implicit: true,
        };
        w.put_section(&section)?;
        let person = Person {
            id: PersonId::new(w.allocate(RecordKind::Person)?),
            surname: Name::new("D'ALMEIDA-LE GALL")?,
            first_name: Some(Name::new("Maître\u{202e}Zoé")?),
            sex: Some(Sex::Female),
            birth_date: Some(day(1)),
            nationality: Some("FR".into()),
        };
        w.put_person(&person)?;
        let partner = Person {
            id: PersonId::new(w.allocate(RecordKind::Person)?),
            surname: Name::new("LE GALL")?,
            first_name: None,
            sex: None,
            birth_date: None,
            nationality: None,
        };
        w.put_person(&partner)?;
        let first = Candidacy {
            id: CandidacyId::new(w.allocate(RecordKind::Candidacy)?),
            person: person.id,
            election: election.id(),
            round: 1,
            constituency: canton.id,
            seat: Seat::Pair {
                index: 1,
                partner: None,
            },
            roles: Roles::EMPTY.with(Role::PairMember),
            nuance: Some(Nuance {
                code: "BC-DVD".into(),
                label: None,
            }),
            panel: Some(3),
            profession: Some("Ingénieure\nlogiciel ; « =cadre »".into()),
            outgoing: true,
            community_council: false,
            withdrawn: false,
        };
        w.put_candidacy(&first)?;
        let second = Candidacy {
            id: CandidacyId::new(w.allocate(RecordKind::Candidacy)?),
            person: partner.id,
            seat: Seat::Pair {
                index: 2,
                partner: Some(first.id),
            },
            outgoing: false,
            ..first.clone()
        };
        w.put_candidacy(&second)?;
        let first = Candidacy {
            seat: Seat::Pair {
                index: 1,
                partner: Some(second.id),
            },
            ..first
        };
        w.put_candidacy(&first)?;
        let substitute = Candidacy {
            id: CandidacyId::new(w.allocate(RecordKind::Candidacy)?),
            person: partner.id,
            seat: Seat::Substitute { of: first.id },
            roles: Roles::EMPTY.with(Role::Substitute),
            panel: None,
            withdrawn: true,
            ..first.clone()
        };
        w.put_candidacy(&substitute)?;
        let on_list = Candidacy {
            id: CandidacyId::new(w.allocate(RecordKind::Candidacy)?),
            person: person.id,
            round: 2,
            seat: Seat::List {
                list: list.id,
                section: section.id,
                order: 1,
            },
            roles: Roles::for_list_candidacy(true, 1, true),
            panel: None,
            community_council: true,
            ..first.clone()
        };
        w.put_candidacy(&on_list)?;
        let participant = Participant {
            id: ParticipantId::new(w.allocate(RecordKind::Participant)?),
            name: Name::new("Zoé")?,
            email: Some("zoe@example.org".into()),
            moderator: true,
            registered_at: now,
        };
        w.put_participant(&participant)?;
        let responsibility = Responsibility {
            id: ResponsibilityId::new(w.allocate(RecordKind::Responsibility)?),
            participant: participant.id,
            target: Target::Constituency(parent.id),
            status: ResponsibilityStatus::Granted,
            requested_at: now,
            decided_by: Some(participant.id),
            decided_at: Some(now),
            expires_at: Some(now + Duration::days(3)),
        };
        w.put_responsibility(&responsibility)?;
        let pledge = Pledge {
            id: PledgeId::new(w.allocate(RecordKind::Pledge)?),
            name: Name::new("Pacte")?,
            version: 2,
            text: "Texte\r\navec =SOMME(A1)".into(),
        };
        w.put_pledge(&pledge)?;
        let marathon = Marathon {
            id: MarathonId::new(w.allocate(RecordKind::Marathon)?),
            name: Name::new("Contacthon n°7")?,
            number: Some(7),
            starts_at: now,
            ends_at: now + Duration::hours(3),
            goal: Scope::election(election.id())
                .with_role(Role::HeadOfSection)
                .with_nuance("LDIV"),
            created_by: participant.id,
        };
        w.put_marathon(&marathon)?;
        let template = Template::new(
            TemplateId::new(w.allocate(RecordKind::Template)?),
            participant.id,
            "relance",
            "Sujet {{list}}",
            "Corps\n{{surname}}",
        )?;
        w.put_template(&template)?;
        let detail = ContactDetail {
            id: ContactDetailId::new(w.allocate(RecordKind::ContactDetail)?),
            owner: Owner::Person(person.id),
            point: ContactPoint::new(Channel::Phone, "+33 6 12 34 56 78")?,
            label: Some("perso".into()),
            source: "tract, p. 2".into(),
            added_by: participant.id,
            added_at: now,
            status: DetailStatus::Confirmed,
            visibility: Visibility::Private,
            note: Some("=1+1".into()),
        };
        w.put_contact_detail(&detail)?;
        let list_detail = ContactDetail {
            id: ContactDetailId::new(w.allocate(RecordKind::ContactDetail)?),
            owner: Owner::List(list.id),
            point: ContactPoint::new(Channel::social("mastodon")?, "@liste@piaille.fr")?,
            label: None,
            source: "site".into(),
            added_by: participant.id,
            added_at: now,
            status: DetailStatus::Bounced,
            visibility: Visibility::Public,
            note: None,
        };
        w.put_contact_detail(&list_detail)?;
        let action = ContactAction {
            id: ContactActionId::new(w.allocate(RecordKind::ContactAction)?),
            participant: participant.id,
            target: ActionTarget::Candidacy(first.id),
            channel: Channel::WebForm,
            at: now + Duration::minutes(5),
            outcome: Outcome::PromisedToSign,
            note: Some("a dit \"oui\"\nà suivre".into()),
            template: Some(template.id),
            marathon: Some(marathon.id),
        };
        w.put_contact_action(&action)?;
        let list_action = ContactAction {
            id: ContactActionId::new(w.allocate(RecordKind::ContactAction)?),
            target: ActionTarget::List(list.id),
            channel: Channel::Postal,
            outcome: Outcome::NoAnswer,
            note: None,
            template: None,
            marathon: None,
            ..action.clone()
        };
        w.put_contact_action(&list_action)?;
        let answer = PledgeAnswer {
            id: PledgeAnswerId::new(w.allocate(RecordKind::PledgeAnswer)?),
            pledge: pledge.id,
            subject: Subject::Person(person.id),
            answer: Answer::Signed {
                evidence: "courriel du 12/11".into(),
            },
            date: day(12),
            recorded_by: participant.id,
            recorded_at: now,
        };
        w.put_pledge_answer(&answer)?;
        let declined = PledgeAnswer {
            id: PledgeAnswerId::new(w.allocate(RecordKind::PledgeAnswer)?),
            subject: Subject::List(list.id),
            answer: Answer::Declined,
            ..answer.clone()
        };
        w.put_pledge_answer(&declined)?;
        let proposal = Proposal {
            id: ProposalId::new(w.allocate(RecordKind::Proposal)?),
            author: participant.id,
            created_at: now,
            source: Some("annuaire".into()),
            change: Change::AddContactDetail {
                owner: Owner::Person(partner.id),
                point: ContactPoint::new(Channel::Website, "https://le-gall.example.org/")?,
                label: None,
                source: "moteur de recherche".into(),
                visibility: Visibility::Public,
                note: None,
            },
            status: ProposalStatus::Pending,
            decided_by: None,
            decided_at: None,
        };
        w.put_proposal(&proposal)?;
        let reservation = Reservation {
            id: ReservationId::new(w.allocate(RecordKind::Reservation)?),
            candidacy: first.id,
            participant: participant.id,
            queue: QueueKind::ToFollowUp,
            taken_at: now,
            until: now + Duration::minutes(30),
            marathon: Some(marathon.id),
            released_at: Some(now + Duration::minutes(10)),
        };
        w.put_reservation(&reservation)?;
        let entry = AuditRecord {
            id: AuditId::new(w.allocate(RecordKind::Audit)?),
            actor: Some(participant.id),
            at: now,
            source: Some("test".into()),
            kind: RecordKind::ContactDetail,
            record: detail.id.get(),
            action: AuditAction::Create,
            before: None,
            after: Some(serde_json::to_value(&detail).map_err(|e| Error::invalid(e.to_string()))?),
            person: Some(person.id),
            reverts: None,
        };
        w.append_audit(&entry)?;
        Ok((
            election,
            vec![parent, canton],
            list,
            section,
            vec![person, partner],
            vec![first, second, substitute, on_list],
            participant,
            responsibility,
            pledge,
            marathon,
            template,
            vec![detail, list_detail],
            vec![action, list_action],
            vec![answer, declined],
            proposal,
            reservation,
            entry,
        ))
    });
    let (
        election,
        constituencies,
        list,
        section,
        persons,
        candidacies,
        participant,
        responsibility,
        pledge,
        marathon,
        template,
        details,
        actions,
        answers,
        proposal,
        reservation,
        entry,
    ) = records;

    read(&store, |r| {
        assert_eq!(r.election(election.id())?, election);
        assert_eq!(r.elections()?, vec![election.clone()]);
        assert_eq!(r.constituencies(election.id())?, constituencies);
        assert_eq!(r.list(list.id)?, list);
        assert_eq!(r.lists(election.id())?, vec![list.clone()]);
        assert_eq!(r.section(section.id)?, section);
        assert_eq!(r.person(persons[0].id)?, persons[0]);
        assert_eq!(r.persons()?, persons);
        let all = Scope {
            include_substitutes: true,
            include_withdrawn: true,
            ..Scope::default()
        };
        let mut stored = r.candidacies(&all)?;
        stored.sort_by_key(|c| c.id);
        assert_eq!(stored, candidacies);
        for c in &candidacies {
            assert_eq!(&r.candidacy(c.id)?, c);
        }
        assert_eq!(r.participant(participant.id)?, participant);
        assert_eq!(r.responsibility(responsibility.id)?, responsibility);
        assert_eq!(r.pledge(pledge.id)?, pledge);
        assert_eq!(r.marathon(marathon.id)?, marathon);
        assert_eq!(r.template(template.id)?, template);
        assert_eq!(r.contact_details(None)?, details);
        assert_eq!(r.contact_detail(details[0].id)?, details[0]);
        assert_eq!(r.contact_actions(&ActionFilter::default())?, actions);
        assert_eq!(r.contact_action(actions[0].id)?, actions[0]);
        assert_eq!(r.pledge_answers(None)?, answers);
        assert_eq!(r.pledge_answer(answers[1].id)?, answers[1]);
        assert_eq!(r.proposal(proposal.id)?, proposal);
        assert_eq!(r.reservation(reservation.id)?, reservation);
        assert_eq!(r.audit(&AuditFilter::default())?, vec![entry.clone()]);
        Ok(())
    });
}

/// Lookups by official code, panel, label, name and seat.
pub fn lookups_by_key<S: Store>(make: impl Fn() -> S) {
    let f = fixture(make);
    let store = f.campaign.store();
    read(store, |r| {
        let election = r
            .election_named("Régionales 2015")?
            .expect("election by name");
        assert_eq!(election.id(), f.election);
        assert!(r.election_named("Régionales 2016")?.is_none());

        let region = r
            .constituency_by_code(f.election, ConstituencyKind::Region, "84")?
            .expect("region by code");
        assert_eq!(region.name.as_str(), "Auvergne-Rhône-Alpes");
        assert!(r
            .constituency_by_code(f.election, ConstituencyKind::Departement, "84")?
            .is_none());
        let rhone = r
            .constituency_by_code(f.election, ConstituencyKind::Departement, "69D")?
            .expect("section département");
        assert_eq!(rhone.parent, Some(region.id));

        let key = ListKey {
            election: f.election,
            round: 1,
            constituency: region.id,
            panel: Some(2),
            label: String::new(),
        };
        let list = r.list_by_key(&key)?.expect("list by panel");
        assert_eq!(list.label.as_str(), "Liste 2 en Auvergne-Rhône-Alpes");
        assert!(r
            .list_by_key(&ListKey {
                panel: Some(9),
                ..key.clone()
            })?
            .is_none());
        assert!(r
            .list_by_key(&ListKey {
                round: 2,
                ..key.clone()
            })?
            .is_none());
        let sections = r.sections(list.id)?;
        assert_eq!(
            sections.iter().map(|s| s.code.as_str()).collect::<Vec<_>>(),
            vec!["01", "69D"]
        );

        let c = &f.candidacies[4];
        let person = r.person(c.person)?;
        let named = r.persons_named(
            person.surname.as_str(),
            person.first_name.as_ref().map(|n| n.as_str()),
        )?;
        assert_eq!(named, vec![person.clone()]);
        assert!(r.persons_named(person.surname.as_str(), None)?.is_empty());
        assert_eq!(r.candidacies_of_person(c.person)?, vec![c.clone()]);
        let seat = SeatKey::of(c).expect("list seat");
        assert_eq!(r.candidacy_at(&seat)?, Some(c.clone()));
        assert!(r
            .candidacy_at(&SeatKey::List {
                section: sections[0].id,
                order: 99
            })?
            .is_none());
        Ok(())
    });
}

/// Lookups of unknown identifiers fail with `NotFound`.
pub fn missing_records_are_not_found<S: Store>(make: impl Fn() -> S) {
    let store = make();
    read(&store, |r| {
        let checks: Vec<Result<()>> = vec![
            r.election(ElectionId::new(99)).map(drop),
            r.constituency(ConstituencyId::new(99)).map(drop),
            r.list(ListId::new(99)).map(drop),
            r.section(SectionId::new(99)).map(drop),
            r.person(PersonId::new(99)).map(drop),
            r.candidacy(CandidacyId::new(99)).map(drop),
            r.participant(ParticipantId::new(99)).map(drop),
            r.responsibility(ResponsibilityId::new(99)).map(drop),
            r.contact_detail(ContactDetailId::new(99)).map(drop),
            r.contact_action(ContactActionId::new(99)).map(drop),
            r.pledge(PledgeId::new(99)).map(drop),
            r.pledge_answer(PledgeAnswerId::new(99)).map(drop),
            r.marathon(MarathonId::new(99)).map(drop),
            r.template(TemplateId::new(99)).map(drop),
            r.proposal(ProposalId::new(99)).map(drop),
            r.reservation(ReservationId::new(99)).map(drop),
        ];
        for (index, check) in checks.into_iter().enumerate() {
            assert!(
                matches!(check, Err(Error::NotFound { .. })),
                "lookup {index} did not fail with NotFound: {check:?}"
            );
        }
        Ok(())
    });
}

/// A write whose closure fails keeps nothing.
pub fn failed_writes_keep_nothing<S: Store>(make: impl Fn() -> S) {
    let f = fixture(make);
    let store = f.campaign.store();
    let before = read(store, |r| {
        Ok((
            r.persons()?,
            r.participants()?,
            r.audit(&AuditFilter::default())?,
        ))
    });

    let result = store.write(&mut |w| {
        let participant = Participant {
            id: ParticipantId::new(w.allocate(RecordKind::Participant)?),
            name: Name::new("Éphémère")?,
            email: None,
            moderator: false,
            registered_at: start(),
        };
        w.put_participant(&participant)?;
        let mut person = w.person(f.candidacies[0].person)?;
        person.nationality = Some("changed".into());
        w.put_person(&person)?;
        Err(Error::conflict("the caller changed its mind"))
    });
    assert!(matches!(result, Err(Error::Conflict { .. })));

    let failed_import = f.campaign.import(
        &mut fixtures::legislative_rows(1)
            .into_iter()
            .map(Ok)
            .chain(std::iter::once(Err(RowError::fatal(Error::invalid(
                "truncated file",
            ))))),
        &fixtures::legislative_options(1),
        &mut |_, _| Ok(()),
    );
    assert!(failed_import.is_err());

    let after = read(store, |r| {
        Ok((
            r.persons()?,
            r.participants()?,
            r.audit(&AuditFilter::default())?,
        ))
    });
    assert_eq!(before, after);
    assert!(read(store, |r| r.election_named("Législatives 2024")).is_none());
}

/// Writes naming records that do not exist are refused.
pub fn references_are_checked<S: Store>(make: impl Fn() -> S) {
    let f = fixture(make);
    let store = f.campaign.store();
    let c = f.candidacies[0].clone();
    type Attempt = Box<dyn Fn(&mut dyn CampaignWrite) -> Result<()>>;
    let attempts: Vec<Attempt> = vec![
        Box::new(move |w| {
            let id = CandidacyId::new(w.allocate(RecordKind::Candidacy)?);
            w.put_candidacy(&Candidacy {
                id,
                person: PersonId::new(9999),
                seat: Seat::Single,
                panel: Some(99),
                ..c.clone()
            })
        }),
        Box::new(|w| {
            let action = ContactAction {
                id: ContactActionId::new(w.allocate(RecordKind::ContactAction)?),
                participant: ParticipantId::new(1),
                target: ActionTarget::Candidacy(CandidacyId::new(9999)),
                channel: Channel::Email,
                at: start(),
                outcome: Outcome::Sent,
                note: None,
                template: None,
                marathon: None,
            };
            w.put_contact_action(&action)
        }),
        Box::new(|w| {
            let detail = ContactDetail {
                id: ContactDetailId::new(w.allocate(RecordKind::ContactDetail)?),
                owner: Owner::Person(PersonId::new(9999)),
                point: ContactPoint::new(Channel::Email, "x@example.org")?,
                label: None,
                source: "s".into(),
                added_by: ParticipantId::new(1),
                added_at: start(),
                status: DetailStatus::Unverified,
                visibility: Visibility::Public,
                note: None,
            };
            w.put_contact_detail(&detail)
        }),
        Box::new(|w| {
            let r = Responsibility {
                id: ResponsibilityId::new(w.allocate(RecordKind::Responsibility)?),
                participant: ParticipantId::new(9999),
                target: Target::List(ListId::new(1)),
                status: ResponsibilityStatus::Requested,
                requested_at: start(),
                decided_by: None,
                decided_at: None,
                expires_at: None,
            };
            w.put_responsibility(&r)
        }),
    ];
    for (index, attempt) in attempts.iter().enumerate() {
        let result = store.write(&mut |w| attempt(w));
        assert!(
            result.is_err(),
            "write {index} naming a missing record was accepted"
        );
    }
    let actions = read(store, |r| r.contact_actions(&ActionFilter::default()));
    assert!(actions.is_empty());
}

/// Names, codes and seats that must be unique are.
pub fn unique_keys_are_enforced<S: Store>(make: impl Fn() -> S) {
    let f = fixture(make);
    let store = f.campaign.store();
    let election = read(store, |r| r.election(f.election));
    let clash = store.write(&mut |w| {
        let other = Election::new(
            ElectionId::new(w.allocate(RecordKind::Election)?),
            ElectionKind::Municipales,
            election.name(),
            vec![Round {
                number: 1,
                date: None,
            }],
        )?;
        w.put_election(&other)
    });
    assert!(
        matches!(clash, Err(Error::Conflict { .. })),
        "two elections with one name: {clash:?}"
    );

    let region = read(store, |r| {
        r.constituency_by_code(f.election, ConstituencyKind::Region, "84")
    })
    .expect("region");
    let clash = store.write(&mut |w| {
        let id = ConstituencyId::new(w.allocate(RecordKind::Constituency)?);
        w.put_constituency(&Constituency {
            id,
            ..region.clone()
        })
    });
    assert!(
        matches!(clash, Err(Error::Conflict { .. })),
        "two regions with one code: {clash:?}"
    );

    let taken = f.candidacies[0].clone();
    let clash = store.write(&mut |w| {
        let person = Person::named(
            PersonId::new(w.allocate(RecordKind::Person)?),
            Name::new("INTRUS")?,
            None,
        );
        w.put_person(&person)?;
        let id = CandidacyId::new(w.allocate(RecordKind::Candidacy)?);
        w.put_candidacy(&Candidacy {
            id,
            person: person.id,
            ..taken.clone()
        })
    });
    assert!(
        matches!(clash, Err(Error::Conflict { .. })),
        "two candidacies at one seat: {clash:?}"
    );
    assert!(read(store, |r| r.persons_named("INTRUS", None)).is_empty());
}

/// Identifiers keep growing, even after deletions.
pub fn identifiers_are_never_reused<S: Store>(make: impl Fn() -> S) {
    let f = fixture(make);
    let person = f.candidacies[0].person;
    let first = ok(f.campaign.add_contact_detail(
        f.moderator,
        detail(Owner::Person(person), "a@example.org", Visibility::Public),
    ))
    .applied()
    .expect("applied");
    ok(f.campaign.erase_person(f.moderator, person, None));
    let second = ok(f.campaign.add_contact_detail(
        f.moderator,
        detail(Owner::Person(person), "b@example.org", Visibility::Public),
    ))
    .applied()
    .expect("applied");
    assert!(
        second.id > first.id,
        "identifier {} handed out again",
        second.id
    );
    let ids: Vec<i64> = (0..3)
        .map(|_| write(f.campaign.store(), |w| w.allocate(RecordKind::Template)))
        .collect();
    assert!(
        ids.windows(2).all(|pair| pair[1] > pair[0]),
        "allocations {ids:?} do not grow"
    );
}

/// The audit history is appended to, never rewritten, and erasure scrubs it.
pub fn audit_is_append_only<S: Store>(make: impl Fn() -> S) {
    let f = fixture(make);
    let store = f.campaign.store();
    let person = f.candidacies[0].person;
    ok(f.campaign.add_contact_detail(
        f.moderator,
        detail(Owner::Person(person), "a@example.org", Visibility::Public),
    ));
    let entries = read(store, |r| {
        r.audit(&AuditFilter {
            person: Some(person),
            ..AuditFilter::default()
        })
    });
    assert_eq!(entries.len(), 1);
    let entry = entries[0].clone();
    assert_eq!(entry.kind, RecordKind::ContactDetail);
    assert!(entry
        .after
        .as_ref()
        .is_some_and(|after| after.to_string().contains("a@example.org")));

    let rewrite = store.write(&mut |w| {
        w.append_audit(&AuditRecord {
            source: Some("forged".into()),
            ..entry.clone()
        })
    });
    assert!(
        matches!(rewrite, Err(Error::Conflict { .. })),
        "an audit entry was rewritten: {rewrite:?}"
    );

    let scrubbed = write(store, |w| w.scrub_audit(person));
    assert_eq!(scrubbed, 1);
    let after = read(store, |r| {
        r.audit(&AuditFilter {
            person: Some(person),
            ..AuditFilter::default()
        })
    });
    assert_eq!(after.len(), 1);
    assert_eq!(
        (
            after[0].before.clone(),
            after[0].after.clone(),
            after[0].source.clone()
        ),
        (None, None, None)
    );
    assert_eq!(
        (after[0].actor, after[0].at, after[0].kind, after[0].record),
        (entry.actor, entry.at, entry.kind, entry.record)
    );
    let others = read(store, |r| {
        r.audit(&AuditFilter {
            kind: Some(RecordKind::Pledge),
            ..AuditFilter::default()
        })
    });
    assert!(others.iter().all(|e| e.after.is_some()));
}

/// Listings honour their filters.
pub fn filters_select_records<S: Store>(make: impl Fn() -> S) {
    let f = fixture(make);
    let (alice, bob) = (f.volunteers[0], f.volunteers[1]);
    let c1 = f.candidacies[0].id;
    let c2 = f.candidacies[1].id;
    let marathon = ok(f.campaign.create_marathon(
        f.moderator,
        "Contacthon n°1",
        Some(1),
        start(),
        start() + Duration::hours(3),
        Scope::election(f.election),
    ));
    let at = |minutes| Some(start() + Duration::minutes(minutes));
    for (who, target, minutes, in_marathon) in [
        (alice, c1, 0, true),
        (alice, c2, 60, true),
        (bob, c1, 240, false),
    ] {
        let mut action = NewContactAction::new(target, Channel::Email, Outcome::Sent);
        action.at = at(minutes);
        action.marathon = in_marathon.then_some(marathon.id);
        ok(f.campaign.record_action(who, action));
    }
    let r1 =
        ok(f.campaign
            .request_responsibility(alice, Target::Candidacy(c1), None, IfTaken::Refuse));
    ok(f.campaign
        .request_responsibility(bob, Target::Candidacy(c2), None, IfTaken::Refuse));
    ok(f.campaign.grant(f.moderator, r1.id));
    ok(f.campaign.create_template(alice, "t", "s", "b"));
    ok(f.campaign.take_next(
        bob,
        QueueKind::ToCollect,
        &Scope::default(),
        &TakeOptions::default(),
    ));

    let store = f.campaign.store();
    read(store, |r| {
        let count = |filter: ActionFilter| r.contact_actions(&filter).map(|a| a.len());
        assert_eq!(
            count(ActionFilter {
                participant: Some(alice),
                ..ActionFilter::default()
            })?,
            2
        );
        assert_eq!(
            count(ActionFilter {
                target: Some(ActionTarget::Candidacy(c1)),
                ..ActionFilter::default()
            })?,
            2
        );
        assert_eq!(
            count(ActionFilter {
                marathon: Some(marathon.id),
                ..ActionFilter::default()
            })?,
            2
        );
        assert_eq!(
            count(ActionFilter {
                from: at(60),
                until: at(240),
                ..ActionFilter::default()
            })?,
            1
        );
        assert_eq!(
            count(ActionFilter {
                from: at(60),
                ..ActionFilter::default()
            })?,
            2
        );

        let resp = |filter: ResponsibilityFilter| r.responsibilities(&filter).map(|v| v.len());
        assert_eq!(
            resp(ResponsibilityFilter {
                participant: Some(alice),
                ..Default::default()
            })?,
            1
        );
        assert_eq!(
            resp(ResponsibilityFilter {
                status: Some(ResponsibilityStatus::Requested),
                ..Default::default()
            })?,
            1
        );
        assert_eq!(
            resp(ResponsibilityFilter {
                target: Some(Target::Candidacy(c2)),
                ..Default::default()
            })?,
            1
        );

        assert_eq!(r.templates(Some(alice))?.len(), 1);
        assert_eq!(r.templates(Some(bob))?.len(), 0);
        assert_eq!(
            r.reservations(&ReservationFilter {
                participant: Some(bob),
                ..Default::default()
            })?
            .len(),
            1
        );
        assert_eq!(
            r.reservations(&ReservationFilter {
                active_at: Some(start() + Duration::hours(1)),
                ..Default::default()
            })?
            .len(),
            0
        );
        assert_eq!(
            r.reservations(&ReservationFilter {
                active_at: Some(start()),
                ..Default::default()
            })?
            .len(),
            1
        );
        assert_eq!(
            r.audit(&AuditFilter {
                actor: Some(alice),
                kind: Some(RecordKind::ContactAction),
                ..Default::default()
            })?
            .len(),
            2
        );
        assert_eq!(
            r.pledge_answers(Some(Subject::Person(f.candidacies[0].person)))?
                .len(),
            0
        );
        Ok(())
    });
}

/// `candidacies` honours every filter of a scope.
pub fn scopes_select_candidacies<S: Store>(make: impl Fn() -> S) {
    let f = fixture(make);
    let store = f.campaign.store();
    fixtures::import(
        &f.campaign,
        fixtures::legislative_rows(1),
        &fixtures::legislative_options(1),
    );
    let withdrawn = f.candidacies[5].id;
    ok(f.campaign.change(
        f.moderator,
        Change::SetWithdrawn {
            candidacy: withdrawn,
            withdrawn: true,
        },
        Some("retrait"),
    ));

    read(store, |r| {
        let count = |scope: Scope| r.candidacies(&scope).map(|v| v.len());
        let region = r
            .constituency_by_code(f.election, ConstituencyKind::Region, "84")?
            .expect("region");
        let ain = r
            .constituency_by_code(f.election, ConstituencyKind::Departement, "01")?
            .expect("ain");
        let list = r.lists(f.election)?[0].clone();
        let legislatives = r
            .election_named("Législatives 2024")?
            .expect("legislatives")
            .id();

        assert_eq!(count(Scope::default())?, 23 + 12);
        assert_eq!(
            count(Scope {
                include_withdrawn: true,
                ..Scope::election(f.election)
            })?,
            24
        );
        assert_eq!(count(Scope::election(f.election))?, 23);
        assert_eq!(count(Scope::election(legislatives))?, 12);
        assert_eq!(
            count(Scope::election(legislatives).with_role(Role::Substitute))?,
            12
        );
        assert_eq!(
            count(Scope {
                include_substitutes: true,
                ..Scope::election(legislatives)
            })?,
            24
        );
        assert_eq!(count(Scope::election(f.election).with_round(2))?, 0);
        assert_eq!(count(Scope::default().with_constituency(region.id))?, 11);
        assert_eq!(count(Scope::default().with_constituency(ain.id))?, 6);
        assert_eq!(count(Scope::default().with_list(list.id))?, 5);
        assert_eq!(count(Scope::default().with_nuance("LDVG"))?, 12 - 1);
        assert_eq!(count(Scope::default().with_nuance("ENS"))?, 4);
        assert_eq!(
            count(Scope::election(f.election).with_role(Role::HeadOfList))?,
            4
        );
        assert_eq!(
            count(Scope::election(f.election).with_role(Role::HeadOfSection))?,
            8
        );
        assert_eq!(
            count(
                Scope::election(f.election)
                    .with_role(Role::HeadOfList)
                    .with_role(Role::HeadOfSection)
            )?,
            10
        );
        assert_eq!(
            count(Scope::election(f.election).with_role(Role::Member))?,
            14 - 1
        );
        Ok(())
    });
}

fn busy_campaign<S: Store>(f: &Fixture<S>) {
    let c = &f.campaign;
    let people: Vec<PersonId> = f.candidacies.iter().map(|c| c.person).collect();
    for (index, person) in people.iter().enumerate().take(14) {
        let value = format!("c{index}@example.org");
        let added = ok(c.add_contact_detail(
            f.moderator,
            detail(Owner::Person(*person), &value, Visibility::Public),
        ))
        .applied()
        .expect("applied");
        if index % 5 == 4 {
            ok(c.set_detail_status(f.moderator, added.id, DetailStatus::Bounced, None));
        }
    }
    ok(c.add_contact_detail(
        f.moderator,
        NewContactDetail {
            point: ok(ContactPoint::new(
                Channel::WebForm,
                "https://liste.example.org/contact",
            )),
            ..detail(
                Owner::Person(people[20]),
                "x@example.org",
                Visibility::Public,
            )
        },
    ));
    for (index, candidacy) in f.candidacies.iter().enumerate().take(16) {
        let who = f.volunteers[index % 3];
        for repeat in 0..(1 + index % 3) {
            f.clock
                .set(start() + Duration::hours((index * 7 + repeat * 30) as i64));
            let mut action = NewContactAction::new(candidacy.id, Channel::Email, Outcome::Sent);
            action.at = Some(f.clock.now());
            ok(c.record_action(who, action));
        }
    }
    let list = ok(c.store().read_with(|r| r.lists(f.election)))[0].id;
    ok(c.record_action(
        f.volunteers[0],
        NewContactAction {
            target: ActionTarget::List(list),
            ..NewContactAction::new(f.candidacies[0].id, Channel::Postal, Outcome::Sent)
        },
    ));
    for (index, candidacy) in f.candidacies.iter().enumerate().filter(|(i, _)| i % 4 == 1) {
        let answer = if index % 8 == 1 {
            Answer::Signed {
                evidence: format!("courriel {index}"),
            }
        } else {
            Answer::Declined
        };
        ok(c.record_answer(
            f.moderator,
            f.pledge,
            Subject::Person(candidacy.person),
            answer,
            day(10 + (index as u32 % 10)),
        ));
    }
    ok(c.record_answer(
        f.moderator,
        f.pledge,
        Subject::Person(f.candidacies[9].person),
        Answer::Signed {
            evidence: "relance".into(),
        },
        day(25),
    ));
    f.clock.set(start() + Duration::days(20));
}

/// The store's queries give the same answers as the plain ones.
pub fn queries_match_the_oracle<S: Store>(make: impl Fn() -> S) {
    let f = fixture(make);
    busy_campaign(&f);
    let store = f.campaign.store();
    let now = f.clock.now();
    read(store, |r| {
        let region = r
            .constituency_by_code(f.election, ConstituencyKind::Region, "53")?
            .expect("region")
            .id;
        let list = r.lists(f.election)?[1].id;
        let from = Some(start() + Duration::hours(20));
        let until = Some(start() + Duration::hours(90));
        let scopes = vec![
            Scope::default(),
            Scope::election(f.election),
            Scope::election(f.election).with_round(1),
            Scope::default().with_constituency(region),
            Scope::default().with_list(list),
            Scope::default().with_nuance("LDVD"),
            Scope::default().with_role(Role::HeadOfSection),
            Scope::default().with_period(from, until),
            Scope::default().with_period(None, until),
            Scope::default()
                .with_pledge(f.pledge)
                .with_period(from, None),
            Scope {
                include_withdrawn: true,
                ..Scope::default()
            },
        ];
        for scope in &scopes {
            for group in [
                GroupBy::Total,
                GroupBy::Constituency,
                GroupBy::List,
                GroupBy::Nuance,
            ] {
                assert_eq!(
                    r.tally(scope, group)?,
                    naive::tally(r, scope, group)?,
                    "tally by {group:?} of {scope:?}"
                );
            }
            assert_eq!(
                r.daily(scope)?,
                naive::daily(r, scope)?,
                "daily of {scope:?}"
            );
            assert_eq!(
                r.activity(scope)?,
                naive::activity(r, scope)?,
                "activity of {scope:?}"
            );
            for kind in QueueKind::ALL {
                for delay in [Duration::days(1), Duration::days(30)] {
                    let query = QueueQuery {
                        kind: *kind,
                        scope: scope.clone(),
                        now,
                        follow_up_after: delay,
                    };
                    assert_eq!(
                        r.queue(&query, 100)?,
                        naive::queue(r, &query, 100)?,
                        "queue {kind} of {scope:?}"
                    );
                    assert_eq!(
                        r.queue(&query, 2)?,
                        naive::queue(r, &query, 2)?,
                        "first 2 of queue {kind}"
                    );
                }
            }
        }
        for c in &f.candidacies {
            assert_eq!(
                r.responsibilities_covering(c.id, now)?,
                naive::covering(r, c.id, now)?
            );
        }
        Ok(())
    });

    let (alice, bob) = (f.volunteers[0], f.volunteers[1]);
    let region = read(store, |r| {
        r.constituency_by_code(f.election, ConstituencyKind::Region, "84")
    })
    .expect("region")
    .id;
    let list = read(store, |r| r.lists(f.election))[2].id;
    let a = ok(f.campaign.request_responsibility(
        alice,
        Target::Constituency(region),
        None,
        IfTaken::Refuse,
    ));
    ok(f.campaign.grant(f.moderator, a.id));
    let b = ok(f.campaign.request_responsibility(
        bob,
        Target::List(list),
        Some(now + Duration::days(1)),
        IfTaken::Refuse,
    ));
    ok(f.campaign.grant(f.moderator, b.id));
    let later = now + Duration::hours(2);
    read(store, |r| {
        for c in &f.candidacies {
            assert_eq!(
                r.responsibilities_covering(c.id, later)?,
                naive::covering(r, c.id, later)?
            );
        }
        let targets = r
            .lists(f.election)?
            .into_iter()
            .map(|l| Target::List(l.id))
            .chain(
                r.constituencies(f.election)?
                    .into_iter()
                    .map(|k| Target::Constituency(k.id)),
            )
            .chain(f.candidacies.iter().map(|c| Target::Candidacy(c.id)));
        for target in targets {
            assert_eq!(
                r.responsibilities_overlapping(target, later)?,
                naive::overlapping(r, target, later)?,
                "overlapping {target:?}"
            );
        }
        Ok(())
    });
}

/// Importing the same file twice changes nothing the second time.
pub fn import_is_idempotent<S: Store>(make: impl Fn() -> S) {
    let store = make();
    let campaign = Campaign::new(store);
    let first = fixtures::import(
        &campaign,
        fixtures::regional_rows(),
        &fixtures::regional_options(),
    );
    assert_eq!(
        (
            first.candidacies,
            first.lists,
            first.sections,
            first.constituencies
        ),
        (24, 4, 8, 2)
    );
    assert_eq!(
        (
            first.heads_of_list,
            first.heads_of_section,
            first.created,
            first.persons
        ),
        (4, 8, 24, 24)
    );
    let snapshot = |c: &Campaign<S>| {
        ok(c.store().read_with(|r| {
            Ok((
                r.persons()?,
                r.candidacies(&Scope {
                    include_withdrawn: true,
                    ..Scope::default()
                })?,
                r.constituencies(ElectionId::new(1))?,
            ))
        }))
    };
    let before = snapshot(&campaign);

    let second = fixtures::import(
        &campaign,
        fixtures::regional_rows(),
        &fixtures::regional_options(),
    );
    assert!(
        second.is_unchanged(),
        "second import changed something: {second:?}"
    );
    assert_eq!(
        (second.unchanged, second.candidacies, second.heads_of_list),
        (24, 24, 4)
    );
    assert_eq!(before, snapshot(&campaign));

    let leg = fixtures::import(
        &campaign,
        fixtures::legislative_rows(1),
        &fixtures::legislative_options(1),
    );
    assert_eq!(
        (
            leg.candidacies,
            leg.substitutes,
            leg.persons,
            leg.constituencies
        ),
        (12, 12, 24, 4)
    );
    let again = fixtures::import(
        &campaign,
        fixtures::legislative_rows(1),
        &fixtures::legislative_options(1),
    );
    assert!(
        again.is_unchanged(),
        "second législatives import changed something: {again:?}"
    );
}

/// A corrected file updates in place, keeps what is attached, and marks
/// what disappeared as withdrawn.
pub fn corrected_file_updates_in_place<S: Store>(make: impl Fn() -> S) {
    let f = fixture(make);
    let c = &f.campaign;
    let kept = f.candidacies[0].clone();
    let gone = f.candidacies[5].clone();
    ok(c.add_contact_detail(
        f.moderator,
        detail(
            Owner::Person(kept.person),
            "kept@example.org",
            Visibility::Public,
        ),
    ));
    ok(c.record_action(
        f.volunteers[0],
        NewContactAction::new(kept.id, Channel::Email, Outcome::Sent),
    ));
    ok(c.record_action(
        f.volunteers[0],
        NewContactAction::new(gone.id, Channel::Email, Outcome::Sent),
    ));

    let mut rows = fixtures::regional_rows();
    if let Some(first) = rows.first_mut() {
        first.candidate.profession = Some("Maire".into());
        first.candidate.first_name = Some("Prénom-Corrigé".into());
    }
    rows.remove(5);
    let summary = fixtures::import(c, rows, &fixtures::regional_options());
    assert_eq!(
        (
            summary.updated,
            summary.withdrawn,
            summary.created,
            summary.unchanged
        ),
        (1, 1, 0, 22)
    );

    ok(c.store().read_with(|r| {
        let updated = r.candidacy(kept.id)?;
        assert_eq!(updated.person, kept.person);
        assert_eq!(updated.profession.as_deref(), Some("Maire"));
        let person = r.person(kept.person)?;
        assert_eq!(
            person.first_name.as_ref().map(|n| n.as_str()),
            Some("Prénom-Corrigé")
        );
        assert_eq!(
            r.contact_details(Some(Owner::Person(kept.person)))?.len(),
            1
        );
        assert!(r.candidacy(gone.id)?.withdrawn);
        assert_eq!(r.contact_actions(&ActionFilter::default())?.len(), 2);
        Ok(())
    }));

    let back = fixtures::import(c, fixtures::regional_rows(), &fixtures::regional_options());
    assert_eq!(
        back.updated, 2,
        "the withdrawn candidacy returns and the name goes back: {back:?}"
    );
    assert!(!ok(c.store().read_with(|r| r.candidacy(gone.id))).withdrawn);
}

/// Municipal rows: `communes` communes of one list of `size` candidates.
fn municipal_rows(communes: u32, size: u32) -> Vec<ImportRow> {
    let mut rows = Vec::new();
    for commune in 1..=communes {
        for order in 1..=size {
            rows.push(ImportRow {
                location: Location::file("municipales.csv").line(rows.len() as u64 + 2),
                area: vec![
                    AreaSpec {
                        kind: ConstituencyKind::Departement,
                        code: format!("{:02}", 1 + commune % 3),
                        name: format!("Département {}", 1 + commune % 3),
                    },
                    AreaSpec {
                        kind: ConstituencyKind::Commune,
                        code: format!("{commune:05}"),
                        name: format!("Commune {commune}"),
                    },
                ],
                candidate: CandidateSpec {
                    surname: format!("NOM-{commune}"),
                    first_name: Some(format!("Prénom-{order}")),
                    sex: None,
                    birth_date: None,
                    profession: None,
                    nationality: None,
                    outgoing: false,
                },
                seat: SeatSpec::List {
                    panel: Some(1),
                    short_label: None,
                    label: format!("Liste de la commune {commune}"),
                    nuance: None,
                    section: None,
                    order,
                    head_of_list: Some(order == 1),
                    community_council: false,
                },
                raw: Vec::new(),
            });
        }
    }
    rows
}

/// A national file imported again (more lists than are read one by one)
/// keeps every candidacy, and withdraws those that left it, a whole list
/// too; a new list cannot hold two candidates at one order.
pub fn national_file_imported_again<S: Store>(make: impl Fn() -> S) {
    let campaign = Campaign::new(make());
    let options = ImportOptions::new("Municipales 2026", ElectionKind::Municipales);
    // A second list in the first commune.
    let second: Vec<ImportRow> = municipal_rows(1, 3)
        .into_iter()
        .map(|mut row| {
            row.candidate.surname = "AUTRE".into();
            if let SeatSpec::List { panel, label, .. } = &mut row.seat {
                *panel = Some(2);
                *label = "Seconde liste".into();
            }
            row
        })
        .collect();
    let file = || {
        municipal_rows(80, 3)
            .into_iter()
            .chain(second.clone())
            .collect()
    };
    let first = fixtures::import(&campaign, file(), &options);
    assert_eq!((first.created, first.lists), (243, 81));

    let again = fixtures::import(&campaign, file(), &options);
    assert!(again.is_unchanged(), "{again:?}");

    // One candidate and the second list leave the file.
    let mut rows = municipal_rows(80, 3);
    rows.remove(4);
    let corrected = fixtures::import(&campaign, rows, &options);
    assert_eq!((corrected.withdrawn, corrected.unchanged), (4, 239));

    let mut twice = municipal_rows(1, 2);
    for row in &mut twice {
        row.area[1].code = "99999".into();
        if let SeatSpec::List { order, .. } = &mut row.seat {
            *order = 1;
        }
    }
    let mut iter = twice.into_iter().map(Ok);
    let refused = campaign.import(&mut iter, &options, &mut |_, _| Ok(()));
    assert!(
        matches!(&refused, Err(Error::InvalidInput { .. })),
        "two candidates at one order of a new list: {refused:?}"
    );
}

/// A second-round file becomes round 2 of the same election, with the same
/// persons.
pub fn second_round_links_persons<S: Store>(make: impl Fn() -> S) {
    let campaign = Campaign::new(make());
    let first = fixtures::import(
        &campaign,
        fixtures::legislative_rows(1),
        &fixtures::legislative_options(1),
    );
    let mut corrected = fixtures::legislative_rows(2);
    corrected[0].candidate.surname = "CANDIDÂT-011".into();
    corrected[1].candidate.birth_date = chrono::NaiveDate::from_ymd_opt(1999, 9, 9);
    let second = fixtures::import(&campaign, corrected, &fixtures::legislative_options(2));
    assert_eq!(first.election, second.election);
    assert_eq!(
        (
            second.candidacies,
            second.substitutes,
            second.persons_reused,
            second.persons_created
        ),
        (8, 8, 16, 0)
    );

    ok(campaign.store().read_with(|r| {
        let election = r.election(second.election.unwrap_or(ElectionId::new(0)))?;
        assert_eq!(election.rounds().len(), 2);
        let round2 = r.candidacies(&Scope {
            include_substitutes: true,
            ..Scope::election(election.id()).with_round(2)
        })?;
        assert_eq!(round2.len(), 16);
        assert_eq!(
            r.persons_named("CANDIDÂT-011", Some("Jean"))?.len(),
            1,
            "the corrected spelling wins"
        );
        assert!(r.persons_named("CANDIDAT-011", Some("Jean"))?.is_empty());
        for c in round2 {
            let all = r.candidacies_of_person(c.person)?;
            assert_eq!(
                all.iter().map(|c| c.round).collect::<BTreeSet<_>>(),
                BTreeSet::from([1, 2])
            );
        }
        Ok(())
    }));

    // The first round's file again: the second round's corrections stay,
    // and nothing changes.
    let again = fixtures::import(
        &campaign,
        fixtures::legislative_rows(1),
        &fixtures::legislative_options(1),
    );
    assert_eq!(
        (
            again.created,
            again.updated,
            again.withdrawn,
            again.persons_created
        ),
        (0, 0, 0, 0),
        "{again:?}"
    );
    assert!(again.is_unchanged());
    ok(campaign.store().read_with(|r| {
        assert_eq!(r.persons_named("CANDIDÂT-011", Some("Jean"))?.len(), 1);
        assert!(r.persons_named("CANDIDAT-011", Some("Jean"))?.is_empty());
        Ok(())
    }));
}

/// One person on two lists of one file is two candidacies of one person.
pub fn one_person_may_stand_on_two_lists<S: Store>(make: impl Fn() -> S) {
    let campaign = Campaign::new(make());
    let mut rows = fixtures::regional_rows();
    rows[7].candidate = rows[0].candidate.clone();

    let summary = fixtures::import(&campaign, rows, &fixtures::regional_options());

    assert_eq!(
        (
            summary.candidacies,
            summary.persons,
            summary.persons_created
        ),
        (24, 23, 23)
    );
    let person = ok(campaign
        .store()
        .read_with(|r| r.candidacies(&Scope::default())))[0]
        .person;
    let candidacies = ok(campaign
        .store()
        .read_with(|r| r.candidacies_of_person(person)));
    assert_eq!(candidacies.len(), 2);
    assert_ne!(candidacies[0].list(), candidacies[1].list());
}

/// Homonyms are reported, not merged blindly.
pub fn ambiguous_persons_are_reported<S: Store>(make: impl Fn() -> S) {
    let campaign = Campaign::new(make());
    let mut rows = fixtures::legislative_rows(1);
    for row in rows.iter_mut().take(2) {
        row.candidate.surname = "MARTIN".into();
        row.candidate.birth_date = None;
    }
    let options = ImportOptions {
        person_match: PersonMatch::Never,
        ..fixtures::legislative_options(1)
    };
    fixtures::import(&campaign, rows, &options);

    let mut row = fixtures::legislative_rows(1).remove(0);
    row.candidate.surname = "MARTIN".into();
    row.candidate.birth_date = None;
    row.area[1].code = "0199".into();
    let options = ImportOptions {
        person_match: PersonMatch::Name,
        ..fixtures::legislative_options(2)
    };
    let summary = fixtures::import(&campaign, vec![row], &options);
    assert_eq!(summary.ambiguous.len(), 1);
    assert_eq!(summary.ambiguous[0].candidates.len(), 2);
    assert_eq!(summary.ambiguous[0].location.line, Some(2));
    let martins = ok(campaign
        .store()
        .read_with(|r| r.persons_named("MARTIN", Some("Jean"))));
    assert_eq!(martins.len(), 3);
}

/// Bad files are refused whole, naming the line, and change nothing.
pub fn bad_files_change_nothing<S: Store>(make: impl Fn() -> S) {
    let f = fixture(make);
    let c = &f.campaign;
    let before = ok(c.store().read_with(|r| {
        Ok((
            r.persons()?,
            r.candidacies(&Scope {
                include_withdrawn: true,
                include_substitutes: true,
                ..Scope::default()
            })?,
            r.elections()?,
        ))
    }));
    let options = fixtures::regional_options();

    let mut duplicate_order = fixtures::regional_rows();
    if let SeatSpec::List { order, .. } = &mut duplicate_order[2].seat {
        *order = 2;
    }
    let mut no_head = fixtures::regional_rows();
    for row in no_head.iter_mut().take(6) {
        if let SeatSpec::List { head_of_list, .. } = &mut row.seat {
            *head_of_list = Some(false);
        }
    }
    let mut two_heads = fixtures::regional_rows();
    if let SeatSpec::List { head_of_list, .. } = &mut two_heads[1].seat {
        *head_of_list = Some(true);
    }
    let mut twice = fixtures::regional_rows();
    twice[4].candidate = twice[0].candidate.clone();
    let mut empty_name = fixtures::regional_rows();
    empty_name[9].candidate.surname = "  ".into();

    for (label, rows, line) in [
        ("duplicate order", duplicate_order, 4),
        ("list without head", no_head, 2),
        ("two heads", two_heads, 3),
        ("candidate twice", twice, 6),
        ("empty surname", empty_name, 11),
    ] {
        let result = c.import(&mut rows.into_iter().map(Ok), &options, &mut |_, _| Ok(()));
        let error = result.err().unwrap_or_else(|| panic!("{label}: accepted"));
        assert!(
            matches!(error, Error::InvalidInput { .. }),
            "{label}: {error}"
        );
        assert_eq!(
            error.location().and_then(|l| l.line),
            Some(line),
            "{label}: {error}"
        );
        assert_eq!(
            error.location().and_then(|l| l.file.clone()).as_deref(),
            Some("regionales.csv"),
            "{label}"
        );
    }
    let wrong_kind = c.import(
        &mut fixtures::legislative_rows(1).into_iter().map(Ok),
        &ImportOptions {
            kind: ElectionKind::Legislatives,
            ..options.clone()
        },
        &mut |_, _| Ok(()),
    );
    assert!(wrong_kind.is_err());

    let after = ok(c.store().read_with(|r| {
        Ok((
            r.persons()?,
            r.candidacies(&Scope {
                include_withdrawn: true,
                include_substitutes: true,
                ..Scope::default()
            })?,
            r.elections()?,
        ))
    }));
    assert_eq!(before, after);
}

/// With `skip_invalid`, bad lines are passed to the sink and the rest is
/// kept.
pub fn skipped_lines_are_reported<S: Store>(make: impl Fn() -> S) {
    let campaign = Campaign::new(make());
    let mut rows: Vec<std::result::Result<ImportRow, RowError>> =
        fixtures::legislative_rows(1).into_iter().map(Ok).collect();
    if let Ok(row) = &mut rows[3] {
        row.candidate.surname = String::new();
    }
    rows.insert(
        5,
        Err(RowError {
            error: Error::invalid_at(
                Location::file("legislatives.csv").line(7).column(10),
                "expected a date",
            ),
            raw: vec!["raw".into(), "fields".into()],
            recoverable: true,
        }),
    );
    let options = ImportOptions {
        skip_invalid: true,
        ..fixtures::legislative_options(1)
    };
    let mut rejected = Vec::new();
    let summary = ok(
        campaign.import(&mut rows.into_iter(), &options, &mut |error, raw| {
            rejected.push((error.location().and_then(|l| l.line), raw.to_vec()));
            Ok(())
        }),
    );
    assert_eq!((summary.rejected, summary.candidacies), (2, 11));
    assert_eq!(rejected[0].0, Some(5));
    assert_eq!(
        rejected[1],
        (Some(7), vec!["raw".to_string(), "fields".to_string()])
    );

    let fatal = campaign.import(
        &mut vec![Err(RowError::fatal(Error::invalid("unreadable")))].into_iter(),
        &options,
        &mut |_, _| Ok(()),
    );
    assert!(fatal.is_err());
}

/// One participant at a time holds a candidacy; others are refused with
/// the holder named.
pub fn responsibility_is_exclusive<S: Store>(make: impl Fn() -> S) {
    let f = fixture(make);
    let c = &f.campaign;
    let (alice, bob) = (f.volunteers[0], f.volunteers[1]);
    let list = ok(c.store().read_with(|r| r.lists(f.election)))[0].clone();
    let candidacy = f
        .candidacies
        .iter()
        .find(|x| x.list() == Some(list.id))
        .expect("candidacy")
        .id;

    let request = ok(c.request_responsibility(alice, Target::List(list.id), None, IfTaken::Refuse));
    assert_eq!(request.status, ResponsibilityStatus::Requested);
    assert!(!ok(c.may_edit_candidacy(alice, candidacy)));
    let granted = ok(c.grant(f.moderator, request.id));
    assert_eq!(
        (granted.status, granted.decided_by),
        (ResponsibilityStatus::Granted, Some(f.moderator))
    );
    assert!(ok(c.may_edit_candidacy(alice, candidacy)));
    assert_eq!(ok(c.responsible_for(candidacy)), Some(alice));

    match c.request_responsibility(bob, Target::Candidacy(candidacy), None, IfTaken::Refuse) {
        Err(Error::Conflict { holder, message }) => {
            assert_eq!(holder, Some(alice));
            assert!(message.contains("Alice"), "{message}");
        }
        other => panic!("second holder not refused: {other:?}"),
    }
    let region = read(c.store(), |r| r.constituency(list.constituency));
    assert!(matches!(
        c.request_responsibility(bob, Target::Constituency(region.id), None, IfTaken::Refuse),
        Err(Error::Conflict { .. })
    ));

    let other_list = ok(c.store().read_with(|r| r.lists(f.election)))[1].id;
    let free = ok(c.request_responsibility(bob, Target::List(other_list), None, IfTaken::Refuse));
    assert!(ok(c.grant(f.moderator, free.id)).is_active(f.clock.now()));
    assert!(matches!(
        c.grant(bob, free.id),
        Err(Error::PermissionDenied { .. })
    ));
    assert!(
        matches!(c.grant(f.moderator, free.id), Err(Error::Conflict { .. })),
        "granted twice"
    );
    let again = ok(c.request_responsibility(alice, Target::List(list.id), None, IfTaken::Refuse));
    assert_eq!(again.id, request.id, "asking again returns what is held");

    let waiting = ok(c.request_responsibility(
        f.volunteers[2],
        Target::Candidacy(candidacy),
        None,
        IfTaken::Wait,
    ));
    assert_eq!(waiting.status, ResponsibilityStatus::Requested);
    assert!(
        matches!(c.grant(f.moderator, waiting.id), Err(Error::Conflict { holder: Some(h), .. }) if h == alice)
    );
    let refused = ok(c.refuse(f.moderator, waiting.id));
    assert_eq!(refused.status, ResponsibilityStatus::Refused);
}

/// Under automatic grants, a waiting request is granted when the holder
/// lets go.
pub fn waiting_requests_are_granted_on_release<S: Store>(make: impl Fn() -> S) {
    let store = make();
    let clock = Arc::new(ManualClock::new(start()));
    let c = Campaign::new(store)
        .with_policy(GrantPolicy::Automatic)
        .with_clock(clock.clone());
    fixtures::import(&c, fixtures::regional_rows(), &fixtures::regional_options());
    let alice = ok(c.register("Alice", None)).id;
    let bob = ok(c.register("Bob", None)).id;
    let candidacy = ok(c.store().read_with(|r| r.candidacies(&Scope::default())))[3].clone();

    let held = ok(c.request_responsibility(
        alice,
        Target::Candidacy(candidacy.id),
        None,
        IfTaken::Refuse,
    ));
    assert_eq!(held.status, ResponsibilityStatus::Granted);
    let waiting = ok(c.request_responsibility(
        bob,
        Target::List(candidacy.list().expect("list")),
        None,
        IfTaken::Wait,
    ));
    assert_eq!(waiting.status, ResponsibilityStatus::Requested);

    assert!(matches!(
        c.release(bob, held.id),
        Err(Error::PermissionDenied { .. })
    ));
    ok(c.release(alice, held.id));
    let after = read(c.store(), |r| r.responsibility(waiting.id));
    assert_eq!(after.status, ResponsibilityStatus::Granted);
    assert_eq!(ok(c.responsible_for(candidacy.id)), Some(bob));
    assert!(matches!(
        c.release(alice, held.id),
        Err(Error::Conflict { .. })
    ));
}

/// Revoked and expired responsibilities stop giving rights at once.
pub fn revoked_and_expired_rights_stop_at_once<S: Store>(make: impl Fn() -> S) {
    let f = fixture(make);
    let c = &f.campaign;
    let alice = f.volunteers[0];
    let (one, two) = (f.candidacies[0].clone(), f.candidacies[1].clone());
    let r1 = ok(c.request_responsibility(alice, Target::Candidacy(one.id), None, IfTaken::Refuse));
    ok(c.grant(f.moderator, r1.id));
    let r2 = ok(c.request_responsibility(
        alice,
        Target::Candidacy(two.id),
        Some(f.clock.now() + Duration::hours(1)),
        IfTaken::Refuse,
    ));
    ok(c.grant(f.moderator, r2.id));
    assert!(ok(c.may_edit_candidacy(alice, one.id)) && ok(c.may_edit_candidacy(alice, two.id)));

    assert!(matches!(
        c.revoke(alice, r1.id),
        Err(Error::PermissionDenied { .. })
    ));
    ok(c.revoke(f.moderator, r1.id));
    assert!(!ok(c.may_edit_candidacy(alice, one.id)));
    let edit = ok(c.add_contact_detail(
        alice,
        detail(
            Owner::Person(one.person),
            "x@example.org",
            Visibility::Public,
        ),
    ));
    assert!(
        matches!(edit, Edit::Proposed(_)),
        "a revoked participant edited directly"
    );

    f.clock.advance(Duration::hours(1));
    assert!(!ok(c.may_edit_candidacy(alice, two.id)));
    let stored = read(c.store(), |r| r.responsibility(r2.id));
    assert_eq!(
        stored.status_at(f.clock.now()),
        ResponsibilityStatus::Expired
    );
    assert_eq!(ok(c.responsible_for(two.id)), None);
    let bob = ok(c.request_responsibility(
        f.volunteers[1],
        Target::Candidacy(two.id),
        None,
        IfTaken::Refuse,
    ));
    assert!(ok(c.grant(f.moderator, bob.id)).is_active(f.clock.now()));
    assert!(matches!(
        c.request_responsibility(
            alice,
            Target::Candidacy(one.id),
            Some(f.clock.now() - Duration::hours(1)),
            IfTaken::Refuse
        ),
        Err(Error::InvalidInput { .. })
    ));
}

/// Edits by a participant without responsibility wait as proposals; those
/// with responsibility apply, and land in the history.
pub fn edits_without_responsibility_become_proposals<S: Store>(make: impl Fn() -> S) {
    let f = fixture(make);
    let c = &f.campaign;
    let (alice, bob) = (f.volunteers[0], f.volunteers[1]);
    let target = f.candidacies[2].clone();
    let r =
        ok(c.request_responsibility(alice, Target::Candidacy(target.id), None, IfTaken::Refuse));
    ok(c.grant(f.moderator, r.id));

    let applied = ok(c.add_contact_detail(
        alice,
        detail(
            Owner::Person(target.person),
            "a@example.org",
            Visibility::Public,
        ),
    ));
    let detail_record = applied
        .applied()
        .expect("responsible participant edits directly");
    assert_eq!(
        (detail_record.added_by, detail_record.status),
        (alice, DetailStatus::Unverified)
    );

    let proposed = ok(c.add_contact_detail(
        bob,
        detail(
            Owner::Person(target.person),
            "b@example.org",
            Visibility::Public,
        ),
    ));
    let proposal = proposed.proposal().expect("other participant proposes");
    assert_eq!(
        (proposal.author, proposal.status),
        (bob, ProposalStatus::Pending)
    );
    assert_eq!(
        ok(c.contact_details(None, Owner::Person(target.person))).len(),
        1
    );

    for change in [
        Change::SetDetailStatus {
            detail: detail_record.id,
            status: DetailStatus::Bounced,
        },
        Change::SetWithdrawn {
            candidacy: target.id,
            withdrawn: true,
        },
        Change::RecordAnswer {
            pledge: f.pledge,
            subject: Subject::Person(target.person),
            answer: Answer::Declined,
            date: day(11),
        },
    ] {
        assert!(
            matches!(ok(c.change(bob, change.clone(), None)), Edit::Proposed(_)),
            "{change:?} applied without responsibility"
        );
        assert!(
            matches!(ok(c.change(alice, change.clone(), None)), Edit::Applied(_)),
            "{change:?} not applied with responsibility"
        );
    }
    let mut person = read(c.store(), |r| r.person(target.person));
    person.nationality = Some("FRA".into());
    assert!(matches!(
        ok(c.change(
            bob,
            Change::UpdatePerson {
                person: person.clone()
            },
            None
        )),
        Edit::Proposed(_)
    ));
    assert!(matches!(
        ok(c.change(
            f.moderator,
            Change::UpdatePerson { person },
            Some("site de la mairie")
        )),
        Edit::Applied(_)
    ));

    let action = ok(c.record_action(
        bob,
        NewContactAction::new(target.id, Channel::Email, Outcome::Sent),
    ));
    assert_eq!(
        action.participant, bob,
        "anyone records their own contact actions"
    );

    let history = ok(c.history(RecordKind::ContactDetail, detail_record.id.get()));
    assert_eq!(
        history.iter().map(|e| e.action).collect::<Vec<_>>(),
        vec![AuditAction::Create, AuditAction::Update]
    );
    assert_eq!(history[1].actor, Some(alice));
    let person_history = ok(c.history(RecordKind::Person, target.person.get()));
    assert_eq!(
        person_history
            .last()
            .and_then(|e| e.source.clone())
            .as_deref(),
        Some("site de la mairie")
    );
    assert!(matches!(
        c.add_contact_detail(
            alice,
            detail(
                Owner::Person(target.person),
                "a@example.org",
                Visibility::Public
            )
        ),
        Err(Error::Conflict { .. })
    ));
}

/// Proposals are accepted or rejected by the responsible participant or a
/// moderator, once.
pub fn moderation_of_proposals<S: Store>(make: impl Fn() -> S) {
    let f = fixture(make);
    let c = &f.campaign;
    let (alice, bob, chloe) = (f.volunteers[0], f.volunteers[1], f.volunteers[2]);
    let target = f.candidacies[7].clone();
    let r =
        ok(c.request_responsibility(alice, Target::Candidacy(target.id), None, IfTaken::Refuse));
    ok(c.grant(f.moderator, r.id));

    let first = ok(c.add_contact_detail(
        bob,
        detail(
            Owner::Person(target.person),
            "b@example.org",
            Visibility::Public,
        ),
    ))
    .proposal()
    .expect("proposal");
    let second = ok(c.add_contact_detail(
        bob,
        detail(
            Owner::Person(target.person),
            "c@example.org",
            Visibility::Public,
        ),
    ))
    .proposal()
    .expect("proposal");
    assert!(matches!(
        c.accept(chloe, first.id),
        Err(Error::PermissionDenied { .. })
    ));
    let applied = ok(c.accept(alice, first.id));
    match applied {
        Applied::ContactDetail(d) => {
            assert_eq!((d.added_by, d.point.value()), (bob, "b@example.org"))
        }
        other => panic!("unexpected {other:?}"),
    }
    assert!(matches!(
        c.accept(alice, first.id),
        Err(Error::Conflict { .. })
    ));
    let rejected = ok(c.reject(f.moderator, second.id));
    assert_eq!(
        (rejected.status, rejected.decided_by),
        (ProposalStatus::Rejected, Some(f.moderator))
    );
    assert!(matches!(
        c.accept(f.moderator, second.id),
        Err(Error::Conflict { .. })
    ));
    assert_eq!(
        ok(c.contact_details(Some(f.moderator), Owner::Person(target.person))).len(),
        1
    );
    let pending = read(c.store(), |r| r.proposals(Some(ProposalStatus::Pending)));
    assert!(pending.is_empty());
}

/// Any audited change to a detail, person, candidacy or answer can be
/// reverted by a new change.
pub fn changes_can_be_reverted<S: Store>(make: impl Fn() -> S) {
    let f = fixture(make);
    let c = &f.campaign;
    let target = f.candidacies[3].clone();
    let added = ok(c.add_contact_detail(
        f.moderator,
        detail(
            Owner::Person(target.person),
            "r@example.org",
            Visibility::Public,
        ),
    ))
    .applied()
    .expect("applied");
    ok(c.set_detail_status(f.moderator, added.id, DetailStatus::Bounced, None));
    let history = ok(c.history(RecordKind::ContactDetail, added.id.get()));

    assert!(matches!(
        c.revert(f.volunteers[0], history[1].id, None),
        Err(Error::PermissionDenied { .. })
    ));
    let revert = ok(c.revert(f.moderator, history[1].id, Some("the e-mail works")));
    assert_eq!(
        (revert.action, revert.reverts),
        (AuditAction::Revert, Some(history[1].id))
    );
    assert_eq!(
        read(c.store(), |r| r.contact_detail(added.id)).status,
        DetailStatus::Unverified
    );
    ok(c.revert(f.moderator, history[0].id, None));
    assert!(
        read(c.store(), |r| Ok(r.contact_detail(added.id).is_err())),
        "the reverted creation left the detail"
    );

    let withdrawn = ok(c.change(
        f.moderator,
        Change::SetWithdrawn {
            candidacy: target.id,
            withdrawn: true,
        },
        None,
    ));
    assert!(matches!(withdrawn, Edit::Applied(_)));
    let entry = ok(c.history(RecordKind::Candidacy, target.id.get()))
        .pop()
        .expect("entry");
    ok(c.revert(f.moderator, entry.id, None));
    assert!(!read(c.store(), |r| r.candidacy(target.id)).withdrawn);

    let signed = ok(c.record_answer(
        f.moderator,
        f.pledge,
        Subject::Person(target.person),
        Answer::Signed {
            evidence: "e-mail".into(),
        },
        day(12),
    ))
    .applied()
    .expect("applied");
    let entry = ok(c.history(RecordKind::PledgeAnswer, signed.id.get())).remove(0);
    ok(c.revert(f.moderator, entry.id, None));
    assert!(read(c.store(), |r| r
        .pledge_answers(Some(Subject::Person(target.person))))
    .is_empty());
    let pledge_entry = ok(c.history(RecordKind::Pledge, f.pledge.get())).remove(0);
    assert!(matches!(
        c.revert(f.moderator, pledge_entry.id, None),
        Err(Error::InvalidInput { .. })
    ));
}

/// A private detail is seen by the responsible participant and moderators
/// only.
pub fn private_details_are_shown_to_the_responsible_only<S: Store>(make: impl Fn() -> S) {
    let f = fixture(make);
    let c = &f.campaign;
    let (alice, bob) = (f.volunteers[0], f.volunteers[1]);
    let target = f.candidacies[4].clone();
    let r =
        ok(c.request_responsibility(alice, Target::Candidacy(target.id), None, IfTaken::Refuse));
    ok(c.grant(f.moderator, r.id));
    let owner = Owner::Person(target.person);
    ok(c.add_contact_detail(
        alice,
        detail(owner, "public@example.org", Visibility::Public),
    ));
    ok(c.add_contact_detail(
        alice,
        NewContactDetail {
            point: ok(ContactPoint::new(Channel::Phone, "06 12 34 56 78")),
            ..detail(owner, "x@example.org", Visibility::Private)
        },
    ));

    assert_eq!(ok(c.contact_details(Some(alice), owner)).len(), 2);
    assert_eq!(ok(c.contact_details(Some(f.moderator), owner)).len(), 2);
    let seen_by_bob = ok(c.contact_details(Some(bob), owner));
    assert_eq!(seen_by_bob.len(), 1);
    assert!(seen_by_bob
        .iter()
        .all(|d| d.visibility == Visibility::Public));
    assert_eq!(ok(c.contact_details(None, owner)).len(), 1);
    let report = serde_json::to_string(&ok(c.report(&Scope::default()))).unwrap_or_default();
    assert!(
        !report.contains("+33612345678"),
        "a private phone number is in the report"
    );
}

/// Contact details are checked before they are stored.
pub fn contact_details_are_validated<S: Store>(make: impl Fn() -> S) {
    let f = fixture(make);
    let c = &f.campaign;
    for (channel, value) in [
        (Channel::Email, "marie@"),
        (Channel::Website, "javascript:alert(1)"),
        (Channel::Phone, "06 CALL ME"),
        (Channel::WebForm, "ftp://example.org"),
    ] {
        let error = ContactPoint::new(channel.clone(), value)
            .err()
            .unwrap_or_else(|| panic!("{value} accepted"));
        assert!(
            error.to_string().contains(value),
            "the reason does not quote the value: {error}"
        );
    }
    let person = Owner::Person(f.candidacies[0].person);
    let no_source = NewContactDetail {
        source: "  ".into(),
        ..detail(person, "ok@example.org", Visibility::Public)
    };
    assert!(matches!(
        c.add_contact_detail(f.moderator, no_source),
        Err(Error::InvalidInput { .. })
    ));
    let nul = NewContactDetail {
        note: Some("a\0b".into()),
        ..detail(person, "ok@example.org", Visibility::Public)
    };
    assert!(matches!(
        c.add_contact_detail(f.moderator, nul),
        Err(Error::InvalidInput { .. })
    ));
    assert!(ok(c.contact_details(Some(f.moderator), person)).is_empty());
    assert!(matches!(
        c.add_contact_detail(
            f.moderator,
            detail(
                Owner::Person(PersonId::new(9999)),
                "ok@example.org",
                Visibility::Public
            )
        ),
        Err(Error::NotFound { .. })
    ));
}

/// Queues serve heads of list, then heads of section, then by order; a web
/// form counts as a usable detail, a bounced e-mail does not.
pub fn queues_serve_heads_first<S: Store>(make: impl Fn() -> S) {
    let f = fixture(make);
    let c = &f.campaign;
    let scope = Scope::election(f.election);
    let order: Vec<Candidacy> = ok(c.queue(QueueKind::ToCollect, &scope, 100));
    assert_eq!(order.len(), 24);
    let tiers: Vec<u8> = order.iter().map(|x| x.queue_rank().0).collect();
    assert!(tiers.windows(2).all(|w| w[0] <= w[1]), "{tiers:?}");
    assert_eq!(tiers.iter().filter(|t| **t == 0).count(), 4);
    assert_eq!(tiers.iter().filter(|t| **t == 1).count(), 6);
    assert!(order[10..].windows(2).all(|w| w[0].order() <= w[1].order()));

    let web = f.candidacies[0].clone();
    let bounced = f.candidacies[1].clone();
    ok(c.add_contact_detail(
        f.moderator,
        NewContactDetail {
            point: ok(ContactPoint::new(
                Channel::WebForm,
                "https://example.org/contact",
            )),
            ..detail(
                Owner::Person(web.person),
                "x@example.org",
                Visibility::Public,
            )
        },
    ));
    let added = ok(c.add_contact_detail(
        f.moderator,
        detail(
            Owner::Person(bounced.person),
            "b@example.org",
            Visibility::Public,
        ),
    ))
    .applied()
    .expect("applied");
    ok(c.set_detail_status(f.moderator, added.id, DetailStatus::Bounced, None));
    let collect: Vec<CandidacyId> = ok(c.queue(QueueKind::ToCollect, &scope, 100))
        .iter()
        .map(|x| x.id)
        .collect();
    assert!(!collect.contains(&web.id) && collect.contains(&bounced.id));
    let contact: Vec<CandidacyId> = ok(c.queue(QueueKind::ToContact, &scope, 100))
        .iter()
        .map(|x| x.id)
        .collect();
    assert_eq!(contact, vec![web.id]);

    ok(c.record_action(
        f.volunteers[0],
        NewContactAction::new(web.id, Channel::WebForm, Outcome::Sent),
    ));
    assert!(ok(c.queue(QueueKind::ToContact, &scope, 100)).is_empty());
    assert!(ok(c.queue(QueueKind::ToFollowUp, &scope, 100)).is_empty());
    f.clock.advance(Duration::days(2));
    let after_a_day = ok(c.queue_with_delay(QueueKind::ToFollowUp, &scope, 100, Duration::days(1)));
    assert_eq!(
        after_a_day.iter().map(|x| x.id).collect::<Vec<_>>(),
        vec![web.id],
        "a follow-up delay of one day, two days after the contact"
    );
    assert!(ok(c.queue(QueueKind::ToFollowUp, &scope, 100)).is_empty());
    f.clock.advance(Duration::days(6));
    let follow: Vec<CandidacyId> = ok(c.queue(QueueKind::ToFollowUp, &scope, 100))
        .iter()
        .map(|x| x.id)
        .collect();
    assert_eq!(follow, vec![web.id]);
    ok(c.record_answer(
        f.moderator,
        f.pledge,
        Subject::Person(web.person),
        Answer::Signed {
            evidence: "formulaire".into(),
        },
        day(18),
    ));
    assert!(ok(c.queue(QueueKind::ToFollowUp, &scope, 100)).is_empty());
    let heads = ok(c.queue(
        QueueKind::ToCollect,
        &scope.clone().with_role(Role::HeadOfSection),
        100,
    ));
    assert!(heads.iter().all(|x| x.roles.contains(Role::HeadOfSection)));
}

/// Reservations keep a candidacy for one participant until they end or are
/// released.
pub fn reservations_keep_candidacies_apart<S: Store>(make: impl Fn() -> S) {
    let f = fixture(make);
    let c = &f.campaign;
    let (alice, bob) = (f.volunteers[0], f.volunteers[1]);
    let scope = Scope::election(f.election).with_role(Role::HeadOfList);
    let marathon = ok(c.create_marathon(
        f.moderator,
        "Contacthon n°7",
        Some(7),
        start(),
        start() + Duration::hours(4),
        scope.clone(),
    ));
    let options = TakeOptions {
        marathon: Some(marathon.id),
        ..TakeOptions::default()
    };

    let (first, c1) =
        ok(c.take_next(alice, QueueKind::ToCollect, &scope, &options)).expect("first");
    let (second, c2) =
        ok(c.take_next(bob, QueueKind::ToCollect, &scope, &options)).expect("second");
    assert_ne!(c1.id, c2.id);
    assert_eq!(
        (first.participant, first.marathon, first.until),
        (alice, Some(marathon.id), start() + Duration::minutes(30))
    );
    assert_eq!(ok(c.reservations_of(alice)).len(), 1);
    ok(c.take_next(alice, QueueKind::ToCollect, &scope, &options));
    ok(c.take_next(alice, QueueKind::ToCollect, &scope, &options));
    assert!(
        ok(c.take_next(bob, QueueKind::ToCollect, &scope, &options)).is_none(),
        "4 heads of list, 4 reservations"
    );

    assert!(matches!(
        c.release_reservation(bob, first.id),
        Err(Error::PermissionDenied { .. })
    ));
    ok(c.release_reservation(alice, first.id));
    let (_, again) =
        ok(c.take_next(bob, QueueKind::ToCollect, &scope, &options)).expect("released candidacy");
    assert_eq!(again.id, c1.id);

    f.clock.advance(Duration::minutes(31));
    assert_eq!(
        ok(c.queue(QueueKind::ToCollect, &scope, 10)).len(),
        4,
        "expired reservations free their candidacies"
    );
    assert!(ok(c.reservations_of(bob)).is_empty());
    let _ = second;
}

/// Many threads take from one queue at once: nobody gets a candidacy twice.
pub fn concurrent_takers_never_share_a_candidacy<S: Store + 'static>(make: impl Fn() -> S) {
    let f = fixture(make);
    let campaign = Arc::new(f.campaign);
    let volunteers: Vec<ParticipantId> = (0..6)
        .map(|i| ok(campaign.register(&format!("V{i}"), None)).id)
        .collect();
    let handles: Vec<_> = volunteers
        .into_iter()
        .map(|who| {
            let campaign = Arc::clone(&campaign);
            thread::spawn(move || {
                let mut taken = Vec::new();
                while let Some((_, c)) = ok(campaign.take_next(
                    who,
                    QueueKind::ToCollect,
                    &Scope::default(),
                    &TakeOptions::default(),
                )) {
                    taken.push(c.id);
                }
                taken
            })
        })
        .collect();
    let mut all = Vec::new();
    for handle in handles {
        // A taker that failed (a busy store, say) fails the test.
        match handle.join() {
            Ok(taken) => all.extend(taken),
            Err(panic) => std::panic::resume_unwind(panic),
        }
    }
    let distinct: BTreeSet<_> = all.iter().copied().collect();
    assert_eq!(
        all.len(),
        distinct.len(),
        "a candidacy was handed out twice"
    );
    assert_eq!(distinct.len(), 24);
}

/// Many participants ask for one candidacy at once under automatic grants:
/// exactly one gets it.
pub fn concurrent_requests_grant_once<S: Store + 'static>(make: impl Fn() -> S) {
    let store = make();
    let campaign = Arc::new(Campaign::new(store).with_policy(GrantPolicy::Automatic));
    fixtures::import(
        &campaign,
        fixtures::regional_rows(),
        &fixtures::regional_options(),
    );
    let target = ok(campaign
        .store()
        .read_with(|r| r.candidacies(&Scope::default())))[0]
        .id;
    let people: Vec<ParticipantId> = (0..8)
        .map(|i| ok(campaign.register(&format!("V{i}"), None)).id)
        .collect();
    let handles: Vec<_> = people
        .into_iter()
        .map(|who| {
            let campaign = Arc::clone(&campaign);
            thread::spawn(move || {
                campaign
                    .request_responsibility(who, Target::Candidacy(target), None, IfTaken::Refuse)
                    .map(|r| r.status)
            })
        })
        .collect();
    let results: Vec<_> = handles
        .into_iter()
        .map(|h| h.join().map_err(|_| ()))
        .collect();
    let granted = results
        .iter()
        .filter(|r| matches!(r, Ok(Ok(ResponsibilityStatus::Granted))))
        .count();
    let refused = results
        .iter()
        .filter(|r| matches!(r, Ok(Err(Error::Conflict { .. }))))
        .count();
    assert_eq!((granted, refused), (1, 7), "{results:?}");
}

/// Templates render with the candidacy's values and an e-mail link.
pub fn templates_render_messages<S: Store>(make: impl Fn() -> S) {
    let f = fixture(make);
    let c = &f.campaign;
    let alice = f.volunteers[0];
    let head = f.with_role(Role::HeadOfList)[0].clone();
    let template = ok(c.create_template(
        alice,
        "premier contact",
        "Pacte : {{list}}",
        "{{civility}} {{first_name}} {{surname}}, {{role}} en {{region}} ({{constituency}})",
    ));
    assert!(matches!(
        c.create_template(alice, "x", "{{liste}}", ""),
        Err(Error::InvalidInput { .. })
    ));
    assert!(matches!(
        c.update_template(f.volunteers[1], template.id, "x", "s", "b"),
        Err(Error::PermissionDenied { .. })
    ));

    let message = ok(c.render(Some(alice), template.id, head.id));
    let person = read(c.store(), |r| r.person(head.person));
    assert_eq!(message.subject, "Pacte : Liste 1 en Auvergne-Rhône-Alpes");
    assert!(
        message.body.contains(person.surname.as_str())
            && message
                .body
                .contains("tête de liste en Auvergne-Rhône-Alpes (Ain)"),
        "{}",
        message.body
    );
    assert!(message.mailto.is_none());
    ok(c.add_contact_detail(
        f.moderator,
        detail(
            Owner::Person(head.person),
            "tete@example.org",
            Visibility::Private,
        ),
    ));
    assert!(
        ok(c.render(Some(alice), template.id, head.id))
            .mailto
            .is_none(),
        "a private address leaked into a link"
    );
    let link = ok(c.render(Some(f.moderator), template.id, head.id))
        .mailto
        .unwrap_or_default();
    assert!(
        link.starts_with("mailto:tete@example.org?subject=Pacte%20%3A%20Liste%201"),
        "{link}"
    );
}

/// Erasing a person removes their details and scrubs the history, keeping
/// the candidacy.
pub fn erasure_removes_personal_data<S: Store>(make: impl Fn() -> S) {
    let f = fixture(make);
    let c = &f.campaign;
    let target = f.candidacies[6].clone();
    let owner = Owner::Person(target.person);
    ok(c.add_contact_detail(
        f.moderator,
        NewContactDetail {
            point: ok(ContactPoint::new(Channel::Phone, "06 99 88 77 66")),
            ..detail(owner, "x@example.org", Visibility::Private)
        },
    ));
    ok(c.add_contact_detail(
        f.volunteers[1],
        detail(owner, "secret@example.org", Visibility::Public),
    ));
    ok(c.record_action(
        f.volunteers[0],
        NewContactAction {
            note: Some("habite rue des Lilas".into()),
            ..NewContactAction::new(target.id, Channel::Phone, Outcome::Answered)
        },
    ));
    ok(c.record_answer(
        f.moderator,
        f.pledge,
        Subject::Person(target.person),
        Answer::Signed {
            evidence: "courriel de secret@example.org".into(),
        },
        day(14),
    ));

    assert!(matches!(
        c.erase_person(f.volunteers[0], target.person, None),
        Err(Error::PermissionDenied { .. })
    ));
    let erasure = ok(c.erase_person(f.moderator, target.person, Some("demande du 20/11")));
    assert_eq!(
        (
            erasure.contact_details,
            erasure.action_notes,
            erasure.answer_evidence,
            erasure.proposals
        ),
        (1, 1, 1, 1)
    );
    assert!(erasure.audit_entries >= 3);

    let export = ok(c.export_person(f.moderator, target.person));
    let text = serde_json::to_string(&export).unwrap_or_default();
    for secret in ["+33699887766", "secret@example.org", "rue des Lilas"] {
        assert!(!text.contains(secret), "`{secret}` is still stored");
    }
    let audit = serde_json::to_string(&read(c.store(), |r| r.audit(&AuditFilter::default())))
        .unwrap_or_default();
    for secret in ["+33699887766", "secret@example.org", "rue des Lilas"] {
        assert!(
            !audit.contains(secret),
            "`{secret}` is still in the history"
        );
    }
    assert_eq!(read(c.store(), |r| r.candidacy(target.id)), target);
    let report = ok(c.report(&Scope::default()));
    assert_eq!(
        report.signatories, 1,
        "the signature itself is public and stays"
    );
}

/// A person's export holds everything the store has about them.
pub fn person_export_holds_everything<S: Store>(make: impl Fn() -> S) {
    let f = fixture(make);
    let c = &f.campaign;
    let target = f.candidacies[8].clone();
    let owner = Owner::Person(target.person);
    ok(c.add_contact_detail(
        f.moderator,
        detail(owner, "p@example.org", Visibility::Private),
    ));
    ok(c.add_contact_detail(
        f.volunteers[2],
        detail(owner, "q@example.org", Visibility::Public),
    ));
    ok(c.record_action(
        f.volunteers[0],
        NewContactAction::new(target.id, Channel::Email, Outcome::NoAnswer),
    ));
    ok(c.record_answer(
        f.moderator,
        f.pledge,
        Subject::Person(target.person),
        Answer::Declined,
        day(13),
    ));
    assert!(matches!(
        c.export_person(f.volunteers[0], target.person),
        Err(Error::PermissionDenied { .. })
    ));
    let export = ok(c.export_person(f.moderator, target.person));
    assert_eq!(export.person.id, target.person);
    assert_eq!(export.candidacies, vec![target]);
    assert_eq!(
        (
            export.contact_details.len(),
            export.contact_actions.len(),
            export.pledge_answers.len(),
            export.proposals.len()
        ),
        (1, 1, 1, 1)
    );
    assert!(export.audit.len() >= 4);
}

/// A contact marathon's report counts its goal over its window only, and
/// its participants' contacts per hour over the window's length.
pub fn marathons_report_their_window<S: Store>(make: impl Fn() -> S) {
    let f = fixture(make);
    let c = &f.campaign;
    let (alice, bob) = (f.volunteers[0], f.volunteers[1]);
    let goal = Scope::default().with_role(Role::HeadOfSection);
    let heads = read(c.store(), |r| r.candidacies(&goal));
    assert!(heads.len() >= 2, "the fixture has heads of section");
    let before = f.clock.now();
    ok(c.record_action(
        alice,
        NewContactAction::new(heads[0].id, Channel::Email, Outcome::Sent),
    ));
    f.clock.advance(Duration::hours(1));
    let starts_at = f.clock.now();
    let marathon = ok(c.create_marathon(
        f.moderator,
        "Contacthon n°7",
        Some(7),
        starts_at,
        starts_at + Duration::hours(2),
        goal.clone(),
    ));
    assert!(c
        .create_marathon(
            alice,
            "Contacthon n°8",
            Some(8),
            starts_at,
            starts_at,
            goal.clone()
        )
        .is_err());

    f.clock.advance(Duration::minutes(30));
    for (who, target) in [(alice, heads[1].id), (bob, heads[1].id), (bob, heads[0].id)] {
        ok(c.record_action(
            who,
            NewContactAction {
                marathon: Some(marathon.id),
                ..NewContactAction::new(target, Channel::Email, Outcome::Sent)
            },
        ));
    }
    let member = read(c.store(), |r| {
        r.candidacies(&Scope::default().with_role(Role::Member))
    })[0]
        .id;
    ok(c.record_action(
        alice,
        NewContactAction::new(member, Channel::Phone, Outcome::NoAnswer),
    ));
    f.clock.advance(Duration::hours(3));
    ok(c.record_action(
        bob,
        NewContactAction::new(heads[1].id, Channel::Email, Outcome::Sent),
    ));

    let report = ok(c.marathon_report(marathon.id));
    assert_eq!(report.candidacies, heads.len() as u64);
    assert_eq!(
        report.contact_actions, 3,
        "only the goal's actions in the window"
    );
    assert_eq!(report.contacted, 2);
    let figures: Vec<(ParticipantId, u64, u64, Option<f64>)> = report
        .participants
        .iter()
        .map(|p| {
            (
                p.participant,
                p.contact_actions,
                p.candidacies,
                p.contacts_per_hour,
            )
        })
        .collect();
    assert_eq!(
        figures,
        vec![(alice, 1, 1, Some(0.5)), (bob, 2, 2, Some(1.0))],
        "contacts per hour over the two hours of the window"
    );
    assert!(before < starts_at);
    assert_eq!(ok(c.report(&goal)).contact_actions, 5);
}

/// The report counts each role on its own, and limits counts to a period.
pub fn report_counts_roles_and_periods<S: Store>(make: impl Fn() -> S) {
    let f = fixture(make);
    let c = &f.campaign;
    let head_of_list_not_first = f
        .candidacies
        .iter()
        .find(|x| x.roles.contains(Role::HeadOfList) && !x.roles.contains(Role::HeadOfSection))
        .expect("head of list third of a section")
        .clone();
    let double = f
        .candidacies
        .iter()
        .find(|x| x.roles.contains(Role::HeadOfList) && x.roles.contains(Role::HeadOfSection))
        .expect("head of list and section")
        .clone();
    let member = f.with_role(Role::Member)[0].clone();
    let at = |hours| Some(start() + Duration::hours(hours));
    for (candidacy, hours) in [
        (&double, 1),
        (&double, 30),
        (&head_of_list_not_first, 2),
        (&member, 50),
    ] {
        ok(c.record_action(
            f.volunteers[0],
            NewContactAction {
                at: at(hours),
                ..NewContactAction::new(candidacy.id, Channel::Email, Outcome::Sent)
            },
        ));
    }
    ok(c.record_answer(
        f.moderator,
        f.pledge,
        Subject::Person(double.person),
        Answer::Signed {
            evidence: "e".into(),
        },
        day(11),
    ));
    ok(c.record_answer(
        f.moderator,
        f.pledge,
        Subject::Person(member.person),
        Answer::Declined,
        day(13),
    ));

    let report = ok(c.report(&Scope::election(f.election)));
    assert_eq!(
        (
            report.candidacies,
            report.contacted,
            report.contact_actions,
            report.signatories,
            report.declined
        ),
        (24, 3, 4, 1, 1)
    );
    assert_eq!(
        (
            report.heads_of_list.total,
            report.heads_of_list.contacted,
            report.heads_of_list.signatories
        ),
        (4, 2, 1)
    );
    assert_eq!(
        (
            report.heads_of_section.total,
            report.heads_of_section.contacted,
            report.heads_of_section.signatories
        ),
        (8, 1, 1)
    );
    assert_eq!((report.members.total, report.members.contacted), (14, 1));
    assert_eq!(
        (
            report.heads_of_section_to_contact,
            report.to_follow_up,
            report.without_contact_detail
        ),
        (7, 1, 24)
    );
    assert_eq!(report.by_constituency.len(), 2);
    assert_eq!(report.by_list.len(), 4);
    assert_eq!(
        report
            .by_nuance
            .iter()
            .map(|b| b.name.as_str())
            .collect::<Vec<_>>(),
        vec!["LDVD", "LDVG"]
    );
    assert_eq!(
        report
            .by_list
            .iter()
            .map(|b| b.tally.candidacies)
            .sum::<u64>(),
        24
    );
    assert_eq!(
        report.daily.iter().map(|d| d.contact_actions).sum::<u64>(),
        4
    );
    assert_eq!(report.daily.iter().map(|d| d.signatures).sum::<u64>(), 1);
    assert_eq!(report.participants.len(), 1);
    assert_eq!(report.participants[0].contacts_per_hour, None);

    let window = Scope::election(f.election).with_period(at(0), at(24));
    let first_day = ok(c.report(&window));
    assert_eq!(
        (
            first_day.contacted,
            first_day.contact_actions,
            first_day.signatories
        ),
        (2, 2, 1)
    );
    assert_eq!(first_day.to_follow_up, 1);
    assert_eq!(
        first_day.participants[0].contacts_per_hour,
        Some(2.0 / 24.0)
    );
    let json = serde_json::to_value(&report).unwrap_or_default();
    for key in [
        "candidacies",
        "signatories",
        "contacted",
        "contact_actions",
        "heads_of_section_to_contact",
        "to_follow_up",
        "without_contact_detail",
    ] {
        assert!(json.get(key).is_some_and(|v| v.is_u64()), "JSON key {key}");
    }
    for key in ["heads_of_list", "heads_of_section"] {
        for inner in ["total", "contacted", "signatories"] {
            assert!(
                json[key].get(inner).is_some_and(|v| v.is_u64()),
                "JSON key {key}.{inner}"
            );
        }
    }
    let region = read(c.store(), |r| {
        r.constituency_by_code(f.election, ConstituencyKind::Region, "84")
    })
    .expect("region");
    let by_region = ok(c.report(&Scope::default().with_constituency(region.id)));
    assert_eq!(by_region.candidacies, 12);
    assert_eq!(
        by_region
            .by_constituency
            .iter()
            .map(|b| b.code.clone().unwrap_or_default())
            .collect::<Vec<_>>(),
        vec!["01", "69D"]
    );
}

/// Rebuilds the 2015 regional campaign of Candidats.fr as its progress
/// report of 2 December 2015 gives it, and checks every figure.
pub fn report_rebuilds_the_2015_campaign<S: Store>(make: impl Fn() -> S) {
    let campaign = Campaign::new(make());
    let plan = super::model::plan_2015();
    let rows: Vec<ImportRow> = plan.rows();
    let summary = fixtures::import(
        &campaign,
        rows,
        &ImportOptions::new("Régionales 2015", ElectionKind::Regionales),
    );
    assert_eq!(
        (
            summary.candidacies,
            summary.lists,
            summary.heads_of_list,
            summary.heads_of_section
        ),
        (21_456, 171, 171, 1_088)
    );
    plan.record_campaign(&campaign);

    let report = ok(campaign.report(&Scope::default()));
    assert_eq!(report.candidacies, 21_456);
    assert_eq!(report.signatories, 153);
    assert_eq!(report.contacted, 731);
    assert_eq!(format!("{:.1}", report.contacted_percent), "3.4");
    assert_eq!(report.contact_actions, 963);
    assert_eq!(
        (
            report.heads_of_list.total,
            report.heads_of_list.contacted,
            report.heads_of_list.signatories
        ),
        (171, 165, 25)
    );
    assert_eq!(
        format!("{:.0}", report.heads_of_list.contacted_percent),
        "96"
    );
    assert_eq!(
        (
            report.heads_of_section.total,
            report.heads_of_section.contacted,
            report.heads_of_section.signatories
        ),
        (1_088, 363, 49)
    );
    assert_eq!(
        format!("{:.0}", report.heads_of_section.contacted_percent),
        "33"
    );
    assert_eq!(report.heads_of_section_to_contact, 725);
    assert_eq!(report.to_follow_up, 578);
    assert_eq!(report.without_contact_detail, 725);
    let by_region: BTreeMap<String, u64> = report
        .by_constituency
        .iter()
        .map(|b| (b.name.clone(), b.tally.candidacies))
        .collect();
    assert_eq!(by_region.values().sum::<u64>(), 21_456);
}

/// Random sequences of campaign operations give the same results as on the
/// memory store.
pub fn model_matches_memory<S: Store>(make: impl Fn() -> S) {
    use proptest::test_runner::{Config, TestRunner};

    let config = Config {
        cases: 12,
        failure_persistence: None,
        ..Config::default()
    };
    let mut runner = TestRunner::new(config);
    let result = runner.run(&super::model::ops(40), |ops| {
        super::model::run(&make, &ops);
        Ok(())
    });
    if let Err(error) = result {
        panic!("{error}");
    }
}

/// Random records, with texts full of separators, quotes, line breaks and
/// formula starters, come back exactly as written.
pub fn random_records_round_trip<S: Store>(make: impl Fn() -> S) {
    use proptest::test_runner::{Config, TestRunner};

    use super::strategies as s;

    let config = Config {
        cases: 24,
        failure_persistence: None,
        ..Config::default()
    };
    let mut runner = TestRunner::new(config);
    let values = (
        proptest::collection::vec(s::person(), 1..5),
        proptest::collection::vec(s::participant(), 1..4),
        proptest::collection::vec(s::pledge(), 0..3),
        proptest::collection::vec(s::contact_detail(), 0..6),
        proptest::collection::vec(s::template(), 0..3),
        proptest::collection::vec(s::audit_record(), 0..4),
    );
    let result = runner.run(
        &values,
        |(persons, participants, pledges, details, templates, entries)| {
            let store = make();
            let written = write(&store, |w| {
                let mut persons = persons.clone();
                for p in &mut persons {
                    p.id = PersonId::new(w.allocate(RecordKind::Person)?);
                    w.put_person(p)?;
                }
                let mut participants = participants.clone();
                for p in &mut participants {
                    p.id = ParticipantId::new(w.allocate(RecordKind::Participant)?);
                    w.put_participant(p)?;
                }
                let mut pledges = pledges.clone();
                for p in &mut pledges {
                    p.id = PledgeId::new(w.allocate(RecordKind::Pledge)?);
                    w.put_pledge(p)?;
                }
                let mut details = details.clone();
                for (index, d) in details.iter_mut().enumerate() {
                    d.id = ContactDetailId::new(w.allocate(RecordKind::ContactDetail)?);
                    d.owner = Owner::Person(persons[index % persons.len()].id);
                    d.added_by = participants[index % participants.len()].id;
                    w.put_contact_detail(d)?;
                }
                let mut templates = templates.clone();
                for (index, t) in templates.iter_mut().enumerate() {
                    t.id = TemplateId::new(w.allocate(RecordKind::Template)?);
                    t.owner = participants[index % participants.len()].id;
                    w.put_template(t)?;
                }
                let mut entries = entries.clone();
                for e in &mut entries {
                    e.id = AuditId::new(w.allocate(RecordKind::Audit)?);
                    w.append_audit(e)?;
                }
                Ok((persons, participants, pledges, details, templates, entries))
            });
            let read_back = read(&store, |r| {
                Ok((
                    r.persons()?,
                    r.participants()?,
                    r.pledges()?,
                    r.contact_details(None)?,
                    r.templates(None)?,
                    r.audit(&AuditFilter::default())?,
                ))
            });
            assert_eq!(read_back, written);
            Ok(())
        },
    );
    if let Err(error) = result {
        panic!("{error}");
    }
}
