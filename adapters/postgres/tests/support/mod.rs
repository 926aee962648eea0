//! What every test file of this crate shares: one throwaway PostgreSQL
//! server per test binary (see `server.rs`), and a fresh database per test.
#![allow(dead_code)]

use std::sync::Arc;

use candidats_core::{CampaignRead, CampaignWrite, Result, Store};
use candidats_postgres::PostgresStore;

include!("server.rs");

/// True, after printing "skipping: PostgreSQL not installed", when the
/// tests that need a server cannot run.
pub fn skip() -> bool {
    TestServer::shared().is_none()
}

/// A store on a new database with the schema in place. The database is
/// dropped with the store.
///
/// # Panics
///
/// When PostgreSQL is not installed (call [`skip`] first) or the database
/// cannot be created.
pub fn store() -> TestStore {
    let Some(server) = TestServer::shared() else {
        panic!("PostgreSQL is not installed: call support::skip() first");
    };
    let name = server.create_database("migrated");
    open(server, name)
}

/// A store on a new, empty database, migrated by opening it.
pub fn empty_database() -> (&'static TestServer, String) {
    let Some(server) = TestServer::shared() else {
        panic!("PostgreSQL is not installed: call support::skip() first");
    };
    let name = server.create_database("template0");
    (server, name)
}

fn open(server: &'static TestServer, name: String) -> TestStore {
    let options = candidats_postgres::PostgresOptions {
        pool_size: 8,
        ..Default::default()
    };
    match PostgresStore::open_with(&server.url(&name), &options) {
        Ok(store) => TestStore {
            store: Some(Arc::new(store)),
            server,
            name,
        },
        Err(error) => panic!("cannot open the test database {name}: {error}"),
    }
}

/// A [`PostgresStore`] on its own database, dropped with it.
#[derive(Debug)]
pub struct TestStore {
    store: Option<Arc<PostgresStore>>,
    server: &'static TestServer,
    name: String,
}

impl TestStore {
    /// The store itself.
    pub fn inner(&self) -> &PostgresStore {
        match &self.store {
            Some(store) => store,
            None => unreachable!("the store lives as long as its database"),
        }
    }

    /// The URL of the store's database.
    pub fn url(&self) -> String {
        self.server.url(&self.name)
    }

    /// Runs a query on the store's database, outside the store.
    pub fn sql(&self, sql: &str) -> Vec<postgres::Row> {
        let mut client = match postgres::Client::connect(&self.url(), postgres::NoTls) {
            Ok(client) => client,
            Err(error) => panic!("cannot connect to {}: {error}", self.name),
        };
        match client.query(sql, &[]) {
            Ok(rows) => rows,
            Err(error) => panic!("`{sql}` failed: {error}"),
        }
    }
}

impl Drop for TestStore {
    fn drop(&mut self) {
        drop(self.store.take());
        self.server.admin(&format!(
            "DROP DATABASE IF EXISTS {} WITH (FORCE)",
            self.name
        ));
    }
}

impl Store for TestStore {
    fn read(&self, f: &mut dyn FnMut(&dyn CampaignRead) -> Result<()>) -> Result<()> {
        self.inner().read(f)
    }

    fn write(&self, f: &mut dyn FnMut(&mut dyn CampaignWrite) -> Result<()>) -> Result<()> {
        self.inner().write(f)
    }

    fn describe(&self) -> String {
        self.inner().describe()
    }
}
