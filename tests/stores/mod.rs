//! The stores the cross-store tests run against, and what they share: a
//! fresh store of each kind, each in its own temporary place, and a dump of
//! every record a store holds.
#![allow(dead_code)]

use std::path::{Path, PathBuf};

use candidats::*;
use tempfile::TempDir;

/// A store on disk (or in memory) with the folder that holds it, removed
/// when the store is dropped.
pub struct Made<S> {
    /// The store.
    pub store: S,
    /// What holds it: the SQLite file, the CSV folder; `None` in memory.
    pub path: Option<PathBuf>,
    /// The temporary folder, kept alive as long as the store.
    pub dir: Option<TempDir>,
}

/// The kinds of store every test runs on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// [`MemoryStore`].
    Memory,
    /// [`SqliteStore`] on a file.
    Sqlite,
    /// [`CsvStore`] on a folder.
    #[cfg(feature = "csv")]
    Csv,
}

impl Kind {
    /// Every kind this build has.
    pub fn all() -> Vec<Kind> {
        vec![
            Kind::Memory,
            Kind::Sqlite,
            #[cfg(feature = "csv")]
            Kind::Csv,
        ]
    }

    /// A fresh, empty store of this kind.
    pub fn make(self) -> Made<DynStore> {
        match self {
            Kind::Memory => Made {
                store: std::sync::Arc::new(MemoryStore::new()),
                path: None,
                dir: None,
            },
            Kind::Sqlite => {
                let dir = tempfile::tempdir().expect("a temporary folder");
                let path = dir.path().join("campagne.db");
                let store = SqliteStore::open(&path).expect("a SQLite store");
                Made {
                    store: std::sync::Arc::new(store),
                    path: Some(path),
                    dir: Some(dir),
                }
            }
            #[cfg(feature = "csv")]
            Kind::Csv => {
                let dir = tempfile::tempdir().expect("a temporary folder");
                let path = dir.path().join("campagne");
                let store = CsvStore::open(&path).expect("a CSV store");
                Made {
                    store: std::sync::Arc::new(store),
                    path: Some(path),
                    dir: Some(dir),
                }
            }
        }
    }

    /// Opens again the store at `path` (a file or folder made by
    /// [`Kind::make`]).
    pub fn reopen(self, path: &Path) -> Result<DynStore> {
        match self {
            Kind::Memory => Err(Error::unsupported("a memory store cannot be reopened")),
            Kind::Sqlite => Ok(std::sync::Arc::new(SqliteStore::open(path)?)),
            #[cfg(feature = "csv")]
            Kind::Csv => Ok(std::sync::Arc::new(CsvStore::open(path)?)),
        }
    }
}

/// Every record a store holds, one `(kind, identifier, JSON)` per record,
/// in a fixed order: two stores holding the same records give equal dumps.
pub fn dump(r: &dyn CampaignRead) -> Result<Vec<(String, i64, String)>> {
    fn push<T: serde::Serialize>(
        out: &mut Vec<(String, i64, String)>,
        kind: &str,
        id: i64,
        record: &T,
    ) {
        let json = serde_json::to_string(record).expect("a record as JSON");
        out.push((kind.to_string(), id, json));
    }

    let mut out = Vec::new();
    for e in r.elections()? {
        push(&mut out, "election", e.id().get(), &e);
        for c in r.constituencies(e.id())? {
            push(&mut out, "constituency", c.id.get(), &c);
        }
        for l in r.lists(e.id())? {
            push(&mut out, "list", l.id.get(), &l);
            for s in r.sections(l.id)? {
                push(&mut out, "section", s.id.get(), &s);
            }
        }
    }
    for p in r.persons()? {
        push(&mut out, "person", p.id.get(), &p);
        for c in r.candidacies_of_person(p.id)? {
            push(&mut out, "candidacy", c.id.get(), &c);
        }
    }
    for p in r.participants()? {
        push(&mut out, "participant", p.id.get(), &p);
    }
    for x in r.responsibilities(&ResponsibilityFilter::default())? {
        push(&mut out, "responsibility", x.id.get(), &x);
    }
    for x in r.contact_details(None)? {
        push(&mut out, "contact_detail", x.id.get(), &x);
    }
    for x in r.contact_actions(&ActionFilter::default())? {
        push(&mut out, "contact_action", x.id.get(), &x);
    }
    for x in r.pledges()? {
        push(&mut out, "pledge", x.id.get(), &x);
    }
    for x in r.pledge_answers(None)? {
        push(&mut out, "pledge_answer", x.id.get(), &x);
    }
    for x in r.marathons()? {
        push(&mut out, "marathon", x.id.get(), &x);
    }
    for x in r.templates(None)? {
        push(&mut out, "template", x.id.get(), &x);
    }
    for x in r.proposals(None)? {
        push(&mut out, "proposal", x.id.get(), &x);
    }
    for x in r.audit(&AuditFilter::default())? {
        push(&mut out, "audit", x.id.get(), &x);
    }
    for x in r.reservations(&ReservationFilter::default())? {
        push(&mut out, "reservation", x.id.get(), &x);
    }
    Ok(out)
}

/// [`dump`] of a whole store.
pub fn dump_store(store: &dyn Store) -> Vec<(String, i64, String)> {
    let mut out = None;
    store
        .read(&mut |r| {
            out = Some(dump(r)?);
            Ok(())
        })
        .expect("read every record");
    out.unwrap_or_default()
}

/// Every file under `dir` (its subfolders too), with its bytes.
pub fn files_under(dir: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    let mut out = Vec::new();
    let mut pending = vec![dir.to_path_buf()];
    while let Some(folder) = pending.pop() {
        let Ok(entries) = std::fs::read_dir(&folder) else {
            continue;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                pending.push(path);
            } else if let Ok(bytes) = std::fs::read(&path) {
                out.push((path, bytes));
            }
        }
    }
    out.sort();
    out
}

/// Whether `haystack` holds the bytes of `needle`.
pub fn holds(haystack: &[u8], needle: &str) -> bool {
    !needle.is_empty()
        && haystack
            .windows(needle.len())
            .any(|window| window == needle.as_bytes())
}
