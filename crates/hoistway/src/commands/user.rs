//! `hoistway user add`: bootstrap accounts without the demo.

use crate::config::Config;
use anyhow::Context;
use hoistway_app::auth::{hash_password, random_token};
use hoistway_domain::{Clock, Scope, SystemClock};
use hoistway_store::users::{self, UserInput};
use hoistway_store::{Actor, Db};
use std::io::BufRead;

pub struct AddUser {
    pub email: String,
    pub name: String,
    pub role: String,
    pub customer: Option<i64>,
    pub password_stdin: bool,
}

pub async fn add(config: &Config, a: AddUser) -> anyhow::Result<()> {
    let (password, generated) = if a.password_stdin {
        let mut line = String::new();
        std::io::stdin()
            .lock()
            .read_line(&mut line)
            .context("reading the password from stdin")?;
        (line.trim_end_matches(['\r', '\n']).to_string(), false)
    } else {
        (random_token(15), true)
    };
    let input = UserInput {
        email: a.email,
        name: a.name,
        role: a.role,
        customer_id: a.customer,
        phone: None,
        password: password.clone(),
        portfolio_ids: Vec::new(),
    };
    let new = input
        .validated(hash_password)
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    let db = Db::open(&config.database_url_or("hoistway.db")?).await?;
    let actor = Actor {
        user_id: None,
        at: SystemClock.now(),
    };
    let user = users::create(&db, &Scope::All, actor, new)
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    println!(
        "created user {} <{}> with role {} (id {})",
        user.name, user.email, user.role, user.id
    );
    if generated {
        println!("password: {password}");
    }
    Ok(())
}
