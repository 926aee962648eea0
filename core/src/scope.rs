//! Scopes: which candidacies, and which period, a report or a queue covers.

use chrono::{DateTime, NaiveDate, NaiveTime, Utc};
use serde::{Deserialize, Serialize};

use crate::candidacy::{Role, Roles};
use crate::id::{ConstituencyId, ElectionId, ListId, PledgeId};

/// Which candidacies, and which period, a report or a queue covers.
///
/// Every filter left empty matches everything. The candidacy filters
/// combine with *and*. By default substitutes and withdrawn candidacies are
/// left out: the campaign contacts the candidates themselves.
///
/// The period `[from, until)` limits the contact actions and the pledge
/// answers counted (an answer's day counts from midnight UTC); it does not
/// limit the candidacies. A contact marathon's period is one such window.
///
/// ```
/// use candidats_core::{ElectionId, Role, Scope};
///
/// let scope = Scope::default()
///     .with_election(ElectionId::new(1))
///     .with_round(1)
///     .with_role(Role::HeadOfSection);
/// assert_eq!(scope.round, Some(1));
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Scope {
    /// Only candidacies of this election.
    pub election: Option<ElectionId>,
    /// Only candidacies of this round.
    pub round: Option<u8>,
    /// Only candidacies standing in this constituency or below it.
    pub constituency: Option<ConstituencyId>,
    /// Only candidacies of this list.
    pub list: Option<ListId>,
    /// Only candidacies of this nuance code.
    pub nuance: Option<String>,
    /// Only candidacies holding at least one of these roles.
    pub roles: Option<Roles>,
    /// Count actions and answers from this instant on.
    pub from: Option<DateTime<Utc>>,
    /// Count actions and answers before this instant.
    pub until: Option<DateTime<Utc>>,
    /// Count answers to this pledge only (any pledge when empty).
    pub pledge: Option<PledgeId>,
    /// Also cover substitutes.
    pub include_substitutes: bool,
    /// Also cover withdrawn candidacies.
    pub include_withdrawn: bool,
}

impl Scope {
    /// The scope of a whole election.
    pub fn election(election: ElectionId) -> Scope {
        Scope::default().with_election(election)
    }

    /// The same scope, in one election.
    pub fn with_election(mut self, election: ElectionId) -> Scope {
        self.election = Some(election);
        self
    }

    /// The same scope, in one round.
    pub fn with_round(mut self, round: u8) -> Scope {
        self.round = Some(round);
        self
    }

    /// The same scope, in one constituency and below.
    pub fn with_constituency(mut self, constituency: ConstituencyId) -> Scope {
        self.constituency = Some(constituency);
        self
    }

    /// The same scope, on one list.
    pub fn with_list(mut self, list: ListId) -> Scope {
        self.list = Some(list);
        self
    }

    /// The same scope, for one nuance code.
    pub fn with_nuance(mut self, nuance: impl Into<String>) -> Scope {
        self.nuance = Some(nuance.into());
        self
    }

    /// The same scope, also requiring `role` (added to any roles already
    /// asked for: a candidacy with any of them matches).
    pub fn with_role(mut self, role: Role) -> Scope {
        self.roles = Some(self.roles.unwrap_or_default().with(role));
        if role == Role::Substitute {
            self.include_substitutes = true;
        }
        self
    }

    /// The same scope, counting actions and answers in `[from, until)`.
    pub fn with_period(
        mut self,
        from: Option<DateTime<Utc>>,
        until: Option<DateTime<Utc>>,
    ) -> Scope {
        self.from = from;
        self.until = until;
        self
    }

    /// The same scope, counting answers to one pledge.
    pub fn with_pledge(mut self, pledge: PledgeId) -> Scope {
        self.pledge = Some(pledge);
        self
    }

    /// Whether an instant falls in the period.
    pub fn in_period(&self, at: DateTime<Utc>) -> bool {
        self.from.is_none_or(|from| at >= from) && self.until.is_none_or(|until| at < until)
    }

    /// Whether a day falls in the period, the day counting from midnight UTC.
    pub fn day_in_period(&self, day: NaiveDate) -> bool {
        self.in_period(day_start(day))
    }

    /// Whether a day is before the end of the period.
    pub fn day_before_end(&self, day: NaiveDate) -> bool {
        self.until.is_none_or(|until| day_start(day) < until)
    }
}

/// Midnight UTC at the start of `day`.
pub fn day_start(day: NaiveDate) -> DateTime<Utc> {
    day.and_time(NaiveTime::MIN).and_utc()
}
