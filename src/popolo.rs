//! Popolo interchange: an election, or a scope of it, as one
//! [Popolo](https://www.popoloproject.com) JSON document, and back.
//!
//! # The document
//!
//! [`export`] writes one JSON object with the collections the Popolo
//! specification defines:
//!
//! | Popolo | what it holds |
//! |---|---|
//! | `events` | one event per election (classification `election`), and one per round (`election round`, its `parent_id` the election) |
//! | `areas` | the constituencies, with the official code as `identifier`, the kind as `classification` and the enclosing constituency as `parent_id` |
//! | `organizations` | the nuances (classification `nuance`, the code as identifier with scheme `nuance`), the candidate lists (`candidate list`, the short label as an other name noted `short label`, the list's own contact details) and their sections (`list section`, `parent_id` the list) |
//! | `posts` | one seat per constituency of single-seat and pair elections (législatives, départementales) |
//! | `persons` | names, gender, date of birth, nationality (`national_identity`) and contact details |
//! | `memberships` | one per candidacy, role `Candidate`: `person_id`, the list as `organization_id` or the seat as `post_id`, the nuance as `on_behalf_of_id`, the constituency as `area_id`, and a human `label` with the roles of this library, the list position and the round (`tête de liste, tête de section, n° 1, 1er tour`) |
//!
//! A contact detail has its Popolo `type` (`email`, `voice`, `address`,
//! `url`, or the social network's name), `value`, `label`, `note`,
//! `valid_from` (the day the campaign found it) and `sources` (the URL where
//! it was found). Only **public** details are written, unless
//! [`PopoloExportOptions::include_private`] asks for the private ones too,
//! for a private backup. Participants never appear: not who added a detail,
//! not who contacted whom.
//!
//! What Popolo has no field for (the kind of election, the round, seats,
//! sections, list positions, panel numbers, the roles as data, the status,
//! visibility and time of a contact detail, a source that is not a URL) is
//! kept in extension objects under the key `+candidats`, as the
//! specification's JSON patterns suggest for additional properties: the
//! document stays valid Popolo, and other tools may ignore the key.
//!
//! Identifiers in the document (`person/3`, `list/1`) are numbered within the
//! document, in the order of the records in the store: they do not leak the
//! store's identifiers, and a document imported into an empty store then
//! exported again is identical to the first.
//!
//! # Importing
//!
//! [`import`] reads either kind of Popolo document:
//!
//! - a document written by this library (it has a top-level `+candidats`
//!   object with a `format`) comes back whole: elections, constituencies,
//!   lists, sections, candidacies, persons and contact details;
//! - a document from another tool gives its persons and their contact
//!   details; everything else is listed in the
//!   [`PopoloImportReport::skipped`] items, each with its path in the
//!   document and the reason.
//!
//! A person is matched to one already in the store by the
//! [`PersonMatch`] rule of the options (by default same surname, first name
//! and date of birth), so that contact details found by another tool join
//! the candidates imported from the official files. Persons created by the
//! same import are never matched: two records of the document stay two
//! persons.
//!
//! The import runs in one [`Store::write`]: it is kept entirely or not at
//! all. It writes the records directly rather than through the
//! [`Campaign`] rules for each change, because it restores a whole campaign
//! at once: only a moderator may run it, every contact detail it adds is
//! credited to that moderator and recorded in the audit history (with the
//! file as source, so that erasure on request finds it), and every
//! election it creates gets an audit entry too.
//!
//! ```
//! use candidats::popolo::{self, PopoloExportOptions, PopoloImportOptions};
//! use candidats::{Campaign, Scope};
//!
//! let campaign = Campaign::new(candidats::open("memory:")?);
//! let moderator = campaign.register_moderator("Modération", None)?;
//!
//! let file = r#"{
//!   "persons": [{
//!     "id": "marie-dalmeida",
//!     "name": "Marie D'Almeida",
//!     "family_name": "D'ALMEIDA",
//!     "given_name": "Marie",
//!     "contact_details": [{
//!       "type": "email",
//!       "value": "marie@example.org",
//!       "sources": [{"url": "https://example.org/equipe"}]
//!     }],
//!     "image": "https://example.org/marie.jpg"
//!   }]
//! }"#;
//! let report = popolo::import(&campaign, moderator.id, file, &PopoloImportOptions::new("equipe.json"))?;
//! assert_eq!((report.persons_created, report.contact_details_added), (1, 1));
//! assert_eq!(report.skipped[0].path, "persons[0].image");
//!
//! // The person has no candidacy yet, so a scope's export leaves her out.
//! let json = popolo::export(campaign.store(), &Scope::default(), &PopoloExportOptions::default())?;
//! assert!(json.contains("\"persons\": []"));
//! # Ok::<(), candidats::Error>(())
//! ```
//!
//! # Limitations
//!
//! - Pledge answers, contact actions, responsibilities and participants are
//!   not part of the document: Popolo has no place for them, and most are
//!   about participants.
//! - A nuance is one organization per code: when two lists give the same
//!   code two different long labels, the first one is kept.
//! - A substitute whose candidate is outside the scope is left out, and a
//!   pair member's partner outside the scope is not linked.
//! - A document written by this library creates its elections: importing it
//!   into a store that already has an election of the same name fails, it
//!   does not merge. Its records other than persons and contact details are
//!   read strictly: a field this library did not write is an error.
//! - Persons from other tools keep their names, gender, full date of birth,
//!   nationality and contact details. Partial dates, identifiers, other
//!   names, links and images are reported as skipped. A person with only a
//!   `name` gets it whole as surname.

use std::collections::btree_map::Entry;
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

use candidats_core::{
    role_label, AuditAction, AuditRecord, Campaign, CampaignRead, CampaignWrite, Candidacy,
    CandidacyId, CandidateList, Channel, Constituency, ConstituencyId, ConstituencyKind,
    ContactDetail, ContactDetailId, ContactPoint, DetailStatus, Election, ElectionId, ElectionKind,
    Error, ListId, Location, Name, Nuance, Owner, ParticipantId, Person, PersonId, PersonMatch,
    RecordKind, Result, Roles, Round, Scope, Seat, Section, SectionId, Sex, Store, StoreExt,
    Visibility,
};
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// The format tag of documents written by this library, in the top-level
/// `+candidats` object.
pub const FORMAT: &str = "candidats-popolo/1";

/// The key of the extension objects.
const EXTENSION: &str = "+candidats";

/// The membership role of every candidacy.
const CANDIDATE: &str = "Candidate";

/// The organization classifications this library writes.
const NUANCE: &str = "nuance";
const CANDIDATE_LIST: &str = "candidate list";
const LIST_SECTION: &str = "list section";

/// The identifier schemes this library writes.
const NUANCE_SCHEME: &str = "nuance";
const SECTION_SCHEME: &str = "section_code";

/// The note of a list's short label among its other names.
const SHORT_LABEL: &str = "short label";

// ----- options and report ------------------------------------------------------

/// How [`export`] writes a document.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PopoloExportOptions {
    /// Also write private contact details. The document then holds personal
    /// data that must not be published: use it for a private backup only.
    pub include_private: bool,
}

/// How [`import`] reads a document.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PopoloImportOptions {
    /// The document's name (its file name): errors name it, it is the
    /// source of contact details that give none, and the audit history
    /// records it.
    pub source: String,
    /// How a person of the document is recognised as one already in the
    /// store.
    pub person_match: PersonMatch,
    /// Who may see the contact details of a document from another tool. A
    /// document written by this library says it for each detail.
    pub visibility: Visibility,
}

impl PopoloImportOptions {
    /// Options for a document named `source`: persons matched by name and
    /// date of birth, contact details from other tools public.
    pub fn new(source: impl Into<String>) -> PopoloImportOptions {
        PopoloImportOptions {
            source: source.into(),
            person_match: PersonMatch::NameAndBirthDate,
            visibility: Visibility::Public,
        }
    }
}

/// Something of the document that the import did not keep.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Skipped {
    /// Where it is in the document: `persons[2].contact_details[0]`.
    pub path: String,
    /// Why it was not kept.
    pub reason: String,
}

/// A person of the document matched to several persons of the store; a new
/// person was created instead.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PopoloAmbiguity {
    /// Where the person is in the document.
    pub path: String,
    /// The persons of the store that matched.
    pub candidates: Vec<PersonId>,
    /// The person created.
    pub created: PersonId,
}

/// What an [`import`] did.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PopoloImportReport {
    /// Whether the document was written by this library (and so imported
    /// whole).
    pub own_format: bool,
    /// The elections created.
    pub elections: Vec<ElectionId>,
    /// Constituencies created.
    pub constituencies: u64,
    /// Lists created.
    pub lists: u64,
    /// Sections created, implicit ones included.
    pub sections: u64,
    /// Candidacies created, substitutes included.
    pub candidacies: u64,
    /// Persons created.
    pub persons_created: u64,
    /// Persons of the document found in the store.
    pub persons_reused: u64,
    /// Contact details added.
    pub contact_details_added: u64,
    /// Contact details not added because their owner already had them.
    pub contact_details_known: u64,
    /// Persons matched to several persons of the store.
    pub ambiguous: Vec<PopoloAmbiguity>,
    /// What the import could not map, in document order.
    pub skipped: Vec<Skipped>,
}

// ----- the document's records --------------------------------------------------

#[derive(Serialize)]
struct Document {
    #[serde(rename = "+candidats")]
    meta: Meta,
    events: Vec<Event>,
    areas: Vec<Area>,
    organizations: Vec<Organization<DetailOut>>,
    posts: Vec<Post>,
    persons: Vec<PersonOut>,
    memberships: Vec<Membership>,
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct Meta {
    format: String,
    private_details: bool,
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct Event {
    id: String,
    name: String,
    classification: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    start_date: Option<NaiveDate>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    end_date: Option<NaiveDate>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    parent_id: Option<String>,
    #[serde(rename = "+candidats")]
    ext: EventExt,
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct EventExt {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    kind: Option<ElectionKind>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    round: Option<u8>,
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct Area {
    id: String,
    name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    identifier: Option<String>,
    classification: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    parent_id: Option<String>,
    #[serde(rename = "+candidats")]
    ext: AreaExt,
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct AreaExt {
    election_id: String,
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct Identifier {
    identifier: String,
    scheme: String,
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct OtherName {
    name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    note: Option<String>,
}

/// An organization; its contact details are read as JSON values, to be
/// checked one by one, and written as [`DetailOut`].
#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct Organization<D = Value> {
    id: String,
    name: String,
    classification: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    identifiers: Vec<Identifier>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    other_names: Vec<OtherName>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    parent_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    area_id: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    contact_details: Vec<D>,
    #[serde(
        rename = "+candidats",
        default,
        skip_serializing_if = "OrgExt::is_empty"
    )]
    ext: OrgExt,
}

impl<D> Organization<D> {
    fn identifier(&self, scheme: &str) -> Option<&str> {
        self.identifiers
            .iter()
            .find(|i| i.scheme == scheme)
            .map(|i| i.identifier.as_str())
    }
}

#[derive(Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct OrgExt {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    event_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    panel: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    nuance_id: Option<String>,
}

impl OrgExt {
    fn is_empty(&self) -> bool {
        self.event_id.is_none() && self.panel.is_none() && self.nuance_id.is_none()
    }
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct Post {
    id: String,
    label: String,
    role: String,
    area_id: String,
}

#[derive(Serialize)]
struct PersonOut {
    id: String,
    name: String,
    family_name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    given_name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    gender: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    birth_date: Option<NaiveDate>,
    #[serde(skip_serializing_if = "Option::is_none")]
    national_identity: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    contact_details: Vec<DetailOut>,
}

#[derive(Serialize)]
struct DetailOut {
    #[serde(rename = "type")]
    kind: String,
    value: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    label: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    note: Option<String>,
    valid_from: NaiveDate,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    sources: Vec<Link>,
    #[serde(rename = "+candidats")]
    ext: DetailExt,
}

#[derive(Serialize)]
struct Link {
    url: String,
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct DetailExt {
    channel: String,
    status: DetailStatus,
    visibility: Visibility,
    added_at: DateTime<Utc>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    source: Option<String>,
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct Membership {
    id: String,
    label: String,
    role: String,
    person_id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    organization_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    post_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    on_behalf_of_id: Option<String>,
    area_id: String,
    #[serde(rename = "+candidats")]
    ext: MembershipExt,
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct MembershipExt {
    event_id: String,
    roles: Roles,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    section_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    order: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    panel: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pair: Option<u8>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    partner_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    substitute_of: Option<String>,
    #[serde(default, skip_serializing_if = "is_false")]
    outgoing: bool,
    #[serde(default, skip_serializing_if = "is_false")]
    community_council: bool,
    #[serde(default, skip_serializing_if = "is_false")]
    withdrawn: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    profession: Option<String>,
}

fn is_false(value: &bool) -> bool {
    !*value
}

// ----- export --------------------------------------------------------------------

/// Writes the candidacies of a scope as one Popolo JSON document (pretty
/// printed, ending with a line break), with the persons, lists, sections,
/// nuances, constituencies and elections they involve.
///
/// The scope's filters choose the candidacies as for a report (by default
/// without substitutes nor withdrawn candidacies); its period is ignored.
///
/// # Errors
///
/// A backend failure.
pub fn export<S: Store + ?Sized>(
    store: &S,
    scope: &Scope,
    options: &PopoloExportOptions,
) -> Result<String> {
    let document = store.read_with(|r| build(r, scope, options))?;

    let mut json = serde_json::to_string_pretty(&document)
        .map_err(|e| Error::backend("cannot write the Popolo document", e))?;
    json.push('\n');
    Ok(json)
}

/// The records a document holds, by store identifier, and their document
/// identifiers.
#[derive(Default)]
struct Selection {
    candidacies: Vec<Candidacy>,
    elections: BTreeMap<ElectionId, Election>,
    areas: BTreeMap<ConstituencyId, Constituency>,
    lists: BTreeMap<ListId, CandidateList>,
    sections: BTreeMap<SectionId, Section>,
    persons: BTreeMap<PersonId, Person>,
    nuances: BTreeMap<String, Option<String>>,
    seats: BTreeSet<ConstituencyId>,
}

/// Numbers records `prefix/1`, `prefix/2`... in the order of their keys.
fn number<K: Ord + Copy, V>(prefix: &str, records: &BTreeMap<K, V>) -> BTreeMap<K, String> {
    records
        .keys()
        .enumerate()
        .map(|(index, key)| (*key, format!("{prefix}/{}", index + 1)))
        .collect()
}

fn select(r: &dyn CampaignRead, scope: &Scope) -> Result<Selection> {
    let mut candidacies = r.candidacies(scope)?;
    let present: HashSet<CandidacyId> = candidacies.iter().map(|c| c.id).collect();
    candidacies.retain(|c| match c.seat {
        Seat::Substitute { of } => present.contains(&of),
        _ => true,
    });

    let mut selection = Selection::default();
    let mut wanted_areas = BTreeSet::new();
    for c in &candidacies {
        if let Entry::Vacant(slot) = selection.elections.entry(c.election) {
            slot.insert(r.election(c.election)?);
        }
        if let Entry::Vacant(slot) = selection.persons.entry(c.person) {
            slot.insert(r.person(c.person)?);
        }
        wanted_areas.insert(c.constituency);
        match c.seat {
            Seat::List { list, section, .. } => {
                if let Entry::Vacant(slot) = selection.lists.entry(list) {
                    wanted_areas.insert(slot.insert(r.list(list)?).constituency);
                }
                if let Entry::Vacant(slot) = selection.sections.entry(section) {
                    wanted_areas.insert(slot.insert(r.section(section)?).constituency);
                }
            }
            _ => {
                selection.seats.insert(c.constituency);
            }
        }
    }

    for list in selection.lists.values() {
        if let Some(nuance) = &list.nuance {
            note_nuance(&mut selection.nuances, nuance);
        }
    }
    for c in &candidacies {
        if let Some(nuance) = &c.nuance {
            note_nuance(&mut selection.nuances, nuance);
        }
    }

    let mut pending: Vec<ConstituencyId> = wanted_areas.into_iter().collect();
    while let Some(id) = pending.pop() {
        if selection.areas.contains_key(&id) {
            continue;
        }
        let area = r.constituency(id)?;
        if let Some(parent) = area.parent {
            pending.push(parent);
        }
        selection.areas.insert(id, area);
    }

    selection.candidacies = candidacies;
    Ok(selection)
}

fn note_nuance(nuances: &mut BTreeMap<String, Option<String>>, nuance: &Nuance) {
    let entry = nuances.entry(nuance.code.clone()).or_insert(None);
    if entry.is_none() {
        entry.clone_from(&nuance.label);
    }
}

fn build(r: &dyn CampaignRead, scope: &Scope, options: &PopoloExportOptions) -> Result<Document> {
    let selection = select(r, scope)?;
    let election_ids = number("election", &selection.elections);
    let area_ids = number("area", &selection.areas);
    let list_ids = number("list", &selection.lists);
    let real_sections: BTreeMap<SectionId, &Section> = selection
        .sections
        .iter()
        .filter(|(_, s)| !s.implicit)
        .map(|(id, s)| (*id, s))
        .collect();
    let section_ids = number("section", &real_sections);
    let seat_map: BTreeMap<ConstituencyId, ()> =
        selection.seats.iter().map(|id| (*id, ())).collect();
    let post_ids = number("post", &seat_map);
    let person_ids = number("person", &selection.persons);
    let candidacy_map: BTreeMap<CandidacyId, ()> =
        selection.candidacies.iter().map(|c| (c.id, ())).collect();
    let membership_ids = number("membership", &candidacy_map);
    let round_id = |election: ElectionId, round: u8| -> String {
        let parent = election_ids.get(&election).cloned().unwrap_or_default();
        format!("{parent}/round/{round}")
    };
    let nuance_id = |code: &str| format!("nuance/{code}");

    let mut events = Vec::new();
    for (id, election) in &selection.elections {
        let event_id = election_ids.get(id).cloned().unwrap_or_default();
        let rounds = election.rounds();
        events.push(Event {
            id: event_id.clone(),
            name: election.name().to_string(),
            classification: "election".into(),
            start_date: rounds.first().and_then(|round| round.date),
            end_date: rounds.last().and_then(|round| round.date),
            parent_id: None,
            ext: EventExt {
                kind: Some(election.kind()),
                round: None,
            },
        });
        for round in rounds {
            events.push(Event {
                id: round_id(*id, round.number),
                name: format!("{}, {}", election.name(), round_name(round.number)),
                classification: "election round".into(),
                start_date: round.date,
                end_date: None,
                parent_id: Some(event_id.clone()),
                ext: EventExt {
                    kind: None,
                    round: Some(round.number),
                },
            });
        }
    }

    let areas = selection
        .areas
        .iter()
        .map(|(id, area)| Area {
            id: area_ids.get(id).cloned().unwrap_or_default(),
            name: area.name.to_string(),
            identifier: Some(area.code.clone()).filter(|code| !code.is_empty()),
            classification: area.kind.name().into(),
            parent_id: area
                .parent
                .and_then(|parent| area_ids.get(&parent).cloned()),
            ext: AreaExt {
                election_id: election_ids
                    .get(&area.election)
                    .cloned()
                    .unwrap_or_default(),
            },
        })
        .collect();

    let mut organizations = Vec::new();
    for (code, label) in &selection.nuances {
        organizations.push(Organization {
            id: nuance_id(code),
            name: label.clone().unwrap_or_else(|| code.clone()),
            classification: NUANCE.into(),
            identifiers: vec![Identifier {
                identifier: code.clone(),
                scheme: NUANCE_SCHEME.into(),
            }],
            other_names: Vec::new(),
            parent_id: None,
            area_id: None,
            contact_details: Vec::new(),
            ext: OrgExt::default(),
        });
    }
    for (id, list) in &selection.lists {
        let details = details_out(r, Owner::List(*id), options)?;
        organizations.push(Organization {
            id: list_ids.get(id).cloned().unwrap_or_default(),
            name: list.label.to_string(),
            classification: CANDIDATE_LIST.into(),
            identifiers: Vec::new(),
            other_names: list
                .short_label
                .iter()
                .map(|short| OtherName {
                    name: short.clone(),
                    note: Some(SHORT_LABEL.into()),
                })
                .collect(),
            parent_id: None,
            area_id: area_ids.get(&list.constituency).cloned(),
            contact_details: details,
            ext: OrgExt {
                event_id: Some(round_id(list.election, list.round)),
                panel: list.panel,
                nuance_id: list.nuance.as_ref().map(|n| nuance_id(&n.code)),
            },
        });
    }
    for (id, section) in &real_sections {
        let list = selection.lists.get(&section.list);
        let area = selection.areas.get(&section.constituency);
        let name = match (list, area) {
            (Some(list), Some(area)) => format!("{} ({})", list.label, area.name),
            (Some(list), None) => list.label.to_string(),
            _ => section.code.clone(),
        };
        organizations.push(Organization {
            id: section_ids.get(id).cloned().unwrap_or_default(),
            name,
            classification: LIST_SECTION.into(),
            identifiers: Some(&section.code)
                .filter(|code| !code.is_empty())
                .map(|code| Identifier {
                    identifier: code.clone(),
                    scheme: SECTION_SCHEME.into(),
                })
                .into_iter()
                .collect(),
            other_names: Vec::new(),
            parent_id: list_ids.get(&section.list).cloned(),
            area_id: area_ids.get(&section.constituency).cloned(),
            contact_details: Vec::new(),
            ext: OrgExt::default(),
        });
    }

    let mut posts = Vec::new();
    for id in &selection.seats {
        let Some(area) = selection.areas.get(id) else {
            continue;
        };
        let kind = selection
            .elections
            .get(&area.election)
            .map(Election::kind)
            .unwrap_or(ElectionKind::Other);
        posts.push(Post {
            id: post_ids.get(id).cloned().unwrap_or_default(),
            label: area.name.to_string(),
            role: seat_role(kind).into(),
            area_id: area_ids.get(id).cloned().unwrap_or_default(),
        });
    }

    let mut persons = Vec::new();
    for (id, person) in &selection.persons {
        persons.push(PersonOut {
            id: person_ids.get(id).cloned().unwrap_or_default(),
            name: person.full_name(),
            family_name: person.surname.to_string(),
            given_name: person.first_name.as_ref().map(Name::to_string),
            gender: person.sex.map(gender),
            birth_date: person.birth_date,
            national_identity: person.nationality.clone(),
            contact_details: details_out(r, Owner::Person(*id), options)?,
        });
    }

    let mut memberships = Vec::new();
    for c in &selection.candidacies {
        let sex = selection.persons.get(&c.person).and_then(|p| p.sex);
        let (organization_id, post_id, section_id, order, pair, partner_id, substitute_of) =
            match c.seat {
                Seat::List {
                    list,
                    section,
                    order,
                } => (
                    list_ids.get(&list).cloned(),
                    None,
                    section_ids.get(&section).cloned(),
                    Some(order),
                    None,
                    None,
                    None,
                ),
                Seat::Pair { index, partner } => (
                    None,
                    post_ids.get(&c.constituency).cloned(),
                    None,
                    None,
                    Some(index),
                    partner.and_then(|p| membership_ids.get(&p).cloned()),
                    None,
                ),
                Seat::Substitute { of } => (
                    None,
                    post_ids.get(&c.constituency).cloned(),
                    None,
                    None,
                    None,
                    None,
                    membership_ids.get(&of).cloned(),
                ),
                _ => (
                    None,
                    post_ids.get(&c.constituency).cloned(),
                    None,
                    None,
                    None,
                    None,
                    None,
                ),
            };
        memberships.push(Membership {
            id: membership_ids.get(&c.id).cloned().unwrap_or_default(),
            label: membership_label(c, sex),
            role: CANDIDATE.into(),
            person_id: person_ids.get(&c.person).cloned().unwrap_or_default(),
            organization_id,
            post_id,
            on_behalf_of_id: c.nuance.as_ref().map(|n| nuance_id(&n.code)),
            area_id: area_ids.get(&c.constituency).cloned().unwrap_or_default(),
            ext: MembershipExt {
                event_id: round_id(c.election, c.round),
                roles: c.roles,
                section_id,
                order,
                panel: c.panel,
                pair,
                partner_id,
                substitute_of,
                outgoing: c.outgoing,
                community_council: c.community_council,
                withdrawn: c.withdrawn,
                profession: c.profession.clone(),
            },
        });
    }

    Ok(Document {
        meta: Meta {
            format: FORMAT.into(),
            private_details: options.include_private,
        },
        events,
        areas,
        organizations,
        posts,
        persons,
        memberships,
    })
}

fn details_out(
    r: &dyn CampaignRead,
    owner: Owner,
    options: &PopoloExportOptions,
) -> Result<Vec<DetailOut>> {
    let details = r.contact_details(Some(owner))?;
    Ok(details
        .into_iter()
        .filter(|d| options.include_private || d.visibility == Visibility::Public)
        .map(|d| {
            let url = is_url(&d.source);
            DetailOut {
                kind: popolo_type(d.point.channel()),
                value: d.point.value().to_string(),
                label: d.label,
                note: d.note,
                valid_from: d.added_at.date_naive(),
                sources: if url {
                    vec![Link {
                        url: d.source.clone(),
                    }]
                } else {
                    Vec::new()
                },
                ext: DetailExt {
                    channel: d.point.channel().code(),
                    status: d.status,
                    visibility: d.visibility,
                    added_at: d.added_at,
                    source: if url { None } else { Some(d.source) },
                },
            }
        })
        .collect())
}

/// Whether a source can be a Popolo link: an `http` or `https` URL.
fn is_url(source: &str) -> bool {
    (source.starts_with("http://") || source.starts_with("https://"))
        && !source.chars().any(char::is_whitespace)
}

/// The Popolo type of medium of a channel.
fn popolo_type(channel: &Channel) -> String {
    match channel {
        Channel::Email => "email".into(),
        Channel::Phone => "voice".into(),
        Channel::Postal => "address".into(),
        Channel::Social { network } => network.clone(),
        _ => "url".into(),
    }
}

fn gender(sex: Sex) -> &'static str {
    match sex {
        Sex::Female => "female",
        Sex::Male => "male",
    }
}

/// What the holder of a single or pair seat becomes, by kind of election.
fn seat_role(kind: ElectionKind) -> &'static str {
    match kind {
        ElectionKind::Legislatives => "député",
        ElectionKind::Departementales => "conseiller départemental",
        ElectionKind::Municipales => "conseiller municipal",
        ElectionKind::Regionales => "conseiller régional",
        ElectionKind::Europeennes => "député européen",
        _ => "élu",
    }
}

fn round_name(round: u8) -> String {
    match round {
        1 => "1er tour".into(),
        n => format!("{n}e tour"),
    }
}

/// `tête de liste, tête de section, n° 1, 1er tour`.
fn membership_label(c: &Candidacy, sex: Option<Sex>) -> String {
    let mut parts: Vec<String> = Vec::new();
    for role in c.roles.iter() {
        let label = role_label(role, sex).to_string();
        if !parts.contains(&label) {
            parts.push(label);
        }
    }
    if let Some(order) = c.order() {
        parts.push(format!("n° {order}"));
    }
    parts.push(round_name(c.round));
    parts.join(", ")
}

// ----- import --------------------------------------------------------------------

/// Imports a Popolo JSON document into the campaign's store, in one write,
/// by `actor`.
///
/// A document written by this library comes back whole; from another tool,
/// its persons and their contact details are imported, and what could not
/// be mapped is listed in the report. See the [module documentation](self).
///
/// # Errors
///
/// [`Error::PermissionDenied`] unless `actor` is a moderator;
/// [`Error::InvalidInput`] naming the file with the line and column of a
/// JSON syntax error, or the path in the document of a record written by
/// this library that cannot be read back (an unknown reference, a missing
/// field); [`Error::Conflict`] when the store already has an election of
/// the document; a backend failure. On error, nothing is kept.
pub fn import<S: Store>(
    campaign: &Campaign<S>,
    actor: ParticipantId,
    json: &str,
    options: &PopoloImportOptions,
) -> Result<PopoloImportReport> {
    let document: Value = serde_json::from_str(json).map_err(|e| {
        let location = Location::file(&options.source)
            .line(e.line() as u64)
            .column(e.column() as u64);
        Error::invalid_at(location, format!("expected a Popolo JSON document: {e}"))
    })?;
    let Value::Object(top) = document else {
        return Err(Error::invalid_at(
            Location::file(&options.source),
            "expected a Popolo JSON document: an object with `persons`, `organizations`...",
        ));
    };
    let own = own_format(&top, options)?;
    let now = campaign.now();

    campaign.store().write_with(|w| {
        let moderator = w.participant(actor)?;
        if !moderator.moderator {
            return Err(Error::permission(format!(
                "only moderators may import a Popolo document; participant {actor} is not one"
            )));
        }
        let mut importer = Importer::new(w, actor, now, options, own);
        importer.run(&top)?;
        Ok(importer.report)
    })
}

/// Whether the document was written by this library, checking its format.
fn own_format(top: &Map<String, Value>, options: &PopoloImportOptions) -> Result<bool> {
    let Some(meta) = top.get(EXTENSION) else {
        return Ok(false);
    };
    let meta: Meta = serde_json::from_value(meta.clone()).map_err(|e| {
        Error::invalid_at(
            Location::file(&options.source).field(EXTENSION),
            format!("expected the extension object of a document of this library: {e}"),
        )
    })?;
    if meta.format != FORMAT {
        return Err(Error::invalid_at(
            Location::file(&options.source).field(format!("{EXTENSION}.format")),
            format!(
                "expected a document in format `{FORMAT}`, found `{}`",
                meta.format
            ),
        ));
    }
    Ok(true)
}

/// A path in the document: `persons[2].contact_details[0]`.
fn item(path: &str, index: usize) -> String {
    format!("{path}[{index}]")
}

fn field(path: &str, key: &str) -> String {
    if path.is_empty() {
        key.to_string()
    } else {
        format!("{path}.{key}")
    }
}

/// The import's state, inside the write.
struct Importer<'a, 'w> {
    w: &'w mut dyn CampaignWrite,
    actor: ParticipantId,
    now: DateTime<Utc>,
    options: &'a PopoloImportOptions,
    own: bool,
    report: PopoloImportReport,
    /// Persons this import created: never matched.
    created_persons: HashSet<PersonId>,
    elections: HashMap<String, ElectionId>,
    rounds: HashMap<String, (ElectionId, u8)>,
    areas: HashMap<String, ConstituencyId>,
    nuances: HashMap<String, Nuance>,
    lists: HashMap<String, CandidateList>,
    sections: HashMap<String, SectionId>,
    implicit_sections: HashMap<ListId, SectionId>,
    persons: HashMap<String, PersonId>,
    /// Persons of the document not imported, with why.
    skipped_persons: HashMap<String, String>,
}

impl<'a, 'w> Importer<'a, 'w> {
    fn new(
        w: &'w mut dyn CampaignWrite,
        actor: ParticipantId,
        now: DateTime<Utc>,
        options: &'a PopoloImportOptions,
        own: bool,
    ) -> Importer<'a, 'w> {
        Importer {
            w,
            actor,
            now,
            options,
            own,
            report: PopoloImportReport {
                own_format: own,
                ..PopoloImportReport::default()
            },
            created_persons: HashSet::new(),
            elections: HashMap::new(),
            rounds: HashMap::new(),
            areas: HashMap::new(),
            nuances: HashMap::new(),
            lists: HashMap::new(),
            sections: HashMap::new(),
            implicit_sections: HashMap::new(),
            persons: HashMap::new(),
            skipped_persons: HashMap::new(),
        }
    }

    fn skip(&mut self, path: impl Into<String>, reason: impl Into<String>) {
        self.report.skipped.push(Skipped {
            path: path.into(),
            reason: reason.into(),
        });
    }

    fn fail(&self, path: &str, message: impl Into<String>) -> Error {
        Error::invalid_at(Location::file(&self.options.source).field(path), message)
    }

    /// A record of this library's own format, read strictly.
    fn typed<T: serde::de::DeserializeOwned>(&self, value: &Value, path: &str) -> Result<T> {
        serde_json::from_value(value.clone())
            .map_err(|e| self.fail(path, format!("cannot read this record back: {e}")))
    }

    fn run(&mut self, top: &Map<String, Value>) -> Result<()> {
        const COLLECTIONS: [&str; 6] = [
            "events",
            "areas",
            "organizations",
            "posts",
            "persons",
            "memberships",
        ];
        let single_person = !COLLECTIONS.iter().any(|key| top.contains_key(*key))
            && (top.contains_key("name") || top.contains_key("family_name"));
        if single_person {
            let person = Value::Object(top.clone());
            self.person(&person, "")?;
            return Ok(());
        }

        for key in top.keys() {
            if !COLLECTIONS.contains(&key.as_str()) && key != EXTENSION {
                self.skip(key.clone(), "not a collection this library imports");
            }
        }
        let collection = |key: &str| -> Result<Vec<Value>> {
            match top.get(key) {
                None | Some(Value::Null) => Ok(Vec::new()),
                Some(Value::Array(items)) => Ok(items.clone()),
                Some(_) => Err(Error::invalid_at(
                    Location::file(&self.options.source).field(key),
                    format!("expected `{key}` to be an array"),
                )),
            }
        };
        let events = collection("events")?;
        let areas = collection("areas")?;
        let organizations = collection("organizations")?;
        let posts = collection("posts")?;
        let persons = collection("persons")?;
        let memberships = collection("memberships")?;

        if !self.own {
            self.skip_all(
                "events",
                &events,
                "events from other tools are not imported",
            );
            self.skip_all("areas", &areas, "areas from other tools are not imported");
            self.skip_all(
                "organizations",
                &organizations,
                "organizations from other tools are not imported",
            );
            self.skip_all("posts", &posts, "posts from other tools are not imported");
        } else {
            self.events(&events)?;
            self.areas(&areas)?;
            self.organizations(&organizations)?;
            for (index, post) in posts.iter().enumerate() {
                self.typed::<Post>(post, &item("posts", index))?;
            }
        }

        for (index, person) in persons.iter().enumerate() {
            self.person(person, &item("persons", index))?;
        }

        if self.own {
            self.memberships(&memberships)?;
        } else {
            self.skip_all(
                "memberships",
                &memberships,
                "memberships from other tools are not imported: the candidacies come from the \
                 official files",
            );
        }
        Ok(())
    }

    fn skip_all(&mut self, key: &str, items: &[Value], reason: &str) {
        for index in 0..items.len() {
            self.skip(item(key, index), reason);
        }
    }

    // ----- elections, areas, organizations (own format) -------------------------

    fn events(&mut self, events: &[Value]) -> Result<()> {
        let mut parsed = Vec::new();
        for (index, value) in events.iter().enumerate() {
            let path = item("events", index);
            parsed.push((path.clone(), self.typed::<Event>(value, &path)?));
        }

        for (path, event) in &parsed {
            if event.classification != "election" {
                continue;
            }
            let Some(kind) = event.ext.kind else {
                return Err(self.fail(path, "expected the election's kind in `+candidats`"));
            };
            let mut rounds: Vec<Round> = parsed
                .iter()
                .filter(|(_, e)| e.parent_id.as_deref() == Some(event.id.as_str()))
                .filter_map(|(_, e)| {
                    e.ext.round.map(|number| Round {
                        number,
                        date: e.start_date,
                    })
                })
                .collect();
            rounds.sort_by_key(|round| round.number);
            if self.w.election_named(&event.name)?.is_some() {
                return Err(Error::conflict(format!(
                    "the store already has an election named `{}` ({}, {path}): a Popolo \
                     import creates elections, it does not merge them",
                    event.name, self.options.source
                )));
            }

            let id = ElectionId::new(self.w.allocate(RecordKind::Election)?);
            let election = Election::new(id, kind, &event.name, rounds)
                .map_err(|e| self.fail(path, e.to_string()))?;
            self.w.put_election(&election)?;
            self.audit(
                RecordKind::Election,
                id.get(),
                serde_json::to_value(&election).ok(),
                None,
            )?;
            self.elections.insert(event.id.clone(), id);
            self.report.elections.push(id);
        }

        for (path, event) in &parsed {
            match event.classification.as_str() {
                "election" => {}
                "election round" => {
                    let parent = event.parent_id.as_deref().unwrap_or_default();
                    let (Some(election), Some(round)) =
                        (self.elections.get(parent), event.ext.round)
                    else {
                        return Err(self.fail(
                            path,
                            "expected a round with its number and the election as `parent_id`",
                        ));
                    };
                    self.rounds.insert(event.id.clone(), (*election, round));
                }
                other => self.skip(
                    path.clone(),
                    format!("an event of classification `{other}` is not an election"),
                ),
            }
        }
        Ok(())
    }

    fn areas(&mut self, areas: &[Value]) -> Result<()> {
        let mut parsed = Vec::new();
        for (index, value) in areas.iter().enumerate() {
            let path = item("areas", index);
            let area = self.typed::<Area>(value, &path)?;
            let id = ConstituencyId::new(self.w.allocate(RecordKind::Constituency)?);
            if self.areas.insert(area.id.clone(), id).is_some() {
                return Err(self.fail(&path, format!("the area `{}` is given twice", area.id)));
            }
            parsed.push((path, area, id));
        }

        let mut done: HashSet<ConstituencyId> = HashSet::new();
        while done.len() < parsed.len() {
            let before = done.len();
            for (path, area, id) in &parsed {
                if done.contains(id) {
                    continue;
                }
                let parent = match &area.parent_id {
                    Some(parent) => match self.areas.get(parent) {
                        Some(parent) => Some(*parent),
                        None => {
                            return Err(self.fail(path, format!("unknown parent area `{parent}`")))
                        }
                    },
                    None => None,
                };
                if parent.is_some_and(|p| !done.contains(&p)) {
                    continue;
                }
                let Some(election) = self.elections.get(&area.ext.election_id).copied() else {
                    return Err(
                        self.fail(path, format!("unknown election `{}`", area.ext.election_id))
                    );
                };
                let constituency = Constituency {
                    id: *id,
                    election,
                    parent,
                    kind: ConstituencyKind::from_name(&area.classification)
                        .map_err(|e| self.fail(path, e.to_string()))?,
                    code: area.identifier.clone().unwrap_or_default(),
                    name: Name::new(area.name.as_str())
                        .map_err(|e| self.fail(path, e.to_string()))?,
                };
                self.w.put_constituency(&constituency)?;
                done.insert(*id);
                self.report.constituencies += 1;
            }
            if done.len() == before {
                return Err(self.fail("areas", "the areas' parents form a cycle"));
            }
        }
        Ok(())
    }

    fn organizations(&mut self, organizations: &[Value]) -> Result<()> {
        let mut lists = Vec::new();
        let mut sections = Vec::new();
        for (index, value) in organizations.iter().enumerate() {
            let path = item("organizations", index);
            let classification = value
                .get("classification")
                .and_then(Value::as_str)
                .unwrap_or_default();
            match classification {
                NUANCE => {
                    let org = self.typed::<Organization>(value, &path)?;
                    let Some(code) = org.identifier(NUANCE_SCHEME).map(str::to_string) else {
                        return Err(self.fail(&path, "expected the nuance's code as identifier"));
                    };
                    let label = Some(org.name.clone()).filter(|name| *name != code);
                    self.nuances.insert(org.id, Nuance { code, label });
                }
                CANDIDATE_LIST => {
                    lists.push((path.clone(), self.typed::<Organization>(value, &path)?))
                }
                LIST_SECTION => {
                    sections.push((path.clone(), self.typed::<Organization>(value, &path)?))
                }
                other => self.skip(
                    path,
                    format!("an organization of classification `{other}` is not a list"),
                ),
            }
        }

        for (path, org) in lists {
            let event = org.ext.event_id.as_deref().unwrap_or_default();
            let Some((election, round)) = self.rounds.get(event).copied() else {
                return Err(self.fail(&path, format!("unknown round `{event}`")));
            };
            let constituency = self.area(org.area_id.as_deref(), &path)?;
            let nuance = match &org.ext.nuance_id {
                Some(id) => Some(self.nuance(id, &path)?),
                None => None,
            };
            let list = CandidateList {
                id: ListId::new(self.w.allocate(RecordKind::List)?),
                election,
                round,
                constituency,
                panel: org.ext.panel,
                short_label: org
                    .other_names
                    .iter()
                    .find(|n| n.note.as_deref() == Some(SHORT_LABEL))
                    .map(|n| n.name.clone()),
                label: Name::new(org.name.as_str()).map_err(|e| self.fail(&path, e.to_string()))?,
                nuance,
            };
            self.w.put_list(&list)?;
            self.report.lists += 1;
            for (index, detail) in org.contact_details.iter().enumerate() {
                let detail_path = item(&field(&path, "contact_details"), index);
                self.detail(Owner::List(list.id), detail, &detail_path, None)?;
            }
            self.lists.insert(org.id, list);
        }

        for (path, org) in sections {
            let parent = org.parent_id.as_deref().unwrap_or_default();
            let Some(list) = self.lists.get(parent).map(|l| l.id) else {
                return Err(self.fail(&path, format!("unknown list `{parent}`")));
            };
            let section = Section {
                id: SectionId::new(self.w.allocate(RecordKind::Section)?),
                list,
                constituency: self.area(org.area_id.as_deref(), &path)?,
                code: org
                    .identifier(SECTION_SCHEME)
                    .unwrap_or_default()
                    .to_string(),
                implicit: false,
            };
            self.w.put_section(&section)?;
            self.report.sections += 1;
            self.sections.insert(org.id, section.id);
        }
        Ok(())
    }

    fn area(&self, id: Option<&str>, path: &str) -> Result<ConstituencyId> {
        let id = id.unwrap_or_default();
        self.areas
            .get(id)
            .copied()
            .ok_or_else(|| self.fail(path, format!("unknown area `{id}`")))
    }

    fn nuance(&self, id: &str, path: &str) -> Result<Nuance> {
        self.nuances
            .get(id)
            .cloned()
            .ok_or_else(|| self.fail(path, format!("unknown nuance `{id}`")))
    }

    // ----- persons and contact details (both formats) ----------------------------

    fn person(&mut self, value: &Value, path: &str) -> Result<()> {
        let Value::Object(record) = value else {
            self.skip(path, "expected a person object");
            return Ok(());
        };
        let id = record.get("id").and_then(Value::as_str).map(str::to_string);
        let text = |key: &str| record.get(key).and_then(Value::as_str);

        // Names are kept as written, spaces included, as the official files
        // give them.
        let (surname, first_name) = match (text("family_name"), text("name")) {
            (Some(family), _) if !family.trim().is_empty() => (family, text("given_name")),
            (_, Some(name)) if !name.trim().is_empty() => (name, None),
            _ => {
                let reason = "a person needs a `family_name` or a `name`";
                self.skip(path, reason);
                if let Some(id) = id {
                    self.skipped_persons.insert(id, reason.into());
                }
                return Ok(());
            }
        };
        let names = Name::new(surname).and_then(|surname| {
            let first = first_name
                .filter(|first| !first.trim().is_empty())
                .map(Name::new)
                .transpose()?;
            Ok((surname, first))
        });
        let (surname, first_name) = match names {
            Ok(names) => names,
            Err(error) => {
                let reason = format!("the name cannot be kept: {error}");
                self.skip(path, reason.clone());
                if let Some(id) = id {
                    self.skipped_persons.insert(id, reason);
                }
                return Ok(());
            }
        };

        let mut person = Person::named(PersonId::new(0), surname, first_name);
        let mut sources: Option<String> = None;
        for (key, value) in record {
            let here = field(path, key);
            match key.as_str() {
                "id" | "name" | "family_name" | "given_name" | "sort_name" | "contact_details"
                | "email" => {}
                "gender" => match value.as_str().and_then(parse_gender) {
                    Some(sex) => person.sex = Some(sex),
                    None => self.skip(
                        here,
                        "a gender other than female or male: the official files know only these",
                    ),
                },
                "birth_date" => {
                    match value
                        .as_str()
                        .and_then(|d| NaiveDate::parse_from_str(d, "%Y-%m-%d").ok())
                    {
                        Some(date) => person.birth_date = Some(date),
                        None => self.skip(here, "not a full date (YYYY-MM-DD)"),
                    }
                }
                "national_identity" => match value.as_str() {
                    Some(nationality) => person.nationality = Some(nationality.to_string()),
                    None => self.skip(here, "expected text"),
                },
                "sources" => {
                    sources = first_url(value);
                    if sources.is_none() {
                        self.skip(here, "no URL among the sources");
                    }
                }
                _ => self.skip(here, "no such field on a person in this library"),
            }
        }

        let person = self.find_or_create(person, path)?;
        if let Some(id) = id {
            if self.persons.insert(id.clone(), person).is_some() {
                return Err(self.fail(path, format!("the person `{id}` is given twice")));
            }
        }

        if let Some(email) = text("email") {
            let detail = serde_json::json!({ "type": "email", "value": email });
            self.detail(
                Owner::Person(person),
                &detail,
                &field(path, "email"),
                sources.as_deref(),
            )?;
        }
        match record.get("contact_details") {
            None | Some(Value::Null) => {}
            Some(Value::Array(details)) => {
                for (index, detail) in details.iter().enumerate() {
                    let detail_path = item(&field(path, "contact_details"), index);
                    self.detail(
                        Owner::Person(person),
                        detail,
                        &detail_path,
                        sources.as_deref(),
                    )?;
                }
            }
            Some(_) => self.skip(field(path, "contact_details"), "expected an array"),
        }
        Ok(())
    }

    /// The person already in the store by the matching rule, or a new one.
    fn find_or_create(&mut self, wanted: Person, path: &str) -> Result<PersonId> {
        let first = wanted.first_name.as_ref().map(Name::as_str);
        let mut matches = Vec::new();
        if self.options.person_match != PersonMatch::Never
            && (self.options.person_match != PersonMatch::NameAndBirthDate
                || wanted.birth_date.is_some())
        {
            let upper = wanted.surname.as_str().to_uppercase();
            let mut spellings = vec![wanted.surname.as_str()];
            if upper != wanted.surname.as_str() {
                spellings.push(&upper);
            }
            for surname in spellings {
                matches = self
                    .w
                    .persons_named(surname, first)?
                    .into_iter()
                    .filter(|p| !self.created_persons.contains(&p.id))
                    .filter(|p| {
                        self.options.person_match == PersonMatch::Name
                            || p.birth_date == wanted.birth_date
                    })
                    .map(|p| p.id)
                    .collect();
                if !matches.is_empty() {
                    break;
                }
            }
        }

        if let [only] = matches.as_slice() {
            self.report.persons_reused += 1;
            return Ok(*only);
        }
        let id = PersonId::new(self.w.allocate(RecordKind::Person)?);
        self.w.put_person(&Person { id, ..wanted })?;
        self.created_persons.insert(id);
        self.report.persons_created += 1;
        if matches.len() > 1 {
            self.report.ambiguous.push(PopoloAmbiguity {
                path: path.to_string(),
                candidates: matches,
                created: id,
            });
        }
        Ok(id)
    }

    /// Adds one contact detail, or reports why it cannot.
    fn detail(
        &mut self,
        owner: Owner,
        value: &Value,
        path: &str,
        fallback_source: Option<&str>,
    ) -> Result<()> {
        let Value::Object(record) = value else {
            self.skip(path, "expected a contact detail object");
            return Ok(());
        };
        let text = |key: &str| record.get(key).and_then(Value::as_str).map(str::to_string);
        let ext = match record.get(EXTENSION) {
            Some(ext) if self.own => Some(
                serde_json::from_value::<DetailExt>(ext.clone())
                    .map_err(|e| self.fail(&field(path, EXTENSION), e.to_string()))?,
            ),
            _ => None,
        };

        let (Some(kind), Some(raw)) = (text("type"), text("value")) else {
            self.skip(path, "a contact detail needs a `type` and a `value`");
            return Ok(());
        };
        let channel = match &ext {
            Some(ext) => Channel::parse(&ext.channel).ok(),
            None => channel_of(&kind),
        };
        let Some(channel) = channel else {
            self.skip(
                path,
                format!("the type `{kind}` is not a channel this library keeps"),
            );
            return Ok(());
        };
        let point = match ContactPoint::new(channel, &raw) {
            Ok(point) => point,
            Err(error) => {
                self.skip(path, error.to_string());
                return Ok(());
            }
        };

        let mut source = ext.as_ref().and_then(|e| e.source.clone());
        let mut status = ext.as_ref().map_or(DetailStatus::Unverified, |e| e.status);
        for (key, value) in record {
            let here = field(path, key);
            match key.as_str() {
                "type" | "value" | "label" | "note" | EXTENSION => {}
                "valid_from" if self.own => {}
                "valid_from" => self.skip(
                    here,
                    "the library keeps when a detail was found, not from when it is valid",
                ),
                "valid_through" => {
                    let date = value
                        .as_str()
                        .and_then(|d| NaiveDate::parse_from_str(d, "%Y-%m-%d").ok());
                    match date {
                        Some(date) if date <= self.now.date_naive() => {
                            status = DetailStatus::Obsolete
                        }
                        _ => self.skip(
                            here,
                            "only a full date already past can be kept, as an obsolete detail",
                        ),
                    }
                }
                "sources" => {
                    let urls = urls(value);
                    if source.is_none() {
                        source = urls.first().cloned();
                    }
                    if urls.len() > 1 {
                        self.skip(here, "the library keeps one source per detail: the first");
                    } else if urls.is_empty() {
                        self.skip(here, "no URL among the sources");
                    }
                }
                _ => self.skip(here, "no such field on a contact detail in this library"),
            }
        }

        let source = source
            .or_else(|| fallback_source.map(str::to_string))
            .unwrap_or_else(|| self.options.source.clone());
        let detail = ContactDetail {
            id: ContactDetailId::new(0),
            owner,
            point,
            label: text("label"),
            source,
            added_by: self.actor,
            added_at: ext.as_ref().map_or(self.now, |e| e.added_at),
            status,
            visibility: ext
                .as_ref()
                .map_or(self.options.visibility, |e| e.visibility),
            note: text("note"),
        };
        if let Err(error) = detail.check() {
            self.skip(path, error.to_string());
            return Ok(());
        }
        let known = self
            .w
            .contact_details(Some(owner))?
            .iter()
            .any(|d| d.point == detail.point);
        if known {
            self.report.contact_details_known += 1;
            return Ok(());
        }

        let detail = ContactDetail {
            id: ContactDetailId::new(self.w.allocate(RecordKind::ContactDetail)?),
            ..detail
        };
        self.w.put_contact_detail(&detail)?;
        let person = match owner {
            Owner::Person(p) => Some(p),
            Owner::List(_) => None,
        };
        self.audit(
            RecordKind::ContactDetail,
            detail.id.get(),
            serde_json::to_value(&detail).ok(),
            person,
        )?;
        self.report.contact_details_added += 1;
        Ok(())
    }

    fn audit(
        &mut self,
        kind: RecordKind,
        record: i64,
        after: Option<Value>,
        person: Option<PersonId>,
    ) -> Result<()> {
        let entry = AuditRecord {
            id: candidats_core::AuditId::new(self.w.allocate(RecordKind::Audit)?),
            actor: Some(self.actor),
            at: self.now,
            source: Some(self.options.source.clone()),
            kind,
            record,
            action: AuditAction::Create,
            before: None,
            after,
            person,
            reverts: None,
        };
        self.w.append_audit(&entry)
    }

    // ----- memberships (own format) ---------------------------------------------

    fn memberships(&mut self, memberships: &[Value]) -> Result<()> {
        let mut parsed = Vec::new();
        let mut ids: HashMap<String, CandidacyId> = HashMap::new();
        for (index, value) in memberships.iter().enumerate() {
            let path = item("memberships", index);
            let membership = self.typed::<Membership>(value, &path)?;
            let id = CandidacyId::new(self.w.allocate(RecordKind::Candidacy)?);
            if ids.insert(membership.id.clone(), id).is_some() {
                return Err(self.fail(
                    &path,
                    format!("the membership `{}` is given twice", membership.id),
                ));
            }
            parsed.push((path, membership, id));
        }

        let mut candidacies = Vec::new();
        for (path, m, id) in &parsed {
            let link = |key: &Option<String>| -> Result<Option<CandidacyId>> {
                match key {
                    Some(key) => ids
                        .get(key)
                        .copied()
                        .map(Some)
                        .ok_or_else(|| self.fail(path, format!("unknown membership `{key}`"))),
                    None => Ok(None),
                }
            };
            let substitute_of = link(&m.ext.substitute_of)?;
            let partner = link(&m.ext.partner_id)?;
            let Some((election, round)) = self.rounds.get(&m.ext.event_id).copied() else {
                return Err(self.fail(path, format!("unknown round `{}`", m.ext.event_id)));
            };
            let person = match self.persons.get(&m.person_id) {
                Some(person) => *person,
                None => {
                    let why = self
                        .skipped_persons
                        .get(&m.person_id)
                        .map(|reason| format!(" (skipped: {reason})"))
                        .unwrap_or_default();
                    return Err(self.fail(path, format!("unknown person `{}`{why}", m.person_id)));
                }
            };

            let seat = match (&m.organization_id, substitute_of, m.ext.pair) {
                (Some(list), _, _) => {
                    let Some(list) = self.lists.get(list).cloned() else {
                        return Err(self.fail(path, format!("unknown list `{list}`")));
                    };
                    let Some(order) = m.ext.order else {
                        return Err(self.fail(path, "expected the list position `order`"));
                    };
                    let section = match &m.ext.section_id {
                        Some(section) => match self.sections.get(section) {
                            Some(section) => *section,
                            None => {
                                return Err(self.fail(path, format!("unknown section `{section}`")))
                            }
                        },
                        None => self.implicit_section(&list)?,
                    };
                    Seat::List {
                        list: list.id,
                        section,
                        order,
                    }
                }
                (None, Some(of), _) => Seat::Substitute { of },
                (None, None, Some(index)) => Seat::Pair {
                    index,
                    partner: None,
                },
                (None, None, None) => Seat::Single,
            };
            let nuance = match &m.on_behalf_of_id {
                Some(nuance) => Some(self.nuance(nuance, path)?),
                None => None,
            };
            candidacies.push((
                Candidacy {
                    id: *id,
                    person,
                    election,
                    round,
                    constituency: self.area(Some(&m.area_id), path)?,
                    seat,
                    roles: m.ext.roles,
                    nuance,
                    panel: m.ext.panel,
                    outgoing: m.ext.outgoing,
                    community_council: m.ext.community_council,
                    withdrawn: m.ext.withdrawn,
                    profession: m.ext.profession.clone(),
                },
                partner,
            ));
        }

        // Candidates before their substitutes; pairs linked once both exist.
        candidacies.sort_by_key(|(c, _)| matches!(c.seat, Seat::Substitute { .. }));
        for (candidacy, _) in &candidacies {
            self.w.put_candidacy(candidacy)?;
            self.report.candidacies += 1;
        }
        for (candidacy, partner) in candidacies {
            if let (Seat::Pair { index, .. }, Some(partner)) = (candidacy.seat, partner) {
                self.w.put_candidacy(&Candidacy {
                    seat: Seat::Pair {
                        index,
                        partner: Some(partner),
                    },
                    ..candidacy
                })?;
            }
        }
        Ok(())
    }

    /// The one section of a list without sections, created on first use.
    fn implicit_section(&mut self, list: &CandidateList) -> Result<SectionId> {
        if let Some(section) = self.implicit_sections.get(&list.id) {
            return Ok(*section);
        }
        let section = Section {
            id: SectionId::new(self.w.allocate(RecordKind::Section)?),
            list: list.id,
            constituency: list.constituency,
            code: String::new(),
            implicit: true,
        };
        self.w.put_section(&section)?;
        self.report.sections += 1;
        self.implicit_sections.insert(list.id, section.id);
        Ok(section.id)
    }
}

fn parse_gender(text: &str) -> Option<Sex> {
    match text.trim().to_lowercase().as_str() {
        "female" | "f" | "woman" | "femme" | "féminin" => Some(Sex::Female),
        "male" | "m" | "man" | "homme" | "masculin" => Some(Sex::Male),
        _ => None,
    }
}

/// The URLs of a Popolo `sources` array.
fn urls(value: &Value) -> Vec<String> {
    value
        .as_array()
        .map(|links| {
            links
                .iter()
                .filter_map(|link| link.get("url").and_then(Value::as_str))
                .map(str::to_string)
                .collect()
        })
        .unwrap_or_default()
}

fn first_url(value: &Value) -> Option<String> {
    urls(value).into_iter().next()
}

/// The channel of a Popolo type of medium from another tool.
fn channel_of(kind: &str) -> Option<Channel> {
    let kind = kind.trim().to_lowercase();
    match kind.as_str() {
        "email" | "e-mail" | "mail" => Some(Channel::Email),
        "voice" | "cell" | "text" | "phone" | "tel" | "telephone" | "mobile" => {
            Some(Channel::Phone)
        }
        "address" | "postal" | "postal_address" => Some(Channel::Postal),
        "url" | "website" | "homepage" | "web" => Some(Channel::Website),
        "contact_form" | "web_form" | "form" => Some(Channel::WebForm),
        "twitter" | "x" | "facebook" | "mastodon" | "instagram" | "linkedin" | "youtube"
        | "bluesky" | "tiktok" | "threads" | "telegram" => Channel::social(&kind).ok(),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_names_and_labels() {
        assert_eq!(round_name(1), "1er tour");
        assert_eq!(round_name(2), "2e tour");
        assert_eq!(seat_role(ElectionKind::Legislatives), "député");
    }

    #[test]
    fn other_tools_types_map_to_channels() {
        assert_eq!(channel_of("cell"), Some(Channel::Phone));
        assert_eq!(channel_of("Email"), Some(Channel::Email));
        assert_eq!(channel_of("fax"), None);
        assert_eq!(
            channel_of("twitter").map(|c| c.code()),
            Some("social:twitter".into())
        );
    }

    #[test]
    fn only_web_addresses_are_links() {
        assert!(is_url("https://example.org/equipe"));
        assert!(!is_url("the list's leaflet"));
        assert!(!is_url("https://example.org/a b"));
    }
}
