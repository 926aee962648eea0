//! Erasing a person leaves no copy of their contact data in the file or
//! its write-ahead log.

use std::path::Path;

use candidats_core::testing::fixtures::{ok, Fixture};
use candidats_core::*;
use candidats_sqlite::SqliteStore;

const SECRET_EMAIL: &str = "marie.secret@example.org";
const SECRET_PHONE: &str = "+33699887766";
const SECRET_NOTE: &str = "habite 12 rue des Lilas";

/// The bytes of the database file and of its write-ahead log.
fn file_bytes(db: &Path) -> Vec<u8> {
    let mut bytes = std::fs::read(db).expect("read the database file");
    let mut wal = db.as_os_str().to_owned();
    wal.push("-wal");
    if let Ok(log) = std::fs::read(&wal) {
        bytes.extend(log);
    }
    bytes
}

fn holds(bytes: &[u8], secret: &str) -> bool {
    bytes
        .windows(secret.len())
        .any(|window| window == secret.as_bytes())
}

#[test]
fn erased_contact_data_leaves_no_bytes_behind() {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let path = dir.path().join("campaign.db");
    let f = Fixture::new(SqliteStore::open(&path).expect("a file store"));
    let c = &f.campaign;
    let target = f.candidacies[6].clone();
    let owner = Owner::Person(target.person);
    let detail = |point: ContactPoint| NewContactDetail {
        owner,
        point,
        source: "https://example.org/equipe".into(),
        visibility: Visibility::Private,
        label: None,
        note: None,
    };
    ok(c.add_contact_detail(
        f.moderator,
        detail(ok(ContactPoint::new(Channel::Email, SECRET_EMAIL))),
    ));
    ok(c.add_contact_detail(
        f.moderator,
        detail(ok(ContactPoint::new(Channel::Phone, "06 99 88 77 66"))),
    ));
    ok(c.add_contact_detail(
        f.volunteers[1],
        detail(ok(ContactPoint::new(
            Channel::Email,
            "other.secret@example.org",
        ))),
    ));
    ok(c.record_action(
        f.volunteers[0],
        NewContactAction {
            note: Some(SECRET_NOTE.into()),
            ..NewContactAction::new(target.id, Channel::Phone, Outcome::Answered)
        },
    ));

    let before = file_bytes(&path);
    for secret in [SECRET_EMAIL, SECRET_PHONE, SECRET_NOTE] {
        assert!(
            holds(&before, secret),
            "`{secret}` should be stored before the erasure"
        );
    }

    ok(c.erase_person(f.moderator, target.person, Some("demande du 20/11")));

    let after = file_bytes(&path);
    for secret in [
        SECRET_EMAIL,
        SECRET_PHONE,
        SECRET_NOTE,
        "other.secret@example.org",
    ] {
        assert!(
            !holds(&after, secret),
            "`{secret}` is still in the database file or its log"
        );
    }
    let person = ok(c.store().read_with(|r| r.person(target.person)));
    assert!(
        holds(&after, person.surname.as_str()),
        "the public record stays"
    );
}
