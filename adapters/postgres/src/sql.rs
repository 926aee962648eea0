//! SQL text built piece by piece, with its parameters.

use postgres::types::ToSql;

/// A statement under construction: its text and the values of its `$n`
/// parameters.
pub(crate) struct Sql {
    pub(crate) text: String,
    values: Vec<Box<dyn ToSql + Sync>>,
}

impl Sql {
    /// A statement starting with `text`.
    pub(crate) fn new(text: impl Into<String>) -> Sql {
        Sql {
            text: text.into(),
            values: Vec::new(),
        }
    }

    /// Adds a parameter and returns its placeholder, `$n`.
    pub(crate) fn bind<T: ToSql + Sync + 'static>(&mut self, value: T) -> String {
        self.values.push(Box::new(value));
        format!("${}", self.values.len())
    }

    /// Appends text.
    pub(crate) fn push(&mut self, text: &str) {
        self.text.push_str(text);
    }

    /// Appends ` AND {condition}`.
    pub(crate) fn and(&mut self, condition: &str) {
        self.text.push_str(" AND ");
        self.text.push_str(condition);
    }

    /// The parameters, for the client.
    pub(crate) fn params(&self) -> Vec<&(dyn ToSql + Sync)> {
        self.values
            .iter()
            .map(|value| value.as_ref() as &(dyn ToSql + Sync))
            .collect()
    }
}
