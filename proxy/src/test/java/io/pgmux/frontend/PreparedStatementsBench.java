package io.pgmux.frontend;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.embedded.EmbeddedChannel;
import io.pgmux.backend.PreparedStatement;
import io.pgmux.backend.ServerStatements;
import io.pgmux.bench.HotPathBench;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.TearDown;

import java.nio.charset.StandardCharsets;
import java.util.List;

/*
 * The prepared-statement rewriter's per-Bind work in transaction mode: finding the client's
 * statement by the name in the Bind (ClientStatements, as StatementRewriter.lookup does) and
 * whether the server connection has it (ServerStatements), plus the LRU's miss path (prepare and
 * evict). Also RunWriter, the forwarder's coalesced write, into an EmbeddedChannel. In this package
 * because ClientStatements and RunWriter are package-private. Part of HotPathBenches (io.pgmux.bench).
 */
/** JMH benchmark of the prepared-statement bookkeeping and of RunWriter. */
public class PreparedStatementsBench extends HotPathBench {
    private static final String[] QUERIES = {
        "SELECT abalance FROM pgbench_accounts WHERE aid = $1",
        "UPDATE pgbench_accounts SET abalance = abalance + $1 WHERE aid = $2",
        "SELECT abalance FROM pgbench_accounts WHERE aid = $1",
        "UPDATE pgbench_tellers SET tbalance = tbalance + $1 WHERE tid = $2",
        "UPDATE pgbench_branches SET bbalance = bbalance + $1 WHERE bid = $2",
        "INSERT INTO pgbench_history (tid, bid, aid, delta, mtime) VALUES ($1, $2, $3, $4, CURRENT_TIMESTAMP)",
    };

    private final ClientStatements client = new ClientStatements(1000);
    private final ServerStatements server = new ServerStatements();
    private final ServerStatements lru = new ServerStatements();
    private PreparedStatement[] many;
    private int next;
    /** Bind messages as pgbench -M prepared (P_0) and pgjdbc (S_1 .. S_4) send them. */
    private ByteBuf[] binds;
    private int bindIndex;
    private ByteBuf parseBody;
    private ByteBuf response;
    private final RunWriter run = new RunWriter();
    private EmbeddedChannel channel;

    @Setup(Level.Trial)
    public void setup() {
        String[] names = {"P_0", "S_1", "S_2", "S_3", "S_4"};
        binds = new ByteBuf[names.length];
        for (int i = 0; i < names.length; i++) {
            PreparedStatement s = statement(QUERIES[i], i);
            client.put(names[i], s);
            server.add(s, 100);
            binds[i] = bind(names[i]);
        }
        many = new PreparedStatement[200];
        for (int i = 0; i < many.length; i++) {
            many[i] = statement("SELECT " + i + " FROM t WHERE id = $1", 0);
        }
        parseBody = PooledByteBufAllocator.DEFAULT.directBuffer(128);
        parseBody.writeBytes(QUERIES[1].getBytes(StandardCharsets.UTF_8)).writeByte(0).writeShort(0);
        response = PooledByteBufAllocator.DEFAULT.directBuffer(64);
        response.writeZero(60);
        channel = new EmbeddedChannel();
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        for (ByteBuf b : binds) {
            b.release();
        }
        parseBody.release();
        response.release();
        channel.finishAndReleaseAll();
    }

    private static PreparedStatement statement(String sql, int variant) {
        ByteBuf b = PooledByteBufAllocator.DEFAULT.heapBuffer();
        b.writeBytes(sql.getBytes(StandardCharsets.UTF_8)).writeByte(0).writeShort(1).writeInt(20 + variant);
        try {
            return PreparedStatement.fromParse(b, 0, b.writerIndex());
        } finally {
            b.release();
        }
    }

    /** {@code 'B' len "" name\0 0 formats, 1 param "12345", 0 result formats}. */
    private static ByteBuf bind(String name) {
        ByteBuf b = PooledByteBufAllocator.DEFAULT.directBuffer(64);
        byte[] n = name.getBytes(StandardCharsets.US_ASCII);
        b.writeByte('B').writeInt(0).writeByte(0).writeBytes(n).writeByte(0);
        b.writeShort(0).writeShort(1).writeInt(5).writeBytes("12345".getBytes(StandardCharsets.US_ASCII)).writeShort(0);
        b.setInt(1, b.writerIndex() - 1);
        return b;
    }

    /** The Bind's statement name, decoded to a String, then the client's map: the lookup before this change. */
    @Benchmark
    public PreparedStatement bindLookupByString() {
        ByteBuf b = binds[0];
        int nameStart = 6;
        int nameEnd = b.indexOf(nameStart, b.writerIndex(), (byte) 0);
        return client.get(b.toString(nameStart, nameEnd - nameStart, StandardCharsets.UTF_8));
    }

    /** The lookup StatementRewriter does per Bind and Describe (pgbench -M prepared: always P_0). */
    @Benchmark
    public PreparedStatement bindLookup() {
        ByteBuf b = binds[0];
        int nameStart = 6;
        int nameEnd = b.indexOf(nameStart, b.writerIndex(), (byte) 0);
        return client.get(b, nameStart, nameEnd);
    }

    /** The same, rotating over five statements (a pgjdbc application's S_1, S_2...): one lookup and one server check per op. */
    @Benchmark
    public boolean bindLookupRotatingAndServerHit() {
        ByteBuf b = binds[bindIndex];
        bindIndex = bindIndex == binds.length - 1 ? 0 : bindIndex + 1;
        int nameEnd = b.indexOf(6, b.writerIndex(), (byte) 0);
        PreparedStatement s = client.get(b, 6, nameEnd);
        return server.contains(s);
    }

    /** Miss path: the server lacks the statement, the LRU (capacity 100, full) prepares it and evicts the eldest. */
    @Benchmark
    public List<String> serverPrepareAndEvict() {
        PreparedStatement s = many[next];
        next = next == many.length - 1 ? 0 : next + 1;
        return lru.add(s, 100);
    }

    /** A client's Parse of a named statement: copying the body and naming it (hash of the text). Once per client and statement. */
    @Benchmark
    public PreparedStatement parseNamed() {
        return PreparedStatement.fromParse(parseBody, 0, parseBody.writerIndex());
    }

    /** What RunWriter's write costs by itself: a reference for the run and the slice that takes it over. */
    @Benchmark
    public Object sliceOnly() {
        ByteBuf s = response.retain().slice(0, 60);
        s.release();
        return s;
    }

    /** ResponseForwarder's write: four contiguous messages coalesced into one slice, written and flushed to an EmbeddedChannel. */
    @Benchmark
    public Object runWrite() {
        run.add(channel, response, 0, 34);
        run.add(channel, response, 34, 11);
        run.add(channel, response, 45, 9);
        run.add(channel, response, 54, 6);
        run.writeTo(channel);
        channel.flush();
        ByteBuf out = channel.readOutbound();
        out.release();
        return out;
    }
}
