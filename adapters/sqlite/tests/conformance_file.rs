//! The conformance suite on a SQLite store in a file, in a folder of its
//! own that is removed with the store.

use candidats_core::{CampaignRead, CampaignWrite, Result, Store};
use candidats_sqlite::SqliteStore;
use tempfile::TempDir;

/// A file store that owns its temporary folder.
#[derive(Debug)]
struct FileStore {
    store: SqliteStore,
    _dir: TempDir,
}

impl Store for FileStore {
    fn read(&self, f: &mut dyn FnMut(&dyn CampaignRead) -> Result<()>) -> Result<()> {
        self.store.read(f)
    }

    fn write(&self, f: &mut dyn FnMut(&mut dyn CampaignWrite) -> Result<()>) -> Result<()> {
        self.store.write(f)
    }

    fn describe(&self) -> String {
        self.store.describe()
    }
}

fn file_store() -> FileStore {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let store = SqliteStore::open(dir.path().join("campaign.db"))
        .unwrap_or_else(|error| panic!("cannot open a file store: {error}"));
    FileStore { store, _dir: dir }
}

candidats_core::conformance_tests!(file_store());
