package io.seckill.api;

import io.undertow.server.HttpServerExchange;
import io.undertow.util.Headers;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;

/**
 * The dashboard page and what it loads, read from the classpath once at start-up: the project's own
 * page, script and style, and uPlot (a small charting library, from its WebJar) so nothing is fetched
 * from outside the machine. A missing file stops start-up naming the file.
 */
final class DashboardAssets {
  private static final String UPLOT_POM = "META-INF/maven/org.webjars.npm/uplot/pom.properties";
  /** Allows only this origin's own scripts, styles and data calls: no inline script, no CDN. */
  static final String CSP = "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; "
      + "img-src 'self' data:; base-uri 'none'; frame-ancestors 'none'; form-action 'self'";

  private record Asset(String contentType, byte[] bytes) {}

  private final Map<String, Asset> assets = new LinkedHashMap<>();

  DashboardAssets() {
    add("index.html", "text/html; charset=utf-8", "dashboard/index.html");
    add("dashboard.js", "text/javascript; charset=utf-8", "dashboard/dashboard.js");
    add("dashboard.css", "text/css; charset=utf-8", "dashboard/dashboard.css");
    String uplot = "META-INF/resources/webjars/uplot/" + uplotVersion() + "/dist/";
    add("uPlot.iife.min.js", "text/javascript; charset=utf-8", uplot + "uPlot.iife.min.js");
    add("uPlot.min.css", "text/css; charset=utf-8", uplot + "uPlot.min.css");
  }

  /** The files served, by name under {@code /dashboard/}. */
  java.util.Set<String> names() {
    return assets.keySet();
  }

  /** Sends {@code name}, or 404 when it is not one of the files. */
  void send(HttpServerExchange ex, String name) {
    Asset a = assets.get(name.isEmpty() ? "index.html" : name);
    if (a == null) {
      Answers.error(ex, 404, "NOT_FOUND", "no such dashboard file: " + name);
      return;
    }
    ex.getResponseHeaders().put(Headers.CONTENT_TYPE, a.contentType());
    ex.getResponseHeaders().put(Headers.CACHE_CONTROL, "no-cache");
    ex.getResponseHeaders().put(Headers.CONTENT_SECURITY_POLICY, CSP);
    ex.getResponseHeaders().put(Headers.X_CONTENT_TYPE_OPTIONS, "nosniff");
    ex.getResponseHeaders().put(Headers.X_FRAME_OPTIONS, "DENY");
    ex.getResponseHeaders().put(Headers.REFERRER_POLICY, "no-referrer");
    ex.getResponseSender().send(ByteBuffer.wrap(a.bytes()));
  }

  private void add(String name, String contentType, String resource) {
    assets.put(name, new Asset(contentType, read(resource)));
  }

  private static String uplotVersion() {
    Properties p = new Properties();
    try (InputStream in = stream(UPLOT_POM)) {
      p.load(in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    String v = p.getProperty("version");
    if (v == null || v.isBlank()) {
      throw new IllegalStateException(UPLOT_POM + " names no version");
    }
    return v.strip();
  }

  private static byte[] read(String resource) {
    try (InputStream in = stream(resource)) {
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + resource, e);
    }
  }

  private static InputStream stream(String resource) {
    InputStream in = DashboardAssets.class.getClassLoader().getResourceAsStream(resource);
    if (in == null) {
      throw new IllegalStateException("the dashboard needs " + resource + " on the classpath and it is missing");
    }
    return in;
  }
}
