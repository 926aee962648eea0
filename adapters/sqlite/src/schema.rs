//! The schema and its migrations.
//!
//! Each migration is a SQL script run in its own transaction; the file's
//! `PRAGMA user_version` says how many have run. A released migration is
//! never edited: a change to the schema is a new migration at the end of
//! [`MIGRATIONS`].

use rusqlite::{Connection, TransactionBehavior};
use tracing::debug;

use candidats_core::{Error, Result};

use crate::error::{begin, sql};

/// A step of the schema.
pub(crate) struct Migration {
    /// What it does, for messages.
    pub(crate) name: &'static str,
    /// The script.
    pub(crate) sql: &'static str,
}

/// Every migration, in order: the schema version of a file is how many of
/// them have run on it.
pub(crate) const MIGRATIONS: &[Migration] = &[Migration {
    name: "first schema",
    sql: include_str!("migrations/0001_first_schema.sql"),
}];

/// The schema version this library writes.
pub(crate) const LATEST: i64 = MIGRATIONS.len() as i64;

/// Brings the file's schema up to [`LATEST`], one migration per
/// transaction; refuses a file written by a newer library, or a database
/// that was not made by this library.
pub(crate) fn migrate(conn: &Connection, describe: &str) -> Result<()> {
    let version = user_version(conn)?;
    check_version(version, describe)?;
    if version == LATEST {
        return Ok(());
    }

    for (index, migration) in MIGRATIONS.iter().enumerate() {
        let target = index as i64 + 1;
        let tx = begin(conn, TransactionBehavior::Immediate)?;
        // Another process may have run it while this one waited.
        let current = user_version(&tx)?;
        check_version(current, describe)?;
        if current >= target {
            continue;
        }
        if current == 0 && has_foreign_tables(&tx)? {
            return Err(Error::invalid(format!(
                "{describe} is a SQLite database that candidats did not create (it has \
                 tables but no candidats schema version); refusing to add tables to it"
            )));
        }
        tx.execute_batch(migration.sql)
            .map_err(|e| sql(&format!("upgrade the schema ({})", migration.name), e))?;
        tx.pragma_update(None, "user_version", target)
            .map_err(|e| sql("record the schema version", e))?;
        tx.commit()
            .map_err(|e| sql("commit the schema upgrade", e))?;
        debug!(version = target, "schema upgraded");
    }
    Ok(())
}

fn user_version(conn: &Connection) -> Result<i64> {
    conn.pragma_query_value(None, "user_version", |row| row.get(0))
        .map_err(|e| sql("read the schema version", e))
}

fn check_version(version: i64, describe: &str) -> Result<()> {
    if version > LATEST {
        return Err(Error::unsupported(format!(
            "{describe} has schema version {version}, written by a newer candidats; this \
             library reads schema versions up to {LATEST}: upgrade candidats to open it"
        )));
    }
    if version < 0 {
        return Err(Error::invalid(format!(
            "{describe} has schema version {version}, which candidats never writes"
        )));
    }
    Ok(())
}

fn has_foreign_tables(conn: &Connection) -> Result<bool> {
    conn.query_row(
        "SELECT EXISTS (SELECT 1 FROM sqlite_schema WHERE type = 'table')",
        [],
        |row| row.get(0),
    )
    .map_err(|e| sql("read the schema", e))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_first_migration_is_frozen() {
        let frozen = include_str!("../tests/fixtures/schema-v1.sql");

        assert_eq!(
            MIGRATIONS[0].sql, frozen,
            "migration 1 was released: change the schema with a new migration instead"
        );
    }
}
