//! The readers on the Ministry's real files, when `../shared/data` (beside
//! the repository) holds them, through `MemoryStore` and the SQLite store;
//! each test says plainly that it skips otherwise.

use std::path::{Path, PathBuf};

use candidats_core::{Campaign, Error, ImportSummary, MemoryStore, Scope, Store};
use candidats_import::{import_files, CandidateReader, ImportRequest, ReadOptions};
use candidats_sqlite::SqliteStore;

const LEGISLATIVES_T1: &str = "legislatives-2024-candidatures-france-entiere-tour-1-2024-06-28.csv";
const LEGISLATIVES_T2: &str = "legislatives-2024-candidatures-france-entiere-tour-2-2024-07-05.csv";
const REGIONALES: &str = "regionales-2021-t1-candidats-derived.csv";

/// The real file, or `None` (after saying so) when the data folder is not
/// there.
fn real_file(name: &str) -> Option<PathBuf> {
    let data = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data");
    if !data.is_dir() {
        candidats_core::testing::say_skipped(name, "../shared/data not found");
        return None;
    }
    let path = data.join(name);
    assert!(path.is_file(), "{name} is missing from ../shared/data");
    Some(path)
}

/// Imports one file, skipping bad lines; gives the summary and the
/// rejected lines' errors.
fn import<S: Store>(
    campaign: &Campaign<S>,
    path: &Path,
    round: u8,
) -> (ImportSummary, Vec<String>) {
    let mut request = ImportRequest::round(round);
    request.skip_invalid = true;
    let mut rejected = Vec::new();
    let summary = import_files(
        campaign,
        &[path],
        &request,
        &mut |error: &Error, _| {
            rejected.push(error.to_string());
            Ok(())
        },
        &mut |_| {},
    )
    .map(|mut summaries| summaries.remove(0))
    .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    (summary, rejected)
}

#[test]
fn every_line_of_the_real_files_reads() {
    for name in [LEGISLATIVES_T1, LEGISLATIVES_T2, REGIONALES] {
        let Some(path) = real_file(name) else {
            return;
        };
        let reader = CandidateReader::open(&path, &ReadOptions::default()).unwrap();
        let errors: Vec<String> = reader
            .filter_map(Result::err)
            .map(|e| e.error.to_string())
            .collect();
        assert_eq!(errors, Vec::<String>::new(), "{name}");
    }
}

fn legislatives_both_rounds<S: Store>(campaign: &Campaign<S>) {
    let (Some(t1), Some(t2)) = (real_file(LEGISLATIVES_T1), real_file(LEGISLATIVES_T2)) else {
        return;
    };

    let (first, rejected) = import(campaign, &t1, 1);
    assert_eq!(rejected, Vec::<String>::new());
    assert_eq!(
        (
            first.rows,
            first.candidacies,
            first.substitutes,
            first.constituencies
        ),
        (4009, 4009, 4009, 577),
        "each candidate with a substitute"
    );
    assert_eq!((first.persons, first.persons_created), (8018, 8018));
    let (again, _) = import(campaign, &t1, 1);
    assert!(again.is_unchanged(), "{again:?}");

    let (second, rejected) = import(campaign, &t2, 2);
    assert_eq!(rejected, Vec::<String>::new());
    assert_eq!(second.election, first.election);
    assert_eq!(
        (
            second.round,
            second.candidacies,
            second.substitutes,
            second.constituencies
        ),
        (2, 1094, 1094, 501)
    );
    // The persons of round 2 are those of round 1: found by name and date
    // of birth, or, for the few whose name or date of birth the Ministry
    // corrected between the rounds (`VEZIES` became `VÉZIÈS`, a birth on
    // 19/09/1990 became 19/03/1990...), by their name without accents in
    // the same circonscription.
    assert_eq!(
        (
            second.persons,
            second.persons_reused,
            second.persons_created
        ),
        (2188, 2188, 0)
    );
    assert!(second.ambiguous.is_empty(), "{:?}", second.ambiguous);
    let (again, _) = import(campaign, &t2, 2);
    assert!(again.is_unchanged(), "{again:?}");

    let report = campaign.report(&Scope::default()).unwrap();
    assert_eq!(report.candidacies, 4009 + 1094);
}

fn regionales<S: Store>(campaign: &Campaign<S>) {
    let Some(path) = real_file(REGIONALES) else {
        return;
    };

    let (summary, rejected) = import(campaign, &path, 1);
    assert_eq!(summary.rows, 19_084);
    assert_eq!(
        (summary.lists, summary.sections, summary.constituencies),
        (155, 934, 17)
    );
    assert_eq!(
        (summary.heads_of_list, summary.heads_of_section),
        (155, 934)
    );
    // The file gives one person (same names, same date of birth) on two
    // lists: two candidacies of one person.
    assert_eq!((summary.candidacies, summary.rejected), (19_084, 0));
    assert_eq!(rejected.len(), 0);
    assert_eq!(summary.persons, 19_083);

    let (again, _) = import(campaign, &path, 1);
    assert!(again.is_unchanged(), "{again:?}");
    assert_eq!(again.rejected, 0);
}

#[test]
fn legislatives_2024_both_rounds_in_memory() {
    legislatives_both_rounds(&Campaign::new(MemoryStore::new()));
}

#[test]
fn regionales_2021_in_memory() {
    regionales(&Campaign::new(MemoryStore::new()));
}

#[test]
fn legislatives_2024_both_rounds_in_sqlite() {
    let dir = tempfile::tempdir().unwrap();
    let store = SqliteStore::open(dir.path().join("campaign.db")).unwrap();
    legislatives_both_rounds(&Campaign::new(store));
}

#[test]
fn regionales_2021_in_sqlite() {
    regionales(&Campaign::new(SqliteStore::memory().unwrap()));
}
