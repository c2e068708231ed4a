//! `hoistway device issue|revoke|list`: device credentials from the shell
//! (as the system, audited like the API).

use crate::config::Config;
use hoistway_connected::credentials;
use hoistway_domain::{Clock, Scope, SystemClock};
use hoistway_store::{devices, Actor, Db};

fn system() -> Actor {
    Actor {
        user_id: None,
        at: SystemClock.now(),
    }
}

pub async fn issue(config: &Config, unit: i64, label: Option<String>) -> anyhow::Result<()> {
    let db = Db::open(&config.database_url_or("hoistway.db")?).await?;
    let (cred, token) = credentials::issue(&db, &Scope::All, system(), unit, label).await?;
    println!("device credential {} for unit {}", cred.id, cred.unit_id);
    println!("token: {token}");
    println!("  HTTP: POST /api/v1/telemetry with Authorization: Bearer <token>");
    println!(
        "  MQTT: user {} password <token>, publish to {}",
        cred.mqtt_username,
        credentials::telemetry_topic(cred.unit_id)
    );
    println!("The token is shown only now. Run `hoistway mqtt acl` to let the broker know it.");
    Ok(())
}

pub async fn revoke(config: &Config, unit: i64, device: i64) -> anyhow::Result<()> {
    let db = Db::open(&config.database_url_or("hoistway.db")?).await?;
    let cred = devices::revoke(&db, &Scope::All, system(), unit, device).await?;
    println!(
        "device credential {} of unit {} revoked; run `hoistway mqtt acl` to update the broker",
        cred.id, cred.unit_id
    );
    Ok(())
}

pub async fn list(config: &Config, unit: i64) -> anyhow::Result<()> {
    let db = Db::open(&config.database_url_or("hoistway.db")?).await?;
    for c in devices::list(&db, &Scope::All, unit).await? {
        println!(
            "{}\t{}\t{}\tissued {}\t{}",
            c.id,
            c.mqtt_username,
            c.label.as_deref().unwrap_or("-"),
            c.created_at.to_rfc3339(),
            c.revoked_at
                .map(|t| format!("revoked {}", t.to_rfc3339()))
                .unwrap_or_else(|| "active".into())
        );
    }
    Ok(())
}
