//! `candidats`: run a campaign that contacts election candidates and asks
//! them to sign a pledge, the way April's Candidats.fr runs its *Pacte du
//! Logiciel Libre* at every French election.
//!
//! The library keeps the official candidate lists (elections, lists,
//! sections, candidacies and their roles), who volunteers and who is
//! responsible for which candidate, the contact details found and every
//! contact made, the pledge answers, and computes the campaign's progress
//! report and work queues for any scope.
//!
//! This crate is the one to depend on. It re-exports the domain and the
//! campaign rules of `candidats-core`, the official-file readers of
//! `candidats-import` as [`import`], and the stores, each behind a feature:
//! SQLite (`sqlite`, on by default), CSV files (`csv`), PostgreSQL
//! (`postgres`; `postgres-tls` adds TLS).
//!
//! ```
//! use candidats::{Campaign, Scope};
//!
//! let store = candidats::open("memory:")?;
//! let campaign = Campaign::new(store);
//! let report = campaign.report(&Scope::default())?;
//! assert_eq!(report.candidacies, 0);
//! # Ok::<(), candidats::Error>(())
//! ```
#![deny(missing_docs)]

use std::sync::Arc;

pub use candidats_core::*;
pub use candidats_import as import;

pub mod html;
pub mod popolo;

#[cfg(feature = "csv")]
pub use candidats_csv::CsvStore;
#[cfg(feature = "postgres")]
pub use candidats_postgres::PostgresStore;
#[cfg(feature = "sqlite")]
pub use candidats_sqlite::SqliteStore;

/// A store opened by [`open`]: shareable between threads.
pub type DynStore = Arc<dyn Store>;

/// Opens a store from a URL.
///
/// | URL | store |
/// |---|---|
/// | `sqlite:PATH`, or a bare `PATH` ending in `.db`, `.sqlite` or `.sqlite3` | SQLite file, created if missing (feature `sqlite`) |
/// | `sqlite::memory:` | SQLite in memory (feature `sqlite`) |
/// | `csv:DIR` | a folder of CSV files, created if missing (feature `csv`) |
/// | `postgres://…`, `postgresql://…` | PostgreSQL (feature `postgres`) |
/// | `memory:` | [`MemoryStore`], lost when the process ends |
///
/// # Errors
///
/// [`Error::Unsupported`] for an unknown scheme, or a store whose feature
/// this build lacks; the store's own error when it cannot be opened.
pub fn open(url: &str) -> Result<DynStore> {
    let url = url.trim();
    if url == "memory:" {
        return Ok(Arc::new(MemoryStore::new()));
    }
    if let Some(path) = url.strip_prefix("sqlite:") {
        return open_sqlite(path);
    }
    if let Some(dir) = url.strip_prefix("csv:") {
        return open_csv(dir);
    }
    if url.starts_with("postgres://") || url.starts_with("postgresql://") {
        return open_postgres(url);
    }
    let lower = url.to_lowercase();
    if [".db", ".sqlite", ".sqlite3"]
        .iter()
        .any(|ext| lower.ends_with(ext))
        && !url.contains("://")
    {
        return open_sqlite(url);
    }
    Err(Error::unsupported(format!(
        "unknown store `{url}`: expected sqlite:PATH, a path ending in .db or .sqlite, \
         csv:DIR, postgres://… or memory:"
    )))
}

#[cfg(feature = "sqlite")]
fn open_sqlite(path: &str) -> Result<DynStore> {
    if path.is_empty() {
        return Err(Error::invalid("expected a file after `sqlite:`"));
    }
    if path == ":memory:" {
        return Ok(Arc::new(SqliteStore::memory()?));
    }
    Ok(Arc::new(SqliteStore::open(path)?))
}

#[cfg(not(feature = "sqlite"))]
fn open_sqlite(_path: &str) -> Result<DynStore> {
    Err(Error::unsupported(
        "this build of candidats has no SQLite store: enable the `sqlite` feature",
    ))
}

#[cfg(feature = "csv")]
fn open_csv(dir: &str) -> Result<DynStore> {
    if dir.is_empty() {
        return Err(Error::invalid("expected a folder after `csv:`"));
    }
    Ok(Arc::new(CsvStore::open(dir)?))
}

#[cfg(not(feature = "csv"))]
fn open_csv(_dir: &str) -> Result<DynStore> {
    Err(Error::unsupported(
        "this build of candidats has no CSV store: enable the `csv` feature",
    ))
}

#[cfg(feature = "postgres")]
fn open_postgres(url: &str) -> Result<DynStore> {
    Ok(Arc::new(PostgresStore::open(url)?))
}

#[cfg(not(feature = "postgres"))]
fn open_postgres(_url: &str) -> Result<DynStore> {
    Err(Error::unsupported(
        "this build of candidats has no PostgreSQL store: enable the `postgres` feature",
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_schemes_are_refused_with_the_accepted_ones() {
        let error = open("mysql://localhost/campaign")
            .err()
            .map(|e| e.to_string());

        let message = error.unwrap_or_default();
        assert!(
            message.contains("unknown store `mysql://localhost/campaign`"),
            "{message}"
        );
        assert!(message.contains("csv:DIR"), "{message}");
    }

    #[test]
    fn memory_opens() {
        assert!(open("memory:").is_ok());
    }

    #[cfg(not(feature = "csv"))]
    #[test]
    fn a_backend_without_its_feature_says_so() {
        let message = open("csv:/tmp/x")
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default();
        assert!(message.contains("enable the `csv` feature"), "{message}");
    }
}
