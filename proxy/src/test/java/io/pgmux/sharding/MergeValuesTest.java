package io.pgmux.sharding;

import io.pgmux.sharding.MergeValues.NumericValue;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MergeValuesTest {

    @Test
    void floatsPrintAsPostgreSqlDoes() {
        assertEquals("1.5", MergeFloats.format(1.5, false));
        assertEquals("100", MergeFloats.format(100, false));
        assertEquals("0.0001", MergeFloats.format(1e-4, false));
        assertEquals("1e-05", MergeFloats.format(1e-5, false));
        assertEquals("100000000000000", MergeFloats.format(1e14, false));
        assertEquals("1e+15", MergeFloats.format(1e15, false));
        assertEquals("-1.25e+20", MergeFloats.format(-1.25e20, false));
        assertEquals("0.30000000000000004", MergeFloats.format(0.1 + 0.2, false));
        assertEquals("100000", MergeFloats.format(1e5, true));
        assertEquals("1e+06", MergeFloats.format(1e6, true));
        assertEquals("-0", MergeFloats.format(-0.0, false));
        assertEquals("NaN", MergeFloats.format(Double.NaN, false));
        assertEquals("-Infinity", MergeFloats.format(Double.NEGATIVE_INFINITY, false));
    }

    @Test
    void numericSumsKeepScaleAndSpecialValues() {
        assertEquals("4.00", NumericValue.parse("1.50").plus(NumericValue.parse("2.5")).text());
        assertEquals("0.000", NumericValue.parse("-1.000").plus(NumericValue.parse("1")).text());
        assertEquals("NaN", NumericValue.parse("Infinity").plus(NumericValue.parse("-Infinity")).text());
        assertEquals("Infinity", NumericValue.parse("1").plus(NumericValue.parse("Infinity")).text());
        assertEquals("NaN", NumericValue.parse("NaN").plus(NumericValue.parse("1")).text());
        assertTrue(NumericValue.parse("NaN").compareTo(NumericValue.parse("Infinity")) > 0);
        assertTrue(NumericValue.parse("-Infinity").compareTo(NumericValue.parse("-1e100")) < 0);
    }

    @Test
    void timestampsParseIsoOnly() {
        assertEquals(0, MergeTimestamps.timestamp("1970-01-01 00:00:00", false));
        assertEquals(0, MergeTimestamps.timestamp("1970-01-01 05:30:00+05:30", true));
        assertEquals(1_500_000, MergeTimestamps.timestamp("1969-12-31 23:00:01.5-01", true));
        assertEquals(-1, MergeTimestamps.date("1969-12-31"));
        assertTrue(MergeTimestamps.date("0001-01-01 BC") < MergeTimestamps.date("0001-01-01"));
        assertEquals(Long.MAX_VALUE, MergeTimestamps.date("infinity"));
        assertThrows(MergeException.class, () -> MergeTimestamps.date("12/31/1969"));
        assertThrows(MergeException.class, () -> MergeTimestamps.timestamp("1970-01-01 00:00:00+00", false));
        assertThrows(MergeException.class, () -> MergeTimestamps.timestamp("1970-01-01 00:00:00", true));
    }

    @Test
    void bpcharIgnoresTrailingSpaces() {
        assertEquals(0, MergeRowOrder.compareValues(MergeType.BPCHAR.decode("ab  ".getBytes()),
                MergeType.BPCHAR.decode("ab".getBytes()), false, false));
    }
}
