//! How records are written to columns and read back.
//!
//! Instants are UTC texts with nine decimals, `2015-11-10T09:00:00.000000000Z`,
//! so that text order is time order and nothing of chrono's precision is
//! lost; days are `YYYY-MM-DD`; flags are 0 or 1; enumerations are stored by
//! their names.

use chrono::{DateTime, NaiveDate, Utc};
use rusqlite::types::FromSql;
use rusqlite::Row;

use candidats_core::*;

use crate::error::{corrupt, sql};

/// The stored form of an instant.
pub(crate) fn instant(at: DateTime<Utc>) -> String {
    at.format("%Y-%m-%dT%H:%M:%S%.9fZ").to_string()
}

/// The stored form of an optional instant.
pub(crate) fn instant_opt(at: Option<DateTime<Utc>>) -> Option<String> {
    at.map(instant)
}

/// The stored form of a day.
pub(crate) fn day(day: NaiveDate) -> String {
    day.format("%Y-%m-%d").to_string()
}

/// The first day whose midnight (UTC) is at or after `at`: a day `d`
/// starts before `at` exactly when `d` is before this day.
pub(crate) fn first_day_from(at: DateTime<Utc>) -> String {
    let date = at.date_naive();
    if day_start(date) == at {
        day(date)
    } else {
        day(date.succ_opt().unwrap_or(date))
    }
}

/// Column access with the library's errors.
pub(crate) trait Columns {
    /// A column's value.
    fn col<T: FromSql>(&self, index: usize) -> Result<T>;
    /// A text column, borrowed.
    fn text(&self, index: usize) -> Result<&str>;
    /// An optional text column, borrowed.
    fn text_opt(&self, index: usize) -> Result<Option<&str>>;
}

impl Columns for Row<'_> {
    fn col<T: FromSql>(&self, index: usize) -> Result<T> {
        self.get(index).map_err(|e| sql("read a column", e))
    }

    fn text(&self, index: usize) -> Result<&str> {
        self.get_ref(index)
            .and_then(|value| value.as_str().map_err(Into::into))
            .map_err(|e| sql("read a text column", e))
    }

    fn text_opt(&self, index: usize) -> Result<Option<&str>> {
        self.get_ref(index)
            .and_then(|value| value.as_str_or_null().map_err(Into::into))
            .map_err(|e| sql("read a text column", e))
    }
}

/// Reads an instant column.
fn at(row: &Row<'_>, index: usize, what: &str) -> Result<DateTime<Utc>> {
    parse_instant(row.text(index)?, what)
}

/// Reads an optional instant column.
fn at_opt(row: &Row<'_>, index: usize, what: &str) -> Result<Option<DateTime<Utc>>> {
    row.text_opt(index)?
        .map(|text| parse_instant(text, what))
        .transpose()
}

/// Parses a stored instant.
pub(crate) fn parse_instant(text: &str, what: &str) -> Result<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(text)
        .map(|at| at.with_timezone(&Utc))
        .map_err(|e| corrupt(what, format!("bad instant `{text}`: {e}")))
}

/// Parses a stored day.
pub(crate) fn parse_day(text: &str, what: &str) -> Result<NaiveDate> {
    NaiveDate::parse_from_str(text, "%Y-%m-%d")
        .map_err(|e| corrupt(what, format!("bad day `{text}`: {e}")))
}

fn day_opt(row: &Row<'_>, index: usize, what: &str) -> Result<Option<NaiveDate>> {
    row.text_opt(index)?
        .map(|text| parse_day(text, what))
        .transpose()
}

fn name(text: &str, what: &str) -> Result<Name> {
    Name::new(text).map_err(|e| corrupt(what, e.to_string()))
}

fn name_opt(text: Option<&str>, what: &str) -> Result<Option<Name>> {
    text.map(|t| name(t, what)).transpose()
}

fn parsed<T>(result: Result<T>, what: &str) -> Result<T> {
    result.map_err(|e| corrupt(what, e.to_string()))
}

fn nuance(code: Option<&str>, label: Option<&str>) -> Option<Nuance> {
    code.map(|code| Nuance {
        code: code.to_string(),
        label: label.map(str::to_string),
    })
}

fn json<T: serde::de::DeserializeOwned>(text: &str, what: &str) -> Result<T> {
    serde_json::from_str(text).map_err(|e| corrupt(what, e.to_string()))
}

/// JSON text of a value, for the columns that keep one.
pub(crate) fn to_json<T: serde::Serialize>(value: &T, what: &str) -> Result<String> {
    serde_json::to_string(value)
        .map_err(|e| Error::backend(format!("SQLite store: cannot write {what} as JSON"), e))
}

/// The columns of a election, in the order its decoder reads them.
macro_rules! election_columns {
    () => {
        "id, kind, name, rounds, round1_date, round2_date"
    };
}
pub(crate) use election_columns;

pub(crate) fn election(row: &Row<'_>) -> Result<Election> {
    let id = row.col::<i64>(0)?;
    let what = format!("election {id}");
    let kind = parsed(ElectionKind::from_name(row.text(1)?), &what)?;
    let rounds = row.col::<i64>(3)?;
    let mut list = vec![Round {
        number: 1,
        date: day_opt(row, 4, &what)?,
    }];
    if rounds == 2 {
        list.push(Round {
            number: 2,
            date: day_opt(row, 5, &what)?,
        });
    }
    parsed(
        Election::new(ElectionId::new(id), kind, row.text(2)?, list),
        &what,
    )
}

/// The columns of a constituency, in the order its decoder reads them.
macro_rules! constituency_columns {
    () => {
        "id, election, parent, kind, code, name"
    };
}
pub(crate) use constituency_columns;

pub(crate) fn constituency(row: &Row<'_>) -> Result<Constituency> {
    let id = row.col::<i64>(0)?;
    let what = format!("constituency {id}");
    Ok(Constituency {
        id: ConstituencyId::new(id),
        election: ElectionId::new(row.col(1)?),
        parent: row.col::<Option<i64>>(2)?.map(ConstituencyId::new),
        kind: parsed(ConstituencyKind::from_name(row.text(3)?), &what)?,
        code: row.col(4)?,
        name: name(row.text(5)?, &what)?,
    })
}

/// The columns of a list, in the order its decoder reads them.
macro_rules! list_columns {
    () => {
        "id, election, round, constituency, panel, short_label, label, nuance_code, nuance_label"
    };
}
pub(crate) use list_columns;

pub(crate) fn list(row: &Row<'_>) -> Result<CandidateList> {
    let id = row.col::<i64>(0)?;
    let what = format!("list {id}");
    Ok(CandidateList {
        id: ListId::new(id),
        election: ElectionId::new(row.col(1)?),
        round: row.col(2)?,
        constituency: ConstituencyId::new(row.col(3)?),
        panel: row.col(4)?,
        short_label: row.col(5)?,
        label: name(row.text(6)?, &what)?,
        nuance: nuance(row.text_opt(7)?, row.text_opt(8)?),
    })
}

/// The columns of a section, in the order its decoder reads them.
macro_rules! section_columns {
    () => {
        "id, list, constituency, code, implicit"
    };
}
pub(crate) use section_columns;

pub(crate) fn section(row: &Row<'_>) -> Result<Section> {
    Ok(Section {
        id: SectionId::new(row.col(0)?),
        list: ListId::new(row.col(1)?),
        constituency: ConstituencyId::new(row.col(2)?),
        code: row.col(3)?,
        implicit: row.col(4)?,
    })
}

/// The columns of a person, in the order its decoder reads them.
macro_rules! person_columns {
    () => {
        "id, surname, first_name, sex, birth_date, nationality"
    };
}
pub(crate) use person_columns;

pub(crate) fn person(row: &Row<'_>) -> Result<Person> {
    let id = row.col::<i64>(0)?;
    let what = format!("person {id}");
    let sex = match row.text_opt(3)? {
        None => None,
        Some("F") => Some(Sex::Female),
        Some("M") => Some(Sex::Male),
        Some(other) => return Err(corrupt(&what, format!("bad sex `{other}`"))),
    };
    Ok(Person {
        id: PersonId::new(id),
        surname: name(row.text(1)?, &what)?,
        first_name: name_opt(row.text_opt(2)?, &what)?,
        sex,
        birth_date: day_opt(row, 4, &what)?,
        nationality: row.col(5)?,
    })
}

/// The columns of a candidacy, from a query naming the table `c`.
macro_rules! candidacy_columns {
    () => {
        "c.id, c.person, c.election, c.round, c.constituency, c.seat, c.list, c.section, \
         c.seat_order, c.seat_index, c.partner, c.substitute_of, c.roles, c.nuance_code, \
         c.nuance_label, c.panel, c.outgoing, c.community_council, c.withdrawn, c.profession"
    };
}
pub(crate) use candidacy_columns;

/// The seat columns of a candidacy: `seat`, `list`, `section`,
/// `seat_order`, `seat_index`, `partner`, `substitute_of`.
pub(crate) struct SeatColumns {
    pub(crate) kind: &'static str,
    pub(crate) list: Option<i64>,
    pub(crate) section: Option<i64>,
    pub(crate) order: Option<u32>,
    pub(crate) index: Option<u8>,
    pub(crate) partner: Option<i64>,
    pub(crate) substitute_of: Option<i64>,
}

/// The seat columns of a candidacy.
pub(crate) fn seat_columns(seat: &Seat) -> Result<SeatColumns> {
    let empty = SeatColumns {
        kind: "single",
        list: None,
        section: None,
        order: None,
        index: None,
        partner: None,
        substitute_of: None,
    };
    Ok(match *seat {
        Seat::List {
            list,
            section,
            order,
        } => SeatColumns {
            kind: "list",
            list: Some(list.get()),
            section: Some(section.get()),
            order: Some(order),
            ..empty
        },
        Seat::Single => SeatColumns {
            index: Some(1),
            ..empty
        },
        Seat::Pair { index, partner } => SeatColumns {
            kind: "pair",
            index: Some(index),
            partner: partner.map(CandidacyId::get),
            ..empty
        },
        Seat::Substitute { of } => SeatColumns {
            kind: "substitute",
            substitute_of: Some(of.get()),
            ..empty
        },
        _ => {
            return Err(Error::unsupported(
                "this version of the SQLite store does not know this kind of seat",
            ))
        }
    })
}

pub(crate) fn candidacy(row: &Row<'_>) -> Result<Candidacy> {
    let id = row.col::<i64>(0)?;
    let missing = |column: &str| {
        corrupt(
            format!("candidacy {id}"),
            format!("its seat has no {column}"),
        )
    };
    let seat = match row.text(5)? {
        "list" => Seat::List {
            list: ListId::new(row.col::<Option<i64>>(6)?.ok_or_else(|| missing("list"))?),
            section: SectionId::new(
                row.col::<Option<i64>>(7)?
                    .ok_or_else(|| missing("section"))?,
            ),
            order: row.col::<Option<u32>>(8)?.ok_or_else(|| missing("order"))?,
        },
        "single" => Seat::Single,
        "pair" => Seat::Pair {
            index: row.col::<Option<u8>>(9)?.ok_or_else(|| missing("index"))?,
            partner: row.col::<Option<i64>>(10)?.map(CandidacyId::new),
        },
        "substitute" => Seat::Substitute {
            of: CandidacyId::new(
                row.col::<Option<i64>>(11)?
                    .ok_or_else(|| missing("replaced candidacy"))?,
            ),
        },
        other => {
            return Err(corrupt(
                format!("candidacy {id}"),
                format!("bad seat `{other}`"),
            ))
        }
    };
    let bits = row.col::<u8>(12)?;
    let roles = Roles::from_bits(bits)
        .ok_or_else(|| corrupt(format!("candidacy {id}"), format!("bad roles {bits}")))?;
    Ok(Candidacy {
        id: CandidacyId::new(id),
        person: PersonId::new(row.col(1)?),
        election: ElectionId::new(row.col(2)?),
        round: row.col(3)?,
        constituency: ConstituencyId::new(row.col(4)?),
        seat,
        roles,
        nuance: nuance(row.text_opt(13)?, row.text_opt(14)?),
        panel: row.col(15)?,
        outgoing: row.col(16)?,
        community_council: row.col(17)?,
        withdrawn: row.col(18)?,
        profession: row.col(19)?,
    })
}

/// The columns of a participant, in the order its decoder reads them.
macro_rules! participant_columns {
    () => {
        "id, name, email, moderator, registered_at"
    };
}
pub(crate) use participant_columns;

pub(crate) fn participant(row: &Row<'_>) -> Result<Participant> {
    let id = row.col::<i64>(0)?;
    let what = format!("participant {id}");
    Ok(Participant {
        id: ParticipantId::new(id),
        name: name(row.text(1)?, &what)?,
        email: row.col(2)?,
        moderator: row.col(3)?,
        registered_at: at(row, 4, &what)?,
    })
}

/// The three target columns: candidacy, list, constituency.
pub(crate) fn target_columns(target: Target) -> [Option<i64>; 3] {
    match target {
        Target::Candidacy(id) => [Some(id.get()), None, None],
        Target::List(id) => [None, Some(id.get()), None],
        Target::Constituency(id) => [None, None, Some(id.get())],
    }
}

/// The columns of a responsibility, from a query naming the table `r`.
macro_rules! responsibility_columns {
    () => {
        "r.id, r.participant, r.candidacy, r.list, r.constituency, r.status, r.requested_at, \
         r.decided_by, r.decided_at, r.expires_at"
    };
}
pub(crate) use responsibility_columns;

pub(crate) fn responsibility(row: &Row<'_>) -> Result<Responsibility> {
    let id = row.col::<i64>(0)?;
    let what = format!("responsibility {id}");
    let target = match (
        row.col::<Option<i64>>(2)?,
        row.col::<Option<i64>>(3)?,
        row.col::<Option<i64>>(4)?,
    ) {
        (Some(c), None, None) => Target::Candidacy(CandidacyId::new(c)),
        (None, Some(l), None) => Target::List(ListId::new(l)),
        (None, None, Some(k)) => Target::Constituency(ConstituencyId::new(k)),
        _ => return Err(corrupt(&what, "not exactly one target")),
    };
    Ok(Responsibility {
        id: ResponsibilityId::new(id),
        participant: ParticipantId::new(row.col(1)?),
        target,
        status: parsed(ResponsibilityStatus::from_name(row.text(5)?), &what)?,
        requested_at: at(row, 6, &what)?,
        decided_by: row.col::<Option<i64>>(7)?.map(ParticipantId::new),
        decided_at: at_opt(row, 8, &what)?,
        expires_at: at_opt(row, 9, &what)?,
    })
}

/// The two owner columns: person, list.
pub(crate) fn owner_columns(owner: Owner) -> [Option<i64>; 2] {
    match owner {
        Owner::Person(id) => [Some(id.get()), None],
        Owner::List(id) => [None, Some(id.get())],
    }
}

fn owner(row: &Row<'_>, first: usize, what: &str) -> Result<Owner> {
    match (
        row.col::<Option<i64>>(first)?,
        row.col::<Option<i64>>(first + 1)?,
    ) {
        (Some(p), None) => Ok(Owner::Person(PersonId::new(p))),
        (None, Some(l)) => Ok(Owner::List(ListId::new(l))),
        _ => Err(corrupt(what, "not exactly one owner")),
    }
}

/// The stored name of a visibility.
pub(crate) fn visibility_name(visibility: Visibility) -> &'static str {
    match visibility {
        Visibility::Public => "public",
        Visibility::Private => "private",
    }
}

/// The columns of a contact detail, in the order its decoder reads them.
macro_rules! contact_detail_columns {
    () => {
        "id, person, list, channel, value, label, source, added_by, added_at, status, visibility, note"
    };
}
pub(crate) use contact_detail_columns;

pub(crate) fn contact_detail(row: &Row<'_>) -> Result<ContactDetail> {
    let id = row.col::<i64>(0)?;
    let what = format!("contact detail {id}");
    let channel = parsed(Channel::parse(row.text(3)?), &what)?;
    let visibility = match row.text(10)? {
        "public" => Visibility::Public,
        "private" => Visibility::Private,
        other => return Err(corrupt(&what, format!("bad visibility `{other}`"))),
    };
    Ok(ContactDetail {
        id: ContactDetailId::new(id),
        owner: owner(row, 1, &what)?,
        point: parsed(ContactPoint::new(channel, row.text(4)?), &what)?,
        label: row.col(5)?,
        source: row.col(6)?,
        added_by: ParticipantId::new(row.col(7)?),
        added_at: at(row, 8, &what)?,
        status: parsed(DetailStatus::from_name(row.text(9)?), &what)?,
        visibility,
        note: row.col(11)?,
    })
}

/// The two target columns of a contact action: candidacy, list.
pub(crate) fn action_target_columns(target: ActionTarget) -> [Option<i64>; 2] {
    match target {
        ActionTarget::Candidacy(id) => [Some(id.get()), None],
        ActionTarget::List(id) => [None, Some(id.get())],
    }
}

/// The columns of a contact action, in the order its decoder reads them.
macro_rules! contact_action_columns {
    () => {
        "id, participant, candidacy, list, channel, at, outcome, note, template, marathon"
    };
}
pub(crate) use contact_action_columns;

pub(crate) fn contact_action(row: &Row<'_>) -> Result<ContactAction> {
    let id = row.col::<i64>(0)?;
    let what = format!("contact action {id}");
    let target = match (row.col::<Option<i64>>(2)?, row.col::<Option<i64>>(3)?) {
        (Some(c), None) => ActionTarget::Candidacy(CandidacyId::new(c)),
        (None, Some(l)) => ActionTarget::List(ListId::new(l)),
        _ => return Err(corrupt(&what, "not exactly one target")),
    };
    Ok(ContactAction {
        id: ContactActionId::new(id),
        participant: ParticipantId::new(row.col(1)?),
        target,
        channel: parsed(Channel::parse(row.text(4)?), &what)?,
        at: at(row, 5, &what)?,
        outcome: parsed(Outcome::from_name(row.text(6)?), &what)?,
        note: row.col(7)?,
        template: row.col::<Option<i64>>(8)?.map(TemplateId::new),
        marathon: row.col::<Option<i64>>(9)?.map(MarathonId::new),
    })
}

/// The columns of a pledge, in the order its decoder reads them.
macro_rules! pledge_columns {
    () => {
        "id, name, version, text"
    };
}
pub(crate) use pledge_columns;

pub(crate) fn pledge(row: &Row<'_>) -> Result<Pledge> {
    let id = row.col::<i64>(0)?;
    Ok(Pledge {
        id: PledgeId::new(id),
        name: name(row.text(1)?, &format!("pledge {id}"))?,
        version: row.col(2)?,
        text: row.col(3)?,
    })
}

/// The two subject columns of an answer: person, list.
pub(crate) fn subject_columns(subject: Subject) -> [Option<i64>; 2] {
    match subject {
        Subject::Person(id) => [Some(id.get()), None],
        Subject::List(id) => [None, Some(id.get())],
    }
}

/// The columns of a pledge answer, in the order its decoder reads them.
macro_rules! pledge_answer_columns {
    () => {
        "id, pledge, person, list, answer, evidence, date, recorded_by, recorded_at"
    };
}
pub(crate) use pledge_answer_columns;

pub(crate) fn pledge_answer(row: &Row<'_>) -> Result<PledgeAnswer> {
    let id = row.col::<i64>(0)?;
    let what = format!("pledge answer {id}");
    let subject = match (row.col::<Option<i64>>(2)?, row.col::<Option<i64>>(3)?) {
        (Some(p), None) => Subject::Person(PersonId::new(p)),
        (None, Some(l)) => Subject::List(ListId::new(l)),
        _ => return Err(corrupt(&what, "not exactly one subject")),
    };
    let answer = match (row.text(4)?, row.col::<Option<String>>(5)?) {
        ("signed", Some(evidence)) => Answer::Signed { evidence },
        ("declined", None) => Answer::Declined,
        (other, _) => return Err(corrupt(&what, format!("bad answer `{other}`"))),
    };
    Ok(PledgeAnswer {
        id: PledgeAnswerId::new(id),
        pledge: PledgeId::new(row.col(1)?),
        subject,
        answer,
        date: parse_day(row.text(6)?, &what)?,
        recorded_by: ParticipantId::new(row.col(7)?),
        recorded_at: at(row, 8, &what)?,
    })
}

/// The columns of a marathon, in the order its decoder reads them.
macro_rules! marathon_columns {
    () => {
        "id, name, number, starts_at, ends_at, goal, created_by"
    };
}
pub(crate) use marathon_columns;

pub(crate) fn marathon(row: &Row<'_>) -> Result<Marathon> {
    let id = row.col::<i64>(0)?;
    let what = format!("marathon {id}");
    Ok(Marathon {
        id: MarathonId::new(id),
        name: name(row.text(1)?, &what)?,
        number: row.col(2)?,
        starts_at: at(row, 3, &what)?,
        ends_at: at(row, 4, &what)?,
        goal: json(row.text(5)?, &what)?,
        created_by: ParticipantId::new(row.col(6)?),
    })
}

/// The columns of a template, in the order its decoder reads them.
macro_rules! template_columns {
    () => {
        "id, owner, name, subject, body"
    };
}
pub(crate) use template_columns;

pub(crate) fn template(row: &Row<'_>) -> Result<Template> {
    let id = row.col::<i64>(0)?;
    Ok(Template {
        id: TemplateId::new(id),
        owner: ParticipantId::new(row.col(1)?),
        name: name(row.text(2)?, &format!("template {id}"))?,
        subject: row.col(3)?,
        body: row.col(4)?,
    })
}

/// The columns of a proposal, in the order its decoder reads them.
macro_rules! proposal_columns {
    () => {
        "id, author, created_at, source, change, status, decided_by, decided_at"
    };
}
pub(crate) use proposal_columns;

pub(crate) fn proposal(row: &Row<'_>) -> Result<Proposal> {
    let id = row.col::<i64>(0)?;
    let what = format!("proposal {id}");
    Ok(Proposal {
        id: ProposalId::new(id),
        author: ParticipantId::new(row.col(1)?),
        created_at: at(row, 2, &what)?,
        source: row.col(3)?,
        change: json(row.text(4)?, &what)?,
        status: parsed(ProposalStatus::from_name(row.text(5)?), &what)?,
        decided_by: row.col::<Option<i64>>(6)?.map(ParticipantId::new),
        decided_at: at_opt(row, 7, &what)?,
    })
}

/// The columns of a audit, in the order its decoder reads them.
macro_rules! audit_columns {
    () => {
        "id, actor, at, source, kind, record, action, before, after, person, reverts"
    };
}
pub(crate) use audit_columns;

pub(crate) fn audit(row: &Row<'_>) -> Result<AuditRecord> {
    let id = row.col::<i64>(0)?;
    let what = format!("audit entry {id}");
    let kind = row.text(4)?;
    let kind = RecordKind::from_name(kind)
        .ok_or_else(|| corrupt(&what, format!("bad record kind `{kind}`")))?;
    Ok(AuditRecord {
        id: AuditId::new(id),
        actor: row.col::<Option<i64>>(1)?.map(ParticipantId::new),
        at: at(row, 2, &what)?,
        source: row.col(3)?,
        kind,
        record: row.col(5)?,
        action: parsed(AuditAction::from_name(row.text(6)?), &what)?,
        before: row.text_opt(7)?.map(|t| json(t, &what)).transpose()?,
        after: row.text_opt(8)?.map(|t| json(t, &what)).transpose()?,
        person: row.col::<Option<i64>>(9)?.map(PersonId::new),
        reverts: row.col::<Option<i64>>(10)?.map(AuditId::new),
    })
}

/// The columns of a reservation, in the order its decoder reads them.
macro_rules! reservation_columns {
    () => {
        "id, candidacy, participant, queue, taken_at, until, marathon, released_at"
    };
}
pub(crate) use reservation_columns;

pub(crate) fn reservation(row: &Row<'_>) -> Result<Reservation> {
    let id = row.col::<i64>(0)?;
    let what = format!("reservation {id}");
    Ok(Reservation {
        id: ReservationId::new(id),
        candidacy: CandidacyId::new(row.col(1)?),
        participant: ParticipantId::new(row.col(2)?),
        queue: parsed(QueueKind::from_name(row.text(3)?), &what)?,
        taken_at: at(row, 4, &what)?,
        until: at(row, 5, &what)?,
        marathon: row.col::<Option<i64>>(6)?.map(MarathonId::new),
        released_at: at_opt(row, 7, &what)?,
    })
}

#[cfg(test)]
mod tests {
    use chrono::{Duration, TimeZone};

    use super::*;

    #[test]
    fn instants_sort_as_text_and_keep_every_nanosecond() {
        let base = Utc.with_ymd_and_hms(2015, 11, 10, 9, 0, 0).unwrap();
        let later = base + Duration::nanoseconds(1);

        assert!(instant(base) < instant(later));
        assert_eq!(instant(base), "2015-11-10T09:00:00.000000000Z");
        assert_eq!(parse_instant(&instant(later), "test").ok(), Some(later));
    }

    #[test]
    fn days_start_at_midnight() {
        let midnight = Utc.with_ymd_and_hms(2015, 11, 10, 0, 0, 0).unwrap();

        assert_eq!(first_day_from(midnight), "2015-11-10");
        assert_eq!(
            first_day_from(midnight + Duration::seconds(1)),
            "2015-11-11"
        );
    }
}
