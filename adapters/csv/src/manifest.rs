//! `manifest.json`: what the folder is, in which format version, and the
//! next identifier of each kind.

use std::collections::BTreeMap;

use candidats_core::{Error, Location, RecordKind, Result};
use serde::{Deserialize, Serialize};

/// The manifest's file name.
pub(crate) const FILE: &str = "manifest.json";

/// What the manifest says the folder is.
const FORMAT: &str = "candidats-csv";

/// The version of the folder's format this crate writes, and the newest it
/// reads.
pub const FORMAT_VERSION: u32 = 1;

#[derive(Debug, Serialize, Deserialize)]
struct Contents {
    format: String,
    version: u32,
    #[serde(default)]
    next: BTreeMap<String, i64>,
}

/// The manifest's text for a folder whose next identifiers are `next`.
pub(crate) fn write(next: &BTreeMap<RecordKind, i64>) -> Result<String> {
    let contents = Contents {
        format: FORMAT.into(),
        version: FORMAT_VERSION,
        next: next
            .iter()
            .map(|(kind, id)| (kind.name().to_string(), *id))
            .collect(),
    };
    let mut text = serde_json::to_string_pretty(&contents)
        .map_err(|e| Error::backend("cannot write the manifest", e))?;
    text.push('\n');
    Ok(text)
}

/// The next identifiers a manifest holds.
///
/// # Errors
///
/// [`Error::InvalidInput`] for a text that is not a manifest of this
/// format, [`Error::Unsupported`] for a newer format version.
pub(crate) fn read(text: &str) -> Result<BTreeMap<RecordKind, i64>> {
    let contents: Contents = serde_json::from_str(text).map_err(|error| {
        Error::invalid_at(
            Location::file(FILE)
                .line(error.line() as u64)
                .column(error.column() as u64),
            format!("expected the manifest of a candidats CSV store: {error}"),
        )
    })?;
    let at = || Location::file(FILE).line(1).column(1);
    if contents.format != FORMAT {
        return Err(Error::invalid_at(
            at(),
            format!(
                "expected the format `{FORMAT}`, found `{}`: this folder is not a candidats CSV store",
                contents.format
            ),
        ));
    }
    if contents.version > FORMAT_VERSION {
        return Err(Error::unsupported(format!(
            "{FILE} says format version {}, written by a newer candidats; this version reads \
             format versions up to {FORMAT_VERSION}: upgrade candidats to open this folder",
            contents.version
        )));
    }
    if contents.version == 0 {
        return Err(Error::invalid_at(
            at(),
            "expected a format version of 1 or more, found 0",
        ));
    }

    let mut next = BTreeMap::new();
    for (name, id) in contents.next {
        let Some(kind) = RecordKind::from_name(&name) else {
            return Err(Error::invalid_at(
                at(),
                format!("unknown record kind `{name}` in `next`"),
            ));
        };
        if id < 1 {
            return Err(Error::invalid_at(
                at(),
                format!("expected a next identifier of 1 or more for {name}, found {id}"),
            ));
        }
        next.insert(kind, id);
    }
    Ok(next)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn next_identifiers_round_trip() {
        let next = BTreeMap::from([(RecordKind::Candidacy, 20_001), (RecordKind::Audit, 7)]);

        let text = write(&next).unwrap();

        assert_eq!(read(&text).unwrap(), next);
        assert!(text.contains("\"version\": 1"));
    }

    #[test]
    fn newer_versions_are_refused_with_advice() {
        let text = r#"{"format": "candidats-csv", "version": 2, "next": {}}"#;

        let error = read(text).unwrap_err();

        assert!(matches!(error, Error::Unsupported { .. }));
        assert!(error.to_string().contains("upgrade candidats"), "{error}");
    }

    #[test]
    fn other_json_is_not_a_manifest() {
        let error = read(r#"{"format": "other", "version": 1}"#).unwrap_err();
        assert!(
            error.to_string().contains("not a candidats CSV store"),
            "{error}"
        );

        let error = read("{").unwrap_err();
        assert_eq!(
            error.location().and_then(|l| l.file.clone()).as_deref(),
            Some(FILE)
        );
    }
}
