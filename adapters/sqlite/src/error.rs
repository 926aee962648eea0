//! Mapping SQLite's errors into the library's, and waiting for locks.

use std::fmt;
use std::thread;
use std::time::{Duration, Instant};

use rusqlite::{ffi, Connection, Transaction, TransactionBehavior};
use tracing::trace;

use candidats_core::{Error, Result};

/// How long a writer waits, in all, for another process to release the
/// write lock before giving up.
pub(crate) const WRITE_PATIENCE: Duration = Duration::from_secs(300);

/// A backend error: what the store was doing, and SQLite's error as cause.
pub(crate) fn sql(action: &str, error: rusqlite::Error) -> Error {
    Error::backend(format!("SQLite store: cannot {action}"), error)
}

/// A value read back from the file that the library cannot understand.
pub(crate) fn corrupt(what: impl fmt::Display, detail: impl Into<String>) -> Error {
    Error::backend(
        format!("SQLite store: unreadable {what}"),
        Corrupt(detail.into()),
    )
}

#[derive(Debug)]
struct Corrupt(String);

impl fmt::Display for Corrupt {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for Corrupt {}

/// Which constraint a statement broke, when it broke one.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Broken {
    /// A unique key or the primary key.
    Unique,
    /// A foreign key: a reference to a missing record.
    ForeignKey,
    /// A CHECK or NOT NULL constraint.
    Check,
}

/// The constraint an error reports, if any.
pub(crate) fn broken(error: &rusqlite::Error) -> Option<Broken> {
    match error.sqlite_extended_error_code()? {
        ffi::SQLITE_CONSTRAINT_UNIQUE | ffi::SQLITE_CONSTRAINT_PRIMARYKEY => Some(Broken::Unique),
        ffi::SQLITE_CONSTRAINT_FOREIGNKEY => Some(Broken::ForeignKey),
        ffi::SQLITE_CONSTRAINT_CHECK | ffi::SQLITE_CONSTRAINT_NOTNULL => Some(Broken::Check),
        _ => None,
    }
}

/// Whether an error says the database is locked by another connection.
pub(crate) fn is_busy(error: &rusqlite::Error) -> bool {
    matches!(
        error.sqlite_error_code(),
        Some(rusqlite::ErrorCode::DatabaseBusy | rusqlite::ErrorCode::DatabaseLocked)
    )
}

/// Opens a transaction. An immediate one takes the write lock at once,
/// waiting up to [`WRITE_PATIENCE`] while another process holds it.
pub(crate) fn begin(conn: &Connection, behavior: TransactionBehavior) -> Result<Transaction<'_>> {
    patiently("open a transaction", || {
        Transaction::new_unchecked(conn, behavior)
    })
}

/// Runs `f`, and again while it fails because another connection holds a
/// lock: the connection's busy timeout waits first, then retries with a
/// growing pause, up to [`WRITE_PATIENCE`] in all. Some lock conflicts
/// (changing the journal mode, upgrading a read lock) fail at once
/// without waiting.
pub(crate) fn patiently<T>(action: &str, mut f: impl FnMut() -> rusqlite::Result<T>) -> Result<T> {
    let started = Instant::now();
    let mut pause = Duration::from_millis(2);
    let mut attempts = 0u32;

    loop {
        attempts += 1;
        match f() {
            Ok(value) => return Ok(value),
            Err(error) if is_busy(&error) && started.elapsed() < WRITE_PATIENCE => {
                trace!(attempts, "database locked by another connection; waiting");
                thread::sleep(pause);
                pause = (pause * 2).min(Duration::from_millis(250));
            }
            Err(error) if is_busy(&error) => {
                return Err(Error::backend(
                    format!(
                        "SQLite store: cannot {action}: another process kept the database \
                         locked for {} s ({attempts} attempts)",
                        started.elapsed().as_secs()
                    ),
                    error,
                ))
            }
            Err(error) => return Err(sql(action, error)),
        }
    }
}
