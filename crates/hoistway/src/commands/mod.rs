//! One module per command.

mod analyze;
mod api_client;
mod demo;
mod dev_cert;
mod device;
mod dispatch_replay;
mod evaluate;
mod import;
mod loadgen;
mod mqtt_acl;
mod serve;
mod study;
mod train;
mod user;

use crate::cli::{
    ApiClientCommand, Command, DeviceCommand, EvaluateCommand, ImportCommand, MqttCommand,
    TwinCommand, UserCommand,
};
use crate::config::Config;

pub async fn run(command: Command, config: Config) -> anyhow::Result<()> {
    match command {
        Command::Serve {
            bind,
            connected,
            kone,
            ..
        } => serve::run(&config, bind, connected, kone).await,
        Command::DevCert { out_dir } => dev_cert::run(&out_dir),
        Command::Device { command } => match command {
            DeviceCommand::Issue { unit, label } => device::issue(&config, unit, label).await,
            DeviceCommand::Revoke { unit, device } => device::revoke(&config, unit, device).await,
            DeviceCommand::List { unit } => device::list(&config, unit).await,
        },
        Command::ApiClient {
            command:
                ApiClientCommand::Add {
                    customer,
                    name,
                    json,
                },
        } => api_client::add(&config, customer, &name, json).await,
        Command::Mqtt {
            command:
                MqttCommand::Acl {
                    out_dir,
                    server_user,
                    server_password_stdin,
                    port,
                },
        } => {
            mqtt_acl::run(
                &config,
                mqtt_acl::AclArgs {
                    out_dir: &out_dir,
                    server_user,
                    server_password_stdin,
                    port,
                },
            )
            .await
        }
        Command::Loadgen(args) => loadgen::run(&config, args).await,
        Command::Demo {
            bind,
            fresh,
            speed,
            no_twin,
            kone,
            ..
        } => demo::run(&config, bind, fresh, speed, no_twin, kone).await,
        Command::Migrate => {
            let url = config.database_url_or("hoistway.db")?;
            hoistway_store::Db::open(&url).await?;
            println!(
                "migrations applied to {}",
                crate::config::mask_password(&url)
            );
            Ok(())
        }
        Command::User {
            command:
                UserCommand::Add {
                    email,
                    name,
                    role,
                    customer,
                    password_stdin,
                },
        } => {
            user::add(
                &config,
                user::AddUser {
                    email,
                    name,
                    role,
                    customer,
                    password_stdin,
                },
            )
            .await
        }
        Command::Import {
            command: ImportCommand::Units { file, customer },
        } => import::units(&config, &file, customer).await,
        Command::Train {
            days,
            groups,
            seed,
            out,
        } => train::run(days, groups, seed, &out),
        Command::Analyze {
            input,
            columns,
            timezone,
        } => analyze::run(&input, columns, &timezone),
        Command::Evaluate {
            command: EvaluateCommand::Skab { dir },
        } => evaluate::skab(&dir),
        Command::Evaluate {
            command: EvaluateCommand::Twin { groups, days, seed },
        } => evaluate::twin(groups, days, seed),
        Command::Evaluate {
            command: EvaluateCommand::Dispatch,
        } => dispatch_replay::run(&config).await,
        Command::Twin {
            command:
                TwinCommand::Study {
                    building,
                    pattern,
                    minutes,
                    seed,
                    json,
                    csv,
                },
        } => study::run(study::StudyArgs {
            building,
            pattern,
            minutes,
            seed,
            json,
            csv,
        }),
        Command::Openapi => {
            println!(
                "{}",
                serde_json::to_string_pretty(&hoistway_server::openapi())?
            );
            Ok(())
        }
    }
}
