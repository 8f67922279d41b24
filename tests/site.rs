//! The public site: every page with its own title, description, canonical URL and
//! social tags; JSON-LD that parses; the sitemap and robots.txt; the contact form.

mod common;

use app::pages::site::PUBLIC_PAGES;
use common::{TestApp, migrated_pool, spawn_app, spawn_app_with_settings};

/// The site's public address in these tests (not the port the test server listens on).
const PUBLIC: &str = "https://capliquify.example";

async fn public_site() -> TestApp {
    spawn_app_with_settings(migrated_pool().await, &[("PUBLIC_URL", PUBLIC)]).await
}
use reqwest::StatusCode;

fn between<'a>(html: &'a str, start: &str, end: &str) -> Vec<&'a str> {
    html.split(start)
        .skip(1)
        .filter_map(|rest| rest.split(end).next())
        .collect()
}

#[tokio::test]
async fn every_public_page_has_its_own_title_description_and_social_tags() {
    let app = public_site().await;
    let mut titles = std::collections::HashSet::new();
    let mut descriptions = std::collections::HashSet::new();
    let mut json_ld_blocks = 0;
    for (path, title, description) in PUBLIC_PAGES {
        let res = app.client.get(app.url(path)).send().await.unwrap();
        assert_eq!(res.status(), StatusCode::OK, "{path}");
        let html = res.text().await.unwrap();
        // The document's title (SVG charts have titles of their own in the body).
        let head = html.split("</head>").next().unwrap_or_default();
        let page_title = between(head, "<title>", "</title>");
        assert_eq!(page_title, [format!("{title} · CapLiquify")], "{path}");
        assert_eq!(
            between(&html, "<meta name=\"description\" content=\"", "\""),
            [*description],
            "{path}: one description"
        );
        assert!(
            html.contains(&format!("<link href=\"{PUBLIC}{path}\" rel=\"canonical\">")),
            "{path}"
        );
        assert!(
            html.contains("property=\"og:title\"") && html.contains("name=\"twitter:card\""),
            "{path}"
        );
        assert!(
            titles.insert(*title) && descriptions.insert(*description),
            "{path}: unique"
        );
        for block in between(&html, "<script type=\"application/ld+json\">", "</script>") {
            let value: serde_json::Value =
                serde_json::from_str(block).unwrap_or_else(|e| panic!("{path}: {e}: {block}"));
            assert_eq!(value["@context"], "https://schema.org");
            json_ld_blocks += 1;
        }
    }
    assert_eq!(
        json_ld_blocks, 3,
        "Organization, Product with offers, FAQPage"
    );
}

#[tokio::test]
async fn the_sitemap_lists_every_public_page_and_robots_points_to_it() {
    let app = public_site().await;
    let sitemap = app
        .client
        .get(app.url("/sitemap.xml"))
        .send()
        .await
        .unwrap();
    assert!(
        sitemap.headers()["content-type"]
            .to_str()
            .unwrap()
            .contains("xml")
    );
    let sitemap = sitemap.text().await.unwrap();
    let locs = between(&sitemap, "<loc>", "</loc>");
    let expected: Vec<String> = PUBLIC_PAGES
        .iter()
        .map(|(p, _, _)| format!("{PUBLIC}{p}"))
        .collect();
    assert_eq!(locs, expected);
    let robots = app.page("/robots.txt").await;
    assert!(robots.contains(&format!("Sitemap: {PUBLIC}/sitemap.xml")));
    assert!(robots.contains("Disallow: /app/"));
}

#[tokio::test]
async fn pricing_switches_to_annual_without_javascript() {
    let app = spawn_app().await;
    let monthly = app.page("/pricing").await;
    assert!(monthly.contains("$149 per month"));
    let annual = app.page("/pricing?interval=year").await;
    assert!(annual.contains("$1,490 per year") && annual.contains("$12,900 per year"));
    assert!(annual.contains("Imports a month"), "the comparison table");
}

#[tokio::test]
async fn the_contact_form_stores_confirms_and_limits() {
    let app = spawn_app().await;
    let send = |email: &'static str, message: &'static str| {
        let app = &app;
        async move {
            app.call(
                "send_contact",
                &[
                    ("name", "Rita Request"),
                    ("email", email),
                    ("company", "Acme"),
                    ("message", message),
                ],
            )
            .await
        }
    };
    let res = send("not-an-address", "Hello").await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let res = send("rita@example.com", "   ").await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let stored: i64 = sqlx::query_scalar("SELECT count(*) FROM contact_requests")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(stored, 0);

    for _ in 0..5 {
        assert_eq!(
            send("rita@example.com", "A demo, please").await.status(),
            StatusCode::OK
        );
    }
    let confirmation = app.wait_for_email("rita@example.com", 1).await;
    assert!(confirmation.subject.contains("We received your message"));
    let res = send("rita@example.com", "Once more").await;
    assert_eq!(res.status(), StatusCode::TOO_MANY_REQUESTS);
    let stored: i64 = sqlx::query_scalar("SELECT count(*) FROM contact_requests")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(stored, 5);
}

#[tokio::test]
async fn the_contact_form_cannot_flood_someone_elses_inbox() {
    let app = common::spawn_app_with_settings(
        common::migrated_pool().await,
        &[("EMAILS_PER_RECIPIENT_PER_HOUR", "2")],
    )
    .await;
    for _ in 0..4 {
        let res = app
            .call(
                "send_contact",
                &[
                    ("name", "Rita Request"),
                    ("email", "victim@example.com"),
                    ("company", "Acme"),
                    ("message", "Hello"),
                ],
            )
            .await;
        assert_eq!(res.status(), StatusCode::OK, "the same answer, sent or not");
    }
    app.wait_for_email("victim@example.com", 2).await;
    tokio::time::sleep(std::time::Duration::from_secs(2)).await;
    assert_eq!(app.emails_to("victim@example.com").await.len(), 2);
}
