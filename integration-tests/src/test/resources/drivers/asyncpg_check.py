"""asyncpg through pgmux in transaction mode, with asyncpg's defaults.

asyncpg's statement cache (on by default) prepares every query as a named statement
(__asyncpg_stmt_N__) and reuses it, which breaks on poolers that do not carry named statements
across server connections. 20 connections run concurrently; each runs 50 rounds of two
parameterized queries, an explicitly prepared statement, an error it recovers from, and every
5th round a transaction of two inserts. Totals are printed as key=value lines for the test.

Environment: PGHOST, PGPORT, PGUSER, PGPASSWORD, PGDATABASE.
"""
import asyncio
import os

import asyncpg

CLIENTS = 20
ROUNDS = 50


async def client(i, totals):
    conn = await asyncpg.connect(
        host=os.environ["PGHOST"], port=int(os.environ["PGPORT"]), user=os.environ["PGUSER"],
        password=os.environ["PGPASSWORD"], database=os.environ["PGDATABASE"], ssl=False)
    try:
        plus_one = await conn.prepare("SELECT $1::int + 1")
        for j in range(ROUNDS):
            # await first, then add: "totals[k] += await ..." would read totals[k] before the await
            # and lose the other coroutines' updates made meanwhile
            added = await conn.fetchval("SELECT $1::int + $2::int", i, j)
            totals["add"] += added
            row = await conn.fetchrow("SELECT $1::int * 2 AS doubled, $2::text AS label", j, f"c{i}")
            assert row["label"] == f"c{i}", row
            totals["doubled"] += row["doubled"]
            incremented = await plus_one.fetchval(j)
            totals["plus_one"] += incremented
            if j % 10 == 0:
                try:
                    await conn.fetchval("SELECT 1 / $1::int", 0)
                except asyncpg.DivisionByZeroError:
                    totals["errors"] += 1
            if j % 5 == 0:
                async with conn.transaction():
                    await conn.execute("INSERT INTO asyncpg_rows(client, n) VALUES ($1, $2)", i, j)
                    await conn.execute("INSERT INTO asyncpg_rows(client, n) VALUES ($1, $2)", i, j + 1000)
        # the statement cache really was in use: asyncpg's own names
        totals["cached"] += len(conn._stmt_cache)
    finally:
        await conn.close()


async def main():
    totals = {"add": 0, "doubled": 0, "plus_one": 0, "errors": 0, "cached": 0}
    await asyncio.gather(*(client(i, totals) for i in range(CLIENTS)))
    conn = await asyncpg.connect(
        host=os.environ["PGHOST"], port=int(os.environ["PGPORT"]), user=os.environ["PGUSER"],
        password=os.environ["PGPASSWORD"], database=os.environ["PGDATABASE"], ssl=False)
    try:
        rows, total = await conn.fetchrow("SELECT count(*), coalesce(sum(n), 0) FROM asyncpg_rows")
    finally:
        await conn.close()
    for key, value in totals.items():
        print(f"{key}={value}")
    print(f"rows={rows}")
    print(f"rows_sum={total}")


asyncio.run(main())
