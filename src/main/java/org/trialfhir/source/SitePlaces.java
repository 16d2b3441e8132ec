package org.trialfhir.source;

import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;
import org.trialfhir.source.TrialRecord.Site;

/**
 * Reads a site's place line ("City, Country", "City, State, Country", "City, Zip, Country", "City, State, Zip,
 * Country") into a {@link Site}, from the end: the country comes last and may itself hold a comma, as registries
 * write some country names ("Korea, Republic of", "Iran, Islamic Republic of", "Taiwan, Province of China").
 */
final class SitePlaces {
  private static final Pattern COMMA = Pattern.compile("\\s*,\\s*");

  private SitePlaces() {}

  /**
   * The site at {@code place} (null or blank: no place). The country is the longest ending of the line that is one of
   * {@code countries} (what the page lists, e.g. CT.gov's "Countries" section); without such a match, the last part
   * together with the parts before it that only qualify a name ("Republic of", "The Democratic Republic of the",
   * "occupied"), so a page without a country list still reads "Seoul, Korea, Republic of" as Seoul in Korea.
   */
  static Site site(String facility, String place, Collection<String> countries, String status) {
    List<String> parts = place == null || place.isBlank() ? List.of() : List.of(COMMA.split(place.strip()));
    int countryParts = parts.isEmpty() ? 0 : countryParts(parts, countries);
    List<String> rest = parts.subList(0, parts.size() - countryParts);
    String country = countryParts == 0 ? null : String.join(", ", parts.subList(rest.size(), parts.size()));
    String city = rest.isEmpty() ? null : rest.get(0);
    // "City, Zip, Country" (no state): a postcode has a digit, a state name none.
    boolean zipOnly = rest.size() == 2 && rest.get(1).chars().anyMatch(Character::isDigit);
    String state = rest.size() > 1 && !zipOnly ? rest.get(1) : null;
    String zip = zipOnly ? rest.get(1) : rest.size() > 2 ? rest.get(2) : null;
    return new Site(facility, city, state, zip, country, status, List.of());
  }

  private static int countryParts(List<String> parts, Collection<String> countries) {
    int n = parts.size();
    for (int k = n; k > 1; k--) {
      String ending = String.join(", ", parts.subList(n - k, n));
      for (String country : countries) {
        if (String.join(", ", COMMA.split(country.strip())).equalsIgnoreCase(ending)) {
          return k;
        }
      }
    }
    int k = 1;
    while (k < n && qualifier(parts.get(n - k))) {
      k++;
    }
    return k;
  }

  /** A part that cannot stand as a place name: it ends in "of" / "of the", or starts in lower case. */
  private static boolean qualifier(String part) {
    String lower = part.toLowerCase(Locale.ROOT);
    return lower.endsWith(" of") || lower.endsWith(" of the") || Character.isLowerCase(part.codePointAt(0));
  }
}
