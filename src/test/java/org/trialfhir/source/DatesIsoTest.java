package org.trialfhir.source;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.LocalDate;
import java.time.YearMonth;
import java.time.format.DateTimeParseException;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Dates.iso checks an ISO date's month and day as the parse it replaced did: same dates kept, same refused. */
class DatesIsoTest {
  /** The check before: the ISO text kept when java.time parses it. */
  private static String parsed(String t) {
    try {
      if (t.length() == 10) {
        LocalDate.parse(t);
      } else {
        YearMonth.parse(t);
      }
      return t;
    } catch (DateTimeParseException e) {
      return null;
    }
  }

  @Test
  void keepsAndRefusesWhatParseDid() {
    Random random = new Random(16);
    int kept = 0;
    for (int n = 0; n < 20_000; n++) {
      int year = random.nextInt(4) == 0 ? random.nextInt(10_000) : 1996 + random.nextInt(40);
      String month = String.format("%02d", random.nextInt(15));
      String day = String.format("%02d", random.nextInt(34));
      String date = String.format("%04d", year) + "-" + month + (random.nextInt(3) == 0 ? "" : "-" + day);
      String expected = parsed(date);
      assertEquals(expected, Dates.iso(date), date);
      kept += expected != null ? 1 : 0;
    }
    assertEquals(true, kept > 10_000, "kept: " + kept);
    assertEquals("2024-02-29", Dates.iso("2024-02-29"));
    assertEquals(null, Dates.iso("2025-02-29"));
    assertEquals(null, Dates.iso("2025-00"));
  }
}
