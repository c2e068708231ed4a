//! Layered settings: defaults, then the TOML file, then `HOISTWAY_*`
//! environment variables and flags (clap merges those two, flag first).

use crate::cli::{GlobalArgs, ServiceArgs};
use anyhow::Context;
use serde::Deserialize;
use std::path::PathBuf;

/// Keys accepted in the TOML file.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct FileSettings {
    database_url: Option<String>,
    data_dir: Option<PathBuf>,
    bind: Option<String>,
    log_level: Option<String>,
    log_format: Option<String>,
    smtp_url: Option<String>,
    smtp_from: Option<String>,
    sms_webhook_url: Option<String>,
    /// SLA targets per contract tier (`[sla.basic]`, `[sla.standard]`,
    /// `[sla.comprehensive]`); a tier left out keeps its defaults.
    sla: Option<hoistway_desk::SlaPolicies>,
    /// Escalation timings.
    escalation: Option<hoistway_desk::EscalationPolicy>,
    /// Warranty months from takeover: `months` and `by_country`.
    warranty: Option<hoistway_domain::coverage::WarrantyDefaults>,
}

/// The settings in force.
#[derive(Clone)]
pub struct Config {
    pub database_url: Option<String>,
    pub data_dir: PathBuf,
    pub bind: Option<String>,
    pub log_level: String,
    pub json_logs: bool,
    pub delivery: hoistway_jobs::delivery::DeliverySettings,
    /// `--webhook-allow-private`.
    pub webhook_allow_private: bool,
    /// Service-desk rules: the file's `[sla]`, `[escalation]` and
    /// `[warranty]` over the defaults.
    pub desk: hoistway_store::cases::Rules,
}

impl std::fmt::Debug for Config {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Database URLs may carry passwords.
        f.debug_struct("Config")
            .field(
                "database_url",
                &self.database_url.as_deref().map(mask_password),
            )
            .field("data_dir", &self.data_dir)
            .field("bind", &self.bind)
            .field("log_level", &self.log_level)
            .field("json_logs", &self.json_logs)
            .finish()
    }
}

/// `postgres://user:secret@host/db` → `postgres://user:***@host/db`.
pub fn mask_password(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme), Some(at)) if at > scheme => {
            let creds = &url[scheme + 3..at];
            match creds.split_once(':') {
                Some((user, _)) => format!("{}{user}:***{}", &url[..scheme + 3], &url[at..]),
                None => url.to_string(),
            }
        }
        _ => url.to_string(),
    }
}

impl Config {
    /// `service` holds the flags of `serve` and `demo`; other subcommands
    /// read only the environment and the file for those settings.
    pub fn load(args: &GlobalArgs, service: Option<&ServiceArgs>) -> anyhow::Result<Config> {
        let from_env = |name: &str| std::env::var(name).ok().filter(|v| !v.is_empty());
        let service = service.cloned().unwrap_or_else(|| ServiceArgs {
            log_level: from_env("HOISTWAY_LOG_LEVEL"),
            log_format: from_env("HOISTWAY_LOG_FORMAT"),
            ..ServiceArgs::default()
        });
        let file = match &args.config {
            Some(path) => {
                let text = std::fs::read_to_string(path)
                    .with_context(|| format!("reading {}", path.display()))?;
                toml::from_str::<FileSettings>(&text)
                    .with_context(|| format!("parsing {}", path.display()))?
            }
            None => FileSettings::default(),
        };
        let log_format = service
            .log_format
            .clone()
            .or(file.log_format)
            .unwrap_or_else(|| "text".into());
        anyhow::ensure!(
            matches!(log_format.as_str(), "text" | "json"),
            "log format must be text or json, not {log_format}"
        );
        let defaults = hoistway_store::cases::Rules::default();
        let desk = hoistway_store::cases::Rules {
            sla: file.sla.unwrap_or(defaults.sla),
            escalation: file.escalation.unwrap_or(defaults.escalation),
            warranty: file.warranty.unwrap_or(defaults.warranty),
        };
        Ok(Config {
            desk,
            database_url: args.database_url.clone().or(file.database_url),
            data_dir: args
                .data_dir
                .clone()
                .or(file.data_dir)
                .unwrap_or_else(|| PathBuf::from("data")),
            bind: file.bind,
            log_level: service
                .log_level
                .clone()
                .or(file.log_level)
                .unwrap_or_else(|| "info".into()),
            json_logs: log_format == "json",
            webhook_allow_private: service.webhook_allow_private,
            delivery: hoistway_jobs::delivery::DeliverySettings {
                smtp_url: service.smtp_url.clone().or(file.smtp_url),
                smtp_from: service
                    .smtp_from
                    .clone()
                    .or(file.smtp_from)
                    .unwrap_or_default(),
                sms_webhook_url: service.sms_webhook_url.clone().or(file.sms_webhook_url),
            },
        })
    }

    /// The database URL in force, or the default SQLite file named `file`
    /// in the data directory (created if missing).
    pub fn database_url_or(&self, file: &str) -> anyhow::Result<String> {
        if let Some(url) = &self.database_url {
            return Ok(url.clone());
        }
        std::fs::create_dir_all(&self.data_dir)
            .with_context(|| format!("creating data directory {}", self.data_dir.display()))?;
        Ok(format!("sqlite://{}", self.data_dir.join(file).display()))
    }

    /// The bind address: the flag or environment, then the file, then the default.
    pub fn bind_or_default(&self, flag: Option<String>) -> String {
        flag.or_else(|| self.bind.clone())
            .unwrap_or_else(|| "127.0.0.1:8080".into())
    }
}

pub fn init_logging(config: &Config) {
    let filter = tracing_subscriber::EnvFilter::try_new(&config.log_level)
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    // Colour only for a person at a terminal; pipes and log files get plain text.
    use std::io::IsTerminal;
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_ansi(std::io::stderr().is_terminal())
        .with_writer(std::io::stderr);
    if config.json_logs {
        builder.json().init();
    } else {
        builder.init();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_are_masked() {
        assert_eq!(
            mask_password("postgres://u:s3cret@h:5432/db"),
            "postgres://u:***@h:5432/db"
        );
        assert_eq!(mask_password("sqlite://data/x.db"), "sqlite://data/x.db");
    }

    #[test]
    fn flags_win_over_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("h.toml");
        std::fs::write(
            &path,
            "database_url = \"sqlite://file.db\"\nlog_level = \"debug\"\nbind = \"0.0.0.0:9\"\n",
        )
        .unwrap();
        let args = GlobalArgs {
            config: Some(path.clone()),
            database_url: Some("sqlite://flag.db".into()),
            data_dir: None,
        };
        let c = Config::load(&args, Some(&ServiceArgs::default())).unwrap();
        assert_eq!(c.database_url.as_deref(), Some("sqlite://flag.db"));
        assert_eq!(c.log_level, "debug");
        assert_eq!(c.bind_or_default(None), "0.0.0.0:9");
        assert_eq!(c.bind_or_default(Some("127.0.0.1:1".into())), "127.0.0.1:1");
        std::fs::write(&path, "nonsense = 1\n").unwrap();
        assert!(Config::load(
            &GlobalArgs {
                database_url: None,
                ..args
            },
            None
        )
        .is_err());
    }

    #[test]
    fn sla_targets_and_warranty_come_from_the_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("h.toml");
        std::fs::write(
            &path,
            r#"
[sla.comprehensive.emergency]
response = { kind = "elapsed", minutes = 30 }
resolution = { kind = "elapsed", minutes = 240 }
[sla.comprehensive.urgent]
response = { kind = "end_of_business_day", business_days_after = 0 }
resolution = { kind = "end_of_business_day", business_days_after = 1 }
[sla.comprehensive.routine]
response = { kind = "end_of_business_day", business_days_after = 1 }
resolution = { kind = "end_of_business_day", business_days_after = 3 }

[warranty]
months = 12
by_country = { DE = 24 }
"#,
        )
        .unwrap();
        let args = GlobalArgs {
            config: Some(path),
            database_url: None,
            data_dir: None,
        };
        let c = Config::load(&args, None).unwrap();
        let comprehensive = &c.desk.sla.comprehensive;
        assert_eq!(
            comprehensive.emergency.response,
            hoistway_desk::Deadline::Elapsed { minutes: 30 }
        );
        // A tier the file leaves out keeps its defaults.
        assert_eq!(
            c.desk.sla.basic,
            hoistway_desk::SlaPolicies::default().basic
        );
        assert_eq!(c.desk.warranty.months_for("DE"), 24);
        assert_eq!(c.desk.warranty.months_for("FI"), 12);
    }
}
