package org.trialfhir.source;

import java.time.DateTimeException;
import java.time.LocalDate;
import java.time.YearMonth;
import java.time.format.DateTimeFormatter;
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
        // The digits are there: only the month and day need checking, which of() does as parse() would (parse
        // resolves the same fields strictly) without a formatter's parse on every date of every record.
        if (t.length() == 10) {
          LocalDate.of(digits(t, 0, 4), digits(t, 5, 7), digits(t, 8, 10));
        } else if (t.length() == 7) {
          YearMonth.of(digits(t, 0, 4), digits(t, 5, 7));
        }
        return t;
      }
      if (t.contains(",")) {
        return LocalDate.parse(t, LONG).toString();
      }
      return YearMonth.parse(t, MONTH).toString();
    } catch (DateTimeException e) {
      // DateTimeParseException (a text that is no date) or, from of(), a month or day that does not exist.
      return null;
    }
  }

  private static int digits(String text, int from, int to) {
    return Integer.parseInt(text, from, to, 10);
  }
}
