//! Taxes included in the prices: extracted from the lines' amounts after the discount.
//!
//! Lines that carry the same inclusive taxes (usually every line: an invoice-level VAT)
//! are extracted together, so each rate is rounded once per document: their combined
//! tax is `Σ bases × R / (100 + R)` for the combined rate R, rounded once; it is split
//! per rate by largest remainder over each rate's exact share (`Σ bases × r / (100 + R)`),
//! so the parts add up to it exactly and each is within one minor unit of its share;
//! and it is spread over those lines in proportion to their bases (largest remainder), so
//! each line's net (base − its share) is exact to the unit and the nets add up.

use std::collections::BTreeMap;

use rust_decimal::Decimal;

use super::allocate::{allocate, apportion};
use super::minor::div_round;
use super::totals::{TaxId, TotalsError};

/// 100 % as a mantissa of scale 4 (rates have at most 4 decimals).
const HUNDRED: i128 = 1_000_000;

/// A rate in percent as a mantissa of scale 4 (`15` → 150000); the rate has been checked
/// (0 to 100, at most 4 decimals).
fn scale4(rate: Decimal) -> Option<i128> {
    let scale = rate.scale();
    (scale <= 4)
        .then(|| rate.mantissa().checked_mul(10_i128.checked_pow(4 - scale)?))
        .flatten()
}

/// Inclusive taxes with their checked rates, each id once.
type Rates = Vec<(TaxId, Decimal)>;

/// What the extraction found: each line's net and each inclusive tax's amount.
pub(super) struct Extracted {
    /// Per line, in input order: its base less the inclusive taxes extracted from it.
    pub nets: Vec<i64>,
    /// Per inclusive tax: the sum of its parts over the groups of lines it covers.
    pub amounts: BTreeMap<TaxId, i64>,
}

/// Extracts the inclusive taxes `sets[line]` (id and checked rate, each id once) from
/// the lines' `bases`.
pub(super) fn extract(bases: &[i64], sets: &[Rates]) -> Result<Extracted, TotalsError> {
    let mut nets = bases.to_vec();
    let mut amounts = BTreeMap::new();
    // The lines of each set of inclusive taxes (by their ids, in order).
    let mut groups: BTreeMap<Vec<TaxId>, (Rates, Vec<usize>)> = BTreeMap::new();
    for (line, set) in sets.iter().enumerate() {
        if set.is_empty() {
            continue;
        }
        let mut key: Vec<TaxId> = set.iter().map(|(id, _)| *id).collect();
        key.sort_unstable();
        groups
            .entry(key)
            .or_insert_with(|| (set.clone(), Vec::new()))
            .1
            .push(line);
    }

    for (rates, lines) in groups.into_values() {
        let group_bases: Vec<i64> = lines
            .iter()
            .map(|line| bases.get(*line).copied().ok_or(TotalsError::TooLarge))
            .collect::<Result<_, _>>()?;
        let gross = group_bases
            .iter()
            .try_fold(0_i128, |sum, b| sum.checked_add(i128::from(*b)))
            .ok_or(TotalsError::TooLarge)?;
        let rates4 = rates
            .iter()
            .map(|(_, rate)| scale4(*rate))
            .collect::<Option<Vec<i128>>>()
            .ok_or(TotalsError::TooLarge)?;
        let combined = rates4
            .iter()
            .try_fold(0_i128, |sum, r| sum.checked_add(*r))
            .ok_or(TotalsError::TooLarge)?;
        let denominator = HUNDRED.checked_add(combined).ok_or(TotalsError::TooLarge)?;
        let tax = gross
            .checked_mul(combined)
            .and_then(|n| div_round(n, denominator))
            .and_then(|t| i64::try_from(t).ok())
            .ok_or(TotalsError::TooLarge)?;
        // Σ shares = gross × combined / denominator, which `tax` rounds: the split exists.
        let shares = rates4
            .iter()
            .map(|r| gross.checked_mul(*r))
            .collect::<Option<Vec<i128>>>()
            .ok_or(TotalsError::TooLarge)?;
        let parts = apportion(tax, &shares, denominator).ok_or(TotalsError::TooLarge)?;
        for ((id, _), part) in rates.iter().zip(parts) {
            let amount = amounts.entry(*id).or_insert(0_i64);
            *amount = amount.checked_add(part).ok_or(TotalsError::TooLarge)?;
        }
        // 0 ≤ tax ≤ gross (the combined share is below 1), so each line's part ≤ its base.
        let line_parts = allocate(tax, &group_bases).ok_or(TotalsError::TooLarge)?;
        for (line, part) in lines.iter().zip(line_parts) {
            let net = nets.get_mut(*line).ok_or(TotalsError::TooLarge)?;
            *net = net.checked_sub(part).ok_or(TotalsError::TooLarge)?;
        }
    }
    Ok(Extracted { nets, amounts })
}
