/// mimalloc rather than glibc's malloc: answers are built from many small allocations per field,
/// which glibc's per-thread arenas serve slowly and keep after use (BENCHMARKS.md measures both).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    api::cli::main()
}
