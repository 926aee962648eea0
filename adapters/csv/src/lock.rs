//! `candidats.lock`: one writer per folder.
//!
//! The lock is the operating system's advisory lock on the file (`flock`
//! on Unix, `LockFileEx` on Windows), held as long as the store is open and
//! released by the system when the process ends, however it ends. The
//! file's text names the holder (process identifier and since when) for
//! the message a second opener gets. A lock file that names a process but
//! whose lock is free was left by a process that died: it is taken over.
//! The file is emptied, never deleted, when the store closes, so that two
//! openers never lock two different files of the same name.

use std::fs::{File, OpenOptions};
use std::io::{Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

use candidats_core::{Error, Result};
use chrono::{SecondsFormat, Utc};
use fs4::TryLockError;

/// The lock file's name.
pub(crate) const FILE: &str = "candidats.lock";

/// Who holds, or held, a folder's lock, as its lock file says.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct Holder {
    pub pid: Option<u32>,
    pub since: Option<String>,
}

impl Holder {
    fn parse(text: &str) -> Holder {
        let mut holder = Holder::default();
        for line in text.lines() {
            if let Some(pid) = line.strip_prefix("pid=") {
                holder.pid = pid.trim().parse().ok();
            } else if let Some(since) = line.strip_prefix("since=") {
                holder.since = Some(since.trim().to_string());
            }
        }
        holder
    }
}

/// The lock of a folder, held until dropped.
#[derive(Debug)]
pub(crate) struct Lock {
    file: File,
    path: PathBuf,
    /// The holder before this one, when it died holding the lock.
    pub stale: Option<Holder>,
}

impl Lock {
    /// Takes the lock of `dir`.
    ///
    /// # Errors
    ///
    /// [`Error::Conflict`] naming the holder when another store (in this
    /// process or another) has the folder open; [`Error::Io`] when the lock
    /// file cannot be opened, locked or written.
    pub fn acquire(dir: &Path) -> Result<Lock> {
        let path = dir.join(FILE);
        let mut file = OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .open(&path)
            .map_err(|e| Error::io("open", path.display(), e))?;

        match fs4::FileExt::try_lock(&file) {
            Ok(()) => {}
            Err(TryLockError::WouldBlock) => {
                let holder = Holder::parse(&read(&mut file).unwrap_or_default());
                return Err(Error::conflict(busy_message(dir, &holder)));
            }
            Err(TryLockError::Error(e)) => return Err(Error::io("lock", path.display(), e)),
        }

        let previous =
            Holder::parse(&read(&mut file).map_err(|e| Error::io("read", path.display(), e))?);
        let stale = previous.pid.map(|_| previous);
        if let Some(stale) = &stale {
            tracing::debug!(
                pid = stale.pid,
                since = stale.since.as_deref(),
                "taking over the lock of a process that ended without closing the store"
            );
        }

        let text = format!(
            "pid={}\nsince={}\n",
            std::process::id(),
            Utc::now().to_rfc3339_opts(SecondsFormat::Secs, true)
        );
        file.set_len(0)
            .and_then(|()| file.seek(SeekFrom::Start(0)))
            .and_then(|_| file.write_all(text.as_bytes()))
            .and_then(|()| file.sync_all())
            .map_err(|e| Error::io("write", path.display(), e))?;
        Ok(Lock { file, path, stale })
    }
}

impl Drop for Lock {
    fn drop(&mut self) {
        if let Err(error) = self.file.set_len(0) {
            tracing::debug!(path = %self.path.display(), %error, "cannot empty the lock file");
        }
    }
}

fn read(file: &mut File) -> std::io::Result<String> {
    let mut text = String::new();
    file.seek(SeekFrom::Start(0))?;
    file.read_to_string(&mut text)?;
    Ok(text)
}

fn busy_message(dir: &Path, holder: &Holder) -> String {
    let who = match (holder.pid, &holder.since) {
        (Some(pid), Some(since)) => format!("process {pid} since {since}"),
        (Some(pid), None) => format!("process {pid}"),
        _ => "another process".to_string(),
    };
    format!(
        "the CSV store in {} is already open by {who} ({}); close it there before opening it again",
        dir.display(),
        dir.join(FILE).display()
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn holder_is_read_from_its_lines() {
        let holder = Holder::parse("pid=42\nsince=2026-01-01T00:00:00Z\n");

        assert_eq!(holder.pid, Some(42));
        assert_eq!(holder.since.as_deref(), Some("2026-01-01T00:00:00Z"));
        assert_eq!(Holder::parse(""), Holder::default());
    }
}
