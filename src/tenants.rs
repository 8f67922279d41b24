//! The `tenant` commands: thin wrappers over app::tenancy that print for operators.

use std::process::ExitCode;

use anyhow::Context;

use app::{
    AppError,
    tenancy::{self, Slug, template::TENANT_TEMPLATE, transfer, verify},
};

use crate::{cli::TenantCommand, config::Settings, serve::Database};

pub async fn run(settings: Settings, command: TenantCommand) -> anyhow::Result<ExitCode> {
    let database = Database::open(&settings).await?;
    let result = execute(&database, command).await;
    database.close().await;
    result
}

async fn execute(database: &Database, command: TenantCommand) -> anyhow::Result<ExitCode> {
    let pool = &database.pool;
    app::server::db::migrate_platform(pool).await?;
    match command {
        TenantCommand::Create { name, slug } => {
            let done = tenancy::provision(pool, &name, &slug)
                .await
                .map_err(user_error)?;
            let t = &done.tenant;
            if done.created {
                println!(
                    "created tenant {} ({}) in schema {}",
                    t.slug, t.name, t.schema
                );
            } else {
                println!("tenant {} already exists in schema {}", t.slug, t.schema);
            }
        }
        TenantCommand::List => {
            println!(
                "{:<40} {:<10} {:<12} {:>7}  {:<10}  name",
                "slug", "status", "plan", "version", "created"
            );
            for t in tenancy::list(pool).await.map_err(user_error)? {
                println!(
                    "{:<40} {:<10} {:<12} {:>7}  {:<10}  {}",
                    t.slug,
                    t.status.as_str(),
                    t.plan,
                    t.schema_version,
                    t.created_at.date().to_string(),
                    t.name
                );
            }
        }
        TenantCommand::Delete { slug } => {
            let slug = Slug::parse(&slug).map_err(user_error)?;
            let t = tenancy::delete(pool, &slug).await.map_err(user_error)?;
            println!(
                "tenant {} deleted; its schema is dropped by `tenant purge`",
                t.slug
            );
        }
        TenantCommand::Purge { older_than_days } => {
            let purged = tenancy::purge_deleted(pool, time::Duration::days(older_than_days.into()))
                .await
                .map_err(user_error)?;
            println!("purged {} tenant(s): {}", purged.len(), purged.join(", "));
        }
        TenantCommand::Verify => {
            let report = verify::verify(pool, &TENANT_TEMPLATE)
                .await
                .map_err(user_error)?;
            for problem in &report.problems {
                println!("problem: {problem}");
            }
            println!(
                "checked {} tenant(s): {} problem(s)",
                report.checked,
                report.problems.len()
            );
            if !report.is_clean() {
                return Ok(ExitCode::FAILURE);
            }
        }
        TenantCommand::Export { slug, file } => {
            let slug = Slug::parse(&slug).map_err(user_error)?;
            let export = transfer::export(pool, &slug).await.map_err(user_error)?;
            let rows: usize = export.tables.values().map(Vec::len).sum();
            let json = serde_json::to_vec_pretty(&export)?;
            std::fs::write(&file, json).with_context(|| format!("writing {}", file.display()))?;
            println!("exported {rows} row(s) of {slug} to {}", file.display());
        }
        TenantCommand::Import { file, slug } => {
            let bytes =
                std::fs::read(&file).with_context(|| format!("reading {}", file.display()))?;
            let export: transfer::TenantExport = serde_json::from_slice(&bytes)
                .with_context(|| format!("{} is not a tenant export", file.display()))?;
            let t = transfer::import(pool, &export, slug.as_deref())
                .await
                .map_err(user_error)?;
            println!("imported tenant {} into schema {}", t.slug, t.schema);
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn user_error(err: AppError) -> anyhow::Error {
    match err {
        AppError::Validation { fields, .. } if !fields.is_empty() => {
            let detail: Vec<String> = fields.iter().map(|(f, m)| format!("{f}: {m}")).collect();
            anyhow::anyhow!("{}", detail.join("; "))
        }
        other => anyhow::anyhow!("{other}"),
    }
}
