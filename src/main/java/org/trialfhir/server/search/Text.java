package org.trialfhir.server.search;

import java.text.Normalizer;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/** Folds text for string search (lower case, accents removed) and matches values at the start of words. */
public final class Text {
  private static final Pattern MARKS = Pattern.compile("\\p{M}+");

  private Text() {}

  /** Lower case without accents: "Zürich" → "zurich"; null stays null. */
  public static String fold(String text) {
    if (text == null) {
      return null;
    }
    boolean ascii = true;
    for (int i = 0; i < text.length() && ascii; i++) {
      ascii = text.charAt(i) < 128;
    }
    String lower = text.toLowerCase(Locale.ROOT);
    return ascii ? lower : MARKS.matcher(Normalizer.normalize(lower, Normalizer.Form.NFD)).replaceAll("");
  }

  /**
   * Whether folded {@code value} starts the folded form of {@code text}, without folding ASCII text (most values):
   * for ASCII on both sides, folding is lower-casing, which a case-blind comparison of the start does in place.
   */
  public static boolean startsWithFolded(String text, String foldedValue) {
    if (text == null) {
      return false;
    }
    if (isAscii(foldedValue) && isAscii(text)) {
      return text.regionMatches(true, 0, foldedValue, 0, foldedValue.length());
    }
    return fold(text).startsWith(foldedValue);
  }

  private static boolean isAscii(String text) {
    for (int i = 0; i < text.length(); i++) {
      if (text.charAt(i) >= 128) {
        return false;
      }
    }
    return true;
  }

  /** The words of folded text: its runs of letters and digits. */
  public static List<String> words(String folded) {
    return Stream.of(folded.split("[^\\p{L}\\p{N}]+")).filter(w -> !w.isEmpty()).toList();
  }

  /**
   * True if folded {@code value} occurs in folded {@code text} at the start of a word (after the text's start or a
   * character that is not a letter or digit): "leuk" is in "Acute Myeloid Leukemia", "kemia" is not.
   */
  public static boolean hasWordStartingWith(String foldedText, String foldedValue) {
    if (foldedText == null || foldedValue.isEmpty()) {
      return false;
    }
    for (int at = foldedText.indexOf(foldedValue); at >= 0; at = foldedText.indexOf(foldedValue, at + 1)) {
      if (at == 0 || !Character.isLetterOrDigit(foldedText.charAt(at - 1))) {
        return true;
      }
    }
    return false;
  }
}
