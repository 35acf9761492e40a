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

/// How a directory name matches a name written in a plan, for suggesting a mapping.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
/// Ordered from the weakest to the closest match.
pub enum NameMatch {
    /// One is the other with more words after it: 人民银行 ↔ 人民银行西安分行 (the office says whether the
    /// branch is meant).
    Prefix,
    /// One is the other's abbreviation: 省发改委 ↔ 省发展改革委, 市人社局 ↔ 市人力资源和社会保障局.
    Abbreviation,
    /// The same name once 人民政府 is read as 政府: 西安市人民政府 ↔ 西安市政府.
    Same,
}

/// The form used to compare names for suggestions: normalized, with 人民政府 read as 政府.
fn comparable(name: &str) -> Vec<char> {
    normalize_unit_name(name).replace("人民政府", "政府").chars().collect()
}

/// Whether `short` abbreviates `full` as offices shorten names: its characters appear in `full` in
/// order, it starts as `full` starts, and it ends with the suffix `full` ends with (委 for 委员会, 局, 厅).
fn abbreviates(short: &[char], full: &[char]) -> bool {
    if short.len() < 3 || short.len() >= full.len() || short.first() != full.first() {
        return false;
    }
    let Some(last) = short.last() else { return false };
    // The suffix: 局/厅/办 end both; 委 may stand for 委员会; 行 for 分行.
    let tail = full.get(full.len().saturating_sub(3)..).unwrap_or(&[]);
    if !tail.contains(last) {
        return false;
    }
    let mut rest = full.iter();
    short.iter().all(|c| rest.any(|f| f == c))
}

/// How `written` (a name in a plan) matches `known` (a directory name or alias), if it does.
pub fn match_names(written: &str, known: &str) -> Option<NameMatch> {
    let (w, k) = (comparable(written), comparable(known));
    if w == k {
        return Some(NameMatch::Same);
    }
    let (short, long) = if w.len() < k.len() { (&w, &k) } else { (&k, &w) };
    if short.len() >= 4 && long.starts_with(short) {
        return Some(NameMatch::Prefix);
    }
    (abbreviates(&w, &k) || abbreviates(&k, &w)).then_some(NameMatch::Abbreviation)
}

/// The directory's entries that `written` may mean, best first, at most `limit`: each entry is an id with
/// its names (name and aliases). Closer matches first, then shorter distance in length.
pub fn suggest<'a, Id: Copy + Eq>(
    written: &str,
    entries: impl IntoIterator<Item = (Id, &'a [String])>,
    limit: usize,
) -> Vec<(Id, NameMatch)> {
    let w = written.chars().count();
    let mut found: Vec<(NameMatch, usize, Id)> = Vec::new();
    for (id, names) in entries {
        let best = names
            .iter()
            .filter_map(|n| match_names(written, n).map(|m| (m, w.abs_diff(n.chars().count()))))
            .max_by(|a, b| a.0.cmp(&b.0).then(b.1.cmp(&a.1)));
        if let Some((m, gap)) = best {
            found.push((m, gap, id));
        }
    }
    found.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
    found.into_iter().take(limit).map(|(m, _, id)| (id, m)).collect()
}

/// The government a new unit most likely belongs to: the one whose name (政府 and 人民政府 taken off)
/// the unit's name starts with, the longest such (西安市住房和城乡建设局 → 西安市政府); none when no
/// government's place opens the name.
pub fn guess_parent<'a, Id: Copy>(name: &str, governments: impl IntoIterator<Item = (Id, &'a str)>) -> Option<Id> {
    let name = normalize_unit_name(name);
    governments
        .into_iter()
        .filter_map(|(id, g)| {
            let g = normalize_unit_name(g);
            let place = g.strip_suffix("人民政府").or_else(|| g.strip_suffix("政府"))?;
            (place.chars().count() >= 2 && name.starts_with(place) && name != g).then(|| (place.chars().count(), id))
        })
        // The longest place; of equals, the first listed.
        .fold(None, |best: Option<(usize, Id)>, (n, id)| match best {
            Some((b, _)) if b >= n => best,
            _ => Some((n, id)),
        })
        .map(|(_, id)| id)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn abbreviations_and_full_names_match_either_way() {
        assert_eq!(match_names("省发改委", "省发展改革委"), Some(NameMatch::Abbreviation));
        assert_eq!(match_names("省发展和改革委员会", "省发改委"), Some(NameMatch::Abbreviation));
        assert_eq!(match_names("市人社局", "市人力资源和社会保障局"), Some(NameMatch::Abbreviation));
        assert_eq!(match_names("市住建局", "市住房和城乡建设局"), Some(NameMatch::Abbreviation));
        assert_eq!(match_names("省交通厅", "省交通运输厅"), Some(NameMatch::Abbreviation));
        assert_eq!(match_names("人民银行", "人民银行西安分行"), Some(NameMatch::Prefix));
        assert_eq!(match_names("西安市人民政府", "西安市政府"), Some(NameMatch::Same));
        // Different bodies do not match: another suffix, another first word, characters out of order.
        assert_eq!(match_names("省发改委", "省发展改革局"), None);
        assert_eq!(match_names("市人社局", "市人防办"), None);
        assert_eq!(match_names("省财政厅", "市财政局"), None);
        assert_eq!(match_names("省改发委", "省发展改革委"), None);
        assert_eq!(match_names("省委", "省委组织部"), None, "too short to be a prefix");
    }

    #[test]
    fn suggestions_come_best_first_and_parents_by_place() {
        let dir: Vec<(i64, Vec<String>)> = vec![
            (1, vec!["省发展改革委".into()]),
            (2, vec!["省发展和改革委员会培训中心".into()]),
            (3, vec!["省财政厅".into()]),
            (4, vec!["陕西省发展改革委".into(), "省发改委".into()]),
        ];
        let found = suggest("省发改委", dir.iter().map(|(id, n)| (*id, n.as_slice())), 3);
        assert_eq!(found, [(4, NameMatch::Same), (1, NameMatch::Abbreviation)]);
        // A longer name that only starts the same ranks below an abbreviation.
        let found = suggest("省发展改革委", dir.iter().map(|(id, n)| (*id, n.as_slice())), 3);
        assert_eq!(found.first(), Some(&(1, NameMatch::Same)));
        let dir2: Vec<(i64, Vec<String>)> =
            vec![(5, vec!["省发展改革委员会培训中心".into()]), (6, vec!["省发展和改革委员会".into()])];
        let found = suggest("省发展改革委", dir2.iter().map(|(id, n)| (*id, n.as_slice())), 3);
        assert_eq!(found, [(6, NameMatch::Abbreviation), (5, NameMatch::Prefix)]);
        let govs = [(10, "西安市人民政府"), (11, "西安市高新区管委会"), (12, "陕西省政府"), (13, "西安市政府")];
        assert_eq!(guess_parent("西安市住房和城乡建设局", govs.iter().copied()), Some(10));
        assert_eq!(guess_parent("陕西省交通运输厅", govs.iter().copied()), Some(12));
        assert_eq!(guess_parent("省交通运输厅", govs.iter().copied()), None);
        assert_eq!(guess_parent("西安市政府", [(13, "西安市政府")]), None, "not its own parent");
    }

    #[test]
    fn spaces_and_bracket_widths_do_not_matter() {
        assert_eq!(normalize_unit_name(" 省发展改革委\n"), "省发展改革委");
        assert_eq!(normalize_unit_name("西咸新区管委会(筹)"), normalize_unit_name("西咸新区管委会（筹）"));
    }
}
