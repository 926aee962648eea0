//! The storage traits.
//!
//! A store keeps a campaign's records. It offers two ways in:
//! [`Store::read`] runs a closure on a consistent snapshot, and
//! [`Store::write`] runs a closure in one atomic transaction, serialised
//! with every other write: what the closure does is kept entirely or not at
//! all, and of two writers that race for something exclusive (a
//! responsibility, a queue reservation) exactly one wins. The campaign's
//! rules ([`Campaign`](crate::Campaign)) are written once on top of these
//! traits, so every store behaves the same.
//!
//! [`CampaignRead`] holds the record lookups and the queries that reports and
//! queues need. The queries have default implementations built on the
//! lookups, which [`MemoryStore`](crate::MemoryStore) uses and which serve as
//! the oracle; a database store overrides them to answer in the database.
//! [`CampaignWrite`] adds the writes. Both are object safe.

use std::fmt;
use std::sync::Arc;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::audit::AuditRecord;
use crate::candidacy::{Candidacy, Seat};
use crate::contact::{ActionTarget, ContactAction, ContactDetail, Owner};
use crate::election::{CandidateList, Constituency, ConstituencyKind, Election, Section};
use crate::error::{Error, Result};
use crate::id::*;
use crate::marathon::Marathon;
use crate::naive;
use crate::participant::{Participant, Responsibility, ResponsibilityStatus, Target};
use crate::person::Person;
use crate::pledge::{Pledge, PledgeAnswer, Subject};
use crate::proposal::{Proposal, ProposalStatus};
use crate::queue::{QueueQuery, Reservation};
use crate::report::{DayTally, GroupBy, GroupKey, ParticipantTally, Tally};
use crate::scope::Scope;
use crate::template::Template;

/// How a list is recognised when a file is imported again: by its panel
/// number when the file gives one, else by its label.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct ListKey {
    /// The election.
    pub election: ElectionId,
    /// The round.
    pub round: u8,
    /// Where the list stands.
    pub constituency: ConstituencyId,
    /// The panel number, when known.
    pub panel: Option<u32>,
    /// The label, used when there is no panel number.
    pub label: String,
}

/// A seat's position, which identifies a candidacy when a file is imported
/// again.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum SeatKey {
    /// A list seat: its section and its order in it.
    List {
        /// The section.
        section: SectionId,
        /// The order in the section.
        order: u32,
    },
    /// A single seat or a pair member: the constituency, the panel number,
    /// and for a pair which of the two (1 or 2).
    Panel {
        /// The election.
        election: ElectionId,
        /// The round.
        round: u8,
        /// The constituency.
        constituency: ConstituencyId,
        /// The panel number.
        panel: u32,
        /// 1, or 2 for the second member of a pair.
        index: u8,
    },
    /// The substitute of a candidacy.
    Substitute {
        /// The candidacy replaced.
        of: CandidacyId,
    },
}

impl SeatKey {
    /// The key of a candidacy's seat; `None` for a single seat or a pair
    /// member without a panel number, which cannot be recognised again.
    pub fn of(c: &Candidacy) -> Option<SeatKey> {
        let panel = |index| {
            c.panel.map(|panel| SeatKey::Panel {
                election: c.election,
                round: c.round,
                constituency: c.constituency,
                panel,
                index,
            })
        };
        match c.seat {
            Seat::List { section, order, .. } => Some(SeatKey::List { section, order }),
            Seat::Single => panel(1),
            Seat::Pair { index, .. } => panel(index),
            Seat::Substitute { of } => Some(SeatKey::Substitute { of }),
        }
    }
}

/// Which responsibilities to list. Empty fields match everything.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ResponsibilityFilter {
    /// Only this participant's.
    pub participant: Option<ParticipantId>,
    /// Only those over exactly this target.
    pub target: Option<Target>,
    /// Only those with this stored status.
    pub status: Option<ResponsibilityStatus>,
}

/// Which contact actions to list. Empty fields match everything.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ActionFilter {
    /// Only those on this target.
    pub target: Option<ActionTarget>,
    /// Only this participant's.
    pub participant: Option<ParticipantId>,
    /// Only those of this marathon.
    pub marathon: Option<MarathonId>,
    /// Only those at or after this instant.
    pub from: Option<DateTime<Utc>>,
    /// Only those before this instant.
    pub until: Option<DateTime<Utc>>,
}

/// Which audit entries to list. Empty fields match everything.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditFilter {
    /// Only changes to records of this kind.
    pub kind: Option<RecordKind>,
    /// Only changes to the record with this identifier (with `kind`).
    pub record: Option<i64>,
    /// Only changes touching this person's data.
    pub person: Option<PersonId>,
    /// Only changes by this participant.
    pub actor: Option<ParticipantId>,
}

/// Which reservations to list. Empty fields match everything.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReservationFilter {
    /// Only this participant's.
    pub participant: Option<ParticipantId>,
    /// Only those of this candidacy.
    pub candidacy: Option<CandidacyId>,
    /// Only those still holding their candidacy at this instant.
    pub active_at: Option<DateTime<Utc>>,
}

/// Read access to a campaign's records, on a consistent snapshot.
///
/// Lookups by identifier fail with [`Error::NotFound`]; lookups by key
/// return `None`; listings return records sorted by identifier.
pub trait CampaignRead {
    /// One election.
    ///
    /// # Errors
    ///
    /// [`Error::NotFound`], or a backend failure.
    fn election(&self, id: ElectionId) -> Result<Election>;
    /// Every election.
    ///
    /// # Errors
    ///
    /// A backend failure.
    fn elections(&self) -> Result<Vec<Election>>;
    /// The election with this name.
    ///
    /// # Errors
    ///
    /// A backend failure.
    fn election_named(&self, name: &str) -> Result<Option<Election>>;

    /// One constituency.
    ///
    /// # Errors
    ///
    /// [`Error::NotFound`], or a backend failure.
    fn constituency(&self, id: ConstituencyId) -> Result<Constituency>;
    /// Every constituency of an election.
    ///
    /// # Errors
    ///
    /// A backend failure.
    fn constituencies(&self, election: ElectionId) -> Result<Vec<Constituency>>;
    /// The constituency of an election with this kind and code.
    ///
    /// # Errors
    ///
    /// A backend failure.
    fn constituency_by_code(
        &self,
        election: ElectionId,
        kind: ConstituencyKind,
        code: &str,
    ) -> Result<Option<Constituency>>;

    /// One list.
    ///
    /// # Errors
    ///
    /// [`Error::NotFound`], or a backend failure.
    fn list(&self, id: ListId) -> Result<CandidateList>;
    /// Every list of an election, both rounds.
    ///
    /// # Errors
    ///
    /// A backend failure.
    fn lists(&self, election: ElectionId) -> Result<Vec<CandidateList>>;
    /// The list with this key: same election, round and constituency, and
    /// the same panel number (or, without one, the same label).
    ///
    /// # Errors
    ///
    /// A backend failure.
    fn list_by_key(&self, key: &ListKey) -> Result<Option<CandidateList>>;

    /// One section.
    ///
    /// # Errors
    ///
    /// [`Error::NotFound`], or a backend failure.
    fn section(&self, id: SectionId) -> Result<Section>;
    /// Every section of a list.
    ///
    /// # Errors
    ///
    /// A backend failure.
    fn sections(&self, list: ListId) -> Result<Vec<Section>>;

    /// One person.
    ///
    /// # Errors
    ///
    /// [`Error::NotFound`], or a backend failure.
    fn person(&self, id: PersonId) -> Result<Person>;
    /// The persons with exactly this surname and first name.
    ///
    /// # Errors
    ///
    /// A backend failure.
    fn persons_named(&self, surname: &str, first_name: Option<&str>) -> Result<Vec<Person>>;
    /// Every person.
    ///
    /// # Errors
    ///
    /// A backend failure.
    fn persons(&self) -> Result<Vec<Person>>;

    /// One candidacy.
    ///
    /// # Errors
    ///
    /// [`Error::NotFound`], or a backend failure.
    fn candidacy(&self, id: CandidacyId) -> Result<Candidacy>;
    /// The candidacies in a scope (its period is ignored).
    ///
    /// # Errors
    ///
    /// A backend failure.
    fn candidacies(&self, scope: &Scope) -> Result<Vec<Candidacy>>;
    /// Every candidacy of a person.
    ///
    /// # Errors
    ///
    /// A backend failure.
    fn candidacies_of_person(&self, person: PersonId) -> Result<Vec<Candidacy>>;
    /// The candidacy at a seat.
    ///
    /// # Errors
    ///
    /// A backend failure.
    fn candidacy_at(&self, key: &SeatKey) -> Result<Option<Candidacy>>;

    /// One participant.
    ///
    /// # Errors
    ///
    /// [`Error::NotFound`], or a backend failure.
    fn participant(&self, id: ParticipantId) -> Result<Participant>;
    /// Every participant.
    ///
    /// # Errors
    ///
    /// A backend failure.
    fn participants(&self) -> Result<Vec<Participant>>;

    /// One responsibility.
    ///
    /// # Errors
    ///
    /// [`Error::NotFound`], or a backend failure.
    fn responsibility(&self, id: ResponsibilityId) -> Result<Responsibility>;
    /// The responsibilities matching a filter.
    ///
    /// # Errors
    ///
    /// A backend failure.
    fn responsibilities(&self, filter: &ResponsibilityFilter) -> Result<Vec<Responsibility>>;

    /// One contact detail.
    ///
    /// # Errors
    ///
    /// [`Error::NotFound`], or a backend failure.
    fn contact_detail(&self, id: ContactDetailId) -> Result<ContactDetail>;
    /// Every contact detail of a person or list, private ones included; with
    /// no owner, every contact detail of the store.
    ///
    /// # Errors
    ///
    /// A backend failure.
    fn contact_details(&self, owner: Option<Owner>) -> Result<Vec<ContactDetail>>;

    /// One contact action.
    ///
    /// # Errors
    ///
    /// [`Error::NotFound`], or a backend failure.
    fn contact_action(&self, id: ContactActionId) -> Result<ContactAction>;
    /// The contact actions matching a filter.
    ///
    /// # Errors
    ///
    /// A backend failure.
    fn contact_actions(&self, filter: &ActionFilter) -> Result<Vec<ContactAction>>;

    /// One pledge.
    ///
    /// # Errors
    ///
    /// [`Error::NotFound`], or a backend failure.
    fn pledge(&self, id: PledgeId) -> Result<Pledge>;
    /// Every pledge.
    ///
    /// # Errors
    ///
    /// A backend failure.
    fn pledges(&self) -> Result<Vec<Pledge>>;
    /// One pledge answer.
    ///
    /// # Errors
    ///
    /// [`Error::NotFound`], or a backend failure.
    fn pledge_answer(&self, id: PledgeAnswerId) -> Result<PledgeAnswer>;
    /// The answers of a subject, or every answer.
    ///
    /// # Errors
    ///
    /// A backend failure.
    fn pledge_answers(&self, subject: Option<Subject>) -> Result<Vec<PledgeAnswer>>;

    /// One contact marathon.
    ///
    /// # Errors
    ///
    /// [`Error::NotFound`], or a backend failure.
    fn marathon(&self, id: MarathonId) -> Result<Marathon>;
    /// Every contact marathon.
    ///
    /// # Errors
    ///
    /// A backend failure.
    fn marathons(&self) -> Result<Vec<Marathon>>;

    /// One message template.
    ///
    /// # Errors
    ///
    /// [`Error::NotFound`], or a backend failure.
    fn template(&self, id: TemplateId) -> Result<Template>;
    /// The templates of a participant, or every template.
    ///
    /// # Errors
    ///
    /// A backend failure.
    fn templates(&self, owner: Option<ParticipantId>) -> Result<Vec<Template>>;

    /// One proposal.
    ///
    /// # Errors
    ///
    /// [`Error::NotFound`], or a backend failure.
    fn proposal(&self, id: ProposalId) -> Result<Proposal>;
    /// The proposals with a status, or every proposal.
    ///
    /// # Errors
    ///
    /// A backend failure.
    fn proposals(&self, status: Option<ProposalStatus>) -> Result<Vec<Proposal>>;

    /// The audit entries matching a filter, oldest first.
    ///
    /// # Errors
    ///
    /// A backend failure.
    fn audit(&self, filter: &AuditFilter) -> Result<Vec<AuditRecord>>;

    /// One reservation.
    ///
    /// # Errors
    ///
    /// [`Error::NotFound`], or a backend failure.
    fn reservation(&self, id: ReservationId) -> Result<Reservation>;
    /// The reservations matching a filter.
    ///
    /// # Errors
    ///
    /// A backend failure.
    fn reservations(&self, filter: &ReservationFilter) -> Result<Vec<Reservation>>;

    /// Counts over the candidacies of a scope, by group; groups with no
    /// candidacy are left out, and groups come sorted by key.
    ///
    /// # Errors
    ///
    /// A backend failure.
    fn tally(&self, scope: &Scope, group: GroupBy) -> Result<Vec<(GroupKey, Tally)>> {
        naive::tally(self, scope, group)
    }

    /// Contacts and signatures per day over a scope's candidacies, sorted by
    /// day; days with nothing are left out.
    ///
    /// # Errors
    ///
    /// A backend failure.
    fn daily(&self, scope: &Scope) -> Result<Vec<DayTally>> {
        naive::daily(self, scope)
    }

    /// Each participant's contact actions over a scope's candidacies, sorted
    /// by participant.
    ///
    /// # Errors
    ///
    /// A backend failure.
    fn activity(&self, scope: &Scope) -> Result<Vec<ParticipantTally>> {
        naive::activity(self, scope)
    }

    /// The first `limit` candidacies of a work queue, in queue order,
    /// skipping those reserved at the query's instant.
    ///
    /// # Errors
    ///
    /// A backend failure.
    fn queue(&self, query: &QueueQuery, limit: usize) -> Result<Vec<CandidacyId>> {
        naive::queue(self, query, limit)
    }

    /// The granted responsibilities, active at `now`, that cover a
    /// candidacy: over it, its list, or a constituency it stands in.
    ///
    /// # Errors
    ///
    /// A backend failure.
    fn responsibilities_covering(
        &self,
        candidacy: CandidacyId,
        now: DateTime<Utc>,
    ) -> Result<Vec<Responsibility>> {
        naive::covering(self, candidacy, now)
    }

    /// The granted responsibilities, active at `now`, whose target shares at
    /// least one candidacy with `target`.
    ///
    /// # Errors
    ///
    /// A backend failure.
    fn responsibilities_overlapping(
        &self,
        target: Target,
        now: DateTime<Utc>,
    ) -> Result<Vec<Responsibility>> {
        naive::overlapping(self, target, now)
    }
}

/// What a writer locks before a check-then-write that must not race with
/// another writer. Stores whose writes are already serialised ignore it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum LockKey {
    /// Granting responsibilities.
    Responsibilities,
    /// Taking from the work queues.
    Queues,
    /// Importing candidacies.
    Import,
}

/// Write access to a campaign's records, inside one transaction.
///
/// `put_*` inserts a record, or replaces the one with the same identifier.
/// The writes are not checked against the campaign's rules: that is the job
/// of [`Campaign`](crate::Campaign). They are checked against the store's
/// integrity: a record naming another that does not exist fails with
/// [`Error::InvalidInput`] or [`Error::NotFound`].
pub trait CampaignWrite: CampaignRead {
    /// A fresh identifier for a record of `kind`, never handed out before.
    ///
    /// # Errors
    ///
    /// A backend failure.
    fn allocate(&mut self, kind: RecordKind) -> Result<i64>;

    /// Stores an election.
    ///
    /// # Errors
    ///
    /// [`Error::Conflict`] when another election has the same name; a
    /// backend failure.
    fn put_election(&mut self, election: &Election) -> Result<()>;
    /// Stores a constituency.
    ///
    /// # Errors
    ///
    /// [`Error::Conflict`] when another constituency has the same election,
    /// kind and code; a backend failure.
    fn put_constituency(&mut self, constituency: &Constituency) -> Result<()>;
    /// Stores a list.
    ///
    /// # Errors
    ///
    /// A backend failure.
    fn put_list(&mut self, list: &CandidateList) -> Result<()>;
    /// Stores a section.
    ///
    /// # Errors
    ///
    /// [`Error::Conflict`] when the list has another section with the same
    /// code; a backend failure.
    fn put_section(&mut self, section: &Section) -> Result<()>;
    /// Stores a person.
    ///
    /// # Errors
    ///
    /// A backend failure.
    fn put_person(&mut self, person: &Person) -> Result<()>;
    /// Stores a candidacy.
    ///
    /// # Errors
    ///
    /// A backend failure.
    fn put_candidacy(&mut self, candidacy: &Candidacy) -> Result<()>;
    /// Stores a participant.
    ///
    /// # Errors
    ///
    /// A backend failure.
    fn put_participant(&mut self, participant: &Participant) -> Result<()>;
    /// Stores a responsibility.
    ///
    /// # Errors
    ///
    /// A backend failure.
    fn put_responsibility(&mut self, responsibility: &Responsibility) -> Result<()>;
    /// Stores a contact detail.
    ///
    /// # Errors
    ///
    /// A backend failure.
    fn put_contact_detail(&mut self, detail: &ContactDetail) -> Result<()>;
    /// Deletes a contact detail.
    ///
    /// # Errors
    ///
    /// [`Error::NotFound`]; a backend failure.
    fn delete_contact_detail(&mut self, id: ContactDetailId) -> Result<()>;
    /// Stores a contact action.
    ///
    /// # Errors
    ///
    /// A backend failure.
    fn put_contact_action(&mut self, action: &ContactAction) -> Result<()>;
    /// Stores a pledge.
    ///
    /// # Errors
    ///
    /// A backend failure.
    fn put_pledge(&mut self, pledge: &Pledge) -> Result<()>;
    /// Stores a pledge answer.
    ///
    /// # Errors
    ///
    /// A backend failure.
    fn put_pledge_answer(&mut self, answer: &PledgeAnswer) -> Result<()>;
    /// Deletes a pledge answer.
    ///
    /// # Errors
    ///
    /// [`Error::NotFound`]; a backend failure.
    fn delete_pledge_answer(&mut self, id: PledgeAnswerId) -> Result<()>;
    /// Stores a contact marathon.
    ///
    /// # Errors
    ///
    /// A backend failure.
    fn put_marathon(&mut self, marathon: &Marathon) -> Result<()>;
    /// Stores a message template.
    ///
    /// # Errors
    ///
    /// A backend failure.
    fn put_template(&mut self, template: &Template) -> Result<()>;
    /// Stores a proposal.
    ///
    /// # Errors
    ///
    /// A backend failure.
    fn put_proposal(&mut self, proposal: &Proposal) -> Result<()>;
    /// Stores a reservation.
    ///
    /// # Errors
    ///
    /// A backend failure.
    fn put_reservation(&mut self, reservation: &Reservation) -> Result<()>;

    /// Appends an entry to the audit history.
    ///
    /// # Errors
    ///
    /// [`Error::Conflict`] when an entry with this identifier exists: the
    /// history is never rewritten; a backend failure.
    fn append_audit(&mut self, record: &AuditRecord) -> Result<()>;
    /// Erases a person's data from the audit history: the entries touching
    /// them lose their `before`, `after` and `source`. Returns how many
    /// entries were scrubbed. A store must leave no copy of the erased data
    /// behind (in free pages, journals or old files).
    ///
    /// # Errors
    ///
    /// A backend failure.
    fn scrub_audit(&mut self, person: PersonId) -> Result<u64>;

    /// Locks `key` until the end of the transaction, for stores whose
    /// transactions may run side by side.
    ///
    /// # Errors
    ///
    /// A backend failure.
    fn lock(&mut self, key: LockKey) -> Result<()> {
        let _ = key;
        Ok(())
    }
}

/// A campaign store.
///
/// # Retries
///
/// A store may run a write closure more than once, when its backend asks
/// for a retry (two processes writing the same SQLite file). Only the last
/// run's writes are kept, so a closure must not have effects outside the
/// store that a second run would repeat.
pub trait Store: Send + Sync + fmt::Debug {
    /// Runs `f` on a consistent snapshot of the store.
    ///
    /// # Errors
    ///
    /// What `f` returns, or a backend failure.
    fn read(&self, f: &mut dyn FnMut(&dyn CampaignRead) -> Result<()>) -> Result<()>;

    /// Runs `f` in one transaction: if it returns an error, nothing it
    /// wrote is kept; if it returns `Ok`, everything is kept, durably.
    ///
    /// # Errors
    ///
    /// What `f` returns, or a backend failure (then nothing is kept).
    fn write(&self, f: &mut dyn FnMut(&mut dyn CampaignWrite) -> Result<()>) -> Result<()>;

    /// A short description of the store, for messages: `sqlite:campaign.db`.
    /// It holds no personal data.
    fn describe(&self) -> String;
}

impl<S: Store + ?Sized> Store for Arc<S> {
    fn read(&self, f: &mut dyn FnMut(&dyn CampaignRead) -> Result<()>) -> Result<()> {
        (**self).read(f)
    }

    fn write(&self, f: &mut dyn FnMut(&mut dyn CampaignWrite) -> Result<()>) -> Result<()> {
        (**self).write(f)
    }

    fn describe(&self) -> String {
        (**self).describe()
    }
}

impl<S: Store + ?Sized> Store for Box<S> {
    fn read(&self, f: &mut dyn FnMut(&dyn CampaignRead) -> Result<()>) -> Result<()> {
        (**self).read(f)
    }

    fn write(&self, f: &mut dyn FnMut(&mut dyn CampaignWrite) -> Result<()>) -> Result<()> {
        (**self).write(f)
    }

    fn describe(&self) -> String {
        (**self).describe()
    }
}

/// Conveniences over [`Store`]: closures that return a value.
///
/// ```
/// use candidats_core::{MemoryStore, StoreExt};
///
/// let store = MemoryStore::new();
/// let count = store.read_with(|r| Ok(r.elections()?.len()))?;
/// assert_eq!(count, 0);
/// # Ok::<(), candidats_core::Error>(())
/// ```
pub trait StoreExt: Store {
    /// Runs `f` on a snapshot and returns its value.
    ///
    /// # Errors
    ///
    /// What `f` returns, or a backend failure.
    fn read_with<T>(&self, mut f: impl FnMut(&dyn CampaignRead) -> Result<T>) -> Result<T> {
        let mut out = None;
        self.read(&mut |r| {
            out = Some(f(r)?);
            Ok(())
        })?;
        out.ok_or_else(|| Error::backend("the store did not run the read", NotRun))
    }

    /// Runs `f` in one transaction and returns its value.
    ///
    /// # Errors
    ///
    /// What `f` returns, or a backend failure (then nothing is kept).
    fn write_with<T>(&self, mut f: impl FnMut(&mut dyn CampaignWrite) -> Result<T>) -> Result<T> {
        let mut out = None;
        self.write(&mut |w| {
            out = Some(f(w)?);
            Ok(())
        })?;
        out.ok_or_else(|| Error::backend("the store did not run the write", NotRun))
    }
}

impl<S: Store + ?Sized> StoreExt for S {}

#[derive(Debug)]
struct NotRun;

impl fmt::Display for NotRun {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("closure not run")
    }
}

impl std::error::Error for NotRun {}
