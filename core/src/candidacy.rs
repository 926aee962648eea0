//! Candidacies and the roles they hold.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::election::Nuance;
use crate::error::{Error, Result};
use crate::id::{CandidacyId, ConstituencyId, ElectionId, ListId, PersonId, SectionId};

/// A role a candidacy holds. A candidacy holds every role that applies: a
/// head of list is usually also the head of a section.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Role {
    /// The head of a list (*tête de liste*), as the file flags it.
    HeadOfList,
    /// The first candidate of a list section (*tête de section*). Implicit
    /// sections, in elections without sections, have no head of section.
    HeadOfSection,
    /// A list candidate who heads neither the list nor a section.
    Member,
    /// The candidate of a single-seat constituency (législatives).
    SingleSeat,
    /// One of the pair (*binôme*) of a canton (départementales).
    PairMember,
    /// A substitute (*remplaçant*) of a single-seat or pair candidate.
    Substitute,
}

impl Role {
    /// Every role, in the order reports list them.
    pub const ALL: &'static [Role] = &[
        Role::HeadOfList,
        Role::HeadOfSection,
        Role::Member,
        Role::SingleSeat,
        Role::PairMember,
        Role::Substitute,
    ];

    /// The role's name, as stored and serialised.
    pub const fn name(self) -> &'static str {
        match self {
            Role::HeadOfList => "head_of_list",
            Role::HeadOfSection => "head_of_section",
            Role::Member => "member",
            Role::SingleSeat => "single_seat",
            Role::PairMember => "pair_member",
            Role::Substitute => "substitute",
        }
    }

    /// Parses a name written by [`Role::name`].
    ///
    /// # Errors
    ///
    /// [`Error::InvalidInput`] for any other text.
    pub fn from_name(name: &str) -> Result<Role> {
        Role::ALL
            .iter()
            .copied()
            .find(|role| role.name() == name)
            .ok_or_else(|| {
                Error::invalid(format!(
                    "expected a role (head_of_list, head_of_section, member, single_seat, \
                     pair_member, substitute), found `{name}`"
                ))
            })
    }

    const fn bit(self) -> u8 {
        match self {
            Role::HeadOfList => 1,
            Role::HeadOfSection => 2,
            Role::Member => 4,
            Role::SingleSeat => 8,
            Role::PairMember => 16,
            Role::Substitute => 32,
        }
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A set of roles.
///
/// ```
/// use candidats_core::{Role, Roles};
///
/// let roles = Roles::EMPTY.with(Role::HeadOfList).with(Role::HeadOfSection);
/// assert!(roles.contains(Role::HeadOfSection));
/// assert!(!roles.contains(Role::Member));
/// assert_eq!(Roles::from_bits(roles.bits()), Some(roles));
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "Vec<Role>", into = "Vec<Role>")]
pub struct Roles(u8);

impl Roles {
    /// No role.
    pub const EMPTY: Roles = Roles(0);

    /// The set with one more role.
    pub const fn with(self, role: Role) -> Roles {
        Roles(self.0 | role.bit())
    }

    /// Whether the set holds `role`.
    pub const fn contains(self, role: Role) -> bool {
        self.0 & role.bit() != 0
    }

    /// Whether the set holds any role of `other`.
    pub const fn intersects(self, other: Roles) -> bool {
        self.0 & other.0 != 0
    }

    /// Whether the set is empty.
    pub const fn is_empty(self) -> bool {
        self.0 == 0
    }

    /// The set as bits, for storage.
    pub const fn bits(self) -> u8 {
        self.0
    }

    /// A set read back from storage; `None` for bits that name no role.
    pub const fn from_bits(bits: u8) -> Option<Roles> {
        if bits & !63 == 0 {
            Some(Roles(bits))
        } else {
            None
        }
    }

    /// The roles in the set, in [`Role::ALL`] order.
    pub fn iter(self) -> impl Iterator<Item = Role> {
        Role::ALL
            .iter()
            .copied()
            .filter(move |role| self.contains(*role))
    }

    /// The roles of a list candidacy.
    ///
    /// The head of list is taken from the file's explicit flag, never from
    /// the order: in the 2021 regional elections, a quarter of the heads of
    /// list were not first of their section. The head of a section is its
    /// first candidate, where the section is a real one.
    pub fn for_list_candidacy(head_of_list: bool, order: u32, implicit_section: bool) -> Roles {
        let mut roles = Roles::EMPTY;
        if head_of_list {
            roles = roles.with(Role::HeadOfList);
        }
        if order == 1 && !implicit_section {
            roles = roles.with(Role::HeadOfSection);
        }
        if roles.is_empty() {
            roles = roles.with(Role::Member);
        }
        roles
    }
}

impl FromIterator<Role> for Roles {
    fn from_iter<I: IntoIterator<Item = Role>>(iter: I) -> Roles {
        iter.into_iter().fold(Roles::EMPTY, Roles::with)
    }
}

impl TryFrom<Vec<Role>> for Roles {
    type Error = Error;

    fn try_from(roles: Vec<Role>) -> Result<Roles> {
        Ok(roles.into_iter().collect())
    }
}

impl From<Roles> for Vec<Role> {
    fn from(roles: Roles) -> Vec<Role> {
        roles.iter().collect()
    }
}

/// Where a candidacy sits.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
#[non_exhaustive]
pub enum Seat {
    /// On a list, in a section, at an order counted from 1 within the section.
    List {
        /// The list.
        list: ListId,
        /// The section.
        section: SectionId,
        /// The position within the section, from 1.
        order: u32,
    },
    /// The candidate of a single-seat constituency.
    Single,
    /// One of a pair (*binôme*): first or second as the file lists them;
    /// `partner` is the other one once both are known.
    Pair {
        /// 1 or 2.
        index: u8,
        /// The other member of the pair.
        partner: Option<CandidacyId>,
    },
    /// The substitute of another candidacy.
    Substitute {
        /// The candidacy replaced.
        of: CandidacyId,
    },
}

impl Seat {
    /// The list, for a list seat.
    pub const fn list(&self) -> Option<ListId> {
        match self {
            Seat::List { list, .. } => Some(*list),
            _ => None,
        }
    }

    /// The section, for a list seat.
    pub const fn section(&self) -> Option<SectionId> {
        match self {
            Seat::List { section, .. } => Some(*section),
            _ => None,
        }
    }

    /// The order within the section, for a list seat.
    pub const fn order(&self) -> Option<u32> {
        match self {
            Seat::List { order, .. } => Some(*order),
            _ => None,
        }
    }
}

/// One person's candidacy in one round of one election.
///
/// The candidacy is the public record the official file gives; what the
/// campaign learns (contact details, pledge answers) is attached to the
/// person. A candidacy that disappears from a corrected file is marked
/// `withdrawn`, never deleted, so that the work attached to it is kept.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Candidacy {
    /// The candidacy's identifier.
    pub id: CandidacyId,
    /// The person standing.
    pub person: PersonId,
    /// The election.
    pub election: ElectionId,
    /// The round: 1 or 2.
    pub round: u8,
    /// Where the candidacy stands: its section's constituency for a list,
    /// the circonscription or canton otherwise.
    pub constituency: ConstituencyId,
    /// The seat: list, single, pair or substitute.
    pub seat: Seat,
    /// Every role the candidacy holds.
    pub roles: Roles,
    /// The nuance: the list's for a list candidacy, the candidate's own
    /// otherwise.
    pub nuance: Option<Nuance>,
    /// The panel number of a single-seat or pair candidacy.
    pub panel: Option<u32>,
    /// The profession the candidate declared for this candidacy, when the
    /// file gives it.
    pub profession: Option<String>,
    /// Whether the candidate holds the seat now (*sortant*).
    pub outgoing: bool,
    /// Whether the candidate also stands for the inter-communal council
    /// (municipales, *CC*).
    pub community_council: bool,
    /// Whether the candidacy is withdrawn or no longer in the official file.
    pub withdrawn: bool,
}

impl Candidacy {
    /// The list, for a list candidacy.
    pub fn list(&self) -> Option<ListId> {
        self.seat.list()
    }

    /// The order within the section, for a list candidacy.
    pub fn order(&self) -> Option<u32> {
        self.seat.order()
    }

    /// Whether the candidacy is a substitute's.
    pub fn is_substitute(&self) -> bool {
        self.roles.contains(Role::Substitute)
    }

    /// The rank in the work queues: heads of list first, then heads of
    /// section, then everyone by order, then by identifier.
    pub fn queue_rank(&self) -> (u8, u32, i64) {
        let tier = if self.roles.contains(Role::HeadOfList) {
            0
        } else if self.roles.contains(Role::HeadOfSection) {
            1
        } else {
            2
        };
        (tier, self.order().unwrap_or(0), self.id.get())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn list_roles_follow_the_flag_and_the_section() {
        let head = Roles::for_list_candidacy(true, 3, false);
        let section_head = Roles::for_list_candidacy(false, 1, false);
        let municipal_first = Roles::for_list_candidacy(false, 1, true);

        assert!(head.contains(Role::HeadOfList) && !head.contains(Role::HeadOfSection));
        assert!(section_head.contains(Role::HeadOfSection));
        assert!(!section_head.contains(Role::Member));
        assert_eq!(municipal_first, Roles::EMPTY.with(Role::Member));
    }

    #[test]
    fn roles_round_trip_through_bits_and_json() {
        let roles = Roles::EMPTY.with(Role::Substitute).with(Role::PairMember);

        assert_eq!(Roles::from_bits(roles.bits()), Some(roles));
        assert_eq!(Roles::from_bits(64), None);
        let json = serde_json::to_string(&roles).unwrap_or_default();
        assert_eq!(json, r#"["pair_member","substitute"]"#);
        assert_eq!(serde_json::from_str::<Roles>(&json).ok(), Some(roles));
    }
}
