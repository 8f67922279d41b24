//! A believable manufacturer for demos and onboarding: about 200 products in eight
//! categories, two locations, 40 customers and 15 suppliers, and 24 months of sales
//! and purchases with seasonality, invoices paid with each customer's habits and bills
//! paid around their due dates. Deterministic for a given seed.

use rand::{Rng, SeedableRng, rngs::StdRng};
use sqlx::PgConnection;
use time::{Date, Duration, Weekday};
use uuid::Uuid;

use crate::AppError;

const CATEGORIES: &[(&str, &str, f64)] = &[
    ("FAS", "Fasteners", 2.0),
    ("BRG", "Bearings", 18.0),
    ("HYD", "Hydraulics", 95.0),
    ("ELE", "Electrical", 40.0),
    ("CST", "Castings", 120.0),
    ("PKG", "Packaging", 4.0),
    ("STL", "Raw steel", 60.0),
    ("TOL", "Tooling", 210.0),
];
const ADJECTIVES: &[&str] = &[
    "Heavy-duty",
    "Precision",
    "Stainless",
    "Galvanised",
    "Compact",
    "Sealed",
    "Reinforced",
    "High-temperature",
    "Standard",
    "Low-friction",
];
const NOUNS: &[&str] = &[
    "bracket",
    "flange",
    "coupling",
    "housing",
    "valve",
    "bushing",
    "plate",
    "assembly",
    "sleeve",
    "connector",
    "gasket",
    "shaft",
];
const CUSTOMERS: &[&str] = &[
    "Northwind",
    "Contoso",
    "Fabrikam",
    "Tailspin",
    "Woodgrove",
    "Litware",
    "Adatum",
    "Proseware",
    "Lucerne",
    "Wingtip",
    "Alpine",
    "Coho",
    "Fourth Coffee",
    "Graphic Design",
    "Humongous",
    "Blue Yonder",
    "Margie's",
    "Trey",
    "Wide World",
    "Southridge",
];
const SUPPLIERS: &[&str] = &[
    "Atlas Metals",
    "Baltic Bearings",
    "Crown Castings",
    "Delta Hydraulics",
    "Elmwood Electric",
    "Forge & Co",
    "Granite Tooling",
    "Harbor Packaging",
    "Iron Valley",
    "Juniper Supply",
    "Keystone Steel",
    "Linden Parts",
    "Meridian Fasteners",
    "Nordic Components",
    "Orion Industrial",
];

struct Product {
    id: Uuid,
    cost: f64,
    price: f64,
    /// Relative popularity (a few products sell most).
    weight: f64,
    supplier: usize,
}

/// Seasonal demand: a spring peak and a late-summer lull.
fn season(day: Date) -> f64 {
    let month = f64::from(u8::from(day.month()));
    1.0 + 0.3 * ((month - 3.0) / 12.0 * std::f64::consts::TAU).cos()
}

fn pick(rng: &mut StdRng, products: &[Product], total: f64) -> usize {
    let mut x = rng.random::<f64>() * total;
    for (i, p) in products.iter().enumerate() {
        x -= p.weight;
        if x <= 0.0 {
            return i;
        }
    }
    products.len() - 1
}

/// What was generated, for messages and tests.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Generated {
    pub products: usize,
    pub sales_orders: usize,
    pub invoices: usize,
    pub purchase_orders: usize,
}

/// Fills an empty tenant schema (the connection's search path) with sample data ending
/// `today`.
pub async fn generate(
    conn: &mut PgConnection,
    today: Date,
    seed: u64,
) -> Result<Generated, AppError> {
    let existing: i64 = sqlx::query_scalar("SELECT count(*) FROM products")
        .fetch_one(&mut *conn)
        .await?;
    if existing > 0 {
        return Err(AppError::Conflict {
            message: "Sample data goes only into an organization without products.".into(),
        });
    }
    let mut rng = StdRng::seed_from_u64(seed);

    sqlx::query(
        // A profile the user filled in stays as it is.
        "UPDATE company_profile
            SET legal_name = CASE WHEN legal_name = '' THEN 'Sample Manufacturing GmbH' ELSE legal_name END,
                industry = CASE WHEN industry = '' THEN 'Industrial components' ELSE industry END",
    )
    .execute(&mut *conn)
    .await?;
    sqlx::query(
        "INSERT INTO locations (code, name) VALUES ('MAIN', 'Main plant'), ('WH2', 'Regional warehouse')",
    )
    .execute(&mut *conn)
    .await?;

    // Products.
    let mut products = Vec::new();
    let (mut ids, mut skus, mut names, mut cats, mut costs, mut prices, mut leads) =
        (vec![], vec![], vec![], vec![], vec![], vec![], vec![]);
    for (c, (code, category, base)) in CATEGORIES.iter().enumerate() {
        for n in 0..25 {
            let id = Uuid::new_v4();
            let cost = (base * rng.random_range(0.4..2.5_f64) * 100.0).round() / 100.0;
            let price = (cost * rng.random_range(1.35..2.1_f64) * 100.0).round() / 100.0;
            ids.push(id);
            skus.push(format!("{code}-{:04}", n + 1));
            names.push(format!(
                "{} {} {}",
                ADJECTIVES[rng.random_range(0..ADJECTIVES.len())],
                category.to_lowercase().trim_end_matches('s'),
                NOUNS[rng.random_range(0..NOUNS.len())]
            ));
            cats.push((*category).to_owned());
            costs.push(cost);
            prices.push(price);
            leads.push(rng.random_range(7..60_i32));
            products.push(Product {
                id,
                cost,
                price,
                weight: 1.0 / (1.0 + n as f64).powf(0.8),
                supplier: (c * 2 + n % 2) % SUPPLIERS.len(),
            });
        }
    }
    sqlx::query(
        "INSERT INTO products (id, sku, name, category, unit_cost, unit_price, lead_time_days)
         SELECT * FROM UNNEST($1::uuid[], $2::text[], $3::text[], $4::text[], $5::float8[]::numeric[], $6::float8[]::numeric[], $7::int4[])",
    )
    .bind(&ids)
    .bind(&skus)
    .bind(&names)
    .bind(&cats)
    .bind(&costs)
    .bind(&prices)
    .bind(&leads)
    .execute(&mut *conn)
    .await?;
    let total_weight: f64 = products.iter().map(|p| p.weight).sum();

    // Customers (with payment habits) and suppliers.
    let mut customers = Vec::new();
    for (i, name) in CUSTOMERS.iter().cycle().take(40).enumerate() {
        let suffix = if i < CUSTOMERS.len() {
            "Ltd"
        } else {
            "Industries"
        };
        let terms = [30, 30, 45, 60][i % 4];
        // Days after the due date this customer usually pays (some pay early).
        let habit = rng.random_range(-5.0..25.0_f64) + if i % 9 == 0 { 45.0 } else { 0.0 };
        let id: Uuid = sqlx::query_scalar(
            "INSERT INTO customers (code, name, payment_terms_days) VALUES ($1, $2, $3) RETURNING id",
        )
        .bind(format!("C{:03}", i + 1))
        .bind(format!("{name} {suffix}"))
        .bind(terms)
        .fetch_one(&mut *conn)
        .await?;
        customers.push((id, terms, habit));
    }
    let mut suppliers = Vec::new();
    for (i, name) in SUPPLIERS.iter().enumerate() {
        let terms = [30, 45, 60][i % 3];
        let id: Uuid = sqlx::query_scalar(
            "INSERT INTO suppliers (code, name, payment_terms_days) VALUES ($1, $2, $3) RETURNING id",
        )
        .bind(format!("S{:03}", i + 1))
        .bind(*name)
        .bind(terms)
        .fetch_one(&mut *conn)
        .await?;
        suppliers.push((id, terms));
    }

    // Sales: weekday orders with seasonality, one invoice each.
    let start = today - Duration::days(730);
    let mut so = SalesBatch::default();
    let mut weekly_cost = vec![0.0_f64; SUPPLIERS.len()];
    let mut po = PurchaseBatch::default();
    let mut day = start;
    while day <= today {
        if !matches!(day.weekday(), Weekday::Saturday | Weekday::Sunday) {
            let orders = (rng.random_range(4.0..9.0) * season(day)).round() as usize;
            for _ in 0..orders {
                let order = Uuid::new_v4();
                let (customer, terms, habit) = customers[rng.random_range(0..customers.len())];
                let recent = (today - day).whole_days() < 3;
                so.orders.push((
                    order,
                    format!("SO-{:06}", so.orders.len() + 1),
                    customer,
                    day,
                    if recent { "open" } else { "invoiced" },
                ));
                let mut amount = 0.0;
                for _ in 0..rng.random_range(1..5) {
                    let p = &products[pick(&mut rng, &products, total_weight)];
                    let qty = f64::from(rng.random_range(1..40_u32));
                    amount += qty * p.price;
                    weekly_cost[p.supplier] += qty * p.cost;
                    so.lines.push((order, p.id, qty, p.price));
                }
                if !recent {
                    let due = day + Duration::days(terms);
                    let paid =
                        due + Duration::days((habit + rng.random_range(-4.0..8.0)).round() as i64);
                    let paid = (paid <= today).then_some(paid.max(day));
                    so.invoices.push((
                        format!("INV-{:06}", so.invoices.len() + 1),
                        customer,
                        order,
                        day,
                        due,
                        paid,
                        (amount * 100.0).round() / 100.0,
                    ));
                }
            }
        }
        // Mondays: each supplier is paid for last week's consumption, restocked.
        if day.weekday() == Weekday::Monday {
            for (s, cost) in weekly_cost.iter_mut().enumerate() {
                if *cost <= 0.0 {
                    continue;
                }
                let (supplier, terms) = suppliers[s];
                let order = Uuid::new_v4();
                let number = format!("PO-{:06}", po.orders.len() + 1);
                let received = day + Duration::days(rng.random_range(3..14));
                let status = if received <= today { "billed" } else { "open" };
                po.orders
                    .push((order, number.clone(), supplier, day, status));
                let target = *cost * rng.random_range(0.95..1.06);
                let candidates: Vec<&Product> =
                    products.iter().filter(|p| p.supplier == s).collect();
                let share = target / candidates.len().max(1) as f64;
                let mut billed = 0.0;
                for p in candidates {
                    let qty = (share / p.cost).ceil().max(1.0);
                    billed += qty * p.cost;
                    po.lines.push((order, p.id, qty, p.cost));
                }
                if received <= today {
                    let due = received + Duration::days(terms);
                    let paid = due + Duration::days(rng.random_range(-3..4));
                    po.bills.push((
                        number,
                        supplier,
                        order,
                        received,
                        due,
                        (paid <= today).then_some(paid.max(received)),
                        (billed * 100.0).round() / 100.0,
                    ));
                }
                *cost = 0.0;
            }
        }
        day += Duration::days(1);
    }
    so.insert(conn).await?;
    po.insert(conn).await?;

    // Stock: about two months of each product's sales, split over the locations.
    sqlx::query(
        "INSERT INTO inventory_levels (product_id, location_id, on_hand, reorder_point, safety_stock)
         SELECT p.id, l.id,
                round(coalesce(s.qty, 0) / 12.0 * CASE WHEN l.code = 'MAIN' THEN 0.7 ELSE 0.3 END, 0),
                round(coalesce(s.qty, 0) / 24.0 * CASE WHEN l.code = 'MAIN' THEN 0.7 ELSE 0.3 END, 0),
                round(coalesce(s.qty, 0) / 52.0 * CASE WHEN l.code = 'MAIN' THEN 0.7 ELSE 0.3 END, 0)
           FROM products p CROSS JOIN locations l
           LEFT JOIN (SELECT product_id, sum(quantity) AS qty FROM sales_order_lines GROUP BY 1) s
                  ON s.product_id = p.id",
    )
    .execute(&mut *conn)
    .await?;
    Ok(Generated {
        products: products.len(),
        sales_orders: so.orders.len(),
        invoices: so.invoices.len(),
        purchase_orders: po.orders.len(),
    })
}

type Order = (Uuid, String, Uuid, Date, &'static str);
type Line = (Uuid, Uuid, f64, f64);
type Doc = (String, Uuid, Uuid, Date, Date, Option<Date>, f64);

#[derive(Default)]
struct SalesBatch {
    orders: Vec<Order>,
    lines: Vec<Line>,
    invoices: Vec<Doc>,
}

#[derive(Default)]
struct PurchaseBatch {
    orders: Vec<Order>,
    lines: Vec<Line>,
    bills: Vec<Doc>,
}

// Each batch goes in with one UNNEST insert per table.

async fn insert_orders(
    conn: &mut PgConnection,
    table: &str,
    party: &str,
    rows: &[Order],
) -> Result<(), AppError> {
    sqlx::query(&format!(
        "INSERT INTO {table} (id, number, {party}, order_date, status)
             SELECT * FROM UNNEST($1::uuid[], $2::text[], $3::uuid[], $4::date[], $5::text[])"
    ))
    .bind(rows.iter().map(|r| r.0).collect::<Vec<_>>())
    .bind(rows.iter().map(|r| r.1.clone()).collect::<Vec<_>>())
    .bind(rows.iter().map(|r| r.2).collect::<Vec<_>>())
    .bind(rows.iter().map(|r| r.3).collect::<Vec<_>>())
    .bind(rows.iter().map(|r| r.4.to_owned()).collect::<Vec<_>>())
    .execute(conn)
    .await?;
    Ok(())
}

async fn insert_lines(
    conn: &mut PgConnection,
    table: &str,
    order: &str,
    amount: &str,
    rows: &[Line],
) -> Result<(), AppError> {
    sqlx::query(&format!(
            "INSERT INTO {table} ({order}, product_id, quantity, {amount})
             SELECT * FROM UNNEST($1::uuid[], $2::uuid[], $3::float8[]::numeric[], $4::float8[]::numeric[])"
        ))
        .bind(rows.iter().map(|r| r.0).collect::<Vec<_>>())
        .bind(rows.iter().map(|r| r.1).collect::<Vec<_>>())
        .bind(rows.iter().map(|r| r.2).collect::<Vec<_>>())
        .bind(rows.iter().map(|r| r.3).collect::<Vec<_>>())
        .execute(conn)
        .await?;
    Ok(())
}

async fn insert_documents(
    conn: &mut PgConnection,
    sql: &str,
    rows: &[Doc],
) -> Result<(), AppError> {
    sqlx::query(sql)
        .bind(rows.iter().map(|r| r.0.clone()).collect::<Vec<_>>())
        .bind(rows.iter().map(|r| r.1).collect::<Vec<_>>())
        .bind(rows.iter().map(|r| r.2).collect::<Vec<_>>())
        .bind(rows.iter().map(|r| r.3).collect::<Vec<_>>())
        .bind(rows.iter().map(|r| r.4).collect::<Vec<_>>())
        .bind(rows.iter().map(|r| r.5).collect::<Vec<_>>())
        .bind(rows.iter().map(|r| r.6).collect::<Vec<_>>())
        .execute(conn)
        .await?;
    Ok(())
}
impl SalesBatch {
    async fn insert(&self, conn: &mut PgConnection) -> Result<(), AppError> {
        insert_orders(conn, "sales_orders", "customer_id", &self.orders).await?;
        insert_lines(
            conn,
            "sales_order_lines",
            "sales_order_id",
            "unit_price",
            &self.lines,
        )
        .await?;
        insert_documents(
            conn,
            "INSERT INTO customer_invoices (number, customer_id, sales_order_id, issued_on, due_on, paid_on, amount)
             SELECT * FROM UNNEST($1::text[], $2::uuid[], $3::uuid[], $4::date[], $5::date[], $6::date[], $7::float8[]::numeric[])",
            &self.invoices,
        )
        .await
    }
}

impl PurchaseBatch {
    async fn insert(&self, conn: &mut PgConnection) -> Result<(), AppError> {
        insert_orders(conn, "purchase_orders", "supplier_id", &self.orders).await?;
        insert_lines(
            conn,
            "purchase_order_lines",
            "purchase_order_id",
            "unit_cost",
            &self.lines,
        )
        .await?;
        insert_documents(
            conn,
            "INSERT INTO supplier_bills (number, supplier_id, purchase_order_id, received_on, due_on, paid_on, amount)
             SELECT * FROM UNNEST($1::text[], $2::uuid[], $3::uuid[], $4::date[], $5::date[], $6::date[], $7::float8[]::numeric[])",
            &self.bills,
        )
        .await
    }
}
