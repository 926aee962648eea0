//! Identifiers of stored records.
//!
//! Every record kind has its own identifier type, so that a candidacy's
//! identifier can never be passed where a person's is expected. Stores hand
//! identifiers out through [`CampaignWrite::allocate`](crate::CampaignWrite::allocate);
//! they are positive and never reused within one store.

use std::fmt;

use serde::{Deserialize, Serialize};

macro_rules! id_type {
    ($(#[$doc:meta] $name:ident => $kind:ident,)*) => {
        $(
            #[$doc]
            #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
            #[serde(transparent)]
            pub struct $name(i64);

            impl $name {
                /// Wraps a raw identifier, as read back from storage.
                pub const fn new(raw: i64) -> Self {
                    Self(raw)
                }

                /// The raw identifier, as written to storage.
                pub const fn get(self) -> i64 {
                    self.0
                }

                /// The kind of record this identifier names.
                pub const KIND: RecordKind = RecordKind::$kind;
            }

            impl fmt::Display for $name {
                fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                    write!(f, "{}", self.0)
                }
            }

            impl From<$name> for i64 {
                fn from(id: $name) -> i64 {
                    id.0
                }
            }
        )*

        /// The kinds of stored records, one per identifier type.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(rename_all = "snake_case")]
        pub enum RecordKind {
            $(
                #[$doc]
                $kind,
            )*
        }

        impl RecordKind {
            /// Every record kind, in a fixed order.
            pub const ALL: &'static [RecordKind] = &[$(RecordKind::$kind,)*];
        }
    };
}

id_type! {
    /// An election, such as the 2021 regional elections.
    ElectionId => Election,
    /// A constituency: a region, a département, a circonscription, a commune...
    ConstituencyId => Constituency,
    /// A candidate list.
    ListId => List,
    /// A section of a candidate list (a département's part of a regional list).
    SectionId => Section,
    /// A person, who may stand in many elections.
    PersonId => Person,
    /// One candidacy of a person in one round of one election.
    CandidacyId => Candidacy,
    /// A participant: a volunteer of the campaign.
    ParticipantId => Participant,
    /// A responsibility of a participant over candidacies.
    ResponsibilityId => Responsibility,
    /// A contact detail (e-mail, phone, web form...).
    ContactDetailId => ContactDetail,
    /// A contact action: one contact made by a participant.
    ContactActionId => ContactAction,
    /// A pledge, in one version of its text.
    PledgeId => Pledge,
    /// An answer to a pledge: signed or declined.
    PledgeAnswerId => PledgeAnswer,
    /// A contact marathon.
    MarathonId => Marathon,
    /// A message template.
    TemplateId => Template,
    /// A proposed change awaiting moderation.
    ProposalId => Proposal,
    /// An entry of the audit history.
    AuditId => Audit,
    /// A reservation of a candidacy taken from a work queue.
    ReservationId => Reservation,
}

impl RecordKind {
    /// The name of the kind, as used in messages and in storage.
    pub const fn name(self) -> &'static str {
        match self {
            RecordKind::Election => "election",
            RecordKind::Constituency => "constituency",
            RecordKind::List => "list",
            RecordKind::Section => "section",
            RecordKind::Person => "person",
            RecordKind::Candidacy => "candidacy",
            RecordKind::Participant => "participant",
            RecordKind::Responsibility => "responsibility",
            RecordKind::ContactDetail => "contact_detail",
            RecordKind::ContactAction => "contact_action",
            RecordKind::Pledge => "pledge",
            RecordKind::PledgeAnswer => "pledge_answer",
            RecordKind::Marathon => "marathon",
            RecordKind::Template => "template",
            RecordKind::Proposal => "proposal",
            RecordKind::Audit => "audit",
            RecordKind::Reservation => "reservation",
        }
    }

    /// Parses a name written by [`RecordKind::name`].
    pub fn from_name(name: &str) -> Option<RecordKind> {
        RecordKind::ALL
            .iter()
            .copied()
            .find(|kind| kind.name() == name)
    }
}

impl fmt::Display for RecordKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}
