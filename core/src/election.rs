//! Elections, their constituencies, candidate lists and list sections.

use std::fmt;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::id::{ConstituencyId, ElectionId, ListId, SectionId};
use crate::text::Name;

/// The kind of an election, which decides its shape (lists, single seats,
/// pairs) and the roles its candidates hold.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum ElectionKind {
    /// Régionales: regional lists, with one section per département.
    Regionales,
    /// Municipales: one list per commune (or sector).
    Municipales,
    /// Législatives: one candidate and a substitute per circonscription.
    Legislatives,
    /// Départementales: a pair (binôme) of candidates per canton, each with a
    /// substitute.
    Departementales,
    /// Européennes: national lists.
    Europeennes,
    /// Any other election.
    Other,
}

impl ElectionKind {
    /// Every kind.
    pub const ALL: &'static [ElectionKind] = &[
        ElectionKind::Regionales,
        ElectionKind::Municipales,
        ElectionKind::Legislatives,
        ElectionKind::Departementales,
        ElectionKind::Europeennes,
        ElectionKind::Other,
    ];

    /// The kind's name, as stored: `regionales`, `municipales`...
    pub const fn name(self) -> &'static str {
        match self {
            ElectionKind::Regionales => "regionales",
            ElectionKind::Municipales => "municipales",
            ElectionKind::Legislatives => "legislatives",
            ElectionKind::Departementales => "departementales",
            ElectionKind::Europeennes => "europeennes",
            ElectionKind::Other => "other",
        }
    }

    /// Parses a name written by [`ElectionKind::name`].
    ///
    /// # Errors
    ///
    /// [`Error::InvalidInput`] for any other text.
    pub fn from_name(name: &str) -> Result<ElectionKind> {
        ElectionKind::ALL
            .iter()
            .copied()
            .find(|kind| kind.name() == name)
            .ok_or_else(|| {
                Error::invalid(format!(
                    "expected an election kind (regionales, municipales, legislatives, \
                     departementales, europeennes, other), found `{name}`"
                ))
            })
    }
}

impl fmt::Display for ElectionKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// One round of an election.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Round {
    /// 1 or 2.
    pub number: u8,
    /// The day of the vote, when known.
    pub date: Option<NaiveDate>,
}

/// An election: its kind, its name and its one or two rounds.
///
/// ```
/// use candidats_core::{Election, ElectionId, ElectionKind, Round};
/// use chrono::NaiveDate;
///
/// let first = Round { number: 1, date: NaiveDate::from_ymd_opt(2021, 6, 20) };
/// let second = Round { number: 2, date: NaiveDate::from_ymd_opt(2021, 6, 27) };
/// let election = Election::new(
///     ElectionId::new(1),
///     ElectionKind::Regionales,
///     "Régionales 2021",
///     vec![first, second],
/// )?;
/// assert_eq!(election.rounds().len(), 2);
/// # Ok::<(), candidats_core::Error>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "ElectionParts", into = "ElectionParts")]
pub struct Election {
    id: ElectionId,
    kind: ElectionKind,
    name: Name,
    rounds: Vec<Round>,
}

#[derive(Serialize, Deserialize)]
struct ElectionParts {
    id: ElectionId,
    kind: ElectionKind,
    name: Name,
    rounds: Vec<Round>,
}

impl TryFrom<ElectionParts> for Election {
    type Error = Error;

    fn try_from(parts: ElectionParts) -> Result<Election> {
        Election::new(parts.id, parts.kind, parts.name.as_str(), parts.rounds)
    }
}

impl From<Election> for ElectionParts {
    fn from(election: Election) -> ElectionParts {
        ElectionParts {
            id: election.id,
            kind: election.kind,
            name: election.name,
            rounds: election.rounds,
        }
    }
}

impl Election {
    /// Checks and builds an election.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidInput`] when the name is not a valid [`Name`], when
    /// there are not one or two rounds numbered 1 then 2, or when the second
    /// round's date is not after the first's.
    pub fn new(
        id: ElectionId,
        kind: ElectionKind,
        name: &str,
        rounds: Vec<Round>,
    ) -> Result<Election> {
        let name = Name::new(name)?;
        if rounds.is_empty() || rounds.len() > 2 {
            return Err(Error::invalid(format!(
                "expected one or two rounds, found {}",
                rounds.len()
            )));
        }
        for (index, round) in rounds.iter().enumerate() {
            if usize::from(round.number) != index + 1 {
                return Err(Error::invalid(format!(
                    "expected rounds numbered 1 then 2, found round {} in position {}",
                    round.number,
                    index + 1
                )));
            }
        }
        if let [first, second] = rounds.as_slice() {
            if let (Some(a), Some(b)) = (first.date, second.date) {
                if b <= a {
                    return Err(Error::invalid(format!(
                        "expected the second round after the first, found {b} after {a}"
                    )));
                }
            }
        }
        Ok(Election {
            id,
            kind,
            name,
            rounds,
        })
    }

    /// The election's identifier.
    pub fn id(&self) -> ElectionId {
        self.id
    }

    /// The election's kind.
    pub fn kind(&self) -> ElectionKind {
        self.kind
    }

    /// The election's name, unique within a store.
    pub fn name(&self) -> &str {
        self.name.as_str()
    }

    /// The rounds, first then second.
    pub fn rounds(&self) -> &[Round] {
        &self.rounds
    }

    /// Whether the election has a round with this number.
    pub fn has_round(&self, number: u8) -> bool {
        self.rounds.iter().any(|round| round.number == number)
    }

    /// The same election with a second round added, or the date of an
    /// existing round set.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidInput`] when `round` is not 1 or 2, or when the dates
    /// would be out of order.
    pub fn with_round(&self, round: Round) -> Result<Election> {
        let mut rounds = self.rounds.clone();
        match round.number {
            1 | 2 if usize::from(round.number) <= rounds.len() => {
                let existing = &mut rounds[usize::from(round.number) - 1];
                if round.date.is_some() {
                    existing.date = round.date;
                }
            }
            2 => rounds.push(round),
            other => {
                return Err(Error::invalid(format!(
                    "expected round 1 or 2, found round {other}"
                )))
            }
        }
        Election::new(self.id, self.kind, self.name.as_str(), rounds)
    }
}

/// The kind of a constituency.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum ConstituencyKind {
    /// The whole country (européennes).
    Country,
    /// A region.
    Region,
    /// A département, or a grouping used as a list section.
    Departement,
    /// A circonscription of the législatives.
    Circonscription,
    /// A canton of the départementales.
    Canton,
    /// A commune.
    Commune,
    /// A sector of Paris, Lyon or Marseille.
    Sector,
    /// Anything else.
    Other,
}

impl ConstituencyKind {
    /// Every kind.
    pub const ALL: &'static [ConstituencyKind] = &[
        ConstituencyKind::Country,
        ConstituencyKind::Region,
        ConstituencyKind::Departement,
        ConstituencyKind::Circonscription,
        ConstituencyKind::Canton,
        ConstituencyKind::Commune,
        ConstituencyKind::Sector,
        ConstituencyKind::Other,
    ];

    /// The kind's name, as stored.
    pub const fn name(self) -> &'static str {
        match self {
            ConstituencyKind::Country => "country",
            ConstituencyKind::Region => "region",
            ConstituencyKind::Departement => "departement",
            ConstituencyKind::Circonscription => "circonscription",
            ConstituencyKind::Canton => "canton",
            ConstituencyKind::Commune => "commune",
            ConstituencyKind::Sector => "sector",
            ConstituencyKind::Other => "other",
        }
    }

    /// Parses a name written by [`ConstituencyKind::name`].
    ///
    /// # Errors
    ///
    /// [`Error::InvalidInput`] for any other text.
    pub fn from_name(name: &str) -> Result<ConstituencyKind> {
        ConstituencyKind::ALL
            .iter()
            .copied()
            .find(|kind| kind.name() == name)
            .ok_or_else(|| Error::invalid(format!("expected a constituency kind, found `{name}`")))
    }
}

impl fmt::Display for ConstituencyKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A constituency: where candidates stand, or a part of it.
///
/// Constituencies form a tree per election: a region and its départements
/// (the sections of regional lists), a département and its circonscriptions,
/// cantons or communes. The `code` is the official one, normalised by the
/// importer (`01` for Ain, `2A` for Corse-du-Sud, `101` for the first
/// circonscription of Ain); it is unique among constituencies of the same
/// kind in one election. A region with a single section has a section code
/// that may be empty.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Constituency {
    /// The constituency's identifier.
    pub id: ConstituencyId,
    /// The election it belongs to.
    pub election: ElectionId,
    /// The enclosing constituency, if any.
    pub parent: Option<ConstituencyId>,
    /// What kind of area it is.
    pub kind: ConstituencyKind,
    /// The official code, possibly empty.
    pub code: String,
    /// The official name.
    pub name: Name,
}

/// A political nuance: the Ministry's classification of a list or candidate
/// (`LUG` for *liste d'union de la gauche*, `RN`...). The *code* is what the
/// files give; the *label* is its long form when known.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Nuance {
    /// The code, such as `LUG`.
    pub code: String,
    /// The long form, such as "Union de la gauche".
    pub label: Option<String>,
}

/// A candidate list in one round of an election.
///
/// The *panel* (*numéro de panneau*) is the number of the list's poster board,
/// which orders the lists of a constituency on polling day.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CandidateList {
    /// The list's identifier.
    pub id: ListId,
    /// The election.
    pub election: ElectionId,
    /// The round: 1 or 2.
    pub round: u8,
    /// Where the list stands: a region, a commune, the country.
    pub constituency: ConstituencyId,
    /// The panel number, when the file gives one.
    pub panel: Option<u32>,
    /// The short label (*libellé abrégé*).
    pub short_label: Option<String>,
    /// The full label (*libellé de la liste*).
    pub label: Name,
    /// The list's nuance.
    pub nuance: Option<Nuance>,
}

/// A section of a candidate list.
///
/// Regional lists have one section per département (the *section
/// départementale*), each with its own order of candidates. Where an election
/// has no sections, every list has one *implicit* section, so that every list
/// candidacy sits in a section.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Section {
    /// The section's identifier.
    pub id: SectionId,
    /// The list it belongs to.
    pub list: ListId,
    /// The constituency it covers: a département for a regional list, the
    /// list's own constituency for an implicit section.
    pub constituency: ConstituencyId,
    /// The section's code, possibly empty (a region with a single section).
    pub code: String,
    /// Whether this is the one section of a list without sections.
    pub implicit: bool,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn round(number: u8, day: u32) -> Round {
        Round {
            number,
            date: NaiveDate::from_ymd_opt(2024, 6, day),
        }
    }

    #[test]
    fn rounds_must_be_one_or_two_in_order() {
        let id = ElectionId::new(1);
        let kind = ElectionKind::Legislatives;

        assert!(Election::new(id, kind, "L", vec![]).is_err());
        assert!(Election::new(id, kind, "L", vec![round(2, 30)]).is_err());
        assert!(Election::new(id, kind, "L", vec![round(1, 30), round(2, 20)]).is_err());
        assert!(Election::new(id, kind, "L", vec![round(1, 1), round(2, 2), round(2, 3)]).is_err());
        assert!(Election::new(id, kind, "L", vec![round(1, 30), round(2, 7)]).is_err());
        let ok = Election::new(id, kind, "L", vec![round(1, 1), round(2, 8)]);
        assert_eq!(ok.map(|e| e.rounds().len()).ok(), Some(2));
    }

    #[test]
    fn with_round_adds_the_second_round() {
        let election = Election::new(
            ElectionId::new(1),
            ElectionKind::Legislatives,
            "L",
            vec![round(1, 1)],
        )
        .and_then(|e| e.with_round(round(2, 8)));

        assert!(election.map(|e| e.has_round(2)).unwrap_or(false));
    }

    #[test]
    fn deserialising_checks_the_rounds() {
        let json = r#"{"id":1,"kind":"regionales","name":"R","rounds":[]}"#;

        assert!(serde_json::from_str::<Election>(json).is_err());
    }
}
