package org.trialfhir.matching;

import java.util.List;

/**
 * One page of a match: how many studies the patient may be eligible for in all ({@code total}), and those of the
 * requested stretch of the ranking, best first, each with every criterion's detail.
 */
public record MatchPage(int total, List<StudyMatch> matches) {
  public MatchPage {
    matches = List.copyOf(matches);
  }
}
