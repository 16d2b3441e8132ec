package org.trialfhir.mapping;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Locale;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ResourceIdsTest {
  private static final String FHIR_ID = "[A-Za-z0-9\\-.]{1,64}";

  @Test
  void trialResourcesDeriveFromTheNctId() {
    // CT.gov nctId → the ids DESIGN.md's Identity contract names.
    assertEquals("NCT07066982", ResourceIds.researchStudy("NCT07066982"));
    assertEquals("NCT07066982-protocol", ResourceIds.protocol("NCT07066982"));
    assertEquals("NCT07066982-eligibility", ResourceIds.eligibility("NCT07066982"));
  }

  @Test
  void registryIdThatCannotBeAnIdIsRefused() {
    assertThrows(IllegalArgumentException.class, () -> ResourceIds.researchStudy("NCT 0706"));
    assertThrows(NullPointerException.class, () -> ResourceIds.protocol(null));
  }

  @Test
  void organizationIdIsTheNormalisedName() {
    // CT.gov leadSponsor.name: case, punctuation and a trailing full stop do not make a second organization.
    assertEquals("org-essen-biotech", ResourceIds.organization("Essen Biotech"));
    assertEquals("org-beijing-immunochina-medical-science-technology-co-ltd",
        ResourceIds.organization("Beijing Immunochina Medical Science & Technology Co., Ltd."));
    assertEquals(ResourceIds.organization("Chongqing Precision Biotech Co., Ltd"),
        ResourceIds.organization("CHONGQING PRECISION BIOTECH CO., LTD."));
    assertEquals("org-guangdong-provincial-people-s-hospital",
        ResourceIds.organization("Guangdong Provincial People's Hospital"));
  }

  @Test
  void accentsAreStripped() {
    assertEquals("org-hopital-saint-louis", ResourceIds.organization("Hôpital Saint-Louis"));
    assertEquals("org-universitatsklinikum-koln", ResourceIds.organization("Universitätsklinikum Köln"));
    assertEquals("org-gross-strasse-klinik", ResourceIds.organization("Groß Straße Klinik"));
  }

  @Test
  void locationIdJoinsFacilityCityAndCountry() {
    // CT.gov locations[].facility, city, country; state and zip are not part of the id.
    assertEquals("loc-district-one-hospital-beijing-china",
        ResourceIds.location("District One Hospital", "Beijing", "China"));
    assertEquals("loc-hefei-china", ResourceIds.location(null, "Hefei", "China"));
    assertEquals("loc-anhui-provincial-hospital", ResourceIds.location("Anhui Provincial Hospital", " ", null));
    assertThrows(IllegalArgumentException.class, () -> ResourceIds.location(null, null, " "));
  }

  @Test
  void practitionerIdLeavesOutDegreesAndTitles() {
    // CT.gov overallOfficials[].name and contacts' names carry degrees as written.
    assertEquals("prac-yu-zhang", ResourceIds.practitioner("Yu Zhang, PhD"));
    assertEquals("prac-yu-zhang", ResourceIds.practitioner("Yu Zhang"));
    assertEquals("prac-wei-jia", ResourceIds.practitioner("Wei Jia, M.D."));
    assertEquals("prac-wei-jia", ResourceIds.practitioner("Wei Jia, Professor"));
    assertEquals("prac-sami-xi", ResourceIds.practitioner("SAMI XI, dr"));
    assertEquals("prac-chen-zhu", ResourceIds.practitioner("chen zhu, M.D"));
    assertEquals("prac-rhoda-m-smith", ResourceIds.practitioner("Rhoda M Smith, Phd"));
    assertEquals("prac-wei-jia", ResourceIds.practitioner("Prof. Wei Jia"));
    assertEquals("prac-yu-zhang", ResourceIds.practitioner("Yu Zhang MD, PhD"));
    assertEquals("prac-jose-garcia", ResourceIds.practitioner("José García, MD PhD"));
  }

  @Test
  void longNamesAreTruncatedWithAStableHash() {
    String longName = "The First Affiliated Hospital of Zhejiang University School of Medicine,"
        + " Department of Hematology and Bone Marrow Transplantation Center";
    String id = ResourceIds.organization(longName);
    assertTrue(id.matches(FHIR_ID), id);
    assertTrue(id.length() <= 64 && id.length() > 55, id);
    assertTrue(id.startsWith("org-the-first-affiliated-hospital-of-zhejiang"), id);
    assertTrue(id.matches(".*-[0-9a-f]{8}"), id);
    assertEquals(id, ResourceIds.organization(longName), "stable across calls");
    assertEquals(id, ResourceIds.organization(longName.toUpperCase()), "same normalised name, same id");
    String other = longName.replace("Center", "Centre");
    assertNotEquals(id, ResourceIds.organization(other), "names that differ past the cut stay apart");
  }

  @Test
  void namesWithoutLatinLettersStillGetDistinctValidIds() {
    String beijing = ResourceIds.organization("北京大学人民医院");
    String shanghai = ResourceIds.organization("上海交通大学医学院");
    assertTrue(beijing.matches(FHIR_ID) && beijing.matches("org-[0-9a-f]{8}"), beijing);
    assertNotEquals(beijing, shanghai);
    assertEquals(beijing, ResourceIds.organization("北京大学人民医院"));
    String mixed = ResourceIds.organization("Peking University People's Hospital 北京大学人民医院");
    assertTrue(mixed.startsWith("org-peking-university-people-s-hospital-") && mixed.matches(FHIR_ID), mixed);
  }

  @Test
  void punctuationOnlyNameStillGetsAnId() {
    String id = ResourceIds.organization("--");
    assertTrue(id.matches("org-[0-9a-f]{8}"), id);
  }

  @Test
  void blankNamesAreRefused() {
    assertThrows(IllegalArgumentException.class, () -> ResourceIds.organization(" "));
    assertThrows(IllegalArgumentException.class, () -> ResourceIds.practitioner(null));
  }

  @Test
  void activityIdsAndComputableNames() {
    assertEquals("NCT07066982-cyclophosphamide", ResourceIds.activity("NCT07066982", "Cyclophosphamide"));
    assertTrue(ResourceIds.activity("NCT07066982", "x".repeat(80)).matches(FHIR_ID));
    assertEquals("NCT07066982_cyclophosphamide", ResourceIds.name("NCT07066982-cyclophosphamide"));
    assertEquals("X_123", ResourceIds.name("123"));
  }

  /** The slug and the name are what the regex replacements they stand for give ("[^a-z0-9]+" by "-", edges trimmed). */
  @Test
  void slugAndNameAgreeWithTheirRegexDefinitions() {
    Random random = new Random(15);
    String alphabet = "aZz09-_ .,/Éé";
    for (int n = 0; n < 20_000; n++) {
      StringBuilder text = new StringBuilder("x");
      for (int i = random.nextInt(16); i > 0; i--) {
        text.append(alphabet.charAt(random.nextInt(alphabet.length())));
      }
      String s = text.toString();
      String lower = s.toLowerCase(Locale.ROOT);
      if (lower.chars().allMatch(c -> c < 128)) {
        assertEquals(lower.replaceAll("[^a-z0-9]+", "-").replaceAll("^-+|-+$", ""), ResourceIds.slug(s), s);
      }
      String name = s.replaceAll("[^A-Za-z0-9]+", "_").replaceAll("^_+|_+$", "");
      assertEquals(Character.toUpperCase(name.charAt(0)) + name.substring(1), ResourceIds.name(s), s);
    }
  }
}
