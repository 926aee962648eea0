//! [`CsvStore`]: a campaign kept in a folder of CSV files.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard};
use std::time::Instant;

use candidats_core::{
    CampaignRead, CampaignWrite, Error, Location, MemoryState, MemoryStore, RecordKind, Result,
    Store,
};

use crate::disk::{CommitError, Disk};
use crate::files::encode_kind;
use crate::lock::Lock;
use crate::manifest;
use crate::records::FILES;

/// A campaign kept in a folder of CSV files, one per kind of record.
///
/// Every record is loaded in memory when the store opens; reads are
/// answered from memory, and each write rewrites the files of the kinds it
/// changed, atomically and durably. See the [crate documentation](crate)
/// for the folder's layout, the format of the files, how a write survives
/// a crash, and the limits.
///
/// ```
/// use candidats_core::{Campaign, StoreExt};
/// use candidats_csv::CsvStore;
///
/// let dir = tempfile::tempdir()?;
/// let campaign = Campaign::new(CsvStore::open(dir.path())?);
/// let alice = campaign.register("Alice", None)?;
/// drop(campaign);
///
/// let store = CsvStore::open(dir.path())?;
/// let names = store.read_with(|r| Ok(r.participants()?.len()))?;
/// assert_eq!(names, 1);
/// assert!(std::fs::read_to_string(dir.path().join("participants.csv"))?.contains("Alice"));
/// # let _ = alice;
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub struct CsvStore {
    dir: PathBuf,
    memory: MemoryStore,
    disk: Mutex<DiskState>,
    previous_holder: Option<u32>,
    recovered: bool,
    // Declared last, so that it is released after everything else.
    _lock: Lock,
}

/// What the store knows of its folder.
#[derive(Debug)]
struct DiskState {
    disk: Disk,
    /// The next identifiers written in the manifest.
    next: BTreeMap<RecordKind, i64>,
    /// A committed write whose files are not all in place yet.
    unfinished: bool,
    /// Why the store refuses to write, after a write whose outcome on disk
    /// is unknown.
    broken: Option<String>,
}

impl CsvStore {
    /// Opens the store in `dir`, creating the folder and an empty store
    /// when they do not exist.
    ///
    /// Opening takes the folder's lock, finishes or cancels a write that a
    /// crash interrupted, then reads and checks every file.
    ///
    /// # Errors
    ///
    /// - [`Error::Conflict`] when the store is already open, in this
    ///   process or another; the message names the holder's process
    ///   identifier and since when it holds the folder.
    /// - [`Error::InvalidInput`], with the file, line and column, for a
    ///   file that does not read: a missing or unknown column, a field that
    ///   is not of its column's type (a bad date, an unknown role), an
    ///   identifier used twice, a record naming one that does not exist, a
    ///   unique key taken twice, text that is not UTF-8; also for a folder
    ///   holding store files but no `manifest.json`.
    /// - [`Error::Unsupported`] for a folder written in a newer format
    ///   version.
    /// - [`Error::Io`] when the folder or a file cannot be created, read or
    ///   written.
    pub fn open(dir: impl AsRef<Path>) -> Result<CsvStore> {
        CsvStore::open_with(dir.as_ref(), None)
    }

    /// Opens the store as [`CsvStore::open`], with every file operation
    /// after the first `steps` failing, as if the process died there.
    #[doc(hidden)]
    pub fn open_failing_after(dir: impl AsRef<Path>, steps: u64) -> Result<CsvStore> {
        CsvStore::open_with(dir.as_ref(), Some(steps))
    }

    fn open_with(dir: &Path, fail_after: Option<u64>) -> Result<CsvStore> {
        let started = Instant::now();
        std::fs::create_dir_all(dir).map_err(|e| Error::io("create", dir.display(), e))?;
        let lock = Lock::acquire(dir)?;
        let mut disk = Disk::new(dir.to_path_buf());
        disk.fail_after(fail_after);

        let recovered = disk.recover()?;
        let manifest_path = dir.join(manifest::FILE);
        let (state, next) = if manifest_path.exists() {
            load(dir, &manifest_path)?
        } else {
            create(dir, &mut disk)?
        };

        tracing::debug!(
            dir = %dir.display(),
            recovered,
            elapsed_ms = started.elapsed().as_millis() as u64,
            "opened CSV store"
        );
        Ok(CsvStore {
            dir: dir.to_path_buf(),
            memory: MemoryStore::from_state(state),
            disk: Mutex::new(DiskState {
                disk,
                next,
                unfinished: false,
                broken: None,
            }),
            previous_holder: lock.stale.as_ref().and_then(|holder| holder.pid),
            recovered,
            _lock: lock,
        })
    }

    /// The store's folder.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The process that held the folder's lock last and ended without
    /// closing the store (it crashed or was killed), when there was one:
    /// its lock was taken over on opening.
    pub fn previous_holder(&self) -> Option<u32> {
        self.previous_holder
    }

    /// Whether opening found a write interrupted by a crash, and finished
    /// it (it was committed) or cancelled it (it was not).
    pub fn recovered(&self) -> bool {
        self.recovered
    }

    /// Lets the next `steps` file operations succeed and fails every later
    /// one, as if the process died there; `None` lifts the failure. For
    /// crash tests.
    #[doc(hidden)]
    pub fn fail_after(&self, steps: Option<u64>) {
        self.disk_state().disk.fail_after(steps);
    }

    /// File operations counted since the last [`CsvStore::fail_after`].
    #[doc(hidden)]
    pub fn file_operations(&self) -> u64 {
        self.disk_state().disk.steps()
    }

    fn disk_state(&self) -> MutexGuard<'_, DiskState> {
        match self.disk.lock() {
            Ok(guard) => guard,
            Err(poisoned) => poisoned.into_inner(),
        }
    }

    fn usable(&self) -> Result<()> {
        match &self.disk_state().broken {
            Some(reason) => Err(Error::backend(
                format!(
                    "the CSV store in {} refuses to write: {reason}; reopen it",
                    self.dir.display()
                ),
                std::io::Error::other("store closed for writing"),
            )),
            None => Ok(()),
        }
    }

    /// Writes the files of the kinds a write changed, and the manifest.
    fn persist(&self, state: &MemoryState, changed: &BTreeSet<RecordKind>) -> Result<()> {
        let started = Instant::now();
        let mut guard = self.disk_state();
        let disk = &mut *guard;
        if disk.unfinished {
            disk.disk.recover()?;
            disk.unfinished = false;
        }

        let mut next = disk.next.clone();
        let mut files = Vec::with_capacity(changed.len() + 1);
        for (kind, text, max) in encode_changed(state, changed)? {
            let entry = next.entry(kind).or_insert(1);
            *entry = (*entry).max(max + 1);
            files.push((crate::records::file_of(kind), text));
        }
        files.push((manifest::FILE, manifest::write(&next)?));

        match disk.disk.commit(&files) {
            Ok(()) => {}
            Err(CommitError::Aborted(error)) => return Err(error),
            Err(CommitError::Uncertain(error)) => {
                disk.broken = Some(format!(
                    "a write could not be made durable, and may or may not be kept ({error})"
                ));
                return Err(error);
            }
            Err(CommitError::Unfinished(error)) => {
                tracing::debug!(%error, "write committed; its files will be put in place later");
                disk.unfinished = true;
            }
        }
        disk.next = next;

        tracing::debug!(
            kinds = ?changed.iter().map(|k| k.name()).collect::<Vec<_>>(),
            elapsed_ms = started.elapsed().as_millis() as u64,
            "wrote CSV files"
        );
        Ok(())
    }
}

/// The files of the kinds a write changed, with the highest identifier of
/// each. The audit history, usually the largest, is written on a second
/// thread when other kinds changed too.
fn encode_changed(
    state: &MemoryState,
    changed: &BTreeSet<RecordKind>,
) -> Result<Vec<(RecordKind, String, i64)>> {
    std::thread::scope(|scope| {
        let audit = (changed.contains(&RecordKind::Audit) && changed.len() > 1)
            .then(|| scope.spawn(|| encode_kind(RecordKind::Audit, state)));

        let mut files = Vec::with_capacity(changed.len());
        for kind in changed {
            if *kind != RecordKind::Audit || audit.is_none() {
                let (text, max) = encode_kind(*kind, state)?;
                files.push((*kind, text, max));
            }
        }
        if let Some(audit) = audit {
            let (text, max) = audit.join().map_err(|_| {
                Error::backend(
                    "cannot write the audit history",
                    std::io::Error::other("its writer stopped"),
                )
            })??;
            files.push((RecordKind::Audit, text, max));
        }
        Ok(files)
    })
}

/// Loads a folder that has a manifest.
fn load(dir: &Path, manifest_path: &Path) -> Result<(MemoryState, BTreeMap<RecordKind, i64>)> {
    let text =
        std::fs::read(manifest_path).map_err(|e| Error::io("read", manifest_path.display(), e))?;
    let text = crate::files::utf8(manifest::FILE, text)?;
    let mut next = manifest::read(&text)?;

    let (mut state, max_ids) = crate::files::load(dir)?;

    for (kind, max) in &max_ids {
        let entry = next.entry(*kind).or_insert(1);
        *entry = (*entry).max(max + 1);
        let skip = *entry - (max + 1);
        for _ in 0..skip {
            state.allocate(*kind)?;
        }
    }
    Ok((state, next))
}

/// Creates an empty store in a folder without a manifest, unless the folder
/// already holds store files.
fn create(dir: &Path, disk: &mut Disk) -> Result<(MemoryState, BTreeMap<RecordKind, i64>)> {
    if let Some((_, file)) = FILES.iter().find(|(_, file)| dir.join(file).exists()) {
        return Err(Error::invalid_at(
            Location::file(manifest::FILE),
            format!(
                "the folder {} holds {file} but no {}: it is not a complete CSV store; \
                 restore the manifest, or move the CSV files away to start a new store",
                dir.display(),
                manifest::FILE
            ),
        ));
    }

    let state = MemoryState::default();
    let next = BTreeMap::new();
    let mut files = Vec::with_capacity(FILES.len() + 1);
    for (kind, file) in FILES {
        files.push((*file, encode_kind(*kind, &state)?.0));
    }
    files.push((manifest::FILE, manifest::write(&next)?));
    disk.commit(&files).map_err(|error| match error {
        CommitError::Aborted(e) | CommitError::Uncertain(e) | CommitError::Unfinished(e) => e,
    })?;
    tracing::debug!(dir = %dir.display(), "created an empty CSV store");
    Ok((state, next))
}

impl Store for CsvStore {
    fn read(&self, f: &mut dyn FnMut(&dyn CampaignRead) -> Result<()>) -> Result<()> {
        self.memory.read(f)
    }

    fn write(&self, f: &mut dyn FnMut(&mut dyn CampaignWrite) -> Result<()>) -> Result<()> {
        self.usable()?;
        self.memory
            .write_and_persist(f, &mut |state, changed| self.persist(state, changed))
    }

    fn describe(&self) -> String {
        format!("csv:{}", self.dir.display())
    }
}

impl fmt::Debug for CsvStore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CsvStore")
            .field("dir", &self.dir)
            .finish_non_exhaustive()
    }
}
