//! The PostgreSQL store of `candidats`: one database shared by many web
//! servers, for a national campaign that outgrows one machine.
//!
//! [`PostgresStore`] implements the storage traits of `candidats-core` on a
//! PostgreSQL database (version 11 or later), through a pool of
//! connections. Every server of the campaign opens the same URL; the first
//! to start creates the schema.
//!
//! ```
//! # include!(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/support/server.rs"));
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! # let Some(url) = fresh_database_url() else { return Ok(()) };
//! use candidats_core::{Campaign, QueueKind, Scope, TakeOptions};
//! use candidats_postgres::PostgresStore;
//!
//! // `url` is like "postgres://campaign@db.example.org/regionales".
//! let campaign = Campaign::new(PostgresStore::open(&url)?);
//! let alice = campaign.register("Alice", None)?;
//!
//! let next = campaign.take_next(
//!     alice.id,
//!     QueueKind::ToCollect,
//!     &Scope::default(),
//!     &TakeOptions::default(),
//! )?;
//! assert!(next.is_none(), "nothing imported yet");
//! assert_eq!(campaign.report(&Scope::default())?.candidacies, 0);
//! # Ok(())
//! # }
//! ```
//!
//! # When to choose PostgreSQL over SQLite
//!
//! SQLite (the default store) keeps a campaign in one file on one machine:
//! nothing to install or run, and it easily serves a regional campaign and
//! the few dozen volunteers of a contact marathon. Choose PostgreSQL when
//! the campaign needs more than one machine: several web servers behind a
//! load balancer writing at once (SQLite serialises every write on one
//! file), hundreds of volunteers taking from the queues at the same time,
//! the 900,000 candidacies of the municipales, or a database run and
//! backed up by an operator, with replicas and point-in-time recovery.
//!
//! # Moving a campaign from SQLite to PostgreSQL
//!
//! 1. Create an empty database: `createdb regionales`.
//! 2. Stop the servers writing to the SQLite file.
//! 3. Copy every record, keeping identifiers, with
//!    [`candidats_core::copy`] (or the facade's `copy_store` example:
//!    `cargo run --example copy_store --features postgres -- --from
//!    sqlite:campaign.db --to postgres://…/regionales`). The copy reads a
//!    snapshot of the source and writes the target in one transaction; it
//!    refuses a target that already holds records, and its summary counts
//!    the records of each kind, to compare with the source.
//! 4. Point the servers at the new URL.
//!
//! # How it works
//!
//! - [`Store::read`] runs on a `REPEATABLE READ READ ONLY` transaction: one
//!   consistent snapshot. [`Store::write`] runs its closure once, in one
//!   `READ COMMITTED` transaction; [`CampaignWrite::lock`] takes a
//!   transaction-level advisory lock, so that the campaign's
//!   check-then-write sequences (granting an exclusive responsibility,
//!   taking from a queue, importing) are serialised across connections and
//!   servers. In a write transaction, a queue query also locks the
//!   candidacies it hands out (`FOR NO KEY UPDATE SKIP LOCKED`).
//! - Identifiers come from one sequence per kind of record: no identifier
//!   of a record kept is ever handed out again. Those a failed write took
//!   (or a write fetched and did not use) go back to the sequence when no
//!   other transaction is taking identifiers, so that a campaign written by
//!   one writer at a time is numbered exactly as by the memory store; under
//!   concurrent writes they are skipped. A record written with an
//!   identifier of its own (a copy keeps the source's) moves the sequence
//!   past it.
//! - The report and queue queries run in SQL, with the indexes they need,
//!   and give exactly the answers of the plain versions in
//!   `candidats_core::naive`.
//! - Statements are prepared once per connection and kept.
//! - Unique keys taken fail with [`Error::Conflict`], references to missing
//!   records with [`Error::NotFound`] or [`Error::InvalidInput`].
//!
//! ## Bulk import through `COPY`
//!
//! `Campaign::import` takes the import lock ([`LockKey::Import`]) before
//! writing. From then on, and until the end of the transaction, the store
//! keeps the new persons and candidacies it is given in memory instead of
//! inserting them one by one; it answers the lookups the import makes
//! (`person`, `candidacy`, `candidacy_at`, `persons_named`) from that buffer
//! and the database together, and writes the buffer with one
//! `COPY ... FROM STDIN (FORMAT binary)` per table before any read or write
//! that needs those rows in the database, and at the latest at commit. All
//! of it happens in the import's one transaction. Identifiers for the new
//! records are fetched from their sequences in blocks. A constraint broken
//! by a buffered row (a seat taken twice, a missing reference) is reported
//! when the buffer is written, and the import fails as a whole.
//!
//! ## Schema versions
//!
//! The schema is versioned in the table `candidats_schema`, one row per
//! migration applied. [`PostgresStore::open`] migrates; with
//! [`PostgresOptions::migrate`] off it only checks the version, and
//! [`PostgresStore::migrate`] migrates on demand. Migrations run in one
//! transaction under an advisory lock: of two servers starting at once on
//! an empty database, one creates the schema, the other waits and finds it
//! done. A database migrated by a newer version of the library is refused.
//!
//! ## Erasure and what PostgreSQL keeps
//!
//! Erasing a person ([`Campaign::erase_person`](candidats_core::Campaign::erase_person))
//! deletes their contact details and scrubs the audit history
//! ([`CampaignWrite::scrub_audit`]). PostgreSQL never overwrites a row in
//! place: the old versions stay in the table's pages as dead tuples until
//! `VACUUM` removes them. After a write that scrubbed the history, the
//! store runs a plain `VACUUM` of the tables that held the data (audit,
//! contact details and actions, pledge answers, proposals), outside the
//! transaction; it does not block other servers. Plain `VACUUM` frees the
//! dead tuples but does not zero the bytes, which stay in the table files
//! until the space is reused; [`PostgresStore::vacuum`] with `full` set
//! rewrites the tables into new files (and locks them while it runs). Old
//! values also remain in the write-ahead log until its segments are
//! recycled, on streaming replicas' logs, and in base backups and WAL
//! archives taken before the erasure: an operator must purge those too.
//!
//! # Limitations
//!
//! - Timestamps are kept to the microsecond, as `timestamptz`; a finer
//!   instant given by a caller comes back truncated. The core's
//!   [`SystemClock`](candidats_core::SystemClock) reads the time to the
//!   microsecond, so what the campaign writes comes back equal.
//! - PostgreSQL refuses the NUL character in text: a record holding one is
//!   refused with [`Error::InvalidInput`].
//! - Once a statement fails inside a write (a conflict, a missing
//!   reference), PostgreSQL aborts the transaction: every further call of
//!   the closure fails, and the write returns an error and keeps nothing.
//!   The campaign's rules never go on after a failed write; an import that
//!   skips bad lines only skips what it checks itself before writing.
//! - The write closure runs once: a deadlock or a lost connection makes
//!   the write fail instead of retrying it.
//! - Taking from a queue and granting a responsibility each hold one
//!   advisory lock for the whole campaign while their transaction runs (a
//!   few milliseconds), not a lock per list or constituency: two volunteers
//!   taking at the same instant wait for each other even on unrelated
//!   queues. Contact actions, contact details and reports take no such lock.
//! - A bulk import keeps the persons and candidacies it creates in memory
//!   until it writes them with `COPY`, so its memory grows with the size of
//!   the file.
//! - With the `tls` feature, the server's certificate is checked against
//!   the platform's trusted authorities; `sslmode=require` in the URL
//!   insists on TLS, the default `prefer` falls back to plain text.
#![deny(missing_docs)]

mod error;
mod pool;
mod queries;
mod rows;
mod schema;
mod session;
mod sql;

use std::fmt;
use std::time::Duration;

#[cfg(doc)]
use candidats_core::LockKey;
use candidats_core::{CampaignRead, CampaignWrite, Error, RecordKind, Result, Store};
use postgres::config::Host;
use postgres::IsolationLevel;

use crate::error::while_;
use crate::pool::{Conn, Manager};
use crate::session::{GiveBack, Session, Shared};

pub use crate::schema::SCHEMA_VERSION;

/// How [`PostgresStore::open_with`] opens a store.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PostgresOptions {
    /// The most connections the store keeps open at once. Each running
    /// read or write holds one.
    pub pool_size: u32,
    /// How long a read or write waits for a free connection before failing.
    pub connection_timeout: Duration,
    /// Whether opening brings the schema up to date; when off, opening
    /// fails unless it already is.
    pub migrate: bool,
}

impl Default for PostgresOptions {
    fn default() -> PostgresOptions {
        PostgresOptions {
            pool_size: 16,
            connection_timeout: Duration::from_secs(30),
            migrate: true,
        }
    }
}

/// A campaign store in a PostgreSQL database. See the [crate
/// documentation](crate).
pub struct PostgresStore {
    pool: r2d2::Pool<Manager>,
    shared: Shared,
    description: String,
}

impl fmt::Debug for PostgresStore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PostgresStore")
            .field("database", &self.description)
            .finish_non_exhaustive()
    }
}

impl PostgresStore {
    /// Opens the database at `url` (`postgres://user:password@host/db`, or
    /// `postgresql://…`, with the usual parameters such as `sslmode`), and
    /// brings its schema up to date.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidInput`] for a URL PostgreSQL does not understand;
    /// [`Error::Backend`] when the server cannot be reached or refuses the
    /// login; [`Error::Unsupported`] when the database was migrated by a
    /// newer version of the library.
    pub fn open(url: &str) -> Result<PostgresStore> {
        PostgresStore::open_with(url, &PostgresOptions::default())
    }

    /// Opens the database at `url` with `options`.
    ///
    /// # Errors
    ///
    /// As [`PostgresStore::open`]; also [`Error::Unsupported`] when
    /// `options.migrate` is off and the schema is not up to date, and
    /// [`Error::InvalidInput`] for a pool size of 0.
    pub fn open_with(url: &str, options: &PostgresOptions) -> Result<PostgresStore> {
        if options.pool_size == 0 {
            return Err(Error::invalid("expected a pool of at least one connection"));
        }
        let config: postgres::Config = url
            .parse()
            .map_err(|e| Error::invalid(format!("expected a PostgreSQL URL: {e}")))?;
        let description = describe(&config);
        let manager = Manager {
            config,
            connector: pool::connector()?,
        };

        let mut first = manager
            .open()
            .map_err(|e| Error::backend(format!("cannot connect to {description}"), e))?;
        if options.migrate {
            schema::migrate(&mut first.client)?;
        } else {
            let version = schema::version(&mut first.client)?;
            schema::check_known(version)?;
            if version < SCHEMA_VERSION {
                return Err(Error::unsupported(format!(
                    "the database has schema version {version}, older than this library's \
                     {SCHEMA_VERSION}: migrate it first"
                )));
            }
        }
        drop(first);

        let pool = r2d2::Pool::builder()
            .max_size(options.pool_size)
            .min_idle(Some(0))
            .connection_timeout(options.connection_timeout)
            .build_unchecked(manager);
        tracing::debug!(database = %description, "opened a PostgreSQL store");
        Ok(PostgresStore {
            pool,
            shared: Shared::default(),
            description,
        })
    }

    /// Brings the schema up to [`SCHEMA_VERSION`]; returns how many
    /// migrations were applied (0 when it was up to date). Safe to run from
    /// several servers at once.
    ///
    /// # Errors
    ///
    /// [`Error::Unsupported`] when the database was migrated by a newer
    /// version of the library; a backend failure, then nothing is applied.
    pub fn migrate(&self) -> Result<u32> {
        let mut conn = self.connection()?;
        schema::migrate(&mut conn.client)
    }

    /// The schema version of the database.
    ///
    /// # Errors
    ///
    /// A backend failure.
    pub fn schema_version(&self) -> Result<u32> {
        let mut conn = self.connection()?;
        schema::version(&mut conn.client)
    }

    /// Runs `VACUUM` on the tables that hold personal data, so that rows
    /// deleted or scrubbed by an erasure leave no dead tuple behind. With
    /// `full`, rewrites them into new files (`VACUUM FULL`), which also drops
    /// the freed bytes, and locks each table while it runs.
    ///
    /// # Errors
    ///
    /// A backend failure, such as a user who does not own the tables.
    pub fn vacuum(&self, full: bool) -> Result<()> {
        let mut conn = self.connection()?;
        vacuum(&mut conn.client, full)
    }

    fn connection(&self) -> Result<r2d2::PooledConnection<Manager>> {
        self.pool.get().map_err(|e| {
            Error::backend(
                format!("cannot get a connection to {}", self.description),
                e,
            )
        })
    }
}

/// The tables that hold personal data, vacuumed after an erasure.
const PERSONAL_TABLES: &str = "audit, contact_details, contact_actions, pledge_answers, proposals";

fn vacuum(client: &mut postgres::Client, full: bool) -> Result<()> {
    let sql = if full {
        format!("VACUUM FULL {PERSONAL_TABLES}")
    } else {
        format!("VACUUM {PERSONAL_TABLES}")
    };
    client
        .batch_execute(&sql)
        .map_err(while_("cannot vacuum the tables holding personal data"))
}

/// `postgres://host:port/database`, without user or password.
fn describe(config: &postgres::Config) -> String {
    let host = match config.get_hosts().first() {
        Some(Host::Tcp(host)) => host.clone(),
        Some(Host::Unix(path)) => path.display().to_string(),
        None => "localhost".into(),
    };
    let port = config.get_ports().first().copied().unwrap_or(5432);
    let database = config
        .get_dbname()
        .or(config.get_user())
        .unwrap_or_default();
    format!("postgres://{host}:{port}/{database}")
}

impl Store for PostgresStore {
    fn read(&self, f: &mut dyn FnMut(&dyn CampaignRead) -> Result<()>) -> Result<()> {
        let mut conn = self.connection()?;
        let Conn { client, statements } = &mut *conn;
        let tx = client
            .build_transaction()
            .isolation_level(IsolationLevel::RepeatableRead)
            .read_only(true)
            .start()
            .map_err(while_("cannot start a read transaction"))?;

        let session = Session::new(tx, statements, &self.shared, false);
        let outcome = f(&session);
        let (ended, _) = session.finish(outcome.is_ok());
        outcome.and(ended)
    }

    fn write(&self, f: &mut dyn FnMut(&mut dyn CampaignWrite) -> Result<()>) -> Result<()> {
        let mut conn = self.connection()?;
        let Conn { client, statements } = &mut *conn;
        let tx = client
            .build_transaction()
            .isolation_level(IsolationLevel::ReadCommitted)
            .start()
            .map_err(while_("cannot start a write transaction"))?;

        let mut session = Session::new(tx, statements, &self.shared, true);
        let outcome = f(&mut session);
        let (committed, ended) = session.finish(outcome.is_ok());

        for (kind, spare) in &ended.give_back {
            match give_back(client, *kind, *spare) {
                Ok(true) => self.shared.lower(*kind, spare.back_to),
                Ok(false) => {}
                Err(error) => {
                    tracing::debug!(%error, kind = kind.name(), "giving identifiers back failed");
                }
            }
        }
        if ended.erased {
            if let Err(error) = vacuum(client, false) {
                tracing::debug!(%error, "vacuum after an erasure failed");
            }
        }
        outcome.and(committed)
    }

    fn describe(&self) -> String {
        self.description.clone()
    }
}

/// Gives identifiers a write took and did not keep back to their sequence,
/// when no other transaction may hold any.
fn give_back(client: &mut postgres::Client, kind: RecordKind, spare: GiveBack) -> Result<bool> {
    let sequence = schema::sequence(kind);
    let given = client
        .query_one(
            "SELECT candidats_give_back($1::text::regclass, $2, $3)",
            &[&sequence, &spare.expected, &spare.back_to],
        )
        .and_then(|row| row.try_get::<_, bool>(0))
        .map_err(while_("cannot give identifiers back"))?;
    if given {
        tracing::trace!(
            kind = kind.name(),
            back_to = spare.back_to,
            "gave identifiers back"
        );
    }
    Ok(given)
}
