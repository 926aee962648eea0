//! The example programs `import_lists` and `report`: their logic called
//! directly, and their binaries run through `--json`, on the shipped sample
//! and, when `../shared/data` exists, on the Ministry's real files.

// Each example brings its own copy of `examples/common`.
#![allow(clippy::duplicate_mod)]

#[allow(dead_code)]
#[path = "../examples/import_lists.rs"]
mod import_lists;
#[allow(dead_code)]
#[path = "../examples/report.rs"]
mod report;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use clap::Parser;
use serde_json::Value;

const SAMPLE: &str = "examples/data/legislatives-2024-sample.csv";

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn store_url(dir: &Path) -> String {
    format!("sqlite:{}", dir.join("campaign.db").display())
}

fn import(arguments: &[&str]) -> (import_lists::Totals, Value) {
    let args = import_lists::Args::parse_from(
        std::iter::once("import_lists").chain(arguments.iter().copied()),
    );
    let mut out = Vec::new();
    let totals = import_lists::run(&args, &mut out, false).unwrap_or_else(|e| panic!("{e}"));
    let json = serde_json::from_slice(&out).unwrap_or(Value::Null);
    (totals, json)
}

fn report(arguments: &[&str]) -> (candidats::ProgressReport, String) {
    let args = report::Args::parse_from(std::iter::once("report").chain(arguments.iter().copied()));
    let mut out = Vec::new();
    let report = report::run(&args, &mut out, false).unwrap_or_else(|e| panic!("{e}"));
    (report, String::from_utf8(out).unwrap())
}

#[test]
fn the_sample_imports_once_and_reports() {
    let dir = tempfile::tempdir().unwrap();
    let store = store_url(dir.path());
    let sample = repo().join(SAMPLE);
    let sample = sample.to_str().unwrap();

    let (totals, json) = import(&["--store", &store, "--json", sample]);
    assert_eq!(
        (
            totals.candidacies,
            totals.substitutes,
            totals.constituencies,
            totals.persons
        ),
        (133, 133, 22, 266)
    );
    assert_eq!((totals.rejected, totals.created), (0, 266));
    for (key, value) in [
        ("candidacies", 133),
        ("persons", 266),
        ("lists", 0),
        ("sections", 0),
        ("constituencies", 22),
        ("heads_of_list", 0),
        ("heads_of_section", 0),
        ("substitutes", 133),
        ("rejected", 0),
        ("created", 266),
        ("updated", 0),
        ("unchanged", 0),
        ("withdrawn", 0),
    ] {
        assert_eq!(json[key], value, "{key}");
    }
    assert_eq!(
        json["files"][0]["layout"],
        "Législatives 2024 (Ministère de l'Intérieur)"
    );

    let (again, _) = import(&["--store", &store, sample]);
    assert_eq!((again.created, again.unchanged), (0, 266));

    let (figures, text) = report(&["--store", &store]);
    assert_eq!((figures.candidacies, figures.contacted), (133, 0));
    assert_eq!(figures.without_contact_detail, 133);
    assert!(
        text.starts_with("Bilan d'étape — toute la campagne\n"),
        "{text}"
    );
    assert!(
        text.contains("candidats sans coordonnées connues         133 (100,0\u{202f}%)"),
        "{text}"
    );
    assert!(text.contains("Finistère (29)"), "{text}");

    // One contact, and the report counts it.
    {
        use candidats::*;
        let campaign =
            Campaign::new(candidats::open(&store).unwrap()).with_policy(GrantPolicy::Automatic);
        let alice = campaign.register("Alice", None).unwrap();
        let first = campaign
            .store()
            .read_with(|r| r.candidacies(&Scope::default()))
            .unwrap()[0]
            .id;
        campaign
            .request_responsibility(alice.id, Target::Candidacy(first), None, IfTaken::Refuse)
            .unwrap();
        campaign
            .record_action(
                alice.id,
                NewContactAction::new(first, Channel::Email, Outcome::Sent),
            )
            .unwrap();
    }
    let (figures, text) = report(&["--store", &store]);
    assert_eq!((figures.contacted, figures.contact_actions), (1, 1));
    assert!(
        text.contains("candidats contactés                        1 (0,8\u{202f}%)"),
        "{text}"
    );
    assert!(
        text.contains(
            "candidats à un siège contactés             1 sur 133 (0,8\u{202f}%), dont 0 signataires (0,0\u{202f}%)"
        ),
        "{text}"
    );
    assert!(text.contains("Alice"), "{text}");

    let (scoped, text) = report(&[
        "--store",
        &store,
        "--election",
        "Législatives 2024",
        "--round",
        "1",
        "--constituency",
        "2A",
        "--json",
    ]);
    assert_eq!(scoped.candidacies, 16);
    let json: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(json["candidacies"], 16);
}

#[test]
fn skipped_lines_are_counted_and_written_to_the_rejects_file() {
    let dir = tempfile::tempdir().unwrap();
    let store = store_url(dir.path());
    let rejects = dir.path().join("rejects.csv");
    let broken = repo().join("adapters/import/tests/fixtures/legislatives-2024-broken.csv");

    let (totals, json) = import(&[
        "--store",
        &store,
        "--skip-invalid",
        rejects.to_str().unwrap(),
        "--json",
        broken.to_str().unwrap(),
    ]);

    assert_eq!((totals.candidacies, totals.rejected), (2, 7));
    assert_eq!(json["rejected"], 7);
    let written = std::fs::read_to_string(&rejects).unwrap();
    assert_eq!(written.lines().count(), 1 + 7);
    assert!(
        written.starts_with("file,line,column,field,reason\n"),
        "{written}"
    );
}

#[test]
fn unknown_scopes_are_refused_with_what_is_known() {
    let dir = tempfile::tempdir().unwrap();
    let store = store_url(dir.path());
    let sample = repo().join(SAMPLE);
    import(&["--store", &store, sample.to_str().unwrap()]);

    let args = report::Args::parse_from(["report", "--store", &store, "--election", "Européennes"]);
    let error = report::run(&args, &mut Vec::new(), false)
        .err()
        .map(|e| e.to_string());
    assert_eq!(
        error.as_deref(),
        Some("no election is named `Européennes` (known: Législatives 2024)")
    );
}

/// An example's binary, built (or found up to date) beside the test
/// binaries, with this test's profile and features.
fn example_binary(name: &str) -> PathBuf {
    let exe = std::env::current_exe().unwrap();
    let profile_dir = exe.parent().and_then(Path::parent).unwrap();
    let target_dir = profile_dir.parent().unwrap();
    let profile = match profile_dir.file_name().and_then(|n| n.to_str()) {
        Some("debug") | None => "dev".to_string(),
        Some(other) => other.to_string(),
    };
    let features: Vec<&str> = [
        ("sqlite", cfg!(feature = "sqlite")),
        ("csv", cfg!(feature = "csv")),
        ("postgres", cfg!(feature = "postgres")),
        ("postgres-tls", cfg!(feature = "postgres-tls")),
    ]
    .into_iter()
    .filter_map(|(name, on)| on.then_some(name))
    .collect();

    let status = Command::new(env!("CARGO"))
        .current_dir(repo())
        .args(["build", "--quiet", "--example", name, "--profile", &profile])
        .args(["--no-default-features", "--features", &features.join(",")])
        .arg("--target-dir")
        .arg(target_dir)
        .status()
        .unwrap();
    assert!(status.success(), "cannot build the example {name}");
    profile_dir
        .join("examples")
        .join(format!("{name}{}", std::env::consts::EXE_SUFFIX))
}

fn run_example(name: &str, arguments: &[&str]) -> Output {
    Command::new(example_binary(name))
        .current_dir(repo())
        .args(arguments)
        .env_remove("RUST_LOG")
        .output()
        .unwrap()
}

/// The values of `keys` in a program's JSON output, in that order.
fn fields(json: &Value, keys: &[&str]) -> Vec<Value> {
    keys.iter().map(|key| json[*key].clone()).collect()
}

fn json_of(output: &Output) -> Value {
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    serde_json::from_slice(&output.stdout).unwrap()
}

#[test]
fn the_example_binaries_on_the_sample() {
    let dir = tempfile::tempdir().unwrap();
    let store = store_url(dir.path());

    let imported = json_of(&run_example(
        "import_lists",
        &["--store", &store, "--json", SAMPLE],
    ));
    assert_eq!(
        (
            &imported["candidacies"],
            &imported["substitutes"],
            &imported["constituencies"]
        ),
        (&Value::from(133), &Value::from(133), &Value::from(22))
    );
    assert_eq!(imported["persons"], 266);

    let reported = json_of(&run_example("report", &["--store", &store, "--json"]));
    assert_eq!(reported["candidacies"], 133);
    assert_eq!(reported["roles"]["single_seat"]["total"], 133);
}

#[test]
fn the_example_binaries_fail_with_the_whole_error_chain() {
    let output = run_example("import_lists", &["--store", "memory:", "no-such-file.csv"]);

    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.starts_with("error: cannot open no-such-file.csv\n  caused by: "),
        "{stderr}"
    );
}

#[test]
fn the_example_binaries_on_the_real_files() {
    let data = repo().join("../shared/data");
    if !data.is_dir() {
        candidats_core::testing::say_skipped(
            "the example binaries on the real files",
            "../shared/data not found",
        );
        return;
    }
    let file = |name: &str| data.join(name).display().to_string();
    let t1 = file("legislatives-2024-candidatures-france-entiere-tour-1-2024-06-28.csv");
    let t2 = file("legislatives-2024-candidatures-france-entiere-tour-2-2024-07-05.csv");
    let regionales = file("regionales-2021-t1-candidats-derived.csv");
    let dir = tempfile::tempdir().unwrap();
    let store = store_url(dir.path());
    let rejects = dir.path().join("rejects.csv").display().to_string();

    let first = json_of(&run_example(
        "import_lists",
        &["--store", &store, "--json", &t1],
    ));
    assert_eq!(
        (
            &first["candidacies"],
            &first["substitutes"],
            &first["constituencies"]
        ),
        (&Value::from(4009), &Value::from(4009), &Value::from(577))
    );
    let first_again = json_of(&run_example(
        "import_lists",
        &["--store", &store, "--json", &t1],
    ));
    assert_eq!(
        fields(&first_again, &["created", "updated", "unchanged"]),
        [0, 0, 8018]
    );

    let second = json_of(&run_example(
        "import_lists",
        &["--store", &store, "--round", "2", "--json", &t2],
    ));
    assert_eq!(
        (
            &second["candidacies"],
            &second["substitutes"],
            &second["constituencies"]
        ),
        (&Value::from(1094), &Value::from(1094), &Value::from(501))
    );
    assert_eq!(
        (&second["persons_reused"], &second["persons_created"]),
        (&Value::from(2188), &Value::from(0))
    );

    let again = json_of(&run_example(
        "import_lists",
        &["--store", &store, "--round", "2", "--json", &t2],
    ));
    assert_eq!(
        (&again["created"], &again["updated"], &again["unchanged"]),
        (&Value::from(0), &Value::from(0), &Value::from(2188))
    );

    // Round 1 again after round 2: the corrections of round 2 stay.
    let first_after_second = json_of(&run_example(
        "import_lists",
        &["--store", &store, "--json", &t1],
    ));
    assert_eq!(
        fields(
            &first_after_second,
            &["created", "updated", "unchanged", "persons_created"]
        ),
        [0, 0, 8018, 0]
    );

    let regional = json_of(&run_example(
        "import_lists",
        &[
            "--store",
            &store,
            "--skip-invalid",
            &rejects,
            "--json",
            &regionales,
        ],
    ));
    assert_eq!(
        (
            &regional["lists"],
            &regional["sections"],
            &regional["constituencies"]
        ),
        (&Value::from(155), &Value::from(934), &Value::from(17))
    );
    assert_eq!(
        (&regional["heads_of_list"], &regional["heads_of_section"]),
        (&Value::from(155), &Value::from(934))
    );
    assert_eq!(
        (&regional["candidacies"], &regional["rejected"]),
        (&Value::from(19_084), &Value::from(0))
    );
    // Persons who stood in both elections are found by name and date of
    // birth.
    assert_eq!(regional["persons_reused"], 1141);
    let regional_again = json_of(&run_example(
        "import_lists",
        &["--store", &store, "--json", &regionales],
    ));
    assert_eq!(
        fields(
            &regional_again,
            &["created", "updated", "unchanged", "rejected"]
        ),
        [0, 0, 19_084, 0]
    );

    let report = json_of(&run_example(
        "report",
        &["--store", &store, "--election", "Régionales 2021", "--json"],
    ));
    assert_eq!(report["candidacies"], 19_084);
    assert_eq!(report["heads_of_list"]["total"], 155);
    assert_eq!(report["heads_of_section"]["total"], 934);
}

/// `copy_store` moves a campaign from SQLite to a CSV folder and back: the
/// report is the same on every copy, and a target that already holds
/// records is refused.
#[cfg(feature = "csv")]
#[test]
fn the_copy_program_moves_a_campaign_between_stores() {
    let dir = tempfile::tempdir().unwrap();
    let source = store_url(dir.path());
    let folder = format!("csv:{}", dir.path().join("folder").display());
    let back = format!("sqlite:{}", dir.path().join("back.db").display());
    json_of(&run_example(
        "import_lists",
        &["--store", &source, "--json", SAMPLE],
    ));

    for (from, to) in [(&source, &folder), (&folder, &back)] {
        let copied = run_example("copy_store", &["--from", from, "--to", to]);
        let stdout = String::from_utf8_lossy(&copied.stdout);
        assert!(
            copied.status.success(),
            "{}",
            String::from_utf8_lossy(&copied.stderr)
        );
        assert!(stdout.contains("copied "), "{stdout}");
    }

    let reports: Vec<Value> = [&source, &folder, &back]
        .into_iter()
        .map(|store| {
            let mut report = json_of(&run_example("report", &["--store", store, "--json"]));
            // The instant each report was made is the only difference allowed.
            report["generated_at"] = Value::Null;
            report
        })
        .collect();
    assert_eq!(reports[0]["candidacies"], 133);
    assert_eq!(reports[0], reports[1]);
    assert_eq!(reports[0], reports[2]);

    let refused = run_example("copy_store", &["--from", &source, "--to", &back]);
    assert!(!refused.status.success());
    let stderr = String::from_utf8_lossy(&refused.stderr);
    assert!(stderr.starts_with("error: "), "{stderr}");
}
