package org.trialfhir.source;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.trialfhir.source.TrialRecord.AgeLimit;

/** Reads CT.gov age limits such as "21 Years" or "6 Months" into {@link AgeLimit}. */
public final class AgeLimits {
  private static final Pattern AGE =
      Pattern.compile("(\\d{1,3})\\s*(years?|months?|weeks?|days?|hours?|minutes?)", Pattern.CASE_INSENSITIVE);

  private AgeLimits() {}

  /** The age limit the text states, or null when it states none ("N/A", blank, null). */
  public static AgeLimit parse(String text) {
    if (text == null) {
      return null;
    }
    Matcher m = AGE.matcher(text.trim());
    if (!m.matches()) {
      return null;
    }
    String unit = m.group(2).toUpperCase(Locale.ROOT);
    return new AgeLimit(Integer.parseInt(m.group(1)), unit.endsWith("S") ? unit : unit + "S");
  }
}
