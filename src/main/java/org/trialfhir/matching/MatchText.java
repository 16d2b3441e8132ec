package org.trialfhir.matching;

import java.text.Normalizer;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Text as the matcher compares it: a string in, its normalised form out (lower case, accents and apostrophes
 * dropped, British spellings of medical stems made American, every other non-alphanumeric character a space, runs of
 * spaces one space), so "Acute Myeloid Leukaemia", "acute myeloid leukemia" and "Sjögren's" compare equal to their
 * other spellings. Phrases are found on whole words of the normalised text.
 */
final class MatchText {
  private static final Pattern MARKS = Pattern.compile("\\p{M}+");
  /** "Kaposi's" is "kaposi", "patients'" is "patients": the possessive is not part of a name. */
  private static final Pattern POSSESSIVE = Pattern.compile("['’]s?\\b");
  private static final Pattern NOT_ALNUM = Pattern.compile("[^\\p{L}\\p{N}]+");
  /** British stems of medical words and their American spelling (leukaemia, haemoglobin, tumour, oedema). */
  private static final String[][] SPELLINGS = {
    {"leukaem", "leukem"}, {"haem", "hem"}, {"anaem", "anem"}, {"oesoph", "esoph"}, {"oedem", "edem"},
    {"tumour", "tumor"}, {"paediatr", "pediatr"}, {"foetus", "fetus"}
  };

  private MatchText() {}

  /** The normalised form; empty for null. */
  static String normalize(String text) {
    if (text == null) {
      return "";
    }
    for (int i = 0; i < text.length(); i++) {
      if (text.charAt(i) >= 128) {
        return slow(text);
      }
    }
    // ASCII (almost every name and criterion): one pass, no regular expression; this runs for every criterion of
    // every study read into the matcher.
    StringBuilder out = new StringBuilder(text.length());
    boolean space = false;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c == '\'') {
        if (i + 1 < text.length() && (text.charAt(i + 1) == 's' || text.charAt(i + 1) == 'S')
            && (i + 2 == text.length() || !Character.isLetterOrDigit(text.charAt(i + 2)))) {
          i++;
        }
        continue;
      }
      if (Character.isLetterOrDigit(c)) {
        if (space && out.length() > 0) {
          out.append(' ');
        }
        space = false;
        out.append(Character.toLowerCase(c));
      } else {
        space = true;
      }
    }
    return american(out.toString());
  }

  private static String slow(String text) {
    String folded = MARKS.matcher(Normalizer.normalize(text, Normalizer.Form.NFKD)).replaceAll("")
        .toLowerCase(Locale.ROOT);
    folded = POSSESSIVE.matcher(folded).replaceAll("");
    return american(NOT_ALNUM.matcher(folded).replaceAll(" ").strip());
  }

  private static String american(String folded) {
    if (folded.indexOf("ae") < 0 && folded.indexOf("oe") < 0 && folded.indexOf("our") < 0) {
      return folded;
    }
    String out = folded;
    for (String[] spelling : SPELLINGS) {
      out = out.replace(spelling[0], spelling[1]);
    }
    return out;
  }

  /** The words of a normalised text. */
  static List<String> words(String normalized) {
    return normalized.isEmpty() ? List.of() : List.of(normalized.split(" "));
  }

  /**
   * Every place a normalised phrase occurs in a normalised text on whole words, as character offsets into the text
   * ({@code [start, end)}).
   */
  static List<int[]> find(String text, String phrase) {
    List<int[]> found = new ArrayList<>();
    if (phrase.isEmpty()) {
      return found;
    }
    int from = 0;
    while (true) {
      int at = text.indexOf(phrase, from);
      if (at < 0) {
        return found;
      }
      int end = at + phrase.length();
      if ((at == 0 || text.charAt(at - 1) == ' ') && (end == text.length() || text.charAt(end) == ' ')) {
        found.add(new int[] {at, end});
      }
      from = at + 1;
    }
  }

  /** True when the normalised phrase occurs in the normalised text on whole words. */
  static boolean contains(String text, String phrase) {
    return !find(text, phrase).isEmpty();
  }
}
