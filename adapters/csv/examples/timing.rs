//! Measures the CSV store on a regional-sized campaign: 20,000 candidacies
//! (20,000 persons), 20,000 contact actions and their audit entries.
//!
//! ```text
//! cargo run --release -p candidats-csv --example timing
//! ```
//!
//! Prints the folder's size, the time to open it and the time of one
//! `Campaign::record_action`, five times each; then the time of the same
//! `record_action` on a `MemoryStore` holding the same records, which is
//! the share of a write spent copying the memory state.

use std::time::{Duration, Instant};

use candidats_core::*;
use candidats_csv::CsvStore;
use chrono::{TimeZone, Utc};

const REGIONS: usize = 10;
const LISTS: usize = 10;
const SECTIONS: usize = 4;
const PER_SECTION: u32 = 50;
const ACTIONS: usize = 20_000;
const RUNS: usize = 5;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let temp = tempfile::tempdir()?;
    let dir = temp.path().join("campagne");
    let campaign = Campaign::new(CsvStore::open(&dir)?);

    let started = Instant::now();
    let options = ImportOptions::new("Régionales", ElectionKind::Regionales);
    let summary = campaign.import(
        &mut rows().into_iter().map(Ok),
        &options,
        &mut |_, _| Ok(()),
    )?;
    println!(
        "imported {} candidacies in {:?}",
        summary.rows,
        started.elapsed()
    );

    let volunteer = campaign.register_moderator("Alice", None)?.id;
    let started = Instant::now();
    record_actions(campaign.store(), volunteer)?;
    println!(
        "stored {ACTIONS} contact actions and audit entries in {:?}",
        started.elapsed()
    );
    let candidacies = campaign.store().read_with(|r| {
        Ok(r.candidacies(&Scope::default())?
            .into_iter()
            .map(|c| c.id)
            .collect::<Vec<_>>())
    })?;
    drop(campaign);
    println!("folder: {:.1} MB", folder_size(&dir)? as f64 / 1e6);

    let mut opens = Vec::new();
    for _ in 0..RUNS {
        let started = Instant::now();
        let store = CsvStore::open(&dir)?;
        opens.push(started.elapsed());
        drop(store);
    }
    println!("open: {}", show(&opens));

    let campaign = Campaign::new(CsvStore::open(&dir)?);
    let mut writes = Vec::new();
    for candidacy in candidacies.iter().take(RUNS) {
        let action = NewContactAction::new(*candidacy, Channel::Email, Outcome::Sent);
        let started = Instant::now();
        campaign.record_action(volunteer, action)?;
        writes.push(started.elapsed());
    }
    println!("one record_action: {}", show(&writes));

    let memory = Campaign::new(MemoryStore::new());
    memory.import(
        &mut rows().into_iter().map(Ok),
        &options,
        &mut |_, _| Ok(()),
    )?;
    let volunteer = memory.register_moderator("Alice", None)?.id;
    record_actions(memory.store(), volunteer)?;
    let mut writes = Vec::new();
    for candidacy in candidacies.iter().take(RUNS) {
        let action = NewContactAction::new(*candidacy, Channel::Email, Outcome::Sent);
        let started = Instant::now();
        memory.record_action(volunteer, action)?;
        writes.push(started.elapsed());
    }
    println!("the same record_action on a MemoryStore: {}", show(&writes));
    Ok(())
}

/// 10 regions, each with 10 lists of 4 sections of 50 candidates.
fn rows() -> Vec<ImportRow> {
    let mut rows = Vec::with_capacity(REGIONS * LISTS * SECTIONS * PER_SECTION as usize);
    for region in 0..REGIONS {
        for list in 0..LISTS {
            for section in 0..SECTIONS {
                for order in 1..=PER_SECTION {
                    let n = rows.len();
                    rows.push(ImportRow {
                        location: Location::file("regionales.csv").line(n as u64 + 2),
                        area: vec![AreaSpec {
                            kind: ConstituencyKind::Region,
                            code: format!("R{region}"),
                            name: format!("Région {region}"),
                        }],
                        candidate: CandidateSpec {
                            surname: format!("NOM{n}"),
                            first_name: Some("Prénom".into()),
                            sex: Some(if n % 2 == 0 { Sex::Female } else { Sex::Male }),
                            birth_date: None,
                            profession: None,
                            nationality: None,
                            outgoing: false,
                        },
                        seat: SeatSpec::List {
                            panel: Some(list as u32 + 1),
                            short_label: None,
                            label: format!("Liste {list} de la région {region}"),
                            nuance: Some(Nuance {
                                code: format!("L{}", list % 7),
                                label: None,
                            }),
                            section: Some(AreaSpec {
                                kind: ConstituencyKind::Departement,
                                code: format!("D{region}-{section}"),
                                name: format!("Département {section} de la région {region}"),
                            }),
                            order,
                            head_of_list: Some(section == 0 && order == 1),
                            community_council: false,
                        },
                        raw: Vec::new(),
                    });
                }
            }
        }
    }
    rows
}

/// One contact action per candidacy, each with the audit entry
/// `Campaign::record_action` writes, in one write.
fn record_actions<S: Store>(store: &S, volunteer: ParticipantId) -> Result<()> {
    let at = Utc
        .with_ymd_and_hms(2015, 11, 20, 18, 0, 0)
        .single()
        .unwrap_or_default();
    store.write_with(|w| {
        let candidacies = w.candidacies(&Scope::default())?;
        for c in candidacies.iter().cycle().take(ACTIONS) {
            let action = ContactAction {
                id: ContactActionId::new(w.allocate(RecordKind::ContactAction)?),
                participant: volunteer,
                target: ActionTarget::Candidacy(c.id),
                channel: Channel::Email,
                at,
                outcome: Outcome::Sent,
                note: None,
                template: None,
                marathon: None,
            };
            w.put_contact_action(&action)?;
            let after = serde_json::to_value(&action)
                .map_err(|e| Error::backend("cannot write the audit entry", e))?;
            let id = AuditId::new(w.allocate(RecordKind::Audit)?);
            w.append_audit(&AuditRecord {
                id,
                actor: Some(volunteer),
                at,
                source: None,
                kind: RecordKind::ContactAction,
                record: action.id.get(),
                action: AuditAction::Create,
                before: None,
                after: Some(after),
                person: Some(c.person),
                reverts: None,
            })?;
        }
        Ok(())
    })
}

fn folder_size(dir: &std::path::Path) -> std::io::Result<u64> {
    let mut size = 0;
    for entry in std::fs::read_dir(dir)? {
        size += entry?.metadata()?.len();
    }
    Ok(size)
}

fn show(times: &[Duration]) -> String {
    let mut sorted = times.to_vec();
    sorted.sort();
    let all: Vec<String> = times
        .iter()
        .map(|t| format!("{:.0} ms", t.as_secs_f64() * 1000.0))
        .collect();
    format!(
        "median {:.0} ms ({})",
        sorted[sorted.len() / 2].as_secs_f64() * 1000.0,
        all.join(", ")
    )
}
