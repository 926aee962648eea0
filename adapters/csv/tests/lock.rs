//! One writer per folder: a second opener is refused with the holder's
//! process identifier; a lock left by a dead process is taken over.

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Command, Stdio};

use candidats_core::testing::fixtures::ok;
use candidats_core::Error;
use candidats_csv::CsvStore;

fn lock_text(dir: &Path) -> String {
    std::fs::read_to_string(dir.join("candidats.lock")).expect("read the lock file")
}

#[test]
fn a_second_open_in_the_same_process_is_refused_naming_the_holder() {
    let temp = tempfile::tempdir().expect("temporary folder");
    let first = ok(CsvStore::open(temp.path()));

    let second = CsvStore::open(temp.path());

    let error = second.err();
    assert!(matches!(error, Some(Error::Conflict { .. })), "{error:?}");
    let message = error.map(|e| e.to_string()).unwrap_or_default();
    let pid = std::process::id();
    assert!(
        message.contains(&format!("already open by process {pid} since 20")),
        "{message}"
    );
    assert!(message.contains("candidats.lock"), "{message}");
    drop(first);
    let again = ok(CsvStore::open(temp.path()));
    assert_eq!(again.previous_holder(), None);
}

#[test]
fn closing_empties_the_lock_file() {
    let temp = tempfile::tempdir().expect("temporary folder");
    let store = ok(CsvStore::open(temp.path()));
    assert!(lock_text(temp.path()).starts_with(&format!("pid={}\nsince=", std::process::id())));

    drop(store);

    assert_eq!(lock_text(temp.path()), "");
}

#[test]
fn a_stale_lock_of_a_dead_process_is_taken_over() {
    let temp = tempfile::tempdir().expect("temporary folder");
    drop(ok(CsvStore::open(temp.path())));
    let mut gone = Command::new(std::env::current_exe().expect("the test binary"))
        .arg("--list")
        .stdout(Stdio::null())
        .spawn()
        .expect("spawn a short-lived process");
    let dead = gone.id();
    gone.wait().expect("wait for it to end");
    std::fs::write(
        temp.path().join("candidats.lock"),
        format!("pid={dead}\nsince=2015-11-10T09:00:00Z\n"),
    )
    .expect("write a stale lock");

    let store = ok(CsvStore::open(temp.path()));

    assert_eq!(store.previous_holder(), Some(dead));
    assert!(lock_text(temp.path()).starts_with(&format!("pid={}\n", std::process::id())));
}

const CHILD_DIR: &str = "CANDIDATS_CSV_HOLDER_DIR";

/// Run as a child process: opens the store, says so, and keeps it open
/// until its standard input closes.
#[test]
#[ignore = "run as a child process by the tests of another process's lock"]
fn child_holder() {
    let dir = std::env::var(CHILD_DIR).expect("the folder to open");
    let store = ok(CsvStore::open(&dir));
    println!("holder open");
    let mut line = String::new();
    while std::io::stdin()
        .read_line(&mut line)
        .map(|n| n > 0)
        .unwrap_or(false)
    {}
    drop(store);
}

fn spawn_holder(dir: &Path) -> std::process::Child {
    let mut child = Command::new(std::env::current_exe().expect("the test binary"))
        .args([
            "child_holder",
            "--exact",
            "--ignored",
            "--nocapture",
            "--test-threads=1",
        ])
        .env(CHILD_DIR, dir)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("spawn the child holder");
    let out = child.stdout.take().expect("the child's output");
    let opened = BufReader::new(out)
        .lines()
        .map_while(std::result::Result::ok)
        .any(|line| line.ends_with("holder open"));
    assert!(opened, "the child could not open the store");
    child
}

#[test]
fn another_process_holding_the_folder_is_named_then_released() {
    let temp = tempfile::tempdir().expect("temporary folder");
    let mut child = spawn_holder(temp.path());

    let message = CsvStore::open(temp.path())
        .err()
        .map(|e| e.to_string())
        .unwrap_or_default();

    assert!(
        message.contains(&format!("already open by process {} since", child.id())),
        "{message}"
    );
    drop(child.stdin.take());
    child.wait().expect("wait for the child");
    let store = ok(CsvStore::open(temp.path()));
    assert_eq!(
        store.previous_holder(),
        None,
        "a clean close left its name behind"
    );
}

#[test]
fn a_killed_holder_leaves_a_lock_that_is_taken_over() {
    let temp = tempfile::tempdir().expect("temporary folder");
    let mut child = spawn_holder(temp.path());
    let pid = child.id();

    child.kill().expect("kill the child");
    child.wait().expect("wait for the child");

    let store = ok(CsvStore::open(temp.path()));
    assert_eq!(store.previous_holder(), Some(pid));
}
