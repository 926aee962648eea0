//! The report and queue queries, answered in SQL.
//!
//! Each gives exactly the answer of its plain version in
//! `candidats_core::naive`, which the conformance suite checks. The
//! constituency tree is walked with recursive queries, up to 63 levels as
//! the plain version does.

use std::collections::BTreeMap;

use candidats_core::*;
use chrono::{DateTime, NaiveDate, Utc};
use postgres::Row;

use crate::rows;
use crate::session::Inner;
use crate::sql::Sql;

/// The deepest a constituency tree is walked: a chain holds a constituency
/// and at most 63 ancestors.
const DEPTH: i32 = 63;

/// The usable contact details, by the codes of their statuses.
const USABLE: &str = "('unverified', 'confirmed')";

/// The conditions selecting a scope's candidacies (`c`), ignoring its
/// period.
fn scope_filter(sql: &mut Sql, scope: &Scope) -> String {
    let mut conditions = vec!["TRUE".to_string()];
    if !scope.include_withdrawn {
        conditions.push("NOT c.withdrawn".into());
    }
    if !scope.include_substitutes {
        conditions.push(format!(
            "c.roles & {} = 0",
            Roles::EMPTY.with(Role::Substitute).bits()
        ));
    }
    if let Some(election) = scope.election {
        conditions.push(format!("c.election = {}", sql.bind(election.get())));
    }
    if let Some(round) = scope.round {
        conditions.push(format!("c.round = {}", sql.bind(i16::from(round))));
    }
    if let Some(list) = scope.list {
        conditions.push(format!("c.list = {}", sql.bind(list.get())));
    }
    if let Some(nuance) = &scope.nuance {
        if rows::storable("", nuance).is_ok() {
            conditions.push(format!("c.nuance_code = {}", sql.bind(nuance.clone())));
        } else {
            conditions.push("FALSE".into());
        }
    }
    if let Some(roles) = scope.roles {
        conditions.push(format!(
            "c.roles & {} <> 0",
            sql.bind(i16::from(roles.bits()))
        ));
    }
    if let Some(constituency) = scope.constituency {
        let top = sql.bind(constituency.get());
        conditions.push(format!(
            "c.constituency IN (WITH RECURSIVE below(id, depth) AS ( \
                 SELECT {top}::bigint, 0 \
                 UNION SELECT k.id, below.depth + 1 FROM constituencies k \
                 JOIN below ON k.parent = below.id WHERE below.depth < {DEPTH}) \
             SELECT id FROM below)"
        ));
    }
    conditions.join(" AND ")
}

/// `column` in the scope's period `[from, until)`.
fn in_period(sql: &mut Sql, scope: &Scope, column: &str) -> String {
    let mut conditions = vec!["TRUE".to_string()];
    if let Some(from) = scope.from {
        conditions.push(format!("{column} >= {}", sql.bind(from)));
    }
    if let Some(until) = scope.until {
        conditions.push(format!("{column} < {}", sql.bind(until)));
    }
    conditions.join(" AND ")
}

/// The start of a stored day, midnight UTC.
fn day_start(column: &str) -> String {
    format!("({column}::timestamp AT TIME ZONE 'UTC')")
}

/// The candidacies of a scope, by identifier.
pub(crate) fn candidacies(t: &mut Inner<'_>, scope: &Scope) -> Result<Vec<Candidacy>> {
    let mut sql = Sql::new(String::new());
    let filter = scope_filter(&mut sql, scope);
    sql.push(&format!(
        "SELECT {} FROM candidacies c WHERE {filter} ORDER BY c.id",
        prefixed(rows::CANDIDACY, "c")
    ));
    t.all(&sql.text, &sql.params(), rows::candidacy)
}

fn prefixed(columns: &str, alias: &str) -> String {
    columns
        .split(',')
        .map(|column| format!("{alias}.{}", column.trim()))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The CTEs every report query starts with: `scoped` (the scope's
/// candidacies with their group key `g`), `acts` (per candidacy, the actions
/// in the period and whether any came before its end) and `ans` (per
/// person, the latest answer dated before the end).
fn report_ctes(sql: &mut Sql, scope: &Scope, group: GroupBy) -> String {
    let filter = scope_filter(sql, scope);
    let (tree, key) = group_key(sql, scope, group);
    let period = in_period(sql, scope, "a.at");
    let before_end = match scope.until {
        Some(until) => format!("a.at < {}", sql.bind(until)),
        None => "TRUE".into(),
    };
    let mut answer_filter = vec!["TRUE".to_string()];
    if let Some(pledge) = scope.pledge {
        answer_filter.push(format!("p.pledge = {}", sql.bind(pledge.get())));
    }
    if let Some(until) = scope.until {
        answer_filter.push(format!("{} < {}", day_start("p.day"), sql.bind(until)));
    }
    let answer_filter = answer_filter.join(" AND ");
    format!(
        "WITH RECURSIVE {tree} \
         scoped AS (SELECT c.id, c.person, c.roles, {key} AS g FROM candidacies c WHERE {filter}), \
         acts AS (SELECT a.target_candidacy AS id, \
                  count(*) FILTER (WHERE {period}) AS n, bool_or({before_end}) AS before_end \
                  FROM contact_actions a JOIN scoped s ON s.id = a.target_candidacy \
                  GROUP BY a.target_candidacy), \
         ans AS (SELECT DISTINCT ON (p.subject_person) p.subject_person AS person, p.day, p.answer \
                 FROM pledge_answers p \
                 WHERE p.subject_person IN (SELECT person FROM scoped) AND {answer_filter} \
                 ORDER BY p.subject_person, p.day DESC, p.id DESC)"
    )
}

/// The recursive CTEs a group key needs (each followed by a comma), and
/// the key's expression over a candidacy `c`.
fn group_key(sql: &mut Sql, scope: &Scope, group: GroupBy) -> (String, String) {
    match group {
        GroupBy::Total => (String::new(), "0::bigint".into()),
        GroupBy::List => (String::new(), "c.list".into()),
        GroupBy::Nuance => (String::new(), "c.nuance_code".into()),
        GroupBy::Constituency => match scope.constituency {
            Some(top) => {
                let top = sql.bind(top.get());
                (
                    format!(
                        "branch(id, top, depth) AS ( \
                           SELECT k.id, k.id, 1 FROM constituencies k WHERE k.parent = {top} \
                           UNION SELECT k.id, b.top, b.depth + 1 FROM constituencies k \
                           JOIN branch b ON k.parent = b.id WHERE b.depth < {DEPTH}), "
                    ),
                    format!(
                        "CASE WHEN c.constituency = {top} THEN {top}::bigint ELSE \
                         (SELECT b.top FROM branch b WHERE b.id = c.constituency \
                          ORDER BY b.depth LIMIT 1) END"
                    ),
                )
            }
            None => (
                format!(
                    "up(start, id, depth) AS ( \
                       SELECT k.id, k.id, 0 FROM constituencies k \
                       UNION SELECT up.start, k.parent, up.depth + 1 FROM up \
                       JOIN constituencies k ON k.id = up.id \
                       WHERE k.parent IS NOT NULL AND up.depth < {DEPTH}), \
                     roots AS (SELECT DISTINCT ON (start) start, id FROM up \
                       ORDER BY start, depth DESC), "
                ),
                "(SELECT r.id FROM roots r WHERE r.start = c.constituency)".into(),
            ),
        },
    }
}

/// See [`CampaignRead::tally`].
pub(crate) fn tally(
    t: &mut Inner<'_>,
    scope: &Scope,
    group: GroupBy,
) -> Result<Vec<(GroupKey, Tally)>> {
    let mut sql = Sql::new(String::new());
    let ctes = report_ctes(&mut sql, scope, group);
    let window = day_window(&mut sql, scope, "ans.day");
    let mut roles = String::new();
    for role in Role::ALL {
        let bit = Roles::EMPTY.with(*role).bits();
        roles.push_str(&format!(
            ", count(*) FILTER (WHERE roles & {bit} <> 0), \
             count(*) FILTER (WHERE roles & {bit} <> 0 AND n > 0), \
             count(*) FILTER (WHERE roles & {bit} <> 0 AND signed)"
        ));
    }
    let head_of_section = Roles::EMPTY.with(Role::HeadOfSection).bits();
    sql.push(&format!(
        "{ctes}, \
         st AS (SELECT s.g, s.roles, coalesce(acts.n, 0) AS n, \
                coalesce(acts.before_end, false) AS before_end, \
                ans.person IS NOT NULL AS answered, \
                coalesce(ans.answer = 'signed' AND {window}, false) AS signed, \
                coalesce(ans.answer = 'declined' AND {window}, false) AS declined, \
                NOT EXISTS (SELECT 1 FROM contact_details d WHERE d.owner_person = s.person \
                            AND d.status IN {USABLE}) AS without_detail \
                FROM scoped s LEFT JOIN acts ON acts.id = s.id \
                LEFT JOIN ans ON ans.person = s.person) \
         SELECT g, count(*), count(*) FILTER (WHERE n > 0), coalesce(sum(n), 0)::bigint, \
                count(*) FILTER (WHERE signed), count(*) FILTER (WHERE declined), \
                count(*) FILTER (WHERE before_end AND NOT answered), \
                count(*) FILTER (WHERE without_detail), \
                count(*) FILTER (WHERE roles & {head_of_section} <> 0 AND NOT before_end) \
                {roles} \
         FROM st WHERE g IS NOT NULL GROUP BY g"
    ));

    let rows = t.rows("cannot compute a tally", &sql.text, &sql.params())?;
    let mut groups = BTreeMap::new();
    for row in &rows {
        let key = match group {
            GroupBy::Total => GroupKey::Total,
            GroupBy::List => GroupKey::List(ListId::new(get(row, 0)?)),
            GroupBy::Constituency => GroupKey::Constituency(ConstituencyId::new(get(row, 0)?)),
            GroupBy::Nuance => GroupKey::Nuance(get(row, 0)?),
        };
        groups.insert(key, tally_of(row)?);
    }
    if group == GroupBy::Total && groups.is_empty() {
        groups.insert(GroupKey::Total, Tally::default());
    }
    Ok(groups.into_iter().collect())
}

/// Whether a stored day falls in the scope's period.
fn day_window(sql: &mut Sql, scope: &Scope, column: &str) -> String {
    in_period(sql, scope, &day_start(column))
}

fn get<'a, T: postgres::types::FromSql<'a>>(row: &'a Row, index: usize) -> Result<T> {
    row.try_get(index)
        .map_err(|e| Error::backend("cannot read a query's result", e))
}

fn count(row: &Row, index: usize) -> Result<u64> {
    let value: i64 = get(row, index)?;
    u64::try_from(value).map_err(|e| Error::backend("cannot read a count", e))
}

fn tally_of(row: &Row) -> Result<Tally> {
    let mut tally = Tally {
        candidacies: count(row, 1)?,
        contacted: count(row, 2)?,
        contact_actions: count(row, 3)?,
        signatories: count(row, 4)?,
        declined: count(row, 5)?,
        to_follow_up: count(row, 6)?,
        without_contact_detail: count(row, 7)?,
        heads_of_section_to_contact: count(row, 8)?,
        roles: BTreeMap::new(),
    };
    for (index, role) in Role::ALL.iter().enumerate() {
        let at = 9 + 3 * index;
        let total = count(row, at)?;
        if total > 0 {
            tally.roles.insert(
                *role,
                RoleTally {
                    total,
                    contacted: count(row, at + 1)?,
                    signatories: count(row, at + 2)?,
                },
            );
        }
    }
    Ok(tally)
}

/// See [`CampaignRead::daily`].
pub(crate) fn daily(t: &mut Inner<'_>, scope: &Scope) -> Result<Vec<DayTally>> {
    let mut sql = Sql::new(String::new());
    let ctes = report_ctes(&mut sql, scope, GroupBy::Total);
    let period = in_period(&mut sql, scope, "a.at");
    let window = day_window(&mut sql, scope, "ans.day");
    sql.push(&format!(
        "{ctes}, \
         days AS (SELECT (a.at AT TIME ZONE 'UTC')::date AS day, count(*) AS n, \
                  count(DISTINCT a.target_candidacy) AS contacted \
                  FROM contact_actions a JOIN scoped s ON s.id = a.target_candidacy \
                  WHERE {period} GROUP BY 1), \
         signs AS (SELECT ans.day, count(*) AS n FROM scoped s \
                   JOIN ans ON ans.person = s.person \
                   WHERE ans.answer = 'signed' AND {window} GROUP BY 1) \
         SELECT coalesce(days.day, signs.day), coalesce(days.n, 0), \
                coalesce(days.contacted, 0), coalesce(signs.n, 0) \
         FROM days FULL JOIN signs ON days.day = signs.day ORDER BY 1"
    ));

    let rows = t.rows("cannot compute the daily figures", &sql.text, &sql.params())?;
    rows.iter()
        .map(|row| {
            Ok(DayTally {
                day: get::<NaiveDate>(row, 0)?,
                contact_actions: count(row, 1)?,
                contacted: count(row, 2)?,
                signatures: count(row, 3)?,
            })
        })
        .collect()
}

/// See [`CampaignRead::activity`].
pub(crate) fn activity(t: &mut Inner<'_>, scope: &Scope) -> Result<Vec<ParticipantTally>> {
    let mut sql = Sql::new(String::new());
    let filter = scope_filter(&mut sql, scope);
    let period = in_period(&mut sql, scope, "a.at");
    sql.push(&format!(
        "SELECT a.participant, count(*), count(DISTINCT a.target_candidacy), min(a.at), max(a.at) \
         FROM contact_actions a JOIN candidacies c ON c.id = a.target_candidacy \
         WHERE {filter} AND {period} GROUP BY a.participant ORDER BY a.participant"
    ));

    let rows = t.rows("cannot compute the activity", &sql.text, &sql.params())?;
    rows.iter()
        .map(|row| {
            Ok(ParticipantTally {
                participant: ParticipantId::new(get(row, 0)?),
                contact_actions: count(row, 1)?,
                candidacies: count(row, 2)?,
                first_at: get::<DateTime<Utc>>(row, 3)?,
                last_at: get::<DateTime<Utc>>(row, 4)?,
            })
        })
        .collect()
}

/// See [`CampaignRead::queue`]. In a write transaction, the candidacies
/// handed out are locked (`FOR NO KEY UPDATE`) and those another
/// transaction holds are skipped, so that concurrent takers never get the
/// same one.
pub(crate) fn queue(
    t: &mut Inner<'_>,
    query: &QueueQuery,
    limit: usize,
    lock: bool,
) -> Result<Vec<CandidacyId>> {
    let scope = query.scope.clone().with_period(None, None);
    let mut sql = Sql::new(String::new());
    let filter = scope_filter(&mut sql, &scope);
    let now = sql.bind(query.now);
    let pledge = match scope.pledge {
        Some(pledge) => format!(" AND p.pledge = {}", sql.bind(pledge.get())),
        None => String::new(),
    };
    let usable = format!(
        "EXISTS (SELECT 1 FROM contact_details d WHERE d.owner_person = c.person \
         AND d.status IN {USABLE})"
    );
    let wanted = match query.kind {
        QueueKind::ToCollect => format!("NOT {usable}"),
        QueueKind::ToContact => format!(
            "{usable} AND NOT EXISTS (SELECT 1 FROM contact_actions a \
             WHERE a.target_candidacy = c.id)"
        ),
        QueueKind::ToFollowUp => format!(
            "(SELECT max(a.at) FROM contact_actions a WHERE a.target_candidacy = c.id) <= {}",
            sql.bind(query.now - query.follow_up_after)
        ),
    };
    let limit = sql.bind(i64::try_from(limit).unwrap_or(i64::MAX));
    let head_of_list = Roles::EMPTY.with(Role::HeadOfList).bits();
    let head_of_section = Roles::EMPTY.with(Role::HeadOfSection).bits();
    let locking = if lock {
        " FOR NO KEY UPDATE OF c SKIP LOCKED"
    } else {
        ""
    };
    sql.push(&format!(
        "SELECT c.id FROM candidacies c WHERE {filter} \
         AND NOT EXISTS (SELECT 1 FROM reservations r WHERE r.candidacy = c.id \
                         AND r.released_at IS NULL AND r.until > {now}) \
         AND NOT EXISTS (SELECT 1 FROM pledge_answers p WHERE p.subject_person = c.person{pledge}) \
         AND {wanted} \
         ORDER BY CASE WHEN c.roles & {head_of_list} <> 0 THEN 0 \
                       WHEN c.roles & {head_of_section} <> 0 THEN 1 ELSE 2 END, \
                  coalesce(c.seat_order, 0), c.id \
         LIMIT {limit}{locking}"
    ));

    let rows = t.rows("cannot read a work queue", &sql.text, &sql.params())?;
    rows.iter()
        .map(|row| get(row, 0).map(CandidacyId::new))
        .collect()
}

/// The granted responsibilities active at `now`.
fn granted(sql: &mut Sql, now: DateTime<Utc>) -> String {
    format!(
        "r.status = 'granted' AND (r.expires_at IS NULL OR r.expires_at > {})",
        sql.bind(now)
    )
}

/// Whether any granted responsibility is active at `now`.
pub(crate) fn any_granted(t: &mut Inner<'_>, now: DateTime<Utc>) -> Result<bool> {
    let mut sql = Sql::new(String::new());
    let granted = granted(&mut sql, now);
    sql.push(&format!(
        "SELECT EXISTS (SELECT 1 FROM responsibilities r WHERE {granted})"
    ));
    let rows = t.rows("cannot read responsibilities", &sql.text, &sql.params())?;
    rows.first().map_or(Ok(false), |row| get(row, 0))
}

/// The ancestors (and the constituency itself) of the constituencies a
/// query `starts` with, as the CTE `up(id, depth)`.
fn ancestors(starts: &str) -> String {
    format!(
        "up(id, depth) AS ( \
           SELECT s.id, 0 FROM ({starts}) s \
           UNION SELECT k.parent, up.depth + 1 FROM up JOIN constituencies k ON k.id = up.id \
           WHERE k.parent IS NOT NULL AND up.depth < {DEPTH})"
    )
}

/// See [`CampaignRead::responsibilities_covering`]; the candidacy exists.
pub(crate) fn covering(
    t: &mut Inner<'_>,
    candidacy: CandidacyId,
    now: DateTime<Utc>,
) -> Result<Vec<Responsibility>> {
    let mut sql = Sql::new(String::new());
    let id = sql.bind(candidacy.get());
    let granted = granted(&mut sql, now);
    let up = ancestors(&format!(
        "SELECT constituency AS id FROM candidacies WHERE id = {id}"
    ));
    sql.push(&format!(
        "WITH RECURSIVE {up} \
         SELECT {} FROM responsibilities r WHERE {granted} AND ( \
           r.target_candidacy = {id} \
           OR r.target_list = (SELECT list FROM candidacies WHERE id = {id}) \
           OR r.target_constituency IN (SELECT id FROM up)) \
         ORDER BY r.id",
        prefixed(rows::RESPONSIBILITY, "r")
    ));
    t.all(&sql.text, &sql.params(), rows::responsibility)
}

/// See [`CampaignRead::responsibilities_overlapping`].
pub(crate) fn overlapping(
    t: &mut Inner<'_>,
    target: Target,
    now: DateTime<Utc>,
) -> Result<Vec<Responsibility>> {
    let mut sql = Sql::new(String::new());
    let granted = granted(&mut sql, now);
    let (covered, same) = match target {
        Target::Candidacy(id) => {
            let id = sql.bind(id.get());
            (format!("c.id = {id}"), format!("r.target_candidacy = {id}"))
        }
        Target::List(list) => {
            let list = sql.bind(list.get());
            (
                format!("c.list = {list}"),
                format!("r.target_list = {list}"),
            )
        }
        Target::Constituency(k) => {
            let scope = Scope {
                include_substitutes: true,
                include_withdrawn: true,
                ..Scope::default()
            }
            .with_constituency(k);
            let below = scope_filter(&mut sql, &scope);
            let k = sql.bind(k.get());
            (below, format!("r.target_constituency = {k}"))
        }
    };
    let up = ancestors("SELECT DISTINCT constituency AS id FROM covered");
    sql.push(&format!(
        "WITH RECURSIVE covered AS (SELECT c.id, c.list, c.constituency FROM candidacies c \
                                    WHERE {covered}), \
         {up} \
         SELECT {} FROM responsibilities r WHERE {granted} AND ( \
           {same} \
           OR r.target_candidacy IN (SELECT id FROM covered) \
           OR r.target_list IN (SELECT list FROM covered WHERE list IS NOT NULL) \
           OR r.target_constituency IN (SELECT id FROM up)) \
         ORDER BY r.id",
        prefixed(rows::RESPONSIBILITY, "r")
    ));
    t.all(&sql.text, &sql.params(), rows::responsibility)
}
