//! Importing official candidate files, through `candidats::import`.

use std::path::PathBuf;

use candidats as core;
use candidats::import::{import_files, ImportRequest, Layout, RejectsWriter, TextEncoding};
use candidats::DynStore;
use chrono::NaiveDate;
use pyo3::prelude::*;

use crate::error::Result;
use crate::records::ImportSummary;

/// What `Campaign.import_files` was asked, as read from Python.
pub(crate) struct ImportArguments {
    pub(crate) files: Vec<PathBuf>,
    pub(crate) round: u8,
    pub(crate) election: Option<String>,
    pub(crate) layout: Option<PathBuf>,
    pub(crate) encoding: Option<String>,
    pub(crate) round_date: Option<NaiveDate>,
    pub(crate) person_match: String,
    pub(crate) skip_invalid: bool,
    pub(crate) rejects: Option<PathBuf>,
}

/// Reads one path, or a sequence of paths.
pub(crate) fn paths(files: &Bound<'_, PyAny>) -> PyResult<Vec<PathBuf>> {
    match files.extract::<PathBuf>() {
        Ok(path) => Ok(vec![path]),
        Err(_) => files.extract::<Vec<PathBuf>>(),
    }
}

/// Imports the files with the GIL released; one summary per file.
pub(crate) fn run(
    py: Python<'_>,
    campaign: &core::Campaign<DynStore>,
    arguments: ImportArguments,
) -> Result<Vec<ImportSummary>> {
    let summaries = py.detach(|| -> core::Result<Vec<core::ImportSummary>> {
        let mut request = ImportRequest::round(arguments.round);
        request.election = arguments.election;
        request.round_date = arguments.round_date;
        request.skip_invalid = arguments.skip_invalid;
        request.person_match = person_match(&arguments.person_match)?;
        request.read.layout = arguments.layout.as_deref().map(layout).transpose()?;
        request.read.encoding = arguments.encoding.as_deref().map(encoding).transpose()?;

        let mut nowhere = |_: &core::Error, _: &[String]| Ok(());
        let Some(path) = arguments.rejects else {
            return import_files(
                campaign,
                &arguments.files,
                &request,
                &mut nowhere,
                &mut |_| {},
            );
        };
        let mut rejects = RejectsWriter::create(&path)?;
        let summaries = import_files(
            campaign,
            &arguments.files,
            &request,
            &mut |error, raw| rejects.write(error, raw),
            &mut |_| {},
        )?;
        rejects.finish()?;
        Ok(summaries)
    })?;
    Ok(summaries.iter().map(ImportSummary::from).collect())
}

/// A built-in layout by name, or a layout file.
fn layout(name_or_path: &std::path::Path) -> core::Result<Layout> {
    let builtin = name_or_path.to_str().and_then(Layout::builtin_named);
    match builtin {
        Some(layout) => Ok(layout.clone()),
        None => Layout::from_file(name_or_path),
    }
}

fn encoding(label: &str) -> core::Result<TextEncoding> {
    TextEncoding::from_label(label).ok_or_else(|| {
        core::Error::invalid(format!(
            "expected an encoding (utf-8, windows-1252, iso-8859-1 or auto), found `{label}`"
        ))
    })
}

fn person_match(name: &str) -> core::Result<core::PersonMatch> {
    match name {
        "name_and_birth_date" => Ok(core::PersonMatch::NameAndBirthDate),
        "name" => Ok(core::PersonMatch::Name),
        "never" => Ok(core::PersonMatch::Never),
        other => Err(core::Error::invalid(format!(
            "expected a person match (name_and_birth_date, name, never), found `{other}`"
        ))),
    }
}

/// The names of the built-in layouts, which `import_files` recognises from
/// a file's header, or takes by name.
#[pyfunction]
pub(crate) fn layouts() -> Vec<String> {
    Layout::builtin()
        .iter()
        .map(|layout| layout.name().to_string())
        .collect()
}
