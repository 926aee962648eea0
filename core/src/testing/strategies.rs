//! proptest strategies for every domain type.
//!
//! Texts are drawn from a mix of plain letters, accents, apostrophes,
//! quotes, separators, line breaks, spreadsheet formula starters and
//! right-to-left marks, so that every store is checked to give back exactly
//! what it was given.

use chrono::{DateTime, Duration, NaiveDate, TimeZone, Utc};
use proptest::prelude::*;

use crate::*;

/// Free text: anything but NUL, with the characters that break naive
/// storage.
pub fn text() -> impl Strategy<Value = String> {
    proptest::collection::vec(
        prop_oneof![
            4 => proptest::char::range('a', 'z'),
            1 => Just('É'),
            1 => Just('î'),
            1 => Just('\''),
            1 => Just('"'),
            1 => Just(','),
            1 => Just(';'),
            1 => Just('\n'),
            1 => Just('\r'),
            1 => Just('\t'),
            1 => Just('='),
            1 => Just('+'),
            1 => Just('\u{202e}'),
            1 => Just('😀'),
            1 => Just(' '),
        ],
        0..24,
    )
    .prop_map(|chars| chars.into_iter().collect())
}

/// A valid [`Name`].
pub fn name() -> impl Strategy<Value = Name> {
    text().prop_filter_map("not a name", |t| {
        Name::new(format!("N{}", t.replace(|c: char| c.is_control(), ""))).ok()
    })
}

/// An instant between 2015 and 2030, to the second.
pub fn instant() -> impl Strategy<Value = DateTime<Utc>> {
    (0i64..470_000_000).prop_map(|s| {
        Utc.with_ymd_and_hms(2015, 1, 1, 0, 0, 0)
            .single()
            .unwrap_or_default()
            + Duration::seconds(s)
    })
}

/// A day between 1920 and 2030.
pub fn date() -> impl Strategy<Value = NaiveDate> {
    (0i64..40_000)
        .prop_map(|d| NaiveDate::from_ymd_opt(1920, 1, 1).unwrap_or_default() + Duration::days(d))
}

/// An identifier of `T`.
fn id() -> impl Strategy<Value = i64> {
    1i64..1000
}

/// An [`ElectionKind`].
pub fn election_kind() -> impl Strategy<Value = ElectionKind> {
    proptest::sample::select(ElectionKind::ALL)
}

/// An [`Election`].
pub fn election() -> impl Strategy<Value = Election> {
    (
        id(),
        election_kind(),
        name(),
        proptest::option::of(date()),
        proptest::option::of(1i64..30),
        any::<bool>(),
    )
        .prop_filter_map("bad rounds", |(id, kind, name, first, gap, two)| {
            let mut rounds = vec![Round {
                number: 1,
                date: first,
            }];
            if two {
                rounds.push(Round {
                    number: 2,
                    date: first.zip(gap).map(|(d, g)| d + Duration::days(g)),
                });
            }
            Election::new(ElectionId::new(id), kind, name.as_str(), rounds).ok()
        })
}

/// A [`Nuance`].
pub fn nuance() -> impl Strategy<Value = Nuance> {
    ("[A-Z]{1,5}", proptest::option::of(text())).prop_map(|(code, label)| Nuance { code, label })
}

/// A [`Constituency`].
pub fn constituency() -> impl Strategy<Value = Constituency> {
    (
        id(),
        id(),
        proptest::option::of(id()),
        proptest::sample::select(ConstituencyKind::ALL),
        "[0-9A-Z]{0,5}",
        name(),
    )
        .prop_map(|(id, election, parent, kind, code, name)| Constituency {
            id: ConstituencyId::new(id),
            election: ElectionId::new(election),
            parent: parent.map(ConstituencyId::new),
            kind,
            code,
            name,
        })
}

/// A [`CandidateList`].
pub fn list() -> impl Strategy<Value = CandidateList> {
    (
        id(),
        id(),
        1u8..=2,
        id(),
        proptest::option::of(1u32..100),
        proptest::option::of(text()),
        name(),
        proptest::option::of(nuance()),
    )
        .prop_map(
            |(id, election, round, constituency, panel, short_label, label, nuance)| {
                CandidateList {
                    id: ListId::new(id),
                    election: ElectionId::new(election),
                    round,
                    constituency: ConstituencyId::new(constituency),
                    panel,
                    short_label,
                    label,
                    nuance,
                }
            },
        )
}

/// A [`Section`].
pub fn section() -> impl Strategy<Value = Section> {
    (id(), id(), id(), "[0-9A-Z-]{0,5}", any::<bool>()).prop_map(
        |(id, list, constituency, code, implicit)| Section {
            id: SectionId::new(id),
            list: ListId::new(list),
            constituency: ConstituencyId::new(constituency),
            code,
            implicit,
        },
    )
}

/// A [`Sex`].
pub fn sex() -> impl Strategy<Value = Sex> {
    prop_oneof![Just(Sex::Female), Just(Sex::Male)]
}

/// A [`Person`].
pub fn person() -> impl Strategy<Value = Person> {
    (
        id(),
        name(),
        proptest::option::of(name()),
        proptest::option::of(sex()),
        proptest::option::of(date()),
        proptest::option::of(text()),
    )
        .prop_map(
            |(id, surname, first_name, sex, birth_date, nationality)| Person {
                id: PersonId::new(id),
                surname,
                first_name,
                sex,
                birth_date,
                nationality,
            },
        )
}

/// A set of [`Roles`].
pub fn roles() -> impl Strategy<Value = Roles> {
    (0u8..64).prop_filter_map("no role", Roles::from_bits)
}

/// A [`Seat`].
pub fn seat() -> impl Strategy<Value = Seat> {
    prop_oneof![
        (id(), id(), 1u32..100).prop_map(|(list, section, order)| Seat::List {
            list: ListId::new(list),
            section: SectionId::new(section),
            order
        }),
        Just(Seat::Single),
        (1u8..=2, proptest::option::of(id())).prop_map(|(index, partner)| Seat::Pair {
            index,
            partner: partner.map(CandidacyId::new)
        }),
        id().prop_map(|of| Seat::Substitute {
            of: CandidacyId::new(of)
        }),
    ]
}

/// A [`Candidacy`].
pub fn candidacy() -> impl Strategy<Value = Candidacy> {
    (
        (id(), id(), id(), 1u8..=2, id(), seat(), roles()),
        (
            proptest::option::of(nuance()),
            proptest::option::of(1u32..50),
            proptest::option::of(text()),
            any::<bool>(),
            any::<bool>(),
            any::<bool>(),
        ),
    )
        .prop_map(
            |(
                (id, person, election, round, constituency, seat, roles),
                (nuance, panel, profession, outgoing, community_council, withdrawn),
            )| Candidacy {
                id: CandidacyId::new(id),
                person: PersonId::new(person),
                election: ElectionId::new(election),
                round,
                constituency: ConstituencyId::new(constituency),
                seat,
                roles,
                nuance,
                panel,
                profession,
                outgoing,
                community_council,
                withdrawn,
            },
        )
}

/// A [`Channel`].
pub fn channel() -> impl Strategy<Value = Channel> {
    prop_oneof![
        Just(Channel::Email),
        Just(Channel::WebForm),
        Just(Channel::Phone),
        Just(Channel::Postal),
        Just(Channel::Website),
        Just(Channel::InPerson),
        "[a-z]{1,10}".prop_map(|network| Channel::Social { network }),
    ]
}

/// A valid [`ContactPoint`].
pub fn contact_point() -> impl Strategy<Value = ContactPoint> {
    prop_oneof![
        ("[a-z0-9._+-]{1,20}", "[a-z0-9-]{1,10}").prop_filter_map(
            "bad e-mail",
            |(local, domain)| ContactPoint::new(Channel::Email, &format!("{local}@{domain}.fr"))
                .ok()
        ),
        "[0-9]{9}".prop_filter_map("bad phone", |digits| ContactPoint::new(
            Channel::Phone,
            &format!("+33{digits}")
        )
        .ok()),
        ("[a-z0-9]{1,10}", text()).prop_filter_map("bad URL", |(host, path)| ContactPoint::new(
            Channel::WebForm,
            &format!(
                "https://{host}.example.org/{}",
                path.replace(|c: char| c.is_whitespace(), "")
            )
        )
        .ok()),
        text().prop_filter_map("bad address", |t| ContactPoint::new(
            Channel::Postal,
            &format!("1 rue {t}")
        )
        .ok()),
        "[a-z0-9_]{1,15}".prop_filter_map("bad handle", |h| ContactPoint::new(
            Channel::Social {
                network: "mastodon".into()
            },
            &format!("@{h}@piaille.fr")
        )
        .ok()),
    ]
}

/// An [`Owner`].
pub fn owner() -> impl Strategy<Value = Owner> {
    prop_oneof![
        id().prop_map(|p| Owner::Person(PersonId::new(p))),
        id().prop_map(|l| Owner::List(ListId::new(l)))
    ]
}

/// A [`DetailStatus`].
pub fn detail_status() -> impl Strategy<Value = DetailStatus> {
    proptest::sample::select(vec![
        DetailStatus::Unverified,
        DetailStatus::Confirmed,
        DetailStatus::Bounced,
        DetailStatus::Obsolete,
    ])
}

/// A [`Visibility`].
pub fn visibility() -> impl Strategy<Value = Visibility> {
    prop_oneof![Just(Visibility::Public), Just(Visibility::Private)]
}

/// A [`ContactDetail`].
pub fn contact_detail() -> impl Strategy<Value = ContactDetail> {
    (
        (
            id(),
            owner(),
            contact_point(),
            proptest::option::of(text()),
            text(),
        ),
        (
            id(),
            instant(),
            detail_status(),
            visibility(),
            proptest::option::of(text()),
        ),
    )
        .prop_map(
            |(
                (id, owner, point, label, source),
                (added_by, added_at, status, visibility, note),
            )| ContactDetail {
                id: ContactDetailId::new(id),
                owner,
                point,
                label,
                source: format!("s{source}"),
                added_by: ParticipantId::new(added_by),
                added_at,
                status,
                visibility,
                note,
            },
        )
}

/// An [`Outcome`].
pub fn outcome() -> impl Strategy<Value = Outcome> {
    proptest::sample::select(Outcome::ALL)
}

/// A [`ContactAction`].
pub fn contact_action() -> impl Strategy<Value = ContactAction> {
    (
        (
            id(),
            id(),
            prop_oneof![
                id().prop_map(|c| ActionTarget::Candidacy(CandidacyId::new(c))),
                id().prop_map(|l| ActionTarget::List(ListId::new(l)))
            ],
            channel(),
        ),
        (
            instant(),
            outcome(),
            proptest::option::of(text()),
            proptest::option::of(id()),
            proptest::option::of(id()),
        ),
    )
        .prop_map(
            |((id, participant, target, channel), (at, outcome, note, template, marathon))| {
                ContactAction {
                    id: ContactActionId::new(id),
                    participant: ParticipantId::new(participant),
                    target,
                    channel,
                    at,
                    outcome,
                    note,
                    template: template.map(TemplateId::new),
                    marathon: marathon.map(MarathonId::new),
                }
            },
        )
}

/// A [`Participant`].
pub fn participant() -> impl Strategy<Value = Participant> {
    (
        id(),
        name(),
        proptest::option::of(text()),
        any::<bool>(),
        instant(),
    )
        .prop_map(|(id, name, email, moderator, registered_at)| Participant {
            id: ParticipantId::new(id),
            name,
            email,
            moderator,
            registered_at,
        })
}

/// A [`Target`].
pub fn target() -> impl Strategy<Value = Target> {
    prop_oneof![
        id().prop_map(|c| Target::Candidacy(CandidacyId::new(c))),
        id().prop_map(|l| Target::List(ListId::new(l))),
        id().prop_map(|k| Target::Constituency(ConstituencyId::new(k))),
    ]
}

/// A [`Responsibility`].
pub fn responsibility() -> impl Strategy<Value = Responsibility> {
    let status = proptest::sample::select(vec![
        ResponsibilityStatus::Requested,
        ResponsibilityStatus::Granted,
        ResponsibilityStatus::Refused,
        ResponsibilityStatus::Released,
        ResponsibilityStatus::Revoked,
    ]);
    (
        id(),
        id(),
        target(),
        status,
        instant(),
        proptest::option::of(id()),
        proptest::option::of(instant()),
        proptest::option::of(instant()),
    )
        .prop_map(
            |(
                id,
                participant,
                target,
                status,
                requested_at,
                decided_by,
                decided_at,
                expires_at,
            )| Responsibility {
                id: ResponsibilityId::new(id),
                participant: ParticipantId::new(participant),
                target,
                status,
                requested_at,
                decided_by: decided_by.map(ParticipantId::new),
                decided_at,
                expires_at,
            },
        )
}

/// A [`Pledge`].
pub fn pledge() -> impl Strategy<Value = Pledge> {
    (id(), name(), 1u32..10, text()).prop_map(|(id, name, version, text)| Pledge {
        id: PledgeId::new(id),
        name,
        version,
        text,
    })
}

/// A [`PledgeAnswer`].
pub fn pledge_answer() -> impl Strategy<Value = PledgeAnswer> {
    let answer = prop_oneof![
        text().prop_map(|e| Answer::Signed {
            evidence: format!("e{e}")
        }),
        Just(Answer::Declined)
    ];
    let subject = prop_oneof![
        id().prop_map(|p| Subject::Person(PersonId::new(p))),
        id().prop_map(|l| Subject::List(ListId::new(l)))
    ];
    (id(), id(), subject, answer, date(), id(), instant()).prop_map(
        |(id, pledge, subject, answer, date, recorded_by, recorded_at)| PledgeAnswer {
            id: PledgeAnswerId::new(id),
            pledge: PledgeId::new(pledge),
            subject,
            answer,
            date,
            recorded_by: ParticipantId::new(recorded_by),
            recorded_at,
        },
    )
}

/// A [`Scope`].
pub fn scope() -> impl Strategy<Value = Scope> {
    (
        (
            proptest::option::of(id()),
            proptest::option::of(1u8..=2),
            proptest::option::of(id()),
            proptest::option::of(id()),
            proptest::option::of("[A-Z]{1,4}"),
        ),
        (
            proptest::option::of(roles()),
            proptest::option::of(instant()),
            proptest::option::of(instant()),
            proptest::option::of(id()),
            any::<bool>(),
            any::<bool>(),
        ),
    )
        .prop_map(
            |(
                (election, round, constituency, list, nuance),
                (roles, from, until, pledge, include_substitutes, include_withdrawn),
            )| Scope {
                election: election.map(ElectionId::new),
                round,
                constituency: constituency.map(ConstituencyId::new),
                list: list.map(ListId::new),
                nuance,
                roles,
                from,
                until,
                pledge: pledge.map(PledgeId::new),
                include_substitutes,
                include_withdrawn,
            },
        )
}

/// A [`Marathon`].
pub fn marathon() -> impl Strategy<Value = Marathon> {
    (
        id(),
        name(),
        proptest::option::of(1u32..100),
        instant(),
        1i64..100_000,
        scope(),
        id(),
    )
        .prop_map(
            |(id, name, number, starts_at, minutes, goal, created_by)| Marathon {
                id: MarathonId::new(id),
                name,
                number,
                starts_at,
                ends_at: starts_at + Duration::minutes(minutes),
                goal,
                created_by: ParticipantId::new(created_by),
            },
        )
}

/// A [`Template`].
pub fn template() -> impl Strategy<Value = Template> {
    (
        id(),
        id(),
        name(),
        text(),
        text(),
        proptest::sample::select(PLACEHOLDERS),
    )
        .prop_filter_map(
            "bad template",
            |(id, owner, name, subject, body, placeholder)| {
                Template::new(
                    TemplateId::new(id),
                    ParticipantId::new(owner),
                    name.as_str(),
                    &subject.replace('{', "("),
                    &format!("{}{{{{{placeholder}}}}}", body.replace('{', "(")),
                )
                .ok()
            },
        )
}

/// A [`Proposal`].
pub fn proposal() -> impl Strategy<Value = Proposal> {
    let change = prop_oneof![
        (
            owner(),
            contact_point(),
            proptest::option::of(text()),
            text(),
            visibility(),
            proptest::option::of(text())
        )
            .prop_map(|(owner, point, label, source, visibility, note)| {
                Change::AddContactDetail {
                    owner,
                    point,
                    label,
                    source,
                    visibility,
                    note,
                }
            }),
        (id(), detail_status()).prop_map(|(detail, status)| Change::SetDetailStatus {
            detail: ContactDetailId::new(detail),
            status
        }),
        person().prop_map(|person| Change::UpdatePerson { person }),
        (id(), any::<bool>()).prop_map(|(candidacy, withdrawn)| Change::SetWithdrawn {
            candidacy: CandidacyId::new(candidacy),
            withdrawn
        }),
        Just(Change::Erased),
    ];
    let status = proptest::sample::select(vec![
        ProposalStatus::Pending,
        ProposalStatus::Accepted,
        ProposalStatus::Rejected,
    ]);
    (
        id(),
        id(),
        instant(),
        proptest::option::of(text()),
        change,
        status,
        proptest::option::of(id()),
        proptest::option::of(instant()),
    )
        .prop_map(
            |(id, author, created_at, source, change, status, decided_by, decided_at)| Proposal {
                id: ProposalId::new(id),
                author: ParticipantId::new(author),
                created_at,
                source,
                change,
                status,
                decided_by: decided_by.map(ParticipantId::new),
                decided_at,
            },
        )
}

/// A [`Reservation`].
pub fn reservation() -> impl Strategy<Value = Reservation> {
    (
        id(),
        id(),
        id(),
        proptest::sample::select(QueueKind::ALL),
        instant(),
        1i64..1000,
        proptest::option::of(id()),
        proptest::option::of(instant()),
    )
        .prop_map(
            |(id, candidacy, participant, queue, taken_at, minutes, marathon, released_at)| {
                Reservation {
                    id: ReservationId::new(id),
                    candidacy: CandidacyId::new(candidacy),
                    participant: ParticipantId::new(participant),
                    queue,
                    taken_at,
                    until: taken_at + Duration::minutes(minutes),
                    marathon: marathon.map(MarathonId::new),
                    released_at,
                }
            },
        )
}

/// An [`AuditRecord`].
pub fn audit_record() -> impl Strategy<Value = AuditRecord> {
    let action = proptest::sample::select(vec![
        AuditAction::Create,
        AuditAction::Update,
        AuditAction::Delete,
        AuditAction::Revert,
        AuditAction::Erase,
    ]);
    let json = || {
        proptest::option::of(
            text().prop_map(|t| serde_json::json!({ "text": t, "n": 3, "list": [1, "a"] })),
        )
    };
    (
        (
            id(),
            proptest::option::of(id()),
            instant(),
            proptest::option::of(text()),
            proptest::sample::select(RecordKind::ALL),
        ),
        (
            id(),
            action,
            json(),
            json(),
            proptest::option::of(id()),
            proptest::option::of(id()),
        ),
    )
        .prop_map(
            |((id, actor, at, source, kind), (record, action, before, after, person, reverts))| {
                AuditRecord {
                    id: AuditId::new(id),
                    actor: actor.map(ParticipantId::new),
                    at,
                    source,
                    kind,
                    record,
                    action,
                    before,
                    after,
                    person: person.map(PersonId::new),
                    reverts: reverts.map(AuditId::new),
                }
            },
        )
}
