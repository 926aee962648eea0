//! Work queues and reservations.

use std::fmt;

use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::id::{CandidacyId, MarathonId, ParticipantId, ReservationId};
use crate::scope::Scope;

/// The three work queues of a campaign.
///
/// Each serves heads of list first, then heads of section, then every
/// candidacy by its order, then by identifier.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum QueueKind {
    /// Candidacies whose person has no usable contact detail (bounced and
    /// obsolete details do not count; a web contact form does): the
    /// collectors' queue.
    ToCollect,
    /// Candidacies with a usable contact detail, never contacted and with no
    /// pledge answer.
    ToContact,
    /// Candidacies contacted, with no pledge answer, whose last contact is
    /// older than the follow-up delay.
    ToFollowUp,
}

impl QueueKind {
    /// Every queue.
    pub const ALL: &'static [QueueKind] = &[
        QueueKind::ToCollect,
        QueueKind::ToContact,
        QueueKind::ToFollowUp,
    ];

    /// The queue's name, as stored.
    pub const fn name(self) -> &'static str {
        match self {
            QueueKind::ToCollect => "to_collect",
            QueueKind::ToContact => "to_contact",
            QueueKind::ToFollowUp => "to_follow_up",
        }
    }

    /// Parses a name written by [`QueueKind::name`].
    ///
    /// # Errors
    ///
    /// [`Error::InvalidInput`] for any other text.
    pub fn from_name(name: &str) -> Result<QueueKind> {
        QueueKind::ALL
            .iter()
            .copied()
            .find(|queue| queue.name() == name)
            .ok_or_else(|| {
                Error::invalid(format!(
                    "expected a queue (to_collect, to_contact, to_follow_up), found `{name}`"
                ))
            })
    }
}

impl fmt::Display for QueueKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A question to a work queue: which queue, over which scope, at which
/// instant.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct QueueQuery {
    /// The queue.
    pub kind: QueueKind,
    /// The candidacies it covers. Its period is ignored.
    pub scope: Scope,
    /// The instant: reservations still running at it are skipped.
    pub now: DateTime<Utc>,
    /// For [`QueueKind::ToFollowUp`]: how long after the last contact a
    /// candidacy is due for a follow-up.
    pub follow_up_after: Duration,
}

impl QueueQuery {
    /// A query with the default follow-up delay of 7 days.
    pub fn new(kind: QueueKind, scope: Scope, now: DateTime<Utc>) -> QueueQuery {
        QueueQuery {
            kind,
            scope,
            now,
            follow_up_after: Duration::days(7),
        }
    }
}

/// A candidacy taken from a queue by a participant, and kept for them for
/// a while so that nobody else works on it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Reservation {
    /// The reservation's identifier.
    pub id: ReservationId,
    /// The candidacy reserved.
    pub candidacy: CandidacyId,
    /// Who took it.
    pub participant: ParticipantId,
    /// From which queue.
    pub queue: QueueKind,
    /// When.
    pub taken_at: DateTime<Utc>,
    /// Until when it is kept.
    pub until: DateTime<Utc>,
    /// The contact marathon it was taken in, if any.
    pub marathon: Option<MarathonId>,
    /// When it was released before its end, if it was.
    pub released_at: Option<DateTime<Utc>>,
}

impl Reservation {
    /// Whether the reservation still holds its candidacy at `now`.
    pub fn is_active(&self, now: DateTime<Utc>) -> bool {
        self.released_at.is_none() && now < self.until
    }
}
