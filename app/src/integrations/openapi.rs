//! The REST API's contract: the endpoint list that the OpenAPI document at
//! `/api/v1/openapi.json` and the reference page at `/developers/api` are both made
//! from (tests check the served routes against it).

use serde_json::{Value, json};

/// A query parameter.
pub struct Param {
    pub name: &'static str,
    pub description: &'static str,
}

pub struct Endpoint {
    pub method: &'static str,
    /// Under `/api/v1`.
    pub path: &'static str,
    pub summary: &'static str,
    /// `read` or `read_write`: the key scope needed.
    pub scope: &'static str,
    /// A feature needed beside `api_integrations`, if any.
    pub feature: Option<&'static str>,
    pub query: &'static [Param],
    /// The request body's schema, for writes.
    pub body: Option<&'static str>,
    /// The response's schema: a list of this item, or the item itself.
    pub item: &'static str,
    pub list: bool,
}

const PAGED: &[Param] = &[
    Param {
        name: "page",
        description: "Page number, from 1 (default 1).",
    },
    Param {
        name: "per_page",
        description: "Items per page, 1 to 200 (default 50).",
    },
];

const PRODUCT_QUERY: &[Param] = &[
    Param {
        name: "page",
        description: "Page number, from 1 (default 1).",
    },
    Param {
        name: "per_page",
        description: "Items per page, 1 to 200 (default 50).",
    },
    Param {
        name: "q",
        description: "Only products whose SKU or name contains this text.",
    },
];

pub const ENDPOINTS: &[Endpoint] = &[
    Endpoint {
        method: "get",
        path: "/products",
        summary: "List products",
        scope: "read",
        feature: None,
        query: PRODUCT_QUERY,
        body: None,
        item: "Product",
        list: true,
    },
    Endpoint {
        method: "post",
        path: "/products",
        summary: "Create a product",
        scope: "read_write",
        feature: None,
        query: &[],
        body: Some("NewProduct"),
        item: "Created",
        list: false,
    },
    Endpoint {
        method: "get",
        path: "/inventory",
        summary: "List stock levels by product and location",
        scope: "read",
        feature: None,
        query: PAGED,
        body: None,
        item: "InventoryLevel",
        list: true,
    },
    Endpoint {
        method: "get",
        path: "/sales",
        summary: "List sales orders",
        scope: "read",
        feature: None,
        query: PAGED,
        body: None,
        item: "Order",
        list: true,
    },
    Endpoint {
        method: "get",
        path: "/purchases",
        summary: "List purchase orders",
        scope: "read",
        feature: None,
        query: PAGED,
        body: None,
        item: "Order",
        list: true,
    },
    Endpoint {
        method: "get",
        path: "/invoices",
        summary: "List customer invoices",
        scope: "read",
        feature: None,
        query: PAGED,
        body: None,
        item: "Invoice",
        list: true,
    },
    Endpoint {
        method: "get",
        path: "/metrics",
        summary: "Working-capital metrics today",
        scope: "read",
        feature: None,
        query: &[],
        body: None,
        item: "Metrics",
        list: false,
    },
    Endpoint {
        method: "get",
        path: "/forecasts",
        summary: "Latest demand forecast per product",
        scope: "read",
        feature: Some("ai_forecasting"),
        query: &[],
        body: None,
        item: "Forecast",
        list: true,
    },
];

fn number() -> Value {
    json!({ "type": "number" })
}

fn schemas() -> Value {
    json!({
        "Product": { "type": "object", "required": ["id", "sku", "name", "category", "unit_cost", "unit_price", "lead_time_days", "active"], "properties": {
            "id": { "type": "string", "format": "uuid" }, "sku": { "type": "string" }, "name": { "type": "string" },
            "category": { "type": "string" }, "unit_cost": number(), "unit_price": number(),
            "lead_time_days": { "type": "integer" }, "active": { "type": "boolean" } } },
        "NewProduct": { "type": "object", "required": ["sku", "name", "unit_cost", "unit_price"], "properties": {
            "sku": { "type": "string", "maxLength": 64 }, "name": { "type": "string", "maxLength": 200 },
            "category": { "type": "string" }, "unit_cost": number(), "unit_price": number(),
            "lead_time_days": { "type": "integer", "minimum": 0, "maximum": 730 } } },
        "Created": { "type": "object", "required": ["created"], "properties": { "created": { "type": "boolean" } } },
        "InventoryLevel": { "type": "object", "properties": {
            "sku": { "type": "string" }, "location": { "type": "string" }, "on_hand": number(), "reserved": number(),
            "reorder_point": number(), "safety_stock": number() } },
        "Order": { "type": "object", "properties": {
            "number": { "type": "string" }, "party": { "type": "string", "description": "Customer or supplier code" },
            "order_date": { "type": "string", "format": "date" }, "status": { "type": "string" }, "total": number() } },
        "Invoice": { "type": "object", "properties": {
            "number": { "type": "string" }, "customer": { "type": "string" },
            "issued_on": { "type": "string", "format": "date" }, "due_on": { "type": "string", "format": "date" },
            "paid_on": { "type": "string", "format": "date", "nullable": true }, "amount": number() } },
        "Metrics": { "type": "object", "properties": {
            "day": { "type": "string", "format": "date" }, "revenue": number(), "cogs": number(), "receivables": number(),
            "payables": number(), "inventory": number(), "dso": { "type": "number", "nullable": true },
            "dio": { "type": "number", "nullable": true }, "dpo": { "type": "number", "nullable": true },
            "ccc": { "type": "number", "nullable": true }, "working_capital": number() } },
        "Forecast": { "type": "object", "properties": {
            "sku": { "type": "string" }, "name": { "type": "string" }, "method": { "type": "string" },
            "mase": { "type": "number", "nullable": true }, "forecast_units": number(),
            "reorder_point": number(), "order_quantity": number() } },
        "Error": { "type": "object", "required": ["code", "message"], "properties": {
            "code": { "type": "string" }, "message": { "type": "string" },
            "feature": { "type": "string" }, "plan": { "type": "string" }, "upgrade_url": { "type": "string" } } },
    })
}

fn error(description: &str) -> Value {
    json!({ "description": description, "content": { "application/json": { "schema": { "$ref": "#/components/schemas/Error" } } } })
}

fn operation(e: &Endpoint) -> Value {
    let item = json!({ "$ref": format!("#/components/schemas/{}", e.item) });
    let body = if e.list {
        json!({ "type": "object", "required": ["data"], "properties": {
            "data": { "type": "array", "items": item },
            "page": { "type": "integer" }, "per_page": { "type": "integer" }, "total": { "type": "integer" } } })
    } else {
        item
    };
    let ok = if e.method == "post" { "201" } else { "200" };
    let mut responses = json!({
        ok: { "description": "Success", "content": { "application/json": { "schema": body } } },
        "400": error("A parameter could not be read"),
        "401": error("No API key, or one that is unknown or revoked"),
        "403": error("The plan lacks the feature (with the plan and an upgrade URL), or the key is read-only"),
        "429": { "description": "Too many requests for this key, or too many unknown keys from this address", "headers": { "Retry-After": {
            "description": "Seconds to wait", "schema": { "type": "integer" } } },
            "content": { "application/json": { "schema": { "$ref": "#/components/schemas/Error" } } } },
    });
    if e.body.is_some() {
        responses["422"] = error("The body failed validation (field messages in `fields`)");
    }
    let mut op = json!({
        "summary": e.summary,
        "operationId": format!("{}{}", e.method, e.path.replace('/', "_")),
        "description": format!("Key scope: {}.{}", e.scope,
            e.feature.map(|f| format!(" Also needs the {f} feature.")).unwrap_or_default()),
        "parameters": e.query.iter().map(|p| json!({
            "name": p.name, "in": "query", "required": false, "description": p.description,
            "schema": { "type": if p.name == "q" { "string" } else { "integer" } } })).collect::<Vec<_>>(),
        "responses": responses,
    });
    if let Some(schema) = e.body {
        op["requestBody"] = json!({ "required": true, "content": { "application/json": {
            "schema": { "$ref": format!("#/components/schemas/{schema}") } } } });
    }
    op
}

/// The OpenAPI 3.0 document, for a server at `origin`.
pub fn document(origin: &str) -> Value {
    let mut paths = serde_json::Map::new();
    for e in ENDPOINTS {
        let entry = paths.entry(e.path).or_insert_with(|| json!({}));
        entry[e.method] = operation(e);
    }
    paths.insert(
        "/openapi.json".into(),
        json!({ "get": { "summary": "This document", "operationId": "get_openapi", "security": [],
            "responses": { "200": { "description": "The OpenAPI document",
                "content": { "application/json": { "schema": { "type": "object" } } } } } } }),
    );
    json!({
        "openapi": "3.0.3",
        "info": {
            "title": "CapLiquify API",
            "version": "1.0.0",
            "description": "Read and write your organization's working-capital data. Authenticate with an API key from Integrations (Enterprise plan): `Authorization: Bearer cql_…`. Each key is limited to a number of requests per minute; every call counts as usage.",
        },
        "servers": [{ "url": format!("{origin}/api/v1") }],
        "security": [{ "api_key": [] }],
        "components": {
            "securitySchemes": { "api_key": { "type": "http", "scheme": "bearer", "description": "An API key: cql_…" } },
            "schemas": schemas(),
        },
        "paths": paths,
    })
}
