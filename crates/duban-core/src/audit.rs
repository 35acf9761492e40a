//! The audit trail's hash chain. Each row's hash covers its own fields and the previous row's hash, so that
//! editing a row breaks its hash and deleting one breaks the link of the next; the chain's head (last
//! sequence number and hash) is kept apart, so that deleting the last rows is seen too.

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// The hash before the first row.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct AuditRecord {
    /// 1, 2, 3 … with no gaps.
    pub seq: i64,
    /// Unix seconds.
    pub at: i64,
    pub actor: String,
    /// `report.submit`, `plan.publish`, `unit.alias_add` …
    pub action: String,
    pub entity: String,
    pub entity_id: String,
    /// JSON of the changed fields before and after; `null` for creation and deletion.
    pub before: String,
    pub after: String,
}

/// SHA-256 over the previous hash and every field, each length-prefixed so that no two records hash alike
/// by moving text between fields.
pub fn chain_hash(prev_hash: &str, r: &AuditRecord) -> String {
    let mut h = Sha256::new();
    let seq = r.seq.to_string();
    let at = r.at.to_string();
    for field in [prev_hash, &seq, &at, &r.actor, &r.action, &r.entity, &r.entity_id, &r.before, &r.after] {
        h.update((field.len() as u64).to_be_bytes());
        h.update(field.as_bytes());
    }
    hex::encode(h.finalize())
}

/// HMAC-SHA256 of the audit head under a key kept outside the database. Whoever can write the database
/// but not read the key cannot cut rows off the end of the log and rewrite the head to match: the head's
/// MAC would no longer verify. (A head saved earlier with its MAC could still be put back: keep the head
/// printed by each backup, see the README.)
pub fn head_mac(key: &[u8], seq: i64, hash: &str) -> String {
    use hmac::{Mac, SimpleHmac};
    // SimpleHmac accepts a key of any length; new_from_slice cannot fail for it.
    let Ok(mut mac) = SimpleHmac::<Sha256>::new_from_slice(key) else { return String::new() };
    mac.update(&(seq as u64).to_be_bytes());
    mac.update(hash.as_bytes());
    hex::encode(mac.finalize().into_bytes())
}

/// Checks the head's MAC; `None` when it matches.
pub fn verify_head_mac(key: &[u8], seq: i64, hash: &str, stored_mac: &str) -> Option<Break> {
    let expected = head_mac(key, seq, hash);
    let same = crate::secret::constant_time_eq(expected.as_bytes(), stored_mac.as_bytes());
    (!same).then(|| Break {
        seq,
        problem: if stored_mac.is_empty() {
            "the audit head carries no MAC (it was rewritten, or written without the key)".into()
        } else {
            "the audit head's MAC does not match: the head was rewritten (rows cut off the end?) or the key is not the one it was written with".into()
        },
    })
}

/// One problem found by [`verify`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct Break {
    pub seq: i64,
    pub problem: String,
}

/// Checks stored rows (in sequence order, each with its stored previous hash and hash) against the chain
/// and against the recorded head.
pub fn verify<'a>(
    rows: impl IntoIterator<Item = (&'a AuditRecord, &'a str, &'a str)>,
    head: (i64, &str),
) -> Vec<Break> {
    let mut breaks = Vec::new();
    let mut expected_seq = 1;
    let mut prev = GENESIS.to_string();
    for (rec, stored_prev, stored_hash) in rows {
        if rec.seq != expected_seq {
            breaks.push(Break {
                seq: rec.seq,
                problem: format!("rows {expected_seq}..{} are missing (deleted)", rec.seq - 1),
            });
        } else if stored_prev != prev {
            breaks.push(Break { seq: rec.seq, problem: "link to the previous row is broken".into() });
        }
        let recomputed = chain_hash(stored_prev, rec);
        if recomputed != stored_hash {
            breaks.push(Break { seq: rec.seq, problem: "row was changed after it was written".into() });
        }
        expected_seq = rec.seq + 1;
        prev = stored_hash.to_string();
    }
    let (head_seq, head_hash) = head;
    if head_seq != expected_seq - 1 {
        breaks.push(Break {
            seq: expected_seq,
            problem: format!(
                "the chain ends at {} but its head says {head_seq} (rows deleted at the end)",
                expected_seq - 1
            ),
        });
    } else if head_hash != prev {
        breaks.push(Break { seq: head_seq, problem: "the last row differs from the recorded head".into() });
    }
    breaks
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_head_mac_depends_on_key_seq_and_hash() {
        let m = head_mac(b"key", 5, "abc");
        assert_eq!(m.len(), 64);
        assert!(verify_head_mac(b"key", 5, "abc", &m).is_none());
        assert!(verify_head_mac(b"other", 5, "abc", &m).is_some());
        assert!(verify_head_mac(b"key", 4, "abc", &m).is_some());
        assert!(verify_head_mac(b"key", 5, "abd", &m).is_some());
        assert!(verify_head_mac(b"key", 5, "abc", "").is_some());
    }

    fn chain(n: i64) -> Vec<(AuditRecord, String, String)> {
        let mut prev = GENESIS.to_string();
        let mut out = Vec::new();
        for seq in 1..=n {
            let r = AuditRecord {
                seq,
                at: 1_650_000_000 + seq,
                actor: "admin".into(),
                action: "report.submit".into(),
                entity: "report".into(),
                entity_id: seq.to_string(),
                before: "null".into(),
                after: format!("{{\"state\":\"submitted\",\"n\":{seq}}}"),
            };
            let h = chain_hash(&prev, &r);
            out.push((r, prev.clone(), h.clone()));
            prev = h;
        }
        out
    }

    fn check(rows: &[(AuditRecord, String, String)], head: (i64, &str)) -> Vec<Break> {
        verify(rows.iter().map(|(r, p, h)| (r, p.as_str(), h.as_str())), head)
    }

    #[test]
    fn an_intact_chain_verifies() {
        let rows = chain(5);
        let head = rows[4].2.clone();
        assert!(check(&rows, (5, &head)).is_empty());
        assert!(check(&[], (0, GENESIS)).is_empty());
    }

    #[test]
    fn edits_and_deletions_are_found() {
        let rows = chain(5);
        let head = rows[4].2.clone();
        let mut edited = rows.clone();
        edited[2].0.after = "{\"state\":\"approved\"}".into();
        let b = check(&edited, (5, &head));
        assert_eq!(b.len(), 1);
        assert_eq!(b[0].seq, 3);
        let mut deleted = rows.clone();
        deleted.remove(1);
        assert!(check(&deleted, (5, &head)).iter().any(|b| b.seq == 3 && b.problem.contains("missing")));
        let truncated = &rows[..4];
        assert!(!check(truncated, (5, &head)).is_empty());
        // Moving text between fields changes the hash.
        let mut a = rows[0].0.clone();
        a.actor = "adminreport.submit".into();
        a.action = String::new();
        assert_ne!(chain_hash(GENESIS, &a), rows[0].2);
    }
}
