package org.trialfhir.mapping;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Bundle.BundleEntryComponent;
import org.hl7.fhir.r4.model.CanonicalType;
import org.hl7.fhir.r4.model.Group;
import org.hl7.fhir.r4.model.MetadataResource;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Resource;
import org.hl7.fhir.r4.model.Base;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.trialfhir.source.TrialRecord.Criterion;
import org.trialfhir.testing.Conversions;

/** Invariants over every conversion: unique ids, resolvable references, every criterion's text kept. */
class BundleInvariantsTest {

  static Stream<Path> inputs() {
    return Conversions.inputs().stream();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("inputs")
  void idsAreUnique(Path input) {
    Bundle bundle = Conversions.of(input).bundle();
    Set<String> seen = new HashSet<>();
    for (BundleEntryComponent entry : bundle.getEntry()) {
      assertTrue(seen.add(entry.getFullUrl()), "duplicate " + entry.getFullUrl());
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("inputs")
  void everyReferenceResolvesInsideTheBundle(Path input) {
    Bundle bundle = Conversions.of(input).bundle();
    Set<String> local = new HashSet<>();
    Set<String> canonicals = new HashSet<>();
    for (BundleEntryComponent entry : bundle.getEntry()) {
      Resource r = entry.getResource();
      local.add(r.fhirType() + "/" + r.getIdElement().getIdPart());
      if (r instanceof MetadataResource m && m.hasUrl()) {
        canonicals.add(m.getUrl());
      }
    }
    List<String> unresolved = new ArrayList<>();
    for (BundleEntryComponent entry : bundle.getEntry()) {
      walk(entry.getResource(), base -> {
        if (base instanceof Reference ref && ref.hasReference() && !local.contains(ref.getReference())) {
          unresolved.add(ref.getReference());
        }
        if (base instanceof CanonicalType c && c.getValue() != null
            && c.getValue().startsWith(TrialBundleMapper.BASE + "/") && !c.getValue().contains("/StructureDefinition/")
            && !canonicals.contains(c.getValue())) {
          unresolved.add(c.getValue());
        }
      });
    }
    assertTrue(unresolved.isEmpty(), "unresolved in " + input + ": " + unresolved);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("inputs")
  void everyCriterionTextIsACharacteristic(Path input) {
    Conversions.Converted converted = Conversions.of(input);
    Group group = converted.bundle().getEntry().stream().map(BundleEntryComponent::getResource)
        .filter(Group.class::isInstance).map(Group.class::cast).findFirst().orElseThrow();
    List<String> texts = group.getCharacteristic().stream()
        .filter(c -> c.hasValueCodeableConcept() && c.getValueCodeableConcept().hasText())
        .map(c -> c.getValueCodeableConcept().getText()).toList();
    var eligibility = converted.parsed().record().eligibility();
    List<Criterion> all = new ArrayList<>();
    flatten(eligibility.inclusion(), all);
    int inclusion = all.size();
    flatten(eligibility.exclusion(), all);
    for (int i = 0; i < all.size(); i++) {
      String text = all.get(i).text();
      assertTrue(texts.contains(text), "criterion text missing: " + text);
    }
    long excluded = group.getCharacteristic().stream()
        .filter(c -> c.getCode().getCoding().stream().anyMatch(x -> "exclusion-criterion".equals(x.getCode())))
        .count();
    assertEquals(all.size() - inclusion, excluded, "one exclusion characteristic per exclusion criterion");
  }

  private static void flatten(List<Criterion> criteria, List<Criterion> into) {
    for (Criterion c : criteria) {
      into.add(c);
      flatten(c.children(), into);
    }
  }

  private static void walk(Base base, java.util.function.Consumer<Base> visit) {
    visit.accept(base);
    for (var property : base.children()) {
      for (Base child : property.getValues()) {
        walk(child, visit);
      }
    }
  }
}
