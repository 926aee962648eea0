//! The moderators' page: requests for responsibility, proposals waiting
//! for a decision, the pledges and the contact marathons.

use std::sync::Arc;

use askama::Template;
use axum::extract::State;
use axum::response::Response;
use axum::Extension;
use candidats::{
    Answer, CampaignRead, Change, ElectionId, Owner, ParticipantId, ProposalId, ProposalStatus,
    ResponsibilityFilter, ResponsibilityId, ResponsibilityStatus, Scope, StoreExt, Subject, Target,
};
use chrono::NaiveDateTime;
use serde::Deserialize;

use crate::app::{blocking, done, page, Form, Frame, PageError, Path, Site};
use crate::candidates::{channel_label, describe_target, Empty};
use crate::sessions::Visitor;

#[derive(Template)]
#[template(
    path = "moderation.html",
    config = "examples/campaign_site/askama.toml"
)]
struct ModerationPage {
    frame: Frame,
    requests: Vec<Request>,
    proposals: Vec<ProposalView>,
    pledges: Vec<String>,
    marathons: Vec<String>,
    elections: Vec<(i64, String)>,
}

struct Request {
    id: i64,
    who: String,
    what: String,
    link: Option<String>,
    at: String,
}

struct ProposalView {
    id: i64,
    who: String,
    what: String,
    source: String,
    link: Option<String>,
}

/// The signed-in participant, when the store says they are a moderator.
async fn moderator(site: &Arc<Site>, visitor: &Visitor) -> Result<ParticipantId, PageError> {
    let me = visitor.signed_in()?.participant;
    let participant = blocking(site, move |site| {
        site.campaign.store().read_with(|r| r.participant(me))
    })
    .await?;
    if participant.moderator {
        Ok(me)
    } else {
        Err(PageError::forbidden(
            "Cette page est réservée aux modérateurs.",
        ))
    }
}

/// `GET /moderation`
pub async fn overview(
    State(site): State<Arc<Site>>,
    Extension(visitor): Extension<Visitor>,
) -> Result<Response, PageError> {
    moderator(&site, &visitor).await?;

    let view = blocking(&site, move |site| {
        let now = site.campaign.now();
        site.campaign.store().read_with(|r| {
            let mut requests = Vec::new();
            let waiting = r.responsibilities(&ResponsibilityFilter {
                status: Some(ResponsibilityStatus::Requested),
                ..ResponsibilityFilter::default()
            })?;
            for resp in waiting.into_iter().filter(|resp| resp.is_pending(now)) {
                requests.push(Request {
                    id: resp.id.get(),
                    who: r.participant(resp.participant)?.name.to_string(),
                    what: describe_target(r, resp.target)?,
                    link: match resp.target {
                        Target::Candidacy(c) => Some(format!("/candidates/{c}")),
                        _ => None,
                    },
                    at: resp.requested_at.format("%d/%m/%Y %H:%M UTC").to_string(),
                });
            }

            let mut proposals = Vec::new();
            for p in r.proposals(Some(ProposalStatus::Pending))? {
                let (what, person) = describe_change(r, &p.change)?;
                let link = match person {
                    Some(person) => r
                        .candidacies_of_person(person)?
                        .first()
                        .map(|c| format!("/candidates/{}", c.id)),
                    None => None,
                };
                proposals.push(ProposalView {
                    id: p.id.get(),
                    who: r.participant(p.author)?.name.to_string(),
                    what,
                    source: p.source.unwrap_or_default(),
                    link,
                });
            }

            Ok(ModerationPage {
                frame: Frame::default(),
                requests,
                proposals,
                pledges: r
                    .pledges()?
                    .into_iter()
                    .map(|p| format!("{} (version {})", p.name, p.version))
                    .collect(),
                marathons: r
                    .marathons()?
                    .into_iter()
                    .map(|m| {
                        format!(
                            "{} : {} → {}",
                            m.name,
                            m.starts_at.format("%d/%m/%Y %H:%M"),
                            m.ends_at.format("%d/%m/%Y %H:%M UTC")
                        )
                    })
                    .collect(),
                elections: r
                    .elections()?
                    .into_iter()
                    .map(|e| (e.id().get(), e.name().to_string()))
                    .collect(),
            })
        })
    })
    .await?;

    Ok(page(&ModerationPage {
        frame: Frame::of(&visitor),
        ..view
    }))
}

/// What a proposal would change, in words, and whose record it touches.
fn describe_change(
    r: &dyn CampaignRead,
    change: &Change,
) -> candidats::Result<(String, Option<candidats::PersonId>)> {
    let person_name = |p| r.person(p).map(|p| p.full_name());
    Ok(match change {
        Change::AddContactDetail {
            owner,
            point,
            visibility,
            ..
        } => {
            let private = match visibility {
                candidats::Visibility::Private => " (privée)",
                candidats::Visibility::Public => "",
            };
            let (whom, person) = match owner {
                Owner::Person(p) => (person_name(*p)?, Some(*p)),
                Owner::List(l) => (describe_target(r, Target::List(*l))?, None),
            };
            (
                format!(
                    "Ajouter l'{} « {} »{private} à la fiche de {whom}",
                    channel_label(point.channel()),
                    point.value()
                ),
                person,
            )
        }
        Change::SetDetailStatus { detail, status } => {
            let d = r.contact_detail(*detail)?;
            let person = match d.owner {
                Owner::Person(p) => Some(p),
                Owner::List(_) => None,
            };
            (
                format!("Marquer « {} » comme {}", d.point.value(), status.name()),
                person,
            )
        }
        Change::RecordAnswer {
            pledge,
            subject,
            answer,
            date,
        } => {
            let (whom, person) = match subject {
                Subject::Person(p) => (person_name(*p)?, Some(*p)),
                Subject::List(l) => (describe_target(r, Target::List(*l))?, None),
            };
            let answer = match answer {
                Answer::Signed { evidence } => format!("a signé (preuve : {evidence})"),
                Answer::Declined => "a refusé".to_string(),
            };
            (
                format!(
                    "{whom} {answer} « {} » le {}",
                    r.pledge(*pledge)?.name,
                    date.format("%d/%m/%Y")
                ),
                person,
            )
        }
        Change::UpdatePerson { person } => (
            format!("Corriger la fiche de {}", person.full_name()),
            Some(person.id),
        ),
        Change::SetWithdrawn {
            candidacy,
            withdrawn,
        } => {
            let person = r.candidacy(*candidacy)?.person;
            let what = if *withdrawn { "retirée" } else { "maintenue" };
            (
                format!("Candidature de {} : {what}", person_name(person)?),
                Some(person),
            )
        }
        Change::Erased => ("Contenu effacé à la demande de la personne".into(), None),
        _ => ("Autre modification".into(), None),
    })
}

/// `POST /moderation/responsibilities/{id}/{grant|refuse}`
pub async fn decide_responsibility(
    State(site): State<Arc<Site>>,
    Extension(visitor): Extension<Visitor>,
    Path((id, decision)): Path<(i64, String)>,
    Form(_): Form<Empty>,
) -> Result<Response, PageError> {
    let me = visitor.signed_in()?.participant;
    let id = ResponsibilityId::new(id);
    let grant = match decision.as_str() {
        "grant" => true,
        "refuse" => false,
        _ => {
            return Err(PageError::new(
                axum::http::StatusCode::NOT_FOUND,
                "Décision inconnue.",
            ))
        }
    };

    blocking(&site, move |site| {
        if grant {
            site.campaign.grant(me, id)
        } else {
            site.campaign.refuse(me, id)
        }
    })
    .await?;

    let message = if grant {
        "Responsabilité accordée."
    } else {
        "Demande refusée."
    };
    Ok(done(&site, &visitor, "/moderation", message))
}

/// `POST /moderation/proposals/{id}/{accept|reject}`
pub async fn decide_proposal(
    State(site): State<Arc<Site>>,
    Extension(visitor): Extension<Visitor>,
    Path((id, decision)): Path<(i64, String)>,
    Form(_): Form<Empty>,
) -> Result<Response, PageError> {
    let me = visitor.signed_in()?.participant;
    let id = ProposalId::new(id);
    let accept = match decision.as_str() {
        "accept" => true,
        "reject" => false,
        _ => {
            return Err(PageError::new(
                axum::http::StatusCode::NOT_FOUND,
                "Décision inconnue.",
            ))
        }
    };

    blocking(&site, move |site| {
        if accept {
            site.campaign.accept(me, id).map(drop)
        } else {
            site.campaign.reject(me, id).map(drop)
        }
    })
    .await?;

    let message = if accept {
        "Proposition acceptée et appliquée."
    } else {
        "Proposition rejetée."
    };
    Ok(done(&site, &visitor, "/moderation", message))
}

/// The form of a new pledge.
#[derive(Debug, Deserialize)]
pub struct PledgeForm {
    name: String,
    text: String,
}

/// `POST /moderation/pledges`
pub async fn create_pledge(
    State(site): State<Arc<Site>>,
    Extension(visitor): Extension<Visitor>,
    Form(form): Form<PledgeForm>,
) -> Result<Response, PageError> {
    let me = visitor.signed_in()?.participant;
    blocking(&site, move |site| {
        site.campaign.create_pledge(me, &form.name, 1, &form.text)
    })
    .await?;
    Ok(done(&site, &visitor, "/moderation", "Pacte créé."))
}

/// The form of a new contact marathon; its times are UTC.
#[derive(Debug, Deserialize)]
pub struct MarathonForm {
    name: String,
    #[serde(default)]
    number: String,
    election: i64,
    starts_at: String,
    ends_at: String,
}

/// `POST /moderation/marathons`
pub async fn create_marathon(
    State(site): State<Arc<Site>>,
    Extension(visitor): Extension<Visitor>,
    Form(form): Form<MarathonForm>,
) -> Result<Response, PageError> {
    let me = visitor.signed_in()?.participant;
    let number = match form.number.trim() {
        "" => None,
        text => Some(
            text.parse()
                .map_err(|_| PageError::invalid(format!("Numéro attendu : {text}")))?,
        ),
    };
    let starts_at = utc(&form.starts_at)?;
    let ends_at = utc(&form.ends_at)?;
    let goal = Scope::election(ElectionId::new(form.election));

    blocking(&site, move |site| {
        site.campaign
            .create_marathon(me, &form.name, number, starts_at, ends_at, goal)
    })
    .await?;
    Ok(done(&site, &visitor, "/moderation", "Contacthon créé."))
}

/// A `datetime-local` field, read as UTC.
fn utc(text: &str) -> Result<chrono::DateTime<chrono::Utc>, PageError> {
    NaiveDateTime::parse_from_str(text, "%Y-%m-%dT%H:%M")
        .map(|at| at.and_utc())
        .map_err(|_| {
            PageError::invalid(format!(
                "Date et heure attendues (AAAA-MM-JJTHH:MM) : {text}"
            ))
        })
}
