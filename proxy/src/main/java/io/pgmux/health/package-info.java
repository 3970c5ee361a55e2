/**
 * Whether backends answer and whether pgmux should get traffic: cached probes of every configured
 * backend ({@link io.pgmux.health.BackendHealth}) and the readiness verdict built on them
 * ({@link io.pgmux.health.Readiness}).
 */
package io.pgmux.health;
