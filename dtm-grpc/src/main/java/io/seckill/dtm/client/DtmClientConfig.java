package io.seckill.dtm.client;

import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;

/**
 * Where DTM is and how long to wait for it. Properties {@code dtm.grpc}, {@code dtm.http},
 * {@code dtm.call-timeout-ms}; env {@code SECKILL_DTM_GRPC}, {@code SECKILL_DTM_HTTP},
 * {@code SECKILL_DTM_CALL_TIMEOUT_MS} override them.
 *
 * @param grpcTarget  DTM's gRPC {@code host:port}; also sent to branches as {@code dtm-dtm}
 * @param httpBase    DTM's HTTP base URL, for the query API
 * @param callTimeout deadline of each call to DTM (Submit/Abort with WaitResult include the second phase)
 */
public record DtmClientConfig(String grpcTarget, URI httpBase, Duration callTimeout) {

  /** The local stack's defaults: 127.0.0.1:36790 and http://127.0.0.1:36789, 10 s. */
  public static DtmClientConfig defaults() {
    return new DtmClientConfig("127.0.0.1:36790", URI.create("http://127.0.0.1:36789"), Duration.ofSeconds(10));
  }

  /** Validates; IllegalArgumentException names the bad key. */
  public DtmClientConfig {
    if (grpcTarget == null || !grpcTarget.matches("[A-Za-z0-9.\\-\\[\\]:]+:[0-9]{1,5}")) {
      throw new IllegalArgumentException("dtm.grpc must be host:port, got '" + grpcTarget + "'");
    }
    if (httpBase == null || httpBase.getScheme() == null || !httpBase.getScheme().startsWith("http")
        || httpBase.getHost() == null) {
      throw new IllegalArgumentException("dtm.http must be an http(s) URL, got '" + httpBase + "'");
    }
    if (callTimeout == null || callTimeout.isNegative() || callTimeout.isZero()) {
      throw new IllegalArgumentException("dtm.call-timeout-ms must be positive");
    }
  }

  /** Reads {@code props}, then lets {@code env} override; a malformed value fails naming its key. */
  public static DtmClientConfig load(Properties props, Map<String, String> env) {
    DtmClientConfig d = defaults();
    // The launcher exports only ports (SECKILL_DTM_GRPC_PORT, SECKILL_DTM_HTTP_PORT): a port alone
    // means DTM on this host, so a stack moved to other ports is found without more settings.
    String grpcDefault = port(env, "SECKILL_DTM_GRPC_PORT").map(p -> "127.0.0.1:" + p).orElse(d.grpcTarget());
    String httpDefault = port(env, "SECKILL_DTM_HTTP_PORT").map(p -> "http://127.0.0.1:" + p).orElse(d.httpBase().toString());
    String grpc = pick(props, env, "dtm.grpc", "SECKILL_DTM_GRPC", grpcDefault);
    String http = pick(props, env, "dtm.http", "SECKILL_DTM_HTTP", httpDefault);
    String timeout = pick(props, env, "dtm.call-timeout-ms", "SECKILL_DTM_CALL_TIMEOUT_MS",
        Long.toString(d.callTimeout().toMillis()));
    long ms;
    try {
      ms = Long.parseLong(timeout.trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("dtm.call-timeout-ms must be a number of milliseconds, got '" + timeout + "'");
    }
    URI uri;
    try {
      uri = URI.create(http.trim());
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("dtm.http is not a URL: '" + http + "'");
    }
    return new DtmClientConfig(grpc.trim(), uri, Duration.ofMillis(ms));
  }

  /** {@link #load} from the process environment and no properties. */
  public static DtmClientConfig fromEnv() {
    return load(new Properties(), System.getenv());
  }

  private static Optional<String> port(Map<String, String> env, String key) {
    String v = env.get(key);
    if (v == null || v.isBlank()) {
      return Optional.empty();
    }
    if (!v.trim().matches("[0-9]{1,5}")) {
      throw new IllegalArgumentException(key + " must be a port number, got '" + v + "'");
    }
    return Optional.of(v.trim());
  }

  private static String pick(Properties props, Map<String, String> env, String key, String envKey, String dflt) {
    String v = env.get(envKey);
    if (v != null && !v.isBlank()) {
      return v;
    }
    return props.getProperty(key, dflt);
  }
}
