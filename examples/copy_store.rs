//! Copies a campaign from one store to another, keeping identifiers: the
//! way to move from SQLite to PostgreSQL.
//!
//! ```sh
//! createdb regionales
//! cargo run --release --features postgres --example copy_store -- \
//!     --from sqlite:candidats.db --to postgres://campaign@localhost/regionales
//! ```
//!
//! The target must be empty. The copy reads one snapshot of the source and
//! writes the target in one transaction: stop the servers writing to the
//! source first, then point them at the target. It prints how many records
//! of each kind it copied.

mod common;

use std::io::Write;
use std::process::ExitCode;

use candidats::{copy, CopySummary, Result};
use clap::Parser;

/// Copy a campaign from one store to another.
#[derive(Debug, Parser)]
#[command(name = "copy_store")]
pub struct Args {
    /// The store to copy: sqlite:PATH, csv:DIR, postgres://…
    #[arg(long, value_name = "URL")]
    pub from: String,
    /// The empty store to copy into.
    #[arg(long, value_name = "URL")]
    pub to: String,
}

fn run(args: &Args, out: &mut dyn Write) -> Result<CopySummary> {
    let from = candidats::open(&args.from)?;
    let to = candidats::open(&args.to)?;

    let summary = copy(&*from, &*to)?;

    for (kind, count) in &summary.records {
        writeln!(out, "{:<16} {:>10}", kind.name(), common::count(*count))
            .map_err(common::output_error)?;
    }
    writeln!(
        out,
        "copied {} records from {} to {}",
        common::count(summary.total()),
        from.describe(),
        to.describe()
    )
    .map_err(common::output_error)?;
    Ok(summary)
}

fn main() -> ExitCode {
    let args = Args::parse();
    common::init_tracing();

    match run(&args, &mut std::io::stdout().lock()) {
        Ok(_) => ExitCode::SUCCESS,
        Err(error) => {
            common::print_error_chain(&error);
            ExitCode::FAILURE
        }
    }
}
