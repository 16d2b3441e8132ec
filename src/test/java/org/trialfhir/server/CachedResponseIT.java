package org.trialfhir.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.zip.GZIPInputStream;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Resource;
import org.hl7.fhir.r4.model.ResearchStudy;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The cached path ({@link CachedResponseInterceptor}) answers what HAPI's own encoding answers: two servers over one
 * store, one with the cache and one without, get the same requests, and their answers must agree byte for byte
 * (server base, search ids and the search's time aside) and header for header, in JSON and XML, pretty and not,
 * gzipped, for every stored resource and for searches with {@code _include} and paging.
 */
class CachedResponseIT {
  /** The headers a client may rely on; Date, X-Request-ID and the like differ between any two responses. */
  private static final List<String> HEADERS = List.of("Content-Type", "Content-Encoding", "ETag", "Last-Modified",
      "Content-Location", "Location", "X-Powered-By");
  private static final List<String> FORMATS = List.of("", "_format=xml", "_pretty=true", "_format=xml&_pretty=true");
  private static final Pattern UUID = Pattern.compile("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");
  /** A search Bundle's meta.lastUpdated (its first lastUpdated): when the search ran. */
  private static final Pattern SEARCH_TIME = Pattern.compile("(\"lastUpdated\": ?\"|<lastUpdated value=\")[^\"]+");

  private static TestServer cached;
  private static TestServer uncached;
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  @BeforeAll
  static void start() {
    cached = TestServer.start();
    uncached = TestServer.serving(new TrialFhirServer(cached.store()), cached.store());
    uncached.servlet().getInterceptorService().unregisterInterceptorsIf(CachedResponseInterceptor.class::isInstance);
    assertTrue(interceptor(uncached).isEmpty());
  }

  @AfterAll
  static void stop() throws Exception {
    cached.close();
    uncached.close();
  }

  @Test
  void everyStoredResourceReadsAsHapiEncodesIt() {
    List<String> differences = new ArrayList<>();
    for (String type : ServedResourcesIT.TYPES) {
      for (Resource resource : cached.store().all(type)) {
        String path = "/" + type + "/" + resource.getIdElement().getIdPart();
        for (String format : FORMATS) {
          compare(path + query(format), false, differences);
        }
        // Again: the first answer filled the cache, this one comes from it.
        compare(path, false, differences);
        compare(path + "/_history/1", false, differences);
      }
    }
    assertEquals(List.of(), differences);
    // Not vacuous: the answers compared came from the cache (4 formats of each resource).
    assertTrue(interceptor(cached).orElseThrow().encodings() >= 4L * cached.store().all("ResearchStudy").size());
  }

  @Test
  void searchesWithIncludesAndPagesAnswerAsHapiEncodesThem() {
    List<String> differences = new ArrayList<>();
    for (String search : List.of(
        "/ResearchStudy?status=active",
        "/ResearchStudy?condition:text=leukemia&_include=ResearchStudy:enrollment",
        "/ResearchStudy?_include=ResearchStudy:protocol&_include:iterate=PlanDefinition:definition&_count=2",
        "/ResearchStudy?_revinclude=ResearchStudy:enrollment&_count=1",
        "/Group?_id=NCT07066982-eligibility&_revinclude=ResearchStudy:enrollment",
        "/ActivityDefinition?status=active",
        "/ActivityDefinition?status=active&_count=7&_sort=-title",
        "/StructureDefinition?_count=3",
        "/ResearchStudy?status=withdrawn")) {
      for (String format : FORMATS) {
        compareAllPages(search + (format.isEmpty() ? "" : "&" + format), differences);
      }
    }
    assertEquals(List.of(), differences);
  }

  @Test
  void postSearchAndContentNegotiationAnswerAsHapiDoes() {
    List<String> differences = new ArrayList<>();
    for (String accept : List.of("application/fhir+xml", "application/xml", "application/json", "application/fhir+json",
        "application/fhir+json; fhirVersion=4.0", "text/html", "*/*")) {
      compare("/ResearchStudy/NCT07066982", false, differences, "Accept", accept);
      compare("/ResearchStudy?status=active", true, differences, "Accept", accept);
    }
    compare("/ResearchStudy/NCT07066982", false, differences, "Accept-Encoding", "gzip");
    compare("/ResearchStudy?status=active&_format=xml", true, differences, "Accept-Encoding", "gzip");
    for (TestServer server : List.of(cached, uncached)) {
      assertEquals("gzip", fetch(server, "/ResearchStudy/NCT07066982", "Accept-Encoding", "gzip").headers()
          .firstValue("Content-Encoding").orElse(""));
    }

    HttpResponse<byte[]> posted = send(HttpRequest.newBuilder(cached.uri("/ResearchStudy/_search"))
        .POST(HttpRequest.BodyPublishers.ofString("status=active&_include=ResearchStudy:enrollment")),
        "Content-Type", "application/x-www-form-urlencoded");
    HttpResponse<byte[]> postedUncached = send(
        HttpRequest.newBuilder(uncached.uri("/ResearchStudy/_search"))
            .POST(HttpRequest.BodyPublishers.ofString("status=active&_include=ResearchStudy:enrollment")),
        "Content-Type", "application/x-www-form-urlencoded");
    difference("POST _search", posted, postedUncached, true).ifPresent(differences::add);
    assertEquals(List.of(), differences);
  }

  @Test
  void ifNoneMatchIs304AndAnotherVersionTheWholeResource() {
    String path = "/ResearchStudy/NCT06690827";
    HttpResponse<byte[]> first = fetch(cached, path);
    HttpResponse<byte[]> second = fetch(cached, path);
    assertEquals(200, second.statusCode());
    assertEquals("W/\"1\"", second.headers().firstValue("ETag").orElseThrow());
    assertEquals(new String(first.body(), StandardCharsets.UTF_8), new String(second.body(), StandardCharsets.UTF_8));

    HttpResponse<byte[]> notModified = fetch(cached, path, "If-None-Match", "W/\"1\"");
    assertEquals(304, notModified.statusCode());
    assertEquals(0, notModified.body().length);

    HttpResponse<byte[]> stale = fetch(cached, path, "If-None-Match", "W/\"0\"");
    assertEquals(200, stale.statusCode());
    assertEquals(new String(first.body(), StandardCharsets.UTF_8), new String(stale.body(), StandardCharsets.UTF_8));
  }

  @Test
  void summaryAndElementsStillShapeCachedResources() {
    // Fill the cache with the whole study first: the subsetted answers must not come from it.
    fetch(cached, "/ResearchStudy/NCT07066982");
    fetch(cached, "/ResearchStudy?_id=NCT07066982");
    List<String> differences = new ArrayList<>();
    for (String query : List.of("_summary=true", "_summary=text", "_summary=data", "_elements=title,status",
        "_elements=title&_format=xml")) {
      compare("/ResearchStudy/NCT07066982?" + query, false, differences);
      compare("/ResearchStudy?_id=NCT07066982&" + query, true, differences);
    }
    compare("/ResearchStudy?status=active&_summary=count", true, differences);
    compare("/ResearchStudy?status=active&_count=0", true, differences);
    assertEquals(List.of(), differences);

    ResearchStudy elements = TestServer.CTX.newJsonParser().parseResource(ResearchStudy.class,
        body(fetch(cached, "/ResearchStudy/NCT07066982?_elements=title")));
    assertTrue(elements.hasTitle());
    assertFalse(elements.hasDescription(), "_elements=title leaves the description out");
    assertFalse(elements.hasText(), "_elements=title leaves the narrative out");
    ResearchStudy data = TestServer.CTX.newJsonParser().parseResource(ResearchStudy.class,
        body(fetch(cached, "/ResearchStudy/NCT07066982?_summary=data")));
    assertTrue(data.hasDescription());
    assertFalse(data.hasText(), "_summary=data leaves the narrative out");
    Bundle count = TestServer.CTX.newJsonParser().parseResource(Bundle.class,
        body(fetch(cached, "/ResearchStudy?status=active&_summary=count")));
    assertEquals(3, count.getTotal());
    assertFalse(count.hasEntry());
  }

  private static Optional<CachedResponseInterceptor> interceptor(TestServer server) {
    return server.servlet().getInterceptorService().getAllRegisteredInterceptors().stream()
        .filter(CachedResponseInterceptor.class::isInstance).map(CachedResponseInterceptor.class::cast).findFirst();
  }

  /** Follows each server's own next links, comparing page by page. */
  private static void compareAllPages(String search, List<String> differences) {
    String left = search;
    String right = search;
    for (int page = 0; left != null && right != null && page < 50; page++) {
      HttpResponse<byte[]> a = fetch(cached, left);
      HttpResponse<byte[]> b = fetch(uncached, right);
      Optional<String> difference = difference(left, a, b, true);
      if (difference.isPresent()) {
        differences.add(difference.get());
        return;
      }
      left = next(a);
      right = next(b);
    }
    if ((left == null) != (right == null)) {
      differences.add(search + ": one server has a next page, the other none");
    }
  }

  private static String next(HttpResponse<byte[]> response) {
    Bundle bundle = (Bundle) parse(body(response));
    return bundle.getLink("next") == null ? null : bundle.getLink("next").getUrl();
  }

  private static void compare(String path, boolean search, List<String> differences, String... headers) {
    difference(path + (headers.length > 0 ? " " + String.join(": ", headers) : ""), fetch(cached, path, headers),
        fetch(uncached, path, headers), search).ifPresent(differences::add);
  }

  /** What differs between the two answers, server base, search ids and a search's time aside. */
  private static Optional<String> difference(
      String request, HttpResponse<byte[]> fromCache, HttpResponse<byte[]> fromHapi, boolean search) {
    if (fromCache.statusCode() != fromHapi.statusCode()) {
      return Optional.of(request + ": status " + fromCache.statusCode() + " (cached) vs " + fromHapi.statusCode());
    }
    for (String header : HEADERS) {
      String a = normalised(fromCache.headers().firstValue(header).orElse(null), cached);
      String b = normalised(fromHapi.headers().firstValue(header).orElse(null), uncached);
      boolean same = search && header.equals("Last-Modified") ? (a == null) == (b == null) : Objects.equals(a, b);
      if (!same) {
        return Optional.of(request + ": header " + header + " " + a + " (cached) vs " + b);
      }
    }
    String a = normalised(body(fromCache), cached);
    String b = normalised(body(fromHapi), uncached);
    if (search) {
      a = SEARCH_TIME.matcher(a).replaceFirst("$12000-01-01T00:00:00.000+00:00");
      b = SEARCH_TIME.matcher(b).replaceFirst("$12000-01-01T00:00:00.000+00:00");
    }
    if (!a.equals(b)) {
      int at = 0;
      while (at < Math.min(a.length(), b.length()) && a.charAt(at) == b.charAt(at)) {
        at++;
      }
      return Optional.of(request + ": bodies differ at " + at + ": " + excerpt(a, at) + " (cached) vs " + excerpt(b, at));
    }
    boolean resource = fromCache.headers().firstValue("Content-Type").orElse("").startsWith("application/fhir+");
    if (resource && !parse(a).equalsDeep(parse(b))) {
      return Optional.of(request + ": parsed resources differ");
    }
    return Optional.empty();
  }

  private static String excerpt(String text, int at) {
    return "…" + text.substring(Math.max(0, at - 40), Math.min(text.length(), at + 40)) + "…";
  }

  private static String normalised(String text, TestServer server) {
    return text == null ? null : UUID.matcher(text.replace(server.base(), "BASE")).replaceAll("UUID");
  }

  private static Resource parse(String body) {
    IBaseResource parsed = body.stripLeading().startsWith("<")
        ? TestServer.CTX.newXmlParser().parseResource(body)
        : TestServer.CTX.newJsonParser().parseResource(body);
    return (Resource) parsed;
  }

  /** The body as text, gunzipped if it came gzipped. */
  private static String body(HttpResponse<byte[]> response) {
    byte[] bytes = response.body();
    if ("gzip".equals(response.headers().firstValue("Content-Encoding").orElse(""))) {
      try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(bytes))) {
        bytes = in.readAllBytes();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return new String(bytes, StandardCharsets.UTF_8);
  }

  private static String query(String format) {
    return format.isEmpty() ? "" : "?" + format;
  }

  private static HttpResponse<byte[]> fetch(TestServer server, String path, String... headers) {
    return send(HttpRequest.newBuilder(server.uri(path)).GET(), headers);
  }

  private static HttpResponse<byte[]> send(HttpRequest.Builder request, String... headers) {
    for (int i = 0; i + 1 < headers.length; i += 2) {
      request.header(headers[i], headers[i + 1]);
    }
    try {
      return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
