//! Schema versions: servers starting at once on a new database migrate it
//! once; a database from a newer library is refused.

mod support;

use std::sync::{Arc, Barrier};
use std::thread;

use candidats_core::Error;
use candidats_postgres::{PostgresOptions, PostgresStore, SCHEMA_VERSION};

#[test]
fn servers_starting_at_once_migrate_once() {
    if support::skip() {
        return;
    }
    let (server, name) = support::empty_database();
    let url = server.url(&name);
    let barrier = Arc::new(Barrier::new(6));

    let handles: Vec<_> = (0..6)
        .map(|_| {
            let (url, barrier) = (url.clone(), Arc::clone(&barrier));
            thread::spawn(move || {
                barrier.wait();
                PostgresStore::open(&url).map(|store| store.schema_version())
            })
        })
        .collect();

    for handle in handles {
        let opened = handle.join().expect("an opening thread panicked");
        assert!(
            matches!(opened, Ok(Ok(version)) if version == SCHEMA_VERSION),
            "{opened:?}"
        );
    }
    let mut client = postgres::Client::connect(&url, postgres::NoTls).expect("connect");
    let rows = client
        .query("SELECT version FROM candidats_schema ORDER BY version", &[])
        .expect("versions");
    let versions: Vec<i32> = rows.iter().map(|row| row.get(0)).collect();
    assert_eq!(versions, (1..=SCHEMA_VERSION as i32).collect::<Vec<_>>());
    server.admin(&format!("DROP DATABASE {name} WITH (FORCE)"));
}

#[test]
fn migrating_can_be_left_to_an_explicit_call() {
    if support::skip() {
        return;
    }
    let (server, name) = support::empty_database();
    let url = server.url(&name);
    let manual = PostgresOptions {
        migrate: false,
        ..PostgresOptions::default()
    };

    let refused = PostgresStore::open_with(&url, &manual);
    assert!(
        matches!(&refused, Err(Error::Unsupported { message }) if message.contains("migrate")),
        "{refused:?}"
    );
    let store = PostgresStore::open(&url).expect("open and migrate");
    assert_eq!(store.migrate().expect("migrate again"), 0);
    drop(store);
    let store = PostgresStore::open_with(&url, &manual).expect("open a migrated database");
    assert_eq!(store.schema_version().expect("version"), SCHEMA_VERSION);
    drop(store);
    server.admin(&format!("DROP DATABASE {name} WITH (FORCE)"));
}

#[test]
fn a_newer_schema_is_refused() {
    if support::skip() {
        return;
    }
    let store = support::store();
    store.sql(&format!(
        "INSERT INTO candidats_schema (version) VALUES ({})",
        SCHEMA_VERSION + 1
    ));

    let opened = PostgresStore::open(&store.url());

    assert!(
        matches!(&opened, Err(Error::Unsupported { message }) if message.contains("newer")),
        "{opened:?}"
    );
}
