package org.trialfhir.matching;

import java.util.LinkedHashSet;
import java.util.Set;
import java.util.function.Function;
import org.hl7.fhir.r4.model.Group;
import org.hl7.fhir.r4.model.Location;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.ResearchStudy;
import org.hl7.fhir.r4.model.Resource;

/**
 * A study the matcher may return: the ResearchStudy, its eligibility Group (null when it has none), and the countries
 * of its sites (for the country filter).
 */
public record StudyCandidate(ResearchStudy study, Group eligibility, Set<String> countries) {
  public StudyCandidate {
    countries = Set.copyOf(countries);
  }

  /**
   * The candidate of a study whose references ({@code enrollment}, {@code site}) resolve through {@code resolve}
   * (null for a reference that resolves to nothing): the first enrollment that is a Group, and the countries of the
   * sites that are Locations with one.
   */
  public static StudyCandidate of(ResearchStudy study, Function<Reference, Resource> resolve) {
    Group group = null;
    for (Reference enrollment : study.getEnrollment()) {
      if (resolve.apply(enrollment) instanceof Group g) {
        group = g;
        break;
      }
    }
    Set<String> countries = new LinkedHashSet<>();
    for (Reference site : study.getSite()) {
      if (resolve.apply(site) instanceof Location location && location.getAddress().hasCountry()) {
        countries.add(location.getAddress().getCountry());
      }
    }
    return new StudyCandidate(study, group, countries);
  }
}
