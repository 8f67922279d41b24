//! Addresses that present API keys that do not exist: after a set number of those in
//! a minute, an address is refused for the rest of that minute before any key is
//! looked up, so guessing keys costs the database nothing.

use std::{
    collections::HashMap,
    net::IpAddr,
    num::NonZeroU32,
    sync::Mutex,
    time::{Duration, Instant},
};

use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter, clock::Clock};

pub struct BadKeys {
    failures: DefaultKeyedRateLimiter<IpAddr>,
    refused_until: Mutex<HashMap<IpAddr, Instant>>,
}

impl BadKeys {
    pub fn new(per_minute: NonZeroU32) -> Self {
        Self {
            failures: RateLimiter::keyed(Quota::per_minute(per_minute)),
            refused_until: Mutex::default(),
        }
    }

    /// How much longer `ip` is refused, if it is.
    pub fn refused_for(&self, ip: IpAddr) -> Option<Duration> {
        let refused = self.refused_until.lock().unwrap_or_else(|e| e.into_inner());
        refused
            .get(&ip)
            .and_then(|until| until.checked_duration_since(Instant::now()))
    }

    /// Counts a failed key from `ip`; if that was one too many, how long `ip` is now
    /// refused.
    pub fn failed(&self, ip: IpAddr) -> Option<Duration> {
        let not_until = self.failures.check_key(&ip).err()?;
        let wait = not_until.wait_time_from(self.failures.clock().now());
        let now = Instant::now();
        let mut refused = self.refused_until.lock().unwrap_or_else(|e| e.into_inner());
        refused.retain(|_, until| *until > now);
        refused.insert(ip, now + wait);
        Some(wait)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_address_is_refused_after_too_many_bad_keys_and_others_are_not() {
        let bad = BadKeys::new(NonZeroU32::new(3).unwrap());
        let (guesser, other): (IpAddr, IpAddr) = (
            "203.0.113.7".parse().unwrap(),
            "198.51.100.1".parse().unwrap(),
        );
        for _ in 0..3 {
            assert_eq!(bad.failed(guesser), None);
            assert_eq!(bad.refused_for(guesser), None);
        }
        let wait = bad.failed(guesser).expect("the fourth is one too many");
        assert!(wait > Duration::ZERO && wait <= Duration::from_secs(60));
        assert!(bad.refused_for(guesser).is_some());
        assert_eq!(bad.refused_for(other), None);
        assert_eq!(bad.failed(other), None);
    }
}
