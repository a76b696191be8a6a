//! One rounding rule for every rate Fieldlog shows, in every format (PDF text, XLSX, CSV, the
//! CLI, the app): a percent with one decimal, rounded half away from zero, computed from the
//! exact counts, never from a float in between. 13/16 is 81.25 %, shown 81.3 everywhere (a
//! float formatted with `{:.1}` rounds ties to even and said 81.2 in the PDF).

/// `met` of `judged` as tenths of a percent (13/16 → 813); `None` when nothing was judged.
pub fn percent_tenths(met: u32, judged: u32) -> Option<u64> {
    let (met, judged) = (u64::from(met), u64::from(judged));
    (judged > 0).then(|| (met * 2000 + judged) / (2 * judged))
}

/// The rate as a number of percent with one decimal (for spreadsheets): 81.3.
pub fn percent_value(met: u32, judged: u32) -> Option<f64> {
    // A u64 of at most 100 000 000 converts exactly.
    percent_tenths(met, judged).map(|t| t as f64 / 10.0)
}

/// The rate as a share already rounded by the rule (13/16 → 0.813), for the figures the domain
/// hands out (`ClockTally::rate`, `Figures::resolution_rate`): whoever multiplies it by 100 and
/// prints one decimal (the app's `toFixed(1)`, Rust's `{:.1}`) shows the same digits as
/// `percent_text`, because the value sits on the 0.1 % grid, far from any tie.
pub fn share(met: u32, judged: u32) -> Option<f64> {
    percent_tenths(met, judged).map(|t| t as f64 / 1000.0)
}

/// The rate as text with one decimal, without the sign: "81.3".
pub fn percent_text(met: u32, judged: u32) -> Option<String> {
    percent_tenths(met, judged).map(|t| format!("{}.{}", t / 10, t % 10))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ties_round_away_from_zero_from_the_exact_counts() {
        assert_eq!(percent_text(13, 16).as_deref(), Some("81.3"));
        assert_eq!(percent_value(13, 16), Some(81.3));
        assert_eq!(percent_text(3, 7).as_deref(), Some("42.9"));
        assert_eq!(percent_text(1, 2).as_deref(), Some("50.0"));
        assert_eq!(percent_text(0, 5).as_deref(), Some("0.0"));
        assert_eq!(percent_text(5, 5).as_deref(), Some("100.0"));
        // 1/8 = 12.5 %: one decimal already, nothing to round.
        assert_eq!(percent_text(1, 8).as_deref(), Some("12.5"));
        // 29/200 = 14.5 % exactly; as a float 0.145 * 100 is 14.499…, which rounds down.
        assert_eq!(percent_text(29, 2000).as_deref(), Some("1.5"));
        assert_eq!(percent_text(1, 0), None);
    }

    #[test]
    fn every_value_agrees_with_its_text() {
        for judged in 1..200 {
            for met in 0..=judged {
                let text = percent_text(met, judged).unwrap();
                let value = percent_value(met, judged).unwrap();
                assert_eq!(format!("{value:.1}"), text, "{met}/{judged}");
                let shown = share(met, judged).unwrap() * 100.0;
                assert_eq!(format!("{shown:.1}"), text, "share {met}/{judged}");
                let exact = f64::from(met) * 100.0 / f64::from(judged);
                assert!((value - exact).abs() <= 0.05 + 1e-9, "{met}/{judged}");
            }
        }
    }
}
