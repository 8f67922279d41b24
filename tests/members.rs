//! Members: roles within the hierarchy, removal, the last owner, ownership transfer.

mod common;

use common::{TestApp, spawn_app};
use reqwest::StatusCode;
use serde_json::Value;

/// A signed-in browser for a new account; returns it and the user id.
async fn person(app: &TestApp, name: &str) -> (TestApp, String) {
    let browser = app.other_browser();
    let email = format!("{}@example.com", name.to_lowercase());
    browser.sign_up_verified(name, &email).await;
    let me: Value = browser
        .call("get_current_user", &[])
        .await
        .json()
        .await
        .unwrap();
    (browser, me["id"].as_str().unwrap().to_owned())
}

async fn join(app: &TestApp, user: &str, role: &str) {
    sqlx::query(
        "INSERT INTO memberships (tenant_id, user_id, role) SELECT id, $1::uuid, $2 FROM tenants WHERE slug = 'works'",
    )
    .bind(user)
    .bind(role)
    .execute(&app.pool)
    .await
    .unwrap();
}

async fn role_of(app: &TestApp, user: &str) -> Option<String> {
    sqlx::query_scalar("SELECT role FROM memberships WHERE user_id = $1::uuid")
        .bind(user)
        .fetch_optional(&app.pool)
        .await
        .unwrap()
}

async fn change(b: &TestApp, user: &str, role: &str) -> StatusCode {
    b.call(
        "change_member_role",
        &[("slug", "works"), ("user_id", user), ("role", role)],
    )
    .await
    .status()
}

async fn remove(b: &TestApp, user: &str) -> StatusCode {
    b.call("remove_member", &[("slug", "works"), ("user_id", user)])
        .await
        .status()
}

#[tokio::test]
async fn the_role_hierarchy_is_enforced() {
    let app = spawn_app().await;
    let (owner, owner_id) = person(&app, "Olga").await;
    owner
        .call(
            "create_organization",
            &[("name", "Works"), ("slug", "works")],
        )
        .await;
    let (admin, admin_id) = person(&app, "Adam").await;
    let (member, member_id) = person(&app, "Mia").await;
    let (viewer, viewer_id) = person(&app, "Vic").await;
    join(&app, &admin_id, "admin").await;
    join(&app, &member_id, "member").await;
    join(&app, &viewer_id, "viewer").await;

    // Everyone sees the list, each row once, their own marked.
    let rows: Value = viewer
        .call("list_members", &[("slug", "works")])
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(rows.as_array().unwrap().len(), 4);
    assert_eq!(rows[0]["role"], "owner");
    assert!(
        rows.as_array()
            .unwrap()
            .iter()
            .any(|r| r["you"] == true && r["name"] == "Vic")
    );

    // Viewers and members manage no one.
    assert_eq!(
        change(&viewer, &member_id, "viewer").await,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        change(&member, &viewer_id, "member").await,
        StatusCode::FORBIDDEN
    );
    assert_eq!(remove(&member, &viewer_id).await, StatusCode::FORBIDDEN);
    // Admins manage below owner, but neither make nor touch owners.
    assert_eq!(change(&admin, &viewer_id, "member").await, StatusCode::OK);
    assert_eq!(role_of(&app, &viewer_id).await.as_deref(), Some("member"));
    assert_eq!(
        change(&admin, &member_id, "owner").await,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        change(&admin, &owner_id, "viewer").await,
        StatusCode::FORBIDDEN
    );
    assert_eq!(remove(&admin, &owner_id).await, StatusCode::FORBIDDEN);
    assert_eq!(role_of(&app, &owner_id).await.as_deref(), Some("owner"));
    // A bad role is refused with a message.
    let res = admin
        .call(
            "change_member_role",
            &[
                ("slug", "works"),
                ("user_id", &viewer_id),
                ("role", "emperor"),
            ],
        )
        .await;
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);

    // Removal ends access at once, in the session already open.
    let res = member
        .call("get_organization_home", &[("slug", "works")])
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(remove(&admin, &member_id).await, StatusCode::OK);
    let res = member
        .call("get_organization_home", &[("slug", "works")])
        .await;
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn the_last_owner_stays_and_ownership_can_be_transferred() {
    let app = spawn_app().await;
    let (owner, owner_id) = person(&app, "Otto").await;
    owner
        .call(
            "create_organization",
            &[("name", "Works"), ("slug", "works")],
        )
        .await;
    let (admin, admin_id) = person(&app, "Ada").await;
    join(&app, &admin_id, "admin").await;

    assert_eq!(
        change(&owner, &owner_id, "admin").await,
        StatusCode::CONFLICT
    );
    assert_eq!(
        remove(&owner, &owner_id).await,
        StatusCode::CONFLICT,
        "cannot leave as last owner"
    );
    assert_eq!(role_of(&app, &owner_id).await.as_deref(), Some("owner"));

    // Only an owner transfers ownership.
    let res = admin
        .call(
            "transfer_ownership",
            &[("slug", "works"), ("user_id", &admin_id)],
        )
        .await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    let res = owner
        .call(
            "transfer_ownership",
            &[("slug", "works"), ("user_id", &admin_id)],
        )
        .await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(role_of(&app, &admin_id).await.as_deref(), Some("owner"));
    assert_eq!(role_of(&app, &owner_id).await.as_deref(), Some("admin"));

    // Now the former owner may leave.
    assert_eq!(remove(&owner, &owner_id).await, StatusCode::OK);
    assert_eq!(role_of(&app, &owner_id).await, None);

    let actions: Vec<String> = sqlx::query_scalar(
        "SELECT action FROM audit_log WHERE action LIKE 'member.%' OR action LIKE 'ownership.%' ORDER BY id",
    )
    .fetch_all(&app.pool)
    .await
    .unwrap();
    assert_eq!(actions, ["ownership.transferred", "member.removed"]);
}
