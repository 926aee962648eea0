//! Synthetic data for the benchmarks: an official candidate file in the
//! municipales 2026 layout, of any size, and a campaign on top of a store
//! that holds it.
//!
//! Everything is drawn from a seeded generator, so that one seed and one
//! size always give the same file, byte for byte.

use std::collections::HashSet;
use std::io::{self, Write};

use chrono::{DateTime, Duration, TimeZone, Utc};

use candidats::{
    Answer, Candidacy, CandidacyId, Channel, ContactAction, ContactActionId, ContactDetail,
    ContactDetailId, ContactPoint, DetailStatus, Name, Outcome, Owner, Participant, ParticipantId,
    PersonId, Pledge, PledgeAnswer, PledgeAnswerId, PledgeId, RecordKind, Result, Role, Scope,
    Store, StoreExt, Subject, Visibility,
};

/// The header of the municipales 2026 file.
pub const HEADER: &str = "Code département;Département;Code circonscription;Circonscription;\
    Numéro de panneau;Libellé abrégé de liste;Libellé de la liste;Code nuance de liste;\
    Nuance de liste;Tête de liste;Ordre;Sexe;Nom sur le bulletin de vote;\
    Prénom sur le bulletin de vote;Nationalité;Code personnalité;CC";

/// A small, fast, seeded generator (SplitMix64): the benchmarks need
/// reproducible data, not cryptographic randomness.
pub struct Rng(u64);

impl Rng {
    /// A generator started from `seed`.
    pub fn new(seed: u64) -> Rng {
        Rng(seed)
    }

    /// The next 64 random bits.
    pub fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in `0..n` (`n` > 0).
    pub fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }

    /// One of `items`.
    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len() as u64) as usize]
    }

    /// True with probability `percent` / 100.
    pub fn chance(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }
}

const DEPARTEMENTS: &[(&str, &str)] = &[
    ("01", "Ain"),
    ("02", "Aisne"),
    ("03", "Allier"),
    ("04", "Alpes-de-Haute-Provence"),
    ("05", "Hautes-Alpes"),
    ("06", "Alpes-Maritimes"),
    ("07", "Ardèche"),
    ("08", "Ardennes"),
    ("09", "Ariège"),
    ("10", "Aube"),
    ("11", "Aude"),
    ("12", "Aveyron"),
    ("13", "Bouches-du-Rhône"),
    ("14", "Calvados"),
    ("15", "Cantal"),
    ("16", "Charente"),
    ("17", "Charente-Maritime"),
    ("18", "Cher"),
    ("19", "Corrèze"),
    ("2A", "Corse-du-Sud"),
    ("2B", "Haute-Corse"),
    ("21", "Côte-d'Or"),
    ("22", "Côtes-d'Armor"),
    ("23", "Creuse"),
    ("24", "Dordogne"),
    ("25", "Doubs"),
    ("26", "Drôme"),
    ("27", "Eure"),
    ("28", "Eure-et-Loir"),
    ("29", "Finistère"),
    ("30", "Gard"),
    ("31", "Haute-Garonne"),
    ("32", "Gers"),
    ("33", "Gironde"),
    ("34", "Hérault"),
    ("35", "Ille-et-Vilaine"),
    ("36", "Indre"),
    ("37", "Indre-et-Loire"),
    ("38", "Isère"),
    ("39", "Jura"),
    ("40", "Landes"),
    ("41", "Loir-et-Cher"),
    ("42", "Loire"),
    ("43", "Haute-Loire"),
    ("44", "Loire-Atlantique"),
    ("45", "Loiret"),
    ("46", "Lot"),
    ("47", "Lot-et-Garonne"),
    ("48", "Lozère"),
    ("49", "Maine-et-Loire"),
    ("50", "Manche"),
    ("51", "Marne"),
    ("52", "Haute-Marne"),
    ("53", "Mayenne"),
    ("54", "Meurthe-et-Moselle"),
    ("55", "Meuse"),
    ("56", "Morbihan"),
    ("57", "Moselle"),
    ("58", "Nièvre"),
    ("59", "Nord"),
    ("60", "Oise"),
    ("61", "Orne"),
    ("62", "Pas-de-Calais"),
    ("63", "Puy-de-Dôme"),
    ("64", "Pyrénées-Atlantiques"),
    ("65", "Hautes-Pyrénées"),
    ("66", "Pyrénées-Orientales"),
    ("67", "Bas-Rhin"),
    ("68", "Haut-Rhin"),
    ("69", "Rhône"),
    ("70", "Haute-Saône"),
    ("71", "Saône-et-Loire"),
    ("72", "Sarthe"),
    ("73", "Savoie"),
    ("74", "Haute-Savoie"),
    ("75", "Paris"),
    ("76", "Seine-Maritime"),
    ("77", "Seine-et-Marne"),
    ("78", "Yvelines"),
    ("79", "Deux-Sèvres"),
    ("80", "Somme"),
    ("81", "Tarn"),
    ("82", "Tarn-et-Garonne"),
    ("83", "Var"),
    ("84", "Vaucluse"),
    ("85", "Vendée"),
    ("86", "Vienne"),
    ("87", "Haute-Vienne"),
    ("88", "Vosges"),
    ("89", "Yonne"),
    ("90", "Territoire de Belfort"),
    ("91", "Essonne"),
    ("92", "Hauts-de-Seine"),
    ("93", "Seine-Saint-Denis"),
    ("94", "Val-de-Marne"),
    ("95", "Val-d'Oise"),
    ("971", "Guadeloupe"),
    ("972", "Martinique"),
    ("973", "Guyane"),
    ("974", "La Réunion"),
    ("976", "Mayotte"),
];

const SURNAMES: &[&str] = &[
    "MARTIN",
    "BERNARD",
    "THOMAS",
    "PETIT",
    "ROBERT",
    "RICHARD",
    "DURAND",
    "DUBOIS",
    "MOREAU",
    "LAURENT",
    "SIMON",
    "MICHEL",
    "LEFÈVRE",
    "LEROY",
    "ROUX",
    "DAVID",
    "BERTRAND",
    "MOREL",
    "FOURNIER",
    "GIRARD",
    "BONNET",
    "DUPONT",
    "LAMBERT",
    "FONTAINE",
    "ROUSSEAU",
    "VINCENT",
    "MULLER",
    "LEFEBVRE",
    "FAURE",
    "ANDRÉ",
    "MERCIER",
    "BLANC",
    "GUÉRIN",
    "BOYER",
    "GARNIER",
    "CHEVALIER",
    "FRANÇOIS",
    "LEGRAND",
    "GAUTHIER",
    "GARCIA",
    "PERRIN",
    "ROBIN",
    "CLÉMENT",
    "MORIN",
    "NICOLAS",
    "HENRY",
    "ROUSSEL",
    "MATHIEU",
    "GAUTIER",
    "MASSON",
    "MARCHAND",
    "DUVAL",
    "DENIS",
    "DUMONT",
    "MARIE",
    "LEMAIRE",
    "NOËL",
    "MEYER",
    "DUFOUR",
    "MEUNIER",
    "BRUN",
    "BLANCHARD",
    "GIRAUD",
    "JOLY",
    "RIVIÈRE",
    "LUCAS",
    "BRUNET",
    "GAILLARD",
    "BARBIER",
    "ARNAUD",
    "MARTINEZ",
    "GÉRARD",
    "ROCHE",
    "RENARD",
    "SCHMITT",
    "ROY",
    "LEROUX",
    "COLIN",
    "VIDAL",
    "CARON",
    "PICARD",
    "ROGER",
    "FABRE",
    "AUBERT",
    "LEMOINE",
    "RENAUD",
    "DUMAS",
    "LACROIX",
    "OLIVIER",
    "PHILIPPE",
    "BOURGEOIS",
    "PIERRE",
    "BENOÎT",
    "REY",
    "LECLERC",
    "PAYET",
    "ROLLAND",
    "LECLERCQ",
    "GUILLAUME",
    "LECOMTE",
    "LOPEZ",
    "JEAN",
    "DUPUY",
    "GUILLOT",
    "HUBERT",
    "BERGER",
    "CARPENTIER",
    "SANCHEZ",
    "DUPUIS",
    "MOULIN",
    "LOUIS",
    "DESCHAMPS",
    "HUET",
    "VASSEUR",
    "PEREZ",
    "BOUCHER",
    "FLEURY",
    "ROYER",
    "KLEIN",
    "JACQUET",
    "ADAM",
    "PARIS",
    "POIRIER",
    "MARTY",
    "AUBRY",
    "GUYOT",
    "CARRÉ",
    "CHARLES",
    "RENAULT",
    "CHARPENTIER",
    "MÉNARD",
    "MAILLARD",
    "BARON",
    "BERTIN",
    "BAILLY",
    "HERVÉ",
    "SCHNEIDER",
    "FERNANDEZ",
    "LE GALL",
    "COLLET",
    "LÉGER",
    "BOUVIER",
    "JULIEN",
    "PRÉVOST",
    "MILLET",
    "PERROT",
    "DANIEL",
    "LE ROUX",
    "COUSIN",
    "GERMAIN",
    "BRETON",
    "BESSON",
    "LANGLOIS",
    "RÉMY",
    "LE GOFF",
    "PELLETIER",
    "LÉVÊQUE",
    "PERRIER",
    "LEBLANC",
    "BARRÉ",
    "LEBRUN",
    "MARCHAL",
    "WEBER",
    "MALLET",
    "HAMON",
    "BOULANGER",
    "JACOB",
    "MONNIER",
    "MICHAUD",
    "RODRIGUEZ",
    "GUICHARD",
    "GILLET",
    "ÉTIENNE",
    "GRONDIN",
    "POULAIN",
    "TESSIER",
    "CHEVALLIER",
    "COLLIN",
    "CHAUVIN",
    "DA SILVA",
    "BOUCHET",
    "GAY",
    "LEMAÎTRE",
    "BÉNARD",
    "MARÉCHAL",
    "HUMBERT",
    "REYNAUD",
    "ANTOINE",
    "HOARAU",
    "PERRET",
    "BARTHÉLEMY",
    "CORDIER",
    "PICHON",
    "LEJEUNE",
    "GILBERT",
    "LAMY",
    "DELAUNAY",
    "PASQUIER",
    "CARLIER",
    "LAPORTE",
    "D'ALMEIDA",
    "D'ARTAGNAN",
    "N'DIAYE",
    "L'HERMITE",
    "DE LA FONTAINE",
    "MAÎTRE",
    "LE BIHAN",
    "LE CORRE",
    "SAINT-JUST",
    "DUPONT-AIGNAN",
    "BOÜET",
    "CAËN",
    "N'GUYEN",
    "OUÉDRAOGO",
    "FAŸ",
    "DESCHÊNES",
    "CŒUR",
    "LÆTITIA-BRUN",
    "MARTIN-DUPRÉ",
    "O'NEILL",
];

const FIRST_NAMES_F: &[&str] = &[
    "Marie",
    "Nathalie",
    "Isabelle",
    "Sylvie",
    "Catherine",
    "Françoise",
    "Valérie",
    "Christine",
    "Monique",
    "Sandrine",
    "Sophie",
    "Stéphanie",
    "Véronique",
    "Céline",
    "Chantal",
    "Nicole",
    "Patricia",
    "Anne",
    "Brigitte",
    "Émilie",
    "Éloïse",
    "Hélène",
    "Aurélie",
    "Julie",
    "Camille",
    "Léa",
    "Chloé",
    "Manon",
    "Inès",
    "Zoé",
    "Maëlle",
    "Anaïs",
    "Noémie",
    "Agnès",
    "Bérénice",
    "Geneviève",
    "Thérèse",
    "Josée",
    "Anne-Sophie",
    "Marie-Claire",
    "Marie-Hélène",
    "Anne-Laure",
    "Marie-Christine",
    "Joëlle",
    "Gaëlle",
    "Laëtitia",
    "Clémence",
    "Mélanie",
    "Océane",
    "Solène",
];

const FIRST_NAMES_M: &[&str] = &[
    "Jean",
    "Philippe",
    "Michel",
    "Alain",
    "Patrick",
    "Nicolas",
    "Christophe",
    "Pierre",
    "Christian",
    "Éric",
    "Frédéric",
    "Laurent",
    "Stéphane",
    "David",
    "Pascal",
    "Daniel",
    "Sébastien",
    "Julien",
    "Thierry",
    "Olivier",
    "Bernard",
    "Thomas",
    "Jérôme",
    "François",
    "Gérard",
    "Hervé",
    "Benoît",
    "Raphaël",
    "Noël",
    "Joël",
    "Gaël",
    "Loïc",
    "Anaël",
    "Cédric",
    "Jérémy",
    "Clément",
    "Mathéo",
    "Théo",
    "Timothée",
    "André",
    "René",
    "Jean-Pierre",
    "Jean-Luc",
    "Jean-François",
    "Jean-Marc",
    "Pierre-Yves",
    "Jean-Noël",
    "Marc-Antoine",
    "Jean-Baptiste",
    "François-Xavier",
];

const COMMUNE_STARTS: &[&str] = &[
    "Saint-", "Sainte-", "La ", "Le ", "Les ", "L'", "", "", "", "", "", "",
];

const COMMUNE_ROOTS: &[&str] = &[
    "Aubin",
    "Étienne",
    "Mont",
    "Val",
    "Bois",
    "Chêne",
    "Fontaine",
    "Île",
    "Orée",
    "Abbaye",
    "Villeneuve",
    "Beaumont",
    "Châteauneuf",
    "Montreuil",
    "Neuville",
    "Bourg",
    "Bellevue",
    "Roche",
    "Plessis",
    "Mesnil",
    "Ferté",
    "Chapelle",
    "Haÿ",
    "Saulx",
    "Écouen",
    "Guérande",
    "Pléneuf",
    "Ploërmel",
    "Oëlleville",
    "Aÿ",
    "Mûr",
    "Lussac",
    "Vézelay",
    "Brûlon",
    "Crêt",
];

const COMMUNE_ENDS: &[&str] = &[
    "",
    "",
    "",
    "-sur-Mer",
    "-sur-Loire",
    "-en-Vallée",
    "-la-Forêt",
    "-lès-Bains",
    "-d'Azur",
    "-le-Château",
    "-aux-Bois",
    "-de-Provence",
    "-l'Abbaye",
];

const LIST_LABELS: &[&str] = &[
    "Ensemble pour {}",
    "{} Avenir",
    "Agir pour {}",
    "Un nouvel élan pour {}",
    "Vivre à {}",
    "{} en commun",
    "L'union pour {}",
    "Aimer {}",
    "{} d'abord !",
    "Rassemblement citoyen de {}",
];

/// Nuances of lists in the larger communes: code, label.
const NUANCES: &[(&str, &str)] = &[
    ("LEXG", "Liste d'extrême gauche"),
    ("LFI", "Liste La France insoumise"),
    ("LCOM", "Liste du Parti communiste français"),
    ("LSOC", "Liste du Parti socialiste"),
    ("LUG", "Liste d'union de la gauche"),
    ("LVEC", "Liste Les Écologistes"),
    ("LDVG", "Liste divers gauche"),
    ("LREN", "Liste Renaissance"),
    ("LMDM", "Liste MoDem"),
    ("LUC", "Liste d'union du centre"),
    ("LDVC", "Liste divers centre"),
    ("LLR", "Liste Les Républicains"),
    ("LUD", "Liste d'union de la droite"),
    ("LDVD", "Liste divers droite"),
    ("LRN", "Liste Rassemblement national"),
    ("LEXD", "Liste d'extrême droite"),
    ("LREG", "Liste régionaliste"),
    ("LDIV", "Liste divers"),
];

const NATIONALITIES: &[&str] = &["BEL", "PRT", "ITA", "ESP", "DEU", "NLD", "POL", "ROU"];

/// Council sizes by commune population class, with how many communes in a
/// thousand fall in each (close to the real spread: most communes are
/// small).
const COUNCILS: &[(u32, u64)] = &[
    (7, 190),
    (11, 350),
    (15, 250),
    (19, 80),
    (23, 45),
    (27, 30),
    (29, 30),
    (33, 12),
    (35, 5),
    (39, 3),
    (43, 2),
    (45, 1),
    (49, 1),
    (53, 1),
    (55, 1),
    (59, 1),
    (65, 1),
    (69, 1),
];

/// One commune of the file: its council size and its lists' lengths.
struct Commune {
    departement: usize,
    number: u32,
    council: u32,
    lists: Vec<u32>,
}

/// Draws the communes until they hold at least `rows` candidates, then
/// spreads them over the départements in order, as the official file is
/// sorted.
fn communes(rng: &mut Rng, rows: u64) -> Vec<Commune> {
    let total_weight: u64 = COUNCILS.iter().map(|(_, w)| w).sum();
    let mut out = Vec::new();
    let mut planned = 0u64;
    while planned < rows {
        let mut draw = rng.below(total_weight);
        let mut council = COUNCILS[0].0;
        for (size, weight) in COUNCILS {
            if draw < *weight {
                council = *size;
                break;
            }
            draw -= weight;
        }
        let most = match council {
            0..=11 => 2,
            12..=19 => 3,
            20..=29 => 4,
            _ => 5,
        };
        let count = 1 + rng.below(most) as usize;
        let lists: Vec<u32> = (0..count)
            .map(|_| {
                council
                    + if council >= 15 {
                        rng.below(3) as u32
                    } else {
                        0
                    }
            })
            .collect();
        planned += lists.iter().map(|n| u64::from(*n)).sum::<u64>();
        out.push(Commune {
            departement: 0,
            number: 0,
            council,
            lists,
        });
    }

    // Overseas départements have few communes (their codes have two
    // digits after the département's three); the others share the rest.
    let total = out.len();
    let overseas = DEPARTEMENTS
        .iter()
        .filter(|(code, _)| code.len() == 3)
        .count();
    let metropolitan = DEPARTEMENTS.len() - overseas;
    let each_overseas = (total / (10 * metropolitan) + 1)
        .min(99)
        .min(total / DEPARTEMENTS.len());
    let metropolitan_total = total - each_overseas * overseas;
    let mut counts: Vec<usize> = DEPARTEMENTS
        .iter()
        .enumerate()
        .map(|(index, (code, _))| {
            if code.len() == 3 {
                each_overseas
            } else {
                metropolitan_total / metropolitan
                    + usize::from(index < metropolitan_total % metropolitan)
            }
        })
        .collect();
    let mut departement = 0;
    let mut number = 0;
    for commune in &mut out {
        while counts[departement] == 0 {
            departement += 1;
            number = 0;
        }
        counts[departement] -= 1;
        number += 1;
        commune.departement = departement;
        commune.number = number;
    }
    out
}

fn commune_name(rng: &mut Rng) -> String {
    format!(
        "{}{}{}",
        rng.pick(COMMUNE_STARTS),
        rng.pick(COMMUNE_ROOTS),
        rng.pick(COMMUNE_ENDS)
    )
}

/// The commune's INSEE code: the département's code and a number, five
/// characters in all.
fn commune_code(departement: &str, number: u32) -> String {
    if departement.len() == 3 {
        format!("{departement}{:02}", number % 100)
    } else {
        format!("{departement}{number:03}")
    }
}

/// What a file generation wrote.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct FileSummary {
    /// Candidate lines, the header not counted.
    pub rows: u64,
    /// Lists.
    pub lists: u64,
    /// Communes.
    pub communes: u64,
}

/// Writes a municipales 2026 file of exactly `rows` candidates, drawn from
/// `seed`.
///
/// # Errors
///
/// A write error of `out`.
pub fn write_file(out: &mut dyn Write, rows: u64, seed: u64) -> io::Result<FileSummary> {
    let mut rng = Rng::new(seed);
    let plan = communes(&mut rng, rows);
    let mut summary = FileSummary::default();
    // The BOM the Ministry's files may start with.
    writeln!(out, "\u{feff}{HEADER}")?;

    let mut line = String::with_capacity(256);
    for commune in &plan {
        if summary.rows == rows {
            break;
        }
        let (departement_code, departement) = DEPARTEMENTS[commune.departement];
        let code = commune_code(departement_code, commune.number);
        let name = commune_name(&mut rng);
        summary.communes += 1;
        for (index, size) in commune.lists.iter().enumerate() {
            if summary.rows == rows {
                break;
            }
            summary.lists += 1;
            let label = rng.pick(LIST_LABELS).replace("{}", &name);
            let short = short_label(&label);
            let (nuance, nuance_label) = if commune.council >= 27 {
                *rng.pick(NUANCES)
            } else {
                ("LDIV", "Liste divers")
            };
            let mut names = HashSet::new();
            let mut female = rng.chance(50);
            for order in 1..=*size {
                if summary.rows == rows {
                    break;
                }
                let (surname, first) = loop {
                    let surname = *rng.pick(SURNAMES);
                    let first = if female {
                        *rng.pick(FIRST_NAMES_F)
                    } else {
                        *rng.pick(FIRST_NAMES_M)
                    };
                    if names.insert((surname, first)) {
                        break (surname, first);
                    }
                };
                let nationality = if rng.chance(1) {
                    *rng.pick(NATIONALITIES)
                } else {
                    "FRA"
                };
                let community = commune.council >= 15 && order <= commune.council / 3;
                line.clear();
                line.push_str(&format!(
                    "{departement_code};{departement};{code};{name};{panel};{short};{label};\
                     {nuance};{nuance_label};{head};{order};{sex};{surname};{first};\
                     {nationality};;{cc}\r\n",
                    panel = index + 1,
                    head = if order == 1 { "OUI" } else { "" },
                    sex = if female { "F" } else { "M" },
                    cc = if community { "OUI" } else { "" },
                ));
                out.write_all(line.as_bytes())?;
                summary.rows += 1;
                female = !female;
            }
        }
    }
    Ok(summary)
}

/// A short label as the Ministry writes them: upper case, at most 30
/// characters.
fn short_label(label: &str) -> String {
    label.to_uppercase().chars().take(30).collect()
}

/// How much campaign to put on top of an imported file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CampaignSize {
    /// Participants.
    pub participants: u64,
    /// Persons given a contact detail.
    pub details: u64,
    /// Contact actions on candidacies.
    pub actions: u64,
    /// Signatures of the pledge (and a tenth as many refusals).
    pub signatures: u64,
}

/// What [`fill_campaign`] wrote.
#[derive(Debug, Default, Clone, Copy)]
pub struct CampaignSummary {
    /// Participants written.
    pub participants: u64,
    /// Contact details written.
    pub details: u64,
    /// Contact actions written.
    pub actions: u64,
    /// Pledge answers written.
    pub answers: u64,
}

/// The instant the campaign's synthetic activity ends at.
pub fn campaign_end() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, 1, 18, 0, 0)
        .single()
        .unwrap_or_default()
}

/// Writes a campaign over the candidacies of `store`: participants,
/// contact details, contact actions and pledge answers, in the amounts of
/// `size`, spread over the 60 days before [`campaign_end`]. Each kind of
/// record is written in bulk, in transactions of `batch` records, through
/// the store's `write`, without the audit entries that the campaign's own
/// calls would add.
///
/// # Errors
///
/// The store's.
pub fn fill_campaign(
    store: &dyn Store,
    size: CampaignSize,
    seed: u64,
    batch: usize,
) -> Result<CampaignSummary> {
    let mut rng = Rng::new(seed ^ 0x00C0_FFEE);
    let candidacies: Vec<(CandidacyId, PersonId, bool)> = store.read_with(|r| {
        Ok(r.candidacies(&Scope::default())?
            .iter()
            .map(|c: &Candidacy| (c.id, c.person, c.roles.contains(Role::HeadOfList)))
            .collect())
    })?;
    let mut summary = CampaignSummary::default();
    if candidacies.is_empty() {
        return Ok(summary);
    }
    let end = campaign_end();
    let start = end - Duration::days(60);
    let at = |rng: &mut Rng| start + Duration::seconds(rng.below(60 * 86_400) as i64);

    // The participants and the pledge.
    let (participants, pledge) = store.write_with(|w| {
        let mut ids = Vec::new();
        for n in 0..size.participants.max(1) {
            let id = ParticipantId::new(w.allocate(RecordKind::Participant)?);
            w.put_participant(&Participant {
                id,
                name: Name::new(format!("Bénévole {n}"))?,
                email: Some(format!("benevole{n}@example.org")),
                moderator: n == 0,
                registered_at: start,
            })?;
            ids.push(id);
        }
        let pledge = PledgeId::new(w.allocate(RecordKind::Pledge)?);
        w.put_pledge(&Pledge {
            id: pledge,
            name: Name::new("Pacte du Logiciel Libre")?,
            version: 1,
            text: "Je m'engage à promouvoir le logiciel libre.".into(),
        })?;
        Ok((ids, pledge))
    })?;
    summary.participants = participants.len() as u64;

    // Actions go mostly to the heads of list first, as volunteers work.
    let heads: Vec<usize> = (0..candidacies.len())
        .filter(|i| candidacies[*i].2)
        .collect();
    let target = |rng: &mut Rng| {
        if !heads.is_empty() && rng.chance(30) {
            *rng.pick(&heads)
        } else {
            rng.below(candidacies.len() as u64) as usize
        }
    };

    let details: Vec<usize> = (0..size.details).map(|_| target(&mut rng)).collect();
    for chunk in details.chunks(batch.max(1)) {
        let written = store.write_with(|w| {
            let mut rng = Rng::new(seed ^ chunk.len() as u64 ^ chunk[0] as u64);
            for index in chunk {
                let person = candidacies[*index].1;
                let n = rng.below(1_000_000);
                let (point, status) = match rng.below(10) {
                    0 => (
                        ContactPoint::new(Channel::WebForm, "https://mairie.example.org/contact")?,
                        DetailStatus::Confirmed,
                    ),
                    1 => (
                        ContactPoint::new(Channel::Phone, &format!("+3361{n:07}"))?,
                        DetailStatus::Unverified,
                    ),
                    2 => (
                        ContactPoint::new(Channel::Email, &format!("ancien{n}@example.org"))?,
                        DetailStatus::Bounced,
                    ),
                    _ => (
                        ContactPoint::new(Channel::Email, &format!("candidat{n}@example.org"))?,
                        DetailStatus::Unverified,
                    ),
                };
                let id = ContactDetailId::new(w.allocate(RecordKind::ContactDetail)?);
                w.put_contact_detail(&ContactDetail {
                    id,
                    owner: Owner::Person(person),
                    point,
                    label: None,
                    source: "https://example.org/annuaire".into(),
                    added_by: *rng.pick(&participants),
                    added_at: at(&mut rng),
                    status,
                    visibility: Visibility::Public,
                    note: None,
                })?;
            }
            Ok(chunk.len() as u64)
        })?;
        summary.details += written;
    }

    let outcomes = [
        Outcome::Sent,
        Outcome::Sent,
        Outcome::Sent,
        Outcome::NoAnswer,
        Outcome::Answered,
        Outcome::Bounced,
        Outcome::PromisedToSign,
    ];
    let mut remaining = size.actions;
    while remaining > 0 {
        let count = remaining.min(batch.max(1) as u64);
        let chunk_seed = rng.next();
        let written = store.write_with(|w| {
            let mut rng = Rng::new(chunk_seed);
            for _ in 0..count {
                let index = target(&mut rng);
                let id = ContactActionId::new(w.allocate(RecordKind::ContactAction)?);
                w.put_contact_action(&ContactAction {
                    id,
                    participant: *rng.pick(&participants),
                    target: candidats::ActionTarget::Candidacy(candidacies[index].0),
                    channel: Channel::Email,
                    at: at(&mut rng),
                    outcome: *rng.pick(&outcomes),
                    note: None,
                    template: None,
                    marathon: None,
                })?;
            }
            Ok(count)
        })?;
        summary.actions += written;
        remaining -= count;
    }

    let refusals = size.signatures / 10;
    let mut answered = HashSet::new();
    let mut subjects = Vec::new();
    let wanted = (size.signatures + refusals).min(candidacies.len() as u64);
    while (subjects.len() as u64) < wanted {
        let person = candidacies[target(&mut rng)].1;
        if answered.insert(person) {
            subjects.push(person);
        }
    }
    for (offset, chunk) in subjects.chunks(batch.max(1)).enumerate() {
        let written = store.write_with(|w| {
            let mut rng = Rng::new(seed ^ offset as u64);
            for (index, person) in chunk.iter().enumerate() {
                let signed = (offset * batch.max(1) + index) as u64 % 11 != 10;
                let when = at(&mut rng);
                let id = PledgeAnswerId::new(w.allocate(RecordKind::PledgeAnswer)?);
                w.put_pledge_answer(&PledgeAnswer {
                    id,
                    pledge,
                    subject: Subject::Person(*person),
                    answer: if signed {
                        Answer::Signed {
                            evidence: "courriel du candidat".into(),
                        }
                    } else {
                        Answer::Declined
                    },
                    date: when.date_naive(),
                    recorded_by: *rng.pick(&participants),
                    recorded_at: when,
                })?;
            }
            Ok(chunk.len() as u64)
        })?;
        summary.answers += written;
    }
    Ok(summary)
}

#[cfg(test)]
mod tests {
    use super::*;

    use candidats::import::{CandidateReader, ReadOptions};
    use candidats::{Campaign, ImportOptions, MemoryStore};

    fn file(rows: u64, seed: u64) -> (Vec<u8>, FileSummary) {
        let mut out = Vec::new();
        let summary = write_file(&mut out, rows, seed).expect("a file in memory");
        (out, summary)
    }

    #[test]
    fn one_seed_gives_one_file() {
        let (first, _) = file(2_000, 7);
        let (again, _) = file(2_000, 7);
        let (other, _) = file(2_000, 8);

        assert_eq!(first, again);
        assert_ne!(first, other);
    }

    #[test]
    fn the_file_reads_as_municipales_2026_and_imports() {
        let (bytes, written) = file(3_000, 1);
        let mut reader =
            CandidateReader::new(bytes.as_slice(), "municipales.csv", &ReadOptions::default())
                .expect("a readable header");
        assert_eq!(reader.layout().name(), "municipales-2026");

        let campaign = Campaign::new(MemoryStore::new());
        let options = ImportOptions::new("Municipales 2026", reader.layout().kind());
        let summary = campaign
            .import(&mut reader, &options, &mut |_, _| Ok(()))
            .expect("an import");

        assert_eq!(summary.rows, 3_000);
        assert_eq!(summary.candidacies, 3_000);
        assert_eq!(summary.lists, written.lists);
        assert_eq!(summary.heads_of_list, written.lists);
        assert_eq!(summary.rejected, 0);
    }

    #[test]
    fn names_carry_accents_apostrophes_and_hyphens() {
        let (bytes, _) = file(20_000, 3);
        let text = String::from_utf8(bytes).expect("UTF-8");

        for sample in [
            ";D'ALMEIDA;",
            ";LE GALL;",
            ";MAÎTRE;",
            ";Éloïse;",
            ";Jean-Pierre;",
        ] {
            assert!(text.contains(sample), "no {sample} in the file");
        }
    }

    #[test]
    fn a_campaign_fills_a_store_in_the_amounts_asked() {
        let (bytes, _) = file(1_000, 2);
        let mut reader =
            CandidateReader::new(bytes.as_slice(), "municipales.csv", &ReadOptions::default())
                .expect("a readable header");
        let campaign = Campaign::new(MemoryStore::new());
        let options = ImportOptions::new("Municipales 2026", reader.layout().kind());
        campaign
            .import(&mut reader, &options, &mut |_, _| Ok(()))
            .expect("an import");
        let size = CampaignSize {
            participants: 5,
            details: 300,
            actions: 2_000,
            signatures: 50,
        };

        let summary = fill_campaign(campaign.store(), size, 1, 512).expect("a campaign");
        let report = campaign.report(&Scope::default()).expect("a report");

        assert_eq!(
            (
                summary.participants,
                summary.details,
                summary.actions,
                summary.answers
            ),
            (5, 300, 2_000, 55)
        );
        assert_eq!(report.signatories, 50);
        assert!(report.contacted > 0);
    }
}
