//! The pages anyone may see: the elections, the progress report, the
//! signatories.

use std::sync::Arc;

use askama::Template;
use axum::extract::State;
use axum::response::{Html, Response};
use axum::Extension;
use candidats::html::{self, Lang, PageOptions};
use candidats::{
    ElectionId, GroupBy, MarathonId, ParticipantId, ResponsibilityFilter, Scope, StoreExt, Target,
};
use serde::Deserialize;

use crate::app::{blocking, page, Frame, PageError, Query, Site};
use crate::candidates::{describe_target, kind_label};
use crate::sessions::Visitor;

#[derive(Template)]
#[template(path = "home.html", config = "examples/campaign_site/askama.toml")]
struct HomePage {
    frame: Frame,
    elections: Vec<ElectionRow>,
    mine: Vec<Mine>,
}

struct ElectionRow {
    id: i64,
    name: String,
    kind: &'static str,
    candidacies: u64,
    contacted: u64,
    signatories: u64,
}

/// One of the visitor's responsibilities, granted or waiting.
struct Mine {
    label: String,
    link: Option<String>,
    granted: bool,
}

/// `GET /`: the elections and, for a volunteer, their responsibilities.
pub async fn home(
    State(site): State<Arc<Site>>,
    Extension(visitor): Extension<Visitor>,
) -> Result<Response, PageError> {
    let me = visitor.user.as_ref().map(|u| u.participant);
    let (elections, mine) = blocking(&site, move |site| {
        let now = site.campaign.now();
        site.campaign.store().read_with(|r| {
            let mut elections = Vec::new();
            for election in r.elections()? {
                let scope = Scope::election(election.id());
                let total = r.tally(&scope, GroupBy::Total)?.into_iter().next();
                let tally = total.map(|(_, tally)| tally).unwrap_or_default();
                elections.push(ElectionRow {
                    id: election.id().get(),
                    name: election.name().to_string(),
                    kind: kind_label(election.kind()),
                    candidacies: tally.candidacies,
                    contacted: tally.contacted,
                    signatories: tally.signatories,
                });
            }
            let mine = match me {
                Some(me) => responsibilities_of(r, me, now)?,
                None => Vec::new(),
            };
            Ok((elections, mine))
        })
    })
    .await?;

    Ok(page(&HomePage {
        frame: Frame::of(&visitor),
        elections,
        mine,
    }))
}

fn responsibilities_of(
    r: &dyn candidats::CampaignRead,
    me: ParticipantId,
    now: chrono::DateTime<chrono::Utc>,
) -> candidats::Result<Vec<Mine>> {
    let filter = ResponsibilityFilter {
        participant: Some(me),
        ..ResponsibilityFilter::default()
    };
    let mut mine = Vec::new();
    for resp in r.responsibilities(&filter)? {
        if !resp.is_active(now) && !resp.is_pending(now) {
            continue;
        }
        let link = match resp.target {
            Target::Candidacy(id) => Some(format!("/candidates/{id}")),
            _ => None,
        };
        mine.push(Mine {
            label: describe_target(r, resp.target)?,
            link,
            granted: resp.is_active(now),
        });
    }
    Ok(mine)
}

/// Which part of the campaign a public page covers.
#[derive(Debug, Default, Deserialize)]
pub struct Part {
    election: Option<i64>,
    marathon: Option<i64>,
}

/// `GET /progress`: the progress report of the campaign, an election
/// (`?election=ID`) or a contact marathon (`?marathon=ID`), as the library's
/// HTML page, with a way back to the site.
pub async fn progress(
    State(site): State<Arc<Site>>,
    Query(part): Query<Part>,
) -> Result<Html<String>, PageError> {
    let report = blocking(&site, move |site| {
        let campaign = &site.campaign;
        let mut options = PageOptions::new(Lang::Fr);
        let report = match (part.marathon, part.election) {
            (Some(id), _) => {
                let marathon = campaign
                    .store()
                    .read_with(|r| r.marathon(MarathonId::new(id)))?;
                options.title = Some(format!("Bilan — {}", marathon.name));
                campaign.marathon_report(marathon.id)?
            }
            (None, Some(id)) => campaign.report(&Scope::election(ElectionId::new(id)))?,
            (None, None) => campaign.report(&Scope::default())?,
        };
        html::page(campaign.store(), &report, &options)
    })
    .await?;

    // The page is whole and self-contained; the bar adds links only.
    let bar = "<nav style=\"max-width:1100px;margin:0 auto;padding:10px 20px 0;\
               font:15px system-ui,sans-serif\"><a href=\"/\">← Candidats</a> · \
               <a href=\"/signatories\">Signataires</a></nav>\n";
    Ok(Html(report.replacen(
        "<body>\n",
        &format!("<body>\n{bar}"),
        1,
    )))
}

#[derive(Template)]
#[template(
    path = "signatories.html",
    config = "examples/campaign_site/askama.toml"
)]
struct SignatoriesPage {
    frame: Frame,
    count: usize,
    regions: Vec<Region>,
}

struct Region {
    name: String,
    lists: Vec<(String, Vec<String>)>,
}

/// `GET /signatories`: who signed the pledge, by region and list.
pub async fn signatories(
    State(site): State<Arc<Site>>,
    Extension(visitor): Extension<Visitor>,
    Query(part): Query<Part>,
) -> Result<Response, PageError> {
    let scope = match part.election {
        Some(id) => Scope::election(ElectionId::new(id)),
        None => Scope::default(),
    };
    let signatories = blocking(&site, move |site| {
        html::signatories(site.campaign.store(), &scope)
    })
    .await?;

    // They come sorted by region, then list.
    let count = signatories.len();
    let mut regions: Vec<Region> = Vec::new();
    for s in signatories {
        if regions.last().is_none_or(|r| r.name != s.region) {
            regions.push(Region {
                name: s.region.clone(),
                lists: Vec::new(),
            });
        }
        let Some(region) = regions.last_mut() else {
            continue;
        };
        match region.lists.last_mut() {
            Some((list, names)) if *list == s.list => names.push(s.name),
            _ => region.lists.push((s.list, vec![s.name])),
        }
    }
    Ok(page(&SignatoriesPage {
        frame: Frame::of(&visitor),
        count,
        regions,
    }))
}
