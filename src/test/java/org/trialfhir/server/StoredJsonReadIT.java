package org.trialfhir.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.hl7.fhir.r4.model.Extension;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.ResearchStudy;
import org.hl7.fhir.r4.model.Resource;
import org.hl7.fhir.r4.model.StringType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.trialfhir.store.StoredJson;
import org.trialfhir.store.TrialStore;

/**
 * Reads answered from the store's JSON ({@link ReadStandIns}) over real HTTP: the answer to a read is, header for
 * header and byte for byte, the answer to the vread of the same version on another server over the store (which
 * parses the stored version and has HAPI's parser encode it), and it came from the stored JSON, without a parse, for
 * the resources HAPI's encoding would not change. {@link CachedResponseIT} compares the same reads with a server that
 * lets HAPI answer everything.
 */
class StoredJsonReadIT {
  private static final List<String> HEADERS =
      List.of("Content-Type", "Content-Length", "ETag", "Last-Modified", "Content-Location");

  private static TestServer owner;
  private static TestServer server;
  /** Versions the store answered as JSON, through the server's store. */
  private static final AtomicInteger FROM_JSON = new AtomicInteger();

  @BeforeAll
  static void start() {
    owner = TestServer.start();
    TrialStore counting = counting(owner.store());
    server = TestServer.serving(new TrialFhirServer(counting), counting);
  }

  @AfterAll
  static void stop() throws Exception {
    server.close();
    owner.close();
  }

  @Test
  void everyStoredResourceIsSentFromItsJsonAsItsVreadIs() {
    List<String> differences = new ArrayList<>();
    int resources = 0;
    int before = FROM_JSON.get();
    for (String type : ServedResourcesIT.TYPES) {
      for (Resource resource : server.store().all(type)) {
        String path = "/" + type + "/" + resource.getIdElement().getIdPart();
        compare(path, path + "/_history/" + resource.getMeta().getVersionId(), differences);
        resources++;
      }
    }
    assertEquals(List.of(), differences);
    assertTrue(resources > 20, "resources read: " + resources);
    // Every seed resource is stored in the form HAPI sends: none was parsed to be read.
    assertEquals(resources, FROM_JSON.get() - before);
  }

  @Test
  void whatHapisEncodingWouldChangeIsParsedAndEncodedByHapi() {
    ResearchStudy study = (ResearchStudy) server.store().read("ResearchStudy", "NCT07066982").orElseThrow().copy();
    // HAPI strips the version from a reference, and makes a reference under the server's base relative.
    study.setEnrollment(List.of(new Reference("Group/NCT07066982-eligibility/_history/1")));
    study.setSponsor(new Reference(server.base() + "/Organization/org-example"));
    ResearchStudy metaExtension = (ResearchStudy) study.copy();
    metaExtension.setEnrollment(List.of(new Reference("Group/NCT07066982-eligibility")));
    metaExtension.setSponsor(null);
    metaExtension.getMeta().addExtension(new Extension("http://example.org/note", new StringType("x")));
    server.store().apply(List.of(
        new TrialStore.Upsert(withId(study, "rewritten-references"), null, false),
        new TrialStore.Upsert(withId(metaExtension, "meta-extension"), null, false)));

    int before = FROM_JSON.get();
    List<String> differences = new ArrayList<>();
    compare("/ResearchStudy/meta-extension", "/ResearchStudy/meta-extension/_history/1", differences);
    assertEquals(List.of(), differences);
    assertEquals(before, FROM_JSON.get(), "the store does not vouch for JSON whose meta has extensions");
    for (String id : List.of("rewritten-references", "meta-extension")) {
      // The store answers JSON for the first; the server sees what HAPI would rewrite in it, and has HAPI encode it.
      // Compared with HAPI's encoding, not the other server's: that one's base is another.
      String hapi = TestServer.CTX.newJsonParser().setServerBaseUrl(server.base())
          .encodeResourceToString(server.store().read("ResearchStudy", id).orElseThrow());
      assertEquals(hapi, server.get("/ResearchStudy/" + id).body(), id);
    }

    String body = server.get("/ResearchStudy/rewritten-references").body();
    assertTrue(body.contains("\"reference\":\"Group/NCT07066982-eligibility\""), body);
    assertTrue(body.contains("\"reference\":\"Organization/org-example\""), body);
    assertFalse(body.contains("_history"), body);
  }

  @Test
  void conditionalReadsAreAnsweredFromTheStandInsStamps() {
    String path = "/ResearchStudy/NCT06690827";
    HttpResponse<String> read = server.get(path);
    assertTrue(read.headers().firstValue("Last-Modified").isPresent());
    assertEquals(304, server.get(path, "If-Modified-Since", "Fri, 01 Jan 2100 00:00:00 GMT").statusCode());
    assertEquals(304, server.get(path, "If-None-Match", read.headers().firstValue("ETag").orElseThrow()).statusCode());
    assertEquals(200, server.get(path, "If-Modified-Since", "Mon, 01 Jan 2001 00:00:00 GMT").statusCode());
    assertEquals(404, server.get("/ResearchStudy/NCT00000000").statusCode());
  }

  private static Resource withId(Resource resource, String id) {
    resource.setId(id);
    return resource;
  }

  /**
   * The read's answer against the vread's, for each format a client may ask for. The vread goes to the other server
   * over the same store, whose cache of encodings is its own: this server's would answer it with the read's bytes.
   */
  private static void compare(String read, String vread, List<String> differences) {
    for (String query : List.of("", "?_format=json", "?_pretty=true", "?_format=xml", "?_summary=data")) {
      HttpResponse<String> a = server.get(read + query);
      HttpResponse<String> b = owner.get(vread + query);
      if (a.statusCode() != 200 || b.statusCode() != 200) {
        differences.add(read + query + ": status " + a.statusCode() + " vs " + b.statusCode());
        continue;
      }
      for (String header : HEADERS) {
        Optional<String> left = a.headers().firstValue(header).map(v -> v.replace(server.base(), "BASE"));
        Optional<String> right = b.headers().firstValue(header).map(v -> v.replace(owner.base(), "BASE"));
        if (!left.equals(right)) {
          differences.add(read + query + ": " + header + " " + left + " vs " + right);
        }
      }
      if (!a.body().replace(server.base(), "BASE").equals(b.body().replace(owner.base(), "BASE"))) {
        differences.add(read + query + ": the bodies differ");
      }
    }
  }

  /** The store, counting the versions it answers as JSON. */
  private static TrialStore counting(TrialStore store) {
    return (TrialStore) Proxy.newProxyInstance(StoredJsonReadIT.class.getClassLoader(),
        new Class<?>[] {TrialStore.class, StoredJson.class}, (proxy, method, args) -> {
          Object result;
          try {
            result = method.invoke(store, args);
          } catch (InvocationTargetException e) {
            throw e.getCause();
          }
          if (method.getName().equals("compactJson") && result instanceof Optional<?> json && json.isPresent()) {
            FROM_JSON.incrementAndGet();
          }
          return result;
        });
  }
}
