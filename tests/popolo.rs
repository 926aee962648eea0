//! Popolo export and import, on memory stores.

use candidats::popolo::{self, PopoloExportOptions, PopoloImportOptions};
use candidats::*;
use candidats_core::testing::fixtures::{self, ok, Fixture};
use candidats_core::testing::strategies;
use serde_json::Value;

fn area(kind: ConstituencyKind, code: &str, name: &str) -> AreaSpec {
    AreaSpec {
        kind,
        code: code.into(),
        name: name.into(),
    }
}

/// Départementales: one canton, two pairs, each member with a substitute.
fn departmental_rows() -> Vec<ImportRow> {
    let mut rows = Vec::new();
    for panel in 1..=2u32 {
        for index in 1..=2u8 {
            let tag = format!("{panel}{index}");
            rows.push(ImportRow {
                location: Location::file("departementales.csv").line(u64::from(panel) * 2),
                area: vec![
                    area(ConstituencyKind::Departement, "35", "Ille-et-Vilaine"),
                    area(ConstituencyKind::Canton, "3501", "Rennes-1"),
                ],
                candidate: fixtures::candidate(&format!("BINOME-{tag}"), "Léa", None),
                seat: SeatSpec::Pair {
                    panel,
                    index,
                    nuance: Some(Nuance {
                        code: "BC-UG".into(),
                        label: Some("Union de la gauche".into()),
                    }),
                    substitute: Some(fixtures::candidate(&format!("REMPL-{tag}"), "Paul", None)),
                },
                raw: Vec::new(),
            });
        }
    }
    rows
}

/// Municipales: one commune, one list without sections (an implicit one).
fn municipal_rows() -> Vec<ImportRow> {
    (1..=3u32)
        .map(|order| ImportRow {
            location: Location::file("municipales.csv").line(u64::from(order) + 1),
            area: vec![
                area(ConstituencyKind::Departement, "29", "Finistère"),
                area(ConstituencyKind::Commune, "29019", "Brest"),
            ],
            candidate: fixtures::candidate(&format!("MUNICIPAL-{order}"), "Yann", None),
            seat: SeatSpec::List {
                panel: Some(4),
                short_label: None,
                label: "Brest <en> commun & D'ALMEIDA".into(),
                nuance: None,
                section: None,
                order,
                head_of_list: None,
                community_council: order < 3,
            },
            raw: Vec::new(),
        })
        .collect()
}

/// The régionales fixture, plus législatives (both rounds, one candidacy
/// withdrawn), départementales pairs, a municipal list, and contact details
/// of every kind.
fn rich_campaign() -> Fixture<DynStore> {
    let fixture = Fixture::new(ok(candidats::open("memory:")));
    let campaign = &fixture.campaign;
    fixtures::import(
        campaign,
        fixtures::legislative_rows(1),
        &fixtures::legislative_options(1),
    );
    fixtures::import(
        campaign,
        fixtures::legislative_rows(2),
        &fixtures::legislative_options(2),
    );
    let mut fewer = fixtures::legislative_rows(1);
    fewer.pop();
    fixtures::import(campaign, fewer, &fixtures::legislative_options(1));
    fixtures::import(
        campaign,
        departmental_rows(),
        &ImportOptions::new("Départementales 2028", ElectionKind::Departementales),
    );
    fixtures::import(
        campaign,
        municipal_rows(),
        &ImportOptions::new("Municipales 2026", ElectionKind::Municipales),
    );

    let moderator = fixture.moderator;
    let head = fixture.with_role(Role::HeadOfList)[0].clone();
    let add = |owner, channel, value: &str, source: &str, visibility| {
        let detail = NewContactDetail {
            owner,
            point: ok(ContactPoint::new(channel, value)),
            source: source.into(),
            visibility,
            label: Some("campagne".into()),
            note: Some("répond le soir".into()),
        };
        ok(campaign.add_contact_detail(moderator, detail))
            .applied()
            .map(|d| d.id)
    };
    let person = Owner::Person(head.person);
    add(
        person,
        Channel::Email,
        "tete@example.org",
        "https://example.org/equipe",
        Visibility::Public,
    );
    add(
        person,
        Channel::Phone,
        "06 12 34 56 78",
        "le tract de la liste",
        Visibility::Private,
    );
    add(
        person,
        Channel::WebForm,
        "https://example.org/contact",
        "https://example.org",
        Visibility::Public,
    );
    add(
        person,
        Channel::Website,
        "https://example.org/tete",
        "https://example.org",
        Visibility::Public,
    );
    add(
        person,
        ok(Channel::social("mastodon")),
        "@tete@example.social",
        "https://example.social/@tete",
        Visibility::Public,
    );
    let bounced = add(
        Owner::Person(fixture.candidacies[1].person),
        Channel::Email,
        "ancien@example.org",
        "annuaire",
        Visibility::Public,
    );
    if let Some(bounced) = bounced {
        ok(campaign.set_detail_status(moderator, bounced, DetailStatus::Bounced, None));
    }
    if let Some(list) = head.list() {
        add(
            Owner::List(list),
            Channel::Postal,
            "1 rue de la Paix, 35000 Rennes",
            "https://example.org/liste",
            Visibility::Public,
        );
    }

    ok(campaign.store().write_with(|w| {
        let mut person = w.person(head.person)?;
        person.nationality = Some("française".into());
        w.put_person(&person)?;
        let mut candidacy = w.candidacy(head.id)?;
        candidacy.profession = Some("Enseignante".into());
        w.put_candidacy(&candidacy)
    }));
    fixture
}

fn everything() -> Scope {
    Scope {
        include_substitutes: true,
        include_withdrawn: true,
        ..Scope::default()
    }
}

fn export(store: &DynStore, scope: &Scope, include_private: bool) -> String {
    ok(popolo::export(
        store,
        scope,
        &PopoloExportOptions { include_private },
    ))
}

/// A fresh campaign with a moderator.
fn empty_campaign() -> (Campaign<DynStore>, ParticipantId) {
    let campaign = Campaign::new(ok(candidats::open("memory:")));
    let moderator = ok(campaign.register_moderator("Restauration", None)).id;
    (campaign, moderator)
}

#[test]
fn export_then_import_into_an_empty_store_gives_the_same_document() {
    let fixture = rich_campaign();
    for include_private in [false, true] {
        let first = export(fixture.campaign.store(), &everything(), include_private);

        let (campaign, moderator) = empty_campaign();
        let options = PopoloImportOptions::new("sauvegarde.json");
        let report = ok(popolo::import(&campaign, moderator, &first, &options));
        let second = export(campaign.store(), &everything(), include_private);

        assert!(report.own_format);
        assert_eq!(report.skipped, Vec::new());
        assert_eq!(report.elections.len(), 4);
        assert_eq!(first, second, "private details: {include_private}");
    }
}

#[test]
fn the_round_trip_keeps_the_records_and_the_figures() {
    let fixture = rich_campaign();
    let json = export(fixture.campaign.store(), &everything(), true);
    let (campaign, moderator) = empty_campaign();

    let report = ok(popolo::import(
        &campaign,
        moderator,
        &json,
        &PopoloImportOptions::new("sauvegarde.json"),
    ));

    let before = ok(fixture
        .campaign
        .store()
        .read_with(|r| r.candidacies(&everything())));
    let after = ok(campaign.store().read_with(|r| r.candidacies(&everything())));
    assert_eq!(report.candidacies as usize, before.len());
    assert_eq!(after.len(), before.len());
    let shape = |c: &Candidacy| {
        (
            c.round,
            c.roles,
            c.order(),
            c.panel,
            c.withdrawn,
            c.outgoing,
        )
    };
    assert_eq!(
        after.iter().map(shape).collect::<Vec<_>>(),
        before.iter().map(shape).collect::<Vec<_>>()
    );
    assert_eq!(after.iter().filter(|c| c.withdrawn).count(), 2);
    let partners = after
        .iter()
        .filter(|c| {
            matches!(
                c.seat,
                Seat::Pair {
                    partner: Some(_),
                    ..
                }
            )
        })
        .count();
    assert_eq!(partners, 4);
    let councils = after.iter().filter(|c| c.community_council).count();
    assert_eq!(councils, 2);

    let figures = |report: ProgressReport| {
        (
            report.candidacies,
            report.heads_of_list.total,
            report.heads_of_section.total,
            report.without_contact_detail,
        )
    };
    let scope = Scope::election(fixture.election);
    let original = ok(fixture.campaign.report(&scope));
    let restored = ok(campaign.report(&Scope::election(report.elections[0])));
    assert_eq!(figures(restored), figures(original));
}

#[test]
fn the_document_is_popolo_with_the_library_roles_as_labels() {
    let fixture = rich_campaign();
    let json = export(
        fixture.campaign.store(),
        &Scope::election(fixture.election),
        false,
    );
    let document: Value =
        ok(serde_json::from_str(&json).map_err(|e| Error::invalid(e.to_string())));

    let membership = &document["memberships"][0];
    assert_eq!(membership["role"], "Candidate");
    assert_eq!(
        membership["label"],
        "tête de liste, tête de section, n° 1, 1er tour"
    );
    assert_eq!(membership["organization_id"], "list/1");
    assert_eq!(membership["on_behalf_of_id"], "nuance/LDVG");
    assert_eq!(membership["+candidats"]["event_id"], "election/1/round/1");

    let region = document["areas"]
        .as_array()
        .and_then(|areas| areas.iter().find(|a| a["name"] == "Bretagne"))
        .cloned()
        .unwrap_or_default();
    assert_eq!(region["identifier"], "53");
    assert_eq!(region["classification"], "region");
    let rhone = document["areas"]
        .as_array()
        .and_then(|areas| areas.iter().find(|a| a["identifier"] == "69D"))
        .cloned()
        .unwrap_or_default();
    assert_eq!(rhone["parent_id"], "area/1");

    let classifications: Vec<&str> = document["organizations"]
        .as_array()
        .map(|orgs| {
            orgs.iter()
                .filter_map(|o| o["classification"].as_str())
                .collect()
        })
        .unwrap_or_default();
    assert_eq!(
        classifications
            .iter()
            .filter(|c| **c == "candidate list")
            .count(),
        4
    );
    assert_eq!(
        classifications.iter().filter(|c| **c == "nuance").count(),
        2
    );
    assert_eq!(
        classifications
            .iter()
            .filter(|c| **c == "list section")
            .count(),
        8
    );
    assert_eq!(document["events"][0]["classification"], "election");
    assert_eq!(document["events"][1]["parent_id"], "election/1");

    let person = &document["persons"][0];
    assert_eq!(person["family_name"], "NOM-0101");
    assert_eq!(person["gender"], "female");
    assert_eq!(person["birth_date"], "1961-01-01");
    assert_eq!(person["national_identity"], "française");
    assert!(person.get("+candidats").is_none());
    let email = &person["contact_details"][0];
    assert_eq!(email["type"], "email");
    assert_eq!(email["value"], "tete@example.org");
    assert_eq!(email["label"], "campagne");
    assert_eq!(email["note"], "répond le soir");
    assert_eq!(email["valid_from"], "2015-11-10");
    assert_eq!(email["sources"][0]["url"], "https://example.org/equipe");
    assert_eq!(person["contact_details"][3]["type"], "mastodon");
}

#[test]
fn private_details_and_participants_stay_out_of_the_default_export() {
    let fixture = rich_campaign();

    let public = export(fixture.campaign.store(), &everything(), false);
    let private = export(fixture.campaign.store(), &everything(), true);

    assert!(!public.contains("+33612345678"), "a private phone leaked");
    assert!(!public.contains("le tract de la liste"));
    assert!(public.contains("tete@example.org"));
    assert!(private.contains("+33612345678"));
    assert!(private.contains("\"visibility\": \"private\""));
    assert!(public.contains("\"private_details\": false"));
    for participant in ["Modératrice", "mod@example.org", "Alice", "Bob", "Chloé"] {
        assert!(!private.contains(participant), "{participant} leaked");
    }
    assert!(!private.contains("added_by"));
}

/// A file in the style of the specification's own examples, as another tool
/// would write it.
const OTHER_TOOL: &str = r#"{
  "persons": [
    {
      "id": "john-q-public",
      "name": "Mr. John Q. Public, Esq.",
      "other_names": [{"name": "Dragonsbane", "note": "LARP character name"}],
      "identifiers": [{"identifier": "046454286", "scheme": "SIN"}],
      "email": "jqpublic@xyz.example.com",
      "gender": "male",
      "birth_date": "1920-01",
      "image": "http://www.example.com/pub/photos/jqpublic.gif",
      "contact_details": [
        {
          "label": "Mobile number",
          "type": "cell",
          "value": "+1-555-555-0100",
          "note": "Free evenings and weekends"
        },
        {
          "label": "Fax",
          "type": "fax",
          "value": "+1-555-555-0199"
        }
      ],
      "links": [{"url": "http://en.wikipedia.org/wiki/John_Q._Public", "note": "Wikipedia page"}],
      "sources": [{"url": "http://www.example.com/directory"}]
    },
    {
      "id": "tete",
      "name": "Prénom NOM-0101",
      "family_name": "Nom-0101",
      "given_name": "Prénom",
      "birth_date": "1961-01-01",
      "contact_details": [
        {
          "type": "email",
          "value": "prenom.nom@example.fr",
          "valid_from": "2015-01-01",
          "sources": [{"url": "https://example.fr/a"}, {"url": "https://example.fr/b"}]
        },
        {
          "type": "voice",
          "value": "not a phone"
        },
        {
          "type": "twitter",
          "value": "@prenomnom",
          "valid_through": "2014-12-31"
        }
      ]
    },
    {
      "id": "nobody",
      "other_names": [{"name": "Anonymous"}]
    }
  ],
  "organizations": [
    {
      "id": "abc-inc",
      "name": "ABC, Inc.",
      "classification": "Corporation",
      "contact_details": [{"type": "voice", "value": "+1-800-555-0199"}]
    }
  ],
  "memberships": [
    {
      "id": "m1",
      "person_id": "john-q-public",
      "organization_id": "abc-inc",
      "role": "member",
      "start_date": "1970-01-01"
    }
  ],
  "vote_events": []
}"#;

#[test]
fn another_tools_file_gives_its_persons_and_details_with_a_report() {
    let fixture = Fixture::new(ok(candidats::open("memory:")));
    let campaign = &fixture.campaign;
    let persons_before = ok(campaign.store().read_with(|r| r.persons())).len();

    let options = PopoloImportOptions::new("annuaire.json");
    let report = ok(popolo::import(
        campaign,
        fixture.moderator,
        OTHER_TOOL,
        &options,
    ));

    assert!(!report.own_format);
    assert_eq!((report.persons_created, report.persons_reused), (1, 1));
    assert_eq!(report.contact_details_added, 4);
    let skipped: Vec<(&str, &str)> = report
        .skipped
        .iter()
        .map(|s| (s.path.as_str(), s.reason.as_str()))
        .collect();
    assert_eq!(
        skipped,
        vec![
            ("vote_events", "not a collection this library imports"),
            (
                "organizations[0]",
                "organizations from other tools are not imported"
            ),
            ("persons[0].birth_date", "not a full date (YYYY-MM-DD)"),
            (
                "persons[0].identifiers",
                "no such field on a person in this library"
            ),
            (
                "persons[0].image",
                "no such field on a person in this library"
            ),
            (
                "persons[0].links",
                "no such field on a person in this library"
            ),
            (
                "persons[0].other_names",
                "no such field on a person in this library"
            ),
            (
                "persons[0].contact_details[1]",
                "the type `fax` is not a channel this library keeps"
            ),
            (
                "persons[1].contact_details[0].sources",
                "the library keeps one source per detail: the first"
            ),
            (
                "persons[1].contact_details[0].valid_from",
                "the library keeps when a detail was found, not from when it is valid"
            ),
            (
                "persons[1].contact_details[1]",
                "expected a phone number like +33 6 12 34 56 78 or 06 12 34 56 78, found \
                 `not a phone`: it holds letters"
            ),
            ("persons[2]", "a person needs a `family_name` or a `name`"),
            (
                "memberships[0]",
                "memberships from other tools are not imported: the candidacies come from the \
                 official files"
            ),
        ]
    );

    // The candidate of the official file got her details.
    let head = &fixture.candidacies[0];
    let details = ok(campaign
        .store()
        .read_with(|r| r.contact_details(Some(Owner::Person(head.person)))));
    let found: Vec<(String, &str, DetailStatus)> = details
        .iter()
        .map(|d| (d.point.channel().code(), d.source.as_str(), d.status))
        .collect();
    assert_eq!(
        found,
        vec![
            (
                "email".into(),
                "https://example.fr/a",
                DetailStatus::Unverified
            ),
            (
                "social:twitter".into(),
                "annuaire.json",
                DetailStatus::Obsolete
            ),
        ]
    );

    // The other person is new, with the whole name as surname, the
    // top-level e-mail and the mobile number, sourced from the person.
    let persons = ok(campaign.store().read_with(|r| r.persons()));
    assert_eq!(persons.len(), persons_before + 1);
    let john = persons
        .last()
        .cloned()
        .map(|p| (p.surname.to_string(), p.sex));
    assert_eq!(
        john,
        Some(("Mr. John Q. Public, Esq.".into(), Some(Sex::Male)))
    );
    let john_details = ok(campaign
        .store()
        .read_with(|r| r.contact_details(Some(Owner::Person(persons[persons.len() - 1].id)))));
    let values: Vec<(&str, &str, Option<&str>)> = john_details
        .iter()
        .map(|d| (d.point.value(), d.source.as_str(), d.note.as_deref()))
        .collect();
    assert_eq!(
        values,
        vec![
            (
                "jqpublic@xyz.example.com",
                "http://www.example.com/directory",
                None
            ),
            (
                "+15555550100",
                "http://www.example.com/directory",
                Some("Free evenings and weekends")
            ),
        ]
    );

    // Each detail is in the audit history, credited to the moderator.
    let audit = ok(campaign.store().read_with(|r| {
        r.audit(&AuditFilter {
            kind: Some(RecordKind::ContactDetail),
            ..AuditFilter::default()
        })
    }));
    assert_eq!(audit.len(), 4);
    assert!(audit.iter().all(
        |a| a.actor == Some(fixture.moderator) && a.source.as_deref() == Some("annuaire.json")
    ));

    // Importing again adds nothing new to the known persons.
    let again = ok(popolo::import(
        campaign,
        fixture.moderator,
        OTHER_TOOL,
        &options,
    ));
    assert_eq!(again.persons_reused, 1);
    assert_eq!(again.contact_details_known, 2);
}

#[test]
fn a_single_person_document_is_read() {
    let (campaign, moderator) = empty_campaign();
    let person = r#"{"name": "Jane Doe", "family_name": "DOE", "given_name": "Jane",
        "contact_details": [{"type": "email", "value": "jane@example.org"}]}"#;

    let report = ok(popolo::import(
        &campaign,
        moderator,
        person,
        &PopoloImportOptions::new("jane.json"),
    ));

    assert_eq!(
        (report.persons_created, report.contact_details_added),
        (1, 1)
    );
    assert_eq!(report.skipped, Vec::new());
}

#[test]
fn bad_documents_are_refused_and_change_nothing() {
    let fixture = rich_campaign();
    let json = export(fixture.campaign.store(), &everything(), false);
    let (campaign, moderator) = empty_campaign();
    let options = PopoloImportOptions::new("sauvegarde.json");

    let syntax = popolo::import(&campaign, moderator, "{\n  \"persons\": [,]\n}", &options);
    let location = syntax.as_ref().err().and_then(Error::location).cloned();
    assert_eq!(location.as_ref().and_then(|l| l.line), Some(2));
    assert_eq!(location.as_ref().and_then(|l| l.column), Some(15));
    assert_eq!(
        location.and_then(|l| l.file).as_deref(),
        Some("sauvegarde.json")
    );

    let volunteer = ok(campaign.register("Bénévole", None)).id;
    let refused = popolo::import(&campaign, volunteer, &json, &options);
    assert!(matches!(refused, Err(Error::PermissionDenied { .. })));

    ok(popolo::import(&campaign, moderator, &json, &options));
    let before = export(campaign.store(), &everything(), true);
    let twice = popolo::import(&campaign, moderator, &json, &options);
    assert!(matches!(twice, Err(Error::Conflict { .. })), "{twice:?}");
    assert_eq!(export(campaign.store(), &everything(), true), before);

    let broken = json.replacen(
        "\"person_id\": \"person/1\"",
        "\"person_id\": \"person/999\"",
        1,
    );
    let (campaign, moderator) = empty_campaign();
    let error = popolo::import(&campaign, moderator, &broken, &options)
        .err()
        .map(|e| e.to_string())
        .unwrap_or_default();
    assert_eq!(
        error,
        "sauvegarde.json, field `memberships[0]`: unknown person `person/999`"
    );
    let elections = ok(campaign.store().read_with(|r| r.elections()));
    assert!(elections.is_empty());
}

#[test]
fn a_scope_exports_only_its_candidacies() {
    let fixture = rich_campaign();
    let head = fixture.with_role(Role::HeadOfList)[0].clone();
    let list = head
        .list()
        .map(|l| Scope::default().with_list(l))
        .unwrap_or_default();

    let json = export(fixture.campaign.store(), &list, false);
    let document: Value =
        ok(serde_json::from_str(&json).map_err(|e| Error::invalid(e.to_string())));

    let count = |key: &str| document[key].as_array().map(Vec::len).unwrap_or_default();
    assert_eq!(count("memberships"), 6);
    assert_eq!(count("persons"), 6);
    assert_eq!(count("events"), 2);
    assert_eq!(count("posts"), 0);
    // The region and the two départements of its sections.
    assert_eq!(count("areas"), 3);
}

#[cfg(feature = "sqlite")]
#[test]
fn the_round_trip_holds_through_sqlite() {
    let fixture = rich_campaign();
    let first = export(fixture.campaign.store(), &everything(), true);
    let campaign = Campaign::new(ok(candidats::open("sqlite::memory:")));
    let moderator = ok(campaign.register_moderator("Restauration", None)).id;

    let options = PopoloImportOptions::new("sauvegarde.json");
    ok(popolo::import(&campaign, moderator, &first, &options));

    assert_eq!(export(campaign.store(), &everything(), true), first);
}

/// The official législatives 2024 files, both rounds: every candidate and
/// substitute comes back identical.
#[test]
fn the_legislatives_2024_files_make_the_round_trip() {
    let data = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/data");
    if !data.exists() {
        candidats_core::testing::say_skipped(
            "the législatives 2024 Popolo round trip",
            "../shared/data not found",
        );
        return;
    }
    let campaign = Campaign::new(ok(candidats::open("memory:")));
    for (round, file) in [
        (
            1,
            "legislatives-2024-candidatures-france-entiere-tour-1-2024-06-28.csv",
        ),
        (
            2,
            "legislatives-2024-candidatures-france-entiere-tour-2-2024-07-05.csv",
        ),
    ] {
        ok(candidats::import::import_files(
            &campaign,
            &[data.join(file)],
            &candidats::import::ImportRequest::round(round),
            &mut |_, _| Ok(()),
            &mut |_| {},
        ));
    }

    let first = export(campaign.store(), &everything(), false);
    let (restored, moderator) = empty_campaign();
    let options = PopoloImportOptions::new("legislatives-2024.json");
    let report = ok(popolo::import(&restored, moderator, &first, &options));

    assert_eq!(report.candidacies, 2 * (4_009 + 1_094));
    assert_eq!(report.skipped, Vec::new());
    assert_eq!(export(restored.store(), &everything(), false), first);
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig {
        cases: 32,
        failure_persistence: None,
        ..proptest::prelude::ProptestConfig::default()
    })]

    /// Any names and contact details, with quotes, line breaks, emoji and
    /// right-to-left marks, come back as they were.
    #[test]
    fn random_persons_and_details_make_the_round_trip(
        persons in proptest::collection::vec(strategies::person(), 24),
        details in proptest::collection::vec(
            (0usize..25, strategies::contact_detail()),
            0..40,
        ),
        label in strategies::name(),
        short_label in proptest::option::of(strategies::text()),
    ) {
        let fixture = Fixture::new(ok(candidats::open("memory:")));
        let moderator = fixture.moderator;
        let candidacies = fixture.candidacies.clone();
        ok(fixture.campaign.store().write_with(|w| {
            for (c, person) in candidacies.iter().zip(&persons) {
                w.put_person(&Person { id: c.person, ..person.clone() })?;
            }
            let first_list = candidacies[0].list().unwrap_or(ListId::new(0));
            let mut list = w.list(first_list)?;
            list.label = label.clone();
            list.short_label = short_label.clone();
            w.put_list(&list)?;
            for (index, detail) in &details {
                let owner = match candidacies.get(*index) {
                    Some(c) => Owner::Person(c.person),
                    None => Owner::List(first_list),
                };
                let taken = w
                    .contact_details(Some(owner))?
                    .iter()
                    .any(|d| d.point == detail.point);
                if taken {
                    continue;
                }
                let id = ContactDetailId::new(w.allocate(RecordKind::ContactDetail)?);
                w.put_contact_detail(&ContactDetail {
                    id,
                    owner,
                    added_by: moderator,
                    ..detail.clone()
                })?;
            }
            Ok(())
        }));
        let first = export(fixture.campaign.store(), &everything(), true);

        let (campaign, moderator) = empty_campaign();
        let options = PopoloImportOptions::new("sauvegarde.json");
        let report = ok(popolo::import(&campaign, moderator, &first, &options));

        proptest::prop_assert_eq!(report.skipped, Vec::new());
        proptest::prop_assert_eq!(export(campaign.store(), &everything(), true), first);
    }
}
