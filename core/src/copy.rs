//! Copying a campaign from one store to another, keeping identifiers: to
//! move from SQLite to PostgreSQL, or to take a snapshot into memory.

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};

use crate::audit::AuditRecord;
use crate::candidacy::{Candidacy, Seat};
use crate::contact::{ContactAction, ContactDetail};
use crate::election::{CandidateList, Constituency, Election, Section};
use crate::error::{Error, Result};
use crate::id::{CandidacyId, ConstituencyId, RecordKind};
use crate::marathon::Marathon;
use crate::participant::{Participant, Responsibility};
use crate::person::Person;
use crate::pledge::{Pledge, PledgeAnswer};
use crate::proposal::Proposal;
use crate::queue::Reservation;
use crate::scope::Scope;
use crate::store::{
    ActionFilter, AuditFilter, CampaignRead, CampaignWrite, LockKey, ReservationFilter,
    ResponsibilityFilter, Store,
};
use crate::template::Template;

/// What [`copy`] wrote: how many records of each kind.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CopySummary {
    /// The records written, by kind; kinds with none are left out.
    pub records: BTreeMap<RecordKind, u64>,
}

impl CopySummary {
    /// How many records of `kind` were written.
    pub fn count(&self, kind: RecordKind) -> u64 {
        self.records.get(&kind).copied().unwrap_or(0)
    }

    /// How many records were written in all.
    pub fn total(&self) -> u64 {
        self.records.values().sum()
    }

    fn add(&mut self, kind: RecordKind, count: usize) {
        if count > 0 {
            *self.records.entry(kind).or_default() += count as u64;
        }
    }
}

/// Every record of a store, read on one snapshot.
#[derive(Default)]
struct Records {
    elections: Vec<Election>,
    constituencies: Vec<Constituency>,
    lists: Vec<CandidateList>,
    sections: Vec<Section>,
    persons: Vec<Person>,
    candidacies: Vec<Candidacy>,
    participants: Vec<Participant>,
    responsibilities: Vec<Responsibility>,
    details: Vec<ContactDetail>,
    actions: Vec<ContactAction>,
    pledges: Vec<Pledge>,
    answers: Vec<PledgeAnswer>,
    marathons: Vec<Marathon>,
    templates: Vec<Template>,
    proposals: Vec<Proposal>,
    reservations: Vec<Reservation>,
    audit: Vec<AuditRecord>,
}

impl Records {
    fn read(r: &dyn CampaignRead) -> Result<Records> {
        let mut records = Records {
            elections: r.elections()?,
            ..Records::default()
        };
        for election in &records.elections {
            records
                .constituencies
                .extend(r.constituencies(election.id())?);
            for list in r.lists(election.id())? {
                records.sections.extend(r.sections(list.id)?);
                records.lists.push(list);
            }
        }
        let everything = Scope {
            include_substitutes: true,
            include_withdrawn: true,
            ..Scope::default()
        };
        records.persons = r.persons()?;
        records.candidacies = r.candidacies(&everything)?;
        records.participants = r.participants()?;
        records.responsibilities = r.responsibilities(&ResponsibilityFilter::default())?;
        records.details = r.contact_details(None)?;
        records.actions = r.contact_actions(&ActionFilter::default())?;
        records.pledges = r.pledges()?;
        records.answers = r.pledge_answers(None)?;
        records.marathons = r.marathons()?;
        records.templates = r.templates(None)?;
        records.proposals = r.proposals(None)?;
        records.reservations = r.reservations(&ReservationFilter::default())?;
        records.audit = r.audit(&AuditFilter::default())?;
        Ok(records)
    }

    /// The identifiers that only the history names, beyond the highest
    /// record of their kind (records since deleted): the highest of each
    /// kind, which the target must never hand out again.
    fn named_beyond(&self) -> BTreeMap<RecordKind, i64> {
        fn top<T>(items: &[T], id: impl Fn(&T) -> i64) -> i64 {
            items.iter().map(id).max().unwrap_or(0)
        }
        let stored: BTreeMap<RecordKind, i64> = [
            (RecordKind::Election, top(&self.elections, |x| x.id().get())),
            (
                RecordKind::Constituency,
                top(&self.constituencies, |x| x.id.get()),
            ),
            (RecordKind::List, top(&self.lists, |x| x.id.get())),
            (RecordKind::Section, top(&self.sections, |x| x.id.get())),
            (RecordKind::Person, top(&self.persons, |x| x.id.get())),
            (
                RecordKind::Candidacy,
                top(&self.candidacies, |x| x.id.get()),
            ),
            (
                RecordKind::Participant,
                top(&self.participants, |x| x.id.get()),
            ),
            (
                RecordKind::Responsibility,
                top(&self.responsibilities, |x| x.id.get()),
            ),
            (
                RecordKind::ContactDetail,
                top(&self.details, |x| x.id.get()),
            ),
            (
                RecordKind::ContactAction,
                top(&self.actions, |x| x.id.get()),
            ),
            (RecordKind::Pledge, top(&self.pledges, |x| x.id.get())),
            (RecordKind::PledgeAnswer, top(&self.answers, |x| x.id.get())),
            (RecordKind::Marathon, top(&self.marathons, |x| x.id.get())),
            (RecordKind::Template, top(&self.templates, |x| x.id.get())),
            (RecordKind::Proposal, top(&self.proposals, |x| x.id.get())),
            (
                RecordKind::Reservation,
                top(&self.reservations, |x| x.id.get()),
            ),
            (RecordKind::Audit, top(&self.audit, |x| x.id.get())),
        ]
        .into_iter()
        .collect();

        let mut beyond = BTreeMap::new();
        for entry in &self.audit {
            let named = [
                Some((entry.kind, entry.record)),
                entry.reverts.map(|id| (RecordKind::Audit, id.get())),
            ];
            for (kind, id) in named.into_iter().flatten() {
                if id > stored.get(&kind).copied().unwrap_or(0) {
                    let highest = beyond.entry(kind).or_insert(id);
                    *highest = (*highest).max(id);
                }
            }
        }
        beyond
    }
}

/// Copies every record of `from` into `to`, keeping identifiers, in one
/// read of `from` and one write of `to`; the target then hands out
/// identifiers after those of the source, including those only its history
/// names. Returns how many records of each kind were written.
///
/// The whole campaign is held in memory between the read and the write.
///
/// ```
/// use candidats_core::{copy, Campaign, MemoryStore, RecordKind, StoreExt};
///
/// let source = Campaign::new(MemoryStore::new());
/// source.register("Alice", None)?;
/// let target = MemoryStore::new();
///
/// let summary = copy(source.store(), &target)?;
/// assert_eq!(summary.count(RecordKind::Participant), 1);
/// assert_eq!(target.read_with(|r| r.participants())?.len(), 1);
/// # Ok::<(), candidats_core::Error>(())
/// ```
///
/// # Errors
///
/// [`Error::Conflict`] when `to` already holds records;
/// [`Error::InvalidInput`] when the source's records name records it does
/// not hold (then nothing is written); a failure of either store.
pub fn copy(from: &dyn Store, to: &dyn Store) -> Result<CopySummary> {
    let mut records = None;
    from.read(&mut |r| {
        records = Some(Records::read(r)?);
        Ok(())
    })?;
    let records =
        records.ok_or_else(|| Error::backend("cannot copy the store", "the read did not run"))?;

    let mut summary = CopySummary::default();
    to.write(&mut |w| {
        summary = CopySummary::default();
        refuse_non_empty(w, &to.describe())?;
        w.lock(LockKey::Import)?;
        write(w, &records, &mut summary)?;
        for (kind, highest) in records.named_beyond() {
            while w.allocate(kind)? < highest {}
        }
        Ok(())
    })?;
    Ok(summary)
}

fn refuse_non_empty(w: &dyn CampaignRead, target: &str) -> Result<()> {
    let empty = w.elections()?.is_empty()
        && w.persons()?.is_empty()
        && w.participants()?.is_empty()
        && w.pledges()?.is_empty()
        && w.audit(&AuditFilter::default())?.is_empty();
    if empty {
        Ok(())
    } else {
        Err(Error::conflict(format!(
            "{target} already holds records: a copy goes into an empty store"
        )))
    }
}

fn write(w: &mut dyn CampaignWrite, r: &Records, summary: &mut CopySummary) -> Result<()> {
    for election in &r.elections {
        w.put_election(election)?;
    }
    summary.add(RecordKind::Election, r.elections.len());
    for constituency in parents_first(&r.constituencies)? {
        w.put_constituency(constituency)?;
    }
    summary.add(RecordKind::Constituency, r.constituencies.len());
    for list in &r.lists {
        w.put_list(list)?;
    }
    summary.add(RecordKind::List, r.lists.len());
    for section in &r.sections {
        w.put_section(section)?;
    }
    summary.add(RecordKind::Section, r.sections.len());
    for person in &r.persons {
        w.put_person(person)?;
    }
    summary.add(RecordKind::Person, r.persons.len());
    for participant in &r.participants {
        w.put_participant(participant)?;
    }
    summary.add(RecordKind::Participant, r.participants.len());

    write_candidacies(w, &r.candidacies)?;
    summary.add(RecordKind::Candidacy, r.candidacies.len());

    for pledge in &r.pledges {
        w.put_pledge(pledge)?;
    }
    summary.add(RecordKind::Pledge, r.pledges.len());
    for marathon in &r.marathons {
        w.put_marathon(marathon)?;
    }
    summary.add(RecordKind::Marathon, r.marathons.len());
    for template in &r.templates {
        w.put_template(template)?;
    }
    summary.add(RecordKind::Template, r.templates.len());
    for responsibility in &r.responsibilities {
        w.put_responsibility(responsibility)?;
    }
    summary.add(RecordKind::Responsibility, r.responsibilities.len());
    for detail in &r.details {
        w.put_contact_detail(detail)?;
    }
    summary.add(RecordKind::ContactDetail, r.details.len());
    for action in &r.actions {
        w.put_contact_action(action)?;
    }
    summary.add(RecordKind::ContactAction, r.actions.len());
    for answer in &r.answers {
        w.put_pledge_answer(answer)?;
    }
    summary.add(RecordKind::PledgeAnswer, r.answers.len());
    for proposal in &r.proposals {
        w.put_proposal(proposal)?;
    }
    summary.add(RecordKind::Proposal, r.proposals.len());
    for reservation in &r.reservations {
        w.put_reservation(reservation)?;
    }
    summary.add(RecordKind::Reservation, r.reservations.len());
    for entry in &r.audit {
        w.append_audit(entry)?;
    }
    summary.add(RecordKind::Audit, r.audit.len());
    Ok(())
}

/// The constituencies, each after its parent.
fn parents_first(all: &[Constituency]) -> Result<Vec<&Constituency>> {
    let mut written: BTreeSet<ConstituencyId> = BTreeSet::new();
    let mut ordered = Vec::with_capacity(all.len());
    let mut waiting: Vec<&Constituency> = all.iter().collect();
    while !waiting.is_empty() {
        let before = waiting.len();
        waiting.retain(|c| {
            let ready = c.parent.is_none_or(|parent| written.contains(&parent));
            if ready {
                written.insert(c.id);
                ordered.push(*c);
            }
            !ready
        });
        if waiting.len() == before {
            return Err(Error::invalid(format!(
                "constituency {} is under a constituency the source does not hold",
                waiting[0].id
            )));
        }
    }
    Ok(ordered)
}

/// Writes the candidacies so that each names only candidacies already
/// written: first without their pair partners, substitutes after the
/// candidacy they replace, then the pairs again with their partners.
fn write_candidacies(w: &mut dyn CampaignWrite, all: &[Candidacy]) -> Result<()> {
    let mut written: BTreeSet<CandidacyId> = BTreeSet::new();
    let mut waiting: Vec<&Candidacy> = all.iter().collect();
    while !waiting.is_empty() {
        let before = waiting.len();
        let mut ready = Vec::new();
        waiting.retain(|c| {
            let now = match c.seat {
                Seat::Substitute { of } => written.contains(&of),
                _ => true,
            };
            if now {
                ready.push(*c);
            }
            !now
        });
        for c in ready {
            let alone = match c.seat {
                Seat::Pair {
                    index,
                    partner: Some(_),
                } => Candidacy {
                    seat: Seat::Pair {
                        index,
                        partner: None,
                    },
                    ..c.clone()
                },
                _ => c.clone(),
            };
            w.put_candidacy(&alone)?;
            written.insert(c.id);
        }
        if waiting.len() == before {
            return Err(Error::invalid(format!(
                "candidacy {} replaces a candidacy the source does not hold",
                waiting[0].id
            )));
        }
    }
    for c in all {
        if matches!(
            c.seat,
            Seat::Pair {
                partner: Some(_),
                ..
            }
        ) {
            w.put_candidacy(c)?;
        }
    }
    Ok(())
}
