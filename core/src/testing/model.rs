//! Model checking: random sequences of campaign operations run on a
//! [`MemoryStore`] and on another store must give the same results; and the
//! 2015 campaign, rebuilt from its published figures.

use std::collections::BTreeMap;

use chrono::Duration;
use proptest::prelude::*;

use super::fixtures::{self, day, ok, start, Fixture};
use crate::*;

/// One operation of a random campaign. Indexes pick among the fixture's
/// participants, candidacies, and the records created so far.
#[derive(Clone, Debug)]
#[allow(missing_docs)]
pub enum Op {
    Request {
        who: u8,
        target: u8,
        wait: bool,
    },
    Grant {
        who: u8,
        responsibility: u8,
    },
    Refuse {
        who: u8,
        responsibility: u8,
    },
    Release {
        who: u8,
        responsibility: u8,
    },
    Revoke {
        who: u8,
        responsibility: u8,
    },
    AddDetail {
        who: u8,
        candidacy: u8,
        value: u8,
        private: bool,
    },
    SetStatus {
        who: u8,
        detail: u8,
        status: u8,
    },
    Action {
        who: u8,
        candidacy: u8,
        outcome: u8,
    },
    Answer {
        who: u8,
        candidacy: u8,
        signed: bool,
    },
    Take {
        who: u8,
        queue: u8,
    },
    ReleaseReservation {
        who: u8,
        reservation: u8,
    },
    Accept {
        who: u8,
        proposal: u8,
    },
    Reject {
        who: u8,
        proposal: u8,
    },
    Revert {
        who: u8,
        entry: u8,
    },
    Erase {
        who: u8,
        candidacy: u8,
    },
    Advance {
        minutes: u16,
    },
}

/// Random operation sequences of up to `max` steps.
pub fn ops(max: usize) -> impl Strategy<Value = Vec<Op>> {
    let who = 0u8..4;
    let op = prop_oneof![
        (who.clone(), any::<u8>(), any::<bool>()).prop_map(|(who, target, wait)| Op::Request {
            who,
            target,
            wait
        }),
        (who.clone(), any::<u8>()).prop_map(|(who, responsibility)| Op::Grant {
            who,
            responsibility
        }),
        (who.clone(), any::<u8>()).prop_map(|(who, responsibility)| Op::Refuse {
            who,
            responsibility
        }),
        (who.clone(), any::<u8>()).prop_map(|(who, responsibility)| Op::Release {
            who,
            responsibility
        }),
        (who.clone(), any::<u8>()).prop_map(|(who, responsibility)| Op::Revoke {
            who,
            responsibility
        }),
        (who.clone(), any::<u8>(), 0u8..6, any::<bool>()).prop_map(
            |(who, candidacy, value, private)| Op::AddDetail {
                who,
                candidacy,
                value,
                private
            }
        ),
        (who.clone(), any::<u8>(), 0u8..4).prop_map(|(who, detail, status)| Op::SetStatus {
            who,
            detail,
            status
        }),
        (who.clone(), any::<u8>(), 0u8..6).prop_map(|(who, candidacy, outcome)| Op::Action {
            who,
            candidacy,
            outcome
        }),
        (who.clone(), any::<u8>(), any::<bool>()).prop_map(|(who, candidacy, signed)| Op::Answer {
            who,
            candidacy,
            signed
        }),
        (who.clone(), 0u8..3).prop_map(|(who, queue)| Op::Take { who, queue }),
        (who.clone(), any::<u8>())
            .prop_map(|(who, reservation)| Op::ReleaseReservation { who, reservation }),
        (who.clone(), any::<u8>()).prop_map(|(who, proposal)| Op::Accept { who, proposal }),
        (who.clone(), any::<u8>()).prop_map(|(who, proposal)| Op::Reject { who, proposal }),
        (who.clone(), any::<u8>()).prop_map(|(who, entry)| Op::Revert { who, entry }),
        (who, any::<u8>()).prop_map(|(who, candidacy)| Op::Erase { who, candidacy }),
        (1u16..3000).prop_map(|minutes| Op::Advance { minutes }),
    ];
    proptest::collection::vec(op, 1..max)
}

fn pick<T: Copy>(items: &[T], index: u8) -> Option<T> {
    if items.is_empty() {
        None
    } else {
        Some(items[usize::from(index) % items.len()])
    }
}

/// What an operation returned, as text that does not depend on the store.
fn outcome<T: std::fmt::Debug>(result: Result<T>) -> String {
    match result {
        Ok(value) => format!("ok {value:?}"),
        Err(error) => {
            let kind = match error {
                Error::NotFound { .. } => "not found",
                Error::Conflict { .. } => "conflict",
                Error::PermissionDenied { .. } => "permission denied",
                Error::InvalidInput { .. } => "invalid input",
                _ => "other",
            };
            format!("error {kind}: {error}")
        }
    }
}

fn step<S: Store>(f: &Fixture<S>, op: &Op) -> String {
    let c = &f.campaign;
    let actors: Vec<ParticipantId> = std::iter::once(f.moderator)
        .chain(f.volunteers.iter().copied())
        .collect();
    let actor = |who: u8| actors[usize::from(who) % actors.len()];
    let candidacies: Vec<&Candidacy> = f.candidacies.iter().collect();
    let candidacy = |index: u8| candidacies[usize::from(index) % candidacies.len()];
    let listing = ok(c.store().read_with(|r| {
        let responsibilities: Vec<ResponsibilityId> = r
            .responsibilities(&ResponsibilityFilter::default())?
            .iter()
            .map(|x| x.id)
            .collect();
        let details: Vec<ContactDetailId> = r.contact_details(None)?.iter().map(|x| x.id).collect();
        let proposals: Vec<ProposalId> = r.proposals(None)?.iter().map(|x| x.id).collect();
        let reservations: Vec<ReservationId> = r
            .reservations(&ReservationFilter::default())?
            .iter()
            .map(|x| x.id)
            .collect();
        let entries: Vec<AuditId> = r
            .audit(&AuditFilter::default())?
            .iter()
            .map(|x| x.id)
            .collect();
        let lists: Vec<ListId> = r.lists(f.election)?.iter().map(|x| x.id).collect();
        Ok((
            responsibilities,
            details,
            proposals,
            reservations,
            entries,
            lists,
        ))
    }));
    let (responsibilities, details, proposals, reservations, entries, lists) = listing;
    let missing = || "nothing to pick".to_string();

    match op {
        Op::Request { who, target, wait } => {
            let target = match target % 3 {
                0 => Target::Candidacy(candidacy(*target).id),
                1 => match pick(&lists, *target) {
                    Some(list) => Target::List(list),
                    None => return missing(),
                },
                _ => Target::Constituency(candidacy(*target).constituency),
            };
            let if_taken = if *wait {
                IfTaken::Wait
            } else {
                IfTaken::Refuse
            };
            outcome(c.request_responsibility(actor(*who), target, None, if_taken))
        }
        Op::Grant {
            who,
            responsibility,
        } => match pick(&responsibilities, *responsibility) {
            Some(id) => outcome(c.grant(actor(*who), id)),
            None => missing(),
        },
        Op::Refuse {
            who,
            responsibility,
        } => match pick(&responsibilities, *responsibility) {
            Some(id) => outcome(c.refuse(actor(*who), id)),
            None => missing(),
        },
        Op::Release {
            who,
            responsibility,
        } => match pick(&responsibilities, *responsibility) {
            Some(id) => outcome(c.release(actor(*who), id)),
            None => missing(),
        },
        Op::Revoke {
            who,
            responsibility,
        } => match pick(&responsibilities, *responsibility) {
            Some(id) => outcome(c.revoke(actor(*who), id)),
            None => missing(),
        },
        Op::AddDetail {
            who,
            candidacy: index,
            value,
            private,
        } => {
            let point = match value % 3 {
                0 => ContactPoint::new(Channel::Email, &format!("v{value}@example.org")),
                1 => ContactPoint::new(Channel::Phone, &format!("06 12 34 56 {:02}", value)),
                _ => ContactPoint::new(Channel::WebForm, &format!("https://example.org/{value}")),
            };
            let detail = NewContactDetail {
                owner: Owner::Person(candidacy(*index).person),
                point: ok(point),
                source: "model".into(),
                visibility: if *private {
                    Visibility::Private
                } else {
                    Visibility::Public
                },
                label: None,
                note: None,
            };
            outcome(c.add_contact_detail(actor(*who), detail))
        }
        Op::SetStatus {
            who,
            detail,
            status,
        } => match pick(&details, *detail) {
            Some(id) => {
                let status = [
                    DetailStatus::Unverified,
                    DetailStatus::Confirmed,
                    DetailStatus::Bounced,
                    DetailStatus::Obsolete,
                ][usize::from(*status) % 4];
                outcome(c.set_detail_status(actor(*who), id, status, None))
            }
            None => missing(),
        },
        Op::Action {
            who,
            candidacy: index,
            outcome: which,
        } => {
            let action = NewContactAction::new(
                candidacy(*index).id,
                Channel::Email,
                Outcome::ALL[usize::from(*which) % Outcome::ALL.len()],
            );
            outcome(c.record_action(actor(*who), action))
        }
        Op::Answer {
            who,
            candidacy: index,
            signed,
        } => {
            let answer = if *signed {
                Answer::Signed {
                    evidence: "model".into(),
                }
            } else {
                Answer::Declined
            };
            outcome(c.record_answer(
                actor(*who),
                f.pledge,
                Subject::Person(candidacy(*index).person),
                answer,
                f.clock.now().date_naive(),
            ))
        }
        Op::Take { who, queue } => outcome(c.take_next(
            actor(*who),
            QueueKind::ALL[usize::from(*queue) % 3],
            &Scope::default(),
            &TakeOptions::default(),
        )),
        Op::ReleaseReservation { who, reservation } => match pick(&reservations, *reservation) {
            Some(id) => outcome(c.release_reservation(actor(*who), id)),
            None => missing(),
        },
        Op::Accept { who, proposal } => match pick(&proposals, *proposal) {
            Some(id) => outcome(c.accept(actor(*who), id)),
            None => missing(),
        },
        Op::Reject { who, proposal } => match pick(&proposals, *proposal) {
            Some(id) => outcome(c.reject(actor(*who), id)),
            None => missing(),
        },
        Op::Revert { who, entry } => match pick(&entries, *entry) {
            Some(id) => outcome(c.revert(actor(*who), id, None)),
            None => missing(),
        },
        Op::Erase {
            who,
            candidacy: index,
        } => outcome(c.erase_person(actor(*who), candidacy(*index).person, None)),
        Op::Advance { minutes } => {
            f.clock.advance(Duration::minutes(i64::from(*minutes)));
            "advanced".into()
        }
    }
}

/// Everything observable in a store, as text.
fn dump<S: Store>(f: &Fixture<S>) -> BTreeMap<&'static str, String> {
    let c = &f.campaign;
    let mut out = BTreeMap::new();
    let all = Scope {
        include_substitutes: true,
        include_withdrawn: true,
        ..Scope::default()
    };
    let records = ok(c.store().read_with(|r| {
        Ok(vec![
            ("persons", format!("{:?}", r.persons()?)),
            ("candidacies", format!("{:?}", r.candidacies(&all)?)),
            ("participants", format!("{:?}", r.participants()?)),
            (
                "responsibilities",
                format!(
                    "{:?}",
                    r.responsibilities(&ResponsibilityFilter::default())?
                ),
            ),
            ("details", format!("{:?}", r.contact_details(None)?)),
            (
                "actions",
                format!("{:?}", r.contact_actions(&ActionFilter::default())?),
            ),
            ("answers", format!("{:?}", r.pledge_answers(None)?)),
            ("proposals", format!("{:?}", r.proposals(None)?)),
            (
                "reservations",
                format!("{:?}", r.reservations(&ReservationFilter::default())?),
            ),
            ("audit", format!("{:?}", r.audit(&AuditFilter::default())?)),
        ])
    }));
    out.extend(records);
    let mut report = ok(c.report(&Scope::default()));
    report.generated_at = start();
    out.insert("report", format!("{report:?}"));
    for kind in QueueKind::ALL {
        out.insert(
            kind.name(),
            format!(
                "{:?}",
                ok(c.queue(*kind, &Scope::default(), 50))
                    .iter()
                    .map(|x| x.id)
                    .collect::<Vec<_>>()
            ),
        );
    }
    out
}

/// Runs `ops` on a [`MemoryStore`] and on a store made by `make`, both with
/// the fixture campaign, and panics at the first difference.
pub fn run<S: Store>(make: impl Fn() -> S, ops: &[Op]) {
    let oracle = Fixture::new(MemoryStore::new());
    let subject = Fixture::new(make());
    for (index, op) in ops.iter().enumerate() {
        let expected = step(&oracle, op);
        let actual = step(&subject, op);
        assert_eq!(
            actual, expected,
            "operation {index}, {op:?}, differs from the memory store"
        );
    }
    let (expected, actual) = (dump(&oracle), dump(&subject));
    for (key, value) in expected {
        assert_eq!(
            actual.get(key),
            Some(&value),
            "{key} differs from the memory store after {ops:?}"
        );
    }
}

/// The shape of the 2015 regional elections and of the Candidats.fr
/// campaign's progress on 2 December 2015.
pub struct Plan2015 {
    regions: Vec<(String, String, usize, usize)>,
}

/// The 2015 plan: 15 regions, 171 lists, 1,088 sections, 21,456 candidacies.
pub fn plan_2015() -> Plan2015 {
    let metro = [
        ("84", "Auvergne-Rhône-Alpes", 12, 15),
        ("27", "Bourgogne-Franche-Comté", 8, 15),
        ("53", "Bretagne", 4, 16),
        ("24", "Centre-Val de Loire", 6, 11),
        ("44", "Alsace-Champagne-Ardenne-Lorraine", 10, 9),
        ("32", "Nord-Pas-de-Calais-Picardie", 5, 13),
        ("11", "Île-de-France", 8, 8),
        ("28", "Normandie", 5, 15),
        ("75", "Aquitaine-Limousin-Poitou-Charentes", 12, 10),
        ("76", "Languedoc-Roussillon-Midi-Pyrénées", 13, 7),
        ("52", "Pays de la Loire", 5, 14),
        ("93", "Provence-Alpes-Côte d'Azur", 6, 9),
        ("01", "Guadeloupe", 1, 8),
        ("04", "La Réunion", 1, 11),
        ("06", "Mayotte", 1, 10),
    ];
    Plan2015 {
        regions: metro
            .iter()
            .map(|(code, name, sections, lists)| {
                (code.to_string(), name.to_string(), *sections, *lists)
            })
            .collect(),
    }
}

impl Plan2015 {
    /// The import rows: every list has one section per département of its
    /// region (a single-section region has an empty section code); 19 or 20
    /// candidacies per section; the head of list is first of the first
    /// section for 130 lists, second of it for the other 41.
    pub fn rows(&self) -> Vec<ImportRow> {
        let mut rows = Vec::with_capacity(21_456);
        let mut section_index = 0usize;
        let mut list_index = 0usize;
        let mut line = 1u64;
        for (code, name, sections, lists) in &self.regions {
            for panel in 1..=*lists {
                list_index += 1;
                let head_order = if list_index <= 130 { 1 } else { 2 };
                for s in 0..*sections {
                    section_index += 1;
                    let size = if section_index <= 784 { 20 } else { 19 };
                    let section = Some(AreaSpec {
                        kind: ConstituencyKind::Departement,
                        code: if *sections > 1 {
                            format!("{code}-{s:02}")
                        } else {
                            String::new()
                        },
                        name: format!("Département {s} de {name}"),
                    });
                    for order in 1..=size {
                        line += 1;
                        rows.push(ImportRow {
                            location: Location::file("regionales-2015.csv").line(line),
                            area: vec![AreaSpec {
                                kind: ConstituencyKind::Region,
                                code: code.clone(),
                                name: name.clone(),
                            }],
                            candidate: fixtures::candidate(&format!("NOM{line}"), "Prénom", None),
                            seat: SeatSpec::List {
                                panel: Some(panel as u32),
                                short_label: None,
                                label: format!("Liste {panel} de {name}"),
                                nuance: Some(Nuance {
                                    code: format!("L{}", panel % 7),
                                    label: None,
                                }),
                                section: section.clone(),
                                order,
                                head_of_list: Some(s == 0 && order == head_order),
                                community_council: false,
                            },
                            raw: Vec::new(),
                        });
                    }
                }
            }
        }
        rows
    }

    /// Records the campaign's contacts, details and signatures, in one
    /// write: 731 candidacies contacted by 963 actions, 153 signatories
    /// (25 heads of list, 49 heads of section), 725 candidacies without a
    /// usable contact detail.
    pub fn record_campaign<S: Store>(&self, campaign: &Campaign<S>) {
        let moderator = ok(campaign.register_moderator("Modération", None)).id;
        let volunteers: Vec<ParticipantId> = (0..10)
            .map(|i| ok(campaign.register(&format!("Contactheur {i}"), None)).id)
            .collect();
        let pledge = ok(campaign.create_pledge(
            moderator,
            "Pacte du Logiciel Libre",
            2015,
            "Je m'engage...",
        ))
        .id;

        ok(campaign.store().write_with(|w| {
            let all = w.candidacies(&Scope::default())?;
            let is = |c: &Candidacy, role| c.roles.contains(role);
            let both: Vec<&Candidacy> = all
                .iter()
                .filter(|c| is(c, Role::HeadOfList) && is(c, Role::HeadOfSection))
                .collect();
            let list_only: Vec<&Candidacy> = all
                .iter()
                .filter(|c| is(c, Role::HeadOfList) && !is(c, Role::HeadOfSection))
                .collect();
            let section_only: Vec<&Candidacy> = all
                .iter()
                .filter(|c| !is(c, Role::HeadOfList) && is(c, Role::HeadOfSection))
                .collect();
            let members: Vec<&Candidacy> = all.iter().filter(|c| is(c, Role::Member)).collect();
            assert_eq!(
                (both.len(), list_only.len(), section_only.len()),
                (130, 41, 958)
            );

            let mut contacted: Vec<&Candidacy> = Vec::new();
            let mut signed: Vec<&Candidacy> = Vec::new();
            for (group, contact, sign) in [
                (&both, 130, 20),
                (&list_only, 35, 5),
                (&section_only, 233, 29),
                (&members, 333, 99),
            ] {
                contacted.extend(group.iter().take(contact));
                signed.extend(group.iter().take(sign));
            }
            let undetailed: Vec<&Candidacy> = members.iter().rev().take(725).copied().collect();
            let undetailed_ids: std::collections::HashSet<CandidacyId> =
                undetailed.iter().map(|c| c.id).collect();

            for (index, c) in all.iter().enumerate() {
                let bounced = undetailed_ids.contains(&c.id);
                if bounced && index % 10 != 0 {
                    continue;
                }
                let detail = ContactDetail {
                    id: ContactDetailId::new(w.allocate(RecordKind::ContactDetail)?),
                    owner: Owner::Person(c.person),
                    point: ContactPoint::new(Channel::Email, &format!("c{}@example.org", c.id))?,
                    label: None,
                    source: "annuaire".into(),
                    added_by: volunteers[index % 10],
                    added_at: start(),
                    status: if bounced {
                        DetailStatus::Bounced
                    } else {
                        DetailStatus::Unverified
                    },
                    visibility: Visibility::Public,
                    note: None,
                };
                w.put_contact_detail(&detail)?;
            }
            for (index, c) in contacted.iter().enumerate() {
                let times = if index < 232 { 2 } else { 1 };
                for repeat in 0..times {
                    let action = ContactAction {
                        id: ContactActionId::new(w.allocate(RecordKind::ContactAction)?),
                        participant: volunteers[index % 10],
                        target: ActionTarget::Candidacy(c.id),
                        channel: Channel::Email,
                        at: start() + Duration::hours((index % 500) as i64 + 24 * repeat),
                        outcome: Outcome::Sent,
                        note: None,
                        template: None,
                        marathon: None,
                    };
                    w.put_contact_action(&action)?;
                }
            }
            for (index, c) in signed.iter().enumerate() {
                let answer = PledgeAnswer {
                    id: PledgeAnswerId::new(w.allocate(RecordKind::PledgeAnswer)?),
                    pledge,
                    subject: Subject::Person(c.person),
                    answer: Answer::Signed {
                        evidence: format!("courriel {index}"),
                    },
                    date: day(11 + (index % 19) as u32),
                    recorded_by: moderator,
                    recorded_at: start(),
                };
                w.put_pledge_answer(&answer)?;
            }
            Ok(())
        }));
    }
}
