"""psycopg 3 through pgmux in transaction mode.

Usage: psycopg_check.py MODE, where MODE is
  prepared  - prepare=True and prepare_threshold=0 on 10 connections, in and out of transactions
  pipeline  - pipeline mode: many executes (inserts, prepared selects) sent before any result is read
  evict     - a prepared-statement cache of 2 (prepared_max) over 5 queries: psycopg then sends
              "DEALLOCATE _pg3_N" for evicted statements, with the extended protocol
  rollback  - conn.rollback() with prepared statements: psycopg sends "DEALLOCATE ALL" (extended
              protocol) and prepares again; a second connection uses the same statement text
Prints key=value lines for the test. Environment: PGHOST, PGPORT, PGUSER, PGPASSWORD, PGDATABASE.
"""
import os
import sys

import psycopg


def connect(**kwargs):
    return psycopg.connect(host=os.environ["PGHOST"], port=os.environ["PGPORT"], user=os.environ["PGUSER"],
                           password=os.environ["PGPASSWORD"], dbname=os.environ["PGDATABASE"],
                           sslmode="disable", connect_timeout=10, **kwargs)


def one(conn, query, params=None, **kwargs):
    return conn.execute(query, params, **kwargs).fetchone()[0]


def prepared():
    conns = [connect(autocommit=(i % 2 == 0)) for i in range(10)]
    for i, conn in enumerate(conns):
        if i % 4 < 2:
            conn.prepare_threshold = 0  # every query prepared on its first execution
    total = 0
    for j in range(50):
        for i, conn in enumerate(conns):
            total += one(conn, "SELECT %s::int + %s::int", (i, j), prepare=True)
            total += one(conn, "SELECT %s::int * 3", (j,))
            if not conn.autocommit:
                conn.commit()
    names = sum(len(c._prepared._names) for c in conns)
    for conn in conns:
        conn.close()
    print(f"prepared_total={total}")
    print(f"prepared_names={names}")


def pipeline():
    with connect(autocommit=True) as conn:
        conn.prepare_threshold = 0
        conn.execute("TRUNCATE psycopg_rows")
        with conn.pipeline():
            cursors = []
            for n in range(200):
                conn.execute("INSERT INTO psycopg_rows(n) VALUES (%s)", (n,))
            for n in range(50):
                cursors.append(conn.execute("SELECT %s::int * 2", (n,)))
            with conn.transaction():
                conn.execute("INSERT INTO psycopg_rows(n) VALUES (%s)", (1000,))
                conn.execute("UPDATE psycopg_rows SET n = n + 1 WHERE n = %s", (1000,))
            total = sum(c.fetchone()[0] for c in cursors)
        with conn.cursor() as cur:
            cur.executemany("INSERT INTO psycopg_rows(n) VALUES (%s)", [(n,) for n in range(10000, 10100)])
        rows, rows_sum = conn.execute("SELECT count(*), sum(n) FROM psycopg_rows").fetchone()
    print(f"pipeline_selects={total}")
    print(f"pipeline_rows={rows}")
    print(f"pipeline_rows_sum={rows_sum}")


def evict():
    with connect(autocommit=True) as conn:
        conn.prepare_threshold = 0
        conn.prepared_max = 2
        total = 0
        for round in range(3):
            for k in range(5):
                total += one(conn, f"SELECT %s::int + {k}", (round,))
    print(f"evict_total={total}")


def rollback():
    query = "SELECT %s::int + 500"
    with connect() as first, connect(autocommit=True) as second:
        first.prepare_threshold = 0
        second.prepare_threshold = 0
        # second (autocommit) first: once first opens its transaction it holds the only server connection
        total = one(second, query, (2,))
        total += one(first, query, (1,))
        first.rollback()  # a transaction was open: ROLLBACK, then DEALLOCATE ALL outside it
        total += one(second, query, (4,))
        total += one(first, query, (3,))
        first.commit()
    print(f"rollback_total={total}")


{"prepared": prepared, "pipeline": pipeline, "evict": evict, "rollback": rollback}[sys.argv[1]]()
