//! Prints a campaign's progress report (the *bilan d'étape*), for a person
//! or as JSON.
//!
//! ```sh
//! cargo run --release --example report
//! cargo run --release --example report -- --election "Régionales 2021" --constituency region:84
//! cargo run --release --example report -- --marathon 7 --json
//! cargo run --release --example report -- --html bilan.html --lang fr
//! ```
//!
//! Scope options combine: the report covers the candidacies matching them
//! all, and counts the contact actions and answers of the period.
//!
//! `--html OUT.html` also writes the report as a page to publish: one
//! self-contained file (no outside asset, it opens offline) with the
//! figures, charts, tables and the signatories by region and list, in
//! French or English (`--lang fr|en`). It shows no contact detail.

mod common;

use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use candidats::html::{self, Lang, PageOptions};
use candidats::{
    day_start, Breakdown, Campaign, CandidateList, Constituency, ConstituencyKind, Election, Error,
    ListId, MarathonId, ProgressReport, Result, Role, RoleFigures, Scope, StoreExt,
};
use chrono::NaiveDate;
use clap::Parser;
use indicatif::ProgressBar;

/// Print a campaign's progress report.
#[derive(Debug, Parser)]
#[command(name = "report")]
pub struct Args {
    /// The store: sqlite:PATH, csv:DIR, postgres://…, memory:
    #[arg(long, default_value = "sqlite:candidats.db")]
    pub store: String,
    /// Only this election, by name.
    #[arg(long, value_name = "NAME")]
    pub election: Option<String>,
    /// Only this round.
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u8).range(1..=2))]
    pub round: Option<u8>,
    /// Only this constituency and below, by its code (`84`, `0101`), or
    /// KIND:CODE when codes of several kinds match (`region:84`).
    #[arg(long, value_name = "CODE")]
    pub constituency: Option<String>,
    /// Only this list, by its identifier.
    #[arg(long, value_name = "ID")]
    pub list: Option<i64>,
    /// Only this nuance code (`RN`, `LUG`...).
    #[arg(long, value_name = "CODE")]
    pub nuance: Option<String>,
    /// Count contacts and answers from this day on (YYYY-MM-DD).
    #[arg(long, value_name = "DATE")]
    pub from: Option<NaiveDate>,
    /// Count contacts and answers up to this day included (YYYY-MM-DD).
    #[arg(long, value_name = "DATE")]
    pub until: Option<NaiveDate>,
    /// The goal and time window of this contact marathon, by identifier.
    #[arg(long, value_name = "ID")]
    pub marathon: Option<i64>,
    /// Lines of each breakdown shown (by constituency, list, nuance).
    #[arg(long, default_value_t = 10, value_name = "N")]
    pub limit: usize,
    /// Print the report as JSON.
    #[arg(long)]
    pub json: bool,
    /// Also write the report as a self-contained HTML page to this file.
    #[arg(long, value_name = "OUT.html")]
    pub html: Option<PathBuf>,
    /// The language of the HTML page: fr or en.
    #[arg(long, default_value = "fr", value_name = "fr|en", value_parser = parse_lang)]
    pub lang: Lang,
}

fn parse_lang(text: &str) -> std::result::Result<Lang, String> {
    Lang::parse(text).map_err(|e| e.to_string())
}

/// Computes the report `args` asks for and prints it to `out`; a spinner
/// shows on standard error when `progress` is set.
///
/// # Errors
///
/// A store that cannot be opened, an unknown election, constituency, list
/// or marathon, a store failure.
pub fn run(args: &Args, out: &mut dyn Write, progress: bool) -> Result<ProgressReport> {
    let campaign = Campaign::new(candidats::open(&args.store)?);
    let (scope, title) = scope(&campaign, args)?;

    let spinner = if progress {
        let spinner = ProgressBar::new_spinner();
        spinner.set_message("calcul du bilan…");
        spinner.enable_steady_tick(std::time::Duration::from_millis(120));
        spinner
    } else {
        ProgressBar::hidden()
    };
    let report = campaign.report(&scope);
    spinner.finish_and_clear();
    let report = report?;

    if let Some(path) = &args.html {
        let page = html::page(campaign.store(), &report, &PageOptions::new(args.lang))?;
        std::fs::write(path, page).map_err(|e| Error::io("write", path.display(), e))?;
    }
    if args.json {
        let json = serde_json::to_string_pretty(&report)
            .map_err(|e| Error::invalid(format!("cannot write the report as JSON: {e}")))?;
        writeln!(out, "{json}").map_err(common::output_error)?;
    } else {
        print_report(&report, &title, args.limit, out).map_err(common::output_error)?;
    }
    Ok(report)
}

/// The scope the options describe, and its description for people.
fn scope<S: candidats::Store>(campaign: &Campaign<S>, args: &Args) -> Result<(Scope, String)> {
    let store = campaign.store();
    let mut title = Vec::new();
    let mut scope = match args.marathon {
        Some(id) => {
            let marathon = store.read_with(|r| r.marathon(MarathonId::new(id)))?;
            title.push(marathon.name.to_string());
            marathon.scope()
        }
        None => Scope::default(),
    };

    if let Some(name) = &args.election {
        let election = store.read_with(|r| r.election_named(name))?;
        let Some(election) = election else {
            let known = store.read_with(|r| r.elections())?;
            let known: Vec<&str> = known.iter().map(Election::name).collect();
            return Err(Error::invalid(format!(
                "no election is named `{name}` (known: {})",
                known.join(", ")
            )));
        };
        title.push(election.name().to_string());
        scope.election = Some(election.id());
    }
    if let Some(round) = args.round {
        title.push(format!("tour {round}"));
        scope.round = Some(round);
    }
    if let Some(code) = &args.constituency {
        let constituency = find_constituency(campaign, scope.election, code)?;
        title.push(format!("{} ({})", constituency.name, constituency.code));
        scope.constituency = Some(constituency.id);
    }
    if let Some(id) = args.list {
        let list: CandidateList = store.read_with(|r| r.list(ListId::new(id)))?;
        title.push(format!("liste « {} »", list.label));
        scope.list = Some(list.id);
    }
    if let Some(nuance) = &args.nuance {
        title.push(format!("nuance {nuance}"));
        scope.nuance = Some(nuance.clone());
    }
    if args.from.is_some() || args.until.is_some() {
        scope.from = args.from.map(day_start).or(scope.from);
        scope.until = args
            .until
            .and_then(|day| day.succ_opt())
            .map(day_start)
            .or(scope.until);
        let day = |d: Option<NaiveDate>| d.map(|d| d.to_string()).unwrap_or_else(|| "…".into());
        title.push(format!("du {} au {}", day(args.from), day(args.until)));
    }
    if title.is_empty() {
        title.push("toute la campagne".to_string());
    }
    Ok((scope, title.join(", ")))
}

/// The constituency with this code (or KIND:CODE), in the election when
/// one is given.
fn find_constituency<S: candidats::Store>(
    campaign: &Campaign<S>,
    election: Option<candidats::ElectionId>,
    wanted: &str,
) -> Result<Constituency> {
    let (kind, code) = match wanted.split_once(':') {
        Some((kind, code)) => (Some(ConstituencyKind::from_name(kind)?), code),
        None => (None, wanted),
    };
    let code = code.trim().to_uppercase();
    let matches = campaign.store().read_with(|r| {
        let elections = match election {
            Some(id) => vec![id],
            None => r.elections()?.iter().map(Election::id).collect(),
        };
        let mut matches = Vec::new();
        for id in elections {
            matches.extend(
                r.constituencies(id)?
                    .into_iter()
                    .filter(|c| c.code == code && kind.is_none_or(|k| c.kind == k)),
            );
        }
        Ok(matches)
    })?;
    match <[Constituency; 1]>::try_from(matches) {
        Ok([only]) => Ok(only),
        Err(matches) if matches.is_empty() => Err(Error::invalid(format!(
            "no constituency has the code `{wanted}`"
        ))),
        Err(matches) => {
            let names: Vec<String> = matches
                .iter()
                .map(|c| format!("{}:{} ({})", c.kind, c.code, c.name))
                .collect();
            let hint = if election.is_some() {
                "give KIND:CODE"
            } else {
                "give KIND:CODE, or --election"
            };
            Err(Error::invalid(format!(
                "several constituencies have the code `{wanted}`: {}; {hint}",
                names.join(", ")
            )))
        }
    }
}

fn print_report(
    report: &ProgressReport,
    title: &str,
    limit: usize,
    out: &mut dyn Write,
) -> std::io::Result<()> {
    // The text is in French, and so are its numbers: `21 456`, `3,4 %`.
    let n = fr_count;
    let share = fr_share;
    writeln!(out, "Bilan d'étape — {title}")?;
    writeln!(
        out,
        "calculé le {}",
        report.generated_at.format("%d/%m/%Y à %H:%M UTC")
    )?;
    writeln!(out)?;

    let line =
        |out: &mut dyn Write, label: &str, value: String| writeln!(out, "  {label:<42} {value}");
    line(out, "candidatures", n(report.candidacies))?;
    line(out, "signataires du pacte", n(report.signatories))?;
    line(
        out,
        "candidats contactés",
        share(report.contacted, report.candidacies),
    )?;
    line(
        out,
        "actions de contact",
        format!(
            "{} (un candidat peut être contacté plusieurs fois)",
            n(report.contact_actions)
        ),
    )?;
    let roles = [
        (Role::HeadOfList, "têtes de liste contactées"),
        (Role::HeadOfSection, "têtes de section contactées"),
        (Role::SingleSeat, "candidats à un siège contactés"),
        (Role::PairMember, "candidats en binôme contactés"),
    ];
    for (role, label) in roles {
        let Some(figures) = report.roles.get(&role) else {
            continue;
        };
        line(out, label, role_figures(figures))?;
    }
    if report.heads_of_section.total > 0 {
        line(
            out,
            "têtes de section restant à contacter",
            n(report.heads_of_section_to_contact),
        )?;
    }
    line(
        out,
        "contactés sans réponse, à relancer",
        n(report.to_follow_up),
    )?;
    line(out, "refus", n(report.declined))?;
    line(
        out,
        "candidats sans coordonnées connues",
        share(report.without_contact_detail, report.candidacies),
    )?;

    let breakdowns = [
        ("Par circonscription", &report.by_constituency),
        ("Par liste", &report.by_list),
        ("Par nuance", &report.by_nuance),
    ];
    for (heading, lines) in breakdowns {
        if lines.is_empty() {
            continue;
        }
        writeln!(out)?;
        writeln!(out, "{heading}")?;
        let mut sorted: Vec<&Breakdown> = lines.iter().collect();
        sorted.sort_by_key(|b| std::cmp::Reverse(b.tally.candidacies));
        for b in sorted.iter().take(limit) {
            let name = match &b.code {
                Some(code) if !code.is_empty() && *code != b.name => {
                    format!("{} ({code})", b.name)
                }
                _ => b.name.clone(),
            };
            writeln!(
                out,
                "  {:<44} {:>7} candidatures, {} contactées, {} signataires",
                truncate(&name, 44),
                n(b.tally.candidacies),
                share(b.tally.contacted, b.tally.candidacies),
                n(b.tally.signatories)
            )?;
        }
        if sorted.len() > limit {
            writeln!(out, "  … et {} autres", n((sorted.len() - limit) as u64))?;
        }
    }

    if !report.participants.is_empty() {
        writeln!(out)?;
        writeln!(out, "Participants")?;
        for p in &report.participants {
            let rate = p
                .contacts_per_hour
                .map(|r| format!(", {r:.1} contacts par heure"))
                .unwrap_or_default();
            writeln!(
                out,
                "  {:<30} {} actions, {} candidats{rate}",
                truncate(&p.name, 30),
                n(p.contact_actions),
                n(p.candidacies)
            )?;
        }
    }
    Ok(())
}

/// "165 sur 171 (96,5 %), dont 25 signataires (14,6 %)".
fn role_figures(f: &RoleFigures) -> String {
    format!(
        "{} sur {} ({}), dont {} signataires ({})",
        fr_count(f.contacted),
        fr_count(f.total),
        html::format_percent(f.contacted_percent, Lang::Fr),
        fr_count(f.signatories),
        html::format_percent(candidats::percent(f.signatories, f.total), Lang::Fr)
    )
}

/// A count as French writes it: `21 456`, with a narrow no-break space.
fn fr_count(value: u64) -> String {
    html::format_count(value, Lang::Fr)
}

/// A count with its share of a whole, in French: `731 (3,4 %)`.
fn fr_share(part: u64, whole: u64) -> String {
    format!(
        "{} ({})",
        fr_count(part),
        html::format_percent(candidats::percent(part, whole), Lang::Fr)
    )
}

fn truncate(text: &str, width: usize) -> String {
    if text.chars().count() <= width {
        return text.to_string();
    }
    let mut short: String = text.chars().take(width - 1).collect();
    short.push('…');
    short
}

fn main() -> ExitCode {
    let args = Args::parse();
    common::init_tracing();

    let progress = std::io::stderr().is_terminal();
    match run(&args, &mut std::io::stdout().lock(), progress) {
        Ok(_) => ExitCode::SUCCESS,
        Err(error) => {
            common::print_error_chain(&error);
            ExitCode::FAILURE
        }
    }
}
