package org.trialfhir.server;

import jakarta.servlet.DispatcherType;
import java.time.Duration;
import java.util.EnumSet;
import java.util.Set;
import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.handler.CrossOriginHandler;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.trialfhir.store.TrialStore;

/**
 * Runs a {@link TrialFhirServer} on embedded Jetty 12 (ee10) at {@code http://localhost:PORT/fhir}, with CORS for
 * browser clients and each response sent in one write ({@link ResponseBufferingFilter}); HAPI gzips responses itself
 * when the client accepts it. Port 0 picks a free port; {@link #port()} tells which.
 */
public final class JettyLauncher implements AutoCloseable {
  private final Server server;
  private final TrialFhirServer servlet;
  private final int port;

  private JettyLauncher(Server server, TrialFhirServer servlet, int port) {
    this.server = server;
    this.servlet = servlet;
    this.port = port;
  }

  /** Serves the store read-only and returns once the server accepts requests. */
  public static JettyLauncher serve(TrialStore store, int port) throws Exception {
    return serve(store, port, WriteAccess.off());
  }

  /** Serves the store, taking writes as {@code writeAccess} allows, and returns once it accepts requests. */
  public static JettyLauncher serve(TrialStore store, int port, WriteAccess writeAccess) throws Exception {
    return start(new TrialFhirServer(store, writeAccess), port);
  }

  /** Mounts the servlet at {@code /fhir/*} and starts; HAPI initialises it before the first request is accepted. */
  public static JettyLauncher start(TrialFhirServer servlet, int port) throws Exception {
    QueuedThreadPool threads = new QueuedThreadPool(200, 8);
    threads.setName("trialfhir-http");
    Server server = new Server(threads);
    HttpConfiguration http = new HttpConfiguration();
    // Jetty's version in a Server header on every answer: no client needs it, and it tells an attacker what to try.
    http.setSendServerVersion(false);
    ServerConnector connector = new ServerConnector(server, new HttpConnectionFactory(http));
    connector.setPort(port);
    server.addConnector(connector);

    ServletContextHandler context = new ServletContextHandler("/");
    ServletHolder holder = new ServletHolder("fhir", servlet);
    holder.setInitOrder(0);
    context.addServlet(holder, "/fhir/*");
    context.addFilter(new FilterHolder(new ResponseBufferingFilter()), "/fhir/*", EnumSet.of(DispatcherType.REQUEST));
    context.addFilter(new FilterHolder(new UnreadBodyFilter()), "/fhir/*", EnumSet.of(DispatcherType.REQUEST));
    context.addFilter(new FilterHolder(new PlainReadFilter(servlet)), "/fhir/*", EnumSet.of(DispatcherType.REQUEST));

    CrossOriginHandler cors = new CrossOriginHandler();
    cors.setAllowedOriginPatterns(Set.of("*"));
    cors.setAllowedMethods(Set.of("GET", "POST", "PUT", "DELETE", "HEAD", "OPTIONS"));
    cors.setAllowedHeaders(Set.of("*"));
    cors.setExposedHeaders(Set.of("ETag", "Last-Modified", "Location", "Content-Location"));
    cors.setPreflightMaxAge(Duration.ofHours(1));
    cors.setHandler(context);
    server.setHandler(cors);
    server.setStopAtShutdown(true);
    server.start();
    return new JettyLauncher(server, servlet, connector.getLocalPort());
  }

  /** Builds the server's search index now rather than on the first search ({@link TrialFhirServer#buildSearchIndex}). */
  public void buildSearchIndex() {
    servlet.buildSearchIndex();
  }

  /** {@link TrialFhirServer#buildSearchIndex(java.nio.file.Path)}: from a snapshot file when it can be used. */
  public boolean buildSearchIndex(java.nio.file.Path snapshot) {
    return servlet.buildSearchIndex(snapshot);
  }

  /** {@link TrialFhirServer#saveSearchIndex()}. */
  public void saveSearchIndex() {
    servlet.saveSearchIndex();
  }

  public int port() {
    return port;
  }

  /** {@code http://localhost:PORT/fhir}. */
  public String baseUrl() {
    return "http://localhost:" + port + "/fhir";
  }

  /** Blocks until the server stops. */
  public void join() throws InterruptedException {
    server.join();
  }

  @Override
  public void close() {
    try {
      server.stop();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (Exception e) {
      throw new IllegalStateException("Jetty did not stop cleanly", e);
    }
  }
}
