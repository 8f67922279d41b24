//! `/app/{slug}/import`: upload a CSV (a plain multipart form, so it works without
//! JavaScript), then `/app/{slug}/import/{id}`: map columns, read the validation
//! report per row and column, and import every row or none.

use crate::pages::scroll_box::ScrollBox;
use leptos::{form::ActionForm, prelude::*};
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};
use uuid::Uuid;

use super::forms::form_error;
use crate::workspace::import::{CommitImport, ImportView, KINDS, RemapImport, get_import};

#[component]
pub fn ImportPage() -> impl IntoView {
    let params = use_params_map();
    let slug = move || params.read().get("slug").unwrap_or_default();
    let query = use_query_map();
    let error = move || query.read().get("error");
    let options = KINDS
        .iter()
        .map(|(k, l)| view! { <option value=*k>{*l}</option> })
        .collect_view();
    let templates = KINDS
        .iter()
        .map(|(k, l)| view! { <li><a href=format!("/templates/{k}.csv") download>{format!("{l} template")}</a></li> })
        .collect_view();
    view! {
        <Title text="Import data" />
        <p>
            <a href=move || format!("/app/{}", slug())>"← Back to the dashboard"</a>
        </p>
        <section class="narrow card">
            <h1>"Import data from CSV"</h1>
            <p>
                "Upload a CSV file with a header row. You will see how its columns map to CapLiquify's fields and a report of every problem before anything is saved; the import then writes every row or none."
            </p>
            {move || error().map(|e| view! { <p class="error" role="alert">{e}</p> })}
            <form method="post" enctype="multipart/form-data" action=move || format!("/app/{}/import", slug())>
                <div class="field">
                    <label for="kind">"The file holds"</label>
                    <select id="kind" name="kind">{options}</select>
                </div>
                <div class="field">
                    <label for="file">"CSV file (at most 25 MB)"</label>
                    <input id="file" name="file" type="file" accept=".csv,text/csv" required />
                </div>
                <button class="button primary" type="submit">"Upload and check"</button>
            </form>
            <h2>"Templates"</h2>
            <ul>{templates}</ul>
        </section>
    }
}

#[component]
pub fn ImportJobPage() -> impl IntoView {
    let params = use_params_map();
    let slug = move || params.read().get("slug").unwrap_or_default();
    let id = move || {
        params
            .read()
            .get("id")
            .and_then(|id| id.parse::<Uuid>().ok())
    };
    let remap = ServerAction::<RemapImport>::new();
    let commit = ServerAction::<CommitImport>::new();
    let job = Resource::new(
        move || (slug(), id(), remap.version().get(), commit.version().get()),
        |(slug, id, ..)| async move {
            match id {
                Some(id) => get_import(slug, id).await,
                None => Err(crate::AppError::not_found("Import")),
            }
        },
    );
    // While the import runs, look again every second (in the browser only).
    Effect::new(move |_| {
        if job
            .get()
            .is_some_and(|r| r.is_ok_and(|v| v.status == "importing"))
        {
            set_timeout(move || job.refetch(), std::time::Duration::from_secs(1));
        }
    });
    view! {
        <Title text="Review import" />
        <p>
            <a href=move || format!("/app/{}/import", slug())>"← Another import"</a>
        </p>
        {form_error(remap.value())}
        {form_error(commit.value())}
        <Suspense fallback=|| view! { <p class="muted">"Loading…"</p> }>
            {move || {
                job.get().map(|result| match result {
                    Err(err) => view! { <p class="error">{err.to_string()}</p> }.into_any(),
                    Ok(view) => view! { <Review view slug=slug() remap commit /> }.into_any(),
                })
            }}
        </Suspense>
    }
}

#[component]
fn Review(
    view: ImportView,
    slug: String,
    remap: ServerAction<RemapImport>,
    commit: ServerAction<CommitImport>,
) -> impl IntoView {
    let done = view.status == "done";
    let headers = view.headers.clone();
    let mapping_rows = view
        .fields
        .iter()
        .zip(&view.mapping)
        .enumerate()
        .map(|(i, ((label, required), column))| {
            let options = headers
                .iter()
                .enumerate()
                .map(|(c, h)| view! { <option value=c.to_string() selected=*column == Some(c)>{h.clone()}</option> })
                .collect_view();
            let id = format!("map-{i}");
            view! {
                <div class="field">
                    <label for=id.clone()>{label.clone()}{required.then_some(" (required)")}</label>
                    <select id=id name="mapping[]">
                        <option value="" selected=column.is_none()>"— not in the file —"</option>
                        {options}
                    </select>
                </div>
            }
        })
        .collect_view();
    let preview_head = view
        .headers
        .iter()
        .map(|h| view! { <th scope="col">{h.clone()}</th> })
        .collect_view();
    let preview_rows = view
        .preview
        .iter()
        .map(|r| view! { <tr>{r.iter().map(|c| view! { <td>{c.clone()}</td> }).collect_view()}</tr> })
        .collect_view();
    let report = view.report.clone();
    let importing = view.status == "importing";
    let progress = importing.then(|| {
        let percent = view.processed * 100 / (report.rows.max(1) as i64);
        view! {
            <p>
                <label for="progress">{format!("Importing: {} of {} rows ({percent}%)", view.processed, report.rows)}</label>
                <progress id="progress" max=report.rows.to_string() value=view.processed.to_string()></progress>
            </p>
            <noscript><p><a href="">"Refresh to see the progress"</a></p></noscript>
        }
    });
    let summary = if done {
        format!("Imported {} rows.", report.rows)
    } else if importing {
        "Importing in the background: every row or none is written, and you may leave this page."
            .to_owned()
    } else if report.error_count == 0 {
        format!("All {} rows are valid.", report.rows)
    } else {
        format!(
            "{} problem(s) in {} rows: nothing will be imported until they are fixed (in the file, or with the mapping).",
            report.error_count, report.rows
        )
    };
    let status_class = if report.error_count > 0 {
        "error"
    } else {
        "success"
    };
    let id = view.id.to_string();
    let import_button = (!done && view.can_import).then(|| {
        let (slug, id) = (slug.clone(), id.clone());
        view! {
            <ActionForm action=commit>
                <input type="hidden" name="slug" value=slug />
                <input type="hidden" name="id" value=id />
                <button class="button primary" type="submit">{format!("Import {} rows", report.rows)}</button>
            </ActionForm>
        }
    });
    let columns = (!done && !importing).then(|| {
        let (slug, id) = (slug.clone(), id.clone());
        view! {
            <section class="card">
                <h2>"Columns"</h2>
                <ActionForm action=remap>
                    <input type="hidden" name="slug" value=slug />
                    <input type="hidden" name="id" value=id />
                    <div class="field-grid">{mapping_rows}</div>
                    <button class="button" type="submit">"Check again with these columns"</button>
                </ActionForm>
            </section>
        }
    });
    let problems = (report.error_count > 0).then(|| {
        let more = (report.error_count > report.errors.len())
            .then(|| format!("… and {} more.", report.error_count - report.errors.len()));
        let errors = report
            .errors
            .iter()
            .map(|e| {
                // Rows as the spreadsheet numbers them: the header is row 1.
                let row = if e.row == 0 { "—".to_owned() } else { (e.row + 1).to_string() };
                view! { <tr><td class="num">{row}</td><td>{e.column.clone()}</td><td>{e.message.clone()}</td></tr> }
            })
            .collect_view();
        view! {
            <section class="card">
                <h2>"Problems"</h2>
                <ScrollBox label="Problems">
                    <table class="members data">
                        <thead><tr><th scope="col">"Row"</th><th scope="col">"Field"</th><th scope="col">"Problem"</th></tr></thead>
                        <tbody>{errors}</tbody>
                    </table>
                </ScrollBox>
                <p class="muted">{more}</p>
            </section>
        }
    });
    let preview = (!view.preview.is_empty()).then(|| {
        view! {
            <section class="card">
                <h2>"First rows of the file"</h2>
                <ScrollBox label="First rows of the file">
                    <table class="members data">
                        <thead><tr>{preview_head}</tr></thead>
                        <tbody>{preview_rows}</tbody>
                    </table>
                </ScrollBox>
            </section>
        }
    });
    view! {
        <section class="card">
            <h1>{format!("Import of {} ({})", view.file_name, view.kind)}</h1>
            <p role="status" class=status_class>{summary}</p>
            {progress}
            {import_button}
        </section>
        {columns}
        {problems}
        {preview}
    }
}
