package org.trialfhir.corpus;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.trialfhir.source.ConditionSplitter;
import org.trialfhir.source.Diagnostic;
import org.trialfhir.source.SourceLine;
import org.trialfhir.source.TrialRecord;

/** Determinism, unique registry ids, file layout, and the spread of what the corpus varies. */
class CorpusGeneratorTest {
  private static final EnumSet<CorpusFormat> ALL = EnumSet.allOf(CorpusFormat.class);

  @Test
  void sameSeedGivesTheSameBytesWhateverTheOrder() {
    CorpusGenerator first = new CorpusGenerator(42, ALL);
    CorpusGenerator second = new CorpusGenerator(42, List.of(CorpusFormat.CTGOV_JSON, CorpusFormat.MEDPATH_PAGE,
        CorpusFormat.CTGOV_PAGE));
    for (long i = 59; i >= 0; i--) {
      second.bytes(i); // made backwards here, forwards below: no record depends on another
    }
    for (long i = 0; i < 60; i++) {
      assertArrayEquals(first.bytes(i), second.bytes(i), "record " + i);
    }
  }

  @Test
  void anotherSeedGivesOtherRecords() {
    CorpusGenerator one = new CorpusGenerator(1, ALL);
    CorpusGenerator two = new CorpusGenerator(2, ALL);
    for (long i = 0; i < 30; i++) {
      assertFalse(new String(one.bytes(i)).equals(new String(two.bytes(i))), "record " + i);
      assertFalse(one.registryId(i).equals(two.registryId(i)), "registry id of record " + i);
    }
  }

  @Test
  void registryIdsAreUniqueSyntheticNctIds() {
    CorpusGenerator generator = new CorpusGenerator(3, ALL);
    Set<String> ids = new HashSet<>();
    for (long i = 0; i < 200_000; i++) {
      String id = generator.registryId(i);
      assertTrue(id.matches("NCT9\\d{7}"), id);
      assertTrue(ids.add(id), "repeated id " + id + " at record " + i);
    }
    assertThrows(IllegalArgumentException.class, () -> generator.registryId(CorpusGenerator.MAX_COUNT));
  }

  @Test
  void formatsTakeTurnsAndShardsHoldTenThousand() {
    CorpusGenerator generator = new CorpusGenerator(3, ALL);
    assertEquals(List.of(CorpusFormat.CTGOV_PAGE, CorpusFormat.MEDPATH_PAGE, CorpusFormat.CTGOV_JSON),
        List.of(generator.format(0), generator.format(1), generator.format(2)));
    assertTrue(generator.path(9_999).startsWith("0000/"));
    assertTrue(generator.path(10_000).startsWith("0001/"));
    assertTrue(generator.path(499_999).startsWith("0049/"));
    assertTrue(generator.path(2).endsWith(".json"));
    CorpusGenerator json = new CorpusGenerator(3, EnumSet.of(CorpusFormat.CTGOV_JSON));
    assertTrue(Stream.of(0L, 1L, 2L).allMatch(i -> json.format(i) == CorpusFormat.CTGOV_JSON));
  }

  @Test
  void writerGivesTheSameTreeWithOneOrTwoThreads(@TempDir Path dir) throws IOException {
    CorpusGenerator generator = new CorpusGenerator(9, ALL);
    CorpusWriter.Summary one = CorpusWriter.write(generator, 45, dir.resolve("a"), 1);
    CorpusWriter.Summary two = CorpusWriter.write(generator, 45, dir.resolve("b"), 2);
    assertEquals(45, one.records());
    assertEquals(Map.of(CorpusFormat.CTGOV_PAGE, 15L, CorpusFormat.MEDPATH_PAGE, 15L, CorpusFormat.CTGOV_JSON, 15L),
        two.perFormat());
    Map<String, byte[]> a = tree(dir.resolve("a"));
    Map<String, byte[]> b = tree(dir.resolve("b"));
    assertEquals(45, a.size());
    assertEquals(a.keySet(), b.keySet());
    a.forEach((name, bytes) -> assertArrayEquals(bytes, b.get(name), name));
    for (long i = 0; i < 45; i++) {
      assertArrayEquals(generator.bytes(i), a.get(generator.path(i)), "record " + i + " made alone");
    }
    assertEquals(a.values().stream().mapToLong(bytes -> bytes.length).sum(), one.bytes());
  }

  /**
   * What the corpus varies, over 3,000 full (CT.gov JSON) records: conditions follow a Zipf law (the three
   * commonest are the three commonest cell-therapy indications; most conditions are rare), sites span many
   * countries and cities, sponsors are many, and every status and phase occurs.
   */
  @Test
  void varyLikeARegistry() {
    CorpusGenerator generator = new CorpusGenerator(5, EnumSet.of(CorpusFormat.CTGOV_JSON));
    Map<String, Integer> conditions = new HashMap<>();
    Set<String> countries = new HashSet<>();
    Set<String> cities = new HashSet<>();
    Set<String> sponsors = new HashSet<>();
    Set<String> statuses = new HashSet<>();
    Set<List<String>> phases = new HashSet<>();
    Set<Integer> minimumAges = new HashSet<>();
    Set<String> sexes = new HashSet<>();
    int trials = 3_000;
    for (long i = 0; i < trials; i++) {
      TrialRecord record = generator.trial(i).record();
      conditions.merge(record.conditions().get(0).replaceAll(" \\(.*\\)$", ""), 1, Integer::sum);
      record.sites().forEach(site -> {
        countries.add(site.country());
        cities.add(site.city() + ", " + site.country());
      });
      sponsors.add(record.leadSponsor().name());
      statuses.add(record.overallStatus());
      phases.add(record.phases());
      minimumAges.add(record.eligibility().minimumAge().value());
      sexes.add(record.eligibility().sex());
    }
    List<String> commonest = conditions.entrySet().stream()
        .sorted((x, y) -> y.getValue() - x.getValue()).limit(3).map(Map.Entry::getKey).toList();
    assertEquals(List.of("Diffuse Large B-Cell Lymphoma", "B-cell Acute Lymphoblastic Leukemia", "Multiple Myeloma"),
        commonest);
    assertTrue(conditions.get(commonest.get(0)) > trials / 8, "the commonest condition is common");
    long rare = conditions.values().stream().filter(n -> n < trials / 100).count();
    assertTrue(conditions.size() >= 90 && rare > conditions.size() / 2,
        conditions.size() + " conditions, " + rare + " rare");
    assertTrue(countries.size() >= 30, countries.size() + " countries");
    assertTrue(cities.size() >= 100, cities.size() + " cities");
    assertTrue(sponsors.size() >= 800, sponsors.size() + " sponsors");
    assertEquals(9, statuses.size(), statuses.toString());
    assertEquals(6, phases.size(), phases.toString());
    assertTrue(minimumAges.containsAll(List.of(1, 12, 18, 21)), minimumAges.toString());
    assertEquals(Set.of("ALL", "FEMALE", "MALE"), sexes);
  }

  /**
   * Pages put conditions one a line (or several on one line after a closing parenthesis), and the reader splits a
   * line whose words repeat: every condition the generator can write must read as exactly one term.
   */
  @Test
  void everyConditionReadsAsOneTerm() {
    for (Pools.Condition condition : Pools.get().conditions) {
      List<String> terms = new ArrayList<>(List.of(condition.name(), "Relapsed/Refractory " + condition.name(),
          "Recurrent " + condition.name(), "Metastatic " + condition.name()));
      if (condition.abbreviation() != null) {
        terms.add(condition.name() + " (" + condition.abbreviation() + ")");
      }
      for (String term : terms) {
        List<Diagnostic> diagnostics = new ArrayList<>();
        assertEquals(List.of(term), ConditionSplitter.split(new SourceLine(1, term), "Conditions", diagnostics));
        assertTrue(diagnostics.isEmpty(), term + ": " + diagnostics);
      }
    }
  }

  private static Map<String, byte[]> tree(Path root) throws IOException {
    Map<String, byte[]> files = new HashMap<>();
    try (Stream<Path> paths = Files.walk(root)) {
      for (Path path : paths.filter(Files::isRegularFile).toList()) {
        files.put(root.relativize(path).toString().replace('\\', '/'), Files.readAllBytes(path));
      }
    }
    return files;
  }
}
