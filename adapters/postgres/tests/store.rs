//! What the conformance suite cannot see: PostgreSQL's own limits and
//! traces.

mod support;

use candidats_core::testing::fixtures::Fixture;
use candidats_core::*;

#[test]
fn what_the_system_clock_writes_reads_back_equal() {
    if support::skip() {
        return;
    }
    let campaign = Campaign::new(support::store());

    let alice = campaign.register("Alice", None).expect("register");

    let stored = campaign
        .store()
        .read_with(|r| r.participant(alice.id))
        .expect("read");
    assert_eq!(stored, alice);
    let history = campaign
        .history(RecordKind::Participant, alice.id.get())
        .expect("history");
    assert_eq!(history.len(), 1);
    assert_eq!(history[0].at, alice.registered_at);
}

#[test]
fn text_with_nul_is_refused_and_changes_nothing() {
    if support::skip() {
        return;
    }
    let f = Fixture::new(support::store());
    let store = f.campaign.store();
    let c = f.candidacies[0].clone();

    let refused = store.write(&mut |w| {
        let mut person = w.person(c.person)?;
        person.nationality = Some("fran\0çaise".into());
        w.put_person(&person)
    });

    assert!(
        matches!(refused, Err(Error::InvalidInput { .. })),
        "{refused:?}"
    );
    let person = store.read_with(|r| r.person(c.person)).expect("read");
    assert_eq!(person.nationality, None);
    assert!(store
        .read_with(|r| r.persons_named("NUL\0", None))
        .expect("lookup")
        .is_empty());
}

#[test]
fn the_description_holds_no_password() {
    if support::skip() {
        return;
    }
    let store = support::store();
    let url = store.url().replace("candidats@", "candidats:secret@");

    let opened = candidats_postgres::PostgresStore::open(&url).expect("open");

    let description = opened.describe();
    assert!(description.starts_with("postgres://"), "{description}");
    assert!(!description.contains("secret") && !description.contains("candidats@"));
}

/// Whether any tuple of `table`, live or dead, or any byte of its pages
/// (`raw`), holds `needle`.
fn traces(store: &support::TestStore, table: &str, needle: &str, raw: bool) -> i64 {
    store.sql("CREATE EXTENSION IF NOT EXISTS pageinspect");
    store.sql("CHECKPOINT");
    let what = if raw {
        format!("get_raw_page('{table}', b::int)")
    } else {
        format!(
            "(SELECT string_agg(t_data, ''::bytea) FROM heap_page_items(get_raw_page('{table}', b::int)))"
        )
    };
    let sql = format!(
        "SELECT count(*) FROM generate_series(0, pg_relation_size('{table}') / 8192 - 1) AS b \
         WHERE position(convert_to('{needle}', 'UTF8') IN coalesce({what}, ''::bytea)) > 0"
    );
    store.sql(&sql)[0].get(0)
}

#[test]
fn erasure_leaves_no_tuple_behind_and_a_full_vacuum_no_byte() {
    if support::skip() {
        return;
    }
    let f = Fixture::new(support::store());
    let person = f.candidacies[3].person;
    let secret = "tres.secret@example.org";
    f.campaign
        .add_contact_detail(
            f.moderator,
            NewContactDetail {
                owner: Owner::Person(person),
                point: ContactPoint::new(Channel::Email, secret).expect("e-mail"),
                source: "annuaire".into(),
                visibility: Visibility::Private,
                label: None,
                note: None,
            },
        )
        .expect("add");
    let store = f.campaign.store();
    assert!(traces(store, "audit", secret, false) > 0);

    f.campaign
        .erase_person(f.moderator, person, Some("demande"))
        .expect("erase");

    for table in ["audit", "contact_details"] {
        assert_eq!(
            traces(store, table, secret, false),
            0,
            "a tuple of {table} holds it"
        );
    }
    store.inner().vacuum(true).expect("vacuum full");
    for table in ["audit", "contact_details"] {
        assert_eq!(
            traces(store, table, secret, true),
            0,
            "a page of {table} holds it"
        );
    }
}
