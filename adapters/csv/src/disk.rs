//! Durable, all-or-nothing replacement of several files of the folder.
//!
//! A write puts the new files in `.staging/`, syncs them, then renames the
//! folder to `.committed/`: that one rename is the commit point. It then
//! moves each file over the old one and removes the empty folder. Opening
//! the store finishes a `.committed/` left by a crash and deletes a
//! `.staging/` (see the crate documentation).
//!
//! A file to be replaced that may not be written (made read-only) stops the
//! write before anything is prepared.
//!
//! Every operation that changes the disk goes through [`Disk::step`], which
//! counts them and can be told to fail from the N-th on, to test what a
//! crash at each point leaves behind.

use std::fs::{self, File};
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use candidats_core::{Error, Result};

/// The folder a write prepares its files in.
pub(crate) const STAGING: &str = ".staging";
/// The folder of a committed write whose files are being moved in place.
pub(crate) const COMMITTED: &str = ".committed";

/// How a commit failed, which decides what the store may still believe.
#[derive(Debug)]
pub(crate) enum CommitError {
    /// Before the commit point: the folder still holds the old state.
    Aborted(Error),
    /// At the commit point: the folder could not be synced after the
    /// rename, so whether the new state survives a crash is unknown.
    Uncertain(Error),
    /// After the commit point: the new state is durable, but its files are
    /// not all in place yet; [`Disk::recover`] finishes the work.
    Unfinished(Error),
}

/// The store's folder, and the count of changes made to it.
#[derive(Debug)]
pub(crate) struct Disk {
    dir: PathBuf,
    steps: u64,
    fail_after: Option<u64>,
}

impl Disk {
    pub fn new(dir: PathBuf) -> Disk {
        Disk {
            dir,
            steps: 0,
            fail_after: None,
        }
    }

    /// From now on, let `steps` operations succeed and fail every later
    /// one, as if the process had died there; `None` for no failure.
    pub fn fail_after(&mut self, steps: Option<u64>) {
        self.steps = 0;
        self.fail_after = steps;
    }

    /// Operations counted since the last [`Disk::fail_after`].
    pub fn steps(&self) -> u64 {
        self.steps
    }

    fn step(&mut self, action: &'static str, path: &Path) -> Result<()> {
        self.steps += 1;
        match self.fail_after {
            Some(limit) if self.steps > limit => Err(Error::io(
                action,
                path.display(),
                io::Error::other("failure injected for a test"),
            )),
            _ => Ok(()),
        }
    }

    fn write_file(&mut self, path: &Path, contents: &str) -> Result<()> {
        self.step("write", path)?;
        let mut file = File::create(path).map_err(|e| Error::io("create", path.display(), e))?;
        file.write_all(contents.as_bytes())
            .map_err(|e| Error::io("write", path.display(), e))?;

        self.step("sync", path)?;
        file.sync_all()
            .map_err(|e| Error::io("sync", path.display(), e))
    }

    fn rename(&mut self, from: &Path, to: &Path) -> Result<()> {
        self.step("rename", from)?;
        fs::rename(from, to).map_err(|e| {
            Error::io(
                "rename",
                format!("{} to {}", from.display(), to.display()),
                e,
            )
        })
    }

    fn create_dir(&mut self, path: &Path) -> Result<()> {
        self.step("create", path)?;
        fs::create_dir(path).map_err(|e| Error::io("create", path.display(), e))
    }

    fn remove_dir(&mut self, path: &Path) -> Result<()> {
        self.step("remove", path)?;
        fs::remove_dir(path).map_err(|e| Error::io("remove", path.display(), e))
    }

    fn remove_dir_all(&mut self, path: &Path) -> Result<()> {
        self.step("remove", path)?;
        fs::remove_dir_all(path).map_err(|e| Error::io("remove", path.display(), e))
    }

    /// Makes the entries of a folder (files created, renamed, removed)
    /// durable.
    fn sync_dir(&mut self, path: &Path) -> Result<()> {
        self.step("sync", path)?;
        sync_dir(path)
    }

    /// Replaces the files named in `files` with their new contents, all or
    /// nothing.
    pub fn commit(&mut self, files: &[(&str, String)]) -> Result<(), CommitError> {
        let staging = self.dir.join(STAGING);
        let committed = self.dir.join(COMMITTED);

        self.prepare(&staging, files).map_err(|error| {
            let _ = fs::remove_dir_all(&staging);
            CommitError::Aborted(error)
        })?;

        self.rename(&staging, &committed)
            .map_err(CommitError::Aborted)?;
        let dir = self.dir.clone();
        self.sync_dir(&dir).map_err(CommitError::Uncertain)?;

        self.apply(
            &committed,
            files.iter().map(|(name, _)| (*name).to_string()),
        )
        .map_err(CommitError::Unfinished)
    }

    fn prepare(&mut self, staging: &Path, files: &[(&str, String)]) -> Result<()> {
        for (name, _) in files {
            writable(&self.dir.join(name))?;
        }
        if staging.exists() {
            self.remove_dir_all(staging)?;
        }
        self.create_dir(staging)?;
        for (name, contents) in files {
            self.write_file(&staging.join(name), contents)?;
        }
        self.sync_dir(staging)
    }

    /// Moves the files of a committed write in place, then removes its
    /// folder.
    fn apply(&mut self, committed: &Path, names: impl Iterator<Item = String>) -> Result<()> {
        for name in names {
            let from = committed.join(&name);
            let to = self.dir.join(&name);
            if from.exists() {
                self.rename(&from, &to)?;
            }
        }
        let dir = self.dir.clone();
        self.sync_dir(&dir)?;
        self.remove_dir(committed)?;
        self.sync_dir(&dir)
    }

    /// Finishes a committed write and deletes an uncommitted one, left by a
    /// crash or a failed write. Returns whether there was anything to do.
    pub fn recover(&mut self) -> Result<bool> {
        let committed = self.dir.join(COMMITTED);
        let staging = self.dir.join(STAGING);
        let mut work = false;

        if committed.is_dir() {
            let mut names = Vec::new();
            let entries =
                fs::read_dir(&committed).map_err(|e| Error::io("read", committed.display(), e))?;
            for entry in entries {
                let entry = entry.map_err(|e| Error::io("read", committed.display(), e))?;
                if entry.path().is_file() {
                    names.push(entry.file_name().to_string_lossy().into_owned());
                }
            }
            names.sort();
            tracing::debug!(files = names.len(), "finishing a committed write");
            self.apply(&committed, names.into_iter())?;
            work = true;
        }

        if staging.exists() {
            tracing::debug!("deleting an uncommitted write");
            self.remove_dir_all(&staging)?;
            let dir = self.dir.clone();
            self.sync_dir(&dir)?;
            work = true;
        }
        Ok(work)
    }
}

/// Fails when `path` exists and may not be written: a file made read-only
/// must stop the write before its commit point, and not when its new
/// version is moved over it, after the commit point.
fn writable(path: &Path) -> Result<()> {
    match fs::OpenOptions::new().append(true).open(path) {
        Ok(_) => Ok(()),
        Err(error) if error.kind() == io::ErrorKind::NotFound => Ok(()),
        Err(error) => Err(Error::io("write", path.display(), error)),
    }
}

#[cfg(unix)]
fn sync_dir(path: &Path) -> Result<()> {
    File::open(path)
        .and_then(|dir| dir.sync_all())
        .map_err(|e| Error::io("sync", path.display(), e))
}

/// The standard library offers no way to sync a folder's entries on
/// Windows: there a rename becomes durable when the file system flushes its
/// journal, so a power cut right after a write may lose that write (the
/// journal keeps the renames in order, so it cannot mix two states).
#[cfg(not(unix))]
fn sync_dir(_path: &Path) -> Result<()> {
    Ok(())
}
