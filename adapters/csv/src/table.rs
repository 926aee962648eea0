//! Reading and writing CSV text (RFC 4180), keeping track of quoting.
//!
//! The store's files tell a missing text from an empty one by quoting: a
//! cell with nothing in it is "no value", a cell holding `""` is "an empty
//! text". General CSV libraries do not say whether a field was quoted, so
//! this module reads and writes CSV itself. It is strict where a lenient
//! reader would guess: a quote inside an unquoted field, text after a
//! closing quote, or a quote never closed is an error naming the line and
//! the column.

use std::borrow::Cow;

use candidats_core::{Error, Location, Result};

/// One field of a record, as read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Field<'a> {
    /// The field's text, with quoting removed.
    pub text: Cow<'a, str>,
    /// Whether the field was written between quotes.
    pub quoted: bool,
}

/// Reads the records of a CSV text, one at a time.
pub(crate) struct Reader<'a> {
    file: &'a str,
    text: &'a str,
    separator: u8,
    pos: usize,
    line: u64,
}

impl<'a> Reader<'a> {
    /// A reader over `text`, which came from `file` (for messages). A
    /// leading byte order mark is skipped.
    pub fn new(file: &'a str, text: &'a str, separator: u8) -> Reader<'a> {
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        Reader {
            file,
            text,
            separator,
            pos: 0,
            line: 1,
        }
    }

    /// Reads the next record into `fields`, and returns the line it starts
    /// on; `None` at the end of the text. Empty lines are skipped.
    pub fn next_record(&mut self, fields: &mut Vec<Field<'a>>) -> Result<Option<u64>> {
        fields.clear();
        let bytes = self.text.as_bytes();
        while self.pos < bytes.len() && matches!(bytes[self.pos], b'\n' | b'\r') {
            self.end_of_line();
        }
        if self.pos >= bytes.len() {
            return Ok(None);
        }

        let start_line = self.line;
        loop {
            let column = fields.len() as u64 + 1;
            let field = if bytes.get(self.pos) == Some(&b'"') {
                self.quoted_field(start_line, column)?
            } else {
                self.plain_field(column)?
            };
            fields.push(field);

            match bytes.get(self.pos) {
                Some(&b) if b == self.separator => self.pos += 1,
                Some(b'\n' | b'\r') => {
                    self.end_of_line();
                    return Ok(Some(start_line));
                }
                None => return Ok(Some(start_line)),
                Some(_) => {
                    return Err(self.error(
                        self.line,
                        column,
                        "expected a separator or the end of the line after a closing quote",
                    ))
                }
            }
        }
    }

    fn end_of_line(&mut self) {
        let bytes = self.text.as_bytes();
        if bytes.get(self.pos) == Some(&b'\r') {
            self.pos += 1;
        }
        if bytes.get(self.pos) == Some(&b'\n') {
            self.pos += 1;
        }
        self.line += 1;
    }

    fn plain_field(&mut self, column: u64) -> Result<Field<'a>> {
        let bytes = self.text.as_bytes();
        let start = self.pos;
        while let Some(&b) = bytes.get(self.pos) {
            if b == self.separator || b == b'\n' || b == b'\r' {
                break;
            }
            if b == b'"' {
                return Err(self.error(
                    self.line,
                    column,
                    "found a quote inside a field that does not start with one \
                     (a field holding quotes must be quoted, with each quote doubled)",
                ));
            }
            self.pos += 1;
        }
        Ok(Field {
            text: Cow::Borrowed(&self.text[start..self.pos]),
            quoted: false,
        })
    }

    fn quoted_field(&mut self, record_line: u64, column: u64) -> Result<Field<'a>> {
        let bytes = self.text.as_bytes();
        let opening_line = self.line;
        self.pos += 1;
        let start = self.pos;
        let mut owned: Option<String> = None;
        let mut chunk_start = start;
        loop {
            match bytes.get(self.pos) {
                None => {
                    let line = opening_line.max(record_line);
                    return Err(self.error(
                        line,
                        column,
                        "found a quote that is never closed before the end of the file",
                    ));
                }
                Some(b'"') if bytes.get(self.pos + 1) == Some(&b'"') => {
                    let text = owned.get_or_insert_with(String::new);
                    text.push_str(&self.text[chunk_start..=self.pos]);
                    self.pos += 2;
                    chunk_start = self.pos;
                }
                Some(b'"') => {
                    let end = self.pos;
                    self.pos += 1;
                    let text = match owned {
                        Some(mut text) => {
                            text.push_str(&self.text[chunk_start..end]);
                            Cow::Owned(text)
                        }
                        None => Cow::Borrowed(&self.text[start..end]),
                    };
                    return Ok(Field { text, quoted: true });
                }
                Some(b'\n') => {
                    self.line += 1;
                    self.pos += 1;
                }
                Some(b'\r') if bytes.get(self.pos + 1) != Some(&b'\n') => {
                    self.line += 1;
                    self.pos += 1;
                }
                Some(_) => self.pos += 1,
            }
        }
    }

    fn error(&self, line: u64, column: u64, message: &str) -> Error {
        Error::invalid_at(Location::file(self.file).line(line).column(column), message)
    }
}

/// Writes CSV records into a string.
pub(crate) struct Writer {
    out: String,
    separator: u8,
    terminator: &'static str,
    first: bool,
    scratch: String,
}

impl Writer {
    /// A writer with an ASCII separator and a line terminator.
    pub fn new(separator: u8, terminator: &'static str) -> Writer {
        Writer {
            out: String::new(),
            separator,
            terminator,
            first: true,
            scratch: String::new(),
        }
    }

    /// Appends a field, quoted when it holds a separator, a quote or a line
    /// break, or when `force_quotes` is set.
    pub fn field(&mut self, text: &str, force_quotes: bool) {
        if !self.first {
            self.out.push(char::from(self.separator));
        }
        self.first = false;

        let separator = self.separator;
        let needs_quotes = force_quotes
            || (self.out.is_empty() && text.starts_with('\u{feff}'))
            || text
                .bytes()
                .any(|b| b == separator || matches!(b, b'"' | b'\n' | b'\r'));
        if needs_quotes {
            self.out.push('"');
            let mut parts = text.split('"');
            if let Some(first) = parts.next() {
                self.out.push_str(first);
            }
            for part in parts {
                self.out.push_str("\"\"");
                self.out.push_str(part);
            }
            self.out.push('"');
        } else {
            self.out.push_str(text);
        }
    }

    /// Appends a field holding a displayed value.
    pub fn display(&mut self, value: impl std::fmt::Display) {
        use std::fmt::Write as _;

        let mut scratch = std::mem::take(&mut self.scratch);
        scratch.clear();
        // Writing into a String cannot fail.
        let _ = write!(scratch, "{value}");
        self.field(&scratch, false);
        self.scratch = scratch;
    }

    /// Ends the current record.
    pub fn end_record(&mut self) {
        self.out.push_str(self.terminator);
        self.first = true;
    }

    /// Writes raw text (a byte order mark) before anything else.
    pub fn raw(&mut self, text: &str) {
        self.out.push_str(text);
    }

    /// The text written.
    pub fn finish(self) -> String {
        self.out
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    fn read_all(text: &str) -> Result<Vec<Vec<(String, bool)>>> {
        let mut reader = Reader::new("t.csv", text, b',');
        let mut fields = Vec::new();
        let mut records = Vec::new();
        while reader.next_record(&mut fields)?.is_some() {
            records.push(
                fields
                    .iter()
                    .map(|f| (f.text.to_string(), f.quoted))
                    .collect(),
            );
        }
        Ok(records)
    }

    #[test]
    fn quoted_empty_differs_from_empty() {
        let records = read_all("a,\"\",\r\n\"x\"\"y\",\"1\n2\",z\n").unwrap();

        assert_eq!(
            records,
            vec![
                vec![
                    ("a".into(), false),
                    (String::new(), true),
                    (String::new(), false)
                ],
                vec![
                    ("x\"y".into(), true),
                    ("1\n2".into(), true),
                    ("z".into(), false)
                ],
            ]
        );
    }

    #[test]
    fn lines_count_breaks_inside_quotes() {
        let mut reader = Reader::new("t.csv", "h\n\"a\nb\"\nc\n", b',');
        let mut fields = Vec::new();

        let lines: Vec<u64> =
            std::iter::from_fn(|| reader.next_record(&mut fields).unwrap()).collect();

        assert_eq!(lines, vec![1, 2, 4]);
    }

    #[test]
    fn bad_quoting_names_line_and_column() {
        for (text, line, column) in [
            ("a,b\nc,d\"e\n", 2, 2),
            ("a,\"b\"c\n", 1, 2),
            ("a\nb,\"open\n\n", 2, 2),
        ] {
            let error = read_all(text).unwrap_err();
            let location = error.location().cloned().unwrap_or_default();
            assert_eq!(
                (location.file.as_deref(), location.line, location.column),
                (Some("t.csv"), Some(line), Some(column)),
                "{text:?}: {error}"
            );
        }
    }

    proptest! {
        #[test]
        fn written_records_read_back(records in proptest::collection::vec(
            proptest::collection::vec((any::<String>(), any::<bool>()), 1..5), 0..5)
        ) {
            let mut writer = Writer::new(b',', "\n");
            for record in &records {
                for (text, force) in record {
                    writer.field(text, *force);
                }
                writer.end_record();
            }
            let text = writer.finish();

            let read = read_all(&text).unwrap();

            let expected: Vec<Vec<String>> = records
                .iter()
                .filter(|r| !(r.len() == 1 && r[0].0.is_empty() && !r[0].1))
                .map(|r| r.iter().map(|(t, _)| t.clone()).collect())
                .collect();
            let got: Vec<Vec<String>> = read
                .iter()
                .map(|r| r.iter().map(|(t, _)| t.clone()).collect())
                .collect();
            prop_assert_eq!(got, expected);
        }
    }
}
