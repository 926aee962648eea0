//! The progress report (*bilan d'étape*) and the tallies it is built from.

use std::collections::BTreeMap;

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use crate::candidacy::Role;
use crate::id::{ConstituencyId, ListId, ParticipantId};
use crate::scope::Scope;

/// How a tally groups candidacies.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum GroupBy {
    /// One group: the whole scope.
    Total,
    /// By constituency one level below the scope's constituency (by
    /// top-level constituency when the scope has none).
    Constituency,
    /// By list; candidacies without a list are left out.
    List,
    /// By nuance code; candidacies without a nuance are left out.
    Nuance,
}

/// The group a tally counts.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(tag = "kind", content = "key", rename_all = "snake_case")]
pub enum GroupKey {
    /// The whole scope.
    Total,
    /// One constituency.
    Constituency(ConstituencyId),
    /// One list.
    List(ListId),
    /// One nuance code.
    Nuance(String),
}

/// Counts for one role.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RoleTally {
    /// Candidacies holding the role.
    pub total: u64,
    /// Of those, contacted in the period.
    pub contacted: u64,
    /// Of those, signatories in the period.
    pub signatories: u64,
}

/// Exact counts over a group of candidacies.
///
/// For each candidacy of the scope, over the scope's period `[from, until)`:
///
/// - *contacted*: at least one contact action on it in the period;
/// - *signatory*: its person's latest pledge answer dated before `until` is
///   a signature, dated in the period;
/// - *declined*: the same, for a refusal;
/// - *to follow up*: contacted at least once before `until`, and no answer
///   dated before `until`;
/// - *without contact detail*: its person has no usable contact detail
///   (bounced and obsolete ones do not count; the current state, whatever
///   the period);
/// - *to contact* (heads of section): no contact action at all before
///   `until`.
///
/// Contact actions on a whole list are not counted here: they reach the
/// list, not one of its candidacies.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Tally {
    /// Candidacies in the group.
    pub candidacies: u64,
    /// Candidacies contacted in the period.
    pub contacted: u64,
    /// Contact actions on the group's candidacies in the period.
    pub contact_actions: u64,
    /// Signatories.
    pub signatories: u64,
    /// Candidacies whose latest answer is a refusal.
    pub declined: u64,
    /// Contacted candidacies without an answer.
    pub to_follow_up: u64,
    /// Candidacies with no usable contact detail.
    pub without_contact_detail: u64,
    /// Heads of section never contacted.
    pub heads_of_section_to_contact: u64,
    /// Counts per role, for the roles present.
    pub roles: BTreeMap<Role, RoleTally>,
}

impl Tally {
    /// The counts of one role (zeros when nobody holds it).
    pub fn role(&self, role: Role) -> RoleTally {
        self.roles.get(&role).copied().unwrap_or_default()
    }

    /// Adds another tally's counts to this one.
    pub fn add(&mut self, other: &Tally) {
        self.candidacies += other.candidacies;
        self.contacted += other.contacted;
        self.contact_actions += other.contact_actions;
        self.signatories += other.signatories;
        self.declined += other.declined;
        self.to_follow_up += other.to_follow_up;
        self.without_contact_detail += other.without_contact_detail;
        self.heads_of_section_to_contact += other.heads_of_section_to_contact;
        for (role, counts) in &other.roles {
            let entry = self.roles.entry(*role).or_default();
            entry.total += counts.total;
            entry.contacted += counts.contacted;
            entry.signatories += counts.signatories;
        }
    }
}

/// One day of activity.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DayTally {
    /// The day (UTC).
    pub day: NaiveDate,
    /// Contact actions on the scope's candidacies that day.
    pub contact_actions: u64,
    /// Distinct candidacies contacted that day.
    pub contacted: u64,
    /// Signatures dated that day.
    pub signatures: u64,
}

/// One participant's activity over a scope.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ParticipantTally {
    /// The participant.
    pub participant: ParticipantId,
    /// Contact actions on the scope's candidacies in the period.
    pub contact_actions: u64,
    /// Distinct candidacies they contacted.
    pub candidacies: u64,
    /// Their first action in the period.
    pub first_at: DateTime<Utc>,
    /// Their last action in the period.
    pub last_at: DateTime<Utc>,
}

/// A share in percent of `part` over `whole`, 0 when `whole` is 0.
pub fn percent(part: u64, whole: u64) -> f64 {
    if whole == 0 {
        0.0
    } else {
        part as f64 * 100.0 / whole as f64
    }
}

/// The figures of one role, with their shares.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct RoleFigures {
    /// Candidacies holding the role.
    pub total: u64,
    /// Of those, contacted.
    pub contacted: u64,
    /// Of those, signatories.
    pub signatories: u64,
    /// `contacted` in percent of `total`.
    pub contacted_percent: f64,
    /// `signatories` in percent of `contacted`.
    pub signatories_percent_of_contacted: f64,
}

impl From<RoleTally> for RoleFigures {
    fn from(tally: RoleTally) -> RoleFigures {
        RoleFigures {
            total: tally.total,
            contacted: tally.contacted,
            signatories: tally.signatories,
            contacted_percent: percent(tally.contacted, tally.total),
            signatories_percent_of_contacted: percent(tally.signatories, tally.contacted),
        }
    }
}

/// One line of a breakdown: a constituency, a list or a nuance.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Breakdown {
    /// What the line counts.
    pub key: GroupKey,
    /// Its name: the constituency's or list's name, the nuance code.
    pub name: String,
    /// The constituency's, list's or nuance's code, when it has one.
    pub code: Option<String>,
    /// The counts.
    pub tally: Tally,
    /// `contacted` in percent of `candidacies`.
    pub contacted_percent: f64,
}

/// One participant's line of the report.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ParticipantFigures {
    /// The participant.
    pub participant: ParticipantId,
    /// Their name.
    pub name: String,
    /// Contact actions.
    pub contact_actions: u64,
    /// Distinct candidacies contacted.
    pub candidacies: u64,
    /// Contact actions per hour of the scope's period, when it has one
    /// (a contact marathon's window).
    pub contacts_per_hour: Option<f64>,
}

/// The progress report (*bilan d'étape*) of a scope.
///
/// Every figure is an exact count; shares are computed from them. The
/// definitions are those of [`Tally`].
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ProgressReport {
    /// What the report covers.
    pub scope: Scope,
    /// When it was computed.
    pub generated_at: DateTime<Utc>,
    /// Candidacies in the scope.
    pub candidacies: u64,
    /// Signatories.
    pub signatories: u64,
    /// Candidacies contacted.
    pub contacted: u64,
    /// `contacted` in percent of `candidacies`.
    pub contacted_percent: f64,
    /// Contact actions (a candidacy may be contacted several times).
    pub contact_actions: u64,
    /// Candidacies that declined.
    pub declined: u64,
    /// Heads of list.
    pub heads_of_list: RoleFigures,
    /// Heads of section.
    pub heads_of_section: RoleFigures,
    /// Members: list candidacies heading neither list nor section.
    pub members: RoleFigures,
    /// Every role present in the scope, by name.
    pub roles: BTreeMap<Role, RoleFigures>,
    /// Heads of section never contacted.
    pub heads_of_section_to_contact: u64,
    /// Contacted candidacies without an answer, to follow up: every one of
    /// them, however recent its last contact (the bilan's "contacted
    /// non-signatories to follow up"); the follow-up queue holds only those
    /// whose last contact is older than its delay.
    pub to_follow_up: u64,
    /// Candidacies with no usable contact detail: the collectors' queue.
    pub without_contact_detail: u64,
    /// By constituency, one level below the scope.
    pub by_constituency: Vec<Breakdown>,
    /// By list.
    pub by_list: Vec<Breakdown>,
    /// By nuance.
    pub by_nuance: Vec<Breakdown>,
    /// Contacts and signatures per day.
    pub daily: Vec<DayTally>,
    /// Activity per participant.
    pub participants: Vec<ParticipantFigures>,
}

impl ProgressReport {
    /// Builds the headline figures from the scope's total tally; the
    /// breakdowns, series and participants start empty.
    pub fn from_total(scope: Scope, generated_at: DateTime<Utc>, total: &Tally) -> ProgressReport {
        ProgressReport {
            scope,
            generated_at,
            candidacies: total.candidacies,
            signatories: total.signatories,
            contacted: total.contacted,
            contacted_percent: percent(total.contacted, total.candidacies),
            contact_actions: total.contact_actions,
            declined: total.declined,
            heads_of_list: total.role(Role::HeadOfList).into(),
            heads_of_section: total.role(Role::HeadOfSection).into(),
            members: total.role(Role::Member).into(),
            roles: total
                .roles
                .iter()
                .map(|(role, tally)| (*role, (*tally).into()))
                .collect(),
            heads_of_section_to_contact: total.heads_of_section_to_contact,
            to_follow_up: total.to_follow_up,
            without_contact_detail: total.without_contact_detail,
            by_constituency: Vec::new(),
            by_list: Vec::new(),
            by_nuance: Vec::new(),
            daily: Vec::new(),
            participants: Vec::new(),
        }
    }
}
