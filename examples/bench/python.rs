//! The figures from Python: the report through the bindings, next to the
//! Rust figure of the same run, and the candidacies into a pandas
//! DataFrame, next to `pandas.read_sql` of the same rows.
//!
//! The bindings are built into the virtualenv of
//! `bindings/python/test.sh` (`target/python-venv`, or `CANDIDATS_VENV`)
//! with `maturin develop --release`; the virtualenv is made, with maturin
//! and pandas, when it is missing.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use serde::Deserialize;

use candidats::{Error, Result};

use crate::measure::{Against, Line, Samples, Unit};
use crate::{common, Plan, Results};

/// The script run by the virtualenv's Python: `bench.py DB RUNS`. It prints
/// one JSON object of samples.
const SCRIPT: &str = r#"
import json
import sqlite3
import sys
import time

import pandas
import candidats

db, runs = sys.argv[1], int(sys.argv[2])
campaign = candidats.open("sqlite:" + db)
election = campaign.elections()[0].id


def timed(f):
    f()
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        f()
        samples.append(time.perf_counter() - started)
    return samples


report = timed(lambda: campaign.report(election=election))

frame_rows = []
frame = timed(lambda: frame_rows.append(len(campaign.candidacies(election=election).to_pandas())))

QUERY = """
SELECT id, person, election, round, constituency, seat, list, section,
       seat_order AS "order", seat_index AS pair_index, partner, substitute_of,
       roles, nuance_code AS nuance, nuance_label, panel, outgoing,
       community_council, withdrawn, profession
FROM candidacy
WHERE election = ? AND withdrawn = 0 AND (roles & 32) = 0
ORDER BY id
"""
sql_rows = []


def read_sql():
    with sqlite3.connect(db) as connection:
        sql_rows.append(len(pandas.read_sql(QUERY, connection, params=(election,))))


read_sql_samples = timed(read_sql)
if set(frame_rows) != set(sql_rows):
    sys.exit(f"the two frames differ: {frame_rows[0]} and {sql_rows[0]} rows")

print(json.dumps({
    "report": report,
    "frame": frame,
    "read_sql": read_sql_samples,
    "rows": frame_rows[0],
}))
"#;

#[derive(Debug, Deserialize)]
struct Figures {
    report: Vec<f64>,
    frame: Vec<f64>,
    read_sql: Vec<f64>,
    rows: u64,
}

/// The repository's root.
fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The virtualenv of `bindings/python/test.sh`.
fn venv() -> Result<PathBuf> {
    if let Some(dir) = std::env::var_os("CANDIDATS_VENV") {
        return Ok(dir.into());
    }
    // This program is `TARGET/release/examples/bench`.
    let exe = std::env::current_exe().map_err(|e| Error::io("find", "this program", e))?;
    let target = exe
        .ancestors()
        .nth(3)
        .map(Path::to_path_buf)
        .unwrap_or_else(|| repo().join("target"));
    Ok(target.join("python-venv"))
}

fn succeeds(command: &mut Command) -> bool {
    command
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|status| status.success())
}

fn run_step(what: &str, command: &mut Command) -> Result<()> {
    let status = command
        .stdout(Stdio::null())
        .status()
        .map_err(|e| Error::io("run", what, e))?;
    if !status.success() {
        return Err(Error::invalid(format!("{what} failed ({status})")));
    }
    Ok(())
}

/// Makes the virtualenv when missing, and builds the bindings into it.
fn prepare(venv: &Path) -> Result<PathBuf> {
    let python = venv.join("bin/python");
    if !python.exists() {
        eprintln!("making the virtualenv {}...", venv.display());
        run_step(
            "python3 -m venv",
            Command::new("python3").arg("-m").arg("venv").arg(venv),
        )?;
    }
    if !succeeds(Command::new(&python).args(["-c", "import maturin, pandas"])) {
        eprintln!("installing maturin and pandas into the virtualenv...");
        run_step(
            "pip install",
            Command::new(&python).args([
                "-m",
                "pip",
                "install",
                "--quiet",
                "--disable-pip-version-check",
                "maturin>=1.9.4,<2",
                "pandas>=1.5",
            ]),
        )?;
    }
    eprintln!("building the Python bindings (maturin develop --release)...");
    let path = format!(
        "{}:{}",
        venv.join("bin").display(),
        std::env::var("PATH").unwrap_or_default()
    );
    run_step(
        "maturin develop",
        Command::new(venv.join("bin/maturin"))
            .args(["develop", "--release", "--quiet", "--manifest-path"])
            .arg(repo().join("bindings/python/Cargo.toml"))
            .env("VIRTUAL_ENV", venv)
            .env("PATH", path),
    )?;
    Ok(python)
}

/// Measures the Python figures on the store at `db`, whose Rust report
/// took `rust_report`.
pub fn run(plan: &Plan, db: &Path, rust_report: Samples, results: &mut Results) -> Result<()> {
    let report_figure = "Python: the same report through the bindings";
    let frame_figure = format!(
        "Python: {} candidacies into a pandas DataFrame through the bindings",
        common::count(plan.rows)
    );
    if !succeeds(Command::new("python3").arg("--version")) {
        for figure in [report_figure.to_string(), frame_figure] {
            results.skip(figure, "python3 is not installed");
        }
        return Ok(());
    }
    let python = prepare(&venv()?)?;

    eprintln!("timing from Python...");
    let script = plan.path("bench.py");
    std::fs::write(&script, SCRIPT).map_err(|e| Error::io("write", script.display(), e))?;
    let out = Command::new(python)
        .arg(&script)
        .arg(db)
        .arg(plan.runs.to_string())
        .stderr(Stdio::inherit())
        .output()
        .map_err(|e| Error::io("run", script.display(), e))?;
    if !out.status.success() {
        return Err(Error::invalid(format!(
            "the Python benchmark failed ({})",
            out.status
        )));
    }
    let figures: Figures = serde_json::from_slice(&out.stdout)
        .map_err(|e| Error::backend("cannot read the Python benchmark's figures", e))?;

    results.lines.push(Line {
        figure: report_figure.into(),
        samples: Samples(figures.report),
        unit: Unit::Seconds,
        against: Against::Measured {
            label: "the Rust report".into(),
            samples: rust_report,
            limit: 1.2,
        },
    });
    results.lines.push(Line {
        figure: format!(
            "Python: {} candidacies into a pandas DataFrame through the bindings",
            common::count(figures.rows)
        ),
        samples: Samples(figures.frame),
        unit: Unit::Seconds,
        against: Against::Measured {
            label: "`pandas.read_sql` of the same rows".into(),
            samples: Samples(figures.read_sql),
            limit: 1.0 / 3.0,
        },
    });
    Ok(())
}
