package org.trialfhir.matching;

import java.util.Set;

/**
 * Which studies a match may return, each filter a set of alternatives (empty: no filter): phase codes (R4
 * research-study-phase or CT.gov phase), status codes (R4 research-study-status or the CT.gov overall status of the
 * registry-status extension), site countries; and whether studies that are certainly not a match are returned too.
 * Codes compare ignoring case; countries ignoring case and accents.
 */
public record MatchFilters(Set<String> phases, Set<String> statuses, Set<String> countries,
    boolean includeIneligible) {
  public static final MatchFilters NONE = new MatchFilters(Set.of(), Set.of(), Set.of(), false);

  public MatchFilters {
    phases = Set.copyOf(phases.stream().map(MatchText::normalize).toList());
    statuses = Set.copyOf(statuses.stream().map(MatchText::normalize).toList());
    countries = Set.copyOf(countries.stream().map(MatchText::normalize).toList());
  }
}
