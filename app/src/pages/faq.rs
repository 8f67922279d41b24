//! `/faq`: questions buyers ask, with the FAQPage structured data built from the same
//! list.

use leptos::prelude::*;

use super::site::{PageMeta, json_ld};

pub const FAQ: &[(&str, &str)] = &[
    (
        "What does CapLiquify do?",
        "It brings your inventory, sales and purchases, receivables and payables together and shows where cash is tied up: DSO, DIO, DPO, the cash conversion cycle and their trends, with forecasts and what-if scenarios on the larger plans.",
    ),
    (
        "How do I get my data in?",
        "Upload CSV files of products, stock, invoices, bills, sales and purchase lines. You see how the columns map and every problem row by row before anything is saved, and an import writes every row or none.",
    ),
    (
        "Is the free trial really free?",
        "Yes. Every organization gets 14 days of the Professional plan without a card. Three days before the end we remind you; if you choose no plan, the organization pauses and its data is kept.",
    ),
    (
        "How are the metrics computed?",
        "Each ratio uses the 90 days up to the day it describes: DSO is receivables over revenue, DIO is inventory at cost over cost of goods sold, DPO is payables over cost of goods sold, each times 90. The dashboard states every formula next to its number.",
    ),
    (
        "Who can see my company's data?",
        "Only the people you invite, with the role you give them: owners, admins, members and read-only viewers. Every organization's data lives in its own database schema, and every request checks membership.",
    ),
    (
        "How does billing work?",
        "Plans are billed monthly or annually through Stripe; annual billing gives two months free. Owners change plans, payment methods and invoices themselves, and can cancel at any time.",
    ),
];

#[component]
pub fn FaqPage() -> impl IntoView {
    let structured = serde_json::json!({
        "@context": "https://schema.org",
        "@type": "FAQPage",
        "mainEntity": FAQ.iter().map(|(q, a)| serde_json::json!({
            "@type": "Question",
            "name": q,
            "acceptedAnswer": { "@type": "Answer", "text": a },
        })).collect::<Vec<_>>(),
    });
    view! {
        <PageMeta path="/faq" />
        {json_ld(structured)}
        <section class="narrow">
            <h1>"Frequently asked questions"</h1>
            {FAQ
                .iter()
                .map(|(q, a)| view! {
                    <details class="card faq">
                        <summary>{*q}</summary>
                        <p>{*a}</p>
                    </details>
                })
                .collect_view()}
            <p>"Another question? " <a href="/contact">"Ask us"</a> "."</p>
        </section>
    }
}
