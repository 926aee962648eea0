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
    /// Whether the script rebuilds a table, which it must do with foreign
    /// keys off (SQLite's documented way); they are checked before the
    /// migration is committed.
    pub(crate) rebuilds: bool,
}

/// Every migration, in order: the schema version of a file is how many of
/// them have run on it.
pub(crate) const MIGRATIONS: &[Migration] = &[
    Migration {
        name: "first schema",
        sql: include_str!("migrations/0001_first_schema.sql"),
        rebuilds: false,
    },
    Migration {
        name: "candidacy state for reports and queues",
        sql: include_str!("migrations/0002_candidacy_state.sql"),
        rebuilds: true,
    },
];

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
        if migration.rebuilds {
            set_foreign_keys(conn, false)?;
        }
        let outcome = run_migration(conn, describe, migration, target);
        if migration.rebuilds {
            set_foreign_keys(conn, true)?;
        }
        outcome?;
    }
    Ok(())
}

fn set_foreign_keys(conn: &Connection, on: bool) -> Result<()> {
    conn.pragma_update(None, "foreign_keys", on)
        .map_err(|e| sql("switch foreign keys for a migration", e))
}

/// Runs one migration in its own transaction, unless another process ran
/// it first.
fn run_migration(
    conn: &Connection,
    describe: &str,
    migration: &Migration,
    target: i64,
) -> Result<()> {
    let tx = begin(conn, TransactionBehavior::Immediate)?;
    // Another process may have run it while this one waited.
    let current = user_version(&tx)?;
    check_version(current, describe)?;
    if current >= target {
        return Ok(());
    }
    if current == 0 && has_foreign_tables(&tx)? {
        return Err(Error::invalid(format!(
            "{describe} is a SQLite database that candidats did not create (it has \
             tables but no candidats schema version); refusing to add tables to it"
        )));
    }

    tx.execute_batch(migration.sql)
        .map_err(|e| sql(&format!("upgrade the schema ({})", migration.name), e))?;
    if migration.rebuilds {
        let broken: bool = tx
            .query_row(
                "SELECT EXISTS (SELECT 1 FROM pragma_foreign_key_check)",
                [],
                |row| row.get(0),
            )
            .map_err(|e| sql("check foreign keys after a migration", e))?;
        if broken {
            return Err(Error::invalid(format!(
                "{describe} has records naming records that do not exist; the schema \
                 upgrade ({}) is not applied",
                migration.name
            )));
        }
    }
    tx.pragma_update(None, "user_version", target)
        .map_err(|e| sql("record the schema version", e))?;
    tx.commit()
        .map_err(|e| sql("commit the schema upgrade", e))?;
    debug!(version = target, "schema upgraded");
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

    #[test]
    fn the_candidacy_state_is_computed_for_existing_records() {
        let conn = Connection::open_in_memory().expect("a database");
        conn.execute_batch(MIGRATIONS[0].sql)
            .expect("schema version 1");
        conn.execute_batch(
            "INSERT INTO election VALUES (1, 'municipales', 'Municipales', 1, NULL, NULL);
             INSERT INTO constituency VALUES (2, 1, NULL, 'commune', '29019', 'Brest');
             INSERT INTO list VALUES (3, 1, 1, 2, 1, NULL, 'Liste', NULL, NULL);
             INSERT INTO section VALUES (4, 3, 2, '', 1);
             INSERT INTO person VALUES (5, 'LE GALL', 'Anne', 'F', NULL, NULL);
             INSERT INTO person VALUES (6, 'MAÎTRE', 'Jean', 'M', NULL, NULL);
             INSERT INTO candidacy VALUES (7, 5, 1, 1, 2, 'list', 3, 4, 1, NULL, NULL, NULL, 5,
                 NULL, NULL, NULL, 0, 0, 0, NULL);
             INSERT INTO candidacy VALUES (8, 6, 1, 1, 2, 'list', 3, 4, 2, NULL, NULL, NULL, 4,
                 NULL, NULL, NULL, 0, 0, 0, NULL);
             INSERT INTO participant VALUES (9, 'Alice', NULL, 1, '2026-01-01T00:00:00.000000000Z');
             INSERT INTO contact_detail VALUES (10, 5, NULL, 'email', 'anne@example.org', NULL,
                 'https://example.org', 9, '2026-01-01T00:00:00.000000000Z', 'confirmed',
                 'public', NULL);
             INSERT INTO contact_detail VALUES (11, 6, NULL, 'email', 'jean@example.org', NULL,
                 'https://example.org', 9, '2026-01-01T00:00:00.000000000Z', 'bounced',
                 'public', NULL);
             INSERT INTO contact_action VALUES (12, 9, 7, NULL, 'email',
                 '2026-01-02T00:00:00.000000000Z', 'sent', NULL, NULL, NULL);
             INSERT INTO contact_action VALUES (13, 9, 7, NULL, 'email',
                 '2026-01-05T00:00:00.000000000Z', 'sent', NULL, NULL, NULL);
             INSERT INTO pledge VALUES (14, 'Pacte', 1, 'Texte');
             INSERT INTO pledge_answer VALUES (15, 14, 5, NULL, 'declined', NULL, '2026-01-03',
                 9, '2026-01-03T00:00:00.000000000Z');
             INSERT INTO pledge_answer VALUES (16, 14, 5, NULL, 'signed', 'courriel', '2026-01-06',
                 9, '2026-01-06T00:00:00.000000000Z');
             PRAGMA user_version = 1;",
        )
        .expect("records of version 1");

        migrate(&conn, "a test database").expect("the upgrade");

        let state = |id: i64| -> (i64, Option<String>, bool, Option<String>) {
            conn.query_row(
                "SELECT actions, last_contact, usable_detail, answer FROM candidacy WHERE id = ?1",
                [id],
                |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?, row.get(3)?)),
            )
            .expect("a candidacy")
        };
        assert_eq!(
            state(7),
            (
                2,
                Some("2026-01-05T00:00:00.000000000Z".into()),
                true,
                Some("signed".into())
            )
        );
        assert_eq!(state(8), (0, None, false, None));
        let foreign_keys: bool = conn
            .query_row("PRAGMA foreign_keys", [], |row| row.get(0))
            .expect("the setting");
        assert!(foreign_keys, "foreign keys are on again after the upgrade");
    }
}
