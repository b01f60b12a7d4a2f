//! The `asb-hub` binary itself.

use std::process::Command;

#[test]
fn schema_prints_sdl_that_parses() {
    let out = Command::new(env!("CARGO_BIN_EXE_asb-hub"))
        .arg("schema")
        .output()
        .expect("run asb-hub schema");
    assert!(out.status.success());
    let sdl = String::from_utf8(out.stdout).expect("utf-8");
    assert!(sdl.contains("type Query"));
    async_graphql::parser::parse_schema(&sdl).expect("SDL parses");
}

#[test]
fn a_wrong_setting_stops_start_up_naming_it() {
    let dir = std::env::temp_dir().join(format!("asb-cli-{}", std::process::id()));
    let out = Command::new(env!("CARGO_BIN_EXE_asb-hub"))
        .args(["migrate", "--status"])
        .env("ASB_HUB_DATA_DIR", &dir)
        .env("ASB_HUB_BIND", "not-an-address")
        .output()
        .expect("run asb-hub");
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("ASB_HUB_BIND"), "{err}");

    let out = Command::new(env!("CARGO_BIN_EXE_asb-hub"))
        .args(["migrate", "--status"])
        .env("ASB_HUB_DATA_DIR", &dir)
        .env("ASB_HUB_DATABSE_URL", "postgres://typo")
        .output()
        .expect("run asb-hub");
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("ASB_HUB_DATABSE_URL"));
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn migrate_applies_then_reports_nothing_pending() {
    let dir = std::env::temp_dir().join(format!("asb-cli-migrate-{}", std::process::id()));
    let out = Command::new(env!("CARGO_BIN_EXE_asb-hub"))
        .args(["migrate"])
        .env("ASB_HUB_DATA_DIR", &dir)
        .output()
        .expect("run asb-hub");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("applied  m20261127_000001_create_identity"),
        "{text}"
    );
    assert!(!text.contains("pending"), "{text}");
    let _ = std::fs::remove_dir_all(dir);
}
