//! Forecasting one monthly series. Candidates are fitted on all but the last months
//! (the holdout) and scored there by MASE — mean absolute error scaled by the
//! in-sample error of the seasonal-naive forecast, so 1.0 means "as good as repeating
//! last year" and below 1.0 is better. The best candidate (seasonal-naive itself
//! included) is refitted on the whole history and forecasts with prediction
//! intervals. Candidates: Holt-Winters-style seasonal ETS and MSTL decomposition with
//! an ETS trend (from augurs), plain ETS, and seasonal naive. Series too short or
//! empty for that get a simple, labelled answer instead of an error.

use augurs::{Fit, Predict, ets::AutoETS, mstl::MSTLModel};
use serde::{Deserialize, Serialize};

/// Months per seasonal cycle.
pub const SEASON: usize = 12;
/// Fewer months than this get a flat average, not a model.
pub const MIN_MONTHS: usize = 6;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Method {
    /// Exponential smoothing with additive or multiplicative seasonality (Holt-Winters).
    SeasonalEts,
    /// MSTL decomposition (12-month season) with an ETS trend.
    Mstl,
    /// Exponential smoothing without seasonality.
    Ets,
    /// Each month repeats the same month last year.
    SeasonalNaive,
    /// Each month repeats the last month (histories shorter than a year).
    Naive,
    /// The average of a short history.
    Mean,
    /// No sales at all.
    Zero,
}

impl Method {
    pub fn label(self) -> &'static str {
        match self {
            Method::SeasonalEts => "Seasonal exponential smoothing (Holt-Winters)",
            Method::Mstl => "Seasonal decomposition (MSTL) with exponential smoothing",
            Method::Ets => "Exponential smoothing",
            Method::SeasonalNaive => "Same month last year",
            Method::Naive => "Last month repeated",
            Method::Mean => "Average of the months so far",
            Method::Zero => "No sales",
        }
    }

    pub fn id(self) -> &'static str {
        match self {
            Method::SeasonalEts => "seasonal_ets",
            Method::Mstl => "mstl",
            Method::Ets => "ets",
            Method::SeasonalNaive => "seasonal_naive",
            Method::Naive => "naive",
            Method::Mean => "mean",
            Method::Zero => "zero",
        }
    }

    pub fn parse(id: &str) -> Option<Method> {
        [
            Method::SeasonalEts,
            Method::Mstl,
            Method::Ets,
            Method::SeasonalNaive,
            Method::Naive,
            Method::Mean,
            Method::Zero,
        ]
        .into_iter()
        .find(|m| m.id() == id)
    }
}

/// A forecast of one series.
#[derive(Debug, Clone, PartialEq)]
pub struct SeriesForecast {
    pub method: Method,
    pub point: Vec<f64>,
    pub lower: Vec<f64>,
    pub upper: Vec<f64>,
    /// The chosen method's MASE on the holdout (None without a holdout).
    pub mase: Option<f64>,
    /// Its MAPE in percent on the holdout months that had sales.
    pub mape: Option<f64>,
    /// The seasonal-naive (or naive) baseline's MASE on the same holdout.
    pub baseline_mase: Option<f64>,
    /// Why the answer is simpler than a model, when it is.
    pub message: Option<String>,
}

fn z(level: f64) -> f64 {
    distrs::Normal::ppf(0.5 + level / 2.0, 0.0, 1.0)
}

fn naive_lag(n: usize) -> usize {
    if n > SEASON { SEASON } else { 1 }
}

/// Repeats the value `lag` months back, with intervals that widen with each cycle.
fn naive_forecast(
    y: &[f64],
    lag: usize,
    horizon: usize,
    level: f64,
) -> (Vec<f64>, Vec<f64>, Vec<f64>) {
    let residuals: Vec<f64> = (lag..y.len()).map(|t| y[t] - y[t - lag]).collect();
    let sigma = if residuals.len() > 1 {
        (residuals.iter().map(|r| r * r).sum::<f64>() / residuals.len() as f64).sqrt()
    } else {
        0.0
    };
    let start = y.len() - lag;
    let mut point = Vec::with_capacity(horizon);
    let (mut lower, mut upper) = (Vec::new(), Vec::new());
    for h in 0..horizon {
        let value = y[start + h % lag];
        let cycles = (h / lag + 1) as f64;
        let spread = z(level) * sigma * cycles.sqrt();
        point.push(value);
        lower.push(value - spread);
        upper.push(value + spread);
    }
    (point, lower, upper)
}

fn fitted(
    method: Method,
    y: &[f64],
    horizon: usize,
    level: f64,
) -> Option<(Vec<f64>, Vec<f64>, Vec<f64>)> {
    let forecast = match method {
        Method::SeasonalEts => AutoETS::new(SEASON, "ZZZ")
            .ok()?
            .fit(y)
            .ok()?
            .predict(horizon, level)
            .ok()?,
        Method::Mstl => MSTLModel::new(vec![SEASON], AutoETS::non_seasonal().into_trend_model())
            .fit(y)
            .ok()?
            .predict(horizon, level)
            .ok()?,
        Method::Ets => AutoETS::non_seasonal()
            .fit(y)
            .ok()?
            .predict(horizon, level)
            .ok()?,
        Method::SeasonalNaive => {
            return (y.len() > SEASON).then(|| naive_forecast(y, SEASON, horizon, level));
        }
        Method::Naive => return (y.len() > 1).then(|| naive_forecast(y, 1, horizon, level)),
        Method::Mean | Method::Zero => return None,
    };
    let intervals = forecast.intervals?;
    let ok = forecast.point.len() == horizon
        && forecast
            .point
            .iter()
            .chain(&intervals.lower)
            .chain(&intervals.upper)
            .all(|v| v.is_finite());
    ok.then_some((forecast.point, intervals.lower, intervals.upper))
}

/// What each candidate needs, in months of training data.
fn candidates(n: usize) -> Vec<Method> {
    let mut out = Vec::new();
    if n >= 2 * SEASON + 2 {
        out.extend([Method::SeasonalEts, Method::Mstl]);
    }
    if n >= 4 {
        out.push(Method::Ets);
    }
    out.push(if n > SEASON {
        Method::SeasonalNaive
    } else {
        Method::Naive
    });
    out
}

fn mean_absolute(errors: impl Iterator<Item = f64>) -> f64 {
    let (sum, count) = errors.fold((0.0, 0usize), |(s, c), e| (s + e.abs(), c + 1));
    if count == 0 { 0.0 } else { sum / count as f64 }
}

/// Forecasts `horizon` months after `history` (oldest first), with intervals at
/// `level` (e.g. 0.8).
pub fn forecast(history: &[f64], horizon: usize, level: f64) -> SeriesForecast {
    let n = history.len();
    let clamp = |v: Vec<f64>| v.into_iter().map(|x| x.max(0.0)).collect::<Vec<f64>>();
    if history.iter().all(|v| *v == 0.0) {
        return SeriesForecast {
            method: Method::Zero,
            point: vec![0.0; horizon],
            lower: vec![0.0; horizon],
            upper: vec![0.0; horizon],
            mase: None,
            mape: None,
            baseline_mase: None,
            message: Some("No sales in the history, so the forecast is zero.".into()),
        };
    }
    if n < MIN_MONTHS {
        let mean = history.iter().sum::<f64>() / n as f64;
        let sd = (history.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / n as f64).sqrt();
        let spread = z(level) * sd;
        return SeriesForecast {
            method: Method::Mean,
            point: vec![mean; horizon],
            lower: vec![(mean - spread).max(0.0); horizon],
            upper: vec![mean + spread; horizon],
            mase: None,
            mape: None,
            baseline_mase: None,
            message: Some(format!(
                "Only {n} month(s) of sales: an average until there are {MIN_MONTHS} months to model."
            )),
        };
    }
    let holdout = if n >= 2 * SEASON { 6 } else { 3 };
    let (train, test) = history.split_at(n - holdout);
    let lag = naive_lag(train.len());
    let scale = mean_absolute((lag..train.len()).map(|t| train[t] - train[t - lag]));
    let scale = if scale > 0.0 {
        scale
    } else {
        mean_absolute(train.iter().copied()).max(1e-9)
    };
    let score = |method: Method| {
        let (point, ..) = fitted(method, train, holdout, level)?;
        let mae = mean_absolute(point.iter().zip(test).map(|(p, a)| p.max(0.0) - a));
        let with_sales: Vec<(f64, f64)> = point
            .iter()
            .zip(test)
            .filter(|(_, a)| **a != 0.0)
            .map(|(p, a)| (p.max(0.0), *a))
            .collect();
        let mape = (!with_sales.is_empty()).then(|| {
            100.0
                * with_sales
                    .iter()
                    .map(|(p, a)| ((p - a) / a).abs())
                    .sum::<f64>()
                / with_sales.len() as f64
        });
        Some((method, mae / scale, mape))
    };
    let scored: Vec<(Method, f64, Option<f64>)> = candidates(train.len())
        .into_iter()
        .filter_map(score)
        .collect();
    let baseline = scored
        .iter()
        .find(|(m, ..)| matches!(m, Method::SeasonalNaive | Method::Naive))
        .map(|(_, mase, _)| *mase);
    let mut ranked = scored.clone();
    ranked.sort_by(|a, b| a.1.total_cmp(&b.1));
    // The best on the holdout that can also be fitted to the whole history.
    for (method, mase, mape) in ranked {
        if let Some((point, lower, upper)) = fitted(method, history, horizon, level) {
            return SeriesForecast {
                method,
                point: clamp(point),
                lower: clamp(lower),
                upper: clamp(upper),
                mase: Some(mase),
                mape,
                baseline_mase: baseline,
                message: None,
            };
        }
    }
    let (point, lower, upper) = naive_forecast(history, naive_lag(n), horizon, level);
    SeriesForecast {
        method: if naive_lag(n) == SEASON {
            Method::SeasonalNaive
        } else {
            Method::Naive
        },
        point: clamp(point),
        lower: clamp(lower),
        upper: clamp(upper),
        mase: None,
        mape: None,
        baseline_mase: baseline,
        message: Some(
            "No model could be fitted to this history; repeating the past instead.".into(),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Deterministic standard-normal noise (a linear congruential generator and
    /// Box-Muller), so the tests see the same series every run.
    struct Noise(u64);

    impl Noise {
        fn uniform(&mut self) -> f64 {
            self.0 = self
                .0
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            ((self.0 >> 11) as f64 + 0.5) / (1u64 << 53) as f64
        }

        fn normal(&mut self) -> f64 {
            let (u, v) = (self.uniform(), self.uniform());
            (-2.0 * u.ln()).sqrt() * (std::f64::consts::TAU * v).cos()
        }
    }

    /// Trend plus a 12-month season plus noise of standard deviation `sd`.
    fn series(seed: u64, months: usize, sd: f64) -> (Vec<f64>, Vec<f64>) {
        let mut noise = Noise(seed.wrapping_mul(2_654_435_761).wrapping_add(17));
        let truth: Vec<f64> = (0..months)
            .map(|t| {
                300.0 + 2.0 * t as f64 + 80.0 * (std::f64::consts::TAU * t as f64 / 12.0).sin()
            })
            .collect();
        let observed = truth.iter().map(|v| v + sd * noise.normal()).collect();
        (truth, observed)
    }

    #[test]
    fn a_seasonal_series_with_trend_beats_the_seasonal_naive_baseline() {
        let (truth, y) = series(7, 60, 10.0);
        let f = forecast(&y[..48], 12, 0.8);
        assert!(
            matches!(f.method, Method::SeasonalEts | Method::Mstl),
            "{:?}",
            f.method
        );
        assert!(f.mase.unwrap() < f.baseline_mase.unwrap(), "{f:?}");
        assert!(f.message.is_none());
        // Against what really followed, too.
        let (naive, ..) = naive_forecast(&y[..48], SEASON, 12, 0.8);
        let error = |p: &[f64]| mean_absolute(p.iter().zip(&truth[48..]).map(|(p, t)| p - t));
        assert!(
            error(&f.point) < error(&naive),
            "{} vs {}",
            error(&f.point),
            error(&naive)
        );
        assert!(
            f.point
                .iter()
                .zip(&f.lower)
                .zip(&f.upper)
                .all(|((p, l), u)| l <= p && p <= u)
        );
    }

    #[test]
    fn eighty_percent_intervals_cover_about_eighty_percent() {
        let (mut inside, mut total) = (0, 0);
        for seed in 0..12 {
            let (_, y) = series(seed, 60, 15.0);
            let f = forecast(&y[..48], 12, 0.8);
            for (h, actual) in y[48..].iter().enumerate() {
                total += 1;
                if f.lower[h] <= *actual && *actual <= f.upper[h] {
                    inside += 1;
                }
            }
        }
        let coverage = f64::from(inside) / f64::from(total);
        assert!((0.65..=0.97).contains(&coverage), "coverage {coverage}");
    }

    #[test]
    fn degenerate_histories_get_an_answer_and_a_message() {
        let zeros = forecast(&[0.0; 30], 6, 0.8);
        assert_eq!(zeros.method, Method::Zero);
        assert_eq!(zeros.point, vec![0.0; 6]);
        assert!(zeros.message.is_some());
        assert_eq!(forecast(&[], 3, 0.8).method, Method::Zero);

        let short = forecast(&[4.0, 6.0], 3, 0.8);
        assert_eq!(short.method, Method::Mean);
        assert_eq!(short.point, vec![5.0; 3]);
        assert!(short.message.unwrap().contains("2 month(s)"));

        let mut spike = vec![0.0; 36];
        spike[20] = 500.0;
        for y in [
            spike,
            vec![10.0; 36],
            vec![1.0, 0.0, 3.0, 0.0, 0.0, 2.0, 0.0],
        ] {
            let f = forecast(&y, 12, 0.9);
            assert_eq!(f.point.len(), 12);
            for v in f.point.iter().chain(&f.lower).chain(&f.upper) {
                assert!(v.is_finite() && *v >= 0.0, "{y:?} gave {f:?}");
            }
        }
    }
}
