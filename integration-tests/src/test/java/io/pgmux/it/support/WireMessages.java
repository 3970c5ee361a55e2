package io.pgmux.it.support;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Extended-query-protocol frontend messages (Parse, Bind, Describe, Execute, Close, Sync, Flush) as
 * bytes for {@link RawPg#send}, and readers for the backend messages tests look at. Kept apart
 * from {@link RawPg}, which speaks the simple protocol: these exist so a test can pipeline exactly
 * the messages it wants, with no driver deciding when to Sync or to wait.
 *
 * <p>All parameters are in text format, and results too unless a Bind asks for binary ones.
 */
public final class WireMessages {
    private WireMessages() {
    }

    /** Parse: statement {@code name} ("" = unnamed), {@code sql}, and parameter type OIDs (0 = unspecified). */
    public static byte[] parse(String name, String sql, int... paramTypes) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        cstring(b, name);
        cstring(b, sql);
        int16(b, paramTypes.length);
        for (int oid : paramTypes) {
            int32(b, oid);
        }
        return RawPg.message('P', b.toByteArray());
    }

    /** Bind: {@code portal} from {@code statement}, text parameters ({@code null} = SQL NULL), text results. */
    public static byte[] bind(String portal, String statement, String... params) {
        return bind(portal, statement, new int[0], params);
    }

    /**
     * Bind with result format codes: none for all text, one for all columns, or one per column
     * (0 text, 1 binary); parameters in text.
     */
    public static byte[] bind(String portal, String statement, int[] resultFormats, String... params) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        cstring(b, portal);
        cstring(b, statement);
        int16(b, 0); // all parameters in text
        int16(b, params.length);
        for (String p : params) {
            if (p == null) {
                int32(b, -1);
            } else {
                byte[] v = p.getBytes(StandardCharsets.UTF_8);
                int32(b, v.length);
                b.writeBytes(v);
            }
        }
        int16(b, resultFormats.length);
        for (int format : resultFormats) {
            int16(b, format);
        }
        return RawPg.message('B', b.toByteArray());
    }

    /** Describe of a statement ({@code 'S'}) or a portal ({@code 'P'}). */
    public static byte[] describe(char kind, String name) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.write(kind);
        cstring(b, name);
        return RawPg.message('D', b.toByteArray());
    }

    /** Execute of {@code portal}, at most {@code maxRows} rows (0 = all). */
    public static byte[] execute(String portal, int maxRows) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        cstring(b, portal);
        int32(b, maxRows);
        return RawPg.message('E', b.toByteArray());
    }

    /** Close of a statement ({@code 'S'}) or a portal ({@code 'P'}). */
    public static byte[] close(char kind, String name) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.write(kind);
        cstring(b, name);
        return RawPg.message('C', b.toByteArray());
    }

    public static byte[] sync() {
        return RawPg.message('S', new byte[0]);
    }

    public static byte[] flush() {
        return RawPg.message('H', new byte[0]);
    }

    /** FunctionCall of function {@code oid} with text arguments and a text result (the fastpath protocol). */
    public static byte[] functionCall(int oid, String... args) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        int32(b, oid);
        int16(b, 0); // all arguments in text
        int16(b, args.length);
        for (String a : args) {
            byte[] v = a.getBytes(StandardCharsets.UTF_8);
            int32(b, v.length);
            b.writeBytes(v);
        }
        int16(b, 0); // text result
        return RawPg.message('F', b.toByteArray());
    }

    public static byte[] copyData(String text) {
        return RawPg.message('d', text.getBytes(StandardCharsets.UTF_8));
    }

    public static byte[] copyDone() {
        return RawPg.message('c', new byte[0]);
    }

    public static byte[] copyFail(String reason) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        cstring(b, reason);
        return RawPg.message('f', b.toByteArray());
    }

    /** The messages concatenated: one write, so the proxy receives them as one pipeline. */
    public static byte[] concat(byte[]... messages) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        for (byte[] m : messages) {
            b.writeBytes(m);
        }
        return b.toByteArray();
    }

    /** Parse, Bind, Execute, Sync of one unnamed statement with text parameters. */
    public static byte[] unnamedQuery(String sql, String... params) {
        return concat(parse("", sql), bind("", "", params), execute("", 0), sync());
    }

    // ------------------------------------------------------------------ reading

    /** Reads {@code count} responses, each ending with ReadyForQuery, and returns them one list per Sync. */
    public static List<List<RawPg.Message>> readResponses(RawPg c, int count) throws IOException {
        List<List<RawPg.Message>> all = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            all.add(c.readUntilReady());
        }
        return all;
    }

    /** Reads messages up to and including the first of type {@code type} (e.g. CopyInResponse 'G'). */
    public static List<RawPg.Message> readUntil(RawPg c, char type) throws IOException {
        List<RawPg.Message> messages = new ArrayList<>();
        for (;;) {
            RawPg.Message m = c.readMessage();
            if (m == null) {
                throw new java.io.EOFException("closed before '" + type + "'; got " + RawPg.describe(messages));
            }
            messages.add(m);
            if (m.type() == type) {
                return messages;
            }
            if (m.type() == 'Z') {
                throw new AssertionError("ReadyForQuery before '" + type + "': " + RawPg.describe(messages));
            }
        }
    }

    /** The message types of {@code messages} as a string, e.g. {@code "12DCZ"}: what the client saw, in order. */
    public static String types(List<RawPg.Message> messages) {
        StringBuilder sb = new StringBuilder();
        for (RawPg.Message m : messages) {
            if (m.type() != 'N' && m.type() != 'S') { // notices and parameter reports may come at any time
                sb.append(m.type());
            }
        }
        return sb.toString();
    }

    /** The columns of a DataRow, as text ({@code null} for SQL NULL). */
    public static List<String> columns(RawPg.Message dataRow) {
        if (dataRow.type() != 'D') {
            throw new IllegalArgumentException("not a DataRow: " + dataRow.type());
        }
        ByteBuffer b = ByteBuffer.wrap(dataRow.body());
        int n = b.getShort();
        List<String> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            int len = b.getInt();
            if (len < 0) {
                out.add(null);
            } else {
                out.add(new String(dataRow.body(), b.position(), len, StandardCharsets.UTF_8));
                b.position(b.position() + len);
            }
        }
        return out;
    }

    /** The first column of every DataRow in {@code messages}. */
    public static List<String> firstColumns(List<RawPg.Message> messages) {
        List<String> out = new ArrayList<>();
        for (RawPg.Message m : messages) {
            if (m.type() == 'D') {
                out.add(columns(m).get(0));
            }
        }
        return out;
    }

    /** The value of the FunctionCallResponse in {@code messages}, as text (null for SQL NULL). */
    public static String functionResult(List<RawPg.Message> messages) {
        for (RawPg.Message m : messages) {
            if (m.type() == 'V') {
                int len = ByteBuffer.wrap(m.body()).getInt();
                return len < 0 ? null : new String(m.body(), 4, len, StandardCharsets.UTF_8);
            }
        }
        throw new AssertionError("no FunctionCallResponse in " + RawPg.describe(messages));
    }

    /** The payload of every CopyData in {@code messages}, concatenated as text. */
    public static String copyText(List<RawPg.Message> messages) {
        StringBuilder sb = new StringBuilder();
        for (RawPg.Message m : messages) {
            if (m.type() == 'd') {
                sb.append(m.bodyText());
            }
        }
        return sb.toString();
    }

    /** The tag of the first CommandComplete, or null. */
    public static String commandTag(List<RawPg.Message> messages) {
        for (RawPg.Message m : messages) {
            if (m.type() == 'C') {
                return new String(m.body(), 0, m.body().length - 1, StandardCharsets.UTF_8);
            }
        }
        return null;
    }

    /** The transaction status byte of the last ReadyForQuery in {@code messages}. */
    public static char transactionStatus(List<RawPg.Message> messages) {
        RawPg.Message last = messages.get(messages.size() - 1);
        if (last.type() != 'Z') {
            throw new IllegalArgumentException("does not end with ReadyForQuery: " + RawPg.describe(messages));
        }
        return (char) last.body()[0];
    }

    private static void cstring(ByteArrayOutputStream out, String s) {
        out.writeBytes(s.getBytes(StandardCharsets.UTF_8));
        out.write(0);
    }

    private static void int16(ByteArrayOutputStream out, int v) {
        out.write((v >>> 8) & 0xff);
        out.write(v & 0xff);
    }

    private static void int32(ByteArrayOutputStream out, int v) {
        out.write((v >>> 24) & 0xff);
        out.write((v >>> 16) & 0xff);
        out.write((v >>> 8) & 0xff);
        out.write(v & 0xff);
    }
}
