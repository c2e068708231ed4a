//! The command line. Every setting can also come from a `HOISTWAY_*`
//! environment variable or the TOML file given by `--config`; flags win over
//! the environment, which wins over the file, which wins over defaults.

use clap::{Args, Parser, Subcommand};
use std::path::PathBuf;

#[derive(Debug, Parser)]
#[command(
    name = "hoistway",
    version,
    about = "Service platform for elevators, escalators and automatic doors"
)]
pub struct Cli {
    #[command(flatten)]
    pub global: GlobalArgs,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Default, Args)]
pub struct GlobalArgs {
    /// TOML settings file (keys: database_url, data_dir, bind, log_level, log_format).
    #[arg(long, global = true, env = "HOISTWAY_CONFIG")]
    pub config: Option<PathBuf>,
    /// `sqlite://FILE` or `postgres://…`; default: a SQLite file in the data directory.
    #[arg(long, global = true, env = "HOISTWAY_DATABASE_URL")]
    pub database_url: Option<String>,
    /// Where the default SQLite file lives (default `./data`).
    #[arg(long, global = true, env = "HOISTWAY_DATA_DIR")]
    pub data_dir: Option<PathBuf>,
    /// Log filter, e.g. `info` or `hoistway=debug` (default `info`).
    #[arg(long, global = true, env = "HOISTWAY_LOG_LEVEL")]
    pub log_level: Option<String>,
    /// `text` or `json` (default `text`).
    #[arg(long, global = true, env = "HOISTWAY_LOG_FORMAT")]
    pub log_format: Option<String>,
    /// Where e-mail notifications go: `smtp://host:port` (serve and demo).
    #[arg(long, global = true, env = "HOISTWAY_SMTP_URL")]
    pub smtp_url: Option<String>,
    /// From address of notification e-mails.
    #[arg(long, global = true, env = "HOISTWAY_SMTP_FROM")]
    pub smtp_from: Option<String>,
    /// SMS provider webhook URL (JSON POST with `to`, `text`, `dedupe_key`).
    #[arg(long, global = true, env = "HOISTWAY_SMS_WEBHOOK_URL")]
    pub sms_webhook_url: Option<String>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the server (production entry point). Migrations run at start.
    Serve {
        /// Address to listen on (default 127.0.0.1:8080).
        #[arg(long, env = "HOISTWAY_BIND")]
        bind: Option<String>,
    },
    /// Seed a demo fleet (first run only) and run the server on it.
    Demo {
        /// Address to listen on (default 127.0.0.1:8080).
        #[arg(long, env = "HOISTWAY_BIND")]
        bind: Option<String>,
        /// Drop the demo database and seed it again.
        #[arg(long)]
        fresh: bool,
    },
    /// Run the database migrations and exit.
    Migrate,
    /// Manage user accounts.
    User {
        #[command(subcommand)]
        command: UserCommand,
    },
    /// Load data from files.
    Import {
        #[command(subcommand)]
        command: ImportCommand,
    },
    /// Print the OpenAPI document.
    Openapi,
    /// Score a recorded series (CSV `timestamp,value`) with the same
    /// detectors the server runs; prints `timestamp,value,score,label`.
    Analyze {
        #[arg(long)]
        input: PathBuf,
    },
    /// The digital twin.
    Twin {
        #[command(subcommand)]
        command: TwinCommand,
    },
}

#[derive(Debug, Subcommand)]
pub enum TwinCommand {
    /// Run a traffic study of a building (see examples/buildings/*.toml).
    Study {
        #[arg(long)]
        building: PathBuf,
        /// up-peak, down-peak, lunch, interfloor or mixed.
        #[arg(long, default_value = "up-peak")]
        pattern: String,
        /// Simulated minutes.
        #[arg(long, default_value_t = 60.0)]
        minutes: f64,
        /// Random seed (same seed, same result).
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// Print one JSON object instead of text.
        #[arg(long)]
        json: bool,
        /// Also write one CSV row per passenger to this file.
        #[arg(long)]
        csv: Option<PathBuf>,
    },
}

#[derive(Debug, Subcommand)]
pub enum UserCommand {
    /// Create an account (bootstraps a server without the demo).
    Add {
        #[arg(long)]
        email: String,
        #[arg(long)]
        name: String,
        /// provider_admin, operator, duty_manager, technician, customer_admin,
        /// property_manager, front_desk, finance or resident.
        #[arg(long)]
        role: String,
        /// Customer id, required for customer-side roles.
        #[arg(long)]
        customer: Option<i64>,
        /// Read the password from the first line of stdin; otherwise one is
        /// generated and printed.
        #[arg(long)]
        password_stdin: bool,
    },
}

#[derive(Debug, Subcommand)]
pub enum ImportCommand {
    /// Import an asset register (CSV with a header row; columns are the unit
    /// fields, with `building_id` or `building` (the building's name)).
    Units {
        file: PathBuf,
        /// The customer whose buildings the units go into.
        #[arg(long)]
        customer: i64,
    },
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn cli_is_well_formed() {
        Cli::command().debug_assert();
    }

    #[test]
    fn fixed_shape_user_add_parses() {
        let cli = Cli::try_parse_from([
            "hoistway",
            "user",
            "add",
            "--email",
            "a@b.example",
            "--name",
            "A",
            "--role",
            "finance",
            "--customer",
            "3",
            "--password-stdin",
            "--database-url",
            "sqlite://x.db",
        ])
        .unwrap();
        assert_eq!(cli.global.database_url.as_deref(), Some("sqlite://x.db"));
        match cli.command {
            Command::User {
                command:
                    UserCommand::Add {
                        customer,
                        password_stdin,
                        ..
                    },
            } => {
                assert_eq!(customer, Some(3));
                assert!(password_stdin);
            }
            other => panic!("parsed as {other:?}"),
        }
    }
}
