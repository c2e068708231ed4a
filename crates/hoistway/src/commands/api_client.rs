//! `hoistway api-client add`: an API application (OAuth2 client
//! credentials) of the KONE-compatible API for a customer, from the shell
//! (as the system, audited like the API). The secret is printed once.

use crate::config::Config;
use hoistway_domain::{Clock, Scope, SystemClock};
use hoistway_store::{api_clients, Actor, Db};

pub async fn add(config: &Config, customer: i64, name: &str, json: bool) -> anyhow::Result<()> {
    let db = Db::open(&config.database_url_or("hoistway.db")?).await?;
    let actor = Actor {
        user_id: None,
        at: SystemClock.now(),
    };
    let (client, secret) = api_clients::create(&db, &Scope::All, actor, customer, name).await?;
    if json {
        println!(
            "{}",
            serde_json::json!({
                "id": client.id,
                "customer_id": client.customer_id,
                "name": client.name,
                "client_id": client.client_id,
                "client_secret": secret,
            })
        );
    } else {
        println!("client_id: {}", client.client_id);
        println!("client_secret: {secret}");
        eprintln!(
            "API application {} for customer {}; the secret is shown only now. \
             Get tokens from POST /api/v2/oauth2/token with HTTP Basic client_id:client_secret.",
            client.id, client.customer_id
        );
    }
    Ok(())
}
