//! The password rules of 等级保护 2.0 for accounts: at least 8 characters with three of the four
//! character classes (lower case, upper case, digits, other), not the account's name, not a common
//! password; a password reused from the last three is refused by the store, which keeps their hashes.

use crate::Error;

/// The fewest characters a password has.
pub const MIN_CHARS: usize = 8;
/// The most bytes a password may have (argon2 takes any length; this bounds the work).
pub const MAX_BYTES: usize = 512;
/// How many earlier passwords a new one may not repeat.
pub const HISTORY: usize = 3;

/// Passwords that guessing tools try first (lower case; a password is compared in lower case, so
/// Password1 is caught by password1). Kept small and built in: an intranet server has no list to
/// download.
const COMMON: &[&str] = &[
    "password",
    "password1",
    "password12",
    "password123",
    "passw0rd",
    "p@ssw0rd",
    "p@ssword",
    "p@ssw0rd1",
    "p@ssword1",
    "admin123",
    "admin@123",
    "admin1234",
    "administrator",
    "root1234",
    "root@123",
    "12345678",
    "123456789",
    "1234567890",
    "87654321",
    "11111111",
    "88888888",
    "66666666",
    "00000000",
    "abc12345",
    "abcd1234",
    "abc@1234",
    "abc123456",
    "a1234567",
    "a12345678",
    "a123456789",
    "aa123456",
    "aa12345678",
    "qwerty123",
    "qwe12345",
    "qwe@1234",
    "qwer1234",
    "1qaz2wsx",
    "1qaz@wsx",
    "1q2w3e4r",
    "1q2w3e4r5t",
    "zxcv1234",
    "asdf1234",
    "iloveyou1",
    "woaini1314",
    "woaini520",
    "5201314a",
    "test1234",
    "test@123",
    "welcome1",
    "welcome123",
    "changeme",
    "changeme1",
    "letmein1",
    "qazwsx123",
    "q1w2e3r4",
    "huawei123",
    "huawei@123",
    "sysadmin1",
    "user1234",
    "guest123",
    "demo1234",
    "duban123",
    "duban@123",
];

/// The character classes a password uses, of lower case, upper case, digits and other.
pub fn classes(pw: &str) -> usize {
    let lower = pw.chars().any(|c| c.is_lowercase());
    let upper = pw.chars().any(|c| c.is_uppercase());
    let digit = pw.chars().any(|c| c.is_ascii_digit());
    // A Chinese character or a symbol: anything that is not a cased letter or a digit.
    let other = pw.chars().any(|c| !c.is_lowercase() && !c.is_uppercase() && !c.is_ascii_digit());
    [lower, upper, digit, other].into_iter().filter(|b| *b).count()
}

/// Whether a password may be set for `username`, by every rule except the history (the store's).
pub fn check(pw: &str, username: &str) -> Result<(), Error> {
    if pw.chars().count() < MIN_CHARS || pw.len() > MAX_BYTES {
        return Err(Error::bad_input("password.length").arg("min", MIN_CHARS));
    }
    if classes(pw) < 3 {
        return Err(Error::bad_input("password.classes"));
    }
    let lower = pw.to_lowercase();
    let name = username.trim().to_lowercase();
    let reversed: String = name.chars().rev().collect();
    if name.chars().count() >= 3 && (lower.contains(&name) || lower.contains(&reversed)) {
        return Err(Error::bad_input("password.username"));
    }
    if COMMON.contains(&lower.as_str()) {
        return Err(Error::bad_input("password.common"));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn code(pw: &str, user: &str) -> Option<String> {
        check(pw, user).err().map(|e| e.code.to_string())
    }

    #[test]
    fn the_rules_of_graded_protection() {
        assert_eq!(code("Ab1#", "zhang"), Some("password.length".into()));
        assert_eq!(code("abcdefgh1", "zhang"), Some("password.classes".into()), "two classes");
        assert_eq!(code("abcdefgh1X", "zhang"), None, "three classes");
        assert_eq!(code("报送材料abc12", "zhang"), None, "a Chinese character counts as other");
        assert_eq!(code("Zhang2024!", "zhang"), Some("password.username".into()));
        assert_eq!(code("gnahz2024!X", "zhang"), Some("password.username".into()), "the name reversed");
        assert_eq!(code("P@ssw0rd", "zhang"), Some("password.common".into()));
        assert_eq!(code("Admin@123", "office"), Some("password.common".into()), "compared in lower case");
        assert_eq!(code("Xian-2024-bao", "office"), None);
        assert_eq!(classes("aA1!"), 4);
        assert!(check(&"Aa1!".repeat(200), "x").is_err(), "too long");
    }
}
