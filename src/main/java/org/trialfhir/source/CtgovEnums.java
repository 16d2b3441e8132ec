package org.trialfhir.source;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The CT.gov API v2 enum spellings that the page renderings show in other cases ("Recruiting", "Phase 1",
 * "Not Applicable"). Readers bring every rendering to the API spelling so one record looks the same whatever
 * format it came from; this is spelling, not vocabulary mapping (that lives in mappings/).
 */
public final class CtgovEnums {
  public static final Set<String> STATUSES =
      Set.of(
          "ACTIVE_NOT_RECRUITING", "COMPLETED", "ENROLLING_BY_INVITATION", "NOT_YET_RECRUITING",
          "RECRUITING", "SUSPENDED", "TERMINATED", "WITHDRAWN", "AVAILABLE", "NO_LONGER_AVAILABLE",
          "TEMPORARILY_NOT_AVAILABLE", "APPROVED_FOR_MARKETING", "WITHHELD", "UNKNOWN");
  public static final Set<String> PHASES = Set.of("NA", "EARLY_PHASE1", "PHASE1", "PHASE2", "PHASE3", "PHASE4");

  private static final Pattern PHASE_NUMBER = Pattern.compile("PHASE_(\\d)");

  private CtgovEnums() {}

  /** "Not yet recruiting" → NOT_YET_RECRUITING; already-canonical words pass through. */
  public static String word(String text) {
    if (text == null || text.isBlank()) {
      return null;
    }
    // By hand, not by regex: every key-value line of every page comes through here.
    String upper = text.strip().toUpperCase(Locale.ROOT);
    StringBuilder word = new StringBuilder(upper.length());
    boolean gap = false;
    for (int i = 0; i < upper.length(); i++) {
      char c = upper.charAt(i);
      if ((c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) {
        if (gap && word.length() > 0) {
          word.append('_');
        }
        word.append(c);
        gap = false;
      } else {
        gap = true;
      }
    }
    return word.toString();
  }

  /** The overall status in API spelling, or null when the text is not one. */
  public static String status(String text) {
    String word = word(text);
    return word != null && STATUSES.contains(word) ? word : null;
  }

  /**
   * The phases a text names, in API spelling: "PHASE1/PHASE2" and "Phase 1/Phase 2" give [PHASE1, PHASE2],
   * "Not Applicable" and "N/A" give [NA]; an empty list when the text names none.
   */
  public static List<String> phases(String text) {
    String word = word(text);
    if (word == null) {
      return List.of();
    }
    if (word.equals("NOT_APPLICABLE") || word.equals("N_A") || word.equals("NA")) {
      return List.of("NA");
    }
    word = PHASE_NUMBER.matcher(word).replaceAll("PHASE$1");
    List<String> phases = new ArrayList<>();
    for (String part : word.split("(?<!EARLY)_(?=PHASE|EARLY)")) {
      String phase = part.replace("EARLY_PHASE_", "EARLY_PHASE");
      if (!PHASES.contains(phase)) {
        return List.of();
      }
      phases.add(phase);
    }
    return phases;
  }
}
