//! Imports official candidate files into a campaign store.
//!
//! ```sh
//! cargo run --release --example import_lists -- examples/data/legislatives-2024-sample.csv
//! cargo run --release --example import_lists -- --round 2 --json t2.csv
//! cargo run --release --example import_lists -- --layout my.layout --election "Municipales 2026" \
//!     --skip-invalid rejects.csv listes.csv
//! ```
//!
//! The layout of each file is recognised from its header (législatives
//! 2024, municipales 2026 and 2020, régionales 2021), or given with
//! `--layout` (a built-in layout's name or a layout file). A progress bar
//! shows on a terminal; `RUST_LOG=debug` logs what the library does.

mod common;

use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use candidats::import::{
    import_files, CandidateReader, ImportRequest, Layout, Progress, RejectsWriter, TextEncoding,
};
use candidats::{Campaign, Error, ImportSummary, PersonMatch, Result};
use clap::Parser;
use indicatif::{ProgressBar, ProgressStyle};
use serde::Serialize;

/// Import official candidate files into a campaign store.
#[derive(Debug, Parser)]
#[command(name = "import_lists")]
pub struct Args {
    /// The store: sqlite:PATH, csv:DIR, postgres://…, memory:
    #[arg(long, default_value = "sqlite:candidats.db")]
    pub store: String,
    /// A layout file, or the name of a built-in layout (legislatives-2024,
    /// municipales-2026, municipales-2020, regionales-2021); recognised
    /// from each file's header when not given.
    #[arg(long, value_name = "FILE")]
    pub layout: Option<String>,
    /// The files' encoding (utf-8, windows-1252, iso-8859-1), instead of
    /// the layout's.
    #[arg(long)]
    pub encoding: Option<String>,
    /// The election's name; the layout's when not given.
    #[arg(long, value_name = "NAME")]
    pub election: Option<String>,
    /// The round the files are for.
    #[arg(long, default_value_t = 1, value_parser = clap::value_parser!(u8).range(1..=2))]
    pub round: u8,
    /// How candidates are matched to persons already known: name-and-birth-date, name, never.
    #[arg(long, default_value = "name-and-birth-date", value_name = "RULE")]
    pub person_match: String,
    /// Skip bad lines, writing each to this CSV file with the reason.
    #[arg(long, value_name = "REJECTS.csv")]
    pub skip_invalid: Option<PathBuf>,
    /// Print one JSON object instead of the summary.
    #[arg(long)]
    pub json: bool,
    /// The official files.
    #[arg(required = true, value_name = "FILE")]
    pub files: Vec<PathBuf>,
}

/// One file's import, as printed.
#[derive(Debug, Serialize)]
pub struct FileImport {
    /// The file.
    pub file: String,
    /// The layout it was read with.
    pub layout: String,
    /// What the import did.
    pub summary: ImportSummary,
}

/// What the program prints with `--json`: the totals over every file,
/// then each file's summary.
#[derive(Debug, Default, Serialize)]
pub struct Totals {
    pub candidacies: u64,
    pub persons: u64,
    pub lists: u64,
    pub sections: u64,
    pub constituencies: u64,
    pub heads_of_list: u64,
    pub heads_of_section: u64,
    pub substitutes: u64,
    pub rejected: u64,
    pub rows: u64,
    pub created: u64,
    pub updated: u64,
    pub unchanged: u64,
    pub withdrawn: u64,
    pub persons_created: u64,
    pub persons_reused: u64,
    pub ambiguous: u64,
    pub rejects_file: Option<String>,
    pub files: Vec<FileImport>,
}

impl Totals {
    fn add(&mut self, s: &ImportSummary) {
        self.candidacies += s.candidacies;
        self.persons += s.persons;
        self.lists += s.lists;
        self.sections += s.sections;
        self.constituencies += s.constituencies;
        self.heads_of_list += s.heads_of_list;
        self.heads_of_section += s.heads_of_section;
        self.substitutes += s.substitutes;
        self.rejected += s.rejected;
        self.rows += s.rows;
        self.created += s.created;
        self.updated += s.updated;
        self.unchanged += s.unchanged;
        self.withdrawn += s.withdrawn;
        self.persons_created += s.persons_created;
        self.persons_reused += s.persons_reused;
        self.ambiguous += s.ambiguous.len() as u64;
    }
}

/// Imports the files as `args` asks and prints the outcome to `out`; a
/// progress bar shows on standard error when `progress` is set.
///
/// # Errors
///
/// A store that cannot be opened, a bad option, a file that cannot be
/// read or imported, a rejects file that cannot be written.
pub fn run(args: &Args, out: &mut dyn Write, progress: bool) -> Result<Totals> {
    let campaign = Campaign::new(candidats::open(&args.store)?);
    let request = request(args)?;

    let mut layouts = Vec::with_capacity(args.files.len());
    for file in &args.files {
        let reader = CandidateReader::open(file, &request.read)?;
        layouts.push(reader.layout().title().to_string());
    }
    let bar = if progress {
        let bar = ProgressBar::new(0);
        bar.set_style(
            ProgressStyle::with_template(
                "{spinner} [{elapsed_precise}] {wide_bar} {bytes}/{total_bytes} {msg}",
            )
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
        );
        bar
    } else {
        ProgressBar::hidden()
    };
    let mut on_progress = |p: Progress| {
        bar.set_length(p.total_bytes);
        bar.set_position(p.bytes);
        bar.set_message(format!("{} lignes", common::count(p.rows)));
    };

    let mut rejects = match &args.skip_invalid {
        Some(path) => Some(RejectsWriter::create(path)?),
        None => None,
    };
    let summaries = match rejects.as_mut() {
        Some(rejects) => import_files(
            &campaign,
            &args.files,
            &request,
            &mut |error, raw| rejects.write(error, raw),
            &mut on_progress,
        ),
        None => import_files(
            &campaign,
            &args.files,
            &request,
            &mut |_, _| Ok(()),
            &mut on_progress,
        ),
    };
    bar.finish_and_clear();
    let summaries = summaries?;
    if let Some(rejects) = rejects {
        rejects.finish()?;
    }

    let mut totals = Totals {
        rejects_file: args.skip_invalid.as_ref().map(|p| p.display().to_string()),
        ..Totals::default()
    };
    for ((file, layout), summary) in args.files.iter().zip(layouts).zip(summaries) {
        totals.add(&summary);
        totals.files.push(FileImport {
            file: file.display().to_string(),
            layout,
            summary,
        });
    }
    if args.json {
        let json = serde_json::to_string_pretty(&totals)
            .map_err(|e| Error::invalid(format!("cannot write the summary as JSON: {e}")))?;
        writeln!(out, "{json}").map_err(common::output_error)?;
    } else {
        print_summary(&totals, &args.store, out).map_err(common::output_error)?;
    }
    Ok(totals)
}

fn request(args: &Args) -> Result<ImportRequest> {
    let mut request = ImportRequest::round(args.round);
    request.election.clone_from(&args.election);
    request.skip_invalid = args.skip_invalid.is_some();
    request.person_match = match args.person_match.as_str() {
        "name-and-birth-date" => PersonMatch::NameAndBirthDate,
        "name" => PersonMatch::Name,
        "never" => PersonMatch::Never,
        other => {
            return Err(Error::invalid(format!(
                "expected --person-match name-and-birth-date, name or never, found `{other}`"
            )))
        }
    };
    request.read.layout = match &args.layout {
        Some(name) => Some(match Layout::builtin_named(name) {
            Some(layout) => layout.clone(),
            None => Layout::from_file(name)?,
        }),
        None => None,
    };
    request.read.encoding = match &args.encoding {
        Some(label) => Some(TextEncoding::from_label(label).ok_or_else(|| {
            Error::invalid(format!(
                "expected --encoding utf-8, windows-1252, iso-8859-1 or auto, found `{label}`"
            ))
        })?),
        None => None,
    };
    Ok(request)
}

fn print_summary(totals: &Totals, store: &str, out: &mut dyn Write) -> std::io::Result<()> {
    let n = common::count;
    for file in &totals.files {
        let s = &file.summary;
        writeln!(out, "{} — {}, tour {}", file.file, file.layout, s.round)?;
        writeln!(out, "  lignes lues                {:>9}", n(s.rows))?;
        writeln!(out, "  candidatures               {:>9}", n(s.candidacies))?;
        writeln!(out, "  remplaçants                {:>9}", n(s.substitutes))?;
        writeln!(
            out,
            "  personnes                  {:>9}  ({} nouvelles, {} déjà connues)",
            n(s.persons),
            n(s.persons_created),
            n(s.persons_reused)
        )?;
        writeln!(
            out,
            "  circonscriptions           {:>9}",
            n(s.constituencies)
        )?;
        writeln!(out, "  listes                     {:>9}", n(s.lists))?;
        writeln!(out, "  sections                   {:>9}", n(s.sections))?;
        writeln!(
            out,
            "  têtes de liste             {:>9}",
            n(s.heads_of_list)
        )?;
        writeln!(
            out,
            "  têtes de section           {:>9}",
            n(s.heads_of_section)
        )?;
        writeln!(
            out,
            "  candidatures créées {}, modifiées {}, inchangées {}, retirées {}",
            n(s.created),
            n(s.updated),
            n(s.unchanged),
            n(s.withdrawn)
        )?;
        if !s.ambiguous.is_empty() {
            writeln!(
                out,
                "  homonymes ambigus          {:>9}  (une nouvelle personne créée pour chacun)",
                n(s.ambiguous.len() as u64)
            )?;
        }
        writeln!(out, "  lignes rejetées            {:>9}", n(s.rejected))?;
    }
    if totals.files.len() > 1 {
        writeln!(
            out,
            "total: {} candidatures, {} remplaçants, {} listes, {} lignes rejetées",
            n(totals.candidacies),
            n(totals.substitutes),
            n(totals.lists),
            n(totals.rejected)
        )?;
    }
    if let (Some(file), true) = (&totals.rejects_file, totals.rejected > 0) {
        writeln!(out, "lignes rejetées écrites dans {file}")?;
    }
    writeln!(out, "base : {store}")
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
