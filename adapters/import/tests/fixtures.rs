//! The readers on small files written in each official layout, valid and
//! broken, imported through `MemoryStore`.

use std::io::Read;
use std::path::PathBuf;

use candidats_core::{
    Campaign, ConstituencyKind, Error, ImportOptions, ImportRow, ImportSummary, MemoryStore,
    RowError, SeatSpec, Sex,
};
use candidats_import::{
    import_files, CandidateReader, ImportRequest, Layout, ReadOptions, RejectsWriter, TextEncoding,
};
use chrono::NaiveDate;

fn fixture(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

fn open(name: &str) -> CandidateReader<std::fs::File> {
    CandidateReader::open(fixture(name), &ReadOptions::default())
        .unwrap_or_else(|e| panic!("{name}: {e}"))
}

fn rows(name: &str) -> Vec<ImportRow> {
    open(name)
        .map(|item| item.unwrap_or_else(|e| panic!("{name}: {}", e.error)))
        .collect()
}

/// The file name (without folders), line, column and message of an error.
fn place(error: &Error) -> (String, Option<u64>, Option<u64>, String) {
    let location = error.location().cloned().unwrap_or_default();
    let file = location
        .file
        .as_deref()
        .and_then(|f| f.rsplit('/').next())
        .unwrap_or_default()
        .to_string();
    let message = match error {
        Error::InvalidInput { message, .. } => message.clone(),
        other => other.to_string(),
    };
    (file, location.line, location.column, message)
}

fn errors(name: &str) -> Vec<(String, Option<u64>, Option<u64>, String)> {
    open(name)
        .filter_map(Result::err)
        .map(|e: RowError| {
            assert!(e.recoverable, "{}", e.error);
            assert!(!e.raw.is_empty());
            place(&e.error)
        })
        .collect()
}

fn import(campaign: &Campaign<MemoryStore>, name: &str, round: u8) -> ImportSummary {
    let mut request = ImportRequest::round(round);
    request.election = Some("Test".to_string());
    import_files(
        campaign,
        &[fixture(name)],
        &request,
        &mut |e, _| panic!("{e}"),
        &mut |_| {},
    )
    .map(|mut s| s.remove(0))
    .unwrap_or_else(|e| panic!("{name}: {e}"))
}

fn date(y: i32, m: u32, d: u32) -> Option<NaiveDate> {
    NaiveDate::from_ymd_opt(y, m, d)
}

#[test]
fn legislatives_lines_become_single_seats_with_their_substitute() {
    let reader = open("legislatives-2024.csv");
    assert_eq!(reader.layout().name(), "legislatives-2024");
    let rows: Vec<ImportRow> = reader
        .map(|r| r.map_err(|e| e.error.to_string()).unwrap())
        .collect();

    assert_eq!(rows.len(), 6);
    let first = &rows[0];
    assert_eq!(first.location.line, Some(2));
    assert!(first
        .location
        .file
        .as_deref()
        .unwrap_or_default()
        .ends_with("legislatives-2024.csv"));
    assert_eq!(first.area[0].kind, ConstituencyKind::Departement);
    assert_eq!(
        (first.area[0].code.as_str(), first.area[0].name.as_str()),
        ("01", "Ain")
    );
    assert_eq!(first.area[1].kind, ConstituencyKind::Circonscription);
    assert_eq!(first.area[1].code, "0101");
    assert_eq!(first.candidate.surname, "D'ALMEIDA");
    assert_eq!(first.candidate.first_name.as_deref(), Some("Marie-Hélène"));
    assert_eq!(first.candidate.sex, Some(Sex::Female));
    assert_eq!(first.candidate.birth_date, date(1966, 2, 24));
    assert!(!first.candidate.outgoing);
    assert_eq!(first.raw.len(), 18);
    match &first.seat {
        SeatSpec::Single {
            panel,
            nuance,
            substitute: Some(substitute),
        } => {
            assert_eq!(*panel, 1);
            assert_eq!(nuance.as_ref().map(|n| n.code.as_str()), Some("EXG"));
            assert_eq!(substitute.surname, "LE GALL");
            assert_eq!(substitute.first_name.as_deref(), Some("Jean Claude"));
            assert_eq!(substitute.birth_date, date(1960, 7, 6));
        }
        other => panic!("{other:?}"),
    }
    assert!(rows[1].candidate.outgoing);
    match &rows[2].seat {
        SeatSpec::Single {
            substitute: Some(s),
            ..
        } => assert!(s.outgoing),
        other => panic!("{other:?}"),
    }

    let codes: Vec<&str> = rows.iter().map(|r| r.area[1].code.as_str()).collect();
    assert_eq!(codes, ["0101", "0101", "0102", "2A01", "97101", "ZZ11"]);
    let departements: Vec<&str> = rows.iter().map(|r| r.area[0].code.as_str()).collect();
    assert_eq!(departements, ["01", "01", "01", "2A", "971", "ZZ"]);
}

#[test]
fn a_windows_1252_copy_reads_the_same() {
    let utf8 = rows("legislatives-2024.csv");
    let mut reader = open("legislatives-2024-windows-1252.csv");
    let cp1252: Vec<ImportRow> = reader
        .by_ref()
        .map(|r| r.map_err(|e| e.error).unwrap())
        .collect();

    assert_eq!(reader.encoding(), TextEncoding::Windows1252);
    assert_eq!(utf8.len(), cp1252.len());
    for (a, b) in utf8.iter().zip(&cp1252) {
        assert_eq!(
            (&a.area, &a.candidate, &a.seat, &a.raw),
            (&b.area, &b.candidate, &b.seat, &b.raw)
        );
    }
}

#[test]
fn bad_lines_name_their_file_line_and_column() {
    let found = errors("legislatives-2024-broken.csv");
    let file = "legislatives-2024-broken.csv".to_string();

    let expected = vec![
        (
            file.clone(),
            Some(3),
            Some(10),
            "expected a date dd/mm/yyyy, found `31/02/2024`".to_string(),
        ),
        (
            file.clone(),
            Some(4),
            Some(9),
            "expected 18 fields, found 8: the line is cut short".to_string(),
        ),
        (
            file.clone(),
            Some(5),
            Some(19),
            "expected 18 fields, found 19: a stray separator?".to_string(),
        ),
        (
            file.clone(),
            Some(6),
            Some(13),
            "expected `OUI`, `NON` or an empty value, found `PEUT-ÊTRE`".to_string(),
        ),
        (
            file.clone(),
            Some(7),
            Some(5),
            "expected a panel number (a whole number), found `x`".to_string(),
        ),
        (
            file.clone(),
            Some(9),
            Some(15),
            "expected UTF-8 text like the lines before, found the byte 0xC9 after `L` \
             (give the file's encoding, such as windows-1252)"
                .to_string(),
        ),
        (
            file.clone(),
            Some(10),
            Some(17),
            "expected a date dd/mm/yyyy, found `Maria` \
             (the line has 19 fields for 18 columns: a stray separator?)"
                .to_string(),
        ),
    ];
    assert_eq!(found, expected);
}

#[test]
fn errors_name_the_field_too() {
    let error = open("legislatives-2024-broken.csv")
        .find_map(Result::err)
        .map(|e| e.error.to_string())
        .unwrap_or_default();

    assert!(
        error.ends_with(
            "legislatives-2024-broken.csv, line 3, column 10, field `Date de naissance du candidat`: \
             expected a date dd/mm/yyyy, found `31/02/2024`"
        ),
        "{error}"
    );
}

#[test]
fn without_skip_invalid_the_first_bad_line_stops_the_import_and_nothing_is_kept() {
    let campaign = Campaign::new(MemoryStore::new());
    let mut request = ImportRequest::round(1);
    request.election = Some("Test".into());

    let error = import_files(
        &campaign,
        &[fixture("legislatives-2024-broken.csv")],
        &request,
        &mut |_, _| Ok(()),
        &mut |_| {},
    )
    .err()
    .map(|e| place(&e));

    assert_eq!(
        error.map(|(file, line, column, _)| (file, line, column)),
        Some(("legislatives-2024-broken.csv".into(), Some(3), Some(10)))
    );
    let report = campaign
        .report(&Default::default())
        .map_err(|e| e.to_string());
    assert_eq!(report.map(|r| r.candidacies), Ok(0));
}

#[test]
fn skipped_lines_go_to_the_rejects_file() {
    let campaign = Campaign::new(MemoryStore::new());
    let dir = tempfile::tempdir().unwrap();
    let rejects_path = dir.path().join("rejects.csv");
    let mut rejects = RejectsWriter::create(&rejects_path).unwrap();
    let mut request = ImportRequest::round(1);
    request.skip_invalid = true;

    let summary = import_files(
        &campaign,
        &[fixture("legislatives-2024-broken.csv")],
        &request,
        &mut |e, raw| rejects.write(e, raw),
        &mut |_| {},
    )
    .map(|mut s| s.remove(0))
    .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(rejects.written(), 7);
    rejects.finish().unwrap();

    assert_eq!(
        (summary.rows, summary.candidacies, summary.rejected),
        (9, 2, 7)
    );
    assert_eq!((summary.substitutes, summary.persons), (2, 4));
    let text = std::fs::read_to_string(&rejects_path).unwrap();
    let mut csv = csv::ReaderBuilder::new()
        .flexible(true)
        .from_reader(text.as_bytes());
    let headers = csv.headers().unwrap().clone();
    assert_eq!(
        headers.iter().collect::<Vec<_>>(),
        ["file", "line", "column", "field", "reason"]
    );
    let records: Vec<csv::StringRecord> = csv.records().map(|r| r.unwrap()).collect();
    let places: Vec<(&str, &str, &str)> = records.iter().map(|r| (&r[1], &r[2], &r[3])).collect();
    assert_eq!(
        places,
        [
            ("3", "10", "Date de naissance du candidat"),
            ("4", "9", "Prénom du candidat"),
            ("5", "19", ""),
            ("6", "13", "Sortant"),
            ("7", "5", "Numéro de panneau"),
            ("9", "15", "Nom remplaçant"),
            ("10", "17", "Date de naissance remplaçant"),
        ]
    );
    assert!(records[0][0].ends_with("legislatives-2024-broken.csv"));
    assert_eq!(&records[0][5], "1");
    assert_eq!(&records[0][12], "MAÎTRE");
    assert_eq!(records[1].len(), 5 + 8);
    assert_eq!(records[2].len(), 5 + 19);
    assert_eq!(
        &records[5][5 + 14],
        "L\u{c9}GER",
        "the raw field, decoded as best it can be"
    );
}

#[test]
fn a_missing_column_refuses_the_file_naming_the_header_line() {
    let error = CandidateReader::open(
        fixture("legislatives-2024-missing-column.csv"),
        &ReadOptions::default(),
    )
    .err()
    .map(|e| place(&e));
    let (file, line, column, message) = error.unwrap_or_default();
    assert_eq!(
        (file.as_str(), line, column),
        ("legislatives-2024-missing-column.csv", Some(1), None)
    );
    assert!(
        message.contains("the header fits no built-in layout (give a layout file); the closest: ")
            && message.contains("legislatives-2024 expects the column `Code nuance` (seat.nuance)"),
        "{message}"
    );

    let layout = Layout::builtin_named("legislatives-2024").cloned();
    let error = CandidateReader::open(
        fixture("legislatives-2024-missing-column.csv"),
        &ReadOptions {
            layout,
            encoding: None,
        },
    )
    .err()
    .map(|e| e.to_string())
    .unwrap_or_default();
    assert!(
        error.ends_with(
            "legislatives-2024-missing-column.csv, line 1: layout legislatives-2024 expects the \
             column `Code nuance` (seat.nuance), not in the header"
        ),
        "{error}"
    );
}

#[test]
fn an_empty_or_foreign_file_is_refused() {
    let empty = CandidateReader::new(&b""[..], "empty.csv", &ReadOptions::default())
        .err()
        .map(|e| e.to_string());
    assert_eq!(
        empty.as_deref(),
        Some("empty.csv, line 1: expected a header, found an empty file")
    );

    let foreign =
        CandidateReader::new(&b"a;b;c\n1;2;3\n"[..], "other.csv", &ReadOptions::default())
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default();
    assert_eq!(
        foreign,
        "other.csv, line 1: the header fits no built-in layout (legislatives-2024, \
         municipales-2026, municipales-2020, regionales-2021): give a layout file"
    );
}

#[test]
fn legislatives_import_then_import_again_changes_nothing() {
    let campaign = Campaign::new(MemoryStore::new());

    let first = import(&campaign, "legislatives-2024.csv", 1);
    assert_eq!(
        (
            first.candidacies,
            first.substitutes,
            first.persons,
            first.constituencies
        ),
        (6, 6, 12, 5)
    );
    assert_eq!((first.created, first.persons_created), (12, 12));

    let again = import(&campaign, "legislatives-2024.csv", 1);
    assert!(again.is_unchanged(), "{again:?}");
    assert_eq!(again.unchanged, 12);

    let report = campaign.report(&Default::default()).unwrap();
    assert_eq!(report.candidacies, 6);
}

#[test]
fn round_two_reuses_the_persons_of_round_one() {
    let campaign = Campaign::new(MemoryStore::new());
    import(&campaign, "legislatives-2024.csv", 1);

    let second = import(&campaign, "legislatives-2024-t2.csv", 2);

    assert_eq!(
        (second.round, second.candidacies, second.constituencies),
        (2, 3, 2)
    );
    assert_eq!((second.persons_created, second.persons_reused), (0, 6));
    assert_eq!(second.withdrawn, 0);
}

#[test]
fn municipales_2026_lists_with_head_flags_and_a_bom() {
    let rows = rows("municipales-2026.csv");
    assert_eq!(rows.len(), 8);
    assert_eq!(rows[0].area[0].code, "01");
    assert_eq!(
        (rows[0].area[1].code.as_str(), rows[0].area[1].kind),
        ("01001", ConstituencyKind::Commune)
    );
    assert_eq!(rows[0].area[1].name, "L'Abergement-Clémenciat");
    assert_eq!(rows[6].area[1].code, "29019");
    match &rows[0].seat {
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
            assert_eq!(*panel, Some(1));
            assert_eq!(short_label.as_deref(), Some("AGIR ENSEMBLE"));
            assert_eq!(label, "Agir ensemble pour L'Abergement");
            let nuance = nuance.clone().unwrap();
            assert_eq!(
                (nuance.code.as_str(), nuance.label.as_deref()),
                ("LDVC", Some("Divers centre"))
            );
            assert_eq!(*section, None);
            assert_eq!(
                (*order, *head_of_list, *community_council),
                (1, Some(true), true)
            );
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(rows[1].candidate.nationality.as_deref(), Some("POR"));

    let campaign = Campaign::new(MemoryStore::new());
    let summary = import(&campaign, "municipales-2026.csv", 1);
    assert_eq!(
        (
            summary.candidacies,
            summary.lists,
            summary.sections,
            summary.heads_of_list
        ),
        (8, 3, 0, 3)
    );
    assert_eq!((summary.heads_of_section, summary.constituencies), (0, 2));
    assert!(import(&campaign, "municipales-2026.csv", 1).is_unchanged());
}

#[test]
fn a_list_without_its_head_flag_is_refused_at_its_first_line() {
    let campaign = Campaign::new(MemoryStore::new());
    let mut request = ImportRequest::round(1);
    request.election = Some("Test".into());

    let error = import_files(
        &campaign,
        &[fixture("municipales-2026-no-head.csv")],
        &request,
        &mut |_, _| Ok(()),
        &mut |_| {},
    )
    .err()
    .map(|e| place(&e));

    let (file, line, column, message) = error.unwrap_or_default();
    assert_eq!(
        (file.as_str(), line, column),
        ("municipales-2026-no-head.csv", Some(5), None)
    );
    assert_eq!(message, "this line's list has no head of list");
}

#[test]
fn municipales_2020_tab_separated_latin1_with_a_comment_line() {
    let mut reader = open("municipales-2020.txt");
    assert_eq!(reader.layout().name(), "municipales-2020");
    let rows: Vec<ImportRow> = reader
        .by_ref()
        .map(|r| r.map_err(|e| e.error).unwrap())
        .collect();
    assert_eq!(reader.encoding(), TextEncoding::Windows1252);

    assert_eq!(rows.len(), 5);
    assert_eq!(
        rows[0].location.line,
        Some(3),
        "the comment line and the header come first"
    );
    assert_eq!(rows[0].area[1].code, "01004");
    assert_eq!(rows[0].area[1].name, "Ambérieu-en-Bugey");
    assert_eq!(rows[3].area[1].code, "2A004");
    assert_eq!(rows[1].candidate.surname, "D'ANDRÉA");
    assert_eq!(rows[1].candidate.first_name.as_deref(), Some("Élodie"));
    match (&rows[0].seat, &rows[2].seat) {
        (
            SeatSpec::List {
                head_of_list: None,
                community_council: true,
                order: 1,
                ..
            },
            SeatSpec::List {
                community_council: false,
                order: 3,
                ..
            },
        ) => {}
        other => panic!("{other:?}"),
    }

    let campaign = Campaign::new(MemoryStore::new());
    let summary = import(&campaign, "municipales-2020.txt", 1);
    assert_eq!(
        (
            summary.candidacies,
            summary.lists,
            summary.heads_of_list,
            summary.constituencies
        ),
        (5, 2, 2, 2),
        "without a flag, the head of list is at order 1"
    );
}

#[test]
fn a_file_in_another_encoding_than_given_is_refused_at_the_header() {
    let utf8 = |layout: Option<&str>| ReadOptions {
        layout: layout.and_then(Layout::builtin_named).cloned(),
        encoding: Some(TextEncoding::Utf8),
    };
    let refused = |options: ReadOptions| {
        CandidateReader::open(fixture("municipales-2020.txt"), &options)
            .err()
            .map(|e| place(&e))
            .unwrap_or_default()
    };

    let (file, line, column, message) = refused(utf8(Some("municipales-2020")));
    assert_eq!(
        (file.as_str(), line, column),
        ("municipales-2020.txt", Some(2), Some(1))
    );
    assert!(
        message.contains(
            "expected UTF-8 text as the layout says, found the byte 0xE9 after `Code du d`"
        ),
        "{message}"
    );
    let (_, line, column, message) = refused(utf8(None));
    assert_eq!(
        (line, column),
        (Some(1), Some(1)),
        "the comment line is not UTF-8 either"
    );
    assert!(message.contains("found the byte 0xC9"), "{message}");

    let latin1 = ReadOptions {
        layout: None,
        encoding: Some(TextEncoding::Latin1),
    };
    let reader = CandidateReader::open(fixture("municipales-2020.txt"), &latin1).unwrap();
    assert_eq!(reader.count(), 5);
}

#[test]
fn regionales_sections_and_flagged_heads() {
    let rows = rows("regionales-2021.csv");
    assert_eq!(rows.len(), 11);
    assert_eq!(
        (rows[0].area[0].code.as_str(), rows[0].area[0].kind),
        ("84", ConstituencyKind::Region)
    );
    let section = |row: &ImportRow| match &row.seat {
        SeatSpec::List {
            section: Some(s), ..
        } => (s.code.clone(), s.name.clone()),
        other => panic!("{other:?}"),
    };
    assert_eq!(section(&rows[0]), ("01".to_string(), "Ain".to_string()));
    assert_eq!(
        section(&rows[2]),
        ("69M".to_string(), "Métropole de Lyon".to_string())
    );
    assert_eq!(
        section(&rows[8]),
        (String::new(), "Corse".to_string()),
        "a single-section region"
    );
    assert_eq!(
        rows[1].candidate.profession.as_deref(),
        Some("Ancien artisan, commerçant, chef d'entreprise")
    );
    assert_eq!(rows[1].candidate.birth_date, date(1980, 10, 1));
    match &rows[5].seat {
        SeatSpec::List {
            order: 2,
            head_of_list: Some(true),
            ..
        } => {}
        other => panic!("the head of list 2 stands at order 2: {other:?}"),
    }

    let campaign = Campaign::new(MemoryStore::new());
    let summary = import(&campaign, "regionales-2021.csv", 1);
    assert_eq!(
        (
            summary.candidacies,
            summary.lists,
            summary.sections,
            summary.constituencies
        ),
        (11, 3, 5, 2)
    );
    assert_eq!((summary.heads_of_list, summary.heads_of_section), (3, 5));
    assert!(import(&campaign, "regionales-2021.csv", 1).is_unchanged());
}

#[test]
fn regionales_bad_lines_and_lists_left_without_a_head() {
    let found = errors("regionales-2021-broken.csv");
    let file = "regionales-2021-broken.csv".to_string();
    assert_eq!(
        found,
        [
            (
                file.clone(),
                Some(4),
                Some(10),
                "expected `Oui`, `Non` or an empty value, found `Peut-être`".to_string()
            ),
            (
                file.clone(),
                Some(10),
                Some(17),
                "expected a date yyyy-mm-dd, found `1962-13-15`".to_string()
            ),
        ]
    );

    let campaign = Campaign::new(MemoryStore::new());
    let mut request = ImportRequest::round(1);
    request.skip_invalid = true;
    let mut rejected = Vec::new();
    let summary = import_files(
        &campaign,
        &[fixture("regionales-2021-broken.csv")],
        &request,
        &mut |e, _| {
            rejected.push(place(e));
            Ok(())
        },
        &mut |_| {},
    )
    .map(|mut s| s.remove(0))
    .unwrap_or_else(|e| panic!("{e}"));

    let lines: Vec<(Option<u64>, Option<u64>)> = rejected.iter().map(|r| (r.1, r.2)).collect();
    assert_eq!(
        lines,
        [
            (Some(4), Some(10)),
            (Some(8), None),
            (Some(10), Some(17)),
            (Some(2), None),
            (Some(11), None)
        ]
    );
    assert!(
        rejected[1].3.contains("second head of list"),
        "{:?}",
        rejected[1]
    );
    assert_eq!(rejected[3].3, "this line's list has no head of list");
    assert_eq!(
        (summary.rejected, summary.candidacies, summary.heads_of_list),
        (5, 8, 1)
    );
}

#[test]
fn a_layout_file_describes_another_layout() {
    let layout = Layout::parse(
        "# A party's own export\n\
         [layout]\n\
         name = export-parti\n\
         election = Départementales 2028\n\
         kind = departementales\n\
         shape = pairs\n\
         separator = |\n\
         encoding = windows-1252\n\
         header = no\n\
         date-format = yyyy/mm/dd\n\
         yes = X\n\
         \n\
         [area]\n\
         kind = departement\n\
         code = @1\n\
         code-format = departement\n\
         [area]\n\
         kind = canton\n\
         code = @2\n\
         code-format = parent + zero-padded 2\n\
         name = @3\n\
         [seat]\n\
         panel = @4\n\
         pair-index = @5\n\
         [candidate]\n\
         surname = @6\n\
         first-name = @7\n\
         birth-date = @8\n\
         outgoing = @9\n\
         [substitute]\n\
         surname = @10\n\
         first-name = @11\n",
        "export.layout",
    )
    .map_err(|e| e.to_string())
    .unwrap();
    let file = b"5|3|Embrun|2|1|ROUX|Ga\xebl|1970/05/06|X|BLANC|L\xe9a\n\
                 5|3|Embrun|2|2|FAURE|Agn\xe8s|1972/01/02||||\n";

    let rows: Vec<ImportRow> =
        CandidateReader::new(&file[..], "export.txt", &ReadOptions::with_layout(layout))
            .unwrap()
            .map(|r| r.map_err(|e| e.error).unwrap())
            .collect();

    assert_eq!(rows.len(), 2);
    assert_eq!(rows[0].location.line, Some(1));
    assert_eq!(
        (rows[0].area[0].code.as_str(), rows[0].area[1].code.as_str()),
        ("05", "0503")
    );
    assert_eq!(rows[0].candidate.first_name.as_deref(), Some("Gaël"));
    assert!(rows[0].candidate.outgoing);
    match (&rows[0].seat, &rows[1].seat) {
        (
            SeatSpec::Pair {
                panel: 2,
                index: 1,
                substitute: Some(s),
                ..
            },
            SeatSpec::Pair {
                index: 2,
                substitute: None,
                ..
            },
        ) => assert_eq!(s.first_name.as_deref(), Some("Léa")),
        other => panic!("{other:?}"),
    }
}

/// A file that is produced as it is read, far larger than what is read of
/// it.
struct Endless {
    produced: u64,
    pending: Vec<u8>,
}

impl Read for Endless {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        if self.pending.is_empty() {
            self.pending = if self.produced == 0 {
                b",region_code,region_name,geo_code,geo_name,board_number,list_code,list_name,\
                  political_color,lead,position,gender,surname,name,birth_surname,birth_name,\
                  birthday,occupation,age\n"
                    .to_vec()
            } else {
                format!(
                    "{n},11,Île-de-France,75,Paris,1,1,Liste,LDIV,Non,{n},F,NOM{n},Prénom,NOM,P,\
                     1980-01-01,,40\n",
                    n = self.produced
                )
                .into_bytes()
            };
            self.produced += 1;
        }
        let n = buf.len().min(self.pending.len());
        buf[..n].copy_from_slice(&self.pending[..n]);
        self.pending.drain(..n);
        Ok(n)
    }
}

#[test]
fn the_reader_streams_and_never_loads_the_file() {
    let endless = Endless {
        produced: 0,
        pending: Vec::new(),
    };
    let mut reader = CandidateReader::new(endless, "endless.csv", &ReadOptions::default()).unwrap();

    let taken: Vec<ImportRow> = reader
        .by_ref()
        .take(1000)
        .map(|r| r.map_err(|e| e.error).unwrap())
        .collect();

    assert_eq!(taken.len(), 1000);
    assert_eq!(taken[999].location.line, Some(1001));
    assert!(
        reader.bytes_read() < 200_000,
        "{} bytes read",
        reader.bytes_read()
    );
}

#[test]
fn import_options_come_from_the_layout_and_the_request() {
    let layout = Layout::builtin_named("regionales-2021").unwrap();
    let options: ImportOptions = ImportRequest::round(2).options(layout, "t2.csv").unwrap();
    assert_eq!(
        (options.election.as_str(), options.round),
        ("Régionales 2021", 2)
    );
    assert_eq!(options.kind, candidats_core::ElectionKind::Regionales);
    assert_eq!(options.source, "t2.csv");
}
