package org.trialfhir.mapping;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.hl7.fhir.r4.model.Bundle.BundleEntryComponent;
import org.hl7.fhir.r4.model.Resource;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.trialfhir.testing.Cases;
import org.trialfhir.testing.Conversions;
import org.trialfhir.testing.JsonTrees;

/**
 * Every case converts to exactly the resources in its {@code expected/<Type>-<id>.json} golden files, each
 * equal field by field. Regenerate with {@code -Dgolden.update=true} and read the diff before committing.
 */
class GoldenBundleTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  static Stream<Path> inputs() {
    return Conversions.inputs().stream();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("inputs")
  void resourcesMatchGoldens(Path input) throws IOException {
    Path dir = input.resolveSibling("expected");
    List<Resource> resources = Conversions.of(input).bundle().getEntry().stream()
        .map(BundleEntryComponent::getResource).toList();
    if (Cases.UPDATE) {
      try (Stream<Path> old = Files.list(dir)) {
        for (Path file : old.filter(f -> !f.getFileName().toString().equals("record.json")).toList()) {
          Files.delete(file);
        }
      }
      for (Resource resource : resources) {
        Files.writeString(dir.resolve(fileName(resource)), encode(resource) + "\n");
      }
    }
    Set<String> expectedFiles;
    try (Stream<Path> files = Files.list(dir)) {
      expectedFiles = files.map(f -> f.getFileName().toString())
          .filter(name -> !name.equals("record.json")).collect(Collectors.toCollection(TreeSet::new));
    }
    Set<String> actualFiles = resources.stream().map(GoldenBundleTest::fileName)
        .collect(Collectors.toCollection(TreeSet::new));
    assertEquals(expectedFiles, actualFiles, "the resources made for " + input);
    for (Resource resource : resources) {
      JsonNode expected = JSON.readTree(dir.resolve(fileName(resource)).toFile());
      List<String> differences = JsonTrees.differences(expected, JSON.readTree(encode(resource)));
      assertTrue(differences.isEmpty(),
          () -> fileName(resource) + " differs from its golden file:\n" + String.join("\n", differences));
    }
  }

  private static String fileName(Resource resource) {
    return resource.fhirType() + "-" + resource.getIdElement().getIdPart() + ".json";
  }

  private static String encode(Resource resource) {
    return Conversions.FHIR.newJsonParser().setPrettyPrint(true).encodeResourceToString(resource);
  }
}
