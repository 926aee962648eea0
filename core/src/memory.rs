//! [`MemoryStore`]: every record in memory. The reference store.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::{Arc, Mutex, RwLock};

use crate::audit::AuditRecord;
use crate::candidacy::Candidacy;
use crate::contact::{ActionTarget, ContactAction, ContactDetail, Owner};
use crate::election::{CandidateList, Constituency, ConstituencyKind, Election, Section};
use crate::error::{Error, Result};
use crate::id::*;
use crate::marathon::Marathon;
use crate::naive::{in_scope, Ancestry};
use crate::participant::{Participant, Responsibility, Target};
use crate::person::Person;
use crate::pledge::{Pledge, PledgeAnswer, Subject};
use crate::proposal::{Proposal, ProposalStatus};
use crate::queue::Reservation;
use crate::scope::Scope;
use crate::store::{
    ActionFilter, AuditFilter, CampaignRead, CampaignWrite, ListKey, ReservationFilter,
    ResponsibilityFilter, SeatKey, Store,
};
use crate::template::Template;

/// A store that keeps everything in memory.
///
/// It implements every trait with the plain default queries, and is the
/// oracle other stores are compared with. Reads run on a snapshot and never
/// wait for writers; writes are serialised, and each works on a copy of the
/// whole state that replaces it when the write succeeds.
///
/// ```
/// use candidats_core::{Campaign, MemoryStore, Scope};
///
/// let campaign = Campaign::new(MemoryStore::new());
/// let report = campaign.report(&Scope::default())?;
/// assert_eq!(report.candidacies, 0);
/// # Ok::<(), candidats_core::Error>(())
/// ```
///
/// # Limitations
///
/// Nothing is kept when the process ends. Each write copies the whole
/// state, which suits tests and campaigns of some tens of thousands of
/// candidacies, not a national municipal election.
#[derive(Debug, Default)]
pub struct MemoryStore {
    state: RwLock<Arc<MemoryState>>,
    writer: Mutex<()>,
}

/// The records of a [`MemoryStore`], with the indexes its lookups use.
#[derive(Clone, Debug, Default)]
pub struct MemoryState {
    next: BTreeMap<RecordKind, i64>,
    elections: BTreeMap<ElectionId, Election>,
    constituencies: BTreeMap<ConstituencyId, Constituency>,
    lists: BTreeMap<ListId, CandidateList>,
    sections: BTreeMap<SectionId, Section>,
    persons: BTreeMap<PersonId, Person>,
    candidacies: BTreeMap<CandidacyId, Candidacy>,
    participants: BTreeMap<ParticipantId, Participant>,
    responsibilities: BTreeMap<ResponsibilityId, Responsibility>,
    details: BTreeMap<ContactDetailId, ContactDetail>,
    actions: BTreeMap<ContactActionId, ContactAction>,
    pledges: BTreeMap<PledgeId, Pledge>,
    answers: BTreeMap<PledgeAnswerId, PledgeAnswer>,
    marathons: BTreeMap<MarathonId, Marathon>,
    templates: BTreeMap<TemplateId, Template>,
    proposals: BTreeMap<ProposalId, Proposal>,
    audit: BTreeMap<AuditId, AuditRecord>,
    reservations: BTreeMap<ReservationId, Reservation>,

    constituency_codes: HashMap<(ElectionId, ConstituencyKind, String), ConstituencyId>,
    list_sections: HashMap<ListId, BTreeSet<SectionId>>,
    persons_by_name: HashMap<(String, Option<String>), BTreeSet<PersonId>>,
    seats: HashMap<SeatKey, CandidacyId>,
    person_candidacies: HashMap<PersonId, BTreeSet<CandidacyId>>,
    changed: BTreeSet<RecordKind>,
}

impl MemoryStore {
    /// An empty store.
    pub fn new() -> MemoryStore {
        MemoryStore::default()
    }

    /// A store holding `state`.
    pub fn from_state(state: MemoryState) -> MemoryStore {
        MemoryStore {
            state: RwLock::new(Arc::new(state)),
            writer: Mutex::new(()),
        }
    }

    /// A snapshot of the current state.
    pub fn snapshot(&self) -> Arc<MemoryState> {
        match self.state.read() {
            Ok(guard) => Arc::clone(&guard),
            Err(poisoned) => Arc::clone(&poisoned.into_inner()),
        }
    }

    /// Runs a write, then `persist` on the new state with the kinds of
    /// records it changed, and keeps the new state only if both succeed.
    /// Stores that keep a memory state on disk (the CSV store) write their
    /// files in `persist`.
    ///
    /// # Errors
    ///
    /// What `f` or `persist` returns; the state is then unchanged.
    pub fn write_and_persist(
        &self,
        f: &mut dyn FnMut(&mut dyn CampaignWrite) -> Result<()>,
        persist: &mut dyn FnMut(&MemoryState, &BTreeSet<RecordKind>) -> Result<()>,
    ) -> Result<()> {
        let _writer = match self.writer.lock() {
            Ok(guard) => guard,
            Err(poisoned) => poisoned.into_inner(),
        };
        let mut draft = (*self.snapshot()).clone();
        draft.changed.clear();

        f(&mut draft)?;
        let changed = std::mem::take(&mut draft.changed);
        if !changed.is_empty() {
            persist(&draft, &changed)?;
        }

        let mut guard = match self.state.write() {
            Ok(guard) => guard,
            Err(poisoned) => poisoned.into_inner(),
        };
        *guard = Arc::new(draft);
        Ok(())
    }
}

impl Store for MemoryStore {
    fn read(&self, f: &mut dyn FnMut(&dyn CampaignRead) -> Result<()>) -> Result<()> {
        let snapshot = self.snapshot();
        f(&*snapshot)
    }

    fn write(&self, f: &mut dyn FnMut(&mut dyn CampaignWrite) -> Result<()>) -> Result<()> {
        self.write_and_persist(f, &mut |_, _| Ok(()))
    }

    fn describe(&self) -> String {
        "memory".into()
    }
}

fn get<K: Ord + Copy + std::fmt::Display, V: Clone>(
    map: &BTreeMap<K, V>,
    kind: RecordKind,
    id: K,
) -> Result<V> {
    map.get(&id)
        .cloned()
        .ok_or_else(|| Error::not_found(kind, id))
}

fn need<K: Ord + Copy + std::fmt::Display, V>(
    map: &BTreeMap<K, V>,
    kind: RecordKind,
    id: K,
) -> Result<()> {
    if map.contains_key(&id) {
        Ok(())
    } else {
        Err(Error::not_found(kind, id))
    }
}

fn name_key(surname: &str, first_name: Option<&str>) -> (String, Option<String>) {
    (surname.to_string(), first_name.map(str::to_string))
}

impl MemoryState {
    fn bump(&mut self, kind: RecordKind, id: i64) {
        let next = self.next.entry(kind).or_insert(1);
        if *next <= id {
            *next = id + 1;
        }
        self.changed.insert(kind);
    }

    fn check_target(&self, target: Target) -> Result<()> {
        match target {
            Target::Candidacy(id) => need(&self.candidacies, RecordKind::Candidacy, id),
            Target::List(id) => need(&self.lists, RecordKind::List, id),
            Target::Constituency(id) => need(&self.constituencies, RecordKind::Constituency, id),
        }
    }

    fn check_owner(&self, owner: Owner) -> Result<()> {
        match owner {
            Owner::Person(id) => need(&self.persons, RecordKind::Person, id),
            Owner::List(id) => need(&self.lists, RecordKind::List, id),
        }
    }
}

impl CampaignRead for MemoryState {
    fn election(&self, id: ElectionId) -> Result<Election> {
        get(&self.elections, RecordKind::Election, id)
    }

    fn elections(&self) -> Result<Vec<Election>> {
        Ok(self.elections.values().cloned().collect())
    }

    fn election_named(&self, name: &str) -> Result<Option<Election>> {
        Ok(self.elections.values().find(|e| e.name() == name).cloned())
    }

    fn constituency(&self, id: ConstituencyId) -> Result<Constituency> {
        get(&self.constituencies, RecordKind::Constituency, id)
    }

    fn constituencies(&self, election: ElectionId) -> Result<Vec<Constituency>> {
        Ok(self
            .constituencies
            .values()
            .filter(|c| c.election == election)
            .cloned()
            .collect())
    }

    fn constituency_by_code(
        &self,
        election: ElectionId,
        kind: ConstituencyKind,
        code: &str,
    ) -> Result<Option<Constituency>> {
        let key = (election, kind, code.to_string());
        Ok(self
            .constituency_codes
            .get(&key)
            .and_then(|id| self.constituencies.get(id))
            .cloned())
    }

    fn list(&self, id: ListId) -> Result<CandidateList> {
        get(&self.lists, RecordKind::List, id)
    }

    fn lists(&self, election: ElectionId) -> Result<Vec<CandidateList>> {
        Ok(self
            .lists
            .values()
            .filter(|l| l.election == election)
            .cloned()
            .collect())
    }

    fn list_by_key(&self, key: &ListKey) -> Result<Option<CandidateList>> {
        Ok(self
            .lists
            .values()
            .find(|l| {
                l.election == key.election
                    && l.round == key.round
                    && l.constituency == key.constituency
                    && match key.panel {
                        Some(panel) => l.panel == Some(panel),
                        None => l.panel.is_none() && l.label.as_str() == key.label,
                    }
            })
            .cloned())
    }

    fn section(&self, id: SectionId) -> Result<Section> {
        get(&self.sections, RecordKind::Section, id)
    }

    fn sections(&self, list: ListId) -> Result<Vec<Section>> {
        Ok(self
            .list_sections
            .get(&list)
            .into_iter()
            .flatten()
            .filter_map(|id| self.sections.get(id).cloned())
            .collect())
    }

    fn person(&self, id: PersonId) -> Result<Person> {
        get(&self.persons, RecordKind::Person, id)
    }

    fn persons_named(&self, surname: &str, first_name: Option<&str>) -> Result<Vec<Person>> {
        Ok(self
            .persons_by_name
            .get(&name_key(surname, first_name))
            .into_iter()
            .flatten()
            .filter_map(|id| self.persons.get(id).cloned())
            .collect())
    }

    fn persons(&self) -> Result<Vec<Person>> {
        Ok(self.persons.values().cloned().collect())
    }

    fn candidacy(&self, id: CandidacyId) -> Result<Candidacy> {
        get(&self.candidacies, RecordKind::Candidacy, id)
    }

    fn candidacies(&self, scope: &Scope) -> Result<Vec<Candidacy>> {
        let mut ancestry = Ancestry::new();
        let mut out = Vec::new();
        for c in self.candidacies.values() {
            let chain = ancestry.chain(self, c.constituency)?;
            if in_scope(scope, c, &chain) {
                out.push(c.clone());
            }
        }
        Ok(out)
    }

    fn candidacies_of_person(&self, person: PersonId) -> Result<Vec<Candidacy>> {
        Ok(self
            .person_candidacies
            .get(&person)
            .into_iter()
            .flatten()
            .filter_map(|id| self.candidacies.get(id).cloned())
            .collect())
    }

    fn candidacy_at(&self, key: &SeatKey) -> Result<Option<Candidacy>> {
        Ok(self
            .seats
            .get(key)
            .and_then(|id| self.candidacies.get(id))
            .cloned())
    }

    fn participant(&self, id: ParticipantId) -> Result<Participant> {
        get(&self.participants, RecordKind::Participant, id)
    }

    fn participants(&self) -> Result<Vec<Participant>> {
        Ok(self.participants.values().cloned().collect())
    }

    fn responsibility(&self, id: ResponsibilityId) -> Result<Responsibility> {
        get(&self.responsibilities, RecordKind::Responsibility, id)
    }

    fn responsibilities(&self, filter: &ResponsibilityFilter) -> Result<Vec<Responsibility>> {
        Ok(self
            .responsibilities
            .values()
            .filter(|r| {
                filter.participant.is_none_or(|p| p == r.participant)
                    && filter.target.is_none_or(|t| t == r.target)
                    && filter.status.is_none_or(|s| s == r.status)
            })
            .cloned()
            .collect())
    }

    fn contact_detail(&self, id: ContactDetailId) -> Result<ContactDetail> {
        get(&self.details, RecordKind::ContactDetail, id)
    }

    fn contact_details(&self, owner: Option<Owner>) -> Result<Vec<ContactDetail>> {
        Ok(self
            .details
            .values()
            .filter(|d| owner.is_none_or(|o| o == d.owner))
            .cloned()
            .collect())
    }

    fn contact_action(&self, id: ContactActionId) -> Result<ContactAction> {
        get(&self.actions, RecordKind::ContactAction, id)
    }

    fn contact_actions(&self, filter: &ActionFilter) -> Result<Vec<ContactAction>> {
        Ok(self
            .actions
            .values()
            .filter(|a| {
                filter.target.is_none_or(|t| t == a.target)
                    && filter.participant.is_none_or(|p| p == a.participant)
                    && filter.marathon.is_none_or(|m| Some(m) == a.marathon)
                    && filter.from.is_none_or(|from| a.at >= from)
                    && filter.until.is_none_or(|until| a.at < until)
            })
            .cloned()
            .collect())
    }

    fn pledge(&self, id: PledgeId) -> Result<Pledge> {
        get(&self.pledges, RecordKind::Pledge, id)
    }

    fn pledges(&self) -> Result<Vec<Pledge>> {
        Ok(self.pledges.values().cloned().collect())
    }

    fn pledge_answer(&self, id: PledgeAnswerId) -> Result<PledgeAnswer> {
        get(&self.answers, RecordKind::PledgeAnswer, id)
    }

    fn pledge_answers(&self, subject: Option<Subject>) -> Result<Vec<PledgeAnswer>> {
        Ok(self
            .answers
            .values()
            .filter(|a| subject.is_none_or(|s| s == a.subject))
            .cloned()
            .collect())
    }

    fn marathon(&self, id: MarathonId) -> Result<Marathon> {
        get(&self.marathons, RecordKind::Marathon, id)
    }

    fn marathons(&self) -> Result<Vec<Marathon>> {
        Ok(self.marathons.values().cloned().collect())
    }

    fn template(&self, id: TemplateId) -> Result<Template> {
        get(&self.templates, RecordKind::Template, id)
    }

    fn templates(&self, owner: Option<ParticipantId>) -> Result<Vec<Template>> {
        Ok(self
            .templates
            .values()
            .filter(|t| owner.is_none_or(|o| o == t.owner))
            .cloned()
            .collect())
    }

    fn proposal(&self, id: ProposalId) -> Result<Proposal> {
        get(&self.proposals, RecordKind::Proposal, id)
    }

    fn proposals(&self, status: Option<ProposalStatus>) -> Result<Vec<Proposal>> {
        Ok(self
            .proposals
            .values()
            .filter(|p| status.is_none_or(|s| s == p.status))
            .cloned()
            .collect())
    }

    fn audit(&self, filter: &AuditFilter) -> Result<Vec<AuditRecord>> {
        Ok(self
            .audit
            .values()
            .filter(|a| {
                filter.kind.is_none_or(|k| k == a.kind)
                    && filter.record.is_none_or(|r| r == a.record)
                    && filter.person.is_none_or(|p| Some(p) == a.person)
                    && filter.actor.is_none_or(|p| Some(p) == a.actor)
            })
            .cloned()
            .collect())
    }

    fn reservation(&self, id: ReservationId) -> Result<Reservation> {
        get(&self.reservations, RecordKind::Reservation, id)
    }

    fn reservations(&self, filter: &ReservationFilter) -> Result<Vec<Reservation>> {
        Ok(self
            .reservations
            .values()
            .filter(|r| {
                filter.participant.is_none_or(|p| p == r.participant)
                    && filter.candidacy.is_none_or(|c| c == r.candidacy)
                    && filter.active_at.is_none_or(|now| r.is_active(now))
            })
            .cloned()
            .collect())
    }
}

impl CampaignWrite for MemoryState {
    fn allocate(&mut self, kind: RecordKind) -> Result<i64> {
        let next = self.next.entry(kind).or_insert(1);
        let id = *next;
        *next += 1;
        Ok(id)
    }

    fn put_election(&mut self, election: &Election) -> Result<()> {
        if let Some(other) = self
            .elections
            .values()
            .find(|e| e.name() == election.name() && e.id() != election.id())
        {
            return Err(Error::conflict(format!(
                "election {} is already named `{}`",
                other.id(),
                other.name()
            )));
        }
        self.bump(RecordKind::Election, election.id().get());
        self.elections.insert(election.id(), election.clone());
        Ok(())
    }

    fn put_constituency(&mut self, c: &Constituency) -> Result<()> {
        need(&self.elections, RecordKind::Election, c.election)?;
        if let Some(parent) = c.parent {
            need(&self.constituencies, RecordKind::Constituency, parent)?;
        }
        let key = (c.election, c.kind, c.code.clone());
        if let Some(other) = self.constituency_codes.get(&key) {
            if *other != c.id {
                return Err(Error::conflict(format!(
                    "constituency {other} already has the {} code `{}`",
                    c.kind, c.code
                )));
            }
        }
        if let Some(old) = self.constituencies.get(&c.id) {
            self.constituency_codes
                .remove(&(old.election, old.kind, old.code.clone()));
        }
        self.bump(RecordKind::Constituency, c.id.get());
        self.constituency_codes.insert(key, c.id);
        self.constituencies.insert(c.id, c.clone());
        Ok(())
    }

    fn put_list(&mut self, list: &CandidateList) -> Result<()> {
        need(&self.elections, RecordKind::Election, list.election)?;
        need(
            &self.constituencies,
            RecordKind::Constituency,
            list.constituency,
        )?;
        self.bump(RecordKind::List, list.id.get());
        self.lists.insert(list.id, list.clone());
        Ok(())
    }

    fn put_section(&mut self, section: &Section) -> Result<()> {
        need(&self.lists, RecordKind::List, section.list)?;
        need(
            &self.constituencies,
            RecordKind::Constituency,
            section.constituency,
        )?;
        let clash = self
            .sections(section.list)?
            .into_iter()
            .find(|s| s.code == section.code && s.id != section.id);
        if let Some(other) = clash {
            return Err(Error::conflict(format!(
                "section {} of list {} already has the code `{}`",
                other.id, section.list, section.code
            )));
        }
        if let Some(old) = self.sections.get(&section.id) {
            if let Some(set) = self.list_sections.get_mut(&old.list) {
                set.remove(&section.id);
            }
        }
        self.bump(RecordKind::Section, section.id.get());
        self.list_sections
            .entry(section.list)
            .or_default()
            .insert(section.id);
        self.sections.insert(section.id, section.clone());
        Ok(())
    }

    fn put_person(&mut self, person: &Person) -> Result<()> {
        if let Some(old) = self.persons.get(&person.id) {
            let key = name_key(
                old.surname.as_str(),
                old.first_name.as_ref().map(|n| n.as_str()),
            );
            if let Some(set) = self.persons_by_name.get_mut(&key) {
                set.remove(&person.id);
            }
        }
        self.bump(RecordKind::Person, person.id.get());
        let key = name_key(
            person.surname.as_str(),
            person.first_name.as_ref().map(|n| n.as_str()),
        );
        self.persons_by_name
            .entry(key)
            .or_default()
            .insert(person.id);
        self.persons.insert(person.id, person.clone());
        Ok(())
    }

    fn put_candidacy(&mut self, c: &Candidacy) -> Result<()> {
        need(&self.persons, RecordKind::Person, c.person)?;
        need(&self.elections, RecordKind::Election, c.election)?;
        need(
            &self.constituencies,
            RecordKind::Constituency,
            c.constituency,
        )?;
        if let Some(list) = c.list() {
            need(&self.lists, RecordKind::List, list)?;
        }
        if let Some(section) = c.seat.section() {
            need(&self.sections, RecordKind::Section, section)?;
        }
        let key = SeatKey::of(c);
        if let Some(key) = &key {
            if let Some(other) = self.seats.get(key) {
                if *other != c.id {
                    return Err(Error::conflict(format!(
                        "candidacy {other} already holds this seat"
                    )));
                }
            }
        }
        if let Some(old) = self.candidacies.get(&c.id) {
            if let Some(old_key) = SeatKey::of(old) {
                self.seats.remove(&old_key);
            }
            if let Some(set) = self.person_candidacies.get_mut(&old.person) {
                set.remove(&c.id);
            }
        }
        self.bump(RecordKind::Candidacy, c.id.get());
        if let Some(key) = key {
            self.seats.insert(key, c.id);
        }
        self.person_candidacies
            .entry(c.person)
            .or_default()
            .insert(c.id);
        self.candidacies.insert(c.id, c.clone());
        Ok(())
    }

    fn put_participant(&mut self, participant: &Participant) -> Result<()> {
        self.bump(RecordKind::Participant, participant.id.get());
        self.participants
            .insert(participant.id, participant.clone());
        Ok(())
    }

    fn put_responsibility(&mut self, r: &Responsibility) -> Result<()> {
        need(&self.participants, RecordKind::Participant, r.participant)?;
        self.check_target(r.target)?;
        self.bump(RecordKind::Responsibility, r.id.get());
        self.responsibilities.insert(r.id, r.clone());
        Ok(())
    }

    fn put_contact_detail(&mut self, detail: &ContactDetail) -> Result<()> {
        self.check_owner(detail.owner)?;
        need(&self.participants, RecordKind::Participant, detail.added_by)?;
        self.bump(RecordKind::ContactDetail, detail.id.get());
        self.details.insert(detail.id, detail.clone());
        Ok(())
    }

    fn delete_contact_detail(&mut self, id: ContactDetailId) -> Result<()> {
        self.details
            .remove(&id)
            .ok_or_else(|| Error::not_found(RecordKind::ContactDetail, id))?;
        self.changed.insert(RecordKind::ContactDetail);
        Ok(())
    }

    fn put_contact_action(&mut self, action: &ContactAction) -> Result<()> {
        need(
            &self.participants,
            RecordKind::Participant,
            action.participant,
        )?;
        match action.target {
            ActionTarget::Candidacy(id) => need(&self.candidacies, RecordKind::Candidacy, id)?,
            ActionTarget::List(id) => need(&self.lists, RecordKind::List, id)?,
        }
        if let Some(template) = action.template {
            need(&self.templates, RecordKind::Template, template)?;
        }
        if let Some(marathon) = action.marathon {
            need(&self.marathons, RecordKind::Marathon, marathon)?;
        }
        self.bump(RecordKind::ContactAction, action.id.get());
        self.actions.insert(action.id, action.clone());
        Ok(())
    }

    fn put_pledge(&mut self, pledge: &Pledge) -> Result<()> {
        self.bump(RecordKind::Pledge, pledge.id.get());
        self.pledges.insert(pledge.id, pledge.clone());
        Ok(())
    }

    fn put_pledge_answer(&mut self, answer: &PledgeAnswer) -> Result<()> {
        need(&self.pledges, RecordKind::Pledge, answer.pledge)?;
        need(
            &self.participants,
            RecordKind::Participant,
            answer.recorded_by,
        )?;
        match answer.subject {
            Subject::Person(id) => need(&self.persons, RecordKind::Person, id)?,
            Subject::List(id) => need(&self.lists, RecordKind::List, id)?,
        }
        self.bump(RecordKind::PledgeAnswer, answer.id.get());
        self.answers.insert(answer.id, answer.clone());
        Ok(())
    }

    fn delete_pledge_answer(&mut self, id: PledgeAnswerId) -> Result<()> {
        self.answers
            .remove(&id)
            .ok_or_else(|| Error::not_found(RecordKind::PledgeAnswer, id))?;
        self.changed.insert(RecordKind::PledgeAnswer);
        Ok(())
    }

    fn put_marathon(&mut self, marathon: &Marathon) -> Result<()> {
        need(
            &self.participants,
            RecordKind::Participant,
            marathon.created_by,
        )?;
        self.bump(RecordKind::Marathon, marathon.id.get());
        self.marathons.insert(marathon.id, marathon.clone());
        Ok(())
    }

    fn put_template(&mut self, template: &Template) -> Result<()> {
        need(&self.participants, RecordKind::Participant, template.owner)?;
        self.bump(RecordKind::Template, template.id.get());
        self.templates.insert(template.id, template.clone());
        Ok(())
    }

    fn put_proposal(&mut self, proposal: &Proposal) -> Result<()> {
        need(&self.participants, RecordKind::Participant, proposal.author)?;
        self.bump(RecordKind::Proposal, proposal.id.get());
        self.proposals.insert(proposal.id, proposal.clone());
        Ok(())
    }

    fn put_reservation(&mut self, reservation: &Reservation) -> Result<()> {
        need(
            &self.candidacies,
            RecordKind::Candidacy,
            reservation.candidacy,
        )?;
        need(
            &self.participants,
            RecordKind::Participant,
            reservation.participant,
        )?;
        if let Some(marathon) = reservation.marathon {
            need(&self.marathons, RecordKind::Marathon, marathon)?;
        }
        self.bump(RecordKind::Reservation, reservation.id.get());
        self.reservations
            .insert(reservation.id, reservation.clone());
        Ok(())
    }

    fn append_audit(&mut self, record: &AuditRecord) -> Result<()> {
        if self.audit.contains_key(&record.id) {
            return Err(Error::conflict(format!(
                "audit entry {} already exists and is never rewritten",
                record.id
            )));
        }
        self.bump(RecordKind::Audit, record.id.get());
        self.audit.insert(record.id, record.clone());
        Ok(())
    }

    fn scrub_audit(&mut self, person: PersonId) -> Result<u64> {
        let mut scrubbed = 0;
        for record in self.audit.values_mut() {
            if record.person == Some(person) {
                record.before = None;
                record.after = None;
                record.source = None;
                scrubbed += 1;
            }
        }
        if scrubbed > 0 {
            self.changed.insert(RecordKind::Audit);
        }
        Ok(scrubbed)
    }
}
