//! The CSV store: opening a folder holding 20,000 candidacies and 20,000
//! contact actions, and one write to it.

use std::fs::File;
use std::io::BufWriter;

use candidats::{Campaign, Channel, Error, NewContactAction, Outcome, QueueKind, Result};
use candidats_csv::CsvStore;

use crate::generate::{self, CampaignSize};
use crate::measure::{self, Against, Line, Unit};
use crate::{imports, queries, Plan, Results};

/// Candidacies in the CSV store.
const ROWS: u64 = 20_000;

/// The campaign on top of them.
const CAMPAIGN: CampaignSize = CampaignSize {
    participants: 50,
    details: 4_000,
    actions: 20_000,
    signatures: 500,
};

/// Measures opening the CSV store and one write.
pub fn run(plan: &Plan, results: &mut Results) -> Result<()> {
    let file = plan.path("municipales-csv-store.csv");
    let dir = plan.path("csv-store");
    let _ = std::fs::remove_dir_all(&dir);
    eprintln!("building a CSV store of {ROWS} candidacies...");
    {
        let out = File::create(&file).map_err(|e| Error::io("create", file.display(), e))?;
        generate::write_file(&mut BufWriter::new(out), ROWS, plan.seed)
            .map_err(|e| Error::io("write", file.display(), e))?;
        let campaign = Campaign::new(CsvStore::open(&dir)?);
        imports::import_file(&campaign, &file)?;
        generate::fill_campaign(campaign.store(), CAMPAIGN, plan.seed, 100_000)?;
    }

    eprintln!("timing the CSV store...");
    let open = measure::time(plan.runs * 2, || CsvStore::open(&dir).map(drop))?;
    results.lines.push(Line {
        figure: "CSV store: open (20,000 candidacies, 20,000 actions)".into(),
        samples: open,
        unit: Unit::Seconds,
        against: Against::Target(0.200),
    });

    let campaign = Campaign::new(CsvStore::open(&dir)?);
    let scope = queries::election_scope(&campaign)?;
    let actor = queries::first_participant(&campaign)?;
    let targets = campaign.queue(QueueKind::ToContact, &scope, plan.runs * 2 + 1)?;
    let mut next = targets.iter().cycle();
    let write = measure::time(plan.runs * 2, || {
        let Some(target) = next.next() else {
            return Err(Error::invalid("no candidacy to contact"));
        };
        campaign.record_action(
            actor,
            NewContactAction::new(target.id, Channel::Email, Outcome::Sent),
        )
    })?;
    results.lines.push(Line {
        figure: "CSV store: one write (`record_action`)".into(),
        samples: write,
        unit: Unit::Seconds,
        against: Against::Target(0.200),
    });
    Ok(())
}
