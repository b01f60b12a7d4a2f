//! The SDL the server runs is printable, parses, and matches the committed `schema.graphql`.

#[test]
fn the_printed_sdl_parses_and_is_committed() {
    let sdl = api::graphql::sdl();
    async_graphql_parser::parse_schema(&sdl).expect("SDL parses");
    let committed_path = concat!(env!("CARGO_MANIFEST_DIR"), "/../schema.graphql");
    let committed = std::fs::read_to_string(committed_path).unwrap_or_default();
    if std::env::var("UPDATE_SCHEMA").is_ok() {
        std::fs::write(committed_path, &sdl).expect("write schema.graphql");
        return;
    }
    assert!(
        committed == sdl,
        "schema.graphql is out of date: run `UPDATE_SCHEMA=1 cargo test -p tests --test schema`"
    );
}
