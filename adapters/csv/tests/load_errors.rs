//! A folder edited by hand into a bad state is refused whole, with the
//! file, line and column of the first problem.

use std::path::{Path, PathBuf};

use candidats_core::testing::fixtures::ok;
use candidats_core::*;
use candidats_csv::CsvStore;
use chrono::{NaiveDate, TimeZone, Utc};

/// A folder with one election, two candidacies, a participant and a
/// contact action on the first candidacy.
fn folder() -> (tempfile::TempDir, PathBuf) {
    let temp = tempfile::tempdir().expect("temporary folder");
    let dir = temp.path().join("store");
    let store = ok(CsvStore::open(&dir));
    let at = Utc
        .with_ymd_and_hms(2015, 11, 10, 9, 0, 0)
        .single()
        .expect("a date");
    ok(store.write_with(|w| {
        let election = Election::new(
            ElectionId::new(1),
            ElectionKind::Legislatives,
            "Législatives 2024",
            vec![Round {
                number: 1,
                date: NaiveDate::from_ymd_opt(2024, 6, 30),
            }],
        )?;
        w.put_election(&election)?;
        w.put_constituency(&Constituency {
            id: ConstituencyId::new(1),
            election: election.id(),
            parent: None,
            kind: ConstituencyKind::Circonscription,
            code: "0101".into(),
            name: Name::new("1ère circonscription de l'Ain")?,
        })?;
        for i in 1..=2 {
            let mut person = Person::named(
                PersonId::new(i),
                Name::new(format!("D'ALMEIDA {i}"))?,
                Some(Name::new("Marie")?),
            );
            person.birth_date = NaiveDate::from_ymd_opt(1970, 1, i as u32);
            w.put_person(&person)?;
            w.put_candidacy(&Candidacy {
                id: CandidacyId::new(i),
                person: person.id,
                election: election.id(),
                round: 1,
                constituency: ConstituencyId::new(1),
                seat: if i == 1 {
                    Seat::Single
                } else {
                    Seat::Substitute {
                        of: CandidacyId::new(1),
                    }
                },
                roles: Roles::EMPTY.with(if i == 1 {
                    Role::SingleSeat
                } else {
                    Role::Substitute
                }),
                nuance: None,
                panel: Some(1),
                outgoing: false,
                community_council: false,
                withdrawn: false,
                profession: None,
            })?;
        }
        w.put_participant(&Participant {
            id: ParticipantId::new(1),
            name: Name::new("Alice")?,
            email: None,
            moderator: true,
            registered_at: at,
        })?;
        w.put_contact_action(&ContactAction {
            id: ContactActionId::new(1),
            participant: ParticipantId::new(1),
            target: ActionTarget::Candidacy(CandidacyId::new(1)),
            channel: Channel::Email,
            at,
            outcome: Outcome::Sent,
            note: Some("premier, \"essai\"".into()),
            template: None,
            marathon: None,
        })
    }));
    (temp, dir)
}

fn edit(dir: &Path, file: &str, change: impl FnOnce(String) -> String) {
    let path = dir.join(file);
    let text = std::fs::read_to_string(&path).expect("read the file");
    let changed = change(text.clone());
    assert_ne!(changed, text, "the edit of {file} changed nothing");
    std::fs::write(&path, changed).expect("write the file");
}

/// Opens the folder, expecting an error at `file`, `line`, `column` whose
/// message contains `words`.
fn refused(dir: &Path, file: &str, line: u64, column: u64, words: &str) -> Error {
    let error = match CsvStore::open(dir) {
        Ok(_) => panic!("the folder opened despite the bad {file}"),
        Err(error) => error,
    };
    let location = error.location().cloned().unwrap_or_default();
    assert_eq!(
        (location.file.as_deref(), location.line, location.column),
        (Some(file), Some(line), Some(column)),
        "{error}"
    );
    assert!(error.to_string().contains(words), "{error}");
    error
}

#[test]
fn the_fixture_folder_opens() {
    let (_temp, dir) = folder();

    let store = ok(CsvStore::open(&dir));

    assert_eq!(
        ok(store.read_with(|r| r.contact_actions(&ActionFilter::default()))).len(),
        1
    );
    let actions = std::fs::read_to_string(dir.join("contact_actions.csv")).expect("read");
    assert_eq!(
        actions,
        "id,participant,target,target_id,channel,at,outcome,note,template,marathon\n\
         1,1,candidacy,1,email,2015-11-10T09:00:00Z,sent,\"premier, \"\"essai\"\"\",,\n"
    );
}

#[test]
fn an_action_naming_an_unknown_candidacy() {
    let (_temp, dir) = folder();
    edit(&dir, "contact_actions.csv", |t| {
        t.replace("1,1,candidacy,1,", "1,1,candidacy,9,")
    });

    let error = refused(
        &dir,
        "contact_actions.csv",
        2,
        4,
        "candidacy 9 does not exist in candidacies.csv",
    );

    assert_eq!(
        error.location().and_then(|l| l.field.clone()).as_deref(),
        Some("target_id")
    );
}

#[test]
fn a_duplicate_identifier() {
    let (_temp, dir) = folder();
    edit(&dir, "persons.csv", |t| {
        let second = t.lines().nth(1).unwrap_or_default().to_string();
        format!("{t}{second}\n")
    });

    refused(
        &dir,
        "persons.csv",
        4,
        1,
        "identifier 1 is already used on line 2",
    );
}

#[test]
fn a_missing_column() {
    let (_temp, dir) = folder();
    edit(&dir, "persons.csv", |t| {
        t.lines()
            .map(|line| {
                let mut fields: Vec<&str> = line.split(',').collect();
                fields.remove(4);
                fields.join(",") + "\n"
            })
            .collect()
    });

    refused(&dir, "persons.csv", 1, 6, "missing column `birth_date`");
}

#[test]
fn an_unknown_column() {
    let (_temp, dir) = folder();
    edit(&dir, "participants.csv", |t| {
        t.replacen("email", "courriel", 1)
    });

    refused(&dir, "participants.csv", 1, 3, "unknown column `courriel`");
}

#[test]
fn a_bad_date() {
    let (_temp, dir) = folder();
    edit(&dir, "persons.csv", |t| {
        t.replace("1970-01-02", "02/01/1970")
    });

    refused(
        &dir,
        "persons.csv",
        3,
        5,
        "expected a day like 2015-12-02, found `02/01/1970`",
    );
}

#[test]
fn a_bad_instant() {
    let (_temp, dir) = folder();
    edit(&dir, "contact_actions.csv", |t| {
        t.replace("2015-11-10T09:00:00Z", "hier")
    });

    refused(&dir, "contact_actions.csv", 2, 6, "expected an instant");
}

#[test]
fn bad_enumeration_values() {
    let (_temp, dir) = folder();
    edit(&dir, "candidacies.csv", |t| {
        t.replace(",substitute,,,1,false", ",remplaçant,,,1,false")
    });
    refused(&dir, "candidacies.csv", 3, 13, "expected a role");

    let (_temp, dir) = folder();
    edit(&dir, "contact_actions.csv", |t| {
        t.replace(",sent,", ",envoyé,")
    });
    refused(&dir, "contact_actions.csv", 2, 7, "expected an outcome");

    let (_temp, dir) = folder();
    edit(&dir, "participants.csv", |t| t.replace(",true,", ",oui,"));
    refused(
        &dir,
        "participants.csv",
        2,
        4,
        "expected `true` or `false`, found `oui`",
    );
}

#[test]
fn a_seat_with_cells_it_cannot_have() {
    let (_temp, dir) = folder();
    edit(&dir, "candidacies.csv", |t| {
        t.replace("1,1,1,1,1,single,,,,", "1,1,1,1,1,single,,,7,")
    });

    refused(
        &dir,
        "candidacies.csv",
        2,
        9,
        "expected an empty cell for a single seat",
    );
}

#[test]
fn a_unique_key_taken_twice() {
    let (_temp, dir) = folder();
    edit(&dir, "candidacies.csv", |t| {
        t.replace("substitute,,,,,,1,substitute", "single,,,,,,,single_seat")
    });

    refused(&dir, "candidacies.csv", 3, 6, "already holds this seat");
}

#[test]
fn a_wrong_number_of_fields() {
    let (_temp, dir) = folder();
    edit(&dir, "participants.csv", |t| t.replace(",true,", ",true,,"));

    refused(
        &dir,
        "participants.csv",
        2,
        6,
        "expected 5 fields as in the header, found 6",
    );
}

#[test]
fn broken_quoting() {
    let (_temp, dir) = folder();
    edit(&dir, "contact_actions.csv", |t| {
        t.replace("\"\"essai\"\"\"", "\"\"essai\"\"")
    });

    refused(&dir, "contact_actions.csv", 2, 8, "never closed");
}

#[test]
fn text_that_is_not_utf8() {
    let (_temp, dir) = folder();
    let path = dir.join("persons.csv");
    let mut bytes = std::fs::read(&path).expect("read");
    let at = bytes
        .windows(5)
        .position(|w| w == b"Marie")
        .expect("a first name");
    bytes[at + 1] = 0xE9;
    std::fs::write(&path, bytes).expect("write");

    refused(&dir, "persons.csv", 2, 3, "expected UTF-8");
}

#[test]
fn a_constituency_that_is_its_own_ancestor() {
    let (_temp, dir) = folder();
    edit(&dir, "constituencies.csv", |t| {
        t.replace("1,1,,circonscription", "1,1,1,circonscription")
    });

    refused(&dir, "constituencies.csv", 2, 3, "its own ancestor");
}

#[test]
fn a_missing_file() {
    let (_temp, dir) = folder();
    std::fs::remove_file(dir.join("templates.csv")).expect("remove");

    let error = CsvStore::open(&dir)
        .err()
        .map(|e| e.to_string())
        .unwrap_or_default();

    assert!(
        error.contains("cannot read") && error.contains("templates.csv"),
        "{error}"
    );
}

#[test]
fn files_without_a_manifest() {
    let (_temp, dir) = folder();
    std::fs::remove_file(dir.join("manifest.json")).expect("remove");

    let error = CsvStore::open(&dir)
        .err()
        .map(|e| e.to_string())
        .unwrap_or_default();

    assert!(error.contains("no manifest.json"), "{error}");
    assert!(dir.join("persons.csv").exists());
}

#[test]
fn a_newer_format_version_is_refused() {
    let (_temp, dir) = folder();
    edit(&dir, "manifest.json", |t| {
        t.replace("\"version\": 1", "\"version\": 7")
    });

    let error = CsvStore::open(&dir).err();

    assert!(
        matches!(error, Some(Error::Unsupported { .. })),
        "{error:?}"
    );
    let message = error.map(|e| e.to_string()).unwrap_or_default();
    assert!(
        message.contains("format version 7") && message.contains("upgrade"),
        "{message}"
    );
}

#[test]
fn a_refused_folder_is_left_untouched_and_opens_once_fixed() {
    let (_temp, dir) = folder();
    edit(&dir, "contact_actions.csv", |t| {
        t.replace(",sent,", ",envoyé,")
    });
    let files: Vec<Vec<u8>> = ["persons.csv", "contact_actions.csv", "manifest.json"]
        .iter()
        .map(|f| std::fs::read(dir.join(f)).expect("read"))
        .collect();

    assert!(CsvStore::open(&dir).is_err());
    let after: Vec<Vec<u8>> = ["persons.csv", "contact_actions.csv", "manifest.json"]
        .iter()
        .map(|f| std::fs::read(dir.join(f)).expect("read"))
        .collect();
    assert_eq!(after, files);

    edit(&dir, "contact_actions.csv", |t| {
        t.replace(",envoyé,", ",answered,")
    });
    let store = ok(CsvStore::open(&dir));
    let actions = ok(store.read_with(|r| r.contact_actions(&ActionFilter::default())));
    assert_eq!(actions[0].outcome, Outcome::Answered);
}

#[test]
fn columns_may_be_reordered_by_hand() {
    let (_temp, dir) = folder();
    edit(&dir, "participants.csv", |t| {
        t.lines()
            .map(|line| {
                let mut fields: Vec<&str> = line.split(',').collect();
                fields.swap(1, 4);
                fields.join(",") + "\n"
            })
            .collect()
    });

    let store = ok(CsvStore::open(&dir));

    let alice = ok(store.read_with(|r| r.participant(ParticipantId::new(1))));
    assert_eq!(alice.name.as_str(), "Alice");
}

#[test]
fn a_file_saved_with_another_separator() {
    let (_temp, dir) = folder();
    edit(&dir, "participants.csv", |t| t.replace(',', ";"));

    refused(
        &dir,
        "participants.csv",
        1,
        1,
        "expected `,` between columns, found `;`",
    );
}
