//! Pledges and the answers candidates give.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use crate::error::Result;
use crate::id::{ListId, ParticipantId, PersonId, PledgeAnswerId, PledgeId};
use crate::text::{check_free_text, Name, MAX_TEXT_LEN};

/// A pledge candidates are asked to sign, in one version of its text.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Pledge {
    /// The pledge's identifier.
    pub id: PledgeId,
    /// Its name: "Pacte du Logiciel Libre".
    pub name: Name,
    /// The version of the text, from 1.
    pub version: u32,
    /// The text.
    pub text: String,
}

impl Pledge {
    /// Checks the text.
    ///
    /// # Errors
    ///
    /// [`crate::Error::InvalidInput`] when the text holds a NUL character or
    /// is too long.
    pub fn check(&self) -> Result<()> {
        check_free_text("a pledge text", &self.text, MAX_TEXT_LEN)
    }
}

/// Who answered a pledge: a person, or a list as a whole.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(tag = "kind", content = "id", rename_all = "snake_case")]
pub enum Subject {
    /// A person.
    Person(PersonId),
    /// A list.
    List(ListId),
}

/// The answer itself.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "answer", rename_all = "snake_case")]
pub enum Answer {
    /// Signed, with the evidence: how the signed pledge came back (an
    /// e-mail's reference, "received by post", a web form's receipt).
    Signed {
        /// The evidence of the signature.
        evidence: String,
    },
    /// Declined.
    Declined,
}

impl Answer {
    /// Whether this is a signature.
    pub fn is_signed(&self) -> bool {
        matches!(self, Answer::Signed { .. })
    }
}

/// An answer to a pledge, as recorded by a participant.
///
/// A subject may answer several times (decline, then sign): the latest
/// answer by date, then by identifier, is the one that counts.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PledgeAnswer {
    /// The answer's identifier.
    pub id: PledgeAnswerId,
    /// The pledge answered.
    pub pledge: PledgeId,
    /// Who answered.
    pub subject: Subject,
    /// Signed or declined.
    pub answer: Answer,
    /// The day of the answer.
    pub date: NaiveDate,
    /// Who recorded it.
    pub recorded_by: ParticipantId,
    /// When it was recorded.
    pub recorded_at: DateTime<Utc>,
}

impl PledgeAnswer {
    /// Checks the evidence.
    ///
    /// # Errors
    ///
    /// [`crate::Error::InvalidInput`] when a signature has no evidence, or
    /// the evidence holds a NUL character or is too long.
    pub fn check(&self) -> Result<()> {
        if let Answer::Signed { evidence } = &self.answer {
            if evidence.trim().is_empty() {
                return Err(crate::Error::invalid(
                    "expected the evidence of the signature, found nothing",
                ));
            }
            check_free_text("an evidence", evidence, MAX_TEXT_LEN)?;
        }
        Ok(())
    }

    /// The order in which answers supersede each other.
    pub fn sort_key(&self) -> (NaiveDate, i64) {
        (self.date, self.id.get())
    }
}
