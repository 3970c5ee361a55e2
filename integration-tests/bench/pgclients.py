#!/usr/bin/env python3
"""Raw PostgreSQL wire-protocol clients for idle.sh (python3 standard library only).

  pgclients.py idle N HOST PORT USER PASSWORD DB READY_FILE
      opens N connections (cleartext or MD5 password authentication), runs SELECT 1 on each,
      writes a summary line to READY_FILE, then keeps every connection open and idle until
      stdin reaches end of file; then checks that each is still alive (SELECT 1 again) and closes.
      Connections come from 127.0.0.1 .. 127.0.0.8 in turn, so more than one loopback address's
      28,000 ephemeral ports are available (50,000 clients need two).
  pgclients.py slowread HOST PORT USER PASSWORD DB SQL RATE_BYTES_PER_S LIMIT_BYTES
      runs SQL and reads its result at RATE bytes/s (64 KiB socket receive buffer, 16 reads a
      second) until LIMIT bytes were read, prints progress lines, then closes the connection.
"""
import asyncio
import hashlib
import socket
import struct
import sys
import time


def startup(user, db):
    body = struct.pack('!i', 196608) + b'user\0' + user.encode() + b'\0database\0' + db.encode() + b'\0\0'
    return struct.pack('!i', len(body) + 4) + body


def msg(t, body):
    return t + struct.pack('!i', len(body) + 4) + body


def password_message(user, password, code, salt):
    if code == 3:
        return msg(b'p', password.encode() + b'\0')
    if code == 5:
        inner = hashlib.md5(password.encode() + user.encode()).hexdigest().encode()
        return msg(b'p', b'md5' + hashlib.md5(inner + salt).hexdigest().encode() + b'\0')
    raise RuntimeError('authentication method %d not supported (use auth: password or md5)' % code)


QUERY_SELECT1 = msg(b'Q', b'SELECT 1\0')


async def read_message(reader):
    head = await reader.readexactly(5)
    n = struct.unpack('!i', head[1:])[0] - 4
    return head[:1], (await reader.readexactly(n) if n else b'')


async def until_ready(reader):
    """Reads messages up to ReadyForQuery; raises on ErrorResponse."""
    error = None
    while True:
        t, body = await read_message(reader)
        if t == b'E':
            error = body.replace(b'\0', b' ').decode(errors='replace')
        elif t == b'Z':
            if error:
                raise RuntimeError(error)
            return


async def login(host, port, user, password, db, local):
    reader, writer = await asyncio.open_connection(host, port, local_addr=(local, 0), limit=4096)
    writer.write(startup(user, db))
    while True:
        t, body = await read_message(reader)
        if t == b'R':
            code = struct.unpack('!i', body[:4])[0]
            if code != 0:
                writer.write(password_message(user, password, code, body[4:8]))
        elif t == b'E':
            raise RuntimeError(body.replace(b'\0', b' ').decode(errors='replace'))
        elif t == b'Z':
            return reader, writer


async def select1(reader, writer):
    writer.write(QUERY_SELECT1)
    await until_ready(reader)


async def idle(n, host, port, user, password, db, ready_file):
    conns = [None] * n
    errors = []
    gate = asyncio.Semaphore(200)

    async def one(i):
        async with gate:
            try:
                r, w = await login(host, port, user, password, db, '127.0.0.%d' % (1 + i % 8))
                await select1(r, w)
                conns[i] = (r, w)
            except Exception as e:  # recorded, the run goes on
                errors.append(repr(e))

    t0 = time.time()
    await asyncio.gather(*(one(i) for i in range(n)))
    ok = sum(1 for c in conns if c)
    summary = 'clients=%d connected_and_served=%d failed=%d seconds=%.1f%s' % (
        n, ok, len(errors), time.time() - t0, (' first_error=' + errors[0]) if errors else '')
    print(summary, flush=True)
    with open(ready_file, 'w') as f:
        f.write(summary + '\n')
    loop = asyncio.get_running_loop()
    await loop.run_in_executor(None, sys.stdin.read)  # idle until told to stop
    alive = []

    async def again(c):
        async with gate:
            try:
                await select1(*c)
                alive.append(1)
            except Exception as e:
                errors.append(repr(e))

    await asyncio.gather(*(again(c) for c in conns if c))
    print('still_alive_after_idle=%d of %d' % (len(alive), ok), flush=True)
    for c in conns:
        if c:
            c[1].write(msg(b'X', b''))
            c[1].close()


def slowread(host, port, user, password, db, sql, rate, limit):
    s = socket.socket()
    s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 65536)
    s.connect((host, port))
    s.sendall(startup(user, db))
    buf = b''

    def need(k):
        nonlocal buf
        while len(buf) < k:
            chunk = s.recv(65536)
            if not chunk:
                raise RuntimeError('connection closed')
            buf += chunk

    while True:  # login
        need(5)
        n = struct.unpack('!i', buf[1:5])[0] + 1
        need(n)
        t, body, buf = buf[:1], buf[5:n], buf[n:]
        if t == b'R' and struct.unpack('!i', body[:4])[0] != 0:
            s.sendall(password_message(user, password, struct.unpack('!i', body[:4])[0], body[4:8]))
        elif t == b'E':
            raise RuntimeError(body.decode(errors='replace'))
        elif t == b'Z':
            break
    s.sendall(msg(b'Q', sql.encode() + b'\0'))
    chunk = max(1, rate // 16)
    total = len(buf)
    t0 = time.time()
    last = t0
    s.settimeout(30)  # the whole result read before LIMIT: nothing more comes
    while total < limit:
        try:
            data = s.recv(chunk)
        except socket.timeout:
            break
        if not data:
            break
        total += len(data)
        due = t0 + total / rate
        now = time.time()
        if due > now:
            time.sleep(due - now)
        if now - last >= 5:
            print('read %.1f MiB in %.0f s (%.2f MiB/s)' % (total / 1048576, now - t0, total / 1048576 / (now - t0)), flush=True)
            last = now
    el = time.time() - t0
    print('done: read %.1f MiB in %.1f s = %.2f MiB/s' % (total / 1048576, el, total / 1048576 / el), flush=True)
    s.close()


def main():
    a = sys.argv[1:]
    if a and a[0] == 'idle' and len(a) == 8:
        asyncio.run(idle(int(a[1]), a[2], int(a[3]), a[4], a[5], a[6], a[7]))
    elif a and a[0] == 'slowread' and len(a) == 9:
        slowread(a[1], int(a[2]), a[3], a[4], a[5], a[6], int(a[7]), int(a[8]))
    else:
        sys.exit(__doc__)


if __name__ == '__main__':
    main()
