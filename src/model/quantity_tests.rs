//! Unit tests of quantity parsing and formatting.

use super::*;

#[test]
fn cpu_in_every_unit() {
    assert_eq!(cpu_nanocores("250m"), Some(250_000_000));
    assert_eq!(cpu_nanocores("1"), Some(1_000_000_000));
    assert_eq!(cpu_nanocores("0.5"), Some(500_000_000));
    assert_eq!(cpu_nanocores(".5"), Some(500_000_000));
    assert_eq!(cpu_nanocores("1234567n"), Some(1_234_567));
    assert_eq!(cpu_nanocores("100u"), Some(100_000));
    assert_eq!(cpu_nanocores("2k"), Some(2_000_000_000_000));
    assert_eq!(cpu_nanocores("1.5"), Some(1_500_000_000));
    assert_eq!(cpu_nanocores("+3"), Some(3_000_000_000));
    assert_eq!(cpu_nanocores("1e-3"), Some(1_000_000));
    assert_eq!(cpu_nanocores("0"), Some(0));
    assert_eq!(cpu_nanocores("-0"), Some(0));
}

#[test]
fn cpu_finer_than_a_nanocore_rounds_up() {
    assert_eq!(cpu_nanocores("0.1n"), Some(1));
    assert_eq!(cpu_nanocores("1.0000000001"), Some(1_000_000_001));
    assert_eq!(cpu_nanocores("1e-100"), Some(1));
}

#[test]
fn memory_in_every_unit() {
    assert_eq!(memory_bytes("12345Ki"), Some(12_345 * 1024));
    assert_eq!(memory_bytes("1Gi"), Some(1 << 30));
    assert_eq!(memory_bytes("1.5Gi"), Some(3 << 29));
    assert_eq!(memory_bytes("128M"), Some(128_000_000));
    assert_eq!(memory_bytes("1e3"), Some(1000));
    assert_eq!(memory_bytes("1E3"), Some(1000));
    assert_eq!(memory_bytes("5e+2"), Some(500));
    assert_eq!(memory_bytes("1024"), Some(1024));
    assert_eq!(memory_bytes("1Ei"), Some(1 << 60));
    assert_eq!(memory_bytes("1E"), Some(1_000_000_000_000_000_000));
    assert_eq!(memory_bytes("0.000"), Some(0));
}

#[test]
fn fractions_of_a_byte_round_up() {
    assert_eq!(memory_bytes("500m"), Some(1));
    assert_eq!(memory_bytes("1500m"), Some(2));
    assert_eq!(memory_bytes("1n"), Some(1));
    assert_eq!(memory_bytes("0.5Ki"), Some(512));
    assert_eq!(memory_bytes("0.0001Ki"), Some(1));
}

#[test]
fn invalid_quantities_are_rejected() {
    for text in [
        "", "-", ".", "abc", "1mi", "1K", "1 Ki", " 1", "1.2.3", "1e", "1e+", "1ee3", "Ki", "1Kib",
        "0x10", "1,5",
    ] {
        assert_eq!(memory_bytes(text), None, "{text:?}");
        assert_eq!(cpu_nanocores(text), None, "{text:?}");
    }
}

#[test]
fn negative_and_oversized_values_are_rejected() {
    assert_eq!(cpu_nanocores("-1"), None);
    assert_eq!(memory_bytes("-1Ki"), None);
    assert_eq!(memory_bytes("16Ei"), None);
    assert_eq!(memory_bytes("15Ei"), Some(15 << 60));
    assert_eq!(cpu_nanocores("20G"), None);
    assert_eq!(memory_bytes("1e400"), None);
    assert_eq!(
        memory_bytes("99999999999999999999999999999999999999999"),
        None
    );
}

#[test]
fn kubectl_top_cpu_rounds_millicores_up() {
    assert_eq!(format_cpu_millis(1_234_567), "2m");
    assert_eq!(format_cpu_millis(1_000_000), "1m");
    assert_eq!(format_cpu_millis(1), "1m");
    assert_eq!(format_cpu_millis(0), "0m");
    assert_eq!(format_cpu_millis(250_000_000), "250m");
    assert_eq!(format_cpu_millis(2_000_000_000), "2000m");
}

#[test]
fn kubectl_top_memory_rounds_mebibytes_down() {
    assert_eq!(format_memory_mi(12_345 * 1024), "12Mi");
    assert_eq!(format_memory_mi(14 * 1024 * 1024 - 1), "13Mi");
    assert_eq!(format_memory_mi(0), "0Mi");
    assert_eq!(format_memory_mi(1 << 30), "1024Mi");
}

#[test]
fn canonical_cpu_quantities() {
    assert_eq!(format_cpu_quantity(1_234_567), "1234567n");
    assert_eq!(format_cpu_quantity(1_234_000), "1234u");
    assert_eq!(format_cpu_quantity(250_000_000), "250m");
    assert_eq!(format_cpu_quantity(1_000_000_000), "1");
    assert_eq!(format_cpu_quantity(1_500_000_000), "1500m");
    assert_eq!(format_cpu_quantity(2_000_000_000_000), "2k");
    assert_eq!(format_cpu_quantity(10_000_000), "10m");
    assert_eq!(format_cpu_quantity(100_000_000_000), "100");
    assert_eq!(format_cpu_quantity(0), "0");
    assert_eq!(format_cpu_quantity(u64::MAX), "18446744073709551615n");
}

#[test]
fn canonical_memory_quantities() {
    assert_eq!(format_memory_quantity(12_345 * 1024), "12345Ki");
    assert_eq!(format_memory_quantity(1 << 30), "1Gi");
    assert_eq!(format_memory_quantity(1025), "1025");
    assert_eq!(format_memory_quantity(1024), "1Ki");
    assert_eq!(format_memory_quantity(1000), "1k");
    assert_eq!(format_memory_quantity(512), "512");
    assert_eq!(format_memory_quantity(0), "0");
    assert_eq!(format_memory_quantity(1 << 63), "8Ei");
}

#[test]
fn canonical_forms_parse_back_to_the_same_value() {
    for nanocores in [
        0,
        1,
        999,
        1_234_567,
        250_000_000,
        1_000_000_000,
        7_000_000_000_000,
    ] {
        assert_eq!(
            cpu_nanocores(&format_cpu_quantity(nanocores)),
            Some(nanocores)
        );
    }
    for bytes in [
        0,
        1,
        1000,
        1023,
        1024,
        1025,
        12_345 * 1024,
        1 << 40,
        u64::MAX,
    ] {
        assert_eq!(memory_bytes(&format_memory_quantity(bytes)), Some(bytes));
    }
}
