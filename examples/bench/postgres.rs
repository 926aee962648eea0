//! PostgreSQL: importing the same file into a new database of a throwaway
//! server, reported beside SQLite's import.

use std::time::Instant;

use candidats::{Campaign, Result};
use candidats_postgres::PostgresStore;

use crate::measure::{Against, Line, Samples, Unit};
use crate::{common, imports, Plan, Results};

#[allow(dead_code)]
mod server {
    // The throwaway server of the PostgreSQL store's tests: started from
    // the Debian layout, on a unix socket in a temporary folder, stopped
    // when this process ends.
    include!("../../adapters/postgres/tests/support/server.rs");
}

/// Measures imports into PostgreSQL, when it is installed.
pub fn run(plan: &Plan, results: &mut Results) -> Result<()> {
    let figure = format!(
        "PostgreSQL: import of {} rows into a new database",
        common::count(plan.rows)
    );
    let Some(server) = server::TestServer::shared() else {
        results.skip(figure, "PostgreSQL is not installed");
        return Ok(());
    };

    let mut samples = Samples::default();
    for run in 1..=plan.runs {
        eprintln!("PostgreSQL import run {run} of {}...", plan.runs);
        let name = server.create_database("migrated");
        let started = Instant::now();
        let campaign = Campaign::new(PostgresStore::open(&server.url(&name))?);
        imports::import_file(&campaign, &plan.file)?;
        samples.push(started.elapsed().as_secs_f64());
        drop(campaign);
        server.admin(&format!("DROP DATABASE {name} WITH (FORCE)"));
    }

    let against = match &results.sqlite_import {
        Some(sqlite) => Against::Reference {
            label: "SQLite import".into(),
            samples: sqlite.clone(),
        },
        None => Against::Nothing,
    };
    results.lines.push(Line {
        figure,
        samples,
        unit: Unit::Seconds,
        against,
    });
    Ok(())
}
