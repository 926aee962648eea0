//! The domain of `candidats`: elections, lists, sections, candidacies and
//! their roles, participants and their responsibility, contact details and
//! contact actions, pledges and answers; the storage traits every store
//! implements; and the campaign's rules, written once on top of them.
//!
//! This crate knows nothing of databases or files: stores live in their own
//! crates (`candidats-sqlite`, `candidats-csv`, `candidats-postgres`), and
//! [`MemoryStore`] here is the reference every other store is tested
//! against.
//!
//! ```
//! use candidats_core::*;
//!
//! let campaign = Campaign::new(MemoryStore::new()).with_policy(GrantPolicy::Automatic);
//! let alice = campaign.register("Alice", None)?;
//!
//! // Import one candidate of the législatives.
//! let row = ImportRow {
//!     location: Location::file("sample.csv").line(2),
//!     area: vec![
//!         AreaSpec { kind: ConstituencyKind::Departement, code: "01".into(), name: "Ain".into() },
//!         AreaSpec { kind: ConstituencyKind::Circonscription, code: "0101".into(), name: "1ère circonscription".into() },
//!     ],
//!     candidate: CandidateSpec {
//!         surname: "D'ALMEIDA".into(),
//!         first_name: Some("Marie".into()),
//!         sex: Some(Sex::Female),
//!         birth_date: None,
//!         profession: None,
//!         nationality: None,
//!         outgoing: false,
//!     },
//!     seat: SeatSpec::Single { panel: 1, nuance: None, substitute: None },
//!     raw: Vec::new(),
//! };
//! let options = ImportOptions::new("Législatives 2024", ElectionKind::Legislatives);
//! campaign.import(&mut vec![Ok(row)].into_iter(), &options, &mut |_, _| Ok(()))?;
//!
//! // Take responsibility for her, add her e-mail and record a contact.
//! let (_, candidacy) = campaign
//!     .take_next(alice.id, QueueKind::ToCollect, &Scope::default(), &TakeOptions::default())?
//!     .expect("one candidacy to collect");
//! campaign.request_responsibility(alice.id, Target::Candidacy(candidacy.id), None, IfTaken::Refuse)?;
//! campaign.add_contact_detail(alice.id, NewContactDetail {
//!     owner: Owner::Person(candidacy.person),
//!     point: ContactPoint::new(Channel::Email, "marie@example.org")?,
//!     source: "https://example.org/equipe".into(),
//!     visibility: Visibility::Public,
//!     label: None,
//!     note: None,
//! })?;
//! campaign.record_action(alice.id, NewContactAction::new(candidacy.id, Channel::Email, Outcome::Sent))?;
//!
//! let report = campaign.report(&Scope::default())?;
//! assert_eq!((report.candidacies, report.contacted, report.without_contact_detail), (1, 1, 0));
//! # Ok::<(), candidats_core::Error>(())
//! ```
#![deny(missing_docs)]

mod audit;
mod campaign;
mod candidacy;
mod clock;
mod contact;
mod copy;
mod election;
mod error;
mod id;
mod import;
mod marathon;
mod memory;
pub mod naive;
mod participant;
mod person;
mod pledge;
mod proposal;
mod queue;
mod report;
mod scope;
mod store;
mod template;
mod text;

#[cfg(feature = "testing")]
pub mod testing;

pub use audit::{AuditAction, AuditRecord};
pub use campaign::{
    role_label, Applied, Campaign, Edit, Erasure, GrantPolicy, IfTaken, NewContactAction,
    NewContactDetail, PersonExport, TakeOptions, ERASED,
};
pub use candidacy::{Candidacy, Role, Roles, Seat};
pub use clock::{Clock, ManualClock, SystemClock};
pub use contact::{
    ActionTarget, Channel, ContactAction, ContactDetail, ContactPoint, DetailStatus, Outcome,
    Owner, Visibility,
};
pub use copy::{copy, CopySummary};
pub use election::{
    CandidateList, Constituency, ConstituencyKind, Election, ElectionKind, Nuance, Round, Section,
};
pub use error::{Error, Location, Result};
pub use id::*;
pub use import::{
    Ambiguity, AreaSpec, CandidateSpec, ImportOptions, ImportRow, ImportSummary, PersonMatch,
    RejectSink, RowError, SeatSpec,
};
pub use marathon::Marathon;
pub use memory::{MemoryState, MemoryStore};
pub use participant::{Participant, Responsibility, ResponsibilityStatus, Target};
pub use person::{Person, Sex};
pub use pledge::{Answer, Pledge, PledgeAnswer, Subject};
pub use proposal::{Change, Proposal, ProposalStatus};
pub use queue::{QueueKind, QueueQuery, Reservation};
pub use report::{
    percent, Breakdown, DayTally, GroupBy, GroupKey, ParticipantFigures, ParticipantTally,
    ProgressReport, RoleFigures, RoleTally, Tally,
};
pub use scope::{day_start, Scope};
pub use store::{
    ActionFilter, AuditFilter, CampaignRead, CampaignWrite, ListKey, LockKey, ReservationFilter,
    ResponsibilityFilter, SeatKey, Store, StoreExt,
};
pub use template::{mailto, Message, MessageValues, Template, PLACEHOLDERS};
pub use text::{Name, MAX_TEXT_LEN};
