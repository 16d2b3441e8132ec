package org.trialfhir.source;

/**
 * Cleans registry text of rendering artefacts without changing what it says: markdown backslash escapes
 * ({@code \>} becomes {@code >}, {@code 10\^9} becomes {@code 10^9}) and runs of white space.
 */
public final class RegistryText {
  // Markdown lets any ASCII punctuation be escaped; CT.gov escapes > < ~ ^ * _ and the dot of "4\.".

  private RegistryText() {}

  /** The text without markdown escapes, with white space runs folded and trimmed; null stays null. */
  public static String unescape(String text) {
    if (text == null) {
      return null;
    }
    if (isClean(text)) {
      return text;
    }
    // One pass, no regex: this runs on every line of every record.
    StringBuilder out = new StringBuilder(text.length());
    boolean space = false;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c == ' ' || c == '\t' || c == '\u00A0') {
        space = out.length() > 0;
        continue;
      }
      if (space) {
        out.append(' ');
        space = false;
      }
      if (c == '\\' && i + 1 < text.length() && isAsciiPunctuation(text.charAt(i + 1))) {
        c = text.charAt(++i);
      }
      out.append(c);
    }
    return out.toString();
  }

  /**
   * Whether {@link #unescape} would give the text back unchanged: no backslash, tab, no-break space or two spaces in a
   * row, and no space at either end. Four {@code indexOf} scans (intrinsics over the string's bytes) rather than one
   * loop over its characters: this runs on every line of every record, nearly all of them clean (isClean and unescape
   * were 1.4% of the import worker's samples).
   */
  static boolean isClean(String text) {
    int n = text.length();
    if (n == 0) {
      return true;
    }
    return text.charAt(0) != ' ' && text.charAt(n - 1) != ' ' && text.indexOf('\\') < 0 && text.indexOf('\t') < 0
        && text.indexOf('\u00A0') < 0 && text.indexOf("  ") < 0;
  }

  private static boolean isAsciiPunctuation(char c) {
    return (c >= '!' && c <= '/') || (c >= ':' && c <= '@') || (c >= '[' && c <= '`') || (c >= '{' && c <= '~');
  }

  /** Null for null or blank text, else the unescaped text. */
  public static String orNull(String text) {
    String clean = unescape(text);
    return clean == null || clean.isEmpty() ? null : clean;
  }
}
