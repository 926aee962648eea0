//! Broken and hostile input, on every store.
//!
//! - Candidate files with truncated lines, wrong column counts, mixed
//!   encodings, NUL bytes, 100,000-character fields, right-to-left
//!   overrides, SQL in names and spreadsheet formulas: each is refused with
//!   an error naming the file, the line and the column, or stored and read
//!   back exactly as given; either way nothing stored before changes.
//! - Contact details that must be refused, with the reason.
//! - The fuzz targets of `tests/fuzz` over their seed corpora and a few
//!   thousand inputs mutated from them, with the same checks as under
//!   libFuzzer.

mod stores;

#[path = "fuzz/src/lib.rs"]
mod fuzz_targets;

use std::path::Path;

use candidats::import::{CandidateReader, ReadOptions};
use candidats::*;
use candidats_core::testing::fixtures::{ok, Fixture};
use stores::{dump_store, Kind};

// ----- candidate files -------------------------------------------------------

const FILE: &str = "hostile.csv";

const HEADER: &str = "Code département;Département;Code circonscription;Libellé circonscription;\
Numéro de panneau;N° dépôt;Sexe du candidat;Nom du candidat;Prénom du candidat;\
Date de naissance du candidat;Code nuance;Profession;Sortant;Sexe remplaçant;\
Nom remplaçant;Prénom remplaçant;Date de naissance remplaçant;Sortant remplaçant";

/// A good line of the législatives 2024 layout, on panel `panel`.
fn fields(panel: u32) -> Vec<String> {
    [
        "29",
        "Finistère",
        "2901",
        "1ère circonscription",
        &panel.to_string(),
        &panel.to_string(),
        "F",
        &format!("NOM-{panel}"),
        "Anne",
        "12/03/1970",
        "DVG",
        "Avocate",
        "",
        "M",
        &format!("REMPLACANT-{panel}"),
        "Yann",
        "01/01/1980",
        "",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect()
}

/// A file: the header, two good lines, then `line` as line 4.
fn file_with(line: &[u8]) -> Vec<u8> {
    let mut bytes = Vec::new();
    bytes.extend_from_slice(HEADER.as_bytes());
    bytes.extend_from_slice(b"\r\n");
    for panel in 1..=2 {
        bytes.extend_from_slice(fields(panel).join(";").as_bytes());
        bytes.extend_from_slice(b"\r\n");
    }
    bytes.extend_from_slice(line);
    bytes
}

/// Line 4 with field `index` (from 0) replaced by `value`.
fn line_with(index: usize, value: &str) -> Vec<u8> {
    let mut f = fields(3);
    f[index] = value.to_string();
    let mut line = f.join(";").into_bytes();
    line.extend_from_slice(b"\r\n");
    line
}

/// What a hostile file must give.
enum Expect {
    /// An error at line 4, and at this column when given.
    Refused(Option<u64>),
    /// Stored, with these surname and first name for panel 3, exactly.
    Stored(&'static str, &'static str),
}

fn cases() -> Vec<(&'static str, Vec<u8>, Expect)> {
    let long = "A".repeat(100_000);
    let mut truncated = fields(3)[..7].join(";").into_bytes();
    truncated.extend_from_slice(b"\r\n");
    let mut extra = fields(3);
    extra.extend(["surplus".to_string(), "encore".to_string()]);
    let mut extra = extra.join(";").into_bytes();
    extra.extend_from_slice(b"\r\n");
    let mut cut = fields(3).join(";").into_bytes();
    cut.truncate(cut.len() - 30);
    let mut windows_1252 = line_with(7, "MA");
    let at = windows_1252
        .windows(2)
        .position(|w| w == b"MA")
        .expect("the name");
    // `Î` in Windows-1252, in an otherwise UTF-8 file.
    windows_1252.splice(at + 2..at + 2, [0xCE, b'T', b'R', b'E']);

    vec![
        (
            "a line cut after 7 fields",
            truncated,
            Expect::Refused(None),
        ),
        (
            "a line cut in the middle, without its end",
            cut,
            Expect::Refused(None),
        ),
        ("two fields too many", extra, Expect::Refused(None)),
        (
            "a NUL byte in a name",
            line_with(7, "LE\0GALL"),
            Expect::Refused(Some(8)),
        ),
        (
            "a NUL byte in a first name",
            line_with(8, "An\0ne"),
            Expect::Refused(Some(9)),
        ),
        (
            "a name of 100,000 characters",
            line_with(7, &long),
            Expect::Refused(Some(8)),
        ),
        (
            "a profession of 100,000 characters",
            line_with(11, &long),
            Expect::Refused(Some(12)),
        ),
        (
            "a NUL byte in a profession",
            line_with(11, "Avo\0cate"),
            Expect::Refused(Some(12)),
        ),
        (
            "a bad date",
            line_with(9, "31/02/1970"),
            Expect::Refused(Some(10)),
        ),
        ("a bad sex", line_with(6, "X"), Expect::Refused(Some(7))),
        ("a bad panel", line_with(4, "-1"), Expect::Refused(Some(5))),
        ("an empty name", line_with(7, ""), Expect::Refused(Some(8))),
        (
            "a Windows-1252 byte in a UTF-8 file",
            windows_1252,
            Expect::Refused(Some(8)),
        ),
        (
            "SQL with the file's separator in a name",
            line_with(7, "Robert'); DROP TABLE candidacies;--"),
            Expect::Refused(Some(19)),
        ),
        (
            "SQL in a name",
            line_with(7, "Robert') OR 1=1 UNION SELECT * FROM person--"),
            Expect::Stored("Robert') OR 1=1 UNION SELECT * FROM person--", "Anne"),
        ),
        (
            "SQL in a first name",
            line_with(8, "x' OR '1'='1"),
            Expect::Stored("NOM-3", "x' OR '1'='1"),
        ),
        (
            "a formula as a name",
            line_with(7, "=HYPERLINK(\"http://example.org\",\"x\")"),
            Expect::Stored("=HYPERLINK(\"http://example.org\",\"x\")", "Anne"),
        ),
        (
            "formula starters",
            line_with(8, "+33612345678 @SUM(A1) -2"),
            Expect::Stored("NOM-3", "+33612345678 @SUM(A1) -2"),
        ),
        (
            "right-to-left overrides",
            line_with(7, "\u{202e}LLAG EL\u{202c}"),
            Expect::Stored("\u{202e}LLAG EL\u{202c}", "Anne"),
        ),
        (
            "quotes, commas and a comment sign in a file without quoting",
            line_with(8, "\"Anne, \"\"dite\"\" # Nanou"),
            Expect::Stored("NOM-3", "\"Anne, \"\"dite\"\" # Nanou"),
        ),
        (
            "a last line without its end of line",
            fields(3).join(";").into_bytes(),
            Expect::Stored("NOM-3", "Anne"),
        ),
    ]
}

/// A store with a campaign in it: the régionales imported, details,
/// actions and a pledge answer; its records before any hostile file.
fn busy(kind: Kind) -> (stores::Made<DynStore>, Fixture<DynStore>) {
    let made = kind.make();
    let f = Fixture::new(made.store.clone());
    let c = &f.campaign;
    let target = f.candidacies[0].clone();
    ok(c.add_contact_detail(
        f.moderator,
        NewContactDetail {
            owner: Owner::Person(target.person),
            point: ok(ContactPoint::new(Channel::Email, "tete@example.org")),
            source: "=1+1".into(),
            visibility: Visibility::Private,
            label: Some("\u{202e}privé".into()),
            note: Some("Robert'); DROP TABLE contact_details;--".into()),
        },
    ));
    ok(c.record_action(
        f.volunteers[0],
        NewContactAction::new(target.id, Channel::Email, Outcome::Sent),
    ));
    (made, f)
}

fn import_bytes<S: Store>(
    campaign: &Campaign<S>,
    election: &str,
    bytes: &[u8],
) -> Result<ImportSummary> {
    let mut reader = CandidateReader::new(bytes, FILE, &ReadOptions::default())?;
    let options = ImportOptions {
        source: FILE.into(),
        ..ImportOptions::new(election, ElectionKind::Legislatives)
    };
    campaign.import(&mut reader, &options, &mut |_, _| Ok(()))
}

#[test]
fn hostile_files_are_refused_where_they_break_or_stored_exactly() {
    for kind in Kind::all() {
        let (made, f) = busy(kind);
        let c = &f.campaign;
        for (n, (what, line, expect)) in cases().into_iter().enumerate() {
            let before = dump_store(&made.store);
            let election = format!("Législatives hostiles n°{n}");
            let outcome = import_bytes(c, &election, &file_with(&line));
            let after = dump_store(&made.store);
            match (expect, outcome) {
                (Expect::Refused(column), Err(error)) => {
                    let location = error
                        .location()
                        .unwrap_or_else(|| panic!("{kind:?}, {what}: no location in `{error}`"));
                    assert_eq!(location.file.as_deref(), Some(FILE), "{kind:?}, {what}");
                    assert_eq!(location.line, Some(4), "{kind:?}, {what}: `{error}`");
                    if let Some(column) = column {
                        assert_eq!(location.column, Some(column), "{kind:?}, {what}: `{error}`");
                    }
                    let message = error.to_string();
                    assert!(
                        message.contains(FILE) && message.contains('4'),
                        "{kind:?}, {what}: the message does not say where: {message}"
                    );
                    assert_eq!(
                        after, before,
                        "{kind:?}, {what}: a refused file changed the store"
                    );
                }
                (Expect::Stored(surname, first_name), Ok(summary)) => {
                    assert_eq!(summary.candidacies, 3, "{kind:?}, {what}");
                    let stored = ok(c
                        .store()
                        .read_with(|r| r.persons_named(surname, Some(first_name))));
                    assert_eq!(
                        stored.len(),
                        1,
                        "{kind:?}, {what}: {surname:?} {first_name:?} not found as given"
                    );
                    assert_eq!(stored[0].surname.as_str(), surname);
                    // Everything stored before is still there, unchanged.
                    for record in before.iter().filter(|(kind, _, _)| kind != "audit") {
                        assert!(
                            after.contains(record),
                            "{kind:?}, {what}: {record:?} changed"
                        );
                    }
                }
                (Expect::Refused(_), Ok(summary)) => {
                    panic!("{kind:?}, {what}: accepted: {summary:?}")
                }
                (Expect::Stored(..), Err(error)) => {
                    panic!("{kind:?}, {what}: refused: {error}")
                }
            }
        }
        if let Some(path) = &made.path {
            let dump = dump_store(&made.store);
            drop(f);
            drop(made.store);
            let reopened = kind.reopen(path).expect("the store opens again");
            assert_eq!(
                dump_store(&reopened),
                dump,
                "{kind:?}: what was stored reads back"
            );
        }
    }
}

#[test]
fn hostile_values_come_back_exactly_and_spreadsheets_neutralise_them() {
    let bytes = file_with(&line_with(7, "=HYPERLINK(\"http://example.org\",\"x\")"));
    for kind in Kind::all() {
        let (made, f) = busy(kind);
        let summary = ok(import_bytes(&f.campaign, "Législatives", &bytes));
        assert_eq!(summary.candidacies, 3);
        if let Some(path) = &made.path {
            drop(f);
            drop(made.store);
            let store = kind.reopen(path).expect("reopen");
            let persons = ok(store.read_with(|r| {
                r.persons_named("=HYPERLINK(\"http://example.org\",\"x\")", Some("Anne"))
            }));
            assert_eq!(
                persons.len(),
                1,
                "{kind:?}: the formula reads back as given"
            );
            let details = ok(store.read_with(|r| r.contact_details(None)));
            let detail = details
                .iter()
                .find(|d| d.source == "=1+1")
                .expect("the detail");
            assert_eq!(detail.label.as_deref(), Some("\u{202e}privé"));
            assert_eq!(
                detail.note.as_deref(),
                Some("Robert'); DROP TABLE contact_details;--")
            );
            #[cfg(feature = "csv")]
            {
                use candidats_csv::export::Spreadsheet;
                let mut out = Vec::new();
                let query =
                    QueueQuery::new(QueueKind::ToCollect, Scope::default(), chrono::Utc::now());
                ok(Spreadsheet::FRENCH.queue(&store, &query, &mut out));
                let text = String::from_utf8(out).expect("UTF-8");
                assert!(
                    text.contains("'=HYPERLINK"),
                    "{kind:?}: not neutralised:\n{text}"
                );
                assert!(
                    !text.contains(";=HYPERLINK"),
                    "{kind:?}: a live formula:\n{text}"
                );
            }
        }
    }
}

/// In a file with quotes, a name may hold the separator, quotes and a line
/// break is refused where it stands.
#[test]
fn quoted_fields_keep_separators_and_quotes() {
    const HEADER: &str = ",region_code,region_name,geo_code,geo_name,board_number,list_code,\
        list_name,political_color,lead,position,gender,surname,name,birth_surname,birth_name,\
        birthday,occupation,age\n";
    let line = |n: u32, surname: &str| {
        format!(
            "{n},53,Bretagne,29,Finistère,1,1,\"Liste, \"\"unie\"\"\",LDVG,{},{},F,{surname},Anne,,,1970-01-01,,50\n",
            if n == 1 { "Oui" } else { "Non" },
            n
        )
    };
    let good = format!(
        "{HEADER}{}{}",
        line(1, "LE GALL"),
        line(2, "\"Robert'); DROP TABLE candidacies;--\"")
    );
    let broken = format!("{HEADER}{}{}", line(1, "LE GALL"), line(2, "\"LE\nGALL\""));
    for kind in Kind::all() {
        let (made, f) = busy(kind);
        let read = |bytes: &str, election: &str| -> Result<ImportSummary> {
            let mut reader = CandidateReader::new(bytes.as_bytes(), FILE, &ReadOptions::default())?;
            let options = ImportOptions::new(election, ElectionKind::Regionales);
            f.campaign.import(&mut reader, &options, &mut |_, _| Ok(()))
        };
        let before = dump_store(&made.store);
        let error = read(&broken, "Régionales cassées").expect_err("a line break in a name");
        let location = error.location().cloned().unwrap_or_default();
        assert_eq!(
            (location.file.as_deref(), location.line, location.column),
            (Some(FILE), Some(3), Some(13)),
            "{kind:?}: {error}"
        );
        assert_eq!(dump_store(&made.store), before, "{kind:?}");
        ok(read(&good, "Régionales"));
        let stored = ok(made
            .store
            .read_with(|r| r.persons_named("Robert'); DROP TABLE candidacies;--", Some("Anne"))));
        assert_eq!(stored.len(), 1, "{kind:?}");
        let list = ok(made.store.read_with(|r| {
            r.candidacy_at(&SeatKey::List {
                section: match ok(r.candidacies_of_person(stored[0].id))[0].seat {
                    Seat::List { section, .. } => section,
                    other => panic!("{other:?}"),
                },
                order: 2,
            })
        }));
        assert!(list.is_some(), "{kind:?}");
    }
}

// ----- contact details -------------------------------------------------------

#[test]
fn contact_details_are_refused_with_the_reason() {
    let long = format!("https://example.org/{}", "a".repeat(100_000));
    let cases: Vec<(Channel, &str, &str)> = vec![
        (Channel::Email, "marie@", "no domain"),
        (Channel::Email, "marie", "no `@`"),
        (Channel::Email, "@example.org", "nothing before"),
        (Channel::Email, "marie@localhost", "no dot"),
        (Channel::Email, "marie dupont@example.org", "not allowed"),
        (Channel::Email, "marie@exa mple.org", "not allowed"),
        (Channel::Email, "marie\n@example.org", "not allowed"),
        (Channel::Email, "\u{202e}marie@example.org", "not allowed"),
        (Channel::Email, "marie@example.org\u{202e}", "not allowed"),
        (Channel::Email, "marie@example.123", "number"),
        (Channel::Email, "marie@-example.org", "`-`"),
        (Channel::Email, "marie..dupont@example.org", "dot"),
        (Channel::Email, "marie@example..org", "empty"),
        (Channel::Email, "<marie@example.org>", "not allowed"),
        (
            Channel::Email,
            "marie@example.org, paul@example.org",
            "not allowed",
        ),
        (Channel::Website, "javascript:alert(1)", "scheme"),
        (Channel::Website, "JavaScript:alert(1)", "scheme"),
        (Channel::Website, "java\nscript:alert(1)", "scheme"),
        (
            Channel::Website,
            " javascript:alert(document.cookie)",
            "scheme",
        ),
        (
            Channel::WebForm,
            "data:text/html,<script>alert(1)</script>",
            "scheme",
        ),
        (Channel::WebForm, "vbscript:msgbox(1)", "scheme"),
        (Channel::WebForm, "file:///etc/passwd", "scheme"),
        (Channel::WebForm, "ftp://example.org", "scheme"),
        (Channel::WebForm, "//example.org/contact", "relative URL"),
        (Channel::WebForm, "example.org/contact", "relative URL"),
        (
            Channel::WebForm,
            "https://user:pass@example.org/",
            "user name",
        ),
        (Channel::Website, &long, "longer than"),
        (Channel::Phone, "06 CALL ME", "letters"),
        (Channel::Phone, "O6 12 34 56 78", "letters"),
        (Channel::Phone, "06 12 34 56 78 ext 12", "letters"),
        (Channel::Phone, "06 12 34 56", "no country code"),
        (Channel::Phone, "+33 6 12 34 56 78 90 12 34", "8 to 15"),
        (Channel::Phone, "+33 6 12+34 56 78", "character"),
        (Channel::Phone, "٠٦١٢٣٤٥٦٧٨", "character"),
        (Channel::Phone, "06\u{202e}12345678", "character"),
        (Channel::Phone, "+", "8 to 15"),
        (
            Channel::Social {
                network: "mastodon".into(),
            },
            "@marie dupont",
            "handle",
        ),
        (
            Channel::Social {
                network: "mastodon".into(),
            },
            "@marie@localhost",
            "no dot",
        ),
        (
            Channel::Social {
                network: "x".into(),
            },
            "javascript:alert(1)",
            "handle",
        ),
        (Channel::Postal, "   ", "nothing"),
        (Channel::Postal, "12 rue\0 des Lilas", "NUL"),
        (Channel::InPerson, "au marché", "contact action"),
    ];
    for (channel, value, reason) in cases {
        match ContactPoint::new(channel.clone(), value) {
            Ok(point) => panic!("{channel} {value:?} accepted as {:?}", point.value()),
            Err(error) => {
                assert!(matches!(error, Error::InvalidInput { .. }), "{error:?}");
                let message = error.to_string();
                assert!(
                    message.contains(reason),
                    "{channel} {value:?}: the reason is not given: {message}"
                );
            }
        }
    }
}

/// A value accepted at the limit of a length is stored longer once
/// normalised (percent-encoding, lower case): it must still read back, or
/// the store holding it would not open.
#[test]
fn details_accepted_at_the_limits_read_back_from_every_store() {
    let accents = format!("https://example.org/{}", "é".repeat(990));
    let capitals = format!("marie@{}.fr", "Ⱥ".repeat(60));
    let inputs = [
        (Channel::WebForm, accents.as_str()),
        (Channel::Email, capitals.as_str()),
        (Channel::Website, "https://EXAMPLE.org/a b?q=\u{202e}"),
        (Channel::Email, "Marie.Dupont@ÉCOLE.fr"),
    ];
    for kind in Kind::all() {
        let made = kind.make();
        let f = Fixture::new(made.store.clone());
        let owner = Owner::Person(f.candidacies[0].person);
        let mut kept = Vec::new();
        for (channel, value) in &inputs {
            let Ok(point) = ContactPoint::new(channel.clone(), value) else {
                continue;
            };
            let again = ContactPoint::new(channel.clone(), point.value());
            assert_eq!(
                again.as_ref().ok(),
                Some(&point),
                "{channel} {value:?} does not read back: {again:?}"
            );
            ok(f.campaign.add_contact_detail(
                f.moderator,
                NewContactDetail {
                    owner,
                    point: point.clone(),
                    source: "https://example.org".into(),
                    visibility: Visibility::Public,
                    label: None,
                    note: None,
                },
            ));
            kept.push(point);
        }
        assert!(kept.len() >= 2, "{kind:?}: {kept:?}");
        let read = |store: &DynStore| -> Vec<ContactPoint> {
            ok(store.read_with(|r| r.contact_details(Some(owner))))
                .into_iter()
                .map(|d| d.point)
                .collect()
        };
        assert_eq!(read(&made.store), kept, "{kind:?}");
        if let Some(path) = &made.path {
            drop(f);
            drop(made.store);
            let store = kind.reopen(path).expect("the store opens again");
            assert_eq!(read(&store), kept, "{kind:?}: after reopening");
        }
    }
}

// ----- the fuzz targets --------------------------------------------------------

/// A small deterministic generator, so that a failure repeats.
struct Mutator(u64);

impl Mutator {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }

    /// One to four edits of `input`: bytes flipped, inserted, removed or
    /// repeated, and pieces that break files (separators, line ends,
    /// quotes, NUL, bytes that are not UTF-8, a right-to-left override,
    /// formula starters, a long run).
    fn mutate(&mut self, input: &[u8]) -> Vec<u8> {
        const PIECES: &[&[u8]] = &[
            b";",
            b",",
            b"\t",
            b"\r\n",
            b"\n",
            b"\r",
            b"\"",
            b"\0",
            b"\xe9",
            b"\xc3",
            b"\xff\xfe",
            "\u{202e}".as_bytes(),
            b"=",
            b"+",
            b"@",
            b"-",
            b"''",
            b"== ",
            b"\n== persons.csv\n",
            b"OUI",
            b"00",
            b"999999999999999999999",
            b"-1",
            b"{}",
            b"null",
            b"@3",
        ];
        let mut out = input.to_vec();
        for _ in 0..1 + self.below(4) {
            let at = self.below(out.len() + 1);
            match self.below(6) {
                0 if !out.is_empty() => {
                    let i = self.below(out.len());
                    out[i] ^= 1 << self.below(8);
                }
                1 => {
                    let piece = PIECES[self.below(PIECES.len())];
                    out.splice(at..at, piece.iter().copied());
                }
                2 if !out.is_empty() => {
                    let end = (at + 1 + self.below(16)).min(out.len());
                    out.drain(at.min(end)..end);
                }
                3 if !out.is_empty() => {
                    let from = self.below(out.len());
                    let end = (from + 1 + self.below(64)).min(out.len());
                    let piece = out[from..end].to_vec();
                    out.splice(at..at, piece);
                }
                4 => {
                    let byte = [b'9', b'A', b' ', b'\xe9'][self.below(4)];
                    let run = vec![byte; 1 + self.below(3000)];
                    out.splice(at..at, run);
                }
                _ => {
                    let byte = self.next() as u8;
                    out.insert(at, byte);
                }
            }
        }
        out
    }
}

fn seeds(target: &str) -> Vec<Vec<u8>> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fuzz/corpus")
        .join(target);
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", dir.display()))
        .flatten()
        .map(|e| e.path())
        .collect();
    files.sort();
    let seeds: Vec<Vec<u8>> = files
        .iter()
        .map(|p| std::fs::read(p).expect("a seed"))
        .collect();
    assert!(
        seeds.len() >= 3,
        "{target}: too few seeds in {}",
        dir.display()
    );
    seeds
}

/// Runs `target` on each seed, then on `mutations` inputs mutated from
/// them (some from inputs already mutated).
fn smoke(target: &str, mutations: usize, run: fn(&[u8])) {
    let seeds = seeds(target);
    for seed in &seeds {
        run(seed);
    }
    let mut mutator = Mutator(0x9e37_79b9_7f4a_7c15 ^ target.len() as u64);
    let mut last = seeds[0].clone();
    for i in 0..mutations {
        let base = if i % 4 == 3 {
            last.clone()
        } else {
            seeds[i % seeds.len()].clone()
        };
        let input = mutator.mutate(&base);
        let outcome = std::panic::catch_unwind(|| run(&input));
        if let Err(panic) = outcome {
            let saved = std::env::temp_dir().join(format!("candidats-{target}-failure-{i}"));
            let _ = std::fs::write(&saved, &input);
            std::panic::resume_unwind(Box::new(format!(
                "{target} failed on mutated input {i}, saved in {}: {:?}",
                saved.display(),
                panic.downcast_ref::<String>()
            )));
        }
        last = input;
    }
}

#[test]
fn fuzz_target_contact_point() {
    smoke("contact_point", 5_000, fuzz_targets::contact_point);
}

#[test]
fn fuzz_target_import_file() {
    smoke("import_file", 2_000, fuzz_targets::import_file);
}

#[test]
fn fuzz_target_layout() {
    smoke("layout", 2_000, fuzz_targets::layout);
}

#[cfg(feature = "csv")]
#[test]
fn fuzz_target_csv_store() {
    smoke("csv_store", 600, fuzz_targets::csv_store);
}
