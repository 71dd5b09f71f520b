//! Splitting an amount over weights so the parts add up exactly (largest remainder).

/// Splits `amount` minor units in proportion to `weights`: each part is the exact share
/// rounded down, then the units left over go one each to the parts with the largest
/// remainders, ties to the lower index. The parts add up to `amount` exactly, and no part
/// exceeds its exact share rounded up.
///
/// `None` when `amount` or a weight is negative, or the weights add up to 0 while `amount`
/// does not.
pub fn allocate(amount: i64, weights: &[i64]) -> Option<Vec<i64>> {
    if amount < 0 || weights.iter().any(|w| *w < 0) {
        return None;
    }
    let total = weights
        .iter()
        .try_fold(0_i128, |sum, w| sum.checked_add(i128::from(*w)))?;
    if total == 0 {
        return (amount == 0).then(|| vec![0; weights.len()]);
    }
    // amount × weight ≤ (2^63)² = 2^126 fits an i128.
    let shares = weights
        .iter()
        .map(|w| i128::from(amount).checked_mul(i128::from(*w)))
        .collect::<Option<Vec<_>>>()?;
    apportion(amount, &shares, total)
}

/// Rounds exact shares `numerators[i] / denominator` to whole minor units that add up to
/// `amount`: each part is its share rounded down, then the units left over go one each to
/// the parts with the largest remainders, ties to the lower index (the largest-remainder
/// method). When `amount` is the sum of the shares rounded either way, every part is its
/// share rounded down or up, so it is within one unit of it.
///
/// `None` when `denominator ≤ 0`, a numerator is negative, or `amount` is not between the
/// shares rounded down and that plus one unit per part.
pub fn apportion(amount: i64, numerators: &[i128], denominator: i128) -> Option<Vec<i64>> {
    if denominator <= 0 || numerators.iter().any(|n| *n < 0) {
        return None;
    }
    let mut parts = Vec::with_capacity(numerators.len());
    let mut remainders = Vec::with_capacity(numerators.len());
    for (index, share) in numerators.iter().enumerate() {
        parts.push(share.checked_div(denominator)?);
        remainders.push((share.checked_rem(denominator)?, index));
    }
    let floor_sum = parts
        .iter()
        .try_fold(0_i128, |sum, p| sum.checked_add(*p))?;
    let left_over = usize::try_from(i128::from(amount).checked_sub(floor_sum)?).ok()?;
    if left_over > parts.len() {
        return None;
    }

    remainders.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
    for (_, index) in remainders.into_iter().take(left_over) {
        let part = parts.get_mut(index)?;
        *part = part.checked_add(1)?;
    }
    parts.into_iter().map(|p| i64::try_from(p).ok()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parts_are_proportional_and_add_up() {
        assert_eq!(allocate(2000, &[40000]), Some(vec![2000]));
        assert_eq!(allocate(100, &[1, 1, 1]), Some(vec![34, 33, 33]));
        assert_eq!(allocate(2, &[1, 1, 1]), Some(vec![1, 1, 0]));
        assert_eq!(allocate(10, &[1, 2, 3, 4]), Some(vec![1, 2, 3, 4]));
        assert_eq!(allocate(5, &[0, 3, 0, 7]), Some(vec![0, 2, 0, 3]));
        // 7 × 2/3 = 4.67, 7 × 1/3 = 2.33: the larger remainder takes the odd unit.
        assert_eq!(allocate(7, &[2, 1]), Some(vec![5, 2]));
        assert_eq!(allocate(0, &[5, 5]), Some(vec![0, 0]));
    }

    #[test]
    fn apportioned_parts_are_their_shares_rounded_down_or_up() {
        // 1000 × 7/115 = 60.87 and 1000 × 8/115 = 69.57 make 130.43, rounded 130: the
        // larger remainder (0.87) takes the unit left over.
        assert_eq!(apportion(130, &[7000, 8000], 115), Some(vec![61, 69]));
        assert_eq!(apportion(131, &[7000, 8000], 115), Some(vec![61, 70]));
        assert_eq!(apportion(129, &[7000, 8000], 115), Some(vec![60, 69]));
        // A zero share never takes a unit while another has a remainder.
        assert_eq!(apportion(1, &[0, 5, 0], 10), Some(vec![0, 1, 0]));
        assert_eq!(apportion(0, &[], 1), Some(vec![]));
    }

    #[test]
    fn degenerate_inputs_are_none_not_panics() {
        assert_eq!(allocate(0, &[]), Some(vec![]));
        assert_eq!(allocate(0, &[0, 0]), Some(vec![0, 0]));
        assert_eq!(allocate(1, &[0, 0]), None);
        assert_eq!(allocate(1, &[]), None);
        assert_eq!(allocate(-1, &[1]), None);
        assert_eq!(allocate(1, &[1, -1]), None);
        assert_eq!(apportion(1, &[1], 0), None);
        assert_eq!(apportion(1, &[-1], 2), None);
        // More units than parts to give them to, or fewer than the shares rounded down.
        assert_eq!(apportion(3, &[1, 1], 2), None);
        assert_eq!(apportion(0, &[2, 2], 2), None);
        // Shares ≈ x.25, x.25 and 0.4999…: the last has the largest remainder.
        assert_eq!(
            allocate(i64::MAX, &[i64::MAX, i64::MAX, 1]),
            Some(vec![i64::MAX / 2, i64::MAX / 2, 1])
        );
    }
}
