//! Two processes work on one campaign file at once.
//!
//! The test binary runs itself twice more as workers (the ignored test
//! `worker`, told what to do through environment variables). Both workers
//! ask for the same list under automatic grants, then take candidacies
//! from the collectors' queue until it is empty, recording a contact for
//! each. Exactly one must get the list, no candidacy may be taken twice,
//! and every contact of both must be kept.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::thread;
use std::time::{Duration, Instant};

use candidats_core::testing::fixtures::{ok, Fixture};
use candidats_core::*;
use candidats_sqlite::SqliteStore;

const DB: &str = "CANDIDATS_SQLITE_WORKER_DB";
const PARTICIPANT: &str = "CANDIDATS_SQLITE_WORKER_PARTICIPANT";
const LIST: &str = "CANDIDATS_SQLITE_WORKER_LIST";
const GO: &str = "CANDIDATS_SQLITE_WORKER_GO";

/// What starts each line a worker reports.
const MARK: &str = "@worker ";

/// How long a worker may take before the test gives up on it.
const DEADLINE: Duration = Duration::from_secs(120);

/// What one worker did, read from its output.
#[derive(Debug, Default)]
struct Report {
    granted: Option<bool>,
    taken: Vec<i64>,
    done: bool,
}

fn spawn_worker(db: &Path, participant: ParticipantId, list: ListId, go: &Path) -> Child {
    let exe = std::env::current_exe().expect("the test binary's path");
    Command::new(exe)
        .args([
            "--exact",
            "worker",
            "--include-ignored",
            "--nocapture",
            "--test-threads",
            "1",
        ])
        .env(DB, db)
        .env(PARTICIPANT, participant.get().to_string())
        .env(LIST, list.get().to_string())
        .env(GO, go)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start a worker process")
}

fn wait_for(mut child: Child) -> Report {
    let started = Instant::now();
    loop {
        match child.try_wait().expect("poll a worker") {
            Some(_) => break,
            None if started.elapsed() > DEADLINE => {
                let _ = child.kill();
                panic!("a worker ran for more than {DEADLINE:?}");
            }
            None => thread::sleep(Duration::from_millis(20)),
        }
    }
    let output = child.wait_with_output().expect("a worker's output");
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "a worker failed:\n{stdout}\n{}",
        String::from_utf8_lossy(&output.stderr)
    );

    // The test harness may print on the same line before the first report.
    let mut report = Report::default();
    for line in stdout
        .lines()
        .filter_map(|l| l.split_once(MARK).map(|(_, r)| r))
    {
        if let Some(outcome) = line.strip_prefix("grant ") {
            report.granted = Some(outcome == "granted");
        } else if let Some(id) = line.strip_prefix("taken ") {
            report
                .taken
                .push(id.parse().expect("a candidacy identifier"));
        } else if line == "done" {
            report.done = true;
        }
    }
    assert!(report.done, "a worker did not finish:\n{stdout}");
    report
}

#[test]
fn two_processes_share_one_file() {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let db = dir.path().join("campaign.db");
    let go = dir.path().join("go");
    let (workers, list, total) = {
        let f = Fixture::new(SqliteStore::open(&db).expect("a file store"));
        let list = ok(f.campaign.store().read_with(|r| r.lists(f.election)))[0].id;
        (
            [f.volunteers[0], f.volunteers[1]],
            list,
            f.candidacies.len(),
        )
    };

    let children: Vec<Child> = workers
        .iter()
        .map(|who| spawn_worker(&db, *who, list, &go))
        .collect();
    std::fs::write(&go, b"go").expect("start the workers");
    let reports: Vec<Report> = children.into_iter().map(wait_for).collect();

    let granted: Vec<bool> = reports.iter().filter_map(|r| r.granted).collect();
    assert_eq!(
        granted.iter().filter(|g| **g).count(),
        1,
        "the list must go to exactly one worker: {reports:?}"
    );
    assert_eq!(granted.len(), 2, "both workers asked: {reports:?}");
    let taken: Vec<i64> = reports.iter().flat_map(|r| r.taken.clone()).collect();
    let distinct: BTreeSet<i64> = taken.iter().copied().collect();
    assert_eq!(taken.len(), distinct.len(), "a candidacy was taken twice");
    assert_eq!(distinct.len(), total, "every candidacy was taken once");

    let store = SqliteStore::open(&db).expect("reopen the file");
    for (who, report) in workers.iter().zip(&reports) {
        let actions = ok(store.read_with(|r| {
            r.contact_actions(&ActionFilter {
                participant: Some(*who),
                ..ActionFilter::default()
            })
        }));
        let contacted: Vec<i64> = actions
            .iter()
            .filter_map(|a| match a.target {
                ActionTarget::Candidacy(c) => Some(c.get()),
                ActionTarget::List(_) => None,
            })
            .collect();
        assert_eq!(
            contacted, report.taken,
            "the contacts of {who} are all kept"
        );
    }
    let holders = ok(store.read_with(|r| {
        r.responsibilities(&ResponsibilityFilter {
            target: Some(Target::List(list)),
            status: Some(ResponsibilityStatus::Granted),
            ..ResponsibilityFilter::default()
        })
    }));
    assert_eq!(holders.len(), 1, "{holders:?}");
}

/// One worker, run by `two_processes_share_one_file` in its own process.
#[test]
#[ignore = "a worker process of two_processes_share_one_file"]
fn worker() {
    let (Some(db), Some(participant), Some(list), Some(go)) = (
        std::env::var_os(DB).map(PathBuf::from),
        std::env::var(PARTICIPANT).ok(),
        std::env::var(LIST).ok(),
        std::env::var_os(GO).map(PathBuf::from),
    ) else {
        println!("nothing to do: two_processes_share_one_file runs this as a worker");
        return;
    };
    let me = ParticipantId::new(participant.parse().expect("a participant"));
    let list = ListId::new(list.parse().expect("a list"));
    let campaign = Campaign::new(SqliteStore::open(&db).expect("open the file"))
        .with_policy(GrantPolicy::Automatic);
    let started = Instant::now();
    while !go.exists() {
        assert!(started.elapsed() < DEADLINE, "never told to start");
        thread::sleep(Duration::from_millis(2));
    }

    match campaign.request_responsibility(me, Target::List(list), None, IfTaken::Refuse) {
        Ok(r) if r.status == ResponsibilityStatus::Granted => println!("{MARK}grant granted"),
        Err(Error::Conflict { .. }) => println!("{MARK}grant refused"),
        other => panic!("unexpected answer to the request: {other:?}"),
    }
    while let Some((_, candidacy)) = ok(campaign.take_next(
        me,
        QueueKind::ToCollect,
        &Scope::default(),
        &TakeOptions::default(),
    )) {
        ok(campaign.record_action(
            me,
            NewContactAction::new(candidacy.id, Channel::Email, Outcome::Sent),
        ));
        println!("{MARK}taken {}", candidacy.id);
        // Leave the other worker time to take its turn.
        thread::sleep(Duration::from_millis(3));
    }
    println!("{MARK}done");
}
