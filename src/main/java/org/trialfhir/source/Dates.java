package org.trialfhir.source;

import java.time.LocalDate;
import java.time.YearMonth;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.regex.Pattern;

/** Reads registry dates ("2025-05-29", "2025-05", "May 29, 2025", "May 2025") into ISO partial dates. */
public final class Dates {
  private static final Pattern ISO = Pattern.compile("\\d{4}(-\\d{2}(-\\d{2})?)?");
  private static final DateTimeFormatter LONG = DateTimeFormatter.ofPattern("MMMM d, uuuu", Locale.ENGLISH);
  private static final DateTimeFormatter MONTH = DateTimeFormatter.ofPattern("MMMM uuuu", Locale.ENGLISH);

  private Dates() {}

  /** The ISO date (yyyy, yyyy-MM or yyyy-MM-dd) the text states, or null when it is not a date. */
  public static String iso(String text) {
    if (text == null) {
      return null;
    }
    String t = text.trim();
    try {
      if (ISO.matcher(t).matches()) {
        if (t.length() == 10) {
          LocalDate.parse(t);
        } else if (t.length() == 7) {
          YearMonth.parse(t);
        }
        return t;
      }
      if (t.contains(",")) {
        return LocalDate.parse(t, LONG).toString();
      }
      return YearMonth.parse(t, MONTH).toString();
    } catch (DateTimeParseException e) {
      return null;
    }
  }
}
