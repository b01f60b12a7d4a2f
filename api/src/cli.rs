//! The `asb-hub` command line.

use std::{path::PathBuf, process::ExitCode};

use clap::{Args, Parser, Subcommand};

use crate::{
    configuration::{RawSettings, Settings},
    db,
    startup::Application,
    telemetry,
};

#[derive(Parser, Debug)]
#[command(
    name = "asb-hub",
    version,
    about = "ASB Partnership Hub: the shared anti-social behaviour case record"
)]
pub struct Cli {
    #[command(flatten)]
    pub global: GlobalArgs,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Args, Debug, Default)]
pub struct GlobalArgs {
    /// TOML settings file (also ASB_HUB_CONFIG).
    #[arg(long, global = true, env = "ASB_HUB_CONFIG")]
    pub config: Option<PathBuf>,
    /// Listen address (ASB_HUB_BIND), default 127.0.0.1:8080.
    #[arg(long, global = true)]
    pub bind: Option<String>,
    /// Database URL (ASB_HUB_DATABASE_URL), default a SQLite file in the data directory.
    #[arg(long, global = true)]
    pub database_url: Option<String>,
    /// Data directory (ASB_HUB_DATA_DIR), default ./data.
    #[arg(long, global = true)]
    pub data_dir: Option<PathBuf>,
    /// Log format: text or json (ASB_HUB_LOG_FORMAT).
    #[arg(long, global = true)]
    pub log_format: Option<String>,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Migrate the database, then serve.
    Serve {
        /// Load the demonstration partnership first.
        #[arg(long)]
        demo: bool,
    },
    /// Apply pending migrations, or report their status.
    Migrate {
        /// Only report applied and pending migrations.
        #[arg(long)]
        status: bool,
    },
    /// Load data.
    Seed {
        /// The demonstration partnership (idempotent).
        #[arg(long)]
        demo: bool,
        /// Scale data on top of the demo: 1.0 is 100,000 cases, 1,000,000 incidents and
        /// 300,000 people; 0.01 a hundredth of that.
        #[arg(long, value_parser = parse_scale)]
        scale: Option<f64>,
        /// The scale data's seed number: the same seed gives the same data.
        #[arg(long, default_value_t = crate::seed::scale::DEFAULT_SEED, requires = "scale")]
        seed: u64,
    },
    /// Print the GraphQL SDL to stdout.
    Schema,
}

fn parse_scale(raw: &str) -> Result<f64, String> {
    let n: f64 = raw.parse().map_err(|_| format!("not a number: {raw:?}"))?;
    crate::seed::scale::check_scale(n)
}

impl GlobalArgs {
    fn raw(&self) -> RawSettings {
        RawSettings {
            bind: self.bind.clone(),
            database_url: self.database_url.clone(),
            data_dir: self.data_dir.as_ref().map(|p| p.display().to_string()),
            log_format: self.log_format.clone(),
            ..Default::default()
        }
    }
}

/// Reads settings: defaults, then the file, then the environment, then flags.
pub fn load_settings(global: &GlobalArgs) -> Result<Settings, crate::configuration::ConfigError> {
    let mut raw = RawSettings::default();
    if let Some(path) = &global.config {
        raw.overlay(RawSettings::from_file(path)?);
    }
    raw.overlay(RawSettings::from_env(std::env::vars())?);
    raw.overlay(global.raw());
    raw.resolve()
}

pub fn main() -> ExitCode {
    let cli = Cli::parse();
    if let Command::Schema = cli.command {
        // No database, no secrets: the SDL depends only on the code.
        print!("{}", crate::graphql::sdl());
        return ExitCode::SUCCESS;
    }
    let settings = match load_settings(&cli.global) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("asb-hub: {e}");
            return ExitCode::from(2);
        }
    };
    telemetry::init(settings.log_format);
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("asb-hub: cannot start the runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(run(cli.command, settings)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            tracing::error!(error = %e, "asb-hub stopped");
            eprintln!("asb-hub: {e}");
            ExitCode::FAILURE
        }
    }
}

async fn run(command: Command, settings: Settings) -> Result<(), Box<dyn std::error::Error>> {
    match command {
        Command::Serve { demo } => {
            let bind = settings.bind;
            let app = Application::build(settings, demo).await?;
            tracing::info!(%bind, port = app.port(), demo, "asb-hub listening");
            app.run_until_stopped().await?;
            tracing::info!("asb-hub stopped cleanly");
        }
        Command::Migrate { status } => {
            let conn = db::connect(&settings).await?;
            if !status {
                db::migrate(&conn).await?;
            }
            let (applied, pending) = db::migration_status(&conn).await?;
            for m in &applied {
                println!("applied  {m}");
            }
            for m in &pending {
                println!("pending  {m}");
            }
        }
        Command::Seed { demo, scale, seed } => {
            if !demo && scale.is_none() {
                return Err("nothing to seed: pass --demo or --scale N".into());
            }
            let conn = db::connect(&settings).await?;
            db::migrate(&conn).await?;
            let summary = match scale {
                // The scale data includes the demo partnership.
                Some(scale) => {
                    let options = crate::seed::scale::ScaleOptions { scale, seed };
                    crate::seed::scale::seed(&conn, &settings, options).await
                }
                None => crate::seed::demo::seed(&conn, &settings).await,
            }
            .map_err(|e| format!("{e:?}"))?;
            println!("{summary}");
        }
        Command::Schema => {}
    }
    Ok(())
}
