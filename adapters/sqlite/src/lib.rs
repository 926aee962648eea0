//! `candidats-sqlite`: the SQLite store of the `candidats` library, its
//! embedded default. A whole campaign lives in one file (or in memory for
//! tests), which several processes may open at once.
//!
//! ```
//! use candidats_core::*;
//! use candidats_sqlite::SqliteStore;
//!
//! let campaign = Campaign::new(SqliteStore::memory()?).with_policy(GrantPolicy::Automatic);
//! let alice = campaign.register("Alice", None)?;
//! let row = ImportRow {
//!     location: Location::file("legislatives.csv").line(2),
//!     area: vec![
//!         AreaSpec { kind: ConstituencyKind::Departement, code: "01".into(), name: "Ain".into() },
//!         AreaSpec { kind: ConstituencyKind::Circonscription, code: "0101".into(), name: "1re".into() },
//!     ],
//!     candidate: CandidateSpec {
//!         surname: "D'ALMEIDA".into(),
//!         first_name: Some("Marie".into()),
//!         sex: Some(Sex::Female),
//!         birth_date: None,
//!         profession: None,
//!         nationality: None,
//!         outgoing: false,
//!     },
//!     seat: SeatSpec::Single { panel: 1, nuance: None, substitute: None },
//!     raw: Vec::new(),
//! };
//! let options = ImportOptions::new("Législatives 2024", ElectionKind::Legislatives);
//! campaign.import(&mut vec![Ok(row)].into_iter(), &options, &mut |_, _| Ok(()))?;
//!
//! let queue = campaign.queue(QueueKind::ToCollect, &Scope::default(), 10)?;
//! campaign.record_action(alice.id, NewContactAction::new(queue[0].id, Channel::Email, Outcome::Sent))?;
//! let report = campaign.report(&Scope::default())?;
//! assert_eq!((report.candidacies, report.contacted), (1, 1));
//! # Ok::<(), candidats_core::Error>(())
//! ```
//!
//! # The file
//!
//! The file is an ordinary SQLite database: `sqlite3 campaign.db` opens it,
//! and `.schema` shows every table with a comment on each column. There is
//! one table per kind of record, named after it (`election`,
//! `constituency`, `list`, `section`, `person`, `candidacy`, `participant`,
//! `responsibility`, `contact_detail`, `contact_action`, `pledge`,
//! `pledge_answer`, `marathon`, `template`, `proposal`, `audit`,
//! `reservation`), plus `sequence`, which hands out identifiers.
//!
//! - Identifiers are integer primary keys, never reused, even after a
//!   deletion.
//! - Instants are UTC texts such as `2015-11-10T09:00:00.000000000Z`, which
//!   sort as text; days are `YYYY-MM-DD`; flags are 0 or 1; enumerated
//!   values (kinds, statuses, outcomes, channels) are lower-case words.
//! - A reference to "a person or a list" is two columns, `person` and
//!   `list`, exactly one of them set, each a foreign key; responsibilities
//!   have `candidacy`, `list` and `constituency` the same way.
//! - A candidacy's roles are bits: 1 head of list, 2 head of section, 4
//!   member, 8 single seat, 16 pair member, 32 substitute.
//! - A marathon's goal and a proposal's change are JSON, as are the
//!   `before` and `after` of audit entries.
//! - Each candidacy row also keeps where its campaign stands: `actions`
//!   (how many contact actions it has), `last_contact`, `usable_detail`
//!   (its person has a contact detail neither bounced nor obsolete) and
//!   `answer` (its person's latest pledge answer). Triggers on
//!   `contact_action`, `contact_detail` and `pledge_answer` keep them up
//!   to date, whoever writes; the library sets them when it inserts a
//!   candidacy. Reports read them instead of the actions, and each work
//!   queue is read in order from its own partial index
//!   (`candidacy_to_collect`, `candidacy_to_contact`,
//!   `candidacy_to_follow_up`).
//! - Foreign keys are enforced; unique keys are: an election's name; a
//!   constituency's election, kind and code; a section's list and code; a
//!   candidacy's seat (section and order; or election, round,
//!   constituency, panel and pair index; or the candidacy it substitutes).
//!
//! `PRAGMA user_version` holds the schema version ([`SCHEMA_VERSION`]).
//! Opening a file written by an older version of this library upgrades it,
//! one numbered migration per transaction; a file written by a newer
//! version is refused, naming both versions.
//!
//! # Concurrency
//!
//! The file is in WAL mode: readers see a consistent snapshot and never
//! wait for writers. Each write is one transaction opened with
//! `BEGIN IMMEDIATE`, so writers, in this process or another, take turns;
//! a writer waits for another process's write to finish (up to five
//! minutes in all) instead of failing with "database is locked". The write
//! closure runs exactly once.
//!
//! # Erasure
//!
//! Deleted and overwritten content is zeroed (`secure_delete`), and after a
//! write that erased a person's data the write-ahead log is checkpointed
//! and truncated, so that no copy of the erased values stays in the
//! database file or its journal.
//!
//! # Limitations
//!
//! - The constituency tree is walked at most 64 levels deep, as the
//!   library's reference queries do; official trees have three or four.
//! - Another process holding a read transaction open for more than about
//!   half a minute when a person is erased keeps the old pages in the
//!   write-ahead log until the next write after it finishes.
//! - A read in an in-memory store waits for a running write: an in-memory
//!   database has a single connection.
//! - A report over a period (`from`, `until`) or about one pledge cannot
//!   use the state each candidacy keeps, which covers all time and every
//!   pledge: it counts the actions and answers themselves, one candidacy
//!   with activity at a time, which takes seconds on a national municipal
//!   election.
//! - A work queue over a narrow scope (a list, a commune) is read from the
//!   queue's index, in queue order, skipping the candidacies of other
//!   scopes: the narrower the scope, the more it skips.
//!
//! # Imports
//!
//! An import is one transaction. Records new in it are written with plain
//! `INSERT`s, the statements are prepared once, and the sections read at
//! every line are kept for the transaction; a candidacy of a person new in
//! the transaction is inserted without reading their contact details and
//! answers. The cost left is SQLite's own work on the tables and their
//! indexes (two rows, four index entries and five foreign-key checks per
//! candidate). The benchmarks of the facade's `bench` example measure it
//! on a national file, next to the `sqlite3` shell's `.import`:
//! `cargo run --release --example bench -- --only import`.
#![deny(missing_docs)]

mod codec;
mod error;
mod queries;
mod schema;
mod session;

use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Mutex, MutexGuard, PoisonError};
use std::thread;
use std::time::Duration;

use rusqlite::config::DbConfig;
use rusqlite::{Connection, TransactionBehavior};
use tracing::debug;

use candidats_core::{CampaignRead, CampaignWrite, Error, Result, Store};

use crate::error::{begin, is_busy, patiently, sql};
use crate::session::Session;

/// The schema version this library writes, kept in the file's
/// `PRAGMA user_version`.
pub const SCHEMA_VERSION: i64 = schema::LATEST;

/// How long a statement waits for a lock held by another connection before
/// the store retries (writes) or gives up (reads).
const BUSY_TIMEOUT: Duration = Duration::from_secs(5);

/// How long a reader waits for a lock, which only a checkpoint takes.
const READER_BUSY_TIMEOUT: Duration = Duration::from_secs(30);

/// Idle reader connections kept open.
const IDLE_READERS: usize = 4;

/// Prepared statements kept per connection.
const STATEMENT_CACHE: usize = 128;

/// A campaign store in a SQLite database file, or in memory.
///
/// The store is shared between threads (`Arc<SqliteStore>`); several
/// processes may open the same file. See the [crate documentation](crate)
/// for the file's layout.
///
/// ```
/// use candidats_core::{Campaign, Scope};
/// use candidats_sqlite::SqliteStore;
///
/// let dir = tempfile::tempdir().map_err(|e| candidats_core::Error::io("create", "a folder", e))?;
/// let path = dir.path().join("campaign.db");
/// let campaign = Campaign::new(SqliteStore::open(&path)?);
/// campaign.register("Alice", None)?;
///
/// let again = Campaign::new(SqliteStore::open(&path)?);
/// let participants = again.report(&Scope::default())?;
/// assert_eq!(participants.candidacies, 0);
/// # Ok::<(), candidats_core::Error>(())
/// ```
pub struct SqliteStore {
    path: Option<PathBuf>,
    writer: Mutex<Connection>,
    readers: Mutex<Vec<Connection>>,
    clear_journal: AtomicBool,
}

impl SqliteStore {
    /// Opens the campaign file at `path`, creating it when missing and
    /// upgrading its schema when an older version of the library wrote it.
    ///
    /// # Errors
    ///
    /// [`Error::Backend`] when the file cannot be opened or created, or is
    /// not a SQLite database; when the file, or its folder (where SQLite
    /// keeps its journal), is read-only, the message says so.
    /// [`Error::Unsupported`] when a newer version of the library wrote it;
    /// [`Error::InvalidInput`] when it is a SQLite database that this
    /// library did not create.
    pub fn open(path: impl AsRef<Path>) -> Result<SqliteStore> {
        let path = path.as_ref().to_path_buf();
        SqliteStore::open_writer(&path).map_err(|error| match read_only(&path) {
            Some(reason) => Error::backend(
                format!("SQLite store: cannot open `{}`: {reason}", path.display()),
                error,
            ),
            None => error,
        })
    }

    fn open_writer(path: &Path) -> Result<SqliteStore> {
        let path = path.to_path_buf();
        let describe = format!("`{}`", path.display());
        let conn = Connection::open(&path)
            .map_err(|e| Error::backend(format!("SQLite store: cannot open {describe}"), e))?;
        configure(&conn, Role::Writer)
            .map_err(|e| Error::backend(format!("SQLite store: cannot open {describe}"), e))?;
        let mode: String = patiently(&format!("set the journal mode of {describe}"), || {
            conn.pragma_update_and_check(None, "journal_mode", "wal", |row| row.get(0))
        })?;
        if !mode.eq_ignore_ascii_case("wal") {
            debug!(%mode, "the file system refused WAL mode; readers will wait for writers");
        }

        schema::migrate(&conn, &describe)?;
        debug!(path = %path.display(), "SQLite store opened");
        Ok(SqliteStore {
            path: Some(path),
            writer: Mutex::new(conn),
            readers: Mutex::new(Vec::new()),
            clear_journal: AtomicBool::new(false),
        })
    }

    /// A store in memory, lost when it is dropped: for tests and
    /// experiments.
    ///
    /// # Errors
    ///
    /// [`Error::Backend`] when SQLite cannot create the database.
    pub fn memory() -> Result<SqliteStore> {
        let conn = Connection::open_in_memory()
            .map_err(|e| Error::backend("SQLite store: cannot open a memory database", e))?;
        configure(&conn, Role::Writer)
            .map_err(|e| Error::backend("SQLite store: cannot open a memory database", e))?;

        schema::migrate(&conn, "the memory database")?;
        Ok(SqliteStore {
            path: None,
            writer: Mutex::new(conn),
            readers: Mutex::new(Vec::new()),
            clear_journal: AtomicBool::new(false),
        })
    }

    /// The file's path; `None` for a store in memory.
    pub fn path(&self) -> Option<&Path> {
        self.path.as_deref()
    }

    fn writer(&self) -> MutexGuard<'_, Connection> {
        self.writer.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// An idle reader connection, or a new one.
    fn take_reader(&self, path: &Path) -> Result<Connection> {
        let idle = self
            .readers
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .pop();
        if let Some(conn) = idle {
            return Ok(conn);
        }
        let conn = Connection::open(path)
            .map_err(|e| sql(&format!("open `{}` for reading", path.display()), e))?;
        configure(&conn, Role::Reader)
            .map_err(|e| sql(&format!("open `{}` for reading", path.display()), e))?;
        Ok(conn)
    }

    fn give_back(&self, conn: Connection) {
        let mut idle = self.readers.lock().unwrap_or_else(PoisonError::into_inner);
        if idle.len() < IDLE_READERS {
            idle.push(conn);
        }
    }

    /// Checkpoints the write-ahead log into the file and truncates it, so
    /// that no old page (holding erased data) stays in it. A reader of
    /// another process still using the log delays this to a later write.
    fn clear_journal(&self, conn: &Connection) {
        if self.path.is_none() {
            return;
        }
        for attempt in 1..=6 {
            let result: rusqlite::Result<i64> =
                conn.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |row| row.get(0));
            match result {
                Ok(0) => {
                    self.clear_journal.store(false, Ordering::Relaxed);
                    debug!("write-ahead log checkpointed and truncated");
                    return;
                }
                Ok(_) => debug!(attempt, "write-ahead log still in use by a reader"),
                Err(error) if is_busy(&error) => {
                    debug!(attempt, "write-ahead log locked by another connection")
                }
                Err(error) => {
                    debug!(%error, "cannot checkpoint the write-ahead log");
                    break;
                }
            }
            thread::sleep(Duration::from_millis(50 * attempt));
        }
        self.clear_journal.store(true, Ordering::Relaxed);
    }
}

/// Why a store's file cannot be written, when it is read-only or in a
/// read-only folder; `None` when it can, or does not exist.
fn read_only(path: &Path) -> Option<String> {
    let refused = |error: &std::io::Error| {
        matches!(
            error.kind(),
            std::io::ErrorKind::PermissionDenied | std::io::ErrorKind::ReadOnlyFilesystem
        )
    };
    match std::fs::OpenOptions::new().append(true).open(path) {
        Err(error) if refused(&error) => return Some(format!("the file is read-only ({error})")),
        Err(_) => return None,
        Ok(_) => {}
    }
    // SQLite creates its journal beside the file: try a file of another
    // name there, never the journal itself, which another process may be
    // creating at this moment.
    let mut probe = path.as_os_str().to_owned();
    probe.push(format!("-probe-{}", std::process::id()));
    let probe = PathBuf::from(probe);
    match std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&probe)
    {
        Ok(_) => {
            let _ = std::fs::remove_file(&probe);
            None
        }
        Err(error) if refused(&error) => Some(format!(
            "its folder is read-only, and SQLite must create its journal there ({error})"
        )),
        Err(_) => None,
    }
}

fn run_read(conn: &Connection, f: &mut dyn FnMut(&dyn CampaignRead) -> Result<()>) -> Result<()> {
    let tx = begin(conn, TransactionBehavior::Deferred)?;
    let session = Session::new(&tx);

    let outcome = f(&session);
    drop(session);

    let ended = tx.rollback().map_err(|e| sql("end a read", e));
    outcome.and(ended)
}

impl Store for SqliteStore {
    fn read(&self, f: &mut dyn FnMut(&dyn CampaignRead) -> Result<()>) -> Result<()> {
        match &self.path {
            None => run_read(&self.writer(), f),
            Some(path) => {
                let conn = self.take_reader(path)?;
                let outcome = run_read(&conn, f);
                self.give_back(conn);
                outcome
            }
        }
    }

    fn write(&self, f: &mut dyn FnMut(&mut dyn CampaignWrite) -> Result<()>) -> Result<()> {
        let conn = self.writer();
        let tx = begin(&conn, TransactionBehavior::Immediate)?;
        let mut session = Session::new(&tx);

        let outcome = f(&mut session).and_then(|()| session.save_sequences());
        let scrubbed = session.scrubbed;
        drop(session);

        match outcome {
            Ok(()) => tx.commit().map_err(|e| sql("commit a write", e))?,
            Err(error) => {
                if let Err(rollback) = tx.rollback() {
                    debug!(%rollback, "cannot roll back a failed write");
                }
                return Err(error);
            }
        }
        if scrubbed || self.clear_journal.load(Ordering::Relaxed) {
            self.clear_journal(&conn);
        }
        Ok(())
    }

    fn describe(&self) -> String {
        match &self.path {
            Some(path) => format!("sqlite:{}", path.display()),
            None => "sqlite::memory:".into(),
        }
    }
}

impl fmt::Debug for SqliteStore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SqliteStore")
            .field("path", &self.path)
            .finish_non_exhaustive()
    }
}

/// What a connection is for.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Role {
    Writer,
    Reader,
}

/// The settings of every connection.
fn configure(conn: &Connection, role: Role) -> rusqlite::Result<()> {
    conn.set_prepared_statement_cache_capacity(STATEMENT_CACHE);
    // Plans that do not depend on bound values: otherwise SQLite prepares
    // again, at every call, the statements whose plan it would weigh
    // against the values (an index lookup ordered by identifier).
    conn.set_db_config(DbConfig::SQLITE_DBCONFIG_ENABLE_QPSG, true)?;
    match role {
        Role::Writer => {
            conn.busy_timeout(BUSY_TIMEOUT)?;
            conn.execute_batch(
                "PRAGMA foreign_keys = ON;
                 PRAGMA synchronous = NORMAL;
                 PRAGMA secure_delete = ON;
                 PRAGMA temp_store = MEMORY;
                 PRAGMA cache_size = -32768;
                 PRAGMA journal_size_limit = 67108864;",
            )
        }
        // Readers map the file into memory (up to 1 GiB): a report reads
        // every candidacy, which would otherwise be copied page by page.
        Role::Reader => {
            conn.busy_timeout(READER_BUSY_TIMEOUT)?;
            conn.execute_batch(
                "PRAGMA foreign_keys = ON;
                 PRAGMA secure_delete = ON;
                 PRAGMA temp_store = MEMORY;
                 PRAGMA cache_size = -16384;
                 PRAGMA mmap_size = 1073741824;
                 PRAGMA query_only = ON;",
            )
        }
    }
}
