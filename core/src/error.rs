//! The error type shared by the whole library.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::id::{ParticipantId, RecordKind};

/// A result whose error is the library's [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Where a bad value was found in a file: the file, the line, the column.
///
/// Lines and columns count from 1. A column counts fields, not characters:
/// column 3 is the third field of the line. The name of the field, when known,
/// is kept so that messages can say which column was expected.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Location {
    /// The file's path or name.
    pub file: Option<String>,
    /// The physical line, counting from 1.
    pub line: Option<u64>,
    /// The field's position on the line, counting from 1.
    pub column: Option<u64>,
    /// The field's name, from the header or the layout.
    pub field: Option<String>,
}

impl Location {
    /// A location in a file, without line or column yet.
    pub fn file(file: impl Into<String>) -> Location {
        Location {
            file: Some(file.into()),
            ..Location::default()
        }
    }

    /// The same location, on a given line.
    pub fn line(mut self, line: u64) -> Location {
        self.line = Some(line);
        self
    }

    /// The same location, at a given column.
    pub fn column(mut self, column: u64) -> Location {
        self.column = Some(column);
        self
    }

    /// The same location, naming the field.
    pub fn field(mut self, field: impl Into<String>) -> Location {
        self.field = Some(field.into());
        self
    }
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut parts = Vec::new();
        if let Some(file) = &self.file {
            parts.push(file.clone());
        }
        if let Some(line) = self.line {
            parts.push(format!("line {line}"));
        }
        if let Some(column) = self.column {
            parts.push(format!("column {column}"));
        }
        if let Some(field) = &self.field {
            parts.push(format!("field `{field}`"));
        }
        f.write_str(&parts.join(", "))
    }
}

/// The library's error.
///
/// Variants say what went wrong by meaning, whatever the store: a record
/// that does not exist, a conflict with another participant's work, an
/// action the actor may not take, bad input, or a failure of the storage
/// backend. Backend errors keep their cause as [`std::error::Error::source`].
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A record was asked for by identifier or key and does not exist.
    #[error("{kind} {key} not found")]
    NotFound {
        /// The kind of record.
        kind: RecordKind,
        /// Its identifier or key, as text.
        key: String,
    },

    /// The operation conflicts with the current state: a candidacy already
    /// under another participant's responsibility, a record that already
    /// exists, a decision already taken.
    #[error("conflict: {message}")]
    Conflict {
        /// What conflicts.
        message: String,
        /// The participant holding what was asked for, when there is one.
        holder: Option<ParticipantId>,
    },

    /// The actor may not do this.
    #[error("permission denied: {message}")]
    PermissionDenied {
        /// What was refused and why.
        message: String,
    },

    /// A value is not acceptable. When it came from a file, `location` says
    /// where.
    #[error("{}{message}", location_prefix(.location))]
    InvalidInput {
        /// Where the value was read, when it came from a file.
        location: Option<Box<Location>>,
        /// What is wrong and what was expected.
        message: String,
    },

    /// Reading or writing a file failed.
    #[error("cannot {action} {path}")]
    Io {
        /// What was being done: "read", "write", "create"...
        action: &'static str,
        /// The file or folder.
        path: String,
        /// The operating system's error.
        #[source]
        source: std::io::Error,
    },

    /// The storage backend failed.
    #[error("{message}")]
    Backend {
        /// What the library was doing.
        message: String,
        /// The backend's own error.
        #[source]
        source: Option<Box<dyn std::error::Error + Send + Sync>>,
    },

    /// The request needs something this build or store does not offer: an
    /// unknown store scheme, a backend whose feature is off.
    #[error("unsupported: {message}")]
    Unsupported {
        /// What is not supported.
        message: String,
    },
}

fn location_prefix(location: &Option<Box<Location>>) -> String {
    match location {
        Some(location) => format!("{location}: "),
        None => String::new(),
    }
}

impl Error {
    /// A record of `kind` named `key` does not exist.
    pub fn not_found(kind: RecordKind, key: impl fmt::Display) -> Error {
        Error::NotFound {
            kind,
            key: key.to_string(),
        }
    }

    /// A conflict, without a holder.
    pub fn conflict(message: impl Into<String>) -> Error {
        Error::Conflict {
            message: message.into(),
            holder: None,
        }
    }

    /// The actor may not do this.
    pub fn permission(message: impl Into<String>) -> Error {
        Error::PermissionDenied {
            message: message.into(),
        }
    }

    /// A bad value that did not come from a file.
    pub fn invalid(message: impl Into<String>) -> Error {
        Error::InvalidInput {
            location: None,
            message: message.into(),
        }
    }

    /// A bad value read at `location`.
    pub fn invalid_at(location: Location, message: impl Into<String>) -> Error {
        Error::InvalidInput {
            location: Some(Box::new(location)),
            message: message.into(),
        }
    }

    /// A failure of the storage backend, keeping its cause.
    pub fn backend(
        message: impl Into<String>,
        source: impl Into<Box<dyn std::error::Error + Send + Sync>>,
    ) -> Error {
        Error::Backend {
            message: message.into(),
            source: Some(source.into()),
        }
    }

    /// A file operation failed.
    pub fn io(action: &'static str, path: impl fmt::Display, source: std::io::Error) -> Error {
        Error::Io {
            action,
            path: path.to_string(),
            source,
        }
    }

    /// Something this build or store does not offer.
    pub fn unsupported(message: impl Into<String>) -> Error {
        Error::Unsupported {
            message: message.into(),
        }
    }

    /// Where in a file the bad value was, for invalid input read from a file.
    pub fn location(&self) -> Option<&Location> {
        match self {
            Error::InvalidInput { location, .. } => location.as_deref(),
            _ => None,
        }
    }

    /// The same error with a location added, or its file, line and column
    /// filled in where they were missing. Errors other than invalid input
    /// are returned unchanged.
    pub fn at(self, outer: &Location) -> Error {
        match self {
            Error::InvalidInput { location, message } => {
                let mut merged = location.map(|l| *l).unwrap_or_default();
                if merged.file.is_none() {
                    merged.file.clone_from(&outer.file);
                }
                if merged.line.is_none() {
                    merged.line = outer.line;
                }
                if merged.column.is_none() {
                    merged.column = outer.column;
                }
                if merged.field.is_none() {
                    merged.field.clone_from(&outer.field);
                }
                Error::InvalidInput {
                    location: Some(Box::new(merged)),
                    message,
                }
            }
            other => other,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn invalid_input_names_file_line_and_column() {
        let location = Location::file("lists.csv")
            .line(12)
            .column(3)
            .field("Ordre");
        let error = Error::invalid_at(location, "expected a whole number, found `x`");

        assert_eq!(
            error.to_string(),
            "lists.csv, line 12, column 3, field `Ordre`: expected a whole number, found `x`"
        );
        assert_eq!(error.location().and_then(|l| l.line), Some(12));
    }

    #[test]
    fn at_fills_only_what_is_missing() {
        let inner = Error::invalid_at(Location::default().column(4), "bad date");
        let outer = Location::file("a.csv").line(7).column(1);

        let error = inner.at(&outer);

        let location = error.location().cloned().unwrap_or_default();
        assert_eq!(location.file.as_deref(), Some("a.csv"));
        assert_eq!(location.line, Some(7));
        assert_eq!(location.column, Some(4));
    }
}
