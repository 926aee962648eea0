//! [`Session`]: the records of one transaction, read and written through a
//! connection.

use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;

use chrono::{DateTime, Utc};
use rusqlite::types::Value;
use rusqlite::{params, params_from_iter, CachedStatement, Connection, Params, Row};
use tracing::trace;

use candidats_core::*;

use crate::codec::{self, candidacy_columns, responsibility_columns};
use crate::error::{broken, sql, Broken};
use crate::queries;

/// The identifiers of one kind of record, as handed out in a transaction.
#[derive(Clone, Debug)]
struct Sequence {
    /// The next identifier to hand out.
    next: i64,
    /// Whether `next` moved since it was read from the `sequence` table.
    moved: bool,
    /// The first identifier no stored record had when the sequence was
    /// read: records from it on are new in this transaction.
    fresh_from: i64,
    /// Which of the new identifiers were inserted in this transaction, one
    /// bit each from `fresh_from`.
    inserted: Vec<u64>,
}

/// How far past the stored identifiers a transaction tracks the new ones:
/// a record stored further away (only an explicit identifier can be) is
/// written with an upsert, which is always right.
const FRESH_WINDOW: usize = 1 << 26;

impl Sequence {
    /// The position of `id` among the new identifiers, if it is one.
    fn offset(&self, id: i64) -> Option<usize> {
        id.checked_sub(self.fresh_from)
            .and_then(|offset| usize::try_from(offset).ok())
            .filter(|offset| *offset < FRESH_WINDOW)
    }

    /// Whether `id` is new, not inserted yet: a plain INSERT stores it, with
    /// no statement journal, where a replacement needs an upsert.
    fn is_fresh(&self, id: i64) -> bool {
        self.offset(id).is_some_and(|offset| {
            self.inserted
                .get(offset / 64)
                .is_none_or(|word| word & (1 << (offset % 64)) == 0)
        })
    }

    /// Whether `id` was inserted in this transaction as a new record.
    fn inserted_here(&self, id: i64) -> bool {
        self.offset(id).is_some_and(|offset| {
            self.inserted
                .get(offset / 64)
                .is_some_and(|word| word & (1 << (offset % 64)) != 0)
        })
    }

    fn mark_inserted(&mut self, id: i64) {
        if let Some(offset) = self.offset(id) {
            let word = offset / 64;
            if self.inserted.len() <= word {
                self.inserted.resize(word + 1, 0);
            }
            self.inserted[word] |= 1 << (offset % 64);
        }
    }
}

/// One transaction's view of the store. Reads run on its connection's
/// snapshot; writes go to its transaction, which the store commits or rolls
/// back.
pub(crate) struct Session<'c> {
    conn: &'c Connection,
    sequences: [Option<Sequence>; KINDS],
    /// Sections already read or written: an import asks for the same few
    /// at every line.
    sections: RefCell<HashMap<SectionId, Section>>,
    /// The statements of fixed text used in this transaction, kept out of
    /// the connection's cache until it ends, by the address and length of
    /// their text: an import runs the same few thousands of times.
    held: RefCell<Vec<((usize, usize), CachedStatement<'c>)>>,
    /// Whether personal data was erased: the store then clears the journal
    /// once the transaction is committed.
    pub(crate) scrubbed: bool,
    /// Whether a contact detail or a pledge answer was written in this
    /// transaction: until then, a person created in it has neither.
    person_facts_written: bool,
    /// What the last pass over a scope's candidacies gathered, which the
    /// other queries of a report on the same scope use again; forgotten at
    /// any write.
    cells: RefCell<Option<(Scope, Rc<queries::ScopeFacts>)>>,
}

const KINDS: usize = RecordKind::ALL.len();

/// Conditions joined with `AND`, with their numbered parameters.
#[derive(Default)]
pub(crate) struct Filter {
    conditions: Vec<String>,
    pub(crate) params: Vec<Value>,
}

impl Filter {
    /// Binds a value and returns its placeholder, `?N`.
    pub(crate) fn bind(&mut self, value: impl Into<Value>) -> String {
        self.params.push(value.into());
        format!("?{}", self.params.len())
    }

    /// Adds a condition.
    pub(crate) fn and(&mut self, condition: impl Into<String>) {
        self.conditions.push(condition.into());
    }

    /// ` WHERE a AND b`, or nothing.
    pub(crate) fn clause(&self) -> String {
        if self.conditions.is_empty() {
            String::new()
        } else {
            format!(" WHERE {}", self.conditions.join(" AND "))
        }
    }

    /// `a AND b`, or `1`.
    pub(crate) fn conditions(&self) -> String {
        if self.conditions.is_empty() {
            "1".into()
        } else {
            self.conditions.join(" AND ")
        }
    }
}

const PUT_ELECTION: &str =
    "INSERT INTO election (id, kind, name, rounds, round1_date, round2_date) \
     VALUES (?1, ?2, ?3, ?4, ?5, ?6) ON CONFLICT (id) DO UPDATE SET kind = excluded.kind, \
     name = excluded.name, rounds = excluded.rounds, round1_date = excluded.round1_date, \
     round2_date = excluded.round2_date";

const PUT_CONSTITUENCY: &str = "INSERT INTO constituency (id, election, parent, kind, code, name) \
     VALUES (?1, ?2, ?3, ?4, ?5, ?6) ON CONFLICT (id) DO UPDATE SET election = excluded.election, \
     parent = excluded.parent, kind = excluded.kind, code = excluded.code, name = excluded.name";

const PUT_LIST: &str = "INSERT INTO list (id, election, round, constituency, panel, short_label, \
     label, nuance_code, nuance_label) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9) \
     ON CONFLICT (id) DO UPDATE SET election = excluded.election, round = excluded.round, \
     constituency = excluded.constituency, panel = excluded.panel, \
     short_label = excluded.short_label, label = excluded.label, \
     nuance_code = excluded.nuance_code, nuance_label = excluded.nuance_label";

const PUT_SECTION: &str = "INSERT INTO section (id, list, constituency, code, implicit) \
     VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT (id) DO UPDATE SET list = excluded.list, \
     constituency = excluded.constituency, code = excluded.code, implicit = excluded.implicit";

const PUT_PERSON: &str = "INSERT INTO person (id, surname, first_name, sex, birth_date, \
     nationality) VALUES (?1, ?2, ?3, ?4, ?5, ?6) ON CONFLICT (id) DO UPDATE \
     SET surname = excluded.surname, first_name = excluded.first_name, sex = excluded.sex, \
     birth_date = excluded.birth_date, nationality = excluded.nationality";

const PUT_CANDIDACY: &str = "INSERT INTO candidacy (id, person, election, round, constituency, \
     seat, list, section, seat_order, seat_index, partner, substitute_of, roles, nuance_code, \
     nuance_label, panel, outgoing, community_council, withdrawn, profession) VALUES (?1, ?2, \
     ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20) \
     ON CONFLICT (id) DO \
     UPDATE SET person = excluded.person, election = excluded.election, round = excluded.round, \
     constituency = excluded.constituency, seat = excluded.seat, list = excluded.list, \
     section = excluded.section, seat_order = excluded.seat_order, \
     seat_index = excluded.seat_index, partner = excluded.partner, \
     substitute_of = excluded.substitute_of, roles = excluded.roles, \
     nuance_code = excluded.nuance_code, nuance_label = excluded.nuance_label, \
     panel = excluded.panel, outgoing = excluded.outgoing, \
     community_council = excluded.community_council, withdrawn = excluded.withdrawn, \
     profession = excluded.profession";

/// Sets what a candidacy's row keeps of its person's contact details and
/// pledge answers (the triggers keep it when those change).
const SET_CANDIDACY_PERSON_STATE: &str = "UPDATE candidacy SET usable_detail = EXISTS \
     (SELECT 1 FROM contact_detail d WHERE d.person = candidacy.person \
     AND d.status IN ('unverified', 'confirmed')), answer = (SELECT a.answer \
     FROM pledge_answer a WHERE a.person = candidacy.person ORDER BY a.date DESC, a.id DESC \
     LIMIT 1) WHERE id = ?1";

const PUT_PARTICIPANT: &str = "INSERT INTO participant (id, name, email, moderator, \
     registered_at) VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT (id) DO UPDATE SET \
     name = excluded.name, email = excluded.email, moderator = excluded.moderator, \
     registered_at = excluded.registered_at";

const PUT_RESPONSIBILITY: &str = "INSERT INTO responsibility (id, participant, candidacy, list, \
     constituency, status, requested_at, decided_by, decided_at, expires_at) VALUES (?1, ?2, \
     ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10) ON CONFLICT (id) DO UPDATE SET \
     participant = excluded.participant, candidacy = excluded.candidacy, list = excluded.list, \
     constituency = excluded.constituency, status = excluded.status, \
     requested_at = excluded.requested_at, decided_by = excluded.decided_by, \
     decided_at = excluded.decided_at, expires_at = excluded.expires_at";

const PUT_CONTACT_DETAIL: &str = "INSERT INTO contact_detail (id, person, list, channel, value, \
     label, source, added_by, added_at, status, visibility, note) VALUES (?1, ?2, ?3, ?4, ?5, \
     ?6, ?7, ?8, ?9, ?10, ?11, ?12) ON CONFLICT (id) DO UPDATE SET person = excluded.person, \
     list = excluded.list, channel = excluded.channel, value = excluded.value, \
     label = excluded.label, source = excluded.source, added_by = excluded.added_by, \
     added_at = excluded.added_at, status = excluded.status, \
     visibility = excluded.visibility, note = excluded.note";

const PUT_CONTACT_ACTION: &str = "INSERT INTO contact_action (id, participant, candidacy, list, \
     channel, at, outcome, note, template, marathon) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, \
     ?9, ?10) ON CONFLICT (id) DO UPDATE SET participant = excluded.participant, \
     candidacy = excluded.candidacy, list = excluded.list, channel = excluded.channel, \
     at = excluded.at, outcome = excluded.outcome, note = excluded.note, \
     template = excluded.template, marathon = excluded.marathon";

const PUT_PLEDGE: &str = "INSERT INTO pledge (id, name, version, text) VALUES (?1, ?2, ?3, ?4) \
     ON CONFLICT (id) DO UPDATE SET name = excluded.name, version = excluded.version, \
     text = excluded.text";

const PUT_PLEDGE_ANSWER: &str = "INSERT INTO pledge_answer (id, pledge, person, list, answer, \
     evidence, date, recorded_by, recorded_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9) \
     ON CONFLICT (id) DO UPDATE SET pledge = excluded.pledge, person = excluded.person, \
     list = excluded.list, answer = excluded.answer, evidence = excluded.evidence, \
     date = excluded.date, recorded_by = excluded.recorded_by, \
     recorded_at = excluded.recorded_at";

const PUT_MARATHON: &str = "INSERT INTO marathon (id, name, number, starts_at, ends_at, goal, \
     created_by) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7) ON CONFLICT (id) DO UPDATE SET \
     name = excluded.name, number = excluded.number, starts_at = excluded.starts_at, \
     ends_at = excluded.ends_at, goal = excluded.goal, created_by = excluded.created_by";

const PUT_TEMPLATE: &str = "INSERT INTO template (id, owner, name, subject, body) VALUES (?1, \
     ?2, ?3, ?4, ?5) ON CONFLICT (id) DO UPDATE SET owner = excluded.owner, \
     name = excluded.name, subject = excluded.subject, body = excluded.body";

const PUT_PROPOSAL: &str = "INSERT INTO proposal (id, author, created_at, source, change, \
     status, decided_by, decided_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8) ON CONFLICT (id) \
     DO UPDATE SET author = excluded.author, created_at = excluded.created_at, \
     source = excluded.source, change = excluded.change, status = excluded.status, \
     decided_by = excluded.decided_by, decided_at = excluded.decided_at";

const PUT_RESERVATION: &str = "INSERT INTO reservation (id, candidacy, participant, queue, \
     taken_at, until, marathon, released_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8) \
     ON CONFLICT (id) DO UPDATE SET candidacy = excluded.candidacy, \
     participant = excluded.participant, queue = excluded.queue, taken_at = excluded.taken_at, \
     until = excluded.until, marathon = excluded.marathon, released_at = excluded.released_at";

const APPEND_AUDIT: &str = "INSERT INTO audit (id, actor, at, source, kind, record, action, \
     before, after, person, reverts) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)";

const SAVE_SEQUENCE: &str = "INSERT INTO sequence (kind, next) VALUES (?1, ?2) \
     ON CONFLICT (kind) DO UPDATE SET next = max(next, excluded.next)";

impl<'c> Session<'c> {
    /// A session on `conn`, which the caller has put in a transaction.
    pub(crate) fn new(conn: &'c Connection) -> Session<'c> {
        Session {
            conn,
            sequences: std::array::from_fn(|_| None),
            sections: RefCell::new(HashMap::new()),
            held: RefCell::new(Vec::new()),
            scrubbed: false,
            person_facts_written: false,
            cells: RefCell::new(None),
        }
    }

    /// A prepared statement from the connection's cache.
    pub(crate) fn statement(&self, text: &str) -> Result<CachedStatement<'c>> {
        self.conn
            .prepare_cached(text)
            .map_err(|e| sql("prepare a statement", e))
    }

    /// Runs `f` on the statement of a fixed text, prepared once in the
    /// transaction. `f` must not use the session.
    fn with_held<T>(
        &self,
        text: &'static str,
        f: impl FnOnce(&mut CachedStatement<'c>) -> T,
    ) -> Result<T> {
        let key = (text.as_ptr() as usize, text.len());
        let mut held = self.held.borrow_mut();
        let index = match held.iter().position(|(k, _)| *k == key) {
            Some(index) => index,
            None => {
                held.push((key, self.statement(text)?));
                held.len() - 1
            }
        };
        Ok(f(&mut held[index].1))
    }

    /// The first row of a query of fixed text, decoded.
    pub(crate) fn fetch_one<T, P: Params>(
        &self,
        text: &'static str,
        params: P,
        decode: impl Fn(&Row<'_>) -> Result<T>,
    ) -> Result<Option<T>> {
        self.with_held(text, |statement| first_row(statement, params, decode))?
    }

    /// Every row of a query of fixed text, decoded.
    pub(crate) fn fetch_all<T, P: Params>(
        &self,
        text: &'static str,
        params: P,
        decode: impl Fn(&Row<'_>) -> Result<T>,
    ) -> Result<Vec<T>> {
        self.with_held(text, |statement| all_rows(statement, params, decode))?
    }

    /// Every row of a query built with a [`Filter`].
    pub(crate) fn fetch_filtered<T>(
        &self,
        text: &str,
        filter: &Filter,
        decode: impl Fn(&Row<'_>) -> Result<T>,
    ) -> Result<Vec<T>> {
        self.fetch_with(text, &filter.params, decode)
    }

    /// Every row of a query built at run time, with its parameters.
    pub(crate) fn fetch_with<T>(
        &self,
        text: &str,
        params: &[Value],
        decode: impl Fn(&Row<'_>) -> Result<T>,
    ) -> Result<Vec<T>> {
        let mut statement = self.statement(text)?;
        all_rows(&mut statement, params_from_iter(params.iter()), decode)
    }

    /// Runs `f` on every row of a query built at run time, without
    /// collecting them.
    pub(crate) fn for_each_row(
        &self,
        text: &str,
        params: &[Value],
        mut f: impl FnMut(&Row<'_>) -> Result<()>,
    ) -> Result<()> {
        let mut statement = self.statement(text)?;
        let mut rows = statement
            .query(params_from_iter(params.iter()))
            .map_err(|e| sql("run a query", e))?;
        while let Some(row) = rows.next().map_err(|e| sql("read a row", e))? {
            f(row)?;
        }
        Ok(())
    }

    /// What a pass over a scope's candidacies gathers: kept from the last
    /// query of the same scope in this transaction, or `read`'s.
    pub(crate) fn scope_facts(
        &self,
        scope: &Scope,
        read: impl FnOnce() -> Result<queries::ScopeFacts>,
    ) -> Result<Rc<queries::ScopeFacts>> {
        if let Some((kept, cells)) = self.cells.borrow().as_ref() {
            if kept == scope {
                return Ok(Rc::clone(cells));
            }
        }
        let cells = Rc::new(read()?);
        *self.cells.borrow_mut() = Some((scope.clone(), Rc::clone(&cells)));
        Ok(cells)
    }

    /// One record by identifier, or [`Error::NotFound`].
    fn get<T>(
        &self,
        kind: RecordKind,
        id: i64,
        text: &'static str,
        decode: impl Fn(&Row<'_>) -> Result<T>,
    ) -> Result<T> {
        self.fetch_one(text, [id], decode)?
            .ok_or_else(|| Error::not_found(kind, id))
    }

    /// Stores a record with `upsert`, an `INSERT ... ON CONFLICT (id) DO
    /// UPDATE`; or, for an identifier new in this transaction, with its
    /// plain `INSERT` part. On success, keeps the record kind's sequence
    /// past `id`.
    fn store(
        &mut self,
        kind: RecordKind,
        id: i64,
        upsert: &'static str,
        params: impl Params,
        references: &[(RecordKind, Option<i64>)],
        conflict: &dyn Fn(&Session<'c>) -> String,
    ) -> Result<()> {
        self.cells.replace(None);
        let fresh = self.sequence(kind)?.is_fresh(id);
        let text = match upsert.split_once(" ON CONFLICT") {
            Some((insert, _)) if fresh => insert,
            _ => upsert,
        };

        let result = self.with_held(text, |statement| statement.execute(params))?;
        if let Err(error) = result {
            return Err(self.refused(kind, id, error, references, conflict));
        }
        let sequence = self.sequence(kind)?;
        if fresh {
            sequence.mark_inserted(id);
        }
        if sequence.next <= id {
            sequence.next = id.saturating_add(1);
            sequence.moved = true;
        }
        Ok(())
    }

    /// The library's error for a refused write.
    fn refused(
        &self,
        kind: RecordKind,
        id: i64,
        error: rusqlite::Error,
        references: &[(RecordKind, Option<i64>)],
        conflict: &dyn Fn(&Session<'c>) -> String,
    ) -> Error {
        match broken(&error) {
            Some(Broken::Unique) => Error::conflict(conflict(self)),
            Some(Broken::ForeignKey) => match self.first_missing(references) {
                Ok(Some((missing, missing_id))) => Error::not_found(missing, missing_id),
                _ => Error::invalid(format!("{kind} {id} names a record that does not exist")),
            },
            Some(Broken::Check) => {
                Error::invalid(format!("{kind} {id} breaks a rule of the store: {error}"))
            }
            None => sql(&format!("store {kind} {id}"), error),
        }
    }

    /// The first referenced record that does not exist.
    fn first_missing(
        &self,
        references: &[(RecordKind, Option<i64>)],
    ) -> Result<Option<(RecordKind, i64)>> {
        for (kind, id) in references {
            let Some(id) = id else { continue };
            let text = format!(
                "SELECT EXISTS (SELECT 1 FROM {} WHERE id = ?1)",
                kind.name()
            );
            let exists: bool = self
                .conn
                .query_row(&text, [id], |row| row.get(0))
                .map_err(|e| sql("check a reference", e))?;
            if !exists {
                return Ok(Some((*kind, *id)));
            }
        }
        Ok(None)
    }

    /// The sequence of a kind, read on first use in the transaction: past
    /// both the stored counter and every stored identifier.
    fn sequence(&mut self, kind: RecordKind) -> Result<&mut Sequence> {
        let index = kind as usize;
        let stored = match self.sequences[index] {
            Some(_) => None,
            None => Some(self.stored_next(kind)?),
        };
        Ok(self.sequences[index].get_or_insert_with(|| {
            let next = stored.unwrap_or(1);
            Sequence {
                next,
                moved: false,
                fresh_from: next,
                inserted: Vec::new(),
            }
        }))
    }

    /// The next identifier of a kind as the file knows it: past the stored
    /// counter and every stored identifier.
    fn stored_next(&self, kind: RecordKind) -> Result<i64> {
        let text = format!(
            "SELECT (SELECT next FROM sequence WHERE kind = ?1), (SELECT max(id) FROM {})",
            kind.name()
        );
        let (counter, largest): (Option<i64>, Option<i64>) = self
            .statement(&text)?
            .query_row([kind.name()], |row| Ok((row.get(0)?, row.get(1)?)))
            .map_err(|e| sql("read an identifier sequence", e))?;

        let after_largest = largest.map_or(1, |id| id.saturating_add(1));
        Ok(counter.unwrap_or(1).max(after_largest))
    }

    /// Writes the sequences that moved, before the commit.
    pub(crate) fn save_sequences(&mut self) -> Result<()> {
        for kind in RecordKind::ALL {
            if let Some(sequence) = &self.sequences[*kind as usize] {
                if sequence.moved {
                    self.statement(SAVE_SEQUENCE)?
                        .execute(params![kind.name(), sequence.next])
                        .map_err(|e| sql("save an identifier sequence", e))?;
                }
            }
        }
        Ok(())
    }
}

/// The first row of a query, decoded.
fn first_row<T>(
    statement: &mut CachedStatement<'_>,
    params: impl Params,
    decode: impl Fn(&Row<'_>) -> Result<T>,
) -> Result<Option<T>> {
    let mut rows = statement.query(params).map_err(|e| sql("run a query", e))?;
    match rows.next().map_err(|e| sql("read a row", e))? {
        Some(row) => Ok(Some(decode(row)?)),
        None => Ok(None),
    }
}

/// Every row of a query, decoded.
fn all_rows<T>(
    statement: &mut CachedStatement<'_>,
    params: impl Params,
    decode: impl Fn(&Row<'_>) -> Result<T>,
) -> Result<Vec<T>> {
    let mut rows = statement.query(params).map_err(|e| sql("run a query", e))?;
    let mut out = Vec::new();
    while let Some(row) = rows.next().map_err(|e| sql("read a row", e))? {
        out.push(decode(row)?);
    }
    Ok(out)
}

/// A candidacy by identifier.
pub(crate) const CANDIDACY_BY_ID: &str = concat!(
    "SELECT ",
    candidacy_columns!(),
    " FROM candidacy c WHERE c.id = ?1"
);

/// The candidacies of a person.
pub(crate) const CANDIDACIES_OF_PERSON: &str = concat!(
    "SELECT ",
    candidacy_columns!(),
    " FROM candidacy c WHERE c.person = ?1 ORDER BY c.id"
);

/// The candidacy at a list seat: section, order.
pub(crate) const CANDIDACY_AT_LIST_SEAT: &str = concat!(
    "SELECT ",
    candidacy_columns!(),
    " FROM candidacy c WHERE c.section = ?1 AND c.seat_order = ?2"
);

/// The candidacy at a panel seat: election, round, constituency, panel,
/// pair index.
pub(crate) const CANDIDACY_AT_PANEL_SEAT: &str = concat!(
    "SELECT ",
    candidacy_columns!(),
    " FROM candidacy c WHERE c.election = ?1 AND c.round = ?2 AND c.constituency = ?3 \
     AND c.panel = ?4 AND c.seat_index = ?5"
);

/// The substitute of a candidacy.
pub(crate) const CANDIDACY_AT_SUBSTITUTE_SEAT: &str = concat!(
    "SELECT ",
    candidacy_columns!(),
    " FROM candidacy c WHERE c.substitute_of = ?1"
);

/// The persons with a surname and first name.
pub(crate) const PERSONS_NAMED: &str = concat!(
    "SELECT ",
    codec::person_columns!(),
    " FROM person WHERE surname = ?1 AND first_name IS ?2 ORDER BY id"
);

/// The contact details of a person.
pub(crate) const DETAILS_OF_PERSON: &str = concat!(
    "SELECT ",
    codec::contact_detail_columns!(),
    " FROM contact_detail WHERE person = ?1 ORDER BY id"
);

/// The query listing the contact actions of a filter.
pub(crate) fn actions_query(filter: &ActionFilter) -> (String, Filter) {
    let mut f = Filter::default();
    match filter.target {
        Some(ActionTarget::Candidacy(c)) => {
            let p = f.bind(c.get());
            f.and(format!("candidacy = {p}"));
        }
        Some(ActionTarget::List(l)) => {
            let p = f.bind(l.get());
            f.and(format!("list = {p}"));
        }
        None => {}
    }
    if let Some(participant) = filter.participant {
        let p = f.bind(participant.get());
        f.and(format!("participant = {p}"));
    }
    if let Some(marathon) = filter.marathon {
        let p = f.bind(marathon.get());
        f.and(format!("marathon = {p}"));
    }
    if let Some(from) = filter.from {
        let p = f.bind(codec::instant(from));
        f.and(format!("at >= {p}"));
    }
    if let Some(until) = filter.until {
        let p = f.bind(codec::instant(until));
        f.and(format!("at < {p}"));
    }
    let text = format!(
        "SELECT {} FROM contact_action{} ORDER BY id",
        codec::contact_action_columns!(),
        f.clause()
    );
    (text, f)
}

impl CampaignRead for Session<'_> {
    fn election(&self, id: ElectionId) -> Result<Election> {
        self.get(
            RecordKind::Election,
            id.get(),
            concat!(
                "SELECT ",
                codec::election_columns!(),
                " FROM election WHERE id = ?1"
            ),
            codec::election,
        )
    }

    fn elections(&self) -> Result<Vec<Election>> {
        self.fetch_all(
            concat!(
                "SELECT ",
                codec::election_columns!(),
                " FROM election ORDER BY id"
            ),
            [],
            codec::election,
        )
    }

    fn election_named(&self, name: &str) -> Result<Option<Election>> {
        self.fetch_one(
            concat!(
                "SELECT ",
                codec::election_columns!(),
                " FROM election WHERE name = ?1"
            ),
            [name],
            codec::election,
        )
    }

    fn constituency(&self, id: ConstituencyId) -> Result<Constituency> {
        self.get(
            RecordKind::Constituency,
            id.get(),
            concat!(
                "SELECT ",
                codec::constituency_columns!(),
                " FROM constituency WHERE id = ?1"
            ),
            codec::constituency,
        )
    }

    fn constituencies(&self, election: ElectionId) -> Result<Vec<Constituency>> {
        self.fetch_all(
            concat!(
                "SELECT ",
                codec::constituency_columns!(),
                " FROM constituency WHERE election = ?1 ORDER BY id"
            ),
            [election.get()],
            codec::constituency,
        )
    }

    fn constituency_by_code(
        &self,
        election: ElectionId,
        kind: ConstituencyKind,
        code: &str,
    ) -> Result<Option<Constituency>> {
        self.fetch_one(
            concat!(
                "SELECT ",
                codec::constituency_columns!(),
                " FROM constituency WHERE election = ?1 AND kind = ?2 AND code = ?3"
            ),
            params![election.get(), kind.name(), code],
            codec::constituency,
        )
    }

    fn list(&self, id: ListId) -> Result<CandidateList> {
        self.get(
            RecordKind::List,
            id.get(),
            concat!(
                "SELECT ",
                codec::list_columns!(),
                " FROM list WHERE id = ?1"
            ),
            codec::list,
        )
    }

    fn lists(&self, election: ElectionId) -> Result<Vec<CandidateList>> {
        self.fetch_all(
            concat!(
                "SELECT ",
                codec::list_columns!(),
                " FROM list WHERE election = ?1 ORDER BY id"
            ),
            [election.get()],
            codec::list,
        )
    }

    fn list_by_key(&self, key: &ListKey) -> Result<Option<CandidateList>> {
        match key.panel {
            Some(panel) => self.fetch_one(
                concat!(
                    "SELECT ",
                    codec::list_columns!(),
                    " FROM list WHERE election = ?1 AND round = ?2 AND constituency = ?3 \
                     AND panel = ?4 ORDER BY id LIMIT 1"
                ),
                params![key.election.get(), key.round, key.constituency.get(), panel],
                codec::list,
            ),
            None => self.fetch_one(
                concat!(
                    "SELECT ",
                    codec::list_columns!(),
                    " FROM list WHERE election = ?1 AND round = ?2 AND constituency = ?3 \
                     AND panel IS NULL AND label = ?4 ORDER BY id LIMIT 1"
                ),
                params![
                    key.election.get(),
                    key.round,
                    key.constituency.get(),
                    key.label
                ],
                codec::list,
            ),
        }
    }

    fn section(&self, id: SectionId) -> Result<Section> {
        if let Some(section) = self.sections.borrow().get(&id) {
            return Ok(section.clone());
        }
        let section = self.get(
            RecordKind::Section,
            id.get(),
            concat!(
                "SELECT ",
                codec::section_columns!(),
                " FROM section WHERE id = ?1"
            ),
            codec::section,
        )?;
        self.sections.borrow_mut().insert(id, section.clone());
        Ok(section)
    }

    fn sections(&self, list: ListId) -> Result<Vec<Section>> {
        self.fetch_all(
            concat!(
                "SELECT ",
                codec::section_columns!(),
                " FROM section WHERE list = ?1 ORDER BY id"
            ),
            [list.get()],
            codec::section,
        )
    }

    fn person(&self, id: PersonId) -> Result<Person> {
        self.get(
            RecordKind::Person,
            id.get(),
            concat!(
                "SELECT ",
                codec::person_columns!(),
                " FROM person WHERE id = ?1"
            ),
            codec::person,
        )
    }

    fn persons_named(&self, surname: &str, first_name: Option<&str>) -> Result<Vec<Person>> {
        self.fetch_all(PERSONS_NAMED, params![surname, first_name], codec::person)
    }

    fn persons(&self) -> Result<Vec<Person>> {
        self.fetch_all(
            concat!(
                "SELECT ",
                codec::person_columns!(),
                " FROM person ORDER BY id"
            ),
            [],
            codec::person,
        )
    }

    fn candidacy(&self, id: CandidacyId) -> Result<Candidacy> {
        self.get(
            RecordKind::Candidacy,
            id.get(),
            CANDIDACY_BY_ID,
            codec::candidacy,
        )
    }

    fn candidacies(&self, scope: &Scope) -> Result<Vec<Candidacy>> {
        queries::candidacies(self, scope)
    }

    fn candidacies_of_person(&self, person: PersonId) -> Result<Vec<Candidacy>> {
        self.fetch_all(CANDIDACIES_OF_PERSON, [person.get()], codec::candidacy)
    }

    fn candidacy_at(&self, key: &SeatKey) -> Result<Option<Candidacy>> {
        match *key {
            SeatKey::List { section, order } => self.fetch_one(
                CANDIDACY_AT_LIST_SEAT,
                params![section.get(), order],
                codec::candidacy,
            ),
            SeatKey::Panel {
                election,
                round,
                constituency,
                panel,
                index,
            } => self.fetch_one(
                CANDIDACY_AT_PANEL_SEAT,
                params![election.get(), round, constituency.get(), panel, index],
                codec::candidacy,
            ),
            SeatKey::Substitute { of } => {
                self.fetch_one(CANDIDACY_AT_SUBSTITUTE_SEAT, [of.get()], codec::candidacy)
            }
        }
    }

    fn participant(&self, id: ParticipantId) -> Result<Participant> {
        self.get(
            RecordKind::Participant,
            id.get(),
            concat!(
                "SELECT ",
                codec::participant_columns!(),
                " FROM participant WHERE id = ?1"
            ),
            codec::participant,
        )
    }

    fn participants(&self) -> Result<Vec<Participant>> {
        self.fetch_all(
            concat!(
                "SELECT ",
                codec::participant_columns!(),
                " FROM participant ORDER BY id"
            ),
            [],
            codec::participant,
        )
    }

    fn responsibility(&self, id: ResponsibilityId) -> Result<Responsibility> {
        self.get(
            RecordKind::Responsibility,
            id.get(),
            concat!(
                "SELECT ",
                responsibility_columns!(),
                " FROM responsibility r WHERE r.id = ?1"
            ),
            codec::responsibility,
        )
    }

    fn responsibilities(&self, filter: &ResponsibilityFilter) -> Result<Vec<Responsibility>> {
        let mut f = Filter::default();
        if let Some(participant) = filter.participant {
            let p = f.bind(participant.get());
            f.and(format!("r.participant = {p}"));
        }
        if let Some(target) = filter.target {
            let (column, id) = match target {
                Target::Candidacy(id) => ("candidacy", id.get()),
                Target::List(id) => ("list", id.get()),
                Target::Constituency(id) => ("constituency", id.get()),
            };
            let p = f.bind(id);
            f.and(format!("r.{column} = {p}"));
        }
        if let Some(status) = filter.status {
            let p = f.bind(status.name().to_string());
            f.and(format!("r.status = {p}"));
        }
        let text = format!(
            "SELECT {} FROM responsibility r{} ORDER BY r.id",
            responsibility_columns!(),
            f.clause()
        );
        self.fetch_filtered(&text, &f, codec::responsibility)
    }

    fn contact_detail(&self, id: ContactDetailId) -> Result<ContactDetail> {
        self.get(
            RecordKind::ContactDetail,
            id.get(),
            concat!(
                "SELECT ",
                codec::contact_detail_columns!(),
                " FROM contact_detail WHERE id = ?1"
            ),
            codec::contact_detail,
        )
    }

    fn contact_details(&self, owner: Option<Owner>) -> Result<Vec<ContactDetail>> {
        match owner {
            None => self.fetch_all(
                concat!(
                    "SELECT ",
                    codec::contact_detail_columns!(),
                    " FROM contact_detail ORDER BY id"
                ),
                [],
                codec::contact_detail,
            ),
            Some(Owner::Person(p)) => {
                self.fetch_all(DETAILS_OF_PERSON, [p.get()], codec::contact_detail)
            }
            Some(Owner::List(l)) => self.fetch_all(
                concat!(
                    "SELECT ",
                    codec::contact_detail_columns!(),
                    " FROM contact_detail WHERE list = ?1 ORDER BY id"
                ),
                [l.get()],
                codec::contact_detail,
            ),
        }
    }

    fn contact_action(&self, id: ContactActionId) -> Result<ContactAction> {
        self.get(
            RecordKind::ContactAction,
            id.get(),
            concat!(
                "SELECT ",
                codec::contact_action_columns!(),
                " FROM contact_action WHERE id = ?1"
            ),
            codec::contact_action,
        )
    }

    fn contact_actions(&self, filter: &ActionFilter) -> Result<Vec<ContactAction>> {
        let (text, f) = actions_query(filter);
        self.fetch_filtered(&text, &f, codec::contact_action)
    }

    fn pledge(&self, id: PledgeId) -> Result<Pledge> {
        self.get(
            RecordKind::Pledge,
            id.get(),
            concat!(
                "SELECT ",
                codec::pledge_columns!(),
                " FROM pledge WHERE id = ?1"
            ),
            codec::pledge,
        )
    }
    fn pledges(&self) -> Result<Vec<Pledge>> {
        self.fetch_all(
            concat!(
                "SELECT ",
                codec::pledge_columns!(),
                " FROM pledge ORDER BY id"
            ),
            [],
            codec::pledge,
        )
    }

    fn pledge_answer(&self, id: PledgeAnswerId) -> Result<PledgeAnswer> {
        self.get(
            RecordKind::PledgeAnswer,
            id.get(),
            concat!(
                "SELECT ",
                codec::pledge_answer_columns!(),
                " FROM pledge_answer WHERE id = ?1"
            ),
            codec::pledge_answer,
        )
    }

    fn pledge_answers(&self, subject: Option<Subject>) -> Result<Vec<PledgeAnswer>> {
        match subject {
            None => self.fetch_all(
                concat!(
                    "SELECT ",
                    codec::pledge_answer_columns!(),
                    " FROM pledge_answer ORDER BY id"
                ),
                [],
                codec::pledge_answer,
            ),
            Some(Subject::Person(p)) => self.fetch_all(
                concat!(
                    "SELECT ",
                    codec::pledge_answer_columns!(),
                    " FROM pledge_answer WHERE person = ?1 ORDER BY id"
                ),
                [p.get()],
                codec::pledge_answer,
            ),
            Some(Subject::List(l)) => self.fetch_all(
                concat!(
                    "SELECT ",
                    codec::pledge_answer_columns!(),
                    " FROM pledge_answer WHERE list = ?1 ORDER BY id"
                ),
                [l.get()],
                codec::pledge_answer,
            ),
        }
    }

    fn marathon(&self, id: MarathonId) -> Result<Marathon> {
        self.get(
            RecordKind::Marathon,
            id.get(),
            concat!(
                "SELECT ",
                codec::marathon_columns!(),
                " FROM marathon WHERE id = ?1"
            ),
            codec::marathon,
        )
    }

    fn marathons(&self) -> Result<Vec<Marathon>> {
        self.fetch_all(
            concat!(
                "SELECT ",
                codec::marathon_columns!(),
                " FROM marathon ORDER BY id"
            ),
            [],
            codec::marathon,
        )
    }

    fn template(&self, id: TemplateId) -> Result<Template> {
        self.get(
            RecordKind::Template,
            id.get(),
            concat!(
                "SELECT ",
                codec::template_columns!(),
                " FROM template WHERE id = ?1"
            ),
            codec::template,
        )
    }

    fn templates(&self, owner: Option<ParticipantId>) -> Result<Vec<Template>> {
        match owner {
            Some(owner) => self.fetch_all(
                concat!(
                    "SELECT ",
                    codec::template_columns!(),
                    " FROM template WHERE owner = ?1 ORDER BY id"
                ),
                [owner.get()],
                codec::template,
            ),
            None => self.fetch_all(
                concat!(
                    "SELECT ",
                    codec::template_columns!(),
                    " FROM template ORDER BY id"
                ),
                [],
                codec::template,
            ),
        }
    }

    fn proposal(&self, id: ProposalId) -> Result<Proposal> {
        self.get(
            RecordKind::Proposal,
            id.get(),
            concat!(
                "SELECT ",
                codec::proposal_columns!(),
                " FROM proposal WHERE id = ?1"
            ),
            codec::proposal,
        )
    }

    fn proposals(&self, status: Option<ProposalStatus>) -> Result<Vec<Proposal>> {
        match status {
            Some(status) => self.fetch_all(
                concat!(
                    "SELECT ",
                    codec::proposal_columns!(),
                    " FROM proposal WHERE status = ?1 ORDER BY id"
                ),
                [status.name()],
                codec::proposal,
            ),
            None => self.fetch_all(
                concat!(
                    "SELECT ",
                    codec::proposal_columns!(),
                    " FROM proposal ORDER BY id"
                ),
                [],
                codec::proposal,
            ),
        }
    }

    fn audit(&self, filter: &AuditFilter) -> Result<Vec<AuditRecord>> {
        let mut f = Filter::default();
        if let Some(kind) = filter.kind {
            let p = f.bind(kind.name().to_string());
            f.and(format!("kind = {p}"));
        }
        if let Some(record) = filter.record {
            let p = f.bind(record);
            f.and(format!("record = {p}"));
        }
        if let Some(person) = filter.person {
            let p = f.bind(person.get());
            f.and(format!("person = {p}"));
        }
        if let Some(actor) = filter.actor {
            let p = f.bind(actor.get());
            f.and(format!("actor = {p}"));
        }
        let text = format!(
            "SELECT {} FROM audit{} ORDER BY id",
            codec::audit_columns!(),
            f.clause()
        );
        self.fetch_filtered(&text, &f, codec::audit)
    }

    fn reservation(&self, id: ReservationId) -> Result<Reservation> {
        self.get(
            RecordKind::Reservation,
            id.get(),
            concat!(
                "SELECT ",
                codec::reservation_columns!(),
                " FROM reservation WHERE id = ?1"
            ),
            codec::reservation,
        )
    }

    fn reservations(&self, filter: &ReservationFilter) -> Result<Vec<Reservation>> {
        let mut f = Filter::default();
        if let Some(participant) = filter.participant {
            let p = f.bind(participant.get());
            f.and(format!("participant = {p}"));
        }
        if let Some(candidacy) = filter.candidacy {
            let p = f.bind(candidacy.get());
            f.and(format!("candidacy = {p}"));
        }
        if let Some(now) = filter.active_at {
            let p = f.bind(codec::instant(now));
            f.and(format!("released_at IS NULL AND until > {p}"));
        }
        let text = format!(
            "SELECT {} FROM reservation{} ORDER BY id",
            codec::reservation_columns!(),
            f.clause()
        );
        self.fetch_filtered(&text, &f, codec::reservation)
    }

    fn tally(&self, scope: &Scope, group: GroupBy) -> Result<Vec<(GroupKey, Tally)>> {
        queries::tally(self, scope, group)
    }

    fn daily(&self, scope: &Scope) -> Result<Vec<DayTally>> {
        queries::daily(self, scope)
    }

    fn activity(&self, scope: &Scope) -> Result<Vec<ParticipantTally>> {
        queries::activity(self, scope)
    }

    fn queue(&self, query: &QueueQuery, limit: usize) -> Result<Vec<CandidacyId>> {
        queries::queue(self, query, limit)
    }

    fn responsibilities_covering(
        &self,
        candidacy: CandidacyId,
        now: DateTime<Utc>,
    ) -> Result<Vec<Responsibility>> {
        queries::covering(self, candidacy, now)
    }

    fn responsibilities_overlapping(
        &self,
        target: Target,
        now: DateTime<Utc>,
    ) -> Result<Vec<Responsibility>> {
        queries::overlapping(self, target, now)
    }
}

fn generic_conflict(kind: RecordKind, id: i64) -> String {
    format!("{kind} {id} clashes with another stored record")
}

impl CampaignWrite for Session<'_> {
    fn allocate(&mut self, kind: RecordKind) -> Result<i64> {
        let sequence = self.sequence(kind)?;
        let id = sequence.next;
        sequence.next = id
            .checked_add(1)
            .ok_or_else(|| Error::invalid(format!("no {kind} identifier is left")))?;
        sequence.moved = true;
        trace!(%kind, id, "identifier allocated");
        Ok(id)
    }

    fn put_election(&mut self, election: &Election) -> Result<()> {
        let rounds = election.rounds();
        let date = |number: u8| {
            rounds
                .iter()
                .find(|r| r.number == number)
                .and_then(|r| r.date)
                .map(codec::day)
        };
        let name = election.name().to_string();
        let id = election.id().get();
        self.store(
            RecordKind::Election,
            id,
            PUT_ELECTION,
            params![
                id,
                election.kind().name(),
                name,
                rounds.len() as i64,
                date(1),
                date(2)
            ],
            &[],
            &|s| match s.election_named(&name) {
                Ok(Some(other)) => format!("election {} is already named `{name}`", other.id()),
                _ => format!("another election is already named `{name}`"),
            },
        )
    }

    fn put_constituency(&mut self, c: &Constituency) -> Result<()> {
        let id = c.id.get();
        self.store(
            RecordKind::Constituency,
            id,
            PUT_CONSTITUENCY,
            params![
                id,
                c.election.get(),
                c.parent.map(ConstituencyId::get),
                c.kind.name(),
                c.code,
                c.name.as_str()
            ],
            &[
                (RecordKind::Election, Some(c.election.get())),
                (RecordKind::Constituency, c.parent.map(ConstituencyId::get)),
            ],
            &|s| match s.constituency_by_code(c.election, c.kind, &c.code) {
                Ok(Some(other)) => format!(
                    "constituency {} already has the {} code `{}`",
                    other.id, c.kind, c.code
                ),
                _ => format!("another {} already has the code `{}`", c.kind, c.code),
            },
        )
    }

    fn put_list(&mut self, list: &CandidateList) -> Result<()> {
        let id = list.id.get();
        let nuance = list.nuance.as_ref();
        self.store(
            RecordKind::List,
            id,
            PUT_LIST,
            params![
                id,
                list.election.get(),
                list.round,
                list.constituency.get(),
                list.panel,
                list.short_label,
                list.label.as_str(),
                nuance.map(|n| n.code.as_str()),
                nuance.and_then(|n| n.label.as_deref())
            ],
            &[
                (RecordKind::Election, Some(list.election.get())),
                (RecordKind::Constituency, Some(list.constituency.get())),
            ],
            &|_| generic_conflict(RecordKind::List, id),
        )
    }

    fn put_section(&mut self, section: &Section) -> Result<()> {
        let id = section.id.get();
        self.sections.borrow_mut().remove(&section.id);
        self.store(
            RecordKind::Section,
            id,
            PUT_SECTION,
            params![
                id,
                section.list.get(),
                section.constituency.get(),
                section.code,
                section.implicit
            ],
            &[
                (RecordKind::List, Some(section.list.get())),
                (RecordKind::Constituency, Some(section.constituency.get())),
            ],
            &|s| {
                let other = s
                    .sections(section.list)
                    .ok()
                    .and_then(|all| all.into_iter().find(|o| o.code == section.code));
                match other {
                    Some(other) => format!(
                        "section {} of list {} already has the code `{}`",
                        other.id, section.list, section.code
                    ),
                    None => format!(
                        "another section of list {} already has the code `{}`",
                        section.list, section.code
                    ),
                }
            },
        )
    }

    fn put_person(&mut self, person: &Person) -> Result<()> {
        let id = person.id.get();
        self.store(
            RecordKind::Person,
            id,
            PUT_PERSON,
            params![
                id,
                person.surname.as_str(),
                person.first_name.as_ref().map(Name::as_str),
                person.sex.map(Sex::code),
                person.birth_date.map(codec::day),
                person.nationality
            ],
            &[],
            &|_| generic_conflict(RecordKind::Person, id),
        )
    }

    fn put_candidacy(&mut self, c: &Candidacy) -> Result<()> {
        let id = c.id.get();
        let seat = codec::seat_columns(&c.seat)?;
        let nuance = c.nuance.as_ref();
        self.store(
            RecordKind::Candidacy,
            id,
            PUT_CANDIDACY,
            params![
                id,
                c.person.get(),
                c.election.get(),
                c.round,
                c.constituency.get(),
                seat.kind,
                seat.list,
                seat.section,
                seat.order,
                seat.index,
                seat.partner,
                seat.substitute_of,
                c.roles.bits(),
                nuance.map(|n| n.code.as_str()),
                nuance.and_then(|n| n.label.as_deref()),
                c.panel,
                c.outgoing,
                c.community_council,
                c.withdrawn,
                c.profession
            ],
            &[
                (RecordKind::Person, Some(c.person.get())),
                (RecordKind::Election, Some(c.election.get())),
                (RecordKind::Constituency, Some(c.constituency.get())),
                (RecordKind::List, seat.list),
                (RecordKind::Section, seat.section),
                (RecordKind::Candidacy, seat.partner),
                (RecordKind::Candidacy, seat.substitute_of),
            ],
            &|s| {
                let holder = SeatKey::of(c).and_then(|key| s.candidacy_at(&key).ok().flatten());
                match holder {
                    Some(other) => format!("candidacy {} already holds this seat", other.id),
                    None => format!("another candidacy already holds the seat of candidacy {id}"),
                }
            },
        )?;

        // A person created in this transaction has no contact detail and
        // no answer unless some were written in it: an import of new
        // candidates skips this.
        let new_person = self
            .sequence(RecordKind::Person)?
            .inserted_here(c.person.get());
        if new_person && !self.person_facts_written {
            return Ok(());
        }
        self.with_held(SET_CANDIDACY_PERSON_STATE, |statement| {
            statement.execute([id])
        })?
        .map_err(|e| sql(&format!("update the state of candidacy {id}"), e))?;
        Ok(())
    }

    fn put_participant(&mut self, participant: &Participant) -> Result<()> {
        let id = participant.id.get();
        self.store(
            RecordKind::Participant,
            id,
            PUT_PARTICIPANT,
            params![
                id,
                participant.name.as_str(),
                participant.email,
                participant.moderator,
                codec::instant(participant.registered_at)
            ],
            &[],
            &|_| generic_conflict(RecordKind::Participant, id),
        )
    }

    fn put_responsibility(&mut self, r: &Responsibility) -> Result<()> {
        let id = r.id.get();
        let [candidacy, list, constituency] = codec::target_columns(r.target);
        self.store(
            RecordKind::Responsibility,
            id,
            PUT_RESPONSIBILITY,
            params![
                id,
                r.participant.get(),
                candidacy,
                list,
                constituency,
                r.status.name(),
                codec::instant(r.requested_at),
                r.decided_by.map(ParticipantId::get),
                codec::instant_opt(r.decided_at),
                codec::instant_opt(r.expires_at)
            ],
            &[
                (RecordKind::Participant, Some(r.participant.get())),
                (RecordKind::Candidacy, candidacy),
                (RecordKind::List, list),
                (RecordKind::Constituency, constituency),
                (
                    RecordKind::Participant,
                    r.decided_by.map(ParticipantId::get),
                ),
            ],
            &|_| generic_conflict(RecordKind::Responsibility, id),
        )
    }

    fn put_contact_detail(&mut self, detail: &ContactDetail) -> Result<()> {
        self.person_facts_written = true;
        let id = detail.id.get();
        let [person, list] = codec::owner_columns(detail.owner);
        self.store(
            RecordKind::ContactDetail,
            id,
            PUT_CONTACT_DETAIL,
            params![
                id,
                person,
                list,
                detail.point.channel().code(),
                detail.point.value(),
                detail.label,
                detail.source,
                detail.added_by.get(),
                codec::instant(detail.added_at),
                detail.status.name(),
                codec::visibility_name(detail.visibility),
                detail.note
            ],
            &[
                (RecordKind::Person, person),
                (RecordKind::List, list),
                (RecordKind::Participant, Some(detail.added_by.get())),
            ],
            &|_| generic_conflict(RecordKind::ContactDetail, id),
        )
    }

    fn delete_contact_detail(&mut self, id: ContactDetailId) -> Result<()> {
        self.person_facts_written = true;
        self.cells.replace(None);
        let deleted = self
            .statement("DELETE FROM contact_detail WHERE id = ?1")?
            .execute([id.get()])
            .map_err(|e| sql(&format!("delete contact detail {id}"), e))?;
        if deleted == 0 {
            return Err(Error::not_found(RecordKind::ContactDetail, id));
        }
        Ok(())
    }

    fn put_contact_action(&mut self, action: &ContactAction) -> Result<()> {
        let id = action.id.get();
        let [candidacy, list] = codec::action_target_columns(action.target);
        self.store(
            RecordKind::ContactAction,
            id,
            PUT_CONTACT_ACTION,
            params![
                id,
                action.participant.get(),
                candidacy,
                list,
                action.channel.code(),
                codec::instant(action.at),
                action.outcome.name(),
                action.note,
                action.template.map(TemplateId::get),
                action.marathon.map(MarathonId::get)
            ],
            &[
                (RecordKind::Participant, Some(action.participant.get())),
                (RecordKind::Candidacy, candidacy),
                (RecordKind::List, list),
                (RecordKind::Template, action.template.map(TemplateId::get)),
                (RecordKind::Marathon, action.marathon.map(MarathonId::get)),
            ],
            &|_| generic_conflict(RecordKind::ContactAction, id),
        )
    }

    fn put_pledge(&mut self, pledge: &Pledge) -> Result<()> {
        let id = pledge.id.get();
        self.store(
            RecordKind::Pledge,
            id,
            PUT_PLEDGE,
            params![id, pledge.name.as_str(), pledge.version, pledge.text],
            &[],
            &|_| generic_conflict(RecordKind::Pledge, id),
        )
    }

    fn put_pledge_answer(&mut self, answer: &PledgeAnswer) -> Result<()> {
        self.person_facts_written = true;
        let id = answer.id.get();
        let [person, list] = codec::subject_columns(answer.subject);
        let (kind, evidence) = match &answer.answer {
            Answer::Signed { evidence } => ("signed", Some(evidence.as_str())),
            Answer::Declined => ("declined", None),
        };
        self.store(
            RecordKind::PledgeAnswer,
            id,
            PUT_PLEDGE_ANSWER,
            params![
                id,
                answer.pledge.get(),
                person,
                list,
                kind,
                evidence,
                codec::day(answer.date),
                answer.recorded_by.get(),
                codec::instant(answer.recorded_at)
            ],
            &[
                (RecordKind::Pledge, Some(answer.pledge.get())),
                (RecordKind::Person, person),
                (RecordKind::List, list),
                (RecordKind::Participant, Some(answer.recorded_by.get())),
            ],
            &|_| generic_conflict(RecordKind::PledgeAnswer, id),
        )
    }

    fn delete_pledge_answer(&mut self, id: PledgeAnswerId) -> Result<()> {
        self.person_facts_written = true;
        self.cells.replace(None);
        let deleted = self
            .statement("DELETE FROM pledge_answer WHERE id = ?1")?
            .execute([id.get()])
            .map_err(|e| sql(&format!("delete pledge answer {id}"), e))?;
        if deleted == 0 {
            return Err(Error::not_found(RecordKind::PledgeAnswer, id));
        }
        Ok(())
    }

    fn put_marathon(&mut self, marathon: &Marathon) -> Result<()> {
        let id = marathon.id.get();
        let goal = codec::to_json(&marathon.goal, "a marathon's goal")?;
        self.store(
            RecordKind::Marathon,
            id,
            PUT_MARATHON,
            params![
                id,
                marathon.name.as_str(),
                marathon.number,
                codec::instant(marathon.starts_at),
                codec::instant(marathon.ends_at),
                goal,
                marathon.created_by.get()
            ],
            &[(RecordKind::Participant, Some(marathon.created_by.get()))],
            &|_| generic_conflict(RecordKind::Marathon, id),
        )
    }

    fn put_template(&mut self, template: &Template) -> Result<()> {
        let id = template.id.get();
        self.store(
            RecordKind::Template,
            id,
            PUT_TEMPLATE,
            params![
                id,
                template.owner.get(),
                template.name.as_str(),
                template.subject,
                template.body
            ],
            &[(RecordKind::Participant, Some(template.owner.get()))],
            &|_| generic_conflict(RecordKind::Template, id),
        )
    }

    fn put_proposal(&mut self, proposal: &Proposal) -> Result<()> {
        let id = proposal.id.get();
        let change = codec::to_json(&proposal.change, "a proposed change")?;
        self.store(
            RecordKind::Proposal,
            id,
            PUT_PROPOSAL,
            params![
                id,
                proposal.author.get(),
                codec::instant(proposal.created_at),
                proposal.source,
                change,
                proposal.status.name(),
                proposal.decided_by.map(ParticipantId::get),
                codec::instant_opt(proposal.decided_at)
            ],
            &[
                (RecordKind::Participant, Some(proposal.author.get())),
                (
                    RecordKind::Participant,
                    proposal.decided_by.map(ParticipantId::get),
                ),
            ],
            &|_| generic_conflict(RecordKind::Proposal, id),
        )
    }

    fn put_reservation(&mut self, reservation: &Reservation) -> Result<()> {
        let id = reservation.id.get();
        self.store(
            RecordKind::Reservation,
            id,
            PUT_RESERVATION,
            params![
                id,
                reservation.candidacy.get(),
                reservation.participant.get(),
                reservation.queue.name(),
                codec::instant(reservation.taken_at),
                codec::instant(reservation.until),
                reservation.marathon.map(MarathonId::get),
                codec::instant_opt(reservation.released_at)
            ],
            &[
                (RecordKind::Candidacy, Some(reservation.candidacy.get())),
                (RecordKind::Participant, Some(reservation.participant.get())),
                (
                    RecordKind::Marathon,
                    reservation.marathon.map(MarathonId::get),
                ),
            ],
            &|_| generic_conflict(RecordKind::Reservation, id),
        )
    }

    fn append_audit(&mut self, record: &AuditRecord) -> Result<()> {
        let id = record.id.get();
        let before = record
            .before
            .as_ref()
            .map(|v| codec::to_json(v, "an audit entry"))
            .transpose()?;
        let after = record
            .after
            .as_ref()
            .map(|v| codec::to_json(v, "an audit entry"))
            .transpose()?;
        self.store(
            RecordKind::Audit,
            id,
            APPEND_AUDIT,
            params![
                id,
                record.actor.map(ParticipantId::get),
                codec::instant(record.at),
                record.source,
                record.kind.name(),
                record.record,
                record.action.name(),
                before,
                after,
                record.person.map(PersonId::get),
                record.reverts.map(AuditId::get)
            ],
            &[],
            &|_| format!("audit entry {id} already exists and is never rewritten"),
        )
    }

    fn scrub_audit(&mut self, person: PersonId) -> Result<u64> {
        let scrubbed = self
            .statement(
                "UPDATE audit SET before = NULL, after = NULL, source = NULL WHERE person = ?1",
            )?
            .execute([person.get()])
            .map_err(|e| sql("scrub the audit history", e))?;
        self.scrubbed = true;
        trace!(person = person.get(), scrubbed, "audit history scrubbed");
        Ok(scrubbed as u64)
    }
}

#[cfg(test)]
mod tests {
    use rusqlite::types::Null;

    use super::*;
    use crate::{configure, schema, Role};

    /// The details of `EXPLAIN QUERY PLAN`, for a query of the store.
    fn plan(conn: &Connection, text: &str, params: impl Params) -> Vec<String> {
        let mut statement = conn
            .prepare(&format!("EXPLAIN QUERY PLAN {text}"))
            .expect("a query plan");
        let rows = statement
            .query_map(params, |row| row.get::<_, String>(3))
            .expect("the plan's steps");
        rows.collect::<rusqlite::Result<_>>().expect("the plan")
    }

    fn assert_searches(what: &str, steps: &[String]) {
        assert!(
            !steps.iter().any(|step| step.starts_with("SCAN")),
            "the lookup of {what} scans a table: {steps:?}"
        );
        assert!(
            steps.iter().any(|step| step.starts_with("SEARCH")),
            "the lookup of {what} uses no index: {steps:?}"
        );
    }

    #[test]
    fn far_and_extreme_identifiers_are_stored_without_harm() {
        use crate::SqliteStore;

        let store = SqliteStore::memory().expect("a store");
        let person =
            |id| Name::new("LOIN").map(|surname| Person::named(PersonId::new(id), surname, None));

        let far = 1_i64 << 40;
        store
            .write_with(|w| {
                w.put_person(&person(far)?)?;
                w.put_person(&person(far)?)
            })
            .expect("a far identifier");
        let next = store
            .write_with(|w| w.allocate(RecordKind::Person))
            .expect("the identifier after it");
        store
            .write_with(|w| w.put_person(&person(i64::MAX)?))
            .expect("the largest identifier");
        let exhausted = store.write_with(|w| w.allocate(RecordKind::Person));

        assert_eq!(next, far + 1);
        assert!(
            matches!(exhausted, Err(Error::InvalidInput { .. })),
            "{exhausted:?}"
        );
        let stored = store.read_with(|r| r.persons()).expect("the persons");
        assert_eq!(stored.len(), 2);
    }

    #[test]
    fn lookups_search_indexes_instead_of_scanning_tables() {
        let conn = Connection::open_in_memory().expect("a database");
        configure(&conn, Role::Writer).expect("settings");
        schema::migrate(&conn, "a test database").expect("the schema");
        let (actions, filter) = actions_query(&ActionFilter {
            target: Some(ActionTarget::Candidacy(CandidacyId::new(1))),
            ..ActionFilter::default()
        });

        let lookups = [
            ("a candidacy by id", plan(&conn, CANDIDACY_BY_ID, [1])),
            (
                "a person's contact details",
                plan(&conn, DETAILS_OF_PERSON, [1]),
            ),
            (
                "a candidacy's contact actions",
                plan(&conn, &actions, params_from_iter(filter.params.iter())),
            ),
            (
                "a candidacy by list seat",
                plan(&conn, CANDIDACY_AT_LIST_SEAT, [1, 1]),
            ),
            (
                "a candidacy by panel seat",
                plan(&conn, CANDIDACY_AT_PANEL_SEAT, [1, 1, 1, 1, 1]),
            ),
            (
                "a substitute by the candidacy replaced",
                plan(&conn, CANDIDACY_AT_SUBSTITUTE_SEAT, [1]),
            ),
            (
                "persons by name",
                plan(&conn, PERSONS_NAMED, params!["NOM", "Prénom"]),
            ),
            (
                "persons by surname alone",
                plan(&conn, PERSONS_NAMED, params!["NOM", Null]),
            ),
            (
                "a person's candidacies",
                plan(&conn, CANDIDACIES_OF_PERSON, [1]),
            ),
        ];

        for (what, steps) in &lookups {
            assert_searches(what, steps);
        }
        let scan = plan(&conn, "SELECT id FROM candidacy WHERE roles = 1", []);
        assert!(
            scan.iter().any(|step| step.starts_with("SCAN")),
            "a scan reads as such: {scan:?}"
        );
    }
}
