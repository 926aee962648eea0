// A throwaway PostgreSQL server for the tests and the documentation's
// examples: one per test binary, started on first use from the Debian
// layout (`/usr/lib/postgresql/*/bin`, or the folder named by
// `CANDIDATS_PG_BIN`), in a temporary folder, listening only on a unix
// socket there. As root, it runs as the `postgres` user (or `nobody`). A
// watchdog shell stops it and removes the folder when the test process ends,
// however it ends: it waits on a pipe whose only writer is this process.
//
// This file holds items only, so that the examples can `include!` it.

/// The running server: its socket folder and the pipe keeping it alive.
pub struct TestServer {
    socket_dir: std::path::PathBuf,
    admin: std::sync::Mutex<postgres::Client>,
    next: std::sync::atomic::AtomicU32,
    _watchdog: std::sync::Mutex<std::process::ChildStdin>,
}

impl std::fmt::Debug for TestServer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TestServer")
            .field("socket_dir", &self.socket_dir)
            .finish_non_exhaustive()
    }
}

/// The user the server runs as, and the tests connect as.
pub const TEST_USER: &str = "candidats";

impl TestServer {
    /// The server of this test process, started on first use; `None`, after
    /// saying so, when PostgreSQL is not installed.
    ///
    /// # Panics
    ///
    /// When PostgreSQL is installed but the server cannot be started.
    pub fn shared() -> Option<&'static TestServer> {
        static SERVER: std::sync::OnceLock<Option<TestServer>> = std::sync::OnceLock::new();
        let server = SERVER.get_or_init(TestServer::start).as_ref();
        if server.is_none() {
            // Once per test process.
            static SAID: std::sync::Once = std::sync::Once::new();
            SAID.call_once(|| {
                candidats_core::testing::say_skipped(
                    "the PostgreSQL tests of this program",
                    "PostgreSQL not installed (looked in /usr/lib/postgresql/*/bin and \
                     $CANDIDATS_PG_BIN)",
                );
            });
        }
        server
    }

    /// The URL of database `name` on this server.
    pub fn url(&self, name: &str) -> String {
        let dir = self.socket_dir.display().to_string().replace('/', "%2F");
        format!("postgresql://{TEST_USER}@{dir}/{name}")
    }

    /// A new, empty database; returns its name.
    ///
    /// # Panics
    ///
    /// When the server refuses to create it.
    pub fn create_database(&self, template: &str) -> String {
        let number = self
            .next
            .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let name = format!("campaign_{number}");
        self.admin(&format!("CREATE DATABASE {name} TEMPLATE {template}"));
        name
    }

    /// Runs a statement on the server's `postgres` database.
    ///
    /// # Panics
    ///
    /// When the statement fails.
    pub fn admin(&self, sql: &str) {
        let mut admin = match self.admin.lock() {
            Ok(admin) => admin,
            Err(poisoned) => poisoned.into_inner(),
        };
        if let Err(error) = admin.batch_execute(sql) {
            panic!("`{sql}` failed on the test server: {error}");
        }
    }

    fn start() -> Option<TestServer> {
        let bin = postgres_bin()?;
        let stamp = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.subsec_nanos())
            .unwrap_or_default();
        let dir = std::env::temp_dir().join(format!(
            "candidats-pg-{}-{stamp}",
            std::process::id()
        ));
        let data = dir.join("data");
        if let Err(error) = std::fs::create_dir_all(&dir) {
            panic!("cannot create {}: {error}", dir.display());
        }
        let user = server_user();
        if let Some(user) = &user {
            run(std::process::Command::new("chown").arg(user).arg(&dir));
        }

        let mut initdb = as_user(&user, &bin.join("initdb"));
        initdb
            .arg("-D")
            .arg(&data)
            .args(["-A", "trust", "-U", TEST_USER, "-E", "UTF8", "--locale=C"])
            .arg("--no-sync");
        run(&mut initdb);

        let postgres = as_user(&user, &bin.join("postgres"));
        let mut line: Vec<String> = std::iter::once(postgres.get_program())
            .chain(postgres.get_args())
            .map(|part| shell_quote(&part.to_string_lossy()))
            .collect();
        line.extend(
            [
                "-D",
                &data.display().to_string(),
                "-k",
                &dir.display().to_string(),
                "-c",
                "listen_addresses=",
                "-c",
                "fsync=off",
                "-c",
                "synchronous_commit=off",
                "-c",
                "full_page_writes=off",
                "-c",
                "max_connections=300",
            ]
            .iter()
            .map(|part| shell_quote(part)),
        );
        let script = format!(
            "{} >{} 2>&1 & pid=$!; read _; kill -INT $pid; wait $pid; rm -rf {}",
            line.join(" "),
            shell_quote(&dir.join("server.log").display().to_string()),
            shell_quote(&dir.display().to_string()),
        );
        let child = std::process::Command::new("sh")
            .arg("-c")
            .arg(script)
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::null())
            .spawn();
        let stdin = match child.map(|mut child| child.stdin.take()) {
            Ok(Some(stdin)) => stdin,
            _ => panic!("cannot start the test PostgreSQL server"),
        };

        let admin = connect_when_ready(&dir);
        let server = TestServer {
            socket_dir: dir,
            admin: std::sync::Mutex::new(admin),
            next: std::sync::atomic::AtomicU32::new(1),
            _watchdog: std::sync::Mutex::new(stdin),
        };
        server.admin("CREATE DATABASE migrated TEMPLATE template0");
        if let Err(error) = candidats_postgres::PostgresStore::open(&server.url("migrated")) {
            panic!("cannot migrate the template database: {error}");
        }
        Some(server)
    }
}

/// The folder of `initdb` and `postgres`: `CANDIDATS_PG_BIN`, or the newest
/// `/usr/lib/postgresql/*/bin`.
fn postgres_bin() -> Option<std::path::PathBuf> {
    if let Some(bin) = std::env::var_os("CANDIDATS_PG_BIN") {
        return Some(bin.into());
    }
    let mut versions: Vec<(u32, std::path::PathBuf)> = std::fs::read_dir("/usr/lib/postgresql")
        .ok()?
        .filter_map(|entry| entry.ok())
        .filter_map(|entry| {
            let version = entry.file_name().to_string_lossy().parse().ok()?;
            let bin = entry.path().join("bin");
            (bin.join("initdb").exists() && bin.join("postgres").exists()).then_some((version, bin))
        })
        .collect();
    versions.sort();
    versions.pop().map(|(_, bin)| bin)
}

/// As root, the unprivileged user to run the server as.
fn server_user() -> Option<String> {
    let uid = std::process::Command::new("id").arg("-u").output().ok()?;
    if String::from_utf8_lossy(&uid.stdout).trim() != "0" {
        return None;
    }
    for user in ["postgres", "nobody"] {
        let known = std::process::Command::new("id")
            .arg("-u")
            .arg(user)
            .output()
            .is_ok_and(|out| out.status.success());
        if known {
            return Some(user.to_string());
        }
    }
    panic!("running as root, and neither `postgres` nor `nobody` exists to run the server");
}

fn as_user(user: &Option<String>, program: &std::path::Path) -> std::process::Command {
    match user {
        Some(user) => {
            let mut command = std::process::Command::new("setpriv");
            command
                .arg(format!("--reuid={user}"))
                .arg(format!("--regid={user}"))
                .arg("--init-groups")
                .arg("--")
                .arg(program);
            command
        }
        None => std::process::Command::new(program),
    }
}

fn run(command: &mut std::process::Command) {
    match command.output() {
        Ok(out) if out.status.success() => {}
        Ok(out) => panic!(
            "{command:?} failed: {}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        ),
        Err(error) => panic!("cannot run {command:?}: {error}"),
    }
}

fn shell_quote(text: &str) -> String {
    format!("'{}'", text.replace('\'', r"'\''"))
}

fn connect_when_ready(dir: &std::path::Path) -> postgres::Client {
    let params = format!(
        "host={} user={TEST_USER} dbname=postgres",
        dir.display()
    );
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
    loop {
        match postgres::Client::connect(&params, postgres::NoTls) {
            Ok(client) => return client,
            Err(error) if std::time::Instant::now() > deadline => {
                let log = std::fs::read_to_string(dir.join("server.log")).unwrap_or_default();
                panic!("the test PostgreSQL server did not start: {error}\n{log}");
            }
            Err(_) => std::thread::sleep(std::time::Duration::from_millis(50)),
        }
    }
}

/// The URL of a new database holding an up-to-date, empty campaign schema;
/// `None`, after saying so, when PostgreSQL is not installed.
pub fn fresh_database_url() -> Option<String> {
    let server = TestServer::shared()?;
    Some(server.url(&server.create_database("migrated")))
}
