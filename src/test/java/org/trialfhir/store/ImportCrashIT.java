package org.trialfhir.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ca.uhn.fhir.context.FhirContext;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Date;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.hl7.fhir.r4.model.Resource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.trialfhir.mapping.ConceptMaps;
import org.trialfhir.mapping.TrialBundleMapper;
import org.trialfhir.source.TrialReaders;
import org.trialfhir.store.jdbc.JdbcTrialStore;
import org.trialfhir.testing.TrialCopies;

/**
 * Crash safety: the {@code import} command runs as its own process on an H2 data directory and is killed with
 * SIGKILL in the middle of a large import. After a restart every trial it reported as stored is there and whole,
 * every trial in the store is whole (all its resources, each at version 1 with the one time of its transaction),
 * and none is half-written; importing again finishes the rest and leaves the stored ones unchanged.
 */
class ImportCrashIT {
  private static final FhirContext CTX = FhirContext.forR4Cached();
  private static final int TRIALS = 200;
  /** Trials reported stored before the kill: enough to be mid-import, few enough to leave most undone. */
  private static final int KILL_AFTER = 20;
  private static final Pattern STORED = Pattern.compile("^imported (NCT\\d{8}) ");

  @Test
  void killedMidImportLeavesOnlyWholeTrials(@TempDir Path tmp) throws Exception {
    Path records = Files.createDirectories(tmp.resolve("records"));
    List<TrialCopies.Copy> copies = TrialCopies.write(records, TRIALS, 1);
    Path data = tmp.resolve("data");

    Set<String> reported = new HashSet<>();
    Process importer = startImport(data, records);
    try (BufferedReader out = new BufferedReader(
        new InputStreamReader(importer.getInputStream(), StandardCharsets.UTF_8))) {
      String line;
      while (reported.size() < KILL_AFTER && (line = out.readLine()) != null) {
        Matcher m = STORED.matcher(line);
        if (m.find()) {
          reported.add(m.group(1));
        }
      }
      importer.destroyForcibly();
      assertTrue(importer.waitFor(60, TimeUnit.SECONDS), "the killed import did not exit");
    }
    assertEquals(KILL_AFTER, reported.size(), "the import ended before it could be killed");
    assertEquals(137, importer.exitValue(), "killed by SIGKILL");

    Map<String, List<Resource>> expected = expectedBySample();
    try (JdbcTrialStore store = JdbcTrialStore.openH2(data)) {
      int whole = 0;
      for (TrialCopies.Copy copy : copies) {
        if (checkWholeOrAbsent(store, copy, expected.get(copy.sample()))) {
          whole++;
        } else {
          assertTrue(!reported.contains(copy.id()), copy.id() + " was reported stored but is not in the store");
        }
      }
      assertEquals(whole, store.all("ResearchStudy").size());
      assertTrue(whole >= KILL_AFTER && whole < TRIALS, whole + " whole trials: the kill was not mid-import");
    }

    // The restart: importing the same files again stores the rest and leaves the stored trials as they were.
    Process rerun = startImport(data, records);
    String summary = new String(rerun.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(rerun.waitFor(600, TimeUnit.SECONDS), "the second import did not finish");
    assertEquals(0, rerun.exitValue(), summary);
    try (JdbcTrialStore store = JdbcTrialStore.openH2(data)) {
      for (TrialCopies.Copy copy : copies) {
        assertTrue(checkWholeOrAbsent(store, copy, expected.get(copy.sample())), copy.id());
      }
      assertEquals(TRIALS, store.all("ResearchStudy").size());
    }
    for (String id : reported) {
      assertTrue(summary.contains("unchanged " + id + " "), id + " was stored again: " + summary);
    }
  }

  /** {@code import --verbose} in a JVM of its own, on this test's classpath. */
  private static Process startImport(Path data, Path records) throws IOException {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    List<String> command = new ArrayList<>(List.of(java, "-Xmx512m", "-cp", System.getProperty("java.class.path"),
        "org.trialfhir.cli.Main", "import", "--data-dir", data.toString(), "--no-validate", "--threads", "2",
        "--verbose", records.toString()));
    return new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start();
  }

  /**
   * True when every resource of the copy is stored as the conversion makes it, all at version 1 and with one
   * lastUpdated (one transaction), and every party it references is stored; false when none of its own resources
   * is stored. Anything between fails the test: a half-written trial.
   */
  private static boolean checkWholeOrAbsent(JdbcTrialStore store, TrialCopies.Copy copy, List<Resource> sample) {
    List<String> present = new ArrayList<>();
    List<String> absent = new ArrayList<>();
    Set<Date> times = new HashSet<>();
    for (Resource template : sample) {
      String id = template.getIdElement().getIdPart();
      boolean own = id.startsWith(copy.sample());
      String storedId = own ? copy.id() + id.substring(copy.sample().length()) : id;
      Optional<Resource> stored = store.read(template.fhirType(), storedId);
      if (stored.isEmpty()) {
        absent.add(template.fhirType() + "/" + storedId);
        continue;
      }
      present.add(template.fhirType() + "/" + storedId);
      if (own) {
        assertEquals("1", stored.get().getMeta().getVersionId(), storedId);
        times.add(stored.get().getMeta().getLastUpdated());
        assertEquals(canonical(template, copy), canonical(stored.get(), null), storedId + " as converted");
      }
    }
    boolean anyOwn = present.stream().anyMatch(p -> p.contains(copy.id()));
    if (!anyOwn) {
      return false;
    }
    assertTrue(absent.isEmpty(), copy.id() + " is half-written: present " + present + ", missing " + absent);
    assertEquals(1, times.size(), copy.id() + "'s resources were not written in one transaction: " + times);
    return true;
  }

  /** A resource's JSON without its stamps, the copy's id in place of its sample's. */
  private static String canonical(Resource resource, TrialCopies.Copy copy) {
    Resource bare = resource.copy();
    bare.setId(resource.fhirType() + "/" + resource.getIdElement().getIdPart());
    bare.getMeta().setVersionIdElement(null).setLastUpdatedElement(null);
    String json = CTX.newJsonParser().encodeResourceToString(bare);
    if (copy != null) {
      json = json.replace(copy.sample(), copy.id());
    }
    return CTX.newJsonParser().encodeResourceToString(CTX.newJsonParser().parseResource(json));
  }

  /** Each sample's resources as the import converts them. */
  private static Map<String, List<Resource>> expectedBySample() {
    TrialBundleMapper mapper = new TrialBundleMapper(ConceptMaps.load(CTX));
    Map<String, List<Resource>> bySample = new HashMap<>();
    for (String sample : TrialCopies.SAMPLES) {
      bySample.put(sample, mapper.map(TrialReaders.standard().read(TrialCopies.sampleText(sample)).record()).resources());
    }
    return bySample;
  }
}
