//! Measures how fast a SQLite store imports an official file: generates a
//! municipal-like file of N rows (default 100,000) in memory, imports it
//! into a fresh file store, and prints the rate.
//!
//! ```text
//! cargo run --release -p candidats-sqlite --example import_rate -- 100000 [--report]
//! ```
//!
//! With `--report`, it also times the progress report over the imported
//! candidacies.

use std::time::Instant;

use candidats_core::{
    AreaSpec, Campaign, CandidateSpec, ConstituencyKind, ElectionKind, ImportOptions, ImportRow,
    Location, Nuance, QueueKind, Result, Scope, SeatSpec, Sex, StoreExt,
};
use candidats_sqlite::SqliteStore;

/// Candidates per list, as in a commune of a few thousand inhabitants.
const LIST_SIZE: u32 = 23;

fn rows(count: usize) -> Vec<ImportRow> {
    let mut rows = Vec::with_capacity(count);
    let mut commune = 0u32;
    while rows.len() < count {
        commune += 1;
        let departement = format!("{:02}", 1 + commune % 95);
        let lists = 1 + commune % 3;
        for panel in 1..=lists {
            for order in 1..=LIST_SIZE {
                if rows.len() == count {
                    break;
                }
                let line = rows.len() as u64 + 2;
                rows.push(ImportRow {
                    location: Location::file("municipales.csv").line(line),
                    area: vec![
                        AreaSpec {
                            kind: ConstituencyKind::Departement,
                            code: departement.clone(),
                            name: format!("Département {departement}"),
                        },
                        AreaSpec {
                            kind: ConstituencyKind::Commune,
                            code: format!("{departement}{commune:05}"),
                            name: format!("Commune {commune}"),
                        },
                    ],
                    candidate: CandidateSpec {
                        surname: format!("NOM{}", line * 7919 % 1_000_003),
                        first_name: Some(format!("Prénom{}", line % 541)),
                        sex: Some(if line % 2 == 0 {
                            Sex::Female
                        } else {
                            Sex::Male
                        }),
                        birth_date: None,
                        profession: None,
                        nationality: Some("FRA".into()),
                        outgoing: false,
                    },
                    seat: SeatSpec::List {
                        panel: Some(panel),
                        short_label: Some(format!("L{panel}")),
                        label: format!("Liste {panel} de la commune {commune}"),
                        nuance: Some(Nuance {
                            code: ["LDVG", "LDVD", "LDIV"][panel as usize % 3].into(),
                            label: None,
                        }),
                        section: None,
                        order,
                        head_of_list: Some(order == 1),
                        community_council: order <= 3,
                    },
                    raw: Vec::new(),
                });
            }
        }
    }
    rows
}

/// The CPU time of the current thread, where Linux tells it: on a busy
/// machine it says more than the wall clock about the import itself.
fn thread_cpu_seconds() -> Option<f64> {
    let text = std::fs::read_to_string("/proc/thread-self/schedstat").ok()?;
    let nanoseconds: f64 = text.split_whitespace().next()?.parse().ok()?;
    Some(nanoseconds / 1e9)
}

fn main() -> Result<()> {
    let count = std::env::args()
        .nth(1)
        .and_then(|n| n.replace('_', "").parse().ok())
        .unwrap_or(100_000);
    let dir =
        tempfile::tempdir().map_err(|e| candidats_core::Error::io("create", "a folder", e))?;
    let path = dir.path().join("campaign.db");
    let campaign = Campaign::new(SqliteStore::open(&path)?);
    let rows = rows(count);
    let options = ImportOptions {
        source: "municipales.csv".into(),
        ..ImportOptions::new("Municipales 2026", ElectionKind::Municipales)
    };

    let started = Instant::now();
    let cpu_before = thread_cpu_seconds();
    let summary = campaign.import(&mut rows.into_iter().map(Ok), &options, &mut |_, _| Ok(()))?;
    let elapsed = started.elapsed().as_secs_f64();
    let cpu = thread_cpu_seconds()
        .zip(cpu_before)
        .map(|(after, before)| after - before);

    let stored = campaign
        .store()
        .read_with(|r| r.candidacies(&Scope::default()).map(|c| c.len()))?;
    println!(
        "imported {} rows ({} lists, {} candidacies stored) in {elapsed:.2} s: {:.0} rows/s",
        summary.rows,
        summary.lists,
        stored,
        summary.rows as f64 / elapsed
    );
    if let Some(cpu) = cpu {
        println!(
            "the importing thread used {cpu:.2} s of CPU: {:.0} rows per CPU second",
            summary.rows as f64 / cpu
        );
    }
    if std::env::args().nth(2).as_deref() != Some("--report") {
        return Ok(());
    }
    let again = Instant::now();
    let report = campaign.report(&Scope::default())?;
    println!(
        "report over {} candidacies in {:.2} s",
        report.candidacies,
        again.elapsed().as_secs_f64()
    );
    let again = Instant::now();
    let next = campaign.queue(QueueKind::ToCollect, &Scope::default(), 1)?;
    println!(
        "first of the collectors' queue ({} found) in {:.3} s",
        next.len(),
        again.elapsed().as_secs_f64()
    );
    Ok(())
}
