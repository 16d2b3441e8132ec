package org.trialfhir.matching;

import java.util.Set;
import org.hl7.fhir.r4.model.Group;
import org.hl7.fhir.r4.model.ResearchStudy;

/**
 * A study the matcher may return: the ResearchStudy, its eligibility Group (null when it has none), and the countries
 * of its sites (for the country filter).
 */
public record StudyCandidate(ResearchStudy study, Group eligibility, Set<String> countries) {
  public StudyCandidate {
    countries = Set.copyOf(countries);
  }
}
