//! The conformance suite on a SQLite store in memory.

use candidats_sqlite::SqliteStore;

fn memory_store() -> SqliteStore {
    match SqliteStore::memory() {
        Ok(store) => store,
        Err(error) => panic!("cannot open a memory store: {error}"),
    }
}

candidats_core::conformance_tests!(memory_store());
