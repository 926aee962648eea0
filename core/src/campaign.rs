//! The campaign's rules, written once on top of the storage traits.
//!
//! [`Campaign`] wraps any [`Store`] and is how an application changes a
//! campaign: every mutating operation names its actor, is checked against
//! the actor's rights, runs in one transaction of the store and leaves an
//! entry in the audit history.

use std::collections::BTreeMap;
use std::sync::Arc;

use chrono::{DateTime, Duration, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use crate::audit::{AuditAction, AuditRecord};
use crate::candidacy::{Candidacy, Role};
use crate::clock::{Clock, SystemClock};
use crate::contact::{
    ActionTarget, Channel, ContactAction, ContactDetail, ContactPoint, DetailStatus, Outcome,
    Owner, Visibility,
};
use crate::error::{Error, Result};
use crate::id::*;
use crate::marathon::Marathon;
use crate::naive::Ancestry;
use crate::participant::{Participant, Responsibility, ResponsibilityStatus, Target};
use crate::person::{Person, Sex};
use crate::pledge::{Answer, Pledge, PledgeAnswer, Subject};
use crate::proposal::{Change, Proposal, ProposalStatus};
use crate::queue::{QueueKind, QueueQuery, Reservation};
use crate::report::{percent, Breakdown, GroupBy, GroupKey, ParticipantFigures, ProgressReport};
use crate::scope::Scope;
use crate::store::{
    ActionFilter, AuditFilter, CampaignRead, CampaignWrite, LockKey, ReservationFilter,
    ResponsibilityFilter, Store, StoreExt,
};
use crate::template::{Message, MessageValues, Template};
use crate::text::{check_free_text, Name, MAX_TEXT_LEN};

/// How requests for responsibility are decided.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum GrantPolicy {
    /// A moderator grants or refuses each request.
    #[default]
    Moderation,
    /// A request is granted at once when nobody else holds what it covers.
    Automatic,
}

/// What a request for responsibility does when another participant already
/// holds part of what it covers.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum IfTaken {
    /// Fail with [`Error::Conflict`] naming the holder.
    #[default]
    Refuse,
    /// Wait: the request stays pending until the holder lets go.
    Wait,
}

/// The result of an edit: applied at once, or proposed for moderation.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "result", content = "record", rename_all = "snake_case")]
#[allow(clippy::large_enum_variant)] // returned once per edit, never stored in bulk
pub enum Edit<T> {
    /// The actor had the right: the change is made.
    Applied(T),
    /// The actor had not: the change waits for a responsible participant or
    /// a moderator.
    Proposed(Proposal),
}

impl<T> Edit<T> {
    /// The applied record, if the change was made.
    pub fn applied(self) -> Option<T> {
        match self {
            Edit::Applied(record) => Some(record),
            Edit::Proposed(_) => None,
        }
    }

    /// The proposal, if the change waits for moderation.
    pub fn proposal(self) -> Option<Proposal> {
        match self {
            Edit::Applied(_) => None,
            Edit::Proposed(proposal) => Some(proposal),
        }
    }
}

/// A record changed by an applied [`Change`].
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", content = "record", rename_all = "snake_case")]
#[non_exhaustive]
pub enum Applied {
    /// A contact detail added or changed.
    ContactDetail(ContactDetail),
    /// A person corrected.
    Person(Person),
    /// A candidacy changed.
    Candidacy(Candidacy),
    /// A pledge answer recorded.
    PledgeAnswer(PledgeAnswer),
}

/// A new contact detail, as a participant enters it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewContactDetail {
    /// Whom it reaches.
    pub owner: Owner,
    /// The channel and value, checked.
    pub point: ContactPoint,
    /// Where it was found.
    pub source: String,
    /// Who may see it.
    pub visibility: Visibility,
    /// A short label.
    pub label: Option<String>,
    /// A free note.
    pub note: Option<String>,
}

/// A new contact action, as a participant records it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewContactAction {
    /// Whom it reached.
    pub target: ActionTarget,
    /// Through which channel.
    pub channel: Channel,
    /// What came of it.
    pub outcome: Outcome,
    /// When; the campaign's clock when empty.
    pub at: Option<DateTime<Utc>>,
    /// A free note.
    pub note: Option<String>,
    /// The template used.
    pub template: Option<TemplateId>,
    /// The contact marathon it is part of.
    pub marathon: Option<MarathonId>,
}

impl NewContactAction {
    /// An action on a candidacy, now, with no note, template or marathon.
    pub fn new(candidacy: CandidacyId, channel: Channel, outcome: Outcome) -> NewContactAction {
        NewContactAction {
            target: ActionTarget::Candidacy(candidacy),
            channel,
            outcome,
            at: None,
            note: None,
            template: None,
            marathon: None,
        }
    }
}

/// How to take from a work queue.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TakeOptions {
    /// How long the candidacy stays reserved: 30 minutes by default.
    pub hold: Duration,
    /// The contact marathon, if any.
    pub marathon: Option<MarathonId>,
    /// For the follow-up queue: the delay after the last contact, 7 days by
    /// default.
    pub follow_up_after: Duration,
}

impl Default for TakeOptions {
    fn default() -> TakeOptions {
        TakeOptions {
            hold: Duration::minutes(30),
            marathon: None,
            follow_up_after: Duration::days(7),
        }
    }
}

/// What erasing a person removed.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Erasure {
    /// Contact details deleted.
    pub contact_details: u64,
    /// Contact actions whose note was cleared.
    pub action_notes: u64,
    /// Pledge answers whose evidence was cleared.
    pub answer_evidence: u64,
    /// Proposals whose content was erased.
    pub proposals: u64,
    /// Audit entries scrubbed.
    pub audit_entries: u64,
}

/// Everything a store holds about one person, for a request of access.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PersonExport {
    /// The person.
    pub person: Person,
    /// Their candidacies.
    pub candidacies: Vec<Candidacy>,
    /// Their contact details, private ones included.
    pub contact_details: Vec<ContactDetail>,
    /// The contact actions on their candidacies.
    pub contact_actions: Vec<ContactAction>,
    /// Their pledge answers.
    pub pledge_answers: Vec<PledgeAnswer>,
    /// The proposals about them.
    pub proposals: Vec<Proposal>,
    /// The audit entries touching their data.
    pub audit: Vec<AuditRecord>,
}

/// A campaign: a store, the rules, a policy and a clock.
///
/// ```
/// use candidats_core::*;
///
/// let campaign = Campaign::new(MemoryStore::new());
/// let moderator = campaign.register_moderator("Alice", None)?;
/// let volunteer = campaign.register("Bob", Some("bob@example.org"))?;
/// assert!(moderator.moderator && !volunteer.moderator);
/// # Ok::<(), candidats_core::Error>(())
/// ```
#[derive(Debug, Clone)]
pub struct Campaign<S> {
    store: S,
    policy: GrantPolicy,
    clock: Arc<dyn Clock>,
}

/// Rights of the actor over the records of one change.
enum Right {
    Person(PersonId),
    List(ListId),
    Candidacy(CandidacyId),
}

impl<S: Store> Campaign<S> {
    /// A campaign on `store`, with moderation and the system clock.
    pub fn new(store: S) -> Campaign<S> {
        Campaign {
            store,
            policy: GrantPolicy::default(),
            clock: Arc::new(SystemClock),
        }
    }

    /// The same campaign with another grant policy.
    pub fn with_policy(mut self, policy: GrantPolicy) -> Campaign<S> {
        self.policy = policy;
        self
    }

    /// The same campaign reading the time from `clock`.
    pub fn with_clock(mut self, clock: Arc<dyn Clock>) -> Campaign<S> {
        self.clock = clock;
        self
    }

    /// The store.
    pub fn store(&self) -> &S {
        &self.store
    }

    /// The grant policy.
    pub fn policy(&self) -> GrantPolicy {
        self.policy
    }

    /// The current time on the campaign's clock.
    pub fn now(&self) -> DateTime<Utc> {
        self.clock.now()
    }

    // ----- participants -------------------------------------------------

    /// Registers a participant. Anyone may register.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidInput`] for an empty name or a bad e-mail address; a
    /// backend failure.
    pub fn register(&self, name: &str, email: Option<&str>) -> Result<Participant> {
        self.register_as(name, email, false)
    }

    /// Registers the campaign's first moderator.
    ///
    /// # Errors
    ///
    /// [`Error::PermissionDenied`] when the campaign already has a
    /// moderator (use [`Campaign::set_moderator`]); as [`Campaign::register`].
    pub fn register_moderator(&self, name: &str, email: Option<&str>) -> Result<Participant> {
        self.register_as(name, email, true)
    }

    fn register_as(&self, name: &str, email: Option<&str>, moderator: bool) -> Result<Participant> {
        let name = Name::new(name)?;
        let email = email
            .map(|e| ContactPoint::new(Channel::Email, e).map(|p| p.value().to_string()))
            .transpose()?;
        let now = self.now();

        self.store.write_with(|w| {
            if moderator && w.participants()?.iter().any(|p| p.moderator) {
                return Err(Error::permission(
                    "the campaign already has a moderator; a moderator must promote new ones",
                ));
            }
            let participant = Participant {
                id: ParticipantId::new(w.allocate(RecordKind::Participant)?),
                name: name.clone(),
                email: email.clone(),
                moderator,
                registered_at: now,
            };
            w.put_participant(&participant)?;
            audit(
                w,
                Some(participant.id),
                now,
                None,
                RecordKind::Participant,
                participant.id.get(),
                AuditAction::Create,
                None::<&Participant>,
                Some(&participant),
                None,
            )?;
            Ok(participant)
        })
    }

    /// Makes a participant a moderator, or not. The last moderator cannot
    /// step down: a campaign without one would let the next participant to
    /// call [`Campaign::register_moderator`] take over.
    ///
    /// # Errors
    ///
    /// [`Error::PermissionDenied`] unless the actor is a moderator;
    /// [`Error::Conflict`] when it would leave the campaign without a
    /// moderator; [`Error::NotFound`] for an unknown participant.
    pub fn set_moderator(
        &self,
        actor: ParticipantId,
        participant: ParticipantId,
        moderator: bool,
    ) -> Result<Participant> {
        let now = self.now();
        self.store.write_with(|w| {
            require_moderator(w, actor, "name moderators")?;
            let before = w.participant(participant)?;
            let others = w
                .participants()?
                .iter()
                .any(|p| p.moderator && p.id != participant);
            if before.moderator && !moderator && !others {
                return Err(Error::conflict(format!(
                    "participant {participant} is the campaign's last moderator: name another \
                     moderator first"
                )));
            }
            let after = Participant {
                moderator,
                ..before.clone()
            };
            w.put_participant(&after)?;
            audit(
                w,
                Some(actor),
                now,
                None,
                RecordKind::Participant,
                participant.get(),
                AuditAction::Update,
                Some(&before),
                Some(&after),
                None,
            )?;
            Ok(after)
        })
    }

    // ----- responsibility -----------------------------------------------

    /// Asks for responsibility over a target.
    ///
    /// Under [`GrantPolicy::Automatic`], and for moderators, the request is
    /// granted at once when nobody else holds what it covers. A request
    /// covering what another participant holds is refused naming the holder,
    /// or waits, as `if_taken` says. Asking again for what one already holds
    /// returns the responsibility held.
    ///
    /// # Errors
    ///
    /// [`Error::Conflict`] (with the holder) when `if_taken` is
    /// [`IfTaken::Refuse`] and another participant holds part of the
    /// target; [`Error::NotFound`] for an unknown actor or target;
    /// [`Error::InvalidInput`] for an end date in the past.
    pub fn request_responsibility(
        &self,
        actor: ParticipantId,
        target: Target,
        expires_at: Option<DateTime<Utc>>,
        if_taken: IfTaken,
    ) -> Result<Responsibility> {
        let now = self.now();
        if expires_at.is_some_and(|end| end <= now) {
            return Err(Error::invalid("expected an end date in the future"));
        }

        self.store.write_with(|w| {
            let participant = w.participant(actor)?;
            check_target(w, target)?;
            w.lock(LockKey::Responsibilities)?;

            let held = w.responsibilities_overlapping(target, now)?;
            if let Some(mine) = held
                .iter()
                .find(|r| r.participant == actor && r.target == target)
            {
                return Ok(mine.clone());
            }
            let other = held.iter().find(|r| r.participant != actor);
            if let (Some(other), IfTaken::Refuse) = (other, if_taken) {
                return Err(taken(w, other));
            }
            let grant_now =
                other.is_none() && (participant.moderator || self.policy == GrantPolicy::Automatic);

            let responsibility = Responsibility {
                id: ResponsibilityId::new(w.allocate(RecordKind::Responsibility)?),
                participant: actor,
                target,
                status: if grant_now {
                    ResponsibilityStatus::Granted
                } else {
                    ResponsibilityStatus::Requested
                },
                requested_at: now,
                decided_by: None,
                decided_at: grant_now.then_some(now),
                expires_at,
            };
            w.put_responsibility(&responsibility)?;
            audit(
                w,
                Some(actor),
                now,
                None,
                RecordKind::Responsibility,
                responsibility.id.get(),
                AuditAction::Create,
                None::<&Responsibility>,
                Some(&responsibility),
                None,
            )?;
            Ok(responsibility)
        })
    }

    /// Grants a pending request.
    ///
    /// # Errors
    ///
    /// [`Error::PermissionDenied`] unless the actor is a moderator;
    /// [`Error::Conflict`] when the request is not pending, or another
    /// participant now holds part of its target (the error names them).
    pub fn grant(&self, actor: ParticipantId, id: ResponsibilityId) -> Result<Responsibility> {
        let now = self.now();
        self.store.write_with(|w| {
            require_moderator(w, actor, "grant responsibilities")?;
            w.lock(LockKey::Responsibilities)?;
            let before = w.responsibility(id)?;
            if !before.is_pending(now) {
                return Err(Error::conflict(format!(
                    "responsibility {id} is {}, not waiting for a decision",
                    before.status_at(now).name()
                )));
            }
            let held = w.responsibilities_overlapping(before.target, now)?;
            if let Some(other) = held.iter().find(|r| r.participant != before.participant) {
                return Err(taken(w, other));
            }
            decide(w, actor, now, before, ResponsibilityStatus::Granted)
        })
    }

    /// Refuses a pending request.
    ///
    /// # Errors
    ///
    /// [`Error::PermissionDenied`] unless the actor is a moderator;
    /// [`Error::Conflict`] when the request is not pending.
    pub fn refuse(&self, actor: ParticipantId, id: ResponsibilityId) -> Result<Responsibility> {
        let now = self.now();
        self.store.write_with(|w| {
            require_moderator(w, actor, "refuse responsibilities")?;
            let before = w.responsibility(id)?;
            if !before.is_pending(now) {
                return Err(Error::conflict(format!(
                    "responsibility {id} is {}, not waiting for a decision",
                    before.status_at(now).name()
                )));
            }
            decide(w, actor, now, before, ResponsibilityStatus::Refused)
        })
    }

    /// Gives up a responsibility (or withdraws a request). Under
    /// [`GrantPolicy::Automatic`], the oldest request waiting for what it
    /// covered is then granted.
    ///
    /// # Errors
    ///
    /// [`Error::PermissionDenied`] unless the actor holds it or is a
    /// moderator; [`Error::Conflict`] when it is neither granted nor
    /// pending.
    pub fn release(&self, actor: ParticipantId, id: ResponsibilityId) -> Result<Responsibility> {
        let now = self.now();
        self.store.write_with(|w| {
            let before = w.responsibility(id)?;
            if before.participant != actor {
                require_moderator(w, actor, "release another participant's responsibility")?;
            }
            if !before.is_active(now) && !before.is_pending(now) {
                return Err(Error::conflict(format!(
                    "responsibility {id} is {}, there is nothing to release",
                    before.status_at(now).name()
                )));
            }
            let target = before.target;
            let released = decide(w, actor, now, before, ResponsibilityStatus::Released)?;
            if self.policy == GrantPolicy::Automatic {
                grant_waiting(w, now, target)?;
            }
            Ok(released)
        })
    }

    /// Takes a responsibility back, or cancels a request. The participant
    /// loses the right at once.
    ///
    /// # Errors
    ///
    /// [`Error::PermissionDenied`] unless the actor is a moderator;
    /// [`Error::Conflict`] when it is neither granted nor pending.
    pub fn revoke(&self, actor: ParticipantId, id: ResponsibilityId) -> Result<Responsibility> {
        let now = self.now();
        self.store.write_with(|w| {
            require_moderator(w, actor, "revoke responsibilities")?;
            let before = w.responsibility(id)?;
            if !before.is_active(now) && !before.is_pending(now) {
                return Err(Error::conflict(format!(
                    "responsibility {id} is {}, there is nothing to revoke",
                    before.status_at(now).name()
                )));
            }
            let target = before.target;
            let revoked = decide(w, actor, now, before, ResponsibilityStatus::Revoked)?;
            if self.policy == GrantPolicy::Automatic {
                grant_waiting(w, now, target)?;
            }
            Ok(revoked)
        })
    }

    /// The participant holding an active responsibility over a candidacy,
    /// if any.
    ///
    /// # Errors
    ///
    /// [`Error::NotFound`] for an unknown candidacy; a backend failure.
    pub fn responsible_for(&self, candidacy: CandidacyId) -> Result<Option<ParticipantId>> {
        let now = self.now();
        self.store.read_with(|r| {
            Ok(r.responsibilities_covering(candidacy, now)?
                .first()
                .map(|resp| resp.participant))
        })
    }

    /// Whether `actor` may edit a candidacy's record directly: a moderator,
    /// or the holder of an active responsibility covering it.
    ///
    /// # Errors
    ///
    /// [`Error::NotFound`] for an unknown actor or candidacy.
    pub fn may_edit_candidacy(&self, actor: ParticipantId, candidacy: CandidacyId) -> Result<bool> {
        let now = self.now();
        self.store
            .read_with(|r| has_right(r, actor, &Right::Candidacy(candidacy), now))
    }

    /// Whether `actor` may edit a person's record directly: a moderator, or
    /// the holder of an active responsibility covering one of their
    /// candidacies.
    ///
    /// # Errors
    ///
    /// [`Error::NotFound`] for an unknown actor.
    pub fn may_edit_person(&self, actor: ParticipantId, person: PersonId) -> Result<bool> {
        let now = self.now();
        self.store
            .read_with(|r| has_right(r, actor, &Right::Person(person), now))
    }

    // ----- edits ----------------------------------------------------------

    /// Makes a change, or proposes it when the actor lacks the right.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidInput`] for a bad value; [`Error::NotFound`] for an
    /// unknown record; [`Error::Conflict`] when the change cannot apply (a
    /// contact detail already on the record).
    pub fn change(
        &self,
        actor: ParticipantId,
        change: Change,
        source: Option<&str>,
    ) -> Result<Edit<Applied>> {
        if let Some(source) = source {
            check_free_text("a source", source, 2000)?;
        }
        let now = self.now();

        self.store.write_with(|w| {
            w.participant(actor)?;
            let right = right_for(w, &change)?;
            check_change(w, &change)?;
            if has_right(w, actor, &right, now)? {
                return apply(w, actor, now, &change, source).map(Edit::Applied);
            }
            let proposal = Proposal {
                id: ProposalId::new(w.allocate(RecordKind::Proposal)?),
                author: actor,
                created_at: now,
                source: source.map(str::to_string),
                change: change.clone(),
                status: ProposalStatus::Pending,
                decided_by: None,
                decided_at: None,
            };
            w.put_proposal(&proposal)?;
            let person = person_of_right(w, &right)?;
            audit(
                w,
                Some(actor),
                now,
                source,
                RecordKind::Proposal,
                proposal.id.get(),
                AuditAction::Create,
                None::<&Proposal>,
                Some(&proposal),
                person,
            )?;
            Ok(Edit::Proposed(proposal))
        })
    }

    /// Adds a contact detail, or proposes it.
    ///
    /// # Errors
    ///
    /// As [`Campaign::change`]; [`Error::Conflict`] when the owner already
    /// has this channel and value.
    pub fn add_contact_detail(
        &self,
        actor: ParticipantId,
        detail: NewContactDetail,
    ) -> Result<Edit<ContactDetail>> {
        let source = detail.source.clone();
        let change = Change::AddContactDetail {
            owner: detail.owner,
            point: detail.point,
            label: detail.label,
            source: detail.source,
            visibility: detail.visibility,
            note: detail.note,
        };
        Ok(match self.change(actor, change, Some(&source))? {
            Edit::Applied(Applied::ContactDetail(detail)) => Edit::Applied(detail),
            Edit::Proposed(proposal) => Edit::Proposed(proposal),
            Edit::Applied(other) => return Err(unexpected(&other)),
        })
    }

    /// Marks a contact detail confirmed, bounced or obsolete, or proposes
    /// it. A bounced or obsolete detail stops counting as a way to reach its
    /// owner.
    ///
    /// # Errors
    ///
    /// As [`Campaign::change`].
    pub fn set_detail_status(
        &self,
        actor: ParticipantId,
        detail: ContactDetailId,
        status: DetailStatus,
        source: Option<&str>,
    ) -> Result<Edit<ContactDetail>> {
        let change = Change::SetDetailStatus { detail, status };
        Ok(match self.change(actor, change, source)? {
            Edit::Applied(Applied::ContactDetail(detail)) => Edit::Applied(detail),
            Edit::Proposed(proposal) => Edit::Proposed(proposal),
            Edit::Applied(other) => return Err(unexpected(&other)),
        })
    }

    /// Records a pledge answer, or proposes it.
    ///
    /// # Errors
    ///
    /// As [`Campaign::change`]; [`Error::InvalidInput`] for a signature
    /// without evidence.
    pub fn record_answer(
        &self,
        actor: ParticipantId,
        pledge: PledgeId,
        subject: Subject,
        answer: Answer,
        date: NaiveDate,
    ) -> Result<Edit<PledgeAnswer>> {
        let change = Change::RecordAnswer {
            pledge,
            subject,
            answer,
            date,
        };
        Ok(match self.change(actor, change, None)? {
            Edit::Applied(Applied::PledgeAnswer(answer)) => Edit::Applied(answer),
            Edit::Proposed(proposal) => Edit::Proposed(proposal),
            Edit::Applied(other) => return Err(unexpected(&other)),
        })
    }

    /// Accepts a pending proposal and applies its change.
    ///
    /// # Errors
    ///
    /// [`Error::PermissionDenied`] unless the actor is a moderator or
    /// responsible for the record; [`Error::Conflict`] when the proposal is
    /// no longer pending or its change no longer applies.
    pub fn accept(&self, actor: ParticipantId, id: ProposalId) -> Result<Applied> {
        let now = self.now();
        self.store.write_with(|w| {
            let before = w.proposal(id)?;
            let right = pending_right(w, &before)?;
            if !has_right(w, actor, &right, now)? {
                return Err(Error::permission(format!(
                    "participant {actor} is neither a moderator nor responsible for what proposal {id} changes"
                )));
            }
            check_change(w, &before.change)?;
            let applied = apply(w, before.author, now, &before.change, before.source.as_deref())?;
            let after = Proposal {
                status: ProposalStatus::Accepted,
                decided_by: Some(actor),
                decided_at: Some(now),
                ..before.clone()
            };
            w.put_proposal(&after)?;
            let person = person_of_right(w, &right)?;
            audit(w, Some(actor), now, None, RecordKind::Proposal, id.get(), AuditAction::Update, Some(&before), Some(&after), person)?;
            Ok(applied)
        })
    }

    /// Rejects a pending proposal.
    ///
    /// # Errors
    ///
    /// As [`Campaign::accept`].
    pub fn reject(&self, actor: ParticipantId, id: ProposalId) -> Result<Proposal> {
        let now = self.now();
        self.store.write_with(|w| {
            let before = w.proposal(id)?;
            let right = pending_right(w, &before)?;
            if !has_right(w, actor, &right, now)? {
                return Err(Error::permission(format!(
                    "participant {actor} is neither a moderator nor responsible for what proposal {id} changes"
                )));
            }
            let after = Proposal {
                status: ProposalStatus::Rejected,
                decided_by: Some(actor),
                decided_at: Some(now),
                ..before.clone()
            };
            w.put_proposal(&after)?;
            let person = person_of_right(w, &right)?;
            audit(w, Some(actor), now, None, RecordKind::Proposal, id.get(), AuditAction::Update, Some(&before), Some(&after), person)?;
            Ok(after)
        })
    }

    /// Puts a record back as it was before an audited change, as a new
    /// change of its own. Contact details, persons, candidacies and pledge
    /// answers can be reverted.
    ///
    /// # Errors
    ///
    /// [`Error::PermissionDenied`] unless the actor may edit the record;
    /// [`Error::InvalidInput`] for a change that cannot be reverted (another
    /// kind of record, or an entry erased on request).
    pub fn revert(
        &self,
        actor: ParticipantId,
        entry: AuditId,
        source: Option<&str>,
    ) -> Result<AuditRecord> {
        let now = self.now();
        self.store.write_with(|w| {
            let records = w.audit(&AuditFilter::default())?;
            let Some(record) = records.into_iter().find(|a| a.id == entry) else {
                return Err(Error::not_found(RecordKind::Audit, entry));
            };
            revert(w, actor, now, &record, source)
        })
    }

    /// The audit history of one record, oldest first.
    ///
    /// # Errors
    ///
    /// A backend failure.
    pub fn history(&self, kind: RecordKind, record: i64) -> Result<Vec<AuditRecord>> {
        self.store.read_with(|r| {
            r.audit(&AuditFilter {
                kind: Some(kind),
                record: Some(record),
                ..AuditFilter::default()
            })
        })
    }

    // ----- contacts -------------------------------------------------------

    /// Records one of the actor's own contact actions. Any participant may.
    ///
    /// # Errors
    ///
    /// [`Error::NotFound`] for an unknown actor, target, template or
    /// marathon; [`Error::InvalidInput`] for a bad note.
    pub fn record_action(
        &self,
        actor: ParticipantId,
        new: NewContactAction,
    ) -> Result<ContactAction> {
        if let Some(note) = &new.note {
            check_free_text("a note", note, MAX_TEXT_LEN)?;
        }
        let now = self.now();

        self.store.write_with(|w| {
            w.participant(actor)?;
            let person = match new.target {
                ActionTarget::Candidacy(c) => Some(w.candidacy(c)?.person),
                ActionTarget::List(l) => {
                    w.list(l)?;
                    None
                }
            };
            let action = ContactAction {
                id: ContactActionId::new(w.allocate(RecordKind::ContactAction)?),
                participant: actor,
                target: new.target,
                channel: new.channel.clone(),
                at: new.at.unwrap_or(now),
                outcome: new.outcome,
                note: new.note.clone(),
                template: new.template,
                marathon: new.marathon,
            };
            w.put_contact_action(&action)?;
            audit(
                w,
                Some(actor),
                now,
                None,
                RecordKind::ContactAction,
                action.id.get(),
                AuditAction::Create,
                None::<&ContactAction>,
                Some(&action),
                person,
            )?;
            Ok(action)
        })
    }

    /// The contact details of a person or list that `viewer` may see:
    /// public ones for everyone, private ones too for moderators and the
    /// participants responsible for the owner.
    ///
    /// # Errors
    ///
    /// A backend failure.
    pub fn contact_details(
        &self,
        viewer: Option<ParticipantId>,
        owner: Owner,
    ) -> Result<Vec<ContactDetail>> {
        let now = self.now();
        self.store.read_with(|r| {
            let details = r.contact_details(Some(owner))?;
            let sees_private = match viewer {
                Some(viewer) => has_right(r, viewer, &owner_right(owner), now)?,
                None => false,
            };
            Ok(details
                .into_iter()
                .filter(|d| sees_private || d.visibility == Visibility::Public)
                .collect())
        })
    }

    // ----- pledges, marathons, templates ------------------------------------

    /// Creates a pledge.
    ///
    /// # Errors
    ///
    /// [`Error::PermissionDenied`] unless the actor is a moderator;
    /// [`Error::InvalidInput`] for a bad name or text.
    pub fn create_pledge(
        &self,
        actor: ParticipantId,
        name: &str,
        version: u32,
        text: &str,
    ) -> Result<Pledge> {
        let now = self.now();
        let name = Name::new(name)?;
        self.store.write_with(|w| {
            require_moderator(w, actor, "create pledges")?;
            let pledge = Pledge {
                id: PledgeId::new(w.allocate(RecordKind::Pledge)?),
                name: name.clone(),
                version,
                text: text.to_string(),
            };
            pledge.check()?;
            w.put_pledge(&pledge)?;
            audit(
                w,
                Some(actor),
                now,
                None,
                RecordKind::Pledge,
                pledge.id.get(),
                AuditAction::Create,
                None::<&Pledge>,
                Some(&pledge),
                None,
            )?;
            Ok(pledge)
        })
    }

    /// Creates a contact marathon.
    ///
    /// # Errors
    ///
    /// [`Error::PermissionDenied`] unless the actor is a moderator;
    /// [`Error::InvalidInput`] for a bad name or a window that ends before it
    /// starts.
    pub fn create_marathon(
        &self,
        actor: ParticipantId,
        name: &str,
        number: Option<u32>,
        starts_at: DateTime<Utc>,
        ends_at: DateTime<Utc>,
        goal: Scope,
    ) -> Result<Marathon> {
        let now = self.now();
        let name = Name::new(name)?;
        self.store.write_with(|w| {
            require_moderator(w, actor, "organise contact marathons")?;
            let marathon = Marathon {
                id: MarathonId::new(w.allocate(RecordKind::Marathon)?),
                name: name.clone(),
                number,
                starts_at,
                ends_at,
                goal: goal.clone(),
                created_by: actor,
            };
            marathon.check()?;
            w.put_marathon(&marathon)?;
            audit(
                w,
                Some(actor),
                now,
                None,
                RecordKind::Marathon,
                marathon.id.get(),
                AuditAction::Create,
                None::<&Marathon>,
                Some(&marathon),
                None,
            )?;
            Ok(marathon)
        })
    }

    /// Saves a message template for the actor.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidInput`] for an unknown placeholder (named in the
    /// message) or a bad name; [`Error::NotFound`] for an unknown actor.
    pub fn create_template(
        &self,
        actor: ParticipantId,
        name: &str,
        subject: &str,
        body: &str,
    ) -> Result<Template> {
        let now = self.now();
        self.store.write_with(|w| {
            w.participant(actor)?;
            let id = TemplateId::new(w.allocate(RecordKind::Template)?);
            let template = Template::new(id, actor, name, subject, body)?;
            w.put_template(&template)?;
            audit(
                w,
                Some(actor),
                now,
                None,
                RecordKind::Template,
                id.get(),
                AuditAction::Create,
                None::<&Template>,
                Some(&template),
                None,
            )?;
            Ok(template)
        })
    }

    /// Changes one of the actor's templates.
    ///
    /// # Errors
    ///
    /// [`Error::PermissionDenied`] when the template is another
    /// participant's; as [`Campaign::create_template`].
    pub fn update_template(
        &self,
        actor: ParticipantId,
        id: TemplateId,
        name: &str,
        subject: &str,
        body: &str,
    ) -> Result<Template> {
        let now = self.now();
        self.store.write_with(|w| {
            let before = w.template(id)?;
            if before.owner != actor {
                return Err(Error::permission(format!(
                    "template {id} belongs to participant {}",
                    before.owner
                )));
            }
            let after = Template::new(id, actor, name, subject, body)?;
            w.put_template(&after)?;
            audit(
                w,
                Some(actor),
                now,
                None,
                RecordKind::Template,
                id.get(),
                AuditAction::Update,
                Some(&before),
                Some(&after),
                None,
            )?;
            Ok(after)
        })
    }

    /// Renders a template for a candidacy. The `mailto:` URI uses the first
    /// usable e-mail address of the candidate that `viewer` may see.
    ///
    /// # Errors
    ///
    /// [`Error::NotFound`] for an unknown template or candidacy.
    pub fn render(
        &self,
        viewer: Option<ParticipantId>,
        template: TemplateId,
        candidacy: CandidacyId,
    ) -> Result<Message> {
        let (template, values, person) = self.store.read_with(|r| {
            let template = r.template(template)?;
            let c = r.candidacy(candidacy)?;
            let values = message_values(r, &c)?;
            Ok((template, values, c.person))
        })?;
        let email = self
            .contact_details(viewer, Owner::Person(person))?
            .into_iter()
            .find(|d| d.point.channel() == &Channel::Email && d.status.is_usable())
            .map(|d| d.point.value().to_string());
        template.render(&values, email.as_deref())
    }

    // ----- queues -----------------------------------------------------------

    /// The first `limit` candidacies of a queue, skipping reserved ones; the
    /// follow-up queue holds the candidacies last contacted over 7 days ago
    /// ([`Campaign::queue_with_delay`] chooses another delay).
    ///
    /// # Errors
    ///
    /// A backend failure.
    pub fn queue(&self, kind: QueueKind, scope: &Scope, limit: usize) -> Result<Vec<Candidacy>> {
        self.queue_with_delay(kind, scope, limit, TakeOptions::default().follow_up_after)
    }

    /// The first `limit` candidacies of a queue, skipping reserved ones,
    /// where the follow-up queue holds the candidacies contacted, neither
    /// signed nor declined, whose last contact is older than
    /// `follow_up_after`. The other queues do not depend on it.
    ///
    /// # Errors
    ///
    /// A backend failure.
    pub fn queue_with_delay(
        &self,
        kind: QueueKind,
        scope: &Scope,
        limit: usize,
        follow_up_after: Duration,
    ) -> Result<Vec<Candidacy>> {
        let query = QueueQuery {
            follow_up_after,
            ..QueueQuery::new(kind, scope.clone(), self.now())
        };
        self.store.read_with(|r| {
            r.queue(&query, limit)?
                .into_iter()
                .map(|id| r.candidacy(id))
                .collect()
        })
    }

    /// Takes the next candidacy of a queue and reserves it for the actor.
    /// Taking is atomic: two participants never get the same candidacy
    /// while its reservation runs. `None` when the queue is empty.
    ///
    /// # Errors
    ///
    /// [`Error::NotFound`] for an unknown actor or marathon.
    pub fn take_next(
        &self,
        actor: ParticipantId,
        kind: QueueKind,
        scope: &Scope,
        options: &TakeOptions,
    ) -> Result<Option<(Reservation, Candidacy)>> {
        let now = self.now();
        let query = QueueQuery {
            kind,
            scope: scope.clone(),
            now,
            follow_up_after: options.follow_up_after,
        };
        if options.hold <= Duration::zero() {
            return Err(Error::invalid("expected a reservation lasting some time"));
        }

        self.store.write_with(|w| {
            w.participant(actor)?;
            if let Some(marathon) = options.marathon {
                w.marathon(marathon)?;
            }
            w.lock(LockKey::Queues)?;
            let Some(id) = w.queue(&query, 1)?.into_iter().next() else {
                return Ok(None);
            };
            let reservation = Reservation {
                id: ReservationId::new(w.allocate(RecordKind::Reservation)?),
                candidacy: id,
                participant: actor,
                queue: kind,
                taken_at: now,
                until: now + options.hold,
                marathon: options.marathon,
                released_at: None,
            };
            w.put_reservation(&reservation)?;
            Ok(Some((reservation, w.candidacy(id)?)))
        })
    }

    /// Gives a reservation back before its end.
    ///
    /// # Errors
    ///
    /// [`Error::PermissionDenied`] unless the actor took it or is a
    /// moderator; [`Error::NotFound`] for an unknown reservation.
    pub fn release_reservation(
        &self,
        actor: ParticipantId,
        id: ReservationId,
    ) -> Result<Reservation> {
        let now = self.now();
        self.store.write_with(|w| {
            let before = w.reservation(id)?;
            if before.participant != actor {
                require_moderator(w, actor, "release another participant's reservation")?;
            }
            let after = Reservation {
                released_at: before.released_at.or(Some(now)),
                ..before
            };
            w.put_reservation(&after)?;
            Ok(after)
        })
    }

    /// The reservations a participant holds now.
    ///
    /// # Errors
    ///
    /// A backend failure.
    pub fn reservations_of(&self, participant: ParticipantId) -> Result<Vec<Reservation>> {
        let now = self.now();
        self.store.read_with(|r| {
            r.reservations(&ReservationFilter {
                participant: Some(participant),
                active_at: Some(now),
                ..ReservationFilter::default()
            })
        })
    }

    // ----- reports ----------------------------------------------------------

    /// The progress report of a scope.
    ///
    /// # Errors
    ///
    /// A backend failure.
    pub fn report(&self, scope: &Scope) -> Result<ProgressReport> {
        let now = self.now();
        self.store.read_with(|r| build_report(r, scope, now))
    }

    /// The progress report of a contact marathon: its goal over its window.
    ///
    /// # Errors
    ///
    /// [`Error::NotFound`] for an unknown marathon.
    pub fn marathon_report(&self, marathon: MarathonId) -> Result<ProgressReport> {
        let now = self.now();
        self.store.read_with(|r| {
            let marathon = r.marathon(marathon)?;
            build_report(r, &marathon.scope(), now)
        })
    }

    // ----- personal data ----------------------------------------------------

    /// Erases a person's personal data on their request: their contact
    /// details, the notes of contact actions on their candidacies, the
    /// evidence of their pledge answers, the content of proposals about
    /// them, and every trace of these in the audit history. The person's
    /// public record (name, candidacies, whether they signed) stays.
    ///
    /// # Errors
    ///
    /// [`Error::PermissionDenied`] unless the actor is a moderator.
    pub fn erase_person(
        &self,
        actor: ParticipantId,
        person: PersonId,
        source: Option<&str>,
    ) -> Result<Erasure> {
        let now = self.now();
        self.store.write_with(|w| {
            require_moderator(w, actor, "erase personal data")?;
            w.person(person)?;
            let mut erasure = Erasure::default();

            for detail in w.contact_details(Some(Owner::Person(person)))? {
                w.delete_contact_detail(detail.id)?;
                erasure.contact_details += 1;
            }
            for c in w.candidacies_of_person(person)? {
                let filter = ActionFilter {
                    target: Some(ActionTarget::Candidacy(c.id)),
                    ..ActionFilter::default()
                };
                for action in w.contact_actions(&filter)? {
                    if action.note.is_some() {
                        w.put_contact_action(&ContactAction {
                            note: None,
                            ..action
                        })?;
                        erasure.action_notes += 1;
                    }
                }
            }
            for answer in w.pledge_answers(Some(Subject::Person(person)))? {
                if let Answer::Signed { evidence } = &answer.answer {
                    if evidence != ERASED {
                        let answer = PledgeAnswer {
                            answer: Answer::Signed {
                                evidence: ERASED.into(),
                            },
                            ..answer
                        };
                        w.put_pledge_answer(&answer)?;
                        erasure.answer_evidence += 1;
                    }
                }
            }
            for proposal in w.proposals(None)? {
                if proposal_person(w, &proposal.change)? == Some(person) {
                    w.put_proposal(&Proposal {
                        change: Change::Erased,
                        source: None,
                        status: match proposal.status {
                            ProposalStatus::Pending => ProposalStatus::Rejected,
                            other => other,
                        },
                        ..proposal
                    })?;
                    erasure.proposals += 1;
                }
            }

            erasure.audit_entries = w.scrub_audit(person)?;
            audit(
                w,
                Some(actor),
                now,
                source,
                RecordKind::Person,
                person.get(),
                AuditAction::Erase,
                None::<&Person>,
                None::<&Person>,
                None,
            )?;
            Ok(erasure.clone())
        })
    }

    /// Everything the store holds about a person, for their request of
    /// access.
    ///
    /// # Errors
    ///
    /// [`Error::PermissionDenied`] unless the actor is a moderator;
    /// [`Error::NotFound`] for an unknown person.
    pub fn export_person(&self, actor: ParticipantId, person: PersonId) -> Result<PersonExport> {
        self.store.read_with(|r| {
            require_moderator(r, actor, "export personal data")?;
            let candidacies = r.candidacies_of_person(person)?;
            let mut contact_actions = Vec::new();
            for c in &candidacies {
                contact_actions.extend(r.contact_actions(&ActionFilter {
                    target: Some(ActionTarget::Candidacy(c.id)),
                    ..ActionFilter::default()
                })?);
            }
            let mut proposals = Vec::new();
            for proposal in r.proposals(None)? {
                if proposal_person(r, &proposal.change)? == Some(person) {
                    proposals.push(proposal);
                }
            }
            Ok(PersonExport {
                person: r.person(person)?,
                contact_details: r.contact_details(Some(Owner::Person(person)))?,
                pledge_answers: r.pledge_answers(Some(Subject::Person(person)))?,
                audit: r.audit(&AuditFilter {
                    person: Some(person),
                    ..AuditFilter::default()
                })?,
                candidacies,
                contact_actions,
                proposals,
            })
        })
    }
}

/// What erased evidence reads as.
pub const ERASED: &str = "(erased on request)";

// ----- helpers, each running inside a transaction ---------------------------

#[allow(clippy::too_many_arguments)]
pub(crate) fn audit<T: Serialize>(
    w: &mut dyn CampaignWrite,
    actor: Option<ParticipantId>,
    at: DateTime<Utc>,
    source: Option<&str>,
    kind: RecordKind,
    record: i64,
    action: AuditAction,
    before: Option<&T>,
    after: Option<&T>,
    person: Option<PersonId>,
) -> Result<AuditRecord> {
    let to_json = |value: Option<&T>| -> Result<Option<serde_json::Value>> {
        value
            .map(serde_json::to_value)
            .transpose()
            .map_err(|e| Error::backend("cannot record the change in the audit history", e))
    };
    let entry = AuditRecord {
        id: AuditId::new(w.allocate(RecordKind::Audit)?),
        actor,
        at,
        source: source.map(str::to_string),
        kind,
        record,
        action,
        before: to_json(before)?,
        after: to_json(after)?,
        person,
        reverts: None,
    };
    w.append_audit(&entry)?;
    Ok(entry)
}

fn require_moderator(
    r: &dyn CampaignRead,
    actor: ParticipantId,
    what: &str,
) -> Result<Participant> {
    let participant = r.participant(actor)?;
    if participant.moderator {
        Ok(participant)
    } else {
        Err(Error::permission(format!(
            "only moderators may {what}; participant {actor} is not one"
        )))
    }
}

fn check_target(r: &dyn CampaignRead, target: Target) -> Result<()> {
    match target {
        Target::Candidacy(id) => r.candidacy(id).map(drop),
        Target::List(id) => r.list(id).map(drop),
        Target::Constituency(id) => r.constituency(id).map(drop),
    }
}

fn taken(r: &dyn CampaignRead, holder: &Responsibility) -> Error {
    let name = r
        .participant(holder.participant)
        .map(|p| p.name.to_string())
        .unwrap_or_else(|_| "another participant".into());
    Error::Conflict {
        message: format!(
            "participant {} ({name}) already holds responsibility {} over part of this",
            holder.participant, holder.id
        ),
        holder: Some(holder.participant),
    }
}

fn decide(
    w: &mut dyn CampaignWrite,
    actor: ParticipantId,
    now: DateTime<Utc>,
    before: Responsibility,
    status: ResponsibilityStatus,
) -> Result<Responsibility> {
    let after = Responsibility {
        status,
        decided_by: Some(actor),
        decided_at: Some(now),
        ..before.clone()
    };
    w.put_responsibility(&after)?;
    audit(
        w,
        Some(actor),
        now,
        None,
        RecordKind::Responsibility,
        after.id.get(),
        AuditAction::Update,
        Some(&before),
        Some(&after),
        None,
    )?;
    Ok(after)
}

/// Grants, oldest first, the waiting requests that overlap `freed` and no
/// longer conflict with anyone.
fn grant_waiting(w: &mut dyn CampaignWrite, now: DateTime<Utc>, freed: Target) -> Result<()> {
    let waiting = w.responsibilities(&ResponsibilityFilter {
        status: Some(ResponsibilityStatus::Requested),
        ..ResponsibilityFilter::default()
    })?;
    for request in waiting {
        if !request.is_pending(now) {
            continue;
        }
        let shares = request.target == freed
            || crate::naive::covered(w, freed)?
                .iter()
                .any(|c| covered_by(w, request.target, c).unwrap_or(false));
        if !shares {
            continue;
        }
        let held = w.responsibilities_overlapping(request.target, now)?;
        if held.iter().all(|r| r.participant == request.participant) {
            let after = Responsibility {
                status: ResponsibilityStatus::Granted,
                decided_at: Some(now),
                ..request.clone()
            };
            w.put_responsibility(&after)?;
            audit(
                w,
                None,
                now,
                None,
                RecordKind::Responsibility,
                after.id.get(),
                AuditAction::Update,
                Some(&request),
                Some(&after),
                None,
            )?;
        }
    }
    Ok(())
}

fn covered_by(r: &dyn CampaignRead, target: Target, c: &Candidacy) -> Result<bool> {
    Ok(match target {
        Target::Candidacy(id) => id == c.id,
        Target::List(list) => c.list() == Some(list),
        Target::Constituency(k) => Ancestry::new().chain(r, c.constituency)?.contains(&k),
    })
}

fn owner_right(owner: Owner) -> Right {
    match owner {
        Owner::Person(p) => Right::Person(p),
        Owner::List(l) => Right::List(l),
    }
}

fn right_for(r: &dyn CampaignRead, change: &Change) -> Result<Right> {
    Ok(match change {
        Change::AddContactDetail { owner, .. } => owner_right(*owner),
        Change::SetDetailStatus { detail, .. } => owner_right(r.contact_detail(*detail)?.owner),
        Change::UpdatePerson { person } => Right::Person(person.id),
        Change::SetWithdrawn { candidacy, .. } => Right::Candidacy(*candidacy),
        Change::RecordAnswer { subject, .. } => match subject {
            Subject::Person(p) => Right::Person(*p),
            Subject::List(l) => Right::List(*l),
        },
        Change::Erased => {
            return Err(Error::invalid(
                "this proposal's content was erased on request and cannot apply",
            ))
        }
    })
}

fn pending_right(r: &dyn CampaignRead, proposal: &Proposal) -> Result<Right> {
    if proposal.status != ProposalStatus::Pending {
        return Err(Error::conflict(format!(
            "proposal {} is already {}",
            proposal.id,
            proposal.status.name()
        )));
    }
    right_for(r, &proposal.change)
}

fn person_of_right(r: &dyn CampaignRead, right: &Right) -> Result<Option<PersonId>> {
    Ok(match right {
        Right::Person(p) => Some(*p),
        Right::Candidacy(c) => Some(r.candidacy(*c)?.person),
        Right::List(_) => None,
    })
}

fn proposal_person(r: &dyn CampaignRead, change: &Change) -> Result<Option<PersonId>> {
    match change {
        Change::Erased => Ok(None),
        Change::SetDetailStatus { detail, .. } => match r.contact_detail(*detail) {
            Ok(d) => Ok(match d.owner {
                Owner::Person(p) => Some(p),
                Owner::List(_) => None,
            }),
            Err(Error::NotFound { .. }) => Ok(None),
            Err(other) => Err(other),
        },
        other => person_of_right(r, &right_for(r, other)?),
    }
}

fn has_right(
    r: &dyn CampaignRead,
    actor: ParticipantId,
    right: &Right,
    now: DateTime<Utc>,
) -> Result<bool> {
    if r.participant(actor)?.moderator {
        return Ok(true);
    }
    let mine = |resps: Vec<Responsibility>| resps.iter().any(|resp| resp.participant == actor);
    match right {
        Right::Candidacy(c) => Ok(mine(r.responsibilities_covering(*c, now)?)),
        Right::Person(p) => {
            for c in r.candidacies_of_person(*p)? {
                if mine(r.responsibilities_covering(c.id, now)?) {
                    return Ok(true);
                }
            }
            Ok(false)
        }
        Right::List(l) => {
            let list = r.list(*l)?;
            let chain = Ancestry::new().chain(r, list.constituency)?;
            let granted = r.responsibilities(&ResponsibilityFilter {
                participant: Some(actor),
                status: Some(ResponsibilityStatus::Granted),
                ..ResponsibilityFilter::default()
            })?;
            Ok(granted.iter().any(|resp| {
                resp.is_active(now)
                    && match resp.target {
                        Target::List(x) => x == *l,
                        Target::Constituency(k) => chain.contains(&k),
                        Target::Candidacy(_) => false,
                    }
            }))
        }
    }
}

fn check_change(r: &dyn CampaignRead, change: &Change) -> Result<()> {
    match change {
        Change::AddContactDetail {
            owner,
            point,
            label,
            source,
            note,
            ..
        } => {
            match owner {
                Owner::Person(p) => r.person(*p).map(drop)?,
                Owner::List(l) => r.list(*l).map(drop)?,
            }
            if source.trim().is_empty() {
                return Err(Error::invalid(
                    "expected the source where the contact detail was found, found nothing",
                ));
            }
            check_free_text("a source", source, 2000)?;
            if let Some(label) = label {
                check_free_text("a label", label, 200)?;
            }
            if let Some(note) = note {
                check_free_text("a note", note, MAX_TEXT_LEN)?;
            }
            if r.contact_details(Some(*owner))?
                .iter()
                .any(|d| &d.point == point)
            {
                return Err(Error::conflict(format!(
                    "this {} is already on the record",
                    point.channel()
                )));
            }
            Ok(())
        }
        Change::SetDetailStatus { detail, .. } => r.contact_detail(*detail).map(drop),
        Change::UpdatePerson { person } => r.person(person.id).map(drop),
        Change::SetWithdrawn { candidacy, .. } => r.candidacy(*candidacy).map(drop),
        Change::RecordAnswer {
            pledge,
            subject,
            answer,
            ..
        } => {
            r.pledge(*pledge)?;
            match subject {
                Subject::Person(p) => r.person(*p).map(drop)?,
                Subject::List(l) => r.list(*l).map(drop)?,
            }
            if let Answer::Signed { evidence } = answer {
                if evidence.trim().is_empty() {
                    return Err(Error::invalid(
                        "expected the evidence of the signature, found nothing",
                    ));
                }
                check_free_text("an evidence", evidence, MAX_TEXT_LEN)?;
            }
            Ok(())
        }
        Change::Erased => Err(Error::invalid(
            "this proposal's content was erased on request and cannot apply",
        )),
    }
}

fn apply(
    w: &mut dyn CampaignWrite,
    author: ParticipantId,
    now: DateTime<Utc>,
    change: &Change,
    source: Option<&str>,
) -> Result<Applied> {
    match change {
        Change::AddContactDetail {
            owner,
            point,
            label,
            source: found_at,
            visibility,
            note,
        } => {
            let detail = ContactDetail {
                id: ContactDetailId::new(w.allocate(RecordKind::ContactDetail)?),
                owner: *owner,
                point: point.clone(),
                label: label.clone(),
                source: found_at.clone(),
                added_by: author,
                added_at: now,
                status: DetailStatus::Unverified,
                visibility: *visibility,
                note: note.clone(),
            };
            detail.check()?;
            w.put_contact_detail(&detail)?;
            let person = detail_person(&detail);
            audit(
                w,
                Some(author),
                now,
                source,
                RecordKind::ContactDetail,
                detail.id.get(),
                AuditAction::Create,
                None,
                Some(&detail),
                person,
            )?;
            Ok(Applied::ContactDetail(detail))
        }
        Change::SetDetailStatus { detail, status } => {
            let before = w.contact_detail(*detail)?;
            let after = ContactDetail {
                status: *status,
                ..before.clone()
            };
            w.put_contact_detail(&after)?;
            let person = detail_person(&after);
            audit(
                w,
                Some(author),
                now,
                source,
                RecordKind::ContactDetail,
                detail.get(),
                AuditAction::Update,
                Some(&before),
                Some(&after),
                person,
            )?;
            Ok(Applied::ContactDetail(after))
        }
        Change::UpdatePerson { person } => {
            let before = w.person(person.id)?;
            w.put_person(person)?;
            audit(
                w,
                Some(author),
                now,
                source,
                RecordKind::Person,
                person.id.get(),
                AuditAction::Update,
                Some(&before),
                Some(person),
                Some(person.id),
            )?;
            Ok(Applied::Person(person.clone()))
        }
        Change::SetWithdrawn {
            candidacy,
            withdrawn,
        } => {
            let before = w.candidacy(*candidacy)?;
            let after = Candidacy {
                withdrawn: *withdrawn,
                ..before.clone()
            };
            w.put_candidacy(&after)?;
            audit(
                w,
                Some(author),
                now,
                source,
                RecordKind::Candidacy,
                candidacy.get(),
                AuditAction::Update,
                Some(&before),
                Some(&after),
                Some(after.person),
            )?;
            Ok(Applied::Candidacy(after))
        }
        Change::RecordAnswer {
            pledge,
            subject,
            answer,
            date,
        } => {
            let record = PledgeAnswer {
                id: PledgeAnswerId::new(w.allocate(RecordKind::PledgeAnswer)?),
                pledge: *pledge,
                subject: *subject,
                answer: answer.clone(),
                date: *date,
                recorded_by: author,
                recorded_at: now,
            };
            record.check()?;
            w.put_pledge_answer(&record)?;
            let person = match subject {
                Subject::Person(p) => Some(*p),
                Subject::List(_) => None,
            };
            audit(
                w,
                Some(author),
                now,
                source,
                RecordKind::PledgeAnswer,
                record.id.get(),
                AuditAction::Create,
                None,
                Some(&record),
                person,
            )?;
            Ok(Applied::PledgeAnswer(record))
        }
        Change::Erased => Err(Error::invalid(
            "this proposal's content was erased on request and cannot apply",
        )),
    }
}

fn detail_person(detail: &ContactDetail) -> Option<PersonId> {
    match detail.owner {
        Owner::Person(p) => Some(p),
        Owner::List(_) => None,
    }
}

fn revert(
    w: &mut dyn CampaignWrite,
    actor: ParticipantId,
    now: DateTime<Utc>,
    entry: &AuditRecord,
    source: Option<&str>,
) -> Result<AuditRecord> {
    let scrubbed = entry.after.is_none() && entry.before.is_none();
    if scrubbed || entry.action == AuditAction::Erase {
        return Err(Error::invalid(format!(
            "audit entry {} holds no content to go back to",
            entry.id
        )));
    }
    let decode = |value: &Option<serde_json::Value>| -> Result<Option<serde_json::Value>> {
        Ok(value.clone())
    };
    let before = decode(&entry.before)?;

    let (right, current, restored): (Right, Option<serde_json::Value>, Option<serde_json::Value>) =
        match entry.kind {
            RecordKind::ContactDetail => {
                let id = ContactDetailId::new(entry.record);
                let current = match w.contact_detail(id) {
                    Ok(d) => Some(d),
                    Err(Error::NotFound { .. }) => None,
                    Err(other) => return Err(other),
                };
                let target: Option<ContactDetail> = from_json(before.as_ref())?;
                let owner = target
                    .as_ref()
                    .or(current.as_ref())
                    .map(|d| d.owner)
                    .ok_or_else(|| Error::not_found(RecordKind::ContactDetail, id))?;
                let right = owner_right(owner);
                require_right(w, actor, &right, now)?;
                match &target {
                    Some(detail) => w.put_contact_detail(detail)?,
                    None if current.is_some() => w.delete_contact_detail(id)?,
                    None => {}
                }
                (right, to_json(current.as_ref())?, to_json(target.as_ref())?)
            }
            RecordKind::Person => {
                let target: Option<Person> = from_json(before.as_ref())?;
                let Some(target) = target else {
                    return Err(Error::invalid(
                        "the creation of a person cannot be reverted",
                    ));
                };
                let right = Right::Person(target.id);
                require_right(w, actor, &right, now)?;
                let current = w.person(target.id)?;
                w.put_person(&target)?;
                (right, to_json(Some(&current))?, to_json(Some(&target))?)
            }
            RecordKind::Candidacy => {
                let target: Option<Candidacy> = from_json(before.as_ref())?;
                let Some(target) = target else {
                    return Err(Error::invalid(
                        "the creation of a candidacy cannot be reverted",
                    ));
                };
                let right = Right::Candidacy(target.id);
                require_right(w, actor, &right, now)?;
                let current = w.candidacy(target.id)?;
                w.put_candidacy(&target)?;
                (right, to_json(Some(&current))?, to_json(Some(&target))?)
            }
            RecordKind::PledgeAnswer => {
                let id = PledgeAnswerId::new(entry.record);
                let current = match w.pledge_answer(id) {
                    Ok(a) => Some(a),
                    Err(Error::NotFound { .. }) => None,
                    Err(other) => return Err(other),
                };
                let target: Option<PledgeAnswer> = from_json(before.as_ref())?;
                let subject = target
                    .as_ref()
                    .or(current.as_ref())
                    .map(|a| a.subject)
                    .ok_or_else(|| Error::not_found(RecordKind::PledgeAnswer, id))?;
                let right = match subject {
                    Subject::Person(p) => Right::Person(p),
                    Subject::List(l) => Right::List(l),
                };
                require_right(w, actor, &right, now)?;
                match &target {
                    Some(answer) => w.put_pledge_answer(answer)?,
                    None if current.is_some() => w.delete_pledge_answer(id)?,
                    None => {}
                }
                (right, to_json(current.as_ref())?, to_json(target.as_ref())?)
            }
            other => {
                return Err(Error::invalid(format!(
                    "changes to a {other} cannot be reverted"
                )))
            }
        };

    let record = AuditRecord {
        id: AuditId::new(w.allocate(RecordKind::Audit)?),
        actor: Some(actor),
        at: now,
        source: source.map(str::to_string),
        kind: entry.kind,
        record: entry.record,
        action: AuditAction::Revert,
        before: current,
        after: restored,
        person: person_of_right(w, &right)?,
        reverts: Some(entry.id),
    };
    w.append_audit(&record)?;
    Ok(record)
}

fn require_right(
    r: &dyn CampaignRead,
    actor: ParticipantId,
    right: &Right,
    now: DateTime<Utc>,
) -> Result<()> {
    if has_right(r, actor, right, now)? {
        Ok(())
    } else {
        Err(Error::permission(format!(
            "participant {actor} is neither a moderator nor responsible for this record"
        )))
    }
}

fn from_json<T: serde::de::DeserializeOwned>(
    value: Option<&serde_json::Value>,
) -> Result<Option<T>> {
    value
        .map(|v| serde_json::from_value(v.clone()))
        .transpose()
        .map_err(|e| Error::invalid(format!("the audit entry's record cannot be read back: {e}")))
}

fn to_json<T: Serialize>(value: Option<&T>) -> Result<Option<serde_json::Value>> {
    value
        .map(serde_json::to_value)
        .transpose()
        .map_err(|e| Error::backend("cannot record the change in the audit history", e))
}

fn unexpected(applied: &Applied) -> Error {
    Error::backend(
        "the change applied to an unexpected record",
        std::io::Error::other(format!("{applied:?}")),
    )
}

/// The French word for a role, agreed with the person's sex.
pub fn role_label(role: Role, sex: Option<Sex>) -> &'static str {
    let female = sex == Some(Sex::Female);
    match role {
        Role::HeadOfList => "tête de liste",
        Role::HeadOfSection => "tête de section",
        Role::Substitute if female => "remplaçante",
        Role::Substitute => "remplaçant",
        Role::PairMember if female => "candidate en binôme",
        Role::PairMember => "candidat en binôme",
        _ if female => "candidate",
        _ => "candidat",
    }
}

fn message_values(r: &dyn CampaignRead, c: &Candidacy) -> Result<MessageValues> {
    let person = r.person(c.person)?;
    let chain = Ancestry::new().chain(r, c.constituency)?;
    let constituency = r.constituency(c.constituency)?;
    let region = match chain.last() {
        Some(top) => r.constituency(*top)?.name.to_string(),
        None => String::new(),
    };
    let list = match c.list() {
        Some(list) => r.list(list)?.label.to_string(),
        None => String::new(),
    };
    let role = c
        .roles
        .iter()
        .next()
        .map(|role| role_label(role, person.sex))
        .unwrap_or("candidat");
    Ok(MessageValues {
        civility: person
            .sex
            .map(Sex::civility)
            .unwrap_or_default()
            .to_string(),
        first_name: person
            .first_name
            .as_ref()
            .map(|n| n.to_string())
            .unwrap_or_default(),
        surname: person.surname.to_string(),
        list,
        constituency: constituency.name.to_string(),
        region,
        role: role.to_string(),
    })
}

fn build_report(r: &dyn CampaignRead, scope: &Scope, now: DateTime<Utc>) -> Result<ProgressReport> {
    let total = r
        .tally(scope, GroupBy::Total)?
        .into_iter()
        .next()
        .map(|(_, tally)| tally)
        .unwrap_or_default();
    let mut report = ProgressReport::from_total(scope.clone(), now, &total);

    let mut nuance_labels: BTreeMap<String, String> = BTreeMap::new();
    for (group, field) in [
        (GroupBy::Constituency, 0),
        (GroupBy::List, 1),
        (GroupBy::Nuance, 2),
    ] {
        let mut lines = Vec::new();
        for (key, tally) in r.tally(scope, group)? {
            let (name, code) = match &key {
                GroupKey::Constituency(id) => {
                    let c = r.constituency(*id)?;
                    (c.name.to_string(), Some(c.code.clone()))
                }
                GroupKey::List(id) => {
                    let list = r.list(*id)?;
                    if let Some(nuance) = &list.nuance {
                        if let Some(label) = &nuance.label {
                            nuance_labels.insert(nuance.code.clone(), label.clone());
                        }
                    }
                    (list.label.to_string(), list.short_label.clone())
                }
                GroupKey::Nuance(code) => (
                    nuance_labels
                        .get(code)
                        .cloned()
                        .unwrap_or_else(|| code.clone()),
                    Some(code.clone()),
                ),
                GroupKey::Total => ("total".into(), None),
            };
            lines.push(Breakdown {
                key,
                name,
                code,
                contacted_percent: percent(tally.contacted, tally.candidacies),
                tally,
            });
        }
        match field {
            0 => report.by_constituency = lines,
            1 => report.by_list = lines,
            _ => report.by_nuance = lines,
        }
    }

    report.daily = r.daily(scope)?;
    let hours = match (scope.from, scope.until) {
        (Some(from), Some(until)) if until > from => {
            Some((until - from).num_seconds() as f64 / 3600.0)
        }
        _ => None,
    };
    for activity in r.activity(scope)? {
        let name = r.participant(activity.participant)?.name.to_string();
        report.participants.push(ParticipantFigures {
            participant: activity.participant,
            name,
            contact_actions: activity.contact_actions,
            candidacies: activity.candidacies,
            contacts_per_hour: hours.map(|h| activity.contact_actions as f64 / h),
        });
    }
    Ok(report)
}
