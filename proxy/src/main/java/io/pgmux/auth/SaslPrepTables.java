package io.pgmux.auth;

/**
 * The code point tables of RFC 3454 that SASLprep (RFC 4013) uses, as inclusive {@code [from, to]}
 * pairs. Transcribed from the RFC (as PostgreSQL's src/common/saslprep.c does), except for the
 * Unicode 3.2 "unassigned" table A.1 and the bidi tables D.1/D.2, which {@link SaslPrep}
 * approximates with the JDK's Unicode data instead of carrying thousands of ranges.
 */
final class SaslPrepTables {

    private SaslPrepTables() {
    }

    /** C.1.2 Non-ASCII space characters: mapped to U+0020 (and therefore never in the output). */
    static final int[] NON_ASCII_SPACE = {
        0x00A0, 0x00A0, 0x1680, 0x1680, 0x2000, 0x200B, 0x202F, 0x202F, 0x205F, 0x205F,
        0x3000, 0x3000,
    };

    /** B.1 Commonly mapped to nothing. */
    static final int[] MAPPED_TO_NOTHING = {
        0x00AD, 0x00AD, 0x034F, 0x034F, 0x1806, 0x1806, 0x180B, 0x180D, 0x200B, 0x200D,
        0x2060, 0x2060, 0xFE00, 0xFE0F, 0xFEFF, 0xFEFF,
    };

    /** RFC 4013 §2.3 prohibited output: C.1.2, C.2.1, C.2.2, C.3, C.4, C.5, C.6, C.7, C.8, C.9. */
    static final int[] PROHIBITED_OUTPUT = {
        // C.2.1 ASCII control characters
        0x0000, 0x001F, 0x007F, 0x007F,
        // C.2.2 non-ASCII control characters
        0x0080, 0x009F, 0x06DD, 0x06DD, 0x070F, 0x070F, 0x180E, 0x180E, 0x200C, 0x200D,
        0x2028, 0x2029, 0x2060, 0x2063, 0x206A, 0x206F, 0xFEFF, 0xFEFF, 0xFFF9, 0xFFFC,
        0x1D173, 0x1D17A,
        // C.1.2 non-ASCII space characters
        0x00A0, 0x00A0, 0x1680, 0x1680, 0x2000, 0x200B, 0x202F, 0x202F, 0x205F, 0x205F,
        0x3000, 0x3000,
        // C.3 private use
        0xE000, 0xF8FF, 0xF0000, 0xFFFFD, 0x100000, 0x10FFFD,
        // C.4 non-character code points (the xFFFE/xFFFF of every plane are checked in SaslPrep)
        0xFDD0, 0xFDEF,
        // C.5 surrogate codes
        0xD800, 0xDFFF,
        // C.6 inappropriate for plain text
        0xFFF9, 0xFFFD,
        // C.7 inappropriate for canonical representation
        0x2FF0, 0x2FFB,
        // C.8 change display properties or deprecated
        0x0340, 0x0341, 0x200E, 0x200F, 0x202A, 0x202E, 0x206A, 0x206F,
        // C.9 tagging characters
        0xE0001, 0xE0001, 0xE0020, 0xE007F,
    };

    static boolean contains(int[] ranges, int codePoint) {
        for (int i = 0; i < ranges.length; i += 2) {
            if (codePoint >= ranges[i] && codePoint <= ranges[i + 1]) {
                return true;
            }
        }
        return false;
    }
}
