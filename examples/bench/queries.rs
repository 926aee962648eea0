//! A campaign on the imported file: the progress report, taking from each
//! queue, and recording one contact action.

use std::path::Path;
use std::time::Instant;

use candidats::{
    Campaign, Channel, Error, NewContactAction, Outcome, ParticipantId, QueueKind, Result, Scope,
    SqliteStore, StoreExt, TakeOptions,
};

use crate::generate::{self, CampaignSize};
use crate::measure::{self, Against, Line, Samples, Unit};
use crate::{common, Plan, Results};

/// Records written per transaction when the campaign is generated.
const BATCH: usize = 50_000;

/// The election of the imported file, in scopes.
pub fn election_scope(campaign: &Campaign<impl candidats::Store>) -> Result<Scope> {
    let election = campaign
        .store()
        .read_with(|r| r.elections())?
        .into_iter()
        .next()
        .ok_or_else(|| Error::invalid("the store holds no election"))?;
    Ok(Scope::default().with_election(election.id()))
}

/// The first participant of the campaign.
pub fn first_participant(campaign: &Campaign<impl candidats::Store>) -> Result<ParticipantId> {
    campaign
        .store()
        .read_with(|r| r.participants())?
        .into_iter()
        .next()
        .map(|p| p.id)
        .ok_or_else(|| Error::invalid("the campaign has no participant"))
}

/// Puts the plan's campaign on the store at `path`.
pub fn fill(plan: &Plan, path: &Path) -> Result<()> {
    let store = SqliteStore::open(path)?;
    let size: CampaignSize = plan.campaign;
    eprintln!(
        "writing a campaign: {} contact details, {} contact actions, {} signatures...",
        common::count(size.details),
        common::count(size.actions),
        common::count(size.signatures)
    );
    let started = Instant::now();
    let written = generate::fill_campaign(&store, size, plan.seed, BATCH)?;
    eprintln!(
        "  {} records in {:.1} s",
        common::count(written.participants + written.details + written.actions + written.answers),
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

/// Measures the report, the queues and recording an action on the store at
/// `path`, after putting the plan's campaign on it; returns the report's
/// samples, which the Python figures are compared with.
pub fn run(plan: &Plan, path: &Path, results: &mut Results) -> Result<Samples> {
    fill(plan, path)?;
    let campaign = Campaign::new(SqliteStore::open(path)?);
    let scope = election_scope(&campaign)?;
    let size = plan.campaign;

    eprintln!("timing the report...");
    let report = measure::time(plan.runs, || campaign.report(&scope))?;
    results.lines.push(Line {
        figure: format!(
            "SQLite: progress report on the whole election ({} candidacies, {} actions, {} signatures)",
            common::count(plan.rows),
            common::count(size.actions),
            common::count(size.signatures)
        ),
        samples: report.clone(),
        unit: Unit::Seconds,
        against: Against::Target(0.250),
    });

    let actor = first_participant(&campaign)?;
    for (kind, name) in [
        (QueueKind::ToCollect, "the collectors' queue"),
        (QueueKind::ToContact, "the queue to contact"),
        (QueueKind::ToFollowUp, "the queue to follow up"),
    ] {
        eprintln!("timing take_next from {name}...");
        let options = TakeOptions::default();
        let samples = measure::time(plan.quick_runs, || {
            campaign.take_next(actor, kind, &scope, &options)
        })?;
        results.lines.push(Line {
            figure: format!("SQLite: `take_next` from {name}, whole election"),
            samples,
            unit: Unit::Seconds,
            against: Against::Target(0.005),
        });
    }

    eprintln!("timing record_action...");
    let targets = campaign.queue(QueueKind::ToContact, &scope, plan.quick_runs + 1)?;
    let mut next = targets.iter().cycle();
    let samples = measure::time(plan.quick_runs, || {
        let Some(target) = next.next() else {
            return Err(Error::invalid("no candidacy to contact"));
        };
        campaign.record_action(
            actor,
            NewContactAction::new(target.id, Channel::Email, Outcome::Sent),
        )
    })?;
    results.lines.push(Line {
        figure: "SQLite: `record_action`, one contact action committed".into(),
        samples,
        unit: Unit::Seconds,
        against: Against::Target(0.002),
    });
    Ok(report)
}
