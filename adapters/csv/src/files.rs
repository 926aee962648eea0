//! Whole files: a kind's records to CSV text and back, and loading every
//! file of a folder into a memory state, checked.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::Path;

use candidats_core::*;

use crate::cells::{Out, Row};
use crate::records::{file_of, Kind};
use crate::table::{Field, Reader, Writer};

/// The separator of the store's files.
const SEPARATOR: char = ',';

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
        Ok((encode(&records)?, max))
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
    let mut reader = Reader::new(K::FILE, text, SEPARATOR as u8);
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

/// What loading learnt besides the records: the highest identifier of each
/// kind.
pub(crate) struct Loader<'d> {
    dir: &'d Path,
    ids: HashMap<RecordKind, HashSet<i64>>,
    pub max: BTreeMap<RecordKind, i64>,
}

impl<'d> Loader<'d> {
    pub fn new(dir: &'d Path) -> Loader<'d> {
        Loader {
            dir,
            ids: HashMap::new(),
            max: BTreeMap::new(),
        }
    }

    /// Reads and decodes a kind's file, and checks that no identifier is
    /// used twice.
    fn parse<K: Kind>(&mut self) -> Result<Parsed<K>> {
        let path = self.dir.join(K::FILE);
        let bytes = std::fs::read(&path).map_err(|e| Error::io("read", path.display(), e))?;
        let text = utf8(K::FILE, bytes)?;
        let parsed = decode::<K>(&text)?;

        let mut lines: HashMap<i64, u64> = HashMap::with_capacity(parsed.rows.len());
        for (line, record) in &parsed.rows {
            if let Some(first) = lines.insert(record.id(), *line) {
                return Err(Error::invalid_at(
                    parsed.location(*line, 0),
                    format!(
                        "identifier {} is already used on line {first}",
                        record.id()
                    ),
                ));
            }
        }
        let max = lines.keys().copied().max().unwrap_or(0);
        self.max.insert(K::KIND, max);
        self.ids.insert(K::KIND, lines.into_keys().collect());
        Ok(parsed)
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

    /// Reads every file of the folder into a fresh state: all of it, or
    /// nothing and the first problem found.
    pub fn load(&mut self) -> Result<MemoryState> {
        let elections = self.parse::<Election>()?;
        let constituencies = self.parse::<Constituency>()?;
        let lists = self.parse::<CandidateList>()?;
        let sections = self.parse::<Section>()?;
        let persons = self.parse::<Person>()?;
        let candidacies = self.parse::<Candidacy>()?;
        let participants = self.parse::<Participant>()?;
        let responsibilities = self.parse::<Responsibility>()?;
        let details = self.parse::<ContactDetail>()?;
        let marathons = self.parse::<Marathon>()?;
        let templates = self.parse::<Template>()?;
        let actions = self.parse::<ContactAction>()?;
        let pledges = self.parse::<Pledge>()?;
        let answers = self.parse::<PledgeAnswer>()?;
        let proposals = self.parse::<Proposal>()?;
        let reservations = self.parse::<Reservation>()?;
        let audit = self.parse::<AuditRecord>()?;

        self.check(&elections)?;
        self.check(&constituencies)?;
        self.check(&lists)?;
        self.check(&sections)?;
        self.check(&persons)?;
        self.check(&candidacies)?;
        self.check(&participants)?;
        self.check(&responsibilities)?;
        self.check(&details)?;
        self.check(&marathons)?;
        self.check(&templates)?;
        self.check(&actions)?;
        self.check(&pledges)?;
        self.check(&answers)?;
        self.check(&proposals)?;
        self.check(&reservations)?;
        self.check(&audit)?;

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
        put(&mut state, &audit, None)?;
        Ok(state)
    }
}

/// Stores the records of a file into the state, in the order given (the
/// file's order by default); an integrity error (a unique key taken twice)
/// points at the record's line and key column.
fn put<K: Kind>(state: &mut MemoryState, parsed: &Parsed<K>, order: Option<&[usize]>) -> Result<()> {
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
        let line_start = valid
            .iter()
            .rposition(|b| *b == b'\n')
            .map_or(0, |i| i + 1);
        let line = valid.iter().filter(|b| **b == b'\n').count() as u64 + 1;
        let column = valid[line_start..]
            .iter()
            .filter(|b| **b == SEPARATOR as u8)
            .count() as u64
            + 1;
        Error::invalid_at(
            Location::file(file).line(line).column(column),
            "expected UTF-8 text, found bytes in another encoding (save the file as UTF-8)",
        )
    })
}
