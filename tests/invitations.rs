//! Invitations: sent by email, bound to the address, single use, 7 days, revocable,
//! resendable, within the plan's member limit.

mod common;

use common::{PASSWORD, TestApp, spawn_app, token_in};
use reqwest::StatusCode;
use serde_json::Value;

fn ok(res: &reqwest::Response) -> bool {
    res.status().is_success() || res.status().is_redirection()
}

/// An owner signed in with organization "works".
async fn owner() -> TestApp {
    owner_of(spawn_app().await, "Works Ltd").await
}

/// An owner signed in with organization `name` at address "works" in `app`.
async fn owner_of(app: TestApp, name: &str) -> TestApp {
    app.sign_up_verified("Olive Owner", "olive@example.com")
        .await;
    let res = app
        .call("create_organization", &[("name", name), ("slug", "works")])
        .await;
    assert!(ok(&res), "{}", res.status());
    app
}

async fn limited(vars: &[(&str, &str)]) -> TestApp {
    common::spawn_app_with_settings(common::migrated_pool().await, vars).await
}

async fn open_invitations(app: &TestApp) -> Vec<Value> {
    app.call("list_invitations", &[("slug", "works")])
        .await
        .json()
        .await
        .unwrap()
}

async fn invite(app: &TestApp, email: &str, role: &str) -> reqwest::Response {
    app.call(
        "invite_member",
        &[("slug", "works"), ("email", email), ("role", role)],
    )
    .await
}

/// Invites `email` and returns the token from the email it receives.
async fn invited(app: &TestApp, email: &str, role: &str) -> String {
    let before = app.emails_to(email).await.len();
    let res = invite(app, email, role).await;
    assert!(ok(&res), "{} {:?}", res.status(), res.text().await);
    let message = app.wait_for_email(email, before + 1).await;
    assert!(message.subject.contains("Works Ltd"), "{}", message.subject);
    assert!(message.html.contains("Accept the invitation"));
    token_in(&message.text, "/invite/")
}

async fn role_in_works(app: &TestApp, email: &str) -> Option<String> {
    sqlx::query_scalar(
        "SELECT m.role FROM memberships m JOIN users u ON u.id = m.user_id
          JOIN tenants t ON t.id = m.tenant_id WHERE t.slug = 'works' AND u.email = $1",
    )
    .bind(email)
    .fetch_optional(&app.pool)
    .await
    .unwrap()
}

async fn audit_actions(app: &TestApp) -> Vec<String> {
    sqlx::query_scalar("SELECT action FROM audit_log ORDER BY id")
        .fetch_all(&app.pool)
        .await
        .unwrap()
}

#[tokio::test]
async fn a_new_colleague_signs_up_from_the_link_and_lands_in_the_organization() {
    let app = owner().await;
    let token = invited(&app, "new@example.com", "member").await;

    let colleague = app.other_browser();
    let view: Value = colleague
        .call("get_invitation", &[("token", &token)])
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(view["status"], "Open");
    assert_eq!(view["organization"], "Works Ltd");
    assert_eq!(view["email"], "new@example.com");
    assert_eq!(view["invited_by"], "Olive Owner");

    let res = colleague
        .call(
            "sign_up",
            &[
                ("name", "Nia New"),
                ("email", "new@example.com"),
                ("password", PASSWORD),
                ("invitation", &token),
            ],
        )
        .await;
    assert!(ok(&res), "{}", res.status());
    let home = colleague
        .call("get_organization_home", &[("slug", "works")])
        .await;
    assert_eq!(home.status(), StatusCode::OK, "signed in and a member");
    assert_eq!(
        role_in_works(&app, "new@example.com").await.as_deref(),
        Some("member")
    );
    let verified: bool = sqlx::query_scalar(
        "SELECT email_verified_at IS NOT NULL FROM users WHERE email = 'new@example.com'",
    )
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert!(verified, "the link proved the address");

    // Used up: the page says so and a second use is refused.
    let view: Value = colleague
        .call("get_invitation", &[("token", &token)])
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(view["status"], "Accepted");
    let res = colleague
        .call("accept_invitation", &[("token", &token)])
        .await;
    assert_eq!(res.status(), StatusCode::CONFLICT);

    let actions = audit_actions(&app).await;
    for action in ["invitation.sent", "invitation.accepted"] {
        assert!(actions.contains(&action.to_owned()), "{action}");
    }
}

#[tokio::test]
async fn only_the_invited_address_can_accept() {
    let app = owner().await;
    let token = invited(&app, "pat@example.com", "viewer").await;

    // Another signed-in account is refused, and nothing changes.
    let mallory = app.other_browser();
    mallory
        .sign_up_verified("Mallory", "mallory@example.com")
        .await;
    let res = mallory
        .call("accept_invitation", &[("token", &token)])
        .await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    let body: Value = res.json().await.unwrap();
    assert!(
        body["message"]
            .as_str()
            .unwrap()
            .contains("pat@example.com")
    );
    assert_eq!(role_in_works(&app, "mallory@example.com").await, None);

    // Signing up with another address on the link is refused too.
    let res = app
        .other_browser()
        .call(
            "sign_up",
            &[
                ("name", "Mallory Two"),
                ("email", "mallory2@example.com"),
                ("password", PASSWORD),
                ("invitation", &token),
            ],
        )
        .await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    let created: i64 =
        sqlx::query_scalar("SELECT count(*) FROM users WHERE email = 'mallory2@example.com'")
            .fetch_one(&app.pool)
            .await
            .unwrap();
    assert_eq!(created, 0, "nothing half-done");

    // The right person, with an existing account, signs in and accepts.
    let pat = app.other_browser();
    pat.sign_up_verified("Pat", "pat@example.com").await;
    let res = pat.call("accept_invitation", &[("token", &token)]).await;
    assert!(ok(&res), "{}", res.status());
    assert_eq!(
        role_in_works(&app, "pat@example.com").await.as_deref(),
        Some("viewer")
    );
}

#[tokio::test]
async fn expired_revoked_and_replaced_links_are_refused() {
    let app = owner().await;

    let expired = invited(&app, "exp@example.com", "member").await;
    sqlx::query("UPDATE invitations SET expires_at = now() - interval '1 second' WHERE email = 'exp@example.com'")
        .execute(&app.pool)
        .await
        .unwrap();
    let exp = app.other_browser();
    exp.sign_up_verified("Exp", "exp@example.com").await;
    let view: Value = exp
        .call("get_invitation", &[("token", &expired)])
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(view["status"], "Expired");
    let res = exp.call("accept_invitation", &[("token", &expired)]).await;
    assert_eq!(res.status(), StatusCode::CONFLICT);

    let revoked = invited(&app, "rev@example.com", "member").await;
    let id: uuid::Uuid =
        sqlx::query_scalar("SELECT id FROM invitations WHERE email = 'rev@example.com'")
            .fetch_one(&app.pool)
            .await
            .unwrap();
    let res = app
        .call(
            "revoke_invitation",
            &[("slug", "works"), ("id", &id.to_string())],
        )
        .await;
    assert!(ok(&res), "{}", res.status());
    let rev = app.other_browser();
    rev.sign_up_verified("Rev", "rev@example.com").await;
    let res = rev.call("accept_invitation", &[("token", &revoked)]).await;
    assert_eq!(res.status(), StatusCode::CONFLICT);
    assert_eq!(role_in_works(&app, "rev@example.com").await, None);

    // Resending gives a new link; the old one stops working.
    let old = invited(&app, "res@example.com", "member").await;
    let id: uuid::Uuid =
        sqlx::query_scalar("SELECT id FROM invitations WHERE email = 'res@example.com'")
            .fetch_one(&app.pool)
            .await
            .unwrap();
    let res = app
        .call(
            "resend_invitation",
            &[("slug", "works"), ("id", &id.to_string())],
        )
        .await;
    assert!(ok(&res), "{}", res.status());
    let new = token_in(
        &app.wait_for_email("res@example.com", 2).await.text,
        "/invite/",
    );
    assert_ne!(old, new);
    let res_user = app.other_browser();
    res_user.sign_up_verified("Res", "res@example.com").await;
    let res = res_user.call("accept_invitation", &[("token", &old)]).await;
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    let res = res_user.call("accept_invitation", &[("token", &new)]).await;
    assert!(ok(&res), "{}", res.status());

    let actions = audit_actions(&app).await;
    assert!(actions.contains(&"invitation.revoked".to_owned()));
    assert!(actions.contains(&"invitation.resent".to_owned()));
}

#[tokio::test]
async fn only_admins_and_owners_invite_and_no_one_invites_an_owner() {
    let app = owner().await;
    let res = invite(&app, "boss@example.com", "owner").await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let res = invite(&app, "olive@example.com", "member").await;
    assert_eq!(
        res.status(),
        StatusCode::UNPROCESSABLE_ENTITY,
        "already a member"
    );
    let res = invite(&app, "not an address", "member").await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);

    for role in ["member", "viewer"] {
        let email = format!("{role}@example.com");
        let browser = app.other_browser();
        browser.sign_up_verified(role, &email).await;
        common::member_role(&app.pool, "works", &email, role).await;
        let res = invite(&browser, "friend@example.com", "viewer").await;
        assert_eq!(res.status(), StatusCode::FORBIDDEN, "{role}");
        let res = browser.call("list_invitations", &[("slug", "works")]).await;
        assert_eq!(res.status(), StatusCode::FORBIDDEN, "{role}");
    }
    let invitations: i64 = sqlx::query_scalar("SELECT count(*) FROM invitations")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(invitations, 0);

    let admin = app.other_browser();
    admin
        .sign_up_verified("Ada Admin", "admin@example.com")
        .await;
    common::member_role(&app.pool, "works", "admin@example.com", "admin").await;
    invited(&admin, "friend@example.com", "admin").await;
    let list: Value = admin
        .call("list_invitations", &[("slug", "works")])
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(list[0]["email"], "friend@example.com");
    assert_eq!(list[0]["role"], "admin");
    assert_eq!(list[0]["expired"], false);
}

#[tokio::test]
async fn the_member_limit_counts_at_invitation_and_at_acceptance() {
    let app = owner().await;
    // A paying Starter organization: 5 members, pending invitations included.
    sqlx::query("UPDATE tenants SET status = 'active', plan = 'starter' WHERE slug = 'works'")
        .execute(&app.pool)
        .await
        .unwrap();
    for _ in 0..3 {
        common::member_of(&app.pool, "works", "member").await;
    }
    let last_seat = invited(&app, "fifth@example.com", "member").await;
    let res = invite(&app, "sixth@example.com", "member").await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["code"], "upgrade_required");
    assert_eq!(body["plan"], "starter");
    assert_eq!(body["upgrade_url"], "/app/works/billing");
    assert!(body["message"].as_str().unwrap().contains("Starter"));

    // A seat taken meanwhile: accepting is refused and changes nothing.
    common::member_of(&app.pool, "works", "viewer").await;
    let fifth = app.other_browser();
    fifth.sign_up_verified("Fifth", "fifth@example.com").await;
    let res = fifth
        .call("accept_invitation", &[("token", &last_seat)])
        .await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    assert_eq!(role_in_works(&app, "fifth@example.com").await, None);
    let view: Value = fifth
        .call("get_invitation", &[("token", &last_seat)])
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(view["status"], "Open", "still usable once a seat frees up");
}

#[tokio::test]
async fn an_organization_sends_a_limited_number_of_invitations_a_day() {
    let app = owner_of(
        limited(&[("INVITATIONS_PER_ORGANIZATION_PER_DAY", "3")]).await,
        "Works Ltd",
    )
    .await;
    invited(&app, "a@example.com", "member").await;
    invited(&app, "b@example.com", "member").await;
    let id = open_invitations(&app).await[0]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let res = app
        .call("resend_invitation", &[("slug", "works"), ("id", &id)])
        .await;
    assert!(ok(&res), "{}", res.status());
    // Resends count too: the fourth of the day is refused and changes nothing.
    let res = invite(&app, "c@example.com", "member").await;
    assert_eq!(res.status(), StatusCode::TOO_MANY_REQUESTS);
    let body: Value = res.json().await.unwrap();
    assert!(
        body["message"].as_str().unwrap().contains("3 invitations"),
        "{body}"
    );
    let res = app
        .call("resend_invitation", &[("slug", "works"), ("id", &id)])
        .await;
    assert_eq!(res.status(), StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(open_invitations(&app).await.len(), 2);
    assert!(app.emails_to("c@example.com").await.is_empty());
}

#[tokio::test]
async fn invitations_cannot_flood_an_inbox_or_carry_a_message() {
    let spam = format!(
        "Claim your prize at http://prize.example {}",
        "!".repeat(150)
    );
    let app = owner_of(
        limited(&[("EMAILS_PER_RECIPIENT_PER_HOUR", "2")]).await,
        &spam,
    )
    .await;
    let res = invite(&app, "target@example.com", "member").await;
    assert!(ok(&res), "{}", res.status());
    let id = open_invitations(&app).await[0]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    for _ in 0..3 {
        let res = app
            .call("resend_invitation", &[("slug", "works"), ("id", &id)])
            .await;
        assert!(ok(&res), "the same answer, sent or not: {}", res.status());
    }
    let email = app.wait_for_email("target@example.com", 2).await;
    tokio::time::sleep(std::time::Duration::from_secs(2)).await;
    assert_eq!(app.emails_to("target@example.com").await.len(), 2);
    for part in [&email.subject, &email.text, &email.html] {
        assert!(!part.contains("prize.example"), "{part}");
        assert!(!part.contains("http://prize"), "{part}");
        assert!(!part.contains(&"!".repeat(60)), "{part}");
    }
}

#[tokio::test]
async fn an_invitee_takes_over_an_account_someone_else_left_unconfirmed() {
    let app = owner().await;
    let squatter = app.other_browser();
    let res = squatter
        .call(
            "sign_up",
            &[
                ("name", "Not Nia"),
                ("email", "nia@example.com"),
                ("password", "the squatter's password"),
            ],
        )
        .await;
    assert!(ok(&res));
    app.wait_for_email("nia@example.com", 1).await;
    let token = invited(&app, "nia@example.com", "member").await;

    let nia = app.other_browser();
    let res = nia
        .call(
            "sign_up",
            &[
                ("name", "Nia"),
                ("email", "nia@example.com"),
                ("password", PASSWORD),
                ("invitation", &token),
            ],
        )
        .await;
    assert!(ok(&res), "{} {:?}", res.status(), res.text().await);
    assert_eq!(
        role_in_works(&app, "nia@example.com").await.as_deref(),
        Some("member")
    );
    let res = squatter
        .call(
            "log_in",
            &[
                ("email", "nia@example.com"),
                ("password", "the squatter's password"),
            ],
        )
        .await;
    assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let res = app
        .other_browser()
        .call(
            "log_in",
            &[("email", "nia@example.com"), ("password", PASSWORD)],
        )
        .await;
    assert!(ok(&res), "{}", res.status());
}
