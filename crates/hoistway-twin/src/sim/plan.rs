//! The collective sweep rule: where a car goes next and which direction it
//! serves at a stop.
//!
//! Pure functions over request sets, shared by the real cars and by the
//! dispatcher's route estimate, so what the dispatcher predicts is what the
//! car then does. A car keeps its direction while any request lies ahead,
//! stopping for car calls and same-direction landing calls, and reverses at
//! the farthest request (which may be an opposite-direction landing call).

use super::floorset::FloorSet;

/// Travel or service direction of a car.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dir {
    Up,
    Down,
    None,
}

impl Dir {
    /// Direction from floor `a` towards floor `b`.
    pub fn towards(a: usize, b: usize) -> Self {
        match b.cmp(&a) {
            std::cmp::Ordering::Greater => Self::Up,
            std::cmp::Ordering::Less => Self::Down,
            std::cmp::Ordering::Equal => Self::None,
        }
    }

    pub fn opposite(self) -> Self {
        match self {
            Self::Up => Self::Down,
            Self::Down => Self::Up,
            Self::None => Self::None,
        }
    }

    /// Index for per-direction arrays; `None` has no slot.
    pub fn idx(self) -> Option<usize> {
        match self {
            Self::Up => Some(0),
            Self::Down => Some(1),
            Self::None => None,
        }
    }
}

/// What a car has to do: car calls and landing pickups by direction.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Requests {
    pub cc: FloorSet,
    pub up: FloorSet,
    pub down: FloorSet,
}

/// The car's next move once its doors are closed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Next {
    Go(usize, Dir),
    Open(Dir),
    Idle,
}

impl Requests {
    fn all(&self) -> FloorSet {
        self.cc.union(self.up).union(self.down)
    }

    fn any_beyond(&self, f: usize, dir: Dir) -> bool {
        let all = self.all();
        match dir {
            Dir::Up => all.lowest_above(f).is_some(),
            Dir::Down => all.highest_below(f).is_some(),
            Dir::None => false,
        }
    }

    /// Whether a landing call waits at `f`.
    pub fn pickup_at(&self, f: usize) -> bool {
        self.up.contains(f) || self.down.contains(f)
    }

    /// Next stop when travelling in `dir` from `f`: the nearest car call or
    /// same-direction pickup ahead, else the farthest opposite pickup ahead.
    pub fn next_target(&self, f: usize, dir: Dir) -> Option<usize> {
        match dir {
            Dir::Up => self
                .cc
                .union(self.up)
                .lowest_above(f)
                .or_else(|| self.down.highest_above(f)),
            Dir::Down => self
                .cc
                .union(self.down)
                .highest_below(f)
                .or_else(|| self.up.lowest_below(f)),
            Dir::None => None,
        }
    }

    /// Direction served at a stop at `f` reached while going `dir`.
    pub fn serve_dir(&self, f: usize, dir: Dir) -> Dir {
        let (same, other) = match dir {
            Dir::Up => (Dir::Up, Dir::Down),
            Dir::Down => (Dir::Down, Dir::Up),
            Dir::None => {
                return if self.up.contains(f) {
                    Dir::Up
                } else if self.down.contains(f) {
                    Dir::Down
                } else if self.any_beyond(f, Dir::Up) {
                    Dir::Up
                } else if self.any_beyond(f, Dir::Down) {
                    Dir::Down
                } else {
                    Dir::None
                };
            }
        };
        let pick = |d: Dir| {
            if d == Dir::Up {
                self.up.contains(f)
            } else {
                self.down.contains(f)
            }
        };
        if self.any_beyond(f, same) || pick(same) {
            same
        } else if pick(other) || self.any_beyond(f, other) {
            other
        } else {
            Dir::None
        }
    }

    /// The move after doors close at `f`, having served `dir`.
    pub fn after_close(&self, f: usize, dir: Dir) -> Next {
        if dir != Dir::None && self.any_beyond(f, dir) {
            if let Some(t) = self.next_target(f, dir) {
                return Next::Go(t, dir);
            }
        }
        if self.pickup_at(f) || self.cc.contains(f) {
            return Next::Open(self.serve_dir(f, dir));
        }
        let other = match dir {
            Dir::None => {
                // Idle car: head for the nearest request.
                let all = self.all();
                match (all.lowest_above(f), all.highest_below(f)) {
                    (Some(a), Some(b)) if a - f <= f - b => Dir::Up,
                    (Some(_), Some(_)) => Dir::Down,
                    (Some(_), None) => Dir::Up,
                    (None, Some(_)) => Dir::Down,
                    (None, None) => return Next::Idle,
                }
            }
            d => d.opposite(),
        };
        match self.next_target(f, other) {
            Some(t) => Next::Go(t, other),
            None => Next::Idle,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn set(v: &[usize]) -> FloorSet {
        let mut s = FloorSet::default();
        for &i in v {
            s.insert(i);
        }
        s
    }

    #[test]
    fn sweeps_up_past_down_calls_to_the_nearest_up_stop() {
        let r = Requests {
            cc: set(&[7]),
            up: set(&[4]),
            down: set(&[3, 9]),
        };
        assert_eq!(r.after_close(2, Dir::Up), Next::Go(4, Dir::Up));
        assert_eq!(r.after_close(7, Dir::Up), Next::Go(9, Dir::Up));
        // At the top the only work is a down call here: serve it downwards.
        let top = Requests {
            down: set(&[9, 3]),
            ..Default::default()
        };
        assert_eq!(top.serve_dir(9, Dir::Up), Dir::Down);
        assert_eq!(top.after_close(9, Dir::Down), Next::Go(3, Dir::Down));
    }

    #[test]
    fn reverses_when_nothing_lies_ahead() {
        let r = Requests {
            cc: set(&[1]),
            ..Default::default()
        };
        assert_eq!(r.after_close(5, Dir::Up), Next::Go(1, Dir::Down));
        let low_up = Requests {
            up: set(&[2, 4]),
            ..Default::default()
        };
        // Going down, an up call below is the reversal point: go to the lowest.
        assert_eq!(low_up.after_close(8, Dir::Down), Next::Go(2, Dir::Down));
    }

    #[test]
    fn idle_car_opens_for_a_call_at_its_floor_or_heads_for_the_nearest() {
        let here = Requests {
            down: set(&[5]),
            ..Default::default()
        };
        assert_eq!(here.after_close(5, Dir::None), Next::Open(Dir::Down));
        let two = Requests {
            up: set(&[1, 8]),
            ..Default::default()
        };
        assert_eq!(two.after_close(6, Dir::None), Next::Go(8, Dir::Up));
        assert_eq!(Requests::default().after_close(3, Dir::Up), Next::Idle);
    }
}
