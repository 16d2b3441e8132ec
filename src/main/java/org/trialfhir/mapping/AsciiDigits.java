package org.trialfhir.mapping;

/**
 * Whether a text has a digit as the extractors' patterns read one: {@code \d} without UNICODE_CHARACTER_CLASS is
 * 0-9 only. Every limit, dose and study day is written with such digits, so a text without any (most criteria and
 * sentences) is not searched for them at all.
 */
final class AsciiDigits {
  private AsciiDigits() {}

  static boolean in(String text) {
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c >= '0' && c <= '9') {
        return true;
      }
    }
    return false;
  }
}
