//! Request rate limits per signed-in user and per client address, in fixed one-minute windows,
//! kept in this instance's memory (with several instances behind a load balancer each enforces
//! its own share). A request over a limit is answered `RATE_LIMITED` with `Retry-After`.

use std::{
    collections::HashMap,
    sync::Mutex,
    time::{Duration, Instant},
};

const WINDOW: Duration = Duration::from_secs(60);

pub struct RateLimiter {
    per_user: u32,
    per_client: u32,
    windows: Mutex<HashMap<String, (Instant, u32)>>,
}

impl RateLimiter {
    pub fn new(per_user: u32, per_client: u32) -> Self {
        Self {
            per_user,
            per_client,
            windows: Mutex::new(HashMap::new()),
        }
    }

    /// Counts one request; `Err(seconds)` to wait when a limit is exceeded.
    pub fn check(&self, user: Option<&str>, client: Option<&str>) -> Result<(), u64> {
        let Ok(mut windows) = self.windows.lock() else {
            return Ok(());
        };
        let now = Instant::now();
        if windows.len() > 100_000 {
            windows.retain(|_, (start, _)| now.duration_since(*start) < WINDOW);
        }
        let mut keys = Vec::with_capacity(2);
        if let Some(u) = user {
            keys.push((format!("u:{u}"), self.per_user));
        }
        if let Some(c) = client {
            keys.push((format!("c:{c}"), self.per_client));
        }
        for (key, limit) in keys {
            let entry = windows.entry(key).or_insert((now, 0));
            if now.duration_since(entry.0) >= WINDOW {
                *entry = (now, 0);
            }
            entry.1 += 1;
            if entry.1 > limit {
                let wait = WINDOW.saturating_sub(now.duration_since(entry.0));
                return Err(wait.as_secs().max(1));
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_per_user_and_per_client() {
        let r = RateLimiter::new(2, 3);
        assert!(r.check(Some("a"), Some("1.1.1.1")).is_ok());
        assert!(r.check(Some("a"), Some("1.1.1.1")).is_ok());
        assert!(
            r.check(Some("a"), Some("1.1.1.1")).is_err(),
            "user a over 2"
        );
        // A refused request does not count against the client.
        assert!(r.check(Some("b"), Some("1.1.1.1")).is_ok(), "client at 3");
        assert!(
            r.check(Some("b"), Some("1.1.1.1")).is_err(),
            "client over 3"
        );
        assert!(r.check(Some("c"), Some("2.2.2.2")).is_ok());
        assert!(
            r.check(None, Some("3.3.3.3")).is_ok(),
            "anonymous: the client's limit only"
        );
    }
}
