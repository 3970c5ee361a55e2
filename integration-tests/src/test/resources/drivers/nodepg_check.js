// node-postgres through pgmux in transaction mode: named queries ({ name, text, values }) are
// prepared once per connection under the client's name and then only bound, which breaks on
// poolers that do not carry named statements across server connections. 20 clients run
// concurrently, 50 rounds each, plus a transaction every 10th round. Prints key=value lines.
// Environment: PGHOST, PGPORT, PGUSER, PGPASSWORD, PGDATABASE; pg is found through NODE_PATH.
const { Client } = require('pg');

const CLIENTS = 20;
const ROUNDS = 50;

async function client(i, totals) {
  const c = new Client({ ssl: false });
  await c.connect();
  try {
    for (let j = 0; j < ROUNDS; j++) {
      const add = await c.query({ name: 'add', text: 'SELECT $1::int + $2::int AS s', values: [i, j] });
      totals.add += add.rows[0].s;
      const mul = await c.query({ name: 'mul', text: 'SELECT $1::int * 3 AS m', values: [j] });
      totals.mul += mul.rows[0].m;
      if (j % 10 === 0) {
        await c.query('BEGIN');
        await c.query({ name: 'ins', text: 'INSERT INTO nodepg_rows(client, n) VALUES ($1, $2)', values: [i, j] });
        await c.query('COMMIT');
      }
    }
  } finally {
    await c.end();
  }
}

async function main() {
  const totals = { add: 0, mul: 0 };
  await Promise.all([...Array(CLIENTS).keys()].map((i) => client(i, totals)));
  const c = new Client({ ssl: false });
  await c.connect();
  const r = await c.query('SELECT count(*)::int AS rows, coalesce(sum(n), 0)::int AS total FROM nodepg_rows');
  await c.end();
  console.log(`add=${totals.add}`);
  console.log(`mul=${totals.mul}`);
  console.log(`rows=${r.rows[0].rows}`);
  console.log(`rows_sum=${r.rows[0].total}`);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
