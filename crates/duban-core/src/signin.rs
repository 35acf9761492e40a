//! Sign-in limits. A hard lock after N failures lets a stranger lock anyone out (the office's own
//! account included) by typing a wrong password five times; instead, failures are counted per (account
//! name, client address) and per client address, and each count past a free allowance makes the next
//! attempt from there wait longer, doubling up to a ceiling. The owner signing in from their own machine
//! is not slowed by failures elsewhere; one machine trying many passwords, or one password on many
//! accounts (spraying), is.

/// Longer names are refused before anything else is done with them.
pub const MAX_USERNAME_CHARS: usize = 64;
/// Longer passwords are refused before they are hashed (argon2 takes them whole).
pub const MAX_PASSWORD_BYTES: usize = 1024;
/// Counts older than this are forgotten (and their rows deleted).
pub const FORGET_AFTER_SECS: i64 = 24 * 3600;

/// How failures turn into waiting.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Throttle {
    /// Failures allowed before any wait.
    pub free: i64,
    /// The first wait; each further failure doubles it.
    pub first_wait_secs: i64,
    pub max_wait_secs: i64,
}

/// Per account name and client: five free tries, then 1 s, 2 s, 4 s … up to 15 minutes.
pub const PER_ACCOUNT: Throttle = Throttle { free: 5, first_wait_secs: 1, max_wait_secs: 15 * 60 };
/// Per client over all names: twenty free failures, then the same doubling.
pub const PER_CLIENT: Throttle = Throttle { free: 20, first_wait_secs: 1, max_wait_secs: 15 * 60 };

impl Throttle {
    /// The wait after `failures` failures.
    pub fn wait_after(&self, failures: i64) -> i64 {
        if failures < self.free {
            return 0;
        }
        let doublings = (failures - self.free).min(30) as u32;
        self.first_wait_secs.saturating_mul(1i64 << doublings).min(self.max_wait_secs)
    }

    /// Seconds still to wait at `now` after `failures` failures, the last at `last_at`; 0 when one may try.
    pub fn remaining(&self, failures: i64, last_at: i64, now: i64) -> i64 {
        if now - last_at >= FORGET_AFTER_SECS {
            return 0;
        }
        (last_at + self.wait_after(failures) - now).max(0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn waits_grow_after_the_free_tries_and_stop_at_the_ceiling() {
        assert_eq!(PER_ACCOUNT.wait_after(0), 0);
        assert_eq!(PER_ACCOUNT.wait_after(4), 0);
        assert_eq!(PER_ACCOUNT.wait_after(5), 1);
        assert_eq!(PER_ACCOUNT.wait_after(6), 2);
        assert_eq!(PER_ACCOUNT.wait_after(10), 32);
        assert_eq!(PER_ACCOUNT.wait_after(15), 900);
        assert_eq!(PER_ACCOUNT.wait_after(10_000), 900);
        assert_eq!(PER_ACCOUNT.remaining(7, 100, 101), 3);
        assert_eq!(PER_ACCOUNT.remaining(7, 100, 104), 0);
        assert_eq!(PER_ACCOUNT.remaining(50, 100, 100 + FORGET_AFTER_SECS), 0);
        assert_eq!(PER_CLIENT.wait_after(19), 0);
        assert_eq!(PER_CLIENT.wait_after(21), 2);
    }
}
