//! Forecasting throughput: how many monthly series per second the model selection
//! (holdout scoring of every candidate, then the refit) handles on one core — what a
//! catalogue's forecast run costs.
//!
//!     cargo bench --bench forecasting                     # 500 series of 36 months
//!     BENCH_SERIES=2000 BENCH_MONTHS=48 cargo bench --bench forecasting
//!
//! Results: docs/PERFORMANCE.md.

use std::{collections::BTreeMap, time::Instant};

use app::forecasting::model;

fn env(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// A product-like series: level, trend, a yearly season and noise, all varying by
/// series (deterministic, so runs compare).
fn series(seed: u64, months: usize) -> Vec<f64> {
    let mut state = seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
    let mut uniform = move || {
        state = state
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        ((state >> 11) as f64 + 0.5) / (1u64 << 53) as f64
    };
    let level = 50.0 + 500.0 * uniform();
    let trend = (uniform() - 0.4) * 4.0;
    let season = level * 0.4 * uniform();
    let noise = level * 0.15 * uniform();
    (0..months)
        .map(|t| {
            let s = (std::f64::consts::TAU * t as f64 / 12.0).sin();
            (level + trend * t as f64 + season * s + noise * (uniform() - 0.5) * 2.0).max(0.0)
        })
        .collect()
}

fn main() {
    let count = env("BENCH_SERIES", 500);
    let months = env("BENCH_MONTHS", 36);
    let inputs: Vec<Vec<f64>> = (0..count as u64).map(|s| series(s, months)).collect();
    let started = Instant::now();
    let mut methods: BTreeMap<&str, usize> = BTreeMap::new();
    let (mut chosen, mut baseline, mut scored) = (0.0, 0.0, 0u32);
    for y in &inputs {
        let f = model::forecast(y, 12, 0.8);
        *methods.entry(f.method.id()).or_default() += 1;
        if let (Some(m), Some(b)) = (f.mase, f.baseline_mase) {
            (chosen, baseline, scored) = (chosen + m, baseline + b, scored + 1);
        }
    }
    let elapsed = started.elapsed().as_secs_f64();
    println!(
        "{count} series of {months} months, 12 ahead: {elapsed:.2} s, {:.0} series/s, {:.1} ms each",
        count as f64 / elapsed,
        elapsed * 1000.0 / count as f64
    );
    println!("chosen methods: {methods:?}");
    println!(
        "mean holdout MASE: chosen {:.3}, seasonal-naive baseline {:.3}",
        chosen / f64::from(scored),
        baseline / f64::from(scored)
    );
}
