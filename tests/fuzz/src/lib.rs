//! The fuzz targets of `candidats`, as plain functions: each takes any
//! bytes, must not panic, and checks the target's own promises with
//! assertions. `fuzz_targets/` runs them under libFuzzer (`cargo fuzz`);
//! the facade's `tests/hostile.rs` runs them over the seed corpora and
//! generated inputs in a plain `cargo test`.
//!
//! | function | what it feeds | its own checks |
//! |---|---|---|
//! | [`import_file`] | a candidate file to `CandidateReader` and `Campaign::import` | every error names the file and line; an import that succeeds leaves a readable store, and importing again changes nothing |
//! | [`layout`] | a layout file, then a candidate file read with it | every error names the layout file (and a line) |
//! | [`csv_store`] | the files of a CSV store folder to `CsvStore::open` | a refused folder is refused with the file's name; a folder that opens saves and opens again with the same records |
//! | [`contact_point`] | a channel and a value to `ContactPoint::new` | an accepted value is accepted again as stored (a store can read it back), survives JSON, and has the channel's shape |

#[cfg(feature = "csv")]
use std::path::PathBuf;

use candidats::import::{CandidateReader, Layout, ReadOptions};
use candidats::*;

/// The most rows read from one input: enough for any seed, and a bound on
/// the time of one run.
const MAX_ROWS: usize = 2_000;

/// Checks that an error says where it comes from: `file`, and a line when
/// it is about the file's content.
fn located(error: &Error, file: &str) {
    if let Error::InvalidInput { .. } = error {
        let location = error
            .location()
            .unwrap_or_else(|| panic!("an error without a location: {error}"));
        assert_eq!(
            location.file.as_deref(),
            Some(file),
            "an error naming another file: {error}"
        );
        assert!(location.line.is_some(), "an error without a line: {error}");
    }
}

/// Reads a candidate file, recognising its layout, and imports it into a
/// memory store, skipping bad lines; then imports it again.
pub fn import_file(data: &[u8]) {
    const FILE: &str = "fuzz.csv";

    let mut reader = match CandidateReader::new(data, FILE, &ReadOptions::default()) {
        Ok(reader) => reader,
        Err(error) => return located(&error, FILE),
    };
    let layout = reader.layout().clone();
    let mut rows = Vec::new();
    for item in reader.by_ref().take(MAX_ROWS) {
        match &item {
            Ok(row) => {
                assert_eq!(row.location.file.as_deref(), Some(FILE));
                assert!(row.location.line.is_some(), "a row without its line");
            }
            Err(error) => located(&error.error, FILE),
        }
        rows.push(item);
    }

    let campaign = Campaign::new(MemoryStore::new());
    let options = ImportOptions {
        skip_invalid: true,
        source: FILE.into(),
        ..ImportOptions::new(layout.election().unwrap_or("Élection"), layout.kind())
    };
    let again: Vec<_> = rows
        .iter()
        .filter_map(|item| item.as_ref().ok().cloned())
        .collect();
    let mut rejected = 0;
    let first = campaign.import(&mut rows.into_iter(), &options, &mut |error, _| {
        located(error, FILE);
        rejected += 1;
        Ok(())
    });
    let summary = match first {
        Ok(summary) => summary,
        Err(error) => return located(&error, FILE),
    };
    assert_eq!(summary.rejected, rejected);
    let report = campaign
        .report(&Scope::default())
        .unwrap_or_else(|e| panic!("the imported store cannot report: {e}"));
    assert!(report.candidacies <= summary.created);

    let second = campaign
        .import(&mut again.into_iter().map(Ok), &options, &mut |_, _| Ok(()))
        .unwrap_or_else(|e| panic!("the same rows imported once fail the second time: {e}"));
    assert!(
        second.is_unchanged(),
        "importing the same rows again changed the store: {second:?}"
    );
}

/// Parses a layout file; when it parses, reads with it the candidate file
/// that follows the line `=== data ===`.
pub fn layout(data: &[u8]) {
    const SOURCE: &str = "fuzz.layout";
    const FILE: &str = "fuzz.csv";
    const MARK: &[u8] = b"\n=== data ===\n";

    let (text, file) = match data.windows(MARK.len()).position(|w| w == MARK) {
        Some(at) => (&data[..at], &data[at + MARK.len()..]),
        None => (data, &b""[..]),
    };
    let Ok(text) = std::str::from_utf8(text) else {
        return;
    };
    let layout = match Layout::parse(text, SOURCE) {
        Ok(layout) => layout,
        Err(error) => return located(&error, SOURCE),
    };
    assert!(!layout.name().is_empty(), "a layout without a name");
    let _ = (layout.columns(), layout.shape(), layout.separator());

    let reader = match CandidateReader::new(file, FILE, &ReadOptions::with_layout(layout)) {
        Ok(reader) => reader,
        Err(error) => return located(&error, FILE),
    };
    for item in reader.take(MAX_ROWS) {
        if let Err(error) = item {
            located(&error.error, FILE);
        }
    }
}

/// The files of a CSV store, each after a line `== NAME`.
#[cfg(feature = "csv")]
fn split_files(data: &[u8]) -> Vec<(String, Vec<u8>)> {
    let mut files: Vec<(String, Vec<u8>)> = Vec::new();
    let mut rest = data;
    while !rest.is_empty() {
        let end = rest
            .iter()
            .position(|b| *b == b'\n')
            .map_or(rest.len(), |i| i + 1);
        let (line, tail) = rest.split_at(end);
        rest = tail;
        let heading = line
            .strip_prefix(b"== ")
            .and_then(|name| std::str::from_utf8(name).ok())
            .map(str::trim)
            .filter(|name| {
                !name.is_empty()
                    && name.len() <= 64
                    && name
                        .chars()
                        .all(|c| c.is_ascii_alphanumeric() || "._-".contains(c))
                    && !name.starts_with('.')
            });
        match (heading, files.last_mut()) {
            (Some(name), _) => files.push((name.to_string(), Vec::new())),
            (None, Some((_, contents))) => contents.extend_from_slice(line),
            (None, None) => {}
        }
    }
    files
}

/// A folder of its own for this process and thread, emptied.
#[cfg(feature = "csv")]
fn scratch_folder() -> PathBuf {
    let dir = std::env::temp_dir().join(format!(
        "candidats-fuzz-{}-{:?}",
        std::process::id(),
        std::thread::current().id()
    ));
    let _ = std::fs::remove_dir_all(&dir);
    if let Err(error) = std::fs::create_dir_all(&dir) {
        panic!("cannot create {}: {error}", dir.display());
    }
    dir
}

#[cfg(feature = "csv")]
fn all_records(store: &dyn Store) -> Result<String> {
    let mut out = String::new();
    store.read(&mut |r| {
        let mut text = format!("{:?}", r.elections()?);
        for e in r.elections()? {
            text += &format!("{:?}{:?}", r.constituencies(e.id())?, r.lists(e.id())?);
            for l in r.lists(e.id())? {
                text += &format!("{:?}", r.sections(l.id)?);
            }
        }
        text += &format!(
            "{:?}{:?}{:?}{:?}{:?}{:?}{:?}{:?}{:?}{:?}{:?}{:?}{:?}",
            r.persons()?,
            r.participants()?,
            r.responsibilities(&ResponsibilityFilter::default())?,
            r.contact_details(None)?,
            r.contact_actions(&ActionFilter::default())?,
            r.pledges()?,
            r.pledge_answers(None)?,
            r.marathons()?,
            r.templates(None)?,
            r.proposals(None)?,
            r.audit(&AuditFilter::default())?,
            r.reservations(&ReservationFilter::default())?,
            r.candidacies(&Scope {
                include_withdrawn: true,
                include_substitutes: true,
                ..Scope::default()
            })?,
        );
        out = text;
        Ok(())
    })?;
    Ok(out)
}

/// Writes the files of a CSV store folder and opens it; a folder that
/// opens must take a write and open again with the same records.
#[cfg(feature = "csv")]
pub fn csv_store(data: &[u8]) {
    let dir = scratch_folder();
    for (name, contents) in split_files(data) {
        if let Err(error) = std::fs::write(dir.join(&name), contents) {
            panic!("cannot write {name}: {error}");
        }
    }

    let opened = CsvStore::open(&dir);
    let store = match opened {
        Ok(store) => store,
        Err(error) => {
            if let Error::InvalidInput { .. } = &error {
                let location = error
                    .location()
                    .unwrap_or_else(|| panic!("a refusal without a location: {error}"));
                assert!(location.file.is_some(), "a refusal without a file: {error}");
            }
            let _ = std::fs::remove_dir_all(&dir);
            return;
        }
    };
    let before =
        all_records(&store).unwrap_or_else(|e| panic!("a store that opened cannot be read: {e}"));
    let campaign = Campaign::new(store);
    let added = campaign
        .register("Fuzz", None)
        .unwrap_or_else(|e| panic!("a store that opened refuses a write: {e}"));
    let after = all_records(campaign.store())
        .unwrap_or_else(|e| panic!("a store cannot be read after a write: {e}"));
    drop(campaign);

    let reopened = CsvStore::open(&dir).unwrap_or_else(|e| {
        panic!("a store that opened and took a write does not open again: {e}")
    });
    let again = all_records(&reopened).unwrap_or_else(|e| panic!("cannot read it again: {e}"));
    assert_eq!(again, after, "the records changed on the way to disk");
    assert_ne!(before, after);
    assert!(again.contains(&format!("{:?}", added.id)));
    drop(reopened);
    let _ = std::fs::remove_dir_all(&dir);
}

/// The channels a contact detail may have, chosen by the first byte.
fn channel(selector: u8) -> Channel {
    match selector % 8 {
        0 => Channel::Email,
        1 => Channel::WebForm,
        2 => Channel::Phone,
        3 => Channel::Website,
        4 => Channel::Postal,
        5 => Channel::Social {
            network: "mastodon".into(),
        },
        6 => Channel::Social {
            network: "x".into(),
        },
        _ => Channel::InPerson,
    }
}

/// Checks a value for a channel; an accepted value must be accepted again
/// as stored, come back from JSON, and have the channel's shape.
pub fn contact_point(data: &[u8]) {
    let Some((selector, value)) = data.split_first() else {
        return;
    };
    let Ok(value) = std::str::from_utf8(value) else {
        return;
    };
    let channel = channel(*selector);
    let point = match ContactPoint::new(channel.clone(), value) {
        Ok(point) => point,
        Err(error) => {
            assert!(
                matches!(error, Error::InvalidInput { .. }),
                "a refusal of another kind: {error:?}"
            );
            return;
        }
    };

    let again = ContactPoint::new(channel.clone(), point.value()).unwrap_or_else(|e| {
        panic!(
            "{channel} `{value:?}` is stored as `{:?}`, which is refused when read back: {e}",
            point.value()
        )
    });
    assert_eq!(again, point, "normalising twice changes {value:?}");
    let json = serde_json::to_string(&point).expect("a contact point as JSON");
    let back: ContactPoint = serde_json::from_str(&json)
        .unwrap_or_else(|e| panic!("{json} does not come back from JSON: {e}"));
    assert_eq!(back, point);

    let stored = point.value();
    assert!(!stored.contains('\0'), "a NUL in {stored:?}");
    match channel {
        Channel::Email => {
            let (local, domain) = stored.rsplit_once('@').expect("an `@`");
            assert!(!local.is_empty() && domain.contains('.'), "{stored:?}");
            assert!(!stored.chars().any(char::is_whitespace), "{stored:?}");
        }
        Channel::WebForm | Channel::Website => {
            assert!(
                stored.starts_with("http://") || stored.starts_with("https://"),
                "{stored:?}"
            );
            assert!(!stored.chars().any(char::is_whitespace), "{stored:?}");
        }
        Channel::Phone => {
            let digits = stored.strip_prefix('+').expect("a `+`");
            assert!(
                (8..=15).contains(&digits.len()) && digits.bytes().all(|b| b.is_ascii_digit()),
                "{stored:?}"
            );
        }
        Channel::InPerson => panic!("a detail for a meeting in person was accepted"),
        _ => {}
    }
}
