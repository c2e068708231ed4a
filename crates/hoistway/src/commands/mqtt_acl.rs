//! `hoistway mqtt acl --out-dir DIR`: Mosquitto files that confine each
//! device to its own unit's topics (see `connected::credentials`).

use crate::config::Config;
use anyhow::Context;
use hoistway_app::auth::random_token;
use hoistway_connected::credentials::{self, ServerAccount};
use hoistway_store::{devices, Db};
use std::io::BufRead;
use std::path::Path;

pub struct AclArgs<'a> {
    pub out_dir: &'a Path,
    pub server_user: String,
    pub server_password_stdin: bool,
    pub port: u16,
}

pub async fn run(config: &Config, a: AclArgs<'_>) -> anyhow::Result<()> {
    let db = Db::open(&config.database_url_or("hoistway.db")?).await?;
    let (password, generated) = if a.server_password_stdin {
        let mut line = String::new();
        std::io::stdin().lock().read_line(&mut line)?;
        (line.trim_end_matches(['\r', '\n']).to_string(), false)
    } else {
        (random_token(24), true)
    };
    anyhow::ensure!(
        !password.is_empty(),
        "the server password must not be empty"
    );
    let server = ServerAccount {
        username: a.server_user.clone(),
        mqtt_hash: credentials::mosquitto_hash(&password),
    };
    let entries = devices::broker_entries(&db).await?;
    std::fs::create_dir_all(a.out_dir)
        .with_context(|| format!("creating {}", a.out_dir.display()))?;
    let dir = std::fs::canonicalize(a.out_dir)?;
    let write = |name: &str, text: String| -> anyhow::Result<()> {
        let path = dir.join(name);
        std::fs::write(&path, text).with_context(|| format!("writing {}", path.display()))?;
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600))?;
        }
        Ok(())
    };
    write(
        "password_file",
        credentials::password_file(&server, &entries),
    )?;
    write("acl_file", credentials::acl_file(&server, &entries))?;
    write(
        "mosquitto.conf",
        format!(
            "# Written by `hoistway mqtt acl`.\n\
             per_listener_settings false\n\
             listener {port}\n\
             allow_anonymous false\n\
             password_file {dir}/password_file\n\
             acl_file {dir}/acl_file\n\
             # QoS 1 telemetry must not be dropped while Hoistway is busy or restarting.\n\
             max_queued_messages 0\n\
             max_inflight_messages 1000\n\
             persistence true\n\
             persistence_location {dir}/\n",
            port = a.port,
            dir = dir.display()
        ),
    )?;
    println!(
        "wrote password_file, acl_file and mosquitto.conf for {} device(s) to {}",
        entries.len(),
        dir.display()
    );
    if generated {
        println!("server MQTT user {} password: {password}", a.server_user);
    }
    println!(
        "serve with --mqtt-url mqtt://{}:<password>@<broker>:{}",
        a.server_user, a.port
    );
    Ok(())
}
