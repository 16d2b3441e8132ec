package org.trialfhir.mapping;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Finds in a text the runs of one to three words, joined by the single space or hyphen the text has between them,
 * that one ConceptMap knows (upper-cased, as {@link ConceptMaps#knows} matches), longest first at each word: "CAR
 * T-cell" gives "CAR T", "B7-H3-directed" "B7-H3".
 *
 * <p>The map's folded source codes, and every prefix of them, are indexed once: for ASCII text, where upper-casing
 * then folding is lower-casing, a run is known exactly when its lower-case form is a folded code, and a word that
 * starts no code starts no known run, so most words cost one set probe instead of three lookups of three copies.
 * Other text is looked up through the map as it always was.
 */
final class KnownNames {
  /** Words, with a decimal tail kept ("Claudin18.2"). */
  private static final int LONGEST_NAME_IN_WORDS = 3;

  private final ConceptMaps maps;
  private final String mapId;
  /** The map's source codes as ConceptMaps folds them: a code is known exactly when its folded form is here. */
  private final Set<String> folded = new HashSet<>();
  /** Every prefix of a folded code. */
  private final Set<String> prefixes = new HashSet<>();
  /**
   * The {@link String#hashCode}s of the prefixes, sorted: a word whose hash is not here starts no code, told without
   * making the word (a substring of every word of every text was most of {@link #in}).
   */
  private final int[] prefixHashes;

  KnownNames(ConceptMaps maps, String mapId) {
    this.maps = maps;
    this.mapId = mapId;
    for (String code : maps.sourceCodes(mapId)) {
      String key = ConceptMaps.fold(code);
      folded.add(key);
      for (int end = 1; end <= key.length(); end++) {
        prefixes.add(key.substring(0, end));
      }
    }
    prefixHashes = prefixes.stream().mapToInt(String::hashCode).sorted().toArray();
  }

  /** The known runs in {@code text}, in text order. */
  List<String> in(String text) {
    List<int[]> words = words(text);
    String lower = isAscii(text) ? text.toLowerCase(Locale.ROOT) : null;
    List<String> found = new ArrayList<>();
    int i = 0;
    while (i < words.size()) {
      if (lower != null && !startsCode(lower, words.get(i)[0], words.get(i)[1])) {
        i++;
        continue;
      }
      int matched = 0;
      for (int n = Math.min(LONGEST_NAME_IN_WORDS, words.size() - i); n >= 1 && matched == 0; n--) {
        if (joinedBySingleSeparators(text, words, i, n)) {
          int start = words.get(i)[0];
          int end = words.get(i + n - 1)[1];
          String candidate = text.substring(start, end);
          if (lower != null ? folded.contains(lower.substring(start, end))
              : maps.knows(mapId, candidate.toUpperCase(Locale.ROOT))) {
            found.add(candidate);
            matched = n;
          }
        }
      }
      i += Math.max(matched, 1);
    }
    return found;
  }

  /** Whether {@code lower}'s characters from {@code start} to {@code end} are a prefix of a folded code. */
  private boolean startsCode(String lower, int start, int end) {
    int hash = 0;
    for (int j = start; j < end; j++) {
      hash = 31 * hash + lower.charAt(j);
    }
    return Arrays.binarySearch(prefixHashes, hash) >= 0 && prefixes.contains(lower.substring(start, end));
  }

  /**
   * The start and end of every match of {@code [\p{L}\p{N}]+(?:\.\p{N}+)*} in {@code text}, in order ("CD19",
   * "1.5"), found by one walk over the code points instead of a regex search at every character.
   */
  static List<int[]> words(String text) {
    List<int[]> words = new ArrayList<>();
    int n = text.length();
    int i = 0;
    while (i < n) {
      int cp = text.codePointAt(i);
      if (!isLetterOrNumber(cp)) {
        i += Character.charCount(cp);
        continue;
      }
      int start = i;
      i = run(text, i, true);
      while (i < n && text.charAt(i) == '.') {
        int digits = run(text, i + 1, false);
        if (digits == i + 1) {
          break;
        }
        i = digits;
      }
      words.add(new int[] {start, i});
    }
    return words;
  }

  /** Where the run of letters and numbers (numbers only, unless {@code letters}) from {@code i} ends. */
  private static int run(String text, int i, boolean letters) {
    int at = i;
    while (at < text.length()) {
      int cp = text.codePointAt(at);
      if (!(isNumber(cp) || letters && Character.isLetter(cp))) {
        break;
      }
      at += Character.charCount(cp);
    }
    return at;
  }

  private static boolean isLetterOrNumber(int cp) {
    return Character.isLetter(cp) || isNumber(cp);
  }

  /** {@code \p{N}}: a decimal digit, letter number or other number. */
  private static boolean isNumber(int cp) {
    int type = Character.getType(cp);
    return type == Character.DECIMAL_DIGIT_NUMBER || type == Character.LETTER_NUMBER
        || type == Character.OTHER_NUMBER;
  }

  private static boolean joinedBySingleSeparators(String text, List<int[]> words, int from, int count) {
    for (int k = from; k < from + count - 1; k++) {
      int gapStart = words.get(k)[1];
      int gapEnd = words.get(k + 1)[0];
      if (gapEnd - gapStart != 1 || text.charAt(gapStart) != ' ' && text.charAt(gapStart) != '-') {
        return false;
      }
    }
    return true;
  }

  private static boolean isAscii(String text) {
    for (int i = 0; i < text.length(); i++) {
      if (text.charAt(i) >= 128) {
        return false;
      }
    }
    return true;
  }
}
