//! One file per kind of record: its name, its columns, and how a record
//! becomes a row and back.

use candidats_core::*;

use crate::cells::{Out, Row};

/// A kind of record kept in its own file.
pub(crate) trait Kind: Sized + Send + 'static {
    /// The kind.
    const KIND: RecordKind;
    /// The file's name in the store's folder.
    const FILE: &'static str;
    /// The columns, in the order written.
    const COLUMNS: &'static [&'static str];
    /// The column an integrity error of [`Kind::put`] points at: the unique
    /// key a record may clash on.
    const KEY_COLUMN: usize = 0;

    /// The record's identifier.
    fn id(&self) -> i64;
    /// Writes the record's cells, in [`Kind::COLUMNS`] order.
    fn encode(&self, out: &mut Out<'_>) -> Result<()>;
    /// Reads a record from a row.
    fn decode(row: &Row<'_, '_>) -> Result<Self>;
    /// The records this one names and that must exist, as (column, kind,
    /// identifier): the references the memory store checks on a write.
    fn references(&self, refs: &mut Vec<(usize, RecordKind, i64)>);
    /// Every record of the kind.
    fn all(r: &dyn CampaignRead) -> Result<Vec<Self>>;
    /// Stores the record.
    fn put(&self, w: &mut dyn CampaignWrite) -> Result<()>;
}

/// Every record kind kept in a file, with its file name; the order in which
/// a store is loaded, each kind after those it names.
pub(crate) const FILES: &[(RecordKind, &str)] = &[
    (RecordKind::Election, Election::FILE),
    (RecordKind::Constituency, Constituency::FILE),
    (RecordKind::List, CandidateList::FILE),
    (RecordKind::Section, Section::FILE),
    (RecordKind::Person, Person::FILE),
    (RecordKind::Candidacy, Candidacy::FILE),
    (RecordKind::Participant, Participant::FILE),
    (RecordKind::Responsibility, Responsibility::FILE),
    (RecordKind::ContactDetail, ContactDetail::FILE),
    (RecordKind::Marathon, Marathon::FILE),
    (RecordKind::Template, Template::FILE),
    (RecordKind::ContactAction, ContactAction::FILE),
    (RecordKind::Pledge, Pledge::FILE),
    (RecordKind::PledgeAnswer, PledgeAnswer::FILE),
    (RecordKind::Proposal, Proposal::FILE),
    (RecordKind::Reservation, Reservation::FILE),
    (RecordKind::Audit, AuditRecord::FILE),
];

/// The file of a record kind.
pub(crate) fn file_of(kind: RecordKind) -> &'static str {
    FILES
        .iter()
        .find(|(k, _)| *k == kind)
        .map(|(_, file)| *file)
        .unwrap_or("unknown.csv")
}

fn sorted<T: Kind>(mut records: Vec<T>) -> Vec<T> {
    records.sort_by_key(Kind::id);
    records
}

fn unknown(row: &Row<'_, '_>, column: usize, what: &str, text: &str) -> Error {
    row.error(column, format!("expected {what}, found `{text}`"))
}

impl Kind for Election {
    const KIND: RecordKind = RecordKind::Election;
    const FILE: &'static str = "elections.csv";
    const COLUMNS: &'static [&'static str] = &[
        "id",
        "kind",
        "name",
        "rounds",
        "round_1_date",
        "round_2_date",
    ];
    const KEY_COLUMN: usize = 2;

    fn id(&self) -> i64 {
        Election::id(self).get()
    }

    fn encode(&self, out: &mut Out<'_>) -> Result<()> {
        let rounds = self.rounds();
        out.text(Election::id(self));
        out.str(self.kind().name());
        out.str(self.name());
        out.text(rounds.len());
        out.opt_date(rounds.first().and_then(|r| r.date));
        out.opt_date(rounds.get(1).and_then(|r| r.date));
        Ok(())
    }

    fn decode(row: &Row<'_, '_>) -> Result<Election> {
        let id = row.id(0, ElectionId::new)?;
        let kind = row.parse(1, ElectionKind::from_name)?;
        let name = row.name(2)?;
        let count: u8 = row.number(3)?;
        let first = Round {
            number: 1,
            date: row.opt_date(4)?,
        };
        let rounds = match count {
            1 => {
                row.nothing(5, "for an election with one round")?;
                vec![first]
            }
            2 => vec![
                first,
                Round {
                    number: 2,
                    date: row.opt_date(5)?,
                },
            ],
            other => return Err(row.error(3, format!("expected 1 or 2 rounds, found {other}"))),
        };
        Election::new(id, kind, name.as_str(), rounds).map_err(|e| row.relocate(5, e))
    }

    fn references(&self, _: &mut Vec<(usize, RecordKind, i64)>) {}

    fn all(r: &dyn CampaignRead) -> Result<Vec<Election>> {
        Ok(sorted(r.elections()?))
    }

    fn put(&self, w: &mut dyn CampaignWrite) -> Result<()> {
        w.put_election(self)
    }
}

impl Kind for Constituency {
    const KIND: RecordKind = RecordKind::Constituency;
    const FILE: &'static str = "constituencies.csv";
    const COLUMNS: &'static [&'static str] = &["id", "election", "parent", "kind", "code", "name"];
    const KEY_COLUMN: usize = 4;

    fn id(&self) -> i64 {
        self.id.get()
    }

    fn encode(&self, out: &mut Out<'_>) -> Result<()> {
        out.text(self.id);
        out.text(self.election);
        out.opt(self.parent);
        out.str(self.kind.name());
        out.str(&self.code);
        out.str(self.name.as_str());
        Ok(())
    }

    fn decode(row: &Row<'_, '_>) -> Result<Constituency> {
        Ok(Constituency {
            id: row.id(0, ConstituencyId::new)?,
            election: row.id(1, ElectionId::new)?,
            parent: row.opt_id(2, ConstituencyId::new)?,
            kind: row.parse(3, ConstituencyKind::from_name)?,
            code: row.text(4)?,
            name: row.name(5)?,
        })
    }

    fn references(&self, refs: &mut Vec<(usize, RecordKind, i64)>) {
        refs.push((1, RecordKind::Election, self.election.get()));
        if let Some(parent) = self.parent {
            refs.push((2, RecordKind::Constituency, parent.get()));
        }
    }

    fn all(r: &dyn CampaignRead) -> Result<Vec<Constituency>> {
        let mut all = Vec::new();
        for election in r.elections()? {
            all.extend(r.constituencies(election.id())?);
        }
        Ok(sorted(all))
    }

    fn put(&self, w: &mut dyn CampaignWrite) -> Result<()> {
        w.put_constituency(self)
    }
}

fn write_nuance(out: &mut Out<'_>, nuance: Option<&Nuance>) {
    out.opt_str(nuance.map(|n| n.code.as_str()));
    out.opt_str(nuance.and_then(|n| n.label.as_deref()));
}

fn read_nuance(row: &Row<'_, '_>, code: usize, label: usize) -> Result<Option<Nuance>> {
    match row.opt_text(code)? {
        Some(code) => Ok(Some(Nuance {
            code,
            label: row.opt_text(label)?,
        })),
        None => {
            row.nothing(label, "without a nuance code")?;
            Ok(None)
        }
    }
}

impl Kind for CandidateList {
    const KIND: RecordKind = RecordKind::List;
    const FILE: &'static str = "lists.csv";
    const COLUMNS: &'static [&'static str] = &[
        "id",
        "election",
        "round",
        "constituency",
        "panel",
        "short_label",
        "label",
        "nuance",
        "nuance_label",
    ];

    fn id(&self) -> i64 {
        self.id.get()
    }

    fn encode(&self, out: &mut Out<'_>) -> Result<()> {
        out.text(self.id);
        out.text(self.election);
        out.text(self.round);
        out.text(self.constituency);
        out.opt(self.panel);
        out.opt_str(self.short_label.as_deref());
        out.str(self.label.as_str());
        write_nuance(out, self.nuance.as_ref());
        Ok(())
    }

    fn decode(row: &Row<'_, '_>) -> Result<CandidateList> {
        Ok(CandidateList {
            id: row.id(0, ListId::new)?,
            election: row.id(1, ElectionId::new)?,
            round: row.number(2)?,
            constituency: row.id(3, ConstituencyId::new)?,
            panel: row.opt_number(4)?,
            short_label: row.opt_text(5)?,
            label: row.name(6)?,
            nuance: read_nuance(row, 7, 8)?,
        })
    }

    fn references(&self, refs: &mut Vec<(usize, RecordKind, i64)>) {
        refs.push((1, RecordKind::Election, self.election.get()));
        refs.push((3, RecordKind::Constituency, self.constituency.get()));
    }

    fn all(r: &dyn CampaignRead) -> Result<Vec<CandidateList>> {
        let mut all = Vec::new();
        for election in r.elections()? {
            all.extend(r.lists(election.id())?);
        }
        Ok(sorted(all))
    }

    fn put(&self, w: &mut dyn CampaignWrite) -> Result<()> {
        w.put_list(self)
    }
}

impl Kind for Section {
    const KIND: RecordKind = RecordKind::Section;
    const FILE: &'static str = "sections.csv";
    const COLUMNS: &'static [&'static str] = &["id", "list", "constituency", "code", "implicit"];
    const KEY_COLUMN: usize = 3;

    fn id(&self) -> i64 {
        self.id.get()
    }

    fn encode(&self, out: &mut Out<'_>) -> Result<()> {
        out.text(self.id);
        out.text(self.list);
        out.text(self.constituency);
        out.str(&self.code);
        out.flag(self.implicit);
        Ok(())
    }

    fn decode(row: &Row<'_, '_>) -> Result<Section> {
        Ok(Section {
            id: row.id(0, SectionId::new)?,
            list: row.id(1, ListId::new)?,
            constituency: row.id(2, ConstituencyId::new)?,
            code: row.text(3)?,
            implicit: row.flag(4)?,
        })
    }

    fn references(&self, refs: &mut Vec<(usize, RecordKind, i64)>) {
        refs.push((1, RecordKind::List, self.list.get()));
        refs.push((2, RecordKind::Constituency, self.constituency.get()));
    }

    fn all(r: &dyn CampaignRead) -> Result<Vec<Section>> {
        let mut all = Vec::new();
        for election in r.elections()? {
            for list in r.lists(election.id())? {
                all.extend(r.sections(list.id)?);
            }
        }
        Ok(sorted(all))
    }

    fn put(&self, w: &mut dyn CampaignWrite) -> Result<()> {
        w.put_section(self)
    }
}

impl Kind for Person {
    const KIND: RecordKind = RecordKind::Person;
    const FILE: &'static str = "persons.csv";
    const COLUMNS: &'static [&'static str] = &[
        "id",
        "surname",
        "first_name",
        "sex",
        "birth_date",
        "nationality",
    ];

    fn id(&self) -> i64 {
        self.id.get()
    }

    fn encode(&self, out: &mut Out<'_>) -> Result<()> {
        out.text(self.id);
        out.str(self.surname.as_str());
        out.opt(self.first_name.as_ref());
        out.opt(self.sex.map(Sex::code));
        out.opt_date(self.birth_date);
        out.opt_str(self.nationality.as_deref());
        Ok(())
    }

    fn decode(row: &Row<'_, '_>) -> Result<Person> {
        let sex = row.opt_parse(3, |text| match text {
            "F" => Ok(Sex::Female),
            "M" => Ok(Sex::Male),
            other => Err(Error::invalid(format!(
                "expected a sex `F` or `M`, found `{other}`"
            ))),
        })?;
        Ok(Person {
            id: row.id(0, PersonId::new)?,
            surname: row.name(1)?,
            first_name: row.opt_name(2)?,
            sex,
            birth_date: row.opt_date(4)?,
            nationality: row.opt_text(5)?,
        })
    }

    fn references(&self, _: &mut Vec<(usize, RecordKind, i64)>) {}

    fn all(r: &dyn CampaignRead) -> Result<Vec<Person>> {
        Ok(sorted(r.persons()?))
    }

    fn put(&self, w: &mut dyn CampaignWrite) -> Result<()> {
        w.put_person(self)
    }
}

/// Columns of `candidacies.csv`, by name, for the seat's cells.
mod seat {
    pub const KIND: usize = 5;
    pub const LIST: usize = 6;
    pub const SECTION: usize = 7;
    pub const ORDER: usize = 8;
    pub const PAIR_INDEX: usize = 9;
    pub const PARTNER: usize = 10;
    pub const SUBSTITUTE_OF: usize = 11;
}

impl Kind for Candidacy {
    const KIND: RecordKind = RecordKind::Candidacy;
    const FILE: &'static str = "candidacies.csv";
    const COLUMNS: &'static [&'static str] = &[
        "id",
        "person",
        "election",
        "round",
        "constituency",
        "seat",
        "list",
        "section",
        "order",
        "pair_index",
        "partner",
        "substitute_of",
        "roles",
        "nuance",
        "nuance_label",
        "panel",
        "outgoing",
        "community_council",
        "withdrawn",
        "profession",
    ];
    const KEY_COLUMN: usize = seat::KIND;

    fn id(&self) -> i64 {
        self.id.get()
    }

    fn encode(&self, out: &mut Out<'_>) -> Result<()> {
        out.text(self.id);
        out.text(self.person);
        out.text(self.election);
        out.text(self.round);
        out.text(self.constituency);
        match self.seat {
            Seat::List {
                list,
                section,
                order,
            } => {
                out.str("list");
                out.text(list);
                out.text(section);
                out.text(order);
                out.empty();
                out.empty();
                out.empty();
            }
            Seat::Single => {
                out.str("single");
                for _ in 0..6 {
                    out.empty();
                }
            }
            Seat::Pair { index, partner } => {
                out.str("pair");
                for _ in 0..3 {
                    out.empty();
                }
                out.text(index);
                out.opt(partner);
                out.empty();
            }
            Seat::Substitute { of } => {
                out.str("substitute");
                for _ in 0..5 {
                    out.empty();
                }
                out.text(of);
            }
            _ => {
                return Err(Error::unsupported(format!(
                    "candidacy {} has a kind of seat the CSV store cannot write",
                    self.id
                )))
            }
        }
        let roles: Vec<&str> = self.roles.iter().map(Role::name).collect();
        out.str(&roles.join(" "));
        write_nuance(out, self.nuance.as_ref());
        out.opt(self.panel);
        out.flag(self.outgoing);
        out.flag(self.community_council);
        out.flag(self.withdrawn);
        out.opt_str(self.profession.as_deref());
        Ok(())
    }

    fn decode(row: &Row<'_, '_>) -> Result<Candidacy> {
        let kind = row.text(seat::KIND)?;
        let seat = match kind.as_str() {
            "list" => {
                row.nothing(seat::PAIR_INDEX, "for a list seat")?;
                row.nothing(seat::PARTNER, "for a list seat")?;
                row.nothing(seat::SUBSTITUTE_OF, "for a list seat")?;
                Seat::List {
                    list: row.id(seat::LIST, ListId::new)?,
                    section: row.id(seat::SECTION, SectionId::new)?,
                    order: row.number(seat::ORDER)?,
                }
            }
            "single" => {
                for column in seat::LIST..=seat::SUBSTITUTE_OF {
                    row.nothing(column, "for a single seat")?;
                }
                Seat::Single
            }
            "pair" => {
                for column in [seat::LIST, seat::SECTION, seat::ORDER, seat::SUBSTITUTE_OF] {
                    row.nothing(column, "for a pair seat")?;
                }
                Seat::Pair {
                    index: row.number(seat::PAIR_INDEX)?,
                    partner: row.opt_id(seat::PARTNER, CandidacyId::new)?,
                }
            }
            "substitute" => {
                for column in seat::LIST..seat::SUBSTITUTE_OF {
                    row.nothing(column, "for a substitute's seat")?;
                }
                Seat::Substitute {
                    of: row.id(seat::SUBSTITUTE_OF, CandidacyId::new)?,
                }
            }
            other => {
                return Err(unknown(
                    row,
                    seat::KIND,
                    "a seat (list, single, pair, substitute)",
                    other,
                ))
            }
        };
        let roles = row
            .text(12)?
            .split_whitespace()
            .map(Role::from_name)
            .collect::<Result<Roles>>()
            .map_err(|e| row.relocate(12, e))?;
        Ok(Candidacy {
            id: row.id(0, CandidacyId::new)?,
            person: row.id(1, PersonId::new)?,
            election: row.id(2, ElectionId::new)?,
            round: row.number(3)?,
            constituency: row.id(4, ConstituencyId::new)?,
            seat,
            roles,
            nuance: read_nuance(row, 13, 14)?,
            panel: row.opt_number(15)?,
            outgoing: row.flag(16)?,
            community_council: row.flag(17)?,
            withdrawn: row.flag(18)?,
            profession: row.opt_text(19)?,
        })
    }

    fn references(&self, refs: &mut Vec<(usize, RecordKind, i64)>) {
        refs.push((1, RecordKind::Person, self.person.get()));
        refs.push((2, RecordKind::Election, self.election.get()));
        refs.push((4, RecordKind::Constituency, self.constituency.get()));
        if let Some(list) = self.seat.list() {
            refs.push((seat::LIST, RecordKind::List, list.get()));
        }
        if let Some(section) = self.seat.section() {
            refs.push((seat::SECTION, RecordKind::Section, section.get()));
        }
    }

    fn all(r: &dyn CampaignRead) -> Result<Vec<Candidacy>> {
        let everything = Scope {
            include_substitutes: true,
            include_withdrawn: true,
            ..Scope::default()
        };
        Ok(sorted(r.candidacies(&everything)?))
    }

    fn put(&self, w: &mut dyn CampaignWrite) -> Result<()> {
        w.put_candidacy(self)
    }
}

impl Kind for Participant {
    const KIND: RecordKind = RecordKind::Participant;
    const FILE: &'static str = "participants.csv";
    const COLUMNS: &'static [&'static str] = &["id", "name", "email", "moderator", "registered_at"];

    fn id(&self) -> i64 {
        self.id.get()
    }

    fn encode(&self, out: &mut Out<'_>) -> Result<()> {
        out.text(self.id);
        out.str(self.name.as_str());
        out.opt_str(self.email.as_deref());
        out.flag(self.moderator);
        out.instant(self.registered_at);
        Ok(())
    }

    fn decode(row: &Row<'_, '_>) -> Result<Participant> {
        Ok(Participant {
            id: row.id(0, ParticipantId::new)?,
            name: row.name(1)?,
            email: row.opt_text(2)?,
            moderator: row.flag(3)?,
            registered_at: row.instant(4)?,
        })
    }

    fn references(&self, _: &mut Vec<(usize, RecordKind, i64)>) {}

    fn all(r: &dyn CampaignRead) -> Result<Vec<Participant>> {
        Ok(sorted(r.participants()?))
    }

    fn put(&self, w: &mut dyn CampaignWrite) -> Result<()> {
        w.put_participant(self)
    }
}

impl Kind for Responsibility {
    const KIND: RecordKind = RecordKind::Responsibility;
    const FILE: &'static str = "responsibilities.csv";
    const COLUMNS: &'static [&'static str] = &[
        "id",
        "participant",
        "target",
        "target_id",
        "status",
        "requested_at",
        "decided_by",
        "decided_at",
        "expires_at",
    ];

    fn id(&self) -> i64 {
        self.id.get()
    }

    fn encode(&self, out: &mut Out<'_>) -> Result<()> {
        out.text(self.id);
        out.text(self.participant);
        let (kind, id) = match self.target {
            Target::Candidacy(id) => ("candidacy", id.get()),
            Target::List(id) => ("list", id.get()),
            Target::Constituency(id) => ("constituency", id.get()),
        };
        out.str(kind);
        out.text(id);
        out.str(self.status.name());
        out.instant(self.requested_at);
        out.opt(self.decided_by);
        out.opt_instant(self.decided_at);
        out.opt_instant(self.expires_at);
        Ok(())
    }

    fn decode(row: &Row<'_, '_>) -> Result<Responsibility> {
        let id = row.id(3, |id| id)?;
        let target = match row.text(2)?.as_str() {
            "candidacy" => Target::Candidacy(CandidacyId::new(id)),
            "list" => Target::List(ListId::new(id)),
            "constituency" => Target::Constituency(ConstituencyId::new(id)),
            other => {
                return Err(unknown(
                    row,
                    2,
                    "a target (candidacy, list, constituency)",
                    other,
                ))
            }
        };
        Ok(Responsibility {
            id: row.id(0, ResponsibilityId::new)?,
            participant: row.id(1, ParticipantId::new)?,
            target,
            status: row.parse(4, ResponsibilityStatus::from_name)?,
            requested_at: row.instant(5)?,
            decided_by: row.opt_id(6, ParticipantId::new)?,
            decided_at: row.opt_instant(7)?,
            expires_at: row.opt_instant(8)?,
        })
    }

    fn references(&self, refs: &mut Vec<(usize, RecordKind, i64)>) {
        refs.push((1, RecordKind::Participant, self.participant.get()));
        refs.push(match self.target {
            Target::Candidacy(id) => (3, RecordKind::Candidacy, id.get()),
            Target::List(id) => (3, RecordKind::List, id.get()),
            Target::Constituency(id) => (3, RecordKind::Constituency, id.get()),
        });
    }

    fn all(r: &dyn CampaignRead) -> Result<Vec<Responsibility>> {
        Ok(sorted(
            r.responsibilities(&ResponsibilityFilter::default())?,
        ))
    }

    fn put(&self, w: &mut dyn CampaignWrite) -> Result<()> {
        w.put_responsibility(self)
    }
}

impl Kind for ContactDetail {
    const KIND: RecordKind = RecordKind::ContactDetail;
    const FILE: &'static str = "contact_details.csv";
    const COLUMNS: &'static [&'static str] = &[
        "id",
        "owner",
        "owner_id",
        "channel",
        "value",
        "label",
        "source",
        "added_by",
        "added_at",
        "status",
        "visibility",
        "note",
    ];

    fn id(&self) -> i64 {
        self.id.get()
    }

    fn encode(&self, out: &mut Out<'_>) -> Result<()> {
        out.text(self.id);
        let (kind, id) = match self.owner {
            Owner::Person(id) => ("person", id.get()),
            Owner::List(id) => ("list", id.get()),
        };
        out.str(kind);
        out.text(id);
        out.str(&self.point.channel().code());
        out.str(self.point.value());
        out.opt_str(self.label.as_deref());
        out.str(&self.source);
        out.text(self.added_by);
        out.instant(self.added_at);
        out.str(self.status.name());
        out.str(match self.visibility {
            Visibility::Public => "public",
            Visibility::Private => "private",
        });
        out.opt_str(self.note.as_deref());
        Ok(())
    }

    fn decode(row: &Row<'_, '_>) -> Result<ContactDetail> {
        let owner_id = row.id(2, |id| id)?;
        let owner = match row.text(1)?.as_str() {
            "person" => Owner::Person(PersonId::new(owner_id)),
            "list" => Owner::List(ListId::new(owner_id)),
            other => return Err(unknown(row, 1, "an owner (person, list)", other)),
        };
        let channel = row.parse(3, Channel::parse)?;
        let value = row.text(4)?;
        let point = ContactPoint::new(channel, &value).map_err(|e| row.relocate(4, e))?;
        let visibility = match row.text(10)?.as_str() {
            "public" => Visibility::Public,
            "private" => Visibility::Private,
            other => return Err(unknown(row, 10, "a visibility (public, private)", other)),
        };
        Ok(ContactDetail {
            id: row.id(0, ContactDetailId::new)?,
            owner,
            point,
            label: row.opt_text(5)?,
            source: row.text(6)?,
            added_by: row.id(7, ParticipantId::new)?,
            added_at: row.instant(8)?,
            status: row.parse(9, DetailStatus::from_name)?,
            visibility,
            note: row.opt_text(11)?,
        })
    }

    fn references(&self, refs: &mut Vec<(usize, RecordKind, i64)>) {
        refs.push(match self.owner {
            Owner::Person(id) => (2, RecordKind::Person, id.get()),
            Owner::List(id) => (2, RecordKind::List, id.get()),
        });
        refs.push((7, RecordKind::Participant, self.added_by.get()));
    }

    fn all(r: &dyn CampaignRead) -> Result<Vec<ContactDetail>> {
        Ok(sorted(r.contact_details(None)?))
    }

    fn put(&self, w: &mut dyn CampaignWrite) -> Result<()> {
        w.put_contact_detail(self)
    }
}

impl Kind for ContactAction {
    const KIND: RecordKind = RecordKind::ContactAction;
    const FILE: &'static str = "contact_actions.csv";
    const COLUMNS: &'static [&'static str] = &[
        "id",
        "participant",
        "target",
        "target_id",
        "channel",
        "at",
        "outcome",
        "note",
        "template",
        "marathon",
    ];

    fn id(&self) -> i64 {
        self.id.get()
    }

    fn encode(&self, out: &mut Out<'_>) -> Result<()> {
        out.text(self.id);
        out.text(self.participant);
        let (kind, id) = match self.target {
            ActionTarget::Candidacy(id) => ("candidacy", id.get()),
            ActionTarget::List(id) => ("list", id.get()),
        };
        out.str(kind);
        out.text(id);
        out.str(&self.channel.code());
        out.instant(self.at);
        out.str(self.outcome.name());
        out.opt_str(self.note.as_deref());
        out.opt(self.template);
        out.opt(self.marathon);
        Ok(())
    }

    fn decode(row: &Row<'_, '_>) -> Result<ContactAction> {
        let target_id = row.id(3, |id| id)?;
        let target = match row.text(2)?.as_str() {
            "candidacy" => ActionTarget::Candidacy(CandidacyId::new(target_id)),
            "list" => ActionTarget::List(ListId::new(target_id)),
            other => return Err(unknown(row, 2, "a target (candidacy, list)", other)),
        };
        Ok(ContactAction {
            id: row.id(0, ContactActionId::new)?,
            participant: row.id(1, ParticipantId::new)?,
            target,
            channel: row.parse(4, Channel::parse)?,
            at: row.instant(5)?,
            outcome: row.parse(6, Outcome::from_name)?,
            note: row.opt_text(7)?,
            template: row.opt_id(8, TemplateId::new)?,
            marathon: row.opt_id(9, MarathonId::new)?,
        })
    }

    fn references(&self, refs: &mut Vec<(usize, RecordKind, i64)>) {
        refs.push((1, RecordKind::Participant, self.participant.get()));
        refs.push(match self.target {
            ActionTarget::Candidacy(id) => (3, RecordKind::Candidacy, id.get()),
            ActionTarget::List(id) => (3, RecordKind::List, id.get()),
        });
        if let Some(template) = self.template {
            refs.push((8, RecordKind::Template, template.get()));
        }
        if let Some(marathon) = self.marathon {
            refs.push((9, RecordKind::Marathon, marathon.get()));
        }
    }

    fn all(r: &dyn CampaignRead) -> Result<Vec<ContactAction>> {
        Ok(sorted(r.contact_actions(&ActionFilter::default())?))
    }

    fn put(&self, w: &mut dyn CampaignWrite) -> Result<()> {
        w.put_contact_action(self)
    }
}

impl Kind for Pledge {
    const KIND: RecordKind = RecordKind::Pledge;
    const FILE: &'static str = "pledges.csv";
    const COLUMNS: &'static [&'static str] = &["id", "name", "version", "text"];

    fn id(&self) -> i64 {
        self.id.get()
    }

    fn encode(&self, out: &mut Out<'_>) -> Result<()> {
        out.text(self.id);
        out.str(self.name.as_str());
        out.text(self.version);
        out.str(&self.text);
        Ok(())
    }

    fn decode(row: &Row<'_, '_>) -> Result<Pledge> {
        Ok(Pledge {
            id: row.id(0, PledgeId::new)?,
            name: row.name(1)?,
            version: row.number(2)?,
            text: row.text(3)?,
        })
    }

    fn references(&self, _: &mut Vec<(usize, RecordKind, i64)>) {}

    fn all(r: &dyn CampaignRead) -> Result<Vec<Pledge>> {
        Ok(sorted(r.pledges()?))
    }

    fn put(&self, w: &mut dyn CampaignWrite) -> Result<()> {
        w.put_pledge(self)
    }
}

impl Kind for PledgeAnswer {
    const KIND: RecordKind = RecordKind::PledgeAnswer;
    const FILE: &'static str = "pledge_answers.csv";
    const COLUMNS: &'static [&'static str] = &[
        "id",
        "pledge",
        "subject",
        "subject_id",
        "answer",
        "evidence",
        "date",
        "recorded_by",
        "recorded_at",
    ];

    fn id(&self) -> i64 {
        self.id.get()
    }

    fn encode(&self, out: &mut Out<'_>) -> Result<()> {
        out.text(self.id);
        out.text(self.pledge);
        let (kind, id) = match self.subject {
            Subject::Person(id) => ("person", id.get()),
            Subject::List(id) => ("list", id.get()),
        };
        out.str(kind);
        out.text(id);
        match &self.answer {
            Answer::Signed { evidence } => {
                out.str("signed");
                out.opt_str(Some(evidence));
            }
            Answer::Declined => {
                out.str("declined");
                out.empty();
            }
        }
        out.date(self.date);
        out.text(self.recorded_by);
        out.instant(self.recorded_at);
        Ok(())
    }

    fn decode(row: &Row<'_, '_>) -> Result<PledgeAnswer> {
        let subject_id = row.id(3, |id| id)?;
        let subject = match row.text(2)?.as_str() {
            "person" => Subject::Person(PersonId::new(subject_id)),
            "list" => Subject::List(ListId::new(subject_id)),
            other => return Err(unknown(row, 2, "a subject (person, list)", other)),
        };
        let answer = match row.text(4)?.as_str() {
            "signed" => Answer::Signed {
                evidence: row.text(5)?,
            },
            "declined" => {
                row.nothing(5, "for a declined pledge")?;
                Answer::Declined
            }
            other => return Err(unknown(row, 4, "an answer (signed, declined)", other)),
        };
        Ok(PledgeAnswer {
            id: row.id(0, PledgeAnswerId::new)?,
            pledge: row.id(1, PledgeId::new)?,
            subject,
            answer,
            date: row.date(6)?,
            recorded_by: row.id(7, ParticipantId::new)?,
            recorded_at: row.instant(8)?,
        })
    }

    fn references(&self, refs: &mut Vec<(usize, RecordKind, i64)>) {
        refs.push((1, RecordKind::Pledge, self.pledge.get()));
        refs.push(match self.subject {
            Subject::Person(id) => (3, RecordKind::Person, id.get()),
            Subject::List(id) => (3, RecordKind::List, id.get()),
        });
        refs.push((7, RecordKind::Participant, self.recorded_by.get()));
    }

    fn all(r: &dyn CampaignRead) -> Result<Vec<PledgeAnswer>> {
        Ok(sorted(r.pledge_answers(None)?))
    }

    fn put(&self, w: &mut dyn CampaignWrite) -> Result<()> {
        w.put_pledge_answer(self)
    }
}

impl Kind for Marathon {
    const KIND: RecordKind = RecordKind::Marathon;
    const FILE: &'static str = "marathons.csv";
    const COLUMNS: &'static [&'static str] = &[
        "id",
        "name",
        "number",
        "starts_at",
        "ends_at",
        "created_by",
        "goal",
    ];

    fn id(&self) -> i64 {
        self.id.get()
    }

    fn encode(&self, out: &mut Out<'_>) -> Result<()> {
        out.text(self.id);
        out.str(self.name.as_str());
        out.opt(self.number);
        out.instant(self.starts_at);
        out.instant(self.ends_at);
        out.text(self.created_by);
        out.json(&self.goal)
    }

    fn decode(row: &Row<'_, '_>) -> Result<Marathon> {
        Ok(Marathon {
            id: row.id(0, MarathonId::new)?,
            name: row.name(1)?,
            number: row.opt_number(2)?,
            starts_at: row.instant(3)?,
            ends_at: row.instant(4)?,
            created_by: row.id(5, ParticipantId::new)?,
            goal: row.json(6)?,
        })
    }

    fn references(&self, refs: &mut Vec<(usize, RecordKind, i64)>) {
        refs.push((5, RecordKind::Participant, self.created_by.get()));
    }

    fn all(r: &dyn CampaignRead) -> Result<Vec<Marathon>> {
        Ok(sorted(r.marathons()?))
    }

    fn put(&self, w: &mut dyn CampaignWrite) -> Result<()> {
        w.put_marathon(self)
    }
}

impl Kind for Template {
    const KIND: RecordKind = RecordKind::Template;
    const FILE: &'static str = "templates.csv";
    const COLUMNS: &'static [&'static str] = &["id", "owner", "name", "subject", "body"];

    fn id(&self) -> i64 {
        self.id.get()
    }

    fn encode(&self, out: &mut Out<'_>) -> Result<()> {
        out.text(self.id);
        out.text(self.owner);
        out.str(self.name.as_str());
        out.str(&self.subject);
        out.str(&self.body);
        Ok(())
    }

    fn decode(row: &Row<'_, '_>) -> Result<Template> {
        Ok(Template {
            id: row.id(0, TemplateId::new)?,
            owner: row.id(1, ParticipantId::new)?,
            name: row.name(2)?,
            subject: row.text(3)?,
            body: row.text(4)?,
        })
    }

    fn references(&self, refs: &mut Vec<(usize, RecordKind, i64)>) {
        refs.push((1, RecordKind::Participant, self.owner.get()));
    }

    fn all(r: &dyn CampaignRead) -> Result<Vec<Template>> {
        Ok(sorted(r.templates(None)?))
    }

    fn put(&self, w: &mut dyn CampaignWrite) -> Result<()> {
        w.put_template(self)
    }
}

impl Kind for Proposal {
    const KIND: RecordKind = RecordKind::Proposal;
    const FILE: &'static str = "proposals.csv";
    const COLUMNS: &'static [&'static str] = &[
        "id",
        "author",
        "created_at",
        "source",
        "status",
        "decided_by",
        "decided_at",
        "change",
    ];

    fn id(&self) -> i64 {
        self.id.get()
    }

    fn encode(&self, out: &mut Out<'_>) -> Result<()> {
        out.text(self.id);
        out.text(self.author);
        out.instant(self.created_at);
        out.opt_str(self.source.as_deref());
        out.str(self.status.name());
        out.opt(self.decided_by);
        out.opt_instant(self.decided_at);
        out.json(&self.change)
    }

    fn decode(row: &Row<'_, '_>) -> Result<Proposal> {
        Ok(Proposal {
            id: row.id(0, ProposalId::new)?,
            author: row.id(1, ParticipantId::new)?,
            created_at: row.instant(2)?,
            source: row.opt_text(3)?,
            status: row.parse(4, ProposalStatus::from_name)?,
            decided_by: row.opt_id(5, ParticipantId::new)?,
            decided_at: row.opt_instant(6)?,
            change: row.json(7)?,
        })
    }

    fn references(&self, refs: &mut Vec<(usize, RecordKind, i64)>) {
        refs.push((1, RecordKind::Participant, self.author.get()));
    }

    fn all(r: &dyn CampaignRead) -> Result<Vec<Proposal>> {
        Ok(sorted(r.proposals(None)?))
    }

    fn put(&self, w: &mut dyn CampaignWrite) -> Result<()> {
        w.put_proposal(self)
    }
}

impl Kind for Reservation {
    const KIND: RecordKind = RecordKind::Reservation;
    const FILE: &'static str = "reservations.csv";
    const COLUMNS: &'static [&'static str] = &[
        "id",
        "candidacy",
        "participant",
        "queue",
        "taken_at",
        "until",
        "marathon",
        "released_at",
    ];

    fn id(&self) -> i64 {
        self.id.get()
    }

    fn encode(&self, out: &mut Out<'_>) -> Result<()> {
        out.text(self.id);
        out.text(self.candidacy);
        out.text(self.participant);
        out.str(self.queue.name());
        out.instant(self.taken_at);
        out.instant(self.until);
        out.opt(self.marathon);
        out.opt_instant(self.released_at);
        Ok(())
    }

    fn decode(row: &Row<'_, '_>) -> Result<Reservation> {
        Ok(Reservation {
            id: row.id(0, ReservationId::new)?,
            candidacy: row.id(1, CandidacyId::new)?,
            participant: row.id(2, ParticipantId::new)?,
            queue: row.parse(3, QueueKind::from_name)?,
            taken_at: row.instant(4)?,
            until: row.instant(5)?,
            marathon: row.opt_id(6, MarathonId::new)?,
            released_at: row.opt_instant(7)?,
        })
    }

    fn references(&self, refs: &mut Vec<(usize, RecordKind, i64)>) {
        refs.push((1, RecordKind::Candidacy, self.candidacy.get()));
        refs.push((2, RecordKind::Participant, self.participant.get()));
        if let Some(marathon) = self.marathon {
            refs.push((6, RecordKind::Marathon, marathon.get()));
        }
    }

    fn all(r: &dyn CampaignRead) -> Result<Vec<Reservation>> {
        Ok(sorted(r.reservations(&ReservationFilter::default())?))
    }

    fn put(&self, w: &mut dyn CampaignWrite) -> Result<()> {
        w.put_reservation(self)
    }
}

impl Kind for AuditRecord {
    const KIND: RecordKind = RecordKind::Audit;
    const FILE: &'static str = "audit.csv";
    const COLUMNS: &'static [&'static str] = &[
        "id", "at", "actor", "kind", "record", "action", "person", "reverts", "source", "before",
        "after",
    ];

    fn id(&self) -> i64 {
        self.id.get()
    }

    fn encode(&self, out: &mut Out<'_>) -> Result<()> {
        out.text(self.id);
        out.instant(self.at);
        out.opt(self.actor);
        out.str(self.kind.name());
        out.text(self.record);
        out.str(self.action.name());
        out.opt(self.person);
        out.opt(self.reverts);
        out.opt_str(self.source.as_deref());
        out.opt_json(self.before.as_ref())?;
        out.opt_json(self.after.as_ref())
    }

    fn decode(row: &Row<'_, '_>) -> Result<AuditRecord> {
        let kind = row.parse(3, |text| {
            RecordKind::from_name(text)
                .ok_or_else(|| Error::invalid(format!("expected a record kind, found `{text}`")))
        })?;
        Ok(AuditRecord {
            id: row.id(0, AuditId::new)?,
            at: row.instant(1)?,
            actor: row.opt_id(2, ParticipantId::new)?,
            kind,
            record: row.number(4)?,
            action: row.parse(5, AuditAction::from_name)?,
            person: row.opt_id(6, PersonId::new)?,
            reverts: row.opt_id(7, AuditId::new)?,
            source: row.opt_text(8)?,
            before: row.opt_json(9)?,
            after: row.opt_json(10)?,
        })
    }

    fn references(&self, _: &mut Vec<(usize, RecordKind, i64)>) {}

    fn all(r: &dyn CampaignRead) -> Result<Vec<AuditRecord>> {
        Ok(sorted(r.audit(&AuditFilter::default())?))
    }

    fn put(&self, w: &mut dyn CampaignWrite) -> Result<()> {
        w.append_audit(self)
    }
}
