//! Imports into SQLite: a new store, the same file again, the peak memory;
//! next to the `sqlite3` shell's `.import` of the same file into one bare
//! table.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Instant;

use serde::{Deserialize, Serialize};

use candidats::import::{import_files, ImportRequest};
use candidats::{Campaign, Error, Result, SqliteStore};

use crate::measure::{Against, Line, Samples, Unit};
use crate::{common, Plan, Results};

/// The `sqlite3` shell the import is compared with.
const SQLITE3: &str = "/usr/bin/sqlite3";

/// What a child process reports of its import.
#[derive(Debug, Serialize, Deserialize)]
pub struct ChildReport {
    /// Seconds from opening the store to closing it after the import.
    pub seconds: f64,
    /// The child's peak resident memory (`VmHWM`), in bytes.
    pub peak_bytes: u64,
    /// Lines read.
    pub rows: u64,
    /// Whether the import changed nothing.
    pub unchanged: bool,
}

/// Imports `file` into the SQLite store at `store` and prints a
/// [`ChildReport`] as JSON: the `import-child` command.
pub fn child(store: &Path, file: &Path) -> Result<()> {
    // From opening the store to closing it: closing copies the write-ahead
    // log into the file, part of the import's cost.
    let started = Instant::now();
    let campaign = Campaign::new(SqliteStore::open(store)?);
    let summary = import_file(&campaign, file)?;
    drop(campaign);
    let seconds = started.elapsed().as_secs_f64();

    let report = ChildReport {
        seconds,
        peak_bytes: peak_memory().unwrap_or(0),
        rows: summary.rows,
        unchanged: summary.is_unchanged(),
    };
    let json = serde_json::to_string(&report)
        .map_err(|e| Error::backend("cannot write the child's report", e))?;
    println!("{json}");
    Ok(())
}

/// Imports an official file as the library's `import_files` does, its
/// layout recognised from its header.
pub fn import_file<S: candidats::Store>(
    campaign: &Campaign<S>,
    file: &Path,
) -> Result<candidats::ImportSummary> {
    let summaries = import_files(
        campaign,
        &[file],
        &ImportRequest::round(1),
        &mut |_, _| Ok(()),
        &mut |_| {},
    )?;
    summaries
        .into_iter()
        .next()
        .ok_or_else(|| Error::invalid("the import gave no summary"))
}

/// This process's peak resident memory, from `/proc/self/status`.
fn peak_memory() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find_map(|l| l.strip_prefix("VmHWM:"))?;
    let kb: u64 = line.trim().trim_end_matches("kB").trim().parse().ok()?;
    Some(kb * 1024)
}

/// Runs this program's `import-child` command.
fn run_child(store: &Path, file: &Path) -> Result<ChildReport> {
    let exe = std::env::current_exe().map_err(|e| Error::io("find", "this program", e))?;
    let out = Command::new(exe)
        .arg("import-child")
        .arg(store)
        .arg(file)
        .stderr(Stdio::inherit())
        .output()
        .map_err(|e| Error::io("run", "the import child", e))?;
    if !out.status.success() {
        return Err(Error::invalid(format!(
            "the import child failed ({})",
            out.status
        )));
    }
    serde_json::from_slice(&out.stdout)
        .map_err(|e| Error::backend("cannot read the import child's report", e))
}

/// The `sqlite3` shell's `.import` of `file` into one bare table of a new
/// database; `None` when the shell is missing.
fn sqlite3_import(db: &Path, file: &Path) -> Result<Option<f64>> {
    if !Path::new(SQLITE3).exists() {
        return Ok(None);
    }
    remove_db(db);
    let started = Instant::now();
    let out = Command::new(SQLITE3)
        .args(["-csv", "-separator", ";"])
        .arg(db)
        .arg(format!(".import '{}' candidates", file.display()))
        .output()
        .map_err(|e| Error::io("run", SQLITE3, e))?;
    let seconds = started.elapsed().as_secs_f64();
    if !out.status.success() {
        return Err(Error::invalid(format!(
            "sqlite3 .import failed: {}",
            String::from_utf8_lossy(&out.stderr)
        )));
    }
    remove_db(db);
    Ok(Some(seconds))
}

/// Removes a database file and its journals.
pub fn remove_db(db: &Path) {
    for suffix in ["", "-wal", "-shm", "-journal"] {
        let mut name = db.as_os_str().to_owned();
        name.push(suffix);
        let _ = std::fs::remove_file(PathBuf::from(name));
    }
}

/// Measures the imports, unless `measure` is false; returns a store
/// holding the plan's file, for the other benchmarks.
pub fn run(plan: &Plan, results: &mut Results, measure: bool) -> Result<PathBuf> {
    let rows = common::count(plan.rows);
    let store = plan.path("campaign.db");
    if !measure {
        remove_db(&store);
        eprintln!("importing {rows} rows...");
        run_child(&store, &plan.file)?;
        return Ok(store);
    }

    let mut first = Samples::default();
    let mut again = Samples::default();
    let mut peak = Samples::default();
    let mut shell = Samples::default();
    for run in 1..=plan.runs {
        eprintln!("import run {run} of {}...", plan.runs);
        if let Some(seconds) = sqlite3_import(&plan.path("bare.db"), &plan.file)? {
            shell.push(seconds);
        }
        remove_db(&store);
        let report = run_child(&store, &plan.file)?;
        first.push(report.seconds);
        peak.push(report.peak_bytes as f64);
        let report = run_child(&store, &plan.file)?;
        if !report.unchanged {
            return Err(Error::invalid(
                "importing the same file again changed the store",
            ));
        }
        again.push(report.seconds);
    }

    results.sqlite_import = Some(first.clone());
    let figure = format!("SQLite: import of {rows} rows into a new store");
    if shell.0.is_empty() {
        results.skip(
            "sqlite3 .import of the same file",
            format!("{SQLITE3} not found"),
        );
        results.lines.push(Line {
            figure,
            samples: first.clone(),
            unit: Unit::Seconds,
            against: Against::Nothing,
        });
    } else {
        results.lines.push(Line {
            figure,
            samples: first.clone(),
            unit: Unit::Seconds,
            against: Against::Measured {
                label: "sqlite3 `.import` into one bare table".into(),
                samples: shell,
                limit: 0.5,
            },
        });
    }
    results.lines.push(Line {
        figure: "SQLite: peak memory of that import (VmHWM of the child)".into(),
        samples: peak,
        unit: Unit::Bytes,
        against: Against::Target(100e6),
    });
    results.lines.push(Line {
        figure: "SQLite: importing the same file again (no change)".into(),
        samples: again,
        unit: Unit::Seconds,
        against: Against::Measured {
            label: "the first import".into(),
            samples: first,
            limit: 1.0,
        },
    });
    Ok(store)
}
