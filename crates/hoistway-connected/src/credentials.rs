//! Device credentials and the broker's view of them.
//!
//! One token per credential serves both transports: HTTP ingest checks its
//! SHA-256 (like session tokens); MQTT devices sign in to the broker with
//! user name `device-<id>` and the same token as password, which the broker
//! checks against the password file written by `hoistway mqtt acl` from the
//! stored PBKDF2 hash. The ACL file lets each device write only its own
//! unit's telemetry and acknowledgement topics and read its own commands.
//!
//! Topics name units by their numeric id (`hoistway/v1/units/42/telemetry`):
//! ids never change, whereas equipment numbers can be corrected, which would
//! silently break a device's ACL.

use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;
use hoistway_app::auth::{random_token, token_hash};
use hoistway_domain::Scope;
use hoistway_store::devices::{self, BrokerEntry, DeviceCredential, NewDevice};
use hoistway_store::{Actor, Db, StoreError};
use rand::RngCore;
use sha2::Sha512;

/// Topic prefix of everything Hoistway exchanges over MQTT.
pub const TOPIC_PREFIX: &str = "hoistway/v1/units";

/// The topic a unit publishes telemetry on.
pub fn telemetry_topic(unit_id: i64) -> String {
    format!("{TOPIC_PREFIX}/{unit_id}/telemetry")
}

/// The topic a unit receives commands on.
pub fn commands_topic(unit_id: i64) -> String {
    format!("{TOPIC_PREFIX}/{unit_id}/commands")
}

/// The topic a unit acknowledges commands on.
pub fn acks_topic(unit_id: i64) -> String {
    format!("{TOPIC_PREFIX}/{unit_id}/commands/ack")
}

/// Mosquitto's iteration count and salt length for `$7$` hashes.
const PBKDF2_ROUNDS: u32 = 101;
const SALT_LEN: usize = 12;

/// A password hashed as Mosquitto 2 expects in its password file:
/// `$7$101$<base64 salt>$<base64 PBKDF2-HMAC-SHA512>`.
pub fn mosquitto_hash_with_salt(password: &str, salt: &[u8]) -> String {
    let mut out = [0u8; 64];
    pbkdf2::pbkdf2_hmac::<Sha512>(password.as_bytes(), salt, PBKDF2_ROUNDS, &mut out);
    format!(
        "$7${PBKDF2_ROUNDS}${}${}",
        STANDARD.encode(salt),
        STANDARD.encode(out)
    )
}

/// [`mosquitto_hash_with_salt`] with a fresh random salt.
pub fn mosquitto_hash(password: &str) -> String {
    let mut salt = [0u8; SALT_LEN];
    rand::rngs::OsRng.fill_bytes(&mut salt);
    mosquitto_hash_with_salt(password, &salt)
}

/// Issues a credential for a unit; the token is returned once and never
/// stored in clear.
pub async fn issue(
    db: &Db,
    scope: &Scope,
    actor: Actor,
    unit_id: i64,
    label: Option<String>,
) -> Result<(DeviceCredential, String), StoreError> {
    let token = format!("hwd_{}", random_token(32));
    let created = devices::create(
        db,
        scope,
        actor,
        NewDevice {
            unit_id,
            label,
            token_hash: token_hash(&token),
            mqtt_hash: mosquitto_hash(&token),
        },
    )
    .await?;
    Ok((created, token))
}

/// The server's own broker account.
#[derive(Debug, Clone)]
pub struct ServerAccount {
    pub username: String,
    /// `$7$` hash of its password.
    pub mqtt_hash: String,
}

/// Mosquitto `password_file` contents: the server account and every live
/// device credential.
pub fn password_file(server: &ServerAccount, devices: &[BrokerEntry]) -> String {
    let mut out = format!("{}:{}\n", server.username, server.mqtt_hash);
    for d in devices {
        out.push_str(&format!("{}:{}\n", d.username, d.mqtt_hash));
    }
    out
}

/// Mosquitto `acl_file` contents: the server reads all telemetry and
/// acknowledgements and writes all commands; each device writes only its
/// own unit's telemetry and acknowledgements and reads its own commands.
pub fn acl_file(server: &ServerAccount, devices: &[BrokerEntry]) -> String {
    let mut out = String::from("# Written by `hoistway mqtt acl`; regenerate after issuing or revoking device credentials.\n\n");
    out.push_str(&format!("user {}\n", server.username));
    out.push_str(&format!("topic read {TOPIC_PREFIX}/+/telemetry\n"));
    out.push_str(&format!("topic read {TOPIC_PREFIX}/+/commands/ack\n"));
    out.push_str(&format!("topic write {TOPIC_PREFIX}/+/commands\n"));
    for d in devices {
        out.push_str(&format!("\nuser {}\n", d.username));
        out.push_str(&format!("topic write {}\n", telemetry_topic(d.unit_id)));
        out.push_str(&format!("topic write {}\n", acks_topic(d.unit_id)));
        out.push_str(&format!("topic read {}\n", commands_topic(d.unit_id)));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hash_matches_mosquitto_passwd() {
        // Produced by `mosquitto_passwd -b pw dev1 secret` (mosquitto 2.0.11).
        let salt = STANDARD.decode("92K0N3DWw5IKoG4j").unwrap();
        assert_eq!(
            mosquitto_hash_with_salt("secret", &salt),
            "$7$101$92K0N3DWw5IKoG4j$CL3cpkFyab1Gwkrxux5edu1Q+03lA6tRS/sISL8RPPh9N/no5w/5319RyQv2o3KcSHJlwOO9BhMLmU4rzOQNJw=="
        );
        assert_ne!(mosquitto_hash("secret"), mosquitto_hash("secret"));
    }

    #[test]
    fn acl_confines_each_device_to_its_unit() {
        let server = ServerAccount {
            username: "hoistway".into(),
            mqtt_hash: "$7$x".into(),
        };
        let devices = vec![
            BrokerEntry {
                username: "device-1".into(),
                mqtt_hash: "$7$a".into(),
                unit_id: 7,
            },
            BrokerEntry {
                username: "device-2".into(),
                mqtt_hash: "$7$b".into(),
                unit_id: 8,
            },
        ];
        let acl = acl_file(&server, &devices);
        let block = acl.split("user device-1\n").nth(1).unwrap();
        let block = block.split("\nuser ").next().unwrap();
        assert!(block.contains("topic write hoistway/v1/units/7/telemetry"));
        assert!(!block.contains("/8/") && !block.contains('+'));
        assert_eq!(
            password_file(&server, &devices),
            "hoistway:$7$x\ndevice-1:$7$a\ndevice-2:$7$b\n"
        );
    }
}
