package org.trialfhir.source;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

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
   * The phases a text names, in API spelling, in the order written: "PHASE1/PHASE2", "Phase 1/Phase 2", "Phase 1/2",
   * "Phase 1-2" and "Phase I/II" give [PHASE1, PHASE2]; "Early Phase 1" gives [EARLY_PHASE1]; "Not Applicable" and
   * "N/A" give [NA]. An empty list when the text is not wholly a phase (a sub-phase such as "Phase 1b" included: the
   * API has no word for it, and the reader then reports the text).
   */
  public static List<String> phases(String text) {
    String word = word(text);
    if (word == null || word.isEmpty()) {
      return List.of();
    }
    if (word.equals("NOT_APPLICABLE") || word.equals("N_A") || word.equals("NA")) {
      return List.of("NA");
    }
    List<String> phases = new ArrayList<>();
    boolean early = false;
    // A number counts only after the word "Phase" ("Phase 1/2": the 2 is a phase too); "Phase" needs a number.
    boolean phaseSeen = false;
    boolean numberOwed = false;
    for (String token : word.split("_")) {
      String number = token;
      if (token.equals("EARLY")) {
        if (early) {
          return List.of();
        }
        early = true;
        continue;
      }
      if (token.startsWith("PHASE")) {
        phaseSeen = true;
        number = token.substring("PHASE".length());
        if (number.isEmpty()) {
          numberOwed = true;
          continue;
        }
      } else if (!phaseSeen || early && !numberOwed) {
        return List.of();
      }
      int phase = phaseNumber(number);
      if (phase == 0 || early && phase != 1) {
        return List.of();
      }
      String spelled = early ? "EARLY_PHASE1" : "PHASE" + phase;
      if (!phases.contains(spelled)) {
        phases.add(spelled);
      }
      early = false;
      numberOwed = false;
    }
    return early || numberOwed ? List.of() : phases;
  }

  /** 1 to 4 from an Arabic or Roman numeral, 0 for anything else. */
  private static int phaseNumber(String number) {
    return switch (number) {
      case "1", "I" -> 1;
      case "2", "II" -> 2;
      case "3", "III" -> 3;
      case "4", "IV" -> 4;
      default -> 0;
    };
  }
}
