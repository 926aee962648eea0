//! Small campaigns the conformance suite builds on.

use std::sync::Arc;

use chrono::{DateTime, NaiveDate, TimeZone, Utc};

use crate::*;

/// The instant every fixture starts at: 10 November 2015, 9:00 UTC.
pub fn start() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2015, 11, 10, 9, 0, 0)
        .single()
        .unwrap_or_default()
}

/// A day of November 2015.
pub fn day(d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(2015, 11, d).unwrap_or_default()
}

fn area(kind: ConstituencyKind, code: &str, name: &str) -> AreaSpec {
    AreaSpec {
        kind,
        code: code.into(),
        name: name.into(),
    }
}

/// A candidate with a name, a sex and a date of birth.
pub fn candidate(surname: &str, first_name: &str, birth: Option<NaiveDate>) -> CandidateSpec {
    CandidateSpec {
        surname: surname.into(),
        first_name: Some(first_name.into()),
        sex: Some(if surname.len() % 2 == 0 {
            Sex::Female
        } else {
            Sex::Male
        }),
        birth_date: birth,
        profession: None,
        nationality: None,
        outgoing: false,
    }
}

/// A régionales file: 2 regions, each with 2 lists of 2 sections of 3
/// candidates (24 candidacies, 4 lists, 8 sections). The head of list of the
/// second list of each region is third of its second section, to check that
/// the head is taken from the flag and never from the order.
pub fn regional_rows() -> Vec<ImportRow> {
    let mut rows = Vec::new();
    let regions = [
        (
            "84",
            "Auvergne-Rhône-Alpes",
            [("01", "Ain"), ("69D", "Rhône")],
        ),
        (
            "53",
            "Bretagne",
            [("22", "Côtes-d'Armor"), ("29", "Finistère")],
        ),
    ];
    let mut line = 1;
    for (r, (code, name, sections)) in regions.iter().enumerate() {
        for panel in 1..=2u32 {
            for (s, (section_code, section_name)) in sections.iter().enumerate() {
                for order in 1..=3u32 {
                    line += 1;
                    let head = if panel == 1 {
                        s == 0 && order == 1
                    } else {
                        s == 1 && order == 3
                    };
                    let surname = format!("NOM-{r}{panel}{s}{order}");
                    rows.push(ImportRow {
                        location: Location::file("regionales.csv").line(line),
                        area: vec![area(ConstituencyKind::Region, code, name)],
                        candidate: candidate(
                            &surname,
                            "Prénom",
                            NaiveDate::from_ymd_opt(1960 + order as i32, 1 + r as u32, panel),
                        ),
                        seat: SeatSpec::List {
                            panel: Some(panel),
                            short_label: Some(format!("L{panel}")),
                            label: format!("Liste {panel} en {name}"),
                            nuance: Some(Nuance {
                                code: if panel == 1 {
                                    "LDVG".into()
                                } else {
                                    "LDVD".into()
                                },
                                label: None,
                            }),
                            section: Some(area(
                                ConstituencyKind::Departement,
                                section_code,
                                section_name,
                            )),
                            order,
                            head_of_list: Some(head),
                            community_council: false,
                        },
                        raw: vec![surname.clone()],
                    });
                }
            }
        }
    }
    rows
}

/// A législatives file for one round: 2 départements of 2 circonscriptions,
/// each with candidates on panels 1 to 3 (2 in round 2), with substitutes
/// and dates of birth.
pub fn legislative_rows(round: u8) -> Vec<ImportRow> {
    let mut rows = Vec::new();
    let mut line = 1;
    for (d, (dep, dep_name)) in [("01", "Ain"), ("2A", "Corse-du-Sud")].iter().enumerate() {
        for circ in 1..=2u32 {
            let panels = if round == 1 { 3 } else { 2 };
            for panel in 1..=panels {
                line += 1;
                let tag = format!("{d}{circ}{panel}");
                rows.push(ImportRow {
                    location: Location::file("legislatives.csv").line(line),
                    area: vec![
                        area(ConstituencyKind::Departement, dep, dep_name),
                        area(
                            ConstituencyKind::Circonscription,
                            &format!("{dep}{circ:02}"),
                            &format!("{circ}e circonscription"),
                        ),
                    ],
                    candidate: candidate(
                        &format!("CANDIDAT-{tag}"),
                        "Jean",
                        NaiveDate::from_ymd_opt(1970, 1 + d as u32, panel),
                    ),
                    seat: SeatSpec::Single {
                        panel,
                        nuance: Some(Nuance {
                            code: ["RN", "ENS", "UG"][(panel - 1) as usize].into(),
                            label: None,
                        }),
                        substitute: Some(candidate(
                            &format!("SUPPLEANT-{tag}"),
                            "Anne",
                            NaiveDate::from_ymd_opt(1980, 1 + d as u32, panel),
                        )),
                    },
                    raw: vec![tag],
                });
            }
        }
    }
    rows
}

/// Imports rows; panics on failure.
pub fn import<S: Store>(
    campaign: &Campaign<S>,
    rows: Vec<ImportRow>,
    options: &ImportOptions,
) -> ImportSummary {
    let mut iter = rows.into_iter().map(Ok);
    match campaign.import(&mut iter, options, &mut |_, _| Ok(())) {
        Ok(summary) => summary,
        Err(error) => panic!("import failed: {error}"),
    }
}

/// The options the fixtures import régionales with.
pub fn regional_options() -> ImportOptions {
    ImportOptions {
        source: "regionales.csv".into(),
        ..ImportOptions::new("Régionales 2015", ElectionKind::Regionales)
    }
}

/// The options the fixtures import législatives with.
pub fn legislative_options(round: u8) -> ImportOptions {
    ImportOptions {
        round,
        source: "legislatives.csv".into(),
        ..ImportOptions::new("Législatives 2024", ElectionKind::Legislatives)
    }
}

/// A campaign on a store, at a fixed clock, with the régionales imported, a
/// moderator, three volunteers and a pledge.
pub struct Fixture<S> {
    /// The campaign, automatic grants off.
    pub campaign: Campaign<S>,
    /// Its clock.
    pub clock: Arc<ManualClock>,
    /// The moderator.
    pub moderator: ParticipantId,
    /// Three volunteers.
    pub volunteers: Vec<ParticipantId>,
    /// The election.
    pub election: ElectionId,
    /// Every candidacy, by identifier.
    pub candidacies: Vec<Candidacy>,
    /// The pledge.
    pub pledge: PledgeId,
}

impl<S: Store> Fixture<S> {
    /// Builds the fixture on `store`.
    pub fn new(store: S) -> Fixture<S> {
        let clock = Arc::new(ManualClock::new(start()));
        let campaign = Campaign::new(store).with_clock(clock.clone());
        let summary = import(&campaign, regional_rows(), &regional_options());
        let moderator = ok(campaign.register_moderator("Modératrice", Some("mod@example.org"))).id;
        let volunteers = ["Alice", "Bob", "Chloé"]
            .iter()
            .map(|name| ok(campaign.register(name, None)).id)
            .collect();
        let pledge =
            ok(campaign.create_pledge(moderator, "Pacte du Logiciel Libre", 1, "Je m'engage..."))
                .id;
        let election = summary.election.unwrap_or(ElectionId::new(0));
        let candidacies = ok(campaign
            .store()
            .read_with(|r| r.candidacies(&Scope::election(election))));
        Fixture {
            campaign,
            clock,
            moderator,
            volunteers,
            election,
            candidacies,
            pledge,
        }
    }

    /// The candidacies holding a role.
    pub fn with_role(&self, role: Role) -> Vec<&Candidacy> {
        self.candidacies
            .iter()
            .filter(|c| c.roles.contains(role))
            .collect()
    }
}

/// Unwraps a result, panicking with the error's whole chain.
pub fn ok<T>(result: Result<T>) -> T {
    match result {
        Ok(value) => value,
        Err(error) => {
            let mut message = error.to_string();
            let mut source = std::error::Error::source(&error);
            while let Some(cause) = source {
                message.push_str(&format!(": {cause}"));
                source = cause.source();
            }
            panic!("unexpected error: {message}")
        }
    }
}
