//! The rejects file: the lines an import skipped, and why.

use std::fs::File;
use std::io::{self, BufWriter, Write};
use std::path::Path;

use candidats_core::{Error, Result};

/// The columns a rejects file starts with; the line's raw fields follow.
pub const REJECT_COLUMNS: [&str; 5] = ["file", "line", "column", "field", "reason"];

/// Writes each line skipped by an import to a CSV file: the file, line,
/// column and field of the problem, the reason, then the line's raw fields
/// (as many as the line had), so that the lines can be fixed and imported
/// again.
///
/// Use [`RejectsWriter::write`] as the `reject` sink of
/// [`Campaign::import`](candidats_core::Campaign::import).
///
/// ```
/// use candidats_core::{Error, Location};
/// use candidats_import::RejectsWriter;
///
/// let mut rejects = RejectsWriter::new(Vec::new(), "rejects.csv");
/// let error = Error::invalid_at(
///     Location::file("candidats.csv").line(7).column(10).field("Date de naissance du candidat"),
///     "expected a date dd/mm/yyyy, found `31/02/2024`",
/// );
/// rejects.write(&error, &["1".to_string(), "Ain".to_string()])?;
/// let bytes = rejects.finish()?;
///
/// let text = String::from_utf8(bytes).unwrap_or_default();
/// let mut lines = text.lines();
/// assert_eq!(lines.next(), Some("file,line,column,field,reason"));
/// assert_eq!(
///     lines.next(),
///     Some("candidats.csv,7,10,Date de naissance du candidat,\
///           \"expected a date dd/mm/yyyy, found `31/02/2024`\",1,Ain"),
/// );
/// # Ok::<(), candidats_core::Error>(())
/// ```
pub struct RejectsWriter<W: Write> {
    csv: csv::Writer<W>,
    path: String,
    written: u64,
}

impl<W: Write> std::fmt::Debug for RejectsWriter<W> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RejectsWriter")
            .field("path", &self.path)
            .field("written", &self.written)
            .finish_non_exhaustive()
    }
}

impl RejectsWriter<BufWriter<File>> {
    /// Creates (or truncates) a rejects file.
    ///
    /// # Errors
    ///
    /// [`Error::Io`] when the file cannot be created.
    pub fn create(path: impl AsRef<Path>) -> Result<RejectsWriter<BufWriter<File>>> {
        let path = path.as_ref();
        let file =
            File::create(path).map_err(|source| Error::io("create", path.display(), source))?;
        Ok(RejectsWriter::new(
            BufWriter::new(file),
            path.display().to_string(),
        ))
    }
}

impl<W: Write> RejectsWriter<W> {
    /// A rejects writer on `write`, named `path` in errors.
    pub fn new(write: W, path: impl Into<String>) -> RejectsWriter<W> {
        let csv = csv::WriterBuilder::new().flexible(true).from_writer(write);
        RejectsWriter {
            csv,
            path: path.into(),
            written: 0,
        }
    }

    /// Writes one skipped line: where and why (from `error`), then its raw
    /// fields.
    ///
    /// # Errors
    ///
    /// [`Error::Io`] when writing fails.
    pub fn write(&mut self, error: &Error, raw: &[String]) -> Result<()> {
        if self.written == 0 {
            self.csv
                .write_record(REJECT_COLUMNS)
                .map_err(|e| self.io_error(e))?;
        }
        let location = error.location().cloned().unwrap_or_default();
        let number = |n: Option<u64>| n.map(|n| n.to_string()).unwrap_or_default();
        let reason = match error {
            Error::InvalidInput { message, .. } => message.clone(),
            other => other.to_string(),
        };
        let mut record = vec![
            location.file.unwrap_or_default(),
            number(location.line),
            number(location.column),
            location.field.unwrap_or_default(),
            reason,
        ];
        record.extend(raw.iter().cloned());
        self.csv
            .write_record(&record)
            .map_err(|e| self.io_error(e))?;
        self.written += 1;
        Ok(())
    }

    /// How many lines were written.
    pub fn written(&self) -> u64 {
        self.written
    }

    /// Flushes the file and gives back the writer.
    ///
    /// # Errors
    ///
    /// [`Error::Io`] when flushing fails.
    pub fn finish(self) -> Result<W> {
        let path = self.path;
        self.csv
            .into_inner()
            .map_err(|e| Error::io("write", &path, e.into_error()))
    }

    fn io_error(&self, error: csv::Error) -> Error {
        Error::io("write", &self.path, io::Error::from(error))
    }
}
