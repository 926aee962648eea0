//! CSV exports for people: the signatories, the work queues and the
//! progress report's tables, made to open by double-click in LibreOffice
//! and Excel.
//!
//! # Format
//!
//! [`Spreadsheet::FRENCH`], the default, writes UTF-8 with a byte order
//! mark, `;` between fields, a decimal comma and CRLF line ends. That is
//! what Excel in a French locale reads without an import dialog: without
//! the byte order mark it reads the file as Windows-1252 and garbles every
//! accent (`Ã©` for `é`); with `,` as separator it puts each line in one
//! cell, since `,` is the French decimal mark; and `3.4` would read as a
//! date or a text, not a number. LibreOffice reads the same file right: it
//! detects the byte order mark and asks for the separator with `;` already
//! ticked. [`Spreadsheet::INTERNATIONAL`] (`,` and a decimal point) suits
//! Excel in an English locale. Days are written `2015-12-02` and instants
//! `2015-12-02 10:00:00` (UTC), which both programs read as dates in any
//! locale.
//!
//! # Safety for the people who open them
//!
//! Exports hold text that volunteers typed, and spreadsheets run a cell
//! that starts with `=`, `+`, `-` or `@` as a formula (CSV injection: a
//! formula can fetch a URL or, in old Excel, run a command). Every cell
//! that starts with one of those, or with a tab or a carriage return, is
//! prefixed with `'`, which spreadsheets show as text. A phone number
//! therefore reads `'+33612345678`. The store's own files, which are data
//! for programs, are not neutralised.
//!
//! Exports never hold private data: only contact details marked public and
//! still usable appear, never a private detail, a note, a source or a
//! participant's e-mail address. Column names are in French, like the
//! people who read them.
//!
//! ```
//! use candidats_core::{MemoryStore, Scope};
//! use candidats_csv::export::Spreadsheet;
//!
//! let store = MemoryStore::new();
//! let mut out = Vec::new();
//! let rows = Spreadsheet::FRENCH.signatories(&store, &Scope::default(), &mut out)?;
//! assert_eq!(rows, 0);
//! assert!(out.starts_with("\u{feff}Élection;Tour;Région".as_bytes()));
//! # Ok::<(), candidats_core::Error>(())
//! ```

use std::borrow::Cow;
use std::collections::{BTreeMap, HashMap};
use std::io::Write;

use candidats_core::*;
use chrono::{DateTime, NaiveDate, Utc};

use crate::table::Writer;

/// How an export is written: separator, decimal mark, byte order mark.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Spreadsheet {
    separator: u8,
    decimal: char,
    bom: bool,
}

impl Default for Spreadsheet {
    fn default() -> Spreadsheet {
        Spreadsheet::FRENCH
    }
}

/// A table of the progress report.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ReportTable {
    /// The headline figures, one per line: candidacies, signatories,
    /// contacted, heads of list and of section, queues.
    Headline,
    /// One line per role.
    Roles,
    /// One line per constituency, one level below the scope.
    Constituencies,
    /// One line per list.
    Lists,
    /// One line per nuance.
    Nuances,
    /// One line per day with activity.
    Daily,
}

impl ReportTable {
    /// Every table, in the report's order.
    pub const ALL: &'static [ReportTable] = &[
        ReportTable::Headline,
        ReportTable::Roles,
        ReportTable::Constituencies,
        ReportTable::Lists,
        ReportTable::Nuances,
        ReportTable::Daily,
    ];

    /// A file name for the table: `bilan.csv`, `bilan-listes.csv`...
    pub const fn file_name(self) -> &'static str {
        match self {
            ReportTable::Headline => "bilan.csv",
            ReportTable::Roles => "bilan-roles.csv",
            ReportTable::Constituencies => "bilan-circonscriptions.csv",
            ReportTable::Lists => "bilan-listes.csv",
            ReportTable::Nuances => "bilan-nuances.csv",
            ReportTable::Daily => "bilan-quotidien.csv",
        }
    }
}

/// Prefixes with `'` a cell that a spreadsheet would run as a formula: one
/// starting with `=`, `+`, `-`, `@`, a tab or a carriage return.
///
/// ```
/// use candidats_csv::export::neutralise;
///
/// assert_eq!(neutralise("=HYPERLINK(\"http://x\")"), "'=HYPERLINK(\"http://x\")");
/// assert_eq!(neutralise("+33612345678"), "'+33612345678");
/// assert_eq!(neutralise("D'ALMEIDA"), "D'ALMEIDA");
/// ```
pub fn neutralise(cell: &str) -> Cow<'_, str> {
    match cell.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') => Cow::Owned(format!("'{cell}")),
        _ => Cow::Borrowed(cell),
    }
}

/// Builds one table, cell by cell, neutralised.
struct Table {
    writer: Writer,
    decimal: char,
    rows: usize,
}

impl Table {
    fn new(format: &Spreadsheet, header: &[&str]) -> Table {
        let mut writer = Writer::new(format.separator, "\r\n");
        if format.bom {
            writer.raw("\u{feff}");
        }
        let mut table = Table {
            writer,
            decimal: format.decimal,
            rows: 0,
        };
        for column in header {
            table.cell(column);
        }
        table.writer.end_record();
        table
    }

    fn cell(&mut self, text: &str) {
        self.writer.field(&neutralise(text), false);
    }

    fn number(&mut self, n: impl std::fmt::Display) {
        self.cell(&n.to_string());
    }

    fn percent(&mut self, value: f64) {
        let text = format!("{value:.1}");
        self.cell(&text.replace('.', &self.decimal.to_string()));
    }

    fn end_row(&mut self) {
        self.writer.end_record();
        self.rows += 1;
    }

    fn write_to(self, out: &mut dyn Write) -> Result<usize> {
        out.write_all(self.writer.finish().as_bytes())
            .and_then(|()| out.flush())
            .map_err(|e| Error::io("write", "the export", e))?;
        Ok(self.rows)
    }
}

fn day(date: NaiveDate) -> String {
    date.format("%Y-%m-%d").to_string()
}

fn instant(at: DateTime<Utc>) -> String {
    at.format("%Y-%m-%d %H:%M:%S").to_string()
}

/// What the exports show of a candidacy: where it stands and who it is.
struct Line {
    election: String,
    round: u8,
    region: String,
    constituency: String,
    code: String,
    list: String,
    nuance: String,
    role: &'static str,
    order: Option<u32>,
    surname: String,
    first_name: String,
}

impl Line {
    const HEADER: &'static [&'static str] = &[
        "Élection",
        "Tour",
        "Région",
        "Circonscription",
        "Code",
        "Liste",
        "Nuance",
        "Rôle",
        "Ordre",
        "Nom",
        "Prénom",
    ];

    fn write(&self, table: &mut Table) {
        table.cell(&self.election);
        table.number(self.round);
        table.cell(&self.region);
        table.cell(&self.constituency);
        table.cell(&self.code);
        table.cell(&self.list);
        table.cell(&self.nuance);
        table.cell(self.role);
        match self.order {
            Some(order) => table.number(order),
            None => table.cell(""),
        }
        table.cell(&self.surname);
        table.cell(&self.first_name);
    }
}

/// Looks up, once each, the records the lines name.
struct Names<'r> {
    r: &'r dyn CampaignRead,
    elections: HashMap<ElectionId, String>,
    constituencies: HashMap<ConstituencyId, Constituency>,
    lists: HashMap<ListId, String>,
}

impl<'r> Names<'r> {
    fn new(r: &'r dyn CampaignRead) -> Names<'r> {
        Names {
            r,
            elections: HashMap::new(),
            constituencies: HashMap::new(),
            lists: HashMap::new(),
        }
    }

    fn constituency(&mut self, id: ConstituencyId) -> Result<&Constituency> {
        if !self.constituencies.contains_key(&id) {
            let c = self.r.constituency(id)?;
            self.constituencies.insert(id, c);
        }
        self.constituencies
            .get(&id)
            .ok_or_else(|| Error::not_found(RecordKind::Constituency, id))
    }

    /// The top constituency above `id` (the region of a regional list).
    fn top(&mut self, id: ConstituencyId) -> Result<String> {
        let mut current = self.constituency(id)?.clone();
        for _ in 0..64 {
            match current.parent {
                Some(parent) => current = self.constituency(parent)?.clone(),
                None => break,
            }
        }
        Ok(current.name.to_string())
    }

    fn line(&mut self, c: &Candidacy) -> Result<Line> {
        if !self.elections.contains_key(&c.election) {
            let name = self.r.election(c.election)?.name().to_string();
            self.elections.insert(c.election, name);
        }
        let list = match c.list() {
            Some(list) => {
                if !self.lists.contains_key(&list) {
                    let label = self.r.list(list)?.label.to_string();
                    self.lists.insert(list, label);
                }
                self.lists.get(&list).cloned().unwrap_or_default()
            }
            None => String::new(),
        };
        let person = self.r.person(c.person)?;
        let region = self.top(c.constituency)?;
        let constituency = self.constituency(c.constituency)?.clone();
        let role = c
            .roles
            .iter()
            .next()
            .map_or("candidat", |role| role_label(role, person.sex));

        Ok(Line {
            election: self.elections.get(&c.election).cloned().unwrap_or_default(),
            round: c.round,
            region,
            constituency: constituency.name.to_string(),
            code: constituency.code.clone(),
            list,
            nuance: c
                .nuance
                .as_ref()
                .map(|n| n.code.clone())
                .unwrap_or_default(),
            role,
            order: c.order(),
            surname: person.surname.to_string(),
            first_name: person
                .first_name
                .as_ref()
                .map(Name::to_string)
                .unwrap_or_default(),
        })
    }
}

impl Spreadsheet {
    /// UTF-8 with a byte order mark, `;` between fields, a decimal comma:
    /// what Excel in a French locale and LibreOffice open by double-click.
    pub const FRENCH: Spreadsheet = Spreadsheet {
        separator: b';',
        decimal: ',',
        bom: true,
    };

    /// UTF-8 with a byte order mark, `,` between fields, a decimal point:
    /// for Excel in an English locale.
    pub const INTERNATIONAL: Spreadsheet = Spreadsheet {
        separator: b',',
        decimal: '.',
        bom: true,
    };

    /// The field separator.
    pub fn separator(&self) -> char {
        char::from(self.separator)
    }

    /// The decimal mark of shares in percent.
    pub fn decimal_mark(&self) -> char {
        self.decimal
    }

    /// The signatories of a scope, sorted by region, then list, then
    /// heads first and by order: one line per candidacy whose person's
    /// latest answer (to the scope's pledge, if it names one) is a
    /// signature dated in the scope's period, as the progress report counts
    /// them. Returns the number of lines written, header left out. For one
    /// region or one list, give a scope with its constituency or its list.
    ///
    /// Columns: `Élection`, `Tour`, `Région`, `Circonscription`, `Code`,
    /// `Liste`, `Nuance`, `Rôle`, `Ordre`, `Nom`, `Prénom`, `Signé le`,
    /// `Pacte`.
    ///
    /// # Errors
    ///
    /// A store failure; [`Error::Io`] when `out` cannot be written.
    pub fn signatories<S: Store + ?Sized>(
        &self,
        store: &S,
        scope: &Scope,
        out: &mut dyn Write,
    ) -> Result<usize> {
        let mut header = Line::HEADER.to_vec();
        header.extend(["Signé le", "Pacte"]);
        let mut table = Table::new(self, &header);

        let rows = store.read_with(|r| {
            let pledges: HashMap<PledgeId, String> = r
                .pledges()?
                .into_iter()
                .map(|p| (p.id, p.name.to_string()))
                .collect();
            let mut answers: HashMap<PersonId, Vec<PledgeAnswer>> = HashMap::new();
            for answer in r.pledge_answers(None)? {
                if scope.pledge.is_some_and(|p| p != answer.pledge) {
                    continue;
                }
                if let Subject::Person(person) = answer.subject {
                    answers.entry(person).or_default().push(answer);
                }
            }

            let mut names = Names::new(r);
            let mut rows = Vec::new();
            for c in r.candidacies(scope)? {
                let latest = answers.get(&c.person).and_then(|list| {
                    list.iter()
                        .filter(|a| scope.day_before_end(a.date))
                        .max_by_key(|a| a.sort_key())
                });
                let Some(answer) = latest else { continue };
                if !answer.answer.is_signed() || !scope.day_in_period(answer.date) {
                    continue;
                }
                let line = names.line(&c)?;
                let pledge = pledges.get(&answer.pledge).cloned().unwrap_or_default();
                let key = (
                    line.region.clone(),
                    line.list.clone(),
                    c.queue_rank(),
                    line.surname.clone(),
                );
                rows.push((key, line, answer.date, pledge));
            }
            rows.sort_by(|a, b| a.0.cmp(&b.0));
            Ok(rows)
        })?;

        for (_, line, date, pledge) in rows {
            line.write(&mut table);
            table.cell(&day(date));
            table.cell(&pledge);
            table.end_row();
        }
        table.write_to(out)
    }

    /// A whole work queue, in queue order (heads of list first, then heads
    /// of section, then by order), skipping candidacies reserved at the
    /// query's instant. Returns the number of lines written.
    ///
    /// Columns: `Rang`, the columns of [`Spreadsheet::signatories`] up to
    /// `Prénom`, then the person's public and usable contact details, one
    /// column per channel (`E-mail`, `Formulaire de contact`, `Téléphone`,
    /// `Site web`, `Réseaux sociaux`, `Adresse postale`; several details of
    /// one channel share a cell, one per line), then `Contacts` (contact
    /// actions so far) and `Dernier contact` (UTC).
    ///
    /// # Errors
    ///
    /// A store failure; [`Error::Io`] when `out` cannot be written.
    pub fn queue<S: Store + ?Sized>(
        &self,
        store: &S,
        query: &QueueQuery,
        out: &mut dyn Write,
    ) -> Result<usize> {
        const CHANNELS: &[&str] = &[
            "E-mail",
            "Formulaire de contact",
            "Téléphone",
            "Site web",
            "Réseaux sociaux",
            "Adresse postale",
        ];
        let mut header = vec!["Rang"];
        header.extend(Line::HEADER);
        header.extend(CHANNELS);
        header.extend(["Contacts", "Dernier contact"]);
        store
            .read_with(|r| {
                let mut table = Table::new(self, &header);
                let mut details: HashMap<PersonId, BTreeMap<usize, Vec<String>>> = HashMap::new();
                for d in r.contact_details(None)? {
                    let Owner::Person(person) = d.owner else {
                        continue;
                    };
                    if d.visibility != Visibility::Public || !d.status.is_usable() {
                        continue;
                    }
                    let column = match d.point.channel() {
                        Channel::Email => 0,
                        Channel::WebForm => 1,
                        Channel::Phone => 2,
                        Channel::Website => 3,
                        Channel::Social { .. } => 4,
                        Channel::Postal => 5,
                        _ => continue,
                    };
                    let value = match d.point.channel() {
                        Channel::Social { network } => format!("{network} : {}", d.point.value()),
                        _ => d.point.value().to_string(),
                    };
                    details
                        .entry(person)
                        .or_default()
                        .entry(column)
                        .or_default()
                        .push(value);
                }
                let mut contacts: HashMap<CandidacyId, (u64, DateTime<Utc>)> = HashMap::new();
                for action in r.contact_actions(&ActionFilter::default())? {
                    if let ActionTarget::Candidacy(c) = action.target {
                        let entry = contacts.entry(c).or_insert((0, action.at));
                        entry.0 += 1;
                        entry.1 = entry.1.max(action.at);
                    }
                }

                let mut names = Names::new(r);
                for (rank, id) in r.queue(query, usize::MAX)?.into_iter().enumerate() {
                    let c = r.candidacy(id)?;
                    table.number(rank + 1);
                    names.line(&c)?.write(&mut table);
                    let person_details = details.get(&c.person);
                    for column in 0..CHANNELS.len() {
                        let values = person_details.and_then(|d| d.get(&column));
                        table.cell(&values.map(|v| v.join("\n")).unwrap_or_default());
                    }
                    match contacts.get(&c.id) {
                        Some((count, last)) => {
                            table.number(count);
                            table.cell(&instant(*last));
                        }
                        None => {
                            table.number(0);
                            table.cell("");
                        }
                    }
                    table.end_row();
                }
                Ok(table)
            })?
            .write_to(out)
    }

    /// One table of a progress report. Returns the number of lines
    /// written.
    ///
    /// | table | columns |
    /// |---|---|
    /// | headline | `Indicateur`, `Valeur` |
    /// | roles | `Rôle`, `Candidats`, `Contactés`, `Contactés (%)`, `Signataires`, `Signataires (% des contactés)` |
    /// | constituencies, lists, nuances | `Code`, `Nom`, `Candidats`, `Contactés`, `Contactés (%)`, `Actions de contact`, `Signataires`, `Refus`, `À relancer`, `Sans coordonnées`, `Têtes de section à contacter` |
    /// | daily | `Jour`, `Actions de contact`, `Candidats contactés`, `Signatures` |
    ///
    /// # Errors
    ///
    /// [`Error::Io`] when `out` cannot be written.
    pub fn report(
        &self,
        report: &ProgressReport,
        table: ReportTable,
        out: &mut dyn Write,
    ) -> Result<usize> {
        match table {
            ReportTable::Headline => self.headline(report, out),
            ReportTable::Roles => self.roles(report, out),
            ReportTable::Constituencies => self.breakdown(&report.by_constituency, out),
            ReportTable::Lists => self.breakdown(&report.by_list, out),
            ReportTable::Nuances => self.breakdown(&report.by_nuance, out),
            ReportTable::Daily => self.daily(report, out),
        }
    }

    fn headline(&self, report: &ProgressReport, out: &mut dyn Write) -> Result<usize> {
        enum Value {
            Count(u64),
            Share(f64),
            Text(String),
        }
        use Value::*;

        let mut lines = vec![
            ("Candidats", Count(report.candidacies)),
            ("Signataires", Count(report.signatories)),
            ("Candidats contactés", Count(report.contacted)),
            ("Candidats contactés (%)", Share(report.contacted_percent)),
            ("Actions de contact", Count(report.contact_actions)),
            ("Refus", Count(report.declined)),
        ];
        for (label, figures) in [
            ("Têtes de liste", &report.heads_of_list),
            ("Têtes de section", &report.heads_of_section),
        ] {
            lines.push((label, Count(figures.total)));
            let contacted = if label == "Têtes de liste" {
                ["Têtes de liste contactées", "Têtes de liste contactées (%)"]
            } else {
                [
                    "Têtes de section contactées",
                    "Têtes de section contactées (%)",
                ]
            };
            let signed = if label == "Têtes de liste" {
                [
                    "Têtes de liste signataires",
                    "Têtes de liste signataires (% des contactées)",
                ]
            } else {
                [
                    "Têtes de section signataires",
                    "Têtes de section signataires (% des contactées)",
                ]
            };
            lines.push((contacted[0], Count(figures.contacted)));
            lines.push((contacted[1], Share(figures.contacted_percent)));
            lines.push((signed[0], Count(figures.signatories)));
            lines.push((signed[1], Share(figures.signatories_percent_of_contacted)));
        }
        lines.extend([
            (
                "Têtes de section à contacter",
                Count(report.heads_of_section_to_contact),
            ),
            ("Contactés à relancer", Count(report.to_follow_up)),
            (
                "Candidats sans coordonnées",
                Count(report.without_contact_detail),
            ),
        ]);
        if let Some(from) = report.scope.from {
            lines.push(("Période du (UTC)", Text(instant(from))));
        }
        if let Some(until) = report.scope.until {
            lines.push(("Période jusqu'au (UTC)", Text(instant(until))));
        }
        lines.push(("Calculé le (UTC)", Text(instant(report.generated_at))));

        let mut table = Table::new(self, &["Indicateur", "Valeur"]);
        for (label, value) in lines {
            table.cell(label);
            match value {
                Count(n) => table.number(n),
                Share(p) => table.percent(p),
                Text(text) => table.cell(&text),
            }
            table.end_row();
        }
        table.write_to(out)
    }

    fn roles(&self, report: &ProgressReport, out: &mut dyn Write) -> Result<usize> {
        let mut table = Table::new(
            self,
            &[
                "Rôle",
                "Candidats",
                "Contactés",
                "Contactés (%)",
                "Signataires",
                "Signataires (% des contactés)",
            ],
        );
        for (role, figures) in &report.roles {
            table.cell(role_title(*role));
            table.number(figures.total);
            table.number(figures.contacted);
            table.percent(figures.contacted_percent);
            table.number(figures.signatories);
            table.percent(figures.signatories_percent_of_contacted);
            table.end_row();
        }
        table.write_to(out)
    }

    fn breakdown(&self, lines: &[Breakdown], out: &mut dyn Write) -> Result<usize> {
        let mut table = Table::new(
            self,
            &[
                "Code",
                "Nom",
                "Candidats",
                "Contactés",
                "Contactés (%)",
                "Actions de contact",
                "Signataires",
                "Refus",
                "À relancer",
                "Sans coordonnées",
                "Têtes de section à contacter",
            ],
        );
        for line in lines {
            let t = &line.tally;
            table.cell(line.code.as_deref().unwrap_or(""));
            table.cell(&line.name);
            table.number(t.candidacies);
            table.number(t.contacted);
            table.percent(line.contacted_percent);
            table.number(t.contact_actions);
            table.number(t.signatories);
            table.number(t.declined);
            table.number(t.to_follow_up);
            table.number(t.without_contact_detail);
            table.number(t.heads_of_section_to_contact);
            table.end_row();
        }
        table.write_to(out)
    }

    fn daily(&self, report: &ProgressReport, out: &mut dyn Write) -> Result<usize> {
        let mut table = Table::new(
            self,
            &[
                "Jour",
                "Actions de contact",
                "Candidats contactés",
                "Signatures",
            ],
        );
        for d in &report.daily {
            table.cell(&day(d.day));
            table.number(d.contact_actions);
            table.number(d.contacted);
            table.number(d.signatures);
            table.end_row();
        }
        table.write_to(out)
    }
}

/// The French title of a role, for the report's table of roles.
fn role_title(role: Role) -> &'static str {
    match role {
        Role::HeadOfList => "Têtes de liste",
        Role::HeadOfSection => "Têtes de section",
        Role::Member => "Autres candidats de liste",
        Role::SingleSeat => "Candidats (siège unique)",
        Role::PairMember => "Candidats en binôme",
        Role::Substitute => "Remplaçants",
        _ => role.name(),
    }
}
