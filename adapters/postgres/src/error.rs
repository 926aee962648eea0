//! PostgreSQL errors, mapped into the library's [`Error`].

use candidats_core::{Error, RecordKind};
use postgres::error::{DbError, SqlState};

/// Maps a PostgreSQL error met while doing `context`.
///
/// Constraint violations become the library's own kinds: a unique key taken
/// is a [`Error::Conflict`], a reference to a missing record is
/// [`Error::NotFound`] (or [`Error::InvalidInput`] when the key cannot be
/// told), a value the database refuses is [`Error::InvalidInput`]. Anything
/// else is a [`Error::Backend`] keeping the cause.
pub(crate) fn db(context: &str, error: postgres::Error) -> Error {
    let Some(db) = error.as_db_error() else {
        return Error::backend(context.to_string(), error);
    };
    match db.code() {
        c if *c == SqlState::UNIQUE_VIOLATION => Error::conflict(unique_message(db)),
        c if *c == SqlState::FOREIGN_KEY_VIOLATION => missing_reference(db),
        c if *c == SqlState::CHECK_VIOLATION || *c == SqlState::NOT_NULL_VIOLATION => {
            Error::invalid(format!(
                "the record breaks the rule `{}` of the database",
                db.constraint().unwrap_or("not null")
            ))
        }
        c if *c == SqlState::CHARACTER_NOT_IN_REPERTOIRE
            || *c == SqlState::UNTRANSLATABLE_CHARACTER
            || *c == SqlState::NUMERIC_VALUE_OUT_OF_RANGE
            || *c == SqlState::DATETIME_FIELD_OVERFLOW =>
        {
            Error::invalid(format!("PostgreSQL refuses a value: {}", db.message()))
        }
        _ => Error::backend(context.to_string(), error),
    }
}

/// A closure mapping errors met while doing `context`, for `map_err`.
pub(crate) fn while_(context: &'static str) -> impl Fn(postgres::Error) -> Error {
    move |error| db(context, error)
}

fn unique_message(db: &DbError) -> String {
    match db.constraint() {
        Some("elections_name_key") => "another election has the same name".into(),
        Some("constituencies_code_key") => {
            "another constituency of the election has the same kind and code".into()
        }
        Some("sections_code_key") => "the list has another section with the same code".into(),
        Some(
            "candidacies_list_seat" | "candidacies_panel_seat" | "candidacies_substitute_seat",
        ) => "another candidacy already holds this seat".into(),
        Some("audit_pkey") => {
            "this audit entry already exists and the history is never rewritten".into()
        }
        Some(other) => format!("a record with the same key exists (`{other}`)"),
        None => "a record with the same key exists".into(),
    }
}

/// The record a foreign key names, from the table it points to and the key
/// PostgreSQL reports: `Key (person)=(9999) is not present in table "persons".`
fn missing_reference(db: &DbError) -> Error {
    let detail = db.detail().unwrap_or_default();
    let table = detail
        .rsplit_once("table \"")
        .and_then(|(_, rest)| rest.split_once('"'))
        .map(|(table, _)| table);
    let key = detail
        .split_once(")=(")
        .and_then(|(_, rest)| rest.split_once(')'))
        .map(|(key, _)| key);
    match (table.and_then(kind_of_table), key) {
        (Some(kind), Some(key)) => Error::not_found(kind, key),
        _ => Error::invalid(format!(
            "the record names another that does not exist ({})",
            db.constraint().unwrap_or("foreign key")
        )),
    }
}

/// The kind of record a table holds.
pub(crate) fn kind_of_table(table: &str) -> Option<RecordKind> {
    RecordKind::ALL
        .iter()
        .copied()
        .find(|kind| crate::schema::table(*kind) == table)
}

/// A stored value this version cannot read back.
pub(crate) fn unreadable(
    what: &str,
    cause: impl Into<Box<dyn std::error::Error + Send + Sync>>,
) -> Error {
    Error::backend(format!("cannot read back the stored {what}"), cause)
}
