use rayon::prelude::*;

impl Summary {
    pub fn empty() -> Summary {
        Summary {
            count: 0,
            min: i64::MAX,
            max: i64::MIN,
        }
    }

    pub fn combine(self, other: Summary) -> Summary {
        Summary {
            count: self.count + other.count,
            min: self.min.min(other.min),
            max: self.max.max(other.max),
        }
    }
}

pub fn summarise<R>(readings: &[R]) -> Summary
where
    R: Copy + Into<i64> + Sync,
{
    readings
        .par_iter()
        .map(|&reading| Summary::of(reading.into()))
        .reduce(Summary::empty, Summary::combine)
}
