package org.trialfhir.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.hl7.fhir.r4.model.Location;
import org.hl7.fhir.r4.model.ResearchStudy;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.trialfhir.store.TrialImporter;
import org.trialfhir.store.TrialStore;
import org.trialfhir.store.jdbc.JdbcTrialStore;

/**
 * A server restarted on its store loads the search index from the snapshot the last one saved and answers every
 * search byte for byte as a server that built its index from the store does, writes made while it was stopped (by
 * another process, such as {@code import}) included; a snapshot that does not fit the store is not used.
 */
class IndexSnapshotIT {
  private static final Pattern UUID = Pattern.compile("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");
  /** A search Bundle's meta.lastUpdated (its first lastUpdated): when the search ran. */
  private static final Pattern SEARCH_TIME = Pattern.compile("(\"lastUpdated\": ?\"|<lastUpdated value=\")[^\"]+");
  /** Searches beyond {@link SearchCases}: sorting, paging, includes, full text, XML. */
  private static final List<String> MORE = List.of(
      "ResearchStudy?_sort=-date,title",
      "ResearchStudy?_count=2&_offset=2&_sort=title",
      "ResearchStudy?_include=ResearchStudy:enrollment&_include=ResearchStudy:site&status=active",
      "Location?_revinclude=ResearchStudy:site&_count=5",
      "ResearchStudy?_content=cell&_format=xml",
      "ResearchStudy?site.address-country=China&_summary=count",
      "Group?_count=3",
      "ActivityDefinition?_sort=url&_count=7",
      "PlanDefinition?definition:missing=false&_count=4");

  private Path dataDir;
  private Path snapshot;

  @BeforeEach
  void newStore() throws IOException {
    dataDir = Files.createTempDirectory("trialfhir-snapshot-it-");
    snapshot = dataDir.resolve("search-index.snapshot");
    try (JdbcTrialStore store = JdbcTrialStore.openH2(dataDir)) {
      TrialImporter importer = new TrialImporter(TestServer.CTX, store);
      importer.conformance();
      importer.samples();
    }
  }

  @AfterEach
  void deleteStore() throws IOException {
    try (Stream<Path> files = Files.walk(dataDir)) {
      for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(file);
      }
    }
  }

  @Test
  void aRestartAnswersFromTheSnapshotAsABuildDoesWritesMadeMeanwhileIncluded() throws Exception {
    Map<String, String> built = answers(false);
    assertTrue(Files.isRegularFile(snapshot), "the built index is saved");
    assertEquals(built, answers(true), "loaded from the snapshot, same answers");

    // Another process writes while no server runs: an updated study, a new one, a deleted Location.
    String newId;
    try (JdbcTrialStore store = JdbcTrialStore.openH2(dataDir)) {
      ResearchStudy study = (ResearchStudy) store.all("ResearchStudy").get(0).copy();
      ResearchStudy changed = study.copy();
      changed.setMeta(null);
      changed.setTitle("Snapshot zebra title");
      changed.setStatus(ResearchStudy.ResearchStudyStatus.WITHDRAWN);
      ResearchStudy added = study.copy();
      newId = study.getIdElement().getIdPart() + "-copy";
      added.setId(newId);
      added.setMeta(null);
      added.setTitle("Snapshot yak title");
      Location gone = (Location) store.all("Location").get(0);
      store.put(List.of(changed, added));
      store.apply(List.of(new TrialStore.Delete("Location", gone.getIdElement().getIdPart(), null)));
    }
    Map<String, String> caughtUp = answers(true);
    assertTrue(caughtUp.get("ResearchStudy?title=snapshot zebra").contains("\"total\": 1")
        || caughtUp.get("ResearchStudy?title=snapshot zebra").contains("\"total\":1"), "the update is found");
    assertTrue(caughtUp.get("ResearchStudy?_id=" + newId).contains(newId), "the new study is found");

    Files.delete(snapshot);
    Map<String, String> rebuilt = answers(false);
    assertEquals(rebuilt, caughtUp, "a snapshot caught up with the feed answers as an index built from the store");
  }

  @Test
  void aSnapshotCutShortOrOfAnotherStoreIsNotUsed() throws Exception {
    Map<String, String> built = answers(false);
    byte[] whole = Files.readAllBytes(snapshot);
    Files.write(snapshot, java.util.Arrays.copyOf(whole, whole.length - 5));
    assertEquals(built, answers(false), "a cut snapshot is ignored and the index built");

    // A snapshot of another store with as many writes: the write at its position is not this store's.
    Path other = Files.createTempDirectory("trialfhir-snapshot-other-");
    try (JdbcTrialStore store = JdbcTrialStore.openH2(other)) {
      TrialImporter importer = new TrialImporter(TestServer.CTX, store);
      importer.conformance();
      ResearchStudy lone = new ResearchStudy();
      lone.setId("NCT00000001");
      lone.setStatus(ResearchStudy.ResearchStudyStatus.ACTIVE);
      while (store.position() < positionOf(dataDir)) {
        lone.setTitle("write " + store.position());
        store.put(List.of(lone));
      }
      TrialFhirServer servlet = new TrialFhirServer(store);
      try (TestServer server = TestServer.serving(servlet, store)) {
        servlet.buildSearchIndex(snapshot);
        servlet.saveSearchIndex();
      }
    } finally {
      try (Stream<Path> files = Files.walk(other)) {
        for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
          Files.deleteIfExists(file);
        }
      }
    }
    assertEquals(built, answers(false), "another store's snapshot is ignored and the index built");
  }

  private static long positionOf(Path dir) {
    try (JdbcTrialStore store = JdbcTrialStore.openH2(dir)) {
      return store.position();
    }
  }

  /**
   * Starts a server on the store with the snapshot file, checks whether it loaded its index from it, answers every
   * search case and the extra ones (server base, Bundle ids and search times made neutral), saves the index and
   * stops.
   */
  private Map<String, String> answers(boolean fromSnapshot) throws Exception {
    Map<String, String> answers = new LinkedHashMap<>();
    try (JdbcTrialStore store = JdbcTrialStore.openH2(dataDir)) {
      TrialFhirServer servlet = new TrialFhirServer(store);
      try (TestServer server = TestServer.serving(servlet, store)) {
        assertEquals(fromSnapshot, servlet.buildSearchIndex(snapshot), "index loaded from the snapshot");
        List<String> queries = new ArrayList<>();
        SearchCases.CASES.forEach(c -> queries.add(c.query()));
        queries.addAll(MORE);
        queries.add("ResearchStudy?title=snapshot zebra");
        queries.add("ResearchStudy?_id=" + store.all("ResearchStudy").get(0).getIdElement().getIdPart() + "-copy");
        for (String query : queries) {
          HttpResponse<String> response = server.get("/" + query + (query.contains("_format") ? "" : "&_pretty=true"));
          String body = UUID.matcher(response.body().replace(server.base(), "BASE")).replaceAll("UUID");
          answers.put(query, response.statusCode() + " " + SEARCH_TIME.matcher(body).replaceFirst("$1TIME"));
        }
        // As a clean stop does; it also waits for the save that follows a build.
        servlet.saveSearchIndex();
      }
    }
    assertFalse(answers.isEmpty());
    return answers;
  }
}
