-- Each shard server: the sharded table of database `orders` (docker/pgmux-compose.yaml shards it
-- by customer_id with pg_hash). Both shards have the same schema; pgmux decides which rows each holds.
CREATE TABLE orders (
    customer_id bigint      NOT NULL,
    order_id    bigint      GENERATED ALWAYS AS IDENTITY,
    total       numeric(12, 2) NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (customer_id, order_id)
);
ALTER TABLE orders OWNER TO app;
