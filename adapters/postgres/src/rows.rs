//! Records to rows and back: the columns of each table, and the text codes
//! of enumerations as stored.

use candidats_core::*;
use chrono::{DateTime, NaiveDate, Utc};
use postgres::types::{FromSql, ToSql, Type};
use postgres::Row;

use crate::error::unreadable;

/// The columns of each table, in the order rows are read and written.
pub(crate) const ELECTION: &str = "id, kind, name, round1_date, has_round2, round2_date";
pub(crate) const CONSTITUENCY: &str = "id, election, parent, kind, code, name";
pub(crate) const LIST: &str =
    "id, election, round, constituency, panel, short_label, label, nuance_code, nuance_label";
pub(crate) const SECTION: &str = "id, list, constituency, code, implicit";
pub(crate) const PERSON: &str = "id, surname, first_name, sex, birth_date, nationality";
pub(crate) const CANDIDACY: &str = "id, person, election, round, constituency, seat, list, \
     section, seat_order, pair_index, partner, substitute_of, roles, nuance_code, nuance_label, \
     panel, outgoing, community_council, withdrawn, profession";
pub(crate) const PARTICIPANT: &str = "id, name, email, moderator, registered_at";
pub(crate) const RESPONSIBILITY: &str = "id, participant, target_candidacy, target_list, \
     target_constituency, status, requested_at, decided_by, decided_at, expires_at";
pub(crate) const CONTACT_DETAIL: &str = "id, owner_person, owner_list, channel, value, label, \
     source, added_by, added_at, status, visibility, note";
pub(crate) const CONTACT_ACTION: &str = "id, participant, target_candidacy, target_list, \
     channel, at, outcome, note, template, marathon";
pub(crate) const PLEDGE: &str = "id, name, version, text";
pub(crate) const PLEDGE_ANSWER: &str = "id, pledge, subject_person, subject_list, answer, \
     evidence, day, recorded_by, recorded_at";
pub(crate) const MARATHON: &str = "id, name, number, starts_at, ends_at, goal, created_by";
pub(crate) const TEMPLATE: &str = "id, owner, name, subject, body";
pub(crate) const PROPOSAL: &str =
    "id, author, created_at, source, change, status, decided_by, decided_at";
pub(crate) const RESERVATION: &str =
    "id, candidacy, participant, queue, taken_at, until, marathon, released_at";
pub(crate) const AUDIT: &str =
    "id, actor, at, source, kind, record, action, before, after, person, reverts";

/// The column types of `persons`, for `COPY`.
pub(crate) const PERSON_TYPES: &[Type] = &[
    Type::INT8,
    Type::TEXT,
    Type::TEXT,
    Type::TEXT,
    Type::DATE,
    Type::TEXT,
];

/// The column types of `candidacies`, for `COPY`.
pub(crate) const CANDIDACY_TYPES: &[Type] = &[
    Type::INT8,
    Type::INT8,
    Type::INT8,
    Type::INT2,
    Type::INT8,
    Type::TEXT,
    Type::INT8,
    Type::INT8,
    Type::INT8,
    Type::INT2,
    Type::INT8,
    Type::INT8,
    Type::INT2,
    Type::TEXT,
    Type::TEXT,
    Type::INT8,
    Type::BOOL,
    Type::BOOL,
    Type::BOOL,
    Type::TEXT,
];

/// `INSERT ... ON CONFLICT (id) DO UPDATE` over every column.
pub(crate) fn upsert(table: &str, columns: &str) -> String {
    let names: Vec<&str> = columns.split(',').map(str::trim).collect();
    let values: Vec<String> = (1..=names.len()).map(|i| format!("${i}")).collect();
    let updates: Vec<String> = names
        .iter()
        .skip(1)
        .map(|name| format!("{name} = EXCLUDED.{name}"))
        .collect();
    format!(
        "INSERT INTO {table} ({columns}) VALUES ({}) ON CONFLICT (id) DO UPDATE SET {}",
        values.join(", "),
        updates.join(", ")
    )
}

/// A parameter list for a statement.
pub(crate) type Params<'a> = Vec<&'a (dyn ToSql + Sync)>;

/// Fails on text PostgreSQL cannot store: it refuses the NUL character.
pub(crate) fn storable(what: &str, text: &str) -> Result<()> {
    if text.contains('\0') {
        return Err(Error::invalid(format!(
            "PostgreSQL cannot store the NUL character found in {what}"
        )));
    }
    Ok(())
}

/// [`storable`] for an optional text.
pub(crate) fn storable_opt(what: &str, text: Option<&str>) -> Result<()> {
    text.map_or(Ok(()), |text| storable(what, text))
}

fn get<'a, T: FromSql<'a>>(row: &'a Row, index: usize) -> Result<T> {
    row.try_get(index)
        .map_err(|e| Error::backend("cannot read a column of the database", e))
}

fn u32_of(what: &str, value: i64) -> Result<u32> {
    u32::try_from(value).map_err(|e| unreadable(what, e))
}

fn u8_of(what: &str, value: i16) -> Result<u8> {
    u8::try_from(value).map_err(|e| unreadable(what, e))
}

fn name_of(what: &str, text: String) -> Result<Name> {
    Name::new(text).map_err(|e| unreadable(what, e))
}

fn json<T: serde::de::DeserializeOwned>(what: &str, text: &str) -> Result<T> {
    serde_json::from_str(text).map_err(|e| unreadable(what, e))
}

/// A value as JSON text.
pub(crate) fn to_json<T: serde::Serialize>(what: &str, value: &T) -> Result<String> {
    serde_json::to_string(value)
        .map_err(|e| Error::backend(format!("cannot write {what} as JSON"), e))
}

fn nuance(code: Option<String>, label: Option<String>) -> Option<Nuance> {
    code.map(|code| Nuance { code, label })
}

/// The stored code of a visibility.
pub(crate) const fn visibility_code(visibility: Visibility) -> &'static str {
    match visibility {
        Visibility::Public => "public",
        Visibility::Private => "private",
    }
}

fn visibility_of(code: &str) -> Result<Visibility> {
    match code {
        "public" => Ok(Visibility::Public),
        "private" => Ok(Visibility::Private),
        other => Err(unreadable("visibility", format!("`{other}`"))),
    }
}

fn sex_of(code: &str) -> Result<Sex> {
    match code {
        "F" => Ok(Sex::Female),
        "M" => Ok(Sex::Male),
        other => Err(unreadable("sex", format!("`{other}`"))),
    }
}

/// The stored code of a record kind, as read back.
pub(crate) fn record_kind_of(code: &str) -> Result<RecordKind> {
    RecordKind::from_name(code).ok_or_else(|| unreadable("record kind", format!("`{code}`")))
}

pub(crate) fn election(row: &Row) -> Result<Election> {
    let mut rounds = vec![Round {
        number: 1,
        date: get(row, 3)?,
    }];
    if get::<bool>(row, 4)? {
        rounds.push(Round {
            number: 2,
            date: get(row, 5)?,
        });
    }
    let kind = ElectionKind::from_name(get(row, 1)?).map_err(|e| unreadable("election", e))?;
    Election::new(ElectionId::new(get(row, 0)?), kind, get(row, 2)?, rounds)
        .map_err(|e| unreadable("election", e))
}

pub(crate) fn constituency(row: &Row) -> Result<Constituency> {
    Ok(Constituency {
        id: ConstituencyId::new(get(row, 0)?),
        election: ElectionId::new(get(row, 1)?),
        parent: get::<Option<i64>>(row, 2)?.map(ConstituencyId::new),
        kind: ConstituencyKind::from_name(get(row, 3)?)
            .map_err(|e| unreadable("constituency", e))?,
        code: get(row, 4)?,
        name: name_of("constituency name", get(row, 5)?)?,
    })
}

pub(crate) fn list(row: &Row) -> Result<CandidateList> {
    Ok(CandidateList {
        id: ListId::new(get(row, 0)?),
        election: ElectionId::new(get(row, 1)?),
        round: u8_of("round", get(row, 2)?)?,
        constituency: ConstituencyId::new(get(row, 3)?),
        panel: get::<Option<i64>>(row, 4)?
            .map(|p| u32_of("panel", p))
            .transpose()?,
        short_label: get(row, 5)?,
        label: name_of("list label", get(row, 6)?)?,
        nuance: nuance(get(row, 7)?, get(row, 8)?),
    })
}

pub(crate) fn section(row: &Row) -> Result<Section> {
    Ok(Section {
        id: SectionId::new(get(row, 0)?),
        list: ListId::new(get(row, 1)?),
        constituency: ConstituencyId::new(get(row, 2)?),
        code: get(row, 3)?,
        implicit: get(row, 4)?,
    })
}

pub(crate) fn person(row: &Row) -> Result<Person> {
    Ok(Person {
        id: PersonId::new(get(row, 0)?),
        surname: name_of("surname", get(row, 1)?)?,
        first_name: get::<Option<String>>(row, 2)?
            .map(|n| name_of("first name", n))
            .transpose()?,
        sex: get::<Option<&str>>(row, 3)?.map(sex_of).transpose()?,
        birth_date: get(row, 4)?,
        nationality: get(row, 5)?,
    })
}

pub(crate) fn candidacy(row: &Row) -> Result<Candidacy> {
    let seat = match get::<&str>(row, 5)? {
        "list" => Seat::List {
            list: ListId::new(get(row, 6)?),
            section: SectionId::new(get(row, 7)?),
            order: u32_of("order", get(row, 8)?)?,
        },
        "single" => Seat::Single,
        "pair" => Seat::Pair {
            index: u8_of("pair index", get(row, 9)?)?,
            partner: get::<Option<i64>>(row, 10)?.map(CandidacyId::new),
        },
        "substitute" => Seat::Substitute {
            of: CandidacyId::new(get(row, 11)?),
        },
        other => return Err(unreadable("seat", format!("`{other}`"))),
    };
    let roles = get::<i16>(row, 12)?;
    Ok(Candidacy {
        id: CandidacyId::new(get(row, 0)?),
        person: PersonId::new(get(row, 1)?),
        election: ElectionId::new(get(row, 2)?),
        round: u8_of("round", get(row, 3)?)?,
        constituency: ConstituencyId::new(get(row, 4)?),
        seat,
        roles: u8::try_from(roles)
            .ok()
            .and_then(Roles::from_bits)
            .ok_or_else(|| unreadable("roles", format!("bits {roles}")))?,
        nuance: nuance(get(row, 13)?, get(row, 14)?),
        panel: get::<Option<i64>>(row, 15)?
            .map(|p| u32_of("panel", p))
            .transpose()?,
        outgoing: get(row, 16)?,
        community_council: get(row, 17)?,
        withdrawn: get(row, 18)?,
        profession: get(row, 19)?,
    })
}

/// A candidacy's columns, owned, in [`CANDIDACY`] order.
pub(crate) struct CandidacyRow {
    id: i64,
    person: i64,
    election: i64,
    round: i16,
    constituency: i64,
    seat: &'static str,
    list: Option<i64>,
    section: Option<i64>,
    order: Option<i64>,
    pair_index: Option<i16>,
    partner: Option<i64>,
    substitute_of: Option<i64>,
    roles: i16,
    nuance_code: Option<String>,
    nuance_label: Option<String>,
    panel: Option<i64>,
    outgoing: bool,
    community_council: bool,
    withdrawn: bool,
    profession: Option<String>,
}

impl CandidacyRow {
    /// The columns of a candidacy.
    ///
    /// # Errors
    ///
    /// [`Error::Unsupported`] for a kind of seat this store does not know;
    /// [`Error::InvalidInput`] for a nuance holding a NUL character.
    pub(crate) fn new(c: &Candidacy) -> Result<CandidacyRow> {
        let (seat, list, section, order, pair_index, partner, substitute_of) = match c.seat {
            Seat::List {
                list,
                section,
                order,
            } => (
                "list",
                Some(list.get()),
                Some(section.get()),
                Some(i64::from(order)),
                None,
                None,
                None,
            ),
            Seat::Single => ("single", None, None, None, None, None, None),
            Seat::Pair { index, partner } => (
                "pair",
                None,
                None,
                None,
                Some(i16::from(index)),
                partner.map(CandidacyId::get),
                None,
            ),
            Seat::Substitute { of } => ("substitute", None, None, None, None, None, Some(of.get())),
            _ => return Err(Error::unsupported("this kind of seat in PostgreSQL")),
        };
        if let Some(n) = &c.nuance {
            storable("a nuance", &n.code)?;
            storable_opt("a nuance", n.label.as_deref())?;
        }
        storable_opt("a profession", c.profession.as_deref())?;
        Ok(CandidacyRow {
            id: c.id.get(),
            person: c.person.get(),
            election: c.election.get(),
            round: i16::from(c.round),
            constituency: c.constituency.get(),
            seat,
            list,
            section,
            order,
            pair_index,
            partner,
            substitute_of,
            roles: i16::from(c.roles.bits()),
            nuance_code: c.nuance.as_ref().map(|n| n.code.clone()),
            nuance_label: c.nuance.as_ref().and_then(|n| n.label.clone()),
            panel: c.panel.map(i64::from),
            outgoing: c.outgoing,
            community_council: c.community_council,
            withdrawn: c.withdrawn,
            profession: c.profession.clone(),
        })
    }

    /// The parameters, in [`CANDIDACY`] order.
    pub(crate) fn params(&self) -> Params<'_> {
        vec![
            &self.id,
            &self.person,
            &self.election,
            &self.round,
            &self.constituency,
            &self.seat,
            &self.list,
            &self.section,
            &self.order,
            &self.pair_index,
            &self.partner,
            &self.substitute_of,
            &self.roles,
            &self.nuance_code,
            &self.nuance_label,
            &self.panel,
            &self.outgoing,
            &self.community_council,
            &self.withdrawn,
            &self.profession,
        ]
    }
}

/// A person's columns, owned, in [`PERSON`] order.
pub(crate) struct PersonRow<'a> {
    id: i64,
    person: &'a Person,
    surname: &'a str,
    first_name: Option<&'a str>,
    sex: Option<&'static str>,
}

impl<'a> PersonRow<'a> {
    /// The columns of a person.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidInput`] for a text holding a NUL character.
    pub(crate) fn new(person: &'a Person) -> Result<PersonRow<'a>> {
        storable_opt("a nationality", person.nationality.as_deref())?;
        Ok(PersonRow {
            id: person.id.get(),
            person,
            surname: person.surname.as_str(),
            first_name: person.first_name.as_ref().map(Name::as_str),
            sex: person.sex.map(Sex::code),
        })
    }

    /// The parameters, in [`PERSON`] order.
    pub(crate) fn params(&self) -> Params<'_> {
        vec![
            &self.id,
            &self.surname,
            &self.first_name,
            &self.sex,
            &self.person.birth_date,
            &self.person.nationality,
        ]
    }
}

pub(crate) fn participant(row: &Row) -> Result<Participant> {
    Ok(Participant {
        id: ParticipantId::new(get(row, 0)?),
        name: name_of("participant name", get(row, 1)?)?,
        email: get(row, 2)?,
        moderator: get(row, 3)?,
        registered_at: get(row, 4)?,
    })
}

/// A target as three optional columns: candidacy, list, constituency.
pub(crate) fn target_columns(target: Target) -> (Option<i64>, Option<i64>, Option<i64>) {
    match target {
        Target::Candidacy(id) => (Some(id.get()), None, None),
        Target::List(id) => (None, Some(id.get()), None),
        Target::Constituency(id) => (None, None, Some(id.get())),
    }
}

pub(crate) fn responsibility(row: &Row) -> Result<Responsibility> {
    let target = match (
        get::<Option<i64>>(row, 2)?,
        get::<Option<i64>>(row, 3)?,
        get::<Option<i64>>(row, 4)?,
    ) {
        (Some(c), None, None) => Target::Candidacy(CandidacyId::new(c)),
        (None, Some(l), None) => Target::List(ListId::new(l)),
        (None, None, Some(k)) => Target::Constituency(ConstituencyId::new(k)),
        _ => {
            return Err(unreadable(
                "responsibility target",
                "not exactly one target",
            ))
        }
    };
    Ok(Responsibility {
        id: ResponsibilityId::new(get(row, 0)?),
        participant: ParticipantId::new(get(row, 1)?),
        target,
        status: ResponsibilityStatus::from_name(get(row, 5)?)
            .map_err(|e| unreadable("responsibility", e))?,
        requested_at: get(row, 6)?,
        decided_by: get::<Option<i64>>(row, 7)?.map(ParticipantId::new),
        decided_at: get(row, 8)?,
        expires_at: get(row, 9)?,
    })
}

/// An owner as two optional columns: person, list.
pub(crate) fn owner_columns(owner: Owner) -> (Option<i64>, Option<i64>) {
    match owner {
        Owner::Person(id) => (Some(id.get()), None),
        Owner::List(id) => (None, Some(id.get())),
    }
}

pub(crate) fn contact_detail(row: &Row) -> Result<ContactDetail> {
    let owner = match (get::<Option<i64>>(row, 1)?, get::<Option<i64>>(row, 2)?) {
        (Some(p), None) => Owner::Person(PersonId::new(p)),
        (None, Some(l)) => Owner::List(ListId::new(l)),
        _ => return Err(unreadable("contact detail owner", "not exactly one owner")),
    };
    let channel = Channel::parse(get(row, 3)?).map_err(|e| unreadable("channel", e))?;
    Ok(ContactDetail {
        id: ContactDetailId::new(get(row, 0)?),
        owner,
        point: ContactPoint::new(channel, get(row, 4)?)
            .map_err(|e| unreadable("contact detail", e))?,
        label: get(row, 5)?,
        source: get(row, 6)?,
        added_by: ParticipantId::new(get(row, 7)?),
        added_at: get(row, 8)?,
        status: DetailStatus::from_name(get(row, 9)?)
            .map_err(|e| unreadable("contact detail", e))?,
        visibility: visibility_of(get(row, 10)?)?,
        note: get(row, 11)?,
    })
}

/// An action target as two optional columns: candidacy, list.
pub(crate) fn action_target_columns(target: ActionTarget) -> (Option<i64>, Option<i64>) {
    match target {
        ActionTarget::Candidacy(id) => (Some(id.get()), None),
        ActionTarget::List(id) => (None, Some(id.get())),
    }
}

pub(crate) fn contact_action(row: &Row) -> Result<ContactAction> {
    let target = match (get::<Option<i64>>(row, 2)?, get::<Option<i64>>(row, 3)?) {
        (Some(c), None) => ActionTarget::Candidacy(CandidacyId::new(c)),
        (None, Some(l)) => ActionTarget::List(ListId::new(l)),
        _ => {
            return Err(unreadable(
                "contact action target",
                "not exactly one target",
            ))
        }
    };
    Ok(ContactAction {
        id: ContactActionId::new(get(row, 0)?),
        participant: ParticipantId::new(get(row, 1)?),
        target,
        channel: Channel::parse(get(row, 4)?).map_err(|e| unreadable("channel", e))?,
        at: get(row, 5)?,
        outcome: Outcome::from_name(get(row, 6)?).map_err(|e| unreadable("outcome", e))?,
        note: get(row, 7)?,
        template: get::<Option<i64>>(row, 8)?.map(TemplateId::new),
        marathon: get::<Option<i64>>(row, 9)?.map(MarathonId::new),
    })
}

pub(crate) fn pledge(row: &Row) -> Result<Pledge> {
    Ok(Pledge {
        id: PledgeId::new(get(row, 0)?),
        name: name_of("pledge name", get(row, 1)?)?,
        version: u32_of("pledge version", get(row, 2)?)?,
        text: get(row, 3)?,
    })
}

/// A subject as two optional columns: person, list.
pub(crate) fn subject_columns(subject: Subject) -> (Option<i64>, Option<i64>) {
    match subject {
        Subject::Person(id) => (Some(id.get()), None),
        Subject::List(id) => (None, Some(id.get())),
    }
}

/// An answer as its code and its evidence.
pub(crate) fn answer_columns(answer: &Answer) -> (&'static str, Option<&str>) {
    match answer {
        Answer::Signed { evidence } => ("signed", Some(evidence.as_str())),
        Answer::Declined => ("declined", None),
    }
}

pub(crate) fn pledge_answer(row: &Row) -> Result<PledgeAnswer> {
    let subject = match (get::<Option<i64>>(row, 2)?, get::<Option<i64>>(row, 3)?) {
        (Some(p), None) => Subject::Person(PersonId::new(p)),
        (None, Some(l)) => Subject::List(ListId::new(l)),
        _ => {
            return Err(unreadable(
                "pledge answer subject",
                "not exactly one subject",
            ))
        }
    };
    let answer = match (get::<&str>(row, 4)?, get::<Option<String>>(row, 5)?) {
        ("signed", Some(evidence)) => Answer::Signed { evidence },
        ("declined", None) => Answer::Declined,
        (other, _) => return Err(unreadable("pledge answer", format!("`{other}`"))),
    };
    Ok(PledgeAnswer {
        id: PledgeAnswerId::new(get(row, 0)?),
        pledge: PledgeId::new(get(row, 1)?),
        subject,
        answer,
        date: get::<NaiveDate>(row, 6)?,
        recorded_by: ParticipantId::new(get(row, 7)?),
        recorded_at: get(row, 8)?,
    })
}

pub(crate) fn marathon(row: &Row) -> Result<Marathon> {
    Ok(Marathon {
        id: MarathonId::new(get(row, 0)?),
        name: name_of("marathon name", get(row, 1)?)?,
        number: get::<Option<i64>>(row, 2)?
            .map(|n| u32_of("marathon number", n))
            .transpose()?,
        starts_at: get(row, 3)?,
        ends_at: get(row, 4)?,
        goal: json("marathon goal", get(row, 5)?)?,
        created_by: ParticipantId::new(get(row, 6)?),
    })
}

pub(crate) fn template(row: &Row) -> Result<Template> {
    Ok(Template {
        id: TemplateId::new(get(row, 0)?),
        owner: ParticipantId::new(get(row, 1)?),
        name: name_of("template name", get(row, 2)?)?,
        subject: get(row, 3)?,
        body: get(row, 4)?,
    })
}

pub(crate) fn proposal(row: &Row) -> Result<Proposal> {
    Ok(Proposal {
        id: ProposalId::new(get(row, 0)?),
        author: ParticipantId::new(get(row, 1)?),
        created_at: get(row, 2)?,
        source: get(row, 3)?,
        change: json("proposed change", get(row, 4)?)?,
        status: ProposalStatus::from_name(get(row, 5)?).map_err(|e| unreadable("proposal", e))?,
        decided_by: get::<Option<i64>>(row, 6)?.map(ParticipantId::new),
        decided_at: get(row, 7)?,
    })
}

pub(crate) fn reservation(row: &Row) -> Result<Reservation> {
    Ok(Reservation {
        id: ReservationId::new(get(row, 0)?),
        candidacy: CandidacyId::new(get(row, 1)?),
        participant: ParticipantId::new(get(row, 2)?),
        queue: QueueKind::from_name(get(row, 3)?).map_err(|e| unreadable("reservation", e))?,
        taken_at: get(row, 4)?,
        until: get(row, 5)?,
        marathon: get::<Option<i64>>(row, 6)?.map(MarathonId::new),
        released_at: get(row, 7)?,
    })
}

pub(crate) fn audit(row: &Row) -> Result<AuditRecord> {
    let value = |index| -> Result<Option<serde_json::Value>> {
        get::<Option<&str>>(row, index)?
            .map(|text| json("audit content", text))
            .transpose()
    };
    Ok(AuditRecord {
        id: AuditId::new(get(row, 0)?),
        actor: get::<Option<i64>>(row, 1)?.map(ParticipantId::new),
        at: get::<DateTime<Utc>>(row, 2)?,
        source: get(row, 3)?,
        kind: record_kind_of(get(row, 4)?)?,
        record: get(row, 5)?,
        action: AuditAction::from_name(get(row, 6)?).map_err(|e| unreadable("audit entry", e))?,
        before: value(7)?,
        after: value(8)?,
        person: get::<Option<i64>>(row, 9)?.map(PersonId::new),
        reverts: get::<Option<i64>>(row, 10)?.map(AuditId::new),
    })
}
