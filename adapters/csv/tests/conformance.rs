//! The conformance suite, on a fresh store in a new temporary folder per
//! test.

use candidats_csv::CsvStore;

/// A store in a folder of its own, removed with the store.
#[derive(Debug)]
struct TempStore {
    store: CsvStore,
    _dir: tempfile::TempDir,
}

impl candidats_core::Store for TempStore {
    fn read(
        &self,
        f: &mut dyn FnMut(&dyn candidats_core::CampaignRead) -> candidats_core::Result<()>,
    ) -> candidats_core::Result<()> {
        self.store.read(f)
    }

    fn write(
        &self,
        f: &mut dyn FnMut(&mut dyn candidats_core::CampaignWrite) -> candidats_core::Result<()>,
    ) -> candidats_core::Result<()> {
        self.store.write(f)
    }

    fn describe(&self) -> String {
        self.store.describe()
    }
}

fn fresh() -> TempStore {
    let dir = tempfile::tempdir().expect("temporary folder");
    let store = CsvStore::open(dir.path().join("store")).expect("open a fresh CSV store");
    TempStore { store, _dir: dir }
}

candidats_core::conformance_tests!(fresh());
