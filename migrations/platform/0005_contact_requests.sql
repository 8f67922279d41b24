-- Demo and contact requests from the public site.
CREATE TABLE contact_requests (
    id         uuid PRIMARY KEY,
    name       text NOT NULL CHECK (length(btrim(name)) BETWEEN 1 AND 200),
    email      text NOT NULL CHECK (length(email) BETWEEN 3 AND 254),
    company    text NOT NULL DEFAULT '' CHECK (length(company) <= 200),
    message    text NOT NULL CHECK (length(message) BETWEEN 1 AND 5000),
    ip         inet,
    created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX contact_requests_ip_idx ON contact_requests (ip, created_at DESC);
