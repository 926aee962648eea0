//! Files written by earlier versions of the library open, upgrade and keep
//! their data; files from a newer version, or not made by the library, are
//! refused.

use std::path::Path;

use candidats_core::*;
use candidats_sqlite::{SqliteStore, SCHEMA_VERSION};
use rusqlite::Connection;

/// The first released schema, frozen.
const SCHEMA_V1: &str = include_str!("fixtures/schema-v1.sql");

/// A campaign file as version 1 of the library wrote it: one election, a
/// regional list with one candidate, a volunteer who found her e-mail and
/// contacted her, and the audit entry of that e-mail.
fn write_v1_file(path: &Path) {
    let conn = Connection::open(path).expect("create the file");
    conn.execute_batch("PRAGMA synchronous = OFF")
        .expect("a test file needs no durability");
    conn.execute_batch(SCHEMA_V1).expect("schema v1");
    conn.execute_batch(
        "INSERT INTO election VALUES (1, 'regionales', 'Régionales 2015', 2, '2015-12-06', '2015-12-13');
         INSERT INTO constituency VALUES (2, 1, NULL, 'region', '84', 'Auvergne-Rhône-Alpes');
         INSERT INTO constituency VALUES (3, 1, 2, 'departement', '01', 'Ain');
         INSERT INTO list VALUES (4, 1, 1, 2, 1, 'L1', 'Liste 1', 'LDVG', NULL);
         INSERT INTO section VALUES (5, 4, 3, '01', 0);
         INSERT INTO person VALUES (6, 'D''ALMEIDA', 'Marie', 'F', '1970-03-01', NULL);
         INSERT INTO candidacy VALUES (7, 6, 1, 1, 3, 'list', 4, 5, 1, NULL, NULL, NULL, 3,
             'LDVG', NULL, NULL, 0, 0, 0, 'Enseignante');
         INSERT INTO participant VALUES (8, 'Alice', 'alice@example.org', 1,
             '2015-11-10T09:00:00.000000000Z');
         INSERT INTO contact_detail VALUES (9, 6, NULL, 'email', 'marie@example.org', NULL,
             'https://example.org/equipe', 8, '2015-11-10T09:05:00.000000000Z', 'confirmed',
             'public', NULL);
         INSERT INTO contact_action VALUES (10, 8, 7, NULL, 'email',
             '2015-11-10T09:10:00.000000000Z', 'sent', NULL, NULL, NULL);
         INSERT INTO audit VALUES (11, 8, '2015-11-10T09:05:00.000000000Z', 'https://example.org/equipe',
             'contact_detail', 9, 'create', NULL, '{\"value\":\"marie@example.org\"}', 6, NULL);
         INSERT INTO sequence VALUES ('audit', 12);
         PRAGMA user_version = 1;",
    )
    .expect("data of version 1");
}

fn user_version(path: &Path) -> i64 {
    Connection::open(path)
        .and_then(|conn| conn.pragma_query_value(None, "user_version", |row| row.get(0)))
        .expect("read the schema version")
}

#[test]
fn a_version_1_file_opens_upgrades_and_keeps_its_data() {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let path = dir.path().join("v1.db");
    write_v1_file(&path);

    let store = SqliteStore::open(&path).expect("the file opens");

    assert_eq!(user_version(&path), SCHEMA_VERSION);
    let (election, candidacy, details, actions, audit) = store
        .read_with(|r| {
            Ok((
                r.election_named("Régionales 2015")?,
                r.candidacy(CandidacyId::new(7))?,
                r.contact_details(Some(Owner::Person(PersonId::new(6))))?,
                r.contact_actions(&ActionFilter::default())?,
                r.audit(&AuditFilter::default())?,
            ))
        })
        .expect("the data reads back");
    let election = election.expect("the election");
    assert_eq!(election.rounds().len(), 2);
    assert_eq!(candidacy.seat.order(), Some(1));
    assert_eq!(candidacy.profession.as_deref(), Some("Enseignante"));
    assert!(candidacy.roles.contains(Role::HeadOfList));
    assert_eq!(details.len(), 1);
    assert_eq!(details[0].point.value(), "marie@example.org");
    assert_eq!(actions.len(), 1);
    assert_eq!(actions[0].target, ActionTarget::Candidacy(candidacy.id));
    assert_eq!(audit.len(), 1);

    let campaign = Campaign::new(store);
    let report = campaign.report(&Scope::default()).expect("a report");
    assert_eq!((report.candidacies, report.contacted), (1, 1));
    let next = campaign
        .store()
        .write_with(|w| {
            Ok((
                w.allocate(RecordKind::Person)?,
                w.allocate(RecordKind::Audit)?,
            ))
        })
        .expect("identifiers");
    assert_eq!(
        next,
        (7, 12),
        "new identifiers follow the stored ones and the stored sequence"
    );
}

#[test]
fn a_file_from_a_newer_version_is_refused_naming_both_versions() {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let path = dir.path().join("future.db");
    write_v1_file(&path);
    let future = SCHEMA_VERSION + 7;
    Connection::open(&path)
        .and_then(|conn| conn.pragma_update(None, "user_version", future))
        .expect("set a future version");

    let error = SqliteStore::open(&path).expect_err("a newer file is refused");

    let message = error.to_string();
    assert!(matches!(error, Error::Unsupported { .. }), "{error:?}");
    assert!(
        message.contains(&format!("schema version {future}")),
        "{message}"
    );
    assert!(
        message.contains(&format!("up to {SCHEMA_VERSION}")),
        "{message}"
    );
    assert_eq!(user_version(&path), future, "the file is left as it was");
}

#[test]
fn a_database_of_another_program_is_left_alone() {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let path = dir.path().join("other.db");
    Connection::open(&path)
        .and_then(|conn| conn.execute_batch("CREATE TABLE recipes (name TEXT)"))
        .expect("another program's database");

    let error = SqliteStore::open(&path).expect_err("refused");

    assert!(matches!(error, Error::InvalidInput { .. }), "{error:?}");
    assert!(error.to_string().contains("did not create"), "{error}");
    assert_eq!(user_version(&path), 0);
}

#[test]
fn a_new_file_gets_the_latest_schema() {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let path = dir.path().join("new.db");

    SqliteStore::open(&path).expect("created");

    assert_eq!(user_version(&path), SCHEMA_VERSION);
    let mode: String = Connection::open(&path)
        .and_then(|conn| conn.pragma_query_value(None, "journal_mode", |row| row.get(0)))
        .expect("journal mode");
    assert_eq!(mode, "wal");
}

#[test]
fn a_file_that_is_not_a_database_is_refused() {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let path = dir.path().join("notes.db");
    std::fs::write(&path, "these are notes, not a database\n".repeat(200)).expect("a file");

    let error = SqliteStore::open(&path).expect_err("refused");

    assert!(matches!(error, Error::Backend { .. }), "{error:?}");
}

#[test]
fn stores_opening_a_new_file_at_once_all_succeed() {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let path = dir.path().join("shared.db");

    let openers: Vec<_> = (0..4)
        .map(|_| {
            let path = path.clone();
            std::thread::spawn(move || SqliteStore::open(&path).map(drop))
        })
        .collect();

    for opener in openers {
        let opened = opener.join().expect("an opener thread");
        assert!(opened.is_ok(), "{opened:?}");
    }
    assert_eq!(user_version(&path), SCHEMA_VERSION);
}
