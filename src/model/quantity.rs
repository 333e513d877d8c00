//! Kubernetes resource quantities (`250m`, `1234567n`, `12345Ki`, `1.5Gi`,
//! `1e3`): parsing CPU into nanocores and memory into bytes, printing them the
//! way `kubectl top` does, and writing them back in the canonical form a
//! metrics server sends. Owns only arithmetic on text; it must not know where
//! a quantity came from. Parsing is exact (integer arithmetic, no floats) and
//! rounds up, like apimachinery's `ScaledValue`.

const NANOCORES_PER_CORE_EXPONENT: i64 = 9;
const NANOCORES_PER_MILLICORE: u64 = 1_000_000;
const BYTES_PER_MEBIBYTE: u64 = 1024 * 1024;
const BINARY_SUFFIXES: [&str; 7] = ["", "Ki", "Mi", "Gi", "Ti", "Pi", "Ei"];

/// A parsed quantity: `sign × digits × 10^decimal_exponent × 1024^binary_exponent`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct ParsedQuantity {
    negative: bool,
    digits: u128,
    decimal_exponent: i64,
    binary_exponent: u32,
}

/// Parses CPU into nanocores: `250m` is 250000000, `1` is 1000000000,
/// `1234567n` is 1234567. Values finer than a nanocore round up. Returns
/// `None` for text that is not a quantity, for negative values and for values
/// past `u64`.
pub fn cpu_nanocores(quantity: &str) -> Option<u64> {
    scaled_value(quantity, NANOCORES_PER_CORE_EXPONENT)
}

/// Parses memory into bytes: `12345Ki`, `1Gi`, `128M`, `1e3`, `1024`.
/// Fractions of a byte round up (`500m` is 1). Returns `None` for text that
/// is not a quantity, for negative values and for values past `u64`.
pub fn memory_bytes(quantity: &str) -> Option<u64> {
    scaled_value(quantity, 0)
}

/// CPU as `kubectl top` prints it: millicores, rounded up (`1234567n` is `2m`).
pub fn format_cpu_millis(nanocores: u64) -> String {
    format!("{}m", nanocores.div_ceil(NANOCORES_PER_MILLICORE))
}

/// Memory as `kubectl top` prints it: whole mebibytes, rounded down
/// (`12345Ki` is `12Mi`).
pub fn format_memory_mi(bytes: u64) -> String {
    format!("{}Mi", bytes / BYTES_PER_MEBIBYTE)
}

/// CPU in the canonical decimal form that apimachinery serialises: the largest
/// SI suffix that keeps the number whole (`1234567n`, `250m`, `1`, `2k`).
pub fn format_cpu_quantity(nanocores: u64) -> String {
    format_decimal(nanocores, -NANOCORES_PER_CORE_EXPONENT)
}

/// Memory in the canonical form of a binary quantity: the largest power of
/// 1024 that keeps the number whole (`12345Ki`, `1Gi`, `1025`). As in
/// apimachinery, values below 1024 are written in decimal form (`1000` is
/// `1k`, `512` stays `512`).
pub fn format_memory_quantity(bytes: u64) -> String {
    if bytes < 1024 {
        return format_decimal(bytes, 0);
    }
    let mut amount = bytes;
    let mut power = 0;
    while amount.is_multiple_of(1024) && power + 1 < BINARY_SUFFIXES.len() {
        amount /= 1024;
        power += 1;
    }
    format!("{amount}{}", BINARY_SUFFIXES[power])
}

/// `value × 10^exponent` written with the largest SI suffix that keeps the
/// number whole. `exponent` must be a multiple of 3 (it is -9 or 0 here).
fn format_decimal(value: u64, exponent: i64) -> String {
    if value == 0 {
        return String::from("0");
    }
    let mut amount = value;
    let mut exponent = exponent;
    while amount.is_multiple_of(10) {
        amount /= 10;
        exponent += 1;
    }
    let excess = exponent.rem_euclid(3);
    // At least `excess` factors of ten were just removed, so no overflow.
    amount *= 10u64.pow(excess as u32);
    exponent -= excess;
    let suffix = match exponent {
        -9 => "n",
        -6 => "u",
        -3 => "m",
        0 => "",
        3 => "k",
        6 => "M",
        9 => "G",
        12 => "T",
        15 => "P",
        18 => "E",
        other => return format!("{amount}e{other}"),
    };
    format!("{amount}{suffix}")
}

/// The quantity in units of `10^-unit_exponent`, rounded up; `None` when
/// invalid, negative or too large.
fn scaled_value(quantity: &str, unit_exponent: i64) -> Option<u64> {
    let parsed = parse(quantity)?;
    if parsed.digits == 0 {
        return Some(0);
    }
    if parsed.negative {
        return None;
    }
    let numerator = parsed
        .digits
        .checked_mul(1u128.checked_shl(10 * parsed.binary_exponent)?)?;
    let exponent = parsed.decimal_exponent.checked_add(unit_exponent)?;
    let value = if exponent >= 0 {
        let factor = 10u128.checked_pow(u32::try_from(exponent).ok()?)?;
        numerator.checked_mul(factor)?
    } else {
        match u32::try_from(-exponent)
            .ok()
            .and_then(|power| 10u128.checked_pow(power))
        {
            Some(divisor) => numerator.div_ceil(divisor),
            // The divisor exceeds any u128 numerator: a positive sliver.
            None => 1,
        }
    };
    u64::try_from(value).ok()
}

/// Parses `[+-]digits[.digits][suffix]`, where the suffix is a binary SI
/// suffix (`Ki`..`Ei`), a decimal SI suffix (`n u m k M G T P E`) or a decimal
/// exponent (`e3`, `E-2`).
fn parse(quantity: &str) -> Option<ParsedQuantity> {
    let (negative, unsigned) = match quantity.as_bytes().first()? {
        b'-' => (true, &quantity[1..]),
        b'+' => (false, &quantity[1..]),
        _ => (false, quantity),
    };
    let number_end = unsigned
        .find(|character: char| !character.is_ascii_digit() && character != '.')
        .unwrap_or(unsigned.len());
    let (number, suffix) = unsigned.split_at(number_end);
    let (whole, fraction) = number.split_once('.').unwrap_or((number, ""));
    if whole.is_empty() && fraction.is_empty() {
        return None;
    }
    if fraction.contains('.') {
        return None;
    }
    let fraction = fraction.trim_end_matches('0');
    let mut digits: u128 = 0;
    for digit in whole.bytes().chain(fraction.bytes()) {
        digits = digits
            .checked_mul(10)?
            .checked_add(u128::from(digit - b'0'))?;
    }
    let fraction_length = i64::try_from(fraction.len()).ok()?;
    let (suffix_decimal_exponent, binary_exponent) = interpret_suffix(suffix)?;
    Some(ParsedQuantity {
        negative,
        digits,
        decimal_exponent: suffix_decimal_exponent.checked_sub(fraction_length)?,
        binary_exponent,
    })
}

/// The decimal and binary exponents a suffix stands for.
fn interpret_suffix(suffix: &str) -> Option<(i64, u32)> {
    let decimal = match suffix {
        "" => Some(0),
        "n" => Some(-9),
        "u" => Some(-6),
        "m" => Some(-3),
        "k" => Some(3),
        "M" => Some(6),
        "G" => Some(9),
        "T" => Some(12),
        "P" => Some(15),
        "E" => Some(18),
        _ => None,
    };
    if let Some(exponent) = decimal {
        return Some((exponent, 0));
    }
    if let Some(power) = BINARY_SUFFIXES
        .iter()
        .skip(1)
        .position(|binary| *binary == suffix)
    {
        return Some((0, u32::try_from(power + 1).ok()?));
    }
    let exponent = suffix
        .strip_prefix('e')
        .or_else(|| suffix.strip_prefix('E'))?;
    let digits = exponent
        .strip_prefix('-')
        .or_else(|| exponent.strip_prefix('+'))
        .unwrap_or(exponent);
    if digits.is_empty() || !digits.bytes().all(|byte| byte.is_ascii_digit()) {
        return None;
    }
    Some((exponent.parse::<i64>().ok()?, 0))
}

#[cfg(test)]
#[path = "quantity_tests.rs"]
mod tests;
