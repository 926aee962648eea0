//! The volunteers' pages: the candidates of an election and its work
//! queues, a candidate's record and what a volunteer does on it, and their
//! message templates.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use askama::Template;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use axum::Extension;
use candidats::{
    role_label, ActionFilter, ActionTarget, Answer, CampaignRead, CandidacyId, Channel,
    ConstituencyId, ContactPoint, DetailStatus, Edit, ElectionId, ElectionKind, IfTaken, ListId,
    MarathonId, NewContactAction, NewContactDetail, Outcome, Owner, PersonId, PledgeId, QueueKind,
    QueueQuery, ResponsibilityStatus, Role, Scope, Seat, StoreExt, Subject, TakeOptions, Target,
    TemplateId, Visibility, PLACEHOLDERS,
};
use chrono::{DateTime, NaiveDate, Utc};
use serde::Deserialize;

use crate::app::{blocking, done, page, Form, Frame, PageError, Path, Query, Site};
use crate::sessions::Visitor;

/// Candidates shown on one page of an election's list.
const PAGE_SIZE: usize = 50;
/// Candidates shown at the head of each work queue.
const QUEUE_HEAD: usize = 5;

// ----- the candidates of an election ----------------------------------------

#[derive(Template)]
#[template(path = "election.html", config = "examples/campaign_site/askama.toml")]
struct ElectionPage {
    frame: Frame,
    id: i64,
    name: String,
    constituencies: Vec<Choice>,
    lists: Vec<Choice>,
    roles: Vec<Choice>,
    statuses: Vec<Choice>,
    rows: Vec<Row>,
    matching: usize,
    pager: Pager,
    queues: Vec<QueueView>,
    marathons: Vec<MarathonView>,
}

/// An option of a `<select>`.
struct Choice {
    value: String,
    label: String,
    selected: bool,
}

struct Row {
    id: i64,
    name: String,
    constituency: String,
    role: &'static str,
    nuance: String,
    status: Status,
}

struct Pager {
    page: usize,
    pages: usize,
    previous: Option<String>,
    next: Option<String>,
}

struct QueueView {
    code: &'static str,
    title: &'static str,
    help: &'static str,
    head: Vec<(i64, String)>,
}

struct MarathonView {
    id: i64,
    name: String,
    window: String,
    running: bool,
}

/// Where a candidate stands in the campaign's work.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Status {
    ToCollect,
    ToContact,
    Contacted,
    Signed,
    Declined,
}

impl Status {
    const ALL: [Status; 5] = [
        Status::ToCollect,
        Status::ToContact,
        Status::Contacted,
        Status::Signed,
        Status::Declined,
    ];

    fn code(self) -> &'static str {
        match self {
            Status::ToCollect => "to_collect",
            Status::ToContact => "to_contact",
            Status::Contacted => "contacted",
            Status::Signed => "signed",
            Status::Declined => "declined",
        }
    }

    /// The status of a candidate whose latest answer is a signature or
    /// not, who was contacted or not, whose person has a usable contact
    /// detail or not.
    fn of(signed: Option<bool>, contacted: bool, usable_detail: bool) -> Status {
        match signed {
            Some(true) => Status::Signed,
            Some(false) => Status::Declined,
            None if contacted => Status::Contacted,
            None if usable_detail => Status::ToContact,
            None => Status::ToCollect,
        }
    }

    fn label(self) -> &'static str {
        match self {
            Status::ToCollect => "coordonnées à trouver",
            Status::ToContact => "à contacter",
            Status::Contacted => "contacté, sans réponse",
            Status::Signed => "signataire",
            Status::Declined => "a refusé",
        }
    }
}

/// The filters of an election's page, as the form sends them: an empty
/// field filters nothing.
#[derive(Debug, Default, Deserialize)]
pub struct Filters {
    #[serde(default)]
    constituency: String,
    #[serde(default)]
    list: String,
    #[serde(default)]
    role: String,
    #[serde(default)]
    status: String,
    page: Option<usize>,
}

impl Filters {
    fn scope(&self, election: ElectionId) -> Result<(Scope, Option<Status>), PageError> {
        let mut scope = Scope::election(election);
        if !self.constituency.is_empty() {
            scope.constituency = Some(ConstituencyId::new(number(&self.constituency)?));
        }
        if !self.list.is_empty() {
            scope.list = Some(ListId::new(number(&self.list)?));
        }
        if !self.role.is_empty() {
            scope = scope.with_role(Role::from_name(&self.role)?);
        }
        let status = match self.status.as_str() {
            "" => None,
            code => Some(
                Status::ALL
                    .into_iter()
                    .find(|s| s.code() == code)
                    .ok_or_else(|| PageError::invalid(format!("Statut inconnu : {code}")))?,
            ),
        };
        Ok((scope, status))
    }

    fn link(&self, election: i64, page: usize) -> String {
        let query: String = form_urlencoded::Serializer::new(String::new())
            .append_pair("constituency", &self.constituency)
            .append_pair("list", &self.list)
            .append_pair("role", &self.role)
            .append_pair("status", &self.status)
            .append_pair("page", &page.to_string())
            .finish();
        format!("/elections/{election}?{query}")
    }
}

fn number(text: &str) -> Result<i64, PageError> {
    text.trim()
        .parse()
        .map_err(|_| PageError::invalid(format!("Nombre attendu : {text}")))
}

/// What the election page and the candidate page need to know of every
/// candidate's work.
struct Facts {
    usable_detail: HashSet<PersonId>,
    contacted: HashSet<CandidacyId>,
    /// Each person's latest answer: whether it is a signature.
    answer: HashMap<PersonId, bool>,
}

impl Facts {
    fn load(r: &dyn CampaignRead) -> candidats::Result<Facts> {
        let usable_detail = r
            .contact_details(None)?
            .into_iter()
            .filter(|d| d.status.is_usable())
            .filter_map(|d| match d.owner {
                Owner::Person(p) => Some(p),
                Owner::List(_) => None,
            })
            .collect();
        let contacted = r
            .contact_actions(&ActionFilter::default())?
            .into_iter()
            .filter_map(|a| match a.target {
                ActionTarget::Candidacy(c) => Some(c),
                ActionTarget::List(_) => None,
            })
            .collect();
        let mut latest = HashMap::new();
        for answer in r.pledge_answers(None)? {
            if let Subject::Person(p) = answer.subject {
                let entry = latest
                    .entry(p)
                    .or_insert((answer.sort_key(), answer.answer.is_signed()));
                if answer.sort_key() > entry.0 {
                    *entry = (answer.sort_key(), answer.answer.is_signed());
                }
            }
        }
        let answer = latest.into_iter().map(|(p, (_, s))| (p, s)).collect();
        Ok(Facts {
            usable_detail,
            contacted,
            answer,
        })
    }

    fn status(&self, c: &candidats::Candidacy) -> Status {
        Status::of(
            self.answer.get(&c.person).copied(),
            self.contacted.contains(&c.id),
            self.usable_detail.contains(&c.person),
        )
    }
}

/// `GET /elections/{id}`: the candidates of an election, filtered, and the
/// heads of its three work queues.
pub async fn election(
    State(site): State<Arc<Site>>,
    Extension(visitor): Extension<Visitor>,
    Path(id): Path<i64>,
    Query(filters): Query<Filters>,
) -> Result<Response, PageError> {
    visitor.signed_in()?;
    let election = ElectionId::new(id);
    let (scope, status) = filters.scope(election)?;
    let wanted_page = filters.page.unwrap_or(1).max(1);

    let view = blocking(&site, move |site| {
        let now = site.campaign.now();
        site.campaign.store().read_with(|r| {
            let e = r.election(election)?;
            let facts = Facts::load(r)?;
            let all = r.constituencies(election)?;
            let names: HashMap<ConstituencyId, &candidats::Constituency> =
                all.iter().map(|c| (c.id, c)).collect();
            let place = |id: ConstituencyId| match names.get(&id) {
                Some(c) => match c.parent.and_then(|p| names.get(&p)) {
                    Some(parent) => format!("{} · {}", parent.name, c.name),
                    None => c.name.to_string(),
                },
                None => String::new(),
            };

            let matching: Vec<candidats::Candidacy> = r
                .candidacies(&scope)?
                .into_iter()
                .filter(|c| status.is_none_or(|s| facts.status(c) == s))
                .collect();
            let pages = matching.len().div_ceil(PAGE_SIZE).max(1);
            let current = wanted_page.min(pages);
            let mut rows = Vec::new();
            for c in matching
                .iter()
                .skip((current - 1) * PAGE_SIZE)
                .take(PAGE_SIZE)
            {
                let person = r.person(c.person)?;
                let role = c
                    .roles
                    .iter()
                    .next()
                    .map_or("candidat", |role| role_label(role, person.sex));
                rows.push(Row {
                    id: c.id.get(),
                    name: person.full_name(),
                    constituency: place(c.constituency),
                    role,
                    nuance: c
                        .nuance
                        .as_ref()
                        .map(|n| n.code.clone())
                        .unwrap_or_default(),
                    status: facts.status(c),
                });
            }

            let constituencies = all
                .iter()
                .map(|c| Choice {
                    value: c.id.get().to_string(),
                    label: match c.parent {
                        Some(_) => format!("— {}", place(c.id)),
                        None => format!("{} ({})", c.name, c.code),
                    },
                    selected: scope.constituency == Some(c.id),
                })
                .collect();
            let lists = r
                .lists(election)?
                .into_iter()
                .map(|l| Choice {
                    value: l.id.get().to_string(),
                    label: l.label.to_string(),
                    selected: scope.list == Some(l.id),
                })
                .collect();
            let marathons = r
                .marathons()?
                .into_iter()
                .filter(|m| m.goal.election.is_none_or(|e| e == election))
                .map(|m| MarathonView {
                    id: m.id.get(),
                    name: m.name.to_string(),
                    window: format!("{} → {}", instant(m.starts_at), instant(m.ends_at)),
                    running: m.starts_at <= now && now < m.ends_at,
                })
                .collect();

            Ok(ElectionPage {
                frame: Frame::default(),
                id,
                name: e.name().to_string(),
                constituencies,
                lists,
                roles: role_choices(scope.roles.and_then(|r| r.iter().next())),
                statuses: Status::ALL
                    .into_iter()
                    .map(|s| Choice {
                        value: s.code().into(),
                        label: s.label().into(),
                        selected: status == Some(s),
                    })
                    .collect(),
                rows,
                matching: matching.len(),
                pager: Pager {
                    page: current,
                    pages,
                    previous: None,
                    next: None,
                },
                queues: queue_heads(r, election, now)?,
                marathons,
            })
        })
    })
    .await?;

    let pager = Pager {
        previous: (view.pager.page > 1).then(|| filters.link(id, view.pager.page - 1)),
        next: (view.pager.page < view.pager.pages).then(|| filters.link(id, view.pager.page + 1)),
        ..view.pager
    };
    Ok(page(&ElectionPage {
        frame: Frame::of(&visitor),
        pager,
        ..view
    }))
}

/// The first candidates of each work queue of an election.
fn queue_heads(
    r: &dyn CampaignRead,
    election: ElectionId,
    now: DateTime<Utc>,
) -> candidats::Result<Vec<QueueView>> {
    let mut queues = Vec::new();
    for (kind, code, title, help) in QUEUES {
        let query = QueueQuery::new(kind, Scope::election(election), now);
        let mut head = Vec::new();
        for id in r.queue(&query, QUEUE_HEAD)? {
            head.push((id.get(), r.person(r.candidacy(id)?.person)?.full_name()));
        }
        queues.push(QueueView {
            code,
            title,
            help,
            head,
        });
    }
    Ok(queues)
}

const QUEUES: [(QueueKind, &str, &str, &str); 3] = [
    (
        QueueKind::ToCollect,
        "to_collect",
        "Coordonnées à trouver",
        "Personne n'a encore trouvé comment les joindre.",
    ),
    (
        QueueKind::ToContact,
        "to_contact",
        "À contacter",
        "Une coordonnée est connue, personne ne les a contactés.",
    ),
    (
        QueueKind::ToFollowUp,
        "to_follow_up",
        "À relancer",
        "Contactés il y a plus d'une semaine, sans réponse.",
    ),
];

fn role_choices(selected: Option<Role>) -> Vec<Choice> {
    Role::ALL
        .iter()
        .map(|&role| Choice {
            value: role.name().into(),
            label: match role {
                Role::HeadOfList => "têtes de liste",
                Role::HeadOfSection => "têtes de section",
                Role::Member => "colistiers",
                Role::SingleSeat => "candidats à un siège",
                Role::PairMember => "membres d'un binôme",
                Role::Substitute => "remplaçants",
                _ => role.name(),
            }
            .into(),
            selected: selected == Some(role),
        })
        .collect()
}

/// An election's kind in words.
pub fn kind_label(kind: ElectionKind) -> &'static str {
    match kind {
        ElectionKind::Regionales => "régionales",
        ElectionKind::Municipales => "municipales",
        ElectionKind::Legislatives => "législatives",
        ElectionKind::Departementales => "départementales",
        ElectionKind::Europeennes => "européennes",
        _ => "élection",
    }
}

/// An instant as people here read it: `30/06/2024 18:00 UTC`.
fn instant(at: DateTime<Utc>) -> String {
    at.format("%d/%m/%Y %H:%M UTC").to_string()
}

// ----- a candidate's record ---------------------------------------------------

#[derive(Template)]
#[template(path = "candidate.html", config = "examples/campaign_site/askama.toml")]
struct CandidatePage {
    frame: Frame,
    c: CandidateView,
}

struct CandidateView {
    id: i64,
    name: String,
    role: &'static str,
    election: (i64, String),
    round: u8,
    constituency: String,
    list: Option<String>,
    nuance: Option<String>,
    outgoing: bool,
    withdrawn: bool,
    substitute_of: Option<(i64, String)>,
    status: Status,
    details: Vec<DetailView>,
    actions: Vec<ActionView>,
    answers: Vec<(String, &'static str, String)>,
    holder: Option<String>,
    holding: bool,
    waiting: bool,
    may_edit: bool,
    reserved_until: Option<String>,
    templates: Vec<Choice>,
    message: Option<candidats::Message>,
    template: Option<i64>,
    pledges: Vec<(i64, String)>,
    marathon: Option<(i64, String)>,
    channels: Vec<Choice>,
    outcomes: Vec<Choice>,
    today: String,
}

struct DetailView {
    channel: String,
    value: String,
    href: Option<String>,
    source: String,
    private: bool,
    usable: bool,
    status: &'static str,
}

struct ActionView {
    at: String,
    by: String,
    channel: String,
    outcome: &'static str,
    note: String,
}

/// What a candidate's page is asked for: a message template to render, the
/// contact marathon the volunteer works in.
#[derive(Debug, Default, Deserialize)]
pub struct RecordQuery {
    template: Option<i64>,
    marathon: Option<i64>,
}

/// `GET /candidates/{id}`: the record, the contact details the visitor may
/// see, the contacts made, the pledge answers, who is responsible; and the
/// forms of a volunteer's work on it.
pub async fn candidate(
    State(site): State<Arc<Site>>,
    Extension(visitor): Extension<Visitor>,
    Path(id): Path<i64>,
    Query(query): Query<RecordQuery>,
) -> Result<Response, PageError> {
    let me = visitor.signed_in()?.participant;
    let candidacy = CandidacyId::new(id);

    let view = blocking(&site, move |site| {
        let campaign = &site.campaign;
        let now = campaign.now();
        let c = campaign.store().read_with(|r| r.candidacy(candidacy))?;
        let details = campaign.contact_details(Some(me), Owner::Person(c.person))?;
        let may_edit = campaign.may_edit_person(me, c.person)?;
        let message = match query.template {
            Some(t) => Some(campaign.render(Some(me), TemplateId::new(t), candidacy)?),
            None => None,
        };
        let reserved_until = campaign
            .reservations_of(me)?
            .into_iter()
            .find(|res| res.candidacy == candidacy)
            .map(|res| instant(res.until));

        campaign.store().read_with(|r| {
            let person = r.person(c.person)?;
            let election = r.election(c.election)?;
            let own = r.constituency(c.constituency)?;
            let constituency = match own.parent {
                Some(parent) => format!("{} · {}", r.constituency(parent)?.name, own.name),
                None => own.name.to_string(),
            };
            let list = match c.list() {
                Some(list) => Some(r.list(list)?.label.to_string()),
                None => None,
            };
            let substitute_of = match c.seat {
                Seat::Substitute { of } => {
                    let holder = r.candidacy(of)?;
                    Some((of.get(), r.person(holder.person)?.full_name()))
                }
                _ => None,
            };

            let covering = r.responsibilities_covering(candidacy, now)?;
            let holder = match covering.first() {
                Some(resp) => Some(r.participant(resp.participant)?.name.to_string()),
                None => None,
            };
            let waiting = r
                .responsibilities(&candidats::ResponsibilityFilter {
                    participant: Some(me),
                    target: Some(Target::Candidacy(candidacy)),
                    ..Default::default()
                })?
                .iter()
                .any(|resp| resp.is_pending(now));

            let mut actions = Vec::new();
            for a in r.contact_actions(&ActionFilter {
                target: Some(ActionTarget::Candidacy(candidacy)),
                ..ActionFilter::default()
            })? {
                actions.push(ActionView {
                    at: instant(a.at),
                    by: r.participant(a.participant)?.name.to_string(),
                    channel: channel_label(&a.channel),
                    outcome: outcome_label(a.outcome),
                    note: a.note.unwrap_or_default(),
                });
            }
            let mut answers = Vec::new();
            let mut latest = None;
            for a in r.pledge_answers(Some(Subject::Person(c.person)))? {
                if latest.is_none_or(|(key, _)| a.sort_key() > key) {
                    latest = Some((a.sort_key(), a.answer.is_signed()));
                }
                let answer = match a.answer {
                    Answer::Signed { .. } => "signé",
                    Answer::Declined => "refusé",
                };
                answers.push((
                    r.pledge(a.pledge)?.name.to_string(),
                    answer,
                    a.date.format("%d/%m/%Y").to_string(),
                ));
            }
            let marathon = match query.marathon {
                Some(m) => Some((m, r.marathon(MarathonId::new(m))?.name.to_string())),
                None => None,
            };

            Ok(CandidateView {
                id,
                name: person.full_name(),
                role: c
                    .roles
                    .iter()
                    .next()
                    .map_or("candidat", |role| role_label(role, person.sex)),
                election: (election.id().get(), election.name().to_string()),
                round: c.round,
                constituency,
                list,
                nuance: c.nuance.as_ref().map(|n| match &n.label {
                    Some(label) => format!("{label} ({})", n.code),
                    None => n.code.clone(),
                }),
                outgoing: c.outgoing,
                withdrawn: c.withdrawn,
                substitute_of,
                status: Status::of(
                    latest.map(|(_, signed)| signed),
                    !actions.is_empty(),
                    r.contact_details(Some(Owner::Person(c.person)))?
                        .iter()
                        .any(|d| d.status.is_usable()),
                ),
                details: details.iter().map(detail_view).collect(),
                actions,
                answers,
                holding: covering.iter().any(|resp| resp.participant == me),
                holder,
                waiting,
                may_edit,
                reserved_until: reserved_until.clone(),
                templates: r
                    .templates(Some(me))?
                    .into_iter()
                    .map(|t| Choice {
                        value: t.id.get().to_string(),
                        label: t.name.to_string(),
                        selected: query.template == Some(t.id.get()),
                    })
                    .collect(),
                message: message.clone(),
                template: query.template,
                pledges: r
                    .pledges()?
                    .into_iter()
                    .map(|p| (p.id.get(), format!("{} (v{})", p.name, p.version)))
                    .collect(),
                marathon,
                channels: channel_choices(),
                outcomes: Outcome::ALL
                    .iter()
                    .map(|&o| Choice {
                        value: o.name().into(),
                        label: outcome_label(o).into(),
                        selected: o == Outcome::Sent,
                    })
                    .collect(),
                today: now.date_naive().to_string(),
            })
        })
    })
    .await?;

    Ok(page(&CandidatePage {
        frame: Frame::of(&visitor),
        c: view,
    }))
}

fn detail_view(d: &candidats::ContactDetail) -> DetailView {
    let value = d.point.value().to_string();
    let href = match d.point.channel() {
        Channel::Email => Some(format!("mailto:{value}")),
        Channel::Phone => Some(format!("tel:{value}")),
        Channel::WebForm | Channel::Website => Some(value.clone()),
        Channel::Social { .. } if value.starts_with("https://") => Some(value.clone()),
        _ => None,
    };
    DetailView {
        channel: channel_label(d.point.channel()),
        value,
        href,
        source: d.source.clone(),
        private: d.visibility == Visibility::Private,
        usable: d.status.is_usable(),
        status: match d.status {
            DetailStatus::Unverified => "non vérifiée",
            DetailStatus::Confirmed => "confirmée",
            DetailStatus::Bounced => "en échec",
            DetailStatus::Obsolete => "périmée",
        },
    }
}

/// A channel in words.
pub fn channel_label(channel: &Channel) -> String {
    match channel {
        Channel::Email => "e-mail".into(),
        Channel::WebForm => "formulaire web".into(),
        Channel::Phone => "téléphone".into(),
        Channel::Social { network } => format!("réseau social ({network})"),
        Channel::Postal => "adresse postale".into(),
        Channel::Website => "site web".into(),
        Channel::InPerson => "en personne".into(),
        other => other.code(),
    }
}

fn channel_choices() -> Vec<Choice> {
    [
        Channel::Email,
        Channel::WebForm,
        Channel::Phone,
        Channel::Website,
        Channel::Postal,
        Channel::InPerson,
    ]
    .iter()
    .map(|channel| Choice {
        value: channel.code(),
        label: channel_label(channel),
        selected: *channel == Channel::Email,
    })
    .chain(std::iter::once(Choice {
        value: "social".into(),
        label: "réseau social".into(),
        selected: false,
    }))
    .collect()
}

fn outcome_label(outcome: Outcome) -> &'static str {
    match outcome {
        Outcome::Sent => "message envoyé",
        Outcome::NoAnswer => "pas de réponse",
        Outcome::Answered => "a répondu",
        Outcome::Bounced => "message revenu en erreur",
        Outcome::Refused => "refuse d'être contacté",
        Outcome::PromisedToSign => "promet de signer",
    }
}

/// What a responsibility covers, in words.
///
/// # Errors
///
/// [`candidats::Error::NotFound`] for a target that does not exist.
pub fn describe_target(r: &dyn CampaignRead, target: Target) -> candidats::Result<String> {
    Ok(match target {
        Target::Candidacy(id) => r.person(r.candidacy(id)?.person)?.full_name(),
        Target::List(id) => format!("liste « {} »", r.list(id)?.label),
        Target::Constituency(id) => r.constituency(id)?.name.to_string(),
    })
}

// ----- what a volunteer does on a record -------------------------------------

/// A form that carries nothing but its token.
#[derive(Debug, Deserialize)]
pub struct Empty {}

/// `POST /candidates/{id}/responsibility`: asks to be responsible for the
/// candidate. Granted at once for a moderator, else it waits for one.
pub async fn request_responsibility(
    State(site): State<Arc<Site>>,
    Extension(visitor): Extension<Visitor>,
    Path(id): Path<i64>,
    Form(_): Form<Empty>,
) -> Result<Response, PageError> {
    let me = visitor.signed_in()?.participant;
    let candidacy = CandidacyId::new(id);
    let resp = blocking(&site, move |site| {
        site.campaign.request_responsibility(
            me,
            Target::Candidacy(candidacy),
            None,
            IfTaken::Refuse,
        )
    })
    .await?;

    let message = if resp.status == ResponsibilityStatus::Granted {
        "Vous êtes responsable de ce candidat."
    } else {
        "Votre demande attend la décision d'un modérateur."
    };
    Ok(done(&site, &visitor, &format!("/candidates/{id}"), message))
}

/// The form adding a contact detail.
#[derive(Debug, Deserialize)]
pub struct DetailForm {
    channel: String,
    #[serde(default)]
    network: String,
    value: String,
    source: String,
    #[serde(default)]
    private: Option<String>,
}

/// `POST /candidates/{id}/details`: adds a contact detail with its source;
/// a volunteer who is not responsible for the candidate proposes it.
pub async fn add_detail(
    State(site): State<Arc<Site>>,
    Extension(visitor): Extension<Visitor>,
    Path(id): Path<i64>,
    Form(form): Form<DetailForm>,
) -> Result<Response, PageError> {
    let me = visitor.signed_in()?.participant;
    let channel = match form.channel.as_str() {
        "social" => Channel::social(&form.network)?,
        code => Channel::parse(code)?,
    };
    let point = ContactPoint::new(channel, &form.value)?;
    let visibility = match form.private {
        Some(_) => Visibility::Private,
        None => Visibility::Public,
    };

    let edit = blocking(&site, move |site| {
        let person = site
            .campaign
            .store()
            .read_with(|r| Ok(r.candidacy(CandidacyId::new(id))?.person))?;
        site.campaign.add_contact_detail(
            me,
            NewContactDetail {
                owner: Owner::Person(person),
                point,
                source: form.source,
                visibility,
                label: None,
                note: None,
            },
        )
    })
    .await?;

    let message = match edit {
        Edit::Applied(_) => "Coordonnée ajoutée à la fiche.",
        Edit::Proposed(_) => {
            "Vous n'êtes pas responsable de ce candidat : votre ajout est une proposition, \
             qu'un modérateur ou le bénévole responsable validera."
        }
    };
    Ok(done(&site, &visitor, &format!("/candidates/{id}"), message))
}

/// The form recording a contact action.
#[derive(Debug, Deserialize)]
pub struct ActionForm {
    channel: String,
    outcome: String,
    #[serde(default)]
    note: String,
    template: Option<i64>,
    marathon: Option<i64>,
}

/// `POST /candidates/{id}/actions`: records one of the volunteer's own
/// contacts. Any volunteer may.
pub async fn record_action(
    State(site): State<Arc<Site>>,
    Extension(visitor): Extension<Visitor>,
    Path(id): Path<i64>,
    Form(form): Form<ActionForm>,
) -> Result<Response, PageError> {
    let me = visitor.signed_in()?.participant;
    let action = NewContactAction {
        channel: Channel::parse(&form.channel)?,
        outcome: Outcome::from_name(&form.outcome)?,
        note: Some(form.note.trim().to_string()).filter(|n| !n.is_empty()),
        template: form.template.map(TemplateId::new),
        marathon: form.marathon.map(MarathonId::new),
        ..NewContactAction::new(CandidacyId::new(id), Channel::Email, Outcome::Sent)
    };
    blocking(&site, move |site| site.campaign.record_action(me, action)).await?;

    let back = match form.marathon {
        Some(m) => format!("/candidates/{id}?marathon={m}"),
        None => format!("/candidates/{id}"),
    };
    Ok(done(&site, &visitor, &back, "Contact enregistré."))
}

/// The form recording a pledge answer.
#[derive(Debug, Deserialize)]
pub struct AnswerForm {
    pledge: i64,
    answer: String,
    #[serde(default)]
    evidence: String,
    date: NaiveDate,
}

/// `POST /candidates/{id}/answers`: records the candidate's answer to a
/// pledge, or proposes it.
pub async fn record_answer(
    State(site): State<Arc<Site>>,
    Extension(visitor): Extension<Visitor>,
    Path(id): Path<i64>,
    Form(form): Form<AnswerForm>,
) -> Result<Response, PageError> {
    let me = visitor.signed_in()?.participant;
    let answer = match form.answer.as_str() {
        "signed" => Answer::Signed {
            evidence: form.evidence,
        },
        "declined" => Answer::Declined,
        other => return Err(PageError::invalid(format!("Réponse inconnue : {other}"))),
    };

    let edit = blocking(&site, move |site| {
        let person = site
            .campaign
            .store()
            .read_with(|r| Ok(r.candidacy(CandidacyId::new(id))?.person))?;
        site.campaign.record_answer(
            me,
            PledgeId::new(form.pledge),
            Subject::Person(person),
            answer,
            form.date,
        )
    })
    .await?;

    let message = match edit {
        Edit::Applied(_) => "Réponse enregistrée.",
        Edit::Proposed(_) => {
            "Vous n'êtes pas responsable de ce candidat : la réponse est proposée à la modération."
        }
    };
    Ok(done(&site, &visitor, &format!("/candidates/{id}"), message))
}

/// The form taking from a queue.
#[derive(Debug, Deserialize)]
pub struct TakeForm {
    election: i64,
    marathon: Option<i64>,
}

/// `POST /queues/{queue}/take`: reserves the next candidate of a queue for
/// the volunteer (for 30 minutes), within a contact marathon's goal when one
/// is given, and opens their record.
pub async fn take_next(
    State(site): State<Arc<Site>>,
    Extension(visitor): Extension<Visitor>,
    Path(queue): Path<String>,
    Form(form): Form<TakeForm>,
) -> Result<Response, PageError> {
    let me = visitor.signed_in()?.participant;
    let kind = QueueKind::from_name(&queue)?;
    let election = ElectionId::new(form.election);
    let marathon = form.marathon.map(MarathonId::new);

    let taken = blocking(&site, move |site| {
        let scope = match marathon {
            Some(m) => site.campaign.store().read_with(|r| r.marathon(m))?.goal,
            None => Scope::election(election),
        };
        let options = TakeOptions {
            marathon,
            ..TakeOptions::default()
        };
        site.campaign.take_next(me, kind, &scope, &options)
    })
    .await?;

    Ok(match (taken, form.marathon) {
        (Some((_, c)), Some(m)) => {
            Redirect::to(&format!("/candidates/{}?marathon={m}", c.id)).into_response()
        }
        (Some((_, c)), None) => Redirect::to(&format!("/candidates/{}", c.id)).into_response(),
        (None, _) => done(
            &site,
            &visitor,
            &format!("/elections/{}", form.election),
            "Cette file est vide : personne n'y attend.",
        ),
    })
}

// ----- message templates -------------------------------------------------------

#[derive(Template)]
#[template(path = "templates.html", config = "examples/campaign_site/askama.toml")]
struct TemplatesPage {
    frame: Frame,
    templates: Vec<candidats::Template>,
    placeholders: String,
    subject: &'static str,
    body: &'static str,
}

const SUBJECT: &str = "Le Pacte du Logiciel Libre — {{ constituency }}";
const BODY: &str = "{{ civility }} {{ surname }},

Candidat·e aux élections dans la circonscription « {{ constituency }} », \
vous pouvez vous engager à défendre le logiciel libre en signant le Pacte \
du Logiciel Libre.

Bien cordialement,";

/// `GET /templates`: the volunteer's message templates, and a form for a
/// new one.
pub async fn templates(
    State(site): State<Arc<Site>>,
    Extension(visitor): Extension<Visitor>,
) -> Result<Response, PageError> {
    let me = visitor.signed_in()?.participant;
    let templates = blocking(&site, move |site| {
        site.campaign.store().read_with(|r| r.templates(Some(me)))
    })
    .await?;

    Ok(page(&TemplatesPage {
        frame: Frame::of(&visitor),
        templates,
        placeholders: PLACEHOLDERS
            .iter()
            .map(|p| format!("{{{{ {p} }}}}"))
            .collect::<Vec<_>>()
            .join(", "),
        subject: SUBJECT,
        body: BODY,
    }))
}

/// The form of a new template.
#[derive(Debug, Deserialize)]
pub struct TemplateForm {
    name: String,
    subject: String,
    body: String,
}

/// `POST /templates`
pub async fn create_template(
    State(site): State<Arc<Site>>,
    Extension(visitor): Extension<Visitor>,
    Form(form): Form<TemplateForm>,
) -> Result<Response, PageError> {
    let me = visitor.signed_in()?.participant;
    let body = form.body.replace("\r\n", "\n");
    let template = blocking(&site, move |site| {
        site.campaign
            .create_template(me, &form.name, &form.subject, &body)
    })
    .await?;

    Ok(done(
        &site,
        &visitor,
        "/templates",
        format!("Modèle « {} » enregistré.", template.name),
    ))
}
