package org.trialfhir.source;

import java.util.regex.Pattern;

/**
 * Cleans registry text of rendering artefacts without changing what it says: markdown backslash escapes
 * ({@code \>} becomes {@code >}, {@code 10\^9} becomes {@code 10^9}) and runs of white space.
 */
public final class RegistryText {
  // Markdown lets any ASCII punctuation be escaped; CT.gov escapes > < ~ ^ * _ and the dot of "4\.".
  private static final Pattern ESCAPE = Pattern.compile("\\\\([!-/:-@\\[-`{-~])");
  private static final Pattern SPACES = Pattern.compile("[ \\t\\u00A0]+");

  private RegistryText() {}

  /** The text without markdown escapes, with white space runs folded and trimmed; null stays null. */
  public static String unescape(String text) {
    if (text == null) {
      return null;
    }
    return SPACES.matcher(ESCAPE.matcher(text).replaceAll("$1")).replaceAll(" ").trim();
  }

  /** Null for null or blank text, else the unescaped text. */
  public static String orNull(String text) {
    String clean = unescape(text);
    return clean == null || clean.isEmpty() ? null : clean;
  }
}
