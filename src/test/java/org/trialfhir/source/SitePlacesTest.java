package org.trialfhir.source;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.trialfhir.source.TrialRecord.Site;

class SitePlacesTest {

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', nullValues = "-", value = {
      // place line | city | state | zip | country   (no country list: the line alone decides)
      "Wuhan, Hubei, China | Wuhan | Hubei | - | China",
      "Beijing, China | Beijing | - | - | China",
      "China | - | - | - | China",
      "Boston, Massachusetts, 02115, United States | Boston | Massachusetts | 02115 | United States",
      "Paris, 75013, France | Paris | - | 75013 | France",
      "Washington, District of Columbia, United States | Washington | District of Columbia | - | United States",
      "Seoul, Korea, Republic of | Seoul | - | - | 'Korea, Republic of'",
      "Seoul, Seoul Teugbyeolsi, 03722, Korea, Republic of | Seoul | Seoul Teugbyeolsi | 03722 | 'Korea, Republic of'",
      "Tehran, Iran, Islamic Republic of | Tehran | - | - | 'Iran, Islamic Republic of'",
      "Kinshasa, Congo, The Democratic Republic of the | Kinshasa | - | - | 'Congo, The Democratic Republic of the'",
      "Ramallah, Palestinian Territory, occupied | Ramallah | - | - | 'Palestinian Territory, occupied'",
      "Seoul, Republic of Korea | Seoul | - | - | Republic of Korea",
  })
  void readsTheCountryFromTheEndEvenWithACommaInIt(String place, String city, String state, String zip,
      String country) {
    Site site = SitePlaces.site("Hospital", place, List.of(), "RECRUITING");
    // locations[].city / state / zip / country
    assertEquals(Arrays.asList(city, state, zip, country),
        Arrays.asList(site.city(), site.state(), site.zip(), site.country()));
    assertEquals("Hospital", site.facility());
    assertEquals("RECRUITING", site.status());
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', nullValues = "-", value = {
      // With the page's country list, a comma form no rule recognises is read too.
      "Taipei, Taiwan, Province of China | Taipei | - | 'Taiwan, Province of China'",
      "Charlotte Amalie, Virgin Islands, U.S. | Charlotte Amalie | - | 'Virgin Islands, U.S.'",
      "Taipei City, Taipei, Taiwan, Province of China | Taipei City | Taipei | 'Taiwan, Province of China'",
      "Guangzhou, Guangdong, China | Guangzhou | Guangdong | China",
  })
  void takesTheLongestCountryThePageLists(String place, String city, String state, String country) {
    List<String> listed = List.of("China", "Taiwan, Province of China", "Virgin Islands,U.S.");
    Site site = SitePlaces.site("Hospital", place, listed, null);
    assertEquals(Arrays.asList(city, state, country), Arrays.asList(site.city(), site.state(), site.country()));
  }

  @ParameterizedTest(name = "[{0}]")
  @CsvSource(nullValues = "-", value = {"-", "' '"})
  void aSiteWithoutAPlaceHasNone(String place) {
    Site site = SitePlaces.site("Hospital", place, List.of("China"), null);
    assertEquals(Arrays.asList(null, null, null, null),
        Arrays.asList(site.city(), site.state(), site.zip(), site.country()));
  }
}
