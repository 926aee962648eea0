//! The straightforward answers to the store queries, built on record
//! lookups. They are the default implementations of the query methods of
//! [`CampaignRead`], and the oracle that database stores are tested against.

use std::collections::{BTreeMap, HashMap, HashSet};

use chrono::{DateTime, NaiveDate, Utc};

use crate::candidacy::{Candidacy, Role};
use crate::contact::{ActionTarget, ContactAction, Owner};
use crate::error::Result;
use crate::id::{CandidacyId, ConstituencyId, ParticipantId, PersonId};
use crate::participant::{Responsibility, ResponsibilityStatus, Target};
use crate::pledge::{Answer, PledgeAnswer, Subject};
use crate::queue::{QueueKind, QueueQuery};
use crate::report::{DayTally, GroupBy, GroupKey, ParticipantTally, Tally};
use crate::scope::{day_start, Scope};
use crate::store::{ActionFilter, CampaignRead, ReservationFilter, ResponsibilityFilter};

/// Walks up the constituency tree, remembering what it has seen.
pub(crate) struct Ancestry {
    parents: HashMap<ConstituencyId, Option<ConstituencyId>>,
}

impl Ancestry {
    pub(crate) fn new() -> Ancestry {
        Ancestry {
            parents: HashMap::new(),
        }
    }

    /// The constituency, then its parent, up to the top.
    pub(crate) fn chain<R: CampaignRead + ?Sized>(
        &mut self,
        r: &R,
        start: ConstituencyId,
    ) -> Result<Vec<ConstituencyId>> {
        let mut chain = vec![start];
        let mut current = start;
        while chain.len() < 64 {
            let parent = match self.parents.get(&current) {
                Some(parent) => *parent,
                None => {
                    let parent = r.constituency(current)?.parent;
                    self.parents.insert(current, parent);
                    parent
                }
            };
            match parent {
                Some(parent) => {
                    chain.push(parent);
                    current = parent;
                }
                None => break,
            }
        }
        Ok(chain)
    }
}

/// Whether a candidacy falls in a scope's candidacy filters (not its
/// period), given the chain of its constituency.
pub(crate) fn in_scope(scope: &Scope, c: &Candidacy, chain: &[ConstituencyId]) -> bool {
    if !scope.include_withdrawn && c.withdrawn {
        return false;
    }
    if !scope.include_substitutes && c.is_substitute() {
        return false;
    }
    scope.election.is_none_or(|e| e == c.election)
        && scope.round.is_none_or(|r| r == c.round)
        && scope.list.is_none_or(|l| Some(l) == c.list())
        && scope
            .nuance
            .as_ref()
            .is_none_or(|n| c.nuance.as_ref().is_some_and(|cn| &cn.code == n))
        && scope.roles.is_none_or(|roles| roles.intersects(c.roles))
        && scope.constituency.is_none_or(|k| chain.contains(&k))
}

/// What the queries need to know of one candidacy's person and contacts.
struct Facts {
    usable_detail: HashSet<PersonId>,
    actions: HashMap<CandidacyId, Vec<ContactAction>>,
    answers: HashMap<PersonId, Vec<PledgeAnswer>>,
}

impl Facts {
    fn load<R: CampaignRead + ?Sized>(r: &R, scope: &Scope) -> Result<Facts> {
        let usable_detail = r
            .contact_details(None)?
            .into_iter()
            .filter(|d| d.status.is_usable())
            .filter_map(|d| match d.owner {
                Owner::Person(p) => Some(p),
                Owner::List(_) => None,
            })
            .collect();

        let mut actions: HashMap<CandidacyId, Vec<ContactAction>> = HashMap::new();
        for action in r.contact_actions(&ActionFilter::default())? {
            if let ActionTarget::Candidacy(c) = action.target {
                actions.entry(c).or_default().push(action);
            }
        }

        let mut answers: HashMap<PersonId, Vec<PledgeAnswer>> = HashMap::new();
        for answer in r.pledge_answers(None)? {
            if scope.pledge.is_some_and(|p| p != answer.pledge) {
                continue;
            }
            if let Subject::Person(p) = answer.subject {
                answers.entry(p).or_default().push(answer);
            }
        }
        for list in answers.values_mut() {
            list.sort_by_key(PledgeAnswer::sort_key);
        }

        Ok(Facts {
            usable_detail,
            actions,
            answers,
        })
    }

    fn actions(&self, c: CandidacyId) -> &[ContactAction] {
        self.actions.get(&c).map(Vec::as_slice).unwrap_or(&[])
    }

    /// The person's latest answer dated before the end of the period.
    fn answer_by_end(&self, person: PersonId, scope: &Scope) -> Option<&PledgeAnswer> {
        self.answers
            .get(&person)?
            .iter()
            .rev()
            .find(|a| scope.day_before_end(a.date))
    }
}

/// Per candidacy: whether it counts as contacted, signatory... in a scope.
struct Status {
    contacted: bool,
    actions: u64,
    signed_on: Option<NaiveDate>,
    declined: bool,
    to_follow_up: bool,
    without_detail: bool,
    never_contacted: bool,
}

fn status(facts: &Facts, scope: &Scope, c: &Candidacy) -> Status {
    let actions = facts.actions(c.id);
    let in_period = actions.iter().filter(|a| scope.in_period(a.at)).count() as u64;
    let before_end = actions
        .iter()
        .any(|a| scope.until.is_none_or(|until| a.at < until));
    let answer = facts.answer_by_end(c.person, scope);
    let in_window = answer.is_some_and(|a| scope.day_in_period(a.date));
    let signed_on = match answer {
        Some(a) if in_window && a.answer.is_signed() => Some(a.date),
        _ => None,
    };

    Status {
        contacted: in_period > 0,
        actions: in_period,
        signed_on,
        declined: in_window && answer.is_some_and(|a| a.answer == Answer::Declined),
        to_follow_up: before_end && answer.is_none(),
        without_detail: !facts.usable_detail.contains(&c.person),
        never_contacted: !before_end,
    }
}

fn count(tally: &mut Tally, c: &Candidacy, s: &Status) {
    let signed = s.signed_on.is_some();
    tally.candidacies += 1;
    tally.contacted += u64::from(s.contacted);
    tally.contact_actions += s.actions;
    tally.signatories += u64::from(signed);
    tally.declined += u64::from(s.declined);
    tally.to_follow_up += u64::from(s.to_follow_up);
    tally.without_contact_detail += u64::from(s.without_detail);
    if c.roles.contains(Role::HeadOfSection) && s.never_contacted {
        tally.heads_of_section_to_contact += 1;
    }
    for role in c.roles.iter() {
        let entry = tally.roles.entry(role).or_default();
        entry.total += 1;
        entry.contacted += u64::from(s.contacted);
        entry.signatories += u64::from(signed);
    }
}

fn group_key(
    scope: &Scope,
    c: &Candidacy,
    chain: &[ConstituencyId],
    group: GroupBy,
) -> Option<GroupKey> {
    match group {
        GroupBy::Total => Some(GroupKey::Total),
        GroupBy::List => c.list().map(GroupKey::List),
        GroupBy::Nuance => c.nuance.as_ref().map(|n| GroupKey::Nuance(n.code.clone())),
        GroupBy::Constituency => {
            let key = match scope.constituency {
                Some(k) => match chain.iter().position(|x| *x == k) {
                    Some(0) => k,
                    Some(pos) => chain[pos - 1],
                    None => return None,
                },
                None => *chain.last()?,
            };
            Some(GroupKey::Constituency(key))
        }
    }
}

fn scoped<R: CampaignRead + ?Sized>(
    r: &R,
    scope: &Scope,
) -> Result<Vec<(Candidacy, Vec<ConstituencyId>)>> {
    let mut ancestry = Ancestry::new();
    let mut out = Vec::new();
    for c in r.candidacies(scope)? {
        let chain = ancestry.chain(r, c.constituency)?;
        if in_scope(scope, &c, &chain) {
            out.push((c, chain));
        }
    }
    Ok(out)
}

/// See [`CampaignRead::tally`].
pub fn tally<R: CampaignRead + ?Sized>(
    r: &R,
    scope: &Scope,
    group: GroupBy,
) -> Result<Vec<(GroupKey, Tally)>> {
    let facts = Facts::load(r, scope)?;
    let mut groups: BTreeMap<GroupKey, Tally> = BTreeMap::new();

    for (c, chain) in scoped(r, scope)? {
        let Some(key) = group_key(scope, &c, &chain, group) else {
            continue;
        };
        let s = status(&facts, scope, &c);
        count(groups.entry(key).or_default(), &c, &s);
    }

    if group == GroupBy::Total && groups.is_empty() {
        groups.insert(GroupKey::Total, Tally::default());
    }
    Ok(groups.into_iter().collect())
}

/// See [`CampaignRead::daily`].
pub fn daily<R: CampaignRead + ?Sized>(r: &R, scope: &Scope) -> Result<Vec<DayTally>> {
    let facts = Facts::load(r, scope)?;
    let mut days: BTreeMap<NaiveDate, (u64, HashSet<CandidacyId>, u64)> = BTreeMap::new();

    for (c, _) in scoped(r, scope)? {
        for action in facts.actions(c.id).iter().filter(|a| scope.in_period(a.at)) {
            let day = days.entry(action.at.date_naive()).or_default();
            day.0 += 1;
            day.1.insert(c.id);
        }
        if let Some(signed_on) = status(&facts, scope, &c).signed_on {
            days.entry(signed_on).or_default().2 += 1;
        }
    }

    Ok(days
        .into_iter()
        .map(|(day, (actions, contacted, signatures))| DayTally {
            day,
            contact_actions: actions,
            contacted: contacted.len() as u64,
            signatures,
        })
        .collect())
}

/// See [`CampaignRead::activity`].
pub fn activity<R: CampaignRead + ?Sized>(r: &R, scope: &Scope) -> Result<Vec<ParticipantTally>> {
    let facts = Facts::load(r, scope)?;
    type Acc = (u64, HashSet<CandidacyId>, DateTime<Utc>, DateTime<Utc>);
    let mut people: BTreeMap<ParticipantId, Acc> = BTreeMap::new();

    for (c, _) in scoped(r, scope)? {
        for action in facts.actions(c.id).iter().filter(|a| scope.in_period(a.at)) {
            let entry = people.entry(action.participant).or_insert((
                0,
                HashSet::new(),
                action.at,
                action.at,
            ));
            entry.0 += 1;
            entry.1.insert(c.id);
            entry.2 = entry.2.min(action.at);
            entry.3 = entry.3.max(action.at);
        }
    }

    Ok(people
        .into_iter()
        .map(
            |(participant, (actions, candidacies, first_at, last_at))| ParticipantTally {
                participant,
                contact_actions: actions,
                candidacies: candidacies.len() as u64,
                first_at,
                last_at,
            },
        )
        .collect())
}

/// See [`CampaignRead::queue`].
pub fn queue<R: CampaignRead + ?Sized>(
    r: &R,
    query: &QueueQuery,
    limit: usize,
) -> Result<Vec<CandidacyId>> {
    let scope = query.scope.clone().with_period(None, None);
    let facts = Facts::load(r, &scope)?;
    let reserved: HashSet<CandidacyId> = r
        .reservations(&ReservationFilter {
            active_at: Some(query.now),
            ..ReservationFilter::default()
        })?
        .into_iter()
        .map(|reservation| reservation.candidacy)
        .collect();
    let due = query.now - query.follow_up_after;

    let mut ranked = Vec::new();
    for (c, _) in scoped(r, &scope)? {
        if reserved.contains(&c.id) || facts.answers.contains_key(&c.person) {
            continue;
        }
        let usable = facts.usable_detail.contains(&c.person);
        let actions = facts.actions(c.id);
        let last = actions.iter().map(|a| a.at).max();
        let wanted = match query.kind {
            QueueKind::ToCollect => !usable,
            QueueKind::ToContact => usable && last.is_none(),
            QueueKind::ToFollowUp => last.is_some_and(|at| at <= due),
        };
        if wanted {
            ranked.push((c.queue_rank(), c.id));
        }
    }

    ranked.sort();
    Ok(ranked.into_iter().take(limit).map(|(_, id)| id).collect())
}

fn covers(target: Target, c: &Candidacy, chain: &[ConstituencyId]) -> bool {
    match target {
        Target::Candidacy(id) => id == c.id,
        Target::List(list) => c.list() == Some(list),
        Target::Constituency(k) => chain.contains(&k),
    }
}

fn granted<R: CampaignRead + ?Sized>(r: &R, now: DateTime<Utc>) -> Result<Vec<Responsibility>> {
    Ok(r.responsibilities(&ResponsibilityFilter {
        status: Some(ResponsibilityStatus::Granted),
        ..ResponsibilityFilter::default()
    })?
    .into_iter()
    .filter(|resp| resp.is_active(now))
    .collect())
}

/// See [`CampaignRead::responsibilities_covering`].
pub fn covering<R: CampaignRead + ?Sized>(
    r: &R,
    candidacy: CandidacyId,
    now: DateTime<Utc>,
) -> Result<Vec<Responsibility>> {
    let c = r.candidacy(candidacy)?;
    let chain = Ancestry::new().chain(r, c.constituency)?;
    Ok(granted(r, now)?
        .into_iter()
        .filter(|resp| covers(resp.target, &c, &chain))
        .collect())
}

/// The candidacies a target covers, withdrawn ones and substitutes included.
pub(crate) fn covered<R: CampaignRead + ?Sized>(r: &R, target: Target) -> Result<Vec<Candidacy>> {
    let scope = Scope {
        include_substitutes: true,
        include_withdrawn: true,
        ..Scope::default()
    };
    match target {
        Target::Candidacy(id) => Ok(vec![r.candidacy(id)?]),
        Target::List(list) => r.candidacies(&scope.with_list(list)),
        Target::Constituency(k) => r.candidacies(&scope.with_constituency(k)),
    }
}

/// See [`CampaignRead::responsibilities_overlapping`].
pub fn overlapping<R: CampaignRead + ?Sized>(
    r: &R,
    target: Target,
    now: DateTime<Utc>,
) -> Result<Vec<Responsibility>> {
    let granted = granted(r, now)?;
    if granted.is_empty() {
        return Ok(granted);
    }
    let mut ancestry = Ancestry::new();
    let mut candidacies = Vec::new();
    for c in covered(r, target)? {
        let chain = ancestry.chain(r, c.constituency)?;
        candidacies.push((c, chain));
    }
    Ok(granted
        .into_iter()
        .filter(|resp| {
            resp.target == target
                || candidacies
                    .iter()
                    .any(|(c, chain)| covers(resp.target, c, chain))
        })
        .collect())
}

/// The start of a day, for stores that keep answer days as instants.
pub fn day_instant(day: NaiveDate) -> DateTime<Utc> {
    day_start(day)
}
