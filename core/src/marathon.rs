//! Contact marathons (*Contacthons*).

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::id::{MarathonId, ParticipantId};
use crate::scope::Scope;
use crate::text::Name;

/// A contact marathon: volunteers gathered for a few hours to work through
/// a goal, such as every head of section of one region. Its progress is the
/// progress report of its goal over its time window.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Marathon {
    /// The marathon's identifier.
    pub id: MarathonId,
    /// Its name: "Contacthon n°7".
    pub name: Name,
    /// Its number in the campaign's series.
    pub number: Option<u32>,
    /// When it starts.
    pub starts_at: DateTime<Utc>,
    /// When it ends.
    pub ends_at: DateTime<Utc>,
    /// The candidacies it works on.
    pub goal: Scope,
    /// Who organised it.
    pub created_by: ParticipantId,
}

impl Marathon {
    /// Checks that the marathon ends after it starts.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidInput`] when `ends_at` is not after `starts_at`.
    pub fn check(&self) -> Result<()> {
        if self.ends_at <= self.starts_at {
            return Err(Error::invalid(format!(
                "expected a marathon ending after it starts, found {} to {}",
                self.starts_at, self.ends_at
            )));
        }
        Ok(())
    }

    /// The goal over the marathon's time window: the scope of its progress
    /// report.
    pub fn scope(&self) -> Scope {
        self.goal
            .clone()
            .with_period(Some(self.starts_at), Some(self.ends_at))
    }

    /// The marathon's length in hours.
    pub fn hours(&self) -> f64 {
        (self.ends_at - self.starts_at).num_seconds() as f64 / 3600.0
    }
}
