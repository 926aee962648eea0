//! The spreadsheet exports: byte order mark, separator, neutralised cells,
//! no private data, and the same files from any store.

use std::sync::Arc;

use candidats_core::testing::fixtures::{day, ok, Fixture};
use candidats_core::*;
use candidats_csv::export::{neutralise, ReportTable, Spreadsheet};
use candidats_csv::CsvStore;

const PRIVATE_PHONE: &str = "+33 6 11 22 33 44";
const PUBLIC_PHONE: &str = "+33 7 00 00 00 01";

/// The fixture campaign with hostile names, a private and a public phone,
/// contacts and answers.
fn campaign<S: Store>(store: S) -> Fixture<S> {
    let f = Fixture::new(store);
    let heads = f.with_role(Role::HeadOfList);
    let (first, second) = (heads[0].clone(), heads[1].clone());

    ok(f.campaign.store().write_with(|w| {
        let mut person = w.person(first.person)?;
        person.surname = Name::new("=HYPERLINK(\"http://evil.example\";\"clic\")")?;
        person.first_name = Some(Name::new("+Marie")?);
        w.put_person(&person)?;
        let mut list = w.list(first.list().expect("a list candidacy"))?;
        list.label = Name::new("@Liste; \"citoyenne\"")?;
        w.put_list(&list)
    }));
    for (person, phone, visibility) in [
        (first.person, PRIVATE_PHONE, Visibility::Private),
        (second.person, PUBLIC_PHONE, Visibility::Public),
        (second.person, PRIVATE_PHONE, Visibility::Private),
    ] {
        ok(f.campaign.add_contact_detail(
            f.moderator,
            NewContactDetail {
                owner: Owner::Person(person),
                point: ok(ContactPoint::new(Channel::Phone, phone)),
                source: "-secret source".into(),
                visibility,
                label: None,
                note: Some("note privée".into()),
            },
        ));
    }
    ok(f.campaign.add_contact_detail(
        f.moderator,
        NewContactDetail {
            owner: Owner::Person(second.person),
            point: ok(ContactPoint::new(Channel::Email, "liste@example.org")),
            source: "https://example.org".into(),
            visibility: Visibility::Public,
            label: None,
            note: None,
        },
    ));
    ok(f.campaign.record_action(
        f.volunteers[0],
        NewContactAction::new(first.id, Channel::Phone, Outcome::Answered),
    ));
    ok(f.campaign.record_answer(
        f.moderator,
        f.pledge,
        Subject::Person(first.person),
        Answer::Signed {
            evidence: "courriel".into(),
        },
        day(12),
    ));
    let section_heads: Vec<&Candidacy> = f
        .with_role(Role::HeadOfSection)
        .into_iter()
        .filter(|c| !c.roles.contains(Role::HeadOfList))
        .collect();
    for (i, c) in section_heads.iter().take(3).enumerate() {
        let answer = if i == 2 {
            Answer::Declined
        } else {
            Answer::Signed {
                evidence: "papier".into(),
            }
        };
        ok(f.campaign.record_answer(
            f.moderator,
            f.pledge,
            Subject::Person(c.person),
            answer,
            day(13),
        ));
    }
    f
}

/// Every export of a campaign, by name.
fn exports<S: Store>(f: &Fixture<S>, format: Spreadsheet) -> Vec<(String, Vec<u8>)> {
    let store: &dyn Store = f.campaign.store();
    let mut out = Vec::new();

    let mut bytes = Vec::new();
    ok(format.signatories(store, &Scope::default(), &mut bytes));
    out.push(("signataires".to_string(), bytes));
    for kind in QueueKind::ALL {
        let mut bytes = Vec::new();
        let query = QueueQuery::new(*kind, Scope::default(), f.campaign.now());
        ok(format.queue(store, &query, &mut bytes));
        out.push((kind.name().to_string(), bytes));
    }
    let report = ok(f.campaign.report(&Scope::default()));
    for table in ReportTable::ALL {
        let mut bytes = Vec::new();
        ok(format.report(&report, *table, &mut bytes));
        out.push((table.file_name().to_string(), bytes));
    }
    out
}

/// The rows of an export, read by a standard CSV reader.
fn rows(bytes: &[u8], separator: u8) -> Vec<Vec<String>> {
    let text = std::str::from_utf8(bytes).expect("UTF-8");
    let text = text.strip_prefix('\u{feff}').expect("a byte order mark");
    csv::ReaderBuilder::new()
        .delimiter(separator)
        .has_headers(false)
        .from_reader(text.as_bytes())
        .records()
        .map(|r| {
            r.expect("a CSV record")
                .iter()
                .map(str::to_string)
                .collect()
        })
        .collect()
}

#[test]
fn exports_open_in_french_excel_and_neutralise_formulas() {
    let f = campaign(MemoryStore::new());

    for (name, bytes) in exports(&f, Spreadsheet::FRENCH) {
        assert!(
            bytes.starts_with("\u{feff}".as_bytes()),
            "{name}: no byte order mark"
        );
        let text = String::from_utf8(bytes.clone()).expect("UTF-8");
        let header = text.lines().next().unwrap_or_default();
        assert!(
            header.contains(';') && !header.contains(','),
            "{name}: header {header:?}"
        );
        assert!(text.ends_with("\r\n"), "{name}: lines must end with CRLF");

        for (line, row) in rows(&bytes, b';').iter().enumerate() {
            for cell in row {
                assert!(
                    !cell.starts_with(['=', '+', '-', '@', '\t', '\r']),
                    "{name}, line {}: cell {cell:?} would run as a formula",
                    line + 1
                );
            }
        }
    }
}

#[test]
fn hostile_cells_are_kept_but_shown_as_text() {
    let f = campaign(MemoryStore::new());
    let all = exports(&f, Spreadsheet::FRENCH);
    let signatories = rows(&all[0].1, b';');

    let hostile = signatories
        .iter()
        .find(|row| row[9].contains("HYPERLINK"))
        .expect("the signatory with a hostile name");
    assert_eq!(hostile[9], "'=HYPERLINK(\"http://evil.example\";\"clic\")");
    assert_eq!(hostile[10], "'+Marie");
    assert_eq!(hostile[5], "'@Liste; \"citoyenne\"");

    let to_contact = rows(&all[2].1, b';');
    let phones: Vec<&String> = to_contact.iter().skip(1).map(|row| &row[14]).collect();
    assert!(phones.contains(&&"'+33700000001".to_string()), "{phones:?}");
}

#[test]
fn a_private_phone_number_never_appears_in_any_export() {
    let f = campaign(MemoryStore::new());
    let spellings = [
        "+33611223344",
        "33611223344",
        "611223344",
        "06 11 22 33 44",
        "0611223344",
        PRIVATE_PHONE,
    ];

    for format in [Spreadsheet::FRENCH, Spreadsheet::INTERNATIONAL] {
        for (name, bytes) in exports(&f, format) {
            let text = String::from_utf8(bytes).expect("UTF-8");
            for spelling in spellings {
                assert!(
                    !text.contains(spelling),
                    "{name} shows the private phone {spelling}"
                );
            }
            for private in ["note privée", "secret source", "mod@example.org"] {
                assert!(!text.contains(private), "{name} shows {private:?}");
            }
        }
    }
}

#[test]
fn signatories_match_the_report_and_are_sorted_by_region_and_list() {
    let f = campaign(MemoryStore::new());
    let report = ok(f.campaign.report(&Scope::default()));
    let mut bytes = Vec::new();

    let written =
        ok(Spreadsheet::FRENCH.signatories(f.campaign.store(), &Scope::default(), &mut bytes));

    let table = rows(&bytes, b';');
    assert_eq!(written as u64, report.signatories);
    assert_eq!(table.len() - 1, written);
    assert_eq!(
        table[0],
        [
            "Élection",
            "Tour",
            "Région",
            "Circonscription",
            "Code",
            "Liste",
            "Nuance",
            "Rôle",
            "Ordre",
            "Nom",
            "Prénom",
            "Signé le",
            "Pacte"
        ]
    );
    let keys: Vec<(String, String)> = table[1..]
        .iter()
        .map(|row| (row[2].clone(), row[5].clone()))
        .collect();
    let mut sorted = keys.clone();
    sorted.sort();
    assert_eq!(keys, sorted);
    assert!(table[1..]
        .iter()
        .all(|row| row[12] == "Pacte du Logiciel Libre"));
    let days: Vec<&str> = table[1..].iter().map(|row| row[11].as_str()).collect();
    assert_eq!(
        days.iter().filter(|d| **d == "2015-11-12").count(),
        1,
        "{days:?}"
    );
    assert_eq!(
        days.iter().filter(|d| **d == "2015-11-13").count(),
        2,
        "{days:?}"
    );
}

#[test]
fn report_tables_hold_the_report_with_a_decimal_comma() {
    let f = campaign(MemoryStore::new());
    let report = ok(f.campaign.report(&Scope::default()));
    let table = |which: ReportTable, format: Spreadsheet, separator: u8| {
        let mut bytes = Vec::new();
        let written = ok(format.report(&report, which, &mut bytes));
        let rows = rows(&bytes, separator);
        assert_eq!(rows.len() - 1, written);
        rows
    };

    let headline = table(ReportTable::Headline, Spreadsheet::FRENCH, b';');
    let value = |label: &str| {
        headline
            .iter()
            .find(|row| row[0] == label)
            .map(|row| row[1].clone())
            .unwrap_or_else(|| panic!("no line {label}"))
    };
    assert_eq!(value("Candidats"), report.candidacies.to_string());
    assert_eq!(value("Signataires"), report.signatories.to_string());
    assert_eq!(value("Têtes de liste"), "4");
    let share = format!("{:.1}", report.contacted_percent);
    assert_eq!(value("Candidats contactés (%)"), share.replace('.', ","));
    assert!(share.contains('.'), "the share {share} should not be whole");

    let lists = table(ReportTable::Lists, Spreadsheet::INTERNATIONAL, b',');
    assert_eq!(lists.len() - 1, report.by_list.len());
    assert_eq!(lists[1][2], report.by_list[0].tally.candidacies.to_string());
    let roles = table(ReportTable::Roles, Spreadsheet::FRENCH, b';');
    assert_eq!(roles.len() - 1, report.roles.len());
    let daily = table(ReportTable::Daily, Spreadsheet::FRENCH, b';');
    assert_eq!(daily.len() - 1, report.daily.len());
    assert_eq!(
        table(ReportTable::Constituencies, Spreadsheet::FRENCH, b';').len() - 1,
        report.by_constituency.len()
    );
    assert_eq!(
        table(ReportTable::Nuances, Spreadsheet::FRENCH, b';').len() - 1,
        report.by_nuance.len()
    );
}

#[test]
fn queues_list_every_candidacy_of_the_queue_in_order() {
    let f = campaign(MemoryStore::new());

    for kind in QueueKind::ALL {
        let query = QueueQuery::new(*kind, Scope::default(), f.campaign.now());
        let mut bytes = Vec::new();
        let written = ok(Spreadsheet::FRENCH.queue(f.campaign.store(), &query, &mut bytes));

        let expected = ok(f.campaign.queue(*kind, &Scope::default(), usize::MAX));
        assert_eq!(written, expected.len(), "{kind}");
        let table = rows(&bytes, b';');
        let ranks: Vec<String> = table[1..].iter().map(|row| row[0].clone()).collect();
        let wanted: Vec<String> = (1..=expected.len()).map(|n| n.to_string()).collect();
        assert_eq!(ranks, wanted, "{kind}");
    }
}

#[test]
fn any_store_gives_the_same_exports() {
    let temp = tempfile::tempdir().expect("temporary folder");
    let csv: Arc<dyn Store> = Arc::new(ok(CsvStore::open(temp.path())));

    let from_memory = exports(&campaign(MemoryStore::new()), Spreadsheet::FRENCH);
    let from_csv = exports(&campaign(csv), Spreadsheet::FRENCH);

    for ((name, memory), (_, csv)) in from_memory.iter().zip(&from_csv) {
        if name.as_str() == ReportTable::Headline.file_name() {
            continue;
        }
        assert_eq!(
            String::from_utf8_lossy(csv),
            String::from_utf8_lossy(memory),
            "{name}"
        );
    }
}

#[test]
fn neutralise_prefixes_only_formula_starters() {
    for (cell, shown) in [
        ("=1+1", "'=1+1"),
        ("+33612345678", "'+33612345678"),
        ("-2", "'-2"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tx", "'\tx"),
        ("\rx", "'\rx"),
        ("D'ALMEIDA", "D'ALMEIDA"),
        ("", ""),
        (" =x", " =x"),
        ("MAÎTRE", "MAÎTRE"),
    ] {
        assert_eq!(neutralise(cell), shown);
    }
}
