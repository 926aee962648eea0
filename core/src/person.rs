//! Persons, kept apart from their candidacies.

use std::fmt;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::id::PersonId;
use crate::text::Name;

/// A person's sex as the official files give it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Sex {
    /// `F` in the files.
    #[serde(rename = "F")]
    Female,
    /// `M` in the files.
    #[serde(rename = "M")]
    Male,
}

impl Sex {
    /// Parses `F`/`M` (any case, also `Féminin`/`Masculin`).
    ///
    /// # Errors
    ///
    /// [`Error::InvalidInput`] for anything else.
    pub fn parse(text: &str) -> Result<Sex> {
        match text.trim().to_lowercase().as_str() {
            "f" | "féminin" | "feminin" | "femme" => Ok(Sex::Female),
            "m" | "masculin" | "homme" => Ok(Sex::Male),
            other => Err(Error::invalid(format!(
                "expected a sex `F` or `M`, found `{other}`"
            ))),
        }
    }

    /// `F` or `M`.
    pub const fn code(self) -> &'static str {
        match self {
            Sex::Female => "F",
            Sex::Male => "M",
        }
    }

    /// The civility used in messages: `Madame` or `Monsieur`.
    pub const fn civility(self) -> &'static str {
        match self {
            Sex::Female => "Madame",
            Sex::Male => "Monsieur",
        }
    }
}

impl fmt::Display for Sex {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

/// A person who stands, or stood, as a candidate.
///
/// A person is kept apart from each candidacy: someone who stands in several
/// elections is one person with several candidacies, and their contact
/// details and pledge answers follow them from one election to the next.
/// Names are kept as the official file spells them (`MAÎTRE`, `D'ALMEIDA`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Person {
    /// The person's identifier.
    pub id: PersonId,
    /// The surname as printed on the ballot.
    pub surname: Name,
    /// The first name as printed on the ballot; some ballots have none.
    pub first_name: Option<Name>,
    /// The sex, when the file gives it.
    pub sex: Option<Sex>,
    /// The date of birth, when the file gives it.
    pub birth_date: Option<NaiveDate>,
    /// The nationality, when the file gives it (municipales: EU citizens).
    pub nationality: Option<String>,
}

impl Person {
    /// A person with only a name; other fields empty.
    pub fn named(id: PersonId, surname: Name, first_name: Option<Name>) -> Person {
        Person {
            id,
            surname,
            first_name,
            sex: None,
            birth_date: None,
            nationality: None,
        }
    }

    /// "First name SURNAME", as used in messages and lists.
    pub fn full_name(&self) -> String {
        match &self.first_name {
            Some(first) => format!("{first} {}", self.surname),
            None => self.surname.to_string(),
        }
    }
}
