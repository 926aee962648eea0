//! The streaming reader of candidate files.

use std::collections::HashMap;
use std::fs::File;
use std::io::{self, BufRead, BufReader, Chain, Cursor, Read};
use std::path::Path;

use candidats_core::{
    AreaSpec, CandidateSpec, Error, ImportRow, Location, Name, Nuance, Result, RowError, SeatSpec,
    Sex,
};
use chrono::NaiveDate;

use crate::decode::{Decoder, TextEncoding};
use crate::layout::{AreaColumns, ColumnRef, Layout, PersonColumns, SeatLayout, Shape};

/// The UTF-8 byte order mark.
const BOM: &[u8] = b"\xEF\xBB\xBF";

/// The longest line read before the data (comment lines, the header).
const MAX_HEADER_LINE: u64 = 1 << 20;

/// Blank lines tolerated between the skipped lines and the header.
const BLANK_LINES: usize = 3;

/// How to read a candidate file.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ReadOptions {
    /// The file's layout; `None` recognises a built-in layout from the
    /// header.
    pub layout: Option<Layout>,
    /// The file's encoding, instead of the layout's.
    pub encoding: Option<TextEncoding>,
}

impl ReadOptions {
    /// Options reading files in `layout`.
    pub fn with_layout(layout: Layout) -> ReadOptions {
        ReadOptions {
            layout: Some(layout),
            encoding: None,
        }
    }
}

type Input<R> = Chain<Cursor<Vec<u8>>, BufReader<R>>;

/// Reads a candidate file one line at a time into [`ImportRow`]s, for
/// [`Campaign::import`](candidats_core::Campaign::import).
///
/// The reader holds one line in memory at a time, whatever the file's size.
/// Each item is a row, or a [`RowError`]: a bad value in a line is
/// recoverable (the import may skip the line), a failure to read the file
/// is fatal and ends the iteration. A file whose header does not fit the
/// layout is refused when the reader is built.
///
/// ```
/// use candidats_import::{CandidateReader, ReadOptions};
///
/// let file = "Code département;Département;Code circonscription;Libellé circonscription;\
///             Numéro de panneau;N° dépôt;Sexe du candidat;Nom du candidat;Prénom du candidat;\
///             Date de naissance du candidat;Code nuance;Profession;Sortant;Sexe remplaçant;\
///             Nom remplaçant;Prénom remplaçant;Date de naissance remplaçant;Sortant remplaçant\r\n\
///             2A;Corse-du-Sud;2A01;1ère circonscription;1;1;F;D'ORNANO;Marie-Pierre;\
///             12/03/1970;DVD;Avocate;;M;LE GALL;Éric;01/01/1980;\r\n";
/// let mut reader = CandidateReader::new(file.as_bytes(), "candidats.csv", &ReadOptions::default())?;
/// assert_eq!(reader.layout().name(), "legislatives-2024");
///
/// let row = reader.next().transpose().map_err(|e| e.error)?.expect("one row");
/// assert_eq!(row.location.line, Some(2));
/// assert_eq!(row.area[1].code, "2A01");
/// assert_eq!(row.candidate.surname, "D'ORNANO");
/// assert!(reader.next().is_none());
/// # Ok::<(), candidats_core::Error>(())
/// ```
pub struct CandidateReader<R> {
    file: String,
    layout: Layout,
    csv: csv::Reader<Input<R>>,
    record: csv::ByteRecord,
    decoder: Decoder,
    header: Vec<String>,
    columns: HashMap<ColumnRef, usize>,
    width: usize,
    lines_before: u64,
    bytes_before: u64,
    done: bool,
}

impl<R> std::fmt::Debug for CandidateReader<R> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CandidateReader")
            .field("file", &self.file)
            .field("layout", &self.layout.name())
            .field("encoding", &self.decoder.found)
            .finish_non_exhaustive()
    }
}

impl CandidateReader<File> {
    /// Opens a candidate file; errors and rows name it by `path`.
    ///
    /// # Errors
    ///
    /// [`Error::Io`] when the file cannot be opened or read; otherwise as
    /// [`CandidateReader::new`].
    pub fn open(path: impl AsRef<Path>, options: &ReadOptions) -> Result<CandidateReader<File>> {
        let path = path.as_ref();
        let file = File::open(path).map_err(|source| Error::io("open", path.display(), source))?;
        CandidateReader::new(file, path.display().to_string(), options)
    }
}

impl<R: Read> CandidateReader<R> {
    /// Reads the header of a candidate file from `read`, named `file` in
    /// errors and rows.
    ///
    /// # Errors
    ///
    /// [`Error::Io`] when the input cannot be read. [`Error::InvalidInput`]
    /// naming the file and the header's line when the file is empty, when
    /// the header lacks a column the layout names (or, without a layout,
    /// fits no built-in layout: the message names the closest one and its
    /// missing columns), names one of those columns twice, or cannot be
    /// decoded in the layout's encoding.
    pub fn new(read: R, file: impl Into<String>, options: &ReadOptions) -> Result<Self> {
        let file = file.into();
        let io_error = |source| Error::io("read", &file, source);
        let mut input = BufReader::with_capacity(64 * 1024, read);

        let bom = input.fill_buf().map_err(io_error)?.starts_with(BOM);
        if bom {
            input.consume(BOM.len());
        }
        let candidates: Vec<&Layout> = match &options.layout {
            Some(layout) => vec![layout],
            None => Layout::builtin().iter().collect(),
        };
        let peek = candidates.iter().map(|l| l.skip).max().unwrap_or(0) + 1 + BLANK_LINES;
        let lines = peek_lines(&mut input, peek, &file)?;
        if lines.iter().all(|line| trim_line_end(line).is_empty()) {
            return Err(Error::invalid_at(
                Location::file(&file).line(1),
                "expected a header, found an empty file",
            ));
        }

        let mut closest: Option<(Error, usize, usize)> = None;
        let mut chosen = None;
        for layout in candidates {
            let encoding = options.encoding.unwrap_or(layout.encoding);
            let mut decoder = Decoder::new(encoding);
            if bom {
                decoder.saw_bom();
            }
            match fit(layout, &lines, &mut decoder, &file) {
                Ok(fitted) => {
                    chosen = Some((layout.clone().with_encoding(encoding), decoder, fitted));
                    break;
                }
                Err((error, missing)) => {
                    let all = layout.columns().len();
                    if closest
                        .as_ref()
                        .is_none_or(|(_, fewest, _)| missing < *fewest)
                    {
                        closest = Some((error, missing, all));
                    }
                }
            }
        }
        let Some((layout, decoder, fitted)) = chosen else {
            return Err(match (options.layout.is_some(), closest) {
                (true, Some((error, _, _))) => error,
                (false, Some((Error::InvalidInput { location, message }, missing, all)))
                    if missing < all =>
                {
                    Error::InvalidInput {
                        location,
                        message: format!(
                            "the header fits no built-in layout (give a layout file); \
                             the closest: {message}"
                        ),
                    }
                }
                _ => {
                    let names: Vec<&str> = Layout::builtin().iter().map(Layout::name).collect();
                    Error::invalid_at(
                        Location::file(&file).line(1),
                        format!(
                            "the header fits no built-in layout ({}): give a layout file",
                            names.join(", ")
                        ),
                    )
                }
            });
        };

        let bytes_before = lines[..fitted.data_start]
            .iter()
            .map(|line| line.len() as u64)
            .sum::<u64>()
            + if bom { BOM.len() as u64 } else { 0 };
        let rest: Vec<u8> = lines[fitted.data_start..].concat();
        let mut builder = csv::ReaderBuilder::new();
        // Lines end at `\n` only, the `\r` of CRLF being stripped from the
        // last field: the csv crate's own CRLF handling counts the lines of
        // CRLF files one short.
        builder
            .delimiter(layout.separator)
            .has_headers(false)
            .flexible(true)
            .terminator(csv::Terminator::Any(b'\n'))
            .quoting(layout.quote.is_some());
        if let Some(quote) = layout.quote {
            builder.quote(quote);
        }
        let csv = builder.from_reader(Cursor::new(rest).chain(input));
        tracing::debug!(
            file = %file,
            layout = layout.name(),
            encoding = %decoder.found,
            "reading a candidate file"
        );

        Ok(CandidateReader {
            file,
            layout,
            csv,
            record: csv::ByteRecord::new(),
            decoder,
            header: fitted.header,
            columns: fitted.columns,
            width: fitted.width,
            lines_before: fitted.data_start as u64,
            bytes_before,
            done: false,
        })
    }

    /// The layout the file is read with.
    pub fn layout(&self) -> &Layout {
        &self.layout
    }

    /// The file's name, as errors and rows give it.
    pub fn file(&self) -> &str {
        &self.file
    }

    /// The file's encoding as read so far: [`TextEncoding::Auto`] until a
    /// byte above 127 decides it.
    pub fn encoding(&self) -> TextEncoding {
        self.decoder.found
    }

    /// The header's column names (empty for a file without a header).
    pub fn header(&self) -> &[String] {
        &self.header
    }

    /// How many bytes of the file have been read, for a progress bar.
    pub fn bytes_read(&self) -> u64 {
        self.bytes_before + self.csv.position().byte()
    }

    fn read_row(&mut self) -> Option<std::result::Result<ImportRow, RowError>> {
        loop {
            match self.csv.read_byte_record(&mut self.record) {
                Ok(false) => {
                    self.done = true;
                    return None;
                }
                Ok(true) if is_blank(&self.record) => continue,
                Ok(true) => return Some(self.row()),
                Err(error) => {
                    self.done = true;
                    return Some(Err(RowError::fatal(Error::io(
                        "read",
                        &self.file,
                        io::Error::from(error),
                    ))));
                }
            }
        }
    }

    fn row(&mut self) -> std::result::Result<ImportRow, RowError> {
        let line = self.lines_before + self.record.position().map_or(0, |p| p.line());
        let at = Location::file(&self.file).line(line);

        let mut fields = Vec::with_capacity(self.record.len());
        let mut undecodable = None;
        let last = self.record.len().saturating_sub(1);
        for (index, bytes) in self.record.iter().enumerate() {
            let bytes = match bytes.strip_suffix(b"\r") {
                Some(stripped) if index == last => stripped,
                _ => bytes,
            };
            match self.decoder.decode(bytes) {
                Ok(text) => fields.push(text),
                Err(message) => {
                    undecodable.get_or_insert((index, message));
                    fields.push(self.decoder.lossy(bytes));
                }
            }
        }
        let fail = |index: usize, message: String, fields: Vec<String>| RowError {
            error: Error::invalid_at(self.field_location(&at, index), message),
            raw: fields,
            recoverable: true,
        };
        if let Some((index, message)) = undecodable {
            return Err(fail(index, message, fields));
        }
        if fields.len() < self.width {
            let found = fields.len();
            let message = format!(
                "expected {} fields, found {found}: the line is cut short",
                self.width
            );
            return Err(fail(found, message, fields));
        }
        if let Some(extra) = (self.width..fields.len()).find(|i| !fields[*i].trim().is_empty()) {
            let message = format!(
                "expected {} fields, found {}: a stray separator?",
                self.width,
                fields.len()
            );
            return Err(fail(extra, message, fields));
        }
        if let Some((index, message)) = self.unfit_field(&fields) {
            return Err(fail(index, message, fields));
        }

        let line = Line {
            fields: &fields,
            at: &at,
            header: &self.header,
            columns: &self.columns,
            layout: &self.layout,
        };
        match line.row() {
            Ok((area, candidate, seat)) => Ok(ImportRow {
                location: at,
                area,
                candidate,
                seat,
                raw: fields,
            }),
            Err(error) if fields.len() > self.width => {
                // Empty fields after the last column are allowed (lines
                // ending with a separator), but may also come from a stray
                // separator that moved the values: say so.
                let hint = format!(
                    " (the line has {} fields for {} columns: a stray separator?)",
                    fields.len(),
                    self.width
                );
                let error = match error {
                    Error::InvalidInput { location, message } => Error::InvalidInput {
                        location,
                        message: message + &hint,
                    },
                    other => other,
                };
                Err(RowError {
                    error,
                    raw: fields,
                    recoverable: true,
                })
            }
            Err(error) => Err(RowError {
                error,
                raw: fields,
                recoverable: true,
            }),
        }
    }

    /// The first field the layout reads that no record can hold: one with a
    /// control character (a NUL byte, a line break inside quotes), or longer
    /// than any name, so that the error names its column.
    fn unfit_field(&self, fields: &[String]) -> Option<(usize, String)> {
        let mut used: Vec<usize> = self.columns.values().copied().collect();
        used.sort_unstable();
        used.into_iter().find_map(|index| {
            let text = fields.get(index)?.trim();
            if let Some(c) = text.chars().find(|c| c.is_control()) {
                return Some((
                    index,
                    format!(
                        "expected a value without control characters, found U+{:04X}",
                        c as u32
                    ),
                ));
            }
            (text.len() > Name::MAX_LEN).then(|| {
                (
                    index,
                    format!(
                        "expected a value of at most {} bytes, found {} bytes",
                        Name::MAX_LEN,
                        text.len()
                    ),
                )
            })
        })
    }

    fn field_location(&self, at: &Location, index: usize) -> Location {
        let location = at.clone().column(index as u64 + 1);
        match self.header.get(index) {
            Some(name) if !name.is_empty() => location.field(name.clone()),
            _ => location,
        }
    }
}

impl<R: Read> Iterator for CandidateReader<R> {
    type Item = std::result::Result<ImportRow, RowError>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.done {
            return None;
        }
        self.read_row()
    }
}

/// Reads the first lines, each with its line ending.
fn peek_lines<B: BufRead>(input: &mut B, count: usize, file: &str) -> Result<Vec<Vec<u8>>> {
    let mut lines = Vec::new();
    for index in 0..count {
        let mut line = Vec::new();
        let read = input
            .take(MAX_HEADER_LINE)
            .read_until(b'\n', &mut line)
            .map_err(|source| Error::io("read", file, source))?;
        if read == 0 {
            break;
        }
        if read as u64 == MAX_HEADER_LINE && !line.ends_with(b"\n") {
            return Err(Error::invalid_at(
                Location::file(file).line(index as u64 + 1),
                format!(
                    "expected a header line, found a line longer than {} bytes: \
                     is this a candidate file?",
                    MAX_HEADER_LINE
                ),
            ));
        }
        lines.push(line);
    }
    Ok(lines)
}

/// Whether a record is a blank line.
fn is_blank(record: &csv::ByteRecord) -> bool {
    record.len() == 1 && matches!(record.get(0), Some(b"" | b"\r"))
}

fn trim_line_end(line: &[u8]) -> &[u8] {
    let line = line.strip_suffix(b"\n").unwrap_or(line);
    line.strip_suffix(b"\r").unwrap_or(line)
}

/// How a layout fits a file's first lines.
struct Fitted {
    header: Vec<String>,
    columns: HashMap<ColumnRef, usize>,
    width: usize,
    data_start: usize,
}

/// Fits a layout to the first lines, or says why not and how many columns
/// are missing.
fn fit(
    layout: &Layout,
    lines: &[Vec<u8>],
    decoder: &mut Decoder,
    file: &str,
) -> std::result::Result<Fitted, (Error, usize)> {
    let wanted = layout.columns();
    let all = wanted.len();
    let mut index = layout.skip;
    while lines
        .get(index)
        .is_some_and(|line| trim_line_end(line).is_empty())
        && index < layout.skip + BLANK_LINES
    {
        index += 1;
    }
    let at = Location::file(file).line(index as u64 + 1);

    if !layout.header {
        let width = wanted
            .iter()
            .filter_map(|(_, column)| match column {
                ColumnRef::Position(n) => Some(*n),
                ColumnRef::Named(_) => None,
            })
            .max()
            .unwrap_or(0);
        let columns = wanted
            .iter()
            .filter_map(|(_, column)| match column {
                ColumnRef::Position(n) => Some(((*column).clone(), n - 1)),
                ColumnRef::Named(_) => None,
            })
            .collect();
        return Ok(Fitted {
            header: Vec::new(),
            columns,
            width,
            data_start: index,
        });
    }

    let Some(line) = lines.get(index) else {
        return Err((
            Error::invalid_at(at, "expected a header, found the end of the file"),
            all,
        ));
    };
    // A header that cannot be decoded explains itself better than any
    // missing column: it ranks first.
    let header = split_header(layout, trim_line_end(line), decoder)
        .map_err(|(column, message)| (Error::invalid_at(at.clone().column(column), message), 0))?;

    let normalised: Vec<String> = header.iter().map(|h| normalise(h)).collect();
    let mut columns = HashMap::new();
    let mut missing = Vec::new();
    for (key, column) in &wanted {
        let found = match column {
            ColumnRef::Named(name) => {
                let name = normalise(name);
                let positions: Vec<usize> = (0..normalised.len())
                    .filter(|i| normalised[*i] == name)
                    .collect();
                if let [first, second, ..] = positions.as_slice() {
                    return Err((
                        Error::invalid_at(
                            at.clone().column(*second as u64 + 1),
                            format!(
                                "the header names the column {column} twice (columns {} and {})",
                                first + 1,
                                second + 1
                            ),
                        ),
                        0,
                    ));
                }
                positions.first().copied()
            }
            ColumnRef::Position(n) => (*n <= header.len()).then(|| n - 1),
        };
        match found {
            Some(position) => {
                columns.insert((*column).clone(), position);
            }
            None => missing.push(format!("{column} ({key})")),
        }
    }
    if !missing.is_empty() {
        let count = missing.len();
        let message = format!(
            "layout {} expects the column{} {}, not in the header",
            layout.name(),
            if count > 1 { "s" } else { "" },
            missing.join(", ")
        );
        return Err((Error::invalid_at(at, message), count));
    }

    Ok(Fitted {
        width: header.len(),
        header,
        columns,
        data_start: index + 1,
    })
}

/// Splits and decodes a header line, or gives the column that cannot be
/// decoded and why.
fn split_header(
    layout: &Layout,
    line: &[u8],
    decoder: &mut Decoder,
) -> std::result::Result<Vec<String>, (u64, String)> {
    let mut builder = csv::ReaderBuilder::new();
    builder
        .delimiter(layout.separator)
        .has_headers(false)
        .flexible(true)
        .quoting(layout.quote.is_some());
    if let Some(quote) = layout.quote {
        builder.quote(quote);
    }
    let mut record = csv::ByteRecord::new();
    let read = builder.from_reader(line).read_byte_record(&mut record);
    if !matches!(read, Ok(true)) {
        return Err((1, "expected a header, found an unreadable line".to_string()));
    }
    let mut header = Vec::with_capacity(record.len());
    for (index, bytes) in record.iter().enumerate() {
        let name = decoder
            .decode(bytes)
            .map_err(|message| (index as u64 + 1, message))?;
        header.push(name);
    }
    Ok(header)
}

/// A header name as compared: trimmed, without case.
fn normalise(name: &str) -> String {
    name.trim().trim_start_matches('\u{feff}').to_lowercase()
}

/// One decoded line and what is needed to read its values.
struct Line<'a> {
    fields: &'a [String],
    at: &'a Location,
    header: &'a [String],
    columns: &'a HashMap<ColumnRef, usize>,
    layout: &'a Layout,
}

type RowParts = (Vec<AreaSpec>, CandidateSpec, SeatSpec);

impl Line<'_> {
    fn row(&self) -> Result<RowParts> {
        let mut area = Vec::with_capacity(self.layout.areas.len());
        let mut parent = String::new();
        for columns in &self.layout.areas {
            let spec = self.area(columns, &parent, false)?;
            parent.clone_from(&spec.code);
            area.push(spec);
        }
        let candidate = self.person(&self.layout.candidate)?;

        let seat = match &self.layout.seat {
            SeatLayout::List { list, section } => {
                let section = match section {
                    Some(columns) => {
                        let mut spec = self.area(columns, &parent, true)?;
                        if spec.name.is_empty() {
                            spec.name = match (spec.code.is_empty(), area.last()) {
                                (true, Some(leaf)) => leaf.name.clone(),
                                _ => spec.code.clone(),
                            };
                        }
                        Some(spec)
                    }
                    None => None,
                };
                let order = self.number(&list.order, "an order")?;
                if order == 0 {
                    return Err(self.error(&list.order, "expected an order from 1, found `0`"));
                }
                SeatSpec::List {
                    panel: self.optional_number(&list.panel, "a panel number")?,
                    short_label: self.optional_text(&list.short_label),
                    label: self.required_text(&list.label, "the list's label")?,
                    nuance: self.nuance(&list.nuance, &list.nuance_label),
                    section,
                    order,
                    head_of_list: list.head.as_ref().map(|c| self.flag(c)).transpose()?,
                    community_council: self.optional_flag(&list.community_council)?,
                }
            }
            SeatLayout::Panel { seat, substitute } => {
                let panel = self.number(&seat.panel, "a panel number")?;
                let nuance = self.nuance(&seat.nuance, &seat.nuance_label);
                let substitute = match substitute {
                    Some(columns) if !self.text(&columns.surname).is_empty() => {
                        Some(self.person(columns)?)
                    }
                    _ => None,
                };
                match (self.layout.shape, &seat.pair_index) {
                    (Shape::Pairs, Some(column)) => {
                        let index = self.number(column, "a pair member 1 or 2")?;
                        let index = match u8::try_from(index) {
                            Ok(index @ 1..=2) => index,
                            _ => {
                                return Err(self.error(
                                    column,
                                    format!("expected a pair member 1 or 2, found `{index}`"),
                                ))
                            }
                        };
                        SeatSpec::Pair {
                            panel,
                            index,
                            nuance,
                            substitute,
                        }
                    }
                    _ => SeatSpec::Single {
                        panel,
                        nuance,
                        substitute,
                    },
                }
            }
        };
        Ok((area, candidate, seat))
    }

    fn area(&self, columns: &AreaColumns, parent: &str, may_be_empty: bool) -> Result<AreaSpec> {
        let raw = self.text(&columns.code);
        let code = if raw.is_empty() {
            if !may_be_empty {
                return Err(self.error(
                    &columns.code,
                    format!("expected a {} code, found an empty value", columns.kind),
                ));
            }
            String::new()
        } else {
            columns
                .format
                .apply(raw, parent)
                .map_err(|message| self.error(&columns.code, message))?
        };
        let name = match &columns.name {
            Some(column) => {
                let name = self.text(column);
                if name.is_empty() && !may_be_empty {
                    return Err(self.error(
                        column,
                        format!("expected the {}'s name, found an empty value", columns.kind),
                    ));
                }
                name.to_string()
            }
            None => code.clone(),
        };
        Ok(AreaSpec {
            kind: columns.kind,
            code,
            name,
        })
    }

    fn person(&self, columns: &PersonColumns) -> Result<CandidateSpec> {
        let sex = match &columns.sex {
            Some(column) if !self.text(column).is_empty() => {
                Some(Sex::parse(self.text(column)).map_err(|e| e.at(&self.location(column)))?)
            }
            _ => None,
        };
        Ok(CandidateSpec {
            surname: self.required_text(&columns.surname, "a surname")?,
            first_name: self.optional_text(&columns.first_name),
            sex,
            birth_date: self.date(&columns.birth_date)?,
            profession: self.optional_text(&columns.profession),
            nationality: self.optional_text(&columns.nationality),
            outgoing: self.optional_flag(&columns.outgoing)?,
        })
    }

    fn nuance(&self, code: &Option<ColumnRef>, label: &Option<ColumnRef>) -> Option<Nuance> {
        self.optional_text(code).map(|code| Nuance {
            code,
            label: self.optional_text(label),
        })
    }

    fn index(&self, column: &ColumnRef) -> usize {
        self.columns.get(column).copied().unwrap_or(usize::MAX)
    }

    fn text(&self, column: &ColumnRef) -> &str {
        self.fields
            .get(self.index(column))
            .map_or("", |field| field.trim())
    }

    fn location(&self, column: &ColumnRef) -> Location {
        let index = self.index(column);
        let location = self.at.clone().column(index as u64 + 1);
        match (self.header.get(index), column) {
            (Some(name), _) if !name.is_empty() => location.field(name.clone()),
            (_, ColumnRef::Named(name)) => location.field(name.clone()),
            _ => location,
        }
    }

    fn error(&self, column: &ColumnRef, message: impl Into<String>) -> Error {
        Error::invalid_at(self.location(column), message)
    }

    fn required_text(&self, column: &ColumnRef, what: &str) -> Result<String> {
        match self.text(column) {
            "" => Err(self.error(column, format!("expected {what}, found an empty value"))),
            text => Ok(text.to_string()),
        }
    }

    fn optional_text(&self, column: &Option<ColumnRef>) -> Option<String> {
        let text = self.text(column.as_ref()?);
        (!text.is_empty()).then(|| text.to_string())
    }

    fn number(&self, column: &ColumnRef, what: &str) -> Result<u32> {
        let text = self.text(column);
        if text.is_empty() {
            return Err(self.error(column, format!("expected {what}, found an empty value")));
        }
        text.parse::<u32>().map_err(|_| {
            self.error(
                column,
                format!("expected {what} (a whole number), found `{text}`"),
            )
        })
    }

    fn optional_number(&self, column: &Option<ColumnRef>, what: &str) -> Result<Option<u32>> {
        match column {
            Some(column) if !self.text(column).is_empty() => self.number(column, what).map(Some),
            _ => Ok(None),
        }
    }

    fn flag(&self, column: &ColumnRef) -> Result<bool> {
        let text = self.text(column);
        let value = text.to_lowercase();
        let matches = |values: &[String]| values.iter().any(|v| v.to_lowercase() == value);
        if matches(&self.layout.yes) {
            return Ok(true);
        }
        if value.is_empty() || matches(&self.layout.no) {
            return Ok(false);
        }
        let mut accepted: Vec<String> = self
            .layout
            .yes
            .iter()
            .chain(&self.layout.no)
            .map(|v| format!("`{v}`"))
            .collect();
        accepted.push("an empty value".to_string());
        let last = accepted.pop().unwrap_or_default();
        Err(self.error(
            column,
            format!("expected {} or {last}, found `{text}`", accepted.join(", ")),
        ))
    }

    fn optional_flag(&self, column: &Option<ColumnRef>) -> Result<bool> {
        match column {
            Some(column) => self.flag(column),
            None => Ok(false),
        }
    }

    fn date(&self, column: &Option<ColumnRef>) -> Result<Option<NaiveDate>> {
        let Some(column) = column else {
            return Ok(None);
        };
        let text = self.text(column);
        let Some(format) = &self.layout.date_format else {
            return Ok(None);
        };
        if text.is_empty() {
            return Ok(None);
        }
        NaiveDate::parse_from_str(text, &format.chrono)
            .map(Some)
            .map_err(|_| {
                self.error(
                    column,
                    format!("expected a date {}, found `{text}`", format.pattern),
                )
            })
    }
}
