//! Participants, and their responsibility over candidacies.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::id::{CandidacyId, ConstituencyId, ListId, ParticipantId, ResponsibilityId};
use crate::text::Name;

/// A participant: a volunteer (*contactheur*) of the campaign.
///
/// Anyone may register. Moderators grant responsibilities, accept
/// proposals, and may do anything.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Participant {
    /// The participant's identifier.
    pub id: ParticipantId,
    /// The name shown to other participants.
    pub name: Name,
    /// The participant's own e-mail address, private.
    pub email: Option<String>,
    /// Whether the participant moderates the campaign.
    pub moderator: bool,
    /// When the participant registered.
    pub registered_at: DateTime<Utc>,
}

/// What a responsibility covers.
///
/// A list's responsibility covers every candidacy of the list; a
/// constituency's covers every candidacy standing in it or in the
/// constituencies below it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(tag = "kind", content = "id", rename_all = "snake_case")]
pub enum Target {
    /// One candidacy.
    Candidacy(CandidacyId),
    /// Every candidacy of a list.
    List(ListId),
    /// Every candidacy in a constituency and below.
    Constituency(ConstituencyId),
}

/// Where a responsibility stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ResponsibilityStatus {
    /// Asked for, waiting for a moderator (or for the current holder to let
    /// go).
    Requested,
    /// Granted: the participant may edit the covered records directly.
    Granted,
    /// Refused by a moderator.
    Refused,
    /// Given up by the participant.
    Released,
    /// Taken back by a moderator.
    Revoked,
    /// Past its end date. Stores never write this status: it is read from
    /// [`Responsibility::status_at`].
    Expired,
}

impl ResponsibilityStatus {
    /// The status as stored.
    pub const fn name(self) -> &'static str {
        match self {
            ResponsibilityStatus::Requested => "requested",
            ResponsibilityStatus::Granted => "granted",
            ResponsibilityStatus::Refused => "refused",
            ResponsibilityStatus::Released => "released",
            ResponsibilityStatus::Revoked => "revoked",
            ResponsibilityStatus::Expired => "expired",
        }
    }

    /// Parses a name written by [`ResponsibilityStatus::name`].
    ///
    /// # Errors
    ///
    /// [`Error::InvalidInput`] for any other text.
    pub fn from_name(name: &str) -> Result<ResponsibilityStatus> {
        match name {
            "requested" => Ok(ResponsibilityStatus::Requested),
            "granted" => Ok(ResponsibilityStatus::Granted),
            "refused" => Ok(ResponsibilityStatus::Refused),
            "released" => Ok(ResponsibilityStatus::Released),
            "revoked" => Ok(ResponsibilityStatus::Revoked),
            "expired" => Ok(ResponsibilityStatus::Expired),
            other => Err(Error::invalid(format!(
                "expected a responsibility status, found `{other}`"
            ))),
        }
    }
}

/// A participant's responsibility over a candidacy, a list or a
/// constituency.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Responsibility {
    /// The responsibility's identifier.
    pub id: ResponsibilityId,
    /// Who holds or asks for it.
    pub participant: ParticipantId,
    /// What it covers.
    pub target: Target,
    /// Where it stands, as stored (never `Expired`).
    pub status: ResponsibilityStatus,
    /// When it was asked for.
    pub requested_at: DateTime<Utc>,
    /// Who granted, refused or revoked it.
    pub decided_by: Option<ParticipantId>,
    /// When its status last changed.
    pub decided_at: Option<DateTime<Utc>>,
    /// When it ends by itself, if ever.
    pub expires_at: Option<DateTime<Utc>>,
}

impl Responsibility {
    /// The status at `now`: a granted or requested responsibility past its
    /// end date is [`ResponsibilityStatus::Expired`].
    pub fn status_at(&self, now: DateTime<Utc>) -> ResponsibilityStatus {
        match (self.status, self.expires_at) {
            (ResponsibilityStatus::Granted | ResponsibilityStatus::Requested, Some(end))
                if end <= now =>
            {
                ResponsibilityStatus::Expired
            }
            (status, _) => status,
        }
    }

    /// Whether the responsibility gives its rights at `now`.
    pub fn is_active(&self, now: DateTime<Utc>) -> bool {
        self.status_at(now) == ResponsibilityStatus::Granted
    }

    /// Whether the responsibility is still waiting for a decision at `now`.
    pub fn is_pending(&self, now: DateTime<Utc>) -> bool {
        self.status_at(now) == ResponsibilityStatus::Requested
    }
}
