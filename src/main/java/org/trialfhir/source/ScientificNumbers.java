package org.trialfhir.source;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Finds numbers written in scientific notation in registry text, including the forms page renderings break:
 * lost superscripts ({@code 1×107} is 1×10^7, {@code 1.0×109/L} is 1.0×10^9/L), {@code 10\^9} after escape
 * removal, {@code 10e6}, ranges ({@code 1-5x10e6/kg}) and spaced forms ({@code 1.5 x 10^9/L}).
 */
public final class ScientificNumbers {

  /**
   * One number (or range) as the text states it; {@code high} equals {@code low} unless a range is given.
   * {@code lostSuperscript} is true when the exponent was read from digits glued to "10".
   */
  public record Mention(BigDecimal low, BigDecimal high, String unit, boolean lostSuperscript, String text,
      int start, int end) {}

  private static final String DECIMAL = "\\d+(?:\\.\\d+)?";
  private static final Pattern MENTION = Pattern.compile(
      "(?<low>" + DECIMAL + ")(?:\\s*[-~–]\\s*(?<high>" + DECIMAL + "))?\\s*[×xX*]\\s*10"
          + "(?:\\s*\\^\\s*(?<caret>-?\\d{1,2})|[eE](?<e>-?\\d{1,2})|(?<glued>[1-9]\\d?)(?!\\d))"
          + "(?<unit>\\s*/\\s*[A-Za-zµμ]+\\d?|\\s+(?:[A-Za-z+\\-]+\\s+){0,2}?cells?(?:\\s*/\\s*[A-Za-z]+\\d?)?)?");

  private static final Pattern SPACED_SLASH = Pattern.compile("\\s*/\\s*");

  private ScientificNumbers() {}

  /** Every scientific-notation number in {@code text} (already unescaped), in order. */
  public static List<Mention> find(String text) {
    List<Mention> mentions = new ArrayList<>();
    // Every mention writes its power of ten as "×10", "x 10", "*10"...: a text without one, most of them (even with
    // a "10" in it), is not searched.
    if (!hasTimesTen(text)) {
      return mentions;
    }
    Matcher m = MENTION.matcher(text);
    while (m.find()) {
      String exponentText = m.group("caret") != null ? m.group("caret")
          : m.group("e") != null ? m.group("e") : m.group("glued");
      int exponent = Integer.parseInt(exponentText);
      BigDecimal low = new BigDecimal(m.group("low")).scaleByPowerOfTen(exponent);
      BigDecimal high = m.group("high") == null ? low : new BigDecimal(m.group("high")).scaleByPowerOfTen(exponent);
      String unit = m.group("unit") == null ? null : SPACED_SLASH.matcher(m.group("unit").strip()).replaceAll("/");
      mentions.add(new Mention(low, high, unit, m.group("glued") != null, m.group(), m.start(), m.end()));
    }
    return mentions;
  }

  /** Whether {@code text} holds what every MENTION holds: {@code [×xX*]\s*10}. */
  private static boolean hasTimesTen(String text) {
    for (int ten = text.indexOf("10"); ten >= 0; ten = text.indexOf("10", ten + 1)) {
      int before = ten - 1;
      while (before >= 0 && isRegexSpace(text.charAt(before))) {
        before--;
      }
      if (before >= 0 && "×xX*".indexOf(text.charAt(before)) >= 0) {
        return true;
      }
    }
    return false;
  }

  /** What {@code \s} matches (without UNICODE_CHARACTER_CLASS). */
  private static boolean isRegexSpace(char c) {
    return c == ' ' || c == '\t' || c == '\n' || c == '\u000B' || c == '\f' || c == '\r';
  }
}
