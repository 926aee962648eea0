//! Proposed changes, waiting for moderation.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use crate::contact::{ContactPoint, DetailStatus, Owner, Visibility};
use crate::id::{CandidacyId, ContactDetailId, ParticipantId, PledgeId, ProposalId};
use crate::person::Person;
use crate::pledge::{Answer, Subject};

/// A change to a person's or a candidacy's record.
///
/// A participant responsible for the record (or a moderator) makes it
/// directly; anyone else proposes it, and it waits for moderation.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "change", rename_all = "snake_case")]
#[non_exhaustive]
pub enum Change {
    /// Add a contact detail.
    AddContactDetail {
        /// Whom it reaches.
        owner: Owner,
        /// The channel and value.
        point: ContactPoint,
        /// A short label.
        label: Option<String>,
        /// Where it was found.
        source: String,
        /// Who may see it.
        visibility: Visibility,
        /// A free note.
        note: Option<String>,
    },
    /// Mark a contact detail confirmed, bounced or obsolete.
    SetDetailStatus {
        /// The detail.
        detail: ContactDetailId,
        /// Its new status.
        status: DetailStatus,
    },
    /// Correct a person's record (name, sex, date of birth...).
    UpdatePerson {
        /// The person as it should read.
        person: Person,
    },
    /// Mark a candidacy withdrawn, or back in the race.
    SetWithdrawn {
        /// The candidacy.
        candidacy: CandidacyId,
        /// Whether it is withdrawn.
        withdrawn: bool,
    },
    /// Record a pledge answer.
    RecordAnswer {
        /// The pledge.
        pledge: PledgeId,
        /// Who answered.
        subject: Subject,
        /// Signed or declined.
        answer: Answer,
        /// The day of the answer.
        date: NaiveDate,
    },
    /// A change whose content was erased at the request of the person it
    /// was about.
    Erased,
}

/// Where a proposal stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ProposalStatus {
    /// Waiting for a decision.
    Pending,
    /// Accepted and applied.
    Accepted,
    /// Rejected.
    Rejected,
}

impl ProposalStatus {
    /// The status as stored.
    pub const fn name(self) -> &'static str {
        match self {
            ProposalStatus::Pending => "pending",
            ProposalStatus::Accepted => "accepted",
            ProposalStatus::Rejected => "rejected",
        }
    }

    /// Parses a name written by [`ProposalStatus::name`].
    ///
    /// # Errors
    ///
    /// [`crate::Error::InvalidInput`] for any other text.
    pub fn from_name(name: &str) -> crate::Result<ProposalStatus> {
        match name {
            "pending" => Ok(ProposalStatus::Pending),
            "accepted" => Ok(ProposalStatus::Accepted),
            "rejected" => Ok(ProposalStatus::Rejected),
            other => Err(crate::Error::invalid(format!(
                "expected a proposal status, found `{other}`"
            ))),
        }
    }
}

/// A change proposed by a participant without the responsibility to make
/// it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Proposal {
    /// The proposal's identifier.
    pub id: ProposalId,
    /// Who proposed it.
    pub author: ParticipantId,
    /// When.
    pub created_at: DateTime<Utc>,
    /// The source given for the change.
    pub source: Option<String>,
    /// The change.
    pub change: Change,
    /// Where it stands.
    pub status: ProposalStatus,
    /// Who accepted or rejected it.
    pub decided_by: Option<ParticipantId>,
    /// When.
    pub decided_at: Option<DateTime<Utc>>,
}
