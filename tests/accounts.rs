//! Accounts and organizations through the real HTTP server functions.

mod common;

use common::{PASSWORD, TestApp, spawn_app, token_in};
use reqwest::StatusCode;
use serde_json::Value;

async fn sign_up(app: &TestApp, name: &str, email: &str) -> reqwest::Response {
    app.call(
        "sign_up",
        &[("name", name), ("email", email), ("password", PASSWORD)],
    )
    .await
}

async fn current_user(app: &TestApp) -> Value {
    app.call("get_current_user", &[])
        .await
        .json()
        .await
        .unwrap()
}

fn session_cookie(res: &reqwest::Response) -> Option<String> {
    res.headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with("capliquify_session="))
        .map(str::to_owned)
}

fn succeeded(res: &reqwest::Response) -> bool {
    res.status().is_success() || res.status().is_redirection()
}

#[tokio::test]
async fn sign_up_confirms_the_address_before_signing_in() {
    let app = spawn_app().await;
    let res = sign_up(&app, "Ada Lovelace", "ada@example.com").await;
    assert!(succeeded(&res), "{}", res.status());
    assert!(
        current_user(&app).await.is_null(),
        "not signed in before confirming"
    );
    let hash: String =
        sqlx::query_scalar("SELECT password_hash FROM users WHERE email = 'ada@example.com'")
            .fetch_one(&app.pool)
            .await
            .unwrap();
    assert!(hash.starts_with("$argon2id$") && !hash.contains(PASSWORD));

    // Signing in first is refused with a clear message.
    let res = app
        .call(
            "log_in",
            &[("email", "ada@example.com"), ("password", PASSWORD)],
        )
        .await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    let body: Value = res.json().await.unwrap();
    assert!(
        body["message"]
            .as_str()
            .unwrap()
            .contains("Confirm your email")
    );

    let email = app.wait_for_email("ada@example.com", 1).await;
    assert!(email.subject.contains("Confirm your email"));
    assert!(email.html.contains("Confirm my email address"));
    let token = token_in(&email.text, "/verify-email?token=");
    assert!(token.len() >= 43, "at least 256 bits: {token}");
    let stored: Vec<u8> = sqlx::query_scalar("SELECT token_hash FROM account_tokens LIMIT 1")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_ne!(stored, token.as_bytes(), "only the hash is stored");

    let res = app.call("verify_email", &[("token", &token)]).await;
    assert!(succeeded(&res), "{}", res.status());
    let cookie = session_cookie(&res).expect("session cookie set");
    assert!(cookie.contains("HttpOnly"), "{cookie}");
    assert!(cookie.contains("SameSite=Lax"), "{cookie}");
    assert!(cookie.contains("Path=/"), "{cookie}");
    assert_eq!(current_user(&app).await["email"], "ada@example.com");

    // The link works once.
    let res = app
        .other_browser()
        .call("verify_email", &[("token", &token)])
        .await;
    assert_eq!(res.status(), StatusCode::CONFLICT);
}

#[tokio::test]
async fn signing_up_with_a_known_address_reveals_nothing_and_creates_nothing() {
    let app = spawn_app().await;
    app.sign_up_verified("Ada Lovelace", "ada@example.com")
        .await;
    let again = app.other_browser();
    let res = sign_up(&again, "Ada Again", "ADA@example.com").await;
    assert!(
        succeeded(&res),
        "same answer as a new address: {}",
        res.status()
    );
    let location = res
        .headers()
        .get("location")
        .map(|v| v.to_str().unwrap().to_owned());
    let fresh = sign_up(&app.other_browser(), "New Person", "new@example.com").await;
    assert_eq!(res.status(), fresh.status());
    assert_eq!(
        location,
        fresh
            .headers()
            .get("location")
            .map(|v| v.to_str().unwrap().to_owned())
    );
    assert!(current_user(&again).await.is_null());

    let reminder = app.wait_for_email("ada@example.com", 2).await;
    assert!(
        reminder.subject.contains("already have"),
        "{}",
        reminder.subject
    );
    let name: String =
        sqlx::query_scalar("SELECT name FROM users WHERE lower(email) = 'ada@example.com'")
            .fetch_one(&app.pool)
            .await
            .unwrap();
    assert_eq!(name, "Ada Lovelace", "the account is untouched");
}

#[tokio::test]
async fn verification_links_expire() {
    let app = spawn_app().await;
    sign_up(&app, "Late Larry", "larry@example.com").await;
    let token = token_in(
        &app.wait_for_email("larry@example.com", 1).await.text,
        "/verify-email?token=",
    );
    sqlx::query("UPDATE account_tokens SET expires_at = now() - interval '1 second'")
        .execute(&app.pool)
        .await
        .unwrap();
    let res = app.call("verify_email", &[("token", &token)]).await;
    assert_eq!(res.status(), StatusCode::CONFLICT);
    let verified: bool = sqlx::query_scalar("SELECT email_verified_at IS NOT NULL FROM users")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert!(!verified);
}

#[tokio::test]
async fn bad_sign_up_input_gets_field_messages_and_creates_nothing() {
    let app = spawn_app().await;
    for (name, email, password, field) in [
        ("", "a@example.com", PASSWORD, "name"),
        ("Ann", "not-an-email", PASSWORD, "email"),
        ("Ann", "a@example.com", "short", "password"),
    ] {
        let res = app
            .call(
                "sign_up",
                &[("name", name), ("email", email), ("password", password)],
            )
            .await;
        assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY, "{field}");
        let body: Value = res.json().await.unwrap();
        assert!(body["fields"][field].is_string(), "{body}");
    }
    let users: i64 = sqlx::query_scalar("SELECT count(*) FROM users")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(users, 0);
}

#[tokio::test]
async fn sign_in_cycles_the_session_and_sign_out_ends_it() {
    let app = spawn_app().await;
    app.sign_up_verified("Bob", "bob@example.com").await;
    let first = session_cookie(
        &app.call(
            "log_in",
            &[("email", "bob@example.com"), ("password", PASSWORD)],
        )
        .await,
    )
    .unwrap();
    let res = app.call("log_out", &[]).await;
    assert!(succeeded(&res));
    assert!(current_user(&app).await.is_null(), "signed out");

    // The old cookie no longer names a session.
    let stale = app.other_browser();
    let value = first.split(';').next().unwrap().to_owned();
    let res = stale
        .client
        .post(stale.url("/api/fn/get_current_user"))
        .header("origin", stale.origin())
        .header("cookie", value.clone())
        .send()
        .await
        .unwrap();
    assert!(
        res.json::<Value>().await.unwrap().is_null(),
        "flushed at sign-out"
    );

    let res = app
        .call(
            "log_in",
            &[("email", "BOB@example.com"), ("password", PASSWORD)],
        )
        .await;
    assert!(succeeded(&res));
    let second = session_cookie(&res).expect("a new session id at sign-in");
    assert_ne!(second.split(';').next().unwrap(), value);
    assert_eq!(current_user(&app).await["name"], "Bob");
}

#[tokio::test]
async fn wrong_password_and_unknown_account_look_the_same_and_are_throttled() {
    let app = spawn_app().await;
    app.sign_up_verified("Carol", "carol@example.com").await;
    let browser = app.other_browser();
    let wrong = browser
        .call(
            "log_in",
            &[
                ("email", "carol@example.com"),
                ("password", "nope nope nope"),
            ],
        )
        .await;
    let unknown = browser
        .call(
            "log_in",
            &[
                ("email", "nobody@example.com"),
                ("password", "nope nope nope"),
            ],
        )
        .await;
    assert_eq!(wrong.status(), unknown.status());
    let (a, b): (Value, Value) = (wrong.json().await.unwrap(), unknown.json().await.unwrap());
    assert_eq!(a, b);
    assert_eq!(a["message"], "Email or password is incorrect.");

    for _ in 0..4 {
        browser
            .call(
                "log_in",
                &[
                    ("email", "carol@example.com"),
                    ("password", "still wrong!!"),
                ],
            )
            .await;
    }
    // Five failures: even the right password is refused for now.
    let res = browser
        .call(
            "log_in",
            &[("email", "carol@example.com"), ("password", PASSWORD)],
        )
        .await;
    assert_eq!(res.status(), StatusCode::TOO_MANY_REQUESTS);
    let body: Value = res.json().await.unwrap();
    assert!(
        body["message"]
            .as_str()
            .unwrap()
            .contains("Too many failed sign-in attempts")
    );
    assert!(current_user(&browser).await.is_null());

    let actions: Vec<String> = sqlx::query_scalar("SELECT action FROM audit_log ORDER BY id")
        .fetch_all(&app.pool)
        .await
        .unwrap();
    assert_eq!(actions[0], "user.signed_up");
    assert_eq!(
        actions
            .iter()
            .filter(|a| *a == "user.sign_in_failed")
            .count(),
        6
    );
}

#[tokio::test]
async fn organizations_belong_to_their_members_only() {
    let app = spawn_app().await;
    app.sign_up_verified("Dana", "dana@example.com").await;

    let res = app
        .call(
            "create_organization",
            &[("name", "Dana Castings"), ("slug", "dana-castings")],
        )
        .await;
    assert!(succeeded(&res), "{}", res.status());
    let res = app
        .call(
            "create_organization",
            &[("name", "Bad"), ("slug", "Bad Slug!")],
        )
        .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);

    let orgs: Value = app
        .call("my_organizations", &[])
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(orgs[0]["slug"], "dana-castings");
    assert_eq!(orgs[0]["role"], "owner");

    let home = app
        .call("get_organization_home", &[("slug", "dana-castings")])
        .await;
    assert_eq!(home.status(), StatusCode::OK);
    let home: Value = home.json().await.unwrap();
    assert_eq!(home["name"], "Dana Castings");
    assert_eq!(home["status"], "trial");
    assert!(home["trial_days_left"].as_i64().unwrap() >= 13);

    // Another account cannot see it, and cannot take its address.
    let eve = app.other_browser();
    eve.sign_up_verified("Eve", "eve@example.com").await;
    let res = eve
        .call("get_organization_home", &[("slug", "dana-castings")])
        .await;
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    let res = eve
        .call(
            "create_organization",
            &[("name", "Dana Castings"), ("slug", "dana-castings")],
        )
        .await;
    assert_eq!(res.status(), StatusCode::CONFLICT);

    // No one signed in: refused.
    let anonymous = app.other_browser();
    let res = anonymous
        .call("get_organization_home", &[("slug", "dana-castings")])
        .await;
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
    let res = anonymous
        .call("create_organization", &[("name", "X"), ("slug", "xyz-co")])
        .await;
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn the_organization_used_last_comes_first() {
    let app = spawn_app().await;
    app.sign_up_verified("Finn", "finn@example.com").await;
    app.call(
        "create_organization",
        &[("name", "Alpha Works"), ("slug", "alpha-works")],
    )
    .await;
    app.call(
        "create_organization",
        &[("name", "Beta Works"), ("slug", "beta-works")],
    )
    .await;
    let orgs: Value = app
        .call("my_organizations", &[])
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(orgs[0]["slug"], "beta-works", "just created");
    app.call("get_organization_home", &[("slug", "alpha-works")])
        .await;
    let orgs: Value = app
        .call("my_organizations", &[])
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(orgs[0]["slug"], "alpha-works", "just visited");
    assert_eq!(orgs.as_array().unwrap().len(), 2);
}

/// Calls `log_in` for `email` with each password at once, from one client; returns
/// how many were answered other than "too many attempts" (so were checked).
async fn parallel_sign_ins(browser: &TestApp, email: &str, passwords: &[String]) -> usize {
    let calls = passwords.iter().map(|password| async move {
        browser
            .call(
                "log_in",
                &[("email", email), ("password", password.as_str())],
            )
            .await
    });
    futures::future::join_all(calls)
        .await
        .iter()
        .filter(|res| res.status() != StatusCode::TOO_MANY_REQUESTS)
        .count()
}

#[tokio::test]
async fn parallel_guesses_are_counted_before_any_is_checked() {
    let app = spawn_app().await;
    app.sign_up_verified("Carol", "carol@example.com").await;
    let mut passwords: Vec<String> = (0..40).map(|i| format!("wrong guess {i:02}")).collect();
    passwords.insert(20, PASSWORD.to_owned());
    let checked = parallel_sign_ins(&app.other_browser(), "carol@example.com", &passwords).await;
    assert!(
        checked <= 5,
        "{checked} of 41 parallel attempts were checked"
    );
    let failures: i64 =
        sqlx::query_scalar("SELECT count(*) FROM audit_log WHERE action = 'user.sign_in_failed'")
            .fetch_one(&app.pool)
            .await
            .unwrap();
    assert!(failures <= 5, "{failures} failures recorded");
}

#[tokio::test]
async fn an_address_gets_a_limited_number_of_emails_however_often_it_is_signed_up() {
    let app = common::spawn_app_with_settings(
        common::migrated_pool().await,
        &[("EMAILS_PER_RECIPIENT_PER_HOUR", "2")],
    )
    .await;
    app.sign_up_verified("Dora", "dora@example.com").await;
    let answer = |res: reqwest::Response| (res.status(), res.headers().get("location").cloned());
    let first = answer(sign_up(&app.other_browser(), "Someone", "dora@example.com").await);
    assert!(
        first.0.is_success() || first.0.is_redirection(),
        "{first:?}"
    );
    for _ in 0..3 {
        // The same answer whether an email went out or not.
        let res = sign_up(&app.other_browser(), "Someone", "dora@example.com").await;
        assert_eq!(answer(res), first);
    }
    app.wait_for_email("dora@example.com", 2).await;
    tokio::time::sleep(std::time::Duration::from_secs(2)).await;
    assert_eq!(app.emails_to("dora@example.com").await.len(), 2);
}

#[tokio::test]
async fn sign_ups_from_one_client_are_limited_and_refused_ones_cost_no_hash() {
    let app = common::spawn_app_with_settings(
        common::migrated_pool().await,
        &[("SIGN_UPS_PER_CLIENT_PER_HOUR", "6")],
    )
    .await;
    let timed = |offset: usize| {
        let app = &app;
        async move {
            let started = std::time::Instant::now();
            let calls = (0..6).map(|i| {
                let email = format!("person{}@example.com", offset + i);
                async move { sign_up(app, "Person", &email).await.status() }
            });
            let statuses = futures::future::join_all(calls).await;
            (started.elapsed(), statuses)
        }
    };
    let (hashed, statuses) = timed(0).await;
    assert!(
        statuses
            .iter()
            .all(|s| s.is_success() || s.is_redirection()),
        "{statuses:?}"
    );
    let (refused, statuses) = timed(100).await;
    assert!(
        statuses.iter().all(|s| *s == StatusCode::TOO_MANY_REQUESTS),
        "{statuses:?}"
    );
    // Refused before the password is hashed: far quicker than sign-ups that hash.
    assert!(
        refused < hashed / 2,
        "refused sign-ups took {refused:?}, accepted ones {hashed:?}"
    );
    let res = sign_up(&app, "Person", "person999@example.com").await;
    let body: Value = res.json().await.unwrap();
    assert!(
        body["message"]
            .as_str()
            .unwrap()
            .contains("Too many accounts"),
        "{body}"
    );
    let users: i64 = sqlx::query_scalar("SELECT count(*) FROM users")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(users, 6, "refused sign-ups create nothing");
}

#[tokio::test]
async fn whoever_signed_up_first_with_someone_elses_address_gains_nothing() {
    let app = spawn_app().await;
    let squatter = app.other_browser();
    let res = squatter
        .call(
            "sign_up",
            &[
                ("name", "Not Vera"),
                ("email", "vera@example.com"),
                ("password", "the squatter's password"),
            ],
        )
        .await;
    assert!(succeeded(&res));
    let squatters_link = token_in(
        &app.wait_for_email("vera@example.com", 1).await.text,
        "/verify-email?token=",
    );

    // Vera signs up herself: her password replaces the pending one, and her link
    // confirms it.
    let res = sign_up(&app, "Vera", "vera@example.com").await;
    assert!(succeeded(&res));
    let email = app.wait_for_email("vera@example.com", 2).await;
    assert!(email.subject.contains("Confirm"), "{}", email.subject);
    let res = squatter
        .call("verify_email", &[("token", &squatters_link)])
        .await;
    assert_eq!(
        res.status(),
        StatusCode::CONFLICT,
        "the earlier link is void"
    );
    let token = token_in(&email.text, "/verify-email?token=");
    assert!(succeeded(
        &app.call("verify_email", &[("token", &token)]).await
    ));
    assert_eq!(current_user(&app).await["name"], "Vera");

    let res = squatter
        .call(
            "log_in",
            &[
                ("email", "vera@example.com"),
                ("password", "the squatter's password"),
            ],
        )
        .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(current_user(&squatter).await.is_null());
    let res = app
        .other_browser()
        .call(
            "log_in",
            &[("email", "vera@example.com"), ("password", PASSWORD)],
        )
        .await;
    assert!(succeeded(&res), "{}", res.status());
}

#[tokio::test]
async fn a_person_owns_a_limited_number_of_organizations() {
    let app = common::spawn_app_with_settings(
        common::migrated_pool().await,
        &[("ORGANIZATIONS_PER_USER", "2")],
    )
    .await;
    app.sign_up_verified("Owen", "owen@example.com").await;
    for slug in ["first-org", "second-org"] {
        let res = app
            .call("create_organization", &[("name", slug), ("slug", slug)])
            .await;
        assert!(succeeded(&res), "{}", res.status());
    }
    let res = app
        .call(
            "create_organization",
            &[("name", "third-org"), ("slug", "third-org")],
        )
        .await;
    assert_eq!(res.status(), StatusCode::CONFLICT);
    let body: Value = res.json().await.unwrap();
    assert!(
        body["message"].as_str().unwrap().contains("already own 2"),
        "{body}"
    );
    let tenants: i64 = sqlx::query_scalar("SELECT count(*) FROM tenants")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(tenants, 2, "nothing was created");
    // Asking again for one they have still answers with it.
    let res = app
        .call(
            "create_organization",
            &[("name", "first-org"), ("slug", "first-org")],
        )
        .await;
    assert!(succeeded(&res), "{}", res.status());
}

#[tokio::test]
async fn a_confirmation_link_opened_elsewhere_confirms_the_mailbox_not_the_password() {
    let app = spawn_app().await;
    // Someone signs up with Wren's address and waits for her to follow the link.
    let squatter = app.other_browser();
    let res = squatter
        .call(
            "sign_up",
            &[
                ("name", "Not Wren"),
                ("email", "wren@example.com"),
                ("password", "the squatter's password"),
            ],
        )
        .await;
    assert!(succeeded(&res));
    let link = token_in(
        &app.wait_for_email("wren@example.com", 1).await.text,
        "/verify-email?token=",
    );
    // Wren opens it in her own browser: the address is confirmed, she is not signed
    // in, and she is asked for a password of her own.
    let res = app.call("verify_email", &[("token", &link)]).await;
    assert!(succeeded(&res), "{}", res.status());
    let location = res
        .headers()
        .get("location")
        .map(|v| v.to_str().unwrap().to_owned())
        .unwrap_or_default();
    assert!(
        location.starts_with("/reset-password?token="),
        "{location:?}"
    );
    assert!(current_user(&app).await.is_null());
    let res = squatter
        .call(
            "log_in",
            &[
                ("email", "wren@example.com"),
                ("password", "the squatter's password"),
            ],
        )
        .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);

    let reset = token_in(&location, "token=");
    let res = app
        .call(
            "reset_password",
            &[("token", &reset), ("password", PASSWORD)],
        )
        .await;
    assert!(succeeded(&res), "{}", res.status());
    assert_eq!(current_user(&app).await["email"], "wren@example.com");
}

#[tokio::test]
async fn a_sign_up_after_the_owners_cannot_ride_on_her_confirmation() {
    let app = spawn_app().await;
    let res = sign_up(&app, "Yara", "yara@example.com").await;
    assert!(succeeded(&res));
    app.wait_for_email("yara@example.com", 1).await;
    // Before Yara follows her link, someone signs up again with her address.
    let squatter = app.other_browser();
    let res = squatter
        .call(
            "sign_up",
            &[
                ("name", "Not Yara"),
                ("email", "yara@example.com"),
                ("password", "the squatter's password"),
            ],
        )
        .await;
    assert!(succeeded(&res));
    // Yara follows the newest link in the browser she signed up with: the password
    // now pending is not hers, so she is asked for one instead of being signed in.
    let email = app.wait_for_email("yara@example.com", 2).await;
    let token = token_in(&email.text, "/verify-email?token=");
    let res = app.call("verify_email", &[("token", &token)]).await;
    assert!(succeeded(&res), "{}", res.status());
    let location = res.headers()["location"].to_str().unwrap().to_owned();
    assert!(location.starts_with("/reset-password?token="), "{location}");
    assert!(current_user(&app).await.is_null());
    let res = squatter
        .call(
            "log_in",
            &[
                ("email", "yara@example.com"),
                ("password", "the squatter's password"),
            ],
        )
        .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
}
