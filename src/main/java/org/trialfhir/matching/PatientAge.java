package org.trialfhir.matching;

import java.time.LocalDate;
import java.time.temporal.ChronoUnit;

/**
 * A patient's age on a day in completed units of a UCUM time unit (a, mo, wk, d), as a range when the birth date is
 * only a year or a month: {@code [youngest, oldest]}.
 */
record PatientAge(long youngest, long oldest, String unit) {

  /** The age, or null when the birth date is unknown or the unit is not one of a, mo, wk, d. */
  static PatientAge of(PatientData.BirthDate birth, LocalDate on, String unit) {
    if (birth == null || unit == null) {
      return null;
    }
    ChronoUnit chrono = switch (unit) {
      case "a" -> ChronoUnit.YEARS;
      case "mo" -> ChronoUnit.MONTHS;
      case "wk" -> ChronoUnit.WEEKS;
      case "d" -> ChronoUnit.DAYS;
      default -> null;
    };
    if (chrono == null) {
      return null;
    }
    return new PatientAge(chrono.between(birth.latest(), on), chrono.between(birth.earliest(), on), unit);
  }

  boolean exact() {
    return youngest == oldest;
  }

  String describe() {
    String unitText = switch (unit) {
      case "a" -> "years";
      case "mo" -> "months";
      case "wk" -> "weeks";
      default -> "days";
    };
    return (exact() ? String.valueOf(youngest) : youngest + "–" + oldest) + " " + unitText;
  }
}
