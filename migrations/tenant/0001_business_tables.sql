-- CapLiquify's business tables, created in every tenant schema. Unqualified names:
-- the runner sets search_path to the tenant's schema for the transaction.
-- No foreign keys into `public`: platform ids (users) are kept by value, so a tenant
-- schema can move to another database server on its own.

CREATE TABLE company_profile (
    singleton              boolean PRIMARY KEY DEFAULT true CHECK (singleton),
    legal_name             text NOT NULL DEFAULT '',
    industry               text NOT NULL DEFAULT '',
    currency               char(3) NOT NULL DEFAULT 'EUR' CHECK (currency ~ '^[A-Z]{3}$'),
    default_payment_terms_days integer NOT NULL DEFAULT 30 CHECK (default_payment_terms_days BETWEEN 0 AND 365),
    fiscal_year_start_month integer NOT NULL DEFAULT 1 CHECK (fiscal_year_start_month BETWEEN 1 AND 12),
    updated_at             timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE products (
    id             uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    sku            text NOT NULL UNIQUE CHECK (length(sku) BETWEEN 1 AND 64),
    name           text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    category       text NOT NULL DEFAULT '',
    unit_cost      numeric(14, 4) NOT NULL DEFAULT 0 CHECK (unit_cost >= 0),
    unit_price     numeric(14, 4) NOT NULL DEFAULT 0 CHECK (unit_price >= 0),
    lead_time_days integer NOT NULL DEFAULT 0 CHECK (lead_time_days BETWEEN 0 AND 730),
    active         boolean NOT NULL DEFAULT true,
    created_at     timestamptz NOT NULL DEFAULT now(),
    updated_at     timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX products_category_idx ON products (category);
CREATE INDEX products_active_name_idx ON products (active, lower(name));

CREATE TABLE locations (
    id         uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    code       text NOT NULL UNIQUE,
    name       text NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE inventory_levels (
    product_id    uuid NOT NULL REFERENCES products (id) ON DELETE CASCADE,
    location_id   uuid NOT NULL REFERENCES locations (id) ON DELETE CASCADE,
    on_hand       numeric(14, 3) NOT NULL DEFAULT 0,
    reserved      numeric(14, 3) NOT NULL DEFAULT 0 CHECK (reserved >= 0),
    reorder_point numeric(14, 3) NOT NULL DEFAULT 0 CHECK (reorder_point >= 0),
    safety_stock  numeric(14, 3) NOT NULL DEFAULT 0 CHECK (safety_stock >= 0),
    updated_at    timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (product_id, location_id)
);
CREATE INDEX inventory_levels_location_idx ON inventory_levels (location_id);

CREATE TABLE customers (
    id                 uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    code               text NOT NULL UNIQUE,
    name               text NOT NULL,
    payment_terms_days integer NOT NULL DEFAULT 30 CHECK (payment_terms_days BETWEEN 0 AND 365),
    credit_limit       numeric(14, 2),
    created_at         timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE suppliers (
    id                 uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    code               text NOT NULL UNIQUE,
    name               text NOT NULL,
    payment_terms_days integer NOT NULL DEFAULT 30 CHECK (payment_terms_days BETWEEN 0 AND 365),
    created_at         timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE sales_orders (
    id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    number      text NOT NULL UNIQUE,
    customer_id uuid NOT NULL REFERENCES customers (id),
    order_date  date NOT NULL,
    status      text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'shipped', 'invoiced', 'cancelled')),
    created_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX sales_orders_customer_idx ON sales_orders (customer_id);
CREATE INDEX sales_orders_date_idx ON sales_orders (order_date);

CREATE TABLE sales_order_lines (
    id             uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    sales_order_id uuid NOT NULL REFERENCES sales_orders (id) ON DELETE CASCADE,
    product_id     uuid NOT NULL REFERENCES products (id),
    quantity       numeric(14, 3) NOT NULL CHECK (quantity > 0),
    unit_price     numeric(14, 4) NOT NULL CHECK (unit_price >= 0)
);
CREATE INDEX sales_order_lines_order_idx ON sales_order_lines (sales_order_id);
CREATE INDEX sales_order_lines_product_idx ON sales_order_lines (product_id);

CREATE TABLE customer_invoices (
    id             uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    number         text NOT NULL UNIQUE,
    customer_id    uuid NOT NULL REFERENCES customers (id),
    sales_order_id uuid REFERENCES sales_orders (id) ON DELETE SET NULL,
    issued_on      date NOT NULL,
    due_on         date NOT NULL CHECK (due_on >= issued_on),
    paid_on        date CHECK (paid_on IS NULL OR paid_on >= issued_on),
    amount         numeric(14, 2) NOT NULL CHECK (amount >= 0)
);
CREATE INDEX customer_invoices_customer_idx ON customer_invoices (customer_id);
CREATE INDEX customer_invoices_issued_idx ON customer_invoices (issued_on);
CREATE INDEX customer_invoices_open_due_idx ON customer_invoices (due_on) WHERE paid_on IS NULL;

CREATE TABLE purchase_orders (
    id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    number      text NOT NULL UNIQUE,
    supplier_id uuid NOT NULL REFERENCES suppliers (id),
    order_date  date NOT NULL,
    status      text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'received', 'billed', 'cancelled')),
    created_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX purchase_orders_supplier_idx ON purchase_orders (supplier_id);
CREATE INDEX purchase_orders_date_idx ON purchase_orders (order_date);

CREATE TABLE purchase_order_lines (
    id                uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    purchase_order_id uuid NOT NULL REFERENCES purchase_orders (id) ON DELETE CASCADE,
    product_id        uuid NOT NULL REFERENCES products (id),
    quantity          numeric(14, 3) NOT NULL CHECK (quantity > 0),
    unit_cost         numeric(14, 4) NOT NULL CHECK (unit_cost >= 0)
);
CREATE INDEX purchase_order_lines_order_idx ON purchase_order_lines (purchase_order_id);
CREATE INDEX purchase_order_lines_product_idx ON purchase_order_lines (product_id);

CREATE TABLE supplier_bills (
    id                uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    number            text NOT NULL,
    supplier_id       uuid NOT NULL REFERENCES suppliers (id),
    purchase_order_id uuid REFERENCES purchase_orders (id) ON DELETE SET NULL,
    received_on       date NOT NULL,
    due_on            date NOT NULL CHECK (due_on >= received_on),
    paid_on           date CHECK (paid_on IS NULL OR paid_on >= received_on),
    amount            numeric(14, 2) NOT NULL CHECK (amount >= 0),
    UNIQUE (supplier_id, number)
);
CREATE INDEX supplier_bills_received_idx ON supplier_bills (received_on);
CREATE INDEX supplier_bills_open_due_idx ON supplier_bills (due_on) WHERE paid_on IS NULL;

CREATE TABLE forecasts (
    id             uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    product_id     uuid REFERENCES products (id) ON DELETE CASCADE,
    category       text,
    method         text NOT NULL,
    horizon_months integer NOT NULL CHECK (horizon_months BETWEEN 1 AND 24),
    mape           double precision,
    mase           double precision,
    points         jsonb NOT NULL DEFAULT '[]',
    generated_at   timestamptz NOT NULL DEFAULT now(),
    CHECK ((product_id IS NULL) <> (category IS NULL))
);
CREATE INDEX forecasts_product_idx ON forecasts (product_id, generated_at DESC);
CREATE INDEX forecasts_category_idx ON forecasts (category, generated_at DESC);

CREATE TABLE scenarios (
    id         uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    name       text NOT NULL UNIQUE CHECK (length(name) BETWEEN 1 AND 120),
    levers     jsonb NOT NULL DEFAULT '{}',
    created_by uuid, -- platform user id, by value
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE integrations (
    id                    uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    kind                  text NOT NULL,
    name                  text NOT NULL,
    encrypted_credentials bytea,
    status                text NOT NULL DEFAULT 'disconnected',
    last_sync_at          timestamptz,
    created_at            timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE import_jobs (
    id             uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    kind           text NOT NULL,
    status         text NOT NULL DEFAULT 'pending'
                   CHECK (status IN ('pending', 'validating', 'ready', 'importing', 'done', 'failed')),
    file_name      text NOT NULL,
    total_rows     integer NOT NULL DEFAULT 0,
    processed_rows integer NOT NULL DEFAULT 0,
    report         jsonb NOT NULL DEFAULT '{}',
    created_by     uuid, -- platform user id, by value
    created_at     timestamptz NOT NULL DEFAULT now(),
    finished_at    timestamptz
);
CREATE INDEX import_jobs_created_idx ON import_jobs (created_at DESC);

INSERT INTO company_profile DEFAULT VALUES;
