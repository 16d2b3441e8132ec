package org.trialfhir.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ca.uhn.fhir.rest.server.interceptor.ResponseHighlighterInterceptor;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;
import org.hl7.fhir.r4.model.Resource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.trialfhir.corpus.CorpusFormat;
import org.trialfhir.corpus.CorpusGenerator;
import org.trialfhir.mapping.ConceptMaps;
import org.trialfhir.mapping.TrialBundleMapper;
import org.trialfhir.source.TrialReaders;
import org.trialfhir.store.TrialStore;

/**
 * Plain reads answered before HAPI ({@link PlainReads}) over real HTTP: for every stored resource of the sample and of
 * synthetic trials in every source format, and every way a client may ask for compact JSON, the answer is byte for
 * byte the one HAPI gives with the fast path switched off on the same server: status line, every header in order
 * (the {@code Date} aside, and a generated {@code X-Request-ID} compared by form) and body. Requests the fast path must
 * leave to HAPI are checked to reach it.
 */
class PlainReadIT {
  /** Synthetic trials added to the samples, so every source format's mapping is read. */
  private static final int SYNTHETIC_TRIALS = 12;
  private static final Pattern GENERATED_REQUEST_ID = Pattern.compile("X-Request-ID: [A-Za-z0-9]{16}");

  /** Requests for compact JSON, as headers (name, value, ...) and a query, that the fast path answers. */
  private static final List<Variant> ANSWERED = List.of(
      new Variant(""),
      new Variant("", "Accept", "application/fhir+json"),
      new Variant("", "Accept", "application/json"),
      new Variant("", "Accept", "application/json+fhir"),
      new Variant("", "Accept", "*/*"),
      new Variant("", "Accept", "application/fhir+json;q=0.9, application/fhir+xml;q=0.8"),
      new Variant("", "Accept", "text/html,application/xhtml+xml,*/*;q=0.8"),
      new Variant("", "Accept-Encoding", "gzip"),
      new Variant("", "Accept-Encoding", "gzip, deflate, br", "Accept", "application/fhir+json"),
      new Variant("", "X-Request-ID", "client-chosen.id_1"),
      new Variant("", "x-request-id", "lower-case-name"),
      new Variant("", "X-Request-ID", "not/usable"),
      new Variant("", "Origin", "https://app.example.org"),
      new Variant("?_format=json"),
      new Variant("?_format=application/json"),
      new Variant("?_format=application%2Ffhir%2Bjson"),
      new Variant("?_format=json", "Accept", "application/fhir+xml"));

  /** Requests the fast path must leave to HAPI: other formats, other parameters, conditions, bodies. */
  private static final List<Variant> LEFT_TO_HAPI = List.of(
      new Variant("?_format=xml"),
      new Variant("", "Accept", "application/fhir+xml"),
      new Variant("", "Accept", "application/xml"),
      // A browser's: HAPI takes application/xml for FHIR XML.
      new Variant("", "Accept", "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"),
      new Variant("?_pretty=true"),
      new Variant("", "Accept", "application/fhir+json; pretty=true"),
      new Variant("?_summary=true"),
      new Variant("?_elements=id,status"),
      new Variant("?_format=json&_pretty=false"),
      new Variant("?unknown=1"),
      new Variant("", "Content-Type", "application/fhir+xml"),
      new Variant("", "If-Modified-Since", "Mon, 01 Jan 2001 00:00:00 GMT"),
      new Variant("", "If-None-Match", "W/\"1\""));

  private static TestServer server;
  private static PlainReads reads;

  @BeforeAll
  static void start() {
    server = TestServer.start();
    CorpusGenerator generator = new CorpusGenerator(7, EnumSet.allOf(CorpusFormat.class));
    TrialBundleMapper mapper = new TrialBundleMapper(ConceptMaps.load(TestServer.CTX));
    for (long index = 0; index < SYNTHETIC_TRIALS; index++) {
      // One write a trial: trials share organisations.
      List<TrialStore.Change> upserts = new ArrayList<>();
      for (Resource resource : mapper.map(TrialReaders.standard().read(generator.render(generator.trial(index)))
          .record()).resources()) {
        upserts.add(new TrialStore.Upsert(resource, null, false));
      }
      server.store().apply(upserts);
    }
    reads = server.servlet().plainReads();
  }

  @AfterAll
  static void stop() throws Exception {
    reads.enable(true);
    server.close();
  }

  @Test
  void everyStoredResourceIsAnsweredAsHapiAnswersIt() {
    List<String> differences = new ArrayList<>();
    int resources = 0;
    for (String type : ServedResourcesIT.TYPES) {
      for (Resource resource : server.store().all(type)) {
        String path = "/fhir/" + type + "/" + resource.getIdElement().getIdPart();
        // Every resource the plain way; the other variants on one resource in five, to keep the test short.
        List<Variant> variants = resources % 5 == 0 ? ANSWERED : ANSWERED.subList(0, 1);
        for (Variant variant : variants) {
          compare(path, variant, true, differences);
        }
        resources++;
      }
    }
    assertEquals(List.of(), differences);
    assertTrue(resources > 250, "resources read: " + resources);
  }

  @Test
  void whatTheFastPathIsNotSureAboutGoesToHapi() {
    List<String> differences = new ArrayList<>();
    for (String path : List.of("/fhir/ResearchStudy/NCT06690827", "/fhir/Organization/org-example")) {
      for (Variant variant : LEFT_TO_HAPI) {
        compare(path, variant, false, differences);
      }
    }
    for (String path : List.of("/fhir/ResearchStudy/NCT00000000", "/fhir/ResearchStudy/NCT06690827/_history/1",
        "/fhir/ResearchStudy/NCT06690827/", "/fhir/ResearchStudy/NCT%30690827", "/fhir/Patient/x",
        "/fhir/metadata")) {
      compare(path, new Variant(""), false, differences);
    }
    assertEquals(List.of(), differences);
    assertEquals(404, statusOf(get("/fhir/ResearchStudy/NCT00000000", new Variant(""))));
  }

  @Test
  void aDeletedResourceIsHapis410() {
    String id = server.store().all("Practitioner").get(0).getIdElement().getIdPart();
    server.store().apply(List.of(new TrialStore.Delete("Practitioner", id, null)));
    List<String> differences = new ArrayList<>();
    compare("/fhir/Practitioner/" + id, new Variant(""), false, differences);
    assertEquals(List.of(), differences);
    assertEquals(410, statusOf(get("/fhir/Practitioner/" + id, new Variant(""))));
  }

  @Test
  void anInterceptorItDoesNotKnowSwitchesItOff() {
    TrialFhirServer servlet = server.servlet();
    ResponseHighlighterInterceptor highlighter = new ResponseHighlighterInterceptor();
    servlet.registerInterceptor(highlighter);
    try {
      assertTrue(PlainReads.of(servlet, server.store(), null, Set.of("ResearchStudy")).isEmpty());
    } finally {
      servlet.unregisterInterceptor(highlighter);
    }
    assertFalse(PlainReads.of(servlet, server.store(), null, Set.of("ResearchStudy")).isEmpty());
  }

  /** One request with the fast path on and off; whether the fast path answered it is checked against expected. */
  private static void compare(String path, Variant variant, boolean answered, List<String> differences) {
    String what = path + variant;
    long before = reads.answered();
    byte[] fast = get(path, variant);
    long answeredNow = reads.answered() - before;
    reads.enable(false);
    byte[] hapi;
    try {
      hapi = get(path, variant);
    } finally {
      reads.enable(true);
    }
    if (answeredNow != (answered ? 1 : 0)) {
      differences.add(what + ": answered by the fast path " + answeredNow + " times, expected " + answered);
    }
    List<String> fastHead = head(fast, variant);
    List<String> hapiHead = head(hapi, variant);
    if (!fastHead.equals(hapiHead)) {
      differences.add(what + ": headers\n  " + fastHead + "\nvs\n  " + hapiHead);
    }
    if (!Arrays.equals(body(fast), body(hapi))) {
      differences.add(what + ": the bodies differ");
    }
    if (answered) {
      String headers = String.join("\n", fastHead).toLowerCase(Locale.ROOT);
      for (String header : List.of("content-type: application/", "etag: w/\"",
          "last-modified: ", "content-location: " + server.base().toLowerCase(Locale.ROOT) + "/", "x-powered-by: ",
          "x-request-id: ", "content-length: ")) {
        if (!headers.contains(header)) {
          differences.add(what + ": no " + header + " in " + fastHead);
        }
      }
    }
  }

  /** The status line and header lines, without Date, and a generated request id by its form only. */
  private static List<String> head(byte[] response, Variant variant) {
    String head = new String(response, 0, headEnd(response), StandardCharsets.ISO_8859_1);
    List<String> lines = new ArrayList<>();
    for (String line : head.split("\r\n")) {
      if (line.regionMatches(true, 0, "Date:", 0, 5)) {
        continue;
      }
      lines.add(!variant.sendsUsableRequestId() && GENERATED_REQUEST_ID.matcher(line).matches()
          ? "X-Request-ID: (generated)" : line);
    }
    return lines;
  }

  private static byte[] body(byte[] response) {
    return Arrays.copyOfRange(response, headEnd(response) + 4, response.length);
  }

  private static int headEnd(byte[] response) {
    for (int i = 0; i + 3 < response.length; i++) {
      if (response[i] == '\r' && response[i + 1] == '\n' && response[i + 2] == '\r' && response[i + 3] == '\n') {
        return i;
      }
    }
    throw new IllegalStateException("no end of headers in " + new String(response, StandardCharsets.ISO_8859_1));
  }

  private static int statusOf(byte[] response) {
    return Integer.parseInt(new String(response, 9, 3, StandardCharsets.US_ASCII));
  }

  /** The raw response to a GET on a fresh connection: status line, headers in the order sent, and body bytes. */
  private static byte[] get(String path, Variant variant) {
    URI base = URI.create(server.base());
    try (Socket socket = new Socket(base.getHost(), base.getPort())) {
      socket.setSoTimeout(60_000);
      StringBuilder request = new StringBuilder("GET ").append(path).append(variant.query()).append(" HTTP/1.1\r\n")
          .append("Host: ").append(base.getHost()).append(':').append(base.getPort()).append("\r\n");
      for (int i = 0; i + 1 < variant.headers().size(); i += 2) {
        request.append(variant.headers().get(i)).append(": ").append(variant.headers().get(i + 1)).append("\r\n");
      }
      request.append("Connection: close\r\n\r\n");
      socket.getOutputStream().write(request.toString().getBytes(StandardCharsets.US_ASCII));
      socket.getOutputStream().flush();
      return socket.getInputStream().readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A query (empty or starting with "?") and request headers as name, value pairs. */
  private record Variant(String query, List<String> headers) {
    Variant(String query, String... headers) {
      this(query, List.of(headers));
    }

    /** Whether the request carries an X-Request-ID HAPI echoes, rather than one it replaces. */
    boolean sendsUsableRequestId() {
      for (int i = 0; i + 1 < headers.size(); i += 2) {
        if (headers.get(i).equalsIgnoreCase("X-Request-ID") && !headers.get(i + 1).contains("/")) {
          return true;
        }
      }
      return false;
    }

    @Override
    public String toString() {
      return query + (headers.isEmpty() ? "" : " " + headers);
    }
  }
}
