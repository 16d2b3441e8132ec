package org.trialfhir.server;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.rest.client.api.IGenericClient;
import ca.uhn.fhir.rest.client.api.ServerValidationModeEnum;
import ca.uhn.fhir.rest.client.interceptor.BearerTokenAuthInterceptor;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.stream.Stream;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Resource;
import org.trialfhir.store.TrialImporter;
import org.trialfhir.store.TrialStore;
import org.trialfhir.store.jdbc.JdbcTrialStore;
import org.trialfhir.validation.ProfileValidator;
import org.trialfhir.validation.ValidationSupportFactory;

/**
 * The real server on a free port with what {@code serve} loads into a new store: our conformance resources and the
 * bundled sample trials, in an H2 store of its own in a temporary directory (deleted on close). Each IT class starts one in {@code @BeforeAll} and closes it in {@code @AfterAll};
 * talk to it through {@link #client()} (HAPI's generic client) or {@link #get}/{@link #send} (raw HTTP, for status
 * codes and headers).
 */
final class TestServer implements AutoCloseable {
  static final FhirContext CTX = FhirContext.forR4Cached();

  private final JettyLauncher jetty;
  private final TrialFhirServer servlet;
  private final TrialStore store;
  /** The store and data directory this server made and must clean up; null when the store is someone else's. */
  private final JdbcTrialStore ownStore;
  private final Path dataDir;
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  private TestServer(JettyLauncher jetty, TrialFhirServer servlet, TrialStore store, JdbcTrialStore ownStore,
      Path dataDir) {
    this.jetty = jetty;
    this.servlet = servlet;
    this.store = store;
    this.ownStore = ownStore;
    this.dataDir = dataDir;
  }

  static TestServer start() {
    return start(WriteAccess.off());
  }

  /**
   * A server that takes writes from requests bearing {@code token}. Writes validate, so the validator is built first:
   * on a loaded machine its first use takes longer than a client waits.
   */
  static TestServer startWritable(String token) {
    ProfileValidator.shared().warmUp();
    return start(WriteAccess.withToken(token));
  }

  private static TestServer start(WriteAccess writeAccess) {
    Path dataDir;
    try {
      dataDir = Files.createTempDirectory("trialfhir-it-");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    JdbcTrialStore store = JdbcTrialStore.openH2(dataDir);
    TrialImporter importer = new TrialImporter(CTX, store);
    importer.conformance();
    importer.samples();
    TrialFhirServer servlet = new TrialFhirServer(store, writeAccess);
    try {
      return new TestServer(JettyLauncher.start(servlet, 0), servlet, store, store, dataDir);
    } catch (Exception e) {
      store.close();
      throw new IllegalStateException("the server did not start", e);
    }
  }

  /** The given server over a store another TestServer owns (a test that configures the servlet itself). */
  static TestServer serving(TrialFhirServer servlet, TrialStore store) {
    try {
      return new TestServer(JettyLauncher.start(servlet, 0), servlet, store, null, null);
    } catch (Exception e) {
      throw new IllegalStateException("the server did not start", e);
    }
  }

  /**
   * {@link #start()}, then builds the shared validation chain that {@code $validate} and the terminology operations
   * answer from, so that the first request does not spend its timeout waiting for it.
   */
  static TestServer startWithChain() {
    TestServer server = start();
    ValidationSupportFactory.chain(CTX);
    return server;
  }

  String base() {
    return jetty.baseUrl();
  }

  TrialStore store() {
    return store;
  }

  TrialFhirServer servlet() {
    return servlet;
  }

  IGenericClient client() {
    CTX.getRestfulClientFactory().setServerValidationMode(ServerValidationModeEnum.NEVER);
    CTX.getRestfulClientFactory().setSocketTimeout(60_000);
    return CTX.newRestfulGenericClient(base());
  }

  /** A client that sends {@code Authorization: Bearer <token>} with every request. */
  IGenericClient client(String bearerToken) {
    IGenericClient client = client();
    client.registerInterceptor(new BearerTokenAuthInterceptor(bearerToken));
    return client;
  }

  /** A copy of the {@code index}th stored resource of a type without its id and meta, ready to POST. */
  <T extends Resource> T sample(Class<T> type, int index) {
    T copy = type.cast(store.all(CTX.getResourceType(type)).get(index).copy());
    copy.setId((String) null);
    copy.setMeta(null);
    return copy;
  }

  /**
   * Raw HTTP: announces a body of {@code length} bytes and sends none, so the answer must come without reading it;
   * returns the whole response as text. {@code headers} are full header lines.
   */
  String announceBody(String method, String path, long length, String... headers) throws IOException {
    URI base = URI.create(base());
    try (Socket socket = new Socket(base.getHost(), base.getPort())) {
      socket.setSoTimeout(10_000);
      StringBuilder request = new StringBuilder(method + " " + base.getPath() + path + " HTTP/1.1\r\n")
          .append("Host: ").append(base.getHost()).append(':').append(base.getPort()).append("\r\n")
          .append("Content-Type: application/fhir+json\r\n")
          .append("Content-Length: ").append(length).append("\r\n");
      for (String header : headers) {
        request.append(header).append("\r\n");
      }
      request.append("Connection: close\r\n\r\n");
      socket.getOutputStream().write(request.toString().getBytes(StandardCharsets.US_ASCII));
      socket.getOutputStream().flush();
      return new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  /** GET {@code base + path} with extra headers given as name, value pairs. */
  HttpResponse<String> get(String path, String... headers) {
    return send(HttpRequest.newBuilder(uri(path)).GET(), headers);
  }

  HttpResponse<String> send(HttpRequest.Builder request, String... headers) {
    for (int i = 0; i + 1 < headers.length; i += 2) {
      request.header(headers[i], headers[i + 1]);
    }
    HttpRequest built = request.timeout(Duration.ofSeconds(60)).build();
    try {
      try {
        return http.send(built, HttpResponse.BodyHandlers.ofString());
      } catch (IOException e) {
        // Jetty closes a connection after answering a request whose body it did not read (a 400 before the body);
        // the JDK client may already have picked that pooled connection for the next request, which then gets no
        // bytes at all. That request never reached the server: send it once more on a fresh connection.
        if (e.getMessage() == null || !e.getMessage().contains("received no bytes")) {
          throw e;
        }
        return http.send(built, HttpResponse.BodyHandlers.ofString());
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  URI uri(String path) {
    return URI.create(encodeQuery(path.startsWith("http") ? path : base() + path));
  }

  /** Percent-encodes the characters test queries hold that a URI may not: spaces and "|". */
  static String encodeQuery(String url) {
    return url.replace(" ", "%20").replace("|", "%7C");
  }

  /** Parses a JSON or XML response body. */
  static <T extends IBaseResource> T parse(Class<T> type, HttpResponse<String> response) {
    String body = response.body();
    return body.stripLeading().startsWith("<")
        ? CTX.newXmlParser().parseResource(type, body)
        : CTX.newJsonParser().parseResource(type, body);
  }

  @Override
  public void close() throws Exception {
    jetty.close();
    if (ownStore == null) {
      return;
    }
    ownStore.close();
    try (Stream<Path> files = Files.walk(dataDir)) {
      for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(file);
      }
    }
  }
}
