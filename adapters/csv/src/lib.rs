//! A campaign store in a folder of plain CSV files, and CSV exports for
//! spreadsheets.
//!
//! [`CsvStore`] suits small campaigns that have no database and keep their
//! data in a spreadsheet or in git: each kind of record is one CSV file
//! that people can read, sort and diff. [`export`] writes the signatories,
//! the work queues and the progress report's tables for LibreOffice and
//! Excel, from any store.
//!
//! ```
//! use candidats_core::{Campaign, Scope};
//! use candidats_csv::CsvStore;
//!
//! let dir = tempfile::tempdir()?;
//! let campaign = Campaign::new(CsvStore::open(dir.path().join("campagne"))?);
//! campaign.register_moderator("Alice", None)?;
//! assert_eq!(campaign.report(&Scope::default())?.candidacies, 0);
//!
//! let participants = std::fs::read_to_string(dir.path().join("campagne/participants.csv"))?;
//! assert!(participants.starts_with("id,name,email,moderator,registered_at\n1,Alice,,true,"));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! # The folder
//!
//! | file | holds |
//! |---|---|
//! | `manifest.json` | the format (`candidats-csv`), its version ([`FORMAT_VERSION`]) and the next identifier of each kind |
//! | `elections.csv`, `constituencies.csv`, `lists.csv`, `sections.csv`, `persons.csv`, `candidacies.csv` | the official lists |
//! | `participants.csv`, `responsibilities.csv`, `reservations.csv` | the volunteers and what they hold |
//! | `contact_details.csv`, `contact_actions.csv`, `templates.csv`, `marathons.csv` | the contact work |
//! | `pledges.csv`, `pledge_answers.csv`, `proposals.csv`, `audit.csv` | answers, moderation, history |
//! | `candidats.lock` | who has the store open (see below) |
//!
//! Each CSV file is UTF-8 without a byte order mark, `,`-separated, one
//! header line naming the columns, then one line per record sorted by
//! identifier, so that a change shows as a small diff. Fields are quoted by
//! the rules of RFC 4180 (a field holding `,`, `"` or a line break is
//! written between quotes, its quotes doubled), and values are kept exactly
//! as given: separators, quotes, line breaks, a leading `=` or `+`, accents
//! and right-to-left marks all come back unchanged. These files are data:
//! nothing is neutralised for spreadsheets here (the [`export`]s do that).
//!
//! Simple fields are plain columns: identifiers and numbers in digits,
//! `true`/`false`, days as `2015-12-02`, instants in RFC 3339 UTC
//! (`2015-12-02T10:00:00Z`), enumerations by their stored name
//! (`head_of_list`, `email`, `granted`), a candidacy's roles separated by
//! spaces. A cell with nothing in it means "no value"; a cell holding `""`
//! is an empty text, so that an empty note and no note stay apart. Nested
//! values are compact JSON in one cell: a marathon's goal (a scope), a
//! proposal's change, an audit entry's `before` and `after`.
//!
//! Columns may be reordered by hand; a missing, unknown or repeated column
//! is an error. Edit the files only while no program has the store open:
//! the store rewrites a file from memory on its next change of that kind.
//! A folder kept in git should ignore `candidats.lock` and the transient
//! folders `.staging/` and `.committed/` described below.
//!
//! # Loading
//!
//! Opening reads every file and checks it before anything is used: each
//! field against its column's type, identifiers unique within a file, and
//! the references the store checks on a write (an action's candidacy and
//! participant, a candidacy's person, list and section...) against the
//! other files, as well as unique keys (an election's name, a
//! constituency's code, a seat). The first problem is returned with its
//! file, line and column ([`Error::InvalidInput`] and
//! [`Error::location`]); a store is loaded whole or not at all.
//!
//! # Writes: atomic and durable
//!
//! A write runs on a copy of the memory state; if it succeeds, the files of
//! the kinds it changed are written, with the manifest, as one atomic
//! change of the folder:
//!
//! 1. each new file is written in the folder `.staging/`, and synced
//!    (`fsync`); then `.staging/` itself is synced;
//! 2. `.staging/` is renamed to `.committed/`, and the store's folder is
//!    synced: this one rename is the commit point;
//! 3. each file of `.committed/` is renamed over the old file of the same
//!    name; the folder is synced, `.committed/` is removed, the folder is
//!    synced again.
//!
//! Opening the store first looks for leftovers: a `.committed/` is a write
//! that was committed but not fully put in place, and step 3 is run again
//! (renames are idempotent); a `.staging/` is a write that never reached
//! its commit point, and is deleted. A crash at any point therefore leaves
//! a folder that opens to either the state before the write or the state
//! after it, never a mix of old and new files. The memory state changes
//! only when the write is committed.
//!
//! A file to be replaced that may not be written (made read-only, or on a
//! read-only file system) fails the write before step 1: nothing changes,
//! and the error names the file.
//!
//! If step 2 fails after the rename (the folder cannot be synced), the
//! store cannot know whether the write will survive a crash: it reports
//! the error and refuses further writes until reopened. If step 3 fails,
//! the write is committed and reported as done; the next write, or the
//! next opening, finishes it.
//!
//! # The lock
//!
//! `candidats.lock` stops a second writer: opening takes the operating
//! system's advisory lock on that file (`flock` on Unix, `LockFileEx` on
//! Windows) for as long as the store is open, and writes in it the process
//! identifier and since when. A second [`CsvStore::open`] of the folder, in
//! the same process or another, fails with [`Error::Conflict`] naming that
//! process and time. The system releases the lock when the process ends,
//! however it ends: a lock file that still names a process but is not
//! locked was left by a process that died, and is taken over
//! ([`CsvStore::previous_holder`] tells which). The file is emptied, not
//! deleted, when the store closes.
//!
//! # Limitations
//!
//! - Everything is in memory. Opening reads and checks every file; each
//!   write copies the whole state (as [`MemoryStore`] does) and rewrites
//!   every file of the kinds it changed, whole. The audit history grows
//!   with every change and is rewritten by every write that records one.
//!   Measured with `cargo run --release -p candidats-csv --example timing`
//!   on the development machine (2 cores shared with other builds, load
//!   average 3.6 to 4), for 20,000 candidacies (20,000 persons), 20,000
//!   contact actions and their 20,000 audit entries, an 8.7 MB folder:
//!   opening takes 94 ms (median of 5 runs, 91 to 97 ms), and one
//!   `Campaign::record_action` (which rewrites `contact_actions.csv`,
//!   `audit.csv` and the manifest, with their syncs) takes 153 ms (143 to
//!   208 ms), of which 74 ms is the memory store's own copy of the state
//!   (the same call on a [`MemoryStore`] holding the same records). Under
//!   a heavier load (average 8) the same runs took 240 ms and 240 to
//!   310 ms. Time grows linearly with the records: this suits a regional
//!   election; a national municipal election (about 900,000 candidacies)
//!   needs the SQLite store.
//! - To keep those times down, the store reads the audit history on a
//!   second thread while it loads the rest, writes it on a second thread
//!   when other kinds changed too, and frees large copies on short-lived
//!   threads of their own.
//! - One process writes at a time, and a second opener is refused rather
//!   than made to wait. Reads inside the process never wait.
//! - An identifier allocated by a write that stores nothing, or by a record
//!   created and deleted in one write, is not written down, and may be
//!   handed out again after the store is reopened. Identifiers that reached
//!   the disk never are.
//! - Without a way to sync a folder on Windows, a power cut right after a
//!   write may lose that write there (never mix it with the previous one),
//!   and on Windows the message for a second opener may not name the
//!   holder, whose lock file cannot be read while it is locked.
//! - The lock is advisory: a program that ignores it (a spreadsheet saving
//!   over `candidacies.csv`) is not stopped.
//!
//! [`Error::InvalidInput`]: candidats_core::Error::InvalidInput
//! [`Error::location`]: candidats_core::Error::location
//! [`Error::Conflict`]: candidats_core::Error::Conflict
//! [`MemoryStore`]: candidats_core::MemoryStore
#![deny(missing_docs)]

mod cells;
mod disk;
pub mod export;
mod files;
mod lock;
mod manifest;
mod records;
mod store;
mod table;

pub use manifest::FORMAT_VERSION;
pub use store::CsvStore;
