//! Typed cells: how each kind of value is written in a store file, and
//! read back with the file, line and column of any bad value.
//!
//! | value | written as |
//! |---|---|
//! | identifier, number | decimal digits |
//! | text | as is (quoted by the CSV rules when needed) |
//! | optional text | nothing for no value, `""` for an empty text |
//! | yes/no | `true` or `false` |
//! | day | `2015-12-02` |
//! | instant | RFC 3339 in UTC, to the nanosecond when needed: `2015-12-02T10:00:00Z` |
//! | enumeration | its stored name: `head_of_list`, `email`, `granted` |
//! | nested value | compact JSON |

use std::fmt::Display;
use std::str::FromStr;

use candidats_core::{Error, Location, Name, Result};
use chrono::{DateTime, NaiveDate, SecondsFormat, Utc};
use serde::de::DeserializeOwned;
use serde::Serialize;

use crate::table::{Field, Writer};

/// One record of a store file being read: its fields, in the file's column
/// order, and where each canonical column sits.
pub(crate) struct Row<'r, 'a> {
    pub file: &'static str,
    pub line: u64,
    pub fields: &'r [Field<'a>],
    pub positions: &'r [usize],
    pub columns: &'static [&'static str],
}

impl Row<'_, '_> {
    /// Where canonical column `column` of this record is.
    pub fn location(&self, column: usize) -> Location {
        let position = self.positions.get(column).copied().unwrap_or(column);
        let name = self.columns.get(column).copied().unwrap_or("?");
        Location::file(self.file)
            .line(self.line)
            .column(position as u64 + 1)
            .field(name)
    }

    /// A bad value in canonical column `column`.
    pub fn error(&self, column: usize, message: impl Into<String>) -> Error {
        Error::invalid_at(self.location(column), message)
    }

    fn field(&self, column: usize) -> Result<&Field<'_>> {
        self.positions
            .get(column)
            .and_then(|position| self.fields.get(*position))
            .ok_or_else(|| self.error(column, "missing field"))
    }

    /// The cell's text; empty when nothing is written.
    pub fn text(&self, column: usize) -> Result<String> {
        Ok(self.field(column)?.text.to_string())
    }

    /// The cell's text, `None` for a cell with nothing in it (`""` is an
    /// empty text).
    pub fn opt_text(&self, column: usize) -> Result<Option<String>> {
        let field = self.field(column)?;
        if field.text.is_empty() && !field.quoted {
            Ok(None)
        } else {
            Ok(Some(field.text.to_string()))
        }
    }

    /// Parses a cell that must not be empty with `parse`, which names what
    /// it expected in its error.
    pub fn parse<T>(&self, column: usize, parse: impl FnOnce(&str) -> Result<T>) -> Result<T> {
        let field = self.field(column)?;
        if field.text.is_empty() {
            return Err(self.error(column, "expected a value, found an empty cell"));
        }
        parse(&field.text).map_err(|error| self.relocate(column, error))
    }

    /// Parses a cell with `parse`; `None` for an empty cell.
    pub fn opt_parse<T>(
        &self,
        column: usize,
        parse: impl FnOnce(&str) -> Result<T>,
    ) -> Result<Option<T>> {
        let field = self.field(column)?;
        if field.text.is_empty() {
            return Ok(None);
        }
        parse(&field.text)
            .map(Some)
            .map_err(|error| self.relocate(column, error))
    }

    /// Gives a cell's location to an error about its value.
    pub fn relocate(&self, column: usize, error: Error) -> Error {
        match error {
            Error::InvalidInput { message, .. } => self.error(column, message),
            other => self.error(column, other.to_string()),
        }
    }

    /// A whole number.
    pub fn number<T: FromStr>(&self, column: usize) -> Result<T> {
        self.parse(column, number)
    }

    /// An optional whole number.
    pub fn opt_number<T: FromStr>(&self, column: usize) -> Result<Option<T>> {
        self.opt_parse(column, number)
    }

    /// An identifier.
    pub fn id<T>(&self, column: usize, make: fn(i64) -> T) -> Result<T> {
        self.parse(column, |text| identifier(text).map(make))
    }

    /// An optional identifier.
    pub fn opt_id<T>(&self, column: usize, make: fn(i64) -> T) -> Result<Option<T>> {
        self.opt_parse(column, |text| identifier(text).map(make))
    }

    /// A name.
    pub fn name(&self, column: usize) -> Result<Name> {
        let text = self.text(column)?;
        Name::new(text).map_err(|error| self.relocate(column, error))
    }

    /// An optional name.
    pub fn opt_name(&self, column: usize) -> Result<Option<Name>> {
        self.opt_parse(column, |text| Name::new(text))
    }

    /// `true` or `false`.
    pub fn flag(&self, column: usize) -> Result<bool> {
        self.parse(column, |text| match text {
            "true" => Ok(true),
            "false" => Ok(false),
            other => Err(Error::invalid(format!(
                "expected `true` or `false`, found `{other}`"
            ))),
        })
    }

    /// A day.
    pub fn date(&self, column: usize) -> Result<NaiveDate> {
        self.parse(column, date)
    }

    /// An optional day.
    pub fn opt_date(&self, column: usize) -> Result<Option<NaiveDate>> {
        self.opt_parse(column, date)
    }

    /// An instant.
    pub fn instant(&self, column: usize) -> Result<DateTime<Utc>> {
        self.parse(column, instant)
    }

    /// An optional instant.
    pub fn opt_instant(&self, column: usize) -> Result<Option<DateTime<Utc>>> {
        self.opt_parse(column, instant)
    }

    /// A value written as JSON.
    pub fn json<T: DeserializeOwned>(&self, column: usize) -> Result<T> {
        self.parse(column, json)
    }

    /// An optional value written as JSON.
    pub fn opt_json<T: DeserializeOwned>(&self, column: usize) -> Result<Option<T>> {
        self.opt_parse(column, json)
    }

    /// Fails unless the cell is empty: a value that has no meaning with the
    /// rest of the record.
    pub fn nothing(&self, column: usize, why: &str) -> Result<()> {
        let field = self.field(column)?;
        if field.text.is_empty() && !field.quoted {
            Ok(())
        } else {
            Err(self.error(
                column,
                format!("expected an empty cell {why}, found `{}`", field.text),
            ))
        }
    }
}

fn number<T: FromStr>(text: &str) -> Result<T> {
    let digits = text.strip_prefix('-').unwrap_or(text);
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return Err(Error::invalid(format!(
            "expected a whole number, found `{text}`"
        )));
    }
    text.parse()
        .map_err(|_| Error::invalid(format!("expected a whole number in range, found `{text}`")))
}

fn identifier(text: &str) -> Result<i64> {
    let id: i64 = number(text)?;
    if id <= 0 {
        return Err(Error::invalid(format!(
            "expected a positive identifier, found `{text}`"
        )));
    }
    Ok(id)
}

fn date(text: &str) -> Result<NaiveDate> {
    NaiveDate::parse_from_str(text, "%Y-%m-%d")
        .map_err(|_| Error::invalid(format!("expected a day like 2015-12-02, found `{text}`")))
}

fn instant(text: &str) -> Result<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(text)
        .map(|at| at.with_timezone(&Utc))
        .map_err(|_| {
            Error::invalid(format!(
                "expected an instant like 2015-12-02T10:00:00Z, found `{text}`"
            ))
        })
}

fn json<T: DeserializeOwned>(text: &str) -> Result<T> {
    serde_json::from_str(text).map_err(|error| Error::invalid(format!("expected JSON: {error}")))
}

/// Writes the cells of one record, in canonical column order.
pub(crate) struct Out<'w> {
    pub writer: &'w mut Writer,
}

impl Out<'_> {
    /// A text, or anything displayed as text.
    pub fn text(&mut self, value: impl Display) {
        self.writer.display(value);
    }

    /// A plain string.
    pub fn str(&mut self, value: &str) {
        self.writer.field(value, false);
    }

    /// An optional text: nothing for `None`, `""` for an empty text.
    pub fn opt_str(&mut self, value: Option<&str>) {
        match value {
            Some(text) => self.writer.field(text, text.is_empty()),
            None => self.writer.field("", false),
        }
    }

    /// An optional value displayed as text; nothing for `None`.
    pub fn opt(&mut self, value: Option<impl Display>) {
        match value {
            Some(value) => self.text(value),
            None => self.writer.field("", false),
        }
    }

    /// An empty cell.
    pub fn empty(&mut self) {
        self.writer.field("", false);
    }

    /// `true` or `false`.
    pub fn flag(&mut self, value: bool) {
        self.str(if value { "true" } else { "false" });
    }

    /// A day.
    pub fn date(&mut self, value: NaiveDate) {
        self.text(value.format("%Y-%m-%d"));
    }

    /// An optional day.
    pub fn opt_date(&mut self, value: Option<NaiveDate>) {
        self.opt(value.map(|d| d.format("%Y-%m-%d")));
    }

    /// An instant.
    pub fn instant(&mut self, value: DateTime<Utc>) {
        self.str(&value.to_rfc3339_opts(SecondsFormat::AutoSi, true));
    }

    /// An optional instant.
    pub fn opt_instant(&mut self, value: Option<DateTime<Utc>>) {
        match value {
            Some(at) => self.instant(at),
            None => self.empty(),
        }
    }

    /// A value as JSON.
    pub fn json<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<()> {
        let text = serde_json::to_string(value)
            .map_err(|error| Error::backend("cannot write a value as JSON", error))?;
        self.str(&text);
        Ok(())
    }

    /// An optional value as JSON.
    pub fn opt_json<T: Serialize>(&mut self, value: Option<&T>) -> Result<()> {
        match value {
            Some(value) => self.json(value),
            None => {
                self.empty();
                Ok(())
            }
        }
    }
}
