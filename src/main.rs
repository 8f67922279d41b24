use clap::Parser;

use capliquify::{cli::Cli, config::Settings, telemetry};

#[tokio::main]
async fn main() -> std::process::ExitCode {
    let cli = Cli::parse();
    let settings = match Settings::from_env() {
        Ok(settings) => settings,
        Err(err) => {
            eprintln!("capliquify: {err}");
            return std::process::ExitCode::from(2);
        }
    };
    telemetry::init(settings.log_format);
    match capliquify::cli::run(cli, settings).await {
        Ok(code) => code,
        Err(err) => {
            tracing::error!("{err:#}");
            eprintln!("capliquify: {err:#}");
            std::process::ExitCode::FAILURE
        }
    }
}
