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
  static final Pattern MENTION = Pattern.compile(
      "(?<low>" + DECIMAL + ")(?:\\s*[-~–]\\s*(?<high>" + DECIMAL + "))?\\s*[×xX*]\\s*10"
          + "(?:\\s*\\^\\s*(?<caret>-?\\d{1,2})|[eE](?<e>-?\\d{1,2})|(?<glued>[1-9]\\d?)(?!\\d))"
          + "(?<unit>\\s*/\\s*[A-Za-zµμ]+\\d?|\\s+(?:[A-Za-z+\\-]+\\s+){0,2}?cells?(?:\\s*/\\s*[A-Za-z]+\\d?)?)?");

  private ScientificNumbers() {}

  /** Every scientific-notation number in {@code text} (already unescaped), in order. */
  public static List<Mention> find(String text) {
    List<Mention> mentions = new ArrayList<>();
    // Every mention writes its power of ten as "×10", "x 10", "*10"...: a text without one, most of them (even with
    // a "10" in it), is not searched (nor given a matcher), and a long text (an interventions section) is searched
    // only from the number before each one. Searching from where its number may begin finds what a search from the
    // start would: the part of a mention before its [×xX*] holds only digits, dots, dashes and spaces.
    int times = timesTen(text, 0);
    if (times < 0) {
      return mentions;
    }
    Matcher m = MENTION.matcher(text);
    for (int from = 0; times >= 0; from = m.end(), times = timesTen(text, from)) {
      if (!m.find(numberStart(text, times, from))) {
        break;
      }
      String exponentText = m.group("caret") != null ? m.group("caret")
          : m.group("e") != null ? m.group("e") : m.group("glued");
      int exponent = Integer.parseInt(exponentText);
      BigDecimal low = new BigDecimal(m.group("low")).scaleByPowerOfTen(exponent);
      BigDecimal high = m.group("high") == null ? low : new BigDecimal(m.group("high")).scaleByPowerOfTen(exponent);
      String written = m.group("unit");
      String unit = written == null ? null : slashSpacesRemoved(written.strip());
      mentions.add(new Mention(low, high, unit, m.group("glued") != null, m.group(), m.start(), m.end()));
    }
    return mentions;
  }

  /**
   * The unit with the white space around its slashes removed, as replacing every match of {@code \s*}, a slash,
   * {@code \s*} by a slash did, without a matcher: a run of {@code \s} is dropped when a slash is right before or
   * right after it, kept otherwise.
   */
  static String slashSpacesRemoved(String unit) {
    if (unit.indexOf('/') < 0) {
      return unit;
    }
    StringBuilder out = new StringBuilder(unit.length());
    int n = unit.length();
    for (int i = 0; i < n; ) {
      char c = unit.charAt(i);
      if (!isRegexSpace(c)) {
        out.append(c);
        i++;
        continue;
      }
      int end = i;
      while (end < n && isRegexSpace(unit.charAt(end))) {
        end++;
      }
      boolean slashBefore = i > 0 && unit.charAt(i - 1) == '/';
      boolean slashAfter = end < n && unit.charAt(end) == '/';
      if (!slashBefore && !slashAfter) {
        out.append(unit, i, end);
      }
      i = end;
    }
    return out.toString();
  }

  /** Where the first {@code [×xX*]\s*10} at or after {@code from} begins, or -1. */
  private static int timesTen(String text, int from) {
    for (int ten = text.indexOf("10", from); ten >= 0; ten = text.indexOf("10", ten + 1)) {
      int before = ten - 1;
      while (before >= from && isRegexSpace(text.charAt(before))) {
        before--;
      }
      if (before >= from && "×xX*".indexOf(text.charAt(before)) >= 0) {
        return before;
      }
    }
    return -1;
  }

  /**
   * The first index, not before {@code from}, of the run of characters a mention may hold before its {@code
   * [×xX*]} at {@code times} ({@code \d . - ~ –} and {@code \s}): no mention begins before it.
   */
  private static int numberStart(String text, int times, int from) {
    int start = times;
    while (start > from && isBeforeTimes(text.charAt(start - 1))) {
      start--;
    }
    return start;
  }

  private static boolean isBeforeTimes(char c) {
    return (c >= '0' && c <= '9') || c == '.' || c == '-' || c == '~' || c == '–' || isRegexSpace(c);
  }

  /** What {@code \s} matches (without UNICODE_CHARACTER_CLASS). */
  private static boolean isRegexSpace(char c) {
    return c == ' ' || c == '\t' || c == '\n' || c == '\u000B' || c == '\f' || c == '\r';
  }
}
