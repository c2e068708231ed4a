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

/// What every subcommand takes: where the settings and the database are.
#[derive(Debug, Default, Args)]
pub struct GlobalArgs {
    /// TOML settings file (keys: database_url, data_dir, bind, log_level,
    /// log_format, smtp_url, smtp_from, sms_webhook_url).
    #[arg(long, global = true, env = "HOISTWAY_CONFIG")]
    pub config: Option<PathBuf>,
    /// `sqlite://FILE` or `postgres://…`; default: a SQLite file in the data directory.
    #[arg(long, global = true, env = "HOISTWAY_DATABASE_URL")]
    pub database_url: Option<String>,
    /// Where the default SQLite file lives (default `./data`).
    #[arg(long, global = true, env = "HOISTWAY_DATA_DIR")]
    pub data_dir: Option<PathBuf>,
}

/// What only the running server (`serve`, `demo`) takes: logging and where
/// notifications go. Other subcommands log at `HOISTWAY_LOG_LEVEL` (or
/// `info`) as text.
#[derive(Debug, Default, Clone, Args)]
pub struct ServiceArgs {
    /// Log filter, e.g. `info` or `hoistway=debug` (default `info`).
    #[arg(long, env = "HOISTWAY_LOG_LEVEL")]
    pub log_level: Option<String>,
    /// `text` or `json` (default `text`).
    #[arg(long, env = "HOISTWAY_LOG_FORMAT")]
    pub log_format: Option<String>,
    /// Where e-mail notifications go: `smtp://host:port`.
    #[arg(long, env = "HOISTWAY_SMTP_URL")]
    pub smtp_url: Option<String>,
    /// From address of notification e-mails.
    #[arg(long, env = "HOISTWAY_SMTP_FROM")]
    pub smtp_from: Option<String>,
    /// SMS provider webhook URL (JSON POST with `to`, `text`, `dedupe_key`).
    #[arg(long, env = "HOISTWAY_SMS_WEBHOOK_URL")]
    pub sms_webhook_url: Option<String>,
    /// Accept customers' webhook endpoints over plain `http://` and on
    /// loopback, private and link-local addresses (a lab or a local
    /// receiver; never on a server reachable from customers' networks).
    /// `hoistway demo` always allows them.
    #[arg(long, env = "HOISTWAY_WEBHOOK_ALLOW_PRIVATE")]
    pub webhook_allow_private: bool,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the server (production entry point). Migrations run at start.
    Serve {
        /// Address to listen on (default 127.0.0.1:8080).
        #[arg(long, env = "HOISTWAY_BIND")]
        bind: Option<String>,
        #[command(flatten)]
        connected: ConnectedArgs,
        #[command(flatten)]
        kone: KoneArgs,
        #[command(flatten)]
        service: ServiceArgs,
    },
    /// Seed a demo fleet (first run only) and run the server on it.
    Demo {
        /// Address to listen on (default 127.0.0.1:8080).
        #[arg(long, env = "HOISTWAY_BIND")]
        bind: Option<String>,
        /// Drop the demo database and seed it again.
        #[arg(long)]
        fresh: bool,
        /// Simulated seconds of the live fleet per real second (1 = real
        /// time; 60 shows injected faults turning into cases within minutes).
        #[arg(long, default_value_t = 1.0)]
        speed: f64,
        /// Do not run the live twin fleet.
        #[arg(long)]
        no_twin: bool,
        #[command(flatten)]
        kone: KoneArgs,
        #[command(flatten)]
        service: ServiceArgs,
    },
    /// Write a local certificate authority and a server certificate for
    /// localhost and 127.0.0.1 (for `serve --tls-cert/--tls-key`, tests and
    /// demos): `ca.pem`, `cert.pem`, `key.pem`.
    DevCert {
        #[arg(long)]
        out_dir: PathBuf,
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
        /// Value columns scored together (comma-separated); default `value`.
        #[arg(long, value_delimiter = ',')]
        columns: Vec<String>,
        /// Time zone of timestamps without an offset (IANA name).
        #[arg(long, default_value = "UTC")]
        timezone: String,
    },
    /// Fit the failure-risk model on labelled days from the twin's fault
    /// injection and write it as JSON.
    Train {
        /// Simulated days.
        #[arg(long, default_value_t = 28)]
        days: u32,
        /// Six-lift groups to simulate (two faulty lifts each).
        #[arg(long, default_value_t = 8)]
        groups: usize,
        #[arg(long, default_value_t = 7)]
        seed: u64,
        /// Where to write the model.
        #[arg(long)]
        out: PathBuf,
    },
    /// Score the analytics against labelled data (figures for
    /// docs/benchmarks.md).
    Evaluate {
        #[command(subcommand)]
        command: EvaluateCommand,
    },
    /// The digital twin.
    Twin {
        #[command(subcommand)]
        command: TwinCommand,
    },
    /// Device credentials of connected units.
    Device {
        #[command(subcommand)]
        command: DeviceCommand,
    },
    /// API applications (OAuth2 client credentials) of the KONE-compatible API.
    ApiClient {
        #[command(subcommand)]
        command: ApiClientCommand,
    },
    /// MQTT broker set-up.
    Mqtt {
        #[command(subcommand)]
        command: MqttCommand,
    },
    /// Generate telemetry load against a server (HTTP) or broker (MQTT)
    /// and measure how fast it becomes durable rollups.
    Loadgen(LoadgenArgs),
}

/// TLS and the KONE-compatible WebSocket API (`serve` and `demo`).
#[derive(Debug, Clone, Args)]
pub struct KoneArgs {
    /// PEM certificate chain: also serve HTTPS (and WSS) on `--tls-bind`.
    #[arg(long, env = "HOISTWAY_TLS_CERT", requires = "tls_key")]
    pub tls_cert: Option<PathBuf>,
    /// PEM private key of `--tls-cert`.
    #[arg(long, env = "HOISTWAY_TLS_KEY", requires = "tls_cert")]
    pub tls_key: Option<PathBuf>,
    /// Address of the HTTPS listener (plain HTTP stays on `--bind`).
    #[arg(long, env = "HOISTWAY_TLS_BIND", default_value = "127.0.0.1:8443")]
    pub tls_bind: String,
    /// Seconds without a client frame after which `/stream-v2` closes a
    /// connection with code 1000.
    #[arg(long, env = "HOISTWAY_WS_IDLE_TIMEOUT", default_value_t = 60.0)]
    pub ws_idle_timeout: f64,
    /// Seconds after which `/stream-v2` closes any connection with code
    /// 1000 (clients reconnect and resume their session).
    #[arg(long, env = "HOISTWAY_WS_MAX_LIFETIME", default_value_t = 7200.0)]
    pub ws_max_lifetime: f64,
}

/// Connected-equipment settings of `serve`.
#[derive(Debug, Clone, Args)]
pub struct ConnectedArgs {
    /// MQTT broker, `mqtt://[user:password@]host[:port]`, or `mqtts://…`
    /// for TLS; telemetry ingest over MQTT and remote commands are off
    /// without it.
    #[arg(long, env = "HOISTWAY_MQTT_URL")]
    pub mqtt_url: Option<String>,
    /// PEM CA certificate to trust for an `mqtts://` broker instead of the
    /// public web roots (a private broker's CA).
    #[arg(long, env = "HOISTWAY_MQTT_CA")]
    pub mqtt_ca: Option<std::path::PathBuf>,
    /// MQTT client id; must be stable per node and differ between nodes
    /// (the broker keeps unacknowledged messages for it). Default:
    /// `hoistway-<hostname>`.
    #[arg(long, env = "HOISTWAY_MQTT_CLIENT_ID")]
    pub mqtt_client_id: Option<String>,
    /// Minutes without events after which a unit counts as lost.
    #[arg(long, env = "HOISTWAY_OFFLINE_MINUTES", default_value_t = 10)]
    pub offline_minutes: i64,
    /// Days raw telemetry events are kept (rollups are kept).
    #[arg(long, env = "HOISTWAY_TELEMETRY_RETENTION_DAYS", default_value_t = 30)]
    pub telemetry_retention_days: i64,
    /// Seconds a remote command waits for the unit's acknowledgement.
    #[arg(long, env = "HOISTWAY_COMMAND_TIMEOUT_SECONDS", default_value_t = 60)]
    pub command_timeout_seconds: i64,
    /// Failure-risk model written by `hoistway train` (JSON); default: the
    /// model shipped in the binary.
    #[arg(long, env = "HOISTWAY_RISK_MODEL")]
    pub risk_model: Option<std::path::PathBuf>,
}

#[derive(Debug, Subcommand)]
pub enum DeviceCommand {
    /// Issue a credential for a unit; prints the token (shown only once).
    Issue {
        #[arg(long)]
        unit: i64,
        #[arg(long)]
        label: Option<String>,
    },
    /// Revoke a credential: its token stops working at once.
    Revoke {
        #[arg(long)]
        unit: i64,
        /// The credential id (as printed by `issue` and `list`).
        #[arg(long)]
        device: i64,
    },
    /// List a unit's credentials.
    List {
        #[arg(long)]
        unit: i64,
    },
}

#[derive(Debug, Subcommand)]
pub enum ApiClientCommand {
    /// Create an application for a customer; prints `client_id` and
    /// `client_secret` (the secret is shown only once).
    Add {
        #[arg(long)]
        customer: i64,
        #[arg(long)]
        name: String,
        /// Print one JSON object instead of `key: value` lines.
        #[arg(long)]
        json: bool,
    },
}

impl Command {
    /// The server's own flags, for the subcommands that run it.
    pub fn service(&self) -> Option<&ServiceArgs> {
        match self {
            Command::Serve { service, .. } | Command::Demo { service, .. } => Some(service),
            _ => None,
        }
    }
}

#[derive(Debug, Subcommand)]
pub enum MqttCommand {
    /// Write Mosquitto `password_file`, `acl_file` and `mosquitto.conf`
    /// into DIR: each device may publish only its own unit's telemetry.
    Acl {
        #[arg(long)]
        out_dir: PathBuf,
        /// The server's own MQTT user.
        #[arg(long, default_value = "hoistway")]
        server_user: String,
        /// Read the server user's password from stdin; otherwise one is
        /// generated and printed.
        #[arg(long)]
        server_password_stdin: bool,
        /// Port written into `mosquitto.conf`.
        #[arg(long, default_value_t = 1883)]
        port: u16,
    },
}

#[derive(Debug, Clone, Args)]
pub struct LoadgenArgs {
    /// `mqtt://host:port` (publishes to the unit topics) or
    /// `http://host:port` (posts NDJSON with device tokens).
    #[arg(long)]
    pub target: String,
    /// Units to simulate; created (with device tokens) in the database
    /// given by `--database-url` if missing.
    #[arg(long, default_value_t = 100)]
    pub units: usize,
    /// Events to send in total.
    #[arg(long, default_value_t = 100_000)]
    pub events: usize,
    /// Events per MQTT message or HTTP request.
    #[arg(long, default_value_t = 100)]
    pub batch: usize,
    /// Events per second to aim for (0: as fast as possible).
    #[arg(long, default_value_t = 0)]
    pub rate: u64,
    /// Concurrent HTTP requests.
    #[arg(long, default_value_t = 4)]
    pub concurrency: usize,
    /// After sending, wait until the database's hourly rollups count every
    /// event (needs `--database-url`), and report end-to-end throughput.
    #[arg(long)]
    pub wait_durable: bool,
    /// Seed of the synthetic fleet.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Entrapment alarms (raised, then reset) to mix into the stream, for
    /// the alarm-to-case latency under load.
    #[arg(long, default_value_t = 0)]
    pub alarms: usize,
    /// The server's `/metrics` URL: print alarm-to-case latency percentiles
    /// from it at the end.
    #[arg(long)]
    pub metrics_url: Option<String>,
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

    /// Each subcommand's help lists its own flags: the server's logging and
    /// delivery settings only under `serve` and `demo` (issue #23).
    #[test]
    fn subcommand_help_lists_only_its_own_flags() {
        let help = |path: &[&str]| {
            let mut cmd = Cli::command();
            // Propagates the global arguments to the subcommands.
            cmd.build();
            let mut sub = &mut cmd;
            for name in path {
                sub = sub.find_subcommand_mut(name).unwrap();
            }
            sub.render_long_help().to_string()
        };
        let study = help(&["twin", "study"]);
        for foreign in [
            "--smtp-url",
            "--sms-webhook-url",
            "--log-level",
            "--smtp-from",
        ] {
            assert!(
                !study.contains(foreign),
                "twin study lists {foreign}:\n{study}"
            );
        }
        assert!(study.contains("--pattern") && study.contains("--database-url"));
        for server in [&["serve"][..], &["demo"][..]] {
            let h = help(server);
            assert!(h.contains("--smtp-url") && h.contains("--log-level"), "{h}");
        }
    }

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

#[derive(Debug, Subcommand)]
pub enum EvaluateCommand {
    /// The SKAB pump test bed (github.com/waico/SKAB): per-row outlier F1,
    /// FAR and MAR, and the NAB changepoint score, with the default
    /// detector configuration over all sensor columns.
    Skab {
        /// The SKAB data directory (holding valve1/, valve2/, other/).
        #[arg(long)]
        dir: PathBuf,
    },
    /// The twin's labelled fault injection: per fault kind, how often a
    /// pre-emptive case opened between onset and failure and how early,
    /// and false pre-emptive cases per unit-year.
    Twin {
        /// Six-lift groups (one faulty lift each).
        #[arg(long, default_value_t = 12)]
        groups: usize,
        /// Simulated days.
        #[arg(long, default_value_t = 60)]
        days: u32,
        #[arg(long, default_value_t = 7)]
        seed: u64,
    },
    /// Dispatch suggestions replayed over the demo's history (issue #21):
    /// each past case ranked again at its opening with the rota and the
    /// technicians' positions of that time; how often the top suggestion
    /// would have met the response SLA. Uses the demo database
    /// (`--database-url`, default `demo.db` in the data directory), seeding
    /// the demo with its history first if it is empty.
    Dispatch,
}
