//! The library's benchmarks: every figure of `BENCHMARKS.md`, each next to
//! what it is compared with, measured in the same run.
//!
//! ```sh
//! cargo run --release --example bench                      # 900,000 rows, 5 runs
//! cargo run --release --example bench -- --quick           # a fast sanity run
//! cargo run --release --example bench -- --rows 300000 --runs 3 --only import,report
//! cargo run --release --example bench -- generate --rows 900000 municipales.csv
//! ```
//!
//! The run generates a synthetic municipales 2026 file (see `generate.rs`),
//! imports it into SQLite stores (each import in a child process, whose
//! peak memory it reads), next to the `sqlite3` shell's `.import` of the
//! same file; puts a campaign on top (contact details, contact actions,
//! signatures) and times the report, the queues and the recording of an
//! action; then the same from Python through the bindings, the CSV store,
//! and an import into PostgreSQL when it is installed. It prints the
//! machine and a Markdown table: the median of the runs, what it is
//! compared with, the ratio and whether the target is met.

#[path = "../common/mod.rs"]
mod common;
mod csv_store;
mod generate;
mod imports;
mod measure;
mod postgres;
mod python;
mod queries;

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Parser, Subcommand};

use candidats::{Error, Result};

use crate::measure::{Line, Skipped};

/// Run the library's benchmarks, or generate a synthetic official file.
#[derive(Debug, Parser)]
#[command(name = "bench")]
struct Args {
    #[command(subcommand)]
    command: Option<Command>,
    /// Candidates in the generated file.
    #[arg(long, default_value_t = 900_000)]
    rows: u64,
    /// Timed runs of each figure (the median is reported); the quick
    /// figures (a queue, one action) take ten times as many.
    #[arg(long, default_value_t = 5)]
    runs: usize,
    /// A fast sanity run: 20,000 rows, a small campaign, 2 runs.
    #[arg(long)]
    quick: bool,
    /// Only these groups, separated by commas: import, queries, python,
    /// csv, postgres.
    #[arg(long, value_delimiter = ',')]
    only: Vec<String>,
    /// The folder for the generated file and stores (a new temporary
    /// folder by default, removed at the end).
    #[arg(long)]
    dir: Option<PathBuf>,
    /// The seed of the generated data.
    #[arg(long, default_value_t = 1)]
    seed: u64,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Writes a synthetic municipales 2026 file.
    Generate {
        /// Candidates in the file.
        #[arg(long, default_value_t = 900_000)]
        rows: u64,
        /// The seed.
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// The file to write.
        out: PathBuf,
    },
    /// Imports a file into a SQLite store and prints the time and the peak
    /// memory as JSON: what the benchmark runs in a child process.
    #[command(hide = true)]
    ImportChild {
        /// The store's file.
        store: PathBuf,
        /// The official file.
        file: PathBuf,
    },
}

/// What one benchmark run works on.
pub struct Plan {
    /// Candidates in the main file.
    pub rows: u64,
    /// Timed runs of the slow figures.
    pub runs: usize,
    /// Timed runs of the quick figures.
    pub quick_runs: usize,
    /// The campaign put on top of the main file.
    pub campaign: generate::CampaignSize,
    /// The seed.
    pub seed: u64,
    /// The working folder.
    pub dir: PathBuf,
    /// The main file.
    pub file: PathBuf,
}

impl Plan {
    /// A file `name` in the working folder.
    pub fn path(&self, name: &str) -> PathBuf {
        self.dir.join(name)
    }
}

/// The lines of the table, and what was skipped.
#[derive(Default)]
pub struct Results {
    /// Measured figures.
    pub lines: Vec<Line>,
    /// Figures not measured, with why.
    pub skipped: Vec<Skipped>,
    /// The SQLite imports, which the PostgreSQL ones are shown beside.
    pub sqlite_import: Option<measure::Samples>,
}

impl Results {
    /// Notes a figure that cannot be measured here.
    pub fn skip(&mut self, figure: impl Into<String>, reason: impl Into<String>) {
        let skipped = Skipped {
            figure: figure.into(),
            reason: reason.into(),
        };
        eprintln!("skipping {}: {}", skipped.figure, skipped.reason);
        self.skipped.push(skipped);
    }
}

fn main() -> ExitCode {
    common::init_tracing();
    let args = Args::parse();
    let outcome = match &args.command {
        Some(Command::Generate { rows, seed, out }) => generate_file(*rows, *seed, out),
        Some(Command::ImportChild { store, file }) => imports::child(store, file),
        None => run(&args),
    };
    match outcome {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            common::print_error_chain(&error);
            ExitCode::FAILURE
        }
    }
}

fn generate_file(rows: u64, seed: u64, out: &Path) -> Result<()> {
    let file = File::create(out).map_err(|e| Error::io("create", out.display(), e))?;
    let mut writer = BufWriter::new(file);
    let summary = generate::write_file(&mut writer, rows, seed)
        .and_then(|summary| writer.flush().map(|()| summary))
        .map_err(|e| Error::io("write", out.display(), e))?;
    println!(
        "{}: {} candidates, {} lists, {} communes",
        out.display(),
        common::count(summary.rows),
        common::count(summary.lists),
        common::count(summary.communes)
    );
    Ok(())
}

fn run(args: &Args) -> Result<()> {
    let temporary = match &args.dir {
        Some(_) => None,
        None => Some(tempfile::tempdir().map_err(|e| Error::io("create", "a folder", e))?),
    };
    let dir = match (&args.dir, &temporary) {
        (Some(dir), _) => dir.clone(),
        (None, Some(temporary)) => temporary.path().to_path_buf(),
        (None, None) => unreachable!("a folder is given or made"),
    };
    std::fs::create_dir_all(&dir).map_err(|e| Error::io("create", dir.display(), e))?;
    let (rows, runs) = if args.quick {
        (20_000, 2)
    } else {
        (args.rows, args.runs.max(1))
    };
    let campaign = if args.quick {
        generate::CampaignSize {
            participants: 50,
            details: 5_000,
            actions: 20_000,
            signatures: 1_000,
        }
    } else {
        generate::CampaignSize {
            participants: 500,
            details: 300_000,
            actions: 1_000_000,
            signatures: 50_000,
        }
    };
    let plan = Plan {
        rows,
        runs,
        quick_runs: runs * 10,
        campaign,
        seed: args.seed,
        file: dir.join(format!("municipales-{rows}.csv")),
        dir,
    };
    let wanted = |group: &str| args.only.is_empty() || args.only.iter().any(|g| g == group);

    println!("{}", machine());
    eprintln!("generating {} rows...", common::count(rows));
    generate_file(rows, plan.seed, &plan.file)?;

    let mut results = Results::default();
    let mut store = None;
    if wanted("import") || wanted("queries") || wanted("python") {
        store = Some(imports::run(&plan, &mut results, wanted("import"))?);
    }
    if let Some(store) = &store {
        if wanted("queries") || wanted("python") {
            let rust_report = queries::run(&plan, store, &mut results)?;
            if wanted("python") {
                python::run(&plan, store, rust_report, &mut results)?;
            }
        }
    }
    if wanted("csv") {
        csv_store::run(&plan, &mut results)?;
    }
    if wanted("postgres") {
        postgres::run(&plan, &mut results)?;
    }

    println!();
    println!(
        "{} rows, {} runs (queues and actions: {} runs)",
        common::count(rows),
        runs,
        plan.quick_runs
    );
    println!();
    print!("{}", measure::table(&results.lines, &results.skipped));
    Ok(())
}

/// The machine, as `/proc` tells it.
fn machine() -> String {
    let cpuinfo = std::fs::read_to_string("/proc/cpuinfo").unwrap_or_default();
    let model = cpuinfo
        .lines()
        .find_map(|line| line.strip_prefix("model name"))
        .map(|rest| rest.trim_start_matches([' ', '\t', ':']).to_string())
        .unwrap_or_else(|| "unknown processor".into());
    let cores = std::thread::available_parallelism().map_or(0, |n| n.get());
    let memory = std::fs::read_to_string("/proc/meminfo")
        .ok()
        .and_then(|text| {
            text.lines()
                .find_map(|line| line.strip_prefix("MemTotal:"))
                .and_then(|rest| {
                    rest.trim()
                        .trim_end_matches("kB")
                        .trim()
                        .parse::<f64>()
                        .ok()
                })
        })
        .map_or_else(
            || "unknown".into(),
            |kb| format!("{:.1} GiB", kb / 1024.0 / 1024.0),
        );
    let sqlite3 = std::process::Command::new("sqlite3")
        .arg("--version")
        .output()
        .ok()
        .and_then(|out| {
            String::from_utf8_lossy(&out.stdout)
                .split_whitespace()
                .next()
                .map(String::from)
        })
        .unwrap_or_else(|| "not installed".into());
    format!(
        "machine: {model}, {cores} cores, {memory} of memory; sqlite3 shell {sqlite3}, \
         SQLite library {}",
        rusqlite_version()
    )
}

fn rusqlite_version() -> &'static str {
    rusqlite::version()
}
