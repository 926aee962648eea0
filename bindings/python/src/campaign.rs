//! `Campaign`: a store, the campaign's rules, a grant policy and a clock.
//!
//! Every method releases the GIL while the library works, so that other
//! Python threads run meanwhile; the campaign itself is shared between
//! threads as it is (the library's stores serialise their writes).

use std::collections::{HashMap, HashSet};
use std::path::PathBuf;
use std::sync::Arc;

use candidats as core;
use candidats::{CampaignRead, DynStore, StoreExt};
use chrono::{DateTime, Duration, NaiveDate, Utc};
use pyo3::prelude::*;
use pyo3::types::PyDict;

use crate::error::Result;
use crate::import;
use crate::records::*;
use crate::scope::{instant, scope_of, Instant, Scope};

/// A clock that stays where it is set, for tests and simulations: give it
/// to `open()` or `Campaign.with_clock()`, then move it.
#[pyclass(frozen, module = "candidats")]
pub(crate) struct ManualClock {
    clock: Arc<core::ManualClock>,
}

#[pymethods]
impl ManualClock {
    #[new]
    fn new(now: Instant) -> Self {
        ManualClock {
            clock: Arc::new(core::ManualClock::new(now.0)),
        }
    }

    /// The time the clock shows.
    fn now(&self) -> DateTime<Utc> {
        core::Clock::now(&*self.clock)
    }

    /// Sets the time.
    fn set(&self, now: Instant) {
        self.clock.set(now.0);
    }

    /// Moves the time forward (or back, with a negative timedelta).
    fn advance(&self, by: Duration) {
        self.clock.advance(by);
    }

    fn __repr__(&self) -> String {
        format!(
            "ManualClock({})",
            core::Clock::now(&*self.clock).to_rfc3339()
        )
    }
}

/// Opens the store at `url` and returns a campaign on it.
///
/// URLs are those of the Rust library's `candidats::open`: `sqlite:PATH` or
/// a bare path ending in `.db`, `.sqlite` or `.sqlite3` (created if
/// missing), `sqlite::memory:`, `csv:DIR`, and `memory:` (lost when the
/// process ends). `policy` is `moderation` (a moderator grants each request
/// for responsibility) or `automatic` (granted at once when nobody else
/// holds it). `clock`, a `ManualClock`, replaces the system clock.
#[pyfunction]
#[pyo3(signature = (url, *, policy = "moderation", clock = None))]
pub(crate) fn open(
    py: Python<'_>,
    url: &str,
    policy: &str,
    clock: Option<&ManualClock>,
) -> Result<Campaign> {
    let policy = grant_policy(policy)?;
    let store = py.detach(|| candidats::open(url))?;
    let mut campaign = core::Campaign::new(store).with_policy(policy);
    if let Some(clock) = clock {
        campaign = campaign.with_clock(clock.clock.clone());
    }
    Ok(Campaign { inner: campaign })
}

/// A campaign: a store, the campaign's rules, a grant policy and a clock.
///
/// Open one with `candidats.open(url)`. Reads return records (or `Records`
/// collections); every change names its actor (a participant's identifier),
/// is checked against the actor's rights, runs in one transaction and is
/// kept in the audit history. A change the actor may not make directly is
/// returned as a `Proposal` waiting for moderation.
#[pyclass(frozen, module = "candidats")]
pub(crate) struct Campaign {
    inner: core::Campaign<DynStore>,
}

impl Campaign {
    /// Runs `f` on the campaign with the GIL released.
    fn run<T: Send>(
        &self,
        py: Python<'_>,
        f: impl FnOnce(&core::Campaign<DynStore>) -> core::Result<T> + Send,
    ) -> Result<T> {
        Ok(py.detach(|| f(&self.inner))?)
    }

    /// Runs `f` on a snapshot of the store with the GIL released.
    fn read<T: Send>(
        &self,
        py: Python<'_>,
        mut f: impl FnMut(&dyn CampaignRead) -> core::Result<T> + Send,
    ) -> Result<T> {
        Ok(py.detach(|| self.inner.store().read_with(&mut f))?)
    }
}

#[pymethods]
impl Campaign {
    // ----- the campaign ----------------------------------------------------

    /// The grant policy: `moderation` or `automatic`.
    #[getter]
    fn policy(&self) -> &'static str {
        match self.inner.policy() {
            core::GrantPolicy::Moderation => "moderation",
            core::GrantPolicy::Automatic => "automatic",
        }
    }

    /// A short description of the store, such as `sqlite:campaign.db`.
    #[getter]
    fn store(&self) -> String {
        core::Store::describe(self.inner.store())
    }

    /// The current time on the campaign's clock.
    fn now(&self) -> DateTime<Utc> {
        self.inner.now()
    }

    /// The same campaign (same store) with another grant policy.
    fn with_policy(&self, policy: &str) -> Result<Campaign> {
        Ok(Campaign {
            inner: self.inner.clone().with_policy(grant_policy(policy)?),
        })
    }

    /// The same campaign (same store) reading the time from `clock`, or
    /// from the system clock when None.
    #[pyo3(signature = (clock))]
    fn with_clock(&self, clock: Option<&ManualClock>) -> Campaign {
        let clock: Arc<dyn core::Clock> = match clock {
            Some(clock) => clock.clock.clone(),
            None => Arc::new(core::SystemClock),
        };
        Campaign {
            inner: self.inner.clone().with_clock(clock),
        }
    }

    fn __repr__(&self) -> String {
        format!(
            "Campaign(store={:?}, policy={:?})",
            self.store(),
            self.policy()
        )
    }

    // ----- elections, lists, sections ---------------------------------------

    /// One election.
    fn election(&self, py: Python<'_>, id: i64) -> Result<Election> {
        let election = self.read(py, |r| r.election(core::ElectionId::new(id)))?;
        Ok(Election::from(&election))
    }

    /// Every election.
    fn elections(&self, py: Python<'_>) -> Result<Records> {
        let elections = self.read(py, |r| r.elections())?;
        Ok(Records::collect::<Election, _>(&elections))
    }

    /// The election with this name, or None.
    fn election_named(&self, py: Python<'_>, name: &str) -> Result<Option<Election>> {
        let election = self.read(py, |r| r.election_named(name))?;
        Ok(election.as_ref().map(Election::from))
    }

    /// One constituency.
    fn constituency(&self, py: Python<'_>, id: i64) -> Result<Constituency> {
        let constituency = self.read(py, |r| r.constituency(core::ConstituencyId::new(id)))?;
        Ok(Constituency::from(&constituency))
    }

    /// The constituencies of an election, of one kind (`region`,
    /// `departement`, `circonscription`...) and directly under one parent
    /// when those are given.
    #[pyo3(signature = (election, *, kind = None, parent = None))]
    fn constituencies(
        &self,
        py: Python<'_>,
        election: i64,
        kind: Option<&str>,
        parent: Option<i64>,
    ) -> Result<Records> {
        let kind = kind.map(core::ConstituencyKind::from_name).transpose()?;
        let parent = parent.map(core::ConstituencyId::new);
        let all = self.read(py, |r| r.constituencies(core::ElectionId::new(election)))?;
        Ok(Records::collect::<Constituency, _>(all.iter().filter(
            |c| kind.is_none_or(|k| c.kind == k) && parent.is_none_or(|p| c.parent == Some(p)),
        )))
    }

    /// The constituency of an election with this kind and official code, or
    /// None.
    fn constituency_by_code(
        &self,
        py: Python<'_>,
        election: i64,
        kind: &str,
        code: &str,
    ) -> Result<Option<Constituency>> {
        let kind = core::ConstituencyKind::from_name(kind)?;
        let election = core::ElectionId::new(election);
        let found = self.read(py, |r| r.constituency_by_code(election, kind, code))?;
        Ok(found.as_ref().map(Constituency::from))
    }

    /// One candidate list.
    fn candidate_list(&self, py: Python<'_>, id: i64) -> Result<CandidateList> {
        let list = self.read(py, |r| r.list(core::ListId::new(id)))?;
        Ok(CandidateList::from(&list))
    }

    /// The candidate lists of an election, both rounds unless `round` is
    /// given; only those standing in `constituency` or below it, and of
    /// `nuance` (a code), when given.
    #[pyo3(signature = (election, *, round = None, constituency = None, nuance = None))]
    fn candidate_lists(
        &self,
        py: Python<'_>,
        election: i64,
        round: Option<u8>,
        constituency: Option<i64>,
        nuance: Option<&str>,
    ) -> Result<Records> {
        let election = core::ElectionId::new(election);
        let (lists, areas) = self.read(py, |r| {
            Ok((r.lists(election)?, r.constituencies(election)?))
        })?;
        let inside = constituency.map(|k| under(&areas, core::ConstituencyId::new(k)));
        Ok(Records::collect::<CandidateList, _>(lists.iter().filter(
            |l| {
                round.is_none_or(|n| l.round == n)
                    && inside
                        .as_ref()
                        .is_none_or(|set| set.contains(&l.constituency))
                    && nuance.is_none_or(|n| l.nuance.as_ref().is_some_and(|x| x.code == n))
            },
        )))
    }

    /// One list section.
    fn section(&self, py: Python<'_>, id: i64) -> Result<Section> {
        let section = self.read(py, |r| r.section(core::SectionId::new(id)))?;
        Ok(Section::from(&section))
    }

    /// The sections of a list.
    fn sections(&self, py: Python<'_>, list: i64) -> Result<Records> {
        let sections = self.read(py, |r| r.sections(core::ListId::new(list)))?;
        Ok(Records::collect::<Section, _>(&sections))
    }

    // ----- persons and candidacies --------------------------------------------

    /// One person.
    fn person(&self, py: Python<'_>, id: i64) -> Result<Person> {
        let person = self.read(py, |r| r.person(core::PersonId::new(id)))?;
        Ok(Person::from(&person))
    }

    /// Every person.
    fn persons(&self, py: Python<'_>) -> Result<Records> {
        let persons = self.read(py, |r| r.persons())?;
        Ok(Records::collect::<Person, _>(&persons))
    }

    /// The persons with exactly this surname (and first name, when given).
    #[pyo3(signature = (surname, first_name = None))]
    fn persons_named(
        &self,
        py: Python<'_>,
        surname: &str,
        first_name: Option<&str>,
    ) -> Result<Records> {
        let persons = self.read(py, |r| r.persons_named(surname, first_name))?;
        Ok(Records::collect::<Person, _>(&persons))
    }

    /// One candidacy.
    fn candidacy(&self, py: Python<'_>, id: i64) -> Result<Candidacy> {
        let candidacy = self.read(py, |r| r.candidacy(core::CandidacyId::new(id)))?;
        Ok(Candidacy::from(&candidacy))
    }

    /// The candidacies of a scope: a `Scope`, or its keywords (`election`,
    /// `round`, `constituency`, `list`, `nuance`, `roles`,
    /// `include_substitutes`, `include_withdrawn`), or both (the keywords
    /// then override the scope's). Sorted by identifier.
    #[pyo3(signature = (scope = None, **filters))]
    fn candidacies(
        &self,
        py: Python<'_>,
        scope: Option<&Scope>,
        filters: Option<&Bound<'_, PyDict>>,
    ) -> Result<Records> {
        let scope = scope_of(scope, filters)?;
        let candidacies = self.read(py, |r| r.candidacies(&scope))?;
        Ok(Records::collect::<Candidacy, _>(&candidacies))
    }

    /// Every candidacy of a person, in every election.
    fn candidacies_of_person(&self, py: Python<'_>, person: i64) -> Result<Records> {
        let candidacies =
            self.read(py, |r| r.candidacies_of_person(core::PersonId::new(person)))?;
        Ok(Records::collect::<Candidacy, _>(&candidacies))
    }

    // ----- participants and responsibility ------------------------------------

    /// One participant.
    fn participant(&self, py: Python<'_>, id: i64) -> Result<Participant> {
        let participant = self.read(py, |r| r.participant(core::ParticipantId::new(id)))?;
        Ok(Participant::from(&participant))
    }

    /// Every participant.
    fn participants(&self, py: Python<'_>) -> Result<Records> {
        let participants = self.read(py, |r| r.participants())?;
        Ok(Records::collect::<Participant, _>(&participants))
    }

    /// Registers a participant. Anyone may register.
    #[pyo3(signature = (name, email = None))]
    fn register(&self, py: Python<'_>, name: &str, email: Option<&str>) -> Result<Participant> {
        let participant = self.run(py, |c| c.register(name, email))?;
        Ok(Participant::from(&participant))
    }

    /// Registers the campaign's first moderator; later ones are named by a
    /// moderator with `set_moderator`.
    #[pyo3(signature = (name, email = None))]
    fn register_moderator(
        &self,
        py: Python<'_>,
        name: &str,
        email: Option<&str>,
    ) -> Result<Participant> {
        let participant = self.run(py, |c| c.register_moderator(name, email))?;
        Ok(Participant::from(&participant))
    }

    /// Makes a participant a moderator, or not. Only moderators may.
    #[pyo3(signature = (actor, participant, moderator = true))]
    fn set_moderator(
        &self,
        py: Python<'_>,
        actor: i64,
        participant: i64,
        moderator: bool,
    ) -> Result<Participant> {
        let (actor, participant) = (
            core::ParticipantId::new(actor),
            core::ParticipantId::new(participant),
        );
        let participant = self.run(py, |c| c.set_moderator(actor, participant, moderator))?;
        Ok(Participant::from(&participant))
    }

    /// One responsibility.
    fn responsibility(&self, py: Python<'_>, id: i64) -> Result<Responsibility> {
        let now = self.inner.now();
        let r = self.read(py, |r| r.responsibility(core::ResponsibilityId::new(id)))?;
        Ok(Responsibility::at(&r, now))
    }

    /// The responsibilities of a participant, over a target (one of
    /// `candidacy`, `list`, `constituency`), with a status (`requested`,
    /// `granted`, `refused`, `released`, `revoked`, `expired`), as given.
    #[pyo3(signature = (*, participant = None, status = None, candidacy = None, list = None, constituency = None))]
    fn responsibilities(
        &self,
        py: Python<'_>,
        participant: Option<i64>,
        status: Option<&str>,
        candidacy: Option<i64>,
        list: Option<i64>,
        constituency: Option<i64>,
    ) -> Result<Records> {
        let status = status
            .map(core::ResponsibilityStatus::from_name)
            .transpose()?;
        let target = match (candidacy, list, constituency) {
            (None, None, None) => None,
            _ => Some(one_target(candidacy, list, constituency)?),
        };
        let filter = core::ResponsibilityFilter {
            participant: participant.map(core::ParticipantId::new),
            target,
            status: None,
        };
        let now = self.inner.now();
        let all = self.read(py, |r| r.responsibilities(&filter))?;
        let records = all
            .iter()
            .filter(|r| status.is_none_or(|s| r.status_at(now) == s))
            .map(|r| Responsibility::at(r, now))
            .collect();
        Ok(Records::new::<Responsibility>(records))
    }

    /// Asks for responsibility over one target: a `candidacy`, a `list` or
    /// a `constituency`.
    ///
    /// Under the automatic policy, and for moderators, the request is
    /// granted at once when nobody else holds what it covers. When another
    /// participant holds part of it, ConflictError is raised (its `holder`
    /// names them), or with `wait=True` the request waits until they let
    /// go.
    #[pyo3(signature = (actor, *, candidacy = None, list = None, constituency = None, expires_at = None, wait = false))]
    #[allow(clippy::too_many_arguments)]
    fn request_responsibility(
        &self,
        py: Python<'_>,
        actor: i64,
        candidacy: Option<i64>,
        list: Option<i64>,
        constituency: Option<i64>,
        expires_at: Option<Instant>,
        wait: bool,
    ) -> Result<Responsibility> {
        let target = one_target(candidacy, list, constituency)?;
        let if_taken = if wait {
            core::IfTaken::Wait
        } else {
            core::IfTaken::Refuse
        };
        let actor = core::ParticipantId::new(actor);
        let expires_at = instant(expires_at);
        let r = self.run(py, |c| {
            c.request_responsibility(actor, target, expires_at, if_taken)
        })?;
        Ok(Responsibility::at(&r, self.inner.now()))
    }

    /// Grants a pending request. Only moderators may.
    fn grant(&self, py: Python<'_>, actor: i64, responsibility: i64) -> Result<Responsibility> {
        self.decide(py, actor, responsibility, core::Campaign::grant)
    }

    /// Refuses a pending request. Only moderators may.
    fn refuse(&self, py: Python<'_>, actor: i64, responsibility: i64) -> Result<Responsibility> {
        self.decide(py, actor, responsibility, core::Campaign::refuse)
    }

    /// Gives up a responsibility, or withdraws a request: its holder or a
    /// moderator may.
    fn release(&self, py: Python<'_>, actor: i64, responsibility: i64) -> Result<Responsibility> {
        self.decide(py, actor, responsibility, core::Campaign::release)
    }

    /// Takes a responsibility back, or cancels a request. Only moderators
    /// may.
    fn revoke(&self, py: Python<'_>, actor: i64, responsibility: i64) -> Result<Responsibility> {
        self.decide(py, actor, responsibility, core::Campaign::revoke)
    }

    /// The participant responsible for a candidacy now, or None.
    fn responsible_for(&self, py: Python<'_>, candidacy: i64) -> Result<Option<i64>> {
        let candidacy = core::CandidacyId::new(candidacy);
        let holder = self.run(py, |c| c.responsible_for(candidacy))?;
        Ok(holder.map(|p| p.get()))
    }

    /// Whether `actor` may edit a candidacy's record directly.
    fn may_edit_candidacy(&self, py: Python<'_>, actor: i64, candidacy: i64) -> Result<bool> {
        let (actor, candidacy) = (
            core::ParticipantId::new(actor),
            core::CandidacyId::new(candidacy),
        );
        self.run(py, |c| c.may_edit_candidacy(actor, candidacy))
    }

    /// Whether `actor` may edit a person's record directly.
    fn may_edit_person(&self, py: Python<'_>, actor: i64, person: i64) -> Result<bool> {
        let (actor, person) = (core::ParticipantId::new(actor), core::PersonId::new(person));
        self.run(py, |c| c.may_edit_person(actor, person))
    }

    // ----- edits and moderation ---------------------------------------------------

    /// Adds a contact detail to a person's or a list's record, with the
    /// `source` where it was found; or proposes it when the actor is
    /// neither responsible for the record nor a moderator.
    ///
    /// `channel` is `email`, `web_form`, `phone`, `social:NETWORK`, `postal`
    /// or `website`; the value is checked and normalised for it.
    /// `visibility` is `public` or `private`. Returns the ContactDetail, or
    /// the Proposal.
    #[pyo3(signature = (actor, channel, value, *, source, person = None, list = None, visibility = "public", label = None, note = None))]
    #[allow(clippy::too_many_arguments)]
    fn add_contact_detail<'py>(
        &self,
        py: Python<'py>,
        actor: i64,
        channel: &str,
        value: &str,
        source: String,
        person: Option<i64>,
        list: Option<i64>,
        visibility: &str,
        label: Option<String>,
        note: Option<String>,
    ) -> Result<Bound<'py, PyAny>> {
        let detail = core::NewContactDetail {
            owner: owner(person, list)?,
            point: core::ContactPoint::new(core::Channel::parse(channel)?, value)?,
            source,
            visibility: visibility_of(visibility)?,
            label,
            note,
        };
        let actor = core::ParticipantId::new(actor);
        let edit = self.run(py, |c| c.add_contact_detail(actor, detail))?;
        edited::<_, ContactDetail>(py, edit)
    }

    /// Marks a contact detail `confirmed`, `bounced`, `obsolete` or
    /// `unverified`, or proposes it. A bounced or obsolete detail stops
    /// counting as a way to reach its owner.
    #[pyo3(signature = (actor, detail, status, source = None))]
    fn set_detail_status<'py>(
        &self,
        py: Python<'py>,
        actor: i64,
        detail: i64,
        status: &str,
        source: Option<&str>,
    ) -> Result<Bound<'py, PyAny>> {
        let status = core::DetailStatus::from_name(status)?;
        let (actor, detail) = (
            core::ParticipantId::new(actor),
            core::ContactDetailId::new(detail),
        );
        let edit = self.run(py, |c| c.set_detail_status(actor, detail, status, source))?;
        edited::<_, ContactDetail>(py, edit)
    }

    /// Corrects a person's record, or proposes it: each value given
    /// replaces the current one, each None keeps it. `sex` is `F` or `M`.
    #[pyo3(signature = (actor, person, *, surname = None, first_name = None, sex = None, birth_date = None, nationality = None, source = None))]
    #[allow(clippy::too_many_arguments)]
    fn update_person<'py>(
        &self,
        py: Python<'py>,
        actor: i64,
        person: i64,
        surname: Option<&str>,
        first_name: Option<&str>,
        sex: Option<&str>,
        birth_date: Option<NaiveDate>,
        nationality: Option<String>,
        source: Option<&str>,
    ) -> Result<Bound<'py, PyAny>> {
        let mut record = self.read(py, |r| r.person(core::PersonId::new(person)))?;
        if let Some(surname) = surname {
            record.surname = core::Name::new(surname)?;
        }
        if let Some(first_name) = first_name {
            record.first_name = Some(core::Name::new(first_name)?);
        }
        if let Some(sex) = sex {
            record.sex = Some(core::Sex::parse(sex)?);
        }
        record.birth_date = birth_date.or(record.birth_date);
        record.nationality = nationality.or(record.nationality);
        let change = core::Change::UpdatePerson { person: record };
        self.change(py, actor, change, source)
    }

    /// Marks a candidacy withdrawn (or back in the race), or proposes it.
    #[pyo3(signature = (actor, candidacy, withdrawn = true, source = None))]
    fn set_withdrawn<'py>(
        &self,
        py: Python<'py>,
        actor: i64,
        candidacy: i64,
        withdrawn: bool,
        source: Option<&str>,
    ) -> Result<Bound<'py, PyAny>> {
        let change = core::Change::SetWithdrawn {
            candidacy: core::CandidacyId::new(candidacy),
            withdrawn,
        };
        self.change(py, actor, change, source)
    }

    /// Records a person's or a list's answer to a pledge (`signed`, with its
    /// `evidence`, or `declined`) on the day it was given, or proposes it.
    #[pyo3(signature = (actor, pledge, answer, date, *, person = None, list = None, evidence = None))]
    #[allow(clippy::too_many_arguments)]
    fn record_answer<'py>(
        &self,
        py: Python<'py>,
        actor: i64,
        pledge: i64,
        answer: &str,
        date: NaiveDate,
        person: Option<i64>,
        list: Option<i64>,
        evidence: Option<String>,
    ) -> Result<Bound<'py, PyAny>> {
        let subject = match owner(person, list)? {
            core::Owner::Person(p) => core::Subject::Person(p),
            core::Owner::List(l) => core::Subject::List(l),
        };
        let answer = match (answer, evidence) {
            ("signed", Some(evidence)) => core::Answer::Signed { evidence },
            ("signed", None) => {
                return Err(core::Error::invalid(
                    "a signature needs its evidence: pass evidence=...",
                )
                .into())
            }
            ("declined", None) => core::Answer::Declined,
            ("declined", Some(_)) => {
                return Err(
                    core::Error::invalid("a refusal has no evidence: drop evidence=...").into(),
                )
            }
            (other, _) => {
                return Err(core::Error::invalid(format!(
                    "expected an answer `signed` or `declined`, found `{other}`"
                ))
                .into())
            }
        };
        let (actor, pledge) = (core::ParticipantId::new(actor), core::PledgeId::new(pledge));
        let edit = self.run(py, |c| {
            c.record_answer(actor, pledge, subject, answer.clone(), date)
        })?;
        edited::<_, PledgeAnswer>(py, edit)
    }

    /// One proposal.
    fn proposal(&self, py: Python<'_>, id: i64) -> Result<Proposal> {
        let proposal = self.read(py, |r| r.proposal(core::ProposalId::new(id)))?;
        Ok(Proposal::from(&proposal))
    }

    /// The proposals with a status (`pending`, `accepted`, `rejected`), or
    /// every proposal.
    #[pyo3(signature = (status = None))]
    fn proposals(&self, py: Python<'_>, status: Option<&str>) -> Result<Records> {
        let status = status.map(core::ProposalStatus::from_name).transpose()?;
        let proposals = self.read(py, |r| r.proposals(status))?;
        Ok(Records::collect::<Proposal, _>(&proposals))
    }

    /// Accepts a pending proposal and applies its change; returns the
    /// record changed (a ContactDetail, Person, Candidacy or PledgeAnswer).
    fn accept<'py>(&self, py: Python<'py>, actor: i64, proposal: i64) -> Result<Bound<'py, PyAny>> {
        let (actor, proposal) = (
            core::ParticipantId::new(actor),
            core::ProposalId::new(proposal),
        );
        let applied = self.run(py, |c| c.accept(actor, proposal))?;
        applied_record(py, &applied)
    }

    /// Rejects a pending proposal.
    fn reject(&self, py: Python<'_>, actor: i64, proposal: i64) -> Result<Proposal> {
        let (actor, proposal) = (
            core::ParticipantId::new(actor),
            core::ProposalId::new(proposal),
        );
        let proposal = self.run(py, |c| c.reject(actor, proposal))?;
        Ok(Proposal::from(&proposal))
    }

    /// The audit history of one record (`kind` such as `candidacy`,
    /// `person`, `contact_detail`, `pledge_answer`), oldest first.
    fn history(&self, py: Python<'_>, kind: &str, record: i64) -> Result<Records> {
        let kind = core::RecordKind::from_name(kind).ok_or_else(|| {
            core::Error::invalid(format!("expected a kind of record, found `{kind}`"))
        })?;
        let entries = self.run(py, |c| c.history(kind, record))?;
        Ok(Records::collect::<AuditEntry, _>(&entries))
    }

    /// Puts a record back as it was before an audited change, as a new
    /// change of its own; returns the new history entry.
    #[pyo3(signature = (actor, entry, source = None))]
    fn revert(
        &self,
        py: Python<'_>,
        actor: i64,
        entry: i64,
        source: Option<&str>,
    ) -> Result<AuditEntry> {
        let (actor, entry) = (core::ParticipantId::new(actor), core::AuditId::new(entry));
        let record = self.run(py, |c| c.revert(actor, entry, source))?;
        Ok(AuditEntry::from(&record))
    }

    // ----- contact details and actions ------------------------------------------

    /// One contact detail, private or not.
    fn contact_detail(&self, py: Python<'_>, id: i64) -> Result<ContactDetail> {
        let detail = self.read(py, |r| r.contact_detail(core::ContactDetailId::new(id)))?;
        Ok(ContactDetail::from(&detail))
    }

    /// The contact details that `viewer` may see, of one person or list, or
    /// of the whole store.
    ///
    /// Public details are for everyone; private ones only for moderators,
    /// and, on one person's or list's record, for the participants
    /// responsible for it. Filters: `status` (`unverified`, `confirmed`,
    /// `bounced`, `obsolete`), `channel` (`email`, `phone`...),
    /// `usable` (not bounced nor obsolete), and `scope` (a Scope: the
    /// details of the persons with a candidacy in it).
    #[pyo3(signature = (*, person = None, list = None, viewer = None, status = None, channel = None, usable = None, scope = None))]
    #[allow(clippy::too_many_arguments)]
    fn contact_details(
        &self,
        py: Python<'_>,
        person: Option<i64>,
        list: Option<i64>,
        viewer: Option<i64>,
        status: Option<&str>,
        channel: Option<&str>,
        usable: Option<bool>,
        scope: Option<&Scope>,
    ) -> Result<Records> {
        let status = status.map(core::DetailStatus::from_name).transpose()?;
        let channel = channel.map(core::Channel::parse).transpose()?;
        let viewer = viewer.map(core::ParticipantId::new);
        let details = match (person, list) {
            (None, None) => self.read(py, |r| {
                let moderator = match viewer {
                    Some(viewer) => r.participant(viewer)?.moderator,
                    None => false,
                };
                let all = r.contact_details(None)?;
                Ok(all
                    .into_iter()
                    .filter(|d| moderator || d.visibility == core::Visibility::Public)
                    .collect::<Vec<_>>())
            })?,
            _ => {
                let owner = owner(person, list)?;
                self.run(py, |c| c.contact_details(viewer, owner))?
            }
        };
        let persons: Option<HashSet<core::PersonId>> = match scope {
            Some(scope) => {
                let scope = scope.inner.clone();
                let candidacies = self.read(py, |r| r.candidacies(&scope))?;
                Some(candidacies.iter().map(|c| c.person).collect())
            }
            None => None,
        };
        Ok(Records::collect::<ContactDetail, _>(details.iter().filter(
            |d| {
                let in_scope = match (&persons, d.owner) {
                    (None, _) => true,
                    (Some(persons), core::Owner::Person(p)) => persons.contains(&p),
                    (Some(_), core::Owner::List(_)) => false,
                };
                in_scope
                    && status.is_none_or(|s| d.status == s)
                    && channel.as_ref().is_none_or(|c| d.point.channel() == c)
                    && usable.is_none_or(|u| d.status.is_usable() == u)
            },
        )))
    }

    /// Records one of the actor's own contact actions on a `candidacy` or a
    /// whole `list`. `channel` is `email`, `web_form`, `phone`,
    /// `social:NETWORK`, `postal`, `website` or `in_person`; `outcome` is
    /// `sent`, `no_answer`, `answered`, `bounced`, `refused` or
    /// `promised_to_sign`; `at` defaults to the campaign's clock.
    #[pyo3(signature = (actor, channel, outcome, *, candidacy = None, list = None, at = None, note = None, template = None, marathon = None))]
    #[allow(clippy::too_many_arguments)]
    fn record_action(
        &self,
        py: Python<'_>,
        actor: i64,
        channel: &str,
        outcome: &str,
        candidacy: Option<i64>,
        list: Option<i64>,
        at: Option<Instant>,
        note: Option<String>,
        template: Option<i64>,
        marathon: Option<i64>,
    ) -> Result<ContactAction> {
        let target = match (candidacy, list) {
            (Some(c), None) => core::ActionTarget::Candidacy(core::CandidacyId::new(c)),
            (None, Some(l)) => core::ActionTarget::List(core::ListId::new(l)),
            _ => return Err(core::Error::invalid("expected one of candidacy= or list=").into()),
        };
        let action = core::NewContactAction {
            target,
            channel: core::Channel::parse(channel)?,
            outcome: core::Outcome::from_name(outcome)?,
            at: instant(at),
            note,
            template: template.map(core::TemplateId::new),
            marathon: marathon.map(core::MarathonId::new),
        };
        let actor = core::ParticipantId::new(actor);
        let action = self.run(py, |c| c.record_action(actor, action.clone()))?;
        Ok(ContactAction::from(&action))
    }

    /// One contact action.
    fn contact_action(&self, py: Python<'_>, id: i64) -> Result<ContactAction> {
        let action = self.read(py, |r| r.contact_action(core::ContactActionId::new(id)))?;
        Ok(ContactAction::from(&action))
    }

    /// The contact actions on a `candidacy` or a `list`, by a
    /// `participant`, in a `marathon`, in `[since, until)`, with an
    /// `outcome` or a `channel`, on the candidacies of a `scope` (a Scope:
    /// roles, constituency, list, nuance...), as given; sorted by
    /// identifier.
    #[pyo3(signature = (*, candidacy = None, list = None, participant = None, marathon = None, since = None, until = None, outcome = None, channel = None, scope = None))]
    #[allow(clippy::too_many_arguments)]
    fn contact_actions(
        &self,
        py: Python<'_>,
        candidacy: Option<i64>,
        list: Option<i64>,
        participant: Option<i64>,
        marathon: Option<i64>,
        since: Option<Instant>,
        until: Option<Instant>,
        outcome: Option<&str>,
        channel: Option<&str>,
        scope: Option<&Scope>,
    ) -> Result<Records> {
        let target = match (candidacy, list) {
            (None, None) => None,
            (Some(c), None) => Some(core::ActionTarget::Candidacy(core::CandidacyId::new(c))),
            (None, Some(l)) => Some(core::ActionTarget::List(core::ListId::new(l))),
            _ => {
                return Err(
                    core::Error::invalid("expected at most one of candidacy= or list=").into(),
                )
            }
        };
        let outcome = outcome.map(core::Outcome::from_name).transpose()?;
        let channel = channel.map(core::Channel::parse).transpose()?;
        let filter = core::ActionFilter {
            target,
            participant: participant.map(core::ParticipantId::new),
            marathon: marathon.map(core::MarathonId::new),
            from: instant(since),
            until: instant(until),
        };
        let scope = scope.map(|s| s.inner.clone());
        let (actions, covered) = self.read(py, |r| {
            let covered = match &scope {
                Some(scope) => Some(candidacy_ids(&r.candidacies(scope)?)),
                None => None,
            };
            Ok((r.contact_actions(&filter)?, covered))
        })?;
        Ok(Records::collect::<ContactAction, _>(actions.iter().filter(
            |a| {
                outcome.is_none_or(|o| a.outcome == o)
                    && channel.as_ref().is_none_or(|c| &a.channel == c)
                    && covered.as_ref().is_none_or(|ids| match a.target {
                        core::ActionTarget::Candidacy(c) => ids.contains(&c),
                        core::ActionTarget::List(_) => false,
                    })
            },
        )))
    }

    // ----- pledges ------------------------------------------------------------------

    /// Creates a pledge. Only moderators may.
    #[pyo3(signature = (actor, name, text, version = 1))]
    fn create_pledge(
        &self,
        py: Python<'_>,
        actor: i64,
        name: &str,
        text: &str,
        version: u32,
    ) -> Result<Pledge> {
        let actor = core::ParticipantId::new(actor);
        let pledge = self.run(py, |c| c.create_pledge(actor, name, version, text))?;
        Ok(Pledge::from(&pledge))
    }

    /// One pledge.
    fn pledge(&self, py: Python<'_>, id: i64) -> Result<Pledge> {
        let pledge = self.read(py, |r| r.pledge(core::PledgeId::new(id)))?;
        Ok(Pledge::from(&pledge))
    }

    /// Every pledge.
    fn pledges(&self, py: Python<'_>) -> Result<Records> {
        let pledges = self.read(py, |r| r.pledges())?;
        Ok(Records::collect::<Pledge, _>(&pledges))
    }

    /// The answers of a `person` or a `list`, or every answer; only those to
    /// `pledge` when given.
    #[pyo3(signature = (*, person = None, list = None, pledge = None))]
    fn pledge_answers(
        &self,
        py: Python<'_>,
        person: Option<i64>,
        list: Option<i64>,
        pledge: Option<i64>,
    ) -> Result<Records> {
        let subject = match (person, list) {
            (None, None) => None,
            _ => Some(match owner(person, list)? {
                core::Owner::Person(p) => core::Subject::Person(p),
                core::Owner::List(l) => core::Subject::List(l),
            }),
        };
        let pledge = pledge.map(core::PledgeId::new);
        let answers = self.read(py, |r| r.pledge_answers(subject))?;
        Ok(Records::collect::<PledgeAnswer, _>(
            answers
                .iter()
                .filter(|a| pledge.is_none_or(|p| a.pledge == p)),
        ))
    }

    // ----- templates ---------------------------------------------------------------------

    /// Saves a message template for the actor. Placeholders are written
    /// `{{civility}}`, `{{first_name}}`, `{{surname}}`, `{{list}}`,
    /// `{{constituency}}`, `{{region}}`, `{{role}}`.
    fn create_template(
        &self,
        py: Python<'_>,
        actor: i64,
        name: &str,
        subject: &str,
        body: &str,
    ) -> Result<Template> {
        let actor = core::ParticipantId::new(actor);
        let template = self.run(py, |c| c.create_template(actor, name, subject, body))?;
        Ok(Template::from(&template))
    }

    /// Changes one of the actor's own templates.
    #[allow(clippy::too_many_arguments)]
    fn update_template(
        &self,
        py: Python<'_>,
        actor: i64,
        template: i64,
        name: &str,
        subject: &str,
        body: &str,
    ) -> Result<Template> {
        let (actor, template) = (
            core::ParticipantId::new(actor),
            core::TemplateId::new(template),
        );
        let template = self.run(py, |c| {
            c.update_template(actor, template, name, subject, body)
        })?;
        Ok(Template::from(&template))
    }

    /// One template.
    fn template(&self, py: Python<'_>, id: i64) -> Result<Template> {
        let template = self.read(py, |r| r.template(core::TemplateId::new(id)))?;
        Ok(Template::from(&template))
    }

    /// The templates of a participant, or every template.
    #[pyo3(signature = (owner = None))]
    fn templates(&self, py: Python<'_>, owner: Option<i64>) -> Result<Records> {
        let owner = owner.map(core::ParticipantId::new);
        let templates = self.read(py, |r| r.templates(owner))?;
        Ok(Records::collect::<Template, _>(&templates))
    }

    /// Renders a template for a candidacy; the `mailto:` URI uses the
    /// candidate's first usable e-mail address that `viewer` may see.
    #[pyo3(signature = (template, candidacy, viewer = None))]
    fn render(
        &self,
        py: Python<'_>,
        template: i64,
        candidacy: i64,
        viewer: Option<i64>,
    ) -> Result<Message> {
        let template = core::TemplateId::new(template);
        let candidacy = core::CandidacyId::new(candidacy);
        let viewer = viewer.map(core::ParticipantId::new);
        let message = self.run(py, |c| c.render(viewer, template, candidacy))?;
        Ok(Message::from(&message))
    }

    // ----- queues and reservations ----------------------------------------------------------

    /// The first `limit` candidacies of a work queue (`to_collect`,
    /// `to_contact`, `to_follow_up`) over a scope, heads of list first,
    /// then heads of section; reserved candidacies are skipped. The
    /// follow-up queue holds the candidacies last contacted longer ago than
    /// `follow_up_after` (7 days by default).
    #[pyo3(signature = (kind, scope = None, *, limit = 50, follow_up_after = None, **filters))]
    fn queue(
        &self,
        py: Python<'_>,
        kind: &str,
        scope: Option<&Scope>,
        limit: usize,
        follow_up_after: Option<Duration>,
        filters: Option<&Bound<'_, PyDict>>,
    ) -> Result<Records> {
        let kind = core::QueueKind::from_name(kind)?;
        let scope = scope_of(scope, filters)?;
        let delay = follow_up_after.unwrap_or(core::TakeOptions::default().follow_up_after);
        let candidacies = self.run(py, |c| c.queue_with_delay(kind, &scope, limit, delay))?;
        Ok(Records::collect::<Candidacy, _>(&candidacies))
    }

    /// Takes the next candidacy of a work queue and reserves it for the
    /// actor for `hold` (30 minutes by default); returns the Reservation
    /// and the Candidacy, or None when the queue is empty. Two participants
    /// never get the same candidacy while its reservation runs.
    #[pyo3(signature = (actor, kind, scope = None, *, hold = None, marathon = None, follow_up_after = None, **filters))]
    #[allow(clippy::too_many_arguments)]
    fn take_next(
        &self,
        py: Python<'_>,
        actor: i64,
        kind: &str,
        scope: Option<&Scope>,
        hold: Option<Duration>,
        marathon: Option<i64>,
        follow_up_after: Option<Duration>,
        filters: Option<&Bound<'_, PyDict>>,
    ) -> Result<Option<(Reservation, Candidacy)>> {
        let kind = core::QueueKind::from_name(kind)?;
        let scope = scope_of(scope, filters)?;
        let defaults = core::TakeOptions::default();
        let options = core::TakeOptions {
            hold: hold.unwrap_or(defaults.hold),
            marathon: marathon.map(core::MarathonId::new),
            follow_up_after: follow_up_after.unwrap_or(defaults.follow_up_after),
        };
        let actor = core::ParticipantId::new(actor);
        let taken = self.run(py, |c| c.take_next(actor, kind, &scope, &options))?;
        Ok(taken.map(|(r, c)| (Reservation::from(&r), Candidacy::from(&c))))
    }

    /// Gives a reservation back before its end: the participant who took
    /// it, or a moderator, may.
    fn release_reservation(
        &self,
        py: Python<'_>,
        actor: i64,
        reservation: i64,
    ) -> Result<Reservation> {
        let (actor, reservation) = (
            core::ParticipantId::new(actor),
            core::ReservationId::new(reservation),
        );
        let reservation = self.run(py, |c| c.release_reservation(actor, reservation))?;
        Ok(Reservation::from(&reservation))
    }

    /// One reservation.
    fn reservation(&self, py: Python<'_>, id: i64) -> Result<Reservation> {
        let reservation = self.read(py, |r| r.reservation(core::ReservationId::new(id)))?;
        Ok(Reservation::from(&reservation))
    }

    /// The reservations of a participant or of a candidacy, as given; with
    /// `active=True`, only those still running now.
    #[pyo3(signature = (*, participant = None, candidacy = None, active = false))]
    fn reservations(
        &self,
        py: Python<'_>,
        participant: Option<i64>,
        candidacy: Option<i64>,
        active: bool,
    ) -> Result<Records> {
        let filter = core::ReservationFilter {
            participant: participant.map(core::ParticipantId::new),
            candidacy: candidacy.map(core::CandidacyId::new),
            active_at: active.then(|| self.inner.now()),
        };
        let reservations = self.read(py, |r| r.reservations(&filter))?;
        Ok(Records::collect::<Reservation, _>(&reservations))
    }

    // ----- marathons and reports ----------------------------------------------------------------

    /// Creates a contact marathon working on `goal` (a Scope; the whole
    /// store when None) between two instants. Only moderators may.
    #[pyo3(signature = (actor, name, starts_at, ends_at, goal = None, number = None))]
    #[allow(clippy::too_many_arguments)]
    fn create_marathon(
        &self,
        py: Python<'_>,
        actor: i64,
        name: &str,
        starts_at: Instant,
        ends_at: Instant,
        goal: Option<&Scope>,
        number: Option<u32>,
    ) -> Result<Marathon> {
        let goal = goal.map(|g| g.inner.clone()).unwrap_or_default();
        let actor = core::ParticipantId::new(actor);
        let marathon = self.run(py, |c| {
            c.create_marathon(actor, name, number, starts_at.0, ends_at.0, goal.clone())
        })?;
        Ok(Marathon::from(&marathon))
    }

    /// One contact marathon.
    fn marathon(&self, py: Python<'_>, id: i64) -> Result<Marathon> {
        let marathon = self.read(py, |r| r.marathon(core::MarathonId::new(id)))?;
        Ok(Marathon::from(&marathon))
    }

    /// Every contact marathon.
    fn marathons(&self, py: Python<'_>) -> Result<Records> {
        let marathons = self.read(py, |r| r.marathons())?;
        Ok(Records::collect::<Marathon, _>(&marathons))
    }

    /// The progress report (*bilan d'étape*) of a scope: a `Scope`, or its
    /// keywords, or both (the keywords then override the scope's).
    #[pyo3(signature = (scope = None, **filters))]
    fn report(
        &self,
        py: Python<'_>,
        scope: Option<&Scope>,
        filters: Option<&Bound<'_, PyDict>>,
    ) -> Result<ProgressReport> {
        let scope = scope_of(scope, filters)?;
        let report = self.run(py, |c| c.report(&scope))?;
        Ok(ProgressReport::from(report))
    }

    /// The progress report of a contact marathon: its goal over its window.
    fn marathon_report(&self, py: Python<'_>, marathon: i64) -> Result<ProgressReport> {
        let marathon = core::MarathonId::new(marathon);
        let report = self.run(py, |c| c.marathon_report(marathon))?;
        Ok(ProgressReport::from(report))
    }

    // ----- imports ---------------------------------------------------------------------------

    /// Imports official candidate files (a path, or a list of paths), each
    /// in its own transaction; returns one ImportSummary per file.
    ///
    /// Each file's layout is recognised from its header, or is `layout`: a
    /// built-in layout's name (see `candidats.layouts()`) or a layout
    /// file's path. The election is named by `election`, or by the layout.
    /// Importing the same file again changes nothing; candidacies no
    /// longer in a file are marked withdrawn. Without `skip_invalid`, the
    /// first bad line refuses its whole file (InvalidInputError names the
    /// file, line and column); with it, bad lines are skipped, counted, and
    /// written to the CSV file `rejects` when given. `person_match` is
    /// `name_and_birth_date`, `name` or `never`.
    #[pyo3(signature = (files, *, round = 1, election = None, layout = None, encoding = None, round_date = None, person_match = "name_and_birth_date", skip_invalid = false, rejects = None))]
    #[allow(clippy::too_many_arguments)]
    fn import_files(
        &self,
        py: Python<'_>,
        files: &Bound<'_, PyAny>,
        round: u8,
        election: Option<String>,
        layout: Option<PathBuf>,
        encoding: Option<String>,
        round_date: Option<NaiveDate>,
        person_match: &str,
        skip_invalid: bool,
        rejects: Option<PathBuf>,
    ) -> Result<Records> {
        let arguments = import::ImportArguments {
            files: import::paths(files)?,
            round,
            election,
            layout,
            encoding,
            round_date,
            person_match: person_match.to_string(),
            skip_invalid,
            rejects,
        };
        Ok(Records::new(import::run(py, &self.inner, arguments)?))
    }

    // ----- personal data ----------------------------------------------------------------------

    /// Erases a person's personal data on their request (contact details,
    /// notes, evidence, proposals about them, and their traces in the
    /// history); their public record stays. Only moderators may.
    #[pyo3(signature = (actor, person, source = None))]
    fn erase_person(
        &self,
        py: Python<'_>,
        actor: i64,
        person: i64,
        source: Option<&str>,
    ) -> Result<Erasure> {
        let (actor, person) = (core::ParticipantId::new(actor), core::PersonId::new(person));
        let erasure = self.run(py, |c| c.erase_person(actor, person, source))?;
        Ok(Erasure::from(&erasure))
    }

    /// Everything the store holds about a person, as JSON text, for their
    /// request of access. Only moderators may.
    fn export_person(&self, py: Python<'_>, actor: i64, person: i64) -> Result<String> {
        let (actor, person) = (core::ParticipantId::new(actor), core::PersonId::new(person));
        let export = self.run(py, |c| c.export_person(actor, person))?;
        serde_json::to_string_pretty(&export)
            .map_err(|e| core::Error::backend("cannot write the export as JSON", e).into())
    }
}

impl Campaign {
    fn decide(
        &self,
        py: Python<'_>,
        actor: i64,
        responsibility: i64,
        decide: fn(
            &core::Campaign<DynStore>,
            core::ParticipantId,
            core::ResponsibilityId,
        ) -> core::Result<core::Responsibility>,
    ) -> Result<Responsibility> {
        let actor = core::ParticipantId::new(actor);
        let id = core::ResponsibilityId::new(responsibility);
        let r = self.run(py, |c| decide(c, actor, id))?;
        Ok(Responsibility::at(&r, self.inner.now()))
    }

    fn change<'py>(
        &self,
        py: Python<'py>,
        actor: i64,
        change: core::Change,
        source: Option<&str>,
    ) -> Result<Bound<'py, PyAny>> {
        let actor = core::ParticipantId::new(actor);
        let edit = self.run(py, |c| c.change(actor, change.clone(), source))?;
        match edit {
            core::Edit::Applied(applied) => applied_record(py, &applied),
            core::Edit::Proposed(proposal) => {
                Ok(Bound::new(py, Proposal::from(&proposal))?.into_any())
            }
        }
    }
}

/// The record of an applied edit, or its proposal.
fn edited<'py, T, R>(py: Python<'py>, edit: core::Edit<T>) -> Result<Bound<'py, PyAny>>
where
    R: Record + for<'a> From<&'a T>,
{
    Ok(match edit {
        core::Edit::Applied(record) => Bound::new(py, R::from(&record))?.into_any(),
        core::Edit::Proposed(proposal) => Bound::new(py, Proposal::from(&proposal))?.into_any(),
    })
}

fn applied_record<'py>(py: Python<'py>, applied: &core::Applied) -> Result<Bound<'py, PyAny>> {
    Ok(match applied {
        core::Applied::ContactDetail(d) => Bound::new(py, ContactDetail::from(d))?.into_any(),
        core::Applied::Person(p) => Bound::new(py, Person::from(p))?.into_any(),
        core::Applied::Candidacy(c) => Bound::new(py, Candidacy::from(c))?.into_any(),
        core::Applied::PledgeAnswer(a) => Bound::new(py, PledgeAnswer::from(a))?.into_any(),
        other => {
            return Err(core::Error::unsupported(format!(
                "this version of the Python bindings cannot show the record changed: {other:?}"
            ))
            .into())
        }
    })
}

fn grant_policy(name: &str) -> core::Result<core::GrantPolicy> {
    match name {
        "moderation" => Ok(core::GrantPolicy::Moderation),
        "automatic" => Ok(core::GrantPolicy::Automatic),
        other => Err(core::Error::invalid(format!(
            "expected a policy `moderation` or `automatic`, found `{other}`"
        ))),
    }
}

fn visibility_of(name: &str) -> core::Result<core::Visibility> {
    match name {
        "public" => Ok(core::Visibility::Public),
        "private" => Ok(core::Visibility::Private),
        other => Err(core::Error::invalid(format!(
            "expected a visibility `public` or `private`, found `{other}`"
        ))),
    }
}

fn owner(person: Option<i64>, list: Option<i64>) -> core::Result<core::Owner> {
    match (person, list) {
        (Some(p), None) => Ok(core::Owner::Person(core::PersonId::new(p))),
        (None, Some(l)) => Ok(core::Owner::List(core::ListId::new(l))),
        _ => Err(core::Error::invalid("expected one of person= or list=")),
    }
}

fn one_target(
    candidacy: Option<i64>,
    list: Option<i64>,
    constituency: Option<i64>,
) -> core::Result<core::Target> {
    match (candidacy, list, constituency) {
        (Some(c), None, None) => Ok(core::Target::Candidacy(core::CandidacyId::new(c))),
        (None, Some(l), None) => Ok(core::Target::List(core::ListId::new(l))),
        (None, None, Some(k)) => Ok(core::Target::Constituency(core::ConstituencyId::new(k))),
        _ => Err(core::Error::invalid(
            "expected exactly one of candidacy=, list= or constituency=",
        )),
    }
}

fn candidacy_ids(candidacies: &[core::Candidacy]) -> HashSet<core::CandidacyId> {
    candidacies.iter().map(|c| c.id).collect()
}

/// The constituency `top` and every constituency below it.
fn under(areas: &[core::Constituency], top: core::ConstituencyId) -> HashSet<core::ConstituencyId> {
    let mut children: HashMap<core::ConstituencyId, Vec<core::ConstituencyId>> = HashMap::new();
    for area in areas {
        if let Some(parent) = area.parent {
            children.entry(parent).or_default().push(area.id);
        }
    }
    let mut found = HashSet::from([top]);
    let mut pending = vec![top];
    while let Some(next) = pending.pop() {
        for child in children.get(&next).into_iter().flatten() {
            if found.insert(*child) {
                pending.push(*child);
            }
        }
    }
    found
}
