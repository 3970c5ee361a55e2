package io.pgmux.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** SASLprep as PostgreSQL applies it: map, normalize, or fall back to the original. */
class SaslPrepTest {

    @ParameterizedTest
    @ValueSource(strings = {"pencil", "", "with space", "tab\there", "ctrl\u0007\u007F", "=,$:"})
    void asciiIsReturnedUnchanged(String ascii) {
        assertSame(ascii, SaslPrep.prepare(ascii));
    }

    @Test
    void nonAsciiSpacesMapToSpace() {
        assertEquals("pass word", SaslPrep.prepare("pass\u00A0word"));
        assertEquals("a b c d", SaslPrep.prepare("a\u1680b\u2003c\u3000d"));
        // U+200B is in both B.1 and C.1.2; PostgreSQL checks the space table first
        assertEquals("a b", SaslPrep.prepare("a\u200Bb"));
    }

    @Test
    void commonlyMappedToNothingIsRemoved() {
        assertEquals("softhyphen", SaslPrep.prepare("soft\u00ADhyphen"));
        assertEquals("ab", SaslPrep.prepare("a\u034F\u180B\uFE0F\uFEFFb"));
    }

    @Test
    void resultIsNfkcNormalized() {
        assertEquals("fix", SaslPrep.prepare("\uFB01x"));
        assertEquals("IX", SaslPrep.prepare("\u2168"));
        assertEquals("\u00E9", SaslPrep.prepare("e\u0301"));
        assertEquals("\u00C5", SaslPrep.prepare("\u212B"));
    }

    @Test
    void passwordThatWouldMapToNothingIsKept() {
        assertEquals("\u00AD\u200D", SaslPrep.prepare("\u00AD\u200D"));
    }

    @Test
    void prohibitedOutputKeepsTheOriginal() {
        // the soft hyphen surviving shows that the whole password was left alone
        assertEquals("\u00E9\u0007\u00AD", SaslPrep.prepare("\u00E9\u0007\u00AD"));
        assertEquals("\uE000\u00AD", SaslPrep.prepare("\uE000\u00AD"));
        assertEquals("\uFDD0\u00AD", SaslPrep.prepare("\uFDD0\u00AD"));
        assertEquals("a\u200E\u00AD", SaslPrep.prepare("a\u200E\u00AD"));
        assertEquals("\uDB40\uDC01\u00AD", SaslPrep.prepare("\uDB40\uDC01\u00AD")); // U+E0001 language tag
        assertEquals("\u0378\u00AD", SaslPrep.prepare("\u0378\u00AD")); // unassigned
    }

    @Test
    void bidiViolationKeepsTheOriginal() {
        assertEquals("\u0627\u0628", SaslPrep.prepare("\u0627\u00AD\u0628"));
        assertEquals("\u0627\u00ADa", SaslPrep.prepare("\u0627\u00ADa"));
        assertEquals("\u0627\u00AD1", SaslPrep.prepare("\u0627\u00AD1"));
        assertEquals("1\u00AD\u0627", SaslPrep.prepare("1\u00AD\u0627"));
    }

    @Test
    void invalidUtf16KeepsTheOriginal() {
        String loneSurrogate = "\uD800\u00AD";
        assertSame(loneSurrogate, SaslPrep.prepare(loneSurrogate));
    }

    @Test
    void overlongPasswordKeepsTheOriginal() {
        String longOne = "\u00AD" + "\u00E9".repeat(512); // 2 + 1024 UTF-8 bytes
        assertSame(longOne, SaslPrep.prepare(longOne));
        String limit = "\u00AD" + "\u00E9".repeat(511);  // exactly 1024 bytes: still prepared
        assertEquals("\u00E9".repeat(511), SaslPrep.prepare(limit));
    }
}
