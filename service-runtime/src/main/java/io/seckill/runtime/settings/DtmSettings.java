package io.seckill.runtime.settings;

import io.seckill.dtm.client.DtmClientConfig;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Where DTM is and how long to wait for it, as every part that talks to DTM reads it: keys
 * {@code dtm.grpc}, {@code dtm.http}, {@code dtm.call-timeout-ms} (env {@code SECKILL_DTM_GRPC},
 * {@code SECKILL_DTM_HTTP}, {@code SECKILL_DTM_CALL_TIMEOUT_MS}, under the part's own prefix first). The
 * launcher's {@code SECKILL_DTM_GRPC_PORT} and {@code SECKILL_DTM_HTTP_PORT} alone mean DTM on this host.
 */
public final class DtmSettings {
  /** DTM's gRPC {@code host:port}. */
  public static final Setting<String> GRPC = Setting.target("dtm.grpc").portAlone("SECKILL_DTM_GRPC_PORT")
      .withDefault(Settings.LOCAL_HOST + ":36790");
  /** DTM's HTTP base URL (the query API). */
  public static final Setting<URI> HTTP = Setting.httpUrl("dtm.http").portAlone("SECKILL_DTM_HTTP_PORT")
      .withDefault("http://" + Settings.LOCAL_HOST + ":36789");
  /** Deadline of each call to DTM itself. */
  public static final Setting<Duration> CALL_TIMEOUT = Setting.millis("dtm.call-timeout-ms", 1, Long.MAX_VALUE)
      .withDefault("10000");
  /** The three keys, for a caller's validate(). */
  public static final List<Setting<?>> ALL = List.of(GRPC, HTTP, CALL_TIMEOUT);

  private DtmSettings() {
  }

  /** DTM's client config as {@code settings} say; a missing or bad key throws ConfigException naming it. */
  public static DtmClientConfig read(Settings settings) {
    return new DtmClientConfig(settings.get(GRPC), settings.get(HTTP), settings.get(CALL_TIMEOUT));
  }

  /** DTM's client config from {@code env} alone (tests and tools next to the stack): the defaults unless moved. */
  public static DtmClientConfig fromEnv(Map<String, String> env) {
    return read(Settings.fromEnv(Settings.SHARED_PREFIX, env));
  }

  /** {@link #fromEnv(Map)} over the process environment. */
  public static DtmClientConfig fromEnv() {
    return fromEnv(System.getenv());
  }
}
