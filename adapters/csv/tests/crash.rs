//! A write interrupted at any point leaves a folder that reopens to the
//! state before it or the state after it, never a mix.
//!
//! Two ways to interrupt: a failure injected after the N-th file operation,
//! for every N a write takes (and the same while opening); and SIGKILL sent
//! to a child process that writes in a loop.

mod common;

use std::io::{BufRead, BufReader, Write};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Duration;

use candidats_core::testing::fixtures::{ok, start};
use candidats_core::*;
use candidats_csv::CsvStore;
use common::{dump, Dump};

/// The first write: two participants and a pledge.
fn setup(w: &mut dyn CampaignWrite) -> Result<()> {
    for i in 1..=2 {
        add_participant(w, i)?;
    }
    w.put_pledge(&Pledge {
        id: PledgeId::new(1),
        name: Name::new("Pacte du Logiciel Libre")?,
        version: 1,
        text: "Je m'engage, \"vraiment\"\n".into(),
    })
}

/// A participant, their template and an audit entry: three files.
fn add_participant(w: &mut dyn CampaignWrite, i: i64) -> Result<()> {
    w.put_participant(&Participant {
        id: ParticipantId::new(i),
        name: Name::new(format!("p{i}"))?,
        email: None,
        moderator: false,
        registered_at: start(),
    })?;
    w.put_template(&Template {
        id: TemplateId::new(i),
        owner: ParticipantId::new(i),
        name: Name::new(format!("modèle de p{i}"))?,
        subject: "Pacte".into(),
        body: "=+; {{surname}}".into(),
    })?;
    w.append_audit(&AuditRecord {
        id: AuditId::new(i),
        actor: Some(ParticipantId::new(i)),
        at: start(),
        source: None,
        kind: RecordKind::Participant,
        record: i,
        action: AuditAction::Create,
        before: None,
        after: Some(serde_json::json!({ "name": format!("p{i}") })),
        person: None,
        reverts: None,
    })
}

/// The write that is interrupted: changes four files and the manifest.
fn change(w: &mut dyn CampaignWrite) -> Result<()> {
    add_participant(w, 3)?;
    let mut pledge = w.pledge(PledgeId::new(1))?;
    pledge.version = 2;
    w.put_pledge(&pledge)
}

fn states() -> (Dump, Dump) {
    let memory = MemoryStore::new();
    ok(memory.write_with(setup));
    let old = dump(&memory);
    ok(memory.write_with(change));
    (old, dump(&memory))
}

fn leftovers(dir: &Path) -> Vec<String> {
    [".staging", ".committed"]
        .iter()
        .filter(|name| dir.join(name).exists())
        .map(|name| name.to_string())
        .collect()
}

/// Reopens a folder after a crash, checks it holds `old` or `new` and no
/// leftovers, and that it takes writes again. Returns whether it held `new`.
fn reopen_old_or_new(dir: &Path, old: &Dump, new: &Dump, context: &str) -> bool {
    let store = match CsvStore::open(dir) {
        Ok(store) => store,
        Err(error) => panic!("{context}: the folder does not reopen: {error}"),
    };
    let state = dump(&store);
    assert!(
        state == *old || state == *new,
        "{context}: the folder holds neither the old nor the new state: {state:?}"
    );
    assert_eq!(leftovers(dir), Vec::<String>::new(), "{context}: leftovers");

    let next = ok(store.read_with(|r| Ok(r.participants()?.len()))) as i64 + 1;
    ok(store.write_with(|w| add_participant(w, next)));
    drop(store);
    let again = ok(CsvStore::open(dir));
    assert_eq!(
        ok(again.read_with(|r| Ok(r.participants()?.len()))) as i64,
        next
    );
    state == *new
}

#[test]
fn a_write_failing_at_any_file_operation_leaves_old_or_new_state() {
    let (old, new) = states();
    let mut outcomes = Vec::new();

    for n in 0.. {
        let temp = tempfile::tempdir().expect("temporary folder");
        let dir = temp.path().join("store");
        let store = ok(CsvStore::open(&dir));
        ok(store.write_with(setup));

        store.fail_after(Some(n));
        let result = store.write_with(change);
        let operations = store.file_operations();
        if result.is_ok() {
            assert_eq!(
                dump(&store),
                new,
                "step {n}: memory after a write reported done"
            );
        } else {
            assert_eq!(dump(&store), old, "step {n}: memory after a failed write");
        }
        drop(store);

        let context = format!("failure after {n} file operations");
        let is_new = reopen_old_or_new(&dir, &old, &new, &context);
        if result.is_ok() {
            assert!(is_new, "{context}: a write reported done was lost");
        }
        outcomes.push((result.is_ok(), is_new));
        if operations <= n {
            break;
        }
    }

    let failed_old = outcomes.iter().filter(|o| **o == (false, false)).count();
    let failed_new = outcomes.iter().filter(|o| **o == (false, true)).count();
    let done_new = outcomes.iter().filter(|o| **o == (true, true)).count();
    assert!(
        outcomes.len() > 15,
        "a write of 5 files took {} steps",
        outcomes.len() - 1
    );
    assert!(
        failed_old > 0 && failed_new > 0 && done_new > 1,
        "{outcomes:?}"
    );
}

/// A folder whose last write failed right after its commit point, leaving
/// `.committed/` to finish.
fn committed_but_unfinished() -> (tempfile::TempDir, std::path::PathBuf) {
    for fail_at in 0.. {
        let temp = tempfile::tempdir().expect("temporary folder");
        let dir = temp.path().join("store");
        let store = ok(CsvStore::open(&dir));
        ok(store.write_with(setup));

        store.fail_after(Some(fail_at));
        let result = store.write_with(change);
        let operations = store.file_operations();
        drop(store);
        if result.is_ok() && dir.join(".committed").exists() {
            return (temp, dir);
        }
        assert!(operations > fail_at, "no write left its commit behind");
    }
    unreachable!("the loop only ends by returning")
}

#[test]
fn a_crash_while_finishing_an_interrupted_write_still_leaves_the_new_state() {
    let (old, new) = states();

    for n in 0.. {
        let (_temp, dir) = committed_but_unfinished();
        assert_eq!(leftovers(&dir), vec![".committed".to_string()]);

        let reopened = CsvStore::open_failing_after(&dir, n);
        let finished = reopened.is_ok();
        if let Ok(store) = &reopened {
            assert!(store.recovered());
        }
        drop(reopened);

        let context = format!("opening failed after {n} file operations");
        assert!(
            reopen_old_or_new(&dir, &old, &new, &context),
            "{context}: lost the write"
        );
        if finished {
            break;
        }
    }
}

#[test]
fn creating_a_store_failing_at_any_step_leaves_a_folder_that_opens() {
    for n in 0.. {
        let temp = tempfile::tempdir().expect("temporary folder");
        let dir = temp.path().join("store");

        let created = CsvStore::open_failing_after(&dir, n).is_ok();

        let store = match CsvStore::open(&dir) {
            Ok(store) => store,
            Err(error) => panic!("failure after {n} steps of creation: {error}"),
        };
        assert_eq!(dump(&store).len(), 0);
        assert_eq!(leftovers(&dir), Vec::<String>::new());
        if created {
            break;
        }
    }
}

const CHILD_DIR: &str = "CANDIDATS_CSV_CHILD_DIR";

/// Run as a child process by `killed_writers_leave_old_or_new_state`:
/// writes a participant, their template and an audit entry per write, and
/// prints `ack N` once write N returned.
#[test]
#[ignore = "run as a child process by killed_writers_leave_old_or_new_state"]
fn child_writer() {
    let dir = std::env::var(CHILD_DIR).expect("the folder to write in");
    let store = ok(CsvStore::open(&dir));
    let first = ok(store.read_with(|r| Ok(r.participants()?.len()))) as i64 + 1;
    let mut out = std::io::stdout();
    for i in first..first + 100_000 {
        ok(store.write_with(|w| add_participant(w, i)));
        writeln!(out, "ack {i}").expect("write to the parent");
        out.flush().expect("flush to the parent");
    }
}

fn spawn_writer(dir: &Path) -> std::process::Child {
    Command::new(std::env::current_exe().expect("the test binary"))
        .args([
            "child_writer",
            "--exact",
            "--ignored",
            "--nocapture",
            "--test-threads=1",
        ])
        .env(CHILD_DIR, dir)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("spawn the child writer")
}

/// The number of a write the child acknowledged on this line of its output
/// (the test harness may print its own text before it).
fn acknowledgement(line: &str) -> Option<i64> {
    let (_, n) = line.rsplit_once("ack ")?;
    n.trim().parse().ok()
}

/// A small pseudo-random sequence, enough to vary the kill times.
struct Dice(u64);

impl Dice {
    fn roll(&mut self, below: u64) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0 % below
    }
}

#[test]
fn killed_writers_leave_old_or_new_state() {
    let temp = tempfile::tempdir().expect("temporary folder");
    let dir = temp.path().join("store");
    drop(ok(CsvStore::open(&dir)));
    let seed = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(1, |d| d.as_nanos() as u64)
        | 1;
    let mut dice = Dice(seed);
    let mut acknowledged = 0;
    let mut recoveries = 0;

    for round in 0..25 {
        let mut child = spawn_writer(&dir);
        let pid = child.id();
        let mut lines = BufReader::new(child.stdout.take().expect("the child's output")).lines();
        let wait_for = acknowledged + 1 + dice.roll(6) as i64;
        let mut last = acknowledged;
        while last < wait_for {
            let line = match lines.next() {
                Some(Ok(line)) => line,
                other => panic!("round {round}: the child writer stopped: {other:?}"),
            };
            if let Some(n) = acknowledgement(&line) {
                last = n;
            }
        }
        if round == 0 {
            let error = CsvStore::open(&dir)
                .err()
                .map(|e| e.to_string())
                .unwrap_or_default();
            assert!(
                error.contains(&format!("already open by process {pid} since")),
                "a second writer was not refused: {error}"
            );
        }
        std::thread::sleep(Duration::from_micros(dice.roll(4000)));
        child.kill().expect("kill the child writer");
        child.wait().expect("wait for the child writer");
        for line in lines.map_while(std::result::Result::ok) {
            if let Some(n) = acknowledgement(&line) {
                last = n;
            }
        }
        acknowledged = last;

        let store = ok(CsvStore::open(&dir));
        assert_eq!(
            store.previous_holder(),
            Some(pid),
            "round {round}: stale lock"
        );
        recoveries += usize::from(store.recovered());
        let state = dump(&store);
        let n = state.participants.len() as i64;
        assert!(
            n == acknowledged || n == acknowledged + 1,
            "round {round}: {n} participants after {acknowledged} acknowledged writes"
        );
        assert_eq!(state.templates.len() as i64, n, "round {round}: templates");
        assert_eq!(state.audit.len() as i64, n, "round {round}: audit entries");
        for (i, p) in state.participants.iter().enumerate() {
            assert_eq!(p.name.as_str(), format!("p{}", i + 1));
            assert_eq!(state.templates[i].owner, p.id);
        }
        assert_eq!(leftovers(&dir), Vec::<String>::new());
        acknowledged = n;
    }
    eprintln!("25 kills, {acknowledged} writes kept, {recoveries} interrupted writes recovered");
}
