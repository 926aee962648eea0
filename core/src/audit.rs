//! The audit history: every change, who made it, when, from which source.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::id::{AuditId, ParticipantId, PersonId, RecordKind};

/// What a change did to a record.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AuditAction {
    /// The record was created.
    Create,
    /// The record was changed.
    Update,
    /// The record was deleted.
    Delete,
    /// The record was put back as it was before an earlier change.
    Revert,
    /// A person's personal data was erased on request.
    Erase,
}

impl AuditAction {
    /// The action as stored.
    pub const fn name(self) -> &'static str {
        match self {
            AuditAction::Create => "create",
            AuditAction::Update => "update",
            AuditAction::Delete => "delete",
            AuditAction::Revert => "revert",
            AuditAction::Erase => "erase",
        }
    }

    /// Parses a name written by [`AuditAction::name`].
    ///
    /// # Errors
    ///
    /// [`crate::Error::InvalidInput`] for any other text.
    pub fn from_name(name: &str) -> crate::Result<AuditAction> {
        match name {
            "create" => Ok(AuditAction::Create),
            "update" => Ok(AuditAction::Update),
            "delete" => Ok(AuditAction::Delete),
            "revert" => Ok(AuditAction::Revert),
            "erase" => Ok(AuditAction::Erase),
            other => Err(crate::Error::invalid(format!(
                "expected an audit action, found `{other}`"
            ))),
        }
    }
}

/// One entry of the audit history.
///
/// Entries are only ever appended. The one exception is erasure on a
/// person's request: the entries about that person keep who did what and
/// when, but lose their `before`, `after` and `source`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditRecord {
    /// The entry's identifier.
    pub id: AuditId,
    /// Who made the change; `None` for an import from an official file.
    pub actor: Option<ParticipantId>,
    /// When.
    pub at: DateTime<Utc>,
    /// The source given for the change.
    pub source: Option<String>,
    /// The kind of record changed.
    pub kind: RecordKind,
    /// The identifier of the record changed.
    pub record: i64,
    /// What was done.
    pub action: AuditAction,
    /// The record before the change, as JSON.
    pub before: Option<serde_json::Value>,
    /// The record after the change, as JSON.
    pub after: Option<serde_json::Value>,
    /// The person whose data the change touched, so that erasure finds it.
    pub person: Option<PersonId>,
    /// The entry this change reverted.
    pub reverts: Option<AuditId>,
}
