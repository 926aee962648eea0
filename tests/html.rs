//! The progress report page, on memory stores.

use std::collections::BTreeMap;

use candidats::html::{self, format_count, format_percent, Lang, PageOptions};
use candidats::*;
use candidats_core::testing::fixtures::{self, ok, Fixture};
use candidats_core::testing::model::plan_2015;
use chrono::Duration;

#[cfg(feature = "sqlite")]
#[allow(dead_code)]
#[path = "../examples/report.rs"]
mod report;

/// One figure of the page: its exact value and its visible text.
#[derive(Debug)]
struct Shown {
    value: String,
    text: String,
}

/// Every `data-figure` of the page, by name.
fn figures(page: &str) -> BTreeMap<String, Shown> {
    let mut out = BTreeMap::new();
    for chunk in page.split("data-figure=\"").skip(1) {
        let name = chunk.split('"').next().unwrap_or_default().to_string();
        let value = chunk
            .split("data-value=\"")
            .nth(1)
            .and_then(|rest| rest.split('"').next())
            .unwrap_or_default()
            .to_string();
        let text = chunk
            .split_once('>')
            .and_then(|(_, rest)| rest.split('<').next())
            .unwrap_or_default()
            .to_string();
        out.insert(name, Shown { value, text });
    }
    out
}

/// Checks that the page shows `value` for `name`, formatted for `lang`.
fn assert_count(shown: &BTreeMap<String, Shown>, name: &str, value: u64, lang: Lang) {
    let figure = shown
        .get(name)
        .unwrap_or_else(|| panic!("no figure {name}"));
    assert_eq!(figure.value, value.to_string(), "{name}");
    assert_eq!(figure.text, format_count(value, lang), "{name}");
}

fn assert_share(shown: &BTreeMap<String, Shown>, name: &str, value: f64, lang: Lang) {
    let figure = shown
        .get(name)
        .unwrap_or_else(|| panic!("no figure {name}"));
    assert_eq!(figure.value.parse::<f64>().ok(), Some(value), "{name}");
    assert_eq!(figure.text, format_percent(value, lang), "{name}");
}

/// The attributes of every element carrying `marker`, as maps.
fn rows(page: &str, marker: &str) -> Vec<BTreeMap<String, String>> {
    page.split(marker)
        .skip(1)
        .map(|chunk| {
            let tag = chunk.split('>').next().unwrap_or_default();
            tag.split("data-")
                .skip(1)
                .filter_map(|attribute| {
                    let (key, rest) = attribute.split_once("=\"")?;
                    Some((key.to_string(), rest.split('"').next()?.to_string()))
                })
                .collect()
        })
        .collect()
}

/// Checks every figure, row, bar and series of the page against the report.
fn assert_page_matches(page: &str, report: &ProgressReport, lang: Lang) {
    let shown = figures(page);
    for (name, value) in [
        ("signatories", report.signatories),
        ("candidacies", report.candidacies),
        ("contacted", report.contacted),
        ("contact_actions", report.contact_actions),
        ("to_follow_up", report.to_follow_up),
        ("without_contact_detail", report.without_contact_detail),
        ("declined", report.declined),
        ("participants", report.participants.len() as u64),
        ("signatories_listed", report.signatories),
    ] {
        assert_count(&shown, name, value, lang);
    }
    assert_share(&shown, "contacted_percent", report.contacted_percent, lang);
    for (name, role) in [
        ("heads_of_list", &report.heads_of_list),
        ("heads_of_section", &report.heads_of_section),
    ] {
        if role.total == 0 {
            assert!(!shown.contains_key(&format!("{name}.total")));
            continue;
        }
        assert_count(&shown, &format!("{name}.total"), role.total, lang);
        assert_count(&shown, &format!("{name}.contacted"), role.contacted, lang);
        assert_count(
            &shown,
            &format!("{name}.signatories"),
            role.signatories,
            lang,
        );
        assert_share(
            &shown,
            &format!("{name}.contacted_percent"),
            role.contacted_percent,
            lang,
        );
        assert_share(
            &shown,
            &format!("{name}.signatories_percent"),
            percent(role.signatories, role.total),
            lang,
        );
    }
    if report.heads_of_section.total > 0 {
        assert_count(
            &shown,
            "heads_of_section_to_contact",
            report.heads_of_section_to_contact,
            lang,
        );
    }

    for (marker, lines) in [
        ("data-group=\"constituency\"", &report.by_constituency),
        ("data-group=\"list\"", &report.by_list),
    ] {
        let found = rows(page, marker);
        let wanted: Vec<BTreeMap<String, String>> = lines
            .iter()
            .map(|line| {
                let t = &line.tally;
                [
                    ("candidacies", t.candidacies),
                    ("contacted", t.contacted),
                    ("signatories", t.signatories),
                    ("without-detail", t.without_contact_detail),
                ]
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect()
            })
            .collect();
        assert_eq!(found, wanted, "{marker}");
    }

    let bars = rows(page, "<g data-role=");
    let wanted: Vec<(u64, u64, u64)> = Role::ALL
        .iter()
        .filter_map(|role| report.roles.get(role))
        .filter(|f| f.total > 0)
        .map(|f| (f.total, f.contacted, f.signatories))
        .collect();
    let found: Vec<(u64, u64, u64)> = bars
        .iter()
        .map(|bar| {
            let get = |key: &str| {
                bar.get(key)
                    .and_then(|v| v.parse().ok())
                    .unwrap_or(u64::MAX)
            };
            (get("total"), get("contacted"), get("signatories"))
        })
        .collect();
    assert_eq!(found, wanted);

    if !report.daily.is_empty() {
        let chart = rows(page, "data-chart=\"daily\"");
        let sum = |f: fn(&DayTally) -> u64| report.daily.iter().map(f).sum::<u64>().to_string();
        assert_eq!(
            chart[0].get("contact-actions"),
            Some(&sum(|d| d.contact_actions))
        );
        assert_eq!(chart[0].get("signatures"), Some(&sum(|d| d.signatures)));
        assert_eq!(
            chart[0].get("contact-actions"),
            Some(&report.contact_actions.to_string())
        );
    }
}

/// The régionales fixture, with a municipal list whose names need
/// escaping, contacts over three days, signatures, a refusal, and contact
/// details public and private.
fn campaign() -> Fixture<DynStore> {
    campaign_in("memory:")
}

fn campaign_in(url: &str) -> Fixture<DynStore> {
    let fixture = Fixture::new(ok(candidats::open(url)));
    let campaign = &fixture.campaign;
    let hostile = ImportRow {
        location: Location::file("municipales.csv").line(2),
        area: vec![AreaSpec {
            kind: ConstituencyKind::Commune,
            code: "29019".into(),
            name: "Brest".into(),
        }],
        candidate: CandidateSpec {
            surname: "D'ALMEIDA & Fils".into(),
            first_name: Some("<b>Marie</b>".into()),
            sex: Some(Sex::Female),
            birth_date: None,
            profession: None,
            nationality: None,
            outgoing: false,
        },
        seat: SeatSpec::List {
            panel: Some(1),
            short_label: None,
            label: "<script>alert('liste')</script>".into(),
            nuance: None,
            section: None,
            order: 1,
            head_of_list: None,
            community_council: false,
        },
        raw: Vec::new(),
    };
    let summary = fixtures::import(
        campaign,
        vec![hostile],
        &ImportOptions::new("Municipales 2026", ElectionKind::Municipales),
    );
    let brest = ok(campaign.store().read_with(|r| {
        r.candidacies(&Scope::election(
            summary.election.unwrap_or(ElectionId::new(0)),
        ))
    }));

    let moderator = fixture.moderator;
    let mut everyone: Vec<Candidacy> = fixture.candidacies.clone();
    everyone.extend(brest);
    for (index, c) in everyone.iter().enumerate().take(12) {
        fixture
            .clock
            .set(fixtures::start() + Duration::days((index % 3) as i64 * 2));
        let volunteer = fixture.volunteers[index % 3];
        ok(campaign.record_action(
            volunteer,
            NewContactAction::new(c.id, Channel::Email, Outcome::Sent),
        ));
    }
    let signed = [0usize, 1, 4, 7];
    for (day, index) in signed.iter().enumerate() {
        ok(campaign.record_answer(
            moderator,
            fixture.pledge,
            Subject::Person(everyone[*index].person),
            Answer::Signed {
                evidence: "courriel".into(),
            },
            fixtures::day(11 + day as u32),
        ));
    }
    ok(campaign.record_answer(
        moderator,
        fixture.pledge,
        Subject::Person(everyone[2].person),
        Answer::Declined,
        fixtures::day(12),
    ));
    let marie = everyone[everyone.len() - 1].person;
    ok(campaign.record_answer(
        moderator,
        fixture.pledge,
        Subject::Person(marie),
        Answer::Signed {
            evidence: "courrier".into(),
        },
        fixtures::day(13),
    ));
    for (channel, value, visibility) in [
        (
            Channel::Email,
            "marie.public@example.org",
            Visibility::Public,
        ),
        (Channel::Phone, "06 98 76 54 32", Visibility::Private),
    ] {
        ok(campaign.add_contact_detail(
            moderator,
            NewContactDetail {
                owner: Owner::Person(marie),
                point: ok(ContactPoint::new(channel, value)),
                source: "https://example.org/brest".into(),
                visibility,
                label: None,
                note: None,
            },
        ));
    }
    fixture.clock.set(fixtures::start() + Duration::days(20));
    fixture
}

#[test]
fn the_page_shows_the_report_figures() {
    assert_figures_shown(&campaign());
}

#[cfg(feature = "sqlite")]
#[test]
fn the_page_shows_the_report_figures_of_a_sqlite_store() {
    assert_figures_shown(&campaign_in("sqlite::memory:"));
}

fn assert_figures_shown(fixture: &Fixture<DynStore>) {
    for lang in [Lang::Fr, Lang::En] {
        for scope in [Scope::default(), Scope::election(fixture.election)] {
            let report = ok(fixture.campaign.report(&scope));
            let page = ok(html::report_page(
                &fixture.campaign,
                &scope,
                &PageOptions::new(lang),
            ));

            assert!(report.signatories > 0 && report.contacted > 0);
            assert_page_matches(&page, &report, lang);
            let listed = page.matches("<li>").count() as u64;
            assert_eq!(listed, report.signatories);
        }
    }
}

#[test]
fn the_page_follows_the_language() {
    let fixture = campaign();

    let french = ok(html::report_page(
        &fixture.campaign,
        &Scope::default(),
        &PageOptions::new(Lang::Fr),
    ));
    let english = ok(html::report_page(
        &fixture.campaign,
        &Scope::election(fixture.election),
        &PageOptions::new(Lang::En),
    ));

    assert!(french.contains("<html lang=\"fr\">"));
    assert!(french.contains("<title>Bilan d&#39;étape — toutes les élections</title>"));
    assert!(french.contains("Signataires du pacte"));
    assert!(french.contains("30 novembre 2015, 09:00 UTC"));
    assert!(english.contains("<html lang=\"en\">"));
    assert!(english.contains("<title>Progress report — Régionales 2015</title>"));
    assert!(english.contains("Pledge signatories"));
    assert!(english.contains("30 November 2015, 09:00 UTC"));
}

#[test]
fn names_are_escaped() {
    let fixture = campaign();

    let page = ok(html::report_page(
        &fixture.campaign,
        &Scope::default(),
        &PageOptions::new(Lang::Fr),
    ));

    assert!(page.contains("<li>&lt;b&gt;Marie&lt;/b&gt; D&#39;ALMEIDA &amp; Fils</li>"));
    assert!(page.contains("&lt;script&gt;alert(&#39;liste&#39;)&lt;/script&gt;"));
    assert!(!page.contains("<script"), "a script reached the page");
    assert!(
        !page.contains("<b>"),
        "markup from the store reached the page"
    );
    assert!(!page.contains("D'ALMEIDA"));
}

#[test]
fn the_page_holds_no_contact_detail_nor_participant() {
    let fixture = campaign();

    let page = ok(html::report_page(
        &fixture.campaign,
        &Scope::default(),
        &PageOptions::new(Lang::Fr),
    ));

    for private in [
        "marie.public@example.org",
        "+33698765432",
        "06 98 76 54 32",
        "example.org",
        "Modératrice",
        "mod@example.org",
        "Alice",
        "Chloé",
        "courriel",
    ] {
        assert!(!page.contains(private), "{private} is on the page");
    }
}

#[test]
fn the_page_needs_nothing_from_the_network() {
    let fixture = campaign();

    let page = ok(html::report_page(
        &fixture.campaign,
        &Scope::default(),
        &PageOptions::new(Lang::En),
    ));

    let lower = page.to_lowercase();
    assert!(!lower.contains("src="), "the page loads something");
    assert!(!lower.contains("url("), "the style loads something");
    assert!(!lower.contains("@import"));
    assert!(!lower.contains("http:") && !lower.contains("https:"));
    assert!(!lower.contains("<link"));
    for link in lower.split("href=\"").skip(1) {
        assert!(link.starts_with('#'), "an outside link: {link:.40}");
    }
}

#[test]
fn an_empty_scope_has_a_page_too() {
    let store = ok(candidats::open("memory:"));
    let campaign = Campaign::new(store);

    let page = ok(html::report_page(
        &campaign,
        &Scope::default(),
        &PageOptions::new(Lang::Fr),
    ));

    let report = ok(campaign.report(&Scope::default()));
    assert_page_matches(&page, &report, Lang::Fr);
    assert!(page.contains("Pas encore de signataire."));
    assert!(page.ends_with("</html>\n"));
}

/// The 2015 campaign's *bilan d'étape*, whose figures the page must show as
/// the campaign published them. Set `CANDIDATS_REPORT_HTML` to a path to
/// keep the page, to look at it in a browser.
#[test]
fn the_2015_campaign_page_shows_its_published_figures() {
    let campaign = Campaign::new(ok(candidats::open("memory:")));
    let plan = plan_2015();
    fixtures::import(
        &campaign,
        plan.rows(),
        &ImportOptions::new("Régionales 2015", ElectionKind::Regionales),
    );
    plan.record_campaign(&campaign);

    let page = ok(html::report_page(
        &campaign,
        &Scope::default(),
        &PageOptions::new(Lang::Fr),
    ));

    let report = ok(campaign.report(&Scope::default()));
    assert_page_matches(&page, &report, Lang::Fr);
    let shown = figures(&page);
    let text = |name: &str| shown.get(name).map(|s| s.text.as_str()).unwrap_or_default();
    assert_eq!(text("signatories"), "153");
    assert_eq!(text("contacted"), "731");
    assert_eq!(text("candidacies"), "21\u{202f}456");
    assert_eq!(text("contacted_percent"), "3,4\u{202f}%");
    assert_eq!(text("contact_actions"), "963");
    assert_eq!(text("heads_of_list.contacted"), "165");
    assert_eq!(text("heads_of_list.total"), "171");
    assert_eq!(text("heads_of_list.signatories"), "25");
    assert_eq!(text("heads_of_list.signatories_percent"), "14,6\u{202f}%");
    assert_eq!(text("heads_of_section.contacted"), "363");
    assert_eq!(text("heads_of_section.total"), "1\u{202f}088");
    assert_eq!(text("heads_of_section.signatories_percent"), "4,5\u{202f}%");
    assert_eq!(text("heads_of_section_to_contact"), "725");
    assert_eq!(text("to_follow_up"), "578");
    assert_eq!(text("without_contact_detail"), "725");

    if let Some(path) = std::env::var_os("CANDIDATS_REPORT_HTML") {
        ok(std::fs::write(&path, &page).map_err(|e| Error::io("write", "the page", e)));
    }
}

/// The `report` example writes the page of the report it prints.
#[cfg(feature = "sqlite")]
#[test]
fn the_report_example_writes_the_page() {
    use clap::Parser;

    let dir = ok(tempfile::tempdir().map_err(|e| Error::io("create", "a folder", e)));
    let store = format!("sqlite:{}", dir.path().join("campaign.db").display());
    let sample = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("examples/data/legislatives-2024-sample.csv");
    let campaign = Campaign::new(ok(candidats::open(&store)));
    ok(candidats::import::import_files(
        &campaign,
        &[sample],
        &candidats::import::ImportRequest::round(1),
        &mut |_, _| Ok(()),
        &mut |_| {},
    ));
    drop(campaign);
    let page_path = dir.path().join("bilan.html");
    let page_arg = page_path.display().to_string();

    let args = report::Args::parse_from([
        "report", "--store", &store, "--html", &page_arg, "--lang", "en",
    ]);
    let printed = ok(report::run(&args, &mut Vec::new(), false));

    let page =
        ok(std::fs::read_to_string(&page_path).map_err(|e| Error::io("read", "the page", e)));
    assert!(page.contains("<html lang=\"en\">"));
    assert_eq!(printed.candidacies, 133);
    assert_page_matches(&page, &printed, Lang::En);
    let refused = report::Args::try_parse_from(["report", "--lang", "de"]);
    assert!(refused.is_err());
}

proptest::proptest! {
    /// Escaped text holds no markup character and reads back as given.
    #[test]
    fn escaping_keeps_the_text_and_no_markup(
        text in proptest::prop_oneof![
            candidats_core::testing::strategies::text(),
            "[<>&\"'a-zé ;#/]{0,30}",
        ]
    ) {
        let escaped = html::escape(&text);

        proptest::prop_assert!(!escaped.contains(['<', '>', '"', '\'']));
        let back = escaped
            .replace("&lt;", "<")
            .replace("&gt;", ">")
            .replace("&quot;", "\"")
            .replace("&#39;", "'")
            .replace("&amp;", "&");
        proptest::prop_assert_eq!(back, text);
    }
}
