//! The schema, its versions and the migrations between them.
//!
//! The version applied is kept in `candidats_schema`, one row per migration.
//! Migrations run in one transaction under an advisory lock, so that of two
//! servers starting at once on a new database, one migrates and the other
//! waits, then finds the schema up to date.

use candidats_core::{Error, LockKey, RecordKind, Result};
use postgres::Client;

use crate::error::while_;

/// The advisory lock namespace of the library: "Cand" in ASCII.
pub(crate) const LOCK_SPACE: i32 = 0x4361_6e64;

/// The advisory lock held while migrating.
const MIGRATION_LOCK: i32 = 100;

/// The migrations, in order; version `n` is the first `n` of them.
const MIGRATIONS: &[&str] = &[include_str!("migrations/0001_schema.sql")];

/// The schema version this build of the library writes and reads.
pub const SCHEMA_VERSION: u32 = MIGRATIONS.len() as u32;

/// The advisory lock of a [`LockKey`], in [`LOCK_SPACE`].
pub(crate) fn lock_code(key: LockKey) -> i32 {
    match key {
        LockKey::Responsibilities => 1,
        LockKey::Queues => 2,
        LockKey::Import => 3,
        _ => 9,
    }
}

/// The table holding records of `kind`.
pub(crate) const fn table(kind: RecordKind) -> &'static str {
    match kind {
        RecordKind::Election => "elections",
        RecordKind::Constituency => "constituencies",
        RecordKind::List => "lists",
        RecordKind::Section => "sections",
        RecordKind::Person => "persons",
        RecordKind::Candidacy => "candidacies",
        RecordKind::Participant => "participants",
        RecordKind::Responsibility => "responsibilities",
        RecordKind::ContactDetail => "contact_details",
        RecordKind::ContactAction => "contact_actions",
        RecordKind::Pledge => "pledges",
        RecordKind::PledgeAnswer => "pledge_answers",
        RecordKind::Marathon => "marathons",
        RecordKind::Template => "templates",
        RecordKind::Proposal => "proposals",
        RecordKind::Audit => "audit",
        RecordKind::Reservation => "reservations",
    }
}

/// The sequence handing out identifiers of `kind`: `person_ids`...
pub(crate) fn sequence(kind: RecordKind) -> String {
    format!("{}_ids", kind.name())
}

/// The version of the schema in the database: 0 for an empty database.
///
/// # Errors
///
/// A backend failure.
pub(crate) fn version(client: &mut Client) -> Result<u32> {
    let exists: bool = client
        .query_one("SELECT to_regclass('candidats_schema') IS NOT NULL", &[])
        .and_then(|row| row.try_get(0))
        .map_err(while_("cannot read the schema version"))?;
    if !exists {
        return Ok(0);
    }
    let version: i32 = client
        .query_one(
            "SELECT coalesce(max(version), 0) FROM candidats_schema",
            &[],
        )
        .and_then(|row| row.try_get(0))
        .map_err(while_("cannot read the schema version"))?;
    u32::try_from(version).map_err(|_| {
        Error::backend(
            "cannot read the schema version",
            format!("version {version}"),
        )
    })
}

/// Brings the schema up to [`SCHEMA_VERSION`]; returns how many migrations
/// were applied.
///
/// # Errors
///
/// [`Error::Unsupported`] when the database was migrated by a newer version
/// of the library; a backend failure (then nothing is applied).
pub(crate) fn migrate(client: &mut Client) -> Result<u32> {
    let mut tx = client
        .transaction()
        .map_err(while_("cannot start the migration"))?;
    tx.execute(
        "SELECT pg_advisory_xact_lock($1, $2)",
        &[&LOCK_SPACE, &MIGRATION_LOCK],
    )
    .map_err(while_("cannot lock the schema for migration"))?;
    tx.batch_execute(
        "CREATE TABLE IF NOT EXISTS candidats_schema (
             version integer PRIMARY KEY,
             applied_at timestamptz NOT NULL DEFAULT now()
         )",
    )
    .map_err(while_("cannot create the schema version table"))?;

    let current: i32 = tx
        .query_one(
            "SELECT coalesce(max(version), 0) FROM candidats_schema",
            &[],
        )
        .and_then(|row| row.try_get(0))
        .map_err(while_("cannot read the schema version"))?;
    let current = u32::try_from(current).unwrap_or(0);
    check_known(current)?;

    let mut applied = 0;
    for (index, migration) in MIGRATIONS.iter().enumerate().skip(current as usize) {
        let version = index as i32 + 1;
        tx.batch_execute(migration).map_err(|e| {
            crate::error::db(&format!("cannot apply schema migration {version}"), e)
        })?;
        tx.execute(
            "INSERT INTO candidats_schema (version) VALUES ($1)",
            &[&version],
        )
        .map_err(while_("cannot record the schema version"))?;
        tracing::debug!(version, "applied a schema migration");
        applied += 1;
    }
    tx.commit().map_err(while_("cannot commit the migration"))?;
    Ok(applied)
}

/// Fails when the database's schema is newer than this library knows.
pub(crate) fn check_known(version: u32) -> Result<()> {
    if version > SCHEMA_VERSION {
        return Err(Error::unsupported(format!(
            "the database has schema version {version}, newer than this library's \
             {SCHEMA_VERSION}: upgrade the library"
        )));
    }
    Ok(())
}
