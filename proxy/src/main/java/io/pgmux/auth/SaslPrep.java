package io.pgmux.auth;

import java.nio.charset.StandardCharsets;
import java.text.Normalizer;

/**
 * SASLprep (RFC 4013) the way PostgreSQL applies it to SCRAM passwords (src/common/saslprep.c and
 * its callers): a password that SASLprep would reject is <em>not</em> an error but is used
 * unchanged, so that any byte string PostgreSQL accepted as a password keeps working.
 *
 * <p>Steps, in PostgreSQL's order: pure ASCII is returned unchanged (fast path, even with control
 * characters); a string with unpaired surrogates (PostgreSQL's "invalid UTF-8") is returned
 * unchanged; otherwise non-ASCII spaces (C.1.2) become U+0020 and "commonly mapped to nothing"
 * characters (B.1) are removed; if that leaves nothing, or the mapped string contains prohibited
 * (C.1.2–C.9) or unassigned code points, or violates the bidi rule, the original password is
 * returned; else the NFKC normalization of the mapped string is. Like PostgreSQL, the prohibition
 * and bidi checks look at the mapped string, not at the normalized one.
 *
 * <p>Deviation: PostgreSQL refuses passwords over 1024 bytes outright ("password too long"); here
 * they are returned unchanged, since such a password can never authenticate against PostgreSQL
 * with SCRAM anyway and throwing would turn a wrong password into a crash.
 *
 * <p>Approximation: the Unicode 3.2 tables for unassigned code points (A.1) and bidi categories
 * (D.1 RandALCat, D.2 LCat) come from the JDK's newer Unicode data. They differ from PostgreSQL
 * only for code points assigned after Unicode 3.2 (which PostgreSQL treats as unassigned and
 * therefore keeps the password unchanged) in a password that SASLprep would also otherwise alter.
 */
public final class SaslPrep {

    /** PostgreSQL's MAX_PASSWORD_LENGTH in saslprep.c: longer inputs are used as is. */
    private static final int MAX_PASSWORD_BYTES = 1024;

    private SaslPrep() {
    }

    /**
     * Prepares a password for SCRAM key derivation.
     *
     * @param password the password as configured or as typed by the user
     * @return the SASLprep'd password, or {@code password} itself when it is ASCII or rejected
     */
    public static String prepare(String password) {
        if (isAscii(password) || !isWellFormed(password)
                || password.getBytes(StandardCharsets.UTF_8).length > MAX_PASSWORD_BYTES) {
            return password;
        }
        String mapped = map(password);
        if (mapped.isEmpty()) {
            return password; // PostgreSQL refuses to turn a password into an empty one
        }
        if (hasProhibited(mapped) || violatesBidi(mapped)) {
            return password;
        }
        return Normalizer.normalize(mapped, Normalizer.Form.NFKC);
    }

    private static boolean isAscii(String s) {
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) >= 0x80) {
                return false;
            }
        }
        return true;
    }

    /** A Java string with an unpaired surrogate has no UTF-8 form: PostgreSQL's "invalid UTF-8". */
    private static boolean isWellFormed(String s) {
        return s.codePoints().noneMatch(cp -> cp >= Character.MIN_SURROGATE && cp <= Character.MAX_SURROGATE);
    }

    /** RFC 3454 step 1; the space table is checked first because U+200B is in both tables. */
    private static String map(String s) {
        StringBuilder out = new StringBuilder(s.length());
        s.codePoints().forEach(cp -> {
            if (SaslPrepTables.contains(SaslPrepTables.NON_ASCII_SPACE, cp)) {
                out.append(' ');
            } else if (!SaslPrepTables.contains(SaslPrepTables.MAPPED_TO_NOTHING, cp)) {
                out.appendCodePoint(cp);
            }
        });
        return out.toString();
    }

    private static boolean hasProhibited(String s) {
        return s.codePoints().anyMatch(cp -> SaslPrepTables.contains(SaslPrepTables.PROHIBITED_OUTPUT, cp)
                || (cp & 0xFFFE) == 0xFFFE // C.4: U+xxFFFE and U+xxFFFF in every plane
                || Character.getType(cp) == Character.UNASSIGNED);
    }

    /**
     * RFC 3454 §6: a string with any RandALCat character must contain no LCat character and must
     * start and end with a RandALCat character.
     */
    private static boolean violatesBidi(String s) {
        if (s.codePoints().noneMatch(SaslPrep::isRandAL)) {
            return false;
        }
        int first = s.codePointAt(0);
        int last = s.codePointBefore(s.length());
        return s.codePoints().anyMatch(SaslPrep::isL) || !isRandAL(first) || !isRandAL(last);
    }

    private static boolean isRandAL(int cp) {
        byte d = Character.getDirectionality(cp);
        return d == Character.DIRECTIONALITY_RIGHT_TO_LEFT || d == Character.DIRECTIONALITY_RIGHT_TO_LEFT_ARABIC;
    }

    private static boolean isL(int cp) {
        return Character.getDirectionality(cp) == Character.DIRECTIONALITY_LEFT_TO_RIGHT;
    }
}
