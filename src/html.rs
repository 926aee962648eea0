//! The progress report as a page people look at: one self-contained HTML
//! file that a campaign publishes or links to.
//!
//! The page holds, for a scope: the headline figures of the
//! [`ProgressReport`] (signatories, candidates contacted, contact actions,
//! heads of list and of section contacted and signing, who is left to
//! contact or to follow up, who has no known contact detail), the coverage
//! of each role as bars, contacts and signatures per day as a line chart,
//! a table by constituency and one by list with inline bars, and the list of
//! signatories grouped by region and list.
//!
//! It is built to be published:
//!
//! - it needs nothing else: the style is inline CSS, the charts are inline
//!   SVG written here, there is no script, font, image or link to another
//!   site, so it opens offline and leaks no visit;
//! - it shows names and lists only: no contact detail, private or public,
//!   and no participant's name (only how many were active);
//! - every text from the store is HTML-escaped, so that a list named
//!   `<script>` or `D'ALMEIDA & Fils` reads as written;
//! - each figure carries its exact value in a `data-value` attribute next to
//!   its formatted text (`data-figure="contacted"`), so that tools and tests
//!   can read the numbers back.
//!
//! Numbers follow the language asked: French (`21 456`, `3,4 %`, with
//! narrow no-break spaces) or English (`21,456`, `3.4%`).
//!
//! ```
//! use candidats::html::{self, Lang, PageOptions};
//! use candidats::{Campaign, Scope};
//!
//! let campaign = Campaign::new(candidats::open("memory:")?);
//! let page = html::report_page(&campaign, &Scope::default(), &PageOptions::new(Lang::En))?;
//! assert!(page.starts_with("<!DOCTYPE html>"));
//! assert!(page.contains(r#"data-figure="signatories" data-value="0""#));
//! assert_eq!(html::format_count(21_456, Lang::Fr), "21\u{202f}456");
//! assert_eq!(html::format_percent(3.4, Lang::En), "3.4%");
//! # Ok::<(), candidats::Error>(())
//! ```
//!
//! # Checking the page in a browser
//!
//! The page is checked by eye in headless Chromium, run as root here, with
//! every network feature off so that nothing but the file is loaded:
//!
//! ```text
//! chromium --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
//!   --disable-background-networking --disable-component-update --disable-sync \
//!   --user-data-dir=$(mktemp -d) --screenshot=/tmp/report.png \
//!   --window-size=1200,2400 file:///tmp/report.html
//! ```
//!
//! # Limitations
//!
//! - The report and the list of signatories are read one after the other:
//!   a signature recorded in between may show in one and not the other.
//! - A person standing twice in the scope (in both rounds) is listed once
//!   per candidacy, as the report counts them.
//! - The tables have one line per constituency and per list of the scope:
//!   a page for every municipal list of the country is long.

use chrono::{DateTime, Datelike, NaiveDate, Timelike, Utc};
use serde::{Deserialize, Serialize};

use candidats_core::{
    percent, Answer, Breakdown, Campaign, CampaignRead, DayTally, Error, PersonId, ProgressReport,
    Result, Role, RoleFigures, Scope, Store, StoreExt, Subject,
};

/// The language of a page.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Lang {
    /// French: `21 456`, `3,4 %`.
    #[default]
    Fr,
    /// English: `21,456`, `3.4%`.
    En,
}

impl Lang {
    /// Parses `fr` or `en` (any case).
    ///
    /// # Errors
    ///
    /// [`Error::InvalidInput`] for any other text.
    pub fn parse(text: &str) -> Result<Lang> {
        match text.trim().to_lowercase().as_str() {
            "fr" => Ok(Lang::Fr),
            "en" => Ok(Lang::En),
            other => Err(Error::invalid(format!(
                "expected a language `fr` or `en`, found `{other}`"
            ))),
        }
    }

    /// The language's code: `fr` or `en`.
    pub const fn code(self) -> &'static str {
        match self {
            Lang::Fr => "fr",
            Lang::En => "en",
        }
    }
}

/// How a page is written.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PageOptions {
    /// The language of the text and numbers.
    pub lang: Lang,
    /// The page's title; by default it says what the scope covers.
    pub title: Option<String>,
}

impl PageOptions {
    /// Options for a page in `lang`, titled after its scope.
    pub fn new(lang: Lang) -> PageOptions {
        PageOptions { lang, title: None }
    }
}

/// A signatory as the public page shows them: a name and where they stand.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Signatory {
    /// "First name SURNAME".
    pub name: String,
    /// The top constituency they stand in: the region of a regional list,
    /// the département of a circonscription.
    pub region: String,
    /// The list's label, or for a candidacy without a list, the
    /// constituency's name.
    pub list: String,
}

/// The page of a scope's progress report.
///
/// # Errors
///
/// A backend failure.
pub fn report_page<S: Store>(
    campaign: &Campaign<S>,
    scope: &Scope,
    options: &PageOptions,
) -> Result<String> {
    let report = campaign.report(scope)?;
    page(campaign.store(), &report, options)
}

/// The page of a report already computed, with the signatories of its
/// scope and, unless the options give one, a title naming the scope.
///
/// # Errors
///
/// [`Error::NotFound`] when the report's scope names a record the store
/// does not hold; a backend failure.
pub fn page<S: Store + ?Sized>(
    store: &S,
    report: &ProgressReport,
    options: &PageOptions,
) -> Result<String> {
    let scope = &report.scope;
    let (title, signatories) = store.read_with(|r| {
        let title = match &options.title {
            Some(title) => title.clone(),
            None => describe(r, scope, options.lang)?,
        };
        Ok((title, collect_signatories(r, scope)?))
    })?;

    let options = PageOptions {
        title: Some(title),
        ..options.clone()
    };
    Ok(render(report, &signatories, &options))
}

/// The signatories of a scope, as [`ProgressReport::signatories`] counts
/// them (one per candidacy whose person's latest answer before the end of
/// the period is a signature dated in the period), sorted by region, list
/// and surname.
///
/// # Errors
///
/// A backend failure.
pub fn signatories<S: Store + ?Sized>(store: &S, scope: &Scope) -> Result<Vec<Signatory>> {
    store.read_with(|r| collect_signatories(r, scope))
}

fn collect_signatories(r: &dyn CampaignRead, scope: &Scope) -> Result<Vec<Signatory>> {
    let mut latest: std::collections::HashMap<PersonId, (NaiveDate, i64, bool)> =
        std::collections::HashMap::new();
    for answer in r.pledge_answers(None)? {
        let Subject::Person(person) = answer.subject else {
            continue;
        };
        if scope.pledge.is_some_and(|p| p != answer.pledge) || !scope.day_before_end(answer.date) {
            continue;
        }
        let (date, id) = answer.sort_key();
        let signed = matches!(answer.answer, Answer::Signed { .. });
        let entry = latest.entry(person).or_insert((date, id, signed));
        if (date, id) > (entry.0, entry.1) {
            *entry = (date, id, signed);
        }
    }

    let mut out = Vec::new();
    for c in r.candidacies(scope)? {
        let signed = latest
            .get(&c.person)
            .is_some_and(|(date, _, signed)| *signed && scope.day_in_period(*date));
        if !signed {
            continue;
        }
        let person = r.person(c.person)?;
        let own = r.constituency(c.constituency)?;
        let mut top = own.clone();
        let mut depth = 0;
        while let (Some(parent), true) = (top.parent, depth < 64) {
            top = r.constituency(parent)?;
            depth += 1;
        }
        let list = match c.list() {
            Some(list) => r.list(list)?.label.to_string(),
            None => own.name.to_string(),
        };
        let key = (
            collation_key(top.name.as_str()),
            collation_key(&list),
            collation_key(person.surname.as_str()),
            collation_key(person.first_name.as_ref().map_or("", |n| n.as_str())),
        );
        out.push((
            key,
            Signatory {
                name: person.full_name(),
                region: top.name.to_string(),
                list,
            },
        ));
    }
    out.sort_by(|a, b| a.0.cmp(&b.0));
    Ok(out.into_iter().map(|(_, s)| s).collect())
}

/// What a scope covers, in words: `Régionales 2015 · 1er tour · Bretagne`.
fn describe(r: &dyn CampaignRead, scope: &Scope, lang: Lang) -> Result<String> {
    let words = Words::of(lang);
    let mut parts = Vec::new();
    if let Some(election) = scope.election {
        parts.push(r.election(election)?.name().to_string());
    }
    if let Some(round) = scope.round {
        parts.push(round_name(round, lang));
    }
    if let Some(constituency) = scope.constituency {
        parts.push(r.constituency(constituency)?.name.to_string());
    }
    if let Some(list) = scope.list {
        parts.push(r.list(list)?.label.to_string());
    }
    if let Some(nuance) = &scope.nuance {
        parts.push(nuance.clone());
    }
    if parts.is_empty() {
        parts.push(words.all_elections.to_string());
    }
    Ok(format!("{} — {}", words.title, parts.join(" · ")))
}

// ----- formatting ------------------------------------------------------------------

/// A count with the language's thousands separator: `21 456` (narrow
/// no-break space) or `21,456`.
pub fn format_count(value: u64, lang: Lang) -> String {
    let separator = match lang {
        Lang::Fr => '\u{202f}',
        Lang::En => ',',
    };
    let digits = value.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (index, digit) in digits.chars().enumerate() {
        if index > 0 && (digits.len() - index) % 3 == 0 {
            out.push(separator);
        }
        out.push(digit);
    }
    out
}

/// A share in percent with one decimal: `3,4 %` (narrow no-break space) or
/// `3.4%`.
pub fn format_percent(value: f64, lang: Lang) -> String {
    let text = format!("{value:.1}");
    match lang {
        Lang::Fr => format!("{}\u{202f}%", text.replace('.', ",")),
        Lang::En => format!("{text}%"),
    }
}

/// Escapes text for HTML content and attribute values.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

const MONTHS_FR: [&str; 12] = [
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
];
const MONTHS_EN: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

fn month(date: NaiveDate, lang: Lang) -> &'static str {
    let index = date.month0() as usize % 12;
    match lang {
        Lang::Fr => MONTHS_FR[index],
        Lang::En => MONTHS_EN[index],
    }
}

/// `2 décembre 2015`, `2 December 2015`.
fn format_day(date: NaiveDate, lang: Lang) -> String {
    format!("{} {} {}", date.day(), month(date, lang), date.year())
}

const SHORT_MONTHS_FR: [&str; 12] = [
    "janv.", "févr.", "mars", "avr.", "mai", "juin", "juil.", "août", "sept.", "oct.", "nov.",
    "déc.",
];
const SHORT_MONTHS_EN: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

/// `2 déc.`, `2 Dec`: an axis label.
fn format_short_day(date: NaiveDate, lang: Lang) -> String {
    let index = date.month0() as usize % 12;
    let name = match lang {
        Lang::Fr => SHORT_MONTHS_FR[index],
        Lang::En => SHORT_MONTHS_EN[index],
    };
    format!("{} {name}", date.day())
}

fn format_instant(at: DateTime<Utc>, lang: Lang) -> String {
    format!(
        "{}, {:02}:{:02} UTC",
        format_day(at.date_naive(), lang),
        at.hour(),
        at.minute()
    )
}

fn round_name(round: u8, lang: Lang) -> String {
    match (lang, round) {
        (Lang::Fr, 1) => "1er tour".into(),
        (Lang::Fr, n) => format!("{n}e tour"),
        (Lang::En, n) => format!("round {n}"),
    }
}

/// A key that sorts French names as a reader expects: case and accents
/// ignored, numbers in their order (`Liste 2` before `Liste 10`).
fn collation_key(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 16);
    let mut digits = String::new();
    for c in text.chars().flat_map(char::to_lowercase) {
        if c.is_ascii_digit() {
            digits.push(c);
            continue;
        }
        push_number(&mut out, &mut digits);
        match c {
            'à' | 'â' | 'ä' | 'á' | 'ã' => out.push('a'),
            'ç' => out.push('c'),
            'é' | 'è' | 'ê' | 'ë' => out.push('e'),
            'î' | 'ï' | 'í' | 'ì' => out.push('i'),
            'ô' | 'ö' | 'ó' | 'ò' | 'õ' => out.push('o'),
            'ù' | 'û' | 'ü' | 'ú' => out.push('u'),
            'ÿ' => out.push('y'),
            'ñ' => out.push('n'),
            'œ' => out.push_str("oe"),
            'æ' => out.push_str("ae"),
            c => out.push(c),
        }
    }
    push_number(&mut out, &mut digits);
    out
}

/// Appends a run of digits padded to 20 places, so that numbers sort by
/// value.
fn push_number(out: &mut String, digits: &mut String) {
    if digits.is_empty() {
        return;
    }
    let trimmed = digits.trim_start_matches('0');
    out.push_str(&format!("{trimmed:0>20}"));
    digits.clear();
}

// ----- words -------------------------------------------------------------------------

/// The page's words in one language.
struct Words {
    title: &'static str,
    all_elections: &'static str,
    generated: &'static str,
    period_from: &'static str,
    period_to: &'static str,
    figures: &'static str,
    signatories: &'static str,
    contacted: &'static str,
    of_candidates: &'static str,
    contact_actions: &'static str,
    contact_actions_note: &'static str,
    heads_of_list_contacted: &'static str,
    heads_of_section_contacted: &'static str,
    out_of: &'static str,
    of_whom: &'static str,
    signatories_word: &'static str,
    heads_of_section_to_contact: &'static str,
    to_follow_up: &'static str,
    without_detail: &'static str,
    without_detail_note: &'static str,
    declined: &'static str,
    participants: &'static str,
    roles: &'static str,
    legend_contacted: &'static str,
    legend_signed: &'static str,
    legend_left: &'static str,
    activity: &'static str,
    legend_actions: &'static str,
    legend_signatures: &'static str,
    no_activity: &'static str,
    by_constituency: &'static str,
    by_list: &'static str,
    area: &'static str,
    list: &'static str,
    candidates: &'static str,
    contacted_short: &'static str,
    coverage: &'static str,
    signatories_short: &'static str,
    without_detail_short: &'static str,
    nothing: &'static str,
    signatories_list: &'static str,
    no_signatory: &'static str,
    footer: &'static str,
}

const FR: Words = Words {
    title: "Bilan d'étape",
    all_elections: "toutes les élections",
    generated: "Chiffres au",
    period_from: "contacts et réponses du",
    period_to: "au",
    figures: "Chiffres clés",
    signatories: "Signataires du pacte",
    contacted: "Candidats contactés",
    of_candidates: "candidats, soit",
    contact_actions: "Prises de contact",
    contact_actions_note: "un candidat peut être contacté plusieurs fois",
    heads_of_list_contacted: "Têtes de liste contactées",
    heads_of_section_contacted: "Têtes de section contactées",
    out_of: "sur",
    of_whom: "dont",
    signatories_word: "signataires",
    heads_of_section_to_contact: "Têtes de section restant à contacter",
    to_follow_up: "Contactés sans réponse, à relancer",
    without_detail: "Candidats sans coordonnées connues",
    without_detail_note: "la file des chercheurs de coordonnées",
    declined: "Refus de signer",
    participants: "Contactheurs actifs",
    roles: "Couverture par rôle",
    legend_contacted: "contactés",
    legend_signed: "signataires",
    legend_left: "pas encore contactés",
    activity: "Contacts et signatures par jour",
    legend_actions: "prises de contact",
    legend_signatures: "signatures",
    no_activity: "Aucune prise de contact ni signature sur la période.",
    by_constituency: "Par territoire",
    by_list: "Par liste",
    area: "Territoire",
    list: "Liste",
    candidates: "Candidats",
    contacted_short: "Contactés",
    coverage: "Couverture",
    signatories_short: "Signataires",
    without_detail_short: "Sans coordonnées",
    nothing: "Rien à montrer pour ce périmètre.",
    signatories_list: "Les signataires",
    no_signatory: "Pas encore de signataire.",
    footer: "Page produite par candidats, à partir des listes officielles et du travail des contactheurs.",
};

const EN: Words = Words {
    title: "Progress report",
    all_elections: "all elections",
    generated: "Figures as of",
    period_from: "contacts and answers from",
    period_to: "to",
    figures: "Key figures",
    signatories: "Pledge signatories",
    contacted: "Candidates contacted",
    of_candidates: "candidates, that is",
    contact_actions: "Contact actions",
    contact_actions_note: "a candidate may be contacted several times",
    heads_of_list_contacted: "Heads of list contacted",
    heads_of_section_contacted: "Heads of section contacted",
    out_of: "of",
    of_whom: "of whom",
    signatories_word: "signatories",
    heads_of_section_to_contact: "Heads of section still to contact",
    to_follow_up: "Contacted without answer, to follow up",
    without_detail: "Candidates with no known contact detail",
    without_detail_note: "the contact collectors' queue",
    declined: "Declined to sign",
    participants: "Active volunteers",
    roles: "Coverage by role",
    legend_contacted: "contacted",
    legend_signed: "signatories",
    legend_left: "not contacted yet",
    activity: "Contacts and signatures per day",
    legend_actions: "contact actions",
    legend_signatures: "signatures",
    no_activity: "No contact and no signature in the period.",
    by_constituency: "By area",
    by_list: "By list",
    area: "Area",
    list: "List",
    candidates: "Candidates",
    contacted_short: "Contacted",
    coverage: "Coverage",
    signatories_short: "Signatories",
    without_detail_short: "No contact detail",
    nothing: "Nothing to show for this scope.",
    signatories_list: "The signatories",
    no_signatory: "No signatory yet.",
    footer: "Page made by candidats, from the official lists and the volunteers' work.",
};

impl Words {
    fn of(lang: Lang) -> &'static Words {
        match lang {
            Lang::Fr => &FR,
            Lang::En => &EN,
        }
    }
}

fn role_name(role: Role, lang: Lang) -> &'static str {
    match (lang, role) {
        (Lang::Fr, Role::HeadOfList) => "Têtes de liste",
        (Lang::Fr, Role::HeadOfSection) => "Têtes de section",
        (Lang::Fr, Role::Member) => "Autres candidats de liste",
        (Lang::Fr, Role::SingleSeat) => "Candidats au scrutin uninominal",
        (Lang::Fr, Role::PairMember) => "Candidats en binôme",
        (Lang::Fr, Role::Substitute) => "Remplaçants",
        (Lang::En, Role::HeadOfList) => "Heads of list",
        (Lang::En, Role::HeadOfSection) => "Heads of section",
        (Lang::En, Role::Member) => "Other list candidates",
        (Lang::En, Role::SingleSeat) => "Single-seat candidates",
        (Lang::En, Role::PairMember) => "Pair members",
        (Lang::En, Role::Substitute) => "Substitutes",
        (_, role) => role.name(),
    }
}

// ----- the page ----------------------------------------------------------------------

const STYLE: &str = "
:root{--ink:#1f2933;--muted:#52606d;--line:#d9e2ec;--track:#e4e7eb;--blue:#2f6fde;--green:#1f9d55;--amber:#d97706;--bg:#f7f9fb}
*{box-sizing:border-box}
body{margin:0;background:var(--bg);color:var(--ink);font:16px/1.5 system-ui,-apple-system,'Segoe UI',Roboto,'Helvetica Neue',Arial,sans-serif}
main{max-width:1100px;margin:0 auto;padding:24px 24px 48px}
header{margin-bottom:8px}
h1{font-size:1.9rem;line-height:1.2;margin:0 0 6px}
h2{font-size:1.3rem;margin:36px 0 12px;padding-bottom:6px;border-bottom:2px solid var(--line)}
h3{font-size:1.1rem;margin:22px 0 6px}
h4{font-size:1rem;margin:12px 0 4px;color:var(--muted);font-weight:600}
.meta{color:var(--muted);margin:0}
nav{margin:14px 0 0;display:flex;flex-wrap:wrap;gap:6px 16px;font-size:.95rem}
nav a{color:var(--blue);text-decoration:none}
.cards{display:grid;grid-template-columns:repeat(auto-fill,minmax(240px,1fr));gap:14px}
.card{background:#fff;border:1px solid var(--line);border-radius:10px;padding:14px 16px}
.card.key{border-color:var(--green);box-shadow:inset 4px 0 0 var(--green)}
.card .label{margin:0;color:var(--muted);font-size:.92rem}
.card .value{margin:2px 0;font-size:2rem;font-weight:700;font-variant-numeric:tabular-nums}
.card.key .value{color:var(--green)}
.card .sub{margin:0;font-size:.9rem;color:var(--muted)}
.chart{background:#fff;border:1px solid var(--line);border-radius:10px;padding:12px}
.chart svg{display:block;width:100%;height:auto}
.legend{display:flex;flex-wrap:wrap;gap:4px 18px;font-size:.9rem;color:var(--muted);margin:8px 4px 0}
.swatch{display:inline-block;width:12px;height:12px;border-radius:3px;margin-right:6px;vertical-align:-1px}
table{width:100%;border-collapse:collapse;background:#fff;border:1px solid var(--line);border-radius:10px;font-size:.95rem}
th,td{padding:7px 10px;border-bottom:1px solid var(--line);text-align:left;vertical-align:middle}
th{background:#eef2f6;font-weight:600;font-size:.88rem}
td.num,th.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
td.bar{white-space:nowrap;width:190px}
td.bar svg{vertical-align:middle;margin-right:8px}
.code{color:var(--muted);font-size:.85rem;margin-left:6px}
.names{columns:3 220px;margin:4px 0 8px;padding-left:20px}
.names li{break-inside:avoid}
.empty{color:var(--muted);font-style:italic}
footer{margin-top:40px;color:var(--muted);font-size:.85rem}
@media print{body{background:#fff}.card,.chart,table{break-inside:avoid}}
";

/// Writes the page of a report and its signatories. Every text is escaped;
/// nothing but the report's figures and the signatories' names, regions and
/// lists is shown.
pub fn render(report: &ProgressReport, signatories: &[Signatory], options: &PageOptions) -> String {
    let lang = options.lang;
    let words = Words::of(lang);
    let title = options
        .title
        .clone()
        .unwrap_or_else(|| format!("{} — {}", words.title, words.all_elections));
    let mut page = String::with_capacity(64 * 1024);

    page.push_str(&format!(
        "<!DOCTYPE html>\n<html lang=\"{}\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>{}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n<main>\n",
        lang.code(),
        escape(&title)
    ));

    let mut meta = format!(
        "{} {}",
        words.generated,
        format_instant(report.generated_at, lang)
    );
    if report.scope.from.is_some() || report.scope.until.is_some() {
        let from = report
            .scope
            .from
            .map(|at| format_instant(at, lang))
            .unwrap_or_else(|| "…".into());
        let until = report
            .scope
            .until
            .map(|at| format_instant(at, lang))
            .unwrap_or_else(|| "…".into());
        meta.push_str(&format!(
            " · {} {from} {} {until}",
            words.period_from, words.period_to
        ));
    }
    page.push_str(&format!(
        "<header>\n<h1>{}</h1>\n<p class=\"meta\">{}</p>\n<nav>\
         <a href=\"#figures\">{}</a><a href=\"#roles\">{}</a><a href=\"#activity\">{}</a>\
         <a href=\"#by-constituency\">{}</a><a href=\"#by-list\">{}</a>\
         <a href=\"#signatories\">{}</a></nav>\n</header>\n",
        escape(&title),
        escape(&meta),
        words.figures,
        words.roles,
        words.activity,
        words.by_constituency,
        words.by_list,
        words.signatories_list
    ));

    page.push_str(&figures(report, lang));
    page.push_str(&roles(report, lang));
    page.push_str(&format!(
        "<section id=\"activity\">\n<h2>{}</h2>\n{}</section>\n",
        words.activity,
        line_chart(&report.daily, lang)
    ));
    page.push_str(&breakdown(
        "by-constituency",
        "constituency",
        words.by_constituency,
        words.area,
        &report.by_constituency,
        lang,
    ));
    page.push_str(&breakdown(
        "by-list",
        "list",
        words.by_list,
        words.list,
        &report.by_list,
        lang,
    ));
    page.push_str(&signatory_list(signatories, lang));

    page.push_str(&format!(
        "<footer>{}</footer>\n</main>\n</body>\n</html>\n",
        words.footer
    ));
    page
}

/// A number with its exact value for machines: `<span data-figure=…>`.
fn figure(tag: &str, class: &str, name: &str, value: u64, lang: Lang) -> String {
    format!(
        "<{tag} class=\"{class}\" data-figure=\"{name}\" data-value=\"{value}\">{}</{tag}>",
        format_count(value, lang)
    )
}

fn share(name: &str, value: f64, lang: Lang) -> String {
    format!(
        "<span data-figure=\"{name}\" data-value=\"{value}\">{}</span>",
        format_percent(value, lang)
    )
}

fn card(key: bool, label: &str, value: String, sub: Option<String>) -> String {
    let class = if key { "card key" } else { "card" };
    let sub = sub
        .map(|sub| format!("<p class=\"sub\">{sub}</p>"))
        .unwrap_or_default();
    format!("<div class=\"{class}\"><p class=\"label\">{label}</p>{value}{sub}</div>\n")
}

fn figures(report: &ProgressReport, lang: Lang) -> String {
    let w = Words::of(lang);
    let mut cards = String::new();

    cards.push_str(&card(
        true,
        w.signatories,
        figure("p", "value", "signatories", report.signatories, lang),
        None,
    ));
    cards.push_str(&card(
        false,
        w.contacted,
        figure("p", "value", "contacted", report.contacted, lang),
        Some(format!(
            "{} {} {} {}",
            w.out_of,
            figure("span", "n", "candidacies", report.candidacies, lang),
            w.of_candidates,
            share("contacted_percent", report.contacted_percent, lang)
        )),
    ));
    cards.push_str(&card(
        false,
        w.contact_actions,
        figure(
            "p",
            "value",
            "contact_actions",
            report.contact_actions,
            lang,
        ),
        Some(w.contact_actions_note.into()),
    ));
    for (name, label, role) in [
        (
            "heads_of_list",
            w.heads_of_list_contacted,
            &report.heads_of_list,
        ),
        (
            "heads_of_section",
            w.heads_of_section_contacted,
            &report.heads_of_section,
        ),
    ] {
        if role.total == 0 {
            continue;
        }
        cards.push_str(&card(
            false,
            label,
            figure(
                "p",
                "value",
                &format!("{name}.contacted"),
                role.contacted,
                lang,
            ),
            Some(role_sub(name, role, lang)),
        ));
    }
    if report.heads_of_section.total > 0 {
        cards.push_str(&card(
            false,
            w.heads_of_section_to_contact,
            figure(
                "p",
                "value",
                "heads_of_section_to_contact",
                report.heads_of_section_to_contact,
                lang,
            ),
            None,
        ));
    }
    cards.push_str(&card(
        false,
        w.to_follow_up,
        figure("p", "value", "to_follow_up", report.to_follow_up, lang),
        None,
    ));
    cards.push_str(&card(
        false,
        w.without_detail,
        figure(
            "p",
            "value",
            "without_contact_detail",
            report.without_contact_detail,
            lang,
        ),
        Some(w.without_detail_note.into()),
    ));
    cards.push_str(&card(
        false,
        w.declined,
        figure("p", "value", "declined", report.declined, lang),
        None,
    ));
    cards.push_str(&card(
        false,
        w.participants,
        figure(
            "p",
            "value",
            "participants",
            report.participants.len() as u64,
            lang,
        ),
        None,
    ));

    format!(
        "<section id=\"figures\">\n<h2>{}</h2>\n<div class=\"cards\">\n{cards}</div>\n</section>\n",
        w.figures
    )
}

/// `sur 171 (96,5 %), dont 25 signataires (14,6 %)`: shares of the role's
/// total, as campaigns publish them.
fn role_sub(name: &str, role: &RoleFigures, lang: Lang) -> String {
    let w = Words::of(lang);
    format!(
        "{} {} ({}), {} {} {} ({})",
        w.out_of,
        figure("span", "n", &format!("{name}.total"), role.total, lang),
        share(
            &format!("{name}.contacted_percent"),
            role.contacted_percent,
            lang
        ),
        w.of_whom,
        figure(
            "span",
            "n",
            &format!("{name}.signatories"),
            role.signatories,
            lang
        ),
        w.signatories_word,
        share(
            &format!("{name}.signatories_percent"),
            percent(role.signatories, role.total),
            lang
        ),
    )
}

fn roles(report: &ProgressReport, lang: Lang) -> String {
    let w = Words::of(lang);
    let present: Vec<(Role, &RoleFigures)> = Role::ALL
        .iter()
        .filter_map(|role| report.roles.get(role).map(|f| (*role, f)))
        .filter(|(_, f)| f.total > 0)
        .collect();
    if present.is_empty() {
        return format!(
            "<section id=\"roles\">\n<h2>{}</h2>\n<p class=\"empty\">{}</p>\n</section>\n",
            w.roles, w.nothing
        );
    }

    let (width, label_w, bar_w, row_h) = (960.0, 240.0, 400.0, 46.0);
    let height = row_h * present.len() as f64 + 8.0;
    let mut svg = format!(
        "<svg viewBox=\"0 0 {width} {height}\" role=\"img\" aria-label=\"{}\">\n",
        escape(w.roles)
    );
    for (index, (role, figures)) in present.iter().enumerate() {
        let y = 8.0 + row_h * index as f64;
        let total = figures.total.max(1) as f64;
        let contacted = bar_w * figures.contacted as f64 / total;
        let signed = bar_w * figures.signatories as f64 / total;
        svg.push_str(&format!(
            "<g data-role=\"{}\" data-total=\"{}\" data-contacted=\"{}\" data-signatories=\"{}\">\
             <text x=\"0\" y=\"{:.1}\" font-size=\"15\" fill=\"#1f2933\">{}</text>\
             <rect x=\"{label_w}\" y=\"{y:.1}\" width=\"{bar_w}\" height=\"24\" rx=\"4\" fill=\"#e4e7eb\"/>\
             <rect x=\"{label_w}\" y=\"{y:.1}\" width=\"{contacted:.1}\" height=\"24\" rx=\"4\" fill=\"#2f6fde\"/>\
             <rect x=\"{label_w}\" y=\"{y:.1}\" width=\"{signed:.1}\" height=\"24\" rx=\"4\" fill=\"#1f9d55\"/>\
             <text x=\"{:.1}\" y=\"{:.1}\" font-size=\"14\" fill=\"#52606d\">{} / {} ({}) · {} {}</text></g>\n",
            role.name(),
            figures.total,
            figures.contacted,
            figures.signatories,
            y + 17.0,
            escape(role_name(*role, lang)),
            label_w + bar_w + 14.0,
            y + 17.0,
            format_count(figures.contacted, lang),
            format_count(figures.total, lang),
            format_percent(figures.contacted_percent, lang),
            format_count(figures.signatories, lang),
            w.legend_signed,
        ));
    }
    svg.push_str("</svg>\n");

    format!(
        "<section id=\"roles\">\n<h2>{}</h2>\n<div class=\"chart\">\n{svg}{}</div>\n</section>\n",
        w.roles,
        legend(&[
            ("#2f6fde", w.legend_contacted),
            ("#1f9d55", w.legend_signed),
            ("#e4e7eb", w.legend_left),
        ])
    )
}

fn legend(items: &[(&str, &str)]) -> String {
    let entries: String = items
        .iter()
        .map(|(color, label)| {
            format!(
                "<span><span class=\"swatch\" style=\"background:{color}\"></span>{label}</span>"
            )
        })
        .collect();
    format!("<div class=\"legend\">{entries}</div>\n")
}

/// The smallest of 1, 2, 5 × 10ⁿ at least `value`.
fn nice_step(value: f64) -> f64 {
    let value = value.max(1.0);
    let magnitude = 10f64.powf(value.log10().floor());
    [1.0, 2.0, 5.0, 10.0]
        .iter()
        .map(|m| m * magnitude)
        .find(|step| *step >= value)
        .unwrap_or(10.0 * magnitude)
}

/// Contacts and signatures per day, days without any counted as zero.
fn line_chart(daily: &[DayTally], lang: Lang) -> String {
    let w = Words::of(lang);
    let (Some(first), Some(last)) = (daily.first(), daily.last()) else {
        return format!("<p class=\"empty\">{}</p>\n", w.no_activity);
    };
    let span = usize::try_from((last.day - first.day).num_days())
        .unwrap_or(0)
        .saturating_add(1);
    let mut actions = vec![0u64; span];
    let mut signatures = vec![0u64; span];
    for day in daily {
        let index = usize::try_from((day.day - first.day).num_days()).unwrap_or(0);
        if index < span {
            actions[index] = day.contact_actions;
            signatures[index] = day.signatures;
        }
    }

    let (width, height) = (960.0, 320.0);
    let (left, right, top, bottom) = (64.0, 20.0, 16.0, 48.0);
    let plot_w = width - left - right;
    let plot_h = height - top - bottom;
    let highest = actions
        .iter()
        .chain(&signatures)
        .copied()
        .max()
        .unwrap_or(0) as f64;
    let step = nice_step(highest / 4.0);
    let ceiling = (highest / step).ceil().max(1.0) * step;
    let x = |index: usize| {
        if span <= 1 {
            left + plot_w / 2.0
        } else {
            left + plot_w * index as f64 / (span - 1) as f64
        }
    };
    let y = |value: u64| top + plot_h * (1.0 - value as f64 / ceiling);

    let mut svg = format!(
        "<svg viewBox=\"0 0 {width} {height}\" role=\"img\" aria-label=\"{}\" data-chart=\"daily\" \
         data-days=\"{span}\" data-contact-actions=\"{}\" data-signatures=\"{}\">\n",
        escape(w.activity),
        actions.iter().sum::<u64>(),
        signatures.iter().sum::<u64>()
    );
    let mut tick = 0.0;
    while tick <= ceiling + step / 2.0 {
        let ty = top + plot_h * (1.0 - tick / ceiling);
        svg.push_str(&format!(
            "<line x1=\"{left}\" y1=\"{ty:.1}\" x2=\"{:.1}\" y2=\"{ty:.1}\" stroke=\"#d9e2ec\"/>\
             <text x=\"{:.1}\" y=\"{:.1}\" font-size=\"13\" text-anchor=\"end\" fill=\"#52606d\">{}</text>\n",
            width - right,
            left - 8.0,
            ty + 4.0,
            format_count(tick as u64, lang)
        ));
        tick += step;
    }
    let every = span.div_ceil(8).max(1);
    for index in (0..span).step_by(every) {
        let day = first.day + chrono::Duration::days(index as i64);
        svg.push_str(&format!(
            "<text x=\"{:.1}\" y=\"{:.1}\" font-size=\"13\" text-anchor=\"middle\" fill=\"#52606d\">{}</text>\n",
            x(index),
            height - bottom + 22.0,
            escape(&format_short_day(day, lang))
        ));
    }

    for (series, color, label) in [
        (&actions, "#2f6fde", w.legend_actions),
        (&signatures, "#1f9d55", w.legend_signatures),
    ] {
        let points: Vec<String> = series
            .iter()
            .enumerate()
            .map(|(index, value)| format!("{:.1},{:.1}", x(index), y(*value)))
            .collect();
        svg.push_str(&format!(
            "<polyline fill=\"none\" stroke=\"{color}\" stroke-width=\"2.5\" points=\"{}\"/>\n",
            points.join(" ")
        ));
        if span <= 92 {
            for (index, value) in series.iter().enumerate() {
                let day = first.day + chrono::Duration::days(index as i64);
                svg.push_str(&format!(
                    "<circle cx=\"{:.1}\" cy=\"{:.1}\" r=\"3\" fill=\"{color}\"><title>{} — {}: {}</title></circle>\n",
                    x(index),
                    y(*value),
                    escape(&format_day(day, lang)),
                    label,
                    format_count(*value, lang)
                ));
            }
        }
    }
    svg.push_str("</svg>\n");

    format!(
        "<div class=\"chart\">\n{svg}{}</div>\n",
        legend(&[
            ("#2f6fde", w.legend_actions),
            ("#1f9d55", w.legend_signatures),
        ])
    )
}

/// A small bar: the share contacted.
fn inline_bar(share: f64) -> String {
    let share = share.clamp(0.0, 100.0);
    format!(
        "<svg width=\"110\" height=\"12\" viewBox=\"0 0 100 12\" aria-hidden=\"true\">\
         <rect width=\"100\" height=\"12\" rx=\"3\" fill=\"#e4e7eb\"/>\
         <rect width=\"{share:.1}\" height=\"12\" rx=\"3\" fill=\"#2f6fde\"/></svg>"
    )
}

fn breakdown(
    id: &str,
    group: &str,
    heading: &str,
    first_column: &str,
    lines: &[Breakdown],
    lang: Lang,
) -> String {
    let w = Words::of(lang);
    if lines.is_empty() {
        return format!(
            "<section id=\"{id}\">\n<h2>{heading}</h2>\n<p class=\"empty\">{}</p>\n</section>\n",
            w.nothing
        );
    }

    let mut rows = String::new();
    for line in lines {
        let t = &line.tally;
        let code = line
            .code
            .as_deref()
            .filter(|code| !code.is_empty() && *code != line.name)
            .map(|code| format!("<span class=\"code\">{}</span>", escape(code)))
            .unwrap_or_default();
        rows.push_str(&format!(
            "<tr data-group=\"{group}\" data-candidacies=\"{}\" data-contacted=\"{}\" \
             data-signatories=\"{}\" data-without-detail=\"{}\">\
             <td>{}{code}</td><td class=\"num\">{}</td><td class=\"num\">{}</td>\
             <td class=\"bar\">{}{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td></tr>\n",
            t.candidacies,
            t.contacted,
            t.signatories,
            t.without_contact_detail,
            escape(&line.name),
            format_count(t.candidacies, lang),
            format_count(t.contacted, lang),
            inline_bar(line.contacted_percent),
            format_percent(line.contacted_percent, lang),
            format_count(t.signatories, lang),
            format_count(t.without_contact_detail, lang),
        ));
    }

    format!(
        "<section id=\"{id}\">\n<h2>{heading}</h2>\n<table>\n<thead><tr><th>{first_column}</th>\
         <th class=\"num\">{}</th><th class=\"num\">{}</th><th>{}</th><th class=\"num\">{}</th>\
         <th class=\"num\">{}</th></tr></thead>\n<tbody>\n{rows}</tbody>\n</table>\n</section>\n",
        w.candidates, w.contacted_short, w.coverage, w.signatories_short, w.without_detail_short
    )
}

/// The signatories of one region: each list with its names.
type ListGroups<'a> = Vec<(&'a str, Vec<&'a str>)>;

fn signatory_list(signatories: &[Signatory], lang: Lang) -> String {
    let w = Words::of(lang);
    let mut out = format!(
        "<section id=\"signatories\">\n<h2>{} ({})</h2>\n",
        w.signatories_list,
        figure(
            "span",
            "n",
            "signatories_listed",
            signatories.len() as u64,
            lang
        )
    );
    if signatories.is_empty() {
        out.push_str(&format!(
            "<p class=\"empty\">{}</p>\n</section>\n",
            w.no_signatory
        ));
        return out;
    }

    // Groups of consecutive signatories: the list comes sorted by region,
    // then list.
    let mut regions: Vec<(&str, ListGroups)> = Vec::new();
    for s in signatories {
        if regions.last().is_none_or(|(region, _)| *region != s.region) {
            regions.push((&s.region, Vec::new()));
        }
        if let Some((_, lists)) = regions.last_mut() {
            if lists.last().is_none_or(|(list, _)| *list != s.list) {
                lists.push((&s.list, Vec::new()));
            }
            if let Some((_, names)) = lists.last_mut() {
                names.push(&s.name);
            }
        }
    }
    for (region, lists) in regions {
        let count: usize = lists.iter().map(|(_, names)| names.len()).sum();
        out.push_str(&format!(
            "<h3>{} <span class=\"code\">({})</span></h3>\n",
            escape(region),
            format_count(count as u64, lang)
        ));
        for (list, names) in lists {
            out.push_str(&format!(
                "<h4>{} <span class=\"code\">({})</span></h4>\n<ul class=\"names\">\n",
                escape(list),
                format_count(names.len() as u64, lang)
            ));
            for name in names {
                out.push_str(&format!("<li>{}</li>\n", escape(name)));
            }
            out.push_str("</ul>\n");
        }
    }
    out.push_str("</section>\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_and_shares_follow_the_language() {
        assert_eq!(format_count(21_456, Lang::Fr), "21\u{202f}456");
        assert_eq!(format_count(21_456, Lang::En), "21,456");
        assert_eq!(format_count(1_234_567, Lang::En), "1,234,567");
        assert_eq!(format_count(999, Lang::Fr), "999");
        assert_eq!(format_count(0, Lang::En), "0");
        assert_eq!(format_percent(3.4069, Lang::Fr), "3,4\u{202f}%");
        assert_eq!(format_percent(3.4069, Lang::En), "3.4%");
        assert_eq!(format_percent(100.0, Lang::En), "100.0%");
    }

    #[test]
    fn text_is_escaped() {
        assert_eq!(
            escape("<script>alert(\"D'ALMEIDA & Fils\")</script>"),
            "&lt;script&gt;alert(&quot;D&#39;ALMEIDA &amp; Fils&quot;)&lt;/script&gt;"
        );
    }

    #[test]
    fn dates_and_rounds_read_naturally() {
        let day = NaiveDate::from_ymd_opt(2015, 12, 2).unwrap_or_default();
        assert_eq!(format_day(day, Lang::Fr), "2 décembre 2015");
        assert_eq!(format_day(day, Lang::En), "2 December 2015");
        assert_eq!(format_short_day(day, Lang::Fr), "2 déc.");
        let may = NaiveDate::from_ymd_opt(2015, 5, 9).unwrap_or_default();
        assert_eq!(format_short_day(may, Lang::Fr), "9 mai");
        assert_eq!(format_short_day(day, Lang::En), "2 Dec");
        assert_eq!(round_name(2, Lang::Fr), "2e tour");
        assert_eq!(round_name(1, Lang::En), "round 1");
    }

    #[test]
    fn names_sort_without_case_or_accents() {
        let mut names = vec![
            "Zoé",
            "émile",
            "Eric",
            "ANNE",
            "Liste 10",
            "Liste 2",
            "Liste 02b",
        ];
        names.sort_by_key(|n| collation_key(n));
        assert_eq!(
            names,
            vec![
                "ANNE",
                "émile",
                "Eric",
                "Liste 2",
                "Liste 02b",
                "Liste 10",
                "Zoé"
            ]
        );
    }

    #[test]
    fn axis_steps_are_round() {
        assert_eq!(nice_step(0.0), 1.0);
        assert_eq!(nice_step(3.0), 5.0);
        assert_eq!(nice_step(12.0), 20.0);
        assert_eq!(nice_step(50.0), 50.0);
    }
}
