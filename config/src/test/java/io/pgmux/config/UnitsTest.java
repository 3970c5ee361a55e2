package io.pgmux.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class UnitsTest {

    private static void assertRejected(String expectedMessage, Runnable parse) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, parse::run);
        assertEquals(expectedMessage, e.getMessage());
    }

    @Test
    void durationsInEveryUnit() {
        assertEquals(Duration.ofMillis(500), Units.parseDuration("500ms"));
        assertEquals(Duration.ofSeconds(30), Units.parseDuration("30s"));
        assertEquals(Duration.ofMinutes(5), Units.parseDuration("5m"));
        assertEquals(Duration.ofHours(1), Units.parseDuration("1h"));
        assertEquals(Duration.ofDays(2), Units.parseDuration("2d"));
        assertEquals(Duration.ofSeconds(30), Units.parseDuration("30 s"));
    }

    @Test
    void bareNumberIsSecondsAndZeroIsZero() {
        assertEquals(Duration.ofSeconds(45), Units.parseDuration("45"));
        assertEquals(Duration.ZERO, Units.parseDuration("0"));
        assertEquals(Duration.ZERO, Units.parseDuration("0ms"));
    }

    @Test
    void badDurations() {
        assertRejected("expected a duration like 30s", () -> Units.parseDuration("soon"));
        assertRejected("expected a duration like 30s", () -> Units.parseDuration("1.5s"));
        assertRejected("expected a duration like 30s", () -> Units.parseDuration("5x"));
        assertRejected("expected a duration like 30s", () -> Units.parseDuration("1h30m"));
        assertRejected("expected a duration like 30s", () -> Units.parseDuration(""));
        assertRejected("must not be negative", () -> Units.parseDuration("-5s"));
        assertRejected("duration out of range", () -> Units.parseDuration("99999999999999999999s"));
        assertRejected("duration out of range", () -> Units.parseDuration("9223372036854775807d"));
    }

    @Test
    void sizesAreMultiplesOf1024WhateverTheSpelling() {
        assertEquals(1024, Units.parseSize("1024"));
        assertEquals(7, Units.parseSize("7B"));
        assertEquals(64 * 1024, Units.parseSize("64kB"));
        assertEquals(64 * 1024, Units.parseSize("64KB"));
        assertEquals(64 * 1024, Units.parseSize("64KiB"));
        assertEquals(256L << 20, Units.parseSize("256MB"));
        assertEquals(256L << 20, Units.parseSize("256MiB"));
        assertEquals(1L << 30, Units.parseSize("1GB"));
        assertEquals(2L << 40, Units.parseSize("2TB"));
        assertEquals(1L << 30, Units.parseSize("1 GB"));
    }

    @Test
    void badSizes() {
        assertRejected("expected a size like 256MB", () -> Units.parseSize("big"));
        assertRejected("expected a size like 256MB", () -> Units.parseSize("64KX"));
        assertRejected("expected a size like 256MB", () -> Units.parseSize("1.5GB"));
        assertRejected("expected a size like 256MB", () -> Units.parseSize("64M"));
        assertRejected("must not be negative", () -> Units.parseSize("-1kB"));
        assertRejected("size out of range", () -> Units.parseSize("9999999TB"));
    }

    @Test
    void integers() {
        assertEquals(10_000, Units.parseInt("10000"));
        assertEquals(10_000, Units.parseInt("10_000"));
        assertEquals(-3, Units.parseInt("-3"));
        assertRejected("expected a number", () -> Units.parseInt("many"));
        assertRejected("expected a number", () -> Units.parseInt("1.5"));
        assertRejected("expected a number", () -> Units.parseInt(""));
        assertRejected("number out of range", () -> Units.parseInt("2147483648"));
    }

    @Test
    void booleansAsYamlSpellsThem() {
        for (String t : new String[] {"true", "TRUE", "yes", "On"}) {
            assertEquals(true, Units.parseBoolean(t), t);
        }
        for (String t : new String[] {"false", "No", "off", "OFF"}) {
            assertEquals(false, Units.parseBoolean(t), t);
        }
        assertRejected("expected true or false", () -> Units.parseBoolean("1"));
        assertRejected("expected true or false", () -> Units.parseBoolean(""));
        assertRejected("expected true or false", () -> Units.parseBoolean("sometimes"));
    }
}
