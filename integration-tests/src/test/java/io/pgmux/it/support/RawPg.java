package io.pgmux.it.support;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A deliberately tiny PostgreSQL wire-protocol client over a plain {@link Socket}, for what pgjdbc
 * cannot do: malformed startup packets, CancelRequests with made-up keys, reading a result at a
 * chosen pace, vanishing with a TCP reset. It speaks protocol 3.0, the simple query protocol, and
 * the trust, cleartext and md5 logins (configure such a user in pgmux for raw clients; SCRAM is
 * covered through pgjdbc).
 *
 * <p>Every read has a timeout (10 s unless changed), so a proxy that hangs fails the test instead of
 * hanging it.
 */
public final class RawPg implements AutoCloseable {
    public static final int PROTOCOL_3_0 = 3 << 16;
    public static final int CANCEL_REQUEST_CODE = 80877102;
    public static final int SSL_REQUEST_CODE = 80877103;
    public static final int GSSENC_REQUEST_CODE = 80877104;

    /** One backend message: type byte and body (without the type and length). */
    public record Message(char type, byte[] body) {
        public String bodyText() {
            return new String(body, StandardCharsets.UTF_8);
        }

        /** For an 'R' message: the authentication request code. */
        public int authCode() {
            return ByteBuffer.wrap(body).getInt();
        }

        /** For an 'E' or 'N' message: its fields. */
        public ErrorFields error() {
            return ErrorFields.parse(body);
        }
    }

    /** The fields of an ErrorResponse or NoticeResponse. */
    public record ErrorFields(Map<Character, String> fields) {
        public static ErrorFields parse(byte[] body) {
            Map<Character, String> f = new LinkedHashMap<>();
            int pos = 0;
            while (pos < body.length && body[pos] != 0) {
                char code = (char) body[pos++];
                int end = pos;
                while (body[end] != 0) {
                    end++;
                }
                f.put(code, new String(body, pos, end - pos, StandardCharsets.UTF_8));
                pos = end + 1;
            }
            return new ErrorFields(f);
        }

        public String severity() {
            return fields.getOrDefault('V', fields.get('S'));
        }

        public String code() {
            return fields.get('C');
        }

        public String message() {
            return fields.get('M');
        }

        @Override
        public String toString() {
            return severity() + " " + code() + " " + message();
        }
    }

    /** What a login left behind: the welcome parameters and the (proxy-issued) cancel key. */
    public record Welcome(Map<String, String> parameters, int pid, int secret) {
    }

    private final Socket socket;
    private final DataInputStream in;
    private final OutputStream out;

    private RawPg(Socket socket) throws IOException {
        this.socket = socket;
        this.in = new DataInputStream(new java.io.BufferedInputStream(socket.getInputStream(), 64 * 1024));
        this.out = socket.getOutputStream();
    }

    /** Connects to 127.0.0.1:{@code port} with a 10 s read timeout. */
    public static RawPg connect(int port) throws IOException {
        Socket s = new Socket("127.0.0.1", port);
        s.setTcpNoDelay(true);
        s.setSoTimeout(10_000);
        return new RawPg(s);
    }

    public Socket socket() {
        return socket;
    }

    public RawPg readTimeout(Duration timeout) throws SocketException {
        socket.setSoTimeout((int) timeout.toMillis());
        return this;
    }

    // ------------------------------------------------------------------ packets

    /** A StartupMessage for {@code version} with {@code params}, as bytes. */
    public static byte[] startupPacket(int version, Map<String, String> params) {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        params.forEach((k, v) -> {
            cstring(body, k);
            cstring(body, v);
        });
        body.write(0);
        return ByteBuffer.allocate(8 + body.size()).putInt(8 + body.size()).putInt(version)
                .put(body.toByteArray()).array();
    }

    /** An 8-byte request (SSLRequest, GSSENCRequest) with {@code code}. */
    public static byte[] request(int code) {
        return ByteBuffer.allocate(8).putInt(8).putInt(code).array();
    }

    /** A 16-byte CancelRequest. */
    public static byte[] cancelRequest(int pid, int secret) {
        return ByteBuffer.allocate(16).putInt(16).putInt(CANCEL_REQUEST_CODE).putInt(pid).putInt(secret).array();
    }

    /** A typed frontend message: type, int32 length, body. */
    public static byte[] message(char type, byte[] body) {
        return ByteBuffer.allocate(5 + body.length).put((byte) type).putInt(4 + body.length).put(body).array();
    }

    public static byte[] query(String sql) {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        cstring(body, sql);
        return message('Q', body.toByteArray());
    }

    private static void cstring(ByteArrayOutputStream out, String s) {
        out.writeBytes(s.getBytes(StandardCharsets.UTF_8));
        out.write(0);
    }

    // ------------------------------------------------------------------ I/O

    public RawPg send(byte[] bytes) throws IOException {
        out.write(bytes);
        out.flush();
        return this;
    }

    /** One byte, or -1 at end of stream. */
    public int readByte() throws IOException {
        return in.read();
    }

    /** The next backend message, or null at end of stream (the server closed the connection). */
    public Message readMessage() throws IOException {
        int type = in.read();
        if (type < 0) {
            return null;
        }
        int length = in.readInt();
        if (length < 4 || length > 1 << 30) {
            throw new IOException("bad message length " + length + " for type " + (char) type);
        }
        byte[] body = new byte[length - 4];
        in.readFully(body);
        return new Message((char) type, body);
    }

    /**
     * Reads messages until the server closes the connection; fails if it does not within the read
     * timeout. A reset after the last message counts as a close (some kernels report a close that
     * way when the client had unread or unsent data).
     */
    public List<Message> readUntilClosed() throws IOException {
        List<Message> messages = new ArrayList<>();
        try {
            Message m;
            while ((m = readMessage()) != null) {
                messages.add(m);
            }
        } catch (SocketTimeoutException e) {
            throw new AssertionError("connection still open after the read timeout; got " + describe(messages), e);
        } catch (EOFException e) {
            // closed in the middle of a message: the caller sees what arrived whole
        } catch (SocketException e) {
            if (!String.valueOf(e.getMessage()).contains("reset")) {
                throw e;
            }
        }
        return messages;
    }

    /** Every byte until the server closes the connection (for replies that are not v3 messages). */
    public byte[] readBytesUntilClosed() throws IOException {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        byte[] buf = new byte[8192];
        try {
            int n;
            while ((n = in.read(buf)) >= 0) {
                all.write(buf, 0, n);
            }
        } catch (SocketTimeoutException e) {
            throw new AssertionError("connection still open after the read timeout", e);
        }
        return all.toByteArray();
    }

    /** Reads until ReadyForQuery (inclusive) and returns all messages; fails at end of stream. */
    public List<Message> readUntilReady() throws IOException {
        List<Message> messages = new ArrayList<>();
        for (;;) {
            Message m = readMessage();
            if (m == null) {
                throw new EOFException("server closed the connection; got " + describe(messages));
            }
            messages.add(m);
            if (m.type() == 'Z') {
                return messages;
            }
        }
    }

    /** Sends a simple Query and returns the response up to ReadyForQuery. */
    public List<Message> simpleQuery(String sql) throws IOException {
        send(query(sql));
        return readUntilReady();
    }

    /** The first column of the first DataRow in {@code messages}, as text; fails on an ErrorResponse. */
    public static String firstValue(List<Message> messages) {
        for (Message m : messages) {
            if (m.type() == 'E') {
                throw new AssertionError("query failed: " + m.error());
            }
            if (m.type() == 'D') {
                ByteBuffer b = ByteBuffer.wrap(m.body());
                b.getShort();
                int len = b.getInt();
                return len < 0 ? null : new String(m.body(), 6, len, StandardCharsets.UTF_8);
            }
        }
        return null;
    }

    /** The first ErrorResponse in {@code messages}, or null. */
    public static ErrorFields firstError(List<Message> messages) {
        return messages.stream().filter(m -> m.type() == 'E').findFirst().map(Message::error).orElse(null);
    }

    /**
     * Logs in with a StartupMessage and answers trust, cleartext or md5 authentication. Returns the
     * welcome; fails with the server's error if the login is refused.
     */
    public Welcome login(String user, String database, String password) throws IOException {
        return login(user, database, password, Map.of());
    }

    /** As {@link #login(String, String, String)}, with more startup parameters (target_session_attrs...). */
    public Welcome login(String user, String database, String password, Map<String, String> extra) throws IOException {
        Map<String, String> params = new LinkedHashMap<>();
        params.put("user", user);
        params.put("database", database);
        params.put("application_name", "rawpg");
        params.putAll(extra);
        send(startupPacket(PROTOCOL_3_0, params));
        Map<String, String> parameters = new LinkedHashMap<>();
        int pid = 0;
        int secret = 0;
        for (;;) {
            Message m = readMessage();
            if (m == null) {
                throw new EOFException("server closed the connection during login");
            }
            switch (m.type()) {
                case 'R' -> {
                    int code = m.authCode();
                    if (code == 3) {
                        send(passwordMessage(password));
                    } else if (code == 5) {
                        byte[] salt = java.util.Arrays.copyOfRange(m.body(), 4, 8);
                        send(passwordMessage(md5Response(user, password, salt)));
                    } else if (code != 0) {
                        throw new IllegalStateException("RawPg supports trust, cleartext and md5 only; server asked for "
                                + code + " (configure the user with auth: password, md5 or trust)");
                    }
                }
                case 'S' -> {
                    String[] kv = m.bodyText().split("\0", -1);
                    parameters.put(kv[0], kv[1]);
                }
                case 'K' -> {
                    ByteBuffer b = ByteBuffer.wrap(m.body());
                    pid = b.getInt();
                    secret = b.getInt();
                }
                case 'E' -> throw new IllegalStateException("login refused: " + m.error());
                case 'Z' -> {
                    return new Welcome(parameters, pid, secret);
                }
                default -> {
                    // NoticeResponse, NegotiateProtocolVersion: nothing to do
                }
            }
        }
    }

    private static byte[] passwordMessage(String password) {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        cstring(body, password);
        return message('p', body.toByteArray());
    }

    /** md5(md5(password + user) + salt), hex, prefixed "md5": the md5 PasswordMessage. */
    static String md5Response(String user, String password, byte[] salt) {
        try {
            MessageDigest md = MessageDigest.getInstance("MD5");
            String inner = HexFormat.of().formatHex(md.digest((password + user).getBytes(StandardCharsets.UTF_8)));
            md.reset();
            md.update(inner.getBytes(StandardCharsets.US_ASCII));
            md.update(salt);
            return "md5" + HexFormat.of().formatHex(md.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The raw input stream, for callers that read a large result at their own pace. */
    public InputStream input() {
        return in;
    }

    /** Closes with a TCP reset (SO_LINGER 0): the peer sees the client vanish, as after a kill -9. */
    public void abort() {
        try {
            socket.setSoLinger(true, 0);
            socket.close();
        } catch (IOException e) {
            // already gone
        }
    }

    /** Sends Terminate (if still possible) and closes. */
    @Override
    public void close() {
        try {
            if (!socket.isClosed()) {
                out.write(message('X', new byte[0]));
                out.flush();
            }
        } catch (IOException e) {
            // the server may have closed first
        }
        try {
            socket.close();
        } catch (IOException e) {
            // nothing to do
        }
    }

    /** Sends one CancelRequest on a fresh connection to {@code port} and waits until the peer closes it. */
    public static void cancel(int port, int pid, int secret) throws IOException {
        try (RawPg c = connect(port)) {
            c.send(cancelRequest(pid, secret));
            List<Message> answer = c.readUntilClosed();
            if (!answer.isEmpty()) {
                throw new AssertionError("a CancelRequest gets no answer, got " + describe(answer));
            }
        }
    }

    public static String describe(List<Message> messages) {
        StringBuilder sb = new StringBuilder("[");
        for (Message m : messages) {
            if (sb.length() > 1) {
                sb.append(", ");
            }
            sb.append(m.type());
            if (m.type() == 'E' || m.type() == 'N') {
                sb.append('(').append(m.error()).append(')');
            }
        }
        return sb.append(']').toString();
    }
}
