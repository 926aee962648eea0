//! Readers for the Ministry of the Interior's official candidate files.
//!
//! A [`CandidateReader`] reads a file one line at a time into
//! [`ImportRow`]s for [`Campaign::import`], which merges them into a store.
//! How the columns map to rows is a [`Layout`], written in a small text
//! format (see [`layout`]); the built-in layouts are such files:
//!
//! | layout | file |
//! |---|---|
//! | `legislatives-2024` | législatives 2024, one line per candidate with their substitute |
//! | `municipales-2026` | municipales 2026, lists with a head-of-list flag |
//! | `municipales-2020` | municipales 2020, tab separated, ISO-8859-1 |
//! | `regionales-2021` | régionales 2021 (a cleaned copy with English column names), lists with sections |
//!
//! Without a layout, the reader recognises a built-in one from the header.
//! Text is decoded from UTF-8 (with or without a byte order mark),
//! Windows-1252 or ISO-8859-1 ([`TextEncoding`]); separators, line endings,
//! empty trailing fields and codes without their leading zeros are taken as
//! they come. Every error names the file, the line and the column.
//!
//! ```
//! use candidats_core::{Campaign, ImportOptions, MemoryStore};
//! use candidats_import::{CandidateReader, ReadOptions};
//!
//! let file = "\u{feff}Code département;Département;Code circonscription;Circonscription;\
//!     Numéro de panneau;Libellé abrégé de liste;Libellé de la liste;Code nuance de liste;\
//!     Nuance de liste;Tête de liste;Ordre;Sexe;Nom sur le bulletin de vote;\
//!     Prénom sur le bulletin de vote;Nationalité;Code personnalité;CC\n\
//!     29;Finistère;29019;Brest;1;BREST ENSEMBLE;Brest ensemble, l'avenir;LDVG;Divers gauche;OUI;1;F;LE GALL;Anne-Sophie;FRA;;OUI\n\
//!     29;Finistère;29019;Brest;1;BREST ENSEMBLE;Brest ensemble, l'avenir;LDVG;Divers gauche;;2;M;D'ALMEIDA;José;FRA;;\n";
//! let mut reader = CandidateReader::new(file.as_bytes(), "municipales.csv", &ReadOptions::default())?;
//! let layout = reader.layout().clone();
//!
//! let campaign = Campaign::new(MemoryStore::new());
//! let options = ImportOptions::new(layout.election().unwrap_or("Municipales"), layout.kind());
//! let summary = campaign.import(&mut reader, &options, &mut |_, _| Ok(()))?;
//! assert_eq!((summary.candidacies, summary.lists, summary.heads_of_list), (2, 1, 1));
//! # Ok::<(), candidats_core::Error>(())
//! ```
//!
//! [`import_files`] does it all for a list of files: it recognises each
//! file's layout, names the election after it, and reports progress.
//!
//! # Limitations
//!
//! - The reader holds one line in memory at a time: a file with a quote
//!   left open would be read as one long line up to the next quote.
//! - `Auto` decoding takes a file that is not UTF-8 for Windows-1252, not
//!   for ISO-8859-1: the two differ only on bytes 0x80 to 0x9F, which are
//!   control characters in ISO-8859-1 and never appear in names. Give
//!   `iso-8859-1` in the layout to read those bytes as ISO-8859-1.
//! - The files of the municipales 2026 and 2020 were not at hand when their
//!   layouts were written: they follow the published column lists, and are
//!   tested on small files written after them.
#![deny(missing_docs)]

mod decode;
pub mod layout;
mod reader;
mod rejects;

use std::path::Path;

use candidats_core::{
    Campaign, Error, ImportOptions, ImportRow, ImportSummary, PersonMatch, RejectSink, Result,
    RowError, Store,
};
use chrono::NaiveDate;

pub use decode::TextEncoding;
pub use layout::{ColumnRef, Layout, Shape};
pub use reader::{CandidateReader, ReadOptions};
pub use rejects::{RejectsWriter, REJECT_COLUMNS};

/// What [`import_files`] imports, and how.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ImportRequest {
    /// The round the files are for: 1 or 2.
    pub round: u8,
    /// The election's name; the layout's default when `None`.
    pub election: Option<String>,
    /// The layout and encoding; recognised from each file's header when
    /// not given.
    pub read: ReadOptions,
    /// The day of the round, when known.
    pub round_date: Option<NaiveDate>,
    /// How candidates are matched to known persons.
    pub person_match: PersonMatch,
    /// Skip bad lines (passing each to the reject sink) instead of
    /// refusing the file.
    pub skip_invalid: bool,
}

impl ImportRequest {
    /// A request for a round, with every other choice left to the files'
    /// layouts: all or nothing, persons matched by name and date of birth.
    pub fn round(round: u8) -> ImportRequest {
        ImportRequest {
            round,
            election: None,
            read: ReadOptions::default(),
            round_date: None,
            person_match: PersonMatch::default(),
            skip_invalid: false,
        }
    }

    /// The import options for one file read with `layout`.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidInput`] when neither the request nor the layout
    /// names the election.
    pub fn options(&self, layout: &Layout, source: &str) -> Result<ImportOptions> {
        let Some(election) = self.election.as_deref().or(layout.election()) else {
            return Err(Error::invalid(format!(
                "layout {} names no election: give the election's name",
                layout.name()
            )));
        };
        Ok(ImportOptions {
            round: self.round,
            round_date: self.round_date,
            person_match: self.person_match,
            skip_invalid: self.skip_invalid,
            source: source.to_string(),
            ..ImportOptions::new(election, layout.kind())
        })
    }
}

/// How far [`import_files`] has gone.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Progress {
    /// The file being read, from 0.
    pub file: usize,
    /// Lines read in that file.
    pub rows: u64,
    /// Bytes read in all files so far.
    pub bytes: u64,
    /// The size of all files.
    pub total_bytes: u64,
}

/// How often, in lines, [`import_files`] reports progress.
const PROGRESS_EVERY: u64 = 256;

/// Imports candidate files into a campaign, each in its own transaction,
/// and gives one summary per file.
///
/// Each file's layout is `request.read.layout`, or recognised from its
/// header; the election is `request.election`, or the layout's. Skipped
/// lines (with `request.skip_invalid`) go to `reject`; `progress` is called
/// every few hundred lines and at the end of each file.
///
/// ```
/// use candidats_core::{Campaign, MemoryStore};
/// use candidats_import::{import_files, ImportRequest};
///
/// let dir = tempfile::tempdir().map_err(|e| candidats_core::Error::io("create", "tempdir", e))?;
/// let path = dir.path().join("t1.csv");
/// let file = ",region_code,region_name,geo_code,geo_name,board_number,list_code,list_name,\
///     political_color,lead,position,gender,surname,name,birth_surname,birth_name,birthday,occupation,age\n\
///     0,94,Corse,,,1,1,Corsica libera,LREG,Oui,1,F,SANTONI,Maria,SANTONI,Maria,1970-05-02,Enseignante,51.1\n\
///     1,94,Corse,,,1,1,Corsica libera,LREG,Non,2,M,ALBERTINI,Ghjuvan-Petru,ALBERTINI,Ghjuvan-Petru,1966-11-30,Agriculteur,54.6\n";
/// std::fs::write(&path, file).map_err(|e| candidats_core::Error::io("write", path.display(), e))?;
///
/// let campaign = Campaign::new(MemoryStore::new());
/// let summaries = import_files(&campaign, &[&path], &ImportRequest::round(1), &mut |_, _| Ok(()), &mut |_| {})?;
/// assert_eq!(summaries[0].candidacies, 2);
/// assert_eq!((summaries[0].sections, summaries[0].heads_of_section), (1, 1));
/// # Ok::<(), candidats_core::Error>(())
/// ```
///
/// # Errors
///
/// The first error stops: a file that cannot be opened or whose header
/// fits no layout, a missing election name ([`ImportRequest::options`]), or
/// the import's own errors ([`Campaign::import`]). Files before it stay
/// imported.
pub fn import_files<S: Store, P: AsRef<Path>>(
    campaign: &Campaign<S>,
    files: &[P],
    request: &ImportRequest,
    reject: &mut RejectSink<'_>,
    progress: &mut dyn FnMut(Progress),
) -> Result<Vec<ImportSummary>> {
    let mut total_bytes = 0;
    for path in files {
        let path = path.as_ref();
        let metadata =
            std::fs::metadata(path).map_err(|source| Error::io("read", path.display(), source))?;
        total_bytes += metadata.len();
    }

    let mut summaries = Vec::with_capacity(files.len());
    let mut done_bytes = 0;
    for (index, path) in files.iter().enumerate() {
        let path = path.as_ref();
        let mut reader = CandidateReader::open(path, &request.read)?;
        let options = request.options(reader.layout(), reader.file())?;

        let mut rows = 0;
        let mut tracked = std::iter::from_fn(|| {
            let item: Option<std::result::Result<ImportRow, RowError>> = reader.next();
            if item.is_some() {
                rows += 1;
                if rows % PROGRESS_EVERY == 0 {
                    progress(Progress {
                        file: index,
                        rows,
                        bytes: done_bytes + reader.bytes_read(),
                        total_bytes,
                    });
                }
            }
            item
        });
        let summary = campaign.import(&mut tracked, &options, reject)?;

        done_bytes += reader.bytes_read();
        progress(Progress {
            file: index,
            rows: summary.rows,
            bytes: done_bytes,
            total_bytes,
        });
        summaries.push(summary);
    }
    Ok(summaries)
}
