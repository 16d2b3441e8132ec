package org.trialfhir.source;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Random;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * ScientificNumbers' removal of the white space around a unit's slashes gives what the regex replacement it replaced
 * gave ({@code \s*}, a slash, {@code \s*}, each match replaced by a slash).
 */
class SlashSpacesTest {
  private static final Pattern SPACED_SLASH = Pattern.compile("\\s*/\\s*");

  @Test
  void agreesWithTheRegexReplacementOnRandomUnits() {
    Random random = new Random(18);
    String[] pieces = {"/", " ", "  ", "\t", "\n", "\r", "\u000B", "\f", "\u00A0", "\u2009", "kg", "L", "cells", "µ",
        "m²", "x"};
    for (int n = 0; n < 100_000; n++) {
      StringBuilder unit = new StringBuilder();
      int length = random.nextInt(10);
      for (int i = 0; i < length; i++) {
        unit.append(pieces[random.nextInt(pieces.length)]);
      }
      String text = unit.toString();
      assertEquals(SPACED_SLASH.matcher(text).replaceAll("/"), ScientificNumbers.slashSpacesRemoved(text),
          () -> "unit \"" + text + "\"");
    }
  }

  @Test
  void removesTheSpacesOfMentionedUnits() {
    // The unit group of "2 x 10^6 CAR-T cells / kg" as read from a dose.
    assertEquals("CAR-T cells/kg", ScientificNumbers.slashSpacesRemoved("CAR-T cells / kg"));
    assertEquals("/L", ScientificNumbers.slashSpacesRemoved("/ L"));
    assertEquals("a//b", ScientificNumbers.slashSpacesRemoved("a / / b"));
    assertEquals("cells", ScientificNumbers.slashSpacesRemoved("cells"));
  }
}
