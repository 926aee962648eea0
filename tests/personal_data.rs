//! Personal data, on every store: a person's export holds everything the
//! store has about them; erasing them leaves no copy anywhere (records,
//! files, journals, exports); private contact details never reach a public
//! export, a report or the logs.
//!
//! Each test plants unique markers in every field a campaign can fill about
//! one candidate (contact details with their labels, notes and sources,
//! proposals, notes of contact actions, evidence of a signature, sources of
//! changes) and then looks for those markers.

mod stores;

use std::collections::BTreeSet;
use std::io::Write;
use std::sync::{Arc, Mutex};

use candidats::html::{self, Lang, PageOptions};
use candidats::popolo::{self, PopoloExportOptions};
use candidats::*;
use candidats_core::testing::fixtures::{day, ok, Fixture};
use stores::{dump_store, files_under, holds, Kind};

/// The private phone number of the candidate, as stored.
const PRIVATE_PHONE: &str = "+33611223344";

/// What the campaign learnt about the candidate and keeps private (or
/// unpublished: notes, evidence, proposals).
const PRIVATE: &[&str] = &[
    PRIVATE_PHONE,
    "SECRET-LABEL",
    "SECRET-DETAIL-NOTE",
    "SECRET-DETAIL-SOURCE",
    "secret.proposal@example.org",
    "SECRET-ACTION-NOTE",
    "SECRET-EVIDENCE",
    "SECRET-PROPOSED-EVIDENCE",
    "accepted.proposal@example.org",
    "rejected.proposal@example.org",
    "SECRET-CHANGE-SOURCE",
];

/// A public detail of the candidate: published until they ask for erasure.
const PUBLIC_EMAIL: &str = "public.but.erasable@example.org";

/// A private detail of another candidate, which erasure must leave alone.
const OTHER_PERSON: &str = "other.person@example.org";

fn detail(owner: Owner, point: ContactPoint, visibility: Visibility) -> NewContactDetail {
    NewContactDetail {
        owner,
        point,
        source: "https://example.org/annuaire".into(),
        visibility,
        label: None,
        note: None,
    }
}

fn email(value: &str) -> ContactPoint {
    ok(ContactPoint::new(Channel::Email, value))
}

/// Fills every field a campaign can hold about candidacy 6's person, and a
/// private detail of candidacy 7's person; returns the first.
fn plant<S: Store>(f: &Fixture<S>) -> Candidacy {
    let c = &f.campaign;
    let target = f.candidacies[6].clone();
    let owner = Owner::Person(target.person);
    let (alice, bob, chloe) = (f.volunteers[0], f.volunteers[1], f.volunteers[2]);

    let phone = ok(c.add_contact_detail(
        f.moderator,
        NewContactDetail {
            label: Some("SECRET-LABEL".into()),
            note: Some("SECRET-DETAIL-NOTE".into()),
            source: "SECRET-DETAIL-SOURCE, annuaire".into(),
            ..detail(
                owner,
                ok(ContactPoint::new(Channel::Phone, "06 11 22 33 44")),
                Visibility::Private,
            )
        },
    ))
    .applied()
    .expect("a moderator adds directly");
    ok(c.add_contact_detail(
        f.moderator,
        detail(owner, email(PUBLIC_EMAIL), Visibility::Public),
    ));
    ok(c.set_detail_status(f.moderator, phone.id, DetailStatus::Bounced, None));
    let status_entry = ok(c.history(RecordKind::ContactDetail, phone.id.get()))
        .pop()
        .expect("the status change is in the history");
    ok(c.revert(f.moderator, status_entry.id, Some("SECRET-CHANGE-SOURCE")));

    let pending = ok(c.add_contact_detail(
        bob,
        detail(
            owner,
            email("secret.proposal@example.org"),
            Visibility::Private,
        ),
    ));
    assert!(matches!(pending, Edit::Proposed(_)), "{pending:?}");
    let accepted = ok(c.add_contact_detail(
        bob,
        detail(
            owner,
            email("accepted.proposal@example.org"),
            Visibility::Private,
        ),
    ))
    .proposal()
    .expect("a proposal");
    ok(c.accept(f.moderator, accepted.id));
    let rejected = ok(c.add_contact_detail(
        bob,
        detail(
            owner,
            email("rejected.proposal@example.org"),
            Visibility::Private,
        ),
    ))
    .proposal()
    .expect("a proposal");
    ok(c.reject(f.moderator, rejected.id));

    ok(c.record_action(
        alice,
        NewContactAction {
            note: Some("SECRET-ACTION-NOTE: rappeler le soir".into()),
            ..NewContactAction::new(target.id, Channel::Phone, Outcome::Answered)
        },
    ));
    ok(c.record_action(
        alice,
        NewContactAction::new(target.id, Channel::Email, Outcome::Sent),
    ));
    ok(c.record_answer(
        f.moderator,
        f.pledge,
        Subject::Person(target.person),
        Answer::Signed {
            evidence: "SECRET-EVIDENCE: courriel du 12".into(),
        },
        day(12),
    ));
    let proposed_answer = ok(c.change(
        chloe,
        Change::RecordAnswer {
            pledge: f.pledge,
            subject: Subject::Person(target.person),
            answer: Answer::Signed {
                evidence: "SECRET-PROPOSED-EVIDENCE".into(),
            },
            date: day(13),
        },
        None,
    ));
    assert!(matches!(proposed_answer, Edit::Proposed(_)));
    let mut person = ok(c.store().read_with(|r| r.person(target.person)));
    person.nationality = Some("FRA".into());
    ok(c.change(
        f.moderator,
        Change::UpdatePerson { person },
        Some("SECRET-CHANGE-SOURCE"),
    ));

    let other = f.candidacies[7].person;
    ok(c.add_contact_detail(
        f.moderator,
        detail(
            Owner::Person(other),
            email(OTHER_PERSON),
            Visibility::Private,
        ),
    ));
    target
}

/// Every marker of `markers` found in `text`.
fn found<'a>(text: &[u8], markers: &[&'a str]) -> Vec<&'a str> {
    markers.iter().copied().filter(|m| holds(text, m)).collect()
}

/// The files holding a store, with their bytes: the SQLite file and its
/// journals, every file under the CSV folder (staging folders included).
fn store_files(kind: Kind, path: &std::path::Path) -> Vec<(std::path::PathBuf, Vec<u8>)> {
    match kind {
        Kind::Memory => Vec::new(),
        Kind::Sqlite => files_under(path.parent().expect("the database's folder")),
        #[cfg(feature = "csv")]
        Kind::Csv => files_under(path),
    }
}

#[cfg_attr(not(feature = "csv"), allow(unused_mut))]
fn public_outputs<S: Store>(campaign: &Campaign<S>) -> Vec<(&'static str, String)> {
    let store = campaign.store();
    let mut out = vec![
        (
            "the Popolo export",
            ok(popolo::export(
                store,
                &Scope::default(),
                &PopoloExportOptions::default(),
            )),
        ),
        (
            "the report page",
            ok(html::report_page(
                campaign,
                &Scope::default(),
                &PageOptions::new(Lang::Fr),
            )),
        ),
        (
            "the report",
            serde_json::to_string(&ok(campaign.report(&Scope::default()))).expect("JSON"),
        ),
    ];
    #[cfg(feature = "csv")]
    {
        use candidats_csv::export::{ReportTable, Spreadsheet};

        let sheet = Spreadsheet::FRENCH;
        let mut bytes = Vec::new();
        ok(sheet.signatories(store, &Scope::default(), &mut bytes));
        for kind in [
            QueueKind::ToCollect,
            QueueKind::ToContact,
            QueueKind::ToFollowUp,
        ] {
            let query = QueueQuery::new(kind, Scope::default(), campaign.now());
            ok(sheet.queue(store, &query, &mut bytes));
        }
        let report = ok(campaign.report(&Scope::default()));
        for table in ReportTable::ALL {
            ok(sheet.report(&report, *table, &mut bytes));
        }
        out.push((
            "the spreadsheet exports",
            String::from_utf8(bytes).expect("UTF-8"),
        ));
    }
    out
}

#[test]
fn a_persons_export_holds_every_record_about_them() {
    for kind in Kind::all() {
        let made = kind.make();
        let f = Fixture::new(made.store.clone());
        let target = plant(&f);
        let export = ok(f.campaign.export_person(f.moderator, target.person));

        let mut exported: BTreeSet<(String, i64)> = BTreeSet::new();
        let mut add = |kind: &str, id: i64| exported.insert((kind.to_string(), id));
        add("person", export.person.id.get());
        for x in &export.candidacies {
            add("candidacy", x.id.get());
        }
        for x in &export.contact_details {
            add("contact_detail", x.id.get());
        }
        for x in &export.contact_actions {
            add("contact_action", x.id.get());
        }
        for x in &export.pledge_answers {
            add("pledge_answer", x.id.get());
        }
        for x in &export.proposals {
            add("proposal", x.id.get());
        }
        for x in &export.audit {
            add("audit", x.id.get());
        }

        let mut holding = 0;
        for (record, id, json) in dump_store(&made.store) {
            if found(json.as_bytes(), PRIVATE).is_empty() && !holds(json.as_bytes(), PUBLIC_EMAIL) {
                continue;
            }
            holding += 1;
            assert!(
                exported.contains(&(record.clone(), id)),
                "{kind:?}: {record} {id} holds data about the person but is not in their export: {json}"
            );
        }
        assert!(
            holding >= 20,
            "{kind:?}: only {holding} records hold the markers"
        );
        let text = serde_json::to_string(&export).expect("JSON");
        for marker in PRIVATE.iter().chain([&PUBLIC_EMAIL]) {
            assert!(
                text.contains(marker),
                "{kind:?}: `{marker}` is not in the export"
            );
        }
        assert!(
            !text.contains(OTHER_PERSON),
            "{kind:?}: another person's detail is in the export"
        );
        assert_eq!(export.candidacies, vec![target]);
    }
}

#[test]
fn erasure_leaves_no_copy_in_any_record_file_or_export() {
    for kind in Kind::all() {
        let made = kind.make();
        let f = Fixture::new(made.store.clone());
        let target = plant(&f);
        let mut everything = PRIVATE.to_vec();
        everything.push(PUBLIC_EMAIL);

        let before: String = dump_store(&made.store)
            .into_iter()
            .map(|(_, _, json)| json)
            .collect();
        assert_eq!(
            found(before.as_bytes(), &everything),
            everything,
            "{kind:?}: every marker is stored before the erasure"
        );
        if let Some(path) = &made.path {
            let bytes: Vec<u8> = store_files(kind, path)
                .into_iter()
                .flat_map(|(_, b)| b)
                .collect();
            assert!(
                holds(&bytes, PRIVATE_PHONE),
                "{kind:?}: the phone is on disk"
            );
        }

        let erasure =
            ok(f.campaign
                .erase_person(f.moderator, target.person, Some("demande du 20/11")));
        assert_eq!(
            (
                erasure.contact_details,
                erasure.action_notes,
                erasure.answer_evidence
            ),
            (3, 1, 1),
            "{kind:?}"
        );
        assert_eq!(erasure.proposals, 4, "{kind:?}");

        let after: String = dump_store(&made.store)
            .into_iter()
            .map(|(_, _, json)| json)
            .collect();
        assert_eq!(
            found(after.as_bytes(), &everything),
            Vec::<&str>::new(),
            "{kind:?}: still readable after the erasure"
        );
        assert!(
            holds(after.as_bytes(), OTHER_PERSON),
            "{kind:?}: another person's detail was erased"
        );
        let campaign = &f.campaign;
        let private_export = ok(popolo::export(
            campaign.store(),
            &Scope::default(),
            &PopoloExportOptions {
                include_private: true,
            },
        ));
        let mut outputs = public_outputs(campaign);
        outputs.push(("the private Popolo export", private_export));
        for (what, text) in outputs {
            assert_eq!(
                found(text.as_bytes(), &everything),
                Vec::<&str>::new(),
                "{kind:?}: still in {what}"
            );
        }
        let report = ok(campaign.report(&Scope::default()));
        assert_eq!(
            report.signatories, 1,
            "{kind:?}: the signature itself stays"
        );

        if let Some(path) = &made.path {
            for (file, bytes) in store_files(kind, path) {
                assert_eq!(
                    found(&bytes, &everything),
                    Vec::<&str>::new(),
                    "{kind:?}: still in {}",
                    file.display()
                );
            }
            let reopened = {
                drop(f);
                let store = made.store;
                drop(store);
                kind.reopen(path).expect("reopen the store")
            };
            let again: String = dump_store(&reopened)
                .into_iter()
                .map(|(_, _, json)| json)
                .collect();
            assert_eq!(found(again.as_bytes(), &everything), Vec::<&str>::new());
            assert_eq!(again, after, "{kind:?}: the erasure is durable");
        }
    }
}

#[test]
fn exports_and_pages_show_public_details_only() {
    for kind in Kind::all() {
        let made = kind.make();
        let f = Fixture::new(made.store.clone());
        plant(&f);

        for (what, text) in public_outputs(&f.campaign) {
            assert_eq!(
                found(text.as_bytes(), PRIVATE),
                Vec::<&str>::new(),
                "{kind:?}: private data in {what}"
            );
            assert!(
                !text.contains(OTHER_PERSON),
                "{kind:?}: another private detail in {what}"
            );
        }
        let popolo = ok(popolo::export(
            f.campaign.store(),
            &Scope::default(),
            &PopoloExportOptions::default(),
        ));
        assert!(
            popolo.contains(PUBLIC_EMAIL),
            "{kind:?}: the public e-mail is published"
        );
        let full = ok(popolo::export(
            f.campaign.store(),
            &Scope::default(),
            &PopoloExportOptions {
                include_private: true,
            },
        ));
        assert!(full.contains(PRIVATE_PHONE) && full.contains(OTHER_PERSON));
    }
}

/// A `tracing` writer into a shared buffer.
#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl<'a> tracing_subscriber::fmt::MakeWriter<'a> for Captured {
    type Writer = Captured;

    fn make_writer(&'a self) -> Captured {
        self.clone()
    }
}

/// A législatives file in the official layout, with one candidate whose
/// name the logs may carry (it is public) and nothing else.
const LEGISLATIVES: &str = "Code département;Département;Code circonscription;Libellé circonscription;\
Numéro de panneau;N° dépôt;Sexe du candidat;Nom du candidat;Prénom du candidat;\
Date de naissance du candidat;Code nuance;Profession;Sortant;Sexe remplaçant;\
Nom remplaçant;Prénom remplaçant;Date de naissance remplaçant;Sortant remplaçant\r\n\
29;Finistère;2901;1ère circonscription;1;1;F;LE GALL;Anne;12/03/1970;DVG;Avocate;;M;KERBRAT;Yann;01/01/1980;\r\n\
29;Finistère;2901;1ère circonscription;2;2;M;D'ALMEIDA;José;02/04/1966;DVD;Médecin;OUI;F;MAÎTRE;Léa;03/05/1975;\r\n";

/// A whole session on one store: an import, volunteers registering with
/// their e-mail, private and public details, contact actions with notes,
/// queues, a proposal, errors, an export of the person and an erasure.
fn session(store: DynStore) {
    let campaign = Campaign::new(store).with_policy(GrantPolicy::Automatic);
    let mut reader = ok(import::CandidateReader::new(
        LEGISLATIVES.as_bytes(),
        "legislatives.csv",
        &import::ReadOptions::default(),
    ));
    let options = ImportOptions::new("Législatives 2024", ElectionKind::Legislatives);
    ok(campaign.import(&mut reader, &options, &mut |_, _| Ok(())));

    let moderator =
        ok(campaign.register_moderator("Modération", Some("volunteer.one@example.org")));
    let alice = ok(campaign.register("Alice", Some("volunteer.two@example.org")));
    let (_, taken) = ok(campaign.take_next(
        alice.id,
        QueueKind::ToCollect,
        &Scope::default(),
        &TakeOptions::default(),
    ))
    .expect("a candidacy to collect");
    ok(campaign.request_responsibility(
        alice.id,
        Target::Candidacy(taken.id),
        None,
        IfTaken::Refuse,
    ));
    let owner = Owner::Person(taken.person);
    ok(campaign.add_contact_detail(
        alice.id,
        NewContactDetail {
            note: Some("LOGGED-NOTE-1".into()),
            ..detail(
                owner,
                ok(ContactPoint::new(Channel::Phone, "06 98 76 54 32")),
                Visibility::Private,
            )
        },
    ));
    ok(campaign.add_contact_detail(
        alice.id,
        detail(
            owner,
            email("candidate.mail@example.org"),
            Visibility::Public,
        ),
    ));
    let again = campaign.add_contact_detail(
        alice.id,
        detail(
            owner,
            email("candidate.mail@example.org"),
            Visibility::Public,
        ),
    );
    assert!(matches!(again, Err(Error::Conflict { .. })), "{again:?}");
    let bad = campaign.record_action(
        alice.id,
        NewContactAction {
            note: Some("LOGGED-NOTE-BAD\0".into()),
            ..NewContactAction::new(taken.id, Channel::Phone, Outcome::Answered)
        },
    );
    assert!(bad.is_err());
    ok(campaign.record_action(
        alice.id,
        NewContactAction {
            note: Some("LOGGED-NOTE-2".into()),
            ..NewContactAction::new(taken.id, Channel::Phone, Outcome::Answered)
        },
    ));
    let pledge = ok(campaign.create_pledge(moderator.id, "Pacte", 1, "Je m'engage"));
    ok(campaign.record_answer(
        alice.id,
        pledge.id,
        Subject::Person(taken.person),
        Answer::Signed {
            evidence: "LOGGED-EVIDENCE".into(),
        },
        day(14),
    ));
    ok(campaign.report(&Scope::default()));
    ok(campaign.export_person(moderator.id, taken.person));
    ok(campaign.erase_person(moderator.id, taken.person, Some("LOGGED-SOURCE")));
}

#[test]
fn logs_carry_no_contact_data() {
    let captured = Captured::default();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_ansi(false)
        .with_writer(captured.clone())
        .finish();
    // Global, so that the stores' own threads log into the buffer too.
    tracing::subscriber::set_global_default(subscriber).expect("the only subscriber");

    for kind in Kind::all() {
        let made = kind.make();
        session(made.store.clone());
        if let Some(path) = &made.path {
            drop(made.store);
            let reopened = kind.reopen(path).expect("reopen the store");
            drop(reopened);
        }
    }

    let logs = captured.0.lock().unwrap_or_else(|p| p.into_inner()).clone();
    let text = String::from_utf8_lossy(&logs);
    for expected in ["SQLite store opened", "reading a candidate file"] {
        assert!(
            text.contains(expected),
            "the logs miss `{expected}`:\n{text}"
        );
    }
    #[cfg(feature = "csv")]
    assert!(text.contains("wrote CSV files"), "{text}");
    for secret in [
        "volunteer.one@example.org",
        "volunteer.two@example.org",
        "+33698765432",
        "06 98 76 54 32",
        "candidate.mail@example.org",
        "LOGGED-NOTE",
        "LOGGED-EVIDENCE",
        "LOGGED-SOURCE",
        "@example.org",
    ] {
        assert!(!text.contains(secret), "`{secret}` is in the logs:\n{text}");
    }
}
