//! Importing official candidate lists into a store.
//!
//! A file reader (the `candidats-import` crate reads the Ministry's layouts)
//! turns each line into an [`ImportRow`]: the constituency, the seat and the
//! candidate, in plain values. [`Campaign::import`] merges the rows into the
//! store in one transaction:
//!
//! - constituencies, lists and sections are found by their official codes,
//!   panel numbers and labels, or created;
//! - a candidacy is found by its seat (its section and order, or its
//!   constituency and panel number) and updated in place, so that what is
//!   attached to it (actions, responsibilities) is kept; importing the same
//!   file twice changes nothing;
//! - a person already known is reused by the [`PersonMatch`] rule; several
//!   matches are reported as ambiguous, and a new person is created; in a
//!   second round, a candidate who stood in the first round in the same
//!   constituency under the same name (with or without accents), or with
//!   the same date of birth and one of the same names, is that person: the
//!   Ministry corrects names and dates between the rounds; a first-round
//!   file imported again after the second round's leaves those corrections
//!   (and who stands at each seat) as the second round gave them;
//! - a candidacy of the same round and constituencies that is no longer in
//!   the file is marked withdrawn, never deleted.
//!
//! The import keeps a few bytes per candidacy in memory (which candidacies
//! the file holds), whatever the file's size.

use std::collections::hash_map::DefaultHasher;
use std::collections::{HashMap, HashSet};
use std::hash::{Hash, Hasher};

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::audit::AuditAction;
use crate::campaign::{audit, Campaign};
use crate::candidacy::{Candidacy, Role, Roles, Seat};
use crate::election::{
    CandidateList, Constituency, ConstituencyKind, Election, ElectionKind, Nuance, Round, Section,
};
use crate::error::{Error, Location, Result};
use crate::id::*;
use crate::person::{Person, Sex};
use crate::scope::Scope;
use crate::store::{CampaignWrite, ListKey, LockKey, SeatKey, Store, StoreExt};
use crate::text::Name;

/// A constituency as a file gives it.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct AreaSpec {
    /// Its kind.
    pub kind: ConstituencyKind,
    /// Its official code, normalised (may be empty).
    pub code: String,
    /// Its official name.
    pub name: String,
}

/// A candidate as a file gives them.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CandidateSpec {
    /// The surname on the ballot.
    pub surname: String,
    /// The first name on the ballot.
    pub first_name: Option<String>,
    /// The sex.
    pub sex: Option<Sex>,
    /// The date of birth.
    pub birth_date: Option<NaiveDate>,
    /// The profession declared for this candidacy.
    pub profession: Option<String>,
    /// The nationality.
    pub nationality: Option<String>,
    /// Whether they hold the seat now.
    pub outgoing: bool,
}

/// A seat as a file gives it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
#[non_exhaustive]
pub enum SeatSpec {
    /// A list seat.
    List {
        /// The list's panel number.
        panel: Option<u32>,
        /// The list's short label.
        short_label: Option<String>,
        /// The list's full label.
        label: String,
        /// The list's nuance.
        nuance: Option<Nuance>,
        /// The section, for lists with sections; `None` for an implicit one.
        /// A section with an empty code is the only section of a list and
        /// covers the list's whole constituency (a region with a single
        /// département).
        section: Option<AreaSpec>,
        /// The order within the section, from 1.
        order: u32,
        /// The file's head-of-list flag, when it has one. Without a flag, a
        /// list without sections is headed by its first candidate; a list
        /// with sections must have the flag.
        head_of_list: Option<bool>,
        /// The inter-communal council flag.
        community_council: bool,
    },
    /// A single seat, with its substitute.
    Single {
        /// The panel number.
        panel: u32,
        /// The candidate's nuance.
        nuance: Option<Nuance>,
        /// The substitute.
        substitute: Option<CandidateSpec>,
    },
    /// A member of a pair, with their substitute.
    Pair {
        /// The pair's panel number.
        panel: u32,
        /// 1 or 2.
        index: u8,
        /// The pair's nuance.
        nuance: Option<Nuance>,
        /// The substitute.
        substitute: Option<CandidateSpec>,
    },
}

/// One line of an official file, read into plain values.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportRow {
    /// Where the line is.
    pub location: Location,
    /// The constituency where the list or seat stands, from the top down:
    /// `[region]` for a regional list, `[département, circonscription]` for
    /// the législatives, `[département, commune]` for the municipales.
    pub area: Vec<AreaSpec>,
    /// The candidate.
    pub candidate: CandidateSpec,
    /// The seat.
    pub seat: SeatSpec,
    /// The line's raw fields, for a rejects file.
    pub raw: Vec<String>,
}

/// A line a file reader could not read.
#[derive(Debug)]
pub struct RowError {
    /// What is wrong, and where.
    pub error: Error,
    /// The line's raw fields.
    pub raw: Vec<String>,
    /// Whether the import may skip the line and go on (a bad value), or must
    /// stop (an unreadable file).
    pub recoverable: bool,
}

impl RowError {
    /// An error that stops the import.
    pub fn fatal(error: Error) -> RowError {
        RowError {
            error,
            raw: Vec::new(),
            recoverable: false,
        }
    }
}

/// How a candidate is recognised as a person already in the store.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PersonMatch {
    /// Same surname, first name and date of birth. Candidates without a
    /// date of birth are never matched.
    #[default]
    NameAndBirthDate,
    /// Same surname and first name. Homonyms are reported as ambiguous.
    Name,
    /// Never: every new candidacy gets a new person.
    Never,
}

/// What an import is about, and how it behaves.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportOptions {
    /// The election's name; it is created when unknown.
    pub election: String,
    /// The election's kind.
    pub kind: ElectionKind,
    /// The round the file is for: 1 or 2.
    pub round: u8,
    /// The day of that round, when known.
    pub round_date: Option<NaiveDate>,
    /// How persons are recognised.
    pub person_match: PersonMatch,
    /// Skip bad lines (reporting each) instead of refusing the whole file.
    pub skip_invalid: bool,
    /// The source, for the audit history: the file's name.
    pub source: String,
}

impl ImportOptions {
    /// Options for round 1 of an election, matching persons by name and
    /// date of birth, all or nothing.
    pub fn new(election: impl Into<String>, kind: ElectionKind) -> ImportOptions {
        ImportOptions {
            election: election.into(),
            kind,
            round: 1,
            round_date: None,
            person_match: PersonMatch::default(),
            skip_invalid: false,
            source: String::new(),
        }
    }
}

/// A person matched to several known persons.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Ambiguity {
    /// Where the candidate is in the file.
    pub location: Location,
    /// The persons that matched.
    pub candidates: Vec<PersonId>,
    /// The new person created instead.
    pub created: PersonId,
}

/// What an import did.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportSummary {
    /// The election.
    pub election: Option<ElectionId>,
    /// The round.
    pub round: u8,
    /// Lines read.
    pub rows: u64,
    /// Candidacies in the file, substitutes not counted.
    pub candidacies: u64,
    /// Distinct persons in the file, substitutes included.
    pub persons: u64,
    /// Distinct lists in the file.
    pub lists: u64,
    /// Distinct list sections in the file, implicit ones not counted.
    pub sections: u64,
    /// Distinct constituencies where lists or seats stand.
    pub constituencies: u64,
    /// Heads of list in the file.
    pub heads_of_list: u64,
    /// Heads of section in the file.
    pub heads_of_section: u64,
    /// Substitutes in the file.
    pub substitutes: u64,
    /// Lines rejected (with `skip_invalid`).
    pub rejected: u64,
    /// Candidacies created, substitutes included.
    pub created: u64,
    /// Candidacies changed in place.
    pub updated: u64,
    /// Candidacies already as the file gives them.
    pub unchanged: u64,
    /// Candidacies no longer in the file, marked withdrawn.
    pub withdrawn: u64,
    /// Persons created.
    pub persons_created: u64,
    /// Persons found already in the store.
    pub persons_reused: u64,
    /// Candidates matched to several known persons.
    pub ambiguous: Vec<Ambiguity>,
}

impl ImportSummary {
    /// Whether the import changed nothing in the store.
    pub fn is_unchanged(&self) -> bool {
        self.created == 0 && self.updated == 0 && self.withdrawn == 0 && self.persons_created == 0
    }
}

/// Receives each line skipped by an import with `skip_invalid`: the error
/// (with its location) and the line's raw fields.
pub type RejectSink<'a> = dyn FnMut(&Error, &[String]) -> Result<()> + 'a;

/// Above this many lists to look at, [`Importer::withdraw_missing`] reads
/// the candidacies by constituency instead of one list at a time.
const LISTS_READ_ONE_BY_ONE: usize = 64;

/// A set of identifiers, one bit each.
#[derive(Default)]
struct IdSet(Vec<u64>);

impl IdSet {
    fn insert(&mut self, id: i64) -> bool {
        let Ok(index) = usize::try_from(id) else {
            return false;
        };
        let (word, bit) = (index / 64, index % 64);
        if self.0.len() <= word {
            self.0.resize(word + 1, 0);
        }
        let fresh = self.0[word] & (1 << bit) == 0;
        self.0[word] |= 1 << bit;
        fresh
    }

    fn contains(&self, id: i64) -> bool {
        let Ok(index) = usize::try_from(id) else {
            return false;
        };
        self.0
            .get(index / 64)
            .is_some_and(|word| word & (1 << (index % 64)) != 0)
    }
}

#[derive(Default)]
struct ListState {
    heads: u32,
    first_line: Location,
    flagged: bool,
    implicit: bool,
    /// Whether this import created the list: it then holds no candidacy
    /// but the file's, and none of its candidacies can be withdrawn.
    created: bool,
}

/// An area of a row as the file gives it: kind, code, name.
type AreaKey = (ConstituencyKind, String, String);

/// A section met in the file.
#[derive(Clone, Copy)]
struct SectionState {
    id: SectionId,
    implicit: bool,
    /// The area it covers, where its candidacies stand.
    constituency: ConstituencyId,
}

/// The import's state while it runs.
struct Importer<'o> {
    options: &'o ImportOptions,
    now: chrono::DateTime<chrono::Utc>,
    election: ElectionId,
    summary: ImportSummary,
    areas: HashMap<(Option<ConstituencyId>, ConstituencyKind, String), ConstituencyId>,
    lists: HashMap<ListKey, ListId>,
    list_states: HashMap<ListId, ListState>,
    sections: HashMap<(ListId, String), SectionState>,
    /// The orders taken in each section this import created: no candidacy
    /// stood there before, so their seats need no lookup.
    created_sections: HashMap<SectionId, IdSet>,
    /// Whether the election and round held no list before this import:
    /// then lists and constituencies are created without lookups.
    fresh_round: bool,
    /// Whether this import created the election.
    fresh_election: bool,
    seen_candidacies: IdSet,
    seen_persons: IdSet,
    identities: HashSet<u64>,
    seat_areas: HashSet<ConstituencyId>,
    /// Where the file's lists stand, each with the top of its chain.
    list_areas: HashMap<ConstituencyId, ConstituencyId>,
    /// The last row's chain of areas and its first and last
    /// constituencies.
    last_chain: Option<(Vec<AreaKey>, (ConstituencyId, ConstituencyId))>,
    first_round: Option<(ConstituencyId, Vec<(String, Person)>)>,
}

impl<S: Store> Campaign<S> {
    /// Imports the rows of an official file in one transaction.
    ///
    /// Without `skip_invalid`, the first bad line stops the import and
    /// nothing is kept. With it, each bad line is passed to `reject` and
    /// skipped; the rest is kept.
    ///
    /// ```
    /// use candidats_core::*;
    ///
    /// let campaign = Campaign::new(MemoryStore::new());
    /// let row = ImportRow {
    ///     location: Location::file("legislatives.csv").line(2),
    ///     area: vec![
    ///         AreaSpec { kind: ConstituencyKind::Departement, code: "01".into(), name: "Ain".into() },
    ///         AreaSpec { kind: ConstituencyKind::Circonscription, code: "0101".into(), name: "1ère circonscription".into() },
    ///     ],
    ///     candidate: CandidateSpec {
    ///         surname: "MAÎTRE".into(),
    ///         first_name: Some("Christophe".into()),
    ///         sex: Some(Sex::Male),
    ///         birth_date: None,
    ///         profession: None,
    ///         nationality: None,
    ///         outgoing: false,
    ///     },
    ///     seat: SeatSpec::Single { panel: 2, nuance: None, substitute: None },
    ///     raw: Vec::new(),
    /// };
    /// let options = ImportOptions::new("Législatives 2024", ElectionKind::Legislatives);
    ///
    /// let summary = campaign.import(&mut vec![Ok(row.clone())].into_iter(), &options, &mut |_, _| Ok(()))?;
    /// assert_eq!((summary.candidacies, summary.created), (1, 1));
    ///
    /// let again = campaign.import(&mut vec![Ok(row)].into_iter(), &options, &mut |_, _| Ok(()))?;
    /// assert!(again.is_unchanged());
    /// # Ok::<(), candidats_core::Error>(())
    /// ```
    ///
    /// # Errors
    ///
    /// [`Error::InvalidInput`] with the file, line and column for a bad
    /// line; also for a list without a head where the election needs one, a
    /// list with two heads, two candidates at one seat (a duplicate order in
    /// a section), the same candidate twice in one file, or an election of
    /// another kind under the same name. A reader's fatal error, or the
    /// reject sink's error, stops the import.
    pub fn import(
        &self,
        rows: &mut dyn Iterator<Item = std::result::Result<ImportRow, RowError>>,
        options: &ImportOptions,
        reject: &mut RejectSink<'_>,
    ) -> Result<ImportSummary> {
        if !(1..=2).contains(&options.round) {
            return Err(Error::invalid(format!(
                "expected round 1 or 2, found round {}",
                options.round
            )));
        }
        let now = self.now();

        self.store().write_with(|w| {
            w.lock(LockKey::Import)?;
            let (election, fresh_election) = prepare_election(w, options)?;
            let fresh_round = fresh_election
                || !w
                    .lists(election)?
                    .iter()
                    .any(|list| list.round == options.round);
            let mut importer = Importer {
                options,
                now,
                election,
                summary: ImportSummary {
                    election: Some(election),
                    round: options.round,
                    ..ImportSummary::default()
                },
                areas: HashMap::new(),
                lists: HashMap::new(),
                list_states: HashMap::new(),
                sections: HashMap::new(),
                created_sections: HashMap::new(),
                fresh_round,
                fresh_election,
                seen_candidacies: IdSet::default(),
                seen_persons: IdSet::default(),
                identities: HashSet::new(),
                seat_areas: HashSet::new(),
                list_areas: HashMap::new(),
                last_chain: None,
                first_round: None,
            };

            for item in &mut *rows {
                importer.summary.rows += 1;
                let outcome = match item {
                    Ok(row) => importer.row(w, &row).map_err(|error| RowError {
                        error: error.at(&row.location),
                        raw: row.raw,
                        recoverable: true,
                    }),
                    Err(error) => Err(error),
                };
                if let Err(error) = outcome {
                    if !(options.skip_invalid && error.recoverable) {
                        return Err(error.error);
                    }
                    importer.summary.rejected += 1;
                    reject(&error.error, &error.raw)?;
                }
            }

            importer.check_heads(reject)?;
            importer.withdraw_missing(w)?;
            let summary = importer.summary;
            audit(
                w,
                None,
                now,
                Some(&options.source),
                RecordKind::Election,
                election.get(),
                AuditAction::Update,
                None,
                Some(&summary),
                None,
            )?;
            Ok(summary)
        })
    }
}

/// The election of an import, created when unknown; and whether it was.
fn prepare_election(
    w: &mut dyn CampaignWrite,
    options: &ImportOptions,
) -> Result<(ElectionId, bool)> {
    let round = Round {
        number: options.round,
        date: options.round_date,
    };
    match w.election_named(&options.election)? {
        Some(existing) => {
            if existing.kind() != options.kind {
                return Err(Error::invalid(format!(
                    "election `{}` is of kind {}, not {}",
                    existing.name(),
                    existing.kind(),
                    options.kind
                )));
            }
            let wanted =
                if (options.round == 2 && !existing.has_round(2)) || options.round_date.is_some() {
                    existing.with_round(round)?
                } else {
                    existing.clone()
                };
            if wanted != existing {
                w.put_election(&wanted)?;
            }
            Ok((existing.id(), false))
        }
        None => {
            let id = ElectionId::new(w.allocate(RecordKind::Election)?);
            let mut rounds = vec![Round {
                number: 1,
                date: if options.round == 1 {
                    options.round_date
                } else {
                    None
                },
            }];
            if options.round == 2 {
                rounds.push(round);
            }
            let election = Election::new(id, options.kind, &options.election, rounds)?;
            w.put_election(&election)?;
            Ok((id, true))
        }
    }
}

fn two_at_order(order: u32) -> Error {
    Error::invalid(format!(
        "two candidates at order {order} of the same list section"
    ))
}

fn name(text: &str, what: &str) -> Result<Name> {
    Name::new(text.trim()).map_err(|e| Error::invalid(format!("{what}: {e}")))
}

fn identity_hash(parts: &[&dyn HashPart]) -> u64 {
    let mut hasher = DefaultHasher::new();
    for part in parts {
        part.feed(&mut hasher);
    }
    hasher.finish()
}

trait HashPart {
    fn feed(&self, hasher: &mut DefaultHasher);
}

impl<T: Hash> HashPart for T {
    fn feed(&self, hasher: &mut DefaultHasher) {
        self.hash(hasher);
    }
}

/// A person's whole name folded for comparison.
fn fold_name(person: &Person) -> String {
    format!("{} {}", fold(person.surname.as_str()), fold_first(person))
}

fn fold_first(person: &Person) -> String {
    fold(person.first_name.as_ref().map(Name::as_str).unwrap_or(""))
}

/// Text folded for comparison: lower case, without accents, spaces,
/// hyphens or apostrophes.
fn fold(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars().flat_map(char::to_lowercase) {
        let folded = match c {
            'à' | 'â' | 'ä' | 'á' | 'ã' | 'å' => "a",
            'ç' => "c",
            'é' | 'è' | 'ê' | 'ë' => "e",
            'î' | 'ï' | 'í' | 'ì' => "i",
            'ô' | 'ö' | 'ó' | 'ò' | 'õ' => "o",
            'ù' | 'û' | 'ü' | 'ú' => "u",
            'ÿ' => "y",
            'ñ' => "n",
            'œ' => "oe",
            'æ' => "ae",
            c if c.is_alphanumeric() => {
                out.push(c);
                continue;
            }
            _ => continue,
        };
        out.push_str(folded);
    }
    out
}

/// Checks a row's texts before anything is written, so that a skipped row
/// leaves nothing behind.
fn check_row(row: &ImportRow) -> Result<()> {
    let candidates = std::iter::once(&row.candidate).chain(match &row.seat {
        SeatSpec::Single { substitute, .. } | SeatSpec::Pair { substitute, .. } => {
            substitute.as_ref()
        }
        SeatSpec::List { .. } => None,
    });
    for candidate in candidates {
        name(&candidate.surname, "the surname")?;
        if let Some(first) = candidate
            .first_name
            .as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
        {
            name(first, "the first name")?;
        }
    }
    for area in &row.area {
        name(&area.name, "the constituency's name")?;
    }
    if let SeatSpec::List { label, section, .. } = &row.seat {
        name(label, "the list's label")?;
        if let Some(section) = section {
            name(&section.name, "the section's name")?;
        }
    }
    Ok(())
}

impl Importer<'_> {
    fn row(&mut self, w: &mut dyn CampaignWrite, row: &ImportRow) -> Result<()> {
        check_row(row)?;
        let Some((root, leaf)) = self.row_areas(w, &row.area)? else {
            return Err(Error::invalid("expected a constituency, found none"));
        };

        match &row.seat {
            SeatSpec::List {
                panel,
                short_label,
                label,
                nuance,
                section,
                order,
                head_of_list,
                community_council,
            } => {
                if *order == 0 {
                    return Err(Error::invalid("expected an order from 1, found 0"));
                }
                let list = self.list(w, leaf, *panel, short_label, label, nuance, &row.location)?;
                let SectionState {
                    id: section,
                    implicit,
                    constituency: section_constituency,
                } = self.section(w, list, leaf, section.as_ref())?;
                let state = self.list_states.entry(list).or_default();
                state.implicit = implicit;
                let head = match head_of_list {
                    Some(flag) => {
                        state.flagged = true;
                        *flag
                    }
                    None => implicit && *order == 1,
                };
                if head {
                    state.heads += 1;
                    if state.heads > 1 {
                        return Err(Error::invalid(format!(
                            "list `{label}` has a second head of list"
                        )));
                    }
                }
                self.list_areas.insert(leaf, root);

                let key = SeatKey::List {
                    section,
                    order: *order,
                };
                let seat = Seat::List {
                    list,
                    section,
                    order: *order,
                };
                let roles = Roles::for_list_candidacy(head, *order, implicit);
                let identity_scope = identity_hash(&[&list.get()]);
                self.candidacy(
                    w,
                    row,
                    &row.candidate,
                    key,
                    seat,
                    roles,
                    section_constituency,
                    nuance.clone(),
                    None,
                    *community_council,
                    identity_scope,
                )?;
            }
            SeatSpec::Single {
                panel,
                nuance,
                substitute,
            }
            | SeatSpec::Pair {
                panel,
                nuance,
                substitute,
                ..
            } => {
                let index = match &row.seat {
                    SeatSpec::Pair { index, .. } => *index,
                    _ => 1,
                };
                if !(1..=2).contains(&index) {
                    return Err(Error::invalid(format!(
                        "expected a pair member 1 or 2, found {index}"
                    )));
                }
                self.seat_areas.insert(leaf);
                let key = SeatKey::Panel {
                    election: self.election,
                    round: self.options.round,
                    constituency: leaf,
                    panel: *panel,
                    index,
                };
                let (seat, role) = match &row.seat {
                    SeatSpec::Pair { .. } => (
                        Seat::Pair {
                            index,
                            partner: None,
                        },
                        Role::PairMember,
                    ),
                    _ => (Seat::Single, Role::SingleSeat),
                };
                let identity_scope = identity_hash(&[&leaf.get(), panel]);
                let main = self.candidacy(
                    w,
                    row,
                    &row.candidate,
                    key,
                    seat,
                    Roles::EMPTY.with(role),
                    leaf,
                    nuance.clone(),
                    Some(*panel),
                    false,
                    identity_scope,
                )?;
                if let Some(substitute) = substitute {
                    self.candidacy(
                        w,
                        row,
                        substitute,
                        SeatKey::Substitute { of: main },
                        Seat::Substitute { of: main },
                        Roles::EMPTY.with(Role::Substitute),
                        leaf,
                        nuance.clone(),
                        None,
                        false,
                        identity_scope,
                    )?;
                }
                if index == 2 {
                    self.link_pair(w, leaf, *panel, main)?;
                }
            }
        }
        Ok(())
    }

    /// The constituencies of a chain of areas, found or created: the first
    /// and the last; `None` for an empty chain.
    fn area_chain(
        &mut self,
        w: &mut dyn CampaignWrite,
        chain: &[AreaSpec],
        mut parent: Option<ConstituencyId>,
    ) -> Result<Option<(ConstituencyId, ConstituencyId)>> {
        let mut first = None;
        for area in chain {
            let key = (parent, area.kind, area.code.clone());
            let id = match self.areas.get(&key) {
                Some(id) => *id,
                None => {
                    let id = self.area(w, area, parent)?;
                    self.areas.insert(key, id);
                    id
                }
            };
            first.get_or_insert(id);
            parent = Some(id);
        }
        Ok(first.zip(parent))
    }

    /// The constituencies of a row's chain: the first and the last. Rows
    /// come grouped by constituency, so the last row's chain is kept.
    fn row_areas(
        &mut self,
        w: &mut dyn CampaignWrite,
        chain: &[AreaSpec],
    ) -> Result<Option<(ConstituencyId, ConstituencyId)>> {
        if let Some((codes, found)) = &self.last_chain {
            let same = codes.len() == chain.len()
                && codes.iter().zip(chain).all(|((kind, code, name), area)| {
                    *kind == area.kind && *code == area.code && *name == area.name
                });
            if same {
                return Ok(Some(*found));
            }
        }
        let found = self.area_chain(w, chain, None)?;
        self.last_chain = found.map(|found| {
            let codes = chain
                .iter()
                .map(|area| (area.kind, area.code.clone(), area.name.clone()))
                .collect();
            (codes, found)
        });
        Ok(found)
    }

    fn area(
        &mut self,
        w: &mut dyn CampaignWrite,
        area: &AreaSpec,
        parent: Option<ConstituencyId>,
    ) -> Result<ConstituencyId> {
        let wanted_name = name(&area.name, "the constituency's name")?;
        let existing = if self.fresh_election {
            None
        } else {
            w.constituency_by_code(self.election, area.kind, &area.code)?
        };
        if let Some(existing) = existing {
            if existing.parent != parent && existing.parent.is_some() && parent.is_some() {
                return Err(Error::invalid(format!(
                    "the {} `{}` is given under two different constituencies",
                    area.kind, area.code
                )));
            }
            let updated = Constituency {
                name: wanted_name,
                parent: existing.parent.or(parent),
                ..existing.clone()
            };
            if updated != existing {
                w.put_constituency(&updated)?;
            }
            return Ok(existing.id);
        }
        let constituency = Constituency {
            id: ConstituencyId::new(w.allocate(RecordKind::Constituency)?),
            election: self.election,
            parent,
            kind: area.kind,
            code: area.code.clone(),
            name: wanted_name,
        };
        w.put_constituency(&constituency)?;
        Ok(constituency.id)
    }

    #[allow(clippy::too_many_arguments)]
    fn list(
        &mut self,
        w: &mut dyn CampaignWrite,
        constituency: ConstituencyId,
        panel: Option<u32>,
        short_label: &Option<String>,
        label: &str,
        nuance: &Option<Nuance>,
        location: &Location,
    ) -> Result<ListId> {
        let key = ListKey {
            election: self.election,
            round: self.options.round,
            constituency,
            panel,
            label: if panel.is_some() {
                String::new()
            } else {
                label.to_string()
            },
        };
        if let Some(id) = self.lists.get(&key) {
            return Ok(*id);
        }

        let wanted_label = name(label, "the list's label")?;
        let short_label = short_label
            .as_ref()
            .map(|s| s.trim().to_string())
            .filter(|s| !s.is_empty());
        let lookup = ListKey {
            label: label.to_string(),
            ..key.clone()
        };
        let existing = if self.fresh_round {
            None
        } else {
            w.list_by_key(&lookup)?
        };
        let created = existing.is_none();
        let id = match existing {
            Some(existing) => {
                let updated = CandidateList {
                    short_label,
                    label: wanted_label,
                    nuance: nuance.clone(),
                    ..existing.clone()
                };
                if updated != existing {
                    w.put_list(&updated)?;
                }
                existing.id
            }
            None => {
                let list = CandidateList {
                    id: ListId::new(w.allocate(RecordKind::List)?),
                    election: self.election,
                    round: self.options.round,
                    constituency,
                    panel,
                    short_label,
                    label: wanted_label,
                    nuance: nuance.clone(),
                };
                w.put_list(&list)?;
                list.id
            }
        };
        self.lists.insert(key, id);
        self.list_states.insert(
            id,
            ListState {
                first_line: location.clone(),
                created,
                ..ListState::default()
            },
        );
        self.summary.lists += 1;
        Ok(id)
    }

    fn section(
        &mut self,
        w: &mut dyn CampaignWrite,
        list: ListId,
        list_area: ConstituencyId,
        spec: Option<&AreaSpec>,
    ) -> Result<SectionState> {
        let code = spec.map(|s| s.code.clone()).unwrap_or_default();
        let implicit = spec.is_none();
        if let Some(state) = self.sections.get(&(list, code.clone())) {
            if state.implicit != implicit {
                return Err(Error::invalid(
                    "the list has lines with a section and lines without",
                ));
            }
            return Ok(*state);
        }

        let constituency = match spec {
            Some(area) if area.code.is_empty() => list_area,
            Some(area) => match self.area_chain(w, std::slice::from_ref(area), Some(list_area))? {
                Some((_, id)) => id,
                None => list_area,
            },
            None => list_area,
        };
        let list_created = self.list_states.get(&list).is_some_and(|s| s.created);
        let existing = if list_created {
            None
        } else {
            w.sections(list)?.into_iter().find(|s| s.code == code)
        };
        let id = match existing {
            Some(existing) => {
                let updated = Section {
                    constituency,
                    implicit,
                    ..existing.clone()
                };
                if updated != existing {
                    w.put_section(&updated)?;
                }
                existing.id
            }
            None => {
                let section = Section {
                    id: SectionId::new(w.allocate(RecordKind::Section)?),
                    list,
                    constituency,
                    code: code.clone(),
                    implicit,
                };
                w.put_section(&section)?;
                self.created_sections.insert(section.id, IdSet::default());
                section.id
            }
        };
        let state = SectionState {
            id,
            implicit,
            constituency,
        };
        self.sections.insert((list, code), state);
        if !implicit {
            self.summary.sections += 1;
        }
        Ok(state)
    }

    #[allow(clippy::too_many_arguments)]
    fn candidacy(
        &mut self,
        w: &mut dyn CampaignWrite,
        row: &ImportRow,
        spec: &CandidateSpec,
        key: SeatKey,
        seat: Seat,
        roles: Roles,
        constituency: ConstituencyId,
        nuance: Option<Nuance>,
        panel: Option<u32>,
        community_council: bool,
        identity_scope: u64,
    ) -> Result<CandidacyId> {
        let surname = name(&spec.surname, "the surname")?;
        let first_name = spec
            .first_name
            .as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(|s| name(s, "the first name"))
            .transpose()?;

        let identity = identity_hash(&[&identity_scope, &surname, &first_name, &spec.birth_date]);
        if !self.identities.insert(identity) {
            return Err(Error::invalid(format!(
                "{} {} is given twice in this file",
                first_name.as_ref().map(Name::as_str).unwrap_or(""),
                surname
            )));
        }

        let created_section = match key {
            SeatKey::List { section, order } => self
                .created_sections
                .get(&section)
                .map(|orders| (section, order, orders.contains(i64::from(order)))),
            _ => None,
        };
        let existing = match created_section {
            Some((_, order, true)) => return Err(two_at_order(order)),
            Some((_, _, false)) => None,
            None => w.candidacy_at(&key)?,
        };
        if let Some(existing) = &existing {
            if self.seen_candidacies.contains(existing.id.get()) {
                return Err(match key {
                    SeatKey::List { order, .. } => two_at_order(order),
                    _ => Error::invalid("two candidates at the same seat"),
                });
            }
        }

        let wanted = Person {
            id: PersonId::new(0),
            surname,
            first_name,
            sex: spec.sex,
            birth_date: spec.birth_date,
            nationality: spec.nationality.clone().filter(|n| !n.trim().is_empty()),
        };
        let (person, person_changed) =
            self.person(w, existing.as_ref(), wanted, constituency, &row.location)?;

        let id = match &existing {
            Some(existing) => existing.id,
            None => CandidacyId::new(w.allocate(RecordKind::Candidacy)?),
        };
        let seat = match (seat, &existing) {
            (Seat::Pair { index, .. }, Some(old)) => match old.seat {
                Seat::Pair { partner, .. } => Seat::Pair { index, partner },
                _ => Seat::Pair {
                    index,
                    partner: None,
                },
            },
            (seat, _) => seat,
        };
        let candidacy = Candidacy {
            id,
            person,
            election: self.election,
            round: self.options.round,
            constituency,
            seat,
            roles,
            nuance,
            panel,
            profession: spec.profession.clone().filter(|p| !p.trim().is_empty()),
            outgoing: spec.outgoing,
            community_council,
            withdrawn: false,
        };

        match existing {
            Some(old) if old == candidacy && !person_changed => self.summary.unchanged += 1,
            Some(old) if old == candidacy => self.summary.updated += 1,
            Some(old) => {
                w.put_candidacy(&candidacy)?;
                audit(
                    w,
                    None,
                    self.now,
                    Some(&self.options.source),
                    RecordKind::Candidacy,
                    id.get(),
                    AuditAction::Update,
                    Some(&old),
                    Some(&candidacy),
                    None,
                )?;
                self.summary.updated += 1;
            }
            None => {
                w.put_candidacy(&candidacy)?;
                self.summary.created += 1;
            }
        }
        self.seen_candidacies.insert(id.get());
        if let Some((section, order, _)) = created_section {
            if let Some(orders) = self.created_sections.get_mut(&section) {
                orders.insert(i64::from(order));
            }
        }
        if self.seen_persons.insert(person.get()) {
            self.summary.persons += 1;
        }
        if roles.contains(Role::Substitute) {
            self.summary.substitutes += 1;
        } else {
            self.summary.candidacies += 1;
        }
        if roles.contains(Role::HeadOfList) {
            self.summary.heads_of_list += 1;
        }
        if roles.contains(Role::HeadOfSection) {
            self.summary.heads_of_section += 1;
        }
        Ok(id)
    }

    /// The person of a candidacy: the one already at the seat when the file
    /// gives the same person (or corrects one of their names), else a known
    /// person matched by the rule, else a new one.
    ///
    /// A person at the seat who also stands in a later round of the election
    /// stays as they are: the later round's file is the Ministry's latest
    /// word on their name and date of birth, and a file of an earlier round
    /// imported again neither undoes its corrections nor puts somebody else
    /// at the seat.
    fn person(
        &mut self,
        w: &mut dyn CampaignWrite,
        existing: Option<&Candidacy>,
        wanted: Person,
        constituency: ConstituencyId,
        location: &Location,
    ) -> Result<(PersonId, bool)> {
        if let Some(existing) = existing {
            let current = w.person(existing.person)?;
            let same_birth = current.birth_date == wanted.birth_date;
            let same_surname = current.surname == wanted.surname;
            let same_first = current.first_name == wanted.first_name;
            if same_birth && (same_surname || same_first) {
                let updated = Person {
                    id: current.id,
                    ..wanted
                };
                let changed = updated != current;
                // Only a person the file would change is looked up further.
                if changed && self.stands_later(w, current.id)? {
                    return Ok((current.id, false));
                }
                if changed {
                    w.put_person(&updated)?;
                    audit(
                        w,
                        None,
                        self.now,
                        Some(&self.options.source),
                        RecordKind::Person,
                        current.id.get(),
                        AuditAction::Update,
                        Some(&current),
                        Some(&updated),
                        Some(current.id),
                    )?;
                }
                return Ok((current.id, changed));
            }
            if self.stands_later(w, current.id)? {
                return Ok((current.id, false));
            }
        }

        if self.options.round == 2 && self.options.person_match != PersonMatch::Never {
            if let Some(first_round) = self.first_round_person(w, constituency, &wanted)? {
                let updated = Person {
                    id: first_round.id,
                    sex: wanted.sex.or(first_round.sex),
                    birth_date: wanted.birth_date.or(first_round.birth_date),
                    nationality: wanted
                        .nationality
                        .clone()
                        .or(first_round.nationality.clone()),
                    ..wanted
                };
                let changed = updated != first_round;
                if changed {
                    w.put_person(&updated)?;
                    audit(
                        w,
                        None,
                        self.now,
                        Some(&self.options.source),
                        RecordKind::Person,
                        updated.id.get(),
                        AuditAction::Update,
                        Some(&first_round),
                        Some(&updated),
                        Some(updated.id),
                    )?;
                }
                self.summary.persons_reused += 1;
                return Ok((updated.id, changed));
            }
        }

        let matches = match self.options.person_match {
            PersonMatch::Never => Vec::new(),
            PersonMatch::NameAndBirthDate if wanted.birth_date.is_none() => Vec::new(),
            rule => w
                .persons_named(
                    wanted.surname.as_str(),
                    wanted.first_name.as_ref().map(Name::as_str),
                )?
                .into_iter()
                .filter(|p| rule == PersonMatch::Name || p.birth_date == wanted.birth_date)
                .collect(),
        };
        if let [only] = matches.as_slice() {
            self.summary.persons_reused += 1;
            let updated = Person {
                id: only.id,
                sex: wanted.sex.or(only.sex),
                birth_date: wanted.birth_date.or(only.birth_date),
                nationality: wanted.nationality.clone().or(only.nationality.clone()),
                ..only.clone()
            };
            let changed = &updated != only;
            if changed {
                w.put_person(&updated)?;
            }
            return Ok((only.id, changed));
        }

        let person = Person {
            id: PersonId::new(w.allocate(RecordKind::Person)?),
            ..wanted
        };
        w.put_person(&person)?;
        self.summary.persons_created += 1;
        if matches.len() > 1 {
            self.summary.ambiguous.push(Ambiguity {
                location: location.clone(),
                candidates: matches.iter().map(|p| p.id).collect(),
                created: person.id,
            });
        }
        Ok((person.id, true))
    }

    /// Whether `person` stands in a round of this election later than the
    /// file's.
    fn stands_later(&self, w: &dyn CampaignWrite, person: PersonId) -> Result<bool> {
        Ok(w.candidacies_of_person(person)?
            .iter()
            .any(|c| c.election == self.election && c.round > self.options.round))
    }

    /// The person who stood in the first round in the same constituency
    /// under the same name spelt with or without accents (whatever their
    /// date of birth), or with the same date of birth and the same surname
    /// or first name: the Ministry corrects names and dates between rounds.
    /// `None` when nobody or several persons match.
    fn first_round_person(
        &mut self,
        w: &mut dyn CampaignWrite,
        constituency: ConstituencyId,
        wanted: &Person,
    ) -> Result<Option<Person>> {
        if self.first_round.as_ref().map(|(k, _)| *k) != Some(constituency) {
            let scope = Scope {
                election: Some(self.election),
                round: Some(1),
                constituency: Some(constituency),
                include_substitutes: true,
                include_withdrawn: true,
                ..Scope::default()
            };
            let mut persons = Vec::new();
            for c in w.candidacies(&scope)? {
                let person = w.person(c.person)?;
                persons.push((fold_name(&person), person));
            }
            self.first_round = Some((constituency, persons));
        }
        let key = fold_name(wanted);
        let found: Vec<&Person> = self
            .first_round
            .iter()
            .flat_map(|(_, persons)| persons.iter())
            .filter(|(folded, person)| {
                let same_birth =
                    wanted.birth_date.is_some() && person.birth_date == wanted.birth_date;
                *folded == key
                    || (same_birth
                        && (fold(person.surname.as_str()) == fold(wanted.surname.as_str())
                            || fold_first(person) == fold_first(wanted)))
            })
            .map(|(_, person)| person)
            .collect();
        match found.as_slice() {
            [only] => Ok(Some((*only).clone())),
            [first, rest @ ..] if rest.iter().all(|p| p.id == first.id) => {
                Ok(Some((*first).clone()))
            }
            _ => Ok(None),
        }
    }

    fn link_pair(
        &mut self,
        w: &mut dyn CampaignWrite,
        constituency: ConstituencyId,
        panel: u32,
        second: CandidacyId,
    ) -> Result<()> {
        let first_key = SeatKey::Panel {
            election: self.election,
            round: self.options.round,
            constituency,
            panel,
            index: 1,
        };
        let Some(first) = w.candidacy_at(&first_key)? else {
            return Err(Error::invalid(format!(
                "the second member of pair {panel} comes before the first"
            )));
        };
        let second = w.candidacy(second)?;
        for (mut c, partner) in [(first.clone(), second.id), (second.clone(), first.id)] {
            if let Seat::Pair {
                index,
                partner: old,
            } = c.seat
            {
                if old != Some(partner) {
                    c.seat = Seat::Pair {
                        index,
                        partner: Some(partner),
                    };
                    w.put_candidacy(&c)?;
                }
            }
        }
        Ok(())
    }

    fn check_heads(&mut self, reject: &mut RejectSink<'_>) -> Result<()> {
        let mut missing: Vec<&ListState> = self
            .list_states
            .values()
            .filter(|state| state.heads == 0 && (state.flagged || !state.implicit))
            .collect();
        missing.sort_by_key(|state| state.first_line.line);
        for state in missing {
            let error = Error::invalid_at(
                state.first_line.clone(),
                "this line's list has no head of list",
            );
            if !self.options.skip_invalid {
                return Err(error);
            }
            self.summary.rejected += 1;
            reject(&error, &[])?;
        }
        Ok(())
    }

    /// Marks withdrawn the candidacies of this round that stand where the
    /// file's lists and seats stand, but are not in the file.
    ///
    /// Only the lists that were there before the import are looked at:
    /// those it created hold the file's candidacies only. A few lists are
    /// read one by one; many (a national file imported again) are read by
    /// the top constituencies of their chains, a few large reads instead of
    /// one per list.
    fn withdraw_missing(&mut self, w: &mut dyn CampaignWrite) -> Result<()> {
        let base = Scope {
            election: Some(self.election),
            round: Some(self.options.round),
            include_substitutes: true,
            include_withdrawn: false,
            ..Scope::default()
        };
        let mut scopes = Vec::new();
        let mut checked = HashSet::new();
        if !self.list_areas.is_empty() && !self.fresh_round {
            for list in w.lists(self.election)? {
                let created = self.list_states.get(&list.id).is_some_and(|s| s.created);
                if list.round == self.options.round
                    && self.list_areas.contains_key(&list.constituency)
                    && !created
                {
                    checked.insert(list.id);
                }
            }
            if checked.len() <= LISTS_READ_ONE_BY_ONE {
                let mut lists: Vec<_> = checked.iter().copied().collect();
                lists.sort();
                scopes.extend(lists.into_iter().map(|list| base.clone().with_list(list)));
            } else {
                let mut roots: Vec<_> = self.list_areas.values().copied().collect();
                roots.sort();
                roots.dedup();
                scopes.extend(roots.into_iter().map(|k| base.clone().with_constituency(k)));
            }
        }
        let mut areas: Vec<_> = self.seat_areas.iter().copied().collect();
        areas.sort();
        let lists_read = scopes.len();
        for area in areas {
            scopes.push(base.clone().with_constituency(area));
        }

        for (index, scope) in scopes.iter().enumerate() {
            for c in w.candidacies(scope)? {
                if self.seen_candidacies.contains(c.id.get()) {
                    continue;
                }
                let wanted = match c.list() {
                    Some(list) => index < lists_read && checked.contains(&list),
                    None => index >= lists_read,
                };
                if !wanted {
                    continue;
                }
                let after = Candidacy {
                    withdrawn: true,
                    ..c.clone()
                };
                w.put_candidacy(&after)?;
                audit(
                    w,
                    None,
                    self.now,
                    Some(&self.options.source),
                    RecordKind::Candidacy,
                    c.id.get(),
                    AuditAction::Update,
                    Some(&c),
                    Some(&after),
                    None,
                )?;
                self.seen_candidacies.insert(c.id.get());
                self.summary.withdrawn += 1;
            }
        }
        self.summary.constituencies = (self.list_areas.len() + self.seat_areas.len()) as u64;
        Ok(())
    }
}
