package org.trialfhir.server;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.CanonicalType;
import org.hl7.fhir.r4.model.Resource;
import org.hl7.fhir.r4.model.StructureDefinition;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.trialfhir.validation.ProfileValidator;

/** Every resource the server returns, as it returns it (in searchset Bundles), validates with zero errors. */
class ServedResourcesIT {
  static final List<String> TYPES = List.of("ResearchStudy", "PlanDefinition", "ActivityDefinition", "Group",
      "Organization", "Location", "Practitioner", "StructureDefinition", "ValueSet", "CodeSystem", "ConceptMap",
      "SearchParameter", "OperationDefinition");

  private static TestServer server;

  @BeforeAll
  static void start() {
    server = TestServer.start();
  }

  @AfterAll
  static void stop() throws Exception {
    server.close();
  }

  @Test
  void everyServedResourceValidates() {
    Set<String> claimed = new TreeSet<>();
    Set<String> defined = new TreeSet<>();
    for (String type : TYPES) {
      for (Resource resource : server.store().all(type)) {
        resource.getMeta().getProfile().stream().map(CanonicalType::getValue).forEach(claimed::add);
        if (resource instanceof StructureDefinition sd) {
          defined.add(sd.getUrl());
        }
      }
    }
    claimed.removeAll(defined);
    Assumptions.assumeTrue(claimed.isEmpty(),
        "the mapping stage's profiles are not all in profiles/ yet, so its output cannot validate: " + claimed);

    List<String> errors = new ArrayList<>();
    for (String type : TYPES) {
      long start = System.nanoTime();
      Bundle bundle = server.client().search().byUrl(type + "?_count=" + TrialFhirServer.MAXIMUM_PAGE_SIZE)
          .returnBundle(Bundle.class).execute();
      // Skipped, as ProfileValidatorTest does: validating an extension definition makes the HL7 core check its
      // context in every other FHIR version, which needs those versions' packages from the network. Profiles and
      // everything else are validated as served.
      bundle.getEntry().removeIf(e -> e.getResource() instanceof StructureDefinition sd && "Extension".equals(sd.getType()));
      ValidateIT.errors(ProfileValidator.shared().validate(bundle)).forEach(e -> errors.add(type + ": " + e));
      System.out.printf("ServedResourcesIT: %d %s validated in %d ms%n",
          bundle.getEntry().size(), type, (System.nanoTime() - start) / 1_000_000);
    }
    assertEquals(List.of(), errors);
  }
}
