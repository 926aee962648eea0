//! One transaction of the store: the lookups, the writes, and the buffer of
//! an import.

use std::cell::RefCell;
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet, VecDeque};
use std::sync::{LazyLock, Mutex};

use candidats_core::*;
use chrono::{DateTime, Utc};
use postgres::binary_copy::BinaryCopyInWriter;
use postgres::types::ToSql;
use postgres::{Row, Statement, Transaction};

use crate::error::db;
use crate::pool::MAX_STATEMENTS;
use crate::rows::{self, storable, storable_opt, CandidacyRow, PersonRow};
use crate::schema::{self, LOCK_SPACE};
use crate::sql::Sql;

/// What the store's sessions share: the highest identifier each sequence is
/// known to have passed. It only grows, so a stale value is a safe lower
/// bound.
#[derive(Debug, Default)]
pub(crate) struct Shared {
    floors: Mutex<HashMap<RecordKind, i64>>,
}

impl Shared {
    fn floor(&self, kind: RecordKind) -> i64 {
        match self.floors.lock() {
            Ok(floors) => floors.get(&kind).copied().unwrap_or(0),
            Err(poisoned) => poisoned.into_inner().get(&kind).copied().unwrap_or(0),
        }
    }

    /// Lowers the floor of `kind` to `id` at most, after identifiers were
    /// given back to its sequence.
    pub(crate) fn lower(&self, kind: RecordKind, id: i64) {
        let mut floors = match self.floors.lock() {
            Ok(floors) => floors,
            Err(poisoned) => poisoned.into_inner(),
        };
        let floor = floors.entry(kind).or_insert(0);
        *floor = (*floor).min(id);
    }

    fn raise(&self, kind: RecordKind, id: i64) {
        let mut floors = match self.floors.lock() {
            Ok(floors) => floors,
            Err(poisoned) => poisoned.into_inner(),
        };
        let floor = floors.entry(kind).or_insert(0);
        *floor = (*floor).max(id);
    }
}

/// The most identifiers fetched from a sequence at once.
const MAX_BLOCK: i64 = 256;

/// How many identifiers of a kind a transaction takes one at a time before
/// it fetches them in growing blocks.
const SINGLES: usize = 8;

/// The identifiers of one kind a transaction fetched from its sequence, and
/// those not handed out yet.
#[derive(Default)]
struct Allocation {
    fetched: Vec<i64>,
    ready: VecDeque<i64>,
}

impl Allocation {
    /// How many to fetch next: one at a time at first, then blocks that
    /// double up to [`MAX_BLOCK`].
    fn block(&self) -> i64 {
        let fetched = self.fetched.len();
        if fetched < SINGLES {
            1
        } else {
            i64::try_from(fetched).unwrap_or(MAX_BLOCK).min(MAX_BLOCK)
        }
    }

    /// What can go back to the sequence: the last identifier fetched and
    /// where to rewind to, when the last identifiers fetched form one run of
    /// `spare` ones.
    fn give_back(&self, spare: &[i64]) -> Option<GiveBack> {
        let expected = *self.fetched.iter().max()?;
        let spare: HashSet<i64> = spare.iter().copied().collect();
        let mut back_to = expected;
        while spare.contains(&back_to) {
            back_to -= 1;
        }
        (back_to < expected).then_some(GiveBack { expected, back_to })
    }
}

/// Identifiers a transaction took from a sequence and did not keep.
#[derive(Clone, Copy, Debug)]
pub(crate) struct GiveBack {
    /// The last identifier the transaction fetched.
    pub(crate) expected: i64,
    /// The last identifier it keeps.
    pub(crate) back_to: i64,
}

/// New persons and candidacies of an import, kept until a read needs them
/// in the database, then written with one `COPY` each.
#[derive(Default)]
struct Bulk {
    persons: BTreeMap<i64, Person>,
    names: HashMap<(String, Option<String>), BTreeSet<i64>>,
    candidacies: BTreeMap<i64, Candidacy>,
    seats: HashMap<SeatKey, i64>,
}

fn name_key(surname: &str, first_name: Option<&str>) -> (String, Option<String>) {
    (surname.to_string(), first_name.map(str::to_string))
}

/// The state of one transaction.
pub(crate) struct Inner<'c> {
    tx: Transaction<'c>,
    statements: &'c mut HashMap<String, Statement>,
    shared: &'c Shared,
    failed: Option<String>,
    bulk: Option<Bulk>,
    ids: HashMap<RecordKind, Allocation>,
    fresh: HashSet<(RecordKind, i64)>,
    erased: bool,
}

impl<'c> Inner<'c> {
    /// Fails once a statement of the transaction has failed: PostgreSQL
    /// then refuses everything until the transaction ends.
    fn check(&self) -> Result<()> {
        match &self.failed {
            Some(first) => Err(Error::backend(
                "an earlier statement of this transaction failed; it can only be rolled back",
                first.clone(),
            )),
            None => Ok(()),
        }
    }

    fn fail(&mut self, context: &str, error: postgres::Error) -> Error {
        let error = db(context, error);
        self.failed = Some(error.to_string());
        error
    }

    fn statement(&mut self, sql: &str) -> Result<Statement> {
        if let Some(statement) = self.statements.get(sql) {
            return Ok(statement.clone());
        }
        let statement = match self.tx.prepare(sql) {
            Ok(statement) => statement,
            Err(e) => return Err(self.fail("cannot prepare a statement", e)),
        };
        if self.statements.len() >= MAX_STATEMENTS {
            self.statements.clear();
        }
        self.statements.insert(sql.to_string(), statement.clone());
        Ok(statement)
    }

    /// Runs a query and returns its rows.
    pub(crate) fn rows(
        &mut self,
        context: &str,
        sql: &str,
        params: &[&(dyn ToSql + Sync)],
    ) -> Result<Vec<Row>> {
        self.check()?;
        let statement = self.statement(sql)?;
        match self.tx.query(&statement, params) {
            Ok(rows) => Ok(rows),
            Err(e) => Err(self.fail(context, e)),
        }
    }

    /// Runs a statement and returns how many rows it touched.
    fn exec(&mut self, context: &str, sql: &str, params: &[&(dyn ToSql + Sync)]) -> Result<u64> {
        self.check()?;
        let statement = self.statement(sql)?;
        match self.tx.execute(&statement, params) {
            Ok(count) => Ok(count),
            Err(e) => Err(self.fail(context, e)),
        }
    }

    /// Reads the rows of a query as records.
    pub(crate) fn all<T>(
        &mut self,
        sql: &str,
        params: &[&(dyn ToSql + Sync)],
        read: fn(&Row) -> Result<T>,
    ) -> Result<Vec<T>> {
        self.rows("cannot read from the database", sql, params)?
            .iter()
            .map(read)
            .collect()
    }

    /// Reads the first row of a query as a record.
    fn first<T>(
        &mut self,
        sql: &str,
        params: &[&(dyn ToSql + Sync)],
        read: fn(&Row) -> Result<T>,
    ) -> Result<Option<T>> {
        self.rows("cannot read from the database", sql, params)?
            .first()
            .map(read)
            .transpose()
    }

    /// Reads the record of `kind` with identifier `id`.
    fn by_id<T>(
        &mut self,
        kind: RecordKind,
        columns: &str,
        id: i64,
        read: fn(&Row) -> Result<T>,
    ) -> Result<T> {
        let sql = format!(
            "SELECT {columns} FROM {} WHERE id = $1",
            schema::table(kind)
        );
        self.first(&sql, &[&id], read)?
            .ok_or_else(|| Error::not_found(kind, id))
    }

    /// Every record of `kind` whose `column` holds `value`, or every record
    /// of `kind` without a value, by identifier.
    fn listing<T, V: ToSql + Sync>(
        &mut self,
        kind: RecordKind,
        columns: &str,
        filter: Option<(&str, V)>,
        read: fn(&Row) -> Result<T>,
    ) -> Result<Vec<T>> {
        let table = schema::table(kind);
        match filter {
            Some((column, value)) => {
                let sql = format!("SELECT {columns} FROM {table} WHERE {column} = $1 ORDER BY id");
                self.all(&sql, &[&value], read)
            }
            None => {
                let sql = format!("SELECT {columns} FROM {table} ORDER BY id");
                self.all(&sql, &[], read)
            }
        }
    }

    /// Moves the sequence of `kind` past an identifier the store is about
    /// to write, unless it is known to be past it already. Returns whether
    /// the identifier was beyond everything the sequence handed out: then no
    /// record has it yet.
    fn claim(&mut self, kind: RecordKind, id: i64) -> Result<bool> {
        if id <= self.shared.floor(kind) {
            return Ok(false);
        }
        let sequence = schema::sequence(kind);
        let rows = self.rows(
            "cannot move an identifier sequence",
            "SELECT candidats_claim($1::text::regclass, $2)",
            &[&sequence, &id],
        )?;
        let new: bool = rows
            .first()
            .map(|row| row.try_get(0))
            .transpose()
            .map_err(|e| Error::backend("cannot move an identifier sequence", e))?
            .unwrap_or(false);
        self.shared.raise(kind, id);
        Ok(new)
    }

    /// Writes a record with `INSERT ... ON CONFLICT (id) DO UPDATE`.
    fn upsert(
        &mut self,
        kind: RecordKind,
        id: i64,
        sql: &str,
        params: &[&(dyn ToSql + Sync)],
    ) -> Result<()> {
        self.check()?;
        self.claim(kind, id)?;
        let context = format!("cannot write {} {id}", kind.name());
        self.exec(&context, sql, params).map(drop)
    }

    /// Whether a person or candidacy is sure to be new: buffered, allocated
    /// in this transaction, or beyond what its sequence handed out.
    fn is_new(&mut self, kind: RecordKind, id: i64) -> Result<bool> {
        let buffered = self.bulk.as_ref().is_some_and(|bulk| match kind {
            RecordKind::Person => bulk.persons.contains_key(&id),
            _ => bulk.candidacies.contains_key(&id),
        });
        if buffered || self.fresh.contains(&(kind, id)) {
            return Ok(true);
        }
        self.claim(kind, id)
    }

    /// Writes the buffered persons and candidacies with `COPY`.
    pub(crate) fn flush(&mut self) -> Result<()> {
        self.check()?;
        let Some(bulk) = &mut self.bulk else {
            return Ok(());
        };
        if bulk.persons.is_empty() && bulk.candidacies.is_empty() {
            return Ok(());
        }
        let persons = std::mem::take(&mut bulk.persons);
        let candidacies = std::mem::take(&mut bulk.candidacies);
        bulk.names.clear();
        bulk.seats.clear();

        let mut person_rows = Vec::with_capacity(persons.len());
        for person in persons.values() {
            person_rows.push(PersonRow::new(person)?);
        }
        let candidacy_rows = candidacies
            .values()
            .map(CandidacyRow::new)
            .collect::<Result<Vec<_>>>()?;
        self.copy(
            &format!("COPY persons ({}) FROM STDIN (FORMAT binary)", rows::PERSON),
            rows::PERSON_TYPES,
            person_rows.iter().map(PersonRow::params),
        )?;
        self.copy(
            &format!(
                "COPY candidacies ({}) FROM STDIN (FORMAT binary)",
                rows::CANDIDACY
            ),
            rows::CANDIDACY_TYPES,
            candidacy_rows.iter().map(CandidacyRow::params),
        )?;

        tracing::debug!(
            persons = persons.len(),
            candidacies = candidacies.len(),
            "wrote buffered import rows with COPY"
        );
        Ok(())
    }

    fn copy<'r>(
        &mut self,
        sql: &str,
        types: &[postgres::types::Type],
        rows: impl Iterator<Item = Vec<&'r (dyn ToSql + Sync)>>,
    ) -> Result<()> {
        let context = "cannot write the imported rows with COPY";
        let outcome = (|| {
            let writer = self.tx.copy_in(sql)?;
            let mut writer = BinaryCopyInWriter::new(writer, types);
            for row in rows {
                writer.write(&row)?;
            }
            writer.finish()
        })();
        match outcome {
            Ok(_) => Ok(()),
            Err(e) => Err(self.fail(context, e)),
        }
    }

    fn person(&mut self, id: PersonId) -> Result<Person> {
        if let Some(person) = self.bulk.as_ref().and_then(|b| b.persons.get(&id.get())) {
            return Ok(person.clone());
        }
        self.by_id(RecordKind::Person, rows::PERSON, id.get(), rows::person)
    }

    fn candidacy(&mut self, id: CandidacyId) -> Result<Candidacy> {
        if let Some(c) = self
            .bulk
            .as_ref()
            .and_then(|b| b.candidacies.get(&id.get()))
        {
            return Ok(c.clone());
        }
        self.by_id(
            RecordKind::Candidacy,
            rows::CANDIDACY,
            id.get(),
            rows::candidacy,
        )
    }
}

/// A transaction seen through the storage traits.
pub(crate) struct Session<'c> {
    inner: RefCell<Inner<'c>>,
    writable: bool,
}

/// How a transaction ended.
pub(crate) struct Ended {
    /// Whether it erased personal data from the audit history.
    pub(crate) erased: bool,
    /// The identifiers it took and did not keep, by sequence.
    pub(crate) give_back: Vec<(RecordKind, GiveBack)>,
}

impl<'c> Session<'c> {
    pub(crate) fn new(
        tx: Transaction<'c>,
        statements: &'c mut HashMap<String, Statement>,
        shared: &'c Shared,
        writable: bool,
    ) -> Session<'c> {
        Session {
            writable,
            inner: RefCell::new(Inner {
                tx,
                statements,
                shared,
                failed: None,
                bulk: None,
                ids: HashMap::new(),
                fresh: HashSet::new(),
                erased: false,
            }),
        }
    }

    /// Ends the transaction: with `keep`, writes what is buffered and
    /// commits; otherwise, or when that fails, rolls back.
    ///
    /// # Errors
    ///
    /// When a statement of the transaction failed, or the commit fails:
    /// then nothing is kept.
    pub(crate) fn finish(self, keep: bool) -> (Result<()>, Ended) {
        let mut inner = self.inner.into_inner();
        let kept = if keep {
            inner.flush().and_then(|()| inner.check())
        } else {
            Err(Error::backend("the transaction is rolled back", "rollback"))
        };
        let erased = inner.erased;
        let give_back = |inner: &mut Inner<'_>, committed: bool| -> Vec<(RecordKind, GiveBack)> {
            inner
                .ids
                .iter_mut()
                .filter_map(|(kind, a)| {
                    let spare: Vec<i64> = if committed {
                        a.ready.make_contiguous().to_vec()
                    } else {
                        a.fetched.clone()
                    };
                    Some((*kind, a.give_back(&spare)?))
                })
                .collect()
        };

        match kept {
            Ok(()) => {
                let spare = give_back(&mut inner, true);
                match inner.tx.commit() {
                    Ok(()) => (
                        Ok(()),
                        Ended {
                            erased,
                            give_back: spare,
                        },
                    ),
                    Err(e) => (
                        Err(db("cannot commit the transaction", e)),
                        Ended {
                            erased: false,
                            give_back: Vec::new(),
                        },
                    ),
                }
            }
            Err(error) => {
                let spare = give_back(&mut inner, false);
                if let Err(rollback) = inner.tx.rollback() {
                    tracing::debug!(error = %rollback, "rolling back a transaction failed");
                }
                let ended = Ended {
                    erased: false,
                    give_back: spare,
                };
                (if keep { Err(error) } else { Ok(()) }, ended)
            }
        }
    }

    fn with<T>(&self, f: impl FnOnce(&mut Inner<'c>) -> Result<T>) -> Result<T> {
        let mut inner = self.inner.borrow_mut();
        f(&mut inner)
    }

    /// Runs `f` on the transaction with the buffered rows written first.
    pub(crate) fn flushed<T>(&self, f: impl FnOnce(&mut Inner<'c>) -> Result<T>) -> Result<T> {
        let mut inner = self.inner.borrow_mut();
        inner.flush()?;
        f(&mut inner)
    }

    /// Whether the session is a write transaction (where queue queries lock
    /// the rows they hand out).
    pub(crate) fn writing(&self) -> bool {
        self.writable
    }
}

static ELECTION_UPSERT: LazyLock<String> =
    LazyLock::new(|| rows::upsert("elections", rows::ELECTION));
static CONSTITUENCY_UPSERT: LazyLock<String> =
    LazyLock::new(|| rows::upsert("constituencies", rows::CONSTITUENCY));
static LIST_UPSERT: LazyLock<String> = LazyLock::new(|| rows::upsert("lists", rows::LIST));
static SECTION_UPSERT: LazyLock<String> = LazyLock::new(|| rows::upsert("sections", rows::SECTION));
static PERSON_UPSERT: LazyLock<String> = LazyLock::new(|| rows::upsert("persons", rows::PERSON));
static CANDIDACY_UPSERT: LazyLock<String> =
    LazyLock::new(|| rows::upsert("candidacies", rows::CANDIDACY));
static PARTICIPANT_UPSERT: LazyLock<String> =
    LazyLock::new(|| rows::upsert("participants", rows::PARTICIPANT));
static RESPONSIBILITY_UPSERT: LazyLock<String> =
    LazyLock::new(|| rows::upsert("responsibilities", rows::RESPONSIBILITY));
static CONTACT_DETAIL_UPSERT: LazyLock<String> =
    LazyLock::new(|| rows::upsert("contact_details", rows::CONTACT_DETAIL));
static CONTACT_ACTION_UPSERT: LazyLock<String> =
    LazyLock::new(|| rows::upsert("contact_actions", rows::CONTACT_ACTION));
static PLEDGE_UPSERT: LazyLock<String> = LazyLock::new(|| rows::upsert("pledges", rows::PLEDGE));
static PLEDGE_ANSWER_UPSERT: LazyLock<String> =
    LazyLock::new(|| rows::upsert("pledge_answers", rows::PLEDGE_ANSWER));
static MARATHON_UPSERT: LazyLock<String> =
    LazyLock::new(|| rows::upsert("marathons", rows::MARATHON));
static TEMPLATE_UPSERT: LazyLock<String> =
    LazyLock::new(|| rows::upsert("templates", rows::TEMPLATE));
static PROPOSAL_UPSERT: LazyLock<String> =
    LazyLock::new(|| rows::upsert("proposals", rows::PROPOSAL));
static RESERVATION_UPSERT: LazyLock<String> =
    LazyLock::new(|| rows::upsert("reservations", rows::RESERVATION));

impl CampaignRead for Session<'_> {
    fn election(&self, id: ElectionId) -> Result<Election> {
        self.with(|t| {
            t.by_id(
                RecordKind::Election,
                rows::ELECTION,
                id.get(),
                rows::election,
            )
        })
    }

    fn elections(&self) -> Result<Vec<Election>> {
        self.with(|t| {
            t.listing::<_, i64>(RecordKind::Election, rows::ELECTION, None, rows::election)
        })
    }

    fn election_named(&self, name: &str) -> Result<Option<Election>> {
        if storable("", name).is_err() {
            return Ok(None);
        }
        let sql = format!("SELECT {} FROM elections WHERE name = $1", rows::ELECTION);
        self.with(|t| t.first(&sql, &[&name], rows::election))
    }

    fn constituency(&self, id: ConstituencyId) -> Result<Constituency> {
        self.with(|t| {
            t.by_id(
                RecordKind::Constituency,
                rows::CONSTITUENCY,
                id.get(),
                rows::constituency,
            )
        })
    }

    fn constituencies(&self, election: ElectionId) -> Result<Vec<Constituency>> {
        self.with(|t| {
            t.listing(
                RecordKind::Constituency,
                rows::CONSTITUENCY,
                Some(("election", election.get())),
                rows::constituency,
            )
        })
    }

    fn constituency_by_code(
        &self,
        election: ElectionId,
        kind: ConstituencyKind,
        code: &str,
    ) -> Result<Option<Constituency>> {
        if storable("", code).is_err() {
            return Ok(None);
        }
        let sql = format!(
            "SELECT {} FROM constituencies WHERE election = $1 AND kind = $2 AND code = $3",
            rows::CONSTITUENCY
        );
        self.with(|t| {
            t.first(
                &sql,
                &[&election.get(), &kind.name(), &code],
                rows::constituency,
            )
        })
    }

    fn list(&self, id: ListId) -> Result<CandidateList> {
        self.with(|t| t.by_id(RecordKind::List, rows::LIST, id.get(), rows::list))
    }

    fn lists(&self, election: ElectionId) -> Result<Vec<CandidateList>> {
        self.with(|t| {
            t.listing(
                RecordKind::List,
                rows::LIST,
                Some(("election", election.get())),
                rows::list,
            )
        })
    }

    fn list_by_key(&self, key: &ListKey) -> Result<Option<CandidateList>> {
        let mut sql = Sql::new(format!("SELECT {} FROM lists WHERE ", rows::LIST));
        let condition = format!(
            "election = {} AND round = {} AND constituency = {}",
            sql.bind(key.election.get()),
            sql.bind(i16::from(key.round)),
            sql.bind(key.constituency.get())
        );
        sql.push(&condition);
        match key.panel {
            Some(panel) => {
                let condition = format!("panel = {}", sql.bind(i64::from(panel)));
                sql.and(&condition);
            }
            None => {
                if storable("", &key.label).is_err() {
                    return Ok(None);
                }
                let condition =
                    format!("panel IS NULL AND label = {}", sql.bind(key.label.clone()));
                sql.and(&condition);
            }
        }
        sql.push(" ORDER BY id LIMIT 1");
        self.with(|t| t.first(&sql.text, &sql.params(), rows::list))
    }

    fn section(&self, id: SectionId) -> Result<Section> {
        self.with(|t| t.by_id(RecordKind::Section, rows::SECTION, id.get(), rows::section))
    }

    fn sections(&self, list: ListId) -> Result<Vec<Section>> {
        self.with(|t| {
            t.listing(
                RecordKind::Section,
                rows::SECTION,
                Some(("list", list.get())),
                rows::section,
            )
        })
    }

    fn person(&self, id: PersonId) -> Result<Person> {
        self.with(|t| t.person(id))
    }

    fn persons_named(&self, surname: &str, first_name: Option<&str>) -> Result<Vec<Person>> {
        if storable("", surname).is_err() || storable_opt("", first_name).is_err() {
            return Ok(Vec::new());
        }
        self.with(|t| {
            let mut persons = match first_name {
                Some(first) => {
                    let sql = format!(
                        "SELECT {} FROM persons WHERE surname = $1 AND first_name = $2 ORDER BY id",
                        rows::PERSON
                    );
                    t.all(&sql, &[&surname, &first], rows::person)?
                }
                None => {
                    let sql = format!(
                        "SELECT {} FROM persons WHERE surname = $1 AND first_name IS NULL ORDER BY id",
                        rows::PERSON
                    );
                    t.all(&sql, &[&surname], rows::person)?
                }
            };
            if let Some(bulk) = &t.bulk {
                let buffered = bulk
                    .names
                    .get(&name_key(surname, first_name))
                    .into_iter()
                    .flatten()
                    .filter_map(|id| bulk.persons.get(id).cloned());
                persons.extend(buffered);
                persons.sort_by_key(|p| p.id);
            }
            Ok(persons)
        })
    }

    fn persons(&self) -> Result<Vec<Person>> {
        self.flushed(|t| t.listing::<_, i64>(RecordKind::Person, rows::PERSON, None, rows::person))
    }

    fn candidacy(&self, id: CandidacyId) -> Result<Candidacy> {
        self.with(|t| t.candidacy(id))
    }

    fn candidacies(&self, scope: &Scope) -> Result<Vec<Candidacy>> {
        self.flushed(|t| crate::queries::candidacies(t, scope))
    }

    fn candidacies_of_person(&self, person: PersonId) -> Result<Vec<Candidacy>> {
        self.flushed(|t| {
            t.listing(
                RecordKind::Candidacy,
                rows::CANDIDACY,
                Some(("person", person.get())),
                rows::candidacy,
            )
        })
    }

    fn candidacy_at(&self, key: &SeatKey) -> Result<Option<Candidacy>> {
        self.with(|t| {
            if let Some(bulk) = &t.bulk {
                if let Some(c) = bulk.seats.get(key).and_then(|id| bulk.candidacies.get(id)) {
                    return Ok(Some(c.clone()));
                }
            }
            let columns = rows::CANDIDACY;
            match *key {
                SeatKey::List { section, order } => {
                    let sql = format!(
                        "SELECT {columns} FROM candidacies \
                         WHERE seat = 'list' AND section = $1 AND seat_order = $2"
                    );
                    t.first(&sql, &[&section.get(), &i64::from(order)], rows::candidacy)
                }
                SeatKey::Panel {
                    election,
                    round,
                    constituency,
                    panel,
                    index,
                } => {
                    let sql = format!(
                        "SELECT {columns} FROM candidacies \
                         WHERE seat IN ('single', 'pair') AND election = $1 AND round = $2 \
                         AND constituency = $3 AND panel = $4 AND coalesce(pair_index, 1) = $5"
                    );
                    t.first(
                        &sql,
                        &[
                            &election.get(),
                            &i16::from(round),
                            &constituency.get(),
                            &i64::from(panel),
                            &i32::from(index),
                        ],
                        rows::candidacy,
                    )
                }
                SeatKey::Substitute { of } => {
                    let sql = format!(
                        "SELECT {columns} FROM candidacies \
                         WHERE seat = 'substitute' AND substitute_of = $1"
                    );
                    t.first(&sql, &[&of.get()], rows::candidacy)
                }
            }
        })
    }

    fn participant(&self, id: ParticipantId) -> Result<Participant> {
        self.with(|t| {
            t.by_id(
                RecordKind::Participant,
                rows::PARTICIPANT,
                id.get(),
                rows::participant,
            )
        })
    }

    fn participants(&self) -> Result<Vec<Participant>> {
        self.with(|t| {
            t.listing::<_, i64>(
                RecordKind::Participant,
                rows::PARTICIPANT,
                None,
                rows::participant,
            )
        })
    }

    fn responsibility(&self, id: ResponsibilityId) -> Result<Responsibility> {
        self.with(|t| {
            t.by_id(
                RecordKind::Responsibility,
                rows::RESPONSIBILITY,
                id.get(),
                rows::responsibility,
            )
        })
    }

    fn responsibilities(&self, filter: &ResponsibilityFilter) -> Result<Vec<Responsibility>> {
        let mut sql = Sql::new(format!(
            "SELECT {} FROM responsibilities WHERE TRUE",
            rows::RESPONSIBILITY
        ));
        if let Some(participant) = filter.participant {
            let condition = format!("participant = {}", sql.bind(participant.get()));
            sql.and(&condition);
        }
        if let Some(target) = filter.target {
            let condition = match rows::target_columns(target) {
                (Some(id), _, _) => format!("target_candidacy = {}", sql.bind(id)),
                (_, Some(id), _) => format!("target_list = {}", sql.bind(id)),
                (_, _, id) => format!("target_constituency = {}", sql.bind(id)),
            };
            sql.and(&condition);
        }
        if let Some(status) = filter.status {
            let condition = format!("status = {}", sql.bind(status.name()));
            sql.and(&condition);
        }
        sql.push(" ORDER BY id");
        self.with(|t| t.all(&sql.text, &sql.params(), rows::responsibility))
    }

    fn contact_detail(&self, id: ContactDetailId) -> Result<ContactDetail> {
        self.with(|t| {
            t.by_id(
                RecordKind::ContactDetail,
                rows::CONTACT_DETAIL,
                id.get(),
                rows::contact_detail,
            )
        })
    }

    fn contact_details(&self, owner: Option<Owner>) -> Result<Vec<ContactDetail>> {
        let filter = owner.map(|owner| match rows::owner_columns(owner) {
            (Some(id), _) => ("owner_person", id),
            (_, id) => ("owner_list", id.unwrap_or_default()),
        });
        self.with(|t| {
            t.listing(
                RecordKind::ContactDetail,
                rows::CONTACT_DETAIL,
                filter,
                rows::contact_detail,
            )
        })
    }

    fn contact_action(&self, id: ContactActionId) -> Result<ContactAction> {
        self.with(|t| {
            t.by_id(
                RecordKind::ContactAction,
                rows::CONTACT_ACTION,
                id.get(),
                rows::contact_action,
            )
        })
    }

    fn contact_actions(&self, filter: &ActionFilter) -> Result<Vec<ContactAction>> {
        let mut sql = Sql::new(format!(
            "SELECT {} FROM contact_actions WHERE TRUE",
            rows::CONTACT_ACTION
        ));
        if let Some(target) = filter.target {
            let condition = match rows::action_target_columns(target) {
                (Some(id), _) => format!("target_candidacy = {}", sql.bind(id)),
                (_, id) => format!("target_list = {}", sql.bind(id)),
            };
            sql.and(&condition);
        }
        if let Some(participant) = filter.participant {
            let condition = format!("participant = {}", sql.bind(participant.get()));
            sql.and(&condition);
        }
        if let Some(marathon) = filter.marathon {
            let condition = format!("marathon = {}", sql.bind(marathon.get()));
            sql.and(&condition);
        }
        if let Some(from) = filter.from {
            let condition = format!("at >= {}", sql.bind(from));
            sql.and(&condition);
        }
        if let Some(until) = filter.until {
            let condition = format!("at < {}", sql.bind(until));
            sql.and(&condition);
        }
        sql.push(" ORDER BY id");
        self.with(|t| t.all(&sql.text, &sql.params(), rows::contact_action))
    }

    fn pledge(&self, id: PledgeId) -> Result<Pledge> {
        self.with(|t| t.by_id(RecordKind::Pledge, rows::PLEDGE, id.get(), rows::pledge))
    }

    fn pledges(&self) -> Result<Vec<Pledge>> {
        self.with(|t| t.listing::<_, i64>(RecordKind::Pledge, rows::PLEDGE, None, rows::pledge))
    }

    fn pledge_answer(&self, id: PledgeAnswerId) -> Result<PledgeAnswer> {
        self.with(|t| {
            t.by_id(
                RecordKind::PledgeAnswer,
                rows::PLEDGE_ANSWER,
                id.get(),
                rows::pledge_answer,
            )
        })
    }

    fn pledge_answers(&self, subject: Option<Subject>) -> Result<Vec<PledgeAnswer>> {
        let filter = subject.map(|subject| match rows::subject_columns(subject) {
            (Some(id), _) => ("subject_person", id),
            (_, id) => ("subject_list", id.unwrap_or_default()),
        });
        self.with(|t| {
            t.listing(
                RecordKind::PledgeAnswer,
                rows::PLEDGE_ANSWER,
                filter,
                rows::pledge_answer,
            )
        })
    }

    fn marathon(&self, id: MarathonId) -> Result<Marathon> {
        self.with(|t| {
            t.by_id(
                RecordKind::Marathon,
                rows::MARATHON,
                id.get(),
                rows::marathon,
            )
        })
    }

    fn marathons(&self) -> Result<Vec<Marathon>> {
        self.with(|t| {
            t.listing::<_, i64>(RecordKind::Marathon, rows::MARATHON, None, rows::marathon)
        })
    }

    fn template(&self, id: TemplateId) -> Result<Template> {
        self.with(|t| {
            t.by_id(
                RecordKind::Template,
                rows::TEMPLATE,
                id.get(),
                rows::template,
            )
        })
    }

    fn templates(&self, owner: Option<ParticipantId>) -> Result<Vec<Template>> {
        let filter = owner.map(|owner| ("owner", owner.get()));
        self.with(|t| t.listing(RecordKind::Template, rows::TEMPLATE, filter, rows::template))
    }

    fn proposal(&self, id: ProposalId) -> Result<Proposal> {
        self.with(|t| {
            t.by_id(
                RecordKind::Proposal,
                rows::PROPOSAL,
                id.get(),
                rows::proposal,
            )
        })
    }

    fn proposals(&self, status: Option<ProposalStatus>) -> Result<Vec<Proposal>> {
        let filter = status.map(|status| ("status", status.name()));
        self.with(|t| t.listing(RecordKind::Proposal, rows::PROPOSAL, filter, rows::proposal))
    }

    fn audit(&self, filter: &AuditFilter) -> Result<Vec<AuditRecord>> {
        let mut sql = Sql::new(format!("SELECT {} FROM audit WHERE TRUE", rows::AUDIT));
        if let Some(kind) = filter.kind {
            let condition = format!("kind = {}", sql.bind(kind.name()));
            sql.and(&condition);
        }
        if let Some(record) = filter.record {
            let condition = format!("record = {}", sql.bind(record));
            sql.and(&condition);
        }
        if let Some(person) = filter.person {
            let condition = format!("person = {}", sql.bind(person.get()));
            sql.and(&condition);
        }
        if let Some(actor) = filter.actor {
            let condition = format!("actor = {}", sql.bind(actor.get()));
            sql.and(&condition);
        }
        sql.push(" ORDER BY id");
        self.with(|t| t.all(&sql.text, &sql.params(), rows::audit))
    }

    fn reservation(&self, id: ReservationId) -> Result<Reservation> {
        self.with(|t| {
            t.by_id(
                RecordKind::Reservation,
                rows::RESERVATION,
                id.get(),
                rows::reservation,
            )
        })
    }

    fn reservations(&self, filter: &ReservationFilter) -> Result<Vec<Reservation>> {
        let mut sql = Sql::new(format!(
            "SELECT {} FROM reservations WHERE TRUE",
            rows::RESERVATION
        ));
        if let Some(participant) = filter.participant {
            let condition = format!("participant = {}", sql.bind(participant.get()));
            sql.and(&condition);
        }
        if let Some(candidacy) = filter.candidacy {
            let condition = format!("candidacy = {}", sql.bind(candidacy.get()));
            sql.and(&condition);
        }
        if let Some(now) = filter.active_at {
            let condition = format!("released_at IS NULL AND until > {}", sql.bind(now));
            sql.and(&condition);
        }
        sql.push(" ORDER BY id");
        self.with(|t| t.all(&sql.text, &sql.params(), rows::reservation))
    }

    fn tally(&self, scope: &Scope, group: GroupBy) -> Result<Vec<(GroupKey, Tally)>> {
        self.flushed(|t| crate::queries::tally(t, scope, group))
    }

    fn daily(&self, scope: &Scope) -> Result<Vec<DayTally>> {
        self.flushed(|t| crate::queries::daily(t, scope))
    }

    fn activity(&self, scope: &Scope) -> Result<Vec<ParticipantTally>> {
        self.flushed(|t| crate::queries::activity(t, scope))
    }

    fn queue(&self, query: &QueueQuery, limit: usize) -> Result<Vec<CandidacyId>> {
        let lock = self.writing();
        self.flushed(|t| crate::queries::queue(t, query, limit, lock))
    }

    fn responsibilities_covering(
        &self,
        candidacy: CandidacyId,
        now: DateTime<Utc>,
    ) -> Result<Vec<Responsibility>> {
        self.flushed(|t| {
            t.candidacy(candidacy)?;
            crate::queries::covering(t, candidacy, now)
        })
    }

    fn responsibilities_overlapping(
        &self,
        target: Target,
        now: DateTime<Utc>,
    ) -> Result<Vec<Responsibility>> {
        self.flushed(|t| {
            if let Target::Candidacy(id) = target {
                if let Err(missing) = t.candidacy(id) {
                    return if crate::queries::any_granted(t, now)? {
                        Err(missing)
                    } else {
                        Ok(Vec::new())
                    };
                }
            }
            crate::queries::overlapping(t, target, now)
        })
    }
}

impl CampaignWrite for Session<'_> {
    fn allocate(&mut self, kind: RecordKind) -> Result<i64> {
        let t = self.inner.get_mut();
        t.check()?;
        let allocation = t.ids.entry(kind).or_default();
        let id = match allocation.ready.pop_front() {
            Some(id) => id,
            None => {
                let block = allocation.block();
                let sequence = schema::sequence(kind);
                let rows = t.rows(
                    "cannot allocate identifiers",
                    "SELECT candidats_allocate($1::text::regclass, $2)",
                    &[&sequence, &block],
                )?;
                let mut ids = rows
                    .iter()
                    .map(|row| row.try_get::<_, i64>(0))
                    .collect::<std::result::Result<Vec<_>, _>>()
                    .map_err(|e| Error::backend("cannot allocate identifiers", e))?;
                ids.sort_unstable();
                if let Some(last) = ids.last() {
                    t.shared.raise(kind, *last);
                }
                let allocation = t.ids.entry(kind).or_default();
                allocation.fetched.extend(&ids);
                allocation.ready.extend(ids);
                allocation
                    .ready
                    .pop_front()
                    .ok_or_else(|| Error::backend("cannot allocate identifiers", "no value"))?
            }
        };
        if matches!(kind, RecordKind::Person | RecordKind::Candidacy) {
            t.fresh.insert((kind, id));
        }
        Ok(id)
    }

    fn put_election(&mut self, e: &Election) -> Result<()> {
        let t = self.inner.get_mut();
        storable("an election name", e.name())?;
        let round = |n: u8| e.rounds().iter().find(|r| r.number == n);
        let first = round(1).and_then(|r| r.date);
        let second = round(2);
        let has_second = second.is_some();
        let second_date = second.and_then(|r| r.date);
        t.upsert(
            RecordKind::Election,
            e.id().get(),
            &ELECTION_UPSERT,
            &[
                &e.id().get(),
                &e.kind().name(),
                &e.name(),
                &first,
                &has_second,
                &second_date,
            ],
        )
    }

    fn put_constituency(&mut self, c: &Constituency) -> Result<()> {
        let t = self.inner.get_mut();
        storable("a constituency code", &c.code)?;
        storable("a constituency name", c.name.as_str())?;
        t.upsert(
            RecordKind::Constituency,
            c.id.get(),
            &CONSTITUENCY_UPSERT,
            &[
                &c.id.get(),
                &c.election.get(),
                &c.parent.map(ConstituencyId::get),
                &c.kind.name(),
                &c.code,
                &c.name.as_str(),
            ],
        )
    }

    fn put_list(&mut self, l: &CandidateList) -> Result<()> {
        let t = self.inner.get_mut();
        storable_opt("a list's short label", l.short_label.as_deref())?;
        storable("a list label", l.label.as_str())?;
        if let Some(n) = &l.nuance {
            storable("a nuance", &n.code)?;
            storable_opt("a nuance", n.label.as_deref())?;
        }
        t.upsert(
            RecordKind::List,
            l.id.get(),
            &LIST_UPSERT,
            &[
                &l.id.get(),
                &l.election.get(),
                &i16::from(l.round),
                &l.constituency.get(),
                &l.panel.map(i64::from),
                &l.short_label,
                &l.label.as_str(),
                &l.nuance.as_ref().map(|n| n.code.as_str()),
                &l.nuance.as_ref().and_then(|n| n.label.as_deref()),
            ],
        )
    }

    fn put_section(&mut self, s: &Section) -> Result<()> {
        let t = self.inner.get_mut();
        storable("a section code", &s.code)?;
        t.upsert(
            RecordKind::Section,
            s.id.get(),
            &SECTION_UPSERT,
            &[
                &s.id.get(),
                &s.list.get(),
                &s.constituency.get(),
                &s.code,
                &s.implicit,
            ],
        )
    }

    fn put_person(&mut self, person: &Person) -> Result<()> {
        let t = self.inner.get_mut();
        t.check()?;
        let row = PersonRow::new(person)?;
        let id = person.id.get();
        if t.bulk.is_some() && t.is_new(RecordKind::Person, id)? {
            if let Some(bulk) = &mut t.bulk {
                if let Some(old) = bulk.persons.get(&id) {
                    let key = name_key(
                        old.surname.as_str(),
                        old.first_name.as_ref().map(Name::as_str),
                    );
                    if let Some(ids) = bulk.names.get_mut(&key) {
                        ids.remove(&id);
                    }
                }
                let key = name_key(
                    person.surname.as_str(),
                    person.first_name.as_ref().map(Name::as_str),
                );
                bulk.names.entry(key).or_default().insert(id);
                bulk.persons.insert(id, person.clone());
            }
            return Ok(());
        }
        t.upsert(RecordKind::Person, id, &PERSON_UPSERT, &row.params())
    }

    fn put_candidacy(&mut self, c: &Candidacy) -> Result<()> {
        let t = self.inner.get_mut();
        t.check()?;
        let row = CandidacyRow::new(c)?;
        let id = c.id.get();
        if t.bulk.is_some() && t.is_new(RecordKind::Candidacy, id)? {
            if let Some(bulk) = &mut t.bulk {
                let key = SeatKey::of(c);
                if let Some(other) = key.as_ref().and_then(|key| bulk.seats.get(key)) {
                    if *other != id {
                        return Err(Error::conflict(format!(
                            "candidacy {other} already holds this seat"
                        )));
                    }
                }
                if let Some(old_key) = bulk.candidacies.get(&id).and_then(SeatKey::of) {
                    bulk.seats.remove(&old_key);
                }
                if let Some(key) = key {
                    bulk.seats.insert(key, id);
                }
                bulk.candidacies.insert(id, c.clone());
            }
            return Ok(());
        }
        t.flush()?;
        t.upsert(RecordKind::Candidacy, id, &CANDIDACY_UPSERT, &row.params())
    }

    fn put_participant(&mut self, p: &Participant) -> Result<()> {
        let t = self.inner.get_mut();
        storable("a participant's name", p.name.as_str())?;
        storable_opt("a participant's e-mail", p.email.as_deref())?;
        t.upsert(
            RecordKind::Participant,
            p.id.get(),
            &PARTICIPANT_UPSERT,
            &[
                &p.id.get(),
                &p.name.as_str(),
                &p.email,
                &p.moderator,
                &p.registered_at,
            ],
        )
    }

    fn put_responsibility(&mut self, r: &Responsibility) -> Result<()> {
        let t = self.inner.get_mut();
        t.flush()?;
        let (candidacy, list, constituency) = rows::target_columns(r.target);
        t.upsert(
            RecordKind::Responsibility,
            r.id.get(),
            &RESPONSIBILITY_UPSERT,
            &[
                &r.id.get(),
                &r.participant.get(),
                &candidacy,
                &list,
                &constituency,
                &r.status.name(),
                &r.requested_at,
                &r.decided_by.map(ParticipantId::get),
                &r.decided_at,
                &r.expires_at,
            ],
        )
    }

    fn put_contact_detail(&mut self, d: &ContactDetail) -> Result<()> {
        let t = self.inner.get_mut();
        storable("a contact detail", d.point.value())?;
        storable_opt("a label", d.label.as_deref())?;
        storable("a source", &d.source)?;
        storable_opt("a note", d.note.as_deref())?;
        t.flush()?;
        let (person, list) = rows::owner_columns(d.owner);
        t.upsert(
            RecordKind::ContactDetail,
            d.id.get(),
            &CONTACT_DETAIL_UPSERT,
            &[
                &d.id.get(),
                &person,
                &list,
                &d.point.channel().code(),
                &d.point.value(),
                &d.label,
                &d.source,
                &d.added_by.get(),
                &d.added_at,
                &d.status.name(),
                &rows::visibility_code(d.visibility),
                &d.note,
            ],
        )
    }

    fn delete_contact_detail(&mut self, id: ContactDetailId) -> Result<()> {
        let t = self.inner.get_mut();
        let deleted = t.exec(
            "cannot delete a contact detail",
            "DELETE FROM contact_details WHERE id = $1",
            &[&id.get()],
        )?;
        if deleted == 0 {
            return Err(Error::not_found(RecordKind::ContactDetail, id));
        }
        Ok(())
    }

    fn put_contact_action(&mut self, a: &ContactAction) -> Result<()> {
        let t = self.inner.get_mut();
        storable_opt("a note", a.note.as_deref())?;
        t.flush()?;
        let (candidacy, list) = rows::action_target_columns(a.target);
        t.upsert(
            RecordKind::ContactAction,
            a.id.get(),
            &CONTACT_ACTION_UPSERT,
            &[
                &a.id.get(),
                &a.participant.get(),
                &candidacy,
                &list,
                &a.channel.code(),
                &a.at,
                &a.outcome.name(),
                &a.note,
                &a.template.map(TemplateId::get),
                &a.marathon.map(MarathonId::get),
            ],
        )
    }

    fn put_pledge(&mut self, p: &Pledge) -> Result<()> {
        let t = self.inner.get_mut();
        storable("a pledge name", p.name.as_str())?;
        storable("a pledge text", &p.text)?;
        t.upsert(
            RecordKind::Pledge,
            p.id.get(),
            &PLEDGE_UPSERT,
            &[
                &p.id.get(),
                &p.name.as_str(),
                &i64::from(p.version),
                &p.text,
            ],
        )
    }

    fn put_pledge_answer(&mut self, a: &PledgeAnswer) -> Result<()> {
        let t = self.inner.get_mut();
        let (answer, evidence) = rows::answer_columns(&a.answer);
        storable_opt("an evidence", evidence)?;
        t.flush()?;
        let (person, list) = rows::subject_columns(a.subject);
        t.upsert(
            RecordKind::PledgeAnswer,
            a.id.get(),
            &PLEDGE_ANSWER_UPSERT,
            &[
                &a.id.get(),
                &a.pledge.get(),
                &person,
                &list,
                &answer,
                &evidence,
                &a.date,
                &a.recorded_by.get(),
                &a.recorded_at,
            ],
        )
    }

    fn delete_pledge_answer(&mut self, id: PledgeAnswerId) -> Result<()> {
        let t = self.inner.get_mut();
        let deleted = t.exec(
            "cannot delete a pledge answer",
            "DELETE FROM pledge_answers WHERE id = $1",
            &[&id.get()],
        )?;
        if deleted == 0 {
            return Err(Error::not_found(RecordKind::PledgeAnswer, id));
        }
        Ok(())
    }

    fn put_marathon(&mut self, m: &Marathon) -> Result<()> {
        let t = self.inner.get_mut();
        storable("a marathon name", m.name.as_str())?;
        let goal = rows::to_json("a marathon's goal", &m.goal)?;
        t.upsert(
            RecordKind::Marathon,
            m.id.get(),
            &MARATHON_UPSERT,
            &[
                &m.id.get(),
                &m.name.as_str(),
                &m.number.map(i64::from),
                &m.starts_at,
                &m.ends_at,
                &goal,
                &m.created_by.get(),
            ],
        )
    }

    fn put_template(&mut self, tpl: &Template) -> Result<()> {
        let t = self.inner.get_mut();
        storable("a template name", tpl.name.as_str())?;
        storable("a template subject", &tpl.subject)?;
        storable("a template body", &tpl.body)?;
        t.upsert(
            RecordKind::Template,
            tpl.id.get(),
            &TEMPLATE_UPSERT,
            &[
                &tpl.id.get(),
                &tpl.owner.get(),
                &tpl.name.as_str(),
                &tpl.subject,
                &tpl.body,
            ],
        )
    }

    fn put_proposal(&mut self, p: &Proposal) -> Result<()> {
        let t = self.inner.get_mut();
        storable_opt("a source", p.source.as_deref())?;
        let change = rows::to_json("a proposed change", &p.change)?;
        t.upsert(
            RecordKind::Proposal,
            p.id.get(),
            &PROPOSAL_UPSERT,
            &[
                &p.id.get(),
                &p.author.get(),
                &p.created_at,
                &p.source,
                &change,
                &p.status.name(),
                &p.decided_by.map(ParticipantId::get),
                &p.decided_at,
            ],
        )
    }

    fn put_reservation(&mut self, r: &Reservation) -> Result<()> {
        let t = self.inner.get_mut();
        t.flush()?;
        t.upsert(
            RecordKind::Reservation,
            r.id.get(),
            &RESERVATION_UPSERT,
            &[
                &r.id.get(),
                &r.candidacy.get(),
                &r.participant.get(),
                &r.queue.name(),
                &r.taken_at,
                &r.until,
                &r.marathon.map(MarathonId::get),
                &r.released_at,
            ],
        )
    }

    fn append_audit(&mut self, a: &AuditRecord) -> Result<()> {
        let t = self.inner.get_mut();
        storable_opt("a source", a.source.as_deref())?;
        let before = a
            .before
            .as_ref()
            .map(|v| rows::to_json("an audit entry", v))
            .transpose()?;
        let after = a
            .after
            .as_ref()
            .map(|v| rows::to_json("an audit entry", v))
            .transpose()?;
        t.check()?;
        t.claim(RecordKind::Audit, a.id.get())?;
        let sql = format!(
            "INSERT INTO audit ({}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
            rows::AUDIT
        );
        t.exec(
            "cannot append to the audit history",
            &sql,
            &[
                &a.id.get(),
                &a.actor.map(ParticipantId::get),
                &a.at,
                &a.source,
                &a.kind.name(),
                &a.record,
                &a.action.name(),
                &before,
                &after,
                &a.person.map(PersonId::get),
                &a.reverts.map(AuditId::get),
            ],
        )
        .map(drop)
    }

    fn scrub_audit(&mut self, person: PersonId) -> Result<u64> {
        let t = self.inner.get_mut();
        let scrubbed = t.exec(
            "cannot erase from the audit history",
            "UPDATE audit SET before = NULL, after = NULL, source = NULL WHERE person = $1",
            &[&person.get()],
        )?;
        if scrubbed > 0 {
            t.erased = true;
        }
        Ok(scrubbed)
    }

    fn lock(&mut self, key: LockKey) -> Result<()> {
        let t = self.inner.get_mut();
        t.exec(
            "cannot take an advisory lock",
            "SELECT pg_advisory_xact_lock($1, $2)",
            &[&LOCK_SPACE, &schema::lock_code(key)],
        )?;
        if key == LockKey::Import && t.bulk.is_none() {
            t.bulk = Some(Bulk::default());
        }
        Ok(())
    }
}
