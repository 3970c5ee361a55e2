/**
 * The PostgreSQL v3 wire protocol as pgmux needs it: framing, the few messages the proxy reads,
 * and writers for the messages it originates. No session logic lives here.
 *
 * <p>Buffer ownership rules (see docs/architecture.md):
 * <ul>
 *   <li>Whoever receives a {@code ByteBuf} owns exactly one reference: it passes it on or releases it.</li>
 *   <li>Forwarded bytes travel as retained slices of the buffer they arrived in; never {@code copy()}
 *       or {@code readBytes(int)} on the forward path.</li>
 *   <li>Readers in this package are static, take no ownership and allocate nothing unless they
 *       return a String.</li>
 * </ul>
 *
 * @see <a href="https://www.postgresql.org/docs/current/protocol-message-formats.html">Message Formats</a>
 */
package io.pgmux.protocol;
