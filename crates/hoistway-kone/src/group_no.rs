//! KONE group numbers. The contract's `groupId` is a bare number (`"1"`),
//! and scopes and resources name a group `<building>:<number>`; Hoistway's
//! topology names its groups freely (`"A"`, `"low-rise"`). Group N is the
//! N-th group of the building's stored topology, so a number stays the same
//! for as long as the topology does, and integrations configured with
//! `GROUP_ID=1` work against any single-group building.

/// Parses a group number as the contract writes it: digits, no sign, no
/// leading zero, at least 1. Anything else names no group.
pub fn parse(text: &str) -> Option<usize> {
    let canonical = !text.is_empty()
        && !text.starts_with('0')
        && text.len() <= 6
        && text.bytes().all(|b| b.is_ascii_digit());
    canonical.then(|| text.parse().ok()).flatten()
}

/// The topology id of group `number` (as sent) among `ids`, in topology
/// order.
pub fn id_of<'a>(mut ids: impl Iterator<Item = &'a str>, number: &str) -> Option<&'a str> {
    ids.nth(parse(number)? - 1)
}

/// The number of the group with topology id `id` among `ids`.
pub fn number_of<'a>(ids: impl IntoIterator<Item = &'a str>, id: &str) -> Option<usize> {
    ids.into_iter().position(|x| x == id).map(|i| i + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    const IDS: [&str; 3] = ["A", "low-rise", "7"];

    #[test]
    fn numbers_count_from_one_in_topology_order() {
        assert_eq!(id_of(IDS.into_iter(), "1"), Some("A"));
        assert_eq!(id_of(IDS.into_iter(), "3"), Some("7"));
        assert_eq!(number_of(IDS, "low-rise"), Some(2));
        assert_eq!(number_of(IDS, "B"), None);
    }

    #[test]
    fn only_canonical_numbers_in_range_name_a_group() {
        for bad in [
            "0",
            "4",
            "01",
            "+1",
            "-1",
            "A",
            "",
            " 1",
            "1.0",
            "99999999999",
        ] {
            assert_eq!(id_of(IDS.into_iter(), bad), None, "{bad:?}");
        }
    }
}
