//! Moving a campaign from SQLite to PostgreSQL with `candidats_core::copy`:
//! every record and the report come out the same.

mod support;

use candidats_core::testing::fixtures::{self, day, start, Fixture};
use candidats_core::*;
use candidats_sqlite::SqliteStore;
use chrono::Duration;

/// Every record of a store, as text.
fn dump(store: &dyn Store) -> Vec<String> {
    store
        .read_with(|r| {
            let mut out = vec![format!("{:?}", r.elections()?)];
            for election in r.elections()? {
                out.push(format!("{:?}", r.constituencies(election.id())?));
                for list in r.lists(election.id())? {
                    out.push(format!("{list:?} {:?}", r.sections(list.id)?));
                }
            }
            let everything = Scope {
                include_substitutes: true,
                include_withdrawn: true,
                ..Scope::default()
            };
            out.push(format!("{:?}", r.persons()?));
            out.push(format!("{:?}", r.candidacies(&everything)?));
            out.push(format!("{:?}", r.participants()?));
            out.push(format!(
                "{:?}",
                r.responsibilities(&ResponsibilityFilter::default())?
            ));
            out.push(format!("{:?}", r.contact_details(None)?));
            out.push(format!(
                "{:?}",
                r.contact_actions(&ActionFilter::default())?
            ));
            out.push(format!("{:?}", r.pledges()?));
            out.push(format!("{:?}", r.pledge_answers(None)?));
            out.push(format!("{:?}", r.marathons()?));
            out.push(format!("{:?}", r.templates(None)?));
            out.push(format!("{:?}", r.proposals(None)?));
            out.push(format!(
                "{:?}",
                r.reservations(&ReservationFilter::default())?
            ));
            out.push(format!("{:?}", r.audit(&AuditFilter::default())?));
            Ok(out)
        })
        .expect("dump")
}

/// A campaign with a bit of everything, and a person erased.
fn campaign(f: &Fixture<SqliteStore>) {
    let c = &f.campaign;
    fixtures::import(
        c,
        fixtures::legislative_rows(1),
        &fixtures::legislative_options(1),
    );
    let marathon = c
        .create_marathon(
            f.moderator,
            "Contacthon n°7",
            Some(7),
            start(),
            start() + Duration::hours(3),
            Scope::election(f.election),
        )
        .expect("marathon");
    c.create_template(
        f.volunteers[0],
        "relance",
        "Pacte : {{list}}",
        "Bonjour {{surname}}",
    )
    .expect("template");
    for (index, candidacy) in f.candidacies.iter().enumerate().take(10) {
        let point =
            ContactPoint::new(Channel::Email, &format!("c{index}@example.org")).expect("e-mail");
        c.add_contact_detail(
            f.moderator,
            NewContactDetail {
                owner: Owner::Person(candidacy.person),
                point,
                source: "site".into(),
                visibility: Visibility::Public,
                label: None,
                note: None,
            },
        )
        .expect("detail");
        let mut action = NewContactAction::new(candidacy.id, Channel::Email, Outcome::Sent);
        action.marathon = Some(marathon.id);
        action.note = Some(format!("note {index}"));
        c.record_action(f.moderator, action).expect("action");
    }
    c.record_answer(
        f.moderator,
        f.pledge,
        Subject::Person(f.candidacies[1].person),
        Answer::Signed {
            evidence: "courriel".into(),
        },
        day(12),
    )
    .expect("answer");
    let r = c
        .request_responsibility(
            f.volunteers[1],
            Target::Candidacy(f.candidacies[2].id),
            None,
            IfTaken::Refuse,
        )
        .expect("request");
    c.grant(f.moderator, r.id).expect("grant");
    c.take_next(
        f.volunteers[2],
        QueueKind::ToCollect,
        &Scope::default(),
        &TakeOptions::default(),
    )
    .expect("take");
    c.erase_person(f.moderator, f.candidacies[9].person, Some("demande"))
        .expect("erase");
}

#[test]
fn a_campaign_moves_from_sqlite_to_postgres_unchanged() {
    if support::skip() {
        return;
    }
    let source = Fixture::new(SqliteStore::memory().expect("sqlite"));
    campaign(&source);
    let target = support::store();

    let summary = copy(source.campaign.store(), &target).expect("copy");

    assert_eq!(dump(source.campaign.store()), dump(&target));
    assert_eq!(summary.count(RecordKind::Candidacy), 24 + 24);
    assert_eq!(summary.count(RecordKind::ContactDetail), 9, "one erased");
    let moved = Campaign::new(target);
    let mut expected = source.campaign.report(&Scope::default()).expect("report");
    let mut actual = moved.report(&Scope::default()).expect("report");
    expected.generated_at = start();
    actual.generated_at = start();
    assert_eq!(actual, expected);

    let highest = source
        .campaign
        .store()
        .read_with(|r| {
            r.audit(&AuditFilter {
                kind: Some(RecordKind::ContactDetail),
                ..AuditFilter::default()
            })
        })
        .expect("history")
        .iter()
        .map(|entry| entry.record)
        .max()
        .unwrap_or_default();
    let next = moved
        .store()
        .write_with(|w| w.allocate(RecordKind::ContactDetail))
        .expect("allocate");
    assert!(next > highest, "identifier {next} was handed out before");
    let again = copy(source.campaign.store(), moved.store());
    assert!(matches!(again, Err(Error::Conflict { .. })), "{again:?}");
}
