//! Unit names as keys: the same body is written with full- or half-width brackets, stray spaces and line
//! breaks from the document, so names are compared in one normal form.

/// The form in which unit names and aliases are compared.
pub fn normalize_unit_name(name: &str) -> String {
    name.chars()
        .filter(|c| !c.is_whitespace())
        .map(|c| match c {
            '(' => '（',
            ')' => '）',
            _ => c,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spaces_and_bracket_widths_do_not_matter() {
        assert_eq!(normalize_unit_name(" 省发展改革委\n"), "省发展改革委");
        assert_eq!(normalize_unit_name("西咸新区管委会(筹)"), normalize_unit_name("西咸新区管委会（筹）"));
    }
}
