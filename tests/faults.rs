//! Faults: processes killed in the middle of an import, two processes
//! working on one SQLite file at once, a full disk, read-only files and
//! folders.
//!
//! The test binary runs itself as a child process for the work that is
//! killed or run side by side (the ignored test `child`, told what to do
//! through environment variables). Full disks are small tmpfs mounts, and
//! read-only files are immutable (`chattr +i`) or on a tmpfs remounted
//! read-only: these tests need root, and say "skipping" without it.

mod stores;

use std::collections::{BTreeMap, BTreeSet};
use std::io::BufRead;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::thread;
use std::time::{Duration, Instant};

use candidats::import::{CandidateReader, ReadOptions};
use candidats::*;
use candidats_core::testing::fixtures::{ok, Fixture};
use stores::{dump_store, Kind};

/// What the child process does: `import` or `work`.
const ROLE: &str = "CANDIDATS_FAULTS_ROLE";
/// The store's URL.
const STORE: &str = "CANDIDATS_FAULTS_STORE";
/// The file to import.
const FILE: &str = "CANDIDATS_FAULTS_FILE";
/// The participants a worker acts for, comma separated.
const WHO: &str = "CANDIDATS_FAULTS_WHO";
/// How long a worker works, in milliseconds.
const FOR_MS: &str = "CANDIDATS_FAULTS_FOR_MS";
/// What starts each line a child reports.
const MARK: &str = "@child ";

const HEADER: &str = "Code département;Département;Code circonscription;Libellé circonscription;\
Numéro de panneau;N° dépôt;Sexe du candidat;Nom du candidat;Prénom du candidat;\
Date de naissance du candidat;Code nuance;Profession;Sortant;Sexe remplaçant;\
Nom remplaçant;Prénom remplaçant;Date de naissance remplaçant;Sortant remplaçant";

/// A législatives file of `lines` candidates, each with a substitute, in
/// up to 90 départements of 5 circonscriptions of 8 panels.
fn legislatives(lines: usize) -> String {
    let mut text = format!("{HEADER}\r\n");
    for i in 0..lines {
        let dep = 1 + (i / 40) % 90;
        let circ = 1 + (i / 8) % 5;
        let panel = 1 + i % 8;
        let day = 1 + i % 28;
        text.push_str(&format!(
            "{dep};Département {dep};{dep}{circ:02};{circ}e circonscription;{panel};{i};F;\
             NOM-{i};Anne;{day:02}/03/1970;DVG;Profession {i};;M;REMPLACANT-{i};Yann;{day:02}/04/1980;\r\n"
        ));
    }
    text
}

/// A child process of this test binary, running the ignored test `child`.
fn spawnable(envs: &[(&str, String)]) -> Command {
    let exe = std::env::current_exe().expect("the test binary's path");
    let mut command = Command::new(exe);
    command
        .args([
            "--exact",
            "child",
            "--include-ignored",
            "--nocapture",
            "--test-threads",
            "1",
        ])
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    for (key, value) in envs {
        command.env(key, value);
    }
    command
}

/// The lines a child reported, without the mark.
fn reports(output: &[u8]) -> Vec<String> {
    output
        .lines()
        .map_while(Result::ok)
        .filter_map(|l| l.split_once(MARK).map(|(_, r)| r.to_string()))
        .collect()
}

/// The records of a store, the audit history counted only (its entries
/// carry the time of each run).
fn state(store: &dyn Store) -> (Vec<(String, i64, String)>, usize) {
    let dump = dump_store(store);
    let audit = dump.iter().filter(|(kind, _, _)| kind == "audit").count();
    (
        dump.into_iter()
            .filter(|(kind, _, _)| kind != "audit")
            .collect(),
        audit,
    )
}

/// Asserts two dumps are equal, naming the first record that differs.
fn same(now: &[(String, i64, String)], expected: &[(String, i64, String)], what: &str) {
    if now == expected {
        return;
    }
    let first = now
        .iter()
        .zip(expected)
        .find(|(a, b)| a != b)
        .map(|(a, b)| format!("{a:?} instead of {b:?}"))
        .unwrap_or_else(|| format!("{} records instead of {}", now.len(), expected.len()));
    panic!("{what}: {first}");
}

/// SQLite's own checks of a file: `integrity_check` and `foreign_key_check`.
fn sqlite_checks(path: &Path) {
    let conn = rusqlite::Connection::open(path).expect("open the file with SQLite");
    let integrity: Vec<String> = conn
        .prepare("PRAGMA integrity_check")
        .and_then(|mut s| s.query_map([], |row| row.get(0))?.collect())
        .expect("run the integrity check");
    assert_eq!(integrity, vec!["ok".to_string()], "{}", path.display());
    let broken: Vec<String> = conn
        .prepare("PRAGMA foreign_key_check")
        .and_then(|mut s| {
            s.query_map([], |row| {
                Ok(format!(
                    "{}:{:?}",
                    row.get::<_, String>(0)?,
                    row.get::<_, Option<i64>>(1)?
                ))
            })?
            .collect()
        })
        .expect("run the foreign key check");
    assert!(broken.is_empty(), "broken references: {broken:?}");
}

/// Copies a store's file or folder.
fn copy_store(from: &Path, to: &Path) {
    if from.is_dir() {
        std::fs::create_dir_all(to).expect("a folder");
        for entry in std::fs::read_dir(from).expect("a store folder").flatten() {
            if entry.path().is_file() {
                std::fs::copy(entry.path(), to.join(entry.file_name())).expect("copy a file");
            }
        }
    } else {
        std::fs::copy(from, to).expect("copy the database");
    }
}

fn url(kind: Kind, path: &Path) -> String {
    match kind {
        Kind::Sqlite => format!("sqlite:{}", path.display()),
        #[cfg(feature = "csv")]
        Kind::Csv => format!("csv:{}", path.display()),
        Kind::Memory => "memory:".into(),
    }
}

/// A store at `path` holding a campaign: the régionales, volunteers, a
/// pledge, contact details and actions.
fn base_campaign(kind: Kind, path: &Path) {
    let store = match kind {
        Kind::Sqlite => Arc::new(SqliteStore::open(path).expect("a SQLite store")) as DynStore,
        #[cfg(feature = "csv")]
        Kind::Csv => Arc::new(CsvStore::open(path).expect("a CSV store")) as DynStore,
        Kind::Memory => unreachable!("a memory store has no path"),
    };
    let f = Fixture::new(store);
    for (n, c) in f.candidacies.iter().take(6).enumerate() {
        ok(f.campaign.add_contact_detail(
            f.moderator,
            NewContactDetail {
                owner: Owner::Person(c.person),
                point: ok(ContactPoint::new(
                    Channel::Email,
                    &format!("c{n}@example.org"),
                )),
                source: "https://example.org".into(),
                visibility: Visibility::Public,
                label: None,
                note: None,
            },
        ));
        ok(f.campaign.record_action(
            f.volunteers[n % 3],
            NewContactAction::new(c.id, Channel::Email, Outcome::Sent),
        ));
    }
}

/// Imports `file` into the store at `path` in a child process, killed
/// after `kill_after` (never when `None`); returns whether it finished.
fn run_import(kind: Kind, path: &Path, file: &Path, kill_after: Option<Duration>) -> bool {
    let mut command = spawnable(&[
        (ROLE, "import".into()),
        (STORE, url(kind, path)),
        (FILE, file.display().to_string()),
    ]);
    let mut process = command.spawn().expect("start a child");
    if let Some(delay) = kill_after {
        thread::sleep(delay);
        let _ = process.kill();
    }
    let output = process.wait_with_output().expect("the child's output");
    let done = reports(&output.stdout).iter().any(|l| l == "imported");
    if kill_after.is_none() {
        assert!(
            done && output.status.success(),
            "the import failed:\n{}\n{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        );
    }
    done
}

/// A generator of kill moments, the same at every run.
struct Moments(u64);

impl Moments {
    fn next(&mut self, span: Duration) -> Duration {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        span.mul_f64((self.0 % 10_000) as f64 / 10_000.0)
    }
}

/// Kills the importing process at `kills` moments spread over an import's
/// time; the store must open, pass its checks, and hold the records of
/// before the import or of after it.
fn killed_imports(kind: Kind, kills: usize) {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let file = dir.path().join("legislatives.csv");
    std::fs::write(&file, legislatives(600)).expect("write the file");
    let base = dir.path().join("base");
    base_campaign(kind, &base);
    let before = state(&kind.reopen(&base).expect("the base store"));

    // One import to its end: the state after, and how long it takes.
    let whole = dir.path().join("whole");
    copy_store(&base, &whole);
    let started = Instant::now();
    run_import(kind, &whole, &file, None);
    let span = started.elapsed();
    let after = state(&kind.reopen(&whole).expect("the imported store"));
    assert!(
        after.0.len() > before.0.len() + 1_000,
        "{kind:?}: the import added little"
    );

    let mut moments = Moments(0x2545_f491_4f6c_dd1d);
    let (mut kept_before, mut kept_after, mut interrupted, mut runs) = (0, 0, 0, 0);
    while interrupted < kills && runs < 3 * kills {
        let path = dir.path().join(format!("run-{runs}"));
        copy_store(&base, &path);
        // Half the moments anywhere in the run, half in its last part,
        // where the import writes and commits.
        let delay = if runs % 2 == 0 {
            moments.next(span.mul_f64(0.95))
        } else {
            span.mul_f64(0.55) + moments.next(span.mul_f64(0.4))
        };
        runs += 1;
        if run_import(kind, &path, &file, Some(delay)) {
            let _ = std::fs::remove_dir_all(&path);
            let _ = std::fs::remove_file(&path);
            continue;
        }
        interrupted += 1;

        if kind == Kind::Sqlite {
            sqlite_checks(&path);
        }
        let store = kind.reopen(&path).unwrap_or_else(|e| {
            panic!("{kind:?}: killed after {delay:?}, the store does not open: {e}")
        });
        let now = state(&store);
        drop(store);
        if kind == Kind::Sqlite {
            sqlite_checks(&path);
        }
        if now == before {
            kept_before += 1;
        } else if now == after {
            kept_after += 1;
        } else {
            panic!(
                "{kind:?}: killed after {delay:?}, the store holds neither the state before \
                 the import ({} records, {} audit entries) nor after it ({}, {}): {} records, \
                 {} audit entries",
                before.0.len(),
                before.1,
                after.0.len(),
                after.1,
                now.0.len(),
                now.1
            );
        }
        let _ = std::fs::remove_dir_all(&path);
        let _ = std::fs::remove_file(&path);
    }
    println!(
        "{kind:?}: {interrupted} imports of about {span:?} killed (in {runs} runs): \
         {kept_before} left the state before, {kept_after} the state after"
    );
    assert_eq!(
        interrupted, kills,
        "{kind:?}: only {interrupted} of {runs} kills hit a running import"
    );
}

#[test]
fn killed_sqlite_imports_keep_the_file_whole() {
    killed_imports(Kind::Sqlite, 24);
}

#[cfg(feature = "csv")]
#[test]
fn killed_csv_imports_keep_the_folder_whole() {
    killed_imports(Kind::Csv, 24);
}

// ----- two processes on one file ----------------------------------------------

/// What one worker thread did.
#[derive(Debug, Default)]
struct Work {
    actions: u64,
    taken: Vec<i64>,
    grants: u64,
    refusals: u64,
    errors: Vec<String>,
}

/// One worker thread: takes from the collectors' queue and records a
/// contact for what it took, records contacts at random, asks for
/// responsibility over candidacies and circonscriptions (keeping them for a
/// while, then releasing them), until `deadline`.
fn work(
    campaign: &Campaign<DynStore>,
    me: ParticipantId,
    candidacies: &[CandidacyId],
    constituencies: &[ConstituencyId],
    deadline: Instant,
    seed: u64,
) -> Work {
    let mut done = Work::default();
    let mut rng = Moments(seed | 1);
    let mut pick = |n: usize| rng.next(Duration::from_secs(n as u64)).as_secs() as usize;
    let mut held: Vec<ResponsibilityId> = Vec::new();
    let fail = |done: &mut Work, what: &str, error: Error| {
        let mut text = format!("{what}: {error}");
        let mut source = std::error::Error::source(&error);
        while let Some(cause) = source {
            text.push_str(&format!(": {cause}"));
            source = cause.source();
        }
        done.errors.push(text);
    };
    while Instant::now() < deadline {
        match pick(4) {
            0 => match campaign.take_next(
                me,
                QueueKind::ToCollect,
                &Scope::default(),
                &TakeOptions::default(),
            ) {
                Ok(Some((_, c))) => {
                    done.taken.push(c.id.get());
                    match campaign.record_action(
                        me,
                        NewContactAction::new(c.id, Channel::Email, Outcome::Sent),
                    ) {
                        Ok(_) => done.actions += 1,
                        Err(e) => fail(&mut done, "record_action", e),
                    }
                }
                Ok(None) => {}
                Err(e) => fail(&mut done, "take_next", e),
            },
            1 => {
                let c = candidacies[pick(candidacies.len())];
                match campaign.record_action(
                    me,
                    NewContactAction::new(c, Channel::Phone, Outcome::NoAnswer),
                ) {
                    Ok(_) => done.actions += 1,
                    Err(e) => fail(&mut done, "record_action", e),
                }
            }
            2 => {
                let target = if pick(3) == 0 {
                    Target::Constituency(constituencies[pick(constituencies.len())])
                } else {
                    Target::Candidacy(candidacies[pick(candidacies.len() / 8)])
                };
                match campaign.request_responsibility(me, target, None, IfTaken::Refuse) {
                    Ok(r) if r.status == ResponsibilityStatus::Granted => {
                        done.grants += 1;
                        if !held.contains(&r.id) {
                            held.push(r.id);
                        }
                    }
                    Ok(r) => done.errors.push(format!("not granted: {r:?}")),
                    Err(Error::Conflict { .. }) => done.refusals += 1,
                    Err(e) => fail(&mut done, "request_responsibility", e),
                }
            }
            _ => {
                if held.len() > 2 || (pick(2) == 0 && !held.is_empty()) {
                    let id = held.remove(0);
                    if let Err(e) = campaign.release(me, id) {
                        fail(&mut done, "release", e);
                    }
                }
            }
        }
    }
    for id in held {
        if let Err(e) = campaign.release(me, id) {
            fail(&mut done, "release", e);
        }
    }
    done
}

/// Replays the history of responsibilities in the order the writes
/// committed: no grant may overlap another participant's active one.
fn check_exclusive(store: &dyn Store) {
    let (covered, history) = ok(store.read_with(|r| {
        let mut parents = BTreeMap::new();
        for e in r.elections()? {
            for c in r.constituencies(e.id())? {
                parents.insert(c.id, c.parent);
            }
        }
        let mut covered: BTreeMap<Target, BTreeSet<CandidacyId>> = BTreeMap::new();
        let all = r.candidacies(&Scope {
            include_substitutes: true,
            include_withdrawn: true,
            ..Scope::default()
        })?;
        for c in &all {
            covered
                .entry(Target::Candidacy(c.id))
                .or_default()
                .insert(c.id);
            let mut at = Some(c.constituency);
            while let Some(k) = at {
                covered
                    .entry(Target::Constituency(k))
                    .or_default()
                    .insert(c.id);
                at = parents.get(&k).copied().flatten();
            }
        }
        let history = r.audit(&AuditFilter {
            kind: Some(RecordKind::Responsibility),
            ..AuditFilter::default()
        })?;
        Ok((covered, history))
    }));

    let mut active: BTreeMap<ResponsibilityId, Responsibility> = BTreeMap::new();
    let mut grants = 0;
    for entry in history {
        let after: Responsibility =
            serde_json::from_value(entry.after.clone().expect("after")).expect("a responsibility");
        if after.status != ResponsibilityStatus::Granted {
            active.remove(&after.id);
            continue;
        }
        grants += 1;
        let mine = covered.get(&after.target).cloned().unwrap_or_default();
        for other in active.values() {
            if other.participant == after.participant || other.id == after.id {
                continue;
            }
            let theirs = covered.get(&other.target).cloned().unwrap_or_default();
            assert!(
                mine.is_disjoint(&theirs),
                "responsibility {} of participant {} was granted over {:?} while {} of \
                 participant {} held {:?}",
                after.id,
                after.participant,
                after.target,
                other.id,
                other.participant,
                other.target
            );
        }
        active.insert(after.id, after);
    }
    assert!(grants > 10, "only {grants} grants");
}

#[test]
fn two_processes_of_several_threads_lose_nothing() {
    const THREADS: usize = 4;
    const WORK_MS: u64 = 3_000;

    let dir = tempfile::tempdir().expect("a temporary folder");
    let path = dir.path().join("campagne.db");
    let participants: Vec<ParticipantId> = {
        let campaign =
            Campaign::new(Arc::new(SqliteStore::open(&path).expect("a store")) as DynStore);
        let text = legislatives(400);
        let mut reader = ok(CandidateReader::new(
            text.as_bytes(),
            "legislatives.csv",
            &ReadOptions::default(),
        ));
        let options = ImportOptions::new("Législatives 2024", ElectionKind::Legislatives);
        ok(campaign.import(&mut reader, &options, &mut |_, _| Ok(())));
        (0..2 * THREADS)
            .map(|n| ok(campaign.register(&format!("Bénévole {n}"), None)).id)
            .collect()
    };

    let children: Vec<_> = participants
        .chunks(THREADS)
        .map(|who| {
            let who: Vec<String> = who.iter().map(|p| p.get().to_string()).collect();
            spawnable(&[
                (ROLE, "work".into()),
                (STORE, format!("sqlite:{}", path.display())),
                (WHO, who.join(",")),
                (FOR_MS, WORK_MS.to_string()),
            ])
            .spawn()
            .expect("start a worker process")
        })
        .collect();
    let outputs: Vec<_> = children
        .into_iter()
        .map(|c| c.wait_with_output().expect("a worker's output"))
        .collect();

    let (mut actions, mut taken, mut grants, mut refusals) = (0u64, Vec::new(), 0u64, 0u64);
    for output in &outputs {
        let lines = reports(&output.stdout);
        assert!(
            output.status.success() && lines.iter().any(|l| l == "done"),
            "a worker process failed:\n{}\n{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        );
        for line in lines {
            let (key, value) = line.split_once(' ').unwrap_or((line.as_str(), ""));
            match key {
                "actions" => actions += value.parse::<u64>().expect("a count"),
                "grants" => grants += value.parse::<u64>().expect("a count"),
                "refusals" => refusals += value.parse::<u64>().expect("a count"),
                "taken" => taken.push(value.parse::<i64>().expect("a candidacy")),
                "error" => panic!("a worker met an error: {value}"),
                _ => {}
            }
        }
    }

    let store: DynStore = Arc::new(SqliteStore::open(&path).expect("reopen"));
    let stored = ok(store.read_with(|r| r.contact_actions(&ActionFilter::default())));
    assert_eq!(
        stored.len() as u64,
        actions,
        "contact actions lost or added"
    );
    let reservations = ok(store.read_with(|r| r.reservations(&ReservationFilter::default())));
    let mut per_candidacy: BTreeMap<CandidacyId, usize> = BTreeMap::new();
    for r in &reservations {
        *per_candidacy.entry(r.candidacy).or_default() += 1;
    }
    let twice: Vec<_> = per_candidacy.iter().filter(|(_, n)| **n > 1).collect();
    assert!(twice.is_empty(), "candidacies reserved twice: {twice:?}");
    let distinct: BTreeSet<i64> = taken.iter().copied().collect();
    assert_eq!(
        distinct.len(),
        taken.len(),
        "a candidacy was handed out twice"
    );
    assert_eq!(reservations.len(), taken.len());
    check_exclusive(&store);
    drop(store);
    sqlite_checks(&path);
    println!(
        "two processes of {THREADS} threads for {WORK_MS} ms: {actions} contact actions, {} \
         candidacies taken, {grants} responsibilities granted, {refusals} refused as held",
        taken.len()
    );
    assert!(
        actions > 50 && taken.len() > 10 && refusals > 0,
        "too little work to judge"
    );
}

/// The process a test runs as a child: told what to do by [`ROLE`].
#[test]
#[ignore = "a child process of the fault tests"]
fn child() {
    let Ok(role) = std::env::var(ROLE) else {
        println!("nothing to do: the fault tests run this as a child process");
        return;
    };
    let url = std::env::var(STORE).expect("a store");
    let store = candidats::open(&url).expect("open the store");
    match role.as_str() {
        "import" => {
            let file = std::env::var(FILE).expect("a file");
            let campaign = Campaign::new(store);
            let mut reader = ok(CandidateReader::open(&file, &ReadOptions::default()));
            let options = ImportOptions {
                source: "legislatives.csv".into(),
                ..ImportOptions::new("Législatives 2024", ElectionKind::Legislatives)
            };
            ok(campaign.import(&mut reader, &options, &mut |_, _| Ok(())));
            println!("{MARK}imported");
        }
        "work" => {
            let who: Vec<ParticipantId> = std::env::var(WHO)
                .expect("participants")
                .split(',')
                .map(|p| ParticipantId::new(p.parse().expect("a participant")))
                .collect();
            let ms: u64 = std::env::var(FOR_MS)
                .expect("a duration")
                .parse()
                .expect("milliseconds");
            let campaign = Arc::new(Campaign::new(store).with_policy(GrantPolicy::Automatic));
            let (candidacies, constituencies) = ok(campaign.store().read_with(|r| {
                let candidacies: Vec<CandidacyId> = r
                    .candidacies(&Scope::default())?
                    .iter()
                    .map(|c| c.id)
                    .collect();
                let mut constituencies = Vec::new();
                for e in r.elections()? {
                    constituencies.extend(
                        r.constituencies(e.id())?
                            .iter()
                            .filter(|k| k.kind == ConstituencyKind::Circonscription)
                            .map(|k| k.id),
                    );
                }
                Ok((candidacies, constituencies))
            }));
            let deadline = Instant::now() + Duration::from_millis(ms);
            let handles: Vec<_> = who
                .into_iter()
                .map(|me| {
                    let campaign = Arc::clone(&campaign);
                    let (candidacies, constituencies) =
                        (candidacies.clone(), constituencies.clone());
                    thread::spawn(move || {
                        work(
                            &campaign,
                            me,
                            &candidacies,
                            &constituencies,
                            deadline,
                            me.get() as u64 * 7919 + u64::from(std::process::id()),
                        )
                    })
                })
                .collect();
            for handle in handles {
                let done = handle.join().expect("a worker thread");
                println!("{MARK}actions {}", done.actions);
                println!("{MARK}grants {}", done.grants);
                println!("{MARK}refusals {}", done.refusals);
                for c in done.taken {
                    println!("{MARK}taken {c}");
                }
                for e in done.errors {
                    println!("{MARK}error {e}");
                }
            }
            println!("{MARK}done");
        }
        other => panic!("unknown role {other}"),
    }
}

// ----- full disks and read-only files --------------------------------------------

/// A tmpfs mounted on a temporary folder, unmounted when dropped.
struct Tmpfs {
    dir: tempfile::TempDir,
}

impl Tmpfs {
    /// A tmpfs of `size` bytes; `None` (after saying why) where mounting is
    /// not allowed.
    fn mount(size: u64) -> Option<Tmpfs> {
        let dir = tempfile::tempdir().expect("a temporary folder");
        let status = Command::new("mount")
            .args(["-t", "tmpfs", "-o", &format!("size={size}"), "tmpfs"])
            .arg(dir.path())
            .stderr(Stdio::null())
            .status();
        match status {
            Ok(s) if s.success() => Some(Tmpfs { dir }),
            _ => {
                candidats_core::testing::say_skipped(
                    "the full-disk test",
                    "cannot mount a tmpfs here (root is needed)",
                );
                None
            }
        }
    }

    fn path(&self) -> &Path {
        self.dir.path()
    }

    fn remount(&self, options: &str) {
        let status = Command::new("mount")
            .args(["-o", &format!("remount,{options}")])
            .arg(self.path())
            .status()
            .expect("run mount");
        assert!(status.success(), "cannot remount {options}");
    }

    /// Fills the file system, and returns the file that fills it.
    fn fill(&self) -> PathBuf {
        use std::io::Write;

        let filler = self.path().join("filler");
        let mut file = std::fs::File::create(&filler).expect("a filler file");
        let block = vec![0u8; 64 * 1024];
        while file.write_all(&block).is_ok() {}
        let small = vec![0u8; 512];
        while file.write_all(&small).is_ok() {}
        let _ = file.sync_all();
        filler
    }
}

impl Drop for Tmpfs {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg("-l").arg(self.path()).status();
    }
}

/// The whole chain of an error, for messages.
fn chain(error: &Error) -> String {
    let mut text = error.to_string();
    let mut source = std::error::Error::source(error);
    while let Some(cause) = source {
        text.push_str(&format!(": {cause}"));
        source = cause.source();
    }
    text
}

fn import_file(campaign: &Campaign<DynStore>, text: &str, election: &str) -> Result<ImportSummary> {
    let mut reader =
        CandidateReader::new(text.as_bytes(), "legislatives.csv", &ReadOptions::default())?;
    let options = ImportOptions::new(election, ElectionKind::Legislatives);
    campaign.import(&mut reader, &options, &mut |_, _| Ok(()))
}

/// The kinds of store on disk.
fn disk_kinds() -> Vec<Kind> {
    Kind::all()
        .into_iter()
        .filter(|k| *k != Kind::Memory)
        .collect()
}

#[test]
fn a_full_disk_is_reported_and_changes_nothing() {
    for kind in disk_kinds() {
        let Some(fs) = Tmpfs::mount(6 << 20) else {
            return;
        };
        let path = fs.path().join("campagne");
        base_campaign(kind, &path);
        let store = kind.reopen(&path).expect("the store");
        let before = dump_store(&store);
        let campaign = Campaign::new(store.clone());
        let filler = fs.fill();

        let big = legislatives(3_000);
        let error = import_file(&campaign, &big, "Législatives 2024")
            .expect_err("an import on a full disk");
        let message = chain(&error);
        assert!(
            message.contains("full") || message.contains("No space left"),
            "{kind:?}: the error does not say the disk is full: {message}"
        );
        let small = campaign.record_action(
            ParticipantId::new(1),
            NewContactAction::new(CandidacyId::new(1), Channel::Email, Outcome::Sent),
        );
        assert!(small.is_err(), "{kind:?}: a write on a full disk succeeded");
        same(
            &dump_store(&store),
            &before,
            &format!("{kind:?}: the store changed"),
        );
        drop(campaign);
        drop(store);

        // Opened again while the disk is still full, then with room.
        if let Ok(store) = kind.reopen(&path) {
            same(
                &dump_store(&store),
                &before,
                &format!("{kind:?}: reopened on a full disk"),
            );
        }
        std::fs::remove_file(&filler).expect("make room");
        if kind == Kind::Sqlite {
            sqlite_checks(&path);
        }
        let store = kind.reopen(&path).expect("the store opens with room again");
        same(
            &dump_store(&store),
            &before,
            &format!("{kind:?}: after the disk was full"),
        );
        let campaign = Campaign::new(store);
        let summary = ok(import_file(
            &campaign,
            &legislatives(200),
            "Législatives 2024",
        ));
        assert_eq!(summary.candidacies, 200, "{kind:?}: the store works again");
        drop(campaign);
        if kind == Kind::Sqlite {
            sqlite_checks(&path);
        }
    }
}

/// Whether `chattr` can make files immutable here.
fn immutable(path: &Path, on: bool) -> bool {
    Command::new("chattr")
        .arg(if on { "+i" } else { "-i" })
        .arg(path)
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

/// Whether an error says that something is read-only.
fn says_read_only(message: &str) -> bool {
    let message = message.to_lowercase();
    [
        "read-only",
        "readonly",
        "not permitted",
        "permission denied",
    ]
    .iter()
    .any(|m| message.contains(m))
}

#[test]
fn a_read_only_folder_is_reported_and_changes_nothing() {
    for kind in disk_kinds() {
        let Some(fs) = Tmpfs::mount(16 << 20) else {
            return;
        };
        let path = fs.path().join("campagne");
        base_campaign(kind, &path);
        let before = dump_store(&kind.reopen(&path).expect("the store"));
        fs.remount("ro");

        match kind.reopen(&path) {
            Ok(store) => {
                same(
                    &dump_store(&store),
                    &before,
                    &format!("{kind:?}: read-only"),
                );
                let campaign = Campaign::new(store.clone());
                let error = import_file(&campaign, &legislatives(50), "Législatives 2024")
                    .expect_err("an import into a read-only folder");
                let message = chain(&error);
                assert!(
                    says_read_only(&message),
                    "{kind:?}: not said read-only: {message}"
                );
                let refused = campaign.register("Alice", None);
                assert!(refused.is_err(), "{kind:?}: a write in a read-only folder");
                same(
                    &dump_store(&store),
                    &before,
                    &format!("{kind:?}: the store changed"),
                );
            }
            Err(error) => {
                let message = chain(&error);
                assert!(
                    says_read_only(&message),
                    "{kind:?}: the store does not open, and does not say why: {message}"
                );
            }
        }

        fs.remount("rw");
        if kind == Kind::Sqlite {
            sqlite_checks(&path);
        }
        let store = kind.reopen(&path).expect("the store opens once writable");
        same(
            &dump_store(&store),
            &before,
            &format!("{kind:?}: after the folder was read-only"),
        );
        ok(Campaign::new(store).register("Alice", None));
    }
}

#[test]
fn a_read_only_file_is_reported_and_changes_nothing() {
    for kind in disk_kinds() {
        let Some(fs) = Tmpfs::mount(16 << 20) else {
            return;
        };
        let path = fs.path().join("campagne");
        base_campaign(kind, &path);
        let before = dump_store(&kind.reopen(&path).expect("the store"));
        let locked = match kind {
            Kind::Sqlite => path.clone(),
            _ => path.join("contact_actions.csv"),
        };
        if !immutable(&locked, true) {
            candidats_core::testing::say_skipped(
                "the read-only test",
                "chattr +i is not allowed here",
            );
            return;
        }

        let outcome = kind.reopen(&path).and_then(|store| {
            let campaign = Campaign::new(store.clone());
            let write = campaign.record_action(
                ParticipantId::new(1),
                NewContactAction::new(CandidacyId::new(1), Channel::Email, Outcome::Sent),
            );
            same(
                &dump_store(&store),
                &before,
                &format!("{kind:?}: the store changed"),
            );
            write.map(drop)
        });
        let error = outcome.expect_err("a write to a read-only file");
        let message = chain(&error);
        assert!(
            says_read_only(&message),
            "{kind:?}: the error does not say the file is read-only: {message}"
        );

        assert!(immutable(&locked, false));
        if kind == Kind::Sqlite {
            sqlite_checks(&path);
        }
        let store = kind.reopen(&path).expect("the store opens once writable");
        same(
            &dump_store(&store),
            &before,
            &format!("{kind:?}: after the file was read-only"),
        );
        ok(Campaign::new(store).register("Alice", None));
    }
}
