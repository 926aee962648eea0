//! Reopening a folder gives back exactly the records written.

mod common;

use std::path::{Path, PathBuf};
use std::sync::Mutex;

use candidats_core::testing::fixtures::{ok, Fixture};
use candidats_core::testing::{model, strategies as s};
use candidats_core::*;
use candidats_csv::CsvStore;
use common::dump;
use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};

/// A CSV store that is closed and opened again after every write, so that
/// every read comes from the files.
#[derive(Debug)]
struct Reopening {
    dir: PathBuf,
    store: Mutex<Option<CsvStore>>,
    _temp: tempfile::TempDir,
}

impl Reopening {
    fn new() -> Reopening {
        let temp = tempfile::tempdir().expect("temporary folder");
        let dir = temp.path().join("store");
        let store = ok(CsvStore::open(&dir));
        Reopening {
            dir,
            store: Mutex::new(Some(store)),
            _temp: temp,
        }
    }
}

impl Store for Reopening {
    fn read(&self, f: &mut dyn FnMut(&dyn CampaignRead) -> Result<()>) -> Result<()> {
        let guard = self.store.lock().expect("store lock");
        guard.as_ref().expect("an open store").read(f)
    }

    fn write(&self, f: &mut dyn FnMut(&mut dyn CampaignWrite) -> Result<()>) -> Result<()> {
        let mut guard = self.store.lock().expect("store lock");
        let result = guard.as_ref().expect("an open store").write(f);
        guard.take();
        *guard = Some(ok(CsvStore::open(&self.dir)));
        result
    }

    fn describe(&self) -> String {
        "reopening csv".into()
    }
}

#[test]
fn random_campaigns_match_memory_when_every_read_comes_from_the_files() {
    let config = Config {
        cases: 12,
        failure_persistence: None,
        ..Config::default()
    };
    let result = TestRunner::new(config).run(&model::ops(40), |ops| {
        model::run(Reopening::new, &ops);
        Ok(())
    });
    if let Err(error) = result {
        panic!("{error}");
    }
}

#[test]
fn a_campaign_reopens_identical_and_files_are_rewritten_identical() {
    let temp = tempfile::tempdir().expect("temporary folder");
    let dir = temp.path().join("store");
    let f = Fixture::new(ok(CsvStore::open(&dir)));
    let c = &f.candidacies[0];
    let detail = ok(f.campaign.add_contact_detail(
        f.moderator,
        NewContactDetail {
            owner: Owner::Person(c.person),
            point: ok(ContactPoint::new(Channel::Phone, "+33 6 12 34 56 78")),
            source: "=HYPERLINK(\"x\"), \"tract\";\n2e ligne".into(),
            visibility: Visibility::Private,
            label: Some(String::new()),
            note: Some("\u{202e}note\r\n".into()),
        },
    ));
    assert!(detail.applied().is_some());
    ok(f.campaign.record_action(
        f.volunteers[0],
        NewContactAction::new(c.id, Channel::Phone, Outcome::PromisedToSign),
    ));
    ok(f.campaign.record_answer(
        f.moderator,
        f.pledge,
        Subject::Person(c.person),
        Answer::Signed {
            evidence: "e-mail du 12/11".into(),
        },
        fixtures_day(12),
    ));
    let before = dump(f.campaign.store());
    let files = read_files(&dir);
    drop(f);

    let store = ok(CsvStore::open(&dir));
    assert_eq!(dump(&store), before);

    ok(store.write_with(|w| {
        for election in w.elections()? {
            w.put_election(&election)?;
        }
        for person in w.persons()? {
            w.put_person(&person)?;
        }
        for detail in w.contact_details(None)? {
            w.put_contact_detail(&detail)?;
        }
        Ok(())
    }));
    assert_eq!(
        read_files(&dir),
        files,
        "rewriting the same records changed the files"
    );
}

fn fixtures_day(d: u32) -> chrono::NaiveDate {
    candidats_core::testing::fixtures::day(d)
}

fn read_files(dir: &Path) -> Vec<(String, String)> {
    let mut files: Vec<(String, String)> = std::fs::read_dir(dir)
        .expect("read the folder")
        .map(|entry| entry.expect("an entry").path())
        .filter(|path| path.extension().is_some_and(|e| e == "csv"))
        .map(|path| {
            let name = path
                .file_name()
                .unwrap_or_default()
                .to_string_lossy()
                .into_owned();
            (name, std::fs::read_to_string(&path).expect("read a file"))
        })
        .collect();
    files.sort();
    files
}

#[test]
fn identifiers_are_not_handed_out_again_after_reopening() {
    let temp = tempfile::tempdir().expect("temporary folder");
    let dir = temp.path().join("store");
    let f = Fixture::new(ok(CsvStore::open(&dir)));
    let person = f.candidacies[0].person;
    let add = |campaign: &Campaign<CsvStore>, value: &str| {
        ok(campaign.add_contact_detail(
            f.moderator,
            NewContactDetail {
                owner: Owner::Person(person),
                point: ok(ContactPoint::new(Channel::Email, value)),
                source: "https://example.org".into(),
                visibility: Visibility::Public,
                label: None,
                note: None,
            },
        ))
        .applied()
        .expect("applied")
        .id
    };
    let first = add(&f.campaign, "a@example.org");
    ok(f.campaign.erase_person(f.moderator, person, None));
    let moderator = f.moderator;
    drop(f);

    let campaign = Campaign::new(ok(CsvStore::open(&dir)));
    let second = ok(campaign.add_contact_detail(
        moderator,
        NewContactDetail {
            owner: Owner::Person(person),
            point: ok(ContactPoint::new(Channel::Email, "b@example.org")),
            source: "https://example.org".into(),
            visibility: Visibility::Public,
            label: None,
            note: None,
        },
    ))
    .applied()
    .expect("applied")
    .id;

    assert!(
        second > first,
        "identifier {second} handed out again after reopening"
    );
}

/// Records of every kind, from the domain's strategies, with their
/// identifiers and references made consistent.
fn whole_store() -> impl Strategy<Value = Vec<Step>> {
    (
        (
            proptest::collection::vec(s::election(), 1..3),
            proptest::collection::vec(s::constituency(), 1..4),
            proptest::collection::vec(s::list(), 0..3),
            proptest::collection::vec(s::section(), 0..3),
            proptest::collection::vec(s::person(), 1..4),
            proptest::collection::vec(s::candidacy(), 0..5),
        ),
        (
            proptest::collection::vec(s::participant(), 1..3),
            proptest::collection::vec(s::responsibility(), 0..3),
            proptest::collection::vec(s::contact_detail(), 0..4),
            proptest::collection::vec(s::marathon(), 0..2),
            proptest::collection::vec(s::template(), 0..2),
            proptest::collection::vec(s::contact_action(), 0..4),
        ),
        (
            proptest::collection::vec(s::pledge(), 1..2),
            proptest::collection::vec(s::pledge_answer(), 0..3),
            proptest::collection::vec(s::proposal(), 0..3),
            proptest::collection::vec(s::reservation(), 0..3),
            proptest::collection::vec(s::audit_record(), 0..4),
        ),
    )
        .prop_map(|(a, b, c)| build(a, b, c))
}

/// One record to store.
#[derive(Clone, Debug)]
enum Step {
    Election(Election),
    Constituency(Constituency),
    List(CandidateList),
    Section(Section),
    Person(Person),
    Candidacy(Candidacy),
    Participant(Participant),
    Responsibility(Responsibility),
    Detail(ContactDetail),
    Marathon(Marathon),
    Template(Template),
    Action(ContactAction),
    Pledge(Pledge),
    Answer(PledgeAnswer),
    Proposal(Proposal),
    Reservation(Reservation),
    Audit(AuditRecord),
}

type Official = (
    Vec<Election>,
    Vec<Constituency>,
    Vec<CandidateList>,
    Vec<Section>,
    Vec<Person>,
    Vec<Candidacy>,
);
type Work = (
    Vec<Participant>,
    Vec<Responsibility>,
    Vec<ContactDetail>,
    Vec<Marathon>,
    Vec<Template>,
    Vec<ContactAction>,
);
type Answers = (
    Vec<Pledge>,
    Vec<PledgeAnswer>,
    Vec<Proposal>,
    Vec<Reservation>,
    Vec<AuditRecord>,
);

fn pick<T: Copy>(items: &[T], i: usize) -> Option<T> {
    if items.is_empty() {
        None
    } else {
        Some(items[i % items.len()])
    }
}

fn build(official: Official, work: Work, answers: Answers) -> Vec<Step> {
    let (elections, constituencies, lists, sections, persons, candidacies) = official;
    let (participants, responsibilities, details, marathons, templates, actions) = work;
    let (pledges, pledge_answers, proposals, reservations, audit) = answers;
    let mut steps = Vec::new();

    let mut election_ids = Vec::new();
    for (i, e) in elections.into_iter().enumerate() {
        let id = ElectionId::new(i as i64 + 1);
        let name = format!("{} {i}", e.name());
        let election = ok(Election::new(id, e.kind(), &name, e.rounds().to_vec()));
        election_ids.push(id);
        steps.push(Step::Election(election));
    }
    let mut constituency_ids: Vec<(ConstituencyId, ElectionId)> = Vec::new();
    for (i, mut c) in constituencies.into_iter().enumerate() {
        c.id = ConstituencyId::new(i as i64 + 1);
        c.election = election_ids[i % election_ids.len()];
        c.parent = c.parent.and_then(|p| {
            let same: Vec<ConstituencyId> = constituency_ids
                .iter()
                .filter(|(_, e)| *e == c.election)
                .map(|(id, _)| *id)
                .collect();
            pick(&same, p.get() as usize)
        });
        c.code = format!("{}{i}", c.code);
        constituency_ids.push((c.id, c.election));
        steps.push(Step::Constituency(c));
    }
    let constituency = |i: usize| constituency_ids[i % constituency_ids.len()];
    let mut list_ids = Vec::new();
    for (i, mut l) in lists.into_iter().enumerate() {
        l.id = ListId::new(i as i64 + 1);
        (l.constituency, l.election) = constituency(l.constituency.get() as usize);
        list_ids.push(l.id);
        steps.push(Step::List(l));
    }
    let mut section_ids: Vec<(SectionId, ListId)> = Vec::new();
    for (i, mut section) in sections.into_iter().enumerate() {
        let Some(list) = pick(&list_ids, section.list.get() as usize) else {
            break;
        };
        section.id = SectionId::new(i as i64 + 1);
        section.list = list;
        section.constituency = constituency(section.constituency.get() as usize).0;
        section.code = format!("{}{i}", section.code);
        section_ids.push((section.id, list));
        steps.push(Step::Section(section));
    }
    let mut person_ids = Vec::new();
    for (i, mut p) in persons.into_iter().enumerate() {
        p.id = PersonId::new(i as i64 + 1);
        person_ids.push(p.id);
        steps.push(Step::Person(p));
    }
    let mut candidacy_ids = Vec::new();
    for (i, mut c) in candidacies.into_iter().enumerate() {
        c.id = CandidacyId::new(i as i64 + 1);
        c.person = pick(&person_ids, c.person.get() as usize).unwrap_or(PersonId::new(1));
        (c.constituency, c.election) = constituency(c.constituency.get() as usize);
        c.seat = match c.seat {
            Seat::List { list, .. } => match pick(&section_ids, list.get() as usize) {
                Some((section, list)) => Seat::List {
                    list,
                    section,
                    order: i as u32 + 1,
                },
                None => Seat::Single,
            },
            Seat::Substitute { .. } if i > 0 => Seat::Substitute {
                of: CandidacyId::new(i as i64),
            },
            Seat::Pair { index, partner } => Seat::Pair {
                index,
                partner: partner.map(|_| CandidacyId::new(i as i64 + 1)),
            },
            _ => Seat::Single,
        };
        c.panel = c.panel.map(|_| i as u32 + 1);
        candidacy_ids.push(c.id);
        steps.push(Step::Candidacy(c));
    }
    let mut participant_ids = Vec::new();
    for (i, mut p) in participants.into_iter().enumerate() {
        p.id = ParticipantId::new(i as i64 + 1);
        participant_ids.push(p.id);
        steps.push(Step::Participant(p));
    }
    let participant = |id: ParticipantId| pick(&participant_ids, id.get() as usize).unwrap_or(id);
    for (i, mut r) in responsibilities.into_iter().enumerate() {
        r.id = ResponsibilityId::new(i as i64 + 1);
        r.participant = participant(r.participant);
        r.target = match r.target {
            Target::Candidacy(id) => match pick(&candidacy_ids, id.get() as usize) {
                Some(c) => Target::Candidacy(c),
                None => Target::Constituency(constituency(0).0),
            },
            Target::List(id) => match pick(&list_ids, id.get() as usize) {
                Some(l) => Target::List(l),
                None => Target::Constituency(constituency(0).0),
            },
            Target::Constituency(id) => Target::Constituency(constituency(id.get() as usize).0),
        };
        steps.push(Step::Responsibility(r));
    }
    for (i, mut d) in details.into_iter().enumerate() {
        d.id = ContactDetailId::new(i as i64 + 1);
        d.owner = match d.owner {
            Owner::List(id) if !list_ids.is_empty() => {
                Owner::List(list_ids[id.get() as usize % list_ids.len()])
            }
            owner => {
                let key = match owner {
                    Owner::Person(id) => id.get(),
                    Owner::List(id) => id.get(),
                };
                Owner::Person(person_ids[key as usize % person_ids.len()])
            }
        };
        d.added_by = participant(d.added_by);
        steps.push(Step::Detail(d));
    }
    let mut marathon_ids = Vec::new();
    for (i, mut m) in marathons.into_iter().enumerate() {
        m.id = MarathonId::new(i as i64 + 1);
        m.created_by = participant(m.created_by);
        marathon_ids.push(m.id);
        steps.push(Step::Marathon(m));
    }
    let mut template_ids = Vec::new();
    for (i, mut t) in templates.into_iter().enumerate() {
        t.id = TemplateId::new(i as i64 + 1);
        t.owner = participant(t.owner);
        template_ids.push(t.id);
        steps.push(Step::Template(t));
    }
    for (i, mut a) in actions.into_iter().enumerate() {
        a.id = ContactActionId::new(i as i64 + 1);
        a.participant = participant(a.participant);
        a.target = match (a.target, pick(&candidacy_ids, i), pick(&list_ids, i)) {
            (ActionTarget::Candidacy(_), Some(c), _) => ActionTarget::Candidacy(c),
            (_, _, Some(l)) => ActionTarget::List(l),
            (_, Some(c), None) => ActionTarget::Candidacy(c),
            (_, None, None) => continue,
        };
        a.template = a
            .template
            .and_then(|t| pick(&template_ids, t.get() as usize));
        a.marathon = a
            .marathon
            .and_then(|m| pick(&marathon_ids, m.get() as usize));
        steps.push(Step::Action(a));
    }
    let mut pledge_ids = Vec::new();
    for (i, mut p) in pledges.into_iter().enumerate() {
        p.id = PledgeId::new(i as i64 + 1);
        pledge_ids.push(p.id);
        steps.push(Step::Pledge(p));
    }
    for (i, mut a) in pledge_answers.into_iter().enumerate() {
        a.id = PledgeAnswerId::new(i as i64 + 1);
        a.pledge = pledge_ids[i % pledge_ids.len()];
        a.recorded_by = participant(a.recorded_by);
        a.subject = match (a.subject, pick(&list_ids, i)) {
            (Subject::List(_), Some(l)) => Subject::List(l),
            _ => Subject::Person(person_ids[i % person_ids.len()]),
        };
        steps.push(Step::Answer(a));
    }
    for (i, mut p) in proposals.into_iter().enumerate() {
        p.id = ProposalId::new(i as i64 + 1);
        p.author = participant(p.author);
        steps.push(Step::Proposal(p));
    }
    for (i, mut r) in reservations.into_iter().enumerate() {
        let Some(c) = pick(&candidacy_ids, i) else {
            break;
        };
        r.id = ReservationId::new(i as i64 + 1);
        r.candidacy = c;
        r.participant = participant(r.participant);
        r.marathon = r
            .marathon
            .and_then(|m| pick(&marathon_ids, m.get() as usize));
        steps.push(Step::Reservation(r));
    }
    for (i, mut a) in audit.into_iter().enumerate() {
        a.id = AuditId::new(i as i64 + 1);
        steps.push(Step::Audit(a));
    }
    steps
}

fn put(w: &mut dyn CampaignWrite, step: &Step) -> Result<()> {
    match step {
        Step::Election(x) => w.put_election(x),
        Step::Constituency(x) => w.put_constituency(x),
        Step::List(x) => w.put_list(x),
        Step::Section(x) => w.put_section(x),
        Step::Person(x) => w.put_person(x),
        Step::Candidacy(x) => w.put_candidacy(x),
        Step::Participant(x) => w.put_participant(x),
        Step::Responsibility(x) => w.put_responsibility(x),
        Step::Detail(x) => w.put_contact_detail(x),
        Step::Marathon(x) => w.put_marathon(x),
        Step::Template(x) => w.put_template(x),
        Step::Action(x) => w.put_contact_action(x),
        Step::Pledge(x) => w.put_pledge(x),
        Step::Answer(x) => w.put_pledge_answer(x),
        Step::Proposal(x) => w.put_proposal(x),
        Step::Reservation(x) => w.put_reservation(x),
        Step::Audit(x) => w.append_audit(x),
    }
}

proptest! {
    #![proptest_config(Config { cases: 48, failure_persistence: None, ..Config::default() })]

    #[test]
    fn records_of_every_kind_reopen_identical(steps in whole_store()) {
        let temp = tempfile::tempdir().expect("temporary folder");
        let dir = temp.path().join("store");
        let store = ok(CsvStore::open(&dir));
        let memory = MemoryStore::new();
        for target in [&store as &dyn Store, &memory] {
            ok(target.write_with(|w| steps.iter().try_for_each(|step| put(w, step))));
        }
        let written = dump(&memory);
        prop_assert_eq!(&dump(&store), &written);
        drop(store);

        let reopened = ok(CsvStore::open(&dir));

        prop_assert_eq!(dump(&reopened), written);
    }
}
