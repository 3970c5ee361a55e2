package io.pgmux.sharding;

import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.StringJoiner;

import static org.junit.jupiter.api.Assertions.assertEquals;

class ShardKeyExtractorTest {
    private final ShardKeyExtractor extractor = new ShardKeyExtractor(new ShardKeyColumns(
            Map.of("orders", "customer_id", "order_lines", "customer_id", "accounts", "id", "sales.invoices", "client"),
            "customer_id"));

    /** Keys as "42 $1 'text'"; other hints by their record's toString; NONE as "none". */
    private String read(String sql) {
        ShardHint h = extractor.extract(sql);
        if (h instanceof ShardHint.None) {
            return "none";
        }
        if (!(h instanceof ShardHint.Keys keys)) {
            return h.toString();
        }
        StringJoiner j = new StringJoiner(" ");
        for (KeyRef k : keys.keys()) {
            j.add(k instanceof KeyRef.Param p ? "$" + p.index() : ((KeyRef.Literal) k).text());
        }
        return j.toString();
    }

    @Test
    void whereEqualsLiteralOrParameter() {
        assertEquals("42", read("SELECT * FROM orders WHERE customer_id = 42"));
        assertEquals("$1", read("select * from orders where customer_id=$1"));
        assertEquals("42", read("SELECT * FROM orders WHERE 42 = customer_id"));
        assertEquals("$2", read("SELECT * FROM orders WHERE status = $1 AND customer_id = $2 ORDER BY id LIMIT 10"));
        assertEquals("-5", read("SELECT * FROM orders WHERE customer_id = -5"));
        assertEquals("-5", read("SELECT * FROM orders WHERE customer_id=-5"));
        assertEquals("-5", read("SELECT * FROM orders WHERE -5 = customer_id"));
        assertEquals("42", read("SELECT * FROM orders WHERE customer_id = '42'"));
    }

    @Test
    void castsOnTheValue() {
        assertEquals("$1", read("SELECT * FROM orders WHERE customer_id = $1::bigint"));
        assertEquals("42", read("SELECT * FROM orders WHERE customer_id = '42'::int"));
        assertEquals("42", read("SELECT * FROM orders WHERE customer_id = '42'::pg_catalog.int8::bigint"));
        assertEquals("$1", read("SELECT * FROM orders WHERE customer_id = CAST($1 AS bigint)"));
        assertEquals("42", read("SELECT * FROM orders WHERE customer_id = int8 '42'"));
        assertEquals("$1", read("SELECT * FROM orders WHERE customer_id = $1::character varying(20) AND x = 1"));
        assertEquals("none", read("SELECT * FROM orders WHERE customer_id::text = '42'"));
        // pgjdbc in simple mode inlines a PreparedStatement's parameters like this
        assertEquals("42", read("SELECT * FROM orders WHERE customer_id = ('42'::int8)"));
        assertEquals("42", read("INSERT INTO orders (id, customer_id) VALUES (('7'::int8), ('42'::int8))"));
        assertEquals("none", read("SELECT * FROM orders WHERE customer_id = (42 + 1)"));
    }

    @Test
    void qualifiedQuotedAndAliasedColumns() {
        assertEquals("5", read("SELECT * FROM orders o JOIN order_lines l ON l.order_id = o.id WHERE o.customer_id = 5"));
        assertEquals("5", read("SELECT * FROM orders AS o WHERE o.\"customer_id\" = 5"));
        assertEquals("5", read("SELECT * FROM public.orders WHERE orders.customer_id = 5"));
        assertEquals("5", read("SELECT * FROM public.orders WHERE public.orders.customer_id = 5"));
        assertEquals("5", read("SELECT * FROM \"orders\" WHERE \"customer_id\" = 5"));
        assertEquals("5", read("SELECT * FROM ORDERS WHERE Customer_ID = 5"));
        assertEquals("none", read("SELECT * FROM orders WHERE \"Customer_Id\" = 5"));
        assertEquals("none", read("SELECT * FROM orders o WHERE x.customer_id = 5"));
        assertEquals("7", read("SELECT * FROM accounts a WHERE a.id = 7"));
        assertEquals("none", read("SELECT * FROM accounts a WHERE a.customer_id = 7"));
        assertEquals("7", read("SELECT * FROM sales.invoices i WHERE i.client = 7"));
        assertEquals("7", read("SELECT * FROM other.invoices i WHERE i.customer_id = 7"));
        assertEquals("9", read("SELECT * FROM users WHERE customer_id = 9"));
    }

    @Test
    void inListsGiveEveryKeyOnce() {
        assertEquals("1 2 $3", read("SELECT * FROM orders WHERE customer_id IN (1, 2, $3, 1)"));
        assertEquals("-1 2", read("SELECT * FROM orders WHERE customer_id IN (-1, '2')"));
        assertEquals("none", read("SELECT * FROM orders WHERE customer_id NOT IN (1, 2)"));
        assertEquals("none", read("SELECT * FROM orders WHERE customer_id IN (SELECT id FROM c)"));
        assertEquals("3", read("SELECT * FROM orders WHERE customer_id IN (1, 2) AND customer_id = 3"));
    }

    @Test
    void onlyProvableConditionsCount() {
        assertEquals("none", read("SELECT * FROM orders WHERE customer_id = 1 OR customer_id = 2"));
        assertEquals("none", read("SELECT * FROM orders WHERE status = 'x' OR customer_id = 2"));
        assertEquals("none", read("SELECT * FROM orders WHERE NOT customer_id = 2"));
        assertEquals("none", read("SELECT * FROM orders WHERE NOT (customer_id = 2)"));
        assertEquals("none", read("SELECT * FROM orders WHERE customer_id = 1 + 1"));
        assertEquals("none", read("SELECT * FROM orders WHERE customer_id > 5"));
        assertEquals("none", read("SELECT * FROM orders WHERE customer_id = other_id"));
        assertEquals("none", read("SELECT * FROM orders WHERE customer_id = abs(-3)"));
        assertEquals("none", read("SELECT * FROM orders WHERE EXISTS (SELECT 1 FROM c WHERE customer_id = 3)"));
        assertEquals("none", read("SELECT * FROM orders WHERE id IN (SELECT order_id FROM x WHERE customer_id = 3)"));
        assertEquals("none", read("SELECT * FROM orders WHERE (customer_id = 1 OR x) AND y"));
        assertEquals("4", read("SELECT * FROM orders WHERE (customer_id = 4 AND x = 1) AND (y OR z)"));
        assertEquals("4", read("SELECT * FROM orders WHERE ((customer_id = 4))"));
        assertEquals("4", read("SELECT * FROM orders WHERE created BETWEEN 1 AND 9 AND customer_id = 4"));
        assertEquals("4", read("SELECT * FROM orders WHERE customer_id = 4 AND total > (SELECT avg(total) FROM orders)"));
        assertEquals("none", read("SELECT * FROM orders WHERE customer_id = 1 UNION SELECT * FROM orders WHERE customer_id = 1"));
        assertEquals("none", read("SELECT * FROM orders"));
        assertEquals("none", read("SELECT 1"));
        assertEquals("none", read("WITH x AS (SELECT 1) SELECT * FROM orders WHERE customer_id = 1"));
        assertEquals("none", read("SELECT * FROM orders WHERE customer_id IS NULL"));
        assertEquals("none", read("SELECT * FROM orders WHERE customer_id = NULL"));
    }

    @Test
    void quotingNeverFoolsTheReader() {
        assertEquals("it's", read("SELECT * FROM users WHERE customer_id = 'it''s'"));
        assertEquals("a'b", read("SELECT * FROM users WHERE customer_id = E'a\\'b'"));
        assertEquals("x OR y", read("SELECT * FROM users WHERE customer_id = $$x OR y$$"));
        assertEquals("q", read("SELECT * FROM users WHERE customer_id = $t$q$t$ -- OR customer_id = 2"));
        assertEquals("q", read("SELECT * FROM users /* WHERE customer_id = 1 OR */ WHERE customer_id = 'q'"));
        assertEquals("none", read("SELECT 'FROM orders WHERE customer_id = 1'"));
        assertEquals("7", read("SELECT \"where\" FROM orders WHERE customer_id = 7"));
    }

    @Test
    void updateAndDelete() {
        assertEquals("5", read("UPDATE orders SET status = 'paid', total = total + 1 WHERE customer_id = 5"));
        assertEquals("$2", read("UPDATE orders o SET status = $1 WHERE o.customer_id = $2 RETURNING id"));
        assertEquals("5", read("UPDATE ONLY public.orders AS o SET x = 1 FROM accounts a WHERE a.id = o.x AND o.customer_id = 5"));
        assertEquals("none", read("UPDATE orders SET customer_id = 5"));
        assertEquals("none", read("UPDATE orders SET note = 'x', customer_id = 6 WHERE customer_id = 5")); // moves the row
        assertEquals("none", read("UPDATE orders SET (note, customer_id) = ('x', 6) WHERE customer_id = 5"));
        assertEquals("5", read("UPDATE orders SET note = (SELECT n FROM x WHERE customer_id = 6) WHERE customer_id = 5"));
        assertEquals("none", read("UPDATE orders SET status = 1 WHERE CURRENT OF c"));
        assertEquals("5", read("DELETE FROM orders WHERE customer_id = 5"));
        assertEquals("5", read("DELETE FROM orders o USING accounts a WHERE a.id = o.account_id AND o.customer_id = 5"));
        assertEquals("none", read("DELETE FROM orders"));
    }

    @Test
    void insertValues() {
        assertEquals("42", read("INSERT INTO orders (id, customer_id, note) VALUES (1, 42, 'x')"));
        assertEquals("$2", read("INSERT INTO orders (id, customer_id) VALUES ($1, $2) RETURNING id"));
        assertEquals("1 2", read("INSERT INTO orders (customer_id, note) VALUES (1, 'a'), (2, 'b'), (1, 'c')"));
        assertEquals("$2 $4", read("INSERT INTO orders (note, customer_id) VALUES ($1, $2::int8), ($3, $4::int8)"));
        assertEquals("7", read("INSERT INTO public.accounts AS a (id, name) VALUES (7, f(1, 2)) ON CONFLICT (id) DO UPDATE SET name = 'x'"));
        assertEquals("7", read("INSERT INTO sales.invoices (client) VALUES (7)"));
        assertEquals("none", read("INSERT INTO orders VALUES (1, 42)"));
        assertEquals("none", read("INSERT INTO orders (id, customer_id) VALUES (1, DEFAULT)"));
        assertEquals("none", read("INSERT INTO orders (id, customer_id) VALUES (1, 40 + 2)"));
        assertEquals("none", read("INSERT INTO orders (id, customer_id) VALUES (1)"));
        assertEquals("none", read("INSERT INTO orders (id, customer_id) SELECT id, 5 FROM x"));
        assertEquals("none", read("INSERT INTO orders (id) VALUES (1)"));
    }

    @Test
    void severalStatements() {
        assertEquals("5", read("BEGIN; UPDATE orders SET x = 1 WHERE customer_id = 5; INSERT INTO orders (customer_id) VALUES (5); COMMIT;"));
        assertEquals("5 6", read("SELECT * FROM orders WHERE customer_id = 5; SELECT * FROM orders WHERE customer_id = 6"));
        assertEquals("none", read("SELECT * FROM orders WHERE customer_id = 5; SELECT * FROM orders"));
        assertEquals("none", read("BEGIN; COMMIT"));
    }

    @Test
    void commentHints() {
        assertEquals("42", read("/* pgmux: shard_key=42 */ SELECT * FROM orders"));
        assertEquals("abc", read("SELECT * FROM orders /* PGMUX: shard_key = 'abc' */ WHERE customer_id = 1"));
        assertEquals("ExplicitShard[shard=2]", read("SELECT count(*) FROM orders -- pgmux: shard=2"));
        assertEquals("AllShards[]", read("/*pgmux:all_shards*/ SELECT count(*) FROM orders WHERE customer_id = 1"));
        assertEquals("none", read("/* pgmux: shard=x */ SELECT 1"));
        assertEquals("none", read("/* app: pgmux */ SELECT 1"));
        assertEquals("none", read("SELECT '/* pgmux: shard=2 */'"));
    }

    @Test
    void pgmuxSettings() {
        assertEquals("SetShard[shard=2, local=false]", read("SET pgmux.shard = 2"));
        assertEquals("SetShard[shard=2, local=false]", read("set pgmux.shard to '2';"));
        assertEquals("SetShard[shard=3, local=true]", read("SET LOCAL pgmux.shard TO 3"));
        assertEquals("SetShardKey[key=42, local=false]", read("SET SESSION pgmux.shard_key = '42'"));
        assertEquals("SetShardKey[key=-42, local=false]", read("SET pgmux.shard_key = -42"));
        assertEquals("SetShardKey[key=abc, local=false]", read("SET pgmux.shard_key TO ABC"));
        assertEquals("ResetShard[setting=pgmux.shard_key]", read("RESET pgmux.shard_key"));
        assertEquals("ResetShard[setting=pgmux.shard]", read("SET pgmux.shard TO DEFAULT"));
        assertEquals("BadShardSetting[message=invalid value for parameter \"pgmux.shard\": \"-1\"]",
                read("SET pgmux.shard = -1"));
        assertEquals("BadShardSetting[message=unrecognized configuration parameter \"pgmux.shards\"]",
                read("SET pgmux.shards = 1"));
        assertEquals("BadShardSetting[message=SET of a pgmux setting must be sent as a query of its own]",
                read("SET pgmux.shard = 1; SELECT 1"));
        assertEquals("BadShardSetting[message=syntax error in SET or RESET of pgmux.shard_key]",
                read("SET pgmux.shard_key = 1, 2"));
        assertEquals("none", read("SET search_path = pgmux"));
        assertEquals("SetShard[shard=1, local=false]", read("/* pgmux: shard=2 */ SET pgmux.shard = 1"));
    }
}
