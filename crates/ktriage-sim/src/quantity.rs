//! Resource quantities (`250m`, `1234567n`, `12345Ki`, `1.5Gi`, `2e3`) as
//! apimachinery's `resource.Quantity` reads and writes them: the simulator
//! reads the CPU and memory of its scenario's containers, and writes the usage
//! its metrics server reports in the canonical form a real one sends.
//!
//! This module owns the text form of quantities only. It must not know where
//! a quantity came from or what it is for, and it does no floating point:
//! every value is an exact integer, rounded up where precision is lost, as
//! `Quantity.ScaledValue` rounds.

/// The decimal SI suffixes and the power of ten each one stands for.
const DECIMAL_SUFFIXES: [(&str, i32); 10] = [
    ("n", -9),
    ("u", -6),
    ("m", -3),
    ("", 0),
    ("k", 3),
    ("M", 6),
    ("G", 9),
    ("T", 12),
    ("P", 15),
    ("E", 18),
];

/// The binary SI suffixes, by power of 1024 (the first is 1024^1).
const BINARY_SUFFIXES: [&str; 6] = ["Ki", "Mi", "Gi", "Ti", "Pi", "Ei"];

/// A number read from quantity text: `mantissa × 10^decimal × 1024^binary`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Reading {
    negative: bool,
    mantissa: u128,
    decimal: i32,
    binary: u32,
}

/// Reads `<sign><digits>[.<digits>]<suffix>`. The suffix is a decimal SI one
/// (`n u m "" k M G T P E`), a binary one (`Ki … Ei`), or an exponent
/// (`e3`, `E-2`, `e+6`). At least one digit must be present.
fn read(text: &str) -> Option<Reading> {
    let (negative, rest) = match text.as_bytes().first() {
        Some(b'-') => (true, &text[1..]),
        Some(b'+') => (false, &text[1..]),
        _ => (false, text),
    };
    let number_end = rest
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(rest.len());
    let (number, suffix) = rest.split_at(number_end);
    let (whole, fraction) = number.split_once('.').unwrap_or((number, ""));
    if (whole.is_empty() && fraction.is_empty()) || fraction.contains('.') {
        return None;
    }
    let mut mantissa: u128 = 0;
    for digit in whole.bytes().chain(fraction.bytes()) {
        mantissa = mantissa
            .checked_mul(10)?
            .checked_add(u128::from(digit - b'0'))?;
    }
    let fraction_digits = i32::try_from(fraction.len()).ok()?;
    let (decimal, binary) = suffix_powers(suffix)?;
    Some(Reading {
        negative,
        mantissa,
        decimal: decimal.checked_sub(fraction_digits)?,
        binary,
    })
}

/// The `(power of ten, power of 1024)` a suffix stands for.
fn suffix_powers(suffix: &str) -> Option<(i32, u32)> {
    if let Some((_, power)) = DECIMAL_SUFFIXES.iter().find(|(s, _)| *s == suffix) {
        return Some((*power, 0));
    }
    if let Some(index) = BINARY_SUFFIXES.iter().position(|s| *s == suffix) {
        return Some((0, u32::try_from(index).ok()? + 1));
    }
    let exponent = suffix
        .strip_prefix('e')
        .or_else(|| suffix.strip_prefix('E'))?;
    if exponent.is_empty() {
        return None;
    }
    Some((exponent.parse().ok()?, 0))
}

/// The value in units of `10^-scale`, rounded up: `scaled("250m", 9)` is
/// 250000000. `None` for text that is not a quantity, for negative values and
/// for values past `u64`.
fn scaled(text: &str, scale: i32) -> Option<u64> {
    let reading = read(text)?;
    if reading.mantissa == 0 {
        return Some(0);
    }
    if reading.negative {
        return None;
    }
    let mut value = reading
        .mantissa
        .checked_mul(1024u128.checked_pow(reading.binary)?)?;
    let exponent = reading.decimal.checked_add(scale)?;
    if exponent >= 0 {
        value = value.checked_mul(10u128.checked_pow(exponent.unsigned_abs())?)?;
    } else {
        // Past 10^38 the divisor exceeds any u128: a positive value rounds
        // up to the smallest unit.
        value = match 10u128.checked_pow(exponent.unsigned_abs()) {
            Some(divisor) => value.div_ceil(divisor),
            None => 1,
        };
    }
    u64::try_from(value).ok()
}

/// CPU in nanocores: `250m` is 250000000, `1` is 1000000000, `1234567n` is
/// 1234567, and anything finer than a nanocore rounds up.
pub fn cpu_nanocores(text: &str) -> Option<u64> {
    scaled(text, 9)
}

/// Memory in bytes: `12345Ki`, `1Gi`, `128M`, `1e3`, `1024`; fractions of a
/// byte round up (`500m` is 1).
pub fn memory_bytes(text: &str) -> Option<u64> {
    scaled(text, 0)
}

/// `mantissa × 10^exponent` in canonical decimal SI form: trailing zeros move
/// into the exponent, which then steps down to a multiple of three so the
/// suffix exists (`15 × 10^-1` is `1500m`).
fn canonical_decimal(mantissa: u64, exponent: i32) -> String {
    if mantissa == 0 {
        return "0".to_string();
    }
    let mut mantissa = u128::from(mantissa);
    let mut exponent = exponent;
    while mantissa >= 10 && mantissa % 10 == 0 {
        mantissa /= 10;
        exponent += 1;
    }
    while exponent.rem_euclid(3) != 0 {
        mantissa *= 10;
        exponent -= 1;
    }
    // Every exponent a u64 of nanocores or bytes can reach has a suffix.
    match DECIMAL_SUFFIXES
        .iter()
        .find(|(_, power)| *power == exponent)
    {
        Some((suffix, _)) => format!("{mantissa}{suffix}"),
        None => format!("{mantissa}e{exponent}"),
    }
}

/// CPU as a metrics server writes it (a decimal SI quantity built from
/// nanocores): `1234567n`, `250m`, `1500m`, `2`.
pub fn format_cpu(nanocores: u64) -> String {
    canonical_decimal(nanocores, -9)
}

/// Memory as a metrics server writes it (a binary SI quantity built from
/// bytes): the largest power of 1024 that leaves a whole number (`12345Ki`,
/// `1Gi`, `1025`). Below 1024 a binary quantity is written in decimal form,
/// so 1000 bytes is `1k` and 512 stays `512`.
pub fn format_memory(bytes: u64) -> String {
    if bytes < 1024 {
        return canonical_decimal(bytes, 0);
    }
    let mut amount = bytes;
    let mut power = 0;
    while amount >= 1024 && amount.is_multiple_of(1024) && power < BINARY_SUFFIXES.len() {
        amount /= 1024;
        power += 1;
    }
    match power
        .checked_sub(1)
        .and_then(|index| BINARY_SUFFIXES.get(index))
    {
        Some(suffix) => format!("{amount}{suffix}"),
        None => amount.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cpu_reads_every_suffix_form() {
        assert_eq!(cpu_nanocores("250m"), Some(250_000_000));
        assert_eq!(cpu_nanocores("1"), Some(1_000_000_000));
        assert_eq!(cpu_nanocores("1.5"), Some(1_500_000_000));
        assert_eq!(cpu_nanocores("1234567n"), Some(1_234_567));
        assert_eq!(cpu_nanocores("3u"), Some(3_000));
        assert_eq!(cpu_nanocores("2e-3"), Some(2_000_000));
        assert_eq!(cpu_nanocores("+.5"), Some(500_000_000));
        assert_eq!(cpu_nanocores("0"), Some(0));
        assert_eq!(cpu_nanocores("-0"), Some(0));
    }

    #[test]
    fn finer_than_the_unit_rounds_up() {
        assert_eq!(cpu_nanocores("0.1n"), Some(1));
        assert_eq!(memory_bytes("500m"), Some(1));
        assert_eq!(memory_bytes("1.0001"), Some(2));
        assert_eq!(memory_bytes("1e-40"), Some(1));
    }

    #[test]
    fn memory_reads_binary_and_decimal_suffixes() {
        assert_eq!(memory_bytes("12345Ki"), Some(12_345 * 1024));
        assert_eq!(memory_bytes("1Gi"), Some(1 << 30));
        assert_eq!(memory_bytes("1.5Gi"), Some(3 << 29));
        assert_eq!(memory_bytes("128M"), Some(128_000_000));
        assert_eq!(memory_bytes("1e3"), Some(1_000));
        assert_eq!(memory_bytes("1E3"), Some(1_000));
        assert_eq!(memory_bytes("2E"), Some(2_000_000_000_000_000_000));
        assert_eq!(memory_bytes("1024"), Some(1_024));
    }

    #[test]
    fn text_that_is_not_a_quantity_or_does_not_fit_is_refused() {
        for text in [
            "", "-", ".", "1..2", "1.2.3", "abc", "1Kb", "1ki", "1e", "1e1.5", "5 m", "-1", "-1Mi",
            "16Ei", "1e30",
        ] {
            assert_eq!(memory_bytes(text), None, "{text:?}");
        }
    }

    #[test]
    fn cpu_is_written_in_canonical_decimal_form() {
        assert_eq!(format_cpu(0), "0");
        assert_eq!(format_cpu(1_234_567), "1234567n");
        assert_eq!(format_cpu(3_000), "3u");
        assert_eq!(format_cpu(250_000_000), "250m");
        assert_eq!(format_cpu(1_500_000_000), "1500m");
        assert_eq!(format_cpu(2_000_000_000), "2");
        assert_eq!(format_cpu(20_000_000_000), "20");
        assert_eq!(format_cpu(2_000_000_000_000), "2k");
        assert_eq!(format_cpu(u64::MAX), "18446744073709551615n");
    }

    #[test]
    fn memory_is_written_in_canonical_binary_form() {
        assert_eq!(format_memory(0), "0");
        assert_eq!(format_memory(512), "512");
        assert_eq!(format_memory(1_000), "1k");
        assert_eq!(format_memory(1_023), "1023");
        assert_eq!(format_memory(1_024), "1Ki");
        assert_eq!(format_memory(1_025), "1025");
        assert_eq!(format_memory(12_345 * 1024), "12345Ki");
        assert_eq!(format_memory(3 << 29), "1536Mi");
        assert_eq!(format_memory(1 << 30), "1Gi");
        assert_eq!(format_memory(1 << 63), "8Ei");
    }

    #[test]
    fn what_is_written_reads_back_to_the_same_value() {
        for nanocores in [1, 999, 1_000, 250_000_000, 1_500_000_000, 7_000_000_000_000] {
            assert_eq!(cpu_nanocores(&format_cpu(nanocores)), Some(nanocores));
        }
        for bytes in [1, 1_000, 1_024, 1_025, 12_345 * 1024, 1 << 40, u64::MAX] {
            assert_eq!(memory_bytes(&format_memory(bytes)), Some(bytes));
        }
    }
}
