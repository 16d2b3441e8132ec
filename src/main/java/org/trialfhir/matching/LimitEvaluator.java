package org.trialfhir.matching;

import java.math.BigDecimal;
import java.math.MathContext;
import java.time.LocalDate;
import java.time.Period;
import java.util.Optional;
import java.util.Set;

/**
 * Evaluates one limit against a patient's latest measurement of its analyte within the look-back window: converted
 * to the limit's unit with UCUM, divided by the Observation's reference range upper limit for a multiple of the
 * upper limit of normal, ECOG and Karnofsky converted into each other when only the other was recorded (the
 * conventional correspondence: Karnofsky 100–90 is ECOG 0, 80–70 is 1, 60–50 is 2, 40–30 is 3, 20–10 is 4, 0 is
 * 5; the scales agree only approximately, and the evidence says when it was used). A value within an inclusion's
 * limit meets it; a value within an exclusion's limit excludes (not met).
 */
final class LimitEvaluator {
  /** What one limit gives: a status, the measurement used (null when none), and the reason in words. */
  record Outcome(CriterionStatus status, Evidence evidence, String explanation) {}

  private static final String SCALES = "Karnofsky 100–90 = ECOG 0, 80–70 = 1, 60–50 = 2, 40–30 = 3, 20–10 = 4,"
      + " 0 = 5; the scales agree only approximately";

  private final MatchVocabulary vocabulary;
  private final Period lookBack;

  LimitEvaluator(MatchVocabulary vocabulary, Period lookBack) {
    this.vocabulary = vocabulary;
    this.lookBack = lookBack;
  }

  Outcome evaluate(Threshold limit, PatientData patient, LocalDate on) {
    String name = limit.analyte() == null ? "the analyte" : limit.analyte();
    if (limit.loinc() == null) {
      return new Outcome(CriterionStatus.UNKNOWN, null, name + " " + limit.bounds() + ": no LOINC code for "
          + name + ", so no patient data can be compared");
    }
    Latest direct = latest(patient, limit.observationCodes(), on);
    if (direct.found != null) {
      return compare(limit, direct.found, on);
    }
    if (limit.isScore()) {
      String other = Limit.ECOG.equals(limit.loinc()) ? Limit.KARNOFSKY : Limit.ECOG;
      Latest converted = latest(patient, Set.of(other), on);
      if (converted.found != null) {
        return convertedScore(limit, converted.found);
      }
    }
    String why = direct.older != null
        ? "the latest " + name + " (" + direct.older.reference() + ", " + direct.older.date() + ") is older than the "
            + lookBack.getDays() + "-day look-back"
        : direct.undated != null
            ? direct.undated.reference() + " gives no date to the day, and a limit needs a measurement of the last "
                + lookBack.getDays() + " days"
            : "no " + name + " in the patient data";
    return new Outcome(CriterionStatus.UNKNOWN, null, name + " " + limit.bounds() + ": " + why);
  }

  private Outcome compare(Threshold limit, PatientData.Measurement m, LocalDate on) {
    String read = m.reading();
    BigDecimal value;
    String how;
    if (limit.isScore()) {
      value = m.value();
      how = read;
    } else if (limit.relativeToUpperNormal()) {
      if (m.referenceHigh() == null) {
        return unknown(limit, m, read + ": the Observation gives no reference range upper limit, and the limit is a"
            + " multiple of it");
      }
      Optional<BigDecimal> high = sameUnit(m.referenceHigh(), m.referenceHighUnit(), m.unit());
      if (high.isEmpty() || high.get().signum() == 0) {
        return unknown(limit, m, read + ": the reference range upper limit (" + Limit.plain(m.referenceHigh()) + " "
            + m.referenceHighUnit() + ") is not in the value's unit");
      }
      value = m.value().divide(high.get(), MathContext.DECIMAL64);
      how = read + " = " + round(value) + " × ULN (upper limit " + Limit.plain(m.referenceHigh()) + ")";
    } else {
      if (m.unit() == null) {
        return unknown(limit, m, read + ": the unit is not UCUM, so it cannot be compared with " + limit.unit());
      }
      Optional<BigDecimal> converted = vocabulary.units().convert(m.value(), m.unit(), limit.unit());
      if (converted.isEmpty()) {
        return unknown(limit, m, read + ": " + m.unit() + " does not convert to " + limit.unit());
      }
      value = converted.get();
      how = m.unit().equals(limit.unit()) ? read : read + " = " + round(value) + " " + limit.unit();
    }
    return verdict(limit, m.reference(), value, how + "; limit " + limit.bounds());
  }

  private Outcome convertedScore(Threshold limit, PatientData.Measurement m) {
    String read = m.reading();
    if (Limit.ECOG.equals(limit.loinc())) {
      int ecog = ecogOf(m.value());
      return verdict(limit, m.reference(), BigDecimal.valueOf(ecog),
          read + " = ECOG " + ecog + " (converted; " + SCALES + "); limit " + limit.bounds());
    }
    int ecog = m.value().intValue();
    int low = ecog >= 5 ? 0 : 90 - 20 * ecog;
    int high = ecog >= 5 ? 0 : ecog == 0 ? 100 : low + 10;
    boolean lowHolds = limit.holds(BigDecimal.valueOf(low));
    boolean highHolds = limit.holds(BigDecimal.valueOf(high));
    String how = read + " = Karnofsky " + low + (low == high ? "" : "–" + high) + " (converted; " + SCALES
        + "); limit " + limit.bounds();
    if (lowHolds != highHolds) {
      return new Outcome(CriterionStatus.UNKNOWN, new Evidence(m.reference(), how),
          limit.analyte() + " " + limit.bounds() + ": the converted Karnofsky range straddles the limit");
    }
    return verdict(limit, m.reference(), BigDecimal.valueOf(low), how);
  }

  /** Karnofsky to ECOG by the conventional correspondence. */
  static int ecogOf(BigDecimal karnofsky) {
    int k = karnofsky.intValue();
    return k >= 90 ? 0 : k >= 70 ? 1 : k >= 50 ? 2 : k >= 30 ? 3 : k >= 10 ? 4 : 5;
  }

  private static Outcome verdict(Threshold limit, String reference, BigDecimal value, String how) {
    boolean within = limit.holds(value);
    CriterionStatus status = within == !limit.exclude() ? CriterionStatus.MET : CriterionStatus.NOT_MET;
    String meaning = limit.exclude()
        ? (within ? "within the exclusion's limit: excluded" : "outside the exclusion's limit")
        : (within ? "meets the limit" : "fails the limit");
    return new Outcome(status, new Evidence(reference, how + " (" + meaning + ")"),
        limit.analyte() + " " + limit.bounds() + ": " + meaning);
  }

  private static Outcome unknown(Threshold limit, PatientData.Measurement m, String why) {
    return new Outcome(CriterionStatus.UNKNOWN, new Evidence(m.reference(), why),
        limit.analyte() + " " + limit.bounds() + ": " + why);
  }

  private Optional<BigDecimal> sameUnit(BigDecimal value, String from, String to) {
    if (from == null || to == null) {
      return from == null && to == null ? Optional.of(value) : Optional.empty();
    }
    return vocabulary.units().convert(value, from, to);
  }

  private static String round(BigDecimal value) {
    return Limit.plain(value.round(new MathContext(4)));
  }

  /** The latest dated measurement with one of the codes, within the window; else what was too old or undated. */
  private record Latest(PatientData.Measurement found, PatientData.Measurement older,
      PatientData.Measurement undated) {}

  private Latest latest(PatientData patient, Set<String> codes, LocalDate on) {
    PatientData.Measurement found = null;
    PatientData.Measurement older = null;
    PatientData.Measurement undated = null;
    LocalDate earliest = on.minus(lookBack);
    for (PatientData.Measurement m : patient.measurements(codes)) {
      if (m.date() == null) {
        undated = m;
      } else if (m.date().isAfter(on)) {
        continue; // a result after the evaluation day did not exist on it
      } else if (m.date().isBefore(earliest)) {
        older = older == null || m.date().isAfter(older.date()) ? m : older;
      } else if (found == null || m.date().isAfter(found.date())) {
        found = m;
      }
    }
    return new Latest(found, older, undated);
  }
}
