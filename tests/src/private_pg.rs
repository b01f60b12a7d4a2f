//! A private PostgreSQL server for tests that must stop and start the database under a running
//! server. The shared server on 127.0.0.1:5432 serves every other test, so it is never touched:
//! this one lives in a temporary directory, on a free loopback port, with trust authentication,
//! and is removed when the test ends.
//!
//! It needs PostgreSQL's server binaries (`initdb`, `pg_ctl`; Debian's `postgresql` package, which
//! `.ci/run` installs where it is missing). In the PostgreSQL pass (`TEST_DATABASE_URL` set) a
//! missing binary fails the test; on a machine with neither, [`PrivatePostgres::available`] lets
//! the SQLite-only suite say so and carry on.
//! As root, the server runs as the `postgres` user, since PostgreSQL refuses to run as root.

use std::{
    net::TcpListener,
    path::{Path, PathBuf},
    process::{Command, Output},
};

use uuid::Uuid;

pub struct PrivatePostgres {
    bin: PathBuf,
    dir: PathBuf,
    pub port: u16,
}

impl PrivatePostgres {
    /// Whether a private server can be started here: PostgreSQL's server binaries are installed,
    /// or this is the PostgreSQL pass, where their absence must fail the test.
    pub fn available() -> bool {
        crate::backend_is_postgres() || find_server_binaries().is_some()
    }

    /// Creates and starts a fresh cluster.
    pub fn start() -> PrivatePostgres {
        let bin = server_binaries();
        let dir = std::env::temp_dir().join(format!("asb-pg-{}", Uuid::new_v4().simple()));
        std::fs::create_dir_all(&dir).expect("create cluster directory");
        let port = free_port();
        let cluster = PrivatePostgres { bin, dir, port };
        if is_root() {
            run(Command::new("chown")
                .args(["-R", "postgres:postgres"])
                .arg(&cluster.dir));
        }
        let data = cluster.data_dir();
        cluster.as_server_user(
            cluster.bin.join("initdb"),
            &[
                "-D",
                path(&data),
                "-U",
                "postgres",
                "--auth=trust",
                "--no-sync",
                "-E",
                "UTF8",
            ],
        );
        cluster.resume();
        cluster
    }

    /// The URL of its `postgres` database.
    pub fn url(&self) -> String {
        format!("postgres://postgres@127.0.0.1:{}/postgres", self.port)
    }

    /// Stops the server at once, as a crash or a failover would (`immediate`: no checkpoint,
    /// every connection cut).
    pub fn stop(&self) {
        self.as_server_user(
            self.bin.join("pg_ctl"),
            &[
                "-D",
                path(&self.data_dir()),
                "-m",
                "immediate",
                "-w",
                "stop",
            ],
        );
    }

    /// Starts it again on the same port, waiting until it accepts connections.
    pub fn resume(&self) {
        let options = format!(
            "-p {} -c listen_addresses=127.0.0.1 -k {} -c fsync=off",
            self.port,
            self.dir.display()
        );
        let log = self.dir.join("server.log");
        self.as_server_user(
            self.bin.join("pg_ctl"),
            &[
                "-D",
                path(&self.data_dir()),
                "-o",
                &options,
                "-l",
                path(&log),
                "-w",
                "start",
            ],
        );
    }

    fn data_dir(&self) -> PathBuf {
        self.dir.join("data")
    }

    fn as_server_user(&self, program: PathBuf, args: &[&str]) {
        let mut cmd = if is_root() {
            let mut c = Command::new("runuser");
            c.args(["-u", "postgres", "--"]).arg(program);
            c
        } else {
            Command::new(program)
        };
        cmd.args(args).current_dir(&self.dir);
        run(&mut cmd);
    }
}

impl Drop for PrivatePostgres {
    fn drop(&mut self) {
        let pg_ctl = self.bin.join("pg_ctl");
        let data = self.data_dir();
        let mut cmd = if is_root() {
            let mut c = Command::new("runuser");
            c.args(["-u", "postgres", "--"]).arg(pg_ctl);
            c
        } else {
            Command::new(pg_ctl)
        };
        let _ = cmd
            .args(["-D", path(&data), "-m", "immediate", "stop"])
            .output();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

fn server_binaries() -> PathBuf {
    find_server_binaries().expect(
        "PostgreSQL's server binaries (pg_ctl, initdb) are missing under /usr/lib/postgresql: \
         install the postgresql package (.ci/run does)",
    )
}

fn find_server_binaries() -> Option<PathBuf> {
    let mut versions: Vec<(u32, PathBuf)> = std::fs::read_dir(Path::new("/usr/lib/postgresql"))
        .ok()?
        .filter_map(|e| e.ok())
        .filter_map(|e| {
            let version = e.file_name().to_str()?.parse::<u32>().ok()?;
            let bin = e.path().join("bin");
            bin.join("pg_ctl").exists().then_some((version, bin))
        })
        .collect();
    versions.sort();
    versions.pop().map(|(_, bin)| bin)
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free loopback port")
}

fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
        .unwrap_or(false)
}

fn path(p: &Path) -> &str {
    p.to_str().expect("a UTF-8 temporary path")
}

fn run(cmd: &mut Command) -> Output {
    let out = cmd.output().expect("run a PostgreSQL command");
    assert!(
        out.status.success(),
        "{cmd:?} failed: {}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    out
}
