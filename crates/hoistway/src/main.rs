//! `hoistway`: one binary for the whole platform. The work happens in the
//! library crates; this file only parses the command line and dispatches.

mod cli;
mod commands;
mod config;

use clap::Parser;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let cli = cli::Cli::parse();
    let config = config::Config::load(&cli.global, cli.command.service())?;
    config::init_logging(&config);
    commands::run(cli.command, config).await
}
