//! The report and queue queries, answered in the database.
//!
//! Each gives exactly what [`candidats_core::naive`] computes from the
//! record lookups; the conformance suite compares them. The constituency
//! tree is walked with recursive common table expressions, at most 64
//! levels deep, as the naive queries do.

use std::collections::btree_map::Entry;
use std::collections::{BTreeMap, HashMap};

use chrono::{DateTime, Utc};
use rusqlite::types::ValueRef;

use candidats_core::*;

use crate::codec::{self, candidacy_columns, responsibility_columns, Columns};
use crate::error::corrupt;
use crate::session::{Filter, Session};

/// How deep the constituency tree is walked, as in the naive queries.
const MAX_DEPTH: i64 = 64;

/// The statuses of a usable contact detail.
const USABLE: &str = "('unverified', 'confirmed')";

/// The common table expressions a scope needs, as `WITH RECURSIVE ...`, or
/// nothing.
struct With(Vec<String>);

impl With {
    fn text(&self) -> String {
        if self.0.is_empty() {
            String::new()
        } else {
            format!("WITH RECURSIVE {} ", self.0.join(", "))
        }
    }
}

/// `under(id, top, depth)`: the constituency `k` (depth 1, top itself) and
/// every constituency below it, with `top` the one just below `k` on the
/// way up (or `k` itself).
fn under(k: &str) -> String {
    format!(
        "under (id, top, depth) AS (SELECT {k}, {k}, 1 UNION ALL \
         SELECT x.id, CASE WHEN u.depth = 1 THEN x.id ELSE u.top END, u.depth + 1 \
         FROM constituency x JOIN under u ON x.parent = u.id WHERE u.depth < {MAX_DEPTH})"
    )
}

/// `roots(id, top, depth)`: every constituency below a top-level one, with
/// `top` that top-level constituency.
fn roots() -> String {
    format!(
        "roots (id, top, depth) AS (SELECT id, id, 1 FROM constituency WHERE parent IS NULL \
         UNION ALL SELECT x.id, r.top, r.depth + 1 FROM constituency x \
         JOIN roots r ON x.parent = r.id WHERE r.depth < {MAX_DEPTH})"
    )
}

/// Adds the candidacy filters of a scope on the table `c` (its period is
/// not a candidacy filter).
fn scope_filter(scope: &Scope, f: &mut Filter, with: &mut With) {
    if !scope.include_withdrawn {
        f.and("c.withdrawn = 0");
    }
    if !scope.include_substitutes {
        f.and(format!(
            "(c.roles & {}) = 0",
            Roles::EMPTY.with(Role::Substitute).bits()
        ));
    }
    if let Some(election) = scope.election {
        let p = f.bind(election.get());
        f.and(format!("c.election = {p}"));
    }
    if let Some(round) = scope.round {
        let p = f.bind(i64::from(round));
        f.and(format!("c.round = {p}"));
    }
    if let Some(list) = scope.list {
        // Through the sections, whose seats are indexed.
        let p = f.bind(list.get());
        f.and(format!(
            "c.section IN (SELECT s.id FROM section s WHERE s.list = {p}) AND c.list = {p}"
        ));
    }
    if let Some(nuance) = &scope.nuance {
        let p = f.bind(nuance.clone());
        f.and(format!("c.nuance_code = {p}"));
    }
    if let Some(roles) = scope.roles {
        let p = f.bind(i64::from(roles.bits()));
        f.and(format!("(c.roles & {p}) != 0"));
    }
    if let Some(k) = scope.constituency {
        let p = f.bind(k.get());
        with.0.push(under(&p));
        f.and("c.constituency IN (SELECT id FROM under)");
    }
}

/// Conditions on an instant column for a scope's period.
fn period(scope: &Scope, column: &str, f: &mut Filter) -> String {
    let mut out = String::new();
    if let Some(from) = scope.from {
        let p = f.bind(codec::instant(from));
        out.push_str(&format!(" AND {column} >= {p}"));
    }
    if let Some(until) = scope.until {
        let p = f.bind(codec::instant(until));
        out.push_str(&format!(" AND {column} < {p}"));
    }
    out
}

/// The identifier of the answer that counts for `person` by the end of the
/// scope's period: the latest dated before `until`, to the scope's pledge.
fn answer_by_end(scope: &Scope, person: &str, f: &mut Filter) -> String {
    let mut text = format!("SELECT a.id FROM pledge_answer a WHERE a.person = {person}");
    if let Some(pledge) = scope.pledge {
        let p = f.bind(pledge.get());
        text.push_str(&format!(" AND a.pledge = {p}"));
    }
    if let Some(until) = scope.until {
        let p = f.bind(codec::first_day_from(until));
        text.push_str(&format!(" AND a.date < {p}"));
    }
    text.push_str(" ORDER BY a.date DESC, a.id DESC LIMIT 1");
    text
}

/// The condition that an answer `ans`, already dated before the end of the
/// period, is dated in it.
fn answer_in_period(scope: &Scope, f: &mut Filter) -> String {
    match scope.from {
        Some(from) => {
            let p = f.bind(codec::first_day_from(from));
            format!("ans.date >= {p}")
        }
        None => "1".into(),
    }
}

/// See [`CampaignRead::candidacies`].
pub(crate) fn candidacies(s: &Session<'_>, scope: &Scope) -> Result<Vec<Candidacy>> {
    let mut f = Filter::default();
    let mut with = With(Vec::new());
    scope_filter(scope, &mut f, &mut with);

    let text = format!(
        "{}SELECT {} FROM candidacy c{} ORDER BY c.id",
        with.text(),
        candidacy_columns!(),
        f.clause()
    );
    s.fetch_filtered(&text, &f, codec::candidacy)
}

/// What a tally counts for a group of candidacies holding the same roles.
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct Counts {
    candidacies: u64,
    contacted: u64,
    contact_actions: u64,
    signatories: u64,
    declined: u64,
    to_follow_up: u64,
    /// Candidacies whose person has a usable contact detail.
    usable: u64,
    /// Candidacies contacted before the end of the period.
    touched: u64,
}

impl Counts {
    fn add(&mut self, other: &Counts) {
        self.candidacies += other.candidacies;
        self.contacted += other.contacted;
        self.contact_actions += other.contact_actions;
        self.signatories += other.signatories;
        self.declined += other.declined;
        self.to_follow_up += other.to_follow_up;
        self.usable += other.usable;
        self.touched += other.touched;
    }

    fn add_to(&self, tally: &mut Tally, roles: Roles) {
        tally.candidacies += self.candidacies;
        tally.contacted += self.contacted;
        tally.contact_actions += self.contact_actions;
        tally.signatories += self.signatories;
        tally.declined += self.declined;
        tally.to_follow_up += self.to_follow_up;
        tally.without_contact_detail += self.candidacies.saturating_sub(self.usable);
        if roles.contains(Role::HeadOfSection) {
            tally.heads_of_section_to_contact += self.candidacies.saturating_sub(self.touched);
        }
        for role in roles.iter() {
            let entry = tally.roles.entry(role).or_default();
            entry.total += self.candidacies;
            entry.contacted += self.contacted;
            entry.signatories += self.signatories;
        }
    }
}

/// The group key in a tally's first column.
fn group_key(group: GroupBy, row: &rusqlite::Row<'_>) -> Result<GroupKey> {
    Ok(match group {
        GroupBy::Total => GroupKey::Total,
        GroupBy::List => GroupKey::List(ListId::new(row.col(0)?)),
        GroupBy::Nuance => GroupKey::Nuance(row.col(0)?),
        GroupBy::Constituency => GroupKey::Constituency(ConstituencyId::new(row.col(0)?)),
    })
}

/// A count or a sum read from a column.
fn number(row: &rusqlite::Row<'_>, index: usize) -> Result<u64> {
    row.col::<i64>(index).map(|n| n.max(0) as u64)
}

/// See [`CampaignRead::tally`].
pub(crate) fn tally(
    s: &Session<'_>,
    scope: &Scope,
    group: GroupBy,
) -> Result<Vec<(GroupKey, Tally)>> {
    if of_all_time(scope) {
        let facts = s.scope_facts(scope, || scope_facts(s, scope))?;
        return tally_of_cells(s, scope, group, &facts.cells);
    }
    let mut f = Filter::default();
    let mut with = With(Vec::new());
    scope_filter(scope, &mut f, &mut with);
    let key = match group {
        GroupBy::Total => "0".to_string(),
        GroupBy::List => "c.list".to_string(),
        GroupBy::Nuance => "c.nuance_code".to_string(),
        GroupBy::Constituency if scope.constituency.is_some() => {
            "(SELECT top FROM under WHERE under.id = c.constituency ORDER BY depth LIMIT 1)".into()
        }
        GroupBy::Constituency => {
            with.0.push(roots());
            "(SELECT top FROM roots WHERE roots.id = c.constituency ORDER BY depth DESC LIMIT 1)"
                .into()
        }
    };
    let base = f.conditions();
    let base_params = f.params.len();
    let in_period = period(scope, "a.at", &mut f);
    let before_end = match scope.until {
        Some(until) => {
            let p = f.bind(codec::instant(until));
            format!(" AND a.at < {p}")
        }
        None => String::new(),
    };
    let answer = answer_by_end(scope, "c.person", &mut f);
    let answer_in_period = answer_in_period(scope, &mut f);

    // Every candidacy counts in `candidacies`; most have no contact, no
    // contact detail and no answer, and count nowhere else. The second
    // query looks only at those that have one, through the indexes.
    let counts_text = format!(
        "{with}SELECT {key} AS key, c.roles, count(*) FROM candidacy c WHERE {base} \
         GROUP BY key, c.roles HAVING key IS NOT NULL",
        with = with.text(),
    );
    let facts_text = format!(
        "{with}SELECT key, roles, sum(actions > 0), sum(actions), sum(signed), sum(declined), \
         sum(touched AND NOT answered), sum(usable), sum(touched) \
         FROM (SELECT {key} AS key, c.roles AS roles, \
           (SELECT count(*) FROM contact_action a WHERE a.candidacy = c.id{in_period}) AS actions, \
           EXISTS (SELECT 1 FROM contact_action a WHERE a.candidacy = c.id{before_end}) AS touched, \
           ans.id IS NOT NULL AS answered, \
           coalesce(ans.answer = 'signed' AND {answer_in_period}, 0) AS signed, \
           coalesce(ans.answer = 'declined' AND {answer_in_period}, 0) AS declined, \
           EXISTS (SELECT 1 FROM contact_detail d WHERE d.person = c.person \
             AND d.status IN {USABLE}) AS usable \
           FROM candidacy c LEFT JOIN pledge_answer ans ON ans.id = ({answer}) \
           WHERE {base} AND (c.id IN (SELECT a.candidacy FROM contact_action a \
               WHERE a.candidacy IS NOT NULL) \
             OR c.person IN (SELECT d.person FROM contact_detail d WHERE d.person IS NOT NULL) \
             OR c.person IN (SELECT a.person FROM pledge_answer a WHERE a.person IS NOT NULL))) \
         WHERE key IS NOT NULL GROUP BY key, roles",
        with = with.text(),
    );

    let mut counts: BTreeMap<(GroupKey, u8), Counts> = BTreeMap::new();
    for (key, bits, candidacies) in s.fetch_with(&counts_text, &f.params[..base_params], |row| {
        Ok((group_key(group, row)?, row.col::<u8>(1)?, number(row, 2)?))
    })? {
        counts.entry((key, bits)).or_default().candidacies = candidacies;
    }
    for (key, bits, active) in s.fetch_filtered(&facts_text, &f, |row| {
        let active = Counts {
            candidacies: 0,
            contacted: number(row, 2)?,
            contact_actions: number(row, 3)?,
            signatories: number(row, 4)?,
            declined: number(row, 5)?,
            to_follow_up: number(row, 6)?,
            usable: number(row, 7)?,
            touched: number(row, 8)?,
        };
        Ok((group_key(group, row)?, row.col::<u8>(1)?, active))
    })? {
        let entry = counts.entry((key, bits)).or_default();
        *entry = Counts {
            candidacies: entry.candidacies,
            ..active
        };
    }

    let mut groups: BTreeMap<GroupKey, Tally> = BTreeMap::new();
    for ((key, bits), counts) in counts {
        let roles = Roles::from_bits(bits)
            .ok_or_else(|| corrupt("candidacy roles", format!("bad roles {bits}")))?;
        counts.add_to(groups.entry(key).or_default(), roles);
    }
    if group == GroupBy::Total && groups.is_empty() {
        groups.insert(GroupKey::Total, Tally::default());
    }
    Ok(groups.into_iter().collect())
}

/// Candidacies that a tally counts together: the same list, constituency,
/// nuance and roles.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub(crate) struct CellKey {
    list: Option<i64>,
    constituency: i64,
    nuance: Option<String>,
    roles: u8,
}

/// What one pass over a scope's candidacies gathers, over all time and
/// every pledge: the counts by cell, which every grouping of a tally is
/// added up from; which candidacies the scope holds; and how many of them
/// each person whose latest answer is a signature has.
#[derive(Default)]
pub(crate) struct ScopeFacts {
    cells: Vec<(CellKey, Counts)>,
    members: Vec<u64>,
    signed: HashMap<i64, u64>,
}

impl ScopeFacts {
    fn add_member(&mut self, id: i64) {
        let Ok(index) = usize::try_from(id) else {
            return;
        };
        if self.members.len() <= index / 64 {
            self.members.resize(index / 64 + 1, 0);
        }
        self.members[index / 64] |= 1 << (index % 64);
    }

    fn is_member(&self, id: i64) -> bool {
        usize::try_from(id).is_ok_and(|index| {
            self.members
                .get(index / 64)
                .is_some_and(|word| word & (1 << (index % 64)) != 0)
        })
    }
}

/// Whether a scope's figures can be read from the state candidacy rows
/// keep: over all time, and every pledge.
fn of_all_time(scope: &Scope) -> bool {
    scope.from.is_none() && scope.until.is_none() && scope.pledge.is_none()
}

/// Reads a scope's cells in one pass over its candidacies, from the state
/// each candidacy row keeps (its actions, its person's usable detail and
/// latest answer). Rows of a list come together, so each cell is added to
/// the map once per run of rows.
fn scope_facts(s: &Session<'_>, scope: &Scope) -> Result<ScopeFacts> {
    let mut f = Filter::default();
    let mut with = With(Vec::new());
    scope_filter(scope, &mut f, &mut with);
    let text = format!(
        "{with}SELECT c.list, c.constituency, c.nuance_code, c.roles, c.actions, \
         c.usable_detail, c.answer, c.id, c.person FROM candidacy c WHERE {conditions}",
        with = with.text(),
        conditions = f.conditions(),
    );

    let mut facts = ScopeFacts::default();
    let mut cells: HashMap<CellKey, Counts> = HashMap::new();
    let mut run: Option<(CellKey, Counts)> = None;
    s.for_each_row(&text, &f.params, |row| {
        facts.add_member(row.col(7)?);
        let list: Option<i64> = row.col(0)?;
        let constituency: i64 = row.col(1)?;
        let nuance = match row.get_ref(2) {
            Ok(ValueRef::Text(bytes)) => Some(bytes),
            _ => None,
        };
        let roles: u8 = row.col(3)?;
        let same = run.as_ref().is_some_and(|(key, _)| {
            key.list == list
                && key.constituency == constituency
                && key.roles == roles
                && key.nuance.as_deref().map(str::as_bytes) == nuance
        });
        if !same {
            let key = CellKey {
                list,
                constituency,
                nuance: nuance.map(|n| String::from_utf8_lossy(n).into_owned()),
                roles,
            };
            if let Some((key, counts)) = run.replace((key, Counts::default())) {
                cells.entry(key).or_default().add(&counts);
            }
        }

        let actions = number(row, 4)?;
        let usable: bool = row.col(5)?;
        let answer = match row.get_ref(6) {
            Ok(ValueRef::Text(bytes)) => Some(bytes),
            _ => None,
        };
        let signed = answer == Some(b"signed".as_slice());
        if signed {
            *facts.signed.entry(row.col(8)?).or_default() += 1;
        }
        if let Some((_, counts)) = &mut run {
            let touched = u64::from(actions > 0);
            counts.candidacies += 1;
            counts.contacted += touched;
            counts.contact_actions += actions;
            counts.signatories += u64::from(signed);
            counts.declined += u64::from(answer == Some(b"declined".as_slice()));
            counts.to_follow_up += touched * u64::from(answer.is_none());
            counts.usable += u64::from(usable);
            counts.touched += touched;
        }
        Ok(())
    })?;
    if let Some((key, counts)) = run {
        cells.entry(key).or_default().add(&counts);
    }
    facts.cells = cells.into_iter().collect();
    Ok(facts)
}

/// A tally added up from a scope's cells.
fn tally_of_cells(
    s: &Session<'_>,
    scope: &Scope,
    group: GroupBy,
    cells: &[(CellKey, Counts)],
) -> Result<Vec<(GroupKey, Tally)>> {
    let parents: HashMap<i64, Option<i64>> = match group {
        GroupBy::Constituency => s
            .fetch_with("SELECT id, parent FROM constituency", &[], |row| {
                Ok((row.col::<i64>(0)?, row.col::<Option<i64>>(1)?))
            })?
            .into_iter()
            .collect(),
        _ => HashMap::new(),
    };
    let mut tops: HashMap<i64, Option<i64>> = HashMap::new();
    let mut top_of = |constituency: i64| -> Option<i64> {
        *tops.entry(constituency).or_insert_with(|| {
            let mut chain = vec![constituency];
            while chain.len() < MAX_DEPTH as usize {
                match chain.last().and_then(|k| parents.get(k).copied().flatten()) {
                    Some(parent) => chain.push(parent),
                    None => break,
                }
            }
            match scope.constituency {
                Some(k) => match chain.iter().position(|x| *x == k.get()) {
                    Some(0) => Some(k.get()),
                    Some(position) => Some(chain[position - 1]),
                    None => None,
                },
                None => chain.last().copied(),
            }
        })
    };

    let mut groups: BTreeMap<GroupKey, Tally> = BTreeMap::new();
    for (cell, counts) in cells {
        let key = match group {
            GroupBy::Total => Some(GroupKey::Total),
            GroupBy::List => cell.list.map(|l| GroupKey::List(ListId::new(l))),
            GroupBy::Nuance => cell.nuance.clone().map(GroupKey::Nuance),
            GroupBy::Constituency => {
                top_of(cell.constituency).map(|k| GroupKey::Constituency(ConstituencyId::new(k)))
            }
        };
        let Some(key) = key else { continue };
        let roles = Roles::from_bits(cell.roles)
            .ok_or_else(|| corrupt("candidacy roles", format!("bad roles {}", cell.roles)))?;
        counts.add_to(groups.entry(key).or_default(), roles);
    }
    if group == GroupBy::Total && groups.is_empty() {
        groups.insert(GroupKey::Total, Tally::default());
    }
    Ok(groups.into_iter().collect())
}

/// See [`CampaignRead::daily`].
pub(crate) fn daily(s: &Session<'_>, scope: &Scope) -> Result<Vec<DayTally>> {
    if of_all_time(scope) {
        let facts = s.scope_facts(scope, || scope_facts(s, scope))?;
        return daily_of_all_time(s, &facts);
    }
    let mut f = Filter::default();
    let mut with = With(Vec::new());
    scope_filter(scope, &mut f, &mut with);
    with.0.push(format!(
        "scoped AS (SELECT c.id, c.person FROM candidacy c WHERE {})",
        f.conditions()
    ));
    let in_period = period(scope, "a.at", &mut f);
    let answer = answer_by_end(scope, "scoped.person", &mut f);
    let answer_in_period = answer_in_period(scope, &mut f);

    let text = format!(
        "{with}SELECT day, sum(actions), sum(contacted), sum(signatures) FROM ( \
           SELECT substr(a.at, 1, 10) AS day, count(*) AS actions, \
             count(DISTINCT a.candidacy) AS contacted, 0 AS signatures \
           FROM scoped JOIN contact_action a ON a.candidacy = scoped.id \
           WHERE 1{in_period} GROUP BY day \
           UNION ALL \
           SELECT ans.date, 0, 0, count(*) FROM scoped \
           JOIN pledge_answer ans ON ans.id = ({answer}) \
           WHERE ans.answer = 'signed' AND {answer_in_period} GROUP BY ans.date) \
         GROUP BY day ORDER BY day",
        with = with.text(),
    );
    s.fetch_filtered(&text, &f, |row| {
        Ok(DayTally {
            day: codec::parse_day(row.text(0)?, "a day of activity")?,
            contact_actions: number(row, 1)?,
            contacted: number(row, 2)?,
            signatures: number(row, 3)?,
        })
    })
}

/// The days of a scope over all time: its candidacies' actions read in
/// the order of their index (by candidacy, then instant), so that each
/// candidacy's day is counted once as it goes; and the signatures, from
/// each person's latest answer.
fn daily_of_all_time(s: &Session<'_>, facts: &ScopeFacts) -> Result<Vec<DayTally>> {
    let mut days: BTreeMap<[u8; 10], DayTally> = BTreeMap::new();
    let mut last: Option<(i64, [u8; 10])> = None;
    s.for_each_row(
        "SELECT candidacy, at FROM contact_action WHERE candidacy IS NOT NULL \
         ORDER BY candidacy, at",
        &[],
        |row| {
            let candidacy: i64 = row.col(0)?;
            if !facts.is_member(candidacy) {
                return Ok(());
            }
            let (key, day) = day_entry(&mut days, row.text(1)?.as_bytes())?;
            day.contact_actions += 1;
            if last != Some((candidacy, key)) {
                day.contacted += 1;
                last = Some((candidacy, key));
            }
            Ok(())
        },
    )?;

    let mut latest: Option<(i64, bool, Vec<u8>)> = None;
    let count_signature = |days: &mut BTreeMap<[u8; 10], DayTally>,
                           latest: &Option<(i64, bool, Vec<u8>)>|
     -> Result<()> {
        if let Some((person, true, date)) = latest {
            if let Some(count) = facts.signed.get(person) {
                day_entry(days, date)?.1.signatures += count;
            }
        }
        Ok(())
    };
    s.for_each_row(
        "SELECT person, answer = 'signed', date FROM pledge_answer WHERE person IS NOT NULL \
         ORDER BY person, date, id",
        &[],
        |row| {
            let person: i64 = row.col(0)?;
            if latest.as_ref().is_some_and(|(p, _, _)| *p != person) {
                count_signature(&mut days, &latest)?;
            }
            latest = Some((person, row.col(1)?, row.text(2)?.as_bytes().to_vec()));
            Ok(())
        },
    )?;
    count_signature(&mut days, &latest)?;
    Ok(days.into_values().collect())
}

/// The tally of the day an instant or a day (`YYYY-MM-DD...`) falls on,
/// with its key.
fn day_entry<'a>(
    days: &'a mut BTreeMap<[u8; 10], DayTally>,
    at: &[u8],
) -> Result<([u8; 10], &'a mut DayTally)> {
    let key: [u8; 10] = at
        .get(..10)
        .and_then(|d| d.try_into().ok())
        .ok_or_else(|| corrupt("a day of activity", "an instant too short"))?;
    let tally = match days.entry(key) {
        Entry::Occupied(entry) => entry.into_mut(),
        Entry::Vacant(entry) => {
            let day = codec::parse_day(&String::from_utf8_lossy(&key), "a day of activity")?;
            entry.insert(DayTally {
                day,
                contact_actions: 0,
                contacted: 0,
                signatures: 0,
            })
        }
    };
    Ok((key, tally))
}

/// The participants' activity on a scope over all time, from one pass over
/// the contact actions.
fn activity_of_all_time(s: &Session<'_>, facts: &ScopeFacts) -> Result<Vec<ParticipantTally>> {
    struct Acc {
        actions: u64,
        first: String,
        last: String,
    }
    let mut people: BTreeMap<i64, Acc> = BTreeMap::new();
    let mut pairs: Vec<(i64, i64)> = Vec::new();
    // The whole table in its own order: a condition on `candidacy` would
    // read it through that column's index, one row lookup per action.
    s.for_each_row(
        "SELECT participant, candidacy, at FROM contact_action",
        &[],
        |row| {
            let Some(candidacy) = row.col::<Option<i64>>(1)? else {
                return Ok(());
            };
            if !facts.is_member(candidacy) {
                return Ok(());
            }
            let participant: i64 = row.col(0)?;
            let at = row.text(2)?;
            pairs.push((participant, candidacy));
            match people.get_mut(&participant) {
                Some(acc) => {
                    acc.actions += 1;
                    if at < acc.first.as_str() {
                        acc.first = at.to_string();
                    }
                    if at > acc.last.as_str() {
                        acc.last = at.to_string();
                    }
                }
                None => {
                    people.insert(
                        participant,
                        Acc {
                            actions: 1,
                            first: at.to_string(),
                            last: at.to_string(),
                        },
                    );
                }
            }
            Ok(())
        },
    )?;

    // Distinct candidacies per participant: sorted, then counted once.
    pairs.sort_unstable();
    pairs.dedup();
    let mut candidacies: HashMap<i64, u64> = HashMap::new();
    for (participant, _) in pairs {
        *candidacies.entry(participant).or_default() += 1;
    }
    people
        .into_iter()
        .map(|(participant, acc)| {
            Ok(ParticipantTally {
                participant: ParticipantId::new(participant),
                contact_actions: acc.actions,
                candidacies: candidacies.get(&participant).copied().unwrap_or(0),
                first_at: codec::parse_instant(&acc.first, "a participant's activity")?,
                last_at: codec::parse_instant(&acc.last, "a participant's activity")?,
            })
        })
        .collect()
}

/// See [`CampaignRead::activity`].
pub(crate) fn activity(s: &Session<'_>, scope: &Scope) -> Result<Vec<ParticipantTally>> {
    if of_all_time(scope) {
        let facts = s.scope_facts(scope, || scope_facts(s, scope))?;
        return activity_of_all_time(s, &facts);
    }
    let mut f = Filter::default();
    let mut with = With(Vec::new());
    scope_filter(scope, &mut f, &mut with);
    let in_period = period(scope, "a.at", &mut f);

    let text = format!(
        "{with}SELECT a.participant, count(*), count(DISTINCT a.candidacy), min(a.at), max(a.at) \
         FROM candidacy c JOIN contact_action a ON a.candidacy = c.id \
         WHERE {conditions}{in_period} GROUP BY a.participant ORDER BY a.participant",
        with = with.text(),
        conditions = f.conditions(),
    );
    s.fetch_filtered(&text, &f, |row| {
        Ok(ParticipantTally {
            participant: ParticipantId::new(row.col(0)?),
            contact_actions: number(row, 1)?,
            candidacies: number(row, 2)?,
            first_at: codec::parse_instant(row.text(3)?, "a participant's activity")?,
            last_at: codec::parse_instant(row.text(4)?, "a participant's activity")?,
        })
    })
}

/// See [`CampaignRead::queue`].
pub(crate) fn queue(s: &Session<'_>, query: &QueueQuery, limit: usize) -> Result<Vec<CandidacyId>> {
    let (text, f) = queue_query(query, limit);
    s.fetch_filtered(&text, &f, |row| Ok(CandidacyId::new(row.col(0)?)))
}

/// The query of a work queue's first `limit` candidacies.
fn queue_query(query: &QueueQuery, limit: usize) -> (String, Filter) {
    let scope = query.scope.clone().with_period(None, None);
    let mut f = Filter::default();
    let mut with = With(Vec::new());
    scope_filter(&scope, &mut f, &mut with);

    let now = f.bind(codec::instant(query.now));
    f.and(format!(
        "NOT EXISTS (SELECT 1 FROM reservation r WHERE r.candidacy = c.id \
         AND r.released_at IS NULL AND r.until > {now})"
    ));
    // The conditions read the state each candidacy row keeps, as the
    // queue's partial index states them, so that the queue is read in
    // order from its index.
    match scope.pledge {
        Some(pledge) => {
            let p = f.bind(pledge.get());
            f.and(format!(
                "NOT EXISTS (SELECT 1 FROM pledge_answer a WHERE a.person = c.person \
                 AND a.pledge = {p})"
            ));
        }
        None => f.and("c.answer IS NULL"),
    }
    match query.kind {
        QueueKind::ToCollect => f.and("c.usable_detail = 0"),
        QueueKind::ToContact => f.and("c.usable_detail = 1 AND c.actions = 0"),
        QueueKind::ToFollowUp => {
            let due = f.bind(codec::instant(query.now - query.follow_up_after));
            f.and(format!("c.actions > 0 AND c.last_contact <= {due}"));
        }
    }
    let limit = f.bind(i64::try_from(limit).unwrap_or(i64::MAX));
    let (head_of_list, head_of_section) = (
        Roles::EMPTY.with(Role::HeadOfList).bits(),
        Roles::EMPTY.with(Role::HeadOfSection).bits(),
    );

    let text = format!(
        "{with}SELECT c.id FROM candidacy c{clause} ORDER BY \
         (CASE WHEN c.roles & {head_of_list} THEN 0 WHEN c.roles & {head_of_section} THEN 1 \
         ELSE 2 END), coalesce(c.seat_order, 0), c.id LIMIT {limit}",
        with = with.text(),
        clause = f.clause(),
    );
    (text, f)
}

/// The conditions of a granted responsibility `r` active at `now`.
fn granted_at(now: DateTime<Utc>, f: &mut Filter) -> String {
    let p = f.bind(codec::instant(now));
    format!(
        "r.status = '{}' AND (r.expires_at IS NULL OR r.expires_at > {p})",
        ResponsibilityStatus::Granted.name()
    )
}

/// The ancestors of the constituencies in `(SELECT ... AS id ...)`, each
/// with itself, as `anc(id, depth)`.
fn ancestors(start: &str) -> String {
    format!(
        "anc (id, depth) AS (SELECT DISTINCT id, 1 FROM ({start}) UNION ALL \
         SELECT k.parent, a.depth + 1 FROM constituency k JOIN anc a ON k.id = a.id \
         WHERE k.parent IS NOT NULL AND a.depth < {MAX_DEPTH})"
    )
}

/// See [`CampaignRead::responsibilities_covering`].
pub(crate) fn covering(
    s: &Session<'_>,
    candidacy: CandidacyId,
    now: DateTime<Utc>,
) -> Result<Vec<Responsibility>> {
    let (list, constituency) = s
        .fetch_one(
            "SELECT list, constituency FROM candidacy WHERE id = ?1",
            [candidacy.get()],
            |row| Ok((row.col::<Option<i64>>(0)?, row.col::<i64>(1)?)),
        )?
        .ok_or_else(|| Error::not_found(RecordKind::Candidacy, candidacy))?;

    let mut f = Filter::default();
    let granted = granted_at(now, &mut f);
    let k = f.bind(constituency);
    let c = f.bind(candidacy.get());
    let l = f.bind(list);
    let text = format!(
        "WITH RECURSIVE {anc} SELECT {columns} FROM responsibility r WHERE {granted} \
         AND (r.candidacy = {c} OR r.list = {l} OR r.constituency IN (SELECT id FROM anc)) \
         ORDER BY r.id",
        anc = ancestors(&format!("SELECT {k} AS id")),
        columns = responsibility_columns!(),
    );
    s.fetch_filtered(&text, &f, codec::responsibility)
}

/// See [`CampaignRead::responsibilities_overlapping`].
pub(crate) fn overlapping(
    s: &Session<'_>,
    target: Target,
    now: DateTime<Utc>,
) -> Result<Vec<Responsibility>> {
    let mut f = Filter::default();
    let granted = granted_at(now, &mut f);
    let any = s
        .fetch_filtered(
            &format!("SELECT EXISTS (SELECT 1 FROM responsibility r WHERE {granted})"),
            &f,
            |row| row.col::<bool>(0),
        )?
        .contains(&true);
    if !any {
        return Ok(Vec::new());
    }
    if let Target::Candidacy(id) = target {
        s.candidacy(id)?;
    }

    let mut with = With(Vec::new());
    let (column, id) = match target {
        Target::Candidacy(id) => ("candidacy", id.get()),
        Target::List(id) => ("list", id.get()),
        Target::Constituency(id) => ("constituency", id.get()),
    };
    let t = f.bind(id);
    let covered = match target {
        Target::Candidacy(_) => format!("c.id = {t}"),
        Target::List(_) => {
            format!("c.section IN (SELECT s.id FROM section s WHERE s.list = {t}) AND c.list = {t}")
        }
        Target::Constituency(_) => {
            with.0.push(under(&t));
            "c.constituency IN (SELECT id FROM under)".into()
        }
    };
    with.0.push(format!(
        "cov AS (SELECT c.id, c.list, c.constituency FROM candidacy c WHERE {covered})"
    ));
    with.0.push(ancestors("SELECT constituency AS id FROM cov"));

    let text = format!(
        "{with}SELECT {columns} FROM responsibility r WHERE {granted} AND (r.{column} = {t} \
         OR r.candidacy IN (SELECT id FROM cov) OR r.list IN (SELECT list FROM cov) \
         OR r.constituency IN (SELECT id FROM anc)) ORDER BY r.id",
        with = with.text(),
        columns = responsibility_columns!(),
    );
    s.fetch_filtered(&text, &f, codec::responsibility)
}

#[cfg(test)]
mod tests {
    use rusqlite::{params_from_iter, Connection};

    use super::*;
    use crate::{configure, schema, Role as ConnectionRole};

    #[test]
    fn queues_are_read_in_order_from_their_indexes() {
        let conn = Connection::open_in_memory().expect("a database");
        configure(&conn, ConnectionRole::Writer).expect("settings");
        schema::migrate(&conn, "a test database").expect("the schema");
        let scope = Scope::default().with_election(ElectionId::new(1));

        for (kind, index) in [
            (QueueKind::ToCollect, "candidacy_to_collect"),
            (QueueKind::ToContact, "candidacy_to_contact"),
            (QueueKind::ToFollowUp, "candidacy_to_follow_up"),
        ] {
            let query = QueueQuery::new(kind, scope.clone(), Utc::now());
            let (text, f) = queue_query(&query, 1);
            let mut statement = conn
                .prepare(&format!("EXPLAIN QUERY PLAN {text}"))
                .expect("a query plan");
            let steps: Vec<String> = statement
                .query_map(params_from_iter(f.params.iter()), |row| row.get(3))
                .expect("the plan's steps")
                .collect::<rusqlite::Result<_>>()
                .expect("the plan");

            assert!(
                steps.iter().any(|step| step.contains(index)),
                "{kind} is not read from {index}: {steps:?}"
            );
            assert!(
                !steps.iter().any(|step| step.contains("TEMP B-TREE")),
                "{kind} is sorted instead of read in order: {steps:?}"
            );
        }
    }
}
