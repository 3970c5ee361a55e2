/**
 * The PostgreSQL-protocol admin console on {@code admin.listen}: PgBouncer's SHOW commands with
 * PgBouncer's columns, pgmux's own SHOW BACKENDS/BREAKERS/PINNED/PREPARED, and PAUSE, RESUME,
 * RECONNECT, KILL, RELOAD, SET and SHUTDOWN, which act on the proxy through {@link
 * io.pgmux.admin.ProxyControl}. Simple query protocol only. See docs/admin.md.
 */
package io.pgmux.admin;
