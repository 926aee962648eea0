//! Whole files: a kind's records to CSV text and back, and loading every
//! file of a folder into a memory state, checked.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::Path;

use candidats_core::*;

use crate::cells::{Out, Row};
use crate::records::{file_of, Kind};
use crate::table::{Field, Reader, Writer};

/// The separator of the store's files.
const SEPARATOR: u8 = b',';

/// Writes records as the text of their file: the header, then one row per
/// record, in the order given (sorted by identifier).
pub(crate) fn encode<K: Kind>(records: &[K]) -> Result<String> {
    let mut writer = Writer::new(SEPARATOR, "\n");
    for column in K::COLUMNS {
        writer.field(column, false);
    }
    writer.end_record();

    for record in records {
        record.encode(&mut Out {
            writer: &mut writer,
        })?;
        writer.end_record();
    }
    Ok(writer.finish())
}

/// The text of a kind's file, from the state, and the highest identifier
/// in it.
pub(crate) fn encode_kind(kind: RecordKind, r: &dyn CampaignRead) -> Result<(String, i64)> {
    fn run<K: Kind>(r: &dyn CampaignRead) -> Result<(String, i64)> {
        let records = K::all(r)?;
        let max = records.iter().map(Kind::id).max().unwrap_or(0);
        let text = encode(&records)?;
        drop_later(records);
        Ok((text, max))
    }

    match kind {
        RecordKind::Election => run::<Election>(r),
        RecordKind::Constituency => run::<Constituency>(r),
        RecordKind::List => run::<CandidateList>(r),
        RecordKind::Section => run::<Section>(r),
        RecordKind::Person => run::<Person>(r),
        RecordKind::Candidacy => run::<Candidacy>(r),
        RecordKind::Participant => run::<Participant>(r),
        RecordKind::Responsibility => run::<Responsibility>(r),
        RecordKind::ContactDetail => run::<ContactDetail>(r),
        RecordKind::ContactAction => run::<ContactAction>(r),
        RecordKind::Pledge => run::<Pledge>(r),
        RecordKind::PledgeAnswer => run::<PledgeAnswer>(r),
        RecordKind::Marathon => run::<Marathon>(r),
        RecordKind::Template => run::<Template>(r),
        RecordKind::Proposal => run::<Proposal>(r),
        RecordKind::Audit => run::<AuditRecord>(r),
        RecordKind::Reservation => run::<Reservation>(r),
    }
}

/// The records of one file, with the line each was read on, and where each
/// canonical column sits in the file.
pub(crate) struct Parsed<K> {
    rows: Vec<(u64, K)>,
    positions: Vec<usize>,
}

impl<K: Kind> Parsed<K> {
    fn location(&self, line: u64, column: usize) -> Location {
        let position = self.positions.get(column).copied().unwrap_or(column);
        Location::file(K::FILE)
            .line(line)
            .column(position as u64 + 1)
            .field(K::COLUMNS.get(column).copied().unwrap_or("?"))
    }
}

/// Reads the text of a kind's file.
///
/// The header must name every column of the kind once, in any order, and
/// no other; every row must have as many fields as the header.
pub(crate) fn decode<K: Kind>(text: &str) -> Result<Parsed<K>> {
    let mut reader = Reader::new(K::FILE, text, SEPARATOR);
    let mut fields: Vec<Field<'_>> = Vec::new();
    let Some(header_line) = reader.next_record(&mut fields)? else {
        return Err(Error::invalid_at(
            Location::file(K::FILE).line(1),
            format!(
                "expected a header line ({}), found an empty file",
                K::COLUMNS.join(",")
            ),
        ));
    };
    let positions = header_positions::<K>(header_line, &fields)?;
    let width = fields.len();

    let mut rows = Vec::new();
    while let Some(line) = reader.next_record(&mut fields)? {
        if fields.len() != width {
            let column = fields.len().min(width) as u64 + 1;
            return Err(Error::invalid_at(
                Location::file(K::FILE).line(line).column(column),
                format!(
                    "expected {width} fields as in the header, found {}",
                    fields.len()
                ),
            ));
        }
        let row = Row {
            file: K::FILE,
            line,
            fields: &fields,
            positions: &positions,
            columns: K::COLUMNS,
        };
        rows.push((line, K::decode(&row)?));
    }
    Ok(Parsed { rows, positions })
}

fn header_positions<K: Kind>(line: u64, fields: &[Field<'_>]) -> Result<Vec<usize>> {
    if let [only] = fields {
        if only.text.contains([';', '\t']) {
            return Err(Error::invalid_at(
                Location::file(K::FILE).line(line).column(1),
                "expected `,` between columns, found `;` or a tab: the file was saved with \
                 another separator (save it as CSV with `,`)",
            ));
        }
    }
    let mut positions: Vec<Option<usize>> = vec![None; K::COLUMNS.len()];
    for (position, field) in fields.iter().enumerate() {
        let at = Location::file(K::FILE)
            .line(line)
            .column(position as u64 + 1);
        let Some(column) = K::COLUMNS.iter().position(|c| *c == field.text) else {
            return Err(Error::invalid_at(
                at,
                format!(
                    "unknown column `{}`: expected the columns {}",
                    field.text,
                    K::COLUMNS.join(",")
                ),
            ));
        };
        if positions[column].replace(position).is_some() {
            return Err(Error::invalid_at(
                at,
                format!("column `{}` appears twice", field.text),
            ));
        }
    }
    positions
        .iter()
        .enumerate()
        .map(|(column, position)| {
            position.ok_or_else(|| {
                Error::invalid_at(
                    Location::file(K::FILE)
                        .line(line)
                        .column(fields.len() as u64 + 1)
                        .field(K::COLUMNS[column]),
                    format!("missing column `{}`", K::COLUMNS[column]),
                )
            })
        })
        .collect()
}

/// Reads and decodes a kind's file in `dir`, and checks that no
/// identifier is used twice.
fn parse<K: Kind>(dir: &Path) -> Result<Parsed<K>> {
    let path = dir.join(K::FILE);
    let bytes = std::fs::read(&path).map_err(|e| Error::io("read", path.display(), e))?;
    let text = utf8(K::FILE, bytes)?;
    let parsed = decode::<K>(&text)?;

    let mut lines: HashMap<i64, u64> = HashMap::with_capacity(parsed.rows.len());
    for (line, record) in &parsed.rows {
        if let Some(first) = lines.insert(record.id(), *line) {
            return Err(Error::invalid_at(
                parsed.location(*line, 0),
                format!("identifier {} is already used on line {first}", record.id()),
            ));
        }
    }
    Ok(parsed)
}

/// The identifiers of each kind read so far, to check references.
#[derive(Default)]
struct Known {
    ids: HashMap<RecordKind, HashSet<i64>>,
}

impl Known {
    fn add<K: Kind>(&mut self, parsed: &Parsed<K>) {
        self.ids
            .insert(K::KIND, parsed.rows.iter().map(|(_, r)| r.id()).collect());
    }

    /// Checks that every record a kind's records name exists.
    fn check<K: Kind>(&self, parsed: &Parsed<K>) -> Result<()> {
        let mut refs = Vec::new();
        for (line, record) in &parsed.rows {
            refs.clear();
            record.references(&mut refs);
            for (column, kind, id) in &refs {
                let known = self.ids.get(kind).is_some_and(|ids| ids.contains(id));
                if !known {
                    return Err(Error::invalid_at(
                        parsed.location(*line, *column),
                        format!("{kind} {id} does not exist in {}", file_of(*kind)),
                    ));
                }
            }
        }
        Ok(())
    }
}

/// Reads every file of a folder into a fresh state: all of it, or nothing
/// and the first problem found. Also returns the highest identifier of
/// each kind.
///
/// The audit history, the largest file and the one no other names, is read
/// on a second thread while the other kinds are checked and stored.
pub(crate) fn load(dir: &Path) -> Result<(MemoryState, BTreeMap<RecordKind, i64>)> {
    std::thread::scope(|scope| {
        let audit = scope.spawn(|| parse::<AuditRecord>(dir));
        let (mut state, mut max) = load_official_and_work(dir)?;

        let audit = audit.join().map_err(|_| {
            Error::backend(
                format!("cannot read {}", AuditRecord::FILE),
                std::io::Error::other("its reader stopped"),
            )
        })??;
        max.insert(RecordKind::Audit, highest(&audit));
        put(&mut state, &audit, None)?;
        drop_later(audit);
        Ok((state, max))
    })
}

fn highest<K: Kind>(parsed: &Parsed<K>) -> i64 {
    parsed.rows.iter().map(|(_, r)| r.id()).max().unwrap_or(0)
}

/// Loads every kind but the audit history.
fn load_official_and_work(dir: &Path) -> Result<(MemoryState, BTreeMap<RecordKind, i64>)> {
    let elections = parse::<Election>(dir)?;
    let constituencies = parse::<Constituency>(dir)?;
    let lists = parse::<CandidateList>(dir)?;
    let sections = parse::<Section>(dir)?;
    let persons = parse::<Person>(dir)?;
    let candidacies = parse::<Candidacy>(dir)?;
    let participants = parse::<Participant>(dir)?;
    let responsibilities = parse::<Responsibility>(dir)?;
    let details = parse::<ContactDetail>(dir)?;
    let marathons = parse::<Marathon>(dir)?;
    let templates = parse::<Template>(dir)?;
    let actions = parse::<ContactAction>(dir)?;
    let pledges = parse::<Pledge>(dir)?;
    let answers = parse::<PledgeAnswer>(dir)?;
    let proposals = parse::<Proposal>(dir)?;
    let reservations = parse::<Reservation>(dir)?;

    let mut known = Known::default();
    known.add(&elections);
    known.add(&constituencies);
    known.add(&lists);
    known.add(&sections);
    known.add(&persons);
    known.add(&candidacies);
    known.add(&participants);
    known.add(&marathons);
    known.add(&templates);
    known.add(&pledges);
    known.check(&constituencies)?;
    known.check(&lists)?;
    known.check(&sections)?;
    known.check(&candidacies)?;
    known.check(&responsibilities)?;
    known.check(&details)?;
    known.check(&marathons)?;
    known.check(&templates)?;
    known.check(&actions)?;
    known.check(&answers)?;
    known.check(&proposals)?;
    known.check(&reservations)?;

    let max = BTreeMap::from([
        (RecordKind::Election, highest(&elections)),
        (RecordKind::Constituency, highest(&constituencies)),
        (RecordKind::List, highest(&lists)),
        (RecordKind::Section, highest(&sections)),
        (RecordKind::Person, highest(&persons)),
        (RecordKind::Candidacy, highest(&candidacies)),
        (RecordKind::Participant, highest(&participants)),
        (RecordKind::Responsibility, highest(&responsibilities)),
        (RecordKind::ContactDetail, highest(&details)),
        (RecordKind::Marathon, highest(&marathons)),
        (RecordKind::Template, highest(&templates)),
        (RecordKind::ContactAction, highest(&actions)),
        (RecordKind::Pledge, highest(&pledges)),
        (RecordKind::PledgeAnswer, highest(&answers)),
        (RecordKind::Proposal, highest(&proposals)),
        (RecordKind::Reservation, highest(&reservations)),
    ]);

    let mut state = MemoryState::default();
    put(&mut state, &elections, None)?;
    let order = parents_first(&constituencies)?;
    put(&mut state, &constituencies, Some(&order))?;
    put(&mut state, &lists, None)?;
    put(&mut state, &sections, None)?;
    put(&mut state, &persons, None)?;
    put(&mut state, &candidacies, None)?;
    put(&mut state, &participants, None)?;
    put(&mut state, &responsibilities, None)?;
    put(&mut state, &details, None)?;
    put(&mut state, &marathons, None)?;
    put(&mut state, &templates, None)?;
    put(&mut state, &actions, None)?;
    put(&mut state, &pledges, None)?;
    put(&mut state, &answers, None)?;
    put(&mut state, &proposals, None)?;
    put(&mut state, &reservations, None)?;
    drop_later((persons, candidacies, actions, details, answers, proposals));
    Ok((state, max))
}

/// Frees a large collection on a thread of its own, so that the caller
/// does not wait for thousands of records (and their JSON values) to be
/// freed; it is freed in place when no thread can be started.
fn drop_later<T: Send + 'static>(value: T) {
    let spawned = std::thread::Builder::new()
        .name("candidats-csv-free".into())
        .spawn(move || drop(value));
    if let Err(error) = spawned {
        tracing::debug!(%error, "freeing in place");
    }
}

/// Stores the records of a file into the state, in the order given (the
/// file's order by default); an integrity error (a unique key taken twice)
/// points at the record's line and key column.
fn put<K: Kind>(
    state: &mut MemoryState,
    parsed: &Parsed<K>,
    order: Option<&[usize]>,
) -> Result<()> {
    let mut store = |index: usize| -> Result<()> {
        let (line, record) = &parsed.rows[index];
        record.put(state).map_err(|error| {
            let message = match error {
                Error::InvalidInput { message, .. } => message,
                other => other.to_string(),
            };
            Error::invalid_at(parsed.location(*line, K::KEY_COLUMN), message)
        })
    };
    match order {
        Some(order) => order.iter().try_for_each(|index| store(*index)),
        None => (0..parsed.rows.len()).try_for_each(store),
    }
}

/// The constituencies' indexes, each after its parent.
fn parents_first(parsed: &Parsed<Constituency>) -> Result<Vec<usize>> {
    let index: HashMap<ConstituencyId, usize> = parsed
        .rows
        .iter()
        .enumerate()
        .map(|(i, (_, c))| (c.id, i))
        .collect();
    let mut placed = vec![false; parsed.rows.len()];
    let mut order = Vec::with_capacity(parsed.rows.len());

    for start in 0..parsed.rows.len() {
        let mut path = Vec::new();
        let mut current = Some(start);
        while let Some(i) = current {
            if placed[i] {
                break;
            }
            if path.contains(&i) {
                let (line, c) = &parsed.rows[i];
                return Err(Error::invalid_at(
                    parsed.location(*line, 2),
                    format!("constituency {} is its own ancestor", c.id),
                ));
            }
            path.push(i);
            current = parsed.rows[i]
                .1
                .parent
                .and_then(|parent| index.get(&parent).copied());
        }
        for i in path.into_iter().rev() {
            placed[i] = true;
            order.push(i);
        }
    }
    Ok(order)
}

/// The bytes of a file as text, or an error at the line and column of the
/// first byte that is not UTF-8.
pub(crate) fn utf8(file: &str, bytes: Vec<u8>) -> Result<String> {
    String::from_utf8(bytes).map_err(|error| {
        let valid = &error.as_bytes()[..error.utf8_error().valid_up_to()];
        let line_start = valid.iter().rposition(|b| *b == b'\n').map_or(0, |i| i + 1);
        let line = valid.iter().filter(|b| **b == b'\n').count() as u64 + 1;
        let column = valid[line_start..]
            .iter()
            .filter(|b| **b == SEPARATOR)
            .count() as u64
            + 1;
        Error::invalid_at(
            Location::file(file).line(line).column(column),
            "expected UTF-8 text, found bytes in another encoding (save the file as UTF-8)",
        )
    })
}
