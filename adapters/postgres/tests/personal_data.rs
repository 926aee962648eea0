//! Erasure and access requests on PostgreSQL: after an erasure no tuple of
//! any table, live or dead, holds the person's data, and after a full
//! vacuum no page of any table or index does; before it, the person's
//! export holds every record that carries their data.

mod support;

use candidats_core::testing::fixtures::{day, ok, Fixture};
use candidats_core::*;

/// What the campaign knows about the candidate and must forget on request.
const MARKERS: &[&str] = &[
    "+33611223344",
    "SECRET-LABEL",
    "SECRET-DETAIL-NOTE",
    "SECRET-DETAIL-SOURCE",
    "public.erasable@example.org",
    "pending.proposal@example.org",
    "accepted.proposal@example.org",
    "rejected.proposal@example.org",
    "SECRET-ACTION-NOTE",
    "SECRET-EVIDENCE",
    "SECRET-PROPOSED-EVIDENCE",
    "SECRET-CHANGE-SOURCE",
];

fn detail(owner: Owner, point: ContactPoint, visibility: Visibility) -> NewContactDetail {
    NewContactDetail {
        owner,
        point,
        source: "https://example.org/annuaire".into(),
        visibility,
        label: None,
        note: None,
    }
}

fn email(value: &str) -> ContactPoint {
    ok(ContactPoint::new(Channel::Email, value))
}

/// Fills every field a campaign can hold about candidacy 5's person.
fn plant<S: Store>(f: &Fixture<S>) -> Candidacy {
    let c = &f.campaign;
    let target = f.candidacies[5].clone();
    let owner = Owner::Person(target.person);
    let bob = f.volunteers[1];
    let phone = ok(c.add_contact_detail(
        f.moderator,
        NewContactDetail {
            label: Some("SECRET-LABEL".into()),
            note: Some("SECRET-DETAIL-NOTE".into()),
            source: "SECRET-DETAIL-SOURCE".into(),
            ..detail(
                owner,
                ok(ContactPoint::new(Channel::Phone, "06 11 22 33 44")),
                Visibility::Private,
            )
        },
    ))
    .applied()
    .expect("applied");
    ok(c.add_contact_detail(
        f.moderator,
        detail(
            owner,
            email("public.erasable@example.org"),
            Visibility::Public,
        ),
    ));
    ok(c.set_detail_status(
        f.moderator,
        phone.id,
        DetailStatus::Bounced,
        Some("SECRET-CHANGE-SOURCE"),
    ));
    ok(c.add_contact_detail(
        bob,
        detail(
            owner,
            email("pending.proposal@example.org"),
            Visibility::Private,
        ),
    ));
    let accepted = ok(c.add_contact_detail(
        bob,
        detail(
            owner,
            email("accepted.proposal@example.org"),
            Visibility::Private,
        ),
    ))
    .proposal()
    .expect("a proposal");
    ok(c.accept(f.moderator, accepted.id));
    let rejected = ok(c.add_contact_detail(
        bob,
        detail(
            owner,
            email("rejected.proposal@example.org"),
            Visibility::Private,
        ),
    ))
    .proposal()
    .expect("a proposal");
    ok(c.reject(f.moderator, rejected.id));
    ok(c.record_action(
        f.volunteers[0],
        NewContactAction {
            note: Some("SECRET-ACTION-NOTE".into()),
            ..NewContactAction::new(target.id, Channel::Phone, Outcome::Answered)
        },
    ));
    ok(c.record_answer(
        f.moderator,
        f.pledge,
        Subject::Person(target.person),
        Answer::Signed {
            evidence: "SECRET-EVIDENCE".into(),
        },
        day(12),
    ));
    ok(c.change(
        f.volunteers[2],
        Change::RecordAnswer {
            pledge: f.pledge,
            subject: Subject::Person(target.person),
            answer: Answer::Signed {
                evidence: "SECRET-PROPOSED-EVIDENCE".into(),
            },
            date: day(13),
        },
        None,
    ));
    target
}

/// Every table and index of the store's schema.
fn relations(store: &support::TestStore) -> Vec<(String, bool)> {
    store
        .sql(
            "SELECT c.relname::text, c.relkind = 'i' FROM pg_class c \
             JOIN pg_namespace n ON n.oid = c.relnamespace \
             WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'i') \
             AND c.relpersistence = 'p' ORDER BY 1",
        )
        .iter()
        .map(|row| (row.get(0), row.get(1)))
        .collect()
}

/// How many pages of `relation` hold `needle`: in the data of its tuples,
/// live or dead (`raw` false, tables only), or anywhere (`raw`).
fn traces(store: &support::TestStore, relation: &str, needle: &str, raw: bool) -> i64 {
    let what = if raw {
        format!("get_raw_page('{relation}', b::int)")
    } else {
        format!(
            "(SELECT string_agg(t_data, ''::bytea) FROM heap_page_items(get_raw_page('{relation}', b::int)))"
        )
    };
    let sql = format!(
        "SELECT count(*) FROM generate_series(0, pg_relation_size('{relation}') / 8192 - 1) AS b \
         WHERE position(convert_to('{needle}', 'UTF8') IN coalesce({what}, ''::bytea)) > 0"
    );
    store.sql(&sql)[0].get(0)
}

#[test]
fn erasure_leaves_no_tuple_in_any_table_and_no_byte_after_a_full_vacuum() {
    if support::skip() {
        return;
    }
    let f = Fixture::new(support::store());
    let target = plant(&f);
    let store = f.campaign.store();
    store.sql("CREATE EXTENSION IF NOT EXISTS pageinspect");
    store.sql("CHECKPOINT");
    let tables: Vec<String> = relations(store)
        .into_iter()
        .filter(|(_, index)| !index)
        .map(|(name, _)| name)
        .collect();
    assert!(tables.len() >= 15, "{tables:?}");
    for marker in MARKERS {
        let found: i64 = tables.iter().map(|t| traces(store, t, marker, false)).sum();
        assert!(found > 0, "`{marker}` is stored before the erasure");
    }

    ok(f.campaign
        .erase_person(f.moderator, target.person, Some("demande")));
    store.sql("CHECKPOINT");
    for table in &tables {
        for marker in MARKERS {
            assert_eq!(
                traces(store, table, marker, false),
                0,
                "a tuple of {table} holds `{marker}` after the erasure"
            );
        }
    }

    ok(store.inner().vacuum(true));
    store.sql("CHECKPOINT");
    for (relation, _) in relations(store) {
        for marker in MARKERS {
            assert_eq!(
                traces(store, &relation, marker, true),
                0,
                "a page of {relation} holds `{marker}` after a full vacuum"
            );
        }
    }
}

#[test]
fn a_persons_export_holds_every_record_carrying_their_data() {
    if support::skip() {
        return;
    }
    let f = Fixture::new(support::store());
    let target = plant(&f);
    let export = ok(f.campaign.export_person(f.moderator, target.person));
    let exported = serde_json::to_string(&export).expect("JSON");

    let carrying = |json: &str| MARKERS.iter().any(|m| json.contains(m));
    let records: Vec<(String, String)> = ok(f.campaign.store().read_with(|r| {
        let mut out = Vec::new();
        let mut add = |kind: &str, json: String| out.push((kind.to_string(), json));
        for x in r.contact_details(None)? {
            add(
                "contact detail",
                serde_json::to_string(&x).unwrap_or_default(),
            );
        }
        for x in r.contact_actions(&ActionFilter::default())? {
            add(
                "contact action",
                serde_json::to_string(&x).unwrap_or_default(),
            );
        }
        for x in r.pledge_answers(None)? {
            add(
                "pledge answer",
                serde_json::to_string(&x).unwrap_or_default(),
            );
        }
        for x in r.proposals(None)? {
            add("proposal", serde_json::to_string(&x).unwrap_or_default());
        }
        for x in r.audit(&AuditFilter::default())? {
            add("audit entry", serde_json::to_string(&x).unwrap_or_default());
        }
        Ok(out)
    }));
    let mut carried = 0;
    for (kind, json) in records.iter().filter(|(_, json)| carrying(json)) {
        carried += 1;
        assert!(
            exported.contains(json.as_str()),
            "a {kind} carrying the person's data is not in their export: {json}"
        );
    }
    assert!(carried >= 15, "only {carried} records carry the markers");
    for marker in MARKERS {
        assert!(exported.contains(marker), "`{marker}` is not in the export");
    }
}
